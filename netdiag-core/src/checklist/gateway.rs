//! Stage 3 for gateway-required integration: the VNET gateway (present, VPN, route-based,
//! point-to-site, up), the app's certificate among its roots, and the app's copy of the
//! network (routes, DNS) in sync with the VNET.

use ipnet::IpNet;
use serde_json::json;

use super::registry::{Finding, SkipReason};
use super::scene::{Scene, nets, route_set};
use crate::certs::{normalise_thumbprint, thumbprint};
use crate::ranges::RangeSet;

pub(super) fn gateway_present(scene: &Scene<'_>) -> Finding {
    if scene.snapshot.is_none() {
        return Finding::skip(SkipReason::NoSnapshot);
    }
    let Some(vnet) = scene.vnet else {
        return Finding::skip(SkipReason::missing("the snapshot has no VNET for the app"));
    };
    match scene.gateway {
        Some(gateway) => Finding::pass(format!("gateway {} in VNET {}", gateway.name, vnet.name)),
        None => Finding::fail(
            format!(
                "no gateway of the snapshot sits in VNET {}'s GatewaySubnet",
                vnet.name
            ),
            "Create a route-based VPN gateway with point-to-site in the VNET, or export it too if it exists.",
        ),
    }
}

pub(super) fn gateway_type(scene: &Scene<'_>) -> Finding {
    if scene.snapshot.is_none() {
        return Finding::skip(SkipReason::NoSnapshot);
    }
    if scene.gateways.is_empty() {
        return Finding::skip(SkipReason::missing("no gateway in the snapshot"));
    }
    let er: Vec<&str> = scene
        .gateways
        .iter()
        .filter(|g| g.is_expressroute())
        .map(|g| g.name.as_str())
        .collect();
    if er.is_empty() {
        Finding::pass("VPN gateway")
    } else {
        Finding::fail(
            format!(
                "ExpressRoute gateway {} in the VNET: gateway-required VNET Integration works only with a VPN gateway, not with ExpressRoute or coexisting with it",
                er.join(", ")
            ),
            "Integrate with a VNET that has a VPN gateway only (peered to this one), or use regional VNET Integration.",
        )
    }
}

pub(super) fn gateway_routing(scene: &Scene<'_>) -> Finding {
    if scene.snapshot.is_none() {
        return Finding::skip(SkipReason::NoSnapshot);
    }
    let Some(gateway) = scene.gateway else {
        return Finding::skip(SkipReason::missing("no gateway in the snapshot"));
    };
    match gateway.vpn_type.as_deref() {
        Some(t) if t.eq_ignore_ascii_case("PolicyBased") => Finding::fail(
            format!(
                "gateway {} is PolicyBased (static routing): it has no point-to-site",
                gateway.name
            ),
            "Replace it with a RouteBased VPN gateway.",
        ),
        Some(t) => Finding::pass(format!("gateway {} is {t}", gateway.name)),
        None => Finding::skip(SkipReason::missing(format!(
            "gateway {} has no vpnType",
            gateway.name
        ))),
    }
}

pub(super) fn gateway_p2s(scene: &Scene<'_>) -> Finding {
    if scene.snapshot.is_none() {
        return Finding::skip(SkipReason::NoSnapshot);
    }
    let Some(gateway) = scene.gateway else {
        return Finding::skip(SkipReason::missing("no gateway in the snapshot"));
    };
    if scene.pool.is_empty() {
        Finding::fail(
            format!("gateway {} has no point-to-site address pool", gateway.name),
            "Configure point-to-site on the gateway (an address pool inside RFC 1918, SSTP or IKEv2), then Sync Network.",
        )
    } else {
        Finding::pass(format!("P2S pool {}", nets(&scene.pool)))
    }
}

pub(super) fn gateway_status(scene: &Scene<'_>) -> Finding {
    if scene.snapshot.is_none() {
        return Finding::skip(SkipReason::NoSnapshot);
    }
    let (Some(gateway), Some(snapshot)) = (scene.gateway, scene.snapshot) else {
        return Finding::skip(SkipReason::missing("no gateway in the snapshot"));
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
        Finding::pass(format!(
            "gateway {} provisioned; its connections are Connected",
            gateway.name
        ))
    } else {
        Finding::fail(
            problems.join("; "),
            "Check the gateway's health in the portal (Resource health), reset it if it is stuck, and the remote side of each connection.",
        )
    }
}

pub(super) fn certs_in_sync(scene: &Scene<'_>) -> Finding {
    if scene.snapshot.is_none() {
        return Finding::skip(SkipReason::NoSnapshot);
    }
    let (Some(connection), Some(gateway)) = (scene.connection, scene.gateway) else {
        return Finding::skip(SkipReason::missing(
            "the snapshot lacks the app's VNET connection or the gateway",
        ));
    };
    let app = match (&connection.cert_thumbprint, &connection.cert_blob) {
        (Some(thumb), _) if !thumb.trim().is_empty() => normalise_thumbprint(thumb),
        (_, Some(blob)) => match thumbprint(blob) {
            Ok(thumb) => thumb,
            Err(why) => {
                return Finding::fail(
                    format!("the app's certBlob cannot be read: {why}"),
                    "Sync Network to renew the app's certificate.",
                );
            }
        },
        _ => {
            return Finding::skip(SkipReason::missing(
                "the VNET connection has neither certThumbprint nor certBlob",
            ));
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
        Finding::pass(format!(
            "app certificate {app} is a root certificate of gateway {}",
            gateway.name
        ))
    } else {
        Finding::fail(
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

pub(super) fn network_in_sync(scene: &Scene<'_>) -> Finding {
    if scene.snapshot.is_none() {
        return Finding::skip(SkipReason::NoSnapshot);
    }
    let (Some(connection), Some(vnet)) = (scene.connection, scene.vnet) else {
        return Finding::skip(SkipReason::missing(
            "the snapshot lacks the app's VNET connection or its VNET",
        ));
    };
    let mut drift = Vec::new();
    if connection.resync_required == Some(true) {
        drift.push("the connection says resyncRequired".to_owned());
    }
    let routed = route_set(connection);
    let expected = scene.labelled_spaces(&format!("VNET {}", vnet.name));
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
        Finding::pass("the app's routes cover the VNET's spaces and its DNS servers match")
    } else {
        Finding::fail(
            drift.join("; "),
            "Press Sync Network in the plan's Networking > VNET Integration (it restarts the apps' network), then run again.",
        )
    }
}
