//! One request from start to end: faults, authentication, routing like the real server's
//! (`/api/v1/...`, `/apis/{group}/{version}/...`), RBAC, the verb, and the record.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, Method, Uri, header};
use axum::response::Response;
use serde_json::{Value, json};

use super::resources::ResourceDef;
use super::status::ApiError;
use super::store::{Store, lock};
use super::{RecordedRequest, TOKEN, USER, list, watch, write};

/// The single axum handler.
pub async fn handle(
    State(state): State<Arc<Mutex<Store>>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = uri.path().to_owned();
    let query = uri.query().unwrap_or_default().to_owned();
    let target = if query.is_empty() {
        path.clone()
    } else {
        format!("{path}?{query}")
    };
    let fault = lock(&state).take_fault(method.as_str(), &target);
    let params = parse_query(&query);
    // The token, or no credentials at all where anonymous requests are allowed; a wrong
    // token is refused either way, as the real server does.
    let authorized = match headers.get(header::AUTHORIZATION) {
        Some(v) => v.to_str().ok() == Some(&format!("Bearer {TOKEN}")),
        None => lock(&state).anonymous,
    };
    if fault.is_none()
        && method == Method::GET
        && params.get("watch").is_some_and(|w| w == "1" || w == "true")
    {
        return watch::watch(state, &path, &query, &params, authorized);
    }
    if let Some(delay) = fault.as_ref().and_then(|f| f.delay) {
        tokio::time::sleep(delay).await;
    }
    let result = match fault.as_ref().and_then(|f| f.status) {
        Some(code) => Err(ApiError::injected(code)),
        None if !authorized => Err(ApiError::unauthorized()),
        None => {
            let host = headers
                .get(header::HOST)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default();
            serve(
                &mut lock(&state),
                host,
                method.as_str(),
                &path,
                &query,
                &body,
            )
        }
    };
    // `Accept: ...;as=PartialObjectMetadataList`: a LIST answers with metadata only.
    let metadata_only = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("as=PartialObjectMetadataList"));
    let result = if metadata_only && method == Method::GET {
        result.map(partial_object_metadata)
    } else {
        result
    };
    let (status, mut text) = match result {
        Ok(v) => (200, v.to_string()),
        Err(e) => (e.code, e.body().to_string()),
    };
    let trickle = fault.as_ref().and_then(|f| f.trickle);
    let status = if fault.as_ref().is_some_and(|f| f.endless) {
        200
    } else {
        status
    };
    if fault.as_ref().is_some_and(|f| f.endless) {
        let n = lock(&state).requests.len();
        text = serde_json::json!({"apiVersion": "v1", "kind": "List", "items": [],
            "metadata": {"resourceVersion": "1", "continue": format!("page-{n}")}})
        .to_string();
    }
    if let Some(body) = fault.and_then(|f| f.body) {
        text = body;
    }
    lock(&state).requests.push(RecordedRequest {
        method: method.as_str().to_owned(),
        path,
        query,
        status,
        impersonate: headers
            .get("impersonate-user")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
        accept: headers
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
    });
    let body = match trickle {
        Some(every) => Body::from_stream(futures::stream::unfold(
            text.into_bytes().into_iter(),
            move |mut bytes| async move {
                tokio::time::sleep(every).await;
                let b = bytes.next()?;
                Some((Ok::<_, std::io::Error>(vec![b]), bytes))
            },
        )),
        None => Body::from(text),
    };
    Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, "application/json")
        .body(body)
        .expect("valid response")
}

/// What a resource path addresses.
pub struct Target {
    pub def: &'static ResourceDef,
    pub namespace: Option<String>,
    pub name: Option<String>,
    pub status: bool,
}

impl Target {
    pub fn key(&self) -> (String, String) {
        let name = self.name.as_deref().unwrap_or_default();
        self.def.key(self.namespace.as_deref(), name)
    }
}

pub fn route(store: &Store, path: &str) -> Result<Target, ApiError> {
    let segs: Vec<&str> = path.trim_matches('/').split('/').collect();
    let (group, version, rest) = match segs.as_slice() {
        ["api", "v1", rest @ ..] => ("", "v1", rest),
        ["apis", group, ..] if store.uninstalled.contains(*group) => {
            return Err(ApiError::unknown_resource());
        }
        ["apis", group, version, rest @ ..] => (*group, *version, rest),
        _ => return Err(ApiError::unknown_resource()),
    };
    let (namespace, plural, name, status) = match rest {
        [plural] => (None, *plural, None, false),
        [plural, name, "status"] => (None, *plural, Some(*name), true),
        ["namespaces", ns, plural] => (Some(*ns), *plural, None, false),
        [plural, name] => (None, *plural, Some(*name), false),
        ["namespaces", ns, plural, name] => (Some(*ns), *plural, Some(*name), false),
        ["namespaces", ns, plural, name, "status"] => (Some(*ns), *plural, Some(*name), true),
        _ => return Err(ApiError::unknown_resource()),
    };
    let def =
        ResourceDef::by_plural(group, version, plural).ok_or_else(ApiError::unknown_resource)?;
    let scope_ok = if def.namespaced {
        namespace.is_some() || name.is_none()
    } else {
        namespace.is_none()
    };
    if !scope_ok || (status && !def.status) || name == Some("") {
        return Err(ApiError::unknown_resource());
    }
    Ok(Target {
        def,
        namespace: namespace.map(str::to_owned),
        name: name.map(str::to_owned),
        status,
    })
}

/// Answers one authenticated request. certdoctor sends API discovery GETs, LISTs, GETs of
/// one object, PUTs to the status subresource and (dry-run) creates; `kubectl get` sends
/// discovery GETs and LISTs; anything else is 405.
fn serve(
    store: &mut Store,
    host: &str,
    method: &str,
    path: &str,
    query: &str,
    body: &[u8],
) -> Result<Value, ApiError> {
    if method == "GET"
        && let Some(list) = discovery(store, path, host)
    {
        return list;
    }
    let target = route(store, path)?;
    let params = parse_query(query);
    let verb = match (method, &target) {
        ("GET", Target { name: None, .. }) => "list",
        ("GET", Target { status: false, .. }) => "get",
        ("PUT", Target { status: true, .. }) => "update",
        (
            "POST",
            Target {
                name: None,
                status: false,
                ..
            },
        ) => "create",
        _ => return Err(ApiError::method_not_allowed()),
    };
    check_rbac(store, verb, &target)?;
    match verb {
        "list" => list::list(store, &target, &params),
        "get" => current(store, &target).cloned(),
        "create" => {
            let incoming: Value = serde_json::from_slice(body).map_err(|e| {
                ApiError::bad_request(format!("unable to decode request body: {e}"))
            })?;
            let dry_run = params.get("dryRun").is_some_and(|d| d == "All");
            write::create(store, &target, incoming, dry_run)
        }
        _ => {
            let incoming: Value = serde_json::from_slice(body).map_err(|e| {
                ApiError::bad_request(format!("unable to decode request body: {e}"))
            })?;
            let dry_run = params.get("dryRun").is_some_and(|d| d == "All");
            write::put_status(store, &target, incoming, dry_run)
        }
    }
}

/// Legacy API discovery, shaped like the real server's: `/api` (`APIVersions`), `/api/v1`
/// and `/apis/<group>/<version>` (`APIResourceList`), `/apis` (`APIGroupList`) and
/// `/apis/<group>` (`APIGroup`); `None` for any other path. Always plain `application/json`:
/// kubectl asks for aggregated discovery (`as=APIGroupDiscoveryList`) first and falls back
/// to these documents when the answer's content type is not the aggregated one. A group
/// made absent with `uninstall_group` answers 404 and is not listed in `/apis`. `host` is
/// the request's `Host`, the address `/api` names for every client.
fn discovery(store: &Store, path: &str, host: &str) -> Option<Result<Value, ApiError>> {
    let segs: Vec<&str> = path.trim_matches('/').split('/').collect();
    let served = |g: &str| !store.uninstalled.contains(g);
    let group_doc = |group: &str, version: &str| {
        let gv = json!({"groupVersion": format!("{group}/{version}"), "version": version});
        json!({"name": group, "versions": [gv], "preferredVersion": gv})
    };
    Some(Ok(match segs.as_slice() {
        ["api"] => json!({"kind": "APIVersions", "versions": ["v1"],
            "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": host}]}),
        // The core list carries no `apiVersion`; the named groups' lists do.
        ["api", "v1"] => json!({"kind": "APIResourceList", "groupVersion": "v1",
            "resources": api_resources("", "v1")}),
        ["apis"] => {
            let groups: Vec<Value> = ResourceDef::groups()
                .into_iter()
                .filter(|(g, _)| served(g))
                .map(|(g, v)| group_doc(g, v))
                .collect();
            json!({"kind": "APIGroupList", "apiVersion": "v1", "groups": groups})
        }
        ["apis", group] => match ResourceDef::groups().into_iter().find(|(g, _)| g == group) {
            Some((g, v)) if served(g) => {
                let mut doc = group_doc(g, v);
                doc["kind"] = json!("APIGroup");
                doc["apiVersion"] = json!("v1");
                doc
            }
            _ => return Some(Err(ApiError::unknown_resource())),
        },
        ["apis", group, version] => {
            let resources = api_resources(group, version);
            if !served(group) || resources.is_empty() {
                return Some(Err(ApiError::unknown_resource()));
            }
            json!({"kind": "APIResourceList", "apiVersion": "v1",
                   "groupVersion": format!("{group}/{version}"), "resources": resources})
        }
        _ => return None,
    }))
}

/// The `resources` of an `APIResourceList`: each kind, then its `status` subresource when
/// it has one, with the verbs this server answers (no patch, no delete).
fn api_resources(group: &str, version: &str) -> Vec<Value> {
    let mut out = vec![];
    for d in ResourceDef::in_group_version(group, version) {
        out.push(
            json!({"name": d.plural, "singularName": d.kind.to_lowercase(),
                        "namespaced": d.namespaced, "kind": d.kind,
                        "verbs": ["create", "get", "list", "watch"]}),
        );
        if d.status {
            out.push(
                json!({"name": format!("{}/status", d.plural), "singularName": "",
                            "namespaced": d.namespaced, "kind": d.kind, "verbs": ["update"]}),
            );
        }
    }
    out
}

/// Answers 403 for verbs and resources denied with [`super::FakeApiServer::forbid`].
pub fn check_rbac(store: &Store, verb: &str, t: &Target) -> Result<(), ApiError> {
    let resource = if t.status {
        format!("{}/status", t.def.plural)
    } else {
        t.def.plural.to_owned()
    };
    if !store
        .forbidden
        .contains(&(verb.to_owned(), resource.clone()))
    {
        return Ok(());
    }
    let scope = match &t.namespace {
        Some(ns) => format!("in the namespace {ns:?}"),
        None => "at the cluster scope".to_owned(),
    };
    let subject = match &t.name {
        Some(name) => format!("{} {name:?}", t.def.qualified()),
        None => t.def.qualified(),
    };
    let message = format!(
        "{subject} is forbidden: User {USER:?} cannot {verb} resource {resource:?} in API group {:?} {scope}",
        t.def.group
    );
    Err(ApiError::new(403, "Forbidden", message).about(t.def, t.name.as_deref()))
}

/// The stored object a path names, or a real 404.
pub fn current<'s>(store: &'s Store, t: &Target) -> Result<&'s Value, ApiError> {
    store
        .get(t.def, &t.key())
        .ok_or_else(|| ApiError::not_found(t.def, t.name.as_deref().unwrap_or_default()))
}

/// Decodes an `application/x-www-form-urlencoded` query (kube starts it with `&`).
pub fn parse_query(query: &str) -> HashMap<String, String> {
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(k), percent_decode(v))
        })
        .collect()
}

fn percent_decode(s: &str) -> String {
    let hex = |b: u8| (b as char).to_digit(16);
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match (
            bytes[i],
            bytes.get(i + 1).copied().and_then(hex),
            bytes.get(i + 2).copied().and_then(hex),
        ) {
            (b'%', Some(hi), Some(lo)) => {
                out.push((hi * 16 + lo) as u8);
                i += 2;
            }
            (b'+', ..) => out.push(b' '),
            (b, ..) => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A LIST answer as the API server sends it for `as=PartialObjectMetadataList`: each item
/// keeps only its metadata, never its data.
fn partial_object_metadata(mut list: Value) -> Value {
    if let Some(items) = list.get_mut("items").and_then(Value::as_array_mut) {
        for item in items.iter_mut() {
            *item = serde_json::json!({
                "apiVersion": "meta.k8s.io/v1",
                "kind": "PartialObjectMetadata",
                "metadata": item["metadata"].clone(),
            });
        }
        list["apiVersion"] = serde_json::json!("meta.k8s.io/v1");
        list["kind"] = serde_json::json!("PartialObjectMetadataList");
    }
    list
}
