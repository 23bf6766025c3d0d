//! The resource types a snapshot reads, as one table: for each ARM type, the type names it
//! answers to, where it lands in [`Snapshot`], how the checklist's header counts it, and the
//! API version `--azure` asks Azure Resource Manager for it with. The loader, the header,
//! `--save-network` and the gatherer all read this table; no other list of type strings
//! exists.
//!
//! Adding a type: its struct (ARM and CLI shapes, `snapshot/model.rs` or its family's file),
//! a field on [`Snapshot`], and one `resource!` row below.

use serde_json::Value;

use super::load::{Source, is_app_settings_object, is_network_config, is_web_config};
use super::locate::Step;
use super::{Snapshot, SnapshotError};

/// API versions, one per provider family. The gatherer asks each type with its row's.
pub const WEB_API: &str = "2023-12-01";
pub const NETWORK_API: &str = "2024-05-01";
pub const PRIVATE_DNS_API: &str = "2024-06-01";
/// The network provider's API for a scale set's NICs.
pub const VMSS_NETWORK_API: &str = "2018-10-01";
pub const STORAGE_API: &str = "2023-05-01";
pub const SQL_API: &str = "2021-11-01";
pub const KEY_VAULT_API: &str = "2023-07-01";
pub const COSMOS_API: &str = "2024-05-15";
pub const REGISTRY_API: &str = "2023-07-01";

/// Reads one normalised value of this kind into the snapshot.
type Add = fn(&mut Snapshot, &Source<'_>, &[Step], &Value) -> Result<(), SnapshotError>;

/// One resource type of the snapshot.
#[derive(Clone, Copy)]
pub struct ResourceKind {
    /// The ARM type as Azure spells it.
    pub arm_type: &'static str,
    /// Other type names that land in the same place (child types of other parents).
    pub aliases: &'static [&'static str],
    /// A further test on the value, when several kinds share one type
    /// (`Microsoft.Web/sites/config` is the site's `web` config, the regional network
    /// config, or app settings).
    pub accepts: fn(&Value) -> bool,
    /// What the header calls one of them ("NSG": "3 NSGs"); `None`: not counted there.
    pub label: Option<&'static str>,
    /// The API version `--azure` reads it with.
    pub api_version: &'static str,
    add: Add,
    count: fn(&Snapshot) -> usize,
}

impl ResourceKind {
    /// Whether a resource's `type` is this kind's (case-insensitive).
    pub fn answers_to(&self, resource_type: &str) -> bool {
        resource_type.eq_ignore_ascii_case(self.arm_type)
            || self
                .aliases
                .iter()
                .any(|a| resource_type.eq_ignore_ascii_case(a))
    }

    /// The last segment of the type (`networkSecurityGroups`): the stem of a saved file.
    pub fn short_name(&self) -> &'static str {
        self.arm_type.rsplit('/').next().unwrap_or(self.arm_type)
    }

    /// How many of this kind the snapshot holds.
    pub fn count(&self, snapshot: &Snapshot) -> usize {
        (self.count)(snapshot)
    }

    pub(super) fn add(
        &self,
        snapshot: &mut Snapshot,
        source: &Source<'_>,
        at: &[Step],
        value: &Value,
    ) -> Result<(), SnapshotError> {
        (self.add)(snapshot, source, at, value)
    }
}

fn always(_: &Value) -> bool {
    true
}

/// A row for a resource with an `id` that lands in `Snapshot::$field` as `$ty`.
macro_rules! resource {
    ($name:ident, $arm:literal, [$($alias:literal),*], $label:literal, $api:expr, $field:ident: $ty:ty) => {
        resource!($name, $arm, [$($alias),*], always, $label, $api, $field: $ty);
    };
    ($name:ident, $arm:literal, [$($alias:literal),*], $accepts:expr, $label:literal, $api:expr, $field:ident: $ty:ty) => {
        pub const $name: ResourceKind = ResourceKind {
            arm_type: $arm,
            aliases: &[$($alias),*],
            accepts: $accepts,
            label: Some($label),
            api_version: $api,
            add: |snapshot, source, at, value| {
                snapshot.push(source, at, value, |s| &mut s.$field, |r: &$ty| &r.id)
            },
            count: |snapshot| snapshot.$field.len(),
        };
    };
}

use super::targets::{
    CosmosAccount, KeyVault, Registry, SqlFirewallRule, SqlServer, SqlVnetRule, StorageAccount,
};
use super::{
    ARecordSet, Connection, Gateway, LocalGateway, NatGateway, Nic, Nsg, Plan, PrivateDnsZone,
    PrivateEndpoint, PublicIpAddress, RouteTable, Site, SiteNetworkConfig, SiteWebConfig, Subnet,
    VirtualNetwork, VnetConnection, ZoneGroup, ZoneLink,
};

resource!(SITE, "Microsoft.Web/sites", ["Microsoft.Web/sites/slots"], "site", WEB_API, sites: Site);
resource!(PLAN, "Microsoft.Web/serverfarms", [], "plan", WEB_API, plans: Plan);
resource!(
    VNET_CONNECTION,
    "Microsoft.Web/sites/virtualNetworkConnections",
    [
        "Microsoft.Web/serverfarms/virtualNetworkConnections",
        "Microsoft.Web/sites/slots/virtualNetworkConnections"
    ],
    "VNET connection",
    WEB_API,
    vnet_connections: VnetConnection
);
resource!(VNET, "Microsoft.Network/virtualNetworks", [], "VNET", NETWORK_API, vnets: VirtualNetwork);
resource!(GATEWAY, "Microsoft.Network/virtualNetworkGateways", [], "gateway", NETWORK_API, gateways: Gateway);
resource!(LOCAL_GATEWAY, "Microsoft.Network/localNetworkGateways", [], "local gateway", NETWORK_API, local_gateways: LocalGateway);
resource!(CONNECTION, "Microsoft.Network/connections", [], "connection", NETWORK_API, connections: Connection);
resource!(NSG, "Microsoft.Network/networkSecurityGroups", [], "NSG", NETWORK_API, nsgs: Nsg);
resource!(NIC, "Microsoft.Network/networkInterfaces", [], "NIC", NETWORK_API, nics: Nic);
resource!(ROUTE_TABLE, "Microsoft.Network/routeTables", [], "route table", NETWORK_API, route_tables: RouteTable);
resource!(SUBNET, "Microsoft.Network/virtualNetworks/subnets", [], "subnet", NETWORK_API, subnets: Subnet);
resource!(
    SITE_CONFIG,
    "Microsoft.Web/sites/config",
    [],
    |v| is_web_config(v) && !is_network_config(v),
    "site config",
    WEB_API,
    site_configs: SiteWebConfig
);
resource!(
    NETWORK_CONFIG,
    "Microsoft.Web/sites/networkConfig",
    ["Microsoft.Web/sites/config"],
    is_network_config,
    "network config",
    WEB_API,
    network_configs: SiteNetworkConfig
);
resource!(PRIVATE_ENDPOINT, "Microsoft.Network/privateEndpoints", [], "private endpoint", NETWORK_API, private_endpoints: PrivateEndpoint);
resource!(PRIVATE_DNS_ZONE, "Microsoft.Network/privateDnsZones", [], "private DNS zone", PRIVATE_DNS_API, private_dns_zones: PrivateDnsZone);
resource!(ZONE_LINK, "Microsoft.Network/privateDnsZones/virtualNetworkLinks", [], "zone link", PRIVATE_DNS_API, zone_links: ZoneLink);
resource!(A_RECORD_SET, "Microsoft.Network/privateDnsZones/A", [], "A record set", PRIVATE_DNS_API, a_record_sets: ARecordSet);
resource!(ZONE_GROUP, "Microsoft.Network/privateEndpoints/privateDnsZoneGroups", [], "zone group", NETWORK_API, zone_groups: ZoneGroup);
resource!(NAT_GATEWAY, "Microsoft.Network/natGateways", [], "NAT gateway", NETWORK_API, nat_gateways: NatGateway);
resource!(PUBLIC_IP, "Microsoft.Network/publicIPAddresses", [], "public IP", NETWORK_API, public_ips: PublicIpAddress);
resource!(STORAGE_ACCOUNT, "Microsoft.Storage/storageAccounts", [], "storage account", STORAGE_API, storage_accounts: StorageAccount);
resource!(SQL_SERVER, "Microsoft.Sql/servers", [], "SQL server", SQL_API, sql_servers: SqlServer);
resource!(SQL_FIREWALL_RULE, "Microsoft.Sql/servers/firewallRules", [], "SQL firewall rule", SQL_API, sql_firewall_rules: SqlFirewallRule);
resource!(SQL_VNET_RULE, "Microsoft.Sql/servers/virtualNetworkRules", [], "SQL VNET rule", SQL_API, sql_vnet_rules: SqlVnetRule);
resource!(KEY_VAULT, "Microsoft.KeyVault/vaults", [], "key vault", KEY_VAULT_API, key_vaults: KeyVault);
resource!(COSMOS_ACCOUNT, "Microsoft.DocumentDB/databaseAccounts", [], "Cosmos DB account", COSMOS_API, cosmos_accounts: CosmosAccount);
resource!(REGISTRY, "Microsoft.ContainerRegistry/registries", [], "container registry", REGISTRY_API, registries: Registry);

/// App settings as a `Microsoft.Web/sites/config` named `appsettings` (or with no type at
/// all): one resource, counted by the header as its settings.
pub const APP_SETTINGS: ResourceKind = ResourceKind {
    arm_type: "Microsoft.Web/sites/config",
    aliases: &[""],
    accepts: is_app_settings_object,
    label: None,
    api_version: WEB_API,
    add: |snapshot, source, at, value| snapshot.add_app_settings_object(source, at, value),
    count: |snapshot| usize::from(!snapshot.app_settings.is_empty()),
};

/// Every kind, in the header's order. The loader takes the first row that answers to a
/// resource's type and accepts it; a type no row takes is listed as ignored.
pub static KINDS: &[ResourceKind] = &[
    SITE,
    PLAN,
    VNET_CONNECTION,
    VNET,
    GATEWAY,
    LOCAL_GATEWAY,
    CONNECTION,
    NSG,
    NIC,
    ROUTE_TABLE,
    SUBNET,
    SITE_CONFIG,
    NETWORK_CONFIG,
    PRIVATE_ENDPOINT,
    PRIVATE_DNS_ZONE,
    ZONE_LINK,
    A_RECORD_SET,
    ZONE_GROUP,
    NAT_GATEWAY,
    PUBLIC_IP,
    STORAGE_ACCOUNT,
    SQL_SERVER,
    SQL_FIREWALL_RULE,
    SQL_VNET_RULE,
    KEY_VAULT,
    COSMOS_ACCOUNT,
    REGISTRY,
    APP_SETTINGS,
];

/// The row that reads a resource of this type and normalised value, if any.
pub fn kind_for(resource_type: &str, value: &Value) -> Option<&'static ResourceKind> {
    KINDS
        .iter()
        .find(|k| k.answers_to(resource_type) && (k.accepts)(value))
}

/// The row of a type, by its name alone.
pub fn kind_of_type(resource_type: &str) -> Option<&'static ResourceKind> {
    KINDS.iter().find(|k| k.answers_to(resource_type))
}

/// The row of the resource an ARM id addresses.
pub fn kind_of_path(path: &str) -> Option<&'static ResourceKind> {
    type_of_path(path).and_then(|t| kind_of_type(&t))
}

/// The ARM type an ARM path addresses: `/subscriptions/s/resourceGroups/r/providers/
/// Microsoft.Web/sites/a/config/web` is `Microsoft.Web/sites/config`, and a list's path
/// (`.../providers/Microsoft.Network/connections`) its items' type.
pub fn type_of_path(path: &str) -> Option<String> {
    let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
    let at = parts
        .iter()
        .rposition(|p| p.eq_ignore_ascii_case("providers"))?;
    let namespace = parts.get(at + 1)?;
    let types: Vec<&str> = parts[at + 2..].iter().step_by(2).copied().collect();
    (!types.is_empty()).then(|| format!("{namespace}/{}", types.join("/")))
}

/// The API version to read an ARM path with: its type's row, else its parent type's (a
/// child type the snapshot does not keep is versioned with its provider's parent).
pub fn api_version_of(path: &str) -> &'static str {
    // A scale set's NICs are served under Microsoft.Compute's path by the network
    // provider, at its scale-set API only ("Network Interface In VM SS" in the Network REST
    // reference: https://learn.microsoft.com/rest/api/virtualnetwork/network-interface-in-vm-ss).
    if path
        .to_ascii_lowercase()
        .contains("/microsoft.compute/virtualmachinescalesets/")
    {
        return VMSS_NETWORK_API;
    }
    let mut resource_type = type_of_path(path).unwrap_or_default();
    loop {
        if let Some(kind) = kind_of_type(&resource_type) {
            return kind.api_version;
        }
        match resource_type.rsplit_once('/') {
            Some((parent, _)) if parent.contains('/') => resource_type = parent.to_owned(),
            _ => return NETWORK_API,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_name_their_types() {
        let site = "/subscriptions/s/resourceGroups/r/providers/Microsoft.Web/sites/a";
        assert_eq!(type_of_path(site).as_deref(), Some("Microsoft.Web/sites"));
        assert_eq!(
            type_of_path(&format!("{site}/config/web")).as_deref(),
            Some("Microsoft.Web/sites/config")
        );
        assert_eq!(
            type_of_path(&format!("{site}/virtualNetworkConnections")).as_deref(),
            Some("Microsoft.Web/sites/virtualNetworkConnections")
        );
        assert_eq!(
            type_of_path("/subscriptions/s/providers/Microsoft.Network/privateDnsZones").as_deref(),
            Some("Microsoft.Network/privateDnsZones")
        );
        assert_eq!(type_of_path("/subscriptions/s"), None);
    }

    #[test]
    fn api_versions_come_from_the_rows() {
        let group = "/subscriptions/s/resourceGroups/r/providers";
        assert_eq!(
            api_version_of(&format!("{group}/Microsoft.Web/sites/a")),
            WEB_API
        );
        assert_eq!(
            api_version_of(&format!(
                "{group}/Microsoft.Web/sites/a/networkConfig/virtualNetwork"
            )),
            WEB_API
        );
        assert_eq!(
            api_version_of(&format!("{group}/Microsoft.Network/privateDnsZones/z/A")),
            PRIVATE_DNS_API
        );
        assert_eq!(
            api_version_of(&format!(
                "{group}/Microsoft.Network/privateEndpoints/pe/privateDnsZoneGroups"
            )),
            NETWORK_API
        );
        assert_eq!(
            api_version_of(&format!("{group}/Microsoft.Network/publicIPAddresses/ip")),
            NETWORK_API
        );
    }
}
