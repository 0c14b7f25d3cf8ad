//! Findings: what a check found, in a form every command shares (`inspect` now, `diagnose`
//! later). A finding has a stable code (documented in docs/findings.md), a severity, the
//! object it is about, the evidence, a remedy in a sentence or two, and the commands that
//! reproduce the check by hand.

pub mod explain;

use serde::Serialize;

/// How bad a finding is. Errors and warnings make a command exit 1; info never does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Breaks issuance or serving.
    Error,
    /// Will break soon, or is wrong but still works.
    Warning,
    /// Worth knowing; not a problem by itself.
    Info,
}

impl Severity {
    /// The label text output uses.
    pub fn label(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// Declares [`Code`] from one table, so the variant, its stable text, its usual severity and
/// its one-line summary can never disagree.
macro_rules! codes {
    ($($variant:ident => ($text:literal, $severity:ident, $summary:literal),)*) => {
        /// Every finding code certdoctor can emit. Serialised as its stable
        /// SCREAMING_SNAKE_CASE text; docs/findings.md has one `## CODE` section per variant
        /// (a test keeps it so).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Code {
            $(
                #[doc = $summary]
                $variant,
            )*
        }

        impl Code {
            /// Every code, in the order of docs/findings.md.
            pub const ALL: &'static [Code] = &[$(Code::$variant),*];

            /// The stable text scripts match on; never renamed.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Code::$variant => $text,)*
                }
            }

            /// The severity the code usually carries; a check may lower it (a warning while
            /// the Certificate is still Ready), docs/findings.md says when.
            pub fn severity(self) -> Severity {
                match self {
                    $(Code::$variant => Severity::$severity,)*
                }
            }

            /// What the code means, in one line (as in docs/findings.md's table).
            pub fn summary(self) -> &'static str {
                match self {
                    $(Code::$variant => $summary,)*
                }
            }

            /// The code for its stable text.
            pub fn parse(text: &str) -> Option<Code> {
                Code::ALL.iter().copied().find(|c| c.as_str() == text)
            }
        }
    };
}

codes! {
    SecretNotFound => ("SECRET_NOT_FOUND", Error, "the Secret does not exist (for diagnose: it was issued before and is gone)"),
    SecretWrongType => ("SECRET_WRONG_TYPE", Error, "the Secret's type is not kubernetes.io/tls"),
    SecretMissingCert => ("SECRET_MISSING_CERT", Error, "tls.crt is missing or empty"),
    SecretMissingKey => ("SECRET_MISSING_KEY", Error, "tls.key is missing or empty"),
    PemInvalid => ("PEM_INVALID", Error, "data that cannot be decoded: bad base64, PEM, DER, certificate or key"),
    KeyMismatch => ("KEY_MISMATCH", Error, "the private key does not belong to the leaf certificate"),
    CertExpired => ("CERT_EXPIRED", Error, "the leaf certificate has expired (diagnose: also from the Certificate's status.notAfter)"),
    CertNotYetValid => ("CERT_NOT_YET_VALID", Error, "the leaf certificate's notBefore is in the future"),
    CertExpiringSoon => ("CERT_EXPIRING_SOON", Warning, "the leaf expires within the warning window (diagnose: also from status.notAfter)"),
    ChainOrder => ("CHAIN_ORDER", Error, "a certificate is not followed by its issuer"),
    ChainSignatureInvalid => ("CHAIN_SIGNATURE_INVALID", Error, "the names line up, but a signature does not verify"),
    ChainIncomplete => ("CHAIN_INCOMPLETE", Info, "the chain ends at a certificate whose issuer is not in the bundle"),
    ChainHasRoot => ("CHAIN_HAS_ROOT", Info, "the bundle includes the self-signed root"),
    IntermediateExpired => ("INTERMEDIATE_EXPIRED", Error, "a certificate after the leaf has expired"),
    SanMismatch => ("SAN_MISMATCH", Error, "the leaf's names differ from the Certificate's spec"),
    IssuerAnnotationMismatch => ("ISSUER_ANNOTATION_MISMATCH", Warning, "the Secret was issued by an issuer other than the one the Certificate names"),
    CertificateNameMismatch => ("CERTIFICATE_NAME_MISMATCH", Error, "the Secret belongs to another Certificate, or two Certificates write it"),
    TemporaryCertificate => ("TEMPORARY_CERTIFICATE", Warning, "the leaf is cert-manager's temporary certificate"),
    CertNotReady => ("CERT_NOT_READY", Error, "the Certificate's Ready condition is not True"),
    IssuanceBackoff => ("ISSUANCE_BACKOFF", Error, "the last issuance failed and cert-manager waits before retrying"),
    RenewalOverdue => ("RENEWAL_OVERDUE", Error, "status.renewalTime has passed but no issuance is running"),
    IssuanceLoop => ("ISSUANCE_LOOP", Error, "cert-manager re-issues the certificate over and over, spending the CA's rate limits"),
    SecretShared => ("SECRET_SHARED", Error, "another Certificate has the same spec.secretName; only one of them is ever issued"),
    IssuerNotFound => ("ISSUER_NOT_FOUND", Error, "the issuer named in spec.issuerRef does not exist"),
    IssuerNotReady => ("ISSUER_NOT_READY", Error, "the issuer exists but is not Ready"),
    AcmeAccountRegistrationFailed => ("ACME_ACCOUNT_REGISTRATION_FAILED", Error, "the ACME issuer could not register, verify or update its account"),
    IssuerSecretNamespace => ("ISSUER_SECRET_NAMESPACE", Warning, "a ClusterIssuer's Secret is looked for in the cluster resource namespace, and is missing"),
    ExternalIssuer => ("EXTERNAL_ISSUER", Info, "the issuer belongs to another API group, which certdoctor does not read"),
    WildcardNeedsDns01 => ("WILDCARD_NEEDS_DNS01", Error, "a wildcard name, but the ACME issuer has no DNS-01 solver"),
    RequestDenied => ("REQUEST_DENIED", Error, "an approver denied the CertificateRequest"),
    RequestNotApproved => ("REQUEST_NOT_APPROVED", Error, "the CertificateRequest is neither Approved nor Denied"),
    RequestInvalid => ("REQUEST_INVALID", Error, "the CertificateRequest is marked InvalidRequest"),
    RequestFailed => ("REQUEST_FAILED", Error, "the CertificateRequest's Ready reason is Failed"),
    RequestNotCreated => ("REQUEST_NOT_CREATED", Error, "the Certificate has been issuing for over ten minutes and cert-manager created no CertificateRequest"),
    OrderFailed => ("ORDER_FAILED", Error, "the ACME Order is invalid, errored or expired"),
    AcmeRateLimited => ("ACME_RATE_LIMITED", Error, "the CA refused the Order with a rate limit"),
    AcmeCaaForbidden => ("ACME_CAA_FORBIDDEN", Error, "the CA refused the Order or a Challenge because of a CAA record"),
    NoMatchingSolver => ("NO_MATCHING_SOLVER", Error, "no solver of the issuer fits a name, so no Challenge was created"),
    ChallengePresentFailed => ("CHALLENGE_PRESENT_FAILED", Error, "the solver could not publish the challenge (DNS provider or HTTP-01 resources)"),
    ChallengeNotPropagated => ("CHALLENGE_NOT_PROPAGATED", Error, "cert-manager's own self-check of the challenge keeps failing"),
    ChallengeInvalid => ("CHALLENGE_INVALID", Error, "the CA tried to validate the challenge and failed"),
    ChallengeExpired => ("CHALLENGE_EXPIRED", Error, "the authorization expired before it was validated"),
    ChallengeErrored => ("CHALLENGE_ERRORED", Error, "cert-manager hit a client or API error on the Challenge; not the CA's verdict"),
    ChallengeCleanupFailed => ("CHALLENGE_CLEANUP_FAILED", Error, "cert-manager could not remove the solver's record or resources"),
    ChallengeStuckDeleting => ("CHALLENGE_STUCK_DELETING", Error, "the Challenge is being deleted but its finalizer is never removed"),
    ChallengeQueueBlocked => ("CHALLENGE_QUEUE_BLOCKED", Error, "the Challenge waits to be admitted, behind another Challenge of its name or a full queue"),
    ChallengeNotSynced => ("CHALLENGE_NOT_SYNCED", Error, "the Challenge was admitted minutes ago but never synced with the CA"),
    SelfCheckFailsInCluster => ("SELF_CHECK_FAILS_IN_CLUSTER", Error, "cert-manager's self-check fails inside the cluster while the probes from here pass"),
    OrderStuck => ("ORDER_STUCK", Error, "the Order can never finish on its own; delete it and cert-manager re-creates it"),
    ProbeHostNoRoute => ("PROBE_HOST_NO_ROUTE", Info, "an address could not be tried from this machine (no route, usually IPv6); says nothing about the target"),
    Http01LookupFailed => ("HTTP01_LOOKUP_FAILED", Warning, "the challenge name's address lookup failed from this machine (timeout, SERVFAIL, REFUSED): not proof that it has no address"),
    Http01NoAddress => ("HTTP01_NO_ADDRESS", Error, "the name has no A or AAAA record"),
    Http01PrivateAddress => ("HTTP01_PRIVATE_ADDRESS", Warning, "the name resolves to reserved or private addresses"),
    Http01DnsNotIngress => ("HTTP01_DNS_NOT_INGRESS", Warning, "the name does not resolve to the load balancer of the Ingress that serves it"),
    Http01LbNoAddress => ("HTTP01_LB_NO_ADDRESS", Warning, "a load-balancer host name the Ingress or Gateway of the name publishes does not resolve (NXDOMAIN), so no DNS record can point at it"),
    Http01Unreachable => ("HTTP01_UNREACHABLE", Error, "nothing answers HTTP on port 80 at an address"),
    Http01WrongStatus => ("HTTP01_WRONG_STATUS", Error, "the challenge URL answers a status other than 200"),
    Http01BadRedirect => ("HTTP01_BAD_REDIRECT", Error, "a redirect the CA would not follow"),
    Http01WrongBody => ("HTTP01_WRONG_BODY", Error, "the challenge URL answers 200 with the wrong body"),
    Http01Ipv6Broken => ("HTTP01_IPV6_BROKEN", Warning, "the IPv6 address does not answer while IPv4 does"),
    Dns01CnameMismatch => ("DNS01_CNAME_MISMATCH", Error, "a CNAME at _acme-challenge that cert-manager will not follow, or a broken CNAME chain"),
    Dns01ZoneNotFound => ("DNS01_ZONE_NOT_FOUND", Error, "no zone (SOA) or no nameservers found for the record"),
    Dns01NameserverFailed => ("DNS01_NAMESERVER_FAILED", Error, "an authoritative nameserver does not answer the TXT query properly"),
    Dns01TxtMissing => ("DNS01_TXT_MISSING", Error, "no authoritative nameserver has the TXT record"),
    Dns01TxtPartial => ("DNS01_TXT_PARTIAL", Error, "some authoritative nameservers have the TXT record, others not"),
    Dns01TxtWrongValue => ("DNS01_TXT_WRONG_VALUE", Error, "the TXT record exists, but only with other values"),
    CaaLookupFailed => ("CAA_LOOKUP_FAILED", Error, "a CAA lookup failed, so the CA cannot rule out a forbidding record"),
    CaaForbidsCa => ("CAA_FORBIDS_CA", Error, "the CAA records do not allow the issuer's CA"),
    AcmeServerUnreachable => ("ACME_SERVER_UNREACHABLE", Error, "the ACME issuer cannot reach its ACME server (a network or TLS error, retried)"),
    IssuerReturnedInvalidCert => ("ISSUER_RETURNED_INVALID_CERT", Error, "the issuer signed a certificate cert-manager rejects (expired, wrong public key, undecodable)"),
    IssuerSecretKeyMissing => ("ISSUER_SECRET_KEY_MISSING", Warning, "a Secret the issuer or its solver references exists but lacks the key its secretRef names"),
    RequestOrphaned => ("REQUEST_ORPHANED", Error, "a CertificateRequest with the next revision's name is not controlled by the Certificate and blocks issuance"),
    RequestDuplicate => ("REQUEST_DUPLICATE", Error, "several CertificateRequests for the next revision; cert-manager skips issuance until one is left"),
    OrderForeignOwner => ("ORDER_FOREIGN_OWNER", Error, "an Order with the request's deterministic name belongs to another object, so the request waits for ever"),
    ConditionStale => ("CONDITION_STALE", Warning, "the Ready condition was written for an older generation of the spec, more than a minute ago"),
    ControllerNotRunning => ("CONTROLLER_NOT_RUNNING", Error, "no cert-manager controller replica is available, or its leader Lease is not renewed: nothing progresses"),
    ControllerNamespaceScope => ("CONTROLLER_NAMESPACE_SCOPE", Error, "the controller runs with --namespace: Certificates elsewhere, and ClusterIssuers, are never processed"),
    WebhookCaMismatch => ("WEBHOOK_CA_MISMATCH", Error, "the webhook configurations carry a caBundle that is not the CA of the webhook's serving certificate"),
    WebhookNotReady => ("WEBHOOK_NOT_READY", Error, "the cert-manager webhook has no available replica or rejects calls, so every write to cert-manager objects fails"),
    WebhookCaNotInjected => ("WEBHOOK_CA_NOT_INJECTED", Error, "the webhook configuration's caBundle is empty, so the API server cannot trust the webhook"),
    CainjectorNotRunning => ("CAINJECTOR_NOT_RUNNING", Warning, "no cainjector replica is available; the webhook's CA bundle is not kept up to date"),
    IngressNoCertificate => ("INGRESS_NO_CERTIFICATE", Error, "an Ingress annotated for cert-manager has a tls entry with no Certificate"),
    LegacyAnnotations => ("LEGACY_ANNOTATIONS", Error, "an Ingress uses the certmanager.k8s.io annotations, which cert-manager ignores since v0.11"),
    GatewayNoCertificate => ("GATEWAY_NO_CERTIFICATE", Error, "a Gateway annotated for cert-manager has a TLS listener with no Certificate"),
    Http01SolverPodNotRunning => ("HTTP01_SOLVER_POD_NOT_RUNNING", Error, "the HTTP-01 solver Pod is not running (pending, image pull, crash loop)"),
    Http01SolverIngressNotAdmitted => ("HTTP01_SOLVER_INGRESS_NOT_ADMITTED", Error, "no ingress controller serves the HTTP-01 solver Ingress (no address, unknown class, or not the app's class)"),
    Http01SolverServiceMissing => ("HTTP01_SOLVER_SERVICE_MISSING", Warning, "the solver Ingress or HTTPRoute sends the challenge to a Service that does not exist; cert-manager re-creates it at its next self-check"),
    Http01SolverServiceMismatch => ("HTTP01_SOLVER_SERVICE_MISMATCH", Error, "the solver's Service selects no solver Pod or lacks the port its Ingress or HTTPRoute uses; cert-manager never corrects an existing one"),
    GatewayRouteNotAccepted => ("GATEWAY_ROUTE_NOT_ACCEPTED", Error, "a parent Gateway did not accept the HTTP-01 solver HTTPRoute"),
    ServedCertMismatch => ("SERVED_CERT_MISMATCH", Error, "port 443 serves another certificate than the one in the Secret (the ingress default, an older one, another issuer's)"),
    ServedCertExpired => ("SERVED_CERT_EXPIRED", Error, "port 443 serves an expired certificate"),
    ServedNameMismatch => ("SERVED_NAME_MISMATCH", Error, "the certificate served on 443 does not cover the name asked for"),
    ServedChainIncomplete => ("SERVED_CHAIN_INCOMPLETE", Warning, "port 443 sends the leaf without its intermediate"),
    HttpsUnreachable => ("HTTPS_UNREACHABLE", Warning, "nothing answers TLS on 443 at an address of the name"),
    ServedCertMatches => ("SERVED_CERT_MATCHES", Info, "port 443 serves the Secret's certificate: the proof, per address"),
    IngressTlsMismatch => ("INGRESS_TLS_MISMATCH", Error, "an Ingress tls entry whose hosts its Secret's certificate does not cover, or whose Secret nothing provides"),
    // `audit` (issue 18): the production-readiness checklist.
    NoExpiryAlert => ("NO_EXPIRY_ALERT", Warning, "no PrometheusRule uses certmanager_certificate_expiration_timestamp_seconds: nobody is warned before a certificate expires"),
    NoReadyAlert => ("NO_READY_ALERT", Warning, "no PrometheusRule uses certmanager_certificate_ready_status: nobody is warned when a certificate stops being Ready"),
    MetricsNotScraped => ("METRICS_NOT_SCRAPED", Warning, "no ServiceMonitor or PodMonitor selects cert-manager's controller, so its metrics are not collected"),
    MonitoringNotInstalled => ("MONITORING_NOT_INSTALLED", Info, "the Prometheus Operator's kinds do not exist, so the alert and scrape checks cannot be made"),
    WebhookNotHa => ("WEBHOOK_NOT_HA", Warning, "fewer than 2 ready webhook replicas, or no PodDisruptionBudget for the webhook"),
    RenewalMarginShort => ("RENEWAL_MARGIN_SHORT", Warning, "renewal starts less than 7 days, or less than a sixth of the lifetime, before expiry"),
    KeyNotRotated => ("KEY_NOT_ROTATED", Warning, "privateKey.rotationPolicy is Never: every renewal keeps the same private key"),
    WeakKey => ("WEAK_KEY", Error, "an RSA key under 2048 bits, or a key algorithm or size public CAs refuse"),
    AcmeNoEmail => ("ACME_NO_EMAIL", Warning, "an ACME issuer without email: the CA has no way to reach the account's owner"),
    IssuerUnused => ("ISSUER_UNUSED", Info, "no Certificate in scope uses the issuer"),
    CaBundleNotDistributed => ("CA_BUNDLE_NOT_DISTRIBUTED", Info, "Certificates come from a CA issuer, and no trust-manager Bundle carries that CA to clients"),
    ShimCertEdited => ("SHIM_CERT_EDITED", Warning, "an ingress-shim Certificate differs from what its Ingress generates; ingress-shim will overwrite it"),
    StagingIssuer => ("STAGING_ISSUER", Warning, "a certificate used by an Ingress comes from an ACME staging CA, which browsers do not trust"),
    RateLimitBudget => ("RATE_LIMIT_BUDGET", Warning, "Let's Encrypt certificates issued in the last 7 days are near or at a weekly limit (per registered domain, or duplicates of one set of names)"),
    SecretNotTlsType => ("SECRET_NOT_TLS_TYPE", Info, "the Certificate's Secret exists but is not of type kubernetes.io/tls (cert-manager keeps a pre-existing Secret's type)"),
    ConsumerStale => ("CONSUMER_STALE", Warning, "a Pod uses the Certificate's Secret in a way that may keep an old certificate (subPath mount, env vars, or started before the last issuance)"),
}

impl Code {
    /// Every code, in the order of docs/findings.md.
    pub fn all() -> &'static [Code] {
        Code::ALL
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// The object a finding is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Subject {
    /// `Certificate`, `Challenge`, `Secret`, `ClusterIssuer`, `File`, …
    pub kind: String,
    /// Namespace; `None` for cluster-scoped objects and files.
    pub namespace: Option<String>,
    /// Object name or file path.
    pub name: String,
    /// The part of the object, when it matters (`tls.crt`, `ca.crt`, a DNS name).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub part: Option<String>,
}

impl Subject {
    /// A namespaced or cluster-scoped object.
    pub fn new(kind: &str, namespace: Option<&str>, name: &str) -> Subject {
        Subject {
            kind: kind.to_string(),
            namespace: namespace.map(str::to_string),
            name: name.to_string(),
            part: None,
        }
    }

    /// A file given on the command line (`-` is stdin).
    pub fn file(path: &str) -> Subject {
        Subject::new("File", None, path)
    }

    /// The same object, narrowed to one part.
    pub fn part(&self, part: &str) -> Subject {
        Subject {
            part: Some(part.to_string()),
            ..self.clone()
        }
    }
}

impl std::fmt::Display for Subject {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (&self.namespace, self.kind.as_str()) {
            (_, "File") => write!(f, "{}", self.name)?,
            (Some(ns), k) => write!(f, "{k} {ns}/{}", self.name)?,
            (None, k) => write!(f, "{k} {}", self.name)?,
        }
        if let Some(p) = &self.part {
            write!(f, " {p}")?;
        }
        Ok(())
    }
}

/// One result of one check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Finding {
    /// Stable code, e.g. `KEY_MISMATCH`; never renamed.
    pub code: Code,
    /// Severity.
    pub severity: Severity,
    /// The object it is about.
    pub subject: Subject,
    /// One line saying what is wrong.
    pub message: String,
    /// Facts that show it (values, dates, names); never key material.
    pub evidence: Vec<String>,
    /// What to do, in a sentence or two.
    pub remedy: String,
    /// Commands that re-check it by hand.
    pub reproduce: Vec<String>,
}

impl Finding {
    /// A finding without evidence or reproduce commands (add them with the builders).
    pub fn new(
        code: Code,
        severity: Severity,
        subject: Subject,
        message: impl Into<String>,
        remedy: impl Into<String>,
    ) -> Self {
        Finding {
            code,
            severity,
            subject,
            message: message.into(),
            evidence: Vec::new(),
            remedy: remedy.into(),
            reproduce: Vec::new(),
        }
    }

    /// Adds one line of evidence.
    pub fn evidence(mut self, line: impl Into<String>) -> Self {
        self.evidence.push(line.into());
        self
    }

    /// Adds one reproduce command.
    pub fn reproduce(mut self, cmd: impl Into<String>) -> Self {
        self.reproduce.push(cmd.into());
        self
    }

    /// True for errors and warnings: the ones that make the exit code 1.
    pub fn fails(&self) -> bool {
        self.severity != Severity::Info
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOCS: &str = include_str!("../docs/findings.md");

    fn documented() -> Vec<&'static str> {
        DOCS.lines()
            .filter_map(|l| l.strip_prefix("## "))
            .filter(|h| {
                h.chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
            })
            .collect()
    }

    #[test]
    fn docs_have_exactly_one_section_per_code() {
        let docs = documented();
        for code in Code::ALL {
            let n = docs.iter().filter(|d| **d == code.as_str()).count();
            assert_eq!(n, 1, "docs/findings.md has {n} sections for {code}");
        }
        for d in &docs {
            assert!(
                Code::parse(d).is_some(),
                "docs/findings.md documents {d}, which no Code variant emits"
            );
        }
    }

    #[test]
    fn codes_serialise_as_their_stable_text() {
        for code in Code::ALL {
            let json = serde_json::to_string(code).unwrap();
            assert_eq!(json, format!("\"{}\"", code.as_str()));
            assert!(!code.summary().is_empty());
        }
    }
}
