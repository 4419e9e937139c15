//! `<Figure>`: the frame every visualisation shares (title, focusable SVG region, controls,
//! live region, Copy link / Embed / Download SVG).
use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::{playback_controls, Action, Playback};
use crate::app::{embed, export, hooks};

/// Properties of [`Figure`].
#[derive(Properties, PartialEq)]
pub struct FigureProps {
    /// The visualisation id (as in `viz::ALL`); used for links, embed and file names.
    pub id: AttrValue,
    /// Caption / title shown above the picture.
    pub title: AttrValue,
    /// The clock (from `use_playback`).
    pub playback: Playback,
    /// One sentence describing the state at virtual time `t`, for screen readers (throttled
    /// while playing, see [`live_due`]; immediate when stepping).
    #[prop_or_default]
    pub describe: Option<Callback<u64, String>>,
    /// Optional text under the picture (legend, hint).
    #[prop_or_default]
    pub caption: Html,
    /// The picture: one `<svg>` (plus any HTML such as a code panel).
    #[prop_or_default]
    pub children: Html,
    /// Draw the time bar (play, scrub, speed). `false` for a run that takes no virtual time,
    /// which has no clock to play: the figure's own stepper and keys move through it.
    #[prop_or(true)]
    pub controls: bool,
    /// What the arrow keys step between, as the picture's name says it: "events" (the clock's),
    /// or "decisions" where the picture steps the scheduler's decisions itself (several may
    /// share one time).
    #[prop_or(AttrValue::Static("events"))]
    pub steps: AttrValue,
}

/// The figure's sentence for the current time (its `describe`), given to the pictures inside:
/// an image adds it to its name.
#[derive(Clone, PartialEq)]
pub struct FigureNow(pub Option<AttrValue>);

/// Minimum real milliseconds between two live-region messages while playing.
pub const LIVE_THROTTLE_MS: f64 = 1000.0;

/// Real milliseconds a screen reader takes per word, at about 240 words a minute.
pub const LIVE_MS_PER_WORD: f64 = 250.0;

/// Whether the live region should say `text` now (pure; tested). `last` is the last sentence
/// said and `since` the real milliseconds since. Paused or stepping, every new sentence is said
/// at once. While playing, the next one waits until `last` has had time to be read (and at
/// least [`LIVE_THROTTLE_MS`]): one sentence a second would queue up faster than it is spoken,
/// and the reader would still be saying 3 s when the picture is at 12 s.
pub fn live_due(last: &str, since: f64, text: &str, playing: bool) -> bool {
    if text.is_empty() || text == last {
        return false;
    }
    let reading = last.split_whitespace().count() as f64 * LIVE_MS_PER_WORD;
    !playing || since >= reading.max(LIVE_THROTTLE_MS)
}

/// Map a key in the figure region to a playback action (pure; tested).
pub fn key_action(key: &str, end: u64) -> Option<Action> {
    match key {
        " " | "Spacebar" | "k" => Some(Action::Toggle),
        "ArrowRight" | "l" => Some(Action::StepNext),
        "ArrowLeft" | "j" => Some(Action::StepPrev),
        "Home" => Some(Action::Seek(0)),
        "End" => Some(Action::Seek(end)),
        _ => None,
    }
}

/// What the share bar is showing.
#[derive(Clone, PartialEq)]
enum Share {
    Nothing,
    /// Status message after an action ("Link copied.").
    Status(String),
    /// The link in a selectable field because the clipboard was refused.
    ManualCopy(String),
    /// The embed snippet.
    Embed(String),
    /// A file handed to the browser to save. A page cannot know whether it was saved: inside a
    /// frame whose page forbids downloads nothing happens, so `open` is then this picture's own
    /// address, to open outside the frame.
    Download {
        name: String,
        open: Option<String>,
    },
}

/// The common frame of every visualisation.
#[component]
pub fn Figure(props: &FigureProps) -> Html {
    let pb = &props.playback;
    let region = use_node_ref();
    let share = use_state(|| Share::Nothing);
    let announced = use_state(String::new);
    let last_announce = use_mut_ref(|| (f64::NEG_INFINITY, String::new()));
    // The read-only field of the share panel (link or embed code): focused with its text
    // selected whenever it shows something new, ready for Ctrl+C.
    let field = use_node_ref();
    // "Copy embed code" goes with the panel once pressed: its focus returns to Embed.
    let embed_button = use_node_ref();
    hooks::use_refocus(embed_button.clone(), (*share).clone());
    {
        let field = field.clone();
        use_effect_with((*share).clone(), move |_| {
            if let Some(el) = field.cast::<web_sys::HtmlTextAreaElement>() {
                let _ = el.focus();
                el.select();
            } else if let Some(el) = field.cast::<web_sys::HtmlInputElement>() {
                let _ = el.focus();
                el.select();
            }
        });
    }

    let now = props.describe.as_ref().map(|d| d.emit(pb.t));
    // Live region: describe the current time, throttled while playing. The sentence is part of
    // the dependencies, so a change that is not a time change (a preset, a new setting) is said too.
    {
        let announced = announced.clone();
        let last: Rc<RefCell<(f64, String)>> = last_announce.clone();
        use_effect_with(
            (pb.t, pb.playing, now.clone()),
            move |(_, playing, text)| {
                if let Some(text) = text.clone() {
                    let now = js_sys::Date::now();
                    let mut last = last.borrow_mut();
                    if live_due(&last.1, now - last.0, &text, *playing) {
                        *last = (now, text.clone());
                        announced.set(text);
                    }
                }
            },
        );
    }

    let onkeydown = {
        let pb = pb.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.ctrl_key() || e.meta_key() || e.alt_key() || e.default_prevented() {
                return;
            }
            // Keys typed into a control inside the picture (a slider, a number box, a button)
            // are that control's: an arrow on the threads slider changes the threads, not the
            // clock, and space on a button presses it. The picture's own sliders (a query bar's
            // end) are controls too: space there must not start the playback. So is a code panel
            // in the picture: its arrow keys scroll it (its lines are longer than a phone).
            let in_control = e
                .target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                .is_some_and(|el| {
                    matches!(
                        el.tag_name().as_str(),
                        "INPUT" | "SELECT" | "TEXTAREA" | "BUTTON" | "PRE"
                    ) || el.get_attribute("role").as_deref() == Some("slider")
                });
            if in_control {
                return;
            }
            if let Some(a) = key_action(&e.key(), pb.end()) {
                e.prevent_default();
                // A held key steps many times a second: the link follows on key-up.
                if e.repeat() {
                    pb.hold_link();
                }
                pb.dispatch(a);
            }
        })
    };
    let release = {
        let pb = pb.clone();
        move || {
            if pb.link_held() {
                pb.release_link(pb.t);
            }
        }
    };
    let onkeyup = {
        let release = release.clone();
        Callback::from(move |_: KeyboardEvent| release())
    };
    // Focus leaving before the key-up (a click elsewhere mid-repeat) ends the hold too.
    let onfocusout = Callback::from(move |_: FocusEvent| release());

    let on_copy = {
        let share = share.clone();
        Callback::from(move |_| {
            let url = hooks::current_href();
            let share2 = share.clone();
            let url2 = url.clone();
            let done = Callback::from(move |ok: bool| {
                share2.set(if ok {
                    Share::Status("Link copied: it reopens this exact view.".into())
                } else {
                    Share::ManualCopy(url2.clone())
                })
            });
            hooks::copy_text(&url, done);
        })
    };
    let on_embed = {
        let share = share.clone();
        let id = props.id.clone();
        let title = props.title.clone();
        Callback::from(move |_| {
            if matches!(*share, Share::Embed(_)) {
                share.set(Share::Nothing);
            } else {
                share.set(Share::Embed(embed::snippet(
                    &id,
                    &title,
                    &hooks::current_href(),
                )));
            }
        })
    };
    let on_download = {
        let share = share.clone();
        let region = region.clone();
        let id = props.id.clone();
        let t = pb.t;
        Callback::from(move |_| {
            let settings = hooks::current_query().only_viz(&id);
            share.set(match region.cast::<web_sys::Element>() {
                Some(el) => {
                    let name = export::file_name(&id, settings.pairs(), t, export::is_dark(&el));
                    match export::download_svg(&el, &name) {
                        Ok(()) => Share::Download {
                            name,
                            open: hooks::framed().then(hooks::current_href),
                        },
                        Err(e) => Share::Status(format!("Could not export the picture: {e}")),
                    }
                }
                None => Share::Status(
                    "Could not export the picture: the figure is not on the page.".to_string(),
                ),
            });
        })
    };
    let on_copy_snippet = {
        let share = share.clone();
        Callback::from(move |_| {
            if let Share::Embed(snippet) = &*share {
                let share2 = share.clone();
                let snippet2 = snippet.clone();
                hooks::copy_text(
                    snippet,
                    Callback::from(move |ok: bool| {
                        if ok {
                            share2.set(Share::Status("Embed code copied.".into()));
                        } else {
                            share2.set(Share::ManualCopy(snippet2.clone()));
                        }
                    }),
                );
            }
        })
    };

    let share_panel = match &*share {
        Share::Nothing => html! {},
        Share::Status(s) => html! { <p class="share-status" role="status">{ s }</p> },
        Share::Download { name, open } => html! {
            <p class="share-status" role="status">
                { format!("Download started: {name}.") }
                if let Some(href) = open {
                    { " If no file appears, the page around this picture does not allow downloads: " }
                    <a href={href.clone()} target="_blank" rel="noopener">{ "open the picture on its own" }</a>
                    { " and download it there." }
                }
            </p>
        },
        Share::ManualCopy(text) => html! {
            <div class="share-manual">
                <label>
                    { if hooks::framed() && !hooks::policy_allows("clipboard-write") {
                        "The page around this picture does not allow copying (its iframe needs allow=\"clipboard-write\"); select and copy:"
                    } else {
                        "Copying was blocked by the browser; select and copy:"
                    } }
                    <input class="share-field" type="text" readonly=true ref={field} value={text.clone()} />
                </label>
            </div>
        },
        Share::Embed(snippet) => html! {
            <div class="share-embed">
                <label>{ "Embed code (paste into any web page; it resizes itself):" }
                    <textarea class="share-field" readonly=true rows="3" ref={field} value={snippet.clone()} />
                </label>
                <button type="button" class="btn-copy-embed" onclick={on_copy_snippet}>{ "Copy embed code" }</button>
            </div>
        },
    };

    let keys = if props.controls {
        format!(
            "Space plays or pauses, arrow keys step between {}",
            props.steps
        )
    } else {
        format!("arrow keys step between {}", props.steps)
    };
    let label = format!(
        "{}: interactive picture. {keys}, Home and End jump.",
        props.title
    );
    html! {
        <figure class="figure" id={format!("fig-{}", props.id)} data-viz={props.id.clone()}>
            <figcaption class="figure-title">{ props.title.clone() }</figcaption>
            <div class="figure-svg" tabindex="0" role="group" aria-label={label} ref={region} {onkeydown} {onkeyup} {onfocusout}>
                <ContextProvider<FigureNow> context={FigureNow(now.map(AttrValue::from))}>
                    { props.children.clone() }
                </ContextProvider<FigureNow>>
            </div>
            { props.caption.clone() }
            if props.controls {
                if pb.reduced_motion {
                    <p class="figure-note">{ "Reduced motion is on: Play advances one event per second instead of animating. Step and scrub as usual." }</p>
                }
                { playback_controls(pb) }
            }
            <p class="sr-only live" aria-live="polite">{ (*announced).clone() }</p>
            <div class="share" role="group" aria-label="Share this picture">
                <button type="button" class="btn-copy-link" onclick={on_copy}>{ "Copy link" }</button>
                <button type="button" class="btn-embed" ref={embed_button} aria-expanded={matches!(*share, Share::Embed(_)).to_string()} onclick={on_embed}>{ "Embed" }</button>
                <button type="button" class="btn-download" onclick={on_download}>{ "Download SVG" }</button>
            </div>
            { share_panel }
        </figure>
    }
}
