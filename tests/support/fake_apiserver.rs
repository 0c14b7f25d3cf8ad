//! An in-process fake Kubernetes API server for certdoctor's integration tests.
//!
//! [`FakeApiServer`] serves a small, faithful subset of the Kubernetes REST API
//! over plain HTTP on `127.0.0.1`, from its own thread and its own tokio
//! runtime, so tests stay plain `#[test]` functions that run the certdoctor
//! binary with `std::process`. It keeps cert-manager objects (and the few core,
//! networking and Gateway API kinds certdoctor reads) in memory, answers
//! GET/LIST/PUT/PATCH the way the real API server does (label and field
//! selectors, paging with continue tokens, resourceVersion conflicts, the
//! status subresource, real `Status` error bodies), records every request, and
//! can inject faults: delays, error codes, garbage bodies, RBAC denials and
//! missing API groups. Watch, POST and DELETE are not implemented.

#![allow(dead_code)]

use std::collections::{BTreeMap, HashMap, HashSet};
use std::future::{Future, IntoFuture};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Poll, Waker};
use std::thread::JoinHandle;
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::response::Response;
use serde_json::{Map, Value, json};

/// The only bearer token the fake server accepts.
pub const TOKEN: &str = "test-token";
/// The user name that appears in RBAC denial messages.
pub const USER: &str = "test-user";

/// One request the server received, recorded after it was answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedRequest {
    /// HTTP method, upper case (`GET`, `PATCH`, ...).
    pub method: String,
    /// Request path without the query string.
    pub path: String,
    /// Raw (still percent-encoded) query string, without the `?`; may be empty.
    pub query: String,
    /// HTTP status code of the answer.
    pub status: u16,
    /// The `Impersonate-User` header (kubectl `--as`), if sent.
    pub impersonate: Option<String>,
}

impl RecordedRequest {
    /// The decoded value of query parameter `key`, if present.
    pub fn param(&self, key: &str) -> Option<String> {
        parse_query(&self.query).remove(key)
    }
}

/// A fault to inject into matching requests; see [`FakeApiServer::inject`].
#[derive(Debug, Clone, Default)]
pub struct Fault {
    /// Only requests with this HTTP method (case-insensitive); `None` = any.
    pub method: Option<String>,
    /// Substring of the request target (path plus `?query`) that selects requests.
    pub path_contains: String,
    /// Answer with this status code and a matching `Status` body instead of serving.
    pub status: Option<u16>,
    /// Wait this long before answering.
    pub delay: Option<Duration>,
    /// Replace the response body verbatim (with `status`, or the normal status).
    pub body: Option<String>,
    /// How many requests the fault applies to; `None` = forever.
    pub times: Option<usize>,
}

/// The fake API server. Starts listening in [`FakeApiServer::start`] and stops on drop.
pub struct FakeApiServer {
    addr: SocketAddr,
    state: Arc<Mutex<Store>>,
    shutdown: Arc<Shutdown>,
    thread: Option<JoinHandle<()>>,
}

impl FakeApiServer {
    /// Binds `127.0.0.1:0` and serves from a new thread with its own runtime.
    pub fn start() -> FakeApiServer {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind fake API server");
        listener
            .set_nonblocking(true)
            .expect("set listener non-blocking");
        let addr = listener.local_addr().expect("listener address");
        let state = Arc::new(Mutex::new(Store::default()));
        let shutdown = Arc::new(Shutdown::default());
        let (app_state, stop) = (state.clone(), shutdown.clone());
        let thread = std::thread::Builder::new()
            .name("fake-apiserver".into())
            .spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("fake API server runtime");
                rt.block_on(async move {
                    let listener = tokio::net::TcpListener::from_std(listener).expect("tokio listener");
                    let app = Router::new().fallback(handle).with_state(app_state);
                    tokio::select! {
                        res = axum::serve(listener, app).into_future() => res.expect("fake API server"),
                        _ = stop.wait() => {}
                    }
                });
                rt.shutdown_timeout(Duration::from_millis(200));
            })
            .expect("spawn fake API server thread");
        FakeApiServer {
            addr,
            state,
            shutdown,
            thread: Some(thread),
        }
    }

    /// Base URL, `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Writes `dir/kubeconfig` pointing at this server (token auth, context `fake`).
    pub fn write_kubeconfig(&self, dir: &Path, namespace: Option<&str>) -> PathBuf {
        let ns = namespace
            .map(|ns| format!("    namespace: {}\n", json!(ns)))
            .unwrap_or_default();
        let yaml = format!(
            "apiVersion: v1\nkind: Config\nclusters:\n- name: fake\n  cluster:\n    server: {url}\n\
             users:\n- name: {USER}\n  user:\n    token: {TOKEN}\n\
             contexts:\n- name: fake\n  context:\n    cluster: fake\n    user: {USER}\n{ns}\
             current-context: fake\npreferences: {{}}\n",
            url = self.url()
        );
        let path = dir.join("kubeconfig");
        std::fs::write(&path, yaml).expect("write kubeconfig");
        path
    }

    /// Stores (or replaces) an object; `apiVersion` and `kind` pick the resource.
    ///
    /// Fills `metadata.uid` (`uid-N`), `resourceVersion`, `creationTimestamp`,
    /// `generation` (for objects with a `spec`) and, for namespaced kinds,
    /// `namespace: default` when missing. Panics on an unknown kind.
    pub fn insert(&self, obj: Value) {
        self.lock().insert(obj);
    }

    /// Inserts every object in order.
    pub fn insert_all(&self, objs: Vec<Value>) {
        let mut store = self.lock();
        for obj in objs {
            store.insert(obj);
        }
    }

    /// Inserts a `kind: List` (or `FooList`) document's items, or a single object.
    pub fn insert_list(&self, v: Value) {
        let Some(items) = v.get("items").and_then(Value::as_array) else {
            return self.insert(v);
        };
        let list_kind = v["kind"].as_str().unwrap_or("List");
        let mut store = self.lock();
        for item in items {
            let mut item = item.clone();
            if item.get("kind").is_none() && list_kind != "List" {
                item["kind"] = json!(list_kind.trim_end_matches("List"));
                item["apiVersion"] = v["apiVersion"].clone();
            }
            store.insert(item);
        }
    }

    /// A copy of a stored object (`namespace` is ignored for cluster-scoped kinds).
    pub fn get(
        &self,
        api_version: &str,
        kind: &str,
        namespace: Option<&str>,
        name: &str,
    ) -> Option<Value> {
        let def = ResourceDef::by_kind(api_version, kind)?;
        let store = self.lock();
        store
            .objects
            .get(&def.plural)?
            .get(&def.key(namespace, name))
            .cloned()
    }

    /// Replaces `.status` of a stored object and bumps its resourceVersion, as a
    /// controller would. Panics if the object does not exist.
    pub fn set_status(
        &self,
        api_version: &str,
        kind: &str,
        namespace: Option<&str>,
        name: &str,
        status: Value,
    ) {
        let def = ResourceDef::by_kind(api_version, kind)
            .unwrap_or_else(|| panic!("unknown kind {api_version}/{kind}"));
        let mut store = self.lock();
        store.rv += 1;
        let rv = store.rv.to_string();
        let obj = store
            .objects
            .get_mut(def.plural)
            .and_then(|objs| objs.get_mut(&def.key(namespace, name)))
            .unwrap_or_else(|| panic!("set_status: no {kind} {namespace:?}/{name}"));
        obj["status"] = status;
        obj["metadata"]["resourceVersion"] = json!(rv);
    }

    /// Every request received so far, oldest first.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.lock().requests.clone()
    }

    /// Forgets the recorded requests.
    pub fn clear_requests(&self) {
        self.lock().requests.clear();
    }

    /// Adds a fault; the first matching fault (in insertion order) applies to a request.
    pub fn inject(&self, fault: Fault) {
        self.lock().faults.push(fault);
    }

    /// Denies `verb` (get/list/update/patch) on `resource` (a plural such as
    /// `secrets` or `certificates/status`) with a real 403 `Status`.
    pub fn forbid(&self, verb: &str, resource: &str) {
        self.lock()
            .forbidden
            .insert((verb.to_owned(), resource.to_owned()));
    }

    /// Makes every path under `/apis/<group>/` answer 404, as if the CRDs were absent.
    pub fn uninstall_group(&self, group: &str) {
        self.lock().uninstalled.insert(group.to_owned());
    }

    fn lock(&self) -> MutexGuard<'_, Store> {
        lock(&self.state)
    }
}

impl Drop for FakeApiServer {
    fn drop(&mut self) {
        self.shutdown.trigger();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn lock(state: &Mutex<Store>) -> MutexGuard<'_, Store> {
    state
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A one-shot shutdown signal that needs nothing but std.
#[derive(Default)]
struct Shutdown(Mutex<(bool, Option<Waker>)>);

impl Shutdown {
    fn trigger(&self) {
        let mut inner = self.0.lock().unwrap_or_else(|p| p.into_inner());
        inner.0 = true;
        if let Some(waker) = inner.1.take() {
            waker.wake();
        }
    }

    fn wait(&self) -> impl Future<Output = ()> + '_ {
        std::future::poll_fn(move |cx| {
            let mut inner = self.0.lock().unwrap_or_else(|p| p.into_inner());
            if inner.0 {
                Poll::Ready(())
            } else {
                inner.1 = Some(cx.waker().clone());
                Poll::Pending
            }
        })
    }
}

// ---------------------------------------------------------------------------
// Resource table
// ---------------------------------------------------------------------------

/// One API resource the fake server knows (every one is served at version `v1`).
struct ResourceDef {
    kind: &'static str,
    group: &'static str,
    plural: &'static str,
    namespaced: bool,
    /// Whether the resource has a `/status` subresource.
    status: bool,
}

const fn res(
    kind: &'static str,
    group: &'static str,
    plural: &'static str,
    namespaced: bool,
    status: bool,
) -> ResourceDef {
    ResourceDef {
        kind,
        group,
        plural,
        namespaced,
        status,
    }
}

const CM: &str = "cert-manager.io";
const ACME: &str = "acme.cert-manager.io";
const GW: &str = "gateway.networking.k8s.io";

static RESOURCES: &[ResourceDef] = &[
    res("Certificate", CM, "certificates", true, true),
    res("CertificateRequest", CM, "certificaterequests", true, true),
    res("Issuer", CM, "issuers", true, true),
    res("ClusterIssuer", CM, "clusterissuers", false, true),
    res("Order", ACME, "orders", true, true),
    res("Challenge", ACME, "challenges", true, true),
    res("Secret", "", "secrets", true, false),
    res("Event", "", "events", true, false),
    res("Namespace", "", "namespaces", false, true),
    res("ConfigMap", "", "configmaps", true, false),
    res("Ingress", "networking.k8s.io", "ingresses", true, true),
    res("Gateway", GW, "gateways", true, true),
    res("HTTPRoute", GW, "httproutes", true, true),
];

impl ResourceDef {
    fn by_kind(api_version: &str, kind: &str) -> Option<&'static ResourceDef> {
        let (group, version) = api_version.rsplit_once('/').unwrap_or(("", api_version));
        let found = RESOURCES
            .iter()
            .find(|d| d.kind == kind && d.group == group);
        found.filter(|_| version == "v1")
    }

    fn by_plural(group: &str, version: &str, plural: &str) -> Option<&'static ResourceDef> {
        let found = RESOURCES
            .iter()
            .find(|d| d.plural == plural && d.group == group);
        found.filter(|_| version == "v1")
    }

    fn api_version(&self) -> String {
        if self.group.is_empty() {
            "v1".to_owned()
        } else {
            format!("{}/v1", self.group)
        }
    }

    /// `plural.group`, or just `plural` for the core group (as in error messages).
    fn qualified(&self) -> String {
        if self.group.is_empty() {
            self.plural.to_owned()
        } else {
            format!("{}.{}", self.plural, self.group)
        }
    }

    /// Built-in kinds accept strategic merge patches; CRDs do not.
    fn builtin(&self) -> bool {
        self.group.is_empty() || self.group == "networking.k8s.io"
    }

    fn key(&self, namespace: Option<&str>, name: &str) -> (String, String) {
        let ns = if self.namespaced {
            namespace.unwrap_or("default")
        } else {
            ""
        };
        (ns.to_owned(), name.to_owned())
    }
}

// ---------------------------------------------------------------------------
// State
// ---------------------------------------------------------------------------

/// Everything the server knows, behind one mutex (never held across an await).
#[derive(Default)]
struct Store {
    /// plural -> (namespace, name) -> object; BTreeMap keeps LIST order.
    objects: HashMap<&'static str, BTreeMap<(String, String), Value>>,
    rv: u64,
    uids: u64,
    continues: HashMap<String, ContinueToken>,
    requests: Vec<RecordedRequest>,
    faults: Vec<Fault>,
    forbidden: HashSet<(String, String)>,
    uninstalled: HashSet<String>,
}

/// Where a paged LIST left off.
struct ContinueToken {
    plural: &'static str,
    after: (String, String),
}

impl Store {
    fn insert(&mut self, mut obj: Value) {
        let api_version = obj["apiVersion"].as_str().unwrap_or_default().to_owned();
        let kind = obj["kind"].as_str().unwrap_or_default().to_owned();
        let def = ResourceDef::by_kind(&api_version, &kind)
            .unwrap_or_else(|| panic!("fake API server does not know {api_version:?} {kind:?}"));
        if !obj["metadata"].is_object() {
            obj["metadata"] = json!({});
        }
        let name = obj["metadata"]["name"]
            .as_str()
            .expect("object needs metadata.name")
            .to_owned();
        self.rv += 1;
        let has_spec = obj.get("spec").is_some();
        let meta = obj["metadata"]
            .as_object_mut()
            .expect("metadata is an object");
        if def.namespaced && !meta.contains_key("namespace") {
            meta.insert("namespace".into(), json!("default"));
        }
        if !meta.contains_key("uid") {
            self.uids += 1;
            meta.insert("uid".into(), json!(format!("uid-{}", self.uids)));
        }
        if !meta.contains_key("creationTimestamp") {
            let now = jiff::Timestamp::from_second(jiff::Timestamp::now().as_second())
                .expect("valid time");
            meta.insert("creationTimestamp".into(), json!(now.to_string()));
        }
        if has_spec && !meta.contains_key("generation") {
            meta.insert("generation".into(), json!(1));
        }
        meta.insert("resourceVersion".into(), json!(self.rv.to_string()));
        let key = def.key(meta.get("namespace").and_then(Value::as_str), &name);
        self.objects.entry(def.plural).or_default().insert(key, obj);
    }

    /// Finds the first matching fault and consumes one of its uses.
    fn take_fault(&mut self, method: &str, target: &str) -> Option<Fault> {
        let idx = self.faults.iter().position(|f| {
            f.method
                .as_ref()
                .is_none_or(|m| m.eq_ignore_ascii_case(method))
                && target.contains(&f.path_contains)
                && f.times != Some(0)
        })?;
        let fault = self.faults[idx].clone();
        if let Some(times) = &mut self.faults[idx].times {
            *times -= 1;
            if *times == 0 {
                self.faults.remove(idx);
            }
        }
        Some(fault)
    }
}

// ---------------------------------------------------------------------------
// Status errors
// ---------------------------------------------------------------------------

/// A failure answered as a Kubernetes `Status` object.
#[derive(Debug)]
struct ApiError {
    code: u16,
    reason: &'static str,
    message: String,
    details: Option<Value>,
}

impl ApiError {
    fn new(code: u16, reason: &'static str, message: impl Into<String>) -> Self {
        let message = message.into();
        ApiError {
            code,
            reason,
            message,
            details: Some(json!({})),
        }
    }

    /// `details` naming the object, as the real server's NotFound/Conflict/Forbidden do.
    fn about(mut self, def: &ResourceDef, name: Option<&str>) -> Self {
        let mut details = json!({"group": def.group, "kind": def.plural});
        if let Some(name) = name {
            details["name"] = json!(name);
        }
        self.details = Some(details);
        self
    }

    fn body(&self) -> Value {
        let mut status = json!({
            "kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
            "message": self.message, "reason": self.reason,
        });
        if let Some(details) = &self.details {
            status["details"] = details.clone();
        }
        status["code"] = json!(self.code);
        status
    }

    fn unauthorized() -> Self {
        let plain = Self::new(401, "Unauthorized", "Unauthorized");
        ApiError {
            details: None,
            ..plain
        }
    }

    fn unknown_resource() -> Self {
        Self::new(
            404,
            "NotFound",
            "the server could not find the requested resource",
        )
    }

    fn method_not_allowed() -> Self {
        let message = "the server does not allow this method on the requested resource";
        Self::new(405, "MethodNotAllowed", message)
    }

    fn bad_request(message: impl Into<String>) -> Self {
        Self::new(400, "BadRequest", message)
    }

    fn invalid(message: impl Into<String>) -> Self {
        Self::new(422, "Invalid", message)
    }

    fn not_found(def: &ResourceDef, name: &str) -> Self {
        let message = format!("{} {name:?} not found", def.qualified());
        Self::new(404, "NotFound", message).about(def, Some(name))
    }

    fn conflict(def: &ResourceDef, name: &str) -> Self {
        let message = format!(
            "Operation cannot be fulfilled on {} {name:?}: the object has been modified; \
             please apply your changes to the latest version and try again",
            def.qualified()
        );
        Self::new(409, "Conflict", message).about(def, Some(name))
    }

    fn expired() -> Self {
        Self::new(
            410,
            "Expired",
            "The provided continue parameter is too old to display a consistent list result. \
             You can start a new list without the continue parameter.",
        )
    }

    fn unsupported_media_type(message: &str) -> Self {
        Self::new(415, "UnsupportedMediaType", message)
    }

    /// The body an injected status code answers with.
    fn injected(code: u16) -> Self {
        let reason = match code {
            400 => "BadRequest",
            401 => "Unauthorized",
            403 => "Forbidden",
            404 => "NotFound",
            405 => "MethodNotAllowed",
            409 => "Conflict",
            410 => "Expired",
            415 => "UnsupportedMediaType",
            422 => "Invalid",
            429 => "TooManyRequests",
            504 => "Timeout",
            503 => "ServiceUnavailable",
            _ if code >= 500 => "InternalError",
            _ => "Unknown",
        };
        let text = StatusCode::from_u16(code)
            .ok()
            .and_then(|c| c.canonical_reason())
            .unwrap_or("fault");
        Self::new(code, reason, format!("injected fault: {code} {text}"))
    }
}

// ---------------------------------------------------------------------------
// HTTP handling
// ---------------------------------------------------------------------------

/// The single axum handler: faults, auth, routing, recording.
async fn handle(
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
    if let Some(delay) = fault.as_ref().and_then(|f| f.delay) {
        tokio::time::sleep(delay).await;
    }
    let result = match fault.as_ref().and_then(|f| f.status) {
        Some(code) => Err(ApiError::injected(code)),
        None => {
            let authorized = headers
                .get(header::AUTHORIZATION)
                .and_then(|v| v.to_str().ok())
                == Some(&format!("Bearer {TOKEN}"));
            let content_type = headers
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default();
            if authorized {
                let req = Req {
                    method: method.as_str(),
                    path: &path,
                    query: &query,
                    content_type,
                    body: &body,
                };
                serve(&mut lock(&state), &req)
            } else {
                Err(ApiError::unauthorized())
            }
        }
    };
    let (status, mut text) = match result {
        Ok(v) => (200, v.to_string()),
        Err(e) => (e.code, e.body().to_string()),
    };
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
    });
    Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(text))
        .expect("valid response")
}

/// What a resource path addresses.
struct Target {
    def: &'static ResourceDef,
    namespace: Option<String>,
    name: Option<String>,
    status: bool,
}

/// Splits `/api/v1/...` or `/apis/{group}/{version}/...` like the real server's router.
fn route(store: &Store, path: &str) -> Result<Target, ApiError> {
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

/// The parts of a request that [`serve`] looks at.
struct Req<'a> {
    method: &'a str,
    path: &'a str,
    query: &'a str,
    content_type: &'a str,
    body: &'a [u8],
}

/// Answers one authenticated request.
fn serve(store: &mut Store, req: &Req<'_>) -> Result<Value, ApiError> {
    if req.path == "/version" {
        return match req.method {
            "GET" => Ok(json!({
                "major": "1", "minor": "33", "gitVersion": "v1.33.0", "gitCommit": "fake",
                "gitTreeState": "clean", "buildDate": "2025-04-23T00:00:00Z", "goVersion": "go1.24.2",
                "compiler": "gc", "platform": "linux/amd64",
            })),
            _ => Err(ApiError::method_not_allowed()),
        };
    }
    let target = route(store, req.path)?;
    let params = parse_query(req.query);
    let verb = match (req.method, target.name.is_some()) {
        ("GET", _) if params.get("watch").is_some_and(|w| w == "true" || w == "1") => {
            let message = "watch is not supported by the fake API server";
            return Err(ApiError::new(405, "MethodNotAllowed", message));
        }
        ("GET", false) => "list",
        ("GET", true) => "get",
        ("PUT", true) => "update",
        ("PATCH", true) => "patch",
        _ => return Err(ApiError::method_not_allowed()),
    };
    check_rbac(store, verb, &target)?;
    let dry_run = match params.get("dryRun").map(String::as_str) {
        None | Some("") => false,
        Some("All") => true,
        Some(other) => {
            return Err(ApiError::bad_request(format!(
                "Invalid dry run value: {other:?}"
            )));
        }
    };
    match verb {
        "list" => list(store, &target, &params),
        "get" => current(store, &target).cloned(),
        "update" => {
            let incoming: Value = serde_json::from_slice(req.body).map_err(|e| {
                ApiError::bad_request(format!("unable to decode request body: {e}"))
            })?;
            write(store, &target, incoming, dry_run)
        }
        _ => {
            let stored = current(store, &target)?;
            let patched = apply_patch(target.def, stored, req.content_type, req.body)?;
            write(store, &target, patched, dry_run)
        }
    }
}

/// Answers 403 for verbs and resources denied with [`FakeApiServer::forbid`].
fn check_rbac(store: &Store, verb: &str, t: &Target) -> Result<(), ApiError> {
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

fn current<'s>(store: &'s Store, t: &Target) -> Result<&'s Value, ApiError> {
    let name = t.name.as_deref().unwrap_or_default();
    store
        .objects
        .get(t.def.plural)
        .and_then(|objs| objs.get(&t.def.key(t.namespace.as_deref(), name)))
        .ok_or_else(|| ApiError::not_found(t.def, name))
}

// ---------------------------------------------------------------------------
// LIST
// ---------------------------------------------------------------------------

fn list(
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

/// One requirement of a label selector.
#[derive(Debug)]
enum LabelReq {
    Eq(String, String),
    Ne(String, String),
    Exists(String),
    NotExists(String),
    In(String, Vec<String>),
    NotIn(String, Vec<String>),
}

impl LabelReq {
    fn matches(&self, labels: &Value) -> bool {
        let get = |k: &str| labels.get(k).and_then(Value::as_str);
        match self {
            LabelReq::Eq(k, v) => get(k) == Some(v.as_str()),
            LabelReq::Ne(k, v) => get(k) != Some(v.as_str()),
            LabelReq::Exists(k) => get(k).is_some(),
            LabelReq::NotExists(k) => get(k).is_none(),
            LabelReq::In(k, vs) => get(k).is_some_and(|l| vs.iter().any(|v| v == l)),
            LabelReq::NotIn(k, vs) => get(k).is_none_or(|l| vs.iter().all(|v| v != l)),
        }
    }
}

/// Splits on commas that are not inside parentheses.
fn split_top_level(s: &str) -> Vec<&str> {
    let (mut parts, mut depth, mut start) = (Vec::new(), 0i32, 0);
    for (i, c) in s.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&s[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&s[start..]);
    parts
        .into_iter()
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect()
}

fn parse_label_selector(s: &str) -> Result<Vec<LabelReq>, ApiError> {
    let bad = |req: &str| {
        ApiError::bad_request(format!(
            "unable to parse requirement: {req:?} in labelSelector {s:?}"
        ))
    };
    let valid =
        |k: &str| !k.is_empty() && !k.contains(|c: char| c.is_whitespace() || "=!(),".contains(c));
    let mut reqs = Vec::new();
    for req in split_top_level(s) {
        let parsed = if let Some((head, rest)) = req.split_once('(') {
            let values = rest.strip_suffix(')').ok_or_else(|| bad(req))?;
            let values: Vec<String> = values.split(',').map(|v| v.trim().to_owned()).collect();
            match head.split_whitespace().collect::<Vec<_>>().as_slice() {
                [key, "in"] => LabelReq::In((*key).to_owned(), values),
                [key, "notin"] => LabelReq::NotIn((*key).to_owned(), values),
                _ => return Err(bad(req)),
            }
        } else if let Some((k, v)) = req.split_once("!=") {
            LabelReq::Ne(k.trim().to_owned(), v.trim().to_owned())
        } else if let Some((k, v)) = req.split_once("==").or_else(|| req.split_once('=')) {
            LabelReq::Eq(k.trim().to_owned(), v.trim().to_owned())
        } else if let Some(k) = req.strip_prefix('!') {
            LabelReq::NotExists(k.trim().to_owned())
        } else {
            LabelReq::Exists(req.to_owned())
        };
        let key = match &parsed {
            LabelReq::Eq(k, _)
            | LabelReq::Ne(k, _)
            | LabelReq::Exists(k)
            | LabelReq::NotExists(k) => k,
            LabelReq::In(k, _) | LabelReq::NotIn(k, _) => k,
        };
        if !valid(key) {
            return Err(bad(req));
        }
        reqs.push(parsed);
    }
    Ok(reqs)
}

/// One `path=value` / `path!=value` term of a field selector.
#[derive(Debug)]
struct FieldReq {
    path: String,
    equal: bool,
    value: String,
}

impl FieldReq {
    fn matches(&self, obj: &Value) -> bool {
        let field = self.path.split('.').try_fold(obj, |v, seg| v.get(seg));
        let actual = match field {
            None | Some(Value::Null) => String::new(),
            Some(Value::String(s)) => s.clone(),
            Some(other) => other.to_string(),
        };
        (actual == self.value) == self.equal
    }
}

fn parse_field_selector(s: &str) -> Result<Vec<FieldReq>, ApiError> {
    s.split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(|term| {
            let (path, equal, value) = if let Some((p, v)) = term.split_once("!=") {
                (p, false, v)
            } else if let Some((p, v)) = term.split_once("==").or_else(|| term.split_once('=')) {
                (p, true, v)
            } else {
                return Err(ApiError::bad_request(format!(
                    "invalid selector: {s:?}; can't understand {term:?}"
                )));
            };
            Ok(FieldReq {
                path: path.trim().to_owned(),
                equal,
                value: value.trim().to_owned(),
            })
        })
        .collect()
}

// ---------------------------------------------------------------------------
// Writes: PUT and PATCH
// ---------------------------------------------------------------------------

/// Stores `incoming` as the new state of the target (unless `dry_run`), applying
/// the resourceVersion check and the status subresource rules; returns the result.
fn write(store: &mut Store, t: &Target, incoming: Value, dry_run: bool) -> Result<Value, ApiError> {
    let name = t.name.as_deref().unwrap_or_default();
    let stored = current(store, t)?.clone();
    if !incoming.is_object() {
        return Err(ApiError::bad_request(
            "the request body must be a JSON object",
        ));
    }
    if let Some(body_name) = incoming["metadata"]["name"].as_str().filter(|n| *n != name) {
        return Err(ApiError::bad_request(format!(
            "the name of the object ({body_name}) does not match the name on the URL ({name})"
        )));
    }
    let sent_rv = incoming["metadata"]["resourceVersion"]
        .as_str()
        .unwrap_or_default();
    if !sent_rv.is_empty() && sent_rv != stored["metadata"]["resourceVersion"] {
        return Err(ApiError::conflict(t.def, name));
    }
    let mut new = if t.status {
        let mut new = stored.clone();
        set_or_remove(&mut new, "status", incoming.get("status").cloned());
        new
    } else {
        let mut new = incoming;
        if t.def.status {
            set_or_remove(&mut new, "status", stored.get("status").cloned());
        }
        if !new["metadata"].is_object() {
            new["metadata"] = json!({});
        }
        // Fields the server owns; a client can't change them with an update.
        for field in [
            "name",
            "namespace",
            "uid",
            "creationTimestamp",
            "generation",
        ] {
            let value = stored["metadata"].get(field).cloned();
            set_or_remove(&mut new["metadata"], field, value);
        }
        if new.get("spec") != stored.get("spec") {
            let generation = stored["metadata"]["generation"].as_u64().unwrap_or(0) + 1;
            new["metadata"]["generation"] = json!(generation);
        }
        new
    };
    new["apiVersion"] = json!(t.def.api_version());
    new["kind"] = json!(t.def.kind);
    if dry_run {
        new["metadata"]["resourceVersion"] = stored["metadata"]["resourceVersion"].clone();
        return Ok(new);
    }
    store.rv += 1;
    new["metadata"]["resourceVersion"] = json!(store.rv.to_string());
    let key = t.def.key(t.namespace.as_deref(), name);
    store
        .objects
        .entry(t.def.plural)
        .or_default()
        .insert(key, new.clone());
    Ok(new)
}

fn set_or_remove(obj: &mut Value, field: &str, value: Option<Value>) {
    if let Some(map) = obj.as_object_mut() {
        match value {
            Some(v) => map.insert(field.to_owned(), v),
            None => map.remove(field),
        };
    }
}

const ACCEPTED_PATCHES: &str = "the body of the request was in an unknown format - accepted media types include: \
     application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml";

/// Applies a PATCH body to a copy of `stored` according to its content type.
fn apply_patch(
    def: &ResourceDef,
    stored: &Value,
    content_type: &str,
    body: &[u8],
) -> Result<Value, ApiError> {
    let media = content_type.split(';').next().unwrap_or_default().trim();
    let parse = || -> Result<Value, ApiError> {
        serde_json::from_slice(body)
            .map_err(|e| ApiError::bad_request(format!("error decoding patch: {e}")))
    };
    let mut doc = stored.clone();
    match media {
        "application/merge-patch+json" => merge_patch(&mut doc, &parse()?),
        "application/strategic-merge-patch+json" if def.builtin() => {
            merge_patch(&mut doc, &parse()?)
        }
        "application/json-patch+json" => json_patch(&mut doc, &parse()?)?,
        "application/apply-patch+yaml" => {
            return Err(ApiError::unsupported_media_type(
                "server-side apply (application/apply-patch+yaml) is not supported by the fake API server",
            ));
        }
        _ => return Err(ApiError::unsupported_media_type(ACCEPTED_PATCHES)),
    }
    Ok(doc)
}

/// RFC 7386 JSON merge patch: objects merge recursively, `null` deletes, all else replaces.
fn merge_patch(target: &mut Value, patch: &Value) {
    let Value::Object(patch) = patch else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = Value::Object(Map::new());
    }
    let map = target.as_object_mut().expect("just made an object");
    for (key, value) in patch {
        if value.is_null() {
            map.remove(key);
        } else {
            merge_patch(map.entry(key.clone()).or_insert(Value::Null), value);
        }
    }
}

/// RFC 6902 JSON patch: add, remove, replace, move, copy and test.
fn json_patch(doc: &mut Value, ops: &Value) -> Result<(), ApiError> {
    let ops = ops
        .as_array()
        .ok_or_else(|| ApiError::bad_request("a JSON patch must be an array of operations"))?;
    for op in ops {
        let str_field = |f: &str| {
            op.get(f)
                .and_then(Value::as_str)
                .ok_or_else(|| ApiError::bad_request(format!("operation {op} lacks {f:?}")))
        };
        let value = || {
            op.get("value")
                .cloned()
                .ok_or_else(|| ApiError::bad_request(format!("operation {op} lacks \"value\"")))
        };
        let path = str_field("path")?;
        match str_field("op")? {
            "add" => pointer_add(doc, path, value()?)?,
            "remove" => drop(pointer_remove(doc, path)?),
            "replace" if path.is_empty() => *doc = value()?,
            "replace" => {
                pointer_remove(doc, path)?;
                pointer_add(doc, path, value()?)?;
            }
            "move" => {
                let moved = pointer_remove(doc, str_field("from")?)?;
                pointer_add(doc, path, moved)?;
            }
            "copy" => {
                let from = str_field("from")?;
                let copied = doc.pointer(from).cloned().ok_or_else(|| missing(from))?;
                pointer_add(doc, path, copied)?;
            }
            "test" => {
                if doc.pointer(path) != Some(&value()?) {
                    return Err(ApiError::invalid(format!(
                        "testing value {path} failed: test operation failed"
                    )));
                }
            }
            other => {
                return Err(ApiError::bad_request(format!(
                    "unexpected JSON patch operation {other:?}"
                )));
            }
        }
    }
    Ok(())
}

fn missing(path: &str) -> ApiError {
    ApiError::invalid(format!(
        "the JSON patch path {path:?} does not exist in the object"
    ))
}

/// Splits a JSON pointer into its parent pointer and its unescaped last token.
fn split_pointer(path: &str) -> Result<(&str, String), ApiError> {
    let (parent, last) = path
        .rsplit_once('/')
        .ok_or_else(|| ApiError::bad_request(format!("invalid JSON pointer {path:?}")))?;
    Ok((parent, last.replace("~1", "/").replace("~0", "~")))
}

fn pointer_add(doc: &mut Value, path: &str, value: Value) -> Result<(), ApiError> {
    if path.is_empty() {
        *doc = value;
        return Ok(());
    }
    let (parent, token) = split_pointer(path)?;
    match doc.pointer_mut(parent).ok_or_else(|| missing(parent))? {
        Value::Object(map) => {
            map.insert(token, value);
        }
        Value::Array(items) => {
            let idx = if token == "-" {
                items.len()
            } else {
                token.parse().map_err(|_| missing(path))?
            };
            if idx > items.len() {
                return Err(missing(path));
            }
            items.insert(idx, value);
        }
        _ => return Err(missing(path)),
    }
    Ok(())
}

fn pointer_remove(doc: &mut Value, path: &str) -> Result<Value, ApiError> {
    let (parent, token) = split_pointer(path)?;
    let removed = match doc.pointer_mut(parent) {
        Some(Value::Object(map)) => map.remove(&token),
        Some(Value::Array(items)) => match token.parse::<usize>() {
            Ok(idx) if idx < items.len() => Some(items.remove(idx)),
            _ => None,
        },
        _ => None,
    };
    removed.ok_or_else(|| missing(path))
}

// ---------------------------------------------------------------------------
// Query strings
// ---------------------------------------------------------------------------

/// Decodes an `application/x-www-form-urlencoded` query (kube starts it with `&`).
fn parse_query(query: &str) -> HashMap<String, String> {
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
