//! Parsing of what users type: DNS server addresses (`IP`, `IP:port`, `[IPv6]:port`) and
//! host names. Every error names the text it refused and why, so the one `error:` line a
//! tool prints is enough to fix the command.

use std::net::{IpAddr, Ipv6Addr, SocketAddr};

use hickory_proto::rr::Name;

/// The DNS port, used when a server is given without one.
pub const DNS_PORT: u16 = 53;
/// `tcpping`'s port when none is given, as Kudu's.
pub const DEFAULT_TCP_PORT: u16 = 80;
/// RFC 1035: a label is at most 63 octets.
pub const MAX_LABEL_LEN: usize = 63;
/// RFC 1035: a name is at most 253 characters in text form (255 octets on the wire).
pub const MAX_NAME_LEN: usize = 253;

/// Why a server address or host name was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AddrError {
    #[error("'{input}' is not an IP address: expected IP, IP:port or [IPv6]:port")]
    NotAnAddress { input: String },
    #[error("'{input}': port '{port}' is not a port number (1-65535)")]
    BadPort { input: String, port: String },
    #[error("'{input}': '[' is never closed; write IPv6 with a port as [fd00::4]:53")]
    UnclosedBracket { input: String },
    #[error("the host name is empty")]
    EmptyName,
    #[error("'{input}' is a URL: give host:port, not a URL: tcpping {host_port}")]
    Url { input: String, host_port: String },
    #[error(
        "'{input}' is ambiguous: the IPv6 address {input}, or {host} port {port}? Write [{host}]:{port} for the port, or [{input}] for the address"
    )]
    AmbiguousIpv6 {
        input: String,
        host: String,
        port: u16,
    },
    #[error(
        "two different ports: '{input}' says {first} and the port argument says {second}; give one"
    )]
    TwoPorts {
        input: String,
        first: u16,
        second: u16,
    },
    #[error("host name '{name}': label '{label}' is {len} characters long; DNS allows at most 63")]
    LabelTooLong {
        name: String,
        label: String,
        len: usize,
    },
    #[error("host name '{name}' is {len} characters long; DNS allows at most 253")]
    NameTooLong { name: String, len: usize },
    #[error("'{name}' is neither an IP address nor a host name (a name cannot end in a number)")]
    NumericName { name: String },
    #[error("host name '{name}' has an empty label (two dots in a row, or a leading dot)")]
    EmptyLabel { name: String },
    #[error("host name '{name}' contains {found}, which a DNS name cannot contain")]
    BadCharacter { name: String, found: String },
}

/// Parses a port number, refusing 0 and anything that is not 1-65535.
pub fn parse_port(input: &str, port: &str) -> Result<u16, AddrError> {
    match port.parse::<u16>() {
        Ok(value) if value != 0 => Ok(value),
        _ => Err(AddrError::BadPort {
            input: input.to_owned(),
            port: port.to_owned(),
        }),
    }
}

/// Parses a DNS server as users and App Service settings write it: `10.0.0.4`,
/// `10.0.0.4:5353`, `fd00::4`, `[fd00::4]:5353`. Port 53 when none is given.
pub fn parse_server(input: &str) -> Result<SocketAddr, AddrError> {
    let text = input.trim();
    let not_an_address = || AddrError::NotAnAddress {
        input: input.to_owned(),
    };
    if text.is_empty() {
        return Err(not_an_address());
    }
    if let Some(rest) = text.strip_prefix('[') {
        let Some((inside, after)) = rest.split_once(']') else {
            return Err(AddrError::UnclosedBracket {
                input: input.to_owned(),
            });
        };
        let ip: Ipv6Addr = inside.parse().map_err(|_| not_an_address())?;
        let port = match after {
            "" => DNS_PORT,
            _ => match after.strip_prefix(':') {
                Some(port) => parse_port(input, port)?,
                None => return Err(not_an_address()),
            },
        };
        return Ok(SocketAddr::new(IpAddr::V6(ip), port));
    }
    if let Ok(ip) = text.parse::<IpAddr>() {
        return Ok(SocketAddr::new(ip, DNS_PORT));
    }
    // IPv4 with a port; an IPv6 address with a port must use brackets (caught above).
    match text.split_once(':') {
        Some((host, port)) if !port.contains(':') => {
            let ip: std::net::Ipv4Addr = host.parse().map_err(|_| not_an_address())?;
            Ok(SocketAddr::new(IpAddr::V4(ip), parse_port(input, port)?))
        }
        _ => Err(not_an_address()),
    }
}

/// Writes a server address the way users typed it: the bare IP for port 53 (Kudu's
/// `Server: 10.1.0.4`), `IP:port` or `[IPv6]:port` otherwise.
pub fn display_server(addr: SocketAddr) -> String {
    if addr.port() == DNS_PORT {
        addr.ip().to_string()
    } else {
        addr.to_string()
    }
}

/// What a user asked to look up or connect to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Host {
    /// An IP literal: no name resolution needed (a reverse lookup for `nameresolver`).
    Ip(IpAddr),
    /// A DNS name, validated, in its ASCII (punycode) form, without a trailing dot.
    Name(String),
}

impl Host {
    /// Parses an IP literal (IPv6 may be bracketed) or a host name.
    pub fn parse(input: &str) -> Result<Self, AddrError> {
        let unbracketed = input
            .strip_prefix('[')
            .and_then(|rest| rest.strip_suffix(']'))
            .unwrap_or(input);
        if let Ok(ip) = unbracketed.parse::<IpAddr>() {
            return Ok(Self::Ip(ip));
        }
        validate_name(input).map(Self::Name)
    }
}

impl std::fmt::Display for Host {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Ip(ip) => ip.fmt(f),
            Self::Name(name) => f.write_str(name),
        }
    }
}

/// Parses `tcpping`'s target: `host`, `host:port`, `[IPv6]:port`, a bare IPv6 address, with
/// an optional separate port argument (`host port`). Port 80 when none is given.
/// Whether a target as typed names its port (`host:1433`, `[fd00::4]:443`); a bare IPv6
/// address's colons are its own.
pub fn names_port(input: &str) -> bool {
    let input = input.trim();
    if input.starts_with('[') {
        return input.contains("]:");
    }
    input.parse::<Ipv6Addr>().is_err() && input.contains(':')
}

pub fn parse_target(input: &str, port_argument: Option<&str>) -> Result<(Host, u16), AddrError> {
    // `tcpping http://db:8080`: the host and port the URL means, named back.
    if let Some((scheme, rest)) = input.split_once("://") {
        let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
        let authority = authority.rsplit('@').next().unwrap_or(authority);
        let default_port = match scheme.to_ascii_lowercase().as_str() {
            "https" => 443,
            _ => 80,
        };
        let has_port = authority
            .rsplit_once(':')
            .is_some_and(|(_, p)| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
            && !authority.ends_with(']');
        let host_port = if has_port {
            authority.to_owned()
        } else {
            format!("{authority}:{default_port}")
        };
        return Err(AddrError::Url {
            input: input.to_owned(),
            host_port,
        });
    }
    let (host_text, inline_port) = if let Some(rest) = input.strip_prefix('[') {
        let Some((inside, after)) = rest.split_once(']') else {
            return Err(AddrError::UnclosedBracket {
                input: input.to_owned(),
            });
        };
        let port = match after {
            "" => None,
            _ => match after.strip_prefix(':') {
                Some(port) => Some(parse_port(input, port)?),
                None => {
                    return Err(AddrError::NotAnAddress {
                        input: input.to_owned(),
                    });
                }
            },
        };
        if inside.parse::<Ipv6Addr>().is_err() {
            return Err(AddrError::NotAnAddress {
                input: input.to_owned(),
            });
        }
        (inside, port)
    } else if input.parse::<Ipv6Addr>().is_ok() {
        // A bare IPv6 address cannot carry a port: its colons are the address's own. But
        // `::1:1433` reads as ::1 with port 1433 too: unless a port argument settles it,
        // ask rather than guess.
        if port_argument.is_none()
            && let Some((host, last)) = input.rsplit_once(':')
            && host.parse::<Ipv6Addr>().is_ok()
            && last.len() <= 5
            && last.bytes().all(|b| b.is_ascii_digit())
            && let Ok(port) = last.parse::<u16>()
            && port > 0
        {
            return Err(AddrError::AmbiguousIpv6 {
                input: input.to_owned(),
                host: host.to_owned(),
                port,
            });
        }
        (input, None)
    } else {
        match input.rsplit_once(':') {
            Some((host, port)) => (host, Some(parse_port(input, port)?)),
            None => (input, None),
        }
    };
    let host = Host::parse(host_text)?;
    let argument_port = port_argument.map(|p| parse_port(p, p)).transpose()?;
    let port = match (inline_port, argument_port) {
        (Some(first), Some(second)) if first != second => {
            return Err(AddrError::TwoPorts {
                input: input.to_owned(),
                first,
                second,
            });
        }
        (Some(port), _) | (None, Some(port)) => port,
        (None, None) => DEFAULT_TCP_PORT,
    };
    Ok((host, port))
}

/// Writes `host:port` the way users type it, with brackets around an IPv6 address.
pub fn display_host_port(host: &Host, port: u16) -> String {
    match host {
        Host::Ip(ip @ IpAddr::V6(_)) => format!("[{ip}]:{port}"),
        other => format!("{other}:{port}"),
    }
}

/// Checks a DNS name and returns its ASCII form without the trailing dot. Internationalised
/// names are converted to punycode (IDNA), as browsers and nslookup do. Underscores are
/// allowed: SRV and many private records (`_sql._tcp`) use them.
pub fn validate_name(input: &str) -> Result<String, AddrError> {
    if input.trim().is_empty() {
        return Err(AddrError::EmptyName);
    }
    let owned = || input.to_owned();
    if let Some(found) = input
        .chars()
        .find(|c| c.is_whitespace() || c.is_control() || "/\\@,;:\"'()<>[]{}".contains(*c))
    {
        return Err(AddrError::BadCharacter {
            name: owned(),
            found: describe_char(found),
        });
    }
    let without_root = input.strip_suffix('.').unwrap_or(input);
    // Check labels on the text the user typed first, so the error quotes their label.
    for label in without_root.split('.') {
        check_label(input, label)?;
    }
    let ascii = if input.is_ascii() {
        without_root.to_ascii_lowercase()
    } else {
        let name = Name::from_utf8(without_root).map_err(|_| AddrError::BadCharacter {
            name: owned(),
            found: "characters that have no IDNA (punycode) form".to_owned(),
        })?;
        let text = name.to_ascii();
        text.strip_suffix('.').unwrap_or(&text).to_owned()
    };
    for label in ascii.split('.') {
        check_label(input, label)?;
    }
    // RFC 1123: the top-level label is never all digits, so `10.1.2.300` or `1.2.3.4.5` is a
    // mistyped address, not a name to send to a DNS server.
    if ascii
        .rsplit('.')
        .next()
        .is_some_and(|tld| tld.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(AddrError::NumericName { name: owned() });
    }
    if ascii.len() > MAX_NAME_LEN {
        return Err(AddrError::NameTooLong {
            name: owned(),
            len: ascii.len(),
        });
    }
    Ok(ascii)
}

fn check_label(name: &str, label: &str) -> Result<(), AddrError> {
    if label.is_empty() {
        return Err(AddrError::EmptyLabel {
            name: name.to_owned(),
        });
    }
    if label.len() > MAX_LABEL_LEN {
        return Err(AddrError::LabelTooLong {
            name: name.to_owned(),
            label: label.to_owned(),
            len: label.len(),
        });
    }
    Ok(())
}

fn describe_char(c: char) -> String {
    if c == ' ' {
        "a space".to_owned()
    } else if c.is_whitespace() || c.is_control() {
        format!("the control character U+{:04X}", u32::from(c))
    } else {
        format!("'{c}'")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_forms() {
        let cases = [
            ("10.0.0.4", "10.0.0.4:53"),
            ("10.0.0.4:5353", "10.0.0.4:5353"),
            (" 10.0.0.4 ", "10.0.0.4:53"),
            ("fd00::4", "[fd00::4]:53"),
            ("[fd00::4]", "[fd00::4]:53"),
            ("[fd00::4]:5353", "[fd00::4]:5353"),
        ];
        for (input, expected) in cases {
            assert_eq!(
                parse_server(input).map(|a| a.to_string()),
                Ok(expected.into())
            );
        }
    }

    #[test]
    fn server_errors_name_the_input() {
        for input in [
            "",
            "dns.contoso.com",
            "10.0.0.256",
            "1.2.3.4.5",
            "10.0.0.4:",
            "10.0.0.4:0",
            "10.0.0.4:65536",
            "10.0.0.4:dns",
            "[fd00::4",
            "[fd00::4]x",
            "[10.0.0.4]:53",
        ] {
            let error = parse_server(input).expect_err(input).to_string();
            assert!(error.contains(&format!("'{input}'")), "{input}: {error}");
        }
    }

    #[test]
    fn display_server_omits_port_53() {
        assert_eq!(display_server("10.1.0.4:53".parse().unwrap()), "10.1.0.4");
        assert_eq!(display_server("[::1]:5353".parse().unwrap()), "[::1]:5353");
    }

    #[test]
    fn host_forms() {
        assert_eq!(
            Host::parse("10.1.2.4"),
            Ok(Host::Ip("10.1.2.4".parse().unwrap()))
        );
        assert_eq!(Host::parse("[::1]"), Ok(Host::Ip("::1".parse().unwrap())));
        assert_eq!(
            Host::parse("DB.Contoso.Internal."),
            Ok(Host::Name("db.contoso.internal".into()))
        );
        assert_eq!(
            Host::parse("_sql._tcp.contoso.internal"),
            Ok(Host::Name("_sql._tcp.contoso.internal".into()))
        );
        assert_eq!(
            Host::parse("bücher.example"),
            Ok(Host::Name("xn--bcher-kva.example".into()))
        );
    }

    #[test]
    fn target_forms() {
        let ip = |s: &str| Host::Ip(s.parse().unwrap());
        let name = |s: &str| Host::Name(s.to_owned());
        let cases = [
            (
                "db.contoso.internal",
                None,
                (name("db.contoso.internal"), 80),
            ),
            (
                "db.contoso.internal:1433",
                None,
                (name("db.contoso.internal"), 1433),
            ),
            (
                "db.contoso.internal",
                Some("1433"),
                (name("db.contoso.internal"), 1433),
            ),
            (
                "db.contoso.internal:1433",
                Some("1433"),
                (name("db.contoso.internal"), 1433),
            ),
            ("10.1.2.4:443", None, (ip("10.1.2.4"), 443)),
            ("::1", None, (ip("::1"), 80)),
            ("::1", Some("8080"), (ip("::1"), 8080)),
            ("[::1]:8080", None, (ip("::1"), 8080)),
            ("[fd00::4]", Some("22"), (ip("fd00::4"), 22)),
        ];
        for (input, port, expected) in cases {
            assert_eq!(parse_target(input, port), Ok(expected), "{input} {port:?}");
        }
        assert_eq!(display_host_port(&ip("::1"), 80), "[::1]:80");
        assert_eq!(display_host_port(&name("db"), 1433), "db:1433");
    }

    #[test]
    fn target_errors() {
        let cases = [
            ("db:1433", Some("1434"), "two different ports"),
            ("db:", None, "port ''"),
            ("db:0", None, "port '0'"),
            ("db:http", None, "port 'http'"),
            ("db", Some("70000"), "port '70000'"),
            ("[::1", None, "never closed"),
            ("[::1]8080", None, "not an IP address"),
            ("[db]:80", None, "not an IP address"),
            ("", None, "empty"),
            ("a b:80", None, "a space"),
            (
                "::1:1433",
                None,
                "Write [::1]:1433 for the port, or [::1:1433] for the address",
            ),
            ("fd00::10:443", None, "ambiguous"),
        ];
        for (input, port, expected) in cases {
            let error = parse_target(input, port).expect_err(input).to_string();
            assert!(error.contains(expected), "{input}: {error}");
        }
    }

    #[test]
    fn bare_ipv6_is_an_address_when_nothing_else_reads_it() {
        let v6 = |text: &str| Host::Ip(text.parse().unwrap());
        // The last group cannot be a port of a shorter address: no ambiguity.
        assert_eq!(parse_target("fd00::4", None), Ok((v6("fd00::4"), 80)));
        assert_eq!(parse_target("::1", None), Ok((v6("::1"), 80)));
        assert_eq!(
            parse_target("fd00::10:1a", None),
            Ok((v6("fd00::10:1a"), 80))
        );
        // A port argument settles it; brackets always do.
        assert_eq!(
            parse_target("::1:1433", Some("22")),
            Ok((v6("::1:1433"), 22))
        );
        assert_eq!(parse_target("[::1]:1433", None), Ok((v6("::1"), 1433)));
    }

    #[test]
    fn name_errors() {
        let long_label = "a".repeat(64);
        let long_name = ["a".repeat(63).as_str(); 5].join(".");
        let cases = [
            ("", "empty"),
            ("  ", "empty"),
            ("db contoso", "a space"),
            ("db..contoso", "empty label"),
            (".contoso", "empty label"),
            ("db/contoso", "'/'"),
            ("db\tx", "U+0009"),
            (long_label.as_str(), "at most 63"),
            (long_name.as_str(), "at most 253"),
            ("1.2.3.4.5", "neither an IP address"),
            ("10.1.2.300", "neither an IP address"),
        ];
        for (input, expected) in cases {
            let error = validate_name(input).expect_err(input).to_string();
            assert!(error.contains(expected), "{input:?}: {error}");
        }
    }
}
