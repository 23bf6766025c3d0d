//! Sets of IPv4 addresses as sorted, disjoint intervals: the P2S pool is analysed as
//! ranges, never address by address, so a /8 pool costs the same as a /28.

use std::net::Ipv4Addr;

use ipnet::{Ipv4Net, Ipv4Subnets};

/// The private blocks: RFC 1918 and the shared address space 100.64.0.0/10. Azure gives
/// each a system route with next hop None, and the `Internet` service tag leaves them out.
pub const PRIVATE_BLOCKS: [Ipv4Net; 4] = [
    Ipv4Net::new_assert(Ipv4Addr::new(10, 0, 0, 0), 8),
    Ipv4Net::new_assert(Ipv4Addr::new(172, 16, 0, 0), 12),
    Ipv4Net::new_assert(Ipv4Addr::new(192, 168, 0, 0), 16),
    Ipv4Net::new_assert(Ipv4Addr::new(100, 64, 0, 0), 10),
];

/// Whether an address is in one of the [`PRIVATE_BLOCKS`].
pub fn is_private(ip: Ipv4Addr) -> bool {
    PRIVATE_BLOCKS.iter().any(|block| block.contains(&ip))
}

/// An inclusive interval of IPv4 addresses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Interval {
    pub first: u32,
    pub last: u32,
}

impl Interval {
    pub fn of(net: Ipv4Net) -> Self {
        Self {
            first: u32::from(net.network()),
            last: u32::from(net.broadcast()),
        }
    }

    pub fn single(ip: Ipv4Addr) -> Self {
        let ip = u32::from(ip);
        Self {
            first: ip,
            last: ip,
        }
    }
}

/// A set of IPv4 addresses.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RangeSet {
    intervals: Vec<Interval>,
}

impl RangeSet {
    pub fn empty() -> Self {
        Self::default()
    }

    pub fn all() -> Self {
        Self::from_intervals([Interval {
            first: 0,
            last: u32::MAX,
        }])
    }

    pub fn from_intervals(intervals: impl IntoIterator<Item = Interval>) -> Self {
        let mut intervals: Vec<Interval> = intervals.into_iter().collect();
        intervals.sort_unstable();
        let mut merged: Vec<Interval> = Vec::with_capacity(intervals.len());
        for interval in intervals {
            match merged.last_mut() {
                Some(last) if interval.first <= last.last.saturating_add(1) => {
                    last.last = last.last.max(interval.last);
                }
                _ => merged.push(interval),
            }
        }
        Self { intervals: merged }
    }

    pub fn from_nets<'a>(nets: impl IntoIterator<Item = &'a Ipv4Net>) -> Self {
        Self::from_intervals(nets.into_iter().map(|n| Interval::of(*n)))
    }

    pub fn intervals(&self) -> &[Interval] {
        &self.intervals
    }

    pub fn is_empty(&self) -> bool {
        self.intervals.is_empty()
    }

    /// How many addresses.
    pub fn len(&self) -> u64 {
        self.intervals
            .iter()
            .map(|i| u64::from(i.last - i.first) + 1)
            .sum()
    }

    pub fn contains(&self, ip: Ipv4Addr) -> bool {
        let ip = u32::from(ip);
        self.intervals
            .binary_search_by(|i| {
                if i.last < ip {
                    std::cmp::Ordering::Less
                } else if i.first > ip {
                    std::cmp::Ordering::Greater
                } else {
                    std::cmp::Ordering::Equal
                }
            })
            .is_ok()
    }

    #[must_use]
    pub fn union(&self, other: &Self) -> Self {
        Self::from_intervals(self.intervals.iter().chain(&other.intervals).copied())
    }

    #[must_use]
    pub fn intersect(&self, other: &Self) -> Self {
        let (mut a, mut b) = (0, 0);
        let mut out = Vec::new();
        while a < self.intervals.len() && b < other.intervals.len() {
            let (x, y) = (self.intervals[a], other.intervals[b]);
            let first = x.first.max(y.first);
            let last = x.last.min(y.last);
            if first <= last {
                out.push(Interval { first, last });
            }
            if x.last < y.last {
                a += 1;
            } else {
                b += 1;
            }
        }
        Self { intervals: out }
    }

    #[must_use]
    pub fn subtract(&self, other: &Self) -> Self {
        let mut out = Vec::new();
        let mut b = 0;
        for &interval in &self.intervals {
            let mut first = interval.first;
            let mut open = true;
            while b < other.intervals.len() && other.intervals[b].last < first {
                b += 1;
            }
            let mut k = b;
            while k < other.intervals.len() && other.intervals[k].first <= interval.last {
                let cut = other.intervals[k];
                if cut.first > first {
                    out.push(Interval {
                        first,
                        last: cut.first - 1,
                    });
                }
                if cut.last >= interval.last {
                    open = false;
                    break;
                }
                first = cut.last + 1;
                k += 1;
            }
            if open {
                out.push(Interval {
                    first,
                    last: interval.last,
                });
            }
        }
        Self { intervals: out }
    }

    /// The smallest list of CIDR blocks that covers exactly this set.
    pub fn to_cidrs(&self) -> Vec<Ipv4Net> {
        self.intervals
            .iter()
            .flat_map(|i| Ipv4Subnets::new(Ipv4Addr::from(i.first), Ipv4Addr::from(i.last), 0))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(nets: &[&str]) -> RangeSet {
        let nets: Vec<Ipv4Net> = nets.iter().map(|n| n.parse().unwrap()).collect();
        RangeSet::from_nets(&nets)
    }

    fn cidrs(set: &RangeSet) -> Vec<String> {
        set.to_cidrs().iter().map(ToString::to_string).collect()
    }

    #[test]
    fn set_operations() {
        let pool = set(&["172.16.0.0/24"]);
        let rule = set(&["172.16.0.64/26", "10.0.0.0/8"]);
        assert_eq!(cidrs(&pool.intersect(&rule)), ["172.16.0.64/26"]);
        assert_eq!(
            cidrs(&pool.subtract(&rule)),
            ["172.16.0.0/26", "172.16.0.128/25"]
        );
        assert_eq!(pool.subtract(&RangeSet::all()), RangeSet::empty());
        assert_eq!(
            cidrs(&set(&["10.0.0.0/25", "10.0.0.128/25"])),
            ["10.0.0.0/24"]
        );
        assert_eq!(pool.len(), 256);
        assert!(pool.contains("172.16.0.255".parse().unwrap()));
        assert!(!pool.contains("172.16.1.0".parse().unwrap()));
        let edges = set(&["0.0.0.0/1", "255.255.255.255/32"]);
        assert_eq!(
            cidrs(&RangeSet::all().subtract(&edges)),
            [
                "128.0.0.0/2",
                "192.0.0.0/3",
                "224.0.0.0/4",
                "240.0.0.0/5",
                "248.0.0.0/6",
                "252.0.0.0/7",
                "254.0.0.0/8",
                "255.0.0.0/9",
                "255.128.0.0/10",
                "255.192.0.0/11",
                "255.224.0.0/12",
                "255.240.0.0/13",
                "255.248.0.0/14",
                "255.252.0.0/15",
                "255.254.0.0/16",
                "255.255.0.0/17",
                "255.255.128.0/18",
                "255.255.192.0/19",
                "255.255.224.0/20",
                "255.255.240.0/21",
                "255.255.248.0/22",
                "255.255.252.0/23",
                "255.255.254.0/24",
                "255.255.255.0/25",
                "255.255.255.128/26",
                "255.255.255.192/27",
                "255.255.255.224/28",
                "255.255.255.240/29",
                "255.255.255.248/30",
                "255.255.255.252/31",
                "255.255.255.254/32"
            ]
        );
    }
}
