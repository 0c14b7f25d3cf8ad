//! [`TlsSecret`]: what the snapshot keeps of a `kubernetes.io/tls` Secret. A Secret is
//! typed the moment it arrives and its raw JSON dropped: the report needs the certificates
//! (`tls.crt`, `ca.crt`, public), the private key (only to check that it matches the leaf),
//! and the name and size of every data key. Every other value (`keystore.p12`,
//! `truststore.jks`, `tls-combined.pem`, `key.der` from cert-manager's keystores and
//! additionalOutputFormats, or anything a user added) is never decoded and never kept, so a
//! fleet of big Secrets costs its certificates, not its data maps.

use std::fmt;

use base64::Engine as _;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde::Serialize;
use serde_json::Value;
use zeroize::Zeroize as _;

/// The data key holding the certificate chain, leaf first.
pub const TLS_CRT: &str = "tls.crt";
/// The data key holding the private key of the leaf.
pub const TLS_KEY: &str = "tls.key";
/// The data key holding the issuing CA's certificate.
pub const CA_CRT: &str = "ca.crt";

/// A Secret data key and the size of its decoded value: what `status` lists of every key,
/// kept without the value itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DataKey {
    /// Key name.
    pub name: String,
    /// Size of the decoded value in bytes.
    pub bytes: usize,
}

/// The private key's bytes, kept only because the key/leaf pair check needs them. It cannot
/// be printed (`Debug` shows `[redacted]`), serialised or cloned, and its buffer is
/// overwritten with zeros when it is dropped, so the key does not linger in freed memory.
pub struct KeyBytes(Vec<u8>);

impl KeyBytes {
    /// The key as stored (PEM or DER), for the pair check.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for KeyBytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl Drop for KeyBytes {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

/// A typed `kubernetes.io/tls` Secret: its metadata, the three values a report reads, and
/// the names and sizes of all its data keys. Made only by [`TlsSecret::from_json`] while
/// the snapshot is built.
#[derive(Debug)]
pub struct TlsSecret {
    /// Metadata, slimmed like every object's (no managedFields, no last-applied annotation).
    pub metadata: ObjectMeta,
    /// The Secret's type (`kubernetes.io/tls`: the snapshot keeps no other type whole).
    pub type_: String,
    /// Every data key with the size of its value, sorted by name; values are not kept.
    pub keys: Vec<DataKey>,
    tls_crt: Option<Vec<u8>>,
    ca_crt: Option<Vec<u8>>,
    tls_key: Option<KeyBytes>,
}

impl TlsSecret {
    /// Types a raw TLS Secret, consuming it. Every data value must be valid standard base64
    /// (the snapshot builder checks that first and reports the Secret as unreadable when
    /// not). `tls.crt`, `ca.crt` and `tls.key` are decoded; the other values are only
    /// measured (the decoded size follows from the padded base64 length). The base64 text
    /// of `tls.key` is zeroed once decoded. An error says why the object has not the shape
    /// of a Secret.
    pub fn from_json(mut v: Value) -> Result<TlsSecret, String> {
        let metadata = match v.get_mut("metadata").map(Value::take) {
            None | Some(Value::Null) => ObjectMeta::default(),
            Some(m) => serde_json::from_value(m).map_err(|e| format!("metadata: {e}"))?,
        };
        let type_ = v
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        let mut secret = TlsSecret {
            metadata,
            type_,
            keys: Vec::new(),
            tls_crt: None,
            ca_crt: None,
            tls_key: None,
        };
        let data = match v.get_mut("data") {
            None | Some(Value::Null) => return Ok(secret),
            Some(Value::Object(data)) => data,
            Some(_) => return Err("data is not a map".into()),
        };
        for (name, value) in data.iter_mut() {
            let Value::String(text) = value else {
                return Err(format!("data key {name:?} is not a string"));
            };
            let decode = |text: &[u8]| {
                base64::engine::general_purpose::STANDARD
                    .decode(text)
                    .map_err(|e| format!("data key {name:?} is not valid base64 ({e})"))
            };
            let bytes = match name.as_str() {
                TLS_CRT | CA_CRT => {
                    let bytes = decode(text.as_bytes())?;
                    let len = bytes.len();
                    if name == TLS_CRT {
                        secret.tls_crt = Some(bytes);
                    } else {
                        secret.ca_crt = Some(bytes);
                    }
                    len
                }
                TLS_KEY => {
                    let mut text = std::mem::take(text).into_bytes();
                    let key = decode(&text);
                    text.zeroize();
                    let key = KeyBytes(key?);
                    let len = key.0.len();
                    secret.tls_key = Some(key);
                    len
                }
                _ => decoded_len(text),
            };
            secret.keys.push(DataKey {
                name: name.clone(),
                bytes,
            });
        }
        secret.keys.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(secret)
    }

    /// The decoded value of `tls.crt`, `ca.crt` or `tls.key`; `None` for a key the Secret
    /// lacks and for every other key (their values are not kept).
    pub fn value(&self, key: &str) -> Option<&[u8]> {
        match key {
            TLS_CRT => self.tls_crt.as_deref(),
            CA_CRT => self.ca_crt.as_deref(),
            TLS_KEY => self.tls_key.as_ref().map(KeyBytes::as_bytes),
            _ => None,
        }
    }

    /// The certificate chain of `tls.crt`, when present.
    pub fn tls_crt(&self) -> Option<&[u8]> {
        self.tls_crt.as_deref()
    }

    /// The private key of `tls.key`, when present.
    pub fn tls_key(&self) -> Option<&KeyBytes> {
        self.tls_key.as_ref()
    }
}

/// The size of the value that valid, padded standard base64 `text` decodes to (each four
/// characters hold three bytes, less one per `=`), without decoding it: a value certdoctor
/// does not keep is never turned back into plain bytes.
fn decoded_len(text: &str) -> usize {
    let padding = text
        .bytes()
        .rev()
        .take(2)
        .take_while(|&b| b == b'=')
        .count();
    (text.len() / 4 * 3).saturating_sub(padding)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn b64(b: &[u8]) -> String {
        base64::engine::general_purpose::STANDARD.encode(b)
    }

    #[test]
    fn decoded_len_is_the_decoded_size() {
        for n in 0..40 {
            let bytes: Vec<u8> = (0..n).map(|i| i as u8).collect();
            assert_eq!(decoded_len(&b64(&bytes)), n, "{n}");
        }
    }

    #[test]
    fn keeps_the_certificates_the_key_and_every_key_size_only() {
        let key = b"-----BEGIN PRIVATE KEY-----\nc2VjcmV0LWtleQ==\n-----END PRIVATE KEY-----\n";
        let s = TlsSecret::from_json(json!({
            "apiVersion": "v1", "kind": "Secret", "type": "kubernetes.io/tls",
            "metadata": {"name": "web", "namespace": "a"},
            "data": {"tls.crt": b64(b"cert"), "tls.key": b64(key), "ca.crt": b64(b"ca"),
                     "keystore.p12": b64(&[7u8; 5000])}}))
        .unwrap();
        assert_eq!(s.value(TLS_CRT), Some(&b"cert"[..]));
        assert_eq!(s.value(CA_CRT), Some(&b"ca"[..]));
        assert_eq!(s.value(TLS_KEY), Some(&key[..]));
        assert_eq!(s.value("keystore.p12"), None);
        let keys: Vec<(&str, usize)> = s.keys.iter().map(|k| (k.name.as_str(), k.bytes)).collect();
        assert_eq!(
            keys,
            [
                ("ca.crt", 2),
                ("keystore.p12", 5000),
                ("tls.crt", 4),
                ("tls.key", key.len())
            ]
        );
        let debug = format!("{s:?}");
        assert!(debug.contains("tls_key: Some([redacted])"), "{debug}");
        assert!(!debug.contains("PRIVATE KEY") && !debug.contains(&b64(key)));
    }

    #[test]
    fn an_object_of_another_shape_is_an_error() {
        let bad =
            json!({"type": "kubernetes.io/tls", "metadata": {"name": "x"}, "data": {"tls.crt": 5}});
        assert_eq!(
            TlsSecret::from_json(bad).unwrap_err(),
            "data key \"tls.crt\" is not a string"
        );
        let no_data = json!({"type": "kubernetes.io/tls", "metadata": {"name": "x"}});
        let s = TlsSecret::from_json(no_data).unwrap();
        assert!(s.keys.is_empty() && s.tls_crt().is_none());
    }
}
