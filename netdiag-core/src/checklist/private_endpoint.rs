//! Stage 2, `dns.private-endpoint`: a name that belongs to a private endpoint must resolve,
//! with the app's DNS servers, to the endpoint's private IP. The classic failure is the
//! public IP: the `privatelink.` zone is not linked to the app's VNET (Azure DNS answers
//! from linked zones only), or the app's custom DNS servers do not forward to Azure DNS
//! (168.63.129.16) from a VNET that is linked. With a probe the answer decides; without
//! one the snapshot's zone links and DNS servers do.

use std::net::IpAddr;

use super::scene::{Scene, export};
use super::vocab::{Details, Finding, PrivateNameDetails, SkipReason};
use crate::snapshot::private_dns::PRIVATELINK;
use crate::snapshot::{PrivateName, Snapshot, VirtualNetwork, resource_group_of};

/// How the app's names get resolved, as far as the snapshot shows.
struct Resolution<'a> {
    /// The app's own DNS servers (settings, site, VNET), when it has any but Azure DNS.
    custom: Vec<IpAddr>,
    /// The VNET whose Azure DNS resolves for the app: the app's own, or with custom DNS
    /// servers the VNET that holds them (a hub's, forwarding to their own Azure DNS);
    /// unknown for servers outside every VNET of the snapshot.
    resolver_vnet: Option<&'a VirtualNetwork>,
    /// The zone is linked to that VNET.
    linked: bool,
    /// The app's own VNET, and whether the zone is linked to it.
    app_vnet: Option<(&'a VirtualNetwork, bool)>,
}

impl<'a> Resolution<'a> {
    fn of(scene: &Scene<'a>, snapshot: &'a Snapshot, zone: &str) -> Self {
        let custom = scene.custom_dns_servers();
        let resolver_vnet = if custom.is_empty() {
            scene.vnet
        } else {
            snapshot.vnets.iter().find(|v| {
                custom.iter().any(|ip| {
                    v.address_space
                        .address_prefixes
                        .iter()
                        .any(|p| p.0.contains(ip))
                })
            })
        };
        let linked = resolver_vnet.is_some_and(|v| snapshot.zone_linked_to(zone, &v.id));
        Self {
            custom,
            resolver_vnet,
            linked,
            app_vnet: scene
                .vnet
                .map(|v| (v, snapshot.zone_linked_to(zone, &v.id))),
        }
    }

    fn custom_list(&self) -> String {
        join(&self.custom)
    }

    /// What in this setup sends the name elsewhere than the endpoint.
    fn causes(&self, private: &PrivateName<'_>, snapshot: &Snapshot) -> Vec<String> {
        let zone = &private.zone;
        let mut causes = Vec::new();
        let zone_missing =
            snapshot.private_dns_zone(zone).is_none() && snapshot.zone_links(zone).is_empty();
        match (self.linked, self.resolver_vnet, zone_missing) {
            (true, _, _) => {}
            (false, _, true) => causes.push(format!(
                "the snapshot has no private DNS zone {zone} (nor links of it)"
            )),
            (false, Some(vnet), false) if self.custom.is_empty() => causes.push(format!(
                "the private DNS zone {zone} is not linked to VNET {}, and Azure DNS answers from linked zones only",
                vnet.name
            )),
            (false, Some(vnet), false) => causes.push(format!(
                "the private DNS zone {zone} is not linked to VNET {}, where the app's DNS servers {} are (they answer from the zone only if it is linked there and they forward to 168.63.129.16)",
                vnet.name,
                self.custom_list()
            )),
            (false, None, false) => causes.push(format!(
                "the app's DNS servers {} are in no VNET of the snapshot{}: they answer from {zone} only if they forward to a resolver in a VNET linked to it",
                self.custom_list(),
                match self.app_vnet {
                    Some((vnet, false)) => {
                        format!(", and the zone is not linked to the app's VNET {}", vnet.name)
                    }
                    Some((vnet, true)) => format!(" (the zone is linked to the app's VNET {})", vnet.name),
                    None => String::new(),
                }
            )),
        }
        if !self.custom.is_empty() && self.linked {
            causes.push(format!(
                "the custom DNS servers {} answer from the zone only if they forward to 168.63.129.16",
                self.custom_list()
            ));
        }
        if causes.is_empty() {
            let vnet = self
                .resolver_vnet
                .map_or("the app's VNET", |v| v.name.as_str());
            causes.push(match private.record {
                Some(record) => format!(
                    "zone {zone} is linked to VNET {vnet}, so its A record {} ({}) or another zone or forwarder in the way answers differently",
                    record.name,
                    record
                        .a_records
                        .iter()
                        .map(|a| a.ipv4_address.to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                None => format!(
                    "zone {zone} is linked to VNET {vnet}, but the snapshot has no A record for the name in it"
                ),
            });
        }
        causes
    }

    /// The remedy for this setup: link the zone, and with custom DNS servers forward.
    fn remedy(&self, private: &PrivateName<'_>, snapshot: &Snapshot) -> String {
        let zone = &private.zone;
        let zone_group = snapshot
            .private_dns_zone(zone)
            .and_then(|z| resource_group_of(&z.id))
            .unwrap_or("ZONE_RG");
        let suffix = zone.strip_prefix(PRIVATELINK).unwrap_or(zone);
        let mut steps = Vec::new();
        if !self.linked {
            match self.resolver_vnet {
                Some(vnet) => steps.push(format!(
                    "Link the private DNS zone {zone} to VNET {} (az network private-dns link vnet create -g {zone_group} -z {zone} -n {}-link -v {} -e false)",
                    vnet.name, vnet.name, vnet.id
                )),
                None => steps.push(match self.app_vnet {
                    Some((vnet, false)) => format!(
                        "Link the private DNS zone {zone} to VNET {} (az network private-dns link vnet create -g {zone_group} -z {zone} -n {}-link -v {} -e false), or to the VNET whose resolver the DNS servers {} forward to",
                        vnet.name,
                        vnet.name,
                        vnet.id,
                        self.custom_list()
                    ),
                    _ => format!(
                        "Make sure the DNS servers {} forward to a resolver in a VNET linked to {zone} (Azure DNS there, or an Azure DNS Private Resolver)",
                        self.custom_list()
                    ),
                }),
            }
        }
        if !self.custom.is_empty() {
            steps.push(format!(
                "the DNS servers {} must forward {suffix} to 168.63.129.16 (a conditional forwarder)",
                self.custom_list()
            ));
        }
        if steps.is_empty() {
            steps.push(format!(
                "Make the zone's A record for the name hold {}, and remove any other zone or forwarder for {suffix} in the way",
                join(&private.addresses)
            ));
        }
        let mut remedy = steps.join("; ");
        if let Some(first) = remedy.get(..1) {
            remedy = first.to_uppercase() + &remedy[1..];
        }
        remedy.push('.');
        remedy
    }
}

fn join(addresses: &[IpAddr]) -> String {
    addresses
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

pub(super) fn dns_private_endpoint(scene: &Scene<'_>) -> Finding {
    let inputs = scene.inputs;
    let Some(name) = inputs.target.name.as_deref() else {
        return Finding::skip(SkipReason::not_applicable(format!(
            "does not apply: {} is an IP address, no name is resolved",
            inputs.target.host
        )));
    };
    let Some(snapshot) = scene.snapshot else {
        return Finding::skip(SkipReason::NoSnapshot);
    };
    let Some(private) = snapshot.private_name(name) else {
        // Only a service's name can be a private endpoint's without records of its own
        // in the snapshot; for any other name, no endpoints exported means none to match.
        let service = crate::snapshot::services::service_of(name);
        if service.is_some()
            && snapshot.private_endpoints.is_empty()
            && snapshot.a_record_sets.is_empty()
        {
            return Finding::skip(SkipReason::missing_resource(
                "the snapshot has no private endpoints or private DNS records",
                export::PRIVATE_ENDPOINTS,
            ));
        }
        return Finding::skip(SkipReason::not_applicable(format!(
            "does not apply: {name} belongs to no private endpoint of the snapshot"
        )));
    };
    let owner = match (private.endpoint, private.record) {
        (Some(endpoint), _) => format!("private endpoint {}", endpoint.name),
        (None, Some(record)) => format!("the A record {} of {}", record.name, private.zone),
        (None, None) => "a private endpoint".to_owned(),
    };
    let expected = join(&private.addresses);
    let setup = Resolution::of(scene, snapshot, &private.zone);
    let details = PrivateNameDetails {
        name: name.to_owned(),
        zone: private.zone.clone(),
        endpoint: private.endpoint.map(|e| e.name.clone()),
        private_addresses: private.addresses.clone(),
        resolver_vnet: setup.resolver_vnet.map(|v| v.name.clone()),
        zone_linked: setup.linked,
        custom_dns_servers: setup.custom.clone(),
        answered: inputs
            .dns
            .and_then(|(_, lookup)| lookup.answer.as_ref().map(|a| a.addresses.clone())),
        servers_asked: inputs.dns.map(|(_, lookup)| {
            lookup
                .attempts
                .iter()
                .map(|a| a.server.to_string())
                .collect()
        }),
    };
    // An endpoint its service has not approved carries nothing, whatever DNS answers.
    let state = private
        .endpoint
        .and_then(|e| e.service_connection())
        .and_then(|c| c.private_link_service_connection_state.as_ref())
        .and_then(|state| state.status.as_deref());
    if let (Some(endpoint), Some(status)) = (private.endpoint, state)
        && !status.eq_ignore_ascii_case("Approved")
    {
        let mut finding = Finding::fail(
            format!(
                "{name} belongs to private endpoint {}, whose connection to its service is {status}: it carries no traffic until the service approves it",
                endpoint.name
            ),
            format!(
                "Approve the connection on the service (its Networking > Private endpoint connections page), or, {}, delete the endpoint and create it again.",
                if status.eq_ignore_ascii_case("Rejected")
                    || status.eq_ignore_ascii_case("Disconnected")
                {
                    "since it was refused"
                } else {
                    "if it was refused"
                }
            ),
        );
        finding.details = Some(Details::Dns(details));
        return finding;
    }
    // --azure could not read the zone (or its links): without a probe nothing says how the
    // name resolves, and "not linked" would be a guess.
    if inputs.dns.is_none()
        && let Some(gap) = snapshot.unreadable_zone(&private.zone)
    {
        let mut finding = Finding::skip(SkipReason::missing_resource(
            format!(
                "{name} belongs to {owner}; the private DNS zone {} is not readable, so whether it is linked and holds the record is not known",
                private.zone
            ),
            export::PRIVATE_ENDPOINTS,
        ));
        finding.lacking.push(gap.id.clone());
        finding.details = Some(Details::Dns(details));
        return finding;
    }
    let mut result = match inputs.dns {
        Some((_, lookup)) => {
            with_answer(&setup, &private, snapshot, lookup, name, &owner, &expected)
        }
        None => without_probe(scene, &setup, &private, snapshot, name, &owner, &expected),
    };
    result.details = Some(Details::Dns(details));
    result
}

/// Without a probe, a zone linked where the app's DNS looks: its record decides, and
/// custom DNS servers in front of it are a warning (whether they forward to
/// 168.63.129.16 cannot be known offline).
fn linked_zone(
    setup: &Resolution<'_>,
    private: &PrivateName<'_>,
    snapshot: &Snapshot,
    vnet: &VirtualNetwork,
    belongs: &str,
) -> Finding {
    let zone = &private.zone;
    let group = snapshot
        .private_dns_zone(zone)
        .and_then(|z| resource_group_of(&z.id))
        .unwrap_or("ZONE_RG");
    let record_name = &private.record_name;
    let addresses = join(&private.addresses);
    let Some(record) = private.record else {
        if snapshot.zone_records(zone).is_empty()
            && !snapshot.record_known_absent(zone, record_name)
        {
            return Finding::skip(SkipReason::missing_resource(
                format!(
                    "{belongs}; zone {zone} is linked to VNET {}, but its A records are not in the snapshot",
                    vnet.name
                ),
                export::PRIVATE_ENDPOINTS,
            ));
        }
        let redirect = snapshot
            .zone_link(zone, &vnet.id)
            .and_then(|l| l.resolution_policy.as_deref())
            .is_some_and(|p| p.eq_ignore_ascii_case("NxDomainRedirect"));
        let answer = if redirect {
            "with the link's resolutionPolicy NxDomainRedirect the name falls back to public resolution: the app gets the public address"
        } else {
            "Azure DNS answers NXDOMAIN for it"
        };
        return Finding::fail(
            format!(
                "{belongs}; zone {zone} is linked to VNET {}, but has no A record {record_name}: {answer}",
                vnet.name
            ),
            format!(
                "Add the record: az network private-dns record-set a add-record -g {group} -z {zone} -n {record_name} -a {addresses} (or give the endpoint a DNS zone group for {zone}, which keeps it in step)."
            ),
        )
        .changing_dns();
    };
    let held: Vec<IpAddr> = record
        .a_records
        .iter()
        .map(|a| IpAddr::V4(a.ipv4_address))
        .collect();
    if !private.endpoint_addresses.is_empty()
        && !held
            .iter()
            .any(|ip| private.endpoint_addresses.contains(ip))
    {
        return Finding::fail(
            format!(
                "{belongs}; zone {zone}'s A record {record_name} holds {}, not the endpoint's address: a stale record (an endpoint deleted and created again?)",
                join(&held)
            ),
            format!(
                "Make the record hold {addresses}: az network private-dns record-set a add-record -g {group} -z {zone} -n {record_name} -a {addresses}, then remove the old address (az network private-dns record-set a remove-record)."
            ),
        )
        .changing_dns();
    }
    if setup.custom.is_empty() {
        return Finding::pass(format!(
            "{belongs}; zone {zone} is linked to VNET {}, whose Azure DNS answers it with the private IP",
            vnet.name
        ));
    }
    Finding::warn(
        format!(
            "{belongs}; zone {zone} is linked to VNET {}, where the app's DNS servers {} are: they answer from it only if they forward to 168.63.129.16, which cannot be known offline",
            vnet.name,
            setup.custom_list()
        ),
        format!(
            "Run without --no-probe to see what the app's DNS servers answer, or check that {} forward {} to 168.63.129.16 (a conditional forwarder).",
            setup.custom_list(),
            zone.strip_prefix(PRIVATELINK).unwrap_or(zone)
        ),
    )
}

/// With a probe: what the app's servers answered decides.
fn with_answer(
    setup: &Resolution<'_>,
    private: &PrivateName<'_>,
    snapshot: &Snapshot,
    lookup: &crate::dns::Lookup,
    name: &str,
    owner: &str,
    expected: &str,
) -> Finding {
    let asked = {
        let mut servers: Vec<String> = lookup
            .attempts
            .iter()
            .map(|a| a.server.to_string())
            .collect();
        servers.dedup();
        servers.join(", ")
    };
    let causes = setup.causes(private, snapshot).join("; ");
    match &lookup.answer {
        Some(answer) => {
            if let Some(ip) = answer
                .addresses
                .iter()
                .find(|a| private.addresses.contains(a))
            {
                return Finding::pass(format!(
                    "{name} resolved to {ip} (server {}), the private IP of {owner}",
                    answer.server
                ));
            }
            Finding::fail(
                format!(
                    "{name} resolved to {} (server {}), not to {expected}, the private IP of {owner}: {causes}",
                    join(&answer.addresses),
                    answer.server
                ),
                setup.remedy(private, snapshot),
            )
            .changing_dns()
        }
        None => Finding::fail(
            format!(
                "{name} did not resolve ({}, asked {asked}); it belongs to {owner} ({expected}): {causes}",
                lookup.outcome.as_str()
            ),
            setup.remedy(private, snapshot),
        )
        .changing_dns(),
    }
}

/// Without a probe: the zone's links and the app's DNS servers decide.
fn without_probe(
    scene: &Scene<'_>,
    setup: &Resolution<'_>,
    private: &PrivateName<'_>,
    snapshot: &Snapshot,
    name: &str,
    owner: &str,
    expected: &str,
) -> Finding {
    let belongs = format!("{name} belongs to {owner} ({expected})");
    let causes = setup.causes(private, snapshot);
    match (setup.linked, setup.resolver_vnet) {
        (true, Some(vnet)) => linked_zone(setup, private, snapshot, vnet, &belongs),
        (false, None) if !setup.custom.is_empty() => Finding::warn(
            format!("{belongs}; {}", causes.join("; ")),
            setup.remedy(private, snapshot),
        )
        .changing_dns(),
        (_, None) => Finding::skip(scene.no_vnet(": which zones its DNS sees is unknown")),
        (false, Some(_)) => Finding::fail(
            format!(
                "{belongs}, but {}: the app gets the public address",
                causes.join(", and ")
            ),
            setup.remedy(private, snapshot),
        )
        .changing_dns(),
    }
}
