//! Issuer items: staging CAs behind served certificates, ACME contact email, Ready, unused
//! issuers, wildcards without DNS-01, and internal CAs without a trust-manager Bundle.

use super::{Outcome, plural};
use crate::diagnose::rules;
use crate::findings::{Code, Finding, Severity, Subject};
use crate::model::audit::{AuditObjects, Listed, bundle_sources};
use crate::model::issuer::wildcards as wildcard_names;
use crate::model::snapshot::Snapshot;
use crate::model::{Certificate, IssuerConfig, IssuerStatus, find_condition};

/// An Issuer or ClusterIssuer, whichever it is.
pub(crate) struct View<'a> {
    kind: &'static str,
    namespace: Option<&'a str>,
    name: &'a str,
    config: &'a IssuerConfig,
    status: Option<&'a IssuerStatus>,
}

impl View<'_> {
    fn subject(&self) -> Subject {
        Subject::new(self.kind, self.namespace, self.name)
    }

    fn get(&self) -> String {
        match self.namespace {
            Some(ns) => format!("kubectl get issuer {} -n {ns} -o yaml", self.name),
            None => format!("kubectl get clusterissuer {} -o yaml", self.name),
        }
    }

    fn used_by(&self, c: &Certificate) -> bool {
        let r = &c.spec.issuer_ref;
        !r.is_external()
            && r.name == self.name
            && r.kind_or_default() == self.kind
            && (self.namespace.is_none() || self.namespace == c.metadata.namespace.as_deref())
    }
}

/// Every issuer in scope, Issuers first.
fn all(snapshot: &Snapshot) -> Vec<View<'_>> {
    let issuers = snapshot.issuers.iter().map(|i| View {
        kind: "Issuer",
        namespace: i.metadata.namespace.as_deref(),
        name: i.metadata.name.as_deref().unwrap_or(""),
        config: &i.spec.config,
        status: i.status.as_ref(),
    });
    let cluster = snapshot.cluster_issuers.iter().map(|i| View {
        kind: "ClusterIssuer",
        namespace: None,
        name: i.metadata.name.as_deref().unwrap_or(""),
        config: &i.spec.config,
        status: i.status.as_ref(),
    });
    issuers.chain(cluster).collect()
}

/// The issuer a Certificate names, when it was read.
fn view_of<'a>(snapshot: &'a Snapshot, c: &Certificate) -> Option<View<'a>> {
    all(snapshot).into_iter().find(|v| v.used_by(c))
}

/// The config of the issuer a Certificate names, when it was read.
pub(crate) fn issuer_of<'a>(snapshot: &'a Snapshot, c: &Certificate) -> Option<&'a IssuerConfig> {
    view_of(snapshot, c).map(|v| v.config)
}

fn cert_label(c: &Certificate) -> String {
    format!(
        "{}/{}",
        c.metadata.namespace.as_deref().unwrap_or(""),
        c.metadata.name.as_deref().unwrap_or("")
    )
}

/// What serves a Certificate's Secret: its Ingress or Gateway owner, or an Ingress whose tls
/// names the Secret.
fn served_by(snapshot: &Snapshot, c: &Certificate) -> Option<String> {
    if let Some(o) = crate::model::chain::controller_of(&c.metadata)
        .filter(|o| o.kind == "Ingress" || o.kind == "Gateway")
    {
        return Some(format!("{} {}", o.kind, o.name));
    }
    let ns = c.metadata.namespace.as_deref();
    snapshot
        .ingresses
        .iter()
        .filter(|i| i.metadata.namespace.as_deref() == ns)
        .find(|i| {
            i.spec
                .as_ref()
                .and_then(|s| s.tls.as_ref())
                .into_iter()
                .flatten()
                .any(|t| t.secret_name.as_deref() == Some(c.spec.secret_name.as_str()))
        })
        .map(|i| format!("Ingress {}", i.metadata.name.as_deref().unwrap_or("")))
}

/// `STAGING_ISSUER`: a served Certificate from an ACME staging directory.
pub(super) fn staging(snapshot: &Snapshot) -> Outcome {
    let mut findings = Vec::new();
    let mut served = 0;
    for c in &snapshot.certificates {
        let Some(by) = served_by(snapshot, c) else {
            continue;
        };
        served += 1;
        let Some(v) = view_of(snapshot, c) else {
            continue;
        };
        let Some(acme) = v.config.acme.as_ref() else {
            continue;
        };
        let ns = c.metadata.namespace.as_deref().unwrap_or("");
        let name = c.metadata.name.as_deref().unwrap_or("");
        if let Some(f) = rules::staging_issuer(
            Subject::new("Certificate", Some(ns), name),
            (ns, name),
            &by,
            Some(&acme.server),
            None,
        ) {
            findings.push(
                f.evidence(format!("issuer: {} {}", v.kind, v.name))
                    .reproduce(v.get()),
            );
        }
    }
    Outcome::checked(
        format!(
            "{} served by an Ingress or Gateway",
            plural(served, "Certificate", "Certificates")
        ),
        findings,
    )
}

/// `ACME_NO_EMAIL`.
pub(super) fn acme_email(snapshot: &Snapshot) -> Outcome {
    let views = all(snapshot);
    let acme: Vec<&View> = views.iter().filter(|v| v.config.acme.is_some()).collect();
    let findings = acme
        .iter()
        .filter(|v| {
            v.config
                .acme
                .as_ref()
                .and_then(|a| a.email.as_deref())
                .is_none_or(|e| e.trim().is_empty())
        })
        .map(|v| {
            Finding::new(
                Code::AcmeNoEmail,
                Severity::Warning,
                v.subject(),
                "the ACME account has no contact email: the CA cannot tell anyone about problems with the account or its certificates",
                "Set spec.acme.email to a team address that is read (not a person's); cert-manager updates the account on the next sync.",
            )
            .evidence(format!("spec.acme.server: {}", v.config.acme.as_ref().map(|a| a.server.as_str()).unwrap_or("")))
            .reproduce(v.get())
        })
        .collect();
    Outcome::checked(
        format!(
            "{} looked at",
            plural(acme.len(), "ACME issuer", "ACME issuers")
        ),
        findings,
    )
}

/// `ISSUER_NOT_READY`.
pub(super) fn ready(snapshot: &Snapshot) -> Outcome {
    let views = all(snapshot);
    let findings = views
        .iter()
        .filter_map(|v| {
            let conds = v.status.map(|s| s.conditions.as_slice()).unwrap_or_default();
            let c = find_condition(conds, "Ready");
            if c.is_some_and(|c| c.is_true()) {
                return None;
            }
            let mut f = Finding::new(
                Code::IssuerNotReady,
                Severity::Error,
                v.subject(),
                "the issuer is not Ready: every Certificate that names it fails to renew",
                "Read the issuer's Ready condition and fix what it names (`certdoctor diagnose` on a Certificate that uses it walks the details).",
            )
            .reproduce(v.get());
            f = match c {
                Some(c) => f.evidence(format!(
                    "Ready={} reason={} message={}",
                    c.status,
                    c.reason.as_deref().unwrap_or(""),
                    c.message.as_deref().unwrap_or("")
                )),
                None => f.evidence("no Ready condition yet"),
            };
            Some(f)
        })
        .collect();
    Outcome::checked(
        format!("{} looked at", plural(views.len(), "issuer", "issuers")),
        findings,
    )
}

/// `ISSUER_UNUSED` (info). ClusterIssuers only with every namespace in view.
pub(super) fn unused(snapshot: &Snapshot, all_namespaces: bool) -> Outcome {
    let views = all(snapshot);
    let findings: Vec<Finding> = views
        .iter()
        .filter(|v| v.namespace.is_some() || all_namespaces)
        .filter(|v| !snapshot.certificates.iter().any(|c| v.used_by(c)))
        .map(|v| {
            Finding::new(
                Code::IssuerUnused,
                Severity::Info,
                v.subject(),
                "no Certificate uses this issuer",
                "Delete it if nothing will use it (an unused ACME issuer still holds an account key), or keep it on purpose, e.g. as the staging twin of a production issuer.",
            )
            .reproduce("kubectl get certificates -A -o custom-columns=NS:.metadata.namespace,NAME:.metadata.name,ISSUER:.spec.issuerRef.name")
        })
        .collect();
    let detail = if all_namespaces {
        format!("{} looked at", plural(views.len(), "issuer", "issuers"))
    } else {
        "Issuers of the namespace looked at; ClusterIssuers need -A".to_string()
    };
    Outcome::checked(detail, findings)
}

/// `WILDCARD_NEEDS_DNS01`, the same rule `diagnose` applies.
pub(super) fn wildcards(snapshot: &Snapshot) -> Outcome {
    let mut findings = Vec::new();
    let mut looked = 0;
    for c in &snapshot.certificates {
        let names = wildcard_names(&c.spec.dns_names);
        if names.is_empty() {
            continue;
        }
        looked += 1;
        let Some(v) = view_of(snapshot, c) else {
            continue;
        };
        let Some(acme) = v.config.acme.as_ref() else {
            continue;
        };
        let subject = Subject::new(
            "Certificate",
            c.metadata.namespace.as_deref(),
            c.metadata.name.as_deref().unwrap_or(""),
        );
        let issuer = format!("{} {}", v.kind, v.name);
        if let Some(f) = rules::wildcard_needs_dns01(subject, &issuer, &c.spec.dns_names, acme) {
            findings.push(f.reproduce(v.get()));
        }
    }
    Outcome::checked(
        format!(
            "{} with wildcard names",
            plural(looked, "Certificate", "Certificates")
        ),
        findings,
    )
}

/// `CA_BUNDLE_NOT_DISTRIBUTED` (info): a CA issuer in use whose Secret no trust-manager
/// Bundle reads.
pub(super) fn ca_bundles(snapshot: &Snapshot, objects: &AuditObjects) -> Outcome {
    if let Listed::Unreadable(why) = &objects.bundles {
        return Outcome::Skipped(format!(
            "could not read bundles.trust.cert-manager.io ({})",
            crate::sanitize::clean(why)
        ));
    }
    let sources: Vec<(String, String)> = objects
        .bundles
        .objects()
        .iter()
        .flat_map(bundle_sources)
        .collect();
    let mut findings = Vec::new();
    let mut looked = 0;
    for v in all(snapshot) {
        let Some(secret) = v
            .config
            .ca
            .as_ref()
            .and_then(|ca| ca.get("secretName"))
            .and_then(|s| s.as_str())
        else {
            continue;
        };
        let users: Vec<String> = snapshot
            .certificates
            .iter()
            .filter(|c| v.used_by(c))
            .map(cert_label)
            .collect();
        if users.is_empty() {
            continue;
        }
        looked += 1;
        if sources.iter().any(|(_, name)| name == secret) {
            continue;
        }
        let mut f = Finding::new(
            Code::CaBundleNotDistributed,
            Severity::Info,
            v.subject(),
            format!("{} issued by this CA issuer, and no trust-manager Bundle carries its CA (Secret {secret})", plural(users.len(), "Certificate is", "Certificates are")),
            "Clients must trust the CA somehow: distribute it with a trust-manager Bundle whose spec.sources name the CA's Secret (or a copy of ca.crt), or check that the clients get it another way (a baked-in trust store, a mesh).",
        )
        .evidence(format!("used by {}", users.join(", ")));
        f = match &objects.bundles {
            Listed::Absent => f.evidence("trust-manager's Bundle kind does not exist: trust-manager is not installed (or not in the dump)"),
            l => f.evidence(format!("{} read; none has a source named {secret}", plural(l.objects().len(), "Bundle", "Bundles"))),
        };
        findings.push(
            f.reproduce(v.get())
                .reproduce("kubectl get bundles.trust.cert-manager.io -o yaml"),
        );
    }
    Outcome::checked(
        format!("{} in use", plural(looked, "CA issuer", "CA issuers")),
        findings,
    )
}
