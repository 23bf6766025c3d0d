//! How a run's outcome is printed: a [`Format`] chosen once from the flags, and one
//! renderer per format, each in its own file ([`text`], [`json`]). A renderer reads the
//! finished report and the checklist; it decides nothing. The [`Style`] (marks, width) is
//! what the binaries found out about the terminal, passed in.

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
