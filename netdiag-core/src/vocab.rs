//! The vocabulary every layer shares, and the bottom of the crate: it imports nothing of
//! ours. Which tool ran and when ([`Tool`], [`Clock`]), how it ends ([`Exit`],
//! [`ErrorKind`]), what it concluded ([`Verdict`]), and durations as users type them and
//! as the tools print them (milliseconds in reports, `1.42ms` in Kudu's lines).

use std::fmt::Write as _;
use std::time::{Duration, Instant, SystemTime};

use serde::{Deserialize, Serialize, Serializer};

/// The version of both tools (the workspace's).
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// What `--version` prints after the tool's name: `0.2.0 (a1b2c3d, x86_64-unknown-linux-musl)`.
pub const VERSION_LINE: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (",
    env!("NETDIAG_COMMIT"),
    ", ",
    env!("NETDIAG_TARGET"),
    ")"
);

/// Which build produced a report: the git commit (`+dirty` for a changed tree, `unknown`
/// without git) and the target triple.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Build {
    pub commit: &'static str,
    pub target: &'static str,
}

/// This build.
pub const BUILD: Build = Build {
    commit: env!("NETDIAG_COMMIT"),
    target: env!("NETDIAG_TARGET"),
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Tool {
    Nameresolver,
    Tcpping,
}

impl Tool {
    pub fn name(self) -> &'static str {
        match self {
            Self::Nameresolver => "nameresolver",
            Self::Tcpping => "tcpping",
        }
    }
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

/// How a run ends, for both tools.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// The name resolved, a connection was made; under `--no-probe`, no check failed.
    Success,
    /// The probe or a check failed.
    Failed,
    /// Bad input: arguments, app settings, snapshot files.
    BadInput,
    /// Ctrl-C ended the run before it could decide (130, as shells report SIGINT).
    Interrupted,
}

impl Exit {
    pub fn code(self) -> u8 {
        match self {
            Self::Success => 0,
            Self::Failed => 1,
            Self::BadInput => 2,
            Self::Interrupted => 130,
        }
    }
}

/// Why a run failed, for machines (the report's `error.kind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ErrorKind {
    /// Bad arguments (exit 2).
    Usage,
    /// Bad app settings or system configuration (exit 2).
    Config,
    /// A network snapshot that cannot be read (exit 2).
    Snapshot,
    /// `--azure` could not start: no token, an endpoint that may not be used (exit 2).
    Azure,
}

/// pass: the probe succeeded and nothing failed; fail: it failed; warn: it worked with
/// a problem worth fixing; error: the run could not start (bad input).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum VerdictStatus {
    Pass,
    Warn,
    Fail,
    Error,
}

/// The most likely cause in one sentence, and what to do next.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Verdict {
    pub status: VerdictStatus,
    /// The id of the check that is the likely cause, when a check failed.
    pub cause: Option<String>,
    pub summary: String,
    pub next_steps: Vec<String>,
    /// What the snapshot lacked for a check that applies to this target, by resource id
    /// where the snapshot references it (else the resource in words): a verdict with
    /// anything here is never `pass`.
    pub incomplete: Vec<String>,
}

impl Verdict {
    /// A verdict that names no check (the probe's own, or a run that did not start).
    pub fn new(status: VerdictStatus, summary: impl Into<String>, next_steps: Vec<String>) -> Self {
        Self {
            status,
            cause: None,
            summary: summary.into(),
            next_steps,
            incomplete: Vec::new(),
        }
    }

    /// The verdict as text: the likely cause (or the warning), then numbered next steps.
    pub fn render(&self) -> String {
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

/// Serialises a duration as milliseconds with microsecond precision.
pub fn millis<S: Serializer>(duration: &Duration, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_f64(to_millis(*duration))
}

/// A duration in milliseconds, rounded to the microsecond.
pub fn to_millis(duration: Duration) -> f64 {
    (duration.as_secs_f64() * 1_000_000.0).round() / 1000.0
}

/// A duration from the report's milliseconds (microsecond precision): a saved report's
/// times, read back. Negative or not finite is zero.
pub fn from_millis(millis: f64) -> Duration {
    // Whole microseconds, as the report wrote them.
    Duration::try_from_secs_f64((millis * 1000.0).round() / 1_000_000.0)
        .map(|d| Duration::from_micros(u64::try_from(d.as_micros()).unwrap_or(u64::MAX)))
        .unwrap_or_default()
}

/// A measured time as Kudu's lines print it: `1.42ms`.
pub fn display_millis(duration: Duration) -> String {
    format!("{:.2}ms", duration.as_secs_f64() * 1000.0)
}

/// A limit as the tools print it in sentences: `21s`, `300ms`.
pub fn display_duration(duration: Duration) -> String {
    humantime::format_duration(duration).to_string()
}

/// A duration or count the user typed that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DurationError {
    #[error("'{0}' is not a timeout: give one such as 3s or 500ms")]
    ZeroTimeout(String),
    /// A bare number that is surely not seconds (Windows `ping -w` takes milliseconds).
    #[error(
        "'{text}' without a unit is {seconds} seconds ({human}): did you mean {text}ms? Write the unit: {text}ms, or {text}s if you meant seconds"
    )]
    Unitless {
        text: String,
        seconds: String,
        human: String,
    },
    #[error("'{text}' is not a duration ({reason}); write it like {examples}")]
    NotADuration {
        text: String,
        reason: String,
        examples: &'static str,
    },
    #[error("0 would do nothing; give at least 1")]
    ZeroCount,
    #[error("'{0}' is not a whole number from 1 to {max}", max = u32::MAX)]
    NotACount(String),
}

/// A duration as users type it: humantime (`3s`, `500ms`, `1m 30s`) or, as tcping and
/// psping users do, a bare number of seconds (`2`, `0.5`).
fn parse_duration(text: &str, examples: &'static str) -> Result<Duration, DurationError> {
    let trimmed = text.trim();
    if let Ok(seconds) = trimmed.parse::<f64>() {
        // Windows' ping -w takes milliseconds: a bare 100 or more is a unit trap, and
        // anything over 10 minutes without a unit cannot be meant.
        if seconds >= UNITLESS_LIMIT_SECONDS {
            return Err(DurationError::Unitless {
                text: trimmed.to_owned(),
                seconds: trimmed.to_owned(),
                human: Duration::try_from_secs_f64(seconds).map_or_else(
                    |_| "longer than anything a probe waits".to_owned(),
                    |d| humantime::format_duration(Duration::from_secs(d.as_secs())).to_string(),
                ),
            });
        }
        return Duration::try_from_secs_f64(seconds).map_err(|_| DurationError::NotADuration {
            text: text.to_owned(),
            reason: "not a number of seconds from 0 up".to_owned(),
            examples,
        });
    }
    humantime::parse_duration(trimmed).map_err(|e| DurationError::NotADuration {
        text: text.to_owned(),
        reason: e.to_string(),
        examples,
    })
}

/// A bare number of seconds this large is taken for milliseconds typed without a unit.
const UNITLESS_LIMIT_SECONDS: f64 = 100.0;

/// Parses a timeout (`3s`, `500ms`, `2`); zero or less is refused because it would make
/// every probe fail without sending anything.
pub fn parse_timeout(text: &str) -> Result<Duration, DurationError> {
    if text.trim().parse::<f64>().is_ok_and(|n| n <= 0.0) {
        return Err(DurationError::ZeroTimeout(text.trim().to_owned()));
    }
    match parse_duration(text, "3s, 500ms, 1m or a number of seconds (2, 0.5)")? {
        duration if duration.is_zero() => Err(DurationError::ZeroTimeout(text.trim().to_owned())),
        duration => Ok(duration),
    }
}

/// Parses the pause between attempts (`1s`, `200ms`, `0.5`); unlike a timeout, zero is
/// allowed (`-i 0`).
pub fn parse_interval(text: &str) -> Result<Duration, DurationError> {
    parse_duration(text, "1s, 200ms, 0 or a number of seconds (0.5)")
}

/// Parses a count or a number of seconds: a whole number of at least 1.
pub fn parse_positive(text: &str) -> Result<u32, DurationError> {
    match text.trim().parse::<u32>() {
        Ok(0) => Err(DurationError::ZeroCount),
        Ok(number) => Ok(number),
        Err(_) => Err(DurationError::NotACount(text.to_owned())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn millis_keep_microseconds() {
        assert!((to_millis(Duration::from_micros(1420)) - 1.42).abs() < f64::EPSILON);
        assert!((to_millis(Duration::from_secs(3)) - 3000.0).abs() < f64::EPSILON);
        assert_eq!(display_millis(Duration::from_micros(1420)), "1.42ms");
    }

    #[test]
    fn durations_and_counts_as_users_type_them() {
        assert_eq!(parse_timeout("300ms"), Ok(Duration::from_millis(300)));
        assert_eq!(parse_timeout("3s"), Ok(Duration::from_secs(3)));
        // Bare numbers are seconds, as tcping and psping users type them.
        assert_eq!(parse_timeout("2"), Ok(Duration::from_secs(2)));
        assert_eq!(parse_timeout("0.5"), Ok(Duration::from_millis(500)));
        for bad in [
            "0s",
            "0",
            "",
            "three",
            "-1s",
            "3 parsecs",
            "-2",
            "NaN",
            "inf",
        ] {
            assert!(parse_timeout(bad).is_err(), "{bad}");
        }
        assert_eq!(parse_interval("0"), Ok(Duration::ZERO));
        assert_eq!(parse_interval("0.5"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_interval("200ms"), Ok(Duration::from_millis(200)));
        assert!(parse_interval("-1s").is_err());
        assert!(parse_interval("-0.5").is_err());
        assert!(
            parse_timeout("three")
                .unwrap_err()
                .to_string()
                .ends_with("write it like 3s, 500ms, 1m or a number of seconds (2, 0.5)"),
        );
        assert_eq!(parse_positive("4"), Ok(4));
        for bad in ["0", "-1", "four", "", "4294967296"] {
            assert!(parse_positive(bad).is_err(), "{bad}");
        }
        assert_eq!(
            parse_timeout("0s").unwrap_err().to_string(),
            "'0s' is not a timeout: give one such as 3s or 500ms"
        );
        // Windows ping's milliseconds, typed without a unit: asked, not waited for.
        assert!(
            parse_timeout("500")
                .unwrap_err()
                .to_string()
                .contains("did you mean 500ms?")
        );
        assert!(parse_interval("1e9").is_err());
        assert_eq!(parse_timeout("15m"), Ok(Duration::from_secs(900)));
        assert_eq!(parse_timeout("99"), Ok(Duration::from_secs(99)));
    }

    #[test]
    fn exit_codes_are_the_contract() {
        assert_eq!(
            [Exit::Success, Exit::Failed, Exit::BadInput].map(Exit::code),
            [0, 1, 2]
        );
    }
}

/// Ctrl-C, as a value the layers below the binaries can watch: the binary triggers it from
/// its signal handler; a wait that blocks a thread (an Azure request) polls it, an async
/// wait awaits [`Interrupt::wait`]. Clones share one flag.
#[derive(Debug, Clone, Default)]
pub struct Interrupt(std::sync::Arc<std::sync::atomic::AtomicBool>);

impl Interrupt {
    /// How often a blocked wait looks at the flag.
    pub const POLL: Duration = Duration::from_millis(25);

    pub fn trigger(&self) {
        self.0.store(true, std::sync::atomic::Ordering::SeqCst);
    }

    pub fn is_set(&self) -> bool {
        self.0.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Completes once the flag is set.
    pub async fn wait(&self) {
        while !self.is_set() {
            tokio::time::sleep(Self::POLL).await;
        }
    }

    /// Sleeps `duration` on this thread, or less when interrupted; whether it was.
    pub fn sleep(&self, duration: Duration) -> bool {
        let until = Instant::now() + duration;
        while !self.is_set() {
            let left = until.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return false;
            }
            std::thread::sleep(left.min(Self::POLL));
        }
        true
    }
}
