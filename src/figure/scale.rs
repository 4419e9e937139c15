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
        let (lo, hi) = (self.d0.min(self.d1), self.d0.max(self.d1));
        let span = hi - lo;
        if span <= 0.0 || n == 0 {
            return vec![lo];
        }
        let raw = span / n as f64;
        let mag = 10f64.powf(raw.log10().floor());
        let step = [1.0, 2.0, 5.0, 10.0]
            .iter()
            .map(|m| m * mag)
            .find(|s| *s >= raw)
            .unwrap_or(10.0 * mag);
        let mut v = (lo / step).ceil() * step;
        let mut out = Vec::new();
        while v <= hi + step * 1e-9 && out.len() < 1000 {
            out.push(v);
            v += step;
        }
        out
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::MS;

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
