//! Figure `ports`: the blocking accept loop (left) and the `select()` loop (right) on one clock,
//! fed by the same client arrivals (chapters 1 and 2).
//!
//! ```text
//!  Blocking accept()                         select() on both ports
//!  stuck on line 11: accept() on 9001        waiting in select() on {9001, 9002}
//!  [9001]| o o                               [9001]|
//!  [9002]  o(4.0 s) o(3.0 s)                 [9002]|
//!  ! a 9002 client has waited 4.0 s ...      interest {9001, 9002} -> ready {9002} -> greet 9002
//!  server |####   ###                        select() |--|--|-x|
//!  9001   |    ---o                          9001     |   o
//!  9002   |--------------o                   9002     |o
//!  served 1 of 2 · 9001 mean/worst · 9002 …  served 2 of 2 · …
//! ```
//!
//! [`PortsModel::new`] reads both traces once (clients with arrival/accept times, the server's
//! line markers, each `select()` call and each handler); [`layout`] is then a cheap pure function
//! of `(model, t)` called every frame. Doors are keyed groups `port:9001` / `port:9002` (clicking
//! one adds a client arriving now). Classes used: `box`, `lane`, `grid`, `axis`, `muted`, `small`,
//! `big`, `bold`, `now`, `s-wait`, `s-run`, `s-done`, `s-blocked`, `s-danger`, `s-accent`,
//! `s-queue`, `faint`.

use super::{axis_secs, count, fmt_secs, text, Anchor, Item, Linear, Scene};
use crate::sim::{EventKind, ResourceKind, Time, Trace, NO_TIMEOUT, SEC};

/// One client as seen by one server.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ClientRec {
    /// Global client id (same in both runs).
    pub id: u32,
    /// Port it connected to.
    pub port: u32,
    /// Arrival time.
    pub arrived: Time,
    /// When `accept()` took it, if within the run.
    pub served: Option<Time>,
}

impl ClientRec {
    /// Waiting at `t`: arrived and not yet accepted.
    pub fn waiting_at(&self, t: Time) -> bool {
        self.arrived <= t && self.served.is_none_or(|s| s > t)
    }
    /// How long it has waited by `t` (or in total once served).
    pub fn waited(&self, t: Time) -> Time {
        match self.served {
            Some(s) if s <= t => s - self.arrived,
            _ => t.saturating_sub(self.arrived),
        }
    }
}

/// One `select()` call.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SelectCall {
    /// When it started.
    pub start: Time,
    /// When it returned (None: still waiting at the end of the run).
    pub ret: Option<Time>,
    /// Ports reported ready (empty on timeout).
    pub ready: [bool; 2],
    /// Its timeout, if any.
    pub timeout: Option<Time>,
}

/// One run of the handler (accept + greet) for one client.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Handler {
    /// Accept time.
    pub start: Time,
    /// When greeting ended.
    pub end: Time,
    /// Port.
    pub port: u32,
    /// Client id.
    pub client: u32,
}

/// What one server did, read once from its trace.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct SideRun {
    /// By client id.
    pub clients: Vec<ClientRec>,
    /// The server's code-line markers, in order.
    pub lines: Vec<(Time, u32)>,
    /// `select()` calls (empty for the blocking server).
    pub selects: Vec<SelectCall>,
    /// Handler runs.
    pub handlers: Vec<Handler>,
    /// End of the run.
    pub end: Time,
}

/// Index 0 for 9001, 1 for 9002.
pub fn port_ix(port: u32) -> usize {
    if port == 9002 {
        1
    } else {
        0
    }
}

impl SideRun {
    /// Read a server's trace (one server task, sockets on 9001 and 9002).
    pub fn from_trace(tr: &Trace) -> SideRun {
        let port_of_rid = |rid: u32| tr.resources.get(rid as usize).map(|r| r.port).unwrap_or(0);
        let mut bit_port = [0u32; 32];
        for r in &tr.resources {
            if r.kind == ResourceKind::Socket && r.socket_no < 32 {
                bit_port[r.socket_no as usize] = r.port;
            }
        }
        let mut run = SideRun {
            end: tr.end,
            ..SideRun::default()
        };
        let mut open_handler: Option<usize> = None;
        for e in &tr.events {
            match e.kind {
                EventKind::ClientArrive { sock, client } => {
                    let id = client as usize;
                    if run.clients.len() <= id {
                        run.clients.resize(
                            id + 1,
                            ClientRec {
                                id: 0,
                                port: 0,
                                arrived: 0,
                                served: None,
                            },
                        );
                    }
                    run.clients[id] = ClientRec {
                        id: client,
                        port: port_of_rid(sock),
                        arrived: e.t,
                        served: None,
                    };
                }
                EventKind::Accepted { client, .. } => {
                    let mut port = 0;
                    if let Some(c) = run.clients.get_mut(client as usize) {
                        c.served = Some(e.t);
                        port = c.port;
                    }
                    run.handlers.push(Handler {
                        start: e.t,
                        end: e.t,
                        port,
                        client,
                    });
                    open_handler = Some(run.handlers.len() - 1);
                }
                EventKind::BlockEnd { .. } => {
                    if let Some(i) = open_handler.take() {
                        run.handlers[i].end = e.t;
                    }
                }
                EventKind::Line { line } => run.lines.push((e.t, line)),
                EventKind::SelectStart { timeout, .. } => run.selects.push(SelectCall {
                    start: e.t,
                    ret: None,
                    ready: [false; 2],
                    timeout: (timeout != NO_TIMEOUT).then_some(timeout as Time),
                }),
                EventKind::SelectReturn { ready } => {
                    if let Some(c) = run.selects.last_mut() {
                        c.ret = Some(e.t);
                        for (bit, &port) in bit_port.iter().enumerate() {
                            if ready & (1 << bit) != 0 && port != 0 {
                                c.ready[port_ix(port)] = true;
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        // A handler still greeting at the end of the run ends with it.
        if let Some(i) = open_handler {
            run.handlers[i].end = tr.end;
        }
        run
    }

    /// The server's code line at `t` (last marker at or before `t`).
    pub fn line_at(&self, t: Time) -> Option<u32> {
        let i = self.lines.partition_point(|&(lt, _)| lt <= t);
        i.checked_sub(1).map(|i| self.lines[i].1)
    }

    /// The handler running at `t`, if any.
    pub fn handler_at(&self, t: Time) -> Option<&Handler> {
        self.handlers.iter().find(|h| h.start <= t && t < h.end)
    }

    /// The last `select()` call started at or before `t`.
    pub fn select_at(&self, t: Time) -> Option<&SelectCall> {
        let i = self.selects.partition_point(|c| c.start <= t);
        i.checked_sub(1).map(|i| &self.selects[i])
    }

    /// When the first client on `port` was accepted.
    pub fn first_served(&self, port: u32) -> Option<Time> {
        self.clients
            .iter()
            .filter(|c| c.port == port)
            .filter_map(|c| c.served)
            .min()
    }

    /// Per-port summary at `t`.
    pub fn stats(&self, t: Time, port: u32) -> PortStats {
        let mut s = PortStats::default();
        let mut sum = 0;
        for c in self
            .clients
            .iter()
            .filter(|c| c.port == port && c.arrived <= t)
        {
            s.arrived += 1;
            let w = c.waited(t);
            match c.served {
                Some(at) if at <= t => {
                    s.served += 1;
                    sum += w;
                    s.worst = s.worst.max(w);
                }
                _ => {
                    s.waiting += 1;
                    s.worst_waiting = s.worst_waiting.max(w);
                }
            }
        }
        s.mean = (s.served > 0).then(|| sum / s.served as Time);
        s
    }
}

/// Served/waiting counts and waits of one port at one instant.
#[derive(Clone, Copy, Debug, PartialEq, Default)]
pub struct PortStats {
    /// Clients that have arrived.
    pub arrived: u32,
    /// Clients accepted.
    pub served: u32,
    /// Clients still in the backlog.
    pub waiting: u32,
    /// Mean wait of the served ones.
    pub mean: Option<Time>,
    /// Worst wait of the served ones.
    pub worst: Time,
    /// Longest current wait of the ones still waiting.
    pub worst_waiting: Time,
}

/// Both runs.
#[derive(Clone, Debug, PartialEq)]
pub struct PortsModel {
    /// The blocking accept loop.
    pub blocking: SideRun,
    /// The `select()` loop.
    pub select: SideRun,
    /// The later end of the two.
    pub end: Time,
}

impl PortsModel {
    /// Read both traces.
    pub fn new(blocking: &Trace, select: &Trace) -> PortsModel {
        let b = SideRun::from_trace(blocking);
        let s = SideRun::from_trace(select);
        let end = b.end.max(s.end);
        PortsModel {
            blocking: b,
            select: s,
            end,
        }
    }
}

/// "2.0 s" with one decimal (waiting times).
pub fn secs1(t: Time) -> String {
    format!("{} s", crate::decimal::fixed(t as f64 / SEC as f64, 1))
}

/// Width of one side.
pub const SIDE_W: f32 = 330.0;
/// Height of one side.
pub const SIDE_H: f32 = 376.0;
const GAP: f32 = 20.0;

/// Which server a side draws.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// `blocking_server.py`.
    Blocking,
    /// `select_server.py`.
    Select,
}

/// What the server is doing at `t`, as one sentence, and whether it is stuck on one port.
pub fn status(kind: Kind, run: &SideRun, t: Time) -> (String, Option<u32>) {
    let line = run.line_at(t);
    match (kind, line) {
        (Kind::Blocking, Some(11)) => ("line 11: stuck in accept() on 9001".into(), Some(9001)),
        (Kind::Blocking, Some(18)) => ("line 18: stuck in accept() on 9002".into(), Some(9002)),
        (Kind::Blocking, Some(12)) => ("line 12: greeting a 9001 client".into(), None),
        (Kind::Blocking, Some(19)) => ("line 19: greeting a 9002 client".into(), None),
        (Kind::Select, Some(11)) => ("line 11: waiting in select() on 9001 and 9002".into(), None),
        (Kind::Select, Some(13)) => ("line 13: looping over the ready set".into(), None),
        (Kind::Select, Some(14)) => {
            let p = run.handler_at(t).map(|h| h.port).unwrap_or(0);
            (format!("line 14: handler accepts and greets on {p}"), None)
        }
        _ => ("starting".into(), None),
    }
}

fn rect(x: f32, y: f32, w: f32, h: f32, class: &'static str, tip: Option<String>) -> Item {
    Item::Rect {
        x,
        y,
        w,
        h,
        rx: 2.0,
        class,
        tip,
    }
}

/// Push `r` (a [`rect`]) onto a lane drawn left to right, or widen the lane's last rect when
/// `r` continues it at this scale: same class and row, starting within half a pixel of its end.
/// So a long run of short segments (thousands of 1 ms `select()` calls) is one band, not
/// thousands of sub-pixel rects. A widened rect drops its tooltip (it no longer is one call).
fn push_band(lane: &mut Vec<Item>, r: Item) {
    if let (
        Some(Item::Rect {
            x,
            y,
            w,
            class,
            tip,
            ..
        }),
        Item::Rect {
            x: nx,
            y: ny,
            w: nw,
            class: nc,
            ..
        },
    ) = (lane.last_mut(), &r)
    {
        if *class == *nc && *y == *ny && *nx <= *x + *w + 0.5 {
            *w = w.max(nx + nw - *x);
            *tip = None;
            return;
        }
    }
    lane.push(r);
}

/// A tinted band behind a line of text whose baseline is `y` (coloured text would be stroked).
pub fn tint(x: f32, y: f32, w: f32, class: &'static str) -> Item {
    Item::Rect {
        x,
        y: y - 13.0,
        w,
        h: 18.0,
        rx: 3.0,
        class,
        tip: None,
    }
}

fn set_label(ready: [bool; 2]) -> String {
    match ready {
        [true, true] => "{9001, 9002}".into(),
        [true, false] => "{9001}".into(),
        [false, true] => "{9002}".into(),
        [false, false] => "{ } (timeout)".into(),
    }
}

/// Draw one side with its top-left corner at `(ox, oy)`.
pub fn side(
    kind: Kind,
    run: &SideRun,
    end: Time,
    t: Time,
    (ox, oy, sw): (f32, f32, f32),
) -> Vec<Item> {
    let mut out = Vec::new();
    let (title, file) = match kind {
        Kind::Blocking => ("Blocking accept()", "blocking_server.py"),
        Kind::Select => ("select() on both ports", "select_server.py"),
    };
    out.push(rect(ox, oy, sw, SIDE_H, "box", None));
    out.push(text(ox + 10.0, oy + 20.0, title, "big", Anchor::Start));
    if sw >= 400.0 {
        out.push(text(
            ox + sw - 10.0,
            oy + 20.0,
            file,
            "muted small",
            Anchor::End,
        ));
    }
    let (st, stuck) = status(kind, run, t);
    if stuck.is_some() {
        out.push(tint(ox + 6.0, oy + 40.0, sw - 12.0, "s-blocked faint"));
    }
    out.push(text(ox + 10.0, oy + 40.0, st, "bold", Anchor::Start));

    // ---- doors and backlogs ----
    let watched = |port: u32| match kind {
        Kind::Blocking => stuck == Some(port),
        Kind::Select => run.line_at(t) == Some(11),
    };
    let handler = run.handler_at(t).copied();
    // The two doors (the "+ client" buttons) go last, so they keep their place in the list
    // whatever the time: yew matches a redrawn list's children by position counted from its
    // end, and a door with a varying number of items after it (waiting clients, the callout)
    // lost its keyboard focus, or passed it to the other door. Nothing overlaps a door.
    let mut doors = Vec::with_capacity(2);
    for (i, port) in [9001u32, 9002].into_iter().enumerate() {
        let y = oy + 52.0 + i as f32 * 54.0;
        let w = watched(port);
        let mut door = vec![rect(ox + 10.0, y, 62.0, 46.0, "box", None)];
        if w {
            let class = if kind == Kind::Blocking {
                "s-blocked"
            } else {
                "s-accent"
            };
            door.push(rect(ox + 10.0, y, 6.0, 46.0, class, None));
        }
        door.push(text(
            ox + 44.0,
            y + 21.0,
            port.to_string(),
            "bold",
            Anchor::Middle,
        ));
        door.push(text(
            ox + 44.0,
            y + 37.0,
            "+ client",
            "muted small ui",
            Anchor::Middle,
        ));
        doors.push(Item::Group {
            class: "door",
            // The name starts with the words shown ("9001 + client"): voice control users say those.
            // Both servers' sides have this box, and each adds the client to both runs.
            label: Some(format!(
                "{port} + client: add a client arriving on port {port} now, for both servers"
            )),
            key: Some(format!("port:{port}")),
            items: door,
        });
        // Watched or not, said in words next to the door.
        let note = match (kind, w) {
            (Kind::Blocking, true) => "server waits here",
            (Kind::Blocking, false) => "nobody watching",
            (Kind::Select, true) => "in the interest set",
            (Kind::Select, false) => "",
        };
        let note_class = if w { "" } else { "muted" };
        out.push(text(ox + 80.0, y + 10.0, note, note_class, Anchor::Start));
        // The client being greeted, if it is from this port.
        let mut x = ox + 98.0;
        if let Some(h) = handler.filter(|h| h.port == port) {
            out.push(Item::Circle {
                cx: x,
                cy: y + 26.0,
                r: 9.0,
                class: "s-run",
                tip: Some(format!("client #{} being greeted", h.client)),
            });
            out.push(text(x, y + 46.0, "greeting", "", Anchor::Middle));
            x += 56.0;
        }
        let waiting: Vec<&ClientRec> = run
            .clients
            .iter()
            .filter(|c| c.port == port && c.waiting_at(t))
            .collect();
        let room = ((ox + sw - 24.0 - x) / 40.0).floor().max(1.0) as usize;
        let shown = waiting.len().min(room);
        for c in &waiting[..shown] {
            let wt = c.waited(t);
            let class = if wt >= 2 * SEC { "s-danger" } else { "s-wait" };
            out.push(Item::Circle {
                cx: x,
                cy: y + 26.0,
                r: 9.0,
                class,
                tip: Some(format!(
                    "client #{} on {port}: arrived at {}, waiting {}",
                    c.id,
                    fmt_secs(c.arrived),
                    secs1(wt)
                )),
            });
            out.push(text(x, y + 46.0, secs1(wt), "", Anchor::Middle));
            x += 40.0;
        }
        if waiting.len() > shown {
            out.push(text(
                x - 8.0,
                y + 30.0,
                format!("+{}", waiting.len() - shown),
                "bold",
                Anchor::Start,
            ));
        }
    }

    // ---- the callout (blocking) or the readiness layer (select), two lines ----
    let y = oy + 172.0;
    let band = |class| Item::Rect {
        x: ox + 6.0,
        y: y - 13.0,
        w: sw - 12.0,
        h: 36.0,
        rx: 3.0,
        class,
        tip: None,
    };
    match kind {
        Kind::Blocking => {
            if let Some(p) = stuck {
                let other = if p == 9001 { 9002 } else { 9001 };
                let longest = run
                    .clients
                    .iter()
                    .filter(|c| c.port == other && c.waiting_at(t))
                    .map(|c| c.waited(t))
                    .max();
                if let Some(wt) = longest {
                    out.push(band("s-danger faint"));
                    out.push(text(
                        ox + 10.0,
                        y,
                        format!("A {other} client has waited {}", secs1(wt)),
                        "bold",
                        Anchor::Start,
                    ));
                    out.push(text(
                        ox + 10.0,
                        y + 17.0,
                        format!("while the server is stuck on {p}."),
                        "",
                        Anchor::Start,
                    ));
                }
            }
        }
        Kind::Select => {
            let (line, class) = match run.select_at(t) {
                None => ("→ about to call select()".to_string(), ""),
                Some(c) => match c.ret.filter(|&r| r <= t) {
                    None => (
                        match c.timeout {
                            Some(d) => format!("→ waiting… (timeout at {})", fmt_secs(c.start + d)),
                            None => "→ waiting…".to_string(),
                        },
                        "",
                    ),
                    Some(_) => {
                        let h = handler
                            .map(|h| format!(" → handler: {}", h.port))
                            .unwrap_or_default();
                        (
                            format!("→ ready {}{h}", set_label(c.ready)),
                            if c.ready == [false, false] {
                                "muted"
                            } else {
                                "bold"
                            },
                        )
                    }
                },
            };
            if class == "bold" {
                out.push(band("s-accent faint"));
            }
            out.push(text(
                ox + 10.0,
                y,
                "interest set {9001, 9002}",
                "",
                Anchor::Start,
            ));
            out.push(text(ox + 10.0, y + 17.0, line, class, Anchor::Start));
        }
    }

    // ---- the history chart ----
    let x0 = ox + 62.0;
    let x1 = ox + sw - 18.0;
    let sc = Linear::time(end, x0, x1);
    let tx = sc.t(t.min(end));
    let lanes_y = oy + 204.0;
    let lane_h = 22.0;
    let names = match kind {
        Kind::Blocking => ["server", "9001", "9002"],
        Kind::Select => ["select()", "9001", "9002"],
    };
    for (i, n) in names.iter().enumerate() {
        let ly = lanes_y + i as f32 * (lane_h + 4.0);
        out.push(rect(x0, ly, x1 - x0, lane_h, "lane", None));
        out.push(text(x0 - 6.0, ly + 15.0, *n, "", Anchor::End));
    }
    // Lane 0: the server.
    let ly = lanes_y;
    match kind {
        Kind::Blocking => {
            for (k, &(lt, line)) in run.lines.iter().enumerate() {
                if lt > t {
                    break;
                }
                let next = run.lines.get(k + 1).map(|l| l.0).unwrap_or(end).min(t);
                let (class, label) = match line {
                    11 => ("s-blocked faint", "in accept() on 9001"),
                    18 => ("s-blocked faint", "in accept() on 9002"),
                    _ => ("s-run", ""),
                };
                let (a, b) = (sc.t(lt), sc.t(next));
                let tip = (!label.is_empty())
                    .then(|| format!("{label} from {} to {}", fmt_secs(lt), fmt_secs(next)));
                push_band(
                    &mut out,
                    rect(a, ly + 2.0, (b - a).max(1.5), lane_h - 4.0, class, tip),
                );
                if !label.is_empty() && b - a > 90.0 {
                    out.push(text(a + 4.0, ly + 15.0, label, "small", Anchor::Start));
                }
            }
        }
        Kind::Select => {
            // The handler runs (accept + greet), one per ready socket, under the returns.
            for h in run.handlers.iter().filter(|h| h.start <= t) {
                let (a, b) = (sc.t(h.start), sc.t(h.end.min(t)));
                out.push(rect(
                    a,
                    ly + 2.0,
                    (b - a).max(2.0),
                    lane_h - 4.0,
                    "s-run",
                    Some(format!(
                        "handler for port {} (client #{}) at {}",
                        h.port,
                        h.client,
                        fmt_secs(h.start)
                    )),
                ));
            }
            // The calls as one band where they follow each other closely, under the marks of
            // their returns: a dot for a ready set, a tick for an empty return (one per 2 px:
            // closer ticks would draw the same pixels).
            let (mut bands, mut marks) = (Vec::new(), Vec::new());
            let mut last_tick = f32::NEG_INFINITY;
            for c in &run.selects {
                if c.start > t {
                    break;
                }
                let r = c.ret.unwrap_or(end).min(t);
                let (a, b) = (sc.t(c.start), sc.t(r));
                push_band(
                    &mut bands,
                    rect(a, ly + 8.0, b - a, 6.0, "s-queue faint", None),
                );
                if let Some(rt) = c.ret.filter(|&rt| rt <= t) {
                    let xr = sc.t(rt);
                    if c.ready == [false, false] {
                        if xr - last_tick < 2.0 {
                            continue;
                        }
                        last_tick = xr;
                        marks.push(Item::Line {
                            x1: xr,
                            y1: ly + 5.0,
                            x2: xr,
                            y2: ly + 17.0,
                            class: "axis",
                        });
                    } else {
                        marks.push(Item::Circle {
                            cx: xr,
                            cy: ly + 11.0,
                            r: 4.0,
                            class: "s-accent",
                            tip: Some(format!(
                                "select() returned {} at {}",
                                set_label(c.ready),
                                fmt_secs(rt)
                            )),
                        });
                    }
                }
            }
            out.extend(bands);
            out.extend(marks);
        }
    }
    // Lanes 1, 2: clients, a wait bar from arrival to accept (or now), a dot when served.
    for (i, port) in [9001u32, 9002].into_iter().enumerate() {
        let ly = lanes_y + (i + 1) as f32 * (lane_h + 4.0);
        for (k, c) in run
            .clients
            .iter()
            .filter(|c| c.port == port && c.arrived <= t)
            .enumerate()
        {
            let yy = ly + 5.0 + (k % 3) as f32 * 5.0;
            let stop = c.served.filter(|&s| s <= t).unwrap_or(t);
            let (a, b) = (sc.t(c.arrived), sc.t(stop));
            let class = if stop - c.arrived >= 2 * SEC {
                "s-danger"
            } else {
                "s-wait"
            };
            out.push(rect(a, yy, (b - a).max(1.5), 3.0, class, None));
            if let Some(s) = c.served.filter(|&s| s <= t) {
                out.push(Item::Circle {
                    cx: sc.t(s),
                    cy: yy + 1.5,
                    r: 3.5,
                    class: "s-run",
                    tip: Some(format!(
                        "client #{} on {port}: arrived {}, served {} (waited {})",
                        c.id,
                        fmt_secs(c.arrived),
                        fmt_secs(s),
                        secs1(s - c.arrived)
                    )),
                });
            }
        }
    }
    // Axis and the now line.
    let ay = lanes_y + 3.0 * (lane_h + 4.0);
    for tick in sc.time_ticks(6) {
        out.push(text(
            sc.t(tick),
            ay + 10.0,
            axis_secs(tick),
            "muted small",
            Anchor::Middle,
        ));
    }
    out.push(Item::Line {
        x1: tx,
        y1: lanes_y - 3.0,
        x2: tx,
        y2: ay,
        class: "now",
    });

    // ---- summary: a small table per port ----
    let sy = ay + 28.0;
    let k = sw / SIDE_W;
    let cols = [10.0, 50.0, 104.0, 172.0, 238.0].map(|c| ox + c * k);
    let heads = ["port", "served", "mean wait", "worst wait", "waiting"];
    for (x, h) in cols.iter().zip(heads) {
        out.push(text(*x, sy + 16.0, h, "muted small", Anchor::Start));
    }
    let (mut served, mut arrived) = (0, 0);
    for (i, port) in [9001u32, 9002].into_iter().enumerate() {
        let s = run.stats(t, port);
        served += s.served;
        arrived += s.arrived;
        let mean = s.mean.map(secs1).unwrap_or_else(|| "–".into());
        let worst = if s.served > 0 {
            secs1(s.worst)
        } else {
            "–".into()
        };
        let still = if s.waiting > 0 {
            format!("{} ({})", s.waiting, secs1(s.worst_waiting))
        } else {
            "0".into()
        };
        let y = sy + 33.0 + i as f32 * 18.0;
        let mut row = Vec::new();
        if s.waiting > 0 && s.worst_waiting >= 2 * SEC {
            row.push(tint(ox + 6.0, y, sw - 12.0, "s-danger faint"));
        }
        let cells = [
            port.to_string(),
            s.served.to_string(),
            mean.clone(),
            worst.clone(),
            still,
        ];
        for (k, (x, c)) in cols.iter().zip(cells).enumerate() {
            row.push(text(
                *x,
                y,
                c,
                if k == 0 { "bold" } else { "" },
                Anchor::Start,
            ));
        }
        out.push(Item::Group {
            class: "summary",
            label: Some(format!(
                "{port}: {} served, mean wait {mean}, worst {worst}, {} still waiting",
                s.served, s.waiting
            )),
            key: None,
            items: row,
        });
    }
    out.push(text(
        ox + 10.0,
        sy,
        format!(
            "Served {served} of {} so far",
            count(arrived as u64, "client")
        ),
        "bold",
        Anchor::Start,
    ));
    out.extend(doors);
    out
}

/// How the two sides are arranged.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Arrange {
    /// Side by side, each [`SIDE_W`] wide (700 in all).
    SideBySide,
    /// One above the other, each this wide.
    Stacked(f32),
}

impl Arrange {
    /// The arrangement for this many CSS px of room for the picture: each layout only where
    /// it is drawn at 1:1 or more (labels at least 10 px): side by side from 700 px, stacked
    /// and wide (480, a 500-unit picture) from 500 px, stacked and compact below.
    pub fn for_width(px: f64) -> Arrange {
        [Arrange::SideBySide, Arrange::Stacked(480.0)]
            .into_iter()
            .find(|a| a.width() as f64 <= px)
            .unwrap_or(Arrange::Stacked(SIDE_W))
    }

    /// The picture's width in this arrangement.
    pub fn width(self) -> f32 {
        match self {
            Arrange::Stacked(sw) => sw + 20.0,
            Arrange::SideBySide => 2.0 * SIDE_W + GAP + 20.0,
        }
    }
}

/// The whole picture at `t`: side by side (`narrow == false`, 700 wide) or stacked (350 wide).
pub fn layout(m: &PortsModel, t: Time, narrow: bool) -> Scene {
    layout_with(
        m,
        t,
        if narrow {
            Arrange::Stacked(SIDE_W)
        } else {
            Arrange::SideBySide
        },
    )
}

/// The whole picture at `t`, arranged as asked.
pub fn layout_with(m: &PortsModel, t: Time, arrange: Arrange) -> Scene {
    let w = arrange.width();
    let (h, b, s) = match arrange {
        Arrange::Stacked(sw) => (
            2.0 * SIDE_H + GAP + 20.0,
            (10.0, 10.0, sw),
            (10.0, SIDE_H + GAP + 10.0, sw),
        ),
        Arrange::SideBySide => (
            SIDE_H + 20.0,
            (10.0, 10.0, SIDE_W),
            (SIDE_W + GAP + 10.0, 10.0, SIDE_W),
        ),
    };
    let mut sc = Scene::new(
        w,
        h,
        format!(
            "Blocking accept() vs select() on ports 9001 and 9002 at {}",
            fmt_secs(t)
        ),
    );
    sc.push(Item::Group {
        class: "side blocking",
        label: Some("Blocking server".into()),
        key: None,
        items: side(Kind::Blocking, &m.blocking, m.end, t, b),
    });
    sc.push(Item::Group {
        class: "side select",
        label: Some("select() server".into()),
        key: None,
        items: side(Kind::Select, &m.select, m.end, t, s),
    });
    sc
}

/// What happened at exactly `t`, for [`describe`]: clients arriving, `select()` returning,
/// each server accepting or having greeted a client. Empty between two events.
pub fn happenings(m: &PortsModel, t: Time) -> Vec<String> {
    let mut out = Vec::new();
    for c in m.blocking.clients.iter().filter(|c| c.arrived == t) {
        out.push(format!("client #{} arrives on {}", c.id, c.port));
    }
    // Numbered: a quiet stretch is one timeout a second, and each step should say which.
    for (i, s) in m
        .select
        .selects
        .iter()
        .enumerate()
        .filter(|(_, s)| s.ret == Some(t))
    {
        let n = i + 1;
        out.push(match s.ready {
            [false, false] => match s.timeout {
                Some(d) => format!(
                    "select() call {n} times out after {} with nothing ready",
                    fmt_secs(d)
                ),
                None => format!("select() call {n} returns with nothing ready"),
            },
            [true, true] => format!("select() call {n} returns 9001 and 9002 ready"),
            [a, _] => format!(
                "select() call {n} returns {} ready",
                if a { 9001 } else { 9002 }
            ),
        });
    }
    for (who, run) in [
        ("the blocking server", &m.blocking),
        ("the select() server", &m.select),
    ] {
        for h in &run.handlers {
            if h.end == t {
                out.push(format!("{who} has greeted client #{}", h.client));
            }
            if h.start == t {
                out.push(format!("{who} accepts client #{} on {}", h.client, h.port));
            }
        }
    }
    out
}

/// One sentence for screen readers at `t`: what happened then (so a step says what it stepped
/// to, not only the time), then both servers' state.
pub fn describe(m: &PortsModel, t: Time) -> String {
    let mut news = happenings(m, t).join("; ");
    if !news.is_empty() {
        // A sentence starts with a capital, unless it starts with code ("select() ...").
        if let Some(rest) = news.strip_prefix("client") {
            news = format!("Client{rest}");
        } else if let Some(rest) = news.strip_prefix("the") {
            news = format!("The{rest}");
        }
        news = format!(" {news}.");
    }
    let (b, _) = status(Kind::Blocking, &m.blocking, t);
    let (s, _) = status(Kind::Select, &m.select, t);
    let count = |r: &SideRun| {
        let a = r.stats(t, 9001);
        let c = r.stats(t, 9002);
        (a.served + c.served, a.waiting + c.waiting)
    };
    let (bs, bw) = count(&m.blocking);
    let (ss, sw) = count(&m.select);
    format!(
        "At {}:{news} Blocking server {b}, {bs} served, {bw} waiting. select() server {s}, {ss} served, {sw} waiting.",
        fmt_secs(t)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::programs::ports::{run_blocking, run_select, Preset, HANDLE};
    use crate::sim::MS;

    fn model(p: Preset) -> PortsModel {
        let sc = p.script(1);
        PortsModel::new(&run_blocking(&sc), &run_select(&sc))
    }

    fn side_texts(scene: &Scene, which: usize) -> Vec<String> {
        match &scene.items[which] {
            Item::Group { items, .. } => {
                let s = Scene {
                    items: items.clone(),
                    ..Scene::default()
                };
                let mut v: Vec<String> = s.texts().into_iter().map(str::to_string).collect();
                // Group labels too (the summary rows carry their sentence there).
                fn walk(items: &[Item], out: &mut Vec<String>) {
                    for i in items {
                        if let Item::Group { label, items, .. } = i {
                            out.extend(label.clone());
                            walk(items, out);
                        }
                    }
                }
                walk(items, &mut v);
                v
            }
            _ => panic!("not a group"),
        }
    }

    /// A step (from one event time to the next) says something besides the new time: stepping
    /// through the `select()` timeouts once repeated the same 30 words each second.
    #[test]
    fn each_step_says_what_happened_at_it() {
        for p in Preset::ALL {
            let sc = p.script(1);
            let (b, s) = (run_blocking(&sc), run_select(&sc));
            let m = PortsModel::new(&b, &s);
            let mut stops: Vec<Time> = b.events.iter().chain(&s.events).map(|e| e.t).collect();
            stops.sort_unstable();
            stops.dedup();
            let after_time = |t: Time| {
                let d = describe(&m, t);
                d.split_once(": ").map(|(_, r)| r.to_string()).unwrap_or(d)
            };
            for w in stops.windows(2) {
                assert_ne!(
                    after_time(w[0]),
                    after_time(w[1]),
                    "{p:?}: steps at {} and {}",
                    fmt_secs(w[0]),
                    fmt_secs(w[1])
                );
            }
        }
        let m = model(Preset::All9002);
        let d = describe(&m, SEC);
        assert!(d.starts_with("At 1 s: Client #"), "{d}");
        assert!(d.contains("arrives on 9002"), "{d}");
        assert!(
            (1..5).any(|k| describe(&m, k * SEC + 100 * MS)
                .contains(" times out after 1 s with nothing ready")),
            "{}",
            describe(&m, 2 * SEC)
        );
    }

    #[test]
    fn only_9002_blocking_side_shows_the_client_waiting_select_side_served() {
        let m = model(Preset::All9002);
        let t = 5 * SEC;
        let sc = layout(&m, t, false);
        let left = side_texts(&sc, 0);
        let right = side_texts(&sc, 1);
        // Blocking: stuck on 9001, the 9002 client from 1 s has waited 4 s.
        assert!(
            left.iter()
                .any(|s| s == "line 11: stuck in accept() on 9001"),
            "{left:?}"
        );
        assert!(left.iter().any(|s| s == "4.0 s"), "{left:?}");
        assert!(
            left.iter()
                .any(|s| s.starts_with("A 9002 client has waited 4.0 s")),
            "{left:?}"
        );
        assert!(left
            .iter()
            .any(|s| s.starts_with("9002: 0 served") && s.contains("4 still waiting")));
        // select(): everything that arrived is served, with no wait.
        assert!(
            right
                .iter()
                .any(|s| s.starts_with("9002: 4 served, mean wait 0.0 s")),
            "{right:?}"
        );
        assert!(right
            .iter()
            .any(|s| s.contains("9002: 4 served") && s.contains(" 0 still waiting")));
        // The first 9002 client: 8 s (after the 9001 client) on the left, 1 s on the right.
        assert_eq!(m.blocking.first_served(9002), Some(8 * SEC + HANDLE));
        assert_eq!(m.select.first_served(9002), Some(SEC));
    }

    #[test]
    fn doors_are_keyed_and_select_side_shows_empty_returns() {
        let m = model(Preset::Notes);
        let sc = layout(&m, 3 * SEC + 500 * MS, false);
        assert_eq!(
            sc.keys(),
            vec!["port:9001", "port:9002", "port:9001", "port:9002"]
        );
        // Between clients, select() keeps timing out with an empty ready set.
        assert!(
            m.select
                .selects
                .iter()
                .filter(|c| c.ready == [false, false])
                .count()
                >= 8
        );
        let right = side_texts(&sc, 1);
        assert!(
            right
                .iter()
                .any(|s| s.starts_with("→ waiting… (timeout at")),
            "{right:?}"
        );
        // At 0 s the 9002 client is being greeted right away.
        let sc0 = layout(&m, 50 * MS, false);
        let right0 = side_texts(&sc0, 1);
        assert!(
            right0
                .iter()
                .any(|s| s.contains("ready {9002} → handler: 9002")),
            "{right0:?}"
        );
        assert!(right0
            .iter()
            .any(|s| s == "line 14: handler accepts and greets on 9002"));
    }

    #[test]
    fn burst_returns_both_ports_in_one_select() {
        let m = model(Preset::Burst);
        assert!(m.select.selects.iter().any(|c| c.ready == [true, true]));
        let st = m.blocking.stats(m.end, 9002);
        assert_eq!(st.arrived, 5);
        assert_eq!(st.served, 5);
        let narrow = layout(&m, 2 * SEC, true);
        assert!(narrow.width < 450.0 && narrow.height > 600.0);
    }

    /// Every drawn item, groups opened.
    fn item_count(items: &[Item]) -> usize {
        items
            .iter()
            .map(|i| match i {
                Item::Group { items, .. } => 1 + item_count(items),
                _ => 1,
            })
            .sum()
    }

    #[test]
    fn a_long_run_of_short_selects_draws_a_bounded_picture() {
        use crate::scenario::programs::ports::{blocking_ports, select_ports, PortsParams};
        // 1 ms timeouts over 10 min: 600,000 select() calls, almost all returning nothing. Drawn
        // one by one that was over a million SVG elements (tens of MB); the picture is 700 px.
        let p = PortsParams {
            select_timeout_s: 0.001,
            duration_s: Some(600.0),
            ..PortsParams::default()
        };
        let m = PortsModel::new(&blocking_ports(&p), &select_ports(&p));
        let end = m.end;
        let scene = layout_with(&m, end, Arrange::SideBySide);
        let n = item_count(&scene.items);
        assert!(n < 3_000, "{n} items");
        // The short picture still draws every empty return it can tell apart.
        let short = layout_with(&model(Preset::Notes), 12 * SEC, Arrange::SideBySide);
        let ticks = |sc: &Scene| {
            let mut k = 0;
            fn walk(items: &[Item], k: &mut usize) {
                for i in items {
                    match i {
                        Item::Group { items, .. } => walk(items, k),
                        Item::Line {
                            class: "axis",
                            y2,
                            y1,
                            ..
                        } if (y2 - y1 - 12.0).abs() < 0.01 => *k += 1,
                        _ => {}
                    }
                }
            }
            walk(&sc.items, &mut k);
            k
        };
        assert!(ticks(&short) >= 9, "{}", ticks(&short));
    }

    #[test]
    fn two_hundred_layouts_of_the_random_preset() {
        // Printed, not asserted: speed is for benchmarks (`cargo test -- --nocapture` shows it).
        let m = model(Preset::Random);
        let t0 = std::time::Instant::now();
        let mut n = 0;
        for i in 0..200 {
            n += layout(&m, i * 60 * MS, false).items.len();
        }
        println!("ports: 200 layouts in {:?} ({n} items)", t0.elapsed());
    }
}
