//! Hostile input, table-driven, across both tools: arguments, app settings and snapshot
//! files that a tired, hurried or malicious user could type. Each case must end with
//! exit 2, exactly one `error:` line that says what and where, a JSON report whose `error`
//! says the same with `--json`, no panic, no hang, and no packet: every run points its
//! DNS at a sentinel on loopback that counts what reaches it, and it must count nothing.

use std::path::{Path, PathBuf};
use std::time::Duration;

use netdiag_tests::{Run, Sentinel, command};

/// One hostile case: the tool, its arguments, app settings, and what the error must say.
struct Case {
    tool: &'static str,
    args: Vec<String>,
    settings: Vec<(&'static str, String)>,
    says: &'static str,
}

fn case(tool: &'static str, args: &[&str], says: &'static str) -> Case {
    Case {
        tool,
        args: args.iter().map(|a| (*a).to_owned()).collect(),
        settings: Vec::new(),
        says,
    }
}

fn setting(tool: &'static str, name: &'static str, value: &str, says: &'static str) -> Case {
    let target = if tool == "tcpping" {
        "db.contoso.internal:1433"
    } else {
        "db.contoso.internal"
    };
    Case {
        tool,
        args: vec![target.to_owned()],
        settings: vec![(name, value.to_owned())],
        says,
    }
}

fn snapshot(tool: &'static str, file: &Path, says: &'static str) -> Case {
    let target = if tool == "tcpping" {
        "10.10.2.4:1433"
    } else {
        "db.contoso.internal"
    };
    Case {
        tool,
        args: vec![
            "--network".into(),
            file.display().to_string(),
            "--no-probe".into(),
            target.into(),
        ],
        settings: Vec::new(),
        says,
    }
}

#[expect(
    clippy::too_many_lines,
    reason = "a table of cases, one line each: splitting it only scatters the table"
)]
fn argument_cases() -> Vec<Case> {
    let long_label = "a".repeat(64);
    let long_name = ["a".repeat(60).as_str(); 5].join(".");
    let leak = |s: String| -> &'static str { Box::leak(s.into_boxed_str()) };
    let (long_label, long_name) = (leak(long_label), leak(long_name));
    vec![
        // nameresolver: names
        case("nameresolver", &[""], "the host name is empty"),
        case("nameresolver", &["   "], "the host name is empty"),
        case("nameresolver", &["db contoso.internal"], "a space"),
        case("nameresolver", &[long_label], "at most 63"),
        case("nameresolver", &[long_name], "at most 253"),
        case("nameresolver", &["db..contoso.internal"], "empty label"),
        case("nameresolver", &[".contoso.internal"], "empty label"),
        case("nameresolver", &["db/contoso"], "'/'"),
        case("nameresolver", &["db\u{7}bell"], "control character"),
        case("nameresolver", &["db;rm -rf"], "';'"),
        case(
            "nameresolver",
            &["1.2.3.4.5"],
            "neither an IP address nor a host name",
        ),
        case(
            "nameresolver",
            &["10.1.2.300"],
            "neither an IP address nor a host name",
        ),
        // nameresolver: servers
        case(
            "nameresolver",
            &["db.contoso.internal", "dns.contoso.internal"],
            "not an IP address",
        ),
        case(
            "nameresolver",
            &["db.contoso.internal", "10.0.0.4:99999"],
            "port '99999'",
        ),
        case(
            "nameresolver",
            &["db.contoso.internal", "10.0.0.4:0"],
            "port '0'",
        ),
        case(
            "nameresolver",
            &["db.contoso.internal", "10.0.0.4:dns"],
            "port 'dns'",
        ),
        case(
            "nameresolver",
            &["db.contoso.internal", "[fd00::4"],
            "never closed",
        ),
        case(
            "nameresolver",
            &["db.contoso.internal", "1.2.3.4.5"],
            "not an IP address",
        ),
        case(
            "nameresolver",
            &["db.contoso.internal", "-5"],
            "unexpected argument",
        ),
        // nameresolver: options
        case(
            "nameresolver",
            &["--timeout", "soon", "db.contoso.internal"],
            "not a duration",
        ),
        case(
            "nameresolver",
            &["--timeout", "0ms", "db.contoso.internal"],
            "is not a timeout",
        ),
        case(
            "nameresolver",
            &["--timeout", "-3s", "db.contoso.internal"],
            "not a duration",
        ),
        case(
            "nameresolver",
            &["--timeout", "3 parsecs", "db.contoso.internal"],
            "not a duration",
        ),
        case(
            "nameresolver",
            &["-t", "AXFR", "db.contoso.internal"],
            "'AXFR'",
        ),
        case(
            "nameresolver",
            &["-t", "", "db.contoso.internal"],
            "not a record type",
        ),
        case(
            "nameresolver",
            &["--no-probe", "db.contoso.internal"],
            "--network",
        ),
        case(
            "nameresolver",
            &["db.contoso.internal", "10.0.0.4", "extra"],
            "unexpected argument",
        ),
        // tcpping: targets and ports
        case("tcpping", &[""], "the host name is empty"),
        case("tcpping", &["db contoso:1433"], "a space"),
        case(
            "tcpping",
            &["db.contoso.internal:1433", "1434"],
            "two different ports",
        ),
        case("tcpping", &["db.contoso.internal:"], "port ''"),
        case("tcpping", &["db.contoso.internal:65536"], "port '65536'"),
        case("tcpping", &["db.contoso.internal", "http"], "port 'http'"),
        case(
            "tcpping",
            &["db.contoso.internal", "-1"],
            "unexpected argument",
        ),
        case("tcpping", &["[::1"], "never closed"),
        case("tcpping", &["[::1]8080"], "not an IP address"),
        case(
            "tcpping",
            &["[db.contoso.internal]:80"],
            "not an IP address",
        ),
        case(
            "tcpping",
            &["1.2.3.4.5:80"],
            "neither an IP address nor a host name",
        ),
        case(
            "tcpping",
            &[leak(format!("{long_label}.contoso.internal:80"))],
            "at most 63",
        ),
        // tcpping: counts and durations
        case("tcpping", &["-n", "0", "127.0.0.1:80"], "give at least 1"),
        case(
            "tcpping",
            &["-n", "-4", "127.0.0.1:80"],
            "not a whole number",
        ),
        case(
            "tcpping",
            &["-n", "four", "127.0.0.1:80"],
            "not a whole number",
        ),
        case(
            "tcpping",
            &["-n", "99999999999", "127.0.0.1:80"],
            "not a whole number",
        ),
        case("tcpping", &["-s", "0", "127.0.0.1:80"], "give at least 1"),
        case("tcpping", &["-w", "0s", "127.0.0.1:80"], "is not a timeout"),
        case(
            "tcpping",
            &["-w", "forever", "127.0.0.1:80"],
            "not a duration",
        ),
        case("tcpping", &["-i", "-1s", "127.0.0.1:80"], "not a duration"),
        case(
            "tcpping",
            &["-t", "-n", "3", "127.0.0.1:80"],
            "cannot be used with",
        ),
        case(
            "tcpping",
            &["-t", "-s", "3", "127.0.0.1:80"],
            "cannot be used with",
        ),
        case(
            "tcpping",
            &["-4", "-6", "127.0.0.1:80"],
            "cannot be used with",
        ),
        case("tcpping", &["-4", "[::1]:80"], "not an IPv4 address"),
        case("tcpping", &["-6", "127.0.0.1:80"], "not an IPv6 address"),
        case("tcpping", &["--no-probe", "127.0.0.1:80"], "--network"),
    ]
}

fn settings_cases() -> Vec<Case> {
    vec![
        setting(
            "nameresolver",
            "WEBSITE_DNS_SERVER",
            "10.0.0.4;10.0.0.5",
            "WEBSITE_DNS_SERVER: '10.0.0.4;10.0.0.5'",
        ),
        setting(
            "nameresolver",
            "WEBSITE_DNS_SERVER",
            "dns.contoso.internal",
            "WEBSITE_DNS_SERVER: 'dns.contoso.internal'",
        ),
        setting(
            "nameresolver",
            "WEBSITE_DNS_ALT_SERVER",
            "10.0.0.5:70000",
            "WEBSITE_DNS_ALT_SERVER: '10.0.0.5:70000'",
        ),
        setting(
            "nameresolver",
            "WEBSITE_DNS_TIMEOUT",
            "3s",
            "WEBSITE_DNS_TIMEOUT='3s'",
        ),
        setting(
            "nameresolver",
            "WEBSITE_DNS_TIMEOUT",
            "0",
            "WEBSITE_DNS_TIMEOUT='0'",
        ),
        setting(
            "nameresolver",
            "WEBSITE_DNS_ATTEMPTS",
            "0",
            "WEBSITE_DNS_ATTEMPTS='0'",
        ),
        setting(
            "nameresolver",
            "WEBSITE_DNS_ATTEMPTS",
            "many",
            "WEBSITE_DNS_ATTEMPTS='many'",
        ),
        setting(
            "tcpping",
            "WEBSITE_DNS_SERVER",
            "10.0.0.4,,[::1",
            "WEBSITE_DNS_SERVER: '[::1'",
        ),
        setting(
            "tcpping",
            "WEBSITE_DNS_TIMEOUT",
            "-1",
            "WEBSITE_DNS_TIMEOUT='-1'",
        ),
    ]
}

fn snapshot_cases(dir: &Path) -> Vec<Case> {
    let write = |name: &str, bytes: &[u8]| -> PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    };
    let nsg = |rule: &str| -> String {
        format!(
            "{{\"id\": \"/subscriptions/s/resourceGroups/r/providers/Microsoft.Network/networkSecurityGroups/n\",\n \"name\": \"n\", \"type\": \"Microsoft.Network/networkSecurityGroups\",\n \"properties\": {{\"securityRules\": [\n  {rule}]}}}}\n"
        )
    };
    let not_json = write("notjson.json", b"this is not JSON\n");
    let binary = write("binary.json", &[0x7b, 0x0a, 0xff, 0xfe, 0x00, 0x01]);
    let nested = write(
        "nested.json",
        format!("{}{}", "[".repeat(100_000), "]".repeat(100_000)).as_bytes(),
    );
    let huge = dir.join("huge.json");
    std::fs::File::create(&huge)
        .unwrap()
        .set_len(65 * 1024 * 1024)
        .unwrap();
    let wrong_type = write("wrongtype.json", nsg(r#"{"name": "r", "properties": {"priority": "high", "direction": "Inbound", "access": "Allow"}}"#).as_bytes());
    let bad_cidr = write("badcidr.json", nsg(r#"{"name": "r", "properties": {"priority": 100, "direction": "Inbound", "access": "Allow", "sourceAddressPrefix": "10.0.0.0/33"}}"#).as_bytes());
    let bad_port = write("badport.json", nsg(r#"{"name": "r", "properties": {"priority": 100, "direction": "Inbound", "access": "Allow", "destinationPortRange": "80-70000"}}"#).as_bytes());
    let missing_ref = write(
        "missingref.json",
        br#"{"id": "/subscriptions/s/resourceGroups/r/providers/Microsoft.Network/virtualNetworks/v", "type": "Microsoft.Network/virtualNetworks",
 "properties": {"subnets": [{"name": "s", "properties": {"addressPrefix": "10.0.0.0/24",
   "networkSecurityGroup": {"name": "nsg-without-id"}}}]}}"#,
    );
    let name_not_id = write(
        "namenotid.json",
        br#"{"id": "/subscriptions/s/resourceGroups/r/providers/Microsoft.Web/sites/app/virtualNetworkConnections/v", "type": "Microsoft.Web/sites/virtualNetworkConnections",
 "properties": {"vnetResourceId": "vnet-contoso"}}"#,
    );
    let duplicate = write(
        "duplicate.json",
        br#"[{"id": "/subscriptions/s/resourceGroups/r/providers/Microsoft.Network/routeTables/rt", "type": "Microsoft.Network/routeTables"},
 {"id": "/subscriptions/s/resourceGroups/r/providers/Microsoft.Network/ROUTETABLES/RT", "type": "Microsoft.Network/routeTables"}]"#,
    );
    let top_level = write("toplevel.json", b"\"just a string\"");
    let wrong_type_type = write("typetype.json", br#"{"type": ["Microsoft.Web/sites"]}"#);
    let missing = dir.join("does-not-exist.json");
    vec![
        snapshot("tcpping", &not_json, "notjson.json: line 1: not valid JSON"),
        snapshot("nameresolver", &binary, "binary.json: not a text file"),
        snapshot(
            "tcpping",
            &nested,
            "nested.json: line 1: not valid JSON: recursion limit exceeded",
        ),
        snapshot(
            "nameresolver",
            &huge,
            "huge.json: 68157440 bytes is more than",
        ),
        snapshot(
            "tcpping",
            &wrong_type,
            "wrongtype.json: line 4: securityRules[0].priority: invalid type",
        ),
        snapshot(
            "tcpping",
            &bad_cidr,
            "badcidr.json: line 4: securityRules[0].sourceAddressPrefix: '10.0.0.0/33'",
        ),
        snapshot(
            "nameresolver",
            &bad_port,
            "badport.json: line 4: securityRules[0].destinationPortRange: '80-70000'",
        ),
        snapshot(
            "tcpping",
            &missing_ref,
            "missingref.json: line 3: subnets[0].networkSecurityGroup: a reference needs an \"id\"",
        ),
        snapshot(
            "tcpping",
            &name_not_id,
            "namenotid.json: line 2: vnetResourceId: 'vnet-contoso' is not an ARM resource id",
        ),
        snapshot(
            "tcpping",
            &duplicate,
            "duplicate.json: line 2: [1].id: resource",
        ),
        snapshot(
            "nameresolver",
            &top_level,
            "toplevel.json: line 1: expected a resource",
        ),
        snapshot(
            "tcpping",
            &wrong_type_type,
            "typetype.json: line 1: type: expected a string",
        ),
        snapshot("tcpping", &missing, "does-not-exist.json"),
    ]
}

#[test]
fn hostile_input_is_refused_with_one_clear_line_and_no_packet() {
    let sentinel = Sentinel::start();
    let dir = std::env::temp_dir().join(format!("netdiag-hostile-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut cases = argument_cases();
    cases.extend(settings_cases());
    cases.extend(snapshot_cases(&dir));
    assert!(cases.len() >= 50, "{} cases", cases.len());
    for case in &cases {
        for json in [false, true] {
            let mut command = command(case.tool);
            // Anything that wrongly got as far as resolving or connecting would hit this.
            command.env("WEBSITE_DNS_SERVER", sentinel.addr().to_string());
            command.envs(case.settings.iter().map(|(k, v)| (*k, v.as_str())));
            if json {
                command.arg("--json");
            }
            let run = Run::of(command.args(&case.args));
            let what = format!("{} {:?} {:?}", case.tool, case.args, case.settings);
            assert_eq!(run.code, 2, "{what}: {}{}", run.stdout, run.stderr);
            assert!(
                run.elapsed < Duration::from_secs(5),
                "{what}: took {:?}",
                run.elapsed
            );
            assert!(!run.stderr.contains("panicked"), "{what}: {}", run.stderr);
            let lines: Vec<&str> = run.stderr.lines().collect();
            assert_eq!(lines.len(), 1, "{what}: {}", run.stderr);
            assert!(lines[0].starts_with("error: "), "{what}: {}", lines[0]);
            assert!(
                lines[0].contains(case.says),
                "{what}\n  wanted: {}\n  got:    {}",
                case.says,
                lines[0]
            );
            if json {
                let report = run.json();
                assert!(
                    report["error"]["message"]
                        .as_str()
                        .unwrap()
                        .contains(case.says),
                    "{what}"
                );
                assert_eq!(report["verdict"]["status"], "error");
            } else {
                assert_eq!(run.stdout, "", "{what}");
            }
        }
    }
    std::thread::sleep(Duration::from_millis(50));
    assert_eq!(sentinel.hits(), 0, "a hostile case sent a packet");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The sentinel does count: a real run that resolves through it is seen.
#[test]
fn the_sentinel_sees_a_packet_when_one_is_sent() {
    let sentinel = Sentinel::start();
    let run = Run::of(command("nameresolver").args([
        "--timeout",
        "100ms",
        "db.contoso.internal",
        &sentinel.addr().to_string(),
    ]));
    assert_eq!(run.code, 1);
    std::thread::sleep(Duration::from_millis(50));
    assert!(sentinel.hits() > 0);
}

/// What users of other tools type (issue 24, points 11-13): a URL, a bare `help`, Windows
/// ping's milliseconds, tcping's `-c`/`-p`/`-t N`, dig's `@server`. Each is one clear
/// `error:` line naming our way, exit 2, and nothing is sent.
#[test]
fn habits_of_other_tools_get_our_way_named() {
    let cases: &[(&str, &[&str], &str)] = &[
        (
            "tcpping",
            &["http://db.contoso.internal:8080"],
            "give host:port, not a URL: tcpping db.contoso.internal:8080",
        ),
        (
            "tcpping",
            &["https://api.contoso.internal/health"],
            "give host:port, not a URL: tcpping api.contoso.internal:443",
        ),
        ("tcpping", &["help"], "see tcpping --help"),
        ("nameresolver", &["help"], "see nameresolver --help"),
        (
            "tcpping",
            &["-w", "500", "10.9.9.9:1"],
            "did you mean 500ms?",
        ),
        (
            "tcpping",
            &["-i", "1000", "10.9.9.9:1"],
            "did you mean 1000ms?",
        ),
        ("tcpping", &["-w", "1e9", "10.9.9.9:1"], "did you mean"),
        (
            "tcpping",
            &["-w", "0", "10.9.9.9:1"],
            "'0' is not a timeout: give one such as 3s or 500ms",
        ),
        (
            "tcpping",
            &["-w", "-1", "10.9.9.9:1"],
            "'-1' is not a timeout: give one such as 3s or 500ms",
        ),
        (
            "tcpping",
            &["-c", "3", "10.9.9.9:1"],
            "tcping's -c is -n here",
        ),
        (
            "tcpping",
            &["-p", "1433", "10.9.9.9"],
            "give the port after the host",
        ),
        (
            "tcpping",
            &["-t", "2", "10.9.9.9:1"],
            "-t runs until Ctrl-C; the timeout is -w",
        ),
        (
            "nameresolver",
            &["@10.9.9.9", "db.contoso.internal"],
            "give the DNS server after the name: nameresolver db.contoso.internal 10.9.9.9",
        ),
    ];
    for (tool, args, said) in cases {
        let run = Run::of(command(tool).args(*args));
        assert_eq!(run.code, 2, "{tool} {args:?}: {}{}", run.stdout, run.stderr);
        assert!(
            run.stderr.starts_with("error: "),
            "{tool} {args:?}: {}",
            run.stderr
        );
        assert!(run.stderr.contains(said), "{tool} {args:?}: {}", run.stderr);
        assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    }
    // With the unit, a long timeout is what the user meant.
    let run = Run::of(command("tcpping").args([
        "--no-probe",
        "-w",
        "15m",
        "--network",
        &netdiag_tests::example_export().display().to_string(),
        "10.10.2.4:1433",
    ]));
    assert_ne!(run.code, 2, "{}", run.stderr);
}
