//! Which DNS servers the app really uses, in which order, and how long each may take.
//!
//! The server list comes from the first source that yields servers: the explicit argument,
//! the app settings (`WEBSITE_DNS_SERVER`, up to five, then `WEBSITE_DNS_ALT_SERVER`), the
//! network snapshot (the VNET's DNS servers), the system configuration, and finally
//! Azure-provided DNS. Every server keeps the source it came from, so a report shows why
//! the tool asked the server it asked.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::Duration;

use serde::Serialize;

use crate::addr::{AddrError, DNS_PORT, parse_server};
use crate::settings::{
    AppSettings, WEBSITE_DNS_ALT_SERVER, WEBSITE_DNS_ATTEMPTS, WEBSITE_DNS_MAX_CACHE_TIMEOUT,
    WEBSITE_DNS_SERVER, WEBSITE_DNS_TIMEOUT,
};
use crate::snapshot::{NetworkDns, SiteDns};

/// Azure-provided DNS: the virtual IP every Azure VNET can reach.
pub const AZURE_DNS: IpAddr = IpAddr::V4(Ipv4Addr::new(168, 63, 129, 16));
/// App Service waits 3 seconds for each DNS server.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(3);
/// App Service repeats an attempt in which no server answered: 3 attempts in all unless
/// `dnsRetryAttemptCount` or `WEBSITE_DNS_ATTEMPTS` says otherwise ("Name resolution in App
/// Service", <https://learn.microsoft.com/azure/app-service/overview-name-resolution>).
pub const DEFAULT_ATTEMPTS: u32 = 3;
/// App Service's range for `WEBSITE_DNS_ATTEMPTS`.
pub const MAX_ATTEMPTS: u32 = 5;
/// App Service keeps an answer up to 30 seconds unless `dnsMaxCacheTimeout` or
/// `WEBSITE_DNS_MAX_CACHE_TIMEOUT` says otherwise (0: no cache; at most 60).
pub const DEFAULT_CACHE_TIME: Duration = Duration::from_secs(30);
/// App Service's range for `WEBSITE_DNS_MAX_CACHE_TIMEOUT`.
pub const MAX_CACHE_SECS: u64 = 60;
/// A site with `dnsLegacySortOrder` uses this many of its VNET's servers, sorted.
pub const LEGACY_SORT_SERVERS: usize = 2;
/// The site property that opts a site out of the legacy sort.
pub const LEGACY_SORT_OPT_OUT: &str = "disableVirtualNetworkDnsSorting";
/// Docker's embedded DNS server, which Linux containers have in their resolv.conf.
pub const DOCKER_STUB: IpAddr = IpAddr::V4(Ipv4Addr::new(127, 0, 0, 11));
/// systemd-resolved's local stub.
pub const SYSTEMD_STUB: IpAddr = IpAddr::V4(Ipv4Addr::new(127, 0, 0, 53));
/// App Service uses at most five servers from `WEBSITE_DNS_SERVER`.
pub const MAX_APP_SETTING_SERVERS: usize = 5;

/// Where a DNS server in the list came from. The names are part of the report contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub enum ServerSource {
    #[serde(rename = "argument")]
    Argument,
    #[serde(rename = "dnsConfiguration")]
    DnsConfiguration,
    #[serde(rename = "WEBSITE_DNS_SERVER")]
    WebsiteDnsServer,
    #[serde(rename = "WEBSITE_DNS_ALT_SERVER")]
    WebsiteDnsAltServer,
    #[serde(rename = "network")]
    Network,
    #[serde(rename = "system")]
    System,
    #[serde(rename = "azure-default")]
    AzureDefault,
}

impl ServerSource {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Argument => "argument",
            Self::DnsConfiguration => "dnsConfiguration",
            Self::WebsiteDnsServer => WEBSITE_DNS_SERVER,
            Self::WebsiteDnsAltServer => WEBSITE_DNS_ALT_SERVER,
            Self::Network => "network",
            Self::System => "system",
            Self::AzureDefault => "azure-default",
        }
    }
}

impl fmt::Display for ServerSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One DNS server of the list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct DnsServer {
    pub address: SocketAddr,
    pub source: ServerSource,
    /// When the server is a local stub resolver that forwards for the machine: which one,
    /// and where it forwards. `null` for any other server.
    pub stub: Option<Stub>,
}

impl DnsServer {
    pub fn new(address: SocketAddr, source: ServerSource) -> Self {
        Self {
            address,
            source,
            stub: None,
        }
    }
}

/// The local stub resolvers an app may find in its system configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum StubKind {
    /// 127.0.0.11: Docker's embedded DNS server (Linux containers).
    Docker,
    /// 127.0.0.53: systemd-resolved.
    SystemdResolved,
}

impl StubKind {
    /// The stub a system server address is, if it is one.
    pub fn of(ip: IpAddr) -> Option<Self> {
        match ip {
            DOCKER_STUB => Some(Self::Docker),
            SYSTEMD_STUB => Some(Self::SystemdResolved),
            _ => None,
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            Self::Docker => "Docker's embedded DNS stub",
            Self::SystemdResolved => "systemd-resolved's stub",
        }
    }
}

/// A local stub resolver: the app asks it, and it asks the servers upstream.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Stub {
    pub kind: StubKind,
    /// The upstream servers the resolv.conf comments declare (Docker's `# ExtServers:`);
    /// empty when it declares none.
    pub upstreams: Vec<IpAddr>,
}

impl Stub {
    /// How the output names the stub: what it is and, when known, where it forwards.
    pub fn describe(&self) -> String {
        let upstreams: Vec<String> = self.upstreams.iter().map(ToString::to_string).collect();
        if upstreams.is_empty() {
            format!(
                "{}; its upstream servers are not declared",
                self.kind.describe()
            )
        } else {
            format!(
                "{}, forwarding to {}",
                self.kind.describe(),
                upstreams.join(", ")
            )
        }
    }
}

/// How queries travel: UDP (with TCP when an answer is truncated), or TCP only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Transport {
    #[default]
    Udp,
    Tcp,
}

/// How the app asks its servers (report `dns.model`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum QueryModel {
    /// Today's platform: every server at once, the first in list order that answers
    /// counts once the servers ahead have failed; rounds repeat up to the attempts.
    #[default]
    Platform,
    /// Kudu's classic `nameresolver`: one server after another, once each.
    Sequential,
}

/// Where the per-server timeout came from, so `--help` and reports can say why.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum TimeoutSource {
    Argument,
    /// The site's `dnsConfiguration.dnsRetryAttemptTimeout`.
    #[serde(rename = "dnsConfiguration")]
    DnsConfiguration,
    #[serde(rename = "WEBSITE_DNS_TIMEOUT")]
    WebsiteDnsTimeout,
    /// The system configuration's own (resolv.conf `options timeout:`), used with the
    /// system's servers when the app's settings say nothing.
    System,
    Default,
}

/// How long the app keeps an answer, and which setting said so: a change to DNS reaches
/// the app only after that time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CacheTime {
    pub time: Duration,
    /// `dnsMaxCacheTimeout` or `WEBSITE_DNS_MAX_CACHE_TIMEOUT`; `None` for the default.
    pub setting: Option<&'static str>,
}

impl CacheTime {
    /// The site's `dnsMaxCacheTimeout` > `WEBSITE_DNS_MAX_CACHE_TIMEOUT` > 30 s. A value
    /// out of the platform's range is read as the platform clamps it.
    pub fn of(site: Option<&SiteDns>, settings: &AppSettings) -> Self {
        if let Some(seconds) = site.and_then(|site| site.cache_secs) {
            return Self {
                time: Duration::from_secs(seconds.min(MAX_CACHE_SECS)),
                setting: Some("dnsMaxCacheTimeout"),
            };
        }
        match settings
            .get(WEBSITE_DNS_MAX_CACHE_TIMEOUT)
            .and_then(|value| value.parse::<u64>().ok())
        {
            Some(seconds) => Self {
                time: Duration::from_secs(seconds.min(MAX_CACHE_SECS)),
                setting: Some(WEBSITE_DNS_MAX_CACHE_TIMEOUT),
            },
            None => Self {
                time: DEFAULT_CACHE_TIME,
                setting: None,
            },
        }
    }
}

/// The legacy sort applied to the VNET's servers: those asked, and those left out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LegacySort {
    pub used: Vec<SocketAddr>,
    pub dropped: Vec<SocketAddr>,
}

impl LegacySort {
    /// What the output and the evidence say about it, with the opt-out.
    pub fn describe(&self) -> String {
        let list = |servers: &[SocketAddr]| {
            servers
                .iter()
                .map(|s| crate::addr::display_server(*s))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let dropped = if self.dropped.is_empty() {
            String::new()
        } else {
            format!(", not {}", list(&self.dropped))
        };
        format!(
            "the site keeps the legacy DNS sort (dnsLegacySortOrder): it sorts the VNET's DNS servers and asks only the first {LEGACY_SORT_SERVERS}, {}{dropped}; opt out ({LEGACY_SORT_OPT_OUT}) to use them all, in the VNET's order",
            list(&self.used)
        )
    }
}

/// The resolved DNS configuration: servers in the order they are asked, and the limits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DnsConfig {
    pub servers: Vec<DnsServer>,
    pub timeout: Duration,
    pub timeout_source: TimeoutSource,
    /// The attempts allowed: rounds in the platform model, 1 in the sequential one.
    pub attempts: u32,
    pub model: QueryModel,
    pub transport: Transport,
    /// How long the app keeps an answer (not applied: every run asks the servers).
    pub cache: CacheTime,
    /// The VNET's servers as the legacy sort leaves them, when the site keeps it.
    pub legacy_sort: Option<LegacySort>,
    /// Things the user should know that do not stop the run (extra servers ignored, an
    /// unreadable system configuration, the legacy sort).
    pub warnings: Vec<String>,
}

/// Why the system's DNS configuration could not be read: where, and what went wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{origin}: {reason}")]
pub struct SystemConfigError {
    pub origin: &'static str,
    pub reason: String,
}

/// What the operating system's DNS configuration declares.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SystemDns {
    pub servers: Vec<IpAddr>,
    /// The system's own timeout and attempts (resolv.conf `options timeout: attempts:`,
    /// glibc's 5 s and 2 when absent); `None` where the system declares none (Windows).
    pub timeout: Option<Duration>,
    pub attempts: Option<u32>,
    /// The upstream servers a local stub's resolv.conf comments declare.
    pub stub_upstreams: Vec<IpAddr>,
}

/// The system's DNS configuration, or why it could not be read.
pub type SystemServers = Result<SystemDns, SystemConfigError>;

/// Everything the server list is built from. The system source is a function so that it
/// is only read when no earlier source yields servers, and so tests can supply their own.
pub struct ConfigInputs<'a> {
    pub server_argument: Option<&'a str>,
    pub settings: &'a AppSettings,
    /// The site's `dnsConfiguration` in a snapshot: wins over the app settings.
    pub site: Option<&'a SiteDns>,
    pub network: Option<&'a NetworkDns>,
    pub system: &'a dyn Fn() -> SystemServers,
    pub timeout_argument: Option<Duration>,
    /// `--attempts`: wins over the site's and the app settings'.
    pub attempts_argument: Option<u32>,
    pub model: QueryModel,
    pub transport: Transport,
}

/// A configuration value that cannot be used, with where it came from.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    #[error("{origin}: {source}")]
    BadServer {
        origin: String,
        #[source]
        source: AddrError,
    },
    #[error("{variable}='{value}': expected {expected}")]
    BadSetting {
        variable: &'static str,
        value: String,
        expected: &'static str,
    },
}

impl DnsConfig {
    /// A configuration that asks these servers with the platform's model and defaults,
    /// waiting `timeout` per attempt (tests, benchmarks, and callers that name servers).
    pub fn asking(servers: Vec<DnsServer>, timeout: Duration) -> Self {
        Self {
            servers,
            timeout,
            timeout_source: TimeoutSource::Argument,
            attempts: DEFAULT_ATTEMPTS,
            model: QueryModel::Platform,
            transport: Transport::Udp,
            cache: CacheTime {
                time: DEFAULT_CACHE_TIME,
                setting: None,
            },
            legacy_sort: None,
            warnings: Vec::new(),
        }
    }

    /// Builds the configuration from its sources, in the precedence the product contract
    /// gives. Fails only on values the user or the app settings supplied that cannot be
    /// used; an unreadable system configuration is a warning and falls through.
    pub fn discover(inputs: &ConfigInputs<'_>) -> Result<Self, ConfigError> {
        let mut warnings = Vec::new();
        let listed = server_list(inputs, &mut warnings)?;
        // The system's own limits count only with the system's servers, and only where
        // nothing of the app's says otherwise: that is what the app's own resolver does.
        let system = listed.system.as_ref();
        let site_timeout = inputs.site.and_then(|site| site.timeout_secs);
        let (timeout, timeout_source) = match (inputs.timeout_argument, site_timeout) {
            (Some(timeout), _) => (timeout, TimeoutSource::Argument),
            (None, Some(seconds)) => (
                Duration::from_secs(seconds),
                TimeoutSource::DnsConfiguration,
            ),
            (None, None) => match inputs.settings.get(WEBSITE_DNS_TIMEOUT) {
                Some(value) => (
                    Duration::from_secs(parse_whole_number(
                        WEBSITE_DNS_TIMEOUT,
                        value,
                        1,
                        3600,
                        "a whole number of seconds, at least 1",
                    )?),
                    TimeoutSource::WebsiteDnsTimeout,
                ),
                None => match system.and_then(|system| system.timeout) {
                    Some(timeout) => (timeout, TimeoutSource::System),
                    None => (DEFAULT_TIMEOUT, TimeoutSource::Default),
                },
            },
        };
        let site_attempts = inputs
            .site
            .and_then(|site| site.attempts)
            .map(|a| a.min(MAX_ATTEMPTS));
        let attempts = match (site_attempts, inputs.settings.get(WEBSITE_DNS_ATTEMPTS)) {
            _ if inputs.model == QueryModel::Sequential => 1,
            _ if inputs.attempts_argument.is_some() => {
                inputs.attempts_argument.unwrap_or(DEFAULT_ATTEMPTS).max(1)
            }
            (Some(attempts), _) => attempts,
            (None, Some(value)) => u32::try_from(parse_whole_number(
                WEBSITE_DNS_ATTEMPTS,
                value,
                1,
                u64::from(MAX_ATTEMPTS),
                "a whole number of attempts from 1 to 5",
            )?)
            .unwrap_or(DEFAULT_ATTEMPTS),
            (None, None) => system
                .and_then(|system| system.attempts)
                .map_or(DEFAULT_ATTEMPTS, |a| a.clamp(1, MAX_ATTEMPTS)),
        };
        if let Some(sort) = &listed.legacy_sort {
            warnings.push(sort.describe());
        }
        Ok(Self {
            servers: listed.servers,
            timeout,
            timeout_source,
            attempts,
            model: inputs.model,
            transport: inputs.transport,
            cache: CacheTime::of(inputs.site, inputs.settings),
            legacy_sort: listed.legacy_sort,
            warnings,
        })
    }
}

/// The server list, with what the system declared when the list is the system's.
struct Listed {
    servers: Vec<DnsServer>,
    system: Option<SystemDns>,
    legacy_sort: Option<LegacySort>,
}

fn server_list(
    inputs: &ConfigInputs<'_>,
    warnings: &mut Vec<String>,
) -> Result<Listed, ConfigError> {
    let mut listed = Listed {
        servers: Vec::new(),
        system: None,
        legacy_sort: None,
    };
    if let Some(argument) = inputs.server_argument {
        let address = parse_server(argument).map_err(|source| ConfigError::BadServer {
            origin: "DNS server argument".to_owned(),
            source,
        })?;
        listed
            .servers
            .push(DnsServer::new(address, ServerSource::Argument));
        return Ok(listed);
    }

    let servers = &mut listed.servers;
    // The site's own dnsConfiguration wins over the app settings, as on the platform.
    if let Some(site) = inputs.site {
        for entry in &site.servers {
            push_unique(
                servers,
                parse_entry(&site.origin, entry)?,
                ServerSource::DnsConfiguration,
            );
        }
    }
    if servers.is_empty()
        && let Some(value) = inputs.settings.get(WEBSITE_DNS_SERVER)
    {
        app_setting_servers(value, servers, warnings)?;
    }
    if servers.is_empty()
        && let Some(network) = inputs.network
    {
        for entry in &network.entries {
            push_unique(
                servers,
                parse_entry(&network.origin, entry)?,
                ServerSource::Network,
            );
        }
        if inputs.site.is_some_and(|site| site.legacy_sort) {
            listed.legacy_sort = Some(legacy_sort(servers));
        }
    }
    if servers.is_empty() {
        match (inputs.system)() {
            Ok(system) => {
                for ip in &system.servers {
                    push_unique(
                        servers,
                        SocketAddr::new(*ip, DNS_PORT),
                        ServerSource::System,
                    );
                }
                for server in servers.iter_mut() {
                    server.stub = StubKind::of(server.address.ip()).map(|kind| Stub {
                        kind,
                        upstreams: system.stub_upstreams.clone(),
                    });
                }
                listed.system = Some(system);
            }
            // A static binary in a bare container has no /etc/resolv.conf: say so, and
            // fall through to Azure-provided DNS as the platform would.
            Err(why) => warnings.push(format!(
                "cannot read the system DNS configuration ({why}); asking Azure-provided DNS, {AZURE_DNS}"
            )),
        }
    }
    if servers.is_empty() {
        servers.push(DnsServer::new(
            SocketAddr::new(AZURE_DNS, DNS_PORT),
            ServerSource::AzureDefault,
        ));
    }
    alternate_server(inputs, servers)?;
    Ok(listed)
}

/// Older Windows sites sort the VNET's servers (as IP addresses) and use the first two
/// (App Service's DNS announcement of January 2024,
/// <https://azure.github.io/AppService/2024/01/09/DNS-improvements.html>).
fn legacy_sort(servers: &mut Vec<DnsServer>) -> LegacySort {
    servers.sort_by_key(|server| (server.address.ip(), server.address.port()));
    let dropped = servers.split_off(servers.len().min(LEGACY_SORT_SERVERS));
    LegacySort {
        used: servers.iter().map(|s| s.address).collect(),
        dropped: dropped.iter().map(|s| s.address).collect(),
    }
}

/// `WEBSITE_DNS_SERVER`: comma-separated, of which App Service uses the first five.
fn app_setting_servers(
    value: &str,
    servers: &mut Vec<DnsServer>,
    warnings: &mut Vec<String>,
) -> Result<(), ConfigError> {
    let entries: Vec<&str> = value
        .split(',')
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .collect();
    if entries.len() > MAX_APP_SETTING_SERVERS {
        warnings.push(format!(
            "{WEBSITE_DNS_SERVER} lists {} servers; App Service uses the first {MAX_APP_SETTING_SERVERS}, so these are ignored: {}",
            entries.len(),
            entries[MAX_APP_SETTING_SERVERS..].join(", ")
        ));
    }
    for entry in entries.into_iter().take(MAX_APP_SETTING_SERVERS) {
        push_unique(
            servers,
            parse_entry(WEBSITE_DNS_SERVER, entry)?,
            ServerSource::WebsiteDnsServer,
        );
    }
    Ok(())
}

/// The alternate server is App Service's fallback: asked last, after whichever list won;
/// the site's dnsAltServer wins over `WEBSITE_DNS_ALT_SERVER`.
fn alternate_server(
    inputs: &ConfigInputs<'_>,
    servers: &mut Vec<DnsServer>,
) -> Result<(), ConfigError> {
    let site_alternate = inputs
        .site
        .and_then(|site| site.alt_server.as_deref().map(|alt| (site, alt.trim())))
        .filter(|(_, alt)| !alt.is_empty());
    if let Some((site, alternate)) = site_alternate {
        push_unique(
            servers,
            parse_entry(&site.origin, alternate)?,
            ServerSource::DnsConfiguration,
        );
    } else if let Some(alternate) = inputs.settings.get(WEBSITE_DNS_ALT_SERVER) {
        push_unique(
            servers,
            parse_entry(WEBSITE_DNS_ALT_SERVER, alternate)?,
            ServerSource::WebsiteDnsAltServer,
        );
    }
    Ok(())
}

fn parse_entry(origin: &str, entry: &str) -> Result<SocketAddr, ConfigError> {
    parse_server(entry).map_err(|source| ConfigError::BadServer {
        origin: origin.to_owned(),
        source,
    })
}

/// Adds a server unless it is already listed: asking the same server twice would only
/// double the time a dead one costs.
fn push_unique(servers: &mut Vec<DnsServer>, address: SocketAddr, source: ServerSource) {
    if !servers.iter().any(|s| s.address == address) {
        servers.push(DnsServer::new(address, source));
    }
}

fn parse_whole_number(
    variable: &'static str,
    value: &str,
    min: u64,
    max: u64,
    expected: &'static str,
) -> Result<u64, ConfigError> {
    match value.parse::<u64>() {
        Ok(number) if (min..=max).contains(&number) => Ok(number),
        _ => Err(ConfigError::BadSetting {
            variable,
            value: value.to_owned(),
            expected,
        }),
    }
}

/// Reads resolv.conf text with hickory-resolver's own reader: the servers, and the
/// system's timeout and attempts (glibc's 5 s and 2 where the file says nothing); the
/// comments may declare a local stub's upstream servers.
#[cfg(target_os = "linux")]
pub fn parse_resolv_conf(text: &[u8]) -> SystemServers {
    let (config, options) =
        hickory_resolver::system_conf::parse_resolv_conf(text).map_err(|e| SystemConfigError {
            origin: "resolv.conf",
            reason: e.to_string(),
        })?;
    Ok(SystemDns {
        servers: config
            .name_servers()
            .iter()
            .map(|server| server.ip)
            .collect(),
        timeout: Some(options.timeout),
        attempts: Some(u32::try_from(options.attempts).unwrap_or(MAX_ATTEMPTS)),
        stub_upstreams: declared_upstreams(&String::from_utf8_lossy(text)),
    })
}

/// The upstream servers a stub's resolv.conf declares in its comments. Docker writes
/// `# ExtServers: [host(10.0.0.1) 8.8.8.8]` (older releases: `[10.0.0.1 8.8.8.8]`); a
/// server reached through the host's namespace is wrapped in `host(...)`.
pub fn declared_upstreams(text: &str) -> Vec<IpAddr> {
    text.lines()
        .filter_map(|line| line.trim_start().strip_prefix('#'))
        .filter_map(|comment| comment.trim_start().strip_prefix("ExtServers:"))
        .flat_map(|list| {
            list.split(|c: char| c.is_whitespace() || matches!(c, '[' | ']' | ',' | '(' | ')'))
                .filter_map(|token| token.parse::<IpAddr>().ok())
                .collect::<Vec<_>>()
        })
        .collect()
}

/// The operating system's DNS configuration: `/etc/resolv.conf`.
#[cfg(target_os = "linux")]
pub fn system_servers() -> SystemServers {
    const PATH: &str = "/etc/resolv.conf";
    let text = std::fs::read(PATH).map_err(|e| SystemConfigError {
        origin: PATH,
        reason: e.to_string(),
    })?;
    parse_resolv_conf(&text).map_err(|e| SystemConfigError {
        origin: PATH,
        reason: e.reason,
    })
}

/// The operating system's DNS configuration: the servers of the network adapters that
/// are up (hickory-resolver leaves out Windows' fec0:0:0:ffff::1-3 placeholders). Windows
/// declares no timeout or attempts there, so the platform's defaults stand.
#[cfg(windows)]
pub fn system_servers() -> SystemServers {
    let (config, _) =
        hickory_resolver::system_conf::read_system_conf().map_err(|e| SystemConfigError {
            origin: "network adapters",
            reason: e.to_string(),
        })?;
    Ok(SystemDns {
        servers: config
            .name_servers()
            .iter()
            .map(|server| server.ip)
            .collect(),
        ..SystemDns::default()
    })
}

#[cfg(not(any(target_os = "linux", windows)))]
pub fn system_servers() -> SystemServers {
    Err(SystemConfigError {
        origin: "system DNS configuration",
        reason: "not supported on this platform".to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    // Shaped as the system source: a function returning `SystemServers`.
    #[allow(clippy::unnecessary_wraps)]
    fn no_system() -> SystemServers {
        Ok(SystemDns::default())
    }

    #[allow(clippy::unnecessary_wraps)]
    fn system_one() -> SystemServers {
        Ok(SystemDns {
            servers: vec!["10.9.9.9".parse().unwrap()],
            ..SystemDns::default()
        })
    }

    fn discover(
        argument: Option<&str>,
        settings: &[(&str, &str)],
        network: Option<&NetworkDns>,
        system: &dyn Fn() -> SystemServers,
    ) -> Result<DnsConfig, ConfigError> {
        let settings = AppSettings::from_pairs(settings.iter().copied());
        DnsConfig::discover(&ConfigInputs {
            server_argument: argument,
            settings: &settings,
            site: None,
            network,
            system,
            timeout_argument: None,
            attempts_argument: None,
            model: QueryModel::Platform,
            transport: Transport::Udp,
        })
    }

    fn listed(config: &DnsConfig) -> Vec<(String, &'static str)> {
        config
            .servers
            .iter()
            .map(|s| (s.address.to_string(), s.source.as_str()))
            .collect()
    }

    fn pairs(expected: &[(&str, &'static str)]) -> Vec<(String, &'static str)> {
        expected
            .iter()
            .map(|(a, s)| ((*a).to_owned(), *s))
            .collect()
    }

    #[test]
    fn argument_wins_over_everything() {
        let network = NetworkDns {
            origin: "vnet.json".into(),
            entries: vec!["10.0.0.4".into()],
        };
        let config = discover(
            Some("127.0.0.1:5353"),
            &[
                (WEBSITE_DNS_SERVER, "10.1.0.4"),
                (WEBSITE_DNS_ALT_SERVER, "10.1.0.5"),
            ],
            Some(&network),
            &system_one,
        )
        .unwrap();
        assert_eq!(listed(&config), pairs(&[("127.0.0.1:5353", "argument")]));
    }

    #[test]
    fn app_settings_then_alternate_last() {
        let config = discover(
            None,
            &[
                (WEBSITE_DNS_SERVER, "10.1.0.4, 10.1.0.5:5353,[fd00::4]:53"),
                (WEBSITE_DNS_ALT_SERVER, "10.1.0.6"),
            ],
            None,
            &system_one,
        )
        .unwrap();
        assert_eq!(
            listed(&config),
            pairs(&[
                ("10.1.0.4:53", "WEBSITE_DNS_SERVER"),
                ("10.1.0.5:5353", "WEBSITE_DNS_SERVER"),
                ("[fd00::4]:53", "WEBSITE_DNS_SERVER"),
                ("10.1.0.6:53", "WEBSITE_DNS_ALT_SERVER"),
            ])
        );
    }

    #[test]
    fn more_than_five_app_setting_servers_warns_and_keeps_five() {
        let config = discover(
            None,
            &[(
                WEBSITE_DNS_SERVER,
                "10.0.0.1,10.0.0.2,10.0.0.3,10.0.0.4,10.0.0.5,10.0.0.6",
            )],
            None,
            &no_system,
        )
        .unwrap();
        assert_eq!(config.servers.len(), 5);
        assert!(
            config.warnings[0].contains("10.0.0.6"),
            "{:?}",
            config.warnings
        );
    }

    #[test]
    fn network_then_system_then_azure() {
        let network = NetworkDns {
            origin: "vnet.json: dhcpOptions.dnsServers".into(),
            entries: vec!["10.0.0.4".into(), "10.0.0.5".into()],
        };
        let config = discover(None, &[], Some(&network), &system_one).unwrap();
        assert_eq!(
            listed(&config),
            pairs(&[("10.0.0.4:53", "network"), ("10.0.0.5:53", "network")])
        );

        let config = discover(None, &[], None, &system_one).unwrap();
        assert_eq!(listed(&config), pairs(&[("10.9.9.9:53", "system")]));

        let config = discover(None, &[], None, &no_system).unwrap();
        assert_eq!(
            listed(&config),
            pairs(&[("168.63.129.16:53", "azure-default")])
        );
    }

    #[test]
    fn alternate_is_appended_to_the_system_list_and_not_duplicated() {
        let config = discover(
            None,
            &[(WEBSITE_DNS_ALT_SERVER, "10.9.9.9")],
            None,
            &system_one,
        )
        .unwrap();
        assert_eq!(listed(&config), pairs(&[("10.9.9.9:53", "system")]));
    }

    #[test]
    fn the_site_dns_configuration_wins_over_the_app_settings() {
        let settings = AppSettings::from_pairs([
            (WEBSITE_DNS_SERVER, "10.9.9.9"),
            (WEBSITE_DNS_ALT_SERVER, "10.9.9.10"),
            (WEBSITE_DNS_TIMEOUT, "7"),
            (WEBSITE_DNS_ATTEMPTS, "4"),
        ]);
        let site = SiteDns {
            origin: "site app dnsConfiguration".to_owned(),
            servers: vec!["10.1.0.4".to_owned(), "10.1.0.5:5353".to_owned()],
            alt_server: Some("10.1.0.6".to_owned()),
            timeout_secs: Some(2),
            attempts: Some(2),
            ..SiteDns::default()
        };
        let discover = |timeout_argument| {
            DnsConfig::discover(&ConfigInputs {
                server_argument: None,
                settings: &settings,
                site: Some(&site),
                network: None,
                system: &no_system,
                timeout_argument,
                attempts_argument: None,
                model: QueryModel::Platform,
                transport: Transport::Udp,
            })
            .unwrap()
        };
        let config = discover(None);
        assert_eq!(
            listed(&config),
            pairs(&[
                ("10.1.0.4:53", "dnsConfiguration"),
                ("10.1.0.5:5353", "dnsConfiguration"),
                ("10.1.0.6:53", "dnsConfiguration"),
            ])
        );
        assert_eq!(config.timeout, Duration::from_secs(2));
        assert_eq!(config.timeout_source, TimeoutSource::DnsConfiguration);
        assert_eq!(config.attempts, 2);
        // An explicit --timeout wins over all.
        let config = discover(Some(Duration::from_millis(300)));
        assert_eq!(config.timeout_source, TimeoutSource::Argument);
    }

    #[test]
    fn unreadable_system_configuration_warns_and_falls_back_to_azure() {
        let unreadable = || {
            Err(SystemConfigError {
                origin: "/etc/resolv.conf",
                reason: "no resolv.conf".to_owned(),
            })
        };
        let config = discover(None, &[], None, &unreadable).unwrap();
        assert_eq!(
            listed(&config),
            pairs(&[("168.63.129.16:53", "azure-default")])
        );
        assert_eq!(
            config.warnings[0],
            "cannot read the system DNS configuration (/etc/resolv.conf: no resolv.conf); asking Azure-provided DNS, 168.63.129.16"
        );
    }

    #[test]
    fn malformed_entries_name_the_variable_and_entry() {
        let error = discover(
            None,
            &[(WEBSITE_DNS_SERVER, "10.0.0.4,dns.contoso.com")],
            None,
            &no_system,
        )
        .unwrap_err()
        .to_string();
        assert!(error.starts_with("WEBSITE_DNS_SERVER: "), "{error}");
        assert!(error.contains("'dns.contoso.com'"), "{error}");

        let error = discover(
            None,
            &[(WEBSITE_DNS_ALT_SERVER, "10.0.0.4:99999")],
            None,
            &no_system,
        )
        .unwrap_err()
        .to_string();
        assert!(error.starts_with("WEBSITE_DNS_ALT_SERVER: "), "{error}");
    }

    /// `--attempts` > `dnsRetryAttemptCount` > `WEBSITE_DNS_ATTEMPTS` > 3; the sequential
    /// model asks each server once.
    #[test]
    fn attempts_argument_wins_and_sequential_asks_once() {
        let settings = AppSettings::from_pairs([(WEBSITE_DNS_ATTEMPTS, "2")]);
        let site = SiteDns {
            origin: "site.json: dnsConfiguration".into(),
            servers: Vec::new(),
            alt_server: None,
            timeout_secs: None,
            attempts: Some(4),
            ..SiteDns::default()
        };
        let discover = |attempts_argument, model| {
            DnsConfig::discover(&ConfigInputs {
                server_argument: None,
                settings: &settings,
                site: Some(&site),
                network: None,
                system: &no_system,
                timeout_argument: None,
                attempts_argument,
                model,
                transport: Transport::Udp,
            })
            .unwrap()
        };
        assert_eq!(discover(Some(5), QueryModel::Platform).attempts, 5);
        assert_eq!(discover(None, QueryModel::Platform).attempts, 4);
        let sequential = discover(None, QueryModel::Sequential);
        assert_eq!(
            (sequential.attempts, sequential.model),
            (1, QueryModel::Sequential)
        );
    }

    #[test]
    fn timeout_and_attempts_precedence() {
        let config = discover(None, &[], None, &no_system).unwrap();
        // The platform's documented defaults: 3 s per attempt, 3 attempts.
        assert_eq!(
            (config.timeout, config.attempts),
            (Duration::from_secs(3), 3)
        );
        assert_eq!(config.timeout_source, TimeoutSource::Default);

        let config = discover(
            None,
            &[(WEBSITE_DNS_TIMEOUT, "5"), (WEBSITE_DNS_ATTEMPTS, "2")],
            None,
            &no_system,
        )
        .unwrap();
        assert_eq!(
            (config.timeout, config.attempts),
            (Duration::from_secs(5), 2)
        );

        let settings = AppSettings::from_pairs([(WEBSITE_DNS_TIMEOUT, "5")]);
        let config = DnsConfig::discover(&ConfigInputs {
            server_argument: None,
            settings: &settings,
            site: None,
            network: None,
            system: &no_system,
            timeout_argument: Some(Duration::from_millis(300)),
            attempts_argument: None,
            model: QueryModel::Platform,
            transport: Transport::Tcp,
        })
        .unwrap();
        assert_eq!(config.timeout, Duration::from_millis(300));
        assert_eq!(config.timeout_source, TimeoutSource::Argument);
    }

    #[test]
    fn bad_timeout_and_attempts_settings() {
        for (variable, value) in [
            (WEBSITE_DNS_TIMEOUT, "0"),
            (WEBSITE_DNS_TIMEOUT, "3s"),
            (WEBSITE_DNS_TIMEOUT, "-1"),
            (WEBSITE_DNS_ATTEMPTS, "0"),
            (WEBSITE_DNS_ATTEMPTS, "6"),
            (WEBSITE_DNS_ATTEMPTS, "two"),
        ] {
            let error = discover(None, &[(variable, value)], None, &no_system)
                .unwrap_err()
                .to_string();
            assert!(
                error.starts_with(&format!("{variable}='{value}'")),
                "{error}"
            );
        }
    }

    #[test]
    fn resolv_conf_text() {
        let text = b"# generated\nsearch contoso.internal\nnameserver 10.0.0.4\nnameserver fd00::4\noptions timeout:2 attempts:4\n";
        let system = parse_resolv_conf(text).unwrap();
        assert_eq!(
            system.servers,
            vec![
                "10.0.0.4".parse::<IpAddr>().unwrap(),
                "fd00::4".parse().unwrap()
            ]
        );
        assert_eq!(
            (system.timeout, system.attempts),
            (Some(Duration::from_secs(2)), Some(4))
        );
        // glibc's defaults where the file says nothing.
        let silent = parse_resolv_conf(b"nameserver 10.0.0.4\n").unwrap();
        assert_eq!(
            (silent.timeout, silent.attempts),
            (Some(Duration::from_secs(5)), Some(2))
        );
        let error = parse_resolv_conf(b"search only\n").unwrap_err();
        assert!(error.reason.contains("no nameservers"), "{error}");
    }

    /// Docker's embedded DNS in a Linux container: the file names the stub, and its
    /// comments the servers the stub forwards to (Docker's own resolv.conf writer,
    /// `# ExtServers: [host(IP) IP]`).
    #[test]
    fn a_local_stub_is_named_with_its_declared_upstreams() {
        let text = b"# Generated by Docker Engine.\n\nnameserver 127.0.0.11\noptions ndots:0\n\n# Based on host file: '/etc/resolv.conf' (internal resolver)\n# ExtServers: [host(10.0.0.4) 168.63.129.16]\n# Overrides: []\n";
        let system = parse_resolv_conf(text).unwrap();
        let config = discover(None, &[], None, &move || Ok(system.clone())).unwrap();
        assert_eq!(listed(&config), pairs(&[("127.0.0.11:53", "system")]));
        let stub = config.servers[0].stub.clone().unwrap();
        assert_eq!(stub.kind, StubKind::Docker);
        assert_eq!(
            stub.describe(),
            "Docker's embedded DNS stub, forwarding to 10.0.0.4, 168.63.129.16"
        );
        // The system's own limits count with the system's servers.
        assert_eq!(config.timeout_source, TimeoutSource::System);
        assert_eq!(
            (config.timeout, config.attempts),
            (Duration::from_secs(5), 2)
        );

        // systemd-resolved's stub file declares no upstreams; an ordinary server is no stub.
        let resolved =
            parse_resolv_conf(b"nameserver 127.0.0.53\noptions edns0 trust-ad\n").unwrap();
        let config = discover(None, &[], None, &move || Ok(resolved.clone())).unwrap();
        assert_eq!(
            config.servers[0]
                .stub
                .as_ref()
                .map(Stub::describe)
                .as_deref(),
            Some("systemd-resolved's stub; its upstream servers are not declared")
        );
        let config = discover(None, &[], None, &system_one).unwrap();
        assert_eq!(config.servers[0].stub, None);
        // The app's settings win over the system's limits.
        let config = discover(None, &[(WEBSITE_DNS_TIMEOUT, "1")], None, &system_one).unwrap();
        assert_eq!(config.timeout_source, TimeoutSource::WebsiteDnsTimeout);
    }

    /// Older Windows sites sort the VNET's servers and use the first two
    /// (<https://azure.github.io/AppService/2024/01/09/DNS-improvements.html>); the opt-out
    /// is named.
    #[test]
    fn legacy_sort_keeps_the_two_lowest_of_the_vnets_servers() {
        let network = NetworkDns {
            origin: "VNET vnet dhcpOptions.dnsServers".into(),
            entries: vec!["10.0.0.6".into(), "10.0.0.10".into(), "10.0.0.5".into()],
        };
        let settings = AppSettings::default();
        let site = SiteDns {
            legacy_sort: true,
            ..SiteDns::default()
        };
        let config = DnsConfig::discover(&ConfigInputs {
            server_argument: None,
            settings: &settings,
            site: Some(&site),
            network: Some(&network),
            system: &no_system,
            timeout_argument: None,
            attempts_argument: None,
            model: QueryModel::Platform,
            transport: Transport::Udp,
        })
        .unwrap();
        assert_eq!(
            listed(&config),
            pairs(&[("10.0.0.5:53", "network"), ("10.0.0.6:53", "network")])
        );
        assert_eq!(
            config.warnings,
            [
                "the site keeps the legacy DNS sort (dnsLegacySortOrder): it sorts the VNET's DNS servers and asks only the first 2, 10.0.0.5, 10.0.0.6, not 10.0.0.10; opt out (disableVirtualNetworkDnsSorting) to use them all, in the VNET's order"
            ]
        );
        // Without the flag the VNET's order stands, all of it.
        let config = discover(None, &[], Some(&network), &no_system).unwrap();
        assert_eq!(config.servers.len(), 3);
        assert!(config.legacy_sort.is_none());
    }

    /// `dnsMaxCacheTimeout` > `WEBSITE_DNS_MAX_CACHE_TIMEOUT` > 30 s ("Name resolution in
    /// App Service").
    #[test]
    fn cache_time_precedence() {
        let settings = AppSettings::from_pairs([(WEBSITE_DNS_MAX_CACHE_TIMEOUT, "10")]);
        let site = SiteDns {
            cache_secs: Some(0),
            ..SiteDns::default()
        };
        assert_eq!(
            CacheTime::of(Some(&site), &settings),
            CacheTime {
                time: Duration::ZERO,
                setting: Some("dnsMaxCacheTimeout")
            }
        );
        assert_eq!(CacheTime::of(None, &settings).time, Duration::from_secs(10));
        assert_eq!(
            CacheTime::of(None, &AppSettings::default()),
            CacheTime {
                time: DEFAULT_CACHE_TIME,
                setting: None
            }
        );
    }
}
