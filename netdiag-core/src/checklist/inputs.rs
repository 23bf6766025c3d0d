//! What the checks read: the target ([`Target`]) and everything a run saw ([`Inputs`]).

use std::net::IpAddr;

use crate::dns::{DnsConfig, Lookup};
use crate::settings::AppSettings;
use crate::snapshot::Snapshot;
use crate::tcp::TcpSummary;

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
    /// `nameresolver`: the other DNS servers the app asks (the path checks are for the
    /// first, `host`); the header names them all.
    pub also_asked: Vec<String>,
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
