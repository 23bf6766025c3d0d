//! What both command lines share: exit codes, timeout parsing, the one-line `error:`
//! message, and the output of a run that could not start (bad input).

use crate::report::{Clock, ErrorKind, Report, Tool};
use crate::settings::AppSettings;

/// Exit codes shared by both tools.
pub mod exit {
    /// The probe succeeded (name resolved, a connection was made).
    pub const SUCCESS: u8 = 0;
    /// The probe or a check failed.
    pub const FAILED: u8 = 1;
    /// Bad input: arguments, app settings, snapshot files.
    pub const BAD_INPUT: u8 = 2;
}

/// Parses a timeout as users type it (`3s`, `500ms`, `1m 30s`); zero is refused because
/// it would make every probe fail without sending anything.
pub fn parse_timeout(text: &str) -> Result<std::time::Duration, String> {
    match humantime::parse_duration(text.trim()) {
        Ok(duration) if duration.is_zero() => Err(format!(
            "'{text}' is zero; give a timeout such as 3s or 500ms"
        )),
        Ok(duration) => Ok(duration),
        Err(e) => Err(format!(
            "'{text}' is not a duration ({e}); write it like 3s, 500ms or 1m"
        )),
    }
}

/// Turns clap's rendered error (several lines: message, usage, tip) into the one line the
/// tools print after `error: `.
pub fn usage_error_line(rendered: &str, tool: &str) -> String {
    // The message is clap's first paragraph; some continue on indented lines
    // ("required arguments were not provided:\n  --network <PATH>").
    let paragraph: Vec<&str> = rendered
        .lines()
        .take_while(|line| !line.trim().is_empty())
        .map(str::trim)
        .collect();
    let joined = paragraph.join(" ");
    let message = joined.strip_prefix("error: ").unwrap_or(&joined).trim();
    format!("{message} (see '{tool} --help')")
}

/// Parses the pause between attempts; unlike a timeout, zero is allowed (`-i 0`).
pub fn parse_interval(text: &str) -> Result<std::time::Duration, String> {
    if text.trim() == "0" {
        return Ok(std::time::Duration::ZERO);
    }
    humantime::parse_duration(text.trim())
        .map_err(|e| format!("'{text}' is not a duration ({e}); write it like 1s, 200ms or 0"))
}

/// Parses a count or a number of seconds: a whole number of at least 1.
pub fn parse_positive(text: &str) -> Result<u32, String> {
    match text.trim().parse::<u32>() {
        Ok(0) => Err("0 would do nothing; give at least 1".to_owned()),
        Ok(number) => Ok(number),
        Err(_) => Err(format!(
            "'{text}' is not a whole number from 1 to {}",
            u32::MAX
        )),
    }
}

/// A duration as the tools print it in sentences: `21s`, `300ms`.
pub fn display_duration(duration: std::time::Duration) -> String {
    humantime::format_duration(duration).to_string()
}

/// What a tool prints when its input is bad: one `error:` line for stderr and, with
/// `--json`, a complete report carrying the error for stdout.
pub struct InputFailure {
    pub error_line: String,
    pub report_json: Option<String>,
}

pub fn input_failure(
    tool: Tool,
    clock: Clock,
    settings: &AppSettings,
    kind: ErrorKind,
    message: &str,
    json: bool,
) -> InputFailure {
    InputFailure {
        error_line: format!("error: {message}"),
        report_json: json.then(|| {
            Report::input_error(tool, clock, settings.reported().clone(), kind, message).to_json()
        }),
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    #[test]
    fn timeouts() {
        assert_eq!(
            super::parse_timeout("300ms"),
            Ok(Duration::from_millis(300))
        );
        assert_eq!(super::parse_timeout("3s"), Ok(Duration::from_secs(3)));
        for bad in ["0s", "0", "", "three", "-1s", "3 parsecs"] {
            assert!(super::parse_timeout(bad).is_err(), "{bad}");
        }
        assert_eq!(super::parse_interval("0"), Ok(Duration::ZERO));
        assert_eq!(
            super::parse_interval("200ms"),
            Ok(Duration::from_millis(200))
        );
        assert!(super::parse_interval("-1s").is_err());
        assert_eq!(super::parse_positive("4"), Ok(4));
        for bad in ["0", "-1", "four", "", "4294967296"] {
            assert!(super::parse_positive(bad).is_err(), "{bad}");
        }
    }
}
