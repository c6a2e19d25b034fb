//! Entry point: install the panic hook and mount the app. Nothing else lives here.

fn main() {
    flushlab::panic_panel::install();
    flushlab::charts::plotly_js::load_on_first_interaction();
    leptos::mount::mount_to_body(flushlab::App);
}
