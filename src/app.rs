//! The page: controls on one side, charts on the other; a compact layout for embeds. Chooses what
//! the page starts with (the address, the autosave, the default), creates the state, the chart
//! registry and the live loop (which wires itself to the state), and keeps the address bar, the
//! autosave, the theme and the parent frame in step with the page.

use flushlab_engine::presets;
use gloo_timers::callback::Timeout;
use leptos::prelude::*;

use crate::autosave::{self, Address, AutosaveState, Source};
use crate::catalogue::text::{fill, text};
use crate::charts::Registry;
use crate::codec::{self, PageQuery};
use crate::components::{
    bet::{BetCard, BetToggle, Betting},
    edit_bar::EditBar,
    explainer::{Explainer, GlossaryButton, GlossaryDialog, TourButton, TourCard},
    leverage_editor::LeverageEditor,
    market_controls::MarketControls,
    monitor::LeverageMonitor,
    notices::{ErrorBanner, HeldRun},
    playback::PlaybackBar,
    presets::PresetPicker,
    restore::{Offer, RestoreOffers},
    share::ShareBar,
    shock_control::ShockControl,
    summary::{Headline, Summary},
    trader_controls::TraderControls,
    venue_controls::VenueControls,
};
use crate::live::Live;
use crate::state::{AppState, Kept, Tab, Theme};
use crate::views::{CyclesTab, EmbedLayout, FlushCharts, OptionsTab, TabButton, VenuesTab};
use crate::{browser, crash_guard, state};

/// Quiet time before the address bar and the autosave follow the scenario, milliseconds.
const SAVE_DELAY_MS: u32 = 300;

/// The whole app, reading its scenario from the page's address (or the autosave).
#[component]
pub fn App() -> impl IntoView {
    view! { <AppWithQuery query=browser::query() remember=true /> }
}

/// The app for a given query string (tests mount it with their own).
#[component]
pub fn AppWithQuery(
    /// The query string, e.g. `?embed=1&view=price&s=1.…`.
    query: String,
    /// Autosave in this browser and offer it back, and ask before running again a scenario the
    /// previous page stopped on (the real page; never in an embed).
    #[prop(optional)]
    remember: bool,
) -> impl IntoView {
    let page = codec::parse_query(&query);
    let remember = remember && !page.embed;
    browser::set_language(crate::catalogue::text::tag());
    let (state, offers) = starting_state(&page, remember);
    if page.fresh {
        // Once started fresh, a reload should not start fresh again.
        browser::replace_query(&codec::page_query(
            page.embed,
            &page.view,
            &page.controls,
            None,
        ));
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
    let explainer = Explainer::new(state);
    provide_context(explainer);
    provide_context(Betting::new());
    // `#tour=3` or `#glossary=mark-price` opens there (after the first frame, once the charts
    // it points at are on the page).
    Timeout::new(0, move || explainer.follow_fragment()).forget();
    // A printout shows every chart, those never scrolled to as well.
    for (event, printing) in [("beforeprint", true), ("afterprint", false)] {
        browser::on_window_event(event, move || live.draw_all_for_print(printing));
    }

    // The app is up: the static "Loading" line goes, and the static first view once the app
    // shows the same (`handover`).
    if let Some(boot) = web_sys::window()
        .and_then(|window| window.document())
        .and_then(|document| document.get_element_by_id("boot"))
    {
        boot.remove();
    }
    crate::handover::retire_first_view();
    follow_system_theme(state);
    follow_scenario(state, &page, remember, offers);
    // Only a page in a frame has a parent to tell: an embed opened on its own (a reader's new
    // tab) read its layout twice a second for nobody, forcing layouts while it loaded.
    if browser::in_iframe() {
        report_height_to_parent();
    }

    let theme_name = move || match state.theme.get() {
        Theme::Light => "light",
        Theme::Dark => "dark",
    };
    if page.embed {
        view! { <EmbedLayout page=page theme=Signal::derive(theme_name) /> }.into_any()
    } else {
        view! { <FullLayout theme=Signal::derive(theme_name) offers=offers /> }.into_any()
    }
}

/// The state the page starts with ([`autosave::plan`] chooses from the address, the autosave and
/// the default), and what is offered back besides.
fn starting_state(page: &PageQuery, remember: bool) -> (AppState, RwSignal<Vec<Offer>>) {
    // A link whose scenario cannot be read but that names a preset (`preset=X&s=...`) starts
    // from that preset rather than the default (the notice says what was wrong with the link).
    let named = match &page.scenario {
        Some(Err(_)) => page.preset.as_deref().and_then(presets::find),
        _ => None,
    };
    let default = named
        .clone()
        .map(|preset| Kept {
            scenario: preset.scenario,
            preset: preset.name,
        })
        .unwrap_or_else(default_start);
    let (saved, saved_problem) = match remember.then(autosave::read) {
        Some(Ok(saved)) => (saved, None),
        Some(Err(problem)) => (None, Some(problem)),
        None => (None, None),
    };
    let stopped = remember && crash_guard::previous_page_stopped_while_working();
    let address = match &page.scenario {
        None => Address::Empty,
        Some(Ok(_)) => Address::Valid,
        Some(Err(_)) => Address::Invalid,
    };
    let autosave_state = match (&saved, &page.scenario) {
        (None, _) => AutosaveState::None,
        (Some(saved), Some(Ok(scenario))) if saved.scenario == *scenario => AutosaveState::Same,
        _ => AutosaveState::Differs,
    };
    let plan = autosave::plan(address, page.fresh, autosave_state, stopped);
    let from = |source: Source| -> Option<(Kept, Tab)> {
        match source {
            Source::Address => match &page.scenario {
                Some(Ok(scenario)) => Some((
                    Kept {
                        scenario: scenario.clone(),
                        // The preset a link names, edited since or not: a scenario that is not
                        // that preset as it came opens as that preset, edited (its story dimmed
                        // and said to tell the preset as it came; an edited preset's link opened
                        // as "Custom", its story gone).
                        preset: page
                            .preset
                            .clone()
                            // A link of before, which named an edited preset's scenario alone:
                            // the autosave of the same scenario says which preset it was edited
                            // from (the menu said "Custom" after a reload, and Reset went to the
                            // default).
                            .or_else(|| {
                                saved
                                    .as_ref()
                                    .filter(|saved| saved.scenario == *scenario)
                                    .map(|saved| saved.preset.clone())
                            })
                            .unwrap_or_default(),
                    },
                    Tab::Flush,
                )),
                _ => None,
            },
            Source::Autosave => saved.as_ref().map(|saved| {
                (
                    Kept {
                        scenario: saved.scenario.clone(),
                        preset: saved.preset.clone(),
                    },
                    Tab::from_name(&saved.tab),
                )
            }),
            Source::Default => None,
        }
    };
    let (start, tab) = from(plan.run).unwrap_or((default, Tab::Flush));
    let state = AppState::new(start.scenario, &start.preset);
    // A link's `tab=` opens that tab whatever scenario runs (the autosave's, with no `s=`).
    state.tab.set(page.tab.unwrap_or(tab));
    // The options tab's option comes back with an autosave that had one (whatever else runs).
    if let Some(options) = saved.as_ref().and_then(|saved| saved.options.clone()) {
        if options.validate().is_ok() {
            state.options.set(options);
        }
    }
    // A link's own call wins over the autosave's (the link was made with it).
    if let Some(call) = &page.call {
        state.options.set(call.clone());
    }
    if !page.page_ignored.is_empty() {
        state.report(
            "link-parts",
            text().notices.link_partly,
            page.page_ignored.clone(),
        );
    }
    // So does the Markets tab's system (an unknown preset name falls back to the default one).
    // The reader's own system comes back too, unless it no longer validates (then it says so).
    let saved_markets = saved.as_ref().and_then(|saved| saved.markets.clone());
    if let Some(markets) = saved_markets {
        let had_own = markets.own.is_some();
        let markets = markets.checked();
        if had_own && markets.own.is_none() {
            state.report(
                "autosave-markets",
                text().notices.own_system_dropped,
                Vec::new(),
            );
        }
        state.markets.set(markets);
    }
    if let Some(Err(problem)) = &page.scenario {
        // What runs instead: the preset the link names (above), or the default.
        let title = match &named {
            Some(preset) => fill(
                text().notices.link_failed_preset,
                &[("title", &preset.title)],
            ),
            None => text().notices.link_failed.to_string(),
        };
        state.report(
            "link",
            &title,
            problem.lines().map(str::to_string).collect(),
        );
    }
    // A link to a system (`system=`) opens the Markets tab on it; a bad one says why and the tab
    // keeps what it had.
    match &page.markets {
        Some(Ok(markets)) => {
            // A link to a preset keeps the reader's own system (in the menu); a link carrying a
            // system is shown as the own one.
            let mut markets = markets.clone();
            if markets.own.is_none() {
                markets.own = state.markets.with_untracked(|saved| saved.own.clone());
            }
            state.markets.set(markets);
            // On the Markets tab, unless the link names another (`tab=`).
            state.tab.set(page.tab.unwrap_or(Tab::Markets));
            // A reader who came for the system has not seen this page's flush.
            state.flush_seen.set(false);
        }
        Some(Err(problem)) => {
            // The tab the link was for, with the system it had.
            state.tab.set(Tab::Markets);
            state.report(
                "system-link",
                text().notices.system_link_failed,
                vec![problem.clone()],
            )
        }
        None if page.view.iter().any(|view| view == "markets") => {
            // An embed of the Markets tab that names no system shows the one built on the preset
            // it names (2025-10-10's across venues, not the default two venues).
            if let Some(system) = page.preset.as_deref().and_then(presets::system_based_on) {
                let choice = state
                    .markets
                    .with_untracked(|choice| choice.showing(&system.name));
                state.markets.set(choice);
            }
            state.tab.set(Tab::Markets)
        }
        None => {}
    }
    if !page.markets_ignored.is_empty() {
        state.report(
            "system-link-parts",
            text().notices.system_link_partly,
            page.markets_ignored.clone(),
        );
    }
    if let Some(problem) = saved_problem {
        state.report("autosave", text().notices.autosave_failed, vec![problem]);
    }
    let mut offers = Vec::new();
    if let Some(source) = plan.ask_before {
        if let Some((kept, tab)) = from(source) {
            let origin = if source == Source::Address {
                text().notices.from_link
            } else {
                text().notices.from_autosave
            };
            offers.push(Offer::RunAgain {
                kept,
                tab,
                from: origin,
            });
        }
    }
    if plan.offer_restore {
        if let (Some((kept, tab)), Some(saved)) = (from(Source::Autosave), &saved) {
            offers.push(Offer::Autosave {
                kept,
                tab,
                saved_at_ms: saved.saved_at_ms,
            });
        }
    }
    // Other tabs' work that a later tab wrote over: offered back while it is not what runs or
    // the autosave (offered above).
    if remember {
        let running = state.envelope(0.0);
        offers.extend(
            autosave::read_others()
                .into_iter()
                .filter(|other| {
                    !other.same_work(&running)
                        && !saved.as_ref().is_some_and(|saved| other.same_work(saved))
                })
                .map(|other| Offer::OtherTab(Box::new(other))),
        );
    }
    (state, RwSignal::new(offers))
}

/// What the page starts with when nothing else is asked for (no link, no autosave): the first
/// preset. `index.html`'s first view shows it ([`crate::first_view`]).
pub fn default_start() -> Kept {
    presets::first()
        .map(|preset| Kept {
            scenario: preset.scenario,
            preset: preset.name,
        })
        .unwrap_or_else(|| Kept {
            scenario: presets::default_scenario(),
            preset: String::new(),
        })
}

/// The full app.
#[component]
fn FullLayout(
    /// "light" or "dark".
    theme: Signal<&'static str>,
    /// Scenarios offered back (the autosave, one held back after a crash).
    offers: RwSignal<Vec<Offer>>,
) -> impl IntoView {
    let state = state::use_state();
    let live = expect_context::<Live>();
    let betting = expect_context::<Betting>();
    let bet_open = move || betting.hiding(&state);
    let toggle_theme = move |_| {
        state.theme.update(|theme| {
            *theme = match theme {
                Theme::Light => Theme::Dark,
                Theme::Dark => Theme::Light,
            }
        })
    };
    // Re-rendered only when the tab really changes (a demo sets it again to the same one).
    let shown_tab = Memo::new(move |_| state.tab.get());
    Effect::new(move |_| {
        if shown_tab.get() == Tab::Flush {
            state.flush_seen.set(true);
        }
    });
    // The folded controls are mounted when first unfolded (a phone starts without them: a
    // shorter start), and stay.
    let more_opened = RwSignal::new(!browser::is_narrow());
    // The page mounts in tasks of its own after the app's start, not in one (a phone's total
    // blocking time): the header, the headline and the tabs, then the open tab's panel (the
    // charts), then the controls, then the summary and the monitor. Nothing shows the gaps: the
    // static first view lies over the page, and the results below the headline are not
    // painted, until the first run's figures are in.
    let mounted = RwSignal::new(Mounted::Nothing);
    mount_next(mounted);
    let page_shown = Memo::new(move |_| mounted.get() >= Mounted::Page);
    // Changes once: the tab's panel is not built again as the later parts mount.
    let charts_shown = Memo::new(move |_| mounted.get() >= Mounted::Charts);
    let on_more_toggle = move |event: leptos::ev::Event| {
        let open = event_target::<web_sys::HtmlElement>(&event).has_attribute("open");
        if open && !more_opened.get_untracked() {
            more_opened.set(true);
        }
    };
    move || {
        page_shown.get().then(|| view! {
        <div class="app" data-theme=theme>
            <a class="skip-link" href="#results">{text().page.skip_link}</a>
            <header class="top">
                <div class="brand">
                    <h1>"FlushLab"</h1>
                    <p class="lede">{text().page.lede}</p>
                </div>
                <div class="top-actions">
                    <div class="explain-actions">
                        <TourButton />
                        <GlossaryButton />
                        <BetToggle />
                    </div>
                    <EditBar />
                    <ShareBar outcome=live.outcome />
                    <button type="button" class="theme-toggle" on:click=toggle_theme
                        aria-label=move || fill(text().page.switch_theme, &[("theme", if theme.get() == "dark" { text().page.light } else { text().page.dark })])>
                        {move || crate::components::glyphed(if theme.get() == "dark" { text().page.light_button } else { text().page.dark_button })}
                    </button>
                </div>
            </header>
            <ErrorBanner />
            <HeldRun />
            <RestoreOffers offers=offers />
            // Pinned over a phone's controls (its stylesheet shows it on one column only).
            {move || (mounted.get() == Mounted::All).then(|| view! { <crate::components::readout::Readout /> })}
            <GlossaryDialog />
            <div class="layout">
                <aside class="controls" aria-label=text().page.controls_label>
                    // On the Markets tab the same panels edit the market picked in its diagram.
                    {move || if mounted.get() < Mounted::Controls {
                        ().into_any()
                    } else if shown_tab.get() == Tab::Markets {
                        view! { <crate::components::market_editor::MarketEditor /> }.into_any()
                    } else {
                        view! {
                            <PresetPicker />
                            <LeverageEditor />
                            <ShockControl />
                            // Open on a wide screen; folded on a phone, where the charts come first.
                            <details class="more-controls" open=more_opened.get_untracked() data-testid="more-controls"
                                on:toggle=on_more_toggle>
                                <summary>{text().page.more_controls}</summary>
                                <Show when=move || more_opened.get()>
                                    <MarketControls />
                                    <VenueControls />
                                    <TraderControls />
                                </Show>
                            </details>
                        }.into_any()
                    }}
                </aside>
                // Until the first run's figures are in, what sits below them is laid out but not
                // painted: the summary and the monitor growing then moves nothing anyone sees
                // (no layout shift, under the first view or not).
                <main id="results" class="results" tabindex="-1"
                    // The bet hides what gives its answer away: the flush and the venues' runs of
                    // this scenario; over the leverage cycles and the options calculator only its
                    // figures (they left a blank tab); the Markets tab's system is another.
                    class:bet-hidden=move || matches!(shown_tab.get(), Tab::Flush | Tab::Venues) && bet_open()
                    class:bet-figures-hidden=move || matches!(shown_tab.get(), Tab::Cycles | Tab::Options) && bet_open()
                    class:awaiting=move || shown_tab.get() != Tab::Markets && live.outcome.with(Option::is_none)>
                    <TourCard />
                    <BetCard />
                    // The one-market scenario's figures; the Markets tab has its system's own.
                    <Show when=move || shown_tab.get() != Tab::Markets>
                        <Headline outcome=live.outcome />
                        {move || (mounted.get() == Mounted::All).then(|| view! {
                            <Summary outcome=live.outcome positions=live.outcome_positions />
                            <LeverageMonitor />
                        })}
                    </Show>
                    <div class="tabs" role="tablist" aria-label=text().page.views_label>
                        {Tab::ALL.map(|tab| view! { <TabButton tab=tab /> })}
                    </div>
                    {move || charts_shown.get().then(|| match shown_tab.get() {
                        Tab::Flush => view! {
                            <PlaybackBar />
                            <div class="charts" role="tabpanel" id="panel-flush" aria-label=Tab::Flush.label()>
                                <FlushCharts views=None />
                            </div>
                        }
                        .into_any(),
                        Tab::Cycles => view! { <CyclesTab /> }.into_any(),
                        Tab::Options => view! { <OptionsTab /> }.into_any(),
                        Tab::Venues => view! { <VenuesTab /> }.into_any(),
                        Tab::Markets => view! { <crate::components::markets::MarketsTab /> }.into_any(),
                    })}
                </main>
            </div>
            // With the tab's panel: mounted before it, it would move down when the panel comes
            // (a layout shift).
            {move || charts_shown.get().then(|| view! {
                <footer class="foot">
                    <p>{text().page.footer}</p>
                </footer>
            })}
        </div>
    })
    }
}

/// How much of the full page is mounted: it mounts a part per task ([`FullLayout`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Mounted {
    Nothing,
    /// The header, the headline and the tabs.
    Page,
    /// The open tab's panel (the charts).
    Charts,
    Controls,
    All,
}

/// Mounts the next part of the page in a task of its own, until all of it is.
fn mount_next(mounted: RwSignal<Mounted>) {
    Timeout::new(0, move || {
        let next = match mounted.try_get_untracked() {
            Some(Mounted::Nothing) => Mounted::Page,
            Some(Mounted::Page) => Mounted::Charts,
            Some(Mounted::Charts) => Mounted::Controls,
            Some(Mounted::Controls) => Mounted::All,
            // All mounted, or the page is gone.
            Some(Mounted::All) | None => return,
        };
        if mounted.try_set(next).is_none() {
            mount_next(mounted);
        }
    })
    .forget();
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

/// Keeps the address bar's `s=` equal to the scenario (without it when the scenario is too
/// large for a link), keeping `embed` and `view`, and the autosave equal to the scenario, its
/// preset and tab: after edits settle, and at once after a whole replacement (before the engine
/// runs it), so a reload, a crash or a closed tab loses nothing.
fn follow_scenario(
    state: AppState,
    page: &PageQuery,
    remember: bool,
    offers: RwSignal<Vec<Offer>>,
) {
    let embed = page.embed;
    let view = page.view.clone();
    let controls = page.controls.clone();
    let save = move || {
        let scenario = state.scenario.get_untracked();
        let payload = codec::address_payload(&scenario);
        let query = codec::page_query(embed, &view, &controls, payload.as_deref());
        // The full page's address says which preset, tab and Options call it shows, so a reload
        // opens it as it was (an embed has no tabs).
        let query = if embed || payload.is_none() {
            query
        } else {
            codec::with_page_view(query, &state.page_view())
        };
        // On the Markets tab the address carries its system too (not one too large for a link:
        // the autosave keeps it).
        let query = if state.tab.get_untracked() == Tab::Markets {
            state
                .markets
                .with_untracked(|markets| codec::with_markets(query.clone(), markets))
                .unwrap_or(query)
        } else {
            query
        };
        browser::replace_query(&query);
        if !remember {
            return;
        }
        // An autosave a link displaced, still offered back, is about to be written over: it
        // becomes the reader's own page kept (offered back as such, through a reload), in place
        // of its offer. The offer alone lost it at the reload after the linked page's first edit.
        let displaced = offers.with_untracked(|offers| {
            offers
                .iter()
                .position(|offer| matches!(offer, Offer::Autosave { .. }))
        });
        let mut envelope = state.envelope(autosave::now_ms());
        envelope.page = autosave::page_id();
        // Another page's (tab's) autosave written over is kept apart and offered back to the
        // next page, unless it is kept as the reader's own: a displaced one (below), or the
        // work this page keeps to go back to (another tab's, taken back, replaced it).
        let saved = autosave::save_from_page(&envelope, displaced.is_some(), |stored| {
            displaced.is_some()
                || state
                    .own_before_example
                    .with_untracked(|own| own.as_ref().is_some_and(|own| own.same_work(stored)))
        });
        if let Some(index) = displaced {
            if let Some(over) = saved.written_over {
                state.keep_as_own(over);
            }
            offers.update(|offers| {
                offers.remove(index);
            });
        }
        match saved.apart {
            Ok(()) => state.clear("autosave-other-tab"),
            Err(why) => state.report(
                "autosave-other-tab",
                text().notices.other_tab_not_kept,
                vec![why.to_string()],
            ),
        }
        match saved.own {
            Ok(()) => state.clear("autosave"),
            Err(why) => state.report(
                "autosave",
                text().notices.not_autosaved,
                vec![why.to_string(), text().notices.autosave_kept.to_string()],
            ),
        }
    };
    let timer = StoredValue::new_local(None::<Timeout>);
    let later = save.clone();
    Effect::new(move |first: Option<()>| {
        state.scenario.track();
        state.preset.track();
        state.tab.track();
        state.options.track();
        state.markets.track();
        if first.is_none() {
            return;
        }
        // Written once edits settle, not on every drag frame.
        let save = later.clone();
        timer.set_value(Some(Timeout::new(SAVE_DELAY_MS, move || {
            // Done: nothing pending for a hidden page to save again.
            timer.set_value(None);
            save();
        })));
    });
    // A reload, a closed tab or a page put away within the settle delay saves at once: the last
    // edit before it was lost.
    save_when_hidden(timer, save.clone());
    state
        .on_replace
        .set_value(Some(Callback::new(move |()| save())));
    if remember {
        keep_own_in_browser(state);
    }
}

/// Runs `save` in place of the pending `timer` (if any) when the page is hidden or left (`pagehide`,
/// `visibilitychange` to hidden): the browser gives no time for a timer then.
fn save_when_hidden(timer: StoredValue<Option<Timeout>, LocalStorage>, save: impl Fn() + 'static) {
    use wasm_bindgen::prelude::*;
    use wasm_bindgen::JsCast;
    let Some(window) = web_sys::window() else {
        return;
    };
    let flush = Closure::<dyn FnMut()>::new(move || {
        let hidden = web_sys::window()
            .and_then(|window| window.document())
            .is_some_and(|document| document.hidden());
        if !hidden {
            return;
        }
        // Dropped, the timer is cancelled; the save runs now instead.
        if timer.try_update_value(Option::take).flatten().is_some() {
            save();
        }
    });
    for event in ["pagehide", "visibilitychange"] {
        let _ = window.add_event_listener_with_callback(event, flush.as_ref().unchecked_ref());
    }
    flush.forget();
}

/// The reader's own page kept from before an example (the tour's, a glossary term's) is kept in
/// this browser too, so a reload during the tour loses it no more than the autosave; the page
/// that starts offers it back while it differs from what is shown.
fn keep_own_in_browser(state: AppState) {
    let unreadable = match autosave::read_at(autosave::OWN_KEY) {
        Ok(Some(own)) => {
            if state.own_before_example.with_untracked(Option::is_none) {
                state.own_before_example.set(Some(own));
            }
            false
        }
        Ok(None) => false,
        // Said, and left where it is until another is kept (it was removed in silence).
        Err(why) => {
            state.report("autosave-own-read", text().notices.own_failed, vec![why]);
            true
        }
    };
    Effect::new(move |first: Option<()>| {
        state.own_before_example.track();
        if first.is_none() && unreadable && state.own_before_example.with_untracked(Option::is_none)
        {
            return;
        }
        let written = state.own_before_example.with(|own| match own {
            Some(own) => autosave::write_at(autosave::OWN_KEY, own),
            None => autosave::remove_at(autosave::OWN_KEY),
        });
        if let Err(why) = written {
            state.report(
                "autosave-own",
                text().notices.not_autosaved,
                vec![why.to_string()],
            );
        }
    });
}

/// Posts the page's height to the parent frame whenever it changes.
fn report_height_to_parent() {
    use wasm_bindgen::prelude::*;
    use wasm_bindgen::JsCast;
    // The last height told (posted again only when it changes).
    let last = std::rc::Rc::new(std::cell::Cell::new(-1));
    let told = last.clone();
    let callback = Closure::<dyn FnMut(js_sys::Array)>::new(move |_entries: js_sys::Array| {
        browser::post_height_to_parent(&told);
    });
    // What an embed's scrolled boxes hide changes without the page resizing (a chart drawn, the
    // headline written): looked at twice a second as well.
    let interval = gloo_timers::callback::Interval::new(500, move || {
        browser::post_height_to_parent(&last);
    });
    let observer = web_sys::ResizeObserver::new(callback.as_ref().unchecked_ref());
    let element = web_sys::window()
        .and_then(|window| window.document())
        .and_then(|document| document.document_element());
    if let (Ok(observer), Some(element)) = (observer, element) {
        observer.observe(&element);
        let stored = StoredValue::new_local(Some((observer, callback, interval)));
        on_cleanup(move || {
            // The interval stops when dropped.
            if let Some((observer, _callback, _interval)) =
                stored.try_update_value(Option::take).flatten()
            {
                observer.disconnect();
            }
        });
    }
}
