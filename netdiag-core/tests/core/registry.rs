//! The check registry is the one list of checks: the README's list, the test kit's
//! `CHECK_IDS` (the contract's ids, as the end-to-end tests expect them) and the order of
//! stages are checked against it, so none of them can drift.

use netdiag_core::checklist::REGISTRY;

fn registry_ids() -> Vec<&'static str> {
    REGISTRY.iter().map(|spec| spec.id).collect()
}

#[test]
fn the_test_kit_lists_the_registry_ids_in_order() {
    assert_eq!(registry_ids(), netdiag_tests::CHECK_IDS);
}

#[test]
fn the_readme_lists_every_check_in_the_registry_order() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md")).unwrap();
    let start = readme
        .find("Checks, in the order")
        .expect("README.md has the list of checks");
    let paragraph = readme[start..].split("\n\n").next().unwrap();
    let listed: Vec<&str> = paragraph
        .split('`')
        .skip(1)
        .step_by(2)
        .filter(|word| word.contains('.'))
        .collect();
    assert_eq!(listed, registry_ids(), "README.md's list of checks");
}

#[test]
fn ids_are_unique_and_stages_follow_the_tree() {
    let mut ids = registry_ids();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), REGISTRY.len(), "duplicate check ids");
    assert!(
        REGISTRY.windows(2).all(|w| w[0].stage <= w[1].stage),
        "the registry is out of stage order"
    );
    assert!(REGISTRY.iter().all(|spec| !spec.title.is_empty()));
}
