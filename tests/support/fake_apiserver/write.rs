//! POST of a new object (`generateName`, `dryRun=All` storing nothing), and PUT to the
//! status subresource: the resourceVersion check (409 on a stale one), only
//! `.status` taken from the body, `dryRun=All` storing nothing, and another client's write
//! landing first when the test asked for one.

use serde_json::{Value, json};

use super::router::{Target, current};
use super::status::ApiError;
use super::store::Store;

/// Stores the `.status` of `incoming` (unless `dry_run`) and returns the new object.
pub fn put_status(
    store: &mut Store,
    t: &Target,
    incoming: Value,
    dry_run: bool,
) -> Result<Value, ApiError> {
    let key = t.key();
    store.run_interleaved(t.def, &key);
    let stored = current(store, t)?;
    let sent_rv = incoming["metadata"]["resourceVersion"]
        .as_str()
        .unwrap_or_default();
    if !sent_rv.is_empty() && sent_rv != stored["metadata"]["resourceVersion"] {
        return Err(ApiError::conflict(t.def, &key.1));
    }
    let mut new = stored.clone();
    match incoming.get("status") {
        Some(status) => new["status"] = status.clone(),
        None => drop(new.as_object_mut().map(|m| m.remove("status"))),
    }
    if dry_run {
        return Ok(new);
    }
    store.rv += 1;
    new["metadata"]["resourceVersion"] = json!(store.rv.to_string());
    store
        .objects
        .entry(t.def.plural)
        .or_default()
        .insert(key, new.clone());
    Ok(new)
}

/// Creates `incoming` (naming it from `generateName` when it has no name) unless
/// `dry_run`, and returns it as stored.
pub fn create(
    store: &mut Store,
    t: &Target,
    mut incoming: Value,
    dry_run: bool,
) -> Result<Value, ApiError> {
    if incoming["metadata"]["name"]
        .as_str()
        .is_none_or(str::is_empty)
    {
        let prefix = incoming["metadata"]["generateName"]
            .as_str()
            .ok_or_else(|| ApiError::bad_request("name or generateName is required"))?
            .to_owned();
        incoming["metadata"]["name"] = json!(format!("{prefix}x7k2p"));
    }
    if t.def.namespaced {
        incoming["metadata"]["namespace"] = json!(t.namespace.clone().unwrap_or_default());
    }
    incoming["apiVersion"] = json!(t.def.api_version());
    incoming["kind"] = json!(t.def.kind);
    let name = incoming["metadata"]["name"].as_str().unwrap_or_default();
    let key = t.def.key(t.namespace.as_deref(), name);
    if store.get(t.def, &key).is_some() {
        let message = format!("{} {name:?} already exists", t.def.qualified());
        return Err(ApiError::new(409, "AlreadyExists", message).about(t.def, Some(name)));
    }
    if dry_run {
        return Ok(incoming);
    }
    store.insert(incoming.clone());
    Ok(store.get(t.def, &key).cloned().unwrap_or(incoming))
}
