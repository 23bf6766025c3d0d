//! Every parser of what users type never panics, and what it accepts is well-formed.
#![no_main]

use libfuzzer_sys::fuzz_target;
use netdiag_core::addr::{Host, parse_server, parse_target, validate_name};
use netdiag_core::vocab::{parse_interval, parse_positive, parse_timeout};
use netdiag_core::dns::config::parse_resolv_conf;
use netdiag_core::snapshot::{AddressPrefix, Cidr, PortRange};

fuzz_target!(|input: (&str, Option<&str>)| {
    let (text, port) = input;
    if let Ok(server) = parse_server(text) {
        assert_ne!(server.port(), 0);
    }
    if let Ok((host, port)) = parse_target(text, port) {
        assert_ne!(port, 0);
        if let Host::Name(name) = host {
            assert!(name.len() <= 253 && name.is_ascii());
        }
    }
    if let Ok(name) = validate_name(text) {
        assert!(name.split('.').all(|label| !label.is_empty() && label.len() <= 63));
    }
    let _ = Host::parse(text);
    if let Ok(timeout) = parse_timeout(text) {
        assert!(!timeout.is_zero());
    }
    let _ = parse_interval(text);
    if let Ok(count) = parse_positive(text) {
        assert!(count >= 1);
    }
    let _ = text.parse::<AddressPrefix>();
    let _ = text.parse::<Cidr>();
    if let Ok(range) = text.parse::<PortRange>() {
        assert!(range.first <= range.last);
    }
    let _ = parse_resolv_conf(text.as_bytes());
});
