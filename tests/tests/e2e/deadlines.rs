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

/// Every server dead: the platform repeats the attempt, so the deadline is attempts x
/// timeout (3 by default; "Name resolution in App Service").
#[test]
fn dead_dns_server() {
    let dead = DeadDnsServer::start();
    let server = dead.addr().to_string();
    let run = Run::of(command("nameresolver").args([
        "--timeout",
        "300ms",
        "db.contoso.internal",
        &server,
    ]));
    assert_eq!(run.code, 1);
    within(&run, TIMEOUT * 3, TIMEOUT * 3);

    let once = Run::of(command("nameresolver").args([
        "--timeout",
        "300ms",
        "--attempts",
        "1",
        "db.contoso.internal",
        &server,
    ]));
    assert_eq!(once.code, 1);
    within(&once, TIMEOUT, TIMEOUT);
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
    // Every server dead: the lookup's attempts x its timeout is the deadline, as the app
    // waits; --dns-timeout beats WEBSITE_DNS_TIMEOUT, --attempts the default 3.
    let dead = DeadDnsServer::start();
    let lookup = |attempts: &str| {
        Run::of(
            command("tcpping")
                .env("WEBSITE_DNS_SERVER", dead.addr().to_string())
                .env("WEBSITE_DNS_TIMEOUT", "5")
                .args(["--dns-timeout", "300ms", "--attempts", attempts])
                // One attempt: each of -n's attempts looks the name up again.
                .args(["-n", "1", "-w", "300ms", "nosuch.contoso.internal:1433"]),
        )
    };
    let run = lookup("3");
    assert_eq!(run.code, 1);
    within(&run, TIMEOUT * 3, TIMEOUT * 3);
    let run = lookup("1");
    assert_eq!(run.code, 1);
    within(&run, TIMEOUT, TIMEOUT);
    // NXDOMAIN from a live server: no wait at all.
    let dns = DnsServer::contoso();
    let run = Run::of(
        command("tcpping")
            .env("WEBSITE_DNS_SERVER", dns.addr().to_string())
            .args(["-n", "1", "-w", "300ms", "nosuch.contoso.internal:1433"]),
    );
    assert_eq!(run.code, 1);
    within(&run, Duration::ZERO, Duration::ZERO);
}

/// The option after `flag` in `--help`, up to the next option.
fn help_of<'h>(help: &'h str, flag: &str) -> &'h str {
    let after = help
        .split(flag)
        .nth(1)
        .unwrap_or_else(|| panic!("{flag} is not in the help:\n{help}"));
    after.split("\n  -").next().unwrap_or(after)
}

/// Every default the tools print is the core's constant, and the README says the same
/// numbers: one place to change a default (no 21 s wait: the help says it).
#[test]
fn the_defaults_in_help_and_readme_are_the_cores_constants() {
    use netdiag_core::vocab::display_duration;
    let tcp_timeout = display_duration(netdiag_core::tcp::DEFAULT_TIMEOUT);
    let interval = display_duration(netdiag_core::tcp::DEFAULT_INTERVAL);
    let azure = display_duration(netdiag_core::azure::DEFAULT_TIMEOUT);
    let dns = display_duration(netdiag_core::dns::config::DEFAULT_TIMEOUT);
    assert_eq!(
        (tcp_timeout.as_str(), interval.as_str(), dns.as_str()),
        ("21s", "1s", "3s"),
        "the contract's numbers"
    );

    let tcpping = Run::of(command("tcpping").arg("--help")).stdout;
    let expect = |help: &str, flag: &str, default: &str| {
        let text = help_of(help, flag);
        assert!(
            text.contains(&format!("[default: {default}]")),
            "{flag}: {text}"
        );
    };
    expect(&tcpping, "--timeout <DURATION>", &tcp_timeout);
    expect(&tcpping, "--interval <DURATION>", &interval);
    expect(
        &tcpping,
        "--count <N>",
        &netdiag_core::tcp::DEFAULT_COUNT.to_string(),
    );
    expect(&tcpping, "--azure-timeout <DURATION>", &azure);
    let attempts = netdiag_core::dns::config::DEFAULT_ATTEMPTS;
    assert_eq!(attempts, 3, "the platform's documented attempts");
    assert!(
        tcpping.contains(&format!("{dns} per attempt, {attempts} attempts")),
        "{tcpping}"
    );
    assert!(
        help_of(&tcpping, "--dns-timeout <DURATION>")
            .contains(&format!("WEBSITE_DNS_TIMEOUT, else {dns}]")),
        "{tcpping}"
    );
    assert!(
        help_of(&tcpping, "--attempts <N>")
            .contains(&format!("WEBSITE_DNS_ATTEMPTS, else {attempts}]")),
        "{tcpping}"
    );

    let nameresolver = Run::of(command("nameresolver").arg("--help")).stdout;
    assert!(
        help_of(&nameresolver, "--timeout <DURATION>")
            .contains(&format!("WEBSITE_DNS_TIMEOUT, else {dns}]")),
        "{nameresolver}"
    );
    assert!(
        help_of(&nameresolver, "--attempts <N>")
            .contains(&format!("WEBSITE_DNS_ATTEMPTS, else {attempts}]")),
        "{nameresolver}"
    );

    // The README writes them as people read them: "21 s", "3 s", "30 s".
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md")).unwrap();
    let spaced = |text: &str| text.replace('s', " s");
    for said in [
        format!("`-w` (default {},", spaced(&tcp_timeout)),
        format!("`-i` apart (default {interval})"),
        format!("else {})", spaced(&dns)),
        format!("`WEBSITE_DNS_ATTEMPTS`, else {attempts})"),
        format!("`--azure-timeout` ({} by default)", spaced(&azure)),
    ] {
        assert!(readme.contains(&said), "README.md does not say {said:?}");
    }
}
