//! Visualisation `event-loop`: Inside the event loop, one decision at a time. (Being built: see the issue for chapter `event-loop`.)
use yew::prelude::*;

/// The `event-loop` visualisation.
#[component]
pub fn EventLoop() -> Html {
    html! { <div class="notice" role="status">{ "This visualisation is being built." }</div> }
}
