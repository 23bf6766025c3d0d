//! DNS: which servers the app uses ([`config`]), asking them with App Service's timing
//! ([`mod@resolve`]), and what a lookup means for the person reading it ([`render`], the
//! verdict and the report section).

pub mod config;
mod exchange;
pub mod render;
pub mod resolve;
pub mod summary;

use std::time::Duration;

use serde::Serialize;

pub use config::{
    ConfigError, ConfigInputs, DnsConfig, DnsServer, QueryModel, ServerSource, Transport,
};
pub use resolve::{
    DnsAnswer, DnsAttempt, DnsOutcome, Lookup, Question, QuestionError, ServerResult, agreement,
    as_lookup, resolve, resolve_all,
};

use crate::vocab::millis;

/// The `dns` section of the report.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct DnsSection {
    /// `platform` (every server at once, rounds) or `sequential` (Kudu's classic).
    pub model: QueryModel,
    pub servers: Vec<DnsServer>,
    #[serde(rename = "timeout_ms", serialize_with = "millis")]
    #[schemars(with = "f64")]
    pub timeout: Duration,
    pub timeout_source: config::TimeoutSource,
    /// The attempts allowed: the platform model's rounds, 1 for sequential.
    pub tries: u32,
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
    /// Whether nothing failed: the name resolved (with `--all`, every server answered the
    /// same records), or Ctrl-C cut the wait short before any server failed.
    pub fn succeeded(&self) -> bool {
        match self {
            Self::Sequential(lookup) => {
                lookup.resolved()
                    || (lookup.outcome == DnsOutcome::Interrupted && !lookup.any_failed())
            }
            Self::All(results) => {
                let nothing_failed = results.iter().all(|r| {
                    matches!(r.outcome, DnsOutcome::Answered | DnsOutcome::Interrupted)
                        && !r.attempts.iter().any(DnsAttempt::failed)
                });
                nothing_failed && agreement(results).len() <= 1
            }
        }
    }

    /// Ctrl-C cut a wait short.
    pub fn interrupted(&self) -> bool {
        let cut = |attempts: &[DnsAttempt]| {
            attempts
                .iter()
                .any(|a| a.outcome == DnsOutcome::Interrupted)
        };
        match self {
            Self::Sequential(lookup) => cut(&lookup.attempts),
            Self::All(results) => results.iter().any(|r| cut(&r.attempts)),
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
            model: config.model,
            tries: config.attempts,
            transport: config.transport,
            attempts,
            answer,
            per_server,
            warnings: config.warnings.clone(),
        }
    }
}
