//! The leverage distribution editor: open interest by leverage bucket as bars the user drags up
//! and down (mouse, pen or touch) or moves with the arrow keys, plus the long share and the live
//! total. A bar's height is that bucket's open interest; the total is their sum.

use flushlab_engine::scenario::Positions;
use leptos::html::Div;
use leptos::prelude::*;

use super::field::{RangeField, Scale};
use super::help::Help;
use crate::catalogue::help_term;
use crate::catalogue::text::{fill, text};
use crate::format;
use crate::state::use_state;

/// Drawing box of the chart (SVG user units); it scales with the page.
const WIDTH: f64 = 420.0;
const HEIGHT: f64 = 190.0;
const TOP: f64 = 24.0;
const BOTTOM: f64 = 30.0;
/// The picked bar's slider: from $1M (below it, type the amount) to $1tn (more than any
/// market's open interest; the scenario's limit still applies).
const PICKED_FLOOR_USD: f64 = 1e6;
const PICKED_MAX_USD: f64 = 1e12;
/// How far (CSS px) a press moves up or down before it drags the bar.
const DRAG_PX: f64 = 4.0;
/// Keyboard steps per full bar height.
const KEY_STEPS: f64 = 40.0;

/// One bar: its label and open interest (USD).
#[derive(Clone, Debug, PartialEq)]
struct Bar {
    label: String,
    usd: f64,
}

/// The editor.
#[component]
pub fn LeverageEditor() -> impl IntoView {
    let t = text();
    let state = use_state();
    let bars = Memo::new(move |_| {
        state.draft.with(|scenario| match &scenario.positions {
            Positions::Generate(population) => population
                .leverage_buckets
                .iter()
                .zip(population.bucket_open_interest())
                .map(|(bucket, usd)| Bar {
                    label: crate::format::leverage_label(&bucket.label()),
                    usd,
                })
                .collect::<Vec<_>>(),
            Positions::List(_) => Vec::new(),
        })
    });
    let long_share = Signal::derive(move || {
        state.draft.with(|scenario| match &scenario.positions {
            Positions::Generate(population) => population.long_share * 100.0,
            Positions::List(_) => 0.0,
        })
    });
    // The bar height scale; frozen while a bar is dragged so the bar stays under the pointer.
    let dragging = RwSignal::new(None::<(usize, f64)>);
    // The press in progress: the bar and where it was pressed (see `on_pointer_down`).
    let pressed = StoredValue::new(None::<(usize, f64)>);
    // A whole state shown mid-drag ends the press and the drag (another preset picked, an undo
    // or a redo with the pointer down): it went on editing the new crowd at the old one's scale
    // ($1.50bn of open interest became $26.2bn).
    Effect::new(move |first: Option<()>| {
        state.replacements.track();
        if first.is_some() {
            pressed.set_value(None);
            dragging.set(None);
        }
    });
    let scale = Memo::new(move |_| match dragging.get() {
        Some((_, frozen)) => frozen,
        None => {
            nice_ceiling(bars.with(|bars| bars.iter().map(|b| b.usd).fold(0.0, f64::max)) * 1.25)
        }
    });
    // Every how many bars a label and a value are written: as many as fit side by side (64
    // buckets wrote 64 labels over one another), the bar in hand or in focus always.
    let stride = Memo::new(move |_| {
        bars.with(|bars| {
            let widest = bars
                .iter()
                .map(|bar| {
                    bar.label
                        .chars()
                        .count()
                        .max(format::usd(bar.usd).chars().count())
                })
                .max()
                .unwrap_or(0);
            label_stride(bars.len(), widest)
        })
    });
    let set_bucket = move |index: usize, usd: f64| {
        let usd = round_3(usd.max(0.0));
        state.edit(|scenario| {
            if let Positions::Generate(population) = &mut scenario.positions {
                let mut amounts: Vec<f64> = population
                    .bucket_open_interest()
                    .into_iter()
                    .map(round_3)
                    .collect();
                // No bar past what the population may hold in all (End pressed again and again
                // grew a bar by a quarter each time, to a total no scenario takes).
                let others: f64 = amounts
                    .iter()
                    .enumerate()
                    .filter(|(k, _)| *k != index)
                    .map(|(_, usd)| usd)
                    .sum();
                let room = (flushlab_engine::scenario::MAX_OPEN_INTEREST_USD - others).max(0.0);
                if let Some(amount) = amounts.get_mut(index) {
                    *amount = usd.min(room);
                }
                population.set_bucket_open_interest(&amounts);
            }
        });
    };
    let set_long_share = move |pct: f64| {
        state.edit(|scenario| {
            if let Positions::Generate(population) = &mut scenario.positions {
                population.long_share = pct / 100.0;
            }
        })
    };

    let area = NodeRef::<Div>::new();
    let value_at = move |client_y: f64| -> Option<f64> {
        let element = area.get_untracked()?;
        let rect = element.get_bounding_client_rect();
        if rect.height() <= 0.0 {
            return None;
        }
        let y = (client_y - rect.top()) / rect.height() * HEIGHT;
        let fraction = 1.0 - (y - TOP) / (HEIGHT - TOP - BOTTOM);
        Some(fraction.clamp(0.0, 1.0) * scale.get_untracked())
    };
    let bucket_at = move |client_x: f64| -> Option<usize> {
        let element = area.get_untracked()?;
        let rect = element.get_bounding_client_rect();
        let count = bars.with_untracked(Vec::len);
        if rect.width() <= 0.0 || count == 0 {
            return None;
        }
        let index = ((client_x - rect.left()) / rect.width() * count as f64).floor();
        (index >= 0.0).then(|| (index as usize).min(count - 1))
    };
    // The bar the typed box and slider under the chart set: the last one tapped, clicked or
    // focused (at first the highest leverage's, the bar a flush starts with).
    let picked = RwSignal::new(None::<usize>);
    let picked_index = Memo::new(move |_| {
        let count = bars.with(Vec::len);
        picked
            .get()
            .filter(|&index| index < count)
            .unwrap_or(count.saturating_sub(1))
    });
    let picked_usd = Signal::derive(move || {
        bars.with(|bars| {
            bars.get(picked_index.get())
                .map_or(0.0, |bar| round_3(bar.usd))
        })
    });
    let picked_note = move || {
        bars.with(|bars| {
            bars.get(picked_index.get())
                .map(|bar| fill(t.panels.picked_bar_note, &[("label", &bar.label)]))
        })
    };
    // A press picks the bar under it; only a move up or down of [`DRAG_PX`] makes it a drag
    // that sets the bar where the pointer is (a tap to pick a bar set it to wherever the finger
    // landed: $1.70bn became $0 or $20.6bn). On a touch screen a swipe scrolls the page
    // (style/main.css), and the picked bar's box and slider set it.
    let on_pointer_down = move |ev: leptos::ev::PointerEvent| {
        let Some(index) = bucket_at(f64::from(ev.client_x())) else {
            return;
        };
        picked.set(Some(index));
        ev.prevent_default();
        if let Some(element) = area.get_untracked() {
            let _ = element.set_pointer_capture(ev.pointer_id());
        }
        pressed.set_value(Some((index, f64::from(ev.client_y()))));
        focus_bar(index);
    };
    let on_pointer_move = move |ev: leptos::ev::PointerEvent| {
        let y = f64::from(ev.client_y());
        if dragging.get_untracked().is_none() {
            match pressed.get_value() {
                Some((index, from)) if (y - from).abs() >= DRAG_PX => {
                    dragging.set(Some((index, scale.get_untracked())));
                }
                _ => return,
            }
        }
        if let Some((index, _)) = dragging.get_untracked() {
            if let Some(usd) = value_at(y) {
                set_bucket(index, usd);
            }
        }
    };
    let on_pointer_up = move |_ev: leptos::ev::PointerEvent| {
        pressed.set_value(None);
        dragging.set(None);
    };
    let on_key = move |index: usize, ev: leptos::ev::KeyboardEvent| {
        let current = bars.with_untracked(|bars| bars.get(index).map_or(0.0, |b| b.usd));
        let step = scale.get_untracked() / KEY_STEPS;
        let next = match ev.key().as_str() {
            "ArrowUp" | "ArrowRight" => current + step,
            "ArrowDown" | "ArrowLeft" => current - step,
            "PageUp" => current + 5.0 * step,
            "PageDown" => current - 5.0 * step,
            "Home" => 0.0,
            "End" => scale.get_untracked(),
            _ => return,
        };
        ev.prevent_default();
        set_bucket(index, next);
    };

    let indices = move || (0..bars.with(Vec::len)).collect::<Vec<usize>>();
    let is_list = move || bars.with(Vec::is_empty);
    let total = move || bars.with(|bars| bars.iter().map(|b| b.usd).sum::<f64>());
    view! {
        <section class="panel" aria-labelledby="leverage-title">
            <div class="panel-head">
                <h2 id="leverage-title">{t.panels.leverage}</h2>
                <Help
                    topic=t.panels.leverage_topic
                    text=t.panels.leverage_help
                    term=help_term("leverage-title")
                />
            </div>
            <Show
                when=move || !is_list()
                fallback=|| view! {
                    <p class="muted">{t.panels.leverage_listed}</p>
                }
            >
                <p class="total" aria-live="polite">
                    {t.panels.open_interest} " "
                    <strong>{move || format::usd(total())}</strong>
                    {move || {
                        let longs = total() * long_share.get() / 100.0;
                        fill(t.panels.open_interest_split, &[("longs", &format::usd(longs)), ("shorts", &format::usd(total() - longs))])
                    }}
                </p>
                <div
                    class="leverage-editor"
                    data-testid="leverage-editor"
                    node_ref=area
                    on:pointerdown=on_pointer_down
                    on:pointermove=on_pointer_move
                    on:pointerup=on_pointer_up
                    on:pointercancel=on_pointer_up
                >
                    <svg viewBox=format!("0 0 {WIDTH} {HEIGHT}") role="group" aria-label=t.panels.leverage_bars>
                        <line class="axis" x1="0" x2=WIDTH y1={HEIGHT - BOTTOM} y2={HEIGHT - BOTTOM} />
                        <For
                            each=indices
                            key=|index| *index
                            children=move |index| view! {
                                <LeverageBar index=index bars=bars scale=scale stride=stride dragging=dragging picked=picked_index
                                    on_key=Callback::new(move |ev| on_key(index, ev)) on_focus=Callback::new(move |()| picked.set(Some(index))) />
                            }
                        />
                    </svg>
                </div>
                <p class="muted picked-note" data-testid="picked-bar-note">{picked_note}</p>
                <RangeField
                    id="picked-bar"
                    label=t.panels.picked_bar
                    help=t.panels.picked_bar_help
                    min=0.0
                    max=PICKED_MAX_USD
                    step=1.0
                    unit="USD"
                    scale=Scale::Log
                    log_floor=PICKED_FLOOR_USD
                    testid="picked-bar-slider"
                    value=picked_usd
                    set=move |usd: f64| set_bucket(picked_index.get_untracked(), usd)
                />
                <RangeField
                    id="long-share"
                    label=t.controls.long_share
                    help=t.controls.long_share_help
                    min=0.0
                    max=100.0
                    step=1.0
                    unit="%"
                    scale=Scale::Linear
                    value=long_share
                    set=set_long_share
                />
            </Show>
        </section>
    }
}

/// One draggable, focusable bar.
#[component]
fn LeverageBar(
    /// Bucket index.
    index: usize,
    /// Every bar.
    bars: Memo<Vec<Bar>>,
    /// Open interest at full height.
    scale: Memo<f64>,
    /// Every how many bars a label is written ([`label_stride`]).
    stride: Memo<usize>,
    /// The bar being dragged and the frozen scale.
    dragging: RwSignal<Option<(usize, f64)>>,
    /// The bar the typed box under the chart sets.
    picked: Memo<usize>,
    /// Keyboard handler.
    on_key: Callback<leptos::ev::KeyboardEvent>,
    /// The bar took the keyboard's focus (it becomes the picked one).
    on_focus: Callback<()>,
) -> impl IntoView {
    let bar = move || {
        bars.with(|bars| bars.get(index).cloned()).unwrap_or(Bar {
            label: String::new(),
            usd: 0.0,
        })
    };
    let count = move || bars.with(Vec::len).max(1);
    let theme = crate::state::use_state().theme;
    let slot = move || WIDTH / count() as f64;
    let plot_height = HEIGHT - TOP - BOTTOM;
    let height = move || (bar().usd / scale.get().max(1e-9)).clamp(0.0, 1.0) * plot_height;
    let x = move || slot() * index as f64 + slot() * 0.14;
    let width = move || slot() * 0.72;
    let y = move || HEIGHT - BOTTOM - height();
    let active = move || dragging.get().is_some_and(|(i, _)| i == index);
    let labelled = move || index % stride.get() == 0 || active();
    view! {
        <g
            class="bar"
            class:active=active
            class:picked=move || picked.get() == index
            class:unlabelled=move || !labelled()
            tabindex="0"
            role="slider"
            id=format!("leverage-bar-{index}")
            data-testid=format!("leverage-bar-{index}")
            aria-label=move || fill(text().panels.leverage_bar, &[("label", &bar().label)])
            aria-valuemin="0"
            aria-valuemax=move || scale.get().round().to_string()
            aria-valuenow=move || bar().usd.round().to_string()
            aria-valuetext=move || fill(text().panels.leverage_bar_value, &[("amount", &format::usd(bar().usd)), ("label", &bar().label)])
            on:keydown=move |ev| on_key.run(ev)
            on:focus=move |_| on_focus.run(())
        >
            <rect class="hit" x=move || slot() * index as f64 y=TOP width=slot height=plot_height />
            <rect class="fill" x=x y=y width=width height=move || height().max(1.0)
                fill=move || crate::charts::palette::bucket(theme.get(), index, count()) rx="2" />
            <text class="value" x=move || within(x() + width() / 2.0, &format::usd(bar().usd)) y=move || (y() - 5.0).max(12.0) text-anchor="middle">
                {move || format::usd(bar().usd)}
            </text>
            <text class="label" x=move || within(x() + width() / 2.0, &bar().label) y={HEIGHT - 10.0} text-anchor="middle">
                {move || bar().label}
            </text>
        </g>
    }
}

/// Every how many of `count` bars a label can be written when the widest (label or value) is
/// `widest_chars` characters: 1 while they fit side by side in their slots at the editor's 11 px
/// type, more as the bars narrow.
fn label_stride(count: usize, widest_chars: usize) -> usize {
    let slot = WIDTH / count.max(1) as f64;
    let needed = widest_chars as f64 * CHAR_WIDTH + 4.0;
    (needed / slot).ceil().max(1.0) as usize
}

/// A centred text's x kept inside the drawing: the first and last of many narrow bars wrote
/// theirs half off its edges.
fn within(center: f64, text: &str) -> f64 {
    let half = text.chars().count() as f64 * CHAR_WIDTH / 2.0;
    center.clamp(half.min(WIDTH / 2.0), (WIDTH - half).max(WIDTH / 2.0))
}

/// An 11 px character's average width in the editor's units, a little over (digits, "x", "$").
const CHAR_WIDTH: f64 = 6.4;

/// Moves keyboard focus to bar `index` (so a dragged bar can then be nudged by keyboard).
fn focus_bar(index: usize) {
    use wasm_bindgen::JsCast;
    let element = web_sys::window()
        .and_then(|window| window.document())
        .and_then(|document| document.get_element_by_id(&format!("leverage-bar-{index}")));
    if let Some(element) = element.and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
        let _ = element.focus();
    } else if let Some(element) = web_sys::window()
        .and_then(|window| window.document())
        .and_then(|document| document.get_element_by_id(&format!("leverage-bar-{index}")))
    {
        // SVG elements are focusable through the same method on the Element's prototype.
        let _ = js_sys::Reflect::get(&element, &"focus".into())
            .ok()
            .and_then(|focus| focus.dyn_into::<js_sys::Function>().ok())
            .map(|focus| focus.call0(&element));
    }
}

/// A round number at or above `value` (1, 2, 2.5 or 5 times a power of ten).
pub fn nice_ceiling(value: f64) -> f64 {
    if value.is_nan() || value <= 0.0 || !value.is_finite() {
        return 1e9;
    }
    let power = 10f64.powf(value.log10().floor());
    for factor in [1.0, 2.0, 2.5, 5.0, 10.0] {
        if factor * power >= value {
            return factor * power;
        }
    }
    10.0 * power
}

/// Three significant digits (keeps links short and values readable).
fn round_3(value: f64) -> f64 {
    if value <= 0.0 || !value.is_finite() {
        return 0.0;
    }
    let magnitude = 10f64.powf(value.log10().floor() - 2.0);
    (value / magnitude).round() * magnitude
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_thinned_only_where_they_would_overlap() {
        // The presets' seven buckets, "100-125x" the widest: every label.
        assert_eq!(label_stride(7, 8), 1);
        // 64 narrow bars: about one label in eight.
        let stride = label_stride(64, 8);
        assert!((7..=10).contains(&stride), "{stride}");
        // Written ones never overlap: each has its stride's slots.
        let slot = WIDTH / 64.0 * stride as f64;
        assert!(slot >= 8.0 * CHAR_WIDTH, "{slot}");
    }
}
