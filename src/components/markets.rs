//! The Markets tab: a system of markets (a system preset), a diagram of its markets and the flows
//! between them that grows with the run and follows the tab's step slider, "cut this link"
//! toggles that re-run it, every market's price on one chart, and the contagion table (where each
//! market's liquidations came from). The system runs in the compute worker.

use flushlab_engine::presets;
use flushlab_engine::system::Collateral;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::catalogue::text::{fill, text};
use crate::charts::Chart;
use crate::components::field::{RangeField, Scale, ToggleField};
use crate::format;
use crate::live::Live;
use crate::markets::{FlowKind, FlowLine, MarketLine, MarketsView, RowFigures};
use crate::state::use_state;

/// The diagram's width (SVG user units) on a wide screen and on a phone (so its text keeps a
/// readable size: drawn 380 wide, a 360 px phone's card scaled its 11-unit words to 8.8-9.2 px;
/// at 340 they are 10-11 px, and the longest label, an account group's, still fits); its height
/// follows what it holds.
const WIDE: f64 = 640.0;
const NARROW: f64 = 340.0;
/// Windows narrower than this draw the diagram [`NARROW`] (wider ones fit [`WIDE`] in its card).
const NARROW_BELOW_PX: u32 = 700;
/// Room above the boxes for the arbitrage labels, and per row of accounts above / lending below.
const LABELS: f64 = 44.0;
const ROW: f64 = 36.0;
/// A line of a flow's label, and the room a row of accounts keeps beside its lines of words.
const LINE: f64 = 13.0;
const ROW_MARGIN: f64 = 23.0;
/// On a phone an account group's words break into lines of at most this many characters, so
/// its label sits over its own markets' boxes: on one line it was as wide as the diagram, and
/// the row above it had its line to its boxes pass behind it (the 2025 system's USDe line under
/// Hyperliquid's label).
const NARROW_LINE_CHARS: usize = 28;
/// A label character's width in the diagram's 11px type, about (for the labels' backdrops).
const LABEL_CHAR_WIDTH: f64 = 5.9;
const BOX_HEIGHT: f64 = 88.0;
/// A second line for the names that need one (a compact box's long name: "Hyperliquid-ruled" /
/// "alts"); every box of the diagram is then that much taller, so they stay in line.
const NAME_LINE: f64 = 12.0;
/// A box narrower than this (three markets or more on a phone) says less, in smaller type.
const COMPACT_BOX: f64 = 120.0;
/// A box at least this wide (two markets on a wide screen) has room to say that its liquidations
/// are its positions' (beside a lending pool's liquidated loans).
const ROOMY_BOX: f64 = 190.0;
/// An arbitrage link's capital control at its top: as much as closing the gap takes.
const UNLIMITED_USD: f64 = 1e11;
/// Most links whose controls the tab shows.
const MAX_LINK_CONTROLS: usize = 16;
/// Most steps of latency the tab's control offers (the format takes up to 1,000).
const MAX_LATENCY_STEPS: f64 = 120.0;

/// A control's element id and test id.
type Ids = (&'static str, &'static str);

/// The element id and test id of control `kind` for link, account group or protocol `k`
/// ("link-capital-0" and "link-capital-slider-0"). Made once each (the fields take static ids) and
/// kept for the page's life.
fn control_ids(kind: &'static str, k: usize) -> Ids {
    thread_local! {
        static IDS: std::cell::RefCell<std::collections::HashMap<(&'static str, usize), Ids>> =
            std::cell::RefCell::new(std::collections::HashMap::new());
    }
    IDS.with_borrow_mut(|ids| {
        *ids.entry((kind, k)).or_insert_with(|| {
            (
                Box::leak(format!("{kind}-{k}").into_boxed_str()),
                Box::leak(format!("{kind}-slider-{k}").into_boxed_str()),
            )
        })
    })
}

#[component]
pub fn MarketsTab(
    /// In an embed: no offer of the page's own system (an embed shows the system its writer
    /// chose, and no page flush it would be the system of).
    #[prop(optional)]
    embedded: bool,
    /// The menu of systems; without it (an embed whose writer did not offer it) the system is
    /// named, so a reader sees the system the article is about.
    #[prop(default = true)]
    systems_menu: bool,
) -> impl IntoView {
    let state = use_state();
    let live = expect_context::<Live>();
    let t = text();
    let systems = StoredValue::new(presets::systems());
    // The worker runs the chosen system whenever the choice changes (and when the tab opens).
    Effect::new(move |_| {
        let system = state.markets.with(|choice| choice.system());
        live.show_markets(system);
    });
    let current = move || {
        let name = state.markets.with(|choice| choice.origin().to_string());
        systems.with_value(|all| all.iter().find(|p| p.name == name).cloned())
    };
    // Another system: a preset, or "" for the reader's own (kept while a preset is shown).
    // Shows the system preset called `name` (the menu, the page preset's own system).
    let show_system = move |name: &str| {
        state.markets_cursor.set(None);
        state.markets_selected.set(0);
        state.clear("markets");
        let next = state.markets.with_untracked(|choice| choice.showing(name));
        state.change_markets(next);
    };
    let choose = move |ev: leptos::ev::Event| show_system(&event_target_value(&ev));
    let steps = move || {
        live.markets
            .with(|view| view.markets.first().map_or(0, |m| m.path.len() - 1))
    };
    let slider_value = move || {
        state
            .markets_cursor
            .get()
            .map_or(steps(), |cursor| cursor + 1)
            .to_string()
    };
    let slide = move |ev: leptos::ev::Event| {
        let value: usize = event_target_value(&ev).parse().unwrap_or(0);
        let total = steps();
        state
            .markets_cursor
            .set((value < total).then(|| value.saturating_sub(1)));
    };
    let at = move || {
        let step_s = live.markets.with(|view| view.step_s);
        let shown = state
            .markets_cursor
            .get()
            .map_or(steps(), |cursor| cursor + 1);
        // In the unit the prices chart's axis reads (`charts::TimeScale`).
        let scale = crate::charts::TimeScale::of(steps() as f64 * step_s);
        fill(
            t.charts.markets_at,
            &[("time", &scale.label(shown as f64 * step_s))],
        )
    };
    // What is still being run, over the diagram's corner (in the caption, its words coming and
    // going moved everything under the diagram: 45 px on a phone, an embed's layout shift 0.12);
    // a problem stays in the caption, in full.
    let progress = move || {
        live.markets.with(|view| {
            if view.problem.is_some() {
                String::new()
            } else if !view.ran {
                t.charts.markets_running.to_string()
            } else if view.contagion.is_none() {
                t.charts.markets_counting.to_string()
            } else {
                String::new()
            }
        })
    };
    let problem = move || {
        live.markets
            .with(|view| view.problem.clone().unwrap_or_default())
    };
    let toggles = move || {
        live.markets.with(|view| {
            view.flows
                .iter()
                .enumerate()
                .filter(|(_, flow)| flow.kind == FlowKind::Arbitrage)
                .map(|(k, flow)| {
                    let cut = state.markets.with(|choice| choice.is_cut(k));
                    let label = fill(t.charts.markets_cut, &[("link", &flow.name)]);
                    let toggle = move |ev: leptos::ev::Event| {
                        let checked = event_target_checked(&ev);
                        let next = state
                            .markets
                            .with_untracked(|choice| choice.with_cut(k, checked));
                        state.change_markets(next);
                    };
                    view! {
                        <label class="markets-cut" data-testid=format!("markets-cut-{k}")>
                            <input type="checkbox" prop:checked=cut on:change=toggle />
                            " " {label}
                        </label>
                    }
                })
                .collect_view()
        })
    };
    // What the diagram draws: the run, not the contagion table that arrives after it (the
    // diagram is built again only when the run changes, not twice per input).
    let drawn = Memo::new(move |_| {
        live.markets.with(|view| MarketsView {
            key: None,
            shock_pct: view.shock_pct,
            shares: view.shares.clone(),
            sell_usd: view.sell_usd,
            run_ms: None,
            step_s: view.step_s,
            start_minute_utc: view.start_minute_utc,
            markets: view.markets.clone(),
            flows: view.flows.clone(),
            ran: view.ran,
            contagion: None,
            problem: None,
            over_budget_s: None,
        })
    });
    // One capital control per arbitrage link of the shown system, rendered again only when the
    // links change (never during a drag of one of them).
    let links = Memo::new(move |_| {
        state.markets.with(|choice| {
            choice.with_base(|base| {
                base.links
                    .iter()
                    .map(|link| base.link_name(link))
                    .collect::<Vec<_>>()
            })
        })
    });
    let capital_controls = move || {
        links
            .get()
            .into_iter()
            .enumerate()
            .take(MAX_LINK_CONTROLS)
            .map(|(k, name)| {
                let [capital, threshold, latency] =
                    ["link-capital", "link-threshold", "link-latency"].map(|kind| control_ids(kind, k));
                let value = Signal::derive(move || {
                    state
                        .markets
                        .with(|choice| choice.link_capital(k).unwrap_or(UNLIMITED_USD))
                });
                let set = Callback::new(move |usd: f64| {
                    let usd = (usd < UNLIMITED_USD).then_some(usd);
                    state.edit_markets(|choice| choice.with_link_capital(k, usd));
                });
                let gap = Signal::derive(move || {
                    state
                        .markets
                        .with(|choice| choice.link_threshold(k).unwrap_or(0.0))
                });
                let set_gap = Callback::new(move |pct: f64| {
                    state.edit_markets(|choice| choice.with_link_threshold(k, pct));
                });
                let lag = Signal::derive(move || {
                    state
                        .markets
                        .with(|choice| f64::from(choice.link_latency(k).unwrap_or(0)))
                });
                let (index_id, _) = control_ids("link-index", k);
                let index = Signal::derive(move || {
                    state
                        .markets
                        .with(|choice| choice.link_index_marks(k).unwrap_or(true))
                });
                let set_index = Callback::new(move |on: bool| {
                    state.edit_markets(|choice| choice.with_link_index_marks(k, on));
                });
                let set_lag = Callback::new(move |steps: f64| {
                    state.edit_markets(|choice| choice.with_link_latency(k, whole_steps(steps)));
                });
                // A cut link carries nothing: its settings wait, greyed, until it is restored.
                let cut = Signal::derive(move || state.markets.with(|choice| choice.is_cut(k)));
                view! {
                    <fieldset class="markets-capital">
                        <legend>{name}</legend>
                        {move || cut.get().then(|| view! {
                            <p class="muted field-note" data-testid=format!("link-cut-note-{k}")>{t.charts.markets_link_cut_note}</p>
                        })}
                        <RangeField id=capital.0 label=t.charts.markets_capital
                            help=t.charts.markets_capital_help min=1e6 max=UNLIMITED_USD step=1.0
                            unit="USD" scale=Scale::Log testid=capital.1 value=value set=set disabled=cut />
                        <RangeField id=threshold.0 label=t.charts.markets_threshold
                            help=t.charts.markets_threshold_help min=0.0 max=2.0 step=0.01
                            unit="%" testid=threshold.1 value=gap set=set_gap disabled=cut />
                        <RangeField id=latency.0 label=t.charts.markets_latency
                            help=t.charts.markets_latency_help min=0.0 max=MAX_LATENCY_STEPS step=1.0
                            unit=steps_unit(lag) testid=latency.1 value=lag set=set_lag disabled=cut />
                        <ToggleField id=index_id label=t.charts.markets_index help=t.charts.markets_index_help
                            value=index set=set_index disabled=cut />
                    </fieldset>
                }
            })
            .collect_view()
    };
    // A depeg control per account group whose collateral is a token, and a liquidation
    // threshold and oracle delay per lending protocol, rendered again only when the groups or
    // protocols change.
    let tokens = Memo::new(move |_| {
        state.markets.with(|choice| {
            choice.with_base(|base| {
                base.accounts
                    .iter()
                    .enumerate()
                    .filter(|(_, group)| matches!(group.collateral, Collateral::Token { .. }))
                    .map(|(k, group)| (k, group.id.clone()))
                    .take(MAX_LINK_CONTROLS)
                    .collect::<Vec<_>>()
            })
        })
    });
    let depeg_controls = move || {
        tokens
            .get()
            .into_iter()
            .map(|(k, name)| {
                let (id, testid) = control_ids("group-depeg", k);
                let value = Signal::derive(move || {
                    state
                        .markets
                        .with(|choice| choice.group_depeg(k).unwrap_or(0.0))
                });
                let set = Callback::new(move |pct: f64| {
                    state.edit_markets(|choice| choice.with_group_depeg(k, pct));
                });
                view! {
                    <fieldset class="markets-capital">
                        <legend>{name}</legend>
                        <RangeField id=id label=t.charts.markets_depeg help=t.charts.markets_depeg_help
                            min=-100.0 max=0.0 step=1.0 unit="%" testid=testid value=value set=set />
                    </fieldset>
                }
            })
            .collect_view()
    };
    let protocols = Memo::new(move |_| {
        state.markets.with(|choice| {
            choice.with_base(|base| {
                base.lending
                    .iter()
                    .map(|lending| lending.id.clone())
                    .take(MAX_LINK_CONTROLS)
                    .collect::<Vec<_>>()
            })
        })
    });
    let lending_controls = move || {
        protocols
            .get()
            .into_iter()
            .enumerate()
            .map(|(k, name)| {
                let (ltv_id, ltv_testid) = control_ids("lending-threshold", k);
                let (delay_id, delay_testid) = control_ids("lending-delay", k);
                let rules = move || state.markets.with(|choice| choice.lending_rules(k));
                let ltv = Signal::derive(move || rules().map_or(0.0, |(ltv, _)| ltv * 100.0));
                let set_ltv = Callback::new(move |pct: f64| {
                    state.edit_markets(|choice| choice.with_lending_threshold(k, pct / 100.0));
                });
                let delay = Signal::derive(move || rules().map_or(0.0, |(_, steps)| f64::from(steps)));
                // A threshold at or under what the loans open at liquidates them at the first
                // step, with no shock: said under the control (a run of "No shock" with loans
                // liquidated read as a fault), as a protocol lowering its threshold under open
                // loans does.
                let under_loans = move || {
                    let highest = state.markets.with(|choice| choice.lending_ltv_max(k))?;
                    (ltv.get() <= highest * 100.0 + 1e-9).then(|| {
                        fill(
                            t.charts.markets_ltv_under_loans,
                            &[("ltv_max", &format::percent(highest * 100.0, 0))],
                        )
                    })
                };
                let set_delay = Callback::new(move |steps: f64| {
                    state.edit_markets(|choice| choice.with_lending_delay(k, whole_steps(steps)));
                });
                view! {
                    <fieldset class="markets-capital">
                        <legend>{name}</legend>
                        <RangeField id=ltv_id label=t.charts.markets_ltv help=t.charts.markets_ltv_help
                            min=30.0 max=95.0 step=1.0 unit="%" testid=ltv_testid value=ltv set=set_ltv />
                        {move || under_loans().map(|note| view! {
                            <p class="muted" data-testid=format!("lending-under-loans-{k}")>{note}</p>
                        })}
                        <RangeField id=delay_id label=t.charts.markets_oracle_delay
                            help=t.charts.markets_oracle_delay_help min=0.0 max=MAX_LATENCY_STEPS
                            step=1.0 unit=steps_unit(delay) testid=delay_testid
                            value=delay set=set_delay />
                    </fieldset>
                }
            })
            .collect_view()
    };
    // The table's "links on" heads, read once per system shown (three cells show them).
    let heads = Memo::new(move |_| live.markets.with(MarketsView::linked_heads));
    // Its source columns the system can fill (accounts', lending's), and whether it has links
    // to cut (else its "links cut" columns would repeat the others).
    let columns = Memo::new(move |_| live.markets.with(MarketsView::source_columns));
    let links = Memo::new(move |_| live.markets.with(MarketsView::has_links));
    // A contagion table over a system without arbitrage links.
    let no_links = move || {
        live.markets.with(|view| {
            view.contagion
                .as_ref()
                .is_some_and(|table| table.links.is_empty())
        })
    };
    // In an embed its column scrolls: a way down it while it hides more below.
    let panel = NodeRef::<leptos::html::Div>::new();
    view! {
        <div class="charts markets-panel" role="tabpanel" id="panel-markets" aria-label=crate::state::Tab::Markets.label() data-testid="tab-markets"
            node_ref=panel>
            // Until the system's run is in, it keeps the room a headline mostly takes, so the
            // diagram does not move down by all of it when the headline is written.
            <p class="wide headline" data-testid="markets-headline" aria-live="polite" aria-busy=move || live.moving.get().to_string()
                class:pending=move || live.markets.with(|view| !view.ran)>
                {move || live.markets.with(MarketsView::headline)}
                // Over the page's budget: said where the headline goes (the reason is under the
                // diagram), and the user may agree to wait (the worker runs it; the page stays
                // responsive, and another system or a cut supersedes it).
                {move || live.markets.with(|view| view.over_budget_s).map(|estimate| view! {
                    {t.charts.markets_held} " "
                    <button type="button" data-testid="markets-run-held" on:click=move |_| {
                        let system = state.markets.with_untracked(|choice| choice.system());
                        live.run_markets_held(system, estimate);
                    }>{text().notices.run_it}</button>
                })}
            </p>
            {move || live.markets.with(MarketsView::past_the_record).map(|note| view! {
                <p class="wide past-record" data-testid="markets-past-record" role="note">{note}</p>
            })}
            // On a phone or a tablet a summary line, so the diagram is a screen nearer (the
            // paragraph was 15 lines of a 390 px screen above the system's own story).
            {if crate::browser::is_narrow() {
                view! {
                    <details class="wide muted markets-intro" data-testid="markets-intro">
                        <summary>{t.charts.markets_intro_summary}</summary>
                        <p>{t.charts.markets_intro}</p>
                    </details>
                }
                .into_any()
            } else {
                view! { <p class="wide muted markets-intro" data-testid="markets-intro">{t.charts.markets_intro}</p> }
                    .into_any()
            }}
            <section class="wide markets-choice">
                {if systems_menu {
                    view! {
                        <label for="markets-preset">{t.charts.markets_system}</label>
                        <select id="markets-preset" data-testid="markets-select" on:change=choose
                            prop:value=move || state.markets.with(|choice| choice.preset.clone())>
                            <Show when=move || state.markets.with(|choice| choice.own.is_some())>
                                <option value="" selected=move || state.markets.with(|choice| choice.shows_own())>
                                    {t.charts.markets_own_option}
                                </option>
                            </Show>
                            {systems.with_value(|all| all.iter().map(|preset| {
                                view! { <option value=preset.name.clone()>{system_label(preset)}</option> }
                            }).collect_view())}
                        </select>
                    }
                    .into_any()
                } else {
                    view! {
                        <p class="markets-system-name" data-testid="markets-system-name">
                            {move || match current() {
                                Some(preset) if !state.markets.with(|choice| choice.shows_own()) => system_label(&preset),
                                _ => t.charts.markets_own_option.to_string(),
                            }}
                        </p>
                    }
                    .into_any()
                }}
                {move || {
                    let preset = state.preset.get();
                    let suggested = state.markets.with(|choice| choice.suggestion(&preset));
                    // Offered to a reader who has seen the page's flush (a link to a system
                    // offered "this page's flush" to one who never opened it).
                    suggested.filter(|_| !embedded && state.flush_seen.get()).map(|system| {
                        let name = system.name.clone();
                        let show = move |_| show_system(&name);
                        view! {
                            <button type="button" class="link-button markets-suggested" data-testid="markets-suggested" on:click=show>
                                {fill(t.charts.markets_suggested, &[("title", &system.title)])}
                            </button>
                        }
                    })
                }}
                <p class="story" data-testid="markets-story">{move || current().map(|p| p.story).unwrap_or_default()}</p>
                <RangeField id="markets-shock" label=t.charts.markets_shock help=t.charts.markets_shock_help
                    min=crate::markets::SHOCK_RANGE.0 max=crate::markets::SHOCK_RANGE.1 step=0.25 unit="%"
                    testid="markets-shock"
                    value=Signal::derive(move || state.markets.with(|choice| choice.shock_shown()))
                    set=Callback::new(move |pct: f64| {
                        let mut next = state.markets.get_untracked();
                        next.shock_pct = Some(pct);
                        state.change_markets(next);
                    }) />
                {move || live.markets.with(MarketsView::shock_reach).map(|reach| view! {
                    <p class="muted shock-reach" data-testid="markets-shock-reach">{reach}</p>
                })}
                <details class="assumptions">
                    <summary>{text().panels.assumptions}</summary>
                    <ul>
                        {move || current().map(|p| p.assumptions).unwrap_or_default().into_iter().map(|line| view! { <li>{line}</li> }).collect_view()}
                    </ul>
                </details>
            </section>
            <figure class="wide card markets-diagram" data-testid="markets-diagram">
                <div class="markets-drawing">
                    {move || {
                        let selected = state.markets_selected.get();
                        let select = Callback::new(move |i: usize| state.markets_selected.set(i));
                        drawn.with(|view| diagram(view, state.markets_cursor.get(), selected, select))
                    }}
                    <span class="markets-status" role="status" data-testid="markets-progress">{progress}</span>
                </div>
                // On one column the picked market's controls are a long way down (about 2,100
                // px on a phone): a tap on a box changed only its border there. The way down
                // names it; an embed has no market controls for it to go to.
                {(!embedded).then(|| view! {
                    <button type="button" class="link-button markets-edit-link" data-testid="markets-edit-link"
                        on:click=move |_| go_to_editor()>
                        {move || {
                            let picked = state.markets_selected.get();
                            drawn.with(|view| {
                                let name = view.picked(picked).map(|(_, market)| market.name.clone()).unwrap_or_default();
                                fill(t.charts.markets_edit_link, &[("market", &name)])
                            })
                        }}
                    </button>
                })}
                <figcaption>
                    <span data-testid="markets-problem">{problem}</span>
                    <span class="markets-toggles">{toggles}</span>
                </figcaption>
                {capital_controls}
                {depeg_controls}
                {lending_controls}
                <div class="markets-scrub">
                    <label for="markets-step">{t.charts.markets_step}</label>
                    <input id="markets-step" type="range" min="1" data-testid="markets-step"
                        prop:max=move || steps().to_string() prop:value=slider_value on:input=slide />
                    <span>{at}</span>
                </div>
            </figure>
            <Chart name="markets-price" draw=crate::charts::markets::prices class="wide" />
            // Scrolls sideways where too narrow (a phone shows cards): focusable so a keyboard
            // can scroll it too. Roles spelled out, as the cards would hide the table otherwise.
            <div class="wide table-wrap" tabindex="0" role="region" aria-label=t.charts.markets_table>
                <table class="venues" role="table" data-testid="markets-table">
                    <thead role="rowgroup">
                        <tr role="row">
                            <th scope="col" role="columnheader">{t.charts.markets_market}</th>
                            <th scope="col" role="columnheader" hidden=move || !links.get()>{t.charts.markets_move_alone}</th>
                            <th scope="col" role="columnheader">{move || heads.get()[0]}</th>
                            <th scope="col" role="columnheader" hidden=move || !links.get()>{t.charts.markets_liquidated_alone}</th>
                            <th scope="col" role="columnheader">{move || heads.get()[1]}</th>
                            <th scope="col" role="columnheader" hidden=move || !links.get()>{move || heads.get()[2]}</th>
                            <th scope="col" role="columnheader" hidden=move || !columns.get().0>{t.charts.markets_from_here}</th>
                            <th scope="col" role="columnheader" hidden=move || !columns.get().0>{t.charts.markets_from_elsewhere}</th>
                            <th scope="col" role="columnheader" hidden=move || !columns.get().0>{t.charts.markets_from_collateral}</th>
                            <th scope="col" role="columnheader" hidden=move || !columns.get().1>{t.charts.markets_from_lending}</th>
                        </tr>
                    </thead>
                    <tbody role="rowgroup">{move || live.markets.with(contagion_rows)}</tbody>
                    <tfoot role="rowgroup">{move || live.markets.with(contagion_totals)}</tfoot>
                </table>
            </div>
            // One note or the other: "Links cut" explained over a system with no link to cut
            // read as a contradiction of the line after it.
            <p class="wide muted markets-note" data-testid="markets-table-note" hidden=no_links>{t.charts.markets_table_note}</p>
            <p class="wide muted markets-note" data-testid="markets-no-links" hidden=move || !no_links()>{t.charts.markets_no_links}</p>
        </div>
        // Its children are there from the start; what changes their sizes, the observer sees.
        {embedded.then(|| view! { <crate::components::more_below::MoreBelow target=panel changed=true /> })}
    }
}

/// A system preset as its menu names it: "2025-10-10: title" for a historical one.
fn system_label(preset: &presets::SystemPreset) -> String {
    match &preset.date {
        Some(date) => format!("{date}: {}", preset.title),
        None => preset.title.clone(),
    }
}

/// A step count from a field (which keeps it within its range): whole steps, 0 to
/// [`MAX_LATENCY_STEPS`].
fn whole_steps(steps: f64) -> u32 {
    steps.round().clamp(0.0, MAX_LATENCY_STEPS) as u32
}

/// "steps" after a count of steps, "step" after a 1.
fn steps_unit(count: Signal<f64>) -> Signal<&'static str> {
    let t = &text().charts;
    Signal::derive(move || {
        if count.get() == 1.0 {
            t.markets_latency_unit_one
        } else {
            t.markets_latency_unit
        }
    })
}

/// The contagion table's rows (none until it is computed).
fn contagion_rows(view: &MarketsView) -> AnyView {
    let Some(table) = &view.contagion else {
        return ().into_any();
    };
    table
        .markets
        .iter()
        .map(|row| {
            let moves = Some((row.alone.largest_move_pct(), row.linked.largest_move_pct()));
            let name = view.name_of(&row.id).to_string();
            table_row(view, name, Some(row.id.clone()), moves, RowFigures::of(row))
        })
        .collect_view()
        .into_any()
}

/// The contagion table's last row: every market summed (so the headline's totals are on the
/// table), for a system of more than one market.
fn contagion_totals(view: &MarketsView) -> AnyView {
    let Some(totals) = view.table_totals() else {
        return ().into_any();
    };
    let name = text().charts.markets_total.to_string();
    table_row(view, name, None, None, totals).into_any()
}

/// A row of the contagion table: the columns the system can fill, each cell naming its column
/// (on a phone a row is a card of labelled figures).
fn table_row(
    view: &MarketsView,
    name: String,
    id: Option<String>,
    moves: Option<(f64, f64)>,
    row: RowFigures,
) -> impl IntoView {
    let usd = |value: f64| format::usd(value);
    let t = &text().charts;
    let [move_linked, liquidated_linked, from_links] = view.linked_heads();
    let (accounts, lending) = view.source_columns();
    let links = view.has_links();
    // The sums' row has no move: its cells stay, empty, so the columns line up (not on a card).
    let moves =
        moves.map(|(alone, linked)| (format::signed_pct(alone), format::signed_pct(linked)));
    let blank = moves.is_none();
    let (move_alone, move_linked_text) = moves.unwrap_or_default();
    view! {
        <tr role="row" data-market=id class:sums=blank>
            <th scope="row" role="rowheader">{name}</th>
            <td role="cell" data-label=t.markets_move_alone hidden=!links class:blank=blank>{move_alone}</td>
            <td role="cell" data-label=move_linked class:blank=blank>{move_linked_text}</td>
            <td role="cell" data-label=t.markets_liquidated_alone hidden=!links>{usd(row.liquidated_alone_usd)}</td>
            <td role="cell" data-label=liquidated_linked>{usd(row.liquidated_linked_usd)}</td>
            <td role="cell" data-label=from_links hidden=!links>{usd(row.from_links_usd)}</td>
            <td role="cell" data-label=t.markets_from_here hidden=!accounts>{usd(row.accounts_usd[0])}</td>
            <td role="cell" data-label=t.markets_from_elsewhere hidden=!accounts>{usd(row.accounts_usd[1])}</td>
            <td role="cell" data-label=t.markets_from_collateral hidden=!accounts>{usd(row.accounts_usd[2])}</td>
            <td role="cell" data-label=t.markets_from_lending hidden=!lending>{usd(row.lending_usd)}</td>
        </tr>
    }
}

/// Each market's box: its left edge and width.
fn boxes(count: usize, total: f64) -> Vec<(f64, f64)> {
    // Three boxes or more on a phone sit closer, so each has room for its words.
    let gap = match (total < WIDE, count >= 3) {
        (true, true) => 14.0,
        (true, false) => 24.0,
        (false, _) => 40.0,
    };
    let width = ((total - gap * (count as f64 + 1.0)) / count.max(1) as f64).min(200.0);
    let used = width * count as f64 + gap * (count as f64 - 1.0);
    let left = (total - used) / 2.0;
    (0..count)
        .map(|i| (left + i as f64 * (width + gap), width))
        .collect()
}

/// The diagram at step `cursor`: markets as boxes (their move and own liquidations so far),
/// arbitrage as lines between them, cross-margin accounts above and lending below, each flow's
/// line as thick as the money it moved so far. A click on a market picks it for the controls.
fn diagram(
    view: &MarketsView,
    cursor: Option<usize>,
    selected: usize,
    select: Callback<usize>,
) -> AnyView {
    let t = text();
    // Laid out for a phone only where the card is about a phone's width: a one-column page or a
    // frame of 700 px drew the phone's narrow layout twice its size (24 px words).
    let width = if crate::browser::narrower_than(NARROW_BELOW_PX) {
        NARROW
    } else {
        WIDE
    };
    if !view.ran {
        return view! { <svg class="markets-svg" viewBox=format!("0 0 {width} 160") role="img" aria-label=t.charts.markets_diagram></svg> }.into_any();
    }
    let rows = |kind: FlowKind| view.flows.iter().filter(|flow| flow.kind == kind).count() as f64;
    let places = boxes(view.markets.len(), width);
    let names: Vec<Vec<String>> = view
        .markets
        .iter()
        .zip(&places)
        .map(|(market, &(_, w))| box_name(&market.name, &market.label, w))
        .collect();
    let box_height = if names.iter().any(|lines| lines.len() > 1) {
        BOX_HEIGHT + NAME_LINE
    } else {
        BOX_HEIGHT
    };
    let account_row = account_row(&view.flows, width);
    let layout = Layout {
        box_top: account_row * rows(FlowKind::Accounts) + LABELS,
        account_row,
        height: account_row * rows(FlowKind::Accounts)
            + LABELS
            + box_height
            + ROW * rows(FlowKind::Lending)
            + 22.0,
        width,
        box_height,
        places,
        most: view
            .flows
            .iter()
            .map(|flow| flow.moved_until(None))
            .fold(1.0, f64::max),
    };
    let mut flows = Vec::new();
    let (mut above, mut below) = (0usize, 0usize);
    // Accounts and lending first, arbitrage last: the lines from the accounts' labels down to
    // the boxes pass under the arbitrage labels, not over them.
    let mut order: Vec<usize> = (0..view.flows.len()).collect();
    order.sort_by_key(|&k| view.flows[k].kind == FlowKind::Arbitrage);
    for k in order {
        let flow = &view.flows[k];
        // Accounts stack above the boxes, lending below, each in its own row.
        let slot = match flow.kind {
            FlowKind::Arbitrage => 0,
            FlowKind::Accounts => {
                above += 1;
                above - 1
            }
            FlowKind::Lending => {
                below += 1;
                below - 1
            }
        };
        flows.push(flow_view(k, flow, cursor, &layout, slot));
    }
    let markets = view
        .markets
        .iter()
        .zip(&layout.places)
        .zip(names)
        .enumerate()
        .map(|(i, ((market, &(x, w)), name))| {
            let place = Place {
                x,
                w,
                top: layout.box_top,
                height: layout.box_height,
            };
            market_box(market, name, place, cursor, i == selected, move || {
                select.run(i)
            })
        })
        .collect_view();
    let label = fill(
        t.charts.markets_diagram_label,
        &[("count", &view.markets.len().to_string())],
    );
    view! {
        // A group, not an image: its market boxes are buttons (an image's parts are not reached).
        <svg class="markets-svg" viewBox=format!("0 0 {width} {}", layout.height) role="group" aria-label=label>
            {flows}
            {markets}
        </svg>
    }
    .into_any()
}

/// Where the boxes sit, how big the diagram is, and the largest flow (the thickest line).
struct Layout {
    box_top: f64,
    /// A row of account groups' height (taller on a phone, whose labels take more lines).
    account_row: f64,
    height: f64,
    width: f64,
    /// The boxes' height: [`BOX_HEIGHT`], or a line more where a name takes two.
    box_height: f64,
    /// Each market's box: left edge and width.
    places: Vec<(f64, f64)>,
    most: f64,
}

impl Layout {
    /// The middle of market `i`'s box.
    fn centre(&self, i: usize) -> f64 {
        self.places
            .get(i)
            .map_or(self.width / 2.0, |(x, w)| x + w / 2.0)
    }

    /// A flow line's width for `usd` moved.
    fn thickness(&self, usd: f64) -> f64 {
        1.5 + 12.0 * (usd / self.most).sqrt()
    }
}

/// `name` as it fits a box `w` wide in bold type of `px` (a character about 0.56 of the size, as
/// measured on the page's sans-serif; a little margin either side): cut with an ellipsis when it
/// does not.
fn fitted(name: &str, w: f64, px: f64) -> String {
    let room = name_room(w, px);
    if name.chars().count() <= room {
        name.to_string()
    } else {
        name.chars()
            .take(room - 1)
            .chain(std::iter::once('…'))
            .collect()
    }
}

/// A market's name as its box shows it, one line or two: a compact box (three markets or more
/// on a phone) breaks a name too long for it after a space or a hyphen, and cuts a second line
/// still too long ([`fitted`]); a wider box cuts its label to one line.
fn box_name(name: &str, label: &str, w: f64) -> Vec<String> {
    if w >= COMPACT_BOX {
        return vec![fitted(label, w, 11.0)];
    }
    // A character short of the room: a name that only just fits touches the box's edges.
    let room = name_room(w, 10.5) - 1;
    if name.chars().count() <= room {
        return vec![name.to_string()];
    }
    // The last break that leaves the first line within the room (a hyphen stays on it).
    let cut = name
        .char_indices()
        .take_while(|&(at, _)| name[..at].chars().count() < room)
        .filter_map(|(at, c)| match c {
            ' ' => Some((at, at + 1)),
            '-' => Some((at + 1, at + 1)),
            _ => None,
        })
        .last();
    match cut {
        Some((end, next)) if end > 0 && next < name.len() => {
            vec![name[..end].to_string(), fitted(&name[next..], w, 10.5)]
        }
        _ => vec![fitted(name, w, 10.5)],
    }
}

/// How many characters of bold type of `px` fit a box `w` wide.
fn name_room(w: f64, px: f64) -> usize {
    ((w - 8.0) / (0.56 * px)).floor().max(2.0) as usize
}

/// Where a market's box sits: left edge, width, top, height.
struct Place {
    x: f64,
    w: f64,
    top: f64,
    height: f64,
}

/// Scrolls the picked market's controls to the top of the screen and puts the focus on their
/// market select (a keyboard goes on from there).
fn go_to_editor() {
    let Some(document) = web_sys::window().and_then(|window| window.document()) else {
        return;
    };
    if let Ok(Some(editor)) = document.query_selector("[data-testid=markets-edit]") {
        let options = web_sys::ScrollIntoViewOptions::new();
        options.set_block(web_sys::ScrollLogicalPosition::Start);
        editor.scroll_into_view_with_scroll_into_view_options(&options);
    }
    if let Some(select) = document
        .get_element_by_id("markets-edit-select")
        .and_then(|element| element.dyn_into::<web_sys::HtmlElement>().ok())
    {
        // Already on the screen: the focus scrolls nothing more.
        let _ = select.focus();
    }
}

/// A market's box at step `cursor`; the one the controls edit is marked.
fn market_box(
    market: &MarketLine,
    name: Vec<String>,
    place: Place,
    cursor: Option<usize>,
    selected: bool,
    pick: impl Fn() + 'static,
) -> impl IntoView {
    let Place { x, w, top, height } = place;
    let t = text();
    let pick = std::rc::Rc::new(pick);
    let pick_key = {
        let pick = pick.clone();
        move || pick()
    };
    // A narrow box (three markets or more on a phone) says less, in smaller type.
    let compact = w < COMPACT_BOX;
    let (small, large) = if compact {
        ("font-size: 10.5px", "font-size: 14px")
    } else {
        ("", "")
    };
    let moved = market.move_at(cursor);
    let liquidated = market.liquidated_until(cursor);
    let (liquidated_words, adl_words) = if compact {
        (
            t.charts.markets_liquidated_short,
            t.charts.markets_adl_short,
        )
    } else {
        let liquidated = if w < ROOMY_BOX {
            t.charts.markets_liquidated_so_far
        } else {
            t.charts.markets_liquidated_positions
        };
        (liquidated, t.charts.markets_adl_so_far)
    };
    let words = fill(liquidated_words, &[("usd", &format::usd(liquidated))]);
    let adl = market.adl_until(cursor);
    let adl_words = (adl > 0.0).then(|| fill(adl_words, &[("usd", &format::usd(adl))]));
    // A long name is broken or cut to its box (the box's title, read on hover and by screen
    // readers, keeps it whole); the lines under it move down by what a second line takes.
    let below = height - BOX_HEIGHT;
    let name = name
        .into_iter()
        .enumerate()
        .map(|(k, line)| {
            view! {
                <text x=x + w / 2.0 y=top + 18.0 + NAME_LINE * k as f64 text-anchor="middle" class="market-name" style=small>
                    {line}
                </text>
            }
        })
        .collect_view();
    // At a step: the move then, large, and the trough so far (or the peak after a squeeze)
    // under it. Over the whole run: the trough large, as the headline says it, and where the run
    // ended under it (the end, large as "now", read as the market's fall: the books refill, so
    // it was the shock's size, -7.8%, under a headline's -16.9%).
    let extreme_pct = format::signed_pct(market.extreme_until(cursor));
    let (large_label, large_value, small_line) = match cursor {
        Some(_) => (
            t.charts.markets_now,
            format::signed_pct(moved),
            fill(
                if market.rises() {
                    t.charts.markets_peak_so_far
                } else {
                    t.charts.markets_trough_so_far
                },
                &[("move", &extreme_pct)],
            ),
        ),
        None => {
            let c = &t.charts;
            let (trough, peak, at_end) = if compact {
                (
                    c.markets_trough_short,
                    c.markets_peak_short,
                    c.markets_at_end_short,
                )
            } else {
                (c.markets_trough, c.markets_peak, c.markets_at_end)
            };
            (
                if market.rises() { peak } else { trough },
                extreme_pct.clone(),
                fill(at_end, &[("move", &format::signed_pct(moved))]),
            )
        }
    };
    view! {
        // A button to a keyboard too (Enter or Space picks it), as to a pointer.
        <g class="market-node" class:selected=selected class:compact=compact data-testid=format!("market-{}", market.id)
            role="button" tabindex="0" aria-pressed=selected.to_string()
            aria-label=fill(text().charts.markets_select_market, &[("market", &market.name)])
            on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                if ev.key() == "Enter" || ev.key() == " " {
                    ev.prevent_default();
                    pick_key();
                }
            }
            on:click=move |_| pick()>
            <title>{fill(text().charts.markets_select_market, &[("market", &market.name)])}</title>
            <rect x=x y=top width=w height=height rx="8" />
            {name}
            <text x=x + w / 2.0 y=top + below + 38.0 text-anchor="middle" class="market-move" style=large>
                <tspan class="market-now">{large_label}" "</tspan>
                <tspan data-testid=format!("market-move-{}", market.id)>{large_value}</tspan>
            </text>
            <text x=x + w / 2.0 y=top + below + 53.0 text-anchor="middle" class="market-liquidated" style=small>{small_line}</text>
            <text x=x + w / 2.0 y=top + below + 67.0 text-anchor="middle" class="market-liquidated" style=small>{words}</text>
            {adl_words.map(|words| view! {
                <text x=x + w / 2.0 y=top + below + 81.0 text-anchor="middle" class="market-liquidated" style=small
                    data-testid=format!("market-adl-{}", market.id)>{words}</text>
            })}
        </g>
    }
}

/// A backdrop under a flow's label (its `lines`, centred on `x`, the first baseline at `y`,
/// `height` tall), so lines that pass under the label pass behind its words instead of through
/// them.
fn label_backdrop(lines: &[&str], x: f64, y: f64, width: f64, height: f64) -> impl IntoView {
    let wide = label_width(lines, width);
    view! { <rect class="flow-backdrop" x=x - wide / 2.0 y=y - 12.0 width=wide height=height rx="4" /> }
}

/// How wide a label of `lines` is, about, in a diagram `width` wide.
fn label_width(lines: &[&str], width: f64) -> f64 {
    let chars = lines
        .iter()
        .map(|line| line.chars().count())
        .max()
        .unwrap_or(0) as f64;
    (chars * LABEL_CHAR_WIDTH + 12.0).min(width - 4.0)
}

/// `words` broken at spaces into lines of at most `most` characters (a longer word alone on its
/// line).
fn wrapped(words: &str, most: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for word in words.split(' ') {
        match lines.last_mut() {
            Some(line) if line.chars().count() + 1 + word.chars().count() <= most => {
                line.push(' ');
                line.push_str(word);
            }
            _ => lines.push(word.to_string()),
        }
    }
    lines
}

/// Where a label `wide` across is centred: over the middle of the boxes its lines go to, as far
/// as the diagram's edges let it (so its lines drop to them and do not pass behind another
/// row's label); in the middle when it has no lines.
fn label_centre(layout: &Layout, markets: &[usize], wide: f64) -> f64 {
    let middle = layout.width / 2.0;
    if markets.is_empty() {
        return middle;
    }
    let over = markets.iter().map(|&i| layout.centre(i)).sum::<f64>() / markets.len() as f64;
    let (least, most) = (wide / 2.0 + 2.0, layout.width - wide / 2.0 - 2.0);
    if least > most {
        middle
    } else {
        over.clamp(least, most)
    }
}

fn flow_view(
    k: usize,
    flow: &FlowLine,
    cursor: Option<usize>,
    layout: &Layout,
    slot: usize,
) -> AnyView {
    let t = text();
    let moved = flow.moved_until(cursor);
    let width = layout.thickness(moved);
    let class = if flow.cut { "flow flow-cut" } else { "flow" };
    match flow.kind {
        FlowKind::Arbitrage => {
            let (a, b) = (
                layout.centre(flow.markets.first().copied().unwrap_or(0)),
                layout.centre(flow.markets.get(1).copied().unwrap_or(0)),
            );
            let box_top = layout.box_top;
            let y = box_top + layout.box_height / 2.0 + 14.0 * (k as f64 % 3.0 - 1.0);
            let words = if flow.cut {
                fill(t.charts.markets_flow_cut, &[("link", &flow.name)])
            } else {
                fill(
                    t.charts.markets_flow_arbitrage,
                    &[("usd", &format::usd(moved))],
                )
            };
            let label_y = box_top - 8.0 - 14.0 * (k as f64 % 3.0);
            // Over the link's middle, kept inside the diagram: a long cut link's name ("Binance-
            // ruled BTC / Hyperliquid-ruled BTC: cut") started 13 px past a phone's left edge.
            let label_x = label_centre(layout, &flow.markets, label_width(&[&words], layout.width));
            let backdrop = label_backdrop(&[&words], label_x, label_y, layout.width, 18.0);
            view! {
                <g class=class data-testid=format!("flow-{k}")>
                    <line x1=a y1=y x2=b y2=y stroke-width=if flow.cut { 1.5 } else { width } />
                    {backdrop}
                    <text x=label_x y=label_y text-anchor="middle">{words}</text>
                </g>
            }
            .into_any()
        }
        FlowKind::Accounts | FlowKind::Lending => {
            let top = flow.kind == FlowKind::Accounts;
            // The counts are the whole run's; with the step slider before its end the dollars
            // are up to the step ("2,170 of 3,000 accounts liquidated, $0 forced" at the first
            // step read as if they had all gone at once).
            let midway = cursor.is_some_and(|at| at + 1 < flow.by_step_usd.len());
            let words = flow_words(flow, moved, midway, layout.width);
            let mut lines: Vec<&str> = vec![&flow.name];
            lines.extend(words.iter().map(String::as_str));
            // The label over the markets it trades in (it is wider than a box), a line from it
            // to each.
            let y = if top {
                14.0 + layout.account_row * slot as f64
            } else {
                layout.box_top + layout.box_height + ROW * slot as f64 + 30.0
            };
            let x = label_centre(layout, &flow.markets, label_width(&lines, layout.width));
            let below_words = y + LINE * words.len() as f64 + 5.0;
            let legs = flow
                .markets
                .iter()
                .map(|&i| {
                    let end = if top { layout.box_top } else { layout.box_top + layout.box_height };
                    view! { <line x1=x y1=if top { below_words } else { y - 14.0 } x2=layout.centre(i) y2=end stroke-width=width /> }
                })
                .collect_view();
            let backdrop =
                label_backdrop(&lines, x, y, layout.width, 4.0 + LINE * lines.len() as f64);
            let words = words
                .iter()
                .enumerate()
                .map(|(j, line)| view! { <text x=x y=y + LINE * (j + 1) as f64 text-anchor="middle">{line.clone()}</text> })
                .collect_view();
            view! {
                // Every other row of accounts in a colour of its own, so two groups' lines are
                // told apart where one passes the other's label.
                <g class=format!("{class} flow-{}{}", if top { "accounts" } else { "lending" }, if top && slot % 2 == 1 { " flow-second" } else { "" })
                    data-testid=format!("flow-{k}")>
                    {legs}
                    {backdrop}
                    <text x=x y=y text-anchor="middle" class="flow-name">{flow.name.clone()}</text>
                    {words}
                </g>
            }
            .into_any()
        }
    }
}

/// What an account group's or a lending protocol's label says under its name, `usd` moved so
/// far (`midway`: the step slider before the run's end), in lines: one on a wide diagram, an
/// account group's broken into short ones on a phone's ([`NARROW_LINE_CHARS`]).
fn flow_words(flow: &FlowLine, usd: f64, midway: bool, width: f64) -> Vec<String> {
    let t = text();
    let top = flow.kind == FlowKind::Accounts;
    let narrow = width <= NARROW;
    let template = if !top {
        t.charts.markets_flow_lending
    } else if flow.deleveraged > 0 && narrow {
        t.charts.markets_flow_accounts_adl_short
    } else if flow.deleveraged > 0 {
        t.charts.markets_flow_accounts_adl
    } else {
        t.charts.markets_flow_accounts
    };
    let (in_all, so_far) = if midway {
        (t.charts.markets_flow_in_all, t.charts.markets_flow_so_far)
    } else {
        ("", "")
    };
    let words = fill(
        template,
        &[
            ("in_all", in_all),
            ("so_far", so_far),
            ("liquidated", &format::count(flow.liquidated as u64)),
            ("of", &format::count(flow.of as u64)),
            ("deleveraged", &format::count(flow.deleveraged as u64)),
            ("usd", &format::usd(usd)),
        ],
    );
    if top && narrow {
        wrapped(&words, NARROW_LINE_CHARS)
    } else {
        vec![words]
    }
}

/// How tall a row of account groups is: a wide diagram's [`ROW`], a phone's as many lines as its
/// longest label may take (midway through the run, its longest words), so the diagram keeps one
/// height while the step slider moves.
fn account_row(flows: &[FlowLine], width: f64) -> f64 {
    let lines = flows
        .iter()
        .filter(|flow| flow.kind == FlowKind::Accounts)
        .map(|flow| flow_words(flow, flow.moved_until(None), true, width).len())
        .max()
        .unwrap_or(1);
    (ROW_MARGIN + LINE * lines as f64).max(ROW)
}

#[cfg(test)]
mod tests {
    use super::{
        box_name, boxes, fitted, label_centre, label_width, wrapped, Layout, NARROW,
        NARROW_LINE_CHARS, WIDE,
    };

    #[test]
    fn on_a_phone_an_account_groups_label_sits_over_its_own_boxes() {
        // The 2025 system on a phone: USDe's accounts (row 1) hold Binance-ruled BTC, the
        // first box; Hyperliquid's (row 2) the other two. On one line Hyperliquid's label was
        // as wide as the diagram and USDe's line to its box passed behind it.
        let usde = [
            "USDe collateral",
            "2,925 of 3,000 accounts liquidated, $2.56bn forced",
        ];
        let hyperliquid = [
            "Hyperliquid cross margin",
            "1,763 of 2,000 liquidated (154 by ADL), $1.37bn forced",
        ];
        let layout = Layout {
            box_top: 0.0,
            account_row: 0.0,
            height: 0.0,
            width: NARROW,
            box_height: 0.0,
            places: boxes(3, NARROW),
            most: 1.0,
        };
        let span = |lines: &[&str], markets: &[usize]| {
            let wide = label_width(lines, NARROW);
            let x = label_centre(&layout, markets, wide);
            (x, x - wide / 2.0)
        };
        let phone = |label: &[&str; 2]| -> Vec<String> {
            let mut lines = vec![label[0].to_string()];
            lines.extend(wrapped(label[1], NARROW_LINE_CHARS));
            lines
        };
        let usde_lines = phone(&usde);
        let hyperliquid_lines = phone(&hyperliquid);
        assert_eq!(
            hyperliquid_lines[1..],
            ["1,763 of 2,000 liquidated", "(154 by ADL), $1.37bn forced"]
        );
        let usde_words: Vec<&str> = usde_lines.iter().map(String::as_str).collect();
        let hyperliquid_words: Vec<&str> = hyperliquid_lines.iter().map(String::as_str).collect();
        let (usde_x, _) = span(&usde_words, &[0]);
        let (_, hyperliquid_left) = span(&hyperliquid_words, &[1, 2]);
        let usde_line = usde_x.max(layout.centre(0));
        assert!(
            usde_line < hyperliquid_left,
            "USDe's line at up to {usde_line} passes behind Hyperliquid's label from {hyperliquid_left}"
        );
        // On one line each (as before), it did.
        let (usde_x, _) = span(&usde, &[0]);
        let (_, hyperliquid_left) = span(&hyperliquid, &[1, 2]);
        assert!(usde_x.max(layout.centre(0)) > hyperliquid_left);
    }

    #[test]
    fn words_wrap_at_spaces_and_a_long_word_keeps_its_own_line() {
        assert_eq!(wrapped("a bb ccc", 4), ["a bb", "ccc"]);
        assert_eq!(wrapped("averylongword x", 4), ["averylongword", "x"]);
        assert_eq!(wrapped("fits", 28), ["fits"]);
    }

    #[test]
    fn a_long_name_takes_two_lines_in_a_phones_box_and_one_in_a_wide_one() {
        // The 2025 system's names, in a phone's compact boxes (three of them): whole, on two
        // lines where one is too short, broken after the hyphen or a space.
        let w = boxes(3, NARROW)[0].1;
        let lines = |name: &str| box_name(name, name, w);
        assert_eq!(lines("Binance BTC"), ["Binance BTC"]);
        assert_eq!(lines("Binance-ruled BTC"), ["Binance-", "ruled BTC"]);
        assert_eq!(
            lines("Hyperliquid-ruled BTC"),
            ["Hyperliquid-", "ruled BTC"]
        );
        assert_eq!(
            lines("Hyperliquid-ruled alts"),
            ["Hyperliquid-", "ruled alts"]
        );
        assert_eq!(
            lines("Lending pool on Aave v3"),
            ["Lending pool", "on Aave v3"]
        );
        // No break to take: one line, cut.
        assert_eq!(
            lines("Averyveryverylongmarketname"),
            [fitted("Averyveryverylongmarketname", w, 10.5)]
        );
        // A second line too long is cut.
        let two = lines("A very long market name of 32 ch");
        assert_eq!(two.len(), 2);
        assert!(two[1].ends_with('…'), "{two:?}");
        // A wide screen's boxes show the label on one line.
        let wide = boxes(3, WIDE)[0].1;
        assert_eq!(
            box_name("Hyperliquid-ruled alts", "Hyperliquid-ruled alts", wide),
            ["Hyperliquid-ruled alts"]
        );
    }

    #[test]
    fn a_name_too_long_for_its_box_is_cut_with_an_ellipsis() {
        let w = boxes(3, NARROW)[0].1;
        assert_eq!(fitted("Hyperliquid", w, 10.5), "Hyperliquid");
        let long = "A very long market name of 32 ch";
        let cut = fitted(long, w, 10.5);
        assert_eq!(cut.chars().count(), 14);
        assert!(cut.ends_with('…') && long.starts_with(cut.trim_end_matches('…')));
        assert_eq!(
            fitted(long, 400.0, 11.0),
            long,
            "a roomy box shows it whole"
        );
        assert_eq!(fitted("ETH", 1.0, 11.0), "E…", "never less than a letter");
    }
}
