//! End-to-end: both binaries evaluate the shipped example export with `--no-probe`. The
//! export's addresses (10.x, 172.16.x) are only evaluated, never contacted: under
//! `--no-probe` no packet is sent at all, and every run here uses it.

use netdiag_tests::{Run, command};
use serde_json::Value;

fn example() -> String {
    netdiag_tests::example_export().display().to_string()
}

/// Each check's id and status, in the report's order.
pub(crate) fn statuses(report: &Value) -> Vec<(String, String)> {
    report["checklist"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["id"].as_str().unwrap().to_owned(),
                c["status"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// The check with this id in a report's checklist.
pub(crate) fn check<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["checklist"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("no check {id}"))
}

#[test]
fn tcpping_no_probe_says_what_is_wrong_on_the_first_screen() {
    let run =
        Run::of(command("tcpping").args(["--network", &example(), "--no-probe", "10.10.2.4:1433"]));
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    let first_screen: Vec<String> = netdiag_tests::logical_lines(&run.stdout)
        .into_iter()
        .take(8)
        .collect();
    assert!(
        first_screen[0].starts_with("Checklist for 10.10.2.4:1433 - snapshot: 1 site, 1 plan"),
        "{}",
        first_screen[0]
    );
    assert!(
        first_screen
            .iter()
            .any(|l| l
                .starts_with("Ignored: Microsoft.OperationalInsights/workspaces 'log-contoso'"))
    );
    let cause = first_screen
        .iter()
        .find(|l| l.starts_with("Likely cause: "))
        .unwrap();
    assert!(
        cause.contains("nsg.p2s-to-target")
            && cause.contains("172.16.200.128/25 by nsg-data/Deny-Sql-from-anywhere-else"),
        "{cause}"
    );
    assert!(first_screen.iter().any(|l| l.starts_with(
        "  1. [nsg.p2s-to-target] Widen rule Allow-Sql-from-AppService-P2S of nsg-data to the whole P2S"
    )));
    // Not a terminal: plain ASCII marks, no escape sequences.
    assert!(run.stdout.contains("[ FAIL ] nsg.p2s-to-target"));
    assert!(run.stdout.contains("[  ok  ] certs.in-sync"));
    assert!(!run.stdout.contains('\x1b'));
    // The report's secrets stay out even of the text.
    assert!(!run.stdout.contains("not-a-real-password"));
}

#[test]
fn tcpping_no_probe_json_report() {
    let run = Run::of(command("tcpping").args([
        "--json",
        "--network",
        &example(),
        "--no-probe",
        "10.10.2.4:1433",
    ]));
    assert_eq!(run.code, 1);
    let report = run.json();
    let ids: Vec<&str> = report["checklist"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, netdiag_tests::CHECK_IDS);
    // The verdict names the check that is the likely cause.
    assert_eq!(report["verdict"]["status"], "fail");
    assert_eq!(report["verdict"]["cause"], "nsg.p2s-to-target");
    assert!(
        report["error"].is_null(),
        "a diagnosis is no error: {}",
        report["error"]
    );
    for check in report["checklist"].as_array().unwrap() {
        for field in [
            "id", "stage", "status", "title", "evidence", "remedy", "details",
        ] {
            assert!(check.get(field).is_some(), "{} lacks {field}", check["id"]);
        }
    }
    let nsg = check(&report, "nsg.p2s-to-target");
    assert_eq!(nsg["status"], "fail");
    assert_eq!(nsg["stage"], "path");
    assert_eq!(nsg["details"]["blocked"][0]["range"], "172.16.200.128/25");
    assert_eq!(nsg["details"]["blocked"][0]["nsg"], "nsg-data");
    assert_eq!(report["verdict"]["status"], "fail");
    assert!(
        report["error"].is_null(),
        "a diagnosis is no error: {}",
        report["error"]
    );
    assert_eq!(report["tcp"], Value::Null);
    assert!(!run.stdout.contains("not-a-real-password"));
    let certs = check(&report, "certs.in-sync");
    assert_eq!(
        certs["details"]["app_thumbprint"],
        "72A5486BB07FC4354519DB241981358EE7210236"
    );
    assert!(
        !run.stdout.contains("MIIB"),
        "a certificate blob leaked into the report"
    );
}

#[test]
fn nameresolver_no_probe_checks_the_path_to_the_vnet_dns_server() {
    let run = Run::of(command("nameresolver").args([
        "--json",
        "--network",
        &example(),
        "--no-probe",
        "sql01.contoso.internal",
    ]));
    assert_eq!(run.code, 0, "{}", run.stdout);
    let report = run.json();
    assert_eq!(report["dns"]["servers"][0]["address"], "10.10.0.4:53");
    assert_eq!(report["dns"]["servers"][0]["source"], "network");
    assert_eq!(report["dns"]["attempts"], serde_json::json!([]));
    let nsg = check(&report, "nsg.p2s-to-target");
    assert_eq!(nsg["details"]["target"], "10.10.0.4");
    assert_eq!(nsg["details"]["port"], 53);
    assert_eq!(report["error"], Value::Null);
}

#[test]
fn a_bad_snapshot_is_exit_2_naming_file_path_and_line() {
    let dir = std::env::temp_dir().join(format!("netdiag-e2e-snapshot-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("nsg.json");
    std::fs::write(
        &file,
        "{\"name\": \"nsg\", \"type\": \"Microsoft.Network/networkSecurityGroups\",\n \"properties\": {\"securityRules\": [\n  {\"name\": \"r\", \"properties\": {\"priority\": \"high\", \"direction\": \"Inbound\", \"access\": \"Allow\"}}]}}\n",
    )
    .unwrap();
    for tool in ["tcpping", "nameresolver"] {
        let target = if tool == "tcpping" {
            "10.10.2.4:1433"
        } else {
            "db.contoso.internal"
        };
        let run = Run::of(command(tool).args([
            "--network",
            &file.display().to_string(),
            "--no-probe",
            target,
        ]));
        assert_eq!(run.code, 2, "{tool}: {}", run.stderr);
        let lines: Vec<&str> = run.stderr.lines().collect();
        assert_eq!(lines.len(), 1, "{}", run.stderr);
        assert!(
            lines[0].starts_with("error: ")
                && lines[0].contains("nsg.json: line 3: securityRules[0].priority"),
            "{}",
            lines[0]
        );
        let json = Run::of(command(tool).args([
            "--json",
            "--network",
            &file.display().to_string(),
            "--no-probe",
            target,
        ]));
        assert_eq!(json.json()["error"]["kind"], "snapshot");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn no_probe_needs_a_snapshot() {
    let run = Run::of(command("tcpping").args(["--no-probe", "10.10.2.4:1433"]));
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.starts_with("error: ") && run.stderr.contains("--network"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_failed_probe_runs_the_checklist_without_a_snapshot() {
    let closed = netdiag_tests::closed_port();
    let run = Run::of(command("tcpping").args(["-n", "1", &closed.to_string()]));
    assert_eq!(run.code, 1);
    assert!(
        run.stdout
            .contains(&format!("Checklist for {closed} - no network snapshot")),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("[ FAIL ] tcp.connect"));
    assert!(run.stdout.contains("[manual] host.listening"));
    assert!(
        run.stdout
            .contains("more checks (app, plan, gateway, routes, NSGs) need the network snapshot")
    );
    let json = Run::of(command("tcpping").args(["--json", "-n", "1", &closed.to_string()])).json();
    let listening = check(&json, "host.listening");
    assert_eq!(listening["status"], "manual");
    // A diagnosis is a verdict, never an error (issue 24, point 20).
    assert!(json["error"].is_null(), "{}", json["error"]);
    // Only the probe check failed: it is the cause.
    assert_eq!(json["verdict"]["cause"], "tcp.connect");
}

/// The snapshot's VNET DNS servers are the app's servers when no argument or app setting
/// names one: here the VNET points at the test's own DNS server on loopback.
#[test]
fn the_snapshot_vnet_dns_servers_are_used_for_resolution() {
    let dns = netdiag_tests::DnsServer::contoso();
    let dir = std::env::temp_dir().join(format!("netdiag-e2e-vnetdns-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("vnet.json"),
        serde_json::json!({
            "id": "/subscriptions/s/resourceGroups/r/providers/Microsoft.Network/virtualNetworks/vnet-test",
            "name": "vnet-test",
            "type": "Microsoft.Network/virtualNetworks",
            "properties": {"addressSpace": {"addressPrefixes": ["10.10.0.0/16"]},
                           "dhcpOptions": {"dnsServers": [dns.addr().to_string()]}}
        })
        .to_string(),
    )
    .unwrap();
    let run = Run::of(command("nameresolver").args([
        "--json",
        "--network",
        &dir.display().to_string(),
        "db.contoso.internal",
    ]));
    assert_eq!(run.code, 0, "{}", run.stdout);
    let report = run.json();
    assert_eq!(
        report["dns"]["servers"][0]["address"],
        dns.addr().to_string()
    );
    assert_eq!(report["dns"]["servers"][0]["source"], "network");
    assert_eq!(report["dns"]["answer"]["addresses"][0], "10.1.2.4");
    // With --network the checklist always runs.
    assert_eq!(
        report["checklist"].as_array().unwrap().len(),
        netdiag_tests::CHECK_IDS.len()
    );
    // The server answered: no firewall step for it, and no "try from a VM" either
    // (manual steps only where they can help; issue 24, point 7).
    for id in ["host.firewall", "vm.cross-check"] {
        let step = check(&report, id);
        assert_eq!(step["status"], "skip", "{step}");
        assert!(
            step["evidence"].as_str().unwrap().contains("answered"),
            "{step}"
        );
    }

    // Inside an app, its app setting still wins over the snapshot (the contract's
    // precedence; the snapshot holds no site to say the app is another one).
    let dead = netdiag_tests::DeadDnsServer::start();
    let run = Run::of(
        command("nameresolver")
            .env("WEBSITE_SITE_NAME", "app-test")
            .env("WEBSITE_DNS_SERVER", dead.addr().to_string())
            .args([
                "--json",
                "--timeout",
                "200ms",
                "--network",
                &dir.display().to_string(),
                "db.contoso.internal",
            ]),
    );
    assert_eq!(
        run.json()["dns"]["servers"][0]["source"],
        "WEBSITE_DNS_SERVER"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A copy of the example export in a fresh directory, changed by `change` (file name ->
/// JSON), for the runs below.
fn changed_example(
    tag: &str,
    change: impl FnOnce(&mut Vec<(String, Value)>),
) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("netdiag-e2e-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let mut files = netdiag_tests::read_export(&netdiag_tests::example_export());
    change(&mut files);
    for (name, value) in files {
        std::fs::write(
            dir.join(name),
            serde_json::to_string_pretty(&value).unwrap(),
        )
        .unwrap();
    }
    dir
}

fn file<'a>(files: &'a mut [(String, Value)], name: &str) -> &'a mut Value {
    &mut files.iter_mut().find(|(n, _)| n == name).unwrap().1
}

#[test]
fn a_linux_app_is_told_gateway_required_integration_is_not_for_it() {
    let dir = changed_example("linux", |files| {
        file(files, "site.json")["kind"] = Value::from("app,linux");
    });
    let run = Run::of(command("tcpping").args([
        "--json",
        "--network",
        &dir.display().to_string(),
        "--no-probe",
        "10.10.2.4:1433",
    ]));
    assert_eq!(run.code, 1, "{}", run.stderr);
    let report = run.json();
    assert_eq!(report["verdict"]["cause"], "app.platform");
    assert!(
        report["verdict"]["summary"]
            .as_str()
            .unwrap()
            .contains("contoso-web is a Linux app"),
        "{}",
        report["verdict"]["summary"]
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn an_export_saved_by_windows_powershell_gives_the_same_verdict() {
    let dir = changed_example("utf16", |_| {});
    for name in ["nsg-data.json", "gateway.json"] {
        let text = std::fs::read_to_string(dir.join(name)).unwrap();
        let mut bytes = vec![0xFF, 0xFE];
        for unit in text.replace('\n', "\r\n").encode_utf16() {
            bytes.extend(unit.to_le_bytes());
        }
        std::fs::write(dir.join(name), bytes).unwrap();
    }
    let run = Run::of(command("tcpping").args([
        "--json",
        "--network",
        &dir.display().to_string(),
        "--no-probe",
        "10.10.2.4:1433",
    ]));
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(run.json()["verdict"]["cause"], "nsg.p2s-to-target");
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_resource_without_its_id_stops_the_run_naming_file_and_line() {
    let dir = changed_example("no-id", |files| {
        file(files, "nsg-data.json")
            .as_object_mut()
            .unwrap()
            .remove("id");
    });
    let run = Run::of(command("tcpping").args([
        "--network",
        &dir.display().to_string(),
        "--no-probe",
        "10.10.2.4:1433",
    ]));
    assert_eq!(run.code, 2);
    let line = run.stderr.trim_end();
    assert!(
        line.starts_with("error: ")
            && line.contains("nsg-data.json: line ")
            && line
                .contains(": type: this Microsoft.Network/networkSecurityGroups needs its \"id\""),
        "{line}"
    );
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_partial_export_skips_what_it_lacks_and_fails_nothing() {
    let dir = changed_example("partial", |files| {
        files.retain(|(name, _)| name == "nsg-data.json" || name == "nic-sql.json");
        files.push(("empty.json".into(), Value::Array(Vec::new())));
    });
    let run = Run::of(command("tcpping").args([
        "--json",
        "--network",
        &dir.display().to_string(),
        "--no-probe",
        "10.10.2.4:1433",
    ]));
    assert_eq!(run.code, 0, "{}", run.stdout);
    let report = run.json();
    assert_eq!(report["snapshot"]["source"], "files");
    assert_eq!(report["snapshot"]["mode"], "none");
    let files = report["snapshot"]["files"].as_array().unwrap();
    assert_eq!(files.len(), 3);
    assert!(
        files
            .iter()
            .any(|f| f["path"].as_str().unwrap().ends_with("empty.json") && f["resources"] == 0)
    );
    assert_eq!(check(&report, "route.target")["status"], "skip");
    let text = Run::of(command("tcpping").args([
        "--network",
        &dir.display().to_string(),
        "--no-probe",
        "10.10.2.4:1433",
    ]));
    assert!(
        text.stdout
            .lines()
            .any(|l| l.starts_with("Empty: ") && l.ends_with("empty.json holds no resources")),
        "{}",
        text.stdout
    );
    // A check that skipped for want of a resource says on its line how to export it, as
    // the JSON does (issue 24, point 6).
    let lines: Vec<&str> = text.stdout.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.starts_with("[ skip ] plan.tier"))
        .unwrap_or_else(|| panic!("{}", text.stdout));
    let remedy = lines[at + 1..]
        .iter()
        .take_while(|l| l.starts_with(' '))
        .map(|l| l.trim())
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        remedy.contains("-> Export it and add it to the snapshot: az appservice plan show -g RG -n PLAN > plan.json"),
        "{remedy}"
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn the_report_lists_the_snapshot_and_its_mode() {
    let run = Run::of(command("tcpping").args([
        "--json",
        "--network",
        &example(),
        "--no-probe",
        "10.10.2.4:1433",
    ]));
    let report = run.json();
    assert_eq!(report["snapshot"]["mode"], "gateway");
    assert_eq!(report["snapshot"]["fetched"], serde_json::json!([]));
    let files = report["snapshot"]["files"].as_array().unwrap();
    assert_eq!(files.len(), 11);
    let storage = files
        .iter()
        .find(|f| f["path"].as_str().unwrap().ends_with("log-workspace.json"))
        .unwrap();
    assert_eq!(storage["resources"], 0);
    assert_eq!(
        storage["ignored"][0]["type"],
        "Microsoft.OperationalInsights/workspaces"
    );
}

/// The site's own `dnsConfiguration` in a snapshot is what the app uses: it wins over the
/// `WEBSITE_DNS_*` app settings, as on the platform, and the report says where each server
/// came from.
#[test]
fn the_site_dns_configuration_is_used_and_reported() {
    let dns = netdiag_tests::DnsServer::contoso();
    let dead = netdiag_tests::DeadDnsServer::start();
    let dir = std::env::temp_dir().join(format!("netdiag-e2e-sitedns-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("site.json"),
        serde_json::json!({
            "id": "/subscriptions/s/resourceGroups/r/providers/Microsoft.Web/sites/app-x",
            "name": "app-x",
            "type": "Microsoft.Web/sites",
            "properties": {"dnsConfiguration": {"dnsServers": [dns.addr().to_string()],
                                                 "dnsRetryAttemptTimeout": 1}}
        })
        .to_string(),
    )
    .unwrap();
    let run = Run::of(
        command("nameresolver")
            .env("WEBSITE_DNS_SERVER", dead.addr().to_string())
            .args([
                "--json",
                "--network",
                &dir.display().to_string(),
                "db.contoso.internal",
            ]),
    );
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(run.code, 0, "{}", run.stdout);
    let report = run.json();
    let servers = report["dns"]["servers"].as_array().unwrap();
    assert_eq!(servers.len(), 1, "{servers:?}");
    assert_eq!(servers[0]["address"], dns.addr().to_string());
    assert_eq!(servers[0]["source"], "dnsConfiguration");
    assert_eq!(report["dns"]["timeout_ms"], 1000.0);
    assert_eq!(report["dns"]["timeout_source"], "dnsConfiguration");
    assert_eq!(report["dns"]["answer"]["addresses"][0], "10.1.2.4");
}

/// The contract's width: text wraps at 100 columns when stdout is not a terminal, and a
/// longer line is one unbreakable token (a resource id, a URL) alone after its indentation;
/// a wrapped line continues under its text (a step under its words, a remedy under its
/// arrow's text).
#[test]
fn text_wraps_at_100_columns_when_not_a_terminal() {
    for export in [
        netdiag_tests::example_export(),
        netdiag_tests::regional_export(),
    ] {
        let run = Run::of(
            command("tcpping")
                .args(["--no-probe", "--network"])
                .arg(&export)
                .arg("10.10.2.4:1433"),
        );
        let long: Vec<&str> = run
            .stdout
            .lines()
            .filter(|line| line.chars().count() > 100 && line.trim().contains(' '))
            .collect();
        assert!(
            long.is_empty(),
            "lines over 100 columns:\n{}",
            long.join("\n")
        );
        assert!(
            run.stdout.lines().any(|line| line.chars().count() > 90),
            "the output uses the width: {}",
            run.stdout
        );
    }
    let run = Run::of(
        command("tcpping")
            .args(["--no-probe", "--network"])
            .arg(netdiag_tests::example_export())
            .arg("10.10.2.4:1433"),
    );
    let lines: Vec<&str> = run.stdout.lines().collect();
    let step = lines.iter().position(|l| l.starts_with("  1. ")).unwrap();
    assert!(
        lines[step + 1].starts_with("     ") && !lines[step + 1].starts_with("      "),
        "{}",
        run.stdout
    );
    let remedy = lines
        .iter()
        .position(|l| l.trim_start().starts_with("-> ") && l.len() > 95)
        .unwrap();
    assert!(
        lines[remedy + 1].starts_with(&" ".repeat(33)),
        "{}",
        run.stdout
    );
}

/// An older Windows site with `dnsLegacySortOrder` sorts its VNET's DNS servers and asks
/// only the first two (App Service's DNS announcement of January 2024,
/// <https://azure.github.io/AppService/2024/01/09/DNS-improvements.html>): the report lists
/// the two asked, and the output says which was left out and how to opt out.
#[test]
fn legacy_sort_asks_the_two_lowest_of_the_vnets_servers_and_says_so() {
    let servers = [
        netdiag_tests::DnsServer::contoso(),
        netdiag_tests::DnsServer::contoso(),
        netdiag_tests::DnsServer::contoso(),
    ];
    let listed: Vec<String> = servers.iter().map(|s| s.addr().to_string()).collect();
    let mut sorted: Vec<_> = servers.iter().map(netdiag_tests::DnsServer::addr).collect();
    sorted.sort();
    let dir = std::env::temp_dir().join(format!("netdiag-e2e-legacy-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("network.json"),
        serde_json::json!([
            {"id": "/subscriptions/s/resourceGroups/r/providers/Microsoft.Web/sites/app-old",
             "name": "app-old", "type": "Microsoft.Web/sites",
             "properties": {"dnsConfiguration": {"dnsLegacySortOrder": true},
                            "virtualNetworkSubnetId": "/subscriptions/s/resourceGroups/r/providers/Microsoft.Network/virtualNetworks/vnet-test/subnets/snet-apps"}},
            {"id": "/subscriptions/s/resourceGroups/r/providers/Microsoft.Network/virtualNetworks/vnet-test",
             "name": "vnet-test", "type": "Microsoft.Network/virtualNetworks",
             "properties": {"addressSpace": {"addressPrefixes": ["10.10.0.0/16"]},
                            "dhcpOptions": {"dnsServers": listed},
                            "subnets": [{"id": "/subscriptions/s/resourceGroups/r/providers/Microsoft.Network/virtualNetworks/vnet-test/subnets/snet-apps",
                                         "name": "snet-apps",
                                         "properties": {"addressPrefix": "10.10.4.0/26",
                                                        "delegations": [{"name": "d", "properties": {"serviceName": "Microsoft.Web/serverFarms"}}]}}]}}
        ])
        .to_string(),
    )
    .unwrap();
    let run = Run::of(command("nameresolver").args([
        "--json",
        "--network",
        &dir.display().to_string(),
        "db.contoso.internal",
    ]));
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    let report = run.json();
    let asked: Vec<&str> = report["dns"]["servers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["address"].as_str().unwrap())
        .collect();
    let expected: Vec<String> = sorted[..2].iter().map(ToString::to_string).collect();
    assert_eq!(asked, expected);
    let said = format!(
        "not {}; opt out (disableVirtualNetworkDnsSorting)",
        sorted[2]
    );
    assert!(run.stderr.contains("dnsLegacySortOrder"), "{}", run.stderr);
    assert!(run.stderr.contains(&said), "{}", run.stderr);
    let reachable = check(&report, "dns.reachable");
    assert!(
        reachable["evidence"].as_str().unwrap().contains(&said),
        "{reachable}"
    );
}

/// A support case's directory as customers fill it: a 0-byte file (`az` failed), a
/// PowerShell `> nsg-apps.txt`, a note and the same resource twice (issue 24, points 1-3).
#[test]
fn a_support_case_directory_reads_as_its_customer_meant_it() {
    let dir = std::env::temp_dir().join(format!("netdiag-e2e-case-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let export = netdiag_tests::regional_export();
    for entry in std::fs::read_dir(&export).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let target = if name == "nsg-apps.json" {
            dir.join("nsg-apps.txt")
        } else {
            dir.join(&name)
        };
        std::fs::copy(&path, target).unwrap();
    }
    std::fs::copy(export.join("plan.json"), dir.join("plan-again.json")).unwrap();
    std::fs::write(dir.join("route-table.json"), b"").unwrap();
    std::fs::write(dir.join("notes.md"), b"what I tried yesterday\n").unwrap();
    let run = Run::of(command("tcpping").args([
        "--network",
        &dir.display().to_string(),
        "--no-probe",
        "sql-fabrikam.database.windows.net:1433",
    ]));
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("route-table.json is empty: did the az command that wrote it fail?"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("Not JSON, skipped: "), "{}", run.stdout);
    assert!(run.stdout.contains("notes.md"), "{}", run.stdout);
    // The .txt export was read: the same verdict as the export's.
    assert!(
        run.stdout.contains("Likely cause: dns.private-endpoint"),
        "{}",
        run.stdout
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// The report's `path` is the drawn path as data: `{hop, name, status, check}` per hop in
/// the contract's words, each status its check's, and the text draws the same hops.
#[test]
fn the_report_path_is_the_drawn_path() {
    let json = Run::of(command("tcpping").args([
        "--network",
        &example(),
        "--no-probe",
        "--json",
        "10.10.2.4:1433",
    ]))
    .json();
    let path = json["path"].as_array().expect("path is an array");
    let hops: Vec<(&str, &str, &str)> = path
        .iter()
        .map(|h| {
            (
                h["hop"].as_str().unwrap(),
                h["status"].as_str().unwrap(),
                h["check"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        hops,
        [
            ("app", "pass", "gateway.p2s"),
            ("gateway", "pass", "gateway.status"),
            ("nsg-in", "fail", "nsg.p2s-to-target"),
            ("return", "pass", "udr.return-path"),
            ("host", "manual", "host.firewall"),
        ]
    );
    for hop in path {
        assert_eq!(
            hop["status"],
            check(&json, hop["check"].as_str().unwrap())["status"]
        );
    }
    let text =
        Run::of(command("tcpping").args(["--network", &example(), "--no-probe", "10.10.2.4:1433"]))
            .stdout;
    assert!(
        text.contains("\n  XX  NSG nsg-data inbound ")
            && text.contains("Path from contoso-web to 10.10.2.4:1433\n"),
        "{text}"
    );
}
