//! A mock of Azure Resource Manager and the App Service identity endpoint: a real HTTP/1.1
//! server on 127.0.0.1, started by the test that uses it, serving the example exports'
//! resources at their ids in ARM's documented shapes: the identity endpoint's token JSON,
//! single resources, `{"value": [...], "nextLink": ...}` lists (bare arrays for a site's
//! VNET connections), and the `{"error": {"code", "message"}}` envelope. Faults are set
//! per test: 403 `AuthorizationFailed` on a resource group, 429 with `Retry-After`, a
//! silent server, malformed JSON, a body over the client's cap, 400
//! `InvalidApiVersionParameter` for an API version the resource type does not have, and
//! latency added to every request. Every request is logged with when it came and when it
//! was answered, so a test or a benchmark can count the round trips one after another.
//!
//! Real shapes, as ARM answers them: a site's regional `networkConfig/virtualNetwork` comes
//! back with the id `.../config/virtualNetwork` and type `Microsoft.Web/sites/config`; a
//! scale set's NICs answer only to the network provider's `2018-10-01`.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// The token the mock hands out and expects.
pub const TOKEN: &str = "eyJ0eXAi.mock-arm-token.c2VjcmV0LXNpZ25hdHVyZQ";
/// What the mock's identity endpoint expects in `X-IDENTITY-HEADER`.
pub const IDENTITY_HEADER: &str = "7f4c1b2e-mock-identity-header-9a3d";
/// What the legacy MSI endpoint expects in its `secret` header.
pub const MSI_SECRET: &str = "legacy-msi-secret-5e8a";

/// One request as the mock saw it.
#[derive(Debug, Clone)]
pub struct Seen {
    pub path: String,
    pub query: String,
    /// Header names lowercase.
    pub headers: BTreeMap<String, String>,
    /// When the request came, since the mock started.
    pub came: Duration,
    /// When it was answered (`None`: never, a silent path).
    pub answered: Option<Duration>,
}

/// What the mock serves and how it misbehaves; change it through [`ArmMock::state`].
#[derive(Debug, Default)]
pub struct State {
    /// Resources by lowercase id.
    pub resources: BTreeMap<String, Value>,
    /// Items per page of a `{"value"}` list (`None`: one page).
    pub page_size: Option<usize>,
    /// Resource groups (lowercase) whose every resource answers 403 `AuthorizationFailed`.
    pub forbidden_groups: BTreeSet<String>,
    /// How many 429s each path (lowercase, no query) answers before it succeeds.
    pub throttled: BTreeMap<String, u32>,
    /// The ARM requests answer nothing at all (the identity endpoint still does).
    pub silent: bool,
    /// Paths (lowercase substrings) that answer nothing: a gathering that stalls midway.
    pub silent_paths: Vec<String>,
    /// Paths (lowercase substrings) answered with a body that is not JSON.
    pub malformed: Vec<String>,
    /// Paths (lowercase substrings) answered with a 17 MiB body.
    pub oversized: Vec<String>,
    /// The client ids the identity endpoint knows (user-assigned identities).
    pub client_ids: BTreeSet<String>,
    /// Every request, in order.
    pub requests: Vec<Seen>,
    /// Added before every answer (ARM's round trip from a far region).
    pub latency: Duration,
    /// Lists at subscription scope answer 403 (Reader on resource groups only).
    pub forbidden_subscription_lists: bool,
    /// Paths (lowercase) served with a resource whose id differs (ARM answers
    /// `networkConfig/virtualNetwork` with `.../config/virtualNetwork`): path → id.
    pub served_at: BTreeMap<String, String>,
}

/// An answer: status, extra headers, body.
type Reply = (u16, Vec<(String, String)>, Vec<u8>);

/// The running mock; dropping it stops it.
pub struct ArmMock {
    addr: SocketAddr,
    state: Arc<Mutex<State>>,
    stop: Arc<AtomicBool>,
}

impl ArmMock {
    /// A mock serving every resource of the export directories given.
    ///
    /// # Panics
    /// When an export does not parse or no loopback port can be bound.
    pub fn with_exports(dirs: &[&Path]) -> Self {
        let mut state = State::default();
        for dir in dirs {
            let mut paths: Vec<_> = std::fs::read_dir(dir)
                .expect("export dir")
                .map(|e| e.expect("entry").path())
                .collect();
            paths.sort();
            for path in paths {
                let text = std::fs::read_to_string(&path).expect("export file");
                let value: Value = serde_json::from_str(&text).expect("export JSON");
                let items = match value {
                    Value::Array(items) => items,
                    Value::Object(mut object) => match object.remove("value") {
                        Some(Value::Array(items)) => items,
                        _ => vec![Value::Object(object)],
                    },
                    _ => Vec::new(),
                };
                for item in items {
                    if let Some(id) = item.get("id").and_then(Value::as_str) {
                        state
                            .resources
                            .insert(id.to_ascii_lowercase(), item.clone());
                    }
                }
            }
        }
        // Every site and slot has a config/web in ARM, whether the export has it or not.
        let is_site = |r: &Value| {
            matches!(
                r["type"].as_str(),
                Some("Microsoft.Web/sites" | "Microsoft.Web/sites/slots")
            )
        };
        let sites: Vec<Value> = state
            .resources
            .values()
            .filter(|r| is_site(r))
            .cloned()
            .collect();
        for site in sites {
            let id = format!("{}/config/web", site["id"].as_str().unwrap_or_default());
            let kind = if site["type"].as_str() == Some("Microsoft.Web/sites/slots") {
                "Microsoft.Web/sites/slots/config"
            } else {
                "Microsoft.Web/sites/config"
            };
            state.resources.entry(id.to_ascii_lowercase()).or_insert_with(|| {
                json!({"id": id, "name": "web", "type": kind,
                       "properties": {"vnetRouteAllEnabled": site["properties"]["vnetRouteAllEnabled"].as_bool().unwrap_or(false)}})
            });
        }
        // Regional integration shows in the site's networkConfig too.
        let regional: Vec<Value> = state
            .resources
            .values()
            .filter(|r| is_site(r))
            .filter(|r| r["properties"]["virtualNetworkSubnetId"].is_string())
            .cloned()
            .collect();
        for site in regional {
            let site_id = site["id"].as_str().unwrap_or_default();
            let id = format!("{site_id}/config/virtualNetwork");
            let path = format!("{site_id}/networkConfig/virtualNetwork").to_ascii_lowercase();
            if state.served_at.contains_key(&path) {
                continue;
            }
            let kind = if site["type"].as_str() == Some("Microsoft.Web/sites/slots") {
                "Microsoft.Web/sites/slots/config"
            } else {
                "Microsoft.Web/sites/config"
            };
            state.served_at.insert(path, id.to_ascii_lowercase());
            state.resources.entry(id.to_ascii_lowercase()).or_insert_with(|| {
                json!({"id": id, "name": site["name"], "type": kind,
                       "properties": {"subnetResourceId": site["properties"]["virtualNetworkSubnetId"], "swiftSupported": true}})
            });
        }
        Self::start(state)
    }

    fn start(state: State) -> Self {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind 127.0.0.1");
        let addr = listener.local_addr().expect("local addr");
        listener.set_nonblocking(true).expect("nonblocking");
        let state = Arc::new(Mutex::new(state));
        let stop = Arc::new(AtomicBool::new(false));
        let (shared, stopping) = (Arc::clone(&state), Arc::clone(&stop));
        let started = Instant::now();
        thread::spawn(move || {
            while !stopping.load(Ordering::Relaxed) {
                match listener.accept() {
                    Ok((stream, _)) => {
                        let (state, stop) = (Arc::clone(&shared), Arc::clone(&stopping));
                        thread::spawn(move || serve(stream, &state, &stop, addr, started));
                    }
                    Err(_) => thread::sleep(Duration::from_millis(2)),
                }
            }
        });
        Self { addr, state, stop }
    }

    /// `http://127.0.0.1:PORT`: the `--arm-endpoint`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The identity endpoint (`IDENTITY_ENDPOINT`).
    pub fn identity_endpoint(&self) -> String {
        format!("{}/msi/token", self.url())
    }

    /// The legacy MSI endpoint (`MSI_ENDPOINT`).
    pub fn msi_endpoint(&self) -> String {
        format!("{}/msi/legacy", self.url())
    }

    /// # Panics
    /// When a thread of the mock panicked while holding the state.
    pub fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().expect("mock state")
    }

    /// Moves resources: replaces `from` by `to` in every id and reference (e.g. an NSG
    /// into another resource group).
    ///
    /// # Panics
    /// When the resources no longer parse after the change (a broken test).
    pub fn rename(&self, from: &str, to: &str) {
        let mut state = self.state();
        let resources = std::mem::take(&mut state.resources);
        for (_, value) in resources {
            let moved: Value =
                serde_json::from_str(&value.to_string().replace(from, to)).expect("renamed JSON");
            let id = moved["id"]
                .as_str()
                .unwrap_or_default()
                .to_ascii_lowercase();
            state.resources.insert(id, moved);
        }
    }

    /// How many ARM requests ran one after another at most: the longest chain of requests
    /// each of which came after the one before it was answered (the identity call left
    /// out). With latency set, this is the gathering's number of round trips.
    pub fn round_trips(&self) -> usize {
        let requests = self.arm_requests();
        let mut depth: Vec<usize> = Vec::with_capacity(requests.len());
        for (i, request) in requests.iter().enumerate() {
            let before = requests[..i]
                .iter()
                .zip(&depth)
                .filter(|(earlier, _)| earlier.answered.is_some_and(|a| a <= request.came))
                .map(|(_, d)| *d)
                .max()
                .unwrap_or(0);
            depth.push(before + 1);
        }
        depth.into_iter().max().unwrap_or(0)
    }

    /// The most ARM requests that were in flight at once.
    pub fn most_in_flight(&self) -> usize {
        let requests = self.arm_requests();
        requests
            .iter()
            .map(|r| {
                requests
                    .iter()
                    .filter(|o| o.came <= r.came && o.answered.is_none_or(|a| a > r.came))
                    .count()
            })
            .max()
            .unwrap_or(0)
    }

    /// Adds a resource (or replaces the one with its id).
    ///
    /// # Panics
    /// When the value has no `id`.
    pub fn put(&self, value: Value) {
        let id = value["id"]
            .as_str()
            .expect("a resource id")
            .to_ascii_lowercase();
        self.state().resources.insert(id, value);
    }

    /// The ARM requests made so far (identity requests left out).
    pub fn arm_requests(&self) -> Vec<Seen> {
        self.state()
            .requests
            .iter()
            .filter(|r| r.path.starts_with("/subscriptions/"))
            .cloned()
            .collect()
    }
}

impl Drop for ArmMock {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

fn serve(
    stream: TcpStream,
    state: &Mutex<State>,
    stop: &AtomicBool,
    addr: SocketAddr,
    started: Instant,
) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let _ = stream.set_nodelay(true);
    let mut reader = BufReader::new(match stream.try_clone() {
        Ok(s) => s,
        Err(_) => return,
    });
    let mut stream = stream;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let target = line.split_whitespace().nth(1).unwrap_or("/").to_owned();
        let mut headers = BTreeMap::new();
        loop {
            let mut header = String::new();
            if reader.read_line(&mut header).unwrap_or(0) == 0 {
                return;
            }
            let header = header.trim_end();
            if header.is_empty() {
                break;
            }
            if let Some((name, value)) = header.split_once(':') {
                headers.insert(name.trim().to_ascii_lowercase(), value.trim().to_owned());
            }
        }
        if let Some(length) = headers
            .get("content-length")
            .and_then(|l| l.parse::<usize>().ok())
        {
            let mut body = vec![0; length];
            let _ = reader.read_exact(&mut body);
        }
        let (path, query) = match target.split_once('?') {
            Some((p, q)) => (p.to_owned(), q.to_owned()),
            None => (target.clone(), String::new()),
        };
        let seen = Seen {
            path: path.clone(),
            query: query.clone(),
            headers: headers.clone(),
            came: started.elapsed(),
            answered: None,
        };
        let (silent, index, latency) = {
            let mut state = state.lock().expect("mock state");
            state.requests.push(seen);
            let index = state.requests.len() - 1;
            let lower = path.to_ascii_lowercase();
            let silent = (state.silent && path.starts_with("/subscriptions/"))
                || state
                    .silent_paths
                    .iter()
                    .any(|p| lower.contains(p.as_str()));
            (silent, index, state.latency)
        };
        if silent {
            // Hold the connection, answer nothing, until the mock stops.
            while !stop.load(Ordering::Relaxed) {
                thread::sleep(Duration::from_millis(20));
            }
            return;
        }
        if !latency.is_zero() {
            thread::sleep(latency);
        }
        let (status, extra, body) = answer(state, &path, &query, &headers, addr);
        let reason = match status {
            200 => "OK",
            400 => "Bad Request",
            401 => "Unauthorized",
            403 => "Forbidden",
            404 => "Not Found",
            429 => "Too Many Requests",
            _ => "Error",
        };
        let mut head = format!(
            "HTTP/1.1 {status} {reason}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: {}\r\n",
            body.len()
        );
        for (name, value) in extra {
            let _ = write!(head, "{name}: {value}\r\n");
        }
        head.push_str("\r\n");
        // One write: a head and body sent apart meet Nagle and delayed ACKs (40 ms).
        let mut message = head.into_bytes();
        message.extend_from_slice(&body);
        if let Ok(mut state) = state.lock()
            && let Some(seen) = state.requests.get_mut(index)
        {
            seen.answered = Some(started.elapsed());
        }
        if stream.write_all(&message).is_err() {
            return;
        }
        let _ = stream.flush();
    }
}

fn query_param<'q>(query: &'q str, name: &str) -> Option<&'q str> {
    query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

fn error(status: u16, code: &str, message: &str) -> Reply {
    (
        status,
        Vec::new(),
        json!({"error": {"code": code, "message": message}})
            .to_string()
            .into_bytes(),
    )
}

fn token_answer() -> Reply {
    (
        200,
        Vec::new(),
        json!({"access_token": TOKEN, "expires_on": "1893456000", "resource": "https://management.azure.com/", "token_type": "Bearer", "client_id": "mock"})
            .to_string()
            .into_bytes(),
    )
}

fn answer(
    state: &Mutex<State>,
    path: &str,
    query: &str,
    headers: &BTreeMap<String, String>,
    addr: SocketAddr,
) -> Reply {
    let mut state = state.lock().expect("mock state");
    if path == "/msi/token" || path == "/msi/legacy" {
        return identity(&state, path, query, headers);
    }
    arm(&mut state, path, query, headers, addr)
}

/// The identity endpoint (`/msi/token`, 2019-08-01) and the legacy MSI one (`/msi/legacy`).
fn identity(state: &State, path: &str, query: &str, headers: &BTreeMap<String, String>) -> Reply {
    {
        let (header, expected, version, client_param) = if path == "/msi/token" {
            (
                "x-identity-header",
                IDENTITY_HEADER,
                "2019-08-01",
                "client_id",
            )
        } else {
            ("secret", MSI_SECRET, "2017-09-01", "clientid")
        };
        if headers.get(header).map(String::as_str) != Some(expected)
            || query_param(query, "api-version") != Some(version)
            || query_param(query, "resource").is_none()
        {
            return (
                400,
                Vec::new(),
                json!({"statusCode": 400, "message": "Invalid request: missing header or parameter."}).to_string().into_bytes(),
            );
        }
        if let Some(client) = query_param(query, client_param)
            && !state.client_ids.contains(client)
        {
            return (
                400,
                Vec::new(),
                json!({"statusCode": 400, "message": "No MSI found for specified ClientId/ResourceId.", "correlationId": "6f2b9c1e-0000-4000-8000-000000000000"})
                    .to_string()
                    .into_bytes(),
            );
        }
        token_answer()
    }
}

/// Azure Resource Manager: resources at their ids, lists, and the faults set.
fn arm(
    state: &mut State,
    path: &str,
    query: &str,
    headers: &BTreeMap<String, String>,
    addr: SocketAddr,
) -> Reply {
    if headers.get("authorization").map(String::as_str) != Some(&format!("Bearer {TOKEN}")) {
        return error(
            401,
            "InvalidAuthenticationToken",
            "The access token is invalid.",
        );
    }
    let lower = path.trim_end_matches('/').to_ascii_lowercase();
    let version = query_param(query, "api-version").unwrap_or_default();
    let accepted = api_versions(&lower);
    if !accepted.contains(&version) {
        return error(
            400,
            "InvalidApiVersionParameter",
            &format!(
                "The api-version '{version}' is invalid. The supported versions are '{}'.",
                accepted.join(",")
            ),
        );
    }
    if let Some(fault) = fault(state, path, &lower) {
        return fault;
    }
    let id = state
        .served_at
        .get(&lower)
        .cloned()
        .unwrap_or_else(|| lower.clone());
    if let Some(resource) = state.resources.get(&id) {
        return (200, Vec::new(), resource.to_string().into_bytes());
    }
    let items: Vec<Value> = state
        .resources
        .iter()
        .filter(|(id, _)| collection_of(id).is_some_and(|(c, s)| c == lower || s == lower))
        .map(|(_, v)| v.clone())
        .collect();
    if items.is_empty() && !is_collection(&lower) {
        return error(
            404,
            "ResourceNotFound",
            &format!("The Resource '{path}' was not found."),
        );
    }
    if lower.ends_with("/virtualnetworkconnections") && lower.contains("/microsoft.web/") {
        return (
            200,
            Vec::new(),
            Value::Array(items).to_string().into_bytes(),
        );
    }
    let skip: usize = query_param(query, "$skiptoken")
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let size = state.page_size.unwrap_or(usize::MAX);
    let page: Vec<Value> = items.iter().skip(skip).take(size).cloned().collect();
    let mut body = json!({"value": page});
    if skip.saturating_add(size) < items.len() {
        let version = query_param(query, "api-version").unwrap_or("2024-05-01");
        body["nextLink"] = json!(format!(
            "http://{addr}{path}?api-version={version}&$skiptoken={}",
            skip + size
        ));
    }
    (200, Vec::new(), body.to_string().into_bytes())
}

/// The fault set for a path, if any: throttling, a forbidden resource group or
/// subscription-wide list, a malformed or oversized body.
fn fault(state: &mut State, path: &str, lower: &str) -> Option<Reply> {
    if let Some(left) = state.throttled.get_mut(lower)
        && *left > 0
    {
        *left -= 1;
        let (status, _, body) = error(
            429,
            "TooManyRequests",
            "Too many requests, retry after 1 second.",
        );
        return Some((status, vec![("Retry-After".into(), "1".into())], body));
    }
    if let Some(group) = group_of(lower)
        && state.forbidden_groups.contains(group)
    {
        return Some(error(
            403,
            "AuthorizationFailed",
            &format!(
                "The client 'mock-identity' with object id '00000000-0000-0000-0000-000000000001' does not have authorization to perform action 'read' over scope '{path}' or the scope is invalid. If access was recently granted, please refresh your credentials."
            ),
        ));
    }
    if state.forbidden_subscription_lists && group_of(lower).is_none() && is_collection(lower) {
        return Some(error(
            403,
            "AuthorizationFailed",
            &format!(
                "The client 'mock-identity' with object id '00000000-0000-0000-0000-000000000001' does not have authorization to perform action 'read' over scope '{path}' or the scope is invalid."
            ),
        ));
    }
    if state.malformed.iter().any(|m| lower.contains(m)) {
        return Some((
            200,
            Vec::new(),
            b"{\"id\": \"/subscriptions/broken".to_vec(),
        ));
    }
    if state.oversized.iter().any(|m| lower.contains(m)) {
        let mut body = b"[".to_vec();
        body.extend(std::iter::repeat_n(b'0', 17 * 1024 * 1024));
        body.push(b']');
        return Some((200, Vec::new(), body));
    }
    None
}

/// The API versions a path's resource type has (a few of each family's, enough to refuse
/// one it does not have). A scale set's NICs live under Microsoft.Compute's path but are
/// served by the network provider at `2018-10-01` only: "Virtual Machine Scale Set Network
/// Interfaces" in the Network REST reference
/// (<https://learn.microsoft.com/rest/api/virtualnetwork/network-interface-in-vm-ss>).
fn api_versions(lower: &str) -> &'static [&'static str] {
    if lower.contains("/microsoft.compute/virtualmachinescalesets/") {
        &["2017-03-30", "2018-10-01"]
    } else if lower.contains("/microsoft.network/privatednszones") {
        &["2018-09-01", "2020-06-01", "2024-06-01"]
    } else if lower.contains("/microsoft.network/") {
        &[
            "2023-09-01",
            "2023-11-01",
            "2024-01-01",
            "2024-03-01",
            "2024-05-01",
        ]
    } else if lower.contains("/microsoft.storage/") {
        &["2023-01-01", "2023-05-01"]
    } else if lower.contains("/microsoft.sql/") {
        &["2021-11-01", "2023-08-01"]
    } else if lower.contains("/microsoft.keyvault/") {
        &["2023-02-01", "2023-07-01"]
    } else if lower.contains("/microsoft.documentdb/") {
        &["2024-05-15"]
    } else if lower.contains("/microsoft.containerregistry/") {
        &["2023-07-01"]
    } else if lower.contains("/microsoft.web/") {
        &["2022-09-01", "2023-01-01", "2023-12-01", "2024-04-01"]
    } else {
        &["2022-12-01"]
    }
}

/// The resource group in a lowercase path.
fn group_of(lower: &str) -> Option<&str> {
    let rest = lower.split("/resourcegroups/").nth(1)?;
    rest.split('/').next()
}

/// The list a resource id belongs to, and the same at subscription scope.
fn collection_of(id: &str) -> Option<(String, String)> {
    let (collection, _) = id.rsplit_once('/')?;
    let subscription_wide = match (
        collection.find("/resourcegroups/"),
        collection.find("/providers/"),
    ) {
        (Some(start), Some(providers)) if providers > start => {
            format!("{}{}", &collection[..start], &collection[providers..])
        }
        _ => collection.to_owned(),
    };
    Some((collection.to_owned(), subscription_wide))
}

/// Whether a path names a list (an even number of segments after the provider): an empty
/// list is `{"value": []}`, not a 404.
fn is_collection(lower: &str) -> bool {
    lower.rsplit_once("/providers/").is_some_and(|(_, rest)| {
        let segments = rest.split('/').count();
        segments >= 2 && segments % 2 == 0
    })
}
