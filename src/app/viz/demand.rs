//! Visualisation `demand`: Demand: request(n) credits bound the work in flight. (Being built: see the issue for chapter `strategies`.)
use yew::prelude::*;

/// The `demand` visualisation.
#[component]
pub fn Demand() -> Html {
    html! { <div class="notice" role="status">{ "This visualisation is being built." }</div> }
}
