//! A small reusable time-series chart: axes, ticks, polylines cut at the playback time, an optional
//! threshold line (capacity, out-of-memory limit) and a legend.
//!
//! Series are precomputed once per trace ([`Series`]: sorted times and values); a frame cuts each
//! series at `t` with a binary search and decimates to about two points per pixel column (the
//! first, minimum, maximum and last point of each half-pixel bucket), so a chart of a 100,000-point
//! series costs O(pixels) per frame after the cut.
//!
//! CSS classes used: `axis`, `grid`, `muted`, `small`, `chart` plus a colour class per series
//! (`s-queue`, `s-run`, `s-danger`, `s-wait`, `s-accent`, `s-done`), `dashed` for thresholds.
use super::{axis_secs, Anchor, Item, Linear};
use crate::sim::{Time, SEC};

/// A precomputed series: `t` sorted ascending, one value per time.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Series {
    /// Times (virtual µs), ascending.
    pub t: Vec<Time>,
    /// Values.
    pub v: Vec<f64>,
    /// Drawn as a staircase (the value holds until the next point).
    pub step: bool,
}

impl Series {
    /// A staircase series (counters, depths).
    pub fn step() -> Self {
        Series {
            step: true,
            ..Series::default()
        }
    }
    /// A line series (rates, latencies).
    pub fn line() -> Self {
        Series::default()
    }
    /// Append a point (times must not decrease).
    pub fn push(&mut self, t: Time, v: f64) {
        // Several changes at one instant: keep the last for a step series.
        if self.step && self.t.last() == Some(&t) {
            if let Some(last) = self.v.last_mut() {
                *last = v;
                return;
            }
        }
        self.t.push(t);
        self.v.push(v);
    }
    /// The number of points with time `<= t`.
    pub fn cut(&self, t: Time) -> usize {
        self.t.partition_point(|&x| x <= t)
    }
    /// The value at `t` (last point at or before `t`; 0 before any).
    pub fn at(&self, t: Time) -> f64 {
        let n = self.cut(t);
        if n == 0 {
            0.0
        } else {
            self.v[n - 1]
        }
    }
    /// Largest value (0 when empty).
    pub fn max(&self) -> f64 {
        self.v.iter().copied().fold(0.0, f64::max)
    }
    /// Events per second in buckets of `bucket` µs: one point at the end of each bucket that ends
    /// by `end` (a bucket is drawn once it is complete).
    pub fn rate(times: &[Time], bucket: Time, end: Time) -> Series {
        let mut s = Series::line();
        let bucket = bucket.max(1);
        let per = SEC as f64 / bucket as f64;
        let mut i = 0;
        let mut b = bucket;
        s.push(0, 0.0);
        while b <= end {
            let j = i + times[i..].partition_point(|&x| x < b);
            s.push(b, (j - i) as f64 * per);
            i = j;
            b += bucket;
        }
        s
    }

    /// Events per second over the last `window` µs (or the time so far, when shorter), one
    /// point every `step` µs up to `end`: a moving average, for runs too short for buckets long
    /// enough to smooth them (four events in a 0.1 s bucket read as 40 a second).
    pub fn moving_rate(times: &[Time], window: Time, step: Time, end: Time) -> Series {
        let mut s = Series::line();
        let (window, step) = (window.max(1), step.max(1));
        s.push(0, 0.0);
        let mut b = step;
        while b <= end {
            let hi = times.partition_point(|&x| x < b);
            let lo = times.partition_point(|&x| x < b.saturating_sub(window));
            let span = window.min(b);
            s.push(b, (hi - lo) as f64 * SEC as f64 / span as f64);
            b += step;
        }
        s
    }
}

/// Where and how to draw one chart.
#[derive(Clone, Debug)]
pub struct ChartSpec {
    /// Left edge of the plot box (labels go left of it).
    pub x: f32,
    /// Top edge of the plot box (the title goes above it).
    pub y: f32,
    /// Plot width.
    pub w: f32,
    /// Plot height.
    pub h: f32,
    /// Title shown above the plot (with the current values appended by the caller if wanted).
    pub title: String,
    /// End of the time axis.
    pub end: Time,
    /// Top of the value axis (at least the largest value drawn).
    pub y_max: f64,
    /// A horizontal threshold line: value, label.
    pub threshold: Option<(f64, String)>,
    /// A vertical marker line at a time, with a label (e.g. "load drops").
    pub marker: Option<(Time, String)>,
    /// The value axis' labels ([`short_num`], or e.g. milliseconds as "850 ms").
    pub y_label: fn(f64) -> String,
}

/// Draw a chart with `series` cut at `t`; returns the items. Each series comes with its line's
/// classes (`chart` and a colour such as `s-queue`, maybe `dashed`) and a legend label (none
/// when empty; the legend's swatch takes the line's colour).
pub fn chart(spec: &ChartSpec, series: &[(&Series, &'static str, &str)], t: Time) -> Vec<Item> {
    let mut out = Vec::new();
    let (x0, y0, w, h) = (spec.x, spec.y, spec.w, spec.h);
    let xs = Linear::time(spec.end, x0, x0 + w);
    let y_max = nice_max(spec.y_max.max(spec.threshold.as_ref().map_or(0.0, |t| t.0)));
    let ys = Linear::new(0.0, y_max, y0 + h, y0);
    out.push(Item::Text {
        x: x0,
        y: y0 - 5.0,
        text: spec.title.clone(),
        class: "small bold",
        anchor: Anchor::Start,
    });
    // Legend, right-aligned above the plot; under the time axis when it would run into the
    // title (a narrow chart with a long title). Each entry: a swatch, then its label.
    let legend: Vec<_> = series.iter().filter(|s| !s.2.is_empty()).collect();
    let entry_w = |label: &str| 14.0 + label.len() as f32 * 5.6;
    let legend_w: f32 = legend.iter().map(|s| entry_w(s.2) + 8.0).sum::<f32>() - 8.0;
    let title_w = spec.title.chars().count() as f32 * 6.0;
    let ly = if title_w + 12.0 + legend_w > w {
        y0 + h + 27.0
    } else {
        y0 - 5.0
    };
    let mut lx = x0 + w - legend_w;
    for (_, class, label) in legend {
        out.push(Item::Rect {
            x: lx,
            y: ly - 7.0,
            w: 10.0,
            h: 6.0,
            rx: 1.0,
            class: colour(class),
            tip: None,
        });
        out.push(Item::Text {
            x: lx + 14.0,
            y: ly,
            text: label.to_string(),
            class: "small muted",
            anchor: Anchor::Start,
        });
        lx += entry_w(label) + 8.0;
    }
    for v in [0.0, y_max / 2.0, y_max] {
        let y = ys.at(v);
        out.push(Item::Line {
            x1: x0,
            y1: y,
            x2: x0 + w,
            y2: y,
            class: "grid",
        });
        out.push(Item::Text {
            x: x0 - 3.0,
            // The bottom one sits a little higher, clear of the time axis's first label.
            y: if v == 0.0 { y } else { y + 3.0 },
            text: (spec.y_label)(v),
            class: "small muted",
            anchor: Anchor::End,
        });
    }
    for tt in Linear::time(spec.end, 0.0, 1.0).time_ticks(5) {
        let x = xs.t(tt);
        out.push(Item::Line {
            x1: x,
            y1: y0 + h,
            x2: x,
            y2: y0 + h + 3.0,
            class: "axis",
        });
        // Centred under its tick, unless a long label ("3 min 20 s") at the right end would run
        // past the chart: then it ends a little after the tick.
        let label = axis_secs(tt);
        let half = label.chars().count() as f32 * 2.8;
        let (lx, anchor) = if x + half > x0 + w + 8.0 {
            (x + 6.0, Anchor::End)
        } else {
            (x, Anchor::Middle)
        };
        out.push(Item::Text {
            x: lx,
            y: y0 + h + 12.0,
            text: label,
            class: "small muted",
            anchor,
        });
    }
    out.push(Item::Line {
        x1: x0,
        y1: y0 + h,
        x2: x0 + w,
        y2: y0 + h,
        class: "axis",
    });
    if let Some((v, label)) = &spec.threshold {
        let y = ys.at(*v);
        out.push(Item::Line {
            x1: x0,
            y1: y,
            x2: x0 + w,
            y2: y,
            class: "s-danger dashed",
        });
        // Left-aligned, unless it would run into the marker's label or the run's lines cross it
        // there and not at the right end: then at the right end.
        let len = label.chars().count() as f32 * 5.6;
        let clash = spec.marker.as_ref().is_some_and(|(mt, _)| {
            let mx = xs.t(*mt);
            mx < x0 + 4.0 + len + 4.0 && mx + 40.0 > x0 && ((y - 3.0) - (y0 + 10.0)).abs() < 12.0
        });
        // At the top of the plot, above the line would be on the title: below it instead.
        let label_y = if y < y0 + 10.0 { y + 11.0 } else { y - 3.0 };
        // Does any line of the run (the whole run, so the label does not move as it plays)
        // pass through the label's box between these x? Only the points under the label are
        // read (found by binary search: a chart is drawn every frame).
        let crossed = |from: f32, to: f32| {
            series.iter().any(|(s, _, _)| {
                let first = s.t.partition_point(|&pt| xs.t(pt) < from);
                s.t[first..]
                    .iter()
                    .zip(&s.v[first..])
                    .take_while(|(&pt, _)| xs.t(pt) <= to)
                    .any(|(_, &pv)| (label_y - 10.0..=label_y + 2.0).contains(&ys.at(pv)))
            })
        };
        let clash = clash
            || (crossed(x0 + 4.0, x0 + 4.0 + len) && !crossed(x0 + w - 4.0 - len, x0 + w - 4.0));
        out.push(Item::Text {
            x: if clash { x0 + w - 4.0 } else { x0 + 4.0 },
            y: label_y,
            text: label.clone(),
            // Outlined in the background colour: the chart's lines cross it.
            class: "small halo",
            anchor: if clash { Anchor::End } else { Anchor::Start },
        });
    }
    if let Some((mt, label)) = &spec.marker {
        let x = xs.t(*mt);
        out.push(Item::Line {
            x1: x,
            y1: y0,
            x2: x,
            y2: y0 + h,
            class: "axis dashed",
        });
        // To the right of the line, or to its left where it would run past the chart's end.
        let fits = x + 3.0 + label.chars().count() as f32 * 5.6 <= x0 + w;
        out.push(Item::Text {
            x: if fits { x + 3.0 } else { x - 3.0 },
            y: y0 + 10.0,
            text: label.clone(),
            class: "small muted",
            anchor: if fits { Anchor::Start } else { Anchor::End },
        });
    }
    for &(s, class, _) in series {
        let pts = points(s, t, &xs, &ys);
        match pts[..] {
            [] => {}
            // A line's single sample so far: a dot (a polyline of one point draws nothing; a
            // staircase's first point is only where it starts).
            [(cx, cy)] if !s.step => out.push(Item::Circle {
                cx,
                cy,
                r: 2.0,
                class: colour(class),
                tip: None,
            }),
            [_] => {}
            _ => out.push(Item::Poly { points: pts, class }),
        }
    }
    // The playback time.
    let xt = xs.t(t.min(spec.end));
    out.push(Item::Line {
        x1: xt,
        y1: y0,
        x2: xt,
        y2: y0 + h,
        class: "now faint",
    });
    out
}

/// The colour class (`s-…`) among a line's classes.
fn colour(classes: &'static str) -> &'static str {
    classes
        .split(' ')
        .find(|c| c.starts_with("s-"))
        .unwrap_or("s-done")
}

/// The polyline points of `s` up to `t`, decimated to about two points per pixel column.
pub fn points(s: &Series, t: Time, xs: &Linear, ys: &Linear) -> Vec<(f32, f32)> {
    let n = s.cut(t);
    let mut out: Vec<(f32, f32)> = Vec::with_capacity(n.min(2048) + 2);
    let mut bucket = i64::MIN;
    let (mut lo, mut hi) = (f32::MAX, f32::MIN);
    let mut last_y = 0.0f32;
    let flush = |out: &mut Vec<(f32, f32)>, x: f32, lo: f32, hi: f32, last: f32| {
        if lo <= hi {
            out.push((x, lo));
            if hi != lo {
                out.push((x, hi));
            }
            if last != hi {
                out.push((x, last));
            }
        }
    };
    let mut bx = 0.0;
    for i in 0..n {
        let x = xs.t(s.t[i]);
        let y = ys.at(s.v[i]);
        let b = (x * 2.0).floor() as i64;
        if b != bucket {
            flush(&mut out, bx, lo, hi, last_y);
            if s.step && !out.is_empty() {
                // Hold the previous value until this point.
                out.push((x, last_y));
            }
            bucket = b;
            bx = x;
            lo = y;
            hi = y;
            out.push((x, y));
        } else {
            lo = lo.min(y);
            hi = hi.max(y);
        }
        last_y = y;
    }
    flush(&mut out, bx, lo, hi, last_y);
    if s.step && n > 0 {
        out.push((xs.t(t), last_y));
    }
    out.dedup();
    out
}

/// A round axis maximum at or above `v` (1, 2, 5 × 10^k; at least 1).
pub fn nice_max(v: f64) -> f64 {
    if !v.is_finite() || v <= 1.0 {
        return 1.0;
    }
    super::scale::nice_at_least(v * 1.0001, &[1.0, 2.0, 2.5, 5.0])
}

/// A compact number label: 950, 7.5, 1.25k, 3.4M (thousands and millions to two decimals, so
/// an axis tick at 1,250 reads 1.25k, not 1.2k).
pub fn short_num(v: f64) -> String {
    let a = v.abs();
    if a >= 1e6 {
        format!("{}M", crate::decimal::short(v / 1e6, 2))
    } else if a >= 1e3 {
        format!("{}k", crate::decimal::short(v / 1e3, 2))
    } else {
        crate::decimal::short(v, 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cut_and_value() {
        let mut s = Series::step();
        s.push(0, 1.0);
        s.push(10, 2.0);
        s.push(10, 3.0);
        s.push(20, 4.0);
        assert_eq!(s.t, vec![0, 10, 20]);
        assert_eq!(s.at(15), 3.0);
        assert_eq!(s.cut(9), 1);
        assert_eq!(s.max(), 4.0);
    }

    #[test]
    fn rate_buckets() {
        let times: Vec<Time> = (0..30).map(|i| i * SEC / 10).collect();
        let r = Series::rate(&times, SEC, 3 * SEC);
        assert_eq!(r.v, vec![0.0, 10.0, 10.0, 10.0]);
    }

    #[test]
    fn decimation_is_bounded_and_cut_at_t() {
        let mut s = Series::line();
        for i in 0..100_000u64 {
            s.push(i * 100, (i % 7) as f64);
        }
        let spec = ChartSpec {
            x: 40.0,
            y: 20.0,
            w: 300.0,
            h: 80.0,
            title: "depth".into(),
            end: 10 * SEC,
            y_max: 7.0,
            threshold: Some((6.0, "limit".into())),
            marker: None,
            y_label: short_num,
        };
        let items = chart(&spec, &[(&s, "chart s-queue", "depth")], 5 * SEC);
        let poly = items
            .iter()
            .find_map(|i| match i {
                Item::Poly { points, .. } => Some(points.clone()),
                _ => None,
            })
            .unwrap();
        assert!(poly.len() <= 300 * 2 * 4, "{}", poly.len());
        let maxx = poly.iter().map(|p| p.0).fold(0.0, f32::max);
        assert!((maxx - 190.0).abs() < 1.0, "cut at t: {maxx}");
        assert_eq!(nice_max(7.0), 10.0);
        assert_eq!(short_num(1500.0), "1.5k");
        assert_eq!(short_num(1250.0), "1.25k");
        assert_eq!(short_num(2_500_000.0), "2.5M");
    }

    #[test]
    fn a_threshold_label_moves_to_the_right_end_when_the_lines_cross_it_on_the_left() {
        let spec = ChartSpec {
            x: 40.0,
            y: 20.0,
            w: 300.0,
            h: 80.0,
            title: "load".into(),
            end: 10 * SEC,
            y_max: 10.0,
            threshold: Some((6.0, "capacity".into())),
            marker: None,
            y_label: short_num,
        };
        let label_at = |s: &Series| {
            chart(&spec, &[(s, "chart s-queue", "")], 10 * SEC)
                .into_iter()
                .find_map(|i| match i {
                    Item::Text {
                        text, x, anchor, ..
                    } if text == "capacity" => Some((x, anchor)),
                    _ => None,
                })
                .unwrap()
        };
        // Just above the line for the first second, low afterwards.
        let mut early = Series::line();
        for k in 0..=100u64 {
            early.push(k * SEC / 10, if k <= 10 { 6.5 } else { 1.0 });
        }
        assert_eq!(label_at(&early), (336.0, Anchor::End));
        // Low everywhere: the label stays at the left.
        let mut low = Series::line();
        for k in 0..=100u64 {
            low.push(k * SEC / 10, 1.0);
        }
        assert_eq!(label_at(&low), (44.0, Anchor::Start));
    }

    #[test]
    fn a_lone_point_is_a_dot_and_the_legend_takes_the_line_colour() {
        let mut one = Series::line();
        one.push(SEC, 40.0);
        let spec = ChartSpec {
            x: 40.0,
            y: 20.0,
            w: 200.0,
            h: 80.0,
            title: "latency".into(),
            end: 4 * SEC,
            y_max: 40.0,
            threshold: None,
            marker: None,
            y_label: |v| format!("{v} ms"),
        };
        let items = chart(&spec, &[(&one, "chart s-accent dashed", "p99")], 2 * SEC);
        let dots: Vec<_> = items
            .iter()
            .filter_map(|i| match i {
                Item::Circle { cx, class, .. } => Some((*cx, *class)),
                _ => None,
            })
            .collect();
        assert_eq!(dots, vec![(90.0, "s-accent")]);
        assert!(!items.iter().any(|i| matches!(i, Item::Poly { .. })));
        let swatch = items.iter().find_map(|i| match i {
            Item::Rect { class, .. } => Some(*class),
            _ => None,
        });
        assert_eq!(swatch, Some("s-accent"));
        // The value axis uses the spec's labels: 0, half and the (rounded) top.
        for label in ["0 ms", "25 ms", "50 ms"] {
            assert!(
                items
                    .iter()
                    .any(|i| matches!(i, Item::Text { text, .. } if text == label)),
                "{label}"
            );
        }
        // Before its point, the series draws nothing.
        let early = chart(&spec, &[(&one, "chart s-accent dashed", "")], SEC / 2);
        assert!(!early.iter().any(|i| matches!(i, Item::Circle { .. })));
    }
}
