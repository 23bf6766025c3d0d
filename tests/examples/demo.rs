//! The product's main job on a machine with no Azure account: starts a DNS server that
//! never answers and a real one (the contoso.internal zone) on 127.0.0.1, sets them as the
//! app's `WEBSITE_DNS_SERVER` and `WEBSITE_DNS_ALT_SERVER`, and runs the real
//! `nameresolver` binary against them, as a user would in the Kudu console.
//!
//! ```text
//! cargo run -p netdiag-tests --example demo
//! ```

use std::process::Command;

fn main() {
    let dead = netdiag_tests::DeadDnsServer::start();
    let dns = netdiag_tests::DnsServer::contoso();
    let nameresolver = netdiag_tests::binary("nameresolver");
    let runs: [&[&str]; 2] = [&["www.contoso.internal"], &["nosuch.contoso.internal"]];
    for args in runs {
        println!(
            "$ WEBSITE_DNS_SERVER={} WEBSITE_DNS_ALT_SERVER={} WEBSITE_DNS_TIMEOUT=1 nameresolver {}",
            dead.addr(),
            dns.addr(),
            args.join(" ")
        );
        let status = Command::new(&nameresolver)
            .env_clear()
            .env("WEBSITE_DNS_SERVER", dead.addr().to_string())
            .env("WEBSITE_DNS_ALT_SERVER", dns.addr().to_string())
            .env("WEBSITE_DNS_TIMEOUT", "1")
            .args(args)
            .status();
        match status {
            Ok(status) => println!("[exit status {}]\n", status.code().unwrap_or(-1)),
            Err(error) => eprintln!("error: cannot run {}: {error}", nameresolver.display()),
        }
    }
}
