//! TCP: the connect probe ([`probe`]), the run of attempts (count, continuous, for some
//! seconds, interruptible), its summary, verdict and report section, and the Kudu-shaped
//! output ([`render`]).

pub mod probe;
pub mod render;
pub mod spread;

use std::collections::BTreeMap;
use std::future::Future;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use serde::Serialize;

pub use probe::{TcpAttempt, TcpOutcome, classify, connect_once};

use crate::addr::Host;
use crate::dns::{DnsConfig, Lookup, Question};
use crate::vocab::{Interrupt, display_millis, millis};

/// Windows gives up on an unanswered SYN after 21 s (3 + 6 + 12 s); so do we, on any OS.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(21);
/// Kudu's tcpping makes 4 attempts.
pub const DEFAULT_COUNT: u32 = 4;
/// Pause between attempts.
pub const DEFAULT_INTERVAL: Duration = Duration::from_secs(1);

/// When the run ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    /// After this many attempts.
    Count(u32),
    /// Until interrupted.
    Continuous,
    /// No new attempt starts after this long.
    Duration(Duration),
}

/// What to probe, and how.
#[derive(Debug, Clone)]
pub struct ProbePlan {
    /// The target's addresses, in the order the resolver returned them: each attempt
    /// tries them in turn until one connects, as the app's own connect does.
    pub addresses: Vec<SocketAddr>,
    pub timeout: Duration,
    pub interval: Duration,
    pub limit: Limit,
    /// Keep every attempt (the JSON report lists them). Without it a run keeps only its
    /// tally, so `-t` can run for days in constant memory.
    pub keep_attempts: bool,
    /// The number of the first attempt (after attempts already made, e.g. lookups that
    /// failed in a continuous run).
    pub first_seq: u32,
}

/// Told about the run as it happens, so the binary can print lines as they come and show a
/// live counter; the run itself stays free of printing.
pub trait ProbeObserver {
    /// An attempt has been waiting this long (called about once a second while waiting).
    fn waiting(&mut self, _seq: u32, _elapsed: Duration) {}
    /// An attempt finished: the tries of its addresses, in order, the last the one that
    /// connected (or the last to fail, or the one Ctrl-C cut short).
    fn finished(&mut self, tries: &[TcpAttempt]);
    /// Whether the run should end now, as if it had reached its limit (the reader of its
    /// output went away: `tcpping -t host | head -1`).
    fn should_stop(&self) -> bool {
        false
    }
}

/// What a run did: the tally of every attempt, the attempts themselves when kept, and
/// whether it was interrupted.
#[derive(Debug, Clone, Default)]
pub struct ProbeRun {
    pub attempts: Vec<TcpAttempt>,
    pub tally: Tally,
    pub interrupted: bool,
}

impl ProbeRun {
    /// A run made of these attempts, all kept.
    pub fn from_attempts(attempts: Vec<TcpAttempt>, interrupted: bool) -> Self {
        let mut tally = Tally::default();
        for attempt in &attempts {
            tally.add(attempt);
        }
        Self {
            attempts,
            tally,
            interrupted,
        }
    }

    /// Puts attempts made before the run (failed lookups) ahead of its own.
    pub fn prepend(&mut self, earlier: Vec<TcpAttempt>, keep: bool) {
        for attempt in &earlier {
            self.tally.add(attempt);
        }
        if keep {
            self.attempts.splice(0..0, earlier);
        }
    }

    /// Records one attempt: the tries of its addresses, the last of which (the one that
    /// connected, or the last to fail) is what the attempt counts as.
    pub fn record(&mut self, tries: Vec<TcpAttempt>, keep: bool) {
        if let Some(last) = tries.last() {
            self.tally.add(last);
        }
        if keep {
            self.attempts.extend(tries);
        }
    }
}

/// Running counts and times: constant size, however long the run.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tally {
    pub attempts: u32,
    pub connected: u32,
    pub min: Option<Duration>,
    pub max: Option<Duration>,
    pub total: Duration,
    pub outcomes: BTreeMap<&'static str, u32>,
    /// Median, p95 and jitter of the successes, in constant memory.
    pub times: spread::ConnectTimes,
}

impl Tally {
    pub fn add(&mut self, attempt: &TcpAttempt) {
        self.attempts = self.attempts.saturating_add(1);
        *self.outcomes.entry(attempt.outcome.as_str()).or_insert(0) += 1;
        if attempt.outcome == TcpOutcome::Connected {
            self.connected = self.connected.saturating_add(1);
            self.min = Some(self.min.map_or(attempt.elapsed, |m| m.min(attempt.elapsed)));
            self.max = Some(self.max.map_or(attempt.elapsed, |m| m.max(attempt.elapsed)));
            self.total = self.total.saturating_add(attempt.elapsed);
            self.times.record(attempt.elapsed);
        }
    }
}

/// Runs the attempts of a plan until its limit or until `stop` completes (Ctrl-C). An
/// attempt in progress when `stop` fires is `interrupted after 2.5s`, with how long it had
/// waited: an attempt that did not succeed, but no failure either.
pub async fn run_probes(
    plan: &ProbePlan,
    observer: &mut dyn ProbeObserver,
    stop: impl Future<Output = ()>,
) -> ProbeRun {
    continue_probes(plan, observer, stop, ProbeRun::default()).await
}

/// [`run_probes`], adding to a run already begun (its tally goes on: the spread of
/// connect times covers the whole run).
pub async fn continue_probes(
    plan: &ProbePlan,
    observer: &mut dyn ProbeObserver,
    stop: impl Future<Output = ()>,
    run: ProbeRun,
) -> ProbeRun {
    let started = Instant::now();
    let mut run = run;
    let mut stop = std::pin::pin!(stop);
    let mut seq: u32 = plan.first_seq.saturating_sub(1);
    loop {
        seq = seq.saturating_add(1);
        let mut tries = Vec::new();
        for address in &plan.addresses {
            let attempt_started = Instant::now();
            let attempt = {
                let mut connect = std::pin::pin!(connect_once(seq, *address, plan.timeout));
                let mut ticks = tokio::time::interval_at(
                    tokio::time::Instant::now() + Duration::from_secs(1),
                    Duration::from_secs(1),
                );
                loop {
                    tokio::select! {
                        attempt = &mut connect => break Some(attempt),
                        () = &mut stop => break None,
                        _ = ticks.tick() => observer.waiting(seq, attempt_started.elapsed()),
                    }
                }
            };
            let Some(attempt) = attempt else {
                let attempt = interrupted_attempt(seq, *address, attempt_started.elapsed());
                tries.push(attempt);
                observer.finished(&tries);
                run.record(tries, plan.keep_attempts);
                run.interrupted = true;
                return run;
            };
            let connected = attempt.outcome == TcpOutcome::Connected;
            tries.push(attempt);
            if connected || observer.should_stop() {
                break;
            }
        }
        observer.finished(&tries);
        run.record(tries, plan.keep_attempts);
        let done = observer.should_stop()
            || match plan.limit {
                Limit::Count(count) => seq >= count,
                Limit::Continuous => false,
                Limit::Duration(duration) => started.elapsed() + plan.interval >= duration,
            };
        if done {
            return run;
        }
        if !plan.interval.is_zero() {
            tokio::select! {
                () = tokio::time::sleep(plan.interval) => {}
                () = &mut stop => {
                    run.interrupted = true;
                    return run;
                }
            }
        }
    }
}

/// The attempt Ctrl-C cut short, and how long it had waited (`2.5s`).
fn interrupted_attempt(seq: u32, address: SocketAddr, waited: Duration) -> TcpAttempt {
    // It started `waited` ago.
    let at = std::time::SystemTime::now()
        .checked_sub(waited)
        .unwrap_or_else(std::time::SystemTime::now);
    TcpAttempt {
        seq,
        at,
        local: None,
        address: Some(address),
        outcome: TcpOutcome::Interrupted,
        elapsed: waited,
        message: Some(format!(
            "interrupted after {:.1}s, no answer",
            waited.as_secs_f64()
        )),
        os_error: None,
    }
}

/// Counts and times over all attempts.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct TcpSummary {
    pub attempts: u32,
    pub connected: u32,
    /// Percentage of attempts that connected, rounded down (as Kudu prints it).
    pub success_percent: u32,
    #[serde(rename = "min_ms", serialize_with = "optional_millis")]
    #[schemars(with = "Option<f64>")]
    pub min: Option<Duration>,
    #[serde(rename = "avg_ms", serialize_with = "optional_millis")]
    #[schemars(with = "Option<f64>")]
    pub average: Option<Duration>,
    #[serde(rename = "max_ms", serialize_with = "optional_millis")]
    #[schemars(with = "Option<f64>")]
    pub max: Option<Duration>,
    /// The middle successful connect time (nearest rank).
    #[serde(rename = "median_ms", serialize_with = "optional_millis")]
    #[schemars(with = "Option<f64>")]
    pub median: Option<Duration>,
    /// 95 % of successful connects took at most this long.
    #[serde(rename = "p95_ms", serialize_with = "optional_millis")]
    #[schemars(with = "Option<f64>")]
    pub p95: Option<Duration>,
    /// The mean absolute difference of consecutive successful connect times.
    #[serde(rename = "jitter_ms", serialize_with = "optional_millis")]
    #[schemars(with = "Option<f64>")]
    pub jitter: Option<Duration>,
    /// How many attempts ended each way (`connected`, `timeout`, ...).
    pub outcomes: BTreeMap<&'static str, u32>,
    pub interrupted: bool,
}

// serde's `serialize_with` hands over `&Option<T>`.
#[allow(clippy::ref_option)]
fn optional_millis<S: serde::Serializer>(
    duration: &Option<Duration>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match duration {
        Some(duration) => millis(duration, serializer),
        None => serializer.serialize_none(),
    }
}

impl TcpSummary {
    pub fn of(run: &ProbeRun) -> Self {
        let tally = &run.tally;
        Self {
            attempts: tally.attempts,
            connected: tally.connected,
            success_percent: if tally.attempts == 0 {
                0
            } else {
                u32::try_from(u64::from(tally.connected) * 100 / u64::from(tally.attempts))
                    .unwrap_or(100)
            },
            min: tally.min,
            average: (tally.connected > 0).then(|| tally.total / tally.connected),
            max: tally.max,
            median: tally.times.quantile(0.5),
            p95: tally.times.quantile(0.95),
            jitter: tally.times.jitter(),
            outcomes: tally.outcomes.clone(),
            interrupted: run.interrupted,
        }
    }

    /// The attempts that ended on their own: all but one cut short by Ctrl-C.
    pub fn ended(&self) -> u32 {
        let cut_short = self
            .outcomes
            .get(TcpOutcome::Interrupted.as_str())
            .copied()
            .unwrap_or(0);
        self.attempts.saturating_sub(cut_short)
    }

    /// The attempts that failed (an interrupted one did not).
    pub fn failed(&self) -> u32 {
        self.ended().saturating_sub(self.connected)
    }

    /// The most frequent failure class, if any attempt failed.
    pub fn main_failure(&self) -> Option<TcpOutcome> {
        [
            TcpOutcome::Timeout,
            TcpOutcome::Refused,
            TcpOutcome::Unreachable,
            TcpOutcome::Reset,
            TcpOutcome::Dns,
            TcpOutcome::Error,
        ]
        .into_iter()
        .filter_map(|o| self.outcomes.get(o.as_str()).map(|n| (*n, o)))
        .max_by_key(|(n, o)| (*n, std::cmp::Reverse(*o)))
        .map(|(_, o)| o)
    }
}

/// The `tcp` section of the report.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct TcpSection {
    #[serde(rename = "timeout_ms", serialize_with = "millis")]
    #[schemars(with = "f64")]
    pub timeout: Duration,
    #[serde(rename = "interval_ms", serialize_with = "millis")]
    #[schemars(with = "f64")]
    pub interval: Duration,
    /// The attempts asked for; `null` for a continuous or timed run.
    pub count: Option<u32>,
    /// `-s`: how long the run was asked to last; `null` otherwise.
    #[serde(rename = "seconds")]
    pub duration_secs: Option<u64>,
    pub attempts: Vec<TcpAttempt>,
    pub summary: TcpSummary,
}

impl TcpSection {
    pub fn new(timeout: Duration, interval: Duration, limit: Limit, run: &ProbeRun) -> Self {
        Self {
            timeout,
            interval,
            count: match limit {
                Limit::Count(count) => Some(count),
                _ => None,
            },
            duration_secs: match limit {
                Limit::Duration(duration) => Some(duration.as_secs()),
                _ => None,
            },
            attempts: run.attempts.clone(),
            summary: TcpSummary::of(run),
        }
    }
}

/// Which address family `-4`/`-6` allow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Family {
    #[default]
    Any,
    V4,
    V6,
}

impl Family {
    fn allows(self, ip: std::net::IpAddr) -> bool {
        match self {
            Self::Any => true,
            Self::V4 => ip.is_ipv4(),
            Self::V6 => ip.is_ipv6(),
        }
    }
}

/// The address to probe, and how it was found.
#[derive(Debug, Clone)]
pub struct Resolved {
    /// The addresses to try, in the resolver's order; empty when the name did not
    /// resolve to a usable address.
    pub addresses: Vec<SocketAddr>,
    /// The DNS question and lookup, when the host was a name.
    pub lookup: Option<(Question, Lookup)>,
    /// Why there is no address, in words.
    pub failure: Option<String>,
}

impl Resolved {
    /// The first address to try (what the checklist evaluates).
    pub fn first(&self) -> Option<SocketAddr> {
        self.addresses.first().copied()
    }

    /// The attempt that stands for a name that did not resolve.
    pub fn dns_attempt(&self, seq: u32) -> Option<TcpAttempt> {
        self.failure.as_ref().map(|message| TcpAttempt {
            seq,
            at: std::time::SystemTime::now(),
            local: None,
            address: None,
            outcome: TcpOutcome::Dns,
            elapsed: self
                .lookup
                .as_ref()
                .map(|(_, lookup)| lookup.attempts.iter().map(|a| a.elapsed).sum())
                .unwrap_or_default(),
            message: Some(message.clone()),
            os_error: None,
        })
    }
}

/// An IP literal of the other family than `-4`/`-6` ask for.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{ip} is not an {family} address, as {flag} asks", family = if *.v4 { "IPv4" } else { "IPv6" }, flag = if *.v4 { "-4" } else { "-6" })]
pub struct FamilyError {
    pub ip: std::net::IpAddr,
    /// Whether `-4` (else `-6`) was given.
    pub v4: bool,
}

/// Checks an IP literal against `-4`/`-6` before anything is sent (bad input if it
/// contradicts them). Names are filtered by family when they resolve.
pub fn check_family(host: &Host, family: Family) -> Result<(), FamilyError> {
    match host {
        Host::Ip(ip) if !family.allows(*ip) => Err(FamilyError {
            ip: *ip,
            v4: family == Family::V4,
        }),
        _ => Ok(()),
    }
}

/// Finds the addresses to connect to: an IP literal as it is, a name through the app's DNS
/// configuration (the VNET's servers, not the machine's): every address of the allowed
/// family, in the order the resolver returned them.
pub async fn resolve_target(
    host: &Host,
    port: u16,
    family: Family,
    config: Option<&DnsConfig>,
    interrupt: &Interrupt,
) -> Resolved {
    use crate::dns::resolve::RecordType;
    let (name, config) = match (host, config) {
        (Host::Ip(ip), _) => {
            return Resolved {
                addresses: vec![SocketAddr::new(*ip, port)],
                lookup: None,
                failure: None,
            };
        }
        (Host::Name(name), Some(config)) => (name, config),
        (Host::Name(name), None) => {
            return Resolved {
                addresses: Vec::new(),
                lookup: None,
                failure: Some(format!("{name} did not resolve: no DNS configuration")),
            };
        }
    };
    let record_type = match family {
        Family::Any => None,
        Family::V4 => Some(RecordType::A),
        Family::V6 => Some(RecordType::AAAA),
    };
    let question = match Question::new(host, record_type) {
        Ok(question) => question,
        Err(error) => {
            return Resolved {
                addresses: Vec::new(),
                lookup: None,
                failure: Some(error.to_string()),
            };
        }
    };
    let lookup = crate::dns::resolve(config, &question, interrupt).await;
    let addresses: Vec<SocketAddr> = lookup
        .answer
        .iter()
        .flat_map(|answer| answer.addresses.iter())
        .filter(|ip| family.allows(**ip))
        .map(|ip| SocketAddr::new(*ip, port))
        .collect();
    let failure = addresses.is_empty().then(|| {
        let said = crate::dns::summary::describe_lookup(&lookup, config, &question);
        format!("{name} did not resolve: {said}")
    });
    Resolved {
        addresses,
        lookup: Some((question, lookup)),
        failure,
    }
}

/// `Average success time: 1.42ms` style figures for the summary line.
pub fn display_optional(duration: Option<Duration>) -> String {
    duration.map_or_else(|| "-".to_owned(), display_millis)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attempt(outcome: TcpOutcome, ms: u64) -> TcpAttempt {
        TcpAttempt {
            seq: 1,
            at: std::time::SystemTime::now(),
            local: None,
            address: None,
            outcome,
            elapsed: Duration::from_millis(ms),
            message: None,
            os_error: None,
        }
    }

    #[test]
    fn summary_counts_and_times() {
        let run = ProbeRun::from_attempts(
            vec![
                attempt(TcpOutcome::Connected, 2),
                attempt(TcpOutcome::Timeout, 300),
                attempt(TcpOutcome::Connected, 4),
            ],
            false,
        );
        let summary = TcpSummary::of(&run);
        assert_eq!(
            (summary.attempts, summary.connected, summary.success_percent),
            (3, 2, 66)
        );
        assert_eq!(summary.min, Some(Duration::from_millis(2)));
        assert_eq!(summary.average, Some(Duration::from_millis(3)));
        assert_eq!(summary.max, Some(Duration::from_millis(4)));
        assert_eq!(summary.main_failure(), Some(TcpOutcome::Timeout));
    }
}
