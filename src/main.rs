//! Entry point: install the panic hook and mount the app. Nothing else lives here.

fn main() {
    flushlab::panic_panel::install();
    flushlab::charts::plotly_js::load_on_first_interaction();
    // The app starts in a task after the module's own instantiation (a phone's blocking time).
    gloo_timers::callback::Timeout::new(0, || {
        leptos::mount::mount_to_body(flushlab::App);
    })
    .forget();
}
