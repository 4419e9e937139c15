//! Servers under load (chapters 4 and 8): pure layout of the `thread-pool` and `frameworks`
//! pictures from request traces.
//!
//! A load trace holds ~100,000 requests, so nothing here walks the trace per frame:
//! [`LoadSeries::from_trace`] samples it **once** (counts after every `bucket` of virtual time:
//! arrived, started, done, rejected, memory; latency p50/p99 of the requests finished in each
//! half-second window, a window with none keeping the previous value), and every frame reads one sample ([`LoadSeries::at`]) and cuts the chart
//! polylines at `t` — O(samples), independent of the number of requests.
//!
//! Words used in the pictures: a request is **waiting** from arrival until a thread (pool) or the
//! loop (event loop) starts it, **in flight** from start to done, **rejected** when the pool's
//! bounded queue is full.
//!
//! CSS classes: the shared palette only (`s-run` busy thread / in flight, `s-queue` waiting,
//! `s-danger` over budget / rejected, `s-accent` p99, `s-done` free slot, `lane`, `box`, `grid`,
//! `axis`, `now`, `chart`, `dashed`, `faint`, `muted`, `small`, `big`, `bold`).
use crate::figure::charts::{chart, nice_max, ChartSpec, Series};
use crate::figure::{fmt_secs, text, Anchor, Item, Linear, Scene};
use crate::scenario::programs::load::LoadParams;
use crate::sim::trace::join_bytes;
use crate::sim::{EventKind, Time, Trace, MS};

/// Latency percentiles are computed over windows of this length.
pub const PCT_WINDOW: Time = 500 * MS;

/// Count axes (requests waiting, in flight) reach at least 10 (the charts round up to a nice
/// number above the largest value).
const WAITING_FLOOR: f64 = 9.0;
/// Latency axes reach at least 1 s.
const LATENCY_FLOOR_MS: f64 = 900.0;

/// Counts at one instant.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct LoadStats {
    /// Requests arrived so far.
    pub arrived: u32,
    /// Requests started (got a thread / first polled by the loop).
    pub started: u32,
    /// Requests finished.
    pub done: u32,
    /// Requests rejected (bounded queue full).
    pub rejected: u32,
    /// Memory accounted, bytes.
    pub memory: u64,
    /// Median latency (ms) of requests finished in the last complete window.
    pub p50_ms: Option<u32>,
    /// 99th percentile latency (ms), same window.
    pub p99_ms: Option<u32>,
}

impl LoadStats {
    /// Waiting for a thread / for the loop.
    pub fn waiting(&self) -> u32 {
        self.arrived
            .saturating_sub(self.started)
            .saturating_sub(self.rejected)
    }
    /// Started, not finished.
    pub fn in_flight(&self) -> u32 {
        self.started.saturating_sub(self.done)
    }
}

/// A load trace sampled once: the per-frame source of both pictures.
#[derive(Clone, Debug, PartialEq)]
pub struct LoadSeries {
    /// Sample spacing, µs.
    pub bucket: Time,
    /// End of the run.
    pub end: Time,
    /// `samples[i]` = counts after every event with `t <= i * bucket` (latencies excluded).
    pub samples: Vec<LoadStats>,
    /// Per percentile window `k` (ending at `(k+1) * PCT_WINDOW`): (p50, p99) in ms.
    pub pct: Vec<Option<(u32, u32)>>,
    /// Largest waiting count, in-flight count and memory over the run (for fixed chart scales).
    pub max_waiting: u32,
    /// Largest in-flight count.
    pub max_in_flight: u32,
    /// Largest memory, bytes.
    pub max_memory: u64,
    /// Largest p99, ms.
    pub max_latency_ms: u32,
}

fn pctl(sorted: &[u64], q: f64) -> u32 {
    if sorted.is_empty() {
        return 0;
    }
    let i = ((sorted.len() as f64 * q).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i] as u32
}

impl LoadSeries {
    /// Sample `trace` (one pass over its events, one sort per percentile window).
    pub fn from_trace(trace: &Trace) -> LoadSeries {
        let end = trace.end;
        let bucket = (end / 400).max(50 * MS);
        let n = (end / bucket) as usize + 1;
        let mut samples = Vec::with_capacity(n);
        let mut cur = LoadStats::default();
        let windows = (end.div_ceil(PCT_WINDOW)) as usize;
        // Latencies in ms, as u64: the engine sorts u64s too, so the bundle has one sort routine.
        let mut lat: Vec<Vec<u64>> = vec![Vec::new(); windows.max(1)];
        let mut ev = trace.events.iter().peekable();
        for i in 0..n {
            let until = i as Time * bucket;
            while let Some(e) = ev.peek() {
                if e.t > until {
                    break;
                }
                match e.kind {
                    EventKind::RequestArrive { .. } => cur.arrived += 1,
                    EventKind::RequestStart { .. } => cur.started += 1,
                    EventKind::RequestDone { latency, .. } => {
                        cur.done += 1;
                        let k = (e.t.saturating_sub(1) / PCT_WINDOW) as usize;
                        if let Some(w) = lat.get_mut(k) {
                            w.push(u64::from(latency / 1000));
                        }
                    }
                    EventKind::RequestReject { .. } => cur.rejected += 1,
                    EventKind::Memory { lo, hi } => cur.memory = join_bytes(lo, hi),
                    _ => {}
                }
                ev.next();
            }
            samples.push(cur);
        }
        let pct: Vec<Option<(u32, u32)>> = lat
            .into_iter()
            .map(|mut w| {
                if w.is_empty() {
                    None
                } else {
                    w.sort_unstable();
                    Some((pctl(&w, 0.5), pctl(&w, 0.99)))
                }
            })
            .collect();
        // A window in which nothing finished keeps the last value ("latest finished requests").
        let mut pct = pct;
        for k in 1..pct.len() {
            if pct[k].is_none() {
                pct[k] = pct[k - 1];
            }
        }
        let max_waiting = samples.iter().map(|s| s.waiting()).max().unwrap_or(0);
        let max_in_flight = samples.iter().map(|s| s.in_flight()).max().unwrap_or(0);
        let max_memory = samples.iter().map(|s| s.memory).max().unwrap_or(0);
        let max_latency_ms = pct.iter().flatten().map(|p| p.1).max().unwrap_or(0);
        LoadSeries {
            bucket,
            end,
            samples,
            pct,
            max_waiting,
            max_in_flight,
            max_memory,
            max_latency_ms,
        }
    }

    fn index(&self, t: Time) -> usize {
        ((t.min(self.end) / self.bucket) as usize).min(self.samples.len().saturating_sub(1))
    }

    /// The counts at `t` (the latest sample at or before `t`), with the latency percentiles of
    /// the latest complete window.
    pub fn at(&self, t: Time) -> LoadStats {
        let mut s = self.samples.get(self.index(t)).copied().unwrap_or_default();
        let k = (t / PCT_WINDOW) as usize;
        if let Some(Some((a, b))) = k.checked_sub(1).and_then(|k| self.pct.get(k)) {
            s.p50_ms = Some(*a);
            s.p99_ms = Some(*b);
        }
        s
    }

    /// `f` of every sample, as a chart series (the chart cuts it at the playback time).
    pub fn series(&self, f: impl Fn(&LoadStats) -> f64) -> Series {
        let mut out = Series::line();
        for (i, st) in self.samples.iter().enumerate() {
            out.push(i as Time * self.bucket, f(st));
        }
        out
    }

    /// Latency (ms) at the end of each percentile window, `which` = 0 for p50, 1 for p99; the
    /// line starts at the first window in which a request finished.
    pub fn latency(&self, which: usize) -> Series {
        let mut out = Series::line();
        for (k, p) in self.pct.iter().enumerate() {
            if let Some((a, b)) = p {
                let v = if which == 0 { *a } else { *b };
                out.push((k as Time + 1) * PCT_WINDOW, v as f64);
            }
        }
        out
    }
}

/// Thousands separators: 4000 -> "4,000".
pub fn group(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Bytes as "200 MiB", "4.0 MiB", "12 KiB", "1.2 GiB".
pub fn fmt_bytes(b: u64) -> String {
    const K: f64 = 1024.0;
    let f = b as f64;
    if f >= K * K * K {
        format!("{} GiB", crate::decimal::fixed(f / (K * K * K), 1))
    } else if f >= 10.0 * K * K {
        format!("{} MiB", crate::decimal::fixed(f / (K * K), 0))
    } else if f >= K * K {
        format!("{} MiB", crate::decimal::fixed(f / (K * K), 1))
    } else if f >= K {
        format!("{} KiB", crate::decimal::fixed(f / K, 0))
    } else {
        format!("{b} B")
    }
}

/// Milliseconds as "2.0 s" / "850 ms".
pub fn fmt_ms(ms: u32) -> String {
    if ms >= 1000 {
        format!("{} s", crate::decimal::fixed(ms as f64 / 1000.0, 1))
    } else {
        format!("{ms} ms")
    }
}

fn rect(x: f32, y: f32, w: f32, h: f32, class: &'static str) -> Item {
    Item::Rect {
        x,
        y,
        w,
        h,
        rx: 2.0,
        class,
        tip: None,
    }
}

/// What the learner set (for the budget line and labels).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Budget {
    /// Pool threads.
    pub threads: u32,
    /// Arrivals per second.
    pub rate: u32,
    /// Blocking / awaited time per request, ms.
    pub block_ms: u32,
    /// Stack per thread, KiB.
    pub stack_kib: u32,
    /// State per event-loop task, KiB.
    pub task_kib: u32,
    /// Pool queue bound.
    pub queue_limit: Option<u32>,
}

impl Budget {
    /// The budget of a load scenario's parameters.
    pub fn of(p: &LoadParams) -> Budget {
        Budget {
            threads: p.threads,
            rate: p.rate_per_s,
            block_ms: p.work_ms,
            stack_kib: p.stack_kib,
            task_kib: p.task_kib,
            queue_limit: p.max_waiting,
        }
    }
    /// Little's law: arrival rate × time per request.
    pub fn needed(&self) -> f64 {
        self.rate as f64 * self.block_ms as f64 / 1000.0
    }
    /// Requests per second the pool can finish.
    pub fn capacity(&self) -> f64 {
        self.threads as f64 * 1000.0 / self.block_ms as f64
    }
    /// Does the pool keep up?
    pub fn keeps_up(&self) -> bool {
        self.needed() <= self.threads as f64
    }
}

fn num_f(v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 {
        group(v.round() as u64)
    } else {
        crate::decimal::fixed(v, 1)
    }
}

/// A grid of `threads` slots (at most 200 squares; above that each square stands for several
/// threads) with the first `busy` filled. Returns the height used.
pub fn pool_grid(
    items: &mut Vec<Item>,
    (x, y, w): (f32, f32, f32),
    threads: u32,
    busy: u32,
) -> f32 {
    let per = threads.div_ceil(200).max(1);
    let cells = threads.div_ceil(per);
    let cols = 20u32.min(cells.max(1));
    let rows = cells.div_ceil(cols);
    let step = (w / cols as f32).min(14.0);
    let size = step - 2.0;
    let full = busy / per + u32::from(busy % per * 2 >= per && busy % per > 0);
    let mut g = Vec::with_capacity(cells as usize);
    for i in 0..cells {
        let (c, r) = (i % cols, i / cols);
        let class = if i < full { "s-run" } else { "s-done faint" };
        g.push(rect(
            x + c as f32 * step,
            y + r as f32 * step,
            size,
            size,
            class,
        ));
    }
    items.push(Item::Group {
        class: "pool",
        label: Some(format!("{busy} of {threads} threads busy")),
        key: None,
        items: g,
    });
    let mut hgt = rows as f32 * step;
    if per > 1 {
        items.push(text(
            x,
            y + hgt + 10.0,
            format!("each square = {per} threads"),
            "small muted",
            Anchor::Start,
        ));
        hgt += 12.0;
    }
    hgt
}

/// Split `s` into lines of at most `max` characters at spaces (a longer word stays whole). A
/// number stays on the line of its unit ("until 2 s," never ends a line at "2").
pub fn wrap(s: &str, max: usize) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut cur = String::new();
    let mut words = s.split(' ').peekable();
    while let Some(word) = words.next() {
        // A number and the unit after it go as one word.
        let unit = words.peek().filter(|u| is_unit(u) && is_number(word));
        let len = word.chars().count() + unit.map_or(0, |u| 1 + u.chars().count());
        if !cur.is_empty() && cur.chars().count() + 1 + len > max {
            out.push(std::mem::take(&mut cur));
        }
        if !cur.is_empty() {
            cur.push(' ');
        }
        cur.push_str(word);
        if let Some(u) = unit {
            cur.push(' ');
            cur.push_str(u);
            words.next();
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

fn is_number(w: &str) -> bool {
    w.starts_with(|c: char| c.is_ascii_digit()) && w.ends_with(|c: char| c.is_ascii_digit())
}

/// A unit a caption writes after a number ("s", "MiB,", "req/s)").
fn is_unit(w: &str) -> bool {
    matches!(
        w.trim_end_matches(['.', ',', ';', ':', ')']),
        "s" | "ms" | "us" | "µs" | "KB" | "MB" | "KiB" | "MiB" | "GiB" | "req/s" | "items"
    )
}

/// Width of the wide variants of the load pictures; a column narrower than this gets the narrow
/// ones (the wide ones would be drawn smaller than 1:1).
pub const WIDE_W: f32 = 640.0;

/// Width of the narrow (phone) variants of the load pictures, in user units: at a 375 px
/// screen the figure's column is about this wide, so the 10-unit labels stay ~10 px.
pub const NARROW_W: f32 = 340.0;

/// The p50 (solid) / p99 (dashed) latency chart of a run in `rect`, with the latest values
/// written under its right end.
fn latency_chart(
    items: &mut Vec<Item>,
    (x, y, w, h): (f32, f32, f32, f32),
    title: &str,
    s: &LoadSeries,
    end: Time,
    t: Time,
    y_max: f64,
) {
    let spec = ChartSpec {
        x,
        y,
        w,
        h,
        title: title.into(),
        end,
        y_max,
        threshold: None,
        marker: None,
        y_label: |v| {
            if v == 0.0 {
                "0".into()
            } else {
                fmt_ms(v as u32)
            }
        },
    };
    let (p50, p99) = (s.latency(0), s.latency(1));
    items.extend(chart(
        &spec,
        &[
            (&p50, "chart s-run", ""),
            (&p99, "chart s-accent dashed", ""),
        ],
        t,
    ));
    if let Some(l) = latency_label(&s.at(t)) {
        items.push(text(x + w, y + h + 26.0, l, "small muted", Anchor::End));
    }
}

/// The end label of the latency chart: both values, or one when they coincide (steady traffic
/// gives nearly equal latencies, so the two lines overlap; the label says so).
pub fn latency_label(st: &LoadStats) -> Option<String> {
    match (st.p50_ms, st.p99_ms) {
        (Some(a), Some(c)) if fmt_ms(a) == fmt_ms(c) => {
            Some(format!("p50 = p99 = {} (lines overlap)", fmt_ms(a)))
        }
        (Some(a), Some(c)) => Some(format!("p50 {} · p99 {}", fmt_ms(a), fmt_ms(c))),
        _ => None,
    }
}

/// The `thread-pool` picture at time `t`: 640 wide, or [`NARROW_W`] wide with everything
/// stacked in one column when `narrow` (phones).
pub fn thread_pool_scene(s: &LoadSeries, b: &Budget, t: Time, narrow: bool) -> Scene {
    let w: f32 = if narrow { NARROW_W } else { WIDE_W };
    let mut sc = Scene::new(w, 470.0, "A thread pool under load");
    let st = s.at(t);
    let it = &mut sc.items;

    // 1. Little's law budget.
    let needed = b.needed();
    let over = !b.keeps_up();
    let lhs = format!(
        "threads needed = {} req/s × {}",
        group(b.rate as u64),
        fmt_ms(b.block_ms)
    );
    let rhs = format!("= {} threads", num_f(needed));
    let dy = if narrow {
        it.push(text(16.0, 20.0, lhs, "big", Anchor::Start));
        it.push(text(16.0, 40.0, rhs, "big", Anchor::Start));
        20.0
    } else {
        it.push(text(
            16.0,
            22.0,
            format!("{lhs} {rhs}"),
            "big",
            Anchor::Start,
        ));
        0.0
    };
    let bx = if narrow { 76.0 } else { 150.0 };
    let bw = w - bx - if narrow { 50.0 } else { 90.0 };
    let top = needed.max(b.threads as f64).max(1.0);
    let sx = Linear::new(0.0, top, bx, bx + bw);
    it.push(text(16.0, 44.0 + dy, "needed", "small", Anchor::Start));
    it.push(rect(
        bx,
        35.0 + dy,
        sx.at(needed) - bx,
        12.0,
        if over { "s-danger" } else { "s-run" },
    ));
    it.push(text(
        sx.at(needed) + 4.0,
        45.0 + dy,
        num_f(needed),
        "small bold",
        Anchor::Start,
    ));
    it.push(text(16.0, 62.0 + dy, "available", "small", Anchor::Start));
    it.push(rect(
        bx,
        53.0 + dy,
        sx.at(b.threads as f64) - bx,
        12.0,
        "s-queue",
    ));
    it.push(text(
        sx.at(b.threads as f64) + 4.0,
        63.0 + dy,
        group(b.threads as u64),
        "small bold",
        Anchor::Start,
    ));
    let verdict = if over {
        format!(
            "Over budget: the pool finishes at most {} req/s, {} arrive; the queue grows by {} per second.",
            num_f(b.capacity()),
            group(b.rate as u64),
            num_f(b.rate as f64 - b.capacity())
        )
    } else {
        format!(
            "Within budget: {} of {} threads busy on average; the pool keeps up.",
            num_f(needed),
            group(b.threads as u64)
        )
    };
    let lines = if narrow {
        wrap(&verdict, 56)
    } else {
        vec![verdict]
    };
    let vy = 84.0 + dy;
    let n_lines = lines.len();
    for (i, l) in lines.into_iter().enumerate() {
        it.push(text(
            16.0,
            vy + i as f32 * 13.0,
            l,
            if over {
                "small s-danger"
            } else {
                "small s-run"
            },
            Anchor::Start,
        ));
    }

    // 2. The pool and the queue, now.
    let py = if narrow {
        vy + (n_lines as f32 - 1.0) * 13.0 + 30.0
    } else {
        110.0
    };
    let busy = st.in_flight();
    it.push(text(
        16.0,
        py - 6.0,
        format!(
            "thread pool: {} / {} busy",
            group(busy as u64),
            group(b.threads as u64)
        ),
        "small bold",
        Anchor::Start,
    ));
    let grid_h = pool_grid(
        it,
        (16.0, py, if narrow { w - 32.0 } else { 290.0 }),
        b.threads,
        busy,
    );
    let (qx, qy) = if narrow {
        (16.0, py + grid_h + 24.0)
    } else {
        (340.0, py)
    };
    let qw = w - qx - 16.0;
    let waiting = st.waiting();
    it.push(text(
        qx,
        qy - 6.0,
        format!("waiting for a thread: {}", group(waiting as u64)),
        "small bold",
        Anchor::Start,
    ));
    // The bar and the chart below share their scale (the chart rounds up the same way).
    let most_waiting = WAITING_FLOOR.max(s.max_waiting as f64);
    let qmax = nice_max(most_waiting);
    it.push(rect(qx, qy, qw, 22.0, "lane"));
    it.push(rect(
        qx,
        qy,
        qw * (waiting as f64 / qmax) as f32,
        22.0,
        "s-queue",
    ));
    it.push(text(qx, qy + 36.0, "0", "small muted", Anchor::Start));
    it.push(text(
        qx + qw,
        qy + 36.0,
        group(qmax as u64),
        "small muted",
        Anchor::End,
    ));
    let rows = [
        format!("arrived {}", group(st.arrived as u64)),
        format!("finished {}", group(st.done as u64)),
        if st.rejected > 0 {
            format!("rejected {}", group(st.rejected as u64))
        } else {
            format!(
                "next arrival done after ≈ {}",
                fmt_secs(
                    (waiting as f64 / b.capacity().max(1e-9) * 1e6) as Time
                        + b.block_ms as Time * MS
                )
            )
        },
        match (st.p50_ms, st.p99_ms) {
            (Some(a), Some(c)) => {
                format!("latency, last 0.5 s: p50 {} · p99 {}", fmt_ms(a), fmt_ms(c))
            }
            _ => "latency: no request finished yet".into(),
        },
    ];
    let n_rows = rows.len();
    for (i, r) in rows.into_iter().enumerate() {
        it.push(text(
            qx,
            qy + 58.0 + i as f32 * 16.0,
            r,
            "small",
            Anchor::Start,
        ));
    }

    // 3. Charts: side by side, or one above the other.
    let (c1, c2, height) = if narrow {
        let cy = qy + 58.0 + n_rows as f32 * 16.0 + 20.0;
        let cw = w - 50.0 - 16.0;
        (
            (50.0, cy, cw, 110.0),
            (50.0, cy + 110.0 + 48.0, cw, 110.0),
            cy + 2.0 * 110.0 + 48.0 + 36.0,
        )
    } else {
        let cw = (w - 50.0 - 60.0 - 20.0) / 2.0;
        (
            (50.0, 290.0, cw, 140.0),
            (50.0 + cw + 60.0, 290.0, cw, 140.0),
            470.0,
        )
    };
    let waiting = s.series(|x| x.waiting() as f64);
    it.extend(chart(
        &ChartSpec {
            x: c1.0,
            y: c1.1,
            w: c1.2,
            h: c1.3,
            title: "requests waiting".into(),
            end: s.end,
            y_max: most_waiting,
            threshold: None,
            marker: None,
            y_label: |v| group(v as u64),
        },
        &[(&waiting, "chart s-queue", "")],
        t,
    ));
    latency_chart(
        it,
        c2,
        "latency over the last 0.5 s: p50, p99 (dashed)",
        s,
        s.end,
        t,
        LATENCY_FLOOR_MS.max(s.max_latency_ms as f64),
    );
    sc.height = height;
    sc
}

/// Which side of the `frameworks` picture the selected code tab runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    /// Thread-per-request.
    Threads,
    /// Event loop.
    Loop,
}

/// The `frameworks` picture at `t`: thread-per-request (left) and event loop (right), one
/// clock; with `narrow` ([`NARROW_W`] wide, phones) the event loop is drawn below.
pub fn frameworks_scene(
    pool: &LoadSeries,
    evloop: &LoadSeries,
    b: &Budget,
    focus: Side,
    blocking: bool,
    t: Time,
    narrow: bool,
) -> Scene {
    let w: f32 = if narrow { NARROW_W } else { WIDE_W };
    /// Height of one side's box.
    const BOX_H: f32 = 484.0;
    let mut sc = Scene::new(
        w,
        if narrow {
            28.0 + 2.0 * (BOX_H + 12.0)
        } else {
            520.0
        },
        "Thread-per-request vs event loop under the same traffic",
    );
    let end = pool.end.max(evloop.end);
    let it = &mut sc.items;
    it.push(text(
        w / 2.0,
        18.0,
        format!(
            "same traffic: {} req/s, each waits {}{} · t = {}",
            group(b.rate as u64),
            fmt_ms(b.block_ms),
            if narrow { "" } else { " on a slow call" },
            fmt_secs(t)
        ),
        "small",
        Anchor::Middle,
    ));
    let mib = 1024.0 * 1024.0;
    let mem_max = nice_max(pool.max_memory.max(evloop.max_memory) as f64 / mib) * mib;
    // Both sides' charts share their scales.
    let lat_max = LATENCY_FLOOR_MS.max(pool.max_latency_ms.max(evloop.max_latency_ms) as f64);
    let fl_max = WAITING_FLOOR.max(
        (pool.max_in_flight + pool.max_waiting).max(evloop.max_in_flight + evloop.max_waiting)
            as f64,
    );
    let colw = if narrow { w - 32.0 } else { (w - 48.0) / 2.0 };
    for (i, side) in [Side::Threads, Side::Loop].into_iter().enumerate() {
        let s = if side == Side::Threads { pool } else { evloop };
        let st = s.at(t);
        let (x, y0) = if narrow {
            (16.0, i as f32 * (BOX_H + 12.0))
        } else {
            (16.0 + i as f32 * (colw + 16.0), 0.0)
        };
        let mut g = Vec::new();
        let focused = side == focus;
        g.push(Item::Rect {
            x: x - 6.0,
            y: y0 + 28.0,
            w: colw + 12.0,
            h: BOX_H,
            rx: 6.0,
            class: "box",
            tip: None,
        });
        if focused {
            g.push(rect(x - 6.0, y0 + 28.0, colw + 12.0, 4.0, "s-accent"));
        }
        let title = match side {
            Side::Threads => format!("thread-per-request · {} threads", group(b.threads as u64)),
            Side::Loop if blocking => "event loop · BLOCKED by handler".to_string(),
            Side::Loop => "event loop · 1 thread".to_string(),
        };
        g.push(text(x, y0 + 48.0, title, "bold", Anchor::Start));
        if focused {
            g.push(text(
                x + colw,
                y0 + 48.0,
                "◀ this tab",
                "small s-accent ui",
                Anchor::End,
            ));
        }
        let threads_used = match side {
            Side::Threads => st.in_flight(),
            Side::Loop => 1,
        };
        let threads_total = match side {
            Side::Threads => b.threads,
            Side::Loop => 1,
        };
        let mem_note = match side {
            Side::Threads => format!("{} KiB stack per thread", group(b.stack_kib as u64)),
            Side::Loop => format!("{} KiB state per request", group(b.task_kib as u64)),
        };
        let mut rows: Vec<(String, &'static str)> = vec![
            (
                format!("in flight: {}", group(st.in_flight() as u64)),
                "small",
            ),
            (
                format!(
                    "threads in use: {} / {}",
                    group(threads_used as u64),
                    group(threads_total as u64)
                ),
                "small",
            ),
            (
                format!("waiting: {}", group(st.waiting() as u64)),
                if st.waiting() > 0 {
                    "small s-danger"
                } else {
                    "small"
                },
            ),
            (
                format!("memory: {} ({mem_note})", fmt_bytes(st.memory)),
                "small",
            ),
            (
                match (st.p50_ms, st.p99_ms) {
                    (Some(a), Some(c)) => {
                        format!("latency, last 0.5 s: p50 {} · p99 {}", fmt_ms(a), fmt_ms(c))
                    }
                    _ => "latency: none finished yet".into(),
                },
                "small",
            ),
            (format!("finished: {}", group(st.done as u64)), "small"),
        ];
        if side == Side::Threads {
            rows.push((
                match b.queue_limit {
                    Some(q) => format!(
                        "rejected: {} (queue limit {})",
                        group(st.rejected as u64),
                        group(q as u64)
                    ),
                    None => format!("rejected: {} (unbounded queue)", group(st.rejected as u64)),
                },
                if st.rejected > 0 {
                    "small s-danger"
                } else {
                    "small"
                },
            ));
        } else {
            rows.push(("rejected: 0 (nothing to run out of)".into(), "small"));
        }
        for (k, (r, class)) in rows.into_iter().enumerate() {
            g.push(text(
                x,
                y0 + 68.0 + k as f32 * 15.0,
                r,
                class,
                Anchor::Start,
            ));
        }
        // Memory bar on a shared scale.
        let my = y0 + 180.0;
        g.push(rect(x, my, colw, 8.0, "lane"));
        g.push(rect(
            x,
            my,
            colw * (st.memory as f64 / mem_max) as f32,
            8.0,
            "s-accent",
        ));
        g.push(text(
            x + colw,
            my + 20.0,
            format!("memory scale 0–{}", fmt_bytes(mem_max as u64)),
            "small muted",
            Anchor::End,
        ));
        let (in_flight, waiting) = (
            s.series(|x| x.in_flight() as f64),
            s.series(|x| x.waiting() as f64),
        );
        g.extend(chart(
            &ChartSpec {
                x: x + 40.0,
                y: y0 + 232.0,
                w: colw - 48.0,
                h: 100.0,
                title: "in flight (solid) and waiting (dashed)".into(),
                end,
                y_max: fl_max,
                threshold: None,
                marker: None,
                y_label: |v| group(v as u64),
            },
            &[
                (&in_flight, "chart s-run", ""),
                (&waiting, "chart s-queue dashed", ""),
            ],
            t,
        ));
        latency_chart(
            &mut g,
            (x + 40.0, y0 + 380.0, colw - 48.0, 100.0),
            "latency over the last 0.5 s: p50, p99 (dashed)",
            s,
            end,
            t,
            lat_max,
        );
        it.push(Item::Group {
            class: if focused { "side focused" } else { "side" },
            label: Some(match side {
                Side::Threads => "thread-per-request server".into(),
                Side::Loop => "event-loop server".into(),
            }),
            key: None,
            items: g,
        });
    }
    sc
}

/// Every text item's estimated extent (see `figure::overlap`) stays inside the scene.
#[cfg(test)]
pub(crate) fn assert_texts_fit(sc: &Scene) {
    super::overlap::assert_texts_fit(sc)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::programs::load::{run, Model};
    use crate::sim::SEC;

    #[test]
    fn defaults_backlog_after_10s_is_about_4000() {
        let p = LoadParams::default();
        let s = LoadSeries::from_trace(&run(Model::ThreadPerRequest, &p));
        let st = s.at(10 * SEC);
        assert!((3_600..=4_400).contains(&st.waiting()), "{st:?}");
        assert_eq!(st.in_flight(), 200);
        let sc = thread_pool_scene(&s, &Budget::of(&p), 10 * SEC, false);
        let texts = sc.texts();
        assert!(
            texts.contains(&"threads needed = 500 req/s × 2.0 s = 1,000 threads"),
            "{texts:?}"
        );
        assert!(texts.contains(&"thread pool: 200 / 200 busy"), "{texts:?}");
        let w = format!("waiting for a thread: {}", group(st.waiting() as u64));
        assert!(texts.contains(&w.as_str()), "{texts:?}");
        // About 8,000 wait at the end: the backlog bar and the chart below it share one scale,
        // 0 to 10,000 (the chart's axis: 0, 5,000, 10,000).
        assert_eq!(
            texts.iter().filter(|&&x| x == "10,000").count(),
            2,
            "{texts:?}"
        );
        assert!(
            texts.contains(&"5,000") && !texts.contains(&"20,000"),
            "{texts:?}"
        );
        // Latency climbs: the p50 late in the run is far above the 2 s of work.
        let late = s.at(20 * SEC);
        assert!(late.p50_ms.unwrap() > 10_000, "{late:?}");
        assert!(s.at(3 * SEC).p50_ms.unwrap() < 3_000);
    }

    #[test]
    fn a_pool_within_budget_keeps_up() {
        for p in [
            LoadParams {
                rate_per_s: 90,
                ..LoadParams::default()
            },
            LoadParams {
                threads: 1_200,
                ..LoadParams::default()
            },
        ] {
            let s = LoadSeries::from_trace(&run(Model::ThreadPerRequest, &p));
            assert_eq!(s.max_waiting, 0, "{p:?}");
            assert_eq!(s.at(15 * SEC).p99_ms, Some(2_000));
            let sc = thread_pool_scene(&s, &Budget::of(&p), 15 * SEC, false);
            assert!(sc.texts().iter().any(|t| t.starts_with("Within budget")));
            assert!(sc.texts().contains(&"waiting for a thread: 0"));
        }
    }

    #[test]
    fn event_loop_side_has_no_backlog_unless_a_handler_blocks() {
        let p = LoadParams {
            work_ms: 1_000,
            ..LoadParams::default()
        };
        let pool = LoadSeries::from_trace(&run(Model::ThreadPerRequest, &p));
        let ev = LoadSeries::from_trace(&run(Model::EventLoop, &p));
        assert_eq!(ev.max_waiting, 0);
        let st = ev.at(10 * SEC);
        assert_eq!(st.in_flight(), 500);
        assert_eq!(st.memory, 500 * 4 * 1024);
        assert_eq!(pool.at(10 * SEC).memory, 200 * 1024 * 1024);
        let sc = frameworks_scene(
            &pool,
            &ev,
            &Budget::of(&p),
            Side::Loop,
            false,
            10 * SEC,
            false,
        );
        let texts = sc.texts();
        assert!(texts.contains(&"waiting: 0"), "{texts:?}");
        assert!(texts.contains(&"◀ this tab"));
        let blk = LoadSeries::from_trace(&run(Model::EventLoopBlocking, &p));
        assert!(blk.at(10 * SEC).waiting() > 4_000);
        let sc = frameworks_scene(
            &pool,
            &blk,
            &Budget::of(&p),
            Side::Loop,
            true,
            10 * SEC,
            false,
        );
        assert!(sc.texts().contains(&"event loop · BLOCKED by handler"));
    }

    #[test]
    fn narrow_layouts_keep_labels_inside_a_phone_width() {
        let p = LoadParams::default();
        let s = LoadSeries::from_trace(&run(Model::ThreadPerRequest, &p));
        for t in [0, 3 * SEC, 10 * SEC, 20 * SEC] {
            let sc = thread_pool_scene(&s, &Budget::of(&p), t, true);
            assert_eq!(sc.width, NARROW_W);
            assert_texts_fit(&sc);
            assert_texts_fit(&thread_pool_scene(&s, &Budget::of(&p), t, false));
        }
        let sc = thread_pool_scene(&s, &Budget::of(&p), 10 * SEC, true);
        let texts = sc.texts();
        assert!(
            texts.contains(&"threads needed = 500 req/s × 2.0 s"),
            "{texts:?}"
        );
        assert!(texts.contains(&"= 1,000 threads"), "{texts:?}");
        assert!(texts.contains(&"thread pool: 200 / 200 busy"), "{texts:?}");
        let fp = LoadParams {
            work_ms: 1_000,
            ..p
        };
        let pool = LoadSeries::from_trace(&run(Model::ThreadPerRequest, &fp));
        let ev = LoadSeries::from_trace(&run(Model::EventLoop, &fp));
        for narrow in [false, true] {
            let sc = frameworks_scene(
                &pool,
                &ev,
                &Budget::of(&fp),
                Side::Threads,
                false,
                10 * SEC,
                narrow,
            );
            assert_texts_fit(&sc);
            assert!(sc.texts().contains(&"thread-per-request · 200 threads"));
        }
        // Stacked: the event loop's box is below the pool's.
        let sc = frameworks_scene(
            &pool,
            &ev,
            &Budget::of(&fp),
            Side::Loop,
            false,
            10 * SEC,
            true,
        );
        assert!(sc.height > 900.0);
    }

    #[test]
    fn overlapping_percentiles_are_labelled() {
        let p = LoadParams {
            rate_per_s: 90,
            ..LoadParams::default()
        };
        let s = LoadSeries::from_trace(&run(Model::ThreadPerRequest, &p));
        let sc = thread_pool_scene(&s, &Budget::of(&p), 10 * SEC, false);
        assert!(
            sc.texts().contains(&"p50 = p99 = 2.0 s (lines overlap)"),
            "{:?}",
            sc.texts()
        );
        assert_eq!(wrap("a bb ccc dddd", 6), vec!["a bb", "ccc", "dddd"]);
        // A number keeps its unit: no line ends at "2" with "s," on the next.
        assert_eq!(
            wrap("the loop sleeps until 2 s, the earliest", 23),
            vec!["the loop sleeps until", "2 s, the earliest"]
        );
        assert_eq!(wrap("1.5 MiB of 4 KiB", 8), vec!["1.5 MiB", "of 4 KiB"]);
        assert_eq!(wrap("step 2 of 3", 6), vec!["step 2", "of 3"]);
    }

    #[test]
    fn bounded_queue_rejects() {
        let p = LoadParams {
            max_waiting: Some(100),
            ..LoadParams::default()
        };
        let s = LoadSeries::from_trace(&run(Model::ThreadPerRequest, &p));
        let st = s.at(10 * SEC);
        assert_eq!(st.waiting(), 100);
        assert!(st.rejected > 3_000);
    }

    #[test]
    fn formats() {
        assert_eq!(group(4000), "4,000");
        assert_eq!(group(100000), "100,000");
        assert_eq!(fmt_bytes(200 * 1024 * 1024), "200 MiB");
        assert_eq!(fmt_bytes(4096), "4 KiB");
    }
}
