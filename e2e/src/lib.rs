//! End-to-end tests of the demo app; they live in `tests/` and need the demo served
//! with fapi-server and a chromedriver, which `cargo xtask test` provides.
