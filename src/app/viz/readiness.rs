//! Visualisation `readiness`: Register interest, get notified, run the callback. (Being built: see the issue for chapter `event-driven`.)
use yew::prelude::*;

/// The `readiness` visualisation.
#[component]
pub fn Readiness() -> Html {
    html! { <div class="notice" role="status">{ "This visualisation is being built." }</div> }
}
