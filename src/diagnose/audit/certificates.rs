//! Per-Certificate items: the renewal margin, key rotation and strength, and ingress-shim
//! Certificates edited by hand.

use std::collections::BTreeSet;

use jiff::{SignedDuration, Timestamp};

use super::{Outcome, ns_flag, plural};
use crate::findings::{Code, Finding, Severity, Subject};
use crate::model::Certificate;
use crate::model::audit::go_duration;
use crate::model::chain::controller_of;
use crate::model::renewal::{Rule, renewal};
use crate::model::snapshot::Snapshot;
use crate::pki::public_key::KeyKind;
use crate::timefmt;

const DAY: i64 = 86_400;
/// The lifetime assumed when neither the status nor the spec gives one (cert-manager's
/// default `duration`, and what Let's Encrypt issues).
const DEFAULT_LIFETIME: SignedDuration = SignedDuration::from_secs(90 * DAY);
/// The least margin between renewal and expiry for certificates of 3 weeks or more.
const MIN_MARGIN: SignedDuration = SignedDuration::from_secs(7 * DAY);

fn subject(c: &Certificate) -> Subject {
    Subject::new(
        "Certificate",
        c.metadata.namespace.as_deref(),
        c.metadata.name.as_deref().unwrap_or(""),
    )
}

fn id(c: &Certificate) -> (String, String) {
    (
        c.metadata.namespace.clone().unwrap_or_default(),
        c.metadata.name.clone().unwrap_or_default(),
    )
}

fn none_detail(n: usize) -> String {
    format!("{} looked at", plural(n, "Certificate", "Certificates"))
}

/// The lifetime of a Certificate and where it comes from: the issued certificate's
/// validity, `spec.duration`, or cert-manager's default of 90 days.
pub(crate) fn lifetime(c: &Certificate) -> (SignedDuration, String) {
    let st = c.status.as_ref();
    let issued = st.and_then(|s| {
        let nb = timefmt::parse(s.not_before.as_deref()?)?;
        let na = timefmt::parse(s.not_after.as_deref()?)?;
        Some(na.duration_since(nb))
    });
    if let Some(d) = issued.filter(|d| d.is_positive()) {
        return (
            d,
            "the issued certificate (status.notBefore → notAfter)".into(),
        );
    }
    if let Some(d) = c.spec.duration.as_deref().and_then(go_duration) {
        return (
            d,
            format!("spec.duration {}", c.spec.duration.as_deref().unwrap_or("")),
        );
    }
    (
        DEFAULT_LIFETIME,
        "the default of 90 days (no status, no spec.duration)".into(),
    )
}

/// The time between renewal and expiry, and the rule that sets it; `None` when the CA
/// decides (ARI) or the spec cannot be read.
fn margin(c: &Certificate, life: SignedDuration) -> Option<(SignedDuration, String)> {
    Some(match renewal(c).rule {
        Rule::Ari(..) | Rule::Disabled => return None,
        Rule::RenewBeforeIgnored(rb) => (
            life / 3,
            format!("the default of a third (renewBefore {rb} is not shorter than the lifetime)"),
        ),
        Rule::RenewBefore(rb) => {
            let d = go_duration(&rb)?;
            if d >= life {
                // cert-manager ignores a renewBefore that is not shorter than the lifetime.
                (
                    life / 3,
                    format!(
                        "the default of a third (renewBefore {rb} is not shorter than the lifetime)"
                    ),
                )
            } else {
                (d, format!("renewBefore {rb}"))
            }
        }
        Rule::Percentage(p) => (
            life * i32::try_from(p.clamp(0, 100)).ok()? / 100,
            format!("renewBeforePercentage {p}"),
        ),
        Rule::Default => (life / 3, "the default of a third of the lifetime".into()),
    })
}

/// `RENEWAL_MARGIN_SHORT`: less than 7 days (for lifetimes of 3 weeks or more, where the
/// default gives 7) or less than a sixth of the lifetime between renewal and expiry.
pub(super) fn renewal_margin(snapshot: &Snapshot, _now: Timestamp) -> Outcome {
    let mut findings = Vec::new();
    for c in &snapshot.certificates {
        let (life, from) = lifetime(c);
        let Some((m, rule)) = margin(c, life) else {
            continue;
        };
        let sixth = life / 6;
        let floor = if life >= SignedDuration::from_secs(21 * DAY) {
            MIN_MARGIN.max(sixth)
        } else {
            sixth
        };
        if m >= floor {
            continue;
        }
        let (ns, name) = id(c);
        let suggest = timefmt::short(life / 3);
        findings.push(
            Finding::new(
                Code::RenewalMarginShort,
                Severity::Warning,
                subject(c),
                format!(
                    "renewal starts {} before expiry ({rule}): a failed renewal leaves {} to notice and fix it",
                    timefmt::short(m),
                    timefmt::short(m)
                ),
                format!("Renew earlier: drop spec.renewBefore (the default renews a third of the lifetime before expiry, {suggest} here) or set it to at least {}, so a broken issuer, DNS or rate limit is found with time to spare.", timefmt::short(floor)),
            )
            .evidence(format!("lifetime {} from {from}", timefmt::short(life)))
            .evidence(format!("margin {} < {} (7 days, and a sixth of the lifetime)", timefmt::short(m), timefmt::short(floor)))
            .reproduce(format!("kubectl get certificate {name} -n {ns} -o jsonpath='{{.spec.renewBefore}} {{.spec.renewBeforePercentage}} {{.status.notBefore}} {{.status.notAfter}}'")),
        );
    }
    Outcome::checked(none_detail(snapshot.certificates.len()), findings)
}

/// `KEY_NOT_ROTATED`: `privateKey.rotationPolicy: Never`.
pub(super) fn key_rotation(snapshot: &Snapshot) -> Outcome {
    let findings = snapshot
        .certificates
        .iter()
        .filter(|c| {
            c.spec
                .private_key
                .as_ref()
                .and_then(|k| k.rotation_policy.as_deref())
                == Some("Never")
        })
        .map(|c| {
            let (ns, name) = id(c);
            Finding::new(
                Code::KeyNotRotated,
                Severity::Warning,
                subject(c),
                "privateKey.rotationPolicy is Never: every renewal keeps the same private key, so a leaked key stays valid across renewals",
                "Set spec.privateKey.rotationPolicy: Always (the default since cert-manager v1.18) unless something pins the key (HPKP-like pinning, a key in an HSM).",
            )
            .evidence("spec.privateKey.rotationPolicy: Never")
            .reproduce(format!("kubectl get certificate {name} -n {ns} -o jsonpath='{{.spec.privateKey}}'"))
        })
        .collect();
    Outcome::checked(none_detail(snapshot.certificates.len()), findings)
}

/// Why a key is weak or refused, or `None`; `public_ca` adds what public CAs refuse.
fn weakness(k: KeyKind, public_ca: bool) -> Option<String> {
    match k {
        KeyKind::Rsa(bits) if bits < 2048 => Some(format!(
            "RSA {bits} is under 2048 bits: it can be factored, and no CA or browser accepts it"
        )),
        KeyKind::Rsa(bits) if public_ca && bits > 4096 => Some(format!(
            "RSA {bits}: public CAs accept RSA 2048 to 4096 only"
        )),
        KeyKind::Ecdsa(size) if public_ca && size != 256 && size != 384 => {
            Some(format!("{k}: public CAs accept ECDSA P-256 and P-384 only"))
        }
        KeyKind::Ed25519 if public_ca => {
            Some("Ed25519: public CAs do not issue for Ed25519 keys".into())
        }
        _ => None,
    }
}

/// The key the spec asks for (cert-manager's defaults: RSA 2048, ECDSA 256).
fn spec_key(c: &Certificate) -> Option<KeyKind> {
    let pk = c.spec.private_key.as_ref();
    let size = pk
        .and_then(|k| k.size)
        .and_then(|s| usize::try_from(s).ok());
    Some(
        match pk.and_then(|k| k.algorithm.as_deref()).unwrap_or("RSA") {
            "RSA" => KeyKind::Rsa(size.unwrap_or(2048)),
            "ECDSA" => KeyKind::Ecdsa(size.unwrap_or(256)),
            "Ed25519" => KeyKind::Ed25519,
            _ => return None,
        },
    )
}

/// `WEAK_KEY`: in the spec, or in the certificate the Secret holds.
pub(super) fn key_strength(snapshot: &Snapshot) -> Outcome {
    let mut findings = Vec::new();
    for c in &snapshot.certificates {
        let public_ca = super::issuers::issuer_of(snapshot, c)
            .and_then(|i| i.acme.as_ref())
            .is_some();
        let (ns, name) = id(c);
        let secret = snapshot.secrets.iter().find(|s| {
            s.metadata.namespace.as_deref() == Some(ns.as_str())
                && s.metadata.name.as_deref() == Some(c.spec.secret_name.as_str())
        });
        let issued = secret.and_then(|s| s.tls_crt()).and_then(KeyKind::of_leaf);
        let from_spec =
            spec_key(c).and_then(|k| weakness(k, public_ca).map(|w| (w, "spec.privateKey")));
        let from_secret = issued
            .and_then(|k| weakness(k, public_ca).map(|w| (w, "the certificate in the Secret")));
        let Some((why, whence)) = from_spec.clone().or(from_secret.clone()) else {
            continue;
        };
        let mut f = Finding::new(
            Code::WeakKey,
            Severity::Error,
            subject(c),
            format!("weak or refused key in {whence}: {why}"),
            "Set spec.privateKey to algorithm: ECDSA, size: 256 (or RSA with size: 2048 to 4096) and rotationPolicy: Always, then renew (`certdoctor renew NAME`) so a new key is made.",
        );
        if let Some(k) = spec_key(c) {
            f = f.evidence(format!("spec.privateKey asks for {k}"));
        }
        if let Some(k) = issued {
            f = f.evidence(format!(
                "the certificate in Secret {} has an {k} key",
                c.spec.secret_name
            ));
        }
        if public_ca {
            f = f.evidence("the issuer is ACME (a public CA)");
        }
        findings.push(
            f.reproduce(format!("kubectl get secret {} -n {ns} -o jsonpath='{{.data.tls\\.crt}}' | base64 -d | openssl x509 -noout -text | grep 'Public-Key'", c.spec.secret_name))
                .reproduce(format!("kubectl get certificate {name} -n {ns} -o jsonpath='{{.spec.privateKey}}'")),
        );
    }
    Outcome::checked(none_detail(snapshot.certificates.len()), findings)
}

/// The annotation names ingress-shim reads.
const ISSUER: &str = "cert-manager.io/issuer";
const CLUSTER_ISSUER: &str = "cert-manager.io/cluster-issuer";
const ISSUER_KIND: &str = "cert-manager.io/issuer-kind";
const ISSUER_GROUP: &str = "cert-manager.io/issuer-group";

/// `SHIM_CERT_EDITED`: a Certificate controlled by an Ingress whose spec differs from what
/// ingress-shim makes of that Ingress (dnsNames = the tls entry's hosts, the tls entry's
/// secretName, issuerRef from the annotations).
pub(super) fn shim_edited(snapshot: &Snapshot) -> Outcome {
    let mut findings = Vec::new();
    let mut looked = 0;
    for c in &snapshot.certificates {
        let Some(owner) = controller_of(&c.metadata).filter(|o| o.kind == "Ingress") else {
            continue;
        };
        let (ns, name) = id(c);
        let Some(ing) = snapshot.ingresses.iter().find(|i| {
            i.metadata.namespace.as_deref() == Some(ns.as_str())
                && i.metadata.name.as_deref() == Some(owner.name.as_str())
        }) else {
            continue;
        };
        looked += 1;
        let tls = ing
            .spec
            .as_ref()
            .and_then(|s| s.tls.as_ref())
            .into_iter()
            .flatten()
            .find(|t| t.secret_name.as_deref() == Some(c.spec.secret_name.as_str()));
        let mut diffs = Vec::new();
        match tls {
            None => diffs.push(format!(
                "secretName {}: the Ingress has no tls entry with this secretName",
                c.spec.secret_name
            )),
            Some(t) => {
                let want: BTreeSet<&str> = t.hosts.iter().flatten().map(String::as_str).collect();
                let have: BTreeSet<&str> = c.spec.dns_names.iter().map(String::as_str).collect();
                if want != have {
                    diffs.push(format!(
                        "dnsNames [{}], the Ingress's hosts [{}]",
                        have.into_iter().collect::<Vec<_>>().join(", "),
                        want.into_iter().collect::<Vec<_>>().join(", ")
                    ));
                }
            }
        }
        let ann = ing.metadata.annotations.clone().unwrap_or_default();
        let expected = if let Some(n) = ann.get(ISSUER) {
            Some((
                n.clone(),
                ann.get(ISSUER_KIND)
                    .cloned()
                    .unwrap_or_else(|| "Issuer".into()),
                ann.get(ISSUER_GROUP)
                    .cloned()
                    .unwrap_or_else(|| "cert-manager.io".into()),
            ))
        } else {
            ann.get(CLUSTER_ISSUER)
                .map(|n| (n.clone(), "ClusterIssuer".into(), "cert-manager.io".into()))
        };
        let r = &c.spec.issuer_ref;
        if let Some((n, k, g)) = &expected
            && (r.name != *n || r.kind_or_default() != k || r.group_or_default() != g)
        {
            diffs.push(format!(
                "issuerRef {} {}, the annotations say {k} {n}",
                r.kind_or_default(),
                r.name
            ));
        }
        if diffs.is_empty() {
            continue;
        }
        let mut f = Finding::new(
            Code::ShimCertEdited,
            Severity::Warning,
            subject(c),
            format!(
                "the Certificate differs from what Ingress {} generates; ingress-shim will overwrite the edit",
                owner.name
            ),
            format!(
                "Make the change on Ingress {} (its tls hosts and secretName, its cert-manager.io/* annotations) instead of on the Certificate; to manage the Certificate by hand, remove the annotations from the Ingress and the Ingress's ownerReference from the Certificate.",
                owner.name
            ),
        );
        for d in diffs {
            f = f.evidence(d);
        }
        findings.push(
            f.reproduce(format!(
                "kubectl get ingress {}{} -o yaml",
                owner.name,
                ns_flag(Some(&ns))
            ))
            .reproduce(format!("kubectl get certificate {name} -n {ns} -o yaml")),
        );
    }
    Outcome::checked(
        format!(
            "{} made by ingress-shim looked at",
            plural(looked, "Certificate", "Certificates")
        ),
        findings,
    )
}
