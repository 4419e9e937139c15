//! The registry of visualisations: one id per picture, used by chapter pages
//! (`<div data-viz="ID">` markers in the prose) and by the embed route (`#/embed/ID`).
//! Each visualisation lives in its own file here; its pure layout lives in `crate::figure`.
use yew::prelude::*;

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
pub const ALL: &[VizInfo] = &[];

/// Properties of [`Viz`].
#[derive(Properties, PartialEq)]
pub struct VizProps {
    /// Which visualisation.
    pub id: AttrValue,
}

/// Render the visualisation with this id, or a notice that names the ids that exist.
#[component]
pub fn Viz(props: &VizProps) -> Html {
    let known: Vec<&str> = ALL.iter().map(|v| v.id).collect();
    html! {
        <div class="notice" role="status">
            { format!("Unknown visualisation \"{}\". Known: {}.", props.id, known.join(", ")) }
        </div>
    }
}
