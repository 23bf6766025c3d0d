//! Stage 3 for gateway-required integration: the VNET gateway (present, VPN, route-based,
//! point-to-site with SSTP and certificates, up, its subnet clean), the feature's
//! retirement, the app's certificate among the gateway's roots and still valid, and the
//! app's copy of the network (routes, DNS) in sync with the VNET.

use std::time::Duration;

use ipnet::IpNet;

use super::scene::{Scene, export, nets, route_set, target_onprem};
use super::vocab::{CertificateDetails, Details, Finding, Mode, SkipReason, or_skip};
use crate::certs::{normalise_thumbprint, not_after, thumbprint};
use crate::ranges::RangeSet;
use crate::snapshot::{AddressPrefix, Gateway, describe_id, same_id};

/// The gateway checks need the gateway: without it they say which export brings it.
fn gateway_or_skip<'a>(scene: &Scene<'a>) -> Result<&'a Gateway, SkipReason> {
    if scene.snapshot.is_none() {
        return Err(SkipReason::NoSnapshot);
    }
    scene.gateway.ok_or_else(|| {
        SkipReason::missing_resource(
            "no gateway of the app's VNET in the snapshot",
            export::GATEWAY,
        )
    })
}

pub(super) fn gateway_present(scene: &Scene<'_>) -> Finding {
    if scene.snapshot.is_none() {
        return Finding::skip(SkipReason::NoSnapshot);
    }
    if scene.mode != Mode::Gateway {
        return Finding::skip(SkipReason::missing_resource(
            "the snapshot has no gateway-based VNET connection of the app",
            export::VNET_CONNECTIONS,
        ));
    }
    let Some(vnet) = scene.vnet else {
        return Finding::skip(scene.no_vnet(""));
    };
    match scene.gateway {
        Some(gateway) => Finding::pass(format!("gateway {} in VNET {}", gateway.name, vnet.name)),
        None => Finding::fail(
            format!(
                "no gateway of the snapshot sits in VNET {}'s GatewaySubnet",
                vnet.name
            ),
            format!(
                "Create a route-based VPN gateway with point-to-site in the VNET; if it exists, export it too: {}",
                export::GATEWAY
            ),
        ),
    }
}

pub(super) fn gateway_type(scene: &Scene<'_>) -> Finding {
    if let Err(why) = gateway_or_skip(scene) {
        return Finding::skip(why);
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
    let gateway = or_skip!(gateway_or_skip(scene));
    match gateway.vpn_type.as_deref() {
        Some(t) if t.eq_ignore_ascii_case("PolicyBased") => Finding::fail(
            format!(
                "gateway {} is PolicyBased (static routing): it has no point-to-site",
                gateway.name
            ),
            "Replace it with a RouteBased VPN gateway.",
        ),
        Some(t) => Finding::pass(format!("gateway {} is {t}", gateway.name)),
        None => Finding::skip(SkipReason::missing_resource(
            format!("gateway {} has no vpnType", gateway.name),
            export::GATEWAY,
        )),
    }
}

pub(super) fn gateway_p2s(scene: &Scene<'_>) -> Finding {
    let gateway = or_skip!(gateway_or_skip(scene));
    if scene.pool.is_empty() {
        Finding::fail(
            format!("gateway {} has no point-to-site address pool", gateway.name),
            "Configure point-to-site on the gateway: an address pool inside RFC 1918, tunnel type SSTP, certificate authentication; then Sync Network.",
        )
    } else {
        Finding::pass(format!("P2S pool {}", nets(&scene.pool)))
    }
}

pub(super) fn gateway_p2s_protocols(scene: &Scene<'_>) -> Finding {
    let gateway = or_skip!(gateway_or_skip(scene));
    let Some(config) = &gateway.vpn_client_configuration else {
        return Finding::skip(SkipReason::not_applicable(format!(
            "gateway {} has no point-to-site configuration (see gateway.p2s)",
            gateway.name
        )));
    };
    let protocols = &config.vpn_client_protocols;
    if protocols.is_empty() {
        return Finding::skip(SkipReason::missing_resource(
            format!(
                "gateway {}'s vpnClientProtocols are not in the snapshot",
                gateway.name
            ),
            export::GATEWAY,
        ));
    }
    let has = |name: &str| protocols.iter().any(|p| p.eq_ignore_ascii_case(name));
    let sku = gateway.sku_name().unwrap_or("an unknown SKU");
    let basic = sku.eq_ignore_ascii_case("Basic");
    let listed = protocols.join(", ");
    if !has("SSTP") {
        return Finding::fail(
            format!(
                "gateway {} offers {listed} for point-to-site: the app's VPN client speaks SSTP only",
                gateway.name
            ),
            "Enable SSTP in the gateway's point-to-site configuration (alone, on any SKU but Basic), then Sync Network.",
        );
    }
    if has("IkeV2") && !basic {
        return Finding::fail(
            format!(
                "gateway {} ({sku}) offers {listed}: with IKEv2 beside SSTP, App Service cannot connect on any SKU but Basic",
                gateway.name
            ),
            "Set the gateway's point-to-site tunnel type to SSTP only, then Sync Network.",
        );
    }
    Finding::pass(format!("gateway {} ({sku}) offers {listed}", gateway.name))
}

pub(super) fn gateway_p2s_auth(scene: &Scene<'_>) -> Finding {
    let gateway = or_skip!(gateway_or_skip(scene));
    let types = gateway
        .vpn_client_configuration
        .as_ref()
        .and_then(|c| c.vpn_authentication_types.as_ref());
    match types {
        None => Finding::pass(format!(
            "gateway {} uses certificate authentication (no vpnAuthenticationTypes: the default)",
            gateway.name
        )),
        Some(types) if types.iter().any(|t| t.eq_ignore_ascii_case("Certificate")) => {
            Finding::pass(format!(
                "gateway {} accepts {}",
                gateway.name,
                types.join(", ")
            ))
        }
        Some(types) => Finding::fail(
            format!(
                "gateway {} accepts only {} for point-to-site: the app authenticates with a certificate",
                gateway.name,
                if types.is_empty() {
                    "nothing".to_owned()
                } else {
                    types.join(", ")
                }
            ),
            "Add Certificate to the gateway's point-to-site authentication types, then Sync Network.",
        ),
    }
}

pub(super) fn gateway_status(scene: &Scene<'_>) -> Finding {
    let gateway = or_skip!(gateway_or_skip(scene));
    if let Some(state) = gateway
        .provisioning_state
        .as_deref()
        .filter(|s| !s.eq_ignore_ascii_case("Succeeded"))
    {
        return Finding::fail(
            format!("gateway {} is {state}", gateway.name),
            "Check the gateway's health in the portal (Resource health) and reset it if it is stuck.",
        );
    }
    // A connection the target is behind is onprem.s2s-connected's to judge.
    let behind = target_onprem(scene).map(|(local, _)| local.id.as_str());
    let mut down = Vec::new();
    let mut unknown = Vec::new();
    for connection in scene
        .snapshot
        .into_iter()
        .flat_map(|s| s.connections_of_gateway(&gateway.id))
        .filter(|c| {
            !c.local_network_gateway2
                .as_ref()
                .is_some_and(|l| behind.is_some_and(|b| same_id(&l.id, b)))
        })
    {
        match connection.connection_status.as_deref() {
            Some(status) if status.eq_ignore_ascii_case("Connected") => {}
            Some(status) => down.push(format!("connection {} is {status}", connection.name)),
            None => unknown.push(connection.name.as_str()),
        }
    }
    if down.is_empty() && unknown.is_empty() {
        return Finding::pass(format!(
            "gateway {} provisioned; its connections are Connected",
            gateway.name
        ));
    }
    let mut problems = down;
    if !unknown.is_empty() {
        // Unknown is never Connected: `list` exports leave the status out.
        problems.push(format!(
            "the status of {} is unknown (list exports leave it out)",
            unknown.join(", ")
        ));
    }
    let mut remedy = "Check the remote side of each connection that is not Connected (shared key, IKE settings, the on-premises device); targets behind it are unreachable meanwhile.".to_owned();
    if let Some(first) = unknown.first() {
        remedy = format!(
            "{}Export each connection with its status: az network vpn-connection show -g RG -n {first} > connection-{first}.json",
            if problems.len() > 1 {
                format!("{remedy} ")
            } else {
                String::new()
            }
        );
    }
    // A site-to-site link that is down hurts only targets behind it (onprem.s2s-connected).
    Finding::warn(
        format!(
            "gateway {} provisioned, but {}",
            gateway.name,
            problems.join("; ")
        ),
        remedy,
    )
}

pub(super) fn gateway_subnet(scene: &Scene<'_>) -> Finding {
    if let Err(why) = gateway_or_skip(scene) {
        return Finding::skip(why);
    }
    let (Some(snapshot), Some(vnet)) = (scene.snapshot, scene.vnet) else {
        return Finding::skip(scene.no_vnet(""));
    };
    let vnet_prefix = format!("{}/subnets/", vnet.id.to_ascii_lowercase());
    let Some(subnet) = snapshot.all_subnets().find(|s| {
        s.name.eq_ignore_ascii_case("GatewaySubnet")
            && s.id.to_ascii_lowercase().starts_with(&vnet_prefix)
    }) else {
        return Finding::skip(SkipReason::missing_resource(
            format!("VNET {}'s GatewaySubnet is not in the snapshot", vnet.name),
            export::VNET,
        ));
    };
    let mut failures = Vec::new();
    if let Some(reference) = &subnet.route_table {
        let Some(table) = snapshot.route_table(&reference.id) else {
            return Finding::skip(
                SkipReason::missing_resource(
                    format!(
                        "the GatewaySubnet's route table {} is not in the snapshot",
                        reference.id
                    ),
                    export::ROUTE_TABLE,
                )
                .with_id(&reference.id),
            );
        };
        if table.disable_bgp_route_propagation == Some(true) {
            failures.push(format!(
                "route table {} on the GatewaySubnet disables gateway route propagation",
                table.name
            ));
        }
        for route in &table.routes {
            if matches!(route.address_prefix, AddressPrefix::Net(net) if net.prefix_len() == 0) {
                failures.push(format!(
                    "route table {} sends 0.0.0.0/0 from the GatewaySubnet to {} (route {})",
                    table.name, route.next_hop_type, route.name
                ));
            }
        }
    }
    if !failures.is_empty() {
        return Finding::fail(
            failures.join("; "),
            "Remove the route table from the GatewaySubnet (or its 0.0.0.0/0 route, and enable route propagation): the gateway must reach the internet and learn its routes.",
        );
    }
    match &subnet.network_security_group {
        Some(nsg) => Finding::warn(
            format!(
                "the GatewaySubnet has an NSG ({}): Azure does not support NSGs there",
                describe_id(&nsg.id)
            ),
            "Remove the NSG from the GatewaySubnet: it can stop the gateway from working.",
        ),
        None => {
            Finding::pass("the GatewaySubnet has no NSG and no route table that diverts traffic")
        }
    }
}

pub(super) fn gateway_retirement(scene: &Scene<'_>) -> Finding {
    if scene.snapshot.is_none() {
        return Finding::skip(SkipReason::NoSnapshot);
    }
    if scene.mode != Mode::Gateway {
        return Finding::skip(SkipReason::missing_resource(
            "the snapshot has no gateway-based VNET connection of the app",
            export::VNET_CONNECTIONS,
        ));
    }
    Finding::warn(
        "gateway-required VNET Integration is retiring on 31 March 2027, and SSTP can no longer be enabled on new gateways",
        "Move the app to regional VNET Integration: a subnet of the VNET (/28 or larger) delegated to Microsoft.Web/serverFarms; no gateway, certificates or Sync Network.",
    )
}

pub(super) fn certs_in_sync(scene: &Scene<'_>) -> Finding {
    if scene.snapshot.is_none() {
        return Finding::skip(SkipReason::NoSnapshot);
    }
    let (Some(connection), Some(gateway)) = (scene.connection, scene.gateway) else {
        return Finding::skip(SkipReason::missing_resource(
            "the snapshot lacks the app's VNET connection or the gateway",
            export::VNET_CONNECTIONS,
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
            return Finding::skip(SkipReason::missing_resource(
                "the VNET connection has neither certThumbprint nor certBlob",
                export::VNET_CONNECTIONS,
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
    result.details = Some(Details::Certificates(CertificateDetails {
        app_thumbprint: app,
        gateway_root_certificates: gateway_thumbs,
    }));
    result
}

const PRUNE: &str = "Remove root certificates of apps that no longer use the gateway.";
const SYNC: &str = "Press Sync Network in the plan's Networking > VNET Integration (it restarts the apps' network), then run again.";
const ADD_ROUTE: &str = "Add a route for each peered address space in the plan's Networking > VNET Integration page (Sync Network does not add peered spaces).";

/// A certificate that expires within this long warns.
const EXPIRY_WARNING: Duration = Duration::from_secs(30 * 24 * 3600);
/// The gateway holds at most this many point-to-site root certificates.
const MAX_ROOT_CERTIFICATES: usize = 20;

pub(super) fn certs_valid(scene: &Scene<'_>) -> Finding {
    let gateway = or_skip!(gateway_or_skip(scene));
    let roots = gateway
        .vpn_client_configuration
        .as_ref()
        .map_or(0, |c| c.vpn_client_root_certificates.len());
    let full = (roots >= MAX_ROOT_CERTIFICATES).then(|| {
        format!(
            "gateway {} holds {roots} root certificates, the limit: the next app's Sync Network cannot add its own",
            gateway.name
        )
    });
    let Some(blob) = scene.connection.and_then(|c| c.cert_blob.as_deref()) else {
        return match full {
            Some(full) => Finding::warn(full, PRUNE),
            None => Finding::skip(SkipReason::missing_resource(
                "the app's VNET connection has no certBlob: its certificate's dates are unknown",
                export::VNET_CONNECTIONS,
            )),
        };
    };
    let expires = match not_after(blob) {
        Ok(expires) => expires,
        Err(why) => {
            return Finding::fail(
                format!("the app's certBlob cannot be read: {why}"),
                "Sync Network to renew the app's certificate.",
            );
        }
    };
    let now = scene.inputs.now;
    let date = humantime::format_rfc3339_seconds(expires);
    if expires <= now {
        return Finding::fail(
            format!(
                "the app's certificate expired on {date}: the point-to-site tunnel cannot authenticate"
            ),
            "Sync Network in the app's VNET Integration: it issues a new certificate and uploads it to the gateway.",
        );
    }
    let left = expires.duration_since(now).unwrap_or_default();
    if left <= EXPIRY_WARNING {
        return Finding::warn(
            format!(
                "the app's certificate expires on {date}, in {} days",
                left.as_secs() / 86_400
            ),
            "Sync Network in the app's VNET Integration before then: it renews the certificate.",
        );
    }
    match full {
        Some(full) => Finding::warn(
            format!("the app's certificate is valid until {date}; but {full}"),
            PRUNE,
        ),
        None => Finding::pass(format!("the app's certificate is valid until {date}")),
    }
}

pub(super) fn network_in_sync(scene: &Scene<'_>) -> Finding {
    if scene.snapshot.is_none() {
        return Finding::skip(SkipReason::NoSnapshot);
    }
    let (Some(connection), Some(vnet)) = (scene.connection, scene.vnet) else {
        return Finding::skip(SkipReason::missing_resource(
            "the snapshot lacks the app's VNET connection or its VNET",
            export::VNET_CONNECTIONS,
        ));
    };
    let mut drift = Vec::new();
    if connection.resync_required == Some(true) {
        drift.push("the connection says resyncRequired".to_owned());
    }
    let routed = route_set(connection);
    let missing = |spaces: Vec<(String, IpNet)>| -> Vec<String> {
        spaces
            .into_iter()
            .filter(|(_, net)| match net {
                IpNet::V4(v4) => !RangeSet::from_nets([v4]).subtract(&routed).is_empty(),
                IpNet::V6(_) => false,
            })
            .map(|(origin, net)| format!("{origin} space {net} is not in the app's routes"))
            .collect()
    };
    let mut unrouted_peerings = Vec::new();
    if !connection.routes.is_empty() {
        let own = scene
            .vnet_spaces()
            .into_iter()
            .map(|n| (format!("VNET {}", vnet.name), n));
        let onprem = scene
            .onprem_spaces()
            .into_iter()
            .map(|(l, n)| (format!("on-premises {l}"), n));
        drift.extend(missing(own.chain(onprem).collect()));
        // Sync Network copies the VNET's own routes; a peered VNET's space needs a route of
        // its own in the plan's VNET Integration.
        unrouted_peerings = missing(
            scene
                .peered_spaces()
                .into_iter()
                .map(|(p, n)| (format!("peering {p}"), n))
                .collect(),
        );
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
    match (drift.is_empty(), unrouted_peerings.is_empty()) {
        (true, true) => {
            Finding::pass("the app's routes cover the VNET's spaces and its DNS servers match")
        }
        (false, true) => Finding::fail(drift.join("; "), SYNC),
        (true, false) => Finding::fail(unrouted_peerings.join("; "), ADD_ROUTE),
        (false, false) => Finding::fail(
            format!("{}; {}", drift.join("; "), unrouted_peerings.join("; ")),
            format!("{SYNC} {ADD_ROUTE}"),
        ),
    }
}
