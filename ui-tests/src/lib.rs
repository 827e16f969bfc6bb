//! trybuild cases live in tests/ui.
#![forbid(unsafe_code)]
