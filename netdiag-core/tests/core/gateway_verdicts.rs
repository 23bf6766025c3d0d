//! Gateway-required integration: one fixture per false pass or wrong cause that support
//! engineers hit (each a change to the shipped example export), checked through the
//! library. The example's addresses are only evaluated, never contacted.

use std::collections::BTreeMap;
use std::time::{Duration, SystemTime};

use netdiag_core::checklist::Status;
use serde_json::{Value, json};

use super::checklist::{Seen, evaluate_with, example, find, status_after, status_seen, unchanged};

const SUB: &str =
    "/subscriptions/6f1c2a4e-0000-4000-8000-00000000c0de/resourceGroups/rg-contoso/providers";

fn p2s(files: &mut BTreeMap<String, Value>) -> &mut Value {
    &mut files.get_mut("gateway.json").unwrap()["properties"]["vpnClientConfiguration"]
}

fn protocols(list: Value, sku: &'static str) -> impl FnOnce(&mut BTreeMap<String, Value>) {
    move |f| {
        p2s(f)["vpnClientProtocols"] = list;
        f.get_mut("gateway.json").unwrap()["properties"]["sku"] = json!({"name": sku, "tier": sku});
    }
}

#[test]
fn p2s_protocols_need_sstp_and_no_ikev2_beside_it_but_on_basic() {
    for (list, sku, expected) in [
        (json!(["IkeV2"]), "VpnGw1", Status::Fail),
        (json!(["OpenVPN"]), "VpnGw1", Status::Fail),
        (json!(["SSTP", "IkeV2"]), "VpnGw1", Status::Fail),
        (json!(["SSTP", "IkeV2"]), "Basic", Status::Pass),
        (json!(["SSTP"]), "VpnGw2", Status::Pass),
    ] {
        let (status, evidence) =
            status_after("gateway.p2s-protocols", protocols(list.clone(), sku));
        assert_eq!(status, expected, "{list} on {sku}: {evidence}");
    }
    let (_, evidence) = status_after(
        "gateway.p2s-protocols",
        protocols(json!(["OpenVPN"]), "VpnGw1"),
    );
    assert!(evidence.contains("offers OpenVPN"), "{evidence}");
}

#[test]
fn p2s_auth_needs_certificates() {
    let (status, evidence) = status_after("gateway.p2s-auth", |f| {
        p2s(f)["vpnClientProtocols"] = json!(["OpenVPN"]);
        p2s(f)["vpnAuthenticationTypes"] = json!(["AAD"]);
    });
    assert_eq!(status, Status::Fail);
    assert!(evidence.contains("accepts only AAD"), "{evidence}");
    assert_eq!(
        status_after("gateway.p2s-auth", |f| {
            p2s(f)["vpnAuthenticationTypes"] = json!(["Certificate", "AAD"]);
        })
        .0,
        Status::Pass
    );
    // Absent means Certificate.
    assert_eq!(status_after("gateway.p2s-auth", unchanged).0, Status::Pass);
}

#[test]
fn the_p2s_remedy_names_sstp_only() {
    let evaluation = evaluate_with(
        Some(&{
            let mut files = example();
            p2s(&mut files)["vpnClientAddressPool"] = json!(null);
            files
        }),
        &Seen::default(),
    );
    let check = find(&evaluation.checks, "gateway.p2s");
    assert_eq!(check.status, Status::Fail);
    assert!(check.remedy.contains("SSTP"), "{}", check.remedy);
    assert!(!check.remedy.contains("IKEv2"), "{}", check.remedy);
}

#[test]
fn app_platform_fails_linux_containers_and_elastic_plans() {
    let site = |key: &'static str, value: Value| {
        move |f: &mut BTreeMap<String, Value>| {
            f.get_mut("site.json").unwrap()[key] = value;
        }
    };
    assert_eq!(status_after("app.platform", unchanged).0, Status::Pass);
    for (change, what) in [
        (site("kind", json!("app,linux")), "a Linux app"),
        (site("reserved", json!(true)), "a Linux app"),
        (site("isXenon", json!(true)), "a Windows container app"),
        (
            site("kind", json!("app,container,windows")),
            "a Windows container app",
        ),
    ] {
        let (status, evidence) = status_after("app.platform", change);
        assert_eq!(status, Status::Fail, "{evidence}");
        assert!(evidence.contains(what), "{evidence}");
    }
    for tier in ["ElasticPremium", "Dynamic", "FlexConsumption"] {
        let (status, evidence) = status_after("app.platform", |f| {
            f.get_mut("plan.json").unwrap()["sku"]["tier"] = json!(tier);
        });
        assert_eq!(status, Status::Fail, "{tier}: {evidence}");
        assert!(evidence.contains("not a dedicated plan"), "{evidence}");
    }
}

/// The hub (the example's VNET, with the gateway) peered with a spoke that holds the
/// target, 10.20.1.4; `hub` and `spoke` adjust the two sides of the peering.
fn hub_and_spoke(
    hub: impl FnOnce(&mut Value),
    spoke: impl FnOnce(&mut Value),
) -> impl FnOnce(&mut BTreeMap<String, Value>) {
    move |f| {
        let hub_id = format!("{SUB}/Microsoft.Network/virtualNetworks/vnet-contoso");
        let spoke_id = format!("{SUB}/Microsoft.Network/virtualNetworks/vnet-spoke");
        let mut to_spoke = json!({
            "name": "hub-to-spoke",
            "remoteVirtualNetwork": {"id": spoke_id},
            "remoteAddressSpace": {"addressPrefixes": ["10.20.0.0/16"]},
            "peeringState": "Connected",
            "allowVirtualNetworkAccess": true,
            "allowGatewayTransit": true,
            "useRemoteGateways": false
        });
        hub(&mut to_spoke);
        f.get_mut("vnet.json").unwrap()["virtualNetworkPeerings"] = json!([to_spoke]);
        let mut to_hub = json!({
            "name": "spoke-to-hub",
            "remoteVirtualNetwork": {"id": hub_id},
            "remoteAddressSpace": {"addressPrefixes": ["10.10.0.0/16"]},
            "peeringState": "Connected",
            "allowVirtualNetworkAccess": true,
            "allowGatewayTransit": false,
            "useRemoteGateways": true
        });
        spoke(&mut to_hub);
        f.insert(
            "vnet-spoke.json".into(),
            json!({
                "id": spoke_id, "name": "vnet-spoke", "type": "Microsoft.Network/virtualNetworks",
                "location": "westeurope",
                "properties": {
                    "addressSpace": {"addressPrefixes": ["10.20.0.0/16"]},
                    "subnets": [{"id": format!("{spoke_id}/subnets/snet-app"), "name": "snet-app",
                                 "properties": {"addressPrefix": "10.20.1.0/24"}}],
                    "virtualNetworkPeerings": [{"name": to_hub["name"], "properties": to_hub}]
                }
            }),
        );
        let routes = f.get_mut("vnet-connection.json").unwrap()["properties"]["routes"]
            .as_array_mut()
            .unwrap();
        routes
            .push(json!({"name": "spoke", "startAddress": "10.20.0.0/16", "routeType": "STATIC"}));
    }
}

fn spoke_target() -> Seen {
    Seen {
        target: "10.20.1.4",
        ..Seen::default()
    }
}

#[test]
fn a_healthy_hub_and_spoke_passes_vnet_peering() {
    let (status, evidence) = status_seen(
        "vnet.peering",
        hub_and_spoke(|_| {}, |_| {}),
        &spoke_target(),
    );
    assert_eq!(status, Status::Pass, "{evidence}");
    assert!(evidence.contains("Connected on both sides"), "{evidence}");
}

#[test]
fn a_spoke_without_remote_gateways_fails_vnet_peering() {
    let (status, evidence) = status_seen(
        "vnet.peering",
        hub_and_spoke(|_| {}, |to_hub| to_hub["useRemoteGateways"] = json!(false)),
        &spoke_target(),
    );
    assert_eq!(status, Status::Fail);
    assert!(
        evidence.contains("does not use remote gateways"),
        "{evidence}"
    );
}

#[test]
fn a_hub_without_gateway_transit_fails_vnet_peering() {
    let (status, evidence) = status_seen(
        "vnet.peering",
        hub_and_spoke(
            |to_spoke| to_spoke["allowGatewayTransit"] = json!(false),
            |_| {},
        ),
        &spoke_target(),
    );
    assert_eq!(status, Status::Fail);
    assert!(
        evidence.contains("does not allow gateway transit"),
        "{evidence}"
    );
}

#[test]
fn a_spoke_missing_from_the_app_routes_is_a_route_to_add_not_a_sync() {
    let without_route = |f: &mut BTreeMap<String, Value>| {
        hub_and_spoke(|_| {}, |_| {})(f);
        f.get_mut("vnet-connection.json").unwrap()["properties"]["routes"]
            .as_array_mut()
            .unwrap()
            .retain(|r| r["name"] != "spoke");
    };
    let mut files = example();
    without_route(&mut files);
    let evaluation = evaluate_with(Some(&files), &spoke_target());
    let peering = find(&evaluation.checks, "vnet.peering");
    assert_eq!(peering.status, Status::Fail);
    assert!(
        peering.evidence.contains("routes lack vnet-spoke's space"),
        "{}",
        peering.evidence
    );
    let sync = find(&evaluation.checks, "network.in-sync");
    assert_eq!(sync.status, Status::Fail);
    assert!(sync.remedy.contains("Add a route"), "{}", sync.remedy);
    assert!(!sync.remedy.contains("Sync Network in"), "{}", sync.remedy);
    assert!(
        !sync.remedy.starts_with("Press Sync Network"),
        "{}",
        sync.remedy
    );
}

#[test]
fn a_peering_that_is_not_connected_fails() {
    let (status, evidence) = status_seen(
        "vnet.peering",
        hub_and_spoke(
            |to_spoke| to_spoke["peeringState"] = json!("Disconnected"),
            |_| {},
        ),
        &spoke_target(),
    );
    assert_eq!(status, Status::Fail);
    assert!(
        evidence.contains("hub-to-spoke is Disconnected"),
        "{evidence}"
    );
}

#[test]
fn an_nsg_the_snapshot_lacks_is_a_warning_that_names_it() {
    let (status, evidence) = status_seen(
        "nsg.p2s-to-target",
        |f| {
            super::checklist::set_rule_sources(f, 1, json!(["172.16.200.0/24"]));
            f.get_mut("nic-sql.json").unwrap()["properties"]["networkSecurityGroup"] =
                json!({"id": format!("{SUB}/Microsoft.Network/networkSecurityGroups/nsg-sql-nic")});
        },
        &Seen::default(),
    );
    assert_eq!(status, Status::Warn, "{evidence}");
    assert!(
        evidence.contains("nsg-sql-nic in rg-contoso (NIC nic-sql01)"),
        "{evidence}"
    );
}

/// A spoke NSG whose only allow for the port is the `VirtualNetwork` tag.
fn spoke_nsg(f: &mut BTreeMap<String, Value>) {
    let nsg_id = format!("{SUB}/Microsoft.Network/networkSecurityGroups/nsg-spoke");
    f.insert(
        "nsg-spoke.json".into(),
        json!({
            "id": nsg_id, "name": "nsg-spoke", "type": "Microsoft.Network/networkSecurityGroups",
            "securityRules": [
                {"name": "Allow-VNet-1433", "priority": 100, "direction": "Inbound", "access": "Allow",
                 "protocol": "Tcp", "sourceAddressPrefix": "VirtualNetwork", "sourcePortRange": "*",
                 "destinationAddressPrefix": "*", "destinationPortRange": "1433"},
                {"name": "Deny-All", "priority": 4000, "direction": "Inbound", "access": "Deny",
                 "protocol": "*", "sourceAddressPrefix": "*", "sourcePortRange": "*",
                 "destinationAddressPrefix": "*", "destinationPortRange": "*"}
            ]
        }),
    );
    f.get_mut("vnet-spoke.json").unwrap()["properties"]["subnets"][0]["properties"]["networkSecurityGroup"] =
        json!({"id": nsg_id});
}

#[test]
fn the_virtual_network_tag_of_a_spoke_includes_the_pool_only_through_remote_gateways() {
    let with_gateways = |f: &mut BTreeMap<String, Value>| {
        hub_and_spoke(|_| {}, |_| {})(f);
        spoke_nsg(f);
    };
    let (status, evidence) = status_seen("nsg.p2s-to-target", with_gateways, &spoke_target());
    assert_eq!(status, Status::Pass, "{evidence}");
    assert!(
        evidence.contains("VirtualNetwork tag of vnet-spoke includes the P2S pool"),
        "{evidence}"
    );

    let without = |f: &mut BTreeMap<String, Value>| {
        hub_and_spoke(|_| {}, |to_hub| to_hub["useRemoteGateways"] = json!(false))(f);
        spoke_nsg(f);
    };
    let (status, evidence) = status_seen("nsg.p2s-to-target", without, &spoke_target());
    assert_eq!(status, Status::Fail, "{evidence}");
    assert!(
        evidence.contains("172.16.200.0/24 by nsg-spoke/Deny-All"),
        "{evidence}"
    );
    assert!(
        evidence.contains("does not include the P2S pool"),
        "{evidence}"
    );
}

#[test]
fn route_all_does_not_apply_to_gateway_required_integration() {
    let public = Seen {
        target: "20.50.1.1",
        ..Seen::default()
    };
    let (status, evidence) = status_seen(
        "route.target",
        |f| {
            f.get_mut("site.json").unwrap()["properties"]["vnetRouteAllEnabled"] = json!(true);
        },
        &public,
    );
    assert_eq!(status, Status::Fail);
    assert!(evidence.contains("over the internet"), "{evidence}");
}

fn cn_status(status: Option<&'static str>) -> impl FnOnce(&mut BTreeMap<String, Value>) {
    move |f| {
        let properties = &mut f.get_mut("onprem.json").unwrap()["value"][1]["properties"];
        match status {
            Some(status) => properties["connectionStatus"] = json!(status),
            None => {
                properties
                    .as_object_mut()
                    .unwrap()
                    .remove("connectionStatus");
            }
        }
    }
}

#[test]
fn a_site_to_site_link_down_and_unrelated_to_the_target_is_not_the_cause() {
    let mut files = example();
    cn_status(Some("NotConnected"))(&mut files);
    let evaluation = evaluate_with(Some(&files), &Seen::default());
    assert_eq!(
        find(&evaluation.checks, "gateway.status").status,
        Status::Warn
    );
    let verdict = evaluation.verdict(None);
    assert_eq!(
        verdict.cause.as_deref(),
        Some("nsg.p2s-to-target"),
        "{}",
        verdict.summary
    );
}

#[test]
fn a_connection_without_status_is_unknown_never_connected_nor_failed() {
    // The contract: a site-to-site connection of unknown status that the target is not
    // behind is `warn` in gateway.status, never `pass`, and asks for its `show` export.
    let check = super::checklist::check_of(
        example(),
        cn_status(None),
        &Seen::default(),
        "gateway.status",
    );
    assert_eq!(check.status, Status::Warn, "{}", check.evidence);
    assert!(
        check.evidence.contains("cn-amsterdam is unknown"),
        "{}",
        check.evidence
    );
    assert!(!check.evidence.contains("Connected"), "{}", check.evidence);
    assert!(
        check
            .remedy
            .contains("az network vpn-connection show -g RG -n cn-amsterdam"),
        "{}",
        check.remedy
    );
    // The unknown link is not the example's cause: its planted NSG stays the one cause.
    let mut files = example();
    cn_status(None)(&mut files);
    let verdict = evaluate_with(Some(&files), &Seen::default()).verdict(None);
    assert_eq!(verdict.cause.as_deref(), Some("nsg.p2s-to-target"));
    let onprem = Seen {
        target: "192.168.10.5",
        ..Seen::default()
    };
    // Behind it, onprem.s2s-connected decides, and gateway.status leaves it to that check.
    let (status, evidence) = status_seen("gateway.status", cn_status(None), &onprem);
    assert_eq!(status, Status::Pass, "{evidence}");
    let (status, evidence) = status_seen("onprem.s2s-connected", cn_status(None), &onprem);
    assert_eq!(status, Status::Warn);
    assert!(evidence.contains("unknown"), "{evidence}");
    assert!(!evidence.contains("Connected"), "{evidence}");
    // Behind a link that is down, the target's own check fails.
    let (status, _) = status_seen(
        "onprem.s2s-connected",
        cn_status(Some("NotConnected")),
        &onprem,
    );
    assert_eq!(status, Status::Fail);
}

#[test]
fn address_overlap_reads_only_linked_on_premises_networks() {
    let (status, evidence) = status_after("address.overlap", |f| {
        // A local gateway no connection links, overlapping the VNET: not reached, not counted.
        f.insert(
            "lgw-other.json".into(),
            json!({"id": format!("{SUB}/Microsoft.Network/localNetworkGateways/lgw-other"),
                   "name": "lgw-other", "type": "Microsoft.Network/localNetworkGateways",
                   "localNetworkAddressSpace": {"addressPrefixes": ["10.10.0.0/16"]}}),
        );
    });
    assert_eq!(status, Status::Pass, "{evidence}");
}

#[test]
fn plan_vnet_limit_counts_gateway_connections_only() {
    let (status, evidence) = status_after("plan.vnet-limit", |f| {
        let plan_id = f["plan.json"]["id"].as_str().unwrap().to_owned();
        for n in 0..6 {
            f.insert(
                format!("regional-{n}.json"),
                json!({"id": format!("{plan_id}/virtualNetworkConnections/r{n}"), "name": format!("r{n}"),
                       "type": "Microsoft.Web/serverfarms/virtualNetworkConnections",
                       "properties": {"vnetResourceId": format!("{SUB}/Microsoft.Network/virtualNetworks/v{n}"), "isSwift": true}}),
            );
        }
    });
    assert_eq!(status, Status::Pass, "{evidence}");
}

fn gateway_subnet(change: impl FnOnce(&mut Value)) -> impl FnOnce(&mut BTreeMap<String, Value>) {
    move |f| change(&mut f.get_mut("vnet.json").unwrap()["subnets"][0])
}

#[test]
fn the_gateway_subnet_has_no_nsg_and_no_route_that_diverts() {
    assert_eq!(status_after("gateway.subnet", unchanged).0, Status::Pass);
    let (status, evidence) = status_after(
        "gateway.subnet",
        gateway_subnet(|s| {
            s["networkSecurityGroup"] =
                json!({"id": format!("{SUB}/Microsoft.Network/networkSecurityGroups/nsg-gw")});
        }),
    );
    assert_eq!(status, Status::Warn);
    assert!(evidence.contains("nsg-gw"), "{evidence}");
    let rt_id = format!("{SUB}/Microsoft.Network/routeTables/rt-gw");
    for (routes, propagation_off, says) in [
        (
            json!([{"name": "all-to-fw", "addressPrefix": "0.0.0.0/0", "nextHopType": "VirtualAppliance", "nextHopIpAddress": "10.10.1.4"}]),
            false,
            "sends 0.0.0.0/0",
        ),
        (json!([]), true, "disables gateway route propagation"),
    ] {
        let rt_id = rt_id.clone();
        let (status, evidence) = status_after("gateway.subnet", move |f| {
            f.insert(
                "rt-gw.json".into(),
                json!({"id": rt_id, "name": "rt-gw", "type": "Microsoft.Network/routeTables",
                       "routes": routes, "disableBgpRoutePropagation": propagation_off}),
            );
            gateway_subnet(|s| s["routeTable"] = json!({"id": rt_id}))(f);
        });
        assert_eq!(status, Status::Fail, "{evidence}");
        assert!(evidence.contains(says), "{evidence}");
    }
}

#[test]
fn the_retirement_is_always_a_warning_in_gateway_mode() {
    let (status, evidence) = status_after("gateway.retirement", unchanged);
    assert_eq!(status, Status::Warn);
    assert!(evidence.contains("31 March 2027"), "{evidence}");
    let evaluation = evaluate_with(Some(&example()), &Seen::default());
    let check = find(&evaluation.checks, "gateway.retirement");
    assert!(
        check.remedy.contains("regional VNET Integration"),
        "{}",
        check.remedy
    );
}

/// The example's app certificate expires on 2036-11-25T15:41:32Z.
fn at(days_before_expiry: i64) -> Seen {
    let expiry = SystemTime::UNIX_EPOCH + Duration::from_secs(2_111_240_492);
    let offset = Duration::from_secs(days_before_expiry.unsigned_abs() * 86_400);
    Seen {
        now: if days_before_expiry >= 0 {
            expiry - offset
        } else {
            expiry + offset
        },
        ..Seen::default()
    }
}

#[test]
fn certs_valid_fails_expired_and_warns_near_expiry_or_a_full_gateway() {
    let (status, evidence) = status_seen("certs.valid", unchanged, &at(365));
    assert_eq!(status, Status::Pass, "{evidence}");
    assert!(evidence.contains("2036-11-25T15:41:32Z"), "{evidence}");
    let (status, evidence) = status_seen("certs.valid", unchanged, &at(10));
    assert_eq!(status, Status::Warn, "{evidence}");
    assert!(evidence.contains("in 10 days"), "{evidence}");
    let (status, evidence) = status_seen("certs.valid", unchanged, &at(-1));
    assert_eq!(status, Status::Fail, "{evidence}");
    assert!(evidence.contains("expired on 2036-11-25"), "{evidence}");
    let (status, evidence) = status_seen(
        "certs.valid",
        |f| {
            let roots = p2s(f)["vpnClientRootCertificates"].as_array_mut().unwrap();
            let first = roots[0].clone();
            roots.extend(std::iter::repeat_n(first, 19));
        },
        &at(365),
    );
    assert_eq!(status, Status::Warn, "{evidence}");
    assert!(evidence.contains("20 root certificates"), "{evidence}");
}

#[test]
fn a_partial_export_skips_and_names_what_is_missing_and_how_to_export_it() {
    let mut files = example();
    files.retain(|name, _| name == "nsg-data.json" || name == "nic-sql.json");
    let evaluation = evaluate_with(Some(&files), &Seen::default());
    let failing: Vec<&str> = evaluation
        .checks
        .iter()
        .filter(|c| c.status == Status::Fail)
        .map(|c| c.id)
        .collect();
    assert!(failing.is_empty(), "{failing:?}");
    let route = find(&evaluation.checks, "route.target");
    assert_eq!(route.status, Status::Skip);
    assert!(
        route.evidence.contains("no VNET connection of the app"),
        "{}",
        route.evidence
    );
    assert!(
        route.remedy.contains("az webapp vnet-integration list"),
        "{}",
        route.remedy
    );
}

#[test]
fn the_verdict_names_its_cause_and_follows_the_contract() {
    let evaluation = evaluate_with(Some(&example()), &Seen::default());
    let verdict = evaluation.verdict(None);
    assert_eq!(verdict.cause.as_deref(), Some("nsg.p2s-to-target"));
    // Fixed, only warnings are left (the retirement, always): warn, no cause.
    let fixed = evaluate_with(
        Some(&{
            let mut files = example();
            super::checklist::set_rule_sources(&mut files, 1, json!(["172.16.200.0/24"]));
            files
        }),
        &Seen::default(),
    );
    let verdict = fixed.verdict(None);
    assert_eq!(verdict.status, netdiag_core::vocab::VerdictStatus::Warn);
    assert_eq!(verdict.cause, None);
    assert!(
        verdict.summary.contains("gateway.retirement"),
        "{}",
        verdict.summary
    );
}

#[test]
fn the_standing_retirement_notice_does_not_hide_a_warning_about_the_path() {
    let mut files = example();
    super::checklist::set_rule_sources(&mut files, 1, json!(["172.16.200.0/24"]));
    files.get_mut("nic-sql.json").unwrap()["properties"]["networkSecurityGroup"] =
        json!({"id": format!("{SUB}/Microsoft.Network/networkSecurityGroups/nsg-sql-nic")});
    let verdict = evaluate_with(Some(&files), &Seen::default()).verdict(None);
    assert!(
        verdict.summary.starts_with("nsg.p2s-to-target: "),
        "{}",
        verdict.summary
    );
    assert!(
        verdict.next_steps[0].starts_with("[nsg.p2s-to-target]"),
        "{:?}",
        verdict.next_steps
    );
}

#[test]
fn every_skip_says_what_would_let_it_decide() {
    use netdiag_core::checklist::SkipReason;
    let mut partial = example();
    partial.retain(|name, _| name == "nsg-data.json" || name == "nic-sql.json");
    let name_target = Seen {
        target: "sql01.contoso.internal",
        ..Seen::default()
    };
    for (files, seen) in [
        (Some(partial), Seen::default()),
        (Some(example()), name_target),
        (None, Seen::default()),
    ] {
        let evaluation = evaluate_with(files.as_ref(), &seen);
        for check in evaluation
            .checks
            .iter()
            .filter(|c| c.status == Status::Skip)
        {
            let silent_is_right = matches!(
                check.skip,
                Some(SkipReason::NotApplicable(_) | SkipReason::OtherMode(_))
            );
            assert!(
                silent_is_right || !check.remedy.is_empty(),
                "{} skips without a remedy: {}",
                check.id,
                check.evidence
            );
        }
    }
}
