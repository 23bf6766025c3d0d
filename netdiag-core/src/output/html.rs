//! The HTML renderer (`--html FILE`): the report as one self-contained page that a
//! support engineer opens from a ticket. No external resource and no script is needed to
//! read it (the one `<script>` element holds the report itself, as data); it prints on
//! paper as it shows on screen.
//!
//! The order is what a reader needs first: the verdict and next steps, the path as an
//! inline SVG with the failing hop marked, every check with its evidence and remedy
//! (grouped by stage, problems first), the DNS and TCP attempts, the snapshot's files,
//! then the report embedded in `<script type="application/json" id="report">`.

use std::fmt::Write as _;

use serde_json::Value;

use crate::checklist::render::{STAGES, order, path_title};
use crate::checklist::vocab::SkipKind;
use crate::checklist::{Hop, Status};
use crate::report::{Saved, SavedCheck};
use crate::vocab::VerdictStatus;

/// The page for a report: `saved` is what the text draws, `report` the whole JSON (its
/// attempts and files are tabled as they are, and it is embedded whole).
pub fn page(saved: &Saved, report: &Value) -> String {
    let mut out = String::with_capacity(64 * 1024);
    let target = saved
        .target
        .as_ref()
        .map_or_else(|| "no target".to_owned(), crate::report::Target::display);
    let status = status_word(saved.verdict.status);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"netdiag {version}\">\n\
         <title>{tool} {target}: {status}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        version = escape(text(report, "version")),
        tool = escape(saved.tool.name()),
        target = escape(&target),
    );
    header(&mut out, saved, report, &target);
    verdict(&mut out, saved);
    if !saved.path.is_empty() {
        path(&mut out, &saved.path, &target);
    }
    checks(
        &mut out,
        &saved.checklist,
        saved.snapshot.as_ref().map(|s| s.mode),
    );
    dns_attempts(&mut out, report);
    tcp_attempts(&mut out, report);
    snapshot_files(&mut out, report);
    embedded(&mut out, report);
    out.push_str("</body>\n</html>\n");
    out
}

fn status_word(status: VerdictStatus) -> &'static str {
    match status {
        VerdictStatus::Pass => "pass",
        VerdictStatus::Warn => "warn",
        VerdictStatus::Fail => "fail",
        VerdictStatus::Error => "error",
    }
}

fn check_word(status: Status) -> &'static str {
    match status {
        Status::Pass => "pass",
        Status::Fail => "fail",
        Status::Warn => "warn",
        Status::Skip => "skip",
        Status::Manual => "manual",
    }
}

/// Text made safe for HTML content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn text<'a>(value: &'a Value, field: &str) -> &'a str {
    value.get(field).and_then(Value::as_str).unwrap_or("")
}

/// A JSON value as a table cell: strings bare, `null` empty, numbers as written.
fn cell(value: Option<&Value>) -> String {
    match value {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => escape(s),
        Some(other) => escape(&other.to_string()),
    }
}

fn header(out: &mut String, saved: &Saved, report: &Value, target: &str) {
    let invocation: Vec<&str> = report
        .get("invocation")
        .and_then(Value::as_array)
        .map(|args| args.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let _ = write!(
        out,
        "<header>\n<p class=\"tool\">netdiag {tool} report</p>\n<h1>{target}</h1>\n<dl class=\"run\">\
         <dt>Run</dt><dd><code>{tool} {args}</code></dd>\
         <dt>Started</dt><dd>{started}</dd><dt>Machine</dt><dd>{machine}</dd>\
         <dt>Version</dt><dd>{version}</dd></dl>\n</header>\n",
        tool = escape(saved.tool.name()),
        target = escape(target),
        args = escape(&invocation.join(" ")),
        started = escape(text(report, "started_at")),
        machine = escape(text(report, "machine")),
        version = escape(text(report, "version")),
    );
}

fn verdict(out: &mut String, saved: &Saved) {
    let verdict = &saved.verdict;
    let label = match verdict.status {
        VerdictStatus::Pass => "Result",
        VerdictStatus::Warn => "Warning",
        VerdictStatus::Fail | VerdictStatus::Error => "Likely cause",
    };
    let _ = write!(
        out,
        "<section id=\"verdict\" class=\"verdict {status}\" data-status=\"{status}\">\n\
         <h2><span class=\"badge {status}\">{status}</span> {label}</h2>\n<p class=\"summary\">{summary}</p>\n",
        status = status_word(verdict.status),
        summary = escape(&verdict.summary),
    );
    if let Some(cause) = &verdict.cause {
        let _ = writeln!(
            out,
            "<p class=\"cause\">Check: <a href=\"#check-{id}\"><code>{id}</code></a></p>",
            id = escape(cause)
        );
    }
    if !verdict.next_steps.is_empty() {
        out.push_str("<h3>Next steps</h3>\n<ol class=\"steps\">\n");
        for step in &verdict.next_steps {
            let _ = writeln!(out, "<li>{}</li>", escape(step));
        }
        out.push_str("</ol>\n");
    }
    if let Some(error) = &saved.error {
        let _ = writeln!(
            out,
            "<p class=\"error\">The run could not do its job ({}): {}</p>",
            escape(&format!("{:?}", error.kind).to_lowercase()),
            escape(&error.message)
        );
    }
    out.push_str("</section>\n");
}

/// The colour of a status, for the SVG (the stylesheet does the same for the HTML).
fn colour(status: Status) -> &'static str {
    match status {
        Status::Pass => "#1a7f37",
        Status::Warn => "#9a6700",
        Status::Fail => "#cf222e",
        Status::Skip | Status::Manual => "#6e7781",
    }
}

fn hop_symbol(status: Status) -> &'static str {
    match status {
        Status::Pass => "ok",
        Status::Warn => "!",
        Status::Fail => "X",
        Status::Skip | Status::Manual => "?",
    }
}

/// A hop's name in lines of at most `width` characters, at spaces.
fn name_lines(name: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for word in name.split(' ') {
        match lines.last_mut() {
            Some(line) if line.len() + 1 + word.len() <= width => {
                line.push(' ');
                line.push_str(word);
            }
            _ => lines.push(word.to_owned()),
        }
    }
    lines
}

/// The path as an SVG: one row per hop, a line joining their marks, the failing hop on
/// a red band; the check behind each hop on its right.
fn path(out: &mut String, hops: &[Hop], target: &str) {
    const ROW: usize = 30;
    const LINE: usize = 17;
    const WIDTH: usize = 900;
    let rows: Vec<Vec<String>> = hops
        .iter()
        .map(|h| name_lines(&format!("{} {}", h.hop.label(), h.name), 72))
        .collect();
    let heights: Vec<usize> = rows.iter().map(|r| ROW + LINE * (r.len() - 1)).collect();
    let total: usize = heights.iter().sum::<usize>() + 20;
    let title = path_title(hops, target);
    let _ = write!(
        out,
        "<section id=\"path\">\n<h2>{title}</h2>\n\
         <svg xmlns=\"http://www.w3.org/2000/svg\" class=\"path\" viewBox=\"0 0 {WIDTH} {total}\" \
         width=\"100%\" role=\"img\" aria-labelledby=\"path-title\">\n<title id=\"path-title\">{title}</title>\n",
        title = escape(&title),
    );
    let mut y = 10;
    let centres: Vec<usize> = heights
        .iter()
        .map(|h| {
            let centre = y + ROW / 2;
            y += h;
            centre
        })
        .collect();
    if let (Some(first), Some(last)) = (centres.first(), centres.last()) {
        let _ = writeln!(
            out,
            "<line x1=\"28\" y1=\"{first}\" x2=\"28\" y2=\"{last}\" stroke=\"#afb8c1\" stroke-width=\"3\"/>"
        );
    }
    let mut y = 10;
    for ((hop, lines), height) in hops.iter().zip(&rows).zip(&heights) {
        let centre = y + ROW / 2;
        let status = check_word(hop.status);
        let _ = write!(
            out,
            "<g class=\"hop {status}\" data-hop=\"{kind}\" data-status=\"{status}\" data-check=\"{check}\">",
            kind = escape(
                &serde_json::to_value(hop.hop)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default()
            ),
            check = escape(&hop.check),
        );
        if hop.status == Status::Fail {
            let _ = write!(
                out,
                "<rect x=\"4\" y=\"{top}\" width=\"{w}\" height=\"{height}\" rx=\"6\" fill=\"#ffebe9\" stroke=\"#cf222e\"/>",
                top = y + 1,
                w = WIDTH - 8,
                height = height - 2,
            );
        }
        let _ = write!(
            out,
            "<circle cx=\"28\" cy=\"{centre}\" r=\"11\" fill=\"{fill}\"/>\
             <text x=\"28\" y=\"{text_y}\" text-anchor=\"middle\" font-size=\"11\" font-weight=\"bold\" fill=\"#fff\">{symbol}</text>",
            fill = colour(hop.status),
            text_y = centre + 4,
            symbol = hop_symbol(hop.status),
        );
        for (index, line) in lines.iter().enumerate() {
            let _ = write!(
                out,
                "<text x=\"52\" y=\"{}\" font-size=\"14\" fill=\"#1f2328\">{}</text>",
                centre + 5 + index * LINE,
                escape(line)
            );
        }
        let _ = writeln!(
            out,
            "<text x=\"{x}\" y=\"{y}\" text-anchor=\"end\" font-size=\"12\" font-family=\"monospace\" fill=\"{fill}\">{check}</text></g>",
            x = WIDTH - 14,
            y = centre + 5,
            fill = colour(hop.status),
            check = escape(&hop.check),
        );
        y += height;
    }
    out.push_str("</svg>\n</section>\n");
}

/// Every check: those that speak to this run by stage, problems first; those that need a
/// snapshot the run did not have, or belong to another integration mode, folded away
/// (as the text counts them) but still on the page.
fn checks(out: &mut String, checks: &[SavedCheck], mode: Option<crate::checklist::Mode>) {
    if checks.is_empty() {
        return;
    }
    out.push_str("<section id=\"checks\">\n<h2>Checks</h2>\n");
    let folded =
        |c: &&SavedCheck| matches!(c.skip, Some(SkipKind::NoSnapshot | SkipKind::OtherMode));
    for stage in STAGES {
        let mut in_stage: Vec<&SavedCheck> = checks
            .iter()
            .filter(|c| c.stage == stage && !folded(c))
            .collect();
        if in_stage.is_empty() {
            continue;
        }
        in_stage.sort_by_key(|c| order(c.status));
        let _ = writeln!(out, "<h3>{}</h3>", escape(stage.title()));
        articles(out, &in_stage);
    }
    for (kind, summary) in [
        (
            SkipKind::NoSnapshot,
            "need the network snapshot (export it and pass --network, or --azure inside the app)"
                .to_owned(),
        ),
        (
            SkipKind::OtherMode,
            format!(
                "do not apply to {}",
                mode.map_or("this app", crate::checklist::Mode::as_subject)
            ),
        ),
    ] {
        let these: Vec<&SavedCheck> = checks.iter().filter(|c| c.skip == Some(kind)).collect();
        if !these.is_empty() {
            let _ = writeln!(
                out,
                "<details class=\"folded\"><summary>{} more checks {}</summary>",
                these.len(),
                escape(&summary)
            );
            articles(out, &these);
            out.push_str("</details>\n");
        }
    }
    out.push_str("</section>\n");
}

/// Each check as an article: its status, id and title, the evidence, the remedy.
fn articles(out: &mut String, checks: &[&SavedCheck]) {
    for check in checks {
        let status = check_word(check.status);
        let _ = write!(
            out,
            "<article class=\"check {status}\" id=\"check-{id}\" data-status=\"{status}\">\
             <p class=\"head\"><span class=\"badge {status}\">{status}</span> <code>{id}</code> {title}</p>\
             <p class=\"evidence\">{evidence}</p>",
            id = escape(&check.id),
            title = escape(&check.title),
            evidence = escape(&check.evidence),
        );
        if !check.remedy.is_empty() {
            let _ = write!(out, "<p class=\"remedy\">{}</p>", escape(&check.remedy));
        }
        out.push_str("</article>\n");
    }
}

/// A table of a report's array of objects, with the columns given.
fn table(out: &mut String, rows: &[Value], columns: &[&str]) {
    out.push_str("<table>\n<thead><tr>");
    for column in columns {
        let _ = write!(out, "<th>{}</th>", escape(column));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for row in rows {
        let outcome = text(row, "outcome");
        let _ = write!(out, "<tr class=\"{}\">", escape(outcome));
        for column in columns {
            let _ = write!(out, "<td>{}</td>", cell(row.get(*column)));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
}

fn dns_attempts(out: &mut String, report: &Value) {
    let Some(dns) = report.get("dns").filter(|d| !d.is_null()) else {
        return;
    };
    let _ = write!(
        out,
        "<section id=\"dns\">\n<h2>DNS</h2>\n<p>Model <code>{}</code>, {} ms per attempt, {} attempt(s) allowed.</p>\n",
        escape(text(dns, "model")),
        cell(dns.get("timeout_ms")),
        cell(dns.get("tries")),
    );
    if let Some(servers) = dns.get("servers").and_then(Value::as_array) {
        out.push_str("<h3>Servers, in the app's order</h3>\n");
        table(out, servers, &["address", "source"]);
    }
    if let Some(attempts) = dns.get("attempts").and_then(Value::as_array) {
        out.push_str("<h3>Attempts</h3>\n");
        table(
            out,
            attempts,
            &["server", "round", "outcome", "elapsed_ms", "rcode"],
        );
    }
    if let Some(answer) = dns.get("answer").filter(|a| !a.is_null()) {
        let addresses: Vec<String> = answer
            .get("addresses")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).map(escape).collect())
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "<p class=\"answer\">Answer from {}: <strong>{}</strong> {}</p>",
            escape(text(answer, "server")),
            escape(text(answer, "canonical_name")),
            addresses.join(", ")
        );
    }
    out.push_str("</section>\n");
}

fn tcp_attempts(out: &mut String, report: &Value) {
    let Some(tcp) = report.get("tcp").filter(|t| !t.is_null()) else {
        return;
    };
    out.push_str("<section id=\"tcp\">\n<h2>TCP attempts</h2>\n");
    if let Some(summary) = tcp.get("summary") {
        let _ = writeln!(
            out,
            "<p>{} of {} connected. Connect times (ms): min {}, median {}, p95 {}, max {}, jitter {}.</p>",
            cell(summary.get("connected")),
            cell(summary.get("attempts")),
            cell(summary.get("min_ms")),
            cell(summary.get("median_ms")),
            cell(summary.get("p95_ms")),
            cell(summary.get("max_ms")),
            cell(summary.get("jitter_ms")),
        );
    }
    if let Some(attempts) = tcp.get("attempts").and_then(Value::as_array) {
        table(
            out,
            attempts,
            &[
                "seq",
                "at",
                "address",
                "local",
                "outcome",
                "elapsed_ms",
                "message",
            ],
        );
    }
    out.push_str("</section>\n");
}

fn snapshot_files(out: &mut String, report: &Value) {
    let Some(snapshot) = report.get("snapshot").filter(|s| !s.is_null()) else {
        return;
    };
    let _ = write!(
        out,
        "<section id=\"snapshot\">\n<h2>Snapshot</h2>\n<p>From <code>{}</code>; integration <code>{}</code>; app <code>{}</code>.</p>\n",
        escape(text(snapshot, "source")),
        escape(text(snapshot, "mode")),
        escape(text(snapshot, "app")),
    );
    if let Some(files) = snapshot.get("files").and_then(Value::as_array) {
        let rows: Vec<Value> = files
            .iter()
            .map(|f| {
                let ignored = f
                    .get("ignored")
                    .and_then(Value::as_array)
                    .map_or(0, Vec::len);
                serde_json::json!({
                    "path": f.get("path"),
                    "resources": f.get("resources"),
                    "ignored": ignored,
                })
            })
            .collect();
        table(out, &rows, &["path", "resources", "ignored"]);
    }
    if let Some(fetched) = snapshot
        .get("fetched")
        .and_then(Value::as_array)
        .filter(|f| !f.is_empty())
    {
        out.push_str("<h3>Read from Azure</h3>\n");
        table(out, fetched, &["url", "status"]);
    }
    out.push_str("</section>\n");
}

/// The report itself, as data: `</` is written `<\/` (the same JSON string) so that no
/// value can end the element early.
fn embedded(out: &mut String, report: &Value) {
    let json = serde_json::to_string_pretty(report).unwrap_or_default();
    let _ = write!(
        out,
        "<section id=\"raw\">\n<h2>The report (JSON)</h2>\n\
         <p>Embedded below as <code>&lt;script type=\"application/json\" id=\"report\"&gt;</code>; \
         save the page's source, or rerun with <code>--json</code>, to have it as a file.</p>\n\
         <script type=\"application/json\" id=\"report\">\n{}\n</script>\n</section>\n",
        json.replace("</", "<\\/").replace("<!--", "<\\u0021--")
    );
}

const STYLE: &str = r"
:root { color-scheme: light; --fail: #cf222e; --warn: #9a6700; --pass: #1a7f37; --muted: #6e7781; }
* { box-sizing: border-box; }
body { font: 15px/1.5 -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif; color: #1f2328;
  margin: 0 auto; max-width: 960px; padding: 24px; background: #fff; }
header .tool { color: var(--muted); margin: 0; text-transform: uppercase; letter-spacing: .05em; font-size: 12px; }
h1 { margin: 4px 0 8px; font-size: 26px; word-break: break-all; }
h2 { font-size: 20px; margin: 28px 0 10px; border-bottom: 1px solid #d0d7de; padding-bottom: 4px; }
h3 { font-size: 16px; margin: 18px 0 8px; }
dl.run { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 0; color: #424a53; }
dl.run dt { font-weight: 600; } dl.run dd { margin: 0; word-break: break-all; }
code { font-family: ui-monospace, SFMono-Regular, Consolas, monospace; font-size: 13px; }
.verdict { border-left: 6px solid var(--muted); background: #f6f8fa; padding: 12px 18px; border-radius: 6px; margin-top: 18px; }
.verdict.fail, .verdict.error { border-color: var(--fail); background: #ffebe9; }
.verdict.warn { border-color: var(--warn); background: #fff8c5; }
.verdict.pass { border-color: var(--pass); background: #dafbe1; }
.verdict h2 { border: 0; margin: 0 0 6px; }
.verdict .summary { font-size: 16px; }
.steps li { margin-bottom: 6px; word-break: break-word; }
.badge { display: inline-block; min-width: 56px; text-align: center; border-radius: 10px; padding: 0 8px;
  font-size: 12px; font-weight: 700; text-transform: uppercase; color: #fff; background: var(--muted); vertical-align: middle; }
.badge.fail, .badge.error { background: var(--fail); } .badge.warn { background: var(--warn); } .badge.pass { background: var(--pass); }
svg.path { max-width: 100%; height: auto; font-family: -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif; }
.check { border: 1px solid #d0d7de; border-left-width: 5px; border-radius: 6px; padding: 6px 12px; margin: 6px 0; break-inside: avoid; }
.check.fail { border-left-color: var(--fail); } .check.warn { border-left-color: var(--warn); }
.check.pass { border-left-color: var(--pass); } .check.skip, .check.manual { border-left-color: var(--muted); }
.check p { margin: 2px 0; word-break: break-word; }
.check .head { font-weight: 600; }
.check.skip .evidence, .check.pass .evidence { color: #424a53; }
.remedy::before { content: '\2192  '; font-weight: 700; }
.remedy { background: #f6f8fa; border-radius: 4px; padding: 2px 6px; }
table { border-collapse: collapse; width: 100%; font-size: 13px; margin: 6px 0 12px; }
th, td { border: 1px solid #d0d7de; padding: 3px 6px; text-align: left; vertical-align: top; word-break: break-all; }
th { background: #f6f8fa; }
tr.timeout td, tr.refused td, tr.unreachable td, tr.servfail td, tr.nxdomain td, tr.error td { background: #fff1f0; }
tr.connected td, tr.answered td { background: #f3fff5; }
.error { color: var(--fail); font-weight: 600; }
details.folded { margin: 12px 0; } details.folded summary { cursor: pointer; color: #424a53; }
@media print {
  body { max-width: none; padding: 0; font-size: 12px; }
  h2 { break-after: avoid; }
  #raw script { display: none; }
  .verdict, .check, .badge, svg { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_what_html_would_read() {
        assert_eq!(
            escape(r#"<a href="x">&'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;"
        );
    }

    #[test]
    fn hop_names_wrap_at_spaces() {
        assert_eq!(
            name_lines("DNS 10.20.1.4 -> 20.60.1.5 (public)", 16),
            ["DNS 10.20.1.4 ->", "20.60.1.5", "(public)"]
        );
    }
}
