//! Golden tests: the text both tools print is a contract (Kudu's lines, nameresolver's
//! answer block, the checklist of the example export). Each run's stdout and exit code are
//! compared with a checked-in snapshot (`tests/snapshots/`), so any change to a line is
//! deliberate: review it with `cargo insta review`, or `INSTA_UPDATE=always cargo test`.
//!
//! What varies from run to run is masked before the comparison: the ports the OS picked
//! for the loopback servers, and measured times.

use netdiag_tests::{BlackholePort, DeadDnsServer, DnsServer, OpenPort, Run, closed_port, command};

/// Stdout and the exit code, as one snapshot.
fn transcript(run: &Run) -> String {
    format!("exit {}\n{}", run.code, run.stdout)
}

/// Masks loopback addresses, the ports the OS picked (also where a line names the port
/// alone, `port 41291`) and measured times.
macro_rules! assert_golden {
    ($name:expr, $run:expr) => {
        assert_golden!($name, $run, &[])
    };
    ($name:expr, $run:expr, $ports:expr) => {{
        let mut filters: Vec<(String, String)> = vec![
            (r"127\.0\.0\.1:\d+".into(), "127.0.0.1:PORT".into()),
            (r"\[::1\]:\d+".into(), "[::1]:PORT".into()),
            (r"\b\d+\.\d{2}ms\b".into(), "T.TTms".into()),
        ];
        let ports: &[std::net::SocketAddr] = $ports;
        for address in ports {
            filters.push((format!(r"\b{}\b", address.port()), "PORT".into()));
        }
        let mut settings = insta::Settings::clone_current();
        settings.set_prepend_module_to_snapshot(false);
        for (pattern, replacement) in &filters {
            settings.add_filter(pattern, replacement.as_str());
        }
        settings.bind(|| insta::assert_snapshot!($name, transcript(&$run)));
    }};
}

/// The example export as a user types it, from the repository's root.
fn in_repository(tool: &str) -> assert_cmd::Command {
    let mut command = command(tool);
    command.current_dir(netdiag_tests::example_export().join("../.."));
    command
}

#[test]
fn tcpping_kudu_lines_connected() {
    let open = OpenPort::start();
    let run = Run::of(command("tcpping").args(["-n", "2", "-i", "0", &open.addr().to_string()]));
    assert_golden!("tcpping_connected", run);
}

#[test]
fn tcpping_kudu_lines_refused() {
    let closed = closed_port();
    let run = Run::of(command("tcpping").args(["-n", "2", "-i", "0", &closed.to_string()]));
    assert_golden!("tcpping_refused", run, &[closed]);
}

#[test]
fn tcpping_kudu_lines_timeout() {
    let blackhole = BlackholePort::start();
    let run =
        Run::of(command("tcpping").args(["-n", "1", "-w", "300ms", &blackhole.addr().to_string()]));
    assert_golden!("tcpping_timeout", run, &[blackhole.addr()]);
}

#[test]
fn nameresolver_answer_block() {
    let dns = DnsServer::contoso();
    let run =
        Run::of(command("nameresolver").args(["www.contoso.internal", &dns.addr().to_string()]));
    assert_golden!("nameresolver_answer", run);
}

#[test]
fn nameresolver_dead_server_then_answer() {
    let dead = DeadDnsServer::start();
    let dns = DnsServer::contoso();
    let run = Run::of(
        command("nameresolver")
            .env(
                "WEBSITE_DNS_SERVER",
                format!("{},{}", dead.addr(), dns.addr()),
            )
            .args(["--timeout", "300ms", "app.contoso.internal"]),
    );
    assert_golden!(
        "nameresolver_dead_then_answer",
        run,
        &[dead.addr(), dns.addr()]
    );
}

#[test]
fn nameresolver_nxdomain() {
    let dns = DnsServer::contoso();
    let run =
        Run::of(command("nameresolver").args(["nope.contoso.internal", &dns.addr().to_string()]));
    assert_golden!("nameresolver_nxdomain", run, &[dns.addr()]);
}

#[test]
fn checklist_of_the_example_export_tcpping() {
    let run = Run::of(in_repository("tcpping").args([
        "--network",
        "examples/contoso-export",
        "--no-probe",
        "10.10.2.4:1433",
    ]));
    assert_golden!("checklist_example_tcpping", run);
}

#[test]
fn checklist_of_the_example_export_nameresolver() {
    let run = Run::of(in_repository("nameresolver").args([
        "--network",
        "examples/contoso-export",
        "--no-probe",
        "db.contoso.internal",
    ]));
    assert_golden!("checklist_example_nameresolver", run);
}

#[test]
fn checklist_after_a_failed_probe_without_a_snapshot() {
    let closed = closed_port();
    let run = Run::of(command("tcpping").args(["-n", "1", &closed.to_string()]));
    assert_golden!("checklist_refused_no_snapshot", run, &[closed]);
}

#[test]
fn nameresolver_answer_then_checklist() {
    // The example's VNET DNS server is replaced by the test's, on loopback: the lookup
    // answers, then the checklist (a snapshot always brings it) stands apart.
    let dns = DnsServer::contoso();
    let dir = std::env::temp_dir().join(format!("netdiag-golden-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("vnet.json"),
        serde_json::json!({
            "id": "/subscriptions/s/resourceGroups/r/providers/Microsoft.Network/virtualNetworks/vnet-test",
            "name": "vnet-test", "type": "Microsoft.Network/virtualNetworks",
            "properties": {"addressSpace": {"addressPrefixes": ["10.10.0.0/16"]},
                           "dhcpOptions": {"dnsServers": [dns.addr().to_string()]}}
        })
        .to_string(),
    )
    .unwrap();
    let run = Run::of(command("nameresolver").args([
        "--network",
        &dir.display().to_string(),
        "app.contoso.internal",
    ]));
    std::fs::remove_dir_all(&dir).unwrap();
    let dir_text = dir.display().to_string();
    let masked = Run {
        stdout: run.stdout.replace(&dir_text, "DIR"),
        ..run
    };
    assert_golden!("nameresolver_answer_then_checklist", masked, &[dns.addr()]);
}

/// The regional example as a customer's console shows it, at 80 and at 100 columns: the
/// verdict, the path drawn with its failing hop, then the checks, every line wrapped
/// under its own text (issue 23).
#[test]
fn regional_example_at_80_and_100_columns() {
    for columns in ["80", "100"] {
        let run = Run::of(in_repository("tcpping").env("COLUMNS", columns).args([
            "--network",
            "examples/regional-export",
            "--no-probe",
            "sql-fabrikam.database.windows.net:1433",
        ]));
        assert_golden!(format!("checklist_regional_{columns}_columns"), run);
    }
}

/// The path of the hub-and-spoke and the Functions examples: the failing hop is the
/// return path through the hub's firewall, and the content share's storage account.
#[test]
fn paths_of_the_hub_spoke_and_functions_examples() {
    for (name, export, target) in [
        (
            "path_hub_spoke",
            "examples/hub-spoke-export",
            "10.30.2.4:1433",
        ),
        (
            "path_functions",
            "examples/functions-export",
            "stordersfunc.file.core.windows.net:445",
        ),
    ] {
        let run =
            Run::of(in_repository("tcpping").args(["--network", export, "--no-probe", target]));
        let path: String = run
            .stdout
            .split("\n\n")
            .find(|block| block.starts_with("Path from "))
            .unwrap_or_else(|| panic!("no path in:\n{}", run.stdout))
            .to_owned();
        insta::assert_snapshot!(name, path);
    }
}

/// `nameresolver` draws the app, the way to its DNS server and the answer.
#[test]
fn path_of_nameresolver_on_the_regional_example() {
    let run = Run::of(in_repository("nameresolver").args([
        "--network",
        "examples/regional-export",
        "--no-probe",
        "sql-fabrikam.database.windows.net",
    ]));
    let path = run
        .stdout
        .split("\n\n")
        .find(|block| block.starts_with("Path from "))
        .unwrap_or_else(|| panic!("no path in:\n{}", run.stdout))
        .to_owned();
    insta::assert_snapshot!("path_nameresolver_regional", path);
}
