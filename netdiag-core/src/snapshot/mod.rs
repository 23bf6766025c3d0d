//! The network snapshot: exported Azure resource JSON (`--network PATH`, a file or a
//! directory of `.json` files), loaded into typed resources joined by their ARM ids.
//!
//! A file holds a single resource, a JSON array of resources, or a `{"value": [...]}` list;
//! app settings come as `az webapp config appsettings list` output or as
//! `{"properties": {NAME: VALUE}}`. Resources are recognised by `type`, case-insensitively;
//! ARM's `properties` objects are merged into their parents so the ARM REST shape and the
//! Azure CLI's flattened shape read alike. Nothing is dropped silently: unknown types are
//! listed as ignored, and a file that is not JSON or a field of the wrong type is an error
//! naming the file, the JSON path and the line.

pub mod kinds;
mod load;
pub mod locate;
pub mod model;
pub mod origin;
pub mod private_dns;
pub mod services;
pub mod targets;

use std::collections::BTreeMap;
use std::fmt::Write as _;

pub use kinds::{KINDS, ResourceKind};
pub use model::*;
pub use origin::{Fetched, Unavailable};
pub use private_dns::{
    ARecordSet, NatGateway, PrivateDnsZone, PrivateEndpoint, PrivateName, PublicIpAddress,
    ZoneGroup, ZoneLink,
};

/// Files larger than this are refused: an export of one app's network is a few hundred KB.
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// Why a snapshot could not be loaded: the file (or directory), and for a bad value its
/// line and JSON path. Displayed as `FILE: line N: PATH: REASON`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnapshotError {
    pub file: String,
    pub line: Option<usize>,
    /// As people read it: `value[2].securityRules[0].priority`.
    pub json_path: Option<String>,
    pub reason: String,
}

impl SnapshotError {
    /// A problem with a file or directory as a whole.
    pub fn in_file(file: impl Into<String>, reason: impl Into<String>) -> Self {
        Self {
            file: file.into(),
            line: None,
            json_path: None,
            reason: reason.into(),
        }
    }

    fn at_line(mut self, line: usize) -> Self {
        self.line = Some(line);
        self
    }
}

impl std::fmt::Display for SnapshotError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: ", self.file)?;
        if let Some(line) = self.line {
            write!(f, "line {line}: ")?;
        }
        if let Some(path) = &self.json_path {
            write!(f, "{path}: ")?;
        }
        f.write_str(&self.reason)
    }
}

impl std::error::Error for SnapshotError {}

/// The site's own DNS settings in a snapshot (`dnsConfiguration`), which win over the
/// `WEBSITE_DNS_*` app settings as on the platform; `origin` names the site.
#[derive(Debug, Clone, Default)]
pub struct SiteDns {
    pub origin: String,
    pub servers: Vec<String>,
    pub alt_server: Option<String>,
    pub timeout_secs: Option<u64>,
    pub attempts: Option<u32>,
    /// `dnsMaxCacheTimeout`: seconds the app keeps an answer (0: no cache).
    pub cache_secs: Option<u64>,
    /// `dnsLegacySortOrder`: the VNET's servers are sorted and only the first two used.
    pub legacy_sort: bool,
}

/// The DNS servers of the app's network in a snapshot, with where they were read (file
/// and field), so that a malformed entry can be named.
#[derive(Debug, Clone, Default)]
pub struct NetworkDns {
    pub origin: String,
    pub entries: Vec<String>,
}

/// A resource that was read but not used, and why.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct Ignored {
    pub file: String,
    pub name: String,
    #[serde(rename = "type")]
    pub resource_type: String,
}

/// One file of a snapshot: how many resources it held, and what was read but not used.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct LoadedFile {
    pub path: String,
    /// Resources recognised and used (app settings count as one).
    pub resources: usize,
    pub ignored: Vec<Ignored>,
}

/// Every resource of a snapshot, by kind.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    pub files: Vec<LoadedFile>,
    pub sites: Vec<Site>,
    /// `Microsoft.Web/sites/config` named `web`.
    pub site_configs: Vec<SiteWebConfig>,
    /// `Microsoft.Web/sites/networkConfig`: regional integration's subnet.
    pub network_configs: Vec<SiteNetworkConfig>,
    pub plans: Vec<Plan>,
    pub vnet_connections: Vec<VnetConnection>,
    pub app_settings: BTreeMap<String, String>,
    /// The site (or slot) the checklist is about, by id, once chosen (`choose_app`).
    pub app: Option<String>,
    pub vnets: Vec<VirtualNetwork>,
    pub gateways: Vec<Gateway>,
    pub local_gateways: Vec<LocalGateway>,
    pub connections: Vec<Connection>,
    pub nsgs: Vec<Nsg>,
    pub nics: Vec<Nic>,
    pub route_tables: Vec<RouteTable>,
    /// Subnets exported on their own (`az network vnet subnet show`).
    pub subnets: Vec<Subnet>,
    pub private_endpoints: Vec<PrivateEndpoint>,
    pub private_dns_zones: Vec<PrivateDnsZone>,
    pub zone_links: Vec<ZoneLink>,
    pub a_record_sets: Vec<ARecordSet>,
    /// Private endpoints' DNS zone groups (the portal's default): their record sets name
    /// the endpoint's names and addresses when its `customDnsConfigs` are empty.
    pub zone_groups: Vec<ZoneGroup>,
    pub nat_gateways: Vec<NatGateway>,
    pub public_ips: Vec<PublicIpAddress>,
    /// The target's own Azure resource, when it is a service (see [`targets`]).
    pub storage_accounts: Vec<targets::StorageAccount>,
    pub sql_servers: Vec<targets::SqlServer>,
    pub sql_firewall_rules: Vec<targets::SqlFirewallRule>,
    pub sql_vnet_rules: Vec<targets::SqlVnetRule>,
    pub key_vaults: Vec<targets::KeyVault>,
    pub cosmos_accounts: Vec<targets::CosmosAccount>,
    pub registries: Vec<targets::Registry>,
    /// `--azure`: every request made, and the resources Azure would not give.
    pub fetched: Vec<Fetched>,
    pub unavailable: Vec<Unavailable>,
    /// `--azure`: resources asked by id that Azure said do not exist, where that is an
    /// answer (the A record set a target name needs, in a zone that was read).
    pub absent: Vec<String>,
    /// `--azure`: the app itself could not be read (its site answered 401, 403 or 404, or
    /// Azure could not be reached): the checklist's mode is then `unknown`.
    pub app_unreadable: Option<AppUnreadable>,
    /// `--azure`: why the gathering ended before it had read everything (the deadline, an
    /// ARM that went silent or could not be reached, an answer that was not JSON).
    pub gathering_stopped: Option<String>,
    /// Files of 0 bytes (or only whitespace): what `az ... > f.json` leaves when `az`
    /// failed. Listed, not an error.
    pub empty_files: Vec<String>,
    /// Files of a directory whose content is not JSON (notes, screenshots): listed, skipped.
    pub not_json: Vec<String>,
    /// ARM ids seen so far (lowercase), the file that defined each and its content, to
    /// merge an identical copy and name what differs in another.
    seen_ids: BTreeMap<String, (String, serde_json::Value)>,
}

/// Why `--azure` could not read the app, and what to do about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppUnreadable {
    /// The app's resource id as asked.
    pub id: String,
    /// What Azure (or the way to it) answered, in one sentence.
    pub why: String,
    /// The step that lets the next run read it.
    pub remedy: String,
}

impl Snapshot {
    /// How many resources the snapshot holds, over all its files (or requests).
    pub fn resource_count(&self) -> usize {
        self.files.iter().map(|f| f.resources).sum()
    }

    /// Whether Azure said the resource `id` does not exist (a 404 that is an answer).
    pub fn known_absent(&self, id: &str) -> bool {
        self.absent.iter().any(|a| same_id(a, id))
    }

    /// Whether Azure said the A record set `record` of zone `zone` (by name) does not
    /// exist.
    pub fn record_known_absent(&self, zone: &str, record: &str) -> bool {
        let tail = format!("/privatednszones/{zone}/a/{record}").to_ascii_lowercase();
        self.absent
            .iter()
            .any(|a| a.to_ascii_lowercase().ends_with(&tail))
    }

    /// What Azure would not give that hides the private DNS zone `zone` (by name): the
    /// zone, its links or records, or the subscription-wide list of zones it was looked
    /// for in.
    pub fn unreadable_zone(&self, zone: &str) -> Option<&Unavailable> {
        let needle = format!("/privatednszones/{}", zone.to_ascii_lowercase());
        self.unavailable.iter().find(|gap| {
            let id = gap.id.to_ascii_lowercase();
            id.contains(&needle) || id.ends_with("/providers/microsoft.network/privatednszones")
        })
    }
}

/// ARM ids compare case-insensitively.
pub fn same_id(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b)
}

/// A resource as people name it from its ARM id: `nsg-a in rg-net`.
pub fn describe_id(id: &str) -> String {
    let name = id.rsplit('/').next().unwrap_or(id);
    match (resource_group_of(id), subscription_of(id)) {
        (Some(group), _) => format!("{name} in {group}"),
        // A subscription-wide list: `/subscriptions/S/providers/Microsoft.Network/privateDnsZones`.
        (None, Some(subscription)) if id.to_ascii_lowercase().contains("/providers/") => {
            format!("the list of {name} of subscription {subscription}")
        }
        (None, _) => name.to_owned(),
    }
}

/// The resource group in an ARM id (`.../resourceGroups/<name>/...`).
pub fn resource_group_of(id: &str) -> Option<&str> {
    let mut parts = id.split('/').filter(|p| !p.is_empty());
    parts.find(|p| p.eq_ignore_ascii_case("resourceGroups"))?;
    parts.next()
}

/// The subscription id in an ARM id (`/subscriptions/<id>/...`).
pub fn subscription_of(id: &str) -> Option<&str> {
    let mut parts = id.split('/').filter(|p| !p.is_empty());
    while let Some(part) = parts.next() {
        if part.eq_ignore_ascii_case("subscriptions") {
            return parts.next();
        }
    }
    None
}

impl Snapshot {
    /// The app being diagnosed: the site named `site_name` (from `WEBSITE_SITE_NAME`), or
    /// the only site of the snapshot.
    /// Whether a resource with this id was loaded.
    pub fn has_id(&self, id: &str) -> bool {
        self.seen_ids.contains_key(&id.to_ascii_lowercase())
    }

    pub fn site(&self, site_name: Option<&str>) -> Option<&Site> {
        // The app chosen for the run (see `choose_app`), else the app the tool runs in,
        // else the only site: an engineer's machine (or another app) reading a customer's
        // export names no site of it.
        if let Some(id) = &self.app {
            return self.sites.iter().find(|s| same_id(&s.id, id));
        }
        site_name
            .and_then(|name| {
                self.sites
                    .iter()
                    .find(|s| s.name.eq_ignore_ascii_case(name))
            })
            .or_else(|| (self.sites.len() == 1).then(|| &self.sites[0]))
    }

    /// Chooses the app the checklist is about: the site (or slot) `--app` names by id,
    /// else the one the tool runs in (`here`: `APP`, or `APP/SLOT` as ARM names a slot),
    /// else the only site. Several sites and none
    /// chosen, or an `--app` the snapshot does not hold, is an error that lists the sites.
    ///
    /// # Errors
    /// The message for the user, naming the sites and `--app`.
    pub fn choose_app(&mut self, app: Option<&str>, here: Option<&str>) -> Result<(), String> {
        let listed = self
            .sites
            .iter()
            .map(|s| format!("  {}", s.id))
            .collect::<Vec<_>>()
            .join("\n");
        let by_id = |id: &str| self.sites.iter().find(|s| same_id(&s.id, id));
        let by_name = |name: &str| {
            self.sites
                .iter()
                .find(|s| s.name.eq_ignore_ascii_case(name))
        };
        let chosen = match (app, here) {
            (Some(id), _) => match by_id(id) {
                Some(site) => Some(site.id.clone()),
                // Nothing to choose from: --azure reads the app by this id itself.
                None if self.sites.is_empty() => None,
                None => {
                    return Err(format!(
                        "--app {id}: the snapshot holds no such site; its sites are:\n{listed}"
                    ));
                }
            },
            (None, Some(here)) if by_name(here).is_some() => by_name(here).map(|s| s.id.clone()),
            (None, _) if self.sites.len() > 1 => {
                return Err(format!(
                    "the snapshot holds {} sites; say which one the checklist is about with --app RESOURCE_ID:\n{listed}",
                    self.sites.len()
                ));
            }
            (None, _) => None,
        };
        self.app = chosen;
        Ok(())
    }

    pub fn plan(&self, id: &str) -> Option<&Plan> {
        self.plans.iter().find(|p| same_id(&p.id, id))
    }

    pub fn vnet(&self, id: &str) -> Option<&VirtualNetwork> {
        self.vnets.iter().find(|v| same_id(&v.id, id))
    }

    pub fn nsg(&self, id: &str) -> Option<&Nsg> {
        self.nsgs.iter().find(|n| same_id(&n.id, id))
    }

    pub fn route_table(&self, id: &str) -> Option<&RouteTable> {
        self.route_tables.iter().find(|r| same_id(&r.id, id))
    }

    /// The VNET connections of a site or plan (children of its ARM id).
    pub fn connections_of(&self, parent_id: &str) -> Vec<&VnetConnection> {
        let prefix = format!(
            "{}/virtualnetworkconnections/",
            parent_id.to_ascii_lowercase()
        );
        self.vnet_connections
            .iter()
            .filter(|c| c.id.to_ascii_lowercase().starts_with(&prefix))
            .collect()
    }

    /// The gateways deployed in a VNET (their IP configuration sits in its `GatewaySubnet`).
    pub fn gateways_of(&self, vnet_id: &str) -> Vec<&Gateway> {
        let prefix = format!("{}/subnets/", vnet_id.to_ascii_lowercase());
        self.gateways
            .iter()
            .filter(|g| {
                g.ip_configurations.iter().any(|c| {
                    c.subnet
                        .as_ref()
                        .is_some_and(|s| s.id.to_ascii_lowercase().starts_with(&prefix))
                })
            })
            .collect()
    }

    /// Every resource read but not used, file by file.
    pub fn ignored(&self) -> impl Iterator<Item = &Ignored> {
        self.files.iter().flat_map(|file| file.ignored.iter())
    }

    /// Every subnet: those inside the VNETs and those exported on their own.
    pub fn all_subnets(&self) -> impl Iterator<Item = &Subnet> {
        self.vnets
            .iter()
            .flat_map(|v| v.subnets.iter())
            .chain(self.subnets.iter())
    }

    pub fn subnet(&self, id: &str) -> Option<&Subnet> {
        self.all_subnets().find(|s| same_id(&s.id, id))
    }

    /// The VNET a subnet belongs to (its id is the subnet's, up to `/subnets/`).
    pub fn vnet_of_subnet(&self, subnet_id: &str) -> Option<&VirtualNetwork> {
        let lower = subnet_id.to_ascii_lowercase();
        let vnet_id = lower.split("/subnets/").next()?;
        self.vnet(vnet_id)
    }

    /// The site's `config/web` resource, when exported.
    pub fn site_config(&self, site_id: &str) -> Option<&SiteWebConfig> {
        let id = format!("{}/config/web", site_id.to_ascii_lowercase());
        self.site_configs
            .iter()
            .find(|c| c.id.eq_ignore_ascii_case(&id))
    }

    /// The local network gateways linked by a connection to one of these gateways. None
    /// when no connection links them: an unlinked on-premises network is not reached.
    pub fn local_gateways_of(&self, gateways: &[&Gateway]) -> Vec<&LocalGateway> {
        self.local_gateways
            .iter()
            .filter(|lg| {
                gateways.iter().any(|g| {
                    self.connections_of_gateway(&g.id).iter().any(|c| {
                        c.local_network_gateway2
                            .as_ref()
                            .is_some_and(|l| same_id(&l.id, &lg.id))
                    })
                })
            })
            .collect()
    }

    /// The site-to-site and other connections of a gateway.
    pub fn connections_of_gateway(&self, gateway_id: &str) -> Vec<&Connection> {
        self.connections
            .iter()
            .filter(|c| {
                c.virtual_network_gateway1
                    .as_ref()
                    .is_some_and(|g| same_id(&g.id, gateway_id))
            })
            .collect()
    }

    /// The regional integration subnet's id of a site: its `virtualNetworkSubnetId`, else
    /// its `networkConfig`'s `subnetResourceId`, else the subnet a regional (`isSwift`)
    /// connection names in its `vnetResourceId` (which, for regional integration, is a
    /// subnet's id).
    pub fn integration_subnet_id<'a>(&'a self, site: Option<&'a Site>) -> Option<&'a str> {
        let from_site = site.and_then(|s| s.virtual_network_subnet_id.as_deref());
        let from_network_config = || {
            let site = site?;
            // The site's own, not a slot's (`SITE/slots/SLOT/networkConfig/...`).
            let prefix = format!("{}/networkconfig", site.id.to_ascii_lowercase());
            self.network_configs
                .iter()
                .filter(|c| c.id.to_ascii_lowercase().starts_with(&prefix))
                .find_map(|c| c.subnet_resource_id.as_deref())
        };
        from_site.or_else(from_network_config).or_else(|| {
            let connections = match site {
                Some(site) => self.connections_of(&site.id),
                None => self.vnet_connections.iter().collect(),
            };
            connections
                .into_iter()
                .filter(|c| c.is_swift == Some(true))
                .find_map(|c| c.vnet_resource_id.as_deref())
                .filter(|id| id.to_ascii_lowercase().contains("/subnets/"))
        })
    }

    /// The app's VNET: the one its gateway-required connection names, else the VNET of its
    /// integration subnet, else (the snapshot does not hold the app) its only VNET. Found by id,
    /// never by being the first: a hub beside the app's spoke is not the app's VNET.
    pub fn app_vnet(&self, site: Option<&Site>) -> Option<&VirtualNetwork> {
        let connections = match site {
            Some(site) => self.connections_of(&site.id),
            None => self.vnet_connections.iter().collect(),
        };
        let gateway_vnet = connections
            .iter()
            .filter(|c| c.is_swift != Some(true))
            .find_map(|c| c.vnet_resource_id.as_deref());
        match (
            gateway_vnet.or_else(|| self.integration_subnet_id(site)),
            site,
        ) {
            (Some(id), _) => self.vnet_of_subnet(id),
            // An app that names no VNET has none; without the app, the only VNET is its.
            (None, Some(_)) => None,
            (None, None) => (self.vnets.len() == 1).then(|| &self.vnets[0]),
        }
    }

    /// The DNS servers the app gets from its network: its VNET connection's `dnsServers`,
    /// else its VNET's `dhcpOptions.dnsServers`. The seam into the DNS configuration.
    pub fn app_dns_servers(&self, site_name: Option<&str>) -> Option<NetworkDns> {
        let site = self.site(site_name);
        let connections: Vec<&VnetConnection> = match site {
            Some(site) => self.connections_of(&site.id),
            None => self.vnet_connections.iter().collect(),
        };
        let connection = connections
            .iter()
            .find(|c| c.is_swift != Some(true))
            .or(connections.first());
        if let Some(connection) = connection {
            let entries: Vec<String> = connection
                .dns_servers
                .as_deref()
                .unwrap_or_default()
                .split(',')
                .map(|e| e.trim().to_owned())
                .filter(|e| !e.is_empty())
                .collect();
            if !entries.is_empty() {
                return Some(NetworkDns {
                    origin: format!("VNET connection {} dnsServers", connection.name),
                    entries,
                });
            }
        }
        let vnet = self.app_vnet(site)?;
        let entries = vnet.dhcp_options.as_ref()?.dns_servers.clone();
        (!entries.is_empty()).then(|| NetworkDns {
            origin: format!("VNET {} dhcpOptions.dnsServers", vnet.name),
            entries,
        })
    }

    /// The app's site DNS settings (`dnsConfiguration`), when the site has any.
    pub fn site_dns(&self, site_name: Option<&str>) -> Option<SiteDns> {
        let site = self.site(site_name)?;
        let dns = site.dns()?;
        let servers: Vec<String> = dns
            .dns_servers
            .iter()
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
            .collect();
        let found = SiteDns {
            origin: format!("site {} dnsConfiguration", site.name),
            servers,
            alt_server: dns.dns_alt_server.clone(),
            timeout_secs: dns.dns_retry_attempt_timeout.filter(|t| *t > 0),
            attempts: dns.dns_retry_attempt_count.filter(|a| *a > 0),
            cache_secs: dns.dns_max_cache_timeout,
            legacy_sort: dns.dns_legacy_sort_order == Some(true),
        };
        let empty = found.servers.is_empty()
            && found.alt_server.is_none()
            && found.timeout_secs.is_none()
            && found.attempts.is_none()
            && found.cache_secs.is_none()
            && !found.legacy_sort;
        (!empty).then_some(found)
    }

    /// One line per kind of resource, for the checklist's header.
    pub fn describe(&self) -> String {
        let mut out = String::new();
        let counts = KINDS
            .iter()
            .filter_map(|kind| Some((kind.label?, kind.count(self))));
        for (kind, count) in counts.filter(|(_, n)| *n > 0) {
            if !out.is_empty() {
                out.push_str(", ");
            }
            let _ = write!(out, "{count} {kind}{}", if count == 1 { "" } else { "s" });
        }
        if !self.app_settings.is_empty() {
            let _ = write!(out, ", {} app settings", self.app_settings.len());
        }
        let ignored = self.ignored().count();
        if ignored > 0 {
            let _ = write!(out, "; {ignored} ignored");
        }
        out
    }
}
