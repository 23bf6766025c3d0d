//! Follows references from the app outward and stops at what the checks need. First the
//! app's side ([`Gatherer::app_side`]): the site, its `config/web`, VNET connections and
//! regional `networkConfig`, the plan, the VNETs, their peered VNETs and gateways (with
//! their connections and local gateways), the integration subnet's NSG and route table,
//! the VNET's private endpoints and their `privatelink.` zones with links and A records.
//! Then the target's side once its address is known ([`Gatherer::target_side`]): the
//! target subnet's NSG and route table and the NIC that holds the address.
//!
//! Independent requests run at most [`CONCURRENCY`] at once. A 401, 403 or 404 (or a
//! 429/5xx that outlasted its retries) is recorded as [`Unavailable`] and the walk goes
//! on; a timeout, an answer that is not JSON or one over the size cap stops it (exit 2).

use std::collections::{BTreeSet, VecDeque};
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
use crate::snapshot::{Fetched, Snapshot, same_id};

/// Requests in flight at once: enough to hide latency, few enough to stay clear of ARM's
/// throttling.
pub const CONCURRENCY: usize = 4;
/// The most NICs read to find the one that holds the target's address.
const MAX_NICS: usize = 64;
/// The most pages of one list.
const MAX_PAGES: usize = 100;

/// One request of the walk.
#[derive(Debug, Clone)]
struct Request {
    /// An ARM path, `/subscriptions/...`.
    path: String,
    list: bool,
    /// A 404 means "not there" here (the regional `networkConfig`, a NIC searched), not a
    /// gap.
    optional: bool,
}

impl Request {
    fn one(path: &str) -> Self {
        Self {
            path: path.trim_end_matches('/').to_owned(),
            list: false,
            optional: false,
        }
    }

    fn list(path: &str) -> Self {
        Self {
            list: true,
            ..Self::one(path)
        }
    }
}

/// A request run by a worker: its place in the wave, and what it brought.
type Done = (usize, Request, Result<Got, AzureError>);

/// What one request brought.
enum Got {
    Items(Vec<Value>),
    Unavailable(Unavailable),
    Absent,
}

/// A gathering in progress: the client, the token, and what was read so far.
pub struct Gatherer {
    http: Http,
    endpoint: String,
    token: String,
    app_id: String,
    /// The resources read, ARM-shaped, each with the file name it is saved under.
    resources: Vec<(String, Value)>,
    ids: BTreeSet<String>,
    fetched: Mutex<Vec<Fetched>>,
    unavailable: Vec<Unavailable>,
    done: AtomicUsize,
    total: usize,
    options: AzureOptions,
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

/// A field under `properties` (ARM's shape).
fn property<'v>(value: &'v Value, path: &str) -> Option<&'v Value> {
    field(value, &format!("/properties{path}"))
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

impl Gatherer {
    /// Checks the endpoint, finds the app and gets a token: nothing of the walk yet.
    pub fn start(
        options: &AzureOptions,
        environment: &AzureEnvironment,
    ) -> Result<Self, AzureError> {
        let endpoint = options.endpoint.trim_end_matches('/').to_owned();
        check_endpoint(&endpoint, "--arm-endpoint", false)?;
        let app_id = environment.app_id(options.app.as_deref())?;
        let mut http = Http::new(
            options.timeout,
            Secrets::default(),
            options.interrupt.clone(),
        );
        let options = AzureOptions {
            endpoint: endpoint.clone(),
            ..options.clone()
        };
        let token = acquire(&options, environment, &mut http)?;
        Ok(Self {
            http,
            endpoint,
            token,
            app_id,
            resources: Vec::new(),
            ids: BTreeSet::new(),
            fetched: Mutex::new(Vec::new()),
            unavailable: Vec::new(),
            done: AtomicUsize::new(0),
            total: 0,
            options,
        })
    }

    /// The app's resource id being read.
    pub fn app_id(&self) -> &str {
        &self.app_id
    }

    /// Every request made so far, with its status.
    pub fn fetched(&self) -> Vec<Fetched> {
        self.fetched.lock().map(|f| f.clone()).unwrap_or_default()
    }

    pub fn unavailable(&self) -> &[Unavailable] {
        &self.unavailable
    }

    /// The resources read so far as a snapshot (the gaps included), or added to one read
    /// from files (resources the files already hold are kept from the files).
    pub fn into_snapshot(&self, base: Option<Snapshot>) -> Result<Snapshot, AzureError> {
        let mut snapshot = base.unwrap_or_default();
        for (name, value) in &self.resources {
            if id_of(value).is_some_and(|id| snapshot.has_id(id)) {
                continue;
            }
            snapshot.load_text(&format!("azure:{name}"), &value.to_string())?;
        }
        snapshot.unavailable.clone_from(&self.unavailable);
        snapshot.fetched = self.fetched();
        Ok(snapshot)
    }

    /// Writes one ARM-shaped JSON file per resource read into `dir`.
    pub fn save(&self, dir: &Path) -> Result<usize, AzureError> {
        let error = |e: std::io::Error| AzureError::Save {
            path: dir.display().to_string(),
            message: e.to_string(),
        };
        std::fs::create_dir_all(dir).map_err(error)?;
        for (name, value) in &self.resources {
            let text = serde_json::to_string_pretty(value).unwrap_or_default();
            std::fs::write(dir.join(name), text + "\n").map_err(error)?;
        }
        Ok(self.resources.len())
    }

    /// The app's side of the network, as far as it goes.
    pub fn app_side(&mut self) -> Result<(), AzureError> {
        let app = self.app_id.clone();
        let Some(site) = self
            .read(vec![Request::one(&app)])?
            .into_iter()
            .next()
            .flatten()
        else {
            return Ok(());
        };
        let mut wave = vec![
            Request::one(&format!("{app}/config/web")),
            Request::list(&format!("{app}/virtualNetworkConnections")),
            Request {
                optional: true,
                ..Request::one(&format!("{app}/networkConfig/virtualNetwork"))
            },
        ];
        if let Some(plan) = text(&site, "/properties/serverFarmId") {
            wave.push(Request::one(plan));
        }
        let second = self.read(wave)?;
        // The VNETs: the site's integration subnet, its connections', its networkConfig's.
        let mut subnet_ids: Vec<String> = Vec::new();
        if let Some(subnet) = text(&site, "/properties/virtualNetworkSubnetId") {
            subnet_ids.push(subnet.to_owned());
        }
        // Of the single resources, only the networkConfig names a subnet; the connections
        // came as a list and are kept.
        for value in second.iter().flatten() {
            if let Some(id) = text(value, "/properties/subnetResourceId") {
                subnet_ids.push(id.to_owned());
            }
        }
        let mut vnet_ids: Vec<String> = Vec::new();
        for connection in self.items_of(&kinds::VNET_CONNECTION) {
            if let Some(id) = text(&connection, "/properties/vnetResourceId") {
                subnet_ids.push(id.to_owned());
            }
        }
        for id in &subnet_ids {
            let vnet = parent_id(id, "virtualNetworks").unwrap_or_else(|| id.clone());
            if !vnet_ids.iter().any(|v| same_id(v, &vnet)) {
                vnet_ids.push(vnet);
            }
        }
        let vnets: Vec<Value> = self
            .read(vnet_ids.iter().map(|id| Request::one(id)).collect())?
            .into_iter()
            .flatten()
            .collect();

        // Peered VNETs, gateways, the integration subnet's NSG and route table, and the
        // VNETs' private endpoints.
        let mut wave = Vec::new();
        for vnet in &vnets {
            for peering in property(vnet, "/virtualNetworkPeerings")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                if let Some(remote) = text(peering, "/properties/remoteVirtualNetwork/id") {
                    wave.push(Request::one(remote));
                }
            }
            for subnet in subnets_of(vnet) {
                let is_integration =
                    id_of(subnet).is_some_and(|id| subnet_ids.iter().any(|s| same_id(s, id)));
                if is_integration {
                    wave.extend(subnet_policies(subnet));
                }
                for endpoint in array(subnet, "/properties/privateEndpoints") {
                    if let Some(id) = id_of(endpoint) {
                        wave.push(Request::one(id));
                    }
                }
            }
        }
        self.read(wave)?;
        self.gateways_of(&vnets)?;
        self.site_to_site()?;
        self.private_dns()
    }

    /// Site-to-site connections of each gateway read (the list omits their status: each
    /// is read on its own), then their local network gateways.
    fn site_to_site(&mut self) -> Result<(), AzureError> {
        let gateways: Vec<String> = self
            .items_of(&kinds::GATEWAY)
            .iter()
            .filter_map(|g| id_of(g).map(str::to_owned))
            .collect();
        let listed = self.list_in_groups(&gateways, &kinds::CONNECTION)?;
        let connections: Vec<Request> = listed
            .iter()
            .filter(|c| {
                text(c, "/properties/virtualNetworkGateway1/id")
                    .is_some_and(|g| gateways.iter().any(|own| same_id(own, g)))
            })
            .filter_map(|c| id_of(c).map(Request::one))
            .collect();
        let connections = self.read(connections)?;
        let locals: Vec<Request> = connections
            .iter()
            .flatten()
            .filter_map(|c| text(c, "/properties/localNetworkGateway2/id").map(Request::one))
            .collect();
        self.read(locals)?;
        Ok(())
    }

    /// The VNETs' gateways: those of the VNETs' resource groups whose IP configuration is
    /// in the VNET's `GatewaySubnet` (a gateway lives in its VNET's resource group).
    fn gateways_of(&mut self, vnets: &[Value]) -> Result<(), AzureError> {
        let vnet_ids: Vec<String> = vnets
            .iter()
            .filter_map(|v| id_of(v).map(str::to_owned))
            .collect();
        let listed = self.list_in_groups(&vnet_ids, &kinds::GATEWAY)?;
        let gateways: Vec<Request> = listed
            .iter()
            .filter(|g| {
                array(g, "/properties/ipConfigurations").any(|c| {
                    text(c, "/properties/subnet/id")
                        .and_then(|s| parent_id(s, "virtualNetworks"))
                        .is_some_and(|v| vnet_ids.iter().any(|own| same_id(own, &v)))
                })
            })
            .filter_map(|g| id_of(g).map(Request::one))
            .collect();
        self.read(gateways)?;
        Ok(())
    }

    /// Every resource of `kind` in the resource groups of `ids`, looked through, not kept.
    fn list_in_groups(
        &mut self,
        ids: &[String],
        kind: &kinds::ResourceKind,
    ) -> Result<Vec<Value>, AzureError> {
        let mut groups: Vec<String> = ids
            .iter()
            .filter_map(|id| resource_group_path(id))
            .collect();
        groups.sort();
        groups.dedup();
        let lists = self.list_only(
            groups
                .iter()
                .map(|g| Request::list(&format!("{g}/providers/{}", kind.arm_type)))
                .collect(),
        )?;
        Ok(lists.into_iter().flatten().collect())
    }

    /// The `privatelink.` zones of the private endpoints read, with their VNET links and A
    /// record sets: the zones the endpoints' DNS zone groups name (wherever they are, often
    /// a central DNS subscription), and the matching zones of the app's subscription.
    fn private_dns(&mut self) -> Result<(), AzureError> {
        let endpoints = self.items_of(&kinds::PRIVATE_ENDPOINT);
        let suffixes: Vec<String> = endpoints
            .iter()
            .flat_map(|e| {
                array(e, "/properties/customDnsConfigs")
                    .filter_map(|c| text(c, "/fqdn"))
                    .filter_map(|fqdn| {
                        fqdn.split_once('.')
                            .map(|(_, rest)| rest.to_ascii_lowercase())
                    })
                    .collect::<Vec<_>>()
            })
            .collect();
        if endpoints.is_empty() {
            return Ok(());
        }
        let mut requests: Vec<Request> = endpoints
            .iter()
            .filter_map(id_of)
            .map(|e| Request::list(&format!("{e}/privateDnsZoneGroups")))
            .collect();
        let groups_asked = requests.len();
        if let Some(subscription) = subscription_path(&self.app_id) {
            requests.push(Request::list(&format!(
                "{subscription}/providers/{}",
                kinds::PRIVATE_DNS_ZONE.arm_type
            )));
        }
        let found = self.list_only(requests)?;
        let (groups, zones) = found.split_at(groups_asked.min(found.len()));
        // The zone groups name an endpoint's records when its customDnsConfigs are empty
        // (the portal's default): the checklist needs them too.
        let kept_groups: Vec<Value> = groups.iter().flatten().cloned().collect();
        let mut zone_ids: Vec<String> = groups
            .iter()
            .flatten()
            .flat_map(|g| {
                array(g, "/properties/privateDnsZoneConfigs")
                    .filter_map(|c| text(c, "/properties/privateDnsZoneId").map(str::to_owned))
                    .collect::<Vec<_>>()
            })
            .collect();
        zone_ids.extend(
            zones
                .iter()
                .flatten()
                .filter(|zone| {
                    text(zone, "/name").is_some_and(|name| {
                        let name = name.to_ascii_lowercase();
                        name.strip_prefix(crate::snapshot::private_dns::PRIVATELINK)
                            .is_some_and(|rest| suffixes.iter().any(|s| s == rest || s == &name))
                    })
                })
                .filter_map(|zone| id_of(zone).map(str::to_owned)),
        );
        let mut wave = Vec::new();
        for id in &zone_ids {
            wave.push(Request::one(id));
            wave.push(Request::list(&format!("{id}/virtualNetworkLinks")));
            wave.push(Request::list(&format!("{id}/A")));
        }
        for group in kept_groups {
            self.keep(group);
        }
        self.read(wave)?;
        Ok(())
    }

    /// The target's side: the subnet that holds `ip` (in a VNET read), its NSG and route
    /// table, and the NIC with that address.
    pub fn target_side(&mut self, ip: IpAddr) -> Result<(), AzureError> {
        let vnets = self.items_of(&kinds::VNET);
        let subnet = vnets
            .iter()
            .flat_map(subnets_of)
            .filter_map(|s| {
                let longest = prefixes_of(s)
                    .into_iter()
                    .filter(|p| p.contains(&ip))
                    .map(|p| p.prefix_len())
                    .max()?;
                Some((longest, s.clone()))
            })
            .max_by_key(|(len, _)| *len)
            .map(|(_, s)| s);
        let Some(subnet) = subnet else {
            return Ok(());
        };
        let policies: Vec<Request> = subnet_policies(&subnet)
            .into_iter()
            .filter(|r| !self.ids.contains(&r.path.to_ascii_lowercase()))
            .collect();
        self.read(policies)?;
        // A private endpoint's address needs no NIC: the endpoint says it.
        let endpoint_holds = self.items_of(&kinds::PRIVATE_ENDPOINT).iter().any(|e| {
            array(e, "/properties/customDnsConfigs")
                .flat_map(|c| array(c, "/ipAddresses").collect::<Vec<_>>())
                .any(|a| a.as_str().and_then(|a| a.parse::<IpAddr>().ok()) == Some(ip))
        });
        if endpoint_holds || self.nic_holding(ip).is_some() {
            return Ok(());
        }
        // The private endpoints' own NICs are not the target's (their addresses are known).
        let endpoint_nics: Vec<String> = self
            .items_of(&kinds::PRIVATE_ENDPOINT)
            .iter()
            .flat_map(|e| {
                array(e, "/properties/networkInterfaces")
                    .filter_map(|n| id_of(n).map(str::to_owned))
                    .collect::<Vec<_>>()
            })
            .collect();
        let mut nics: Vec<String> = array(&subnet, "/properties/ipConfigurations")
            .filter_map(|c| id_of(c).and_then(|id| parent_id(id, "networkInterfaces")))
            .filter(|nic| !endpoint_nics.iter().any(|e| same_id(e, nic)))
            .collect();
        nics.dedup();
        nics.truncate(MAX_NICS);
        for batch in nics.chunks(CONCURRENCY) {
            // A NIC gone since the VNET was read is no gap: the search goes on.
            self.read(
                batch
                    .iter()
                    .map(|id| Request {
                        optional: true,
                        ..Request::one(id)
                    })
                    .collect(),
            )?;
            if self.nic_holding(ip).is_some() {
                break;
            }
        }
        Ok(())
    }

    fn nic_holding(&self, ip: IpAddr) -> Option<Value> {
        self.items_of(&kinds::NIC).into_iter().find(|nic| {
            array(nic, "/properties/ipConfigurations").any(|c| {
                text(c, "/properties/privateIPAddress").and_then(|a| a.parse::<IpAddr>().ok())
                    == Some(ip)
            })
        })
    }

    fn items_of(&self, kind: &kinds::ResourceKind) -> Vec<Value> {
        self.resources
            .iter()
            .filter(|(_, v)| text(v, "/type").is_some_and(|t| kind.answers_to(t)))
            .map(|(_, v)| v.clone())
            .collect()
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

    /// Reads the requests (at most [`CONCURRENCY`] at once) and keeps what they brought;
    /// returns, per request, its single resource (`None` for lists and gaps).
    fn read(&mut self, requests: Vec<Request>) -> Result<Vec<Option<Value>>, AzureError> {
        let results = self.run(requests)?;
        let mut singles = Vec::with_capacity(results.len());
        for (request, got) in results {
            match got {
                Got::Items(items) => {
                    let single = (!request.list).then(|| items.first().cloned()).flatten();
                    for item in items {
                        self.keep(item);
                    }
                    singles.push(single);
                }
                Got::Unavailable(gap) => {
                    if !self.unavailable.iter().any(|u| same_id(&u.id, &gap.id)) {
                        self.unavailable.push(gap);
                    }
                    singles.push(None);
                }
                Got::Absent => singles.push(None),
            }
        }
        Ok(singles)
    }

    /// Reads lists whose items are only looked through, not kept (the connections list,
    /// whose items lack their status; the zones of the whole subscription).
    fn list_only(&mut self, requests: Vec<Request>) -> Result<Vec<Vec<Value>>, AzureError> {
        let results = self.run(requests)?;
        let mut lists = Vec::new();
        for (_, got) in results {
            match got {
                Got::Items(items) => lists.push(items),
                Got::Unavailable(gap) => {
                    self.unavailable.push(gap);
                    lists.push(Vec::new());
                }
                Got::Absent => lists.push(Vec::new()),
            }
        }
        Ok(lists)
    }

    /// The requests not yet made, run by up to [`CONCURRENCY`] workers.
    fn run(&mut self, requests: Vec<Request>) -> Result<Vec<(Request, Got)>, AzureError> {
        let mut unique: Vec<Request> = Vec::new();
        for request in requests {
            let known = self.ids.contains(&request.path.to_ascii_lowercase())
                || unique.iter().any(|u| same_id(&u.path, &request.path));
            if !known {
                unique.push(request);
            }
        }
        if unique.is_empty() {
            return Ok(Vec::new());
        }
        self.total += unique.len();
        self.report_progress();
        let queue: Mutex<VecDeque<(usize, Request)>> =
            Mutex::new(unique.into_iter().enumerate().collect());
        let results: Mutex<Vec<Done>> = Mutex::new(Vec::new());
        let workers = CONCURRENCY.min(queue.lock().map_or(1, |q| q.len()));
        std::thread::scope(|scope| {
            for _ in 0..workers {
                scope.spawn(|| {
                    loop {
                        let next = queue.lock().ok().and_then(|mut q| q.pop_front());
                        let Some((index, request)) = next else { break };
                        let got = self.fetch(&request);
                        let failed = got.is_err();
                        self.done.fetch_add(1, Ordering::Relaxed);
                        self.report_progress();
                        if let Ok(mut results) = results.lock() {
                            results.push((index, request, got));
                        }
                        if failed {
                            // The walk stops: leave the rest of the queue.
                            if let Ok(mut q) = queue.lock() {
                                q.clear();
                            }
                        }
                    }
                });
            }
        });
        let mut results = results.into_inner().unwrap_or_default();
        results.sort_by_key(|(index, _, _)| *index);
        results
            .into_iter()
            .map(|(_, request, got)| got.map(|g| (request, g)))
            .collect()
    }

    fn report_progress(&self) {
        if let Some(progress) = &self.options.progress {
            progress.update(self.done.load(Ordering::Relaxed), self.total);
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
        for _ in 0..MAX_PAGES {
            let answer = self.get(&url)?;
            if !(200..300).contains(&answer.status) {
                if answer.status == 404 && request.optional {
                    return Ok(Got::Absent);
                }
                let body: Option<Value> = serde_json::from_str(&answer.body).ok();
                return Ok(Got::Unavailable(Unavailable {
                    id: request.path.clone(),
                    status: answer.status,
                    code: body
                        .as_ref()
                        .and_then(|b| text(b, "/error/code"))
                        .map(str::to_owned),
                    message: self.http.redact(&message_of(body.as_ref(), &answer.body)),
                }));
            }
            let value: Value =
                serde_json::from_str(&answer.body).map_err(|e| AzureError::Request {
                    url: self.path_of(&url),
                    message: format!("the answer is not JSON ({e})"),
                })?;
            if !request.list {
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
        Ok(Got::Items(items))
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

fn array<'v>(value: &'v Value, pointer: &str) -> impl Iterator<Item = &'v Value> {
    field(value, pointer)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
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

/// A subnet's NSG and route table.
fn subnet_policies(subnet: &Value) -> Vec<Request> {
    [
        "/properties/networkSecurityGroup/id",
        "/properties/routeTable/id",
    ]
    .iter()
    .filter_map(|p| text(subnet, p))
    .map(Request::one)
    .collect()
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
    }
}
