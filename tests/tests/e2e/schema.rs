//! The report schema rejects what breaks the contract, so the validation every end-to-end
//! test runs on its reports (`Run::json`) can fail.

use netdiag_tests::{Run, command, example_export, report_schema};

#[test]
fn the_schema_rejects_broken_reports() {
    let run = Run::of(command("tcpping").args(["--json", ""]));
    assert_eq!(run.code, 2);
    let report = run.json();
    assert!(report_schema().is_valid(&report));

    let mut missing = report.clone();
    missing.as_object_mut().unwrap().remove("verdict");
    assert!(
        !report_schema().is_valid(&missing),
        "a missing field must fail"
    );

    let mut retyped = report.clone();
    retyped["elapsed_ms"] = "fast".into();
    assert!(
        !report_schema().is_valid(&retyped),
        "a retyped field must fail"
    );

    let mut unknown_value = report;
    unknown_value["tool"] = "ping".into();
    assert!(
        !report_schema().is_valid(&unknown_value),
        "an unknown tool must fail"
    );
}

/// `--version` names the build: `tcpping 0.2.0 (a1b2c3d, x86_64-unknown-linux-musl)`, with
/// `+dirty` for a changed tree and `unknown` without git; the report carries the same.
#[test]
fn version_names_the_commit_and_the_target() {
    for tool in ["tcpping", "nameresolver"] {
        let run = Run::of(command(tool).arg("--version"));
        assert_eq!(run.code, 0);
        let line = run.stdout.trim_end();
        let rest = line
            .strip_prefix(&format!("{tool} {} (", env!("CARGO_PKG_VERSION")))
            .unwrap_or_else(|| panic!("{line}"));
        let (commit, target) = rest
            .strip_suffix(')')
            .and_then(|inside| inside.split_once(", "))
            .unwrap_or_else(|| panic!("{line}"));
        let hash = commit.strip_suffix("+dirty").unwrap_or(commit);
        assert!(
            hash == "unknown" || (hash.len() >= 7 && hash.chars().all(|c| c.is_ascii_hexdigit())),
            "{line}"
        );
        assert!(
            target.starts_with("x86_64-") && target.matches('-').count() >= 2,
            "{line}"
        );
    }
    let report = Run::of(command("tcpping").args(["--json", "-n", "0"])).json();
    assert_eq!(report["version"], env!("CARGO_PKG_VERSION"));
    let run = Run::of(command("tcpping").arg("--version"));
    let expected = format!(
        "tcpping {} ({}, {})",
        report["version"].as_str().unwrap(),
        report["build"]["commit"].as_str().unwrap(),
        report["build"]["target"].as_str().unwrap()
    );
    assert_eq!(run.stdout.trim_end(), expected);
}

/// A check's `details` has one shape per family, and the schema holds each: the NSG
/// analysis of the example (its `nsg.p2s-to-target` fails) validates; the same details with
/// a partition missing or the port as text do not.
#[test]
fn the_schema_describes_each_family_of_details() {
    let run = Run::of(
        command("tcpping")
            .args(["--json", "--no-probe", "--network"])
            .arg(example_export())
            .arg("10.10.2.4:1433"),
    );
    let report = run.json();
    let index = report["checklist"]
        .as_array()
        .unwrap()
        .iter()
        .position(|c| c["id"] == "nsg.p2s-to-target")
        .unwrap();
    let details = &report["checklist"][index]["details"];
    assert_eq!(details["port"], 1433);
    assert_eq!(details["pool"][0], "172.16.200.0/24");
    assert!(!details["blocked"].as_array().unwrap().is_empty());

    let mut missing = report.clone();
    missing["checklist"][index]["details"]
        .as_object_mut()
        .unwrap()
        .remove("blocked");
    assert!(
        !report_schema().is_valid(&missing),
        "NSG details need all three partitions"
    );

    let mut retyped = report;
    retyped["checklist"][index]["details"]["port"] = "1433".into();
    assert!(!report_schema().is_valid(&retyped), "the port is a number");
}
