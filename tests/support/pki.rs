//! Certificates and keys made in the tests with rcgen (ECDSA and Ed25519 via ring): a CA,
//! intermediates, leaves with chosen names, dates and serials, and the key encodings
//! cert-manager writes (PKCS#8, SEC1).

use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair, SerialNumber,
    SignatureAlgorithm, date_time_ymd,
};

/// A CA that can sign.
pub struct Ca {
    /// The CA certificate and signer.
    pub issuer: CertifiedIssuer<'static, KeyPair>,
}

impl Ca {
    /// PEM of the CA certificate.
    pub fn pem(&self) -> String {
        self.issuer.pem()
    }
}

fn ca_params(cn: &str, valid: ((i32, u8, u8), (i32, u8, u8))) -> CertificateParams {
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.distinguished_name.push(DnType::CommonName, cn);
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.not_before = date_time_ymd(valid.0.0, valid.0.1, valid.0.2);
    params.not_after = date_time_ymd(valid.1.0, valid.1.1, valid.1.2);
    params
}

/// A self-signed root valid 2025–2035.
pub fn root(cn: &str) -> Ca {
    Ca {
        issuer: CertifiedIssuer::self_signed(
            ca_params(cn, ((2025, 1, 1), (2035, 1, 1))),
            KeyPair::generate().unwrap(),
        )
        .unwrap(),
    }
}

/// An intermediate signed by `parent`, valid between the given dates.
pub fn intermediate(cn: &str, parent: &Ca, valid: ((i32, u8, u8), (i32, u8, u8))) -> Ca {
    Ca {
        issuer: CertifiedIssuer::signed_by(
            ca_params(cn, valid),
            KeyPair::generate().unwrap(),
            &parent.issuer,
        )
        .unwrap(),
    }
}

/// A leaf certificate and its key.
pub struct Leaf {
    /// PEM certificate.
    pub cert_pem: String,
    /// PEM private key (PKCS#8).
    pub key_pem: String,
    /// The key pair, for other encodings.
    pub key: KeyPair,
}

/// Options for [`leaf`].
pub struct LeafOptions {
    /// DNS SANs (the first is also the CN).
    pub names: Vec<String>,
    /// Validity start.
    pub not_before: (i32, u8, u8),
    /// Validity end.
    pub not_after: (i32, u8, u8),
    /// Serial number, when it matters.
    pub serial: Option<u64>,
    /// Key algorithm.
    pub alg: &'static SignatureAlgorithm,
}

impl Default for LeafOptions {
    fn default() -> Self {
        LeafOptions {
            names: vec!["web.example.com".into()],
            not_before: (2026, 10, 15),
            not_after: (2027, 1, 13),
            serial: None,
            alg: &rcgen::PKCS_ECDSA_P256_SHA256,
        }
    }
}

/// A leaf signed by `ca`.
pub fn leaf(ca: &Ca, o: LeafOptions) -> Leaf {
    let key = KeyPair::generate_for(o.alg).unwrap();
    let mut params = CertificateParams::new(o.names.clone()).unwrap();
    params
        .distinguished_name
        .push(DnType::CommonName, o.names[0].clone());
    params.not_before = date_time_ymd(o.not_before.0, o.not_before.1, o.not_before.2);
    params.not_after = date_time_ymd(o.not_after.0, o.not_after.1, o.not_after.2);
    if let Some(s) = o.serial {
        params.serial_number = Some(SerialNumber::from(s));
    }
    let cert = params.signed_by(&key, &ca.issuer).unwrap();
    Leaf {
        cert_pem: cert.pem(),
        key_pem: key.serialize_pem(),
        key,
    }
}

/// PEM-encodes DER with a label.
pub fn pem(label: &str, der: &[u8]) -> String {
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for chunk in b64.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(chunk).unwrap());
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

/// The SEC1 (`EC PRIVATE KEY`) form of an ECDSA key, cut out of its PKCS#8 form.
pub fn sec1_pem(key: &KeyPair) -> String {
    let pkcs8 = key.serialize_der();
    let items = certdoctor::inspect::der::sequence(&pkcs8).unwrap();
    pem("EC PRIVATE KEY", items[2].content)
}
