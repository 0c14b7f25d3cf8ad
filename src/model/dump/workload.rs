//! What a dump keeps of a Pod and of a Deployment's Pod template: enough for every check that
//! reads them (images and readiness for cert-manager's own health, volumes, mounts and Secret
//! references for `diagnose --consumers`, the controller's `--namespace`), and nothing that
//! may hold a credential. `args` (but that one flag, rebuilt), `command`, every literal `env`
//! value, every other reference (ConfigMaps, fields) and every volume source but a Secret's
//! name are dropped; a Secret read into env vars is kept by name and key only. Kept parts are
//! rebuilt from the fields named here, never filtered, so a field the API adds later cannot
//! slip through.

use serde_json::{Map, Value, json};

/// The string at `pointer` in `v`, if any.
fn text<'a>(v: &'a Value, pointer: &str) -> Option<&'a str> {
    v.pointer(pointer).and_then(Value::as_str)
}

/// `env` entries that read a Secret key (`valueFrom.secretKeyRef`), rebuilt from the
/// variable's name and the Secret's name and key only: an entry is built, never filtered, so
/// no `value` (nor anything a later API version adds) can survive. The variable's name stays
/// because the consumer check names it as evidence.
fn secret_env(env: &Value) -> Vec<Value> {
    env.as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| {
            let var = text(e, "/name")?;
            let secret = text(e, "/valueFrom/secretKeyRef/name")?;
            let key = text(e, "/valueFrom/secretKeyRef/key")?;
            Some(json!({"name": var, "valueFrom": {"secretKeyRef": {"name": secret, "key": key}}}))
        })
        .collect()
}

/// `envFrom` entries that read a whole Secret, as the Secret's name only.
fn secret_env_from(env_from: &Value) -> Vec<Value> {
    env_from
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| Some(json!({"secretRef": {"name": text(e, "/secretRef/name")?}})))
        .collect()
}

/// Volume mounts as the consumer check reads them: which volume, where, and with which
/// `subPath` (a subPath mount never updates).
fn mounts(mounts: &Value) -> Vec<Value> {
    mounts
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|m| {
            let mut kept = Map::new();
            for k in ["name", "mountPath", "subPath", "subPathExpr"] {
                if let Some(s) = text(m, &format!("/{k}")) {
                    kept.insert(k.to_string(), Value::String(s.to_string()));
                }
            }
            (kept.contains_key("name") && kept.contains_key("mountPath"))
                .then_some(Value::Object(kept))
        })
        .collect()
}

/// Volumes reduced to their name and, for a Secret volume (direct or projected), the
/// Secret's name: all the consumer check reads. Other sources (a CSI driver's attributes, a
/// flexVolume's options) are free-form and may hold anything.
fn volumes(volumes: &Value) -> Vec<Value> {
    volumes
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|v| {
            let mut kept = Map::new();
            kept.insert("name".into(), Value::String(text(v, "/name")?.to_string()));
            if let Some(secret) = text(v, "/secret/secretName") {
                kept.insert("secret".into(), json!({"secretName": secret}));
            }
            let projected: Vec<Value> = v
                .pointer("/projected/sources")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|src| Some(json!({"secret": {"name": text(src, "/secret/name")?}})))
                .collect();
            if !projected.is_empty() {
                kept.insert("projected".into(), json!({"sources": projected}));
            }
            Some(Value::Object(kept))
        })
        .collect()
}

/// The flags that change what cert-manager's controller does (see
/// `model::controller_flags`), rebuilt as `--flag=value`: a Deployment's other arguments
/// (a proxy URL, a DNS provider's option) are dropped.
fn controller_flags(args: Option<&Value>) -> Vec<Value> {
    let args: Vec<String> = args
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|a| a.as_str().map(str::to_string))
        .collect();
    crate::model::controller_flags::namespace_flag(&args)
        .map(|ns| vec![Value::String(format!("--namespace={ns}"))])
        .unwrap_or_default()
}

/// One container reduced to its name, image, volume mounts and Secret references, and for
/// a Deployment's template (`flags`) the controller flags that decide its scope.
fn container(c: &mut Map<String, Value>, flags: bool) {
    let args = if flags {
        controller_flags(c.get("args"))
    } else {
        vec![]
    };
    let env = c.get("env").map(secret_env).unwrap_or_default();
    let env_from = c.get("envFrom").map(secret_env_from).unwrap_or_default();
    let volume_mounts = c.get("volumeMounts").map(mounts).unwrap_or_default();
    c.retain(|k, _| k == "name" || k == "image");
    for (k, list) in [
        ("args", args),
        ("env", env),
        ("envFrom", env_from),
        ("volumeMounts", volume_mounts),
    ] {
        if !list.is_empty() {
            c.insert(k.to_string(), Value::Array(list));
        }
    }
}

/// A Pod spec reduced to its containers (see [`container`]), `volumes` (see [`volumes`]) and
/// `nodeName`.
fn pod_spec(spec: &mut Map<String, Value>, flags: bool) {
    if let Some(v) = spec.get("volumes") {
        let kept = volumes(v);
        spec.insert("volumes".into(), Value::Array(kept));
    }
    for key in ["containers", "initContainers"] {
        if let Some(Value::Array(cs)) = spec.get_mut(key) {
            for c in cs.iter_mut() {
                if let Value::Object(c) = c {
                    container(c, flags);
                }
            }
        }
    }
    spec.retain(|k, _| {
        matches!(
            k.as_str(),
            "containers" | "initContainers" | "volumes" | "nodeName"
        )
    });
}

/// Pods keep their metadata and status and the reduced spec; Deployments only their
/// replicas, selector and the same of their Pod template.
pub(super) fn scrub(v: &mut Value, is_deployment: bool) {
    let Some(obj) = v.as_object_mut() else { return };
    if is_deployment {
        if let Some(Value::Object(spec)) = obj.get_mut("spec") {
            spec.retain(|k, _| matches!(k.as_str(), "replicas" | "selector" | "template"));
            if let Some(Value::Object(t)) = spec.get_mut("template") {
                t.retain(|k, _| k == "metadata" || k == "spec");
                if let Some(Value::Object(ps)) = t.get_mut("spec") {
                    pod_spec(ps, true);
                }
            }
        }
    } else if let Some(Value::Object(spec)) = obj.get_mut("spec") {
        pod_spec(spec, false);
    }
}
