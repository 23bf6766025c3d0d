//! The path, drawn: the way from the app to the target as a list of hops, each with the
//! mark of the check behind it, so that the failing hop is seen before any check is read.
//! One hop stands for the checks that decide it (the app hop for the subnet, delegation,
//! size and plan; the DNS hop for the servers, the name and a private endpoint's record):
//! its status is the worst of those that apply to this run, and its check is the one
//! that gave that status. A hop none of whose checks applies (no peering, not on-premises,
//! not an Azure service) is left out; the app and the host are always drawn.
//!
//! The order is the contract's: the app and its source range; DNS; the gateway
//! (gateway-required); the integration subnet's NSG and route (regional); a peering or the
//! on-premises connection; the target's NSGs; the way back; the target's service; the host.
//! For `nameresolver` the host is the DNS server, and the answer is drawn after it.

use std::net::IpAddr;

use serde::{Deserialize, Serialize};

use super::path::app_subnet_udr;
use super::scene::{Scene, nets};
use super::vocab::{Check, Mode, SkipReason, Status};
use crate::addr::display_server;
use crate::settings::WEBSITE_SITE_NAME;
use crate::snapshot::describe_id;

/// A hop of the path, as the report's `path` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum HopKind {
    App,
    Dns,
    Gateway,
    NsgOut,
    Route,
    Peering,
    Onprem,
    NsgIn,
    Return,
    Service,
    Host,
}

impl HopKind {
    /// The word the drawn line starts with.
    pub fn label(self) -> &'static str {
        match self {
            Self::App => "app",
            Self::Dns => "DNS",
            Self::Gateway => "gateway",
            Self::NsgOut | Self::NsgIn => "NSG",
            Self::Route => "route",
            Self::Peering => "peering",
            Self::Onprem => "on-premises",
            Self::Return => "return",
            Self::Service => "service",
            Self::Host => "host",
        }
    }
}

/// One hop: what it is, what it is called here, and the check that marks it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Hop {
    pub hop: HopKind,
    /// What the line says after the hop's label: `nsg-apps outbound`,
    /// `10.20.1.4 -> 10.20.2.5`.
    pub name: String,
    pub status: Status,
    /// The check id behind the mark.
    pub check: String,
}

/// Whether a check says something about this hop in this run: a check of the other
/// mode, one that does not apply to the target, or one about what this run did not do
/// (resolve, probe, run inside the app) leaves the hop to the others.
fn applies(check: &Check) -> bool {
    !matches!(
        check.skip,
        Some(
            SkipReason::OtherMode(_)
                | SkipReason::NotApplicable(_)
                | SkipReason::NotProbed(_)
                | SkipReason::Needs { .. }
        )
    )
}

/// The hop's status and check from `ids` (the first is the hop's own): the first failure,
/// else the first warning (a standing notice aside), else the hop's own check when it
/// passed (what was seen on the wire outweighs a gap in the export), else the first check
/// that could not decide, else the first that passed. `None` when none of them applies.
fn decided_by(checks: &[Check], ids: &[&str]) -> Option<(Status, String)> {
    let found: Vec<&Check> = ids
        .iter()
        .filter_map(|id| checks.iter().find(|c| c.id == *id))
        .filter(|c| applies(c))
        .collect();
    let first = |wanted: &dyn Fn(&Check) -> bool| found.iter().find(|c| wanted(c)).copied();
    let check = first(&|c| c.status == Status::Fail)
        .or_else(|| first(&|c| c.status == Status::Warn && !c.advisory))
        .or_else(|| {
            found
                .first()
                .copied()
                .filter(|c| c.id == ids[0] && c.status == Status::Pass)
        })
        .or_else(|| first(&|c| matches!(c.status, Status::Skip | Status::Manual)))
        .or_else(|| first(&|c| c.status == Status::Pass))?;
    let status = if check.status == Status::Warn || !check.advisory {
        check.status
    } else {
        Status::Pass
    };
    Some((status, check.id.to_owned()))
}

/// A hop before it is decided: what it is called and the checks that decide it (its own
/// first); `always` draws it even when none of them applies.
struct Planned {
    hop: HopKind,
    name: String,
    ids: &'static [&'static str],
    always: bool,
}

fn planned(hop: HopKind, name: String, ids: &'static [&'static str]) -> Planned {
    Planned {
        hop,
        name,
        ids,
        always: false,
    }
}

/// The hops of this run's path, in the contract's order.
pub(super) fn draw(scene: &Scene<'_>, checks: &[Check]) -> Vec<Hop> {
    let mut plan = vec![Planned {
        always: true,
        ..planned(HopKind::App, app_name(scene), app_checks(scene.mode))
    }];
    plan.extend(integration_hops(scene));
    plan.extend(beyond_the_vnet(scene));
    plan.extend(the_end(scene));
    plan.into_iter()
        .filter_map(|p| {
            // Without a snapshot, nothing says a peering, an NSG or a service is on the
            // way: only the app, DNS and the host are drawn.
            let unseen = scene.inputs.snapshot.is_none() && !p.always && p.hop != HopKind::Dns;
            let decided = (!unseen)
                .then(|| decided_by(checks, p.ids))
                .flatten()
                .or_else(|| {
                    p.always.then(|| {
                        (
                            Status::Skip,
                            p.ids.first().copied().unwrap_or("").to_owned(),
                        )
                    })
                })?;
            Some(Hop {
                hop: p.hop,
                name: p.name,
                status: decided.0,
                check: decided.1,
            })
        })
        .collect()
}

/// The checks of the app hop, by mode: the app's own check first.
fn app_checks(mode: Mode) -> &'static [&'static str] {
    match mode {
        Mode::Regional => &[
            "regional.subnet",
            "app.integrated",
            "regional.delegation",
            "regional.subnet-size",
            "regional.subnet-in-use",
            "app.private-ip",
            "plan.tier",
            "app.single-vnet",
            "vnet.location",
        ],
        Mode::Gateway => &[
            "gateway.p2s",
            "app.integrated",
            "app.platform",
            "app.private-ip",
            "plan.tier",
            "plan.vnet-limit",
            "app.single-vnet",
            "vnet.same-subscription",
            "vnet.location",
            "p2s.rfc1918",
            "address.overlap",
        ],
        Mode::None | Mode::Unknown => &["app.integrated", "app.private-ip"],
    }
}

/// DNS (`tcpping` of a name), then the gateway, or the integration subnet's NSG and route.
fn integration_hops(scene: &Scene<'_>) -> Vec<Planned> {
    let mut plan = Vec::new();
    if !scene.inputs.target.is_dns_server() && scene.inputs.target.name.is_some() {
        plan.push(planned(
            HopKind::Dns,
            dns_name(scene),
            &[
                "dns.private-endpoint",
                "dns.reachable",
                "dns.resolves",
                "dns.configured",
                "dns.path",
            ],
        ));
    }
    if scene.mode == Mode::Gateway {
        let name = scene.gateway.map_or_else(
            || "of the VNET (not in the snapshot)".to_owned(),
            |g| format!("{} (point-to-site)", g.name),
        );
        plan.push(planned(
            HopKind::Gateway,
            name,
            &[
                "gateway.status",
                "gateway.present",
                "gateway.type",
                "gateway.routing",
                "gateway.p2s-protocols",
                "gateway.p2s-auth",
                "gateway.subnet",
                "certs.in-sync",
                "certs.valid",
                "network.in-sync",
                "route.target",
            ],
        ));
    }
    if scene.mode == Mode::Regional {
        let subnet = scene.integration_subnet();
        let nsg = subnet
            .and_then(|s| s.network_security_group.as_ref())
            .map(|r| describe_id(&r.id));
        let nsg = match (nsg, subnet) {
            (Some(nsg), _) => format!("{} outbound", short(&nsg)),
            (None, Some(subnet)) => format!("none on {} (outbound)", subnet.name),
            (None, None) => "of the integration subnet (outbound)".to_owned(),
        };
        plan.push(planned(HopKind::NsgOut, nsg, &["nsg.outbound"]));
        plan.push(planned(
            HopKind::Route,
            route_name(scene),
            &["udr.app-subnet", "route.target"],
        ));
    }
    plan
}

/// A peering or on-premises, the target's NSGs, the way back.
fn beyond_the_vnet(scene: &Scene<'_>) -> Vec<Planned> {
    let peering = scene
        .target
        .and_then(|ip| {
            scene.vnet?.virtual_network_peerings.iter().find(|p| {
                p.remote_address_space
                    .iter()
                    .flat_map(|s| s.address_prefixes.iter())
                    .any(|n| n.0.contains(&IpAddr::V4(ip)))
            })
        })
        .map_or_else(|| "to the target's VNET".to_owned(), |p| p.name.clone());
    let onprem = super::scene::target_onprem(scene).map_or_else(
        || "network of the target".to_owned(),
        |(lg, net)| format!("{} ({net})", lg.name),
    );
    let target_nsgs = scene.target_location().map_or_else(
        || "of the target (inbound)".to_owned(),
        |(subnet, nic)| {
            let mut names: Vec<String> = scene
                .nsg_of_subnet(subnet)
                .into_iter()
                .chain(nic.and_then(|n| scene.nsg_of_nic(n)))
                .map(|n| n.name.clone())
                .collect();
            names.dedup();
            if names.is_empty() {
                format!("none on {} (inbound)", subnet.name)
            } else {
                format!("{} inbound", names.join(", "))
            }
        },
    );
    let back = scene.target_location().map_or_else(
        || "to the app's source range".to_owned(),
        |(subnet, _)| format!("from {} to the app's source range", subnet.name),
    );
    vec![
        planned(HopKind::Peering, peering, &["vnet.peering"]),
        planned(
            HopKind::Onprem,
            onprem,
            &["onprem.s2s-connected", "onprem.p2s-route"],
        ),
        planned(
            HopKind::NsgIn,
            target_nsgs,
            &["nsg.inbound", "nsg.p2s-to-target"],
        ),
        planned(HopKind::Return, back, &["udr.return-path"]),
    ]
}

/// The target's service, then the host (for `nameresolver`: the DNS server, then the
/// answer).
fn the_end(scene: &Scene<'_>) -> Vec<Planned> {
    let inputs = scene.inputs;
    let service = inputs
        .target
        .name
        .as_deref()
        .and_then(|name| scene.snapshot?.gate_for_host(name))
        .map_or_else(
            || "of the target".to_owned(),
            |gate| format!("{} {}", gate.kind.noun(), gate.name),
        );
    let address = scene
        .target
        .map_or_else(|| inputs.target.host.clone(), |ip| ip.to_string());
    let always = |p: Planned| Planned { always: true, ..p };
    let mut plan = vec![planned(
        HopKind::Service,
        service,
        &[
            "target.public-access",
            "nat.outbound-ip",
            "platform.content-share",
            "platform.image-pull",
            "platform.key-vault-refs",
        ],
    )];
    if inputs.target.is_dns_server() {
        plan.push(always(planned(
            HopKind::Host,
            dns_servers_name(scene, &address),
            &["dns.reachable", "dns.path", "host.firewall"],
        )));
        plan.push(always(planned(
            HopKind::Dns,
            answer_name(scene),
            &["dns.resolves", "dns.private-endpoint", "dns.configured"],
        )));
    } else {
        plan.push(always(planned(
            HopKind::Host,
            format!("{address}:{}", inputs.target.port),
            &["tcp.connect", "host.listening", "host.firewall"],
        )));
    }
    plan
}

/// The last word of `name in group`: the resource's own name.
fn short(described: &str) -> &str {
    described.split(" in ").next().unwrap_or(described)
}

/// `fabrikam-api, source 10.20.4.0/26 (snet-apps, regional)`.
fn app_name(scene: &Scene<'_>) -> String {
    let name = scene
        .site
        .map(|s| s.name.clone())
        .or_else(|| {
            scene
                .inputs
                .settings
                .get(WEBSITE_SITE_NAME)
                .map(str::to_owned)
        })
        .unwrap_or_else(|| "this app".to_owned());
    let (range, _) = scene.source_range();
    let range = if range.is_empty() {
        None
    } else {
        Some(nets(&range))
    };
    match (scene.mode, range) {
        (Mode::Regional, Some(range)) => {
            let subnet = scene
                .integration_subnet()
                .map_or_else(String::new, |s| format!("{}, ", s.name));
            format!("{name}, source {range} ({subnet}regional)")
        }
        (Mode::Regional, None) => format!("{name}, source: its integration subnet (regional)"),
        (Mode::Gateway, Some(range)) => {
            format!("{name}, source {range} (P2S pool, gateway-required)")
        }
        (Mode::Gateway, None) => format!("{name}, source: its P2S pool (gateway-required)"),
        (Mode::None, _) if scene.site.is_some() => format!("{name}, no VNET integration"),
        (Mode::Unknown, _) => format!("{name} (could not be read)"),
        (Mode::None, _) => match scene.inputs.settings.get("WEBSITE_PRIVATE_IP") {
            Some(ip) => format!("{name}, source {ip} (WEBSITE_PRIVATE_IP)"),
            None => name,
        },
    }
}

/// The servers the app asks, as the line shows them: the first two, then how many more.
fn servers(scene: &Scene<'_>) -> Option<String> {
    let config = scene
        .inputs
        .dns_config
        .or(scene.inputs.dns.map(|(c, _)| c))?;
    let mut names: Vec<String> = config
        .servers
        .iter()
        .take(2)
        .map(|s| display_server(s.address))
        .collect();
    if config.servers.len() > 2 {
        names.push(format!("+{}", config.servers.len() - 2));
    }
    (!names.is_empty()).then(|| names.join(", "))
}

/// What DNS gave for the target: `10.20.1.4 -> 10.20.2.5`, or why it gave nothing.
fn dns_name(scene: &Scene<'_>) -> String {
    let inputs = scene.inputs;
    let asked = servers(scene).unwrap_or_else(|| "the app's servers".to_owned());
    let answered = inputs
        .dns
        .and_then(|(_, lookup)| lookup.answer.as_ref())
        .map(|answer| display_server(answer.server));
    let server = answered.unwrap_or(asked);
    // The private endpoint the name belongs to, when the snapshot has one for it.
    let endpoint = inputs
        .target
        .name
        .as_deref()
        .and_then(|name| scene.snapshot?.private_name(name))
        .and_then(|private| {
            let ip = private.addresses.first().copied()?;
            let owner = private
                .endpoint
                .map_or_else(|| private.zone.clone(), |e| e.name.clone());
            Some((owner, ip))
        });
    let public = |ip: IpAddr| match ip {
        IpAddr::V4(v4) if !super::scene::is_rfc1918(v4) => " (public)",
        _ => "",
    };
    match (inputs.target.ip, endpoint) {
        (Some(ip), Some((pe, pe_ip))) if ip != pe_ip => {
            format!(
                "{server} -> {ip}{}, not the endpoint {pe_ip} ({pe})",
                public(ip)
            )
        }
        (Some(ip), Some((pe, _))) => format!("{server} -> {ip} (private endpoint {pe})"),
        (Some(ip), None) => format!("{server} -> {ip}{}", public(ip)),
        (None, Some((pe, pe_ip))) => {
            format!("{server} -> not resolved in this run; the endpoint is {pe_ip} ({pe})")
        }
        (None, None) => format!("{server} -> not resolved in this run"),
    }
}

/// `nameresolver`'s DNS servers, each with what it did last when the lookup ran:
/// `DNS servers 10.20.1.4:53 timeout, 10.20.1.5:53 answered`.
fn dns_servers_name(scene: &Scene<'_>, first: &str) -> String {
    let inputs = scene.inputs;
    let Some((config, lookup)) = inputs.dns else {
        let mut servers = vec![format!("{first}:{}", inputs.target.port)];
        servers.extend(inputs.target.also_asked.iter().cloned());
        let noun = if servers.len() > 1 {
            "servers"
        } else {
            "server"
        };
        return format!("DNS {noun} {}", servers.join(", "));
    };
    let said: Vec<String> = config
        .servers
        .iter()
        .filter_map(|server| {
            let last = lookup
                .attempts
                .iter()
                .rev()
                .find(|a| a.server == server.address)?;
            Some(format!(
                "{} {}",
                display_server(server.address),
                last.outcome.as_str()
            ))
        })
        .collect();
    match said.len() {
        0 => format!("DNS server {first}:{} (not asked)", inputs.target.port),
        1 => format!("DNS server {}", said[0]),
        _ => format!("DNS servers {}", said.join(", ")),
    }
}

/// `nameresolver`'s answer: the name and what it resolved to.
fn answer_name(scene: &Scene<'_>) -> String {
    let inputs = scene.inputs;
    let name = inputs.target.name.as_deref().unwrap_or(&inputs.target.host);
    let Some((_, lookup)) = inputs.dns else {
        return format!("answer {name}: not resolved in this run");
    };
    match &lookup.answer {
        Some(answer) if !answer.addresses.is_empty() => {
            let addresses: Vec<String> = answer.addresses.iter().map(ToString::to_string).collect();
            format!("answer {name} -> {}", addresses.join(", "))
        }
        Some(_) => format!("answer {name}: records, no address"),
        None => format!("answer {name}: {}", lookup.outcome.as_str()),
    }
}

/// Where the integration subnet sends the target.
fn route_name(scene: &Scene<'_>) -> String {
    let Some(target) = scene.target else {
        return "to the target (its address is not known)".to_owned();
    };
    if !scene.enters_vnet(target) {
        return format!("{target}: to the internet, not into the VNET (no Route All)");
    }
    match app_subnet_udr(scene, target) {
        Some((route, hop)) => format!("{target}: {hop} (UDR {route})"),
        None => format!("{target}: system routes"),
    }
}
