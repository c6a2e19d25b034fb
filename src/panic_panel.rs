//! A panic never leaves a blank page: the hook logs it (console_error_panic_hook) and puts an
//! error panel over the page with a way back to the default scenario. Built with plain DOM calls,
//! because after a panic the app's own state cannot be trusted.

use std::panic;

/// Installs the panic hook.
pub fn install() {
    panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        show_panel(&info.to_string());
    }));
}

fn show_panel(message: &str) {
    let Some(document) = web_sys::window().and_then(|window| window.document()) else {
        return;
    };
    if document.get_element_by_id("panic-panel").is_some() {
        return;
    }
    let Ok(panel) = document.create_element("div") else {
        return;
    };
    panel.set_id("panic-panel");
    let _ = panel.set_attribute("role", "alert");
    let _ = panel.set_attribute("data-testid", "panic-panel");
    let _ = panel.set_attribute("class", "panic-panel");
    let reset_href = web_sys::window()
        .and_then(|window| window.location().pathname().ok())
        .unwrap_or_else(|| "./".to_string());
    panel.set_inner_html(&format!(
        "<h2>Something went wrong</h2>\
         <p>FlushLab hit an internal error and stopped. Your scenario is still in the address bar, \
         so reloading may bring it back; if it does not, start again from the default scenario.</p>\
         <p><a class=\"button-like\" href=\"{}\">Reset to default</a> \
         <button type=\"button\" onclick=\"location.reload()\">Reload</button></p>\
         <details><summary>Details for a bug report</summary><pre>{}</pre></details>",
        escape(&reset_href),
        escape(message)
    ));
    if let Some(body) = document.body() {
        let _ = body.append_child(&panel);
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
