//! DNS: which servers the app uses ([`config`]), asking them with App Service's timing
//! ([`mod@resolve`]), and what a lookup means for the person reading it ([`render`], the
//! verdict and the report section).

pub mod config;
mod exchange;
pub mod render;
pub mod resolve;

use std::time::Duration;

use serde::Serialize;

pub use config::{ConfigError, ConfigInputs, DnsConfig, DnsServer, ServerSource, Transport};
pub use resolve::{
    DnsAnswer, DnsAttempt, DnsOutcome, Lookup, Question, QuestionError, ServerResult, agreement,
    as_lookup, resolve, resolve_all,
};

use crate::addr::display_server;
use crate::vocab::{Verdict, VerdictStatus, millis};

/// The `dns` section of the report.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct DnsSection {
    pub servers: Vec<DnsServer>,
    #[serde(rename = "timeout_ms", serialize_with = "millis")]
    #[schemars(with = "f64")]
    pub timeout: Duration,
    pub timeout_source: config::TimeoutSource,
    pub attempts_per_server: u32,
    pub transport: Transport,
    pub attempts: Vec<DnsAttempt>,
    pub answer: Option<DnsAnswer>,
    /// With `--all`: each server's own result, in list order; `null` otherwise.
    pub per_server: Option<Vec<ServerResult>>,
    pub warnings: Vec<String>,
}

/// A finished `nameresolver` run: sequential (the app's behaviour) or `--all`.
#[derive(Debug, Clone)]
pub enum DnsRun {
    Sequential(Lookup),
    All(Vec<ServerResult>),
}

impl DnsRun {
    /// Whether the run succeeded: the name resolved; with `--all`, every server answered
    /// the same records.
    pub fn succeeded(&self) -> bool {
        match self {
            Self::Sequential(lookup) => lookup.resolved(),
            Self::All(results) => {
                results.iter().all(|r| r.outcome == DnsOutcome::Answered)
                    && agreement(results).len() == 1
            }
        }
    }

    pub fn section(&self, config: &DnsConfig) -> DnsSection {
        let (attempts, answer, per_server) = match self {
            Self::Sequential(lookup) => (lookup.attempts.clone(), lookup.answer.clone(), None),
            Self::All(results) => (
                results.iter().flat_map(|r| r.attempts.clone()).collect(),
                None,
                Some(results.clone()),
            ),
        };
        DnsSection {
            servers: config.servers.clone(),
            timeout: config.timeout,
            timeout_source: config.timeout_source,
            attempts_per_server: config.attempts,
            transport: config.transport,
            attempts,
            answer,
            per_server,
            warnings: config.warnings.clone(),
        }
    }

    /// The most likely cause and the next steps, from what the servers did.
    pub fn verdict(&self, config: &DnsConfig, question: &Question) -> Verdict {
        match self {
            Self::Sequential(lookup) => lookup_verdict(lookup, config, question),
            Self::All(results) => all_verdict(results, config, question),
        }
    }
}

#[expect(
    clippy::too_many_lines,
    reason = "one arm per DNS outcome: the verdict table reads best as one match"
)]
fn lookup_verdict(lookup: &Lookup, config: &DnsConfig, question: &Question) -> Verdict {
    let name = &question.display;
    let timeout = crate::vocab::display_duration(config.timeout);
    let timeouts = lookup
        .attempts
        .iter()
        .filter(|a| a.outcome == DnsOutcome::Timeout);
    // Every timed-out attempt costs the app a full timeout; name each server once.
    let waited = config.timeout * u32::try_from(timeouts.clone().count()).unwrap_or(u32::MAX);
    let mut dead: Vec<String> = Vec::new();
    let mut dead_ports: Vec<u16> = Vec::new();
    for attempt in timeouts {
        let server = display_server(attempt.server);
        if !dead.contains(&server) {
            dead.push(server);
        }
        if !dead_ports.contains(&attempt.server.port()) {
            dead_ports.push(attempt.server.port());
        }
    }
    let ports = if dead_ports.is_empty() {
        crate::addr::DNS_PORT.to_string()
    } else {
        dead_ports
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    };
    let deciding = lookup.attempts.last().map(|a| display_server(a.server));
    let deciding = deciding.as_deref().unwrap_or("the DNS server");
    // Name the servers the steps are about: those that did not answer, else those asked.
    let unreachable = if dead.is_empty() {
        let mut asked: Vec<String> = Vec::new();
        for attempt in &lookup.attempts {
            let server = display_server(attempt.server);
            if !asked.contains(&server) {
                asked.push(server);
            }
        }
        asked.join(", ")
    } else {
        dead.join(", ")
    };
    let reachability_steps = || {
        vec![
            format!(
                "Allow UDP and TCP port {ports} from the app's whole point-to-site address pool to {unreachable} in every NSG and firewall on the way."
            ),
            "If the DNS server is on-premises or in a peered VNET: check the VPN or ExpressRoute connection, and that the on-premises gateway routes the point-to-site pool back.".to_owned(),
            format!("Compare with Azure-provided DNS: nameresolver {name} 168.63.129.16"),
        ]
    };
    let mut verdict = match lookup.outcome {
        DnsOutcome::Answered if dead.is_empty() => Verdict {
            cause: None,
            status: VerdictStatus::Pass,
            summary: format!("{name} resolved by {deciding}."),
            next_steps: Vec::new(),
        },
        DnsOutcome::Answered => Verdict {
            cause: None,
            status: VerdictStatus::Warn,
            summary: format!(
                "{name} resolved by {deciding}, but {} did not answer: every lookup of the app waits {} longer before it gets an answer.",
                dead.join(", "),
                crate::vocab::display_duration(waited),
            ),
            next_steps: {
                let mut steps = vec![format!(
                    "Fix {} or remove it from the app's DNS servers (VNET DNS servers or WEBSITE_DNS_SERVER), then restart the app or press Sync Network.",
                    dead.join(", ")
                )];
                steps.extend(reachability_steps().into_iter().take(1));
                steps
            },
        },
        DnsOutcome::Nxdomain => Verdict {
            cause: None,
            status: VerdictStatus::Fail,
            summary: format!("{deciding} says {name} does not exist (NXDOMAIN)."),
            next_steps: vec![
                "Check the spelling of the name.".to_owned(),
                format!(
                    "If {name} is in an Azure private DNS zone: link the zone to the VNET whose DNS the app uses."
                ),
                format!(
                    "If {name} is served on-premises: {deciding} must forward that zone (conditional forwarder) to the on-premises DNS servers."
                ),
                format!(
                    "Ask every configured server at once to find one that disagrees: nameresolver --all {name}"
                ),
            ],
        },
        DnsOutcome::Nodata => Verdict {
            cause: None,
            status: VerdictStatus::Fail,
            summary: format!(
                "{name} exists on {deciding} but has no {} records.",
                question.type_names().join(" or ")
            ),
            next_steps: vec![format!(
                "Add the missing record to the zone that holds {name}, or ask for another type (-t CNAME, -t TXT, ...)."
            )],
        },
        DnsOutcome::Timeout => Verdict {
            cause: None,
            status: VerdictStatus::Fail,
            summary: format!(
                "No DNS server answered: {} did not answer within {timeout} each.",
                dead.join(", ")
            ),
            next_steps: reachability_steps(),
        },
        DnsOutcome::Servfail => Verdict {
            cause: None,
            status: VerdictStatus::Fail,
            summary: format!(
                "{deciding} failed to resolve {name} (SERVFAIL): the server is up, but its own forwarder or the zone's servers failed it."
            ),
            next_steps: vec![
                format!(
                    "Check the forwarders of {deciding} and that they can reach the servers of {name}'s zone."
                ),
                format!("Compare with Azure-provided DNS: nameresolver {name} 168.63.129.16"),
            ],
        },
        DnsOutcome::Refused
            if lookup
                .attempts
                .last()
                .is_some_and(DnsAttempt::nothing_listens) =>
        {
            Verdict {
                cause: None,
                status: VerdictStatus::Fail,
                summary: format!(
                    "{deciding} refused the query at once: {}",
                    lookup
                        .attempts
                        .last()
                        .and_then(|a| a.message.clone())
                        .unwrap_or_else(|| "nothing listens on its port".to_owned())
                ),
                next_steps: vec![
                    format!(
                        "Start the DNS service on {deciding}, or correct the server's address and port where the app's DNS servers are set."
                    ),
                    format!("Compare with Azure-provided DNS: nameresolver {name} 168.63.129.16"),
                ],
            }
        }
        DnsOutcome::Refused => Verdict {
            cause: None,
            status: VerdictStatus::Fail,
            summary: format!(
                "{deciding} refused to answer (REFUSED): it does not serve recursive queries from the app's address."
            ),
            next_steps: vec![format!(
                "Allow recursion on {deciding} for the app's whole point-to-site address pool (the app's source address changes within it)."
            )],
        },
        DnsOutcome::Error => Verdict {
            cause: None,
            status: VerdictStatus::Fail,
            summary: format!(
                "The lookup of {name} failed: {}.",
                lookup
                    .attempts
                    .last()
                    .and_then(|a| a.message.clone())
                    .unwrap_or_else(|| "no DNS server gave a usable answer".to_owned())
            ),
            next_steps: reachability_steps(),
        },
    };
    let failed_with_an_answer =
        !matches!(lookup.outcome, DnsOutcome::Answered | DnsOutcome::Timeout);
    if failed_with_an_answer && !dead.is_empty() {
        verdict.next_steps.push(format!(
            "Also: {} did not answer, so every lookup of the app waits {} longer; fix it or remove it.",
            dead.join(", "),
            crate::vocab::display_duration(waited)
        ));
    }
    verdict
}

fn all_verdict(results: &[ServerResult], config: &DnsConfig, question: &Question) -> Verdict {
    let name = &question.display;
    let groups = agreement(results);
    let failed: Vec<String> = results
        .iter()
        .filter(|r| !r.outcome.ends_lookup())
        .map(|r| {
            format!(
                "{} ({})",
                display_server(r.server.address),
                r.outcome.as_str()
            )
        })
        .collect();
    if groups.len() <= 1 {
        let all_answered = results.iter().all(|r| r.outcome == DnsOutcome::Answered);
        return Verdict {
            cause: None,
            status: if all_answered {
                VerdictStatus::Pass
            } else {
                VerdictStatus::Fail
            },
            summary: {
                let said = groups.first().map_or("nothing", |(said, _)| said.as_str());
                let answering = results.len() - failed.len();
                if failed.is_empty() {
                    format!("All {} servers agree on {name}: {said}.", results.len())
                } else if answering == 0 {
                    format!("No server answered for {name}: {}.", failed.join(", "))
                } else {
                    format!(
                        "{answering} of {} servers answered {name} alike ({said}); {} did not answer.",
                        results.len(),
                        failed.join(", ")
                    )
                }
            },
            next_steps: if all_answered {
                Vec::new()
            } else {
                lookup_verdict(
                    &Lookup {
                        attempts: results.iter().flat_map(|r| r.attempts.clone()).collect(),
                        outcome: results.last().map_or(DnsOutcome::Error, |r| r.outcome),
                        answer: None,
                    },
                    config,
                    question,
                )
                .next_steps
            },
        };
    }
    let mut next_steps = vec![
        "Make every DNS server of the app serve the same data: the app may ask any of them (the next one whenever the first does not answer).".to_owned(),
        format!("For a private zone: link it to every VNET whose DNS servers resolve {name}, or forward it from each server."),
    ];
    if !failed.is_empty() {
        next_steps.push(format!(
            "Make these servers answer, or remove them: {}.",
            failed.join(", ")
        ));
    }
    Verdict {
        cause: None,
        status: VerdictStatus::Fail,
        summary: format!(
            "The app's DNS servers disagree on {name}: {} different answers.",
            groups.len()
        ),
        next_steps,
    }
}
