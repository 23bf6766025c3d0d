//! The checklist as people read it: grouped by the tree's stages, failures and warnings
//! first within a stage, one clear mark per check, then the verdict. Plain ASCII marks
//! when the output is not a terminal or `NO_COLOR` is set; colour marks otherwise.

use std::fmt::Write as _;

use super::drawing::{Hop, HopKind};
use super::vocab::{Mode, SkipKind, Stage, Status};
use crate::vocab::Verdict;
use crate::wrap::wrap_hanging;

/// How marks are drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Marks {
    Ascii,
    Color,
}

impl Marks {
    /// Colour only on a terminal, and never with `NO_COLOR` set (any value).
    pub fn choose(is_terminal: bool, no_color: bool) -> Self {
        if is_terminal && !no_color {
            Self::Color
        } else {
            Self::Ascii
        }
    }

    fn mark(self, status: Status) -> &'static str {
        match (self, status) {
            // The report's own words, `manual` included, in one width.
            (Self::Ascii, Status::Pass) => "[  ok  ]",
            (Self::Ascii, Status::Fail) => "[ FAIL ]",
            (Self::Ascii, Status::Warn) => "[ WARN ]",
            (Self::Ascii, Status::Skip) => "[ skip ]",
            (Self::Ascii, Status::Manual) => "[manual]",
            (Self::Color, Status::Pass) => "\x1b[32m   ✓    \x1b[0m",
            (Self::Color, Status::Fail) => "\x1b[1;31m   ✗    \x1b[0m",
            (Self::Color, Status::Warn) => "\x1b[33m   !    \x1b[0m",
            (Self::Color, Status::Skip) => "\x1b[2m   -    \x1b[0m",
            (Self::Color, Status::Manual) => "\x1b[36m   ?    \x1b[0m",
        }
    }
}

/// The stages in the tree's order: how the text and the page group the checks.
pub const STAGES: [Stage; 7] = [
    Stage::Probe,
    Stage::App,
    Stage::Integration,
    Stage::Addresses,
    Stage::Path,
    Stage::Target,
    Stage::Host,
];

/// Where a status sorts within its stage: problems first.
pub fn order(status: Status) -> u8 {
    match status {
        Status::Fail => 0,
        Status::Warn => 1,
        Status::Manual => 2,
        Status::Pass => 3,
        Status::Skip => 4,
    }
}

/// Where a row's text starts: after the mark (6 columns, plain or coloured), a space, the
/// id padded to 22 and a space; continuation lines and a problem's evidence and remedy
/// start there too.
const TEXT_COLUMN: usize = 8 + 1 + ID_WIDTH + 1;
/// The longest check id (`platform.key-vault-refs`).
const ID_WIDTH: usize = 23;

/// One row of the checklist as text draws it (from a check of a report, this run's or a
/// saved one).
pub struct Row<'a> {
    pub id: &'a str,
    pub stage: Stage,
    pub status: Status,
    pub title: &'a str,
    pub evidence: &'a str,
    pub remedy: &'a str,
    pub skip: Option<SkipKind>,
}

/// What the checklist's text is drawn from.
pub struct Sheet<'a> {
    pub header: &'a str,
    pub rows: Vec<Row<'a>>,
    pub verdict: &'a Verdict,
    pub path: &'a [Hop],
    /// Where the path leads: `sql-fabrikam.database.windows.net:1433`.
    pub path_to: &'a str,
    /// The app's integration mode, which checks of another mode are counted for.
    pub mode: Option<Mode>,
}

/// The checklist and verdict, as text: the verdict first, so the first screen says what
/// is wrong and what to do; then the path, drawn; then each stage's checks. Rows are
/// wrapped at `width` with their continuation under their text (the rest of the output
/// is wrapped by the text renderer, which leaves lines that fit alone).
pub fn render(sheet: &Sheet<'_>, marks: Marks, width: usize) -> String {
    let mut out = format!("{}\n\n{}", sheet.header, sheet.verdict.render());
    if !sheet.path.is_empty() {
        out.push('\n');
        out.push_str(&draw_path(sheet.path, sheet.path_to, width));
    }
    let checks = &sheet.rows;
    let needs_snapshot = |c: &&Row<'_>| c.skip == Some(SkipKind::NoSnapshot);
    let no_snapshot = checks.iter().filter(needs_snapshot).count();
    // Checks of the other integration mode are counted, not listed one by one.
    let other_mode = |c: &&Row<'_>| c.skip == Some(SkipKind::OtherMode);
    let hidden = |c: &&Row<'_>| needs_snapshot(c) || other_mode(c);
    let mode_skipped: Vec<&Row<'_>> = checks.iter().filter(other_mode).collect();
    for stage in STAGES {
        let mut in_stage: Vec<&Row<'_>> = checks
            .iter()
            .filter(|c| c.stage == stage && !hidden(c))
            .collect();
        if in_stage.is_empty() {
            continue;
        }
        in_stage.sort_by_key(|c| order(c.status));
        let _ = writeln!(out, "\n{}", stage.title());
        for check in in_stage {
            let mark = marks.mark(check.status);
            let mut row = |line: String, indent: usize| {
                let _ = writeln!(out, "{}", wrap_hanging(&line, indent, width));
            };
            let blank = " ".repeat(TEXT_COLUMN);
            match check.status {
                // Settled: one line, what was seen.
                Status::Pass | Status::Skip => {
                    row(
                        format!("{mark} {:<ID_WIDTH$} {}", check.id, check.evidence),
                        TEXT_COLUMN,
                    );
                    // A skip for want of a resource says how to bring it (the export, or
                    // the role to grant), as the report does.
                    if check.skip == Some(SkipKind::Missing) && !check.remedy.is_empty() {
                        row(format!("{blank}-> {}", check.remedy), TEXT_COLUMN + 3);
                    }
                }
                Status::Fail | Status::Warn | Status::Manual => {
                    row(
                        format!("{mark} {:<ID_WIDTH$} {}", check.id, check.title),
                        TEXT_COLUMN,
                    );
                    row(format!("{blank}{}", check.evidence), TEXT_COLUMN);
                    if !check.remedy.is_empty() {
                        row(format!("{blank}-> {}", check.remedy), TEXT_COLUMN + 3);
                    }
                }
            }
        }
    }
    if let (Some(mode), false) = (sheet.mode, mode_skipped.is_empty()) {
        // Without the app's integration, the checks of both modes are about an
        // integration it does not have.
        let _ = writeln!(
            out,
            "\n{} checks do not apply to {} ({}).",
            mode_skipped.len(),
            mode.as_subject(),
            mode_skipped
                .iter()
                .map(|c| c.id)
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    if no_snapshot > 0 {
        let _ = writeln!(
            out,
            "\n{no_snapshot} more checks (app, plan, gateway, routes, NSGs) need the network snapshot: export it and pass --network, or read it from Azure with --azure (inside the app)."
        );
    }
    out
}

/// The mark of a hop: `ok`, `!!` warn, `XX` fail, `..` not decided (ASCII only: the
/// Windows console shows it as is).
fn hop_mark(status: Status) -> &'static str {
    match status {
        Status::Pass => "ok",
        Status::Warn => "!!",
        Status::Fail => "XX",
        Status::Skip | Status::Manual => "..",
    }
}

/// `Path from fabrikam-api to sql-fabrikam.database.windows.net:1433`: the app's name is
/// its hop's name up to the source range.
pub fn path_title(hops: &[Hop], to: &str) -> String {
    let from = hops
        .iter()
        .find(|h| h.hop == HopKind::App)
        .and_then(|h| h.name.split([',', '(']).next())
        .map_or("the app", str::trim);
    format!("Path from {from} to {to}")
}

/// The path as text: a title, then one hop a line, `  XX  DNS 10.20.1.4 -> ...` with the
/// check id in a column on the right; a hop too long for the width wraps under its own
/// text, its check id staying on its first line.
pub fn draw_path(hops: &[Hop], to: &str, width: usize) -> String {
    const LEFT: usize = 6; // "  XX  "
    let mut out = format!("{}\n", path_title(hops, to));
    let check_width = hops.iter().map(|h| h.check.len()).max().unwrap_or(0);
    let lines: Vec<String> = hops
        .iter()
        .map(|h| format!("{} {}", h.hop.label(), h.name))
        .collect();
    // The text column: as wide as the longest hop, but leaving room for the check ids.
    let room = width
        .saturating_sub(LEFT + 2 + check_width)
        .max(crate::wrap::MIN_WIDTH);
    let text_width = lines.iter().map(String::len).max().unwrap_or(0).min(room);
    for (hop, line) in hops.iter().zip(&lines) {
        let wrapped = wrap_hanging(line, 2, text_width);
        let mut parts = wrapped.split('\n');
        let first = parts.next().unwrap_or("");
        let _ = writeln!(
            out,
            "  {:<2}  {first:<text_width$}  {}",
            hop_mark(hop.status),
            hop.check
        );
        for rest in parts {
            let _ = writeln!(out, "{}{rest}", " ".repeat(LEFT));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colour_only_on_a_terminal_without_no_color() {
        assert_eq!(Marks::choose(true, false), Marks::Color);
        assert_eq!(Marks::choose(true, true), Marks::Ascii);
        assert_eq!(Marks::choose(false, false), Marks::Ascii);
        assert!(Marks::Ascii.mark(Status::Fail).is_ascii());
        // The status as the report says it (issue 24, point 10).
        assert_eq!(Marks::Ascii.mark(Status::Manual), "[manual]");
    }

    /// Both kinds of marks take the same columns, so that rows line up under
    /// [`TEXT_COLUMN`] on a terminal too.
    #[test]
    fn every_mark_is_eight_columns() {
        for status in [
            Status::Pass,
            Status::Fail,
            Status::Warn,
            Status::Skip,
            Status::Manual,
        ] {
            for marks in [Marks::Ascii, Marks::Color] {
                assert_eq!(crate::wrap::display_width(marks.mark(status)), 8);
            }
        }
    }
}
