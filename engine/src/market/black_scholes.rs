//! Black-Scholes at zero rates, for a European call on the asset: its price, its delta and its
//! effective leverage. Option dealers' hedging (`traders/hedging.rs`) and the options-leverage
//! calculator (`analysis/option_leverage.rs`) share it.

/// The standard normal distribution function.
pub fn normal_cdf(x: f64) -> f64 {
    0.5 * libm::erfc(-x / std::f64::consts::SQRT_2)
}

/// `d1` and `d2` of a call struck at `strike` on `price`, `years` to expiry, volatility `vol`
/// (a fraction a year); both finite only for `years * vol > 0`.
fn d1_d2(price: f64, strike: f64, years: f64, vol: f64) -> (f64, f64) {
    let spread = vol * libm::sqrt(years);
    let d1 = (libm::log(price / strike) + 0.5 * spread * spread) / spread;
    (d1, d1 - spread)
}

/// Black-Scholes delta of a call at zero rates, `N(d1)` (a put's is one less: the same hedge
/// trades, since the constant does not move). At expiry (no time or no volatility left): 1 in
/// the money, 0 out of it.
pub fn call_delta(price: f64, strike: f64, years: f64, vol: f64) -> f64 {
    if years <= 0.0 || vol <= 0.0 {
        return if price > strike { 1.0 } else { 0.0 };
    }
    normal_cdf(d1_d2(price, strike, years, vol).0)
}

/// Black-Scholes price of a call at zero rates, `S N(d1) - K N(d2)`; at expiry its intrinsic
/// value `max(S - K, 0)`.
pub fn call_price(price: f64, strike: f64, years: f64, vol: f64) -> f64 {
    if years <= 0.0 || vol <= 0.0 {
        return (price - strike).max(0.0);
    }
    let (d1, d2) = d1_d2(price, strike, years, vol);
    (price * normal_cdf(d1) - strike * normal_cdf(d2)).max(0.0)
}

/// A call's effective leverage (its elasticity, Omega): the percent its value moves per percent
/// the price moves, `delta x S / C`. Zero for a worthless call.
pub fn call_omega(price: f64, strike: f64, years: f64, vol: f64) -> f64 {
    let value = call_price(price, strike, years, vol);
    if value <= 0.0 {
        return 0.0;
    }
    call_delta(price, strike, years, vol) * price / value
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_at_the_money_year_at_20_pct_is_worth_7_97_and_levers_6_8_times() {
        // C = 100 (N(0.1) - N(-0.1)) = 7.96557; delta N(0.1) = 0.53983; Omega = 6.777.
        let price = call_price(100.0, 100.0, 1.0, 0.2);
        assert!((price - 7.96557).abs() < 1e-4, "{price}");
        let delta = call_delta(100.0, 100.0, 1.0, 0.2);
        assert!((delta - 0.539828).abs() < 1e-5, "{delta}");
        let omega = call_omega(100.0, 100.0, 1.0, 0.2);
        assert!((omega - 0.539828 * 100.0 / 7.96557).abs() < 1e-3, "{omega}");
    }

    #[test]
    fn delta_is_the_slope_of_the_price_and_omega_its_elasticity() {
        let (k, t, vol) = (105.0, 30.0 / 365.0, 0.6);
        for s in [80.0, 100.0, 120.0] {
            let h = 1e-4 * s;
            let slope = (call_price(s + h, k, t, vol) - call_price(s - h, k, t, vol)) / (2.0 * h);
            assert!((slope - call_delta(s, k, t, vol)).abs() < 1e-6, "{s}");
            let elasticity = slope * s / call_price(s, k, t, vol);
            assert!((elasticity - call_omega(s, k, t, vol)).abs() < 1e-4, "{s}");
        }
    }

    #[test]
    fn at_expiry_a_call_is_its_intrinsic_value() {
        assert_eq!(call_price(110.0, 100.0, 0.0, 0.5), 10.0);
        assert_eq!(call_price(90.0, 100.0, 0.0, 0.5), 0.0);
        assert_eq!(call_delta(110.0, 100.0, 0.0, 0.5), 1.0);
        assert_eq!(call_omega(90.0, 100.0, 0.0, 0.5), 0.0);
        assert!((call_omega(110.0, 100.0, 0.0, 0.5) - 11.0).abs() < 1e-12);
    }
}
