//! How a run's outcome is printed: a [`Format`] chosen once from the flags, and one
//! renderer per format, each in its own file ([`text`], [`json`], and [`html`] for the
//! page `--html` writes beside either); [`from_report`] draws a saved report again. A renderer reads the
//! finished report and the checklist; it decides nothing. The [`Style`] (marks, width) is
//! what the binaries found out about the terminal, passed in.

pub mod html;
pub mod json;
pub mod text;

use crate::checklist::render::Marks;
pub use crate::wrap::DEFAULT_WIDTH;

/// How a run prints its outcome, chosen once from the flags.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// Kudu's lines, the checklist and the verdict, for people.
    #[default]
    Text,
    /// The JSON support report (`--json`).
    Json,
}

/// How text is drawn on this output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Style {
    /// Colour marks (a terminal without `NO_COLOR`) or plain ones.
    pub marks: Marks,
    /// The columns a line may take: the terminal's, [`DEFAULT_WIDTH`] otherwise.
    pub width: usize,
}

impl Default for Style {
    /// Plain marks at the default width: what a file or the Kudu console gets.
    fn default() -> Self {
        Self {
            marks: Marks::Ascii,
            width: DEFAULT_WIDTH,
        }
    }
}

/// A saved report (`--from-report`), read and drawn again as the run that wrote it drew
/// it: the text (the attempts' live lines, then the rest), or the HTML page. Nothing is
/// sent and nothing else is read.
pub struct FromReport {
    pub saved: crate::report::Saved,
    pub json: serde_json::Value,
}

/// Reads a saved report's text; the error says why it is not one.
pub fn from_report(text: &str) -> Result<FromReport, crate::report::NotAReport> {
    let saved = crate::report::Saved::from_json(text)?;
    let json = serde_json::from_str(text).unwrap_or_default();
    Ok(FromReport { saved, json })
}

impl FromReport {
    /// The text the run printed: its live lines, then the rest.
    pub fn text(&self, style: Style) -> String {
        text::live_lines(&self.saved, style) + &text::render(&self.saved, style)
    }

    /// The page `--html` writes.
    pub fn html(&self) -> String {
        html::page(&self.saved, &self.json)
    }

    /// The report as `--json` prints it.
    pub fn json(&self) -> String {
        serde_json::to_string_pretty(&self.json).unwrap_or_default() + "\n"
    }
}
