//! NSG evaluation for traffic from the app's whole source range (the P2S pool, or the
//! regional integration subnet) to one target, inbound at the target or outbound at the
//! integration subnet.
//!
//! Azure's semantics: per direction, lowest priority number first, first match wins;
//! inbound traffic passes the subnet's NSG, then the NIC's; outbound traffic the NIC's,
//! then the subnet's. In both directions the app's addresses are the rules' *source* and
//! the target their *destination*. The range is analysed as address intervals: the result
//! partitions it into ranges, each with the NSG and rule that decided it. Rules whose match cannot be decided offline (application security groups, service
//! tags other than the ones below) decide their ranges as *undecided*, naming the rule,
//! never as a silent pass.
//!
//! Tags decided offline: `*`/`Any`; `VirtualNetwork` (the VNET, peered and on-premises
//! spaces, the prefixes of the subnet's user-defined routes, and the P2S pool, as Azure
//! adds it); `Internet` (public addresses outside those: the private blocks are not in it,
//! learn.microsoft.com/azure/virtual-network/service-tags-overview);
//! `AzureLoadBalancer` (168.63.129.16).

use std::net::Ipv4Addr;

use ipnet::IpNet;
use serde::Serialize;

use crate::ranges::{Interval, PRIVATE_BLOCKS, RangeSet, is_private};
use crate::snapshot::{AddressPrefix, Nsg, PortRange, SecurityRule};

/// Windows' dynamic port range: the app's source port is one of these, never known ahead.
pub const EPHEMERAL_PORTS: PortRange = PortRange {
    first: 49152,
    last: 65535,
};

const AZURE_LOAD_BALANCER: Ipv4Addr = Ipv4Addr::new(168, 63, 129, 16);

/// What decided a range of the pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Decision {
    Allowed,
    Blocked,
    Undecided,
}

/// The traffic analysed: TCP (or UDP, for DNS) from the source range to `ip:port`, as
/// one side's NSGs see it.
#[derive(Debug, Clone, Copy)]
pub struct Flow {
    pub target: Ipv4Addr,
    pub port: u16,
    pub protocol: Protocol,
    pub direction: Direction,
}

/// Which of an NSG's rule sets applies: at the target (inbound) or where the app's
/// traffic leaves (outbound).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Direction {
    #[default]
    Inbound,
    Outbound,
}

impl Direction {
    pub fn name(self) -> &'static str {
        match self {
            Self::Inbound => "Inbound",
            Self::Outbound => "Outbound",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Protocol {
    #[default]
    Tcp,
    Udp,
}

impl Protocol {
    pub fn name(self) -> &'static str {
        match self {
            Self::Tcp => "TCP",
            Self::Udp => "UDP",
        }
    }
}

/// What the `VirtualNetwork` tag covers here.
#[derive(Debug, Clone, Default)]
pub struct TagScope {
    pub virtual_network: RangeSet,
    /// What the tag may cover besides, unknown offline: the private blocks, when the
    /// gateway in use learns on-premises prefixes over BGP (`ExpressRoute`, or a VPN
    /// gateway with BGP on), which no export lists. A rule on the tag is undecided there.
    pub maybe_virtual_network: RangeSet,
}

impl TagScope {
    /// The tag as these ranges, nothing learned beside them.
    pub fn of(virtual_network: RangeSet) -> Self {
        Self {
            virtual_network,
            maybe_virtual_network: RangeSet::empty(),
        }
    }
}

/// One range of the pool and what decided it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Block {
    pub range: String,
    pub nsg: String,
    pub rule: String,
}

/// The pool, partitioned.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct PathAnalysis {
    pub allowed: Vec<Block>,
    pub blocked: Vec<Block>,
    pub undecided: Vec<Block>,
}

/// A rule's answer for one dimension that may not be decidable offline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Match {
    Yes,
    No,
    Unknown,
}

/// The rules of an NSG that apply in one direction, in evaluation order; Azure's default
/// rules stand in when the export lacks them.
pub fn rules(nsg: &Nsg, direction: Direction) -> Vec<&SecurityRule> {
    static AZURE_DEFAULTS: std::sync::OnceLock<Vec<SecurityRule>> = std::sync::OnceLock::new();
    let defaults = if nsg.default_security_rules.is_empty() {
        AZURE_DEFAULTS.get_or_init(azure_default_rules)
    } else {
        &nsg.default_security_rules
    };
    let mut rules: Vec<&SecurityRule> = nsg
        .security_rules
        .iter()
        .chain(defaults)
        .filter(|r| r.direction.eq_ignore_ascii_case(direction.name()))
        .collect();
    rules.sort_by_key(|r| r.priority);
    rules
}

/// The default rules every NSG has, both directions (what `defaultSecurityRules` lists).
fn azure_default_rules() -> Vec<SecurityRule> {
    let rule = |name: &str, priority, source: &str, destination: &str, access: &str| SecurityRule {
        name: name.to_owned(),
        priority,
        direction: if name.ends_with("InBound") {
            "Inbound"
        } else {
            "Outbound"
        }
        .to_owned(),
        access: access.to_owned(),
        protocol: "*".to_owned(),
        source_address_prefix: source.parse().ok(),
        source_address_prefixes: Vec::new(),
        destination_address_prefix: destination.parse().ok(),
        destination_address_prefixes: Vec::new(),
        source_port_range: Some(PortRange::ANY),
        source_port_ranges: Vec::new(),
        destination_port_range: Some(PortRange::ANY),
        destination_port_ranges: Vec::new(),
        source_application_security_groups: Vec::new(),
        destination_application_security_groups: Vec::new(),
    };
    vec![
        rule(
            "AllowVnetInBound",
            65000,
            "VirtualNetwork",
            "VirtualNetwork",
            "Allow",
        ),
        rule(
            "AllowAzureLoadBalancerInBound",
            65001,
            "AzureLoadBalancer",
            "*",
            "Allow",
        ),
        rule("DenyAllInBound", 65500, "*", "*", "Deny"),
        rule(
            "AllowVnetOutBound",
            65000,
            "VirtualNetwork",
            "VirtualNetwork",
            "Allow",
        ),
        rule("AllowInternetOutBound", 65001, "*", "Internet", "Allow"),
        rule("DenyAllOutBound", 65500, "*", "*", "Deny"),
    ]
}

/// Whether a rule covers the flow apart from its source addresses.
fn matches_flow(rule: &SecurityRule, flow: Flow, scope: &TagScope) -> Match {
    let protocol = rule.protocol.trim();
    if !(protocol == "*"
        || protocol.eq_ignore_ascii_case(flow.protocol.name())
        || protocol.eq_ignore_ascii_case("any"))
    {
        return Match::No;
    }
    let destination_ports: Vec<PortRange> = rule.destination_ports();
    if !destination_ports.is_empty() && !destination_ports.iter().any(|r| r.contains(flow.port)) {
        return Match::No;
    }
    let source_ports = source_port_match(rule);
    if source_ports == Match::No {
        return Match::No;
    }
    let destination = if rule.destination_application_security_groups.is_empty() {
        let prefixes: Vec<&AddressPrefix> = rule.destinations();
        if prefixes.is_empty() {
            Match::Yes
        } else {
            any_match(
                prefixes
                    .iter()
                    .map(|p| prefix_contains(p, flow.target, scope)),
            )
        }
    } else {
        Match::Unknown
    };
    match (destination, source_ports) {
        (Match::No, _) => Match::No,
        (Match::Yes, Match::Yes) => Match::Yes,
        _ => Match::Unknown,
    }
}

fn source_port_match(rule: &SecurityRule) -> Match {
    let ranges: Vec<PortRange> = rule.source_ports();
    if ranges.is_empty() || ranges.contains(&PortRange::ANY) {
        return Match::Yes;
    }
    let covered: u32 = (EPHEMERAL_PORTS.first..=EPHEMERAL_PORTS.last)
        .filter(|p| ranges.iter().any(|r| r.contains(*p)))
        .count()
        .try_into()
        .unwrap_or(0);
    let total = u32::from(EPHEMERAL_PORTS.last - EPHEMERAL_PORTS.first) + 1;
    match covered {
        0 => Match::No,
        n if n == total => Match::Yes,
        _ => Match::Unknown,
    }
}

fn any_match(matches: impl Iterator<Item = Match>) -> Match {
    let mut result = Match::No;
    for m in matches {
        match m {
            Match::Yes => return Match::Yes,
            Match::Unknown => result = Match::Unknown,
            Match::No => {}
        }
    }
    result
}

/// Whether one prefix covers one address.
fn prefix_contains(prefix: &AddressPrefix, ip: Ipv4Addr, scope: &TagScope) -> Match {
    let yes = |b: bool| if b { Match::Yes } else { Match::No };
    match prefix {
        AddressPrefix::Any => Match::Yes,
        AddressPrefix::Net(IpNet::V4(net)) => yes(net.contains(&ip)),
        AddressPrefix::Net(IpNet::V6(_)) => Match::No,
        AddressPrefix::Tag(tag) => match tag.to_ascii_lowercase().as_str() {
            "virtualnetwork" if scope.virtual_network.contains(ip) => Match::Yes,
            "virtualnetwork" if scope.maybe_virtual_network.contains(ip) => Match::Unknown,
            "virtualnetwork" => Match::No,
            "internet" => yes(!scope.virtual_network.contains(ip) && !is_private(ip)),
            "azureloadbalancer" => yes(ip == AZURE_LOAD_BALANCER),
            _ => Match::Unknown,
        },
    }
}

/// The part of `pool` a prefix surely covers, and the part it may cover (undecidable).
fn prefix_sources(
    prefix: &AddressPrefix,
    pool: &RangeSet,
    scope: &TagScope,
) -> (RangeSet, RangeSet) {
    match prefix {
        AddressPrefix::Any => (pool.clone(), RangeSet::empty()),
        AddressPrefix::Net(IpNet::V4(net)) => (
            pool.intersect(&RangeSet::from_nets([net])),
            RangeSet::empty(),
        ),
        AddressPrefix::Net(IpNet::V6(_)) => (RangeSet::empty(), RangeSet::empty()),
        AddressPrefix::Tag(tag) => match tag.to_ascii_lowercase().as_str() {
            "virtualnetwork" => (
                pool.intersect(&scope.virtual_network),
                pool.intersect(&scope.maybe_virtual_network)
                    .subtract(&scope.virtual_network),
            ),
            "internet" => (
                pool.subtract(&scope.virtual_network)
                    .subtract(&RangeSet::from_nets(&PRIVATE_BLOCKS)),
                RangeSet::empty(),
            ),
            "azureloadbalancer" => (
                pool.intersect(&RangeSet::from_intervals([Interval::single(
                    AZURE_LOAD_BALANCER,
                )])),
                RangeSet::empty(),
            ),
            _ => (RangeSet::empty(), pool.clone()),
        },
    }
}

/// One NSG over part of the pool: each piece with its decision and deciding rule.
pub fn evaluate(
    nsg: &Nsg,
    pool: &RangeSet,
    flow: Flow,
    scope: &TagScope,
) -> Vec<(RangeSet, Decision, String)> {
    let mut remaining = pool.clone();
    let mut pieces = Vec::new();
    for rule in rules(nsg, flow.direction) {
        if remaining.is_empty() {
            break;
        }
        let flow_match = matches_flow(rule, flow, scope);
        if flow_match == Match::No {
            continue;
        }
        let (mut sure, mut maybe) = if rule.source_application_security_groups.is_empty() {
            let prefixes: Vec<&AddressPrefix> = rule.sources();
            if prefixes.is_empty() {
                (remaining.clone(), RangeSet::empty())
            } else {
                prefixes.iter().fold(
                    (RangeSet::empty(), RangeSet::empty()),
                    |(sure, maybe), p| {
                        let (s, m) = prefix_sources(p, &remaining, scope);
                        (sure.union(&s), maybe.union(&m))
                    },
                )
            }
        } else {
            (RangeSet::empty(), remaining.clone())
        };
        if flow_match == Match::Unknown {
            maybe = maybe.union(&sure);
            sure = RangeSet::empty();
        }
        let maybe = maybe.subtract(&sure);
        if !sure.is_empty() {
            let decision = if rule.access.eq_ignore_ascii_case("allow") {
                Decision::Allowed
            } else {
                Decision::Blocked
            };
            remaining = remaining.subtract(&sure);
            pieces.push((sure, decision, rule.name.clone()));
        }
        if !maybe.is_empty() {
            remaining = remaining.subtract(&maybe);
            pieces.push((maybe, Decision::Undecided, rule.name.clone()));
        }
    }
    if !remaining.is_empty() {
        pieces.push((
            remaining,
            Decision::Blocked,
            "(no rule matched: denied)".to_owned(),
        ));
    }
    pieces
}

/// The source range against the NSGs on the way, in the order the traffic meets them
/// (inbound: the subnet's, then the NIC's; outbound: the NIC's, then the subnet's): a
/// range is allowed only if every NSG allows it; blocked if any blocks it.
pub fn analyse_path(nsgs: &[&Nsg], pool: &RangeSet, flow: Flow, scope: &TagScope) -> PathAnalysis {
    // Each piece: addresses, decision so far, and the NSG and rule behind it.
    let mut pieces: Vec<(RangeSet, Decision, String, String)> = vec![(
        pool.clone(),
        Decision::Allowed,
        String::new(),
        String::new(),
    )];
    for nsg in nsgs {
        let mut next = Vec::new();
        for (range, decision, by_nsg, by_rule) in pieces {
            if decision == Decision::Blocked {
                next.push((range, decision, by_nsg, by_rule));
                continue;
            }
            for (part, verdict, rule) in evaluate(nsg, &range, flow, scope) {
                match (decision, verdict) {
                    // Still undecided from an earlier NSG unless this one blocks it.
                    (Decision::Undecided, Decision::Allowed | Decision::Undecided) => {
                        next.push((part, Decision::Undecided, by_nsg.clone(), by_rule.clone()));
                    }
                    _ => next.push((part, verdict, nsg.name.clone(), rule)),
                }
            }
        }
        pieces = next;
    }
    let mut analysis = PathAnalysis::default();
    for (range, decision, nsg, rule) in pieces {
        let (nsg, rule) = if nsg.is_empty() {
            ("(no NSG)".to_owned(), "(none)".to_owned())
        } else {
            (nsg, rule)
        };
        let list = match decision {
            Decision::Allowed => &mut analysis.allowed,
            Decision::Blocked => &mut analysis.blocked,
            Decision::Undecided => &mut analysis.undecided,
        };
        for cidr in range.to_cidrs() {
            list.push(Block {
                range: cidr.to_string(),
                nsg: nsg.clone(),
                rule: rule.clone(),
            });
        }
    }
    for list in [
        &mut analysis.allowed,
        &mut analysis.blocked,
        &mut analysis.undecided,
    ] {
        list.sort_by_key(|b| {
            b.range
                .parse::<ipnet::Ipv4Net>()
                .map_or(0, |n| u32::from(n.network()))
        });
    }
    analysis
}

/// The decision for one source address, rule by rule with no intervals: the reference the
/// interval analysis is tested against.
pub fn decide_address(nsgs: &[&Nsg], source: Ipv4Addr, flow: Flow, scope: &TagScope) -> Decision {
    let mut result = Decision::Allowed;
    for nsg in nsgs {
        let mut verdict = Decision::Blocked;
        for rule in rules(nsg, flow.direction) {
            let flow_match = matches_flow(rule, flow, scope);
            if flow_match == Match::No {
                continue;
            }
            let source_match = if rule.source_application_security_groups.is_empty() {
                let prefixes: Vec<&AddressPrefix> = rule.sources();
                if prefixes.is_empty() {
                    Match::Yes
                } else {
                    any_match(prefixes.iter().map(|p| prefix_contains(p, source, scope)))
                }
            } else {
                Match::Unknown
            };
            match (flow_match, source_match) {
                (_, Match::No) => {}
                (Match::Yes, Match::Yes) => {
                    verdict = if rule.access.eq_ignore_ascii_case("allow") {
                        Decision::Allowed
                    } else {
                        Decision::Blocked
                    };
                    break;
                }
                _ => {
                    verdict = Decision::Undecided;
                    break;
                }
            }
        }
        result = match (result, verdict) {
            (_, Decision::Blocked) | (Decision::Blocked, _) => Decision::Blocked,
            (Decision::Undecided, _) | (_, Decision::Undecided) => Decision::Undecided,
            _ => Decision::Allowed,
        };
        if result == Decision::Blocked {
            break;
        }
    }
    result
}
