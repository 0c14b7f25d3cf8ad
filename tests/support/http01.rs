//! A real HTTP server on loopback for the HTTP-01 probe tests: each path answers with a
//! scripted reply — a body, a status, a redirect, a huge body, or nothing at all.

#![allow(dead_code)]

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::{StatusCode, Uri, header};
use axum::response::Response;

use super::background::Background;

/// What a path answers.
#[derive(Debug, Clone)]
pub enum Reply {
    /// 200 with this body.
    Body(String),
    /// This status, empty body.
    Status(u16),
    /// A redirect with this status and Location.
    Redirect(u16, String),
    /// 200 with this many bytes of `A`.
    Huge(usize),
    /// Never answers (the connection stays open).
    Hang,
}

/// The server; stops when dropped.
pub struct HttpServer {
    addr: SocketAddr,
    _server: Background,
}

async fn handle(State(routes): State<Arc<HashMap<String, Reply>>>, uri: Uri) -> Response {
    let reply = routes
        .get(uri.path())
        .cloned()
        .unwrap_or(Reply::Status(404));
    let build = |status: u16, body: Body| {
        Response::builder()
            .status(StatusCode::from_u16(status).unwrap())
            .body(body)
            .unwrap()
    };
    match reply {
        Reply::Body(b) => build(200, Body::from(b)),
        Reply::Status(s) => build(s, Body::empty()),
        Reply::Redirect(s, loc) => Response::builder()
            .status(StatusCode::from_u16(s).unwrap())
            .header(header::LOCATION, loc)
            .body(Body::empty())
            .unwrap(),
        Reply::Huge(n) => build(200, Body::from(vec![b'A'; n])),
        Reply::Hang => {
            tokio::time::sleep(Duration::from_secs(3600)).await;
            build(200, Body::empty())
        }
    }
}

impl HttpServer {
    /// Starts a server on 127.0.0.1 answering `routes` (path → reply; others 404).
    pub fn start(routes: Vec<(String, Reply)>) -> HttpServer {
        let std_listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        std_listener.set_nonblocking(true).unwrap();
        let addr = std_listener.local_addr().unwrap();
        let routes = Arc::new(routes.into_iter().collect::<HashMap<_, _>>());
        // Not a graceful shutdown: a `Reply::Hang` connection would hold it for an hour.
        let server = Background::spawn("http01-server", move |stop| async move {
            let listener = tokio::net::TcpListener::from_std(std_listener).unwrap();
            let app = Router::new().fallback(handle).with_state(routes);
            tokio::select! {
                _ = axum::serve(listener, app) => {}
                _ = stop => {}
            }
        });
        HttpServer {
            addr,
            _server: server,
        }
    }

    /// `127.0.0.1:PORT`.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The port.
    pub fn port(&self) -> u16 {
        self.addr.port()
    }
}
