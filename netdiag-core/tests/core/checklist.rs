//! Every check of the checklist, pass and fail (and skip where data is missing), on the
//! shipped example export with one thing changed at a time. Snapshot addresses are only
//! evaluated here, never contacted.

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::time::{Duration, SystemTime};

use netdiag_core::checklist::{Check, Evaluation, Inputs, Stage, Status, Target};
use netdiag_core::dns::config::TimeoutSource;
use netdiag_core::dns::{DnsAttempt, DnsConfig, DnsOutcome, DnsServer, Lookup, ServerSource};
use netdiag_core::nsg::Protocol;
use netdiag_core::settings::AppSettings;
use netdiag_core::snapshot::Snapshot;
use netdiag_core::tcp::{ProbeRun, TcpAttempt, TcpOutcome, TcpSummary};
use serde_json::{Value, json};

/// The example export as file name -> JSON, to be changed by a test.
pub(crate) fn example() -> BTreeMap<String, Value> {
    netdiag_tests::read_export(&netdiag_tests::example_export())
        .into_iter()
        .collect()
}

pub(crate) fn snapshot(files: &BTreeMap<String, Value>) -> Snapshot {
    let mut snapshot = Snapshot::default();
    for (name, value) in files {
        snapshot.load_text(name, &value.to_string()).unwrap();
    }
    snapshot
}

/// What a run against the target saw, apart from the snapshot.
pub(crate) struct Seen {
    pub(crate) target: &'static str,
    pub(crate) port: u16,
    pub(crate) settings: Vec<(&'static str, &'static str)>,
    pub(crate) lookup: Option<Lookup>,
    pub(crate) tcp: Option<TcpSummary>,
    pub(crate) now: SystemTime,
    /// The app's DNS servers (from the VNET).
    pub(crate) servers: &'static [&'static str],
}

impl Default for Seen {
    fn default() -> Self {
        Self {
            target: "10.10.2.4",
            port: 1433,
            settings: Vec::new(),
            lookup: None,
            tcp: None,
            now: SystemTime::now(),
            servers: &["10.10.0.4:53"],
        }
    }
}

pub(crate) fn dns_config_of(servers: &[&str]) -> DnsConfig {
    let servers = servers
        .iter()
        .map(|address| DnsServer::new(address.parse().unwrap(), ServerSource::Network))
        .collect();
    DnsConfig {
        timeout_source: TimeoutSource::Default,
        attempts: 1,
        model: netdiag_core::dns::QueryModel::Sequential,
        ..DnsConfig::asking(servers, Duration::from_secs(3))
    }
}

pub(crate) fn evaluate_with(files: Option<&BTreeMap<String, Value>>, seen: &Seen) -> Evaluation {
    let snapshot = files.map(snapshot);
    evaluate_snapshot(snapshot.as_ref(), seen)
}

/// The checklist on a snapshot already loaded (and changed as loading cannot: gaps).
pub(crate) fn evaluate_snapshot(snapshot: Option<&Snapshot>, seen: &Seen) -> Evaluation {
    let settings = AppSettings::from_pairs(seen.settings.iter().copied());
    let mut config = dns_config_of(seen.servers);
    // The app's cache time comes from its site and settings, as in a run.
    let site = snapshot.and_then(|s| s.site_dns(settings.get("WEBSITE_SITE_NAME")));
    config.cache = netdiag_core::dns::config::CacheTime::of(site.as_ref(), &settings);
    // A resolved name leads to its first address, as in a run.
    let resolved = seen
        .lookup
        .as_ref()
        .and_then(|l| l.answer.as_ref())
        .and_then(|a| a.addresses.first().copied());
    let inputs = Inputs {
        target: Target {
            host: seen.target.to_owned(),
            name: seen
                .target
                .parse::<IpAddr>()
                .is_err()
                .then(|| seen.target.to_owned()),
            ip: seen.target.parse::<IpAddr>().ok().or(resolved),
            port: seen.port,
            protocol: Protocol::Tcp,
            lookup: None,
            also_asked: Vec::new(),
        },
        settings: &settings,
        snapshot,
        dns: seen.lookup.as_ref().map(|lookup| (&config, lookup)),
        dns_config: Some(&config),
        tcp: seen.tcp.as_ref(),
        probed: seen.lookup.is_some() || seen.tcp.is_some(),
        now: seen.now,
    };
    Evaluation::new(&inputs)
}

pub(crate) fn find<'a>(checks: &'a [Check], id: &str) -> &'a Check {
    checks
        .iter()
        .find(|c| c.id == id)
        .unwrap_or_else(|| panic!("no check {id}"))
}

/// The status of one check after changing the example with `change`.
pub(crate) fn status_after(
    id: &str,
    change: impl FnOnce(&mut BTreeMap<String, Value>),
) -> (Status, String) {
    status_seen(id, change, &Seen::default())
}

pub(crate) fn status_seen(
    id: &str,
    change: impl FnOnce(&mut BTreeMap<String, Value>),
    seen: &Seen,
) -> (Status, String) {
    let check = check_of(example(), change, seen, id);
    (check.status, check.evidence)
}

/// One check after changing `files` (an example export) with `change`.
pub(crate) fn check_of(
    mut files: BTreeMap<String, Value>,
    change: impl FnOnce(&mut BTreeMap<String, Value>),
    seen: &Seen,
    id: &str,
) -> Check {
    change(&mut files);
    let evaluation = evaluate_with(Some(&files), seen);
    find(&evaluation.checks, id).clone()
}

pub(crate) fn unchanged(_: &mut BTreeMap<String, Value>) {}

#[test]
fn the_example_has_one_planted_problem_and_the_ids_in_tree_order() {
    let evaluation = evaluate_with(Some(&example()), &Seen::default());
    let ids: Vec<&str> = evaluation.checks.iter().map(|c| c.id).collect();
    assert_eq!(ids, netdiag_tests::CHECK_IDS);
    let stages: Vec<Stage> = evaluation.checks.iter().map(|c| c.stage).collect();
    assert!(
        stages.windows(2).all(|w| w[0] <= w[1]),
        "stages out of order"
    );
    let failing: Vec<&str> = evaluation
        .checks
        .iter()
        .filter(|c| c.status == Status::Fail)
        .map(|c| c.id)
        .collect();
    assert_eq!(failing, ["nsg.p2s-to-target"]);
    assert!(
        evaluation
            .verdict(None)
            .summary
            .starts_with("nsg.p2s-to-target: "),
        "{}",
        evaluation.verdict(None).summary
    );
    assert!(
        evaluation
            .verdict(None)
            .summary
            .contains("172.16.200.128/25 by nsg-data/Deny-Sql-from-anywhere-else")
    );
    assert!(
        evaluation.verdict(None).next_steps[0].starts_with(
            "[nsg.p2s-to-target] Widen rule Allow-Sql-from-AppService-P2S of nsg-data to the whole P2S pool 172.16.200.0/24 (it admits 172.16.200.0/25 only): az network nsg rule update -g rg-contoso --nsg-name nsg-data -n Allow-Sql-from-AppService-P2S --source-address-prefixes 172.16.200.0/24"
        ),
        "{:?}",
        evaluation.verdict(None).next_steps
    );
}

#[test]
fn without_a_snapshot_the_snapshot_checks_skip_and_say_why() {
    let evaluation = evaluate_with(None, &Seen::default());
    for check in &evaluation.checks {
        if matches!(
            check.stage,
            Stage::App | Stage::Integration | Stage::Addresses | Stage::Path
        ) && check.id != "app.private-ip"
            // The target is an IP address: no name to resolve, with or without a snapshot.
            && check.id != "dns.configured"
            && check.id != "dns.private-endpoint"
        {
            assert_eq!(check.status, Status::Skip, "{}", check.id);
            assert!(
                check.evidence.contains("--network"),
                "{}: {}",
                check.id,
                check.evidence
            );
        }
    }
    assert!(!evaluation.any_failed());
}

pub(crate) fn lookup(outcomes: &[(DnsOutcome, &str)]) -> Lookup {
    let attempts = outcomes
        .iter()
        .map(|(outcome, server)| DnsAttempt {
            server: server.parse().unwrap(),
            source: ServerSource::Network,
            round: 1,
            outcome: *outcome,
            elapsed: Duration::from_millis(if *outcome == DnsOutcome::Timeout {
                3000
            } else {
                2
            }),
            rcode: None,
            message: None,
        })
        .collect();
    Lookup {
        attempts,
        outcome: outcomes.last().unwrap().0,
        answer: None,
    }
}

pub(crate) fn tcp(outcomes: &[TcpOutcome]) -> TcpSummary {
    TcpSummary::of(&ProbeRun::from_attempts(
        outcomes
            .iter()
            .enumerate()
            .map(|(i, outcome)| TcpAttempt {
                seq: u32::try_from(i).unwrap() + 1,
                at: SystemTime::now(),
                local: None,
                address: Some("10.10.2.4:1433".parse().unwrap()),
                outcome: *outcome,
                elapsed: Duration::from_millis(5),
                message: None,
                os_error: None,
            })
            .collect(),
        false,
    ))
}

#[test]
fn probe_checks() {
    let dead_then_answer = Seen {
        lookup: Some(lookup(&[
            (DnsOutcome::Timeout, "10.10.0.5:53"),
            (DnsOutcome::Answered, "10.10.0.4:53"),
        ])),
        ..Seen::default()
    };
    let (status, evidence) = status_seen("dns.reachable", unchanged, &dead_then_answer);
    assert_eq!(status, Status::Fail);
    assert!(
        evidence.contains("10.10.0.5:53") && evidence.contains("3s"),
        "{evidence}"
    );
    assert_eq!(
        status_seen("dns.resolves", unchanged, &dead_then_answer).0,
        Status::Pass
    );

    let nxdomain = Seen {
        lookup: Some(lookup(&[(DnsOutcome::Nxdomain, "10.10.0.4:53")])),
        ..Seen::default()
    };
    assert_eq!(
        status_seen("dns.reachable", unchanged, &nxdomain).0,
        Status::Pass
    );
    let (status, evidence) = status_seen("dns.resolves", unchanged, &nxdomain);
    assert_eq!(status, Status::Fail);
    assert!(evidence.contains("NXDOMAIN"));
    assert_eq!(status_after("dns.resolves", unchanged).0, Status::Skip);

    let timeouts = Seen {
        tcp: Some(tcp(&[TcpOutcome::Timeout; 4])),
        ..Seen::default()
    };
    let (status, evidence) = status_seen("tcp.connect", unchanged, &timeouts);
    assert_eq!(status, Status::Fail);
    assert!(
        evidence.contains("timeout ×4") && evidence.contains("drops the packets"),
        "{evidence}"
    );
    let some = Seen {
        tcp: Some(tcp(&[TcpOutcome::Connected, TcpOutcome::Timeout])),
        ..Seen::default()
    };
    assert_eq!(status_seen("tcp.connect", unchanged, &some).0, Status::Warn);
    let all = Seen {
        tcp: Some(tcp(&[TcpOutcome::Connected])),
        ..Seen::default()
    };
    assert_eq!(status_seen("tcp.connect", unchanged, &all).0, Status::Pass);
    assert_eq!(status_after("tcp.connect", unchanged).0, Status::Skip);
}

#[test]
fn the_snapshot_cause_leads_the_verdict_and_the_probe_is_the_symptom() {
    let files = example();
    let seen = Seen {
        tcp: Some(tcp(&[TcpOutcome::Timeout; 4])),
        ..Seen::default()
    };
    let evaluation = evaluate_with(Some(&files), &seen);
    assert!(
        evaluation
            .verdict(None)
            .summary
            .starts_with("nsg.p2s-to-target: ")
    );
    assert!(
        evaluation
            .verdict(None)
            .summary
            .contains("Seen: no attempt connected"),
        "{}",
        evaluation.verdict(None).summary
    );
}

#[test]
fn dns_configured() {
    let name = Seen {
        target: "sql01.contoso.internal",
        ..Seen::default()
    };
    assert_eq!(
        status_seen("dns.configured", unchanged, &name).0,
        Status::Pass
    );
    // Without custom DNS private zones linked to the VNET still resolve: a warning.
    let (status, evidence) = status_seen(
        "dns.configured",
        |f| {
            f.get_mut("vnet.json").unwrap()["properties"]["dhcpOptions"]["dnsServers"] = json!([]);
            f.get_mut("vnet-connection.json").unwrap()["properties"]["dnsServers"] = json!(null);
        },
        &name,
    );
    assert_eq!(status, Status::Warn, "{evidence}");
    assert!(evidence.contains("no custom DNS servers"), "{evidence}");
    // An IP target resolves nothing.
    let (status, evidence) = status_after("dns.configured", unchanged);
    assert_eq!(status, Status::Skip);
    assert!(
        evidence.contains("10.10.2.4 is an IP address"),
        "{evidence}"
    );
}

#[test]
fn app_private_ip() {
    let in_app = |ip: &'static str| Seen {
        settings: vec![
            ("WEBSITE_SITE_NAME", "contoso-web"),
            ("WEBSITE_PRIVATE_IP", ip),
        ],
        ..Seen::default()
    };
    assert_eq!(
        status_seen("app.private-ip", unchanged, &in_app("172.16.200.77")).0,
        Status::Pass
    );
    let (status, evidence) = status_seen("app.private-ip", unchanged, &in_app("10.99.0.1"));
    assert_eq!(status, Status::Fail);
    assert!(
        evidence.contains("outside the P2S pool 172.16.200.0/24"),
        "{evidence}"
    );
    let missing = Seen {
        settings: vec![("WEBSITE_SITE_NAME", "contoso-web")],
        ..Seen::default()
    };
    assert_eq!(
        status_seen("app.private-ip", unchanged, &missing).0,
        Status::Fail
    );
    assert_eq!(status_after("app.private-ip", unchanged).0, Status::Skip);
}

#[test]
fn plan_checks() {
    assert_eq!(status_after("plan.tier", unchanged).0, Status::Pass);
    assert_eq!(
        status_after("plan.tier", |f| {
            f.get_mut("plan.json").unwrap()["sku"]["tier"] = json!("Free");
        })
        .0,
        Status::Fail
    );
    // Basic supports both integration modes.
    assert_eq!(
        status_after("plan.tier", |f| {
            f.get_mut("plan.json").unwrap()["sku"]["tier"] = json!("Basic");
        })
        .0,
        Status::Pass
    );
    let free = evaluate_with(
        Some(&{
            let mut files = example();
            files.get_mut("plan.json").unwrap()["sku"]["tier"] = json!("Free");
            files
        }),
        &Seen::default(),
    );
    let remedy = &find(&free.checks, "plan.tier").remedy;
    assert!(!remedy.contains("Isolated"), "{remedy}");
    assert_eq!(
        status_after("plan.tier", |f| {
            f.remove("plan.json");
        })
        .0,
        Status::Skip
    );

    assert_eq!(status_after("plan.vnet-limit", unchanged).0, Status::Pass);
    let (status, evidence) = status_after("plan.vnet-limit", |f| {
        let plan_id = f["plan.json"]["id"].as_str().unwrap().to_owned();
        let connections: Vec<Value> = (0..6)
            .map(|i| json!({
                "id": format!("{plan_id}/virtualNetworkConnections/vnet{i}"),
                "name": format!("vnet{i}"),
                "type": "Microsoft.Web/serverfarms/virtualNetworkConnections",
                "properties": {"vnetResourceId": format!("/subscriptions/x/resourceGroups/r/providers/Microsoft.Network/virtualNetworks/vnet{i}")}
            }))
            .collect();
        f.insert("plan-connections.json".into(), Value::Array(connections));
    });
    assert_eq!(status, Status::Fail);
    assert!(evidence.contains("7 VNETs"), "{evidence}");
}

#[test]
fn app_single_vnet() {
    assert_eq!(status_after("app.single-vnet", unchanged).0, Status::Pass);
    let (status, evidence) = status_after("app.single-vnet", |f| {
        let mut second = f["vnet-connection.json"].clone();
        second["id"] = json!(
            second["id"]
                .as_str()
                .unwrap()
                .replace("vnet-contoso", "vnet-other")
        );
        second["name"] = json!("vnet-other");
        f.insert("second-connection.json".into(), second);
    });
    assert_eq!(status, Status::Fail);
    assert!(evidence.contains("vnet-other"), "{evidence}");
}

#[test]
fn vnet_subscription_and_location() {
    assert_eq!(
        status_after("vnet.same-subscription", unchanged).0,
        Status::Pass
    );
    let (status, evidence) = status_after("vnet.same-subscription", |f| {
        let other = |v: &Value| {
            json!(v.as_str().unwrap().replace(
                "6f1c2a4e-0000-4000-8000-00000000c0de",
                "aaaaaaaa-0000-4000-8000-000000000001"
            ))
        };
        let plan = f.get_mut("plan.json").unwrap();
        plan["id"] = other(&plan["id"]);
        let site = f.get_mut("site.json").unwrap();
        site["properties"]["serverFarmId"] = other(&site["properties"]["serverFarmId"]);
    });
    assert_eq!(status, Status::Fail);
    assert!(evidence.contains("aaaaaaaa-"), "{evidence}");

    assert_eq!(status_after("vnet.location", unchanged).0, Status::Pass);
    assert_eq!(
        status_after("vnet.location", |f| {
            f.get_mut("vnet.json").unwrap()["location"] = json!("eastus");
        })
        .0,
        Status::Warn
    );
}

#[test]
fn gateway_checks() {
    for id in [
        "gateway.present",
        "gateway.type",
        "gateway.routing",
        "gateway.p2s",
        "gateway.status",
    ] {
        assert_eq!(status_after(id, unchanged).0, Status::Pass, "{id}");
    }
    assert_eq!(
        status_after("gateway.present", |f| {
            f.remove("gateway.json");
        })
        .0,
        Status::Fail
    );
    assert_eq!(
        status_after("gateway.routing", |f| {
            f.remove("gateway.json");
        })
        .0,
        Status::Skip
    );
    let (status, evidence) = status_after("gateway.type", |f| {
        let mut er = f["gateway.json"].clone();
        er["id"] = json!(
            er["id"]
                .as_str()
                .unwrap()
                .replace("vgw-contoso", "ergw-contoso")
        );
        er["name"] = json!("ergw-contoso");
        er["properties"]["gatewayType"] = json!("ExpressRoute");
        f.insert("er.json".into(), er);
    });
    assert_eq!(status, Status::Fail);
    assert!(evidence.contains("ergw-contoso"));
    assert_eq!(
        status_after("gateway.routing", |f| {
            f.get_mut("gateway.json").unwrap()["properties"]["vpnType"] = json!("PolicyBased");
        })
        .0,
        Status::Fail
    );
    assert_eq!(status_after("gateway.p2s", |f| { f.get_mut("gateway.json").unwrap()["properties"]["vpnClientConfiguration"]["vpnClientAddressPool"] = json!(null); }).0, Status::Fail);
    assert_eq!(
        status_after("gateway.status", |f| {
            f.get_mut("gateway.json").unwrap()["properties"]["provisioningState"] = json!("Failed");
        })
        .0,
        Status::Fail
    );
    // A site-to-site link that is down is a warning here: only targets behind it suffer.
    let (status, evidence) = status_after("gateway.status", |f| {
        f.get_mut("onprem.json").unwrap()["value"][1]["properties"]["connectionStatus"] =
            json!("NotConnected");
    });
    assert_eq!(status, Status::Warn);
    assert!(
        evidence.contains("cn-amsterdam is NotConnected"),
        "{evidence}"
    );
}

#[test]
fn regional_integration_skips_the_gateway_checks() {
    let (status, evidence) = status_after("gateway.present", |f| {
        f.get_mut("vnet-connection.json").unwrap()["properties"]["isSwift"] = json!(true);
    });
    assert_eq!(status, Status::Skip);
    assert_eq!(evidence, "does not apply to regional integration");
}

#[test]
fn certificates() {
    let (status, evidence) = status_after("certs.in-sync", unchanged);
    assert_eq!(status, Status::Pass);
    assert!(evidence.contains("72A5486BB07FC4354519DB241981358EE7210236"));
    // Only the blob: its thumbprint is computed.
    assert_eq!(
        status_after("certs.in-sync", |f| {
            f.get_mut("vnet-connection.json").unwrap()["properties"]["certThumbprint"] =
                json!(null);
        })
        .0,
        Status::Pass
    );
    let (status, evidence) = status_after("certs.in-sync", |f| {
        f.get_mut("vnet-connection.json").unwrap()["properties"]["certThumbprint"] =
            json!("00112233445566778899AABBCCDDEEFF00112233");
    });
    assert_eq!(status, Status::Fail);
    assert!(
        evidence.contains("00112233445566778899AABBCCDDEEFF00112233")
            && evidence.contains("P2SRootCert-contoso 72A5486B"),
        "{evidence}"
    );
}

#[test]
fn network_in_sync() {
    assert_eq!(status_after("network.in-sync", unchanged).0, Status::Pass);
    assert_eq!(
        status_after("network.in-sync", |f| {
            f.get_mut("vnet-connection.json").unwrap()["properties"]["resyncRequired"] =
                json!(true);
        })
        .0,
        Status::Fail
    );
    let (status, evidence) = status_after("network.in-sync", |f| {
        f.get_mut("vnet.json").unwrap()["addressSpace"]["addressPrefixes"] =
            json!(["10.10.0.0/16", "10.20.0.0/16"]);
    });
    assert_eq!(status, Status::Fail);
    assert!(
        evidence.contains("10.20.0.0/16 is not in the app's routes"),
        "{evidence}"
    );
    let (status, evidence) = status_after("network.in-sync", |f| {
        f.get_mut("vnet.json").unwrap()["dhcpOptions"]["dnsServers"] =
            json!(["10.10.0.4", "10.10.0.5"]);
    });
    assert_eq!(status, Status::Fail);
    assert!(evidence.contains("DNS servers"), "{evidence}");
}

#[test]
fn addresses() {
    assert_eq!(status_after("p2s.rfc1918", unchanged).0, Status::Pass);
    let (status, evidence) = status_after("p2s.rfc1918", |f| {
        f.get_mut("gateway.json").unwrap()["properties"]["vpnClientConfiguration"]["vpnClientAddressPool"]
            ["addressPrefixes"] = json!(["100.64.0.0/24"]);
    });
    assert_eq!(status, Status::Fail);
    assert!(evidence.contains("100.64.0.0/24"));

    assert_eq!(status_after("address.overlap", unchanged).0, Status::Pass);
    let (status, evidence) = status_after("address.overlap", |f| {
        f.get_mut("onprem.json").unwrap()["value"][0]["properties"]["localNetworkAddressSpace"]["addressPrefixes"] =
            json!(["192.168.0.0/16", "10.10.5.0/24"]);
    });
    assert_eq!(status, Status::Fail);
    assert!(
        evidence.contains(
            "VNET vnet-contoso 10.10.0.0/16 overlaps on-premises lgw-amsterdam 10.10.5.0/24"
        ),
        "{evidence}"
    );
}

#[test]
fn route_target() {
    assert_eq!(status_after("route.target", unchanged).0, Status::Pass);
    let outside = Seen {
        target: "10.50.0.4",
        ..Seen::default()
    };
    let (status, evidence) = status_seen("route.target", unchanged, &outside);
    assert_eq!(status, Status::Fail);
    assert!(evidence.contains("over the internet"), "{evidence}");
    let route_all = |f: &mut BTreeMap<String, Value>| {
        f.get_mut("site.json").unwrap()["properties"]["vnetRouteAllEnabled"] = json!(true);
    };
    // Route All does not apply to gateway-required integration.
    let (status, evidence) = status_seen("route.target", route_all, &outside);
    assert_eq!(status, Status::Fail);
    assert!(
        evidence.contains("(Route All, vnetRouteAllEnabled, does not apply to gateway-required"),
        "{evidence}"
    );
    let name = Seen {
        target: "sql01.contoso.internal",
        ..Seen::default()
    };
    assert_eq!(
        status_seen("route.target", unchanged, &name).0,
        Status::Skip
    );
}

pub(crate) fn set_rule_sources(files: &mut BTreeMap<String, Value>, rule: usize, sources: Value) {
    files.get_mut("nsg-data.json").unwrap()["properties"]["securityRules"][rule]["properties"]["sourceAddressPrefixes"] =
        sources;
}

#[test]
fn nsg_p2s_to_target() {
    let mut files = example();
    let evaluation = evaluate_with(Some(&files), &Seen::default());
    let check = find(&evaluation.checks, "nsg.p2s-to-target");
    assert_eq!(check.status, Status::Fail);
    let details = serde_json::to_value(check.details.as_ref().unwrap()).unwrap();
    assert_eq!(details["pool"], json!(["172.16.200.0/24"]));
    assert_eq!(details["target"], "10.10.2.4");
    assert_eq!(details["port"], 1433);
    assert_eq!(
        details["allowed"],
        json!([{"range": "172.16.200.0/25", "nsg": "nsg-data", "rule": "Allow-Sql-from-AppService-P2S"}])
    );
    assert_eq!(
        details["blocked"],
        json!([{"range": "172.16.200.128/25", "nsg": "nsg-data", "rule": "Deny-Sql-from-anywhere-else"}])
    );
    assert_eq!(details["undecided"], json!([]));

    set_rule_sources(&mut files, 1, json!(["172.16.200.0/24"]));
    let evaluation = evaluate_with(Some(&files), &Seen::default());
    assert_eq!(
        find(&evaluation.checks, "nsg.p2s-to-target").status,
        Status::Pass
    );

    // Another port is not covered by the allow rules: the deny rule does not apply either
    // (1433 only), so the default AllowVnetInBound lets the pool in, as Azure would.
    let other_port = Seen {
        port: 443,
        ..Seen::default()
    };
    let (status, evidence) = status_seen("nsg.p2s-to-target", unchanged, &other_port);
    assert_eq!(status, Status::Pass, "{evidence}");
    assert!(
        evidence.contains("assumed: the VirtualNetwork tag of vnet-contoso includes the P2S pool"),
        "{evidence}"
    );

    // A service tag that cannot be decided offline makes it a warning naming the rule.
    let (status, evidence) = status_after("nsg.p2s-to-target", |f| {
        set_rule_sources(f, 1, json!(["AzureCloud"]));
    });
    assert_eq!(status, Status::Warn);
    assert!(
        evidence.contains("172.16.200.0/24 by nsg-data/Allow-Sql-from-AppService-P2S"),
        "{evidence}"
    );
}

#[test]
fn nic_nsg_blocks_after_the_subnet_allows() {
    let (status, evidence) = status_after("nsg.p2s-to-target", |f| {
        set_rule_sources(f, 1, json!(["172.16.200.0/24"]));
        let nsg_id = f["nsg-data.json"]["id"]
            .as_str()
            .unwrap()
            .replace("nsg-data", "nsg-sql-nic");
        f.insert("nsg-nic.json".into(), json!({
            "id": nsg_id, "name": "nsg-sql-nic", "type": "Microsoft.Network/networkSecurityGroups",
            "securityRules": [{"name": "Deny-P2S-low", "priority": 100, "direction": "Inbound", "access": "Deny",
              "protocol": "*", "sourceAddressPrefix": "172.16.200.0/26", "sourcePortRange": "*",
              "destinationAddressPrefix": "*", "destinationPortRange": "*"}]
        }));
        f.get_mut("nic-sql.json").unwrap()["properties"]["networkSecurityGroup"] =
            json!({"id": nsg_id});
    });
    assert_eq!(status, Status::Fail);
    assert!(
        evidence.contains("172.16.200.0/26 by nsg-sql-nic/Deny-P2S-low"),
        "{evidence}"
    );
}

#[test]
fn udr_return_path() {
    assert_eq!(status_after("udr.return-path", unchanged).0, Status::Pass);
    let (status, evidence) = status_after("udr.return-path", |f| {
        f.get_mut("rt-data.json").unwrap()["properties"]["routes"]
            .as_array_mut()
            .unwrap()
            .push(json!({"name": "p2s-to-firewall", "properties": {"addressPrefix": "172.16.200.0/24", "nextHopType": "VirtualAppliance", "nextHopIpAddress": "10.10.1.4"}}));
    });
    assert_eq!(status, Status::Fail);
    assert!(
        evidence
            .contains("172.16.200.0/24 to VirtualAppliance 10.10.1.4 by rt-data/p2s-to-firewall"),
        "{evidence}"
    );
    let (status, evidence) = status_after("udr.return-path", |f| {
        f.get_mut("rt-data.json").unwrap()["properties"]["disableBgpRoutePropagation"] =
            json!(true);
    });
    assert_eq!(status, Status::Fail);
    assert!(
        evidence.contains("172.16.200.0/24 to None by system route 172.16.0.0/12"),
        "{evidence}"
    );
    assert!(
        evidence.contains("dropped, not sent to the internet"),
        "{evidence}"
    );
}

#[test]
fn on_premises_targets() {
    let onprem = Seen {
        target: "192.168.10.5",
        ..Seen::default()
    };
    assert_eq!(
        status_seen("onprem.s2s-connected", unchanged, &onprem).0,
        Status::Pass
    );
    assert_eq!(
        status_seen("onprem.p2s-route", unchanged, &onprem).0,
        Status::Manual
    );
    let down = |f: &mut BTreeMap<String, Value>| {
        f.get_mut("onprem.json").unwrap()["value"][1]["properties"]["connectionStatus"] =
            json!("Connecting");
    };
    let (status, evidence) = status_seen("onprem.s2s-connected", down, &onprem);
    assert_eq!(status, Status::Fail);
    assert!(
        evidence.contains("cn-amsterdam is Connecting"),
        "{evidence}"
    );
    assert_eq!(
        status_after("onprem.s2s-connected", unchanged).0,
        Status::Skip
    );
    assert_eq!(status_after("onprem.p2s-route", unchanged).0, Status::Skip);
}

#[test]
fn host_steps() {
    assert_eq!(status_after("host.firewall", unchanged).0, Status::Manual);
    assert_eq!(status_after("vm.cross-check", unchanged).0, Status::Manual);
    assert_eq!(status_after("host.listening", unchanged).0, Status::Skip);
    let refused = Seen {
        tcp: Some(tcp(&[TcpOutcome::Refused])),
        ..Seen::default()
    };
    assert_eq!(
        status_seen("host.listening", unchanged, &refused).0,
        Status::Manual
    );
}

/// `--azure`: a resource Azure would not give is joined by its id to the checks that
/// referenced it (here the target subnet's NSG), and only to them.
#[test]
fn an_unreadable_resource_is_named_by_the_checks_that_lacked_it() {
    let mut files = example();
    let nsg = files.remove("nsg-data.json").unwrap();
    let id = nsg["id"].as_str().unwrap().to_owned();
    let mut snapshot = snapshot(&files);
    snapshot
        .unavailable
        .push(netdiag_core::snapshot::Unavailable {
            // Azure's ids keep their case; the snapshot's references may not.
            id: id.to_ascii_uppercase(),
            status: 403,
            code: Some("AuthorizationFailed".to_owned()),
            message: "no access".to_owned(),
        });
    let evaluation = evaluate_snapshot(Some(&snapshot), &Seen::default());
    let nsg_check = find(&evaluation.checks, "nsg.p2s-to-target");
    assert_eq!(nsg_check.status, Status::Warn, "{}", nsg_check.evidence);
    assert!(
        nsg_check.evidence.contains("403 AuthorizationFailed"),
        "{}",
        nsg_check.evidence
    );
    assert!(nsg_check.remedy.contains("Reader"), "{}", nsg_check.remedy);
    for check in &evaluation.checks {
        if check.id != "nsg.p2s-to-target" && check.status != Status::Skip {
            assert!(
                !check.evidence.contains("AuthorizationFailed"),
                "{} names a gap it did not lack: {}",
                check.id,
                check.evidence
            );
        }
    }
}

/// Every remedy that names ports, ranges or servers reads as a sentence when several servers
/// failed, in both modes and without a snapshot: it starts with a capital, ends with a full
/// stop, and has no hole or doubled word where a list went in (a trial found "from the whole
/// 15354").
#[test]
fn every_remedy_reads_as_a_sentence_with_several_failed_servers() {
    let failed = || {
        lookup(&[
            (DnsOutcome::Timeout, "10.10.0.5:53"),
            (DnsOutcome::Unreachable, "10.10.0.6:5353"),
            (DnsOutcome::Servfail, "10.10.0.7:53"),
        ])
    };
    let regional = super::private_endpoint::regional_example();
    let gateway = example();
    for (name, files) in [
        ("gateway", Some(&gateway)),
        ("regional", Some(&regional)),
        ("none", None),
    ] {
        let seen = Seen {
            target: "db.contoso.internal",
            lookup: Some(failed()),
            ..Seen::default()
        };
        let evaluation = evaluate_with(files, &seen);
        let remedies: Vec<(&str, &str)> = evaluation
            .checks
            .iter()
            .filter(|c| matches!(c.status, Status::Fail | Status::Warn) && !c.remedy.is_empty())
            .map(|c| (c.id, c.remedy.as_str()))
            .collect();
        assert!(
            remedies.iter().any(|(id, _)| *id == "dns.resolves"),
            "{name}: {remedies:?}"
        );
        for (id, remedy) in remedies {
            let words: Vec<&str> = remedy.split_whitespace().collect();
            assert!(
                remedy.starts_with(|c: char| c.is_uppercase()) && remedy.ends_with(['.', ')']),
                "{name} {id}: {remedy}"
            );
            assert!(
                !remedy.contains(['{', '}'])
                    && !remedy.contains("  ")
                    && !remedy.contains(" ,")
                    && !remedy.contains(") ("),
                "{name} {id}: {remedy}"
            );
            assert!(
                !words
                    .windows(2)
                    .any(|w| w[0] == "whole" && w[1].starts_with(|c: char| c.is_ascii_digit())),
                "{name} {id}: {remedy}"
            );
            assert!(
                !words
                    .windows(2)
                    .any(|w| w[0].eq_ignore_ascii_case(w[1]) && w[0].len() > 2),
                "{name} {id}: a doubled word: {remedy}"
            );
        }
    }
}

/// The `dns.reachable` remedy with several dead servers reads as a sentence: the ports, then
/// the whole source range, then the servers (a trial found them swapped: "Allow UDP and TCP
/// address range ... from the whole 15354"); an unreachable server fails it like a silent one.
#[test]
fn the_dns_reachable_remedy_reads_as_a_sentence_with_several_servers() {
    let files = example();
    let seen = Seen {
        lookup: Some(lookup(&[
            (DnsOutcome::Timeout, "10.10.0.5:53"),
            (DnsOutcome::Unreachable, "10.10.0.6:5353"),
            (DnsOutcome::Answered, "10.10.0.4:53"),
        ])),
        ..Seen::default()
    };
    let evaluation = evaluate_with(Some(&files), &seen);
    let check = evaluation
        .checks
        .iter()
        .find(|c| c.id == "dns.reachable")
        .unwrap();
    assert_eq!(check.status, Status::Fail);
    assert!(
        check.evidence.contains("10.10.0.5:53") && check.evidence.contains("10.10.0.6:5353"),
        "{}",
        check.evidence
    );
    assert_eq!(
        check.remedy,
        "Allow UDP and TCP ports 53 and 5353 from the whole pool 172.16.200.0/24 to these DNS servers (NSGs, firewalls, and the routes back), or remove the dead servers from the app's DNS settings."
    );
}
