//! The site frame: skip link, header (name, theme), table of contents, "where am I", the page,
//! previous/next, footer. Pages: landing, chapter, not found. The embed route bypasses all of it.
use yew::prelude::*;

use crate::app::content::{chapter, ChapterBody, CHAPTERS};
use crate::app::embed::EmbedPage;
use crate::app::hooks::{media_matches, use_external_hash, NoticesProvider};
use crate::app::router::{chapter_href, Route};

pub mod banner;
pub mod theme;

pub use theme::use_theme_toggle;

/// The whole app: routes to the embed page or to the framed site.
///
/// Every address set from outside the app (a pasted link, `location.hash = …`, back/forward),
/// even one for the page already shown, mounts the page afresh, so its pictures read the new
/// link and its notices name the new link's bad parameters, as a fresh load of that address
/// would. The app's own rewrites of the address (`replaceState` as a picture plays or steps)
/// are not such changes ([`use_external_hash`]).
#[component]
pub fn App() -> Html {
    let address = use_external_hash();
    let visit = address.visit;
    match Route::from_hash(&address.hash) {
        Route::Embed(id) => {
            html! { <EmbedPage key={visit.to_string()} id={AttrValue::from(id)} /> }
        }
        route => html! { <Shell {route} {visit} /> },
    }
}

/// Properties of [`Shell`].
#[derive(Properties, PartialEq)]
pub struct ShellProps {
    /// The page to show.
    pub route: Route,
    /// Which outside change of the address this is ([`crate::app::hooks::ExternalHash::visit`]):
    /// a new one mounts the page (not the header and contents) afresh.
    #[prop_or_default]
    pub visit: u32,
}

/// Slug of the introduction chapter that the landing page shows (if the content has one).
pub const HOME_SLUG: &str = "home";

/// Number of numbered chapters (the introduction is not counted).
pub fn numbered_total() -> usize {
    CHAPTERS.iter().filter(|c| c.slug != HOME_SLUG).count()
}

/// The chapter number shown to readers for index `i` (1-based; the introduction is 0).
pub fn chapter_number(i: usize) -> usize {
    if CHAPTERS.first().map(|c| c.slug) == Some(HOME_SLUG) {
        i
    } else {
        i + 1
    }
}

/// Link to a chapter, the introduction being the landing page.
pub fn href_for(slug: &str) -> String {
    if slug == HOME_SLUG {
        "#/".to_string()
    } else {
        chapter_href(slug)
    }
}

/// `document.title` for a route.
pub fn page_title(route: &Route) -> String {
    match route {
        Route::Chapter(slug) => match chapter(slug) {
            Some((_, c)) => format!("{} · Await & See", c.title),
            None => "Await & See".to_string(),
        },
        Route::NotFound(_) => "Page not found · Await & See".to_string(),
        _ => "Await & See: blocking, select, async/await and backpressure, replayed".to_string(),
    }
}

/// The id of each page's `<h1>`, which names the page's `<main>`: a route change puts the focus
/// there, and a screen reader then says the page's title (an unnamed `<main>` says "main").
pub const PAGE_TITLE_ID: &str = "page-title";

/// The site frame around one page.
#[component]
pub fn Shell(props: &ShellProps) -> Html {
    let main_ref = use_node_ref();
    // New page: title, scroll to top, focus the page for screen readers (not on first load).
    {
        let main_ref = main_ref.clone();
        let first = use_mut_ref(|| true);
        use_effect_with(props.route.clone(), move |route| {
            if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
                doc.set_title(&page_title(route));
            }
            if !std::mem::replace(&mut *first.borrow_mut(), false) {
                if let Some(w) = web_sys::window() {
                    w.scroll_to_with_x_and_y(0.0, 0.0);
                }
                if let Some(el) = main_ref.cast::<web_sys::HtmlElement>() {
                    let _ = el.focus();
                }
            }
        });
    }
    let skip = {
        let main_ref = main_ref.clone();
        Callback::from(move |e: MouseEvent| {
            // A plain `#main` link would change the route; focus the page instead.
            e.prevent_default();
            if let Some(el) = main_ref.cast::<web_sys::HtmlElement>() {
                let _ = el.focus();
                el.scroll_into_view();
            }
        })
    };
    let current = match &props.route {
        Route::Chapter(s) => Some(s.as_str()),
        Route::Landing => Some(HOME_SLUG),
        _ => None,
    };
    let theme_toggle = use_theme_toggle();
    let toc = use_toc(current);
    let page = match &props.route {
        Route::Landing => landing(),
        Route::Chapter(slug) => chapter_page(slug),
        Route::NotFound(path) => not_found(path),
        Route::Embed(_) => html! {},
    };
    html! {
        <div class="site">
            <a class="skip-link" href="#main" onclick={skip}>{ "Skip to content" }</a>
            <header class="site-header">
                <a class="site-name" href="#/">{ "Await " }<span class="amp">{ "&" }</span>{ " See" }</a>
                { theme_toggle }
            </header>
            <div class="site-body">
                { toc }
                <main id="main" class="page" tabindex="-1" ref={main_ref} aria-labelledby={PAGE_TITLE_ID}>
                    <NoticesProvider key={format!("{}@{}", props.route.href(), props.visit)}>
                        { page }
                    </NoticesProvider>
                </main>
            </div>
            <footer class="site-footer">
                <p>{ "Every picture replays a trace from a deterministic virtual-time scheduler. " }
                   <a href="#/">{ "Contents" }</a></p>
            </footer>
        </div>
    }
}

/// The table of contents (collapsible; open by default on wide screens), `current` being the slug
/// of the chapter being read. A hook returning the markup, like [`use_theme_toggle`].
#[hook]
fn use_toc(current: Option<&str>) -> Html {
    let open = *use_state(|| media_matches("(min-width: 68em)"));
    html! {
        <nav class="toc" aria-label="Chapters">
            <details open={open}>
                <summary>{ format!("Contents ({} chapters)", numbered_total()) }</summary>
                if CHAPTERS.is_empty() {
                    <p class="toc-empty">{ "The chapters are on their way." }</p>
                } else {
                    if let Some((_, home)) = chapter(HOME_SLUG) {
                        <p class={if current == Some(HOME_SLUG) { "toc-home current" } else { "toc-home" }}>
                            <a href="#/" aria-current={(current == Some(HOME_SLUG)).then_some("page")}>{ home.title }</a>
                        </p>
                    }
                    <ol>
                        { for CHAPTERS.iter().filter(|c| c.slug != HOME_SLUG).map(|c| {
                            let here = current == Some(c.slug);
                            html! {
                                <li key={c.slug} class={here.then_some("current")}>
                                    <a href={href_for(c.slug)} aria-current={here.then_some("page")}>{ c.title }</a>
                                </li>
                            }
                        }) }
                    </ol>
                }
            </details>
        </nav>
    }
}

// The pages below are plain functions, not components: they hold no state, and every
// component type costs the bundle its own copy of yew's lifecycle code.

/// The landing page: the introduction (content's `home` chapter, or a short fallback) and the
/// chapters with their summaries.
fn landing() -> Html {
    let has_home = chapter(HOME_SLUG).is_some();
    html! {
        <article class="landing">
            if has_home {
                <ChapterBody slug={HOME_SLUG} />
            } else {
                <h1 id={PAGE_TITLE_ID}>{ "Await & See" }</h1>
                <p class="lede">{ "What does a server do while it waits? This course answers with pictures you can play, pause, step backwards and scrub: blocking I/O, select(), callbacks, async/await, the event loop, thread-per-request versus async services, and what happens when work arrives faster than it leaves." }</p>
            }
            <h2 id="chapters">{ "Chapters" }</h2>
            if numbered_total() == 0 {
                <p class="notice">{ "The chapters are on their way." }</p>
            } else {
                <ol class="chapter-list">
                    { for CHAPTERS.iter().filter(|c| c.slug != HOME_SLUG).map(|c| html! {
                        <li key={c.slug}>
                            <a href={chapter_href(c.slug)}>{ c.title }</a>
                            if !c.summary.is_empty() { <p>{ c.summary }</p> }
                        </li>
                    }) }
                </ol>
            }
        </article>
    }
}

/// A chapter: where-am-I, the body, previous/next.
fn chapter_page(slug: &str) -> Html {
    let Some((i, ch)) = chapter(slug) else {
        return not_found(&format!("/{slug}"));
    };
    html! {
        <>
            { where_am_i(i) }
            <ChapterBody slug={AttrValue::Static(ch.slug)} />
            { prev_next(i) }
        </>
    }
}

/// Breadcrumb and progress of chapter `index` (into `CHAPTERS`): "Contents › Chapter 3 of 11".
fn where_am_i(index: usize) -> Html {
    let n = numbered_total();
    let k = chapter_number(index);
    let title = CHAPTERS.get(index).map(|c| c.title).unwrap_or("");
    let here = if k == 0 {
        format!("Introduction: {title}")
    } else {
        format!("Chapter {k} of {n}: {title}")
    };
    html! {
        <nav class="where" aria-label="Breadcrumb">
            <ol class="breadcrumb">
                <li><a href="#/">{ "Await & See" }</a></li>
                <li aria-current="page">{ here }</li>
            </ol>
            <progress class="progress" max={n.max(1).to_string()} value={k.to_string()}
                aria-label={format!("Chapter {k} of {n}")}></progress>
        </nav>
    }
}

/// Previous / next chapter links around chapter `index`.
fn prev_next(index: usize) -> Html {
    let prev = index.checked_sub(1).and_then(|i| CHAPTERS.get(i));
    let next = CHAPTERS.get(index + 1);
    html! {
        <nav class="prev-next" aria-label="Previous and next chapter">
            if let Some(p) = prev {
                <a class="prev" rel="prev" href={href_for(p.slug)}>
                    <span class="dir">{ "← Previous" }</span><span class="name">{ p.title }</span>
                </a>
            } else {
                <a class="prev" href="#/"><span class="dir">{ "← Contents" }</span><span class="name">{ "Await & See" }</span></a>
            }
            if let Some(n) = next {
                <a class="next" rel="next" href={href_for(n.slug)}>
                    <span class="dir">{ "Next →" }</span><span class="name">{ n.title }</span>
                </a>
            }
        </nav>
    }
}

/// Unknown route (`path` matched nothing): say so, and offer the way back.
fn not_found(path: &str) -> Html {
    html! {
        <article class="not-found">
            <h1 id={PAGE_TITLE_ID}>{ "Page not found" }</h1>
            <div class="notice" role="status">
                { format!("There is no page at #{path}. ") }
                <a href="#/">{ "Go to the contents" }</a>
                { "." }
            </div>
            if !CHAPTERS.is_empty() {
                <p>{ "Chapters:" }</p>
                <ul>
                    { for CHAPTERS.iter().map(|c| html! { <li key={c.slug}><a href={href_for(c.slug)}>{ c.title }</a></li> }) }
                </ul>
            }
        </article>
    }
}
