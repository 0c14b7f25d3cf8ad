//! Reads a private key only far enough to learn its type and its public key, and compares
//! that public key with a certificate's. Nothing is signed; no key byte is kept, logged or
//! returned: the only output is [`KeyInfo`] (algorithm, encoding, match or not).

use serde::Serialize;
use x509_parser::oid_registry::{
    OID_EC_P256, OID_KEY_TYPE_EC_PUBLIC_KEY, OID_NIST_EC_P384, OID_NIST_EC_P521,
    OID_PKCS1_RSAENCRYPTION, OID_SIG_ED25519,
};
use x509_parser::prelude::X509Certificate;
use x509_parser::public_key::PublicKey;
use x509_parser::x509::SubjectPublicKeyInfo;

use super::der::{self, Tlv, tag};

/// What certdoctor may say about a private key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct KeyInfo {
    /// `PKCS#1`, `PKCS#8` or `SEC1` (from the PEM label and structure).
    pub encoding: String,
    /// `RSA 2048`, `ECDSA P-256`, `Ed25519`, …
    pub algorithm: String,
    /// Whether its public key is the leaf certificate's; `None` when it could not be told
    /// (no leaf, or a SEC1 key without its public half).
    pub matches_leaf: Option<bool>,
}

/// The public half of a private key, in the form a certificate's SPKI uses.
#[derive(Debug, PartialEq, Eq)]
enum Public {
    Rsa {
        n: Vec<u8>,
        e: Vec<u8>,
    },
    Ec {
        curve: &'static str,
        point: Option<Vec<u8>>,
    },
    Ed25519(Vec<u8>),
}

/// Why a key block could not be read.
pub type KeyError = String;

fn curve_name(oid_der: &[u8]) -> &'static str {
    // Compare the DER content of the curve OID with the registry's.
    let known = [
        (OID_EC_P256, "P-256"),
        (OID_NIST_EC_P384, "P-384"),
        (OID_NIST_EC_P521, "P-521"),
    ];
    known
        .iter()
        .find(|(oid, _)| oid.as_bytes() == oid_der)
        .map_or("unknown curve", |(_, n)| n)
}

fn rsa_public(pkcs1: &[u8]) -> Result<Public, KeyError> {
    let items = der::sequence(pkcs1).ok_or("RSA key is not a valid PKCS#1 structure")?;
    match items.as_slice() {
        [v, n, e, ..]
            if v.tag == tag::INTEGER && n.tag == tag::INTEGER && e.tag == tag::INTEGER =>
        {
            Ok(Public::Rsa {
                n: der::unsigned(n.content).to_vec(),
                e: der::unsigned(e.content).to_vec(),
            })
        }
        _ => Err("RSA key is not a valid PKCS#1 structure".into()),
    }
}

fn sec1_public(sec1: &[u8], curve_from_outer: Option<&'static str>) -> Result<Public, KeyError> {
    let items = der::sequence(sec1).ok_or("EC key is not a valid SEC1 structure")?;
    if items.len() < 2 || items[0].tag != tag::INTEGER || items[1].tag != tag::OCTET_STRING {
        return Err("EC key is not a valid SEC1 structure".into());
    }
    let mut curve = curve_from_outer;
    let mut point = None;
    for item in &items[2..] {
        let inner: Option<Tlv> = der::read(item.content).map(|(t, _)| t);
        match (item.tag, inner) {
            (tag::CONTEXT_0, Some(t)) if t.tag == tag::OID => curve = Some(curve_name(t.content)),
            (tag::CONTEXT_1, Some(t)) if t.tag == tag::BIT_STRING && !t.content.is_empty() => {
                point = Some(t.content[1..].to_vec());
            }
            _ => {}
        }
    }
    // Keys cut out of PKCS#8 carry no curve parameters; the point length tells the curve.
    let by_length = point.as_ref().and_then(|p| match p.len() {
        65 => Some("P-256"),
        97 => Some("P-384"),
        133 => Some("P-521"),
        _ => None,
    });
    Ok(Public::Ec {
        curve: curve.or(by_length).unwrap_or("unknown curve"),
        point,
    })
}

fn pkcs8_public(pkcs8: &[u8]) -> Result<Public, KeyError> {
    let bad = || "key is not a valid PKCS#8 structure".to_string();
    let items = der::sequence(pkcs8).ok_or_else(bad)?;
    if items.len() < 3 || items[1].tag != tag::SEQUENCE || items[2].tag != tag::OCTET_STRING {
        return Err(bad());
    }
    let alg = der::children(items[1].content).ok_or_else(bad)?;
    let alg_oid = alg
        .first()
        .filter(|t| t.tag == tag::OID)
        .ok_or_else(bad)?
        .content;
    let private = items[2].content;
    if alg_oid == OID_PKCS1_RSAENCRYPTION.as_bytes() {
        rsa_public(private)
    } else if alg_oid == OID_KEY_TYPE_EC_PUBLIC_KEY.as_bytes() {
        let curve = alg
            .get(1)
            .filter(|t| t.tag == tag::OID)
            .map(|t| curve_name(t.content));
        sec1_public(private, curve)
    } else if alg_oid == OID_SIG_ED25519.as_bytes() {
        let seed = der::read(private)
            .filter(|(t, rest)| {
                t.tag == tag::OCTET_STRING && rest.is_empty() && t.content.len() == 32
            })
            .map(|(t, _)| t.content)
            .ok_or("Ed25519 key is not a 32-byte seed")?;
        let pair = ring::signature::Ed25519KeyPair::from_seed_unchecked(seed)
            .map_err(|_| "Ed25519 key is not valid".to_string())?;
        use ring::signature::KeyPair;
        Ok(Public::Ed25519(pair.public_key().as_ref().to_vec()))
    } else {
        Err("unsupported private key algorithm".into())
    }
}

fn describe(p: &Public) -> String {
    match p {
        Public::Rsa { n, .. } => format!("RSA {}", n.len() * 8),
        Public::Ec { curve, .. } => format!("ECDSA {curve}"),
        Public::Ed25519(_) => "Ed25519".into(),
    }
}

fn same_key(p: &Public, spki: &SubjectPublicKeyInfo) -> Option<bool> {
    match (p, spki.parsed().ok()?) {
        (Public::Rsa { n, e }, PublicKey::RSA(k)) => Some(
            der::unsigned(k.modulus) == n.as_slice() && der::unsigned(k.exponent) == e.as_slice(),
        ),
        (
            Public::Ec {
                point: Some(pt), ..
            },
            PublicKey::EC(ec),
        ) => Some(ec.data() == pt.as_slice()),
        (Public::Ec { point: None, .. }, PublicKey::EC(_)) => None,
        (Public::Ed25519(pk), _) if spki.algorithm.algorithm == OID_SIG_ED25519 => {
            Some(spki.subject_public_key.data.as_ref() == pk.as_slice())
        }
        _ => Some(false),
    }
}

/// The PEM label a bare DER private key would carry, told from its structure, or `None`
/// when the bytes are no key form certdoctor reads. The forms are tried in this order
/// because they overlap only this way: PKCS#8 (`INTEGER, SEQUENCE, OCTET STRING, …`),
/// PKCS#1 RSAPrivateKey (nine INTEGERs), SEC1 ECPrivateKey (`INTEGER 1, OCTET STRING, …`),
/// and an encrypted PKCS#8 (`SEQUENCE, OCTET STRING`), so that its error says what it is.
pub fn der_key_label(bytes: &[u8]) -> Option<&'static str> {
    let items = der::sequence(bytes)?;
    let tags: Vec<u8> = items.iter().map(|t| t.tag).collect();
    match tags.as_slice() {
        [tag::INTEGER, tag::SEQUENCE, tag::OCTET_STRING, ..] => Some("PRIVATE KEY"),
        t if t.len() >= 9 && t[..9].iter().all(|t| *t == tag::INTEGER) => Some("RSA PRIVATE KEY"),
        [tag::INTEGER, tag::OCTET_STRING, ..] if items[0].content == [1] => Some("EC PRIVATE KEY"),
        [tag::SEQUENCE, tag::OCTET_STRING] => Some("ENCRYPTED PRIVATE KEY"),
        _ => None,
    }
}

/// Reads a key block (`label` is its PEM label) and compares it with `leaf`, if any.
pub fn inspect_key(
    label: &str,
    der_bytes: &[u8],
    leaf: Option<&X509Certificate>,
) -> Result<KeyInfo, KeyError> {
    let (encoding, public) = match label {
        "RSA PRIVATE KEY" => ("PKCS#1", rsa_public(der_bytes)?),
        "EC PRIVATE KEY" => ("SEC1", sec1_public(der_bytes, None)?),
        "PRIVATE KEY" => ("PKCS#8", pkcs8_public(der_bytes)?),
        "ENCRYPTED PRIVATE KEY" => {
            return Err("the key is encrypted; cert-manager never writes encrypted keys".into());
        }
        other => return Err(format!("unsupported key block {other:?}")),
    };
    Ok(KeyInfo {
        encoding: encoding.into(),
        algorithm: describe(&public),
        matches_leaf: leaf.and_then(|c| same_key(&public, c.public_key())),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn der_key_forms_are_told_apart_and_anything_else_is_none() {
        // SEC1: version 1, private key; an encrypted PKCS#8: algorithm, ciphertext.
        let sec1 = [0x30, 0x06, 0x02, 0x01, 0x01, 0x04, 0x01, 0xaa];
        assert_eq!(der_key_label(&sec1), Some("EC PRIVATE KEY"));
        let encrypted = [0x30, 0x06, 0x30, 0x00, 0x04, 0x02, 0xaa, 0xbb];
        assert_eq!(der_key_label(&encrypted), Some("ENCRYPTED PRIVATE KEY"));
        let nine_integers: Vec<u8> = [0x30, 27]
            .into_iter()
            .chain([0x02, 0x01, 0x01].repeat(9))
            .collect();
        assert_eq!(der_key_label(&nine_integers), Some("RSA PRIVATE KEY"));
        let three_integers = [
            0x30, 0x09, 0x02, 0x01, 0x00, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01,
        ];
        assert_eq!(der_key_label(&three_integers), None);
        assert_eq!(der_key_label(b"hello"), None);
        assert_eq!(der_key_label(&[]), None);
    }
}
