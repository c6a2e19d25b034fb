//! Charts: each chart's file turns engine output into a `plotly::Plot` (pure, tested); this file
//! holds what they share (the [`Snapshot`] they draw from, the flush tab's list, colours, layout).
//! The imperative side is apart: `plotly_js` is the only place that talks to plotly.js, a
//! [`Chart`] card (`card.rs`) registers its container with the page's [`Registry`]
//! (`registry.rs`), and the live loop asks the registry to redraw once per animation frame.

pub mod amplification;
pub mod axes;
mod canvas;
mod card;
pub mod cycles;
pub mod fund;
pub mod funding;
pub mod held;
pub mod liquidations;
pub mod map;
pub mod markets;
pub mod oi;
pub mod options;
pub mod phase;
pub mod plotly_js;
pub mod price;
mod registry;
pub mod sketch;
pub mod thin;
pub mod venues;
mod visibility;

pub use card::Chart;
pub use registry::Registry;

use flushlab_engine::{Outcome, Scenario};
use plotly::common::{Font, Orientation, Title};
use plotly::layout::{Axis, HoverMode, Layout, Legend, Margin};
use plotly::Plot;

use crate::analyses::{CurveView, CyclesView, PhaseMap, VenuesView};
use crate::state::Theme;

/// Everything a chart may draw from, at one moment.
pub struct Snapshot<'a> {
    pub scenario: &'a Scenario,
    pub outcome: &'a Outcome,
    pub curve: &'a CurveView,
    pub phase: &'a PhaseMap,
    pub cycles: &'a CyclesView,
    pub venues: &'a VenuesView,
    /// The Markets tab's system, and the step its charts show (None: the whole run).
    pub markets: &'a crate::markets::MarketsView,
    pub markets_cursor: Option<usize>,
    /// The playback step shown (None: the whole run).
    pub cursor: Option<usize>,
    pub theme: Theme,
    /// The option the options tab compares with a perpetual.
    pub options: &'a flushlab_engine::analysis::OptionSpec,
}

/// Builds one chart's plot from a snapshot.
pub type Build = fn(&Snapshot) -> Plot;

/// A chart of the flush tab: its name (`chart-<name>`, `view=<name>`) and drawing; its title and
/// caption are in the text catalogue ([`words`]).
pub struct Entry {
    pub name: &'static str,
    pub draw: Build,
    /// Spans both columns.
    pub wide: bool,
}

impl Entry {
    /// The chart's title.
    pub fn title(&self) -> &'static str {
        words(self.name).0
    }

    /// What to notice in the chart.
    pub fn caption(&self) -> &'static str {
        words(self.name).1
    }
}

/// A chart's title and caption, by its name (the flush tab's and the cycles tab's charts).
pub fn words(name: &str) -> (&'static str, &'static str) {
    let c = &crate::catalogue::text::text().charts;
    match name {
        "price" => (c.price, c.price_caption),
        "liquidations" => (c.liquidations, c.liquidations_caption),
        "map" => (c.map, c.map_caption),
        "oi" => (c.oi, c.oi_caption),
        "fund" => (c.fund, c.fund_caption),
        "funding" => (c.funding, c.funding_caption),
        "amplification" => (c.amplification, c.amplification_caption),
        "phase" => (c.phase, c.phase_caption),
        "cycles-fan" => (c.fan, c.fan_caption),
        "cycles-returns" => (c.returns, c.returns_caption),
        "cycles-qq" => (c.qq, c.qq_caption),
        "cycles-tails" => (c.tails, c.tails_caption),
        "options-returns" => (c.options_returns, c.options_returns_caption),
        "options-decay" => (c.options_decay, c.options_decay_caption),
        "venues-price" => (c.venues_price, c.venues_price_caption),
        "markets-price" => (c.markets_price, c.markets_price_caption),
        _ => ("", ""),
    }
}

/// A chart's caption for `scenario`: the catalogue's ([`words`]), save where the shock changes
/// what the chart draws. The price chart's shades a ramp, marks an instant shock's first step,
/// and has neither for a market sell or no shock (a funding bleed's embed said "The shock
/// starts it"); with no shock, the open interest's and the build-up's "before" is the run's
/// start.
pub fn caption(name: &str, scenario: &flushlab_engine::Scenario) -> &'static str {
    use flushlab_engine::scenario::ShockKind;
    let c = &crate::catalogue::text::text().charts;
    let shock = &scenario.shock;
    let shocked = price::has_shock(shock);
    match name {
        "price" if !shocked => c.price_caption_no_shock,
        "price" if shock.kind == ShockKind::Sell => c.price_caption_sell,
        "price" if shock.kind == ShockKind::Instant => c.price_caption_instant,
        "oi" if !shocked => c.oi_caption_no_shock,
        "funding" if !shocked => c.funding_caption_no_shock,
        _ => words(name).1,
    }
}

/// What a chart's caption adds for `scenario`, if anything: on a coin-margined contract, the
/// amplification curve's 1x line is not an unlevered market; with stop-losses, portfolio insurers
/// or option dealers, what the liquidations chart's dashed lines are; with the last two, why the
/// price can end above the shock alone while they sold on balance.
pub fn caption_note(name: &str, scenario: &flushlab_engine::Scenario) -> Option<&'static str> {
    let c = &crate::catalogue::text::text().charts;
    let inverse = scenario.market.contract == flushlab_engine::scenario::Contract::Inverse;
    let agents = &scenario.agents;
    match name {
        "amplification" if inverse => Some(c.amplification_inverse),
        "liquidations" if !liquidations::flows(scenario).is_empty() => Some(c.liquidations_flows),
        "price"
            if price::has_shock(&scenario.shock)
                && (agents.cppi.is_some() || agents.option_dealers.is_some()) =>
        {
            Some(c.price_rule_traders)
        }
        _ => None,
    }
}

/// The flush tab's charts by name, in page order, and whether each spans both columns: what the
/// compute worker's first view needs of [`FLUSH_CHARTS`], without their drawing code (a table of
/// it would link every chart's plotly figure into the worker).
pub const FLUSH_CHART_LAYOUT: [(&str, bool); 8] = [
    ("price", true),
    ("liquidations", false),
    ("map", false),
    ("oi", false),
    ("fund", false),
    ("funding", false),
    ("amplification", false),
    ("phase", false),
];

/// The flush tab's charts, in page order ([`FLUSH_CHART_LAYOUT`]), with their drawing.
pub const FLUSH_CHARTS: [Entry; 8] = [
    Entry {
        name: FLUSH_CHART_LAYOUT[0].0,
        draw: price::plot,
        wide: FLUSH_CHART_LAYOUT[0].1,
    },
    Entry {
        name: FLUSH_CHART_LAYOUT[1].0,
        draw: liquidations::plot,
        wide: FLUSH_CHART_LAYOUT[1].1,
    },
    Entry {
        name: FLUSH_CHART_LAYOUT[2].0,
        draw: map::plot,
        wide: FLUSH_CHART_LAYOUT[2].1,
    },
    Entry {
        name: FLUSH_CHART_LAYOUT[3].0,
        draw: oi::plot,
        wide: FLUSH_CHART_LAYOUT[3].1,
    },
    Entry {
        name: FLUSH_CHART_LAYOUT[4].0,
        draw: fund::plot,
        wide: FLUSH_CHART_LAYOUT[4].1,
    },
    // Shown only when the scenario has a build-up (`views.rs`).
    Entry {
        name: FLUSH_CHART_LAYOUT[5].0,
        draw: funding::plot,
        wide: FLUSH_CHART_LAYOUT[5].1,
    },
    Entry {
        name: FLUSH_CHART_LAYOUT[6].0,
        draw: amplification::plot,
        wide: FLUSH_CHART_LAYOUT[6].1,
    },
    Entry {
        name: FLUSH_CHART_LAYOUT[7].0,
        draw: phase::plot,
        wide: FLUSH_CHART_LAYOUT[7].1,
    },
];

/// The figure (plotly JSON) a chart draws for `scenario`'s outcome with no analyses done, no
/// cursor, the light theme and the option `options` (for the charts' own tests).
#[cfg(test)]
pub(crate) fn plain_figure(
    draw: Build,
    scenario: &Scenario,
    outcome: &Outcome,
    options: &flushlab_engine::analysis::OptionSpec,
) -> serde_json::Value {
    figure_with_cycles(draw, scenario, outcome, options, &CyclesView::default())
}

/// Every chart of the flush tab that a drag holds, on every preset: (preset, chart, its
/// [`plain_figure`], the ranges it needs: [`held::needed`]).
#[cfg(test)]
pub(crate) fn held_figures() -> Vec<(String, &'static str, serde_json::Value, held::Ranges)> {
    let mut held = Vec::new();
    for preset in flushlab_engine::presets::all() {
        let scenario = &preset.scenario;
        let outcome = crate::session::Session::new().simulate(scenario);
        for entry in FLUSH_CHARTS {
            let figure = plain_figure(entry.draw, scenario, &outcome, &Default::default());
            if let Some(needed) = held::needed(&figure) {
                held.push((preset.name.to_string(), entry.name, figure, needed));
            }
        }
    }
    held
}

/// [`plain_figure`] with the leverage cycles' run `cycles` done.
#[cfg(test)]
pub(crate) fn figure_with_cycles(
    draw: Build,
    scenario: &Scenario,
    outcome: &Outcome,
    options: &flushlab_engine::analysis::OptionSpec,
    cycles: &CyclesView,
) -> serde_json::Value {
    figure_with_analyses(
        draw,
        scenario,
        outcome,
        options,
        cycles,
        &VenuesView::default(),
    )
}

/// [`plain_figure`] with the leverage cycles' run `cycles` and the venues' comparison `venues`
/// done.
#[cfg(test)]
pub(crate) fn figure_with_analyses(
    draw: Build,
    scenario: &Scenario,
    outcome: &Outcome,
    options: &flushlab_engine::analysis::OptionSpec,
    cycles: &CyclesView,
    venues: &VenuesView,
) -> serde_json::Value {
    let (curve, phase) = (CurveView::default(), PhaseMap::default());
    let markets = crate::markets::MarketsView::default();
    let snapshot = Snapshot {
        scenario,
        outcome,
        curve: &curve,
        phase: &phase,
        cycles,
        venues,
        markets: &markets,
        markets_cursor: None,
        cursor: None,
        theme: Theme::Light,
        options,
    };
    serde_json::from_str(&draw(&snapshot).to_json()).expect("a plot serializes")
}

/// The traces of [`plain_figure`].
#[cfg(test)]
pub(crate) fn traces_of(
    draw: Build,
    scenario: &Scenario,
    outcome: &Outcome,
    options: &flushlab_engine::analysis::OptionSpec,
) -> Vec<serde_json::Value> {
    plain_figure(draw, scenario, outcome, options)["data"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

/// Colour-blind-safe colours (Okabe and Ito), the same in both themes.
pub mod palette {
    pub const LONG: &str = "#0072B2";
    pub const SHORT: &str = "#D55E00";
    pub const MARK: &str = "#E69F00";
    pub const FUND: &str = "#009E73";
    pub const ADL: &str = "#CC79A7";
    pub const SKY: &str = "#56B4E9";
    /// Six distinct lines (markets on one chart, venue profiles), in this order.
    pub const SERIES: [&str; 6] = [LONG, SHORT, FUND, ADL, MARK, SKY];
    /// Leverage buckets, low to high (viridis: ordered and colour-blind safe).
    pub const BUCKETS: [&str; 8] = [
        "#440154", "#46327e", "#365c8d", "#277f8e", "#1fa187", "#4ac16d", "#a0da39", "#fde725",
    ];

    /// The same ramp for the dark theme: viridis from 0.4 of its length up, so the lowest
    /// bucket stands 3.3:1 from a dark card (viridis's own purple, #440154, stood 1.2:1: the
    /// 1-1.6x bucket all but vanished from the map and the leverage bars).
    pub const BUCKETS_DARK: [&str; 8] = [
        "#2a788e", "#248d8b", "#1fa187", "#39b477", "#5bc663", "#8fd543", "#c5df31", "#fde725",
    ];

    /// Colour of bucket `index` of `count`, spread over the theme's viridis ramp.
    pub fn bucket(theme: crate::state::Theme, index: usize, count: usize) -> &'static str {
        let ramp = match theme {
            crate::state::Theme::Light => &BUCKETS,
            crate::state::Theme::Dark => &BUCKETS_DARK,
        };
        if count <= 1 {
            return ramp[3];
        }
        let position = index * (ramp.len() - 1) / (count - 1);
        ramp[position.min(ramp.len() - 1)]
    }
}

/// Text and grid colours of a theme.
pub struct Ink {
    pub text: &'static str,
    pub muted: &'static str,
    pub grid: &'static str,
    /// The last-price line.
    pub price: &'static str,
    pub shade: &'static str,
    /// A circuit breaker's halt: the shock's warm colour, faint; and its label's, readable on
    /// the card.
    pub halt: &'static str,
    pub halt_text: &'static str,
    /// Behind a label on a line: the card's colour, nearly opaque, so the lines and fills it
    /// lies over do not cross its words.
    pub backdrop: &'static str,
}

/// The ink of a theme.
pub fn ink(theme: Theme) -> Ink {
    match theme {
        Theme::Light => Ink {
            text: "#1b1f24",
            muted: "#4f5864",
            grid: "#e3e6ea",
            price: "#1b1f24",
            shade: "rgba(91,100,112,0.16)",
            halt: "rgba(213,94,0,0.14)",
            halt_text: "#a34700",
            backdrop: "rgba(255,255,255,0.85)",
        },
        Theme::Dark => Ink {
            text: "#e6e9ee",
            muted: "#9aa4b1",
            grid: "#2f353d",
            price: "#e6e9ee",
            shade: "rgba(154,164,177,0.18)",
            halt: "rgba(230,120,40,0.2)",
            halt_text: "#f0a36e",
            backdrop: "rgba(27,31,38,0.85)",
        },
    }
}

/// The common layout: title, axis titles with units, theme colours, legend on top.
pub fn base_layout(theme: Theme, title: &str, x_title: &str, y_title: &str) -> Layout {
    let ink = ink(theme);
    Layout::new()
        .title(
            Title::with_text(title)
                .font(Font::new().size(15).color(ink.text))
                .x(0.0)
                .x_anchor(plotly::common::Anchor::Left)
                .y(0.98)
                .y_anchor(plotly::common::Anchor::Top),
        )
        .font(Font::new().color(ink.text).size(12))
        .paper_background_color("rgba(0,0,0,0)")
        .plot_background_color("rgba(0,0,0,0)")
        .margin(Margin::new().left(64).right(16).top(76).bottom(48))
        .legend(
            Legend::new()
                .orientation(Orientation::Horizontal)
                .x(0.0)
                .y(1.02)
                .y_anchor(plotly::common::Anchor::Bottom)
                .font(Font::new().size(11).color(ink.muted)),
        )
        .hover_mode(HoverMode::XUnified)
        .x_axis(axis(theme, x_title))
        .y_axis(axis(theme, y_title))
}

/// An axis with a title (say the unit) in the theme's grid colour.
pub fn axis(theme: Theme, title: &str) -> Axis {
    let grid = ink(theme).grid;
    Axis::new()
        .title(Title::with_text(title))
        .grid_color(grid)
        .zero_line_color(grid)
}

/// An axis of percentages (`suffix` "%") or factors ("x"): its ticks and hover values carry the
/// suffix, hover values with two decimals ("29.85%", where plotly wrote "29.85304"; "-12.70%"
/// beside another line's "-12.64%" in one hover, not "-12.7%").
pub fn suffixed_axis(theme: Theme, title: &str, suffix: &str) -> Axis {
    axis(theme, title).tick_suffix(suffix).hover_format(",.2f")
}

/// A price axis for prices `around` this one: its title, its ticks with "$", and hover values
/// with the decimals the page writes such a price with ("$104,766", "$0.2345"; plotly wrote
/// "104766.2").
pub fn price_axis(theme: Theme, around: f64) -> Axis {
    axis(theme, words_inside().price_usd)
        .tick_prefix("$")
        .hover_format(format!(",.{}f", crate::format::price_decimals(around)))
}

/// The plot as plotly JSON, with what the plotly crate has no setter for: `uirevision` (so
/// redraws keep the user's zoom) and the page's config (responsive, no logo, no cloud links).
pub fn figure_value(plot: &Plot, uirevision: &str) -> serde_json::Value {
    let mut figure: serde_json::Value =
        serde_json::to_value(plot).unwrap_or(serde_json::Value::Null);
    let rows = legend_rows(&figure, NARROW_LEGEND_PX);
    if let Some(layout) = figure.get_mut("layout").and_then(|l| l.as_object_mut()) {
        layout.insert("uirevision".into(), uirevision.into());
        layout.insert("autosize".into(), true.into());
        // Hover labels name their traces in full (plotly cuts names at 15 characters:
        // "shorts liqui...").
        layout.insert("hoverlabel".into(), serde_json::json!({"namelength": -1}));
        allow_tick_label_overflow(layout);
        unified_time_title(layout);
        if rows >= TALL_LEGEND_ROWS {
            legend_clear_of_the_title(layout);
        }
    }
    if let Some(object) = figure.as_object_mut() {
        object.insert(
            "config".into(),
            serde_json::json!({
                "responsive": true,
                "displaylogo": false,
                // The toolbar keeps zoom, pan and reset (a double click resets too): seven
                // buttons reached over a long title's end at a desktop chart's width. Its
                // picture button went: the card's own PNG link does the same, and it was one
                // more stop per chart for a keyboard (28 of the page's 175).
                "modeBarButtonsToRemove": ["lasso2d", "select2d", "zoomIn2d", "zoomOut2d", "autoScale2d", "toImage"],
                "toImageButtonOptions": {"format": "png", "filename": format!("flushlab-{uirevision}"), "scale": 2}
            }),
        );
    }
    figure
}

/// A legend that wraps to this many rows on a narrow chart (a phone, an embed's column) reaches
/// over the chart's title: [`legend_clear_of_the_title`].
const TALL_LEGEND_ROWS: usize = 3;

/// How wide the legend of a narrow chart may run: a 320 px embed column's plot, about.
const NARROW_LEGEND_PX: f64 = 240.0;

/// About how wide plotly draws a legend entry of `chars` characters at the legend's 11 px:
/// the sample line, the gaps, and 6 px a character.
fn legend_entry_px(chars: usize) -> f64 {
    40.0 + 6.0 * chars as f64
}

/// How many rows the figure's legend (the traces not hidden from it, when it shows one) wraps to
/// in `width` pixels, entries packed in order as plotly packs a horizontal legend.
fn legend_rows(figure: &serde_json::Value, width: f64) -> usize {
    if figure["layout"]["showlegend"] == false {
        return 0;
    }
    let Some(traces) = figure["data"].as_array() else {
        return 0;
    };
    rows_of_names(
        traces
            .iter()
            .filter(|trace| trace["showlegend"] != false)
            .map(|trace| trace["name"].as_str().unwrap_or("")),
        width,
    )
}

/// How many rows legend entries with these names wrap to in `width` pixels.
fn rows_of_names<'a>(names: impl IntoIterator<Item = &'a str>, width: f64) -> usize {
    let (mut rows, mut used) = (0, 0.0);
    for name in names {
        let wide = legend_entry_px(name.chars().count());
        if rows == 0 || used + wide > width {
            rows += 1;
            used = 0.0;
        }
        used += wide;
    }
    rows
}

/// Whether chart `name`'s legend for `scenario` wraps to [`TALL_LEGEND_ROWS`] rows or more in a
/// narrow column, known before its figure is (the card's class `tall-legend`, in the first view
/// too): an embed gives such a chart more height. The liquidations chart with the algorithms'
/// lines: three rows over a dealers' run left a 700 px frame's plot 87 px tall.
pub fn tall_legend(name: &str, scenario: &flushlab_engine::Scenario) -> bool {
    match name {
        "liquidations" => {
            let w = words_inside();
            let flows = liquidations::flows(scenario);
            let names = [w.longs_liquidated, w.shorts_liquidated]
                .into_iter()
                .chain(flows.iter().map(|(name, ..)| *name));
            rows_of_names(names, NARROW_LEGEND_PX) >= TALL_LEGEND_ROWS
        }
        _ => false,
    }
}

/// Keeps a tall legend clear of the chart's title. [`base_layout`]'s legend sits on the plot and
/// grows up, and plotly lowers the plot's top until the legend fits under the chart's top edge,
/// but not under the title: on a narrow chart a legend wrapped to three or more rows reached
/// over it. An empty first line as high as the title makes plotly keep the entries below it
/// (and a legend of one or two rows fits the top margin as before).
fn legend_clear_of_the_title(layout: &mut serde_json::Map<String, serde_json::Value>) {
    let legend = layout
        .entry("legend")
        .or_insert_with(|| serde_json::json!({}));
    if let Some(legend) = legend.as_object_mut() {
        legend.insert(
            "title".into(),
            serde_json::json!({"text": "\u{a0}", "side": "top", "font": {"size": 18}}),
        );
    }
}

/// The smallest round step (one of `multiples`, each times a power of ten; 10 among them) that
/// covers `span` in at most `most` steps: the step of an axis's ticks.
pub fn round_step(span: f64, most: f64, multiples: &[f64]) -> f64 {
    let power = 10f64.powf((span / most).log10().floor());
    multiples
        .iter()
        .map(|m| m * power)
        .find(|&step| span / step <= most)
        .unwrap_or(10.0 * power)
}

/// The multiples of the smallest round step (1, 2 or 5 times a power of ten) that fits
/// `low.min(0)..=high` in at most `most` steps, from the first at or above `low.min(0)` up to
/// `high`; just zero for an empty or endless span.
pub fn round_ticks(low: f64, high: f64, most: f64) -> Vec<f64> {
    let low = low.min(0.0);
    let span = high - low;
    if !(high > 0.0 && span.is_finite()) {
        return vec![0.0];
    }
    let step = round_step(span, most, &[1.0, 2.0, 5.0, 10.0]);
    ((low / step).ceil() as i64..)
        .map(|k| k as f64 * step)
        .take_while(|&tick| tick <= high)
        .collect()
}

/// `axis` ticked at `ticks` and labelled as the page writes amounts ("$500M", "$1.5bn", where
/// plotly's own labels read "500M" and "1.5B"), its hover values written out in full
/// ("$1,404,512,000"); `dollars`: amounts in USD, else in a unit its title names (contracts,
/// coins).
pub fn amounts_at(axis: Axis, ticks: Vec<f64>, dollars: bool) -> Axis {
    let labels = ticks
        .iter()
        .map(|&tick| crate::format::tick(tick, dollars))
        .collect();
    axis.tick_values(ticks)
        .tick_text(labels)
        .hover_format(if dollars { "$,.0f" } else { ",.6~g" })
}

/// Ticks for an axis plotly autoranges over amounts from zero to `top` (with its padding).
pub fn ticks_to(top: f64) -> Vec<f64> {
    round_ticks(0.0, top * 1.06, 6.0)
}

/// Gives a time axis's unified hover title its unit ("4.833 min", where plotly writes the bare
/// number), the axis known by its title ([`TimeScale::title_of`]: "time (min)", or "time (min
/// from 20:50 UTC)" for a run that names its start).
fn unified_time_title(layout: &mut serde_json::Map<String, serde_json::Value>) {
    let Some(axis) = layout
        .get_mut("xaxis")
        .and_then(|axis| axis.as_object_mut())
    else {
        return;
    };
    let Some(title) = axis.get("title").and_then(|title| title["text"].as_str()) else {
        return;
    };
    let locale = crate::format::locale();
    let unit = [
        (TimeScale::Seconds, locale.second),
        (TimeScale::Minutes, locale.minute),
        (TimeScale::Hours, locale.hour),
    ]
    .into_iter()
    .find(|(scale, _)| scale.titles(title))
    .map(|(_, unit)| unit);
    if let Some(unit) = unit {
        axis.insert(
            "unifiedhovertitle".into(),
            serde_json::json!({ "text": format!("%{{x:,.4~r}} {unit}") }),
        );
    }
}

/// Lets every cartesian axis's tick labels overflow (`ticklabeloverflow: "allow"`, unless the
/// chart says otherwise). plotly's default for a numeric axis, "hide past div", measures every
/// tick label's box on every drawing to hide those past the chart's edge: the larger part of an
/// axis's redraw, and a forced layout each time. Our labels sit outside the plot in margins
/// sized for them, and the chart's SVG clips anything past its edge anyway.
fn allow_tick_label_overflow(layout: &mut serde_json::Map<String, serde_json::Value>) {
    for (key, axis) in layout.iter_mut() {
        let cartesian = ["xaxis", "yaxis"].iter().any(|prefix| {
            key.strip_prefix(prefix)
                .is_some_and(|rest| rest.chars().all(|c| c.is_ascii_digit()))
        });
        if let (true, Some(axis)) = (cartesian, axis.as_object_mut()) {
            axis.entry("ticklabeloverflow").or_insert("allow".into());
        }
    }
}

/// A vertical line at `x` across the whole plot height.
pub fn vertical_line(
    x: f64,
    color: &'static str,
    dash: plotly::common::DashType,
) -> plotly::layout::Shape {
    use plotly::layout::{Shape, ShapeLine, ShapeType};
    Shape::new()
        .shape_type(ShapeType::Line)
        .x_ref("x")
        .y_ref("paper")
        .x0(x)
        .x1(x)
        .y0(0.0)
        .y1(1.0)
        .line(ShapeLine::new().color(color).width(1.5).dash(dash))
}

/// A shaded band from `x0` to `x1` across the whole plot height.
pub fn band(x0: f64, x1: f64, color: &'static str) -> plotly::layout::Shape {
    use plotly::layout::{Shape, ShapeLayer, ShapeLine, ShapeType};
    Shape::new()
        .shape_type(ShapeType::Rect)
        .x_ref("x")
        .y_ref("paper")
        .x0(x0)
        .x1(x1)
        .y0(0.0)
        .y1(1.0)
        .fill_color(color)
        .layer(ShapeLayer::Below)
        .line(ShapeLine::new().width(0.0))
}

/// A small label at data `x`, near the top of the plot.
pub fn label(x: f64, y_paper: f64, text: &str, theme: Theme) -> plotly::layout::Annotation {
    use plotly::layout::Annotation;
    Annotation::new()
        .x(x)
        .y(y_paper)
        .x_ref("x")
        .y_ref("paper")
        .text(text)
        .show_arrow(false)
        .x_anchor(plotly::common::Anchor::Left)
        // Clear of its line, on a backdrop: the next line or a fill may run under its words.
        .x_shift(3.0)
        .background_color(ink(theme).backdrop)
        .font(Font::new().size(11).color(ink(theme).muted))
}

/// A sentence about the whole chart, in its top-left corner, broken into lines of at most
/// [`NOTE_LINE_CHARS`] characters so a phone's narrow chart shows all of it (a label anchored at
/// a data point runs off the chart's right edge, and stretches the autoranged axis to hold it).
pub fn corner_note(text: &str, theme: Theme) -> plotly::layout::Annotation {
    use plotly::layout::Annotation;
    Annotation::new()
        .x(0.01)
        .y(0.99)
        .x_ref("paper")
        .y_ref("paper")
        .text(wrapped(text, NOTE_LINE_CHARS))
        .show_arrow(false)
        .x_anchor(plotly::common::Anchor::Left)
        .y_anchor(plotly::common::Anchor::Top)
        .align(plotly::layout::HAlign::Left)
        // On a backdrop, as a line's label is: a tipping line at a 1% shock, or an early line
        // of a series, runs through the corner.
        .background_color(ink(theme).backdrop)
        .font(Font::new().size(11).color(ink(theme).muted))
}

/// The longest line of a [`corner_note`], in characters.
pub const NOTE_LINE_CHARS: usize = 40;

/// `text` with plotly line breaks (`<br>`) between words, so no line is longer than `width`
/// characters (a longer word keeps its own line).
pub fn wrapped(text: &str, width: usize) -> String {
    let mut lines: Vec<String> = Vec::new();
    for word in text.split_whitespace() {
        match lines.last_mut() {
            Some(line) if line.chars().count() + 1 + word.chars().count() <= width => {
                line.push(' ');
                line.push_str(word);
            }
            _ => lines.push(word.to_string()),
        }
    }
    lines.join("<br>")
}

/// The unit a chart's time axis reads in, from how long the run lasts: seconds for runs of up
/// to ten minutes, minutes up to three hours, hours beyond (a 16-hour flush read in seconds is
/// 57,600 of them, and the hover says "20,160" where a trader reads "5.6 h").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimeScale {
    Seconds,
    Minutes,
    Hours,
}

impl TimeScale {
    /// The unit for a run of `duration_s` seconds.
    pub fn of(duration_s: f64) -> TimeScale {
        if duration_s <= 600.0 {
            TimeScale::Seconds
        } else if duration_s <= 3.0 * 3600.0 {
            TimeScale::Minutes
        } else {
            TimeScale::Hours
        }
    }

    /// The unit for `scenario`'s run.
    pub fn of_run(scenario: &flushlab_engine::Scenario) -> TimeScale {
        TimeScale::of(f64::from(scenario.run.steps) * scenario.run.step_s)
    }

    /// Seconds in one of this unit.
    fn seconds(self) -> f64 {
        match self {
            TimeScale::Seconds => 1.0,
            TimeScale::Minutes => 60.0,
            TimeScale::Hours => 3600.0,
        }
    }

    /// `t_s` seconds in this unit.
    pub fn at(self, t_s: f64) -> f64 {
        t_s / self.seconds()
    }

    /// `value` of this unit in seconds.
    pub fn seconds_of(self, value: f64) -> f64 {
        value * self.seconds()
    }

    /// A moment of the run, `t_s` seconds in, as this unit writes it: "94 s", "12 min",
    /// "5.6 h" (the playback cursor's labels, beside the axis).
    pub fn label(self, t_s: f64) -> String {
        let locale = crate::format::locale();
        match self {
            TimeScale::Seconds => crate::format::whole_seconds(t_s),
            TimeScale::Minutes => {
                let minutes = self.at(t_s);
                let digits = usize::from(minutes.fract() != 0.0);
                format!(
                    "{} {}",
                    crate::format::decimal(minutes, digits),
                    locale.minute
                )
            }
            TimeScale::Hours => format!(
                "{} {}",
                crate::format::decimal(self.at(t_s), 1),
                locale.hour
            ),
        }
    }

    /// The axis title.
    pub fn title(self) -> &'static str {
        let w = words_inside();
        match self {
            TimeScale::Seconds => w.time_s,
            TimeScale::Minutes => w.time_min,
            TimeScale::Hours => w.time_h,
        }
    }

    /// The axis title for a run that starts at `start`, minutes after midnight UTC, when it
    /// names its start's time of day (`run.start_utc`, a run that follows a recorded day):
    /// "time (min from 20:50 UTC)"; else [`TimeScale::title`].
    pub fn title_of(self, start: Option<u32>) -> String {
        let Some(minute) = start else {
            return self.title().to_string();
        };
        let clock = format!("{:02}:{:02}", minute / 60, minute % 60);
        crate::catalogue::text::fill(self.title_from(), &[("clock", &clock)])
    }

    /// The title's template for a run that names its start's time of day.
    fn title_from(self) -> &'static str {
        let w = words_inside();
        match self {
            TimeScale::Seconds => w.time_s_from,
            TimeScale::Minutes => w.time_min_from,
            TimeScale::Hours => w.time_h_from,
        }
    }

    /// Whether `title` is one this unit's axis has ([`TimeScale::title_of`], with a start or
    /// without).
    fn titles(self, title: &str) -> bool {
        let from = self.title_from();
        let (before, after) = from.split_once("{clock}").unwrap_or((from, ""));
        title == self.title()
            || (title.len() > before.len() + after.len()
                && title.starts_with(before)
                && title.ends_with(after))
    }

    /// The time axis in this unit for a run that starts at `start` ([`TimeScale::title_of`]),
    /// hover values with four significant digits at most ("4.833" minutes, not plotly's
    /// "4.833333").
    pub fn axis_of(self, theme: Theme, start: Option<u32>) -> Axis {
        axis(theme, &self.title_of(start)).hover_format(",.4~r")
    }
}

/// The playback cursor as a vertical line at the cursor step's time, if playback shows one.
pub fn cursor_line(snapshot: &Snapshot) -> Option<plotly::layout::Shape> {
    let step = snapshot.outcome.steps.get(snapshot.cursor?)?;
    Some(vertical_line(
        TimeScale::of_run(snapshot.scenario).at(step.t_s),
        ink(snapshot.theme).text,
        plotly::common::DashType::Solid,
    ))
}

/// The unit money is counted in: USD for linear contracts, coin for inverse.
pub fn money_unit(snapshot: &Snapshot) -> &'static str {
    crate::catalogue::summary_unit(&snapshot.outcome.summary)
}

/// The unit sizes are counted in: USD at entry for linear, contracts (1 USD each) for inverse.
pub fn size_unit(snapshot: &Snapshot) -> &'static str {
    scenario_size_unit(snapshot.scenario)
}

/// Whether sizes are counted in USD (linear contracts), not contracts.
pub fn sizes_in_dollars(scenario: &flushlab_engine::Scenario) -> bool {
    scenario.market.contract == flushlab_engine::scenario::Contract::Linear
}

/// [`size_unit`] of a scenario.
pub fn scenario_size_unit(scenario: &flushlab_engine::Scenario) -> &'static str {
    match scenario.market.contract {
        flushlab_engine::scenario::Contract::Linear => words_inside().usd_at_entry,
        flushlab_engine::scenario::Contract::Inverse => words_inside().contracts,
    }
}

/// The unit liquidations are counted in: USD at the prices the positions were closed at for
/// linear contracts (as venues' feeds and the records count them; open interest stays at entry),
/// contracts for inverse.
pub fn liquidated_unit(scenario: &flushlab_engine::Scenario) -> &'static str {
    match scenario.market.contract {
        flushlab_engine::scenario::Contract::Linear => words_inside().usd_at_fill,
        flushlab_engine::scenario::Contract::Inverse => words_inside().contracts,
    }
}

/// The text inside the plots: titles, axes, legends, annotations, hover templates.
pub fn words_inside() -> &'static crate::catalogue::text::Plots {
    &crate::catalogue::text::text().plots
}

/// A count as a chart's "computing {done}/{total}" writes it.
pub fn count(value: usize) -> String {
    crate::format::count(value as u64)
}

#[cfg(test)]
mod tests {
    /// The price chart's caption points at what the run draws: the shaded ramp or an instant
    /// shock's line and the dotted line of the shock alone when there is a shock to draw, neither
    /// for none or a market sell; with no shock, the other charts' "before" is the run's start.
    #[test]
    fn the_price_caption_follows_the_shock() {
        let c = &crate::catalogue::text::text().charts;
        let caption = |name: &str| {
            let scenario = flushlab_engine::presets::find(name)
                .expect("a preset")
                .scenario;
            super::caption("price", &scenario)
        };
        assert_eq!(caption("btc-2025-10-10"), c.price_caption);
        assert_eq!(caption("inverse-traders-adjust"), c.price_caption_instant);
        assert_eq!(caption("funding-bleed"), c.price_caption_no_shock);
        assert_eq!(caption("thin-book"), c.price_caption_sell);
        let scenario = |name: &str| {
            flushlab_engine::presets::find(name)
                .expect("a preset")
                .scenario
        };
        assert_eq!(
            super::caption("map", &scenario("thin-book")),
            super::words("map").1
        );
        // With no shock, "before" is the run's start, not a shock's.
        for (chart, shocked, unshocked) in [
            ("oi", c.oi_caption, c.oi_caption_no_shock),
            ("funding", c.funding_caption, c.funding_caption_no_shock),
        ] {
            assert_eq!(super::caption(chart, &scenario("funding-bleed")), unshocked);
            assert_eq!(super::caption(chart, &scenario("thin-book")), shocked);
            assert!(!unshocked.contains("shock"), "{unshocked}");
        }
    }

    use super::{allow_tick_label_overflow, caption_note, wrapped, TimeScale};

    /// Every amount axis of every preset's charts is labelled as the page writes amounts
    /// ("$500M", "$1.5bn", never plotly's "1.5B"): each label reads back as its tick's value,
    /// with the currency sign where the axis counts dollars, and an axis with something on it
    /// has at least two ticks.
    #[test]
    fn amount_axes_label_their_ticks_as_the_page_writes_amounts() {
        let charts: [(&str, super::Build); 5] = [
            ("liquidations", super::liquidations::plot),
            ("open interest", super::oi::plot),
            ("fund", super::fund::plot),
            ("map", super::map::plot),
            ("funding", super::funding::plot),
        ];
        let mut axes = 0;
        for preset in flushlab_engine::presets::all() {
            let scenario = &preset.scenario;
            let outcome = flushlab_engine::simulate(scenario).expect("it runs");
            for (chart, draw) in charts {
                let figure = super::plain_figure(draw, scenario, &outcome, &Default::default());
                for key in ["yaxis", "yaxis2"] {
                    let axis = &figure["layout"][key];
                    let Some(labels) = axis["ticktext"].as_array() else {
                        continue;
                    };
                    let ticks = axis["tickvals"].as_array().expect("tick values");
                    assert_eq!(labels.len(), ticks.len(), "{} {chart} {key}", preset.name);
                    let dollars = axis["hoverformat"] == "$,.0f";
                    for (label, tick) in labels.iter().zip(ticks) {
                        let (label, tick) = (label.as_str().expect("text"), tick.as_f64().unwrap());
                        let unsigned = label.strip_prefix('-').unwrap_or(label);
                        assert_eq!(unsigned.starts_with('$'), dollars, "{label}");
                        let read = crate::format::read_amount(unsigned).expect(label);
                        let size = tick.abs();
                        assert!(
                            (read - size).abs() <= 1e-9 * size.max(1.0),
                            "{} {chart} {key}: {label} for {tick}",
                            preset.name
                        );
                    }
                    let drawn = figure["data"]
                        .as_array()
                        .expect("traces")
                        .iter()
                        .flat_map(|trace| trace["y"].as_array().cloned().unwrap_or_default())
                        .any(|y| y.as_f64().is_some_and(|y| y > 0.0));
                    if drawn && key == "yaxis" {
                        assert!(ticks.len() >= 2, "{} {chart}: {labels:?}", preset.name);
                    }
                    axes += 1;
                }
            }
        }
        assert!(
            axes >= 4 * flushlab_engine::presets::all().len(),
            "{axes} axes"
        );
    }

    /// A chart over time heads its hover with the time and its unit; other charts keep
    /// plotly's header.
    #[test]
    fn a_time_axis_heads_its_hover_with_the_unit() {
        let scenario = flushlab_engine::presets::find("btc-2025-10-10")
            .expect("a preset")
            .scenario;
        let outcome = flushlab_engine::simulate(&scenario).expect("it runs");
        let figure = |draw: super::Build| {
            let mut figure = super::plain_figure(draw, &scenario, &outcome, &Default::default());
            let layout = figure["layout"].as_object_mut().expect("a layout");
            super::unified_time_title(layout);
            figure
        };
        let title =
            |figure: serde_json::Value| figure["layout"]["xaxis"]["unifiedhovertitle"].clone();
        assert_eq!(TimeScale::of_run(&scenario), TimeScale::Minutes);
        for draw in [
            super::price::plot,
            super::liquidations::plot,
            super::fund::plot,
        ] {
            let drawn = figure(draw);
            // The preset follows the record's clock: the axis counts from its start.
            assert_eq!(
                drawn["layout"]["xaxis"]["title"]["text"],
                "time (min from 20:50 UTC)"
            );
            assert_eq!(title(drawn), serde_json::json!({"text": "%{x:,.4~r} min"}));
        }
        assert_eq!(title(figure(super::oi::plot)), serde_json::Value::Null);
    }

    /// A run that names the time of day it starts at has its time axis count from it, in its
    /// unit; a run that names none, from its start.
    #[test]
    fn a_time_axis_counts_from_the_runs_start_when_the_run_names_its_time_of_day() {
        assert_eq!(TimeScale::Minutes.title_of(None), "time (min)");
        assert_eq!(
            TimeScale::Minutes.title_of(Some(20 * 60 + 50)),
            "time (min from 20:50 UTC)"
        );
        assert_eq!(
            TimeScale::Hours.title_of(Some(0)),
            "time (h from 00:00 UTC)"
        );
        assert_eq!(
            TimeScale::Seconds.title_of(Some(9 * 60 + 5)),
            "time (s from 09:05 UTC)"
        );
        for scale in [TimeScale::Seconds, TimeScale::Minutes, TimeScale::Hours] {
            assert!(scale.titles(&scale.title_of(None)));
            assert!(scale.titles(&scale.title_of(Some(23 * 60 + 59))));
        }
        assert!(!TimeScale::Minutes.titles(&TimeScale::Hours.title_of(Some(60))));
        assert!(!TimeScale::Minutes.titles("time (min from  UTC)"));
    }

    #[test]
    fn a_legend_of_three_rows_or_more_on_a_narrow_chart_starts_with_a_blank_line_as_high_as_the_title(
    ) {
        use plotly::{Plot, Scatter};
        let theme = super::Theme::Light;
        let figure = |traces: usize, shown: usize, name: &str| {
            let mut plot = Plot::new();
            for k in 0..traces {
                let trace =
                    Scatter::new(vec![0.0, 1.0], vec![k as f64, 1.0]).name(format!("{name} {k}"));
                plot.add_trace(trace.show_legend(k < shown));
            }
            plot.set_layout(super::base_layout(theme, "The title", "x", "y"));
            super::figure_value(&plot, "test")
        };
        let spacer = |figure: &serde_json::Value| figure["layout"]["legend"].get("title").cloned();
        let long = "longs liquidated, net";
        // Two rows: as the base layout has it.
        assert_eq!(spacer(&figure(2, 2, long)), None);
        // Three: the blank first line, at least as high as the title's font.
        let three = figure(3, 3, long);
        let line = spacer(&three).expect("a blank first line");
        assert_eq!(line["text"], "\u{a0}");
        assert_eq!(line["side"], "top");
        assert!(line["font"]["size"].as_f64() >= three["layout"]["title"]["font"]["size"].as_f64());
        assert_eq!(three["layout"]["title"]["text"], "The title");
        // Traces kept out of the legend do not count, nor do short names that share a row
        // (the price chart's "last price", "mark price", "shock alone": two rows at most).
        assert_eq!(spacer(&figure(3, 2, long)), None);
        assert_eq!(spacer(&figure(3, 3, "mark")), None);
        assert_eq!(super::legend_rows(&figure(3, 3, "shock alone"), 240.0), 2);
        assert_eq!(super::legend_rows(&figure(8, 8, "100-125x"), 240.0), 4);
    }

    /// The card's `tall-legend`, known from the scenario, says what the drawn figure's legend is.
    #[test]
    fn a_tall_legend_is_known_from_the_scenario_as_the_figure_draws_it() {
        let mut tall = 0;
        for preset in flushlab_engine::presets::all() {
            let scenario = &preset.scenario;
            let outcome = flushlab_engine::simulate(scenario).expect("it runs");
            let figure = super::plain_figure(
                super::liquidations::plot,
                scenario,
                &outcome,
                &Default::default(),
            );
            let rows = super::legend_rows(&figure, super::NARROW_LEGEND_PX);
            let known = super::tall_legend("liquidations", scenario);
            assert_eq!(known, rows >= super::TALL_LEGEND_ROWS, "{}", preset.name);
            tall += usize::from(known);
            assert!(!super::tall_legend("price", scenario));
        }
        // The algorithms' presets (dealers, portfolio insurance, stop-losses) have them.
        assert!(tall >= 2, "{tall}");
    }

    #[test]
    fn every_cartesian_axis_lets_its_tick_labels_overflow_unless_the_chart_says_otherwise() {
        let serde_json::Value::Object(mut layout) = serde_json::json!({
            "xaxis": {"title": {"text": "time"}},
            "yaxis": {},
            "yaxis2": {"ticklabeloverflow": "hide past domain"},
            "xaxis_like": {},
            "legend": {},
        }) else {
            unreachable!()
        };
        allow_tick_label_overflow(&mut layout);
        let overflow = |key: &str| layout[key].get("ticklabeloverflow").cloned();
        assert_eq!(overflow("xaxis"), Some("allow".into()));
        assert_eq!(overflow("yaxis"), Some("allow".into()));
        assert_eq!(overflow("yaxis2"), Some("hide past domain".into()));
        assert_eq!(overflow("xaxis_like"), None);
        assert_eq!(overflow("legend"), None);
        assert_eq!(layout["xaxis"]["title"]["text"], "time");
    }

    #[test]
    fn time_reads_in_seconds_minutes_or_hours_by_the_runs_length() {
        assert_eq!(TimeScale::of(300.0), TimeScale::Seconds);
        assert_eq!(TimeScale::of(600.0), TimeScale::Seconds);
        assert_eq!(TimeScale::of(601.0), TimeScale::Minutes);
        assert_eq!(TimeScale::of(2_400.0), TimeScale::Minutes);
        assert_eq!(TimeScale::of(10_800.0), TimeScale::Minutes);
        assert_eq!(TimeScale::of(14_400.0), TimeScale::Hours);
        assert_eq!(TimeScale::Hours.at(57_600.0), 16.0);
        assert_eq!(TimeScale::Minutes.seconds_of(40.0), 2_400.0);
        assert_eq!(TimeScale::Seconds.label(94.0), "94\u{a0}s");
        assert_eq!(TimeScale::Minutes.label(720.0), "12 min");
        assert_eq!(TimeScale::Minutes.label(90.0), "1.5 min");
        assert_eq!(TimeScale::Hours.label(20_160.0), "5.6 h");
    }

    #[test]
    fn notes_break_between_words_within_the_width() {
        assert_eq!(wrapped("no shock needed", 40), "no shock needed");
        assert_eq!(
            wrapped(
                "no shock needed: with none the price moves 9.4% on its own",
                20
            ),
            "no shock needed:<br>with none the price<br>moves 9.4% on its<br>own"
        );
        assert_eq!(
            wrapped("a-very-long-word and more", 6),
            "a-very-long-word<br>and<br>more"
        );
        assert_eq!(wrapped("", 10), "");
    }

    #[test]
    fn the_curve_caption_explains_the_1x_line_on_a_coin_margined_contract() {
        let linear = flushlab_engine::presets::default_scenario();
        assert_eq!(caption_note("amplification", &linear), None);
        let inverse = flushlab_engine::presets::find("bitmex-2020-03-12")
            .expect("preset")
            .scenario;
        let note = caption_note("amplification", &inverse).expect("a note");
        assert!(note.contains("50%"), "{note}");
        assert_eq!(caption_note("price", &inverse), None);
    }

    /// The liquidations chart's dashed lines are said where it draws them (portfolio insurance's
    /// dipped below zero, unexplained), and only there.
    #[test]
    fn the_liquidations_caption_says_what_its_dashed_lines_are() {
        for preset in flushlab_engine::presets::all() {
            let drawn = !super::liquidations::flows(&preset.scenario).is_empty();
            assert_eq!(
                caption_note("liquidations", &preset.scenario).is_some(),
                drawn,
                "{}",
                preset.name
            );
        }
        let insured = flushlab_engine::presets::find("portfolio-insurance")
            .expect("preset")
            .scenario;
        let note = caption_note("liquidations", &insured).expect("a note");
        assert!(note.contains("below zero they bought"), "{note}");
    }
}

#[cfg(test)]
mod palette_tests {
    use super::palette;
    use crate::state::Theme;

    /// WCAG's relative luminance of "#rrggbb".
    fn luminance(hex: &str) -> f64 {
        let channel = |at: usize| {
            let value = f64::from(u8::from_str_radix(&hex[at..at + 2], 16).unwrap()) / 255.0;
            if value <= 0.03928 {
                value / 12.92
            } else {
                ((value + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5)
    }

    fn contrast(a: &str, b: &str) -> f64 {
        let (a, b) = (luminance(a), luminance(b));
        (a.max(b) + 0.05) / (a.min(b) + 0.05)
    }

    /// Every bucket's colour stands at least 3:1 (WCAG's bar for graphics) from the dark
    /// theme's card (style/main.css `--card`), and both ramps run dark to light in order.
    #[test]
    fn the_dark_ramp_reads_on_a_dark_card() {
        const DARK_CARD: &str = "#1b1f26";
        for count in 1..=8 {
            for index in 0..count {
                let color = palette::bucket(Theme::Dark, index, count);
                let ratio = contrast(color, DARK_CARD);
                assert!(
                    ratio >= 3.0,
                    "bucket {index} of {count}: {color} at {ratio:.2}:1"
                );
            }
        }
        for ramp in [palette::BUCKETS, palette::BUCKETS_DARK] {
            assert!(ramp
                .windows(2)
                .all(|pair| luminance(pair[0]) < luminance(pair[1])));
        }
        assert!(include_str!("../../style/main.css").contains("--card: #1b1f26"));
    }
}
