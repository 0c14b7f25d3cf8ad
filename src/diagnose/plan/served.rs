//! The TLS side of the plan: the hosts clients reach a Certificate's Secret by (its names,
//! Ingress `tls` entries and Gateway listeners using the Secret) and the Secret's own chain
//! to compare what is served with.

use super::*;

/// The key of a Certificate's TLS observation for one host.
pub fn tls_key(chain: &Chain, host: &str) -> TlsKey {
    TlsKey {
        certificate: certificate_key(chain),
        host: host.to_string(),
    }
}

/// Most hosts probed per Certificate.
pub const MAX_SERVED_HOSTS: usize = 32;

/// The DER certificates of the Secret's `tls.crt`, leaf first; `None` when the Secret is
/// absent, written for another Certificate, or holds no certificate.
pub fn secret_chain(chain: &Chain) -> Option<Vec<Vec<u8>>> {
    let SecretLink::Found(secret) = chain.secret else {
        return None;
    };
    if chain.secret_owned_by_another() {
        return None;
    }
    let crt = secret.tls_crt()?;
    let subject = Subject::new("Secret", None, "");
    let (blocks, _) = crate::pki::read_blocks(crt, &subject);
    let (certs, _, _) = crate::pki::split_blocks(blocks);
    let ders: Vec<Vec<u8>> = certs.into_iter().map(|b| b.der).collect();
    (!ders.is_empty()).then_some(ders)
}

/// The hosts clients reach this Certificate's Secret by: its `dnsNames` (wildcards left out:
/// there is no host to connect to) and the hosts of every Ingress `tls` entry in its
/// namespace whose `secretName` is its Secret, and of every Gateway listener terminating TLS
/// with it. Lower-case, in order, without repeats.
pub fn served_hosts(chain: &Chain, snapshot: &Snapshot) -> Vec<String> {
    let cert = chain.certificate;
    let ns = cert.metadata.namespace.as_deref().unwrap_or("");
    let mut hosts: Vec<String> = Vec::new();
    let mut push = |h: &str| {
        let h = h.trim_end_matches('.').to_ascii_lowercase();
        if !h.is_empty() && !h.starts_with("*.") && !hosts.contains(&h) {
            hosts.push(h);
        }
    };
    for n in &cert.spec.dns_names {
        push(n);
    }
    for (_, tls) in ingress_tls_entries(snapshot, ns) {
        if tls.secret_name.as_deref() == Some(cert.spec.secret_name.as_str()) {
            for h in tls.hosts.iter().flatten() {
                push(h);
            }
        }
    }
    // Gateway listeners that terminate TLS with this Secret (same namespace, or a
    // certificateRef that names this namespace).
    for gw in &snapshot.gateways {
        let gw_ns = gw.metadata.namespace.as_deref().unwrap_or("");
        for l in &gw.spec.listeners {
            let Some(tls) = &l.tls else { continue };
            if tls.mode.as_deref() == Some("Passthrough") {
                continue;
            }
            let uses = tls.certificate_refs.iter().any(|r| {
                r.name == cert.spec.secret_name && r.namespace.as_deref().unwrap_or(gw_ns) == ns
            });
            if uses && let Some(h) = &l.hostname {
                push(h);
            }
        }
    }
    hosts.truncate(MAX_SERVED_HOSTS);
    hosts
}

/// Every `tls` entry of the Ingresses in `ns`, with its Ingress.
pub fn ingress_tls_entries<'a>(
    snapshot: &'a Snapshot,
    ns: &str,
) -> Vec<(
    &'a k8s_openapi::api::networking::v1::Ingress,
    &'a k8s_openapi::api::networking::v1::IngressTLS,
)> {
    snapshot
        .ingresses
        .iter()
        .filter(|i| i.metadata.namespace.as_deref() == Some(ns))
        .flat_map(|i| {
            i.spec
                .as_ref()
                .and_then(|s| s.tls.as_ref())
                .into_iter()
                .flatten()
                .map(move |t| (i, t))
        })
        .collect()
}

/// The TLS handshakes to make: for every Certificate whose Secret holds a certificate, each
/// host of [`served_hosts`].
pub fn served_plan(chains: &[Chain], snapshot: &Snapshot) -> Vec<TlsProbe> {
    let mut out = Vec::new();
    for chain in chains {
        if secret_chain(chain).is_none() {
            continue;
        }
        for host in served_hosts(chain, snapshot) {
            out.push(TlsProbe {
                key: tls_key(chain, &host),
            });
        }
    }
    out
}
