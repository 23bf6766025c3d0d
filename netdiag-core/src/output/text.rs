//! The text renderer: the tool's own lines (Kudu's summary, the DNS servers' answers),
//! then the checklist led by the verdict or, without a checklist, a verdict worth reading
//! (anything but a pass, or a pass with next steps: a run cut short by Ctrl-C), each part apart from the next by one blank line; every line
//! wrapped at the style's width.

use super::Style;
use crate::checklist::Evaluation;
use crate::vocab::{Verdict, VerdictStatus};
use crate::wrap::wrap;

/// What stdout shows without `--json`, after any lines printed live.
pub fn render(
    own_lines: &str,
    checklist: Option<&Evaluation>,
    verdict: &Verdict,
    style: Style,
) -> String {
    let mut text = own_lines.to_owned();
    match checklist {
        Some(evaluation) => {
            separate(&mut text);
            text.push_str(&evaluation.render(verdict, style.marks, style.width));
        }
        None if verdict.status != VerdictStatus::Pass || !verdict.next_steps.is_empty() => {
            separate(&mut text);
            text.push_str(&verdict.render());
        }
        None => {}
    }
    wrap(&text, style.width)
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
