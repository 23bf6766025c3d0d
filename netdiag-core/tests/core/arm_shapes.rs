//! ARM responses as Azure returns them: each document below keeps the structure of a
//! `responses.200.body` in the examples of Azure/azure-rest-api-specs (the file each one
//! follows is named above it), with our own names and addresses. They carry what real
//! responses carry beside the fields we read (etags, NAT rules, RADIUS servers, embedded
//! resources with empty `properties`, delegated NIC prefixes), which must all load.

use netdiag_core::snapshot::Snapshot;

fn load(name: &str, text: &str) -> Snapshot {
    let mut snapshot = Snapshot::default();
    snapshot
        .load_text(name, text)
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    let ignored: Vec<_> = snapshot.ignored().collect();
    assert!(ignored.is_empty(), "{name}: {ignored:?}");
    snapshot
}

/// network/.../stable/2024-05-01/examples/VirtualNetworkGatewayGet.json
const GATEWAY: &str = r#"{
  "name": "vgw-hub",
  "id": "/subscriptions/s/resourceGroups/rg-hub/providers/Microsoft.Network/virtualNetworkGateways/vgw-hub",
  "etag": "W/\"1\"",
  "type": "Microsoft.Network/virtualNetworkGateways",
  "location": "northeurope",
  "properties": {
    "provisioningState": "Succeeded",
    "resourceGuid": "00000000-0000-0000-0000-000000000001",
    "ipConfigurations": [{
      "name": "gwipconfig1",
      "id": "/subscriptions/s/resourceGroups/rg-hub/providers/Microsoft.Network/virtualNetworkGateways/vgw-hub/ipConfigurations/gwipconfig1",
      "etag": "W/\"1\"",
      "properties": {
        "provisioningState": "Succeeded",
        "privateIPAllocationMethod": "Dynamic",
        "publicIPAddress": {"id": "/subscriptions/s/resourceGroups/rg-hub/providers/Microsoft.Network/publicIPAddresses/pip-gw"},
        "subnet": {"id": "/subscriptions/s/resourceGroups/rg-hub/providers/Microsoft.Network/virtualNetworks/vnet-hub/subnets/GatewaySubnet"}
      }
    }],
    "natRules": [{
      "name": "nat-egress",
      "id": "/subscriptions/s/resourceGroups/rg-hub/providers/Microsoft.Network/virtualNetworkGateways/vgw-hub/natRules/nat-egress",
      "properties": {"provisioningState": "Succeeded", "type": "Static", "mode": "EgressSnat",
                     "internalMappings": [{"addressSpace": "10.30.0.0/24"}],
                     "externalMappings": [{"addressSpace": "100.64.30.0/24"}]}
    }],
    "enableBgpRouteTranslationForNat": false,
    "sku": {"name": "VpnGw1", "tier": "VpnGw1", "capacity": 0},
    "gatewayType": "Vpn",
    "vpnType": "RouteBased",
    "vpnGatewayGeneration": "None",
    "enableBgp": false,
    "activeActive": false,
    "vpnClientConfiguration": {
      "vpnClientProtocols": ["OpenVPN"],
      "vpnClientRootCertificates": [],
      "vpnClientRevokedCertificates": [],
      "radiusServers": [{"radiusServerAddress": "10.30.0.9", "radiusServerScore": 20}]
    },
    "bgpSettings": {"asn": 65515, "bgpPeeringAddress": "10.30.255.30", "peerWeight": 0},
    "customRoutes": {"addressPrefixes": ["10.99.0.6/32"]},
    "allowVirtualWanTraffic": false,
    "allowRemoteVnetTraffic": false
  }
}"#;

/// network/.../stable/2024-05-01/examples/VirtualNetworkGatewayConnectionGet.json
const CONNECTION: &str = r#"{
  "name": "cn-dublin",
  "id": "/subscriptions/s/resourceGroups/rg-hub/providers/Microsoft.Network/connections/cn-dublin",
  "etag": "W/\"1\"",
  "type": "Microsoft.Network/connections",
  "location": "northeurope",
  "properties": {
    "provisioningState": "Succeeded",
    "virtualNetworkGateway1": {"id": "/subscriptions/s/resourceGroups/rg-hub/providers/Microsoft.Network/virtualNetworkGateways/vgw-hub", "properties": {}},
    "localNetworkGateway2": {"id": "/subscriptions/s/resourceGroups/rg-hub/providers/Microsoft.Network/localNetworkGateways/lgw-dublin", "properties": {}},
    "ingressNatRules": [{"id": "/subscriptions/s/resourceGroups/rg-hub/providers/Microsoft.Network/virtualNetworkGateways/vgw-hub/natRules/nat-ingress"}],
    "connectionType": "IPsec",
    "connectionProtocol": "IKEv2",
    "routingWeight": 0,
    "dpdTimeoutSeconds": 30,
    "enableBgp": false,
    "useLocalAzureIpAddress": false,
    "usePolicyBasedTrafficSelectors": false,
    "ipsecPolicies": [],
    "trafficSelectorPolicies": [],
    "connectionStatus": "Connecting",
    "ingressBytesTransferred": 0,
    "egressBytesTransferred": 0,
    "connectionMode": "Default"
  }
}"#;

/// network/.../stable/2024-05-01/examples/NetworkInterfaceGet.json
const NIC: &str = r#"{
  "name": "nic-db01",
  "id": "/subscriptions/s/resourceGroups/rg-data/providers/Microsoft.Network/networkInterfaces/nic-db01",
  "location": "northeurope",
  "properties": {
    "provisioningState": "Succeeded",
    "ipConfigurations": [
      {"name": "ipconfig1",
       "id": "/subscriptions/s/resourceGroups/rg-data/providers/Microsoft.Network/networkInterfaces/nic-db01/ipConfigurations/ipconfig1",
       "properties": {"provisioningState": "Succeeded", "privateIPAddress": "172.20.2.4",
                      "privateIPAllocationMethod": "Dynamic",
                      "subnet": {"id": "/subscriptions/s/resourceGroups/rg-data/providers/Microsoft.Network/virtualNetworks/vnet-data/subnets/default"},
                      "primary": true, "privateIPAddressVersion": "IPv4"}},
      {"name": "ipconfig2",
       "id": "/subscriptions/s/resourceGroups/rg-data/providers/Microsoft.Network/networkInterfaces/nic-db01/ipConfigurations/ipconfig2",
       "properties": {"provisioningState": "Succeeded", "privateIPAddress": "172.20.2.16/28",
                      "privateIPAddressPrefixLength": 28, "privateIPAllocationMethod": "Dynamic",
                      "subnet": {"id": "/subscriptions/s/resourceGroups/rg-data/providers/Microsoft.Network/virtualNetworks/vnet-data/subnets/default"},
                      "primary": false, "privateIPAddressVersion": "IPv4"}}
    ],
    "dnsSettings": {"dnsServers": [], "appliedDnsServers": [], "internalDomainNameSuffix": "x.internal.cloudapp.net"},
    "macAddress": "00-0D-3A-00-00-01",
    "enableAcceleratedNetworking": true,
    "disableTcpStateTracking": true,
    "enableIPForwarding": false,
    "networkSecurityGroup": {"id": "/subscriptions/s/resourceGroups/rg-data/providers/Microsoft.Network/networkSecurityGroups/nsg-db"},
    "primary": true,
    "virtualMachine": {"id": "/subscriptions/s/resourceGroups/rg-data/providers/Microsoft.Compute/virtualMachines/vm-db01"},
    "vnetEncryptionSupported": false
  },
  "type": "Microsoft.Network/networkInterfaces"
}"#;

#[test]
fn a_gateway_as_arm_returns_it() {
    let snapshot = load("gateway.json", GATEWAY);
    let gateway = &snapshot.gateways[0];
    assert_eq!(gateway.sku_name(), Some("VpnGw1"));
    assert!(gateway.p2s_pool().is_empty());
    let config = gateway.vpn_client_configuration.as_ref().unwrap();
    assert_eq!(config.vpn_client_protocols, ["OpenVPN"]);
    assert_eq!(config.vpn_authentication_types, None);
    assert_eq!(
        snapshot.gateways_of("/subscriptions/s/resourceGroups/rg-hub/providers/Microsoft.Network/virtualNetworks/vnet-hub").len(),
        1
    );
}

#[test]
fn a_connection_with_embedded_gateways_as_arm_returns_it() {
    let snapshot = load("connection.json", CONNECTION);
    let connection = &snapshot.connections[0];
    assert_eq!(connection.connection_status.as_deref(), Some("Connecting"));
    assert!(
        connection
            .local_network_gateway2
            .as_ref()
            .unwrap()
            .id
            .ends_with("/lgw-dublin")
    );
    assert_eq!(
        snapshot
            .connections_of_gateway("/subscriptions/s/resourceGroups/rg-hub/providers/Microsoft.Network/virtualNetworkGateways/VGW-HUB")
            .len(),
        1
    );
}

#[test]
fn a_nic_with_a_delegated_prefix_as_arm_returns_it() {
    let snapshot = load("nic.json", NIC);
    let configs = &snapshot.nics[0].ip_configurations;
    assert!(configs[0].holds("172.20.2.4".parse().unwrap()));
    assert!(configs[1].holds("172.20.2.30".parse().unwrap()));
    assert!(!configs[1].holds("172.20.2.32".parse().unwrap()));
}

/// web/.../Microsoft.Web/AppService/stable/2024-11-01: a site as `GET .../sites/{name}`
/// returns it on API versions with `outboundVnetRouting` (every flag present, most false),
/// an empty `dnsConfiguration`, and a `siteConfig` full of nulls.
const SITE: &str = r#"{
  "id": "/subscriptions/s/resourceGroups/rg-web/providers/Microsoft.Web/sites/web-orders",
  "name": "web-orders",
  "type": "Microsoft.Web/sites",
  "kind": "app",
  "location": "North Europe",
  "properties": {
    "name": "web-orders",
    "state": "Running",
    "hostNames": ["web-orders.azurewebsites.net"],
    "serverFarmId": "/subscriptions/s/resourceGroups/rg-web/providers/Microsoft.Web/serverfarms/plan-orders",
    "reserved": false,
    "isXenon": false,
    "hyperV": false,
    "sandboxType": null,
    "dnsConfiguration": {},
    "containerAllocationSubnet": null,
    "outboundVnetRouting": {"allTraffic": false, "applicationTraffic": true, "contentShareTraffic": false,
                            "imagePullTraffic": false, "backupRestoreTraffic": false, "managedIdentityTraffic": false},
    "virtualNetworkSubnetId": "/subscriptions/s/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet-spoke/subnets/snet-apps",
    "siteConfig": {"numberOfWorkers": 1, "defaultDocuments": null, "netFrameworkVersion": null,
                   "linuxFxVersion": "", "windowsFxVersion": null, "vnetRouteAllEnabled": null,
                   "ipSecurityRestrictions": null, "http20Enabled": false, "minTlsVersion": null},
    "outboundIpAddresses": "20.0.0.1,20.0.0.2",
    "httpsOnly": true
  }
}"#;

/// web/.../Microsoft.Web/AppService/stable/2024-11-01/examples/CreateOrUpdateAppServicePlan.json
const PLAN: &str = r#"{
  "id": "/subscriptions/s/resourceGroups/rg-web/providers/Microsoft.Web/serverfarms/plan-orders",
  "name": "plan-orders",
  "type": "Microsoft.Web/serverfarms",
  "kind": "app",
  "location": "North Europe",
  "properties": {"status": "Ready", "maximumNumberOfWorkers": 30, "geoRegion": "North Europe",
                 "numberOfSites": 4, "isSpot": false, "reserved": false, "targetWorkerCount": 0,
                 "targetWorkerSizeId": 0, "provisioningState": "Succeeded"},
  "sku": {"name": "P1v3", "tier": "PremiumV3", "size": "P1v3", "family": "Pv3", "capacity": 3}
}"#;

#[test]
fn a_site_and_its_plan_as_arm_returns_them() {
    let mut snapshot = load("site.json", SITE);
    snapshot.load_text("plan.json", PLAN).unwrap();
    let site = &snapshot.sites[0];
    assert!(site.route_all(), "applicationTraffic means Route All");
    assert_eq!(site.not_a_windows_code_app(), None);
    assert!(
        site.virtual_network_subnet_id
            .as_deref()
            .unwrap()
            .ends_with("/snet-apps")
    );
    let plan = &snapshot.plans[0];
    assert_eq!(plan.tier(), Some("PremiumV3"));
    assert_eq!(plan.sku.as_ref().unwrap().capacity, Some(3));
}
