//! Small lesson programs that are not course-author scenarios but still real runs of the engine:
//! the coroutine lifecycle, the event loop's inner state, and other single-purpose demos a
//! visualisation needs. One file per lesson; each exposes `fn run(...) -> Trace`.
