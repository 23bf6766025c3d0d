//! One TCP connect attempt under our own deadline, and the classification of its failure.
//!
//! Linux would retry an unanswered SYN for about 127 s; Windows gives up after 21 s
//! (3 + 6 + 12 s of retransmissions). The app runs on Windows workers, so the probe
//! enforces 21 s itself, whatever the OS. The clock starts right before the `connect`
//! call (the socket already exists) and stops when the handshake completes, so the time
//! reported is the handshake, not our set-up. Each connection is closed at once.

use std::io;
use std::net::SocketAddr;
use std::time::{Duration, Instant, SystemTime};

use serde::Serialize;
use tokio::net::TcpSocket;

use crate::vocab::millis;

/// What happened to one attempt. The names are part of the report contract.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Serialize,
    serde::Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum TcpOutcome {
    /// The handshake completed.
    Connected,
    /// RST in answer to the SYN: the host is up but nothing listens on the port.
    Refused,
    /// No answer within the deadline: something drops the packets.
    Timeout,
    /// No route, or an ICMP unreachable came back.
    Unreachable,
    /// The connection was reset or aborted during the handshake.
    Reset,
    /// The name did not resolve, so no connection was tried.
    Dns,
    /// Anything else the OS reported.
    Error,
    /// Ctrl-C cut the attempt short: neither a success nor a failure.
    Interrupted,
}

impl TcpOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Connected => "connected",
            Self::Refused => "refused",
            Self::Timeout => "timeout",
            Self::Unreachable => "unreachable",
            Self::Reset => "reset",
            Self::Dns => "dns",
            Self::Error => "error",
            Self::Interrupted => "interrupted",
        }
    }

    /// What this class usually means, in the words the output uses.
    pub fn meaning(self) -> &'static str {
        match self {
            Self::Connected => "the port is open",
            Self::Refused => "the host answered, but nothing listens on that port",
            Self::Timeout => "no answer at all: a firewall, an NSG or a route drops the packets",
            Self::Unreachable => "no route to the host, or an ICMP unreachable came back",
            Self::Reset => "something on the path or the service closed the connection",
            Self::Dns => "the name did not resolve, so no connection was tried",
            Self::Error => "the operating system refused the attempt",
            Self::Interrupted => "the attempt was cut short before it ended",
        }
    }
}

/// One attempt, as the report shows it.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct TcpAttempt {
    pub seq: u32,
    /// When the attempt started (RFC 3339).
    #[serde(serialize_with = "rfc3339")]
    #[schemars(with = "String")]
    pub at: SystemTime,
    /// The address connected to; `null` when the name did not resolve.
    pub address: Option<SocketAddr>,
    /// The source address and port the connection used: the app's own address in its
    /// integration subnet or point-to-site pool (what the NSG analysis is about); `null`
    /// when no connection was made.
    pub local: Option<SocketAddr>,
    pub outcome: TcpOutcome,
    #[serde(rename = "elapsed_ms", serialize_with = "millis")]
    #[schemars(with = "f64")]
    pub elapsed: Duration,
    /// The operating system's error text, for failures it reported.
    pub message: Option<String>,
    /// The OS error number (errno on Linux, WSA error on Windows).
    pub os_error: Option<i32>,
}

fn rfc3339<S: serde::Serializer>(at: &SystemTime, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&humantime::format_rfc3339_millis(*at).to_string())
}

/// Classifies an OS connect error. Rust maps errno and WSA codes to the same kinds, so
/// this holds on Linux and Windows alike.
pub fn classify(error: &io::Error) -> TcpOutcome {
    match error.kind() {
        io::ErrorKind::ConnectionRefused => TcpOutcome::Refused,
        io::ErrorKind::TimedOut => TcpOutcome::Timeout,
        io::ErrorKind::HostUnreachable | io::ErrorKind::NetworkUnreachable => {
            TcpOutcome::Unreachable
        }
        io::ErrorKind::ConnectionReset | io::ErrorKind::ConnectionAborted => TcpOutcome::Reset,
        _ => TcpOutcome::Error,
    }
}

/// Connects once to `address`, giving up after `timeout`. Never waits longer than that
/// (plus scheduling), whatever the OS would do.
pub async fn connect_once(seq: u32, address: SocketAddr, timeout: Duration) -> TcpAttempt {
    let at = SystemTime::now();
    let attempt = |outcome, elapsed, error: Option<&io::Error>| TcpAttempt {
        seq,
        at,
        address: Some(address),
        local: None,
        outcome,
        elapsed,
        message: error.map(ToString::to_string),
        os_error: error.and_then(io::Error::raw_os_error),
    };
    let socket = match if address.is_ipv4() {
        TcpSocket::new_v4()
    } else {
        TcpSocket::new_v6()
    } {
        Ok(socket) => socket,
        Err(error) => return attempt(TcpOutcome::Error, Duration::ZERO, Some(&error)),
    };
    let started = Instant::now();
    let result = tokio::time::timeout(timeout, socket.connect(address)).await;
    let elapsed = started.elapsed();
    match result {
        // The stream is dropped here: closed at once, nothing sent.
        Ok(Ok(stream)) => TcpAttempt {
            local: stream.local_addr().ok(),
            ..attempt(TcpOutcome::Connected, elapsed, None)
        },
        Ok(Err(error)) => attempt(classify(&error), elapsed, Some(&error)),
        Err(_deadline) => attempt(TcpOutcome::Timeout, elapsed, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn os_errors_are_classified_portably() {
        let kinds = [
            (io::ErrorKind::ConnectionRefused, TcpOutcome::Refused),
            (io::ErrorKind::TimedOut, TcpOutcome::Timeout),
            (io::ErrorKind::HostUnreachable, TcpOutcome::Unreachable),
            (io::ErrorKind::NetworkUnreachable, TcpOutcome::Unreachable),
            (io::ErrorKind::ConnectionReset, TcpOutcome::Reset),
            (io::ErrorKind::ConnectionAborted, TcpOutcome::Reset),
            (io::ErrorKind::PermissionDenied, TcpOutcome::Error),
            (io::ErrorKind::AddrNotAvailable, TcpOutcome::Error),
        ];
        for (kind, expected) in kinds {
            assert_eq!(classify(&io::Error::from(kind)), expected, "{kind:?}");
        }
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn linux_errno_values() {
        // ECONNREFUSED, ETIMEDOUT, EHOSTUNREACH, ENETUNREACH, ECONNRESET, EACCES
        let codes = [
            (111, TcpOutcome::Refused),
            (110, TcpOutcome::Timeout),
            (113, TcpOutcome::Unreachable),
            (101, TcpOutcome::Unreachable),
            (104, TcpOutcome::Reset),
            (13, TcpOutcome::Error),
        ];
        for (code, expected) in codes {
            assert_eq!(
                classify(&io::Error::from_raw_os_error(code)),
                expected,
                "{code}"
            );
        }
    }

    #[cfg(windows)]
    #[test]
    fn windows_wsa_error_values() {
        // WSAECONNREFUSED, WSAETIMEDOUT, WSAEHOSTUNREACH, WSAENETUNREACH, WSAECONNRESET
        let codes = [
            (10061, TcpOutcome::Refused),
            (10060, TcpOutcome::Timeout),
            (10065, TcpOutcome::Unreachable),
            (10051, TcpOutcome::Unreachable),
            (10054, TcpOutcome::Reset),
        ];
        for (code, expected) in codes {
            assert_eq!(
                classify(&io::Error::from_raw_os_error(code)),
                expected,
                "{code}"
            );
        }
    }
}
