//! netdiag-core: network diagnostics for Azure App Service apps joined to a virtual
//! network (VNET Integration). The `nameresolver` and `tcpping` binaries parse arguments
//! and print; everything they know lives here.
//!
//! - [`settings`]: the app settings (environment) the tools read and may report;
//! - [`addr`]: parsing of server addresses and host names as users type them;
//! - [`dns`]: the app's DNS configuration and resolution with App Service's timing;
//! - [`report`]: the JSON support report both tools emit.

pub mod addr;
pub mod dns;
pub mod report;
pub mod settings;

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
    let first = rendered.lines().next().unwrap_or_default();
    let message = first.strip_prefix("error: ").unwrap_or(first).trim();
    format!("{message} (see '{tool} --help')")
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
    }
}
