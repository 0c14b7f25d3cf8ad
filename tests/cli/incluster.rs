//! In a pod with no kubeconfig (issue 16 §5): certdoctor uses the service account the way
//! kubectl does — `https://$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT`, trusted
//! through the account's `ca.crt`, with its `token` and `namespace`. The test API server is
//! put behind TLS (a CA made here) and the account's files are written to a temporary
//! directory named by the hidden `CERTDOCTOR_SERVICEACCOUNT_DIR` (the real path needs root).

use std::sync::Arc;

use tokio::net::{TcpListener, TcpStream};

use crate::support::background::Background;
use crate::support::fake_apiserver::TOKEN;
use crate::support::{Cluster, certdoctor, stderr, stdout};

/// A TLS front for the test API server; its CA in PEM.
struct TlsFront {
    port: u16,
    ca_pem: String,
    _server: Background,
}

fn tls_front(backend: String) -> TlsFront {
    let ca_key = rcgen::KeyPair::generate().unwrap();
    let mut ca_params = rcgen::CertificateParams::new(vec![]).unwrap();
    ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    let ca = rcgen::CertifiedIssuer::self_signed(ca_params, ca_key).unwrap();
    let leaf_key = rcgen::KeyPair::generate().unwrap();
    let leaf = rcgen::CertificateParams::new(vec!["127.0.0.1".to_string()])
        .unwrap()
        .signed_by(&leaf_key, &ca)
        .unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(
            vec![leaf.der().clone()],
            rustls::pki_types::PrivateKeyDer::Pkcs8(leaf_key.serialize_der().into()),
        )
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let std_listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    std_listener.set_nonblocking(true).unwrap();
    let port = std_listener.local_addr().unwrap().port();
    let server = Background::spawn("tls-front", move |stop| async move {
        let listener = TcpListener::from_std(std_listener).unwrap();
        let serve = async move {
            loop {
                let Ok((tcp, _)) = listener.accept().await else {
                    continue;
                };
                let acceptor = acceptor.clone();
                let backend = backend.clone();
                tokio::spawn(async move {
                    let Ok(mut tls) = acceptor.accept(tcp).await else {
                        return;
                    };
                    let Ok(mut plain) = TcpStream::connect(backend).await else {
                        return;
                    };
                    let _ = tokio::io::copy_bidirectional(&mut tls, &mut plain).await;
                });
            }
        };
        tokio::select! {
            _ = serve => {}
            _ = stop => {}
        }
    });
    TlsFront {
        port,
        ca_pem: ca.pem(),
        _server: server,
    }
}

#[test]
fn in_a_pod_without_kubeconfig_the_service_account_is_used() {
    let cluster = Cluster::with_fixtures(None, &["stuck-http01.yaml"]);
    let front = tls_front(
        cluster
            .server
            .url()
            .trim_start_matches("http://")
            .to_string(),
    );
    let sa = tempfile::tempdir().unwrap();
    std::fs::write(sa.path().join("token"), TOKEN).unwrap();
    std::fs::write(sa.path().join("ca.crt"), &front.ca_pem).unwrap();
    std::fs::write(sa.path().join("namespace"), "production\n").unwrap();

    let out = certdoctor()
        .env("KUBERNETES_SERVICE_HOST", "127.0.0.1")
        .env("KUBERNETES_SERVICE_PORT", front.port.to_string())
        .env("CERTDOCTOR_SERVICEACCOUNT_DIR", sa.path())
        .args(["status"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stdout(&out).contains("app-tls"), "{}", stdout(&out));
    // The namespace came from the service account.
    let requests = cluster.server.requests();
    assert!(
        requests
            .iter()
            .any(|r| r.path == "/apis/cert-manager.io/v1/namespaces/production/certificates"),
        "{requests:?}"
    );
}

#[test]
fn in_a_pod_without_a_token_the_error_names_the_missing_file() {
    let sa = tempfile::tempdir().unwrap();
    let out = certdoctor()
        .env("KUBERNETES_SERVICE_HOST", "127.0.0.1")
        .env("KUBERNETES_SERVICE_PORT", "1")
        .env("CERTDOCTOR_SERVICEACCOUNT_DIR", sa.path())
        .args(["status"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("service account token") && err.contains("token"),
        "{err}"
    );
    assert!(
        err.contains("hint: mount the service account token"),
        "{err}"
    );
}

#[test]
fn outside_a_pod_no_kubeconfig_is_still_the_plain_error() {
    let out = certdoctor()
        .env_remove("KUBERNETES_SERVICE_HOST")
        .args(["status"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("no kubeconfig found"),
        "{}",
        stderr(&out)
    );
}
