//! The text renderer: the tool's own lines (Kudu's summary, the DNS servers' answers),
//! then the checklist led by the verdict and the path or, without a checklist, a verdict
//! worth reading (anything but a pass, or a pass with next steps: a run cut short by
//! Ctrl-C), each part apart from the next by one blank line; every line wrapped at the
//! style's width.
//!
//! It draws a [`Saved`] report, the run's own as its JSON reader sees it: the text of a
//! run and the text `--from-report` gives for its saved report are one rendering.

use super::Style;
use crate::checklist::render::{Row, Sheet, render as render_checklist};
use crate::report::Saved;
use crate::vocab::VerdictStatus;
use crate::wrap::wrap;

/// What stdout shows without `--json`, after any lines printed live.
pub fn render(report: &Saved, style: Style) -> String {
    let mut text = report.printed.lines.clone();
    let verdict = &report.verdict;
    match &report.printed.header {
        Some(header) => {
            separate(&mut text);
            let path_to = report
                .target
                .as_ref()
                .map_or_else(|| "the target".to_owned(), crate::report::Target::display);
            let sheet = Sheet {
                header,
                rows: report
                    .checklist
                    .iter()
                    .map(|c| Row {
                        id: &c.id,
                        stage: c.stage,
                        status: c.status,
                        title: &c.title,
                        evidence: &c.evidence,
                        remedy: &c.remedy,
                        skip: c.skip,
                    })
                    .collect(),
                verdict,
                path: &report.path,
                path_to: &path_to,
                mode: report.snapshot.as_ref().map(|s| s.mode),
            };
            text.push_str(&render_checklist(&sheet, style.marks, style.width));
        }
        None if verdict.status != VerdictStatus::Pass || !verdict.next_steps.is_empty() => {
            separate(&mut text);
            text.push_str(&verdict.render());
        }
        None => {}
    }
    wrap(&text, style.width)
}

/// The lines a run printed live (`tcpping`'s attempts), from a saved report that kept
/// them, each wrapped as it was printed.
pub fn live_lines(report: &Saved, style: Style) -> String {
    report
        .printed
        .live
        .iter()
        .map(|line| live_line(line, style) + "\n")
        .collect()
}

/// One line as it is printed live (an attempt's line), wrapped at the style's width.
pub fn live_line(line: &str, style: Style) -> String {
    wrap(line, style.width)
}

/// Ends `text` with one blank line, so that what follows stands apart.
pub fn separate(text: &mut String) {
    if !text.is_empty() && !text.ends_with("\n\n") {
        if !text.ends_with('\n') {
            text.push('\n');
        }
        text.push('\n');
    }
}
