//! A TLS server on loopback that presents a chosen chain: a std thread per connection with a
//! blocking rustls `ServerConnection` (ring provider, no new crate). It finishes the
//! handshake and closes; the port stays open until the test process ends.

use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::time::Duration;

use rustls::ServerConfig;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

/// A listening TLS server.
pub struct TlsServer {
    port: u16,
}

impl TlsServer {
    /// Serves `chain` (DER, leaf first) with the PKCS#8 key `key_der` on 127.0.0.1.
    pub fn start(chain: Vec<Vec<u8>>, key_der: Vec<u8>) -> TlsServer {
        let certs: Vec<CertificateDer<'static>> =
            chain.into_iter().map(CertificateDer::from).collect();
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key_der));
        let config =
            ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
                .with_safe_default_protocol_versions()
                .unwrap()
                .with_no_client_auth()
                .with_single_cert(certs, key)
                .unwrap();
        let config = Arc::new(config);
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        std::thread::spawn(move || {
            for sock in listener.incoming().flatten() {
                let config = config.clone();
                std::thread::spawn(move || serve(sock, config));
            }
        });
        TlsServer { port }
    }

    /// The port.
    pub fn port(&self) -> u16 {
        self.port
    }
}

fn serve(mut sock: TcpStream, config: Arc<ServerConfig>) {
    let _ = sock.set_read_timeout(Some(Duration::from_secs(5)));
    let Ok(mut conn) = rustls::ServerConnection::new(config) else {
        return;
    };
    while conn.is_handshaking() {
        match conn.complete_io(&mut sock) {
            Ok((0, 0)) => return,
            Ok(_) => {}
            Err(_) => return,
        }
    }
    // Let the client read the last flight, then close.
    let _ = conn.complete_io(&mut sock);
}

/// A loopback port where nothing listens (connections are refused).
pub fn refusing_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}
