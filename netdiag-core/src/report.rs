//! The JSON support report: one envelope for both tools, every field always present
//! (`null` where it does not apply), field names kept stable for support tooling.
//!
//! Durations are milliseconds (fractional, microsecond precision); addresses are written
//! `IP:port` or `[IPv6]:port`; certificates appear as thumbprints, never as blobs.

use std::collections::BTreeMap;
use std::time::{Duration, Instant, SystemTime};

use serde::{Serialize, Serializer};

use crate::dns::DnsSection;

/// Bumped on any change that breaks a reader of the report.
pub const SCHEMA_VERSION: u32 = 1;

/// Serialises a duration as milliseconds with microsecond precision.
pub fn millis<S: Serializer>(duration: &Duration, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_f64(to_millis(*duration))
}

/// A duration in milliseconds, rounded to the microsecond.
pub fn to_millis(duration: Duration) -> f64 {
    (duration.as_secs_f64() * 1_000_000.0).round() / 1000.0
}

/// A duration as people read it in the tools' output, Kudu style: `1.42ms`.
pub fn display_millis(duration: Duration) -> String {
    format!("{:.2}ms", duration.as_secs_f64() * 1000.0)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Tool {
    Nameresolver,
    Tcpping,
}

/// What the run was about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(untagged)]
pub enum Target {
    Host { host: String, port: u16 },
    Name { name: String, types: Vec<String> },
}

/// pass: the probe succeeded and nothing failed; fail: it failed; warn: it worked with
/// a problem worth fixing; error: the run could not start (bad input).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum VerdictStatus {
    Pass,
    Warn,
    Fail,
    Error,
}

/// The most likely cause in one sentence, and what to do next.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Verdict {
    pub status: VerdictStatus,
    pub summary: String,
    pub next_steps: Vec<String>,
}

impl Verdict {
    /// The verdict as text: the likely cause (or the warning), then numbered next steps.
    pub fn render(&self) -> String {
        use std::fmt::Write as _;
        let label = match self.status {
            VerdictStatus::Pass => "Result",
            VerdictStatus::Warn => "Warning",
            VerdictStatus::Fail | VerdictStatus::Error => "Likely cause",
        };
        let mut out = format!("{label}: {}\n", self.summary);
        if !self.next_steps.is_empty() {
            out.push_str("Next steps:\n");
            for (index, step) in self.next_steps.iter().enumerate() {
                let _ = writeln!(out, "  {}. {step}", index + 1);
            }
        }
        out
    }
}

/// Why a run failed, for machines: `kind` is stable, `message` is for people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct ReportError {
    pub kind: ErrorKind,
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ErrorKind {
    /// Bad arguments (exit 2).
    Usage,
    /// Bad app settings or system configuration (exit 2).
    Config,
    /// A network snapshot that cannot be read (exit 2).
    Snapshot,
    /// A check of the checklist failed under `--no-probe` (exit 1).
    Checklist,
    /// The name did not resolve (exit 1).
    Dns,
    /// No TCP attempt connected (exit 1).
    Tcp,
}

/// When the run started, for `started_at` and `elapsed_ms`.
#[derive(Debug, Clone, Copy)]
pub struct Clock {
    pub started_at: SystemTime,
    pub started: Instant,
}

impl Clock {
    pub fn start() -> Self {
        Self {
            started_at: SystemTime::now(),
            started: Instant::now(),
        }
    }
}

/// The report envelope.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Report {
    pub schema_version: u32,
    pub tool: Tool,
    pub version: &'static str,
    pub started_at: String,
    pub elapsed_ms: f64,
    pub target: Option<Target>,
    pub environment: BTreeMap<String, String>,
    pub dns: Option<DnsSection>,
    pub tcp: Option<crate::tcp::TcpSection>,
    pub checklist: Vec<crate::checklist::Check>,
    pub verdict: Verdict,
    pub error: Option<ReportError>,
}

impl Report {
    /// An envelope with nothing measured yet; `finish` stamps the elapsed time.
    pub fn new(
        tool: Tool,
        clock: Clock,
        environment: BTreeMap<String, String>,
        verdict: Verdict,
    ) -> Self {
        Self {
            schema_version: SCHEMA_VERSION,
            tool,
            version: env!("CARGO_PKG_VERSION"),
            started_at: humantime::format_rfc3339_millis(clock.started_at).to_string(),
            elapsed_ms: to_millis(clock.started.elapsed()),
            target: None,
            environment,
            dns: None,
            tcp: None,
            checklist: Vec::new(),
            verdict,
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
            Verdict {
                status: VerdictStatus::Error,
                summary: format!("The run did not start: {message}"),
                next_steps: vec![format!(
                    "Correct the input and run again; see '{} --help'.",
                    tool_name(tool)
                )],
            },
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

pub fn tool_name(tool: Tool) -> &'static str {
    match tool {
        Tool::Nameresolver => "nameresolver",
        Tool::Tcpping => "tcpping",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn millis_keep_microseconds() {
        assert!((to_millis(Duration::from_micros(1420)) - 1.42).abs() < f64::EPSILON);
        assert!((to_millis(Duration::from_secs(3)) - 3000.0).abs() < f64::EPSILON);
    }

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
            "started_at",
            "elapsed_ms",
            "target",
            "environment",
            "dns",
            "tcp",
            "checklist",
            "verdict",
            "error",
        ] {
            assert!(json.get(field).is_some(), "missing {field}");
        }
        assert_eq!(json["error"]["kind"], "usage");
        assert_eq!(json["tool"], "nameresolver");
        assert!(json["started_at"].as_str().unwrap().ends_with('Z'));
    }
}
