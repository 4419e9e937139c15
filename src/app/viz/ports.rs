//! Visualisation `ports`: Blocking accept() vs select() on two ports. (Being built: see the issue for chapter `blocking-io`.)
use yew::prelude::*;

/// The `ports` visualisation.
#[component]
pub fn Ports() -> Html {
    html! { <div class="notice" role="status">{ "This visualisation is being built." }</div> }
}
