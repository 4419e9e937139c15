//! Visualisation `backpressure`: No backpressure: unbounded buffers and retry storms. (Being built: see the issue for chapter `backpressure`.)
use yew::prelude::*;

/// The `backpressure` visualisation.
#[component]
pub fn Backpressure() -> Html {
    html! { <div class="notice" role="status">{ "This visualisation is being built." }</div> }
}
