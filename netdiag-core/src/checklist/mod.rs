//! The guided checklist: the App Service troubleshooting tree for VNET Integration,
//! automated. It turns what the probes saw and the network snapshot into checks, each with
//! a stable id, a status, the evidence it used and the remedy, in the order of the docs'
//! tree: what the probes saw, the app and plan, the gateway and certificates, addresses and
//! routes, the path (NSGs, UDRs, on-premises), then manual steps on the target host.

mod addresses;
mod app;
mod gateway;
mod host;
mod nsgs;
mod path;
mod private_endpoint;
mod probe;
mod regional;
pub mod registry;
pub mod render;
mod scene;
mod verdict;

use std::fmt::Write as _;
use std::net::IpAddr;

use serde::Serialize;

pub use registry::{Mode, REGISTRY, SkipReason};

use crate::dns::{DnsConfig, Lookup};
use crate::settings::AppSettings;
use crate::snapshot::Snapshot;
use crate::tcp::TcpSummary;

/// Where a check stands in the troubleshooting tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Stage {
    Probe,
    App,
    /// The integration itself: the gateway and certificates, or the regional subnet.
    Integration,
    Addresses,
    Path,
    Host,
}

impl Stage {
    pub fn title(self) -> &'static str {
        match self {
            Self::Probe => "What the probes saw",
            Self::App => "App and plan",
            Self::Integration => "VNET Integration: gateway and certificates, or the subnet",
            Self::Addresses => "Addresses and routes",
            Self::Path => "The path: peering, NSGs, UDRs, on-premises",
            Self::Host => "On the target host",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Pass,
    Fail,
    Warn,
    /// Not decided: the evidence says what is missing.
    Skip,
    /// A step only a person can do.
    Manual,
}

/// One check of the list.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Check {
    pub id: &'static str,
    pub stage: Stage,
    pub status: Status,
    pub title: &'static str,
    pub evidence: String,
    pub remedy: String,
    /// Structured data behind the evidence, where it helps (NSG ranges, routes).
    pub details: Option<serde_json::Value>,
    /// Why the check said `skip` (the evidence says it in words).
    #[serde(skip)]
    pub skip: Option<SkipReason>,
    /// A standing notice, named after any other warning.
    #[serde(skip)]
    pub advisory: bool,
}

/// What the checklist is about: the host and port the user probed (or would probe).
#[derive(Debug, Clone)]
pub struct Target {
    /// The host the path leads to, as typed (`tcpping`), or the DNS server asked
    /// (`nameresolver`).
    pub host: String,
    /// The DNS name the run is about, when there is one (not for an IP target).
    pub name: Option<String>,
    /// Its address, when known (an IP literal, or what DNS answered).
    pub ip: Option<IpAddr>,
    pub port: u16,
    /// TCP for `tcpping` and for `nameresolver --tcp`; UDP for DNS queries otherwise.
    pub protocol: crate::nsg::Protocol,
    /// `nameresolver`'s question: the record types asked for. `None` for `tcpping`.
    pub lookup: Option<Vec<String>>,
}

impl Target {
    /// Whether the path checked is the one to a DNS server (`nameresolver`).
    pub fn is_dns_server(&self) -> bool {
        self.lookup.is_some()
    }
}

/// Everything the checks read.
pub struct Inputs<'a> {
    pub target: Target,
    pub settings: &'a AppSettings,
    pub snapshot: Option<&'a Snapshot>,
    /// The DNS configuration and lookup, when a name was resolved.
    pub dns: Option<(&'a DnsConfig, &'a Lookup)>,
    /// The DNS configuration alone (no lookup, e.g. `--no-probe`).
    pub dns_config: Option<&'a DnsConfig>,
    /// What the TCP attempts saw, when there were any.
    pub tcp: Option<&'a TcpSummary>,
    /// Whether the run sent probes at all (`--no-probe` did not).
    pub probed: bool,
    /// The time the checks take as now (certificates expire).
    pub now: std::time::SystemTime,
}

/// The first line of the checklist's text: what it is about and what it read.
pub fn header(target: &Target, snapshot: Option<&Snapshot>) -> String {
    let address = match target.ip {
        Some(ip) if ip.to_string() != target.host => format!(" ({ip})"),
        _ => String::new(),
    };
    let source = match snapshot {
        Some(s) => {
            let files = s
                .files
                .iter()
                .filter(|f| !f.path.starts_with("azure:"))
                .count();
            let mut origin = Vec::new();
            if files > 0 || s.fetched.is_empty() {
                origin.push(format!("{files} file{}", if files == 1 { "" } else { "s" }));
            }
            if !s.fetched.is_empty() {
                origin.push(format!(
                    "{} request{} to Azure",
                    s.fetched.len(),
                    if s.fetched.len() == 1 { "" } else { "s" }
                ));
            }
            format!("snapshot: {} ({})", s.describe(), origin.join(", "))
        }
        None => "no network snapshot".to_owned(),
    };
    let subject = match (&target.lookup, &target.name) {
        (Some(_), Some(name)) => format!(
            "{name} (DNS server {}:{}{})",
            target.host,
            target.port,
            if target.protocol == crate::nsg::Protocol::Tcp {
                " over TCP"
            } else {
                ""
            }
        ),
        _ => format!("{}:{}{address}", target.host, target.port),
    };
    let mut header = format!("Checklist for {subject} - {source}");
    for ignored in snapshot.into_iter().flat_map(Snapshot::ignored) {
        let _ = write!(
            header,
            "\nIgnored: {} '{}' ({})",
            ignored.resource_type, ignored.name, ignored.file
        );
    }
    for gap in snapshot.into_iter().flat_map(|s| &s.unavailable) {
        let _ = write!(header, "\nNot readable: {}", gap.note());
    }
    let files = snapshot.map(|s| s.files.as_slice()).unwrap_or_default();
    for empty in files
        .iter()
        .filter(|f| f.resources == 0 && f.ignored.is_empty())
    {
        let _ = write!(header, "\nEmpty: {} holds no resources", empty.path);
    }
    header
}

/// A checklist run: the checks, the integration mode it found, and the header of its text.
pub struct Evaluation {
    pub checks: Vec<Check>,
    pub mode: Mode,
    pub header: String,
}

impl Evaluation {
    /// Runs every check of the registry, in the tree's order.
    pub fn new(inputs: &Inputs<'_>) -> Self {
        let evaluated = registry::evaluate(inputs);
        let mut header = header(&inputs.target, inputs.snapshot);
        if inputs.snapshot.is_some() {
            // Which integration the checks assume, and the field that says so.
            let _ = write!(
                header,
                "\nIntegration: {} ({})",
                evaluated.mode.describe(),
                evaluated.mode_reason
            );
        }
        if let Some(note) = &evaluated.target_note {
            let _ = write!(header, "\nTarget address: {note}");
        }
        Self {
            checks: evaluated.checks,
            mode: evaluated.mode,
            header,
        }
    }

    pub fn any_failed(&self) -> bool {
        self.checks.iter().any(|c| c.status == Status::Fail)
    }
}
