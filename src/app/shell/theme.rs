//! Light / dark / system theme: a `data-theme` attribute on `<html>` (absent = follow
//! `prefers-color-scheme`), remembered in `localStorage` when the browser allows it.
use yew::prelude::*;

use crate::app::hooks::{storage_get, storage_set};

/// Storage key of the chosen theme.
pub const STORAGE_KEY: &str = "await-and-see.theme";

/// The reader's choice.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Theme {
    /// Follow the operating system.
    System,
    /// Always light.
    Light,
    /// Always dark.
    Dark,
}

impl Theme {
    /// Stored / attribute name.
    pub fn as_str(self) -> &'static str {
        match self {
            Theme::System => "system",
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }
    /// Parse a stored name (unknown → system).
    pub fn parse(s: &str) -> Theme {
        match s {
            "light" => Theme::Light,
            "dark" => Theme::Dark,
            _ => Theme::System,
        }
    }
    /// The next choice when the toggle is pressed.
    pub fn next(self) -> Theme {
        match self {
            Theme::System => Theme::Light,
            Theme::Light => Theme::Dark,
            Theme::Dark => Theme::System,
        }
    }
    fn label(self) -> &'static str {
        match self {
            Theme::System => "◐ System",
            Theme::Light => "☀ Light",
            Theme::Dark => "☾ Dark",
        }
    }
}

/// The stored theme (system when nothing is stored or storage is blocked).
pub fn stored_theme() -> Theme {
    storage_get(STORAGE_KEY)
        .map(|s| Theme::parse(&s))
        .unwrap_or(Theme::System)
}

/// Set `data-theme` on `<html>` (removed for system).
pub fn apply_theme(theme: Theme) {
    let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    else {
        return;
    };
    let _ = match theme {
        Theme::System => root.remove_attribute("data-theme"),
        t => root.set_attribute("data-theme", t.as_str()),
    };
}

/// The header's theme button: System → Light → Dark. A hook that returns the button (the state
/// lives in the caller, the site frame) rather than a component of its own: every component type
/// costs the bundle a copy of yew's lifecycle code.
#[hook]
pub fn use_theme_toggle() -> Html {
    let theme = use_state(stored_theme);
    let persisted = use_state(|| true);
    let onclick = {
        let theme = theme.clone();
        let persisted = persisted.clone();
        Callback::from(move |_| {
            let next = theme.next();
            apply_theme(next);
            persisted.set(storage_set(STORAGE_KEY, next.as_str()));
            theme.set(next);
        })
    };
    let label = format!(
        "Colour theme: {} (press for {})",
        theme.as_str(),
        theme.next().as_str()
    );
    html! {
        <div class="theme">
            <button type="button" class="theme-toggle" aria-label={label} {onclick}>{ theme.label() }</button>
            if !*persisted {
                <span class="theme-note" role="status">{ "Storage is blocked: the theme lasts for this visit." }</span>
            }
        </div>
    }
}
