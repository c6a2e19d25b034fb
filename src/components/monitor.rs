//! Leverage ratio monitoring, live: the crowd's leverage ratio, how much open interest sits
//! within 1%, 5% and 10% of its liquidation price, and how far the tipping point is. Each gauge
//! links to its glossary entry.

use leptos::prelude::*;

use flushlab_engine::analysis::monitor::DISTANCES_PCT;

use super::explainer::GlossaryLink;
use crate::analyses::Tipping;
use crate::catalogue::text::{fill, text};
use crate::format;
use crate::live::Live;

/// Leverage ratios the gauge spans (a crowd at 50x or more fills it).
const RATIO_FULL: f64 = 50.0;

/// The gauges (absent until the first run).
#[component]
pub fn LeverageMonitor() -> impl IntoView {
    let live = expect_context::<Live>();
    let tipping = move || match live.tipping.get() {
        Tipping::Computing => text().monitor.computing.to_string(),
        Tipping::At(pct, _) => fill(
            text().monitor.tipping_at,
            &[("shock", &format::signed_pct(pct))],
        ),
        Tipping::Smooth(extent) => fill(
            text().monitor.smooth,
            &[("extent", &format::percent(extent, 0))],
        ),
        Tipping::AtMost(shock, amplification, _) => fill(
            text().monitor.tipping_at_most,
            &[
                ("shock", &format::signed_pct(shock)),
                ("amplification", &format::factor(amplification, 1)),
            ],
        ),
        Tipping::NoShockNeeded(moved) => fill(
            text().monitor.no_shock_needed,
            &[("move", &format::percent(moved, 1))],
        ),
        Tipping::NotComputed => text().monitor.not_computed.to_string(),
    };
    // What a tipping point is, said of the one shown, or in general where there is none.
    let note = move || match live.tipping.get() {
        Tipping::At(_, None) | Tipping::Computing => text().monitor.tipping_note.to_string(),
        // The step is mostly selling that needs no leverage: said, with the 1x curve's step.
        Tipping::At(_, Some(step)) => format!(
            "{} {}",
            text().monitor.tipping_note,
            fill(
                text().monitor.tipping_note_unlevered,
                &[
                    ("from", &format::percent(step.from_pct, 1)),
                    ("to", &format::percent(step.to_pct, 1)),
                ],
            )
        ),
        // Not the steepest step: the curve's smallest shock already runs away (and a steeper
        // step further out, when there is one, is said apart).
        Tipping::AtMost(_, _, steepest) => {
            let mut note = text().monitor.tipping_note_at_most.to_string();
            if let Some(steepest) = steepest {
                note.push(' ');
                note.push_str(&fill(
                    text().monitor.tipping_note_steepest,
                    &[("shock", &format::signed_pct(steepest))],
                ));
            }
            note
        }
        Tipping::Smooth(_) | Tipping::NoShockNeeded(_) | Tipping::NotComputed => {
            text().monitor.tipping_note_none.to_string()
        }
    };
    view! {
        <Show when=move || live.monitor.with(Option::is_some)>
            <section class="monitor" aria-label=text().monitor.label data-testid="monitor">
                <div class="gauge">
                    <span class="tile-label"><GlossaryLink id="leverage-ratio-monitoring" text=text().monitor.ratio /></span>
                    {move || live.monitor.get().map(|monitor| view! {
                        <meter min=0.0 max=RATIO_FULL value=monitor.leverage_ratio.min(RATIO_FULL)
                            aria-label=text().monitor.ratio></meter>
                        <span class="tile-value" data-testid="monitor-ratio">{format::factor(monitor.leverage_ratio, 1)}</span>
                        <span class="gauge-note">{fill(text().monitor.ratio_note, &[
                            ("open_interest", &format::usd(monitor.open_interest)),
                            ("collateral", &format::usd(monitor.collateral)),
                        ])}</span>
                    })}
                </div>
                <div class="gauge">
                    <span class="tile-label"><GlossaryLink id="liquidation-price" text=text().monitor.near_liquidation /></span>
                    {move || live.monitor.get().map(|monitor| DISTANCES_PCT.iter().zip(monitor.share_within).map(|(distance, share)| view! {
                        <span class="gauge-row">
                            <span>{fill(text().monitor.within, &[("distance", &format::percent(*distance, 0))])}</span>
                            <meter min=0.0 max=1.0 value=share aria-label=fill(text().monitor.within_label, &[("distance", &format::percent(*distance, 0))])></meter>
                            <span class="tile-value" data-testid=format!("monitor-within-{distance:.0}")>{format::percent(share * 100.0, 1)}</span>
                        </span>
                    }).collect_view())}
                </div>
                <div class="gauge">
                    <span class="tile-label"><GlossaryLink id="tipping-point" text=text().monitor.tipping /></span>
                    <span class="tile-value" data-testid="monitor-tipping">{tipping}</span>
                    <span class="gauge-note">{note}</span>
                </div>
            </section>
        </Show>
    }
}
