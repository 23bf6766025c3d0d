//! The JSON renderer: the support report, pretty-printed, one trailing newline.

use crate::report::Report;

/// What stdout shows with `--json`.
pub fn render(report: &Report) -> String {
    report.to_json() + "\n"
}
