//! Regional verdicts a support engineer can trust (issue 19): the shipped regional example
//! with one real support case's change at a time, each finding of the expert's review as a
//! test that failed before its fix. Snapshot addresses are only evaluated, never contacted.

use std::collections::BTreeMap;

use netdiag_core::checklist::Status;
use netdiag_core::vocab::VerdictStatus;
use serde_json::{Value, json};

use super::checklist::{Seen, evaluate_with, find, snapshot};
use super::private_endpoint::regional_example;

const SUB: &str = "/subscriptions/0b7e5a3d-0000-4000-8000-0000000fab01";
const VNET: &str = "/subscriptions/0b7e5a3d-0000-4000-8000-0000000fab01/resourceGroups/rg-fabrikam/providers/Microsoft.Network/virtualNetworks/vnet-fabrikam";

/// The example's view of a target in its data subnet, the app asking its VNET's DNS.
fn seen() -> Seen {
    Seen {
        target: "10.20.2.4",
        servers: &["10.20.1.4:53"],
        ..Seen::default()
    }
}

/// The example with `change` made, evaluated without probes.
fn evaluated(
    change: impl FnOnce(&mut BTreeMap<String, Value>),
) -> netdiag_core::checklist::Evaluation {
    let mut files = regional_example();
    change(&mut files);
    evaluate_with(Some(&files), &seen())
}

/// A hub VNET beside the app's spoke, peered to it, holding the DNS server.
fn add_hub(files: &mut BTreeMap<String, Value>) {
    files.insert(
        "vnet-hub.json".to_owned(),
        json!({
            "id": format!("{SUB}/resourceGroups/rg-hub/providers/Microsoft.Network/virtualNetworks/vnet-hub"),
            "name": "vnet-hub", "type": "Microsoft.Network/virtualNetworks", "location": "westeurope",
            "properties": {
                "addressSpace": {"addressPrefixes": ["10.0.0.0/16"]},
                "subnets": [{"id": format!("{SUB}/resourceGroups/rg-hub/providers/Microsoft.Network/virtualNetworks/vnet-hub/subnets/snet-dns"),
                             "name": "snet-dns", "properties": {"addressPrefix": "10.0.1.0/24"}}]
            }
        }),
    );
}

/// The app's regional integration known only from its connection (whose `vnetResourceId`
/// is the subnet's id), as `az webapp vnet-integration list` shows it.
fn only_the_connection_says_the_subnet(files: &mut BTreeMap<String, Value>) {
    files.get_mut("site.json").unwrap()["properties"]
        .as_object_mut()
        .unwrap()
        .remove("virtualNetworkSubnetId");
}

/// Hub and spoke, the textbook design: with a hub in the snapshot, the app's VNET is still
/// found from its regional connection's subnet id, and so are its custom DNS servers.
/// ("Integrate your app with an Azure virtual network", learn.microsoft.com/azure/app-service/overview-vnet-integration:
/// the app uses the DNS servers of the VNET it integrates with.)
#[test]
fn with_a_hub_beside_it_the_apps_vnet_is_found_from_the_regional_connections_subnet() {
    let mut files = regional_example();
    add_hub(&mut files);
    only_the_connection_says_the_subnet(&mut files);
    let evaluation = evaluate_with(
        Some(&files),
        &Seen {
            target: "db.fabrikam.internal",
            ..seen()
        },
    );
    let dns = find(&evaluation.checks, "dns.configured");
    assert_eq!(dns.status, Status::Pass, "{}", dns.evidence);
    assert_eq!(dns.evidence, "VNET vnet-fabrikam uses 10.20.1.4");
    for id in ["regional.subnet", "vnet.location", "regional.delegation"] {
        let check = find(&evaluation.checks, id);
        assert_eq!(check.status, Status::Pass, "{id}: {}", check.evidence);
    }
    // The DNS configuration reads the same VNET: its servers are the app's.
    let servers = snapshot(&files).app_dns_servers(None).unwrap();
    assert_eq!(servers.entries, ["10.20.1.4"]);
    assert_eq!(servers.origin, "VNET vnet-fabrikam dhcpOptions.dnsServers");
}

/// A snapshot that lacked what the checks needed is not a pass: the verdict is `warn`
/// "incomplete", names the missing VNET by its id and says what to export.
#[test]
fn a_snapshot_without_the_apps_vnet_gives_an_incomplete_verdict_not_a_pass() {
    let evaluation = evaluated(|f| {
        f.remove("vnet.json");
    });
    assert!(!evaluation.any_failed());
    let verdict = evaluation.verdict(None);
    assert_eq!(verdict.status, VerdictStatus::Warn, "{}", verdict.summary);
    assert_eq!(verdict.incomplete, [VNET]);
    assert!(
        verdict.summary.starts_with("The verdict is incomplete: "),
        "{}",
        verdict.summary
    );
    assert!(
        verdict.summary.ends_with(
            "because the snapshot lacks vnet-fabrikam. Nothing that could decide failed."
        ),
        "{}",
        verdict.summary
    );
    assert!(
        verdict.next_steps[0].contains("regional.subnet")
            && verdict.next_steps[0].contains("az network vnet show"),
        "{:?}",
        verdict.next_steps
    );
    // The checks that lacked it say which VNET, by name and group.
    let subnet = find(&evaluation.checks, "regional.subnet");
    assert_eq!(subnet.status, Status::Skip);
    let location = find(&evaluation.checks, "vnet.location");
    assert_eq!(
        location.evidence,
        "the app's VNET vnet-fabrikam in rg-fabrikam is not in the snapshot"
    );
}

/// The complete example still decides: nothing is missing, so nothing is incomplete, and
/// its planted cause stays its one cause.
#[test]
fn the_complete_example_is_not_incomplete() {
    let mut files = regional_example();
    let verdict = evaluate_with(
        Some(&files),
        &Seen {
            target: "sql-fabrikam.database.windows.net",
            servers: &["10.20.1.4:53"],
            ..Seen::default()
        },
    )
    .verdict(None);
    assert_eq!(verdict.incomplete, Vec::<String>::new());
    assert_eq!(verdict.cause.as_deref(), Some("dns.private-endpoint"));
    // A name of no Azure service with no private endpoints exported lacks nothing.
    files.remove("private-endpoints.json");
    files.remove("zone-records.json");
    let evaluation = evaluate_with(
        Some(&files),
        &Seen {
            target: "db.fabrikam.internal",
            servers: &["10.20.1.4:53"],
            ..Seen::default()
        },
    );
    let check = find(&evaluation.checks, "dns.private-endpoint");
    assert_eq!(check.status, Status::Skip);
    assert!(
        check.evidence.starts_with("does not apply"),
        "{}",
        check.evidence
    );
}

fn flex_plan(files: &mut BTreeMap<String, Value>) {
    files.get_mut("plan.json").unwrap()["sku"] = json!({"name": "FC1", "tier": "FlexConsumption"});
}

/// The example's integration subnet, snet-apps, in vnet.json.
fn apps_subnet(files: &mut BTreeMap<String, Value>) -> &mut Value {
    files.get_mut("vnet.json").unwrap()["properties"]["subnets"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|s| s["name"] == "snet-apps")
        .unwrap()
}

fn apps_subnet_delegated_to(service: &'static str) -> impl FnOnce(&mut BTreeMap<String, Value>) {
    move |files| {
        apps_subnet(files)["properties"]["delegations"] =
            json!([{"name": "delegation", "properties": {"serviceName": service}}]);
    }
}

/// Flex Consumption apps integrate through a subnet delegated to
/// `Microsoft.App/environments` ("Azure Functions Flex Consumption plan hosting",
/// learn.microsoft.com/azure/azure-functions/flex-consumption-plan): that is not a
/// failure, and the Web delegation is the wrong one for such a plan.
#[test]
fn a_flex_consumption_subnet_is_delegated_to_container_app_environments() {
    let evaluation = evaluated(|f| {
        flex_plan(f);
        apps_subnet_delegated_to("Microsoft.App/environments")(f);
    });
    let check = find(&evaluation.checks, "regional.delegation");
    assert_eq!(check.status, Status::Pass, "{}", check.evidence);
    assert_eq!(
        check.evidence,
        "subnet snet-apps is delegated to Microsoft.App/environments"
    );
    let tier = find(&evaluation.checks, "plan.tier");
    assert_eq!(tier.status, Status::Pass, "{}", tier.evidence);
    let evaluation = evaluated(flex_plan);
    let check = find(&evaluation.checks, "regional.delegation");
    assert_eq!(check.status, Status::Fail);
    assert_eq!(
        check.evidence,
        "subnet snet-apps is delegated to Microsoft.Web/serverFarms: a Flex Consumption plan's regional VNET Integration needs Microsoft.App/environments"
    );
    // A dedicated plan still needs the Web delegation.
    let evaluation = evaluated(apps_subnet_delegated_to("Microsoft.App/environments"));
    assert_eq!(
        find(&evaluation.checks, "regional.delegation").status,
        Status::Fail
    );
}

/// The app with its integration taken away: no `virtualNetworkSubnetId`, no connection.
fn not_integrated(files: &mut BTreeMap<String, Value>) {
    files.remove("vnet-integration.json");
    only_the_connection_says_the_subnet(files);
}

/// An app with no VNET integration cannot reach a private target: `app.integrated` fails
/// and is the cause, and the integration's own checks say they do not apply (never a
/// "No check failed" with exit 0). "Integrate your app with an Azure virtual network",
/// learn.microsoft.com/azure/app-service/overview-vnet-integration.
#[test]
fn an_app_without_integration_cannot_reach_a_private_target() {
    let evaluation = evaluated(not_integrated);
    let check = find(&evaluation.checks, "app.integrated");
    assert_eq!(check.status, Status::Fail);
    assert_eq!(
        check.evidence,
        "app fabrikam-api has no VNET integration, so its traffic to 10.20.2.4 (in VNET vnet-fabrikam) goes to the internet and cannot reach it"
    );
    let verdict = evaluation.verdict(None);
    assert_eq!(verdict.cause.as_deref(), Some("app.integrated"));
    assert_eq!(verdict.incomplete, Vec::<String>::new());
    let subnet = find(&evaluation.checks, "regional.subnet");
    assert_eq!(
        subnet.evidence,
        "does not apply to an app without VNET integration"
    );
    // A public target is reached over the internet: nothing to fail, nothing missing.
    let mut files = regional_example();
    not_integrated(&mut files);
    let public = evaluate_with(
        Some(&files),
        &Seen {
            target: "20.50.1.1",
            port: 443,
            ..seen()
        },
    );
    assert_eq!(find(&public.checks, "app.integrated").status, Status::Pass);
    let verdict = public.verdict(None);
    assert_eq!(verdict.status, VerdictStatus::Pass, "{}", verdict.summary);
    // With integration, the check says which.
    let evaluation = evaluated(|_| {});
    assert_eq!(
        find(&evaluation.checks, "app.integrated").evidence,
        "app fabrikam-api has regional integration (site fabrikam-api's virtualNetworkSubnetId)"
    );
}

/// A private endpoint of the app's own carries traffic to the app, never from it: an app
/// with only that is told so. "Using private endpoints for App Service apps",
/// learn.microsoft.com/azure/app-service/overview-private-endpoint.
#[test]
fn an_inbound_private_endpoint_is_not_outbound_integration() {
    let evaluation = evaluate_with(
        Some(&{
            let mut files = regional_example();
            not_integrated(&mut files);
            files.insert(
                "pe-app.json".to_owned(),
                json!({
                    "id": format!("{SUB}/resourceGroups/rg-fabrikam/providers/Microsoft.Network/privateEndpoints/pe-fabrikam-api"),
                    "name": "pe-fabrikam-api", "type": "Microsoft.Network/privateEndpoints",
                    "properties": {
                        "subnet": {"id": format!("{VNET}/subnets/snet-data")},
                        "privateLinkServiceConnections": [{"name": "c", "properties": {
                            "privateLinkServiceId": format!("{SUB}/resourceGroups/rg-fabrikam/providers/Microsoft.Web/sites/fabrikam-api"),
                            "groupIds": ["sites"]}}]
                    }
                }),
            );
            files
        }),
        &seen(),
    );
    let check = find(&evaluation.checks, "app.integrated");
    assert_eq!(check.status, Status::Fail);
    assert!(
        check.evidence.ends_with(
            "; its private endpoint pe-fabrikam-api carries traffic to the app, never from it"
        ),
        "{}",
        check.evidence
    );
}

const SITE: &str = "/subscriptions/0b7e5a3d-0000-4000-8000-0000000fab01/resourceGroups/rg-fabrikam/providers/Microsoft.Web/sites/fabrikam-api";

/// The example plus a deployment slot of the app with no integration of its own.
fn with_a_slot(files: &mut BTreeMap<String, Value>) {
    files.insert(
        "slot.json".to_owned(),
        json!({
            "id": format!("{SITE}/slots/staging"),
            "name": "fabrikam-api/staging", "type": "Microsoft.Web/sites/slots",
            "kind": "app", "location": "West Europe",
            "properties": {"serverFarmId": format!("{SUB}/resourceGroups/rg-fabrikam/providers/Microsoft.Web/serverfarms/plan-fabrikam")}
        }),
    );
}

/// The contract: the app is the one `--app` names, else the one the tool runs in
/// (`WEBSITE_SITE_NAME`, with `WEBSITE_SLOT_NAME`), else the only site; several and none
/// chosen is an error listing them. Slots load as sites.
#[test]
fn the_app_is_chosen_by_id_or_by_where_the_tool_runs_never_silently() {
    let mut files = regional_example();
    with_a_slot(&mut files);
    let mut loaded = snapshot(&files);
    assert_eq!(loaded.sites.len(), 2, "the slot loads as a site");
    let error = loaded.choose_app(None, None).unwrap_err();
    assert!(error.starts_with("the snapshot holds 2 sites; say which one the checklist is about with --app RESOURCE_ID:"), "{error}");
    assert!(
        error.contains(&format!("  {SITE}/slots/staging")),
        "{error}"
    );
    // By id, case-insensitive.
    loaded
        .choose_app(Some(&format!("{SITE}/SLOTS/Staging")), None)
        .unwrap();
    assert_eq!(loaded.site(None).unwrap().name, "fabrikam-api/staging");
    // Where the tool runs: a slot's ARM name is APP/SLOT.
    loaded
        .choose_app(None, Some("fabrikam-api/staging"))
        .unwrap();
    assert_eq!(loaded.site(None).unwrap().name, "fabrikam-api/staging");
    loaded.choose_app(None, Some("fabrikam-api")).unwrap();
    assert_eq!(loaded.site(None).unwrap().name, "fabrikam-api");
    let error = loaded
        .choose_app(
            Some("/subscriptions/x/resourceGroups/r/providers/Microsoft.Web/sites/nope"),
            None,
        )
        .unwrap_err();
    assert!(error.contains("the snapshot holds no such site"), "{error}");
}

/// A deployment slot is judged by its own integration (the contract's `app.integrated`
/// row): a slot has its own `virtualNetworkSubnetId` and connections, and the production
/// slot's do not carry its traffic (slots: learn.microsoft.com/azure/app-service/overview-vnet-integration).
#[test]
fn a_slot_is_judged_by_its_own_integration() {
    let mut files = regional_example();
    with_a_slot(&mut files);
    let mut loaded = snapshot(&files);
    loaded
        .choose_app(Some(&format!("{SITE}/slots/staging")), None)
        .unwrap();
    let evaluation = super::checklist::evaluate_snapshot(Some(&loaded), &seen());
    let check = find(&evaluation.checks, "app.integrated");
    assert_eq!(check.status, Status::Fail, "{}", check.evidence);
    assert!(
        check
            .evidence
            .starts_with("app fabrikam-api/staging has no VNET integration"),
        "{}",
        check.evidence
    );
    loaded.choose_app(Some(SITE), None).unwrap();
    let evaluation = super::checklist::evaluate_snapshot(Some(&loaded), &seen());
    assert_eq!(
        find(&evaluation.checks, "app.integrated").status,
        Status::Pass
    );
}

/// The standard hub-and-spoke route: 0.0.0.0/0 from the integration subnet to the hub's
/// firewall. Azure picks the longest prefix over UDRs and system routes, so targets in
/// the VNET's own space keep the system route (`VnetLocal`) and only the rest meets the
/// firewall ("Virtual network traffic routing",
/// learn.microsoft.com/azure/virtual-network/virtual-networks-udr-overview).
#[test]
fn a_default_route_to_a_firewall_leaves_targets_in_the_vnet_alone() {
    let evaluation = evaluated(default_route_to_hub());
    let check = find(&evaluation.checks, "udr.app-subnet");
    assert_eq!(check.status, Status::Pass, "{}", check.evidence);
    assert!(
        check.evidence.starts_with("10.20.2.4 is in the VNET's own space 10.20.0.0/16: the system route (VnetLocal) is more specific than route table rt-apps's 0.0.0.0/0"),
        "{}",
        check.evidence
    );
    // A public target with Route All meets the firewall: a warning that names it.
    let mut files = regional_example();
    default_route_to_hub()(&mut files);
    files.get_mut("site.json").unwrap()["properties"]["vnetRouteAllEnabled"] = json!(true);
    let public = evaluate_with(
        Some(&files),
        &Seen {
            target: "20.50.1.1",
            port: 443,
            ..seen()
        },
    );
    let check = find(&public.checks, "udr.app-subnet");
    assert_eq!(check.status, Status::Warn, "{}", check.evidence);
    assert!(
        check.evidence.contains("to VirtualAppliance 10.0.1.4"),
        "{}",
        check.evidence
    );
}

/// A route table on a subnet of the example's VNET (by its index in `subnets`).
fn route_table_on(
    subnet: usize,
    name: &'static str,
    routes: Value,
) -> impl FnOnce(&mut BTreeMap<String, Value>) {
    move |files| {
        let id = format!(
            "{SUB}/resourceGroups/rg-fabrikam/providers/Microsoft.Network/routeTables/{name}"
        );
        files.insert(
            format!("{name}.json"),
            json!({"id": id, "name": name, "type": "Microsoft.Network/routeTables",
                   "properties": {"routes": routes}}),
        );
        files.get_mut("vnet.json").unwrap()["properties"]["subnets"][subnet]["properties"]["routeTable"] =
            json!({"id": id});
    }
}

/// The hub-and-spoke route table on the integration subnet: 0.0.0.0/0 to the hub's
/// firewall at 10.0.1.4.
fn default_route_to_hub() -> impl FnOnce(&mut BTreeMap<String, Value>) {
    route_table_on(
        2,
        "rt-apps",
        json!([{"name": "default-to-hub", "properties": {"addressPrefix": "0.0.0.0/0",
                "nextHopType": "VirtualAppliance", "nextHopIpAddress": "10.0.1.4"}}]),
    )
}

/// The same appliance on both ways (the integration subnet sends the target to it, and
/// the target's subnet sends the integration subnet to it) is symmetric inspection: a
/// warning naming the appliance, not an asymmetric return path. Through it only one way
/// is still a failure.
#[test]
fn the_same_appliance_both_ways_is_inspection_not_asymmetry() {
    let back = route_table_on(
        1,
        "rt-data",
        json!([{"name": "apps-via-fw", "properties": {"addressPrefix": "10.20.4.0/26",
                "nextHopType": "VirtualAppliance", "nextHopIpAddress": "10.20.3.4"}}]),
    );
    let there = route_table_on(
        2,
        "rt-apps",
        json!([{"name": "data-via-fw", "properties": {"addressPrefix": "10.20.2.0/24",
                "nextHopType": "VirtualAppliance", "nextHopIpAddress": "10.20.3.4"}}]),
    );
    let evaluation = evaluated(|f| {
        back(f);
        there(f);
    });
    let check = find(&evaluation.checks, "udr.return-path");
    assert_eq!(check.status, Status::Warn, "{}", check.evidence);
    assert!(
        check.evidence.ends_with("which the integration subnet also sends the target to: the same appliance inspects both ways"),
        "{}",
        check.evidence
    );
    assert_eq!(
        find(&evaluation.checks, "udr.app-subnet").status,
        Status::Warn
    );
    // Only the way back through it: asymmetric, the cause.
    let evaluation = evaluated(route_table_on(
        1,
        "rt-data",
        json!([{"name": "apps-via-fw", "properties": {"addressPrefix": "10.20.4.0/26",
                "nextHopType": "VirtualAppliance", "nextHopIpAddress": "10.20.3.4"}}]),
    ));
    assert_eq!(
        find(&evaluation.checks, "udr.return-path").status,
        Status::Fail
    );
}

/// Without Route All, the traffic of a service whose endpoint is on the integration
/// subnet still enters the VNET ("Integrate your app with an Azure virtual network":
/// "only private traffic (RFC1918) and service endpoints configured on the integration
/// subnet will be sent into the virtual network",
/// learn.microsoft.com/azure/app-service/overview-vnet-integration). It warned before.
#[test]
fn a_service_endpoint_on_the_integration_subnet_brings_its_service_into_the_vnet() {
    let with_endpoint = |files: &mut BTreeMap<String, Value>| {
        apps_subnet(files)["properties"]["serviceEndpoints"] =
            json!([{"service": "Microsoft.Sql", "locations": ["westeurope"]}]);
    };
    let evaluate = |change: &dyn Fn(&mut BTreeMap<String, Value>)| {
        let mut files = regional_example();
        change(&mut files);
        evaluate_with_ip(
            &files,
            &Seen {
                target: "sql-public.database.windows.net",
                ..seen()
            },
            "20.50.1.1",
        )
    };
    let check = evaluate(&with_endpoint);
    let route = find(&check.checks, "route.target");
    assert_eq!(route.status, Status::Pass, "{}", route.evidence);
    assert_eq!(
        route.evidence,
        "20.50.1.1 is a public address of sql-public.database.windows.net, whose service endpoint Microsoft.Sql is on the integration subnet: its traffic enters the VNET without Route All"
    );
    // The integration subnet's NSG now applies to it.
    assert_ne!(
        find(&check.checks, "nsg.outbound").evidence,
        find(&evaluate(&|_| {}).checks, "nsg.outbound").evidence
    );
    let without = evaluate(&|_| {});
    assert_eq!(find(&without.checks, "route.target").status, Status::Warn);
}

/// The checklist for a name the run resolved to `ip`.
fn evaluate_with_ip(
    files: &BTreeMap<String, Value>,
    seen: &Seen,
    ip: &str,
) -> netdiag_core::checklist::Evaluation {
    use netdiag_core::dns::{DnsAnswer, DnsAttempt, DnsOutcome, Lookup, ServerSource};
    let server = "10.20.1.4:53".parse().unwrap();
    let lookup = Lookup {
        attempts: vec![DnsAttempt {
            server,
            source: ServerSource::Network,
            round: 1,
            outcome: DnsOutcome::Answered,
            elapsed: std::time::Duration::from_millis(3),
            rcode: Some("NOERROR".into()),
            message: None,
        }],
        outcome: DnsOutcome::Answered,
        answer: Some(DnsAnswer {
            server,
            authoritative: false,
            canonical_name: seen.target.into(),
            aliases: Vec::new(),
            addresses: vec![ip.parse().unwrap()],
            records: Vec::new(),
        }),
    };
    evaluate_with(
        Some(files),
        &Seen {
            lookup: Some(lookup),
            servers: seen.servers,
            target: seen.target,
            port: seen.port,
            ..Seen::default()
        },
    )
}

/// The `VirtualNetwork` tag holds the prefixes of the subnet's user-defined routes
/// (learn.microsoft.com/azure/virtual-network/service-tags-overview): with the hub-and-spoke
/// 0.0.0.0/0 on the integration subnet, every address is in it, so the example's
/// "Deny-VNet-else" rule also denies a public target sent to the firewall (a false pass
/// before: the default `AllowInternetOutBound` was taken to decide).
#[test]
fn a_default_udr_puts_every_address_in_the_virtual_network_tag() {
    let mut files = regional_example();
    default_route_to_hub()(&mut files);
    files.get_mut("site.json").unwrap()["properties"]["vnetRouteAllEnabled"] = json!(true);
    let public = Seen {
        target: "20.50.1.1",
        port: 443,
        ..seen()
    };
    let evaluation = evaluate_with(Some(&files), &public);
    let check = find(&evaluation.checks, "nsg.outbound");
    assert_eq!(check.status, Status::Fail, "{}", check.evidence);
    assert!(
        check.evidence.contains("Deny-VNet-else"),
        "{}",
        check.evidence
    );
    // Without the UDR, the internet is allowed by Azure's default rule.
    let mut files = regional_example();
    files.get_mut("site.json").unwrap()["properties"]["vnetRouteAllEnabled"] = json!(true);
    let evaluation = evaluate_with(Some(&files), &public);
    assert_eq!(
        find(&evaluation.checks, "nsg.outbound").status,
        Status::Pass
    );
}

/// `Internet` is the public address space outside `VirtualNetwork`, not "everything
/// else" (learn.microsoft.com/azure/virtual-network/service-tags-overview): a private
/// address in no space the VNET knows is denied by Azure's `DenyAllOutBound`, not allowed
/// by `AllowInternetOutBound` (a false pass before).
#[test]
fn a_private_address_outside_the_vnet_is_not_internet() {
    let evaluation = evaluate_with(
        Some(&regional_example()),
        &Seen {
            target: "192.168.50.4",
            ..seen()
        },
    );
    let check = find(&evaluation.checks, "nsg.outbound");
    assert_eq!(check.status, Status::Fail, "{}", check.evidence);
    assert!(
        check.evidence.contains("DenyAllOutBound"),
        "{}",
        check.evidence
    );
}

const HUB: &str = "/subscriptions/0b7e5a3d-0000-4000-8000-0000000fab01/resourceGroups/rg-hub/providers/Microsoft.Network/virtualNetworks/vnet-hub";

/// The regional example peered with a hub that owns a VPN gateway to an on-premises
/// network 192.168.0.0/16, with the transit flags `use_remote` (spoke side) and `transit`
/// (hub side), and the site-to-site connection's `status`.
fn behind_a_hub(
    use_remote: bool,
    transit: bool,
    status: Option<&'static str>,
) -> impl FnOnce(&mut BTreeMap<String, Value>) {
    move |files| {
        let peering = |name: &str, remote: &str, space: &str, flags: Value| {
            let mut properties = json!({"remoteVirtualNetwork": {"id": remote},
                "remoteAddressSpace": {"addressPrefixes": [space]}, "peeringState": "Connected",
                "allowVirtualNetworkAccess": true, "allowForwardedTraffic": true});
            properties
                .as_object_mut()
                .unwrap()
                .extend(flags.as_object().unwrap().clone());
            json!({"name": name, "properties": properties})
        };
        files.get_mut("vnet.json").unwrap()["properties"]["virtualNetworkPeerings"] =
            json!([peering(
                "spoke-to-hub",
                HUB,
                "10.0.0.0/16",
                json!({"useRemoteGateways": use_remote})
            )]);
        files.insert(
            "hub.json".to_owned(),
            json!({"id": HUB, "name": "vnet-hub", "type": "Microsoft.Network/virtualNetworks",
                "properties": {"addressSpace": {"addressPrefixes": ["10.0.0.0/16"]},
                    "subnets": [{"id": format!("{HUB}/subnets/GatewaySubnet"), "name": "GatewaySubnet",
                                 "properties": {"addressPrefix": "10.0.255.0/27"}}],
                    "virtualNetworkPeerings": [peering("hub-to-spoke", VNET, "10.20.0.0/16",
                        json!({"allowGatewayTransit": transit}))]}}),
        );
        let gateway = format!(
            "{SUB}/resourceGroups/rg-hub/providers/Microsoft.Network/virtualNetworkGateways/vgw-hub"
        );
        let local = format!(
            "{SUB}/resourceGroups/rg-hub/providers/Microsoft.Network/localNetworkGateways/lgw-dc"
        );
        let mut connection = json!({"virtualNetworkGateway1": {"id": gateway}, "localNetworkGateway2": {"id": local}, "connectionType": "IPsec"});
        if let Some(status) = status {
            connection["connectionStatus"] = json!(status);
        }
        files.insert(
            "hub-gateway.json".to_owned(),
            json!([
                {"id": gateway, "name": "vgw-hub", "type": "Microsoft.Network/virtualNetworkGateways",
                 "properties": {"provisioningState": "Succeeded", "gatewayType": "Vpn", "vpnType": "RouteBased",
                    "ipConfigurations": [{"name": "default", "properties": {"subnet": {"id": format!("{HUB}/subnets/GatewaySubnet")}}}]}},
                {"id": local, "name": "lgw-dc", "type": "Microsoft.Network/localNetworkGateways",
                 "properties": {"localNetworkAddressSpace": {"addressPrefixes": ["192.168.0.0/16"]}}},
                {"id": format!("{SUB}/resourceGroups/rg-hub/providers/Microsoft.Network/connections/cn-dc"),
                 "name": "cn-dc", "type": "Microsoft.Network/connections", "properties": connection}
            ]),
        );
    }
}

/// On-premises targets of a regional app are checked too: through a hub's gateway, the
/// peering needs useRemoteGateways and the hub's side allowGatewayTransit
/// (learn.microsoft.com/azure/vpn-gateway/vpn-gateway-peering-gateway-transit), and the
/// site-to-site connection must be up. It was never checked before.
#[test]
fn an_on_premises_target_behind_a_hubs_gateway_is_checked_for_a_regional_app() {
    let onprem = Seen {
        target: "192.168.10.5",
        ..seen()
    };
    let status = |use_remote, transit, connection| {
        let mut files = regional_example();
        behind_a_hub(use_remote, transit, connection)(&mut files);
        let evaluation = evaluate_with(Some(&files), &onprem);
        let check = find(&evaluation.checks, "onprem.s2s-connected").clone();
        (check.status, check.evidence)
    };
    let (s, evidence) = status(true, true, Some("Connected"));
    assert_eq!(s, Status::Pass, "{evidence}");
    let (s, evidence) = status(true, true, Some("NotConnected"));
    assert_eq!(s, Status::Fail, "{evidence}");
    assert!(evidence.contains("cn-dc is NotConnected"), "{evidence}");
    let (s, evidence) = status(true, true, None);
    assert_eq!(s, Status::Warn, "{evidence}");
    let (s, evidence) = status(false, true, Some("Connected"));
    assert_eq!(s, Status::Fail, "{evidence}");
    assert!(
        evidence.ends_with("reached through the gateway of hub vnet-hub, but peering spoke-to-hub lacks useRemoteGateways: the app's VNET has no way to on-premises"),
        "{evidence}"
    );
    let (s, evidence) = status(true, false, Some("Connected"));
    assert_eq!(s, Status::Fail, "{evidence}");
    assert!(
        evidence.contains("the hub's peering hub-to-spoke lacks allowGatewayTransit"),
        "{evidence}"
    );
}

/// `dns.path`: the way to the app's DNS server (in a VNET of the snapshot) on UDP and
/// TCP 53, the troubleshooting guide's second most common cause
/// (learn.microsoft.com/troubleshoot/azure/app-service/troubleshoot-vnet-integration-apps),
/// was never analysed. The example's NSG allows DNS with any protocol; a rule for UDP
/// alone leaves TCP 53 (large answers, retries) to its deny-VirtualNetwork rule.
#[test]
fn the_way_to_the_apps_dns_server_is_analysed_on_udp_and_tcp() {
    let named = Seen {
        target: "db.fabrikam.internal",
        ..seen()
    };
    let evaluation = evaluate_with(Some(&regional_example()), &named);
    let check = find(&evaluation.checks, "dns.path");
    assert_eq!(check.status, Status::Pass, "{}", check.evidence);
    assert_eq!(
        check.evidence,
        "the whole integration subnet 10.20.4.0/26 reaches the app's DNS server 10.20.1.4 (subnet snet-infra) on UDP and TCP 53"
    );
    let mut files = regional_example();
    let rules = files.get_mut("nsg-apps.json").unwrap()["properties"]["securityRules"]
        .as_array_mut()
        .unwrap();
    let dns = rules.iter_mut().find(|r| r["name"] == "Allow-Dns").unwrap();
    dns["properties"]["protocol"] = json!("Udp");
    let evaluation = evaluate_with(Some(&files), &named);
    let check = find(&evaluation.checks, "dns.path");
    assert_eq!(check.status, Status::Fail, "{}", check.evidence);
    assert!(
        check.evidence.contains(
            "TCP 53 to 10.20.1.4 outbound is blocked for 10.20.4.0/26 by nsg-apps/Deny-VNet-else"
        ),
        "{}",
        check.evidence
    );
    assert!(!check.evidence.contains("UDP 53"), "{}", check.evidence);
    // Azure DNS alone: nothing of the VNET filters it.
    let azure = Seen {
        target: "db.fabrikam.internal",
        servers: &["168.63.129.16:53"],
        ..seen()
    };
    let evaluation = evaluate_with(Some(&regional_example()), &azure);
    assert_eq!(find(&evaluation.checks, "dns.path").status, Status::Skip);
}

/// The `VirtualNetwork` tag of a spoke that uses its hub's gateway holds the on-premises
/// spaces behind it (learn.microsoft.com/azure/virtual-network/service-tags-overview:
/// connected on-premises address spaces), so an outbound allow for `VirtualNetwork`
/// admits an on-premises target (a false fail before: only the VNET's own gateway counted).
#[test]
fn the_virtual_network_tag_of_a_spoke_holds_the_on_premises_spaces_behind_its_hub() {
    let mut files = regional_example();
    behind_a_hub(true, true, Some("Connected"))(&mut files);
    let rules = files.get_mut("nsg-apps.json").unwrap()["properties"]["securityRules"]
        .as_array_mut()
        .unwrap();
    rules.push(json!({"name": "Allow-VNet-Sql", "properties": {"priority": 130, "direction": "Outbound",
        "access": "Allow", "protocol": "Tcp", "sourcePortRange": "*", "destinationPortRange": "1433",
        "sourceAddressPrefix": "10.20.4.0/26", "destinationAddressPrefix": "VirtualNetwork"}}));
    let onprem = Seen {
        target: "192.168.10.5",
        ..seen()
    };
    let evaluation = evaluate_with(Some(&files), &onprem);
    let check = find(&evaluation.checks, "nsg.outbound");
    assert_eq!(check.status, Status::Pass, "{}", check.evidence);
}

/// A public target is in no subnet of any snapshot: the checks at the target's subnet do
/// not apply, and the verdict is not "incomplete" for want of a VNET to export.
#[test]
fn a_public_target_lacks_no_subnet() {
    let mut files = regional_example();
    files.get_mut("site.json").unwrap()["properties"]["vnetRouteAllEnabled"] = json!(true);
    let evaluation = evaluate_with(
        Some(&files),
        &Seen {
            target: "20.50.1.1",
            port: 443,
            ..seen()
        },
    );
    for id in ["nsg.inbound", "udr.return-path"] {
        let check = find(&evaluation.checks, id);
        assert_eq!(
            check.evidence,
            "does not apply: 20.50.1.1 is a public address, in no subnet of the snapshot",
            "{id}"
        );
    }
    assert_eq!(evaluation.verdict(None).incomplete, Vec::<String>::new());
}

/// A hub whose gateway is `ExpressRoute` (or a VPN gateway with BGP) learns the on-premises
/// prefixes over BGP: no local network gateway lists them, yet they are in the
/// `VirtualNetwork` tag ("all connected on-premises address spaces",
/// learn.microsoft.com/azure/virtual-network/service-tags-overview). Offline they cannot be
/// known, so a private target in no known space is undecided for a rule on the tag: warn,
/// naming the rule, never a fail by the deny after it (issue 19: a false fail before).
#[test]
fn behind_an_expressroute_hub_an_unknown_private_target_is_undecided_for_the_tag() {
    let mut files = regional_example();
    behind_a_hub(true, true, Some("Connected"))(&mut files);
    let gateway = files.get_mut("hub-gateway.json").unwrap();
    gateway[0]["properties"]["gatewayType"] = json!("ExpressRoute");
    let only_gateway = json!([gateway[0].clone()]);
    *gateway = only_gateway;
    let rules = files.get_mut("nsg-apps.json").unwrap()["properties"]["securityRules"]
        .as_array_mut()
        .unwrap();
    rules.push(json!({"name": "Allow-VNet-Sql", "properties": {"priority": 130, "direction": "Outbound",
        "access": "Allow", "protocol": "Tcp", "sourcePortRange": "*", "destinationPortRange": "1433",
        "sourceAddressPrefix": "10.20.4.0/26", "destinationAddressPrefix": "VirtualNetwork"}}));
    let learned = Seen {
        target: "172.16.30.5",
        ..seen()
    };
    let evaluation = evaluate_with(Some(&files), &learned);
    let check = find(&evaluation.checks, "nsg.outbound");
    assert_eq!(check.status, Status::Warn, "{}", check.evidence);
    assert!(
        check.evidence.contains("Allow-VNet-Sql") && check.evidence.contains("over BGP"),
        "{}",
        check.evidence
    );
    assert!(
        check.remedy.contains("list-learned-routes"),
        "{}",
        check.remedy
    );

    // A VPN hub without BGP: its local network gateways are all it reaches, and the same
    // address is decided (denied) as before.
    let mut files = regional_example();
    behind_a_hub(true, true, Some("Connected"))(&mut files);
    let evaluation = evaluate_with(Some(&files), &learned);
    assert_eq!(
        find(&evaluation.checks, "nsg.outbound").status,
        Status::Fail
    );
}
