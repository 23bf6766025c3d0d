//! The guided checklist: the App Service troubleshooting tree for VNET Integration,
//! automated. It turns what the probes saw and the network snapshot into checks, each with
//! a stable id, a status, the evidence it used and the remedy, in the order of the docs'
//! tree: what the probes saw, the app and plan, the gateway and certificates, addresses and
//! routes, the path (NSGs, UDRs, on-premises), then manual steps on the target host.

//!
//! The files are layered as the crate is (`tests/core/layers.rs` enforces it): `vocab`
//! (the words every file speaks), `inputs`, `scene` (the resources found once), the stage
//! files (one function per check; `advice`, the probes' verdict without a snapshot), `registry` (the table of checks), `evaluation`, then
//! `verdict` and `render`. This file only declares them.

mod addresses;
pub mod advice;
mod app;
mod dns_path;
pub mod drawing;
pub mod evaluation;
mod gateway;
mod host;
pub mod inputs;
mod nsgs;
mod path;
mod private_endpoint;
mod probe;
mod regional;
pub mod registry;
pub mod render;
mod scene;
mod target;
mod verdict;
pub mod vocab;

pub use drawing::{Hop, HopKind};
pub use evaluation::{Evaluation, header};
pub use inputs::{Inputs, Target};
pub use registry::REGISTRY;
pub use vocab::{
    CertificateDetails, Check, Details, Finding, Mode, NsgDetails, PrivateNameDetails, SkipReason,
    SourceKind, Stage, Status,
};
