//! Private endpoints and the private DNS that makes their names resolve to them: the
//! endpoints, the `privatelink.*` zones, the zones' links to VNETs and their A record
//! sets; and NAT gateways. Also which private endpoint a host name belongs to.
//!
//! A private endpoint's name is its service's public name (`sql-contoso.database.windows.net`);
//! Azure's public DNS answers it with a CNAME to `sql-contoso.privatelink.database.windows.net`,
//! which only a resolver that sees the `privatelink.` zone (Azure DNS, 168.63.129.16, in a
//! VNET linked to the zone) answers with the private IP. Everyone else gets the public IP.

use std::net::{IpAddr, Ipv4Addr};

use serde::Deserialize;

use super::{IdRef, Snapshot, same_id};

/// The label Azure puts before a service's zone for its private endpoints.
pub const PRIVATELINK: &str = "privatelink.";

/// `Microsoft.Network/privateEndpoints`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PrivateEndpoint {
    pub id: String,
    pub name: String,
    pub subnet: Option<IdRef>,
    pub custom_dns_configs: Vec<CustomDnsConfig>,
    pub private_link_service_connections: Vec<LinkServiceConnection>,
    pub manual_private_link_service_connections: Vec<LinkServiceConnection>,
    pub network_interfaces: Vec<IdRef>,
}

/// A name the endpoint answers for, and its private addresses.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct CustomDnsConfig {
    pub fqdn: String,
    pub ip_addresses: Vec<IpAddr>,
}

/// The service behind the endpoint (`privateLinkServiceId`) and its sub-resources
/// (`groupIds`, e.g. `sqlServer`, `blob`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct LinkServiceConnection {
    pub name: String,
    pub private_link_service_id: Option<String>,
    pub group_ids: Vec<String>,
    pub private_link_service_connection_state: Option<ConnectionState>,
}

/// Whether the service's owner approved the endpoint (`Approved`, `Pending`, `Rejected`,
/// `Disconnected`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ConnectionState {
    pub status: Option<String>,
    pub description: Option<String>,
}

impl PrivateEndpoint {
    /// The connection to its service (automatic, else manual).
    pub fn service_connection(&self) -> Option<&LinkServiceConnection> {
        self.private_link_service_connections
            .first()
            .or_else(|| self.manual_private_link_service_connections.first())
    }
}

/// `Microsoft.Network/privateEndpoints/privateDnsZoneGroups`: the zones an endpoint keeps
/// its records in, and the record sets it made there.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ZoneGroup {
    pub id: String,
    pub name: String,
    pub private_dns_zone_configs: Vec<ZoneGroupConfig>,
}

/// One zone of a zone group.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ZoneGroupConfig {
    pub name: String,
    pub private_dns_zone_id: Option<String>,
    pub record_sets: Vec<ZoneGroupRecordSet>,
}

/// A record set a zone group made: the name (`fqdn`) and the endpoint's addresses.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ZoneGroupRecordSet {
    pub record_set_name: Option<String>,
    pub fqdn: Option<String>,
    pub ip_addresses: Vec<IpAddr>,
}

/// `Microsoft.Network/privateDnsZones`: its `name` is the zone.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PrivateDnsZone {
    pub id: String,
    pub name: String,
}

/// `Microsoft.Network/privateDnsZones/virtualNetworkLinks`: the VNETs whose Azure DNS
/// sees the zone.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ZoneLink {
    pub id: String,
    pub name: String,
    pub virtual_network: Option<IdRef>,
    pub registration_enabled: Option<bool>,
    pub virtual_network_link_state: Option<String>,
    /// `Default`, or `NxDomainRedirect`: a name the zone lacks then falls back to public
    /// resolution instead of NXDOMAIN.
    pub resolution_policy: Option<String>,
}

/// `Microsoft.Network/privateDnsZones/A`: one name of the zone and its addresses.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ARecordSet {
    pub id: String,
    /// Relative to the zone (`sql-contoso`).
    pub name: String,
    pub a_records: Vec<ARecord>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ARecord {
    pub ipv4_address: Ipv4Addr,
}

/// `Microsoft.Network/natGateways`: read so that exports holding them are not reported as
/// ignored; no check needs more than their presence on a subnet.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct NatGateway {
    pub id: String,
    pub name: String,
    pub public_ip_addresses: Vec<IdRef>,
    pub subnets: Vec<IdRef>,
}

/// `Microsoft.Network/publicIPAddresses`: the address a NAT gateway (or anything else)
/// shows the internet.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PublicIpAddress {
    pub id: String,
    pub name: String,
    /// Absent while the address is not allocated (a dynamic address of a stopped resource).
    pub ip_address: Option<IpAddr>,
}

/// The zone a zone's child resource (link, record set) belongs to, from its id:
/// `.../privateDnsZones/ZONE/...`.
pub fn zone_of(child_id: &str) -> Option<&str> {
    let mut parts = child_id.split('/');
    parts.find(|p| p.eq_ignore_ascii_case("privateDnsZones"))?;
    parts.next().filter(|zone| !zone.is_empty())
}

/// A host name that belongs to a private endpoint of the snapshot.
#[derive(Debug, Clone)]
pub struct PrivateName<'a> {
    /// The `privatelink.` zone that should answer it.
    pub zone: String,
    /// The endpoint's private addresses for the name.
    pub addresses: Vec<IpAddr>,
    pub endpoint: Option<&'a PrivateEndpoint>,
    /// The zone's record set for the name, when the snapshot has it.
    pub record: Option<&'a ARecordSet>,
    /// The name of the record the zone should hold (`sql-fabrikam`, `app.scm`).
    pub record_name: String,
    /// The endpoint's own addresses for the name (its `customDnsConfigs`), when known:
    /// what a record holding something else is stale against.
    pub endpoint_addresses: Vec<IpAddr>,
}

/// The public and `privatelink.` forms of a name, lowercase without the final dot:
/// `a.b.c` and `a.privatelink.b.c`.
fn forms(name: &str) -> (String, String) {
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    match name.split_once('.') {
        Some((first, rest)) if rest.starts_with(PRIVATELINK) => {
            (format!("{first}.{}", &rest[PRIVATELINK.len()..]), name)
        }
        Some((first, rest)) => (name.clone(), format!("{first}.{PRIVATELINK}{rest}")),
        None => (name.clone(), name),
    }
}

/// The `privatelink.` zone a name's private record lives in, and the record's name there:
/// the service's documented zone (Key Vault's names live in privatelink.vaultcore.azure.net,
/// an app's SCM name in privatelink.azurewebsites.net as APP.scm), else the name's own
/// privatelink form (`a.privatelink.b.c` → zone `privatelink.b.c`, record `a`).
pub fn private_record(name: &str) -> (String, String) {
    let (public, private) = forms(name);
    match super::services::service_of(&public) {
        Some(service) => (
            service.zone.to_owned(),
            public
                .strip_suffix(&format!(".{}", service.suffix))
                .unwrap_or(&public)
                .to_owned(),
        ),
        None => match private.split_once('.') {
            Some((first, zone)) => (zone.to_owned(), first.to_owned()),
            None => (String::new(), private.clone()),
        },
    }
}

impl Snapshot {
    /// The private endpoint (its `customDnsConfigs`, or a `privatelink.` zone's A record
    /// set) that `name` belongs to, in its public or its `privatelink.` form.
    pub fn private_name(&self, name: &str) -> Option<PrivateName<'_>> {
        let (public, _) = forms(name);
        let is_name = |candidate: &str| {
            let (p, _) = forms(candidate);
            p == public
        };
        let (zone_of_private, record_name) = private_record(name);
        let record = self.a_record_sets.iter().find(|r| {
            r.name.eq_ignore_ascii_case(&record_name)
                && zone_of(&r.id).is_some_and(|zone| zone.eq_ignore_ascii_case(&zone_of_private))
        });
        let record_addresses: Vec<IpAddr> = record
            .map(|r| {
                r.a_records
                    .iter()
                    .map(|a| IpAddr::V4(a.ipv4_address))
                    .collect()
            })
            .unwrap_or_default();
        let by_config = self.private_endpoints.iter().find_map(|endpoint| {
            self.own_addresses(endpoint, &is_name)
                .map(|addresses| (endpoint, addresses))
        });
        let by_address = || {
            self.private_endpoints.iter().find(|e| {
                e.custom_dns_configs
                    .iter()
                    .flat_map(|c| &c.ip_addresses)
                    .any(|ip| record_addresses.contains(ip))
            })
        };
        match (by_config, record) {
            (Some((endpoint, addresses)), _) => Some(PrivateName {
                zone: zone_of_private,
                record_name,
                endpoint_addresses: addresses.clone(),
                addresses: if addresses.is_empty() {
                    record_addresses
                } else {
                    addresses
                },
                endpoint: Some(endpoint),
                record,
            }),
            (None, Some(record)) => Some(PrivateName {
                zone: zone_of_private,
                record_name,
                endpoint_addresses: Vec::new(),
                endpoint: by_address(),
                addresses: record_addresses,
                record: Some(record),
            }),
            (None, None) => None,
        }
    }

    /// An endpoint's own record of a name and its addresses: its `customDnsConfigs`, else
    /// (an endpoint made with a DNS zone group, the portal's default, has none) its zone
    /// groups' record sets, else its NIC's `privateLinkConnectionProperties.fqdns`.
    fn own_addresses(
        &self,
        endpoint: &PrivateEndpoint,
        is_name: &dyn Fn(&str) -> bool,
    ) -> Option<Vec<IpAddr>> {
        let from_configs = endpoint
            .custom_dns_configs
            .iter()
            .find(|c| is_name(&c.fqdn))
            .map(|c| c.ip_addresses.clone());
        let from_groups = || {
            let prefix = format!("{}/", endpoint.id.to_ascii_lowercase());
            self.zone_groups
                .iter()
                .filter(|g| g.id.to_ascii_lowercase().starts_with(&prefix))
                .flat_map(|g| &g.private_dns_zone_configs)
                .flat_map(|c| &c.record_sets)
                .find(|r| r.fqdn.as_deref().is_some_and(is_name))
                .map(|r| r.ip_addresses.clone())
        };
        let from_nic = || {
            self.nics
                .iter()
                .filter(|nic| {
                    endpoint
                        .network_interfaces
                        .iter()
                        .any(|n| same_id(&n.id, &nic.id))
                })
                .flat_map(|nic| &nic.ip_configurations)
                .find(|c| {
                    c.private_link_connection_properties
                        .as_ref()
                        .is_some_and(|p| p.fqdns.iter().any(|f| is_name(f)))
                })
                .and_then(|c| match c.private_ip_address {
                    Some(super::IpOrNet::Ip(ip)) => Some(vec![ip]),
                    _ => None,
                })
        };
        from_configs.or_else(from_groups).or_else(from_nic)
    }

    /// The private endpoint that holds an address.
    pub fn private_endpoint_at(&self, ip: IpAddr) -> Option<&PrivateEndpoint> {
        self.private_endpoints.iter().find(|e| {
            e.custom_dns_configs
                .iter()
                .any(|c| c.ip_addresses.contains(&ip))
        })
    }

    /// The private DNS zone of that name, when the snapshot has it.
    pub fn private_dns_zone(&self, zone: &str) -> Option<&PrivateDnsZone> {
        self.private_dns_zones
            .iter()
            .find(|z| z.name.eq_ignore_ascii_case(zone))
    }

    /// The links of a zone (by its name) to VNETs.
    pub fn zone_links(&self, zone: &str) -> Vec<&ZoneLink> {
        self.zone_links
            .iter()
            .filter(|l| zone_of(&l.id).is_some_and(|z| z.eq_ignore_ascii_case(zone)))
            .collect()
    }

    /// The A record sets of a zone (by its name) in the snapshot.
    pub fn zone_records(&self, zone: &str) -> Vec<&ARecordSet> {
        self.a_record_sets
            .iter()
            .filter(|r| zone_of(&r.id).is_some_and(|z| z.eq_ignore_ascii_case(zone)))
            .collect()
    }

    /// The link of a zone to a VNET.
    pub fn zone_link(&self, zone: &str, vnet_id: &str) -> Option<&ZoneLink> {
        self.zone_links(zone).into_iter().find(|l| {
            l.virtual_network
                .as_ref()
                .is_some_and(|v| same_id(&v.id, vnet_id))
        })
    }

    /// Whether a zone is linked to a VNET.
    pub fn zone_linked_to(&self, zone: &str, vnet_id: &str) -> bool {
        self.zone_links(zone).iter().any(|l| {
            l.virtual_network
                .as_ref()
                .is_some_and(|v| same_id(&v.id, vnet_id))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_have_a_public_and_a_privatelink_form() {
        let expected = (
            "sql-contoso.database.windows.net".to_owned(),
            "sql-contoso.privatelink.database.windows.net".to_owned(),
        );
        assert_eq!(forms("SQL-contoso.database.windows.net."), expected);
        assert_eq!(
            forms("sql-contoso.privatelink.database.windows.net"),
            expected
        );
    }

    #[test]
    fn the_zone_is_read_from_a_child_id() {
        assert_eq!(
            zone_of(
                "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/privateDnsZones/privatelink.database.windows.net/A/sql"
            ),
            Some("privatelink.database.windows.net")
        );
        assert_eq!(zone_of("/subscriptions/s/resourceGroups/rg"), None);
    }
}
