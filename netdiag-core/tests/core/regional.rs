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
    let (status, evidence) = regional_status("regional.subnet-in-use", |f| {
        apps_subnet(f)["serviceAssociationLinks"] = json!([{"name": "AppServiceLink", "properties": {
            "linkedResourceType": "Microsoft.Web/serverfarms",
            "link": "/subscriptions/6f1c2a4e-0000-4000-8000-00000000c0de/resourceGroups/rg-other/providers/Microsoft.Web/serverfarms/plan-other"}}]);
    });
    assert_eq!(status, Status::Fail, "{evidence}");
    assert!(evidence.contains("plan-other in rg-other"), "{evidence}");
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
