//! What cert-manager's own words about a Challenge mean: the Go error inside a failing
//! self-check (which runs inside the cluster, from the controller pod), and the admission
//! rejections that stop the HTTP-01 solver from presenting. Pure text classification.

/// Why the in-cluster self-check fails, from the Go error in `status.reason`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SelfCheckError {
    /// `context deadline exceeded`, `i/o timeout`, `Client.Timeout`: the controller pod's
    /// connection goes nowhere (hairpin NAT, a load balancer that needs PROXY protocol, a
    /// NetworkPolicy on egress, an egress proxy).
    Timeout,
    /// `no such host`: the cluster's resolver does not know the name (split horizon, a
    /// private zone, stale CoreDNS).
    NoSuchHost,
    /// `connection refused`: the address the cluster resolves refuses from inside.
    Refused,
    /// `EOF`, `connection reset`: the load balancer drops the connection (PROXY protocol).
    Reset,
    /// `tls:`, `x509:`, `handshake`: a redirect to HTTPS that fails from inside.
    Tls,
    /// A wrong status code or body: something else answers inside the cluster.
    WrongAnswer,
    /// DNS-01: the record is not yet visible to the resolver cert-manager asks.
    NotPropagated,
    /// Anything else.
    Other,
}

impl SelfCheckError {
    /// Classifies a self-check message (`Waiting for HTTP-01 challenge propagation: …`).
    pub fn of(message: &str) -> SelfCheckError {
        let m = message.to_ascii_lowercase();
        if m.contains("context deadline exceeded")
            || m.contains("i/o timeout")
            || m.contains("client.timeout")
        {
            SelfCheckError::Timeout
        } else if m.contains("no such host") {
            SelfCheckError::NoSuchHost
        } else if m.contains("connection refused") {
            SelfCheckError::Refused
        } else if m.contains("eof") || m.contains("connection reset") {
            SelfCheckError::Reset
        } else if m.contains("tls:") || m.contains("x509:") || m.contains("handshake") {
            SelfCheckError::Tls
        } else if m.contains("wrong status code") || m.contains("did not match") {
            SelfCheckError::WrongAnswer
        } else if m.contains("not yet propagated") {
            SelfCheckError::NotPropagated
        } else {
            SelfCheckError::Other
        }
    }

    /// The causes this error points at inside the cluster, and their fixes.
    pub fn causes(self, dns01: bool) -> &'static str {
        match self {
            SelfCheckError::Timeout => {
                "the controller pod's connection times out: hairpin NAT on the load balancer (a pod cannot reach the cluster's own public address), a load balancer that expects PROXY protocol (DigitalOcean/Hetzner: set the LB hostname annotation so traffic stays outside), a NetworkPolicy on egress from cert-manager's namespace, or an egress proxy the controller does not use (set HTTP_PROXY/HTTPS_PROXY/NO_PROXY on the controller)"
            }
            SelfCheckError::NoSuchHost if dns01 => {
                "the cluster's resolver does not see the zone (split horizon, a private zone of the same name, stale CoreDNS): point the check at public resolvers with the controller flags --dns01-recursive-nameservers=8.8.8.8:53,1.1.1.1:53 --dns01-recursive-nameservers-only"
            }
            SelfCheckError::NoSuchHost => {
                "the cluster's resolver does not know the name (split horizon, a private zone, stale CoreDNS): fix cluster DNS, or set --acme-http01-solver-nameservers on the controller"
            }
            SelfCheckError::Refused => {
                "the address the cluster resolves refuses connections from inside (hairpin NAT, an internal address of the load balancer): use the load balancer's hostname annotation or an internal DNS record for the name"
            }
            SelfCheckError::Reset => {
                "the load balancer drops the controller's connection (usually it expects PROXY protocol from outside only): set the LB hostname annotation so in-cluster traffic goes through the LB, or disable PROXY protocol for port 80"
            }
            SelfCheckError::Tls => {
                "a redirect to HTTPS fails from inside the cluster: exempt /.well-known/acme-challenge/ from the redirect (ingress-nginx ssl-redirect / no-tls-redirect-locations)"
            }
            SelfCheckError::WrongAnswer => {
                "inside the cluster the name reaches another server than from outside (hairpin to another ingress, split-horizon DNS): compare with an in-cluster curl"
            }
            SelfCheckError::NotPropagated => {
                "the resolver cert-manager asks still has an old answer (cached negative answer, split horizon): set --dns01-recursive-nameservers=8.8.8.8:53,1.1.1.1:53 --dns01-recursive-nameservers-only on the controller"
            }
            SelfCheckError::Other => {
                "the controller pod's view of the name differs from this machine's: check cluster DNS, egress and proxies with an in-cluster request"
            }
        }
    }
}

/// A Present failure caused by an ingress admission webhook rejecting the solver Ingress,
/// with the fix for it; `None` for other failures.
pub fn ingress_admission_rejection(reason: &str) -> Option<&'static str> {
    let r = reason.to_ascii_lowercase();
    if r.contains("cannot be used with pathtype exact") || r.contains("pathtype exact") {
        Some(
            "ingress-nginx's strict path validation rejects the solver Ingress's `pathType: Exact` (cert-manager ≥1.18, #7791 #7913): set the controller feature gate ACMEHTTP01IngressPathTypeExact=false (Helm: featureGates), or set ingress-nginx's `strict-validate-path-type: \"false\"`, or upgrade ingress-nginx to a release that accepts it",
        )
    } else if r.contains("admission webhook") && r.contains("denied the request") {
        Some(
            "an admission webhook (ingress controller, policy engine such as Kyverno/Gatekeeper, PodSecurity) denied the solver's resources: allow cert-manager's solver Ingress/Pod (label acme.cert-manager.io/http01-solver=true) in that policy, or change the solver's ingressTemplate/podTemplate to satisfy it",
        )
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn self_check_errors_are_classified_by_their_go_error() {
        let table = [
            (
                "Waiting for HTTP-01 challenge propagation: failed to perform self check GET request 'http://a.example.com/.well-known/acme-challenge/x': Get \"http://a.example.com/.well-known/acme-challenge/x\": context deadline exceeded (Client.Timeout exceeded while awaiting headers)",
                SelfCheckError::Timeout,
            ),
            (
                "Waiting for HTTP-01 challenge propagation: failed to perform self check GET request '…': dial tcp: lookup a.example.com on 10.96.0.10:53: no such host",
                SelfCheckError::NoSuchHost,
            ),
            (
                "Waiting for HTTP-01 challenge propagation: failed to perform self check GET request '…': dial tcp 203.0.113.7:80: connect: connection refused",
                SelfCheckError::Refused,
            ),
            (
                "Waiting for HTTP-01 challenge propagation: failed to perform self check GET request '…': EOF",
                SelfCheckError::Reset,
            ),
            (
                "Waiting for HTTP-01 challenge propagation: failed to perform self check GET request '…': remote error: tls: handshake failure",
                SelfCheckError::Tls,
            ),
            (
                "Waiting for HTTP-01 challenge propagation: wrong status code '404', expected '200'",
                SelfCheckError::WrongAnswer,
            ),
            (
                "Waiting for DNS-01 challenge propagation: DNS record for \"a.example.com\" not yet propagated",
                SelfCheckError::NotPropagated,
            ),
            (
                "Waiting for HTTP-01 challenge propagation: something new",
                SelfCheckError::Other,
            ),
        ];
        for (msg, want) in table {
            assert_eq!(SelfCheckError::of(msg), want, "{msg}");
        }
    }

    #[test]
    fn the_path_type_exact_rejection_is_recognised() {
        let msg = "Error presenting challenge: admission webhook \"validate.nginx.ingress.kubernetes.io\" denied the request: ingress contains invalid paths: path /.well-known/acme-challenge/x cannot be used with pathType Exact";
        assert!(
            ingress_admission_rejection(msg)
                .unwrap()
                .contains("ACMEHTTP01IngressPathTypeExact=false")
        );
        let kyverno = "Error presenting challenge: admission webhook \"validate.kyverno.svc-fail\" denied the request: policy require-labels";
        assert!(
            ingress_admission_rejection(kyverno)
                .unwrap()
                .contains("admission webhook")
        );
        assert_eq!(
            ingress_admission_rejection(
                "Error presenting challenge: ingresses.networking.k8s.io is forbidden"
            ),
            None
        );
    }
}
