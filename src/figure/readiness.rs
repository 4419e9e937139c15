//! Figure `readiness` (chapter 3): register interest → the system notifies readiness → the
//! callback runs, drawn from a `select()` run ([`super::ports::SideRun`]).
//!
//! ```text
//!  1. Registered interest        2. Notifications            3. Callbacks
//!  | port 9001 READ greet |      1.0 s  nothing (timeout)    greet(9001) at 0.5 s
//!  | port 9002 READ greet |      1.8 s  ready: 9002          greet(9002) running
//!  notified ●      ●   ●●        callback ▮     ▮   ▮▮
//! ```
//!
//! The registration row whose socket was in the latest ready set is marked (`s-accent`), the row
//! whose callback runs now is marked `s-run`. Classes: `box`, `lane`, `muted`, `small`, `bold`,
//! `big`, `now`, `s-accent`, `s-run`, `s-queue`, `faint`, `axis`.

use super::ports::{port_ix, tint, SideRun};
use super::{axis_secs, fmt_secs, shift, text, Anchor, Item, Linear, Scene};
use crate::sim::Time;

/// Which step of the pattern is happening at `t`: 1 register, 2 wait/notify, 3 callback.
pub fn step_at(run: &SideRun, t: Time) -> u32 {
    if run.handler_at(t).is_some() {
        3
    } else if t == 0 {
        1
    } else {
        2
    }
}

/// The line of `event_callbacks.py` to mark at `t` (see content/CODE_LINES.md).
pub fn code_line(run: &SideRun, t: Time) -> u32 {
    match step_at(run, t) {
        1 => 17,
        3 => 24,
        _ => 21,
    }
}

fn rect(x: f32, y: f32, w: f32, h: f32, class: &'static str) -> Item {
    Item::Rect {
        x,
        y,
        w,
        h,
        rx: 3.0,
        class,
        tip: None,
    }
}

fn ports_of(ready: [bool; 2]) -> String {
    match ready {
        [true, true] => "9001 and 9002".into(),
        [true, false] => "9001".into(),
        [false, true] => "9002".into(),
        [false, false] => String::new(),
    }
}

/// Width and height of the picture.
pub const W: f32 = 660.0;
/// Height.
pub const H: f32 = 250.0;

/// An event's time in seconds ("0.5 s", "3 s"), as the caption and the arrival script give them
/// (not "500 ms" next to "1.8 s").
fn secs(t: Time) -> String {
    format!(
        "{} s",
        crate::decimal::short(t as f64 / crate::sim::SEC as f64, 3)
    )
}

/// Width of the narrow picture (a phone): the three columns stacked, then the time axis.
pub const NARROW_W: f32 = 340.0;
/// Less room than this (CSS px for the picture) gets the narrow picture: the wide one would be
/// drawn smaller than 1:1, its text under 10 px.
pub const NARROW_BELOW: f32 = W;

/// The picture at `t`, side by side ([`W`] wide).
pub fn layout(run: &SideRun, t: Time) -> Scene {
    layout_for(run, t, W)
}

/// The picture at `t` for `width` CSS px of room: below [`NARROW_BELOW`] the three
/// columns stack in a [`NARROW_W`]-wide picture, with the time axis under them.
pub fn layout_for(run: &SideRun, t: Time, width: f32) -> Scene {
    let wide = wide_layout(run, t, if width < NARROW_BELOW { NARROW_W } else { W });
    if width >= NARROW_BELOW {
        return wide;
    }
    // The wide picture's parts, by where they were drawn: column k starts at COLS[k] - 4, the
    // time axis below y 150 (drawn for the narrow width already). Each column moves to x 10,
    // one under the other.
    let (mut parts, mut axis): ([Vec<Item>; 3], Vec<Item>) = Default::default();
    for it in wide.items {
        let (x, y) = anchor_of(&it);
        if y >= 150.0 {
            axis.push(it);
        } else {
            let k = COLS.iter().rposition(|&c| x >= c - 4.0).unwrap_or(0);
            parts[k].push(it);
        }
    }
    let tops = [0.0, 146.0, 290.0];
    let axis_dy = 274.0;
    let mut sc = Scene::new(NARROW_W, H + axis_dy, wide.title);
    for (k, mut items) in parts.into_iter().enumerate() {
        shift(&mut items, COLS[0] - COLS[k], tops[k]);
        sc.items.extend(items);
    }
    shift(&mut axis, 0.0, axis_dy);
    sc.items.extend(axis);
    sc
}

/// Left x of the three columns in the wide picture.
const COLS: [f32; 3] = [10.0, 238.0, 452.0];

/// Where an item starts (its left x and its top y), to tell which part it belongs to.
fn anchor_of(it: &Item) -> (f32, f32) {
    match it {
        Item::Rect { x, y, .. } | Item::Text { x, y, .. } | Item::Handle { x, y, .. } => (*x, *y),
        Item::Line { x1, y1, .. } => (*x1, *y1),
        Item::Circle { cx, cy, .. } => (*cx, *cy),
        Item::Poly { points, .. } => points.first().copied().unwrap_or((0.0, 0.0)),
        Item::Group { items, .. } => items.first().map_or((0.0, 0.0), anchor_of),
    }
}

fn wide_layout(run: &SideRun, t: Time, width: f32) -> Scene {
    let mut sc = Scene::new(
        width,
        H,
        format!(
            "Register, notify, call back: the select() run at {}",
            fmt_secs(t)
        ),
    );
    let step = step_at(run, t);
    let cols = COLS;
    let heads = [
        "1. Register interest",
        "2. Notifications",
        "3. Callback runs",
    ];
    for (i, (&x, h)) in cols.iter().zip(heads).enumerate() {
        if step == i as u32 + 1 {
            sc.push(tint(x - 4.0, 22.0, 204.0, "s-accent faint"));
        }
        sc.push(text(x, 22.0, h, "big", Anchor::Start));
    }

    // Column 1: the registrations.
    let running = run.handler_at(t).copied();
    let last_ret = run
        .selects
        .iter()
        .rev()
        .find(|c| c.ret.is_some_and(|r| r <= t));
    let notified = last_ret.map(|c| c.ready).unwrap_or([false; 2]);
    sc.push(text(
        cols[0] + 8.0,
        46.0,
        "socket",
        "muted small",
        Anchor::Start,
    ));
    sc.push(text(
        cols[0] + 88.0,
        46.0,
        "event",
        "muted small",
        Anchor::Start,
    ));
    sc.push(text(
        cols[0] + 168.0,
        46.0,
        "callback",
        "muted small",
        Anchor::Start,
    ));
    for (i, port) in [9001u32, 9002].into_iter().enumerate() {
        let y = 54.0 + i as f32 * 34.0;
        let mut items = vec![rect(cols[0], y, 212.0, 28.0, "box")];
        let run_here = running.is_some_and(|h| h.port == port);
        if run_here {
            items.push(rect(cols[0], y, 6.0, 28.0, "s-run"));
        } else if notified[port_ix(port)] {
            items.push(rect(cols[0], y, 6.0, 28.0, "s-accent"));
        }
        items.push(text(
            cols[0] + 12.0,
            y + 18.0,
            format!("port {port}"),
            "bold",
            Anchor::Start,
        ));
        items.push(text(
            cols[0] + 88.0,
            y + 18.0,
            "EVENT_READ",
            "small",
            Anchor::Start,
        ));
        let cb_class = if run_here { "bold" } else { "" };
        items.push(text(
            cols[0] + 168.0,
            y + 18.0,
            "greet",
            cb_class,
            Anchor::Start,
        ));
        sc.push(Item::Group {
            class: "registration",
            label: Some(format!("port {port}: on EVENT_READ call greet")),
            key: None,
            items,
        });
    }
    sc.push(text(
        cols[0],
        140.0,
        "registered once, at the start (line 17)",
        "muted small",
        Anchor::Start,
    ));

    // Columns 2 and 3, row by row: the last few notifications (select returns), newest last,
    // each beside the callbacks it made run (those that started after it, before the next one):
    // a row is one turn of the loop.
    let done: Vec<_> = run
        .selects
        .iter()
        .filter_map(|c| c.ret.filter(|&r| r <= t).map(|r| (r, c.ready)))
        .collect();
    let from = done.len().saturating_sub(4);
    let mut y = 50.0;
    for (k, &(r, ready)) in done.iter().enumerate().skip(from) {
        let newest = k + 1 == done.len();
        let next = done.get(k + 1).map_or(Time::MAX, |d| d.0);
        let (msg, class, time_class) = if ready == [false, false] {
            (
                "nothing ready (timeout)".to_string(),
                "muted small",
                "muted small",
            )
        } else if newest {
            sc.push(tint(cols[1] - 4.0, y, 212.0, "s-accent faint"));
            // Ink on the tint: muted grey there is under 4.5:1.
            (format!("ready: {}", ports_of(ready)), "bold", "small")
        } else {
            (format!("ready: {}", ports_of(ready)), "", "muted small")
        };
        sc.push(text(cols[1], y, secs(r), time_class, Anchor::Start));
        sc.push(text(cols[1] + 56.0, y, msg, class, Anchor::Start));
        // Each ready port's callback: run (when), running, or next in this turn.
        let called = |port: u32| {
            run.handlers
                .iter()
                .find(|h| h.port == port && h.start >= r && h.start < next && h.start <= t)
        };
        let ports: Vec<u32> = [9001, 9002]
            .into_iter()
            .filter(|&p| ready[port_ix(p)])
            .collect();
        let running = ports.iter().any(|&p| called(p).is_some_and(|h| t < h.end));
        if running {
            sc.push(tint(cols[2] - 4.0, y, 204.0, "s-run faint"));
        }
        let (msg, class) = match ports.as_slice() {
            [] => ("no callback".to_string(), "muted small"),
            [p] => match called(*p) {
                Some(h) if t < h.end => (format!("greet(port {p}) running"), "bold"),
                Some(h) => (format!("greet(port {p}) at {}", secs(h.start)), ""),
                None => (format!("greet(port {p}) next"), "muted"),
            },
            both => (
                both.iter()
                    .map(|&p| match called(p) {
                        Some(h) if t < h.end => format!("greet({p}) running"),
                        Some(_) if running => format!("greet({p}) ✓"),
                        Some(h) => format!("greet({p}) {}", secs(h.start)),
                        None => format!("{p} next"),
                    })
                    .collect::<Vec<_>>()
                    .join(" · "),
                "small",
            ),
        };
        sc.push(text(cols[2], y, msg, class, Anchor::Start));
        y += 20.0;
    }
    let waiting = run
        .select_at(t)
        .is_some_and(|c| c.ret.is_none_or(|r| r > t));
    if waiting {
        sc.push(text(
            cols[1],
            y,
            "sel.select() waiting…",
            "small bold",
            Anchor::Start,
        ));
    }
    if done.is_empty() {
        sc.push(text(
            cols[2],
            50.0,
            "none yet",
            "muted small",
            Anchor::Start,
        ));
    }

    // Bottom: the same story on a time axis.
    let x0 = 80.0;
    let x1 = width - 14.0;
    let s = Linear::time(run.end, x0, x1);
    let lanes = ["notified", "callback"];
    for (i, n) in lanes.iter().enumerate() {
        let y = 160.0 + i as f32 * 30.0;
        sc.push(rect(x0, y, x1 - x0, 22.0, "lane"));
        sc.push(text(x0 - 8.0, y + 15.0, *n, "small", Anchor::End));
    }
    for c in &run.selects {
        let Some(r) = c.ret.filter(|&r| r <= t) else {
            continue;
        };
        let x = s.t(r);
        if c.ready == [false, false] {
            sc.push(Item::Line {
                x1: x,
                y1: 165.0,
                x2: x,
                y2: 177.0,
                class: "axis faint",
            });
        } else {
            sc.push(Item::Circle {
                cx: x,
                cy: 171.0,
                r: 5.0,
                class: "s-accent",
                tip: Some(format!("{}: ready {}", secs(r), ports_of(c.ready))),
            });
        }
    }
    for h in run.handlers.iter().filter(|h| h.start <= t) {
        let a = s.t(h.start);
        let b = s.t(h.end.min(t)).max(a + 3.0);
        sc.push(Item::Rect {
            x: a,
            y: 193.0,
            w: b - a,
            h: 16.0,
            rx: 2.0,
            class: "s-run",
            tip: Some(format!("greet(port {}) at {}", h.port, secs(h.start))),
        });
    }
    for tick in s.time_ticks(8) {
        sc.push(text(
            s.t(tick),
            232.0,
            axis_secs(tick),
            "muted small",
            Anchor::Middle,
        ));
    }
    let tx = s.t(t.min(run.end));
    sc.push(Item::Line {
        x1: tx,
        y1: 156.0,
        x2: tx,
        y2: 216.0,
        class: "now",
    });
    sc
}

/// One sentence for screen readers.
pub fn describe(run: &SideRun, t: Time) -> String {
    let what = match step_at(run, t) {
        1 => "both sockets are registered with greet as their callback".to_string(),
        3 => format!(
            "greet runs for port {}",
            run.handler_at(t).map(|h| h.port).unwrap_or(0)
        ),
        _ => "the loop waits in sel.select() for a notification".to_string(),
    };
    format!("At {}: {what}.", fmt_secs(t))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::programs::ports::{readiness_script, run_select};
    use crate::sim::{MS, SEC};

    fn run() -> SideRun {
        SideRun::from_trace(&run_select(&readiness_script()))
    }

    #[test]
    fn callback_highlighted_only_after_its_socket_is_notified() {
        let r = run();
        // 9001 client at 0.5 s: notified and greeted at once.
        let sc = layout(&r, 500 * MS);
        let texts = sc.texts();
        assert!(texts.contains(&"greet(port 9001) running"), "{texts:?}");
        assert!(texts.contains(&"ready: 9001"));
        assert_eq!(code_line(&r, 500 * MS), 24);
        assert_eq!(code_line(&r, 0), 17);
        assert_eq!(code_line(&r, 900 * MS), 21);
        // Every handler starts at the return of a select() that reported its port.
        for h in &r.handlers {
            let c = r
                .selects
                .iter()
                .rev()
                .find(|c| c.ret.is_some_and(|x| x <= h.start))
                .unwrap();
            assert!(c.ready[port_ix(h.port)], "{h:?}");
        }
    }

    #[test]
    fn each_notification_row_holds_the_callbacks_it_made_run() {
        let r = run();
        let both_ready = r
            .selects
            .iter()
            .find_map(|c| c.ret.filter(|_| c.ready == [true, true]))
            .expect("one select returns both ports");
        let mut seen_pair = false;
        for width in [W, NARROW_W] {
            for k in 0..=(r.end / (100 * MS)) {
                let t = k * 100 * MS;
                let sc = layout_for(&r, t, width);
                crate::figure::overlap::assert_texts_fit(&sc);
                crate::figure::overlap::assert_no_overlaps("readiness", &sc);
                // Rows: the notification's time and the callback text share a baseline.
                let mut rows: Vec<(f32, String, String)> = Vec::new();
                let items: Vec<(f32, f32, &str)> = sc
                    .items
                    .iter()
                    .filter_map(|i| match i {
                        Item::Text { x, y, text, .. } => Some((*x, *y, text.as_str())),
                        _ => None,
                    })
                    .collect();
                for &(x, y, s) in &items {
                    if s.ends_with(" s")
                        && s.len() < 8
                        && y < 150.0 + if width == W { 0.0 } else { 300.0 }
                    {
                        let on_row: Vec<&str> = items
                            .iter()
                            .filter(|o| o.1 == y && o.0 != x)
                            .map(|o| o.2)
                            .collect();
                        if let [what, cb] = on_row.as_slice() {
                            rows.push((y, what.to_string(), cb.to_string()));
                        }
                    }
                }
                for (_, what, cb) in &rows {
                    if what.starts_with("nothing ready") {
                        assert_eq!(cb, "no callback", "at {t}: {rows:?}");
                    } else {
                        // Every port the row says was ready is greeted on that row.
                        for p in ["9001", "9002"] {
                            if what.contains(p) {
                                assert!(cb.contains(p), "at {t}: {rows:?}");
                            }
                        }
                    }
                }
                if t >= both_ready + SEC && width == W {
                    seen_pair |= rows.iter().any(|(_, w, cb)| {
                        w == "ready: 9001 and 9002"
                            && cb.contains("greet(9001)")
                            && cb.contains("greet(9002)")
                    });
                }
            }
        }
        assert!(
            seen_pair,
            "the row that reports both ports holds both callbacks"
        );
    }

    #[test]
    fn timeouts_show_as_empty_notifications() {
        let r = run();
        let sc = layout(&r, 3 * SEC - 1);
        assert!(
            sc.texts().contains(&"nothing ready (timeout)"),
            "{:?}",
            sc.texts()
        );
        let both = layout(&r, 3 * SEC);
        assert!(
            both.texts().contains(&"ready: 9001 and 9002"),
            "{:?}",
            both.texts()
        );
    }
}
