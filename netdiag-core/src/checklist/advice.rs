//! The probes' advice: what a failed (or slow) lookup or connection most likely means and
//! the next steps, the verdict of a run that has no snapshot to decide with. It lives in
//! the checklist, beside the integration mode, because the steps name the app's source
//! range; the sentences that only describe what the servers did are `dns::summary`'s.

use std::net::SocketAddr;
use std::time::Duration;

use ipnet::Ipv4Net;

use crate::addr::display_server;
use crate::dns::summary::{LookupFacts, lookup_summary, nothing_listens};
use crate::dns::{DnsConfig, DnsOutcome, DnsRun, Lookup, Question, ServerResult, agreement};
use crate::tcp::{TcpOutcome, TcpSummary};
use crate::vocab::{Verdict, VerdictStatus, display_duration};

use super::scene::{mode_of, nets, v4_only};
use super::vocab::Mode;
use crate::settings::{AppSettings, WEBSITE_PRIVATE_IP};
use crate::snapshot::{Gateway, Snapshot};

/// Where the app's traffic comes from, as the probe advice names it: the contract's rule
/// that every text speaks the app's own mode. With no snapshot (mode unknown, the most
/// common run) the integration subnet comes first and the point-to-site pool only in the
/// clause "(for gateway-required integration: its point-to-site pool)".
#[derive(Debug, Clone, Default)]
pub struct AppSource {
    /// The mode the snapshot shows; `None` when there is no snapshot (unknown).
    mode: Option<Mode>,
    range: Vec<Ipv4Net>,
    /// `WEBSITE_PRIVATE_IP`, inside the app.
    private_ip: Option<String>,
}

impl AppSource {
    /// The app's source as the snapshot (if any) and its settings show it.
    pub fn of(snapshot: Option<&Snapshot>, settings: &AppSettings) -> Self {
        let private_ip = settings.get(WEBSITE_PRIVATE_IP).map(str::to_owned);
        let Some(snapshot) = snapshot else {
            return Self {
                private_ip,
                ..Self::default()
            };
        };
        let site = snapshot.site(settings.running_in().as_deref());
        let connections = match site {
            Some(site) => snapshot.connections_of(&site.id),
            None => snapshot.vnet_connections.iter().collect(),
        };
        let (mode, _) = mode_of(snapshot, site, &connections);
        let range = match mode {
            Mode::Regional => snapshot
                .integration_subnet_id(site)
                .and_then(|id| snapshot.subnet(id))
                .map(|subnet| v4_only(&subnet.prefixes()))
                .unwrap_or_default(),
            Mode::Gateway => snapshot
                .app_vnet(site)
                .map(|vnet| snapshot.gateways_of(&vnet.id))
                .and_then(|gateways| gateways.into_iter().find(|g| !g.is_expressroute()))
                .map(|gateway| v4_only(&Gateway::p2s_pool(gateway)))
                .unwrap_or_default(),
            Mode::None | Mode::Unknown => Vec::new(),
        };
        Self {
            mode: Some(mode),
            range,
            private_ip,
        }
    }

    /// "the app's whole integration subnet 10.20.4.0/26", and the like.
    pub fn whole(&self) -> String {
        let range = if self.range.is_empty() {
            String::new()
        } else {
            format!(" {}", nets(&self.range))
        };
        match self.mode {
            Some(Mode::Gateway) => format!("the app's whole point-to-site address pool{range}"),
            Some(Mode::Regional) => format!("the app's whole integration subnet{range}"),
            Some(Mode::None | Mode::Unknown) | None => {
                let now = self.private_ip.as_ref().map_or_else(String::new, |ip| {
                    format!(", which holds the app's address now ({WEBSITE_PRIVATE_IP}={ip})")
                });
                format!(
                    "the app's whole integration subnet (for gateway-required integration: its point-to-site pool){now}"
                )
            }
        }
    }

    /// The address range alone, for "routes X back".
    fn range_name(&self) -> &'static str {
        match self.mode {
            Some(Mode::Gateway) => "the point-to-site pool",
            Some(Mode::Regional) => "the integration subnet",
            Some(Mode::None | Mode::Unknown) | None => {
                "the app's integration subnet (for gateway-required integration: its point-to-site pool)"
            }
        }
    }

    /// The step that checks the whole path, for a run that had no snapshot to do it.
    fn check_the_path(&self, command: &str) -> Option<String> {
        self.mode.is_none().then(|| {
            format!(
                "Check the whole path with the app's network configuration: {command} --azure inside the app, or with an export: {command} --network EXPORT_DIR"
            )
        })
    }

    /// The words that make the app take new DNS servers or routes.
    fn refresh(&self) -> &'static str {
        match self.mode {
            Some(Mode::Gateway) => "then restart the app or press Sync Network",
            _ => "then restart the app",
        }
    }
}

/// The verdict of a lookup (one server after another, or `--all`).
pub fn dns_advice(
    run: &DnsRun,
    config: &DnsConfig,
    question: &Question,
    source: &AppSource,
) -> Verdict {
    match run {
        DnsRun::Sequential(lookup) => lookup_advice(lookup, config, question, source),
        DnsRun::All(results) => all_advice(results, config, question, source),
    }
}

/// The verdict of one lookup: the summary of what the servers did, and the steps.
pub fn lookup_advice(
    lookup: &Lookup,
    config: &DnsConfig,
    question: &Question,
    source: &AppSource,
) -> Verdict {
    let facts = LookupFacts::of(lookup, config);
    let (status, summary) = lookup_summary(lookup, &facts, question);
    let mut next_steps = lookup_steps(lookup, &facts, question, source);
    let failed_with_an_answer =
        !matches!(lookup.outcome, DnsOutcome::Answered | DnsOutcome::Timeout);
    if failed_with_an_answer && !facts.dead.is_empty() {
        next_steps.push(format!(
            "Also: {} did not answer, so every lookup of the app waits {} longer; fix it or remove it.",
            facts.dead.join(", "),
            display_duration(facts.waited)
        ));
    }
    Verdict {
        cause: None,
        incomplete: Vec::new(),
        status,
        summary,
        next_steps,
    }
}

/// Steps to make the servers reachable from the app.
fn reachability_steps(facts: &LookupFacts, name: &str, source: &AppSource) -> Vec<String> {
    let LookupFacts {
        ports, concerned, ..
    } = facts;
    let mut steps = vec![
        format!(
            "Allow UDP and TCP port {ports} from {} to {concerned} in every NSG and firewall on the way.",
            source.whole()
        ),
        format!(
            "If the DNS server is on-premises or in a peered VNET: check the VPN or ExpressRoute connection, and that the on-premises gateway routes {} back.",
            source.range_name()
        ),
        format!("Compare with Azure-provided DNS: nameresolver {name} 168.63.129.16"),
    ];
    steps.extend(source.check_the_path(&format!("nameresolver {name}")));
    steps
}

/// The next steps for a lookup's outcome.
fn lookup_steps(
    lookup: &Lookup,
    facts: &LookupFacts,
    question: &Question,
    source: &AppSource,
) -> Vec<String> {
    let name = &question.display;
    let deciding = &facts.deciding;
    let compare = format!("Compare with Azure-provided DNS: nameresolver {name} 168.63.129.16");
    match lookup.outcome {
        DnsOutcome::Answered if facts.dead.is_empty() => Vec::new(),
        DnsOutcome::Answered => {
            let mut steps = vec![format!(
                "Fix {} or remove it from the app's DNS servers (VNET DNS servers or WEBSITE_DNS_SERVER), {}.",
                facts.dead.join(", "),
                source.refresh()
            )];
            steps.extend(reachability_steps(facts, name, source).into_iter().take(1));
            steps
        }
        DnsOutcome::Nxdomain => vec![
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
        DnsOutcome::Nodata => vec![format!(
            "Add the missing record to the zone that holds {name}, or ask for another type (-t CNAME, -t TXT, ...)."
        )],
        DnsOutcome::Interrupted if !lookup.any_failed() => vec![format!(
            "Let the lookup run to its end to see how it ends (each server gets {}): nameresolver {name}",
            facts.timeout
        )],
        // Cut short after a server had failed: the failure is what to act on.
        DnsOutcome::Timeout
        | DnsOutcome::Unreachable
        | DnsOutcome::Error
        | DnsOutcome::Interrupted => reachability_steps(facts, name, source),
        DnsOutcome::Servfail => vec![
            format!(
                "Check the forwarders of {deciding} and that they can reach the servers of {name}'s zone."
            ),
            compare,
        ],
        DnsOutcome::Refused if nothing_listens(lookup) => vec![
            format!(
                "Start the DNS service on {deciding}, or correct the server's address and port where the app's DNS servers are set."
            ),
            compare,
        ],
        DnsOutcome::Refused => vec![format!(
            "Allow recursion on {deciding} for {} (the app's source address changes within it).",
            source.whole()
        )],
    }
}

/// `--all`: every server at once; do they agree?
fn all_advice(
    results: &[ServerResult],
    config: &DnsConfig,
    question: &Question,
    source: &AppSource,
) -> Verdict {
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
            incomplete: Vec::new(),
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
                lookup_advice(
                    &Lookup {
                        attempts: results.iter().flat_map(|r| r.attempts.clone()).collect(),
                        outcome: results.last().map_or(DnsOutcome::Error, |r| r.outcome),
                        answer: None,
                    },
                    config,
                    question,
                    source,
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
        incomplete: Vec::new(),
        status: VerdictStatus::Fail,
        // A server that did not answer is what the checklist names first (dns.reachable):
        // the summary says it first too, then the disagreement.
        summary: if failed.is_empty() {
            format!(
                "The app's DNS servers disagree on {name}: {} different answers.",
                groups.len()
            )
        } else {
            format!(
                "{} did not answer, and the app's other DNS servers disagree on {name}: {} different answers.",
                failed.join(", "),
                groups.len()
            )
        },
        next_steps,
    }
}

/// The most likely cause and the next steps, from what the attempts saw.
pub fn tcp_advice(
    target: &str,
    address: Option<SocketAddr>,
    summary: &TcpSummary,
    timeout: Duration,
    source: &AppSource,
) -> Verdict {
    let to = address.map_or_else(|| target.to_owned(), |a| a.to_string());
    let port = address.map_or_else(|| "the port".to_owned(), |a| format!("port {}", a.port()));
    // An attempt cut short by Ctrl-C says nothing about the path: it is neither a success
    // nor a failure, and never makes the verdict warn or fail.
    if summary.ended() == 0 {
        let waited = if summary.attempts == 0 {
            ""
        } else {
            ": no answer so far"
        };
        return Verdict {
            cause: None,
            incomplete: Vec::new(),
            status: VerdictStatus::Pass,
            summary: format!(
                "Interrupted before any attempt to {target} ended{waited}; nothing to judge yet."
            ),
            next_steps: vec![format!(
                "Let one attempt run to its timeout ({}) to see how it ends: tcpping -n 1 {target}",
                display_duration(timeout)
            )],
        };
    }
    if summary.failed() == 0 {
        return Verdict {
            cause: None,
            incomplete: Vec::new(),
            status: VerdictStatus::Pass,
            summary: format!(
                "{target} accepts TCP connections: {}/{} attempts connected.",
                summary.connected,
                summary.ended()
            ),
            next_steps: Vec::new(),
        };
    }
    let failure = summary.main_failure().unwrap_or(TcpOutcome::Error);
    let failed = summary.failed();
    if summary.connected > 0 {
        return Verdict {
            cause: None,
            incomplete: Vec::new(),
            status: VerdictStatus::Warn,
            summary: format!(
                "{target} is reachable, but {failed} of {} attempts failed (mostly {}): the path or the service is intermittent.",
                summary.ended(),
                failure.as_str()
            ),
            next_steps: vec![
                "Run longer (tcpping -t, or -s 60) and note when attempts fail.".to_owned(),
                format!(
                    "Check the service's own limits (connection backlog, instances behind a load balancer) on {to}."
                ),
            ],
        };
    }
    let (summary_text, mut next_steps) =
        failure_advice(failure, target, &to, &port, timeout, source);
    if failure != TcpOutcome::Refused {
        next_steps.extend(source.check_the_path(&format!("tcpping {target}")));
    }
    Verdict {
        cause: None,
        incomplete: Vec::new(),
        status: VerdictStatus::Fail,
        summary: summary_text,
        next_steps,
    }
}

/// What one class of failure usually means, and what to try.
fn failure_advice(
    failure: TcpOutcome,
    target: &str,
    to: &str,
    port: &str,
    timeout: Duration,
    source: &AppSource,
) -> (String, Vec<String>) {
    let whole = source.whole();
    let range = source.range_name();
    match failure {
        TcpOutcome::Timeout => (
            format!("No answer from {to} within {}: something drops the packets (an NSG, a firewall or a route).", humantime::format_duration(timeout)),
            vec![
                format!("Allow TCP {port} from {whole} in the NSGs of the target's subnet and NIC: the app's source address changes within it."),
                format!("Check the firewall on {to} itself for the same range."),
                format!("Check that the target subnet's route back to {range} is not sent to a virtual appliance or None by a UDR."),
                format!("Try {to} from a VM in the same VNET: if it works there, the problem is on the app's path."),
            ],
        ),
        TcpOutcome::Refused => (
            format!("{to} refused the connection: the host is reachable, but nothing listens on {port} (or its firewall rejects it)."),
            vec![
                format!("On the target host, check what listens on {port}: netstat -aon (Windows) or ss -ltnp (Linux)."),
                "Check the port number, and that the service is running and bound to the right address.".to_owned(),
            ],
        ),
        TcpOutcome::Unreachable => (
            format!("{to} is unreachable: there is no route to it from the app."),
            vec![
                match source.mode {
                    Some(Mode::Gateway) => "Check that the target lies in the VNET's address space or a route the app received (Sync Network after changes).".to_owned(),
                    _ => "Check that the target lies in the VNET's address space or a peered VNET's.".to_owned(),
                },
                match source.mode {
                    Some(Mode::Gateway) => "Gateway-required integration routes only the VNET's ranges and the routes the app received: add the target's range to the VNET or the app's routes.".to_owned(),
                    _ => "Without Route All only RFC 1918 destinations enter the VNET: for others, set the app setting WEBSITE_VNET_ROUTE_ALL=1 (or vnetRouteAllEnabled) so the app routes them into the VNET.".to_owned(),
                },
            ],
        ),
        TcpOutcome::Reset => (
            format!("{to} reset the connection during the handshake: a firewall, a load balancer or the service closed it."),
            vec![format!("Check the firewall and load balancer rules in front of {to}, and the service's logs.")],
        ),
        TcpOutcome::Dns => (
            format!("{target} did not resolve, so no connection was tried."),
            vec![format!("Run nameresolver {} to see what each DNS server says.", target.rsplit_once(':').map_or(target, |(host, _)| host))],
        ),
        TcpOutcome::Error | TcpOutcome::Connected | TcpOutcome::Interrupted => (
            format!("The connection to {to} could not be attempted: the operating system reported an error."),
            vec!["Read the error above; it names the cause (permissions, no address of that family).".to_owned()],
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tcp::{DEFAULT_TIMEOUT, ProbeRun, TcpAttempt};

    fn attempt(outcome: TcpOutcome, millis: u64) -> TcpAttempt {
        TcpAttempt {
            seq: 1,
            at: std::time::SystemTime::now(),
            local: None,
            address: None,
            outcome,
            elapsed: Duration::from_millis(millis),
            message: None,
            os_error: None,
        }
    }

    #[test]
    fn verdict_names_the_failure_class() {
        let run = ProbeRun::from_attempts(
            vec![
                attempt(TcpOutcome::Refused, 1),
                attempt(TcpOutcome::Refused, 1),
            ],
            false,
        );
        let summary = TcpSummary::of(&run);
        assert_eq!(summary.average, None);
        let address = Some("10.1.2.4:1433".parse().unwrap());
        let verdict = tcp_advice(
            "db:1433",
            address,
            &summary,
            DEFAULT_TIMEOUT,
            &AppSource::default(),
        );
        assert_eq!(verdict.status, VerdictStatus::Fail);
        assert!(
            verdict.summary.contains("nothing listens on port 1433"),
            "{}",
            verdict.summary
        );
        assert!(verdict.next_steps[0].contains("netstat -aon"));
    }

    fn timed_out() -> TcpSummary {
        TcpSummary::of(&ProbeRun::from_attempts(
            vec![attempt(TcpOutcome::Timeout, 21_000)],
            false,
        ))
    }

    /// The contract: with no snapshot (mode unknown) the advice names the integration
    /// subnet first, the P2S pool only in "(for gateway-required integration: its
    /// point-to-site pool)", never "Sync Network", then `WEBSITE_PRIVATE_IP` when set, and
    /// ends with the command that checks the path.
    #[test]
    fn without_a_snapshot_the_advice_names_the_integration_subnet_first() {
        let settings = AppSettings::from_pairs([(WEBSITE_PRIVATE_IP, "10.20.4.7")]);
        let source = AppSource::of(None, &settings);
        let address = Some("10.1.2.4:1433".parse().unwrap());
        let verdict = tcp_advice("db:1433", address, &timed_out(), DEFAULT_TIMEOUT, &source);
        assert_eq!(
            verdict.next_steps[0],
            "Allow TCP port 1433 from the app's whole integration subnet (for gateway-required integration: its point-to-site pool), which holds the app's address now (WEBSITE_PRIVATE_IP=10.20.4.7) in the NSGs of the target's subnet and NIC: the app's source address changes within it."
        );
        let all = verdict.next_steps.join("\n");
        assert!(!all.contains("Sync Network"), "{all}");
        assert_eq!(
            verdict.next_steps.last().unwrap(),
            "Check the whole path with the app's network configuration: tcpping db:1433 --azure inside the app, or with an export: tcpping db:1433 --network EXPORT_DIR"
        );
    }

    /// A regional app is never told about a point-to-site pool, a gateway or Sync Network.
    #[test]
    fn a_regional_app_hears_only_regional_words() {
        let source = AppSource {
            mode: Some(Mode::Regional),
            range: vec!["10.20.4.0/26".parse().unwrap()],
            private_ip: None,
        };
        let address = Some("10.1.2.4:1433".parse().unwrap());
        for outcome in [TcpOutcome::Timeout, TcpOutcome::Unreachable] {
            let summary =
                TcpSummary::of(&ProbeRun::from_attempts(vec![attempt(outcome, 10)], false));
            let verdict = tcp_advice("db:1433", address, &summary, DEFAULT_TIMEOUT, &source);
            let all = format!("{} {}", verdict.summary, verdict.next_steps.join(" "));
            for word in ["point-to-site", "P2S", "Sync Network", "gateway"] {
                assert!(!all.contains(word), "{outcome:?}: {word}: {all}");
            }
        }
        let verdict = tcp_advice("db:1433", address, &timed_out(), DEFAULT_TIMEOUT, &source);
        assert!(
            verdict.next_steps[0].contains("from the app's whole integration subnet 10.20.4.0/26"),
            "{}",
            verdict.next_steps[0]
        );
    }
}
