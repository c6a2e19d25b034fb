//! Entry point: install the panic hook and mount the app. Nothing else lives here.

fn main() {
    flushlab::panic_panel::install();
    flushlab::charts::plotly_js::load_on_first_interaction();
    // The app starts in tasks after the module's own instantiation, each short on a phone
    // (blocking time): the default preset is read (and the code reading it compiled), then the
    // app mounts. (Starting the compute worker in a task before these made the page's start
    // slower: its wasm then loads and compiles beside the mounting, on a phone's few cores.)
    after_a_task(|| {
        flushlab::app::default_start();
        after_a_task(|| leptos::mount::mount_to_body(flushlab::App));
    });
}

/// Runs `then` in a task of its own (a zero timeout).
fn after_a_task(then: impl FnOnce() + 'static) {
    gloo_timers::callback::Timeout::new(0, then).forget();
}
