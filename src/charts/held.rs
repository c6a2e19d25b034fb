//! Cheap redraws while a control is dragged. A full `Plotly.react` replots the whole figure
//! (defaults, axes, legend, traces: 7 to 9 ms a chart here) whenever any data changes. While a drag
//! goes on, a chart whose figure keeps its structure is instead moved with `Plotly.animate`
//! (traces and the changed shape and annotation fields only, no transition), with its axis ranges
//! held: animate does not autorange, and changing ranges would replot. The held ranges start as
//! the ones on screen and only grow (with some headroom) when the data needs more room, which costs
//! an animated chart one full redraw. When the drag settles, the exact figure (autoranged) is
//! drawn again. Most charts are not animated by plotly.js at all but sketched on a canvas over its
//! drawing ([`sketch`](super::sketch)), over the same held ranges, and the sketch draws an axis
//! that grew itself ([`axes`](super::axes)); the animation here is the fallback.
//!
//! Pure functions over plotly figure JSON; `Registry` applies them.

use serde_json::{json, Map, Value};

/// Headroom added on a side when a held range has to grow, as a share of the span.
const HEADROOM: f64 = 0.5;

/// Axis ranges, `[low, high]` for x and y, and for a second y axis on the right when the
/// figure has one (`yaxis2`, overlaying y: the algorithms' flows beside the liquidations).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Ranges {
    pub x: [f64; 2],
    pub y: [f64; 2],
    pub y2: Option<[f64; 2]>,
}

impl Ranges {
    /// Whether these ranges show all of `needed`.
    pub fn contain(&self, needed: &Ranges) -> bool {
        let inside = |held: [f64; 2], need: [f64; 2]| held[0] <= need[0] && need[1] <= held[1];
        let second = match (self.y2, needed.y2) {
            (_, None) => true,
            (Some(held), Some(need)) => inside(held, need),
            (None, Some(_)) => false,
        };
        inside(self.x, needed.x) && inside(self.y, needed.y) && second
    }

    /// These ranges grown to hold `needed`, with headroom on every side that had to grow (the
    /// same ranges if they already hold it); headroom never takes an axis whose data is not
    /// negative below zero (a price or an amount under $0), nor x past `x_limit` (the data's
    /// extent where the figure shows a window of it: [`x_limit`]).
    pub fn grown_to(&self, needed: &Ranges, x_limit: Option<[f64; 2]>) -> Ranges {
        let mut x = grow(self.x, needed.x);
        if let Some([first, last]) = x_limit {
            x = [
                x[0].max(first.min(needed.x[0]).min(self.x[0])),
                x[1].min(last.max(needed.x[1]).max(self.x[1])),
            ];
        }
        Ranges {
            x,
            y: grow(self.y, needed.y),
            y2: match (self.y2, needed.y2) {
                (Some(held), Some(need)) => Some(grow(held, need)),
                (held, need) => held.or(need),
            },
        }
    }
}

fn grow(held: [f64; 2], need: [f64; 2]) -> [f64; 2] {
    let low = held[0].min(need[0]);
    let high = held[1].max(need[1]);
    let room = (high - low).abs().max(f64::EPSILON) * HEADROOM;
    let floor = if need[0] >= 0.0 {
        0.0
    } else {
        f64::NEG_INFINITY
    };
    [
        if need[0] < held[0] {
            (low - room).max(floor.min(low))
        } else {
            low
        },
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
                let mut layout = without(value, &["shapes", "annotations"]);
                // Ranges are held while a drag goes on, and tick values follow them (a chart
                // that places its own ticks, from zero, places them again when it settles).
                for axis in ["xaxis", "yaxis", "yaxis2"] {
                    if let (Some(shown), Some(layout)) = (value.get(axis), layout.as_object_mut()) {
                        layout.insert(
                            axis.into(),
                            without(shown, &["range", "autorange", "tickvals", "ticktext"]),
                        );
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
/// extent of the data (stacked groups summed, filled areas and bars from zero; bars over
/// categories span the category slots, -0.5 to count - 0.5, as plotly autoranges them). `None`
/// when the figure is not one an animated update can draw: a trace that is not a scatter or a
/// vertical bar (grouped or overlaid), a second axis, a non-linear axis, non-numeric y or missing
/// data.
pub fn needed(figure: &Value) -> Option<Ranges> {
    let layout = figure.get("layout")?;
    let traces = figure.get("data")?.as_array()?;
    if traces.is_empty() {
        return None;
    }
    for axis in ["xaxis", "yaxis"] {
        let kind = layout.get(axis).and_then(|a| a.get("type"));
        if kind.is_some_and(|kind| kind != "linear" && kind != "category") {
            return None;
        }
    }
    let bar_mode = layout
        .get("barmode")
        .and_then(Value::as_str)
        .unwrap_or("group");
    if !matches!(bar_mode, "group" | "overlay") {
        return None;
    }
    let mut categories: Option<usize> = None;
    let mut x = Extent::default();
    let mut y = Extent::default();
    let mut y2 = Extent::default();
    let mut on_y2 = false;
    // Stacked groups: per group, the running total at each point.
    let mut stacks: Vec<(String, Vec<f64>)> = Vec::new();
    for trace in traces {
        let kind = trace
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or("scatter");
        // A scatter may be on the second y axis; nothing else may leave x and y.
        let right = trace.get("yaxis").is_some_and(|a| a == "y2");
        let other_axis = trace.get("xaxis").is_some_and(|a| a != "x")
            || trace.get("yaxis").is_some_and(|a| a != "y" && a != "y2");
        let bar = kind == "bar";
        let vertical = trace
            .get("orientation")
            .is_none_or(|orientation| orientation == "v");
        if !(kind == "scatter" || bar && vertical) || other_axis || (right && kind != "scatter") {
            return None;
        }
        let ys = numbers(trace.get("y")?)?;
        match numbers(trace.get("x")?) {
            Some(xs) if xs.len() == ys.len() => xs.iter().for_each(|&v| x.add(v)),
            None if bar && labels(trace.get("x")?)? == ys.len() => {
                if categories.is_some_and(|count| count != ys.len()) {
                    return None;
                }
                categories = Some(ys.len());
            }
            _ => return None,
        }
        // A line on the second axis extends that axis alone (no stack there).
        if right {
            if trace.get("stackgroup").is_some() {
                return None;
            }
            ys.iter().for_each(|&v| y2.add(v));
            on_y2 = true;
            continue;
        }
        if bar {
            y.add(0.0);
        }
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
    let explicit = |axis: &str| explicit_range(layout, axis);
    if let Some(count) = categories {
        if x.low.is_some() {
            // Bars over categories and a trace over numbers share no x axis.
            return None;
        }
        x.add(-0.5);
        x.add(count as f64 - 0.5);
    }
    let second = if on_y2 {
        Some(explicit("yaxis2").or(y2.range())?)
    } else {
        None
    };
    Some(Ranges {
        x: explicit("xaxis").or(x.range())?,
        y: explicit("yaxis").or(y.range())?,
        y2: second,
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

/// How many labels `value` holds, if it is a list of strings (a category axis's data).
fn labels(value: &Value) -> Option<usize> {
    let list = value.as_array()?;
    list.iter().all(Value::is_string).then_some(list.len())
}

/// The figure with its axis ranges fixed to `ranges`.
pub fn with_ranges(figure: &Value, ranges: &Ranges) -> Value {
    let mut figure = figure.clone();
    if let Some(layout) = figure.get_mut("layout").and_then(Value::as_object_mut) {
        let second = ranges.y2.map(|range| ("yaxis2", range));
        for (axis, range) in [("xaxis", ranges.x), ("yaxis", ranges.y)]
            .into_iter()
            .chain(second)
        {
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

/// Adds to `into` the layout fields of `key` ("shapes" or "annotations") that changed from `old`
/// to `new`, as plotly attribute paths (`shapes[1].x0`) with their new values; a missing list
/// counts as an empty one. Returns `false` when the change is not a plain field update (a
/// different count, an entry that is not an object, a field added or removed, or a nested object
/// or array, such as a line or a font, changed); `into` may then hold some paths already, and
/// the caller draws the figure in full instead.
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

/// The second y axis's range as `figure` draws it: `Some(None)` when no trace is on it,
/// `Some(Some(range))` when the layout gives its range, `None` when plotly would autorange it
/// (the page does not read that range back, so such a chart is not held).
pub fn drawn_second_range(figure: &Value) -> Option<Option<[f64; 2]>> {
    let traces = figure.get("data")?.as_array()?;
    if !traces
        .iter()
        .any(|trace| trace.get("yaxis").is_some_and(|a| a == "y2"))
    {
        return Some(None);
    }
    explicit_range(figure.get("layout")?, "yaxis2").map(Some)
}

/// The range `layout` gives `axis`, when it gives a rising one.
/// The extent of the figure's x data when its x axis shows a window of it (a time axis on the
/// busy part of the run: the rest of the run is drawn past its end): a held x range need never
/// grow past it, as no frame of the drag draws anything there.
pub fn x_limit(figure: &Value) -> Option<[f64; 2]> {
    explicit_range(figure.get("layout")?, "xaxis")?;
    let mut x = Extent::default();
    for trace in figure.get("data")?.as_array()? {
        numbers(trace.get("x")?)?
            .iter()
            .for_each(|&value| x.add(value));
    }
    x.range()
}

fn explicit_range(layout: &Value, axis: &str) -> Option<[f64; 2]> {
    let range = numbers(layout.get(axis)?.get("range")?)?;
    (range.len() == 2 && range[0] < range[1]).then(|| [range[0], range[1]])
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

#[cfg(test)]
mod tests {
    use super::*;

    fn line(ys: &[f64]) -> serde_json::Value {
        json!({"type": "scatter", "x": (0..ys.len()).collect::<Vec<_>>(), "y": ys})
    }

    #[test]
    fn needed_ranges_cover_lines_stacks_and_explicit_ranges() {
        let figure =
            json!({"data": [line(&[5.0, 3.0, 4.0]), line(&[6.0, 2.5, 4.0])], "layout": {}});
        let need = needed(&figure).unwrap();
        assert_eq!(need.x, [0.0, 2.0]);
        assert_eq!(need.y, [2.5, 6.0]);

        let mut stacked = figure.clone();
        for trace in stacked["data"].as_array_mut().unwrap() {
            trace["stackgroup"] = json!("s");
        }
        stacked["layout"] = json!({"xaxis": {"range": [-1.0, 10.0]}});
        let need = needed(&stacked).unwrap();
        assert_eq!(
            need.y,
            [0.0, 11.0],
            "stacked: from zero to the top of the stack"
        );
        assert_eq!(
            need.x,
            [-1.0, 10.0],
            "an explicit range is what the chart shows"
        );

        // Bars stand on zero; over categories they fill the slots plotly gives them.
        let bars = json!({"data": [{"type": "bar", "x": [1, 3], "y": [2, 5]}], "layout": {}});
        assert_eq!(
            needed(&bars),
            Some(Ranges {
                x: [1.0, 3.0],
                y: [0.0, 5.0],
                y2: None,
            })
        );
        let grouped = json!({"data": [
            {"type": "bar", "x": ["1-2x", "2-5x", "5-10x"], "y": [4, 7, 1]},
            {"type": "bar", "x": ["1-2x", "2-5x", "5-10x"], "y": [2, 9, 0]},
        ], "layout": {"barmode": "group"}});
        assert_eq!(
            needed(&grouped),
            Some(Ranges {
                x: [-0.5, 2.5],
                y: [0.0, 9.0],
                y2: None,
            })
        );
        let stacked_bars = json!({"data": [{"type": "bar", "x": ["a"], "y": [1]}],
            "layout": {"barmode": "stack"}});
        assert_eq!(
            needed(&stacked_bars),
            None,
            "stacked bars are not summed here"
        );
        let sideways = json!({"data": [{"type": "bar", "x": [1], "y": [1], "orientation": "h"}],
            "layout": {}});
        assert_eq!(needed(&sideways), None);
        let other = json!({"data": [{"type": "heatmap", "x": [1], "y": [1]}], "layout": {}});
        assert_eq!(
            needed(&other),
            None,
            "only scatter and bar traces are animated"
        );
        let log = json!({"data": [line(&[1.0])], "layout": {"yaxis": {"type": "log"}}});
        assert_eq!(needed(&log), None);
    }

    #[test]
    fn held_ranges_only_grow_with_headroom_where_needed() {
        let held = Ranges {
            x: [0.0, 10.0],
            y: [40.0, 60.0],
            y2: None,
        };
        let inside = Ranges {
            x: [0.0, 10.0],
            y: [45.0, 59.0],
            y2: None,
        };
        assert!(held.contain(&inside));
        let deeper = Ranges {
            x: [0.0, 10.0],
            y: [30.0, 60.0],
            y2: None,
        };
        assert!(!held.contain(&deeper));
        let grown = held.grown_to(&deeper, None);
        assert!(grown.contain(&deeper) && grown.contain(&held));
        assert_eq!(grown.x, [0.0, 10.0], "x did not need to grow");
        assert_eq!(grown.y[1], 60.0, "the top did not need to grow");
        assert!(grown.y[0] < 30.0, "headroom below the new low");
    }

    #[test]
    fn an_animation_moves_data_and_changed_fields_only() {
        let shapes = |x: f64| json!([{"type": "line", "x0": x, "x1": x, "line": {"color": "red"}}]);
        let notes = |text: &str| json!([{"x": 1.0, "text": text}]);
        let figure = |ys: &[f64], x: f64, text: &str| json!({"data": [line(ys)], "layout": {"title": "t", "shapes": shapes(x), "annotations": notes(text)}});
        let first = figure(&[1.0, 2.0], 1.0, "a");
        let held = hold(
            &first,
            Ranges {
                x: [0.0, 1.0],
                y: [0.0, 3.0],
                y2: None,
            },
        );
        let second = figure(&[1.5, 2.5], 2.0, "b");
        assert_eq!(structure(&first), structure(&second));
        let (frame, next) = animation(&held, &second).unwrap();
        assert_eq!(frame["data"][0]["y"], json!([1.5, 2.5]));
        assert_eq!(frame["traces"], json!([0]));
        assert_eq!(
            frame["layout"],
            json!({"shapes[0].x0": 2.0, "shapes[0].x1": 2.0, "annotations[0].text": "b"})
        );
        assert_eq!(next.shapes, shapes(2.0));
        assert_eq!(next.ranges, held.ranges);
        // Only the shapes and annotations moved: no trace is sent.
        let (frame, _) = animation(&next, &figure(&[1.5, 2.5], 3.0, "c")).unwrap();
        assert_eq!(frame["traces"], json!([]));
        assert_eq!(frame["layout"]["shapes[0].x0"], json!(3.0));

        // A shape's nested line changing, or a shape more, needs a full redraw.
        let mut restyled = second.clone();
        restyled["layout"]["shapes"][0]["line"]["color"] = json!("blue");
        assert!(animation(&held, &restyled).is_none());
        let mut more = second.clone();
        more["layout"]["shapes"] = json!([shapes(1.0)[0], shapes(2.0)[0]]);
        assert!(animation(&held, &more).is_none());
        // A renamed trace is another structure.
        let mut renamed = second.clone();
        renamed["data"][0]["name"] = json!("other");
        assert_ne!(structure(&first), structure(&renamed));
    }

    #[test]
    fn needed_refuses_what_an_animation_cannot_draw() {
        let empty = json!({"data": [], "layout": {}});
        assert_eq!(needed(&empty), None, "no trace");
        assert_eq!(needed(&json!({"data": [line(&[1.0])]})), None, "no layout");
        let ragged = json!({"data": [{"x": [0, 1, 2], "y": [1, 2]}], "layout": {}});
        assert_eq!(needed(&ragged), None, "x and y of different lengths");
        let text = json!({"data": [{"x": ["a", "b"], "y": [1, 2]}], "layout": {}});
        assert_eq!(needed(&text), None, "a line over categories");
        let uneven = json!({"data": [
            {"type": "bar", "x": ["a", "b"], "y": [1, 2]},
            {"type": "bar", "x": ["a"], "y": [1]},
        ], "layout": {}});
        assert_eq!(
            needed(&uneven),
            None,
            "bar groups over different categories"
        );
        let mixed = json!({"data": [{"type": "bar", "x": ["a"], "y": [1]}, line(&[1.0])],
            "layout": {}});
        assert_eq!(needed(&mixed), None, "categories and numbers on one axis");
        // A line on the second y axis is held on its own range (its layout's, else its data's);
        // a bar there, a second x axis or a third y axis are not.
        let second = json!({"data": [line(&[1.0]), {"x": [0, 2], "y": [5, 9], "yaxis": "y2"}],
            "layout": {}});
        assert_eq!(
            needed(&second),
            Some(Ranges {
                x: [0.0, 2.0],
                y: [0.5, 1.5],
                y2: Some([5.0, 9.0]),
            })
        );
        let mut given = second.clone();
        given["layout"]["yaxis2"] = json!({"range": [-1.0, 20.0]});
        assert_eq!(needed(&given).unwrap().y2, Some([-1.0, 20.0]));
        assert_eq!(drawn_second_range(&given), Some(Some([-1.0, 20.0])));
        assert_eq!(
            drawn_second_range(&second),
            None,
            "autoranged: not read back"
        );
        assert_eq!(
            drawn_second_range(&json!({"data": [line(&[1.0])]})),
            Some(None)
        );
        for other in [
            json!({"type": "bar", "x": [0], "y": [1], "yaxis": "y2"}),
            json!({"x": [0], "y": [1], "xaxis": "x2"}),
            json!({"x": [0], "y": [1], "yaxis": "y3"}),
            json!({"x": [0], "y": [1], "yaxis": "y2", "stackgroup": "a"}),
        ] {
            let figure = json!({"data": [line(&[1.0]), other], "layout": {}});
            assert_eq!(needed(&figure), None, "{other}");
        }
        // Held ranges grow on the second axis too, and its range is fixed with the others.
        let held = needed(&given).unwrap();
        let wider = Ranges {
            y2: Some([-1.0, 40.0]),
            ..held
        };
        assert!(!held.contain(&wider) && held.grown_to(&wider, None).contain(&wider));
        assert_eq!(
            with_ranges(&given, &wider)["layout"]["yaxis2"]["range"],
            json!([-1.0, 40.0])
        );
        // Tick values follow the held ranges: they are not part of the structure.
        let mut ticked = given.clone();
        ticked["layout"]["yaxis"] = json!({"tickvals": [0, 1]});
        ticked["layout"]["yaxis2"] = json!({"range": [0, 3], "tickvals": [0, 3]});
        let mut other_ticks = ticked.clone();
        other_ticks["layout"]["yaxis"]["tickvals"] = json!([0, 2]);
        other_ticks["layout"]["yaxis2"] = json!({"range": [0, 9], "tickvals": [0, 9]});
        assert_eq!(structure(&ticked), structure(&other_ticks));
        let dates = json!({"data": [line(&[1.0])], "layout": {"xaxis": {"type": "date"}}});
        assert_eq!(needed(&dates), None);
        // A trace without a type is a scatter, and an axis typed linear is fine.
        let untyped =
            json!({"data": [{"x": [0, 1], "y": [3, 4]}], "layout": {"yaxis": {"type": "linear"}}});
        assert_eq!(
            needed(&untyped),
            Some(Ranges {
                x: [0.0, 1.0],
                y: [3.0, 4.0],
                y2: None,
            })
        );
    }

    #[test]
    fn needed_fills_from_zero_and_widens_flat_series() {
        let area = json!({"data": [{"x": [0, 1], "y": [3, 4], "fill": "tozeroy"}], "layout": {}});
        assert_eq!(needed(&area).unwrap().y, [0.0, 4.0]);
        let flat = json!({"data": [line(&[7.0, 7.0])], "layout": {}});
        assert_eq!(needed(&flat).unwrap().y, [6.5, 7.5]);
        // An explicit range the wrong way round is not a range: the data decides.
        let reversed = json!({"data": [line(&[1.0, 2.0])], "layout": {"yaxis": {"range": [5, 0]}}});
        assert_eq!(needed(&reversed).unwrap().y, [1.0, 2.0]);
        // Two stack groups are summed apart.
        let stack = |group: &str, ys: &[f64]| json!({"x": [0, 1], "y": ys, "stackgroup": group});
        let groups = json!({"data": [stack("a", &[1.0, 2.0]), stack("b", &[5.0, 1.0]), stack("a", &[1.0, 1.0])], "layout": {}});
        assert_eq!(needed(&groups).unwrap().y, [0.0, 5.0]);
    }

    #[test]
    fn growing_adds_half_the_new_span_on_the_side_that_grew() {
        let held = Ranges {
            x: [0.0, 10.0],
            y: [0.0, 10.0],
            y2: None,
        };
        assert_eq!(held.grown_to(&held, None), held, "nothing to grow");
        let wider = Ranges {
            x: [-10.0, 10.0],
            y: [0.0, 30.0],
            y2: None,
        };
        let grown = held.grown_to(&wider, None);
        assert_eq!(grown.x, [-20.0, 10.0]);
        assert_eq!(grown.y, [0.0, 45.0]);
        assert!(!held.contain(&wider) && grown.contain(&wider));
        // Prices and amounts: no headroom under zero.
        let prices = Ranges {
            x: [50.0, 100.0],
            y: [0.0, 10.0],
            y2: None,
        };
        let lower = Ranges {
            x: [20.0, 100.0],
            ..prices
        };
        assert_eq!(prices.grown_to(&lower, None).x, [0.0, 100.0]);
        // A window on a longer series: no headroom past the series' end.
        let window = Ranges {
            x: [0.0, 25.0],
            ..prices
        };
        let run = Ranges {
            x: [0.0, 280.0],
            ..prices
        };
        assert_eq!(window.grown_to(&run, Some([0.0, 300.0])).x, [0.0, 300.0]);
        assert_eq!(window.grown_to(&run, None).x, [0.0, 420.0]);
        let figure = json!({
            "data": [{"x": [0.0, 150.0, 300.0], "y": [1.0, 2.0, 3.0]}],
            "layout": {"xaxis": {"range": [0.0, 25.0]}},
        });
        assert_eq!(x_limit(&figure), Some([0.0, 300.0]));
        let autoranged = json!({"data": figure["data"], "layout": {}});
        assert_eq!(x_limit(&autoranged), None);
    }

    #[test]
    fn with_ranges_fixes_both_axes_even_where_the_figure_had_none() {
        let figure = json!({"data": [], "layout": {"xaxis": {"title": "t", "autorange": true}}});
        let without_y = structure(&figure);
        let fixed = with_ranges(
            &figure,
            &Ranges {
                x: [1.0, 2.0],
                y: [3.0, 4.0],
                y2: None,
            },
        );
        assert_eq!(
            fixed["layout"]["xaxis"],
            json!({"title": "t", "range": [1.0, 2.0], "autorange": false})
        );
        assert_eq!(
            fixed["layout"]["yaxis"],
            json!({"range": [3.0, 4.0], "autorange": false})
        );
        // Ranges are not structure: the x axis keeps its structure, and a y axis is added.
        assert_eq!(
            structure(&fixed)["layout"]["xaxis"],
            without_y["layout"]["xaxis"]
        );
        assert_eq!(structure(&fixed)["layout"]["yaxis"], json!({}));
    }

    #[test]
    fn changed_paths_lists_plain_field_changes_in_attribute_syntax() {
        let old = json!([{"x0": 1.0, "text": "a"}, {"x0": 5.0, "text": "b"}]);
        let new = json!([{"x0": 1.0, "text": "a"}, {"x0": 6.0, "text": "c"}]);
        let mut into = Map::new();
        assert!(changed_paths("shapes", &old, &new, &mut into));
        assert_eq!(
            Value::Object(into),
            json!({"shapes[1].x0": 6.0, "shapes[1].text": "c"})
        );
        // No shapes before or after (a missing field) is no change.
        let mut into = Map::new();
        assert!(changed_paths(
            "annotations",
            &Value::Null,
            &json!([]),
            &mut into
        ));
        assert!(into.is_empty());
    }

    #[test]
    fn changed_paths_refuses_what_is_not_a_plain_field_update() {
        let refused =
            |old: Value, new: Value| !changed_paths("shapes", &old, &new, &mut Map::new());
        assert!(refused(json!([{"x0": 1}]), json!([])), "one fewer");
        assert!(
            refused(json!([{"x0": 1}]), json!([{"x0": 1}, {"x0": 2}])),
            "one more"
        );
        assert!(
            refused(json!([{"x0": 1}]), json!([{"x1": 1}])),
            "a field renamed"
        );
        assert!(
            refused(json!([{"x0": 1}]), json!([{"x0": 1, "x1": 2}])),
            "a field added"
        );
        assert!(
            refused(json!([{"x0": 1, "x1": 2}]), json!([{"x0": 1}])),
            "a field removed"
        );
        assert!(
            refused(
                json!([{"line": {"width": 1}}]),
                json!([{"line": {"width": 2}}])
            ),
            "a nested object"
        );
        assert!(
            refused(json!([{"xs": [1]}]), json!([{"xs": [2]}])),
            "an array"
        );
        assert!(refused(json!([1]), json!([2])), "not an object");
    }

    #[test]
    fn the_user_moved_an_axis_when_plotly_shows_other_ranges_than_asked() {
        let auto = json!({"layout": {"xaxis": {}}});
        assert!(!user_moved(&auto, "xaxis", [0.0, 9.0], true));
        assert!(
            user_moved(&auto, "xaxis", [0.0, 9.0], false),
            "zoomed an autoranged axis"
        );
        let fixed = json!({"layout": {"yaxis": {"range": [100.0, 200.0]}}});
        assert!(!user_moved(&fixed, "yaxis", [100.0, 200.0], false));
        assert!(
            !user_moved(&fixed, "yaxis", [100.0 + 1e-8, 200.0], false),
            "rounding is not a move"
        );
        assert!(
            user_moved(&fixed, "yaxis", [100.0, 150.0], false),
            "zoomed in"
        );
    }

    #[test]
    fn hold_keeps_what_the_next_animation_compares_against() {
        let figure = json!({"data": [line(&[1.0, 2.0])], "layout": {"shapes": [{"x0": 1}]}});
        let ranges = Ranges {
            x: [0.0, 1.0],
            y: [1.0, 2.0],
            y2: None,
        };
        let kept = hold(&figure, ranges);
        assert_eq!(kept.ranges, ranges);
        assert_eq!(kept.shapes, json!([{"x0": 1}]));
        assert_eq!(kept.annotations, Value::Null);
        assert_eq!(kept.data, json!([{"x": [0, 1], "y": [1.0, 2.0]}]));
        // The same figure again: an empty frame.
        let (frame, _) = animation(&kept, &figure).unwrap();
        assert_eq!(frame, json!({"data": [], "traces": [], "layout": {}}));
    }
}
