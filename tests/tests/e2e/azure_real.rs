//! End-to-end: `--azure` as the real Azure answers it (issue 21): proxies, the cloud the
//! app runs in, deployment slots, large private DNS zones, the target NIC's own NSG, the
//! gateway named by its subnet, the plan's VNET connections, endpoints of peered VNETs,
//! API versions per resource type, 401 / 403 / 404 on the app, partial gatherings, and
//! the round trips one after another. Everything runs against the test kit's mock on
//! 127.0.0.1; the one run that names a real Azure endpoint goes to a recording proxy on
//! loopback that answers nothing, so no packet leaves the machine.

use std::io::{Read, Write};
use std::net::{Ipv4Addr, TcpListener};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use netdiag_tests::arm::{ArmMock, IDENTITY_HEADER, TOKEN};
use netdiag_tests::{Run, command};
use serde_json::{Value, json};

use super::azure::{GATEWAY_APP, REGIONAL_APP, azure, from_files, gateway, regional};
use super::checklist::{check, statuses};

const SUB: &str = "/subscriptions/0b7e5a3d-0000-4000-8000-0000000fab01";
const PE_TARGET: &str = "sql-fabrikam.database.windows.net:1433";
const ZONE: &str = "/subscriptions/0b7e5a3d-0000-4000-8000-0000000fab01/resourceGroups/rg-fabrikam-dns/providers/Microsoft.Network/privateDnsZones/privatelink.database.windows.net";
const VNET: &str = "/subscriptions/0b7e5a3d-0000-4000-8000-0000000fab01/resourceGroups/rg-fabrikam/providers/Microsoft.Network/virtualNetworks/vnet-fabrikam";

fn fetched(report: &Value) -> Vec<String> {
    report["snapshot"]["fetched"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| format!("{} {}", f["status"], f["url"].as_str().unwrap()))
        .collect()
}

/// An HTTP proxy on 127.0.0.1 that records every byte it is sent and answers `502` to
/// anything (it never connects anywhere).
pub(super) struct RecordingProxy {
    pub(super) url: String,
    /// What each connection sent, in the order the connections came.
    seen: Arc<Mutex<Vec<Vec<u8>>>>,
}

impl RecordingProxy {
    pub(super) fn start() -> Self {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let seen = Arc::new(Mutex::new(Vec::new()));
        let record = Arc::clone(&seen);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { return };
                let record = Arc::clone(&record);
                std::thread::spawn(move || {
                    let _ = stream.set_read_timeout(Some(Duration::from_millis(500)));
                    let slot = {
                        let mut all = record.lock().unwrap();
                        all.push(Vec::new());
                        all.len() - 1
                    };
                    let mut buffer = [0u8; 4096];
                    while let Ok(n) = stream.read(&mut buffer) {
                        if n == 0 {
                            break;
                        }
                        record.lock().unwrap()[slot].extend_from_slice(&buffer[..n]);
                        if buffer[..n].windows(4).any(|w| w == b"\r\n\r\n") {
                            let _ = stream.write_all(
                                b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                            );
                            break;
                        }
                    }
                });
            }
        });
        Self { url, seen }
    }

    /// Everything the proxy was sent, connection after connection.
    pub(super) fn seen(&self) -> String {
        self.connections().join("")
    }

    /// What each connection sent.
    pub(super) fn connections(&self) -> Vec<String> {
        self.seen
            .lock()
            .unwrap()
            .iter()
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect()
    }
}

/// The identity endpoint (loopback here, link-local on Linux workers) and a loopback ARM
/// are reached directly even with every proxy variable set: the identity header must
/// never reach a proxy ("Gathering the snapshot from Azure": "The identity endpoint ... is
/// always reached directly").
#[test]
fn the_identity_endpoint_and_a_loopback_arm_never_go_through_a_proxy() {
    let mock = regional();
    let proxy = RecordingProxy::start();
    let run = Run::of(
        azure("tcpping", &mock, REGIONAL_APP, &["--no-probe", PE_TARGET])
            .env("HTTPS_PROXY", &proxy.url)
            .env("HTTP_PROXY", &proxy.url)
            .env("ALL_PROXY", &proxy.url)
            .env("https_proxy", &proxy.url)
            .env("http_proxy", &proxy.url),
    );
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert_eq!(run.json()["verdict"]["cause"], "dns.private-endpoint");
    assert_eq!(proxy.seen(), "", "the proxy saw nothing");
}

/// Azure Resource Manager itself goes through the proxy, as a CONNECT tunnel: the proxy
/// sees the host name, never the token or the identity header. The proxy here refuses the
/// tunnel, so the gathering ends with nothing read: mode `unknown`, `warn`.
#[test]
fn arm_goes_through_the_proxy_and_no_secret_reaches_it() {
    let mock = regional();
    let proxy = RecordingProxy::start();
    let run = Run::of(
        command("tcpping")
            .env("IDENTITY_ENDPOINT", mock.identity_endpoint())
            .env("IDENTITY_HEADER", IDENTITY_HEADER)
            .env("HTTPS_PROXY", &proxy.url)
            .args([
                "--azure",
                "--arm-endpoint",
                "https://management.azure.com",
                "--app",
                REGIONAL_APP,
                "--azure-timeout",
                "5s",
                "--no-probe",
                PE_TARGET,
            ]),
    );
    let seen = proxy.seen();
    let connections = proxy.connections();
    assert!(!connections.is_empty(), "the proxy was used");
    for connection in &connections {
        assert!(
            connection.starts_with("CONNECT management.azure.com:443 HTTP/1.1"),
            "{connection}"
        );
    }
    for secret in [TOKEN, IDENTITY_HEADER] {
        assert!(!seen.contains(secret), "{seen}");
        assert!(!run.stdout.contains(secret) && !run.stderr.contains(secret));
    }
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("could not read the app"),
        "{}",
        run.stdout
    );
    // The identity endpoint was still asked directly.
    assert!(mock.state().requests.iter().any(|r| r.path == "/msi/token"));
}

/// The token is asked for the cloud the app runs in: `WEBSITE_HOSTNAME`'s suffix names it
/// (".azurewebsites.us" is Azure Government, whose ARM is management.usgovcloudapi.net:
/// <https://learn.microsoft.com/azure/azure-government/compare-azure-government-global-azure>).
/// The identity endpoint here refuses (an unknown client id), so nothing goes further.
#[test]
fn the_cloud_comes_from_the_apps_host_name() {
    let mock = regional();
    let run = Run::of(
        command("tcpping")
            .env("IDENTITY_ENDPOINT", mock.identity_endpoint())
            .env("IDENTITY_HEADER", IDENTITY_HEADER)
            .env("WEBSITE_HOSTNAME", "fabrikam-api.azurewebsites.us")
            .args([
                "--azure",
                "--identity-client-id",
                "not-known",
                "--app",
                REGIONAL_APP,
                "--no-probe",
                PE_TARGET,
            ]),
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    let identity = mock.state().requests[0].clone();
    assert!(
        identity
            .query
            .contains("resource=https%3A%2F%2Fmanagement.usgovcloudapi.net%2F"),
        "{}",
        identity.query
    );
    assert!(
        run.stderr.contains("management.usgovcloudapi.net")
            || run.stderr.contains("IDENTITY_ENDPOINT"),
        "{}",
        run.stderr
    );
}

/// A central private DNS zone with thousands of records: the one record the target name
/// needs is read by name, never the zone's list of records.
#[test]
fn one_a_record_is_read_by_name_however_large_the_zone() {
    let mock = regional();
    for i in 0..3000 {
        mock.put(json!({
            "id": format!("{ZONE}/A/other-{i}"), "name": format!("other-{i}"),
            "type": "Microsoft.Network/privateDnsZones/A",
            "properties": {"ttl": 10, "aRecords": [{"ipv4Address": "10.99.0.1"}]}
        }));
    }
    mock.state().page_size = Some(100);
    let run = Run::of(&mut azure(
        "tcpping",
        &mock,
        REGIONAL_APP,
        &["--no-probe", PE_TARGET],
    ));
    assert_eq!(run.code, 1, "{}", run.stderr);
    let report = run.json();
    assert_eq!(report["verdict"]["cause"], "dns.private-endpoint");
    let urls = fetched(&report);
    assert!(
        urls.iter()
            .any(|u| u.contains("/privatelink.database.windows.net/A/sql-fabrikam?")),
        "{urls:#?}"
    );
    assert!(
        !urls.iter().any(|u| u.contains("/A?")),
        "no list of a zone's records: {urls:#?}"
    );
    assert!(urls.len() < 30, "{} requests", urls.len());
    // The record read by name tells the checklist what the export's list of records did.
    assert_eq!(
        statuses(&report),
        statuses(&from_files(&netdiag_tests::regional_export(), PE_TARGET))
    );
}

/// A record that does not exist in a zone that was read is an answer: NXDOMAIN for the
/// app, a failure, not a gap.
#[test]
fn a_404_for_the_record_in_a_readable_zone_is_an_answer() {
    let mock = regional();
    mock.state()
        .resources
        .remove(&format!("{ZONE}/A/sql-fabrikam").to_ascii_lowercase());
    // Link the zone to the app's VNET: only the record is missing then.
    mock.put(json!({
        "id": format!("{ZONE}/virtualNetworkLinks/link-fabrikam"), "name": "link-fabrikam",
        "type": "Microsoft.Network/privateDnsZones/virtualNetworkLinks",
        "properties": {"virtualNetwork": {"id": VNET}, "registrationEnabled": false,
                       "virtualNetworkLinkState": "Completed", "provisioningState": "Succeeded"}
    }));
    let run = Run::of(&mut azure(
        "tcpping",
        &mock,
        REGIONAL_APP,
        &["--no-probe", PE_TARGET],
    ));
    let report = run.json();
    let private = check(&report, "dns.private-endpoint");
    assert_eq!(private["status"], "fail", "{private}");
    assert!(
        private["evidence"]
            .as_str()
            .unwrap()
            .contains("has no A record sql-fabrikam"),
        "{private}"
    );
}

/// The slot the console runs in (`WEBSITE_SLOT_NAME`) is read end to end: its own
/// `config/web` (Route All on here) and its regional `networkConfig`.
#[test]
fn a_deployment_slot_is_read_end_to_end() {
    let mock = regional();
    let slot = format!("{REGIONAL_APP}/slots/staging");
    let site = mock.state().resources[&REGIONAL_APP.to_ascii_lowercase()].clone();
    let mut slot_site = site.clone();
    slot_site["id"] = json!(slot);
    slot_site["name"] = json!("fabrikam-api/staging");
    slot_site["type"] = json!("Microsoft.Web/sites/slots");
    mock.put(slot_site);
    mock.put(json!({"id": format!("{slot}/config/web"), "name": "web",
        "type": "Microsoft.Web/sites/slots/config",
        "properties": {"vnetRouteAllEnabled": true}}));
    mock.put(json!({"id": format!("{slot}/config/virtualNetwork"), "name": "staging",
        "type": "Microsoft.Web/sites/slots/config",
        "properties": {"subnetResourceId": site["properties"]["virtualNetworkSubnetId"], "swiftSupported": true}}));
    mock.state().served_at.insert(
        format!("{slot}/networkConfig/virtualNetwork").to_ascii_lowercase(),
        format!("{slot}/config/virtualNetwork").to_ascii_lowercase(),
    );
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
            .env("WEBSITE_SLOT_NAME", "staging")
            .args([
                "--json",
                "--azure",
                "--arm-endpoint",
                &mock.url(),
                "--no-probe",
                "20.60.1.5:443",
            ]),
    );
    let report = run.json();
    assert_eq!(report["snapshot"]["app"], slot.as_str(), "{}", run.stderr);
    assert_eq!(report["snapshot"]["mode"], "regional");
    let urls = fetched(&report);
    assert!(
        urls.iter()
            .any(|u| u.starts_with(&format!("200 {slot}/config/web?"))),
        "{urls:#?}"
    );
    // Route All from the slot's own config/web: a public target goes through the VNET.
    let evidence = check(&report, "route.target")["evidence"].to_string();
    assert!(evidence.contains("Route All"), "{evidence}");
}

/// A slot that does not exist is a 404 on the app: mode `unknown`, `warn`, never "No
/// check failed" and never "no VNET integration".
#[test]
fn a_wrong_slot_is_a_warning_that_the_app_could_not_be_read() {
    let mock = regional();
    let run = Run::of(&mut azure(
        "tcpping",
        &mock,
        &format!("{REGIONAL_APP}/slots/nope"),
        &["--no-probe", PE_TARGET],
    ));
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let report = run.json();
    assert_eq!(report["snapshot"]["mode"], "unknown");
    assert_eq!(report["verdict"]["status"], "warn");
    let summary = report["verdict"]["summary"].as_str().unwrap();
    assert!(summary.contains("could not read the app"), "{summary}");
    assert!(summary.contains("404"), "{summary}");
    assert!(!summary.contains("no VNET integration"), "{summary}");
}

/// No Reader role on the app's resource group: 403 on the site, mode `unknown`, the role
/// named.
#[test]
fn a_403_on_the_apps_resource_group_names_the_role_and_never_passes() {
    let mock = regional();
    mock.state().forbidden_groups.insert("rg-fabrikam".into());
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
                PE_TARGET,
            ]),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stdout.contains("No check failed"), "{}", run.stdout);
    assert!(
        !run.stdout.contains("no VNET integration"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("could not read the app"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("Reader role on resource group rg-fabrikam"),
        "{}",
        run.stdout
    );
}

/// A token Azure rejects (expired, or for another cloud) is one message naming the
/// endpoint and where the token came from; no role to grant.
#[test]
fn a_rejected_token_is_said_once_without_a_role_to_grant() {
    let mock = regional();
    let dir = std::env::temp_dir().join(format!("netdiag-e2e-401-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("token.txt");
    std::fs::write(&file, "eyJ0eXAi.expired.token\n").unwrap();
    let run = Run::of(command("tcpping").args([
        "--json",
        "--azure",
        "--arm-endpoint",
        &mock.url(),
        "--arm-token-file",
        &file.display().to_string(),
        "--app",
        REGIONAL_APP,
        "--no-probe",
        PE_TARGET,
    ]));
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let report = run.json();
    assert_eq!(report["verdict"]["status"], "warn");
    assert_eq!(report["snapshot"]["mode"], "unknown");
    let summary = report["verdict"]["summary"].as_str().unwrap();
    assert!(summary.contains("rejected the token"), "{summary}");
    assert!(summary.contains(&mock.url()), "{summary}");
    assert!(summary.contains("--arm-token-file"), "{summary}");
    let text = report.to_string();
    assert!(!text.contains("Grant the app's identity"), "{text}");
    assert!(
        !text.contains("expired.token"),
        "the token is never printed"
    );
    // The walk stopped at the first 401: nothing past the first requests, which need
    // nothing but the app's id and go out together.
    assert!(
        mock.arm_requests()
            .iter()
            .all(|r| !r.path.contains("/virtualNetworks/")),
        "{:?}",
        mock.arm_requests()
    );
    assert_eq!(
        summary.matches("rejected the token").count(),
        1,
        "{summary}"
    );
}

/// An ARM that stops answering midway (here: the private DNS zones) ends at the deadline
/// with what was read: the checks run on it, the probe still runs, the verdict is `warn`.
#[test]
fn a_gathering_cut_by_the_deadline_keeps_what_was_read_and_still_probes() {
    let mock = regional();
    mock.state().silent_paths.push("/privatednszones".into());
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
    let target = listener.local_addr().unwrap().to_string();
    let run = Run::of(&mut azure(
        "tcpping",
        &mock,
        REGIONAL_APP,
        &["--azure-timeout", "1500ms", "-n", "1", &target],
    ));
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let report = run.json();
    assert!(report["error"].is_null(), "{}", report["error"]);
    assert_eq!(report["snapshot"]["mode"], "regional");
    assert_eq!(report["verdict"]["status"], "warn");
    let summary = report["verdict"]["summary"].as_str().unwrap();
    assert!(summary.contains("--azure-timeout 1s 500ms"), "{summary}");
    assert_eq!(report["tcp"]["summary"]["connected"], 1, "the probe ran");
    assert_eq!(check(&report, "regional.subnet")["status"], "pass");
}

/// An ARM endpoint that cannot be reached at all: the probe still runs and the verdict is
/// `warn`, naming the endpoint.
#[test]
fn an_unreachable_arm_still_probes() {
    let mock = regional();
    let closed = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
    let dead = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
    let target = listener.local_addr().unwrap().to_string();
    let run = Run::of(
        command("tcpping")
            .env("IDENTITY_ENDPOINT", mock.identity_endpoint())
            .env("IDENTITY_HEADER", IDENTITY_HEADER)
            .args([
                "--json",
                "--azure",
                "--arm-endpoint",
                &dead,
                "--app",
                REGIONAL_APP,
                "-n",
                "1",
                &target,
            ]),
    );
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let report = run.json();
    assert_eq!(report["verdict"]["status"], "warn");
    assert_eq!(report["snapshot"]["mode"], "unknown");
    assert_eq!(report["tcp"]["summary"]["connected"], 1);
    assert!(
        report["verdict"]["summary"]
            .as_str()
            .unwrap()
            .contains(&dead),
        "{}",
        report["verdict"]["summary"]
    );
}

/// Reader on resource groups only (what the README recommends): the subscription-wide
/// list of zones answers 403. The zone the endpoint's DNS zone group names is still read,
/// the verdict is the export's, and the 403 lands on no check.
#[test]
fn a_403_on_a_subscription_wide_list_is_skipped_when_zone_groups_name_the_zone() {
    let mock = regional();
    let endpoint = format!(
        "{SUB}/resourceGroups/rg-fabrikam/providers/Microsoft.Network/privateEndpoints/pe-sql-fabrikam"
    );
    mock.put(json!({
        "id": format!("{endpoint}/privateDnsZoneGroups/default"), "name": "default",
        "type": "Microsoft.Network/privateEndpoints/privateDnsZoneGroups",
        "properties": {"privateDnsZoneConfigs": [{"name": "db", "properties": {"privateDnsZoneId": ZONE}}]}
    }));
    mock.state().forbidden_subscription_lists = true;
    let run = Run::of(&mut azure(
        "tcpping",
        &mock,
        REGIONAL_APP,
        &["--no-probe", PE_TARGET],
    ));
    let report = run.json();
    assert_eq!(report["verdict"]["cause"], "dns.private-endpoint");
    let text = report["checklist"].to_string();
    assert!(!text.contains("403"), "{text}");
}

/// Reader on resource groups only, and an endpoint made without a DNS zone group: its zone
/// could only be found in the subscription's list, which answers 403. The check says so
/// and names the subscription's role; it never guesses "not linked".
#[test]
fn a_403_on_the_subscription_wide_zone_list_is_named_where_it_was_needed() {
    let mock = regional();
    mock.state().forbidden_subscription_lists = true;
    let run = Run::of(&mut azure(
        "tcpping",
        &mock,
        REGIONAL_APP,
        &["--no-probe", PE_TARGET],
    ));
    let report = run.json();
    let private = check(&report, "dns.private-endpoint");
    let evidence = private["evidence"].as_str().unwrap();
    assert_eq!(private["status"], "skip", "{private}");
    assert!(!evidence.contains("not linked"), "{evidence}");
    assert!(
        evidence.contains(
            "Azure answered 403 AuthorizationFailed for the list of privateDnsZones of subscription 0b7e5a3d-0000-4000-8000-0000000fab01"
        ),
        "{evidence}"
    );
    assert!(
        private["remedy"]
            .as_str()
            .unwrap()
            .contains("Reader role on the subscription"),
        "{private}"
    );
    // Only where it was needed: no other check carries the 403.
    let others: Vec<&Value> = report["checklist"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["id"] != "dns.private-endpoint" && c["evidence"].to_string().contains("403"))
        .collect();
    assert!(others.is_empty(), "{others:#?}");
}

/// The zone's resource group is not readable: `dns.private-endpoint` says so and names the
/// role, and never claims the zone is not linked.
#[test]
fn an_unreadable_zone_is_not_readable_never_not_linked() {
    let mock = regional();
    let endpoint = format!(
        "{SUB}/resourceGroups/rg-fabrikam/providers/Microsoft.Network/privateEndpoints/pe-sql-fabrikam"
    );
    mock.put(json!({
        "id": format!("{endpoint}/privateDnsZoneGroups/default"), "name": "default",
        "type": "Microsoft.Network/privateEndpoints/privateDnsZoneGroups",
        "properties": {"privateDnsZoneConfigs": [{"name": "db", "properties": {"privateDnsZoneId": ZONE}}]}
    }));
    mock.state()
        .forbidden_groups
        .insert("rg-fabrikam-dns".into());
    let run = Run::of(&mut azure(
        "tcpping",
        &mock,
        REGIONAL_APP,
        &["--no-probe", PE_TARGET],
    ));
    let report = run.json();
    let private = check(&report, "dns.private-endpoint");
    let evidence = private["evidence"].as_str().unwrap();
    assert_eq!(private["status"], "skip", "{private}");
    assert!(!evidence.contains("not linked"), "{evidence}");
    assert!(evidence.contains("403"), "{evidence}");
    assert!(
        private["remedy"]
            .as_str()
            .unwrap()
            .contains("resource group rg-fabrikam-dns"),
        "{private}"
    );
    assert_eq!(report["verdict"]["status"], "warn");
}

/// The target VM's NIC has an NSG of its own (portal-made VMs do): it is read, and its
/// Deny is the cause.
#[test]
fn the_target_nics_own_nsg_is_read() {
    let mock = regional();
    let nic = format!(
        "{SUB}/resourceGroups/rg-fabrikam/providers/Microsoft.Network/networkInterfaces/nic-vm-report01"
    );
    let nsg = format!(
        "{SUB}/resourceGroups/rg-fabrikam/providers/Microsoft.Network/networkSecurityGroups/nsg-vm-report01"
    );
    let mut value = mock.state().resources[&nic.to_ascii_lowercase()].clone();
    value["properties"]["networkSecurityGroup"] = json!({"id": nsg});
    mock.put(value);
    mock.put(json!({
        "id": nsg, "name": "nsg-vm-report01", "type": "Microsoft.Network/networkSecurityGroups",
        "location": "westeurope",
        "properties": {"securityRules": [{"name": "deny-apps", "properties": {
            "priority": 100, "direction": "Inbound", "access": "Deny", "protocol": "Tcp",
            "sourceAddressPrefix": "10.20.4.0/26", "sourcePortRange": "*",
            "destinationAddressPrefix": "*", "destinationPortRange": "8443"}}]}
    }));
    let run = Run::of(&mut azure(
        "tcpping",
        &mock,
        REGIONAL_APP,
        &["--no-probe", "10.20.2.4:8443"],
    ));
    let report = run.json();
    assert_eq!(report["verdict"]["cause"], "nsg.inbound", "{}", run.stdout);
    assert!(
        check(&report, "nsg.inbound")["evidence"]
            .as_str()
            .unwrap()
            .contains("nsg-vm-report01"),
    );
}

/// A scale set's NIC is asked with the network provider's scale-set API version; another
/// would be 400 `InvalidApiVersionParameter`.
#[test]
fn a_scale_set_nic_is_asked_with_its_own_api_version() {
    let mock = regional();
    let vmss_nic = format!(
        "{SUB}/resourceGroups/rg-fabrikam/providers/Microsoft.Compute/virtualMachineScaleSets/vmss-report/virtualMachines/0/networkInterfaces/nic-vmss"
    );
    let subnet = format!("{VNET}/subnets/snet-data");
    mock.put(json!({
        "id": vmss_nic, "name": "nic-vmss", "type": "Microsoft.Network/networkInterfaces",
        "properties": {"ipConfigurations": [{"name": "ip1", "id": format!("{vmss_nic}/ipConfigurations/ip1"),
            "properties": {"privateIPAddress": "10.20.2.9", "subnet": {"id": subnet}}}]}
    }));
    let mut vnet = mock.state().resources[&VNET.to_ascii_lowercase()].clone();
    for s in vnet["properties"]["subnets"].as_array_mut().unwrap() {
        if s["name"] == "snet-data" {
            s["properties"]["ipConfigurations"]
                .as_array_mut()
                .unwrap()
                .push(json!({"id": format!("{vmss_nic}/ipConfigurations/ip1")}));
        }
    }
    mock.put(vnet);
    let run = Run::of(&mut azure(
        "tcpping",
        &mock,
        REGIONAL_APP,
        &["--no-probe", "10.20.2.9:8443"],
    ));
    let report = run.json();
    let urls = fetched(&report);
    assert!(
        urls.iter().any(|u| u.starts_with("200 ")
            && u.contains("/networkInterfaces/nic-vmss?api-version=2018-10-01")),
        "{urls:#?}"
    );
    assert!(!urls.iter().any(|u| u.starts_with("400 ")), "{urls:#?}");
}

/// The gateway is read by the id its `GatewaySubnet` names, not found by listing resource
/// groups; the plan's own VNET connections are read, so `plan.vnet-limit` can fail.
#[test]
fn the_gateway_comes_from_its_subnet_and_the_plans_connections_are_read() {
    let mock = gateway();
    let plan = "/subscriptions/6f1c2a4e-0000-4000-8000-00000000c0de/resourceGroups/rg-contoso/providers/Microsoft.Web/serverfarms/plan-contoso";
    for i in 0..6 {
        mock.put(json!({
            "id": format!("{plan}/virtualNetworkConnections/vnet-other-{i}"),
            "name": format!("vnet-other-{i}"),
            "type": "Microsoft.Web/serverfarms/virtualNetworkConnections",
            "properties": {"vnetResourceId": format!("/subscriptions/6f1c2a4e-0000-4000-8000-00000000c0de/resourceGroups/rg-contoso/providers/Microsoft.Network/virtualNetworks/vnet-other-{i}"), "isSwift": false}
        }));
    }
    let run = Run::of(&mut azure(
        "tcpping",
        &mock,
        GATEWAY_APP,
        &["--no-probe", "10.10.2.4:1433"],
    ));
    let report = run.json();
    let urls = fetched(&report);
    assert!(
        !urls
            .iter()
            .any(|u| u.contains("/providers/Microsoft.Network/virtualNetworkGateways?")),
        "no list of gateways: {urls:#?}"
    );
    assert!(
        urls.iter()
            .any(|u| u.contains("/virtualNetworkGateways/") && u.starts_with("200 ")),
        "{urls:#?}"
    );
    assert_eq!(check(&report, "plan.vnet-limit")["status"], "fail");
}

/// A hub-and-spoke app whose private endpoint sits in the peered hub (the hub-spoke
/// example with its endpoint's subnet moved into the hub): the hub's endpoints are read,
/// so the target name is known as the endpoint's.
#[test]
fn endpoints_of_peered_vnets_are_read() {
    let mock = ArmMock::with_exports(&[&netdiag_tests::hub_spoke_export()]);
    mock.rename(
        "resourceGroups/rg-orders/providers/Microsoft.Network/virtualNetworks/vnet-orders-spoke/subnets/snet-pe",
        "resourceGroups/rg-hub/providers/Microsoft.Network/virtualNetworks/vnet-hub/subnets/snet-pe",
    );
    mock.rename("10.30.3.", "10.0.3.");
    let spoke_id = "/subscriptions/2c9d4b1f-0000-4000-8000-00000000a5e1/resourceGroups/rg-orders/providers/Microsoft.Network/virtualNetworks/vnet-orders-spoke";
    let hub_id = "/subscriptions/2c9d4b1f-0000-4000-8000-00000000a5e1/resourceGroups/rg-hub/providers/Microsoft.Network/virtualNetworks/vnet-hub";
    let mut spoke = mock.state().resources[&spoke_id.to_ascii_lowercase()].clone();
    let mut hub = mock.state().resources[&hub_id.to_ascii_lowercase()].clone();
    let subnets = spoke["properties"]["subnets"].as_array_mut().unwrap();
    let at = subnets.iter().position(|s| s["name"] == "snet-pe").unwrap();
    let moved = subnets.remove(at);
    hub["properties"]["subnets"]
        .as_array_mut()
        .unwrap()
        .push(moved);
    mock.put(spoke);
    mock.put(hub);
    let app = "/subscriptions/2c9d4b1f-0000-4000-8000-00000000a5e1/resourceGroups/rg-orders/providers/Microsoft.Web/sites/orders-api";
    let endpoint = "/subscriptions/2c9d4b1f-0000-4000-8000-00000000a5e1/resourceGroups/rg-orders/providers/Microsoft.Network/privateEndpoints/pe-sql-orders";
    let run = Run::of(&mut azure(
        "tcpping",
        &mock,
        app,
        &["--no-probe", "sql-orders.database.windows.net:1433"],
    ));
    let report = run.json();
    let urls = fetched(&report);
    assert!(
        urls.iter().any(|u| u.contains(&format!("{endpoint}?"))),
        "{urls:#?}"
    );
    let private = check(&report, "dns.private-endpoint");
    assert!(
        private["evidence"]
            .as_str()
            .unwrap()
            .contains("pe-sql-orders"),
        "{private}"
    );
}

/// Both examples are gathered in at most 5 round trips one after another (the identity
/// call aside), with up to 8 requests in flight ("Gathering the snapshot from Azure":
/// "Speed"). Latency is added so that each round trip is visible in the mock's log.
#[test]
fn both_examples_are_gathered_in_at_most_five_round_trips() {
    for (mock, app, target) in [
        (regional(), REGIONAL_APP, PE_TARGET),
        (gateway(), GATEWAY_APP, "10.10.2.4:1433"),
    ] {
        mock.state().latency = Duration::from_millis(60);
        let run = Run::of(&mut azure("tcpping", &mock, app, &["--no-probe", target]));
        assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
        let rounds = mock.round_trips();
        assert!(
            rounds <= 5,
            "{app}: {rounds} round trips: {:#?}",
            mock.arm_requests()
                .iter()
                .map(|r| (r.came, r.answered, r.path.clone()))
                .collect::<Vec<_>>()
        );
        assert!(mock.most_in_flight() <= 8);
    }
}

/// A new user outside App Service with neither `--app` nor a token hears both at once;
/// inside App Service without an identity, how to turn it on (issue 24, point 16).
#[test]
fn what_azure_needs_is_said_at_once() {
    let run = Run::of(command("tcpping").args(["--azure", "--no-probe", PE_TARGET]));
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    assert!(run.stderr.contains("--app RESOURCE_ID"), "{}", run.stderr);
    assert!(run.stderr.contains("--arm-token-file"), "{}", run.stderr);

    let run = Run::of(
        command("tcpping")
            .env(
                "WEBSITE_OWNER_NAME",
                "0b7e5a3d-0000-4000-8000-0000000fab01+rg-fabrikam-WestEuropewebspace",
            )
            .env("WEBSITE_RESOURCE_GROUP", "rg-fabrikam")
            .env("WEBSITE_SITE_NAME", "fabrikam-api")
            .args(["--azure", "--no-probe", PE_TARGET]),
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("turn on the app's managed identity: az webapp identity assign -g rg-fabrikam -n fabrikam-api"),
        "{}",
        run.stderr
    );
    assert!(
        !run.stderr.contains("run inside App Service"),
        "{}",
        run.stderr
    );
}

/// ARM that the app cannot reach: said as such, with what usually blocks it (issue 24,
/// point 17).
#[test]
fn an_unreachable_arm_is_explained() {
    let mock = regional();
    let closed = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
    let dead = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let run = Run::of(
        command("tcpping")
            .env("IDENTITY_ENDPOINT", mock.identity_endpoint())
            .env("IDENTITY_HEADER", IDENTITY_HEADER)
            .args([
                "--azure",
                "--arm-endpoint",
                &dead,
                "--app",
                REGIONAL_APP,
                "--no-probe",
                PE_TARGET,
            ]),
    );
    let text = netdiag_tests::logical_lines(&run.stdout).join("\n");
    assert!(
        text.contains(&format!(
            "the app cannot reach Azure Resource Manager at {dead}"
        )),
        "{text}"
    );
    assert!(text.contains("AzureResourceManager service tag"), "{text}");
}

/// The mock is the way to try `--azure` without an account: it prints the command to
/// paste, and that command works as printed (issue 24, point 18).
#[test]
fn the_mock_prints_a_command_that_works_as_printed() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command as StdCommand, Stdio};
    let mock = netdiag_tests::example_binary("arm_mock");
    let mut child = StdCommand::new(&mock)
        .stdout(Stdio::piped())
        .spawn()
        .expect("the mock starts");
    let stdout = child.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    let mut command_line = None;
    for line in lines.by_ref().take(20) {
        let line = line.unwrap();
        if let Some(rest) = line.trim_start_matches('#').trim().strip_prefix("tcpping ") {
            command_line = Some(rest.to_owned());
            break;
        }
    }
    let Some(command_line) = command_line else {
        let _ = child.kill();
        let _ = child.wait();
        panic!("the mock printed no tcpping command line");
    };
    let args: Vec<&str> = command_line.split_whitespace().collect();
    let run = Run::of(command("tcpping").args(&args));
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(run.code, 1, "{command_line}: {}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("Likely cause: dns.private-endpoint"),
        "{}",
        run.stdout
    );
}

/// `--save-network DIR` says where and how many; a directory that holds another app's
/// export is refused (a second app would merge into the first) unless `--force` (issue 24,
/// point 4).
#[test]
fn save_network_says_what_it_wrote_and_keeps_apps_apart() {
    let dir = std::env::temp_dir().join(format!("netdiag-e2e-save2-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let save = |mock: &ArmMock, app: &str, target: &str, force: bool| {
        let mut cmd = command("tcpping");
        cmd.env("IDENTITY_ENDPOINT", mock.identity_endpoint())
            .env("IDENTITY_HEADER", IDENTITY_HEADER)
            .args(["--azure", "--arm-endpoint", &mock.url(), "--app", app])
            .args([
                "--save-network",
                &dir.display().to_string(),
                "--no-probe",
                target,
            ]);
        if force {
            cmd.arg("--force");
        }
        Run::of(&mut cmd)
    };
    let regional = regional();
    let run = save(&regional, REGIONAL_APP, PE_TARGET, false);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let written = std::fs::read_dir(&dir).unwrap().count();
    assert!(
        run.stderr.contains(&format!(
            "Saved {written} resources to {} (read them back with --network {})",
            dir.display(),
            dir.display()
        )),
        "{}",
        run.stderr
    );
    // The same app again: fine, the files are replaced.
    assert_eq!(save(&regional, REGIONAL_APP, PE_TARGET, false).code, 1);
    // Another app into the same directory: refused, naming both.
    let gateway = gateway();
    let run = save(&gateway, GATEWAY_APP, "10.10.2.4:1433", false);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("holds the export of another app (fabrikam-api)"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("--force"), "{}", run.stderr);
    assert_eq!(save(&gateway, GATEWAY_APP, "10.10.2.4:1433", true).code, 1);
    let _ = std::fs::remove_dir_all(&dir);
}
