//! Any command line (NUL-separated arguments) through the CLI's parser: a message or a command,
//! never a panic; a sweep it accepts holds shocks the sweep accepts.
#![no_main]

use flushlab_engine::analysis::sweep::validate_shocks;
use flushlab_engine::cli::{parse, Command};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let args: Vec<String> = text.split('\0').map(String::from).collect();
    if let Ok(Command::Sweep { shocks_pct, .. }) = parse(&args) {
        assert!(validate_shocks(&shocks_pct).is_ok(), "{args:?}");
    }
});
