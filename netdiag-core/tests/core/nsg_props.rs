//! Property: the interval analysis of the source range agrees, address by address, with a
//! plain first-match evaluation of the same rules, on random rule sets: mixed prefixes
//! and service tags, port ranges, protocols, directions and application security groups.
//! Inbound: the P2S pool at the target (subnet NSG, then NIC NSG), with a `VirtualNetwork`
//! tag that covers all of the pool, part of it, or none of it (a spoke that does not use
//! the app's gateway). Outbound: a random /26 integration subnet through its NSG, to a
//! target inside the VNET, in a peered VNET or on the internet (the `Internet` tag).

use std::net::Ipv4Addr;

use ipnet::{IpNet, Ipv4Net};
use netdiag_core::nsg::{
    Decision, Direction, Flow, Protocol, TagScope, analyse_path, decide_address,
};
use netdiag_core::ranges::RangeSet;
use netdiag_core::snapshot::{AddressPrefix, IdRef, Nsg, PortRange, SecurityRule};
use proptest::prelude::*;

const TARGET: Ipv4Addr = Ipv4Addr::new(10, 10, 2, 4);
const PORT: u16 = 1433;

fn pool_base() -> u32 {
    u32::from(Ipv4Addr::new(172, 16, 200, 0))
}

/// Where the outbound tests draw their integration subnets: a /22 of the VNET.
fn subnets_base() -> u32 {
    u32::from(Ipv4Addr::new(10, 10, 4, 0))
}

/// A prefix of any kind; the literal ones around `base` (overlapping parts of the source
/// range, all of it, or none of it).
fn prefix(base: u32) -> impl Strategy<Value = AddressPrefix> {
    prop_oneof![
        Just(AddressPrefix::Any),
        (0_u32..2048, 20_u8..=32).prop_map(move |(offset, len)| {
            let net = Ipv4Net::new(Ipv4Addr::from(base - 512 + offset), len)
                .unwrap()
                .trunc();
            AddressPrefix::Net(IpNet::V4(net))
        }),
        Just(AddressPrefix::Net("10.10.2.4/32".parse().unwrap())),
        Just(AddressPrefix::Net("10.10.0.0/16".parse().unwrap())),
        Just(AddressPrefix::Net("10.20.0.0/16".parse().unwrap())),
        Just(AddressPrefix::Net("20.50.1.0/24".parse().unwrap())),
        Just(AddressPrefix::Net("fd00::/8".parse().unwrap())),
        Just(AddressPrefix::Tag("VirtualNetwork".into())),
        Just(AddressPrefix::Tag("Internet".into())),
        Just(AddressPrefix::Tag("AzureLoadBalancer".into())),
        Just(AddressPrefix::Tag("Storage".into())),
    ]
}

fn ports() -> impl Strategy<Value = PortRange> {
    prop_oneof![
        Just(PortRange::ANY),
        Just(PortRange {
            first: PORT,
            last: PORT
        }),
        Just(PortRange {
            first: 1000,
            last: 2000
        }),
        Just(PortRange {
            first: 443,
            last: 443
        }),
        Just(PortRange {
            first: 49152,
            last: 65535
        }),
        Just(PortRange {
            first: 50000,
            last: 60000
        }),
    ]
}

fn rule(base: u32) -> impl Strategy<Value = SecurityRule> {
    (
        (
            100_u32..600,
            prop::bool::weighted(0.85),
            prop::bool::ANY,
            prop::sample::select(vec!["*", "Tcp", "Udp", "Icmp"]),
        ),
        (
            prop::collection::vec(prefix(base), 0..3),
            prop::collection::vec(prefix(base), 0..2),
        ),
        (
            prop::collection::vec(ports(), 0..2),
            prop::collection::vec(ports(), 0..2),
        ),
        (prop::bool::weighted(0.1), prop::bool::weighted(0.1)),
    )
        .prop_map(
            |(
                (priority, inbound, allow, protocol),
                (sources, destinations),
                (source_ports, destination_ports),
                (source_asg, destination_asg),
            )| {
                let asg = |on: bool| {
                    if on {
                        vec![IdRef {
                            id: "/asg/web".into(),
                        }]
                    } else {
                        Vec::new()
                    }
                };
                SecurityRule {
                    name: format!("rule-{priority}"),
                    priority,
                    direction: if inbound { "Inbound" } else { "Outbound" }.into(),
                    access: if allow { "Allow" } else { "Deny" }.into(),
                    protocol: protocol.into(),
                    source_address_prefix: None,
                    source_address_prefixes: sources,
                    destination_address_prefix: None,
                    destination_address_prefixes: destinations,
                    source_port_range: None,
                    source_port_ranges: source_ports,
                    destination_port_range: None,
                    destination_port_ranges: destination_ports,
                    source_application_security_groups: asg(source_asg),
                    destination_application_security_groups: asg(destination_asg),
                }
            },
        )
}

fn nsg(name: &str, rules: Vec<SecurityRule>) -> Nsg {
    Nsg {
        id: format!("/nsg/{name}"),
        name: name.into(),
        security_rules: rules,
        ..Nsg::default()
    }
}

fn covers(blocks: &[netdiag_core::nsg::Block], ip: Ipv4Addr) -> bool {
    blocks
        .iter()
        .any(|b| b.range.parse::<Ipv4Net>().unwrap().contains(&ip))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn intervals_agree_with_per_address_evaluation(
        pool_len in 23_u8..=27,
        subnet_rules in prop::collection::vec(rule(pool_base()), 0..8),
        nic_rules in prop::collection::vec(rule(pool_base()), 0..6),
        with_nic in prop::bool::ANY,
        pool_in_virtual_network in prop::bool::weighted(0.6),
        // The VirtualNetwork tag of the target's VNET may cover only part of the pool (a
        // peered or on-premises space that overlaps it), or none of it (a spoke that does
        // not use the app's gateway).
        partly_tagged in prop::option::of((0_u32..256, 24_u8..=30)),
        udp in prop::bool::weighted(0.2),
    ) {
        let pool_net = Ipv4Net::new(Ipv4Addr::from(pool_base()), pool_len).unwrap();
        let mut tagged = vec!["10.10.0.0/16".parse::<Ipv4Net>().unwrap()];
        if pool_in_virtual_network {
            tagged.push(pool_net);
        }
        if let Some((offset, len)) = partly_tagged {
            tagged.push(Ipv4Net::new(Ipv4Addr::from(pool_base() + offset), len).unwrap().trunc());
        }
        let scope = TagScope::of(RangeSet::from_nets(&tagged));
        let subnet = nsg("subnet", subnet_rules);
        let nic = nsg("nic", nic_rules);
        let nsgs: Vec<&Nsg> = if with_nic { vec![&subnet, &nic] } else { vec![&subnet] };
        let flow = Flow {
            target: TARGET,
            port: PORT,
            protocol: if udp { Protocol::Udp } else { Protocol::Tcp },
            direction: Direction::Inbound,
        };
        check_partition(&nsgs, pool_net, flow, &scope)?;
    }

    #[test]
    fn outbound_intervals_agree_with_per_address_evaluation(
        subnet_index in 0_u32..16,
        rules in prop::collection::vec(rule(subnets_base()), 0..10),
        // In the VNET, in a peered VNET (in the tag), or public (the Internet tag).
        target in prop::sample::select(vec![
            Ipv4Addr::new(10, 10, 2, 4),
            Ipv4Addr::new(10, 20, 1, 5),
            Ipv4Addr::new(20, 50, 1, 1),
        ]),
        peered in prop::bool::ANY,
        udp in prop::bool::weighted(0.2),
    ) {
        let subnet = Ipv4Net::new(Ipv4Addr::from(subnets_base() + subnet_index * 64), 26).unwrap();
        let mut tagged = vec!["10.10.0.0/16".parse::<Ipv4Net>().unwrap()];
        if peered {
            tagged.push("10.20.0.0/16".parse().unwrap());
        }
        let scope = TagScope::of(RangeSet::from_nets(&tagged));
        let integration = nsg("integration", rules);
        let flow = Flow {
            target,
            port: PORT,
            protocol: if udp { Protocol::Udp } else { Protocol::Tcp },
            direction: Direction::Outbound,
        };
        check_partition(&[&integration], subnet, flow, &scope)?;
    }
}

/// The analysis partitions `source`, and each address lands where the per-address
/// evaluation puts it.
fn check_partition(
    nsgs: &[&Nsg],
    source: Ipv4Net,
    flow: Flow,
    scope: &TagScope,
) -> Result<(), TestCaseError> {
    let set = RangeSet::from_nets([&source]);
    let analysis = analyse_path(nsgs, &set, flow, scope);
    let mut counted = 0_u64;
    for list in [&analysis.allowed, &analysis.blocked, &analysis.undecided] {
        counted += list
            .iter()
            .map(|b| 1_u64 << (32 - b.range.parse::<Ipv4Net>().unwrap().prefix_len()))
            .sum::<u64>();
    }
    prop_assert_eq!(counted, set.len(), "the result partitions the range");
    for ip in source.hosts().chain([source.network(), source.broadcast()]) {
        let expected = decide_address(nsgs, ip, flow, scope);
        let actual = if covers(&analysis.blocked, ip) {
            Decision::Blocked
        } else if covers(&analysis.undecided, ip) {
            Decision::Undecided
        } else {
            prop_assert!(covers(&analysis.allowed, ip), "{} in no list", ip);
            Decision::Allowed
        };
        prop_assert_eq!(actual, expected, "address {}", ip);
    }
    Ok(())
}
