//! Wrapping text at a width: the terminal's, or 100 columns when the output is not a
//! terminal (the Kudu console, a file, a pipe). A long line breaks at spaces, and its
//! continuation lines hang under the text they continue (a numbered step's text, a
//! remedy after `-> `, a checklist row's evidence), so that the shape of the output stays
//! readable. A word longer than the width (a resource id, a URL) is never cut: it stands
//! alone on its line after the indentation, so that it can still be copied whole.
//!
//! Width counts characters, not bytes, and skips colour escapes (`ESC [ ... m`): the marks
//! of the checklist are one column each on a terminal.

/// The width when the output is not a terminal.
pub const DEFAULT_WIDTH: usize = 100;

/// The narrowest width honoured: below it, continuation lines would hold a word or two.
pub const MIN_WIDTH: usize = 40;

/// The columns `text` takes on a terminal: characters, without colour escapes.
pub fn display_width(text: &str) -> usize {
    let mut width = 0;
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            // A CSI sequence: ESC [ parameters final-byte (a letter).
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            width += 1;
        }
    }
    width
}

/// Every line of `text` at most `width` columns (but for an unbreakable word), each long
/// line's continuation hung as [`hanging_indent`] says. Lines that fit are left as they are.
pub fn wrap(text: &str, width: usize) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 16);
    for (index, line) in text.split('\n').enumerate() {
        if index > 0 {
            out.push('\n');
        }
        if display_width(line) <= width.max(MIN_WIDTH) {
            out.push_str(line);
        } else {
            out.push_str(&wrap_hanging(line, hanging_indent(line), width));
        }
    }
    out
}

/// Where a long line's continuation starts: under the text after its indentation and its
/// leader (`1. `, `-> `, `- `); a line without a leader continues two columns in, so that
/// the continuation reads as part of it.
pub fn hanging_indent(line: &str) -> usize {
    let body = line.trim_start_matches(' ');
    let indent = line.len() - body.len();
    let leader = body
        .split_once(' ')
        .map(|(first, _)| first)
        .filter(|first| {
            *first == "->"
                || *first == "-"
                || first
                    .strip_suffix('.')
                    .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
        });
    match leader {
        Some(leader) => indent + leader.len() + 1,
        None => indent + 2,
    }
}

/// `line` broken at spaces into lines of at most `width` columns, every line after the
/// first starting with `indent` spaces. Runs of spaces inside the first line's leading
/// part (a table's padding) are kept; a break eats the space it replaces.
pub fn wrap_hanging(line: &str, indent: usize, width: usize) -> String {
    let width = width.max(MIN_WIDTH);
    // A hanging indent that leaves less than half the width is pulled back to keep room.
    let indent = indent.min(width / 2);
    let pad = " ".repeat(indent);
    let mut out = String::with_capacity(line.len() + 16);
    let mut column = 0;
    let mut pending_space = "";
    let mut first = true;
    for (word, space) in words(line) {
        let word_width = display_width(word);
        let space_width = pending_space.len();
        if !first && column + space_width + word_width > width && column > indent {
            out.push('\n');
            out.push_str(&pad);
            column = indent;
        } else {
            out.push_str(pending_space);
            column += space_width;
        }
        out.push_str(word);
        column += word_width;
        pending_space = space;
        first = false;
    }
    out
}

/// The words of `line`, each with the run of spaces after it; leading spaces are part of
/// the first word, so that indentation survives.
fn words(line: &str) -> Vec<(&str, &str)> {
    let mut words = Vec::new();
    let leading = line.len() - line.trim_start_matches(' ').len();
    let mut rest = line;
    let mut start_at = leading;
    while !rest.is_empty() {
        let word_end = rest[start_at..]
            .find(' ')
            .map_or(rest.len(), |i| start_at + i);
        let after = &rest[word_end..];
        let space_end = word_end + (after.len() - after.trim_start_matches(' ').len());
        words.push((&rest[..word_end], &rest[word_end..space_end]));
        rest = &rest[space_end..];
        start_at = 0;
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    fn widest(text: &str) -> usize {
        text.lines().map(display_width).max().unwrap_or(0)
    }

    #[test]
    fn a_line_that_fits_is_left_alone() {
        let line = "[ ok ] plan.tier              plan plan-contoso is Standard";
        assert_eq!(wrap(line, 100), line);
        assert_eq!(wrap("a\n\nb\n", 40), "a\n\nb\n");
    }

    #[test]
    fn a_step_continues_under_its_text() {
        let line = format!("  1. {}", "word ".repeat(30).trim_end());
        let wrapped = wrap(&line, 60);
        assert!(widest(&wrapped) <= 60, "{wrapped}");
        for continuation in wrapped.lines().skip(1) {
            assert!(continuation.starts_with("     word"), "{wrapped}");
        }
        assert_eq!(wrapped.split_whitespace().count(), 31);
    }

    #[test]
    fn a_remedy_continues_after_its_arrow() {
        let line = format!("{}-> {}", " ".repeat(30), "allow ".repeat(20).trim_end());
        let wrapped = wrap(&line, 70);
        assert!(widest(&wrapped) <= 70);
        assert!(wrapped.lines().nth(1).unwrap().starts_with(&" ".repeat(33)));
    }

    #[test]
    fn an_unbreakable_id_stands_alone_and_whole() {
        let id = "/subscriptions/6f1c2a4e-0000-4000-8000-00000000c0de/resourceGroups/rg-contoso/providers/Microsoft.Network/networkSecurityGroups/nsg-data";
        let line = format!("the NSG {id} is referenced but missing");
        let wrapped = wrap(&line, 60);
        let lines: Vec<&str> = wrapped.lines().collect();
        assert_eq!(
            lines,
            ["the NSG", &format!("  {id}"), "  is referenced but missing"]
        );
    }

    #[test]
    fn colour_escapes_take_no_columns() {
        let marked = "\x1b[1;31m  ✗ \x1b[0m tcp.connect";
        assert_eq!(display_width(marked), 16);
    }

    #[test]
    fn a_tiny_width_is_raised_to_a_readable_one() {
        let line = "a ".repeat(50);
        assert!(widest(&wrap(line.trim_end(), 5)) <= MIN_WIDTH);
    }
}
