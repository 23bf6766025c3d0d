//! The checks themselves, one function each, in the tree's order. A check that lacks the
//! data to decide says `skip` and names what is missing.

use std::collections::BTreeSet;
use std::net::{IpAddr, Ipv4Addr};

use ipnet::{IpNet, Ipv4Net};
use serde_json::json;

use super::{Check, Inputs, Stage, Status};
use crate::certs::{normalise_thumbprint, thumbprint};
use crate::dns::{DnsOutcome, ServerSource};
use crate::nsg::{Flow, TagScope, analyse_path};
use crate::ranges::RangeSet;
use crate::routes::return_path;
use crate::settings::{WEBSITE_PRIVATE_IP, WEBSITE_SITE_NAME};
use crate::snapshot::{
    Gateway, IpOrNet, LocalGateway, Nic, Nsg, Plan, Site, Snapshot, Subnet, VirtualNetwork,
    VnetConnection, same_id, subscription_of,
};
use crate::tcp::TcpOutcome;

const NO_SNAPSHOT: &str =
    "no network snapshot: export the app's network resources and pass them with --network";

/// The resources the checks look at, found once.
struct Scene<'a> {
    snapshot: Option<&'a Snapshot>,
    site: Option<&'a Site>,
    plan: Option<&'a Plan>,
    /// The app's gateway-based VNET connections (regional ones left out).
    gateway_connections: Vec<&'a VnetConnection>,
    connection: Option<&'a VnetConnection>,
    regional: bool,
    vnet: Option<&'a VirtualNetwork>,
    gateways: Vec<&'a Gateway>,
    gateway: Option<&'a Gateway>,
    pool: Vec<Ipv4Net>,
    onprem: Vec<&'a LocalGateway>,
    target: Option<Ipv4Addr>,
}

impl<'a> Scene<'a> {
    fn new(inputs: &'a Inputs<'a>) -> Self {
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
        Self {
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

    fn vnet_spaces(&self) -> Vec<IpNet> {
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

    fn peered_spaces(&self) -> Vec<(String, IpNet)> {
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

    fn onprem_spaces(&self) -> Vec<(String, IpNet)> {
        self.onprem
            .iter()
            .flat_map(|lg| lg.prefixes().into_iter().map(move |p| (lg.name.clone(), p)))
            .collect()
    }

    /// What the `VirtualNetwork` service tag covers: the VNET, peered and on-premises
    /// spaces, and (as Azure adds it for point-to-site) the P2S pool.
    fn tag_scope(&self) -> TagScope {
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
    fn target_location(&self) -> Option<(&'a Subnet, Option<&'a Nic>)> {
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

    fn nsg_of_subnet(&self, subnet: &Subnet) -> Option<&'a Nsg> {
        let snapshot = self.snapshot?;
        match &subnet.network_security_group {
            Some(reference) => snapshot.nsg(&reference.id),
            None => snapshot
                .nsgs
                .iter()
                .find(|n| n.subnets.iter().any(|s| same_id(&s.id, &subnet.id))),
        }
    }

    fn nsg_of_nic(&self, nic: &Nic) -> Option<&'a Nsg> {
        let snapshot = self.snapshot?;
        match &nic.network_security_group {
            Some(reference) => snapshot.nsg(&reference.id),
            None => snapshot
                .nsgs
                .iter()
                .find(|n| n.network_interfaces.iter().any(|i| same_id(&i.id, &nic.id))),
        }
    }
}

/// Why a check cannot decide: no snapshot at all, or the snapshot lacks `what`.
fn lacking(scene: &Scene<'_>, what: &'static str) -> &'static str {
    if scene.snapshot.is_none() {
        NO_SNAPSHOT
    } else {
        what
    }
}

fn check(
    id: &'static str,
    stage: Stage,
    title: &'static str,
    status: Status,
    evidence: impl Into<String>,
    remedy: impl Into<String>,
) -> Check {
    Check {
        id,
        stage,
        status,
        title,
        evidence: evidence.into(),
        remedy: remedy.into(),
        details: None,
    }
}

fn skip(id: &'static str, stage: Stage, title: &'static str, missing: impl Into<String>) -> Check {
    check(id, stage, title, Status::Skip, missing, "")
}

pub(super) fn all(inputs: &Inputs<'_>) -> Vec<Check> {
    let scene = Scene::new(inputs);
    vec![
        dns_reachable(inputs),
        dns_resolves(inputs),
        tcp_connect(inputs),
        dns_configured(inputs, &scene),
        app_private_ip(inputs, &scene),
        plan_tier(&scene),
        plan_vnet_limit(&scene),
        app_single_vnet(&scene),
        vnet_same_subscription(&scene),
        vnet_location(&scene),
        gateway_present(&scene),
        gateway_type(&scene),
        gateway_routing(&scene),
        gateway_p2s(&scene),
        gateway_status(&scene),
        certs_in_sync(&scene),
        network_in_sync(&scene),
        p2s_rfc1918(&scene),
        address_overlap(&scene),
        route_target(inputs, &scene),
        nsg_p2s_to_target(inputs, &scene),
        udr_return_path(&scene),
        onprem_s2s_connected(&scene),
        onprem_p2s_route(&scene),
        host_firewall(inputs, &scene),
        host_listening(inputs),
        vm_cross_check(inputs),
    ]
}

fn dns_reachable(inputs: &Inputs<'_>) -> Check {
    const ID: &str = "dns.reachable";
    const TITLE: &str = "Every DNS server asked answers in time";
    let Some((config, lookup)) = inputs.dns else {
        return skip(ID, Stage::Probe, TITLE, "no name was resolved in this run");
    };
    let timeout = humantime::format_duration(config.timeout);
    let dead: Vec<String> = lookup
        .attempts
        .iter()
        .filter(|a| a.outcome == DnsOutcome::Timeout)
        .map(|a| format!("{} ({})", a.server, a.source))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    if dead.is_empty() {
        return check(
            ID,
            Stage::Probe,
            TITLE,
            Status::Pass,
            format!("every server asked answered within {timeout}"),
            "",
        );
    }
    check(
        ID,
        Stage::Probe,
        TITLE,
        Status::Fail,
        format!(
            "{} did not answer within {timeout}: every lookup of the app waits {timeout} for each before trying the next",
            dead.join(", ")
        ),
        "Allow UDP and TCP 53 from the whole P2S pool to these DNS servers (NSGs, firewalls, on-premises routes back to the pool), or remove dead servers from the VNET's DNS settings and Sync Network.",
    )
}

fn dns_resolves(inputs: &Inputs<'_>) -> Check {
    const ID: &str = "dns.resolves";
    const TITLE: &str = "The name resolves";
    let Some((_, lookup)) = inputs.dns else {
        return skip(ID, Stage::Probe, TITLE, "no name was resolved in this run");
    };
    let deciding = lookup
        .attempts
        .last()
        .map_or_else(|| "no server".to_owned(), |a| a.server.to_string());
    match lookup.outcome {
        DnsOutcome::Answered => check(
            ID,
            Stage::Probe,
            TITLE,
            Status::Pass,
            format!(
                "{} answered {}",
                deciding,
                lookup
                    .answer
                    .as_ref()
                    .map(|a| a
                        .addresses
                        .iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join(", "))
                    .unwrap_or_default()
            ),
            "",
        ),
        DnsOutcome::Nxdomain => check(
            ID,
            Stage::Probe,
            TITLE,
            Status::Fail,
            format!("{deciding} says the name does not exist (NXDOMAIN)"),
            "Check the name; for a private zone, link it to the VNET whose DNS the app uses, or forward the zone from the VNET's DNS servers.",
        ),
        DnsOutcome::Nodata => check(
            ID,
            Stage::Probe,
            TITLE,
            Status::Fail,
            format!("{deciding} knows the name but has no address records for it (NODATA)"),
            "Add the A (or AAAA) record to the zone.",
        ),
        other => check(
            ID,
            Stage::Probe,
            TITLE,
            Status::Fail,
            format!(
                "every DNS server failed (last: {deciding}, {})",
                other.as_str()
            ),
            "Make the app's DNS servers reachable from the whole P2S pool (UDP and TCP 53), or point the VNET at servers that answer.",
        ),
    }
}

fn tcp_connect(inputs: &Inputs<'_>) -> Check {
    const ID: &str = "tcp.connect";
    const TITLE: &str = "A TCP connection opens";
    let Some(summary) = inputs.tcp else {
        return skip(
            ID,
            Stage::Probe,
            TITLE,
            if inputs.probed {
                "no TCP connection was attempted in this run"
            } else {
                "--no-probe: no packet was sent"
            },
        );
    };
    if summary.connected > 0 {
        let status = if summary.connected == summary.attempts {
            Status::Pass
        } else {
            Status::Warn
        };
        return check(
            ID,
            Stage::Probe,
            TITLE,
            status,
            format!(
                "{}/{} attempts connected",
                summary.connected, summary.attempts
            ),
            if status == Status::Warn {
                "Some attempts failed: run longer (tcpping -t) and compare with the service's own limits."
            } else {
                ""
            },
        );
    }
    let class = summary.main_failure().unwrap_or(TcpOutcome::Error);
    let counts: Vec<String> = summary
        .outcomes
        .iter()
        .map(|(k, v)| format!("{k} ×{v}"))
        .collect();
    let remedy = match class {
        TcpOutcome::Timeout => {
            "Find what drops the packets: the NSG and UDR checks below, then the target's own firewall."
        }
        TcpOutcome::Refused => {
            "The host is reachable: start the service or fix the port (see host.listening)."
        }
        TcpOutcome::Unreachable => {
            "Check that the target lies in a range the app routes into the VNET (route.target)."
        }
        TcpOutcome::Dns => "Fix name resolution first (dns.* checks).",
        _ => "Read the error of the attempts; it names the cause.",
    };
    check(
        ID,
        Stage::Probe,
        TITLE,
        Status::Fail,
        format!(
            "no attempt connected ({}): {} usually means {}",
            counts.join(", "),
            class.as_str(),
            class.meaning()
        ),
        remedy,
    )
}

fn dns_configured(inputs: &Inputs<'_>, scene: &Scene<'_>) -> Check {
    const ID: &str = "dns.configured";
    const TITLE: &str = "The app has DNS servers for the VNET";
    let configured_by_setting = inputs
        .dns_config
        .or(inputs.dns.map(|(c, _)| c))
        .and_then(|c| c.servers.first())
        .filter(|s| {
            matches!(
                s.source,
                ServerSource::WebsiteDnsServer | ServerSource::Argument
            )
        });
    if let Some(server) = configured_by_setting {
        return check(
            ID,
            Stage::App,
            TITLE,
            Status::Pass,
            format!("{} from {}", server.address, server.source),
            "",
        );
    }
    let Some(vnet) = scene.vnet else {
        return skip(
            ID,
            Stage::App,
            TITLE,
            lacking(scene, "the snapshot has no VNET for the app"),
        );
    };
    let vnet_servers = vnet
        .dhcp_options
        .as_ref()
        .map(|d| d.dns_servers.clone())
        .unwrap_or_default();
    let connection_servers = scene
        .connection
        .and_then(|c| c.dns_servers.clone())
        .unwrap_or_default();
    if !vnet_servers.is_empty() {
        return check(
            ID,
            Stage::App,
            TITLE,
            Status::Pass,
            format!("VNET {} uses {}", vnet.name, vnet_servers.join(", ")),
            "",
        );
    }
    if !connection_servers.trim().is_empty() {
        return check(
            ID,
            Stage::App,
            TITLE,
            Status::Pass,
            format!("the app's VNET connection uses {connection_servers}"),
            "",
        );
    }
    check(
        ID,
        Stage::App,
        TITLE,
        Status::Fail,
        format!(
            "VNET {} has no custom DNS servers and WEBSITE_DNS_SERVER is not set: the app cannot resolve the VNET's private names, only IP addresses work",
            vnet.name
        ),
        "Set the VNET's DNS servers (then Sync Network in the app's VNET Integration), or set WEBSITE_DNS_SERVER on the app.",
    )
}

fn app_private_ip(inputs: &Inputs<'_>, scene: &Scene<'_>) -> Check {
    const ID: &str = "app.private-ip";
    const TITLE: &str = "The app has a private address in the P2S pool";
    if !inputs.settings.in_app_service() {
        return skip(
            ID,
            Stage::App,
            TITLE,
            "not running inside an App Service app (WEBSITE_SITE_NAME is not set)",
        );
    }
    let Some(value) = inputs.settings.get(WEBSITE_PRIVATE_IP) else {
        return check(
            ID,
            Stage::App,
            TITLE,
            Status::Fail,
            "WEBSITE_PRIVATE_IP is not set: the app has no VNET address, the integration is not connected",
            "Disconnect and reconnect VNET Integration, or Sync Network; check the gateway's point-to-site configuration.",
        );
    };
    let Ok(ip) = value.parse::<Ipv4Addr>() else {
        return check(
            ID,
            Stage::App,
            TITLE,
            Status::Fail,
            format!("WEBSITE_PRIVATE_IP='{value}' is not an IPv4 address"),
            "Reconnect VNET Integration.",
        );
    };
    if !scene.pool.is_empty() {
        if scene.pool.iter().any(|p| p.contains(&ip)) {
            return check(
                ID,
                Stage::App,
                TITLE,
                Status::Pass,
                format!("{ip} is in the P2S pool {}", nets(&scene.pool)),
                "",
            );
        }
        return check(
            ID,
            Stage::App,
            TITLE,
            Status::Fail,
            format!(
                "{ip} is outside the gateway's P2S pool {}",
                nets(&scene.pool)
            ),
            "The app's network is out of date: Sync Network in the app's VNET Integration.",
        );
    }
    if is_rfc1918(ip) {
        check(
            ID,
            Stage::App,
            TITLE,
            Status::Pass,
            format!("{ip} is a private (RFC 1918) address; the P2S pool is not in the snapshot"),
            "",
        )
    } else {
        check(
            ID,
            Stage::App,
            TITLE,
            Status::Fail,
            format!("{ip} is not inside RFC 1918"),
            "Move the gateway's P2S pool inside RFC 1918, then Sync Network.",
        )
    }
}

fn plan_tier(scene: &Scene<'_>) -> Check {
    const ID: &str = "plan.tier";
    const TITLE: &str = "The plan's tier supports VNET Integration";
    let Some(plan) = scene.plan else {
        return skip(
            ID,
            Stage::App,
            TITLE,
            lacking(
                scene,
                "the snapshot has no App Service plan (Microsoft.Web/serverfarms)",
            ),
        );
    };
    let tier = plan
        .sku
        .as_ref()
        .and_then(|s| s.tier.clone())
        .unwrap_or_default();
    match tier.to_ascii_lowercase().as_str() {
        "" => skip(
            ID,
            Stage::App,
            TITLE,
            format!("plan {} has no sku.tier", plan.name),
        ),
        "free" | "shared" | "dynamic" => check(
            ID,
            Stage::App,
            TITLE,
            Status::Fail,
            format!("plan {} is {tier}: it has no VNET Integration", plan.name),
            "Scale the plan up to Standard, Premium or Isolated.",
        ),
        "basic" => check(
            ID,
            Stage::App,
            TITLE,
            Status::Warn,
            format!(
                "plan {} is Basic: gateway-required VNET Integration needs Standard or above",
                plan.name
            ),
            "Scale the plan up to Standard or Premium for gateway-required VNET Integration.",
        ),
        _ => check(
            ID,
            Stage::App,
            TITLE,
            Status::Pass,
            format!("plan {} is {tier}", plan.name),
            "",
        ),
    }
}

fn plan_vnet_limit(scene: &Scene<'_>) -> Check {
    const ID: &str = "plan.vnet-limit";
    const TITLE: &str = "At most 5 VNETs integrated in the plan";
    let (Some(snapshot), Some(plan)) = (scene.snapshot, scene.plan) else {
        return skip(
            ID,
            Stage::App,
            TITLE,
            lacking(scene, "the snapshot has no App Service plan"),
        );
    };
    let plan_id = plan.id.to_ascii_lowercase();
    let sites_in_plan: Vec<&Site> = snapshot
        .sites
        .iter()
        .filter(|s| {
            s.server_farm_id
                .as_deref()
                .is_some_and(|id| id.eq_ignore_ascii_case(&plan_id))
        })
        .collect();
    let mut vnets: BTreeSet<String> = BTreeSet::new();
    for connection in snapshot.connections_of(&plan.id).into_iter().chain(
        sites_in_plan
            .iter()
            .flat_map(|s| snapshot.connections_of(&s.id)),
    ) {
        if let Some(vnet) = &connection.vnet_resource_id {
            vnets.insert(vnet.to_ascii_lowercase());
        }
    }
    if vnets.len() > 5 {
        check(
            ID,
            Stage::App,
            TITLE,
            Status::Fail,
            format!(
                "plan {} is integrated with {} VNETs",
                plan.name,
                vnets.len()
            ),
            "Remove VNET connections until the plan uses at most 5 VNETs, or move apps to another plan.",
        )
    } else {
        check(
            ID,
            Stage::App,
            TITLE,
            Status::Pass,
            format!(
                "plan {} is integrated with {} VNET(s) in the snapshot",
                plan.name,
                vnets.len()
            ),
            "",
        )
    }
}

fn app_single_vnet(scene: &Scene<'_>) -> Check {
    const ID: &str = "app.single-vnet";
    const TITLE: &str = "The app has one gateway-based VNET connection";
    if scene.snapshot.is_none() {
        return skip(ID, Stage::App, TITLE, NO_SNAPSHOT);
    }
    match scene.gateway_connections.len() {
        0 if scene.regional => check(
            ID,
            Stage::App,
            TITLE,
            Status::Pass,
            "the app uses regional VNET Integration (no gateway)",
            "",
        ),
        0 => skip(
            ID,
            Stage::App,
            TITLE,
            "the snapshot has no VNET connection of the app (Microsoft.Web/sites/virtualNetworkConnections)",
        ),
        1 => check(
            ID,
            Stage::App,
            TITLE,
            Status::Pass,
            format!("one connection: {}", scene.gateway_connections[0].name),
            "",
        ),
        n => check(
            ID,
            Stage::App,
            TITLE,
            Status::Fail,
            format!(
                "{n} gateway-based connections: {}",
                scene
                    .gateway_connections
                    .iter()
                    .map(|c| c.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            "Keep one gateway-based VNET connection per app; reach other VNETs by peering or through the gateway.",
        ),
    }
}

fn vnet_same_subscription(scene: &Scene<'_>) -> Check {
    const ID: &str = "vnet.same-subscription";
    const TITLE: &str = "VNET and plan in the same subscription";
    let (Some(vnet), Some(plan)) = (scene.vnet, scene.plan) else {
        return skip(
            ID,
            Stage::App,
            TITLE,
            lacking(scene, "the snapshot lacks the VNET or the plan"),
        );
    };
    match (subscription_of(&vnet.id), subscription_of(&plan.id)) {
        (Some(a), Some(b)) if a.eq_ignore_ascii_case(b) => check(
            ID,
            Stage::App,
            TITLE,
            Status::Pass,
            format!("both in subscription {a}"),
            "",
        ),
        (Some(a), Some(b)) => check(
            ID,
            Stage::App,
            TITLE,
            Status::Fail,
            format!(
                "VNET {} is in subscription {a}, plan {} in {b}",
                vnet.name, plan.name
            ),
            "Gateway-required VNET Integration needs the VNET in the plan's subscription: integrate with a VNET there, peered to this one.",
        ),
        _ => skip(
            ID,
            Stage::App,
            TITLE,
            "the VNET's or the plan's id has no subscription",
        ),
    }
}

fn vnet_location(scene: &Scene<'_>) -> Check {
    const ID: &str = "vnet.location";
    const TITLE: &str = "VNET and plan in the same region";
    let (Some(vnet), Some(plan)) = (scene.vnet, scene.plan) else {
        return skip(
            ID,
            Stage::App,
            TITLE,
            lacking(scene, "the snapshot lacks the VNET or the plan"),
        );
    };
    let region = |s: &str| s.to_ascii_lowercase().replace(' ', "");
    if vnet.location.is_empty() || plan.location.is_empty() {
        return skip(
            ID,
            Stage::App,
            TITLE,
            "the VNET's or the plan's location is missing",
        );
    }
    if region(&vnet.location) == region(&plan.location) {
        check(
            ID,
            Stage::App,
            TITLE,
            Status::Pass,
            format!("both in {}", plan.location),
            "",
        )
    } else {
        check(
            ID,
            Stage::App,
            TITLE,
            Status::Warn,
            format!(
                "VNET {} is in {}, plan {} in {}: every packet crosses regions",
                vnet.name, vnet.location, plan.name, plan.location
            ),
            "Expect added latency; for latency-sensitive traffic use a VNET in the plan's region.",
        )
    }
}

fn gateway_skip(scene: &Scene<'_>) -> Option<String> {
    if scene.snapshot.is_none() {
        return Some(NO_SNAPSHOT.to_owned());
    }
    if scene.regional {
        return Some("regional VNET Integration uses no gateway".to_owned());
    }
    None
}

fn gateway_present(scene: &Scene<'_>) -> Check {
    const ID: &str = "gateway.present";
    const TITLE: &str = "The VNET has a virtual network gateway";
    if let Some(why) = gateway_skip(scene) {
        return skip(ID, Stage::Gateway, TITLE, why);
    }
    let Some(vnet) = scene.vnet else {
        return skip(
            ID,
            Stage::Gateway,
            TITLE,
            "the snapshot has no VNET for the app",
        );
    };
    match scene.gateway {
        Some(gateway) => check(
            ID,
            Stage::Gateway,
            TITLE,
            Status::Pass,
            format!("gateway {} in VNET {}", gateway.name, vnet.name),
            "",
        ),
        None => check(
            ID,
            Stage::Gateway,
            TITLE,
            Status::Fail,
            format!(
                "no gateway of the snapshot sits in VNET {}'s GatewaySubnet",
                vnet.name
            ),
            "Create a route-based VPN gateway with point-to-site in the VNET, or export it too if it exists.",
        ),
    }
}

fn gateway_type(scene: &Scene<'_>) -> Check {
    const ID: &str = "gateway.type";
    const TITLE: &str = "The gateway is a VPN gateway";
    if let Some(why) = gateway_skip(scene) {
        return skip(ID, Stage::Gateway, TITLE, why);
    }
    if scene.gateways.is_empty() {
        return skip(ID, Stage::Gateway, TITLE, "no gateway in the snapshot");
    }
    let er: Vec<&str> = scene
        .gateways
        .iter()
        .filter(|g| g.is_expressroute())
        .map(|g| g.name.as_str())
        .collect();
    if er.is_empty() {
        check(ID, Stage::Gateway, TITLE, Status::Pass, "VPN gateway", "")
    } else {
        check(
            ID,
            Stage::Gateway,
            TITLE,
            Status::Fail,
            format!(
                "ExpressRoute gateway {} in the VNET: gateway-required VNET Integration works only with a VPN gateway, not with ExpressRoute or coexisting with it",
                er.join(", ")
            ),
            "Integrate with a VNET that has a VPN gateway only (peered to this one), or use regional VNET Integration.",
        )
    }
}

fn gateway_routing(scene: &Scene<'_>) -> Check {
    const ID: &str = "gateway.routing";
    const TITLE: &str = "The VPN gateway is route-based";
    if let Some(why) = gateway_skip(scene) {
        return skip(ID, Stage::Gateway, TITLE, why);
    }
    let Some(gateway) = scene.gateway else {
        return skip(ID, Stage::Gateway, TITLE, "no gateway in the snapshot");
    };
    match gateway.vpn_type.as_deref() {
        Some(t) if t.eq_ignore_ascii_case("PolicyBased") => check(
            ID,
            Stage::Gateway,
            TITLE,
            Status::Fail,
            format!(
                "gateway {} is PolicyBased (static routing): it has no point-to-site",
                gateway.name
            ),
            "Replace it with a RouteBased VPN gateway.",
        ),
        Some(t) => check(
            ID,
            Stage::Gateway,
            TITLE,
            Status::Pass,
            format!("gateway {} is {t}", gateway.name),
            "",
        ),
        None => skip(
            ID,
            Stage::Gateway,
            TITLE,
            format!("gateway {} has no vpnType", gateway.name),
        ),
    }
}

fn gateway_p2s(scene: &Scene<'_>) -> Check {
    const ID: &str = "gateway.p2s";
    const TITLE: &str = "Point-to-site is configured on the gateway";
    if let Some(why) = gateway_skip(scene) {
        return skip(ID, Stage::Gateway, TITLE, why);
    }
    let Some(gateway) = scene.gateway else {
        return skip(ID, Stage::Gateway, TITLE, "no gateway in the snapshot");
    };
    if scene.pool.is_empty() {
        check(
            ID,
            Stage::Gateway,
            TITLE,
            Status::Fail,
            format!("gateway {} has no point-to-site address pool", gateway.name),
            "Configure point-to-site on the gateway (an address pool inside RFC 1918, SSTP or IKEv2), then Sync Network.",
        )
    } else {
        check(
            ID,
            Stage::Gateway,
            TITLE,
            Status::Pass,
            format!("P2S pool {}", nets(&scene.pool)),
            "",
        )
    }
}

fn gateway_status(scene: &Scene<'_>) -> Check {
    const ID: &str = "gateway.status";
    const TITLE: &str = "The gateway and its connections are up";
    if let Some(why) = gateway_skip(scene) {
        return skip(ID, Stage::Gateway, TITLE, why);
    }
    let (Some(gateway), Some(snapshot)) = (scene.gateway, scene.snapshot) else {
        return skip(ID, Stage::Gateway, TITLE, "no gateway in the snapshot");
    };
    let mut problems = Vec::new();
    match gateway.provisioning_state.as_deref() {
        Some(state) if !state.eq_ignore_ascii_case("Succeeded") => {
            problems.push(format!("gateway {} is {state}", gateway.name));
        }
        _ => {}
    }
    for connection in snapshot.connections_of_gateway(&gateway.id) {
        if let Some(status) = &connection.connection_status
            && !status.eq_ignore_ascii_case("Connected")
        {
            problems.push(format!("connection {} is {status}", connection.name));
        }
    }
    if problems.is_empty() {
        check(
            ID,
            Stage::Gateway,
            TITLE,
            Status::Pass,
            format!(
                "gateway {} provisioned; its connections are Connected",
                gateway.name
            ),
            "",
        )
    } else {
        check(
            ID,
            Stage::Gateway,
            TITLE,
            Status::Fail,
            problems.join("; "),
            "Check the gateway's health in the portal (Resource health), reset it if it is stuck, and the remote side of each connection.",
        )
    }
}

fn certs_in_sync(scene: &Scene<'_>) -> Check {
    const ID: &str = "certs.in-sync";
    const TITLE: &str = "The app's certificate is one of the gateway's P2S root certificates";
    if let Some(why) = gateway_skip(scene) {
        return skip(ID, Stage::Gateway, TITLE, why);
    }
    let (Some(connection), Some(gateway)) = (scene.connection, scene.gateway) else {
        return skip(
            ID,
            Stage::Gateway,
            TITLE,
            "the snapshot lacks the app's VNET connection or the gateway",
        );
    };
    let app = match (&connection.cert_thumbprint, &connection.cert_blob) {
        (Some(thumb), _) if !thumb.trim().is_empty() => normalise_thumbprint(thumb),
        (_, Some(blob)) => match thumbprint(blob) {
            Ok(thumb) => thumb,
            Err(why) => {
                return check(
                    ID,
                    Stage::Gateway,
                    TITLE,
                    Status::Fail,
                    format!("the app's certBlob cannot be read: {why}"),
                    "Sync Network to renew the app's certificate.",
                );
            }
        },
        _ => {
            return skip(
                ID,
                Stage::Gateway,
                TITLE,
                "the VNET connection has neither certThumbprint nor certBlob",
            );
        }
    };
    let roots = gateway
        .vpn_client_configuration
        .as_ref()
        .map(|c| c.vpn_client_root_certificates.clone())
        .unwrap_or_default();
    let mut gateway_thumbs = Vec::new();
    for root in &roots {
        match thumbprint(&root.public_cert_data) {
            Ok(thumb) => gateway_thumbs.push(format!("{} {thumb}", root.name)),
            Err(why) => gateway_thumbs.push(format!("{} (unreadable: {why})", root.name)),
        }
    }
    let matched = gateway_thumbs.iter().any(|t| t.ends_with(&app));
    let mut result = if matched {
        check(
            ID,
            Stage::Gateway,
            TITLE,
            Status::Pass,
            format!(
                "app certificate {app} is a root certificate of gateway {}",
                gateway.name
            ),
            "",
        )
    } else {
        check(
            ID,
            Stage::Gateway,
            TITLE,
            Status::Fail,
            format!(
                "app certificate {app} matches none of gateway {}'s P2S root certificates ({})",
                gateway.name,
                if gateway_thumbs.is_empty() {
                    "none".to_owned()
                } else {
                    gateway_thumbs.join(", ")
                }
            ),
            "Certificates are out of sync: Sync Network in the app's VNET Integration (it uploads the app's certificate to the gateway).",
        )
    };
    result.details =
        Some(json!({ "app_thumbprint": app, "gateway_root_certificates": gateway_thumbs }));
    result
}

fn network_in_sync(scene: &Scene<'_>) -> Check {
    const ID: &str = "network.in-sync";
    const TITLE: &str = "The app's routes and DNS match the VNET (Sync Network)";
    if let Some(why) = gateway_skip(scene) {
        return skip(ID, Stage::Gateway, TITLE, why);
    }
    let (Some(connection), Some(vnet)) = (scene.connection, scene.vnet) else {
        return skip(
            ID,
            Stage::Gateway,
            TITLE,
            "the snapshot lacks the app's VNET connection or its VNET",
        );
    };
    let mut drift = Vec::new();
    if connection.resync_required == Some(true) {
        drift.push("the connection says resyncRequired".to_owned());
    }
    let routed = route_set(connection);
    let expected: Vec<(String, IpNet)> = scene
        .vnet_spaces()
        .into_iter()
        .map(|n| (format!("VNET {}", vnet.name), n))
        .chain(
            scene
                .peered_spaces()
                .into_iter()
                .map(|(p, n)| (format!("peering {p}"), n)),
        )
        .chain(
            scene
                .onprem_spaces()
                .into_iter()
                .map(|(l, n)| (format!("on-premises {l}"), n)),
        )
        .collect();
    if !connection.routes.is_empty() {
        for (origin, net) in &expected {
            if let IpNet::V4(v4) = net {
                let space = RangeSet::from_nets([v4]);
                if !space.subtract(&routed).is_empty() {
                    drift.push(format!("{origin} space {net} is not in the app's routes"));
                }
            }
        }
    }
    let vnet_dns: Vec<String> = vnet
        .dhcp_options
        .as_ref()
        .map(|d| d.dns_servers.clone())
        .unwrap_or_default();
    if let Some(app_dns) = &connection.dns_servers {
        let app_dns: Vec<String> = app_dns
            .split(',')
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
            .collect();
        if app_dns != vnet_dns {
            drift.push(format!(
                "the app's DNS servers [{}] differ from the VNET's [{}]",
                app_dns.join(", "),
                vnet_dns.join(", ")
            ));
        }
    }
    if drift.is_empty() {
        check(
            ID,
            Stage::Gateway,
            TITLE,
            Status::Pass,
            "the app's routes cover the VNET's spaces and its DNS servers match",
            "",
        )
    } else {
        check(
            ID,
            Stage::Gateway,
            TITLE,
            Status::Fail,
            drift.join("; "),
            "Press Sync Network in the plan's Networking > VNET Integration (it restarts the apps' network), then run again.",
        )
    }
}

/// The app's routes (from its VNET connection) as an IPv4 address set.
fn route_set(connection: &VnetConnection) -> RangeSet {
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

fn p2s_rfc1918(scene: &Scene<'_>) -> Check {
    const ID: &str = "p2s.rfc1918";
    const TITLE: &str = "The P2S pool is inside RFC 1918";
    if let Some(why) = gateway_skip(scene) {
        return skip(ID, Stage::Addresses, TITLE, why);
    }
    if scene.pool.is_empty() {
        return skip(ID, Stage::Addresses, TITLE, "no P2S pool in the snapshot");
    }
    let outside: Vec<String> = scene
        .pool
        .iter()
        .filter(|p| !is_rfc1918_net(**p))
        .map(ToString::to_string)
        .collect();
    if outside.is_empty() {
        check(
            ID,
            Stage::Addresses,
            TITLE,
            Status::Pass,
            format!("{} inside RFC 1918", nets(&scene.pool)),
            "",
        )
    } else {
        check(
            ID,
            Stage::Addresses,
            TITLE,
            Status::Fail,
            format!(
                "{} not inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16: the app's traffic to it is not sent through the VNET",
                outside.join(", ")
            ),
            "Change the gateway's point-to-site address pool to a range inside RFC 1918 that overlaps nothing, then Sync Network.",
        )
    }
}

fn address_overlap(scene: &Scene<'_>) -> Check {
    const ID: &str = "address.overlap";
    const TITLE: &str = "VNET, P2S, peered and on-premises spaces do not overlap";
    if scene.snapshot.is_none() {
        return skip(ID, Stage::Addresses, TITLE, NO_SNAPSHOT);
    }
    let Some(vnet) = scene.vnet else {
        return skip(
            ID,
            Stage::Addresses,
            TITLE,
            "the snapshot has no VNET for the app",
        );
    };
    let spaces: Vec<(String, IpNet)> = scene
        .vnet_spaces()
        .into_iter()
        .map(|n| (format!("VNET {}", vnet.name), n))
        .chain(
            scene
                .pool
                .iter()
                .map(|n| ("P2S pool".to_owned(), IpNet::V4(*n))),
        )
        .chain(
            scene
                .peered_spaces()
                .into_iter()
                .map(|(p, n)| (format!("peering {p}"), n)),
        )
        .chain(
            scene
                .onprem_spaces()
                .into_iter()
                .map(|(l, n)| (format!("on-premises {l}"), n)),
        )
        .collect();
    let mut overlaps = Vec::new();
    for (i, (a_name, a)) in spaces.iter().enumerate() {
        for (b_name, b) in &spaces[i + 1..] {
            if a_name != b_name && (a.contains(&b.network()) || b.contains(&a.network())) {
                overlaps.push(format!("{a_name} {a} overlaps {b_name} {b}"));
            }
        }
    }
    if overlaps.is_empty() {
        check(
            ID,
            Stage::Addresses,
            TITLE,
            Status::Pass,
            format!("{} spaces, none overlapping", spaces.len()),
            "",
        )
    } else {
        check(
            ID,
            Stage::Addresses,
            TITLE,
            Status::Fail,
            overlaps.join("; "),
            "Re-address one side of each overlap: packets to the overlapping range cannot be routed both ways.",
        )
    }
}

fn route_target(inputs: &Inputs<'_>, scene: &Scene<'_>) -> Check {
    const ID: &str = "route.target";
    const TITLE: &str = "The target is routed into the VNET";
    if scene.snapshot.is_none() {
        return skip(ID, Stage::Addresses, TITLE, NO_SNAPSHOT);
    }
    let Some(target) = scene.target else {
        return skip(
            ID,
            Stage::Addresses,
            TITLE,
            format!(
                "the address of {} is not known (give its IPv4 address, or let the probe resolve it)",
                inputs.target.host
            ),
        );
    };
    if let Some(connection) = scene.connection.filter(|c| !c.routes.is_empty())
        && route_set(connection).contains(target)
    {
        {
            return check(
                ID,
                Stage::Addresses,
                TITLE,
                Status::Pass,
                format!(
                    "{target} is in the app's routes (VNET connection {})",
                    connection.name
                ),
                "",
            );
        }
    }
    let spaces: Vec<(String, IpNet)> = scene
        .vnet_spaces()
        .into_iter()
        .map(|n| ("the VNET".to_owned(), n))
        .chain(
            scene
                .peered_spaces()
                .into_iter()
                .map(|(p, n)| (format!("peering {p}"), n)),
        )
        .chain(
            scene
                .onprem_spaces()
                .into_iter()
                .map(|(l, n)| (format!("on-premises {l}"), n)),
        )
        .collect();
    let inside = spaces.iter().find(|(_, n)| n.contains(&IpAddr::V4(target)));
    let has_routes = scene.connection.is_some_and(|c| !c.routes.is_empty());
    match inside {
        Some((origin, net)) if has_routes => check(
            ID,
            Stage::Addresses,
            TITLE,
            Status::Fail,
            format!(
                "{target} is in {origin} ({net}) but not in the app's routes: the app's network is older than that range"
            ),
            "Sync Network in the app's VNET Integration so the app receives the route.",
        ),
        Some((origin, net)) => check(
            ID,
            Stage::Addresses,
            TITLE,
            Status::Pass,
            format!("{target} is in {origin} ({net})"),
            "",
        ),
        None if scene.site.is_some_and(Site::route_all) => check(
            ID,
            Stage::Addresses,
            TITLE,
            Status::Pass,
            format!(
                "{target} is outside the VNET's ranges, but the app routes all traffic into the VNET (vnetRouteAllEnabled)"
            ),
            "",
        ),
        None => check(
            ID,
            Stage::Addresses,
            TITLE,
            Status::Fail,
            format!(
                "{target} is in none of the app's routes or the VNET, peered and on-premises spaces: the app sends it over the internet, not the VNET"
            ),
            "Add the target's range to the VNET, a peering or the on-premises address space (then Sync Network), or use the target's private address.",
        ),
    }
}

fn nsg_p2s_to_target(inputs: &Inputs<'_>, scene: &Scene<'_>) -> Check {
    const ID: &str = "nsg.p2s-to-target";
    const TITLE: &str = "NSGs allow the whole P2S pool to the target port";
    if scene.snapshot.is_none() {
        return skip(ID, Stage::Path, TITLE, NO_SNAPSHOT);
    }
    let Some(target) = scene.target else {
        return skip(
            ID,
            Stage::Path,
            TITLE,
            format!("the address of {} is not known", inputs.target.host),
        );
    };
    if scene.pool.is_empty() {
        return skip(ID, Stage::Path, TITLE, "no P2S pool in the snapshot");
    }
    let Some((subnet, nic)) = scene.target_location() else {
        return skip(
            ID,
            Stage::Path,
            TITLE,
            format!("no subnet of the snapshot holds {target}"),
        );
    };
    let mut nsgs: Vec<&Nsg> = Vec::new();
    let subnet_nsg = scene.nsg_of_subnet(subnet);
    nsgs.extend(subnet_nsg);
    let nic_nsg = nic.and_then(|n| scene.nsg_of_nic(n));
    nsgs.extend(nic_nsg);
    let missing_reference = subnet.network_security_group.is_some() && subnet_nsg.is_none();
    if missing_reference {
        return skip(
            ID,
            Stage::Path,
            TITLE,
            format!(
                "subnet {} has an NSG that is not in the snapshot",
                subnet.name
            ),
        );
    }
    let pool = RangeSet::from_nets(&scene.pool);
    let flow = Flow {
        target,
        port: inputs.target.port,
        protocol: inputs.target.protocol,
    };
    let proto = inputs.target.protocol.name();
    let analysis = analyse_path(&nsgs, &pool, flow, &scene.tag_scope());
    let describe = |blocks: &[crate::nsg::Block]| {
        blocks
            .iter()
            .map(|b| format!("{} by {}/{}", b.range, b.nsg, b.rule))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let where_ = format!(
        "subnet {}{}",
        subnet.name,
        nic.map_or_else(String::new, |n| format!(", NIC {}", n.name))
    );
    let (status, evidence, remedy) = if !analysis.blocked.is_empty() {
        (
            Status::Fail,
            format!(
                "{proto} {} to {target} ({where_}) is blocked for part of the pool: {}",
                inputs.target.port,
                describe(&analysis.blocked)
            ),
            format!(
                "Allow {proto} {} inbound from the whole P2S pool {} in the named NSG, above the blocking rule; the app's source address can be any address of the pool.",
                inputs.target.port,
                nets(&scene.pool)
            ),
        )
    } else if !analysis.undecided.is_empty() {
        (Status::Warn,
         format!("cannot decide offline for {}: the rule uses an application security group or a service tag", describe(&analysis.undecided)),
         "Check the named rule by hand against the P2S pool, or use explicit address prefixes for the pool.".to_owned())
    } else if nsgs.is_empty() {
        (Status::Pass, format!("no NSG on {where_}"), String::new())
    } else {
        (
            Status::Pass,
            format!(
                "the whole pool {} may reach {proto} {} on {target} ({where_})",
                nets(&scene.pool),
                inputs.target.port
            ),
            String::new(),
        )
    };
    let mut result = check(ID, Stage::Path, TITLE, status, evidence, remedy);
    let deciding: BTreeSet<&str> = analysis
        .allowed
        .iter()
        .chain(&analysis.blocked)
        .chain(&analysis.undecided)
        .map(|b| b.rule.as_str())
        .collect();
    let tag_decided = nsgs.iter().flat_map(|n| crate::nsg::inbound_rules(n)).any(|r| {
        deciding.contains(r.name.as_str())
            && r.sources().into_iter().any(|p| {
                matches!(p, crate::snapshot::AddressPrefix::Tag(t) if t.eq_ignore_ascii_case("VirtualNetwork"))
            })
    });
    if tag_decided {
        result
            .evidence
            .push_str(" (assumed: the VirtualNetwork tag includes the P2S pool, as Azure adds it)");
    }
    result.details = Some(json!({
        "pool": scene.pool.iter().map(ToString::to_string).collect::<Vec<_>>(),
        "target": target.to_string(),
        "port": inputs.target.port,
        "allowed": analysis.allowed,
        "blocked": analysis.blocked,
        "undecided": analysis.undecided,
    }));
    result
}

fn udr_return_path(scene: &Scene<'_>) -> Check {
    const ID: &str = "udr.return-path";
    const TITLE: &str = "The target's subnet routes the P2S pool back to the gateway";
    if scene.snapshot.is_none() {
        return skip(ID, Stage::Path, TITLE, NO_SNAPSHOT);
    }
    if scene.pool.is_empty() {
        return skip(ID, Stage::Path, TITLE, "no P2S pool in the snapshot");
    }
    let Some((subnet, _)) = scene.target_location() else {
        return skip(
            ID,
            Stage::Path,
            TITLE,
            "the target's subnet is not in the snapshot (or its address is not known)",
        );
    };
    let table = match (&subnet.route_table, scene.snapshot) {
        (Some(reference), Some(snapshot)) => match snapshot.route_table(&reference.id) {
            Some(table) => Some(table),
            None => {
                return skip(
                    ID,
                    Stage::Path,
                    TITLE,
                    format!(
                        "subnet {} has a route table that is not in the snapshot",
                        subnet.name
                    ),
                );
            }
        },
        _ => None,
    };
    let path = return_path(&RangeSet::from_nets(&scene.pool), &scene.pool, table);
    let mut result = if path.diverted.is_empty() {
        check(
            ID,
            Stage::Path,
            TITLE,
            Status::Pass,
            format!(
                "from subnet {}, the whole pool returns through the gateway{}",
                subnet.name,
                table.map_or_else(
                    || " (no route table)".to_owned(),
                    |t| format!(" (route table {})", t.name)
                )
            ),
            "",
        )
    } else {
        let diverted: Vec<String> = path
            .diverted
            .iter()
            .map(|h| format!("{} to {} by {}", h.range, h.next_hop, h.route))
            .collect();
        check(
            ID,
            Stage::Path,
            TITLE,
            Status::Fail,
            format!(
                "from subnet {}, replies to part of the pool do not go to the gateway: {}",
                subnet.name,
                diverted.join(", ")
            ),
            "Remove or narrow the route, add a route for the P2S pool with next hop VirtualNetworkGateway, or enable gateway route propagation on the route table.",
        )
    };
    result.details = Some(json!(path));
    result
}

fn target_onprem<'a>(scene: &Scene<'a>) -> Option<(&'a LocalGateway, IpNet)> {
    let target = IpAddr::V4(scene.target?);
    scene.onprem.iter().find_map(|lg| {
        lg.prefixes()
            .into_iter()
            .find(|p| p.contains(&target))
            .map(|p| (*lg, p))
    })
}

fn onprem_s2s_connected(scene: &Scene<'_>) -> Check {
    const ID: &str = "onprem.s2s-connected";
    const TITLE: &str = "The site-to-site connection to the target's network is up";
    let Some(snapshot) = scene.snapshot else {
        return skip(ID, Stage::Path, TITLE, NO_SNAPSHOT);
    };
    if scene.target.is_none() {
        return skip(ID, Stage::Path, TITLE, "the target's address is not known");
    }
    let Some((local, range)) = target_onprem(scene) else {
        return skip(
            ID,
            Stage::Path,
            TITLE,
            "does not apply: the target is in no on-premises range of the snapshot",
        );
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
    if connections.is_empty() {
        return check(
            ID,
            Stage::Path,
            TITLE,
            Status::Fail,
            format!(
                "the target is in {range} of {}, but no connection to it is in the snapshot",
                local.name
            ),
            "Create (or export) the site-to-site connection between the VNET gateway and the on-premises gateway.",
        );
    }
    let down: Vec<String> = connections
        .iter()
        .filter(|c| {
            !c.connection_status
                .as_deref()
                .is_some_and(|s| s.eq_ignore_ascii_case("Connected"))
        })
        .map(|c| {
            format!(
                "{} is {}",
                c.name,
                c.connection_status
                    .as_deref()
                    .unwrap_or("of unknown status")
            )
        })
        .collect();
    if down.is_empty() {
        check(
            ID,
            Stage::Path,
            TITLE,
            Status::Pass,
            format!(
                "the target is in {range} of {}; the connection is Connected",
                local.name
            ),
            "",
        )
    } else {
        check(
            ID,
            Stage::Path,
            TITLE,
            Status::Fail,
            format!(
                "the target is in {range} of {}, and {}",
                local.name,
                down.join(", ")
            ),
            "Bring the site-to-site connection up: shared key, IKE settings and the on-premises device.",
        )
    }
}

fn onprem_p2s_route(scene: &Scene<'_>) -> Check {
    const ID: &str = "onprem.p2s-route";
    const TITLE: &str = "On-premises routes the P2S pool back";
    if scene.snapshot.is_none() {
        return skip(ID, Stage::Path, TITLE, NO_SNAPSHOT);
    }
    if target_onprem(scene).is_none() {
        return skip(
            ID,
            Stage::Path,
            TITLE,
            "does not apply: the target is not on-premises (or its address is not known)",
        );
    }
    check(
        ID,
        Stage::Path,
        TITLE,
        Status::Manual,
        format!(
            "the on-premises network must send replies for the P2S pool {} back through the VPN",
            nets(&scene.pool)
        ),
        "On the on-premises gateway and routers, route the whole P2S pool to the Azure VPN; the app's address is not in the VNET's own space.",
    )
}

fn host_firewall(inputs: &Inputs<'_>, scene: &Scene<'_>) -> Check {
    const ID: &str = "host.firewall";
    const TITLE: &str = "The target host's firewall allows the P2S pool";
    let pool = if scene.pool.is_empty() {
        "P2S pool".to_owned()
    } else {
        format!("pool {}", nets(&scene.pool))
    };
    check(
        ID,
        Stage::Host,
        TITLE,
        Status::Manual,
        "the host's own firewall is not visible from here",
        format!(
            "On {}, allow {} {} from the whole {pool} (Windows Defender Firewall, iptables/nftables): the app's address changes within it.",
            inputs.target.host,
            inputs.target.protocol.name(),
            inputs.target.port
        ),
    )
}

fn host_listening(inputs: &Inputs<'_>) -> Check {
    const ID: &str = "host.listening";
    const TITLE: &str = "Something listens on the port";
    let refused = inputs
        .tcp
        .is_some_and(|s| s.outcomes.contains_key("refused"));
    if !refused {
        return skip(
            ID,
            Stage::Host,
            TITLE,
            "does not apply: no attempt was refused",
        );
    }
    check(
        ID,
        Stage::Host,
        TITLE,
        Status::Manual,
        format!(
            "{}:{} refused the connection: the host is up but nothing accepts on that port",
            inputs.target.host, inputs.target.port
        ),
        format!(
            "On the host, list what listens: netstat -aon | findstr :{} (Windows) or ss -ltnp 'sport = :{}' (Linux); start the service or fix the port.",
            inputs.target.port, inputs.target.port
        ),
    )
}

fn vm_cross_check(inputs: &Inputs<'_>) -> Check {
    const ID: &str = "vm.cross-check";
    const TITLE: &str = "The same host:port works from a VM in the VNET";
    let target = &inputs.target;
    let command = match target.protocol {
        crate::nsg::Protocol::Udp => format!("nslookup <name> {}", target.host),
        crate::nsg::Protocol::Tcp => format!(
            "tcpping {}:{} (or Test-NetConnection {} -Port {})",
            target.host, target.port, target.host, target.port
        ),
    };
    check(
        ID,
        Stage::Host,
        TITLE,
        Status::Manual,
        "only a machine inside the VNET can tell whether the target works at all",
        format!(
            "From a VM in the same VNET, run: {command}. If it fails there too, the target is down; if it works, the problem is on the app's path."
        ),
    )
}

fn nets(nets: &[Ipv4Net]) -> String {
    nets.iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

fn is_rfc1918(ip: Ipv4Addr) -> bool {
    ip.is_private()
}

fn is_rfc1918_net(net: Ipv4Net) -> bool {
    ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"]
        .iter()
        .filter_map(|r| r.parse::<Ipv4Net>().ok())
        .any(|r| r.contains(&net))
}
