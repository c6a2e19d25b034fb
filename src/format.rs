//! Numbers and dates as people read them: "$4.00bn", "$55,210", "-4.0%". Every number the page
//! shows is written here, in the language's [`Locale`] (set in its file of
//! `crate::catalogue::text`), so a translation changes separators and units in one place.

/// How a language writes numbers and dates.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Locale {
    /// Between the whole part and the fraction: "." in "4.5".
    pub decimal: char,
    /// Between groups of three digits: "," in "55,210".
    pub grouping: char,
    /// Written before an amount of money: "$" in "$4.00bn" ("" when it goes after).
    pub currency_before: &'static str,
    /// Written after an amount of money, with its space if any: " $" in "4,00 Mrd. $".
    pub currency_after: &'static str,
    /// Magnitude suffixes: "k", "M", "bn".
    pub thousand: &'static str,
    pub million: &'static str,
    pub billion: &'static str,
    pub trillion: &'static str,
    /// Units of time: "s", "min", "h".
    pub second: &'static str,
    pub minute: &'static str,
    pub hour: &'static str,
    /// The BCP 47 tag dates are written in; "default" is the reader's own.
    pub dates: &'static str,
}

/// The page's locale.
pub fn locale() -> &'static Locale {
    &crate::catalogue::text::text().number
}

/// Money with a magnitude suffix: "$4.00bn", "$850M", "$12.5k", "$7".
pub fn usd(value: f64) -> String {
    let locale = locale();
    with_unit(locale, value, locale.currency_before, locale.currency_after)
}

/// Money in the scenario's unit: USD ("$4.00bn") or another unit after the number ("1.25k coin").
pub fn money(value: f64, unit: &str) -> String {
    if unit == "USD" {
        usd(value)
    } else {
        with_unit(locale(), value, "", &format!(" {unit}"))
    }
}

/// [`money`] with its sign, "+" too ("+$1.46M", "-$373k").
pub fn signed_money(value: f64, unit: &str) -> String {
    let written = money(value, unit);
    if value > 0.0 {
        format!("+{written}")
    } else {
        written
    }
}

fn with_unit(locale: &Locale, value: f64, prefix: &str, suffix: &str) -> String {
    if !value.is_finite() {
        return "–".to_string();
    }
    let sign = if value < 0.0 { "-" } else { "" };
    // Rounded to what is written before its magnitude is chosen: $999.7M is "$1.00bn", not
    // "$1000M" (the fund's $1bn less a few hundred thousand read so).
    let (scaled, letter) = magnitude(locale, three_significant(value.abs()));
    let digits = if scaled >= 100.0 || letter.is_empty() {
        0
    } else if scaled >= 10.0 {
        1
    } else {
        2
    };
    let number = decimal_in(locale, scaled, digits);
    format!("{sign}{prefix}{number}{letter}{suffix}")
}

/// A non-negative amount as [`with_unit`] writes it: three significant digits from a thousand
/// up (a hair over the rounding, so that float error never leaves 999.999... for a round
/// thousand), whole below.
fn three_significant(size: f64) -> f64 {
    if size < 1e3 || !size.is_finite() {
        // Written whole: only what rounds to a thousand changes magnitude.
        return if size >= 999.5 { 1e3 } else { size };
    }
    let unit = 10f64.powi(size.log10().floor() as i32 - 2);
    (size / unit).round() * unit * (1.0 + 1e-12)
}

/// A non-negative amount scaled to its magnitude, and the magnitude's suffix: (4.0, "bn") for
/// 4e9; (7.0, "") below a thousand.
fn magnitude(locale: &Locale, size: f64) -> (f64, &'static str) {
    if size >= 1e12 {
        (size / 1e12, locale.trillion)
    } else if size >= 1e9 {
        (size / 1e9, locale.billion)
    } else if size >= 1e6 {
        (size / 1e6, locale.million)
    } else if size >= 1e3 {
        (size / 1e3, locale.thousand)
    } else {
        (size, "")
    }
}

/// A chart axis's tick label: an amount as the page writes amounts, with only the decimals the
/// value needs (two at most): "$0", "$500M", "$1.5bn", "-$20M". Without the currency sign when
/// the axis counts something else (contracts, coins: its title says what).
pub fn tick(value: f64, dollars: bool) -> String {
    tick_in(locale(), value, dollars)
}

fn tick_in(locale: &Locale, value: f64, dollars: bool) -> String {
    if !value.is_finite() {
        return "–".to_string();
    }
    let (scaled, letter) = magnitude(locale, value.abs());
    let number = needed_decimals_in(locale, scaled, 2);
    // No "-$0" for a tick a rounding put a hair below zero.
    let sign = if value < 0.0 && number != "0" {
        "-"
    } else {
        ""
    };
    let (before, after) = if dollars {
        (locale.currency_before, locale.currency_after)
    } else {
        ("", "")
    };
    format!("{sign}{before}{number}{letter}{after}")
}

/// A price with thousands separators and sensible decimals: "$55,210", "$0.2345".
pub fn price(value: f64) -> String {
    price_in(locale(), value)
}

fn price_in(locale: &Locale, value: f64) -> String {
    if !value.is_finite() {
        return "–".to_string();
    }
    let decimals = price_decimals(value);
    let text = format!("{value:.decimals$}");
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    let grouped = thousands_in(locale, whole);
    let (before, after) = (locale.currency_before, locale.currency_after);
    if fraction.is_empty() {
        format!("{before}{grouped}{after}")
    } else {
        format!("{before}{grouped}{}{fraction}{after}", locale.decimal)
    }
}

/// The decimals a price is written with: none from $1,000, cents from $1, four below.
pub fn price_decimals(value: f64) -> usize {
    if value >= 1000.0 {
        0
    } else if value >= 1.0 {
        2
    } else {
        4
    }
}

/// A number with `digits` decimals in the locale's decimal separator: "4.5".
pub fn decimal(value: f64, digits: usize) -> String {
    decimal_in(locale(), value, digits)
}

fn decimal_in(locale: &Locale, value: f64, digits: usize) -> String {
    format!("{value:.digits$}").replace('.', &locale.decimal.to_string())
}

/// A number with at most `digits` decimals (at least one), those it needs: "10.7", "72", "1.5".
pub fn needed_decimals(value: f64, digits: usize) -> String {
    needed_decimals_in(locale(), value, digits)
}

fn needed_decimals_in(locale: &Locale, value: f64, digits: usize) -> String {
    // With a decimal or more, the zeros trimmed stop at the separator.
    decimal_in(locale, value, digits.max(1))
        .trim_end_matches('0')
        .trim_end_matches(locale.decimal)
        .to_string()
}

/// A percentage with `digits` decimals: "12.5%".
pub fn percent(value: f64, digits: usize) -> String {
    format!("{}%", decimal(value, digits))
}

/// How many decimals a move's percentage is written with: two under 1% (a 0.10% shock and the
/// 0.14% move it became read apart; with one decimal both were "0.1%"), one from 1% up.
pub fn pct_digits(value: f64) -> usize {
    if value.abs() < 0.995 {
        2
    } else {
        1
    }
}

/// `name` with the possessive's ending: "BTC's", and "Hyperliquid-ruled alts'" for a plural (it
/// read "alts's").
pub fn possessive(name: &str) -> String {
    if name.ends_with('s') {
        format!("{name}'")
    } else {
        format!("{name}'s")
    }
}

/// `text` whole if it has at most `most` characters, else its first `most` and "…".
pub fn clipped(text: &str, most: usize) -> String {
    match text.char_indices().nth(most) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_string(),
    }
}

/// Whether a move's percentage is written as nothing ("0.0%": it rounds to 0.00%).
pub fn shown_as_zero(pct: f64) -> bool {
    pct.abs() < 0.005
}

/// A signed percentage, with [`pct_digits`] decimals: "-4.0%", "+0.14%"; a move that rounds to
/// nothing has no sign ("0.0%", never "-0.00%" or "+0.0%").
pub fn signed_pct(value: f64) -> String {
    if shown_as_zero(value) {
        return percent(0.0, 1);
    }
    let digits = pct_digits(value);
    let signed = format!("{value:+.digits$}");
    format!("{}%", signed.replace('.', &locale().decimal.to_string()))
}

/// An amplification factor: "2.80x".
pub fn amplification(value: f64) -> String {
    factor(value, 2)
}

/// A multiple with `digits` decimals: "12.3x".
pub fn factor(value: f64, digits: usize) -> String {
    format!("{}x", decimal(value, digits))
}

/// A span of time: "94 s", "3.5 min", "2.1 h", the unit after a no-break space (a phone's
/// headline broke "24 / s").
pub fn seconds(value: f64) -> String {
    let locale = locale();
    if value < 120.0 {
        whole_seconds(value)
    } else if value < 7_200.0 {
        format!(
            "{}\u{a0}{}",
            needed_decimals(value / 60.0, 1),
            locale.minute
        )
    } else {
        format!(
            "{}\u{a0}{}",
            needed_decimals(value / 3_600.0, 1),
            locale.hour
        )
    }
}

/// A time in whole seconds, however long: "94 s", "600 s" (a no-break space before the unit).
pub fn whole_seconds(value: f64) -> String {
    format!("{value:.0}\u{a0}{}", locale().second)
}

/// A number exactly as given, in the locale's decimal separator and without rounding or
/// grouping: "0.005", "1000", "1e-6" (a bound or a typed value a message quotes back); from
/// 1e16 on in scientific notation, as the engine's messages (`QUOTED_IN_SCIENTIFIC_FROM`).
pub fn plain(value: f64) -> String {
    if value.abs() >= flushlab_engine::error::QUOTED_IN_SCIENTIFIC_FROM {
        return scientific(value);
    }
    localise_point(&value.to_string())
}

/// A number in scientific notation: "1e18", "2.5e19".
pub fn scientific(value: f64) -> String {
    localise_point(&format!("{value:e}"))
}

fn localise_point(text: &str) -> String {
    text.replace('.', &locale().decimal.to_string())
}

/// A number as a reader types it in their locale: "4.5", "1,250,000" or "1 250 000" in
/// English, "4,5" or "1.250.000" where the comma is the decimal separator. Grouping separators,
/// spaces and underscores are dropped; full-width forms (an East Asian keyboard's "５０",
/// "－４．５") and the minus sign "−" read as their ASCII ones; `None` when what is left is not a
/// number.
pub fn read_number(typed: &str) -> Option<f64> {
    read_number_in(locale(), typed)
}

/// Whether `typed`, read as `value`, lost every digit it had: a number with a digit other than 0
/// before its exponent that reads as 0 or as a float too small to hold its digits ("1e-400",
/// "5e-320"): too small for the page, not the 0 its reader did not write.
pub fn lost_to_zero(typed: &str, value: f64) -> bool {
    let typed = half_width(typed);
    let mantissa = typed.split(['e', 'E']).next().unwrap_or("");
    let has_digits = mantissa.chars().any(|c| c.is_ascii_digit() && c != '0');
    has_digits && (value == 0.0 || value.is_subnormal())
}

/// `typed` with full-width forms (U+FF01-U+FF5E: digits, signs, letters, "＄") and the minus
/// sign (U+2212) as their ASCII characters, and the ideographic space as a space.
fn half_width(typed: &str) -> std::borrow::Cow<'_, str> {
    if typed.is_ascii() {
        return std::borrow::Cow::Borrowed(typed);
    }
    typed
        .chars()
        .map(|c| match c {
            '\u{ff01}'..='\u{ff5e}' => char::from_u32(c as u32 - 0xfee0).unwrap_or(c),
            '\u{2212}' => '-',
            '\u{3000}' => ' ',
            _ => c,
        })
        .collect::<String>()
        .into()
}

fn read_number_in(locale: &Locale, typed: &str) -> Option<f64> {
    let typed = half_width(typed);
    let typed = typed.as_ref();
    if !grouped_in_threes(locale, typed.trim()) {
        return None;
    }
    let mut plain = String::with_capacity(typed.len());
    for c in typed.trim().chars() {
        if c == locale.decimal {
            plain.push('.');
        } else if c == locale.grouping || c == '_' || c.is_whitespace() || c == '\u{202f}' {
            continue;
        } else {
            plain.push(c);
        }
    }
    plain.parse::<f64>().ok()
}

/// Whether the grouping separators in `typed`, if any, group the whole part in threes ("1,250,000",
/// not "5,5": a reader who writes the decimal with a comma would get 55 for 5.5).
fn grouped_in_threes(locale: &Locale, typed: &str) -> bool {
    if !typed.contains(locale.grouping) {
        return true;
    }
    let whole = typed.split(locale.decimal).next().unwrap_or("");
    let whole = whole.trim_start_matches(['-', '+']);
    let mut groups = whole.split(locale.grouping);
    let first = groups.next().unwrap_or("");
    (1..=3).contains(&first.chars().filter(char::is_ascii_digit).count())
        && groups.all(|group| group.len() == 3 && group.chars().all(|c| c.is_ascii_digit()))
}

/// An amount as a reader types it: a number as [`read_number`] reads it, or one with the
/// currency sign the page writes and a magnitude, as the page writes amounts ("$50M", "1.5bn",
/// "250k"; "b", "B" and "m" too, case aside, as traders write them). `None` when it is neither.
pub fn read_amount(typed: &str) -> Option<f64> {
    read_amount_in(locale(), typed)
}

fn read_amount_in(locale: &Locale, typed: &str) -> Option<f64> {
    let typed = half_width(typed);
    let mut plain = typed.trim();
    for sign in [locale.currency_before, locale.currency_after.trim()] {
        if !sign.is_empty() {
            plain = plain.strip_prefix(sign).unwrap_or(plain);
            plain = plain.strip_suffix(sign).unwrap_or(plain).trim();
        }
    }
    let lower = plain.to_lowercase();
    let magnitudes = [
        (locale.trillion, 1e12),
        (locale.billion, 1e9),
        (locale.million, 1e6),
        (locale.thousand, 1e3),
        ("tn", 1e12),
        ("bn", 1e9),
        ("b", 1e9),
        ("mn", 1e6),
        ("m", 1e6),
        ("k", 1e3),
    ];
    for (suffix, factor) in magnitudes {
        let suffix = suffix.to_lowercase();
        if let Some(number) = lower.strip_suffix(suffix.as_str()) {
            if number.trim().is_empty() {
                continue;
            }
            return read_number_in(locale, number).map(|value| value * factor);
        }
    }
    read_number_in(locale, plain)
}

/// A leverage bucket's label ("1.5-3x", as the engine writes it) in the locale's decimals.
pub fn leverage_label(label: &str) -> String {
    localise_point(label)
}

/// A count with thousands separators: "12,345".
pub fn count(value: u64) -> String {
    thousands(&value.to_string())
}

/// Digits with a comma every three from the right: "4000000" -> "4,000,000" (a leading minus
/// sign is kept).
pub fn thousands(digits: &str) -> String {
    thousands_in(locale(), digits)
}

fn thousands_in(locale: &Locale, digits: &str) -> String {
    let (sign, digits) = match digits.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", digits),
    };
    let mut grouped = String::from(sign);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(locale.grouping);
        }
        grouped.push(digit);
    }
    grouped
}

/// A moment (milliseconds since 1970) as the locale writes a date and time; none for a moment
/// no date has (NaN, or past the year 275,760).
pub fn date_time(ms: f64) -> Option<String> {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms));
    if date.get_time().is_nan() {
        return None;
    }
    Some(String::from(date.to_locale_string(
        locale().dates,
        &wasm_bindgen::JsValue::UNDEFINED,
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_amount_that_rounds_up_to_the_next_magnitude_is_written_in_it() {
        assert_eq!(usd(999.7e6), "$1.00bn");
        assert_eq!(usd(-999.7e6), "-$1.00bn");
        assert_eq!(usd(999.6), "$1.00k");
        assert_eq!(usd(9.996e9), "$10.0bn");
        assert_eq!(usd(99.96e6), "$100M");
        assert_eq!(usd(999.4e6), "$999M");
        assert_eq!(usd(1e9), "$1.00bn");
        assert_eq!(usd(12_345.0), "$12.3k");
        assert_eq!(usd(7.0), "$7");
    }

    #[test]
    fn usd_picks_the_suffix_and_keeps_three_significant_digits() {
        assert_eq!(usd(4.0e9), "$4.00bn");
        assert_eq!(usd(850e6), "$850M");
        assert_eq!(usd(12_500.0), "$12.5k");
        assert_eq!(usd(7.0), "$7");
        assert_eq!(usd(0.0), "$0");
        assert_eq!(usd(999.4), "$999");
        assert_eq!(usd(1_000.0), "$1.00k");
        assert_eq!(usd(-2.5e6), "-$2.50M");
        assert_eq!(usd(9.2e12), "$9.20tn");
    }

    #[test]
    fn tick_labels_have_the_decimals_the_value_needs_and_the_page_suffixes() {
        let ticks: Vec<String> = [0.0, 5e8, 1e9, 1.5e9, 3.0 * 0.1e9, 2.5e4, 1.25e9, -2e7, 70e9]
            .iter()
            .map(|&value| tick(value, true))
            .collect();
        assert_eq!(
            ticks,
            ["$0", "$500M", "$1bn", "$1.5bn", "$300M", "$25k", "$1.25bn", "-$20M", "$70bn"]
        );
        assert_eq!(tick(5_500.0, false), "5.5k");
        assert_eq!(tick(0.2, false), "0.2");
        assert_eq!(tick(-1e-9, true), "$0");
        assert_eq!(tick(f64::NAN, true), "–");
    }

    #[test]
    fn usd_says_a_dash_for_what_is_not_a_number() {
        assert_eq!(usd(f64::NAN), "–");
        assert_eq!(usd(f64::INFINITY), "–");
        assert_eq!(price(f64::NEG_INFINITY), "–");
    }

    #[test]
    fn money_in_coin_has_the_unit_after_the_number() {
        assert_eq!(money(4.0e9, "USD"), "$4.00bn");
        assert_eq!(money(1_250.0, "coin"), "1.25k coin");
        assert_eq!(money(-3.0, "BTC"), "-3 BTC");
    }

    #[test]
    fn price_groups_thousands_and_shows_more_decimals_for_small_prices() {
        assert_eq!(price(55_210.4), "$55,210");
        assert_eq!(price(1_234_567.0), "$1,234,567");
        assert_eq!(price(123.456), "$123.46");
        assert_eq!(price(1.0), "$1.00");
        assert_eq!(price(0.23454), "$0.2345");
    }

    #[test]
    fn signed_pct_has_a_sign_and_its_decimals_unless_it_rounds_to_nothing() {
        assert_eq!(signed_pct(-4.0), "-4.0%");
        assert_eq!(signed_pct(12.34), "+12.3%");
        assert_eq!(signed_pct(1.0), "+1.0%");
        assert_eq!(signed_pct(-0.996), "-1.0%");
        // Under 1%, two decimals: a 0.10% shock and a 0.14% move read apart.
        assert_eq!(signed_pct(0.1), "+0.10%");
        assert_eq!(signed_pct(-0.1449), "-0.14%");
        assert_eq!(signed_pct(0.994), "+0.99%");
        assert_eq!(signed_pct(0.005), "+0.01%");
        for nothing in [0.0, -0.0, 0.004, -0.0049] {
            assert_eq!(signed_pct(nothing), "0.0%", "{nothing}");
            assert!(shown_as_zero(nothing));
        }
    }

    #[test]
    fn another_locale_swaps_separators_and_places_the_currency_after() {
        let german = Locale {
            decimal: ',',
            grouping: '.',
            currency_before: "",
            currency_after: " $",
            thousand: " Tsd.",
            million: " Mio.",
            billion: " Mrd.",
            ..crate::catalogue::text::LANGUAGES[0].1.number
        };
        assert_eq!(with_unit(&german, 4.0e9, "", " $"), "4,00 Mrd. $");
        assert_eq!(tick_in(&german, 1.5e9, true), "1,5 Mrd. $");
        assert_eq!(price_in(&german, 55_210.4), "55.210 $");
        assert_eq!(price_in(&german, 123.456), "123,46 $");
        assert_eq!(thousands_in(&german, "-12345"), "-12.345");
    }

    #[test]
    fn thousands_puts_a_comma_every_three_digits_from_the_right() {
        assert_eq!(thousands(""), "");
        assert_eq!(thousands("7"), "7");
        assert_eq!(thousands("999"), "999");
        assert_eq!(thousands("1000"), "1,000");
        assert_eq!(thousands("4000000"), "4,000,000");
        assert_eq!(thousands("-12345"), "-12,345");
        assert_eq!(count(0), "0");
        assert_eq!(count(12_345), "12,345");
        assert_eq!(count(u64::MAX), "18,446,744,073,709,551,615");
    }

    #[test]
    fn a_number_too_small_to_hold_is_told_from_zero() {
        assert!(lost_to_zero("1e-400", 0.0));
        assert!(lost_to_zero("5e-320", 5e-320));
        assert!(lost_to_zero("$1e-400", 0.0));
        assert!(!lost_to_zero("0", 0.0));
        assert!(!lost_to_zero("0.000", 0.0));
        assert!(!lost_to_zero("0e5", 0.0));
        assert!(!lost_to_zero("1e-30", 1e-30));
        assert!(!lost_to_zero("-0.5", -0.5));
    }

    #[test]
    fn typed_numbers_are_read_in_the_locale() {
        let english = crate::catalogue::text::LANGUAGES[0].1.number;
        assert_eq!(read_number_in(&english, " 4.5 "), Some(4.5));
        assert_eq!(read_number_in(&english, "1,250,000"), Some(1_250_000.0));
        assert_eq!(read_number_in(&english, "1 250_000"), Some(1_250_000.0));
        assert_eq!(read_number_in(&english, "-0.25"), Some(-0.25));
        assert_eq!(read_number_in(&english, "4.5x"), None);
        // A comma that does not group in threes is not a grouping: 5,5 is not 55.
        assert_eq!(read_number_in(&english, "5,5"), None);
        assert_eq!(read_number_in(&english, "1,25,000"), None);
        assert_eq!(read_number_in(&english, "12,500.5"), Some(12_500.5));
        assert_eq!(read_number_in(&english, "-1,000"), Some(-1_000.0));
        assert_eq!(read_number_in(&english, ""), None);
        // An East Asian keyboard's full-width forms and the minus sign read as ASCII.
        assert_eq!(read_number_in(&english, "５０"), Some(50.0));
        assert_eq!(read_number_in(&english, "－４．５"), Some(-4.5));
        assert_eq!(
            read_number_in(&english, "１，２５０，０００"),
            Some(1_250_000.0)
        );
        assert_eq!(read_number_in(&english, "\u{2212}7.5"), Some(-7.5));
        assert_eq!(read_number_in(&english, "５\u{3000}０００"), Some(5_000.0));
        assert_eq!(read_number_in(&english, "５ｘ"), None);
        let comma = Locale {
            decimal: ',',
            grouping: '.',
            ..english
        };
        assert_eq!(read_number_in(&comma, "4,5"), Some(4.5));
        assert_eq!(read_number_in(&comma, "1.250.000,75"), Some(1_250_000.75));
        assert_eq!(read_number_in(&comma, "abc"), None);
    }

    #[test]
    fn typed_amounts_take_the_pages_sign_and_magnitudes() {
        let english = crate::catalogue::text::LANGUAGES[0].1.number;
        let read = |typed: &str| read_amount_in(&english, typed);
        assert_eq!(read("50,000,000"), Some(50e6));
        assert_eq!(read("$50M"), Some(50e6));
        assert_eq!(read("50m"), Some(50e6));
        assert_eq!(read(" 1.5bn "), Some(1.5e9));
        assert_eq!(read("$1.5 B"), Some(1.5e9));
        assert_eq!(read("250k"), Some(250e3));
        assert_eq!(read("$9.2tn"), Some(9.2e12));
        assert_eq!(read("1e6"), Some(1e6));
        assert_eq!(read("-2M"), Some(-2e6));
        assert_eq!(read("＄５０Ｍ"), Some(50e6));
        assert_eq!(read("１．５ｂｎ"), Some(1.5e9));
        // What the page writes reads back as the same amount.
        for amount in [4e9, 150e6, 36_500.0] {
            assert_eq!(read(&usd(amount)), Some(amount), "{}", usd(amount));
        }
        for nonsense in ["", "M", "$", "bn", "5x", "abc", "5 MM"] {
            assert_eq!(read(nonsense), None, "{nonsense}");
        }
        let comma = Locale {
            decimal: ',',
            grouping: '.',
            currency_before: "",
            currency_after: " $",
            billion: "Mrd.",
            million: "Mio.",
            ..english
        };
        assert_eq!(read_amount_in(&comma, "1,5 Mrd. $"), Some(1.5e9));
        assert_eq!(read_amount_in(&comma, "2,5 Mio."), Some(2.5e6));
    }

    #[test]
    fn a_name_ending_in_s_takes_an_apostrophe_alone() {
        assert_eq!(possessive("BTC perpetual"), "BTC perpetual's");
        assert_eq!(
            possessive("Hyperliquid-ruled alts"),
            "Hyperliquid-ruled alts'"
        );
    }

    #[test]
    fn a_long_text_is_clipped_on_a_character_with_an_ellipsis() {
        assert_eq!(clipped("short", 10), "short");
        assert_eq!(clipped("exactly10!", 10), "exactly10!");
        assert_eq!(clipped("abcdefghijk", 10), "abcdefghij…");
        // Characters, not bytes: never inside one.
        assert_eq!(clipped("ééééé", 3), "ééé…");
    }
}
