//! Visualisation `strategies`: The backpressure lab: block, buffer, drop, regulate. (Being built: see the issue for chapter `strategies`.)
use yew::prelude::*;

/// The `strategies` visualisation.
#[component]
pub fn Strategies() -> Html {
    html! { <div class="notice" role="status">{ "This visualisation is being built." }</div> }
}
