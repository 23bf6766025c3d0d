//! A `tcpping` run: the target resolved with the app's DNS, the attempts (printed as they
//! finish, through [`Live`]), the checklist when nothing connected or a snapshot was
//! given, and Kudu's closing lines.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use super::conclude::{Probed, conclude};
use super::decide::ProbeFinding;
use super::{DnsFlags, InputError, Outcome, Prepared, Session, Shared, bad_input, prepare};
use crate::addr::{Host, display_host_port, parse_target};
use crate::checklist::advice::AppSource;
use crate::checklist::{self, advice};
use crate::dns::config::system_servers;
use crate::dns::render::failure_line;
use crate::dns::{ConfigInputs, DnsConfig, DnsRun, Transport};
use crate::nsg::Protocol;
use crate::output::{Format, Style, text};
use crate::report::Target;
use crate::tcp::render::{attempt_lines, summary_lines};
use crate::tcp::{
    self, Family, Limit, ProbeObserver, ProbePlan, ProbeRun, Resolved, TcpAttempt, TcpSection,
};
use crate::vocab::{Interrupt, Verdict, VerdictStatus};

/// What `tcpping` was asked to do.
#[derive(Debug, Clone)]
pub struct PingPlan {
    pub shared: Shared,
    /// `HOST[:PORT]` as typed.
    pub target: String,
    /// The `PORT` argument, as typed.
    pub port: Option<String>,
    pub family: Family,
    pub limit: Limit,
    /// `-w`: how long one attempt may wait.
    pub timeout: Duration,
    /// `-i`: the pause between attempts.
    pub interval: Duration,
    /// `--dns-timeout`, `--attempts`, `--sequential`: how the target's name is resolved.
    pub dns: DnsFlags,
}

/// Where a run's lines go while it runs: each attempt's line as it finishes, and (on a
/// terminal) a counter while an attempt waits. Not called with `--json`.
pub trait Live {
    /// One line of the text output.
    fn line(&mut self, text: &str);
    /// An attempt has waited `elapsed` of its `timeout` (about once a second).
    fn waiting(&mut self, _seq: u32, _elapsed: Duration, _timeout: Duration) {}
    /// Whether the output went away (a closed pipe): the run then ends where it is.
    fn closed(&self) -> bool {
        false
    }
}

/// Runs the plan to its outcome; Ctrl-C (`session.interrupt`) ends it with what it saw. Bad input ends the
/// run early with exit 2.
pub async fn ping(session: &Session, plan: &PingPlan, live: &mut dyn Live) -> Outcome {
    match run(session, plan, live).await {
        Ok(outcome) => outcome,
        Err(error) => bad_input(session, plan.shared.format, &error),
    }
}

/// Turns finished attempts into Kudu's lines for [`Live`], and keeps them for the report
/// when it keeps its attempts (`--json`, `--html`): a saved report prints them again.
struct Lines<'a> {
    live: &'a mut dyn Live,
    target: &'a str,
    timeout: Duration,
    print: bool,
    style: Style,
    keep: bool,
    said: Vec<String>,
}

impl Lines<'_> {
    /// One line of the run, printed now (text) and kept (a report that keeps attempts).
    fn say(&mut self, line: String) {
        if self.print {
            self.live.line(&text::live_line(&line, self.style));
        }
        if self.keep {
            self.said.push(line);
        }
    }
}

impl ProbeObserver for Lines<'_> {
    fn waiting(&mut self, seq: u32, elapsed: Duration) {
        // The last tick can land on the deadline itself; the attempt's line follows at once.
        if self.print && elapsed < self.timeout {
            self.live.waiting(seq, elapsed, self.timeout);
        }
    }

    fn finished(&mut self, tries: &[TcpAttempt]) {
        if self.print || self.keep {
            self.say(attempt_lines(self.target, tries, self.timeout));
        }
    }

    fn should_stop(&self) -> bool {
        self.live.closed()
    }
}

async fn run(
    session: &Session,
    plan: &PingPlan,
    live: &mut dyn Live,
) -> Result<Outcome, InputError> {
    let (host, port) = parse_target(&plan.target, plan.port.as_deref())?;
    tcp::check_family(&host, plan.family)?;
    let mut prepared = prepare(&plan.shared, session, &host.to_string())?;
    let dns_config = app_dns(&host, &prepared, plan.dns)?;
    let target = display_host_port(&host, port);

    let mut lines = Lines {
        live,
        target: &target,
        timeout: plan.timeout,
        print: plan.shared.format == Format::Text,
        style: session.style,
        keep: plan.shared.format == Format::Json || plan.shared.html,
        said: Vec::new(),
    };
    // No port given: port 80, said before anything is tried (a database or SSH target
    // typed without its port is the usual mistake).
    if !plan.shared.no_probe && plan.port.is_none() && !crate::addr::names_port(&plan.target) {
        lines.say(format!("{target}: port {port} (none given)"));
    }
    // Ctrl-C during --azure: no probe follows; the checklist runs on what was read.
    let interrupted_plan;
    let plan_to_probe = if prepared.interrupted {
        interrupted_plan = PingPlan {
            shared: Shared {
                no_probe: true,
                ..plan.shared.clone()
            },
            ..plan.clone()
        };
        &interrupted_plan
    } else {
        plan
    };
    let (resolved, run) = probe(
        plan_to_probe,
        &host,
        port,
        dns_config.as_ref(),
        &mut lines,
        &session.interrupt,
    )
    .await;

    // --azure: the target's side of the network, now that its address is known (under
    // --no-probe a private endpoint's name leads to the endpoint's address).
    prepared.complete(target_address(&resolved, &host, prepared.snapshot.as_ref()))?;

    let section = run
        .as_ref()
        .map(|run| TcpSection::new(plan.timeout, plan.interval, plan.limit, run));
    let source = AppSource::of(prepared.snapshot.as_ref(), &prepared.settings);
    let finding = section
        .as_ref()
        .map(|section| probe_finding(&target, section, dns_config.as_ref(), &resolved, &source));
    let lookup = resolved.lookup.as_ref().map(|(_, lookup)| lookup);
    let dns_section = dns_config
        .as_ref()
        .zip(lookup)
        .map(|(config, lookup)| DnsRun::Sequential(lookup.clone()).section(config));
    let own_lines = section
        .as_ref()
        .map(|tcp| {
            summary_lines(&tcp.summary)
                .into_iter()
                .map(|line| line + "\n")
                .collect()
        })
        .unwrap_or_default();
    Ok(conclude(
        session,
        &plan.shared,
        &prepared,
        Probed {
            target: Target::Host {
                host: host.to_string(),
                port,
            },
            checklist_target: checklist_target(&host, &resolved, port),
            dns_config: dns_config.as_ref(),
            lookup,
            dns_section,
            tcp: section,
            finding,
            sent: !plan.shared.no_probe,
            own_lines,
            live_lines: std::mem::take(&mut lines.said),
            warnings: dns_config
                .as_ref()
                .map(|c| c.warnings.clone())
                .unwrap_or_default(),
        },
    ))
}

/// The app's DNS configuration, read once: a name needs it, and so does the checklist.
fn app_dns(
    host: &Host,
    prepared: &Prepared,
    flags: DnsFlags,
) -> Result<Option<DnsConfig>, InputError> {
    if !matches!(host, Host::Name(_)) && prepared.snapshot.is_none() {
        return Ok(None);
    }
    Ok(Some(DnsConfig::discover(&ConfigInputs {
        server_argument: None,
        settings: &prepared.settings,
        site: prepared.site_dns.as_ref(),
        network: prepared.network_dns.as_ref(),
        system: &system_servers,
        timeout_argument: flags.timeout,
        attempts_argument: flags.attempts,
        model: flags.model,
        transport: Transport::Udp,
    })?))
}

/// What the attempts say, with the lookup's warning, for the verdict.
fn probe_finding(
    target: &str,
    section: &TcpSection,
    dns_config: Option<&DnsConfig>,
    resolved: &Resolved,
    source: &AppSource,
) -> ProbeFinding {
    ProbeFinding {
        verdict: with_dns_warning(
            advice::tcp_advice(
                target,
                resolved.first(),
                &section.summary,
                section.timeout,
                source,
            ),
            dns_config,
            resolved,
            source,
        ),
        succeeded: section.summary.connected > 0 || section.summary.ended() == 0,
        interrupted: section.summary.interrupted,
    }
}

/// Resolves the target with the app's DNS and runs the attempts, each line as it finishes;
/// under `--no-probe`, only takes an IP target as it is (a name is not resolved). A name
/// that does not resolve is one failed attempt; a continuous or timed run tries again
/// after each interval, as the app would on its next request.
async fn probe(
    plan: &PingPlan,
    host: &Host,
    port: u16,
    dns_config: Option<&DnsConfig>,
    lines: &mut Lines<'_>,
    interrupt: &Interrupt,
) -> (Resolved, Option<ProbeRun>) {
    if plan.shared.no_probe {
        let addresses = match host {
            Host::Ip(ip) => vec![SocketAddr::new(*ip, port)],
            Host::Name(_) => Vec::new(),
        };
        let resolved = Resolved {
            addresses,
            lookup: None,
            failure: None,
        };
        return (resolved, None);
    }
    let started = Instant::now();
    let mut interrupted = std::pin::pin!(interrupt.wait());
    let keep = lines.keep;
    let mut run = ProbeRun::default();
    let mut seq: u32 = 0;
    // Every attempt resolves the name again, as the app does on each new connection once
    // its DNS cache has expired: an intermittent DNS failure shows as failed attempts
    // between good ones, whatever the run's length (-n, -t or -s).
    loop {
        seq = seq.saturating_add(1);
        let resolved = tcp::resolve_target(host, port, plan.family, dns_config, interrupt).await;
        if let (Some(config), Some((_, lookup))) = (dns_config, &resolved.lookup) {
            for attempt in lookup.failed_attempts() {
                lines.say(failure_line(attempt, config));
            }
        }
        if !resolved.addresses.is_empty() {
            let one = ProbePlan {
                addresses: resolved.addresses.clone(),
                timeout: plan.timeout,
                interval: Duration::ZERO,
                limit: Limit::Count(1),
                // Only a report lists every attempt; text needs the tally alone.
                keep_attempts: keep,
                first_seq: seq,
            };
            run = tcp::continue_probes(&one, lines, &mut interrupted, run).await;
        } else if interrupt.is_set() {
            // Ctrl-C while the servers were waited for: no attempt, and no failure either.
            run.interrupted = true;
        } else {
            // The name did not resolve: one `dns` attempt says why; no packet is sent.
            let failed: Vec<TcpAttempt> = resolved.dns_attempt(seq).into_iter().collect();
            lines.finished(&failed);
            run.record(failed, keep);
        }
        if run.interrupted {
            return (resolved, Some(run));
        }
        let another = match plan.limit {
            Limit::Count(count) => seq < count,
            Limit::Continuous => true,
            Limit::Duration(total) => started.elapsed() + plan.interval < total,
        };
        if !another || lines.should_stop() {
            return (resolved, Some(run));
        }
        if !plan.interval.is_zero() {
            tokio::select! {
                () = tokio::time::sleep(plan.interval) => {}
                () = &mut interrupted => {
                    run.interrupted = true;
                    return (resolved, Some(run));
                }
            }
        }
    }
}

/// One rule for both tools: a lookup that needed a second server (the first did not
/// answer) is a warning in `tcpping` too, even when the connection then opened, since
/// every lookup of the app waits that long.
fn with_dns_warning(
    verdict: Verdict,
    config: Option<&DnsConfig>,
    resolved: &Resolved,
    source: &AppSource,
) -> Verdict {
    let (Some(config), Some((question, lookup))) = (config, &resolved.lookup) else {
        return verdict;
    };
    let dns = advice::lookup_advice(lookup, config, question, source);
    if verdict.status != VerdictStatus::Pass || dns.status != VerdictStatus::Warn {
        return verdict;
    }
    Verdict::new(
        VerdictStatus::Warn,
        format!("{} But {}", verdict.summary, dns.summary),
        dns.next_steps,
    )
}

/// The target's address: resolved, typed, or (a name not resolved) its private
/// endpoint's in the snapshot.
fn target_address(
    resolved: &Resolved,
    host: &Host,
    snapshot: Option<&crate::snapshot::Snapshot>,
) -> Option<std::net::IpAddr> {
    resolved.first().map(|a| a.ip()).or(match host {
        Host::Ip(ip) => Some(*ip),
        Host::Name(name) => snapshot
            .and_then(|s| s.private_name(name))
            .and_then(|p| p.addresses.first().copied()),
    })
}

/// What the checklist checks for `tcpping`: the path to the target's address and port.
fn checklist_target(host: &Host, resolved: &Resolved, port: u16) -> checklist::Target {
    checklist::Target {
        host: host.to_string(),
        name: match host {
            Host::Name(name) => Some(name.clone()),
            Host::Ip(_) => None,
        },
        ip: resolved.first().map(|a| a.ip()),
        port,
        protocol: Protocol::Tcp,
        lookup: None,
        also_asked: Vec::new(),
    }
}
