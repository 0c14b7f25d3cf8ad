//! Benchmark of the pure core on a large cluster: typing a raw snapshot of N Certificates
//! (each with two CertificateRequests, an Order, a Challenge, a Secret and Events), indexing
//! it, linking every chain, and building the status report and the diagnosis. It guards the
//! "no quadratic joins" rule: time per certificate must stay flat as N grows.
//!
//! Run: `cargo bench --bench chain` (optionally `-- 20000` for another size). Not a test:
//! timings vary by machine; compare the per-certificate column across sizes.

use std::time::Instant;

use certdoctor::diagnose::tree;
use certdoctor::model::chain::ChainIndex;
use certdoctor::model::observation::Observations;
use certdoctor::model::snapshot::{RawSnapshot, Scope, Snapshot};
use certdoctor::report;
use serde_json::{Value, json};

fn objects(n: usize) -> Vec<Value> {
    let mut out = Vec::with_capacity(n * 8);
    out.push(json!({"apiVersion": "cert-manager.io/v1", "kind": "ClusterIssuer", "metadata": {"name": "le", "uid": "issuer"},
                    "spec": {"acme": {"server": "https://acme-v02.api.letsencrypt.org/directory", "solvers": [{"http01": {"ingress": {}}}]}},
                    "status": {"conditions": [{"type": "Ready", "status": "True"}]}}));
    for i in 0..n {
        let ns = format!("ns-{}", i % 50);
        let name = format!("cert-{i}");
        let uid = format!("c-{i}");
        out.push(json!({"apiVersion": "cert-manager.io/v1", "kind": "Certificate",
            "metadata": {"name": name, "namespace": ns, "uid": uid},
            "spec": {"secretName": name, "dnsNames": [format!("{name}.example.com")], "issuerRef": {"name": "le", "kind": "ClusterIssuer"}},
            "status": {"conditions": [{"type": "Ready", "status": if i % 10 == 0 { "False" } else { "True" }},
                                      {"type": "Issuing", "status": if i % 10 == 0 { "True" } else { "False" }}],
                       "revision": 1, "notAfter": "2027-01-13T10:00:00Z", "renewalTime": "2026-12-14T10:00:00Z"}}));
        for rev in 1..=2 {
            out.push(json!({"apiVersion": "cert-manager.io/v1", "kind": "CertificateRequest",
                "metadata": {"name": format!("{name}-{rev}"), "namespace": ns, "uid": format!("cr-{i}-{rev}"),
                             "annotations": {"cert-manager.io/certificate-revision": rev.to_string()},
                             "ownerReferences": [{"apiVersion": "cert-manager.io/v1", "kind": "Certificate", "name": name, "uid": uid, "controller": true}]},
                "spec": {"issuerRef": {"name": "le"}},
                "status": {"conditions": [{"type": "Approved", "status": "True"}, {"type": "Ready", "status": if rev == 1 { "True" } else { "False" }, "reason": "Pending"}]}}));
        }
        out.push(json!({"apiVersion": "acme.cert-manager.io/v1", "kind": "Order",
            "metadata": {"name": format!("{name}-2-1"), "namespace": ns, "uid": format!("o-{i}"),
                         "ownerReferences": [{"apiVersion": "cert-manager.io/v1", "kind": "CertificateRequest", "name": "x", "uid": format!("cr-{i}-2"), "controller": true}]},
            "status": {"state": "pending"}}));
        out.push(json!({"apiVersion": "acme.cert-manager.io/v1", "kind": "Challenge",
            "metadata": {"name": format!("{name}-2-1-1"), "namespace": ns, "uid": format!("ch-{i}"),
                         "ownerReferences": [{"apiVersion": "acme.cert-manager.io/v1", "kind": "Order", "name": "x", "uid": format!("o-{i}"), "controller": true}]},
            "spec": {"dnsName": format!("{name}.example.com"), "type": "HTTP-01", "token": "t", "key": "k"},
            "status": {"state": "pending", "processing": true, "presented": true, "reason": "Waiting for HTTP-01 challenge propagation: wrong status code '404', expected '200'"}}));
        out.push(
            json!({"apiVersion": "v1", "kind": "Secret", "type": "kubernetes.io/tls",
            "metadata": {"name": name, "namespace": ns, "uid": format!("s-{i}")}, "data": {}}),
        );
        out.push(json!({"apiVersion": "v1", "kind": "Event", "metadata": {"name": format!("e-{i}"), "namespace": ns},
            "involvedObject": {"uid": uid, "kind": "Certificate", "name": name}, "reason": "Issuing", "message": "m", "type": "Normal",
            "lastTimestamp": "2026-11-23T11:00:00Z"}));
    }
    out
}

fn main() {
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let sizes = if sizes.is_empty() {
        vec![1_000, 5_000, 20_000]
    } else {
        sizes
    };
    let now = "2026-11-23T12:00:00Z".parse().unwrap();
    println!(
        "{:>8}  {:>10}  {:>10}  {:>10}  {:>12}",
        "certs", "type (ms)", "status (ms)", "diagnose", "µs per cert"
    );
    for n in sizes {
        let raw = RawSnapshot {
            objects: objects(n),
            unreadable: vec![],
        };
        let t0 = Instant::now();
        let snapshot = Snapshot::from_raw(raw, &Scope::default());
        let t1 = Instant::now();
        let status = report::status_report(&snapshot, None, now);
        let t2 = Instant::now();
        let index = ChainIndex::new(&snapshot);
        let probes = Observations::default();
        let machine = tree::machine(&snapshot, now, true);
        let diagnosed = snapshot
            .certificates
            .iter()
            .map(|c| {
                tree::diagnose(
                    &index,
                    &index.chain(c),
                    &snapshot,
                    &probes,
                    &machine.control_plane,
                    now,
                )
            })
            .filter(|d| !d.healthy)
            .count();
        let t3 = Instant::now();
        assert_eq!(status.certificates.len(), n);
        let total = t3.duration_since(t0).as_secs_f64();
        println!(
            "{n:>8}  {:>10.1}  {:>10.1}  {:>7.1} ms  {:>12.1}   ({diagnosed} unhealthy)",
            t1.duration_since(t0).as_secs_f64() * 1e3,
            t2.duration_since(t1).as_secs_f64() * 1e3,
            t3.duration_since(t2).as_secs_f64() * 1e3,
            total * 1e6 / n as f64
        );
    }
}
