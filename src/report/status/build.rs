//! Builds the status report from a snapshot: the chain of each Certificate, read through
//! [`ChainIndex`] (no scans), turned into the serialisable [`CertificateReport`]. Pure: the
//! instant `now` is passed in, so the same snapshot always gives the same report.

use jiff::Timestamp;
use k8s_openapi::api::core::v1::Event;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use super::{
    AuthorizationOut, CertificateReport, ChallengeOut, ConditionOut, EventOut, IssuerOut,
    IssuerRefOut, IssuerState, OrderOut, OriginOut, RequestOut, SecretOut, SecretState,
    StatusReport,
};
use crate::model::chain::{
    Chain, ChainIndex, IssuerLink, SecretLink, cert_condition, event_time, request_revision,
};
use crate::model::secret::TlsSecret;
use crate::model::snapshot::Snapshot;
use crate::model::stage;
use crate::model::types::{CertificateRequest, Condition, find_condition};
use crate::pki;
use crate::report::SCHEMA_VERSION;
use crate::timefmt;

/// Events kept per object: the most recent ones tell the story, older ones are noise.
pub const EVENTS_PER_OBJECT: usize = 5;

fn time_str(meta_time: Option<Timestamp>) -> Option<String> {
    meta_time.map(timefmt::rfc3339)
}

fn norm_time(s: Option<&str>) -> Option<String> {
    s.map(|t| timefmt::parse(t).map_or_else(|| t.to_string(), timefmt::rfc3339))
}

fn conditions_out(cs: &[Condition]) -> Vec<ConditionOut> {
    cs.iter()
        .map(|c| ConditionOut {
            type_: c.type_.clone(),
            status: c.status.clone(),
            reason: c.reason.clone(),
            message: c.message.clone(),
            last_transition_time: norm_time(c.last_transition_time.as_deref()),
        })
        .collect()
}

fn events_out(index: &ChainIndex, meta: &ObjectMeta) -> Vec<EventOut> {
    let all = index.events(meta);
    let start = all.len().saturating_sub(EVENTS_PER_OBJECT);
    all[start..].iter().map(|e| event_out(e)).collect()
}

fn event_out(e: &Event) -> EventOut {
    EventOut {
        type_: e.type_.clone().unwrap_or_default(),
        reason: e.reason.clone().unwrap_or_default(),
        message: e.message.clone().unwrap_or_default(),
        count: e.count.unwrap_or(1),
        last_time: time_str(event_time(e)),
    }
}

fn created(meta: &ObjectMeta) -> Option<String> {
    time_str(meta.creation_timestamp.as_ref().map(|t| t.0))
}

fn issuer_out(index: &ChainIndex, link: &IssuerLink) -> IssuerOut {
    let mut out = IssuerOut {
        state: match link {
            IssuerLink::Found { .. } => IssuerState::Found,
            IssuerLink::Missing => IssuerState::Missing,
            IssuerLink::External => IssuerState::External,
            IssuerLink::Unknown => IssuerState::Unknown,
        },
        type_: None,
        ready: None,
        reason: None,
        message: None,
        acme_server: None,
        acme_account: None,
        events: vec![],
    };
    if let IssuerLink::Found {
        meta,
        config,
        status,
        ..
    } = link
    {
        out.type_ = Some(config.type_name().to_string());
        let ready = status.and_then(|s| find_condition(&s.conditions, "Ready"));
        out.ready = Some(ready.is_some_and(|c| c.is_true()));
        out.reason = ready.and_then(|c| c.reason.clone());
        out.message = ready.and_then(|c| c.message.clone());
        out.acme_server = config.acme.as_ref().map(|a| a.server.clone());
        out.acme_account = status
            .and_then(|s| s.acme.as_ref())
            .and_then(|a| a.uri.clone())
            .filter(|u| !u.is_empty());
        out.events = events_out(index, meta);
    }
    out
}

fn secret_out(
    index: &ChainIndex,
    snapshot: &Snapshot,
    namespace: &str,
    name: &str,
    link: &SecretLink,
) -> SecretOut {
    let mut out = SecretOut {
        name: name.to_string(),
        state: match link {
            SecretLink::Found(_) => SecretState::Found,
            SecretLink::Missing if snapshot.secret_of_other_type(namespace, name) => {
                SecretState::NotTls
            }
            SecretLink::Missing => SecretState::Missing,
            SecretLink::Unknown => SecretState::Unknown,
        },
        keys: vec![],
        certificates: vec![],
        error: None,
        events: vec![],
    };
    if let SecretLink::Found(secret) = link {
        fill_secret(&mut out, secret);
        out.events = events_out(index, &secret.metadata);
    }
    out
}

fn fill_secret(out: &mut SecretOut, secret: &TlsSecret) {
    out.keys = secret.keys.clone();
    match pki::secret_certificates(secret) {
        Ok(certs) => out.certificates = certs,
        Err(e) => out.error = Some(e.to_string()),
    }
}

fn request_out(index: &ChainIndex, cr: &CertificateRequest) -> RequestOut {
    let conds = cr
        .status
        .as_ref()
        .map(|s| s.conditions.as_slice())
        .unwrap_or(&[]);
    let is = |t: &str| find_condition(conds, t).is_some_and(|c| c.is_true());
    let ready = find_condition(conds, "Ready");
    RequestOut {
        name: cr.metadata.name.clone().unwrap_or_default(),
        revision: request_revision(cr),
        approved: is("Approved"),
        denied: is("Denied"),
        ready: is("Ready"),
        reason: ready.and_then(|c| c.reason.clone()),
        message: ready.and_then(|c| c.message.clone()),
        created: created(&cr.metadata),
        conditions: conditions_out(conds),
        events: events_out(index, &cr.metadata),
    }
}

/// Builds one Certificate's report from its chain.
pub fn certificate_report(index: &ChainIndex, chain: &Chain, now: Timestamp) -> CertificateReport {
    let cert = chain.certificate;
    let st = cert.status.as_ref();
    let ready_cond = cert_condition(cert, "Ready");
    let r = chain.issuer_ref();
    let stage = stage::stage_of(chain, now);
    let backoff = stage::backoff(chain);
    CertificateReport {
        context: None,
        namespace: cert.metadata.namespace.clone().unwrap_or_default(),
        name: cert.metadata.name.clone().unwrap_or_default(),
        ready: chain.is_ready(),
        reason: ready_cond.and_then(|c| c.reason.clone()),
        message: ready_cond.and_then(|c| c.message.clone()),
        issuing: chain.is_issuing(),
        issuer_ref: IssuerRefOut {
            kind: r.kind_or_default().to_string(),
            name: r.name.clone(),
            group: r.group_or_default().to_string(),
        },
        secret_name: cert.spec.secret_name.clone(),
        dns_names: cert.spec.dns_names.clone(),
        ip_addresses: cert.spec.ip_addresses.clone(),
        uris: cert.spec.uris.clone(),
        not_before: norm_time(st.and_then(|s| s.not_before.as_deref())),
        not_after: norm_time(st.and_then(|s| s.not_after.as_deref())),
        renewal_time: norm_time(st.and_then(|s| s.renewal_time.as_deref())),
        renewal: st
            .and_then(|s| s.not_after.as_ref())
            .map(|_| crate::model::renewal::renewal(cert).describe(now)),
        revision: st.and_then(|s| s.revision),
        stage: stage.summary.clone(),
        stage_detail: stage,
        failed_issuance_attempts: st.and_then(|s| s.failed_issuance_attempts),
        last_failure_time: norm_time(st.and_then(|s| s.last_failure_time.as_deref())),
        next_retry_time: backoff.map(|b| timefmt::rfc3339(b.next_retry)),
        created: created(&cert.metadata),
        origin: chain.origin.as_ref().map(|o| OriginOut {
            kind: o.kind.clone(),
            name: o.name.clone(),
        }),
        conditions: conditions_out(st.map(|s| s.conditions.as_slice()).unwrap_or(&[])),
        events: events_out(index, &cert.metadata),
        issuer: issuer_out(index, &chain.issuer),
        secret: secret_out(
            index,
            index.snapshot(),
            cert.metadata.namespace.as_deref().unwrap_or(""),
            &cert.spec.secret_name,
            &chain.secret,
        ),
        request: chain.current_request.map(|cr| request_out(index, cr)),
        request_count: chain.requests.len(),
        order: chain.order.map(|o| {
            let os = o.status.as_ref();
            OrderOut {
                name: o.metadata.name.clone().unwrap_or_default(),
                state: os.and_then(|s| s.state.clone()),
                reason: os.and_then(|s| s.reason.clone()).filter(|r| !r.is_empty()),
                url: os.and_then(|s| s.url.clone()),
                authorizations: os
                    .map(|s| {
                        s.authorizations
                            .iter()
                            .map(|a| AuthorizationOut {
                                identifier: a.identifier.clone(),
                                initial_state: a.initial_state.clone(),
                                wildcard: a.wildcard,
                                url: a.url.clone(),
                            })
                            .collect()
                    })
                    .unwrap_or_default(),
                events: events_out(index, &o.metadata),
            }
        }),
        challenges: chain
            .challenges
            .iter()
            .map(|ch| {
                let cs = ch.status.as_ref();
                ChallengeOut {
                    name: ch.metadata.name.clone().unwrap_or_default(),
                    type_: ch.spec.type_.clone(),
                    dns_name: ch.spec.dns_name.clone(),
                    wildcard: ch.spec.wildcard,
                    state: cs.and_then(|s| s.state.clone()),
                    reason: cs.and_then(|s| s.reason.clone()).filter(|r| !r.is_empty()),
                    presented: cs.is_some_and(|s| s.presented),
                    processing: cs.is_some_and(|s| s.processing),
                    events: events_out(index, &ch.metadata),
                }
            })
            .collect(),
    }
}

/// Sort key: not-ready first, then soonest expiry (unknown expiry first), then name.
fn sort_key(c: &CertificateReport) -> (bool, Option<Timestamp>, String, String) {
    (
        c.ready,
        c.not_after.as_deref().and_then(timefmt::parse),
        c.namespace.clone(),
        c.name.clone(),
    )
}

/// Builds the report for every Certificate in the snapshot (or only `name`).
pub fn status_report(
    snapshot: &Snapshot,
    only: Option<&ObjectMeta>,
    now: Timestamp,
) -> StatusReport {
    let index = ChainIndex::new(snapshot);
    let mut certificates: Vec<CertificateReport> = snapshot
        .certificates
        .iter()
        .filter(|c| {
            only.is_none_or(|m| {
                m.uid == c.metadata.uid
                    && m.name == c.metadata.name
                    && m.namespace == c.metadata.namespace
            })
        })
        .map(|c| certificate_report(&index, &index.chain(c), now))
        .collect();
    certificates.sort_by_key(sort_key);
    StatusReport {
        schema_version: SCHEMA_VERSION,
        kind: "StatusReport",
        generated_at: timefmt::rfc3339(now),
        cert_manager: crate::model::controlplane::ControlPlane::of(snapshot),
        certificates,
        origins: vec![],
        warnings: snapshot.notes.clone(),
        unreadable: snapshot.unreadable.clone(),
        clusters: vec![],
    }
}
