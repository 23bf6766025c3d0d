//! The human output of `nameresolver`: Kudu's shape (`Server:`, `Non-authoritative
//! answer:`, `Name:`, `Addresses:`, `Aliases:`), preceded by one line per server that
//! failed. What to do next is the checklist's and the verdict's (`output::text`).

use std::fmt::Write as _;

use hickory_proto::rr::RecordType;

use super::{DnsAnswer, DnsAttempt, DnsConfig, DnsOutcome, DnsRun, Lookup, Question, agreement};
use crate::addr::display_server;
use crate::vocab::display_millis;

/// What the servers said, as people read it.
pub fn render(run: &DnsRun, config: &DnsConfig, question: &Question) -> String {
    let mut out = String::new();
    match run {
        DnsRun::Sequential(lookup) => render_sequential(&mut out, lookup, config, question),
        DnsRun::All(results) => {
            for result in results {
                let server = display_server(result.server.address);
                let elapsed = result
                    .attempts
                    .iter()
                    .map(|a| a.elapsed)
                    .sum::<std::time::Duration>();
                let origin = match &result.server.stub {
                    Some(stub) => format!("{}, {}", result.server.source, stub.describe()),
                    None => result.server.source.to_string(),
                };
                let _ = writeln!(
                    out,
                    "Server: {server} ({origin}): {} in {}",
                    describe_outcome(result.outcome),
                    display_millis(elapsed)
                );
                if let Some(answer) = &result.answer {
                    render_answer_body(&mut out, answer, question, "  ");
                }
                out.push('\n');
            }
            let groups = agreement(results);
            if groups.len() > 1 {
                out.push_str("The servers disagree:\n");
                for (said, servers) in groups {
                    let servers: Vec<String> = servers.into_iter().map(display_server).collect();
                    let _ = writeln!(out, "  {}: {said}", servers.join(", "));
                }
                out.push('\n');
            }
        }
    }
    out
}

fn render_sequential(out: &mut String, lookup: &Lookup, config: &DnsConfig, question: &Question) {
    for attempt in lookup.failed_attempts() {
        let _ = writeln!(out, "{}", failure_line(attempt, config));
    }
    let Some(last) = lookup.attempts.last() else {
        out.push_str("*** No DNS server is configured.\n");
        return;
    };
    if last.outcome.ends_lookup() {
        let stub = config
            .servers
            .iter()
            .find(|server| server.address == last.server)
            .and_then(|server| server.stub.as_ref())
            .map(|stub| format!(" ({})", stub.describe()))
            .unwrap_or_default();
        let _ = writeln!(out, "Server: {}{stub}\n", display_server(last.server));
    } else {
        out.push('\n');
    }
    match (&lookup.answer, lookup.outcome) {
        (Some(answer), _) => {
            // nslookup's words: the `aa` bit says whether the server holds the zone.
            out.push_str(if answer.authoritative {
                "Authoritative answer:\n"
            } else {
                "Non-authoritative answer:\n"
            });
            render_answer_body(out, answer, question, "");
            // dig's "Query time:": what this lookup costs the app each time it asks.
            if let Some(answered) = lookup
                .attempts
                .iter()
                .rev()
                .find(|a| a.outcome == DnsOutcome::Answered && a.server == answer.server)
            {
                let _ = writeln!(
                    out,
                    "\nQuery time: {} ({})",
                    display_millis(answered.elapsed),
                    display_server(answered.server)
                );
            }
            return;
        }
        (None, DnsOutcome::Nxdomain) => {
            let _ = writeln!(
                out,
                "*** {} can't find {}: Non-existent domain",
                display_server(last.server),
                question.display
            );
        }
        (None, DnsOutcome::Nodata) => {
            let _ = writeln!(
                out,
                "*** {} has no {} records for {} (the name exists)",
                display_server(last.server),
                question.type_names().join(" or "),
                question.display
            );
        }
        (None, DnsOutcome::Interrupted) => {
            let _ = writeln!(
                out,
                "*** Interrupted before {} was resolved.",
                question.display
            );
        }
        (None, _) => {
            let _ = writeln!(
                out,
                "*** Could not resolve {}: no DNS server gave an answer.",
                question.display
            );
        }
    }
    out.push_str("\nServers tried, in order:\n");
    let width = lookup
        .attempts
        .iter()
        .map(|a| display_server(a.server).len())
        .max()
        .unwrap_or(0);
    let rounds = lookup.attempts.iter().map(|a| a.round).max().unwrap_or(1);
    for (index, attempt) in lookup.attempts.iter().enumerate() {
        let round = if rounds > 1 {
            format!("  attempt {}", attempt.round)
        } else {
            String::new()
        };
        let _ = writeln!(
            out,
            "  {}. {:<width$}  {:<22}  {:<11} {}{round}",
            index + 1,
            display_server(attempt.server),
            attempt.source.as_str(),
            attempt.outcome.as_str(),
            display_millis(attempt.elapsed),
        );
    }
    out.push('\n');
}

/// The line printed for a server that failed before the answer.
pub fn failure_line(attempt: &DnsAttempt, config: &DnsConfig) -> String {
    let server = display_server(attempt.server);
    // The first attempt's lines read as Kudu's; a repeated attempt says which it is.
    let of = if attempt.round > 1 {
        format!(" (attempt {} of {})", attempt.round, config.attempts)
    } else {
        String::new()
    };
    match attempt.outcome {
        DnsOutcome::Timeout => format!(
            "Server {server} did not answer within {}{of}",
            humantime::format_duration(config.timeout)
        ),
        DnsOutcome::Servfail => format!("Server {server} answered SERVFAIL (server failure){of}"),
        DnsOutcome::Interrupted => format!(
            "Server {server}: {}{of}",
            attempt.message.as_deref().unwrap_or("interrupted")
        ),
        DnsOutcome::Refused if attempt.nothing_listens() => format!(
            "Server {server} refused at once: nothing listens on {} port {}{of}",
            if config.transport == super::Transport::Tcp {
                "TCP"
            } else {
                "UDP"
            },
            attempt.server.port()
        ),
        DnsOutcome::Refused => format!("Server {server} refused the query (REFUSED){of}"),
        _ => format!(
            "Server {server} failed: {}{of}",
            attempt
                .message
                .as_deref()
                .or(attempt.rcode.as_deref())
                .unwrap_or("no usable answer")
        ),
    }
}

fn describe_outcome(outcome: DnsOutcome) -> &'static str {
    match outcome {
        DnsOutcome::Answered => "answered",
        DnsOutcome::Nxdomain => "non-existent domain (NXDOMAIN)",
        DnsOutcome::Nodata => "no records of that type (NODATA)",
        DnsOutcome::Timeout => "no answer (timeout)",
        DnsOutcome::Servfail => "server failure (SERVFAIL)",
        DnsOutcome::Refused => "refused (REFUSED)",
        DnsOutcome::Unreachable => "unreachable (no route)",
        DnsOutcome::Error => "error",
        DnsOutcome::Interrupted => "interrupted (Ctrl-C)",
    }
}

fn render_answer_body(out: &mut String, answer: &DnsAnswer, question: &Question, indent: &str) {
    if let Some(ip) = question.reverse_of {
        // nslookup's shape for a reverse lookup: the name, then the address asked about.
        for record in answer.records.iter().filter(|r| r.record_type == "PTR") {
            let _ = writeln!(out, "{indent}Name: {}\n{indent}Address: {ip}", record.data);
        }
        return;
    }
    let _ = writeln!(out, "{indent}Name: {}", answer.canonical_name);
    if !answer.addresses.is_empty() {
        let _ = writeln!(out, "{indent}Addresses:");
        for address in &answer.addresses {
            let _ = writeln!(out, "{indent}\t{address}");
        }
    }
    for record_type in &question.types {
        if matches!(record_type, RecordType::A | RecordType::AAAA) {
            continue;
        }
        let type_name = record_type.to_string();
        let data: Vec<&str> = answer
            .records
            .iter()
            .filter(|r| r.record_type == type_name)
            .map(|r| r.data.as_str())
            .collect();
        if !data.is_empty() {
            let _ = writeln!(out, "{indent}{type_name}:");
            for item in data {
                let _ = writeln!(out, "{indent}\t{item}");
            }
        }
    }
    if !answer.aliases.is_empty() {
        let _ = writeln!(out, "{indent}Aliases:");
        for alias in &answer.aliases {
            let _ = writeln!(out, "{indent}\t{alias}");
        }
    }
}
