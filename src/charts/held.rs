//! Cheap redraws while a control is dragged. A full `Plotly.react` replots the whole figure
//! (defaults, axes, legend, traces: 7 to 9 ms a chart here) whenever any data changes. While a drag
//! goes on, a chart whose figure keeps its structure is instead moved with `Plotly.animate`
//! (traces and the changed shape and annotation fields only, no transition), with its axis ranges
//! held: animate does not autorange, and changing ranges would replot. The held ranges start as
//! the ones on screen and only grow (with some headroom) when the data needs more room, which costs
//! one full redraw. When the drag settles, the exact figure (autoranged) is drawn again.
//!
//! Pure functions over plotly figure JSON; `Registry` applies them.

use serde_json::{json, Map, Value};

/// Headroom added on a side when a held range has to grow, as a share of the span.
const HEADROOM: f64 = 0.5;

/// Axis ranges, `[low, high]` for x and y.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Ranges {
    pub x: [f64; 2],
    pub y: [f64; 2],
}

impl Ranges {
    /// Whether these ranges show all of `needed`.
    pub fn contain(&self, needed: &Ranges) -> bool {
        let inside = |held: [f64; 2], need: [f64; 2]| held[0] <= need[0] && need[1] <= held[1];
        inside(self.x, needed.x) && inside(self.y, needed.y)
    }

    /// These ranges grown to hold `needed`, with headroom on every side that had to grow (the
    /// same ranges if they already hold it).
    pub fn grown_to(&self, needed: &Ranges) -> Ranges {
        Ranges {
            x: grow(self.x, needed.x),
            y: grow(self.y, needed.y),
        }
    }
}

fn grow(held: [f64; 2], need: [f64; 2]) -> [f64; 2] {
    let low = held[0].min(need[0]);
    let high = held[1].max(need[1]);
    let room = (high - low).abs().max(f64::EPSILON) * HEADROOM;
    [
        if need[0] < held[0] { low - room } else { low },
        if need[1] > held[1] { high + room } else { high },
    ]
}

/// What a chart drawn for a drag keeps between frames.
#[derive(Clone, Debug, PartialEq)]
pub struct Held {
    /// The figure without what may change in an animated update ([`structure`]).
    pub structure: Value,
    pub ranges: Ranges,
    pub shapes: Value,
    pub annotations: Value,
    /// Every trace's x and y as drawn.
    pub data: Value,
}

/// The figure minus what an animated update may change: trace x and y, layout shapes and
/// annotations, axis ranges. Two figures with equal structures differ only in those.
pub fn structure(figure: &Value) -> Value {
    // Copies everything but the skipped fields (not the data arrays, which are most of a figure).
    fn without(value: &Value, skip: &[&str]) -> Value {
        match value.as_object() {
            Some(object) => Value::Object(
                object
                    .iter()
                    .filter(|(key, _)| !skip.contains(&key.as_str()))
                    .map(|(key, value)| (key.clone(), value.clone()))
                    .collect(),
            ),
            None => value.clone(),
        }
    }
    let Some(object) = figure.as_object() else {
        return figure.clone();
    };
    let mut rest = Map::new();
    for (key, value) in object {
        let kept = match key.as_str() {
            "data" => match value.as_array() {
                Some(traces) => Value::Array(
                    traces
                        .iter()
                        .map(|trace| without(trace, &["x", "y"]))
                        .collect(),
                ),
                None => value.clone(),
            },
            "layout" => {
                let mut layout = without(value, &["shapes", "annotations", "xaxis", "yaxis"]);
                for axis in ["xaxis", "yaxis"] {
                    if let (Some(shown), Some(layout)) = (value.get(axis), layout.as_object_mut()) {
                        layout.insert(axis.into(), without(shown, &["range", "autorange"]));
                    }
                }
                layout
            }
            _ => value.clone(),
        };
        rest.insert(key.clone(), kept);
    }
    Value::Object(rest)
}

/// The ranges the figure needs to show all of itself: an axis's explicit range as given, else the
/// extent of the data (stacked groups summed, filled areas from zero). `None` when the figure is
/// not one an animated update can draw: a trace that is not a scatter, a second axis, a non-linear
/// axis, non-numeric or missing data.
pub fn needed(figure: &Value) -> Option<Ranges> {
    let layout = figure.get("layout")?;
    let traces = figure.get("data")?.as_array()?;
    if traces.is_empty() {
        return None;
    }
    for axis in ["xaxis", "yaxis"] {
        let kind = layout.get(axis).and_then(|a| a.get("type"));
        if kind.is_some_and(|kind| kind != "linear") {
            return None;
        }
    }
    let mut x = Extent::default();
    let mut y = Extent::default();
    // Stacked groups: per group, the running total at each point.
    let mut stacks: Vec<(String, Vec<f64>)> = Vec::new();
    for trace in traces {
        let kind = trace
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or("scatter");
        let second_axis = ["xaxis", "yaxis"]
            .iter()
            .any(|axis| trace.get(*axis).is_some_and(|a| a != "x" && a != "y"));
        if kind != "scatter" || second_axis {
            return None;
        }
        let xs = numbers(trace.get("x")?)?;
        let ys = numbers(trace.get("y")?)?;
        if xs.len() != ys.len() {
            return None;
        }
        xs.iter().for_each(|&v| x.add(v));
        match trace.get("stackgroup").and_then(Value::as_str) {
            Some(group) => {
                let index = match stacks.iter().position(|(name, _)| name == group) {
                    Some(index) => index,
                    None => {
                        stacks.push((group.to_string(), vec![0.0; ys.len()]));
                        stacks.len() - 1
                    }
                };
                let totals = &mut stacks[index].1;
                if totals.len() != ys.len() {
                    return None;
                }
                for (total, value) in totals.iter_mut().zip(&ys) {
                    *total += value;
                    y.add(*total);
                }
                y.add(0.0);
            }
            None => {
                ys.iter().for_each(|&v| y.add(v));
                let fill = trace.get("fill").and_then(Value::as_str).unwrap_or("none");
                if fill == "tozeroy" {
                    y.add(0.0);
                }
            }
        }
    }
    let explicit = |axis: &str| {
        let range = numbers(layout.get(axis)?.get("range")?)?;
        (range.len() == 2 && range[0] < range[1]).then(|| [range[0], range[1]])
    };
    Some(Ranges {
        x: explicit("xaxis").or(x.range())?,
        y: explicit("yaxis").or(y.range())?,
    })
}

#[derive(Default)]
struct Extent {
    low: Option<f64>,
    high: Option<f64>,
}

impl Extent {
    fn add(&mut self, value: f64) {
        if value.is_finite() {
            self.low = Some(self.low.map_or(value, |low| low.min(value)));
            self.high = Some(self.high.map_or(value, |high| high.max(value)));
        }
    }

    /// A range with some width (a flat series gets one unit around it).
    fn range(&self) -> Option<[f64; 2]> {
        let (low, high) = (self.low?, self.high?);
        Some(if high > low {
            [low, high]
        } else {
            [low - 0.5, high + 0.5]
        })
    }
}

fn numbers(value: &Value) -> Option<Vec<f64>> {
    value.as_array()?.iter().map(Value::as_f64).collect()
}

/// The figure with its axis ranges fixed to `ranges`.
pub fn with_ranges(figure: &Value, ranges: &Ranges) -> Value {
    let mut figure = figure.clone();
    if let Some(layout) = figure.get_mut("layout").and_then(Value::as_object_mut) {
        for (axis, range) in [("xaxis", ranges.x), ("yaxis", ranges.y)] {
            let entry = layout
                .entry(axis)
                .or_insert_with(|| Value::Object(Map::new()));
            if let Some(axis) = entry.as_object_mut() {
                axis.insert("range".into(), json!(range));
                axis.insert("autorange".into(), false.into());
            }
        }
    }
    figure
}

/// The layout fields of `key` ("shapes" or "annotations") that changed from `old` to `new`, as
/// plotly attribute paths (`shapes[1].x0`). `None` when the change is not a plain field update:
/// a different count, a field added or removed, or a nested object (a line, a font) changed.
pub fn changed_paths(key: &str, old: &Value, new: &Value, into: &mut Map<String, Value>) -> bool {
    let empty = Vec::new();
    let old = old.as_array().unwrap_or(&empty);
    let new = new.as_array().unwrap_or(&empty);
    if old.len() != new.len() {
        return false;
    }
    for (index, (old, new)) in old.iter().zip(new).enumerate() {
        let (Some(old), Some(new)) = (old.as_object(), new.as_object()) else {
            return false;
        };
        if old.len() != new.len() {
            return false;
        }
        for (field, value) in new {
            match old.get(field) {
                Some(before) if before == value => {}
                Some(_) if !value.is_object() && !value.is_array() => {
                    into.insert(format!("{key}[{index}].{field}"), value.clone());
                }
                _ => return false,
            }
        }
    }
    true
}

/// The animated update from what `held` shows to `figure` (same structure, ranges contained):
/// the `Plotly.animate` frame (every trace's x and y, the changed shape and annotation fields)
/// and the held state after it. `None` when shapes or annotations changed beyond plain fields.
pub fn animation(held: &Held, figure: &Value) -> Option<(Value, Held)> {
    let layout = figure.get("layout")?;
    let shapes = layout.get("shapes").cloned().unwrap_or(Value::Null);
    let annotations = layout.get("annotations").cloned().unwrap_or(Value::Null);
    let mut paths = Map::new();
    if !changed_paths("shapes", &held.shapes, &shapes, &mut paths)
        || !changed_paths("annotations", &held.annotations, &annotations, &mut paths)
    {
        return None;
    }
    let data = trace_data(figure);
    // Unchanged traces are not sent: plotly.js then only moves the shapes and annotations.
    let frame = if data == held.data {
        json!({"data": [], "traces": [], "layout": paths})
    } else {
        let count = data.as_array().map_or(0, Vec::len);
        json!({"data": data, "traces": (0..count).collect::<Vec<_>>(), "layout": paths})
    };
    let next = Held {
        shapes,
        annotations,
        data,
        ..held.clone()
    };
    Some((frame, next))
}

/// Every trace's x and y, as an animation frame sends them.
fn trace_data(figure: &Value) -> Value {
    let traces = figure.get("data").and_then(Value::as_array);
    Value::Array(
        traces
            .into_iter()
            .flatten()
            .map(|trace| json!({"x": trace.get("x"), "y": trace.get("y")}))
            .collect(),
    )
}

/// The state a chart keeps once `figure` is drawn with `ranges` held.
pub fn hold(figure: &Value, ranges: Ranges) -> Held {
    let layout = figure.get("layout");
    let field = |key: &str| {
        layout
            .and_then(|layout| layout.get(key))
            .cloned()
            .unwrap_or(Value::Null)
    };
    Held {
        structure: structure(figure),
        ranges,
        shapes: field("shapes"),
        annotations: field("annotations"),
        data: trace_data(figure),
    }
}

/// Whether the user has zoomed or panned an axis: plotly's shown range is not the figure's
/// (autorange off where the figure autoranges, or another range where it gives one).
pub fn user_moved(figure: &Value, axis: &str, shown_range: [f64; 2], shown_auto: bool) -> bool {
    let range = figure
        .get("layout")
        .and_then(|layout| layout.get(axis))
        .and_then(|axis| axis.get("range"))
        .and_then(numbers);
    match range {
        Some(range) if range.len() == 2 => {
            let close = |a: f64, b: f64| (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0);
            !(close(range[0], shown_range[0]) && close(range[1], shown_range[1]))
        }
        _ => !shown_auto,
    }
}
