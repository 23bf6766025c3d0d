//! What a lookup's servers did, in one sentence: facts only, the same for every
//! integration mode. What to do about it (the next steps, which speak the app's mode) is
//! the checklist's (`checklist/advice.rs`).

use std::time::Duration;

use super::{DnsAttempt, DnsConfig, DnsOutcome, Lookup, QueryModel, Question};
use crate::addr::display_server;
use crate::vocab::{VerdictStatus, display_duration};

/// The servers of a lookup as its summary and advice name them.
#[derive(Debug, Clone)]
pub struct LookupFacts {
    /// Servers that did not answer within the timeout, each once.
    pub dead: Vec<String>,
    /// Their ports (53 when none timed out), for firewall advice.
    pub ports: String,
    /// The server whose answer decided the lookup.
    pub deciding: String,
    /// The servers the steps are about: those that did not answer, else those asked.
    pub concerned: String,
    /// How much longer every lookup of the app waits for the dead servers.
    pub waited: Duration,
    /// The timeout per server, as displayed.
    pub timeout: String,
}

impl LookupFacts {
    pub fn of(lookup: &Lookup, config: &DnsConfig) -> Self {
        let timeouts = lookup
            .attempts
            .iter()
            .filter(|a| a.outcome == DnsOutcome::Timeout);
        // An unreachable server costs no wait, but it is as dead as a silent one.
        let unreachable = lookup
            .attempts
            .iter()
            .filter(|a| a.outcome == DnsOutcome::Unreachable);
        // In sequence every timed-out attempt costs the app a full timeout; on the platform
        // the servers are asked at once, so a round with a dead server costs one timeout
        // however many are dead. Each server is named once.
        let costly = match config.model {
            QueryModel::Sequential => timeouts.clone().count(),
            QueryModel::Platform => {
                let mut rounds: Vec<u32> = timeouts.clone().map(|a| a.round).collect();
                rounds.dedup();
                rounds.len()
            }
        };
        let waited = config.timeout * u32::try_from(costly).unwrap_or(u32::MAX);
        let mut dead: Vec<String> = Vec::new();
        let mut dead_ports: Vec<u16> = Vec::new();
        for attempt in timeouts.chain(unreachable) {
            push_once(&mut dead, display_server(attempt.server));
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
        let deciding = lookup
            .attempts
            .last()
            .map_or_else(|| "the DNS server".to_owned(), |a| display_server(a.server));
        let concerned = if dead.is_empty() {
            let mut asked: Vec<String> = Vec::new();
            for attempt in &lookup.attempts {
                push_once(&mut asked, display_server(attempt.server));
            }
            asked.join(", ")
        } else {
            dead.join(", ")
        };
        Self {
            dead,
            ports,
            deciding,
            concerned,
            waited,
            timeout: display_duration(config.timeout),
        }
    }
}

/// The servers whose attempts failed, each once.
fn failed_servers(lookup: &Lookup) -> Vec<String> {
    let mut servers = Vec::new();
    for attempt in lookup.attempts.iter().filter(|a| a.failed()) {
        push_once(&mut servers, display_server(attempt.server));
    }
    servers
}

/// How they failed, each way once.
fn failed_outcomes(lookup: &Lookup) -> Vec<String> {
    let mut outcomes = Vec::new();
    for attempt in lookup.attempts.iter().filter(|a| a.failed()) {
        push_once(&mut outcomes, attempt.outcome.as_str().to_owned());
    }
    outcomes
}

fn push_once(list: &mut Vec<String>, server: String) {
    if !list.contains(&server) {
        list.push(server);
    }
}

/// The lookup's status and its one-sentence summary.
pub fn lookup_summary(
    lookup: &Lookup,
    facts: &LookupFacts,
    question: &Question,
) -> (VerdictStatus, String) {
    let name = &question.display;
    let deciding = &facts.deciding;
    let last_message = || lookup.attempts.last().and_then(|a| a.message.clone());
    match lookup.outcome {
        DnsOutcome::Interrupted if !lookup.any_failed() => (
            VerdictStatus::Pass,
            format!(
                "Interrupted while waiting for {deciding}: no answer for {name} so far, nothing to judge yet."
            ),
        ),
        DnsOutcome::Interrupted => (
            VerdictStatus::Fail,
            format!(
                "Interrupted while waiting for {deciding}; before that, {} failed ({}).",
                failed_servers(lookup).join(", "),
                failed_outcomes(lookup).join(", ")
            ),
        ),
        DnsOutcome::Answered if facts.dead.is_empty() => (
            VerdictStatus::Pass,
            format!("{name} resolved by {deciding}."),
        ),
        DnsOutcome::Answered => (
            VerdictStatus::Warn,
            format!(
                "{name} resolved by {deciding}, but {} did not answer: every lookup of the app waits {} longer before it gets an answer.",
                facts.dead.join(", "),
                display_duration(facts.waited),
            ),
        ),
        DnsOutcome::Nxdomain => (
            VerdictStatus::Fail,
            format!("{deciding} says {name} does not exist (NXDOMAIN)."),
        ),
        DnsOutcome::Nodata => (
            VerdictStatus::Fail,
            format!(
                "{name} exists on {deciding} but has no {} records.",
                question.type_names().join(" or ")
            ),
        ),
        DnsOutcome::Timeout => (
            VerdictStatus::Fail,
            format!(
                "No DNS server answered: {} did not answer within {} each.",
                facts.dead.join(", "),
                facts.timeout
            ),
        ),
        DnsOutcome::Unreachable => (
            VerdictStatus::Fail,
            format!(
                "No DNS server answered: {} could not be reached (no route from the app).",
                facts.dead.join(", ")
            ),
        ),
        DnsOutcome::Servfail => (
            VerdictStatus::Fail,
            format!(
                "{deciding} failed to resolve {name} (SERVFAIL): the server is up, but its own forwarder or the zone's servers failed it."
            ),
        ),
        DnsOutcome::Refused if nothing_listens(lookup) => (
            VerdictStatus::Fail,
            format!(
                "{deciding} refused the query at once: {}",
                last_message().unwrap_or_else(|| "nothing listens on its port".to_owned())
            ),
        ),
        DnsOutcome::Refused => (
            VerdictStatus::Fail,
            format!(
                "{deciding} refused to answer (REFUSED): it does not serve recursive queries from the app's address."
            ),
        ),
        DnsOutcome::Error => (
            VerdictStatus::Fail,
            format!(
                "The lookup of {name} failed: {}.",
                last_message().unwrap_or_else(|| "no DNS server gave a usable answer".to_owned())
            ),
        ),
    }
}

/// Whether the deciding server's port had nothing listening (refused at once, not a
/// DNS REFUSED answer).
pub fn nothing_listens(lookup: &Lookup) -> bool {
    lookup
        .attempts
        .last()
        .is_some_and(DnsAttempt::nothing_listens)
}

/// The summary alone, for a line that says why a name did not resolve.
pub fn describe_lookup(lookup: &Lookup, config: &DnsConfig, question: &Question) -> String {
    lookup_summary(lookup, &LookupFacts::of(lookup, config), question).1
}
