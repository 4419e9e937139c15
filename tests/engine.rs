//! Native tests of the engine (`cargo test --test engine`): one binary, one module per area
//! under `tests/engine/`. Every test drives virtual time; none sleeps on real time.

#[path = "engine/common.rs"]
mod common;
#[path = "engine/executor.rs"]
mod executor;
#[path = "engine/hashes.rs"]
mod hashes;
#[path = "engine/notes.rs"]
mod notes;
#[path = "engine/primitives.rs"]
mod primitives;
#[path = "engine/props.rs"]
mod props;
