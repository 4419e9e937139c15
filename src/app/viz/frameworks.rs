//! Visualisation `frameworks`: Thread-per-request vs event loop under the same traffic. (Being built: see the issue for chapter `frameworks`.)
use yew::prelude::*;

/// The `frameworks` visualisation.
#[component]
pub fn Frameworks() -> Html {
    html! { <div class="notice" role="status">{ "This visualisation is being built." }</div> }
}
