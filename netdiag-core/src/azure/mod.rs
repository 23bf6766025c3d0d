//! `--azure`: the app's network configuration read live from Azure Resource Manager, from
//! inside the app, instead of an export typed on another machine.
//!
//! A token comes from a file, the App Service managed identity or its older MSI endpoint
//! ([`token`]); requests go through one small HTTP client with one deadline for the whole
//! gathering, `Retry-After` on 429/5xx, `nextLink` paging and a cap on bodies ([`http`]);
//! the gatherer follows references from the app outward and stops at what the checks need
//! ([`gather`]). What it reads becomes a [`Snapshot`] like an export's, and can be saved as
//! one ARM-shaped file per resource that `--network DIR` reads back.
//!
//! Secrets: the token and the identity header are sent as headers only; every message
//! that could carry them is passed through [`Secrets::redact`] first.

mod gather;
mod http;
mod token;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

pub use gather::{Gatherer, Unavailable};

use crate::snapshot::SnapshotError;

/// Azure Resource Manager in the public cloud.
pub const DEFAULT_ENDPOINT: &str = "https://management.azure.com";
/// How long the whole gathering may take by default.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// Larger answers are refused: one resource or page of a list is a few hundred KB.
pub const MAX_BODY_BYTES: u64 = 16 * 1024 * 1024;

/// What `--azure` and its companion flags ask for.
#[derive(Clone, Default)]
pub struct AzureOptions {
    /// `--arm-endpoint`; `None`: the cloud the app runs in (`WEBSITE_HOSTNAME`), else the
    /// public cloud.
    pub endpoint: Option<String>,
    /// `--arm-token-file`.
    pub token_file: Option<PathBuf>,
    /// `--app`: the site's resource id.
    pub app: Option<String>,
    /// `--identity-client-id`: a user-assigned identity.
    pub client_id: Option<String>,
    /// `--azure-timeout`: the whole gathering.
    pub timeout: Duration,
    /// `--save-network`.
    pub save: Option<PathBuf>,
    /// `--force`: save beside another app's export.
    pub force: bool,
    /// Counts the requests on a terminal.
    pub progress: Option<Arc<dyn Progress>>,
    /// Ctrl-C: the gathering stops and keeps what it read.
    pub interrupt: crate::vocab::Interrupt,
}

impl std::fmt::Debug for AzureOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AzureOptions")
            .field("endpoint", &self.endpoint)
            .field("token_file", &self.token_file)
            .field("app", &self.app)
            .field("client_id", &self.client_id)
            .field("timeout", &self.timeout)
            .field("save", &self.save)
            .finish_non_exhaustive()
    }
}

/// Told how many requests are done out of how many are known so far.
pub trait Progress: Send + Sync {
    fn update(&self, done: usize, total: usize);
    /// The gathering is over (clear the line).
    fn finish(&self) {}
}

/// The process environment the gatherer reads: where the app is and how to get a token.
/// Read once; never reported.
#[derive(Debug, Clone, Default)]
pub struct AzureEnvironment {
    pub owner_name: Option<String>,
    pub resource_group: Option<String>,
    pub site_name: Option<String>,
    pub slot_name: Option<String>,
    pub identity_endpoint: Option<String>,
    pub identity_header: Option<String>,
    pub msi_endpoint: Option<String>,
    pub msi_secret: Option<String>,
    /// `WEBSITE_HOSTNAME`: its suffix names the cloud the app runs in.
    pub hostname: Option<String>,
    /// `HTTPS_PROXY`, else `HTTP_PROXY`, else `ALL_PROXY` (either case): for Azure
    /// Resource Manager only.
    pub proxy: Option<String>,
    /// `NO_PROXY` (either case).
    pub no_proxy: Option<String>,
}

/// The clouds App Service runs in: the suffix of an app's host name, and that cloud's
/// Azure Resource Manager ("Azure Government": management.usgovcloudapi.net,
/// <https://learn.microsoft.com/azure/azure-government/compare-azure-government-global-azure>;
/// "Azure China": management.chinacloudapi.cn,
/// <https://learn.microsoft.com/azure/china/resources-developer-guide>).
const CLOUDS: [(&str, &str); 3] = [
    (".azurewebsites.net", DEFAULT_ENDPOINT),
    (".azurewebsites.us", "https://management.usgovcloudapi.net"),
    (".chinacloudsites.cn", "https://management.chinacloudapi.cn"),
];

impl AzureEnvironment {
    /// The variables as `var` gives them (the binaries pass the process environment;
    /// tests pass a map), blank ones as absent.
    pub fn from_vars(var: impl Fn(&str) -> Option<String>) -> Self {
        let var = |name: &str| var(name).filter(|v| !v.trim().is_empty());
        Self {
            owner_name: var("WEBSITE_OWNER_NAME"),
            resource_group: var("WEBSITE_RESOURCE_GROUP"),
            site_name: var("WEBSITE_SITE_NAME"),
            slot_name: var("WEBSITE_SLOT_NAME"),
            identity_endpoint: var("IDENTITY_ENDPOINT"),
            identity_header: var("IDENTITY_HEADER"),
            msi_endpoint: var("MSI_ENDPOINT"),
            msi_secret: var("MSI_SECRET"),
            hostname: var("WEBSITE_HOSTNAME"),
            proxy: [
                "HTTPS_PROXY",
                "https_proxy",
                "HTTP_PROXY",
                "http_proxy",
                "ALL_PROXY",
                "all_proxy",
            ]
            .iter()
            .find_map(|name| var(name)),
            no_proxy: var("NO_PROXY").or_else(|| var("no_proxy")),
        }
    }

    /// Azure Resource Manager's URL, without a trailing `/`: `--arm-endpoint`, else the
    /// cloud of the app's host name, else the public cloud.
    pub fn endpoint(&self, given: Option<&str>) -> String {
        if let Some(given) = given {
            return given.trim().trim_end_matches('/').to_owned();
        }
        let host = self
            .hostname
            .as_deref()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase();
        CLOUDS
            .iter()
            .find(|(suffix, _)| host.ends_with(suffix))
            .map_or(DEFAULT_ENDPOINT, |(_, endpoint)| endpoint)
            .to_owned()
    }

    /// The proxy Azure Resource Manager at `endpoint` is reached through: none for a
    /// loopback or link-local host or one `NO_PROXY` names. The identity endpoint never
    /// uses it.
    pub(crate) fn proxy_for(&self, endpoint: &str) -> Result<Option<ureq::Proxy>, AzureError> {
        let Some(proxy) = &self.proxy else {
            return Ok(None);
        };
        let host = endpoint
            .parse::<ureq::http::Uri>()
            .ok()
            .and_then(|u| u.host().map(str::to_owned))
            .unwrap_or_default();
        if http::stays_on_this_machine(&host) || no_proxy_names(self.no_proxy.as_deref(), &host) {
            return Ok(None);
        }
        ureq::Proxy::new(proxy).map(Some).map_err(|e| {
            AzureError::Endpoint(format!(
                "the proxy '{}' (HTTPS_PROXY/HTTP_PROXY/ALL_PROXY) is not usable: {e}",
                proxy_without_password(proxy)
            ))
        })
    }

    /// The app's resource id: `--app`, else from the platform's variables.
    pub fn app_id(&self, app: Option<&str>) -> Result<String, AzureError> {
        if let Some(app) = app {
            let trimmed = app.trim().trim_end_matches('/');
            let lower = trimmed.to_ascii_lowercase();
            if !lower.starts_with("/subscriptions/")
                || !lower.contains("/providers/microsoft.web/sites/")
            {
                return Err(AzureError::App(format!(
                    "--app '{app}' is not an App Service resource id (/subscriptions/SUB/resourceGroups/RG/providers/Microsoft.Web/sites/NAME)"
                )));
            }
            return Ok(trimmed.to_owned());
        }
        let missing: Vec<&str> = [
            ("WEBSITE_OWNER_NAME", &self.owner_name),
            ("WEBSITE_RESOURCE_GROUP", &self.resource_group),
            ("WEBSITE_SITE_NAME", &self.site_name),
        ]
        .iter()
        .filter(|(_, v)| v.is_none())
        .map(|(name, _)| *name)
        .collect();
        if !missing.is_empty() {
            return Err(AzureError::App(format!(
                "which app to read is unknown: {} not set (outside App Service, give --app RESOURCE_ID)",
                missing.join(", ")
            )));
        }
        let owner = self.owner_name.as_deref().unwrap_or_default();
        let subscription = owner.split('+').next().unwrap_or(owner);
        let mut id = format!(
            "/subscriptions/{subscription}/resourceGroups/{}/providers/Microsoft.Web/sites/{}",
            self.resource_group.as_deref().unwrap_or_default(),
            self.site_name.as_deref().unwrap_or_default()
        );
        if let Some(slot) = self
            .slot_name
            .as_deref()
            .filter(|s| !s.eq_ignore_ascii_case("Production"))
        {
            id.push_str("/slots/");
            id.push_str(slot);
        }
        Ok(id)
    }
}

/// Whether `NO_PROXY` (comma-separated: `*`, host names matched with their subdomains,
/// `.suffix`, IP addresses and CIDR blocks, as curl reads it) exempts `host`.
fn no_proxy_names(no_proxy: Option<&str>, host: &str) -> bool {
    let host = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_ascii_lowercase();
    no_proxy
        .into_iter()
        .flat_map(|n| n.split(','))
        .any(|entry| {
            let entry = entry.trim().to_ascii_lowercase();
            let entry = entry.trim_start_matches("*.").trim_start_matches('.');
            if entry.is_empty() {
                return false;
            }
            if entry == "*" {
                return true;
            }
            if let (Ok(net), Ok(ip)) = (
                entry.parse::<ipnet::IpNet>(),
                host.parse::<std::net::IpAddr>(),
            ) {
                return net.contains(&ip);
            }
            host == entry || host.ends_with(&format!(".{entry}"))
        })
}

/// A proxy URL as it may be printed: without a password.
fn proxy_without_password(proxy: &str) -> String {
    match (proxy.find("://"), proxy.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            format!("{}://***@{}", &proxy[..scheme], &proxy[at + 1..])
        }
        (None, Some(at)) => format!("***@{}", &proxy[at + 1..]),
        _ => proxy.to_owned(),
    }
}

/// Why `--azure` could not gather anything (exit 2). Messages never carry a secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AzureError {
    /// No token source applies: outside App Service (the three ways), or inside an app
    /// whose managed identity is off (how to turn it on).
    #[error("{}", no_token_message(.0.as_ref()))]
    NoToken(Option<(String, String)>),
    /// Several requirements are missing at once: all of them, in one line.
    #[error("--azure needs more: {}", .0.join("; and "))]
    Needs(Vec<String>),
    /// Azure Resource Manager cannot be reached from here.
    #[error(
        "the app cannot reach Azure Resource Manager at {endpoint} ({message}): inside the app this is usually Route All with an NSG or firewall on the way; allow the AzureResourceManager service tag outbound on 443 (and a proxy, if this network needs one, through HTTPS_PROXY)"
    )]
    Unreachable { endpoint: String, message: String },
    /// The token source answered with an error, or its answer had no token.
    #[error("no token from {source_name} ({endpoint}): {message}")]
    Token {
        source_name: &'static str,
        endpoint: String,
        message: String,
    },
    /// The token file could not be read.
    #[error("--arm-token-file {path}: {message}")]
    TokenFile { path: String, message: String },
    /// Which app to read.
    #[error("{0}")]
    App(String),
    /// `--arm-endpoint` (or an identity endpoint) that may not be used.
    #[error("{0}")]
    Endpoint(String),
    /// Ctrl-C: the gathering stopped; what was read so far is kept.
    #[error("interrupted while reading the configuration from Azure")]
    Interrupted,
    /// The deadline passed.
    #[error(
        "reading Azure configuration took longer than --azure-timeout {timeout} (waiting for GET {url})"
    )]
    Timeout { timeout: String, url: String },
    /// Azure Resource Manager answered 401: the token is expired or for another cloud.
    #[error(
        "Azure Resource Manager at {endpoint} rejected the token from {source_name} ({answer}: {message}): it has expired, or it is for another cloud than this endpoint's"
    )]
    Rejected {
        endpoint: String,
        source_name: String,
        answer: String,
        message: String,
    },
    /// A request failed below HTTP, or an answer could not be used.
    #[error("GET {url}: {message}")]
    Request { url: String, message: String },
    /// `--save-network`.
    #[error("--save-network {path}: {message}")]
    Save { path: String, message: String },
    /// A gathered resource the snapshot loader refused.
    #[error(transparent)]
    Snapshot(#[from] SnapshotError),
}

/// `--azure` without a token: the three ways outside App Service; inside an app (its
/// resource group and name), how to turn on its managed identity.
fn no_token_message(app: Option<&(String, String)>) -> String {
    match app {
        Some((group, site)) => format!(
            "--azure needs a token, and this app has no managed identity: turn on the app's managed identity: az webapp identity assign -g {group} -n {site} (then grant it Reader as README's --azure section says), or give --arm-token-file PATH"
        ),
        None => "--azure needs a token: give --arm-token-file PATH (e.g. from az account get-access-token --query accessToken -o tsv), or run inside App Service with a managed identity (IDENTITY_ENDPOINT and IDENTITY_HEADER, or the older MSI_ENDPOINT and MSI_SECRET)".to_owned(),
    }
}

impl AzureEnvironment {
    /// Whether a token source applies (a file, or an identity endpoint).
    pub(crate) fn has_identity(&self) -> bool {
        (self.identity_endpoint.is_some() && self.identity_header.is_some())
            || (self.msi_endpoint.is_some() && self.msi_secret.is_some())
    }

    /// The error for a missing token: inside App Service, with the app's names.
    pub(crate) fn no_token(&self) -> AzureError {
        AzureError::NoToken(self.resource_group.clone().zip(self.site_name.clone()))
    }
}

/// Values that must never be printed, and their removal from text.
#[derive(Clone, Default)]
pub(crate) struct Secrets(Vec<String>);

impl Secrets {
    pub(crate) fn add(&mut self, secret: &str) {
        if !secret.is_empty() {
            self.0.push(secret.to_owned());
        }
    }

    pub(crate) fn redact(&self, text: &str) -> String {
        self.0.iter().fold(text.to_owned(), |text, secret| {
            text.replace(secret, "[redacted]")
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn platform(slot: Option<&str>) -> AzureEnvironment {
        AzureEnvironment {
            owner_name: Some(
                "0b7e5a3d-0000-4000-8000-0000000fab01+rg-fabrikam-WestEuropewebspace".into(),
            ),
            resource_group: Some("rg-fabrikam".into()),
            site_name: Some("fabrikam-api".into()),
            slot_name: slot.map(str::to_owned),
            ..AzureEnvironment::default()
        }
    }

    #[test]
    fn the_app_id_comes_from_the_platforms_variables_with_its_slot() {
        let site = "/subscriptions/0b7e5a3d-0000-4000-8000-0000000fab01/resourceGroups/rg-fabrikam/providers/Microsoft.Web/sites/fabrikam-api";
        assert_eq!(platform(None).app_id(None).unwrap(), site);
        assert_eq!(platform(Some("Production")).app_id(None).unwrap(), site);
        assert_eq!(
            platform(Some("staging")).app_id(None).unwrap(),
            format!("{site}/slots/staging")
        );
        // --app wins, and must be a site's id.
        assert_eq!(
            platform(None).app_id(Some(&format!("{site}/"))).unwrap(),
            site
        );
        assert!(platform(None).app_id(Some("fabrikam-api")).is_err());
        assert!(
            platform(None)
                .app_id(Some("/resourceGroups/rg/providers/Microsoft.Web/sites/a"))
                .is_err()
        );
    }

    #[test]
    fn the_cloud_comes_from_the_apps_host_name() {
        let on = |host: &str| AzureEnvironment {
            hostname: Some(host.to_owned()),
            ..AzureEnvironment::default()
        };
        assert_eq!(
            on("a.azurewebsites.us").endpoint(None),
            "https://management.usgovcloudapi.net"
        );
        assert_eq!(
            on("a.chinacloudsites.cn").endpoint(None),
            "https://management.chinacloudapi.cn"
        );
        assert_eq!(on("a.azurewebsites.net").endpoint(None), DEFAULT_ENDPOINT);
        assert_eq!(AzureEnvironment::default().endpoint(None), DEFAULT_ENDPOINT);
        assert_eq!(
            on("a.azurewebsites.us").endpoint(Some("http://127.0.0.1:9/")),
            "http://127.0.0.1:9"
        );
    }

    #[test]
    fn no_proxy_exempts_hosts_suffixes_and_blocks() {
        let names = |list: &str, host: &str| no_proxy_names(Some(list), host);
        assert!(names("management.azure.com", "management.azure.com"));
        assert!(names("azure.com", "management.azure.com"));
        assert!(names(".azure.com", "management.azure.com"));
        assert!(names("*.azure.com", "management.azure.com"));
        assert!(names("localhost, *", "management.azure.com"));
        assert!(names("10.0.0.0/8", "10.1.2.3"));
        assert!(!names("notazure.com", "management.azure.com"));
        assert!(!names("", "management.azure.com"));
        assert!(!no_proxy_names(None, "management.azure.com"));
    }

    #[test]
    fn the_proxy_is_for_arm_only_and_never_for_this_machine() {
        let environment = AzureEnvironment {
            proxy: Some("http://user:pw@127.0.0.1:3128".into()),
            no_proxy: Some("internal.example".into()),
            ..AzureEnvironment::default()
        };
        assert!(environment.proxy_for(DEFAULT_ENDPOINT).unwrap().is_some());
        assert!(
            environment
                .proxy_for("http://127.0.0.1:8080")
                .unwrap()
                .is_none()
        );
        assert!(
            environment
                .proxy_for("http://[::1]:8080")
                .unwrap()
                .is_none()
        );
        assert!(
            environment
                .proxy_for("http://localhost:8080")
                .unwrap()
                .is_none()
        );
        assert!(
            environment
                .proxy_for("https://arm.internal.example")
                .unwrap()
                .is_none()
        );
        assert_eq!(
            proxy_without_password("http://user:pw@127.0.0.1:3128"),
            "http://***@127.0.0.1:3128"
        );
    }

    #[test]
    fn secrets_are_redacted_wherever_they_appear() {
        let mut secrets = Secrets::default();
        secrets.add("s3cr3t");
        secrets.add("");
        assert_eq!(
            secrets.redact("a s3cr3t b s3cr3t"),
            "a [redacted] b [redacted]"
        );
    }
}
