//! Soak: 10,000 TCP probes at `-i 0` by the real `tcpping` binary (text output, as a
//! console user runs it; `--json` keeps every attempt for its report by design), and 2,000
//! DNS lookups through netdiag-core in this process, against servers started here on
//! 127.0.0.1. Prints open descriptors and resident memory as they go: both must stay flat.
//!
//! ```text
//! cargo run --release -p netdiag-core --example soak
//! ```
//! Linux only (reads /proc). Loopback only.

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use netdiag_core::addr::Host;
use netdiag_core::dns::{DnsConfig, DnsServer, Question, ServerSource, resolve};
use netdiag_tests::{DnsServer as TestDns, OpenPort, binary};

fn fds(pid: &str) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/fd")).map_or(0, Iterator::count)
}

fn rss_kib(pid: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

fn main() {
    let open = OpenPort::start();
    let dns = TestDns::contoso();
    let tcpping = binary("tcpping");

    println!(
        "tcpping -n 10000 -i 0 {} (sampled every 50 ms)",
        open.addr()
    );
    println!("{:>8} {:>8} {:>10}", "t (ms)", "fds", "rss (KiB)");
    let started = Instant::now();
    let mut child = Command::new(&tcpping)
        .env_clear()
        .args(["-n", "10000", "-i", "0", &open.addr().to_string()])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("tcpping starts");
    let mut stdout = child.stdout.take().expect("piped");
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stdout.read_to_string(&mut text);
        text
    });
    let pid = child.id().to_string();
    let mut samples = Vec::new();
    while child.try_wait().ok().flatten().is_none() {
        let sample = (started.elapsed().as_millis(), fds(&pid), rss_kib(&pid));
        if sample.1 > 0 {
            println!("{:>8} {:>8} {:>10}", sample.0, sample.1, sample.2);
            samples.push(sample);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let output = reader.join().unwrap_or_default();
    let summary: Vec<&str> = output
        .lines()
        .filter(|l| l.starts_with("Complete:") || l.starts_with("Connect times:"))
        .collect();
    // The first sample can catch the process before its runtime is up; the rest is the run.
    let running = &samples[samples.len().min(1)..];
    println!(
        "{}\nin {:?}; while running: fds {}..{}, rss {}..{} KiB",
        summary.join("\n"),
        started.elapsed(),
        running.iter().map(|s| s.1).min().unwrap_or(0),
        running.iter().map(|s| s.1).max().unwrap_or(0),
        running.iter().map(|s| s.2).min().unwrap_or(0),
        running.iter().map(|s| s.2).max().unwrap_or(0),
    );

    println!(
        "\n2,000 lookups of www.contoso.internal (A+AAAA, CNAME chain) at {}",
        dns.addr()
    );
    println!("{:>8} {:>8} {:>10}", "lookups", "fds", "rss (KiB)");
    let config = DnsConfig::asking(
        vec![DnsServer::new(dns.addr(), ServerSource::Argument)],
        Duration::from_secs(3),
    );
    let question =
        Question::new(&Host::parse("www.contoso.internal").expect("valid"), None).expect("valid");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let started = Instant::now();
    let mut answered = 0;
    for i in 1..=2000 {
        let lookup = runtime.block_on(resolve(
            &config,
            &question,
            &netdiag_core::vocab::Interrupt::default(),
        ));
        answered += usize::from(lookup.resolved());
        if i % 200 == 0 {
            println!("{:>8} {:>8} {:>10}", i, fds("self"), rss_kib("self"));
        }
    }
    println!("answered {answered} of 2000 in {:?}", started.elapsed());
}
