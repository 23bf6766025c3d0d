//! Stage 1, what the probes saw: did every DNS server answer, did the name resolve, did a
//! TCP connection open. These are the symptoms; the later stages look for the cause.

use std::collections::BTreeSet;

use super::scene::Scene;
use super::vocab::{Finding, SkipReason, Status};
use crate::dns::{DnsConfig, DnsOutcome, Lookup};
use crate::tcp::TcpOutcome;

pub(super) fn dns_reachable(scene: &Scene<'_>) -> Finding {
    let inputs = scene.inputs;
    let Some((config, lookup)) = inputs.dns else {
        return Finding::skip(no_lookup(scene));
    };
    let mut finding = servers_answered(scene, config, lookup);
    // Which servers were asked at all is part of the evidence when the legacy sort left
    // some of the VNET's out.
    if let Some(sort) = &config.legacy_sort {
        finding.evidence = format!("{}; {}", finding.evidence, sort.describe());
    }
    finding
}

fn servers_answered(scene: &Scene<'_>, config: &DnsConfig, lookup: &Lookup) -> Finding {
    let timeout = humantime::format_duration(config.timeout);
    // Refused at once (nothing listens on the port) is as unreachable as silent.
    let refused: Vec<String> = lookup
        .attempts
        .iter()
        .filter(|a| a.nothing_listens())
        .map(|a| format!("{} ({})", a.server, a.source))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let dead: Vec<String> = lookup
        .attempts
        .iter()
        .filter(|a| a.outcome.server_is_dead())
        .map(|a| format!("{} ({})", a.server, a.source))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    if !refused.is_empty() {
        return Finding::fail(
            format!(
                "nothing listens on the DNS port of {}: the query was refused at once",
                refused.join(", ")
            ),
            "Start the DNS service on that server, or correct the address and port where the app's DNS servers are set.",
        );
    }
    if dead.is_empty() {
        return Finding::pass(format!("every server asked answered within {timeout}"));
    }
    let ports = ports_of(
        lookup
            .attempts
            .iter()
            .filter(|a| a.outcome.server_is_dead())
            .map(|a| a.server.port()),
    );
    Finding::fail(
        format!(
            "{} did not answer within {timeout} (or could not be reached): every lookup of the app waits for them",
            dead.join(", ")
        ),
        format!(
            "Allow UDP and TCP {ports} from the whole {} to {} (NSGs, firewalls, and the routes back), or remove the dead servers from the app's DNS settings.",
            scene.source_phrase(),
            if dead.len() == 1 {
                "this DNS server"
            } else {
                "these DNS servers"
            }
        ),
    )
}

pub(super) fn dns_resolves(scene: &Scene<'_>) -> Finding {
    let inputs = scene.inputs;
    let Some((_, lookup)) = inputs.dns else {
        return Finding::skip(no_lookup(scene));
    };
    // The server that gave the answer (with --all, not the last one asked), else the
    // last one tried.
    let deciding = lookup.answer.as_ref().map_or_else(
        || {
            lookup
                .attempts
                .last()
                .map_or_else(|| "no server".to_owned(), |a| a.server.to_string())
        },
        |answer| answer.server.to_string(),
    );
    match lookup.outcome {
        DnsOutcome::Answered => Finding::pass(format!(
            "{} answered {}",
            deciding,
            lookup
                .answer
                .as_ref()
                .map(|a| a
                    .addresses
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", "))
                .unwrap_or_default()
        )),
        DnsOutcome::Nxdomain => Finding::fail(
            format!("{deciding} says the name does not exist (NXDOMAIN)"),
            "Check the name; for a private zone, link it to the VNET whose DNS the app uses, or forward the zone from the VNET's DNS servers.",
        )
        .changing_dns(),
        DnsOutcome::Nodata => Finding::fail(
            format!("{deciding} knows the name but has no address records for it (NODATA)"),
            format!(
                "Add the {} record to the zone.",
                inputs
                    .target
                    .lookup
                    .as_ref()
                    .filter(|types| !types.is_empty())
                    .map_or_else(
                        || "A (or AAAA)".to_owned(),
                        |types| types.join(" (or ") + &")".repeat(types.len().saturating_sub(1))
                    )
            ),
        )
        .changing_dns(),
        other => Finding::fail(
            format!(
                "every DNS server failed (last: {deciding}, {})",
                other.as_str()
            ),
            format!(
                "Make the app's DNS servers reachable over UDP and TCP {} from the whole {}, or point the VNET at servers that answer.",
                ports_of(lookup.attempts.iter().map(|a| a.server.port())),
                scene.source_phrase()
            ),
        ),
    }
}

pub(super) fn tcp_connect(scene: &Scene<'_>) -> Finding {
    let inputs = scene.inputs;
    let Some(summary) = inputs.tcp else {
        return Finding::skip(SkipReason::not_probed(if inputs.probed {
            "no TCP connection was attempted in this run"
        } else {
            "--no-probe: no packet was sent"
        }));
    };
    if summary.ended() == 0 {
        return Finding::skip(SkipReason::not_probed(
            "interrupted before any attempt ended",
        ));
    }
    if summary.connected > 0 {
        let status = if summary.failed() == 0 {
            Status::Pass
        } else {
            Status::Warn
        };
        return Finding::new(
            status,
            format!(
                "{}/{} attempts connected",
                summary.connected,
                summary.ended()
            ),
            if status == Status::Warn {
                "Some attempts failed: run longer (tcpping -t) and compare with the service's own limits."
            } else {
                ""
            },
        );
    }
    let class = summary.main_failure().unwrap_or(TcpOutcome::Error);
    let counts: Vec<String> = summary
        .outcomes
        .iter()
        .map(|(k, v)| format!("{k} ×{v}"))
        .collect();
    let remedy = match class {
        TcpOutcome::Timeout => {
            "Find what drops the packets: the NSG and UDR checks below, then the target's own firewall."
        }
        TcpOutcome::Refused => {
            "The host is reachable: start the service or fix the port (see host.listening)."
        }
        TcpOutcome::Unreachable => {
            "Check that the target lies in a range the app routes into the VNET (route.target)."
        }
        TcpOutcome::Dns => "Fix name resolution first (dns.* checks).",
        _ => "Read the error of the attempts; it names the cause.",
    };
    Finding::fail(
        format!(
            "no attempt connected ({}): {} usually means {}",
            counts.join(", "),
            class.as_str(),
            class.meaning()
        ),
        remedy,
    )
}

/// The ports of the servers named, as a remedy says them: `53`, or `53, 5353`.
/// `port 53`, `ports 53 and 5353`, `ports 53, 54 and 5353`: a phrase for a sentence.
fn ports_of(ports: impl Iterator<Item = u16>) -> String {
    let mut ports: Vec<String> = ports
        .collect::<BTreeSet<u16>>()
        .iter()
        .map(ToString::to_string)
        .collect();
    match ports.len() {
        0 => format!("port {}", crate::addr::DNS_PORT),
        1 => format!("port {}", ports[0]),
        _ => {
            let last = ports.pop().unwrap_or_default();
            format!("ports {} and {last}", ports.join(", "))
        }
    }
}

/// Why a DNS check has no lookup to read: the run did not probe, or its target is an IP
/// address (nothing to resolve).
fn no_lookup(scene: &Scene<'_>) -> SkipReason {
    const WHAT: &str = "no name was resolved in this run";
    if scene.inputs.probed {
        SkipReason::not_applicable(WHAT)
    } else {
        SkipReason::not_probed(WHAT)
    }
}
