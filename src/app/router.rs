//! Hash routing (no server rewrites needed, works under any sub-path):
//!
//! | hash                      | route                                   |
//! |---------------------------|-----------------------------------------|
//! | `` / `#` / `#/`           | [`Route::Landing`]                      |
//! | `#/<chapter-slug>`        | [`Route::Chapter`]                      |
//! | `#/embed/<viz-id>`        | [`Route::Embed`] (`#/embed/`: the ids)  |
//! | anything else             | [`Route::NotFound`] (a notice with links) |
//!
//! A query after `?` carries permalink parameters (see [`crate::app::permalink`]); it never
//! changes the route, but a new address set from outside the app (a pasted link, even for the
//! page shown) mounts the page afresh so the new parameters apply ([`crate::app::shell::App`]).

use crate::app::content;
use crate::app::permalink::{self, encode};

/// Where we are.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Route {
    /// The landing page.
    Landing,
    /// A chapter by slug (known to exist in `content::CHAPTERS`).
    Chapter(String),
    /// One visualisation alone, for iframes.
    Embed(String),
    /// No such page; the path as typed.
    NotFound(String),
}

impl Route {
    /// Route for a path such as `/`, `/blocking-io` or `/embed/ports`, checking chapter slugs
    /// against `known_chapter`.
    pub fn from_path(path: &str, known_chapter: impl Fn(&str) -> bool) -> Route {
        let trimmed = path.trim_matches('/');
        let segments: Vec<&str> = trimmed.split('/').filter(|s| !s.is_empty()).collect();
        match segments.as_slice() {
            [] => Route::Landing,
            // `#/embed/` without an id: the embed page says which ids exist (an author writing
            // an iframe lands here, not on the site's "page not found").
            ["embed"] => Route::Embed(String::new()),
            // More segments (`#/embed/ports/extra`): not an id, and the embed page says so.
            ["embed", rest @ ..] => Route::Embed(rest.join("/")),
            [slug] if known_chapter(slug) => Route::Chapter((*slug).to_string()),
            _ => Route::NotFound(path.to_string()),
        }
    }

    /// Route for a whole hash (`#/slug?k=v`), using the real chapter list.
    pub fn from_hash(hash: &str) -> Route {
        let (path, _) = permalink::split_hash(hash);
        Route::from_path(&path, |s| content::CHAPTERS.iter().any(|c| c.slug == s))
    }

    /// The hash for this route, without a query (`#/`, `#/slug`, `#/embed/id`).
    pub fn href(&self) -> String {
        match self {
            Route::Landing => "#/".to_string(),
            Route::Chapter(slug) => format!("#/{}", encode(slug)),
            Route::Embed(id) => format!("#/embed/{}", encode(id)),
            Route::NotFound(path) => format!("#{path}"),
        }
    }
}

/// Link to a chapter by slug.
pub fn chapter_href(slug: &str) -> String {
    Route::Chapter(slug.to_string()).href()
}
