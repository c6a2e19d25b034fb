//! Form controls shared by every panel: a slider with a typed box, a select, a switch. A typed
//! value that is not a number or out of range is not applied: a notice says so and the text
//! stays in the box for the user to fix. Each "?" links to the glossary term of its control's id
//! (`crate::catalogue::HELP_TERMS`). The typed box reads and writes numbers in the page's locale
//! (`crate::format::read_number`).

use leptos::prelude::*;

use super::help::Help;
use crate::catalogue::help_term;
use crate::catalogue::text::{fill, text};
use crate::state::use_state;

/// How a slider maps to its value.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Scale {
    Linear,
    /// The slider moves through powers of ten (for depth, fund sizes, notional).
    Log,
    /// The value grows with the square of the slider's distance from 0, each side to its end of
    /// the range (`min <= 0 <= max`), and is rounded to `step`: the small moves that happen get
    /// most of the track (the shock: -15% to +15% is 55% of it, a sixth on a linear ±50%).
    Fine,
}

/// Slider positions from 0 to each end of a `Scale::Fine` range.
const FINE_POSITIONS: f64 = 1000.0;

/// Where `value` sits on a `Scale::Fine` slider from `min` to `max` (positions, ±1000 at the ends).
pub fn fine_position(value: f64, min: f64, max: f64) -> f64 {
    let end = if value < 0.0 { -min } else { max };
    if end <= 0.0 || value == 0.0 {
        return 0.0;
    }
    value.signum() * FINE_POSITIONS * (value.abs() / end).min(1.0).sqrt()
}

/// The value `steps` steps from `value` on the grid of `step` (one up from -7.76 is -7.7, one
/// down -7.8: the next grid value that way, not the value plus the step rounded).
pub fn fine_step(value: f64, step: f64, steps: f64) -> f64 {
    let at = value / step;
    let grid = if steps > 0.0 {
        (at + 1e-9).ceil() + steps - 1.0
    } else {
        (at - 1e-9).floor() + steps + 1.0
    };
    let next = (grid * step * 1e6).round() / 1e6;
    if next == 0.0 {
        0.0
    } else {
        next
    }
}

/// The value at `position` on a `Scale::Fine` slider, rounded to `step`.
pub fn fine_value(position: f64, min: f64, max: f64, step: f64) -> f64 {
    let end = if position < 0.0 { -min } else { max };
    let share = (position.abs() / FINE_POSITIONS).min(1.0);
    let value = position.signum() * end * share * share;
    let rounded = (value / step).round() * step;
    // Rounded to the step in f64 ("-7.800000000000001" is "-7.8"), and 0 unsigned.
    let tidy = (rounded * 1e6).round() / 1e6;
    if tidy == 0.0 {
        0.0
    } else {
        tidy.clamp(min, max)
    }
}

/// The percentage a fraction of 1 typed in a percent box likely meant ("0.6" for 60%): where the
/// unit is "%", the typed value lies within ±1 and is not 0, its hundredfold is in the box's
/// range and that range spans tens of percent (a maintenance margin of 0.5% is meant as typed).
fn fraction_as_percent(typed: f64, unit: &str, min: f64, max: f64) -> Option<f64> {
    let scaled = hundredfold(typed, unit, min, max)?;
    (typed.abs() <= 1.0 && (min..=max).contains(&scaled)).then_some(scaled)
}

/// [`fraction_as_percent`] for a value the box refused: any size ("1.05" meant 105%), and a
/// fraction of the wrong sign in a box of falls only ("0.35" for a -35% depeg).
fn refused_as_fraction(typed: f64, unit: &str, min: f64, max: f64) -> Option<f64> {
    let scaled = hundredfold(typed, unit, min, max)?;
    [scaled, -scaled]
        .into_iter()
        .take(if max <= 0.0 { 2 } else { 1 })
        .find(|value| (min..=max).contains(value))
}

/// A typed value times 100, to a billionth (1.05 x 100 is 105.00000000000001), where the box
/// is a percent box whose range spans tens of percent and the value is not 0.
fn hundredfold(typed: f64, unit: &str, min: f64, max: f64) -> Option<f64> {
    (unit.trim() == "%" && max - min >= 40.0 && typed != 0.0).then(|| (typed * 1e11).round() / 1e9)
}

/// A number control: a slider and a typed box, with a label, a unit and a "?".
#[component]
pub fn RangeField(
    /// Element id of the typed box; also the source of this field's notices.
    id: &'static str,
    /// Visible label.
    label: &'static str,
    /// Plain-language explanation behind "?".
    help: &'static str,
    /// Smallest accepted value (in display units).
    min: f64,
    /// Largest accepted value (in display units; a signal where it follows another setting:
    /// an option's days held never pass its days to expiry).
    #[prop(into)]
    max: Signal<f64>,
    /// Slider step (display units; ignored on a log scale).
    step: f64,
    /// Unit shown after the typed box, e.g. "%", "USD", "s" (a signal where it follows the
    /// scenario: the insurance fund is in coin on an inverse contract).
    #[prop(optional, into)]
    unit: Signal<&'static str>,
    /// Slider scale.
    #[prop(default = Scale::Linear)]
    scale: Scale,
    /// On a log scale whose `min` is 0, the slider's lowest value (the typed box still takes
    /// 0): a log slider from 1e-12 would spend most of its length on amounts no one means.
    #[prop(optional)]
    log_floor: Option<f64>,
    /// `data-testid` of the slider.
    #[prop(optional)]
    testid: &'static str,
    /// Values marked under the slider (where a scale is not linear, the reader needs them).
    #[prop(optional)]
    marks: &'static [f64],
    /// The current value, in display units.
    #[prop(into)]
    value: Signal<f64>,
    /// Applies a new value (display units), already range-checked.
    #[prop(into)]
    set: Callback<f64>,
    /// Disables the control (e.g. a feature switched off).
    #[prop(optional, into)]
    disabled: Signal<bool>,
) -> impl IntoView {
    let state = use_state();
    // A fraction of 1 applied in a percent box, and the words under it (shown while the value
    // is still the one typed: a slide, an undo or another edit takes it away).
    let hint = RwSignal::new(None::<(f64, String)>);
    let lowest = min.max(log_floor.unwrap_or(1e-12));
    let to_slider = move |value: f64| match scale {
        Scale::Linear => value,
        Scale::Log => value.max(lowest).log10(),
        Scale::Fine => fine_position(value, min, max.get()),
    };
    let (slider_min, slider_step) = match scale {
        Scale::Linear => (min, step),
        Scale::Log => (lowest.log10(), 0.01),
        Scale::Fine => (if min < 0.0 { -FINE_POSITIONS } else { 0.0 }, 1.0),
    };
    let slider_max = move || match scale {
        Scale::Linear => max.get(),
        Scale::Log => max.get().log10(),
        Scale::Fine if max.get() > 0.0 => FINE_POSITIONS,
        Scale::Fine => 0.0,
    };
    let from_slider = move |position: f64| match scale {
        Scale::Linear => position,
        Scale::Log => round_to_3_significant(10f64.powf(position)),
        Scale::Fine => fine_value(position, min, max.get_untracked(), step),
    };
    // Off a linear scale the slider's own number means nothing to a screen reader: it says the value.
    let value_text = move || {
        (scale != Scale::Linear)
            .then(|| format!("{}{}", display(value.get()), unit_suffix(unit.get())))
    };
    // The marks, each where the slider's thumb centre stands at that value (the thumb is 16 px).
    let marks_view = (!marks.is_empty()).then(|| {
        let spans = marks
            .iter()
            .map(|&mark| {
                let from = slider_min;
                let span = move || slider_max() - from;
                let left = move || {
                    let share = ((to_slider(mark) - from) / span()).clamp(0.0, 1.0);
                    format!("left: calc(8px + (100% - 16px) * {share:.4})")
                };
                // A rise signed as a fall is ("+10%", "-10%"); 0 bare.
                let words = if mark == 0.0 {
                    "0".to_string()
                } else {
                    let sign = if mark > 0.0 { "+" } else { "" };
                    format!(
                        "{sign}{}{}",
                        display(mark),
                        unit_suffix(unit.get_untracked())
                    )
                };
                view! { <span style=left>{words}</span> }
            })
            .collect_view();
        view! { <div class="slider-marks" aria-hidden="true">{spans}</div> }
    });
    let on_slide = move |ev: leptos::ev::Event| {
        if let Ok(position) = event_target_value(&ev).parse::<f64>() {
            state.clear(id);
            hint.set(None);
            set.run(from_slider(position).clamp(min, max.get_untracked()));
        }
    };
    // The keys on a fine scale move the value by its step, not the slider by one position (one
    // position near 0 rounded back to the value it left: the arrows did nothing). PageUp and
    // PageDown move ten steps, Home and End go to the ends.
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        if scale != Scale::Fine {
            return;
        }
        let value = value.get_untracked();
        let next = match ev.key().as_str() {
            "ArrowRight" | "ArrowUp" => fine_step(value, step, 1.0),
            "ArrowLeft" | "ArrowDown" => fine_step(value, step, -1.0),
            "PageUp" => fine_step(value, step, 10.0),
            "PageDown" => fine_step(value, step, -10.0),
            "Home" => min,
            "End" => max.get_untracked(),
            _ => return,
        };
        ev.prevent_default();
        state.clear(id);
        hint.set(None);
        set.run(next.clamp(min, max.get_untracked()));
    };
    let notices = &text().notices;
    let on_type = move |ev: leptos::ev::Event| {
        let text = event_target_value(&ev);
        // Amounts of money or coin may be typed as the page writes them ("$50M", "1.5bn").
        let unit_now = unit.get_untracked();
        let amount = crate::catalogue::is_money_unit(unit_now);
        // A unit typed after the number, as the box shows it ("-9%", "30 s"), is the box's own.
        let unit_typed = unit_now.trim();
        let bare = match text.trim().strip_suffix(unit_typed) {
            Some(number) if !unit_typed.is_empty() && !amount => number.to_string(),
            _ => text.clone(),
        };
        let typed = if amount {
            crate::format::read_amount(&bare)
        } else {
            crate::format::read_number(&bare)
        };
        // Not applied: why, with what was typed, the range and the value kept as the template
        // wants them (each template takes those it names).
        let refuse = |template: &str| {
            let kept = display(value.get_untracked());
            let unit = unit_suffix(unit.get_untracked());
            let line = fill(
                template,
                &[
                    ("label", label),
                    ("typed", text.trim()),
                    ("quoted", &format!("{:?}", text.trim())),
                    ("min", &display(min)),
                    ("max", &display(max.get_untracked())),
                    ("unit", &unit),
                    ("kept", &kept),
                ],
            );
            // "0.8" refused by a box of 50 to 99%: the 80% it likely meant ("1.05" in a box of
            // 50 to 200%: 105%; refused, a value past 1 is no percentage either).
            let tail = typed
                .and_then(|typed| refused_as_fraction(typed, unit_now, min, max.get_untracked()))
                .map(|scaled| fill(notices.fraction_refused, &[("scaled", &display(scaled))]))
                .unwrap_or_default();
            state.report(id, notices.typed_not_applied, vec![line + &tail]);
        };
        let max = max.get_untracked();
        hint.set(None);
        match typed {
            // An empty box is not "\"\" is not a number".
            None if text.trim().is_empty() => refuse(notices.empty_box),
            None => refuse(notices.not_a_number),
            // "1e309" is a number, too large for any box: out of its range, not "not a number".
            Some(typed) if typed.is_infinite() && !text.to_lowercase().contains("inf") => {
                refuse(notices.out_of_range)
            }
            // "NaN" and "Infinity" parse, but are not numbers a reader means.
            Some(typed) if !typed.is_finite() => refuse(notices.not_a_number),
            // "1e-400" reads as 0, which the reader did not write.
            // "Type 0 for none" only where 0 is in the box's range.
            Some(typed) if crate::format::lost_to_zero(&bare, typed) => {
                refuse(if min <= 0.0 && max >= 0.0 {
                    notices.too_small
                } else {
                    notices.too_small_no_zero
                })
            }
            Some(typed) if typed >= min && typed <= max => {
                state.clear(id);
                set.run(typed);
                // Applied as written, but "0.6" in a box of 0 to 100% is more often 60% meant.
                if let Some(scaled) = fraction_as_percent(typed, unit_now, min, max) {
                    let words = fill(
                        notices.fraction_taken,
                        &[("typed", &display(typed)), ("scaled", &display(scaled))],
                    );
                    hint.set(Some((typed, words)));
                }
            }
            Some(_) => refuse(notices.out_of_range),
        }
    };
    // A value typed here that was not applied: the box says so where the reader is (the banner
    // with the reason may be scrolled out of view).
    let invalid = move || {
        state
            .notices
            .with(|notices| notices.iter().any(|notice| notice.source == id))
    };
    // Why, under the box (on a phone the banner is a screen away), read with the box.
    let reason = move || {
        state.notices.with(|notices| {
            notices
                .iter()
                .find(|notice| notice.source == id)
                .and_then(|notice| notice.lines.first().cloned())
        })
    };
    let reason_id = format!("{id}-reason");
    let described = {
        let reason_id = reason_id.clone();
        move || invalid().then(|| reason_id.clone())
    };
    // Its notice gone (dismissed, or undone) with the typed text still in the box: the box shows
    // the value in effect again (it kept "-9%" beside a run at -7.8%).
    let input_ref = NodeRef::<leptos::html::Input>::new();
    Effect::new(move |was: Option<bool>| {
        let now = invalid();
        if was == Some(true) && !now {
            if let Some(input) = input_ref.get_untracked() {
                input.set_value(&display(value.get_untracked()));
            }
        }
        now
    });
    let slider_label = fill(text().controls.slider, &[("label", label)]);
    // A phone's decimal keypad has no minus sign and no letters: a box that takes a negative
    // value ("-8" typed "8" turned a drop into a rise) or an amount ("$40M") gets the keyboard.
    let inputmode = move || {
        if min < 0.0 || crate::catalogue::is_money_unit(unit.get()) {
            "text"
        } else {
            "decimal"
        }
    };
    view! {
        <div class="field" class:disabled=move || disabled.get()>
            <div class="field-head">
                <label for=id>{label}</label>
                <Help text=help topic=label term=help_term(id) />
                <span class="field-value">
                    <input
                        id=id
                        node_ref=input_ref
                        class="number"
                        class:invalid=invalid
                        aria-invalid=move || invalid().to_string()
                        aria-describedby=described
                        type="text"
                        inputmode=inputmode
                        autocomplete="off"
                        prop:value=move || display(value.get())
                        on:change=on_type
                        disabled=move || disabled.get()
                    />
                    <span class="unit">{move || unit.get()}</span>
                </span>
            </div>
            {move || reason().map(|line| view! {
                <p class="field-reason" id=reason_id.clone() data-testid=format!("{id}-reason")>{line}</p>
            })}
            {move || {
                let shown = hint.get().filter(|(typed, _)| {
                    (typed - value.get()).abs() <= 1e-9 * typed.abs().max(1.0) && !invalid()
                });
                shown.map(|(_, words)| view! {
                    <p class="field-hint" role="status" data-testid=format!("{id}-hint")>{words}</p>
                })
            }}
            <input
                type="range"
                aria-label=slider_label
                data-testid=testid
                min=slider_min
                max=slider_max
                step=slider_step
                aria-valuetext=value_text
                prop:value=move || to_slider(value.get()).to_string()
                on:input=on_slide
                on:keydown=on_key
                disabled=move || disabled.get()
            />
            {marks_view}
        </div>
    }
}

/// A select among fixed options, with a "?".
#[component]
pub fn SelectField(
    /// Element id.
    id: &'static str,
    /// Visible label.
    label: &'static str,
    /// Plain-language explanation behind "?".
    help: &'static str,
    /// (value, visible text) of each option.
    options: Vec<(&'static str, &'static str)>,
    /// The selected option's value.
    #[prop(into)]
    value: Signal<String>,
    /// Applies a new selection.
    #[prop(into)]
    set: Callback<String>,
    /// `data-testid` of the select.
    #[prop(optional)]
    testid: &'static str,
) -> impl IntoView {
    view! {
        <div class="field">
            <div class="field-head">
                <label for=id>{label}</label>
                <Help text=help topic=label term=help_term(id) />
            </div>
            <select
                id=id
                data-testid=testid
                prop:value=move || value.get()
                on:change=move |ev| set.run(event_target_value(&ev))
            >
                {options
                    .into_iter()
                    .map(|(option, text)| {
                        view! {
                            <option value=option selected=move || value.get() == option>
                                {text}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
        </div>
    }
}

/// An on/off switch with a "?".
#[component]
pub fn ToggleField(
    /// Element id.
    id: &'static str,
    /// Visible label.
    label: &'static str,
    /// Plain-language explanation behind "?".
    help: &'static str,
    /// Whether it is on.
    #[prop(into)]
    value: Signal<bool>,
    /// Applies a new state.
    #[prop(into)]
    set: Callback<bool>,
    /// Disables the switch (e.g. a link that is cut).
    #[prop(optional, into)]
    disabled: Signal<bool>,
) -> impl IntoView {
    view! {
        <div class="field toggle" class:disabled=move || disabled.get()>
            <div class="field-head">
                <input
                    id=id
                    type="checkbox"
                    prop:checked=move || value.get()
                    on:change=move |ev| set.run(event_target_checked(&ev))
                    disabled=move || disabled.get()
                />
                <label for=id>{label}</label>
                <Help text=help topic=label term=help_term(id) />
            </div>
        </div>
    }
}

/// A value as the typed box shows it: short, without float noise; one too small for six
/// decimals in scientific notation ("1e-12", which would otherwise show as a 0 it is not).
pub fn display(value: f64) -> String {
    if !value.is_finite() {
        return String::new();
    }
    if value != 0.0 && value.abs() < 1e-5 {
        return crate::format::scientific(value);
    }
    if value.abs() >= 10_000.0 {
        return crate::format::thousands(&format!("{:.0}", value.round()));
    }
    let rounded = format!("{value:.6}");
    let trimmed = rounded.trim_end_matches('0').trim_end_matches('.');
    if trimmed == "-0" {
        "0".to_string()
    } else {
        trimmed.replace('.', &crate::format::locale().decimal.to_string())
    }
}

fn unit_suffix(unit: &str) -> String {
    if unit.is_empty() {
        String::new()
    } else if unit == "%" {
        unit.to_string()
    } else {
        format!(" {unit}")
    }
}

/// Rounds to three significant digits, so a log slider gives readable values.
fn round_to_3_significant(value: f64) -> f64 {
    if value == 0.0 || !value.is_finite() {
        return value;
    }
    let magnitude = 10f64.powf(value.abs().log10().floor() - 2.0);
    (value / magnitude).round() * magnitude
}

#[cfg(test)]
mod tests {
    use super::{display, fine_position, fine_step, fine_value};
    use super::{fraction_as_percent, refused_as_fraction};

    /// A fraction of 1 in a wide percent box is read back as the percentage it may have meant;
    /// a narrow box (a maintenance margin of 0.5%), another unit or 0 says nothing.
    #[test]
    fn a_fraction_in_a_percent_box_names_its_percentage() {
        assert_eq!(fraction_as_percent(0.6, "%", 0.0, 100.0), Some(60.0));
        assert_eq!(fraction_as_percent(-0.1, "%", -50.0, 50.0), Some(-10.0));
        assert_eq!(fraction_as_percent(0.5, "%", 0.05, 20.0), None);
        assert_eq!(fraction_as_percent(0.6, "x", 0.0, 100.0), None);
        assert_eq!(fraction_as_percent(0.0, "%", 0.0, 100.0), None);
        assert_eq!(fraction_as_percent(1.5, "%", 0.0, 200.0), None);
        // Refused: any size, and a fall typed as a positive fraction.
        assert_eq!(refused_as_fraction(1.05, "%", 50.0, 200.0), Some(105.0));
        assert_eq!(refused_as_fraction(0.8, "%", 50.0, 99.0), Some(80.0));
        assert_eq!(refused_as_fraction(0.35, "%", -100.0, 0.0), Some(-35.0));
        assert_eq!(refused_as_fraction(5.0, "%", 50.0, 99.0), None);
        assert_eq!(refused_as_fraction(0.25, "%", 0.5, 30.0), None);
    }

    #[test]
    fn a_fine_sliders_keys_move_it_by_its_step() {
        assert_eq!(fine_step(-7.76, 0.1, -1.0), -7.8);
        assert_eq!(fine_step(-7.76, 0.1, 1.0), -7.7);
        assert_eq!(fine_step(-7.8, 0.1, -1.0), -7.9);
        assert_eq!(fine_step(-7.8, 0.1, 1.0), -7.7);
        assert_eq!(fine_step(0.0, 0.1, 1.0), 0.1);
        assert_eq!(fine_step(0.0, 0.1, -1.0), -0.1);
        assert_eq!(fine_step(0.1, 0.1, -1.0), 0.0);
        assert_eq!(fine_step(-7.8, 0.1, 10.0), -6.8);
        assert_eq!(fine_step(-7.76, 0.1, -10.0), -8.7);
    }

    #[test]
    fn a_fine_slider_gives_small_moves_most_of_its_track() {
        // Each end is an end; 0 is the middle.
        assert_eq!(fine_value(-1000.0, -50.0, 50.0, 0.1), -50.0);
        assert_eq!(fine_value(1000.0, -50.0, 50.0, 0.1), 50.0);
        assert_eq!(fine_value(0.0, -50.0, 50.0, 0.1), 0.0);
        assert_eq!(fine_position(0.0, -50.0, 50.0), 0.0);
        // -15% to +15% is more than half the track (a linear slider gives it 30%).
        assert!(fine_position(-15.0, -50.0, 50.0) < -540.0);
        // Every value on the step reads back from its position, rounded to whole positions as the
        // slider holds them: -7.8 stays -7.8 (a 0.5 step took -7.76 to -8).
        for tenths in -500..=500 {
            let value = f64::from(tenths) / 10.0;
            let position = fine_position(value, -50.0, 50.0).round();
            assert_eq!(fine_value(position, -50.0, 50.0, 0.1), value, "{value}");
        }
        // One position near -7.8% (a default of old) moves it by a tenth at most.
        let here = fine_position(-7.8, -50.0, 50.0).round();
        assert!((fine_value(here - 1.0, -50.0, 50.0, 0.1) + 7.8).abs() <= 0.1 + 1e-9);
        // A one-sided range (-100..0) is the negative half alone, and nothing passes the ends.
        assert_eq!(fine_position(-100.0, -100.0, 0.0), -1000.0);
        assert_eq!(fine_value(-2000.0, -100.0, 0.0, 1.0), -100.0);
        assert_eq!(fine_position(-80.0, -50.0, 50.0), -1000.0);
    }

    #[test]
    fn the_typed_box_shows_what_it_holds_short() {
        assert_eq!(display(4.5), "4.5");
        assert_eq!(display(0.1 + 0.2), "0.3");
        assert_eq!(display(-0.0), "0");
        assert_eq!(display(0.0), "0");
        assert_eq!(display(1_250_000.4), "1,250,000");
        assert_eq!(display(0.00002), "0.00002");
        // Too small for six decimals: not a 0 it is not, and it reads back the same.
        assert_eq!(display(1e-12), "1e-12");
        assert_eq!(display(-2.5e-7), "-2.5e-7");
        assert_eq!(crate::format::read_number(&display(1e-12)), Some(1e-12));
        assert_eq!(display(f64::NAN), "");
    }
}
