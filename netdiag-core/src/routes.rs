//! Routing: the way back from the target's subnet to the app's point-to-site pool.
//!
//! Azure picks the longest prefix; on equal prefixes a user-defined route (UDR) beats a
//! route the gateway propagated (BGP), which beats the system routes. When the route table
//! disables gateway route propagation, the gateway's routes are gone. Like the NSG analysis,
//! the pool is treated as ranges and split where routes begin and end.

use ipnet::{IpNet, Ipv4Net};
use serde::Serialize;

use crate::ranges::{Interval, RangeSet};
use crate::snapshot::{AddressPrefix, RouteTable};

/// Where one range of the pool is sent from the target's subnet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct ReturnHop {
    pub range: String,
    pub next_hop: String,
    pub route: String,
}

/// The pool, split by the next hop of its return route.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct ReturnPath {
    pub via_gateway: Vec<ReturnHop>,
    pub diverted: Vec<ReturnHop>,
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
}

pub const GATEWAY_HOP: &str = "VirtualNetworkGateway";

/// Every route that could carry a reply to the pool: the system routes, the gateway's
/// (unless the table disables propagation), and the table's own.
fn candidates(pool_prefixes: &[Ipv4Net], table: Option<&RouteTable>) -> Vec<Candidate> {
    let propagation_disabled = table.is_some_and(|t| t.disable_bgp_route_propagation == Some(true));
    let mut candidates = vec![Candidate {
        net: Ipv4Net::default(),
        origin: Origin::System,
        next_hop: "Internet".to_owned(),
        name: "system default route 0.0.0.0/0".to_owned(),
    }];
    // The system routes for the private blocks, next hop None: what catches a range when
    // no more specific route (the gateway's, a UDR) sends it somewhere.
    candidates.extend(
        [
            "10.0.0.0/8",
            "172.16.0.0/12",
            "192.168.0.0/16",
            "100.64.0.0/10",
        ]
        .iter()
        .filter_map(|block| block.parse::<Ipv4Net>().ok())
        .map(|net| Candidate {
            net,
            origin: Origin::System,
            next_hop: "None".to_owned(),
            name: format!("system route {net}"),
        }),
    );
    if !propagation_disabled {
        candidates.extend(pool_prefixes.iter().map(|net| Candidate {
            net: *net,
            origin: Origin::Gateway,
            next_hop: GATEWAY_HOP.to_owned(),
            name: format!("gateway route {net}"),
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
                });
            }
        }
    }
    candidates
}

/// The return route of every part of the pool, from a subnet with `table` (or none).
pub fn return_path(
    pool: &RangeSet,
    pool_prefixes: &[Ipv4Net],
    table: Option<&RouteTable>,
) -> ReturnPath {
    let candidates = candidates(pool_prefixes, table);
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
    for interval in pool.intervals() {
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
            if candidate.next_hop == GATEWAY_HOP {
                path.via_gateway.push(hop);
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
        let path = return_path(&pool, &nets, None);
        assert!(path.diverted.is_empty());
        assert_eq!(path.via_gateway[0].range, "172.16.0.0/24");
    }

    #[test]
    fn a_more_specific_udr_diverts_part_of_the_pool() {
        let (pool, nets) = pool();
        let table = table(&[("to-nva", "172.16.0.128/25", "VirtualAppliance")], false);
        let path = return_path(&pool, &nets, Some(&table));
        assert_eq!(path.via_gateway[0].range, "172.16.0.0/25");
        assert_eq!(path.diverted[0].range, "172.16.0.128/25");
        assert_eq!(path.diverted[0].route, "rt-app/to-nva");
    }

    #[test]
    fn a_udr_wins_a_tie_and_a_shorter_one_loses() {
        let (pool, nets) = pool();
        let tie = table(&[("blackhole", "172.16.0.0/24", "None")], false);
        assert_eq!(
            return_path(&pool, &nets, Some(&tie)).diverted[0].next_hop,
            "None"
        );
        let shorter = table(&[("default", "0.0.0.0/0", "VirtualAppliance")], false);
        assert!(
            return_path(&pool, &nets, Some(&shorter))
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
        let path = return_path(&pool, &nets, Some(&shorter));
        assert!(path.via_gateway.is_empty());
        assert_eq!(path.diverted[0].next_hop, "None");
        assert_eq!(path.diverted[0].route, "system route 172.16.0.0/12");
        let empty = table(&[], true);
        assert_eq!(
            return_path(&pool, &nets, Some(&empty)).diverted[0].next_hop,
            "None"
        );
        // A UDR for the pool itself still decides.
        let to_appliance = table(&[("pool", "172.16.0.0/24", "VirtualAppliance")], true);
        assert_eq!(
            return_path(&pool, &nets, Some(&to_appliance)).diverted[0].next_hop,
            "VirtualAppliance"
        );
    }
}
