//! The registry of visualisations: one id per picture, used by chapter pages
//! (`<div data-viz="ID">` markers in the prose) and by the embed route (`#/embed/ID`).
//! Each visualisation lives in its own file here; its pure layout lives in `crate::figure`.
use yew::prelude::*;

pub mod backpressure;
pub mod console;
pub mod coroutine;
pub mod demand;
pub mod draw;
pub mod event_loop;
pub mod frameworks;
pub mod ports;
pub mod queries;
pub mod readiness;
pub mod strategies;
pub mod thread_pool;

pub use draw::SceneView;

/// What the site knows about one visualisation.
pub struct VizInfo {
    /// Stable id used in markers, embed routes and permalinks.
    pub id: &'static str,
    /// Human title (figure caption, embed page title).
    pub title: &'static str,
    /// Slug of the chapter that teaches it.
    pub chapter: &'static str,
}

/// Every visualisation, in course order.
pub const ALL: &[VizInfo] = &[
    VizInfo {
        id: "ports",
        title: "Blocking accept() vs select() on two ports",
        chapter: "blocking-io",
    },
    VizInfo {
        id: "readiness",
        title: "Register interest, get notified, run the callback",
        chapter: "event-driven",
    },
    VizInfo {
        id: "queries",
        title: "Two queries: one after the other vs gather",
        chapter: "blocking-calls",
    },
    VizInfo {
        id: "thread-pool",
        title: "A thread pool under load",
        chapter: "blocking-calls",
    },
    VizInfo {
        id: "coroutine",
        title: "The life of a coroutine",
        chapter: "async-await",
    },
    VizInfo {
        id: "event-loop",
        title: "Inside the event loop, one decision at a time",
        chapter: "event-loop",
    },
    VizInfo {
        id: "frameworks",
        title: "Thread-per-request vs event loop under the same traffic",
        chapter: "frameworks",
    },
    VizInfo {
        id: "backpressure",
        title: "No backpressure: unbounded buffers and retry storms",
        chapter: "backpressure",
    },
    VizInfo {
        id: "strategies",
        title: "The backpressure lab: block, buffer, drop, regulate",
        chapter: "strategies",
    },
    VizInfo {
        id: "demand",
        title: "Demand: request(n) credits bound the work in flight",
        chapter: "strategies",
    },
];

/// Render the visualisation with this id, or a notice that names the ids that exist. (A plain
/// function: it holds no state, and a component type would cost the bundle a lifecycle copy.)
pub fn viz(id: &str) -> Html {
    match id {
        "ports" => html! { <ports::Ports /> },
        "readiness" => html! { <readiness::Readiness /> },
        "queries" => html! { <queries::Queries /> },
        "thread-pool" => html! { <thread_pool::ThreadPool /> },
        "coroutine" => html! { <coroutine::Coroutine /> },
        "event-loop" => html! { <event_loop::EventLoop /> },
        "frameworks" => html! { <frameworks::Frameworks /> },
        "backpressure" => html! { <backpressure::Backpressure /> },
        "strategies" => html! { <strategies::Strategies /> },
        "demand" => html! { <demand::Demand /> },
        _ => {
            let known: Vec<&str> = ALL.iter().map(|v| v.id).collect();
            html! {
                <div class="notice" role="status">
                    { format!("Unknown visualisation \"{id}\". Known: {}.", known.join(", ")) }
                </div>
            }
        }
    }
}
