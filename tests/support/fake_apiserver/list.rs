//! LIST: namespace scope, label and field selectors, and paging with `limit` and continue
//! tokens (`remainingItemCount` only without selectors, as the real server does).

use std::collections::{BTreeMap, HashMap};

use serde_json::{Value, json};

use super::router::Target;
use super::selectors::{parse_field_selector, parse_label_selector};
use super::status::ApiError;
use super::store::{ContinueToken, Store};

pub fn list(
    store: &mut Store,
    t: &Target,
    params: &HashMap<String, String>,
) -> Result<Value, ApiError> {
    let labels = parse_label_selector(params.get("labelSelector").map_or("", String::as_str))?;
    let fields = parse_field_selector(params.get("fieldSelector").map_or("", String::as_str))?;
    let limit = match params.get("limit").filter(|l| !l.is_empty()) {
        Some(l) => l
            .parse::<usize>()
            .map_err(|_| ApiError::bad_request(format!("invalid limit {l:?}")))?,
        None => 0,
    };
    let after = match params.get("continue").filter(|c| !c.is_empty()) {
        Some(token) => match store.continues.get(token) {
            Some(c) if c.plural == t.def.plural => Some(c.after.clone()),
            _ => return Err(ApiError::expired()),
        },
        None => None,
    };
    let empty = BTreeMap::new();
    let matching: Vec<(&(String, String), &Value)> = store
        .objects
        .get(t.def.plural)
        .unwrap_or(&empty)
        .iter()
        .filter(|(key, _)| after.as_ref().is_none_or(|a| *key > a))
        .filter(|(key, _)| t.namespace.as_ref().is_none_or(|ns| &key.0 == ns))
        .filter(|(_, obj)| labels.iter().all(|r| r.matches(&obj["metadata"]["labels"])))
        .filter(|(_, obj)| fields.iter().all(|f| f.matches(obj)))
        .collect();
    let take = if limit == 0 {
        matching.len()
    } else {
        limit.min(matching.len())
    };
    let items: Vec<Value> = matching[..take]
        .iter()
        .map(|(_, obj)| (*obj).clone())
        .collect();
    let mut metadata = json!({"resourceVersion": store.rv.to_string()});
    if take < matching.len() {
        let token = format!("fake-continue-{}-{}", store.rv, store.continues.len() + 1);
        let after = matching[take - 1].0.clone();
        store.continues.insert(
            token.clone(),
            ContinueToken {
                plural: t.def.plural,
                after,
            },
        );
        metadata["continue"] = json!(token);
        if labels.is_empty() && fields.is_empty() {
            metadata["remainingItemCount"] = json!(matching.len() - take);
        }
    }
    Ok(json!({
        "apiVersion": t.def.api_version(),
        "kind": format!("{}List", t.def.kind),
        "metadata": metadata,
        "items": items,
    }))
}
