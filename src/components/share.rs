//! Share, embed, import and export: the link, the iframe snippet, the scenario as JSON, the
//! outcome as CSV.

use std::sync::Arc;

use flushlab_engine::Outcome;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::catalogue::text::{fill, text};
use crate::charts::FLUSH_CHARTS;
use crate::codec::TooLargeForLink;
use crate::state::use_state;
use crate::{browser, codec, export, format};

/// The share link of the current scenario, when a link can carry it.
pub fn share_link(scenario: &flushlab_engine::Scenario) -> Result<String, TooLargeForLink> {
    share_link_with(scenario, &codec::PageView::default(), None)
}

/// The link to the page with `scenario`, the page's view (its preset, tab and Options call) and,
/// on the Markets tab, its system (`markets`).
pub fn share_link_with(
    scenario: &flushlab_engine::Scenario,
    page_view: &codec::PageView,
    markets: Option<&crate::markets::MarketsChoice>,
) -> Result<String, TooLargeForLink> {
    let payload = codec::link_payload(scenario)?;
    let query = codec::page_query(false, &[], &[], Some(&payload));
    let query = codec::with_page_view(query, page_view);
    let query = match markets {
        Some(markets) => codec::with_markets(query, markets)?,
        None => query,
    };
    Ok(codec::address(&browser::base_url(), &query, ""))
}

/// The iframe snippet for an embed showing `views`, when a link can carry the scenario.
/// `controls`: the embed's controls (`controls=`), none for its default. An embed of the
/// Markets tab (`markets`) carries its system alone: the one-market scenario it never shows
/// (about 900 characters of the address) is left out. `preset`: the preset the scenario is as it
/// came ("" for none), named beside it so that the embed's way to the full app opens that preset
/// in the menu, not a custom scenario.
pub fn embed_snippet(
    scenario: &flushlab_engine::Scenario,
    views: &[&str],
    controls: &[&str],
    height: u32,
    markets: Option<&crate::markets::MarketsChoice>,
    preset: &str,
) -> Result<String, TooLargeForLink> {
    let payload = match markets {
        Some(_) => None,
        None => Some(codec::link_payload(scenario)?),
    };
    let views: Vec<String> = views.iter().map(|view| view.to_string()).collect();
    let controls: Vec<String> = controls.iter().map(|name| name.to_string()).collect();
    let query = codec::page_query(true, &views, &controls, payload.as_deref());
    let query = match markets {
        Some(markets) => codec::with_markets(query, markets)?,
        // Named as a link names it (`preset=` beside `s=`), without the page's tab or call.
        None => codec::with_page_view(
            query,
            &codec::PageView {
                preset: preset.to_string(),
                ..codec::PageView::default()
            },
        ),
    };
    Ok(format!(
        "<iframe src=\"{}\" title=\"{}\" width=\"100%\" height=\"{height}\" style=\"border:0\" loading=\"lazy\" data-flushlab></iframe>\n{RESIZE_SCRIPT}",
        codec::address(&browser::base_url(), &query, ""),
        text().page.embed_frame_title
    ))
}

/// The snippet's script: sets each FlushLab frame to the height its page posts
/// (`flushlab:height`, [`browser::post_height_to_parent`]), so a phone's narrow column, where the
/// charts stack, shows them whole. Where an article allows no script the frame keeps the
/// snippet's height (and scrolls inside it). Several embeds on a page are told apart by the
/// window each message came from; a height is bounded, whatever a frame says.
const RESIZE_SCRIPT: &str = "<script>addEventListener(\"message\",function(e){var d=e.data;if(!d||d.type!==\"flushlab:height\"||!(d.height>0))return;document.querySelectorAll(\"iframe[data-flushlab]\").forEach(function(f){if(f.contentWindow===e.source)f.style.height=Math.min(d.height,9000)+\"px\"})})</script>";

/// What an imported scenario file left to the defaults, one line per section
/// ([`codec::defaulted_sections`]), with the defaults it now runs with.
pub fn defaulted_lines(contents: &str) -> Vec<String> {
    let words = &text().notices;
    codec::defaulted_sections(contents)
        .into_iter()
        .map(|section| match section {
            codec::Defaulted::Venue => {
                let venue = flushlab_engine::scenario::Venue::default();
                fill(
                    words.defaulted_venue,
                    &[(
                        "margin",
                        &format::percent(100.0 * venue.maintenance_margin.lowest_rate(), 1),
                    )],
                )
            }
            codec::Defaulted::Run => {
                let run = flushlab_engine::scenario::Run::default();
                fill(
                    words.defaulted_run,
                    &[
                        ("steps", &format::count(u64::from(run.steps))),
                        ("step", &format::seconds(run.step_s)),
                    ],
                )
            }
        })
        .collect()
}

/// The snippet's height for `charts` one-market charts: what they take in a 700 px article
/// column, where the embed sets them two to a row (measured on the default scenario: one row
/// 480 px, two 1,000 px), and room for the notes a historical preset has under a longer
/// headline (2021-05-19's three charts took 1,083 px, Black Thursday's 1,152: a site that strips
/// the snippet's script showed their last chart cut, scrolling inside the frame). Narrower, the
/// charts stack and need more: the snippet's script asks the frame for it.
pub fn embed_height(charts: usize) -> u32 {
    let rows = charts.max(1).div_ceil(2) as u32;
    520 * rows + 120
}

/// The snippet's height for a system of `markets` on the Markets view, in a 700 px column
/// (measured: two markets 1,676 px, three 2,031 px).
pub fn markets_embed_height(markets: usize) -> u32 {
    980 + 360 * markets.max(1) as u32
}

/// `url` opening the tour at `step` (an index from 0; None: the tour is not open), as the address
/// does while the tour is on (`#tour=N`): a teacher's link to a step opens it with its card. A
/// link that already carries its scenario in the fragment (too long for a host's address) stays
/// as it is.
pub fn with_tour_step(url: String, step: Option<usize>) -> String {
    match step {
        Some(index) if !url.contains('#') => format!("{url}#tour={}", index + 1),
        _ => url,
    }
}

/// The toolbar: Copy link, Embed, Import, Export JSON, Export CSV.
#[component]
pub fn ShareBar(
    /// The latest outcome (for the CSV).
    outcome: RwSignal<Option<Arc<Outcome>>>,
) -> impl IntoView {
    let state = use_state();
    // What "Copy link" made: the link, or why there is none.
    let link = RwSignal::new(None::<Result<String, String>>);
    // On the Markets tab a link (and an embed) carries the system shown there.
    let markets = move || {
        (state.tab.get_untracked() == crate::state::Tab::Markets)
            .then(|| state.markets.get_untracked())
    };
    let explainer = use_context::<super::explainer::Explainer>();
    let copy_link = move |_| {
        let step = explainer.and_then(|explainer| explainer.step.get_untracked());
        let made = state
            .scenario
            .with_untracked(|scenario| {
                share_link_with(scenario, &state.page_view(), markets().as_ref())
            })
            .map(|url| with_tour_step(url, step))
            .map_err(|too_large| too_large.to_string());
        if let Ok(url) = &made {
            browser::copy_text(url);
        }
        link.set(Some(made));
    };
    // A link box that no longer matches the scenario (or the tab, or the call) goes.
    Effect::new(move |first: Option<()>| {
        state.scenario.track();
        state.markets.track();
        state.tab.track();
        state.options.track();
        if first.is_some() && link.get_untracked().is_some() {
            link.set(None);
        }
    });
    let dialog = NodeRef::<leptos::html::Dialog>::new();
    let chosen = RwSignal::new(vec!["price", "liquidations", "map"]);
    // A Markets embed shows its writer's system; the menu of systems only when offered.
    let systems_menu = RwSignal::new(false);
    // Encoded only while the dialog is open (never on a drag's frames), once per change.
    let embed_open = RwSignal::new(false);
    // The flush tab shows the funding chart only for a scenario with a build-up: so does the
    // dialog's list (it offered an empty chart for every other).
    let has_build_up = move || state.scenario.with(|scenario| scenario.build_up.is_some());
    let snippet = Memo::new(move |_| {
        if !embed_open.get() {
            return Ok(String::new());
        }
        state.tab.track();
        state.markets.track();
        let (views, height) = match markets() {
            Some(choice) => (
                vec!["markets"],
                markets_embed_height(choice.system().markets.len()),
            ),
            None => {
                let mut views = chosen.get();
                // The build-up's funding chart only for a scenario that has one.
                if !has_build_up() {
                    views.retain(|view| *view != "funding");
                }
                let height = embed_height(views.len());
                (views, height)
            }
        };
        state
            .scenario
            .with(|scenario| {
                let shown = markets();
                let controls: &[&str] = if shown.is_some() && systems_menu.get() {
                    &["preset"]
                } else {
                    &[]
                };
                let preset = state.page_view().preset;
                embed_snippet(scenario, &views, controls, height, shown.as_ref(), &preset)
            })
            .map_err(|too_large| too_large.to_string())
    });
    // The snippet last copied to the clipboard, to say so while it is the one shown.
    let copied = RwSignal::new(None::<(String, bool)>);
    let open_embed = move |_| {
        copied.set(None);
        embed_open.set(true);
        if let Some(dialog) = dialog.get_untracked() {
            let _ = dialog.show_modal();
        }
    };
    let close_embed = move |_| {
        if let Some(dialog) = dialog.get_untracked() {
            dialog.close();
        }
    };
    // Files named after what they hold (every preset's came as flushlab-outcome.csv).
    let file_name = move |kind: &str, extension: &str| {
        let named = match markets() {
            Some(markets) if !markets.shows_own() => markets.origin().to_string(),
            Some(_) => String::new(),
            None => state.preset.get_untracked(),
        };
        export::file_name(&named, kind, extension)
    };
    // On the Markets tab, the system shown there (version 2, its cuts and shock as run).
    let export_json = move |_: leptos::ev::MouseEvent| match markets() {
        Some(markets) => browser::download_text(
            &file_name("system", "json"),
            "application/json",
            &markets.system().to_json(),
        ),
        None => {
            let text = state.scenario.with_untracked(codec::encode_file);
            browser::download_text(&file_name("scenario", "json"), "application/json", &text);
        }
    };
    // On the Markets tab the system's run (it gave the one-market run hidden behind the tab).
    let live = use_context::<crate::live::Live>();
    let export_csv = move |_| {
        if markets().is_some() {
            if let Some(view) = live
                .map(|live| live.markets.get_untracked())
                .filter(|view| view.ran)
            {
                browser::download_text(
                    &file_name("system-run", "csv"),
                    "text/csv",
                    &export::markets_csv(&view),
                );
            }
        } else if let Some(outcome) = outcome.get_untracked() {
            browser::download_text(
                &file_name("outcome", "csv"),
                "text/csv",
                &export::steps_csv(&outcome),
            );
        }
    };
    let import = move |ev: leptos::ev::Event| {
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        let Some(file) = input.files().and_then(|files| files.get(0)) else {
            return;
        };
        input.set_value("");
        let name = file.name();
        if file.size() > codec::MAX_IMPORT_BYTES as f64 {
            state.report(
                "import",
                &fill(text().notices.not_imported, &[("name", &name)]),
                vec![fill(
                    text().notices.file_too_large,
                    &[
                        ("size", &format::decimal(file.size() / 1e6, 0)),
                        ("most", &(codec::MAX_IMPORT_BYTES / 1_000_000).to_string()),
                    ],
                )],
            );
            return;
        }
        let promise = file.text();
        wasm_bindgen_futures::spawn_local(async move {
            let contents = wasm_bindgen_futures::JsFuture::from(promise)
                .await
                .ok()
                .and_then(|value| value.as_string());
            let result = match &contents {
                Some(contents) => codec::decode_any_file(contents),
                None => Err(text().notices.unreadable_file.to_string()),
            };
            match result {
                Ok(codec::Imported::Scenario(scenario)) => {
                    state.clear("import");
                    let defaulted = contents.as_deref().map(defaulted_lines).unwrap_or_default();
                    if !defaulted.is_empty() {
                        state.report(
                            "import",
                            &fill(text().notices.imported_with_defaults, &[("name", &name)]),
                            defaulted,
                        );
                    }
                    // A preset's own file (exported as it came) opens as that preset, its story
                    // and Reset with it, as a link naming it does; any other is the reader's own.
                    let preset = flushlab_engine::presets::all()
                        .into_iter()
                        .find(|preset| preset.scenario == *scenario)
                        .map(|preset| preset.name)
                        .unwrap_or_default();
                    state.load(*scenario, &preset);
                    // The Markets tab does not show a one-market scenario: imported there, it
                    // seemed to do nothing. The flush tab shows it.
                    if state.tab.get_untracked() == crate::state::Tab::Markets {
                        state.tab.set(crate::state::Tab::Flush);
                    }
                }
                // A system of markets opens in the Markets tab as the reader's own; the page's
                // one-market scenario stays as it was.
                Ok(codec::Imported::System(system)) => {
                    state.clear("import");
                    state.markets_cursor.set(None);
                    state.markets_selected.set(0);
                    state.change_markets(crate::markets::MarketsChoice::own(*system, ""));
                    state.tab.set(crate::state::Tab::Markets);
                }
                Err(problems) => state.report(
                    "import",
                    &fill(text().notices.not_imported, &[("name", &name)]),
                    problems.lines().map(str::to_string).collect(),
                ),
            }
        });
    };
    // Escape closes the link's strip, as it closes the dialogs, and the focus goes back to the
    // button that opened it.
    let close_on_escape = move |event: leptos::ev::KeyboardEvent| {
        if event.key() == "Escape" && link.with_untracked(Option::is_some) {
            link.set(None);
            crate::browser::focus_selector("[data-testid=\"share-button\"]");
        }
    };
    view! {
        // Escape from the toolbar too: the focus stays on Copy link when the strip opens.
        <div class="toolbar" role="toolbar" aria-label=text().toolbar.share_label on:keydown=close_on_escape>
            <button type="button" data-testid="share-button" on:click=copy_link>{text().toolbar.copy_link}</button>
            <button type="button" data-testid="embed-button" on:click=open_embed>{text().toolbar.embed}</button>
            <label class="button-like" for="import-file">{text().toolbar.import_json}</label>
            <input id="import-file" data-testid="import-input" class="visually-hidden" type="file" accept="application/json,.json" on:change=import />
            <button type="button" data-testid="export-json" on:click=export_json>{text().toolbar.export_json}</button>
            <button type="button" data-testid="export-csv" on:click=export_csv>{text().toolbar.export_csv}</button>
        </div>
        <Show when=move || matches!(link.get(), Some(Ok(_)))>
            <div class="link-box" role="status" on:keydown=close_on_escape>
                <label for="share-link">{text().toolbar.link_copied}</label>
                <input id="share-link" data-testid="share-link" readonly
                    prop:value=move || link.get().and_then(Result::ok).unwrap_or_default()
                    on:focus=move |ev| {
                        if let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) { input.select(); }
                    } />
                <button type="button" class="link-button" on:click=move |_| link.set(None)>{text().toolbar.close}</button>
            </div>
        </Show>
        <Show when=move || matches!(link.get(), Some(Err(_)))>
            <div class="link-box offer warn" role="status" data-testid="link-too-large" on:keydown=close_on_escape>
                <span>{move || link.get().and_then(Result::err).unwrap_or_default()}</span>
                <button type="button" data-testid="link-export-json" on:click=export_json>{text().toolbar.export_json}</button>
                <button type="button" class="link-button" on:click=move |_| link.set(None)>{text().toolbar.close}</button>
            </div>
        </Show>
        <dialog node_ref=dialog on:close=move |_| embed_open.set(false) class="embed-dialog" aria-labelledby="embed-title" data-testid="embed-dialog">
            <h2 id="embed-title">{text().toolbar.embed_title}</h2>
            <p>{text().toolbar.embed_intro}</p>
            // What the snippet embeds from the tab the reader is on: the Markets tab's system
            // (its charts are not picked), or from a tab no embed shows, the flush's charts (the
            // boxes were ticked and dead on the Markets tab, and the Venues, Options and Cycles
            // tabs gave the flush's with nothing said).
            {move || {
                let tab = match state.tab.get() {
                    crate::state::Tab::Flush => return ().into_any(),
                    crate::state::Tab::Markets => {
                        return view! {
                            <p class="offer" data-testid="embed-markets">{text().toolbar.embed_markets}</p>
                            <label class="check">
                                <input type="checkbox" data-testid="embed-systems-menu" prop:checked=move || systems_menu.get()
                                    on:change=move |ev| systems_menu.set(event_target_checked(&ev)) />
                                {text().toolbar.embed_systems_menu}
                            </label>
                        }
                            .into_any();
                    }
                    other => other.label(),
                };
                view! { <p class="offer" data-testid="embed-other-tab">{fill(text().toolbar.embed_other_tab, &[("tab", tab)])}</p> }
                    .into_any()
            }}
            // Not shown on the Markets tab (the dialog's style lays a fieldset out as flex,
            // which `hidden` alone does not undo).
            <fieldset style:display=move || (state.tab.get() == crate::state::Tab::Markets).then_some("none")>
                <legend>{text().toolbar.embed_charts}</legend>
                {FLUSH_CHARTS.iter().map(|entry| (entry.name, entry.title())).map(|(name, title)| view! {
                    <label class="check" style:display=move || (name == "funding" && !has_build_up()).then_some("none")>
                        <input type="checkbox" prop:checked=move || chosen.get().contains(&name)
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                chosen.update(|views| {
                                    views.retain(|view| *view != name);
                                    if on {
                                        views.push(name);
                                        views.sort_by_key(|view| FLUSH_CHARTS.iter().position(|entry| entry.name == *view));
                                    }
                                });
                            } />
                        {title}
                    </label>
                }).collect_view()}
            </fieldset>
            <label for="embed-snippet">{text().toolbar.snippet}</label>
            <textarea id="embed-snippet" data-testid="embed-snippet" readonly rows="5"
                prop:value=move || snippet.get().unwrap_or_default()></textarea>
            <Show when=move || snippet.with(Result::is_err)>
                <p class="offer warn" data-testid="embed-too-large">{move || snippet.get().err().unwrap_or_default()}</p>
            </Show>
            <div class="dialog-buttons">
                <button type="button" data-testid="copy-snippet" disabled=move || snippet.with(Result::is_err)
                    on:click=move |_| {
                        if let Ok(text) = snippet.get_untracked() {
                            let shown = text.clone();
                            browser::copy_text_then(&text, move |took| copied.set(Some((shown, took))));
                        }
                    }>{text().toolbar.copy_snippet}</button>
                <button type="button" on:click=close_embed>{text().toolbar.close}</button>
                // Said while the snippet copied is the one shown (another choice makes another).
                <span role="status" class="copied" data-testid="snippet-copied">
                    {move || copied.get().filter(|(text, _)| snippet.with(|shown| shown.as_ref().ok() == Some(text))).map(|(_, took)| {
                        if took { text().toolbar.snippet_copied } else { text().toolbar.snippet_not_copied }
                    })}
                </span>
            </div>
        </dialog>
    }
}
