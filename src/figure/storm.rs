//! The retry storm (chapter 9): service A calls B with a timeout and retries. Two runs on the same
//! traffic side by side — naive retries (the death spiral) and the fix (a limit on attempts, backoff,
//! bounded queue in B) — each with an A → B diagram and charts of offered load (attempts per
//! second), the original load (new calls per second), goodput (successful calls per second) and
//! B's queue.
//!
//! Pure: [`StormData::new`] precomputes the series once per trace; [`storm_scene`] cuts them at
//! `t`. Classes: `box`, `lane`, `s-danger` (offered load, timeouts), `s-done` (original load),
//! `s-run` (goodput), `s-queue` (B's queue), `muted`, `small`, `big`, `bold`.
use super::charts::{chart, short_num, ChartSpec, Series};
use super::load::wrap;
use super::{card, fmt_secs, shift, Anchor, Item, Scene};
use crate::sim::{EventKind, Time, Trace, MS, SEC};

/// Precomputed series of one storm run.
#[derive(Clone, Debug, PartialEq)]
pub struct StormData {
    /// Attempts per second (original calls + retries).
    pub offered: Series,
    /// New calls per second.
    pub original: Series,
    /// Successful calls per second.
    pub goodput: Series,
    /// B's queue depth.
    pub queue: Series,
    /// Requests B served per second (useful or not).
    pub served: Series,
    /// Cumulative counts at each event time: attempts, ok, timeouts, failed, served.
    pub totals: Series,
    /// Run end.
    pub end: Time,
    ok_t: Vec<Time>,
    attempt_t: Vec<Time>,
    timeout_t: Vec<Time>,
    fail_t: Vec<Time>,
    served_t: Vec<Time>,
    reject_t: Vec<Time>,
}

impl StormData {
    /// Precompute from a storm trace (see `scenario::programs::retry`).
    pub fn new(tr: &Trace) -> StormData {
        let (
            mut attempt_t,
            mut orig_t,
            mut ok_t,
            mut timeout_t,
            mut fail_t,
            mut served_t,
            mut reject_t,
        ) = (vec![], vec![], vec![], vec![], vec![], vec![], vec![]);
        let mut queue = Series::step();
        queue.push(0, 0.0);
        for e in &tr.events {
            match e.kind {
                EventKind::CallStart { attempt, .. } => {
                    attempt_t.push(e.t);
                    if attempt == 0 {
                        orig_t.push(e.t);
                    }
                }
                EventKind::CallOk { .. } => ok_t.push(e.t),
                EventKind::CallTimeout { .. } => timeout_t.push(e.t),
                EventKind::CallFail { .. } => fail_t.push(e.t),
                EventKind::RequestDone { .. } => served_t.push(e.t),
                EventKind::QueuePut { depth, .. } | EventKind::QueueGet { depth, .. } => {
                    queue.push(e.t, depth as f64)
                }
                EventKind::QueueDrop { depth, .. } => {
                    reject_t.push(e.t);
                    queue.push(e.t, depth as f64)
                }
                _ => {}
            }
        }
        let end = tr.end.max(1);
        let b = 500 * MS;
        StormData {
            offered: Series::rate(&attempt_t, b, end),
            original: Series::rate(&orig_t, b, end),
            goodput: Series::rate(&ok_t, b, end),
            served: Series::rate(&served_t, b, end),
            queue,
            totals: Series::default(),
            end,
            ok_t,
            attempt_t,
            timeout_t,
            fail_t,
            served_t,
            reject_t,
        }
    }

    /// Counts by time `t`: (attempts, successes, timeouts, failed calls, served by B, rejected by B).
    pub fn counts(&self, t: Time) -> (usize, usize, usize, usize, usize, usize) {
        let c = |v: &Vec<Time>| v.partition_point(|&x| x <= t);
        (
            c(&self.attempt_t),
            c(&self.ok_t),
            c(&self.timeout_t),
            c(&self.fail_t),
            c(&self.served_t),
            c(&self.reject_t),
        )
    }

    /// Goodput and offered load (per second) over the window `[a, b)`.
    pub fn window(&self, a: Time, b: Time) -> (f64, f64) {
        let c =
            |v: &Vec<Time>| (v.partition_point(|&x| x < b) - v.partition_point(|&x| x < a)) as f64;
        let secs = (b - a).max(1) as f64 / SEC as f64;
        (c(&self.ok_t) / secs, c(&self.attempt_t) / secs)
    }
}

/// Where and how one panel is drawn.
struct Panel {
    x0: f32,
    w: f32,
    /// Heading and the line under it.
    heading: (&'static str, &'static str),
    /// When the original load drops (marked on the charts).
    drop_at: Time,
    /// Chart maxima: load per second, queue length.
    y_max: (f64, f64),
}

/// One panel: heading, A → B diagram, load chart, queue chart.
fn panel(d: &StormData, t: Time, p: &Panel) -> Vec<Item> {
    let &Panel {
        x0,
        w,
        heading: (heading, sub),
        drop_at,
        y_max,
    } = p;
    let mut out = Vec::new();
    out.push(Item::Text {
        x: x0,
        y: 18.0,
        text: heading.into(),
        class: "big",
        anchor: Anchor::Start,
    });
    // 10-unit text ≈ 5.6 units a character: long lines wrap to the panel's width.
    let max_chars = (w / 5.6) as usize;
    let subs = wrap(sub, max_chars);
    for (i, l) in subs.iter().enumerate() {
        out.push(Item::Text {
            x: x0,
            y: 34.0 + 13.0 * i as f32,
            text: l.clone(),
            class: "small muted",
            anchor: Anchor::Start,
        });
    }
    let py = 48.0 + 13.0 * (subs.len().max(1) - 1) as f32;
    let bh = 56.0;
    let bw = 90.0;
    let offered = d.offered.at(t);
    let good = d.goodput.at(t);
    let q = d.queue.at(t);
    // A
    out.extend(card(
        x0,
        py,
        bw,
        bh,
        "service A".into(),
        "timeout 1 s".into(),
    ));
    // B with its queue
    let bx = x0 + w - bw;
    let qx = x0 + bw + 80.0;
    let qw = bx - qx - 10.0;
    out.push(Item::Rect {
        x: qx,
        y: py + 12.0,
        w: qw,
        h: bh - 24.0,
        rx: 4.0,
        class: "lane",
        tip: None,
    });
    let qmax = y_max.1.max(1.0);
    let fill = (q / qmax).clamp(0.0, 1.0) as f32 * qw;
    out.push(Item::Rect {
        x: qx + qw - fill,
        y: py + 12.0,
        w: fill,
        h: bh - 24.0,
        rx: 4.0,
        class: "s-queue",
        tip: None,
    });
    // Named over the box when there is room (wide panels); the number alone otherwise (the
    // queue chart below is titled with the full name and count).
    out.push(Item::Text {
        x: qx + qw / 2.0,
        y: py + 8.0,
        // Room for "B's queue: 12345" (≈ 96 units): decided by the width alone, so both panels
        // and every frame use the same form.
        text: if qw >= 110.0 {
            format!("B's queue: {}", q as u64)
        } else {
            short_num(q)
        },
        class: "small bold",
        anchor: Anchor::Middle,
    });
    out.extend(card(bx, py, bw, bh, "service B".into(), "100 req/s".into()));
    // Arrows: offered load →, goodput ←.
    let (ax, az) = (x0 + bw + 4.0, qx - 4.0);
    let thick = |v: f64| if v > 150.0 { "s-danger" } else { "s-queue" };
    out.push(Item::Line {
        x1: ax,
        y1: py + 18.0,
        x2: az,
        y2: py + 18.0,
        class: thick(offered),
    });
    out.push(Item::Text {
        x: (ax + az) / 2.0,
        y: py + 12.0,
        text: format!("{} /s →", short_num(offered.round())),
        class: "small bold",
        anchor: Anchor::Middle,
    });
    out.push(Item::Line {
        x1: ax,
        y1: py + bh - 14.0,
        x2: az,
        y2: py + bh - 14.0,
        class: "s-run",
    });
    out.push(Item::Text {
        x: (ax + az) / 2.0,
        y: py + bh - 2.0,
        text: format!("← {} ok/s", short_num(good.round())),
        class: "small bold",
        anchor: Anchor::Middle,
    });
    // Counts.
    let (att, ok, to, failed, served, rej) = d.counts(t);
    let mut ly = py + bh + 20.0;
    for l in wrap(
        &format!("attempts {att} · ok {ok} · timed out {to} · rejected {rej} · given up {failed}"),
        max_chars,
    ) {
        out.push(Item::Text {
            x: x0,
            y: ly,
            text: l,
            class: "small",
            anchor: Anchor::Start,
        });
        ly += 13.0;
    }
    ly += 3.0;
    let wasted = served.saturating_sub(ok);
    // Bold text is wider: wrap it a little shorter.
    for l in wrap(
        &format!("B served {served}, of which {wasted} for callers that had already given up"),
        max_chars * 9 / 10,
    ) {
        out.push(Item::Text {
            x: x0,
            y: ly,
            text: l,
            class: if wasted > ok {
                "small bold s-danger"
            } else {
                "small muted"
            },
            anchor: Anchor::Start,
        });
        ly += 13.0;
    }
    let marker = Some((drop_at, "original load drops".to_string()));
    let cy = ly + 21.0;
    let sp = ChartSpec {
        x: x0 + 36.0,
        y: cy,
        w: w - 40.0,
        h: 110.0,
        title: "load and goodput (per second)".into(),
        end: d.end,
        y_max: y_max.0,
        threshold: Some((100.0, "B's capacity".into())),
        marker: marker.clone(),
        y_label: short_num,
    };
    out.push(Item::Group {
        class: "chart-box",
        label: Some(format!(
            "offered {} per second, goodput {} per second",
            crate::decimal::fixed(offered, 0),
            crate::decimal::fixed(good, 0)
        )),
        key: None,
        items: chart(
            &sp,
            &[
                (&d.offered, "chart s-danger", "offered"),
                (&d.original, "chart s-done", "original"),
                (&d.goodput, "chart s-run", "goodput"),
            ],
            t,
        ),
    });
    let sq = ChartSpec {
        x: x0 + 36.0,
        y: cy + 160.0,
        w: w - 40.0,
        h: 70.0,
        title: format!("B's queue: {}", q as u64),
        end: d.end,
        y_max: y_max.1,
        threshold: None,
        marker,
        y_label: short_num,
    };
    out.push(Item::Group {
        class: "chart-box",
        label: Some(sq.title.clone()),
        key: None,
        items: chart(&sq, &[(&d.queue, "chart s-queue", "")], t),
    });
    out
}

/// Lowest text baseline / shape bottom of `items` (the panel's height).
fn bottom(items: &[Item]) -> f32 {
    items.iter().fold(0.0f32, |m, i| match i {
        Item::Rect { y, h, .. } | Item::Handle { y, h, .. } => m.max(y + h),
        Item::Text { y, .. } => m.max(*y),
        Item::Line { y1, y2, .. } => m.max(y1.max(*y2)),
        Item::Circle { cy, r, .. } => m.max(cy + r),
        Item::Poly { points, .. } => points.iter().fold(m, |m, p| m.max(p.1)),
        Item::Group { items, .. } => m.max(bottom(items)),
    })
}

/// Naive vs fixed drawn for a column `width` wide (clamped to 340..=980): side by side, or one
/// above the other below 720 (phones, tablets), so the 10-unit labels stay about 10 px.
pub fn storm_scene_for(
    naive: &StormData,
    fixed: &StormData,
    t: Time,
    drop_at: Time,
    width: f32,
) -> Scene {
    let w = width.clamp(340.0, 980.0).floor();
    // Side by side, each panel's queue box between A and B needs (w - 60) / 2 >= 330 units;
    // narrower, it vanished under the numbers (seen at 600).
    if w >= 720.0 {
        return storm_scene_w(naive, fixed, t, drop_at, w);
    }
    let pw = w - 20.0;
    let [a, mut b] = panels(naive, fixed, t, drop_at, pw, [10.0, 10.0]);
    let dy = bottom(&a) + 36.0;
    shift(&mut b, 0.0, dy);
    let mut sc = Scene::new(w, bottom(&b) + 14.0, title(t));
    sc.items.extend(a);
    sc.items.push(Item::Line {
        x1: 10.0,
        y1: dy - 16.0,
        x2: w - 10.0,
        y2: dy - 16.0,
        class: "grid",
    });
    sc.items.extend(b);
    sc
}

/// Naive vs fixed, side by side, at `t`. `drop_at` is when the original load drops.
pub fn storm_scene(naive: &StormData, fixed: &StormData, t: Time, drop_at: Time) -> Scene {
    storm_scene_w(naive, fixed, t, drop_at, 980.0)
}

fn storm_scene_w(naive: &StormData, fixed: &StormData, t: Time, drop_at: Time, w: f32) -> Scene {
    let pw = (w - 60.0) / 2.0;
    let mut sc = Scene::new(w, 410.0, title(t));
    let [first, second] = panels(naive, fixed, t, drop_at, pw, [10.0, 50.0 + pw]);
    sc.height = bottom(&first).max(bottom(&second)) + 14.0;
    sc.items.push(Item::Line {
        x1: w / 2.0,
        y1: 4.0,
        x2: w / 2.0,
        y2: sc.height - 10.0,
        class: "grid",
    });
    sc.items.extend(first);
    sc.items.extend(second);
    sc
}

fn title(t: Time) -> String {
    format!("Retry storm: naive retries vs the fix, at {}", fmt_secs(t))
}

/// The naive and the fixed panel, `pw` wide, at the given x positions (both at the top). Each
/// on its own scale: on a shared one the fix's load (a few hundred a second) and bounded queue
/// (50) were flat lines under the storm's thousands; each chart keeps B's capacity as its
/// reference line, and the page says that the scales differ.
fn panels(
    naive: &StormData,
    fixed: &StormData,
    t: Time,
    drop_at: Time,
    pw: f32,
    x: [f32; 2],
) -> [Vec<Item>; 2] {
    let heading = [
        (
            "Naive retries",
            "retry at once, forever; B's queue unbounded",
        ),
        (
            "The fix",
            "3 attempts, backoff with jitter, B refuses beyond 50 queued",
        ),
    ];
    [(naive, 0), (fixed, 1)].map(|(d, i)| {
        let p = Panel {
            x0: x[i],
            w: pw,
            heading: heading[i],
            drop_at,
            y_max: (d.offered.max().max(150.0), d.queue.max()),
        };
        panel(d, t, &p)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::programs::retry::{retry_storm, RetryFix, RetryParams};

    /// The page's two runs: naive retries, and the fix.
    fn both() -> (StormData, StormData) {
        let naive = StormData::new(&retry_storm(&RetryParams::default()));
        let fixed = StormData::new(&retry_storm(&RetryParams {
            fix: RetryFix::All,
            ..RetryParams::default()
        }));
        (naive, fixed)
    }

    #[test]
    fn goodput_falls_while_offered_load_rises_and_the_fix_recovers() {
        let (naive, fixed) = both();
        let (g0, o0) = naive.window(0, 4 * SEC);
        let (g1, o1) = naive.window(20 * SEC, 30 * SEC);
        assert!(g1 < g0 / 4.0, "goodput {g0} -> {g1}");
        assert!(o1 > o0 * 2.0, "offered {o0} -> {o1}");
        let (gf, _) = fixed.window(20 * SEC, 30 * SEC);
        assert!(gf > 60.0, "fixed goodput {gf}");
        let sc = storm_scene(&naive, &fixed, 25 * SEC, 12 * SEC);
        assert!(sc.texts().contains(&"Naive retries"));
        for w in [343.0, 640.0, 980.0] {
            let sc = storm_scene_for(&naive, &fixed, 25 * SEC, 12 * SEC, w);
            crate::figure::load::assert_texts_fit(&sc);
            crate::figure::overlap::assert_no_overlaps(&format!("storm at {w}"), &sc);
            assert!(sc.texts().contains(&"The fix"));
        }
        assert!(sc.texts().iter().any(|x| x.starts_with("B served")));
    }

    #[test]
    fn the_fix_is_drawn_on_its_own_scale() {
        let (naive, fixed) = both();
        let sc = storm_scene(&naive, &fixed, 25 * SEC, 12 * SEC);
        // The value axes' top labels, left panel first: the storm's thousands, the fix's
        // hundreds; the queue charts likewise (tens of thousands vs the bound of 50).
        let tops: Vec<String> = sc
            .items
            .iter()
            .filter_map(|i| match i {
                Item::Group {
                    class: "chart-box",
                    items,
                    ..
                } => items.iter().find_map(|i| match i {
                    Item::Text {
                        text,
                        anchor: Anchor::End,
                        ..
                    } if text != "0" => Some(text.clone()),
                    _ => None,
                }),
                _ => None,
            })
            .collect();
        assert_eq!(tops.len(), 4, "{tops:?}");
        assert!(
            tops[0].ends_with('k') && !tops[2].ends_with('k'),
            "load axes {tops:?}"
        );
        assert!(
            tops[1].ends_with('k') && !tops[3].ends_with('k'),
            "queue axes {tops:?}"
        );
    }
}
