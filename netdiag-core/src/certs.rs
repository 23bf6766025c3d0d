//! Certificates as the App Service and the gateway exchange them: base64 of the DER bytes
//! (whitespace, line breaks and PEM armour tolerated). Reports show SHA-1 thumbprints,
//! the form the portal and `certThumbprint` use, never the certificate itself.

use base64::Engine as _;
use sha1::{Digest, Sha1};

/// Why certificate data gives no thumbprint.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CertError {
    #[error("the certificate data is empty")]
    Empty,
    #[error("the certificate data is not base64: {0}")]
    NotBase64(String),
    #[error("the certificate data is base64 but not a DER certificate")]
    NotDer,
    #[error("the certificate cannot be read: {0}")]
    NotX509(String),
}

/// The SHA-1 thumbprint (uppercase hex) of a base64-encoded DER certificate.
pub fn thumbprint(base64_der: &str) -> Result<String, CertError> {
    Ok(hex_upper(&Sha1::digest(der(base64_der)?)))
}

/// When a base64-encoded DER certificate expires (its `notAfter`).
pub fn not_after(base64_der: &str) -> Result<std::time::SystemTime, CertError> {
    let der = der(base64_der)?;
    let (_, certificate) =
        x509_parser::parse_x509_certificate(&der).map_err(|e| CertError::NotX509(e.to_string()))?;
    let seconds = certificate.validity().not_after.timestamp();
    let since_epoch = std::time::Duration::from_secs(seconds.unsigned_abs());
    Ok(if seconds >= 0 {
        std::time::UNIX_EPOCH + since_epoch
    } else {
        std::time::UNIX_EPOCH - since_epoch
    })
}

/// The DER bytes of base64 certificate data (PEM armour and whitespace tolerated).
fn der(base64_der: &str) -> Result<Vec<u8>, CertError> {
    let body: String = base64_der
        .lines()
        .filter(|line| !line.trim_start().starts_with("-----"))
        .flat_map(|line| line.chars())
        .filter(|c| !c.is_whitespace())
        .collect();
    if body.is_empty() {
        return Err(CertError::Empty);
    }
    let der = base64::engine::general_purpose::STANDARD
        .decode(body.as_bytes())
        .or_else(|_| {
            base64::engine::general_purpose::STANDARD_NO_PAD.decode(body.trim_end_matches('='))
        })
        .map_err(|e| CertError::NotBase64(e.to_string()))?;
    // A DER certificate is an ASN.1 SEQUENCE: anything else is not one.
    if der.first() != Some(&0x30) {
        return Err(CertError::NotDer);
    }
    Ok(der)
}

/// Normalises a thumbprint as users paste it (`ab:cd ...`, lowercase) for comparison.
pub fn normalise_thumbprint(text: &str) -> String {
    text.chars()
        .filter(char::is_ascii_hexdigit)
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

fn hex_upper(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut out, b| {
            let _ = write!(out, "{b:02X}");
            out
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_what_is_not_a_certificate() {
        assert!(thumbprint("").is_err());
        assert!(thumbprint("not base64 !!!").is_err());
        assert_eq!(thumbprint("aGVsbG8=").unwrap_err(), CertError::NotDer);
    }

    #[test]
    fn normalises_thumbprints() {
        assert_eq!(normalise_thumbprint("ab:cd 01"), "ABCD01");
    }
}
