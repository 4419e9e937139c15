//! Pure layout from traces to display lists (placeholder).
