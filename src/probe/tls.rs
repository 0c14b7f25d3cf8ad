//! TLS handshakes: connect to an address, send SNI = the name, finish the handshake accepting
//! whatever certificate is presented, and return the chain as the server sent it. Accepting
//! everything is the point: the judgement (wrong certificate, expired, incomplete chain) is
//! `diagnose`'s, made on what clients really get, never the TLS library's refusal.
//!
//! Bounded: one deadline per handshake (connect included), at most [`MAX_HANDSHAKE_BYTES`]
//! read from the server and [`MAX_CERTIFICATES`] certificates kept. Nothing is sent after
//! the handshake but a close_notify.

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::{Arc, OnceLock};
use std::task::{Context, Poll};
use std::time::Duration;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, SignatureScheme};
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt, ReadBuf};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;

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

/// The one client configuration of a run: built once, shared by every handshake (each
/// build would load the provider and its algorithm tables again).
fn client_config() -> Result<Arc<ClientConfig>, String> {
    static CONFIG: OnceLock<Result<Arc<ClientConfig>, String>> = OnceLock::new();
    CONFIG
        .get_or_init(|| {
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
        })
        .clone()
}

/// A socket that refuses to read more than [`MAX_HANDSHAKE_BYTES`]: a server that streams
/// forever cannot make the probe hold more.
struct Capped {
    inner: TcpStream,
    read: u64,
}

impl AsyncRead for Capped {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        if self.read >= MAX_HANDSHAKE_BYTES {
            return Poll::Ready(Err(io::Error::other(format!(
                "the server sent more than {} KiB without finishing the handshake",
                MAX_HANDSHAKE_BYTES / 1024
            ))));
        }
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.inner).poll_read(cx, buf);
        let got = buf.filled().len() - before;
        self.read += got as u64;
        polled
    }
}

impl AsyncWrite for Capped {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
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

/// Connects and handshakes, without a deadline of its own ([`handshake`] holds it).
async fn connect_and_handshake(addr: SocketAddr, host: &str) -> Result<Vec<Vec<u8>>, io::Error> {
    let name = ServerName::try_from(host.trim_end_matches('.').to_string()).map_err(|_| {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("{host:?} is not a server name"),
        )
    })?;
    let config = client_config().map_err(io::Error::other)?;
    let sock = TcpStream::connect(addr).await?;
    let capped = Capped {
        inner: sock,
        read: 0,
    };
    let mut tls = TlsConnector::from(config).connect(name, capped).await?;
    let chain = tls
        .get_ref()
        .1
        .peer_certificates()
        .unwrap_or_default()
        .iter()
        .take(MAX_CERTIFICATES)
        .map(|c| c.as_ref().to_vec())
        .collect();
    // Only a close_notify goes after the handshake; a server that does not read it is not
    // waited for.
    let _ = tokio::time::timeout(Duration::from_millis(100), tls.shutdown()).await;
    Ok(chain)
}

/// One handshake with `addr`, SNI = `host` (none for an IP address): the presented chain,
/// leaf first as sent, or why there is none. Never longer than `timeout`, connect
/// included; no thread is held while waiting.
pub async fn handshake(
    addr: SocketAddr,
    host: &str,
    timeout: Duration,
) -> Result<Vec<Vec<u8>>, String> {
    match tokio::time::timeout(timeout, connect_and_handshake(addr, host)).await {
        Ok(Ok(chain)) => Ok(chain),
        Ok(Err(e)) if e.kind() == io::ErrorKind::InvalidInput => Err(e.to_string()),
        Ok(Err(e)) => Err(words(&e, timeout)),
        Err(_) => Err(format!("timed out after {}s", timeout.as_secs_f64())),
    }
}
