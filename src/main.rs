//! Entry point: install the panic hook and mount the app. Nothing else lives here.

use gloo_timers::callback::Timeout;

fn main() {
    flushlab::panic_panel::install();
    flushlab::charts::plotly_js::load_on_first_interaction();
    // The app starts in tasks after the module's own instantiation, each short on a phone
    // (blocking time): the default preset is read (and the code reading it compiled), then the
    // app mounts. (Starting the compute worker in a task before these made the page's start
    // slower: its wasm then loads and compiles beside the mounting, on a phone's few cores.)
    Timeout::new(0, || {
        flushlab::app::default_start();
        Timeout::new(0, || leptos::mount::mount_to_body(flushlab::App)).forget();
    })
    .forget();
}
