//! Resolution against DNS servers the test starts on 127.0.0.1: a real authoritative
//! server (hickory-server), servers that answer SERVFAIL or REFUSED, and dead ones.
//! Timing assertions use short timeouts and generous upper tolerances.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use netdiag_core::addr::Host;
use netdiag_core::dns::QueryModel;
use netdiag_core::dns::resolve::RecordType;
use netdiag_core::dns::{
    DnsConfig, DnsOutcome, DnsServer, Lookup, Question, ServerResult, ServerSource, Transport,
    agreement,
};
use netdiag_core::vocab::Interrupt;
use netdiag_tests::{CONTOSO_ZONE_STALE, DeadDnsServer, DnsServer as TestDns, RcodeServer};

use hickory_proto::op::ResponseCode;

/// A lookup nobody interrupts.
async fn resolve(config: &DnsConfig, question: &Question) -> Lookup {
    netdiag_core::dns::resolve(config, question, &Interrupt::default()).await
}

async fn resolve_all(config: &DnsConfig, question: &Question) -> Vec<ServerResult> {
    netdiag_core::dns::resolve_all(config, question, &Interrupt::default()).await
}

const TIMEOUT: Duration = Duration::from_millis(300);
/// Scheduling slack on a busy two-core CI machine; the lower bound is exact.
const SLACK: Duration = Duration::from_millis(250);

fn config(servers: &[SocketAddr]) -> DnsConfig {
    let servers = servers
        .iter()
        .map(|&address| DnsServer::new(address, ServerSource::WebsiteDnsServer))
        .collect();
    DnsConfig {
        attempts: 1,
        model: QueryModel::Sequential,
        ..DnsConfig::asking(servers, TIMEOUT)
    }
}

fn question(name: &str, record_type: Option<RecordType>) -> Question {
    Question::new(&Host::parse(name).unwrap(), record_type).unwrap()
}

fn assert_took(elapsed: Duration, expected: Duration) {
    assert!(
        elapsed >= expected && elapsed < expected + SLACK,
        "took {elapsed:?}, expected {expected:?} (+{SLACK:?})"
    );
}

async fn data_of(server: SocketAddr, name: &str, record_type: RecordType) -> Vec<String> {
    let lookup = resolve(&config(&[server]), &question(name, Some(record_type))).await;
    assert_eq!(lookup.outcome, DnsOutcome::Answered, "{name} {record_type}");
    let answer = lookup.answer.unwrap();
    answer
        .records
        .iter()
        .filter(|r| r.record_type == record_type.to_string())
        .map(|r| r.data.clone())
        .collect()
}

#[tokio::test]
async fn cname_chain_is_followed_and_kept_as_aliases() {
    let dns = TestDns::contoso();
    let lookup = resolve(
        &config(&[dns.addr()]),
        &question("www.contoso.internal", None),
    )
    .await;
    assert_eq!(lookup.outcome, DnsOutcome::Answered);
    let answer = lookup.answer.unwrap();
    assert_eq!(answer.canonical_name, "app.contoso.internal");
    assert_eq!(
        answer.aliases,
        ["www.contoso.internal", "web.contoso.internal"]
    );
    let addresses: Vec<String> = answer.addresses.iter().map(ToString::to_string).collect();
    assert_eq!(addresses, ["10.1.1.10", "fd00:10::10"]);
    assert_eq!(lookup.attempts.len(), 1);
    assert_eq!(lookup.attempts[0].rcode.as_deref(), Some("NOERROR"));
}

#[tokio::test]
async fn every_record_type() {
    let dns = TestDns::contoso();
    let server = dns.addr();
    assert_eq!(
        data_of(server, "db.contoso.internal", RecordType::A).await,
        ["10.1.2.4"]
    );
    assert_eq!(
        data_of(server, "app.contoso.internal", RecordType::AAAA).await,
        ["fd00:10::10"]
    );
    assert_eq!(
        data_of(server, "www.contoso.internal", RecordType::CNAME).await,
        ["web.contoso.internal"]
    );
    assert_eq!(
        data_of(server, "contoso.internal", RecordType::MX).await,
        ["10 mail.contoso.internal"]
    );
    assert_eq!(
        data_of(server, "txt.contoso.internal", RecordType::TXT).await,
        ["\"v=spf1 -all\""]
    );
    assert_eq!(
        data_of(server, "_sql._tcp.contoso.internal", RecordType::SRV).await,
        ["0 5 1433 db.contoso.internal"]
    );
    assert_eq!(
        data_of(server, "contoso.internal", RecordType::NS).await,
        ["ns1.contoso.internal"]
    );
    let soa = data_of(server, "contoso.internal", RecordType::SOA).await;
    assert!(soa[0].contains("2026112801"), "{soa:?}");
    // An IP literal asks for its PTR record.
    let reverse = question("10.1.1.10", None);
    assert_eq!(reverse.types, [RecordType::PTR]);
    assert_eq!(reverse.name.to_ascii(), "10.1.1.10.in-addr.arpa.");
    let lookup = resolve(&config(&[server]), &reverse).await;
    assert_eq!(
        lookup.answer.unwrap().records[0].data,
        "app.contoso.internal"
    );
}

#[tokio::test]
async fn nxdomain_and_nodata_end_the_lookup() {
    let dns = TestDns::contoso();
    let dead = DeadDnsServer::start();
    // The dead server is listed second: it must never be asked.
    let servers = [dns.addr(), dead.addr()];
    let lookup = resolve(
        &config(&servers),
        &question("nosuch.contoso.internal", None),
    )
    .await;
    assert_eq!(lookup.outcome, DnsOutcome::Nxdomain);
    assert_eq!(lookup.attempts.len(), 1);
    assert_eq!(lookup.attempts[0].rcode.as_deref(), Some("NXDOMAIN"));

    let lookup = resolve(
        &config(&servers),
        &question("v4only.contoso.internal", Some(RecordType::AAAA)),
    )
    .await;
    assert_eq!(lookup.outcome, DnsOutcome::Nodata);
    assert_eq!(lookup.attempts.len(), 1);
    assert!(lookup.answer.is_none());

    // A and AAAA: one of them answering is an answer.
    let lookup = resolve(
        &config(&servers),
        &question("v4only.contoso.internal", None),
    )
    .await;
    assert_eq!(lookup.outcome, DnsOutcome::Answered);
}

#[tokio::test]
async fn dead_primary_costs_exactly_one_timeout() {
    let dns = TestDns::contoso();
    let dead = DeadDnsServer::start();
    let started = Instant::now();
    let lookup = resolve(
        &config(&[dead.addr(), dns.addr()]),
        &question("app.contoso.internal", None),
    )
    .await;
    let elapsed = started.elapsed();
    assert_eq!(lookup.outcome, DnsOutcome::Answered);
    let outcomes: Vec<_> = lookup
        .attempts
        .iter()
        .map(|a| (a.server, a.outcome))
        .collect();
    assert_eq!(
        outcomes,
        [
            (dead.addr(), DnsOutcome::Timeout),
            (dns.addr(), DnsOutcome::Answered)
        ]
    );
    // A and AAAA went to the dead server together: one timeout, not two.
    assert_took(lookup.attempts[0].elapsed, TIMEOUT);
    assert_took(elapsed, TIMEOUT);
}

#[tokio::test]
async fn two_dead_servers_cost_two_timeouts_in_order() {
    let first = DeadDnsServer::start();
    let second = DeadDnsServer::start();
    let started = Instant::now();
    let lookup = resolve(
        &config(&[first.addr(), second.addr()]),
        &question("app.contoso.internal", None),
    )
    .await;
    assert_took(started.elapsed(), TIMEOUT * 2);
    assert_eq!(lookup.outcome, DnsOutcome::Timeout);
    let servers: Vec<_> = lookup.attempts.iter().map(|a| a.server).collect();
    assert_eq!(servers, [first.addr(), second.addr()]);
    assert!(lookup.answer.is_none());
}

/// The platform model ("Name resolution in App Service",
/// <https://learn.microsoft.com/azure/app-service/overview-name-resolution>): every server at
/// once; a dead first server costs one timeout, however many are dead ahead of a live one.
fn platform(servers: &[SocketAddr]) -> DnsConfig {
    DnsConfig {
        attempts: 3,
        model: QueryModel::Platform,
        ..config(servers)
    }
}

fn outcomes(lookup: &Lookup) -> Vec<(u32, SocketAddr, DnsOutcome)> {
    lookup
        .attempts
        .iter()
        .map(|a| (a.round, a.server, a.outcome))
        .collect()
}

#[tokio::test]
async fn platform_a_dead_first_server_costs_one_timeout() {
    let dead = DeadDnsServer::start();
    let dns = TestDns::contoso();
    let started = Instant::now();
    let lookup = resolve(
        &platform(&[dead.addr(), dns.addr()]),
        &question("db.contoso.internal", None),
    )
    .await;
    assert_took(started.elapsed(), TIMEOUT);
    assert_eq!(
        outcomes(&lookup),
        [
            (1, dead.addr(), DnsOutcome::Timeout),
            (1, dns.addr(), DnsOutcome::Answered)
        ]
    );
    assert!(lookup.resolved());
}

#[tokio::test]
async fn two_dead_servers_cost_one_timeout_on_the_platform_and_two_in_sequence() {
    let first = DeadDnsServer::start();
    let second = DeadDnsServer::start();
    let dns = TestDns::contoso();
    let servers = [first.addr(), second.addr(), dns.addr()];
    let started = Instant::now();
    let lookup = resolve(&platform(&servers), &question("db.contoso.internal", None)).await;
    assert_took(started.elapsed(), TIMEOUT);
    assert_eq!(lookup.attempts.len(), 3);
    assert!(lookup.resolved());

    let started = Instant::now();
    let lookup = resolve(&config(&servers), &question("db.contoso.internal", None)).await;
    assert_took(started.elapsed(), TIMEOUT * 2);
    assert!(lookup.resolved());
}

#[tokio::test]
async fn platform_a_failing_first_server_costs_no_timeout() {
    let servfail = RcodeServer::start(ResponseCode::ServFail);
    let dns = TestDns::contoso();
    let started = Instant::now();
    let lookup = resolve(
        &platform(&[servfail.addr(), dns.addr()]),
        &question("db.contoso.internal", None),
    )
    .await;
    assert!(started.elapsed() < TIMEOUT / 2, "{:?}", started.elapsed());
    assert_eq!(
        outcomes(&lookup),
        [
            (1, servfail.addr(), DnsOutcome::Servfail),
            (1, dns.addr(), DnsOutcome::Answered)
        ]
    );
}

#[tokio::test]
async fn platform_all_dead_costs_attempts_times_timeout_and_reports_every_round() {
    let first = DeadDnsServer::start();
    let second = DeadDnsServer::start();
    let started = Instant::now();
    let lookup = resolve(
        &platform(&[first.addr(), second.addr()]),
        &question("db.contoso.internal", None),
    )
    .await;
    assert_took(started.elapsed(), TIMEOUT * 3);
    let mut expected = Vec::new();
    for round in 1..=3 {
        expected.push((round, first.addr(), DnsOutcome::Timeout));
        expected.push((round, second.addr(), DnsOutcome::Timeout));
    }
    assert_eq!(outcomes(&lookup), expected);
    assert_eq!(lookup.outcome, DnsOutcome::Timeout);
}

/// The first server's answer counts as soon as it comes: a dead server behind it is not
/// waited for, as the app does not wait for it.
#[tokio::test]
async fn platform_a_live_first_server_answers_at_once() {
    let dns = TestDns::contoso();
    let dead = DeadDnsServer::start();
    let started = Instant::now();
    let lookup = resolve(
        &platform(&[dns.addr(), dead.addr()]),
        &question("db.contoso.internal", None),
    )
    .await;
    assert!(started.elapsed() < TIMEOUT / 2, "{:?}", started.elapsed());
    assert_eq!(outcomes(&lookup), [(1, dns.addr(), DnsOutcome::Answered)]);
}

#[tokio::test]
async fn servfail_and_refused_move_on_to_the_next_server() {
    let servfail = RcodeServer::start(ResponseCode::ServFail);
    let refused = RcodeServer::start(ResponseCode::Refused);
    let dns = TestDns::contoso();
    let lookup = resolve(
        &config(&[servfail.addr(), refused.addr(), dns.addr()]),
        &question("db.contoso.internal", None),
    )
    .await;
    let seen: Vec<_> = lookup
        .attempts
        .iter()
        .map(|a| (a.outcome, a.rcode.clone().unwrap_or_default()))
        .collect();
    assert_eq!(
        seen,
        [
            (DnsOutcome::Servfail, "SERVFAIL".to_owned()),
            (DnsOutcome::Refused, "REFUSED".to_owned()),
            (DnsOutcome::Answered, "NOERROR".to_owned()),
        ]
    );
    // Failing fast: neither broken server cost a timeout.
    assert!(lookup.attempts[0].elapsed < TIMEOUT);
}

#[tokio::test]
async fn tcp_transport() {
    let dns = TestDns::contoso();
    let mut config = config(&[dns.addr()]);
    config.transport = Transport::Tcp;
    let lookup = resolve(&config, &question("www.contoso.internal", None)).await;
    assert_eq!(lookup.outcome, DnsOutcome::Answered);
    assert_eq!(
        lookup.answer.unwrap().canonical_name,
        "app.contoso.internal"
    );
}

#[tokio::test]
async fn all_servers_at_once_find_the_one_that_disagrees() {
    let dns = TestDns::contoso();
    let stale = TestDns::start(&[CONTOSO_ZONE_STALE]);
    let dead = DeadDnsServer::start();
    let servers = [dns.addr(), stale.addr(), dead.addr()];
    let started = Instant::now();
    let results = resolve_all(
        &config(&servers),
        &question("app.contoso.internal", Some(RecordType::A)),
    )
    .await;
    // Concurrent: the dead server's timeout is the whole cost.
    assert_took(started.elapsed(), TIMEOUT);
    let order: Vec<_> = results.iter().map(|r| r.server.address).collect();
    assert_eq!(order, servers);
    // The dead server disagrees with nobody: it did not answer, which is its own failure.
    let groups = agreement(&results);
    assert_eq!(
        groups,
        [
            ("A 10.1.1.10".to_owned(), vec![dns.addr()]),
            ("A 10.1.9.99".to_owned(), vec![stale.addr()]),
        ]
    );
    assert_eq!(results[2].outcome, DnsOutcome::Timeout);

    let agreeing = resolve_all(
        &config(&[dns.addr(), dns.addr()]),
        &question("db.contoso.internal", None),
    )
    .await;
    assert_eq!(agreement(&agreeing).len(), 1);
}

/// Ctrl-C after one server had timed out, while the next is waited for: the wait ends at
/// once (`interrupted`), and the run counts as failed, since something had failed before
/// (exit 1, not 130); cut short before any failure, it is neither success nor failure.
#[tokio::test]
async fn ctrl_c_ends_the_wait_and_keeps_what_failed_before() {
    let first = DeadDnsServer::start();
    let second = DeadDnsServer::start();
    let config = config(&[first.addr(), second.addr()]);
    let interrupt = Interrupt::default();
    let trigger = interrupt.clone();
    tokio::spawn(async move {
        tokio::time::sleep(TIMEOUT + TIMEOUT / 2).await;
        trigger.trigger();
    });
    let started = Instant::now();
    let lookup =
        netdiag_core::dns::resolve(&config, &question("db.contoso.internal", None), &interrupt)
            .await;
    assert!(started.elapsed() < TIMEOUT * 2, "{:?}", started.elapsed());
    let outcomes: Vec<DnsOutcome> = lookup.attempts.iter().map(|a| a.outcome).collect();
    assert_eq!(outcomes, [DnsOutcome::Timeout, DnsOutcome::Interrupted]);
    assert_eq!(lookup.outcome, DnsOutcome::Interrupted);
    let run = netdiag_core::dns::DnsRun::Sequential(lookup.clone());
    assert!(run.interrupted() && !run.succeeded());

    let cut_at_once = Interrupt::default();
    cut_at_once.trigger();
    let lookup = netdiag_core::dns::resolve(
        &config,
        &question("db.contoso.internal", None),
        &cut_at_once,
    )
    .await;
    assert_eq!(lookup.attempts.len(), 1);
    let run = netdiag_core::dns::DnsRun::Sequential(lookup);
    assert!(run.interrupted() && run.succeeded());
}

/// What the summary says a dead server costs follows the model: on the platform two dead
/// servers ahead of a live one cost one timeout, in sequence two.
#[tokio::test]
async fn the_wait_a_dead_server_costs_follows_the_model() {
    use netdiag_core::dns::summary::LookupFacts;
    let first = DeadDnsServer::start();
    let second = DeadDnsServer::start();
    let dns = TestDns::contoso();
    let servers = [first.addr(), second.addr(), dns.addr()];
    let name = question("db.contoso.internal", None);
    let on_platform = platform(&servers);
    let lookup = resolve(&on_platform, &name).await;
    assert_eq!(LookupFacts::of(&lookup, &on_platform).waited, TIMEOUT);
    let in_sequence = config(&servers);
    let lookup = resolve(&in_sequence, &name).await;
    assert_eq!(LookupFacts::of(&lookup, &in_sequence).waited, TIMEOUT * 2);
}

/// A Linux container asks Docker's embedded stub (127.0.0.11): the output names it as a
/// stub, with the upstream servers its resolv.conf declares, in the `Server:` line.
#[test]
fn a_stub_server_is_named_as_a_stub_in_the_output() {
    use netdiag_core::dns::config::{Stub, StubKind};
    use netdiag_core::dns::{DnsAnswer, DnsAttempt, DnsRun};
    let stub: SocketAddr = "127.0.0.11:53".parse().unwrap();
    let config = DnsConfig::asking(
        vec![DnsServer {
            stub: Some(Stub {
                kind: StubKind::Docker,
                upstreams: vec!["168.63.129.16".parse().unwrap()],
            }),
            ..DnsServer::new(stub, ServerSource::System)
        }],
        TIMEOUT,
    );
    let lookup = Lookup {
        attempts: vec![DnsAttempt {
            server: stub,
            source: ServerSource::System,
            round: 1,
            outcome: DnsOutcome::Answered,
            elapsed: Duration::from_millis(2),
            rcode: Some("NOERROR".to_owned()),
            message: None,
        }],
        outcome: DnsOutcome::Answered,
        answer: Some(DnsAnswer {
            server: stub,
            authoritative: false,
            canonical_name: "db.contoso.internal".to_owned(),
            aliases: Vec::new(),
            addresses: vec!["10.1.2.4".parse().unwrap()],
            records: Vec::new(),
        }),
    };
    let text = netdiag_core::dns::render::render(
        &DnsRun::Sequential(lookup),
        &config,
        &question("db.contoso.internal", None),
    );
    assert!(
        text.starts_with(
            "Server: 127.0.0.11 (Docker's embedded DNS stub, forwarding to 168.63.129.16)\n"
        ),
        "{text}"
    );
    // A forwarder's answer (no `aa`) is nslookup's "Non-authoritative answer" (issue 24,
    // point 10; the authoritative case is the e2e test against the test's own zone).
    assert!(
        text.contains("\n\nNon-authoritative answer:\nName: db.contoso.internal\n"),
        "{text}"
    );
    // The report carries the same: `dns.servers[].stub`.
    let report = serde_json::to_value(&config.servers[0]).unwrap();
    assert_eq!(report["stub"]["kind"], "docker");
    assert_eq!(report["stub"]["upstreams"][0], "168.63.129.16");
}
