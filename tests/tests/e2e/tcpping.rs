//! End-to-end: the built `tcpping` binary against ports this test opens on loopback, and
//! names served by a DNS server it starts there. The environment is cleared for every run;
//! runs that resolve a name set `WEBSITE_DNS_SERVER` to the test's own server.

use std::process::{Command as StdCommand, Stdio};
use std::time::{Duration, Instant};

use assert_cmd::Command;
use netdiag_tests::{BlackholePort, DnsServer, OpenPort, Run, binary, closed_port, command};
use serde_json::Value;

const SLACK: Duration = Duration::from_millis(400);

fn tcpping() -> Command {
    command("tcpping")
}

fn run(command: &mut Command) -> Run {
    Run::of(command)
}

fn json(run: &Run) -> Value {
    run.json()
}

#[test]
fn open_port_connects_every_time() {
    let open = OpenPort::start();
    let target = open.addr().to_string();
    let run = run(tcpping().args(["-n", "3", "-i", "0", &target]));
    assert_eq!(run.code, 0, "{}", run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 5, "{}", run.stdout);
    for line in &lines[..3] {
        assert!(
            line.starts_with(&format!("Connected to {target}, time taken: "))
                && line.ends_with("ms"),
            "{line}"
        );
    }
    assert!(
        lines[3].starts_with("Complete: 3/3 successful attempts (100%). Average success time: ")
    );
    // The spread after Kudu's line, as the contract writes it.
    let spread = lines[4]
        .strip_prefix("Connect times: min ")
        .unwrap_or_else(|| panic!("{}", lines[4]));
    let words: Vec<&str> = spread.split(", ").collect();
    assert_eq!(words.len(), 5, "{spread}");
    for (word, name) in words[1..]
        .iter()
        .zip(["median ", "p95 ", "max ", "jitter "])
    {
        assert!(word.starts_with(name) && word.ends_with("ms"), "{spread}");
    }
    assert_eq!(run.stderr, "");
}

/// `tcp.summary` carries the spread in milliseconds, ordered min <= median <= p95 <= max,
/// and `null` for a run where nothing connected.
#[test]
fn the_report_summary_has_the_spread_of_connect_times() {
    let open = OpenPort::start();
    let connected = run(tcpping().args(["-n", "5", "-i", "0", "--json", &open.addr().to_string()]));
    assert_eq!(connected.code, 0, "{}", connected.stderr);
    let summary = &json(&connected)["tcp"]["summary"];
    let field = |name: &str| {
        summary[name]
            .as_f64()
            .unwrap_or_else(|| panic!("{name}: {summary}"))
    };
    let (min, median, p95, max) = (
        field("min_ms"),
        field("median_ms"),
        field("p95_ms"),
        field("max_ms"),
    );
    assert!(min <= median && median <= p95 && p95 <= max, "{summary}");
    assert!(
        field("jitter_ms") >= 0.0 && field("jitter_ms") <= max - min,
        "{summary}"
    );

    let closed = closed_port();
    let refused = run(tcpping().args(["-n", "1", "--json", &closed.to_string()]));
    let summary = &json(&refused)["tcp"]["summary"];
    for name in ["min_ms", "median_ms", "p95_ms", "max_ms", "jitter_ms"] {
        assert!(summary[name].is_null(), "{name}: {summary}");
    }
}

#[test]
fn closed_port_is_refused_fast() {
    let closed = closed_port();
    let run = run(tcpping().args(["-n", "2", "-i", "0", &closed.to_string()]));
    assert_eq!(run.code, 1);
    assert!(run.elapsed < Duration::from_secs(1), "{:?}", run.elapsed);
    let lines = netdiag_tests::logical_lines(&run.stdout);
    // The line names the target, so a default port 80 would be visible.
    assert_eq!(
        lines[0],
        format!(
            "Connection attempt failed: Connection refused at {closed} (the host answered, but nothing listens on that port)"
        )
    );
    assert_eq!(lines[2], "Complete: 0/2 successful attempts (0%).");
    assert!(run.stdout.contains("netstat -aon"), "{}", run.stdout);
}

#[test]
fn blackholed_port_times_out_at_the_deadline() {
    let blackhole = BlackholePort::start();
    let run = run(tcpping().args(["-w", "300ms", "-n", "1", &blackhole.addr().to_string()]));
    assert_eq!(run.code, 1);
    let deadline = Duration::from_millis(300);
    assert!(
        run.elapsed >= deadline && run.elapsed < deadline + SLACK,
        "{:?}",
        run.elapsed
    );
    assert!(
        run.stdout.starts_with(&format!(
            "Connection attempt failed: Connection timed out after 300ms at {} (",
            blackhole.addr()
        )),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("NSG"));
}

#[test]
fn names_resolve_with_the_app_dns_server() {
    let dns = DnsServer::contoso();
    let open = OpenPort::start();
    let port = open.addr().port().to_string();
    let run = run(tcpping()
        .env("WEBSITE_DNS_SERVER", dns.addr().to_string())
        .args(["-n", "1", "--json", "loop.contoso.internal", &port]));
    assert_eq!(run.code, 0, "{}", run.stdout);
    let report = json(&run);
    assert_eq!(report["tool"], "tcpping");
    assert_eq!(report["target"]["host"], "loop.contoso.internal");
    assert_eq!(report["dns"]["servers"][0]["source"], "WEBSITE_DNS_SERVER");
    assert_eq!(report["dns"]["attempts"][0]["outcome"], "answered");
    assert_eq!(
        report["tcp"]["attempts"][0]["address"],
        open.addr().to_string()
    );
    assert_eq!(report["tcp"]["attempts"][0]["outcome"], "connected");

    let text = self::run(
        tcpping()
            .env("WEBSITE_DNS_SERVER", dns.addr().to_string())
            .args(["-n", "1", &format!("loop.contoso.internal:{port}")]),
    );
    assert!(
        text.stdout.starts_with(&format!(
            "Connected to loop.contoso.internal:{port} (127.0.0.1), time taken: "
        )),
        "{}",
        text.stdout
    );
}

#[test]
fn a_name_that_does_not_resolve_is_classified_dns() {
    let dns = DnsServer::contoso();
    let run = run(tcpping()
        .env("WEBSITE_DNS_SERVER", dns.addr().to_string())
        .args(["nosuch.contoso.internal:1433"]));
    assert_eq!(run.code, 1);
    assert!(
        run.stdout
            .starts_with("Connection attempt failed: nosuch.contoso.internal did not resolve: "),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("NXDOMAIN"));
    assert!(run.stdout.contains("nameresolver nosuch.contoso.internal"));
}

#[test]
fn defaults_are_in_the_report() {
    // The name does not resolve, so nothing is sent to port 80.
    let dns = DnsServer::contoso();
    let run = run(tcpping()
        .env("WEBSITE_DNS_SERVER", dns.addr().to_string())
        .args(["--json", "nosuch.contoso.internal"]));
    assert_eq!(run.code, 1);
    let report = json(&run);
    assert_eq!(report["target"]["port"], 80);
    assert_eq!(report["tcp"]["timeout_ms"], 21000.0);
    assert_eq!(report["tcp"]["count"], 4);
    assert_eq!(report["tcp"]["interval_ms"], 1000.0);
    assert_eq!(report["tcp"]["attempts"][0]["outcome"], "dns");
    assert_eq!(report["dns"]["attempts"][0]["outcome"], "nxdomain");
    assert!(report["error"].is_null(), "{}", report["error"]);
}

#[test]
fn ipv6_loopback_and_bracket_forms() {
    let Some(open) = OpenPort::start_v6() else {
        eprintln!("no ::1 on this machine; skipped");
        return;
    };
    let port = open.addr().port().to_string();
    for args in [
        vec![format!("[::1]:{port}")],
        vec!["::1".to_owned(), port.clone()],
        vec!["[::1]".to_owned(), port.clone()],
        vec!["-6".to_owned(), format!("[::1]:{port}")],
    ] {
        let run = run(tcpping().args(["-n", "1"]).args(&args));
        assert_eq!(run.code, 0, "{args:?}: {}{}", run.stdout, run.stderr);
        assert!(
            run.stdout
                .starts_with(&format!("Connected to [::1]:{port}, time taken: ")),
            "{args:?}: {}",
            run.stdout
        );
    }
}

#[test]
fn host_and_port_forms_agree() {
    let open = OpenPort::start();
    let port = open.addr().port().to_string();
    for args in [
        vec![format!("127.0.0.1:{port}")],
        vec!["127.0.0.1".to_owned(), port.clone()],
        vec![format!("127.0.0.1:{port}"), port.clone()],
        vec!["-4".to_owned(), format!("127.0.0.1:{port}")],
    ] {
        let run = run(tcpping().args(["-n", "1", "--json"]).args(&args));
        assert_eq!(run.code, 0, "{args:?}: {}", run.stderr);
        let report = json(&run);
        assert_eq!(
            report["target"]["port"].as_u64().unwrap().to_string(),
            port,
            "{args:?}"
        );
        assert_eq!(report["tcp"]["summary"]["connected"], 1);
    }
}

#[test]
fn contradictions_and_bad_values_exit_2() {
    let cases: [(&[&str], &str); 16] = [
        (&["-n", "-1", "127.0.0.1:80"], "not a whole number"),
        (&["-w", "-3s", "127.0.0.1:80"], "not a duration"),
        (&["127.0.0.1:80", "81"], "two different ports"),
        (&["-n", "0", "127.0.0.1:80"], "give at least 1"),
        (&["-w", "0s", "127.0.0.1:80"], "is not a timeout"),
        (&["-w", "soon", "127.0.0.1:80"], "not a duration"),
        (&["-i", "-1s", "127.0.0.1:80"], "not a duration"),
        (&["-t", "-n", "3", "127.0.0.1:80"], "cannot be used with"),
        (&["-s", "0", "127.0.0.1:80"], "give at least 1"),
        (&["-4", "-6", "127.0.0.1:80"], "cannot be used with"),
        (&["-4", "[::1]:80"], "not an IPv4 address"),
        (&["127.0.0.1:99999"], "port '99999'"),
        (&["[::1:80"], "never closed"),
        (&["1.2.3.4.5:80"], "neither an IP address nor a host name"),
        // ::1 port 1433, or the address ::1:1433? Ask, and show both spellings.
        (
            &["::1:1433"],
            "ambiguous: the IPv6 address ::1:1433, or ::1 port 1433? Write [::1]:1433 for the port",
        ),
        // A bad duration says which forms work.
        (
            &["-w", "soon", "127.0.0.1:80"],
            "write it like 3s, 500ms, 1m or a number of seconds (2, 0.5)",
        ),
    ];
    for (args, expected) in cases {
        for with_json in [false, true] {
            let mut command = tcpping();
            if with_json {
                command.arg("--json");
            }
            let run = run(command.args(args));
            assert_eq!(run.code, 2, "{args:?}: {}{}", run.stdout, run.stderr);
            let lines: Vec<&str> = run.stderr.lines().collect();
            assert_eq!(lines.len(), 1, "{args:?}: {}", run.stderr);
            assert!(
                lines[0].starts_with("error: ") && lines[0].contains(expected),
                "{args:?}: {}",
                lines[0]
            );
            if with_json {
                assert_eq!(json(&run)["error"]["kind"], "usage");
            } else {
                assert_eq!(run.stdout, "");
            }
        }
    }
}

/// Starts a continuous run, interrupts it with SIGINT after some attempts, and returns
/// what it printed and its exit code.
#[cfg(unix)]
fn interrupted_run(extra: &[&str]) -> (i32, String) {
    let open = OpenPort::start();
    interrupted_run_to(&open.addr().to_string(), extra)
}

#[cfg(unix)]
fn interrupted_run_to(target: &str, extra: &[&str]) -> (i32, String) {
    let child = StdCommand::new(binary("tcpping"))
        .env_clear()
        .args(["-t", "-i", "100ms"])
        .args(extra)
        .arg(target)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(700));
    let status = StdCommand::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let started = Instant::now();
    let output = child.wait_with_output().unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "did not stop at once"
    );
    (
        output.status.code().unwrap(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
    )
}

#[cfg(unix)]
#[test]
fn ctrl_c_prints_the_summary() {
    // Ctrl-C ends with the summary; nothing had failed, so the exit code says "interrupted".
    let (code, stdout) = interrupted_run(&[]);
    assert_eq!(code, 130, "{stdout}");
    assert!(stdout.contains("Interrupted.\nComplete: "), "{stdout}");
    let connected = stdout
        .lines()
        .filter(|l| l.starts_with("Connected to "))
        .count();
    assert!(connected >= 2, "{stdout}");
    // SIGINT may land while an attempt is under way (a busy machine): that attempt is
    // counted as not successful and said "interrupted after ..."; no other may be missing.
    let all = format!("Complete: {connected}/{connected} successful attempts (100%)");
    let one_cut = format!(
        "Complete: {connected}/{} successful attempts",
        connected + 1
    );
    assert!(
        stdout.contains(&all)
            || (stdout.contains(&one_cut) && stdout.contains("interrupted after")),
        "{stdout}"
    );

    let (code, stdout) = interrupted_run(&["--json"]);
    assert_eq!(code, 130);
    let report: Value = serde_json::from_str(&stdout).unwrap();
    assert!(netdiag_tests::report_schema().is_valid(&report));
    assert_eq!(report["tcp"]["summary"]["interrupted"], true);
    assert_eq!(report["tcp"]["count"], Value::Null);
    assert!(report["tcp"]["attempts"].as_array().unwrap().len() >= 2);
}

#[cfg(target_os = "linux")]
#[test]
fn two_thousand_attempts_keep_the_open_file_count_flat() {
    let open = OpenPort::start();
    let mut child = StdCommand::new(binary("tcpping"))
        .env_clear()
        .args(["-n", "2000", "-i", "0", "--json", &open.addr().to_string()])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Read the report while sampling: a full pipe would stall the child.
    let mut stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut text = Vec::new();
        std::io::Read::read_to_end(&mut stdout, &mut text).unwrap();
        text
    });
    let fd_dir = format!("/proc/{}/fd", child.id());
    let exe = format!("/proc/{}/exe", child.id());
    let tool = std::fs::canonicalize(binary("tcpping")).unwrap();
    let mut samples = Vec::new();
    while child.try_wait().unwrap().is_none() {
        // Between fork and exec the child is still a copy of this test process, holding
        // its descriptors: sample only once it runs the tool.
        let running_the_tool = std::fs::read_link(&exe).is_ok_and(|path| path == tool);
        if running_the_tool && let Ok(entries) = std::fs::read_dir(&fd_dir) {
            samples.push(entries.count());
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    let report: Value = serde_json::from_slice(&reader.join().unwrap()).unwrap();
    assert!(netdiag_tests::report_schema().is_valid(&report));
    assert_eq!(report["tcp"]["summary"]["connected"], 2000);
    assert!(
        !samples.is_empty(),
        "the run ended before it could be sampled"
    );
    // stdio, the runtime's epoll and wake-up descriptors, and one probe socket at a time.
    let most = samples.iter().copied().max().unwrap_or(0);
    assert!(most <= 12, "open descriptors peaked at {most}: {samples:?}");
}

/// `-w 2` and `-i 0.5` are seconds, as tcping and psping users type them.
#[test]
fn bare_numbers_are_seconds() {
    let open = OpenPort::start();
    let started = Instant::now();
    let run = run(tcpping().args([
        "--json",
        "-n",
        "3",
        "-i",
        "0.2",
        "-w",
        "2",
        &open.addr().to_string(),
    ]));
    assert_eq!(run.code, 0, "{}", run.stderr);
    let report = json(&run);
    assert_eq!(report["tcp"]["timeout_ms"], 2000.0);
    assert_eq!(report["tcp"]["interval_ms"], 200.0);
    // Two pauses of 0.2 s between three attempts.
    assert!(
        started.elapsed() >= Duration::from_millis(400),
        "{:?}",
        started.elapsed()
    );
}

/// `tcpping ... | head -1`: the reader goes away after the first line. The run ends there,
/// quietly (no panic, no message), with the exit status it had so far.
#[test]
fn a_closed_pipe_ends_the_run_quietly() {
    let open = OpenPort::start();
    for extra in [&["-n", "3"][..], &["-t"][..]] {
        let mut child = StdCommand::new(binary("tcpping"))
            .env_clear()
            .args(extra)
            .args(["-i", "0.2", &open.addr().to_string()])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
        let mut first = String::new();
        std::io::BufRead::read_line(&mut stdout, &mut first).unwrap();
        assert!(first.starts_with("Connected to "), "{first}");
        drop(stdout);
        let started = Instant::now();
        let status = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break status;
            }
            assert!(
                started.elapsed() < Duration::from_secs(5),
                "{extra:?}: still running after its reader went away"
            );
            std::thread::sleep(Duration::from_millis(20));
        };
        let mut stderr = String::new();
        std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
        assert_eq!(status.code(), Some(0), "{extra:?}: {stderr}");
        assert_eq!(stderr, "", "{extra:?}");
    }
}

/// Ctrl-C while the first attempt still waits: that attempt is shown with how long it
/// waited and counted as not successful (`0/1`), but it is no failure: the verdict is no
/// warning or failure, and the exit code is 130 (SPEC: tcpping, interrupting a run).
#[cfg(unix)]
#[test]
fn ctrl_c_during_a_silent_first_attempt_counts_it() {
    let blackhole = BlackholePort::start();
    let target = blackhole.addr().to_string();
    let (code, stdout) = interrupted_run_to(&target, &["-w", "20s"]);
    assert_eq!(code, 130, "{stdout}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(
        lines[0].starts_with("Connection attempt failed: interrupted after 0.")
            && lines[0].ends_with(&format!("s, no answer at {target}")),
        "{stdout}"
    );
    assert!(
        stdout.contains("Interrupted.\nComplete: 0/1 successful attempts (0%)."),
        "{stdout}"
    );
    assert!(!stdout.contains("0/0"), "{stdout}");
    let result = netdiag_tests::logical_lines(&stdout)
        .into_iter()
        .find(|l| l.starts_with("Result: "))
        .unwrap_or_default();
    assert_eq!(
        result,
        format!(
            "Result: Interrupted before any attempt to {target} ended: no answer so far; nothing to judge yet."
        ),
        "{stdout}"
    );
    assert!(!stdout.contains("Likely cause"), "{stdout}");

    let (code, stdout) = interrupted_run_to(&target, &["-w", "20s", "--json"]);
    assert_eq!(code, 130);
    let report: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(report["tcp"]["summary"]["attempts"], 1);
    assert_eq!(report["tcp"]["summary"]["interrupted"], true);
    let attempt = &report["tcp"]["attempts"][0];
    assert_eq!(attempt["outcome"], "interrupted");
    assert_eq!(report["verdict"]["status"], "pass");
    assert_eq!(report["error"], Value::Null);
    assert!(
        attempt["elapsed_ms"].as_f64().unwrap() >= 500.0,
        "{attempt}"
    );
}

/// One rule for both tools: a first DNS server that does not answer is a warning in
/// tcpping too, even when the connection then opens (nameresolver says the same).
#[test]
fn a_dead_first_dns_server_is_a_warning_even_when_the_connection_opens() {
    let dead = netdiag_tests::DeadDnsServer::start();
    let dns = DnsServer::contoso();
    let open = OpenPort::start();
    let run = run(tcpping()
        .env(
            "WEBSITE_DNS_SERVER",
            format!("{},{}", dead.addr(), dns.addr()),
        )
        .env("WEBSITE_DNS_TIMEOUT", "1")
        .args([
            "--json",
            "-n",
            "1",
            &format!("loop.contoso.internal:{}", open.addr().port()),
        ]));
    assert_eq!(run.code, 0, "{}", run.stderr);
    let report = json(&run);
    assert_eq!(report["verdict"]["status"], "warn");
    let summary = report["verdict"]["summary"].as_str().unwrap();
    assert!(
        summary.contains(&format!("{} did not answer", dead.addr())),
        "{summary}"
    );
}

/// A name with an IPv4 and an IPv6 address where only the IPv6 one listens: each attempt
/// tries the addresses in the resolver's order until one connects, as the app's own
/// connect does, and its one line names the address it reached and those it failed on.
#[test]
fn every_address_of_a_name_is_tried_in_order() {
    let Some(v6) = OpenPort::start_v6() else {
        eprintln!("no IPv6 loopback here: skipped");
        return;
    };
    let zone = "$ORIGIN dual.test.\n$TTL 300\n@ IN SOA ns hostmaster 1 3600 600 86400 60\n@ IN NS ns\nns IN A 127.0.0.53\nsvc IN A 127.0.0.9\nsvc IN AAAA ::1\n";
    let dns = DnsServer::start(&[zone]);
    let port = v6.addr().port();
    let target = format!("svc.dual.test:{port}");
    let text = run(tcpping()
        .env("WEBSITE_DNS_SERVER", dns.addr().to_string())
        .args(["-n", "2", "-i", "0", &target]));
    assert_eq!(text.code, 0, "{}", text.stdout);
    let lines = netdiag_tests::logical_lines(&text.stdout);
    // One line per attempt, as Kudu prints them: the connect, and what failed before it
    // (issue 24, point 10).
    for line in &lines[..2] {
        assert!(
            line.starts_with(&format!("Connected to {target} (::1), time taken: "))
                && line.ends_with("ms (after 127.0.0.9 refused)"),
            "{}",
            text.stdout
        );
    }
    assert!(
        text.stdout
            .contains("Complete: 2/2 successful attempts (100%)"),
        "{}",
        text.stdout
    );

    let report = json(&run(tcpping()
        .env("WEBSITE_DNS_SERVER", dns.addr().to_string())
        .args(["--json", "-n", "1", &target])));
    let attempts = report["tcp"]["attempts"].as_array().unwrap();
    assert_eq!(attempts.len(), 2, "{attempts:?}");
    assert_eq!(attempts[0]["address"], format!("127.0.0.9:{port}"));
    assert_eq!(attempts[0]["outcome"], "refused");
    assert_eq!(attempts[1]["address"], format!("[::1]:{port}"));
    assert_eq!(attempts[1]["outcome"], "connected");
    assert_eq!(report["tcp"]["summary"]["attempts"], 1);
    assert_eq!(report["tcp"]["summary"]["connected"], 1);

    // -4 keeps the IPv4 address alone: refused.
    let v4_only = run(tcpping()
        .env("WEBSITE_DNS_SERVER", dns.addr().to_string())
        .args(["-4", "-n", "1", &target]));
    assert_eq!(v4_only.code, 1, "{}", v4_only.stdout);
}

/// A name that does not resolve is one failed attempt of a continuous or timed run, which
/// goes on (the app tries again on its next request); with -n it is the one attempt.
#[test]
fn a_timed_run_goes_on_after_a_name_fails_to_resolve() {
    let dns = DnsServer::contoso();
    let run = run(tcpping()
        .env("WEBSITE_DNS_SERVER", dns.addr().to_string())
        .args([
            "--json",
            "-s",
            "1",
            "-i",
            "0.2",
            "nosuch.contoso.internal:1433",
        ]));
    assert_eq!(run.code, 1, "{}", run.stderr);
    let report = json(&run);
    let attempts = report["tcp"]["attempts"].as_array().unwrap();
    assert!(attempts.len() >= 3, "{attempts:?}");
    assert!(
        attempts.iter().all(|a| a["outcome"] == "dns"),
        "{attempts:?}"
    );
    let seqs: Vec<u64> = attempts
        .iter()
        .map(|a| a["seq"].as_u64().unwrap())
        .collect();
    assert_eq!(seqs, (1..=seqs.len() as u64).collect::<Vec<_>>());
    assert_eq!(report["tcp"]["summary"]["attempts"], attempts.len());

    let once = self::run(
        tcpping()
            .env("WEBSITE_DNS_SERVER", dns.addr().to_string())
            .args(["-n", "3", "-i", "0", "nosuch.contoso.internal:1433"]),
    );
    // -n goes on as -t does: each attempt looks the name up again (issue 24, point 14).
    assert!(
        once.stdout.contains("Complete: 0/3 successful attempts"),
        "{}",
        once.stdout
    );
    assert_eq!(
        once.stdout
            .matches("Connection attempt failed: nosuch.contoso.internal did not resolve")
            .count(),
        3,
        "{}",
        once.stdout
    );
}

/// Ctrl-C while tcpping's lookup of its target waits on a dead DNS server: no connection
/// attempt and no `dns` failure, the summary and the report, exit 130.
#[cfg(unix)]
#[test]
fn ctrl_c_while_the_name_is_looked_up_ends_with_the_report() {
    let dead = netdiag_tests::DeadDnsServer::start();
    let server = dead.addr().to_string();
    let env = [
        ("WEBSITE_DNS_SERVER", server.as_str()),
        ("WEBSITE_DNS_TIMEOUT", "20"),
    ];
    let (code, stdout) = netdiag_tests::interrupted_after(
        "tcpping",
        &["--json", "db.contoso.internal:1433"],
        &env,
        Duration::from_millis(700),
    );
    assert_eq!(code, 130, "{stdout}");
    let report: Value = serde_json::from_str(&stdout).unwrap();
    assert!(netdiag_tests::report_schema().is_valid(&report), "{report}");
    assert_eq!(report["dns"]["attempts"][0]["outcome"], "interrupted");
    assert_eq!(report["tcp"]["summary"]["interrupted"], true);
    assert_eq!(report["tcp"]["summary"]["attempts"], 0);
    assert_eq!(report["error"], Value::Null);
}

/// A support engineer reading a customer's report can tell how the run was made, where,
/// and from which source address each attempt left (issue 24, point 19).
#[test]
fn the_report_says_how_where_and_from_which_address() {
    let open = OpenPort::start();
    let target = open.addr().to_string();
    let report = json(&run(
        tcpping().args(["--json", "-n", "2", "-i", "0", &target])
    ));
    assert_eq!(
        report["invocation"],
        serde_json::json!(["--json", "-n", "2", "-i", "0", target])
    );
    assert!(
        report["machine"].as_str().is_some_and(|m| !m.is_empty()),
        "{}",
        report["machine"]
    );
    for attempt in report["tcp"]["attempts"].as_array().unwrap() {
        let at = attempt["at"].as_str().unwrap();
        assert!(
            at.len() == 24 && at.ends_with('Z') && at.as_bytes()[10] == b'T',
            "RFC 3339: {at}"
        );
        let local = attempt["local"].as_str().unwrap();
        assert!(local.starts_with("127.0.0.1:"), "{local}");
    }
    // A refused attempt made no connection: no local address.
    let closed = closed_port();
    let report = json(&run(tcpping().args([
        "--json",
        "-n",
        "1",
        &closed.to_string(),
    ])));
    assert!(report["tcp"]["attempts"][0]["local"].is_null());
    assert!(report["error"].is_null());
}

/// No port given: the first line says port 80 was taken, before anything is tried (issue
/// 24, point 15).
#[test]
fn no_port_given_is_said_first() {
    let defaulted = run(tcpping().args(["-n", "1", "-w", "300ms", "127.0.0.1"]));
    assert_eq!(
        defaulted.stdout.lines().next(),
        Some("127.0.0.1:80: port 80 (none given)"),
        "{}",
        defaulted.stdout
    );
    let open = OpenPort::start();
    let given = run(tcpping().args(["-n", "1", &open.addr().to_string()]));
    assert!(!given.stdout.contains("none given"), "{}", given.stdout);
}

/// A dual-stack name refused on both addresses: one failure line for the one attempt,
/// naming both addresses (issue 24, point 10: it was two lines for one attempt).
#[test]
fn a_dual_stack_name_refused_on_both_addresses_is_one_line() {
    if OpenPort::start_v6().is_none() {
        eprintln!("no IPv6 loopback here: skipped");
        return;
    }
    let zone = "$ORIGIN dual.test.\n$TTL 300\n@ IN SOA ns hostmaster 1 3600 600 86400 60\n@ IN NS ns\nns IN A 127.0.0.53\nsvc IN A 127.0.0.9\nsvc IN AAAA ::1\n";
    let dns = DnsServer::start(&[zone]);
    let port = closed_port().port();
    let target = format!("svc.dual.test:{port}");
    let text = run(tcpping()
        .env("WEBSITE_DNS_SERVER", dns.addr().to_string())
        .args(["-n", "1", &target]));
    assert_eq!(text.code, 1, "{}", text.stdout);
    let lines = netdiag_tests::logical_lines(&text.stdout);
    let failures: Vec<&String> = lines
        .iter()
        .filter(|l| l.starts_with("Connection attempt failed"))
        .collect();
    assert_eq!(failures.len(), 1, "{}", text.stdout);
    assert!(
        failures[0].starts_with(&format!(
            "Connection attempt failed: Connection refused at {target} (127.0.0.9, ::1) ("
        )),
        "{}",
        text.stdout
    );
    assert!(
        text.stdout.contains("Complete: 0/1 successful attempts"),
        "{}",
        text.stdout
    );
}

/// Every attempt of `-n` resolves the name again (issue 24, point 14): a DNS server that
/// fails the second lookup shows as the second attempt failing between two connects,
/// not as three connects to an address resolved once.
#[test]
fn every_attempt_of_a_count_resolves_again() {
    let open = OpenPort::start();
    let dns = netdiag_tests::FlakyDnsServer::start(std::net::Ipv4Addr::LOCALHOST, &[2]);
    let target = format!("svc.flaky.test:{}", open.addr().port());
    let text = run(tcpping()
        .env("WEBSITE_DNS_SERVER", dns.addr().to_string())
        .args(["-n", "3", "-i", "0", "--attempts", "1", &target]));
    let lines = netdiag_tests::logical_lines(&text.stdout);
    let attempts: Vec<&String> = lines
        .iter()
        .filter(|l| l.starts_with("Connected to") || l.starts_with("Connection attempt failed"))
        .collect();
    assert_eq!(attempts.len(), 3, "{}", text.stdout);
    assert!(attempts[0].starts_with("Connected to"), "{}", text.stdout);
    assert!(
        attempts[1].starts_with("Connection attempt failed"),
        "{}",
        text.stdout
    );
    assert!(attempts[2].starts_with("Connected to"), "{}", text.stdout);
    assert!(
        text.stdout
            .contains("Complete: 2/3 successful attempts (66%)"),
        "{}",
        text.stdout
    );
}
