//! Visualisation `readiness` (chapter 3): register interest → notification → callback, drawn from
//! a `select()` run of the two-port server (`figure::readiness`), with `event_callbacks.py`
//! marked beside it.
use std::rc::Rc;

use yew::prelude::*;

use crate::app::content::CodePanel;
use crate::app::hooks::use_viz_params;
use crate::app::playback::{use_playback, Figure, Timeline};
use crate::app::viz::ports::use_room;
use crate::app::viz::SceneView;
use crate::figure::ports::SideRun;
use crate::figure::readiness::{code_line, describe, layout_for};
use crate::scenario::programs::ports::{readiness_script, run_select};

/// The `readiness` visualisation.
#[component]
pub fn Readiness() -> Html {
    use_viz_params("readiness").check_known(&[]);
    let run = use_memo((), |_| {
        let tr = run_select(&readiness_script());
        (SideRun::from_trace(&tr), Timeline::from_trace(&tr))
    });
    let pb = use_playback("readiness", run.1.clone());
    // A phone gets the stacked picture, so its text stays readable (>= 10 px).
    let (wrapper, room) = use_room();
    let scene = Rc::new(layout_for(&run.0, pb.t, room as f32));
    let line = code_line(&run.0, pb.t);
    let describe_cb = {
        let run = run.clone();
        Callback::from(move |t: u64| describe(&run.0, t))
    };
    let caption = html! {
        <p class="figure-note">
            { "Clients arrive on 9001 at 0.5 s, on 9002 at 1.8 s, on both at 3 s and on 9002 at 5.2 s. Step through: a callback only ever runs for a socket the system just reported ready." }
        </p>
    };
    html! {
        <div class="viz-wide readiness-viz" ref={wrapper}>
            <Figure id="readiness" title="Register interest, get notified, run the callback" playback={pb.clone()} describe={describe_cb} {caption}>
                <SceneView {scene} />
                <CodePanel id="event_callbacks.py" active_line={Some(line)} label={AttrValue::from("event_callbacks.py: the same server, written as events")} />
            </Figure>
        </div>
    }
}
