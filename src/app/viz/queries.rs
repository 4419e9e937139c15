//! Visualisation `queries`: Two queries: one after the other vs gather. (Being built: see the issue for chapter `blocking-calls`.)
use yew::prelude::*;

/// The `queries` visualisation.
#[component]
pub fn Queries() -> Html {
    html! { <div class="notice" role="status">{ "This visualisation is being built." }</div> }
}
