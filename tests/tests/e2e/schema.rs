//! The report schema rejects what breaks the contract, so the validation every end-to-end
//! test runs on its reports (`Run::json`) can fail.

use netdiag_tests::{Run, command, report_schema};

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
