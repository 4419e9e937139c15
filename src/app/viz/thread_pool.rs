//! Visualisation `thread-pool`: A thread pool under load. (Being built: see the issue for chapter `blocking-calls`.)
use yew::prelude::*;

/// The `thread-pool` visualisation.
#[component]
pub fn ThreadPool() -> Html {
    html! { <div class="notice" role="status">{ "This visualisation is being built." }</div> }
}
