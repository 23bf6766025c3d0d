//! The human output of `tcpping`, in Kudu's lines:
//!
//! ```text
//! Connected to db.contoso.internal:1433, time taken: 1.42ms
//! Connection attempt failed: Connection timed out after 21s (...what it usually means)
//! Complete: 1/2 successful attempts (50%). Average success time: 1.42ms
//! ```

use std::time::Duration;

use super::{TcpAttempt, TcpOutcome, TcpSummary, display_optional};

/// The one line of an attempt that tried several addresses of a name (in the resolver's
/// order, until one connected): Kudu prints one line per attempt, so a dual-stack name
/// that fails on both gets one line naming both, and a connect after a failure says
/// what failed first.
pub fn attempt_lines(target: &str, tries: &[TcpAttempt], timeout: Duration) -> String {
    let Some((last, earlier)) = tries.split_last() else {
        return String::new();
    };
    if earlier.is_empty() {
        return attempt_line(target, last, timeout);
    }
    let ip = |t: &TcpAttempt| t.address.map_or_else(String::new, |a| a.ip().to_string());
    if last.outcome == TcpOutcome::Connected {
        let before: Vec<String> = earlier
            .iter()
            .map(|t| format!("{} {}", ip(t), t.outcome.as_str()))
            .collect();
        return format!(
            "{} (after {})",
            attempt_line(target, last, timeout),
            before.join(", ")
        );
    }
    if earlier
        .iter()
        .all(|t| t.outcome == last.outcome && t.message == last.message)
    {
        let all: Vec<String> = tries.iter().map(ip).collect();
        return line_at(&format!("{target} ({})", all.join(", ")), last, timeout);
    }
    let failures: Vec<String> = tries
        .iter()
        .map(|t| {
            attempt_line(target, t, timeout)
                .trim_start_matches(FAILED)
                .to_owned()
        })
        .collect();
    format!("{FAILED}{}", failures.join("; "))
}

const FAILED: &str = "Connection attempt failed: ";

/// The line for one attempt, naming where it went: `target` as the user typed it (the
/// default port made visible) and, for a name, the address it reached or failed on.
pub fn attempt_line(target: &str, attempt: &TcpAttempt, timeout: Duration) -> String {
    let place = match attempt.address {
        Some(address) if address.to_string() != target => format!("{target} ({})", address.ip()),
        _ => target.to_owned(),
    };
    line_at(&place, attempt, timeout)
}

/// An attempt's line, `place` saying where it went.
fn line_at(place: &str, attempt: &TcpAttempt, timeout: Duration) -> String {
    let meaning = attempt.outcome.meaning();
    let os_message = attempt.message.as_deref().unwrap_or("unknown error");
    match attempt.outcome {
        TcpOutcome::Connected => format!(
            "Connected to {place}, time taken: {}",
            crate::vocab::display_millis(attempt.elapsed)
        ),
        TcpOutcome::Timeout => format!(
            "Connection attempt failed: Connection timed out after {} at {place} ({meaning})",
            humantime::format_duration(timeout)
        ),
        TcpOutcome::Refused => {
            format!("Connection attempt failed: Connection refused at {place} ({meaning})")
        }
        TcpOutcome::Reset => {
            format!("Connection attempt failed: Connection reset at {place} ({meaning})")
        }
        TcpOutcome::Unreachable => {
            format!("Connection attempt failed: {os_message} at {place} ({meaning})")
        }
        TcpOutcome::Dns => format!("Connection attempt failed: {os_message}"),
        TcpOutcome::Error | TcpOutcome::Interrupted => {
            format!("Connection attempt failed: {os_message} at {place}")
        }
    }
}

/// The closing lines: Kudu's `Complete:` line, then the spread of connect times.
pub fn summary_lines(summary: &TcpSummary) -> Vec<String> {
    let mut lines = Vec::new();
    if summary.interrupted {
        lines.push("Interrupted.".to_owned());
    }
    let mut complete = format!(
        "Complete: {}/{} successful attempts ({}%).",
        summary.connected, summary.attempts, summary.success_percent
    );
    if summary.connected > 0 {
        complete = format!(
            "{complete} Average success time: {}",
            display_optional(summary.average)
        );
    }
    lines.push(complete);
    if summary.connected > 0 {
        lines.push(format!(
            "Connect times: min {}, median {}, p95 {}, max {}, jitter {}",
            display_optional(summary.min),
            display_optional(summary.median),
            display_optional(summary.p95),
            display_optional(summary.max),
            display_optional(summary.jitter),
        ));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tcp::{ProbeRun, TcpSummary};

    fn attempt(outcome: TcpOutcome, micros: u64) -> TcpAttempt {
        TcpAttempt {
            seq: 1,
            at: std::time::SystemTime::now(),
            local: None,
            address: Some("10.1.2.4:1433".parse().unwrap()),
            outcome,
            elapsed: Duration::from_micros(micros),
            message: Some("No route to host (os error 113)".to_owned()),
            os_error: Some(113),
        }
    }

    #[test]
    fn kudu_lines() {
        let timeout = Duration::from_secs(21);
        let target = "db.contoso.internal:1433";
        // Every line names where it went: the name and port, and the address reached.
        assert_eq!(
            attempt_line(target, &attempt(TcpOutcome::Connected, 1420), timeout),
            "Connected to db.contoso.internal:1433 (10.1.2.4), time taken: 1.42ms"
        );
        assert!(
            attempt_line(target, &attempt(TcpOutcome::Timeout, 21_000_000), timeout)
                .starts_with("Connection attempt failed: Connection timed out after 21s at db.contoso.internal:1433 (10.1.2.4) (")
        );
        assert!(
            attempt_line(target, &attempt(TcpOutcome::Unreachable, 5), timeout).starts_with(
                "Connection attempt failed: No route to host (os error 113) at db.contoso.internal:1433 (10.1.2.4) ("
            )
        );
        // An IP target is named once.
        assert_eq!(
            attempt_line(
                "10.1.2.4:1433",
                &attempt(TcpOutcome::Connected, 1420),
                timeout
            ),
            "Connected to 10.1.2.4:1433, time taken: 1.42ms"
        );
        let run = ProbeRun::from_attempts(
            vec![
                attempt(TcpOutcome::Connected, 1420),
                attempt(TcpOutcome::Timeout, 21_000_000),
            ],
            false,
        );
        assert_eq!(
            summary_lines(&TcpSummary::of(&run)),
            [
                "Complete: 1/2 successful attempts (50%). Average success time: 1.42ms",
                "Connect times: min 1.42ms, median 1.42ms, p95 1.42ms, max 1.42ms, jitter 0.00ms",
            ]
        );
        let failed = ProbeRun::from_attempts(vec![attempt(TcpOutcome::Refused, 90)], true);
        assert_eq!(
            summary_lines(&TcpSummary::of(&failed)),
            ["Interrupted.", "Complete: 0/1 successful attempts (0%)."]
        );
    }
}
