//! The test kit's mock of Azure Resource Manager and the identity endpoint, on its own:
//! the way to try `--azure` without an Azure account. It serves the export directories
//! given (default: the shipped examples) on 127.0.0.1 until killed, and prints the
//! variables to set and the command to paste:
//! `cargo run -p netdiag-tests --example arm_mock`.
//! Used by `bench/azure.sh` too (it reads the first three lines).

use std::path::PathBuf;

use netdiag_tests::arm::{ArmMock, IDENTITY_HEADER, TOKEN};

const REGIONAL_APP: &str = "/subscriptions/0b7e5a3d-0000-4000-8000-0000000fab01/resourceGroups/rg-fabrikam/providers/Microsoft.Web/sites/fabrikam-api";

fn main() {
    let dirs: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    let given = !dirs.is_empty();
    let dirs = if given {
        dirs
    } else {
        vec![
            netdiag_tests::example_export(),
            netdiag_tests::regional_export(),
            netdiag_tests::hub_spoke_export(),
            netdiag_tests::functions_export(),
        ]
    };
    let refs: Vec<&std::path::Path> = dirs.iter().map(PathBuf::as_path).collect();
    let mock = ArmMock::with_exports(&refs);
    println!("ARM_ENDPOINT={}", mock.url());
    println!("IDENTITY_ENDPOINT={}", mock.identity_endpoint());
    println!("IDENTITY_HEADER={IDENTITY_HEADER}");
    if !given {
        // The token the mock accepts, in a file: the command below needs nothing else.
        let token =
            std::env::temp_dir().join(format!("netdiag-arm-mock-{}.token", std::process::id()));
        if std::fs::write(&token, TOKEN).is_ok() {
            println!(
                "# The mock runs until Ctrl-C. In another console, paste (from the repository:"
            );
            println!("# cargo run -p tcpping -- followed by the arguments):");
            println!(
                "#   tcpping --azure --arm-endpoint {} --arm-token-file {} --app {REGIONAL_APP} --no-probe sql-fabrikam.database.windows.net:1433",
                mock.url(),
                token.display()
            );
            println!(
                "# It reads the regional example's configuration as --azure reads Azure's, and names"
            );
            println!(
                "# the cause its export names. IDENTITY_ENDPOINT and IDENTITY_HEADER above stand in"
            );
            println!("# for the app's managed identity instead of the token file.");
        }
    }
    loop {
        std::thread::park();
    }
}
