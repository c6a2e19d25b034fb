//! The results' building blocks the page's layouts share (a tab button, the flush charts with
//! the phase map's axis, the cycles tab) and the compact layout for embeds, with the controls a
//! writer can name in `controls=`.

use leptos::prelude::*;

use flushlab_engine::analysis::{option_leverage, OptionSpec};
use flushlab_engine::scenario::Contract;

use crate::analyses::PhaseAxis;
use crate::browser;
use crate::catalogue::text::{fill, text};
use crate::charts::{self, Chart};
use crate::codec::PageQuery;
use crate::components::field::RangeField;
use crate::components::more_below::MoreBelow;
use crate::components::{
    explainer::{GlossaryDialog, TourCard},
    leverage_editor::LeverageEditor,
    market_controls::MarketControls,
    notices::{ErrorBanner, HeldRun},
    presets::PresetPicker,
    shock_control::ShockControl,
    summary::Headline,
    trader_controls::TraderControls,
    venue_controls::VenueControls,
};
use crate::format;
use crate::live::Live;
use crate::state::{self, Tab};

/// Controls an embed can show (`controls=`), in the order they are named; unknown names are
/// ignored, and none known means the shock alone.
const EMBED_CONTROLS: [&str; 6] = ["shock", "leverage", "market", "venue", "traders", "preset"];

/// The known controls `names` asks for, each once, in order (the shock alone when none is known).
fn embed_controls(names: &[String]) -> Vec<String> {
    let mut chosen: Vec<String> = Vec::new();
    for name in names {
        if EMBED_CONTROLS.contains(&name.as_str()) && !chosen.contains(name) {
            chosen.push(name.clone());
        }
    }
    if chosen.is_empty() {
        chosen.push("shock".to_string());
    }
    chosen
}

/// Charts an embed shows when `view=` names none.
pub(crate) const DEFAULT_EMBED_VIEW: [&str; 3] = ["price", "liquidations", "map"];

/// The names `view=` may give: every chart of the flush tab, and `markets`.
fn embed_chart_names() -> Vec<&'static str> {
    crate::charts::FLUSH_CHART_LAYOUT
        .iter()
        .map(|&(name, _)| name)
        .chain(["markets"])
        .collect()
}

/// The charts an embed shows for its `view=` names (those it can show; with none of them, the
/// default set), and the names it cannot show (the page says so: a page of nothing but the
/// headline explained nothing).
pub fn embed_charts(asked: &[String]) -> (Vec<String>, Vec<String>) {
    let known = embed_chart_names();
    let (shown, unknown): (Vec<String>, Vec<String>) = asked
        .iter()
        .cloned()
        .partition(|name| known.contains(&name.as_str()));
    let shown = if shown.is_empty() {
        DEFAULT_EMBED_VIEW
            .iter()
            .map(|name| name.to_string())
            .collect()
    } else {
        shown
    };
    (shown, unknown)
}

/// A tab of the results.
#[component]
pub(crate) fn TabButton(
    /// The tab it selects (its label is the tab's).
    tab: Tab,
) -> impl IntoView {
    let label = tab.label();
    let state = state::use_state();
    let selected = move || state.tab.get() == tab;
    // The tab pattern: one stop in the Tab order (the selected tab), the arrow keys, Home and
    // End move along the tabs and select (each tab's view is a click away anyway).
    let keydown = move |event: leptos::ev::KeyboardEvent| {
        // Alt+Left is the browser's Back; a modified arrow is never the tabs'.
        if event.alt_key() || event.ctrl_key() || event.meta_key() || event.shift_key() {
            return;
        }
        let all = Tab::ALL;
        let at = all.iter().position(|&t| t == tab).unwrap_or(0);
        let next = match event.key().as_str() {
            "ArrowRight" => all[(at + 1) % all.len()],
            "ArrowLeft" => all[(at + all.len() - 1) % all.len()],
            "Home" => all[0],
            "End" => all[all.len() - 1],
            _ => return,
        };
        event.prevent_default();
        state.tab.set(next);
        crate::browser::focus_selector(&format!("#tab-{}", next.name()));
    };
    view! {
        <button type="button" role="tab" class="tab" id=format!("tab-{}", tab.name())
            aria-selected=move || selected().to_string()
            tabindex=move || if selected() { "0" } else { "-1" }
            aria-controls=move || selected().then(|| format!("panel-{}", tab.name()))
            on:keydown=keydown
            on:click=move |_| state.tab.set(tab)>{label}</button>
    }
}

/// The flush charts; `views` limits them to the named ones (embeds).
#[component]
pub(crate) fn FlushCharts(
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
            if entry.name == "funding" {
                // Only a scenario with a build-up has one to show.
                let state = state::use_state();
                let has_build_up =
                    move || state.scenario.with(|scenario| scenario.build_up.is_some());
                let (name, draw) = (entry.name, entry.draw);
                return view! {
                    <Show when=has_build_up>
                        <Chart name=name draw=draw />
                    </Show>
                }
                .into_any();
            }
            let chart = view! {
                <Chart name=entry.name draw=entry.draw
                    class=if entry.wide { "wide" } else { "" } />
            };
            if entry.name != "phase" {
                return chart.into_any();
            }
            view! {
                <div class="phase-wrap">
                    <div class="phase-head">
                        <label for="phase-axis">{text().charts.phase_against}</label>
                        <select id="phase-axis" on:change=phase_axis>
                            <option value="leverage">{text().charts.phase_leverage}</option>
                            <option value="depth">{text().charts.phase_depth}</option>
                        </select>
                        <progress max=move || live.phase_progress.get().1 value=move || live.phase_progress.get().0
                            class:complete=move || complete(live.phase_progress.get())
                            aria-label=text().charts.phase_progress></progress>
                        <span class="muted small">{move || {
                            let (done, total) = live.phase_progress.get();
                            // Nothing once it is in: a lone "done" beside the menu said nothing.
                            if done < total { fill(text().charts.computing, &[("done", &done.to_string()), ("total", &total.to_string())]) } else { String::new() }
                        }}</span>
                    </div>
                    {chart}
                </div>
            }
            .into_any()
        })
        .collect_view()
}

/// Whether an analysis' progress `(done, total)` is complete: its bar is then hidden (a full bar
/// left beside a finished chart reads as something still to come).
fn complete((done, total): (usize, usize)) -> bool {
    total > 0 && done >= total
}

/// The leverage-cycles tab.
#[component]
pub(crate) fn CyclesTab() -> impl IntoView {
    let live = expect_context::<Live>();
    let state = state::use_state();
    view! {
        <div class="charts" role="tabpanel" id="panel-cycles" aria-label=Tab::Cycles.label() data-testid="chart-cycles">
            <p class="wide muted">
                {text().charts.cycles_intro}
                " "
                <progress max=move || live.cycles_progress.get().1 value=move || live.cycles_progress.get().0
                    class:complete=move || complete(live.cycles_progress.get())
                    aria-label=text().charts.cycles_progress></progress>
                {move || {
                    let (done, total) = live.cycles_progress.get();
                    if done < total { format!(" {}", fill(text().charts.computing, &[("done", &done.to_string()), ("total", &total.to_string())])) } else { String::new() }
                }}
            </p>
            {move || {
                let out = state.scenario.with(crate::analyses::cycles_leave_out);
                (!out.is_empty()).then(|| view! {
                    <p class="wide muted" data-testid="cycles-leave-out">
                        {fill(text().charts.cycles_leave_out, &[("what", &out.join(", "))])}
                    </p>
                })
            }}
            {move || state.scenario.with(crate::analyses::cycles_crowd_text).map(|crowd| view! {
                <p class="wide muted" data-testid="cycles-crowd">{crowd}</p>
            })}
            {move || live.cycles_stats.get().map(|stats| view! {
                <p class="wide" data-testid="cycles-stats">{stats}</p>
            })}
            <Show when=move || !live.cycles_unrealistic.get().is_empty()>
                <p class="wide thought-experiment" data-testid="cycles-unrealistic">
                    {text().charts.cycles_unrealistic}
                    {move || live.cycles_unrealistic.get().join("; ")}
                    {text().charts.cycles_unrealistic_end}
                    {move || state.scenario.with(crate::analyses::cycles_own_crowd_text)}
                </p>
            </Show>
            <Chart name="cycles-fan" draw=charts::cycles::fan />
            <Chart name="cycles-returns" draw=charts::cycles::returns />
            <Chart name="cycles-qq" draw=charts::cycles::qq />
            <Chart name="cycles-tails" draw=charts::cycles::tails />
        </div>
    }
}

/// The options-leverage tab: a long call against a perpetual long at the call's effective
/// leverage (`flushlab_engine::analysis::option_leverage`), with the option's controls.
#[component]
pub(crate) fn OptionsTab() -> impl IntoView {
    let state = state::use_state();
    let t = text();
    let setting =
        move |read: fn(&OptionSpec) -> f64| Signal::derive(move || state.options.with(read));
    // A holding never outlasts the option: shortening the expiry shortens it too, and
    // lengthening it again gives back the holding the reader set (a 7-day holding, the expiry
    // set to 1 day and back to 30, was left at 1 day with nothing said). What the reader set is
    // `wanted`; a holding changed from elsewhere (a link, an undo, an example) becomes it.
    let wanted = StoredValue::new(state.options.with_untracked(|spec| spec.days_held));
    let edit_holding = move |write: fn(&mut OptionSpec, f64), holding: bool| {
        Callback::new(move |value: f64| {
            state.options.update(|spec| {
                if spec.days_held != wanted.get_value().min(spec.days_to_expiry) {
                    wanted.set_value(spec.days_held);
                }
                write(spec, value);
                if holding {
                    wanted.set_value(spec.days_held);
                }
                spec.days_held = wanted.get_value().min(spec.days_to_expiry);
            })
        })
    };
    let edit = move |write: fn(&mut OptionSpec, f64)| edit_holding(write, false);
    let sentence = move || {
        state.options.with(|spec| {
            if spec.validate().is_err() {
                return String::new();
            }
            let result = option_leverage(spec);
            let kept = result
                .by_move
                .iter()
                .find(|point| point.move_pct == 0.0)
                .map_or(100.0, |point| 100.0 + point.call_return_pct);
            let leverage = format::factor(result.leverage, 1);
            // A link's holding can be a fraction of a day: "0.3 days", not "0 days".
            let days = |value: f64| {
                let whole = format::needed_decimals(value, 1);
                let unit = if whole == "1" {
                    t.controls.unit_day
                } else {
                    t.controls.unit_days
                };
                format!("{whole} {unit}")
            };
            let vol = format::percent(spec.implied_vol_pct, 0);
            // A far out-of-the-money call costs "0.0%" at one decimal: said as under 0.01%.
            let premium = if result.premium_pct < 0.01 {
                fill(
                    t.charts.options_under,
                    &[("pct", &format::percent(0.01, 2))],
                )
            } else {
                format::percent(result.premium_pct, format::pct_digits(result.premium_pct))
            };
            // As set, with the decimals it has ("1.25%", "0.5%"; a typed 0.005% read "0.01%").
            let maintenance = format!(
                "{}%",
                format::needed_decimals(spec.maintenance_margin * 100.0, 4)
            );
            let mut parts = vec![fill(
                t.charts.options_intro,
                &[
                    ("strike", &format::percent(spec.strike_pct, 0)),
                    ("days", &days(spec.days_to_expiry)),
                    ("vol", &vol),
                    ("premium", &premium),
                    ("leverage", &leverage),
                ],
            )];
            parts.push(if result.perp_opens {
                fill(
                    t.charts.options_perp,
                    &[
                        ("leverage", &leverage),
                        // Under 1% to the hundredth, as every move the page says (a day's
                        // call at 120x: "a fall of 0.85%", not "0.8%").
                        (
                            "liquidation",
                            &format::percent(
                                -result.perp_liquidation_move_pct,
                                format::pct_digits(result.perp_liquidation_move_pct),
                            ),
                        ),
                        (
                            "inverse",
                            &format::percent(
                                -result.inverse_liquidation_move_pct,
                                format::pct_digits(result.inverse_liquidation_move_pct),
                            ),
                        ),
                        ("maintenance", &maintenance),
                    ],
                )
            } else {
                let m = spec.maintenance_margin;
                fill(
                    t.charts.options_no_perp,
                    &[
                        ("leverage", &leverage),
                        ("maintenance", &maintenance),
                        ("cap", &format::factor(1.0 / m, 0)),
                    ],
                )
            });
            let held = days(spec.days_held);
            // A holding that rounds to no time is none.
            if format::needed_decimals(spec.days_held, 1) != "0" {
                // A call deep in the money loses almost nothing to time: "keeps only 100%" read
                // as a loss.
                let template = if kept >= 99.5 {
                    t.charts.options_held_whole
                } else {
                    t.charts.options_held
                };
                parts.push(fill(
                    template,
                    &[("held", &held), ("kept", &format::percent(kept, 0))],
                ));
                if result.perp_opens {
                    // One decimal for both ("8.8%", "17.2%"), and a chance that rounds to
                    // nothing said as under a tenth of a percent.
                    let chance = |pct: f64| {
                        if pct < 0.05 {
                            fill(t.charts.options_under, &[("pct", &format::percent(0.1, 1))])
                        } else {
                            format::percent(pct, 1)
                        }
                    };
                    parts.push(fill(
                        t.charts.options_odds,
                        &[
                            ("held", &held),
                            ("vol", &vol),
                            ("ends", &chance(result.perp_liquidation_end_chance_pct)),
                            ("touches", &chance(result.perp_liquidation_touch_chance_pct)),
                        ],
                    ));
                }
            } else {
                parts.push(t.charts.options_now.to_string());
            }
            parts.join(" ")
        })
    };
    view! {
        <div class="charts" role="tabpanel" id="panel-options" aria-label=Tab::Options.label() data-testid="tab-options">
            <p class="wide" data-testid="options-sentence">{sentence}</p>
            <div class="wide option-controls">
                <RangeField id="option-strike" label=t.controls.option_strike
                    help=t.controls.option_strike_help min=50.0 max=200.0 step=1.0 unit="%"
                    value=setting(|s| s.strike_pct) set=edit(|s, v| s.strike_pct = v) />
                <RangeField id="option-vol" label=t.controls.option_vol
                    help=t.controls.option_vol_help min=5.0 max=200.0 step=1.0 unit="%"
                    value=setting(|s| s.implied_vol_pct) set=edit(|s, v| s.implied_vol_pct = v) />
                <RangeField id="option-expiry" label=t.controls.option_expiry
                    help=t.controls.option_expiry_help min=1.0 max=365.0 step=1.0
                    unit=t.controls.unit_days
                    value=setting(|s| s.days_to_expiry) set=edit(|s, v| s.days_to_expiry = v) />
                <RangeField id="option-held" label=t.controls.option_held
                    help=t.controls.option_held_help min=0.0 step=1.0
                    max=setting(|s| s.days_to_expiry)
                    unit=t.controls.unit_days
                    value=setting(|s| s.days_held) set=edit_holding(|s, v| s.days_held = v, true) />
                <RangeField id="option-maintenance" label=t.controls.option_maintenance
                    help=t.controls.option_maintenance_help min=0.0 max=10.0 step=0.05 unit="%"
                    value=setting(|s| s.maintenance_margin * 100.0)
                    set=edit(|s, v| s.maintenance_margin = (v * 1e4).round() / 1e6) />
            </div>
            <Chart name="options-returns" draw=charts::options::returns />
            <Chart name="options-decay" draw=charts::options::decay />
        </div>
    }
}

/// A venue row's largest move from the start, signed, percent (its peak or its trough).
fn largest_move(row: &flushlab_engine::analysis::VenueRow) -> f64 {
    flushlab_engine::analysis::contagion::largest_move_pct(row.max_drawdown_pct, row.max_rise_pct)
}

/// The venues tab: the scenario on every venue profile beside the scenario as set (the worker
/// runs them one at a time while the tab is open).
#[component]
pub(crate) fn VenuesTab() -> impl IntoView {
    let live = expect_context::<Live>();
    let t = text();
    let state = state::use_state();
    let up = move || state.scenario.with(|scenario| scenario.shock.is_up());
    // The extreme's column: each row's largest move, a squeeze's peak or a flush's trough, as
    // the summary says; named by the rows (the shock's direction until they are in), and
    // neither when some rose and some fell.
    let extreme_label = move || {
        let rising = live.venues.with(|venues| {
            match venues
                .rows
                .iter()
                .filter(|row| largest_move(row) > 0.0)
                .count()
            {
                _ if venues.rows.is_empty() => Some(up()),
                0 => Some(false),
                all if all == venues.rows.len() => Some(true),
                _ => None,
            }
        });
        match rising {
            Some(true) => t.summary.peak,
            Some(false) => t.charts.venues_trough,
            None => t.charts.venues_move,
        }
    };
    let inverse = move || {
        state
            .scenario
            .with(|scenario| scenario.market.contract == Contract::Inverse)
    };
    let rows = move || {
        live.venues.with(|venues| {
            venues
                .rows
                .iter()
                .map(|row| {
                    let unit = crate::catalogue::money_unit(row.money_unit, row.coin.as_deref());
                    let counted = crate::headline::liquidated_unit(unit);
                    let extreme = format::signed_pct(largest_move(row));
                    let id = if row.venue.is_empty() {
                        "as-set".to_string()
                    } else {
                        row.venue.clone()
                    };
                    // Which documents the profile's rules come from, and when (Binance's are
                    // its 2021 tiers: a trader checking today's would not believe them
                    // otherwise).
                    let as_of = flushlab_engine::scenario::profiles::venue_profile(&row.venue)
                        .map(|profile| view! { <span class="as-of">{profile.as_of}</span> });
                    // Each cell names its column too: on a phone a row is a card of labelled
                    // figures (style/main.css), not six columns scrolled sideways.
                    view! {
                        <tr role="row" data-venue=id>
                            <th scope="row" role="rowheader">{row.name.clone()}{as_of}</th>
                            <td role="cell" data-label=extreme_label()>{extreme}</td>
                            <td role="cell" data-label=t.charts.venues_liquidated>{format::money(row.liquidated_notional_usd, counted)}</td>
                            <td role="cell" data-label=t.charts.venues_adl>{format::money(row.adl_notional_usd, unit)}</td>
                            <td role="cell" data-label=t.charts.venues_bad_debt>{format::money(row.bad_debt_usd, unit)}</td>
                            <td role="cell" data-label=t.charts.venues_fund>{format::money(row.insurance_fund_end_usd, unit)}</td>
                        </tr>
                    }
                })
                .collect_view()
        })
    };
    let progress = move || {
        live.venues.with(|venues| {
            if let Some(problem) = &venues.problem {
                return problem.clone();
            }
            let (done, total) = venues.progress();
            if done < total {
                fill(
                    t.charts.venues_progress,
                    &[("done", &done.to_string()), ("total", &total.to_string())],
                )
            } else {
                String::new()
            }
        })
    };
    view! {
        <div class="charts" role="tabpanel" id="panel-venues" aria-label=Tab::Venues.label() data-testid="tab-venues">
            <p class="wide muted">{t.charts.venues_intro}" "<span data-testid="venues-progress">{progress}</span></p>
            <p class="wide muted" data-testid="venues-inverse" hidden=move || !inverse()>{t.charts.venues_inverse}</p>
            // Scrolls sideways where too narrow (a phone shows cards): focusable so a keyboard
            // can scroll it too.
            <div class="wide table-wrap" tabindex="0" role="region" aria-label=Tab::Venues.label()>
                // Roles spelled out: a phone shows the rows as cards (display: block), which
                // would otherwise hide the table from screen readers.
                <table class="venues" role="table" data-testid="venues-table">
                    <thead role="rowgroup">
                        <tr role="row">
                            <th scope="col" role="columnheader">{t.charts.venues_venue}</th>
                            <th scope="col" role="columnheader">{extreme_label}</th>
                            <th scope="col" role="columnheader">{t.charts.venues_liquidated}</th>
                            <th scope="col" role="columnheader">{t.charts.venues_adl}</th>
                            <th scope="col" role="columnheader">{t.charts.venues_bad_debt}</th>
                            <th scope="col" role="columnheader">{t.charts.venues_fund}</th>
                        </tr>
                    </thead>
                    <tbody role="rowgroup">{rows}</tbody>
                </table>
            </div>
            <Chart name="venues-price" draw=charts::venues::price class="wide" />
        </div>
    }
}

/// The compact layout for iframes: the headline, the chosen charts filling the frame, the chosen
/// controls below them (the shock alone by default) and a link to the full app.
#[component]
pub(crate) fn EmbedLayout(
    /// The parsed query (for `view=`).
    page: PageQuery,
    /// "light" or "dark".
    theme: Signal<&'static str>,
) -> impl IntoView {
    let state = state::use_state();
    let live = expect_context::<Live>();
    // A link that names a system and no view embeds that system (the full app opens it in the
    // Markets tab); it showed the one-market default.
    let asked_views = if page.view.is_empty() && page.markets.is_some() {
        vec!["markets".to_string()]
    } else {
        page.view.clone()
    };
    let (views, unknown) = embed_charts(&asked_views);
    if !unknown.is_empty() {
        let known = embed_chart_names();
        let words = &text().notices;
        state.report(
            "view",
            words.view_unknown_title,
            vec![fill(
                words.view_unknown,
                &[("names", &unknown.join(",")), ("known", &known.join(", "))],
            )],
        );
    }
    // A system embedded alone has its own controls (its links); no one-market control by default.
    let system_only = views.iter().all(|view| view == "markets");
    let unknown_controls: Vec<&str> = page
        .controls
        .iter()
        .map(String::as_str)
        .filter(|name| !EMBED_CONTROLS.contains(name))
        .collect();
    if !unknown_controls.is_empty() {
        let words = &text().notices;
        state.report(
            "controls",
            words.controls_unknown_title,
            vec![fill(
                words.controls_unknown,
                &[
                    ("names", &unknown_controls.join(",")),
                    ("known", &EMBED_CONTROLS.join(", ")),
                ],
            )],
        );
    }
    // A system alone: `preset` is its menu of systems (shown only when its writer asks for it,
    // so a reader sees the system the article is about), not the one-market preset menu.
    let systems_menu = !system_only || page.controls.iter().any(|name| name == "preset");
    let asked: Vec<String> = page
        .controls
        .iter()
        .filter(|name| !(system_only && *name == "preset"))
        .cloned()
        .collect();
    let controls = if system_only && asked.is_empty() {
        Vec::new()
    } else {
        embed_controls(&asked)
    };
    let single = controls.len() == 1;
    let shows_markets = views.iter().any(|view| view == "markets");
    // The full app's link opens the page on the embed's scenario (or system) as it is now. It
    // starts as the embed's own address without its layout (what the embed opened), and is
    // written again when the reader reaches for it (a pointer on it, focus, a click, a context
    // menu): encoding the scenario for a link at every change took part of the embed's start
    // and of every input of a drag. A scenario too large for a link opens the full app at its
    // default.
    let opened_link = {
        let query = crate::codec::full_app_query(&browser::query());
        crate::codec::address(&browser::base_url(), &query, "")
    };
    let refresh_link = move |event: &web_sys::Event| {
        let markets = shows_markets.then(|| state.markets.get_untracked());
        let link = state
            .scenario
            .with_untracked(|scenario| {
                crate::components::share::share_link_with(
                    scenario,
                    &state.page_view(),
                    markets.as_ref(),
                )
            })
            .unwrap_or_else(|_| browser::base_url());
        if let Some(anchor) = event.current_target().and_then(|target| {
            wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlAnchorElement>(target).ok()
        }) {
            anchor.set_href(&link);
        }
    };
    // The charts' box, and whether an outcome is in (its cards drawn; a memo: not every frame).
    let charts_box = NodeRef::<leptos::html::Div>::new();
    let drawn = Memo::new(move |_| live.outcome.with(Option::is_some));
    view! {
            <div class="app embed" data-theme=theme>
    <ErrorBanner />
                // The reader's edit, when the tour (`#tour=N`) replaced it: an embed has no undo.
                <crate::components::restore::OwnOffer />
                <HeldRun />
                <TourCard />
                <GlossaryDialog />
                // An embed of a system alone has no one-market headline to show.
                {(!system_only).then(|| view! { <Headline outcome=live.outcome /> })}
                {shows_markets.then(|| view! { <crate::components::markets::MarketsTab embedded=true systems_menu=systems_menu /> })}
                // Laid out but not painted until the first outcome is in: the headline above them
                // grows then, and moving charts nobody sees is no layout shift.
                {(!system_only).then(|| view! {
                    <div class="charts" class:awaiting=move || live.outcome.with(Option::is_none)
                        node_ref=charts_box>
                        <FlushCharts views=Some(views) />
                    </div>
                    <MoreBelow target=charts_box changed=drawn />
                })}
                // None at all (a system alone, its shock in its own panel): no box, which kept a
                // blank band of its least height above the link out.
                {(!controls.is_empty()).then(|| view! {
                <div class="embed-controls" data-testid="embed-controls">
                    {controls.into_iter().map(|name| match name.as_str() {
                        "leverage" => view! { <LeverageEditor /> }.into_any(),
                        "market" => view! { <MarketControls /> }.into_any(),
                        "venue" => view! { <VenueControls /> }.into_any(),
                        "traders" => view! { <TraderControls /> }.into_any(),
                        "preset" => view! { <PresetPicker /> }.into_any(),
                        // The shock alone is the compact slider; beside others, the whole panel.
                        _ => view! { <ShockControl compact=single /> }.into_any(),
                    }).collect_view()}
                </div>
                })}
                // Outside the controls' scrolled box, so it stays in the frame (in a 390x450
                // frame it was the box's last line, below the frame's edge).
                <a class="open-full" href=opened_link target="_blank" rel="noopener"
                    on:pointerdown=move |event| refresh_link(&event)
                    on:focus=move |event| refresh_link(&event)
                    on:click=move |event| refresh_link(&event)
                    on:contextmenu=move |event| refresh_link(&event)>{crate::components::glyphed(text().page.open_full)}</a>
            </div>
        }
}
