//! The TCP probe against ports the test opens on loopback: open (a listener that accepts),
//! closed (refused) and blackholed (a full accept queue that drops SYNs).

use std::time::{Duration, Instant};

use netdiag_core::addr::Host;
use netdiag_core::dns::{DnsConfig, DnsServer, ServerSource};
use netdiag_core::tcp::{
    Family, Limit, ProbeObserver, ProbePlan, TcpAttempt, TcpOutcome, TcpSummary, connect_once,
    resolve_target, run_probes,
};
use netdiag_core::vocab::Interrupt;
use netdiag_tests::{BlackholePort, DnsServer as TestDns, OpenPort, closed_port};

const SLACK: Duration = Duration::from_millis(250);

#[derive(Default)]
struct Seen {
    finished: Vec<TcpOutcome>,
}

impl ProbeObserver for Seen {
    fn finished(&mut self, tries: &[TcpAttempt]) {
        self.finished.extend(tries.iter().map(|t| t.outcome));
    }
}

fn plan(address: std::net::SocketAddr, limit: Limit) -> ProbePlan {
    ProbePlan {
        addresses: vec![address],
        first_seq: 1,
        timeout: Duration::from_millis(300),
        interval: Duration::ZERO,
        keep_attempts: true,
        limit,
    }
}

#[tokio::test]
async fn open_closed_and_blackholed_ports() {
    let open = OpenPort::start();
    let attempt = connect_once(1, open.addr(), Duration::from_secs(2)).await;
    assert_eq!(attempt.outcome, TcpOutcome::Connected);
    assert!(
        attempt.elapsed < Duration::from_millis(100),
        "{:?}",
        attempt.elapsed
    );

    let closed = closed_port();
    let attempt = connect_once(1, closed, Duration::from_secs(2)).await;
    assert_eq!(attempt.outcome, TcpOutcome::Refused);
    assert!(attempt.elapsed < Duration::from_millis(100));
    assert!(attempt.os_error.is_some());

    let blackhole = BlackholePort::start();
    let timeout = Duration::from_millis(300);
    let started = Instant::now();
    let attempt = connect_once(1, blackhole.addr(), timeout).await;
    assert_eq!(attempt.outcome, TcpOutcome::Timeout);
    assert!(attempt.elapsed >= timeout && started.elapsed() < timeout + SLACK);
}

#[tokio::test]
async fn ipv6_loopback() {
    let Some(open) = OpenPort::start_v6() else {
        eprintln!("no ::1 on this machine; skipped");
        return;
    };
    let attempt = connect_once(1, open.addr(), Duration::from_secs(2)).await;
    assert_eq!(attempt.outcome, TcpOutcome::Connected);
}

#[tokio::test]
async fn a_run_stops_at_its_count_or_when_interrupted() {
    let open = OpenPort::start();
    let mut seen = Seen::default();
    let run = run_probes(
        &plan(open.addr(), Limit::Count(5)),
        &mut seen,
        std::future::pending(),
    )
    .await;
    assert_eq!(run.attempts.len(), 5);
    assert_eq!(seen.finished, [TcpOutcome::Connected; 5]);
    let seqs: Vec<u32> = run.attempts.iter().map(|a| a.seq).collect();
    assert_eq!(seqs, [1, 2, 3, 4, 5]);
    assert!(!run.interrupted);

    // Interrupted while an attempt waits on a blackholed port: at once, and the attempt
    // is `interrupted` (no success, no failure), with how long it waited.
    let blackhole = BlackholePort::start();
    let mut blackholed = plan(blackhole.addr(), Limit::Continuous);
    blackholed.timeout = Duration::from_secs(20);
    let started = Instant::now();
    let run = run_probes(
        &blackholed,
        &mut Seen::default(),
        tokio::time::sleep(Duration::from_millis(200)),
    )
    .await;
    assert!(run.interrupted);
    assert_eq!(run.attempts.len(), 1);
    assert_eq!(run.attempts[0].outcome, TcpOutcome::Interrupted);
    assert!(run.attempts[0].elapsed >= Duration::from_millis(200));
    assert!(
        run.attempts[0]
            .message
            .as_deref()
            .is_some_and(|m| m.starts_with("interrupted after 0.") && m.ends_with("s, no answer")),
        "{:?}",
        run.attempts[0].message
    );
    assert!(started.elapsed() < Duration::from_millis(200) + SLACK);
}

#[tokio::test]
async fn a_timed_run_starts_no_attempt_after_its_duration() {
    let open = OpenPort::start();
    let mut timed = plan(open.addr(), Limit::Duration(Duration::from_millis(500)));
    timed.interval = Duration::from_millis(100);
    let started = Instant::now();
    let run = run_probes(&timed, &mut Seen::default(), std::future::pending()).await;
    assert!(started.elapsed() < Duration::from_millis(500) + SLACK);
    assert!(
        (4..=5).contains(&run.attempts.len()),
        "{}",
        run.attempts.len()
    );
}

#[tokio::test]
async fn names_resolve_through_the_app_dns_servers() {
    let dns = TestDns::contoso();
    let config = DnsConfig {
        attempts: 1,
        model: netdiag_core::dns::QueryModel::Sequential,
        ..DnsConfig::asking(
            vec![DnsServer::new(dns.addr(), ServerSource::WebsiteDnsServer)],
            Duration::from_millis(300),
        )
    };
    let host = Host::parse("loop.contoso.internal").unwrap();
    let resolved = resolve_target(
        &host,
        8080,
        Family::Any,
        Some(&config),
        &Interrupt::default(),
    )
    .await;
    assert_eq!(resolved.addresses, ["127.0.0.1:8080".parse().unwrap()]);
    assert!(resolved.dns_attempt(1).is_none());

    // app has A and AAAA: -6 keeps the AAAA; otherwise both, in the resolver's order.
    let app = Host::parse("app.contoso.internal").unwrap();
    let v6 = resolve_target(&app, 443, Family::V6, Some(&config), &Interrupt::default()).await;
    assert_eq!(v6.addresses, ["[fd00:10::10]:443".parse().unwrap()]);
    let any = resolve_target(&app, 443, Family::Any, Some(&config), &Interrupt::default()).await;
    assert_eq!(
        any.addresses,
        [
            "10.1.1.10:443".parse().unwrap(),
            "[fd00:10::10]:443".parse().unwrap()
        ]
    );

    let missing = Host::parse("nosuch.contoso.internal").unwrap();
    let resolved = resolve_target(
        &missing,
        80,
        Family::Any,
        Some(&config),
        &Interrupt::default(),
    )
    .await;
    assert!(resolved.addresses.is_empty());
    let attempt = resolved.dns_attempt(1).unwrap();
    assert_eq!(attempt.outcome, TcpOutcome::Dns);
    assert!(attempt.message.unwrap().contains("NXDOMAIN"));
}

#[tokio::test]
async fn a_run_that_keeps_no_attempts_still_counts_them_all() {
    let open = OpenPort::start();
    let mut tally_only = plan(open.addr(), Limit::Count(50));
    tally_only.keep_attempts = false;
    let run = run_probes(&tally_only, &mut Seen::default(), std::future::pending()).await;
    assert!(
        run.attempts.is_empty(),
        "text mode keeps no attempt: constant memory"
    );
    let summary = TcpSummary::of(&run);
    assert_eq!((summary.attempts, summary.connected), (50, 50));
    assert!(summary.min.unwrap() <= summary.average.unwrap() && summary.average <= summary.max);
}
