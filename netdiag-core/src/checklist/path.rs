//! Stage 5, the path to the target and back: NSGs over the whole source range, the route
//! back from the target's subnet, and the site-to-site link to on-premises targets.

use std::collections::BTreeSet;

use serde_json::json;

use super::Status;
use super::registry::{Finding, SkipReason};
use super::scene::{Scene, nets, target_onprem};
use crate::nsg::{Flow, analyse_path};
use crate::ranges::RangeSet;
use crate::routes::return_path;
use crate::snapshot::{Nsg, same_id};

#[expect(
    clippy::too_many_lines,
    reason = "the NSG finding: where the target sits, the analysis, then evidence and details"
)]
pub(super) fn nsg_p2s_to_target(scene: &Scene<'_>) -> Finding {
    let inputs = scene.inputs;
    if scene.snapshot.is_none() {
        return Finding::skip(SkipReason::NoSnapshot);
    }
    let Some(target) = scene.target else {
        return Finding::skip(SkipReason::missing(format!(
            "the address of {} is not known",
            inputs.target.host
        )));
    };
    if scene.pool.is_empty() {
        return Finding::skip(SkipReason::missing("no P2S pool in the snapshot"));
    }
    let Some((subnet, nic)) = scene.target_location() else {
        return Finding::skip(SkipReason::missing(format!(
            "no subnet of the snapshot holds {target}"
        )));
    };
    let mut nsgs: Vec<&Nsg> = Vec::new();
    let subnet_nsg = scene.nsg_of_subnet(subnet);
    nsgs.extend(subnet_nsg);
    let nic_nsg = nic.and_then(|n| scene.nsg_of_nic(n));
    nsgs.extend(nic_nsg);
    let missing_reference = subnet.network_security_group.is_some() && subnet_nsg.is_none();
    if missing_reference {
        return Finding::skip(SkipReason::missing(format!(
            "subnet {} has an NSG that is not in the snapshot",
            subnet.name
        )));
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
    let mut result = Finding::new(status, evidence, remedy);
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

pub(super) fn udr_return_path(scene: &Scene<'_>) -> Finding {
    if scene.snapshot.is_none() {
        return Finding::skip(SkipReason::NoSnapshot);
    }
    if scene.pool.is_empty() {
        return Finding::skip(SkipReason::missing("no P2S pool in the snapshot"));
    }
    let Some((subnet, _)) = scene.target_location() else {
        return Finding::skip(SkipReason::missing(
            "the target's subnet is not in the snapshot (or its address is not known)",
        ));
    };
    let table = match (&subnet.route_table, scene.snapshot) {
        (Some(reference), Some(snapshot)) => match snapshot.route_table(&reference.id) {
            Some(table) => Some(table),
            None => {
                return Finding::skip(SkipReason::missing(format!(
                    "subnet {} has a route table that is not in the snapshot",
                    subnet.name
                )));
            }
        },
        _ => None,
    };
    let path = return_path(&RangeSet::from_nets(&scene.pool), &scene.pool, table);
    let mut result = if path.diverted.is_empty() {
        Finding::pass(format!(
            "from subnet {}, the whole pool returns through the gateway{}",
            subnet.name,
            table.map_or_else(
                || " (no route table)".to_owned(),
                |t| format!(" (route table {})", t.name)
            )
        ))
    } else {
        let diverted: Vec<String> = path
            .diverted
            .iter()
            .map(|h| format!("{} to {} by {}", h.range, h.next_hop, h.route))
            .collect();
        Finding::fail(
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

pub(super) fn onprem_s2s_connected(scene: &Scene<'_>) -> Finding {
    let Some(snapshot) = scene.snapshot else {
        return Finding::skip(SkipReason::NoSnapshot);
    };
    if scene.target.is_none() {
        return Finding::skip(SkipReason::missing("the target's address is not known"));
    }
    let Some((local, range)) = target_onprem(scene) else {
        return Finding::skip(SkipReason::not_applicable(
            "does not apply: the target is in no on-premises range of the snapshot",
        ));
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
        return Finding::fail(
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
        Finding::pass(format!(
            "the target is in {range} of {}; the connection is Connected",
            local.name
        ))
    } else {
        Finding::fail(
            format!(
                "the target is in {range} of {}, and {}",
                local.name,
                down.join(", ")
            ),
            "Bring the site-to-site connection up: shared key, IKE settings and the on-premises device.",
        )
    }
}

pub(super) fn onprem_p2s_route(scene: &Scene<'_>) -> Finding {
    if scene.snapshot.is_none() {
        return Finding::skip(SkipReason::NoSnapshot);
    }
    if target_onprem(scene).is_none() {
        return Finding::skip(SkipReason::not_applicable(
            "does not apply: the target is not on-premises (or its address is not known)",
        ));
    }
    Finding::manual(
        format!(
            "the on-premises network must send replies for the P2S pool {} back through the VPN",
            nets(&scene.pool)
        ),
        "On the on-premises gateway and routers, route the whole P2S pool to the Azure VPN; the app's address is not in the VNET's own space.",
    )
}
