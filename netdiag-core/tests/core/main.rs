//! netdiag-core's integration tests, as one test binary (one link instead of seven on a
//! 2-core machine). Each module is one concern of the library, tested through its public
//! API; snapshot addresses are only evaluated, and packets go only to loopback servers
//! the tests start.
#![allow(clippy::unwrap_used)] // a test that cannot unwrap has failed

mod arm_shapes;
mod checklist;
mod dns;
mod drawing;
mod gateway_verdicts;
mod layers;
mod nsg_props;
mod private_endpoint;
mod regional;
mod regional_truth;
mod registry;
mod schema;
mod snapshot;
mod target_side;
mod tcp;
mod tcp_sockets;
