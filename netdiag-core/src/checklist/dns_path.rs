//! Stage 2, `dns.path`: the way from the app's whole source range to each of its DNS
//! servers that sits in a VNET of the snapshot, on UDP and TCP 53 (the troubleshooting
//! guide's second most common cause): the integration subnet's NSG outbound, the server's
//! subnet and NIC NSGs inbound, and the integration subnet's route to it.

use std::net::{IpAddr, Ipv4Addr};

use super::nsgs::path_nsgs;
use super::path::app_subnet_udr;
use super::scene::{Scene, nets};
use super::vocab::{Finding, Mode, SkipReason, or_skip};
use crate::nsg::{Direction, Flow, Protocol, analyse_path};
use crate::ranges::RangeSet;
use crate::snapshot::{Nic, Subnet};

/// What blocks the way to one server.
struct Blocked {
    what: String,
    fatal: bool,
}

pub(super) fn dns_path(scene: &Scene<'_>) -> Finding {
    if scene.snapshot.is_none() {
        return Finding::skip(SkipReason::NoSnapshot);
    }
    let (source, source_name) = or_skip!(scene.source_or_skip());
    let servers: Vec<Ipv4Addr> = scene
        .custom_dns_servers()
        .into_iter()
        .filter_map(|ip| match ip {
            IpAddr::V4(v4) => Some(v4),
            IpAddr::V6(_) => None,
        })
        .collect();
    if servers.is_empty() {
        return Finding::skip(SkipReason::not_applicable(
            "does not apply: the app asks Azure DNS (168.63.129.16), which no NSG or route of the VNET filters",
        ));
    }
    let located: Vec<_> = servers
        .iter()
        .filter_map(|ip| {
            scene
                .location_of(*ip)
                .map(|(subnet, nic)| (*ip, subnet, nic))
        })
        .collect();
    if located.is_empty() {
        return Finding::skip(SkipReason::not_applicable(format!(
            "does not apply: the app's DNS servers {} are in no subnet of the snapshot (on-premises, or a VNET not exported)",
            servers
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    let range = RangeSet::from_nets(&source);
    let mut blocked: Vec<Blocked> = Vec::new();
    let mut places = Vec::new();
    for (ip, subnet, nic) in &located {
        places.push(format!("{ip} (subnet {})", subnet.name));
        blocked.extend(blocks_on_the_way(scene, &range, *ip, subnet, *nic));
    }
    let short = source_name.short();
    if blocked.iter().any(|b| b.fatal) {
        let what: Vec<&str> = blocked.iter().map(|b| b.what.as_str()).collect();
        return Finding::fail(
            format!(
                "the way from the {source_name} to the app's DNS server is blocked for part of the {short}: {}",
                what.join("; ")
            ),
            format!(
                "Allow UDP and TCP 53 from the whole {source_name} {} to {} in the named NSGs (and routes), above the blocking rules: without it every lookup of the app fails or waits.",
                nets(&source),
                located
                    .iter()
                    .map(|(ip, ..)| ip.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        );
    }
    if let Some(first) = blocked.first() {
        return Finding::warn(
            first.what.clone(),
            "Check that the appliance allows UDP and TCP 53 from the whole source range to the DNS server, and routes the answers back.",
        );
    }
    Finding::pass(format!(
        "the whole {source_name} {} reaches the app's DNS server {} on UDP and TCP 53",
        nets(&source),
        places.join(", ")
    ))
}

/// What blocks the way from `range` to the DNS server at `ip`: the integration subnet's
/// route to it (regional), then for UDP and TCP 53 the NSGs at the server (inbound) and
/// at the integration subnet (outbound, regional).
fn blocks_on_the_way(
    scene: &Scene<'_>,
    range: &RangeSet,
    ip: Ipv4Addr,
    subnet: &Subnet,
    nic: Option<&Nic>,
) -> Vec<Blocked> {
    let mut blocked = Vec::new();
    if let Some((route, hop)) = (scene.mode == Mode::Regional)
        .then(|| app_subnet_udr(scene, ip))
        .flatten()
    {
        if hop.eq_ignore_ascii_case("None") {
            blocked.push(Blocked {
                what: format!(
                    "the integration subnet's route {route} drops the way to {ip} (next hop None)"
                ),
                fatal: true,
            });
        } else if hop.to_ascii_lowercase().starts_with("virtualappliance") {
            blocked.push(Blocked {
                what: format!("the integration subnet's route {route} sends the way to {ip} through {hop}, whose firewall must allow UDP and TCP 53"),
                fatal: false,
            });
        }
    }
    for protocol in [Protocol::Udp, Protocol::Tcp] {
        let mut sides = vec![(
            Direction::Inbound,
            path_nsgs(scene, subnet, nic, Direction::Inbound),
            scene.tag_scope(scene.target_vnet(subnet), Some(subnet)).0,
        )];
        if let (Mode::Regional, Some(apps)) = (scene.mode, scene.integration_subnet()) {
            sides.push((
                Direction::Outbound,
                path_nsgs(scene, apps, None, Direction::Outbound),
                scene.tag_scope(scene.vnet, Some(apps)).0,
            ));
        }
        for (direction, nsgs, scope) in sides {
            let flow = Flow {
                target: ip,
                port: 53,
                protocol,
                direction,
            };
            let way = match direction {
                Direction::Inbound => "inbound",
                Direction::Outbound => "outbound",
            };
            for block in analyse_path(&nsgs, range, flow, &scope).blocked {
                blocked.push(Blocked {
                    what: format!(
                        "{} 53 to {ip} {way} is blocked for {} by {}/{}",
                        protocol.name(),
                        block.range,
                        block.nsg,
                        block.rule
                    ),
                    fatal: true,
                });
            }
        }
    }
    blocked
}
