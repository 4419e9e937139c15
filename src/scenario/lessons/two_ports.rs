//! Chapters 1–3: one client-arrival script on ports 9001 and 9002, run by two servers.
//!
//! * [`run_blocking`]: `blocking_server.py`, the accept loop that blocks on 9001, then on 9002;
//! * [`run_select`]: `select_server.py`, the `select()` loop over both sockets (1 s timeout).
//!
//! Both record `Line` markers with the line numbers of `content/CODE_LINES.md` (11/12 and 18/19
//! for the blocking server; 11, 13, 14 for the select server), so a code panel can mark the line
//! the server is on. Greeting a client takes [`HANDLE`] (a blocking `sendall` + `close`, slowed
//! down from microseconds so the handler is visible when playing).
//!
//! The arrival script is data ([`Script`]): presets, a seeded random one, and a compact text form
//! (`9002:0,9001:10.5`) for links, with validation that says what was wrong and what is accepted.

use crate::sim::{Config, Rng, Sim, Time, Trace, MS, SEC};

/// Time to greet one client (`sendall` + `close`).
pub const HANDLE: Time = 100 * MS;
/// `select()` timeout of the notes.
pub const SELECT_TIMEOUT: Time = SEC;
/// Latest arrival time a script may hold.
pub const MAX_T: Time = 30 * SEC;
/// Most clients a script may hold.
pub const MAX_CLIENTS: usize = 40;
/// The observation window goes on this long after the last arrival.
pub const TAIL: Time = 2 * SEC;
/// Shortest observation window.
pub const MIN_WINDOW: Time = 6 * SEC;
/// The two ports.
pub const PORTS: [u32; 2] = [9001, 9002];

/// One client connecting to `port` at `t`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Arrival {
    /// Arrival time.
    pub t: Time,
    /// 9001 or 9002.
    pub port: u32,
}

/// A named starting script.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Preset {
    /// The notes' example: a 9002 client at 0 s, the first 9001 client at 10 s.
    Notes,
    /// All traffic on 9002, until one client finally comes to 9001 at 8 s.
    Only9002,
    /// Three clients on each port at the same moments.
    Burst,
    /// Seeded random arrivals on both ports.
    Random,
}

impl Preset {
    /// Every preset, in button order.
    pub const ALL: [Preset; 4] = [
        Preset::Notes,
        Preset::Only9002,
        Preset::Burst,
        Preset::Random,
    ];

    /// The link value.
    pub fn key(self) -> &'static str {
        match self {
            Preset::Notes => "notes",
            Preset::Only9002 => "9002",
            Preset::Burst => "burst",
            Preset::Random => "random",
        }
    }

    /// Button label.
    pub fn label(self) -> &'static str {
        match self {
            Preset::Notes => "The notes' example",
            Preset::Only9002 => "All traffic on 9002",
            Preset::Burst => "Burst on both",
            Preset::Random => "Random",
        }
    }

    /// Parse a link value.
    pub fn parse(s: &str) -> Result<Preset, String> {
        Preset::ALL
            .into_iter()
            .find(|p| p.key() == s.trim())
            .ok_or_else(|| format!("no preset named \"{}\"", s.trim()))
    }

    /// Accepted link values, for messages.
    pub const ACCEPTED: &'static str = "notes, 9002, burst, random";

    /// The script of this preset (`seed` only matters for [`Preset::Random`]).
    pub fn script(self, seed: u64) -> Script {
        let a = |port, ms: u64| Arrival { t: ms * MS, port };
        let arrivals = match self {
            Preset::Notes => vec![a(9002, 0), a(9001, 10_000)],
            Preset::Only9002 => vec![
                a(9002, 1_000),
                a(9002, 2_000),
                a(9002, 3_000),
                a(9002, 4_500),
                a(9002, 6_000),
                a(9001, 8_000),
            ],
            Preset::Burst => {
                let mut v = Vec::new();
                for ms in [2_000, 2_000, 2_000, 5_000, 5_000] {
                    v.push(a(9001, ms));
                    v.push(a(9002, ms));
                }
                v
            }
            Preset::Random => {
                let mut rng = Rng::new(seed);
                let mut v = Vec::new();
                for _ in 0..10 {
                    let port = if rng.below(2) == 0 { 9001 } else { 9002 };
                    // Whole tenths of a second in 0..12 s.
                    v.push(a(port, rng.below(120) * 100));
                }
                v
            }
        };
        Script::new(arrivals)
    }
}

/// The client-arrival script both servers see (sorted by time, then port).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
pub struct Script {
    /// Arrivals, sorted.
    pub arrivals: Vec<Arrival>,
}

/// What a time field accepts, for messages.
pub const TIME_ACCEPTED: &str = "a number of seconds from 0 to 30, like 2.5";

/// Parse an arrival time in seconds: a number, `>= 0`, at most [`MAX_T`]. Rounded to the ms.
pub fn parse_secs(s: &str) -> Result<Time, String> {
    let s = s.trim();
    let s = s.strip_suffix('s').unwrap_or(s).trim();
    if s.is_empty() {
        return Err("no time given".into());
    }
    let v: f64 = s.parse().map_err(|_| format!("\"{s}\" is not a number"))?;
    if !v.is_finite() {
        return Err(format!("\"{s}\" is not a number"));
    }
    if v < 0.0 {
        return Err(format!("{s} s is before the start (times start at 0 s)"));
    }
    if v * 1e6 > MAX_T as f64 {
        return Err(format!(
            "{s} s is beyond the scenario's cap of {} s",
            MAX_T / SEC
        ));
    }
    Ok(((v * 1000.0).round() as Time) * MS)
}

/// Parse a port: 9001 or 9002.
pub fn parse_port(s: &str) -> Result<u32, String> {
    match s.trim() {
        "9001" => Ok(9001),
        "9002" => Ok(9002),
        other => Err(format!("port \"{other}\" is not 9001 or 9002")),
    }
}

/// What the link form of a script accepts, for messages.
pub const SCRIPT_ACCEPTED: &str =
    "a comma-separated list of PORT:SECONDS such as 9002:0,9001:10 (ports 9001 or 9002, 0 to 30 s, at most 40 clients)";

impl Script {
    /// A script of these arrivals (sorted here).
    pub fn new(mut arrivals: Vec<Arrival>) -> Script {
        arrivals.sort();
        Script { arrivals }
    }

    /// Add one client; refused when the script already holds [`MAX_CLIENTS`] or `t` is too late.
    pub fn with(&self, a: Arrival) -> Result<Script, String> {
        if self.arrivals.len() >= MAX_CLIENTS {
            return Err(format!(
                "the script already has {MAX_CLIENTS} clients, the most it can hold"
            ));
        }
        if a.t > MAX_T {
            return Err(format!(
                "{} s is beyond the scenario's cap of {} s",
                crate::figure::fmt_secs(a.t),
                MAX_T / SEC
            ));
        }
        if !PORTS.contains(&a.port) {
            return Err(format!("port {} is not 9001 or 9002", a.port));
        }
        let mut v = self.arrivals.clone();
        v.push(a);
        Ok(Script::new(v))
    }

    /// The link form: `9002:0,9001:10.5` (`@` is accepted too when parsing).
    pub fn encode(&self) -> String {
        self.arrivals
            .iter()
            .map(|a| {
                let ms = a.t / MS;
                if ms % 1000 == 0 {
                    format!("{}:{}", a.port, ms / 1000)
                } else {
                    let s = format!("{}.{:03}", ms / 1000, ms % 1000);
                    format!("{}:{}", a.port, s.trim_end_matches('0'))
                }
            })
            .collect::<Vec<_>>()
            .join(",")
    }

    /// Parse the link form; the error names the bad item.
    pub fn parse(s: &str) -> Result<Script, String> {
        let s = s.trim();
        if s.is_empty() {
            return Ok(Script::default());
        }
        let mut v = Vec::new();
        for item in s.split(',') {
            let Some((p, t)) = item.split_once(':').or_else(|| item.split_once('@')) else {
                return Err(format!("\"{item}\" is not PORT:SECONDS"));
            };
            let port = parse_port(p).map_err(|e| format!("in \"{item}\": {e}"))?;
            let t = parse_secs(t).map_err(|e| format!("in \"{item}\": {e}"))?;
            v.push(Arrival { t, port });
            if v.len() > MAX_CLIENTS {
                return Err(format!("more than {MAX_CLIENTS} clients"));
            }
        }
        Ok(Script::new(v))
    }

    /// The observation window: a little past the last arrival, at least [`MIN_WINDOW`].
    pub fn window(&self) -> Time {
        let last = self.arrivals.iter().map(|a| a.t).max().unwrap_or(0);
        (last + TAIL).max(MIN_WINDOW)
    }
}

/// The fixed script of the chapter 3 `readiness` picture: one client each, then both at once.
pub fn readiness_script() -> Script {
    let a = |port, ms: u64| Arrival { t: ms * MS, port };
    Script::new(vec![
        a(9001, 500),
        a(9002, 1_800),
        a(9001, 3_000),
        a(9002, 3_000),
        a(9002, 5_200),
    ])
}

fn sim(script: &Script) -> Sim {
    Sim::new(Config {
        stop_at: Some(script.window()),
        max_events: 200_000,
        ..Config::default()
    })
}

/// `blocking_server.py` on this script: accept on 9001, greet, accept on 9002, greet, repeat.
pub fn run_blocking(script: &Script) -> Trace {
    let mut s = sim(script);
    let cx = s.ctx();
    let s1 = cx.listen(9001);
    let s2 = cx.listen(9002);
    // Arm in time order so simultaneous arrivals get ids 9001 first, the same in both runs.
    script_both(&cx, script, s1, s2);
    s.spawn("blocking server", async move {
        loop {
            cx.line(11);
            let _ = cx.accept(s1).await;
            cx.line(12);
            cx.block_for(HANDLE).await;
            cx.line(18);
            let _ = cx.accept(s2).await;
            cx.line(19);
            cx.block_for(HANDLE).await;
        }
    });
    s.run();
    s.into_trace()
}

/// `select_server.py` on this script: `select()` on both with a 1 s timeout, greet every ready one.
pub fn run_select(script: &Script) -> Trace {
    let mut s = sim(script);
    let cx = s.ctx();
    let s1 = cx.listen(9001);
    let s2 = cx.listen(9002);
    script_both(&cx, script, s1, s2);
    s.spawn("select server", async move {
        loop {
            cx.line(11);
            let ready = cx.select(&[s1, s2], Some(SELECT_TIMEOUT)).await;
            cx.line(13);
            for sock in ready {
                cx.line(14);
                let _ = cx.accept(sock).await;
                cx.block_for(HANDLE).await;
                cx.line(13);
            }
        }
    });
    s.run();
    s.into_trace()
}

fn script_both(
    cx: &crate::sim::Ctx,
    script: &Script,
    s1: crate::sim::Socket,
    s2: crate::sim::Socket,
) {
    for a in &script.arrivals {
        let sock = if a.port == 9001 { s1 } else { s2 };
        cx.script_arrivals(sock, &[a.t]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::EventKind;

    fn accepted(tr: &Trace) -> Vec<(Time, u32)> {
        tr.events
            .iter()
            .filter_map(|e| match e.kind {
                EventKind::Accepted { client, .. } => Some((e.t, client)),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn notes_example_blocking_serves_9002_after_9001() {
        let sc = Preset::Notes.script(0);
        let b = run_blocking(&sc);
        // client 0 = 9002 at 0 s, client 1 = 9001 at 10 s.
        assert_eq!(accepted(&b), vec![(10 * SEC, 1), (10 * SEC + HANDLE, 0)]);
        let s = run_select(&sc);
        assert_eq!(accepted(&s), vec![(0, 0), (10 * SEC, 1)]);
        assert_eq!(b.end, 12 * SEC);
        assert_eq!(s.end, 12 * SEC);
    }

    #[test]
    fn text_form_round_trips_and_refuses_bad_items() {
        let sc = Script::parse("9002:0,9001@10.5").unwrap();
        assert_eq!(sc.encode(), "9002:0,9001:10.5");
        assert!(Script::parse("9003@1")
            .unwrap_err()
            .contains("9001 or 9002"));
        assert!(Script::parse("9001@-1")
            .unwrap_err()
            .contains("before the start"));
        assert!(Script::parse("9001@31")
            .unwrap_err()
            .contains("cap of 30 s"));
        assert!(Script::parse("9001@x")
            .unwrap_err()
            .contains("not a number"));
        assert!(Script::parse("9001").unwrap_err().contains("PORT:SECONDS"));
        assert_eq!(parse_secs("2.5"), Ok(2_500 * MS));
        assert!(parse_secs("NaN").is_err());
        assert!(parse_secs("inf").is_err());
    }

    #[test]
    fn random_is_seeded() {
        assert_eq!(Preset::Random.script(7), Preset::Random.script(7));
        assert_ne!(Preset::Random.script(7), Preset::Random.script(8));
    }
}
