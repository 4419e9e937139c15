//! The `coroutine` picture (chapter 6): each coroutine of a run drawn as a value (a card) with
//! its lifecycle state: created, scheduled, running, suspended (with what it awaits), resumed,
//! done; and, for one that was never awaited, the warning a real Python prints.
//!
//! Driven by the stepper stages of [`super::event_loop::stages`] (one scheduling decision at a
//! time), reading each coroutine's state from `Replay::state_after(n)`.
//! Classes used: box lane muted small bold ink s-run s-wait s-queue s-accent s-done s-danger faint.

use super::event_loop::{short, wait_words, Stage, StageKind};
use super::{Anchor, Item, Scene};
use crate::sim::{EventKind, Replay, TaskId, TaskState, TaskView, Trace, NO_TASK};

/// The lifecycle of the chapter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Life {
    /// The function was called; the body has not run.
    Created,
    /// Wrapped in a task, in the ready queue, never run yet.
    Scheduled,
    /// Its code is executing.
    Running,
    /// Paused at an await.
    Suspended,
    /// What it awaited finished: ready again, will continue after the await.
    Resumed,
    /// Returned.
    Done,
}

/// The states in the order drawn.
pub const LIFE: [Life; 6] = [
    Life::Created,
    Life::Scheduled,
    Life::Running,
    Life::Suspended,
    Life::Resumed,
    Life::Done,
];

impl Life {
    /// The word drawn.
    pub fn word(self) -> &'static str {
        match self {
            Life::Created => "created",
            Life::Scheduled => "scheduled",
            Life::Running => "running",
            Life::Suspended => "suspended",
            Life::Resumed => "resumed",
            Life::Done => "done",
        }
    }
    fn class(self) -> &'static str {
        match self {
            Life::Created => "s-done faint",
            Life::Scheduled | Life::Resumed => "s-queue faint",
            Life::Running => "s-run faint",
            Life::Suspended => "s-wait faint",
            Life::Done => "s-accent faint",
        }
    }
}

/// The lifecycle state of a task view.
pub fn life(tv: &TaskView) -> Life {
    match tv.state {
        TaskState::Created => Life::Created,
        TaskState::Ready if tv.started_running() => Life::Resumed,
        TaskState::Ready => Life::Scheduled,
        TaskState::Running => Life::Running,
        TaskState::Waiting(_) => Life::Suspended,
        TaskState::Done | TaskState::Cancelled => Life::Done,
    }
}

trait StartedRunning {
    fn started_running(&self) -> bool;
}
impl StartedRunning for TaskView {
    fn started_running(&self) -> bool {
        self.started
    }
}

/// The warning Python prints for a coroutine object that was never awaited.
pub fn never_awaited_warning(name: &str) -> String {
    format!(
        "RuntimeWarning: coroutine '{}' was never awaited",
        name.trim_end_matches("()")
    )
}

/// The sentence for one step of this picture: the event-loop chapter's ([`super::event_loop::
/// describe`]), except where these examples differ. They start from a script, so no task exists
/// at the start; and in "never awaited" no event loop ever runs (nothing calls `asyncio.run`):
/// the script's lines run and the program ends, which the loop's wording would misstate.
pub fn describe(tr: &Trace, s: Stage, replay: &Replay) -> String {
    let at = super::fmt_secs(s.t);
    let never: Vec<TaskId> = tr
        .events
        .iter()
        .filter(|e| e.kind == EventKind::NeverAwaited)
        .map(|e| e.task)
        .collect();
    let no_loop = !never.is_empty()
        && !tr
            .events
            .iter()
            .any(|e| matches!(e.kind, EventKind::Suspended { .. }));
    let names: Vec<String> = never.iter().map(|&x| short(tr, x)).collect();
    match s.kind {
        StageKind::Start => format!("{at}: the program starts; nothing has run yet."),
        StageKind::Pick(_) if no_loop => {
            format!("{at}: the script runs, line after line, as any Python program does.")
        }
        StageKind::Run(_) if no_loop => format!(
            "{at}: calling {}() only made a coroutine object, and nothing calls asyncio.run: no event loop runs.",
            names.join("(), ")
        ),
        StageKind::Finish(x) if no_loop && tr.tasks[x as usize].parent == NO_TASK => {
            format!("{at}: the script's last line has run.")
        }
        StageKind::End if no_loop => {
            format!(
                "{at}: the program ends. No event loop ran, so the body of {} never started: Python warns that it was never awaited.",
                names.join(", ")
            )
        }
        _ => super::event_loop::describe(tr, s, replay),
    }
}

/// Width of the narrow (phone) variant of [`layout_for`].
pub const NARROW_W: f32 = 340.0;

/// Draw the coroutines (every entity but the root `main`) at stage `s`, wide (720).
pub fn layout(tr: &Trace, replay: &Replay, s: Stage) -> Scene {
    layout_for(tr, replay, s, None, 720.0)
}

/// Draw the coroutines at stage `s` for a figure about `width` px wide (below 500: a
/// [`NARROW_W`]-wide picture, the lifecycle strip on two rows). `focus` is the coroutine whose
/// line the code panel marks: its card gets a highlighted border and "line N · marked in the
/// code"; every card shows its own line.
pub fn layout_for(
    tr: &Trace,
    replay: &Replay,
    s: Stage,
    focus: Option<TaskId>,
    width: f32,
) -> Scene {
    let narrow = width < 500.0;
    let snap = replay.state_after(s.n);
    let w = if narrow { NARROW_W } else { 720.0 };
    let mut items = Vec::new();
    let never: Vec<TaskId> = tr.events[..s.n as usize]
        .iter()
        .filter(|e| e.kind == EventKind::NeverAwaited)
        .map(|e| e.task)
        .collect();
    // The decision this step is, on top: every step changes the picture, `main`'s steps (it
    // has no card) included. Room for the longest sentence is kept, so the cards do not jump.
    let (chars, room) = if narrow { (50, 4) } else { (108, 2) };
    let caption = super::load::wrap(&describe(tr, s, replay), chars);
    for (i, l) in caption.iter().enumerate() {
        items.push(Item::Text {
            x: 8.0,
            y: 18.0 + i as f32 * 16.0,
            text: l.clone(),
            class: "stage-caption",
            anchor: Anchor::Start,
        });
    }
    let mut y = 8.0 + caption.len().max(room) as f32 * 16.0;
    let cards: Vec<&TaskView> = snap
        .tasks
        .iter()
        .filter(|tv| tr.tasks[tv.id as usize].parent != NO_TASK)
        .collect();
    if cards.is_empty() {
        let msg = "No coroutine object exists yet: nothing has called the async function.";
        let lines = if narrow {
            super::load::wrap(msg, 48)
        } else {
            vec![msg.to_string()]
        };
        for (i, l) in lines.iter().enumerate() {
            items.push(Item::Text {
                x: 8.0,
                y: y + 20.0 + i as f32 * 16.0,
                text: l.clone(),
                class: "muted",
                anchor: Anchor::Start,
            });
        }
        y += 20.0 + lines.len() as f32 * 16.0;
    }
    // Geometry: (strip x, strip y offset, pill width, pills per row, detail y offset, card height).
    let (sx, sy, pw, per_row, dy, ch) = if narrow {
        (20.0, 46.0, 96.0, 3usize, 112.0, 136.0)
    } else {
        (200.0, 8.0, 79.0, 6usize, 52.0, 70.0)
    };
    for tv in cards {
        let name = tr.task_name(tv.id).to_string();
        let cur = life(tv);
        let focused = focus == Some(tv.id);
        let mut c = vec![
            Item::Rect {
                x: 8.0,
                y,
                w: w - 16.0,
                h: ch,
                rx: 8.0,
                class: "box",
                tip: None,
            },
            Item::Text {
                x: 20.0,
                y: y + 22.0,
                text: name.clone(),
                class: "bold ink",
                anchor: Anchor::Start,
            },
            Item::Text {
                x: 20.0,
                y: y + 38.0,
                text: if tr.tasks[tv.id as usize].kind == crate::sim::TaskKind::Task {
                    "coroutine, driven as a task".into()
                } else {
                    "coroutine object".into()
                },
                class: "small muted",
                anchor: Anchor::Start,
            },
        ];
        if focused {
            c.push(Item::Rect {
                x: 9.0,
                y: y + 1.0,
                w: w - 18.0,
                h: ch - 2.0,
                rx: 7.0,
                class: "outline now",
                tip: None,
            });
        }
        if let Some(l) = tv.line {
            // Each card's own line; the focused one is the line the code panel marks.
            let (lx, ly, anchor) = if narrow {
                (w - 20.0, y + 22.0, Anchor::End)
            } else {
                (20.0, y + 58.0, Anchor::Start)
            };
            c.push(Item::Text {
                x: lx,
                y: ly,
                text: if focused {
                    format!("line {l} · marked in the code")
                } else {
                    format!("line {l}")
                },
                class: if focused { "small bold" } else { "small muted" },
                anchor,
            });
        }
        // The lifecycle strip.
        for (k, l) in LIFE.iter().enumerate() {
            let px = sx + (k % per_row) as f32 * (pw + 6.0);
            let py = y + sy + (k / per_row) as f32 * 26.0;
            let on = *l == cur;
            c.push(Item::Rect {
                x: px,
                y: py,
                w: pw,
                h: 22.0,
                rx: 11.0,
                class: if on { l.class() } else { "lane" },
                tip: None,
            });
            c.push(Item::Text {
                x: px + pw / 2.0,
                y: py + 15.0,
                text: l.word().into(),
                class: if on { "bold ink" } else { "small muted" },
                anchor: Anchor::Middle,
            });
        }
        // What it is doing.
        let deadline = snap
            .timers
            .iter()
            .find(|tm| tm.task == tv.id)
            .map(|tm| tm.deadline);
        let line = tv.line.map(|l| format!(" at line {l}")).unwrap_or_default();
        let detail = match tv.state {
            TaskState::Created if never.contains(&tv.id) => {
                "thrown away without ever running".to_string()
            }
            TaskState::Created => {
                "calling the function ran nothing: the body has not started".into()
            }
            TaskState::Ready if tv.started => {
                format!("what it awaited is done: ready to continue{line}")
            }
            TaskState::Ready => "in the ready queue: waiting for its first turn".into(),
            TaskState::Running => format!("running{line}"),
            TaskState::Waiting(wt) => {
                format!("suspended{line}, awaiting {}", wait_words(tr, wt, deadline))
            }
            TaskState::Done => "returned".into(),
            TaskState::Cancelled => "cancelled".into(),
        };
        let lines = if narrow {
            super::load::wrap(&detail, 48)
        } else {
            vec![detail]
        };
        for (i, l) in lines.into_iter().take(2).enumerate() {
            c.push(Item::Text {
                x: if narrow { 20.0 } else { 200.0 },
                y: y + dy + i as f32 * 16.0,
                text: l,
                class: "ink",
                anchor: Anchor::Start,
            });
        }
        items.push(Item::Group {
            class: "coro-card",
            label: Some(format!("{}: {}", short(tr, tv.id), cur.word())),
            key: None,
            items: c,
        });
        y += ch + 8.0;
        if never.contains(&tv.id) {
            let warn = never_awaited_warning(&name);
            let lines = if narrow {
                super::load::wrap(&warn, 44)
            } else {
                vec![warn]
            };
            for l in lines {
                items.push(Item::Text {
                    x: 12.0,
                    y: y + 10.0,
                    text: l,
                    class: "bold s-danger warning",
                    anchor: Anchor::Start,
                });
                y += 18.0;
            }
            y += 6.0;
        }
    }
    let mut sc = Scene::new(w, y + 4.0, "Coroutines and their states");
    sc.items = items;
    sc
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::figure::event_loop::{stages, StageKind};
    use crate::scenario::programs::queries::{say_hello, tasks_gather, wait_and_print, Query};

    fn words_at(tr: &Trace, s: Stage) -> Vec<String> {
        let rp = Replay::new(tr);
        let sc = layout(tr, &rp, s);
        sc.items
            .iter()
            .filter_map(|i| match i {
                Item::Group { label: Some(l), .. } => Some(l.clone()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn every_step_says_its_decision_in_the_room_kept_for_it() {
        let q = |n: &str, s: u64| Query {
            name: n.into(),
            seconds: s as f64,
            blocking: false,
        };
        let runs = [
            say_hello(false),
            say_hello(true),
            wait_and_print(),
            tasks_gather(&[q("A", 2), q("B", 3)]).unwrap(),
        ];
        for tr in &runs {
            let rp = Replay::new(tr);
            let st = stages(tr);
            let mut seen = Vec::new();
            for s in &st {
                for (width, room) in [(720.0, 2), (340.0, 4)] {
                    let sc = layout_for(tr, &rp, *s, None, width);
                    let caption: Vec<&str> = sc
                        .items
                        .iter()
                        .filter_map(|i| match i {
                            Item::Text {
                                text,
                                class: "stage-caption",
                                ..
                            } => Some(text.as_str()),
                            _ => None,
                        })
                        .collect();
                    assert!(
                        !caption.is_empty() && caption.len() <= room,
                        "{caption:?} at {width}"
                    );
                    assert_eq!(caption.join(" "), describe(tr, *s, &rp));
                    crate::figure::load::assert_texts_fit(&sc);
                    crate::figure::overlap::assert_no_overlaps("coroutine", &sc);
                    if width == 720.0 {
                        seen.push(caption.join(" "));
                    }
                }
            }
            // Consecutive steps never look the same.
            for w in seen.windows(2) {
                assert_ne!(w[0], w[1]);
            }
        }
    }

    #[test]
    fn say_hello_created_then_warned() {
        let tr = say_hello(false);
        let st = stages(&tr);
        let run = st
            .iter()
            .find(|s| matches!(s.kind, StageKind::Run(_)))
            .unwrap();
        assert_eq!(words_at(&tr, *run), ["say_hello: created"]);
        let rp = Replay::new(&tr);
        let sc = layout(&tr, &rp, *st.last().unwrap());
        assert!(sc
            .texts()
            .contains(&"RuntimeWarning: coroutine 'say_hello' was never awaited"));
        // Run with asyncio.run: it ends done, no warning.
        let tr = say_hello(true);
        let st = stages(&tr);
        let sc = layout(&tr, &Replay::new(&tr), *st.last().unwrap());
        assert!(!sc.texts().iter().any(|t| t.contains("RuntimeWarning")));
        assert_eq!(words_at(&tr, *st.last().unwrap()), ["say_hello: done"]);
    }

    #[test]
    fn wait_and_print_suspends_on_its_timer() {
        let tr = wait_and_print();
        let st = stages(&tr);
        let park = st
            .iter()
            .find(|s| matches!(s.kind, StageKind::Park(x, _) if short(&tr, x) == "wait_and_print"))
            .unwrap();
        assert_eq!(words_at(&tr, *park), ["wait_and_print: suspended"]);
        let sc = layout(&tr, &Replay::new(&tr), *park);
        assert!(sc
            .texts()
            .iter()
            .any(|t| t.contains("line 5") && t.contains("due at 2 s")));
    }

    #[test]
    fn focus_card_is_outlined_and_every_card_shows_its_own_line() {
        let tr = tasks_gather(&[Query::new("A", 2.0), Query::new("B", 3.0)]).unwrap();
        let rp = Replay::new(&tr);
        let st = stages(&tr);
        // Both parked at line 5 (B parked last): B focused, A still shows its own line 5.
        let park_b = st
            .iter()
            .find(|s| matches!(s.kind, StageKind::Park(x, _) if short(&tr, x) == "B"))
            .unwrap();
        let StageKind::Park(b, _) = park_b.kind else {
            unreachable!()
        };
        for width in [720.0, 375.0] {
            let sc = layout_for(&tr, &rp, *park_b, Some(b), width);
            let t = sc.texts();
            assert_eq!(
                t.iter()
                    .filter(|x| **x == "line 5 · marked in the code")
                    .count(),
                1,
                "{t:?}"
            );
            assert_eq!(t.iter().filter(|x| **x == "line 5").count(), 1, "{t:?}");
            fn outlined(items: &[Item]) -> usize {
                items
                    .iter()
                    .map(|i| match i {
                        Item::Rect { class, .. } if *class == "outline now" => 1,
                        Item::Group { items, .. } => outlined(items),
                        _ => 0,
                    })
                    .sum()
            }
            assert_eq!(outlined(&sc.items), 1);
        }
    }

    #[test]
    fn narrow_cards_fit_340_units_and_keep_the_warning() {
        let tr = say_hello(false);
        let rp = Replay::new(&tr);
        let st = stages(&tr);
        let sc = layout_for(&tr, &rp, *st.last().unwrap(), None, 375.0);
        assert_eq!(sc.width, NARROW_W);
        let all = sc.texts().join(" ");
        assert!(
            all.contains("RuntimeWarning: coroutine 'say_hello' was never awaited"),
            "{all}"
        );
        for t in sc.texts() {
            assert!(
                t.chars().count() <= 50,
                "{t:?} is too long for the narrow card"
            );
        }
        // The strip wraps onto two rows: the six words are all there.
        for l in LIFE {
            assert!(sc.texts().contains(&l.word()));
        }
    }

    #[test]
    fn gather_only_one_runs_and_both_suspend() {
        let tr = tasks_gather(&[Query::new("A", 2.0), Query::new("B", 3.0)]).unwrap();
        let st = stages(&tr);
        for s in &st {
            let w = words_at(&tr, *s);
            assert!(w.iter().filter(|x| x.ends_with("running")).count() <= 1);
        }
        let idle = st
            .iter()
            .find(|s| matches!(s.kind, StageKind::Idle(_)))
            .unwrap();
        assert_eq!(words_at(&tr, *idle), ["A: suspended", "B: suspended"]);
        let due = st.iter().find(|s| s.kind == StageKind::Due).unwrap();
        assert_eq!(words_at(&tr, *due), ["A: resumed", "B: suspended"]);
    }
}
