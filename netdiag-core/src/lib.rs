//! netdiag-core: network diagnostics for Azure App Service apps joined to a virtual
//! network (VNET Integration). The `nameresolver` and `tcpping` binaries parse arguments
//! and print; everything they know lives here, in layers where a module only imports
//! modules below it (`ARCHITECTURE.md` draws them; `tests/core/layers.rs` enforces them):
//!
//! 0. [`vocab`], [`settings`], [`wrap`]: what every layer shares: tools, clocks, exit
//!    codes, verdicts, durations; the app settings the tools read and may report; text
//!    wrapped at a width;
//! 1. [`addr`], [`ranges`], [`certs`]: host and server addresses as users type them,
//!    address sets, certificate thumbprints;
//! 2. [`snapshot`]: exported Azure resource JSON, loaded through one table of resource
//!    types and joined by ARM id;
//! 3. [`nsg`], [`routes`]: NSG evaluation over a whole source range, the route back to it;
//!    [`dns`]: the app's DNS configuration and resolution with App Service's timing;
//!    [`azure`]: `--azure`, the snapshot read live from Azure Resource Manager;
//! 4. [`tcp`]: the TCP connect probe, its runs and summary;
//! 5. [`checklist`]: the troubleshooting tree, automated: a registry of checks by stage,
//!    and the probes' advice beside the integration mode;
//! 6. [`report`]: the JSON support report both tools emit;
//! 7. [`output`]: the formats (text, JSON), one renderer each;
//! 8. [`diagnosis`]: one run from plan to outcome, and the one place that decides the
//!    verdict, its cause, the error and the exit code.

pub mod settings;
pub mod vocab;
pub mod wrap;

pub mod addr;
pub mod certs;
pub mod ranges;

pub mod nsg;
pub mod routes;
pub mod snapshot;

pub mod azure;
pub mod dns;
pub mod tcp;

pub mod checklist;

pub mod report;

pub mod output;

pub mod diagnosis;
