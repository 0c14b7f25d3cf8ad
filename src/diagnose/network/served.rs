//! TLS observations → findings: what clients are really served on 443, side by side with the
//! Secret cert-manager wrote. A different leaf (by public key and serial) is
//! SERVED_CERT_MISMATCH, worded by what it is, because that decides the fix: the ingress
//! controller's default certificate, an older certificate of the same names, or one from
//! another issuer. Also SERVED_CERT_EXPIRED, SERVED_NAME_MISMATCH, SERVED_CHAIN_INCOMPLETE,
//! HTTPS_UNREACHABLE, and SERVED_CERT_MATCHES, the one-line proof that it is right.

use jiff::Timestamp;
use x509_parser::prelude::{FromDer, X509Certificate};

use crate::findings::{Code, Finding, Severity, Subject};
use crate::model::observation::{ProbeHost, TlsObservation};
use crate::pki::cert::{self, CertFacts};
use crate::timefmt;

/// The subject CN ingress-nginx gives its default certificate.
pub const INGRESS_FAKE_CN: &str = "Kubernetes Ingress Controller Fake Certificate";

/// What a TLS observation is judged against.
#[derive(Debug, Clone)]
pub struct ServedTarget {
    /// Who the findings are about (the Certificate, or the Secret for `inspect url`).
    pub subject: Subject,
    /// The host (SNI).
    pub host: String,
    /// The port, for commands (443 for `diagnose`).
    pub port: u16,
    /// The certificate chain of the Secret (DER, leaf first), when there is one to compare.
    pub expected: Option<Vec<Vec<u8>>>,
    /// `namespace/name` of that Secret, for the wording.
    pub secret: String,
    /// Is the Certificate Ready? A mismatch is an error only then (while issuing, the
    /// Secret may be ahead of what is served for a moment).
    pub ready: bool,
    /// Judge the served leaf's expiry here (SERVED_CERT_EXPIRED). `inspect url` says no: its
    /// file checks report CERT_EXPIRED on the same certificate already.
    pub judges_validity: bool,
}

/// A parsed certificate with what the comparison needs.
struct Cert {
    facts: CertFacts,
    spki: Vec<u8>,
    self_signed: bool,
}

fn parse(der: &[u8]) -> Option<Cert> {
    let (_, c) = X509Certificate::from_der(der).ok()?;
    Some(Cert {
        facts: cert::facts(&c, der),
        spki: c.public_key().raw.to_vec(),
        self_signed: c.subject() == c.issuer(),
    })
}

/// Does `name` (a SAN, maybe `*.`) cover `host`? A wildcard covers exactly one label.
pub fn name_covers(name: &str, host: &str) -> bool {
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    match name.strip_prefix("*.") {
        Some(base) => host
            .split_once('.')
            .is_some_and(|(label, rest)| !label.is_empty() && rest == base),
        None => name == host,
    }
}

fn covers(facts: &CertFacts, host: &str) -> bool {
    facts.dns_names.iter().any(|n| name_covers(n, host))
        || facts.ip_addresses.iter().any(|ip| ip == host)
}

fn days_left(facts: &CertFacts, now: Timestamp) -> String {
    timefmt::short(facts.not_after.duration_since(now))
}

fn describe(f: &CertFacts) -> String {
    format!(
        "subject {}; issuer {}; serial {}; valid {} → {}",
        f.subject,
        f.issuer,
        f.serial,
        timefmt::rfc3339(f.not_before),
        timefmt::rfc3339(f.not_after)
    )
}

fn reproduce(host: &str, port: u16, address: &str) -> String {
    format!("certdoctor inspect url {host}:{port} --connect-to {host}:{port}:{address}")
}

fn openssl(host: &str, address: &str) -> String {
    format!(
        "openssl s_client -connect {address} -servername {host} </dev/null 2>/dev/null | openssl x509 -noout -subject -issuer -serial -dates"
    )
}

/// What the other certificate is, in words, and the fix that goes with it.
fn what_is_served(served: &CertFacts, secret: &CertFacts, t: &ServedTarget) -> (String, String) {
    let fake = served.subject.contains(INGRESS_FAKE_CN) || served.issuer.contains(INGRESS_FAKE_CN);
    if fake {
        return (
            format!("the ingress controller's default certificate (\"{INGRESS_FAKE_CN}\")"),
            format!(
                "The ingress controller has no usable certificate for {host}: make sure an Ingress in the Secret's namespace lists {host} under spec.tls[].hosts with secretName {secret_name} (Ingresses cannot use another namespace's Secret), that the host matches the rule's host exactly, and read the controller's logs for why it ignored the Secret.",
                host = t.host,
                secret_name = t.secret.rsplit('/').next().unwrap_or(&t.secret),
            ),
        );
    }
    let mut names = served.dns_names.clone();
    let mut theirs = secret.dns_names.clone();
    names.sort();
    theirs.sort();
    if served.issuer != secret.issuer {
        let staging = if served.issuer.contains("(STAGING)") {
            ", a staging CA"
        } else {
            ""
        };
        return (
            format!("a certificate from another issuer ({}{staging})", served.issuer),
            "Something else terminates TLS for this name with its own certificate: another cluster, a staging setup, a CDN or an external load balancer. Point DNS at this cluster's ingress, or give that terminator the certificate of this Secret.".into(),
        );
    }
    let older = served.not_before < secret.not_before;
    let what = match (names == theirs, older) {
        (true, true) => "an older certificate of the same names".to_string(),
        (true, false) => "another certificate of the same names".to_string(),
        (false, true) => "an older certificate from the same issuer".to_string(),
        (false, false) => "another certificate from the same issuer".to_string(),
    };
    (
        format!("{what} (issued {})", timefmt::rfc3339(served.not_before)),
        "The Secret was renewed but the server still presents the certificate it loaded before: restart or reload what terminates TLS (ingress controller, or the pods that mount the Secret), and check that no CDN or external load balancer holds its own copy.".into(),
    )
}

/// Judges one handshake's chain against the target: mismatch, match, expiry, names, chain.
pub fn judge_chain(
    t: &ServedTarget,
    address: &str,
    chain: &[Vec<u8>],
    now: Timestamp,
) -> Vec<Finding> {
    let mut out = Vec::new();
    let subject = t.subject.part(&t.host);
    let Some(leaf) = chain.first().and_then(|d| parse(d)) else {
        out.push(
            Finding::new(
                Code::HttpsUnreachable,
                Severity::Warning,
                subject,
                format!(
                    "{address} finished the TLS handshake for {} without a readable certificate",
                    t.host
                ),
                "Check what listens on that address: it is not a usual TLS server.",
            )
            .reproduce(openssl(&t.host, address)),
        );
        return out;
    };
    let expected = t
        .expected
        .as_ref()
        .and_then(|e| e.first())
        .and_then(|d| parse(d));
    let mut matches = None;
    if let Some(secret) = &expected {
        let same = secret.spki == leaf.spki && secret.facts.serial == leaf.facts.serial;
        matches = Some(same);
        if !same {
            let (what, fix) = what_is_served(&leaf.facts, &secret.facts, t);
            let severity = if t.ready {
                Severity::Error
            } else {
                Severity::Warning
            };
            out.push(
                Finding::new(
                    Code::ServedCertMismatch,
                    severity,
                    subject.clone(),
                    format!(
                        "{address} serves {what} for {}, not the one in Secret {}",
                        t.host, t.secret
                    ),
                    fix,
                )
                .evidence(format!("served: {}", describe(&leaf.facts)))
                .evidence(format!("Secret {}: {}", t.secret, describe(&secret.facts)))
                .evidence(if secret.spki == leaf.spki {
                    "same public key, another serial".to_string()
                } else {
                    "another public key".to_string()
                })
                .reproduce(reproduce(&t.host, t.port, address))
                .reproduce(openssl(&t.host, address)),
            );
        }
    }
    if t.judges_validity && leaf.facts.expired_at(now) {
        out.push(
            Finding::new(
                Code::ServedCertExpired,
                Severity::Error,
                subject.clone(),
                format!(
                    "{address} serves a certificate for {} that expired {} ago",
                    t.host,
                    timefmt::short(now.duration_since(leaf.facts.not_after))
                ),
                "Clients reject it. If the Secret holds a valid certificate, the server did not load it (restart or reload it); otherwise find why renewal failed with `certdoctor diagnose`.",
            )
            .evidence(format!("served: {}", describe(&leaf.facts)))
            .reproduce(reproduce(&t.host, t.port, address)),
        );
    }
    if !covers(&leaf.facts, &t.host) {
        out.push(
            Finding::new(
                Code::ServedNameMismatch,
                Severity::Error,
                subject.clone(),
                format!(
                    "{address} serves a certificate that does not cover {} (it names {})",
                    t.host,
                    if leaf.facts.dns_names.is_empty() {
                        "no DNS name".to_string()
                    } else {
                        leaf.facts.dns_names.join(", ")
                    }
                ),
                format!(
                    "Clients reject it for {}. Add the name to the Certificate's dnsNames (and to the Ingress's tls.hosts), or serve the certificate that has it.",
                    t.host
                ),
            )
            .evidence(format!("served: {}", describe(&leaf.facts)))
            .reproduce(reproduce(&t.host, t.port, address)),
        );
    }
    let secret_has_intermediate = t.expected.as_ref().is_none_or(|e| e.len() > 1);
    if chain.len() == 1 && !leaf.self_signed && secret_has_intermediate {
        out.push(
            Finding::new(
                Code::ServedChainIncomplete,
                Severity::Warning,
                subject.clone(),
                format!(
                    "{address} sends only the leaf for {}, no intermediate",
                    t.host
                ),
                "Browsers may fetch the missing intermediate themselves; curl, Java, Go, Python and most API clients fail. Serve the whole tls.crt (leaf then intermediates); cert-manager writes it so.",
            )
            .evidence(format!("leaf issuer: {}", leaf.facts.issuer))
            .reproduce(openssl(&t.host, address).replace("</dev/null", "-showcerts </dev/null")),
        );
    }
    if matches == Some(true) && !out.iter().any(|f| f.severity == Severity::Error) {
        out.push(Finding::new(
            Code::ServedCertMatches,
            Severity::Info,
            subject,
            format!(
                "{address} serves the Secret's certificate for {} (serial {}, {} left)",
                t.host,
                leaf.facts.serial,
                days_left(&leaf.facts, now)
            ),
            "Nothing to do: clients get what cert-manager issued.",
        ));
    }
    out
}

/// Judges everything the TLS probe saw for one host: every address, each named.
pub fn served_findings(
    t: &ServedTarget,
    o: &TlsObservation,
    probe_host: ProbeHost,
    now: Timestamp,
) -> Vec<Finding> {
    let subject = t.subject.part(&t.host);
    let mut out = Vec::new();
    if o.connect_to.is_none() {
        match &o.resolved {
            // This machine's resolver answered nothing all run (the report says so once):
            // nothing to say about this name.
            Err(_) if probe_host.resolver_silent => return out,
            Err(e) if e == "NXDOMAIN" => {
                out.push(Finding::new(Code::HttpsUnreachable, Severity::Warning, subject, format!("{} does not exist in DNS (NXDOMAIN), so nothing was checked on 443", t.host), "Clients cannot reach the name either: publish its A/AAAA records pointing at the ingress's load balancer.").reproduce(format!("dig +short {} A {} AAAA", t.host, t.host)));
                return out;
            }
            Err(e) => {
                out.push(Finding::new(Code::HttpsUnreachable, Severity::Warning, subject, format!("the lookup of {} failed from this machine ({e}), so nothing was checked on 443", t.host), "This may be only this machine's resolver: ask a public resolver (dig @1.1.1.1), or re-run with --nameserver 1.1.1.1.").reproduce(format!("dig @1.1.1.1 +short {} A {} AAAA", t.host, t.host)));
                return out;
            }
            Ok(v) if v.is_empty() => {
                out.push(Finding::new(Code::HttpsUnreachable, Severity::Warning, subject, format!("{} has no A or AAAA record, so nothing was checked on 443", t.host), "Clients cannot reach the name either: publish its A/AAAA records pointing at the ingress's load balancer.").reproduce(format!("dig +short {} A {} AAAA", t.host, t.host)));
                return out;
            }
            Ok(_) => {}
        }
    }
    for h in &o.handshakes {
        match &h.result {
            Err(e) if probe_host.local_failure(&h.address, e) => out.push(Finding::new(
                Code::ProbeHostNoRoute,
                Severity::Info,
                subject.clone(),
                format!("{} could not be tried from this machine ({e})", h.address),
                "Says nothing about the server: run from a machine with a route there.",
            )),
            Err(e) => out.push(
                Finding::new(
                    Code::HttpsUnreachable,
                    Severity::Warning,
                    subject.clone(),
                    format!(
                        "nothing answers TLS for {} at {} ({e})",
                        t.host, h.address
                    ),
                    "Clients reaching this address get no HTTPS: check the load balancer and ingress controller listen on 443 there, and that DNS lists only live addresses.",
                )
                .reproduce(openssl(&t.host, &h.address)),
            ),
            Ok(chain) => out.extend(judge_chain(t, &h.address, chain, now)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::name_covers;

    #[test]
    fn a_wildcard_covers_exactly_one_label() {
        assert!(name_covers("web.example.com", "WEB.example.com."));
        assert!(name_covers("*.example.com", "web.example.com"));
        assert!(!name_covers("*.example.com", "example.com"));
        assert!(!name_covers("*.example.com", "a.b.example.com"));
        assert!(!name_covers("web.example.com", "www.example.com"));
    }
}
