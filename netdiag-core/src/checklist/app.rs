//! Stage 2, the app and its plan: DNS servers for the VNET, the app's private address,
//! the plan's tier and VNET count, one connection per app, subscription and region.

use std::collections::BTreeSet;
use std::net::Ipv4Addr;

use super::registry::{Finding, SkipReason};
use super::scene::{Scene, is_rfc1918, nets};
use crate::dns::ServerSource;
use crate::settings::WEBSITE_PRIVATE_IP;
use crate::snapshot::{Site, subscription_of};

pub(super) fn dns_configured(scene: &Scene<'_>) -> Finding {
    let inputs = scene.inputs;
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
        return Finding::pass(format!("{} from {}", server.address, server.source));
    }
    let Some(vnet) = scene.vnet else {
        return Finding::skip(scene.lacking("the snapshot has no VNET for the app"));
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
        return Finding::pass(format!(
            "VNET {} uses {}",
            vnet.name,
            vnet_servers.join(", ")
        ));
    }
    if !connection_servers.trim().is_empty() {
        return Finding::pass(format!(
            "the app's VNET connection uses {connection_servers}"
        ));
    }
    Finding::fail(
        format!(
            "VNET {} has no custom DNS servers and WEBSITE_DNS_SERVER is not set: the app cannot resolve the VNET's private names, only IP addresses work",
            vnet.name
        ),
        "Set the VNET's DNS servers (then Sync Network in the app's VNET Integration), or set WEBSITE_DNS_SERVER on the app.",
    )
}

pub(super) fn app_private_ip(scene: &Scene<'_>) -> Finding {
    let inputs = scene.inputs;
    if !inputs.settings.in_app_service() {
        return Finding::skip(SkipReason::missing(
            "not running inside an App Service app (WEBSITE_SITE_NAME is not set)",
        ));
    }
    let Some(value) = inputs.settings.get(WEBSITE_PRIVATE_IP) else {
        return Finding::fail(
            "WEBSITE_PRIVATE_IP is not set: the app has no VNET address, the integration is not connected",
            "Disconnect and reconnect VNET Integration, or Sync Network; check the gateway's point-to-site configuration.",
        );
    };
    let Ok(ip) = value.parse::<Ipv4Addr>() else {
        return Finding::fail(
            format!("WEBSITE_PRIVATE_IP='{value}' is not an IPv4 address"),
            "Reconnect VNET Integration.",
        );
    };
    if !scene.pool.is_empty() {
        if scene.pool.iter().any(|p| p.contains(&ip)) {
            return Finding::pass(format!("{ip} is in the P2S pool {}", nets(&scene.pool)));
        }
        return Finding::fail(
            format!(
                "{ip} is outside the gateway's P2S pool {}",
                nets(&scene.pool)
            ),
            "The app's network is out of date: Sync Network in the app's VNET Integration.",
        );
    }
    if is_rfc1918(ip) {
        Finding::pass(format!(
            "{ip} is a private (RFC 1918) address; the P2S pool is not in the snapshot"
        ))
    } else {
        Finding::fail(
            format!("{ip} is not inside RFC 1918"),
            "Move the gateway's P2S pool inside RFC 1918, then Sync Network.",
        )
    }
}

pub(super) fn plan_tier(scene: &Scene<'_>) -> Finding {
    let Some(plan) = scene.plan else {
        return Finding::skip(
            scene.lacking("the snapshot has no App Service plan (Microsoft.Web/serverfarms)"),
        );
    };
    let tier = plan
        .sku
        .as_ref()
        .and_then(|s| s.tier.clone())
        .unwrap_or_default();
    match tier.to_ascii_lowercase().as_str() {
        "" => Finding::skip(SkipReason::missing(format!(
            "plan {} has no sku.tier",
            plan.name
        ))),
        "free" | "shared" | "dynamic" => Finding::fail(
            format!("plan {} is {tier}: it has no VNET Integration", plan.name),
            "Scale the plan up to Standard, Premium or Isolated.",
        ),
        "basic" => Finding::warn(
            format!(
                "plan {} is Basic: gateway-required VNET Integration needs Standard or above",
                plan.name
            ),
            "Scale the plan up to Standard or Premium for gateway-required VNET Integration.",
        ),
        _ => Finding::pass(format!("plan {} is {tier}", plan.name)),
    }
}

pub(super) fn plan_vnet_limit(scene: &Scene<'_>) -> Finding {
    let (Some(snapshot), Some(plan)) = (scene.snapshot, scene.plan) else {
        return Finding::skip(scene.lacking("the snapshot has no App Service plan"));
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
        Finding::fail(
            format!(
                "plan {} is integrated with {} VNETs",
                plan.name,
                vnets.len()
            ),
            "Remove VNET connections until the plan uses at most 5 VNETs, or move apps to another plan.",
        )
    } else {
        Finding::pass(format!(
            "plan {} is integrated with {} VNET(s) in the snapshot",
            plan.name,
            vnets.len()
        ))
    }
}

pub(super) fn app_single_vnet(scene: &Scene<'_>) -> Finding {
    if scene.snapshot.is_none() {
        return Finding::skip(SkipReason::NoSnapshot);
    }
    match scene.gateway_connections.len() {
        0 if scene.regional => Finding::pass("the app uses regional VNET Integration (no gateway)"),
        0 => Finding::skip(SkipReason::missing(
            "the snapshot has no VNET connection of the app (Microsoft.Web/sites/virtualNetworkConnections)",
        )),
        1 => Finding::pass(format!(
            "one connection: {}",
            scene.gateway_connections[0].name
        )),
        n => Finding::fail(
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

pub(super) fn vnet_same_subscription(scene: &Scene<'_>) -> Finding {
    let (Some(vnet), Some(plan)) = (scene.vnet, scene.plan) else {
        return Finding::skip(scene.lacking("the snapshot lacks the VNET or the plan"));
    };
    match (subscription_of(&vnet.id), subscription_of(&plan.id)) {
        (Some(a), Some(b)) if a.eq_ignore_ascii_case(b) => {
            Finding::pass(format!("both in subscription {a}"))
        }
        (Some(a), Some(b)) => Finding::fail(
            format!(
                "VNET {} is in subscription {a}, plan {} in {b}",
                vnet.name, plan.name
            ),
            "Gateway-required VNET Integration needs the VNET in the plan's subscription: integrate with a VNET there, peered to this one.",
        ),
        _ => Finding::skip(SkipReason::missing(
            "the VNET's or the plan's id has no subscription",
        )),
    }
}

pub(super) fn vnet_location(scene: &Scene<'_>) -> Finding {
    let (Some(vnet), Some(plan)) = (scene.vnet, scene.plan) else {
        return Finding::skip(scene.lacking("the snapshot lacks the VNET or the plan"));
    };
    let region = |s: &str| s.to_ascii_lowercase().replace(' ', "");
    if vnet.location.is_empty() || plan.location.is_empty() {
        return Finding::skip(SkipReason::missing(
            "the VNET's or the plan's location is missing",
        ));
    }
    if region(&vnet.location) == region(&plan.location) {
        Finding::pass(format!("both in {}", plan.location))
    } else {
        Finding::warn(
            format!(
                "VNET {} is in {}, plan {} in {}: every packet crosses regions",
                vnet.name, vnet.location, plan.name, plan.location
            ),
            "Expect added latency; for latency-sensitive traffic use a VNET in the plan's region.",
        )
    }
}
