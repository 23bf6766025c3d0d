//! What the checks look at, found once per run: the app, its plan and VNET connection,
//! the VNET, its gateways and P2S pool, on-premises networks, and where the target sits.
//! The checks of every stage read this scene; none of them searches the snapshot itself.

use std::borrow::Cow;
use std::net::{IpAddr, Ipv4Addr};

use ipnet::{IpNet, Ipv4Net};

use super::Inputs;
use super::registry::{Mode, SkipReason};
use crate::nsg::TagScope;
use crate::ranges::RangeSet;
use crate::settings::WEBSITE_SITE_NAME;
use crate::snapshot::{
    Gateway, IpOrNet, LocalGateway, Nic, Nsg, Plan, Site, Snapshot, Subnet, VirtualNetwork,
    VnetConnection, same_id,
};

/// The resources the checks look at, found once.
pub(crate) struct Scene<'a> {
    pub(super) inputs: &'a Inputs<'a>,
    /// The integration mode the snapshot shows, when it shows one.
    pub(super) mode: Option<Mode>,
    pub(super) snapshot: Option<&'a Snapshot>,
    pub(super) site: Option<&'a Site>,
    pub(super) plan: Option<&'a Plan>,
    /// The app's gateway-based VNET connections (regional ones left out).
    pub(super) gateway_connections: Vec<&'a VnetConnection>,
    pub(super) connection: Option<&'a VnetConnection>,
    pub(super) regional: bool,
    pub(super) vnet: Option<&'a VirtualNetwork>,
    pub(super) gateways: Vec<&'a Gateway>,
    pub(super) gateway: Option<&'a Gateway>,
    pub(super) pool: Vec<Ipv4Net>,
    pub(super) onprem: Vec<&'a LocalGateway>,
    pub(super) target: Option<Ipv4Addr>,
}

impl<'a> Scene<'a> {
    #[expect(
        clippy::too_many_lines,
        reason = "finds each resource once, in dependency order: site, plan, connection, VNET, gateways"
    )]
    pub(super) fn new(inputs: &'a Inputs<'a>) -> Self {
        let snapshot = inputs.snapshot;
        let site = snapshot.and_then(|s| s.site(inputs.settings.get(WEBSITE_SITE_NAME)));
        let plan = snapshot
            .and_then(|s| {
                site.and_then(|site| site.server_farm_id.as_deref())
                    .and_then(|id| s.plan(id))
            })
            .or_else(|| snapshot.and_then(|s| (s.plans.len() == 1).then(|| &s.plans[0])));
        let app_connections: Vec<&VnetConnection> = match (snapshot, site) {
            (Some(s), Some(site)) => s.connections_of(&site.id),
            (Some(s), None) => s.vnet_connections.iter().collect(),
            _ => Vec::new(),
        };
        let gateway_connections: Vec<&VnetConnection> = app_connections
            .iter()
            .copied()
            .filter(|c| c.is_swift != Some(true))
            .collect();
        let connection = gateway_connections.first().copied();
        let regional = connection.is_none()
            && (app_connections.iter().any(|c| c.is_swift == Some(true))
                || site.is_some_and(|s| s.virtual_network_subnet_id.is_some()));
        let vnet_id = connection
            .and_then(|c| c.vnet_resource_id.clone())
            .or_else(|| {
                site.and_then(|s| s.virtual_network_subnet_id.as_deref())
                    .map(|subnet| {
                        subnet
                            .to_ascii_lowercase()
                            .split("/subnets/")
                            .next()
                            .unwrap_or_default()
                            .to_owned()
                    })
            });
        let vnet = snapshot.and_then(|s| match &vnet_id {
            Some(id) => s.vnet(id),
            None if s.vnets.len() == 1 => s.vnets.first(),
            None => None,
        });
        let gateways = match (snapshot, vnet) {
            (Some(s), Some(v)) => s.gateways_of(&v.id),
            (Some(s), None) if s.gateways.len() == 1 => s.gateways.iter().collect(),
            _ => Vec::new(),
        };
        let gateway = gateways
            .iter()
            .copied()
            .find(|g| !g.is_expressroute())
            .or_else(|| gateways.first().copied());
        let pool: Vec<Ipv4Net> = gateway
            .map(Gateway::p2s_pool)
            .unwrap_or_default()
            .into_iter()
            .filter_map(|n| match n {
                IpNet::V4(v4) => Some(v4),
                IpNet::V6(_) => None,
            })
            .collect();
        let onprem = match snapshot {
            Some(s) => {
                let linked: Vec<&LocalGateway> = s
                    .local_gateways
                    .iter()
                    .filter(|lg| {
                        gateways.iter().any(|g| {
                            s.connections_of_gateway(&g.id).iter().any(|c| {
                                c.local_network_gateway2
                                    .as_ref()
                                    .is_some_and(|l| same_id(&l.id, &lg.id))
                            })
                        })
                    })
                    .collect();
                if linked.is_empty() {
                    s.local_gateways.iter().collect()
                } else {
                    linked
                }
            }
            None => Vec::new(),
        };
        let target = match inputs.target.ip {
            Some(IpAddr::V4(ip)) => Some(ip),
            _ => None,
        };
        let mode = if connection.is_some() {
            Some(Mode::Gateway)
        } else if regional {
            Some(Mode::Regional)
        } else {
            None
        };
        Self {
            inputs,
            mode,
            snapshot,
            site,
            plan,
            gateway_connections,
            connection,
            regional,
            vnet,
            gateways,
            gateway,
            pool,
            onprem,
            target,
        }
    }

    pub(super) fn vnet_spaces(&self) -> Vec<IpNet> {
        self.vnet
            .map(|v| {
                v.address_space
                    .address_prefixes
                    .iter()
                    .map(|c| c.0)
                    .collect()
            })
            .unwrap_or_default()
    }

    pub(super) fn peered_spaces(&self) -> Vec<(String, IpNet)> {
        self.vnet
            .map(|v| {
                v.virtual_network_peerings
                    .iter()
                    .flat_map(|p| {
                        p.remote_address_space
                            .iter()
                            .flat_map(|s| s.address_prefixes.iter())
                            .map(move |c| (p.name.clone(), c.0))
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    pub(super) fn onprem_spaces(&self) -> Vec<(String, IpNet)> {
        self.onprem
            .iter()
            .flat_map(|lg| lg.prefixes().into_iter().map(move |p| (lg.name.clone(), p)))
            .collect()
    }

    /// The VNET's spaces (labelled `vnet_label`), then the peered and on-premises ones,
    /// each with where it comes from: what the app's routes should cover.
    pub(super) fn labelled_spaces(&self, vnet_label: &str) -> Vec<(String, IpNet)> {
        let vnet = self
            .vnet_spaces()
            .into_iter()
            .map(|n| (vnet_label.to_owned(), n));
        let peered = self
            .peered_spaces()
            .into_iter()
            .map(|(p, n)| (format!("peering {p}"), n));
        let onprem = self
            .onprem_spaces()
            .into_iter()
            .map(|(l, n)| (format!("on-premises {l}"), n));
        vnet.chain(peered).chain(onprem).collect()
    }

    /// What the `VirtualNetwork` service tag covers: the VNET, peered and on-premises
    /// spaces, and (as Azure adds it for point-to-site) the P2S pool.
    pub(super) fn tag_scope(&self) -> TagScope {
        let mut nets: Vec<Ipv4Net> = self.pool.clone();
        let all = self
            .vnet_spaces()
            .into_iter()
            .chain(self.peered_spaces().into_iter().map(|(_, n)| n))
            .chain(self.onprem_spaces().into_iter().map(|(_, n)| n));
        nets.extend(all.filter_map(|n| match n {
            IpNet::V4(v4) => Some(v4),
            IpNet::V6(_) => None,
        }));
        TagScope {
            virtual_network: RangeSet::from_nets(&nets),
        }
    }

    /// The subnet (of the app's VNET or a peered one in the snapshot) holding the target,
    /// and the target's NIC when the snapshot has it.
    pub(super) fn target_location(&self) -> Option<(&'a Subnet, Option<&'a Nic>)> {
        let snapshot = self.snapshot?;
        let target = IpAddr::V4(self.target?);
        let nic = snapshot.nics.iter().find(|nic| {
            nic.ip_configurations
                .iter()
                .any(|c| c.private_ip_address == Some(target))
        });
        let nic_subnet = nic.and_then(|nic| {
            nic.ip_configurations
                .iter()
                .find(|c| c.private_ip_address == Some(target))
                .and_then(|c| c.subnet.as_ref())
        });
        let subnets = snapshot.vnets.iter().flat_map(|v| v.subnets.iter());
        let subnet = match nic_subnet {
            Some(reference) => snapshot
                .vnets
                .iter()
                .flat_map(|v| v.subnets.iter())
                .find(|s| same_id(&s.id, &reference.id)),
            None => None,
        }
        .or_else(|| {
            subnets
                .filter(|s| s.prefixes().iter().any(|p| p.contains(&target)))
                .max_by_key(|s| {
                    s.prefixes()
                        .iter()
                        .map(IpNet::prefix_len)
                        .max()
                        .unwrap_or(0)
                })
        })?;
        Some((subnet, nic))
    }

    pub(super) fn nsg_of_subnet(&self, subnet: &Subnet) -> Option<&'a Nsg> {
        let snapshot = self.snapshot?;
        match &subnet.network_security_group {
            Some(reference) => snapshot.nsg(&reference.id),
            None => snapshot
                .nsgs
                .iter()
                .find(|n| n.subnets.iter().any(|s| same_id(&s.id, &subnet.id))),
        }
    }

    pub(super) fn nsg_of_nic(&self, nic: &Nic) -> Option<&'a Nsg> {
        let snapshot = self.snapshot?;
        match &nic.network_security_group {
            Some(reference) => snapshot.nsg(&reference.id),
            None => snapshot
                .nsgs
                .iter()
                .find(|n| n.network_interfaces.iter().any(|i| same_id(&i.id, &nic.id))),
        }
    }

    /// Why a check cannot decide: no snapshot at all, or the snapshot lacks `what`.
    pub(super) fn lacking(&self, what: impl Into<Cow<'static, str>>) -> SkipReason {
        if self.snapshot.is_none() {
            SkipReason::NoSnapshot
        } else {
            SkipReason::Missing(what.into())
        }
    }
}

/// The app's routes (from its VNET connection) as an IPv4 address set.
pub(super) fn route_set(connection: &VnetConnection) -> RangeSet {
    let mut intervals = Vec::new();
    for route in &connection.routes {
        match (route.start_address, route.end_address) {
            (IpOrNet::Net(IpNet::V4(net)), _) => intervals.push(crate::ranges::Interval::of(net)),
            (IpOrNet::Ip(IpAddr::V4(start)), Some(IpAddr::V4(end))) if start <= end => {
                intervals.push(crate::ranges::Interval {
                    first: u32::from(start),
                    last: u32::from(end),
                });
            }
            (IpOrNet::Ip(IpAddr::V4(start)), None) => {
                intervals.push(crate::ranges::Interval::single(start));
            }
            _ => {}
        }
    }
    RangeSet::from_intervals(intervals)
}

pub(super) fn target_onprem<'a>(scene: &Scene<'a>) -> Option<(&'a LocalGateway, IpNet)> {
    let target = IpAddr::V4(scene.target?);
    scene.onprem.iter().find_map(|lg| {
        lg.prefixes()
            .into_iter()
            .find(|p| p.contains(&target))
            .map(|p| (*lg, p))
    })
}

pub(super) fn nets(nets: &[Ipv4Net]) -> String {
    nets.iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

pub(super) fn is_rfc1918(ip: Ipv4Addr) -> bool {
    ip.is_private()
}

pub(super) fn is_rfc1918_net(net: Ipv4Net) -> bool {
    ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"]
        .iter()
        .filter_map(|r| r.parse::<Ipv4Net>().ok())
        .any(|r| r.contains(&net))
}
