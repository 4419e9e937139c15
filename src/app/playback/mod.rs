//! Playback: the one clock, controls and frame every visualisation uses.
//!
//! A visualisation never simulates on its own: it asks the engine for a trace, builds a
//! [`Timeline`] from it, and draws the frame at the playback time `pb.t`. Stepping back and
//! scrubbing are free because drawing is a pure function of (trace, t).
//!
//! # API for visualisation authors
//!
//! ```ignore
//! use crate::app::playback::{use_playback, Figure, Timeline};
//! use crate::app::hooks::use_viz_params;
//!
//! #[component]
//! pub fn Ports() -> Html {
//!     // 1. Parameters from the link (`#/chapter?ports.seed=7`); bad values become notices.
//!     let params = use_viz_params("ports");
//!     params.check_known(&["seed"]);
//!     let seed = params.get_parsed("seed", "a whole number 0..=999", |s| {
//!         s.parse::<u64>().map_err(|_| "not a whole number".to_string())
//!     }).unwrap_or(1);
//!     // 2. The trace (memoised on its inputs) and its timeline.
//!     let trace = use_memo(seed, |&seed| run_ports_scenario(seed));
//!     let timeline = Timeline::from_trace(&trace); // or Timeline::new(end_us, marks)
//!     // 3. The clock: restores `ports.t` from the link, writes it back on pause/step/seek.
//!     let pb = use_playback("ports", timeline);
//!     // 4. A live-region sentence for the time `t` (throttled by the Figure).
//!     let describe = { let trace = trace.clone(); Callback::from(move |t: u64| trace.describe_at(t)) };
//!     html! {
//!         <Figure id="ports" title="Two clients, one port" playback={pb.clone()} {describe}>
//!             <svg viewBox="0 0 600 200" class="viz">{ draw(&trace, pb.t) }</svg>
//!         </Figure>
//!     }
//! }
//! ```
//!
//! * [`Timeline`]`{ end, marks, time_scale }`: `end` in virtual µs, `marks` the sorted event times
//!   that step-next/step-prev stop at, `time_scale` virtual µs per real ms at 1× ([`Timeline::new`]
//!   picks one so a 5 s scenario plays in ~5 s and a 60 s one in ~15 s; override with
//!   [`Timeline::with_time_scale`]).
//! * **Two runs, one clock**: compute both traces, build one timeline for each and combine them
//!   with [`Timeline::merge`] (max end, merged marks); draw both panels from the same `pb.t`
//!   (`Timeline::merge(&Timeline::from_trace(&a), &Timeline::from_trace(&b))`). One `use_playback`,
//!   one `Figure`, two drawings inside it.
//! * [`use_playback`]`(id, timeline) -> `[`Playback`]: `pb.t`, `pb.playing`, `pb.speed`,
//!   `pb.timeline`, `pb.reduced_motion`, and `pb.dispatch(Action::…)` /
//!   `pb.callback(Action::…)`. The reducer is [`PlayState`] with [`Action`].
//! * [`Figure`] gives every visualisation the same frame: title, focusable SVG region (keyboard:
//!   Space play/pause, ←/→ step, Home/End), [`playback_controls`], live region, and the
//!   Copy link / Embed / Download SVG buttons. Put your `<svg>` (exactly one top-level svg) inside.
//! * Colours: use the classes/variables in `static/style.css` (`fill: var(--run)` etc., or classes
//!   `.s-run .s-wait .s-blocked .s-done .s-queue .s-danger .s-accent`); Download SVG inlines the
//!   computed styles, so exported files carry real colours.
//!
//! Animation runs on `requestAnimationFrame`, owned by an effect: pausing, unmounting or hiding the
//! tab stops it. With `prefers-reduced-motion: reduce`, Play advances one event per second instead
//! of animating; stepping and scrubbing work the same.
use std::rc::Rc;

use yew::prelude::*;

use crate::app::hooks::{use_page_visible, use_reduced_motion, use_viz_params, VizParams};
use crate::app::permalink::{format_time, parse_time, past_end_notice, viz_key, TIME_ACCEPTED};

mod controls;
mod figure;

pub use controls::{playback_controls, scrub_step, scrub_time};
pub use figure::{live_due, Figure, FigureNow, FigureProps, LIVE_MS_PER_WORD, LIVE_THROTTLE_MS};

/// The speeds offered by the speed select.
pub const SPEEDS: &[f64] = &[0.25, 0.5, 1.0, 2.0, 4.0, 8.0];

/// Real milliseconds a frame may advance at most (a long pause between frames is not a jump).
const MAX_FRAME_MS: f64 = 100.0;

/// Real milliseconds between steps when reduced motion replaces animation (at 1×).
pub const REDUCED_MOTION_STEP_MS: u32 = 1000;

/// What playback runs over: virtual time from 0 to `end`, with event marks to step between.
#[derive(Clone, Debug, PartialEq)]
pub struct Timeline {
    /// Last instant, virtual µs.
    pub end: u64,
    /// Sorted, deduplicated event times (virtual µs, each `<= end`) for step next/prev.
    pub marks: Rc<[u64]>,
    /// Virtual µs per real ms at 1× speed.
    pub time_scale: f64,
}

impl Default for Timeline {
    fn default() -> Self {
        Timeline::new(0, Vec::new())
    }
}

impl Timeline {
    /// A timeline ending at `end` µs with these event times (sorted, deduplicated and clamped
    /// here). The time scale makes playing at 1× take `clamp(end, 3 s, 15 s)` of real time.
    pub fn new(end: u64, marks: impl Into<Vec<u64>>) -> Self {
        let mut m: Vec<u64> = marks.into();
        m.iter_mut().for_each(|x| *x = (*x).min(end));
        m.sort_unstable();
        m.dedup();
        Timeline {
            end,
            marks: m.into(),
            time_scale: Self::auto_time_scale(end),
        }
    }

    /// Virtual µs per real ms such that the whole timeline plays in `clamp(end, 3 s, 15 s)`.
    pub fn auto_time_scale(end: u64) -> f64 {
        let real_ms = (end as f64 / 1000.0).clamp(3000.0, 15000.0);
        (end as f64 / real_ms).max(0.001)
    }

    /// Override the time scale (virtual µs per real ms at 1×).
    pub fn with_time_scale(mut self, us_per_ms: f64) -> Self {
        if us_per_ms.is_finite() && us_per_ms > 0.0 {
            self.time_scale = us_per_ms;
        }
        self
    }

    /// The timeline of an engine trace: its end, and every distinct event time as a mark.
    pub fn from_trace(trace: &crate::sim::Trace) -> Self {
        Timeline::new(
            trace.end,
            trace.events.iter().map(|e| e.t).collect::<Vec<_>>(),
        )
    }

    /// One clock for two runs: the later end, all marks merged, time scale for the new end.
    pub fn merge(a: &Timeline, b: &Timeline) -> Timeline {
        let mut marks: Vec<u64> = a.marks.iter().chain(b.marks.iter()).copied().collect();
        marks.sort_unstable();
        Timeline::new(a.end.max(b.end), marks)
    }

    /// The first mark strictly after `t`, or `end`.
    pub fn next_mark(&self, t: u64) -> u64 {
        let i = self.marks.partition_point(|&m| m <= t);
        self.marks
            .get(i)
            .copied()
            .unwrap_or(self.end)
            .max(t.min(self.end))
    }

    /// The last mark strictly before `t`, or 0.
    pub fn prev_mark(&self, t: u64) -> u64 {
        let i = self.marks.partition_point(|&m| m < t);
        if i == 0 {
            0
        } else {
            self.marks[i - 1]
        }
    }
}

/// Everything that changes the clock.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// Start (from 0 when at the end).
    Play,
    /// Stop where we are.
    Pause,
    /// Play if paused, pause if playing.
    Toggle,
    /// Pause and jump to the next event mark (or the end).
    StepNext,
    /// Pause and jump to the previous event mark (or 0).
    StepPrev,
    /// Pause is not implied; jump to `t` µs, clamped to `0..=end`.
    Seek(u64),
    /// Speed multiplier, clamped to 0.25..=8.
    SetSpeed(f64),
    /// Pause and go back to 0.
    Reset,
    /// Real milliseconds elapsed while playing (from the animation frame).
    Tick(f64),
    /// Advance to the next mark while staying in play (reduced-motion play).
    Advance,
    /// The visualisation rebuilt its timeline (new parameters); `t` is clamped.
    SetTimeline(Timeline),
}

/// The playback reducer's state.
#[derive(Clone, Debug, PartialEq)]
pub struct PlayState {
    /// Current virtual time, µs.
    pub t: u64,
    /// Whether the clock runs.
    pub playing: bool,
    /// Speed multiplier.
    pub speed: f64,
    /// What we play over.
    pub timeline: Timeline,
}

impl PlayState {
    /// Paused at `t` (clamped), 1×.
    pub fn new(timeline: Timeline, t: u64) -> Self {
        PlayState {
            t: t.min(timeline.end),
            playing: false,
            speed: 1.0,
            timeline,
        }
    }

    /// The pure transition (used by the reducer and tested directly).
    pub fn apply(&self, action: Action) -> PlayState {
        let mut s = self.clone();
        let end = s.timeline.end;
        match action {
            Action::Play => {
                if s.t >= end {
                    s.t = 0;
                }
                s.playing = end > 0;
            }
            Action::Pause => s.playing = false,
            Action::Toggle => {
                return if s.playing {
                    s.apply(Action::Pause)
                } else {
                    s.apply(Action::Play)
                }
            }
            Action::StepNext => {
                s.playing = false;
                s.t = s.timeline.next_mark(s.t);
            }
            Action::StepPrev => {
                s.playing = false;
                s.t = s.timeline.prev_mark(s.t);
            }
            Action::Seek(t) => s.t = t.min(end),
            Action::SetSpeed(x) => {
                s.speed = if x.is_finite() {
                    x.clamp(SPEEDS[0], SPEEDS[SPEEDS.len() - 1])
                } else {
                    1.0
                }
            }
            Action::Reset => {
                s.playing = false;
                s.t = 0;
            }
            Action::Tick(dt_ms) => {
                if s.playing && dt_ms.is_finite() && dt_ms > 0.0 {
                    let dv = dt_ms.min(MAX_FRAME_MS) * s.timeline.time_scale * s.speed;
                    s.t = (s.t as f64 + dv).min(end as f64) as u64;
                    if s.t >= end {
                        s.playing = false;
                    }
                }
            }
            Action::Advance => {
                if s.playing {
                    s.t = s.timeline.next_mark(s.t);
                    if s.t >= end {
                        s.playing = false;
                    }
                }
            }
            Action::SetTimeline(tl) => {
                s.t = s.t.min(tl.end);
                s.timeline = tl;
            }
        }
        s
    }
}

impl Reducible for PlayState {
    type Action = Action;
    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let next = self.apply(action);
        if next == *self {
            self
        } else {
            Rc::new(next)
        }
    }
}

/// A visualisation's clock, returned by [`use_playback`]; pass it to [`Figure`] /
/// [`playback_controls`] and draw at `t`.
#[derive(Clone, PartialEq)]
pub struct Playback {
    /// The visualisation id (namespace of its URL parameters, e.g. `ports.t`).
    pub id: AttrValue,
    /// Current virtual time, µs.
    pub t: u64,
    /// Whether the clock runs.
    pub playing: bool,
    /// Speed multiplier (one of [`SPEEDS`]).
    pub speed: f64,
    /// The timeline played over.
    pub timeline: Timeline,
    /// Reduced motion: Play steps one event per second instead of animating.
    pub reduced_motion: bool,
    dispatcher: UseReducerDispatcher<PlayState>,
    /// Set while the scrubber is dragged: the link is written once, on release, not on every
    /// move (Chromium stops taking `replaceState` after 200 in 10 s, so a few seconds of
    /// scrubbing left the link, and Copy link, on an old position).
    link_held: Rc<std::cell::Cell<bool>>,
    params: VizParams,
}

impl Playback {
    /// The scrubber is being dragged (or a key held): hold the link's time until
    /// [`Playback::release_link`].
    pub fn hold_link(&self) {
        self.link_held.set(true);
    }

    /// Whether the link's time is held ([`Playback::hold_link`]).
    pub fn link_held(&self) -> bool {
        self.link_held.get()
    }

    /// The scrubber (or the key) was released at `t`: write it into the link.
    pub fn release_link(&self, t: u64) {
        self.link_held.set(false);
        write_time(&self.params, t);
    }

    /// Send an action to the clock.
    pub fn dispatch(&self, action: Action) {
        self.dispatcher.dispatch(action);
    }

    /// A callback (for `onclick` and friends) that sends `action`.
    pub fn callback<E>(&self, action: Action) -> Callback<E> {
        let d = self.dispatcher.clone();
        Callback::from(move |_| d.dispatch(action.clone()))
    }

    /// Virtual end time, µs.
    pub fn end(&self) -> u64 {
        self.timeline.end
    }
}

/// The clock of visualisation `id` over `timeline`. Restores the time from the link
/// (`<id>.t=`), writes it back (replaceState) whenever the clock stops, runs the animation while
/// playing and the tab is visible.
#[hook]
pub fn use_playback(id: &str, timeline: Timeline) -> Playback {
    let params = use_viz_params(id);
    let state = {
        let params = params.clone();
        let tl = timeline.clone();
        use_reducer(move || {
            let t0 = params
                .get_parsed("t", TIME_ACCEPTED, parse_time)
                .unwrap_or(0);
            // Past the end: clamped (by `PlayState::new`), and said. A run that failed (end 0)
            // has its own message.
            if t0 > tl.end && tl.end > 0 {
                let raw = params.get("t").unwrap_or_default();
                let key = viz_key(params.viz(), "t");
                params.notice("t", past_end_notice(&key, &raw, tl.end));
            }
            PlayState::new(tl, t0)
        })
    };
    let reduced_motion = use_reduced_motion();
    let visible = use_page_visible();

    // A new timeline (new parameters) keeps the clock, clamped.
    {
        let d = state.dispatcher();
        use_effect_with(timeline, move |tl| {
            d.dispatch(Action::SetTimeline(tl.clone()))
        });
    }
    // Hiding the tab pauses.
    {
        let d = state.dispatcher();
        use_effect_with(visible, move |&visible| {
            if !visible {
                d.dispatch(Action::Pause);
            }
        });
    }
    // The animation: one owned frame handle (or interval) per playing period.
    {
        let d = state.dispatcher();
        use_effect_with(
            (state.playing, reduced_motion, state.speed),
            move |&(playing, reduced, speed)| {
                let mut frames: Option<frame_loop::FrameLoop> = None;
                let mut interval: Option<gloo_timers::callback::Interval> = None;
                if playing && reduced {
                    let ms = (REDUCED_MOTION_STEP_MS as f64 / speed).max(100.0) as u32;
                    interval = Some(gloo_timers::callback::Interval::new(ms, move || {
                        d.dispatch(Action::Advance)
                    }));
                } else if playing {
                    frames = Some(frame_loop::FrameLoop::start(move |dt| {
                        d.dispatch(Action::Tick(dt))
                    }));
                }
                move || {
                    drop(frames);
                    drop(interval);
                }
            },
        );
    }
    // The link follows the clock whenever it stops (and the scrubber is not held).
    let link_held = (*use_memo((), |_| Rc::new(std::cell::Cell::new(false)))).clone();
    {
        let params = params.clone();
        let held = link_held.clone();
        use_effect_with((state.t, state.playing), move |&(t, playing)| {
            if !playing && !held.get() {
                write_time(&params, t);
            }
        });
    }

    Playback {
        id: AttrValue::from(id.to_string()),
        t: state.t,
        playing: state.playing,
        speed: state.speed,
        timeline: state.timeline.clone(),
        reduced_motion,
        dispatcher: state.dispatcher(),
        link_held,
        params,
    }
}

/// `<id>.t` in the link: the time, or nothing at 0.
fn write_time(params: &VizParams, t: u64) {
    if t == 0 {
        params.remove("t");
    } else {
        params.set("t", &format_time(t));
    }
}

/// A requestAnimationFrame loop whose handle is owned: dropping it cancels the pending frame.
pub mod frame_loop {
    use std::cell::{Cell, RefCell};
    use std::rc::Rc;

    use gloo_render::{request_animation_frame, AnimationFrame};

    /// Calls `on_frame(dt_ms)` on every animation frame until dropped.
    pub struct FrameLoop {
        slot: Rc<RefCell<Option<AnimationFrame>>>,
    }

    impl FrameLoop {
        /// Start the loop; the first frame only records the timestamp.
        pub fn start(on_frame: impl Fn(f64) + 'static) -> Self {
            let slot = Rc::new(RefCell::new(None));
            let on_frame: Rc<dyn Fn(f64)> = Rc::new(on_frame);
            schedule(Rc::downgrade(&slot), Rc::new(Cell::new(None)), on_frame);
            FrameLoop { slot }
        }
    }

    impl Drop for FrameLoop {
        fn drop(&mut self) {
            // Dropping the handle cancels the pending frame.
            let pending = self.slot.borrow_mut().take();
            drop(pending);
        }
    }

    fn schedule(
        slot: std::rc::Weak<RefCell<Option<AnimationFrame>>>,
        last: Rc<Cell<Option<f64>>>,
        on_frame: Rc<dyn Fn(f64)>,
    ) {
        let Some(strong) = slot.upgrade() else { return };
        let weak = slot.clone();
        let frame = request_animation_frame(move |now| {
            if weak.upgrade().is_none() {
                return;
            }
            if let Some(prev) = last.replace(Some(now)) {
                on_frame(now - prev);
            }
            schedule(weak, last, on_frame);
        });
        // Replacing the finished handle is fine: its callback already ran.
        let old = strong.borrow_mut().replace(frame);
        drop(old);
    }
}
