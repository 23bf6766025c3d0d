//! netdiag-core: network diagnostics for Azure App Service apps joined to a virtual
//! network (VNET Integration). The `nameresolver` and `tcpping` binaries parse arguments
//! and print; everything they know lives here.
//!
//! - [`settings`]: the app settings (environment) the tools read and may report;
//! - [`cli`]: what both command lines share: durations, error lines, exit codes;
//! - [`addr`]: parsing of server addresses and host names as users type them;
//! - [`dns`]: the app's DNS configuration and resolution with App Service's timing;
//! - [`tcp`]: the TCP connect probe, its runs, summary and verdict;
//! - [`snapshot`]: exported Azure resource JSON, loaded and joined by ARM id;
//! - [`ranges`], [`nsg`], [`routes`], [`certs`]: address sets, NSG evaluation over the
//!   P2S pool, the return route to it, certificate thumbprints;
//! - [`checklist`]: the troubleshooting tree, automated: checks, verdict, text;
//! - [`report`]: the JSON support report both tools emit.

pub mod addr;
pub mod certs;
pub mod checklist;
pub mod cli;
pub mod dns;
pub mod nsg;
pub mod ranges;
pub mod report;
pub mod routes;
pub mod settings;
pub mod snapshot;
pub mod tcp;

pub use cli::exit;
