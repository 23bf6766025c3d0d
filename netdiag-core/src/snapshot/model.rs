//! The resource types of a network snapshot, as serde structs over the *normalised* JSON:
//! ARM's `properties` objects merged into their parents and `null` fields removed, so the
//! ARM REST shape and the Azure CLI's flattened shape read alike. Unknown fields are
//! ignored; a known field of the wrong type is an error that names its path.

use std::fmt;
use std::net::IpAddr;
use std::str::FromStr;

use ipnet::IpNet;
use serde::{Deserialize, Deserializer, de};

/// A reference to another resource by its ARM id. A reference without an id, or with a
/// name where the id belongs, is an error: it would silently join nothing.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(try_from = "RawIdRef")]
pub struct IdRef {
    pub id: String,
}

#[derive(Deserialize)]
struct RawIdRef {
    #[serde(default)]
    id: Option<String>,
}

impl TryFrom<RawIdRef> for IdRef {
    type Error = String;
    fn try_from(raw: RawIdRef) -> Result<Self, Self::Error> {
        match raw.id {
            Some(id) => check_arm_id(&id).map(|()| Self { id }),
            None => Err("a reference needs an \"id\"".to_owned()),
        }
    }
}

/// An ARM resource id starts with `/subscriptions/` (or at least `/`).
fn check_arm_id(id: &str) -> Result<(), String> {
    if id.starts_with('/') && !id.contains(char::is_whitespace) {
        Ok(())
    } else {
        Err(format!(
            "'{id}' is not an ARM resource id (/subscriptions/.../providers/...)"
        ))
    }
}

fn arm_id<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    let id = String::deserialize(deserializer)?;
    check_arm_id(&id).map_err(de::Error::custom)?;
    Ok(Some(id))
}

/// A list of CIDR prefixes (`addressSpace`, `vpnClientAddressPool`, ...).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct AddressSpace {
    pub address_prefixes: Vec<Cidr>,
}

/// A CIDR prefix; a bare IP address is taken as a single-address prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Cidr(pub IpNet);

impl FromStr for Cidr {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let text = text.trim();
        if let Ok(net) = text.parse::<IpNet>() {
            return Ok(Self(net.trunc()));
        }
        if let Ok(ip) = text.parse::<IpAddr>() {
            return Ok(Self(IpNet::from(ip)));
        }
        Err(format!("'{text}' is not a CIDR prefix (like 10.1.0.0/16)"))
    }
}

impl fmt::Display for Cidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl<'de> Deserialize<'de> for Cidr {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(de::Error::custom)
    }
}

/// An NSG address prefix: `*`, a CIDR or IP, or a service tag (`VirtualNetwork`, ...).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AddressPrefix {
    Any,
    Net(IpNet),
    Tag(String),
}

impl FromStr for AddressPrefix {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let text = text.trim();
        if text == "*" || text.eq_ignore_ascii_case("any") {
            return Ok(Self::Any);
        }
        let looks_like_address = text.starts_with(|c: char| c.is_ascii_digit())
            || text.contains(':')
            || text.contains('/');
        if looks_like_address {
            return text.parse::<Cidr>().map(|cidr| Self::Net(cidr.0));
        }
        if text.is_empty()
            || !text
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || ".-_".contains(c))
        {
            return Err(format!(
                "'{text}' is neither an address prefix nor a service tag"
            ));
        }
        Ok(Self::Tag(text.to_owned()))
    }
}

impl fmt::Display for AddressPrefix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Any => f.write_str("*"),
            Self::Net(net) => net.fmt(f),
            Self::Tag(tag) => f.write_str(tag),
        }
    }
}

impl<'de> Deserialize<'de> for AddressPrefix {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(de::Error::custom)
    }
}

/// An NSG port range: `*`, `443` or `1024-65535`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PortRange {
    pub first: u16,
    pub last: u16,
}

impl PortRange {
    pub const ANY: Self = Self {
        first: 0,
        last: u16::MAX,
    };

    pub fn contains(self, port: u16) -> bool {
        (self.first..=self.last).contains(&port)
    }
}

impl FromStr for PortRange {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let text = text.trim();
        if text == "*" || text.eq_ignore_ascii_case("any") {
            return Ok(Self::ANY);
        }
        let bad = || format!("'{text}' is not a port range (like 443, 1024-65535 or *)");
        let (first, last) = text.split_once('-').unwrap_or((text, text));
        let first: u16 = first.trim().parse().map_err(|_| bad())?;
        let last: u16 = last.trim().parse().map_err(|_| bad())?;
        if first > last {
            return Err(bad());
        }
        Ok(Self { first, last })
    }
}

impl fmt::Display for PortRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if *self == Self::ANY {
            f.write_str("*")
        } else if self.first == self.last {
            write!(f, "{}", self.first)
        } else {
            write!(f, "{}-{}", self.first, self.last)
        }
    }
}

impl<'de> Deserialize<'de> for PortRange {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // Ports appear as strings in ARM and sometimes as numbers in hand-made exports.
        let value = serde_json::Value::deserialize(deserializer)?;
        match value {
            serde_json::Value::String(text) => text.parse().map_err(de::Error::custom),
            serde_json::Value::Number(number) => number
                .as_u64()
                .and_then(|n| u16::try_from(n).ok())
                .map(|port| Self {
                    first: port,
                    last: port,
                })
                .ok_or_else(|| de::Error::custom(format!("{number} is not a port number"))),
            other => Err(de::Error::custom(format!(
                "expected a port range, found {other}"
            ))),
        }
    }
}

/// An address or a CIDR prefix (a VNET connection route's `startAddress`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IpOrNet {
    Ip(IpAddr),
    Net(IpNet),
}

impl<'de> Deserialize<'de> for IpOrNet {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        let text = text.trim();
        if let Ok(ip) = text.parse::<IpAddr>() {
            return Ok(Self::Ip(ip));
        }
        text.parse::<IpNet>()
            .map(|net| Self::Net(net.trunc()))
            .map_err(|_| {
                de::Error::custom(format!(
                    "'{text}' is neither an IP address nor a CIDR prefix"
                ))
            })
    }
}

/// `Microsoft.Web/sites`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Site {
    pub id: String,
    pub name: String,
    pub location: String,
    /// `app`, `app,linux`, `app,container,windows`, `functionapp,linux`, ...
    pub kind: Option<String>,
    /// A Linux app (ARM's name for it).
    pub reserved: Option<bool>,
    /// A Windows container app.
    pub is_xenon: Option<bool>,
    #[serde(deserialize_with = "arm_id")]
    pub server_farm_id: Option<String>,
    pub vnet_route_all_enabled: Option<bool>,
    pub outbound_vnet_routing: Option<OutboundVnetRouting>,
    pub virtual_network_subnet_id: Option<String>,
    pub dns_configuration: Option<SiteDnsConfiguration>,
    pub site_config: Option<SiteConfig>,
    /// The public addresses the app's outbound traffic leaves from (comma-separated).
    pub outbound_ip_addresses: Option<String>,
    pub possible_outbound_ip_addresses: Option<String>,
    /// Content-share traffic through the VNET (Functions, Elastic Premium).
    pub vnet_content_share_enabled: Option<bool>,
    /// Container image pull through the VNET.
    pub vnet_image_pull_enabled: Option<bool>,
    /// As a target: its host names, and whether its public endpoint is open.
    pub host_names: Vec<String>,
    pub public_network_access: Option<String>,
}

/// An access restriction of a site (`ipSecurityRestrictions`): an address range, a
/// service tag, or a subnet, allowed or denied.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct IpRestriction {
    pub name: Option<String>,
    pub ip_address: Option<String>,
    pub action: Option<String>,
    pub tag: Option<String>,
    pub vnet_subnet_resource_id: Option<String>,
}

/// `outboundVnetRouting` (newer API versions): `allTraffic` or `applicationTraffic` means
/// Route All; the others route the platform's own traffic.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct OutboundVnetRouting {
    pub all_traffic: Option<bool>,
    pub application_traffic: Option<bool>,
    pub content_share_traffic: Option<bool>,
    pub image_pull_traffic: Option<bool>,
}

/// `Microsoft.Web/sites/config` named `web` (`az webapp config show`): the site's
/// configuration, which carries `vnetRouteAllEnabled` on older API versions.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SiteWebConfig {
    pub id: String,
    pub name: String,
    pub vnet_route_all_enabled: Option<bool>,
    pub vnet_name: Option<String>,
    /// The site's access restrictions, when it is a target.
    pub ip_security_restrictions: Vec<IpRestriction>,
    pub ip_security_restrictions_default_action: Option<String>,
}

/// `Microsoft.Web/sites/networkConfig` (`.../networkConfig/virtualNetwork`, also typed
/// `Microsoft.Web/sites/config` named `virtualNetwork`): the regional integration's subnet.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SiteNetworkConfig {
    pub id: String,
    pub name: String,
    pub subnet_resource_id: Option<String>,
    pub swift_supported: Option<bool>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SiteDnsConfiguration {
    pub dns_servers: Vec<String>,
    pub dns_alt_server: Option<String>,
    /// Seconds each server has (App Service's `WEBSITE_DNS_TIMEOUT`, as a site property).
    pub dns_retry_attempt_timeout: Option<u64>,
    /// Attempts per server (`WEBSITE_DNS_ATTEMPTS`, as a site property).
    pub dns_retry_attempt_count: Option<u32>,
    /// Seconds the app keeps an answer (`WEBSITE_DNS_MAX_CACHE_TIMEOUT`; 0: no cache).
    pub dns_max_cache_timeout: Option<u64>,
    /// Read-only: an older Windows site that still sorts its VNET's DNS servers and uses
    /// the first two.
    pub dns_legacy_sort_order: Option<bool>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SiteConfig {
    pub vnet_route_all_enabled: Option<bool>,
    pub dns_configuration: Option<SiteDnsConfiguration>,
    /// `DOCKER|registry/image:tag` for a container app.
    pub linux_fx_version: Option<String>,
    pub windows_fx_version: Option<String>,
    pub ip_security_restrictions: Vec<IpRestriction>,
    pub ip_security_restrictions_default_action: Option<String>,
}

impl Site {
    /// The public addresses the app's traffic leaves from without the VNET:
    /// `outboundIpAddresses`, else `possibleOutboundIpAddresses`.
    pub fn outbound_ips(&self) -> Vec<IpAddr> {
        let parse = |list: &str| -> Vec<IpAddr> {
            list.split(',')
                .filter_map(|ip| ip.trim().parse().ok())
                .collect()
        };
        let current = self.outbound_ip_addresses.as_deref().map(parse);
        current
            .filter(|ips| !ips.is_empty())
            .or_else(|| self.possible_outbound_ip_addresses.as_deref().map(parse))
            .unwrap_or_default()
    }

    /// The field that routes content-share traffic through the VNET, when one does.
    pub fn content_share_routed(&self) -> Option<&'static str> {
        let outbound = self.outbound_vnet_routing.as_ref();
        if self.vnet_content_share_enabled == Some(true) {
            Some("vnetContentShareEnabled")
        } else if outbound.is_some_and(|o| o.content_share_traffic == Some(true)) {
            Some("outboundVnetRouting.contentShareTraffic")
        } else if outbound.is_some_and(|o| o.all_traffic == Some(true)) {
            Some("outboundVnetRouting.allTraffic")
        } else {
            None
        }
    }

    /// The field that routes image pull through the VNET, when one does.
    pub fn image_pull_routed(&self) -> Option<&'static str> {
        let outbound = self.outbound_vnet_routing.as_ref();
        if self.vnet_image_pull_enabled == Some(true) {
            Some("vnetImagePullEnabled")
        } else if outbound.is_some_and(|o| o.image_pull_traffic == Some(true)) {
            Some("outboundVnetRouting.imagePullTraffic")
        } else if outbound.is_some_and(|o| o.all_traffic == Some(true)) {
            Some("outboundVnetRouting.allTraffic")
        } else {
            None
        }
    }

    /// A container app's image (`registry/image:tag`, from `DOCKER|...`).
    pub fn container_image(&self) -> Option<&str> {
        let config = self.site_config.as_ref()?;
        [&config.linux_fx_version, &config.windows_fx_version]
            .into_iter()
            .flatten()
            .find_map(|fx| {
                let (kind, image) = fx.split_once('|')?;
                kind.eq_ignore_ascii_case("DOCKER").then_some(image.trim())
            })
    }

    /// Whether all outbound traffic is routed into the VNET: `vnetRouteAllEnabled` (on the
    /// site or its `siteConfig`), or `outboundVnetRouting` on newer API versions.
    pub fn route_all(&self) -> bool {
        self.route_all_field().is_some()
    }

    /// The field that turns Route All on, when one does.
    pub fn route_all_field(&self) -> Option<&'static str> {
        let outbound = self.outbound_vnet_routing.as_ref();
        // The fields mirror each other across API versions; an export may carry a stale
        // `false` in one of them, so any one set means Route All.
        if outbound.is_some_and(|o| o.all_traffic == Some(true)) {
            Some("outboundVnetRouting.allTraffic")
        } else if outbound.is_some_and(|o| o.application_traffic == Some(true)) {
            Some("outboundVnetRouting.applicationTraffic")
        } else if self.vnet_route_all_enabled == Some(true) {
            Some("vnetRouteAllEnabled")
        } else if self
            .site_config
            .as_ref()
            .and_then(|c| c.vnet_route_all_enabled)
            == Some(true)
        {
            Some("siteConfig.vnetRouteAllEnabled")
        } else {
            None
        }
    }

    /// The site's DNS settings: `dnsConfiguration`, or `siteConfig.dnsConfiguration`.
    pub fn dns(&self) -> Option<&SiteDnsConfiguration> {
        self.dns_configuration
            .as_ref()
            .or_else(|| self.site_config.as_ref()?.dns_configuration.as_ref())
    }

    /// Why the app cannot use gateway-required integration (a Linux app or a Windows
    /// container), when it cannot.
    pub fn not_a_windows_code_app(&self) -> Option<&'static str> {
        let kind = self
            .kind
            .as_deref()
            .unwrap_or_default()
            .to_ascii_lowercase();
        if self.reserved == Some(true) || kind.contains("linux") {
            Some("a Linux app")
        } else if self.is_xenon == Some(true) || kind.contains("container") {
            Some("a Windows container app")
        } else {
            None
        }
    }
}

/// `Microsoft.Web/serverfarms` (the App Service plan).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Plan {
    pub id: String,
    pub name: String,
    pub location: String,
    pub kind: Option<String>,
    pub reserved: Option<bool>,
    pub sku: Option<Sku>,
    /// Elastic Premium: the most instances the plan scales out to.
    pub maximum_elastic_worker_count: Option<u32>,
}

impl Plan {
    /// The instances the plan can run, which the integration subnet must hold:
    /// `max(sku.capacity, maximumElasticWorkerCount)`; `None` when neither is known.
    pub fn instances(&self) -> Option<u32> {
        let capacity = self.sku.as_ref().and_then(|s| s.capacity);
        match (capacity, self.maximum_elastic_worker_count) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        }
    }

    pub fn tier(&self) -> Option<&str> {
        self.sku.as_ref().and_then(|s| s.tier.as_deref())
    }
}

/// A plan's or a gateway's SKU.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Sku {
    pub name: Option<String>,
    pub tier: Option<String>,
    /// A plan's instance count.
    pub capacity: Option<u32>,
}

/// `Microsoft.Web/sites/virtualNetworkConnections` (or at plan level).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct VnetConnection {
    pub id: String,
    pub name: String,
    #[serde(deserialize_with = "arm_id")]
    pub vnet_resource_id: Option<String>,
    pub cert_thumbprint: Option<String>,
    pub cert_blob: Option<String>,
    pub routes: Vec<VnetRoute>,
    pub resync_required: Option<bool>,
    pub dns_servers: Option<String>,
    pub is_swift: Option<bool>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VnetRoute {
    #[serde(default)]
    pub name: String,
    pub start_address: IpOrNet,
    #[serde(default)]
    pub end_address: Option<IpAddr>,
    #[serde(default)]
    pub route_type: Option<String>,
}

/// `Microsoft.Network/virtualNetworks`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct VirtualNetwork {
    pub id: String,
    pub name: String,
    pub location: String,
    pub address_space: AddressSpace,
    pub dhcp_options: Option<DhcpOptions>,
    pub subnets: Vec<Subnet>,
    pub virtual_network_peerings: Vec<Peering>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct DhcpOptions {
    pub dns_servers: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Subnet {
    pub id: String,
    pub name: String,
    pub address_prefix: Option<Cidr>,
    pub address_prefixes: Vec<Cidr>,
    pub network_security_group: Option<IdRef>,
    pub route_table: Option<IdRef>,
    pub ip_configurations: Vec<IdRef>,
    pub private_endpoints: Vec<IdRef>,
    pub delegations: Vec<Delegation>,
    pub service_association_links: Vec<ServiceAssociationLink>,
    /// `Disabled` (Azure's default), `Enabled`, `NetworkSecurityGroupEnabled` or
    /// `RouteTableEnabled`: whether NSGs and route tables apply to private endpoints here.
    pub private_endpoint_network_policies: Option<String>,
    pub nat_gateway: Option<IdRef>,
    /// The services whose traffic from this subnet enters their service through the VNET
    /// (`Microsoft.Sql`, `Microsoft.Storage`, ...).
    pub service_endpoints: Vec<ServiceEndpoint>,
}

/// One service endpoint of a subnet.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ServiceEndpoint {
    pub service: Option<String>,
}

/// A subnet's delegation to a service (`Microsoft.Web/serverFarms` for regional VNET
/// Integration).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Delegation {
    pub name: String,
    pub service_name: Option<String>,
}

/// What a service put on a subnet it uses (an App Service plan's link for regional VNET
/// Integration).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ServiceAssociationLink {
    pub name: String,
    pub linked_resource_type: Option<String>,
    pub link: Option<String>,
}

impl Subnet {
    /// Whether the subnet's NSG filters traffic to its private endpoints.
    pub fn nsg_applies_to_private_endpoints(&self) -> bool {
        self.private_endpoint_network_policies
            .as_deref()
            .is_some_and(|p| {
                p.eq_ignore_ascii_case("Enabled")
                    || p.eq_ignore_ascii_case("NetworkSecurityGroupEnabled")
            })
    }

    /// Whether the subnet's route table steers its private endpoints' traffic.
    pub fn routes_apply_to_private_endpoints(&self) -> bool {
        self.private_endpoint_network_policies
            .as_deref()
            .is_some_and(|p| {
                p.eq_ignore_ascii_case("Enabled") || p.eq_ignore_ascii_case("RouteTableEnabled")
            })
    }

    /// `addressPrefix` and `addressPrefixes` together.
    pub fn prefixes(&self) -> Vec<IpNet> {
        self.address_prefix
            .iter()
            .chain(&self.address_prefixes)
            .map(|c| c.0)
            .collect()
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Peering {
    pub name: String,
    pub remote_address_space: Option<AddressSpace>,
    pub remote_virtual_network: Option<IdRef>,
    pub peering_state: Option<String>,
    pub allow_virtual_network_access: Option<bool>,
    pub allow_forwarded_traffic: Option<bool>,
    pub allow_gateway_transit: Option<bool>,
    pub use_remote_gateways: Option<bool>,
}

impl Peering {
    pub fn remote_spaces(&self) -> Vec<IpNet> {
        self.remote_address_space
            .iter()
            .flat_map(|s| s.address_prefixes.iter().map(|c| c.0))
            .collect()
    }

    pub fn connected(&self) -> bool {
        self.peering_state
            .as_deref()
            .is_some_and(|s| s.eq_ignore_ascii_case("Connected"))
    }

    /// The remote VNET's id, when the peering names it.
    pub fn remote_id(&self) -> Option<&str> {
        self.remote_virtual_network.as_ref().map(|r| r.id.as_str())
    }
}

/// `Microsoft.Network/virtualNetworkGateways`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Gateway {
    pub id: String,
    pub name: String,
    pub location: String,
    pub gateway_type: Option<String>,
    pub vpn_type: Option<String>,
    pub provisioning_state: Option<String>,
    pub sku: Option<Sku>,
    pub ip_configurations: Vec<GatewayIpConfiguration>,
    pub vpn_client_configuration: Option<VpnClientConfiguration>,
    /// A VPN gateway that exchanges routes with on-premises over BGP.
    pub enable_bgp: Option<bool>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct GatewayIpConfiguration {
    pub subnet: Option<IdRef>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct VpnClientConfiguration {
    pub vpn_client_address_pool: Option<AddressSpace>,
    pub vpn_client_root_certificates: Vec<RootCertificate>,
    pub vpn_client_protocols: Vec<String>,
    /// Absent means certificate authentication.
    pub vpn_authentication_types: Option<Vec<String>>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct RootCertificate {
    pub name: String,
    pub public_cert_data: String,
}

impl Gateway {
    /// The point-to-site address pool.
    pub fn p2s_pool(&self) -> Vec<IpNet> {
        self.vpn_client_configuration
            .as_ref()
            .and_then(|c| c.vpn_client_address_pool.as_ref())
            .map(|pool| pool.address_prefixes.iter().map(|c| c.0).collect())
            .unwrap_or_default()
    }

    /// The SKU's name (`Basic`, `VpnGw1`, ...).
    pub fn sku_name(&self) -> Option<&str> {
        self.sku
            .as_ref()
            .and_then(|s| s.name.as_deref().or(s.tier.as_deref()))
    }

    /// Whether the gateway learns on-premises prefixes over BGP (`ExpressRoute` always does;
    /// a VPN gateway with `enableBgp`): prefixes no export lists.
    pub fn learns_routes(&self) -> bool {
        self.is_expressroute() || self.enable_bgp == Some(true)
    }

    pub fn is_expressroute(&self) -> bool {
        self.gateway_type
            .as_deref()
            .is_some_and(|t| t.eq_ignore_ascii_case("ExpressRoute"))
    }
}

/// `Microsoft.Network/localNetworkGateways` (the on-premises side).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct LocalGateway {
    pub id: String,
    pub name: String,
    pub local_network_address_space: Option<AddressSpace>,
    pub gateway_ip_address: Option<String>,
}

impl LocalGateway {
    pub fn prefixes(&self) -> Vec<IpNet> {
        self.local_network_address_space
            .as_ref()
            .map(|space| space.address_prefixes.iter().map(|c| c.0).collect())
            .unwrap_or_default()
    }
}

/// `Microsoft.Network/connections` (site-to-site, VNET-to-VNET, `ExpressRoute`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Connection {
    pub id: String,
    pub name: String,
    pub connection_status: Option<String>,
    pub connection_type: Option<String>,
    pub virtual_network_gateway1: Option<IdRef>,
    pub local_network_gateway2: Option<IdRef>,
}

/// `Microsoft.Network/networkSecurityGroups`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Nsg {
    pub id: String,
    pub name: String,
    pub security_rules: Vec<SecurityRule>,
    pub default_security_rules: Vec<SecurityRule>,
    pub subnets: Vec<IdRef>,
    pub network_interfaces: Vec<IdRef>,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct SecurityRule {
    #[serde(default)]
    pub name: String,
    pub priority: u32,
    pub direction: String,
    pub access: String,
    #[serde(default = "any_protocol")]
    pub protocol: String,
    #[serde(default)]
    pub source_address_prefix: Option<AddressPrefix>,
    #[serde(default)]
    pub source_address_prefixes: Vec<AddressPrefix>,
    #[serde(default)]
    pub destination_address_prefix: Option<AddressPrefix>,
    #[serde(default)]
    pub destination_address_prefixes: Vec<AddressPrefix>,
    #[serde(default)]
    pub source_port_range: Option<PortRange>,
    #[serde(default)]
    pub source_port_ranges: Vec<PortRange>,
    #[serde(default)]
    pub destination_port_range: Option<PortRange>,
    #[serde(default)]
    pub destination_port_ranges: Vec<PortRange>,
    #[serde(default)]
    pub source_application_security_groups: Vec<IdRef>,
    #[serde(default)]
    pub destination_application_security_groups: Vec<IdRef>,
}

impl SecurityRule {
    /// `sourceAddressPrefix` and `sourceAddressPrefixes` together.
    pub fn sources(&self) -> Vec<&AddressPrefix> {
        self.source_address_prefix
            .iter()
            .chain(&self.source_address_prefixes)
            .collect()
    }

    /// `destinationAddressPrefix` and `destinationAddressPrefixes` together.
    pub fn destinations(&self) -> Vec<&AddressPrefix> {
        self.destination_address_prefix
            .iter()
            .chain(&self.destination_address_prefixes)
            .collect()
    }

    /// `sourcePortRange` and `sourcePortRanges` together.
    pub fn source_ports(&self) -> Vec<PortRange> {
        self.source_port_range
            .iter()
            .chain(&self.source_port_ranges)
            .copied()
            .collect()
    }

    /// `destinationPortRange` and `destinationPortRanges` together.
    pub fn destination_ports(&self) -> Vec<PortRange> {
        self.destination_port_range
            .iter()
            .chain(&self.destination_port_ranges)
            .copied()
            .collect()
    }
}

fn any_protocol() -> String {
    "*".to_owned()
}

/// `Microsoft.Network/networkInterfaces`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Nic {
    pub id: String,
    pub name: String,
    pub ip_configurations: Vec<NicIpConfiguration>,
    pub network_security_group: Option<IdRef>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct NicIpConfiguration {
    /// An address, or (with `privateIPAddressPrefixLength`) a prefix delegated to the NIC,
    /// written either as its first address or as CIDR.
    #[serde(rename = "privateIPAddress", alias = "privateIpAddress")]
    pub private_ip_address: Option<IpOrNet>,
    #[serde(
        rename = "privateIPAddressPrefixLength",
        alias = "privateIpAddressPrefixLength"
    )]
    pub private_ip_address_prefix_length: Option<u8>,
    pub subnet: Option<IdRef>,
    /// A private endpoint's NIC: the names it serves.
    pub private_link_connection_properties: Option<PrivateLinkConnectionProperties>,
}

/// `privateLinkConnectionProperties` of a private endpoint NIC's IP configuration.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PrivateLinkConnectionProperties {
    pub fqdns: Vec<String>,
}

impl NicIpConfiguration {
    /// Whether this configuration holds `ip` (its address, or inside its prefix).
    pub fn holds(&self, ip: IpAddr) -> bool {
        match (
            self.private_ip_address,
            self.private_ip_address_prefix_length,
        ) {
            (Some(IpOrNet::Ip(address)), None) => address == ip,
            (Some(IpOrNet::Ip(address)), Some(length)) => {
                IpNet::new(address, length).is_ok_and(|net| net.trunc().contains(&ip))
            }
            (Some(IpOrNet::Net(net)), _) => net.contains(&ip),
            (None, _) => false,
        }
    }
}

/// `Microsoft.Network/routeTables`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct RouteTable {
    pub id: String,
    pub name: String,
    pub disable_bgp_route_propagation: Option<bool>,
    pub routes: Vec<Route>,
    pub subnets: Vec<IdRef>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Route {
    #[serde(default)]
    pub name: String,
    pub address_prefix: AddressPrefix,
    pub next_hop_type: String,
    #[serde(default)]
    pub next_hop_ip_address: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_ports_and_tags() {
        assert_eq!(
            "10.1.0.5/16".parse::<Cidr>().unwrap().to_string(),
            "10.1.0.0/16"
        );
        assert_eq!(
            "10.1.0.5".parse::<Cidr>().unwrap().to_string(),
            "10.1.0.5/32"
        );
        assert!("10.1.0.0/33".parse::<Cidr>().is_err());
        assert_eq!("*".parse::<AddressPrefix>(), Ok(AddressPrefix::Any));
        assert_eq!(
            "VirtualNetwork".parse::<AddressPrefix>(),
            Ok(AddressPrefix::Tag("VirtualNetwork".into()))
        );
        assert_eq!(
            "Storage.WestEurope".parse::<AddressPrefix>(),
            Ok(AddressPrefix::Tag("Storage.WestEurope".into()))
        );
        assert!("10.1.300.0/24".parse::<AddressPrefix>().is_err());
        assert!("10.0.0.0/8; drop".parse::<AddressPrefix>().is_err());
        assert_eq!("1433".parse::<PortRange>().unwrap().to_string(), "1433");
        assert_eq!(
            "1024-65535".parse::<PortRange>().unwrap().to_string(),
            "1024-65535"
        );
        assert_eq!("*".parse::<PortRange>(), Ok(PortRange::ANY));
        for bad in ["70000", "20-10", "http", ""] {
            assert!(bad.parse::<PortRange>().is_err(), "{bad}");
        }
    }
}
