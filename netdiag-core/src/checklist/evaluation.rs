//! One run of the checklist: the registry's checks over the inputs, the integration mode
//! they found, and the header that says what the checklist is about and what it read.

use std::fmt::Write as _;

use super::inputs::{Inputs, Target};
use super::registry;
use super::vocab::{Check, Mode, Status};
use crate::snapshot::Snapshot;

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
            let held = s.describe();
            let held = if held.is_empty() {
                "nothing read"
            } else {
                held.as_str()
            };
            format!("snapshot: {held} ({})", origin.join(", "))
        }
        None => "no network snapshot".to_owned(),
    };
    let over_tcp = if target.protocol == crate::nsg::Protocol::Tcp {
        " over TCP"
    } else {
        ""
    };
    let subject = match (&target.lookup, &target.name) {
        // Only Azure DNS is asked (no server of the app's, no usable system configuration):
        // it is reached through the platform, and the name stands in as the target.
        (Some(_), Some(name)) if target.ip.is_none() => format!(
            "{name} (DNS server {}, Azure DNS, reached through the platform)",
            crate::dns::config::AZURE_DNS
        ),
        // Several servers: all named; the path checks are for the first.
        (Some(_), Some(name)) if !target.also_asked.is_empty() => format!(
            "{name} (DNS servers {}:{}, {}{}; the path checked is the one to {}:{})",
            target.host,
            target.port,
            target.also_asked.join(", "),
            over_tcp,
            target.host,
            target.port
        ),
        (Some(_), Some(name)) => format!(
            "{name} (DNS server {}:{}{})",
            target.host, target.port, over_tcp
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
    let zero = snapshot
        .map(|s| s.empty_files.as_slice())
        .unwrap_or_default();
    for empty in files
        .iter()
        .filter(|f| f.resources == 0 && f.ignored.is_empty())
    {
        if zero.contains(&empty.path) {
            let _ = write!(
                header,
                "\nEmpty: {} is empty: did the az command that wrote it fail? (its error went to the console, not the file)",
                empty.path
            );
        } else {
            let _ = write!(header, "\nEmpty: {} holds no resources", empty.path);
        }
    }
    for skipped in snapshot.into_iter().flat_map(|s| &s.not_json) {
        let _ = write!(header, "\nNot JSON, skipped: {skipped}");
    }
    header
}

/// A checklist run: the checks, the integration mode it found, and the header of its text.
#[derive(Debug, Clone)]
pub struct Evaluation {
    pub checks: Vec<Check>,
    /// The way from the app to the target, one hop each with the mark of its check.
    pub path: Vec<super::drawing::Hop>,
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
        let set_aside = inputs.settings.set_aside();
        if let (Some(snapshot), false) = (inputs.snapshot, set_aside.is_empty()) {
            // A support engineer's run: the machine's own WEBSITE_* variables are not the
            // app's, and a reader must know they were not used.
            let app = snapshot.site(None).map_or_else(
                || "the snapshot's app".to_owned(),
                |s| format!("app {}", s.name),
            );
            let _ = write!(
                header,
                "\nApp settings: the snapshot's; this machine's own {} set aside (not running inside {app})",
                set_aside.join(", ")
            );
        }
        if let Some(note) = &evaluated.target_note {
            let _ = write!(header, "\nTarget address: {note}");
        }
        Self {
            checks: evaluated.checks,
            path: evaluated.path,
            mode: evaluated.mode,
            header,
        }
    }

    pub fn any_failed(&self) -> bool {
        self.checks.iter().any(|c| c.status == Status::Fail)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// With only Azure DNS to ask, the header names it, not the host looked up as if it
    /// were the server (issue 24, point 9).
    #[test]
    fn a_lookup_through_azure_dns_names_azure_dns() {
        let target = Target {
            host: "db.contoso.internal".to_owned(),
            name: Some("db.contoso.internal".to_owned()),
            ip: None,
            port: 53,
            protocol: crate::nsg::Protocol::Udp,
            lookup: Some(vec!["A".to_owned()]),
            also_asked: Vec::new(),
        };
        let header = header(&target, None);
        assert!(
            header.starts_with(
                "Checklist for db.contoso.internal (DNS server 168.63.129.16, Azure DNS, reached through the platform)"
            ),
            "{header}"
        );
        assert!(!header.contains("db.contoso.internal:53"), "{header}");
    }
}
