//! Visualisation `backpressure` (chapter 9): what happens without backpressure. Two parts, chosen
//! with `backpressure.part` (`buffer` or `storm`):
//!
//! * **buffer**: `unbounded_queue.py` — a producer at 1,000 items/s, a consumer at 100 items/s,
//!   an unbounded queue charging 1 KB per item; the memory meter climbs to the (scaled-down)
//!   4 MB limit and the run ends in a recorded out-of-memory crash.
//! * **storm**: the retry storm, naive retries and the fix side by side on the same traffic.
//!
//! Wiring only: `scenario::programs::{flow, retry}` (memoised; the same programs as the
//! `unbounded_buffer` and `retry_storm` scenario files) → `figure::pipeline` / `figure::storm` at `pb.t`.
use std::rc::Rc;

use yew::prelude::*;

use crate::app::content::CodePanel;
use crate::app::hooks::use_viz_params;
use crate::app::playback::{use_playback, Figure, Timeline};
use crate::app::viz::thread_pool::use_column_width;
use crate::app::viz::SceneView;
use crate::decimal::fixed;
use crate::figure::fmt_secs;
use crate::figure::pipeline::{lab_scene_for, LabData};
use crate::figure::storm::{storm_scene_for, StormData};
use crate::scenario::programs::flow::{unbounded_buffer, BufferParams};
use crate::scenario::programs::retry::{retry_storm, RetryFix, RetryParams};
use crate::scenario::secs;
use crate::sim::{Time, MS, SEC};

/// Which part is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part {
    /// The unbounded buffer.
    Buffer,
    /// The retry storm.
    Storm,
}

/// The unbounded-buffer run of chapter 9 (the `unbounded_buffer` defaults).
pub fn buffer_params() -> BufferParams {
    BufferParams::default()
}

fn marks_every(end: Time, step: Time) -> Timeline {
    Timeline::new(end, (1..=end / step).map(|k| k * step).collect::<Vec<_>>())
}

/// The `backpressure` visualisation.
#[component]
pub fn Backpressure() -> Html {
    let params = use_viz_params("backpressure");
    params.check_known(&["part"]);
    let part = {
        let params = params.clone();
        use_state(move || {
            match params.get_parsed("part", "buffer, storm", |v| match v {
                "buffer" => Ok(Part::Buffer),
                "storm" => Ok(Part::Storm),
                _ => Err(format!("\"{v}\" is not a part")),
            }) {
                Some(p) => p,
                None => Part::Buffer,
            }
        })
    };
    // Each part is simulated the first time it is shown, then kept: the retry storm's two runs
    // (230,000 events) would otherwise lengthen the page's first task for a part nobody opened.
    let shown = use_mut_ref(|| (false, false));
    {
        let mut s = shown.borrow_mut();
        match *part {
            Part::Buffer => s.0 = true,
            Part::Storm => s.1 = true,
        }
    }
    let (buffer_shown, storm_shown) = *shown.borrow();
    let buffer = use_memo(buffer_shown, |&shown| {
        shown.then(|| {
            let p = buffer_params();
            p.validate()
                .map(|()| unbounded_buffer(&p))
                .map(|tr| (LabData::new(&tr), tr.end))
                .map_err(|e| e.to_string())
        })
    });
    let storm = use_memo(storm_shown, |&shown| {
        shown.then(|| {
            let p = RetryParams::default();
            let naive = retry_storm(&p);
            let fixed = retry_storm(&RetryParams {
                fix: RetryFix::All,
                ..p.clone()
            });
            let end = naive.end.max(fixed.end);
            (
                StormData::new(&naive),
                StormData::new(&fixed),
                end,
                secs(p.surge_to_s),
            )
        })
    });
    let timeline = match (*part, &*buffer, &*storm) {
        (Part::Buffer, Some(Ok((_, end))), _) => marks_every(*end, 100 * MS),
        (Part::Storm, _, Some(s)) => marks_every(s.2, 500 * MS),
        _ => Timeline::default(),
    };
    let pb = use_playback("backpressure", timeline);
    let t = pb.t;
    let pick = |p: Part| {
        let (part, params) = (part.clone(), params.clone());
        Callback::from(move |_: MouseEvent| {
            match p {
                Part::Buffer => params.remove("part"),
                Part::Storm => params.set("part", "storm"),
            }
            part.set(p);
        })
    };
    let (wrapper, width) = use_column_width();
    let narrow = width < crate::figure::pipeline::ONE_COLUMN_BELOW;
    // (A part's `None` cannot happen: the part shown has been simulated above.)
    let (scene, text, code, line): (Option<Rc<crate::figure::Scene>>, String, &str, Option<u32>) =
        match *part {
            Part::Buffer => match (*buffer).as_ref() {
                None => (None, String::new(), "unbounded_queue.py", None),
                Some(Ok((d, _))) => {
                    let oom = d.oom.is_some_and(|o| o <= t);
                    (
                        Some(Rc::new(lab_scene_for(
                            d,
                            t,
                            "No backpressure: producer 1000/s, consumer 100/s, no bound",
                            width,
                        ))),
                        if oom {
                            format!("{}: out of memory, the run crashed.", fmt_secs(t))
                        } else {
                            format!(
                                "{}: {} items queued.",
                                fmt_secs(t),
                                crate::decimal::short(d.depth.at(t), 2)
                            )
                        },
                        "unbounded_queue.py",
                        Some(9),
                    )
                }
                Some(Err(e)) => (None, e.clone(), "unbounded_queue.py", None),
            },
            Part::Storm => match &*storm {
                None => (None, String::new(), "naive_retry.py", None),
                Some((n, f, _, drop_at)) => {
                    let (gn, on) = (n.goodput.at(t), n.offered.at(t));
                    let (gf, of) = (f.goodput.at(t), f.offered.at(t));
                    (
                        Some(Rc::new(storm_scene_for(n, f, t, *drop_at, width))),
                        format!(
                            "{}: naive retries offer {} requests/s for a goodput of {}/s; the fix offers {}/s for {}/s.",
                            fmt_secs(t), fixed(on, 0), fixed(gn, 0), fixed(of, 0), fixed(gf, 0)
                        ),
                        if t < 4 * SEC { "naive_retry.py" } else { "retry_backoff.py" },
                        None,
                    )
                }
            },
        };
    let describe = Callback::from(move |_t: u64| text.clone());
    let is = |p: Part| (*part == p).to_string();
    html! {
        <Figure id="backpressure" title="No backpressure: unbounded buffers and retry storms" playback={pb.clone()} {describe}>
            <div class="bp-parts" role="group" aria-label="Part" style="display:flex;gap:0.5rem;margin:0.4rem 0">
                <button type="button" class="bp-part-buffer" aria-pressed={is(Part::Buffer)} onclick={pick(Part::Buffer)}>{ "1. Unbounded buffer" }</button>
                <button type="button" class="bp-part-storm" aria-pressed={is(Part::Storm)} onclick={pick(Part::Storm)}>{ "2. Retry storm and the fix" }</button>
            </div>
            <div ref={wrapper} class="lab-viz" data-narrow={narrow.to_string()}>
                if let Some(scene) = scene {
                    <SceneView {scene} />
                }
            </div>
            if *part == Part::Buffer {
                <p class="figure-note muted">{ "Memory is scaled down (1 KB per item, a 4 MB limit) so the crash comes within seconds; with gigabytes it comes later, the same way." }</p>
                <CodePanel id={code} active_line={line} />
            } else {
                <p class="figure-note muted">{ "Same traffic on both sides: 120 calls/s for 12 s, then 80/s (below B's 100/s). Naive retries: naive_retry.py. The fix: retry_backoff.py plus a bounded queue in B. Each side's charts have their own vertical scale (the storm reaches thousands a second, the fix stays in the hundreds): read the axis labels, and compare each line with B's capacity." }</p>
            }
        </Figure>
    }
}
