//! Every failure mode ends at its deadline: a dead DNS server, a blackholed port, a refused
//! port and a name that does not resolve. The contract is the configured timeout plus
//! 100 ms; tests allow more for a busy CI machine (`examples/deadlines.rs` measures the
//! overshoot precisely).

use std::time::Duration;

use netdiag_tests::{BlackholePort, DeadDnsServer, DnsServer, Run, closed_port, command};

const TIMEOUT: Duration = Duration::from_millis(300);
const SLACK: Duration = Duration::from_millis(400);

fn within(run: &Run, at_least: Duration, at_most: Duration) {
    assert!(
        run.elapsed >= at_least && run.elapsed <= at_most + SLACK,
        "took {:?}, expected {at_least:?} to {at_most:?} (+{SLACK:?}): {}",
        run.elapsed,
        run.stdout
    );
}

#[test]
fn dead_dns_server() {
    let dead = DeadDnsServer::start();
    let run = Run::of(command("nameresolver").args([
        "--timeout",
        "300ms",
        "db.contoso.internal",
        &dead.addr().to_string(),
    ]));
    assert_eq!(run.code, 1);
    within(&run, TIMEOUT, TIMEOUT);
}

#[test]
fn blackholed_port() {
    let blackhole = BlackholePort::start();
    let run =
        Run::of(command("tcpping").args(["-w", "300ms", "-n", "1", &blackhole.addr().to_string()]));
    assert_eq!(run.code, 1);
    within(&run, TIMEOUT, TIMEOUT);
}

#[test]
fn refused_port() {
    let run =
        Run::of(command("tcpping").args(["-w", "300ms", "-n", "1", &closed_port().to_string()]));
    assert_eq!(run.code, 1);
    within(&run, Duration::ZERO, TIMEOUT);
}

#[test]
fn name_that_does_not_resolve() {
    // Every server dead: the DNS timeout (WEBSITE_DNS_TIMEOUT) is the deadline.
    let dead = DeadDnsServer::start();
    let run = Run::of(
        command("tcpping")
            .env("WEBSITE_DNS_SERVER", dead.addr().to_string())
            .env("WEBSITE_DNS_TIMEOUT", "1")
            .args(["-w", "300ms", "nosuch.contoso.internal:1433"]),
    );
    assert_eq!(run.code, 1);
    within(&run, Duration::from_secs(1), Duration::from_secs(1));
    // NXDOMAIN from a live server: no wait at all.
    let dns = DnsServer::contoso();
    let run = Run::of(
        command("tcpping")
            .env("WEBSITE_DNS_SERVER", dns.addr().to_string())
            .args(["-w", "300ms", "nosuch.contoso.internal:1433"]),
    );
    assert_eq!(run.code, 1);
    within(&run, Duration::ZERO, Duration::ZERO);
}
