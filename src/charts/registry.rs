//! The charts on the page and how a frame redraws them: the imperative side of `charts/`. A
//! [`Chart`](super::Chart) card registers its container here; the live loop calls
//! [`Registry::redraw`] once per frame, which rebuilds each visible chart's figure and hands it
//! to plotly.js (`Plotly.react`) when drawn exactly; while the scenario is being dragged, with its
//! axis ranges held ([`held`]), sketched on a canvas over plotly's plot ([`sketch`]), or moved
//! with `Plotly.animate` where a sketch cannot draw it. A frame draws only as many charts as fit in
//! [`FRAME_BUDGET_MS`] (at least one): the stalest first (the one showing the oldest input),
//! then the most visible; the others in the following frames, each from the newest snapshot.

use std::cell::OnceCell;

use leptos::prelude::*;

use super::axes::{self, Letter};
use super::{canvas, figure_value, held, plotly_js, sketch, visibility, Build, Snapshot};
use crate::browser;

/// The most chart work one animation frame takes, milliseconds (plotly.js's drawing included):
/// the rest of the 16.7 ms goes to the page's own updates and the browser's style, layout and
/// paint.
pub const FRAME_BUDGET_MS: f64 = 10.0;
/// What a chart's redraw is assumed to cost before one is measured, milliseconds.
const FIRST_COST_MS: f64 = 6.0;
/// Weight of the newest frame in the running cost per chart.
const COST_WEIGHT: f64 = 0.3;

/// What a frame's redraw did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Redrawn {
    /// A chart was animated: its drawing finishes a few microtasks later.
    pub animated: bool,
    /// Charts are left for the next frame (over the frame's budget).
    pub behind: bool,
    /// The last input every visible chart reflects (`u64::MAX` with none visible).
    pub all_show: u64,
}

/// One registered chart.
struct Slot {
    id: u64,
    name: &'static str,
    element: web_sys::HtmlElement,
    build: Build,
    /// The figure last drawn: an unchanged figure is not redrawn.
    drawn: String,
    /// The same figure as a value (`Null` before the first), for a drag's first frame to read
    /// its ranges and structure from without parsing `drawn` again.
    drawn_value: serde_json::Value,
    /// Drawn for a drag with held ranges (see [`held`]); redrawn exactly when it settles.
    held: Option<held::Held>,
    /// Drawn for a drag on a canvas over plotly's drawing ([`sketch`]); redrawn exactly when it
    /// settles.
    sketching: Option<Sketching>,
    /// Not to be animated for the rest of this drag (the user zoomed it, or it cannot be).
    react_only: bool,
    /// Share of the chart on screen (or near it), 0 to 1: off-screen charts (0) wait until
    /// they scroll in; the most visible are drawn first.
    shown: f64,
    /// Whether any of the chart is in the viewport itself: one only near it is not drawn by a
    /// drag's frames (nobody sees it), but when the drag settles.
    in_view: bool,
    /// The last input (as numbered by the live loop) the chart's drawing reflects.
    shows: u64,
}

/// The charts currently on the page. Only charts on (or near) the screen are redrawn; the others
/// are brought up to date when they scroll into view, so a drag pays only for what is seen.
#[derive(Clone, Copy)]
pub struct Registry {
    slots: StoredValue<Vec<Slot>, LocalStorage>,
    next_id: StoredValue<u64>,
    observer: StoredValue<Option<visibility::Watcher>, LocalStorage>,
    /// Which charts are in the viewport itself ([`Slot::in_view`]).
    viewport: StoredValue<Option<visibility::Watcher>, LocalStorage>,
    sizes: StoredValue<Option<visibility::SizeWatcher>, LocalStorage>,
    /// Running cost of one chart's redraw, milliseconds (measured frame by frame).
    cost_ms: StoredValue<f64>,
    /// Bumped when a chart appears or scrolls into view, so the live loop draws it.
    pub added: RwSignal<u64>,
    /// The page is being printed: every chart counts as on screen and is drawn at once, none
    /// left for a scroll that a printout never makes.
    printing: StoredValue<bool>,
}

impl Registry {
    pub fn new() -> Registry {
        let registry = Registry {
            slots: StoredValue::new_local(Vec::new()),
            next_id: StoredValue::new(0),
            observer: StoredValue::new_local(None),
            viewport: StoredValue::new_local(None),
            sizes: StoredValue::new_local(visibility::SizeWatcher::new()),
            cost_ms: StoredValue::new(FIRST_COST_MS),
            added: RwSignal::new(0),
            printing: StoredValue::new(false),
        };
        let watcher = visibility::Watcher::new(visibility::NEAR, move |element, shown| {
            registry.set_shown(element, shown)
        });
        registry.observer.set_value(watcher);
        let viewport = visibility::Watcher::new(visibility::IN_VIEW, move |element, shown| {
            registry.set_in_view(element, shown > 0.0)
        });
        registry.viewport.set_value(viewport);
        registry
    }

    pub(super) fn add(
        &self,
        name: &'static str,
        element: web_sys::HtmlElement,
        build: Build,
    ) -> u64 {
        let id = self.next_id.get_value() + 1;
        self.next_id.set_value(id);
        self.sizes.with_value(|sizes| {
            if let Some(sizes) = sizes {
                sizes.watch(&element);
            }
        });
        let watched = self.observer.with_value(|observer| {
            observer
                .as_ref()
                .is_some_and(|observer| observer.watch(&element))
        });
        let in_viewport = self.viewport.with_value(|viewport| {
            viewport
                .as_ref()
                .is_some_and(|viewport| viewport.watch(&element))
        });
        self.slots.update_value(|slots| {
            slots.push(Slot {
                id,
                name,
                element,
                build,
                drawn: String::new(),
                drawn_value: serde_json::Value::Null,
                held: None,
                sketching: None,
                react_only: false,
                // Without an observer (old browsers) every chart counts as visible.
                shown: if watched { 0.0 } else { 1.0 },
                in_view: !in_viewport,
                shows: 0,
            })
        });
        self.added.update(|count| *count += 1);
        id
    }

    pub(super) fn remove(&self, id: u64) {
        self.slots.update_value(|slots| {
            if let Some(index) = slots.iter().position(|slot| slot.id == id) {
                let slot = slots.remove(index);
                self.viewport.with_value(|viewport| {
                    if let Some(viewport) = viewport {
                        viewport.unwatch(&slot.element);
                    }
                });
                self.observer.with_value(|observer| {
                    if let Some(observer) = observer {
                        observer.unwatch(&slot.element);
                    }
                });
                self.sizes.with_value(|sizes| {
                    if let Some(sizes) = sizes {
                        sizes.unwatch(&slot.element);
                    }
                });
                canvas::hide(&slot.element);
                plotly_js::purge(&slot.element);
            }
        });
    }

    fn set_shown(&self, element: &web_sys::Element, shown: f64) {
        self.update_slot(element, |slot| {
            let appeared = slot.shown == 0.0 && shown > 0.0;
            slot.shown = shown;
            appeared
        });
    }

    fn set_in_view(&self, element: &web_sys::Element, in_view: bool) {
        // Scrolled into view during a drag: drawn at the next frame.
        self.update_slot(element, |slot| {
            let entered = !slot.in_view && in_view;
            slot.in_view = in_view;
            entered
        });
    }

    /// Applies `change` to the chart drawn in `element`; when it says the chart came into
    /// sight, the live loop is told to draw it.
    fn update_slot(&self, element: &web_sys::Element, change: impl Fn(&mut Slot) -> bool) {
        let mut came = false;
        self.slots.update_value(|slots| {
            for slot in slots.iter_mut() {
                let same: &web_sys::Element = &slot.element;
                if same == element {
                    came |= change(slot);
                }
            }
        });
        if came {
            self.added.update(|count| *count += 1);
        }
    }

    /// Starts or ends a printout ([`Registry::printing`]).
    pub fn set_printing(&self, printing: bool) {
        self.printing.set_value(printing);
    }

    /// Redraws the visible charts whose figures changed, as many as fit in the frame's budget
    /// (the stalest first, then the most visible). `dragging`: the frame
    /// follows an edit of the scenario (a drag of a control), so charts may be moved with held
    /// ranges ([`held`]); otherwise every chart is drawn exactly (a chart drawn with held ranges
    /// is redrawn even if its figure did not change).
    ///
    /// `covers`: the last input the snapshot reflects; the result says which input every visible
    /// chart now reflects (charts left behind keep what they showed).
    pub fn redraw(&self, snapshot: &Snapshot, dragging: bool, covers: u64) -> Redrawn {
        let start = browser::now_ms();
        let cost_ms = self.cost_ms.get_value();
        let mut redrawn = Redrawn {
            all_show: u64::MAX,
            ..Redrawn::default()
        };
        let mut drawn = 0usize;
        // Whether plotly.js redrew a chart's axes this frame (`Plotly.relayout` for an axis the
        // sketch cannot draw, or a full redraw: several milliseconds): a second chart whose
        // plotly axes must grow waits for the next frame.
        let mut grew = false;
        let printing = self.printing.get_value();
        self.slots.update_value(|slots| {
            let order = draw_order(
                slots
                    .iter()
                    .map(|slot| (slot.shows, if printing { 1.0 } else { slot.shown })),
            );
            for k in order {
                let slot = &mut slots[k];
                // A drag draws what is seen; a chart only near the screen is drawn when the
                // drag settles (it cost a throttled drag a chart's drawing a frame, unseen).
                if dragging && !slot.in_view && !printing {
                    continue;
                }
                if !printing && !fits(drawn, cost_ms) {
                    redrawn.behind = true;
                    redrawn.all_show = redrawn.all_show.min(slot.shows);
                    continue;
                }
                let showed = slot.shows;
                slot.shows = covers;
                let value = figure_value(&(slot.build)(snapshot), slot.name);
                let figure = value.to_string();
                let exact = slot.held.is_none() && slot.sketching.is_none();
                if figure == slot.drawn && (dragging || exact) {
                    continue;
                }
                // Until plotly.js is in, the price chart (a phone's first screen) and the
                // liquidations chart (an embed's on a phone) are the first view's static SVGs:
                // no plotly.js evaluated for a screen that shows no other chart.
                let standing_in = (!plotly_js::loaded() && !plotly_js::failed())
                    .then(|| {
                        crate::first_view::static_drawing(
                            slot.name,
                            snapshot.scenario,
                            snapshot.outcome,
                        )
                    })
                    .flatten();
                if let Some(svg) = standing_in {
                    plotly_js::draw_static(&slot.element, &svg, &figure);
                    slot.held = None;
                    stop_sketching(slot);
                } else if dragging && !slot.react_only {
                    match draw_held(slot, &value, &figure, !grew) {
                        DragFrame::Animated => redrawn.animated = true,
                        DragFrame::Drawn { grew: axes } => grew |= axes,
                        DragFrame::Deferred => {
                            slot.shows = showed;
                            redrawn.behind = true;
                            redrawn.all_show = redrawn.all_show.min(showed);
                            continue;
                        }
                    }
                } else {
                    react(slot, &figure);
                    slot.held = None;
                    slot.react_only = dragging;
                }
                slot.drawn = figure;
                slot.drawn_value = value;
                drawn += 1;
            }
            if !dragging && !redrawn.behind {
                slots.iter_mut().for_each(|slot| slot.react_only = false);
            }
        });
        if drawn > 0 {
            // The frame's chart work, plotly.js's deferred drawing included, per chart.
            let cost = self.cost_ms;
            browser::after_microtasks(move || {
                let sample = (browser::now_ms() - start) / drawn as f64;
                cost.update_value(|cost| *cost += COST_WEIGHT * (sample - *cost));
            });
        }
        redrawn
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

/// The order a frame draws charts in, given each one's (last input it reflects, share on
/// screen): the stalest first (so none is left behind for long), then the most visible; charts
/// off screen not at all.
fn draw_order(slots: impl Iterator<Item = (u64, f64)>) -> Vec<usize> {
    let mut order: Vec<(usize, u64, f64)> = slots
        .enumerate()
        .filter(|(_, (_, shown))| *shown > 0.0)
        .map(|(k, (shows, shown))| (k, shows, shown))
        .collect();
    // Stable: equally placed charts keep the page's order.
    order.sort_by(|a, b| a.1.cmp(&b.1).then(b.2.total_cmp(&a.2)));
    order.into_iter().map(|(k, _, _)| k).collect()
}

/// Whether one more chart fits in the frame's budget after `drawn` charts at `cost_ms` each
/// (the first always does).
fn fits(drawn: usize, cost_ms: f64) -> bool {
    drawn == 0 || (drawn + 1) as f64 * cost_ms <= FRAME_BUDGET_MS
}

/// One drag frame of a chart (`figure`, also as `json`): sketched on a canvas when plotly's
/// drawing has the same structure ([`sketch`]; its held ranges grown first if they must, the
/// grown axes drawn by the sketch);
/// else animated by plotly.js when its structure is unchanged and its held ranges show the new
/// data; else drawn in full with ranges held (grown where needed). A chart that cannot be held,
/// or that the user zoomed, is drawn in full as is for the rest of the drag. Returns whether it
/// was animated, drawn, or left for the next frame (`may_grow` false and plotly's axes must
/// grow).
fn draw_held(slot: &mut Slot, figure: &serde_json::Value, json: &str, may_grow: bool) -> DragFrame {
    let Some((needed, start)) =
        held::needed(figure).and_then(|needed| Some((needed, held_start(slot)?)))
    else {
        react(slot, json);
        slot.held = None;
        slot.react_only = true;
        return DragFrame::Drawn { grew: true };
    };
    match draw_sketch(slot, figure, &needed, start, may_grow) {
        Some(Sketched::Drawn { grew }) => return DragFrame::Drawn { grew },
        Some(Sketched::MustGrow) => return DragFrame::Deferred,
        None => stop_sketching(slot),
    }
    if let Some(current) = &slot.held {
        if current.ranges.contain(&needed) && current.structure == held::structure(figure) {
            if let Some((frame, next)) = held::animation(current, figure) {
                plotly_js::animate(&slot.element, &frame.to_string());
                slot.held = Some(next);
                return DragFrame::Animated;
            }
        }
    }
    let ranges = start.grown_to(&needed, held::x_limit(figure));
    react(slot, &held::with_ranges(figure, &ranges).to_string());
    slot.held = Some(held::hold(figure, ranges));
    DragFrame::Drawn { grew: true }
}

/// What a chart's drag frame did ([`draw_held`]).
enum DragFrame {
    /// Moved by `Plotly.animate`: its drawing finishes after the frame's microtasks.
    Animated,
    /// Drawn now; `grew`: its axes were redrawn (a relayout, or a full redraw by plotly.js).
    Drawn { grew: bool },
    /// Its plotly axes must grow and another chart's already did this frame: left for the next
    /// one.
    Deferred,
}

/// What [`draw_sketch`] did.
enum Sketched {
    Drawn {
        grew: bool,
    },
    /// Plotly's axes must grow, which this frame may not do.
    MustGrow,
}

/// What a chart sketched for a drag keeps between frames.
struct Sketching {
    /// The ranges the sketch is drawn over: plotly's axes as drawn, grown where the data needed
    /// more room.
    ranges: held::Ranges,
    /// The ranges plotly's axes show (moved only for an axis the sketch cannot draw itself).
    shown: held::Ranges,
    /// The structure of plotly's drawing under the canvas ([`held::structure`]).
    structure: serde_json::Value,
    /// The styles plotly resolved for that drawing.
    look: sketch::Look,
    /// How plotly drew its x, y and second y axes (`None`: it has no such axis), read when the
    /// axis first grows past plotly's (most drags grow none, and a drag's first frame is its
    /// longest).
    axes: [OnceCell<Option<axes::AxisLook>>; 3],
}

/// Sketches `figure` on the chart's canvas over the ranges it starts from (`ranges`), grown
/// first where they do not show all it `needed`, if plotly's drawing under it has the same
/// structure (same traces and styles); `None` otherwise. A grown axis is drawn by the sketch
/// ([`axes`]); an x or y axis it cannot draw moves plotly's (`Plotly.relayout`, not when
/// `may_grow` is false, which leaves the chart for the next frame), a second y axis it cannot
/// draw gives `None` (a full redraw).
fn draw_sketch(
    slot: &mut Slot,
    figure: &serde_json::Value,
    needed: &held::Ranges,
    ranges: held::Ranges,
    may_grow: bool,
) -> Option<Sketched> {
    if slot.sketching.is_none() {
        let structure = match &slot.held {
            Some(held) => held.structure.clone(),
            None => held::structure(drawn_value(slot)?),
        };
        let look = plotly_js::look(&slot.element)?;
        slot.sketching = Some(Sketching {
            ranges,
            shown: ranges,
            structure,
            look,
            axes: Default::default(),
        });
    }
    let sketching = slot.sketching.as_mut()?;
    if sketching.structure != held::structure(figure) {
        return None;
    }
    // The reader zoomed or panned the chart during the drag: plotly's axes are not the ones the
    // sketch would be drawn over.
    let (x, _, y, _) = plotly_js::shown_ranges(&slot.element)?;
    if !(same_range(x, sketching.shown.x) && same_range(y, sketching.shown.y)) {
        return None;
    }
    let area = plotly_js::area(&slot.element)?;
    // Most frames need no growth: the data's x extent is read only when one does.
    let grown = if sketching.ranges.contain(needed) {
        sketching.ranges
    } else {
        sketching.ranges.grown_to(needed, held::x_limit(figure))
    };
    let layout = figure.get("layout");
    // Each axis past what plotly's shows: drawn by the sketch, or else plotly's axis moves.
    let grow_axis = |letter: Letter| {
        let (range, shown, length) = match letter {
            Letter::X => (Some(grown.x), Some(sketching.shown.x), area.plot_width),
            Letter::Y => (Some(grown.y), Some(sketching.shown.y), area.plot_height),
            Letter::Y2 => (grown.y2, sketching.shown.y2, area.plot_height),
        };
        let json = layout.and_then(|layout| layout.get(letter.layout_key()));
        let past = range != shown;
        let look = || {
            sketching.axes[letter as usize]
                .get_or_init(|| plotly_js::axis_look(&slot.element, letter))
                .as_ref()
        };
        let ticks = match (past, range) {
            (true, Some(range)) => {
                look().and_then(|look| axes::ticks(json, look, letter, range, length))
            }
            _ => None,
        };
        GrownAxis {
            letter,
            range: range.unwrap_or_default(),
            moves_plotly: past && ticks.is_none(),
            ticks,
        }
    };
    let [x, y, y2] = Letter::ALL.map(grow_axis);
    // A second y axis the sketch cannot draw grows with a full redraw (plotly.js draws it,
    // ranges held).
    if y2.moves_plotly {
        return None;
    }
    let relayout = x.moves_plotly || y.moves_plotly;
    if relayout && !may_grow {
        return Some(Sketched::MustGrow);
    }
    let mut drawing = sketch::sketch(figure, &sketching.look, &grown, &area)?;
    for axis in [&x, &y, &y2] {
        let look = sketching.axes[axis.letter as usize]
            .get()
            .and_then(Option::as_ref);
        if let (Some(ticks), Some(look)) = (&axis.ticks, look) {
            let drawn = axes::draw(axis.letter, ticks, axis.range, look, &area);
            drawing = drawing.with_axis(axis.letter, drawn);
        }
    }
    if relayout {
        let [x, y] = [&x, &y].map(|axis| axis.moves_plotly.then_some(axis.range));
        if !plotly_js::set_ranges(&slot.element, x, y) {
            return None;
        }
        sketching.shown.x = x.unwrap_or(sketching.shown.x);
        sketching.shown.y = y.unwrap_or(sketching.shown.y);
    }
    sketching.ranges = grown;
    if let Some(held) = &mut slot.held {
        held.ranges = grown;
    }
    canvas::show(&slot.element, &drawing, &area, &grown)
        .then_some(Sketched::Drawn { grew: relayout })
}

/// One axis of a sketched chart's drag frame ([`draw_sketch`]).
struct GrownAxis {
    letter: Letter,
    /// The range it is drawn over.
    range: [f64; 2],
    /// Past plotly's axis, with the ticks the sketch draws it with.
    ticks: Option<Vec<(f64, String)>>,
    /// Past plotly's axis, and an axis the sketch cannot draw: plotly's moves.
    moves_plotly: bool,
}

/// Whether two axis ranges are the same up to rounding.
fn same_range(a: [f64; 2], b: [f64; 2]) -> bool {
    let span = (b[1] - b[0]).abs().max(f64::MIN_POSITIVE);
    (a[0] - b[0]).abs() <= 1e-9 * span && (a[1] - b[1]).abs() <= 1e-9 * span
}

/// Takes a chart's sketch away (plotly's drawing shows again).
fn stop_sketching(slot: &mut Slot) {
    if slot.sketching.take().is_some() {
        canvas::hide(&slot.element);
    }
}

/// Draws `figure` with plotly.js in full, in place of any sketch.
fn react(slot: &mut Slot, figure: &str) {
    plotly_js::react(&slot.element, figure);
    stop_sketching(slot);
}

/// The ranges a drag frame starts from: those held, or at the drag's start the ones on screen;
/// `None` if the chart is not drawn yet or the user moved an axis (plotly shows other ranges than
/// the figure last drawn asked for).
fn held_start(slot: &Slot) -> Option<held::Ranges> {
    if let Some(sketching) = &slot.sketching {
        return Some(sketching.ranges);
    }
    if let Some(current) = &slot.held {
        return Some(current.ranges);
    }
    let (x, x_auto, y, y_auto) = plotly_js::shown_ranges(&slot.element)?;
    let drawn = drawn_value(slot)?;
    let moved =
        held::user_moved(drawn, "xaxis", x, x_auto) || held::user_moved(drawn, "yaxis", y, y_auto);
    let y2 = held::drawn_second_range(drawn)?;
    (!moved).then_some(held::Ranges { x, y, y2 })
}

/// The figure last drawn on a chart; `None` before its first.
fn drawn_value(slot: &Slot) -> Option<&serde_json::Value> {
    Some(&slot.drawn_value).filter(|value| !value.is_null())
}

impl Default for Registry {
    fn default() -> Self {
        Registry::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stalest_charts_come_first_then_the_most_visible_and_off_screen_never() {
        let slots = [(7, 0.25), (7, 1.0), (3, 0.5), (1, 0.0), (3, 1.0), (7, 1.0)];
        assert_eq!(draw_order(slots.into_iter()), vec![4, 2, 1, 5, 0]);
        assert_eq!(draw_order(std::iter::empty()), Vec::<usize>::new());
    }

    #[test]
    fn ranges_are_the_same_up_to_rounding_of_their_span() {
        assert!(same_range([0.0, 100.0], [0.0, 100.0 + 1e-8]));
        assert!(!same_range([0.0, 100.0], [0.0, 100.1]));
        assert!(same_range([-0.5, 6.5], [-0.5, 6.5]));
    }

    #[test]
    fn a_frame_draws_as_many_charts_as_fit_and_always_one() {
        assert!(fits(0, 100.0), "the first chart is drawn however slow");
        assert!(!fits(1, 5.5), "two charts at 5.5 ms are over 10 ms");
        assert!(fits(1, 5.0));
        assert!(fits(4, 2.0) && !fits(5, 2.0));
    }
}
