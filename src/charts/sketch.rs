//! A drag's drawing of a chart, without plotly.js. While a control is dragged, a chart whose axis
//! ranges are held ([`held`](super::held)) keeps its axes, grid, legend and titles from plotly's
//! last drawing (an axis the drag grew is drawn with the sketch: [`axes`](super::axes)); only its
//! traces, shapes and annotations move. Moving them through plotly.js
//! (`Plotly.animate`) still runs its defaults, calculation and SVG joins for the whole figure,
//! 2 to 4 ms a chart on a desktop and four times that on a phone, and the browser then restyles
//! and repaints the SVG. Drawn instead on a canvas laid over plotly's plot (plotly's own traces,
//! shapes and annotations hidden meanwhile), a chart's drag frame is a few hundred canvas calls.
//! When the drag settles, plotly.js draws the exact figure again and the canvas goes.
//!
//! This file is the pure part: from a figure (plotly JSON), the styles plotly resolved for it
//! ([`Look`]), the held ranges and the plot's size, the marks to paint ([`Sketch`]), in pixels.
//! It draws what the flush tab's charts use (lines, straight or stepped, dashed, filled to zero
//! or stacked; vertical bars, grouped or overlaid; line and rectangle shapes; plain-text labels),
//! the way plotly.js 3 draws them; anything else (`None`) is left to plotly.js. `charts::canvas`
//! paints a sketch.

use serde_json::Value;

use super::held::Ranges;

/// Plotly's text line height, in font sizes (`LINE_SPACING` in plotly.js).
pub const LINE_SPACING: f64 = 1.3;

/// What plotly.js resolved for a drawn figure that its JSON may leave out: default colours
/// (a stacked area's fill is its line's colour at half opacity), dashes, visibility after a legend
/// click, the bar gaps and the font. Read from plotly's state once per drag (`plotly_js::look`).
#[derive(Clone, Debug, PartialEq)]
pub struct Look {
    pub traces: Vec<TraceLook>,
    pub bar_gap: f64,
    pub bar_group_gap: f64,
    pub font_family: String,
}

/// One trace's resolved style.
#[derive(Clone, Debug, PartialEq)]
pub struct TraceLook {
    /// Shown (not hidden by a legend click).
    pub shown: bool,
    pub bar: bool,
    /// `mode` includes lines (scatter only).
    pub lines: bool,
    pub line_color: String,
    pub line_width: f64,
    /// Plotly's dash name (`solid`, `dot`, `dash`, ...) or a dash array in pixels.
    pub dash: String,
    /// `line.shape` is `hv`: a step after each point.
    pub steps: bool,
    /// `none`, `tozeroy` or `tonexty`.
    pub fill: String,
    pub fill_color: String,
    /// Stack group (empty: none).
    pub stack: String,
    /// The bar's colour (a single colour; per-bar colours are left to plotly).
    pub bar_color: String,
    /// `mode` includes markers (scatter only): a circle of `marker_size` pixels across in
    /// `marker_color` at each point (other symbols are left to plotly).
    pub markers: bool,
    pub marker_size: f64,
    pub marker_color: String,
    /// Trace opacity times marker opacity.
    pub opacity: f64,
}

/// The chart's size and its plot area, in CSS pixels from the chart's top left.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Area {
    pub width: f64,
    pub height: f64,
    pub left: f64,
    pub top: f64,
    pub plot_width: f64,
    pub plot_height: f64,
}

/// A stroke: colour, width and dash pattern (pixels, empty for solid).
#[derive(Clone, Debug, PartialEq)]
pub struct Stroke {
    pub color: String,
    pub width: f64,
    pub dash: Vec<f64>,
}

/// Horizontal alignment of a text's lines at its x.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Align {
    Left,
    Center,
    Right,
}

/// One thing to paint, in CSS pixels from the chart's top left.
#[derive(Clone, Debug, PartialEq)]
pub enum Mark {
    /// A filled polygon.
    Area {
        points: Vec<[f64; 2]>,
        color: String,
        alpha: f64,
    },
    /// A polyline.
    Line {
        points: Vec<[f64; 2]>,
        stroke: Stroke,
    },
    /// A filled circle (a scatter marker).
    Dot {
        x: f64,
        y: f64,
        radius: f64,
        color: String,
        alpha: f64,
    },
    /// A filled rectangle, with an optional outline.
    Rect {
        x: f64,
        y: f64,
        width: f64,
        height: f64,
        fill: Option<String>,
        outline: Option<Stroke>,
        alpha: f64,
    },
    /// Lines of text, each centred vertically on its own line's middle.
    Text {
        x: f64,
        /// The middle of the first line.
        y: f64,
        lines: Vec<String>,
        size: f64,
        family: String,
        color: String,
        align: Align,
        /// A box behind the lines (the annotation's `bgcolor`), `pad` wider each side.
        backdrop: Option<String>,
        pad: f64,
    },
}

/// A chart's drag frame: marks clipped to the plot area (grid lines of the axes it draws itself,
/// shapes below, bars, lines, shapes above, in plotly's order), then labels, which may reach past
/// it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Sketch {
    pub clipped: Vec<Mark>,
    pub free: Vec<Mark>,
    /// The axes the sketch draws itself, x, y and the second y (grown past plotly's:
    /// [`super::axes`]), whose grid, zero line and labels plotly's drawing hides meanwhile.
    pub own_axes: [bool; 3],
}

impl Sketch {
    /// A hash of what the sketch paints (the page's tests and benchmarks tell drawings apart
    /// by it, as they do plotly's by its SVG).
    pub fn signature(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        fn numbers(values: &[f64], hasher: &mut impl Hasher) {
            values.iter().for_each(|v| v.to_bits().hash(hasher))
        }
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        for mark in self.clipped.iter().chain(&self.free) {
            match mark {
                Mark::Area {
                    points,
                    color,
                    alpha,
                } => {
                    points.iter().for_each(|p| numbers(p, &mut hasher));
                    color.hash(&mut hasher);
                    numbers(&[*alpha], &mut hasher);
                }
                Mark::Line { points, stroke } => {
                    points.iter().for_each(|p| numbers(p, &mut hasher));
                    stroke.color.hash(&mut hasher);
                }
                Mark::Rect {
                    x,
                    y,
                    width,
                    height,
                    ..
                } => numbers(&[*x, *y, *width, *height], &mut hasher),
                Mark::Text { x, y, lines, .. } => {
                    numbers(&[*x, *y], &mut hasher);
                    lines.hash(&mut hasher);
                }
                Mark::Dot { x, y, radius, .. } => numbers(&[*x, *y, *radius], &mut hasher),
            }
        }
        hasher.finish()
    }
}

/// A text's width per character, in font sizes, taken generously (a sans-serif's widest
/// letters): a label's box is estimated without measuring its text.
const GENEROUS_CHAR_WIDTH: f64 = 0.75;
/// The canvas's box is rounded out to this many pixels, so a label that moves a little does not
/// resize it.
const BOX_GRAIN: f64 = 16.0;

impl Sketch {
    /// The part of `area` the sketch paints in, `[left, top, right, bottom]` in the chart's
    /// pixels: the plot area (the clipped marks stay in it) and every label's box, estimated
    /// generously, rounded out to [`BOX_GRAIN`] and kept inside the chart. The canvas covers
    /// only this: a software canvas is copied whole to the compositor every frame it changes,
    /// and a chart's margins, legend and axis titles are some 40% of its pixels.
    pub fn extent(&self, area: &Area) -> [f64; 4] {
        let mut extent = [
            area.left,
            area.top,
            area.left + area.plot_width,
            area.top + area.plot_height,
        ];
        for mark in &self.free {
            let [left, top, right, bottom] = match mark {
                Mark::Text {
                    x,
                    y,
                    lines,
                    size,
                    align,
                    pad,
                    ..
                } => {
                    let longest = lines.iter().map(|line| line.chars().count()).max();
                    let width = longest.unwrap_or(0) as f64 * size * GENEROUS_CHAR_WIDTH;
                    let left = match align {
                        Align::Left => *x,
                        Align::Center => x - width / 2.0,
                        Align::Right => x - width,
                    };
                    let line_height = size * LINE_SPACING;
                    let top = y - line_height / 2.0;
                    let margin = pad + 2.0;
                    [
                        left - margin,
                        top - margin,
                        left + width + margin,
                        top + lines.len() as f64 * line_height + margin,
                    ]
                }
                // Only labels are painted unclipped; anything else may be anywhere.
                _ => [0.0, 0.0, area.width, area.height],
            };
            extent = [
                extent[0].min(left),
                extent[1].min(top),
                extent[2].max(right),
                extent[3].max(bottom),
            ];
        }
        let down = |v: f64| ((v / BOX_GRAIN).floor() * BOX_GRAIN).max(0.0);
        let up = |v: f64, most: f64| ((v / BOX_GRAIN).ceil() * BOX_GRAIN).min(most);
        [
            down(extent[0]),
            down(extent[1]),
            up(extent[2], area.width),
            up(extent[3], area.height),
        ]
    }
}

/// Plotly's dash pattern for a line (`Drawing.dashStyle` in plotly.js): lengths in multiples of
/// the line width, at least 3 px; a custom pattern ("5px,2px") as given.
pub fn dash_pattern(dash: &str, width: f64) -> Vec<f64> {
    let unit = width.max(3.0);
    let multiples: &[f64] = match dash {
        "solid" | "" => &[],
        "dot" => &[1.0, 1.0],
        "dash" => &[3.0, 3.0],
        "longdash" => &[5.0, 5.0],
        "dashdot" => &[3.0, 1.0, 1.0, 1.0],
        "longdashdot" => &[5.0, 2.0, 1.0, 2.0],
        custom => {
            return custom
                .split(',')
                .filter_map(|part| part.trim().trim_end_matches("px").parse::<f64>().ok())
                .collect()
        }
    };
    multiples.iter().map(|m| m * unit).collect()
}

/// The drag frame of `figure` drawn over `ranges` in `area`, with `look`'s styles; `None` when
/// the figure has something this sketch does not draw (plotly.js draws it instead).
pub fn sketch(figure: &Value, look: &Look, ranges: &Ranges, area: &Area) -> Option<Sketch> {
    let to = Pixels { ranges, area };
    let traces = figure.get("data")?.as_array()?;
    if traces.len() != look.traces.len() || ranges.x[1] <= ranges.x[0] || ranges.y[1] <= ranges.y[0]
    {
        return None;
    }
    let layout = figure.get("layout")?;
    let shapes = list(layout.get("shapes"));
    let mut sketch = Sketch::default();
    for shape in &shapes {
        if shape.get("layer").and_then(Value::as_str) == Some("below") {
            sketch.clipped.push(shape_mark(shape, &to)?);
        }
    }
    sketch.clipped.extend(bars(traces, look, layout, &to)?);
    sketch.clipped.extend(lines(traces, look, &to)?);
    for shape in &shapes {
        if shape.get("layer").and_then(Value::as_str) != Some("below") {
            sketch.clipped.push(shape_mark(shape, &to)?);
        }
    }
    for annotation in list(layout.get("annotations")) {
        if let Some(mark) = text_mark(annotation, look, &to)? {
            sketch.free.push(mark);
        }
    }
    Some(sketch)
}

/// Maps data and paper coordinates to pixels.
struct Pixels<'a> {
    ranges: &'a Ranges,
    area: &'a Area,
}

impl Pixels<'_> {
    fn x(&self, x: f64) -> f64 {
        let [low, high] = self.ranges.x;
        self.area.left + (x - low) / (high - low) * self.area.plot_width
    }
    fn y(&self, y: f64) -> f64 {
        let [low, high] = self.ranges.y;
        self.area.top + self.area.plot_height - (y - low) / (high - low) * self.area.plot_height
    }
    fn paper_x(&self, x: f64) -> f64 {
        self.area.left + x * self.area.plot_width
    }
    fn paper_y(&self, y: f64) -> f64 {
        self.area.top + (1.0 - y) * self.area.plot_height
    }
    /// `value` on the x axis (`xref` "x") or the paper (`xref` "paper"); `None` for another axis.
    fn along_x(&self, value: f64, reference: Option<&str>) -> Option<f64> {
        match reference.unwrap_or("x") {
            "x" => Some(self.x(value)),
            "paper" => Some(self.paper_x(value)),
            _ => None,
        }
    }
    fn along_y(&self, value: f64, reference: Option<&str>) -> Option<f64> {
        match reference.unwrap_or("y") {
            "y" => Some(self.y(value)),
            "paper" => Some(self.paper_y(value)),
            _ => None,
        }
    }
}

fn list(value: Option<&Value>) -> Vec<&Value> {
    value
        .and_then(Value::as_array)
        .map(|items| items.iter().collect())
        .unwrap_or_default()
}

fn numbers(value: Option<&Value>) -> Option<Vec<f64>> {
    value?.as_array()?.iter().map(Value::as_f64).collect()
}

fn text<'a>(value: &'a Value, key: &str) -> Option<&'a str> {
    value.get(key).and_then(Value::as_str)
}

fn number(value: &Value, key: &str) -> Option<f64> {
    value.get(key).and_then(Value::as_f64)
}

/// The scatter traces: every fill first (in trace order, as plotly puts fills under lines),
/// then every line, then every marker.
fn lines(traces: &[Value], look: &Look, to: &Pixels) -> Option<Vec<Mark>> {
    // Each shown scatter trace's points (stacked where it is in a stack group), in data units.
    let mut drawn: Vec<(usize, Vec<[f64; 2]>)> = Vec::new();
    let mut stacks: Vec<(&str, Vec<f64>)> = Vec::new();
    for (index, (trace, style)) in traces.iter().zip(&look.traces).enumerate() {
        if style.bar || !style.shown {
            continue;
        }
        // A see-through line, and markers on a stepped line (plotly puts them on the data
        // points, not the step corners), are left to plotly (no chart here draws either).
        if (style.lines && style.opacity < 1.0) || (style.steps && style.markers) {
            return None;
        }
        let xs = numbers(trace.get("x"))?;
        let mut ys = numbers(trace.get("y"))?;
        if xs.len() != ys.len() {
            return None;
        }
        // A line on the second y axis is drawn in the first's units: each value placed where
        // its share of the second axis's range puts it (no fill or stack there: none is drawn).
        if text(trace, "yaxis") == Some("y2") {
            let [low2, high2] = to.ranges.y2?;
            let [low, high] = to.ranges.y;
            if high2 <= low2 || style.fill != "none" || !style.stack.is_empty() {
                return None;
            }
            for y in &mut ys {
                *y = low + (*y - low2) / (high2 - low2) * (high - low);
            }
        }
        if !style.stack.is_empty() {
            let at = match stacks.iter().position(|(name, _)| *name == style.stack) {
                Some(at) => at,
                None => {
                    stacks.push((&style.stack, vec![0.0; ys.len()]));
                    stacks.len() - 1
                }
            };
            let totals = &mut stacks[at].1;
            if totals.len() != ys.len() {
                return None;
            }
            for (total, y) in totals.iter_mut().zip(ys.iter_mut()) {
                *total += *y;
                *y = *total;
            }
        }
        let points: Vec<[f64; 2]> = xs.into_iter().zip(ys).map(|(x, y)| [x, y]).collect();
        drawn.push((index, if style.steps { steps(&points) } else { points }));
    }
    let pixels = |points: &[[f64; 2]]| -> Vec<[f64; 2]> {
        points.iter().map(|&[x, y]| [to.x(x), to.y(y)]).collect()
    };
    let mut marks = Vec::new();
    for (k, (index, points)) in drawn.iter().enumerate() {
        let style = &look.traces[*index];
        if points.is_empty() {
            continue;
        }
        // The trace a "tonexty" fill reaches: the one before in its stack group, or (outside
        // stacks) the scatter trace before it; with none, plotly fills to zero.
        let previous = drawn[..k].iter().rev().find(|(before, _)| {
            let before = &look.traces[*before];
            before.stack == style.stack
        });
        let outline = match (style.fill.as_str(), previous) {
            ("none", _) => continue,
            ("tonexty", Some((_, below))) => {
                let mut outline = pixels(points);
                outline.extend(pixels(below).into_iter().rev());
                outline
            }
            ("tozeroy" | "tonexty", _) => {
                let mut outline = pixels(points);
                let (first, last) = (points[0][0], points[points.len() - 1][0]);
                outline.push([to.x(last), to.y(0.0)]);
                outline.push([to.x(first), to.y(0.0)]);
                outline
            }
            _ => return None,
        };
        marks.push(Mark::Area {
            points: outline,
            color: style.fill_color.clone(),
            alpha: style.opacity,
        });
    }
    for (index, points) in &drawn {
        let style = &look.traces[*index];
        if style.lines && style.line_width > 0.0 && points.len() > 1 {
            marks.push(Mark::Line {
                points: pixels(points),
                stroke: Stroke {
                    color: style.line_color.clone(),
                    width: style.line_width,
                    dash: dash_pattern(&style.dash, style.line_width),
                },
            });
        }
    }
    for (index, points) in &drawn {
        let style = &look.traces[*index];
        if style.markers {
            marks.extend(points.iter().map(|&[x, y]| Mark::Dot {
                x: to.x(x),
                y: to.y(y),
                radius: style.marker_size / 2.0,
                color: style.marker_color.clone(),
                alpha: style.opacity,
            }));
        }
    }
    Some(marks)
}

/// A stepped line through `points` (`hv`: across at each point's height, then up or down).
fn steps(points: &[[f64; 2]]) -> Vec<[f64; 2]> {
    let mut stepped = Vec::with_capacity(points.len() * 2);
    for pair in points.windows(2) {
        stepped.push(pair[0]);
        stepped.push([pair[1][0], pair[0][1]]);
    }
    stepped.extend(points.last());
    stepped
}

/// The bar traces, from zero, side by side in each category ("group") or over each other
/// ("overlay"), as wide as plotly makes them: a category's width less the bar gap, shared
/// among the shown bar traces in a group, each less the group gap.
fn bars(traces: &[Value], look: &Look, layout: &Value, to: &Pixels) -> Option<Vec<Mark>> {
    let shown: Vec<usize> = (0..traces.len())
        .filter(|&k| look.traces[k].bar && look.traces[k].shown)
        .collect();
    if shown.is_empty() {
        return Some(Vec::new());
    }
    // Bars are drawn on the first y axis only.
    if shown
        .iter()
        .any(|&k| text(&traces[k], "yaxis").is_some_and(|a| a != "y"))
    {
        return None;
    }
    let grouped = match text(layout, "barmode").unwrap_or("group") {
        "group" => true,
        "overlay" => false,
        _ => return None,
    };
    // Positions: category slots 0, 1, 2... (every trace the same labels), or numbers.
    let mut all: Vec<Vec<f64>> = Vec::new();
    let mut labels: Option<&Vec<Value>> = None;
    for &k in &shown {
        let x = traces[k].get("x")?.as_array()?;
        let at = if x.iter().all(Value::is_string) {
            if labels.is_some_and(|labels| labels != x) {
                return None;
            }
            labels = Some(x);
            (0..x.len()).map(|i| i as f64).collect()
        } else {
            numbers(traces[k].get("x"))?
        };
        all.push(at);
    }
    if labels.is_some() && all.iter().any(|at| at.len() != labels.map_or(0, Vec::len)) {
        return None;
    }
    // A slot's width: one category, or the smallest distance between two numeric positions.
    let slot = if labels.is_some() {
        1.0
    } else {
        let mut sorted: Vec<f64> = all.iter().flatten().copied().collect();
        sorted.sort_by(f64::total_cmp);
        sorted.dedup();
        sorted
            .windows(2)
            .map(|pair| pair[1] - pair[0])
            .fold(f64::INFINITY, f64::min)
    };
    if !slot.is_finite() || slot <= 0.0 {
        return None;
    }
    let group = slot * (1.0 - look.bar_gap.clamp(0.0, 1.0));
    let count = if grouped { shown.len() as f64 } else { 1.0 };
    let each = group / count;
    let mut marks = Vec::new();
    for (rank, (&k, at)) in shown.iter().zip(&all).enumerate() {
        let style = &look.traces[k];
        let ys = numbers(traces[k].get("y"))?;
        if ys.len() != at.len() {
            return None;
        }
        let offset = if grouped {
            -group / 2.0 + each * (rank as f64 + 0.5)
        } else {
            0.0
        };
        let width = each * (1.0 - look.bar_group_gap.clamp(0.0, 1.0));
        for (&x, &y) in at.iter().zip(&ys) {
            let centre = x + offset;
            let (left, right) = (to.x(centre - width / 2.0), to.x(centre + width / 2.0));
            let (top, base) = (to.y(y.max(0.0)), to.y(y.min(0.0)));
            marks.push(Mark::Rect {
                x: left,
                y: top,
                width: right - left,
                height: base - top,
                fill: Some(style.bar_color.clone()),
                outline: None,
                alpha: style.opacity,
            });
        }
    }
    Some(marks)
}

/// A line or rectangle shape (plotly's defaults: a 2 px "#444" line, no fill).
fn shape_mark(shape: &Value, to: &Pixels) -> Option<Mark> {
    let kind = text(shape, "type").unwrap_or("rect");
    let (x_ref, y_ref) = (text(shape, "xref"), text(shape, "yref"));
    let x0 = to.along_x(number(shape, "x0")?, x_ref)?;
    let x1 = to.along_x(number(shape, "x1")?, x_ref)?;
    let y0 = to.along_y(number(shape, "y0")?, y_ref)?;
    let y1 = to.along_y(number(shape, "y1")?, y_ref)?;
    let line = shape.get("line");
    let width = line.and_then(|line| number(line, "width")).unwrap_or(2.0);
    let outline = (width > 0.0).then(|| Stroke {
        color: line
            .and_then(|line| text(line, "color"))
            .unwrap_or("#444")
            .to_string(),
        width,
        dash: dash_pattern(
            line.and_then(|line| text(line, "dash")).unwrap_or("solid"),
            width,
        ),
    });
    let alpha = number(shape, "opacity").unwrap_or(1.0);
    match kind {
        "line" => Some(Mark::Line {
            points: vec![[x0, y0], [x1, y1]],
            stroke: outline?,
        }),
        "rect" => Some(Mark::Rect {
            x: x0.min(x1),
            y: y0.min(y1),
            width: (x1 - x0).abs(),
            height: (y1 - y0).abs(),
            fill: text(shape, "fillcolor").map(str::to_string),
            outline,
            alpha,
        }),
        _ => None,
    }
}

/// A label without an arrow or an outline, its lines broken at `<br>`, on its backdrop if it has
/// one; `Some(None)` for a hidden one, `None` for what this sketch does not draw (markup, an
/// arrow, an outline).
fn text_mark(annotation: &Value, look: &Look, to: &Pixels) -> Option<Option<Mark>> {
    if annotation.get("visible") == Some(&Value::Bool(false)) {
        return Some(None);
    }
    let arrow = annotation
        .get("showarrow")
        .and_then(Value::as_bool)
        .unwrap_or(true);
    let backdrop = text(annotation, "bgcolor")
        .filter(|color| !transparent(color))
        .map(str::to_string);
    let outline = text(annotation, "bordercolor").is_some_and(|color| !transparent(color));
    let content = text(annotation, "text")?;
    let lines: Vec<String> = content
        .split("<br>")
        .map(|line| line.replace("&nbsp;", " "))
        .collect();
    if arrow || outline || lines.iter().any(|line| line.contains(['<', '&'])) {
        return None;
    }
    let (x_ref, y_ref) = (text(annotation, "xref"), text(annotation, "yref"));
    let (x_value, y_value) = (number(annotation, "x")?, number(annotation, "y")?);
    // Shifts in pixels, y upwards (plotly's `xshift`, `yshift`).
    let x = to.along_x(x_value, x_ref)? + number(annotation, "xshift").unwrap_or(0.0);
    let y = to.along_y(y_value, y_ref)? - number(annotation, "yshift").unwrap_or(0.0);
    let font = annotation.get("font");
    let size = font.and_then(|font| number(font, "size")).unwrap_or(12.0);
    let color = font
        .and_then(|font| text(font, "color"))
        .unwrap_or("#444")
        .to_string();
    // Where the box sits against its point: plotly's "auto" is the middle for data
    // coordinates and the nearest side (thirds) for paper ones.
    let side = |anchor: Option<&str>, reference: Option<&str>, position: f64| match anchor
        .unwrap_or("auto")
    {
        "auto" if reference == Some("paper") => {
            if position <= 1.0 / 3.0 {
                -1
            } else if position >= 2.0 / 3.0 {
                1
            } else {
                0
            }
        }
        "auto" => 0,
        "left" | "bottom" => -1,
        "right" | "top" => 1,
        _ => 0,
    };
    // The box: the text plus plotly's default padding (1 px) and border (1 px) each side.
    let pad = number(annotation, "borderpad").unwrap_or(1.0)
        + number(annotation, "borderwidth").unwrap_or(1.0);
    let line_height = size * LINE_SPACING;
    let box_height = lines.len() as f64 * line_height + 2.0 * pad;
    let box_top = match side(text(annotation, "yanchor"), y_ref, y_value) {
        1 => y,
        -1 => y - box_height,
        _ => y - box_height / 2.0,
    };
    let (text_x, align) = match side(text(annotation, "xanchor"), x_ref, x_value) {
        -1 => (x + pad, Align::Left),
        1 => (x - pad, Align::Right),
        _ => (x, Align::Center),
    };
    Some(Some(Mark::Text {
        x: text_x,
        y: box_top + pad + line_height / 2.0,
        lines,
        size,
        family: look.font_family.clone(),
        color,
        align,
        backdrop,
        pad,
    }))
}

/// A colour that paints nothing (`rgba(...,0)` or `transparent`).
fn transparent(color: &str) -> bool {
    let color = color.replace(' ', "");
    color == "transparent" || (color.starts_with("rgba(") && color.ends_with(",0)"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn area() -> Area {
        Area {
            width: 300.0,
            height: 200.0,
            left: 50.0,
            top: 20.0,
            plot_width: 200.0,
            plot_height: 100.0,
        }
    }

    fn style() -> TraceLook {
        TraceLook {
            shown: true,
            bar: false,
            lines: true,
            line_color: "#111".into(),
            line_width: 2.0,
            dash: "solid".into(),
            steps: false,
            fill: "none".into(),
            fill_color: "rgba(0,0,0,0.5)".into(),
            stack: String::new(),
            bar_color: "#222".into(),
            markers: false,
            marker_size: 6.0,
            marker_color: "#333".into(),
            opacity: 1.0,
        }
    }

    fn look(traces: Vec<TraceLook>) -> Look {
        Look {
            traces,
            bar_gap: 0.2,
            bar_group_gap: 0.0,
            font_family: "sans-serif".into(),
        }
    }

    const RANGES: Ranges = Ranges {
        x: [0.0, 10.0],
        y: [0.0, 100.0],
        y2: None,
    };

    /// The look plotly resolves for a figure that sets its own colours (as every chart here does).
    fn look_of(figure: &Value) -> Look {
        let traces = figure["data"].as_array().unwrap();
        let look = traces
            .iter()
            .map(|trace| {
                let field = |path: &[&str]| {
                    path.iter()
                        .try_fold(trace, |value, key| value.get(*key))
                        .and_then(Value::as_str)
                        .map(str::to_string)
                };
                let stack = field(&["stackgroup"]).unwrap_or_default();
                let color = field(&["line", "color"]).unwrap_or("#444".into());
                TraceLook {
                    shown: trace.get("visible").is_none(),
                    bar: field(&["type"]).as_deref() == Some("bar"),
                    lines: field(&["mode"]).is_none_or(|mode| mode.contains("lines")),
                    line_width: trace["line"]["width"].as_f64().unwrap_or(2.0),
                    dash: field(&["line", "dash"]).unwrap_or("solid".into()),
                    steps: field(&["line", "shape"]).as_deref() == Some("hv"),
                    fill: field(&["fill"]).unwrap_or(if stack.is_empty() {
                        "none".into()
                    } else {
                        "tonexty".into()
                    }),
                    fill_color: field(&["fillcolor"]).unwrap_or(color.clone()),
                    stack,
                    bar_color: field(&["marker", "color"]).unwrap_or("#444".into()),
                    markers: field(&["mode"]).is_some_and(|mode| mode.contains("markers")),
                    marker_size: trace["marker"]["size"].as_f64().unwrap_or(6.0),
                    marker_color: field(&["marker", "color"]).unwrap_or("#444".into()),
                    line_color: color,
                    opacity: 1.0,
                }
            })
            .collect();
        Look {
            traces: look,
            bar_gap: 0.2,
            bar_group_gap: 0.0,
            font_family: "sans-serif".into(),
        }
    }

    /// Every chart of the flush tab that a drag holds is sketched on every preset (none falls
    /// back to plotly.js's slower animation), and paints its data.
    #[test]
    fn every_held_chart_of_every_preset_is_sketched() {
        let mut sketched = 0;
        for (preset, chart, figure, needed) in super::super::held_figures() {
            let drawn = sketch(&figure, &look_of(&figure), &needed, &area());
            let name = (&preset, chart);
            let drawn = drawn.unwrap_or_else(|| panic!("{name:?} is not sketched"));
            let has_data = figure["data"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|trace| trace["y"].as_array().is_some_and(|ys| !ys.is_empty()));
            assert!(
                !has_data || !drawn.clipped.is_empty(),
                "{name:?} paints nothing"
            );
            sketched += 1;
        }
        assert!(sketched >= 5 * flushlab_engine::presets::all().len());
    }

    /// A line on the second y axis lands where its share of that axis's range puts it: the
    /// value 15 on a 10-20 axis is halfway up, as 50 is on the first axis's 0-100.
    #[test]
    fn a_line_on_the_second_axis_is_placed_by_its_own_range() {
        let ranges = Ranges {
            y2: Some([10.0, 20.0]),
            ..RANGES
        };
        let first = json!({"data": [{"x": [0, 10], "y": [50, 50]}], "layout": {}});
        let second = json!({"data": [{"x": [0, 10], "y": [15, 15], "yaxis": "y2"}], "layout": {}});
        let drawn = |figure: &serde_json::Value, ranges: &Ranges| {
            sketch(figure, &look(vec![style()]), ranges, &area())
        };
        assert_eq!(drawn(&second, &ranges), drawn(&first, &ranges));
        assert!(drawn(&second, &ranges).is_some());
        // Without a range for the second axis there is nothing to place it by.
        assert_eq!(drawn(&second, &RANGES), None);
    }

    #[test]
    fn dashes_follow_plotly_scaled_by_the_line_width_from_3_px() {
        assert_eq!(dash_pattern("solid", 2.0), Vec::<f64>::new());
        assert_eq!(dash_pattern("dot", 2.0), vec![3.0, 3.0]);
        assert_eq!(dash_pattern("dash", 2.0), vec![9.0, 9.0]);
        assert_eq!(dash_pattern("dash", 4.0), vec![12.0, 12.0]);
        assert_eq!(dash_pattern("dashdot", 1.0), vec![9.0, 3.0, 3.0, 3.0]);
        assert_eq!(dash_pattern("5px,2px", 1.0), vec![5.0, 2.0]);
    }

    #[test]
    fn a_line_maps_data_to_the_plot_area_in_pixels() {
        let figure = json!({"data": [{"x": [0, 5, 10], "y": [0, 50, 100]}], "layout": {}});
        let drawn = sketch(&figure, &look(vec![style()]), &RANGES, &area()).unwrap();
        let Mark::Line { points, stroke } = &drawn.clipped[0] else {
            panic!("a line: {drawn:?}")
        };
        assert_eq!(points, &vec![[50.0, 120.0], [150.0, 70.0], [250.0, 20.0]]);
        assert_eq!(stroke.width, 2.0);
        assert!(stroke.dash.is_empty());
    }

    #[test]
    fn markers_are_dots_of_their_size_at_each_point() {
        let figure = json!({"data": [{"x": [5], "y": [50], "mode": "markers"}], "layout": {}});
        let dots = TraceLook {
            lines: false,
            markers: true,
            marker_size: 12.0,
            ..style()
        };
        let drawn = sketch(&figure, &look(vec![dots]), &RANGES, &area()).unwrap();
        assert_eq!(
            drawn.clipped,
            vec![Mark::Dot {
                x: 150.0,
                y: 70.0,
                radius: 6.0,
                color: "#333".into(),
                alpha: 1.0
            }]
        );
    }

    #[test]
    fn stacked_steps_fill_between_the_totals_and_the_first_to_zero() {
        let figure = json!({"data": [
            {"x": [0, 10], "y": [10, 20]},
            {"x": [0, 10], "y": [30, 40]},
        ], "layout": {}});
        let stacked = TraceLook {
            stack: "s".into(),
            fill: "tonexty".into(),
            steps: true,
            line_width: 0.0,
            ..style()
        };
        let drawn = sketch(
            &figure,
            &look(vec![stacked.clone(), stacked]),
            &RANGES,
            &area(),
        )
        .unwrap();
        assert_eq!(drawn.clipped.len(), 2, "two fills, no line (width 0)");
        let Mark::Area { points, .. } = &drawn.clipped[0] else {
            panic!()
        };
        // Steps (0,10) (10,10) (10,20), then down to zero at x 10 and x 0.
        assert_eq!(
            points,
            &vec![
                [50.0, 110.0],
                [250.0, 110.0],
                [250.0, 100.0],
                [250.0, 120.0],
                [50.0, 120.0]
            ]
        );
        let Mark::Area { points, .. } = &drawn.clipped[1] else {
            panic!()
        };
        // The second sits on the first: totals 40 then 60, back along the first's steps.
        assert_eq!(points[0], [50.0, 80.0]);
        assert_eq!(points[2], [250.0, 60.0]);
        assert_eq!(points[3], [250.0, 100.0], "back along the trace below");
        assert_eq!(points.len(), 6);
    }

    #[test]
    fn grouped_bars_share_a_category_less_the_gap() {
        let figure = json!({"data": [
            {"type": "bar", "x": ["a", "b"], "y": [50, 10]},
            {"type": "bar", "x": ["a", "b"], "y": [20, 0]},
        ], "layout": {"barmode": "group"}});
        let bar = TraceLook {
            bar: true,
            lines: false,
            ..style()
        };
        let ranges = Ranges {
            x: [-0.5, 1.5],
            y: [0.0, 100.0],
            y2: None,
        };
        let drawn = sketch(&figure, &look(vec![bar.clone(), bar]), &ranges, &area()).unwrap();
        assert_eq!(drawn.clipped.len(), 4);
        // Category "a" spans x 50..150 px; the group 80 px wide, two bars of 40 px.
        let Mark::Rect {
            x,
            width,
            y,
            height,
            ..
        } = drawn.clipped[0]
        else {
            panic!()
        };
        assert!((x - 60.0).abs() < 1e-9 && (width - 40.0).abs() < 1e-9);
        assert!((y - 70.0).abs() < 1e-9 && (height - 50.0).abs() < 1e-9);
        let Mark::Rect { x, .. } = drawn.clipped[1] else {
            panic!()
        };
        assert!((x - 160.0).abs() < 1e-9, "the first trace's bar in \"b\"");
        let Mark::Rect { x, .. } = drawn.clipped[2] else {
            panic!()
        };
        assert!(
            (x - 100.0).abs() < 1e-9,
            "the second trace beside the first"
        );
    }

    #[test]
    fn shapes_and_labels_use_data_and_paper_coordinates() {
        let figure = json!({"data": [{"x": [0, 10], "y": [0, 100]}], "layout": {
            "shapes": [
                {"type": "rect", "xref": "x", "yref": "paper", "x0": 0, "x1": 5, "y0": 0, "y1": 1,
                 "fillcolor": "grey", "layer": "below", "line": {"width": 0}},
                {"type": "line", "xref": "x", "yref": "paper", "x0": 5, "x1": 5, "y0": 0, "y1": 1,
                 "line": {"color": "red", "width": 1.5, "dash": "dot"}},
            ],
            "annotations": [
                {"x": 5, "y": 1, "xref": "x", "yref": "paper", "text": "shock -4.0%",
                 "showarrow": false, "xanchor": "left", "font": {"size": 11, "color": "#555"}},
            ],
        }});
        let drawn = sketch(&figure, &look(vec![style()]), &RANGES, &area()).unwrap();
        assert!(
            matches!(&drawn.clipped[0], Mark::Rect { x, width, y, height, outline: None, .. }
                if *x == 50.0 && *width == 100.0 && *y == 20.0 && *height == 100.0),
            "the band below the line, across the plot's height: {:?}",
            drawn.clipped[0]
        );
        assert!(matches!(drawn.clipped[1], Mark::Line { .. }), "the trace");
        let Mark::Line { points, stroke } = &drawn.clipped[2] else {
            panic!()
        };
        assert_eq!(points, &vec![[150.0, 120.0], [150.0, 20.0]]);
        assert_eq!(stroke.dash, vec![3.0, 3.0]);
        let Mark::Text {
            x, y, align, lines, ..
        } = &drawn.free[0]
        else {
            panic!()
        };
        // Paper y 1 is the plot's top; "auto" there hangs the box below it.
        assert_eq!((*x, *align), (152.0, Align::Left));
        assert!((*y - (20.0 + 2.0 + 11.0 * 1.3 / 2.0)).abs() < 1e-9);
        assert_eq!(lines, &vec!["shock -4.0%".to_string()]);
    }

    /// The canvas covers the plot and the labels, not the chart's margins: a label inside the
    /// plot adds nothing, one reaching past it (above, or past the right edge) widens the box,
    /// never past the chart; edges rounded out to 16 px.
    #[test]
    fn a_sketch_covers_its_plot_and_its_labels() {
        let label = |x: f64, y: f64, text: &str, align: Align| Mark::Text {
            x,
            y,
            lines: vec![text.to_string()],
            size: 10.0,
            family: "sans-serif".into(),
            color: "#000".into(),
            align,
            backdrop: None,
            pad: 1.0,
        };
        let plot_only = Sketch::default();
        // The plot (50..250 x 20..120) rounded out: 48..256 x 16..128.
        assert_eq!(plot_only.extent(&area()), [48.0, 16.0, 256.0, 128.0]);
        let inside = Sketch {
            free: vec![label(100.0, 60.0, "shock", Align::Left)],
            ..Sketch::default()
        };
        assert_eq!(inside.extent(&area()), plot_only.extent(&area()));
        // A label over the plot's top-right corner, right-aligned at x 260: 20 characters at
        // 7.5 px each reach left to 110; its line (13 px) and margin (3) up to y 2.5.
        let outside = Sketch {
            free: vec![label(260.0, 12.0, "a label of 20 chars.", Align::Right)],
            ..Sketch::default()
        };
        assert_eq!(outside.extent(&area()), [48.0, 0.0, 272.0, 128.0]);
        // A label past the chart is cut at its edge; any other unclipped mark takes it all.
        let past = Sketch {
            free: vec![label(290.0, 190.0, "far right", Align::Left)],
            ..Sketch::default()
        };
        assert_eq!(past.extent(&area()), [48.0, 16.0, 300.0, 200.0]);
        let dot = Sketch {
            free: vec![Mark::Dot {
                x: 1.0,
                y: 1.0,
                radius: 1.0,
                color: "#000".into(),
                alpha: 1.0,
            }],
            ..Sketch::default()
        };
        assert_eq!(dot.extent(&area()), [0.0, 0.0, 300.0, 200.0]);
    }

    /// A label shifted off its line and on a backdrop (the charts' line labels) is drawn so: its
    /// box first, then its words, moved as plotly moves them; an outlined one is left to plotly.
    #[test]
    fn a_label_keeps_its_shift_and_its_backdrop() {
        let label = |extra: serde_json::Value| {
            let mut annotation = json!({"x": 5, "y": 1, "xref": "x", "yref": "paper",
                "text": "start", "showarrow": false, "xanchor": "left"});
            for (key, value) in extra.as_object().unwrap() {
                annotation[key] = value.clone();
            }
            let figure = json!({"data": [{"x": [0, 10], "y": [0, 100]}],
                "layout": {"annotations": [annotation]}});
            sketch(&figure, &look(vec![style()]), &RANGES, &area())
        };
        let drawn = label(json!({"xshift": 3, "yshift": 2, "bgcolor": "rgba(255,255,255,0.85)"}))
            .expect("drawn by the sketch");
        let Mark::Text {
            x,
            y,
            backdrop,
            pad,
            ..
        } = &drawn.free[0]
        else {
            panic!()
        };
        let plain = label(json!({})).expect("drawn");
        let Mark::Text {
            x: plain_x,
            y: plain_y,
            backdrop: none,
            ..
        } = &plain.free[0]
        else {
            panic!()
        };
        assert_eq!(
            (*x - plain_x, *y - plain_y),
            (3.0, -2.0),
            "right 3 px, up 2 px"
        );
        assert_eq!(backdrop.as_deref(), Some("rgba(255,255,255,0.85)"));
        assert_eq!((none, *pad), (&None, 2.0));
        assert!(label(json!({"bgcolor": "rgba(0,0,0,0)"})).is_some());
        assert!(label(json!({"bordercolor": "#000"})).is_none());
    }

    #[test]
    fn what_the_sketch_does_not_draw_is_left_to_plotly() {
        let with = |layout: serde_json::Value| {
            let figure = json!({"data": [{"x": [0, 10], "y": [0, 100]}], "layout": layout});
            sketch(&figure, &look(vec![style()]), &RANGES, &area())
        };
        assert!(with(json!({})).is_some());
        assert!(with(
            json!({"annotations": [{"x": 1, "y": 1, "text": "<b>bold</b>", "showarrow": false}]})
        )
        .is_none());
        assert!(
            with(json!({"annotations": [{"x": 1, "y": 1, "text": "with an arrow"}]})).is_none()
        );
        assert!(
            with(json!({"shapes": [{"type": "circle", "x0": 0, "x1": 1, "y0": 0, "y1": 1}]}))
                .is_none()
        );
        // A trace the look does not know (the figure changed under it).
        let figure = json!({"data": [{"x": [0], "y": [0]}, {"x": [0], "y": [0]}], "layout": {}});
        assert!(sketch(&figure, &look(vec![style()]), &RANGES, &area()).is_none());
        // A hidden trace is not drawn.
        let hidden = TraceLook {
            shown: false,
            ..style()
        };
        let figure = json!({"data": [{"x": [0, 1], "y": [0, 1]}], "layout": {}});
        assert_eq!(
            sketch(&figure, &look(vec![hidden]), &RANGES, &area()),
            Some(Sketch::default())
        );
    }
}
