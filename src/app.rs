//! The page: controls on one side, charts on the other; a compact layout for embeds. Creates the
//! state, the chart registry and the live loop (which wires itself to the state), and keeps the
//! address bar, the theme and the parent frame in step with the page.

use flushlab_engine::presets;
use gloo_timers::callback::Timeout;
use leptos::prelude::*;

use crate::analyses::PhaseAxis;
use crate::charts::{self, Chart, Registry};
use crate::codec::{self, PageQuery};
use crate::components::{
    leverage_editor::LeverageEditor, market_controls::MarketControls, notices::ErrorBanner,
    playback::PlaybackBar, presets::PresetPicker, share::ShareBar, shock_control::ShockControl,
    summary::Summary, trader_controls::TraderControls, venue_controls::VenueControls,
};
use crate::live::Live;
use crate::state::{AppState, Tab, Theme};
use crate::{browser, state};

/// Charts an embed shows when `view=` names none.
const DEFAULT_EMBED_VIEW: [&str; 3] = ["price", "liquidations", "map"];
/// Quiet time before the address bar follows the scenario, milliseconds.
const URL_DELAY_MS: u32 = 300;

/// The whole app, reading its scenario from the page's address.
#[component]
pub fn App() -> impl IntoView {
    view! { <AppWithQuery query=browser::query() /> }
}

/// The app for a given query string (tests mount it with their own).
#[component]
pub fn AppWithQuery(
    /// The query string, e.g. `?embed=1&view=price&s=1.…`.
    query: String,
) -> impl IntoView {
    let page = codec::parse_query(&query);
    let default = presets::all().into_iter().next();
    let (default_scenario, default_name) = default
        .map(|preset| (preset.scenario, preset.name))
        .unwrap_or_else(|| (presets::default_scenario(), String::new()));
    let state = AppState::new(default_scenario, &default_name);
    match &page.scenario {
        Some(Ok(scenario)) => state.load(scenario.clone(), page.preset.as_deref().unwrap_or("")),
        Some(Err(problem)) => state.report(
            "link",
            "The link's scenario could not be loaded; showing the default scenario instead.",
            problem.lines().map(str::to_string).collect(),
        ),
        None => {}
    }
    state.theme.set(if browser::prefers_dark() {
        Theme::Dark
    } else {
        Theme::Light
    });
    provide_context(state);
    let registry = Registry::new();
    provide_context(registry);
    let live = Live::new(state, registry);
    provide_context(live);

    // The app is up: the static "Loading" line goes.
    if let Some(boot) = web_sys::window()
        .and_then(|window| window.document())
        .and_then(|document| document.get_element_by_id("boot"))
    {
        boot.remove();
    }
    follow_system_theme(state);
    sync_address_bar(state, &page);
    if page.embed || browser::in_iframe() {
        report_height_to_parent();
    }

    let theme_name = move || match state.theme.get() {
        Theme::Light => "light",
        Theme::Dark => "dark",
    };
    if page.embed {
        view! { <EmbedLayout page=page theme=Signal::derive(theme_name) /> }.into_any()
    } else {
        view! { <FullLayout theme=Signal::derive(theme_name) /> }.into_any()
    }
}

/// The full app.
#[component]
fn FullLayout(
    /// "light" or "dark".
    theme: Signal<&'static str>,
) -> impl IntoView {
    let state = state::use_state();
    let live = expect_context::<Live>();
    let toggle_theme = move |_| {
        state.theme.update(|theme| {
            *theme = match theme {
                Theme::Light => Theme::Dark,
                Theme::Dark => Theme::Light,
            }
        })
    };
    view! {
        <div class="app" data-theme=theme>
            <a class="skip-link" href="#results">"Skip to the charts"</a>
            <header class="top">
                <div class="brand">
                    <h1>"FlushLab"</h1>
                    <p class="lede">"How leverage turns a small price move into a flush. Drag the bars, move the shock, watch the cascade re-run."</p>
                </div>
                <div class="top-actions">
                    <ShareBar outcome=live.outcome />
                    <button type="button" class="theme-toggle" on:click=toggle_theme
                        aria-label=move || format!("Switch to {} theme", if theme.get() == "dark" { "light" } else { "dark" })>
                        {move || if theme.get() == "dark" { "☀ Light" } else { "☾ Dark" }}
                    </button>
                </div>
            </header>
            <ErrorBanner />
            <div class="layout">
                <aside class="controls" aria-label="Scenario controls">
                    <PresetPicker />
                    <LeverageEditor />
                    <ShockControl />
                    <MarketControls />
                    <VenueControls />
                    <TraderControls />
                </aside>
                <main id="results" class="results" tabindex="-1">
                    <Summary outcome=live.outcome />
                    <div class="tabs" role="tablist" aria-label="Views">
                        <TabButton tab=Tab::Flush label="The flush" />
                        <TabButton tab=Tab::Cycles label="Leverage cycles" />
                    </div>
                    <Show
                        when=move || state.tab.get() == Tab::Flush
                        fallback=move || view! { <CyclesTab /> }
                    >
                        <PlaybackBar />
                        <div class="charts" role="tabpanel" aria-label="The flush">
                            <FlushCharts views=None />
                        </div>
                    </Show>
                </main>
            </div>
            <footer class="foot">
                <p>"FlushLab runs entirely in your browser: nothing you enter leaves this page. The model, its equations and the venue rules and papers it follows are described in docs/model.md of its source."</p>
            </footer>
        </div>
    }
}

/// A tab of the results.
#[component]
fn TabButton(
    /// The tab it selects.
    tab: Tab,
    /// Its text.
    label: &'static str,
) -> impl IntoView {
    let state = state::use_state();
    view! {
        <button type="button" role="tab" class="tab"
            aria-selected=move || (state.tab.get() == tab).to_string()
            on:click=move |_| state.tab.set(tab)>{label}</button>
    }
}

/// The flush charts; `views` limits them to the named ones (embeds).
#[component]
fn FlushCharts(
    /// Names of the charts to show (None: all).
    views: Option<Vec<String>>,
) -> impl IntoView {
    let live = expect_context::<Live>();
    let shows = move |name: &str| {
        views
            .as_ref()
            .is_none_or(|views| views.iter().any(|v| v == name))
    };
    let phase_axis = move |ev: leptos::ev::Event| {
        live.phase_axis.set(if event_target_value(&ev) == "depth" {
            PhaseAxis::Depth
        } else {
            PhaseAxis::MeanLeverage
        });
    };
    charts::FLUSH_CHARTS
        .iter()
        .filter(|entry| shows(entry.name))
        .map(|entry| {
            let chart = view! {
                <Chart name=entry.name title=entry.title caption=entry.caption draw=entry.draw
                    class=if entry.wide { "wide" } else { "" } />
            };
            if entry.name != "phase" {
                return chart.into_any();
            }
            view! {
                <div class="phase-wrap">
                    <div class="phase-head">
                        <label for="phase-axis">"Phase map against"</label>
                        <select id="phase-axis" on:change=phase_axis>
                            <option value="leverage">"mean leverage"</option>
                            <option value="depth">"book depth"</option>
                        </select>
                        <progress max=move || live.phase_progress.get().1 value=move || live.phase_progress.get().0
                            aria-label="Amplification curve and phase map progress"></progress>
                        <span class="muted small">{move || {
                            let (done, total) = live.phase_progress.get();
                            if done < total { format!("computing {done}/{total}") } else { "done".to_string() }
                        }}</span>
                    </div>
                    {chart}
                </div>
            }
            .into_any()
        })
        .collect_view()
}

/// The leverage-cycles tab.
#[component]
fn CyclesTab() -> impl IntoView {
    let live = expect_context::<Live>();
    view! {
        <div class="charts" role="tabpanel" aria-label="Leverage cycles" data-testid="chart-cycles">
            <p class="wide muted">
                "Many days in a row: each day brings Gaussian news; the day's cascade runs on the day's leveraged positions and its price impact fades over the following days; liquidated traders are replaced by new ones at the new price, some traders turn over every day, and the book thins (and new leverage shrinks) when recent volatility was high. Compare returns with and without cascades."
                " "
                <progress max=move || live.cycles_progress.get().1 value=move || live.cycles_progress.get().0 aria-label="Leverage cycles progress"></progress>
                {move || {
                    let (done, total) = live.cycles_progress.get();
                    if done < total { format!(" computing {done}/{total}") } else { String::new() }
                }}
            </p>
            <Show when=move || !live.cycles_unrealistic.get().is_empty()>
                <p class="wide thought-experiment" data-testid="cycles-unrealistic">
                    "Outside any realistic regime: "
                    {move || live.cycles_unrealistic.get().join("; ")}
                    ". The model stays finite here, but no market has traded like this."
                </p>
            </Show>
            <Chart name="cycles-fan" title="Price fan" draw=charts::cycles::fan
                caption="The spread of price paths across simulated histories; cascades fatten the lower edge." />
            <Chart name="cycles-returns" title="Daily returns" draw=charts::cycles::returns
                caption="The same news with and without cascades: cascades add the rare, violent down days." />
            <Chart name="cycles-qq" title="QQ plot" draw=charts::cycles::qq
                caption="Points off the dashed line are tails a normal distribution would not produce." />
            <Chart name="cycles-tails" title="Tails against impact" draw=charts::cycles::tails
                caption="Excess kurtosis (fat tails) rises as each sale moves the price more." />
        </div>
    }
}

/// The compact layout for iframes: summary, shock, the chosen charts, a link to the full app.
#[component]
fn EmbedLayout(
    /// The parsed query (for `view=`).
    page: PageQuery,
    /// "light" or "dark".
    theme: Signal<&'static str>,
) -> impl IntoView {
    let state = state::use_state();
    let live = expect_context::<Live>();
    let views: Vec<String> = if page.view.is_empty() {
        DEFAULT_EMBED_VIEW
            .iter()
            .map(|name| name.to_string())
            .collect()
    } else {
        page.view.clone()
    };
    let full_link = move || state.scenario.with(crate::components::share::share_link);
    view! {
        <div class="app embed" data-theme=theme>
            <ErrorBanner />
            <div class="embed-head">
                <ShockControl />
                <a class="open-full" href=full_link target="_blank" rel="noopener">"Open in FlushLab ↗"</a>
            </div>
            <Summary outcome=live.outcome />
            <div class="charts">
                <FlushCharts views=Some(views) />
            </div>
        </div>
    }
}

/// Follows the system's light/dark preference as it changes.
fn follow_system_theme(state: AppState) {
    use wasm_bindgen::prelude::*;
    use wasm_bindgen::JsCast;
    let Some(query) = web_sys::window().and_then(|window| {
        window
            .match_media("(prefers-color-scheme: dark)")
            .ok()
            .flatten()
    }) else {
        return;
    };
    let listener = Closure::<dyn FnMut(web_sys::MediaQueryListEvent)>::new(
        move |event: web_sys::MediaQueryListEvent| {
            state.theme.set(if event.matches() {
                Theme::Dark
            } else {
                Theme::Light
            });
        },
    );
    let _ = query.add_event_listener_with_callback("change", listener.as_ref().unchecked_ref());
    let stored = StoredValue::new_local(Some((query, listener)));
    on_cleanup(move || {
        if let Some((query, listener)) = stored.try_update_value(Option::take).flatten() {
            let _ = query
                .remove_event_listener_with_callback("change", listener.as_ref().unchecked_ref());
        }
    });
}

/// Keeps the address bar's `s=` equal to the scenario (after edits settle), keeping `embed` and
/// `view`, so a reload or a copied address reproduces the scenario.
fn sync_address_bar(state: AppState, page: &PageQuery) {
    let mut fixed = Vec::new();
    if page.embed {
        fixed.push("embed=1".to_string());
    }
    if !page.view.is_empty() {
        fixed.push(format!("view={}", page.view.join(",")));
    }
    let fixed = fixed.join("&");
    let timer = StoredValue::new_local(None::<Timeout>);
    Effect::new(move |first: Option<()>| {
        let scenario = state.scenario.get();
        if first.is_none() {
            return;
        }
        // Encoded once edits settle, not on every drag frame.
        let fixed = fixed.clone();
        timer.set_value(Some(Timeout::new(URL_DELAY_MS, move || {
            let link = format!("s={}", codec::encode_link(&scenario));
            let query = if fixed.is_empty() {
                link
            } else {
                format!("{fixed}&{link}")
            };
            browser::replace_query(&query)
        })));
    });
}

/// Posts the page's height to the parent frame whenever it changes.
fn report_height_to_parent() {
    use wasm_bindgen::prelude::*;
    use wasm_bindgen::JsCast;
    let callback = Closure::<dyn FnMut(js_sys::Array)>::new(move |_entries: js_sys::Array| {
        browser::post_height_to_parent();
    });
    let observer = web_sys::ResizeObserver::new(callback.as_ref().unchecked_ref());
    let element = web_sys::window()
        .and_then(|window| window.document())
        .and_then(|document| document.document_element());
    if let (Ok(observer), Some(element)) = (observer, element) {
        observer.observe(&element);
        let stored = StoredValue::new_local(Some((observer, callback)));
        on_cleanup(move || {
            if let Some((observer, _callback)) = stored.try_update_value(Option::take).flatten() {
                observer.disconnect();
            }
        });
    }
}
