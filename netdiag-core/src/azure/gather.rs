//! Follows references from the app outward and stops at what the checks need.
//!
//! The walk is declarative: [`Found::wanted`] says, from what has been read so far, every
//! request the checks need (the site, its `config/web`, VNET connections and regional
//! `networkConfig`; the plan and its VNET connections; the app's VNETs and their peered
//! VNETs; the integration subnet's NSG, route table and NAT gateway with its public IPs;
//! the gateway a `GatewaySubnet` names, its connections and their local gateways; the
//! private endpoints of those VNETs, their DNS zone groups, the zones they name with their
//! links, and the one A record set the target name needs; once the target's address is
//! known, its subnet's NSG and route table, the NIC that holds it and that NIC's NSG).
//! [`Gatherer::walk`] asks each of them as soon as it appears, up to [`CONCURRENCY`] at
//! once, so a request waits only for the answer it depends on: the example apps take five
//! round trips one after another.
//!
//! Answers: 403, 404 (where a 404 is not itself the answer), 400 and a 429/5xx that
//! outlasted its retries are recorded as [`Unavailable`] and the walk goes on; a
//! subscription-wide list that answers 403 is set aside (Reader on resource groups is
//! enough) and named only if what it was read for was not found otherwise. A 401 (the
//! token is expired or for another cloud), the deadline, an ARM that cannot be reached and
//! an answer that is not JSON stop the walk: what was read so far is kept, and the
//! diagnosis says the gathering stopped.

use std::collections::BTreeSet;
use std::net::IpAddr;
use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use ipnet::IpNet;
use serde_json::Value;

use super::http::{Answer, Http, check_endpoint};
use super::token::{acquire, message_of};
use super::{AzureEnvironment, AzureError, AzureOptions, Secrets};
pub use crate::snapshot::Unavailable;
use crate::snapshot::kinds::{self, api_version_of};
use crate::snapshot::private_dns::private_record;
use crate::snapshot::{AppUnreadable, Fetched, Snapshot, describe_id, same_id};

/// Requests in flight at once: enough to ask a whole round trip's worth together, few
/// enough to stay clear of ARM's throttling.
pub const CONCURRENCY: usize = 8;
/// The most NICs read to find the one that holds the target's address.
const MAX_NICS: usize = 64;

/// What a request asks for, and what its answers mean.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ask {
    /// One resource, kept; a 404 is a gap.
    Resource,
    /// One resource that may not be there: a 404 is the answer ("not there": the regional
    /// `networkConfig`, a NIC searched, the target's A record set).
    MaybeResource,
    /// A list whose items are kept.
    List,
    /// A list whose items are looked through, not kept (the gateway's resource group's
    /// connections, which lack their status).
    LookThrough,
    /// A subscription-wide list looked through: a 403 is set aside, not a gap (Reader on
    /// resource groups is enough).
    SubscriptionList,
}

/// One request of the walk.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Request {
    /// An ARM path, `/subscriptions/...`.
    path: String,
    ask: Ask,
}

impl Request {
    fn one(path: &str) -> Self {
        Self {
            path: path.trim_end_matches('/').to_owned(),
            ask: Ask::Resource,
        }
    }

    fn list(path: &str) -> Self {
        Self {
            ask: Ask::List,
            ..Self::one(path)
        }
    }

    fn asking(self, ask: Ask) -> Self {
        Self { ask, ..self }
    }

    fn is_list(&self) -> bool {
        !matches!(self.ask, Ask::Resource | Ask::MaybeResource)
    }

    fn key(&self) -> String {
        self.path.to_ascii_lowercase()
    }
}

/// What one request brought.
enum Got {
    Items(Vec<Value>),
    Unavailable(Unavailable),
    Absent,
}

/// The client side of the walk: shared by the request threads.
struct Client {
    http: Http,
    endpoint: String,
    token: String,
    /// Where the token came from, for a 401's message.
    token_source: String,
    fetched: Mutex<Vec<Fetched>>,
    done: AtomicUsize,
    options: AzureOptions,
}

/// What the walk has read so far, and what it knows it cannot read.
#[derive(Default)]
struct Found {
    app_id: String,
    /// The target's name (its private record is read by name) and, once known, address.
    target_name: Option<String>,
    target_ip: Option<IpAddr>,
    /// The resources read, ARM-shaped, each with the file name it is saved under.
    resources: Vec<(String, Value)>,
    ids: BTreeSet<String>,
    /// Lists looked through, by lowercase path.
    looked: Vec<(String, Vec<Value>)>,
    /// Every path asked (lowercase).
    asked: BTreeSet<String>,
    absent: Vec<String>,
    unavailable: Vec<Unavailable>,
    /// Subscription-wide lists that answered 403: named only if needed.
    set_aside: Vec<Unavailable>,
    /// What the app's settings point at: the content share's storage account and the
    /// vaults of Key Vault references (names only).
    content_share_account: Option<String>,
    vaults: Vec<String>,
}

/// A gathering in progress: the client, the token, and what was read so far.
pub struct Gatherer {
    client: Client,
    found: Found,
    /// Why the walk stopped early, when it did (kept for the report).
    stopped: Option<AzureError>,
    total: usize,
}

/// A field by JSON pointer, in ARM's shape (`/properties/...`) or, as some exports and
/// proxies give it, flattened.
fn field<'v>(value: &'v Value, pointer: &str) -> Option<&'v Value> {
    value.pointer(pointer).or_else(|| {
        pointer
            .strip_prefix("/properties")
            .and_then(|flat| value.pointer(flat))
    })
}

fn text<'v>(value: &'v Value, pointer: &str) -> Option<&'v str> {
    field(value, pointer).and_then(Value::as_str)
}

/// The id of a resource, whether ARM-shaped or flattened.
fn id_of(value: &Value) -> Option<&str> {
    text(value, "/id")
}

fn array<'v>(value: &'v Value, pointer: &str) -> impl Iterator<Item = &'v Value> {
    field(value, pointer)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
}

/// The parent resource an id belongs to, up to and including `/{segment}/{name}`.
fn parent_id(id: &str, segment: &str) -> Option<String> {
    let lower = id.to_ascii_lowercase();
    let at = lower.find(&format!("/{}/", segment.to_ascii_lowercase()))?;
    let after = at + segment.len() + 2;
    let end = id[after..].find('/').map_or(id.len(), |e| after + e);
    Some(id[..end].to_owned())
}

fn resource_group_path(id: &str) -> Option<String> {
    parent_id(id, "resourceGroups")
}

fn subscription_path(id: &str) -> Option<String> {
    parent_id(id, "subscriptions")
}

fn subnets_of(vnet: &Value) -> impl Iterator<Item = &Value> {
    array(vnet, "/properties/subnets")
}

fn prefixes_of(subnet: &Value) -> Vec<IpNet> {
    let mut prefixes: Vec<IpNet> = array(subnet, "/properties/addressPrefixes")
        .filter_map(Value::as_str)
        .filter_map(|p| p.parse().ok())
        .collect();
    if let Some(prefix) = text(subnet, "/properties/addressPrefix").and_then(|p| p.parse().ok()) {
        prefixes.push(prefix);
    }
    prefixes
}

/// The ids a resource names at `pointers` (`/properties/networkSecurityGroup/id`, ...).
fn references(value: &Value, pointers: &[&str]) -> Vec<Request> {
    pointers
        .iter()
        .filter_map(|p| text(value, p))
        .map(Request::one)
        .collect()
}

/// `--save-network DIR` into a directory that already holds another app's export: refused,
/// since `--network DIR` would then read two apps as one case.
fn refuse_another_apps_dir(dir: &Path, app_id: &str) -> Result<(), AzureError> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(());
    };
    for entry in entries.flatten() {
        let Ok(content) = std::fs::read_to_string(entry.path()) else {
            continue;
        };
        let Ok(value) = serde_json::from_str::<Value>(&content) else {
            continue;
        };
        let other = id_of(&value).filter(|id| {
            text(&value, "/type").is_some_and(|t| kinds::SITE.answers_to(t)) && !same_id(id, app_id)
        });
        if let Some(other) = other {
            let name = other.rsplit('/').next().unwrap_or(other);
            return Err(AzureError::Save {
                path: dir.display().to_string(),
                message: format!(
                    "holds the export of another app ({name}): choose an empty directory, or add --force to save beside it"
                ),
            });
        }
    }
    Ok(())
}

/// The kinds whose network rules the target-side checks read.
fn is_service_kind(kind: &kinds::ResourceKind) -> bool {
    [
        kinds::STORAGE_ACCOUNT.arm_type,
        kinds::SQL_SERVER.arm_type,
        kinds::KEY_VAULT.arm_type,
        kinds::COSMOS_ACCOUNT.arm_type,
        kinds::REGISTRY.arm_type,
        kinds::SITE.arm_type,
    ]
    .contains(&kind.arm_type)
}

/// A subnet's NSG and route table.
const SUBNET_POLICIES: [&str; 2] = [
    "/properties/networkSecurityGroup/id",
    "/properties/routeTable/id",
];

impl Found {
    fn resource(&self, id: &str) -> Option<&Value> {
        self.resources
            .iter()
            .map(|(_, v)| v)
            .find(|v| id_of(v).is_some_and(|own| same_id(own, id)))
    }

    fn items_of<'s>(&'s self, kind: &'s kinds::ResourceKind) -> impl Iterator<Item = &'s Value> {
        self.resources
            .iter()
            .map(|(_, v)| v)
            .filter(|v| text(v, "/type").is_some_and(|t| kind.answers_to(t)))
    }

    fn looked_at(&self, path: &str) -> &[Value] {
        self.looked
            .iter()
            .find(|(p, _)| p.eq_ignore_ascii_case(path))
            .map_or(&[], |(_, items)| items.as_slice())
    }

    /// The target's private zone and record name, when its name has one.
    fn target_record(&self) -> Option<(String, String)> {
        let name = self.target_name.as_deref()?;
        let (zone, record) = private_record(name);
        zone.starts_with(crate::snapshot::private_dns::PRIVATELINK)
            .then_some((zone, record))
    }

    fn subscription_zones_path(&self) -> Option<String> {
        subscription_path(&self.app_id)
            .map(|s| format!("{s}/providers/{}", kinds::PRIVATE_DNS_ZONE.arm_type))
    }

    /// The app's integration subnets: the site's, its `networkConfig`'s, its connections'.
    fn integration_subnets(&self, site: Option<&Value>) -> Vec<String> {
        let own = |id: &str| {
            id.to_ascii_lowercase()
                .starts_with(&format!("{}/", self.app_id.to_ascii_lowercase()))
        };
        let mut subnets: Vec<String> = Vec::new();
        if let Some(subnet) = site.and_then(|s| text(s, "/properties/virtualNetworkSubnetId")) {
            subnets.push(subnet.to_owned());
        }
        let configs = self
            .items_of(&kinds::NETWORK_CONFIG)
            .filter(|c| id_of(c).is_some_and(own))
            .filter_map(|c| text(c, "/properties/subnetResourceId"));
        let connections = self
            .items_of(&kinds::VNET_CONNECTION)
            .filter(|c| id_of(c).is_some_and(own))
            .filter_map(|c| text(c, "/properties/vnetResourceId"));
        subnets.extend(configs.chain(connections).map(str::to_owned));
        subnets
    }

    /// Every request the checks need, given what has been read so far; the walk asks
    /// those not yet asked.
    fn wanted(&self) -> Vec<Request> {
        let app = self.app_id.as_str();
        let mut wanted = vec![
            Request::one(app),
            Request::one(&format!("{app}/config/web")),
            Request::list(&format!("{app}/virtualNetworkConnections")),
            Request::one(&format!("{app}/networkConfig/virtualNetwork")).asking(Ask::MaybeResource),
        ];
        let target_record = self.target_record();
        // The zone of the target's record, or of an endpoint's names, may sit where no
        // endpoint's zone group points (an endpoint made without one): the app's
        // subscription's zones are looked through; for a target name asked at once, since
        // nothing else is needed to ask.
        let endpoint_names = self
            .items_of(&kinds::PRIVATE_ENDPOINT)
            .any(|e| array(e, "/properties/customDnsConfigs").next().is_some());
        if (target_record.is_some() || endpoint_names)
            && let Some(path) = self.subscription_zones_path()
        {
            wanted.push(Request::one(&path).asking(Ask::SubscriptionList));
        }
        let site = self.resource(app);
        if let Some(plan) = site.and_then(|s| text(s, "/properties/serverFarmId")) {
            wanted.push(Request::one(plan));
            wanted.push(Request::list(&format!("{plan}/virtualNetworkConnections")));
        }
        let integration = self.integration_subnets(site);
        let mut app_vnets: Vec<String> = Vec::new();
        for id in &integration {
            let vnet = parent_id(id, "virtualNetworks").unwrap_or_else(|| id.clone());
            if !app_vnets.iter().any(|v| same_id(v, &vnet)) {
                app_vnets.push(vnet);
            }
        }
        let mut vnets: Vec<&Value> = Vec::new();
        for id in &app_vnets {
            wanted.push(Request::one(id));
            if let Some(vnet) = self.resource(id) {
                vnets.push(vnet);
                for peering in array(vnet, "/properties/virtualNetworkPeerings") {
                    if let Some(remote) = text(peering, "/properties/remoteVirtualNetwork/id") {
                        wanted.push(Request::one(remote));
                        if let Some(peered) = self.resource(remote) {
                            vnets.push(peered);
                        }
                    }
                }
            }
        }
        let target_subnet = self.target_subnet(&vnets);
        for vnet in &vnets {
            for subnet in subnets_of(vnet) {
                let subnet_id = id_of(subnet).unwrap_or_default();
                if integration.iter().any(|s| same_id(s, subnet_id)) {
                    wanted.extend(references(
                        subnet,
                        &[
                            SUBNET_POLICIES[0],
                            SUBNET_POLICIES[1],
                            "/properties/natGateway/id",
                        ],
                    ));
                }
                if text(subnet, "/name").is_some_and(|n| n.eq_ignore_ascii_case("GatewaySubnet")) {
                    self.gateways(subnet, &mut wanted);
                }
                for endpoint in array(subnet, "/properties/privateEndpoints").filter_map(id_of) {
                    wanted.push(Request::one(endpoint));
                    wanted.push(Request::list(&format!("{endpoint}/privateDnsZoneGroups")));
                }
            }
        }
        if let Some(subnet) = target_subnet {
            wanted.extend(references(subnet, &SUBNET_POLICIES));
            self.target_nic(subnet, &mut wanted);
        }
        for nat in self.items_of(&kinds::NAT_GATEWAY) {
            for ip in array(nat, "/properties/publicIpAddresses").filter_map(id_of) {
                wanted.push(Request::one(ip));
            }
        }
        self.zones(target_record.as_ref(), &mut wanted);
        self.services(site, &mut wanted);
        wanted
    }

    /// The Azure services at the ends of the path: the target's (through a private
    /// endpoint's `privateLinkServiceId`, else by name in a list of that type in the app's
    /// subscription), the content share's storage account, the vaults of Key Vault
    /// references and a container image's registry; a SQL server with its firewall and
    /// VNET rules.
    fn services(&self, site: Option<&Value>, wanted: &mut Vec<Request>) {
        let mut named: Vec<(&'static str, String)> = Vec::new();
        if let Some(name) = self.target_name.as_deref()
            && let Some(service) = crate::snapshot::services::service_of(name)
            && let Some(kind) = service.resource_type()
            && let Some(first) = name.split('.').next()
        {
            named.push((kind, first.to_ascii_lowercase()));
        }
        if let Some(account) = &self.content_share_account {
            named.push((
                kinds::STORAGE_ACCOUNT.arm_type,
                account.to_ascii_lowercase(),
            ));
        }
        for vault in &self.vaults {
            named.push((kinds::KEY_VAULT.arm_type, vault.to_ascii_lowercase()));
        }
        let image = site
            .and_then(|s| {
                text(s, "/properties/siteConfig/linuxFxVersion")
                    .or_else(|| text(s, "/properties/siteConfig/windowsFxVersion"))
            })
            .and_then(|fx| fx.split_once('|'))
            .filter(|(kind, _)| kind.eq_ignore_ascii_case("DOCKER"))
            .and_then(|(_, image)| image.split('/').next())
            .filter(|host| host.to_ascii_lowercase().ends_with(".azurecr.io"))
            .and_then(|host| host.split('.').next());
        if let Some(registry) = image {
            named.push((kinds::REGISTRY.arm_type, registry.to_ascii_lowercase()));
        }
        let linked: Vec<String> = self
            .items_of(&kinds::PRIVATE_ENDPOINT)
            .flat_map(|e| {
                array(e, "/properties/privateLinkServiceConnections")
                    .chain(array(e, "/properties/manualPrivateLinkServiceConnections"))
            })
            .filter_map(|c| text(c, "/properties/privateLinkServiceId"))
            .filter(|id| kinds::kind_of_path(id).is_some_and(is_service_kind))
            .map(str::to_owned)
            .collect();
        let mut ids: Vec<String> = linked;
        let subscription = subscription_path(&self.app_id);
        for (kind, name) in &named {
            let by_endpoint = ids.iter().any(|id| {
                kinds::kind_of_path(id).is_some_and(|k| k.arm_type == *kind)
                    && id
                        .rsplit('/')
                        .next()
                        .is_some_and(|n| n.eq_ignore_ascii_case(name))
            });
            if by_endpoint {
                continue;
            }
            let Some(subscription) = &subscription else {
                continue;
            };
            let list = format!("{subscription}/providers/{kind}");
            wanted.push(Request::one(&list).asking(Ask::SubscriptionList));
            ids.extend(
                self.looked_at(&list)
                    .iter()
                    .filter(|r| text(r, "/name").is_some_and(|n| n.eq_ignore_ascii_case(name)))
                    .filter_map(|r| id_of(r).map(str::to_owned)),
            );
        }
        for id in ids {
            // A service a private endpoint names may be gone, or in a subscription the app's
            // identity cannot read: its absence is no gap of the app's network.
            wanted.push(Request::one(&id).asking(Ask::MaybeResource));
            let sql =
                kinds::kind_of_path(&id).is_some_and(|k| k.arm_type == kinds::SQL_SERVER.arm_type);
            // Another web app as the target: its access restrictions are in its config/web.
            if kinds::kind_of_path(&id).is_some_and(|k| k.arm_type == kinds::SITE.arm_type)
                && !same_id(&id, &self.app_id)
            {
                wanted.push(Request::one(&format!("{id}/config/web")).asking(Ask::MaybeResource));
            }
            if sql && self.resource(&id).is_some() {
                wanted.push(Request::list(&format!("{id}/firewallRules")));
                wanted.push(Request::list(&format!("{id}/virtualNetworkRules")));
            }
        }
    }

    /// The gateways a `GatewaySubnet`'s IP configurations name, the connections of their
    /// resource groups that start at them, and those connections' local gateways.
    fn gateways(&self, subnet: &Value, wanted: &mut Vec<Request>) {
        let mut gateways: Vec<String> = array(subnet, "/properties/ipConfigurations")
            .filter_map(id_of)
            .filter_map(|id| parent_id(id, "virtualNetworkGateways"))
            .collect();
        // A subnet shaped without its IP configurations (some exports and proxies leave
        // them out): the gateways of the VNET's resource group that sit in it.
        if gateways.is_empty()
            && let Some(subnet_id) = id_of(subnet)
            && let Some(group) = resource_group_path(subnet_id)
        {
            let list = format!("{group}/providers/{}", kinds::GATEWAY.arm_type);
            wanted.push(Request::one(&list).asking(Ask::LookThrough));
            gateways.extend(
                self.looked_at(&list)
                    .iter()
                    .filter(|g| {
                        array(g, "/properties/ipConfigurations").any(|c| {
                            text(c, "/properties/subnet/id").is_some_and(|s| same_id(s, subnet_id))
                        })
                    })
                    .filter_map(|g| id_of(g).map(str::to_owned)),
            );
        }
        for gateway in &gateways {
            wanted.push(Request::one(gateway));
            let Some(group) = resource_group_path(gateway) else {
                continue;
            };
            let list = format!("{group}/providers/{}", kinds::CONNECTION.arm_type);
            let connections = self.looked_at(&list);
            wanted.push(Request::one(&list).asking(Ask::LookThrough));
            for connection in connections.iter().filter(|c| {
                text(c, "/properties/virtualNetworkGateway1/id")
                    .is_some_and(|g| same_id(g, gateway))
            }) {
                // The list leaves the connection's status out: each is read on its own.
                wanted.extend(references(
                    connection,
                    &["/id", "/properties/localNetworkGateway2/id"],
                ));
            }
        }
    }

    /// The subnet that holds the target's address (longest prefix) in the VNETs read.
    fn target_subnet<'v>(&self, vnets: &[&'v Value]) -> Option<&'v Value> {
        let ip = self.target_ip?;
        vnets
            .iter()
            .flat_map(|v| subnets_of(v))
            .filter_map(|s| {
                let longest = prefixes_of(s)
                    .into_iter()
                    .filter(|p| p.contains(&ip))
                    .map(|p| p.prefix_len())
                    .max()?;
                Some((longest, s))
            })
            .max_by_key(|(len, _)| *len)
            .map(|(_, s)| s)
    }

    /// The NIC that holds the target's address, and its own NSG: once found, its NSG;
    /// until then every NIC of the target's subnet (but the private endpoints', whose
    /// addresses the endpoints say).
    fn target_nic(&self, subnet: &Value, wanted: &mut Vec<Request>) {
        let Some(ip) = self.target_ip else { return };
        let holds = |nic: &Value| {
            array(nic, "/properties/ipConfigurations").any(|c| {
                text(c, "/properties/privateIPAddress").and_then(|a| a.parse::<IpAddr>().ok())
                    == Some(ip)
            })
        };
        if let Some(nic) = self.items_of(&kinds::NIC).find(|n| holds(n)) {
            wanted.extend(references(nic, &["/properties/networkSecurityGroup/id"]));
            return;
        }
        let endpoints: Vec<&Value> = self.items_of(&kinds::PRIVATE_ENDPOINT).collect();
        let endpoint_holds = endpoints.iter().any(|e| {
            array(e, "/properties/customDnsConfigs")
                .flat_map(|c| array(c, "/ipAddresses"))
                .any(|a| a.as_str().and_then(|a| a.parse::<IpAddr>().ok()) == Some(ip))
        });
        if endpoint_holds {
            return;
        }
        let endpoint_nics: Vec<&str> = endpoints
            .iter()
            .flat_map(|e| array(e, "/properties/networkInterfaces").filter_map(id_of))
            .collect();
        let mut nics: Vec<String> = array(subnet, "/properties/ipConfigurations")
            .filter_map(|c| id_of(c).and_then(|id| parent_id(id, "networkInterfaces")))
            .filter(|nic| !endpoint_nics.iter().any(|e| same_id(e, nic)))
            .collect();
        nics.dedup();
        nics.truncate(MAX_NICS);
        wanted.extend(
            nics.iter()
                .map(|n| Request::one(n).asking(Ask::MaybeResource)),
        );
    }

    /// The private DNS zones: those the endpoints' zone groups name (in any
    /// subscription), else the app's subscription's zone of the target's record or of an
    /// endpoint's names; each with its links and the target's one A record set.
    fn zones(&self, target: Option<&(String, String)>, wanted: &mut Vec<Request>) {
        let mut zones: Vec<String> = self
            .items_of(&kinds::ZONE_GROUP)
            .flat_map(|g| array(g, "/properties/privateDnsZoneConfigs"))
            .filter_map(|c| text(c, "/properties/privateDnsZoneId"))
            .map(str::to_owned)
            .collect();
        let endpoint_zones: Vec<String> = self
            .items_of(&kinds::PRIVATE_ENDPOINT)
            .flat_map(|e| array(e, "/properties/customDnsConfigs"))
            .filter_map(|c| text(c, "/fqdn"))
            .map(|fqdn| private_record(fqdn).0)
            .collect();
        if let Some(path) = self.subscription_zones_path() {
            zones.extend(
                self.looked_at(&path)
                    .iter()
                    .filter(|zone| {
                        text(zone, "/name").is_some_and(|name| {
                            target.is_some_and(|(t, _)| t.eq_ignore_ascii_case(name))
                                || endpoint_zones.iter().any(|z| z.eq_ignore_ascii_case(name))
                        })
                    })
                    .filter_map(|zone| id_of(zone).map(str::to_owned)),
            );
        }
        for zone in &zones {
            wanted.push(Request::one(zone));
            wanted.push(Request::list(&format!("{zone}/virtualNetworkLinks")));
            let name = zone.rsplit('/').next().unwrap_or_default();
            if let Some((_, record)) = target.filter(|(t, _)| t.eq_ignore_ascii_case(name)) {
                wanted.push(Request::one(&format!("{zone}/A/{record}")).asking(Ask::MaybeResource));
            }
        }
    }

    /// Adds a resource read (once per id), named for its file.
    fn keep(&mut self, value: Value) {
        let Some(id) = id_of(&value).map(str::to_ascii_lowercase) else {
            return;
        };
        if !self.ids.insert(id) {
            return;
        }
        // Saved files are named after the kind (`networkSecurityGroups-nsg-a.json`).
        let kind = text(&value, "/type")
            .and_then(kinds::kind_of_type)
            .map_or("resource", kinds::ResourceKind::short_name);
        let name = text(&value, "/name").unwrap_or("unnamed");
        let stem: String = format!("{kind}-{name}")
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' || c == '.' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        let mut file = format!("{stem}.json");
        let mut n = 2;
        while self
            .resources
            .iter()
            .any(|(f, _)| f.eq_ignore_ascii_case(&file))
        {
            file = format!("{stem}-{n}.json");
            n += 1;
        }
        self.resources.push((file, value));
    }

    /// What an answer brings into what is known.
    fn take(&mut self, request: &Request, got: Got) {
        match got {
            Got::Items(items)
                if matches!(request.ask, Ask::LookThrough | Ask::SubscriptionList) =>
            {
                self.looked.push((request.key(), items));
            }
            Got::Items(items) => {
                for item in items {
                    self.keep(item);
                }
            }
            Got::Unavailable(gap) if request.ask == Ask::SubscriptionList && gap.status == 403 => {
                self.set_aside.push(gap);
            }
            Got::Unavailable(gap) => {
                if !self.unavailable.iter().any(|u| same_id(&u.id, &gap.id)) {
                    self.unavailable.push(gap);
                }
            }
            Got::Absent => self.absent.push(request.path.clone()),
        }
    }

    /// The gaps to report: those recorded, and a subscription-wide list set aside when
    /// what it was read for (the target's zone) was not found otherwise.
    fn gaps(&self) -> Vec<Unavailable> {
        let mut gaps = self.unavailable.clone();
        let zone_found = self.target_record().is_none_or(|(zone, _)| {
            self.items_of(&kinds::PRIVATE_DNS_ZONE)
                .any(|z| text(z, "/name").is_some_and(|n| n.eq_ignore_ascii_case(&zone)))
        });
        let zones_list = self.subscription_zones_path();
        for gap in &self.set_aside {
            let is_zones = zones_list.as_deref().is_some_and(|z| same_id(z, &gap.id));
            // A list of a service type was asked only for a resource no endpoint named.
            if !is_zones || !zone_found {
                gaps.push(gap.clone());
            }
        }
        gaps
    }
}

impl Gatherer {
    /// Checks the endpoint, finds the app and gets a token: nothing of the walk yet.
    /// `target` is the target as typed: its A record is read by name, and an address
    /// given as such is searched for from the start.
    pub fn start(
        options: &AzureOptions,
        environment: &AzureEnvironment,
        target: Option<&str>,
        facts: &crate::settings::SecretFacts,
    ) -> Result<Self, AzureError> {
        let endpoint = environment.endpoint(options.endpoint.as_deref());
        check_endpoint(&endpoint, "--arm-endpoint", false)?;
        // What is missing is said at once, not one run at a time.
        let app_id = match environment.app_id(options.app.as_deref()) {
            Ok(id) => id,
            Err(AzureError::App(which))
                if options.token_file.is_none() && !environment.has_identity() =>
            {
                return Err(AzureError::Needs(vec![
                    which,
                    environment.no_token().to_string(),
                ]));
            }
            Err(error) => return Err(error),
        };
        let mut http = Http::new(
            options.timeout,
            Secrets::default(),
            options.interrupt.clone(),
            environment.proxy_for(&endpoint)?,
        );
        let options = AzureOptions {
            endpoint: Some(endpoint.clone()),
            ..options.clone()
        };
        if let (Some(dir), false) = (&options.save, options.force) {
            refuse_another_apps_dir(dir, &app_id)?;
        }
        let (token, token_source) = acquire(&options, &endpoint, environment, &mut http)?;
        let target_ip = target.and_then(|t| t.parse::<IpAddr>().ok());
        let target_name = target.filter(|_| target_ip.is_none()).map(str::to_owned);
        Ok(Self {
            client: Client {
                http,
                endpoint,
                token,
                token_source,
                fetched: Mutex::new(Vec::new()),
                done: AtomicUsize::new(0),
                options,
            },
            found: Found {
                app_id,
                target_name,
                target_ip,
                content_share_account: facts.content_share_account.clone(),
                vaults: facts
                    .key_vault_refs
                    .iter()
                    .map(|r| r.vault.clone())
                    .collect(),
                ..Found::default()
            },
            stopped: None,
            total: 0,
        })
    }

    /// The app's resource id being read.
    pub fn app_id(&self) -> &str {
        &self.found.app_id
    }

    /// Every request made so far, with its status.
    pub fn fetched(&self) -> Vec<Fetched> {
        self.client
            .fetched
            .lock()
            .map(|f| f.clone())
            .unwrap_or_default()
    }

    pub fn unavailable(&self) -> Vec<Unavailable> {
        self.found.gaps()
    }

    /// The resources read so far as a snapshot (the gaps included), or added to one read
    /// from files (resources the files already hold are kept from the files).
    pub fn into_snapshot(&self, base: Option<Snapshot>) -> Result<Snapshot, AzureError> {
        let mut snapshot = base.unwrap_or_default();
        for (name, value) in &self.found.resources {
            if id_of(value).is_some_and(|id| snapshot.has_id(id)) {
                continue;
            }
            snapshot.load_text(&format!("azure:{name}"), &value.to_string())?;
        }
        snapshot.unavailable = self.found.gaps();
        let app = &self.found.app_id;
        if self.found.resource(app).is_none() {
            // The site's own gap says it all: its children (config/web, connections) were
            // refused for the same reason.
            let under = format!("{}/", app.to_ascii_lowercase());
            snapshot
                .unavailable
                .retain(|u| !u.id.to_ascii_lowercase().starts_with(&under));
        }
        snapshot.absent.clone_from(&self.found.absent);
        snapshot.fetched = self.fetched();
        snapshot.gathering_stopped = self.stopped.as_ref().map(ToString::to_string);
        if self.found.resource(&self.found.app_id).is_none() {
            snapshot.app_unreadable = Some(self.why_not_the_app());
        }
        Ok(snapshot)
    }

    /// Why the site was not read, and what to do about it.
    fn why_not_the_app(&self) -> AppUnreadable {
        let app = &self.found.app_id;
        let (why, remedy) = match (
            self.found.unavailable.iter().find(|u| same_id(&u.id, app)),
            &self.stopped,
        ) {
            (Some(gap), _) if gap.status == 404 => (
                format!(
                    "Azure answered {} for {}: no such app (or slot) in that subscription and resource group",
                    gap.answer(),
                    describe_id(app)
                ),
                format!(
                    "Check the app's resource id {app}: --app (or WEBSITE_SLOT_NAME, for a slot) names an app that does not exist."
                ),
            ),
            (Some(gap), _) => (gap.note(), gap.remedy()),
            (None, Some(stop @ AzureError::Rejected { .. })) => (
                stop.to_string(),
                "Give a token for this endpoint's cloud that has not expired (az account get-access-token --query accessToken -o tsv > token.txt, then --arm-token-file token.txt), or --arm-endpoint for the cloud the token is for.".to_owned(),
            ),
            (None, Some(stop)) => (
                stop.to_string(),
                format!(
                    "Check that this machine reaches {} (through HTTPS_PROXY, if it needs a proxy), or raise --azure-timeout, then run again.",
                    self.client.endpoint
                ),
            ),
            (None, None) => (
                format!("Azure did not answer for {}", describe_id(app)),
                "Run again.".to_owned(),
            ),
        };
        AppUnreadable {
            id: app.clone(),
            why,
            remedy,
        }
    }

    /// Writes one ARM-shaped JSON file per resource read into `dir`.
    pub fn save(&self, dir: &Path) -> Result<usize, AzureError> {
        let error = |e: std::io::Error| AzureError::Save {
            path: dir.display().to_string(),
            message: e.to_string(),
        };
        std::fs::create_dir_all(dir).map_err(error)?;
        for (name, value) in &self.found.resources {
            let text = serde_json::to_string_pretty(value).unwrap_or_default();
            std::fs::write(dir.join(name), text + "\n").map_err(error)?;
        }
        Ok(self.found.resources.len())
    }

    /// The app's side of the network, as far as it goes. An error stops the walk (what
    /// was read is kept); `Interrupted` is Ctrl-C.
    pub fn app_side(&mut self) -> Result<(), AzureError> {
        self.walk()
    }

    /// The target's side, once its address is known: its subnet's NSG and route table,
    /// the NIC that holds it and that NIC's NSG.
    pub fn target_side(&mut self, ip: IpAddr) -> Result<(), AzureError> {
        if self.stopped.is_some() {
            return Ok(());
        }
        self.found.target_ip = Some(ip);
        self.walk()
    }

    /// Asks every wanted request not yet asked, up to [`CONCURRENCY`] at once, as soon as
    /// it is wanted; ends when nothing more is wanted, or at the first answer that stops
    /// the walk (after the requests in flight have ended).
    fn walk(&mut self) -> Result<(), AzureError> {
        let Self {
            client,
            found,
            stopped,
            total,
        } = self;
        let client = &*client;
        let result = std::thread::scope(|scope| {
            let (sender, receiver) =
                std::sync::mpsc::channel::<(Request, Result<Got, AzureError>)>();
            let mut in_flight = 0;
            let mut stop: Option<AzureError> = None;
            loop {
                if stop.is_none() {
                    let mut pending: Vec<Request> = Vec::new();
                    for request in found.wanted() {
                        let key = request.key();
                        if !found.asked.contains(&key) && !pending.iter().any(|p| p.key() == key) {
                            pending.push(request);
                        }
                    }
                    *total = found.asked.len() + pending.len();
                    client.report_progress(*total);
                    for request in pending.into_iter().take(CONCURRENCY - in_flight) {
                        found.asked.insert(request.key());
                        let sender = sender.clone();
                        scope.spawn(move || {
                            let got = client.fetch(&request);
                            let _ = sender.send((request, got));
                        });
                        in_flight += 1;
                    }
                }
                if in_flight == 0 {
                    break;
                }
                let Ok((request, got)) = receiver.recv() else {
                    break;
                };
                in_flight -= 1;
                client.done.fetch_add(1, Ordering::Relaxed);
                client.report_progress(*total);
                match got {
                    Ok(got) => found.take(&request, got),
                    Err(error) => {
                        // Ctrl-C wins over any other reason to stop.
                        if stop.is_none() || error == AzureError::Interrupted {
                            stop = Some(error);
                        }
                    }
                }
            }
            stop.map_or(Ok(()), Err)
        });
        if let Err(error) = &result
            && *error != AzureError::Interrupted
        {
            *stopped = Some(error.clone());
        }
        result
    }
}

impl Client {
    fn report_progress(&self, total: usize) {
        if let Some(progress) = &self.options.progress {
            progress.update(self.done.load(Ordering::Relaxed), total);
        }
    }

    /// One request, with its pages.
    fn fetch(&self, request: &Request) -> Result<Got, AzureError> {
        let mut url = format!(
            "{}{}?api-version={}",
            self.endpoint,
            request.path,
            api_version_of(&request.path)
        );
        let mut items = Vec::new();
        loop {
            let answer = self.get(&url)?;
            if !(200..300).contains(&answer.status) {
                let body: Option<Value> = serde_json::from_str(&answer.body).ok();
                let code = body
                    .as_ref()
                    .and_then(|b| text(b, "/error/code"))
                    .map(str::to_owned);
                let message = self.http.redact(&message_of(body.as_ref(), &answer.body));
                if answer.status == 401 {
                    return Err(AzureError::Rejected {
                        endpoint: self.endpoint.clone(),
                        source_name: self.token_source.clone(),
                        answer: code.map_or_else(|| "401".to_owned(), |c| format!("401 {c}")),
                        message,
                    });
                }
                if answer.status == 404 && request.ask == Ask::MaybeResource {
                    return Ok(Got::Absent);
                }
                return Ok(Got::Unavailable(Unavailable {
                    id: request.path.clone(),
                    status: answer.status,
                    code,
                    message,
                }));
            }
            let value: Value =
                serde_json::from_str(&answer.body).map_err(|e| AzureError::Request {
                    url: self.path_of(&url),
                    message: format!("the answer is not JSON ({e})"),
                })?;
            if !request.is_list() {
                return Ok(Got::Items(vec![value]));
            }
            let next = match value {
                Value::Array(list) => {
                    items.extend(list);
                    None
                }
                Value::Object(mut object) => {
                    if let Some(Value::Array(list)) = object.remove("value") {
                        items.extend(list);
                    }
                    object
                        .get("nextLink")
                        .and_then(Value::as_str)
                        .filter(|l| !l.is_empty())
                        .map(str::to_owned)
                }
                _ => None,
            };
            match next {
                Some(link) if link.starts_with(&self.endpoint) => url = link,
                Some(link) => {
                    return Err(AzureError::Request {
                        url: self.path_of(&url),
                        message: format!("its nextLink leaves {}: {link}", self.endpoint),
                    });
                }
                None => return Ok(Got::Items(items)),
            }
        }
    }

    fn get(&self, url: &str) -> Result<Answer, AzureError> {
        let bearer = format!("Bearer {}", self.token);
        let answer = self.http.get(url, &[("Authorization", bearer.as_str())]);
        if let Ok(mut fetched) = self.fetched.lock() {
            let statuses = match &answer {
                Ok(answer) => answer
                    .earlier
                    .iter()
                    .copied()
                    .chain([answer.status])
                    .collect(),
                Err(_) => vec![0],
            };
            for status in statuses {
                fetched.push(Fetched {
                    url: self.path_of(url),
                    status,
                });
            }
        }
        answer
    }

    /// A URL without the endpoint: what the report lists.
    fn path_of(&self, url: &str) -> String {
        url.strip_prefix(&self.endpoint).unwrap_or(url).to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parents_are_cut_from_ids() {
        let id = "/subscriptions/s/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet/subnets/a";
        assert_eq!(
            parent_id(id, "virtualNetworks").as_deref(),
            Some(
                "/subscriptions/s/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet"
            )
        );
        assert_eq!(
            resource_group_path(id).as_deref(),
            Some("/subscriptions/s/resourceGroups/rg-net")
        );
        assert_eq!(subscription_path(id).as_deref(), Some("/subscriptions/s"));
        let vmss = "/subscriptions/s/resourceGroups/r/providers/Microsoft.Compute/virtualMachineScaleSets/ss/virtualMachines/0/networkInterfaces/nic/ipConfigurations/ip1";
        assert_eq!(
            parent_id(vmss, "networkInterfaces").as_deref(),
            Some(
                "/subscriptions/s/resourceGroups/r/providers/Microsoft.Compute/virtualMachineScaleSets/ss/virtualMachines/0/networkInterfaces/nic"
            )
        );
    }

    #[test]
    fn the_first_wave_needs_nothing_but_the_app_id_and_the_target() {
        let found = Found {
            app_id: "/subscriptions/s/resourceGroups/r/providers/Microsoft.Web/sites/a".into(),
            target_name: Some("db1.database.windows.net".into()),
            ..Found::default()
        };
        let paths: Vec<String> = found.wanted().into_iter().map(|r| r.path).collect();
        assert_eq!(
            paths,
            [
                "/subscriptions/s/resourceGroups/r/providers/Microsoft.Web/sites/a",
                "/subscriptions/s/resourceGroups/r/providers/Microsoft.Web/sites/a/config/web",
                "/subscriptions/s/resourceGroups/r/providers/Microsoft.Web/sites/a/virtualNetworkConnections",
                "/subscriptions/s/resourceGroups/r/providers/Microsoft.Web/sites/a/networkConfig/virtualNetwork",
                "/subscriptions/s/providers/Microsoft.Network/privateDnsZones",
                "/subscriptions/s/providers/Microsoft.Sql/servers",
            ]
        );
    }
}
