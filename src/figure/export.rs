//! Figure export: a scenario and a virtual time in, the page's picture of that scenario out.
//!
//! ```text
//! Scenario --scenario::programs (both runs the page shows)--> models (PortsModel, Gantt, ...)
//!          --the figure module's layout at t--> Scene --Scene::to_svg--> SVG file (CLI `--svg`)
//! ```
//!
//! For every program this builds the picture the site draws for it, from the same runs and the
//! same layout calls as the page's component in `src/app/viz` (which is browser-only, so the wiring
//! is repeated here; the layout itself is only called, never copied):
//!
//! | program | picture (component) | runs |
//! |---|---|---|
//! | (a) `blocking_ports`, (b) `select_ports` | ports (`ports.rs`), side by side | (a) and (b) on the file's params |
//! | (c) `sequential_queries`, (d) `gather_queries` | queries timeline (`queries.rs`), revealed | (c) and (d) on the file's queries |
//! | (e) `thread_per_request` | thread pool (`thread_pool.rs`) | (e) |
//! | (f) `event_loop_server` | frameworks (`frameworks.rs`), event-loop side in focus | (e) and (f) on the file's params |
//! | (g), (h), (i) | lab (`strategies.rs`, `backpressure.rs`); (i) with `switch`: the fork | the file's run (and, for the fork, the same without `switch`) |
//! | (j) `retry_storm` | storm (`backpressure.rs`) | the file's params with `fix = "none"` (left) and `fix = "all"` (right, the fix the panel describes) |
//! | (k) `credits_pipeline` | demand (`demand.rs`) | (k) |
//!
//! Pure and native: no web crates. A time past the end draws the last frame, as the page's
//! playback does at its end.

use super::fmt_secs;
use super::load::{frameworks_scene, thread_pool_scene, Budget, LoadSeries, Side};
use super::pipeline::{demand_scene, fork_scene, lab_scene, DemandData, LabData};
use super::ports::{layout_with, Arrange, PortsModel};
use super::storm::{storm_scene, StormData};
use super::timeline::{layout, Gantt, Opts};
use super::Scene;
use crate::scenario::programs::{credits, flow, load, ports, queries, retry};
use crate::scenario::{secs, Program, RetryFix, Scenario};
use crate::sim::{Time, MS, SEC, US};

/// The models of one scenario's picture, built once; [`Figure::scene`] lays out any frame.
pub struct Figure {
    models: Models,
    end: Time,
    /// One sentence per run that a cap cut short ([`cut_short`]); drawn under the picture.
    cut: Vec<String>,
}

#[allow(clippy::large_enum_variant)] // one per export, never moved around
enum Models {
    Ports(PortsModel),
    Queries(Gantt, Gantt),
    ThreadPool(LoadSeries, Budget),
    Frameworks(LoadSeries, LoadSeries, Budget, bool),
    Lab(LabData, String),
    Fork(LabData, LabData, (String, String), Time),
    Storm(StormData, StormData, Time),
    Demand(DemandData),
}

impl Figure {
    /// Validate the scenario, run what its page runs and build the picture's models.
    pub fn new(s: &Scenario) -> Result<Figure, String> {
        s.validate().map_err(|e| e.to_string())?;
        let (models, end, cut) = match &s.program {
            Program::BlockingPorts(p) | Program::SelectPorts(p) => {
                let (b, s) = (ports::blocking_ports(p), ports::select_ports(p));
                let cut = cut_short(&[("blocking", &b), ("select()", &s)]);
                (
                    Models::Ports(PortsModel::new(&b, &s)),
                    b.end.max(s.end),
                    cut,
                )
            }
            Program::SequentialQueries(p) | Program::GatherQueries(p) => {
                let (a, b) = (queries::sequential_queries(p), queries::gather_queries(p));
                let gather_title = if p.queries.iter().any(|q| q.blocking) {
                    "asyncio.gather, one query calls time.sleep"
                } else {
                    "asyncio.gather (queries_gather.py)"
                };
                (
                    Models::Queries(
                        Gantt::from_trace("One after the other (queries_sync.py)", &a),
                        Gantt::from_trace(gather_title, &b),
                    ),
                    a.end.max(b.end),
                    cut_short(&[("sequential", &a), ("gather", &b)]),
                )
            }
            Program::ThreadPerRequest(p) => {
                let tr = load::thread_per_request(p);
                (
                    Models::ThreadPool(LoadSeries::from_trace(&tr), Budget::of(p)),
                    tr.end,
                    cut_short(&[("", &tr)]),
                )
            }
            Program::EventLoopServer(p) => {
                let pool = load::thread_per_request(p);
                let evloop = load::event_loop_server(p);
                let end = pool.end.max(evloop.end);
                (
                    Models::Frameworks(
                        LoadSeries::from_trace(&pool),
                        LoadSeries::from_trace(&evloop),
                        Budget::of(p),
                        p.blocking_handler,
                    ),
                    end,
                    cut_short(&[("thread-per-request", &pool), ("event-loop", &evloop)]),
                )
            }
            Program::ProducerConsumer(p) => {
                let tr = flow::producer_consumer(p);
                let heading = format!("Queue(maxsize={}): producer, consumer, join", p.maxsize);
                let cut = cut_short(&[("", &tr)]);
                (Models::Lab(LabData::new(&tr), heading), tr.end, cut)
            }
            Program::UnboundedBuffer(p) => {
                let tr = flow::unbounded_buffer(p);
                let heading = format!(
                    "No backpressure: producer {}/s, consumer {}/s, no bound",
                    p.produce_per_s, p.consume_per_s
                );
                let cut = cut_short(&[("", &tr)]);
                (Models::Lab(LabData::new(&tr), heading), tr.end, cut)
            }
            Program::DropAndRegulate(p) => match &p.switch {
                None => {
                    let tr = flow::drop_and_regulate(p);
                    let heading = format!(
                        "{} · producer {}/s · consumer {}/s",
                        p.strategy.label(),
                        p.produce_per_s,
                        p.consume_per_s
                    );
                    let cut = cut_short(&[("", &tr)]);
                    (Models::Lab(LabData::new(&tr), heading), tr.end, cut)
                }
                Some(sw) => {
                    let kept = flow::drop_and_regulate(&flow::StrategyParams {
                        switch: None,
                        ..p.clone()
                    });
                    let switched = flow::drop_and_regulate(p);
                    let at = secs(sw.at_s);
                    let headings = (
                        format!("keep {}", p.strategy.name()),
                        format!("switch to {} at {}", sw.to.name(), fmt_secs(at)),
                    );
                    let end = kept.end.max(switched.end);
                    let cut = cut_short(&[("kept", &kept), ("switched", &switched)]);
                    (
                        Models::Fork(LabData::new(&kept), LabData::new(&switched), headings, at),
                        end,
                        cut,
                    )
                }
            },
            Program::RetryStorm(p) => {
                let naive = retry::retry_storm(&retry::RetryParams {
                    fix: RetryFix::None,
                    ..p.clone()
                });
                let fixed = retry::retry_storm(&retry::RetryParams {
                    fix: RetryFix::All,
                    ..p.clone()
                });
                let end = naive.end.max(fixed.end);
                (
                    Models::Storm(
                        StormData::new(&naive),
                        StormData::new(&fixed),
                        secs(p.surge_to_s),
                    ),
                    end,
                    cut_short(&[("storm", &naive), ("fixed", &fixed)]),
                )
            }
            Program::CreditsPipeline(p) => {
                let tr = credits::credits_pipeline(p);
                (
                    Models::Demand(DemandData::new(&tr, p.items, p.workers)),
                    tr.end,
                    cut_short(&[("", &tr)]),
                )
            }
        };
        Ok(Figure { models, end, cut })
    }

    /// The last virtual time of the picture (the later end of its runs).
    pub fn end(&self) -> Time {
        self.end
    }

    /// What cut the picture's runs short, one sentence per capped run (empty: none was).
    pub fn cut_short(&self) -> &[String] {
        &self.cut
    }

    /// The frame at `at` (clamped to [`Figure::end`]), in the wide layout (slides, print), with
    /// a line under it for each run a cap cut short.
    pub fn scene(&self, at: Time) -> Scene {
        let mut scene = self.layout(at);
        for line in &self.cut {
            scene.height += 16.0;
            scene.items.push(super::text(
                12.0,
                scene.height - 6.0,
                line.clone(),
                "small s-danger",
                super::Anchor::Start,
            ));
        }
        scene
    }

    fn layout(&self, at: Time) -> Scene {
        let t = at.min(self.end);
        match &self.models {
            Models::Ports(m) => layout_with(m, t, Arrange::SideBySide),
            Models::Queries(seq, gat) => layout(
                &[seq, gat],
                t,
                Opts {
                    hide: None,
                    width: 720.0,
                    drag: None,
                },
            ),
            Models::ThreadPool(series, b) => thread_pool_scene(series, b, t, false),
            Models::Frameworks(pool, evloop, b, blocking) => {
                frameworks_scene(pool, evloop, b, Side::Loop, *blocking, t, false)
            }
            Models::Lab(d, heading) => lab_scene(d, t, heading),
            Models::Fork(a, b, (h1, h2), at) => fork_scene(a, b, t, (h1, h2), *at),
            Models::Storm(naive, fixed, drop_at) => storm_scene(naive, fixed, t, *drop_at),
            Models::Demand(d) => demand_scene(d, t),
        }
    }

    /// The frame at `at` as the page lays it out with `px` CSS pixels of room for the picture
    /// (each layout only where it fits at 1:1; the narrow ones on a phone).
    #[cfg(test)]
    pub(crate) fn scene_for_width(&self, at: Time, px: f32) -> Scene {
        use super::{pipeline, storm};
        let t = at.min(self.end);
        let narrow = px < super::load::WIDE_W;
        match &self.models {
            Models::Ports(m) => layout_with(m, t, Arrange::for_width(px as f64)),
            Models::Queries(seq, gat) => layout(
                &[seq, gat],
                t,
                Opts {
                    hide: None,
                    // As `app::viz::queries` sizes it.
                    width: super::timeline::queries_width(px),
                    drag: None,
                },
            ),
            Models::ThreadPool(series, b) => thread_pool_scene(series, b, t, narrow),
            Models::Frameworks(pool, evloop, b, blocking) => {
                frameworks_scene(pool, evloop, b, Side::Loop, *blocking, t, narrow)
            }
            Models::Lab(d, heading) => pipeline::lab_scene_for(d, t, heading, px),
            Models::Fork(a, b, (h1, h2), at) => {
                pipeline::fork_scene_for(a, b, t, (h1, h2), *at, px)
            }
            Models::Storm(naive, fixed, drop_at) => {
                storm::storm_scene_for(naive, fixed, t, *drop_at, px)
            }
            Models::Demand(d) => pipeline::demand_scene_for(d, t, px),
        }
    }
}

/// "The select() run stopped at 8.6 s: it reached limits.max_events." for each
/// run a cap ended (`("", tr)`: the picture's only run). A figure of such a run ends early (and
/// its two sides may end at different times), so the export says why.
fn cut_short(runs: &[(&str, &crate::sim::Trace)]) -> Vec<String> {
    use crate::sim::{CapKind, Outcome};
    runs.iter()
        .filter_map(|(side, tr)| {
            let why = match tr.outcome {
                Outcome::Cap(CapKind::Events) => "it reached limits.max_events",
                Outcome::Cap(CapKind::Time) => "its next step lay past limits.max_time_s",
                _ => return None,
            };
            let run = if side.is_empty() {
                "The run".to_string()
            } else {
                format!("The {side} run")
            };
            Some(format!("{run} stopped at {}: {why}.", fmt_secs(tr.end)))
        })
        .collect()
}

/// The page's picture of `s` at virtual time `at` (a time past the end draws the last frame).
/// Errors: the scenario's validation message (field, value, what is accepted).
pub fn scene_for(s: &Scenario, at: Time) -> Result<Scene, String> {
    Ok(Figure::new(s)?.scene(at))
}

/// What [`parse_at`] accepts (for error messages and the usage text).
pub const AT_ACCEPTED: &str =
    "a virtual time with a unit, like 2.5s, 2500ms or 2500000us, or `end` (the last frame)";

/// Parse a frame time: `2.5s`, `2500ms`, `2500000us` (whole microseconds), or `end` (`None`).
pub fn parse_at(s: &str) -> Result<Option<Time>, String> {
    let v = s.trim();
    if v.eq_ignore_ascii_case("end") {
        return Ok(None);
    }
    let refuse = |why: &str| Err(format!("--svg {s:?}: {why}; accepted: {AT_ACCEPTED}"));
    let (num, unit) = if let Some(n) = v.strip_suffix("us") {
        (n, US)
    } else if let Some(n) = v.strip_suffix("ms") {
        (n, MS)
    } else if let Some(n) = v.strip_suffix('s') {
        (n, SEC)
    } else {
        return refuse("no unit (s, ms or us)");
    };
    let num = num.trim();
    if num.is_empty() || !num.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return refuse("not a plain non-negative number");
    }
    let Some(x) = crate::decimal::parse(num) else {
        return refuse("not a number");
    };
    // At most 10 hours (scenarios end within one; later times draw the last frame anyway).
    let us = x * unit as f64;
    if us > 36_000.0 * SEC as f64 {
        return refuse("later than 10 hours");
    }
    if (us - us.round()).abs() > 1e-6 {
        return refuse("finer than a microsecond");
    }
    Ok(Some(us.round() as Time))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn examples() -> Vec<(String, Scenario)> {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios");
        let mut out = Vec::new();
        for e in std::fs::read_dir(dir).expect("scenarios/ is readable") {
            let path = e.expect("dir entry").path();
            if path.extension().and_then(|x| x.to_str()) != Some("toml") {
                continue;
            }
            let text = std::fs::read_to_string(&path).expect("example is readable");
            let sc = Scenario::from_toml(&text)
                .unwrap_or_else(|err| panic!("{}: {err}", path.display()));
            out.push((path.display().to_string(), sc));
        }
        out.sort_by(|a, b| a.0.cmp(&b.0));
        assert!(
            out.len() >= 11,
            "expected every example file, got {}",
            out.len()
        );
        out
    }

    fn check_svg(name: &str, sc: &Scene) {
        assert!(!sc.items.is_empty(), "{name}: empty scene");
        assert!(sc.width > 0.0 && sc.height > 0.0, "{name}: no size");
        let svg = sc.to_svg();
        assert!(svg.starts_with("<svg xmlns="), "{name}: {}", &svg[..40]);
        assert!(!svg.contains("var("), "{name}: depends on CSS variables");
        assert!(svg.trim_end().ends_with("</svg>"), "{name}: unterminated");
    }

    #[test]
    fn every_example_file_exports_at_the_end_and_mid_run() {
        let mut programs = std::collections::BTreeSet::new();
        for (name, s) in examples() {
            programs.insert(s.program_name());
            let f = Figure::new(&s).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(f.end() > 0, "{name}: empty run");
            for at in [f.end() / 2, f.end(), Time::MAX] {
                check_svg(&format!("{name} at {at}"), &f.scene(at));
            }
            // Past the end is the last frame.
            assert_eq!(f.scene(Time::MAX), f.scene(f.end()), "{name}");
        }
        // Every program has an example file, so every picture is covered.
        assert_eq!(
            programs.len(),
            crate::scenario::PROGRAMS.len(),
            "{programs:?}"
        );
    }

    #[test]
    fn scene_for_is_figure_scene_and_reports_bad_scenarios() {
        let s = Scenario::from_toml("program = \"sequential_queries\"").unwrap();
        assert_eq!(
            scene_for(&s, 2 * SEC).unwrap(),
            Figure::new(&s).unwrap().scene(2 * SEC)
        );
        let mut bad = s.clone();
        if let Program::SequentialQueries(p) = &mut bad.program {
            p.queries.clear();
        }
        let e = scene_for(&bad, 0).unwrap_err();
        assert!(e.contains("queries (count)"), "{e}");
    }

    #[test]
    fn ports_notes_preset_shows_the_waiting_9002_client() {
        // The notes: a 9002 client at 0 s, the first 9001 client at 10 s.
        for program in ["blocking_ports", "select_ports"] {
            let s = Scenario::from_toml(&format!("program = \"{program}\"\npreset = \"notes\""))
                .unwrap();
            let sc = scene_for(&s, 2 * SEC).unwrap();
            let texts = sc.texts();
            assert!(
                texts.contains(&"A 9002 client has waited 2.0 s"),
                "{program}: {texts:?}"
            );
            assert!(
                texts.contains(&"while the server is stuck on 9001."),
                "{texts:?}"
            );
            // One client so far: singular.
            assert!(texts.contains(&"Served 0 of 1 client so far"), "{texts:?}");
            // Both servers are drawn, whichever of the two the file names.
            let svg = sc.to_svg();
            assert!(svg.contains("aria-label=\"Blocking server\""), "{program}");
            assert!(svg.contains("aria-label=\"select() server\""), "{program}");
        }
    }

    #[test]
    fn queries_at_the_end_show_both_totals() {
        for program in ["sequential_queries", "gather_queries"] {
            let s = Scenario::from_toml(&format!(
                "program = \"{program}\"\nqueries = [{{ name = \"A\", seconds = 2.0 }}, {{ name = \"B\", seconds = 3.0 }}]"
            ))
            .unwrap();
            let sc = scene_for(&s, Time::MAX).unwrap();
            let texts = sc.texts();
            assert!(texts.contains(&"total 5 s"), "{program}: {texts:?}");
            assert!(texts.contains(&"total 3 s"), "{program}: {texts:?}");
            // Mid-run, neither total is known yet for the slower run.
            let mid = scene_for(&s, 2 * SEC).unwrap();
            assert!(!mid.texts().contains(&"total 5 s"), "{program}");
        }
    }

    #[test]
    fn storm_and_fork_use_the_pages_pairs() {
        let s = Scenario::from_toml("program = \"retry_storm\"\nfix = \"backoff\"").unwrap();
        let texts: Vec<String> = scene_for(&s, 20 * SEC)
            .unwrap()
            .texts()
            .into_iter()
            .map(String::from)
            .collect();
        assert!(texts.iter().any(|t| t == "Naive retries"), "{texts:?}");
        assert!(texts.iter().any(|t| t == "The fix"), "{texts:?}");
        let s = Scenario::from_toml(
            "program = \"drop_and_regulate\"\nstrategy = \"drop_oldest\"\nswitch = { at_s = 5.0, to = \"regulate\" }",
        )
        .unwrap();
        let sc = scene_for(&s, 8 * SEC).unwrap();
        assert!(sc.title.starts_with("Fork at 5 s"), "{}", sc.title);
        assert!(sc
            .texts()
            .iter()
            .any(|t| t.contains("switch to regulate at 5 s")));
    }

    #[test]
    fn parse_at_accepts_units_and_end() {
        assert_eq!(parse_at("2.5s"), Ok(Some(2_500_000)));
        assert_eq!(parse_at("2500ms"), Ok(Some(2_500_000)));
        assert_eq!(parse_at("2500000us"), Ok(Some(2_500_000)));
        assert_eq!(parse_at("3s"), Ok(Some(3 * SEC)));
        assert_eq!(parse_at("0s"), Ok(Some(0)));
        assert_eq!(parse_at(" end "), Ok(None));
        assert_eq!(parse_at("0.5ms"), Ok(Some(500)));
        for bad in [
            "abc",
            "3",
            "-1s",
            "1e3ms",
            "s",
            "1.5us",
            "inf s",
            "99999999s",
            "",
        ] {
            let e = parse_at(bad).unwrap_err();
            assert!(
                e.contains("accepted: a virtual time with a unit"),
                "{bad}: {e}"
            );
        }
    }
}
