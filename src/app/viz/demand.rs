//! Visualisation `demand` (chapter 10): Reactor's `flatMap(call, n)` as `request(n)` credits.
//! Wiring only: `demand.n` (link) / the slider → `scenario::programs::credits` (memoised; the same program as
//! `credits_pipeline` scenario files) →
//! `figure::pipeline::DemandData` → `demand_scene_for` (the column width) at `pb.t`, with flux_flatmap.java marked.
use std::rc::Rc;

use yew::prelude::*;

use crate::app::content::{CodeEdit, CodePanel};
use crate::app::hooks::{refusal, typed_or, use_viz_params};
use crate::app::playback::{use_playback, Figure, Timeline};
use crate::app::viz::thread_pool::use_column_width;
use crate::app::viz::SceneView;
use crate::figure::fmt_secs;
use crate::figure::pipeline::{demand_line, demand_scene_for, DemandData};
use crate::scenario::programs::credits::{
    credits_pipeline, parse_n, CreditsParams, SLIDER_RANGE as CONCURRENCY_RANGE,
};

/// The `demand` visualisation.
#[component]
pub fn Demand() -> Html {
    let params = use_viz_params("demand");
    params.check_known(&["n"]);
    let accepted = format!(
        "a whole number from {} to {}",
        CONCURRENCY_RANGE.0, CONCURRENCY_RANGE.1
    );
    let n = {
        let (params, accepted) = (params.clone(), accepted.clone());
        use_state(move || params.get_parsed("n", &accepted, parse_n).unwrap_or(8))
    };
    let error = use_state(|| None::<String>);
    let data = use_memo(*n, |&n| {
        let p = CreditsParams {
            concurrency: n,
            ..CreditsParams::default()
        };
        p.validate()
            .map_err(|e| e.to_string())
            .map(|()| credits_pipeline(&p))
            .map(|tr| {
                (
                    Timeline::from_trace(&tr),
                    DemandData::new(&tr, p.items, p.workers),
                )
            })
    });
    let timeline = match &*data {
        Ok((tl, _)) => tl.clone(),
        Err(_) => Timeline::default(),
    };
    let pb = use_playback("demand", timeline);
    let t = pb.t;
    let on_n = {
        let (n, params, error) = (n.clone(), params.clone(), error.clone());
        Callback::from(move |e: Event| {
            let Some(input) = e.target_dyn_into::<web_sys::HtmlInputElement>() else {
                return;
            };
            match parse_n(&input.value()) {
                Ok(v) => {
                    if v == 8 {
                        params.remove("n")
                    } else {
                        params.set("n", &v.to_string())
                    }
                    error.set(None);
                    n.set(v);
                }
                Err(msg) => error.set(Some(format!("Not changed: {}.", refusal(&msg, &accepted)))),
            }
        })
    };
    let (wrapper, width) = use_column_width();
    let (scene, line, text) = match &*data {
        Ok((_, d)) => (
            Some(Rc::new(demand_scene_for(d, t, width))),
            demand_line(d, t),
            format!(
                "{}: {} calls in flight of at most {}.",
                fmt_secs(t),
                crate::decimal::short(d.inflight.at(t), 2),
                d.n
            ),
        ),
        Err(e) => (None, None, e.clone()),
    };
    let describe = Callback::from(move |_t: u64| text.clone());
    html! {
        <Figure id="demand" title="Demand: request(n) credits bound the work in flight" playback={pb.clone()} {describe}>
            <div class="demand-controls" style="display:flex;flex-wrap:wrap;gap:0.4rem 0.8rem;align-items:center;margin:0.4rem 0">
                <label style="display:inline-flex;gap:0.4rem;align-items:center">
                    { format!("concurrency n = {}", *n) }
                    // Named without the value the label shows (read out after the name).
                    <input type="range" class="demand-n" aria-label="concurrency n" min="1" max={CONCURRENCY_RANGE.1.to_string()} step="1"
                        value={n.to_string()} onchange={on_n.clone()}
                        // A swipe that scrolls the page: the value from before comes back, and
                        // the `change` that follows carries it.
                        onpointerdown={|e: PointerEvent| crate::app::hooks::touch_down(&e)}
                        onpointerup={|e: PointerEvent| crate::app::hooks::touch_up(&e)}
                        onpointercancel={|e: PointerEvent| { crate::app::hooks::touch_cancelled(&e); }} />
                </label>
                <input type="number" id="demand-n-box" class="demand-n-box" aria-label="concurrency" min="1" max={CONCURRENCY_RANGE.1.to_string()}
                    value={typed_or("demand-n-box", n.to_string())} onchange={on_n} style="width:4em" />
                <span class="muted">{ "60 items · the service has 4 workers, ~200 ms per call" }</span>
            </div>
            if let Some(msg) = (*error).clone() {
                <p class="demand-error notice" role="alert">{ msg }</p>
            }
            <div ref={wrapper} class="demand-viz">
                if let Some(scene) = scene {
                    <SceneView {scene} />
                }
            </div>
            <CodePanel id="flux_flatmap.java" active_line={line} edits={code_edits(*n)} />
        </Figure>
    }
}

/// flux_flatmap.java with the learner's concurrency: the argument and the two comments that
/// say it (lines 12 and 19).
fn code_edits(n: u32) -> Vec<CodeEdit> {
    let (items, calls) = if n == 1 {
        ("1 item".to_string(), "1 call".to_string())
    } else {
        (format!("{n} items"), format!("{n} calls"))
    };
    vec![
        CodeEdit::text(12, "for 8 items", &format!("for {items}")),
        CodeEdit::num(19, "8", &n.to_string()),
        CodeEdit::text(19, "at most 8 calls", &format!("at most {calls}")),
    ]
}
