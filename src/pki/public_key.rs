//! The leaf's public key as a value (algorithm and size), for checks that judge its strength;
//! `cert::key_algorithm` words the same facts for display.

use x509_parser::oid_registry::{
    OID_EC_P256, OID_KEY_TYPE_EC_PUBLIC_KEY, OID_NIST_EC_P384, OID_NIST_EC_P521,
    OID_PKCS1_RSAENCRYPTION, OID_SIG_ED25519,
};
use x509_parser::prelude::{FromDer, X509Certificate};
use x509_parser::public_key::PublicKey;

use super::read::{read_blocks, split_blocks};
use crate::findings::Subject;

/// A public key's algorithm and size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    /// RSA with this many bits.
    Rsa(usize),
    /// ECDSA on the NIST curve of this size (256, 384, 521); 0 for another curve.
    Ecdsa(usize),
    /// Ed25519.
    Ed25519,
    /// Anything else.
    Other,
}

impl KeyKind {
    /// The kind of one DER certificate's public key.
    pub fn of_der(der: &[u8]) -> Option<KeyKind> {
        let (_, cert) = X509Certificate::from_der(der).ok()?;
        let spki = cert.public_key();
        let alg = &spki.algorithm.algorithm;
        Some(if *alg == OID_PKCS1_RSAENCRYPTION {
            match spki.parsed() {
                Ok(PublicKey::RSA(k)) => KeyKind::Rsa(k.key_size()),
                _ => KeyKind::Other,
            }
        } else if *alg == OID_KEY_TYPE_EC_PUBLIC_KEY {
            let curve = spki
                .algorithm
                .parameters
                .as_ref()
                .and_then(|p| p.as_oid().ok());
            KeyKind::Ecdsa(match curve {
                Some(c) if c == OID_EC_P256 => 256,
                Some(c) if c == OID_NIST_EC_P384 => 384,
                Some(c) if c == OID_NIST_EC_P521 => 521,
                _ => 0,
            })
        } else if *alg == OID_SIG_ED25519 {
            KeyKind::Ed25519
        } else {
            KeyKind::Other
        })
    }

    /// The kind of the first certificate (the leaf) in PEM or DER bytes, such as a Secret's
    /// `tls.crt`; `None` when there is no readable certificate.
    pub fn of_leaf(bytes: &[u8]) -> Option<KeyKind> {
        let (blocks, _) = read_blocks(bytes, &Subject::file("tls.crt"));
        let (certs, _, _) = split_blocks(blocks);
        KeyKind::of_der(&certs.first()?.der)
    }
}

impl std::fmt::Display for KeyKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            KeyKind::Rsa(bits) => write!(f, "RSA {bits}"),
            KeyKind::Ecdsa(0) => f.write_str("ECDSA (other curve)"),
            KeyKind::Ecdsa(size) => write!(f, "ECDSA P-{size}"),
            KeyKind::Ed25519 => f.write_str("Ed25519"),
            KeyKind::Other => f.write_str("another algorithm"),
        }
    }
}
