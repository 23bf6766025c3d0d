//! The test kit's mock of Azure Resource Manager and the identity endpoint, on its own:
//! serves the export directories given (default: both shipped examples) on 127.0.0.1
//! until killed, and prints what to set to use it:
//! `cargo run -p netdiag-tests --example arm_mock -- examples/regional-export`.
//! Used by `bench/azure.sh` to time `--azure` against files.

use std::path::PathBuf;

use netdiag_tests::arm::{ArmMock, IDENTITY_HEADER};

fn main() {
    let dirs: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    let dirs = if dirs.is_empty() {
        vec![
            netdiag_tests::example_export(),
            netdiag_tests::regional_export(),
        ]
    } else {
        dirs
    };
    let refs: Vec<&std::path::Path> = dirs.iter().map(PathBuf::as_path).collect();
    let mock = ArmMock::with_exports(&refs);
    println!("ARM_ENDPOINT={}", mock.url());
    println!("IDENTITY_ENDPOINT={}", mock.identity_endpoint());
    println!("IDENTITY_HEADER={IDENTITY_HEADER}");
    loop {
        std::thread::park();
    }
}
