//! Loading network snapshots: every envelope form, both JSON shapes (ARM REST and the
//! Azure CLI's flattened one), app settings in both forms, and errors that name the file,
//! the JSON path and the line.

use std::process::Command;

use netdiag_core::certs::thumbprint;
use netdiag_core::snapshot::{AddressPrefix, PortRange, Snapshot};
use serde_json::{Value, json};

fn load(file: &str, text: &str) -> Result<Snapshot, String> {
    let mut snapshot = Snapshot::default();
    snapshot.load_text(file, text).map_err(|e| e.to_string())?;
    Ok(snapshot)
}

const NSG_ARM: &str = r#"{
  "id": "/subscriptions/s/resourceGroups/r/providers/Microsoft.Network/networkSecurityGroups/nsg-a",
  "name": "nsg-a",
  "type": "Microsoft.Network/networkSecurityGroups",
  "properties": {
    "securityRules": [
      {
        "name": "allow-p2s",
        "properties": {
          "priority": 100, "direction": "Inbound", "access": "Allow", "protocol": "Tcp",
          "sourceAddressPrefixes": ["172.16.200.0/24", "172.16.201.0/24"],
          "sourcePortRange": "*",
          "destinationAddressPrefix": "VirtualNetwork",
          "destinationPortRanges": ["1433", "5000-5010"]
        }
      }
    ]
  }
}"#;

const NSG_CLI: &str = r#"{
  "id": "/subscriptions/s/resourceGroups/r/providers/Microsoft.Network/networkSecurityGroups/nsg-a",
  "name": "nsg-a",
  "type": "Microsoft.Network/networkSecurityGroups",
  "resourceGroup": "r",
  "securityRules": [
    {
      "name": "allow-p2s",
      "priority": 100, "direction": "Inbound", "access": "Allow", "protocol": "Tcp",
      "sourceAddressPrefix": null,
      "sourceAddressPrefixes": ["172.16.200.0/24", "172.16.201.0/24"],
      "sourcePortRange": "*",
      "destinationAddressPrefix": "VirtualNetwork",
      "destinationPortRange": "",
      "destinationPortRanges": ["1433", "5000-5010"]
    }
  ]
}"#;

#[test]
fn arm_and_cli_shapes_read_alike() {
    let arm = load("arm.json", NSG_ARM).unwrap();
    let cli = load("cli.json", NSG_CLI).unwrap();
    assert_eq!(arm.nsgs[0].security_rules, cli.nsgs[0].security_rules);
    let rule = &arm.nsgs[0].security_rules[0];
    assert_eq!(rule.priority, 100);
    assert_eq!(rule.source_address_prefixes.len(), 2);
    assert_eq!(
        rule.destination_address_prefix,
        Some(AddressPrefix::Tag("VirtualNetwork".into()))
    );
    assert_eq!(
        rule.destination_port_ranges[1],
        PortRange {
            first: 5000,
            last: 5010
        }
    );
}

#[test]
fn every_envelope_form() {
    let one = load("one.json", NSG_ARM).unwrap();
    assert_eq!(one.nsgs.len(), 1);
    let array = load("array.json", &format!("[{NSG_ARM}]")).unwrap();
    assert_eq!(array.nsgs.len(), 1);
    let list = load(
        "list.json",
        &format!("{{\"value\": [{NSG_ARM}], \"nextLink\": null}}"),
    )
    .unwrap();
    assert_eq!(list.nsgs.len(), 1);
    // Types are recognised case-insensitively.
    let lower = load(
        "lower.json",
        &NSG_ARM.replace(
            "Microsoft.Network/networkSecurityGroups",
            "microsoft.network/NETWORKSECURITYGROUPS",
        ),
    )
    .unwrap();
    assert_eq!(lower.nsgs.len(), 1);
}

#[test]
fn app_settings_in_both_forms() {
    let listed = load(
        "appsettings.json",
        r#"[{"name": "WEBSITE_DNS_SERVER", "value": "10.0.0.4", "slotSetting": false},
            {"name": "WEBSITE_DNS_ALT_SERVER", "value": null, "slotSetting": false}]"#,
    )
    .unwrap();
    assert_eq!(
        listed.app_settings.get("WEBSITE_DNS_SERVER").unwrap(),
        "10.0.0.4"
    );
    let object = load(
        "config.json",
        r#"{"id": "/subscriptions/s/resourceGroups/r/providers/Microsoft.Web/sites/app/config/appsettings",
            "name": "appsettings", "type": "Microsoft.Web/sites/config",
            "properties": {"WEBSITE_DNS_SERVER": "10.0.0.5", "WEBSITE_VNET_ROUTE_ALL": "1"}}"#,
    )
    .unwrap();
    assert_eq!(
        object.app_settings.get("WEBSITE_DNS_SERVER").unwrap(),
        "10.0.0.5"
    );
    let bare = load(
        "bare.json",
        r#"{"properties": {"WEBSITE_DNS_SERVER": "10.0.0.6"}}"#,
    )
    .unwrap();
    assert_eq!(
        bare.app_settings.get("WEBSITE_DNS_SERVER").unwrap(),
        "10.0.0.6"
    );
}

#[test]
fn unknown_types_are_listed_as_ignored() {
    let snapshot = load(
        "mixed.json",
        r#"[{"id": "/x/workspace", "name": "log1", "type": "Microsoft.OperationalInsights/workspaces"},
            {"name": "no-type-here"}]"#,
    )
    .unwrap();
    let ignored: Vec<(&str, &str)> = snapshot
        .ignored()
        .map(|i| (i.name.as_str(), i.resource_type.as_str()))
        .collect();
    assert_eq!(
        ignored,
        [
            ("log1", "Microsoft.OperationalInsights/workspaces"),
            ("no-type-here", "(no type)")
        ]
    );
}

#[test]
fn errors_name_the_file_the_path_and_the_line() {
    let cases = [
        (
            "{\n  \"id\": \"x\",\n  \"type\": ",
            "bad.json: line 3: not valid JSON",
        ),
        ("", "empty.json: line 1: not valid JSON"),
        ("42", "scalar.json: line 1: expected a resource"),
        (
            &NSG_ARM.replace("\"priority\": 100", "\"priority\": \"high\""),
            "nsg.json: line 10: securityRules[0].priority: invalid type: string \"high\"",
        ),
        (
            &NSG_ARM.replace("\"172.16.201.0/24\"", "\"172.16.201.0/33\""),
            "nsg.json: line 11: securityRules[0].sourceAddressPrefixes[1]: '172.16.201.0/33' is not a CIDR prefix",
        ),
        (
            &NSG_ARM.replace("\"5000-5010\"", "\"5010-5000\""),
            "nsg.json: line 14: securityRules[0].destinationPortRanges[1]: '5010-5000' is not a port range",
        ),
        (
            &format!("[{NSG_ARM}, {NSG_CLI}]"),
            "dup.json: line 20: [1].id: resource '/subscriptions/s/resourceGroups/r/providers/Microsoft.Network/networkSecurityGroups/nsg-a' is defined twice",
        ),
        (
            r#"{"value": [{"id": "v", "type": "Microsoft.Network/virtualNetworks",
  "properties": {"addressSpace": {"addressPrefixes": ["10.0.0.0/16", "10.1.0.0/16x"]}}}]}"#,
            "vnet.json: line 2: value[0].addressSpace.addressPrefixes[1]: '10.1.0.0/16x' is not a CIDR prefix",
        ),
        (
            r#"{"id": "v", "type": 7}"#,
            "type.json: line 1: type: expected a string, found a number",
        ),
    ];
    for (text, expected) in cases {
        let file = expected.split(':').next().unwrap();
        let error = load(file, text).unwrap_err();
        assert!(
            error.starts_with(expected),
            "expected {expected:?}\n     got {error:?}"
        );
    }
}

#[test]
fn files_that_are_not_text_and_directories() {
    let dir = std::env::temp_dir().join(format!("netdiag-snapshot-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let binary = dir.join("binary.json");
    std::fs::write(&binary, [0x7b_u8, 0xff, 0xfe, 0x00]).unwrap();
    let error = Snapshot::load(std::slice::from_ref(&binary))
        .unwrap_err()
        .to_string();
    assert!(error.contains("binary.json: not a text file"), "{error}");
    std::fs::remove_file(&binary).unwrap();
    let error = Snapshot::load(std::slice::from_ref(&dir))
        .unwrap_err()
        .to_string();
    assert!(error.contains("no files in this directory"), "{error}");
    let error = Snapshot::load(&[dir.join("missing.json")])
        .unwrap_err()
        .to_string();
    assert!(error.contains("missing.json"), "{error}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_example_export_loads_from_its_directory() {
    let snapshot = Snapshot::load(&[netdiag_tests::example_export()]).unwrap();
    assert_eq!(snapshot.sites.len(), 1);
    assert_eq!(snapshot.nsgs[0].security_rules.len(), 4);
    assert_eq!(snapshot.ignored().count(), 1);
    assert_eq!(
        snapshot.app_dns_servers(None).unwrap().entries,
        ["10.10.0.4"]
    );
}

/// The thumbprint computed from base64 DER matches `openssl x509 -fingerprint -sha1` on a
/// certificate generated for this test.
#[test]
fn certificate_thumbprint_matches_openssl() {
    let dir = std::env::temp_dir().join(format!("netdiag-cert-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let pem = dir.join("root.pem");
    let key = dir.join("root.key");
    let generated = Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=netdiag-test-root",
        ])
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&pem)
        .output()
        .expect("openssl is installed (.ci/run installs it)");
    assert!(
        generated.status.success(),
        "{}",
        String::from_utf8_lossy(&generated.stderr)
    );
    let fingerprint = Command::new("openssl")
        .args(["x509", "-noout", "-fingerprint", "-sha1", "-in"])
        .arg(&pem)
        .output()
        .unwrap();
    let fingerprint = String::from_utf8(fingerprint.stdout).unwrap();
    let expected: String = fingerprint
        .trim()
        .rsplit('=')
        .next()
        .unwrap()
        .replace(':', "");
    // The PEM body is base64 of the DER, with line breaks: exactly what exports carry.
    let pem_text = std::fs::read_to_string(&pem).unwrap();
    assert_eq!(thumbprint(&pem_text).unwrap(), expected);
    let body: String = pem_text
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect();
    assert_eq!(thumbprint(&body).unwrap(), expected);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn an_error_carries_file_line_path_and_reason_as_fields() {
    let mut snapshot = Snapshot::default();
    let error = snapshot
        .load_text(
            "nsg.json",
            &NSG_ARM.replace("\"priority\": 100", "\"priority\": \"high\""),
        )
        .unwrap_err();
    assert_eq!(error.file, "nsg.json");
    assert_eq!(error.line, Some(10));
    assert_eq!(
        error.json_path.as_deref(),
        Some("securityRules[0].priority")
    );
    assert!(
        error.reason.starts_with("invalid type: string \"high\""),
        "{}",
        error.reason
    );
}

#[test]
fn a_known_resource_without_its_id_is_an_error_naming_file_and_line() {
    let mut snapshot = Snapshot::default();
    let error = snapshot
        .load_text(
            "nsgs.json",
            "[\n  {\"name\": \"nsg-a\",\n   \"type\": \"Microsoft.Network/networkSecurityGroups\"}\n]",
        )
        .unwrap_err();
    assert_eq!(error.file, "nsgs.json");
    assert_eq!(error.line, Some(3));
    assert_eq!(error.json_path.as_deref(), Some("[0].type"));
    assert!(
        error
            .reason
            .starts_with("this Microsoft.Network/networkSecurityGroups needs its \"id\""),
        "{error}"
    );
    // An unknown type without an id is only listed as ignored.
    let mut snapshot = Snapshot::default();
    snapshot
        .load_text(
            "other.json",
            r#"{"name": "x", "type": "Microsoft.OperationalInsights/workspaces"}"#,
        )
        .unwrap();
    assert_eq!(snapshot.files[0].ignored.len(), 1);
}

#[test]
fn every_file_is_listed_with_what_it_held_and_empty_ones_too() {
    let mut snapshot = Snapshot::default();
    snapshot.load_text("empty.json", "[]").unwrap();
    snapshot
        .load_text("empty-list.json", r#"{"value": []}"#)
        .unwrap();
    snapshot.load_text("nsg.json", NSG_ARM).unwrap();
    let held: Vec<(&str, usize)> = snapshot
        .files
        .iter()
        .map(|f| (f.path.as_str(), f.resources))
        .collect();
    assert_eq!(
        held,
        [("empty.json", 0), ("empty-list.json", 0), ("nsg.json", 1)]
    );
}

#[test]
fn utf16_files_as_windows_powershell_writes_them_load_like_utf8() {
    let dir = std::env::temp_dir().join(format!("netdiag-utf16-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (name, big_endian) in [("le.json", false), ("be.json", true)] {
        let text = NSG_ARM.replace("nsg-a", &format!("nsg-{name}"));
        let mut bytes = if big_endian {
            vec![0xFE, 0xFF]
        } else {
            vec![0xFF, 0xFE]
        };
        for unit in format!("{text}\r\n").encode_utf16() {
            bytes.extend(if big_endian {
                unit.to_be_bytes()
            } else {
                unit.to_le_bytes()
            });
        }
        std::fs::write(dir.join(name), bytes).unwrap();
    }
    let snapshot = Snapshot::load(std::slice::from_ref(&dir)).unwrap();
    assert_eq!(snapshot.nsgs.len(), 2);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_nic_may_hold_a_delegated_prefix() {
    let mut snapshot = Snapshot::default();
    for (name, address, length) in [
        ("cidr.json", "172.20.2.16/28", json_null()),
        ("first-address.json", "172.20.3.16", "28".to_owned()),
    ] {
        snapshot
            .load_text(
                name,
                &format!(
                    r#"{{"id": "/subscriptions/s/resourceGroups/r/providers/Microsoft.Network/networkInterfaces/{name}",
                        "type": "Microsoft.Network/networkInterfaces",
                        "properties": {{"ipConfigurations": [{{"name": "ipconfig1", "properties": {{
                          "privateIPAddress": "{address}", "privateIPAddressPrefixLength": {length}}}}}]}}}}"#
                ),
            )
            .unwrap();
    }
    let holds =
        |nic: usize, ip: &str| snapshot.nics[nic].ip_configurations[0].holds(ip.parse().unwrap());
    assert!(holds(0, "172.20.2.20") && !holds(0, "172.20.2.32"));
    assert!(holds(1, "172.20.3.31") && !holds(1, "172.20.3.15"));
}

fn json_null() -> String {
    "null".to_owned()
}

#[test]
fn site_config_web_and_subnets_on_their_own_are_read() {
    let mut snapshot = Snapshot::default();
    snapshot
        .load_text(
            "config.json",
            r#"{"id": "/subscriptions/s/resourceGroups/r/providers/Microsoft.Web/sites/app/config/web",
                "name": "app", "type": "Microsoft.Web/sites/config",
                "properties": {"vnetRouteAllEnabled": true, "vnetName": "vnet-a"}}"#,
        )
        .unwrap();
    snapshot
        .load_text(
            "subnet.json",
            r#"{"id": "/subscriptions/s/resourceGroups/r/providers/Microsoft.Network/virtualNetworks/v/subnets/snet-a",
                "name": "snet-a", "type": "Microsoft.Network/virtualNetworks/subnets",
                "addressPrefix": "10.5.1.0/24", "delegations": []}"#,
        )
        .unwrap();
    let config = snapshot
        .site_config("/subscriptions/s/resourceGroups/r/providers/Microsoft.Web/sites/app")
        .unwrap();
    assert_eq!(config.vnet_route_all_enabled, Some(true));
    assert_eq!(config.vnet_name.as_deref(), Some("vnet-a"));
    assert_eq!(snapshot.ignored().count(), 0);
    let subnet = snapshot
        .subnet("/subscriptions/s/resourceGroups/r/providers/Microsoft.Network/virtualNetworks/v/subnets/SNET-A")
        .unwrap();
    assert_eq!(subnet.prefixes()[0].to_string(), "10.5.1.0/24");
}

/// One minimal resource of a table row's type, with an id its row accepts.
fn minimal_resource(kind: &netdiag_core::snapshot::ResourceKind) -> Value {
    let base = "/subscriptions/s/resourceGroups/rg/providers";
    let id = match kind.arm_type {
        "Microsoft.Web/sites/config" => format!("{base}/Microsoft.Web/sites/app/config/web"),
        "Microsoft.Web/sites/networkConfig" => {
            format!("{base}/Microsoft.Web/sites/app/networkConfig/virtualNetwork")
        }
        other => format!("{base}/{other}/one"),
    };
    json!({"id": id, "name": "one", "type": kind.arm_type, "properties": {}})
}

/// The header counts every kind of the resource table (it had no test before the table).
#[test]
fn every_kind_of_the_table_is_loaded_and_counted_by_the_header() {
    for kind in netdiag_core::snapshot::KINDS {
        let Some(label) = kind.label else { continue };
        let mut snapshot = Snapshot::default();
        snapshot
            .load_text("one.json", &minimal_resource(kind).to_string())
            .unwrap_or_else(|e| panic!("{}: {e}", kind.arm_type));
        assert_eq!(kind.count(&snapshot), 1, "{}", kind.arm_type);
        assert_eq!(snapshot.ignored().count(), 0, "{}", kind.arm_type);
        assert_eq!(
            snapshot.describe(),
            format!("1 {label}"),
            "{}",
            kind.arm_type
        );
    }
}

/// A NAT gateway's public address (the proof of the table: one row, one struct, one field).
#[test]
fn a_public_ip_address_is_read_and_counted() {
    let mut snapshot = Snapshot::default();
    let address = json!({
        "id": "/subscriptions/s/resourceGroups/rg-net/providers/Microsoft.Network/publicIPAddresses/pip-nat",
        "name": "pip-nat",
        "type": "microsoft.network/publicipaddresses",
        "properties": {"ipAddress": "20.61.3.7", "publicIPAllocationMethod": "Static"}
    });
    let unallocated = json!({
        "id": "/subscriptions/s/resourceGroups/rg-net/providers/Microsoft.Network/publicIPAddresses/pip-idle",
        "name": "pip-idle",
        "type": "Microsoft.Network/publicIPAddresses",
        "properties": {"publicIPAllocationMethod": "Dynamic"}
    });
    snapshot
        .load_text("pips.json", &json!([address, unallocated]).to_string())
        .unwrap();
    assert_eq!(snapshot.describe(), "2 public IPs");
    assert_eq!(
        snapshot.public_ips[0].ip_address,
        Some("20.61.3.7".parse().unwrap())
    );
    assert_eq!(snapshot.public_ips[1].ip_address, None);
}

/// A directory of a support case, as customers fill it (issue 24, points 1-3).
fn case_dir(tag: &str, files: &[(&str, &[u8])]) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("netdiag-case-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for (name, content) in files {
        std::fs::write(dir.join(name), content).unwrap();
    }
    dir
}

const NSG: &str = r#"{"id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/networkSecurityGroups/nsg-a", "name": "nsg-a", "type": "Microsoft.Network/networkSecurityGroups", "properties": {"securityRules": []}}"#;

/// `az ... > nsg.json` leaves 0 bytes when `az` fails (its error went to stderr): listed as
/// empty, with the hint, and the rest is read.
#[test]
fn a_zero_byte_file_is_listed_as_empty_with_a_hint() {
    let dir = case_dir(
        "empty",
        &[("nsg.json", b""), ("nsg-a.json", NSG.as_bytes())],
    );
    let snapshot = Snapshot::load(std::slice::from_ref(&dir)).unwrap();
    assert_eq!(snapshot.nsgs.len(), 1);
    let empty: Vec<&str> = snapshot.empty_files.iter().map(String::as_str).collect();
    assert_eq!(empty.len(), 1);
    assert!(empty[0].ends_with("nsg.json"), "{empty:?}");
    // Broken JSON is still an error.
    let broken = case_dir("broken", &[("nsg.json", b"{\"id\": ")]);
    assert!(Snapshot::load(std::slice::from_ref(&broken)).is_err());
    std::fs::remove_dir_all(&dir).unwrap();
    std::fs::remove_dir_all(&broken).unwrap();
}

/// PowerShell users write `> vnet.txt`: any file whose content is JSON is read, whatever
/// its extension; the others are listed as not JSON.
#[test]
fn files_are_read_by_content_not_extension() {
    let dir = case_dir(
        "txt",
        &[
            ("nsg.txt", NSG.as_bytes()),
            ("notes.md", b"# what I tried\n"),
        ],
    );
    let snapshot = Snapshot::load(std::slice::from_ref(&dir)).unwrap();
    assert_eq!(snapshot.nsgs.len(), 1);
    assert_eq!(snapshot.not_json.len(), 1);
    assert!(snapshot.not_json[0].ends_with("notes.md"));
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The same resource in two files: identical copies merge; copies that differ are an
/// error naming both files and the first field that differs.
#[test]
fn a_resource_twice_merges_when_identical_and_names_the_difference_otherwise() {
    let same = case_dir(
        "same",
        &[("a.json", NSG.as_bytes()), ("b.json", NSG.as_bytes())],
    );
    let snapshot = Snapshot::load(std::slice::from_ref(&same)).unwrap();
    assert_eq!(snapshot.nsgs.len(), 1);
    // The same directory given twice, too.
    assert_eq!(
        Snapshot::load(&[same.clone(), same.clone()])
            .unwrap()
            .nsgs
            .len(),
        1
    );

    let changed = NSG.replace(
        r#""securityRules": []"#,
        r#""securityRules": [], "provisioningState": "Updating""#,
    );
    let differ = case_dir(
        "differ",
        &[("a.json", NSG.as_bytes()), ("b.json", changed.as_bytes())],
    );
    let error = Snapshot::load(std::slice::from_ref(&differ))
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("a.json") && error.contains("b.json"),
        "{error}"
    );
    assert!(error.contains("provisioningState"), "{error}");
    std::fs::remove_dir_all(&same).unwrap();
    std::fs::remove_dir_all(&differ).unwrap();
}
