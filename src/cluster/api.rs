//! The requests of `approve`/`deny` and `check api` beyond the snapshot's LISTs: a status
//! read-modify-write with the resourceVersion that retries on 409 Conflict, API discovery
//! of a group/version, the LIST of ValidatingWebhookConfigurations, and a server-side
//! dry-run create. What the answers mean is decided in `model` ([`crate::model::approval`],
//! [`crate::model::api_check`]); this file only asks.

use kube::core::Request;
use serde_json::Value;

use super::client::Connection;
use super::load::{self, WriteError};
use crate::error::CliError;
use crate::model::api_check::{self, Check, Failure, Outcome};
use crate::model::snapshot::CERTIFICATES;
use crate::model::snapshot::KindInfo;

/// Attempts of a status update when the API server answers 409 Conflict.
pub const MAX_ATTEMPTS: usize = 5;

/// How a status update is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteMode {
    /// Store it.
    Write,
    /// Send it with `dryRun=All`: validated (RBAC, webhooks), not stored.
    DryRunServer,
    /// Read and decide only; send nothing.
    DryRunClient,
}

/// What came of a status update.
#[derive(Debug)]
pub enum StatusUpdate {
    /// Written (or, in a dry run, would be): the object as sent.
    Written(Value),
    /// The change declined to write, looking at this (fresh) object.
    Declined(Value),
    /// The object does not exist.
    NotFound,
    /// 403 on the write, with the API server's message.
    Forbidden(String),
    /// The GET failed (no access, no answer): the error that stops the command.
    ReadFailed(CliError),
    /// The object kept changing, or the write failed otherwise, in words.
    Failed(String),
}

/// GETs `namespace/name`, lets `change` edit it (it returns `false` to decline, e.g. a
/// request already decided) and PUTs the status with the resourceVersion it was read at.
/// On 409 it reads the object again and lets `change` decide again, up to
/// [`MAX_ATTEMPTS`] times, so a concurrent writer is never overwritten.
pub async fn update_status(
    conn: &Connection,
    info: &KindInfo,
    namespace: &str,
    name: &str,
    mode: WriteMode,
    mut change: impl FnMut(&mut Value) -> bool,
) -> StatusUpdate {
    for _ in 0..MAX_ATTEMPTS {
        let mut obj = match load::get_one(conn, info, namespace, name).await {
            Ok(Some(obj)) => obj,
            Ok(None) => return StatusUpdate::NotFound,
            Err(e) => return StatusUpdate::ReadFailed(e),
        };
        if !change(&mut obj) {
            return StatusUpdate::Declined(obj);
        }
        if mode == WriteMode::DryRunClient {
            return StatusUpdate::Written(obj);
        }
        match load::put_status(conn, info, &obj, mode == WriteMode::DryRunServer).await {
            Ok(_) => return StatusUpdate::Written(obj),
            Err(WriteError::Conflict) => continue,
            Err(WriteError::NotFound) => return StatusUpdate::NotFound,
            Err(WriteError::Forbidden(m)) => return StatusUpdate::Forbidden(m),
            Err(WriteError::Other(m)) => return StatusUpdate::Failed(m),
        }
    }
    StatusUpdate::Failed(format!(
        "conflict: the {} kept changing ({MAX_ATTEMPTS} attempts); run the command again",
        info.kind
    ))
}

/// The [`Failure`] of a request that was not answered with success.
fn failure(conn: &Connection) -> impl Fn(kube::Error) -> Failure + '_ {
    move |e| match e {
        kube::Error::Api(s) => Failure {
            code: Some(s.code),
            message: s.message.clone(),
        },
        other => Failure {
            code: None,
            message: format!("{}: {}", conn.server, crate::error::innermost(&other)),
        },
    }
}

fn bad_request(e: impl std::fmt::Display) -> Failure {
    Failure {
        code: None,
        message: format!("cannot build the request: {e}"),
    }
}

/// The resources `/apis/GROUP/VERSION` serves (API discovery, as `kubectl api-resources`);
/// a failure with code 404 when the group/version is not served at all.
pub async fn discover(conn: &Connection, group_version: &str) -> Result<Vec<String>, Failure> {
    // `/apis/GROUP/VERSION` is a GET of the "object" VERSION under `/apis/GROUP`.
    let (group, version) = group_version
        .rsplit_once('/')
        .unwrap_or(("", group_version));
    let req = Request::new(format!("/apis/{group}"))
        .get(version, &kube::api::GetParams::default())
        .map_err(bad_request)?;
    let list: Value = conn.client.request(req).await.map_err(failure(conn))?;
    Ok(list["resources"]
        .as_array()
        .map(|rs| {
            rs.iter()
                .filter_map(|r| r["name"].as_str())
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default())
}

/// Every ValidatingWebhookConfiguration (cluster-scoped; one LIST).
pub async fn validating_webhooks(conn: &Connection) -> Result<Vec<Value>, Failure> {
    let req = Request::new("/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations")
        .list(&kube::api::ListParams::default())
        .map_err(bad_request)?;
    let list: Value = conn.client.request(req).await.map_err(failure(conn))?;
    Ok(list["items"].as_array().cloned().unwrap_or_default())
}

/// POSTs `obj` to `info` in `namespace` with `dryRun=All`: the API server runs RBAC and
/// the admission webhooks, and stores nothing.
pub async fn dry_run_create(
    conn: &Connection,
    info: &KindInfo,
    namespace: &str,
    obj: &Value,
) -> Result<(), Failure> {
    let body = serde_json::to_vec(obj).map_err(bad_request)?;
    let params = kube::api::PostParams {
        dry_run: true,
        ..Default::default()
    };
    let req = Request::new(load::list_path(info, Some(namespace)))
        .create(&params, body)
        .map_err(bad_request)?;
    conn.client
        .request::<Value>(req)
        .await
        .map(|_| ())
        .map_err(failure(conn))
}

/// One attempt of `check api`: the CRDs, the webhook registration, a dry-run create of a
/// Certificate in `namespace`, in that order, stopping at the first step that fails.
pub async fn check_api(conn: &Connection, namespace: &str) -> Vec<Check> {
    let mut answers = vec![];
    for (gv, _) in api_check::REQUIRED {
        answers.push(discover(conn, gv).await);
    }
    let mut checks = vec![api_check::crds(&answers)];
    if checks[0].outcome == Outcome::Fail {
        return checks;
    }
    checks.push(api_check::webhook(&validating_webhooks(conn).await));
    if checks[1].outcome == Outcome::Fail {
        return checks;
    }
    let probe = api_check::probe_certificate(namespace);
    let created = dry_run_create(conn, &CERTIFICATES, namespace, &probe).await;
    checks.push(api_check::dry_run(&created, namespace));
    checks
}
