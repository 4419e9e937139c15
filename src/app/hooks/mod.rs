//! Small hooks shared by the shell, playback and visualisations. Every browser listener lives in
//! an [`EventListener`] owned by an effect, so unmounting removes it. Nothing here panics: when
//! the browser refuses something (no window, storage blocked) the hook degrades and says so.
use std::cell::Cell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::app::permalink::{self, viz_key, Query};
use crate::app::router::Route;

/// An event listener that is removed when dropped.
pub struct EventListener {
    target: web_sys::EventTarget,
    name: &'static str,
    closure: Closure<dyn FnMut(web_sys::Event)>,
}

impl EventListener {
    /// Listen for `name` on `target` until the returned value is dropped.
    pub fn new(
        target: &web_sys::EventTarget,
        name: &'static str,
        f: impl FnMut(web_sys::Event) + 'static,
    ) -> Self {
        let closure = Closure::wrap(Box::new(f) as Box<dyn FnMut(web_sys::Event)>);
        let _ = target.add_event_listener_with_callback(name, closure.as_ref().unchecked_ref());
        EventListener {
            target: target.clone(),
            name,
            closure,
        }
    }
}

impl Drop for EventListener {
    fn drop(&mut self) {
        let _ = self
            .target
            .remove_event_listener_with_callback(self.name, self.closure.as_ref().unchecked_ref());
    }
}

/// Listen for `name` on `window` while the component is mounted.
#[hook]
pub fn use_window_event(name: &'static str, callback: Callback<web_sys::Event>) {
    use_effect_with(callback, move |cb| {
        let cb = cb.clone();
        let listener =
            web_sys::window().map(|w| EventListener::new(w.as_ref(), name, move |e| cb.emit(e)));
        move || drop(listener)
    });
}

/// The address as last set from outside the app: at load, then on every `hashchange` (a link,
/// the address bar, `location.hash = …`, back and forward, a host page changing an iframe's
/// `src`). The app's own writes ([`replace_hash`], `history.replaceState`) fire no `hashchange`,
/// so they are not seen here: playing or stepping a picture never counts as a new address.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExternalHash {
    /// `location.hash` right after that change (e.g. `#/ports?ports.t=10`).
    pub hash: String,
    /// How many such changes the hook has seen (0 for the address at mount). A new number means
    /// a new link to apply, even to the same page and even when `hash` reads as it did before
    /// (the app may have rewritten the address in between).
    pub visit: u32,
}

/// The address as last set from outside the app ([`ExternalHash`]).
#[hook]
pub fn use_external_hash() -> ExternalHash {
    let state = use_state(|| ExternalHash {
        hash: current_hash(),
        visit: 0,
    });
    // Listening from the first render, not from an effect: yew may yield to the browser between
    // a component's first render and its effects (after ~16 ms of work, which a cold start
    // takes), and a `hashchange` in that gap (a host page setting its iframe's `src` to another
    // `#/embed/<id>` while the app boots) would be lost, leaving the page on the address it first
    // rendered. The listener lives in this hook's state, so unmounting removes it.
    let setter = state.setter();
    let _listener = use_mut_ref(move || {
        web_sys::window().map(|w| {
            let mut visit = 0;
            EventListener::new(w.as_ref(), "hashchange", move |e| {
                visit += 1;
                // The address the reader went to. The page being left may have rewritten the
                // address since (its clock's write-back runs after the change, before this
                // event): the link the reader chose wins, as it would on a fresh load.
                let went_to = e
                    .dyn_ref::<web_sys::HashChangeEvent>()
                    .map(|h| h.new_url())
                    .and_then(|u| u.find('#').map(|i| u[i..].to_string()));
                if let Some(h) = went_to.filter(|h| *h != current_hash()) {
                    replace_hash(&h);
                }
                setter.set(ExternalHash {
                    hash: current_hash(),
                    visit,
                });
            })
        })
    });
    (*state).clone()
}

/// `location.hash`, or `""` when there is no window.
pub fn current_hash() -> String {
    web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default()
}

/// The link parameters of the current address (the query inside `location.hash`).
pub fn current_query() -> Query {
    permalink::split_hash(&current_hash()).1
}

/// Replace the hash without adding a history entry and without firing `hashchange`.
pub fn replace_hash(hash: &str) {
    if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
        let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(hash));
    }
}

/// `true` while the page is visible (`document.visibilityState`), updated on `visibilitychange`.
#[hook]
pub fn use_page_visible() -> bool {
    let visible = use_state(page_visible);
    {
        let visible = visible.clone();
        use_effect_with((), move |_| {
            let listener = web_sys::window().and_then(|w| w.document()).map(|d| {
                EventListener::new(d.as_ref(), "visibilitychange", move |_| {
                    visible.set(page_visible())
                })
            });
            move || drop(listener)
        });
    }
    *visible
}

fn page_visible() -> bool {
    web_sys::window()
        .and_then(|w| w.document())
        .map(|d| d.visibility_state() != web_sys::VisibilityState::Hidden)
        .unwrap_or(true)
}

thread_local! {
    static REDUCED_MOTION_OVERRIDE: Cell<Option<bool>> = const { Cell::new(None) };
}

/// Force the reduced-motion preference (tests, or a future site setting); `None` follows the system.
pub fn set_reduced_motion_override(value: Option<bool>) {
    REDUCED_MOTION_OVERRIDE.with(|c| c.set(value));
}

/// Whether the user asked for reduced motion (`prefers-reduced-motion: reduce`).
pub fn prefers_reduced_motion() -> bool {
    if let Some(v) = REDUCED_MOTION_OVERRIDE.with(|c| c.get()) {
        return v;
    }
    media_matches("(prefers-reduced-motion: reduce)")
}

/// `matchMedia(query).matches`, `false` when unavailable.
pub fn media_matches(query: &str) -> bool {
    web_sys::window()
        .and_then(|w| w.match_media(query).ok().flatten())
        .map(|m| m.matches())
        .unwrap_or(false)
}

/// The reduced-motion preference, read at mount.
#[hook]
pub fn use_reduced_motion() -> bool {
    *use_state(prefers_reduced_motion)
}

/// Keys of a `role="tablist"` (put it on the list): Left/Right arrows move to the previous/next
/// tab (round the ends), Home/End to the first/last; the tab reached is focused and clicked, so it
/// is selected by its own click handler. With the selected tab the only one in the Tab order
/// (`tabindex` 0, the others -1), that is the usual tabs pattern.
pub fn tablist_keys() -> Callback<KeyboardEvent> {
    Callback::from(|e: KeyboardEvent| {
        let (Some(list), Some(target)) = (
            e.current_target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok()),
            e.target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok()),
        ) else {
            return;
        };
        let Ok(tabs) = list.query_selector_all("[role=tab]") else {
            return;
        };
        let n = tabs.length();
        let Some(at) = (0..n).find(|&i| {
            tabs.item(i)
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                .is_some_and(|t| t.contains(Some(&target)))
        }) else {
            return;
        };
        let to = match e.key().as_str() {
            "ArrowRight" => (at + 1) % n,
            "ArrowLeft" => (at + n - 1) % n,
            "Home" => 0,
            "End" => n - 1,
            _ => return,
        };
        e.prevent_default();
        e.stop_propagation();
        if let Some(tab) = tabs
            .item(to)
            .and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let _ = tab.focus();
            tab.click();
        }
    })
}

/// Whether the keyboard focus is lost: on the body (or nowhere), as after the focused control was
/// removed or disabled.
pub fn focus_lost() -> bool {
    let Some(d) = web_sys::window().and_then(|w| w.document()) else {
        return false;
    };
    match (d.active_element(), d.body()) {
        (None, _) => true,
        (Some(a), Some(b)) => a == *b.unchecked_ref::<web_sys::Element>(),
        _ => false,
    }
}

/// After `dep` changes (not at mount), give the focus to `target` if the change lost it: the
/// button pressed was replaced (a prediction's Check by its verdict, say), so a keyboard user
/// goes on from the new content instead of from the top of the page.
#[hook]
pub fn use_refocus<D: PartialEq + 'static>(target: NodeRef, dep: D) {
    let mounted = use_mut_ref(|| false);
    use_effect_with(dep, move |_| {
        if std::mem::replace(&mut *mounted.borrow_mut(), true) && focus_lost() {
            if let Some(el) = target.cast::<web_sys::HtmlElement>() {
                let _ = el.focus();
            }
        }
    });
}

/// The value of the `<input>` or `<select>` an event came from ("" for any other target).
pub fn event_value(e: &Event) -> String {
    use wasm_bindgen::JsCast;
    e.target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        .map(|i| i.value())
        .or_else(|| {
            e.target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlSelectElement>().ok())
                .map(|s| s.value())
        })
        .unwrap_or_default()
}

/// `localStorage.getItem(key)`, `None` when storage is blocked or missing.
pub fn storage_get(key: &str) -> Option<String> {
    web_sys::window()?
        .local_storage()
        .ok()??
        .get_item(key)
        .ok()?
}

/// `localStorage.setItem(key, value)`; returns `false` when storage is blocked.
pub fn storage_set(key: &str, value: &str) -> bool {
    web_sys::window()
        .and_then(|w| w.local_storage().ok().flatten())
        .map(|s| s.set_item(key, value).is_ok())
        .unwrap_or(false)
}

/// Log a warning to the browser console.
pub fn console_warn(msg: &str) {
    web_sys::console::warn_1(&JsValue::from_str(msg));
}

/// What the number box `id` should show: `value`, unless the learner is typing in it (it has the
/// focus), then what they typed. yew puts an input's value back whenever the DOM's differs from
/// the one rendered, and a picture that plays renders every frame: without this, each key typed
/// into a box during playback was undone at once.
pub fn typed_or(id: &str, value: String) -> String {
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.active_element())
        .filter(|e| e.id() == id)
        .and_then(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok())
        .map_or(value, |i| i.value())
}

// ---------------------------------------------------------------------------------------------
// Notices: visible messages about ignored link parameters and the like.

/// One visible notice; notices with the same `key` are shown once.
#[derive(Clone, Debug, PartialEq)]
pub struct Notice {
    /// Deduplication key (e.g. the parameter name).
    pub key: String,
    /// The sentence shown to the reader.
    pub text: String,
}

/// The notices shown at the top of the page.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct NoticeList {
    /// In arrival order.
    pub items: Vec<Notice>,
    /// Keys the reader dismissed: not shown again on this page, although the code that reports
    /// them runs on every render (e.g. [`VizParams::check_known`]).
    pub dismissed: Vec<String>,
}

/// Actions on [`NoticeList`].
pub enum NoticeAction {
    /// Add (ignored when a notice with the same key exists).
    Add(Notice),
    /// Remove the notice with this key; later `Add`s with it are ignored.
    Dismiss(String),
    /// Remove all (on navigation).
    Clear,
}

impl Reducible for NoticeList {
    type Action = NoticeAction;
    fn reduce(self: Rc<Self>, action: NoticeAction) -> Rc<Self> {
        match action {
            NoticeAction::Add(n)
                if self.items.iter().any(|m| m.key == n.key) || self.dismissed.contains(&n.key) =>
            {
                self
            }
            NoticeAction::Add(n) => {
                let mut list = (*self).clone();
                list.items.push(n);
                Rc::new(list)
            }
            NoticeAction::Dismiss(key) => {
                let mut list = (*self).clone();
                list.items.retain(|m| m.key != key);
                list.dismissed.push(key);
                Rc::new(list)
            }
            NoticeAction::Clear if self.items.is_empty() && self.dismissed.is_empty() => self,
            NoticeAction::Clear => Rc::new(NoticeList::default()),
        }
    }
}

/// Context handle for the page's notices (provided by the shell and the embed page).
pub type Notices = UseReducerHandle<NoticeList>;

/// Properties of [`NoticesProvider`].
#[derive(Properties, PartialEq)]
pub struct NoticesProviderProps {
    /// The page.
    #[prop_or_default]
    pub children: Html,
}

/// Provides [`Notices`] to its children and renders them above the children.
#[component]
pub fn NoticesProvider(props: &NoticesProviderProps) -> Html {
    let notices = use_reducer(NoticeList::default);
    html! {
        <ContextProvider<Notices> context={notices.clone()}>
            { notice_area(&notices) }
            { props.children.clone() }
        </ContextProvider<Notices>>
    }
}

/// The visible list of notices, each dismissible (part of [`NoticesProvider`]).
fn notice_area(notices: &Notices) -> Html {
    if notices.items.is_empty() {
        return html! {};
    }
    html! {
        <div class="notices" role="status" aria-live="polite">
            { for notices.items.iter().map(|n| {
                let key = n.key.clone();
                let dismiss = {
                    let notices = notices.clone();
                    Callback::from(move |e: MouseEvent| {
                        // The focus goes to the next notice's button, else the previous one's,
                        // else the page (the pressed button is about to disappear).
                        let button = e.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok());
                        let notice = button.as_ref().and_then(|b| b.closest(".notice").ok().flatten());
                        let next = notice.as_ref().and_then(|n| {
                            n.next_element_sibling().or_else(|| n.previous_element_sibling())
                        });
                        let to = next
                            .and_then(|n| n.query_selector(".notice-dismiss").ok().flatten())
                            .or_else(|| {
                                let d = web_sys::window()?.document()?;
                                d.get_element_by_id("main")
                            });
                        if let Some(el) = to.and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok()) {
                            let _ = el.focus();
                        }
                        notices.dispatch(NoticeAction::Dismiss(key.clone()))
                    })
                };
                html! {
                    <div class="notice" key={n.key.clone()}>
                        <span class="notice-text">{ &n.text }</span>
                        <button type="button" class="notice-dismiss" aria-label="Dismiss notice" onclick={dismiss}>{ "×" }</button>
                    </div>
                }
            }) }
        </div>
    }
}

/// Add a notice to the page, or log it when no [`NoticesProvider`] is mounted.
pub fn notify(notices: Option<&Notices>, key: &str, text: String) {
    let text = shorten_long_words(&text);
    match notices {
        Some(n) => n.dispatch(NoticeAction::Add(Notice {
            key: key.to_string(),
            text,
        })),
        None => console_warn(&text),
    }
}

/// Longest run of non-space characters a notice shows whole.
const LONG_WORD: usize = 60;

/// `text` with every run of more than [`LONG_WORD`] non-space characters cut to its start and
/// its length: a pasted link value of thousands of characters would otherwise make the notice
/// (and the page) thousands of pixels wide, pushing "Accepted: ..." and × out of sight.
pub fn shorten_long_words(text: &str) -> String {
    text.split(' ')
        .map(|w| {
            let n = w.chars().count();
            if n > LONG_WORD {
                let head: String = w.chars().take(40).collect();
                format!("{head}… ({n} characters)")
            } else {
                w.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

// ---------------------------------------------------------------------------------------------
// Visualisation parameters in the URL.

/// Read and write one visualisation's parameters in the URL hash query (`<viz>.<key>=<value>`).
/// Obtained with [`use_viz_params`]. Cheap to clone; reads always see the current URL.
#[derive(Clone, PartialEq)]
pub struct VizParams {
    viz: AttrValue,
    notices: Option<Notices>,
}

impl VizParams {
    /// A handle for `viz` that reports to `notices` (or to the console when `None`).
    pub fn new(viz: AttrValue, notices: Option<Notices>) -> Self {
        VizParams { viz, notices }
    }

    /// The visualisation id this handle is namespaced to.
    pub fn viz(&self) -> &str {
        &self.viz
    }

    /// The raw value of `<viz>.<key>` in the current URL.
    pub fn get(&self, key: &str) -> Option<String> {
        current_query()
            .get(&viz_key(&self.viz, key))
            .map(str::to_string)
    }

    /// Set `<viz>.<key>=value` in the URL with `history.replaceState` (no history entry, no
    /// `hashchange`). Does nothing if the value is already there.
    pub fn set(&self, key: &str, value: &str) {
        let (path, mut q) = permalink::split_hash(&current_hash());
        let k = viz_key(&self.viz, key);
        if q.get(&k) == Some(value) {
            return;
        }
        q.set(&k, value);
        replace_hash(&permalink::format_hash(&path, &q));
    }

    /// Remove `<viz>.<key>` from the URL (use it when the value returns to its default).
    pub fn remove(&self, key: &str) {
        let (path, mut q) = permalink::split_hash(&current_hash());
        let k = viz_key(&self.viz, key);
        if q.get(&k).is_none() {
            return;
        }
        q.remove(&k);
        replace_hash(&permalink::format_hash(&path, &q));
    }

    /// Show a visible notice: `<viz>.<key>=<value>` was ignored, with the accepted values; the
    /// default is used. Safe to call on every render (duplicates are shown once).
    pub fn report_bad(&self, key: &str, value: &str, accepted: &str) {
        let k = viz_key(&self.viz, key);
        let text = format!(
            "Ignored link parameter {k}={value}: not a valid value. Accepted: {accepted}. Using the default."
        );
        notify(self.notices.as_ref(), &k, text);
    }

    /// Show `text` as the notice about `<viz>.<key>` (once, like every notice).
    pub fn notice(&self, key: &str, text: String) {
        notify(self.notices.as_ref(), &viz_key(&self.viz, key), text);
    }

    /// Read `<viz>.<key>` and parse it; on a parse error report it (naming `accepted`) and return
    /// `None` so the caller uses its default.
    pub fn get_parsed<T>(
        &self,
        key: &str,
        accepted: &str,
        parse: impl Fn(&str) -> Result<T, String>,
    ) -> Option<T> {
        let raw = self.get(key)?;
        match parse(&raw) {
            Ok(v) => Some(v),
            Err(why) => {
                let k = viz_key(&self.viz, key);
                let text = format!(
                    "Ignored link parameter {k}={raw}: {}. Using the default.",
                    refusal(&why, accepted)
                );
                notify(self.notices.as_ref(), &k, text);
                None
            }
        }
    }

    /// One of a fixed set of ids from the link (`<viz>.key=id`), or `default` with a notice naming
    /// the ids that are accepted when the link holds anything else.
    pub fn get_choice(
        &self,
        key: &str,
        accepted: &str,
        ids: &[&'static str],
        default: &'static str,
    ) -> &'static str {
        self.get_parsed(key, accepted, |s| {
            ids.iter()
                .copied()
                .find(|id| *id == s.trim())
                .ok_or_else(|| {
                    format!(
                        "\"{}\" is not one of the accepted values: {}",
                        s.trim(),
                        ids.join(", ")
                    )
                })
        })
        .unwrap_or(default)
    }

    /// Report every `<viz>.*` key in the URL that is not in `known` (`t` is always known), and
    /// on an embed page every parameter that is not this picture's.
    pub fn check_known(&self, known: &[&str]) {
        let hash = current_hash();
        let (_, q) = permalink::split_hash(&hash);
        let mut unknown = Vec::new();
        for (k, v) in unknown_keys(&q, &self.viz, known) {
            let text = format!(
                "Ignored link parameter {k}={v}: {} has no such setting. Known: {}.",
                self.viz,
                ["t"]
                    .iter()
                    .chain(known)
                    .copied()
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            unknown.push((k, text));
        }
        let why = format!("{} has no such settings", self.viz);
        notify_some(self.notices.as_ref(), unknown, &self.viz, &why);
        for (k, values) in permalink::repeated_keys(&hash) {
            if permalink::key_owner(&k) == Some(self.viz.as_str()) {
                notify(
                    self.notices.as_ref(),
                    &format!("{k} repeated"),
                    repeated_notice(&k, &values),
                );
            }
        }
        // On an embed page this picture is the page: report what no picture reads, as
        // `ChapterBody` does for a chapter's pictures (the embed page renders its notices'
        // provider itself, so it cannot report into it).
        if matches!(Route::from_hash(&hash), Route::Embed(_)) {
            // The embed page's own parameter (applied by the page).
            let mut q = q.clone();
            if let Some(v) = q.get(crate::app::embed::THEME_PARAM).map(str::to_string) {
                if let Err(why) = crate::app::embed::parse_theme(&v) {
                    notify(self.notices.as_ref(), crate::app::embed::THEME_PARAM, why);
                }
                q.remove(crate::app::embed::THEME_PARAM);
            }
            report_foreign_params(self.notices.as_ref(), &q, &[self.viz.as_str()]);
        }
    }
}

/// The notice for a link parameter given more than once (pure; tested).
pub fn repeated_notice(key: &str, values: &[String]) -> String {
    let given: Vec<String> = values.iter().map(|v| format!("{key}={v}")).collect();
    format!(
        "Link parameter {key} is given {} times ({}); a link gives each setting once, so only the last is read.",
        values.len(),
        given.join(", ")
    )
}

/// What was wrong with a value, then what is accepted: `"no number given. Accepted: 1 to 64"`.
/// A reason that already names what is accepted is kept alone, so the range is said once.
pub fn refusal(why: &str, accepted: &str) -> String {
    if why.to_ascii_lowercase().contains("accepted") {
        why.to_string()
    } else {
        format!("{why}. Accepted: {accepted}")
    }
}

/// The pairs of `q` that none of the pictures `on_page` reads: every key not named
/// `<picture>.<setting>` after one of them (pure; tested).
pub fn foreign_keys(q: &Query, on_page: &[&str]) -> Vec<(String, String)> {
    q.pairs()
        .iter()
        .filter(|(k, _)| !on_page.contains(&permalink::key_owner(k).unwrap_or("")))
        .cloned()
        .collect()
}

/// A notice for every link parameter of `q` that no picture on this page reads (`on_page`: the
/// ids of the page's pictures), saying why: another chapter's picture, or no such setting.
pub fn report_foreign_params(notices: Option<&Notices>, q: &Query, on_page: &[&str]) {
    let given = permalink::param_count(&current_hash());
    if given > permalink::MAX_PARAMS {
        notify(
            notices,
            "link-too-long",
            format!(
                "This link gives {} parameters; only the first {} are read. A link to a view needs a few: the chapter's pictures' settings and times.",
                crate::figure::load::group(given as u64),
                permalink::MAX_PARAMS
            ),
        );
    }
    let foreign = foreign_keys(q, on_page);
    if foreign.is_empty() {
        return;
    }
    let accepted = if on_page.is_empty() {
        "none, this page has no pictures".to_string()
    } else {
        let names: Vec<String> = on_page.iter().map(|id| format!("{id}.*")).collect();
        format!(
            "the settings of this page's pictures ({})",
            names.join(", ")
        )
    };
    // In an embedded frame, the site's chapters mean nothing to the page around it.
    let embedded = matches!(Route::from_hash(&current_hash()), Route::Embed(_));
    let mut said = Vec::new();
    for (k, v) in foreign {
        let elsewhere =
            permalink::key_owner(&k).and_then(|o| crate::app::viz::ALL.iter().find(|i| i.id == o));
        let why = match elsewhere {
            Some(info) if embedded => format!(
                "the {} picture is not in this frame, which shows {}",
                info.id,
                on_page.join(", ")
            ),
            Some(info) => {
                let chapter = crate::app::content::chapter(info.chapter)
                    .map_or(info.chapter, |(_, c)| c.title);
                format!(
                    "the {} picture is not on this page (it is in \"{chapter}\")",
                    info.id
                )
            }
            None => "this page has no such setting".to_string(),
        };
        let text = format!("Ignored link parameter {k}={v}: {why}. Accepted: {accepted}.");
        said.push((k, text));
    }
    notify_some(
        notices,
        said,
        "foreign",
        "no picture on this page reads them",
    );
}

/// Notices one at a time this many; the rest of a list share one notice.
const NOTICES_EACH: usize = 5;

/// A notice for each `(key, text)` of `list`, or, past [`NOTICES_EACH`], one notice naming the
/// rest and `why` they were ignored (`kind` keys it): a link of many bad parameters gives a few
/// lines to read, not a page of them.
pub fn notify_some(notices: Option<&Notices>, list: Vec<(String, String)>, kind: &str, why: &str) {
    let mut rest = Vec::new();
    for (i, (key, text)) in list.into_iter().enumerate() {
        if i < NOTICES_EACH {
            notify(notices, &key, text);
        } else {
            rest.push(key);
        }
    }
    if !rest.is_empty() {
        let shown = rest.iter().take(10).cloned().collect::<Vec<_>>().join(", ");
        let more = if rest.len() > 10 { ", …" } else { "" };
        notify(
            notices,
            &format!("{kind} more"),
            format!(
                "Also ignored: {} more link parameters ({shown}{more}): {why}.",
                crate::figure::load::group(rest.len() as u64)
            ),
        );
    }
}

/// The `<viz>.*` pairs of `q` whose key is neither `t` nor in `known` (pure; tested).
pub fn unknown_keys(q: &Query, viz: &str, known: &[&str]) -> Vec<(String, String)> {
    let prefix = format!("{viz}.");
    q.pairs()
        .iter()
        .filter_map(|(k, v)| {
            let rest = k.strip_prefix(&prefix)?;
            (rest != "t" && !known.contains(&rest)).then(|| (k.clone(), v.clone()))
        })
        .collect()
}

/// The URL parameters of one visualisation; bad values become visible notices.
#[hook]
pub fn use_viz_params(viz_id: &str) -> VizParams {
    let notices = use_context::<Notices>();
    VizParams::new(AttrValue::from(viz_id.to_string()), notices)
}

// ---------------------------------------------------------------------------------------------
// Clipboard and location.

/// `location.href` (the exact current view), or `""` without a window.
pub fn current_href() -> String {
    web_sys::window()
        .and_then(|w| w.location().href().ok())
        .unwrap_or_default()
}

/// The attribute a range input keeps its value in while a finger is down on it.
const TOUCH_FROM: &str = "data-touch-from";

/// A swipe that starts on a slider must not change it. On a touch screen a range input moves its
/// thumb to the finger as soon as it touches (an `input` event), and only then does the browser
/// see a vertical scroll of the page and cancel the pointer: a learner scrolling past a slider
/// set it (the time slider jumped to 9 s, the threads to 3,844). The three handlers below go on
/// the input: [`touch_down`] notes the value before a touch, [`touch_up`] forgets it, and
/// [`touch_cancelled`] puts it back and returns it for the caller to apply again.
pub fn touch_down(e: &PointerEvent) {
    if e.pointer_type() == "touch" {
        if let Some(i) = e.target_dyn_into::<web_sys::HtmlInputElement>() {
            let _ = i.set_attribute(TOUCH_FROM, &i.value());
        }
    }
}

/// See [`touch_down`]: the touch ended as a tap or a drag along the slider, which stands.
pub fn touch_up(e: &PointerEvent) {
    if let Some(i) = e.target_dyn_into::<web_sys::HtmlInputElement>() {
        let _ = i.remove_attribute(TOUCH_FROM);
    }
}

/// See [`touch_down`]: the browser took the touch as a scroll. The value from before it, put
/// back into the input; `None` when no touch was noted.
pub fn touch_cancelled(e: &PointerEvent) -> Option<String> {
    let i = e.target_dyn_into::<web_sys::HtmlInputElement>()?;
    let v = i.get_attribute(TOUCH_FROM)?;
    let _ = i.remove_attribute(TOUCH_FROM);
    i.set_value(&v);
    Some(v)
}

/// Whether this page is inside a frame (an embed on someone else's page): its window is not the
/// top one. Cross-origin parents can be compared, not read.
pub fn framed() -> bool {
    web_sys::window().is_some_and(|w| match w.top() {
        Ok(Some(top)) => !js_sys::Object::is(&top, &w),
        _ => false,
    })
}

/// Whether the page around this one lets it use `feature` (`"clipboard-write"`): false only
/// when the browser says so (Chromium's `document.permissionsPolicy`, or the older
/// `featurePolicy`); true where it cannot tell.
pub fn policy_allows(feature: &str) -> bool {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return true;
    };
    for name in ["permissionsPolicy", "featurePolicy"] {
        let Ok(policy) = js_sys::Reflect::get(&doc, &JsValue::from_str(name)) else {
            continue;
        };
        let allows = js_sys::Reflect::get(&policy, &JsValue::from_str("allowsFeature"))
            .ok()
            .and_then(|f| f.dyn_into::<js_sys::Function>().ok());
        if let Some(f) = allows {
            if let Ok(v) = f.call1(&policy, &JsValue::from_str(feature)) {
                return v.as_bool() != Some(false);
            }
        }
    }
    true
}

/// Copy `text` with `navigator.clipboard.writeText`; `done(true)` once copied, `done(false)` when
/// the clipboard is missing (insecure context) or refused, so the caller can show a field to copy
/// from by hand.
pub fn copy_text(text: &str, done: Callback<bool>) {
    let Some(window) = web_sys::window() else {
        done.emit(false);
        return;
    };
    let navigator = window.navigator();
    let has_clipboard = js_sys::Reflect::get(&navigator, &JsValue::from_str("clipboard"))
        .map(|c| !c.is_undefined() && !c.is_null())
        .unwrap_or(false);
    if !has_clipboard {
        done.emit(false);
        return;
    }
    let promise = navigator.clipboard().write_text(text);
    let ok = done.clone();
    // Each closure runs at most once and is freed when it runs; the promise always settles.
    let on_ok = Closure::once_into_js(move |_: JsValue| ok.emit(true));
    let on_err = Closure::once_into_js(move |_: JsValue| done.emit(false));
    let then = js_sys::Reflect::get(&promise, &JsValue::from_str("then"))
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok());
    if let Some(then) = then {
        let _ = then.call2(&promise, &on_ok, &on_err);
    }
}

#[wasm_bindgen]
extern "C" {
    /// The global `fetch` (bound directly, so no extra web-sys features are needed).
    #[wasm_bindgen(js_name = fetch)]
    fn js_fetch(url: &str) -> js_sys::Promise;
}

/// Call `promise.then(on_ok, on_err)` (through `Reflect`, like [`copy_text`]).
fn then2(promise: &JsValue, on_ok: &JsValue, on_err: &JsValue) {
    let then = js_sys::Reflect::get(promise, &JsValue::from_str("then"))
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok());
    if let Some(then) = then {
        let _ = then.call2(promise, on_ok, on_err);
    }
}

/// Fetch `url` (relative URLs resolve against the page, so this works under any `--public-url`)
/// and call `done` once with its text, or with a short reason (`HTTP 404`, a network error).
pub fn fetch_text(url: &str, done: Callback<Result<String, String>>) {
    let fail = |done: &Callback<Result<String, String>>, e: &JsValue| {
        let why = e
            .as_string()
            .or_else(|| {
                js_sys::Reflect::get(e, &JsValue::from_str("message"))
                    .ok()
                    .and_then(|m| m.as_string())
            })
            .unwrap_or_else(|| "network error".into());
        done.emit(Err(why));
    };
    let promise = js_fetch(url);
    let (d1, d2) = (done.clone(), done);
    // Each closure is freed when it runs; a promise settles exactly one of its two callbacks.
    let on_resp = Closure::once_into_js(move |resp: JsValue| {
        let get = |k: &str| js_sys::Reflect::get(&resp, &JsValue::from_str(k)).ok();
        if get("ok").and_then(|v| v.as_bool()) != Some(true) {
            let status = get("status").and_then(|v| v.as_f64()).unwrap_or(0.0) as u32;
            d1.emit(Err(format!("HTTP {status}")));
            return;
        }
        let text = get("text")
            .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
            .and_then(|f| f.call0(&resp).ok());
        let Some(text) = text else {
            d1.emit(Err("unreadable response".into()));
            return;
        };
        let d3 = d1.clone();
        let on_text = Closure::once_into_js(move |t: JsValue| {
            d1.emit(
                t.as_string()
                    .ok_or_else(|| "unreadable response".to_string()),
            )
        });
        let on_err = Closure::once_into_js(move |e: JsValue| fail(&d3, &e));
        then2(&text, &on_text, &on_err);
    });
    let on_err = Closure::once_into_js(move |e: JsValue| fail(&d2, &e));
    then2(&promise, &on_resp, &on_err);
}
