//! The checked-in JSON Schema of the report (`schema/report.schema.json`) is the one the
//! report types generate. After a change to the report, regenerate it with
//! `UPDATE_SCHEMA=1 cargo test -p netdiag-core --test core schema`, and bump `SCHEMA_VERSION`
//! when the change breaks readers (a field renamed, removed or retyped).

use std::path::PathBuf;

#[test]
fn the_checked_in_schema_is_the_generated_one() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../schema/report.schema.json");
    let generated =
        serde_json::to_string_pretty(&netdiag_core::report::json_schema()).unwrap() + "\n";
    if std::env::var_os("UPDATE_SCHEMA").is_some() {
        std::fs::write(&path, &generated).unwrap();
    }
    let checked_in = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        checked_in == generated,
        "schema/report.schema.json is out of date: run UPDATE_SCHEMA=1 cargo test -p netdiag-core --test core schema"
    );
}
