//! End-to-end: `--azure` against the test kit's mock of Azure Resource Manager and the
//! identity endpoint on 127.0.0.1 (Azure itself is unreachable from here). The mock serves
//! the shipped example exports at their ids; every run uses `--no-probe` or a target on
//! loopback, so the exports' 10.x addresses are only evaluated.

use std::path::Path;
use std::time::Duration;

use netdiag_tests::arm::{ArmMock, IDENTITY_HEADER, MSI_SECRET, TOKEN};
use netdiag_tests::{Run, command};
use serde_json::Value;

use super::checklist::{check, statuses};

pub(super) const REGIONAL_APP: &str = "/subscriptions/0b7e5a3d-0000-4000-8000-0000000fab01/resourceGroups/rg-fabrikam/providers/Microsoft.Web/sites/fabrikam-api";
pub(super) const GATEWAY_APP: &str = "/subscriptions/6f1c2a4e-0000-4000-8000-00000000c0de/resourceGroups/rg-contoso/providers/Microsoft.Web/sites/contoso-web";
const PE_NAME: &str = "sql-fabrikam.database.windows.net";

pub(super) fn regional() -> ArmMock {
    ArmMock::with_exports(&[&netdiag_tests::regional_export()])
}

pub(super) fn gateway() -> ArmMock {
    ArmMock::with_exports(&[&netdiag_tests::example_export()])
}

/// `TOOL --json --azure --arm-endpoint MOCK --app APP ARGS...`, with the managed identity
/// of the mock in the environment.
pub(super) fn azure(tool: &str, mock: &ArmMock, app: &str, args: &[&str]) -> assert_cmd::Command {
    let mut command = command(tool);
    command
        .env("IDENTITY_ENDPOINT", mock.identity_endpoint())
        .env("IDENTITY_HEADER", IDENTITY_HEADER)
        .args([
            "--json",
            "--azure",
            "--arm-endpoint",
            &mock.url(),
            "--app",
            app,
        ])
        .args(args);
    command
}

pub(super) fn from_files(export: &Path, target: &str) -> Value {
    let run = Run::of(command("tcpping").args([
        "--json",
        "--no-probe",
        "--network",
        &export.display().to_string(),
        target,
    ]));
    run.json()
}

fn temp_dir(tag: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("netdiag-e2e-azure-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

#[test]
fn a_regional_app_gathered_from_azure_gets_the_verdict_of_its_export() {
    let mock = regional();
    let target = format!("{PE_NAME}:1433");
    let run = Run::of(&mut azure(
        "tcpping",
        &mock,
        REGIONAL_APP,
        &["--no-probe", &target],
    ));
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    // Not a terminal: no progress line.
    assert_eq!(run.stderr, "");
    let report = run.json();
    assert_eq!(report["snapshot"]["source"], "azure");
    assert_eq!(report["snapshot"]["mode"], "regional");
    assert_eq!(report["verdict"]["cause"], "dns.private-endpoint");
    let fetched = report["snapshot"]["fetched"].as_array().unwrap();
    // Everything answered, but the SQL server the endpoint names: the export has none, and
    // a service that is not there is an answer, not a gap.
    assert!(
        fetched.iter().all(|f| f["status"] == 200
            || f["url"]
                .as_str()
                .unwrap()
                .contains("/Microsoft.Sql/servers/sql-fabrikam?")),
        "{fetched:?}"
    );
    assert!(
        report["verdict"]["incomplete"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    assert!(fetched.iter().any(|f| {
        f["url"]
            .as_str()
            .unwrap()
            .starts_with(&format!("{REGIONAL_APP}?api-version=2023-12-01"))
    }));
    assert!(fetched.iter().any(|f| f["url"].as_str().unwrap().contains("/privateDnsZones/privatelink.database.windows.net/virtualNetworkLinks?api-version=2024-06-01")));
    assert_eq!(
        statuses(&report),
        statuses(&from_files(&netdiag_tests::regional_export(), &target))
    );
    // The identity endpoint was asked for an ARM token with the header, as documented.
    let identity = mock
        .state()
        .requests
        .iter()
        .find(|r| r.path == "/msi/token")
        .cloned()
        .unwrap();
    assert!(
        identity.query.contains("api-version=2019-08-01"),
        "{}",
        identity.query
    );
    assert!(
        identity
            .query
            .contains(&format!("resource={}", "http%3A%2F%2F127.0.0.1")),
        "{}",
        identity.query
    );
    // At most 4 requests at once; every ARM request carried the token.
    assert!(
        mock.arm_requests()
            .iter()
            .all(|r| r.headers["authorization"] == format!("Bearer {TOKEN}"))
    );
}

#[test]
fn a_gateway_app_gathered_from_azure_gets_the_verdict_of_its_export() {
    let mock = gateway();
    let run = Run::of(&mut azure(
        "tcpping",
        &mock,
        GATEWAY_APP,
        &["--no-probe", "10.10.2.4:1433"],
    ));
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    let report = run.json();
    assert_eq!(report["snapshot"]["mode"], "gateway");
    assert_eq!(report["verdict"]["cause"], "nsg.p2s-to-target");
    assert_eq!(
        statuses(&report),
        statuses(&from_files(
            &netdiag_tests::example_export(),
            "10.10.2.4:1433"
        ))
    );
    // The site-to-site connection was read on its own, with its status.
    let cn = "/resourceGroups/rg-contoso/providers/Microsoft.Network/connections/cn-amsterdam?";
    assert!(
        report["snapshot"]["fetched"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["url"].as_str().unwrap().contains(cn))
    );
}

#[test]
fn lists_are_followed_through_every_next_link() {
    let mock = regional();
    // The zone's link to the app's VNET comes on the second page of its links: missed, the
    // zone would look unlinked.
    let zone = "/subscriptions/0b7e5a3d-0000-4000-8000-0000000fab01/resourceGroups/rg-fabrikam-dns/providers/Microsoft.Network/privateDnsZones/privatelink.database.windows.net";
    let link = format!("{zone}/virtualNetworkLinks/zz-link-vnet-fabrikam");
    mock.state().resources.insert(
        link.to_ascii_lowercase(),
        serde_json::json!({"id": link, "name": "zz-link-vnet-fabrikam", "type": "Microsoft.Network/privateDnsZones/virtualNetworkLinks",
            "properties": {"virtualNetwork": {"id": "/subscriptions/0b7e5a3d-0000-4000-8000-0000000fab01/resourceGroups/rg-fabrikam/providers/Microsoft.Network/virtualNetworks/vnet-fabrikam"}}}),
    );
    mock.state().page_size = Some(1);
    let run = Run::of(&mut azure(
        "tcpping",
        &mock,
        REGIONAL_APP,
        &["--no-probe", &format!("{PE_NAME}:1433")],
    ));
    assert_eq!(run.code, 0, "{}", run.stderr);
    let report = run.json();
    // Linked (the app's custom DNS server then decides: a warning without a probe).
    let pe = check(&report, "dns.private-endpoint");
    assert_eq!(pe["details"]["zone_linked"], true, "{pe}");
    assert_eq!(pe["status"], "warn", "{pe}");
    assert!(
        mock.arm_requests()
            .iter()
            .any(|r| r.path.ends_with("/virtualNetworkLinks") && r.query.contains("$skiptoken=1")),
        "the second page was asked for"
    );
}

#[test]
fn a_403_on_the_nsgs_resource_group_names_the_role_to_grant() {
    let mock = regional();
    mock.rename(
        "resourceGroups/rg-fabrikam/providers/Microsoft.Network/networkSecurityGroups/nsg-data",
        "resourceGroups/rg-net/providers/Microsoft.Network/networkSecurityGroups/nsg-data",
    );
    mock.state().forbidden_groups.insert("rg-net".into());
    let run = Run::of(&mut azure(
        "tcpping",
        &mock,
        REGIONAL_APP,
        &["--no-probe", "10.20.2.4:8443"],
    ));
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let report = run.json();
    let inbound = check(&report, "nsg.inbound");
    assert_eq!(inbound["status"], "warn");
    let evidence = inbound["evidence"].as_str().unwrap();
    assert!(
        evidence.contains(
            "nsg-data in rg-net (subnet snet-data) is referenced but not in the snapshot"
        ),
        "{evidence}"
    );
    assert!(
        evidence.contains("Azure answered 403 AuthorizationFailed for nsg-data in rg-net"),
        "{evidence}"
    );
    assert!(
        inbound["remedy"]
            .as_str()
            .unwrap()
            .starts_with("Grant the app's identity the Reader role on resource group rg-net")
    );
    // Text: the header names it too.
    let run = Run::of(
        command("tcpping")
            .env("IDENTITY_ENDPOINT", mock.identity_endpoint())
            .env("IDENTITY_HEADER", IDENTITY_HEADER)
            .args([
                "--azure",
                "--arm-endpoint",
                &mock.url(),
                "--app",
                REGIONAL_APP,
                "--no-probe",
                "10.20.2.4:8443",
            ]),
    );
    assert!(
        run.stdout.contains(
            "Not readable: Azure answered 403 AuthorizationFailed for nsg-data in rg-net"
        ),
        "{}",
        run.stdout
    );
}

#[test]
fn a_429_is_waited_out_and_the_request_tried_again() {
    let mock = regional();
    mock.state()
        .throttled
        .insert(REGIONAL_APP.to_ascii_lowercase(), 1);
    let run = Run::of(&mut azure(
        "tcpping",
        &mock,
        REGIONAL_APP,
        &["--no-probe", &format!("{PE_NAME}:1433")],
    ));
    assert_eq!(run.code, 1, "{}", run.stderr);
    let report = run.json();
    let site: Vec<u64> = report["snapshot"]["fetched"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| {
            f["url"]
                .as_str()
                .unwrap()
                .starts_with(&format!("{REGIONAL_APP}?"))
        })
        .map(|f| f["status"].as_u64().unwrap())
        .collect();
    assert_eq!(site, [429, 200]);
    assert!(
        run.elapsed >= Duration::from_secs(1),
        "Retry-After: 1 was honoured ({:?})",
        run.elapsed
    );
    assert_eq!(report["verdict"]["cause"], "dns.private-endpoint");
}

#[test]
fn a_request_throttled_for_good_is_tried_four_times_then_recorded() {
    let mock = regional();
    let plan = "/subscriptions/0b7e5a3d-0000-4000-8000-0000000fab01/resourceGroups/rg-fabrikam/providers/Microsoft.Web/serverfarms/plan-fabrikam";
    mock.state().throttled.insert(plan.to_ascii_lowercase(), 10);
    let run = Run::of(&mut azure(
        "tcpping",
        &mock,
        REGIONAL_APP,
        &["--no-probe", &format!("{PE_NAME}:1433")],
    ));
    assert_eq!(run.code, 1, "{}", run.stderr);
    let report = run.json();
    let tries: Vec<u64> = report["snapshot"]["fetched"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["url"].as_str().unwrap().starts_with(&format!("{plan}?")))
        .map(|f| f["status"].as_u64().unwrap())
        .collect();
    assert_eq!(tries, [429, 429, 429, 429], "the first try and 3 retries");
    let tier = check(&report, "plan.tier");
    assert_eq!(tier["status"], "skip");
    assert!(
        tier["evidence"]
            .as_str()
            .unwrap()
            .contains("Azure answered 429 TooManyRequests for plan-fabrikam in rg-fabrikam"),
        "{}",
        tier["evidence"]
    );
}

#[test]
fn a_silent_endpoint_ends_at_the_azure_timeout() {
    let mock = regional();
    mock.state().silent = true;
    let run = Run::of(&mut azure(
        "tcpping",
        &mock,
        REGIONAL_APP,
        &["--azure-timeout", "2s", "--no-probe", "10.20.2.4:8443"],
    ));
    assert!(
        run.elapsed >= Duration::from_secs(2) && run.elapsed < Duration::from_millis(3500),
        "{:?}",
        run.elapsed
    );
    // Nothing was read: the app could not be read, a warning, never exit 2 ("the
    // deadline ... end the gathering with what was read so far").
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let report = run.json();
    assert!(report["error"].is_null());
    assert_eq!(report["verdict"]["status"], "warn");
    assert_eq!(report["snapshot"]["mode"], "unknown");
    let summary = report["verdict"]["summary"].as_str().unwrap();
    assert!(
        summary.contains("took longer than --azure-timeout 2s"),
        "{summary}"
    );
}

/// Ctrl-C while Azure is being read (here: the VNET never answers) ends at once with the
/// checklist on what was read so far and a complete report; the verdict is never a pass,
/// and a run that found no fault exits 130 (SIGINT's status).
#[cfg(unix)]
#[test]
fn ctrl_c_while_reading_azure_ends_with_a_report_of_what_was_read() {
    use std::process::{Command as StdCommand, Stdio};
    use std::time::Instant;
    let mock = regional();
    mock.state()
        .silent_paths
        .push("/microsoft.network/virtualnetworks/".to_owned());
    let child = StdCommand::new(netdiag_tests::binary("tcpping"))
        .env_clear()
        .env("IDENTITY_ENDPOINT", mock.identity_endpoint())
        .env("IDENTITY_HEADER", IDENTITY_HEADER)
        .args(["--json", "--azure", "--arm-endpoint", &mock.url(), "--app"])
        .args([REGIONAL_APP, "--azure-timeout", "20s", "10.20.2.4:8443"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until the gathering stalls on the VNET, then interrupt.
    let waiting = Instant::now();
    while !mock
        .arm_requests()
        .iter()
        .any(|r| r.path.to_ascii_lowercase().contains("/virtualnetworks/"))
    {
        assert!(
            waiting.elapsed() < Duration::from_secs(10),
            "never asked for the VNET"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(200));
    let interrupted = Instant::now();
    let kill = StdCommand::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let output = child.wait_with_output().unwrap();
    assert!(
        interrupted.elapsed() < Duration::from_secs(2),
        "took {:?} after Ctrl-C",
        interrupted.elapsed()
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    let report: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"));
    assert_eq!(report["error"], Value::Null, "{stdout}");
    assert_ne!(report["verdict"]["status"], "pass");
    let summary = report["verdict"]["summary"].as_str().unwrap();
    assert!(
        summary.starts_with("Interrupted while reading the app's configuration from Azure"),
        "{summary}"
    );
    // What was read is in the report: the site and the plan came before the VNET.
    let fetched = report["snapshot"]["fetched"].as_array().unwrap();
    assert!(fetched.iter().any(|f| f["status"] == 200), "{stdout}");
    assert_eq!(report["snapshot"]["mode"], "regional", "{stdout}");
    // No probe after Ctrl-C, and exit 130 unless a check failed.
    assert_eq!(report["tcp"], Value::Null, "{stdout}");
    let code = output.status.code().unwrap();
    let failed = report["verdict"]["status"] == "fail";
    assert_eq!(code, if failed { 1 } else { 130 }, "{stdout}");
}

#[test]
fn the_default_azure_timeout_is_30_seconds() {
    let run = Run::of(command("tcpping").arg("--help"));
    assert!(
        run.stdout.contains("--azure-timeout <DURATION>"),
        "{}",
        run.stdout
    );
    let help = run.stdout.split("--azure-timeout").nth(1).unwrap();
    assert!(help.contains("[default: 30s]"), "{help}");
}

#[test]
fn without_a_token_source_the_run_stops_naming_the_three_ways() {
    let run = Run::of(command("tcpping").args([
        "--azure",
        "--app",
        REGIONAL_APP,
        "--no-probe",
        "10.20.2.4:8443",
    ]));
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .starts_with("error: --azure needs a token: give --arm-token-file PATH"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("IDENTITY_ENDPOINT and IDENTITY_HEADER")
            && run.stderr.contains("MSI_ENDPOINT and MSI_SECRET")
    );
    // Outside App Service and without --app, which app is the question.
    let run = Run::of(command("tcpping").args(["--azure", "--no-probe", "10.20.2.4:8443"]));
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("WEBSITE_OWNER_NAME, WEBSITE_RESOURCE_GROUP, WEBSITE_SITE_NAME not set"),
        "{}",
        run.stderr
    );
}

#[test]
fn the_app_is_found_from_the_platforms_variables() {
    let mock = regional();
    let run = Run::of(
        command("tcpping")
            .env("IDENTITY_ENDPOINT", mock.identity_endpoint())
            .env("IDENTITY_HEADER", IDENTITY_HEADER)
            .env(
                "WEBSITE_OWNER_NAME",
                "0b7e5a3d-0000-4000-8000-0000000fab01+rg-fabrikam-WestEuropewebspace",
            )
            .env("WEBSITE_RESOURCE_GROUP", "rg-fabrikam")
            .env("WEBSITE_SITE_NAME", "fabrikam-api")
            .args([
                "--json",
                "--azure",
                "--arm-endpoint",
                &mock.url(),
                "--no-probe",
                &format!("{PE_NAME}:1433"),
            ]),
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(run.json()["verdict"]["cause"], "dns.private-endpoint");
    assert!(mock.arm_requests().iter().any(|r| r.path == REGIONAL_APP));
}

#[test]
fn a_token_file_and_the_legacy_msi_endpoint_work_too() {
    let mock = regional();
    let dir = temp_dir("token");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("token.txt");
    std::fs::write(&file, format!("{TOKEN}\n")).unwrap();
    let run = Run::of(command("tcpping").args([
        "--json",
        "--azure",
        "--arm-endpoint",
        &mock.url(),
        "--app",
        REGIONAL_APP,
        "--arm-token-file",
        &file.display().to_string(),
        "--no-probe",
        &format!("{PE_NAME}:1433"),
    ]));
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(run.json()["snapshot"]["source"], "azure");
    assert!(
        mock.state()
            .requests
            .iter()
            .all(|r| !r.path.starts_with("/msi"))
    );
    std::fs::remove_dir_all(&dir).unwrap();

    let mock = regional();
    let run = Run::of(
        command("tcpping")
            .env("MSI_ENDPOINT", mock.msi_endpoint())
            .env("MSI_SECRET", MSI_SECRET)
            .args([
                "--json",
                "--azure",
                "--arm-endpoint",
                &mock.url(),
                "--app",
                REGIONAL_APP,
                "--no-probe",
                &format!("{PE_NAME}:1433"),
            ]),
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    let legacy = mock
        .state()
        .requests
        .iter()
        .find(|r| r.path == "/msi/legacy")
        .cloned()
        .unwrap();
    assert!(legacy.query.contains("api-version=2017-09-01"));
    assert_eq!(legacy.headers["secret"], MSI_SECRET);
}

#[test]
fn an_unknown_user_assigned_identity_quotes_the_endpoint_and_no_secret() {
    let mock = regional();
    let run = Run::of(&mut azure(
        "tcpping",
        &mock,
        REGIONAL_APP,
        &[
            "--identity-client-id",
            "11111111-2222-3333-4444-555555555555",
            "--no-probe",
            "10.20.2.4:8443",
        ],
    ));
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("No MSI found for specified ClientId/ResourceId"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains(IDENTITY_HEADER) && !run.stdout.contains(IDENTITY_HEADER));
    let identity = mock
        .state()
        .requests
        .iter()
        .find(|r| r.path == "/msi/token")
        .cloned()
        .unwrap();
    assert!(
        identity
            .query
            .contains("client_id=11111111-2222-3333-4444-555555555555")
    );
}

#[test]
fn a_saved_snapshot_read_back_gives_the_same_statuses() {
    for (mock, app, target) in [
        (regional(), REGIONAL_APP, format!("{PE_NAME}:1433")),
        (gateway(), GATEWAY_APP, "10.10.2.4:1433".to_owned()),
    ] {
        let dir = temp_dir("save");
        let run = Run::of(&mut azure(
            "tcpping",
            &mock,
            app,
            &[
                "--save-network",
                &dir.display().to_string(),
                "--no-probe",
                &target,
            ],
        ));
        assert_eq!(run.code, 1, "{}", run.stderr);
        let live = run.json();
        let saved = from_files(&dir, &target);
        assert_eq!(statuses(&live), statuses(&saved));
        assert_eq!(live["verdict"]["summary"], saved["verdict"]["summary"]);
        // One ARM-shaped file per resource.
        let files: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert!(
            files
                .iter()
                .all(|f| Path::new(f).extension().is_some_and(|e| e == "json")),
            "{files:?}"
        );
        assert_eq!(
            files.len(),
            saved["snapshot"]["files"].as_array().unwrap().len()
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

#[test]
fn malformed_json_and_a_body_over_the_cap_stop_the_run_cleanly() {
    // An answer that cannot be used ends the gathering with what was read so far: the
    // checks run on it and the verdict says why it is partial.
    let mock = regional();
    mock.state()
        .malformed
        .push("/virtualnetworks/vnet-fabrikam".into());
    let run = Run::of(&mut azure(
        "tcpping",
        &mock,
        REGIONAL_APP,
        &["--no-probe", "10.20.2.4:8443"],
    ));
    assert_eq!(run.code, 0, "{}", run.stderr);
    let report = run.json();
    assert_eq!(report["verdict"]["status"], "warn");
    assert_eq!(report["snapshot"]["mode"], "regional");
    let summary = report["verdict"]["summary"].as_str().unwrap();
    assert!(
        summary.contains("vnet-fabrikam?api-version=2024-05-01: the answer is not JSON"),
        "{summary}"
    );

    let mock = regional();
    mock.state()
        .oversized
        .push("/virtualnetworkconnections".into());
    let run = Run::of(&mut azure(
        "tcpping",
        &mock,
        REGIONAL_APP,
        &["--no-probe", "10.20.2.4:8443"],
    ));
    assert_eq!(run.code, 0, "{}", run.stderr);
    let summary = run.json()["verdict"]["summary"].to_string();
    assert!(
        summary.contains("the answer is larger than 16 MiB: refused"),
        "{summary}"
    );
    assert!(!run.stderr.contains("panicked"));
}

#[test]
fn nameresolver_gathers_too() {
    let mock = regional();
    let run = Run::of(&mut azure(
        "nameresolver",
        &mock,
        REGIONAL_APP,
        &["--no-probe", PE_NAME],
    ));
    assert_eq!(run.code, 1, "{}", run.stderr);
    let report = run.json();
    assert_eq!(report["snapshot"]["source"], "azure");
    assert_eq!(report["verdict"]["cause"], "dns.private-endpoint");
    // The app's DNS server (the VNET's) was the target: its subnet was read.
    assert_eq!(report["dns"]["servers"][0]["address"], "10.20.1.4:53");
    assert_eq!(report["dns"]["servers"][0]["source"], "network");
}

#[test]
fn no_secret_is_ever_printed_or_saved() {
    let mock = regional();
    // With a proxy set, as in a corporate network: nothing of this run may reach it.
    let proxy = super::azure_real::RecordingProxy::start();
    let dir = temp_dir("secrets");
    let mut outputs = Vec::new();
    for args in [
        vec![
            "--save-network",
            dir.to_str().unwrap(),
            "--no-probe",
            "10.20.2.4:8443",
        ],
        vec![
            "--identity-client-id",
            "nope",
            "--no-probe",
            "10.20.2.4:8443",
        ],
    ] {
        let run = Run::of(
            azure("tcpping", &mock, REGIONAL_APP, &args)
                .env("HTTPS_PROXY", &proxy.url)
                .env("HTTP_PROXY", &proxy.url),
        );
        outputs.push(run.stdout);
        outputs.push(run.stderr);
    }
    let mut text = Run::of(
        command("tcpping")
            .env("IDENTITY_ENDPOINT", mock.identity_endpoint())
            .env("IDENTITY_HEADER", IDENTITY_HEADER)
            .args([
                "--azure",
                "--arm-endpoint",
                &mock.url(),
                "--app",
                REGIONAL_APP,
                "--no-probe",
                "10.20.2.4:8443",
            ]),
    );
    outputs.push(text.stdout.clone());
    outputs.push(std::mem::take(&mut text.stderr));
    for entry in std::fs::read_dir(&dir).unwrap() {
        outputs.push(std::fs::read_to_string(entry.unwrap().path()).unwrap());
    }
    assert!(outputs.len() > 8, "the saved files are read too");
    outputs.push(proxy.seen());
    for output in &outputs {
        assert!(!output.contains(TOKEN), "the token leaked: {output}");
        assert!(
            !output.contains(IDENTITY_HEADER),
            "the identity header leaked: {output}"
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// On a terminal (here `script`'s pseudo-terminal), stderr counts the requests, and the
/// line is cleared before the checklist prints.
#[test]
fn a_terminal_sees_the_requests_counted() {
    let mock = regional();
    let tcpping = netdiag_tests::binary("tcpping");
    let line = format!(
        "{} --azure --arm-endpoint {} --app {REGIONAL_APP} --no-probe 10.20.2.4:8443",
        tcpping.display(),
        mock.url()
    );
    let mut script = assert_cmd::Command::new("script");
    let run = Run::of(
        script
            .env_clear()
            .env("IDENTITY_ENDPOINT", mock.identity_endpoint())
            .env("IDENTITY_HEADER", IDENTITY_HEADER)
            .args(["-qec", &line, "/dev/null"]),
    );
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("\rreading Azure configuration: 0/"),
        "{:?}",
        run.stdout
    );
    let last = run.stdout.rfind("reading Azure configuration: ").unwrap();
    let count = run.stdout[last..]
        .trim_start_matches("reading Azure configuration: ")
        .split('\r')
        .next()
        .unwrap();
    let (done, total) = count.split_once('/').unwrap();
    assert_eq!(done, total, "the last count is the whole: {count}");
    assert!(!run.stdout.contains("Not readable"), "{}", run.stdout);
    // Cleared, then the checklist.
    assert!(
        run.stdout.contains("\r\x1b[KChecklist for 10.20.2.4:8443"),
        "{:?}",
        run.stdout
    );
}

/// Enterprises keep the `privatelink.` zones in a central DNS subscription: the endpoint's
/// DNS zone group leads there, where a search of the app's subscription would not.
#[test]
fn a_zone_in_another_subscription_is_found_through_the_endpoints_zone_group() {
    let mock = regional();
    let old = "/subscriptions/0b7e5a3d-0000-4000-8000-0000000fab01/resourceGroups/rg-fabrikam-dns/";
    let central =
        "/subscriptions/9c3d7e1a-0000-4000-8000-00000000d115/resourceGroups/rg-dns-central/";
    mock.rename(old, central);
    let pe = "/subscriptions/0b7e5a3d-0000-4000-8000-0000000fab01/resourceGroups/rg-fabrikam/providers/Microsoft.Network/privateEndpoints/pe-sql-fabrikam";
    let group = format!("{pe}/privateDnsZoneGroups/default");
    mock.state().resources.insert(
        group.to_ascii_lowercase(),
        serde_json::json!({"id": group, "name": "default",
            "type": "Microsoft.Network/privateEndpoints/privateDnsZoneGroups",
            "properties": {"privateDnsZoneConfigs": [{"name": "privatelink-database-windows-net",
                "properties": {"privateDnsZoneId": format!("{central}providers/Microsoft.Network/privateDnsZones/privatelink.database.windows.net")}}]}}),
    );
    let run = Run::of(&mut azure(
        "tcpping",
        &mock,
        REGIONAL_APP,
        &["--no-probe", &format!("{PE_NAME}:1433")],
    ));
    assert_eq!(run.code, 1, "{}", run.stderr);
    let report = run.json();
    let pe = check(&report, "dns.private-endpoint");
    let remedy = pe["remedy"].as_str().unwrap();
    assert!(
        remedy.starts_with("Link the private DNS zone privatelink.database.windows.net to VNET vnet-fabrikam (az network private-dns link vnet create -g rg-dns-central"),
        "{remedy}"
    );
}

/// An endpoint made with a DNS zone group (the portal's default) has no customDnsConfigs:
/// `--azure` keeps the zone groups it reads, so the checklist finds the endpoint through
/// them (issue 19), as it does from files.
#[test]
fn zone_groups_read_from_azure_name_the_endpoint() {
    let mock = regional();
    let endpoint = "/subscriptions/0b7e5a3d-0000-4000-8000-0000000fab01/resourceGroups/rg-fabrikam/providers/Microsoft.Network/privateEndpoints/pe-sql-fabrikam";
    let zone = "/subscriptions/0b7e5a3d-0000-4000-8000-0000000fab01/resourceGroups/rg-fabrikam-dns/providers/Microsoft.Network/privateDnsZones/privatelink.database.windows.net";
    {
        let mut state = mock.state();
        let pe = state
            .resources
            .get_mut(&endpoint.to_ascii_lowercase())
            .unwrap();
        pe["properties"]["customDnsConfigs"] = serde_json::json!([]);
        let group = format!("{endpoint}/privateDnsZoneGroups/default");
        state.resources.insert(
            group.to_ascii_lowercase(),
            serde_json::json!({"id": group, "name": "default",
                "type": "Microsoft.Network/privateEndpoints/privateDnsZoneGroups",
                "properties": {"privateDnsZoneConfigs": [{"name": "sql", "properties": {
                    "privateDnsZoneId": zone, "recordSets": [{"recordType": "A", "recordSetName": "sql-fabrikam",
                        "fqdn": "sql-fabrikam.privatelink.database.windows.net", "ipAddresses": ["10.20.2.5"]}]}}]}}),
        );
    }
    let run = Run::of(&mut azure(
        "tcpping",
        &mock,
        REGIONAL_APP,
        &["--no-probe", &format!("{PE_NAME}:1433")],
    ));
    let report = run.json();
    let pe = check(&report, "dns.private-endpoint");
    assert_eq!(pe["details"]["endpoint"], "pe-sql-fabrikam", "{pe}");
}
