//! The guided checklist: the App Service troubleshooting tree for VNET Integration,
//! automated. It turns what the probes saw and the network snapshot into checks, each with
//! a stable id, a status, the evidence it used and the remedy, in the order of the docs'
//! tree: what the probes saw, the app and plan, the gateway and certificates, addresses and
//! routes, the path (NSGs, UDRs, on-premises), then manual steps on the target host.

mod checks;
pub mod render;

use std::fmt::Write as _;
use std::net::IpAddr;

use serde::Serialize;

use crate::dns::{DnsConfig, Lookup};
use crate::report::{Verdict, VerdictStatus};
use crate::settings::AppSettings;
use crate::snapshot::Snapshot;
use crate::tcp::TcpSummary;

/// Where a check stands in the troubleshooting tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Stage {
    Probe,
    App,
    Gateway,
    Addresses,
    Path,
    Host,
}

impl Stage {
    pub fn title(self) -> &'static str {
        match self {
            Self::Probe => "What the probes saw",
            Self::App => "App and plan",
            Self::Gateway => "Gateway and certificates",
            Self::Addresses => "Addresses and routes",
            Self::Path => "The path: NSGs, UDRs, on-premises",
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
}

/// What the checklist is about: the host and port the user probed (or would probe).
#[derive(Debug, Clone)]
pub struct Target {
    /// As the user typed it.
    pub host: String,
    /// Its address, when known (an IP literal, or what DNS answered).
    pub ip: Option<IpAddr>,
    pub port: u16,
    /// TCP for `tcpping`; UDP for `nameresolver`'s DNS servers.
    pub protocol: crate::nsg::Protocol,
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
}

/// Runs every check, in the tree's order.
pub fn run(inputs: &Inputs<'_>) -> Vec<Check> {
    checks::all(inputs)
}

/// The most likely cause. A failing check past the probes explains the symptom, so the
/// first of those (in the tree's order) leads; when only probe checks fail, the probe's
/// own verdict (which knows the failure best) leads. Then the manual steps that apply.
pub fn verdict(checks: &[Check], probe_verdict: Option<&Verdict>) -> Verdict {
    let failing = |c: &&Check| c.status == Status::Fail;
    let causes: Vec<&Check> = checks
        .iter()
        .filter(failing)
        .filter(|c| c.stage != Stage::Probe)
        .collect();
    let symptom = checks
        .iter()
        .filter(failing)
        .find(|c| c.stage == Stage::Probe);
    let warnings: Vec<&Check> = checks.iter().filter(|c| c.status == Status::Warn).collect();
    let manual: Vec<&Check> = checks
        .iter()
        .filter(|c| c.status == Status::Manual)
        .collect();
    let step = |c: &&Check| format!("[{}] {}", c.id, c.remedy);
    // The remedies of the leading checks, then the first manual steps that apply.
    let steps = |leading: &[&Check]| -> Vec<String> {
        leading
            .iter()
            .take(4)
            .map(step)
            .chain(manual.iter().take(2).map(step))
            .collect()
    };
    if let Some(first) = causes.first() {
        let seen = symptom.map_or_else(String::new, |s| format!(" Seen: {}.", s.evidence));
        return Verdict {
            status: VerdictStatus::Fail,
            summary: format!("{}: {}.{seen}", first.id, first.evidence),
            next_steps: steps(&causes),
        };
    }
    if let Some(probe) = probe_verdict.filter(|v| v.status != VerdictStatus::Pass) {
        // The probe knows its failure best; the manual steps follow in the list itself.
        return probe.clone();
    }
    if let Some(symptom) = symptom {
        return Verdict {
            status: VerdictStatus::Fail,
            summary: format!("{}: {}.", symptom.id, symptom.evidence),
            next_steps: steps(&[symptom]),
        };
    }
    if let Some(first) = warnings.first() {
        return Verdict {
            status: VerdictStatus::Warn,
            summary: format!("No check failed; {}: {}.", first.id, first.evidence),
            next_steps: steps(&warnings),
        };
    }
    Verdict {
        status: VerdictStatus::Pass,
        summary: "No check failed.".to_owned(),
        next_steps: manual.iter().take(3).map(step).collect(),
    }
}

/// The first line of the checklist's text: what it is about and what it read.
pub fn header(target: &Target, snapshot: Option<&Snapshot>) -> String {
    let address = match target.ip {
        Some(ip) if ip.to_string() != target.host => format!(" ({ip})"),
        _ => String::new(),
    };
    let source = match snapshot {
        Some(s) => format!(
            "snapshot: {} ({} file{})",
            s.describe(),
            s.files.len(),
            if s.files.len() == 1 { "" } else { "s" }
        ),
        None => "no network snapshot".to_owned(),
    };
    let mut header = format!(
        "Checklist for {}:{}{address} - {source}",
        target.host, target.port
    );
    for ignored in snapshot.map(|s| s.ignored.as_slice()).unwrap_or_default() {
        let _ = write!(
            header,
            "\nIgnored: {} '{}' ({})",
            ignored.resource_type, ignored.name, ignored.file
        );
    }
    header
}

/// A checklist run: the checks, the verdict and the header of its text.
pub struct Evaluation {
    pub checks: Vec<Check>,
    pub verdict: Verdict,
    pub header: String,
}

impl Evaluation {
    /// Runs the checks; `probe_verdict` is the tool's own verdict when it probed.
    pub fn new(inputs: &Inputs<'_>, probe_verdict: Option<&Verdict>) -> Self {
        let checks = run(inputs);
        let verdict = verdict(&checks, probe_verdict);
        let header = header(&inputs.target, inputs.snapshot);
        Self {
            checks,
            verdict,
            header,
        }
    }

    /// Puts the checklist and its verdict into the report. Under `--no-probe` the checks
    /// decide the exit code and the error; returns that exit code.
    pub fn apply(&self, report: &mut crate::report::Report, no_probe: bool) -> Option<u8> {
        report.checklist.clone_from(&self.checks);
        report.verdict.clone_from(&self.verdict);
        if !no_probe {
            return None;
        }
        let failed = any_failed(&self.checks);
        report.error = failed.then(|| crate::report::ReportError {
            kind: crate::report::ErrorKind::Checklist,
            message: self.verdict.summary.clone(),
        });
        Some(if failed {
            crate::cli::exit::FAILED
        } else {
            crate::cli::exit::SUCCESS
        })
    }

    pub fn render(&self, marks: render::Marks) -> String {
        render::render(&self.header, &self.checks, &self.verdict, marks)
    }
}

/// Whether any check failed (`--no-probe` exits 1 then).
pub fn any_failed(checks: &[Check]) -> bool {
    checks.iter().any(|c| c.status == Status::Fail)
}
