//! Routing: the way back from the target's subnet to the app's source range (the
//! point-to-site pool through the gateway, or the integration subnet within the VNET or
//! through a peering).
//!
//! Azure picks the longest prefix; on equal prefixes a user-defined route (UDR) beats a
//! route the gateway propagated (BGP), which beats the system routes. When the route table
//! disables gateway route propagation, the gateway's routes are gone (a VNET's own and
//! peered spaces are system routes and stay). Like the NSG analysis, the source range is
//! treated as ranges and split where routes begin and end.

use ipnet::{IpNet, Ipv4Net};
use serde::Serialize;

use crate::ranges::{Interval, PRIVATE_BLOCKS, RangeSet};
use crate::snapshot::{AddressPrefix, RouteTable};

/// Where one part of the source range is sent from the target's subnet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct ReturnHop {
    pub range: String,
    pub next_hop: String,
    pub route: String,
}

/// The source range, split by whether its return route is the way the traffic came.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct ReturnPath {
    pub returns: Vec<ReturnHop>,
    pub diverted: Vec<ReturnHop>,
}

/// The route replies should take: the one the app's traffic came by.
#[derive(Debug, Clone)]
pub struct WayBack {
    nets: Vec<Ipv4Net>,
    origin: Origin,
    next_hop: &'static str,
}

impl WayBack {
    /// Gateway-required: the gateway's route for the P2S pool (BGP-propagated).
    pub fn gateway(pool: &[Ipv4Net]) -> Self {
        Self {
            nets: pool.to_vec(),
            origin: Origin::Gateway,
            next_hop: GATEWAY_HOP,
        }
    }

    /// Regional, integration subnet in the target's VNET: the system route for the VNET's
    /// own address space.
    pub fn vnet_local(spaces: &[Ipv4Net]) -> Self {
        Self {
            nets: spaces.to_vec(),
            origin: Origin::System,
            next_hop: "VnetLocal",
        }
    }

    /// Regional, integration subnet in a peered VNET: the system route for the peer's
    /// address space.
    pub fn peering(spaces: &[Ipv4Net]) -> Self {
        Self {
            nets: spaces.to_vec(),
            origin: Origin::System,
            next_hop: "VNetPeering",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Origin {
    System,
    Gateway,
    User,
}

struct Candidate {
    net: Ipv4Net,
    origin: Origin,
    next_hop: String,
    name: String,
    /// One of the routes the traffic came by.
    expected: bool,
}

pub const GATEWAY_HOP: &str = "VirtualNetworkGateway";

/// Every route that could carry a reply to the source range: the system routes, the way
/// back (the gateway's unless the table disables propagation), and the table's own.
fn candidates(way_back: &WayBack, table: Option<&RouteTable>) -> Vec<Candidate> {
    let propagation_disabled = table.is_some_and(|t| t.disable_bgp_route_propagation == Some(true));
    let mut candidates = vec![Candidate {
        net: Ipv4Net::default(),
        origin: Origin::System,
        next_hop: "Internet".to_owned(),
        name: "system default route 0.0.0.0/0".to_owned(),
        expected: false,
    }];
    // The system routes for the private blocks, next hop None: what catches a range when
    // no more specific route (the gateway's, a UDR) sends it somewhere.
    candidates.extend(PRIVATE_BLOCKS.iter().copied().map(|net| Candidate {
        net,
        origin: Origin::System,
        next_hop: "None".to_owned(),
        name: format!("system route {net}"),
        expected: false,
    }));
    if !(propagation_disabled && way_back.origin == Origin::Gateway) {
        candidates.extend(way_back.nets.iter().map(|net| Candidate {
            net: *net,
            origin: way_back.origin,
            next_hop: way_back.next_hop.to_owned(),
            name: match way_back.origin {
                Origin::Gateway => format!("gateway route {net}"),
                _ => format!("system route {net}"),
            },
            expected: true,
        }));
    }
    if let Some(table) = table {
        for route in &table.routes {
            if let AddressPrefix::Net(IpNet::V4(net)) = route.address_prefix {
                candidates.push(Candidate {
                    net,
                    origin: Origin::User,
                    next_hop: match &route.next_hop_ip_address {
                        Some(ip) if !ip.is_empty() => format!("{} {ip}", route.next_hop_type),
                        _ => route.next_hop_type.clone(),
                    },
                    name: format!("{}/{}", table.name, route.name),
                    expected: false,
                });
            }
        }
    }
    candidates
}

/// The return route of every part of the source range, from a subnet with `table` (or
/// none).
pub fn return_path(
    source: &RangeSet,
    way_back: &WayBack,
    table: Option<&RouteTable>,
) -> ReturnPath {
    let candidates = candidates(way_back, table);
    // Split the pool wherever a candidate begins or ends.
    let mut cuts: Vec<u32> = Vec::new();
    for candidate in &candidates {
        let interval = Interval::of(candidate.net);
        cuts.push(interval.first);
        if let Some(after) = interval.last.checked_add(1) {
            cuts.push(after);
        }
    }
    cuts.sort_unstable();
    cuts.dedup();
    let mut path = ReturnPath::default();
    let mut pieces: Vec<(Interval, usize)> = Vec::new();
    for interval in source.intervals() {
        let mut start = interval.first;
        loop {
            let next_cut = cuts
                .iter()
                .copied()
                .find(|c| *c > start && *c <= interval.last);
            let end = next_cut.map_or(interval.last, |c| c - 1);
            let best = candidates
                .iter()
                .enumerate()
                .filter(|(_, c)| c.net.contains(&std::net::Ipv4Addr::from(start)))
                .max_by_key(|(_, c)| (c.net.prefix_len(), c.origin))
                .map_or(0, |(index, _)| index);
            match pieces.last_mut() {
                Some((last, index))
                    if *index == best && last.last.checked_add(1) == Some(start) =>
                {
                    last.last = end;
                }
                _ => pieces.push((
                    Interval {
                        first: start,
                        last: end,
                    },
                    best,
                )),
            }
            match next_cut {
                Some(cut) => start = cut,
                None => break,
            }
        }
    }
    for (interval, index) in pieces {
        let candidate = &candidates[index];
        for cidr in RangeSet::from_intervals([interval]).to_cidrs() {
            let hop = ReturnHop {
                range: cidr.to_string(),
                next_hop: candidate.next_hop.clone(),
                route: candidate.name.clone(),
            };
            if candidate.expected {
                path.returns.push(hop);
            } else {
                path.diverted.push(hop);
            }
        }
    }
    path
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snapshot::Route;

    fn table(routes: &[(&str, &str, &str)], propagation_disabled: bool) -> RouteTable {
        RouteTable {
            id: "rt".into(),
            name: "rt-app".into(),
            disable_bgp_route_propagation: Some(propagation_disabled),
            routes: routes
                .iter()
                .map(|(name, prefix, hop)| Route {
                    name: (*name).into(),
                    address_prefix: prefix.parse().unwrap(),
                    next_hop_type: (*hop).into(),
                    next_hop_ip_address: None,
                })
                .collect(),
            subnets: Vec::new(),
        }
    }

    fn pool() -> (RangeSet, Vec<Ipv4Net>) {
        let nets = vec!["172.16.0.0/24".parse().unwrap()];
        (RangeSet::from_nets(&nets), nets)
    }

    #[test]
    fn no_table_returns_through_the_gateway() {
        let (pool, nets) = pool();
        let path = return_path(&pool, &WayBack::gateway(&nets), None);
        assert!(path.diverted.is_empty());
        assert_eq!(path.returns[0].range, "172.16.0.0/24");
    }

    #[test]
    fn a_more_specific_udr_diverts_part_of_the_pool() {
        let (pool, nets) = pool();
        let table = table(&[("to-nva", "172.16.0.128/25", "VirtualAppliance")], false);
        let path = return_path(&pool, &WayBack::gateway(&nets), Some(&table));
        assert_eq!(path.returns[0].range, "172.16.0.0/25");
        assert_eq!(path.diverted[0].range, "172.16.0.128/25");
        assert_eq!(path.diverted[0].route, "rt-app/to-nva");
    }

    #[test]
    fn a_udr_wins_a_tie_and_a_shorter_one_loses() {
        let (pool, nets) = pool();
        let tie = table(&[("blackhole", "172.16.0.0/24", "None")], false);
        assert_eq!(
            return_path(&pool, &WayBack::gateway(&nets), Some(&tie)).diverted[0].next_hop,
            "None"
        );
        let shorter = table(&[("default", "0.0.0.0/0", "VirtualAppliance")], false);
        assert!(
            return_path(&pool, &WayBack::gateway(&nets), Some(&shorter))
                .diverted
                .is_empty()
        );
    }

    #[test]
    fn disabled_propagation_leaves_the_pool_to_the_system_route_with_next_hop_none() {
        let (pool, nets) = pool();
        // The pool (172.16.0.0/24) falls to the system route for 172.16.0.0/12, next hop
        // None, which beats a 0.0.0.0/0 UDR: the replies are dropped, not sent anywhere.
        let shorter = table(&[("default", "0.0.0.0/0", "VirtualAppliance")], true);
        let path = return_path(&pool, &WayBack::gateway(&nets), Some(&shorter));
        assert!(path.returns.is_empty());
        assert_eq!(path.diverted[0].next_hop, "None");
        assert_eq!(path.diverted[0].route, "system route 172.16.0.0/12");
        let empty = table(&[], true);
        assert_eq!(
            return_path(&pool, &WayBack::gateway(&nets), Some(&empty)).diverted[0].next_hop,
            "None"
        );
        // A UDR for the pool itself still decides.
        let to_appliance = table(&[("pool", "172.16.0.0/24", "VirtualAppliance")], true);
        assert_eq!(
            return_path(&pool, &WayBack::gateway(&nets), Some(&to_appliance)).diverted[0].next_hop,
            "VirtualAppliance"
        );
    }

    #[test]
    fn regional_replies_stay_in_the_vnet_unless_a_udr_as_specific_diverts_them() {
        let subnet: Vec<Ipv4Net> = vec!["10.10.4.0/26".parse().unwrap()];
        let source = RangeSet::from_nets(&subnet);
        let vnet = WayBack::vnet_local(&["10.10.0.0/16".parse().unwrap()]);
        // Propagation is about the gateway's routes; a default route is less specific.
        let default = table(&[("default", "0.0.0.0/0", "VirtualAppliance")], true);
        let path = return_path(&source, &vnet, Some(&default));
        assert!(path.diverted.is_empty());
        assert_eq!(path.returns[0].next_hop, "VnetLocal");
        let same = table(&[("vnet", "10.10.0.0/16", "VirtualAppliance")], false);
        assert_eq!(
            return_path(&source, &vnet, Some(&same)).diverted[0].route,
            "rt-app/vnet"
        );
        let peering = WayBack::peering(&["10.10.0.0/16".parse().unwrap()]);
        assert_eq!(
            return_path(&source, &peering, None).returns[0].next_hop,
            "VNetPeering"
        );
    }
}
