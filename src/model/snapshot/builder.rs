//! [`SnapshotBuilder`]: types objects as they arrive, page by page or dump item by item,
//! and keeps only the typed form.

use super::*;

/// Types objects as they arrive (see [`ObjectSink`]) and keeps only the typed form: the raw
/// JSON of each object is dropped as soon as it is typed, so memory holds one copy of the
/// snapshot, not two. A TLS Secret keeps only what reports read ([`TlsSecret`]: its
/// certificates, its private key for the pair check, the name and size of each data key),
/// never the other values of its data map (keystores, other formats).
#[derive(Debug)]
pub struct SnapshotBuilder {
    snapshot: Snapshot,
    scope: Scope,
    events: bool,
    /// Pods (namespace, name) already typed as consumers, and as control-plane or solver
    /// Pods: with `--consumers` the same Pod can arrive from two LISTs.
    consumer_seen: std::collections::BTreeSet<(String, String)>,
    labelled_seen: std::collections::BTreeSet<(String, String)>,
}

impl SnapshotBuilder {
    /// A builder that keeps objects in `scope`; `events: false` drops every Event (the
    /// commands that show none, like the `status` table, do not hold them).
    pub fn new(scope: &Scope, events: bool) -> Self {
        SnapshotBuilder {
            snapshot: Snapshot::default(),
            scope: scope.clone(),
            events,
            consumer_seen: std::collections::BTreeSet::new(),
            labelled_seen: std::collections::BTreeSet::new(),
        }
    }

    /// Also keeps every Pod in the namespace scope as a possible consumer of a
    /// Certificate's Secret (`diagnose --consumers`, with [`CONSUMER_PODS`] listed).
    pub fn with_consumers(mut self) -> Self {
        self.snapshot.consumer_pods = Some(Vec::new());
        self
    }

    /// With `--consumers`: keeps a Pod as a consumer once. Returns false when the Pod was
    /// already typed for its label-selected kind (it arrived from a second LIST).
    fn consumer_pod(&mut self, v: &Value) -> bool {
        let ns = namespace_of(v).unwrap_or_default().to_string();
        let name = v
            .pointer("/metadata/name")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        if name.is_empty() || ns.is_empty() {
            return true;
        }
        let in_ns = self.scope.namespace.as_ref().is_none_or(|n| *n == ns);
        if in_ns && self.consumer_seen.insert((ns.clone(), name.clone())) {
            let mut pod = v.clone();
            slim(&mut pod);
            if let Some(pods) = self.snapshot.consumer_pods.as_mut() {
                push_typed(pod, "Pod", pods, &mut self.snapshot.notes);
            }
        }
        self.labelled_seen.insert((ns, name))
    }

    /// Types every object of a raw snapshot read before, and finishes (see
    /// [`Snapshot::from_raw`]).
    pub fn feed(mut self, raw: RawSnapshot) -> Snapshot {
        for u in raw.unreadable {
            self.unreadable(u);
        }
        for v in raw.objects {
            self.object(v);
        }
        self.finish()
    }

    /// The typed snapshot. Optional kinds that could not be read become skipped checks
    /// (one note each), the others stay unreadable.
    pub fn finish(self) -> Snapshot {
        let mut s = self.snapshot;
        let (skipped, unreadable): (Vec<_>, Vec<_>) = std::mem::take(&mut s.unreadable)
            .into_iter()
            .partition(|u| KINDS.iter().any(|k| k.optional && k.is(u)));
        s.unreadable = unreadable;
        let mut notes = skipped_notes(&skipped);
        notes.append(&mut s.notes);
        s.notes = notes;
        s.skipped = skipped;
        s
    }
}

impl ObjectSink for SnapshotBuilder {
    fn unreadable(&mut self, u: Unreadable) {
        self.snapshot.unreadable.push(u);
    }

    fn object(&mut self, mut v: Value) {
        let pod = v.get("kind").and_then(Value::as_str) == Some("Pod")
            && v.get("apiVersion").and_then(Value::as_str) == Some("v1");
        let info = kind_of(&v);
        if pod && self.snapshot.consumer_pods.is_some() {
            let first = self.consumer_pod(&v);
            if !first || info.is_none() {
                return;
            }
        }
        let s = &mut self.snapshot;
        let Some(info) = info else { return };
        if *info == EVENTS {
            let about = v.pointer("/involvedObject/kind").and_then(Value::as_str);
            // Events about kinds certdoctor does not read (Nodes, ReplicaSets) are dropped.
            if !self.events || about.is_some_and(|k| !KINDS.iter().any(|i| i.kind == k)) {
                return;
            }
        }
        if !in_scope(&v, info, &self.scope) {
            return;
        }
        if let Some(why) = malformed(&v, info) {
            s.notes.push(Note {
                subject: object_label(&v, info.kind),
                message: why.to_string(),
            });
            return;
        }
        if *info == SECRETS
            && let Some((key, err)) = undecodable_key(&v)
        {
            let ns = namespace_of(&v).unwrap_or_default().to_string();
            let name = v["metadata"]["name"]
                .as_str()
                .unwrap_or_default()
                .to_string();
            s.notes.push(Note {
                subject: object_label(&v, info.kind),
                message: format!("unreadable: data key {key:?} is not valid base64 ({err})"),
            });
            s.unreadable_secrets.insert((ns, name));
            return;
        }
        if *info == OTHER_SECRETS {
            let ns = namespace_of(&v).unwrap_or_default().to_string();
            let name = v["metadata"]["name"]
                .as_str()
                .unwrap_or_default()
                .to_string();
            s.other_secrets.insert((ns, name));
            return;
        }
        slim(&mut v);
        let n = &mut s.notes;
        match info.kind {
            "Certificate" => push_typed(v, info.kind, &mut s.certificates, n),
            "CertificateRequest" => push_typed(v, info.kind, &mut s.requests, n),
            "Order" => push_typed(v, info.kind, &mut s.orders, n),
            "Challenge" => push_typed(v, info.kind, &mut s.challenges, n),
            "Issuer" => push_typed(v, info.kind, &mut s.issuers, n),
            "ClusterIssuer" => push_typed(v, info.kind, &mut s.cluster_issuers, n),
            "Secret" => {
                let subject = object_label(&v, info.kind);
                match TlsSecret::from_json(v) {
                    Ok(secret) => s.secrets.push(secret),
                    Err(e) => n.push(shape_note(subject, e)),
                }
            }
            "Ingress" => push_typed(v, info.kind, &mut s.ingresses, n),
            "Event" => push_typed(v, info.kind, &mut s.events, n),
            "Deployment" => push_typed(v, info.kind, &mut s.deployments, n),
            "Pod" if *info == SOLVER_PODS => push_typed(v, info.kind, &mut s.solver_pods, n),
            "Pod" => push_typed(v, info.kind, &mut s.control_plane_pods, n),
            "Lease" => push_typed(v, info.kind, &mut s.leases, n),
            "ValidatingWebhookConfiguration" => {
                push_typed(v, info.kind, &mut s.validating_webhooks, n);
            }
            "MutatingWebhookConfiguration" => {
                push_typed(v, info.kind, &mut s.mutating_webhooks, n);
            }
            "Service" => push_typed(v, info.kind, &mut s.solver_services, n),
            "IngressClass" => push_typed(v, info.kind, &mut s.ingress_classes, n),
            "Gateway" => push_typed(v, info.kind, &mut s.gateways, n),
            "HTTPRoute" => push_typed(v, info.kind, &mut s.http_routes, n),
            _ => {}
        }
    }
}
