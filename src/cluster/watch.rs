//! Following the cluster live (`status --watch`): for each kind that moves while
//! cert-manager issues (Certificates, CertificateRequests, Orders, Challenges), one LIST
//! that gives the objects and the collection's resourceVersion, then the API's WATCH from
//! that resourceVersion. Each kind is followed by a task of its own that sends every
//! [`Change`] down one channel.
//!
//! A watch the server ends (its `timeoutSeconds`, a read that saw nothing for
//! `--request-timeout`) is opened again from the last resourceVersion seen; one that
//! answers 410 Gone (the resourceVersion was compacted away) is replaced by a new LIST
//! ([`Change::Relisted`]), as client-go's reflector does. Three failures in a row to open
//! a watch end that kind's task with [`Change::Stopped`].

use std::time::Duration;

use futures::StreamExt;
use kube::Client;
use kube::api::{ListParams, WatchEvent, WatchParams};
use kube::core::Request;
use serde_json::Value;
use tokio::sync::mpsc::UnboundedSender;

use super::client::Connection;
use super::load::{MAX_PAGES, PAGE_SIZE, list_path};
use crate::error::CliError;
use crate::model::snapshot::{
    CERTIFICATE_REQUESTS, CERTIFICATES, CHALLENGES, KindInfo, ORDERS, Scope,
};

/// The kinds `status --watch` follows.
pub const WATCHED: [KindInfo; 4] = [CERTIFICATES, CERTIFICATE_REQUESTS, ORDERS, CHALLENGES];

/// Failures in a row to open a watch before a kind is given up.
const MAX_FAILURES: usize = 3;

/// One change of the watched objects.
#[derive(Debug)]
pub enum Change {
    /// Added or modified: the object as it is now.
    Upsert(Value),
    /// Deleted: the object as it was.
    Delete(Value),
    /// The watch expired (410) and the kind was listed again: all of its objects now.
    Relisted(KindInfo, Vec<Value>),
    /// This kind is no longer followed, and why.
    Stopped(KindInfo, String),
}

/// Sets `apiVersion` and `kind` where the server left them out.
fn stamp(obj: &mut Value, info: &KindInfo) {
    if let Value::Object(m) = obj {
        m.entry("apiVersion")
            .or_insert_with(|| Value::String(info.api_version()));
        m.entry("kind")
            .or_insert_with(|| Value::String(info.kind.to_string()));
    }
}

/// True when `obj` is of kind `info`.
pub fn is_kind(obj: &Value, info: &KindInfo) -> bool {
    obj.get("kind").and_then(Value::as_str) == Some(info.kind)
        && obj.get("apiVersion").and_then(Value::as_str) == Some(info.api_version().as_str())
}

fn failure(e: &kube::Error) -> String {
    match e {
        kube::Error::Api(s) => format!("{} ({})", s.message, s.code),
        other => crate::error::innermost(other),
    }
}

/// LISTs one kind (paginated) and returns its objects and the resourceVersion to watch from.
pub async fn list_versioned(
    client: &Client,
    timeout: Duration,
    info: &KindInfo,
    scope: &Scope,
) -> Result<(Vec<Value>, String), CliError> {
    let request = Request::new(list_path(info, scope.namespace.as_deref()));
    let mut params = ListParams::default().limit(PAGE_SIZE);
    if *info == CERTIFICATES
        && let Some(sel) = &scope.selector
    {
        params = params.labels(sel.as_str());
    }
    let failed = |m: String| CliError::new(format!("listing {} failed: {m}", info.qualified()));
    let mut items = vec![];
    let mut version = None;
    for _ in 0..MAX_PAGES {
        let req = request.list(&params).map_err(|e| failed(e.to_string()))?;
        let page: Value = tokio::time::timeout(timeout, client.request::<Value>(req))
            .await
            .map_err(|_| failed("timed out".into()))?
            .map_err(|e| failed(failure(&e)))?;
        if version.is_none() {
            version = page
                .pointer("/metadata/resourceVersion")
                .and_then(Value::as_str)
                .map(str::to_string);
        }
        for mut item in page
            .get("items")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
        {
            stamp(&mut item, info);
            items.push(item);
        }
        match page
            .pointer("/metadata/continue")
            .and_then(Value::as_str)
            .filter(|t| !t.is_empty())
        {
            Some(token) => params = params.continue_token(token),
            None => {
                let version = version.ok_or_else(|| failed("no resourceVersion".into()))?;
                return Ok((items, version));
            }
        }
    }
    Err(failed("it never stopped paging".into()))
}

/// Follows `info` from `version` in a task of its own, sending each change to `tx` until
/// the receiver is gone or the kind cannot be followed any more.
pub fn follow(
    conn: &Connection,
    scope: &Scope,
    info: KindInfo,
    version: String,
    tx: UnboundedSender<Change>,
) {
    let client = conn.client.clone();
    let timeout = conn.timeout;
    let scope = scope.clone();
    tokio::spawn(async move {
        let mut version = version;
        let mut failures = 0;
        // The server ends each watch a little before our read timeout would.
        let secs = u32::try_from(timeout.as_secs())
            .unwrap_or(u32::MAX)
            .clamp(1, 290);
        loop {
            if tx.is_closed() {
                return;
            }
            let mut wp = WatchParams::default().timeout(secs);
            if info == CERTIFICATES
                && let Some(sel) = &scope.selector
            {
                wp = wp.labels(sel.as_str());
            }
            let request = Request::new(list_path(&info, scope.namespace.as_deref()));
            let req = match request.watch(&wp, &version) {
                Ok(r) => r,
                Err(e) => {
                    let _ = tx.send(Change::Stopped(info, e.to_string()));
                    return;
                }
            };
            let opened = tokio::time::timeout(timeout, client.request_events::<Value>(req)).await;
            let mut gone = false;
            match opened {
                Ok(Ok(stream)) => {
                    failures = 0;
                    let mut stream = std::pin::pin!(stream);
                    while let Some(event) = stream.next().await {
                        match event {
                            Ok(WatchEvent::Added(mut o) | WatchEvent::Modified(mut o)) => {
                                note_version(&o, &mut version);
                                stamp(&mut o, &info);
                                if tx.send(Change::Upsert(o)).is_err() {
                                    return;
                                }
                            }
                            Ok(WatchEvent::Deleted(mut o)) => {
                                note_version(&o, &mut version);
                                stamp(&mut o, &info);
                                if tx.send(Change::Delete(o)).is_err() {
                                    return;
                                }
                            }
                            Ok(WatchEvent::Bookmark(b)) => version = b.metadata.resource_version,
                            Ok(WatchEvent::Error(s)) if s.code == 410 => {
                                gone = true;
                                break;
                            }
                            // Any other error event or a broken stream: watch again.
                            Ok(WatchEvent::Error(_)) | Err(_) => break,
                        }
                    }
                }
                Ok(Err(kube::Error::Api(s))) if s.code == 410 => gone = true,
                Ok(Err(e)) => {
                    failures += 1;
                    if failures >= MAX_FAILURES
                        || matches!(&e, kube::Error::Api(s) if s.code == 403)
                    {
                        let _ = tx.send(Change::Stopped(info, failure(&e)));
                        return;
                    }
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
                Err(_) => {
                    failures += 1;
                    if failures >= MAX_FAILURES {
                        let _ = tx.send(Change::Stopped(info, "timed out".into()));
                        return;
                    }
                }
            }
            if gone {
                match list_versioned(&client, timeout, &info, &scope).await {
                    Ok((items, v)) => {
                        version = v;
                        if tx.send(Change::Relisted(info, items)).is_err() {
                            return;
                        }
                    }
                    Err(e) => {
                        let _ = tx.send(Change::Stopped(info, e.message));
                        return;
                    }
                }
            }
        }
    });
}

fn note_version(obj: &Value, version: &mut String) {
    if let Some(v) = obj
        .pointer("/metadata/resourceVersion")
        .and_then(Value::as_str)
    {
        *version = v.to_string();
    }
}
