//! Snapshot loading never panics, whatever the file holds; and an error always names the
//! file it came from.
#![no_main]

use libfuzzer_sys::fuzz_target;
use netdiag_core::snapshot::Snapshot;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut snapshot = Snapshot::default();
    if let Err(error) = snapshot.load_text("fuzz.json", &text) {
        assert!(error.to_string().starts_with("fuzz.json: "), "{error}");
    }
});
