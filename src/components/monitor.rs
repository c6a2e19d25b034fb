//! Leverage ratio monitoring, live: the crowd's leverage ratio, how much open interest sits
//! within 1%, 5% and 10% of its liquidation price, and how far the tipping point is. Each gauge
//! links to its glossary entry.

use leptos::prelude::*;

use flushlab_engine::analysis::monitor::DISTANCES_PCT;

use super::explainer::GlossaryLink;
use crate::format;
use crate::live::{Live, Tipping};

/// Leverage ratios the gauge spans (a crowd at 50x or more fills it).
const RATIO_FULL: f64 = 50.0;

/// The gauges (absent until the first run).
#[component]
pub fn LeverageMonitor() -> impl IntoView {
    let live = expect_context::<Live>();
    let tipping = move || match live.tipping.get() {
        Tipping::Computing => "computing the amplification curve…".to_string(),
        Tipping::At(pct) => format!("a {} shock", format::signed_pct(pct)),
        Tipping::Smooth => "none up to 40%: the flush grows smoothly".to_string(),
        Tipping::NotComputed => "not computed for a scenario this large".to_string(),
    };
    view! {
        <Show when=move || live.monitor.with(Option::is_some)>
            <section class="monitor" aria-label="Leverage monitor" data-testid="monitor">
                <div class="gauge">
                    <span class="tile-label"><GlossaryLink id="leverage-ratio-monitoring" text="Leverage ratio" /></span>
                    {move || live.monitor.get().map(|monitor| view! {
                        <meter min=0.0 max=RATIO_FULL value=monitor.leverage_ratio.min(RATIO_FULL)
                            aria-label="Leverage ratio"></meter>
                        <span class="tile-value" data-testid="monitor-ratio">{format!("{:.1}x", monitor.leverage_ratio)}</span>
                        <span class="gauge-note">{format!("{} of open interest on {} of collateral",
                            format::usd(monitor.open_interest), format::usd(monitor.collateral))}</span>
                    })}
                </div>
                <div class="gauge">
                    <span class="tile-label"><GlossaryLink id="liquidation-price" text="Near liquidation" /></span>
                    {move || live.monitor.get().map(|monitor| DISTANCES_PCT.iter().zip(monitor.share_within).map(|(distance, share)| view! {
                        <span class="gauge-row">
                            <span>{format!("within {distance:.0}%")}</span>
                            <meter min=0.0 max=1.0 value=share aria-label=format!("Share within {distance:.0}% of liquidation")></meter>
                            <span class="tile-value" data-testid=format!("monitor-within-{distance:.0}")>{format!("{:.1}%", share * 100.0)}</span>
                        </span>
                    }).collect_view())}
                </div>
                <div class="gauge">
                    <span class="tile-label"><GlossaryLink id="tipping-point" text="Tipping point" /></span>
                    <span class="tile-value" data-testid="monitor-tipping">{tipping}</span>
                    <span class="gauge-note">"The smallest shock that runs away (the amplification curve)."</span>
                </div>
            </section>
        </Show>
    }
}
