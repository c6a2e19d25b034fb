//! A panic never leaves a blank page: the hook logs it (console_error_panic_hook), marks the tab
//! so the next page asks before running the same scenario again (`src/crash_guard.rs`), and puts
//! an error panel over the page with a way back to the default scenario. Built with plain DOM
//! calls, because after a panic the app's own state cannot be trusted. The scenario itself was
//! saved before the engine ran it (`follow_scenario` in `src/app.rs`).

use std::panic;

/// Installs the panic hook.
pub fn install() {
    panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        crate::crash_guard::crashed();
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
    // `fresh=1`: the default scenario, with the autosave offered back rather than run.
    let reset_href = web_sys::window()
        .and_then(|window| window.location().pathname().ok())
        .map_or_else(
            || "./?fresh=1".to_string(),
            |path| format!("{path}?fresh=1"),
        );
    panel.set_inner_html(&format!(
        "<h2>Something went wrong</h2>\
         <p>FlushLab hit an internal error and stopped. Your scenario is kept in the address bar \
         and autosaved in this browser (a new scenario before it runs, edits once they settle), \
         so Reload brings back the last one saved and asks before running it again. Or start \
         again from the default scenario; your autosave is offered back there.</p>\
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
