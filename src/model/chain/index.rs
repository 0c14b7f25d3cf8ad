//! [`ChainIndex`]: a snapshot indexed once by uid and name, and the linking of one
//! Certificate's chain by hash lookups.

use std::collections::HashMap;

use k8s_openapi::api::core::v1::Event;
use k8s_openapi::api::networking::v1::Ingress;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use super::*;

/// Indexes of a snapshot by uid and name. Build once, then call [`ChainIndex::chain`] per
/// Certificate.
pub struct ChainIndex<'a> {
    snapshot: &'a Snapshot,
    requests_by_owner: HashMap<&'a str, Vec<&'a CertificateRequest>>,
    orphan_requests_by_cert: HashMap<Key<'a>, Vec<&'a CertificateRequest>>,
    orders_by_owner: HashMap<&'a str, Vec<&'a Order>>,
    challenges_by_owner: HashMap<&'a str, Vec<&'a Challenge>>,
    issuers: HashMap<Key<'a>, usize>,
    cluster_issuers: HashMap<&'a str, usize>,
    secrets: HashMap<Key<'a>, &'a TlsSecret>,
    ingresses: HashMap<Key<'a>, &'a Ingress>,
    events_by_uid: HashMap<&'a str, Vec<&'a Event>>,
    certificates_by_secret: HashMap<Key<'a>, Vec<&'a Certificate>>,
    requests_by_name: HashMap<Key<'a>, &'a CertificateRequest>,
    orders_by_base: HashMap<Key<'a>, Vec<&'a Order>>,
}

impl<'a> ChainIndex<'a> {
    /// The snapshot this index was built over.
    pub fn snapshot(&self) -> &'a Snapshot {
        self.snapshot
    }

    /// Builds every index in one pass over each kind.
    pub fn new(snapshot: &'a Snapshot) -> Self {
        let mut requests_by_owner: HashMap<&str, Vec<&CertificateRequest>> = HashMap::new();
        let mut orphan_requests_by_cert: HashMap<Key, Vec<&CertificateRequest>> = HashMap::new();
        for cr in &snapshot.requests {
            match controller_of(&cr.metadata) {
                Some(owner) => requests_by_owner
                    .entry(owner.uid.as_str())
                    .or_default()
                    .push(cr),
                None => {
                    let cert_name = cr
                        .metadata
                        .annotations
                        .as_ref()
                        .and_then(|a| a.get(CERTIFICATE_NAME_ANNOTATION));
                    if let Some(name) = cert_name {
                        let ns = cr.metadata.namespace.as_deref().unwrap_or("");
                        orphan_requests_by_cert
                            .entry((ns, name.as_str()))
                            .or_default()
                            .push(cr);
                    }
                }
            }
        }
        let mut orders_by_owner: HashMap<&str, Vec<&Order>> = HashMap::new();
        for o in &snapshot.orders {
            if let Some(owner) = controller_of(&o.metadata) {
                orders_by_owner
                    .entry(owner.uid.as_str())
                    .or_default()
                    .push(o);
            }
        }
        let mut challenges_by_owner: HashMap<&str, Vec<&Challenge>> = HashMap::new();
        for ch in &snapshot.challenges {
            if let Some(owner) = controller_of(&ch.metadata) {
                challenges_by_owner
                    .entry(owner.uid.as_str())
                    .or_default()
                    .push(ch);
            }
        }
        let mut events_by_uid: HashMap<&str, Vec<&Event>> = HashMap::new();
        for e in &snapshot.events {
            if let Some(uid) = e.involved_object.uid.as_deref() {
                events_by_uid.entry(uid).or_default().push(e);
            }
        }
        for events in events_by_uid.values_mut() {
            events.sort_by_key(|e| event_time(e));
        }
        let mut certificates_by_secret: HashMap<Key, Vec<&Certificate>> = HashMap::new();
        for c in &snapshot.certificates {
            let ns = c.metadata.namespace.as_deref().unwrap_or("");
            certificates_by_secret
                .entry((ns, c.spec.secret_name.as_str()))
                .or_default()
                .push(c);
        }
        let requests_by_name = snapshot
            .requests
            .iter()
            .map(|r| (key(&r.metadata), r))
            .collect();
        let mut orders_by_base: HashMap<Key, Vec<&Order>> = HashMap::new();
        for o in &snapshot.orders {
            let (ns, name) = key(&o.metadata);
            if let Some((base, hash)) = name.rsplit_once('-')
                && !hash.is_empty()
                && hash.bytes().all(|b| b.is_ascii_digit())
            {
                orders_by_base.entry((ns, base)).or_default().push(o);
            }
        }
        ChainIndex {
            snapshot,
            certificates_by_secret,
            requests_by_name,
            orders_by_base,
            requests_by_owner,
            orphan_requests_by_cert,
            orders_by_owner,
            challenges_by_owner,
            issuers: snapshot
                .issuers
                .iter()
                .enumerate()
                .map(|(i, x)| (key(&x.metadata), i))
                .collect(),
            cluster_issuers: snapshot
                .cluster_issuers
                .iter()
                .enumerate()
                .map(|(i, x)| (x.metadata.name.as_deref().unwrap_or(""), i))
                .collect(),
            secrets: snapshot
                .secrets
                .iter()
                .map(|s| (key(&s.metadata), s))
                .collect(),
            ingresses: snapshot
                .ingresses
                .iter()
                .map(|i| (key(&i.metadata), i))
                .collect(),
            events_by_uid,
        }
    }

    /// Every Certificate in `namespace` whose `spec.secretName` is `secret` (more than one
    /// means they overwrite each other).
    pub fn certificates_for_secret(
        &self,
        namespace: &'a str,
        secret: &'a str,
    ) -> &[&'a Certificate] {
        self.certificates_by_secret
            .get(&(namespace, secret))
            .map_or(&[], Vec::as_slice)
    }

    /// Events about the object with this uid, oldest first.
    pub fn events(&self, meta: &ObjectMeta) -> &[&'a Event] {
        meta.uid
            .as_deref()
            .and_then(|uid| self.events_by_uid.get(uid))
            .map_or(&[], Vec::as_slice)
    }

    /// Links one Certificate.
    ///
    /// The current request is the one with revision `status.revision + 1` when it exists —
    /// an issuance in flight or one that failed and waits for its retry — else, while
    /// `Issuing=True`, none yet (cert-manager has not created it); else the one with
    /// `status.revision` (a healthy Certificate shows the request that issued it, which
    /// `cmctl status` does not: cert-manager#3145); else the newest.
    pub fn chain(&self, cert: &'a Certificate) -> Chain<'a> {
        let (ns, name) = key(&cert.metadata);
        let mut requests: Vec<&CertificateRequest> = Vec::new();
        if let Some(uid) = cert.metadata.uid.as_deref()
            && let Some(v) = self.requests_by_owner.get(uid)
        {
            requests.extend(v);
        }
        // cert-manager acts only on requests the Certificate controls
        // (`predicate.ResourceOwnedBy`); a request without a controller is shown, never current.
        let owned = requests.len();
        if let Some(v) = self.orphan_requests_by_cert.get(&(ns, name)) {
            requests.extend(v);
        }
        let by_order = |a: &&CertificateRequest, b: &&CertificateRequest| {
            (request_revision(a), created(&a.metadata), &a.metadata.name).cmp(&(
                request_revision(b),
                created(&b.metadata),
                &b.metadata.name,
            ))
        };
        let mut owned_requests: Vec<&CertificateRequest> = requests[..owned].to_vec();
        owned_requests.sort_by(by_order);
        requests.sort_by(by_order);

        let status = cert.status.as_ref();
        let revision = status.and_then(|s| s.revision);
        let next = revision.unwrap_or(0) + 1;
        let issuing = cert_condition(cert, "Issuing").is_some_and(|c| c.is_true());
        let by_rev = |r: i64| {
            owned_requests
                .iter()
                .rev()
                .copied()
                .find(|cr| request_revision(cr) == Some(r))
        };
        let current_request = by_rev(next).or_else(|| {
            if issuing {
                None
            } else {
                revision.and_then(by_rev).or_else(|| {
                    owned_requests
                        .iter()
                        .copied()
                        .max_by_key(|cr| created(&cr.metadata))
                })
            }
        });
        let duplicates: Vec<&CertificateRequest> = owned_requests
            .iter()
            .copied()
            .filter(|cr| request_revision(cr) == Some(next))
            .collect();
        let next_name = format!("{name}-{next}");
        let blocking = self
            .requests_by_name
            .get(&(ns, next_name.as_str()))
            .copied()
            .filter(|cr| {
                controller_of(&cr.metadata)
                    .is_none_or(|o| Some(o.uid.as_str()) != cert.metadata.uid.as_deref())
            });
        let next_request = NextRequest {
            revision: next,
            duplicates: if duplicates.len() > 1 {
                duplicates
            } else {
                vec![]
            },
            blocking,
        };

        let order = current_request
            .and_then(|cr| cr.metadata.uid.as_deref())
            .and_then(|uid| self.orders_by_owner.get(uid))
            .and_then(|orders| orders.iter().copied().max_by_key(|o| created(&o.metadata)));
        let mut challenges: Vec<&Challenge> = order
            .and_then(|o| o.metadata.uid.as_deref())
            .and_then(|uid| self.challenges_by_owner.get(uid))
            .cloned()
            .unwrap_or_default();
        challenges.sort_by(|a, b| a.metadata.name.cmp(&b.metadata.name));

        let foreign_order = match (current_request, order) {
            (Some(cr), None) => {
                let (cr_ns, cr_name) = key(&cr.metadata);
                self.orders_by_base.get(&(cr_ns, cr_name)).and_then(|v| {
                    v.iter().copied().find(|o| {
                        controller_of(&o.metadata)
                            .is_none_or(|c| Some(c.uid.as_str()) != cr.metadata.uid.as_deref())
                    })
                })
            }
            _ => None,
        };
        let issuer = self.issuer(cert);
        let events = ChainEvents {
            certificate: self.events(&cert.metadata).to_vec(),
            request: current_request
                .map(|cr| self.events(&cr.metadata).to_vec())
                .unwrap_or_default(),
            issuer: match issuer {
                IssuerLink::Found { meta, .. } => self.events(meta).to_vec(),
                _ => vec![],
            },
        };

        let s = self.snapshot;
        let children_readable = !(s.is_unreadable(&CERTIFICATE_REQUESTS)
            || (current_request.is_some()
                && (s.is_unreadable(&ORDERS) || s.is_unreadable(&CHALLENGES))));

        Chain {
            certificate: cert,
            requests,
            current_request,
            order,
            challenges,
            issuer,
            secret: self.secret(cert),
            origin: self.origin(cert),
            children_readable,
            shared_secret: self.shared_secret(cert),
            next_request,
            foreign_order,
            events,
        }
    }

    fn shared_secret(&self, cert: &'a Certificate) -> Option<SharedSecret<'a>> {
        let ns = cert.metadata.namespace.as_deref().unwrap_or("");
        let all = self.certificates_for_secret(ns, &cert.spec.secret_name);
        let others: Vec<&Certificate> = all
            .iter()
            .copied()
            .filter(|c| !same_object(&c.metadata, &cert.metadata))
            .collect();
        if others.is_empty() {
            return None;
        }
        let annotated = self
            .secrets
            .get(&(ns, cert.spec.secret_name.as_str()))
            .and_then(|s| s.metadata.annotations.as_ref())
            .and_then(|a| a.get(CERTIFICATE_NAME_ANNOTATION))
            .and_then(|n| {
                all.iter()
                    .copied()
                    .find(|c| c.metadata.name.as_deref() == Some(n.as_str()))
            });
        let owner = annotated.or_else(|| {
            all.iter().copied().min_by(|a, b| {
                (created(&a.metadata), &a.metadata.name)
                    .cmp(&(created(&b.metadata), &b.metadata.name))
            })
        })?;
        Some(SharedSecret {
            owner,
            by_annotation: annotated.is_some(),
            others,
        })
    }

    fn issuer(&self, cert: &'a Certificate) -> IssuerLink<'a> {
        let r = &cert.spec.issuer_ref;
        if r.is_external() {
            return IssuerLink::External;
        }
        let s = self.snapshot;
        match r.kind_or_default() {
            "ClusterIssuer" => match self.cluster_issuers.get(r.name.as_str()) {
                Some(&i) => {
                    let ci = &s.cluster_issuers[i];
                    IssuerLink::Found {
                        kind: "ClusterIssuer",
                        meta: &ci.metadata,
                        config: &ci.spec.config,
                        status: ci.status.as_ref(),
                    }
                }
                None if s.is_unreadable(&CLUSTER_ISSUERS) => IssuerLink::Unknown,
                None => IssuerLink::Missing,
            },
            "Issuer" => {
                let ns = cert.metadata.namespace.as_deref().unwrap_or("");
                match self.issuers.get(&(ns, r.name.as_str())) {
                    Some(&i) => {
                        let is = &s.issuers[i];
                        IssuerLink::Found {
                            kind: "Issuer",
                            meta: &is.metadata,
                            config: &is.spec.config,
                            status: is.status.as_ref(),
                        }
                    }
                    None if s.is_unreadable(&ISSUERS) => IssuerLink::Unknown,
                    None => IssuerLink::Missing,
                }
            }
            // cert-manager.io has only these two issuer kinds; anything else cannot resolve.
            _ => IssuerLink::Missing,
        }
    }

    fn secret(&self, cert: &'a Certificate) -> SecretLink<'a> {
        let ns = cert.metadata.namespace.as_deref().unwrap_or("");
        match self.secrets.get(&(ns, cert.spec.secret_name.as_str())) {
            Some(s) => SecretLink::Found(s),
            None if self.snapshot.is_unreadable(&SECRETS)
                || self.snapshot.secret_unreadable(ns, &cert.spec.secret_name) =>
            {
                SecretLink::Unknown
            }
            None => SecretLink::Missing,
        }
    }

    fn origin(&self, cert: &'a Certificate) -> Option<Origin<'a>> {
        let owner = controller_of(&cert.metadata)?;
        let ns = cert.metadata.namespace.as_deref().unwrap_or("");
        let ingress = (owner.kind == "Ingress")
            .then(|| self.ingresses.get(&(ns, owner.name.as_str())).copied())
            .flatten()
            .filter(|i| i.metadata.uid.as_deref() == Some(owner.uid.as_str()));
        Some(Origin {
            kind: owner.kind.clone(),
            name: owner.name.clone(),
            ingress,
        })
    }
}
