//! End-to-end: the built `nameresolver` binary against DNS servers this test starts on
//! 127.0.0.1. The environment is cleared for every run, and every run names its servers
//! (argument or `WEBSITE_DNS_SERVER`), so no test ever reaches the machine's resolver.

use std::time::Duration;

use assert_cmd::Command;
use netdiag_tests::{CONTOSO_ZONE_STALE, DeadDnsServer, DnsServer, Run, command};
use serde_json::Value;

/// Tolerance for process start and scheduling on a busy CI machine.
const SLACK: Duration = Duration::from_millis(400);

fn nameresolver() -> Command {
    command("nameresolver")
}

fn run(command: &mut Command) -> Run {
    Run::of(command)
}

/// The output without dig's `Query time:` line (its figure differs run to run).
fn without_query_time(stdout: &str) -> String {
    match stdout.split_once("\nQuery time: ") {
        Some((answer, _)) => answer.to_owned(),
        None => stdout.to_owned(),
    }
}

fn json(run: &Run) -> Value {
    run.json()
}

fn assert_took(run: &Run, expected: Duration) {
    assert!(
        run.elapsed >= expected && run.elapsed < expected + SLACK,
        "took {:?}, expected {expected:?} (+{SLACK:?})",
        run.elapsed
    );
}

#[test]
fn kudu_output_for_a_cname_chain() {
    let dns = DnsServer::contoso();
    let run = run(nameresolver().args(["www.contoso.internal", &dns.addr().to_string()]));
    assert_eq!(run.code, 0, "{}", run.stderr);
    // Kudu's block, then dig's query time (issue 24, point 10). The test's server holds
    // the zone, so its answers carry `aa`: nslookup says "Authoritative answer" then.
    let (kudu, time) = run
        .stdout
        .split_once("\nQuery time: ")
        .unwrap_or((&run.stdout, ""));
    assert_eq!(
        kudu,
        format!(
            "Server: {}\n\nAuthoritative answer:\nName: app.contoso.internal\nAddresses:\n\t10.1.1.10\n\tfd00:10::10\nAliases:\n\twww.contoso.internal\n\tweb.contoso.internal\n",
            dns.addr()
        )
    );
    assert!(
        time.ends_with(&format!("ms ({})\n", dns.addr())) && time.contains('.'),
        "{}",
        run.stdout
    );
    assert_eq!(run.stderr, "");
}

#[test]
fn record_types_and_reverse_lookup() {
    let dns = DnsServer::contoso();
    let server = dns.addr().to_string();
    let cases: [(&[&str], &str); 5] = [
        (
            &["-t", "MX", "contoso.internal"],
            "MX:\n\t10 mail.contoso.internal\n",
        ),
        (
            &["-t", "txt", "txt.contoso.internal"],
            "TXT:\n\t\"v=spf1 -all\"\n",
        ),
        (
            &["--type", "SRV", "_sql._tcp.contoso.internal"],
            "SRV:\n\t0 5 1433 db.contoso.internal\n",
        ),
        (
            &["-t", "CNAME", "www.contoso.internal"],
            "CNAME:\n\tweb.contoso.internal\n",
        ),
        (
            &["10.1.1.10"],
            "Name: app.contoso.internal\nAddress: 10.1.1.10\n",
        ),
    ];
    for (args, expected) in cases {
        let run = run(nameresolver().args(args).arg(&server));
        assert_eq!(run.code, 0, "{args:?}: {}", run.stderr);
        let answer = without_query_time(&run.stdout);
        assert!(answer.ends_with(expected), "{args:?}:\n{}", run.stdout);
    }
}

#[test]
fn nxdomain_fails_with_the_servers_tried_and_next_steps() {
    let dns = DnsServer::contoso();
    let run = run(nameresolver().args(["nosuch.contoso.internal", &dns.addr().to_string()]));
    assert_eq!(run.code, 1);
    assert!(run.stdout.contains(&format!(
        "*** {} can't find nosuch.contoso.internal: Non-existent domain",
        dns.addr()
    )));
    assert!(
        run.stdout.contains("Servers tried, in order:\n  1. "),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("nxdomain"));
    assert!(run.stdout.contains("Next steps:"));
}

#[test]
fn dead_primary_then_live_alternate_costs_one_timeout() {
    let dead = DeadDnsServer::start();
    let dns = DnsServer::contoso();
    let run = run(nameresolver()
        .env("WEBSITE_DNS_SERVER", dead.addr().to_string())
        .env("WEBSITE_DNS_ALT_SERVER", dns.addr().to_string())
        .args(["--timeout", "300ms", "app.contoso.internal"]));
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert_took(&run, Duration::from_millis(300));
    let mut lines = run.stdout.lines();
    assert_eq!(
        lines.next(),
        Some(format!("Server {} did not answer within 300ms", dead.addr()).as_str())
    );
    assert_eq!(
        lines.next(),
        Some(format!("Server: {}", dns.addr()).as_str())
    );
    assert!(run.stdout.contains("\t10.1.1.10\n"));
    assert!(run.stdout.contains("Warning: "), "{}", run.stdout);
}

/// The platform model with every server dead: each attempt asks both at once and lasts one
/// timeout; every server's outcome in every attempt is printed and reported.
#[test]
fn all_dead_servers_cost_attempts_times_timeout_on_the_platform() {
    let first = DeadDnsServer::start();
    let second = DeadDnsServer::start();
    let run = run(nameresolver()
        .env(
            "WEBSITE_DNS_SERVER",
            format!("{},{}", first.addr(), second.addr()),
        )
        .args([
            "--json",
            "--timeout",
            "300ms",
            "--attempts",
            "2",
            "app.contoso.internal",
        ]));
    assert_eq!(run.code, 1);
    assert_took(&run, Duration::from_millis(600));
    let report = json(&run);
    let seen: Vec<(u64, String, String)> = report["dns"]["attempts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["round"].as_u64().unwrap(),
                a["server"].as_str().unwrap().to_owned(),
                a["outcome"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let (one, two) = (first.addr().to_string(), second.addr().to_string());
    let timeout = "timeout".to_owned();
    assert_eq!(
        seen,
        [
            (1, one.clone(), timeout.clone()),
            (1, two.clone(), timeout.clone()),
            (2, one, timeout.clone()),
            (2, two, timeout)
        ]
    );
    assert_eq!(report["dns"]["tries"], 2);
}

/// Kudu's classic model (`--sequential`): one server after another, each once.
#[test]
fn two_dead_servers_take_two_timeouts_and_fail() {
    let first = DeadDnsServer::start();
    let second = DeadDnsServer::start();
    let run = run(nameresolver()
        .env(
            "WEBSITE_DNS_SERVER",
            format!("{},{}", first.addr(), second.addr()),
        )
        .args(["--sequential", "--timeout", "300ms", "app.contoso.internal"]));
    assert_eq!(run.code, 1);
    assert_took(&run, Duration::from_millis(600));
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(
        lines[0],
        format!("Server {} did not answer within 300ms", first.addr())
    );
    assert_eq!(
        lines[1],
        format!("Server {} did not answer within 300ms", second.addr())
    );
    assert!(
        run.stdout
            .contains("*** Could not resolve app.contoso.internal")
    );
    let first_row = format!("  1. {}", first.addr());
    let second_row = format!("  2. {}", second.addr());
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with(&first_row) && l.contains("timeout"))
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with(&second_row) && l.contains("timeout"))
    );
}

#[test]
fn argument_beats_app_settings() {
    let dead = DeadDnsServer::start();
    let dns = DnsServer::contoso();
    let run = run(nameresolver()
        .env("WEBSITE_DNS_SERVER", dead.addr().to_string())
        .args(["--json", "db.contoso.internal", &dns.addr().to_string()]));
    assert_eq!(run.code, 0);
    let report = json(&run);
    let servers = report["dns"]["servers"].as_array().unwrap();
    assert_eq!(servers.len(), 1);
    assert_eq!(servers[0]["address"], dns.addr().to_string());
    assert_eq!(servers[0]["source"], "argument");
    assert_eq!(
        report["environment"]["WEBSITE_DNS_SERVER"],
        dead.addr().to_string()
    );
}

#[test]
fn app_settings_order_sources_and_timeout() {
    let dead = DeadDnsServer::start();
    let dns = DnsServer::contoso();
    let run = run(nameresolver()
        .env("WEBSITE_DNS_SERVER", dead.addr().to_string())
        .env("WEBSITE_DNS_ALT_SERVER", dns.addr().to_string())
        .env("WEBSITE_DNS_TIMEOUT", "1")
        .args(["--json", "db.contoso.internal"]));
    assert_eq!(run.code, 0);
    assert_took(&run, Duration::from_secs(1));
    let report = json(&run);
    let dns_section = &report["dns"];
    assert_eq!(dns_section["timeout_ms"], 1000.0);
    assert_eq!(dns_section["timeout_source"], "WEBSITE_DNS_TIMEOUT");
    let sources: Vec<&str> = dns_section["servers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["source"].as_str().unwrap())
        .collect();
    assert_eq!(sources, ["WEBSITE_DNS_SERVER", "WEBSITE_DNS_ALT_SERVER"]);
    let attempts = dns_section["attempts"].as_array().unwrap();
    assert_eq!(attempts[0]["outcome"], "timeout");
    assert_eq!(attempts[1]["outcome"], "answered");
    assert_eq!(dns_section["answer"]["addresses"][0], "10.1.2.4");
    assert_eq!(report["verdict"]["status"], "warn");
}

#[test]
fn default_timeout_of_3s_is_in_the_report_and_the_help() {
    let dns = DnsServer::contoso();
    let run_json =
        run(nameresolver().args(["--json", "db.contoso.internal", &dns.addr().to_string()]));
    let report = json(&run_json);
    assert_eq!(report["dns"]["timeout_ms"], 3000.0);
    assert_eq!(report["dns"]["timeout_source"], "default");
    // The platform's defaults: 3 s per attempt, 3 attempts, every server at once.
    assert_eq!(report["dns"]["tries"], 3);
    assert_eq!(report["dns"]["model"], "platform");

    let help = run(nameresolver().arg("--help"));
    assert_eq!(help.code, 0);
    assert!(help.stdout.contains("else 3s"), "{}", help.stdout);
    assert!(help.stdout.contains("Examples:"));
    assert!(help.stdout.contains("WEBSITE_DNS_SERVER"));
}

#[test]
fn json_report_envelope_on_success_and_failure() {
    let dns = DnsServer::contoso();
    let ok = json(&run(nameresolver().args([
        "--json",
        "www.contoso.internal",
        &dns.addr().to_string(),
    ])));
    for field in [
        "schema_version",
        "tool",
        "version",
        "started_at",
        "elapsed_ms",
        "target",
        "environment",
        "dns",
        "tcp",
        "checklist",
        "verdict",
        "error",
    ] {
        assert!(ok.get(field).is_some(), "missing {field}");
    }
    assert_eq!(ok["tool"], "nameresolver");
    assert_eq!(ok["target"]["name"], "www.contoso.internal");
    assert_eq!(ok["target"]["types"], serde_json::json!(["A", "AAAA"]));
    assert_eq!(ok["dns"]["answer"]["aliases"][1], "web.contoso.internal");
    assert_eq!(ok["error"], Value::Null);
    assert_eq!(ok["verdict"]["status"], "pass");

    let failed =
        run(nameresolver().args(["--json", "nosuch.contoso.internal", &dns.addr().to_string()]));
    assert_eq!(failed.code, 1);
    let report = json(&failed);
    assert!(report["error"].is_null(), "{}", report["error"]);
    assert_eq!(report["dns"]["attempts"][0]["outcome"], "nxdomain");
    assert_eq!(report["dns"]["attempts"][0]["rcode"], "NXDOMAIN");
}

#[test]
fn all_flags_the_server_that_disagrees() {
    let dns = DnsServer::contoso();
    let stale = DnsServer::start(&[CONTOSO_ZONE_STALE]);
    let run = run(nameresolver()
        .env(
            "WEBSITE_DNS_SERVER",
            format!("{},{}", dns.addr(), stale.addr()),
        )
        .args(["--all", "-t", "A", "app.contoso.internal"]));
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(
        run.stdout.contains("The servers disagree:"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains(&format!("  {}: A 10.1.1.10", dns.addr()))
    );
    assert!(
        run.stdout
            .contains(&format!("  {}: A 10.1.9.99", stale.addr()))
    );

    let agree = self::run(
        nameresolver()
            .env(
                "WEBSITE_DNS_SERVER",
                format!("{},{}", dns.addr(), dns.addr()),
            )
            .args(["--all", "--json", "app.contoso.internal"]),
    );
    assert_eq!(agree.code, 0, "{}", agree.stdout);
    assert_eq!(
        json(&agree)["dns"]["per_server"].as_array().unwrap().len(),
        1
    );
}

/// Arguments, app settings, and what the error line must say.
type Case<'a> = (Vec<&'a str>, Vec<(&'a str, &'a str)>, &'a str);

#[test]
fn bad_input_exits_2_with_one_error_line() {
    // Safety net: if a case were wrongly accepted, it would ask a dead loopback server.
    let dead = DeadDnsServer::start();
    let long_label = "a".repeat(64);
    let cases: Vec<Case<'_>> = vec![
        (vec![""], vec![], "host name is empty"),
        (vec![&long_label], vec![], "at most 63"),
        (vec!["db contoso"], vec![], "a space"),
        (
            vec!["db.contoso.internal", "dns.contoso.internal"],
            vec![],
            "'dns.contoso.internal'",
        ),
        (
            vec!["db.contoso.internal", "127.0.0.1:99999"],
            vec![],
            "port '99999'",
        ),
        (vec!["db.contoso.internal", "[::1"], vec![], "never closed"),
        (
            vec!["--timeout", "soon", "db.contoso.internal"],
            vec![],
            "'soon' is not a duration",
        ),
        (
            vec!["--timeout", "0s", "db.contoso.internal"],
            vec![],
            "is not a timeout",
        ),
        (vec!["-t", "AXFR", "db.contoso.internal"], vec![], "'AXFR'"),
        (vec!["--bogus", "db.contoso.internal"], vec![], "--bogus"),
        (
            vec!["db.contoso.internal"],
            vec![("WEBSITE_DNS_SERVER", "10.0.0.4;10.0.0.5")],
            "WEBSITE_DNS_SERVER: ",
        ),
        (
            vec!["db.contoso.internal"],
            vec![("WEBSITE_DNS_TIMEOUT", "3s")],
            "WEBSITE_DNS_TIMEOUT='3s'",
        ),
        (
            vec!["db.contoso.internal"],
            vec![("WEBSITE_DNS_ATTEMPTS", "0")],
            "WEBSITE_DNS_ATTEMPTS='0'",
        ),
    ];
    for (args, env, expected) in cases {
        for with_json in [false, true] {
            let mut command = nameresolver();
            command.env("WEBSITE_DNS_SERVER", dead.addr().to_string());
            command.envs(env.iter().copied());
            if with_json {
                command.arg("--json");
            }
            let run = run(command.args(&args));
            assert_eq!(
                run.code, 2,
                "{args:?} {env:?}: {}{}",
                run.stdout, run.stderr
            );
            let lines: Vec<&str> = run.stderr.lines().collect();
            assert_eq!(lines.len(), 1, "{args:?}: {}", run.stderr);
            assert!(lines[0].starts_with("error: "), "{}", lines[0]);
            assert!(lines[0].contains(expected), "{args:?}: {}", lines[0]);
            if with_json {
                let report = json(&run);
                assert!(
                    report["error"]["message"]
                        .as_str()
                        .unwrap()
                        .contains(expected)
                );
                assert_eq!(report["verdict"]["status"], "error");
            } else {
                assert_eq!(run.stdout, "");
            }
        }
    }
}

#[test]
fn secrets_in_the_environment_never_reach_the_report() {
    let dns = DnsServer::contoso();
    let run = run(nameresolver()
        .env("WEBSITE_SITE_NAME", "contoso-web")
        .env("WEBSITE_AUTH_ENCRYPTION_KEY", "TOPSECRET1")
        .env("SQLAZURECONNSTR_main", "Password=TOPSECRET2")
        .args(["--json", "db.contoso.internal", &dns.addr().to_string()]));
    assert!(!run.stdout.contains("TOPSECRET"), "{}", run.stdout);
    let report = json(&run);
    assert_eq!(
        report["environment"],
        serde_json::json!({"WEBSITE_SITE_NAME": "contoso-web"})
    );
}

/// The checklist speaks of the lookup as it was asked: the type (`-t NS`), the transport
/// (`--tcp`), the server's own port and the name in the nslookup to try from a VM.
#[test]
fn the_checklist_speaks_of_the_lookup_as_asked() {
    let dns = DnsServer::contoso();
    let server = dns.addr().to_string();
    let run = Run::of(command("nameresolver").args([
        "--json",
        "--tcp",
        "-t",
        "NS",
        "app.contoso.internal",
        &server,
    ]));
    assert_eq!(run.code, 1, "{}", run.stdout);
    let report = run.json();
    let check = |id: &str| super::checklist::check(&report, id).clone();
    let resolves = check("dns.resolves");
    assert_eq!(resolves["status"], "fail");
    // A remedy that changes DNS says how long the app may keep the old answer (the
    // platform's 30 s cache: "Name resolution in App Service").
    assert_eq!(
        resolves["remedy"],
        "Add the NS record to the zone. The app may keep the old answer for up to 30s (its DNS cache time): test again after that."
    );
    // The server answered (NODATA): no firewall step and no VM cross-check for it (manual
    // steps only where they can help).
    assert_eq!(check("host.firewall")["status"], "skip");
    assert_eq!(check("vm.cross-check")["status"], "skip");
    // A server that does not answer over TCP: both steps, speaking of TCP and its port.
    let dead = DeadDnsServer::start();
    let dead_server = dead.addr().to_string();
    let port = dead.addr().port();
    let failed = Run::of(command("nameresolver").args([
        "--json",
        "--tcp",
        "--timeout",
        "300ms",
        "--attempts",
        "1",
        "app.contoso.internal",
        &dead_server,
    ]))
    .json();
    let check = |id: &str| super::checklist::check(&failed, id).clone();
    let firewall = check("host.firewall");
    assert!(
        firewall["remedy"]
            .as_str()
            .unwrap()
            .contains(&format!("allow TCP {port}")),
        "{}",
        firewall["remedy"]
    );
    let cross = check("vm.cross-check");
    assert!(
        cross["remedy"].as_str().unwrap().contains(&format!(
            "nslookup -vc -port={port} app.contoso.internal 127.0.0.1"
        )),
        "{}",
        cross["remedy"]
    );
    let text = Run::of(command("nameresolver").args([
        "--tcp",
        "-t",
        "NS",
        "app.contoso.internal",
        &server,
    ]));
    assert!(
        text.stdout.contains(&format!(
            "Checklist for app.contoso.internal (DNS server {server} over TCP) - no network snapshot"
        )),
        "{}",
        text.stdout
    );
}

/// `--all` with one dead server: it disagrees with nobody (it is a failure of its own),
/// and the checklist reads what the servers did (the name resolved, one did not answer).
#[test]
fn all_with_a_dead_server_reports_it_as_dead_not_as_disagreeing() {
    let dns = DnsServer::contoso();
    let dead = DeadDnsServer::start();
    let run = run(nameresolver()
        .env(
            "WEBSITE_DNS_SERVER",
            format!("{},{}", dns.addr(), dead.addr()),
        )
        .args([
            "--json",
            "--all",
            "--timeout",
            "300ms",
            "db.contoso.internal",
        ]));
    assert_eq!(run.code, 1, "{}", run.stdout);
    let report = json(&run);
    let summary = report["verdict"]["summary"].as_str().unwrap();
    assert!(!summary.contains("disagree"), "{summary}");
    let check = |id: &str| super::checklist::check(&report, id).clone();
    assert_eq!(check("dns.resolves")["status"], "pass");
    assert!(
        check("dns.resolves")["evidence"]
            .as_str()
            .unwrap()
            .starts_with(&format!("{} answered", dns.addr())),
        "{}",
        check("dns.resolves")["evidence"]
    );
    assert_eq!(check("dns.reachable")["status"], "fail");
    assert!(
        check("dns.reachable")["evidence"]
            .as_str()
            .unwrap()
            .contains(&dead.addr().to_string())
    );
}

/// A port on which nothing listens: refused at once (ICMP port unreachable, or a TCP
/// reset), as dig reports it, never a 3 s timeout blamed on NSGs.
#[test]
fn a_closed_dns_port_is_refused_at_once() {
    let closed = {
        let socket = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        socket.local_addr().unwrap()
    };
    for (transport, name) in [(None, "UDP"), (Some("--tcp"), "TCP")] {
        let mut command = nameresolver();
        command.args(["--json", "db.contoso.internal", &closed.to_string()]);
        if let Some(flag) = transport {
            command.arg(flag);
        }
        let run = run(&mut command);
        assert_eq!(run.code, 1);
        assert!(
            run.elapsed < Duration::from_secs(1),
            "{name}: {:?}",
            run.elapsed
        );
        let report = json(&run);
        let attempt = &report["dns"]["attempts"][0];
        assert_eq!(attempt["outcome"], "refused", "{name}: {attempt}");
        assert_eq!(attempt["rcode"], Value::Null, "{name}");
        assert!(
            attempt["message"]
                .as_str()
                .unwrap()
                .starts_with(&format!("nothing listens on {name} {}", closed.port())),
            "{name}: {attempt}"
        );
        let reachable = report["checklist"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == "dns.reachable")
            .unwrap()
            .clone();
        assert_eq!(reachable["status"], "fail", "{name}");
    }
}

/// `localhost` and the reverse name of 127.0.0.1 are asked of the server like any other
/// name: what the output shows came from the server named with it (compare dig @server).
#[test]
fn no_answer_is_made_up_locally() {
    let dns = DnsServer::contoso();
    for name in ["localhost", "127.0.0.1"] {
        let run = run(nameresolver().args(["--json", name, &dns.addr().to_string()]));
        let report = json(&run);
        assert_eq!(
            report["dns"]["answer"],
            Value::Null,
            "{name}: {}",
            run.stdout
        );
        let attempt = &report["dns"]["attempts"][0];
        assert_ne!(attempt["outcome"], "answered", "{name}: {attempt}");
        // The server said so: its response code is in the report.
        assert!(attempt["rcode"].is_string(), "{name}: {attempt}");
    }
}

/// Ctrl-C while a DNS server is waited for ends the lookup at once with what was seen: the
/// attempt cut short is `interrupted` (no failure), the verdict says so, the JSON report is
/// complete, and the exit code is 130 (SPEC: Ctrl-C at any moment, both tools).
#[cfg(unix)]
#[test]
fn ctrl_c_while_a_server_is_waited_for_ends_with_the_report() {
    let dead = DeadDnsServer::start();
    let server = dead.addr().to_string();
    let args = ["--timeout", "20s", "db.contoso.internal", server.as_str()];
    let (code, stdout) =
        netdiag_tests::interrupted_after("nameresolver", &args, &[], Duration::from_millis(700));
    assert_eq!(code, 130, "{stdout}");
    let lines = netdiag_tests::logical_lines(&stdout);
    assert!(
        lines[0].starts_with(&format!("Server {server}: interrupted after 0."))
            && lines[0].ends_with("s, no answer"),
        "{stdout}"
    );
    assert!(
        lines.iter().any(|l| l.starts_with(&format!(
            "Result: Interrupted while waiting for {server}: no answer for db.contoso.internal so far"
        ))),
        "{stdout}"
    );

    let json_args = [
        "--json",
        "--timeout",
        "20s",
        "db.contoso.internal",
        server.as_str(),
    ];
    let (code, stdout) = netdiag_tests::interrupted_after(
        "nameresolver",
        &json_args,
        &[],
        Duration::from_millis(700),
    );
    assert_eq!(code, 130, "{stdout}");
    let report: Value = serde_json::from_str(&stdout).unwrap();
    assert!(netdiag_tests::report_schema().is_valid(&report), "{report}");
    let attempt = &report["dns"]["attempts"][0];
    assert_eq!(attempt["outcome"], "interrupted");
    assert!(
        attempt["elapsed_ms"].as_f64().unwrap() >= 500.0,
        "{attempt}"
    );
    assert_eq!(report["verdict"]["status"], "pass");
    assert_eq!(report["error"], Value::Null);
}

/// `dns.configured` names every server the app asks, not only the first (issue 24,
/// point 8).
#[test]
fn dns_configured_lists_every_server() {
    let dns = DnsServer::contoso();
    let dead = DeadDnsServer::start();
    let run = Run::of(
        command("nameresolver")
            // Inside the app: its own settings name the servers.
            .env("WEBSITE_SITE_NAME", "fabrikam-api")
            .env("WEBSITE_DNS_SERVER", dns.addr().to_string())
            .env("WEBSITE_DNS_ALT_SERVER", dead.addr().to_string())
            .args([
                "--json",
                "--network",
                &netdiag_tests::regional_export().display().to_string(),
                "--timeout",
                "300ms",
                "db.contoso.internal",
            ]),
    );
    let report = run.json();
    let configured = super::checklist::check(&report, "dns.configured");
    let evidence = configured["evidence"].as_str().unwrap();
    assert!(evidence.contains(&dns.addr().to_string()), "{evidence}");
    assert!(evidence.contains(&dead.addr().to_string()), "{evidence}");
}

/// `--all` with a dead server first and two live ones that disagree (issue 24, point 8):
/// the verdict's cause is the check its summary starts with, and `dns.resolves` quotes the
/// answer the app would use (the first server in list order that answered).
#[test]
fn all_with_disagreeing_servers_reads_consistently() {
    let dns = DnsServer::contoso();
    let stale = DnsServer::start(&[CONTOSO_ZONE_STALE]);
    let dead = DeadDnsServer::start();
    let servers = format!("{},{},{}", dead.addr(), dns.addr(), stale.addr());
    let json_run = run(nameresolver().env("WEBSITE_DNS_SERVER", &servers).args([
        "--json",
        "--all",
        "--timeout",
        "300ms",
        "db.contoso.internal",
    ]));
    assert_eq!(json_run.code, 1, "{}", json_run.stdout);
    let report = json(&json_run);
    let summary = report["verdict"]["summary"].as_str().unwrap();
    assert_eq!(report["verdict"]["cause"], "dns.reachable");
    assert!(
        summary.starts_with(&format!("{} (timeout) did not answer", dead.addr())),
        "{summary}"
    );
    assert!(summary.contains("disagree"), "{summary}");
    let resolves = super::checklist::check(&report, "dns.resolves");
    assert_eq!(
        resolves["evidence"],
        format!("{} answered 10.1.2.4", dns.addr()),
        "{resolves}"
    );
    // The header names every server asked, not the dead one as "the DNS server".
    let text = run(nameresolver().env("WEBSITE_DNS_SERVER", &servers).args([
        "--all",
        "--timeout",
        "300ms",
        "db.contoso.internal",
    ]));
    let header = netdiag_tests::logical_lines(&text.stdout)
        .into_iter()
        .find(|l| l.starts_with("Checklist for "))
        .unwrap();
    assert_eq!(
        header,
        format!(
            "Checklist for db.contoso.internal (DNS servers {}, {}, {}; the path checked is the one to {}) - no network snapshot",
            dead.addr(),
            dns.addr(),
            stale.addr(),
            dead.addr()
        )
    );
}
