//! Small layout helpers shared by every figure: a linear scale and time labels.

use crate::sim::{Time, SEC};

/// A linear map from a data range onto a pixel range (like d3's `scaleLinear`), clamped.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Linear {
    d0: f64,
    d1: f64,
    r0: f32,
    r1: f32,
}

impl Linear {
    /// Map `[d0, d1]` onto `[r0, r1]`. An empty domain maps everything to `r0`.
    pub fn new(d0: f64, d1: f64, r0: f32, r1: f32) -> Self {
        Linear { d0, d1, r0, r1 }
    }

    /// A time axis from 0 to `end` microseconds onto `[r0, r1]`.
    pub fn time(end: Time, r0: f32, r1: f32) -> Self {
        Linear::new(0.0, end.max(1) as f64, r0, r1)
    }

    /// The pixel position of `v`, clamped to the range.
    pub fn at(&self, v: f64) -> f32 {
        let span = self.d1 - self.d0;
        if span <= 0.0 || !v.is_finite() {
            return self.r0;
        }
        let f = ((v - self.d0) / span).clamp(0.0, 1.0);
        self.r0 + (self.r1 - self.r0) * f as f32
    }

    /// The pixel position of a time in microseconds.
    pub fn t(&self, t: Time) -> f32 {
        self.at(t as f64)
    }

    /// "Nice" tick values across the domain: about `n` of them, at 1/2/5 × 10^k steps.
    pub fn ticks(&self, n: u32) -> Vec<f64> {
        self.ticks_at_least(n, 0.0)
    }

    /// Tick times across a time axis (domain in microseconds): as [`Linear::ticks`], but never
    /// closer than 0.1 ms, the finest step [`fmt_secs`] tells apart (a run a few microseconds
    /// long had six ticks all labelled "0 s").
    pub fn time_ticks(&self, n: u32) -> Vec<Time> {
        self.ticks_at_least(n, 100.0)
            .into_iter()
            .map(|v| v.round() as Time)
            .collect()
    }

    fn ticks_at_least(&self, n: u32, min_step: f64) -> Vec<f64> {
        let (lo, hi) = (self.d0.min(self.d1), self.d0.max(self.d1));
        let span = hi - lo;
        if span <= 0.0 || n == 0 {
            return vec![lo];
        }
        let step = nice_at_least((span / n as f64).max(min_step), &[1.0, 2.0, 5.0]);
        let mut v = (lo / step).ceil() * step;
        let mut out = Vec::new();
        while v <= hi + step * 1e-9 && out.len() < 1000 {
            out.push(v);
            v += step;
        }
        out
    }
}

/// The power of ten `10^k` with `10^k <= v < 10^(k+1)` (1 when `v` is not a positive number).
/// Integer powers only (no `powf`/`log10`, which would add a float library to the bundle).
pub fn decade(v: f64) -> f64 {
    if !(v.is_finite() && v > 0.0) {
        return 1.0;
    }
    let pow10 = |k: i32| {
        if k >= 0 {
            10f64.powi(k)
        } else {
            1.0 / 10f64.powi(-k)
        }
    };
    let mut k = 0;
    while k < 308 && pow10(k + 1) <= v {
        k += 1;
    }
    while k > -308 && pow10(k) > v {
        k -= 1;
    }
    pow10(k)
}

/// The smallest "nice" number at or above `v`: `m × 10^k` for a multiplier `m` from `ms`
/// (ascending, within [1, 10)), or the next power of ten. Axis steps and axis maxima use it.
pub fn nice_at_least(v: f64, ms: &[f64]) -> f64 {
    let mag = decade(v);
    ms.iter()
        .map(|m| m * mag)
        .find(|s| *s >= v)
        .unwrap_or(10.0 * mag)
}

/// A time as a plain number of seconds, up to 3 decimals (`2`, `2.05`): the form number boxes,
/// links and slider values use (labels use [`fmt_secs`]).
pub fn secs_value(t: Time) -> String {
    crate::decimal::short(t as f64 / SEC as f64, 3)
}

/// A time as a short label: "0 s", "1.5 s", "250 ms", "2 min 5 s".
pub fn fmt_secs(t: Time) -> String {
    if t == 0 {
        return "0 s".into();
    }
    // Integer rounding (half up on the exact decimal value): no float formatter in the bundle.
    // Below a second, unless it rounds up to one ("999.96 ms" reads as "1 s").
    if t < SEC - 50 {
        let tenths = (t + 50) / 100;
        return if tenths % 10 == 0 {
            format!("{} ms", tenths / 10)
        } else {
            format!("{}.{} ms", tenths / 10, tenths % 10)
        };
    }
    if t >= 120 * SEC {
        let s = t / SEC;
        return format!("{} min {} s", s / 60, s % 60);
    }
    let cents = (t + SEC / 200) / (SEC / 100);
    match cents % 100 {
        0 => format!("{} s", cents / 100),
        f if f % 10 == 0 => format!("{}.{} s", cents / 100, f / 10),
        f => format!("{}.{:02} s", cents / 100, f),
    }
}

/// A time-axis tick label: [`fmt_secs`], except plain seconds from 2 min on ("200 s", not
/// "3 min 20 s": ticks are round numbers, and the longer form ran into its neighbours).
pub fn axis_secs(t: Time) -> String {
    if t >= 120 * SEC && t % SEC == 0 {
        format!("{} s", t / SEC)
    } else {
        fmt_secs(t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::MS;

    #[test]
    fn decade_and_nice_numbers() {
        for (v, d) in [
            (1.0, 1.0),
            (9.99, 1.0),
            (10.0, 10.0),
            (999.0, 100.0),
            (1000.0, 1000.0),
            (3_960.0, 1000.0),
            (0.5, 0.1),
            (0.01, 0.01),
            (0.0099, 0.001),
            (2.5e6, 1e6),
        ] {
            assert_eq!(decade(v), d, "decade({v})");
        }
        assert_eq!(decade(0.0), 1.0);
        assert_eq!(decade(f64::NAN), 1.0);
        let m = [1.0, 2.0, 5.0];
        assert_eq!(nice_at_least(3_960.0, &m), 5_000.0);
        assert_eq!(nice_at_least(5_000.0, &m), 5_000.0);
        assert_eq!(nice_at_least(5_001.0, &m), 10_000.0);
        assert_eq!(nice_at_least(0.13, &m), 0.2);
        assert_eq!(nice_at_least(7.0, &[1.0, 2.0, 2.5, 5.0]), 10.0);
        assert_eq!(nice_at_least(2.2, &[1.0, 2.0, 2.5, 5.0]), 2.5);
    }

    #[test]
    fn linear_maps_and_clamps() {
        let s = Linear::time(5 * SEC, 100.0, 600.0);
        assert_eq!(s.t(0), 100.0);
        assert_eq!(s.t(5 * SEC), 600.0);
        assert_eq!(s.t(10 * SEC), 600.0);
        assert!((s.t(SEC) - 200.0).abs() < 1e-3);
        assert_eq!(Linear::new(1.0, 1.0, 5.0, 9.0).at(1.0), 5.0);
    }

    #[test]
    fn time_ticks_are_never_finer_than_the_labels() {
        // A 3 us run: one tick at 0, not six "0 s".
        assert_eq!(Linear::time(3, 0.0, 500.0).time_ticks(6), vec![0]);
        assert_eq!(
            Linear::time(5 * SEC, 0.0, 500.0).time_ticks(5),
            (0..=5).map(|k| k * SEC).collect::<Vec<_>>()
        );
        assert_eq!(
            Linear::time(300, 0.0, 500.0).time_ticks(6),
            vec![0, 100, 200, 300]
        );
    }

    #[test]
    fn ticks_are_nice() {
        let s = Linear::new(0.0, 5.0, 0.0, 1.0);
        assert_eq!(s.ticks(5), vec![0.0, 1.0, 2.0, 3.0, 4.0, 5.0]);
        let s = Linear::new(0.0, 1000.0, 0.0, 1.0);
        assert_eq!(s.ticks(4), vec![0.0, 500.0, 1000.0]);
    }

    #[test]
    fn time_labels() {
        assert_eq!(fmt_secs(0), "0 s");
        assert_eq!(fmt_secs(250 * MS), "250 ms");
        assert_eq!(fmt_secs(1500 * MS), "1.5 s");
        assert_eq!(fmt_secs(3 * SEC), "3 s");
        assert_eq!(fmt_secs(125 * SEC), "2 min 5 s");
        // Rounded on the exact decimal value, half up, never "1000 ms".
        assert_eq!(fmt_secs(1_250), "1.3 ms");
        assert_eq!(fmt_secs(999_949), "999.9 ms");
        assert_eq!(fmt_secs(999_950), "1 s");
        assert_eq!(fmt_secs(1_004_999), "1 s");
        assert_eq!(fmt_secs(1_005_000), "1.01 s");
        assert_eq!(fmt_secs(2_340_000), "2.34 s");
        assert_eq!(fmt_secs(2_300_000), "2.3 s");
    }
}
