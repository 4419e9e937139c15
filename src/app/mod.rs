//! The yew site. `start()` installs the panic banner, applies the stored theme and mounts
//! [`shell::App`]; routing is by URL hash ([`router`]), every visualisation shares
//! [`playback`] (clock, controls, figure frame), links carry state ([`permalink`]).

pub mod content;
pub mod embed;
pub mod export;
pub mod hooks;
pub mod permalink;
pub mod playback;
pub mod router;
pub mod shell;
pub mod viz;

/// Entry point: panic banner, theme, mount.
pub fn start() {
    shell::banner::install_panic_hook();
    shell::theme::apply_theme(shell::theme::stored_theme());
    yew::Renderer::<shell::App>::new().render();
}
