//! `dns.private-endpoint` and the private endpoint's place on the path, on the shipped
//! regional example (a SQL server's private endpoint whose zone is linked to another VNET)
//! with one thing changed at a time. Probes are simulated: lookups are built here, never
//! sent.

use std::collections::BTreeMap;
use std::time::Duration;

use netdiag_core::checklist::SkipReason;
use netdiag_core::checklist::{Check, Status};
use netdiag_core::dns::{DnsAnswer, DnsAttempt, DnsOutcome, Lookup, ServerSource};
use serde_json::{Value, json};

use super::checklist::{Seen, evaluate_with};

const NAME: &str = "sql-fabrikam.database.windows.net";
const SUB: &str = "/subscriptions/0b7e5a3d-0000-4000-8000-0000000fab01";
const VNET: &str = "/subscriptions/0b7e5a3d-0000-4000-8000-0000000fab01/resourceGroups/rg-fabrikam/providers/Microsoft.Network/virtualNetworks/vnet-fabrikam";
const ZONE: &str = "/subscriptions/0b7e5a3d-0000-4000-8000-0000000fab01/resourceGroups/rg-fabrikam-dns/providers/Microsoft.Network/privateDnsZones/privatelink.database.windows.net";

/// The regional example export as file name -> JSON.
pub(crate) fn regional_example() -> BTreeMap<String, Value> {
    netdiag_tests::read_export(&netdiag_tests::regional_export())
        .into_iter()
        .collect()
}

/// The example's own view: the app asks its VNET's DNS server, 10.20.1.4.
fn seen() -> Seen {
    Seen {
        target: NAME,
        servers: &["10.20.1.4:53"],
        ..Seen::default()
    }
}

fn check_with(id: &str, change: impl FnOnce(&mut BTreeMap<String, Value>), seen: &Seen) -> Check {
    super::checklist::check_of(regional_example(), change, seen, id)
}

fn check(id: &str, change: impl FnOnce(&mut BTreeMap<String, Value>)) -> Check {
    check_with(id, change, &seen())
}

fn link_zone_to(vnet: &'static str) -> impl FnOnce(&mut BTreeMap<String, Value>) {
    move |f| {
        f.get_mut("zone-links.json").unwrap().as_array_mut().unwrap().push(json!({
            "id": format!("{ZONE}/virtualNetworkLinks/link-{}", vnet.rsplit('/').next().unwrap()),
            "name": "link", "type": "Microsoft.Network/privateDnsZones/virtualNetworkLinks",
            "properties": {"virtualNetwork": {"id": vnet}, "registrationEnabled": false}
        }));
    }
}

fn azure_dns(files: &mut BTreeMap<String, Value>) {
    files.get_mut("vnet.json").unwrap()["properties"]
        .as_object_mut()
        .unwrap()
        .remove("dhcpOptions");
}

/// A lookup that asked 10.20.1.4 and got `addresses`.
fn answered(addresses: &[&str]) -> Lookup {
    let server = "10.20.1.4:53".parse().unwrap();
    Lookup {
        attempts: vec![DnsAttempt {
            server,
            source: ServerSource::Network,
            round: 1,
            outcome: DnsOutcome::Answered,
            elapsed: Duration::from_millis(3),
            rcode: Some("NOERROR".into()),
            message: None,
        }],
        outcome: DnsOutcome::Answered,
        answer: Some(DnsAnswer {
            server,
            authoritative: false,
            canonical_name: "sql-fabrikam.privatelink.database.windows.net".into(),
            aliases: vec![NAME.into()],
            addresses: addresses.iter().map(|a| a.parse().unwrap()).collect(),
            records: Vec::new(),
        }),
    }
}

#[test]
fn the_planted_cause_is_the_unlinked_zone_and_leads_the_verdict() {
    let evaluation = evaluate_with(Some(&regional_example()), &seen());
    let verdict = evaluation.verdict(None);
    assert_eq!(verdict.cause.as_deref(), Some("dns.private-endpoint"));
    let failing: Vec<&str> = evaluation
        .checks
        .iter()
        .filter(|c| c.status == Status::Fail)
        .map(|c| c.id)
        .collect();
    assert_eq!(failing, ["dns.private-endpoint"]);
    let check = evaluation
        .checks
        .iter()
        .find(|c| c.id == "dns.private-endpoint")
        .unwrap();
    assert!(
        check
            .evidence
            .contains("belongs to private endpoint pe-sql-fabrikam (10.20.2.5)"),
        "{}",
        check.evidence
    );
    assert!(
        check.evidence.contains("the private DNS zone privatelink.database.windows.net is not linked to VNET vnet-fabrikam, where the app's DNS servers 10.20.1.4 are"),
        "{}",
        check.evidence
    );
    // The remedy names the zone, its resource group and the VNET to link, and the forwarder.
    assert!(check.remedy.starts_with("Link the private DNS zone privatelink.database.windows.net to VNET vnet-fabrikam (az network private-dns link vnet create -g rg-fabrikam-dns"), "{}", check.remedy);
    assert!(
        check
            .remedy
            .contains("forward database.windows.net to 168.63.129.16"),
        "{}",
        check.remedy
    );
    // Linking a zone changes what DNS answers: the app may keep the old answer for its
    // cache time, 30 s unless dnsMaxCacheTimeout says otherwise ("Name resolution in App
    // Service", <https://learn.microsoft.com/azure/app-service/overview-name-resolution>).
    assert!(
        check.remedy.ends_with(
            "The app may keep the old answer for up to 30s (its DNS cache time): test again after that."
        ),
        "{}",
        check.remedy
    );
    // No gateway-required wording anywhere but in the ids of the checks that stand aside.
    for check in &evaluation.checks {
        if matches!(check.skip, Some(SkipReason::OtherMode(_))) {
            continue;
        }
        for text in [&check.evidence, &check.remedy, &check.title.to_owned()] {
            assert!(
                !text.contains("P2S") && !text.contains(" pool"),
                "{}: {text}",
                check.id
            );
        }
    }
    assert!(
        evaluation
            .header
            .contains("Target address: 10.20.2.5, the address of private endpoint pe-sql-fabrikam"),
        "{}",
        evaluation.header
    );
}

/// The contract: a custom DNS server in a VNET linked to the zone is `warn` without a
/// probe, since whether it forwards to 168.63.129.16 cannot be known offline (it was a
/// false pass before).
#[test]
fn linking_the_zone_to_the_vnet_of_the_dns_servers_warns_without_a_probe() {
    let linked = check("dns.private-endpoint", link_zone_to(VNET));
    assert_eq!(linked.status, Status::Warn, "{}", linked.evidence);
    assert!(
        linked.evidence.ends_with("which cannot be known offline"),
        "{}",
        linked.evidence
    );
    assert!(
        linked.evidence.contains("must forward")
            || linked.evidence.contains("only if they forward"),
        "{}",
        linked.evidence
    );
    let details = serde_json::to_value(linked.details.unwrap()).unwrap();
    assert_eq!(details["zone"], "privatelink.database.windows.net");
    assert_eq!(details["private_addresses"], json!(["10.20.2.5"]));
    assert_eq!(details["zone_linked"], true);
}

#[test]
fn with_azure_dns_the_zone_must_be_linked_to_the_apps_vnet() {
    let azure = Seen {
        servers: &["168.63.129.16:53"],
        ..seen()
    };
    let unlinked = check_with("dns.private-endpoint", azure_dns, &azure);
    assert_eq!(unlinked.status, Status::Fail, "{}", unlinked.evidence);
    assert!(
        unlinked
            .evidence
            .contains("Azure DNS answers from linked zones only"),
        "{}",
        unlinked.evidence
    );
    assert!(!unlinked.remedy.contains("forward"), "{}", unlinked.remedy);
    let linked = check_with(
        "dns.private-endpoint",
        |f| {
            azure_dns(f);
            link_zone_to(VNET)(f);
        },
        &azure,
    );
    assert_eq!(linked.status, Status::Pass, "{}", linked.evidence);
    assert!(
        linked
            .evidence
            .ends_with("whose Azure DNS answers it with the private IP"),
        "{}",
        linked.evidence
    );
}

#[test]
fn dns_servers_in_a_hub_vnet_linked_to_the_zone_warn_until_a_probe_decides() {
    let hub = "/subscriptions/0b7e5a3d-0000-4000-8000-0000000fab01/resourceGroups/rg-hub/providers/Microsoft.Network/virtualNetworks/vnet-hub";
    let in_hub = Seen {
        servers: &["10.0.0.4:53"],
        ..seen()
    };
    let add_hub = |f: &mut BTreeMap<String, Value>| {
        f.insert(
            "hub.json".into(),
            json!({"id": hub, "name": "vnet-hub", "type": "Microsoft.Network/virtualNetworks",
            "properties": {"addressSpace": {"addressPrefixes": ["10.0.0.0/16"]}}}),
        );
    };
    let unlinked = check_with("dns.private-endpoint", add_hub, &in_hub);
    assert_eq!(unlinked.status, Status::Fail, "{}", unlinked.evidence);
    assert!(
        unlinked
            .evidence
            .contains("not linked to VNET vnet-hub, where the app's DNS servers 10.0.0.4 are"),
        "{}",
        unlinked.evidence
    );
    let linked = check_with(
        "dns.private-endpoint",
        |f| {
            add_hub(f);
            link_zone_to(hub)(f);
        },
        &in_hub,
    );
    assert_eq!(linked.status, Status::Warn, "{}", linked.evidence);
    assert!(
        linked.remedy.starts_with("Run without --no-probe"),
        "{}",
        linked.remedy
    );
    // DNS servers outside every VNET of the snapshot (on-premises): undecidable offline.
    let onprem = Seen {
        servers: &["192.168.10.4:53"],
        ..seen()
    };
    let unknown = check_with("dns.private-endpoint", |_| {}, &onprem);
    assert_eq!(unknown.status, Status::Warn, "{}", unknown.evidence);
}

#[test]
fn with_a_probe_the_answer_decides() {
    let public = Seen {
        lookup: Some(answered(&["20.38.1.10"])),
        ..seen()
    };
    let wrong = check_with("dns.private-endpoint", link_zone_to(VNET), &public);
    assert_eq!(wrong.status, Status::Fail, "{}", wrong.evidence);
    assert!(
        wrong.evidence.starts_with("sql-fabrikam.database.windows.net resolved to 20.38.1.10 (server 10.20.1.4:53), not to 10.20.2.5, the private IP of private endpoint pe-sql-fabrikam"),
        "{}",
        wrong.evidence
    );
    // Linked, so what is left is the forwarder of the custom DNS server.
    assert!(
        wrong
            .evidence
            .contains("only if they forward to 168.63.129.16"),
        "{}",
        wrong.evidence
    );
    assert_eq!(
        serde_json::to_value(wrong.details.as_ref().unwrap()).unwrap()["answered"],
        json!(["20.38.1.10"])
    );
    let right = Seen {
        lookup: Some(answered(&["10.20.2.5"])),
        ..seen()
    };
    let good = check_with("dns.private-endpoint", |_| {}, &right);
    assert_eq!(good.status, Status::Pass, "{}", good.evidence);
    assert!(good.evidence.contains("resolved to 10.20.2.5 (server 10.20.1.4:53), the private IP of private endpoint pe-sql-fabrikam"), "{}", good.evidence);
}

#[test]
fn names_match_in_either_form_and_other_names_stand_aside() {
    let private_form = Seen {
        target: "SQL-fabrikam.privatelink.database.windows.net.",
        ..seen()
    };
    let (status, _) = {
        let c = check_with("dns.private-endpoint", |_| {}, &private_form);
        (c.status, c.evidence)
    };
    assert_eq!(status, Status::Fail);
    let other = Seen {
        target: "api.fabrikam.internal",
        ..seen()
    };
    let c = check_with("dns.private-endpoint", |_| {}, &other);
    assert_eq!(c.status, Status::Skip);
    assert_eq!(
        c.evidence,
        "does not apply: api.fabrikam.internal belongs to no private endpoint of the snapshot"
    );
    let ip = Seen {
        target: "10.20.2.5",
        ..seen()
    };
    assert_eq!(
        check_with("dns.private-endpoint", |_| {}, &ip).status,
        Status::Skip
    );
    // Without the endpoints, the zone's A record set alone identifies the name.
    let c = check("dns.private-endpoint", |f| {
        f.remove("private-endpoints.json");
    });
    assert_eq!(c.status, Status::Fail, "{}", c.evidence);
    assert!(
        c.evidence.contains(
            "belongs to the A record sql-fabrikam of privatelink.database.windows.net (10.20.2.5)"
        ),
        "{}",
        c.evidence
    );
    // Neither endpoints nor records: the export command is named.
    let c = check("dns.private-endpoint", |f| {
        f.remove("private-endpoints.json");
        f.remove("zone-records.json");
    });
    assert_eq!(c.status, Status::Skip);
    assert!(
        c.remedy.contains("az network private-endpoint list"),
        "{}",
        c.remedy
    );
}

#[test]
fn a_private_endpoint_is_filtered_by_nsgs_only_with_its_network_policies_on() {
    let c = check("nsg.inbound", |_| {});
    assert_eq!(c.status, Status::Pass);
    assert!(
        c.evidence.contains("NSGs do not filter traffic to it"),
        "{}",
        c.evidence
    );
    let c = check("nsg.inbound", |f| {
        let subnets = f.get_mut("vnet.json").unwrap()["properties"]["subnets"]
            .as_array_mut()
            .unwrap();
        subnets[1]["properties"]["privateEndpointNetworkPolicies"] = json!("Enabled");
        // Only the VM's address is allowed for SQL.
        f.get_mut("nsg-data.json").unwrap()["properties"]["securityRules"][1]["properties"]["destinationAddressPrefix"] =
            json!("10.20.2.4");
    });
    assert_eq!(c.status, Status::Fail, "{}", c.evidence);
    assert!(
        c.evidence
            .contains("10.20.4.0/26 by nsg-data/Deny-VNet-else"),
        "{}",
        c.evidence
    );
}

#[test]
fn an_endpoint_connection_not_approved_fails_at_the_host() {
    let c = check("host.firewall", |_| {});
    assert_eq!(c.status, Status::Pass, "{}", c.evidence);
    assert!(c.evidence.contains("private endpoint pe-sql-fabrikam of sql-fabrikam in rg-fabrikam (sqlServer), connection Approved"), "{}", c.evidence);
    let c = check("host.firewall", |f| {
        f.get_mut("private-endpoints.json").unwrap()[0]["properties"]["privateLinkServiceConnections"]
            [0]["properties"]["privateLinkServiceConnectionState"]["status"] = json!("Pending");
    });
    assert_eq!(c.status, Status::Fail, "{}", c.evidence);
    assert!(
        c.remedy
            .starts_with("Approve the private endpoint connection on sql-fabrikam in rg-fabrikam"),
        "{}",
        c.remedy
    );
}

/// The Azure CLI's flattened shape: every `properties` object merged into its parent.
pub(crate) fn flattened(value: &Value) -> Value {
    match value {
        Value::Object(object) => {
            let mut out = serde_json::Map::new();
            for (key, value) in object {
                if key == "properties" && value.is_object() {
                    for (k, v) in value.as_object().unwrap() {
                        out.insert(k.clone(), flattened(v));
                    }
                } else {
                    out.insert(key.clone(), flattened(value));
                }
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(items.iter().map(flattened).collect()),
        other => other.clone(),
    }
}

#[test]
fn both_export_shapes_give_the_same_checklist() {
    let arm = regional_example();
    let cli: BTreeMap<String, Value> = arm.iter().map(|(k, v)| (k.clone(), flattened(v))).collect();
    assert!(
        cli["private-endpoints.json"][0]
            .get("customDnsConfigs")
            .is_some()
    );
    for seen in [
        seen(),
        Seen {
            lookup: Some(answered(&["20.38.1.10"])),
            ..seen()
        },
    ] {
        let a = evaluate_with(Some(&arm), &seen);
        let b = evaluate_with(Some(&cli), &seen);
        let statuses = |e: &netdiag_core::checklist::Evaluation| {
            e.checks
                .iter()
                .map(|c| (c.id, c.status, c.evidence.clone()))
                .collect::<Vec<_>>()
        };
        assert_eq!(statuses(&a), statuses(&b));
    }
    let _ = SUB;
}

/// A site that caches no DNS answers (`dnsMaxCacheTimeout: 0`) is told the change counts
/// at once; one that caches longer is told how long.
#[test]
fn the_remedy_says_how_long_the_app_keeps_the_old_answer() {
    let cache = |seconds: u64| {
        check("dns.private-endpoint", move |f| {
            f.get_mut("site.json").unwrap()["properties"]["siteConfig"]["dnsConfiguration"]
                ["dnsMaxCacheTimeout"] = json!(seconds);
        })
        .remedy
    };
    let none = cache(0);
    assert!(
        none.ends_with(
            "The app keeps no DNS answers (its DNS cache time is 0, dnsMaxCacheTimeout), so the change counts at once."
        ),
        "{none}"
    );
    let long = cache(60);
    assert!(
        long.ends_with(
            "for up to 1m (its DNS cache time, dnsMaxCacheTimeout): test again after that."
        ),
        "{long}"
    );
}

/// The example with Azure DNS (no custom servers) and the zone linked to the app's VNET:
/// the setup that passes, to change one thing at a time below.
fn linked_with_azure_dns(files: &mut BTreeMap<String, Value>) {
    azure_dns(files);
    link_zone_to(VNET)(files);
}

#[test]
fn a_linked_zone_with_azure_dns_and_the_right_record_passes() {
    let check = check_with("dns.private-endpoint", linked_with_azure_dns, &azure_seen());
    assert_eq!(check.status, Status::Pass, "{}", check.evidence);
}

/// Azure DNS answers from the linked zone: no A record is NXDOMAIN, and with the link's
/// `resolutionPolicy: NxDomainRedirect` the public address ("Fallback to internet for
/// Azure Private DNS zones", learn.microsoft.com/azure/dns/private-dns-fallback). A linked
/// zone passed before without looking at its record.
#[test]
fn a_linked_zone_without_the_record_fails() {
    let no_record = |f: &mut BTreeMap<String, Value>| {
        linked_with_azure_dns(f);
        // Another name's record is there (the zone's records were exported), not ours.
        f.get_mut("zone-records.json").unwrap()[0]["name"] = json!("sql-other");
    };
    let check = check_with("dns.private-endpoint", no_record, &azure_seen());
    assert_eq!(check.status, Status::Fail, "{}", check.evidence);
    assert!(
        check
            .evidence
            .ends_with("but has no A record sql-fabrikam: Azure DNS answers NXDOMAIN for it"),
        "{}",
        check.evidence
    );
    assert!(
        check.remedy.starts_with("Add the record: az network private-dns record-set a add-record -g rg-fabrikam-dns -z privatelink.database.windows.net -n sql-fabrikam -a 10.20.2.5"),
        "{}",
        check.remedy
    );
    let redirect = check_with(
        "dns.private-endpoint",
        |f| {
            no_record(f);
            let links = f
                .get_mut("zone-links.json")
                .unwrap()
                .as_array_mut()
                .unwrap();
            links.last_mut().unwrap()["properties"]["resolutionPolicy"] = json!("NxDomainRedirect");
        },
        &azure_seen(),
    );
    assert_eq!(redirect.status, Status::Fail);
    assert!(
        redirect.evidence.ends_with("NxDomainRedirect the name falls back to public resolution: the app gets the public address"),
        "{}",
        redirect.evidence
    );
}

/// A record that holds another address than the endpoint's (an endpoint deleted and
/// created again) sends the app elsewhere: stale, a failure.
#[test]
fn a_stale_record_fails() {
    let check = check_with(
        "dns.private-endpoint",
        |f| {
            linked_with_azure_dns(f);
            f.get_mut("zone-records.json").unwrap()[0]["properties"]["aRecords"] =
                json!([{"ipv4Address": "10.20.2.9"}]);
        },
        &azure_seen(),
    );
    assert_eq!(check.status, Status::Fail, "{}", check.evidence);
    assert!(
        check.evidence.contains("zone privatelink.database.windows.net's A record sql-fabrikam holds 10.20.2.9, not the endpoint's address: a stale record"),
        "{}",
        check.evidence
    );
}

/// An endpoint whose connection the service has not approved carries nothing ("Manage
/// Azure private endpoints", learn.microsoft.com/azure/private-link/manage-private-endpoint).
#[test]
fn a_pending_or_rejected_connection_fails() {
    for status in ["Pending", "Rejected"] {
        let check = check_with(
            "dns.private-endpoint",
            |f| {
                linked_with_azure_dns(f);
                f.get_mut("private-endpoints.json").unwrap()[0]["properties"]["privateLinkServiceConnections"]
                    [0]["properties"]["privateLinkServiceConnectionState"]["status"] =
                    json!(status);
            },
            &azure_seen(),
        );
        assert_eq!(check.status, Status::Fail, "{status}: {}", check.evidence);
        assert!(
            check.evidence.ends_with(&format!("whose connection to its service is {status}: it carries no traffic until the service approves it")),
            "{}",
            check.evidence
        );
    }
}

/// The zone comes from the service table, never from the name's text: a Key Vault's
/// records live in privatelink.vaultcore.azure.net ("Azure Private Endpoint private DNS
/// zone values", learn.microsoft.com/azure/private-link/private-endpoint-dns).
#[test]
fn a_key_vaults_zone_is_vaultcore() {
    let mut files = regional_example();
    let zone = "/subscriptions/0b7e5a3d-0000-4000-8000-0000000fab01/resourceGroups/rg-fabrikam-dns/providers/Microsoft.Network/privateDnsZones/privatelink.vaultcore.azure.net";
    files.insert(
        "kv-records.json".to_owned(),
        json!([{"id": format!("{zone}/A/kv-fabrikam"), "name": "kv-fabrikam",
                "type": "Microsoft.Network/privateDnsZones/A",
                "properties": {"aRecords": [{"ipv4Address": "10.20.2.7"}]}}]),
    );
    let snapshot = super::checklist::snapshot(&files);
    let private = snapshot
        .private_name("kv-fabrikam.vault.azure.net")
        .unwrap();
    assert_eq!(private.zone, "privatelink.vaultcore.azure.net");
    assert_eq!(private.record_name, "kv-fabrikam");
    assert_eq!(
        private.addresses,
        ["10.20.2.7".parse::<std::net::IpAddr>().unwrap()]
    );
}

/// The app asking Azure DNS (its VNET has no custom servers).
fn azure_seen() -> Seen {
    Seen {
        servers: &["168.63.129.16:53"],
        ..seen()
    }
}

/// An endpoint made with a DNS zone group (the portal's default) has empty
/// `customDnsConfigs`: its names come from the zone group's record sets, or from its NIC's
/// `privateLinkConnectionProperties.fqdns` ("Azure Private Endpoint DNS integration",
/// learn.microsoft.com/azure/private-link/private-endpoint-dns-integration). It was not
/// found at all before, so its Pending connection or missing link passed unseen.
#[test]
fn an_endpoint_made_with_a_zone_group_is_found_through_it_or_its_nic() {
    let endpoint = format!(
        "{SUB}/resourceGroups/rg-fabrikam/providers/Microsoft.Network/privateEndpoints/pe-sql-fabrikam"
    );
    let without_configs_or_records = |f: &mut BTreeMap<String, Value>| {
        f.get_mut("private-endpoints.json").unwrap()[0]["properties"]["customDnsConfigs"] =
            json!([]);
        f.remove("zone-records.json");
    };
    let gone = check("dns.private-endpoint", without_configs_or_records);
    assert_eq!(gone.status, Status::Skip, "{}", gone.evidence);
    let by_group = check("dns.private-endpoint", |f| {
        without_configs_or_records(f);
        f.insert(
            "zone-group.json".into(),
            json!({"id": format!("{endpoint}/privateDnsZoneGroups/default"), "name": "default",
                   "type": "Microsoft.Network/privateEndpoints/privateDnsZoneGroups",
                   "properties": {"privateDnsZoneConfigs": [{"name": "privatelink-database-windows-net",
                       "properties": {"privateDnsZoneId": ZONE, "recordSets": [{"recordType": "A",
                           "recordSetName": "sql-fabrikam", "fqdn": "sql-fabrikam.privatelink.database.windows.net",
                           "ipAddresses": ["10.20.2.5"]}]}}]}}),
        );
    });
    assert_eq!(by_group.status, Status::Fail, "{}", by_group.evidence);
    assert!(
        by_group
            .evidence
            .starts_with("sql-fabrikam.database.windows.net belongs to private endpoint pe-sql-fabrikam (10.20.2.5)"),
        "{}",
        by_group.evidence
    );
    let nic = format!(
        "{SUB}/resourceGroups/rg-fabrikam/providers/Microsoft.Network/networkInterfaces/pe-sql-fabrikam.nic.3f2a9c1e-5b7d-4e0a-9c61-2d8e4b7a1f05"
    );
    let by_nic = check("dns.private-endpoint", |f| {
        without_configs_or_records(f);
        f.insert(
            "pe-nic.json".into(),
            json!({"id": nic, "name": "pe-sql-fabrikam.nic", "type": "Microsoft.Network/networkInterfaces",
                   "properties": {"ipConfigurations": [{"name": "privateEndpointIpConfig", "properties": {
                       "privateIPAddress": "10.20.2.5",
                       "subnet": {"id": format!("{VNET}/subnets/snet-data")},
                       "privateLinkConnectionProperties": {"groupId": "sqlServer", "requiredMemberName": "sqlServer",
                           "fqdns": ["sql-fabrikam.database.windows.net"]}}}]}}),
        );
    });
    assert_eq!(by_nic.status, Status::Fail, "{}", by_nic.evidence);
    assert!(
        by_nic
            .evidence
            .contains("belongs to private endpoint pe-sql-fabrikam (10.20.2.5)"),
        "{}",
        by_nic.evidence
    );
}
