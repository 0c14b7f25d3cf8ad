//! One paginated LIST per kind. The number of API requests depends on the number of kinds
//! and pages, never on the number of Certificates: every link is made later, in memory.
//!
//! Items are handed on as JSON, page by page, to an [`ObjectSink`] so one malformed object
//! cannot fail a LIST (it becomes a note when typed), so `dump` can write the objects exactly
//! as the API server returned them, and so no page outlives its typing: memory holds the
//! typed snapshot and the pages in flight, never every raw object.

use futures::future::join_all;
use kube::api::ListParams;
use kube::core::Request;
use serde_json::Value;

use super::client::Connection;
pub use super::write::{WriteError, put_status};
use crate::error::CliError;
use crate::model::snapshot::{
    CERTIFICATES, KINDS, KindInfo, METADATA_ONLY_ACCEPT, ObjectSink, RawSnapshot, Scope,
    Unreadable, metadata_only,
};

/// Page size of every LIST: large enough that a typical namespace is one request, small
/// enough that the API server does not build huge responses.
pub const PAGE_SIZE: u32 = 500;

/// Most pages one LIST may take (5 million objects at [`PAGE_SIZE`]): a server that keeps
/// handing out new continue tokens cannot keep certdoctor listing for ever.
pub const MAX_PAGES: usize = 10_000;

/// Sends one request and reads its whole answer within the connection's timeout. kube's
/// read timeout applies to each read, so a server that trickles a byte at a time would
/// otherwise hold a request open for ever; this bounds the request, body included.
pub async fn bounded<T>(
    conn: &Connection,
    request: impl Future<Output = Result<T, kube::Error>>,
) -> Result<T, kube::Error> {
    match tokio::time::timeout(conn.timeout, request).await {
        Ok(r) => r,
        Err(_) => Err(kube::Error::Service(Box::new(TimedOut))),
    }
}

/// A whole request took longer than `--request-timeout`.
#[derive(Debug)]
struct TimedOut;

impl std::fmt::Display for TimedOut {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("timed out")
    }
}

impl std::error::Error for TimedOut {}

/// URL path of a LIST of `info` in `namespace` (or cluster-wide).
pub fn list_path(info: &KindInfo, namespace: Option<&str>) -> String {
    let base = if info.group.is_empty() {
        format!("/api/{}", info.version)
    } else {
        format!("/apis/{}/{}", info.group, info.version)
    };
    match namespace.filter(|_| info.namespaced) {
        Some(ns) => format!("{base}/namespaces/{ns}/{}", info.plural),
        None => format!("{base}/{}", info.plural),
    }
}

/// Sets `apiVersion` and `kind` where the API server left them out (core LIST items), so
/// every raw object says what it is.
fn stamp(obj: &mut Value, info: &KindInfo) {
    if let Value::Object(m) = obj {
        m.entry("apiVersion")
            .or_insert_with(|| Value::String(info.api_version()));
        m.entry("kind")
            .or_insert_with(|| Value::String(info.kind.to_string()));
    }
}

/// How a LIST failed.
enum ListError {
    /// The API server answered with an error status.
    Api { code: u16, message: String },
    /// No answer (connection refused, timeout, TLS).
    Transport(String),
    /// An answer that is not Kubernetes JSON (a proxy page, another service).
    BadResponse(String),
    /// Paging that does not end: a continue token seen before, or too many pages.
    Paging(String),
}

/// LISTs one kind page by page, handing each page's items to `on_page` as it arrives;
/// returns the number of items.
async fn list_kind(
    conn: &Connection,
    info: &KindInfo,
    scope: &Scope,
    on_page: &dyn Fn(Vec<Value>),
) -> Result<usize, ListError> {
    let namespace = scope.namespace.as_deref().filter(|_| !info.all_namespaces);
    let request = Request::new(list_path(info, namespace));
    let mut params = ListParams::default().limit(PAGE_SIZE);
    if let Some(fs) = info.field_selector {
        params = params.fields(fs);
    }
    if let Some(ls) = info.label_selector {
        params = params.labels(ls);
    }
    if *info == CERTIFICATES
        && let Some(sel) = &scope.selector
    {
        params = params.labels(sel.as_str());
    }
    let mut count = 0;
    let mut seen = std::collections::HashSet::new();
    let max_pages = max_pages();
    for _ in 0..max_pages {
        let mut req = request
            .list(&params)
            .map_err(|e| ListError::Transport(e.to_string()))?;
        if info.metadata_only {
            let accept = METADATA_ONLY_ACCEPT
                .parse()
                .map_err(|_| ListError::Transport("invalid Accept header".into()))?;
            req.headers_mut().insert("accept", accept);
        }
        let page: Value = bounded(conn, conn.client.request::<Value>(req))
            .await
            .map_err(|e| match e {
                kube::Error::Api(s) => ListError::Api {
                    code: s.code,
                    message: s.message.clone(),
                },
                kube::Error::SerdeError(e) => ListError::BadResponse(e.to_string()),
                other => ListError::Transport(transport_text(&other)),
            })?;
        let Value::Object(mut page) = page else {
            return Err(ListError::BadResponse(
                "the response is not a JSON object".into(),
            ));
        };
        if let Some(Value::Array(mut page_items)) = page.remove("items") {
            for item in &mut page_items {
                if info.metadata_only {
                    // PartialObjectMetadata items: keep the name, say what they are.
                    *item = metadata_only(item, info);
                }
                stamp(item, info);
            }
            count += page_items.len();
            on_page(page_items);
        }
        let next = page
            .get("metadata")
            .and_then(|m| m.get("continue"))
            .and_then(Value::as_str)
            .filter(|t| !t.is_empty());
        match next {
            Some(token) if !seen.insert(token.to_string()) => {
                return Err(ListError::Paging(format!(
                    "it returned the continue token {:?} a second time",
                    crate::sanitize::clean(&token.chars().take(64).collect::<String>())
                )));
            }
            Some(token) => params = params.continue_token(token),
            None => return Ok(count),
        }
    }
    Err(ListError::Paging(format!(
        "it was still paging after {max_pages} pages"
    )))
}

/// Test seam: `CERTDOCTOR_MAX_PAGES=N` lowers the page cap, so a test can reach it without
/// ten thousand requests.
pub const MAX_PAGES_ENV: &str = "CERTDOCTOR_MAX_PAGES";

/// Pages per LIST at most: [`MAX_PAGES`], or the test seam's lower value.
fn max_pages() -> usize {
    std::env::var(MAX_PAGES_ENV)
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
        .filter(|n| *n > 0)
        .map_or(MAX_PAGES, |n| n.min(MAX_PAGES))
}

pub(super) fn transport_text(e: &kube::Error) -> String {
    let msg = crate::error::innermost(e);
    if msg.contains("deadline has elapsed") || msg.to_lowercase().contains("timed out") {
        "timed out".to_string()
    } else {
        msg
    }
}

fn can_i(info: &KindInfo, scope: &Scope) -> String {
    let ns = match (&scope.namespace, info.namespaced && !info.all_namespaces) {
        (Some(ns), true) => format!(" -n {ns}"),
        _ => " -A".to_string(),
    };
    format!("kubectl auth can-i list {}{ns}", info.qualified())
}

/// GETs one object; `Ok(None)` when it does not exist. Used where the snapshot's LIST
/// cannot see an object (a Secret of the wrong type is not in the TLS-only LIST).
pub async fn get_one(
    conn: &Connection,
    info: &KindInfo,
    namespace: &str,
    name: &str,
) -> Result<Option<Value>, CliError> {
    let req = Request::new(list_path(info, Some(namespace)))
        .get(name, &kube::api::GetParams::default())
        .map_err(|e| {
            CliError::new(format!(
                "cannot build a request for {} {name}: {e}",
                info.kind
            ))
        })?;
    match bounded(conn, conn.client.request::<Value>(req)).await {
        Ok(mut v) => {
            stamp(&mut v, info);
            Ok(Some(v))
        }
        Err(kube::Error::Api(s)) if s.code == 404 => Ok(None),
        Err(kube::Error::Api(s)) if s.code == 403 => Err(CliError::new(format!(
            "cannot get {} {namespace}/{name}: {}",
            info.qualified(),
            s.message
        ))
        .hint(format!(
            "check the permission with `kubectl auth can-i get {} -n {namespace}`",
            info.qualified()
        ))),
        Err(kube::Error::Api(s)) => Err(CliError::new(format!(
            "getting {} {namespace}/{name} failed ({}): {}",
            info.qualified(),
            s.code,
            s.message
        ))),
        Err(e) => Err(CliError::new(format!(
            "cannot reach the Kubernetes API server at {}: {}",
            conn.server,
            transport_text(&e)
        ))
        .hint("check the network and the context (`kubectl cluster-info`)")),
    }
}

/// Turns a failed LIST into the error that stops the command, or `None` when the command
/// can go on without the kind (RBAC 403 or an error status on anything but Certificates).
fn fatal(info: &KindInfo, err: &ListError, conn: &Connection, scope: &Scope) -> Option<CliError> {
    Some(match err {
        ListError::Transport(msg) => CliError::new(format!("cannot reach the Kubernetes API server at {}: {msg}", conn.server)).hint(format!(
            "check the network and the context (`kubectl cluster-info`); the request timeout is {}s (--request-timeout)",
            conn.timeout.as_secs_f64()
        )),
        ListError::BadResponse(msg) => CliError::new(format!(
            "the server at {} did not answer like a Kubernetes API server when listing {} ({msg})",
            conn.server,
            info.qualified()
        ))
        .hint("check that the kubeconfig's server URL points at the API server and not at a proxy or web page"),
        ListError::Paging(msg) => CliError::new(format!(
            "listing {} at {} never ended: {msg}",
            info.qualified(),
            conn.server
        ))
        .hint("the API server (or a proxy in front of it) is misbehaving; retry, and check its health"),
        ListError::Api { code: 401, message } => CliError::new(format!(
            "the API server at {} rejected the credentials (401 Unauthorized): {message}",
            conn.server
        ))
        .hint("refresh your credentials (log in again) or check the user in the kubeconfig"),
        ListError::Api { code: 404, .. } if *info == CERTIFICATES => {
            CliError::new("cert-manager is not installed in this cluster (no certificates.cert-manager.io/v1 API)").hint(format!(
                "check the context ({}), or install cert-manager: https://cert-manager.io/docs/installation/",
                conn.server
            ))
        }
        ListError::Api { code: 403, message } if *info == CERTIFICATES => CliError::new(format!("cannot list certificates: {message}"))
            .hint(format!("check the permission with `{}`", can_i(info, scope))),
        ListError::Api { code, message } if *info == CERTIFICATES => {
            CliError::new(format!("listing certificates failed at {} ({code}): {message}", conn.server))
                .hint("retry; if it persists, check the API server's health")
        }
        ListError::Api { .. } => return None,
    })
}

/// LISTs only Certificates (one paginated LIST), as raw objects: what `renew` selects from.
pub async fn list_certificates(conn: &Connection, scope: &Scope) -> Result<Vec<Value>, CliError> {
    let items = std::cell::RefCell::new(Vec::new());
    let on_page = |page: Vec<Value>| items.borrow_mut().extend(page);
    list_kind(conn, &CERTIFICATES, scope, &on_page)
        .await
        .map_err(|e| {
            fatal(&CERTIFICATES, &e, conn, scope)
                .unwrap_or_else(|| CliError::new("listing certificates failed"))
        })?;
    Ok(items.into_inner())
}

/// LISTs every kind (concurrently; one request per page) and returns the raw snapshot.
/// Certificates are essential: a failure there is an error. Other kinds the API refuses
/// (RBAC 403, missing API) are recorded as unreadable and the command goes on.
pub async fn fetch(conn: &Connection, scope: &Scope) -> Result<RawSnapshot, CliError> {
    let mut raw = RawSnapshot::default();
    fetch_into(conn, scope, &KINDS, &mut raw, &|_, _| {}).await?;
    Ok(raw)
}

/// LISTs `kinds` (concurrently; one request per page) into `sink`, page by page as the
/// pages arrive; `progress` hears each kind's running count. Failures as in [`fetch`].
pub async fn fetch_into<S: ObjectSink>(
    conn: &Connection,
    scope: &Scope,
    kinds: &[KindInfo],
    sink: &mut S,
    progress: &dyn Fn(&KindInfo, usize),
) -> Result<(), CliError> {
    // One task polls every LIST (join_all), so a RefCell is enough: pages are handed on
    // one at a time, between awaits.
    let shared = std::cell::RefCell::new(sink);
    let results = join_all(kinds.iter().map(|k| {
        let shared = &shared;
        let seen = std::sync::atomic::AtomicUsize::new(0);
        async move {
            let on_page = |page: Vec<Value>| {
                let n =
                    page.len() + seen.fetch_add(page.len(), std::sync::atomic::Ordering::Relaxed);
                let mut sink = shared.borrow_mut();
                for item in page {
                    sink.object(item);
                }
                drop(sink);
                progress(k, n);
            };
            list_kind(conn, k, scope, &on_page).await
        }
    }))
    .await;
    let sink = shared.into_inner();
    for (info, result) in kinds.iter().zip(results) {
        if let Err(e) = result {
            if let Some(fatal) = fatal(info, &e, conn, scope) {
                return Err(fatal);
            }
            let ListError::Api { code, message } = e else {
                unreachable!("transport errors are fatal")
            };
            let reason = if code == 403 {
                format!("forbidden: {message}")
            } else {
                format!("{code}: {message}")
            };
            sink.unreadable(Unreadable {
                kind: info.name(),
                resource: info.qualified(),
                reason,
                check: can_i(info, scope),
            });
        }
    }
    Ok(())
}

/// LISTs each of `kinds` once, in every namespace (concurrently; one request per page), for
/// checks that look around the Certificates (`audit`). A kind the API server does not serve
/// (404: its CRD is absent) is returned in the second list; one it refuses (403, other
/// errors) is recorded as unreadable; only a failure to reach the server is an error.
pub async fn fetch_optional(
    conn: &Connection,
    kinds: &[KindInfo],
) -> Result<(RawSnapshot, Vec<KindInfo>), CliError> {
    let everywhere = Scope::default();
    let items = std::cell::RefCell::new(Vec::new());
    let on_page = |page: Vec<Value>| items.borrow_mut().extend(page);
    let results = join_all(
        kinds
            .iter()
            .map(|k| list_kind(conn, k, &everywhere, &on_page)),
    )
    .await;
    let mut raw = RawSnapshot {
        objects: items.into_inner(),
        ..RawSnapshot::default()
    };
    let mut absent = Vec::new();
    for (info, result) in kinds.iter().zip(results) {
        match result {
            Ok(_) => {}
            Err(ListError::Api { code: 404, .. }) => absent.push(*info),
            Err(ListError::Api { code, message }) if code != 401 => {
                raw.unreadable.push(Unreadable {
                    kind: info.kind.to_string(),
                    resource: info.qualified(),
                    reason: if code == 403 {
                        format!("forbidden: {message}")
                    } else {
                        format!("{code}: {message}")
                    },
                    check: can_i(info, &everywhere),
                });
            }
            Err(e) => {
                return Err(fatal(info, &e, conn, &everywhere).unwrap_or_else(|| {
                    CliError::new(format!("listing {} failed", info.qualified()))
                }));
            }
        }
    }
    Ok((raw, absent))
}
