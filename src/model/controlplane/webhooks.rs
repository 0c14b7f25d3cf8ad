//! Which listed webhook configurations are cert-manager's, and which of their webhooks lack a
//! `caBundle`. The LIST is label-selected (`app.kubernetes.io/name=webhook`), a label other
//! products may carry too, so a configuration counts as cert-manager's only by what the
//! chart writes into it whatever the release is called: a webhook whose `clientConfig.service`
//! is the webhook's Service (named like its Deployment, in its namespace), the
//! `cert-manager.io/inject-ca-from-secret` annotation naming that Deployment's CA Secret, the
//! webhook name `webhook.cert-manager.io`, or the default name `cert-manager-webhook`.

use k8s_openapi::api::admissionregistration::v1::{
    MutatingWebhookConfiguration, ServiceReference, ValidatingWebhookConfiguration,
    WebhookClientConfig,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde::Serialize;

use super::super::snapshot::WEBHOOK_CONFIG_NAME;

/// The name the chart gives cert-manager's webhook inside both configurations, in every
/// version since v0.11 (`deploy/charts/cert-manager/templates/webhook-*-webhook.yaml`).
pub const CERT_MANAGER_WEBHOOK: &str = "webhook.cert-manager.io";

/// The annotation by which the cainjector fills the configurations' `caBundle`; the chart
/// sets it to `<namespace>/<webhook Deployment>-ca`.
pub const INJECT_CA_FROM_SECRET: &str = "cert-manager.io/inject-ca-from-secret";

/// A webhook configuration whose `caBundle` was looked at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WebhookCa {
    /// `ValidatingWebhookConfiguration` or `MutatingWebhookConfiguration`.
    pub kind: String,
    /// Its name.
    pub name: String,
    /// Webhooks in it whose `clientConfig.caBundle` is empty.
    pub empty: Vec<String>,
}

/// One webhook of a configuration: its name and client configuration.
type Hook<'a> = (&'a String, &'a WebhookClientConfig);

/// True when the configuration is cert-manager's. `webhook_deployments` are the
/// (namespace, name) of cert-manager's webhook Deployments: the chart names the webhook's
/// Service, Deployment and configurations alike (`webhook.fullname`), in the cert-manager
/// namespace.
fn is_cert_managers<'a>(
    meta: &ObjectMeta,
    hooks: impl Iterator<Item = Hook<'a>> + Clone,
    webhook_deployments: &[(String, String)],
) -> bool {
    let service_is_ours = |s: &ServiceReference| {
        webhook_deployments
            .iter()
            .any(|(ns, name)| s.namespace == *ns && s.name == *name)
    };
    let annotation = meta
        .annotations
        .as_ref()
        .and_then(|a| a.get(INJECT_CA_FROM_SECRET));
    meta.name.as_deref() == Some(WEBHOOK_CONFIG_NAME)
        || hooks
            .clone()
            .any(|(name, _)| name.as_str() == CERT_MANAGER_WEBHOOK)
        || hooks
            .clone()
            .any(|(_, c)| c.service.as_ref().is_some_and(service_is_ours))
        || annotation.is_some_and(|a| {
            webhook_deployments
                .iter()
                .any(|(ns, name)| *a == format!("{ns}/{name}-ca"))
        })
}

/// The webhooks (by name) of a configuration whose `caBundle` is empty: the API server
/// cannot trust those, whether validating or mutating.
fn without_ca<'a>(hooks: impl Iterator<Item = Hook<'a>>) -> Vec<String> {
    hooks
        .filter(|(_, c)| c.ca_bundle.as_ref().is_none_or(|b| b.0.is_empty()))
        .map(|(n, _)| n.clone())
        .collect()
}

fn judged<'a>(
    kind: &str,
    meta: &ObjectMeta,
    hooks: impl Iterator<Item = Hook<'a>> + Clone,
    webhook_deployments: &[(String, String)],
) -> Option<WebhookCa> {
    is_cert_managers(meta, hooks.clone(), webhook_deployments).then(|| WebhookCa {
        kind: kind.into(),
        name: meta.name.clone().unwrap_or_default(),
        empty: without_ca(hooks),
    })
}

/// cert-manager's configurations among those listed, validating first; another product's
/// configuration (even one carrying the same label) is left out, whatever its `caBundle`.
pub fn cert_manager_webhooks(
    validating: &[ValidatingWebhookConfiguration],
    mutating: &[MutatingWebhookConfiguration],
    webhook_deployments: &[(String, String)],
) -> Vec<WebhookCa> {
    let v = validating.iter().map(|c| {
        let hooks: Vec<Hook> = c
            .webhooks
            .iter()
            .flatten()
            .map(|w| (&w.name, &w.client_config))
            .collect();
        ("ValidatingWebhookConfiguration", &c.metadata, hooks)
    });
    let m = mutating.iter().map(|c| {
        let hooks: Vec<Hook> = c
            .webhooks
            .iter()
            .flatten()
            .map(|w| (&w.name, &w.client_config))
            .collect();
        ("MutatingWebhookConfiguration", &c.metadata, hooks)
    });
    v.chain(m)
        .filter_map(|(kind, meta, hooks)| {
            judged(kind, meta, hooks.into_iter(), webhook_deployments)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn config(v: serde_json::Value) -> ValidatingWebhookConfiguration {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn a_configuration_is_cert_managers_by_what_the_chart_writes_into_it() {
        let deployments = [(
            "security".to_string(),
            "cm-cert-manager-webhook".to_string(),
        )];
        let svc = |ns: &str, name: &str| json!({"service": {"namespace": ns, "name": name}});
        let cases = [
            (
                json!({"metadata": {"name": "cm-cert-manager-webhook"},
                    "webhooks": [{"name": "x.example.com", "clientConfig": svc("security", "cm-cert-manager-webhook"),
                                  "sideEffects": "None", "admissionReviewVersions": ["v1"]}]}),
                true,
            ),
            (
                json!({"metadata": {"name": "renamed", "annotations": {INJECT_CA_FROM_SECRET: "security/cm-cert-manager-webhook-ca"}},
                    "webhooks": [{"name": "x.example.com", "clientConfig": {"url": "https://cm.example.com/validate"},
                                  "sideEffects": "None", "admissionReviewVersions": ["v1"]}]}),
                true,
            ),
            (
                json!({"metadata": {"name": "anything"},
                    "webhooks": [{"name": CERT_MANAGER_WEBHOOK, "clientConfig": svc("elsewhere", "other"),
                                  "sideEffects": "None", "admissionReviewVersions": ["v1"]}]}),
                true,
            ),
            (json!({"metadata": {"name": WEBHOOK_CONFIG_NAME}}), true),
            // Another product's webhook, served by its own Service and injected by the
            // cainjector from its own Certificate: not cert-manager's.
            (
                json!({"metadata": {"name": "webhook.serving.knative.dev",
                                 "annotations": {"cert-manager.io/inject-ca-from": "knative-serving/webhook"}},
                    "webhooks": [{"name": "validation.webhook.serving.knative.dev",
                                  "clientConfig": svc("knative-serving", "webhook"),
                                  "sideEffects": "None", "admissionReviewVersions": ["v1"]}]}),
                false,
            ),
            (
                json!({"metadata": {"name": "other", "annotations": {INJECT_CA_FROM_SECRET: "security/other-ca"}},
                    "webhooks": [{"name": "x.example.com", "clientConfig": svc("cert-manager", "cm-cert-manager-webhook"),
                                  "sideEffects": "None", "admissionReviewVersions": ["v1"]}]}),
                false,
            ),
        ];
        for (v, want) in cases {
            let got = cert_manager_webhooks(&[config(v.clone())], &[], &deployments);
            assert_eq!(got.len(), usize::from(want), "{v}");
        }
    }
}
