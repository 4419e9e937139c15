//! Chapter prose and code samples, turned into HTML at build time by `build.rs`
//! (Markdown in `content/chapters/`, code in `content/code/`, highlighted at build time).
//! Placeholder until the content lands: the types are the contract the shell uses.

/// One piece of a chapter page: prose (trusted HTML generated at build time) or a visualisation marker.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Part {
    /// Pre-rendered, pre-highlighted HTML from our own Markdown.
    Html(&'static str),
    /// A visualisation id from `crate::app::viz::ALL`.
    Viz(&'static str),
}

/// One chapter of the course, in order.
#[derive(Debug, PartialEq)]
pub struct ChapterSrc {
    /// URL slug: `#/<slug>`.
    pub slug: &'static str,
    /// Title shown in the table of contents and the page heading.
    pub title: &'static str,
    /// One-sentence summary for the landing page.
    pub summary: &'static str,
    /// The page, in order.
    pub parts: &'static [Part],
}

/// A code sample split into highlighted lines, for code panels that mark the executing line.
#[derive(Debug, PartialEq)]
pub struct CodeSrc {
    /// Id (the file name under `content/code/`, e.g. `blocking_server.py`).
    pub id: &'static str,
    /// Language name shown on the panel.
    pub lang: &'static str,
    /// One HTML string per source line (spans with `tok-*` classes).
    pub lines: &'static [&'static str],
}

/// Every chapter, in course order.
pub const CHAPTERS: &[ChapterSrc] = &[];

/// Every code sample.
pub const CODE: &[CodeSrc] = &[];
