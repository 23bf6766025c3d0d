//! The JSON support report: one envelope for both tools, every field always present
//! (`null` where it does not apply), field names kept stable for support tooling.
//!
//! Durations are milliseconds (fractional, microsecond precision); addresses are written
//! `IP:port` or `[IPv6]:port`; certificates appear as thumbprints, never as blobs.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::checklist::vocab::SkipKind;
use crate::checklist::{Check, Hop, Mode, Stage, Status};
use crate::dns::DnsSection;
use crate::settings::SettingsSource;
pub use crate::snapshot::Fetched;
use crate::snapshot::LoadedFile;
use crate::tcp::TcpSection;
use crate::vocab::{Build, Clock, ErrorKind, Tool, Verdict, VerdictStatus, to_millis};

/// Bumped on any change that breaks a reader of the report.
pub const SCHEMA_VERSION: u32 = 1;

/// What the run was about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(untagged)]
pub enum Target {
    Host { host: String, port: u16 },
    Name { name: String, types: Vec<String> },
}

/// Why a run failed, for machines: `kind` is stable, `message` is for people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
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
    /// The way from the app to the target, one hop each with its check's status.
    pub path: Vec<Hop>,
    pub snapshot: Option<SnapshotSection>,
    /// What the tool printed of its own words, kept as printed: a saved report renders
    /// as the console showed it (`--from-report`).
    pub printed: Printed,
    pub error: Option<ReportError>,
}

/// The text of a run that is not a field of the report: the lines printed live, Kudu's
/// closing lines or the `nameresolver` answer, and the checklist's header (what it is
/// about, what the snapshot held, the integration). Kept as printed: a reader of an older
/// report, or of a newer tool's, shows what the customer saw, in that version's words.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Printed {
    /// The lines printed while the run ran (`tcpping`'s attempts, a port it chose, the
    /// target's dead DNS servers), unwrapped; kept when the report keeps its attempts.
    #[serde(default)]
    pub live: Vec<String>,
    pub lines: String,
    /// `null` when no checklist ran.
    pub header: Option<String>,
}

impl Target {
    /// As the path's title says it: `db.contoso.internal:1433`, `[::1]:53`, or the name.
    pub fn display(&self) -> String {
        match self {
            Self::Host { host, port } if host.contains(':') => format!("[{host}]:{port}"),
            Self::Host { host, port } => format!("{host}:{port}"),
            Self::Name { name, .. } => name.clone(),
        }
    }
}

/// A saved report read back (`--from-report`): what the renderers draw, owned, every
/// field the text and the page need. Fields a reader does not need are not read, so a
/// report of a later version with more fields still renders.
#[derive(Debug, Clone, Deserialize)]
pub struct Saved {
    pub tool: Tool,
    pub target: Option<Target>,
    pub checklist: Vec<SavedCheck>,
    pub verdict: Verdict,
    #[serde(default)]
    pub path: Vec<Hop>,
    pub snapshot: Option<SavedSnapshot>,
    #[serde(default)]
    pub printed: Printed,
    pub error: Option<ReportError>,
}

/// A check as a saved report has it.
#[derive(Debug, Clone, Deserialize)]
pub struct SavedCheck {
    pub id: String,
    pub stage: Stage,
    pub status: Status,
    pub title: String,
    pub evidence: String,
    pub remedy: String,
    #[serde(default)]
    pub skip: Option<SkipKind>,
}

/// The part of `snapshot` the text draws: the mode that other-mode checks are counted for.
#[derive(Debug, Clone, Deserialize)]
pub struct SavedSnapshot {
    pub mode: Mode,
}

/// Why a file is not a report the renderers can read.
#[derive(Debug, thiserror::Error)]
#[error("not a netdiag report: {0}")]
pub struct NotAReport(String);

impl Saved {
    /// A report read back from its JSON text; the error names the field that did not fit.
    pub fn from_json(text: &str) -> Result<Self, NotAReport> {
        let deserializer = &mut serde_json::Deserializer::from_str(text);
        serde_path_to_error::deserialize(deserializer).map_err(|e| {
            let path = e.path().to_string();
            let inner = e.into_inner();
            NotAReport(if path == "." {
                inner.to_string()
            } else {
                format!("{path}: {inner}")
            })
        })
    }

    /// This run's report as a reader of its JSON sees it: the text of a run and the text
    /// of its saved report are one rendering of the same data.
    pub fn of(report: &Report) -> Self {
        Self::from_json(&report.to_json()).unwrap_or_else(|_| Self {
            tool: report.tool,
            target: report.target.clone(),
            checklist: Vec::new(),
            verdict: report.verdict.clone(),
            path: report.path.clone(),
            snapshot: None,
            printed: report.printed.clone(),
            error: report.error.clone(),
        })
    }
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
            path: Vec::new(),
            snapshot: None,
            printed: Printed::default(),
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
