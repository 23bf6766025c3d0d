//! The other end of the path (issue 22): `target.public-access`, `nat.outbound-ip`,
//! `platform.content-share`, `platform.image-pull`, `platform.key-vault-refs`, through the
//! library, on the shipped Functions example and small changes to it, in the ARM and the
//! Azure CLI shapes. Sources:
//! - "Azure Storage firewall rules"
//!   (<https://learn.microsoft.com/azure/storage/common/storage-network-security>): a
//!   default action Deny admits only the IP and VNET rules; IP rules do not apply to
//!   clients in the account's own region.
//! - "Azure NAT Gateway integration"
//!   (<https://learn.microsoft.com/azure/app-service/overview-nat-gateway-integration>):
//!   with Route All, the NAT gateway's public IPs are what the internet sees.
//! - "Configure virtual network integration routing"
//!   (<https://learn.microsoft.com/azure/app-service/configure-vnet-integration-routing>):
//!   content share (`vnetContentShareEnabled`) and image pull (`vnetImagePullEnabled`) are
//!   routed through the VNET only when configured.
//! - "Use Key Vault references as app settings"
//!   (<https://learn.microsoft.com/azure/app-service/app-service-key-vault-references>):
//!   a network-restricted vault must admit the app through its VNET.

use std::collections::BTreeMap;

use netdiag_core::checklist::{Evaluation, Status};
use serde_json::{Value, json};

use super::checklist::{Seen, evaluate_with, find};

const SUB: &str =
    "/subscriptions/4d2e8f61-0000-4000-8000-0000000f0a11/resourceGroups/rg-orders-func";
const CONTENT: &str = "DefaultEndpointsProtocol=https;AccountName=stordersfunc;AccountKey=c2VjcmV0LWtleQ==;EndpointSuffix=core.windows.net";
const FILE_HOST: &str = "stordersfunc.file.core.windows.net";

fn functions() -> BTreeMap<String, Value> {
    netdiag_tests::read_export(&netdiag_tests::functions_export())
        .into_iter()
        .collect()
}

fn run(
    files: &BTreeMap<String, Value>,
    target: &'static str,
    settings: Vec<(&'static str, &'static str)>,
) -> Evaluation {
    evaluate_with(
        Some(files),
        &Seen {
            target,
            port: 443,
            settings,
            servers: &["168.63.129.16:53"],
            ..Seen::default()
        },
    )
}

fn status_of(evaluation: &Evaluation, id: &str) -> (Status, String, String) {
    let check = find(&evaluation.checks, id);
    (check.status, check.evidence.clone(), check.remedy.clone())
}

fn storage(files: &mut BTreeMap<String, Value>) -> &mut Value {
    files.get_mut("storage.json").unwrap()
}

fn site(files: &mut BTreeMap<String, Value>) -> &mut Value {
    files.get_mut("site.json").unwrap()
}

fn with_content_share() -> Vec<(&'static str, &'static str)> {
    vec![("WEBSITE_CONTENTAZUREFILECONNECTIONSTRING", CONTENT)]
}

#[test]
fn the_functions_example_fails_on_its_content_share_with_the_command() {
    let evaluation = run(&functions(), FILE_HOST, with_content_share());
    let (status, evidence, remedy) = status_of(&evaluation, "platform.content-share");
    assert_eq!(status, Status::Fail, "{evidence}");
    assert!(
        evidence.contains("storage account stordersfunc"),
        "{evidence}"
    );
    assert!(
        evidence.contains("not routed through the VNET"),
        "{evidence}"
    );
    assert!(
        remedy.contains(&format!(
            "az resource update --ids {SUB}/providers/Microsoft.Web/sites/func-orders --set properties.vnetContentShareEnabled=true"
        )),
        "{remedy}"
    );
    assert_eq!(
        evaluation.verdict(None).cause.as_deref(),
        Some("platform.content-share")
    );
    // The account key never reaches a text.
    let all = format!("{:?}", evaluation.checks);
    assert!(!all.contains("c2VjcmV0LWtleQ"), "{all}");
}

#[test]
fn content_share_routed_by_the_site_or_the_setting_with_a_vnet_rule_passes() {
    let mut files = functions();
    site(&mut files)["properties"]["vnetContentShareEnabled"] = json!(true);
    let (status, evidence, _) = status_of(
        &run(&files, FILE_HOST, with_content_share()),
        "platform.content-share",
    );
    assert_eq!(status, Status::Pass, "{evidence}");
    assert!(evidence.contains("(vnetContentShareEnabled)"), "{evidence}");
    assert!(
        evidence.contains("service endpoint and VNET rule"),
        "{evidence}"
    );

    let mut settings = with_content_share();
    settings.push(("WEBSITE_CONTENTOVERVNET", "1"));
    let (status, evidence, _) = status_of(
        &run(&functions(), FILE_HOST, settings),
        "platform.content-share",
    );
    assert_eq!(status, Status::Pass, "{evidence}");
    assert!(evidence.contains("WEBSITE_CONTENTOVERVNET=1"), "{evidence}");
}

#[test]
fn content_share_routed_but_with_no_way_in_fails() {
    let mut files = functions();
    site(&mut files)["properties"]["vnetContentShareEnabled"] = json!(true);
    storage(&mut files)["properties"]["networkAcls"]["virtualNetworkRules"] = json!([]);
    let (status, evidence, remedy) = status_of(
        &run(&files, FILE_HOST, with_content_share()),
        "platform.content-share",
    );
    assert_eq!(status, Status::Fail, "{evidence}");
    assert!(evidence.contains("the VNET has no way in"), "{evidence}");
    assert!(remedy.contains("--group-id file"), "{remedy}");
}

#[test]
fn an_app_without_a_content_share_skips_it() {
    let (status, evidence, _) = status_of(
        &run(&functions(), FILE_HOST, Vec::new()),
        "platform.content-share",
    );
    assert_eq!(status, Status::Skip);
    assert!(evidence.starts_with("does not apply"), "{evidence}");
}

#[test]
fn a_storage_account_that_does_not_name_the_subnet_refuses_the_app() {
    let mut files = functions();
    storage(&mut files)["properties"]["networkAcls"]["virtualNetworkRules"] = json!([]);
    let (status, evidence, remedy) =
        status_of(&run(&files, FILE_HOST, Vec::new()), "target.public-access");
    assert_eq!(status, Status::Fail, "{evidence}");
    assert!(
        evidence.contains("it sees the integration subnet snet-func (through its service endpoint), which its networkAcls do not name"),
        "{evidence}"
    );
    assert!(
        remedy.starts_with("az storage account network-rule add -g rg-orders-func --account-name stordersfunc --subnet "),
        "{remedy}"
    );
}

/// The same account exported by `az storage account show` (flattened, `networkRuleSet`,
/// `virtualNetworkResourceId`) is read alike.
#[test]
fn the_cli_shape_of_a_storage_account_is_read_alike() {
    let mut files = functions();
    let subnet =
        format!("{SUB}/providers/Microsoft.Network/virtualNetworks/vnet-orders/subnets/snet-func");
    files.insert(
        "storage.json".into(),
        json!({
            "id": format!("{SUB}/providers/Microsoft.Storage/storageAccounts/stordersfunc"),
            "name": "stordersfunc", "type": "Microsoft.Storage/storageAccounts", "location": "westeurope",
            "primaryEndpoints": {"file": "https://stordersfunc.file.core.windows.net/"},
            "publicNetworkAccess": "Enabled",
            "networkRuleSet": {"defaultAction": "Deny", "bypass": "AzureServices", "ipRules": [],
                "virtualNetworkRules": [{"virtualNetworkResourceId": subnet, "action": "Allow"}]}
        }),
    );
    let evaluation = run(&files, FILE_HOST, with_content_share());
    assert_eq!(
        status_of(&evaluation, "target.public-access").0,
        Status::Pass
    );
    assert_eq!(
        status_of(&evaluation, "platform.content-share").0,
        Status::Fail
    );
}

/// Route All with a NAT gateway: the service sees the NAT gateway's IP. An account in
/// another region admits it by IP rule; one in the app's region cannot.
#[test]
fn with_route_all_and_a_nat_gateway_the_service_sees_the_nat_ip() {
    let mut files = functions();
    let nat = format!("{SUB}/providers/Microsoft.Network/natGateways/nat-orders");
    let pip = format!("{SUB}/providers/Microsoft.Network/publicIPAddresses/pip-nat-orders");
    files.insert(
        "nat.json".into(),
        json!({"id": nat, "name": "nat-orders", "type": "Microsoft.Network/natGateways",
        "properties": {"publicIpAddresses": [{"id": pip}]}}),
    );
    files.insert(
        "pip.json".into(),
        json!({"id": pip, "name": "pip-nat-orders", "type": "Microsoft.Network/publicIPAddresses",
        "properties": {"ipAddress": "20.93.7.7"}}),
    );
    {
        let vnet = files.get_mut("vnet.json").unwrap();
        let subnet = &mut vnet["properties"]["subnets"][0]["properties"];
        subnet["natGateway"] = json!({"id": nat});
        subnet["serviceEndpoints"] = json!([]);
    }
    storage(&mut files)["location"] = json!("northeurope");
    storage(&mut files)["properties"]["networkAcls"]["ipRules"] =
        json!([{"value": "20.93.7.7", "action": "Allow"}]);
    let evaluation = run(&files, FILE_HOST, Vec::new());
    let (status, evidence, _) = status_of(&evaluation, "target.public-access");
    assert_eq!(status, Status::Pass, "{evidence}");
    assert!(
        evidence.contains("NAT gateway nat-orders's public IPs 20.93.7.7"),
        "{evidence}"
    );
    let (status, evidence, _) = status_of(&evaluation, "nat.outbound-ip");
    assert_eq!(status, Status::Pass, "{evidence}");
    assert!(evidence.contains("20.93.7.7"), "{evidence}");

    storage(&mut files)["location"] = json!("westeurope");
    let (status, evidence, _) =
        status_of(&run(&files, FILE_HOST, Vec::new()), "target.public-access");
    assert_eq!(status, Status::Fail, "{evidence}");
    assert!(
        evidence.contains("IP rules do not apply to clients in its own region"),
        "{evidence}"
    );
}

/// A default route to a firewall hides the address the service sees: a warning.
#[test]
fn a_default_route_to_an_appliance_makes_the_seen_address_unknown() {
    let mut files = functions();
    let table = format!("{SUB}/providers/Microsoft.Network/routeTables/rt-func");
    files.insert("rt.json".into(), json!({"id": table, "name": "rt-func", "type": "Microsoft.Network/routeTables",
        "properties": {"routes": [{"name": "default-to-fw", "properties": {"addressPrefix": "0.0.0.0/0",
            "nextHopType": "VirtualAppliance", "nextHopIpAddress": "10.40.3.4"}}]}}));
    {
        let vnet = files.get_mut("vnet.json").unwrap();
        let subnet = &mut vnet["properties"]["subnets"][0]["properties"];
        subnet["routeTable"] = json!({"id": table});
        subnet["serviceEndpoints"] = json!([]);
    }
    let evaluation = run(&files, FILE_HOST, Vec::new());
    let (status, evidence, _) = status_of(&evaluation, "target.public-access");
    assert_eq!(status, Status::Warn, "{evidence}");
    assert!(evidence.contains("appliance 10.40.3.4"), "{evidence}");
    let (status, _, _) = status_of(&run(&files, "20.50.1.1", Vec::new()), "nat.outbound-ip");
    assert_eq!(status, Status::Warn);
}

/// Without Route All a public target sees the app's outbound IPs, even with a NAT gateway
/// on the subnet (said).
#[test]
fn without_route_all_a_public_target_sees_the_outbound_ips() {
    let mut files = functions();
    site(&mut files)["properties"]["vnetRouteAllEnabled"] = json!(false);
    site(&mut files)["properties"]["siteConfig"]["vnetRouteAllEnabled"] = json!(false);
    site(&mut files)["properties"]["outboundVnetRouting"]["applicationTraffic"] = json!(false);
    let (status, evidence, _) = status_of(&run(&files, "20.50.1.1", Vec::new()), "nat.outbound-ip");
    assert_eq!(status, Status::Pass, "{evidence}");
    assert!(
        evidence.contains(
            "the app's outbound IPs (outboundIpAddresses) 20.86.41.10, 20.86.41.11, 20.86.41.12"
        ),
        "{evidence}"
    );
    let (status, _, _) = status_of(&run(&files, "10.40.2.4", Vec::new()), "nat.outbound-ip");
    assert_eq!(status, Status::Skip);
}

/// A SQL server is always behind its firewall: the app's outbound IPs must be admitted by
/// a rule, or "Allow Azure services" (0.0.0.0).
#[test]
fn a_sql_servers_firewall_decides_by_the_apps_outbound_ips() {
    let mut files = functions();
    let server = format!("{SUB}/providers/Microsoft.Sql/servers/sql-orders");
    files.insert("sql.json".into(), json!({"id": server, "name": "sql-orders", "type": "Microsoft.Sql/servers",
        "properties": {"fullyQualifiedDomainName": "sql-orders.database.windows.net", "publicNetworkAccess": "Enabled"}}));
    files.insert(
        "fw.json".into(),
        json!([{"id": format!("{server}/firewallRules/office"), "name": "office",
        "type": "Microsoft.Sql/servers/firewallRules",
        "properties": {"startIpAddress": "20.86.41.10", "endIpAddress": "20.86.41.11"}}]),
    );
    let (status, evidence, remedy) = status_of(
        &run(&files, "sql-orders.database.windows.net", Vec::new()),
        "target.public-access",
    );
    assert_eq!(status, Status::Fail, "{evidence}");
    assert!(evidence.contains("do not admit 20.86.41.12"), "{evidence}");
    assert!(
        remedy.contains("az sql server firewall-rule create -g rg-orders-func -s sql-orders -n allow-app-20-86-41-12 --start-ip-address 20.86.41.12 --end-ip-address 20.86.41.12"),
        "{remedy}"
    );
    files.insert("fw.json".into(), json!([{"id": format!("{server}/firewallRules/AllowAllWindowsAzureIps"), "name": "AllowAllWindowsAzureIps",
        "type": "Microsoft.Sql/servers/firewallRules",
        "properties": {"startIpAddress": "0.0.0.0", "endIpAddress": "0.0.0.0"}}]));
    let (status, evidence, _) = status_of(
        &run(&files, "sql-orders.database.windows.net", Vec::new()),
        "target.public-access",
    );
    assert_eq!(status, Status::Pass, "{evidence}");
}

#[test]
fn a_registry_that_refuses_public_access_fails_an_image_pull_not_routed() {
    let mut files = functions();
    let registry = format!("{SUB}/providers/Microsoft.ContainerRegistry/registries/crorders");
    files.insert(
        "acr.json".into(),
        json!({"id": registry, "name": "crorders", "type": "Microsoft.ContainerRegistry/registries",
        "properties": {"loginServer": "crorders.azurecr.io", "publicNetworkAccess": "Disabled"}}),
    );
    site(&mut files)["properties"]["siteConfig"]["linuxFxVersion"] =
        json!("DOCKER|crorders.azurecr.io/orders-api:1.4");
    let (status, evidence, remedy) =
        status_of(&run(&files, FILE_HOST, Vec::new()), "platform.image-pull");
    assert_eq!(status, Status::Fail, "{evidence}");
    assert!(
        evidence.contains("crorders.azurecr.io/orders-api:1.4"),
        "{evidence}"
    );
    assert!(
        remedy.contains("properties.vnetImagePullEnabled=true"),
        "{remedy}"
    );

    // Routed, and a private endpoint for the registry: the pull gets in.
    site(&mut files)["properties"]["vnetImagePullEnabled"] = json!(true);
    files.insert("pe.json".into(), json!({"id": format!("{SUB}/providers/Microsoft.Network/privateEndpoints/pe-crorders"),
        "name": "pe-crorders", "type": "Microsoft.Network/privateEndpoints",
        "properties": {"subnet": {"id": format!("{SUB}/providers/Microsoft.Network/virtualNetworks/vnet-orders/subnets/snet-data")},
            "privateLinkServiceConnections": [{"name": "c", "properties": {"privateLinkServiceId": registry, "groupIds": ["registry"],
                "privateLinkServiceConnectionState": {"status": "Approved"}}}]}}));
    // ... but the platform looks the registry up with Azure DNS: the zone must be linked.
    let (status, evidence, _) =
        status_of(&run(&files, FILE_HOST, Vec::new()), "platform.image-pull");
    assert_eq!(status, Status::Fail, "{evidence}");
    assert!(
        evidence.contains(
            "the private DNS zone privatelink.azurecr.io is not linked to VNET vnet-orders"
        ),
        "{evidence}"
    );
    link_zone(&mut files, "privatelink.azurecr.io");
    let (status, evidence, _) =
        status_of(&run(&files, FILE_HOST, Vec::new()), "platform.image-pull");
    assert_eq!(status, Status::Pass, "{evidence}");
    assert!(
        evidence.contains("private endpoint pe-crorders"),
        "{evidence}"
    );
}

#[test]
fn a_key_vault_reference_to_a_closed_vault_names_the_setting_never_its_value() {
    let mut files = functions();
    let vault = format!("{SUB}/providers/Microsoft.KeyVault/vaults/kv-orders");
    files.insert("kv.json".into(), json!({"id": vault, "name": "kv-orders", "type": "Microsoft.KeyVault/vaults",
        "properties": {"vaultUri": "https://kv-orders.vault.azure.net/", "publicNetworkAccess": "Enabled",
            "networkAcls": {"defaultAction": "Deny", "bypass": "AzureServices", "ipRules": [], "virtualNetworkRules": []}}}));
    let settings = vec![(
        "OrdersDbPassword",
        "@Microsoft.KeyVault(SecretUri=https://kv-orders.vault.azure.net/secrets/orders-db/)",
    )];
    let (status, evidence, remedy) = status_of(
        &run(&files, FILE_HOST, settings.clone()),
        "platform.key-vault-refs",
    );
    assert_eq!(status, Status::Fail, "{evidence}");
    assert!(
        evidence
            .contains("app setting OrdersDbPassword is a Key Vault reference to vault kv-orders"),
        "{evidence}"
    );
    assert!(!evidence.contains("secrets/orders-db"), "{evidence}");
    assert!(remedy.contains("--group-id vault"), "{remedy}");

    // Its IP rules admit the app's outbound IPs: the public route works.
    files.get_mut("kv.json").unwrap()["properties"]["networkAcls"]["ipRules"] =
        json!([{"value": "20.86.41.0/24"}]);
    let (status, evidence, _) =
        status_of(&run(&files, FILE_HOST, settings), "platform.key-vault-refs");
    assert_eq!(status, Status::Pass, "{evidence}");
}

#[test]
fn a_key_vault_with_public_access_disabled_refuses_the_app_on_its_public_name() {
    let mut files = functions();
    files.insert("kv.json".into(), json!({"id": format!("{SUB}/providers/Microsoft.KeyVault/vaults/kv-orders"), "name": "kv-orders",
        "type": "Microsoft.KeyVault/vaults",
        "properties": {"vaultUri": "https://kv-orders.vault.azure.net/", "publicNetworkAccess": "Disabled"}}));
    let (status, evidence, remedy) = status_of(
        &run(&files, "kv-orders.vault.azure.net", Vec::new()),
        "target.public-access",
    );
    assert_eq!(status, Status::Fail, "{evidence}");
    assert!(
        evidence.contains("publicNetworkAccess is Disabled"),
        "{evidence}"
    );
    assert!(remedy.contains("private endpoint"), "{remedy}");
}

/// The regional example's SQL server is reached through its private endpoint: the
/// service's public rules do not apply, and nothing is missing.
#[test]
fn a_name_of_a_private_endpoint_does_not_need_the_services_rules() {
    let files = super::private_endpoint::regional_example();
    let (status, evidence, _) = status_of(
        &run(&files, "sql-fabrikam.database.windows.net", Vec::new()),
        "target.public-access",
    );
    assert_eq!(status, Status::Skip);
    assert!(
        evidence.contains("private endpoint pe-sql-fabrikam"),
        "{evidence}"
    );
}

/// A private DNS zone of the snapshot linked to the example's VNET.
fn link_zone(files: &mut BTreeMap<String, Value>, zone: &str) {
    let zone_id = format!("{SUB}/providers/Microsoft.Network/privateDnsZones/{zone}");
    files.insert(
        format!("zone-{zone}.json"),
        json!({"id": zone_id, "name": zone, "type": "Microsoft.Network/privateDnsZones"}),
    );
    files.insert(format!("link-{zone}.json"), json!({"id": format!("{zone_id}/virtualNetworkLinks/to-orders"), "name": "to-orders",
        "type": "Microsoft.Network/privateDnsZones/virtualNetworkLinks",
        "properties": {"virtualNetwork": {"id": format!("{SUB}/providers/Microsoft.Network/virtualNetworks/vnet-orders")},
            "virtualNetworkLinkState": "Completed"}}));
}

/// Content share routed to a private endpoint for file: the integration subnet's NSG must
/// let TCP 445 (SMB) through to the endpoint's address.
#[test]
fn content_share_through_a_private_endpoint_needs_445_through_the_nsg() {
    let mut files = functions();
    site(&mut files)["properties"]["vnetContentShareEnabled"] = json!(true);
    storage(&mut files)["properties"]["networkAcls"]["virtualNetworkRules"] = json!([]);
    storage(&mut files)["properties"]["publicNetworkAccess"] = json!("Disabled");
    let account = format!("{SUB}/providers/Microsoft.Storage/storageAccounts/stordersfunc");
    files.insert("pe.json".into(), json!({"id": format!("{SUB}/providers/Microsoft.Network/privateEndpoints/pe-stordersfunc-file"),
        "name": "pe-stordersfunc-file", "type": "Microsoft.Network/privateEndpoints",
        "properties": {"subnet": {"id": format!("{SUB}/providers/Microsoft.Network/virtualNetworks/vnet-orders/subnets/snet-data")},
            "customDnsConfigs": [{"fqdn": "stordersfunc.file.core.windows.net", "ipAddresses": ["10.40.2.5"]}],
            "privateLinkServiceConnections": [{"name": "c", "properties": {"privateLinkServiceId": account, "groupIds": ["file"],
                "privateLinkServiceConnectionState": {"status": "Approved"}}}]}}));
    link_zone(&mut files, "privatelink.file.core.windows.net");
    let nsg = format!("{SUB}/providers/Microsoft.Network/networkSecurityGroups/nsg-func");
    files.insert("nsg.json".into(), json!({"id": nsg, "name": "nsg-func", "type": "Microsoft.Network/networkSecurityGroups",
        "properties": {"securityRules": [{"name": "deny-smb", "properties": {"priority": 100, "direction": "Outbound",
            "access": "Deny", "protocol": "Tcp", "sourceAddressPrefix": "*", "sourcePortRange": "*",
            "destinationAddressPrefix": "10.40.2.0/24", "destinationPortRange": "445"}}]}}));
    files.get_mut("vnet.json").unwrap()["properties"]["subnets"][0]["properties"]["networkSecurityGroup"] =
        json!({"id": nsg});
    let (status, evidence, _) = status_of(
        &run(&files, FILE_HOST, with_content_share()),
        "platform.content-share",
    );
    assert_eq!(status, Status::Fail, "{evidence}");
    assert!(evidence.contains("deny-smb"), "{evidence}");
    assert!(evidence.contains("blocks TCP 445"), "{evidence}");

    files.get_mut("nsg.json").unwrap()["properties"]["securityRules"] = json!([]);
    let (status, evidence, _) = status_of(
        &run(&files, FILE_HOST, with_content_share()),
        "platform.content-share",
    );
    assert_eq!(status, Status::Pass, "{evidence}");
    assert!(
        evidence.contains("private endpoint pe-stordersfunc-file (file)"),
        "{evidence}"
    );
}

/// Another web app as the target: its access restrictions decide ("Set up Azure App
/// Service access restrictions",
/// <https://learn.microsoft.com/azure/app-service/app-service-ip-restrictions>): an Allow
/// rule for one office address denies the app's outbound IPs; a rule for the integration
/// subnet (with a Microsoft.Web service endpoint on it) admits it.
#[test]
fn a_web_app_targets_access_restrictions_decide() {
    let mut files = functions();
    let api = format!("{SUB}/providers/Microsoft.Web/sites/api-orders");
    files.insert("api.json".into(), json!({"id": api, "name": "api-orders", "type": "Microsoft.Web/sites",
        "kind": "app", "location": "West Europe",
        "properties": {"hostNames": ["api-orders.azurewebsites.net", "api.orders.example"],
            "publicNetworkAccess": "Enabled",
            "siteConfig": {"ipSecurityRestrictions": [
                {"name": "office", "ipAddress": "198.51.100.7/32", "action": "Allow", "priority": 100, "tag": "Default"},
                {"name": "Deny all", "ipAddress": "Any", "action": "Deny", "priority": 2_147_483_647}]}}}));
    let evaluation = evaluate_with(
        Some(&files),
        &Seen {
            target: "api.orders.example",
            port: 443,
            // Two sites in the snapshot: the app is the one the tool runs in.
            settings: vec![("WEBSITE_SITE_NAME", "func-orders")],
            servers: &["168.63.129.16:53"],
            ..Seen::default()
        },
    );
    let (status, evidence, remedy) = status_of(&evaluation, "target.public-access");
    assert_eq!(status, Status::Fail, "{evidence}");
    assert!(evidence.contains("web app api-orders"), "{evidence}");
    assert!(
        evidence.contains("access restrictions (IP rules 198.51.100.7/32)"),
        "{evidence}"
    );
    assert!(
        remedy.starts_with("az webapp config access-restriction add -g rg-orders-func -n api-orders --rule-name allow-caller-1 --action Allow --priority 100 --ip-address 20.86.41.10/32"),
        "{remedy}"
    );

    let subnet =
        format!("{SUB}/providers/Microsoft.Network/virtualNetworks/vnet-orders/subnets/snet-func");
    files.get_mut("api.json").unwrap()["properties"]["siteConfig"]["ipSecurityRestrictions"] = json!([{"name": "func", "vnetSubnetResourceId": subnet, "action": "Allow", "priority": 100}]);
    files.get_mut("vnet.json").unwrap()["properties"]["subnets"][0]["properties"]["serviceEndpoints"] =
        json!([{"service": "Microsoft.Storage"}, {"service": "Microsoft.Web"}]);
    let (status, evidence, _) = status_of(
        &run(
            &files,
            "api-orders.azurewebsites.net",
            vec![("WEBSITE_SITE_NAME", "func-orders")],
        ),
        "target.public-access",
    );
    assert_eq!(status, Status::Pass, "{evidence}");
    assert!(
        evidence.contains("admit the integration subnet snet-func"),
        "{evidence}"
    );
}

/// A regional app is never told to "Sync Network" (gateway-required integration's button):
/// `dns.configured`'s step for the Functions example, which has no custom DNS.
#[test]
fn a_regional_app_without_custom_dns_is_not_told_to_sync_network() {
    let evaluation = run(&functions(), FILE_HOST, Vec::new());
    let (status, _, remedy) = status_of(&evaluation, "dns.configured");
    assert_eq!(status, Status::Warn);
    assert!(!remedy.contains("Sync Network"), "{remedy}");
    assert!(remedy.contains("restart the app"), "{remedy}");
}
