//! Paints a drag's [`Sketch`] of a chart on a canvas laid over plotly.js's plot, and takes it
//! away. While the canvas is up the chart's container carries `data-sketched`, and the page's
//! style hides plotly's own traces, shapes and labels under it (they show the figure from before
//! the drag); legend and titles stay plotly's, and so do the axes, but for those the sketch draws
//! itself (`data-sketched-axes`: "x", "y", "y2" or several, whose grid, zero line and tick labels
//! the style hides). The canvas's `data-signature` tells its drawings apart ([`Sketch::signature`]).

use wasm_bindgen::JsCast;

use super::held::Ranges;
use super::sketch::{Align, Area, Mark, Sketch, Stroke};

/// The attribute of a chart container whose moving parts are on the canvas.
const SKETCHED: &str = "data-sketched";
/// The attribute of a chart container naming the axes the canvas draws.
const OWN_AXES: &str = "data-sketched-axes";
/// The canvas's class.
const CANVAS_CLASS: &str = "sketch";
/// The canvas's attribute holding the font its context was last given (none: its default).
const FONT: &str = "data-font";
/// The canvas's attribute holding the box of the chart it covers ([`canvas`]).
const BOX: &str = "data-box";
/// The canvas's attribute holding the ranges its sketch is drawn over ([`show`]).
const RANGES: &str = "data-ranges";

/// Paints `sketch`, drawn over `ranges`, over the chart in `element` (plotly.js has drawn it: the
/// canvas goes between its plot and its legend); the canvas's `data-ranges` says the ranges
/// ("x low,x high,y low,y high", what its own axes show). False when the canvas cannot be had:
/// the caller draws with plotly.js.
pub fn show(element: &web_sys::HtmlElement, sketch: &Sketch, area: &Area, ranges: &Ranges) -> bool {
    let ratio = web_sys::window().map_or(1.0, |window| window.device_pixel_ratio());
    let Some((context, [left, top, right, bottom])) = canvas(element, sketch.extent(area), ratio)
    else {
        return false;
    };
    // The canvas's pixels start at its box's corner: the marks keep the chart's coordinates.
    let _ = context.set_transform(ratio, 0.0, 0.0, ratio, -left * ratio, -top * ratio);
    context.clear_rect(left, top, right - left, bottom - top);
    context.save();
    context.begin_path();
    context.rect(area.left, area.top, area.plot_width, area.plot_height);
    context.clip();
    // The context's font as the last frame left it (kept on the canvas, which a resize clears):
    // setting a font parses it and looks it up (a few milliseconds of a throttled frame), and
    // a chart's labels keep one from frame to frame.
    let canvas = context.canvas();
    let kept = canvas
        .as_ref()
        .and_then(|canvas| canvas.get_attribute(FONT))
        .unwrap_or_default();
    let mut font = kept.clone();
    sketch
        .clipped
        .iter()
        .for_each(|mark| paint(&context, mark, &mut font));
    context.restore();
    // `restore` put back the font from before `save`.
    font.clone_from(&kept);
    sketch
        .free
        .iter()
        .for_each(|mark| paint(&context, mark, &mut font));
    if let Some(canvas) = canvas {
        let _ = canvas.set_attribute("data-signature", &format!("{:x}", sketch.signature()));
        let [x, y] = [ranges.x, ranges.y];
        let shown = format!("{},{},{},{}", x[0], x[1], y[0], y[1]);
        if canvas.get_attribute(RANGES).as_deref() != Some(shown.as_str()) {
            let _ = canvas.set_attribute(RANGES, &shown);
        }
        if font != kept {
            let _ = canvas.set_attribute(FONT, &font);
        }
    }
    let _ = element.set_attribute(SKETCHED, "");
    let own: Vec<&str> = ["x", "y", "y2"]
        .into_iter()
        .zip(sketch.own_axes)
        .filter_map(|(letter, own)| own.then_some(letter))
        .collect();
    let own = own.join(" ");
    if element.get_attribute(OWN_AXES).unwrap_or_default() != own {
        let _ = element.set_attribute(OWN_AXES, &own);
    }
    true
}

/// Takes the canvas away, showing plotly.js's drawing again.
pub fn hide(element: &web_sys::HtmlElement) {
    if !element.has_attribute(SKETCHED) {
        return;
    }
    let _ = element.remove_attribute(SKETCHED);
    let _ = element.remove_attribute(OWN_AXES);
    if let Ok(Some(canvas)) = element.query_selector(&format!("canvas.{CANVAS_CLASS}")) {
        canvas.remove();
    }
}

/// The chart's canvas over the box `needed` (`[left, top, right, bottom]` in the chart's
/// pixels, [`Sketch::extent`]) at the screen's pixel `ratio`, created on first use just above
/// plotly's plot layer (its first SVG), with the box it covers: the one it had if that holds
/// `needed`, else grown to (a drag's labels that move do not resize it every frame; the canvas
/// goes when the drag settles).
fn canvas(
    element: &web_sys::HtmlElement,
    needed: [f64; 4],
    ratio: f64,
) -> Option<(web_sys::CanvasRenderingContext2d, [f64; 4])> {
    let container = element.query_selector(".svg-container").ok()??;
    let plot = container.query_selector("svg.main-svg").ok()??;
    let canvas: web_sys::HtmlCanvasElement = match container
        .query_selector(&format!("canvas.{CANVAS_CLASS}"))
        .ok()?
    {
        Some(canvas) => canvas.dyn_into().ok()?,
        None => {
            let document = web_sys::window()?.document()?;
            let canvas: web_sys::HtmlCanvasElement =
                document.create_element("canvas").ok()?.dyn_into().ok()?;
            canvas.set_class_name(CANVAS_CLASS);
            canvas
        }
    };
    // Right above plotly's plot, under its legend and hover labels (plotly may have rebuilt
    // its layers since the canvas was placed).
    let placed = plot
        .next_sibling()
        .is_some_and(|next| next.is_same_node(Some(&canvas)));
    if !placed {
        container
            .insert_before(&canvas, plot.next_sibling().as_ref())
            .ok()?;
    }
    let held = canvas
        .get_attribute(BOX)
        .and_then(|text| read_box(&text))
        .filter(|held| {
            let (width, height) = (
                ((held[2] - held[0]) * ratio).round() as u32,
                ((held[3] - held[1]) * ratio).round() as u32,
            );
            canvas.width() == width && canvas.height() == height
        });
    let covers = held.filter(|held| {
        held[0] <= needed[0] && held[1] <= needed[1] && held[2] >= needed[2] && held[3] >= needed[3]
    });
    let placed = match covers {
        Some(held) => held,
        None => {
            let grown = held.map_or(needed, |held| {
                [
                    held[0].min(needed[0]),
                    held[1].min(needed[1]),
                    held[2].max(needed[2]),
                    held[3].max(needed[3]),
                ]
            });
            let [left, top, right, bottom] = grown;
            // Resizing resets the context, its font with it.
            let _ = canvas.remove_attribute(FONT);
            canvas.set_width(((right - left) * ratio).round() as u32);
            canvas.set_height(((bottom - top) * ratio).round() as u32);
            let style = canvas.style();
            let _ = style.set_property("left", &format!("{left}px"));
            let _ = style.set_property("top", &format!("{top}px"));
            let _ = style.set_property("width", &format!("{}px", right - left));
            let _ = style.set_property("height", &format!("{}px", bottom - top));
            let _ = canvas.set_attribute(BOX, &format!("{left},{top},{right},{bottom}"));
            grown
        }
    };
    let context = canvas.get_context("2d").ok()??.dyn_into().ok()?;
    Some((context, placed))
}

/// A box as [`canvas`] writes it in [`BOX`]: "left,top,right,bottom".
fn read_box(text: &str) -> Option<[f64; 4]> {
    let mut parts = text.split(',').map(|part| part.parse::<f64>().ok());
    let mut next = || parts.next().flatten();
    Some([next()?, next()?, next()?, next()?])
}

/// Paints one mark; `font` is the font the context was last given here (empty: not known).
fn paint(context: &web_sys::CanvasRenderingContext2d, mark: &Mark, font: &mut String) {
    match mark {
        Mark::Area {
            points,
            color,
            alpha,
        } => {
            context.set_global_alpha(*alpha);
            context.set_fill_style_str(color);
            trace_path(context, points);
            context.close_path();
            context.fill();
            context.set_global_alpha(1.0);
        }
        Mark::Line { points, stroke } => {
            set_stroke(context, stroke);
            trace_path(context, points);
            context.stroke();
        }
        Mark::Dot {
            x,
            y,
            radius,
            color,
            alpha,
        } => {
            context.set_global_alpha(*alpha);
            context.set_fill_style_str(color);
            context.begin_path();
            let _ = context.arc(*x, *y, *radius, 0.0, std::f64::consts::TAU);
            context.fill();
            context.set_global_alpha(1.0);
        }
        Mark::Rect {
            x,
            y,
            width,
            height,
            fill,
            outline,
            alpha,
        } => {
            context.set_global_alpha(*alpha);
            if let Some(fill) = fill {
                context.set_fill_style_str(fill);
                context.fill_rect(*x, *y, *width, *height);
            }
            if let Some(outline) = outline {
                set_stroke(context, outline);
                context.stroke_rect(*x, *y, *width, *height);
            }
            context.set_global_alpha(1.0);
        }
        Mark::Text {
            x,
            y,
            lines,
            size,
            family,
            color,
            align,
            backdrop,
            pad,
        } => {
            let wanted = format!("{size}px {family}");
            if *font != wanted {
                context.set_font(&wanted);
                *font = wanted;
            }
            let line_height = size * super::sketch::LINE_SPACING;
            if let Some(backdrop) = backdrop {
                // As plotly boxes a label: its widest line and its lines' height, `pad` around.
                let widest = lines
                    .iter()
                    .filter_map(|line| context.measure_text(line).ok())
                    .map(|metrics| metrics.width())
                    .fold(0.0, f64::max);
                let left = match align {
                    Align::Left => *x,
                    Align::Center => x - widest / 2.0,
                    Align::Right => x - widest,
                };
                context.set_fill_style_str(backdrop);
                context.fill_rect(
                    left - pad,
                    y - line_height / 2.0 - pad,
                    widest + 2.0 * pad,
                    lines.len() as f64 * line_height + 2.0 * pad,
                );
            }
            context.set_fill_style_str(color);
            context.set_text_align(match align {
                Align::Left => "left",
                Align::Center => "center",
                Align::Right => "right",
            });
            context.set_text_baseline("middle");
            for (k, line) in lines.iter().enumerate() {
                let _ =
                    context.fill_text(line, *x, y + k as f64 * size * super::sketch::LINE_SPACING);
            }
        }
    }
}

fn trace_path(context: &web_sys::CanvasRenderingContext2d, points: &[[f64; 2]]) {
    context.begin_path();
    let mut points = points.iter();
    if let Some([x, y]) = points.next() {
        context.move_to(*x, *y);
    }
    for [x, y] in points {
        context.line_to(*x, *y);
    }
}

fn set_stroke(context: &web_sys::CanvasRenderingContext2d, stroke: &Stroke) {
    context.set_stroke_style_str(&stroke.color);
    context.set_line_width(stroke.width);
    let dash: js_sys::Array = stroke
        .dash
        .iter()
        .map(|&d| wasm_bindgen::JsValue::from(d))
        .collect();
    let _ = context.set_line_dash(&dash);
}
