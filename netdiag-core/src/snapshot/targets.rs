//! The far end of the path when it is an Azure service: storage accounts, SQL servers with
//! their firewall and VNET rules, key vaults, Cosmos DB accounts and container registries,
//! in both the ARM and the Azure CLI shape; and one view of what each of them admits
//! ([`Gate`]): public access on or off, the default action, the IP rules and the subnets
//! of its VNET rules.
//!
//! A target is matched to its resource by host name (the service's documented suffix and
//! the resource's own endpoint), as "Azure Private Endpoint private DNS zone values" lists
//! them (<https://learn.microsoft.com/azure/private-link/private-endpoint-dns>).

use std::collections::BTreeMap;
use std::net::IpAddr;

use ipnet::IpNet;
use serde::Deserialize;
use serde_json::Value;

use super::{Snapshot, same_id};

/// An IP rule: `value` (ARM) or `ipAddressOrRange` (Azure CLI, Cosmos DB): an address or a
/// CIDR block.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct IpRule {
    #[serde(alias = "ipAddressOrRange")]
    pub value: Option<String>,
    pub action: Option<String>,
}

/// A VNET rule: the subnet's id as `id` (ARM) or `virtualNetworkResourceId` (Azure CLI).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct VnetRule {
    #[serde(alias = "virtualNetworkResourceId")]
    pub id: Option<String>,
    pub state: Option<String>,
}

/// `networkAcls` (storage, Key Vault) or `networkRuleSet` (`az storage account show`,
/// container registries).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct NetworkAcls {
    pub default_action: Option<String>,
    pub bypass: Option<String>,
    pub ip_rules: Vec<IpRule>,
    pub virtual_network_rules: Vec<VnetRule>,
}

/// `Microsoft.Storage/storageAccounts`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct StorageAccount {
    pub id: String,
    pub name: String,
    pub location: String,
    pub primary_endpoints: BTreeMap<String, Value>,
    pub public_network_access: Option<String>,
    #[serde(alias = "networkRuleSet")]
    pub network_acls: Option<NetworkAcls>,
}

/// `Microsoft.Sql/servers`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SqlServer {
    pub id: String,
    pub name: String,
    pub fully_qualified_domain_name: Option<String>,
    pub public_network_access: Option<String>,
}

/// `Microsoft.Sql/servers/firewallRules`: a range of public addresses; `0.0.0.0`-`0.0.0.0`
/// is "Allow Azure services and resources to access this server".
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SqlFirewallRule {
    pub id: String,
    pub name: String,
    pub start_ip_address: Option<IpAddr>,
    pub end_ip_address: Option<IpAddr>,
}

/// `Microsoft.Sql/servers/virtualNetworkRules`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SqlVnetRule {
    pub id: String,
    pub name: String,
    pub virtual_network_subnet_id: Option<String>,
}

/// `Microsoft.KeyVault/vaults`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct KeyVault {
    pub id: String,
    pub name: String,
    pub vault_uri: Option<String>,
    pub public_network_access: Option<String>,
    #[serde(alias = "networkRuleSet")]
    pub network_acls: Option<NetworkAcls>,
}

/// `Microsoft.DocumentDB/databaseAccounts`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct CosmosAccount {
    pub id: String,
    pub name: String,
    pub document_endpoint: Option<String>,
    pub public_network_access: Option<String>,
    pub ip_rules: Vec<IpRule>,
    pub virtual_network_rules: Vec<VnetRule>,
    pub is_virtual_network_filter_enabled: Option<bool>,
}

/// `Microsoft.ContainerRegistry/registries`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Registry {
    pub id: String,
    pub name: String,
    pub login_server: Option<String>,
    pub public_network_access: Option<String>,
    pub network_rule_set: Option<NetworkAcls>,
}

/// What kind of service a [`Gate`] is: its words and the commands that open it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ServiceKind {
    Storage,
    Sql,
    KeyVault,
    Cosmos,
    Registry,
    WebApp,
}

impl ServiceKind {
    pub fn noun(self) -> &'static str {
        match self {
            Self::Storage => "storage account",
            Self::Sql => "SQL server",
            Self::KeyVault => "key vault",
            Self::Cosmos => "Cosmos DB account",
            Self::Registry => "container registry",
            Self::WebApp => "web app",
        }
    }

    /// The private endpoint sub-resource (group id) that carries the service's traffic.
    pub fn service_endpoint(self) -> &'static str {
        match self {
            Self::Storage => "Microsoft.Storage",
            Self::Sql => "Microsoft.Sql",
            Self::KeyVault => "Microsoft.KeyVault",
            Self::Cosmos => "Microsoft.AzureCosmosDB",
            Self::Registry => "Microsoft.ContainerRegistry",
            Self::WebApp => "Microsoft.Web",
        }
    }
}

/// What an Azure service admits, whatever its type: the view the target-side checks
/// decide on.
#[derive(Debug, Clone)]
pub struct Gate {
    pub kind: ServiceKind,
    pub id: String,
    pub name: String,
    /// The storage account's region: its IP rules do not apply to clients there.
    pub location: Option<String>,
    /// `publicNetworkAccess` Disabled: only private endpoints reach it.
    pub public_disabled: bool,
    /// Network rules are in force (default action Deny, a SQL server's firewall, a Cosmos
    /// DB account's filters): only what the rules admit reaches the public endpoint.
    pub restricted: bool,
    /// Public address ranges the rules admit.
    pub ip_rules: Vec<IpNet>,
    /// Subnets the VNET rules admit (through a service endpoint on them).
    pub subnets: Vec<String>,
    /// A SQL server's "Allow Azure services" rule (`0.0.0.0`): any Azure address.
    pub azure_services: bool,
    /// The rule set's name, for the evidence ("networkAcls", "firewall rules").
    pub rule_set: &'static str,
    /// The host names of its public endpoint(s).
    pub hosts: Vec<String>,
}

fn disabled(access: Option<&str>) -> bool {
    access.is_some_and(|a| a.eq_ignore_ascii_case("Disabled"))
}

fn denies(acls: Option<&NetworkAcls>) -> bool {
    acls.and_then(|a| a.default_action.as_deref())
        .is_some_and(|a| a.eq_ignore_ascii_case("Deny"))
}

/// An IP rule's range: an address (a /32) or a CIDR block.
fn range(text: &str) -> Option<IpNet> {
    let text = text.trim();
    text.parse::<IpNet>()
        .ok()
        .or_else(|| text.parse::<IpAddr>().ok().map(IpNet::from))
}

fn ip_rules(rules: &[IpRule]) -> Vec<IpNet> {
    rules
        .iter()
        .filter(|r| {
            r.action
                .as_deref()
                .is_none_or(|a| a.eq_ignore_ascii_case("Allow"))
        })
        .filter_map(|r| r.value.as_deref().and_then(range))
        .collect()
}

fn subnets(rules: &[VnetRule]) -> Vec<String> {
    rules.iter().filter_map(|r| r.id.clone()).collect()
}

/// Whether an access restriction admits (an Allow rule; no action is Allow).
fn allows(rule: &super::IpRestriction) -> bool {
    rule.action
        .as_deref()
        .is_none_or(|a| a.eq_ignore_ascii_case("Allow"))
}

/// The host of a URL (`https://a.b.c/` → `a.b.c`), lowercase.
fn host_of(url: &str) -> String {
    url.trim()
        .trim_start_matches("https://")
        .trim_start_matches("http://")
        .split(['/', ':'])
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase()
}

impl Gate {
    fn of_storage(account: &StorageAccount) -> Self {
        let mut hosts: Vec<String> = account
            .primary_endpoints
            .values()
            .filter_map(Value::as_str)
            .map(host_of)
            .collect();
        for sub in ["blob", "file", "queue", "table", "dfs", "web"] {
            hosts.push(format!(
                "{}.{sub}.core.windows.net",
                account.name.to_ascii_lowercase()
            ));
        }
        Self::with_acls(
            ServiceKind::Storage,
            (&account.id, &account.name),
            Some(account.location.clone()).filter(|l| !l.is_empty()),
            account.public_network_access.as_deref(),
            account.network_acls.as_ref(),
            hosts,
        )
    }

    /// A service whose rules are `networkAcls` (storage, Key Vault): its default action,
    /// IP rules and VNET rules.
    fn with_acls(
        kind: ServiceKind,
        (id, name): (&str, &str),
        location: Option<String>,
        public_network_access: Option<&str>,
        acls: Option<&NetworkAcls>,
        hosts: Vec<String>,
    ) -> Self {
        Self {
            kind,
            id: id.to_owned(),
            name: name.to_owned(),
            location,
            public_disabled: disabled(public_network_access),
            restricted: denies(acls),
            ip_rules: acls.map(|a| ip_rules(&a.ip_rules)).unwrap_or_default(),
            subnets: acls
                .map(|a| subnets(&a.virtual_network_rules))
                .unwrap_or_default(),
            azure_services: false,
            rule_set: "networkAcls",
            hosts,
        }
    }

    fn of_sql(server: &SqlServer, snapshot: &Snapshot) -> Self {
        let own = |id: &str| {
            id.to_ascii_lowercase()
                .starts_with(&format!("{}/", server.id.to_ascii_lowercase()))
        };
        let firewall: Vec<&SqlFirewallRule> = snapshot
            .sql_firewall_rules
            .iter()
            .filter(|r| own(&r.id))
            .collect();
        let azure_services = firewall.iter().any(|r| {
            r.start_ip_address.is_some_and(|ip| ip.is_unspecified())
                && r.end_ip_address.is_some_and(|ip| ip.is_unspecified())
        });
        let ip_rules = firewall
            .iter()
            .filter_map(|r| Some((r.start_ip_address?, r.end_ip_address?)))
            .filter(|(start, _)| !start.is_unspecified())
            .flat_map(|(start, end)| match (start, end) {
                (IpAddr::V4(s), IpAddr::V4(e)) => ipnet::Ipv4Subnets::new(s, e, 0)
                    .map(IpNet::V4)
                    .collect::<Vec<_>>(),
                _ => Vec::new(),
            })
            .collect();
        let mut hosts = vec![format!(
            "{}.database.windows.net",
            server.name.to_ascii_lowercase()
        )];
        hosts.extend(server.fully_qualified_domain_name.as_deref().map(host_of));
        Self {
            kind: ServiceKind::Sql,
            id: server.id.clone(),
            name: server.name.clone(),
            location: None,
            public_disabled: disabled(server.public_network_access.as_deref()),
            // A SQL server's firewall is always on: what no rule admits is refused.
            restricted: true,
            ip_rules,
            subnets: snapshot
                .sql_vnet_rules
                .iter()
                .filter(|r| own(&r.id))
                .filter_map(|r| r.virtual_network_subnet_id.clone())
                .collect(),
            azure_services,
            rule_set: "firewall and virtual network rules",
            hosts,
        }
    }

    fn of_vault(vault: &KeyVault) -> Self {
        let mut hosts = vec![format!(
            "{}.vault.azure.net",
            vault.name.to_ascii_lowercase()
        )];
        hosts.extend(vault.vault_uri.as_deref().map(host_of));
        Self::with_acls(
            ServiceKind::KeyVault,
            (&vault.id, &vault.name),
            None,
            vault.public_network_access.as_deref(),
            vault.network_acls.as_ref(),
            hosts,
        )
    }

    fn of_cosmos(account: &CosmosAccount) -> Self {
        let mut hosts = vec![format!(
            "{}.documents.azure.com",
            account.name.to_ascii_lowercase()
        )];
        hosts.extend(account.document_endpoint.as_deref().map(host_of));
        Self {
            kind: ServiceKind::Cosmos,
            id: account.id.clone(),
            name: account.name.clone(),
            location: None,
            public_disabled: disabled(account.public_network_access.as_deref()),
            restricted: !account.ip_rules.is_empty()
                || account.is_virtual_network_filter_enabled == Some(true),
            ip_rules: ip_rules(&account.ip_rules),
            subnets: subnets(&account.virtual_network_rules),
            azure_services: false,
            rule_set: "ipRules and virtualNetworkRules",
            hosts,
        }
    }

    fn of_registry(registry: &Registry) -> Self {
        let rules = registry.network_rule_set.as_ref();
        let mut hosts = vec![format!("{}.azurecr.io", registry.name.to_ascii_lowercase())];
        hosts.extend(registry.login_server.as_deref().map(host_of));
        Self {
            kind: ServiceKind::Registry,
            id: registry.id.clone(),
            name: registry.name.clone(),
            location: None,
            public_disabled: disabled(registry.public_network_access.as_deref()),
            restricted: denies(rules),
            ip_rules: rules.map(|a| ip_rules(&a.ip_rules)).unwrap_or_default(),
            subnets: Vec::new(),
            azure_services: false,
            rule_set: "networkRuleSet",
            hosts,
        }
    }

    /// A site as a target: its access restrictions (on the site's `siteConfig` or its
    /// `config/web`). Any Allow rule, or a default action Deny, denies the rest ("Set up
    /// Azure App Service access restrictions",
    /// <https://learn.microsoft.com/azure/app-service/app-service-ip-restrictions>).
    fn of_site(site: &super::Site, snapshot: &Snapshot) -> Self {
        let config = snapshot.site_configs.iter().find(|c| {
            c.id.to_ascii_lowercase()
                .starts_with(&format!("{}/config", site.id.to_ascii_lowercase()))
        });
        let from_site = site.site_config.as_ref();
        let restrictions: Vec<&super::IpRestriction> = from_site
            .map(|c| c.ip_security_restrictions.iter().collect::<Vec<_>>())
            .filter(|r| !r.is_empty())
            .or_else(|| config.map(|c| c.ip_security_restrictions.iter().collect()))
            .unwrap_or_default();
        let default_deny = from_site
            .and_then(|c| c.ip_security_restrictions_default_action.as_deref())
            .or_else(|| config.and_then(|c| c.ip_security_restrictions_default_action.as_deref()))
            .is_some_and(|a| a.eq_ignore_ascii_case("Deny"));
        // "Allow all" (Any) is the portal's placeholder when no rule is set.
        let allow_all = restrictions.iter().filter(|r| allows(r)).any(|r| {
            r.ip_address
                .as_deref()
                .is_some_and(|ip| ip.eq_ignore_ascii_case("Any"))
        });
        let mut hosts: Vec<String> = site
            .host_names
            .iter()
            .map(|h| h.to_ascii_lowercase())
            .collect();
        hosts.push(format!(
            "{}.azurewebsites.net",
            site.name.replace('/', "-").to_ascii_lowercase()
        ));
        Self {
            kind: ServiceKind::WebApp,
            id: site.id.clone(),
            name: site.name.clone(),
            location: None,
            public_disabled: disabled(site.public_network_access.as_deref()),
            restricted: !allow_all && (default_deny || restrictions.iter().any(|r| allows(r))),
            ip_rules: restrictions
                .iter()
                .filter(|r| allows(r))
                .filter(|r| {
                    r.tag
                        .as_deref()
                        .is_none_or(|t| t.eq_ignore_ascii_case("Default"))
                })
                .filter_map(|r| r.ip_address.as_deref().and_then(range))
                .collect(),
            subnets: restrictions
                .iter()
                .filter(|r| allows(r))
                .filter_map(|r| r.vnet_subnet_resource_id.clone())
                .collect(),
            azure_services: false,
            rule_set: "access restrictions",
            hosts,
        }
    }

    /// Whether the service's public endpoint refuses anyone the rules do not name.
    pub fn refuses_public(&self) -> bool {
        self.public_disabled || self.restricted
    }

    /// Whether `host` is one of this service's public host names (a registry's data
    /// endpoint `NAME.REGION.data.azurecr.io` too).
    pub fn serves(&self, host: &str) -> bool {
        let host = host.trim_end_matches('.').to_ascii_lowercase();
        self.hosts.contains(&host)
            || (self.kind == ServiceKind::Registry
                && host.ends_with(".data.azurecr.io")
                && host.starts_with(&format!("{}.", self.name.to_ascii_lowercase())))
    }
}

impl Snapshot {
    /// Every Azure service of the snapshot, as what it admits.
    pub fn gates(&self) -> Vec<Gate> {
        let mut gates: Vec<Gate> = self.storage_accounts.iter().map(Gate::of_storage).collect();
        gates.extend(self.sql_servers.iter().map(|s| Gate::of_sql(s, self)));
        gates.extend(self.key_vaults.iter().map(Gate::of_vault));
        gates.extend(self.cosmos_accounts.iter().map(Gate::of_cosmos));
        gates.extend(self.registries.iter().map(Gate::of_registry));
        gates.extend(self.sites.iter().map(|s| Gate::of_site(s, self)));
        gates
    }

    /// The Azure service whose public endpoint `host` is.
    pub fn gate_for_host(&self, host: &str) -> Option<Gate> {
        self.gates().into_iter().find(|g| g.serves(host))
    }

    /// The Azure service of the resource id `id` (a private endpoint's
    /// `privateLinkServiceId`).
    pub fn gate_by_id(&self, id: &str) -> Option<Gate> {
        self.gates().into_iter().find(|g| same_id(&g.id, id))
    }

    /// The storage account named `name`.
    pub fn gate_of_storage(&self, name: &str) -> Option<Gate> {
        self.storage_accounts
            .iter()
            .find(|a| a.name.eq_ignore_ascii_case(name))
            .map(Gate::of_storage)
    }

    /// The key vault named `name`.
    pub fn gate_of_vault(&self, name: &str) -> Option<Gate> {
        self.key_vaults
            .iter()
            .find(|v| v.name.eq_ignore_ascii_case(name))
            .map(Gate::of_vault)
    }

    /// The private endpoints connected to the service `service_id` (for `group`, when
    /// given: `file`, `vault`, `registry`), Approved or not.
    pub fn endpoints_of_service(
        &self,
        service_id: &str,
        group: Option<&str>,
    ) -> Vec<&super::PrivateEndpoint> {
        self.private_endpoints
            .iter()
            .filter(|e| {
                e.service_connection().is_some_and(|c| {
                    c.private_link_service_id
                        .as_deref()
                        .is_some_and(|id| same_id(id, service_id))
                        && group.is_none_or(|g| {
                            c.group_ids.is_empty()
                                || c.group_ids.iter().any(|id| id.eq_ignore_ascii_case(g))
                        })
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_read_in_both_shapes() {
        let arm: StorageAccount = serde_json::from_value(serde_json::json!({
            "id": "/s/a", "name": "st1", "location": "westeurope",
            "networkAcls": {"defaultAction": "Deny", "bypass": "AzureServices",
                "ipRules": [{"value": "20.1.2.3", "action": "Allow"}],
                "virtualNetworkRules": [{"id": "/sub/snet-apps", "action": "Allow"}]}
        }))
        .unwrap();
        let cli: StorageAccount = serde_json::from_value(serde_json::json!({
            "id": "/s/a", "name": "st1", "location": "westeurope",
            "networkRuleSet": {"defaultAction": "Deny",
                "ipRules": [{"ipAddressOrRange": "20.1.2.0/24", "action": "Allow"}],
                "virtualNetworkRules": [{"virtualNetworkResourceId": "/sub/snet-apps"}]}
        }))
        .unwrap();
        for (account, rule) in [(arm, "20.1.2.3/32"), (cli, "20.1.2.0/24")] {
            let gate = Gate::of_storage(&account);
            assert!(gate.restricted && !gate.public_disabled);
            assert_eq!(gate.ip_rules, [rule.parse::<IpNet>().unwrap()]);
            assert_eq!(gate.subnets, ["/sub/snet-apps"]);
            assert!(gate.serves("st1.file.core.windows.net"));
        }
    }
}
