//! Charts: each file turns engine output into a `plotly::Plot` (pure, tested); `plotly_js` is the
//! only place that talks to plotly.js. A [`Chart`] registers its container with the page's
//! [`Registry`]; the live loop redraws every registered chart once per animation frame.

pub mod amplification;
pub mod cycles;
pub mod fund;
pub mod held;
pub mod liquidations;
pub mod map;
pub mod oi;
pub mod phase;
pub mod plotly_js;
pub mod price;
mod visibility;

use flushlab_engine::{Outcome, Scenario};
use leptos::html::Div;
use leptos::prelude::*;
use plotly::common::{Font, Orientation, Title};
use plotly::layout::{Axis, HoverMode, Layout, Legend, Margin};
use plotly::Plot;

use crate::analyses::{CurveView, CyclesView, PhaseMap};
use crate::state::Theme;

/// Everything a chart may draw from, at one moment.
pub struct Snapshot<'a> {
    pub scenario: &'a Scenario,
    pub outcome: &'a Outcome,
    pub curve: &'a CurveView,
    pub phase: &'a PhaseMap,
    pub cycles: &'a CyclesView,
    /// The playback step shown (None: the whole run).
    pub cursor: Option<usize>,
    pub theme: Theme,
}

/// Builds one chart's plot from a snapshot.
pub type Build = fn(&Snapshot) -> Plot;

/// A chart of the flush tab: its name (`chart-<name>`, `view=<name>`), title, caption (what to
/// notice) and drawing.
pub struct Entry {
    pub name: &'static str,
    pub title: &'static str,
    pub caption: &'static str,
    pub draw: Build,
    /// Spans both columns.
    pub wide: bool,
}

/// The flush tab's charts, in page order.
pub const FLUSH_CHARTS: [Entry; 7] = [
    Entry {
        name: "price",
        title: "Price path",
        caption: "The shock (dotted) starts it; every further move is forced selling (or buying). Mark price (dashed) is what triggers liquidations.",
        draw: price::plot,
        wide: true,
    },
    Entry {
        name: "liquidations",
        title: "Liquidations per step",
        caption: "Each bar is one second of forced selling (longs) or buying (shorts); a long tail means the cascade fed itself.",
        draw: liquidations::plot,
        wide: false,
    },
    Entry {
        name: "map",
        title: "Liquidation map",
        caption: "How much would be liquidated if the price reached each level, by leverage; the solid line is where this flush went.",
        draw: map::plot,
        wide: false,
    },
    Entry {
        name: "oi",
        title: "Open interest before and after",
        caption: "Pale bars: before the shock; solid bars: after it (during playback, at the cursor). The high-leverage buckets empty first.",
        draw: oi::plot,
        wide: false,
    },
    Entry {
        name: "fund",
        title: "Insurance fund, ADL and bad debt",
        caption: "The fund earns fees on orderly liquidations and pays for fills below bankruptcy; once empty, ADL or bad debt takes over.",
        draw: fund::plot,
        wide: false,
    },
    Entry {
        name: "amplification",
        title: "Amplification curve",
        caption: "Each point is a full run of this scenario with a bigger or smaller shock; past the tipping point the cascade takes over. Dashed: the same market with no leverage.",
        draw: amplification::plot,
        wide: false,
    },
    Entry {
        name: "phase",
        title: "Phase map",
        caption: "The cascade's end point without time effects (no refill, no traders, no ADL), on 10,000 positions: bright cells are flushes, and more leverage or a thinner book moves the tipping line to smaller shocks.",
        draw: phase::plot,
        wide: false,
    },
];

/// Colour-blind-safe colours (Okabe and Ito), the same in both themes.
pub mod palette {
    pub const LONG: &str = "#0072B2";
    pub const SHORT: &str = "#D55E00";
    pub const MARK: &str = "#E69F00";
    pub const FUND: &str = "#009E73";
    pub const ADL: &str = "#CC79A7";
    pub const SKY: &str = "#56B4E9";
    /// Leverage buckets, low to high (viridis: ordered and colour-blind safe).
    pub const BUCKETS: [&str; 8] = [
        "#440154", "#46327e", "#365c8d", "#277f8e", "#1fa187", "#4ac16d", "#a0da39", "#fde725",
    ];

    /// Colour of bucket `index` of `count`, spread over the viridis ramp.
    pub fn bucket(index: usize, count: usize) -> &'static str {
        if count <= 1 {
            return BUCKETS[3];
        }
        let position = index * (BUCKETS.len() - 1) / (count - 1);
        BUCKETS[position.min(BUCKETS.len() - 1)]
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
        },
        Theme::Dark => Ink {
            text: "#e6e9ee",
            muted: "#9aa4b1",
            grid: "#2f353d",
            price: "#e6e9ee",
            shade: "rgba(154,164,177,0.18)",
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

/// The plot as plotly JSON, with what the plotly crate has no setter for: `uirevision` (so
/// redraws keep the user's zoom) and the page's config (responsive, no logo, no cloud links).
pub fn figure_json(plot: &Plot, uirevision: &str) -> String {
    figure_value(plot, uirevision).to_string()
}

/// [`figure_json`] as a JSON value.
pub fn figure_value(plot: &Plot, uirevision: &str) -> serde_json::Value {
    let mut figure: serde_json::Value =
        serde_json::to_value(plot).unwrap_or(serde_json::Value::Null);
    if let Some(layout) = figure.get_mut("layout").and_then(|l| l.as_object_mut()) {
        layout.insert("uirevision".into(), uirevision.into());
        layout.insert("autosize".into(), true.into());
    }
    if let Some(object) = figure.as_object_mut() {
        object.insert(
            "config".into(),
            serde_json::json!({
                "responsive": true,
                "displaylogo": false,
                "modeBarButtonsToRemove": ["lasso2d", "select2d"],
                "toImageButtonOptions": {"format": "png", "filename": format!("flushlab-{uirevision}"), "scale": 2}
            }),
        );
    }
    figure
}

/// One registered chart.
struct Slot {
    id: u64,
    name: &'static str,
    element: web_sys::HtmlElement,
    build: Build,
    /// The figure last drawn: an unchanged figure is not redrawn.
    drawn: String,
    /// Drawn for a drag with held ranges (see [`held`]); redrawn exactly when it settles.
    held: Option<held::Held>,
    /// Not to be animated for the rest of this drag (the user zoomed it, or it cannot be).
    react_only: bool,
    /// Whether the chart is on screen (or near it): off-screen charts wait until they scroll in.
    visible: bool,
}

/// The charts currently on the page. Only charts on (or near) the screen are redrawn; the others
/// are brought up to date when they scroll into view, so a drag pays only for what is seen.
#[derive(Clone, Copy)]
pub struct Registry {
    slots: StoredValue<Vec<Slot>, LocalStorage>,
    next_id: StoredValue<u64>,
    observer: StoredValue<Option<visibility::Watcher>, LocalStorage>,
    /// Bumped when a chart appears or scrolls into view, so the live loop draws it.
    pub added: RwSignal<u64>,
}

impl Registry {
    pub fn new() -> Registry {
        let registry = Registry {
            slots: StoredValue::new_local(Vec::new()),
            next_id: StoredValue::new(0),
            observer: StoredValue::new_local(None),
            added: RwSignal::new(0),
        };
        let watcher = visibility::Watcher::new(move |element, visible| {
            registry.set_visible(element, visible)
        });
        registry.observer.set_value(watcher);
        registry
    }

    fn add(&self, name: &'static str, element: web_sys::HtmlElement, build: Build) -> u64 {
        let id = self.next_id.get_value() + 1;
        self.next_id.set_value(id);
        let watched = self.observer.with_value(|observer| {
            observer
                .as_ref()
                .is_some_and(|observer| observer.watch(&element))
        });
        self.slots.update_value(|slots| {
            slots.push(Slot {
                id,
                name,
                element,
                build,
                drawn: String::new(),
                held: None,
                react_only: false,
                // Without an observer (old browsers) every chart counts as visible.
                visible: !watched,
            })
        });
        self.added.update(|count| *count += 1);
        id
    }

    fn remove(&self, id: u64) {
        self.slots.update_value(|slots| {
            if let Some(index) = slots.iter().position(|slot| slot.id == id) {
                let slot = slots.remove(index);
                self.observer.with_value(|observer| {
                    if let Some(observer) = observer {
                        observer.unwatch(&slot.element);
                    }
                });
                plotly_js::purge(&slot.element);
            }
        });
    }

    fn set_visible(&self, element: &web_sys::Element, visible: bool) {
        let mut appeared = false;
        self.slots.update_value(|slots| {
            for slot in slots.iter_mut() {
                let same: &web_sys::Element = &slot.element;
                if same == element && slot.visible != visible {
                    slot.visible = visible;
                    appeared |= visible;
                }
            }
        });
        if appeared {
            self.added.update(|count| *count += 1);
        }
    }

    /// Redraws every visible chart whose figure changed; returns how many were redrawn and
    /// whether any was animated (its drawing finishes a few microtasks later). `live`:
    /// the frame follows a drag of the scenario, so charts may be moved with held ranges
    /// ([`held`]); otherwise every chart is drawn exactly (a chart drawn with held ranges is
    /// redrawn even if its figure did not change).
    pub fn redraw(&self, snapshot: &Snapshot, live: bool) -> (usize, bool) {
        let mut redrawn = 0;
        let mut animated = false;
        self.slots.update_value(|slots| {
            for slot in slots.iter_mut().filter(|slot| slot.visible) {
                let value = figure_value(&(slot.build)(snapshot), slot.name);
                let figure = value.to_string();
                if figure == slot.drawn && (live || slot.held.is_none()) {
                    continue;
                }
                if live && !slot.react_only {
                    animated |= draw_held(slot, &value, &figure);
                } else {
                    plotly_js::react(&slot.element, &figure);
                    slot.held = None;
                    slot.react_only = live;
                }
                slot.drawn = figure;
                redrawn += 1;
            }
            if !live {
                slots.iter_mut().for_each(|slot| slot.react_only = false);
            }
        });
        (redrawn, animated)
    }

    /// The containers of the charts on the page, by name (for PNG export).
    pub fn element(&self, name: &str) -> Option<web_sys::HtmlElement> {
        self.slots.with_value(|slots| {
            slots
                .iter()
                .find(|slot| slot.name == name)
                .map(|slot| slot.element.clone())
        })
    }
}

/// One drag frame of a chart (`figure`, also as `json`): animated when its structure is
/// unchanged and its held ranges show the new data, else drawn in full with ranges held (grown
/// where needed). A chart that cannot be animated, or that the user zoomed, is drawn in full as
/// is for the rest of the drag. Returns whether it was animated.
fn draw_held(slot: &mut Slot, figure: &serde_json::Value, json: &str) -> bool {
    let Some((needed, start)) =
        held::needed(figure).and_then(|needed| Some((needed, held_start(slot)?)))
    else {
        plotly_js::react(&slot.element, json);
        slot.held = None;
        slot.react_only = true;
        return false;
    };
    if let Some(current) = &slot.held {
        if current.ranges.contain(&needed) && current.structure == held::structure(figure) {
            if let Some((frame, next)) = held::animation(current, figure) {
                plotly_js::animate(&slot.element, &frame.to_string());
                slot.held = Some(next);
                return true;
            }
        }
    }
    let ranges = start.grown_to(&needed);
    plotly_js::react(
        &slot.element,
        &held::with_ranges(figure, &ranges).to_string(),
    );
    slot.held = Some(held::hold(figure, ranges));
    false
}

/// The ranges a drag frame starts from: those held, or at the drag's start the ones on screen;
/// `None` if the chart is not drawn yet or the user moved an axis (plotly shows other ranges than
/// the figure last drawn asked for).
fn held_start(slot: &Slot) -> Option<held::Ranges> {
    if let Some(current) = &slot.held {
        return Some(current.ranges);
    }
    let (x, x_auto, y, y_auto) = plotly_js::shown_ranges(&slot.element)?;
    let drawn: serde_json::Value = serde_json::from_str(&slot.drawn).ok()?;
    let moved = held::user_moved(&drawn, "xaxis", x, x_auto)
        || held::user_moved(&drawn, "yaxis", y, y_auto);
    (!moved).then_some(held::Ranges { x, y })
}

impl Default for Registry {
    fn default() -> Self {
        Registry::new()
    }
}

/// A chart card: the plot, a one-line caption saying what to notice, and a PNG download.
#[component]
pub fn Chart(
    /// Short name: the container's `data-testid` is `chart-<name>`.
    name: &'static str,
    /// Accessible name of the chart.
    title: &'static str,
    /// What to notice, shown under the chart.
    caption: &'static str,
    /// Builds the plot from the current snapshot.
    draw: Build,
    /// Extra class of the card (e.g. "wide").
    #[prop(optional)]
    class: &'static str,
) -> impl IntoView {
    let registry = expect_context::<Registry>();
    let node = NodeRef::<Div>::new();
    let slot = StoredValue::new(None::<u64>);
    Effect::new(move |_| {
        if let Some(element) = node.get() {
            if slot.get_value().is_none() {
                let element: &web_sys::HtmlElement = &element;
                slot.set_value(Some(registry.add(name, element.clone(), draw)));
            }
        }
    });
    on_cleanup(move || {
        if let Some(id) = slot.get_value() {
            registry.remove(id);
        }
    });
    let download = move |_| {
        if let Some(element) = registry.element(name) {
            plotly_js::download_png(&element, &format!("flushlab-{name}"));
        }
    };
    view! {
        <figure class=format!("card chart-card {class}") aria-label=title>
            <div class="chart" data-testid=format!("chart-{name}") node_ref=node></div>
            <figcaption>
                <span>{caption}</span>
                <button type="button" class="link-button" on:click=download
                    aria-label=format!("Download the {title} chart as PNG")>"PNG"</button>
            </figcaption>
        </figure>
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
        .font(Font::new().size(11).color(ink(theme).muted))
}

/// The playback cursor as a vertical line at the cursor step's time, if playback shows one.
pub fn cursor_line(snapshot: &Snapshot) -> Option<plotly::layout::Shape> {
    let step = snapshot.outcome.steps.get(snapshot.cursor?)?;
    Some(vertical_line(
        step.t_s,
        ink(snapshot.theme).text,
        plotly::common::DashType::Solid,
    ))
}

/// The unit money is counted in: USD for linear contracts, coin for inverse.
pub fn money_unit(snapshot: &Snapshot) -> &'static str {
    snapshot.outcome.summary.money_unit
}

/// The unit sizes are counted in: USD at entry for linear, contracts (1 USD each) for inverse.
pub fn size_unit(snapshot: &Snapshot) -> &'static str {
    match snapshot.scenario.market.contract {
        flushlab_engine::scenario::Contract::Linear => "USD at entry",
        flushlab_engine::scenario::Contract::Inverse => "contracts",
    }
}
