//! WATCH: `?watch=1&resourceVersion=N` streams every change after N to that resource (in
//! the namespace of the path, if any) as JSON lines of `{"type", "object"}`, until
//! `timeoutSeconds` (at most 60) pass. A watch the test expired with
//! [`super::FakeApiServer::expire_watches`] answers 410 Gone, as a compacted
//! resourceVersion does on a real server.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::header;
use axum::response::Response;
use serde_json::json;

use super::RecordedRequest;
use super::router::{check_rbac, route};
use super::status::ApiError;
use super::store::{Store, lock};

fn answer(status: u16, body: Body) -> Response {
    Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, "application/json")
        .body(body)
        .expect("valid response")
}

pub fn watch(
    state: Arc<Mutex<Store>>,
    path: &str,
    query: &str,
    params: &HashMap<String, String>,
    authorized: bool,
) -> Response {
    let mut store = lock(&state);
    let target = if authorized {
        route(&store, path).and_then(|t| {
            if t.name.is_some() {
                return Err(ApiError::method_not_allowed());
            }
            check_rbac(&store, "watch", &t)?;
            Ok(t)
        })
    } else {
        Err(ApiError::unauthorized())
    };
    let target = target.and_then(|t| {
        if store.expire_watches > 0 {
            store.expire_watches -= 1;
            Err(ApiError::new(
                410,
                "Expired",
                "too old resource version: the requested resourceVersion has been compacted",
            ))
        } else {
            Ok(t)
        }
    });
    let status = match &target {
        Ok(_) => 200,
        Err(e) => e.code,
    };
    store.requests.push(RecordedRequest {
        method: "GET".into(),
        path: path.to_owned(),
        query: query.to_owned(),
        status,
        impersonate: None,
        accept: None,
    });
    let t = match target {
        Ok(t) => t,
        Err(e) => return answer(e.code, Body::from(e.body().to_string())),
    };
    drop(store);
    let after: u64 = params
        .get("resourceVersion")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let secs: u64 = params
        .get("timeoutSeconds")
        .and_then(|v| v.parse().ok())
        .unwrap_or(60)
        .min(60);
    let deadline = Instant::now() + Duration::from_secs(secs);
    let plural = t.def.plural;
    let namespace = t.namespace.clone();
    let stream = futures::stream::unfold(after, move |mut after| {
        let state = state.clone();
        let namespace = namespace.clone();
        async move {
            loop {
                if Instant::now() >= deadline {
                    return None;
                }
                let lines: Vec<String> = {
                    let store = lock(&state);
                    let since = after;
                    after = store.rv.max(after);
                    store
                        .events
                        .iter()
                        .filter(|e| e.rv > since && e.plural == plural)
                        .filter(|e| namespace.as_ref().is_none_or(|ns| &e.namespace == ns))
                        .map(|e| format!("{}\n", json!({"type": e.type_, "object": e.object})))
                        .collect()
                };
                if !lines.is_empty() {
                    return Some((Ok::<_, std::io::Error>(lines.concat().into_bytes()), after));
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
    });
    answer(200, Body::from_stream(stream))
}
