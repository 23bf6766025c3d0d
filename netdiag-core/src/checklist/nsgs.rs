//! Stage 5, the NSGs on the path, analysed over the app's whole source range: outbound at
//! the integration subnet (`nsg.outbound`, regional), and inbound at the target's subnet
//! and NIC (`nsg.p2s-to-target` for the P2S pool, `nsg.inbound` for the integration
//! subnet). The app's address is any one of its range, so a rule that admits only part of
//! it fails, naming the part it blocks.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::net::Ipv4Addr;

use ipnet::Ipv4Net;

use super::scene::{Scene, export, nets, no_target_subnet, v4_only};
use super::vocab::{Details, Finding, Mode, NsgDetails, SkipReason, SourceKind, Status, or_skip};
use crate::nsg::{Block, Direction, Flow, PathAnalysis as Analysis, analyse_path};
use crate::ranges::RangeSet;
use crate::snapshot::{AddressPrefix, Nic, Nsg, Subnet, describe_id};

/// The NSGs on one side of the path, in the order traffic meets them, and those
/// referenced but missing from the snapshot.
struct PathNsgs<'a> {
    present: Vec<&'a Nsg>,
    /// As the evidence names them: "nsg-a in rg (subnet snet-data)".
    missing: Vec<String>,
    /// Their ids.
    missing_ids: Vec<String>,
}

impl<'a> PathNsgs<'a> {
    /// The subnet's NSG and the NIC's, in the order `direction` meets them.
    fn of(scene: &Scene<'a>, subnet: &Subnet, nic: Option<&Nic>, direction: Direction) -> Self {
        type Found<'n> = (Option<&'n Nsg>, Option<(String, String)>);
        let mut found: Vec<Found<'a>> = Vec::new();
        found.push((
            scene.nsg_of_subnet(subnet),
            subnet.network_security_group.as_ref().map(|r| {
                (
                    format!("{} (subnet {})", describe_id(&r.id), subnet.name),
                    r.id.clone(),
                )
            }),
        ));
        if let Some(nic) = nic {
            found.push((
                scene.nsg_of_nic(nic),
                nic.network_security_group.as_ref().map(|r| {
                    (
                        format!("{} (NIC {})", describe_id(&r.id), nic.name),
                        r.id.clone(),
                    )
                }),
            ));
        }
        if direction == Direction::Outbound {
            found.reverse();
        }
        let mut nsgs = Self {
            present: Vec::new(),
            missing: Vec::new(),
            missing_ids: Vec::new(),
        };
        for (nsg, reference) in found {
            match (nsg, reference) {
                (Some(nsg), _) => nsgs.present.push(nsg),
                (None, Some((named, id))) => {
                    nsgs.missing.push(named);
                    nsgs.missing_ids.push(id);
                }
                (None, None) => {}
            }
        }
        nsgs
    }
}

/// The NSGs present on a subnet (and NIC), in the order `direction` meets them: for
/// checks of other flows than the target's (the DNS servers' path).
pub(super) fn path_nsgs<'a>(
    scene: &Scene<'a>,
    subnet: &Subnet,
    nic: Option<&Nic>,
    direction: Direction,
) -> Vec<&'a Nsg> {
    PathNsgs::of(scene, subnet, nic, direction).present
}

/// What one analysis is about, for its evidence and remedy.
struct Side<'s> {
    direction: Direction,
    source_name: SourceKind,
    source: &'s [Ipv4Net],
    target: Ipv4Addr,
    /// Where the NSGs sit, e.g. "subnet snet-data, NIC nic-sql01".
    place: String,
    /// The far end may be in the `VirtualNetwork` tag through prefixes the gateway learns
    /// over BGP, unknown offline: what an undecided rule on the tag comes from.
    learned: bool,
}

impl Side<'_> {
    fn short(&self) -> &'static str {
        self.source_name.short()
    }

    fn direction(&self) -> &'static str {
        match self.direction {
            Direction::Inbound => "inbound",
            Direction::Outbound => "outbound",
        }
    }
}

pub(super) fn nsg_p2s_to_target(scene: &Scene<'_>) -> Finding {
    at_target(scene)
}

pub(super) fn nsg_inbound(scene: &Scene<'_>) -> Finding {
    at_target(scene)
}

/// The NSGs of the target's subnet and NIC, inbound from the whole source range.
fn at_target(scene: &Scene<'_>) -> Finding {
    let target = or_skip!(scene.target_or_skip());
    let (source, source_name) = or_skip!(scene.source_or_skip());
    if let Some(why) = leaves_to_internet(scene, target) {
        return Finding::skip(why);
    }
    let Some((subnet, nic)) = scene.target_location() else {
        return Finding::skip(no_target_subnet(target));
    };
    if let Some(endpoint) = scene.private_endpoint_at(target)
        && !subnet.nsg_applies_to_private_endpoints()
    {
        return Finding::pass(format!(
            "{target} is private endpoint {}: subnet {}'s network policies for private endpoints are {}, so NSGs do not filter traffic to it",
            endpoint.name,
            subnet.name,
            subnet
                .private_endpoint_network_policies
                .as_deref()
                .unwrap_or("Disabled (the default)")
        ));
    }
    let nsgs = PathNsgs::of(scene, subnet, nic, Direction::Inbound);
    let target_vnet = scene.target_vnet(subnet);
    let (scope, pool_in_tag) = scene.tag_scope(target_vnet, Some(subnet));
    let set = RangeSet::from_nets(&source);
    let side = Side {
        direction: Direction::Inbound,
        source_name,
        source: &source,
        target,
        place: format!(
            "subnet {}{}",
            subnet.name,
            nic.map_or_else(String::new, |n| format!(", NIC {}", n.name))
        ),
        learned: !set.intersect(&scope.maybe_virtual_network).is_empty(),
    };
    let analysis = analyse_path(
        &nsgs.present,
        &set,
        flow(scene, target, side.direction),
        &scope,
    );
    let mut result = finding(scene, &nsgs, &analysis, &side);
    // The tag's reach is an assumption worth saying whenever it mattered.
    let vnet_name = target_vnet.map_or("the target's VNET", |v| v.name.as_str());
    let tagged = |decided| uses_virtual_network_tag(&nsgs.present, side.direction, decided);
    if scene.mode == Mode::Regional {
        if !set.subtract(&scope.virtual_network).is_empty() && tagged(None) {
            let _ = write!(
                result.evidence,
                " (the VirtualNetwork tag of {vnet_name} does not include the integration subnet: it is not in {vnet_name} or a VNET peered with it)"
            );
        }
    } else if pool_in_tag && tagged(Some(&analysis)) {
        let _ = write!(
            result.evidence,
            " (assumed: the VirtualNetwork tag of {vnet_name} includes the P2S pool, as Azure adds it for the gateway it uses)"
        );
    } else if !pool_in_tag && tagged(None) {
        let _ = write!(
            result.evidence,
            " (the VirtualNetwork tag of {vnet_name} does not include the P2S pool: it neither owns the app's gateway nor uses it through useRemoteGateways)"
        );
    }
    result.details = Some(details(&side, scene.inputs.target.port, &analysis));
    result
}

/// Regional: the integration subnet's NSG, outbound, for the whole subnet.
pub(super) fn nsg_outbound(scene: &Scene<'_>) -> Finding {
    let subnet = or_skip!(scene.integration_subnet_or_skip());
    let target = or_skip!(scene.target_or_skip());
    if let Some(why) = leaves_to_internet(scene, target) {
        return Finding::skip(why);
    }
    let source = v4_only(&subnet.prefixes());
    let nsgs = PathNsgs::of(scene, subnet, None, Direction::Outbound);
    let (scope, _) = scene.tag_scope(scene.vnet, Some(subnet));
    let side = Side {
        direction: Direction::Outbound,
        source_name: SourceKind::IntegrationSubnet,
        source: &source,
        target,
        place: format!("subnet {}", subnet.name),
        learned: scope.maybe_virtual_network.contains(target),
    };
    let analysis = analyse_path(
        &nsgs.present,
        &RangeSet::from_nets(&source),
        flow(scene, target, side.direction),
        &scope,
    );
    let mut result = finding(scene, &nsgs, &analysis, &side);
    result.details = Some(details(&side, scene.inputs.target.port, &analysis));
    result
}

/// Regional without Route All: a public target never passes the VNET's NSGs.
fn leaves_to_internet(scene: &Scene<'_>, target: Ipv4Addr) -> Option<SkipReason> {
    (scene.mode == Mode::Regional && !scene.enters_vnet(target)).then(|| {
        SkipReason::not_applicable(format!(
            "does not apply: without Route All the app sends {target} straight to the internet, not through the VNET"
        ))
    })
}

fn flow(scene: &Scene<'_>, target: Ipv4Addr, direction: Direction) -> Flow {
    Flow {
        target,
        port: scene.inputs.target.port,
        protocol: scene.inputs.target.protocol,
        direction,
    }
}

fn describe(blocks: &[Block]) -> String {
    blocks
        .iter()
        .map(|b| format!("{} by {}/{}", b.range, b.nsg, b.rule))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Whether a rule of `direction` names the `VirtualNetwork` tag as its source; with
/// `decided`, only rules that decided part of the range count.
fn uses_virtual_network_tag(
    nsgs: &[&Nsg],
    direction: Direction,
    decided: Option<&Analysis>,
) -> bool {
    let deciding: Option<BTreeSet<&str>> = decided.map(|analysis| {
        analysis
            .allowed
            .iter()
            .chain(&analysis.blocked)
            .chain(&analysis.undecided)
            .map(|b| b.rule.as_str())
            .collect()
    });
    nsgs.iter()
        .flat_map(|n| crate::nsg::rules(n, direction))
        .any(|r| {
            deciding
                .as_ref()
                .is_none_or(|names| names.contains(r.name.as_str()))
                && r.sources().into_iter().any(|p| {
                    matches!(p, AddressPrefix::Tag(t) if t.eq_ignore_ascii_case("VirtualNetwork"))
                })
        })
}

/// The status, evidence and remedy of one analysis over the source range.
fn finding(
    scene: &Scene<'_>,
    nsgs: &PathNsgs<'_>,
    analysis: &Analysis,
    side: &Side<'_>,
) -> Finding {
    let port = scene.inputs.target.port;
    let proto = scene.inputs.target.protocol.name();
    let Side {
        source_name,
        target,
        place,
        ..
    } = side;
    let (short, direction) = (side.short(), side.direction());
    let range = nets(side.source);
    let outbound = if side.direction == Direction::Outbound {
        " outbound"
    } else {
        ""
    };
    let missing = (!nsgs.missing.is_empty()).then(|| {
        format!(
            "; the NSG {} is referenced but not in the snapshot, so it was not evaluated",
            nsgs.missing.join(", ")
        )
    });
    if !analysis.blocked.is_empty() {
        let to = if outbound.is_empty() {
            String::new()
        } else {
            format!(" to {target}")
        };
        return Finding::fail(
            format!(
                "{proto} {port} to {target}{outbound} ({place}) is blocked for part of the {short}: {}{}",
                describe(&analysis.blocked),
                missing.unwrap_or_default()
            ),
            nsg_remedy(nsgs, analysis, side, port, proto).unwrap_or_else(|| {
                format!(
                    "Allow {proto} {port} {direction} from the whole {source_name} {range}{to} in the named NSG, above the blocking rule; the app's source address can be any address of the {short}."
                )
            }),
        );
    }
    if let Some(missing) = missing {
        return Finding::warn(
            format!(
                "no NSG of the snapshot blocks {proto} {port} to {target}{outbound} ({place}){missing}"
            ),
            format!(
                "Export the missing NSG too ({}), or check it by hand for the whole {source_name} {range}.",
                export::NSG
            ),
        )
        .lacking(nsgs.missing_ids.clone());
    }
    if !analysis.undecided.is_empty() && side.learned {
        // learn.microsoft.com/azure/virtual-network/service-tags-overview: VirtualNetwork
        // holds "all connected on-premises address spaces", BGP-learned ones included.
        return Finding::new(
            Status::Warn,
            format!(
                "cannot decide offline for {}: the VirtualNetwork tag also holds the on-premises prefixes the gateway learns over BGP (ExpressRoute, or VPN with BGP), which no export lists",
                describe(&analysis.undecided)
            ),
            format!(
                "See whether {target} is in a learned prefix: az network vnet-gateway list-learned-routes -g RG -n GATEWAY (or the NIC's effective routes: az network nic show-effective-route-table -g RG -n NIC); or give the named rule explicit address prefixes."
            ),
        );
    }
    if !analysis.undecided.is_empty() {
        return Finding::new(
            Status::Warn,
            format!(
                "cannot decide offline for {}: the rule uses an application security group or a service tag",
                describe(&analysis.undecided)
            ),
            format!(
                "Check the named rule by hand against the {source_name} {range}, or use explicit address prefixes for it."
            ),
        );
    }
    if nsgs.present.is_empty() {
        return Finding::pass(format!("no NSG on {place}"));
    }
    Finding::pass(format!(
        "the whole {short} {range} may reach {proto} {port} on {target}{outbound} ({place})"
    ))
}

/// The command that opens the path for the whole source range: widen the custom rule that
/// admits part of it (named, with what it admits now), else a rule just above the one that
/// blocks. `None` when the blocking NSG is not in the snapshot.
fn nsg_remedy(
    nsgs: &PathNsgs<'_>,
    analysis: &Analysis,
    side: &Side<'_>,
    port: u16,
    proto: &str,
) -> Option<String> {
    let blocking = analysis.blocked.first()?;
    let nsg = nsgs.present.iter().find(|n| n.name == blocking.nsg)?;
    let group = crate::snapshot::resource_group_of(&nsg.id).unwrap_or("RG");
    let range = nets(side.source);
    let whole = side
        .source
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(" ");
    let (short, source_name) = (side.short(), side.source_name);
    // An Allow rule of this NSG that admits part of the range: widen it, keeping its
    // other sources.
    let widen = analysis
        .allowed
        .iter()
        .filter(|b| b.nsg == nsg.name)
        .find_map(|b| nsg.security_rules.iter().find(|r| r.name == b.rule));
    if let Some(rule) = widen {
        let admitted: Vec<&str> = analysis
            .allowed
            .iter()
            .filter(|b| b.rule == rule.name)
            .map(|b| b.range.as_str())
            .collect();
        let mut prefixes: Vec<String> = vec![whole];
        prefixes.extend(
            rule.source_address_prefix
                .iter()
                .chain(&rule.source_address_prefixes)
                .map(ToString::to_string)
                .filter(|p| !admitted.contains(&p.as_str()) && !p.is_empty()),
        );
        return Some(format!(
            "Widen rule {} of {} to the whole {source_name} {range} (it admits {} only): az network nsg rule update -g {group} --nsg-name {} -n {} --source-address-prefixes {}; the app's source address can be any address of the {short}.",
            rule.name,
            nsg.name,
            admitted.join(", "),
            nsg.name,
            rule.name,
            prefixes.join(" ")
        ));
    }
    let blocking_priority = nsg
        .security_rules
        .iter()
        .find(|r| r.name == blocking.rule)
        .map(|r| r.priority);
    // Custom rules take priorities 100-4096; a default rule (65000+) is beaten by any.
    let priority = blocking_priority.map_or(4096, |p| p.saturating_sub(1).min(4096));
    let az_proto = if proto == "UDP" { "Udp" } else { "Tcp" };
    if priority < 100 {
        return Some(format!(
            "Rule {} of {} (priority {}) leaves no room for a rule above it: narrow its sources so they no longer cover the {short} (az network nsg rule update -g {group} --nsg-name {} -n {} --source-address-prefixes ...), or delete it (az network nsg rule delete -g {group} --nsg-name {} -n {}); the app's source address can be any address of the {short}.",
            blocking.rule,
            nsg.name,
            blocking_priority.unwrap_or(100),
            nsg.name,
            blocking.rule,
            nsg.name,
            blocking.rule
        ));
    }
    Some(format!(
        "Allow {proto} {port} from the whole {source_name} {range} above rule {} of {}: az network nsg rule create -g {group} --nsg-name {} -n Allow-App-{proto}-{port} --priority {priority} --direction {} --access Allow --protocol {az_proto} --source-address-prefixes {whole} --destination-address-prefixes {} --destination-port-ranges {port}; the app's source address can be any address of the {short}.",
        blocking.rule,
        nsg.name,
        nsg.name,
        side.direction.name(),
        side.target
    ))
}

fn details(side: &Side<'_>, port: u16, analysis: &Analysis) -> Details {
    Details::Nsg(NsgDetails {
        pool: side.source.iter().map(ToString::to_string).collect(),
        target: side.target.to_string(),
        port,
        analysis: analysis.clone(),
    })
}
