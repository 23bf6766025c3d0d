//! The NSG analysis at scale: a /16 and a /8 P2S pool against 1,000 and 4,000 rules,
//! against the small example's pool and NSG in the same run. Prints each median and its
//! ratio to the example. Run with `cargo bench -p netdiag-core --bench nsg_scale`.
#![allow(clippy::unwrap_used)] // fixed, valid inputs

use std::hint::black_box;
use std::net::Ipv4Addr;
use std::time::{Duration, Instant};

use ipnet::{IpNet, Ipv4Net};
use netdiag_core::nsg::{Direction, Flow, Protocol, TagScope, analyse_path};
use netdiag_core::ranges::RangeSet;
use netdiag_core::snapshot::{AddressPrefix, Nsg, PortRange, SecurityRule};

/// A small deterministic generator, so every run measures the same rules.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u32 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) as u32
    }
}

fn rules(pool: Ipv4Net, count: usize, seed: u64) -> Nsg {
    let mut random = Lcg(seed);
    let base = u32::from(pool.network());
    let span = u32::from(pool.broadcast()) - base;
    let security_rules = (0..count)
        .map(|i| {
            let extra = random.next() % (32 - u32::from(pool.prefix_len()));
            let len = pool.prefix_len() + 1 + u8::try_from(extra).unwrap_or(0);
            let start = base + random.next() % span.max(1);
            let net = Ipv4Net::new(Ipv4Addr::from(start), len.min(32))
                .unwrap_or(pool)
                .trunc();
            let port = if random.next().is_multiple_of(3) {
                PortRange::ANY
            } else {
                PortRange {
                    first: 1433,
                    last: 1433,
                }
            };
            SecurityRule {
                name: format!("rule-{i}"),
                priority: 100 + u32::try_from(i).unwrap_or(0),
                direction: "Inbound".into(),
                access: if random.next().is_multiple_of(2) {
                    "Allow"
                } else {
                    "Deny"
                }
                .into(),
                protocol: "Tcp".into(),
                source_address_prefix: Some(AddressPrefix::Net(IpNet::V4(net))),
                source_address_prefixes: Vec::new(),
                destination_address_prefix: Some(AddressPrefix::Any),
                destination_address_prefixes: Vec::new(),
                source_port_range: Some(PortRange::ANY),
                source_port_ranges: Vec::new(),
                destination_port_range: Some(port),
                destination_port_ranges: Vec::new(),
                source_application_security_groups: Vec::new(),
                destination_application_security_groups: Vec::new(),
            }
        })
        .collect();
    Nsg {
        id: "/nsg/bench".into(),
        name: "nsg-bench".into(),
        security_rules,
        ..Nsg::default()
    }
}

fn median(pool: Ipv4Net, nsg: &Nsg) -> Duration {
    let flow = Flow {
        target: Ipv4Addr::new(10, 10, 2, 4),
        port: 1433,
        protocol: Protocol::Tcp,
        direction: Direction::Inbound,
    };
    let scope = TagScope::of(RangeSet::from_nets([&pool]));
    let set = RangeSet::from_nets([&pool]);
    let mut samples: Vec<Duration> = (0..31)
        .map(|_| {
            let started = Instant::now();
            black_box(analyse_path(&[nsg], black_box(&set), flow, &scope));
            started.elapsed()
        })
        .collect();
    samples.sort();
    samples[samples.len() / 2]
}

fn main() {
    let example_pool: Ipv4Net = "172.16.200.0/24".parse().unwrap();
    let baseline = median(example_pool, &rules(example_pool, 4, 1));
    println!("{:<28} {:>12} {:>10}", "case", "median", "ratio");
    println!(
        "{:<28} {:>12.3?} {:>10}",
        "example: /24, 4 rules", baseline, "1.00x"
    );
    for (pool, count) in [
        ("10.0.0.0/16", 1000),
        ("10.0.0.0/16", 4000),
        ("10.0.0.0/8", 1000),
        ("10.0.0.0/8", 4000),
    ] {
        let pool: Ipv4Net = pool.parse().unwrap();
        let nsg = rules(pool, count, 7);
        let time = median(pool, &nsg);
        println!(
            "{:<28} {:>12.3?} {:>9.1}x",
            format!("{pool}, {count} rules"),
            time,
            time.as_secs_f64() / baseline.as_secs_f64()
        );
    }
}
