//! What the checks look at, found once per run: the app, its plan and VNET connection,
//! the VNET, its gateways and P2S pool, on-premises networks, and where the target sits.
//! The checks of every stage read this scene; none of them searches the snapshot itself.

use std::borrow::Cow;
use std::net::{IpAddr, Ipv4Addr};

use ipnet::{IpNet, Ipv4Net};

use super::inputs::Inputs;
use super::vocab::{Mode, SkipReason, SourceKind};
use crate::dns::ServerSource;
use crate::dns::config::{AZURE_DNS, CacheTime};
use crate::nsg::TagScope;
use crate::ranges::RangeSet;
use crate::settings::{AppSettings, WEBSITE_SITE_NAME, WEBSITE_VNET_ROUTE_ALL};
use crate::snapshot::{
    Gateway, IpOrNet, LocalGateway, Nic, Nsg, Plan, PrivateEndpoint, Site, Snapshot, Subnet,
    VirtualNetwork, VnetConnection, describe_id, same_id,
};

/// The resources the checks look at, found once.
pub(crate) struct Scene<'a> {
    pub(super) inputs: &'a Inputs<'a>,
    /// The integration mode the snapshot shows, and the field that shows it.
    pub(super) mode: Mode,
    pub(super) mode_reason: String,
    pub(super) snapshot: Option<&'a Snapshot>,
    pub(super) site: Option<&'a Site>,
    pub(super) plan: Option<&'a Plan>,
    /// The app's gateway-based VNET connections (regional ones left out).
    pub(super) gateway_connections: Vec<&'a VnetConnection>,
    pub(super) connection: Option<&'a VnetConnection>,
    pub(super) vnet: Option<&'a VirtualNetwork>,
    pub(super) gateways: Vec<&'a Gateway>,
    pub(super) gateway: Option<&'a Gateway>,
    pub(super) pool: Vec<Ipv4Net>,
    /// On-premises networks linked to the VNET's gateways by a connection (regional: or
    /// to the gateway of a hub the VNET peers with).
    pub(super) onprem: Vec<&'a LocalGateway>,
    /// Regional: the hub whose gateway leads on-premises, when the app's VNET has none of
    /// its own but peers with a VNET that has one.
    pub(super) hub: Option<Hub<'a>>,
    pub(super) target: Option<Ipv4Addr>,
    /// Where `target` came from when the run did not resolve the name.
    pub(super) target_note: Option<String>,
    /// Route All, named by what turned it on: the site's `vnetRouteAllEnabled` (or
    /// `outboundVnetRouting`), its `config/web`'s, or the app setting
    /// `WEBSITE_VNET_ROUTE_ALL=1`. Either turns it on: ARM reports `false` for a site that
    /// never set the property, which cannot be told from a deliberate `false`.
    pub(super) route_all: Option<String>,
}

/// A hub VNET with a gateway, peered with the app's VNET: on-premises is reached through
/// it only with `useRemoteGateways` on the app's side and `allowGatewayTransit` on the
/// hub's ("Configure VPN gateway transit for virtual network peering",
/// learn.microsoft.com/azure/vpn-gateway/vpn-gateway-peering-gateway-transit).
pub(crate) struct Hub<'a> {
    pub(super) vnet: &'a VirtualNetwork,
    /// The app's VNET's peering to the hub.
    pub(super) peering: &'a crate::snapshot::Peering,
    /// The hub's peering back, when the snapshot has it.
    pub(super) back: Option<&'a crate::snapshot::Peering>,
}

impl Hub<'_> {
    /// What is missing for the gateway transit, in words; `None` when it works.
    pub(super) fn missing_transit(&self) -> Option<String> {
        let mut missing = Vec::new();
        if self.peering.use_remote_gateways != Some(true) {
            missing.push(format!(
                "peering {} lacks useRemoteGateways",
                self.peering.name
            ));
        }
        match self.back {
            Some(back) if back.allow_gateway_transit != Some(true) => {
                missing.push(format!(
                    "the hub's peering {} lacks allowGatewayTransit",
                    back.name
                ));
            }
            _ => {}
        }
        (!missing.is_empty()).then(|| missing.join(", and "))
    }
}

/// The hub of the app's VNET: a peered VNET of the snapshot that has a gateway.
fn hub_of<'a>(
    snapshot: &'a Snapshot,
    vnet: &'a VirtualNetwork,
) -> Option<(Hub<'a>, Vec<&'a Gateway>)> {
    vnet.virtual_network_peerings.iter().find_map(|peering| {
        let remote = snapshot.vnet(&peering.remote_virtual_network.as_ref()?.id)?;
        let gateways = snapshot.gateways_of(&remote.id);
        if gateways.is_empty() {
            return None;
        }
        let back = remote.virtual_network_peerings.iter().find(|p| {
            p.remote_virtual_network
                .as_ref()
                .is_some_and(|r| same_id(&r.id, &vnet.id))
        });
        Some((
            Hub {
                vnet: remote,
                peering,
                back,
            },
            gateways,
        ))
    })
}

/// The app's side of a snapshot: its site, plan and VNET connections.
struct App<'a> {
    site: Option<&'a Site>,
    plan: Option<&'a Plan>,
    connections: Vec<&'a VnetConnection>,
}

impl<'a> App<'a> {
    fn find(snapshot: &'a Snapshot, site_name: Option<&str>) -> Self {
        let site = snapshot.site(site_name);
        let plan = site
            .and_then(|site| site.server_farm_id.as_deref())
            .and_then(|id| snapshot.plan(id))
            .or_else(|| (snapshot.plans.len() == 1).then(|| &snapshot.plans[0]));
        let connections = match site {
            Some(site) => snapshot.connections_of(&site.id),
            None => snapshot.vnet_connections.iter().collect(),
        };
        Self {
            site,
            plan,
            connections,
        }
    }
}

impl<'a> Scene<'a> {
    pub(super) fn new(inputs: &'a Inputs<'a>) -> Self {
        let snapshot = inputs.snapshot;
        let app = snapshot.map_or(
            App {
                site: None,
                plan: None,
                connections: Vec::new(),
            },
            |s| App::find(s, inputs.settings.get(WEBSITE_SITE_NAME)),
        );
        let gateway_connections: Vec<&VnetConnection> = app
            .connections
            .iter()
            .copied()
            .filter(|c| c.is_swift != Some(true))
            .collect();
        let connection = gateway_connections.first().copied();
        let (mode, mode_reason) = snapshot.map_or_else(
            || {
                (
                    Mode::None,
                    "no VNET connection or integration subnet of the app in the snapshot"
                        .to_owned(),
                )
            },
            |s| mode_of(s, app.site, &app.connections),
        );
        let vnet = snapshot.and_then(|s| s.app_vnet(app.site));
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
        let pool = gateway.map(Gateway::p2s_pool).unwrap_or_default();
        let hub = match (snapshot, vnet, mode) {
            (Some(s), Some(v), Mode::Regional) if gateways.is_empty() => hub_of(s, v),
            _ => None,
        };
        let onprem = match (snapshot, &hub) {
            (Some(s), Some((_, hub_gateways))) => s.local_gateways_of(hub_gateways),
            (Some(s), None) => s.local_gateways_of(&gateways),
            (None, _) => Vec::new(),
        };
        let hub = hub.map(|(hub, _)| hub);
        let route_all = route_all_source(snapshot, app.site, inputs.settings);
        let endpoint_target = endpoint_target(inputs);
        Self {
            inputs,
            mode,
            mode_reason,
            snapshot,
            site: app.site,
            plan: app.plan,
            gateway_connections,
            connection,
            vnet,
            gateways,
            gateway,
            pool: v4_only(&pool),
            onprem,
            hub,
            target: match inputs.target.ip {
                Some(IpAddr::V4(ip)) => Some(ip),
                Some(IpAddr::V6(_)) => None,
                // Not resolved (--no-probe): a private endpoint's name leads to its
                // private IP, where the app's traffic should go.
                None => endpoint_target.as_ref().map(|(ip, _)| *ip),
            },
            target_note: endpoint_target.map(|(_, note)| note),
            route_all,
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

    /// The app's source range and its name: the P2S pool (gateway-required), or the
    /// integration subnet's prefix (regional). Empty when the snapshot does not show it.
    pub(super) fn source_range(&self) -> (Vec<Ipv4Net>, SourceKind) {
        match self.mode {
            Mode::Regional => (
                self.integration_subnet()
                    .map(|s| v4_only(&s.prefixes()))
                    .unwrap_or_default(),
                SourceKind::IntegrationSubnet,
            ),
            Mode::Gateway | Mode::None | Mode::Unknown => (self.pool.clone(), SourceKind::P2sPool),
        }
    }

    /// The service endpoint on the integration subnet that brings the target's service into
    /// the VNET, when the target is a name of a known service ("Integrate your app with an
    /// Azure virtual network": without Route All, "only private traffic (RFC1918) and service
    /// endpoints configured on the integration subnet will be sent into the virtual network").
    pub(super) fn service_endpoint(&self) -> Option<&'static str> {
        let name = self.inputs.target.name.as_deref()?;
        let wanted = crate::snapshot::services::service_of(name)?.endpoint()?;
        self.integration_subnet()?
            .service_endpoints
            .iter()
            .filter_map(|e| e.service.as_deref())
            .any(|service| service.eq_ignore_ascii_case(wanted))
            .then_some(wanted)
    }

    /// The app's own DNS servers (settings, site, VNET): the machine's and Azure DNS
    /// (168.63.129.16) left out.
    pub(super) fn custom_dns_servers(&self) -> Vec<IpAddr> {
        self.inputs
            .dns_config
            .or(self.inputs.dns.map(|(c, _)| c))
            .map(|c| {
                c.servers
                    .iter()
                    .filter(|s| {
                        !matches!(s.source, ServerSource::System | ServerSource::AzureDefault)
                    })
                    .map(|s| s.address.ip())
                    .filter(|ip| *ip != AZURE_DNS)
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The regional integration subnet's id (see [`Snapshot::integration_subnet_id`]).
    pub(super) fn integration_subnet_id(&self) -> Option<&'a str> {
        self.snapshot?.integration_subnet_id(self.site)
    }

    /// The regional integration subnet, when the snapshot has it.
    pub(super) fn integration_subnet(&self) -> Option<&'a Subnet> {
        self.snapshot?.subnet(self.integration_subnet_id()?)
    }

    /// The integration subnet, or why a regional check cannot see it.
    pub(super) fn integration_subnet_or_skip(&self) -> Result<&'a Subnet, SkipReason> {
        if self.snapshot.is_none() {
            return Err(SkipReason::NoSnapshot);
        }
        let Some(id) = self.integration_subnet_id() else {
            return Err(SkipReason::missing_resource(NO_SUBNET, export::SITE));
        };
        self.integration_subnet().ok_or_else(|| {
            SkipReason::missing_resource(
                format!(
                    "the integration subnet {} is not in the snapshot",
                    describe_id(id)
                ),
                export::VNET,
            )
            .with_id(id)
        })
    }

    /// How long the app may keep an old DNS answer, as a remedy that changes DNS ends it
    /// ("Name resolution in App Service": answers are cached up to 30 s by default).
    pub(super) fn dns_cache_sentence(&self) -> String {
        let inputs = self.inputs;
        let cache = inputs.dns_config.map_or_else(
            || {
                let site = inputs
                    .snapshot
                    .and_then(|s| s.site_dns(inputs.settings.get(WEBSITE_SITE_NAME)));
                CacheTime::of(site.as_ref(), inputs.settings)
            },
            |config| config.cache,
        );
        let setting = cache
            .setting
            .map_or_else(String::new, |setting| format!(", {setting}"));
        if cache.time.is_zero() {
            format!(
                "The app keeps no DNS answers (its DNS cache time is 0{setting}), so the change counts at once."
            )
        } else {
            format!(
                "The app may keep the old answer for up to {} (its DNS cache time{setting}): test again after that.",
                humantime::format_duration(cache.time)
            )
        }
    }

    /// The source range for a remedy: "pool 172.16.200.0/24", "integration subnet
    /// 10.10.4.0/26", or what it is when the snapshot does not show it.
    pub(super) fn source_phrase(&self) -> String {
        let (range, name) = self.source_range();
        match (self.mode, range.is_empty()) {
            (Mode::Gateway, false) => format!("pool {}", nets(&range)),
            (Mode::Regional, false) => format!("{name} {}", nets(&range)),
            (Mode::Regional, true) => "integration subnet".to_owned(),
            (Mode::Gateway, true) => SourceKind::P2sPool.name().to_owned(),
            (Mode::None | Mode::Unknown, _) => {
                "address range the app's traffic comes from (its integration subnet, or its P2S pool)".to_owned()
            }
        }
    }

    /// The app's source range and its name (see [`Self::source_range`]), or why a check
    /// that needs it cannot decide.
    pub(super) fn source_or_skip(&self) -> Result<(Vec<Ipv4Net>, SourceKind), SkipReason> {
        if self.mode == Mode::Regional {
            let subnet = self.integration_subnet_or_skip()?;
            return Ok((v4_only(&subnet.prefixes()), SourceKind::IntegrationSubnet));
        }
        self.pool_or_skip()?;
        Ok((self.pool.clone(), SourceKind::P2sPool))
    }

    /// Regional: whether the app sends `target` into the VNET at all (Route All, an
    /// RFC 1918 destination, or the target's service through a service endpoint on the
    /// integration subnet); other traffic leaves straight to the internet.
    pub(super) fn enters_vnet(&self, target: Ipv4Addr) -> bool {
        self.route_all.is_some() || is_rfc1918(target) || self.service_endpoint().is_some()
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

    /// What the `VirtualNetwork` service tag covers for an NSG in `target_vnet`: its own
    /// space, its peerings' spaces, the on-premises spaces of the gateway it uses, and the
    /// P2S pool when that gateway is the app's (the VNET owns it, or reaches it through
    /// `useRemoteGateways`). Says whether the pool is in.
    pub(super) fn tag_scope(
        &self,
        target_vnet: Option<&VirtualNetwork>,
        subnet: Option<&Subnet>,
    ) -> (TagScope, bool) {
        let Some(target_vnet) = target_vnet.or(self.vnet) else {
            return (TagScope::default(), false);
        };
        let mut nets: Vec<IpNet> = target_vnet
            .address_space
            .address_prefixes
            .iter()
            .map(|c| c.0)
            .collect();
        nets.extend(
            target_vnet
                .virtual_network_peerings
                .iter()
                .flat_map(crate::snapshot::Peering::remote_spaces),
        );
        let uses_app_gateway = self.uses_app_gateway(target_vnet);
        let mut learned = false;
        if let Some(snapshot) = self.snapshot {
            let own = snapshot.gateways_of(&target_vnet.id);
            let used = if !own.is_empty() {
                own
            } else if uses_app_gateway && !self.gateways.is_empty() {
                self.gateways.clone()
            } else {
                // A spoke that uses its hub's gateway (useRemoteGateways): the on-premises
                // spaces behind the hub are in its tag too.
                hub_of(snapshot, target_vnet)
                    .filter(|(hub, _)| hub.peering.use_remote_gateways == Some(true))
                    .map(|(_, gateways)| gateways)
                    .unwrap_or_default()
            };
            nets.extend(
                snapshot
                    .local_gateways_of(&used)
                    .iter()
                    .flat_map(|lg| lg.prefixes()),
            );
            learned = used.iter().any(|g| g.learns_routes());
        }
        // The prefixes of the user-defined routes of the NSG's subnet are in the tag too
        // (the VirtualNetwork tag of "Virtual network service tags",
        // learn.microsoft.com/azure/virtual-network/service-tags-overview, lists the
        // address prefixes used on user-defined routes): a 0.0.0.0/0 UDR puts every
        // address in it.
        if let (Some(snapshot), Some(reference)) =
            (self.snapshot, subnet.and_then(|s| s.route_table.as_ref()))
            && let Some(table) = snapshot.route_table(&reference.id)
        {
            nets.extend(table.routes.iter().filter_map(|r| match r.address_prefix {
                crate::snapshot::AddressPrefix::Net(net) => Some(net),
                _ => None,
            }));
        }
        let mut nets = v4_only(&nets);
        if uses_app_gateway {
            nets.extend(self.pool.iter().copied());
        }
        let virtual_network = RangeSet::from_nets(&nets);
        let maybe_virtual_network = if learned {
            RangeSet::from_nets(&crate::ranges::PRIVATE_BLOCKS).subtract(&virtual_network)
        } else {
            RangeSet::empty()
        };
        (
            TagScope {
                virtual_network,
                maybe_virtual_network,
            },
            uses_app_gateway && !self.pool.is_empty(),
        )
    }

    /// Whether `vnet` is the VNET of the app's gateway, or peers with it and uses its
    /// gateway (`useRemoteGateways`).
    pub(super) fn uses_app_gateway(&self, vnet: &VirtualNetwork) -> bool {
        let Some(app_vnet) = self.vnet else {
            return false;
        };
        same_id(&vnet.id, &app_vnet.id)
            || vnet.virtual_network_peerings.iter().any(|p| {
                p.use_remote_gateways == Some(true)
                    && p.remote_id().is_some_and(|id| same_id(id, &app_vnet.id))
            })
    }

    /// The VNET of the target's subnet, when the snapshot has it.
    pub(super) fn target_vnet(&self, subnet: &Subnet) -> Option<&'a VirtualNetwork> {
        self.snapshot?.vnet_of_subnet(&subnet.id)
    }

    /// The subnet (of the app's VNET or a peered one in the snapshot) holding the target,
    /// and the target's NIC when the snapshot has it.
    pub(super) fn target_location(&self) -> Option<(&'a Subnet, Option<&'a Nic>)> {
        self.location_of(self.target?)
    }

    /// The subnet (and NIC) of the snapshot that holds an address.
    pub(super) fn location_of(&self, ip: Ipv4Addr) -> Option<(&'a Subnet, Option<&'a Nic>)> {
        let snapshot = self.snapshot?;
        let target = IpAddr::V4(ip);
        let nic = snapshot
            .nics
            .iter()
            .find(|nic| nic.ip_configurations.iter().any(|c| c.holds(target)));
        let nic_subnet = nic.and_then(|nic| {
            nic.ip_configurations
                .iter()
                .find(|c| c.holds(target))
                .and_then(|c| c.subnet.as_ref())
        });
        let subnets = snapshot.all_subnets();
        let subnet = match nic_subnet {
            Some(reference) => snapshot.subnet(&reference.id),
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

    /// The private endpoint of the snapshot at an address.
    pub(super) fn private_endpoint_at(&self, ip: Ipv4Addr) -> Option<&'a PrivateEndpoint> {
        self.snapshot?.private_endpoint_at(IpAddr::V4(ip))
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

    /// Why a check cannot decide: no snapshot at all, or the snapshot lacks `what`, which
    /// `export` brings.
    pub(super) fn lacking(
        &self,
        what: impl Into<Cow<'static, str>>,
        export: &'static str,
    ) -> SkipReason {
        if self.snapshot.is_none() {
            SkipReason::NoSnapshot
        } else {
            SkipReason::missing_resource(what, export)
        }
    }

    /// Why a check that needs the app's VNET cannot decide: no snapshot, or the snapshot
    /// lacks the VNET (named by the id the app references it by, when it does).
    pub(super) fn no_vnet(&self, context: &str) -> SkipReason {
        let referenced = self
            .connection
            .and_then(|c| c.vnet_resource_id.as_deref())
            .or_else(|| self.integration_subnet_id())
            .map(|id| {
                let lower = id.to_ascii_lowercase();
                lower.find("/subnets/").map_or(id, |at| &id[..at])
            });
        match (self.snapshot, referenced) {
            (None, _) => SkipReason::NoSnapshot,
            (Some(_), Some(id)) => SkipReason::missing_resource(
                format!(
                    "the app's VNET {} is not in the snapshot{context}",
                    describe_id(id)
                ),
                export::VNET,
            )
            .with_id(id),
            (Some(_), None) => SkipReason::missing_resource(
                format!("the snapshot has no VNET for the app{context}"),
                export::VNET,
            ),
        }
    }

    /// The P2S pool, or why a check that needs it cannot decide.
    pub(super) fn pool_or_skip(&self) -> Result<&[Ipv4Net], SkipReason> {
        if self.snapshot.is_none() {
            return Err(SkipReason::NoSnapshot);
        }
        if self.pool.is_empty() {
            return Err(SkipReason::missing_resource(
                "no P2S pool in the snapshot",
                export::GATEWAY,
            ));
        }
        Ok(&self.pool)
    }

    /// The target's address, or why a check that needs it cannot decide.
    pub(super) fn target_or_skip(&self) -> Result<Ipv4Addr, SkipReason> {
        if self.snapshot.is_none() {
            return Err(SkipReason::NoSnapshot);
        }
        self.target.ok_or_else(|| {
            SkipReason::needs(
                format!(
                    "the address of {} is not known (give its IPv4 address, or let the probe resolve it)",
                    self.inputs.target.host
                ),
                "Give the target's IPv4 address, or run without --no-probe so that the name is resolved with the app's DNS servers.",
            )
        })
    }
}

/// Why a regional check cannot find the integration subnet at all.
pub(super) const NO_SUBNET: &str = "the snapshot does not say which subnet the app integrates with (the site's virtualNetworkSubnetId)";
/// The commands that export each resource, for the checks that lack it.
pub(super) mod export {
    pub const SITE: &str = "az webapp show -g RG -n APP > site.json";
    pub const PLAN: &str = "az appservice plan show -g RG -n PLAN > plan.json";
    pub const VNET_CONNECTIONS: &str =
        "az webapp vnet-integration list -g RG -n APP > vnet-connections.json";
    pub const VNET: &str = "az network vnet show -g RG -n VNET > vnet.json";
    pub const GATEWAY: &str = "az network vnet-gateway show -g RG -n GATEWAY > gateway.json";
    pub const CONNECTION: &str =
        "az network vpn-connection show -g RG -n CONNECTION > connection.json";
    pub const NSG: &str = "az network nsg show -g RG -n NSG > nsg.json";
    pub const ROUTE_TABLE: &str =
        "az network route-table show -g RG -n ROUTETABLE > route-table.json";
    pub const PRIVATE_ENDPOINTS: &str = "az network private-endpoint list -g RG > private-endpoints.json; az network private-dns zone list -g RG > zones.json; az network private-dns link vnet list -g RG -z ZONE > zone-links.json; az network private-dns record-set a list -g RG -z ZONE > zone-records.json";
}

/// Not resolved (--no-probe): a private endpoint's name leads to its private IP, where the
/// app's traffic should go; with the header's note that says so.
fn endpoint_target(inputs: &Inputs<'_>) -> Option<(Ipv4Addr, String)> {
    if inputs.target.ip.is_some() {
        return None;
    }
    let private = inputs
        .snapshot?
        .private_name(inputs.target.name.as_deref()?)?;
    let ip = private.addresses.iter().find_map(|ip| match ip {
        IpAddr::V4(v4) => Some(*v4),
        IpAddr::V6(_) => None,
    })?;
    let owner = private.endpoint.map_or_else(
        || private.zone.clone(),
        |e| format!("private endpoint {}", e.name),
    );
    Some((
        ip,
        format!("{ip}, the address of {owner} in the snapshot (the name itself was not resolved)"),
    ))
}

/// What turns Route All on for the app, in words for the evidence, when anything does.
fn route_all_source(
    snapshot: Option<&Snapshot>,
    site: Option<&Site>,
    settings: &AppSettings,
) -> Option<String> {
    let from_site = site.and_then(|site| {
        site.route_all_field().or_else(|| {
            (snapshot?.site_config(&site.id)?.vnet_route_all_enabled == Some(true))
                .then_some("config/web vnetRouteAllEnabled")
        })
    });
    from_site.map(str::to_owned).or_else(|| {
        // App Service reads the setting as on when it is 1 ("Configure virtual network
        // integration with application routing", learn.microsoft.com/azure/app-service/configure-vnet-integration-routing).
        settings
            .get(WEBSITE_VNET_ROUTE_ALL)
            .filter(|value| *value == "1" || value.eq_ignore_ascii_case("true"))
            .map(|value| format!("app setting {WEBSITE_VNET_ROUTE_ALL}={value}"))
    })
}

/// The app's integration mode in a snapshot, and the field that shows it: a gateway-based
/// connection (`isSwift` false), else the site's `virtualNetworkSubnetId`, else a regional
/// connection, else the site's `networkConfig`.
pub(super) fn mode_of(
    snapshot: &Snapshot,
    site: Option<&Site>,
    connections: &[&VnetConnection],
) -> (Mode, String) {
    // --azure could not read the site: nothing says how (or whether) it is integrated.
    if let (None, Some(unreadable)) = (site, &snapshot.app_unreadable) {
        return (
            Mode::Unknown,
            format!("the app could not be read: {}", unreadable.why),
        );
    }
    if let Some(connection) = connections.iter().find(|c| c.is_swift != Some(true)) {
        return (
            Mode::Gateway,
            format!("VNET connection {} with isSwift false", connection.name),
        );
    }
    if let Some(site) = site.filter(|s| s.virtual_network_subnet_id.is_some()) {
        return (
            Mode::Regional,
            format!("site {}'s virtualNetworkSubnetId", site.name),
        );
    }
    if let Some(connection) = connections.iter().find(|c| c.is_swift == Some(true)) {
        return (
            Mode::Regional,
            format!("VNET connection {} with isSwift true", connection.name),
        );
    }
    let own = |id: &str| {
        site.is_none_or(|site| {
            id.to_ascii_lowercase()
                .starts_with(&format!("{}/networkconfig", site.id.to_ascii_lowercase()))
        })
    };
    if let Some(config) = snapshot
        .network_configs
        .iter()
        .find(|c| c.subnet_resource_id.is_some() && own(&c.id))
    {
        return (
            Mode::Regional,
            format!("networkConfig {}'s subnetResourceId", config.name),
        );
    }
    (
        Mode::None,
        "no VNET connection or integration subnet of the app in the snapshot".to_owned(),
    )
}

/// Why a check at the target's subnet cannot decide when no subnet holds the target:
/// a public address has none to export (the check does not apply); a private one
/// sits in a VNET the snapshot lacks.
pub(super) fn no_target_subnet(target: Ipv4Addr) -> SkipReason {
    if crate::ranges::is_private(target) {
        SkipReason::missing_resource(
            format!("no subnet of the snapshot holds {target}"),
            export::VNET,
        )
    } else {
        SkipReason::not_applicable(format!(
            "does not apply: {target} is a public address, in no subnet of the snapshot"
        ))
    }
}

/// The IPv4 networks of a list (the checks reason about IPv4 ranges).
pub(super) fn v4_only(nets: &[IpNet]) -> Vec<Ipv4Net> {
    nets.iter()
        .filter_map(|n| match n {
            IpNet::V4(v4) => Some(*v4),
            IpNet::V6(_) => None,
        })
        .collect()
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
