//! Asking the configured DNS servers, with App Service's timing: one server after another,
//! in list order, each with its own timeout and attempt count.
//!
//! Each question goes to one server on the wire ([`super::exchange`]): the failover loop
//! is ours, and so is following a CNAME chain the server did not resolve in full. The
//! record types of one question (A and AAAA) go to a server together, under one deadline,
//! so a dead server costs one timeout, not two.

use std::collections::BTreeSet;
use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};

use hickory_proto::op::ResponseCode;
pub use hickory_proto::rr::RecordType;
use hickory_proto::rr::{Name, RData, Record};
use serde::Serialize;
use tokio::task::JoinSet;

use super::config::{DnsConfig, DnsServer, QueryModel, ServerSource, Transport};
use super::exchange::{ExchangeError, exchange};
use crate::addr::Host;
use crate::vocab::{Interrupt, millis};

/// The record types `nameresolver -t` accepts.
pub const QUERY_TYPES: &[RecordType] = &[
    RecordType::A,
    RecordType::AAAA,
    RecordType::CNAME,
    RecordType::MX,
    RecordType::TXT,
    RecordType::SRV,
    RecordType::NS,
    RecordType::SOA,
    RecordType::PTR,
];

/// A question that cannot be asked: a record type the tool does not ask for, or a name
/// that is not a DNS name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QuestionError {
    #[error("'{0}' is not a record type this tool asks for; use one of {names}", names = type_list())]
    UnknownType(String),
    #[error("'{name}': {reason}")]
    BadName { name: String, reason: String },
}

fn type_list() -> String {
    QUERY_TYPES
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Parses a record type name (case-insensitive) among [`QUERY_TYPES`].
pub fn parse_query_type(text: &str) -> Result<RecordType, QuestionError> {
    QUERY_TYPES
        .iter()
        .copied()
        .find(|t| t.to_string().eq_ignore_ascii_case(text.trim()))
        .ok_or_else(|| QuestionError::UnknownType(text.to_owned()))
}

/// What to ask: a name and the record types wanted for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Question {
    /// What the user typed, normalised (an IP stays an IP).
    pub display: String,
    /// The name queried, fully qualified (the reverse name for an IP literal).
    pub name: Name,
    pub types: Vec<RecordType>,
    /// The address whose name is asked, for a reverse lookup of an IP literal.
    pub reverse_of: Option<IpAddr>,
}

impl Question {
    /// A and AAAA for a name, PTR for an IP literal, or the one type asked for.
    pub fn new(host: &Host, record_type: Option<RecordType>) -> Result<Self, QuestionError> {
        let (name, default_types) = match host {
            Host::Ip(ip) => (Name::from(*ip), vec![RecordType::PTR]),
            Host::Name(text) => {
                let mut name = Name::from_ascii(text).map_err(|e| QuestionError::BadName {
                    name: text.clone(),
                    reason: e.to_string(),
                })?;
                // Fully qualified: no search-list guessing, the server sees what was typed.
                name.set_fqdn(true);
                (name, vec![RecordType::A, RecordType::AAAA])
            }
        };
        let types = record_type.map_or(default_types, |t| vec![t]);
        let reverse_of = match host {
            Host::Ip(ip) if types == [RecordType::PTR] => Some(*ip),
            _ => None,
        };
        Ok(Self {
            display: host.to_string(),
            name,
            types,
            reverse_of,
        })
    }

    /// The names of the record types, for reports (`["A", "AAAA"]`).
    pub fn type_names(&self) -> Vec<String> {
        self.types.iter().map(ToString::to_string).collect()
    }

    fn is_address_lookup(&self) -> bool {
        self.types
            .iter()
            .all(|t| matches!(t, RecordType::A | RecordType::AAAA))
    }
}

/// What one server did with one attempt. The names are part of the report contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum DnsOutcome {
    /// NOERROR with records.
    Answered,
    /// The name does not exist.
    Nxdomain,
    /// The name exists but has no records of the types asked.
    Nodata,
    /// No answer within the timeout.
    Timeout,
    Servfail,
    Refused,
    /// The server cannot be reached at all (no route): fails like a timeout, at once.
    Unreachable,
    /// Any other failure: another response code, a network error.
    Error,
    /// Ctrl-C cut the wait short: neither an answer nor a failure.
    Interrupted,
}

impl DnsOutcome {
    /// The server did not answer at all (a timeout) or could not be reached: what makes
    /// `dns.reachable` fail.
    pub fn server_is_dead(self) -> bool {
        matches!(self, Self::Timeout | Self::Unreachable)
    }

    /// NOERROR (with or without records) and NXDOMAIN are answers: they end the lookup.
    /// Everything else moves on to the next server.
    pub fn ends_lookup(self) -> bool {
        matches!(self, Self::Answered | Self::Nxdomain | Self::Nodata)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Answered => "answered",
            Self::Nxdomain => "nxdomain",
            Self::Nodata => "nodata",
            Self::Timeout => "timeout",
            Self::Servfail => "servfail",
            Self::Refused => "refused",
            Self::Unreachable => "unreachable",
            Self::Error => "error",
            Self::Interrupted => "interrupted",
        }
    }
}

/// One query to one server, as the report shows it.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct DnsAttempt {
    pub server: SocketAddr,
    pub source: ServerSource,
    /// The attempt (round) this query belongs to: 1, then 2 and 3 when no server answered
    /// (the platform's attempts; always 1 in the sequential model).
    pub round: u32,
    pub outcome: DnsOutcome,
    #[serde(rename = "elapsed_ms", serialize_with = "millis")]
    #[schemars(with = "f64")]
    pub elapsed: Duration,
    /// The response code when the server answered (`NOERROR`, `NXDOMAIN`, ...).
    pub rcode: Option<String>,
    /// What went wrong, in words, when the outcome is `error`.
    pub message: Option<String>,
}

/// One record of an answer, in presentation form.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, schemars::JsonSchema)]
pub struct AnswerRecord {
    pub name: String,
    #[serde(rename = "type")]
    pub record_type: String,
    pub ttl: u32,
    pub data: String,
}

/// A server's answer: the records, and the parts a person reads first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct DnsAnswer {
    pub server: SocketAddr,
    /// Every response was authoritative (`aa`): the server holds the zone itself.
    pub authoritative: bool,
    /// The end of the CNAME chain (the queried name when there is no chain).
    pub canonical_name: String,
    /// The names of the CNAME chain before the canonical name, in order.
    pub aliases: Vec<String>,
    pub addresses: Vec<IpAddr>,
    pub records: Vec<AnswerRecord>,
}

/// What one server said, over all its attempts.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct ServerResult {
    pub server: DnsServer,
    pub attempts: Vec<DnsAttempt>,
    pub outcome: DnsOutcome,
    pub answer: Option<DnsAnswer>,
}

/// A sequential lookup: every server tried, and how it ended.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Lookup {
    pub attempts: Vec<DnsAttempt>,
    /// The outcome of the server that ended the lookup, or of the last one tried.
    pub outcome: DnsOutcome,
    pub answer: Option<DnsAnswer>,
}

impl DnsAttempt {
    /// Whether nothing listened on the server's port (refused on the wire, at once), as
    /// opposed to a server that answered REFUSED.
    pub fn nothing_listens(&self) -> bool {
        self.outcome == DnsOutcome::Refused && self.rcode.is_none()
    }

    /// Neither an answer (records, NXDOMAIN, NODATA) nor cut short by Ctrl-C.
    pub fn failed(&self) -> bool {
        !self.outcome.ends_lookup() && self.outcome != DnsOutcome::Interrupted
    }
}

impl Lookup {
    pub fn resolved(&self) -> bool {
        self.outcome == DnsOutcome::Answered
    }

    /// The attempts that failed before the server that answered (or all, on failure).
    /// Whether an attempt failed (a timeout, SERVFAIL, ...): not an answer, and not one
    /// that Ctrl-C cut short.
    pub fn any_failed(&self) -> bool {
        self.attempts.iter().any(DnsAttempt::failed)
    }

    pub fn failed_attempts(&self) -> impl Iterator<Item = &DnsAttempt> {
        self.attempts.iter().filter(|a| !a.outcome.ends_lookup())
    }
}

/// Resolves `question` as the app does, in the configuration's query model: `platform`
/// (every server at once, rounds until one answers) or `sequential` (one server after
/// another, once each). Ctrl-C (`interrupt`) ends the wait: what was under way is
/// `interrupted`.
pub async fn resolve(config: &DnsConfig, question: &Question, interrupt: &Interrupt) -> Lookup {
    match config.model {
        QueryModel::Platform => resolve_platform(config, question, interrupt).await,
        QueryModel::Sequential => resolve_sequential(config, question, interrupt).await,
    }
}

/// Kudu's classic model: the servers one after another in list order, each once for the
/// timeout, until one answers (NOERROR or NXDOMAIN). Two dead servers cost two timeouts.
async fn resolve_sequential(
    config: &DnsConfig,
    question: &Question,
    interrupt: &Interrupt,
) -> Lookup {
    let mut attempts = Vec::new();
    let mut last = DnsOutcome::Error;
    for server in &config.servers {
        let once = DnsConfig {
            attempts: 1,
            ..config.clone()
        };
        let result = ask_server(&once, server.clone(), question, interrupt).await;
        attempts.extend(result.attempts);
        last = result.outcome;
        if result.outcome.ends_lookup() || result.outcome == DnsOutcome::Interrupted {
            return Lookup {
                attempts,
                outcome: result.outcome,
                answer: result.answer,
            };
        }
    }
    Lookup {
        attempts,
        outcome: last,
        answer: None,
    }
}

/// Today's platform ("Name resolution in App Service"): each round asks every server at
/// once; the answer of the first server in list order that answered counts, as soon as
/// every server ahead of it has failed. A round in which no server answered is repeated,
/// up to the configured attempts. So a dead first server costs one timeout per round, however
/// many servers are dead; all dead cost attempts x timeout.
async fn resolve_platform(
    config: &DnsConfig,
    question: &Question,
    interrupt: &Interrupt,
) -> Lookup {
    let mut attempts = Vec::new();
    let mut outcome = DnsOutcome::Error;
    for round in 1..=config.attempts.max(1) {
        let result = platform_round(config, question, round, interrupt).await;
        outcome = if result.interrupted {
            DnsOutcome::Interrupted
        } else {
            result
                .attempts
                .last()
                .map_or(DnsOutcome::Error, |a| a.outcome)
        };
        attempts.extend(result.attempts);
        if let Some(answer) = result.answer {
            return Lookup {
                attempts,
                outcome,
                answer: Some(answer),
            };
        }
        if outcome.ends_lookup() || outcome == DnsOutcome::Interrupted {
            break;
        }
    }
    Lookup {
        attempts,
        outcome,
        answer: None,
    }
}

/// One round of the platform model: its attempts in list order (the servers ahead of the
/// deciding one, which failed, then the deciding one; a server behind it is not waited
/// for, as the app does not wait for it), and the answer when it had records.
struct Round {
    attempts: Vec<DnsAttempt>,
    answer: Option<DnsAnswer>,
    /// Ctrl-C ended the round.
    interrupted: bool,
}

/// Where a round stands: waiting for a server ahead, decided by a server's answer, or
/// failed (every server failed).
enum RoundState {
    Waiting,
    Decided(usize),
    Failed,
}

fn round_state(results: &[Option<(DnsAttempt, Records)>]) -> RoundState {
    for (index, result) in results.iter().enumerate() {
        match result {
            None => return RoundState::Waiting,
            Some((attempt, _)) if attempt.outcome.ends_lookup() => {
                return RoundState::Decided(index);
            }
            Some(_) => {}
        }
    }
    RoundState::Failed
}

async fn platform_round(
    config: &DnsConfig,
    question: &Question,
    round: u32,
    interrupt: &Interrupt,
) -> Round {
    let started = Instant::now();
    let mut queries = JoinSet::new();
    for (index, server) in config.servers.iter().map(|s| s.address).enumerate() {
        let (transport, timeout, question) = (config.transport, config.timeout, question.clone());
        queries.spawn(async move {
            let classified = query_once(server, transport, &question, timeout).await;
            (index, classified, started.elapsed())
        });
    }
    let mut results: Vec<Option<(DnsAttempt, Records)>> = vec![None; config.servers.len()];
    let attempt_of = |index: usize, outcome, elapsed, rcode, message| DnsAttempt {
        server: config.servers[index].address,
        source: config.servers[index].source,
        round,
        outcome,
        elapsed,
        rcode,
        message,
    };
    loop {
        match round_state(&results) {
            RoundState::Waiting => {}
            RoundState::Decided(index) => {
                queries.abort_all();
                let mut attempts: Vec<DnsAttempt> = Vec::with_capacity(index + 1);
                let mut answer = None;
                for (attempt, records) in results.into_iter().take(index + 1).flatten() {
                    if attempt.outcome == DnsOutcome::Answered {
                        answer = Some(build_answer(attempt.server, question, &records));
                    }
                    attempts.push(attempt);
                }
                return Round {
                    attempts,
                    answer,
                    interrupted: false,
                };
            }
            RoundState::Failed => {
                let attempts = results.into_iter().flatten().map(|(a, _)| a).collect();
                return Round {
                    attempts,
                    answer: None,
                    interrupted: false,
                };
            }
        }
        tokio::select! {
            joined = queries.join_next() => match joined {
                Some(Ok((index, (outcome, rcode, message, records), elapsed))) => {
                    results[index] = Some((attempt_of(index, outcome, elapsed, rcode, message), records));
                }
                // A query task that panicked or was cancelled: its server failed.
                Some(Err(error)) => {
                    if let Some(index) = results.iter().position(Option::is_none) {
                        let message = Some(format!("query task failed: {error}"));
                        results[index] = Some((attempt_of(index, DnsOutcome::Error, started.elapsed(), None, message), Records::default()));
                    }
                }
                None => {}
            },
            () = interrupt.wait() => {
                queries.abort_all();
                let waited = started.elapsed();
                let message = format!("interrupted after {:.1}s, no answer", waited.as_secs_f64());
                let attempts = results
                    .into_iter()
                    .enumerate()
                    .map(|(index, result)| match result {
                        Some((attempt, _)) => attempt,
                        None => attempt_of(index, DnsOutcome::Interrupted, waited, None, Some(message.clone())),
                    })
                    .collect();
                return Round { attempts, answer: None, interrupted: true };
            }
        }
    }
}

/// Asks every server at once (`--all`): finds servers that disagree, such as one that
/// lacks the private zone. The whole run takes one server's worst case, not their sum.
pub async fn resolve_all(
    config: &DnsConfig,
    question: &Question,
    interrupt: &Interrupt,
) -> Vec<ServerResult> {
    let mut tasks = JoinSet::new();
    for (index, server) in config.servers.iter().cloned().enumerate() {
        let config = config.clone();
        let question = question.clone();
        let interrupt = interrupt.clone();
        tasks.spawn(async move {
            let result = ask_server(&config, server, &question, &interrupt).await;
            (index, result)
        });
    }
    let mut results: Vec<(usize, ServerResult)> = Vec::with_capacity(config.servers.len());
    while let Some(joined) = tasks.join_next().await {
        if let Ok(result) = joined {
            results.push(result);
        }
    }
    results.sort_by_key(|(index, _)| *index);
    results.into_iter().map(|(_, result)| result).collect()
}

/// Groups the servers of an `--all` run that answered (records, NXDOMAIN or NODATA) by
/// what they said; more than one group means they disagree. A server that did not answer
/// (timeout, SERVFAIL, REFUSED, error) disagrees with nobody: it is a failure of its own.
/// Each group: the answer in words and the servers that gave it, in list order.
pub fn agreement(results: &[ServerResult]) -> Vec<(String, Vec<SocketAddr>)> {
    let mut groups: Vec<(String, Vec<SocketAddr>)> = Vec::new();
    for result in results.iter().filter(|r| r.outcome.ends_lookup()) {
        let said = match &result.answer {
            Some(answer) => {
                let data: BTreeSet<String> = answer
                    .records
                    .iter()
                    .map(|r| format!("{} {}", r.record_type, r.data))
                    .collect();
                data.into_iter().collect::<Vec<_>>().join(", ")
            }
            None => result.outcome.as_str().to_owned(),
        };
        match groups.iter_mut().find(|(text, _)| *text == said) {
            Some((_, servers)) => servers.push(result.server.address),
            None => groups.push((said, vec![result.server.address])),
        }
    }
    groups
}

/// An `--all` run read as one lookup, for the checklist: every attempt, and the best
/// outcome any server gave (an answer, else NXDOMAIN, else NODATA, else the last failure).
pub fn as_lookup(results: &[ServerResult]) -> Lookup {
    let rank = |o: DnsOutcome| match o {
        DnsOutcome::Answered => 3,
        DnsOutcome::Nxdomain => 2,
        DnsOutcome::Nodata => 1,
        _ => 0,
    };
    let best = results.iter().max_by_key(|r| rank(r.outcome));
    Lookup {
        attempts: results.iter().flat_map(|r| r.attempts.clone()).collect(),
        outcome: best.map_or(DnsOutcome::Error, |r| r.outcome),
        answer: best.and_then(|r| r.answer.clone()),
    }
}

/// All attempts at one server, until one ends the lookup, the attempts run out, or Ctrl-C.
pub async fn ask_server(
    config: &DnsConfig,
    server: DnsServer,
    question: &Question,
    interrupt: &Interrupt,
) -> ServerResult {
    let mut attempts = Vec::new();
    let mut answer = None;
    for attempt in 1..=config.attempts.max(1) {
        let started = Instant::now();
        let (outcome, rcode, message, records) = tokio::select! {
            classified = query_once(server.address, config.transport, question, config.timeout) => classified,
            () = interrupt.wait() => {
                let waited = format!("interrupted after {:.1}s, no answer", started.elapsed().as_secs_f64());
                (DnsOutcome::Interrupted, None, Some(waited), Records::default())
            }
        };
        attempts.push(DnsAttempt {
            server: server.address,
            source: server.source,
            round: attempt,
            outcome,
            elapsed: started.elapsed(),
            rcode,
            message,
        });
        if outcome == DnsOutcome::Answered {
            answer = Some(build_answer(server.address, question, &records));
        }
        if outcome.ends_lookup() || outcome == DnsOutcome::Interrupted {
            break;
        }
    }
    let outcome = attempts.last().map_or(DnsOutcome::Error, |a| a.outcome);
    ServerResult {
        server,
        attempts,
        outcome,
        answer,
    }
}

type Classified = (DnsOutcome, Option<String>, Option<String>, Records);

/// The records of an answer, and whether every response that gave them was authoritative
/// (the `aa` bit: the server holds the zone, as an in-VNET DNS server for its own zone
/// does; a forwarder or Azure DNS answers without it). nslookup's "Non-authoritative
/// answer:" line is read from it.
#[derive(Debug, Clone, Default)]
struct Records {
    list: Vec<Record>,
    authoritative: bool,
}

/// One attempt: all record types of the question at once, under one deadline.
async fn query_once(
    server: SocketAddr,
    transport: Transport,
    question: &Question,
    timeout: Duration,
) -> Classified {
    let deadline = tokio::time::Instant::now() + timeout;
    let mut queries = JoinSet::new();
    for (index, record_type) in question.types.iter().copied().enumerate() {
        let name = question.name.clone();
        queries.spawn(async move {
            (
                index,
                ask_type(server, transport, name, record_type, deadline).await,
            )
        });
    }
    let mut per_type = Vec::with_capacity(question.types.len());
    // hickory enforces the timeout too; ours is the hard bound the user was promised.
    let collected = tokio::time::timeout(timeout, async {
        while let Some(joined) = queries.join_next().await {
            match joined {
                Ok((index, classified)) => per_type.push((index, classified)),
                Err(e) => per_type.push((usize::MAX, error(format!("query task failed: {e}")))),
            }
        }
    })
    .await;
    if collected.is_err() && per_type.is_empty() {
        return (DnsOutcome::Timeout, None, None, Records::default());
    }
    per_type.sort_by_key(|(index, _)| *index);
    combine(per_type.into_iter().map(|(_, c)| c).collect())
}

fn error(message: String) -> Classified {
    (DnsOutcome::Error, None, Some(message), Records::default())
}

/// Merges the answers for each record type: any records make the server's answer; else
/// NXDOMAIN, else NODATA; else the first type's failure.
fn combine(per_type: Vec<Classified>) -> Classified {
    let mut records = Records {
        list: Vec::new(),
        authoritative: true,
    };
    let mut first_failure = None;
    let mut best: Option<(DnsOutcome, Option<String>)> = None;
    for (outcome, rcode, message, type_records) in per_type {
        if !type_records.list.is_empty() {
            records.authoritative &= type_records.authoritative;
        }
        records.list.extend(type_records.list);
        let rank = |o: DnsOutcome| match o {
            DnsOutcome::Answered => 3,
            DnsOutcome::Nxdomain => 2,
            DnsOutcome::Nodata => 1,
            _ => 0,
        };
        if outcome.ends_lookup() {
            if best.as_ref().is_none_or(|(b, _)| rank(outcome) > rank(*b)) {
                best = Some((outcome, rcode));
            }
        } else if first_failure.is_none() {
            first_failure = Some((outcome, rcode, message));
        }
    }
    records.authoritative &= !records.list.is_empty();
    match (best, first_failure) {
        (Some((outcome, rcode)), _) => (outcome, rcode, None, records),
        (None, Some((outcome, rcode, message))) => (outcome, rcode, message, records),
        (None, None) => (DnsOutcome::Timeout, None, None, records),
    }
}

/// A CNAME chain longer than this is a loop or a misconfiguration, not an answer.
const MAX_ALIASES: usize = 8;

/// One record type of the question, at one server: the answer, following a CNAME chain the
/// server left unfinished by asking it for the alias's target, as stub resolvers do.
async fn ask_type(
    server: SocketAddr,
    transport: Transport,
    name: Name,
    record_type: RecordType,
    deadline: tokio::time::Instant,
) -> Classified {
    let mut records: Vec<Record> = Vec::new();
    // Every response of the chain must carry `aa` for the answer to be authoritative.
    let mut authoritative = true;
    let mut asked = name.clone();
    for _ in 0..=MAX_ALIASES {
        let response = match exchange(server, transport, &asked, record_type, deadline).await {
            Ok(response) => response,
            Err(ExchangeError::Timeout) => {
                return (DnsOutcome::Timeout, None, None, Records::default());
            }
            Err(ExchangeError::Refused(why)) => {
                return (DnsOutcome::Refused, None, Some(why), Records::default());
            }
            Err(ExchangeError::Unreachable(why)) => {
                return (DnsOutcome::Unreachable, None, Some(why), Records::default());
            }
            Err(ExchangeError::Failed(why)) => return error(why),
        };
        let code = response.metadata.response_code;
        authoritative &= response.metadata.authoritative;
        let rcode = Some(rcode_name(code));
        match code {
            ResponseCode::NoError => {}
            ResponseCode::NXDomain => {
                return (DnsOutcome::Nxdomain, rcode, None, Records::default());
            }
            ResponseCode::ServFail => {
                return (DnsOutcome::Servfail, rcode, None, Records::default());
            }
            ResponseCode::Refused => return (DnsOutcome::Refused, rcode, None, Records::default()),
            other => {
                let message = format!("the server answered {}", rcode_name(other));
                return (DnsOutcome::Error, rcode, Some(message), Records::default());
            }
        }
        // The chain's records may come in the answer or, from some servers, as additionals.
        records.extend(response.answers);
        records.extend(response.additionals.into_iter().filter(|r| {
            matches!(r.record_type(), RecordType::CNAME) || r.record_type() == record_type
        }));
        let end = chain_end(&records, &name, record_type);
        let has_data = records
            .iter()
            .any(|r| r.record_type() == record_type && r.name.to_lowercase() == end.to_lowercase());
        if has_data {
            return (
                DnsOutcome::Answered,
                rcode,
                None,
                Records {
                    list: records,
                    authoritative,
                },
            );
        }
        if end.to_lowercase() == asked.to_lowercase() {
            return (DnsOutcome::Nodata, rcode, None, Records::default());
        }
        asked = end;
    }
    error(format!(
        "more than {MAX_ALIASES} aliases in a row from {name}"
    ))
}

/// Where the CNAME chain from `name` ends, within `records` (the name itself when it is not
/// an alias, or when CNAME records are what was asked).
fn chain_end(records: &[Record], name: &Name, record_type: RecordType) -> Name {
    let mut current = name.clone();
    if record_type == RecordType::CNAME {
        return current;
    }
    for _ in 0..=MAX_ALIASES {
        let next = records.iter().find_map(|r| match &r.data {
            RData::CNAME(target) if r.name.to_lowercase() == current.to_lowercase() => {
                Some(target.0.clone())
            }
            _ => None,
        });
        match next {
            Some(target) => current = target,
            None => break,
        }
    }
    current
}

/// The response code as dig prints it.
pub fn rcode_name(code: ResponseCode) -> String {
    match code {
        ResponseCode::NoError => "NOERROR".to_owned(),
        ResponseCode::FormErr => "FORMERR".to_owned(),
        ResponseCode::ServFail => "SERVFAIL".to_owned(),
        ResponseCode::NXDomain => "NXDOMAIN".to_owned(),
        ResponseCode::NotImp => "NOTIMP".to_owned(),
        ResponseCode::Refused => "REFUSED".to_owned(),
        other => format!("RCODE{}", u16::from(other)),
    }
}

fn build_answer(server: SocketAddr, question: &Question, answered: &Records) -> DnsAnswer {
    let records = answered.list.as_slice();
    // Follow the CNAME chain from the queried name; the resolver keeps the intermediates.
    let mut aliases = Vec::new();
    let mut current = question.name.clone();
    let mut seen = BTreeSet::new();
    while seen.insert(current.to_lowercase()) {
        let next = records.iter().find_map(|r| match &r.data {
            RData::CNAME(target) if r.name.to_lowercase() == current.to_lowercase() => {
                Some(target.0.clone())
            }
            _ => None,
        });
        match next {
            Some(target)
                if question.is_address_lookup() || !question.types.contains(&RecordType::CNAME) =>
            {
                aliases.push(presentation(&current));
                current = target;
            }
            _ => break,
        }
    }
    let mut addresses = Vec::new();
    for record in records {
        let ip = match &record.data {
            RData::A(a) => IpAddr::V4(a.0),
            RData::AAAA(aaaa) => IpAddr::V6(aaaa.0),
            _ => continue,
        };
        if !addresses.contains(&ip) {
            addresses.push(ip);
        }
    }
    let mut seen_records = BTreeSet::new();
    let records = records
        .iter()
        .map(|r| AnswerRecord {
            name: presentation(&r.name),
            record_type: r.record_type().to_string(),
            ttl: r.ttl,
            data: presentation_data(&r.data),
        })
        .filter(|r| seen_records.insert(r.clone()))
        .collect();
    DnsAnswer {
        server,
        authoritative: answered.authoritative,
        canonical_name: presentation(&current),
        aliases,
        addresses,
        records,
    }
}

/// A name as people write it: no trailing root dot.
fn presentation(name: &Name) -> String {
    let text = name.to_ascii();
    match text.strip_suffix('.') {
        Some(stripped) if !stripped.is_empty() => stripped.to_owned(),
        _ => text,
    }
}

fn presentation_data(data: &RData) -> String {
    match data {
        RData::CNAME(name) => presentation(&name.0),
        RData::PTR(name) => presentation(&name.0),
        RData::NS(name) => presentation(&name.0),
        RData::MX(mx) => format!("{} {}", mx.preference, presentation(&mx.exchange)),
        RData::SRV(srv) => format!(
            "{} {} {} {}",
            srv.priority,
            srv.weight,
            srv.port,
            presentation(&srv.target)
        ),
        RData::TXT(txt) => txt
            .txt_data
            .iter()
            .map(|part| format!("\"{}\"", String::from_utf8_lossy(part)))
            .collect::<Vec<_>>()
            .join(" "),
        other => other.to_string(),
    }
}
