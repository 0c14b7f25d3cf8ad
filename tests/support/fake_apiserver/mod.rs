//! An in-process fake Kubernetes API server for certdoctor's integration tests.
//!
//! [`FakeApiServer`] serves the part of the Kubernetes REST API that certdoctor uses, over
//! plain HTTP on `127.0.0.1`, in the background (see [`super::background`]), and the API
//! discovery `kubectl get` needs (the fleet benchmark runs kubectl against it). It keeps
//! cert-manager objects (and the core and networking kinds certdoctor reads) in memory and
//! answers the requests the binary sends the way the real API server does: LIST with label
//! and field selectors and paging by continue token, WATCH from a resourceVersion (JSON
//! lines of `{type, object}`, 410 Gone when asked to), GET, and PUT to the status subresource
//! with the resourceVersion check and `dryRun=All`, with real `Status` error bodies. It
//! records every request and can inject faults (delays, error codes, garbage bodies), RBAC
//! denials, missing API groups, and another client's write in the middle of a PUT.
//!
//! The sections: [`resources`] (the kinds it serves), [`store`] (the objects and what the
//! test set up), [`status`] (error answers), [`router`] (one request, start to end),
//! [`list`], [`watch`], [`selectors`] and [`write`].

mod list;
mod resources;
mod router;
mod selectors;
mod status;
mod store;
mod watch;
mod write;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::Router;
use serde_json::{Value, json};

use super::background::Background;
use resources::ResourceDef;
use store::{Interleaved, Store};

/// The only bearer token the fake server accepts.
pub const TOKEN: &str = "test-token";
/// The user name that appears in RBAC denial messages.
pub const USER: &str = "test-user";

/// One request the server received, recorded after it was answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedRequest {
    /// HTTP method, upper case (`GET`, `PUT`).
    pub method: String,
    /// Request path without the query string.
    pub path: String,
    /// Raw (still percent-encoded) query string, without the `?`; may be empty.
    pub query: String,
    /// HTTP status code of the answer.
    pub status: u16,
    /// The `Impersonate-User` header (kubectl `--as`), if sent.
    pub impersonate: Option<String>,
    /// The `Accept` header, if sent.
    pub accept: Option<String>,
}

impl RecordedRequest {
    /// The decoded value of query parameter `key`, if present.
    pub fn param(&self, key: &str) -> Option<String> {
        router::parse_query(&self.query).remove(key)
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
    /// Send the headers at once, then the body one byte per this interval (a server that
    /// trickles: every read returns something, the request never ends in time).
    pub trickle: Option<Duration>,
    /// Answer with an empty page and a new continue token each time.
    pub endless: bool,
}

impl Fault {
    /// Answers every LIST whose target contains `path_contains` with an empty page that
    /// carries the same `continue` token for ever (a broken proxy or server).
    pub fn repeated_continue(path_contains: &str) -> Fault {
        Fault {
            path_contains: path_contains.into(),
            status: Some(200),
            body: Some(
                json!({"apiVersion": "v1", "kind": "List", "items": [],
                       "metadata": {"resourceVersion": "1", "continue": "again"}})
                .to_string(),
            ),
            ..Fault::default()
        }
    }

    /// Answers every request whose target contains `path_contains` with a fresh continue
    /// token each time: paging that never ends.
    pub fn endless_pages(path_contains: &str) -> Fault {
        Fault {
            path_contains: path_contains.into(),
            endless: true,
            ..Fault::default()
        }
    }

    /// Never answers (the connection stays open): a hung API server.
    pub fn hang(path_contains: &str) -> Fault {
        Fault {
            path_contains: path_contains.into(),
            delay: Some(Duration::from_secs(3600)),
            ..Fault::default()
        }
    }
}

/// The fake API server. Starts listening in [`FakeApiServer::start`] and stops on drop.
pub struct FakeApiServer {
    addr: SocketAddr,
    state: Arc<Mutex<Store>>,
    _server: Background,
}

impl FakeApiServer {
    /// Binds `127.0.0.1:0` and serves in the background.
    pub fn start() -> FakeApiServer {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind fake API server");
        listener
            .set_nonblocking(true)
            .expect("set listener non-blocking");
        let addr = listener.local_addr().expect("listener address");
        let state = Arc::new(Mutex::new(Store::default()));
        let app_state = state.clone();
        let server = Background::spawn("fake-apiserver", move |stop| async move {
            let listener = tokio::net::TcpListener::from_std(listener).expect("tokio listener");
            let app = Router::new().fallback(router::handle).with_state(app_state);
            tokio::select! {
                res = axum::serve(listener, app) => res.expect("fake API server"),
                _ = stop => {}
            }
        });
        FakeApiServer {
            addr,
            state,
            _server: server,
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
    /// Fills `metadata.uid` (`uid-N`), `resourceVersion`, `creationTimestamp` (the tests'
    /// fixed clock, [`super::NOW`]), `generation` (for objects with a `spec`) and, for
    /// namespaced kinds, `namespace: default` when missing. Panics on an unknown kind.
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

    /// A copy of a stored object (`namespace` is ignored for cluster-scoped kinds).
    pub fn get(
        &self,
        api_version: &str,
        kind: &str,
        namespace: Option<&str>,
        name: &str,
    ) -> Option<Value> {
        let def = ResourceDef::by_kind(api_version, kind)?;
        self.lock().get(def, &def.key(namespace, name)).cloned()
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
        let def = known(api_version, kind);
        self.lock()
            .set_status(def, &def.key(namespace, name), status);
    }

    /// Plays a controller that writes `status` while the next PUT to this object's
    /// `/status` is on its way: the server stores the controller's status (bumping the
    /// resourceVersion) just before it checks that PUT, so the PUT answers a real 409.
    pub fn interleave_status_write(
        &self,
        api_version: &str,
        kind: &str,
        namespace: Option<&str>,
        name: &str,
        status: Value,
    ) {
        let def = known(api_version, kind);
        self.lock().interleaved.push(Interleaved {
            plural: def.plural,
            key: def.key(namespace, name),
            status,
        });
    }

    /// Every request received so far, oldest first.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.lock().requests.clone()
    }

    /// Adds a fault; the first matching fault (in insertion order) applies to a request.
    pub fn inject(&self, fault: Fault) {
        self.lock().faults.push(fault);
    }

    /// Denies `verb` (get/list/update) on `resource` (a plural such as `secrets` or
    /// `certificates/status`) with a real 403 `Status`.
    pub fn forbid(&self, verb: &str, resource: &str) {
        self.lock()
            .forbidden
            .insert((verb.to_owned(), resource.to_owned()));
    }

    /// Answers the next `n` watch requests with 410 Gone, as a real server does when the
    /// resourceVersion asked for has been compacted away.
    pub fn expire_watches(&self, n: usize) {
        self.lock().expire_watches += n;
    }

    /// Serves requests that carry no credentials, as a real server with anonymous access
    /// granted does. For kubectl: it sends no token over plain HTTP (client-go applies the
    /// kubeconfig's user credentials only to `https` servers), and this server is plain.
    pub fn allow_anonymous(&self) {
        self.lock().anonymous = true;
    }

    /// Makes every path under `/apis/<group>/` answer 404 and drops the group from `/apis`,
    /// as if the CRDs were absent.
    pub fn uninstall_group(&self, group: &str) {
        self.lock().uninstalled.insert(group.to_owned());
    }

    /// One authenticated `GET path` with header `Accept: accept`, over a plain socket (so
    /// a test sees the exact answer, as kubectl would): the status code, the
    /// `Content-Type` and the body as JSON. Recorded like any request.
    pub fn raw_get(&self, path: &str, accept: &str) -> (u16, String, Value) {
        let mut sock = TcpStream::connect(self.addr).expect("connect to the fake API server");
        write!(
            sock,
            "GET {path} HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {TOKEN}\r\n\
             Accept: {accept}\r\nConnection: close\r\n\r\n",
            self.addr
        )
        .expect("send the request");
        let mut answer = String::new();
        sock.read_to_string(&mut answer).expect("read the answer");
        let (head, body) = answer.split_once("\r\n\r\n").expect("an HTTP answer");
        let status = head
            .split(' ')
            .nth(1)
            .and_then(|c| c.parse().ok())
            .expect("a status line");
        let content_type = head
            .lines()
            .filter_map(|l| l.split_once(':'))
            .find(|(k, _)| k.eq_ignore_ascii_case("content-type"))
            .map(|(_, v)| v.trim().to_owned())
            .unwrap_or_default();
        let body = serde_json::from_str(body).expect("a JSON body");
        (status, content_type, body)
    }

    fn lock(&self) -> MutexGuard<'_, Store> {
        store::lock(&self.state)
    }
}

fn known(api_version: &str, kind: &str) -> &'static ResourceDef {
    ResourceDef::by_kind(api_version, kind)
        .unwrap_or_else(|| panic!("unknown kind {api_version}/{kind}"))
}
