//! The yew site (placeholder; see issue 3).
use yew::prelude::*;

#[component]
fn App() -> Html {
    html! { <main><h1>{ "Await & See" }</h1></main> }
}

pub mod content;
pub mod viz;

/// Mount the app on `<body>`.
pub fn start() {
    yew::Renderer::<App>::new().render();
}
