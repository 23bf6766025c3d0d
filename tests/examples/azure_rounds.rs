//! How `--azure` gathers the example apps when every request to Azure Resource Manager
//! costs a round trip: the test kit's mock on 127.0.0.1 adds LATENCY to every answer, a
//! `tcpping` binary (this tree's, or an older build's) gathers each example app, and the
//! mock's request log gives the requests, the round trips one after another, the most in
//! flight at once, and the wall time. Used by `bench/azure.sh`:
//! `cargo run --release -p netdiag-tests --example azure_rounds -- target/release/tcpping 100`.

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use netdiag_tests::arm::{ArmMock, IDENTITY_HEADER};

const REGIONAL_APP: &str = "/subscriptions/0b7e5a3d-0000-4000-8000-0000000fab01/resourceGroups/rg-fabrikam/providers/Microsoft.Web/sites/fabrikam-api";
const GATEWAY_APP: &str = "/subscriptions/6f1c2a4e-0000-4000-8000-00000000c0de/resourceGroups/rg-contoso/providers/Microsoft.Web/sites/contoso-web";

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(binary) = args.next().map(PathBuf::from) else {
        eprintln!("usage: azure_rounds TCPPING [LATENCY_MS] [RUNS]");
        std::process::exit(2);
    };
    let latency = Duration::from_millis(args.next().and_then(|a| a.parse().ok()).unwrap_or(100));
    let runs: u32 = args.next().and_then(|a| a.parse().ok()).unwrap_or(5);
    println!(
        "{:<10} {:>8} {:>12} {:>10} {:>14}",
        "example", "requests", "round trips", "in flight", "wall (median)"
    );
    for (name, export, app, target) in [
        (
            "regional",
            netdiag_tests::regional_export(),
            REGIONAL_APP,
            "sql-fabrikam.database.windows.net:1433",
        ),
        (
            "gateway",
            netdiag_tests::example_export(),
            GATEWAY_APP,
            "10.10.2.4:1433",
        ),
    ] {
        let mut walls = Vec::new();
        let mut shape = (0, 0, 0);
        for _ in 0..runs {
            let mock = ArmMock::with_exports(&[&export]);
            mock.state().latency = latency;
            let started = Instant::now();
            let status = Command::new(&binary)
                .env("IDENTITY_ENDPOINT", mock.identity_endpoint())
                .env("IDENTITY_HEADER", IDENTITY_HEADER)
                .args([
                    "--json",
                    "--azure",
                    "--arm-endpoint",
                    &mock.url(),
                    "--app",
                    app,
                    "--no-probe",
                    target,
                ])
                .output()
                .expect("the binary runs");
            walls.push(started.elapsed());
            assert!(status.status.code().is_some(), "the run ended");
            shape = (
                mock.arm_requests().len(),
                mock.round_trips(),
                mock.most_in_flight(),
            );
        }
        walls.sort();
        let median = walls[walls.len() / 2];
        println!(
            "{name:<10} {:>8} {:>12} {:>10} {:>11} ms",
            shape.0,
            shape.1,
            shape.2,
            median.as_millis()
        );
    }
}
