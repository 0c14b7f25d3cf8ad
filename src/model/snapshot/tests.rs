//! Unit tests of the snapshot: typing, notes, scope.

use super::*;
use serde_json::json;

fn cert(ns: &str, name: &str, labels: Value) -> Value {
    json!({"apiVersion": "cert-manager.io/v1", "kind": "Certificate",
           "metadata": {"name": name, "namespace": ns, "uid": name, "labels": labels},
           "spec": {"secretName": name, "issuerRef": {"name": "x"}}})
}

#[test]
fn malformed_object_becomes_a_note_and_others_survive() {
    let mut bad = cert("a", "bad", json!({}));
    bad["spec"]["dnsNames"] = json!("not-a-list");
    let raw = RawSnapshot {
        objects: vec![cert("a", "good", json!({})), bad],
        unreadable: vec![],
    };
    let s = Snapshot::from_raw(raw, &Scope::default());
    assert_eq!(s.certificates.len(), 1);
    assert_eq!(s.notes.len(), 1);
    assert!(s.notes[0].subject.contains("a/bad"), "{:?}", s.notes);
}

#[test]
fn objects_without_name_or_namespace_and_undecodable_secrets_are_notes() {
    let mut no_ns = cert("a", "x", json!({}));
    no_ns["metadata"]
        .as_object_mut()
        .unwrap()
        .remove("namespace");
    let mut no_name = cert("monitoring", "x", json!({}));
    no_name["metadata"].as_object_mut().unwrap().remove("name");
    let secret = json!({"apiVersion": "v1", "kind": "Secret", "type": "kubernetes.io/tls",
        "metadata": {"name": "s", "namespace": "a"}, "data": {"tls.crt": "not base64!"}});
    let raw = RawSnapshot {
        objects: vec![no_ns, no_name, secret],
        unreadable: vec![],
    };
    let s = Snapshot::from_raw(raw, &Scope::default());
    assert!(s.certificates.is_empty() && s.secrets.is_empty());
    let text: Vec<String> = s.notes.iter().map(ToString::to_string).collect();
    assert_eq!(text.len(), 3, "{text:?}");
    assert_eq!(
        text[0],
        "Certificate x: skipped: the object has no metadata.namespace"
    );
    assert_eq!(
        text[1],
        "Certificate monitoring/<unnamed>: skipped: the object has no metadata.name"
    );
    assert!(
        text[2].starts_with("Secret a/s: unreadable: data key \"tls.crt\" is not valid base64 ("),
        "{text:?}"
    );
    assert!(s.secret_unreadable("a", "s"));
}

#[test]
fn unknown_kinds_and_non_tls_secrets_are_skipped() {
    let raw = RawSnapshot {
        objects: vec![
            json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}}),
            json!({"apiVersion": "v1", "kind": "Secret", "type": "Opaque",
                   "metadata": {"name": "s", "namespace": "a"}}),
            json!({"apiVersion": "example.com/v1", "kind": "Certificate",
                   "metadata": {"name": "other", "namespace": "a"}}),
        ],
        unreadable: vec![],
    };
    let s = Snapshot::from_raw(raw, &Scope::default());
    assert!(s.secrets.is_empty() && s.certificates.is_empty() && s.notes.is_empty());
    // The Opaque Secret is known by name only.
    assert!(s.secret_of_other_type("a", "s"));
    assert_eq!(s.other_secrets.len(), 1);
}

#[test]
fn scope_filters_namespace_and_labels() {
    let raw = RawSnapshot {
        objects: vec![
            cert("a", "one", json!({"team": "x"})),
            cert("a", "two", json!({"team": "y"})),
            cert("b", "three", json!({"team": "x"})),
        ],
        unreadable: vec![],
    };
    let scope = Scope {
        namespace: Some("a".into()),
        selector: Some(LabelSelector::parse("team=x").unwrap()),
    };
    let s = Snapshot::from_raw(raw, &scope);
    let names: Vec<_> = s
        .certificates
        .iter()
        .map(|c| c.metadata.name.clone().unwrap())
        .collect();
    assert_eq!(names, vec!["one"]);
}

#[test]
fn a_typed_tls_secret_keeps_its_certificates_and_key_sizes_not_its_other_values() {
    use base64::Engine as _;
    let b64 = |b: &[u8]| base64::engine::general_purpose::STANDARD.encode(b);
    let key = b"-----BEGIN PRIVATE KEY-----\nTUlJRXZRSUJBREFOQmdrcWhraUc5dzBC\n-----END PRIVATE KEY-----\n";
    let keystore = [0xA5u8; 4096];
    let secret = json!({"apiVersion": "v1", "kind": "Secret", "type": "kubernetes.io/tls",
        "metadata": {"name": "web", "namespace": "a", "managedFields": [{"manager": "x"}]},
        "data": {"tls.crt": b64(b"leaf"), "ca.crt": b64(b"root"), "tls.key": b64(key),
                 "keystore.p12": b64(&keystore), "truststore.jks": b64(b"jks")}});
    let raw = RawSnapshot {
        objects: vec![secret],
        unreadable: vec![],
    };
    let s = Snapshot::from_raw(raw, &Scope::default());
    assert!(s.notes.is_empty(), "{:?}", s.notes);
    let secret = &s.secrets[0];
    assert_eq!(secret.value("tls.crt"), Some(&b"leaf"[..]));
    assert_eq!(secret.value("ca.crt"), Some(&b"root"[..]));
    assert_eq!(secret.value("tls.key"), Some(&key[..]));
    // Every key is listed with its size; the others' values are not kept.
    let keys: Vec<(&str, usize)> = secret
        .keys
        .iter()
        .map(|k| (k.name.as_str(), k.bytes))
        .collect();
    assert_eq!(
        keys,
        [
            ("ca.crt", 4),
            ("keystore.p12", 4096),
            ("tls.crt", 4),
            ("tls.key", key.len()),
            ("truststore.jks", 3)
        ]
    );
    assert_eq!(secret.value("keystore.p12"), None);
    assert_eq!(secret.value("truststore.jks"), None);
    assert!(secret.metadata.managed_fields.is_none());
    // Nothing of the private key or the keystore shows in a debug print of the snapshot.
    let debug = format!("{s:?}");
    assert!(debug.contains("[redacted]"), "{debug}");
    for needle in [
        b64(key),
        "PRIVATE KEY".to_string(),
        "TUlJRXZRSUJBREFOQmdrcWhraUc5dzBC".to_string(),
        key[28..60]
            .iter()
            .map(u8::to_string)
            .collect::<Vec<_>>()
            .join(", "),
        b64(&keystore[..30]),
        "165, 165, 165".to_string(),
    ] {
        assert!(!debug.contains(&needle), "{needle} in {debug}");
    }
}

#[test]
fn a_tls_secret_of_another_shape_is_a_note() {
    let secret = json!({"apiVersion": "v1", "kind": "Secret", "type": "kubernetes.io/tls",
        "metadata": {"name": "web", "namespace": "a"}, "data": ["tls.crt"]});
    let raw = RawSnapshot {
        objects: vec![secret],
        unreadable: vec![],
    };
    let s = Snapshot::from_raw(raw, &Scope::default());
    assert!(s.secrets.is_empty());
    assert_eq!(
        s.notes[0].to_string(),
        "Secret a/web: skipped: the object does not have the expected shape (data is not a map)"
    );
}
