//! Is the cert-manager API usable? The three steps of `check api` — the CRDs are served,
//! the validating webhook is registered with its CA injected, a server-side dry-run create
//! of a Certificate is accepted — judged from what the API server answered, with the reason
//! an install script needs when a step fails. Pure: the answers come in, verdicts go out.

use serde::Serialize;
use serde_json::Value;

/// The API group/versions and the resources of each that must be served.
pub const REQUIRED: &[(&str, &[&str])] = &[
    (
        "cert-manager.io/v1",
        &[
            "certificates",
            "certificaterequests",
            "issuers",
            "clusterissuers",
        ],
    ),
    ("acme.cert-manager.io/v1", &["orders", "challenges"]),
];

/// The name of cert-manager's validating webhook inside its configuration.
pub const WEBHOOK_NAME: &str = super::controlplane::CERT_MANAGER_WEBHOOK;

/// An API answer that was not a success: the HTTP code (`None` when there was no answer)
/// and the message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// HTTP status, or `None` for a transport error (refused, timeout, TLS).
    pub code: Option<u16>,
    /// The API server's message, or the transport error.
    pub message: String,
}

/// The step of the check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Step {
    /// The cert-manager resources are served (API discovery).
    Crds,
    /// The ValidatingWebhookConfiguration exists with a caBundle.
    Webhook,
    /// A dry-run create of a Certificate is accepted.
    DryRun,
}

/// How a step ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Outcome {
    /// It holds.
    Pass,
    /// It does not.
    Fail,
    /// It could not be looked at (no permission); a later step decides.
    Skipped,
}

/// Why the API is not usable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Reason {
    /// A cert-manager resource is not served: the CRDs are not installed.
    CrdsMissing,
    /// No ValidatingWebhookConfiguration holds cert-manager's webhook.
    WebhookNotRegistered,
    /// The webhook's caBundle is empty, or the API server does not trust its certificate.
    CaNotInjected,
    /// The API server cannot call the webhook (no Service, no ready Pod, timeout).
    WebhookUnreachable,
    /// The webhook answered, but refused the dry-run Certificate.
    WebhookRejected,
    /// The API server itself did not answer.
    ApiUnreachable,
    /// certdoctor's user may not do what the check needs (401/403); nothing was concluded.
    NotAllowed,
    /// Another error from the API server.
    Other,
}

impl Reason {
    /// Whether waiting longer can change the answer (a permission problem cannot).
    pub fn is_final(self) -> bool {
        matches!(self, Reason::NotAllowed)
    }
}

/// One step's verdict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Check {
    /// Which step.
    pub step: Step,
    /// How it ended.
    pub outcome: Outcome,
    /// What was seen, in a sentence.
    pub detail: String,
    /// Why it failed (`None` unless `outcome` is `Fail`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<Reason>,
}

impl Check {
    fn pass(step: Step, detail: impl Into<String>) -> Check {
        Check {
            step,
            outcome: Outcome::Pass,
            detail: detail.into(),
            reason: None,
        }
    }

    fn fail(step: Step, reason: Reason, detail: impl Into<String>) -> Check {
        Check {
            step,
            outcome: Outcome::Fail,
            detail: detail.into(),
            reason: Some(reason),
        }
    }
}

/// A failure that is not about the step itself: no answer, or no permission.
fn common(step: Step, what: &str, f: &Failure) -> Option<Check> {
    match f.code {
        None => Some(Check::fail(
            step,
            Reason::ApiUnreachable,
            format!("the API server did not answer {what}: {}", f.message),
        )),
        Some(401 | 403) if !f.message.contains("admission webhook") => Some(Check::fail(
            step,
            Reason::NotAllowed,
            format!("not allowed to {what}: {}", f.message),
        )),
        _ => None,
    }
}

/// The CRD step from the discovery answer of each group/version of [`REQUIRED`] (in that
/// order): the resources it serves, or the failure (404 = the group is not served).
pub fn crds(answers: &[Result<Vec<String>, Failure>]) -> Check {
    let mut missing = vec![];
    for ((gv, needed), answer) in REQUIRED.iter().zip(answers) {
        match answer {
            Ok(served) => missing.extend(
                needed
                    .iter()
                    .filter(|r| !served.iter().any(|s| s == *r))
                    .map(|r| format!("{r}.{}", gv.trim_end_matches("/v1"))),
            ),
            Err(f) if f.code == Some(404) => {
                missing.extend(
                    needed
                        .iter()
                        .map(|r| format!("{r}.{}", gv.trim_end_matches("/v1"))),
                );
            }
            Err(f) => {
                return common(Step::Crds, &format!("read the API discovery of {gv}"), f)
                    .unwrap_or_else(|| {
                        Check::fail(
                            Step::Crds,
                            Reason::Other,
                            format!("API discovery of {gv} failed ({:?}): {}", f.code, f.message),
                        )
                    });
            }
        }
    }
    if missing.is_empty() {
        Check::pass(
            Step::Crds,
            "the cert-manager CRDs are served (cert-manager.io/v1, acme.cert-manager.io/v1)",
        )
    } else {
        Check::fail(
            Step::Crds,
            Reason::CrdsMissing,
            format!(
                "the cert-manager CRDs are not installed: {} not served",
                missing.join(", ")
            ),
        )
    }
}

/// The webhook step from the LIST of ValidatingWebhookConfigurations: the one holding
/// [`WEBHOOK_NAME`] (or named `cert-manager-webhook`) must exist and every webhook in it
/// must carry a `caBundle`.
pub fn webhook(answer: &Result<Vec<Value>, Failure>) -> Check {
    let configs = match answer {
        Ok(c) => c,
        Err(f) if matches!(f.code, Some(401 | 403)) => {
            return Check {
                step: Step::Webhook,
                outcome: Outcome::Skipped,
                detail: format!(
                    "cannot list ValidatingWebhookConfigurations ({}); the dry-run create decides",
                    f.message
                ),
                reason: None,
            };
        }
        Err(f) => {
            return common(Step::Webhook, "list ValidatingWebhookConfigurations", f)
                .unwrap_or_else(|| {
                    Check::fail(
                        Step::Webhook,
                        Reason::Other,
                        format!(
                            "listing ValidatingWebhookConfigurations failed: {}",
                            f.message
                        ),
                    )
                });
        }
    };
    let hooks = |c: &Value| c["webhooks"].as_array().cloned().unwrap_or_default();
    let ours = configs.iter().find(|c| {
        c.pointer("/metadata/name").and_then(Value::as_str) == Some("cert-manager-webhook")
            || hooks(c).iter().any(|h| h["name"] == WEBHOOK_NAME)
    });
    let Some(config) = ours else {
        return Check::fail(
            Step::Webhook,
            Reason::WebhookNotRegistered,
            format!(
                "cert-manager's webhook is not registered: no ValidatingWebhookConfiguration holds {WEBHOOK_NAME}"
            ),
        );
    };
    let name = config
        .pointer("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or("?");
    let without_ca: Vec<String> = hooks(config)
        .iter()
        .filter(|h| {
            h.pointer("/clientConfig/caBundle")
                .and_then(Value::as_str)
                .is_none_or(str::is_empty)
        })
        .map(|h| h["name"].as_str().unwrap_or("?").to_string())
        .collect();
    if hooks(config).is_empty() || !without_ca.is_empty() {
        return Check::fail(
            Step::Webhook,
            Reason::CaNotInjected,
            format!(
                "the webhook's CA is not injected: ValidatingWebhookConfiguration {name} has no caBundle{}",
                if without_ca.is_empty() {
                    String::new()
                } else {
                    format!(" for {}", without_ca.join(", "))
                }
            ),
        );
    }
    Check::pass(
        Step::Webhook,
        format!("ValidatingWebhookConfiguration {name} is registered with a caBundle"),
    )
}

/// The dry-run step from the answer to the create (`Ok` = accepted) in `namespace`.
pub fn dry_run(answer: &Result<(), Failure>, namespace: &str) -> Check {
    let f = match answer {
        Ok(()) => {
            return Check::pass(
                Step::DryRun,
                format!("a dry-run create of a Certificate in namespace {namespace} was accepted"),
            );
        }
        Err(f) => f,
    };
    let what = format!("create Certificates in namespace {namespace}");
    if let Some(c) = common(Step::DryRun, &what, f) {
        return c;
    }
    let m = &f.message;
    let lower = m.to_lowercase();
    let (reason, why) = if f.code == Some(404) {
        (
            Reason::CrdsMissing,
            "the cert-manager CRDs are not installed".to_string(),
        )
    } else if lower.contains("x509:") || lower.contains("certificate signed by unknown authority") {
        (
            Reason::CaNotInjected,
            "the API server does not trust the webhook's certificate: its CA is not injected yet"
                .to_string(),
        )
    } else if lower.contains("failed calling webhook") || lower.contains("failed to call webhook") {
        let cause = if lower.contains("service \"") && lower.contains("not found") {
            "its Service does not exist"
        } else if lower.contains("connection refused") || lower.contains("no endpoints available") {
            "no webhook Pod is ready behind its Service"
        } else if lower.contains("deadline exceeded") || lower.contains("timeout") {
            "it does not answer in time (a network policy or firewall between the API server and the Pod?)"
        } else {
            "the call failed"
        };
        (
            Reason::WebhookUnreachable,
            format!("the API server cannot reach cert-manager's webhook: {cause}"),
        )
    } else if lower.contains("admission webhook") && lower.contains("denied the request") {
        (
            Reason::WebhookRejected,
            "the webhook refused the dry-run Certificate".to_string(),
        )
    } else {
        (
            Reason::Other,
            format!("the dry-run create failed ({})", f.code.unwrap_or(0)),
        )
    };
    Check::fail(Step::DryRun, reason, format!("{why}: {m}"))
}

/// Name prefix of the Certificate the dry-run create sends (never stored).
pub const PROBE_NAME: &str = "certdoctor-check-api";

/// The Certificate the dry-run create sends to `namespace`: valid, so the webhook must
/// accept it, and with `generateName`, so it can never collide with a real one.
pub fn probe_certificate(namespace: &str) -> Value {
    serde_json::json!({
        "apiVersion": "cert-manager.io/v1",
        "kind": "Certificate",
        "metadata": {"generateName": format!("{PROBE_NAME}-"), "namespace": namespace},
        "spec": {
            "secretName": PROBE_NAME,
            "dnsNames": [format!("{PROBE_NAME}.example.com")],
            "issuerRef": {"name": PROBE_NAME, "kind": "Issuer", "group": "cert-manager.io"},
        },
    })
}

/// What to do about `reason`, in a line.
pub fn hint(reason: Reason, namespace: &str) -> String {
    match reason {
        Reason::CrdsMissing => "install cert-manager with its CRDs (Helm: --set crds.enabled=true), or wait for the install to finish; check with `kubectl api-resources --api-group=cert-manager.io`".into(),
        Reason::WebhookNotRegistered => "cert-manager's webhook is not installed (or was removed); check with `kubectl get validatingwebhookconfigurations`".into(),
        Reason::CaNotInjected => "the cainjector writes the webhook's caBundle; check `kubectl get pods -n cert-manager` and `kubectl logs -n cert-manager deploy/cert-manager-cainjector`".into(),
        Reason::WebhookUnreachable => "check the webhook Pod and Service (`kubectl get pods,endpoints -n cert-manager`) and that network policies and firewalls let the API server reach it".into(),
        Reason::WebhookRejected => "the webhook answers; another validating webhook or policy may be refusing Certificates: check `kubectl get validatingwebhookconfigurations`".into(),
        Reason::ApiUnreachable => "check the network and the context (`kubectl cluster-info`)".into(),
        Reason::NotAllowed => format!("check api needs to read the API discovery, list validatingwebhookconfigurations and create certificates.cert-manager.io; check with `kubectl auth can-i create certificates.cert-manager.io -n {namespace}`"),
        Reason::Other => "run the check again; if it persists, check the API server's health".into(),
    }
}

#[cfg(test)]
mod tests;
