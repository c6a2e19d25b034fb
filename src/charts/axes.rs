//! A drag's grown axes, drawn by its sketch. When a dragged chart's data outgrows the ranges
//! plotly's axes show, its held ranges grow ([`held`](super::held)). Moving plotly's axes with
//! them (`Plotly.relayout`) redraws the axes and everything on them: 20 to 60 ms with the CPU
//! throttled 4x on a 1440p screen, a dropped frame or two each time, about four times in a shock
//! sweep. Instead the sketch draws a grown axis's grid, zero line and tick labels on its canvas,
//! as plotly would (its automatic ticks, or the chart's own amount ticks placed again over the
//! grown range), while plotly's are hidden under it; when the drag settles plotly draws the exact
//! figure, axes and all.
//!
//! Pure: from the axis's figure JSON, the look plotly resolved for it ([`AxisLook`]), its range
//! and the plot area, the marks to paint.

use serde_json::Value;

use super::sketch::{Align, Area, Mark, Sketch, Stroke};

/// Which axis: across, up on the left, or up on the right (`yaxis2`, overlaying y: the
/// algorithms' flows beside the liquidations).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Letter {
    X = 0,
    Y = 1,
    Y2 = 2,
}

impl Letter {
    pub const ALL: [Letter; 3] = [Letter::X, Letter::Y, Letter::Y2];

    /// Its name in a plotly layout.
    pub fn layout_key(self) -> &'static str {
        ["xaxis", "yaxis", "yaxis2"][self as usize]
    }
}

/// What plotly resolved for an axis (`_fullLayout.xaxis`), read when a drag first grows it.
#[derive(Clone, Debug, PartialEq)]
pub struct AxisLook {
    /// An axis the sketch can draw: linear, on its usual side (x at the bottom, y on the left, the
    /// second y on the right), labels shown level, without tick marks or a format string,
    /// numbers written plotly's default way (SI letters, "B" for billions). Any other grows
    /// through plotly.js.
    pub drawable: bool,
    /// The grid's stroke (`None`: no grid).
    pub grid: Option<Stroke>,
    /// The zero line's stroke (`None`: none).
    pub zero_line: Option<Stroke>,
    pub font_size: f64,
    pub font_color: String,
    pub font_family: String,
    pub prefix: String,
    pub suffix: String,
}

/// The chart's own ticks on `axis`: `None` when plotly places them; `Some(Some(dollars))` when
/// they are amounts written as the page writes them (in dollars or not); `Some(None)` when they
/// are something else.
fn own_ticks(axis: Option<&Value>) -> Option<Option<bool>> {
    let values = axis?.get("tickvals")?.as_array()?;
    let Some(texts) = axis.and_then(|axis| axis.get("ticktext")?.as_array()) else {
        return Some(None);
    };
    let pairs: Option<Vec<(f64, &str)>> = values
        .iter()
        .zip(texts)
        .map(|(value, text)| Some((value.as_f64()?, text.as_str()?)))
        .collect();
    let written = |dollars: bool| {
        pairs.as_ref().is_some_and(|pairs| {
            values.len() == texts.len()
                && pairs
                    .iter()
                    .all(|&(value, text)| crate::format::tick(value, dollars) == text)
        })
    };
    Some([true, false].into_iter().find(|&dollars| written(dollars)))
}

/// The ticks the axis whose figure JSON is `axis` (`layout.xaxis`) shows over `range` (`length`
/// pixels long), each with its label; `None` when the sketch cannot draw the axis: a look that is
/// not drawable, or ticks the chart wrote other than as the page writes amounts
/// ([`super::amounts_at`]).
pub fn ticks(
    axis: Option<&Value>,
    look: &AxisLook,
    letter: Letter,
    range: [f64; 2],
    length: f64,
) -> Option<Vec<(f64, String)>> {
    let [low, high] = range;
    if !(look.drawable && high > low && length > 0.0) {
        return None;
    }
    let labelled = |values: Vec<f64>, label: &dyn Fn(f64) -> String| {
        let labels = values.into_iter().map(|value| {
            let text = label(value);
            (value, format!("{}{text}{}", look.prefix, look.suffix))
        });
        Some(labels.collect::<Vec<_>>())
    };
    match own_ticks(axis) {
        // Amounts at a round step, placed again as the chart places them (`ticks_to`); none
        // below zero where the chart labels none (an axis that reaches below zero only to line
        // its zero up with the second axis's).
        Some(Some(dollars)) => {
            let slack = (high - low) * 1e-9;
            let from = if labels_negatives(axis) { low } else { 0.0 };
            let values = super::round_ticks(low, high, 6.0)
                .into_iter()
                .filter(|&value| value >= from.max(low) - slack)
                .collect();
            labelled(values, &|value| crate::format::tick(value, dollars))
        }
        Some(None) => None,
        None => {
            let step = auto_step(high - low, length, letter);
            let values = multiples_within(step, low, high);
            let format = NumberFormat::new(step, range)?;
            labelled(values, &|value| format.write(value))
        }
    }
}

/// Whether the chart's own ticks on `axis` include a negative amount.
fn labels_negatives(axis: Option<&Value>) -> bool {
    axis.and_then(|axis| axis.get("tickvals")?.as_array())
        .is_some_and(|values| values.iter().any(|value| value.as_f64() < Some(0.0)))
}

/// Plotly's automatic tick step for a linear axis spanning `span` over `length` pixels
/// (`autoTicks`): about one tick each 80 px across, 40 px up, 5 to 10 of them, the rough step
/// rounded up to 2, 5 or 10 times a power of ten.
fn auto_step(span: f64, length: f64, letter: Letter) -> f64 {
    let per_tick = match letter {
        Letter::X => 80.0,
        Letter::Y | Letter::Y2 => 40.0,
    };
    let count = (length / per_tick).clamp(4.0, 9.0) + 1.0;
    let rough = span / count;
    let base = 10f64.powf(rough.log10().floor());
    let scaled = rough / base;
    base * [2.0, 5.0, 10.0]
        .into_iter()
        .find(|&multiple| multiple > scaled)
        .unwrap_or(10.0)
}

/// The multiples of `step` from `low` to `high` (a hair of slack at the ends).
fn multiples_within(step: f64, low: f64, high: f64) -> Vec<f64> {
    let slack = 1e-9 * (high - low);
    let first = ((low - slack) / step).ceil() as i64;
    let last = ((high + slack) / step).floor() as i64;
    (first..=last).map(|k| k as f64 * step).collect()
}

/// How plotly writes a linear axis's automatic tick labels by default (`numFormat` with
/// `exponentformat: "B"`): past 10,000 the range's magnitude as a letter ("105k", "1.5M",
/// "2B"), two digits finer than the step, trailing zeros dropped, "−" for a minus.
struct NumberFormat {
    /// The power of ten taken out (0, 3, 6, ...).
    exponent: i32,
    /// Decimals kept after the exponent is taken out (negative: rounded to tens, hundreds).
    decimals: i32,
}

impl NumberFormat {
    /// `None` for ranges plotly writes with letters the sketch does not (below 0.0001, or past
    /// the SI prefixes).
    fn new(step: f64, range: [f64; 2]) -> Option<NumberFormat> {
        let magnitude = |value: f64| (value.log10() + 0.01).floor() as i32;
        let largest = range[0].abs().max(range[1].abs());
        let range_exponent = magnitude(largest);
        let exponent = if range_exponent.abs() > 3 {
            3 * ((f64::from(range_exponent) - 1.0) / 3.0).round() as i32
        } else {
            0
        };
        if !(0..=12).contains(&exponent) {
            return None;
        }
        Some(NumberFormat {
            exponent,
            decimals: 2 - magnitude(step) + exponent,
        })
    }

    fn write(&self, value: f64) -> String {
        let scaled = value.abs() / 10f64.powi(self.exponent);
        let mut number = if self.decimals >= 0 {
            let fixed = format!("{scaled:.*}", self.decimals as usize);
            if fixed.contains('.') {
                fixed
                    .trim_end_matches('0')
                    .trim_end_matches('.')
                    .to_string()
            } else {
                fixed
            }
        } else {
            let unit = 10f64.powi(-self.decimals);
            format!("{:.0}", (scaled / unit).round() * unit)
        };
        if number == "0" {
            return number;
        }
        number.push_str(match self.exponent {
            3 => "k",
            6 => "M",
            9 => "B",
            12 => "T",
            _ => "",
        });
        if value < 0.0 {
            format!("\u{2212}{number}")
        } else {
            number
        }
    }
}

/// The axis drawn over `range` in `area`: its grid and zero line (under everything else the
/// sketch paints, as plotly layers them) and its labels (beside the plot).
pub struct Drawn {
    pub lines: Vec<Mark>,
    pub labels: Vec<Mark>,
}

/// Draws the axis `letter` with `ticks` over `range` in `area`, as plotly lays it out: labels
/// centred under the plot a pixel below it, or right-aligned a pixel left of it (left-aligned a
/// pixel right of it for the second y axis), each on its tick; grid lines at the ticks (none at
/// zero when the zero line is drawn there), the zero line where zero is in the range.
pub fn draw(
    letter: Letter,
    ticks: &[(f64, String)],
    range: [f64; 2],
    look: &AxisLook,
    area: &Area,
) -> Drawn {
    let [low, high] = range;
    let (start, length) = match letter {
        Letter::X => (area.left, area.plot_width),
        Letter::Y | Letter::Y2 => (area.top + area.plot_height, -area.plot_height),
    };
    let at = |value: f64| start + (value - low) / (high - low) * length;
    // A line on a whole pixel's middle, as plotly's crisp edges draw it.
    let crisp = |position: f64| position.floor() + 0.5;
    let across = |position: f64, stroke: &Stroke| {
        let position = crisp(position);
        let points = match letter {
            Letter::X => vec![
                [position, area.top],
                [position, area.top + area.plot_height],
            ],
            Letter::Y | Letter::Y2 => vec![
                [area.left, position],
                [area.left + area.plot_width, position],
            ],
        };
        Mark::Line {
            points,
            stroke: stroke.clone(),
        }
    };
    let zero_shown = look.zero_line.is_some() && low <= 0.0 && 0.0 <= high;
    let mut lines = Vec::new();
    if let Some(grid) = &look.grid {
        lines.extend(
            ticks
                .iter()
                .filter(|(value, _)| !(zero_shown && *value == 0.0))
                .map(|(value, _)| across(at(*value), grid)),
        );
    }
    if let (true, Some(zero)) = (zero_shown, &look.zero_line) {
        lines.push(across(at(0.0), zero));
    }
    let labels = ticks
        .iter()
        .map(|(value, label)| {
            let (x, y, align) = match letter {
                Letter::X => (
                    at(*value),
                    area.top + area.plot_height + 1.0 + 0.65 * look.font_size,
                    Align::Center,
                ),
                Letter::Y => (area.left - 1.0, at(*value), Align::Right),
                Letter::Y2 => (area.left + area.plot_width + 1.0, at(*value), Align::Left),
            };
            Mark::Text {
                x,
                y,
                lines: vec![label.clone()],
                size: look.font_size,
                family: look.font_family.clone(),
                color: look.font_color.clone(),
                align,
                backdrop: None,
                pad: 0.0,
            }
        })
        .collect();
    Drawn { lines, labels }
}

impl Sketch {
    /// Adds the axis `letter` drawn by [`draw`]: its lines under every other mark, its labels
    /// with the others.
    pub fn with_axis(mut self, letter: Letter, drawn: Drawn) -> Sketch {
        self.clipped.splice(0..0, drawn.lines);
        self.free.extend(drawn.labels);
        self.own_axes[letter as usize] = true;
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn look() -> AxisLook {
        let stroke = Stroke {
            color: "#ddd".into(),
            width: 1.0,
            dash: Vec::new(),
        };
        AxisLook {
            drawable: true,
            grid: Some(stroke.clone()),
            zero_line: Some(stroke),
            font_size: 12.0,
            font_color: "#111".into(),
            font_family: "sans-serif".into(),
            prefix: String::new(),
            suffix: String::new(),
        }
    }

    fn labels(ticks: &[(f64, String)]) -> Vec<&str> {
        ticks.iter().map(|(_, label)| label.as_str()).collect()
    }

    /// The ticks plotly.js 3 drew for the default scenario's price chart at 1400x900 (read from
    /// its SVG: "$105k" to "$120k" up a 216 px axis, 0 to 40 across an 896 px one).
    #[test]
    fn automatic_ticks_are_the_ones_plotly_draws() {
        let price = AxisLook {
            prefix: "$".into(),
            ..look()
        };
        let up = ticks(None, &price, Letter::Y, [103_776.0, 123_564.0], 216.0).unwrap();
        assert_eq!(labels(&up), ["$105k", "$110k", "$115k", "$120k"]);
        assert_eq!(up[0].0, 105_000.0);
        let across = ticks(None, &look(), Letter::X, [0.0, 41.0], 896.0).unwrap();
        let expected: Vec<String> = (0..=8).map(|k| (5 * k).to_string()).collect();
        assert_eq!(labels(&across), expected);
    }

    #[test]
    fn numbers_are_written_as_plotly_writes_them() {
        let written = |step: f64, range: [f64; 2], value: f64| {
            NumberFormat::new(step, range).unwrap().write(value)
        };
        assert_eq!(written(500.0, [58_000.0, 70_000.0], 60_500.0), "60.5k");
        assert_eq!(written(500.0, [58_000.0, 70_000.0], 61_000.0), "61k");
        // Below 10,000 no letter.
        assert_eq!(written(2000.0, [0.0, 9000.0], 8000.0), "8000");
        assert_eq!(written(5e8, [0.0, 2.2e9], 1.5e9), "1.5B");
        assert_eq!(written(2e8, [0.0, 9e8], 6e8), "600M");
        assert_eq!(written(0.05, [0.0, 0.3], 0.25), "0.25");
        assert_eq!(written(0.05, [0.0, 0.3], 0.2), "0.2");
        assert_eq!(written(5.0, [-20.0, 10.0], -15.0), "\u{2212}15");
        assert_eq!(written(5.0, [-20.0, 10.0], 0.0), "0");
        // Tiny ranges take letters the sketch does not write: plotly.js draws those.
        assert!(NumberFormat::new(1e-6, [0.0, 1e-5]).is_none());
    }

    #[test]
    fn the_charts_own_amount_ticks_are_placed_again_over_the_grown_range() {
        let axis = json!({
            "tickvals": [0.0, 1e8, 2e8],
            "ticktext": [
                crate::format::tick(0.0, true),
                crate::format::tick(1e8, true),
                crate::format::tick(2e8, true),
            ],
        });
        let grown = ticks(Some(&axis), &look(), Letter::Y, [0.0, 4.5e8], 300.0).unwrap();
        let expected: Vec<String> = super::super::round_ticks(0.0, 4.5e8, 6.0)
            .into_iter()
            .map(|value| crate::format::tick(value, true))
            .collect();
        assert_eq!(labels(&grown), expected);
        assert!(grown.last().unwrap().0 > 2e8);
        // An axis grown below zero (to line its zero up with a second axis's) labels no
        // negative amount unless the chart did.
        let below = ticks(Some(&axis), &look(), Letter::Y, [-1e8, 4.5e8], 300.0).unwrap();
        assert!(below.iter().all(|(value, _)| *value >= 0.0));
        let labels = [-5e7, 0.0, 5e7].map(|value| crate::format::tick(value, true));
        let flows = json!({"tickvals": [-5e7, 0.0, 5e7], "ticktext": labels});
        let across = ticks(Some(&flows), &look(), Letter::Y2, [-1e8, 4.5e8], 300.0).unwrap();
        assert!(across[0].0 < 0.0);
        // Ticks the chart labelled some other way are not guessed at.
        let other = json!({"tickvals": [0.0, 1.0], "ticktext": ["none", "all"]});
        assert!(ticks(Some(&other), &look(), Letter::Y, [0.0, 2.0], 300.0).is_none());
        assert!(ticks(None, &look(), Letter::Y, [0.0, 2.0], 300.0).is_some());
        let level = AxisLook {
            drawable: false,
            ..look()
        };
        assert!(ticks(None, &level, Letter::Y, [0.0, 2.0], 300.0).is_none());
    }

    /// Every numeric axis of every chart a drag holds, on every preset, can be drawn by the
    /// sketch when it grows (none falls back to moving plotly's axis): its labels are plotly's
    /// or the page's amounts, and there are some over a grown range.
    #[test]
    fn every_held_charts_axes_can_be_drawn_grown_on_every_preset() {
        let mut drawn = 0;
        for (preset, chart, figure, needed) in super::super::held_figures() {
            let categories = figure["data"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|trace| {
                    trace["x"]
                        .as_array()
                        .is_some_and(|xs| xs.iter().any(Value::is_string))
                });
            let ranges = [Some(needed.x), Some(needed.y), needed.y2];
            for letter in Letter::ALL {
                let on_categories = categories && letter == Letter::X;
                let (Some([low, high]), false) = (ranges[letter as usize], on_categories) else {
                    continue;
                };
                let axis = figure["layout"].get(letter.layout_key());
                let text = |key: &str| {
                    axis.and_then(|axis| axis.get(key)?.as_str())
                        .unwrap_or_default()
                        .to_string()
                };
                let name = (&preset, chart, letter);
                assert!(text("tickformat").is_empty(), "{name:?} has a tick format");
                let look = AxisLook {
                    prefix: text("tickprefix"),
                    suffix: text("ticksuffix"),
                    ..look()
                };
                let grown = [low, high + (high - low)];
                let ticks = ticks(axis, &look, letter, grown, 300.0);
                let ticks = ticks.unwrap_or_else(|| panic!("{name:?} has no ticks"));
                assert!(ticks.len() >= 2, "{name:?}: {ticks:?}");
                assert!(ticks
                    .iter()
                    .all(|(_, label)| label.starts_with(&look.prefix)));
                drawn += 1;
            }
        }
        assert!(drawn >= 10 * flushlab_engine::presets::all().len());
    }

    #[test]
    fn an_axis_is_drawn_where_plotly_lays_it_out() {
        let area = Area {
            width: 400.0,
            height: 300.0,
            left: 64.0,
            top: 76.0,
            plot_width: 300.0,
            plot_height: 200.0,
        };
        let ticks = [
            (-10.0, "−10".to_string()),
            (0.0, "0".into()),
            (10.0, "10".into()),
        ];
        let drawn = draw(Letter::Y, &ticks, [-20.0, 20.0], &look(), &area);
        // Two grid lines and the zero line (none of the grid at zero), across the plot.
        assert_eq!(drawn.lines.len(), 3);
        let Mark::Line { points, .. } = &drawn.lines[2] else {
            panic!("a line")
        };
        assert_eq!(points[0], [64.0, 176.5]);
        assert_eq!(points[1], [364.0, 176.5]);
        let Mark::Text { x, y, align, .. } = &drawn.labels[0] else {
            panic!("a label")
        };
        assert_eq!((*x, *y, *align), (63.0, 226.0, Align::Right));
        // On the right: labels left-aligned a pixel past the plot.
        let drawn = draw(Letter::Y2, &ticks, [-20.0, 20.0], &look(), &area);
        let Mark::Text { x, align, .. } = &drawn.labels[0] else {
            panic!("a label")
        };
        assert_eq!((*x, *align), (365.0, Align::Left));
        // Across: labels centred under the plot; zero off the range, no zero line.
        let drawn = draw(Letter::X, &ticks[2..], [5.0, 15.0], &look(), &area);
        assert_eq!(drawn.lines.len(), 1);
        let Mark::Text { x, y, align, .. } = &drawn.labels[0] else {
            panic!("a label")
        };
        assert_eq!((*x, *y, *align), (214.0, 276.0 + 1.0 + 7.8, Align::Center));
    }
}
