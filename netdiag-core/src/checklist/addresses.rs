//! Stage 4, addresses and routes: the P2S pool inside RFC 1918, no overlapping address
//! spaces, and the target inside what the app routes into the VNET.

use std::net::{IpAddr, Ipv4Addr};

use ipnet::IpNet;

use super::scene::{Scene, export, is_rfc1918, is_rfc1918_net, nets, route_set};
use super::vocab::{Finding, Mode, SkipReason, SourceKind, or_skip};

pub(super) fn p2s_rfc1918(scene: &Scene<'_>) -> Finding {
    or_skip!(scene.pool_or_skip());
    let outside: Vec<String> = scene
        .pool
        .iter()
        .filter(|p| !is_rfc1918_net(**p))
        .map(ToString::to_string)
        .collect();
    if outside.is_empty() {
        Finding::pass(format!("{} inside RFC 1918", nets(&scene.pool)))
    } else {
        Finding::fail(
            format!(
                "{} not inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16: the app's traffic to it is not sent through the VNET",
                outside.join(", ")
            ),
            "Change the gateway's point-to-site address pool to a range inside RFC 1918 that overlaps nothing, then Sync Network.",
        )
    }
}

pub(super) fn address_overlap(scene: &Scene<'_>) -> Finding {
    if scene.snapshot.is_none() {
        return Finding::skip(SkipReason::NoSnapshot);
    }
    let Some(vnet) = scene.vnet else {
        return Finding::skip(scene.no_vnet(""));
    };
    // The P2S pool is listed right after the VNET's own spaces. A regional integration
    // subnet is part of the VNET's space, so the spaces alone say it all.
    let mut spaces = scene.labelled_spaces(&format!("VNET {}", vnet.name));
    let after_vnet = scene.vnet_spaces().len();
    if scene.mode != Mode::Regional {
        spaces.splice(
            after_vnet..after_vnet,
            scene
                .pool
                .iter()
                .map(|n| (SourceKind::P2sPool.name().to_owned(), IpNet::V4(*n))),
        );
    }
    let mut overlaps = Vec::new();
    for (i, (a_name, a)) in spaces.iter().enumerate() {
        for (b_name, b) in &spaces[i + 1..] {
            if a_name != b_name && (a.contains(&b.network()) || b.contains(&a.network())) {
                overlaps.push(format!("{a_name} {a} overlaps {b_name} {b}"));
            }
        }
    }
    if overlaps.is_empty() {
        Finding::pass(match spaces.len() {
            1 => "1 address space, nothing to overlap".to_owned(),
            n => format!("{n} spaces, none overlapping"),
        })
    } else {
        Finding::fail(
            overlaps.join("; "),
            "Re-address one side of each overlap: packets to the overlapping range cannot be routed both ways.",
        )
    }
}

pub(super) fn route_target(scene: &Scene<'_>) -> Finding {
    let target = or_skip!(scene.target_or_skip());
    match scene.mode {
        Mode::Gateway => gateway_route(scene, target),
        Mode::Regional => regional_route(scene, target),
        Mode::None | Mode::Unknown => Finding::skip(SkipReason::missing_resource(
            "the snapshot has no VNET connection of the app: which traffic enters the VNET is unknown",
            export::VNET_CONNECTIONS,
        )),
    }
}

/// Gateway-required: the app sends into the VNET exactly the routes of its connection;
/// Route All does not apply to this mode.
fn gateway_route(scene: &Scene<'_>, target: Ipv4Addr) -> Finding {
    if let Some(connection) = scene.connection.filter(|c| !c.routes.is_empty())
        && route_set(connection).contains(target)
    {
        return Finding::pass(format!(
            "{target} is in the app's routes (VNET connection {})",
            connection.name
        ));
    }
    let spaces: Vec<(String, IpNet)> = scene.labelled_spaces("the VNET");
    let inside = spaces.iter().find(|(_, n)| n.contains(&IpAddr::V4(target)));
    let has_routes = scene.connection.is_some_and(|c| !c.routes.is_empty());
    let route_all_note = scene.route_all.as_ref().map_or_else(String::new, |source| {
        format!(" (Route All, {source}, does not apply to gateway-required integration)")
    });
    match inside {
        Some((origin, net)) if has_routes && origin.starts_with("peering ") => Finding::fail(
            format!("{target} is in {origin} ({net}) but not in the app's routes"),
            format!(
                "Add a route for {net} in the plan's Networking > VNET Integration page (Sync Network does not add peered spaces)."
            ),
        ),
        Some((origin, net)) if has_routes => Finding::fail(
            format!(
                "{target} is in {origin} ({net}) but not in the app's routes: the app's network is older than that range"
            ),
            "Sync Network in the app's VNET Integration so the app receives the route.",
        ),
        Some((origin, net)) => Finding::pass(format!("{target} is in {origin} ({net})")),
        None => Finding::fail(
            format!(
                "{target} is in none of the app's routes or the VNET, peered and on-premises spaces: the app sends it over the internet, not the VNET{route_all_note}"
            ),
            "Add the target's range to the VNET, a peering or the on-premises address space (then Sync Network), or use the target's private address.",
        ),
    }
}

/// Regional: without Route All only RFC 1918 destinations enter the VNET.
fn regional_route(scene: &Scene<'_>, target: Ipv4Addr) -> Finding {
    let spaces: Vec<(String, IpNet)> = scene.labelled_spaces("the VNET");
    let inside = spaces.iter().find(|(_, n)| n.contains(&IpAddr::V4(target)));
    let private = is_rfc1918(target);
    if let Some(source) = &scene.route_all {
        return Finding::pass(format!(
            "the app routes all outbound traffic into the VNET (Route All: {source}), {target} included"
        ));
    }
    match (inside, private) {
        (Some((origin, net)), true) => {
            Finding::pass(format!("{target} is in {origin} ({net}), inside RFC 1918"))
        }
        (Some((origin, net)), false) => Finding::fail(
            format!(
                "{target} is in {origin} ({net}) but outside RFC 1918: without Route All the app sends it to the internet, not into the VNET"
            ),
            "Enable Route All on the app (outboundVnetRouting.allTraffic, vnetRouteAllEnabled, or the app setting WEBSITE_VNET_ROUTE_ALL=1), so every destination enters the VNET.",
        ),
        (None, true) => Finding::pass(format!(
            "{target} is inside RFC 1918: the app sends it into the VNET"
        )),
        (None, false) if scene.service_endpoint().is_some() => Finding::pass(format!(
            "{target} is a public address of {}, whose service endpoint {} is on the integration subnet: its traffic enters the VNET without Route All",
            scene.inputs.target.host,
            scene.service_endpoint().unwrap_or_default()
        )),
        (None, false) => Finding::warn(
            format!(
                "{target} is a public address: without Route All it leaves the app straight to the internet, so the VNET's NSGs, UDRs and NAT gateway do not apply to it"
            ),
            "If the target must see the VNET's address (a firewall allow-list, a NAT gateway IP), enable Route All on the app.",
        ),
    }
}
