//! The one write certdoctor makes to a cluster: a PUT of an object to its `/status`
//! subresource with the resourceVersion it was read at (`renew`'s trigger, `approve` and
//! `deny`). Custom resources take no strategic merge and ignore status sent to the main
//! resource, so one condition is written by replacing the status, and a 409 says someone
//! wrote in between.

use kube::core::Request;
use serde_json::Value;

use super::client::Connection;
use super::load::{bounded, list_path, transport_text};
use crate::model::snapshot::KindInfo;

/// How a status write failed.
#[derive(Debug)]
pub enum WriteError {
    /// 409: the object changed since it was read.
    Conflict,
    /// 404: the object is gone.
    NotFound,
    /// 403, with the API server's message.
    Forbidden(String),
    /// Anything else, in words.
    Other(String),
}

/// PUTs `obj` (with its resourceVersion) to the `/status` subresource; `dry_run` asks the
/// API server to validate without storing (`dryRun=All`). Returns the stored object.
pub async fn put_status(
    conn: &Connection,
    info: &KindInfo,
    obj: &Value,
    dry_run: bool,
) -> Result<Value, WriteError> {
    let ns = obj.pointer("/metadata/namespace").and_then(Value::as_str);
    let name = obj
        .pointer("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let params = kube::api::PostParams {
        dry_run,
        ..Default::default()
    };
    let body = serde_json::to_vec(obj).map_err(|e| WriteError::Other(e.to_string()))?;
    let req = Request::new(list_path(info, ns))
        .replace_subresource("status", name, &params, body)
        .map_err(|e| WriteError::Other(e.to_string()))?;
    bounded(conn, conn.client.request::<Value>(req))
        .await
        .map_err(|e| match e {
            kube::Error::Api(s) if s.code == 409 => WriteError::Conflict,
            kube::Error::Api(s) if s.code == 404 => WriteError::NotFound,
            kube::Error::Api(s) if s.code == 403 => WriteError::Forbidden(s.message.clone()),
            kube::Error::Api(s) => {
                WriteError::Other(format!("{} ({}): {}", s.reason, s.code, s.message))
            }
            other => WriteError::Other(format!(
                "cannot reach the Kubernetes API server at {}: {}",
                conn.server,
                transport_text(&other)
            )),
        })
}
