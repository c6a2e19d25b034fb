//! The charts on the page and how a frame redraws them: the imperative side of `charts/`. A
//! [`Chart`](super::Chart) card registers its container here; the live loop calls
//! [`Registry::redraw`] once per frame, which rebuilds each visible chart's figure and hands it
//! to plotly.js: `Plotly.react` when drawn exactly, `Plotly.animate` with held axis ranges while
//! the scenario is being dragged ([`held`]).

use leptos::prelude::*;

use super::{figure_value, held, plotly_js, visibility, Build, Snapshot};

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

    pub(super) fn add(
        &self,
        name: &'static str,
        element: web_sys::HtmlElement,
        build: Build,
    ) -> u64 {
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

    pub(super) fn remove(&self, id: u64) {
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

    /// Redraws every visible chart whose figure changed; returns whether any was animated (its
    /// drawing finishes a few microtasks later). `dragging`: the
    /// frame follows an edit of the scenario (a drag of a control), so charts may be moved with
    /// held ranges ([`held`]); otherwise every chart is drawn exactly (a chart drawn with held
    /// ranges is redrawn even if its figure did not change).
    pub fn redraw(&self, snapshot: &Snapshot, dragging: bool) -> bool {
        let mut animated = false;
        self.slots.update_value(|slots| {
            for slot in slots.iter_mut().filter(|slot| slot.visible) {
                let value = figure_value(&(slot.build)(snapshot), slot.name);
                let figure = value.to_string();
                if figure == slot.drawn && (dragging || slot.held.is_none()) {
                    continue;
                }
                if dragging && !slot.react_only {
                    animated |= draw_held(slot, &value, &figure);
                } else {
                    plotly_js::react(&slot.element, &figure);
                    slot.held = None;
                    slot.react_only = dragging;
                }
                slot.drawn = figure;
            }
            if !dragging {
                slots.iter_mut().for_each(|slot| slot.react_only = false);
            }
        });
        animated
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
