//! Which evidence the decision tree needs from the network, decided purely from the chains:
//! the Challenges worth probing and the names whose CAA records matter. The same rules tell
//! the walk where to look for the observations, so "which Challenges are in play" is written
//! once.

use std::net::IpAddr;

use super::network::{CaaObservation, Dns01Target, Http01Target, LbHostname, ca_domain};
use crate::findings::Subject;
use crate::model::chain::{Chain, IssuerLink, SecretLink};
use crate::model::observation::{
    CaaKey, CaaProbe, ChallengeKey, DnsProbe, HttpProbe, Observations, Plan, TlsKey, TlsProbe,
};
use crate::model::snapshot::Snapshot;
use crate::model::stage;
use crate::model::types::Challenge;

/// True when the Certificate is being issued (or should be), so its Challenges matter.
pub fn needs_issuance(chain: &Chain) -> bool {
    chain.is_issuing() || !chain.is_ready() || stage::backoff(chain).is_some()
}

/// Why a Challenge is probed, which decides what its probe findings may say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProbeRole {
    /// Presented and not final: the solver serves the token (or the TXT record) now, so a
    /// probe shows what the CA and the self-check see.
    Explain,
    /// Final and failed: cert-manager has cleaned the solver up, so a probe shows only what
    /// is there now — a re-check of the name, never the CA's verdict.
    Recheck,
}

/// Whether and why a Challenge is probed: only for a Certificate being issued; never a valid
/// Challenge, one waiting in the queue, or one whose solver could not present (nothing is
/// served then, and the Present error is the story).
pub fn probe_role(chain: &Chain, ch: &Challenge) -> Option<ProbeRole> {
    if !needs_issuance(chain) || ch.is_queued() {
        return None;
    }
    let state = ch.acme_state();
    if state.is_failed() {
        Some(ProbeRole::Recheck)
    } else if !state.is_final() && ch.is_presented() {
        Some(ProbeRole::Explain)
    } else {
        None
    }
}

/// The Certificate part of an observation key: its uid, or `namespace/name` without one.
pub(super) fn certificate_key(chain: &Chain) -> String {
    let meta = &chain.certificate.metadata;
    meta.uid.clone().unwrap_or_else(|| {
        format!(
            "{}/{}",
            meta.namespace.as_deref().unwrap_or(""),
            meta.name.as_deref().unwrap_or("")
        )
    })
}

/// The key of a Certificate's CAA observation for one of its names.
pub fn caa_key(chain: &Chain, name: &str) -> CaaKey {
    CaaKey {
        certificate: certificate_key(chain),
        name: name.to_string(),
    }
}

mod served;

pub use served::{
    MAX_SERVED_HOSTS, ingress_tls_entries, secret_chain, served_hosts, served_plan, tls_key,
};

/// The CA domain and ACME account of an ACME issuer whose CA is known; CAA is judged only
/// for those.
fn caa_context(chain: &Chain) -> Option<(&'static str, Option<String>)> {
    let IssuerLink::Found { config, status, .. } = chain.issuer else {
        return None;
    };
    let acme = config.acme.as_ref()?;
    let ca = ca_domain(&acme.server)?;
    let account = status
        .and_then(|s| s.acme.as_ref())
        .and_then(|a| a.uri.clone());
    Some((ca, account))
}

/// Picks what to probe: every Challenge with a [`ProbeRole`], and CAA for the names of every ACME
/// Certificate — a CAA record added since the last issuance breaks the next renewal of a
/// healthy one.
pub fn plan(chains: &[Chain], snapshot: &Snapshot) -> Plan {
    let mut p = Plan::default();
    for chain in chains {
        for ch in chain
            .challenges
            .iter()
            .filter(|c| probe_role(chain, c).is_some())
        {
            let key = ChallengeKey::of(ch);
            if ch.spec.type_.eq_ignore_ascii_case("HTTP-01") {
                let ns = ch.metadata.namespace.as_deref().unwrap_or("");
                p.http.push(HttpProbe {
                    key,
                    dns_name: ch.spec.dns_name.clone(),
                    token: ch.spec.token.clone(),
                    lb_hostnames: load_balancer_names(snapshot, ns, &ch.spec.dns_name)
                        .into_iter()
                        .map(|lb| lb.name)
                        .collect(),
                });
            } else if ch.spec.type_.eq_ignore_ascii_case("DNS-01") {
                p.dns.push(DnsProbe {
                    key,
                    dns_name: ch.spec.dns_name.clone(),
                });
            }
        }
        if caa_context(chain).is_some() {
            for name in &chain.certificate.spec.dns_names {
                p.caa.push(CaaProbe {
                    key: caa_key(chain, name),
                });
            }
        }
    }
    p
}

fn challenge_subject(ch: &Challenge) -> Subject {
    Subject::new(
        "Challenge",
        ch.metadata.namespace.as_deref(),
        ch.metadata.name.as_deref().unwrap_or(""),
    )
    .part(&ch.display_name())
}

/// What the HTTP-01 findings judge a fetch against.
pub fn http01_target(ch: &Challenge, snapshot: &Snapshot) -> Http01Target {
    let ns = ch.metadata.namespace.as_deref().unwrap_or("");
    Http01Target {
        subject: challenge_subject(ch),
        dns_name: ch.spec.dns_name.clone(),
        token: ch.spec.token.clone(),
        expected: ch.spec.key.clone(),
        ingress_addresses: ingress_addresses(snapshot, ns, &ch.spec.dns_name),
        ingress_hostnames: load_balancer_names(snapshot, ns, &ch.spec.dns_name),
    }
}

/// What the DNS-01 findings judge the TXT answers against.
pub fn dns01_target(ch: &Challenge) -> Dns01Target {
    let follow = ch
        .spec
        .solver
        .as_ref()
        .and_then(|s| s.pointer("/dns01/cnameStrategy"))
        .and_then(|v| v.as_str())
        .is_some_and(|s| s.eq_ignore_ascii_case("Follow"));
    Dns01Target {
        subject: challenge_subject(ch),
        dns_name: ch.spec.dns_name.clone(),
        expected: ch.spec.key.clone(),
        follow_cname: follow,
    }
}

/// The CAA observation of one of the Certificate's names, with the CA and account it is
/// judged for; `None` when it was not probed.
pub fn caa_observation(chain: &Chain, name: &str, obs: &Observations) -> Option<CaaObservation> {
    let (ca, account) = caa_context(chain)?;
    let lookups = obs.caa.get(&caa_key(chain, name))?;
    let method = chain
        .challenges
        .iter()
        .find(|c| {
            c.spec.dns_name == name.trim_start_matches("*.")
                && c.spec.wildcard == name.starts_with("*.")
        })
        .map(|c| c.spec.type_.to_ascii_lowercase());
    Some(CaaObservation {
        name: name.to_string(),
        lookups: lookups.clone(),
        ca_domain: Some(ca.to_string()),
        account_uri: account,
        method,
    })
}

/// The Ingresses in `ns` that route `host` (the solver's own included: the same controller serves it).
fn ingresses_for<'a>(
    snapshot: &'a Snapshot,
    ns: &'a str,
    host: &'a str,
) -> impl Iterator<Item = &'a k8s_openapi::api::networking::v1::Ingress> {
    snapshot.ingresses.iter().filter(move |ing| {
        ing.metadata.namespace.as_deref() == Some(ns)
            && ing
                .spec
                .as_ref()
                .and_then(|s| s.rules.as_ref())
                .is_some_and(|rules| {
                    rules.iter().any(|r| {
                        r.host
                            .as_deref()
                            .is_some_and(|h| h.eq_ignore_ascii_case(host))
                    })
                })
    })
}

/// True when a listener hostname (`shop.example.com`, `*.example.com`) covers `host`.
fn hostname_covers(pattern: &str, host: &str) -> bool {
    match pattern.strip_prefix("*.") {
        Some(suffix) => host
            .to_ascii_lowercase()
            .strip_suffix(&suffix.to_ascii_lowercase())
            .is_some_and(|head| head.ends_with('.') && head.len() > 1),
        None => pattern.eq_ignore_ascii_case(host),
    }
}

/// The Gateways in `ns` with a listener for `host`: the solver's HTTPRoute attaches there.
fn gateways_for<'a>(
    snapshot: &'a Snapshot,
    ns: &'a str,
    host: &'a str,
) -> impl Iterator<Item = &'a crate::model::gateway::Gateway> {
    snapshot.gateways.iter().filter(move |g| {
        g.metadata.namespace.as_deref() == Some(ns)
            && g.spec.listeners.iter().any(|l| {
                l.hostname
                    .as_deref()
                    .is_some_and(|h| hostname_covers(h, host))
            })
    })
}

fn gateway_addresses<'a>(
    snapshot: &'a Snapshot,
    ns: &'a str,
    host: &'a str,
) -> impl Iterator<Item = &'a crate::model::gateway::GatewayAddress> {
    gateways_for(snapshot, ns, host)
        .filter_map(|g| g.status.as_ref())
        .flat_map(|s| s.addresses.iter())
}

fn is_hostname_address(a: &crate::model::gateway::GatewayAddress) -> bool {
    a.type_.as_deref() == Some("Hostname")
}

/// Load-balancer IP addresses of the Ingresses in `ns` that route `host`, and of the
/// Gateways there with a listener for it (`status.addresses` of type `IPAddress`).
fn ingress_addresses(snapshot: &Snapshot, ns: &str, host: &str) -> Vec<IpAddr> {
    let mut out: Vec<IpAddr> = Vec::new();
    for ing in ingresses_for(snapshot, ns, host) {
        for lb in ing
            .status
            .as_ref()
            .and_then(|s| s.load_balancer.as_ref())
            .and_then(|l| l.ingress.as_ref())
            .into_iter()
            .flatten()
        {
            if let Some(ip) = lb.ip.as_deref().and_then(|i| i.parse().ok()) {
                out.push(ip);
            }
        }
    }
    for a in gateway_addresses(snapshot, ns, host).filter(|a| !is_hostname_address(a)) {
        if let Ok(ip) = a.value.parse() {
            out.push(ip);
        }
    }
    out.dedup();
    out
}

/// Load-balancer host names (AWS ELB/NLB publish `hostname`, not `ip`; Gateways may publish
/// `Hostname` addresses) of the same Ingresses and Gateways, each once, with the object that
/// publishes it: the app's Ingress before the solver's own (which lives only as long as the
/// Challenge). This module is pure: they go into the plan (`HttpProbe::lb_hostnames`), the
/// probe resolves them, and the findings compare the name's addresses with the IPs and what
/// these names resolved to.
fn load_balancer_names(snapshot: &Snapshot, ns: &str, host: &str) -> Vec<LbHostname> {
    let mut ingresses: Vec<_> = ingresses_for(snapshot, ns, host).collect();
    ingresses.sort_by_key(|ing| {
        ing.metadata
            .labels
            .as_ref()
            .is_some_and(|l| l.contains_key(crate::model::snapshot::SOLVER_LABEL))
    });
    let mut out: Vec<LbHostname> = Vec::new();
    for ing in ingresses {
        for lb in ing
            .status
            .as_ref()
            .and_then(|s| s.load_balancer.as_ref())
            .and_then(|l| l.ingress.as_ref())
            .into_iter()
            .flatten()
        {
            if let Some(h) = lb.hostname.as_deref().filter(|h| !h.is_empty()) {
                out.push(LbHostname {
                    name: h.to_string(),
                    kind: "Ingress",
                    namespace: ns.to_string(),
                    object: ing.metadata.name.clone().unwrap_or_default(),
                });
            }
        }
    }
    for g in gateways_for(snapshot, ns, host) {
        for a in g
            .status
            .iter()
            .flat_map(|s| s.addresses.iter())
            .filter(|a| is_hostname_address(a))
        {
            out.push(LbHostname {
                name: a.value.clone(),
                kind: "Gateway",
                namespace: ns.to_string(),
                object: g.metadata.name.clone().unwrap_or_default(),
            });
        }
    }
    let mut seen = std::collections::HashSet::new();
    out.retain(|lb| seen.insert(lb.name.to_ascii_lowercase()));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listener_hostnames_cover_their_names() {
        for (pattern, host, want) in [
            ("shop.example.com", "shop.example.com", true),
            ("shop.example.com", "SHOP.example.com", true),
            ("*.example.com", "shop.example.com", true),
            ("*.example.com", "a.b.example.com", true),
            ("*.example.com", "example.com", false),
            ("*.example.com", "badexample.com", false),
        ] {
            assert_eq!(hostname_covers(pattern, host), want, "{pattern} {host}");
        }
    }

    #[test]
    fn gateway_and_hostname_load_balancers_are_known() {
        let snapshot = Snapshot {
            gateways: vec![
                serde_json::from_value(serde_json::json!({
                    "metadata": {"name": "public", "namespace": "web"},
                    "spec": {"listeners": [{"name": "http", "port": 80, "protocol": "HTTP", "hostname": "*.example.com"}]},
                    "status": {"addresses": [{"type": "IPAddress", "value": "203.0.113.20"},
                                             {"type": "Hostname", "value": "gw.elb.amazonaws.com"}]}}))
                .unwrap(),
            ],
            ingresses: vec![
                serde_json::from_value(serde_json::json!({
                    "metadata": {"name": "app", "namespace": "web"},
                    "spec": {"rules": [{"host": "shop.example.com"}]},
                    "status": {"loadBalancer": {"ingress": [{"hostname": "a1b2.elb.eu-west-1.amazonaws.com"}]}}}))
                .unwrap(),
            ],
            ..Snapshot::default()
        };
        assert_eq!(
            ingress_addresses(&snapshot, "web", "shop.example.com"),
            ["203.0.113.20".parse::<IpAddr>().unwrap()]
        );
        let names: Vec<(String, &str, String)> =
            load_balancer_names(&snapshot, "web", "shop.example.com")
                .into_iter()
                .map(|lb| (lb.name, lb.kind, lb.object))
                .collect();
        assert_eq!(
            names,
            [
                (
                    "a1b2.elb.eu-west-1.amazonaws.com".to_string(),
                    "Ingress",
                    "app".to_string()
                ),
                (
                    "gw.elb.amazonaws.com".to_string(),
                    "Gateway",
                    "public".to_string()
                )
            ]
        );
        assert!(ingress_addresses(&snapshot, "other", "shop.example.com").is_empty());
    }
}
