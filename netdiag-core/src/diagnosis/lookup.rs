//! A `nameresolver` run: the app's DNS configuration, the lookup (sequential, as the app
//! does it, or every server at once), the checklist when the lookup failed or a snapshot
//! was given, and the Kudu-shaped text.

use super::conclude::{Probed, conclude};
use super::decide::ProbeFinding;
use super::{DnsFlags, InputError, Outcome, Session, Shared, bad_input, prepare};
use crate::addr::{DNS_PORT, Host};
use crate::checklist::{self, advice};
use crate::dns::config::system_servers;
use crate::dns::resolve::RecordType;
use crate::dns::{
    self, ConfigInputs, DnsConfig, DnsOutcome, DnsRun, Lookup, Question, ServerSource, Transport,
};
use crate::nsg::Protocol;
use crate::report::Target;

/// What `nameresolver` was asked to do.
#[derive(Debug, Clone)]
pub struct LookupPlan {
    pub shared: Shared,
    /// The name, or an IP address for a reverse lookup.
    pub host: Host,
    /// The `DNS_SERVER` argument, as typed.
    pub server: Option<String>,
    /// `-t`: one record type instead of A and AAAA.
    pub record_type: Option<RecordType>,
    /// `--timeout`, `--attempts`, `--sequential`.
    pub dns: DnsFlags,
    pub transport: Transport,
    /// `--all`: every server at once.
    pub all: bool,
}

/// Runs the plan to its outcome; bad input ends it early with exit 2.
pub async fn lookup(session: &Session, plan: &LookupPlan) -> Outcome {
    match run(session, plan).await {
        Ok(outcome) => outcome,
        Err(error) => bad_input(session, plan.shared.format, &error),
    }
}

async fn run(session: &Session, plan: &LookupPlan) -> Result<Outcome, InputError> {
    let mut prepared = prepare(&plan.shared, session, &plan.host.to_string())?;
    let config = DnsConfig::discover(&ConfigInputs {
        server_argument: plan.server.as_deref(),
        settings: &prepared.settings,
        site: prepared.site_dns.as_ref(),
        network: prepared.network_dns.as_ref(),
        system: &system_servers,
        timeout_argument: plan.dns.timeout,
        attempts_argument: plan.dns.attempts,
        model: plan.dns.model,
        transport: plan.transport,
    })?;
    let question = Question::new(&plan.host, plan.record_type)?;

    let run = if plan.shared.no_probe {
        None
    } else if plan.all {
        Some(DnsRun::All(
            dns::resolve_all(&config, &question, &session.interrupt).await,
        ))
    } else {
        Some(DnsRun::Sequential(
            dns::resolve(&config, &question, &session.interrupt).await,
        ))
    };
    let probe = run.as_ref().map(|run| ProbeFinding {
        verdict: advice::dns_advice(
            run,
            &config,
            &question,
            &advice::AppSource::of(prepared.snapshot.as_ref(), &prepared.settings),
        ),
        succeeded: run.succeeded(),
        interrupted: run.interrupted(),
    });

    // --azure: the DNS server's side of the network (its subnet's NSG, its NIC).
    prepared.complete(config.servers.first().map(|s| s.address.ip()))?;

    // What the DNS checks read: the lookup, or an --all run read as one.
    let seen = run.as_ref().map(|run| match run {
        DnsRun::Sequential(lookup) => lookup.clone(),
        DnsRun::All(results) => dns::as_lookup(results),
    });
    let dns_section = run
        .as_ref()
        .unwrap_or(&DnsRun::Sequential(Lookup {
            attempts: Vec::new(),
            outcome: DnsOutcome::Error,
            answer: None,
        }))
        .section(&config);
    let own_lines = run
        .as_ref()
        .map(|run| dns::render::render(run, &config, &question))
        .unwrap_or_default();
    Ok(conclude(
        session,
        &plan.shared,
        &prepared,
        Probed {
            target: Target::Name {
                name: question.display.clone(),
                types: question.type_names(),
            },
            checklist_target: checklist_target(&config, &question, plan.transport),
            dns_config: Some(&config),
            lookup: seen.as_ref(),
            dns_section: Some(dns_section),
            tcp: None,
            finding: probe,
            sent: !plan.shared.no_probe,
            own_lines,
            // nameresolver prints its answer block at the end; nothing is printed live.
            live_lines: Vec::new(),
            warnings: config.warnings.clone(),
        },
    ))
}

/// What the checklist checks for `nameresolver`: the path from the app to its first DNS
/// server (UDP 53), since an unreachable DNS server is what makes names fail. Azure DNS
/// (168.63.129.16) is reached through the platform, not the VNET, so the name stands in.
fn checklist_target(
    config: &DnsConfig,
    question: &Question,
    transport: Transport,
) -> checklist::Target {
    let protocol = match transport {
        Transport::Udp => Protocol::Udp,
        Transport::Tcp => Protocol::Tcp,
    };
    let name = question
        .reverse_of
        .is_none()
        .then(|| question.display.clone());
    match config
        .servers
        .iter()
        .find(|s| s.source != ServerSource::AzureDefault)
    {
        Some(server) => checklist::Target {
            host: server.address.ip().to_string(),
            name,
            ip: Some(server.address.ip()),
            port: server.address.port(),
            protocol,
            lookup: Some(question.type_names()),
            also_asked: config
                .servers
                .iter()
                .filter(|s| s.address != server.address)
                .map(|s| crate::addr::display_server(s.address))
                .collect(),
        },
        // Azure DNS is reached through the platform, not the VNET: the name stands in.
        None => checklist::Target {
            host: question.display.clone(),
            name,
            ip: None,
            port: DNS_PORT,
            protocol,
            lookup: Some(question.type_names()),
            also_asked: Vec::new(),
        },
    }
}
