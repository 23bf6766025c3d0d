//! Stage 5, the other end of the path and the platform's own traffic: whether the target's
//! Azure service admits the app (`target.public-access`), which public address a target
//! sees (`nat.outbound-ip`), and the platform's traffic the app cannot start or run
//! without: its content share (`platform.content-share`), its container image
//! (`platform.image-pull`) and its Key Vault references (`platform.key-vault-refs`).
//!
//! What a service sees of the app decides its rules: the integration subnet, through a
//! service endpoint on it for that service; else, with Route All and a NAT gateway on the
//! subnet, the NAT gateway's public IPs; else the app's `outboundIpAddresses`. A default
//! route to an appliance hides the address ("Azure NAT Gateway integration",
//! <https://learn.microsoft.com/azure/app-service/overview-nat-gateway-integration>;
//! "Configure virtual network integration routing",
//! <https://learn.microsoft.com/azure/app-service/configure-vnet-integration-routing>).

use std::net::{IpAddr, Ipv4Addr};

use ipnet::IpNet;

use super::scene::Scene;
use super::vocab::{Finding, Mode, SkipReason};
use crate::settings::{WEBSITE_CONTENTOVERVNET, WEBSITE_PULL_IMAGE_OVER_VNET};
use crate::snapshot::targets::{Gate, ServiceKind};
use crate::snapshot::{AddressPrefix, Snapshot, describe_id, resource_group_of, services};

/// The export that brings a service's own resource.
const SERVICE_EXPORT: &str = "az storage account show -g RG -n NAME > storage.json (az sql server show, az sql server firewall-rule list, az keyvault show, az cosmosdb show, az acr show likewise)";

/// What the service sees of the app.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Seen {
    /// The integration subnet, through a service endpoint for the service.
    Subnet { id: String, name: String },
    /// Public addresses: the NAT gateway's, or the app's outbound ones.
    Addresses { ips: Vec<IpAddr>, what: String },
    /// A default route to an appliance: its public address is not in the snapshot.
    Hidden { appliance: String },
    /// Nothing in the snapshot says (no outbound IPs on the site).
    Unknown,
}

impl Seen {
    fn describe(&self) -> String {
        match self {
            Self::Subnet { name, .. } => {
                format!("the integration subnet {name} (through its service endpoint)")
            }
            Self::Addresses { ips, what } => format!("{what} {}", join(ips)),
            Self::Hidden { appliance } => format!(
                "the public address of the appliance {appliance} (a default route sends the app's traffic there)"
            ),
            Self::Unknown => "an address the snapshot does not show".to_owned(),
        }
    }
}

/// A private (RFC 1918, or IPv6 unique-local) address: reached inside a VNET.
fn is_private_address(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => crate::ranges::is_private(v4),
        IpAddr::V6(v6) => (v6.segments()[0] & 0xfe00) == 0xfc00,
    }
}

fn join<T: ToString>(items: &[T]) -> String {
    items
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The integration subnet's UDR that wins for `target` (longest prefix) when it sends the
/// traffic to an appliance: its next hop.
fn appliance_for(scene: &Scene<'_>, target: Option<Ipv4Addr>) -> Option<String> {
    let subnet = scene.integration_subnet()?;
    let table = scene
        .snapshot?
        .route_table(&subnet.route_table.as_ref()?.id)?;
    let target = target.unwrap_or(Ipv4Addr::new(20, 0, 0, 1));
    table
        .routes
        .iter()
        .filter_map(|r| match &r.address_prefix {
            AddressPrefix::Net(IpNet::V4(net)) if net.contains(&target) => {
                Some((net.prefix_len(), r))
            }
            _ => None,
        })
        .max_by_key(|(len, _)| *len)
        .map(|(_, r)| r)
        .filter(|r| r.next_hop_type.eq_ignore_ascii_case("VirtualAppliance"))
        .map(|r| {
            r.next_hop_ip_address
                .clone()
                .unwrap_or_else(|| r.name.clone())
        })
}

/// The public addresses the internet sees from the app (no service endpoint involved).
fn public_source(scene: &Scene<'_>, target: Option<Ipv4Addr>) -> Seen {
    if scene.mode == Mode::Regional && scene.route_all.is_some() {
        if let Some(appliance) = appliance_for(scene, target) {
            return Seen::Hidden { appliance };
        }
        let snapshot = scene.snapshot;
        let nat = scene
            .integration_subnet()
            .and_then(|s| s.nat_gateway.as_ref())
            .and_then(|n| {
                snapshot?
                    .nat_gateways
                    .iter()
                    .find(|g| crate::snapshot::same_id(&g.id, &n.id))
            });
        if let (Some(nat), Some(snapshot)) = (nat, snapshot) {
            let ips: Vec<IpAddr> = nat
                .public_ip_addresses
                .iter()
                .filter_map(|r| {
                    snapshot
                        .public_ips
                        .iter()
                        .find(|p| crate::snapshot::same_id(&p.id, &r.id))
                        .and_then(|p| p.ip_address)
                })
                .collect();
            if !ips.is_empty() {
                return Seen::Addresses {
                    ips,
                    what: format!("NAT gateway {}'s public IPs", nat.name),
                };
            }
        }
    }
    let ips = scene
        .site
        .map(crate::snapshot::Site::outbound_ips)
        .unwrap_or_default();
    if ips.is_empty() {
        Seen::Unknown
    } else {
        Seen::Addresses {
            ips,
            what: "the app's outbound IPs (outboundIpAddresses)".to_owned(),
        }
    }
}

/// What `gate` sees of the app: the integration subnet when it has a service endpoint for
/// the service (regional), else the public source.
fn seen_by(scene: &Scene<'_>, gate: &Gate, target: Option<Ipv4Addr>) -> Seen {
    if scene.mode == Mode::Regional
        && let Some(subnet) = scene.integration_subnet()
        && subnet.service_endpoints.iter().any(|e| {
            e.service
                .as_deref()
                .is_some_and(|s| s.eq_ignore_ascii_case(gate.kind.service_endpoint()))
        })
    {
        return Seen::Subnet {
            id: subnet.id.clone(),
            name: subnet.name.clone(),
        };
    }
    public_source(scene, target)
}

/// Whether the service's public endpoint admits what it sees; `Err` with the reason when
/// it does not, `None` when that cannot be known.
fn admits(gate: &Gate, seen: &Seen, app_location: Option<&str>) -> Option<Result<String, String>> {
    if gate.public_disabled {
        return Some(Err(format!(
            "its publicNetworkAccess is Disabled: only private endpoints reach {} {}",
            gate.kind.noun(),
            gate.name
        )));
    }
    if !gate.restricted {
        return Some(Ok(format!(
            "{} {} admits public traffic (no network rules in force)",
            gate.kind.noun(),
            gate.name
        )));
    }
    match seen {
        Seen::Subnet { id, name } => {
            if gate.subnets.iter().any(|s| crate::snapshot::same_id(s, id)) {
                Some(Ok(format!(
                    "its {} admit the integration subnet {name}",
                    gate.rule_set
                )))
            } else {
                Some(Err(format!(
                    "it sees the integration subnet {name} (through its service endpoint), which its {} do not name",
                    gate.rule_set
                )))
            }
        }
        Seen::Addresses { ips, what } => {
            if gate.azure_services {
                return Some(Ok(format!(
                    "its firewall allows Azure services (rule 0.0.0.0), which covers {what}"
                )));
            }
            // Storage: "IP network rules have no effect on requests that originate from
            // the same Azure region as the storage account" ("Azure Storage firewall
            // rules", learn.microsoft.com/azure/storage/common/storage-network-security).
            if gate.kind == ServiceKind::Storage
                && let (Some(account), Some(app)) = (gate.location.as_deref(), app_location)
                && same_region(account, app)
            {
                return Some(Err(format!(
                    "it sees {what} {}, but its IP rules do not apply to clients in its own region ({account}): only a VNET rule or a private endpoint admits the app",
                    join(ips)
                )));
            }
            let outside: Vec<&IpAddr> = ips
                .iter()
                .filter(|ip| !gate.ip_rules.iter().any(|r: &IpNet| r.contains(*ip)))
                .collect();
            if outside.is_empty() {
                Some(Ok(format!(
                    "its {} admit {what} {}",
                    gate.rule_set,
                    join(ips)
                )))
            } else {
                Some(Err(format!(
                    "it sees {what} {}, and its {} ({}) do not admit {}",
                    join(ips),
                    gate.rule_set,
                    if gate.ip_rules.is_empty() {
                        "no IP rules".to_owned()
                    } else {
                        format!("IP rules {}", join(&gate.ip_rules))
                    },
                    join(&outside)
                )))
            }
        }
        Seen::Hidden { .. } | Seen::Unknown => None,
    }
}

/// Region names as ARM writes them ("West Europe", "westeurope").
fn same_region(a: &str, b: &str) -> bool {
    let norm = |r: &str| r.replace(' ', "").to_ascii_lowercase();
    norm(a) == norm(b)
}

/// The command that lets what the service sees in.
fn open_command(gate: &Gate, seen: &Seen) -> String {
    let group = resource_group_of(&gate.id).unwrap_or("RG");
    let name = &gate.name;
    match (gate.kind, seen) {
        (_, _) if gate.public_disabled => format!(
            "Reach it through a private endpoint in the app's VNET (az network private-endpoint create ... --private-connection-resource-id {} with its privatelink zone linked), or allow public access with rules for the app.",
            gate.id
        ),
        (ServiceKind::Storage, Seen::Subnet { id, .. }) => format!(
            "az storage account network-rule add -g {group} --account-name {name} --subnet {id}"
        ),
        (ServiceKind::Storage, Seen::Addresses { .. }) if gate.location.is_some() => format!(
            "Add a VNET rule for the integration subnet (a Microsoft.Storage service endpoint on it, then az storage account network-rule add -g {group} --account-name {name} --subnet SUBNET_ID) or a private endpoint; for an account in another region: az storage account network-rule add -g {group} --account-name {name} --ip-address IP"
        ),
        (ServiceKind::Sql, Seen::Subnet { id, .. }) => format!(
            "az sql server vnet-rule create -g {group} -s {name} -n allow-app-subnet --subnet {id}"
        ),
        (ServiceKind::Sql, Seen::Addresses { ips, .. }) => ips
            .iter()
            .map(|ip| {
                format!(
                    "az sql server firewall-rule create -g {group} -s {name} -n allow-app-{} --start-ip-address {ip} --end-ip-address {ip}",
                    ip.to_string().replace(['.', ':'], "-")
                )
            })
            .collect::<Vec<_>>()
            .join("; "),
        (ServiceKind::KeyVault, Seen::Subnet { id, .. }) => {
            format!("az keyvault network-rule add -g {group} -n {name} --subnet {id}")
        }
        (ServiceKind::KeyVault, Seen::Addresses { ips, .. }) => ips
            .iter()
            .map(|ip| format!("az keyvault network-rule add -g {group} -n {name} --ip-address {ip}"))
            .collect::<Vec<_>>()
            .join("; "),
        (ServiceKind::Cosmos, Seen::Subnet { id, .. }) => {
            format!("az cosmosdb network-rule add -g {group} -n {name} --subnet {id}")
        }
        (ServiceKind::Cosmos, Seen::Addresses { ips, .. }) => format!(
            "az cosmosdb update -g {group} -n {name} --ip-range-filter {} (the list replaces the current one: keep its ranges)",
            ips.iter().map(ToString::to_string).collect::<Vec<_>>().join(",")
        ),
        (ServiceKind::WebApp, Seen::Subnet { id, .. }) => format!(
            "az webapp config access-restriction add -g {group} -n {name} --rule-name allow-caller-subnet --action Allow --priority 100 --subnet {id}"
        ),
        (ServiceKind::WebApp, Seen::Addresses { ips, .. }) => ips
            .iter()
            .enumerate()
            .map(|(i, ip)| {
                format!(
                    "az webapp config access-restriction add -g {group} -n {name} --rule-name allow-caller-{} --action Allow --priority {} --ip-address {ip}/32",
                    i + 1,
                    100 + i
                )
            })
            .collect::<Vec<_>>()
            .join("; "),
        (ServiceKind::Registry, Seen::Addresses { ips, .. }) => ips
            .iter()
            .map(|ip| format!("az acr network-rule add -g {group} -n {name} --ip-address {ip}"))
            .collect::<Vec<_>>()
            .join("; "),
        (ServiceKind::Storage, Seen::Addresses { ips, .. }) => ips
            .iter()
            .map(|ip| {
                format!("az storage account network-rule add -g {group} --account-name {name} --ip-address {ip}")
            })
            .collect::<Vec<_>>()
            .join("; "),
        _ => format!(
            "Admit the app on {} {name}'s Networking page, or reach it through a private endpoint.",
            gate.kind.noun()
        ),
    }
}

/// The target's host name, when it is one.
fn target_name<'a>(scene: &Scene<'a>) -> Option<&'a str> {
    scene.inputs.target.name.as_deref()
}

/// Whether the app reaches `name` through a private endpoint: with a probe, DNS answered a
/// private address; without one, the name belongs to a private endpoint of the snapshot
/// (`dns.private-endpoint` judges whether DNS gives its address).
fn through_private_endpoint(scene: &Scene<'_>, snapshot: &Snapshot, name: &str) -> Option<String> {
    let private = snapshot.private_name(name)?;
    let owner = private.endpoint.map_or_else(
        || private.zone.clone(),
        |e| format!("private endpoint {}", e.name),
    );
    match scene
        .inputs
        .dns
        .and_then(|(_, lookup)| lookup.answer.as_ref())
    {
        Some(answer) if answer.addresses.iter().any(|ip| is_private_address(*ip)) => Some(format!(
            "the app reaches {name} through {owner} (DNS answered {})",
            join(&answer.addresses)
        )),
        Some(_) => None,
        None => Some(format!(
            "{name} belongs to {owner}: the app reaches it there when DNS gives the endpoint's address (dns.private-endpoint judges that)"
        )),
    }
}

/// `target.public-access`: the target's Azure service admits what it sees of the app.
pub(super) fn target_public_access(scene: &Scene<'_>) -> Finding {
    let Some(snapshot) = scene.snapshot else {
        return Finding::skip(SkipReason::NoSnapshot);
    };
    let Some(name) = target_name(scene) else {
        return Finding::skip(SkipReason::not_applicable(format!(
            "does not apply: {} is an address, not an Azure service's name",
            scene.inputs.target.host
        )));
    };
    // Through a private endpoint the service's public rules do not apply.
    if let Some(private) = through_private_endpoint(scene, snapshot, name) {
        return Finding::skip(SkipReason::not_applicable(format!(
            "does not apply: {private}; a service's public access rules do not apply there"
        )));
    }
    let Some(gate) = snapshot.gate_for_host(name) else {
        return match services::service_of(name) {
            Some(_) => Finding::skip(SkipReason::missing_resource(
                format!(
                    "{name} is an Azure service's name, but its resource is not in the snapshot"
                ),
                SERVICE_EXPORT,
            )),
            None => Finding::skip(SkipReason::not_applicable(format!(
                "does not apply: {name} is not an Azure service of the snapshot"
            ))),
        };
    };
    let seen = seen_by(scene, &gate, scene.target);
    let app_location = scene.site.map(|s| s.location.as_str());
    match admits(&gate, &seen, app_location) {
        Some(Ok(why)) => Finding::pass(format!(
            "{} {} ({}) is reached on its public endpoint: {why}",
            gate.kind.noun(),
            gate.name,
            describe_id(&gate.id)
        )),
        Some(Err(why)) => Finding::fail(
            format!(
                "the app reaches {} {} on its public endpoint (no private endpoint in its DNS path), and it refuses the app: {why}",
                gate.kind.noun(),
                gate.name
            ),
            open_command(&gate, &seen),
        ),
        None => Finding::warn(
            format!(
                "{} {} admits only what its {} name, and it sees {}: whether that is admitted cannot be told from the snapshot",
                gate.kind.noun(),
                gate.name,
                gate.rule_set,
                seen.describe()
            ),
            format!(
                "Find the public address the appliance gives the app's traffic and admit it on {} {}, or reach it through a private endpoint.",
                gate.kind.noun(),
                gate.name
            ),
        ),
    }
}

/// `nat.outbound-ip`: never fails; names the public addresses a public target sees.
pub(super) fn nat_outbound_ip(scene: &Scene<'_>) -> Finding {
    if scene.snapshot.is_none() {
        return Finding::skip(SkipReason::NoSnapshot);
    }
    let public = match (scene.target, target_name(scene)) {
        (Some(ip), _) => !crate::ranges::is_private(ip),
        // An unresolved name: a service's public name (no private endpoint of its own).
        (None, Some(name)) => scene
            .snapshot
            .is_some_and(|s| s.private_name(name).is_none()),
        (None, None) => false,
    };
    if !public {
        return Finding::skip(SkipReason::not_applicable(format!(
            "does not apply: {} is a private address, reached inside the VNET",
            scene.inputs.target.host
        )));
    }
    // A service reached through a service endpoint on the integration subnet sees the
    // subnet's private addresses, not a public one.
    if scene.mode == Mode::Regional
        && let (Some(endpoint), Some(subnet)) =
            (scene.service_endpoint(), scene.integration_subnet())
    {
        return Finding::pass(format!(
            "{} is reached through the integration subnet {}'s {endpoint} service endpoint: it sees the subnet's private addresses ({}), not a public IP, so its rules must name the subnet",
            scene.inputs.target.host,
            subnet.name,
            join(&subnet.prefixes())
        ));
    }
    match public_source(scene, scene.target) {
        Seen::Addresses { ips, what } => {
            let unused_nat = scene.route_all.is_none()
                && scene
                    .integration_subnet()
                    .is_some_and(|s| s.nat_gateway.is_some());
            Finding::pass(format!(
                "{} sees {what} {}: what a firewall in front of it must allow{}",
                scene.inputs.target.host,
                join(&ips),
                if unused_nat {
                    " (the integration subnet's NAT gateway applies only with Route All)"
                } else {
                    ""
                }
            ))
        }
        hidden @ Seen::Hidden { .. } => Finding::warn(
            format!(
                "{} sees {}: its address is not in the snapshot",
                scene.inputs.target.host,
                hidden.describe()
            ),
            "Ask the appliance's owner which public address it gives the app's traffic (its SNAT address), and allow that on the target.",
        ),
        // Informational: a site exported without them leaves the verdict whole.
        _ => Finding::skip(SkipReason::Needs {
            what: "the site's outboundIpAddresses are not in the snapshot".into(),
            remedy: "az webapp show -g RG -n APP --query outboundIpAddresses",
        }),
    }
}

/// The `privatelink.` zone of a private endpoint sub-resource.
fn zone_of_group(group: &str) -> Option<&'static str> {
    services::SERVICES
        .iter()
        .find(|s| s.group.eq_ignore_ascii_case(group))
        .map(|s| s.zone)
}

/// Whether the path from the integration subnet into `gate` exists for the platform's own
/// traffic once it is routed through the VNET: a private endpoint of the service (for
/// `group`) whose zone the app's DNS consults and which the integration subnet's NSG lets
/// through on `ports`; or a service endpoint on the subnet with a VNET rule for it.
fn vnet_way_in(
    scene: &Scene<'_>,
    snapshot: &Snapshot,
    gate: &Gate,
    group: &str,
    ports: &[u16],
) -> Result<String, String> {
    if let Some(endpoint) = snapshot.endpoints_of_service(&gate.id, Some(group)).first() {
        // The platform looks the service's name up with the app's DNS: with Azure DNS only
        // a zone linked to the app's VNET gives the endpoint's address.
        if let (Some(zone), Some(vnet), true) = (
            zone_of_group(group),
            scene.vnet,
            scene.custom_dns_servers().is_empty(),
        ) && !snapshot.zone_linked_to(zone, &vnet.id)
        {
            return Err(format!(
                "private endpoint {} exists, but the private DNS zone {zone} is not linked to VNET {}: the platform's lookup gets the public address",
                endpoint.name, vnet.name
            ));
        }
        if let Some(blocked) = nsg_blocks(scene, endpoint, ports) {
            return Err(format!(
                "private endpoint {} exists, but {blocked}",
                endpoint.name
            ));
        }
        return Ok(format!("private endpoint {} ({group})", endpoint.name));
    }
    match seen_by(scene, gate, None) {
        Seen::Subnet { id, name }
            if !gate.public_disabled
                && gate
                    .subnets
                    .iter()
                    .any(|s| crate::snapshot::same_id(s, &id)) =>
        {
            Ok(format!(
                "the service endpoint and VNET rule of the integration subnet {name}"
            ))
        }
        _ if !gate.refuses_public() => Ok(format!(
            "its public endpoint ({} {} has no network rules)",
            gate.kind.noun(),
            gate.name
        )),
        _ => Err(format!(
            "no private endpoint ({group}) of {} {} and no VNET rule for the integration subnet",
            gate.kind.noun(),
            gate.name
        )),
    }
}

/// The integration subnet's NSG rule that blocks TCP `ports` outbound to the endpoint's
/// address for part of the subnet, in words.
fn nsg_blocks(
    scene: &Scene<'_>,
    endpoint: &crate::snapshot::PrivateEndpoint,
    ports: &[u16],
) -> Option<String> {
    let address = endpoint
        .custom_dns_configs
        .iter()
        .flat_map(|c| &c.ip_addresses)
        .find_map(|ip| match ip {
            IpAddr::V4(v4) => Some(*v4),
            IpAddr::V6(_) => None,
        })?;
    let subnet = scene.integration_subnet()?;
    let nsg = scene.nsg_of_subnet(subnet)?;
    let (source, _) = scene.source_range();
    let pool = crate::ranges::RangeSet::from_nets(&source);
    let (scope, _) = scene.tag_scope(None, Some(subnet));
    ports.iter().find_map(|port| {
        let analysis = crate::nsg::analyse_path(
            &[nsg],
            &pool,
            crate::nsg::Flow {
                target: address,
                port: *port,
                protocol: crate::nsg::Protocol::Tcp,
                direction: crate::nsg::Direction::Outbound,
            },
            &scope,
        );
        analysis.blocked.first().map(|block| {
            format!(
                "NSG {} (rule {}) blocks TCP {port} from {} to its address {address}",
                block.nsg, block.rule, block.range
            )
        })
    })
}

fn site_command(scene: &Scene<'_>, property: &str) -> String {
    let id = scene.site.map_or("SITE_ID", |s| s.id.as_str());
    format!("az resource update --ids {id} --set properties.{property}=true")
}

/// `platform.content-share`: the Functions/Elastic Premium content share's storage account
/// is reachable by the platform's content-share traffic.
pub(super) fn platform_content_share(scene: &Scene<'_>) -> Finding {
    let Some(snapshot) = scene.snapshot else {
        return Finding::skip(SkipReason::NoSnapshot);
    };
    let Some(account) = scene.inputs.settings.facts().content_share_account.clone() else {
        return Finding::skip(SkipReason::not_applicable(
            "does not apply: the app has no content share (WEBSITE_CONTENTAZUREFILECONNECTIONSTRING is not set)",
        ));
    };
    let Some(gate) = snapshot.gate_of_storage(&account) else {
        return Finding::skip(SkipReason::missing_resource(
            format!("the content share's storage account {account} is not in the snapshot"),
            "az storage account show -g RG -n ACCOUNT > storage.json",
        ));
    };
    if !gate.refuses_public() {
        return Finding::pass(format!(
            "the content share's storage account {account} admits public traffic, so the platform reaches it either way"
        ));
    }
    let refuses = if gate.public_disabled {
        "refuses public access (publicNetworkAccess Disabled)".to_owned()
    } else {
        "admits only what its network rules name (defaultAction Deny)".to_owned()
    };
    let routed = scene
        .site
        .and_then(crate::snapshot::Site::content_share_routed)
        .map(str::to_owned)
        .or_else(|| {
            (scene.inputs.settings.get(WEBSITE_CONTENTOVERVNET) == Some("1"))
                .then(|| format!("{WEBSITE_CONTENTOVERVNET}=1"))
        });
    let Some(routed) = routed else {
        return Finding::fail(
            format!(
                "the content share is on storage account {account}, which {refuses}, and content-share traffic is not routed through the VNET (vnetContentShareEnabled, {WEBSITE_CONTENTOVERVNET} and outboundVnetRouting.contentShareTraffic are off): the app cannot mount its content share, and does not start"
            ),
            format!(
                "Route content-share traffic through the VNET: {} (or the app setting {WEBSITE_CONTENTOVERVNET}=1), then make sure the integration subnet reaches the account's file endpoint (a private endpoint for file, or a Microsoft.Storage service endpoint with a VNET rule).",
                site_command(scene, "vnetContentShareEnabled")
            ),
        );
    };
    match vnet_way_in(scene, snapshot, &gate, "file", &[443, 445]) {
        Ok(way) => Finding::pass(format!(
            "content-share traffic goes through the VNET ({routed}) and into storage account {account} through {way}"
        )),
        Err(why) => Finding::fail(
            format!(
                "content-share traffic goes through the VNET ({routed}), but storage account {account} {refuses} and the VNET has no way in: {why}"
            ),
            format!(
                "Create a private endpoint for the account's file service in the app's VNET (az network private-endpoint create ... --private-connection-resource-id {} --group-id file, with privatelink.file.core.windows.net linked), or add a Microsoft.Storage service endpoint to the integration subnet and az storage account network-rule add -g {} --account-name {account} --subnet SUBNET_ID.",
                gate.id,
                resource_group_of(&gate.id).unwrap_or("RG")
            ),
        ),
    }
}

/// `platform.image-pull`: a container app's registry is reachable by the platform's image
/// pull.
pub(super) fn platform_image_pull(scene: &Scene<'_>) -> Finding {
    let Some(snapshot) = scene.snapshot else {
        return Finding::skip(SkipReason::NoSnapshot);
    };
    let Some(image) = scene.site.and_then(crate::snapshot::Site::container_image) else {
        return Finding::skip(SkipReason::not_applicable(
            "does not apply: the app is not a container app (no DOCKER| image in linuxFxVersion or windowsFxVersion)",
        ));
    };
    let host = image.split('/').next().unwrap_or(image);
    let Some(gate) = snapshot
        .gate_for_host(host)
        .filter(|g| g.kind == ServiceKind::Registry)
    else {
        return if host.to_ascii_lowercase().ends_with(".azurecr.io") {
            Finding::skip(SkipReason::missing_resource(
                format!("the app pulls {image}, but registry {host} is not in the snapshot"),
                "az acr show -g RG -n REGISTRY > registry.json",
            ))
        } else {
            Finding::skip(SkipReason::not_applicable(format!(
                "does not apply: the app pulls {image} from {host}, not an Azure container registry of the snapshot"
            )))
        };
    };
    if !gate.refuses_public() {
        return Finding::pass(format!(
            "the app pulls {image} from registry {}, which admits public traffic",
            gate.name
        ));
    }
    let routed = scene
        .site
        .and_then(crate::snapshot::Site::image_pull_routed)
        .map(str::to_owned)
        .or_else(|| {
            scene
                .inputs
                .settings
                .get(WEBSITE_PULL_IMAGE_OVER_VNET)
                .filter(|v| v.eq_ignore_ascii_case("true"))
                .map(|_| format!("{WEBSITE_PULL_IMAGE_OVER_VNET}=true"))
        });
    let Some(routed) = routed else {
        return Finding::fail(
            format!(
                "the app pulls {image} from registry {}, which {}, and image pull is not routed through the VNET (vnetImagePullEnabled and outboundVnetRouting.imagePullTraffic are off): the pull is refused and the app does not start",
                gate.name,
                if gate.public_disabled {
                    "refuses public access"
                } else {
                    "admits only what its network rules name"
                }
            ),
            format!(
                "Route image pull through the VNET: {}, and reach the registry through a private endpoint in the app's VNET (login server and data endpoint, with privatelink.azurecr.io linked).",
                site_command(scene, "vnetImagePullEnabled")
            ),
        );
    };
    match vnet_way_in(scene, snapshot, &gate, "registry", &[443]) {
        Ok(way) => Finding::pass(format!(
            "image pull goes through the VNET ({routed}) and into registry {} through {way}",
            gate.name
        )),
        Err(why) => Finding::fail(
            format!(
                "image pull goes through the VNET ({routed}), but registry {} refuses public traffic and the VNET has no way in: {why}",
                gate.name
            ),
            format!(
                "Create a private endpoint for the registry in the app's VNET (az network private-endpoint create ... --private-connection-resource-id {} --group-id registry, with privatelink.azurecr.io linked).",
                gate.id
            ),
        ),
    }
}

/// `platform.key-vault-refs`: each vault of a Key Vault reference admits the platform's
/// request: by the public route (the app's outbound IPs; App Service is not a trusted
/// service) or by the VNET integration (a private endpoint, or a service endpoint with a
/// VNET rule) ("Use Key Vault references as app settings", "Access network-restricted
/// vaults": <https://learn.microsoft.com/azure/app-service/app-service-key-vault-references>).
pub(super) fn platform_key_vault_refs(scene: &Scene<'_>) -> Finding {
    let Some(snapshot) = scene.snapshot else {
        return Finding::skip(SkipReason::NoSnapshot);
    };
    let references = &scene.inputs.settings.facts().key_vault_refs;
    if references.is_empty() {
        return Finding::skip(SkipReason::not_applicable(
            "does not apply: no app setting is a Key Vault reference",
        ));
    }
    let mut admitted = Vec::new();
    let mut refused = Vec::new();
    let mut missing = Vec::new();
    for reference in references {
        let Some(gate) = snapshot.gate_of_vault(&reference.vault) else {
            missing.push(format!(
                "{} (setting {})",
                reference.vault, reference.setting
            ));
            continue;
        };
        if !gate.refuses_public() {
            admitted.push(format!(
                "{} -> {} (no network rules)",
                reference.setting, gate.name
            ));
            continue;
        }
        let public = public_source(scene, None);
        let by_public = matches!(admits(&gate, &public, None), Some(Ok(_)))
            && matches!(public, Seen::Addresses { .. });
        let by_vnet = scene.mode == Mode::Regional
            && vnet_way_in(scene, snapshot, &gate, "vault", &[443]).is_ok();
        if by_public || by_vnet {
            admitted.push(format!(
                "{} -> {} ({})",
                reference.setting,
                gate.name,
                if by_vnet {
                    "through the VNET"
                } else {
                    "its IP rules admit the app's outbound IPs"
                }
            ));
        } else {
            refused.push((reference, gate, public));
        }
    }
    if let Some((_, gate, public)) = refused.first() {
        let names: Vec<&str> = refused.iter().map(|(r, _, _)| r.setting.as_str()).collect();
        let group = resource_group_of(&gate.id).unwrap_or("RG");
        return Finding::fail(
            format!(
                "app setting{} {} {} a Key Vault reference to vault {}, which {}: neither the public route ({} is not admitted; App Service is not a trusted service for the vault) nor the VNET integration (no private endpoint for the vault and no VNET rule for the integration subnet) admits the platform's request, so the setting{} keep the reference text instead of the secret",
                if names.len() == 1 { "" } else { "s" },
                names.join(", "),
                if names.len() == 1 { "is" } else { "are" },
                gate.name,
                if gate.public_disabled {
                    "refuses public access"
                } else {
                    "admits only what its network rules name"
                },
                public.describe(),
                if names.len() == 1 { "" } else { "s" },
            ),
            format!(
                "Give the app a way to vault {}: a private endpoint in the app's VNET (az network private-endpoint create ... --private-connection-resource-id {} --group-id vault, with privatelink.vaultcore.azure.net linked), or a Microsoft.KeyVault service endpoint on the integration subnet and az keyvault network-rule add -g {group} -n {} --subnet SUBNET_ID.",
                gate.name, gate.id, gate.name
            ),
        );
    }
    if !missing.is_empty() {
        return Finding::skip(SkipReason::missing_resource(
            format!("the vault of {} is not in the snapshot", missing.join(", ")),
            "az keyvault show -g RG -n VAULT > vault.json",
        ));
    }
    Finding::pass(format!(
        "the platform reaches every referenced vault: {}",
        admitted.join("; ")
    ))
}
