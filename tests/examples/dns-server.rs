//! A loopback DNS server with the test zones, for trying `nameresolver` by hand:
//!
//! ```text
//! cargo run -p netdiag-tests --example dns-server
//! nameresolver www.contoso.internal 127.0.0.1:PORT
//! ```
//! It prints its address and serves until interrupted.

fn main() {
    let server = netdiag_tests::DnsServer::contoso();
    println!(
        "serving contoso.internal and 1.10.in-addr.arpa on {}",
        server.addr()
    );
    loop {
        std::thread::park();
    }
}
