//! End-to-end tests: the built `nameresolver` and `tcpping` against servers the tests
//! start on loopback, as one test binary (one link instead of seven). Each module is one
//! face of the tools: the checklist, deadlines, the golden text, hostile input, each
//! tool's own behaviour, the report's schema.
#![allow(clippy::unwrap_used)] // a test that cannot unwrap has failed

mod azure;
mod azure_real;
mod browser;
mod checklist;
mod deadlines;
mod golden;
mod hostile;
mod html;
mod nameresolver;
mod regional;
mod schema;
mod target_side;
mod tcpping;
