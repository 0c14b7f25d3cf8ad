//! TLS handshakes: connect to an address, send SNI = the name, finish the handshake accepting
//! whatever certificate is presented, and return the chain as the server sent it. Accepting
//! everything is the point: the judgement (wrong certificate, expired, incomplete chain) is
//! `diagnose`'s, made on what clients really get, never the TLS library's refusal.
//!
//! Bounded: one deadline per handshake (connect included), at most [`MAX_HANDSHAKE_BYTES`]
//! read from the server and [`MAX_CERTIFICATES`] certificates kept. Nothing is sent after
//! the handshake but a close_notify.

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{ClientConfig, ClientConnection, DigitallySignedStruct, SignatureScheme};

/// Most bytes read from a server before its handshake must be finished.
pub const MAX_HANDSHAKE_BYTES: u64 = 256 * 1024;

/// Most certificates of a presented chain kept.
pub const MAX_CERTIFICATES: usize = 16;

/// Accepts every certificate and handshake signature: we read what is served, we do not
/// decide whether to trust it here.
#[derive(Debug)]
struct AcceptAll(Vec<SignatureScheme>);

impl ServerCertVerifier for AcceptAll {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        _message: &[u8],
        _cert: &CertificateDer<'_>,
        _dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        Ok(HandshakeSignatureValid::assertion())
    }

    fn verify_tls13_signature(
        &self,
        _message: &[u8],
        _cert: &CertificateDer<'_>,
        _dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        Ok(HandshakeSignatureValid::assertion())
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.clone()
    }
}

fn client_config() -> Result<Arc<ClientConfig>, String> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let schemes = provider
        .signature_verification_algorithms
        .supported_schemes();
    let cfg = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS setup: {e}"))?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(AcceptAll(schemes)))
        .with_no_client_auth();
    Ok(Arc::new(cfg))
}

/// A socket that refuses to read more than [`MAX_HANDSHAKE_BYTES`].
struct Capped {
    inner: TcpStream,
    read: u64,
}

impl Read for Capped {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.read >= MAX_HANDSHAKE_BYTES {
            return Err(io::Error::other(format!(
                "the server sent more than {} KiB without finishing the handshake",
                MAX_HANDSHAKE_BYTES / 1024
            )));
        }
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        Ok(n)
    }
}

impl Write for Capped {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.inner.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

fn words(e: &io::Error, timeout: Duration) -> String {
    match e.kind() {
        io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => {
            format!("timed out after {}s", timeout.as_secs_f64())
        }
        io::ErrorKind::ConnectionRefused => "connection refused".into(),
        io::ErrorKind::ConnectionReset => "connection reset during the TLS handshake".into(),
        io::ErrorKind::UnexpectedEof => "the connection closed during the TLS handshake".into(),
        io::ErrorKind::InvalidData => format!("not a TLS answer ({e})"),
        _ => e.to_string(),
    }
}

fn handshake_blocking(
    addr: SocketAddr,
    host: &str,
    timeout: Duration,
) -> Result<Vec<Vec<u8>>, String> {
    let deadline = Instant::now() + timeout;
    let sock = TcpStream::connect_timeout(&addr, timeout).map_err(|e| words(&e, timeout))?;
    let _ = sock.set_write_timeout(Some(timeout));
    let name = ServerName::try_from(host.trim_end_matches('.').to_string())
        .map_err(|_| format!("{host:?} is not a server name"))?;
    let mut conn = ClientConnection::new(client_config()?, name).map_err(|e| e.to_string())?;
    let mut io = Capped {
        inner: sock,
        read: 0,
    };
    while conn.is_handshaking() {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(format!("timed out after {}s", timeout.as_secs_f64()));
        }
        let _ = io.inner.set_read_timeout(Some(left));
        match conn.complete_io(&mut io) {
            Ok((0, 0)) if conn.is_handshaking() => {
                return Err("the connection closed during the TLS handshake".into());
            }
            Ok(_) => {}
            Err(e) => return Err(words(&e, timeout)),
        }
    }
    let chain = conn
        .peer_certificates()
        .unwrap_or_default()
        .iter()
        .take(MAX_CERTIFICATES)
        .map(|c| c.as_ref().to_vec())
        .collect();
    conn.send_close_notify();
    let _ = conn.write_tls(&mut io);
    Ok(chain)
}

/// One handshake with `addr`, SNI = `host` (none for an IP address): the presented chain,
/// leaf first as sent, or why there is none. Never longer than `timeout` (plus a second).
pub async fn handshake(
    addr: SocketAddr,
    host: &str,
    timeout: Duration,
) -> Result<Vec<Vec<u8>>, String> {
    let host = host.to_string();
    let job = tokio::task::spawn_blocking(move || handshake_blocking(addr, &host, timeout));
    match tokio::time::timeout(timeout + Duration::from_secs(1), job).await {
        Ok(Ok(r)) => r,
        Ok(Err(e)) => Err(format!("the probe failed: {e}")),
        Err(_) => Err(format!("timed out after {}s", timeout.as_secs_f64())),
    }
}
