//! One HTTP client for the identity endpoint and Azure Resource Manager: `ureq` with
//! rustls (the platform's roots), one deadline for the whole gathering, `Retry-After` on
//! 429 and 5xx (at most 3 retries, within the deadline), bodies capped at
//! [`MAX_BODY_BYTES`], no redirects, and plain `http://` only to this machine.

use std::fmt::Write as _;
use std::net::IpAddr;
use std::time::{Duration, Instant};

use ureq::http::Uri;

use super::{AzureError, MAX_BODY_BYTES, Secrets};
use crate::vocab::Interrupt;

/// How often a throttled or failing request is tried again.
const RETRIES: u32 = 3;
/// The wait when a 429/5xx answer names none.
const DEFAULT_RETRY_AFTER: Duration = Duration::from_secs(1);

/// A status and body, as the server answered (after any retries).
#[derive(Debug, Clone)]
pub(crate) struct Answer {
    pub status: u16,
    pub body: String,
    /// The statuses of the tries before this one (429s, 5xx).
    pub earlier: Vec<u16>,
}

pub(crate) struct Http {
    /// Azure Resource Manager: through the proxy, when one applies.
    agent: ureq::Agent,
    /// The identity endpoint: always direct (loopback or link-local; its header must
    /// never reach a proxy).
    direct: ureq::Agent,
    deadline: Instant,
    timeout: Duration,
    secrets: Secrets,
    interrupt: Interrupt,
}

/// What one request brought, read on its own thread (so that Ctrl-C need not wait for it).
struct Raw {
    status: u16,
    location: Option<String>,
    retry_after: Option<Duration>,
    body: String,
}

/// Whether a host is this machine or the link-local network (where App Service on Linux
/// serves its identity endpoint): never reached through a proxy.
pub(crate) fn stays_on_this_machine(host: &str) -> bool {
    plain_http_allowed(host, true)
}

/// Whether plain HTTP may be used: the request then never leaves the machine (tests, and
/// the platform's identity endpoint). `link_local` admits 169.254.0.0/16, where App
/// Service on Linux serves its identity endpoint.
fn plain_http_allowed(host: &str, link_local: bool) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    if host.eq_ignore_ascii_case("localhost") {
        return true;
    }
    match host.parse::<IpAddr>() {
        Ok(IpAddr::V4(ip)) => ip.is_loopback() || (link_local && ip.is_link_local()),
        Ok(IpAddr::V6(ip)) => ip.is_loopback(),
        Err(_) => false,
    }
}

/// Checks an endpoint before anything is sent to it: `https://`, or `http://` to this
/// machine. `what` names it in the message (`--arm-endpoint`, `IDENTITY_ENDPOINT`).
pub(crate) fn check_endpoint(url: &str, what: &str, link_local: bool) -> Result<Uri, AzureError> {
    let uri: Uri = url
        .parse()
        .map_err(|e| AzureError::Endpoint(format!("{what} '{url}' is not a URL: {e}")))?;
    let host = uri.host().unwrap_or_default();
    match uri.scheme_str() {
        Some("https") if !host.is_empty() => Ok(uri),
        Some("http") if plain_http_allowed(host, link_local) => Ok(uri),
        Some("http") => Err(AzureError::Endpoint(format!(
            "{what} '{url}' uses plain http to another machine: only https is allowed there (http only to this machine)"
        ))),
        _ => Err(AzureError::Endpoint(format!(
            "{what} '{url}' is not an https:// URL"
        ))),
    }
}

impl Http {
    /// `proxy`: for Azure Resource Manager (`None`: direct, and never the environment's).
    pub(crate) fn new(
        timeout: Duration,
        secrets: Secrets,
        interrupt: Interrupt,
        proxy: Option<ureq::Proxy>,
    ) -> Self {
        // ring, not the larger aws-lc-rs; the platform's roots (the certificate store on
        // Windows, /etc/ssl on Linux), not a bundled copy.
        let tls = ureq::tls::TlsConfig::builder()
            .unversioned_rustls_crypto_provider(std::sync::Arc::new(
                rustls::crypto::ring::default_provider(),
            ))
            .root_certs(ureq::tls::RootCerts::PlatformVerifier)
            .build();
        // ureq reads the proxy variables itself unless told: each agent is told.
        let agent = |proxy: Option<ureq::Proxy>| -> ureq::Agent {
            ureq::Agent::config_builder()
                .http_status_as_error(false)
                .max_redirects(0)
                .tls_config(tls.clone())
                .proxy(proxy)
                .user_agent(format!("netdiag/{}", crate::vocab::VERSION))
                .build()
                .into()
        };
        Self {
            agent: agent(proxy),
            direct: agent(None),
            deadline: Instant::now() + timeout,
            timeout,
            secrets,
            interrupt,
        }
    }

    pub(crate) fn secrets_mut(&mut self) -> &mut Secrets {
        &mut self.secrets
    }

    /// `text` without any secret this client was given (the token, identity headers).
    pub(crate) fn redact(&self, text: &str) -> String {
        self.secrets.redact(text)
    }

    fn timed_out(&self, url: &str) -> AzureError {
        AzureError::Timeout {
            timeout: humantime::format_duration(self.timeout).to_string(),
            url: self.secrets.redact(url),
        }
    }

    /// GET `url` with `headers`, within the deadline; 429 and 5xx are tried again after
    /// `Retry-After` while the deadline allows.
    pub(crate) fn get(&self, url: &str, headers: &[(&str, &str)]) -> Result<Answer, AzureError> {
        self.get_with(&self.agent, url, headers)
    }

    /// GET to the identity endpoint: never through a proxy.
    pub(crate) fn get_direct(
        &self,
        url: &str,
        headers: &[(&str, &str)],
    ) -> Result<Answer, AzureError> {
        self.get_with(&self.direct, url, headers)
    }

    fn get_with(
        &self,
        agent: &ureq::Agent,
        url: &str,
        headers: &[(&str, &str)],
    ) -> Result<Answer, AzureError> {
        let mut earlier = Vec::new();
        loop {
            let remaining = self
                .deadline
                .checked_duration_since(Instant::now())
                .filter(|d| !d.is_zero())
                .ok_or_else(|| self.timed_out(url))?;
            let (mut answer, retry_after) = self.once(agent, url, headers, remaining)?;
            let retryable = answer.status == 429 || answer.status >= 500;
            let wait = retry_after.unwrap_or(DEFAULT_RETRY_AFTER);
            // Waiting past the deadline is no use: the answer then stands as it is.
            if !retryable
                || earlier.len() == RETRIES as usize
                || Instant::now() + wait >= self.deadline
            {
                answer.earlier = earlier;
                return Ok(answer);
            }
            earlier.push(answer.status);
            if self.interrupt.sleep(wait) {
                return Err(AzureError::Interrupted);
            }
        }
    }

    fn once(
        &self,
        agent: &ureq::Agent,
        url: &str,
        headers: &[(&str, &str)],
        remaining: Duration,
    ) -> Result<(Answer, Option<Duration>), AzureError> {
        if self.interrupt.is_set() {
            return Err(AzureError::Interrupted);
        }
        let fail = |error: &ureq::Error| match error {
            ureq::Error::Timeout(_) => self.timed_out(url),
            ureq::Error::BodyExceedsLimit(limit) => AzureError::Request {
                url: self.secrets.redact(url),
                message: format!(
                    "the answer is larger than {} MiB: refused",
                    limit / (1024 * 1024)
                ),
            },
            ureq::Error::Io(_)
            | ureq::Error::HostNotFound
            | ureq::Error::ConnectionFailed
            | ureq::Error::ConnectProxyFailed(_) => AzureError::Unreachable {
                endpoint: endpoint_of(url),
                message: self.secrets.redact(&error.to_string()),
            },
            other => AzureError::Request {
                url: self.secrets.redact(url),
                message: self.secrets.redact(&other.to_string()),
            },
        };
        // The request runs on a thread of its own; this one waits for it or for Ctrl-C,
        // whichever comes first (an abandoned request ends with the process).
        let (sender, receiver) = std::sync::mpsc::channel();
        let agent = agent.clone();
        let owned_url = url.to_owned();
        let owned_headers: Vec<(String, String)> = headers
            .iter()
            .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
            .collect();
        std::thread::spawn(move || {
            let _ = sender.send(call(&agent, &owned_url, &owned_headers, remaining));
        });
        let raw = loop {
            match receiver.recv_timeout(Interrupt::POLL) {
                Ok(result) => break result.map_err(|e| fail(&e))?,
                Err(std::sync::mpsc::RecvTimeoutError::Timeout) if self.interrupt.is_set() => {
                    return Err(AzureError::Interrupted);
                }
                Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {}
                Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
                    return Err(AzureError::Request {
                        url: self.secrets.redact(url),
                        message: "the request's thread ended without an answer".to_owned(),
                    });
                }
            }
        };
        let Raw {
            status,
            location,
            retry_after,
            body,
        } = raw;
        if let Some(location) = location {
            return Err(AzureError::Request {
                url: self.secrets.redact(url),
                message: format!(
                    "redirected ({status}) to {}: refused, the token is sent to the endpoint only",
                    self.secrets.redact(&location)
                ),
            });
        }
        Ok((
            Answer {
                status,
                body,
                earlier: Vec::new(),
            },
            retry_after,
        ))
    }
}

/// The scheme and authority of a URL: `https://management.azure.com`.
fn endpoint_of(url: &str) -> String {
    match url.find("://") {
        Some(at) => {
            let rest = &url[at + 3..];
            let end = rest.find('/').map_or(url.len(), |e| at + 3 + e);
            url[..end].to_owned()
        }
        None => url.to_owned(),
    }
}

/// `application/x-www-form-urlencoded`-style escaping for a query value.
pub(crate) fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(char::from(byte));
            }
            other => {
                let _ = write!(out, "%{other:02X}");
            }
        }
    }
    out
}

/// One GET with ureq: the status, a redirect's location, `Retry-After`, the body (capped).
fn call(
    agent: &ureq::Agent,
    url: &str,
    headers: &[(String, String)],
    remaining: Duration,
) -> Result<Raw, ureq::Error> {
    let mut request = agent
        .get(url)
        .config()
        .timeout_global(Some(remaining))
        .build();
    for (name, value) in headers {
        request = request.header(name.as_str(), value.as_str());
    }
    let mut response = request.call()?;
    let status = response.status().as_u16();
    let location = response.status().is_redirection().then(|| {
        response
            .headers()
            .get("location")
            .and_then(|l| l.to_str().ok())
            .unwrap_or("(no location)")
            .to_owned()
    });
    if location.is_some() {
        return Ok(Raw {
            status,
            location,
            retry_after: None,
            body: String::new(),
        });
    }
    let retry_after = response
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(Duration::from_secs);
    let body = response
        .body_mut()
        .with_config()
        .limit(MAX_BODY_BYTES)
        .read_to_string()?;
    Ok(Raw {
        status,
        location: None,
        retry_after,
        body,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_http_only_to_this_machine() {
        assert!(check_endpoint("http://127.0.0.1:8080", "--arm-endpoint", false).is_ok());
        assert!(check_endpoint("http://[::1]:8080/", "--arm-endpoint", false).is_ok());
        assert!(check_endpoint("https://management.azure.com", "--arm-endpoint", false).is_ok());
        let error = check_endpoint("http://management.azure.com", "--arm-endpoint", false)
            .unwrap_err()
            .to_string();
        assert!(error.contains("plain http to another machine"), "{error}");
        assert!(
            check_endpoint(
                "http://169.254.129.2:8081/msi/token",
                "IDENTITY_ENDPOINT",
                true
            )
            .is_ok()
        );
        assert!(
            check_endpoint(
                "http://169.254.129.2:8081/msi/token",
                "--arm-endpoint",
                false
            )
            .is_err()
        );
        assert!(check_endpoint("ftp://x", "--arm-endpoint", false).is_err());
    }

    #[test]
    fn query_values_are_escaped() {
        assert_eq!(
            encode("https://management.azure.com/"),
            "https%3A%2F%2Fmanagement.azure.com%2F"
        );
    }
}
