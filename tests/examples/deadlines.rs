//! Measures how far past its deadline each failure mode ends, precisely: the release
//! binaries, 20 runs each, against servers started here on 127.0.0.1. The contract is the
//! configured timeout plus 100 ms.
//!
//! ```text
//! cargo run --release -p netdiag-tests --example deadlines
//! ```

use std::process::Command;
use std::time::{Duration, Instant};

use netdiag_tests::{BlackholePort, DeadDnsServer, binary, closed_port};

const RUNS: usize = 20;

fn measure(name: &str, deadline: Duration, command: &mut Command) {
    let mut overshoots: Vec<f64> = (0..RUNS)
        .map(|_| {
            let started = Instant::now();
            let _ = command.output();
            (started.elapsed().as_secs_f64() - deadline.as_secs_f64()) * 1000.0
        })
        .collect();
    overshoots.sort_by(f64::total_cmp);
    println!(
        "{name:<34} deadline {:>7.1?}  past it: median {:>6.2} ms, max {:>6.2} ms  {}",
        deadline,
        overshoots[RUNS / 2],
        overshoots[RUNS - 1],
        if overshoots[RUNS - 1] <= 100.0 {
            "ok"
        } else {
            "OVER"
        }
    );
}

fn main() {
    let nameresolver = binary("nameresolver");
    let tcpping = binary("tcpping");
    let dead = DeadDnsServer::start();
    let blackhole = BlackholePort::start();
    let refused = closed_port();
    let timeout = Duration::from_millis(500);

    measure(
        "dead DNS server (--timeout 500ms)",
        timeout,
        Command::new(&nameresolver).env_clear().args([
            "--timeout",
            "500ms",
            "db.contoso.internal",
            &dead.addr().to_string(),
        ]),
    );
    measure(
        "blackholed port (-w 500ms)",
        timeout,
        Command::new(&tcpping).env_clear().args([
            "-w",
            "500ms",
            "-n",
            "1",
            &blackhole.addr().to_string(),
        ]),
    );
    measure(
        "refused port (-w 500ms)",
        timeout,
        Command::new(&tcpping)
            .env_clear()
            .args(["-w", "500ms", "-n", "1", &refused.to_string()]),
    );
    measure(
        "unresolvable name (DNS timeout 1s)",
        Duration::from_secs(1),
        Command::new(&tcpping)
            .env_clear()
            .env("WEBSITE_DNS_SERVER", dead.addr().to_string())
            .env("WEBSITE_DNS_TIMEOUT", "1")
            .args(["-n", "1", "-w", "500ms", "nosuch.contoso.internal:1433"]),
    );
}
