//! The dump format: what `certdoctor dump` writes and `--from-file` reads back. Objects in
//! scope as one `kind: List`, Events only about objects in the dump, and Secrets scrubbed of
//! everything that must not leave the cluster: data other than `tls.crt` and `ca.crt` (so no
//! private key, no keystore password), `stringData`, the last-applied-configuration annotation
//! (which can embed the whole Secret), and managedFields. The removed data keys are named in
//! an annotation, so offline `inspect` and `diagnose` do not report them missing. Pods keep
//! what the checks read and no credential ([`workload`]); with `--consumers`, every Pod in
//! scope is kept, for `diagnose --consumers` offline.
//!
//! The kept keys are cleaned too: a combined PEM (certificate and private key in one
//! `tls.crt`, as some tools write it) keeps only its `CERTIFICATE` blocks. Every other block
//! and any text around the blocks is removed, and the same annotation says what went
//! (`tls.crt: RSA PRIVATE KEY block`).

use std::collections::HashSet;

use serde_json::{Value, json};

use std::io::Write;

use super::snapshot::{
    CONSUMER_PODS, DEPLOYMENTS, EVENTS, KindInfo, ObjectSink, RawSnapshot, SECRETS, Scope,
    Unreadable, in_scope, kind_of, metadata_only,
};

mod workload;

/// Secret data keys a dump keeps: certificates are public; everything else may be a key.
pub const KEPT_SECRET_KEYS: [&str; 2] = ["tls.crt", "ca.crt"];

/// Annotation a dump adds to a Secret listing the data keys it removed, so offline
/// `inspect` and `diagnose` know `tls.key` was there and do not report it missing.
pub const REMOVED_KEYS_ANNOTATION: &str = "certdoctor.io/removed-keys";

const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

/// The data keys a dump removed from a Secret, from its annotations.
pub fn removed_keys<'a>(
    annotations: impl IntoIterator<Item = (&'a String, &'a String)>,
) -> Vec<String> {
    annotations
        .into_iter()
        .find(|(k, _)| k.as_str() == REMOVED_KEYS_ANNOTATION)
        .map(|(_, v)| {
            v.split(',')
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// The certificate-only version of a kept Secret value (base64 text), and what was taken
/// out of it in words; `None` when nothing needs removing.
fn certificates_only(key: &str, value: &str) -> Option<(String, Vec<String>)> {
    use base64::Engine as _;
    let engine = base64::engine::general_purpose::STANDARD;
    let bytes = engine.decode(value.trim()).ok()?;
    let text = String::from_utf8_lossy(&bytes);
    if !text.contains("-----BEGIN ") {
        // Not PEM (DER, or not a certificate at all): left as it is, for `inspect` to judge.
        return None;
    }
    let mut kept = String::new();
    let mut removed = Vec::new();
    let mut outside = false;
    let mut block: Option<(String, String)> = None;
    for line in text.lines() {
        let t = line.trim();
        match &mut block {
            None => {
                if let Some(label) = t
                    .strip_prefix("-----BEGIN ")
                    .and_then(|r| r.strip_suffix("-----"))
                {
                    block = Some((label.to_string(), format!("{t}\n")));
                } else if !t.is_empty() {
                    outside = true;
                }
            }
            Some((label, body)) => {
                body.push_str(t);
                body.push('\n');
                if t.starts_with("-----END ") {
                    if label == "CERTIFICATE" {
                        kept.push_str(body);
                    } else {
                        removed.push(format!("{key}: {} block", crate::sanitize::clean(label)));
                    }
                    block = None;
                }
            }
        }
    }
    if let Some((label, _)) = block {
        removed.push(format!(
            "{key}: unterminated {} block",
            crate::sanitize::clean(&label)
        ));
    }
    if outside {
        removed.push(format!("{key}: text outside PEM blocks"));
    }
    (!removed.is_empty()).then(|| (engine.encode(kept), removed))
}

fn scrub(v: &mut Value, is_secret: bool) {
    if let Some(meta) = v.get_mut("metadata").and_then(Value::as_object_mut) {
        meta.remove("managedFields");
        if let Some(ann) = meta.get_mut("annotations").and_then(Value::as_object_mut) {
            ann.remove(LAST_APPLIED);
        }
    }
    if is_secret && let Some(obj) = v.as_object_mut() {
        obj.remove("stringData");
        let mut removed: Vec<String> = Vec::new();
        if let Some(data) = obj.get_mut("data").and_then(Value::as_object_mut) {
            removed = data
                .keys()
                .filter(|k| !KEPT_SECRET_KEYS.contains(&k.as_str()))
                .cloned()
                .collect();
            data.retain(|k, _| KEPT_SECRET_KEYS.contains(&k.as_str()));
            for (k, val) in data.iter_mut() {
                if let Some((clean, what)) = val.as_str().and_then(|s| certificates_only(k, s)) {
                    *val = Value::String(clean);
                    removed.extend(what);
                }
            }
        }
        if !removed.is_empty()
            && let Some(meta) = obj.get_mut("metadata").and_then(Value::as_object_mut)
        {
            let ann = meta.entry("annotations").or_insert_with(|| json!({}));
            if let Some(ann) = ann.as_object_mut() {
                ann.insert(
                    REMOVED_KEYS_ANNOTATION.into(),
                    Value::String(removed.join(",")),
                );
            }
        }
    }
}

/// Writes the dump as objects arrive (an [`ObjectSink`]): objects in scope, scrubbed, one
/// at a time, so memory never holds the cluster. Events about objects already written go
/// out at once; others wait (as compact JSON) until [`DumpWriter::finish`], which writes
/// those about objects in the dump and drops the rest. The live loader lists Events last,
/// so in practice nothing waits.
pub struct DumpWriter<W: Write> {
    out: W,
    format: DumpFormat,
    keep: Keep,
    uids: HashSet<String>,
    waiting: Vec<(String, String)>,
    written: usize,
    error: Option<std::io::Error>,
    unreadable: Vec<Unreadable>,
}

/// The text a dump is written as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DumpFormat {
    /// A YAML `kind: List`.
    Yaml,
    /// A JSON `kind: List`, pretty-printed.
    Json,
}

impl<W: Write> DumpWriter<W> {
    /// A writer of the objects in `scope` to `out`.
    pub fn new(out: W, format: DumpFormat, scope: &Scope) -> Self {
        DumpWriter {
            out,
            format,
            keep: Keep::new(scope, false),
            uids: HashSet::new(),
            waiting: Vec::new(),
            written: 0,
            error: None,
            unreadable: Vec::new(),
        }
    }

    /// Also writes every Pod in scope, not only cert-manager's and the solver's
    /// (`dump --consumers`, with [`CONSUMER_PODS`] listed).
    pub fn with_consumers(mut self) -> Self {
        self.keep.consumers = true;
        self
    }

    fn write_item(&mut self, v: &Value) {
        if self.error.is_some() {
            return;
        }
        let res = self.try_write_item(v);
        if let Err(e) = res {
            self.error = Some(e);
        }
    }

    fn try_write_item(&mut self, v: &Value) -> std::io::Result<()> {
        let first = self.written == 0;
        self.written += 1;
        match self.format {
            DumpFormat::Yaml => {
                if first {
                    self.out
                        .write_all(b"apiVersion: v1\nkind: List\nmetadata: {}\nitems:\n")?;
                }
                let text = serde_saphyr::to_string(v).map_err(std::io::Error::other)?;
                indent_item(&mut self.out, &text, "- ", "  ")
            }
            DumpFormat::Json => {
                if first {
                    self.out.write_all(
                        b"{\n  \"apiVersion\": \"v1\",\n  \"kind\": \"List\",\n  \"metadata\": {},\n  \"items\": [\n",
                    )?;
                } else {
                    self.out.write_all(b",\n")?;
                }
                let text = serde_json::to_string_pretty(v).map_err(std::io::Error::other)?;
                indent_item(&mut self.out, text.trim_end(), "    ", "    ")
            }
        }
    }

    /// Kinds the API refused to list (the dump has none of them).
    pub fn unreadable_kinds(&self) -> &[Unreadable] {
        &self.unreadable
    }

    /// Writes the Events still waiting (those about objects in the dump) and the end of the
    /// List; returns the writer, or the first write error.
    pub fn finish(mut self) -> std::io::Result<W> {
        for (uid, text) in std::mem::take(&mut self.waiting) {
            if self.uids.contains(&uid)
                && let Ok(v) = serde_json::from_str::<Value>(&text)
            {
                self.write_item(&v);
            }
        }
        if let Some(e) = self.error {
            return Err(e);
        }
        match (self.format, self.written) {
            (DumpFormat::Yaml, 0) => self
                .out
                .write_all(b"apiVersion: v1\nkind: List\nmetadata: {}\nitems: []\n")?,
            (DumpFormat::Yaml, _) => {}
            (DumpFormat::Json, 0) => self.out.write_all(
                b"{\n  \"apiVersion\": \"v1\",\n  \"kind\": \"List\",\n  \"metadata\": {},\n  \"items\": []\n}\n",
            )?,
            (DumpFormat::Json, _) => self.out.write_all(b"\n  ]\n}\n")?,
        }
        self.out.flush()?;
        Ok(self.out)
    }
}

/// Writes `text` with `first` before its first line and `rest` before every other one.
fn indent_item(out: &mut impl Write, text: &str, first: &str, rest: &str) -> std::io::Result<()> {
    for (i, line) in text.lines().enumerate() {
        let prefix = if i == 0 { first } else { rest };
        if line.is_empty() {
            writeln!(out)?;
        } else {
            writeln!(out, "{prefix}{line}")?;
        }
    }
    Ok(())
}

/// The kind of an object the dump keeps: the snapshot's kinds and `audit`'s extra ones
/// (Prometheus Operator rules and monitors, PodDisruptionBudgets, trust-manager Bundles),
/// so every read-only command answers the same from the dump.
fn dumped_kind(v: &Value) -> Option<&'static KindInfo> {
    kind_of(v).or_else(|| {
        let kind = v.get("kind")?.as_str()?;
        let api_version = v.get("apiVersion")?.as_str()?;
        let group = api_version.rsplit_once('/').map_or("", |(g, _)| g);
        super::audit::AUDIT_KINDS
            .iter()
            .find(|k| k.kind == kind && k.group == group)
    })
}

/// Which objects a dump keeps.
struct Keep {
    scope: Scope,
    /// `--consumers`: every core Pod in scope too, not only the label-selected ones.
    consumers: bool,
    /// Pods (namespace, name) kept so far, with `consumers`: a cert-manager or solver Pod
    /// also arrives from the LIST of every Pod, and is written once.
    pods: HashSet<(String, String)>,
}

impl Keep {
    fn new(scope: &Scope, consumers: bool) -> Self {
        Keep {
            scope: scope.clone(),
            consumers,
            pods: HashSet::new(),
        }
    }

    /// An object as the dump keeps it, with its kind: `None` for a kind the dump does not
    /// keep, an object out of scope or a Pod already kept; metadata only where the kind is
    /// read that way; scrubbed.
    fn prepare(&mut self, mut v: Value) -> Option<(Value, &'static KindInfo)> {
        let core_pod = v.get("kind").and_then(Value::as_str) == Some("Pod")
            && v.get("apiVersion").and_then(Value::as_str) == Some("v1");
        let info =
            dumped_kind(&v).or_else(|| (self.consumers && core_pod).then_some(&CONSUMER_PODS))?;
        if !in_scope(&v, info, &self.scope) {
            return None;
        }
        if self.consumers && core_pod {
            let meta = |k: &str| v.pointer(&format!("/metadata/{k}")).and_then(Value::as_str);
            let key = (
                meta("namespace").unwrap_or_default().to_string(),
                meta("name").unwrap_or_default().to_string(),
            );
            if !self.pods.insert(key) {
                return None;
            }
        }
        if info.metadata_only {
            v = metadata_only(&v, info);
        }
        scrub(&mut v, *info == SECRETS);
        if info.kind == "Pod" || *info == DEPLOYMENTS {
            workload::scrub(&mut v, *info == DEPLOYMENTS);
        }
        Some((v, info))
    }
}

fn involved_uid(v: &Value) -> Option<&str> {
    v.get("involvedObject")?.get("uid")?.as_str()
}

impl<W: Write> ObjectSink for DumpWriter<W> {
    fn object(&mut self, v: Value) {
        let Some((v, info)) = self.keep.prepare(v) else {
            return;
        };
        if *info == EVENTS {
            let Some(uid) = involved_uid(&v) else { return };
            if self.uids.contains(uid) {
                self.write_item(&v);
            } else {
                let uid = uid.to_string();
                self.waiting.push((uid, v.to_string()));
            }
            return;
        }
        if let Some(uid) = v.pointer("/metadata/uid").and_then(Value::as_str) {
            self.uids.insert(uid.to_string());
        }
        self.write_item(&v);
    }

    fn unreadable(&mut self, u: Unreadable) {
        self.unreadable.push(u);
    }
}

/// Builds the dump document from a raw snapshot (pure): objects in scope, Events only about
/// objects in the dump, Secrets scrubbed. `consumers`: every Pod in scope too, as
/// [`DumpWriter::with_consumers`].
pub fn build(raw: RawSnapshot, scope: &Scope, consumers: bool) -> Value {
    let mut keep = Keep::new(scope, consumers);
    let mut kept: Vec<Value> = Vec::new();
    let mut events: Vec<Value> = Vec::new();
    for v in raw.objects {
        let Some((v, info)) = keep.prepare(v) else {
            continue;
        };
        if *info == EVENTS {
            events.push(v);
        } else {
            kept.push(v);
        }
    }
    let uids: HashSet<&str> = kept
        .iter()
        .filter_map(|v| v.get("metadata")?.get("uid")?.as_str())
        .collect();
    let events: Vec<Value> = events
        .into_iter()
        .filter(|e| {
            e.get("involvedObject")
                .and_then(|o| o.get("uid"))
                .and_then(Value::as_str)
                .is_some_and(|u| uids.contains(u))
        })
        .collect();
    kept.extend(events);
    json!({"apiVersion": "v1", "kind": "List", "metadata": {}, "items": kept})
}

#[cfg(test)]
mod tests;
