//! Numbers as people read them: "$4.0bn", "$55,210", "-4.0%".

/// Money with a magnitude suffix: "$4.00bn", "$850M", "$12.5k", "$7".
pub fn usd(value: f64) -> String {
    with_unit(value, "$", "")
}

/// Money in the scenario's unit: USD ("$4.0bn") or coin ("1,250 coin").
pub fn money(value: f64, unit: &str) -> String {
    if unit == "USD" {
        usd(value)
    } else {
        with_unit(value, "", &format!(" {unit}"))
    }
}

fn with_unit(value: f64, prefix: &str, suffix: &str) -> String {
    if !value.is_finite() {
        return "–".to_string();
    }
    let sign = if value < 0.0 { "-" } else { "" };
    let size = value.abs();
    let (scaled, letter) = if size >= 1e9 {
        (size / 1e9, "bn")
    } else if size >= 1e6 {
        (size / 1e6, "M")
    } else if size >= 1e3 {
        (size / 1e3, "k")
    } else {
        (size, "")
    };
    let digits = if scaled >= 100.0 || letter.is_empty() {
        0
    } else if scaled >= 10.0 {
        1
    } else {
        2
    };
    format!("{sign}{prefix}{scaled:.digits$}{letter}{suffix}")
}

/// A price with thousands separators and sensible decimals: "$55,210", "$0.2345".
pub fn price(value: f64) -> String {
    if !value.is_finite() {
        return "–".to_string();
    }
    let decimals = if value >= 1000.0 {
        0
    } else if value >= 1.0 {
        2
    } else {
        4
    };
    let text = format!("{value:.decimals$}");
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    let grouped = thousands(whole);
    if fraction.is_empty() {
        format!("${grouped}")
    } else {
        format!("${grouped}.{fraction}")
    }
}

/// A signed percentage with one decimal: "-4.0%".
pub fn signed_pct(value: f64) -> String {
    format!("{value:+.1}%")
}

/// A count with thousands separators: "12,345".
pub fn count(value: u64) -> String {
    thousands(&value.to_string())
}

/// Digits with a comma every three from the right: "4000000" -> "4,000,000" (a leading minus
/// sign is kept).
pub fn thousands(digits: &str) -> String {
    let (sign, digits) = match digits.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", digits),
    };
    let mut grouped = String::from(sign);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    grouped
}
