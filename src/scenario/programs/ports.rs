//! (a) `blocking_server.py` and (b) `select_server.py`: one client-arrival script on ports 9001
//! and 9002, run by two servers (chapters 1–3 and the scenario programs `blocking_ports` /
//! `select_ports`).
//!
//! * [`blocking_ports`]: the accept loop that blocks on 9001, then on 9002;
//! * [`select_ports`]: the `select()` loop over both sockets (`select_timeout_s`, 1 s).
//!
//! Both record `Line` markers with the line numbers of `content/CODE_LINES.md` (11/12 and 18/19
//! for the blocking server; 11, 13, 14 for the select server), so a code panel can mark the line
//! the server is on. Greeting a client takes `handle_ms` (100 ms: a blocking `sendall` + `close`,
//! slowed down from microseconds so the handler is visible when playing).
//!
//! The arrival script is data ([`Script`]): presets ([`Preset`], one of them seeded random), an
//! explicit `clients` list, and a compact text form (`9002:0,9001:10.5`) for links, with
//! validation that says what was wrong and what is accepted. The run is an observation window:
//! `duration_s`, or by default a little past the last arrival ([`Script::window`]).

use serde::{Deserialize, Serialize};

use crate::scenario::{bad, check_f, check_u, secs, Limits, ScenarioError};
use crate::sim::{Ctx, Rng, Socket, Time, Trace, MS, SEC};

use super::run_sim;

/// Time to greet one client (`sendall` + `close`), the default of `handle_ms`.
pub const HANDLE: Time = 100 * MS;
/// `select()` timeout of the notes.
pub const SELECT_TIMEOUT: Time = SEC;
/// Latest arrival time the page's script editor and link form accept.
pub const MAX_T: Time = 30 * SEC;
/// Most clients the page's script editor and link form accept.
pub const MAX_CLIENTS: usize = 40;
/// Most clients a scenario file may list (`clients`, `random_clients`).
pub const MAX_SCENARIO_CLIENTS: usize = 1_000;
/// The default observation window goes on this long after the last arrival.
pub const TAIL: Time = 2 * SEC;
/// Shortest default observation window.
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

/// A named starting script (`preset = "..."` in scenario files, `ports.preset=` in links).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Preset {
    /// The notes' example: a 9002 client at 0 s, the first 9001 client at 10 s.
    Notes,
    /// All traffic on 9002, until one client finally comes to 9001 at 8 s.
    #[serde(rename = "all_9002")]
    All9002,
    /// Three clients on each port at 2 s, two more on each at 5 s.
    Burst,
    /// Seeded random arrivals on both ports (whole tenths of a second in 0..12 s).
    Random,
}

impl Preset {
    /// Every preset, in button order.
    pub const ALL: [Preset; 4] = [
        Preset::Notes,
        Preset::All9002,
        Preset::Burst,
        Preset::Random,
    ];

    /// The link value.
    pub fn key(self) -> &'static str {
        match self {
            Preset::Notes => "notes",
            Preset::All9002 => "9002",
            Preset::Burst => "burst",
            Preset::Random => "random",
        }
    }

    /// Button label.
    pub fn label(self) -> &'static str {
        match self {
            Preset::Notes => "9002 at 0 s, 9001 at 10 s",
            Preset::All9002 => "All traffic on 9002",
            Preset::Burst => "Burst on both",
            Preset::Random => "Random",
        }
    }

    /// Parse a link value (the scenario-file names `all_9002` etc. are accepted too).
    pub fn parse(s: &str) -> Result<Preset, String> {
        let s = s.trim();
        Preset::ALL
            .into_iter()
            .find(|p| p.key() == s || (*p == Preset::All9002 && s == "all_9002"))
            .ok_or_else(|| format!("no preset named \"{s}\""))
    }

    /// Accepted link values, for messages.
    pub const ACCEPTED: &'static str = "notes, 9002, burst, random";

    /// The script of this preset with the page's 10 random clients (`seed` only matters for
    /// [`Preset::Random`]).
    pub fn script(self, seed: u64) -> Script {
        self.script_n(seed, 10)
    }

    /// The script of this preset; [`Preset::Random`] draws `random_clients` clients.
    pub fn script_n(self, seed: u64, random_clients: u32) -> Script {
        let a = |port, ms: u64| Arrival { t: ms * MS, port };
        let arrivals = match self {
            Preset::Notes => vec![a(9002, 0), a(9001, 10_000)],
            Preset::All9002 => vec![
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
                for _ in 0..random_clients {
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
    let v = crate::decimal::parse(s).ok_or_else(|| format!("\"{s}\" is not a number"))?;
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
    pub fn new(arrivals: Vec<Arrival>) -> Script {
        // Sorted by (time, port) through one u64 key (ports are 16-bit, arrival times are at most
        // MAX_T, far below 2^48 us): the site's other sorts are of u64s too, so the bundle
        // carries one sort routine instead of one per element type.
        debug_assert!(arrivals.iter().all(|a| a.port <= 0xffff && a.t < 1 << 48));
        let mut keys: Vec<u64> = arrivals
            .iter()
            .map(|a| a.t << 16 | u64::from(a.port & 0xffff))
            .collect();
        keys.sort_unstable();
        let arrivals = keys
            .into_iter()
            .map(|k| Arrival {
                t: k >> 16,
                port: (k & 0xffff) as u32,
            })
            .collect();
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
                "{} is beyond the scenario's cap of {} s",
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

    /// The default observation window: a little past the last arrival, at least [`MIN_WINDOW`].
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

/// Parameters of the two-port servers (a) and (b). Defaults: the notes' example.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PortsParams {
    /// Arrival preset, used when `clients` is empty.
    pub preset: Preset,
    /// Explicit arrivals `[[seconds, port], ...]` (ports 9001 or 9002); replaces the preset.
    pub clients: Vec<(f64, u32)>,
    /// Clients drawn by the `random` preset (1 ..= 1000).
    pub random_clients: u32,
    /// Seed of the `random` preset.
    pub seed: u64,
    /// Observation window in seconds (0.1 ..= 3600); absent = last arrival + 2 s, at least 6 s.
    pub duration_s: Option<f64>,
    /// `select` timeout in seconds, (b) only (0.001 ..= 60; 0 would busy-poll in virtual time).
    pub select_timeout_s: f64,
    /// Time to greet one client (blocking send + close) in milliseconds (0 ..= 10000).
    pub handle_ms: f64,
    /// Caps.
    pub limits: Limits,
}

impl Default for PortsParams {
    fn default() -> Self {
        PortsParams {
            preset: Preset::Notes,
            clients: Vec::new(),
            random_clients: 10,
            seed: 1,
            duration_s: None,
            select_timeout_s: SELECT_TIMEOUT as f64 / SEC as f64,
            handle_ms: (HANDLE / MS) as f64,
            limits: Limits::default(),
        }
    }
}

impl PortsParams {
    /// The page's parameters: this script, everything else the notes' defaults.
    pub fn for_script(script: &Script) -> PortsParams {
        PortsParams {
            clients: script
                .arrivals
                .iter()
                .map(|a| (a.t as f64 / SEC as f64, a.port))
                .collect(),
            ..PortsParams::default()
        }
    }

    /// The arrival script: `clients` if given, else the preset.
    pub fn script(&self) -> Script {
        if self.clients.is_empty() {
            self.preset.script_n(self.seed, self.random_clients)
        } else {
            Script::new(
                self.clients
                    .iter()
                    .map(|&(t, port)| Arrival { t: secs(t), port })
                    .collect(),
            )
        }
    }

    /// The observation window. The default one (last arrival + 2 s) ends at the time cap at the
    /// latest: a client at 3600 s (accepted) would otherwise always end the run on the cap.
    pub fn window(&self) -> Time {
        match self.duration_s {
            Some(d) => secs(d),
            None => self
                .script()
                .window()
                .min(secs(self.limits.max_time_s).max(1)),
        }
    }

    /// Check every parameter; the error names the field, the value and what is accepted.
    pub fn validate(&self) -> Result<(), ScenarioError> {
        if let Some(d) = self.duration_s {
            check_f("duration_s", d, 0.1, 3600.0)?;
        }
        // 0 would busy-poll: virtual time never advances while a task is always runnable.
        check_f("select_timeout_s", self.select_timeout_s, 0.001, 60.0)?;
        check_f("handle_ms", self.handle_ms, 0.0, 10_000.0)?;
        let max = MAX_SCENARIO_CLIENTS as u64;
        check_u("random_clients", self.random_clients as u64, 1, max)?;
        check_u("clients (count)", self.clients.len() as u64, 0, max)?;
        for (i, &(t, port)) in self.clients.iter().enumerate() {
            check_f(&format!("clients[{i}] time"), t, 0.0, 3600.0)?;
            if !PORTS.contains(&port) {
                return Err(bad(&format!("clients[{i}] port"), port, "9001 or 9002"));
            }
        }
        Ok(())
    }
}

/// The arrival script of these parameters as `(time, port)`, sorted by time.
pub fn arrivals(p: &PortsParams) -> Vec<(Time, u32)> {
    p.script().arrivals.iter().map(|a| (a.t, a.port)).collect()
}

/// Schedule the script's clients; armed in time order so simultaneous arrivals get ids 9001
/// first, the same in both servers' runs.
fn open_ports(cx: &Ctx, script: &Script) -> (Socket, Socket) {
    let s1 = cx.listen(9001);
    let s2 = cx.listen(9002);
    for a in &script.arrivals {
        let sock = if a.port == 9001 { s1 } else { s2 };
        cx.script_arrivals(sock, &[a.t]);
    }
    (s1, s2)
}

fn config(p: &PortsParams) -> crate::sim::Config {
    let mut cfg = p.limits.config();
    cfg.stop_at = Some(p.window());
    cfg
}

/// (a) `blocking_server.py` (valid parameters): accept on 9001, greet, accept on 9002, greet,
/// repeat.
pub fn blocking_ports(p: &PortsParams) -> Trace {
    let script = p.script();
    let handle = (p.handle_ms * MS as f64).round() as Time;
    run_sim(config(p), |cx| {
        let (s1, s2) = open_ports(cx, &script);
        let cx = cx.clone();
        cx.clone().spawn("blocking server", async move {
            loop {
                cx.line(11);
                let _ = cx.accept(s1).await;
                cx.line(12);
                cx.block_for(handle).await;
                cx.line(18);
                let _ = cx.accept(s2).await;
                cx.line(19);
                cx.block_for(handle).await;
            }
        });
    })
}

/// (b) `select_server.py` (valid parameters): `select()` on both with a timeout, greet every
/// ready one.
pub fn select_ports(p: &PortsParams) -> Trace {
    let script = p.script();
    let handle = (p.handle_ms * MS as f64).round() as Time;
    let timeout = secs(p.select_timeout_s);
    run_sim(config(p), |cx| {
        let (s1, s2) = open_ports(cx, &script);
        let cx = cx.clone();
        cx.clone().spawn("select server", async move {
            loop {
                cx.line(11);
                let ready = cx.select(&[s1, s2], Some(timeout)).await;
                cx.line(13);
                for sock in ready {
                    cx.line(14);
                    let _ = cx.accept(sock).await;
                    cx.block_for(handle).await;
                    cx.line(13);
                }
            }
        });
    })
}

/// The page's run of (a) on a script (its parameters are the notes' defaults).
pub fn run_blocking(script: &Script) -> Trace {
    blocking_ports(&PortsParams::for_script(script))
}

/// The page's run of (b) on a script (its parameters are the notes' defaults).
pub fn run_select(script: &Script) -> Trace {
    select_ports(&PortsParams::for_script(script))
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
        // The defaults are the notes' example: the same runs.
        assert_eq!(blocking_ports(&PortsParams::default()).hash(), b.hash());
        assert_eq!(select_ports(&PortsParams::default()).hash(), s.hash());
    }

    #[test]
    fn text_form_round_trips_and_refuses_bad_items() {
        let sc = Script::parse("9002:0,9001@10.5").unwrap();
        assert_eq!(sc.encode(), "9002:0,9001:10.5");
        assert_eq!(PortsParams::for_script(&sc).script(), sc);
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
        assert_eq!(Preset::parse("all_9002"), Ok(Preset::All9002));
        assert_eq!(Preset::parse("9002"), Ok(Preset::All9002));
    }

    #[test]
    fn random_is_seeded() {
        assert_eq!(Preset::Random.script(7), Preset::Random.script(7));
        assert_ne!(Preset::Random.script(7), Preset::Random.script(8));
        assert_eq!(Preset::Random.script_n(7, 25).arrivals.len(), 25);
    }

    #[test]
    fn bad_params_name_field_value_and_range() {
        let p = PortsParams {
            clients: vec![(1.0, 9001), (2.0, 80)],
            ..PortsParams::default()
        };
        assert_eq!(
            p.validate().unwrap_err().to_string(),
            "field `clients[1] port`: 80 is not accepted; accepted: 9001 or 9002"
        );
        let p = PortsParams {
            select_timeout_s: 0.0,
            ..PortsParams::default()
        };
        assert!(p
            .validate()
            .unwrap_err()
            .to_string()
            .contains("select_timeout_s"));
        let p = PortsParams {
            duration_s: Some(f64::NAN),
            ..PortsParams::default()
        };
        assert!(p.validate().unwrap_err().to_string().contains("duration_s"));
    }
}
