//! Stage 2, the app and its plan: DNS servers for the VNET, what kind of app it is, its
//! private address, the plan's tier and VNET count, one connection per app, subscription
//! and region.

use std::collections::BTreeSet;
use std::net::Ipv4Addr;

use super::scene::{Scene, export, is_rfc1918, nets};
use super::vocab::{Finding, Mode, SkipReason};
use crate::dns::ServerSource;
use crate::settings::WEBSITE_PRIVATE_IP;
use crate::snapshot::{Site, subscription_of};

pub(super) fn dns_configured(scene: &Scene<'_>) -> Finding {
    let inputs = scene.inputs;
    if inputs.target.name.is_none() {
        return Finding::skip(SkipReason::not_applicable(format!(
            "does not apply: {} is an IP address, no name is resolved",
            inputs.target.host
        )));
    }
    let config = inputs.dns_config.or(inputs.dns.map(|(c, _)| c));
    let configured_by_setting = config.and_then(|c| c.servers.first()).filter(|s| {
        matches!(
            s.source,
            ServerSource::WebsiteDnsServer
                | ServerSource::Argument
                | ServerSource::DnsConfiguration
        )
    });
    if let (Some(_), Some(config)) = (configured_by_setting, config) {
        // Every server the app asks, each with where it came from (an alternate server
        // is configured too).
        let servers: Vec<String> = config
            .servers
            .iter()
            .map(|s| format!("{} from {}", s.address, s.source))
            .collect();
        return Finding::pass(servers.join(", "));
    }
    let Some(vnet) = scene.vnet else {
        return Finding::skip(scene.no_vnet(""));
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
    Finding::warn(
        format!(
            "VNET {} has no custom DNS servers and WEBSITE_DNS_SERVER is not set: the app asks Azure DNS (168.63.129.16), which resolves public names and private DNS zones linked to the VNET, but no other private name (on-premises, custom zones)",
            vnet.name
        ),
        // "Sync Network" is gateway-required integration's; a regional app takes the
        // VNET's DNS servers when it restarts.
        match scene.mode {
            Mode::Gateway => "If the app needs such names: set the VNET's DNS servers (then Sync Network in the app's VNET Integration), or set WEBSITE_DNS_SERVER on the app.",
            _ => "If the app needs such names: set the VNET's DNS servers (then restart the app so that it takes them), or set WEBSITE_DNS_SERVER on the app.",
        },
    )
    .changing_dns()
}

/// Plan tiers that cannot use gateway-required integration (elastic and consumption).
const NOT_DEDICATED: [&str; 3] = ["elasticpremium", "dynamic", "flexconsumption"];

pub(super) fn app_platform(scene: &Scene<'_>) -> Finding {
    if scene.site.is_none() && scene.plan.is_none() {
        return Finding::skip(scene.lacking(
            "the snapshot has neither the app (Microsoft.Web/sites) nor its plan",
            export::SITE,
        ));
    }
    let mut problems = Vec::new();
    if let Some(site) = scene.site
        && let Some(kind) = site.not_a_windows_code_app()
    {
        problems.push(format!("{} is {kind}", site.name));
    }
    if let Some(plan) = scene.plan
        && let Some(tier) = plan.tier()
        && NOT_DEDICATED.contains(&tier.to_ascii_lowercase().as_str())
    {
        problems.push(format!(
            "plan {} is {tier}, not a dedicated plan",
            plan.name
        ));
    }
    if problems.is_empty() {
        let what = match (scene.site, scene.plan.and_then(|p| p.tier())) {
            (Some(site), Some(tier)) => {
                format!("{} is a Windows code app on a {tier} plan", site.name)
            }
            (Some(site), None) => format!("{} is a Windows code app", site.name),
            (None, Some(tier)) => format!("the plan is {tier}"),
            (None, None) => "nothing speaks against it".to_owned(),
        };
        return Finding::pass(what);
    }
    Finding::fail(
        format!(
            "{}: gateway-required VNET Integration supports Windows code apps on dedicated plans only",
            problems.join("; ")
        ),
        "Use regional VNET Integration (a subnet delegated to Microsoft.Web/serverFarms): it supports Linux apps, containers and Elastic Premium plans.",
    )
}

pub(super) fn app_private_ip(scene: &Scene<'_>) -> Finding {
    let inputs = scene.inputs;
    if !inputs.settings.in_app_service() {
        let why = if inputs.settings.set_aside().is_empty() {
            "not running inside an App Service app (WEBSITE_SITE_NAME is not set)".to_owned()
        } else {
            format!(
                "not running inside {}: this machine's own WEBSITE_* settings were set aside",
                scene.site.map_or_else(
                    || "the snapshot's app".to_owned(),
                    |s| format!("app {}", s.name)
                )
            )
        };
        return Finding::skip(SkipReason::needs(
            why,
            "Run the tool in the app's own console (Kudu or SSH) to check the address the app has.",
        ));
    }
    let Some(value) = inputs.settings.get(WEBSITE_PRIVATE_IP) else {
        return Finding::fail(
            "WEBSITE_PRIVATE_IP is not set: the app has no VNET address, the integration is not connected",
            match scene.mode {
                Mode::Regional => {
                    "Disconnect and reconnect the app's VNET Integration, and check that its integration subnet is delegated to Microsoft.Web/serverFarms and has free addresses."
                }
                Mode::Gateway => {
                    "Disconnect and reconnect VNET Integration, or Sync Network; check the gateway's point-to-site configuration."
                }
                Mode::None | Mode::Unknown => {
                    "Disconnect and reconnect the app's VNET Integration, and check its integration subnet (for gateway-required integration: its point-to-site pool)."
                }
            },
        );
    };
    let Ok(ip) = value.parse::<Ipv4Addr>() else {
        return Finding::fail(
            format!("WEBSITE_PRIVATE_IP='{value}' is not an IPv4 address"),
            "Reconnect VNET Integration.",
        );
    };
    let (range, name) = scene.source_range();
    if !range.is_empty() {
        if range.iter().any(|p| p.contains(&ip)) {
            return Finding::pass(format!("{ip} is in the {name} {}", nets(&range)));
        }
        return Finding::fail(
            format!("{ip} is outside the {name} {}", nets(&range)),
            match scene.mode {
                Mode::Regional | Mode::None | Mode::Unknown => {
                    "The app's integration is out of date: disconnect and reconnect VNET Integration."
                }
                Mode::Gateway => {
                    "The app's network is out of date: Sync Network in the app's VNET Integration."
                }
            },
        );
    }
    if is_rfc1918(ip) {
        Finding::pass(format!(
            "{ip} is a private (RFC 1918) address; the {name} is not in the snapshot"
        ))
    } else {
        Finding::fail(
            format!("{ip} is not inside RFC 1918"),
            match scene.mode {
                Mode::Regional => {
                    "Integrate the app with a subnet inside RFC 1918, then reconnect VNET Integration."
                }
                Mode::Gateway => "Move the gateway's P2S pool inside RFC 1918, then Sync Network.",
                Mode::None | Mode::Unknown => {
                    "Move the app's integration subnet (for gateway-required integration: its point-to-site pool) inside RFC 1918, then reconnect VNET Integration."
                }
            },
        )
    }
}

pub(super) fn plan_tier(scene: &Scene<'_>) -> Finding {
    let Some(plan) = scene.plan else {
        return Finding::skip(scene.lacking(
            "the snapshot has no App Service plan (Microsoft.Web/serverfarms)",
            export::PLAN,
        ));
    };
    let Some(tier) = plan.tier() else {
        return Finding::skip(SkipReason::missing_resource(
            format!("plan {} has no sku.tier", plan.name),
            export::PLAN,
        ));
    };
    match tier.to_ascii_lowercase().as_str() {
        "free" | "shared" => Finding::fail(
            format!("plan {} is {tier}: it has no VNET Integration", plan.name),
            "Scale the plan up to Basic, Standard or Premium (a dedicated tier).",
        ),
        "dynamic" if scene.mode != Mode::Gateway => Finding::fail(
            format!(
                "plan {} is {tier} (Consumption): it cannot use VNET Integration",
                plan.name
            ),
            "Move the app to an Elastic Premium, Flex Consumption or dedicated (Basic and up) plan.",
        ),
        _ => Finding::pass(format!("plan {} is {tier}", plan.name)),
    }
}

pub(super) fn plan_vnet_limit(scene: &Scene<'_>) -> Finding {
    let (Some(snapshot), Some(plan)) = (scene.snapshot, scene.plan) else {
        return Finding::skip(scene.lacking("the snapshot has no App Service plan", export::PLAN));
    };
    let sites_in_plan: Vec<&Site> = snapshot
        .sites
        .iter()
        .filter(|s| {
            s.server_farm_id
                .as_deref()
                .is_some_and(|id| id.eq_ignore_ascii_case(&plan.id))
        })
        .collect();
    // Regional connections do not count against the plan's five gateway-based VNETs.
    let mut vnets: BTreeSet<String> = BTreeSet::new();
    for connection in snapshot.connections_of(&plan.id).into_iter().chain(
        sites_in_plan
            .iter()
            .flat_map(|s| snapshot.connections_of(&s.id)),
    ) {
        if connection.is_swift != Some(true)
            && let Some(vnet) = &connection.vnet_resource_id
        {
            vnets.insert(vnet.to_ascii_lowercase());
        }
    }
    if vnets.len() > 5 {
        Finding::fail(
            format!(
                "plan {} is integrated with {} VNETs through gateways",
                plan.name,
                vnets.len()
            ),
            "Remove gateway-based VNET connections until the plan uses at most 5 VNETs, or move apps to another plan.",
        )
    } else {
        Finding::pass(format!(
            "plan {} is integrated with {} gateway-based VNET{} in the snapshot",
            plan.name,
            vnets.len(),
            if vnets.len() == 1 { "" } else { "s" }
        ))
    }
}

pub(super) fn app_single_vnet(scene: &Scene<'_>) -> Finding {
    if scene.snapshot.is_none() {
        return Finding::skip(SkipReason::NoSnapshot);
    }
    let regional: Vec<&str> = scene
        .snapshot
        .into_iter()
        .flat_map(|s| match scene.site {
            Some(site) => s.connections_of(&site.id),
            None => s.vnet_connections.iter().collect(),
        })
        .filter(|c| c.is_swift == Some(true))
        .map(|c| c.name.as_str())
        .collect();
    let (names, mode): (Vec<&str>, &str) = match scene.mode {
        Mode::Regional => (regional, "regional"),
        Mode::Gateway => (
            scene
                .gateway_connections
                .iter()
                .map(|c| c.name.as_str())
                .collect(),
            "gateway-based",
        ),
        Mode::None | Mode::Unknown => {
            return Finding::skip(scene.lacking(
                "the snapshot has no VNET connection of the app (Microsoft.Web/sites/virtualNetworkConnections)",
                export::VNET_CONNECTIONS,
            ));
        }
    };
    match names.as_slice() {
        [] if scene.mode == Mode::Regional => {
            Finding::pass("the app uses regional VNET Integration (its virtualNetworkSubnetId)")
        }
        [] | [_] => Finding::pass(format!(
            "one {mode} connection{}",
            names.first().map_or_else(String::new, |n| format!(": {n}"))
        )),
        _ => Finding::fail(
            format!("{} {mode} connections: {}", names.len(), names.join(", ")),
            "Keep one VNET Integration connection per app; reach other VNETs by peering (or, gateway-required, through the gateway).",
        ),
    }
}

pub(super) fn vnet_same_subscription(scene: &Scene<'_>) -> Finding {
    let (Some(vnet), Some(plan)) = (scene.vnet, scene.plan) else {
        return Finding::skip(scene.plan.map_or_else(
            || scene.lacking("the snapshot lacks the plan", export::PLAN),
            |_| scene.no_vnet(""),
        ));
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
        _ => Finding::skip(SkipReason::missing_resource(
            "the VNET's or the plan's id has no subscription",
            export::VNET,
        )),
    }
}

pub(super) fn vnet_location(scene: &Scene<'_>) -> Finding {
    let (Some(vnet), Some(plan)) = (scene.vnet, scene.plan) else {
        return Finding::skip(scene.plan.map_or_else(
            || scene.lacking("the snapshot lacks the plan", export::PLAN),
            |_| scene.no_vnet(""),
        ));
    };
    let region = |s: &str| s.to_ascii_lowercase().replace(' ', "");
    if vnet.location.is_empty() || plan.location.is_empty() {
        return Finding::skip(SkipReason::missing_resource(
            "the VNET's or the plan's location is missing",
            export::VNET,
        ));
    }
    if region(&vnet.location) == region(&plan.location) {
        return Finding::pass(format!("both in {}", plan.location));
    }
    let evidence = format!(
        "VNET {} is in {}, plan {} in {}",
        vnet.name, vnet.location, plan.name, plan.location
    );
    match scene.mode {
        Mode::Regional => Finding::fail(
            format!("{evidence}: regional VNET Integration needs a VNET in the app's region"),
            "Integrate with a subnet of a VNET in the plan's region, peered to this one if the target lives here.",
        ),
        _ => Finding::warn(
            format!("{evidence}: every packet crosses regions"),
            "Expect added latency; for latency-sensitive traffic use a VNET in the plan's region.",
        ),
    }
}

/// `app.integrated`: an app without VNET Integration sends everything to the internet, so
/// a private target is out of its reach whatever the VNET holds; a private endpoint of the
/// app's own carries traffic to the app, never from it ("Integrate your app with an Azure
/// virtual network", learn.microsoft.com/azure/app-service/overview-vnet-integration;
/// "Using private endpoints for App Service apps",
/// learn.microsoft.com/azure/app-service/overview-private-endpoint).
pub(super) fn app_integrated(scene: &Scene<'_>) -> Finding {
    let Some(snapshot) = scene.snapshot else {
        return Finding::skip(SkipReason::NoSnapshot);
    };
    let Some(site) = scene.site else {
        return Finding::skip(SkipReason::missing_resource(
            "the snapshot does not hold the app (Microsoft.Web/sites)",
            export::SITE,
        ));
    };
    if scene.mode != Mode::None {
        return Finding::pass(format!(
            "app {} has {} ({})",
            site.name,
            scene.mode.describe(),
            scene.mode_reason
        ));
    }
    let host = &scene.inputs.target.host;
    let endpoint_name = scene
        .inputs
        .target
        .name
        .as_deref()
        .and_then(|name| snapshot.private_name(name))
        .is_some();
    let in_vnet = scene.target.and_then(|ip| {
        snapshot.vnets.iter().find(|vnet| {
            vnet.address_space
                .address_prefixes
                .iter()
                .any(|net| net.0.contains(&std::net::IpAddr::V4(ip)))
        })
    });
    let why_private = match (scene.target, in_vnet) {
        _ if endpoint_name => Some("the name of a private endpoint".to_owned()),
        (Some(_), Some(vnet)) => Some(format!("in VNET {}", vnet.name)),
        (Some(ip), None) if is_rfc1918(ip) => Some("a private (RFC 1918) address".to_owned()),
        _ => None,
    };
    let inbound: Vec<&str> = snapshot
        .private_endpoints
        .iter()
        .filter(|pe| {
            pe.service_connection()
                .and_then(|c| c.private_link_service_id.as_deref())
                .is_some_and(|id| crate::snapshot::same_id(id, &site.id))
        })
        .map(|pe| pe.name.as_str())
        .collect();
    let inbound_note = match inbound.as_slice() {
        [] => String::new(),
        names => format!(
            "; its private endpoint {} carries traffic to the app, never from it",
            names.join(", ")
        ),
    };
    match (why_private, scene.target) {
        (Some(why), _) => Finding::fail(
            format!(
                "app {} has no VNET integration, so its traffic to {host} ({why}) goes to the internet and cannot reach it{inbound_note}",
                site.name
            ),
            format!(
                "Integrate the app with a VNET that reaches {host}: az webapp vnet-integration add -g RG -n {} --vnet VNET --subnet SUBNET (an empty subnet of the app's region, delegated to Microsoft.Web/serverFarms).",
                site.name
            ),
        ),
        (None, Some(ip)) => Finding::pass(format!(
            "app {} has no VNET integration: it reaches {ip}, a public address, over the internet{inbound_note}",
            site.name
        )),
        (None, None) => Finding::skip(SkipReason::not_probed(format!(
            "app {} has no VNET integration; whether {host} is private is not known (give its IPv4 address, or let the probe resolve it)",
            site.name
        ))),
    }
}
