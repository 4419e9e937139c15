//! Visualisation `coroutine`: The life of a coroutine. (Being built: see the issue for chapter `async-await`.)
use yew::prelude::*;

/// The `coroutine` visualisation.
#[component]
pub fn Coroutine() -> Html {
    html! { <div class="notice" role="status">{ "This visualisation is being built." }</div> }
}
