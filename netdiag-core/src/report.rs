//! The JSON support report: one envelope for both tools, every field always present
//! (`null` where it does not apply), field names kept stable for support tooling.
//!
//! Durations are milliseconds (fractional, microsecond precision); addresses are written
//! `IP:port` or `[IPv6]:port`; certificates appear as thumbprints, never as blobs.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::checklist::{Check, Mode};
use crate::dns::DnsSection;
use crate::settings::SettingsSource;
pub use crate::snapshot::Fetched;
use crate::snapshot::LoadedFile;
use crate::tcp::TcpSection;
use crate::vocab::{Build, Clock, ErrorKind, Tool, Verdict, VerdictStatus, to_millis};

/// Bumped on any change that breaks a reader of the report.
pub const SCHEMA_VERSION: u32 = 1;

/// What the run was about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(untagged)]
pub enum Target {
    Host { host: String, port: u16 },
    Name { name: String, types: Vec<String> },
}

/// Why a run failed, for machines: `kind` is stable, `message` is for people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct ReportError {
    pub kind: ErrorKind,
    pub message: String,
}

/// Where a snapshot came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum SnapshotSource {
    /// `--network` files.
    Files,
    /// Gathered from Azure Resource Manager (`--azure`).
    Azure,
}

/// What the run's network snapshot held: every file read, what each held and ignored,
/// and the integration mode the checklist found in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct SnapshotSection {
    pub source: SnapshotSource,
    pub mode: Mode,
    /// The resource id of the app the checklist is about, when the snapshot holds it.
    pub app: Option<String>,
    /// Where the app's settings came from; `environment` above is always this process's.
    pub settings: Option<SettingsSource>,
    pub files: Vec<LoadedFile>,
    pub fetched: Vec<Fetched>,
}

/// The report envelope.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Report {
    pub schema_version: u32,
    pub tool: Tool,
    /// The bare version, `0.2.0`.
    pub version: &'static str,
    pub build: Build,
    pub started_at: String,
    pub elapsed_ms: f64,
    /// The arguments as given (after the program's name): how to run it again.
    pub invocation: Vec<String>,
    /// The machine it ran on (`COMPUTERNAME`, or the host name): which instance of the app.
    pub machine: Option<String>,
    pub target: Option<Target>,
    pub environment: BTreeMap<String, String>,
    pub dns: Option<DnsSection>,
    pub tcp: Option<TcpSection>,
    pub checklist: Vec<Check>,
    pub verdict: Verdict,
    pub snapshot: Option<SnapshotSection>,
    pub error: Option<ReportError>,
}

impl Report {
    /// An envelope with nothing measured yet; the diagnosis stamps the elapsed time when
    /// the run ends.
    pub fn new(
        tool: Tool,
        clock: Clock,
        environment: BTreeMap<String, String>,
        verdict: Verdict,
    ) -> Self {
        Self {
            schema_version: SCHEMA_VERSION,
            tool,
            version: crate::vocab::VERSION,
            build: crate::vocab::BUILD,
            started_at: humantime::format_rfc3339_millis(clock.started_at).to_string(),
            elapsed_ms: to_millis(clock.started.elapsed()),
            invocation: Vec::new(),
            machine: None,
            target: None,
            environment,
            dns: None,
            tcp: None,
            checklist: Vec::new(),
            verdict,
            snapshot: None,
            error: None,
        }
    }

    /// The report of a run that could not start: bad arguments or settings (exit 2).
    pub fn input_error(
        tool: Tool,
        clock: Clock,
        environment: BTreeMap<String, String>,
        kind: ErrorKind,
        message: &str,
    ) -> Self {
        let mut report = Self::new(
            tool,
            clock,
            environment,
            Verdict::new(
                VerdictStatus::Error,
                format!("The run did not start: {message}"),
                vec![format!(
                    "Correct the input and run again; see '{} --help'.",
                    tool.name()
                )],
            ),
        );
        report.error = Some(ReportError {
            kind,
            message: message.to_owned(),
        });
        report
    }

    /// The report as pretty JSON. Serialising these types cannot fail (string keys,
    /// finite numbers), so a failure here is a bug worth a loud message, not a panic.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|e| {
            format!("{{\"error\":{{\"kind\":\"internal\",\"message\":\"report not serialisable: {e}\"}}}}")
        })
    }
}

/// The JSON Schema of the report, generated from these types. Every property is
/// required: the report always writes every field (`null` where it does not apply).
pub fn json_schema() -> serde_json::Value {
    let mut schema = serde_json::to_value(schemars::schema_for!(Report)).unwrap_or_default();
    require_every_property(&mut schema);
    if let Some(object) = schema.as_object_mut() {
        object.insert("title".into(), "netdiag support report".into());
        object.insert(
            "description".into(),
            format!(
                "The JSON report of nameresolver and tcpping, schema_version {SCHEMA_VERSION}."
            )
            .into(),
        );
    }
    schema
}

fn require_every_property(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(object) => {
            if let Some(serde_json::Value::Object(properties)) = object.get("properties") {
                let names: Vec<serde_json::Value> =
                    properties.keys().cloned().map(Into::into).collect();
                object.insert("required".into(), names.into());
            }
            object.values_mut().for_each(require_every_property);
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(require_every_property),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn input_error_report_has_every_field() {
        let report = Report::input_error(
            Tool::Nameresolver,
            Clock::start(),
            BTreeMap::new(),
            ErrorKind::Usage,
            "the host name is empty",
        );
        let json: serde_json::Value = serde_json::from_str(&report.to_json()).unwrap();
        for field in [
            "schema_version",
            "tool",
            "version",
            "build",
            "started_at",
            "elapsed_ms",
            "target",
            "environment",
            "dns",
            "tcp",
            "checklist",
            "verdict",
            "snapshot",
            "error",
        ] {
            assert!(json.get(field).is_some(), "missing {field}");
        }
        assert_eq!(json["error"]["kind"], "usage");
        assert_eq!(json["tool"], "nameresolver");
        assert!(json["started_at"].as_str().unwrap().ends_with('Z'));
    }
}
