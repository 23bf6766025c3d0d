//! Stage 5, the path to the target and back: peering to a target in another VNET, the
//! integration subnet's routes, the route back from the target's subnet, and the
//! site-to-site link to on-premises targets. The NSGs on the path are in `nsgs`.

use std::net::{IpAddr, Ipv4Addr};

use ipnet::{IpNet, Ipv4Net};

use super::scene::{Scene, export, nets, no_target_subnet, route_set, target_onprem, v4_only};
use super::vocab::{Details, Finding, Mode, SkipReason, or_skip};
use crate::ranges::RangeSet;
use crate::routes::{WayBack, return_path};
use crate::snapshot::{AddressPrefix, Peering, Route, RouteTable, Subnet, describe_id, same_id};

pub(super) fn vnet_peering(scene: &Scene<'_>) -> Finding {
    let target = or_skip!(scene.target_or_skip());
    let Some(vnet) = scene.vnet else {
        return Finding::skip(scene.no_vnet(""));
    };
    let Some(peering) = vnet.virtual_network_peerings.iter().find(|p| {
        p.remote_spaces()
            .iter()
            .any(|n| n.contains(&IpAddr::V4(target)))
    }) else {
        return Finding::skip(SkipReason::not_applicable(format!(
            "does not apply: {target} is in no peered VNET of {}",
            vnet.name
        )));
    };
    let remote = peering.remote_id().and_then(|id| scene.snapshot?.vnet(id));
    let back = remote.and_then(|r| {
        r.virtual_network_peerings
            .iter()
            .find(|p| p.remote_id().is_some_and(|id| same_id(id, &vnet.id)))
    });
    let remote_name = remote.map_or_else(
        || peering.remote_id().unwrap_or(&peering.name).to_owned(),
        |r| r.name.clone(),
    );
    let mut problems = peering_problems(peering, &vnet.name);
    if let Some(back) = back {
        problems.extend(peering_problems(back, &remote_name));
    }
    let mut missing_side = None;
    if scene.mode == Mode::Gateway {
        if peering.allow_gateway_transit != Some(true) {
            problems.push(format!(
                "{}'s peering {} does not allow gateway transit: the P2S pool cannot reach {remote_name}",
                vnet.name, peering.name
            ));
        }
        match back {
            Some(back) if back.use_remote_gateways != Some(true) => problems.push(format!(
                "{remote_name}'s peering {} does not use remote gateways: {remote_name} has no route back to the P2S pool",
                back.name
            )),
            Some(_) => {}
            None => missing_side = Some(remote_name.clone()),
        }
        if let Some(connection) = scene.connection.filter(|c| !c.routes.is_empty())
            && !route_set(connection).contains(target)
        {
            problems.push(format!(
                "the app's routes lack {remote_name}'s space: the app sends {target} to the internet"
            ));
        }
    }
    if !problems.is_empty() {
        return Finding::fail(
            problems.join("; "),
            "Fix the peering on both sides: Connected, virtual network access allowed; for gateway-required integration, allow gateway transit on the app's VNET, use remote gateways on the target's, and add the target VNET's space as a route in the plan's VNET Integration page.",
        );
    }
    match missing_side {
        Some(name) => Finding::warn(
            format!(
                "{} peers with {name}, but {name}'s side of the peering is not in the snapshot: whether it uses remote gateways (the way back to the P2S pool) is unknown",
                vnet.name
            ),
            format!("Export the target's VNET too: {}", export::VNET),
        ),
        None => Finding::pass(format!(
            "{target} is in {remote_name}, peered with {} and Connected{}",
            vnet.name,
            if back.is_some() { " on both sides" } else { "" }
        )),
    }
}

/// What one side of a peering lacks for traffic to flow at all.
fn peering_problems(peering: &Peering, owner: &str) -> Vec<String> {
    let mut problems = Vec::new();
    if !peering.connected() {
        problems.push(format!(
            "{owner}'s peering {} is {}",
            peering.name,
            peering
                .peering_state
                .as_deref()
                .unwrap_or("of unknown state")
        ));
    }
    if peering.allow_virtual_network_access == Some(false) {
        problems.push(format!(
            "{owner}'s peering {} does not allow virtual network access",
            peering.name
        ));
    }
    problems
}

/// Regional: where the integration subnet's route table sends the target. Traffic that
/// enters the VNET from the app follows the subnet's UDRs like any VM's.
pub(super) fn udr_app_subnet(scene: &Scene<'_>) -> Finding {
    let subnet = or_skip!(scene.integration_subnet_or_skip());
    let target = or_skip!(scene.target_or_skip());
    let Some(reference) = &subnet.route_table else {
        return Finding::pass(format!(
            "subnet {} has no route table: system routes carry {target}",
            subnet.name
        ));
    };
    let Some(table) = scene.snapshot.and_then(|s| s.route_table(&reference.id)) else {
        return Finding::skip(
            SkipReason::missing_resource(
                format!(
                    "subnet {}'s route table {} is not in the snapshot",
                    subnet.name,
                    describe_id(&reference.id)
                ),
                export::ROUTE_TABLE,
            )
            .with_id(&reference.id),
        );
    };
    let Some((net, route)) = longest_udr(table, target) else {
        return Finding::pass(format!(
            "route table {} has no route for {target}: system routes carry it",
            table.name
        ));
    };
    if let Some((origin, system_net, hop)) =
        system_route(scene, table, target).filter(|(_, n, _)| n.prefix_len() > net.prefix_len())
    {
        return Finding::pass(format!(
            "{target} is in {origin} {system_net}: the system route ({hop}) is more specific than route table {}'s {net} (route {}), so it carries it",
            table.name, route.name
        ));
    }
    let hop = route.next_hop_type.as_str();
    let via = route
        .next_hop_ip_address
        .as_deref()
        .filter(|ip| !ip.is_empty())
        .map_or_else(String::new, |ip| format!(" {ip}"));
    let evidence = format!(
        "route table {} sends {target} ({net}, route {}) to {hop}{via}",
        table.name, route.name
    );
    if hop.eq_ignore_ascii_case("None") {
        Finding::fail(
            format!("{evidence}: the packets are dropped"),
            "Remove or change the route with next hop None in the integration subnet's route table.",
        )
    } else if hop.eq_ignore_ascii_case("VirtualAppliance") {
        Finding::warn(
            format!("{evidence}: the appliance must allow and forward the flow"),
            format!(
                "Check the firewall at{via} allows TCP {} from the integration subnet to {target}, and routes the replies back.",
                scene.inputs.target.port
            ),
        )
    } else {
        Finding::pass(evidence)
    }
}

pub(super) fn udr_return_path(scene: &Scene<'_>) -> Finding {
    let (source, source_name) = or_skip!(scene.source_or_skip());
    let Some((subnet, _)) = scene.target_location() else {
        return Finding::skip(match scene.target_or_skip() {
            Err(why) => why,
            Ok(target) => no_target_subnet(target),
        });
    };
    let endpoint = scene
        .target
        .and_then(|ip| scene.private_endpoint_at(ip))
        .filter(|_| !subnet.routes_apply_to_private_endpoints());
    let table = match (&subnet.route_table, scene.snapshot) {
        // A private endpoint answers the way the traffic came; the subnet's routes steer
        // it only when its network policies say so.
        (Some(_), _) if endpoint.is_some() => None,
        (Some(reference), Some(snapshot)) => match snapshot.route_table(&reference.id) {
            Some(table) => Some(table),
            None => {
                return Finding::skip(SkipReason::missing_resource(
                    format!(
                        "subnet {} has a route table that is not in the snapshot",
                        subnet.name
                    ),
                    export::ROUTE_TABLE,
                ));
            }
        },
        _ => None,
    };
    let (way_back, how) = match scene.mode {
        Mode::Regional => match regional_way_back(scene, subnet, &source) {
            Some(found) => found,
            None => {
                return Finding::skip(SkipReason::not_applicable(
                    "does not apply: the target's VNET neither holds the integration subnet nor peers with a VNET that does (see vnet.peering)",
                ));
            }
        },
        Mode::Gateway | Mode::None | Mode::Unknown => {
            (WayBack::gateway(&source), "through the gateway".to_owned())
        }
    };
    let short = source_name.short();
    let path = return_path(&RangeSet::from_nets(&source), &way_back, table);
    let propagation_off = table.filter(|t| t.disable_bgp_route_propagation == Some(true));
    let mut result = if path.diverted.is_empty() {
        Finding::pass(format!(
            "from subnet {}, the whole {short} returns {how}{}",
            subnet.name,
            match (table, endpoint) {
                (_, Some(endpoint)) if subnet.route_table.is_some() => format!(
                    " (the target is private endpoint {}: the subnet's route table does not apply to it while its network policies are off)",
                    endpoint.name
                ),
                (Some(t), _) => format!(" (route table {})", t.name),
                (None, _) => " (no route table)".to_owned(),
            }
        ))
    } else {
        let diverted: Vec<String> = path
            .diverted
            .iter()
            .map(|h| format!("{} to {} by {}", h.range, h.next_hop, h.route))
            .collect();
        let why = propagation_off
            .filter(|_| scene.mode != Mode::Regional)
            .map_or_else(String::new, |t| {
                format!(
                    " (route table {} disables gateway route propagation, so the gateway's route for the pool is gone: replies fall to the system route for their RFC 1918 block, next hop None, and are dropped, not sent to the internet)",
                    t.name
                )
            });
        let remedy = if scene.mode == Mode::Regional {
            format!(
                "Remove or narrow the route so that replies to the {source_name} {} go back {how}; if an appliance must see the flow, route the app's way there through it too (the integration subnet's route table), so both directions pass it.",
                nets(&source)
            )
        } else {
            "Remove or narrow the route, add a route for the P2S pool with next hop VirtualNetworkGateway, or enable gateway route propagation on the route table.".to_owned()
        };
        if let Some(inspected) = symmetric_inspection(scene, subnet, &path, &diverted, &source) {
            inspected
        } else {
            Finding::fail(
                format!(
                    "from subnet {}, replies to part of the {short} do not go back {how}: {}{why}",
                    subnet.name,
                    diverted.join(", ")
                ),
                remedy,
            )
        }
    };
    result.details = Some(Details::Routes(path));
    result
}

/// The table's most specific route for `target`.
fn longest_udr(table: &RouteTable, target: Ipv4Addr) -> Option<(Ipv4Net, &Route)> {
    table
        .routes
        .iter()
        .filter_map(|route| match route.address_prefix {
            AddressPrefix::Net(IpNet::V4(net)) if net.contains(&target) => Some((net, route)),
            _ => None,
        })
        .max_by_key(|(net, _)| net.prefix_len())
}

/// The most specific system route of the app's VNET for `target`: its own space
/// (`VnetLocal`), a peered space, an on-premises space learned through the gateway (gone
/// when the table disables propagation). Azure picks the longest prefix over these and
/// the UDRs, a UDR winning a tie ("Virtual network traffic routing",
/// learn.microsoft.com/azure/virtual-network/virtual-networks-udr-overview): a 0.0.0.0/0 to
/// a hub's firewall leaves the VNET's own and peered spaces alone.
fn system_route(
    scene: &Scene<'_>,
    table: &RouteTable,
    target: Ipv4Addr,
) -> Option<(String, Ipv4Net, &'static str)> {
    let propagation = table.disable_bgp_route_propagation != Some(true);
    scene
        .vnet_spaces()
        .into_iter()
        .map(|net| ("the VNET's own space".to_owned(), net, "VnetLocal"))
        .chain(
            scene
                .peered_spaces()
                .into_iter()
                .map(|(peering, net)| (format!("peering {peering}"), net, "VNetPeering")),
        )
        .chain(
            scene
                .onprem_spaces()
                .into_iter()
                .filter(|_| propagation)
                .map(|(site, net)| (format!("on-premises {site}"), net, "VirtualNetworkGateway")),
        )
        .filter_map(|(origin, net, hop)| match net {
            IpNet::V4(v4) if v4.contains(&target) => Some((origin, v4, hop)),
            _ => None,
        })
        .max_by_key(|(_, v4, _)| v4.prefix_len())
}

/// The integration subnet's user-defined route that carries `target`, when one wins over
/// the system routes: its table and route.
fn winning_app_udr<'a>(scene: &Scene<'a>, target: Ipv4Addr) -> Option<(&'a RouteTable, &'a Route)> {
    let subnet = scene.integration_subnet()?;
    let table = scene
        .snapshot?
        .route_table(&subnet.route_table.as_ref()?.id)?;
    let (net, route) = longest_udr(table, target)?;
    let system_wins = system_route(scene, table, target)
        .is_some_and(|(_, n, _)| n.prefix_len() > net.prefix_len());
    (!system_wins).then_some((table, route))
}

/// The integration subnet's winning UDR for `target` (over the system routes), as
/// "rt-apps/route-name" and its next hop type and address; `None` when system routes carry it.
pub(super) fn app_subnet_udr(scene: &Scene<'_>, target: Ipv4Addr) -> Option<(String, String)> {
    let (table, route) = winning_app_udr(scene, target)?;
    let hop = match route
        .next_hop_ip_address
        .as_deref()
        .filter(|ip| !ip.is_empty())
    {
        Some(ip) => format!("{} {ip}", route.next_hop_type),
        None => route.next_hop_type.clone(),
    };
    Some((format!("{}/{}", table.name, route.name), hop))
}

/// The appliance the integration subnet sends `target` to, when a UDR wins for it: the
/// way there, to compare with the way back.
fn app_appliance(scene: &Scene<'_>, target: Ipv4Addr) -> Option<String> {
    let (_, route) = winning_app_udr(scene, target)?;
    route
        .next_hop_type
        .eq_ignore_ascii_case("VirtualAppliance")
        .then(|| route.next_hop_ip_address.clone())
        .flatten()
}

/// The same appliance on both ways is a firewall inspecting the flow both ways: it must
/// allow it, but the path is symmetric (regional: the integration subnet sends the target
/// to the appliance the target's subnet sends the replies to).
fn symmetric_inspection(
    scene: &Scene<'_>,
    subnet: &Subnet,
    path: &crate::routes::ReturnPath,
    diverted: &[String],
    source: &[Ipv4Net],
) -> Option<Finding> {
    if scene.mode != Mode::Regional {
        return None;
    }
    let appliance = scene
        .target
        .and_then(|target| app_appliance(scene, target))?;
    let hop = format!("VirtualAppliance {appliance}");
    if !path
        .diverted
        .iter()
        .all(|h| h.next_hop.eq_ignore_ascii_case(&hop))
    {
        return None;
    }
    Some(Finding::warn(
        format!(
            "from subnet {}, replies to the integration subnet go to the appliance {appliance} ({}), which the integration subnet also sends the target to: the same appliance inspects both ways",
            subnet.name,
            diverted.join(", ")
        ),
        format!(
            "Make sure the firewall at {appliance} allows TCP {} from the integration subnet {} to the target, and its replies.",
            scene.inputs.target.port,
            nets(source)
        ),
    ))
}

/// Regional: how replies reach the integration subnet from the target's subnet: the
/// target VNET's own space (the subnet is in it), or a peering whose remote space holds it.
fn regional_way_back(
    scene: &Scene<'_>,
    target_subnet: &Subnet,
    source: &[Ipv4Net],
) -> Option<(WayBack, String)> {
    let vnet = scene.target_vnet(target_subnet).or(scene.vnet)?;
    let covers = |spaces: &[Ipv4Net]| {
        RangeSet::from_nets(source)
            .subtract(&RangeSet::from_nets(spaces))
            .is_empty()
    };
    let own = v4_only(
        &vnet
            .address_space
            .address_prefixes
            .iter()
            .map(|c| c.0)
            .collect::<Vec<_>>(),
    );
    if covers(&own) {
        return Some((
            WayBack::vnet_local(&own),
            format!("within VNET {}", vnet.name),
        ));
    }
    vnet.virtual_network_peerings.iter().find_map(|peering| {
        let spaces = v4_only(&peering.remote_spaces());
        covers(&spaces).then(|| {
            (
                WayBack::peering(&spaces),
                format!("through {}'s peering {}", vnet.name, peering.name),
            )
        })
    })
}

pub(super) fn onprem_s2s_connected(scene: &Scene<'_>) -> Finding {
    let Some(snapshot) = scene.snapshot else {
        return Finding::skip(SkipReason::NoSnapshot);
    };
    if let Err(why) = scene.target_or_skip() {
        return Finding::skip(why);
    }
    let Some((local, range)) = target_onprem(scene) else {
        return Finding::skip(SkipReason::not_applicable(
            "does not apply: the target is in no on-premises range of the snapshot",
        ));
    };
    let connections: Vec<_> = snapshot
        .connections
        .iter()
        .filter(|c| {
            c.local_network_gateway2
                .as_ref()
                .is_some_and(|l| same_id(&l.id, &local.id))
        })
        .collect();
    let place = format!("the target is in {range} of {}", local.name);
    // Regional, through a hub: without the transit flags there is no way on-premises.
    if let Some(hub) = &scene.hub
        && let Some(missing) = hub.missing_transit()
    {
        return Finding::fail(
            format!(
                "{place}, reached through the gateway of hub {}, but {missing}: the app's VNET has no way to on-premises",
                hub.vnet.name
            ),
            format!(
                "Set useRemoteGateways on peering {} and allowGatewayTransit on the hub's peering back (az network vnet peering update ... --set useRemoteGateways=true / allowGatewayTransit=true).",
                hub.peering.name
            ),
        );
    }
    let known = |status: &str| status.eq_ignore_ascii_case("Connected");
    let down: Vec<String> = connections
        .iter()
        .filter_map(|c| match c.connection_status.as_deref() {
            Some(status) if !known(status) => Some(format!("{} is {status}", c.name)),
            _ => None,
        })
        .collect();
    let unknown: Vec<&str> = connections
        .iter()
        .filter(|c| c.connection_status.is_none())
        .map(|c| c.name.as_str())
        .collect();
    if !down.is_empty() {
        return Finding::fail(
            format!("{place}, and {}", down.join(", ")),
            "Bring the site-to-site connection up: shared key, IKE settings and the on-premises device.",
        );
    }
    if !unknown.is_empty() {
        return Finding::warn(
            format!(
                "{place}; the status of {} is unknown: the export has no connectionStatus (list exports leave it out)",
                unknown.join(", ")
            ),
            format!(
                "Export each connection with show, which includes its status: {}",
                export::CONNECTION
            ),
        );
    }
    match connections.first() {
        Some(connection) => Finding::pass(format!(
            "{place}; connection {} is Connected",
            connection.name
        )),
        None => Finding::skip(SkipReason::missing_resource(
            format!("{place}, but no connection of the snapshot links it to the gateway"),
            export::CONNECTION,
        )),
    }
}

pub(super) fn onprem_p2s_route(scene: &Scene<'_>) -> Finding {
    if scene.snapshot.is_none() {
        return Finding::skip(SkipReason::NoSnapshot);
    }
    if target_onprem(scene).is_none() {
        return Finding::skip(SkipReason::not_applicable(
            "does not apply: the target is not on-premises (or its address is not known)",
        ));
    }
    Finding::manual(
        format!(
            "the on-premises network must send replies for the P2S pool {} back through the VPN",
            nets(&scene.pool)
        ),
        "On the on-premises gateway and routers, route the whole P2S pool to the Azure VPN; the app's address is not in the VNET's own space.",
    )
}
