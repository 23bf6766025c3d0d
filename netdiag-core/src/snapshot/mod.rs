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

pub mod locate;
pub mod model;
pub mod origin;
pub mod private_dns;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use serde_json::Value;

use locate::{Step, line_of};
pub use model::*;
pub use origin::{Fetched, Unavailable};
pub use private_dns::{
    ARecordSet, NatGateway, PrivateDnsZone, PrivateEndpoint, PrivateName, ZoneLink,
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
    pub nat_gateways: Vec<NatGateway>,
    /// `--azure`: every request made, and the resources Azure would not give.
    pub fetched: Vec<Fetched>,
    pub unavailable: Vec<Unavailable>,
    /// ARM ids seen so far (lowercase) and the file that defined each.
    seen_ids: BTreeMap<String, String>,
}

/// ARM ids compare case-insensitively.
pub fn same_id(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b)
}

/// A resource as people name it from its ARM id: `nsg-a in rg-net`.
pub fn describe_id(id: &str) -> String {
    let name = id.rsplit('/').next().unwrap_or(id);
    match resource_group_of(id) {
        Some(group) => format!("{name} in {group}"),
        None => name.to_owned(),
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
    /// Loads every path (files, or directories of `.json` files, read in name order).
    pub fn load(paths: &[PathBuf]) -> Result<Self, SnapshotError> {
        let mut snapshot = Self::default();
        for path in paths {
            let metadata = std::fs::metadata(path).map_err(|e| {
                SnapshotError::in_file(format!("--network {}", path.display()), e.to_string())
            })?;
            if metadata.is_dir() {
                for file in json_files(path)? {
                    snapshot.load_file(&file)?;
                }
            } else {
                snapshot.load_file(path)?;
            }
        }
        Ok(snapshot)
    }

    /// Loads one file's text (its name is used in errors).
    pub fn load_text(&mut self, file: &str, text: &str) -> Result<(), SnapshotError> {
        let value: Value = serde_json::from_str(text).map_err(|e| {
            SnapshotError::in_file(
                file,
                format!("not valid JSON: {}", strip_position(&e.to_string())),
            )
            .at_line(e.line())
        })?;
        self.files.push(LoadedFile {
            path: file.to_owned(),
            resources: 0,
            ignored: Vec::new(),
        });
        let source = Source { file, text };
        match value {
            Value::Array(items) if is_app_settings_list(&items) => {
                self.add_app_settings_list(&source, &items)
            }
            Value::Array(items) => {
                for (index, item) in items.into_iter().enumerate() {
                    self.add_resource(&source, &[Step::Index(index)], item)?;
                }
                Ok(())
            }
            Value::Object(mut object)
                if !object.contains_key("type")
                    && object.get("value").is_some_and(Value::is_array) =>
            {
                let Some(Value::Array(items)) = object.remove("value") else {
                    return Ok(());
                };
                for (index, item) in items.into_iter().enumerate() {
                    self.add_resource(
                        &source,
                        &[Step::Key("value".into()), Step::Index(index)],
                        item,
                    )?;
                }
                Ok(())
            }
            object @ Value::Object(_) => self.add_resource(&source, &[], object),
            other => Err(SnapshotError::in_file(
                file,
                format!(
                    "expected a resource, a list of resources or {{\"value\": [...]}}, found {}",
                    kind_of(&other)
                ),
            )
            .at_line(1)),
        }
    }

    fn load_file(&mut self, path: &Path) -> Result<(), SnapshotError> {
        let file = path.display().to_string();
        let size = std::fs::metadata(path)
            .map_err(|e| SnapshotError::in_file(&file, e.to_string()))?
            .len();
        if size > MAX_FILE_BYTES {
            return Err(SnapshotError::in_file(
                file,
                format!(
                    "{size} bytes is more than an export of one app's network ({MAX_FILE_BYTES} bytes at most)"
                ),
            ));
        }
        let bytes =
            std::fs::read(path).map_err(|e| SnapshotError::in_file(&file, e.to_string()))?;
        let text = decode_text(bytes).map_err(|reason| SnapshotError::in_file(&file, reason))?;
        // PowerShell's Out-File writes a byte order mark; JSON parsers do not want it.
        self.load_text(&file, text.strip_prefix('\u{feff}').unwrap_or(&text))
    }

    #[expect(
        clippy::too_many_lines,
        reason = "one arm per resource type of the contract: the list reads best in one place"
    )]
    fn add_resource(
        &mut self,
        source: &Source<'_>,
        at: &[Step],
        value: Value,
    ) -> Result<(), SnapshotError> {
        let Value::Object(object) = value else {
            return Err(source.error(
                at,
                &format!("expected a resource object, found {}", kind_of(&value)),
            ));
        };
        let resource_type = match object.get("type") {
            Some(Value::String(t)) => t.clone(),
            Some(other) => {
                let mut path = at.to_vec();
                path.push(Step::Key("type".into()));
                return Err(source.error(
                    &path,
                    &format!("expected a string, found {}", kind_of(other)),
                ));
            }
            None => String::new(),
        };
        let name = object
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let normalised = normalise(Value::Object(object));
        let kind = resource_type.to_ascii_lowercase();
        match kind.as_str() {
            "microsoft.web/sites" => {
                self.push(source, at, &normalised, |s| &mut s.sites, |r: &Site| &r.id)
            }
            "microsoft.web/sites/networkconfig" | "microsoft.web/sites/config"
                if is_network_config(&normalised) =>
            {
                self.push(
                    source,
                    at,
                    &normalised,
                    |s| &mut s.network_configs,
                    |r: &SiteNetworkConfig| &r.id,
                )
            }
            "microsoft.web/sites/config" if is_web_config(&normalised) => self.push(
                source,
                at,
                &normalised,
                |s| &mut s.site_configs,
                |r: &SiteWebConfig| &r.id,
            ),
            "microsoft.network/virtualnetworks/subnets" => self.push(
                source,
                at,
                &normalised,
                |s| &mut s.subnets,
                |r: &Subnet| &r.id,
            ),
            "microsoft.web/serverfarms" => {
                self.push(source, at, &normalised, |s| &mut s.plans, |r: &Plan| &r.id)
            }
            "microsoft.web/sites/virtualnetworkconnections"
            | "microsoft.web/serverfarms/virtualnetworkconnections"
            | "microsoft.web/sites/slots/virtualnetworkconnections" => self.push(
                source,
                at,
                &normalised,
                |s| &mut s.vnet_connections,
                |r: &VnetConnection| &r.id,
            ),
            "microsoft.network/virtualnetworks" => self.push(
                source,
                at,
                &normalised,
                |s| &mut s.vnets,
                |r: &VirtualNetwork| &r.id,
            ),
            "microsoft.network/virtualnetworkgateways" => self.push(
                source,
                at,
                &normalised,
                |s| &mut s.gateways,
                |r: &Gateway| &r.id,
            ),
            "microsoft.network/localnetworkgateways" => self.push(
                source,
                at,
                &normalised,
                |s| &mut s.local_gateways,
                |r: &LocalGateway| &r.id,
            ),
            "microsoft.network/connections" => self.push(
                source,
                at,
                &normalised,
                |s| &mut s.connections,
                |r: &Connection| &r.id,
            ),
            "microsoft.network/networksecuritygroups" => {
                self.push(source, at, &normalised, |s| &mut s.nsgs, |r: &Nsg| &r.id)
            }
            "microsoft.network/networkinterfaces" => {
                self.push(source, at, &normalised, |s| &mut s.nics, |r: &Nic| &r.id)
            }
            "microsoft.network/routetables" => self.push(
                source,
                at,
                &normalised,
                |s| &mut s.route_tables,
                |r: &RouteTable| &r.id,
            ),
            "microsoft.network/privateendpoints" => self.push(
                source,
                at,
                &normalised,
                |s| &mut s.private_endpoints,
                |r: &PrivateEndpoint| &r.id,
            ),
            "microsoft.network/privatednszones" => self.push(
                source,
                at,
                &normalised,
                |s| &mut s.private_dns_zones,
                |r: &PrivateDnsZone| &r.id,
            ),
            "microsoft.network/privatednszones/virtualnetworklinks" => self.push(
                source,
                at,
                &normalised,
                |s| &mut s.zone_links,
                |r: &ZoneLink| &r.id,
            ),
            "microsoft.network/privatednszones/a" => self.push(
                source,
                at,
                &normalised,
                |s| &mut s.a_record_sets,
                |r: &ARecordSet| &r.id,
            ),
            "microsoft.network/natgateways" => self.push(
                source,
                at,
                &normalised,
                |s| &mut s.nat_gateways,
                |r: &NatGateway| &r.id,
            ),
            "microsoft.web/sites/config" | "" if is_app_settings_object(&normalised, &name) => {
                self.add_app_settings_object(source, at, &normalised)
            }
            _ => {
                let ignored = Ignored {
                    file: source.file.to_owned(),
                    name,
                    resource_type: if resource_type.is_empty() {
                        "(no type)".to_owned()
                    } else {
                        resource_type
                    },
                };
                if let Some(file) = self.files.last_mut() {
                    file.ignored.push(ignored);
                }
                Ok(())
            }
        }
    }

    fn push<T: DeserializeOwned>(
        &mut self,
        source: &Source<'_>,
        at: &[Step],
        value: &Value,
        list: impl FnOnce(&mut Self) -> &mut Vec<T>,
        id_of: impl Fn(&T) -> &String,
    ) -> Result<(), SnapshotError> {
        // The happy path reads the value as borrowed; only a failure pays for a second
        // pass that tracks the path of the bad field.
        let resource = match T::deserialize(value) {
            Ok(resource) => resource,
            Err(plain) => {
                let mut path = at.to_vec();
                let message = match serde_path_to_error::deserialize::<_, T>(value) {
                    Err(error) => {
                        path.extend(steps_of(error.path()));
                        error.inner().to_string()
                    }
                    // Not expected: the same value read twice. Report without a path.
                    Ok(_) => plain.to_string(),
                };
                return Err(source.error(&path, &message));
            }
        };
        let id = id_of(&resource).to_ascii_lowercase();
        if id.is_empty() {
            // Without its id a resource joins nothing: the checks would pass it by.
            let mut path = at.to_vec();
            path.push(Step::Key("type".into()));
            let kind = value
                .get("type")
                .and_then(Value::as_str)
                .unwrap_or("resource");
            return Err(source.error(
                &path,
                &format!(
                    "this {kind} needs its \"id\" to be joined to the others (export it with az ... show, or the ARM REST API)"
                ),
            ));
        }
        if let Some(first) = self.seen_ids.get(&id) {
            let mut path = at.to_vec();
            path.push(Step::Key("id".into()));
            return Err(source.error(
                &path,
                &format!(
                    "resource '{}' is defined twice (first in {first}); export each resource once",
                    id_of(&resource)
                ),
            ));
        }
        self.seen_ids.insert(id, source.file.to_owned());
        list(self).push(resource);
        self.count_resource();
        Ok(())
    }

    fn count_resource(&mut self) {
        if let Some(file) = self.files.last_mut() {
            file.resources += 1;
        }
    }

    fn add_app_settings_list(
        &mut self,
        source: &Source<'_>,
        items: &[Value],
    ) -> Result<(), SnapshotError> {
        for (index, item) in items.iter().enumerate() {
            let name = item.get("name").and_then(Value::as_str);
            let value = item.get("value");
            match (name, value) {
                (Some(name), Some(Value::String(value))) => {
                    self.app_settings.insert(name.to_owned(), value.clone());
                }
                (Some(_), Some(Value::Null)) => {}
                (Some(name), Some(other)) => {
                    self.app_settings.insert(name.to_owned(), other.to_string());
                }
                _ => {
                    return Err(source.error(
                        &[Step::Index(index)],
                        "an app setting needs a string \"name\" and a \"value\"",
                    ));
                }
            }
        }
        self.count_resource();
        Ok(())
    }

    fn add_app_settings_object(
        &mut self,
        source: &Source<'_>,
        at: &[Step],
        value: &Value,
    ) -> Result<(), SnapshotError> {
        // Normalised: the settings are the object's own keys, less the resource's.
        let Value::Object(object) = value else {
            return Ok(());
        };
        for (name, setting) in object {
            if matches!(
                name.as_str(),
                "id" | "name" | "type" | "kind" | "location" | "tags"
            ) {
                continue;
            }
            match setting {
                Value::String(text) => {
                    self.app_settings.insert(name.clone(), text.clone());
                }
                other => {
                    let mut path = at.to_vec();
                    path.push(Step::Key(name.clone()));
                    return Err(source.error(
                        &path,
                        &format!("app setting values are strings, found {}", kind_of(other)),
                    ));
                }
            }
        }
        self.count_resource();
        Ok(())
    }

    /// The app being diagnosed: the site named `site_name` (from `WEBSITE_SITE_NAME`), or
    /// the only site of the snapshot.
    /// Whether a resource with this id was loaded.
    pub fn has_id(&self, id: &str) -> bool {
        self.seen_ids.contains_key(&id.to_ascii_lowercase())
    }

    pub fn site(&self, site_name: Option<&str>) -> Option<&Site> {
        match site_name {
            Some(name) => self
                .sites
                .iter()
                .find(|s| s.name.eq_ignore_ascii_case(name)),
            None if self.sites.len() == 1 => self.sites.first(),
            None => None,
        }
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
        let vnet = connection
            .and_then(|c| c.vnet_resource_id.as_deref())
            .and_then(|id| self.vnet(id))
            .or_else(|| (self.vnets.len() == 1).then(|| &self.vnets[0]))?;
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
        };
        let empty = found.servers.is_empty()
            && found.alt_server.is_none()
            && found.timeout_secs.is_none()
            && found.attempts.is_none();
        (!empty).then_some(found)
    }

    /// One line per kind of resource, for the checklist's header.
    pub fn describe(&self) -> String {
        let mut out = String::new();
        let counts = [
            ("site", self.sites.len()),
            ("plan", self.plans.len()),
            ("VNET connection", self.vnet_connections.len()),
            ("VNET", self.vnets.len()),
            ("gateway", self.gateways.len()),
            ("local gateway", self.local_gateways.len()),
            ("connection", self.connections.len()),
            ("NSG", self.nsgs.len()),
            ("NIC", self.nics.len()),
            ("route table", self.route_tables.len()),
            ("subnet", self.subnets.len()),
            ("site config", self.site_configs.len()),
            ("network config", self.network_configs.len()),
            ("private endpoint", self.private_endpoints.len()),
            ("private DNS zone", self.private_dns_zones.len()),
            ("zone link", self.zone_links.len()),
            ("A record set", self.a_record_sets.len()),
            ("NAT gateway", self.nat_gateways.len()),
        ];
        for (kind, count) in counts.iter().filter(|(_, n)| *n > 0) {
            if !out.is_empty() {
                out.push_str(", ");
            }
            let _ = write!(out, "{count} {kind}{}", if *count == 1 { "" } else { "s" });
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

struct Source<'a> {
    file: &'a str,
    text: &'a str,
}

impl Source<'_> {
    fn error(&self, path: &[Step], message: &str) -> SnapshotError {
        SnapshotError {
            file: self.file.to_owned(),
            line: line_of(self.text, path),
            json_path: Some(display_path(path)).filter(|p| !p.is_empty()),
            reason: message.to_owned(),
        }
    }
}

/// A path as people read it: `value[2].securityRules[0].priority`.
fn display_path(path: &[Step]) -> String {
    let mut out = String::new();
    for step in path {
        match step {
            Step::Key(key) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key);
            }
            Step::Index(index) => {
                let _ = write!(out, "[{index}]");
            }
        }
    }
    if out.is_empty() {
        "(top level)".to_owned()
    } else {
        out
    }
}

fn steps_of(path: &serde_path_to_error::Path) -> Vec<Step> {
    path.iter()
        .filter_map(|segment| match segment {
            serde_path_to_error::Segment::Seq { index } => Some(Step::Index(*index)),
            serde_path_to_error::Segment::Map { key } => Some(Step::Key(key.clone())),
            serde_path_to_error::Segment::Enum { variant } => Some(Step::Key(variant.clone())),
            serde_path_to_error::Segment::Unknown => None,
        })
        .collect()
}

/// Merges every `properties` object into its parent (the parent's own `id`, `name` and
/// `type` win) and drops unset fields, recursively: exports write an unset field as
/// `null` or as `""` alike.
fn normalise(mut value: Value) -> Value {
    normalise_in_place(&mut value);
    value
}

/// In place: the maps are kept, not rebuilt, which matters for exports of thousands of
/// NSG rules.
fn normalise_in_place(value: &mut Value) {
    match value {
        Value::Object(object) => {
            object.retain(|_, v| !is_unset(v));
            let nested = object.get("properties").is_some_and(Value::is_object);
            if let Some(Value::Object(properties)) =
                nested.then(|| object.remove("properties")).flatten()
            {
                for (key, value) in properties {
                    let parent_wins =
                        matches!(key.as_str(), "id" | "name" | "type") && object.contains_key(&key);
                    if !is_unset(&value) && !parent_wins {
                        object.insert(key, value);
                    }
                }
            }
            object.values_mut().for_each(normalise_in_place);
        }
        Value::Array(items) => items.iter_mut().for_each(normalise_in_place),
        _ => {}
    }
}

fn is_unset(value: &Value) -> bool {
    value.is_null() || value.as_str().is_some_and(str::is_empty)
}

fn is_app_settings_list(items: &[Value]) -> bool {
    !items.is_empty()
        && items.iter().all(|item| {
            item.as_object().is_some_and(|o| {
                o.contains_key("name") && o.contains_key("value") && !o.contains_key("type")
            })
        })
}

fn is_app_settings_object(normalised: &Value, name: &str) -> bool {
    let resource_keys = ["id", "name", "type", "kind", "location", "tags"];
    normalised.as_object().is_some_and(|object| {
        (name.is_empty()
            || name.eq_ignore_ascii_case("appsettings")
            || name.ends_with("/appsettings"))
            && object.keys().any(|k| !resource_keys.contains(&k.as_str()))
    })
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// `serde_json` appends " at line L column C"; the message already starts with the line.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(index) => message[..index].to_owned(),
        None => message.to_owned(),
    }
}

/// A file's text: UTF-8 (with or without a byte order mark), or UTF-16 with one (what
/// Windows PowerShell 5.1's `>` writes).
fn decode_text(bytes: Vec<u8>) -> Result<String, String> {
    let utf16 = |bytes: &[u8], big_endian: bool| -> Result<String, String> {
        if !bytes.len().is_multiple_of(2) {
            return Err("not a text file (UTF-16 with an odd number of bytes)".to_owned());
        }
        let units = bytes.chunks_exact(2).map(|pair| {
            if big_endian {
                u16::from_be_bytes([pair[0], pair[1]])
            } else {
                u16::from_le_bytes([pair[0], pair[1]])
            }
        });
        char::decode_utf16(units)
            .collect::<Result<String, _>>()
            .map_err(|e| format!("not a text file (invalid UTF-16: {e})"))
    };
    match bytes.as_slice() {
        [0xFF, 0xFE, rest @ ..] => utf16(rest, false),
        [0xFE, 0xFF, rest @ ..] => utf16(rest, true),
        _ => String::from_utf8(bytes).map_err(|e| {
            format!(
                "not a text file (invalid UTF-8 at byte {})",
                e.utf8_error().valid_up_to()
            )
        }),
    }
}

/// A `Microsoft.Web/sites/config` resource is the site's configuration when it is named
/// `web` (ARM names it `SITE/web` or after the site, with an id ending in `/config/web`).
/// The regional integration's config: `.../networkConfig/virtualNetwork`, or a
/// `sites/config` named `virtualNetwork`.
fn is_network_config(value: &Value) -> bool {
    let id = value
        .get("id")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_ascii_lowercase();
    id.contains("/networkconfig/") || id.ends_with("/config/virtualnetwork")
}

fn is_web_config(value: &Value) -> bool {
    let id = value.get("id").and_then(Value::as_str).unwrap_or_default();
    let name = value
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or_default();
    id.to_ascii_lowercase().ends_with("/config/web")
        || name.eq_ignore_ascii_case("web")
        || name.to_ascii_lowercase().ends_with("/web")
}

fn json_files(dir: &Path) -> Result<Vec<PathBuf>, SnapshotError> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| SnapshotError::in_file(dir.display().to_string(), e.to_string()))?;
    let mut files = Vec::new();
    for entry in entries {
        let path = entry
            .map_err(|e| SnapshotError::in_file(dir.display().to_string(), e.to_string()))?
            .path();
        if path.is_dir() {
            files.extend(json_files(&path)?);
        } else if path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("json"))
        {
            files.push(path);
        }
    }
    files.sort();
    if files.is_empty() {
        return Err(SnapshotError::in_file(
            dir.display().to_string(),
            "no .json files in this directory",
        ));
    }
    Ok(files)
}
