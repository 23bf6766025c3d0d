//! Regional VNET Integration: the integration subnet's checks, on the shipped example
//! turned regional (the site integrates with a delegated subnet; no gateway connection).

use std::collections::BTreeMap;

use netdiag_core::checklist::Status;
use serde_json::{Value, json};

use super::checklist::{Seen, status_seen};

const VNET: &str = "/subscriptions/6f1c2a4e-0000-4000-8000-00000000c0de/resourceGroups/rg-contoso/providers/Microsoft.Network/virtualNetworks/vnet-contoso";

fn regional(files: &mut BTreeMap<String, Value>) {
    files.remove("vnet-connection.json");
    files.get_mut("site.json").unwrap()["properties"]["virtualNetworkSubnetId"] =
        json!(format!("{VNET}/subnets/snet-apps"));
    files.get_mut("vnet.json").unwrap()["subnets"]
        .as_array_mut()
        .unwrap()
        .push(json!({
            "id": format!("{VNET}/subnets/snet-apps"),
            "name": "snet-apps",
            "addressPrefix": "10.10.4.0/26",
            "delegations": [{"name": "delegation", "properties": {"serviceName": "Microsoft.Web/serverFarms"}}]
        }));
}

fn apps_subnet(files: &mut BTreeMap<String, Value>) -> &mut Value {
    files.get_mut("vnet.json").unwrap()["subnets"]
        .as_array_mut()
        .unwrap()
        .last_mut()
        .unwrap()
}

fn regional_status(
    id: &str,
    change: impl FnOnce(&mut BTreeMap<String, Value>),
) -> (Status, String) {
    status_seen(
        id,
        |f| {
            regional(f);
            change(f);
        },
        &Seen::default(),
    )
}

#[test]
fn a_healthy_integration_subnet_passes() {
    for id in [
        "regional.subnet",
        "regional.delegation",
        "regional.subnet-size",
        "regional.subnet-in-use",
    ] {
        let (status, evidence) = regional_status(id, |_| {});
        assert_eq!(status, Status::Pass, "{id}: {evidence}");
    }
    let (_, evidence) = regional_status("regional.subnet-size", |_| {});
    assert_eq!(
        evidence,
        "subnet snet-apps (10.10.4.0/26): 59 usable addresses for 2 instances"
    );
    // The gateway checks belong to the other mode.
    let (status, evidence) = regional_status("gateway.present", |_| {});
    assert_eq!(status, Status::Skip);
    assert_eq!(evidence, "does not apply to regional integration");
}

#[test]
fn a_subnet_the_vnet_does_not_have_fails() {
    let (status, evidence) = regional_status("regional.subnet", |f| {
        f.get_mut("site.json").unwrap()["properties"]["virtualNetworkSubnetId"] =
            json!(format!("{VNET}/subnets/snet-gone"));
    });
    assert_eq!(status, Status::Fail);
    assert!(evidence.contains("snet-gone"), "{evidence}");
}

#[test]
fn an_undelegated_subnet_fails() {
    let (status, evidence) = regional_status("regional.delegation", |f| {
        apps_subnet(f)["delegations"] = json!([]);
    });
    assert_eq!(status, Status::Fail);
    assert!(evidence.contains("delegated to nothing"), "{evidence}");
}

#[test]
fn the_subnet_must_be_a_28_and_leave_room_to_scale() {
    let (status, evidence) = regional_status("regional.subnet-size", |f| {
        apps_subnet(f)["addressPrefix"] = json!("10.10.4.0/29");
    });
    assert_eq!(status, Status::Fail, "{evidence}");
    // A /28 has 11 usable addresses: 6 instances need 12 during a scale operation.
    let (status, evidence) = regional_status("regional.subnet-size", |f| {
        apps_subnet(f)["addressPrefix"] = json!("10.10.4.0/28");
        f.get_mut("plan.json").unwrap()["sku"]["capacity"] = json!(6);
    });
    assert_eq!(status, Status::Warn, "{evidence}");
    assert!(
        evidence.contains("11 usable addresses for 6 instances"),
        "{evidence}"
    );
}

#[test]
fn a_subnet_used_by_anything_else_fails() {
    let (status, evidence) = regional_status("regional.subnet-in-use", |f| {
        apps_subnet(f)["ipConfigurations"] = json!([{"id": "/subscriptions/s/resourceGroups/r/providers/Microsoft.Network/networkInterfaces/vm1/ipConfigurations/ipconfig1"}]);
    });
    assert_eq!(status, Status::Fail, "{evidence}");
    // Multi-plan subnet join: several plans of one subscription may share a /26 or larger
    // subnet (learn.microsoft.com/azure/app-service/overview-vnet-integration#subnet-requirements);
    // it was a false fail ("one plan per subnet") before.
    let other_plan = |subscription: &str| {
        json!([{"name": "AppServiceLink", "properties": {
            "linkedResourceType": "Microsoft.Web/serverfarms",
            "link": format!("/subscriptions/{subscription}/resourceGroups/rg-other/providers/Microsoft.Web/serverfarms/plan-other")}}])
    };
    let same = other_plan("6f1c2a4e-0000-4000-8000-00000000c0de");
    let (status, evidence) = regional_status("regional.subnet-in-use", |f| {
        apps_subnet(f)["serviceAssociationLinks"] = same.clone();
    });
    assert_eq!(status, Status::Pass, "{evidence}");
    assert_eq!(
        evidence,
        "subnet snet-apps is shared with the plan(s) plan-other in rg-other of the same subscription: multi-plan subnet join, valid on a /26 or larger"
    );
    let (status, evidence) = regional_status("regional.subnet-in-use", |f| {
        apps_subnet(f)["serviceAssociationLinks"] = same.clone();
        apps_subnet(f)["addressPrefix"] = json!("10.10.4.0/27");
    });
    assert_eq!(status, Status::Fail, "{evidence}");
    assert!(
        evidence.contains("on a subnet smaller than /26"),
        "{evidence}"
    );
    let (status, evidence) = regional_status("regional.subnet-in-use", |f| {
        apps_subnet(f)["serviceAssociationLinks"] =
            other_plan("0000aaaa-0000-4000-8000-000000000001");
    });
    assert_eq!(status, Status::Fail, "{evidence}");
    assert!(
        evidence.contains("plan-other in rg-other of another subscription"),
        "{evidence}"
    );
}

/// The subnet must hold every plan's instances twice over during a scale operation, an
/// Elastic Premium plan counting its maximumElasticWorkerCount.
#[test]
fn the_size_counts_every_plans_instances() {
    let (status, evidence) = regional_status("regional.subnet-size", |f| {
        f.get_mut("plan.json").unwrap()["properties"]["maximumElasticWorkerCount"] = json!(40);
    });
    assert_eq!(status, Status::Warn, "{evidence}");
    assert!(
        evidence.contains("59 usable addresses for 40 instances"),
        "{evidence}"
    );
    let (status, evidence) = regional_status("regional.subnet-size", |f| {
        f.insert(
            "plan-other.json".into(),
            json!({"id": "/subscriptions/6f1c2a4e-0000-4000-8000-00000000c0de/resourceGroups/rg-other/providers/Microsoft.Web/serverfarms/plan-other",
                   "name": "plan-other", "type": "Microsoft.Web/serverfarms", "location": "West Europe",
                   "sku": {"name": "P1v3", "tier": "PremiumV3", "capacity": 28}}),
        );
        apps_subnet(f)["serviceAssociationLinks"] = json!([{"name": "AppServiceLink", "properties": {
            "link": "/subscriptions/6f1c2a4e-0000-4000-8000-00000000c0de/resourceGroups/rg-other/providers/Microsoft.Web/serverfarms/plan-other"}}]);
    });
    assert_eq!(status, Status::Warn, "{evidence}");
    assert!(
        evidence.contains("59 usable addresses for 30 instances of 2 plans"),
        "{evidence}"
    );
}

#[test]
fn the_header_says_which_mode_and_why() {
    let mut files = super::checklist::example();
    regional(&mut files);
    let evaluation = super::checklist::evaluate_with(Some(&files), &Seen::default());
    assert_eq!(evaluation.mode, netdiag_core::checklist::Mode::Regional);
    assert!(
        evaluation.header.contains(
            "Integration: regional integration (site contoso-web's virtualNetworkSubnetId)"
        ),
        "{}",
        evaluation.header
    );
}

/// A route table on the integration subnet with these routes.
fn apps_route_table(routes: Value) -> impl FnOnce(&mut BTreeMap<String, Value>) {
    move |f| {
        let id = "/subscriptions/6f1c2a4e-0000-4000-8000-00000000c0de/resourceGroups/rg-contoso/providers/Microsoft.Network/routeTables/rt-apps";
        f.insert(
            "rt-apps.json".into(),
            json!({"id": id, "name": "rt-apps", "type": "Microsoft.Network/routeTables", "routes": routes}),
        );
        apps_subnet(f)["routeTable"] = json!({"id": id});
    }
}

#[test]
fn the_integration_subnet_routes_decide_where_the_target_goes() {
    let (status, evidence) = regional_status("udr.app-subnet", |_| {});
    assert_eq!(status, Status::Pass, "{evidence}");
    let (status, evidence) = regional_status(
        "udr.app-subnet",
        apps_route_table(json!([{"name": "to-fw", "addressPrefix": "10.10.0.0/16",
            "nextHopType": "VirtualAppliance", "nextHopIpAddress": "10.10.1.4"}])),
    );
    assert_eq!(status, Status::Warn, "{evidence}");
    assert!(
        evidence.contains("to VirtualAppliance 10.10.1.4"),
        "{evidence}"
    );
    let (status, evidence) = regional_status(
        "udr.app-subnet",
        apps_route_table(json!([
            {"name": "to-fw", "addressPrefix": "10.10.0.0/16", "nextHopType": "VirtualAppliance", "nextHopIpAddress": "10.10.1.4"},
            {"name": "black-hole", "addressPrefix": "10.10.2.0/24", "nextHopType": "None"}
        ])),
    );
    assert_eq!(status, Status::Fail, "{evidence}");
    assert!(evidence.contains("route black-hole"), "{evidence}");
    // In gateway-required mode the check belongs to the other mode.
    let (status, _) = status_seen("udr.app-subnet", |_| {}, &Seen::default());
    assert_eq!(status, Status::Skip);
}

const NSG_APPS: &str = "/subscriptions/6f1c2a4e-0000-4000-8000-00000000c0de/resourceGroups/rg-contoso/providers/Microsoft.Network/networkSecurityGroups/nsg-apps";

/// An NSG on the integration subnet with these rules (Azure's defaults added by the tool).
fn apps_nsg(rules: Value) -> impl FnOnce(&mut BTreeMap<String, Value>) {
    move |f| {
        f.insert(
            "nsg-apps.json".into(),
            json!({"id": NSG_APPS, "name": "nsg-apps", "type": "Microsoft.Network/networkSecurityGroups",
                "properties": {"securityRules": rules}}),
        );
        apps_subnet(f)["networkSecurityGroup"] = json!({"id": NSG_APPS});
    }
}

fn rule(
    name: &str,
    priority: u32,
    direction: &str,
    access: &str,
    source: &str,
    destination: &str,
) -> Value {
    json!({"name": name, "properties": {"priority": priority, "direction": direction, "access": access,
        "protocol": "Tcp", "sourcePortRange": "*", "destinationPortRange": "1433",
        "sourceAddressPrefix": source, "destinationAddressPrefix": destination}})
}

fn check(
    id: &str,
    change: impl FnOnce(&mut BTreeMap<String, Value>),
    seen: &Seen,
) -> netdiag_core::checklist::Check {
    let mut files = super::checklist::example();
    regional(&mut files);
    super::checklist::check_of(files, change, seen, id)
}

#[test]
fn outbound_nsg_of_the_integration_subnet_is_analysed_for_the_whole_subnet() {
    let (status, evidence) = regional_status("nsg.outbound", |_| {});
    assert_eq!(
        (status, evidence.as_str()),
        (Status::Pass, "no NSG on subnet snet-apps")
    );
    // Azure's default AllowVnetOutBound lets the subnet reach the VNET; inbound rules
    // play no part outbound.
    let (status, evidence) = regional_status(
        "nsg.outbound",
        apps_nsg(json!([rule(
            "Deny-All-In",
            100,
            "Inbound",
            "Deny",
            "*",
            "*"
        )])),
    );
    assert_eq!(status, Status::Pass, "{evidence}");
    assert_eq!(
        evidence,
        "the whole integration subnet 10.10.4.0/26 may reach TCP 1433 on 10.10.2.4 outbound (subnet snet-apps)"
    );
    let blocked = check(
        "nsg.outbound",
        apps_nsg(json!([rule(
            "Deny-Sql-Upper",
            100,
            "Outbound",
            "Deny",
            "10.10.4.32/27",
            "10.10.2.0/24"
        )])),
        &Seen::default(),
    );
    assert_eq!(blocked.status, Status::Fail, "{}", blocked.evidence);
    assert_eq!(
        blocked.evidence,
        "TCP 1433 to 10.10.2.4 outbound (subnet snet-apps) is blocked for part of the integration subnet: 10.10.4.32/27 by nsg-apps/Deny-Sql-Upper"
    );
    // Priority 100 leaves no room above: narrow or delete the rule, with the commands.
    assert!(
        blocked.remedy.starts_with(
            "Rule Deny-Sql-Upper of nsg-apps (priority 100) leaves no room for a rule above it"
        ) && blocked.remedy.contains(
            "az network nsg rule delete -g rg-contoso --nsg-name nsg-apps -n Deny-Sql-Upper"
        ),
        "{}",
        blocked.remedy
    );
    let details = serde_json::to_value(blocked.details.unwrap()).unwrap();
    assert_eq!(details["pool"], json!(["10.10.4.0/26"]));
    assert_eq!(details["blocked"][0]["range"], "10.10.4.32/27");
    assert_eq!(details["allowed"][0]["rule"], "AllowVnetOutBound");
}

#[test]
fn outbound_to_a_public_target_meets_the_nsg_only_with_route_all() {
    let deny_internet = || {
        apps_nsg(json!([rule(
            "Deny-Internet",
            200,
            "Outbound",
            "Deny",
            "*",
            "Internet"
        )]))
    };
    let public = Seen {
        target: "20.50.1.1",
        ..Seen::default()
    };
    let without = check("nsg.outbound", deny_internet(), &public);
    assert_eq!(without.status, Status::Skip, "{}", without.evidence);
    assert!(
        without.evidence.contains("straight to the internet"),
        "{}",
        without.evidence
    );
    let with = check(
        "nsg.outbound",
        |f| {
            deny_internet()(f);
            f.get_mut("site.json").unwrap()["properties"]["outboundVnetRouting"] =
                json!({"allTraffic": true});
        },
        &public,
    );
    assert_eq!(with.status, Status::Fail, "{}", with.evidence);
    assert!(
        with.evidence
            .contains("10.10.4.0/26 by nsg-apps/Deny-Internet"),
        "{}",
        with.evidence
    );
    // The VNET is not Internet: the same NSG lets the subnet reach the SQL VM.
    let (status, evidence) = regional_status("nsg.outbound", deny_internet());
    assert_eq!(status, Status::Pass, "{evidence}");
}

#[test]
fn a_referenced_but_missing_outbound_nsg_warns() {
    let (status, evidence) = regional_status("nsg.outbound", |f| {
        apps_subnet(f)["networkSecurityGroup"] = json!({"id": NSG_APPS});
    });
    assert_eq!(status, Status::Warn, "{evidence}");
    assert!(
        evidence.contains(
            "nsg-apps in rg-contoso (subnet snet-apps) is referenced but not in the snapshot"
        ),
        "{evidence}"
    );
}

fn set_data_rule_source(files: &mut BTreeMap<String, Value>, source: &str) {
    files.get_mut("nsg-data.json").unwrap()["properties"]["securityRules"][0]["properties"]["sourceAddressPrefix"] =
        json!(source);
}

#[test]
fn inbound_nsgs_at_the_target_are_analysed_for_the_integration_subnet() {
    let passed = check("nsg.inbound", |_| {}, &Seen::default());
    assert_eq!(passed.status, Status::Pass, "{}", passed.evidence);
    assert!(
        passed.evidence.starts_with("the whole integration subnet 10.10.4.0/26 may reach TCP 1433 on 10.10.2.4 (subnet snet-data"),
        "{}",
        passed.evidence
    );
    let blocked = check(
        "nsg.inbound",
        |f| set_data_rule_source(f, "10.10.4.0/27"),
        &Seen::default(),
    );
    assert_eq!(blocked.status, Status::Fail, "{}", blocked.evidence);
    assert!(
        blocked.evidence.contains("is blocked for part of the integration subnet: 10.10.4.32/27 by nsg-data/Deny-Sql-from-anywhere-else"),
        "{}",
        blocked.evidence
    );
    // The rule to widen is named, with the command to copy (issue 24, point 5).
    assert!(
        blocked.remedy.starts_with(
            "Widen rule Allow-Sql-from-VNet of nsg-data to the whole integration subnet 10.10.4.0/26 (it admits 10.10.4.0/27 only): az network nsg rule update -g rg-contoso --nsg-name nsg-data -n Allow-Sql-from-VNet --source-address-prefixes 10.10.4.0/26"
        ),
        "{}",
        blocked.remedy
    );
    // The same details shape as nsg.p2s-to-target.
    let details = serde_json::to_value(blocked.details.unwrap()).unwrap();
    assert_eq!(details["pool"], json!(["10.10.4.0/26"]));
    assert_eq!(details["target"], "10.10.2.4");
    assert_eq!(details["port"], 1433);
    assert_eq!(details["blocked"][0]["nsg"], "nsg-data");
    for text in [&passed.evidence, &blocked.evidence, &blocked.remedy] {
        assert!(!text.contains("P2S") && !text.contains(" pool"), "{text}");
    }
    // The gateway-mode check stands aside.
    let (status, _) = regional_status("nsg.p2s-to-target", |_| {});
    assert_eq!(status, Status::Skip);
}

#[test]
fn a_virtual_network_rule_admits_the_integration_subnet_of_the_same_vnet() {
    let (status, evidence) =
        regional_status("nsg.inbound", |f| set_data_rule_source(f, "VirtualNetwork"));
    assert_eq!(status, Status::Pass, "{evidence}");
}

#[test]
fn replies_to_the_integration_subnet_return_within_the_vnet() {
    let (status, evidence) = regional_status("udr.return-path", |_| {});
    assert_eq!(status, Status::Pass, "{evidence}");
    assert_eq!(
        evidence,
        "from subnet snet-data, the whole integration subnet returns within VNET vnet-contoso (route table rt-data)"
    );
    // Gateway route propagation is about the gateway's routes: the VNET's own route stays.
    let (status, evidence) = regional_status("udr.return-path", |f| {
        f.get_mut("rt-data.json").unwrap()["properties"]["disableBgpRoutePropagation"] =
            json!(true);
    });
    assert_eq!(status, Status::Pass, "{evidence}");
    // A default route to a firewall is less specific than the VNET's.
    let add_route = |prefix: &'static str| {
        move |f: &mut BTreeMap<String, Value>| {
            f.get_mut("rt-data.json").unwrap()["properties"]["routes"]
                .as_array_mut()
                .unwrap()
                .push(
                    json!({"name": "to-fw", "properties": {"addressPrefix": prefix,
                    "nextHopType": "VirtualAppliance", "nextHopIpAddress": "10.10.3.4"}}),
                );
        }
    };
    let (status, evidence) = regional_status("udr.return-path", add_route("0.0.0.0/0"));
    assert_eq!(status, Status::Pass, "{evidence}");
    let diverted = check(
        "udr.return-path",
        add_route("10.10.4.0/24"),
        &Seen::default(),
    );
    assert_eq!(diverted.status, Status::Fail, "{}", diverted.evidence);
    assert_eq!(
        diverted.evidence,
        "from subnet snet-data, replies to part of the integration subnet do not go back within VNET vnet-contoso: 10.10.4.0/26 to VirtualAppliance 10.10.3.4 by rt-data/to-fw"
    );
    assert!(!diverted.remedy.contains("P2S"), "{}", diverted.remedy);
}

#[test]
fn the_host_firewall_step_names_the_integration_subnet() {
    let host = check("host.firewall", |_| {}, &Seen::default());
    assert!(
        host.remedy
            .contains("allow TCP 1433 from the whole integration subnet 10.10.4.0/26"),
        "{}",
        host.remedy
    );
}

#[test]
fn the_vnet_must_be_in_the_apps_region() {
    let (status, evidence) = regional_status("vnet.location", |f| {
        f.get_mut("vnet.json").unwrap()["location"] = json!("northeurope");
    });
    assert_eq!(status, Status::Fail, "{evidence}");
    assert!(
        evidence.contains("regional VNET Integration needs a VNET in the app's region"),
        "{evidence}"
    );
    // The same VNET is only slow for gateway-required integration.
    let (status, _) = status_seen(
        "vnet.location",
        |f| {
            f.get_mut("vnet.json").unwrap()["location"] = json!("northeurope");
        },
        &Seen::default(),
    );
    assert_eq!(status, Status::Warn);
}

#[test]
fn a_consumption_plan_cannot_integrate() {
    let (status, evidence) = regional_status("plan.tier", |f| {
        f.get_mut("plan.json").unwrap()["sku"] = json!({"name": "Y1", "tier": "Dynamic"});
    });
    assert_eq!(status, Status::Fail, "{evidence}");
    for tier in ["Basic", "PremiumV3", "ElasticPremium"] {
        let (status, evidence) = regional_status("plan.tier", |f| {
            f.get_mut("plan.json").unwrap()["sku"]["tier"] = json!(tier);
        });
        assert_eq!(status, Status::Pass, "{tier}: {evidence}");
    }
}

#[test]
fn the_apps_private_ip_is_in_the_integration_subnet() {
    let in_app = |ip: &'static str| Seen {
        settings: vec![
            ("WEBSITE_SITE_NAME", "contoso-web"),
            ("WEBSITE_PRIVATE_IP", ip),
        ],
        ..Seen::default()
    };
    let (status, evidence) = status_seen("app.private-ip", regional, &in_app("10.10.4.7"));
    assert_eq!(
        (status, evidence.as_str()),
        (
            Status::Pass,
            "10.10.4.7 is in the integration subnet 10.10.4.0/26"
        )
    );
    // An address of the P2S pool is outside the integration subnet now.
    let (status, evidence) = status_seen("app.private-ip", regional, &in_app("172.16.200.77"));
    assert_eq!(status, Status::Fail, "{evidence}");
    assert_eq!(
        evidence,
        "172.16.200.77 is outside the integration subnet 10.10.4.0/26"
    );
}

#[test]
fn without_route_all_only_rfc1918_destinations_enter_the_vnet() {
    let to = |target: &'static str| Seen {
        target,
        ..Seen::default()
    };
    let in_vnet = |f: &mut BTreeMap<String, Value>| {
        regional(f);
        f.get_mut("vnet.json").unwrap()["addressSpace"]["addressPrefixes"] =
            json!(["10.10.0.0/16", "100.64.10.0/24"]);
    };
    let (status, evidence) = status_seen("route.target", in_vnet, &to("100.64.10.5"));
    assert_eq!(status, Status::Fail, "{evidence}");
    assert!(
        evidence.contains("outside RFC 1918: without Route All"),
        "{evidence}"
    );
    let (status, evidence) = status_seen("route.target", regional, &to("20.50.1.1"));
    assert_eq!(status, Status::Warn, "{evidence}");
    assert!(
        evidence.contains("leaves the app straight to the internet"),
        "{evidence}"
    );
    // Route All in each of its shapes sends both into the VNET.
    for shape in [
        json!({"vnetRouteAllEnabled": true}),
        json!({"siteConfig": {"vnetRouteAllEnabled": true}}),
        json!({"outboundVnetRouting": {"allTraffic": true}}),
        json!({"outboundVnetRouting": {"applicationTraffic": true}}),
    ] {
        let (status, evidence) = status_seen(
            "route.target",
            |f| {
                in_vnet(f);
                let site = f.get_mut("site.json").unwrap()["properties"]
                    .as_object_mut()
                    .unwrap();
                for (key, value) in shape.as_object().unwrap() {
                    site.insert(key.clone(), value.clone());
                }
            },
            &to("100.64.10.5"),
        );
        assert_eq!(status, Status::Pass, "{shape}: {evidence}");
    }
}

#[test]
fn two_regional_connections_fail_the_single_vnet_check() {
    let (status, evidence) = regional_status("app.single-vnet", |_| {});
    assert_eq!(status, Status::Pass, "{evidence}");
    let (status, evidence) = regional_status("app.single-vnet", |f| {
        let connection = |name: &str| {
            json!({
                "id": format!("/subscriptions/6f1c2a4e-0000-4000-8000-00000000c0de/resourceGroups/rg-contoso/providers/Microsoft.Web/sites/contoso-web/virtualNetworkConnections/{name}"),
                "name": name, "type": "Microsoft.Web/sites/virtualNetworkConnections",
                "properties": {"vnetResourceId": format!("{VNET}/subnets/{name}"), "isSwift": true}
            })
        };
        f.insert(
            "regional-connections.json".into(),
            json!([connection("snet-apps"), connection("snet-apps2")]),
        );
    });
    assert_eq!(status, Status::Fail, "{evidence}");
    assert!(evidence.contains("snet-apps2"), "{evidence}");
}
