//! The interval NSG analysis partitions the pool and agrees, address by address, with the
//! first-match reference, on rule sets the fuzzer builds.
#![no_main]

use std::net::Ipv4Addr;

use arbitrary::Arbitrary;
use ipnet::{IpNet, Ipv4Net};
use libfuzzer_sys::fuzz_target;
use netdiag_core::nsg::{Decision, Flow, Protocol, TagScope, analyse_path, decide_address};
use netdiag_core::ranges::RangeSet;
use netdiag_core::snapshot::{AddressPrefix, IdRef, Nsg, PortRange, SecurityRule};

#[derive(Debug, Arbitrary)]
struct FuzzRule {
    priority: u16,
    inbound: bool,
    allow: bool,
    protocol: u8,
    sources: Vec<(u8, u32, u8)>,
    destinations: Vec<(u8, u32, u8)>,
    source_ports: Vec<(u16, u16)>,
    destination_ports: Vec<(u16, u16)>,
    asg: u8,
}

#[derive(Debug, Arbitrary)]
struct Input {
    pool_offset: u16,
    pool_len: u8,
    subnet: Vec<FuzzRule>,
    nic: Vec<FuzzRule>,
    udp: bool,
}

const BASE: u32 = 0xAC10_0000; // 172.16.0.0

fn prefix((kind, offset, len): (u8, u32, u8)) -> AddressPrefix {
    match kind % 7 {
        0 => AddressPrefix::Any,
        1 => AddressPrefix::Tag("VirtualNetwork".into()),
        2 => AddressPrefix::Tag("Internet".into()),
        3 => AddressPrefix::Tag("AzureLoadBalancer".into()),
        4 => AddressPrefix::Tag("Sql".into()),
        _ => {
            let ip = Ipv4Addr::from(BASE.wrapping_add(offset % 0x0010_0000));
            AddressPrefix::Net(IpNet::V4(Ipv4Net::new(ip, len % 33).unwrap_or_default().trunc()))
        }
    }
}

fn ports(ranges: &[(u16, u16)]) -> Vec<PortRange> {
    ranges.iter().take(3).map(|&(a, b)| PortRange { first: a.min(b), last: a.max(b) }).collect()
}

fn rule(index: usize, r: &FuzzRule) -> SecurityRule {
    let asg = |on: bool| if on { vec![IdRef { id: "/asg".into() }] } else { Vec::new() };
    SecurityRule {
        name: format!("r{index}"),
        priority: u32::from(r.priority % 4000) + 100,
        direction: if r.inbound { "Inbound" } else { "Outbound" }.into(),
        access: if r.allow { "Allow" } else { "Deny" }.into(),
        protocol: ["*", "Tcp", "Udp", "Icmp"][usize::from(r.protocol % 4)].into(),
        source_address_prefix: None,
        source_address_prefixes: r.sources.iter().take(4).copied().map(prefix).collect(),
        destination_address_prefix: None,
        destination_address_prefixes: r.destinations.iter().take(3).copied().map(prefix).collect(),
        source_port_range: None,
        source_port_ranges: ports(&r.source_ports),
        destination_port_range: None,
        destination_port_ranges: ports(&r.destination_ports),
        source_application_security_groups: asg(r.asg % 10 == 1),
        destination_application_security_groups: asg(r.asg % 10 == 2),
    }
}

fn nsg(name: &str, rules: &[FuzzRule]) -> Nsg {
    Nsg {
        id: format!("/nsg/{name}"),
        name: name.into(),
        security_rules: rules.iter().take(12).enumerate().map(|(i, r)| rule(i, r)).collect(),
        ..Nsg::default()
    }
}

fuzz_target!(|input: Input| {
    let pool_len = 26 + input.pool_len % 7; // /26 .. /32: every address is checked
    let start = Ipv4Addr::from(BASE + u32::from(input.pool_offset) * 1024);
    let Ok(pool_net) = Ipv4Net::new(start, pool_len) else { return };
    let pool_net = pool_net.trunc();
    let pool = RangeSet::from_nets([&pool_net]);
    let scope = TagScope { virtual_network: RangeSet::from_nets(&[pool_net, "10.10.0.0/16".parse().unwrap()]) };
    let subnet = nsg("subnet", &input.subnet);
    let nic = nsg("nic", &input.nic);
    let nsgs = [&subnet, &nic];
    let flow = Flow {
        target: Ipv4Addr::new(10, 10, 2, 4),
        port: 1433,
        protocol: if input.udp { Protocol::Udp } else { Protocol::Tcp },
    };
    let analysis = analyse_path(&nsgs, &pool, flow, &scope);
    let covers = |blocks: &[netdiag_core::nsg::Block], ip: Ipv4Addr| {
        blocks.iter().filter(|b| b.range.parse::<Ipv4Net>().unwrap().contains(&ip)).count()
    };
    for ip in pool_net.hosts().chain([pool_net.network(), pool_net.broadcast()]) {
        let (a, b, u) = (covers(&analysis.allowed, ip), covers(&analysis.blocked, ip), covers(&analysis.undecided, ip));
        assert_eq!(a + b + u, 1, "{ip} is in {a}+{b}+{u} lists");
        let actual = if b == 1 { Decision::Blocked } else if u == 1 { Decision::Undecided } else { Decision::Allowed };
        assert_eq!(actual, decide_address(&nsgs, ip, flow, &scope), "{ip}");
    }
});
