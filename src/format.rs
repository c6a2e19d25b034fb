//! Numbers as people read them: "$4.00bn", "$55,210", "-4.0%".

/// Money with a magnitude suffix: "$4.00bn", "$850M", "$12.5k", "$7".
pub fn usd(value: f64) -> String {
    with_unit(value, "$", "")
}

/// Money in the scenario's unit: USD ("$4.00bn") or another unit after the number ("1.25k coin").
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

/// An amplification factor: "2.80x".
pub fn amplification(value: f64) -> String {
    format!("{value:.2}x")
}

/// A span of time: "94 s", "3.5 min", "2.1 h".
pub fn seconds(value: f64) -> String {
    if value < 120.0 {
        format!("{value:.0} s")
    } else if value < 7_200.0 {
        format!("{:.1} min", value / 60.0)
    } else {
        format!("{:.1} h", value / 3_600.0)
    }
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

#[cfg(test)]
mod tests {
    use super::*;

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
    fn signed_pct_always_has_a_sign_and_one_decimal() {
        assert_eq!(signed_pct(-4.0), "-4.0%");
        assert_eq!(signed_pct(12.34), "+12.3%");
        assert_eq!(signed_pct(0.0), "+0.0%");
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
}
