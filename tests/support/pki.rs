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
    /// DER certificate.
    pub cert_der: Vec<u8>,
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
        cert_der: cert.der().to_vec(),
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
    pem("EC PRIVATE KEY", &sec1_der(key))
}

/// The SEC1 DER of an ECDSA key: the private-key OCTET STRING of its PKCS#8 form.
pub fn sec1_der(key: &KeyPair) -> Vec<u8> {
    let pkcs8 = key.serialize_der();
    let items = certdoctor::pki::der::sequence(&pkcs8).unwrap();
    items[2].content.to_vec()
}

/// An RSA leaf (cert-manager's default key type), with its key as PKCS#1 and PKCS#8 PEM.
/// The key comes from the pure-Rust `rsa` crate; rcgen signs with it through ring, so the
/// shipped binary keeps one crypto backend.
pub struct RsaLeaf {
    /// PEM certificate.
    pub cert_pem: String,
    /// DER certificate.
    pub cert_der: Vec<u8>,
    /// `RSA PRIVATE KEY` (PKCS#1), cert-manager's default encoding.
    pub pkcs1_pem: String,
    /// The PKCS#1 key as DER.
    pub pkcs1_der: Vec<u8>,
    /// `PRIVATE KEY` (PKCS#8).
    pub pkcs8_pem: String,
}

/// A 2048-bit RSA leaf for `web.example.com`, signed by `ca`.
pub fn rsa_leaf(ca: &Ca) -> RsaLeaf {
    use rsa::pkcs1::EncodeRsaPrivateKey;
    use rsa::pkcs8::EncodePrivateKey;
    let private = rsa::RsaPrivateKey::new(&mut rand::rngs::OsRng, 2048).unwrap();
    let pkcs8 = private.to_pkcs8_der().unwrap();
    let pkcs8_pem = pem("PRIVATE KEY", pkcs8.as_bytes());
    let key = KeyPair::from_pkcs8_pem_and_sign_algo(&pkcs8_pem, &rcgen::PKCS_RSA_SHA256).unwrap();
    let mut params = CertificateParams::new(vec!["web.example.com".to_string()]).unwrap();
    params
        .distinguished_name
        .push(DnType::CommonName, "web.example.com");
    params.not_before = date_time_ymd(2026, 10, 15);
    params.not_after = date_time_ymd(2027, 1, 13);
    let cert = params.signed_by(&key, &ca.issuer).unwrap();
    RsaLeaf {
        cert_pem: cert.pem(),
        cert_der: cert.der().to_vec(),
        pkcs1_der: private.to_pkcs1_der().unwrap().as_bytes().to_vec(),
        pkcs1_pem: private
            .to_pkcs1_pem(rsa::pkcs1::LineEnding::LF)
            .unwrap()
            .to_string(),
        pkcs8_pem,
    }
}

/// An RSA public key as rcgen wants it: PKCS#1 `RSAPublicKey` DER. Lets a test sign a leaf
/// for an RSA key ring would refuse to load (under 2048 bits).
struct RsaPublic(Vec<u8>);

impl rcgen::PublicKeyData for RsaPublic {
    fn der_bytes(&self) -> &[u8] {
        &self.0
    }

    fn algorithm(&self) -> &'static SignatureAlgorithm {
        &rcgen::PKCS_RSA_SHA256
    }
}

/// PEM of a leaf for `web.example.com` whose public key is RSA of `bits` bits (1024 for a
/// weak key), signed by `ca`, valid 2026-10-15 → 2027-01-13.
pub fn rsa_leaf_pem(ca: &Ca, bits: usize) -> String {
    use rsa::pkcs1::EncodeRsaPublicKey;
    let private = rsa::RsaPrivateKey::new(&mut rand::rngs::OsRng, bits).unwrap();
    let public = RsaPublic(
        private
            .to_public_key()
            .to_pkcs1_der()
            .unwrap()
            .as_bytes()
            .to_vec(),
    );
    let mut params = CertificateParams::new(vec!["web.example.com".to_string()]).unwrap();
    params.not_before = date_time_ymd(2026, 10, 15);
    params.not_after = date_time_ymd(2027, 1, 13);
    params.signed_by(&public, &ca.issuer).unwrap().pem()
}
