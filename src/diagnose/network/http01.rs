//! HTTP-01 observations → findings: what the address, the connection and the answer at the
//! challenge URL mean, judged by the rules Let's Encrypt applies.

use std::net::IpAddr;

use super::lb::{self, LbHostname};
use crate::findings::{Code, Finding, Severity, Subject};
use crate::model::observation::{
    FetchEnd, Hop, Http01Observation, ProbeHost, is_reserved, no_address_verdict,
};

// ---------------------------------------------------------------- HTTP-01

/// What one HTTP-01 probe is about.
#[derive(Debug, Clone)]
pub struct Http01Target {
    /// Finding subject (the Challenge, narrowed to the name).
    pub subject: Subject,
    /// The name validated.
    pub dns_name: String,
    /// The token (URL path).
    pub token: String,
    /// The key authorization the body must equal.
    pub expected: String,
    /// Load-balancer addresses of the Ingresses and Gateways that route this host.
    pub ingress_addresses: Vec<IpAddr>,
    /// Their load-balancer host names (AWS ELB/NLB, Gateway `Hostname` addresses), each with
    /// the object that publishes it; the probe resolves them
    /// (`Http01Observation::lb_addresses`). While one could not be resolved from here, a DNS
    /// answer that differs from the addresses is not judged, since the name may resolve to
    /// it; one DNS says does not exist is `HTTP01_LB_NO_ADDRESS`.
    pub ingress_hostnames: Vec<LbHostname>,
}

fn addrs_text(r: &Result<Vec<IpAddr>, String>) -> String {
    match r {
        Ok(v) if v.is_empty() => "no records".into(),
        Ok(v) => v
            .iter()
            .map(IpAddr::to_string)
            .collect::<Vec<_>>()
            .join(", "),
        Err(e) => e.clone(),
    }
}

fn chain_text(hops: &[Hop]) -> String {
    hops.iter()
        .map(|h| match (h.status, &h.location) {
            (Some(s), Some(l)) => format!("{} → {s} Location: {l}", h.url),
            (Some(s), None) => format!("{} → {s}", h.url),
            (None, _) => format!("{} → no answer", h.url),
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// A forced HTTPS redirect in front of the solver: where to turn it off for the challenge path.
const HTTPS_REDIRECT_REMEDY: &str = "The CA follows the redirect and fails on the HTTPS side the same way (the solver serves only plain HTTP on port 80). Exempt /.well-known/acme-challenge/ from the redirect: ingress-nginx `nginx.ingress.kubernetes.io/ssl-redirect: \"false\"` on the solver (or `no-tls-redirect-locations` in its ConfigMap), a CDN's \"always use HTTPS\" rule, or the load balancer's listener rule.";

/// Turns an HTTP-01 observation into findings.
pub fn http01_findings(t: &Http01Target, o: &Http01Observation, host: ProbeHost) -> Vec<Finding> {
    let mut out = Vec::new();
    let url = format!(
        "http://{}/.well-known/acme-challenge/{}",
        t.dns_name, t.token
    );
    let curl = format!("curl -sv {url}");
    let dig = format!("dig +short A {0}; dig +short AAAA {0}", t.dns_name);
    let mut all: Vec<IpAddr> = o.a.clone().unwrap_or_default();
    all.extend(o.aaaa.clone().unwrap_or_default());
    let no_address = all.is_empty() && o.connect_to.is_none();
    // First, so that a load balancer DNS does not know leads when it is why the name has no
    // address.
    out.extend(lb::lb_no_address(t, o, no_address));
    let unchecked = lb::unchecked(t, o);
    // No address because this machine's lookup failed (timed out, SERVFAIL, REFUSED) is not
    // a name without records: say what is known, and how to tell the two apart.
    if no_address && no_address_verdict(&o.a, &o.aaaa).is_none() {
        out.push(
            Finding::new(
                Code::Http01LookupFailed,
                Severity::Warning,
                t.subject.clone(),
                format!(
                    "the address lookup of {} failed from this machine (A: {}; AAAA: {}), so its HTTP-01 path was not checked",
                    t.dns_name,
                    addrs_text(&o.a),
                    addrs_text(&o.aaaa)
                ),
                "This may be only this machine's resolver. Ask public resolvers: if they answer, the name is fine and the failure is local (re-run with --nameserver 1.1.1.1); if they fail too (SERVFAIL), the zone is broken, often its DNSSEC, and the CA fails the same way.",
            )
            .reproduce(format!("dig @1.1.1.1 A {0}; dig @8.8.8.8 AAAA {0}", t.dns_name))
            .reproduce(format!("dig @1.1.1.1 +cd A {0}  # answers when only DNSSEC is broken", t.dns_name)),
        );
        with_unchecked(&mut out, &unchecked);
        return out;
    }
    if no_address {
        out.push(
            Finding::new(
                Code::Http01NoAddress,
                Severity::Error,
                t.subject.clone(),
                format!(
                    "{} has no A or AAAA record, so the CA cannot connect",
                    t.dns_name
                ),
                remedy::HTTP01_NO_ADDRESS,
            )
            .evidence(format!("A: {}", addrs_text(&o.a)))
            .evidence(format!("AAAA: {}", addrs_text(&o.aaaa)))
            .reproduce(dig.clone()),
        );
        with_unchecked(&mut out, &unchecked);
        return out;
    }
    let reserved: Vec<String> = all
        .iter()
        .filter(|ip| is_reserved(ip))
        .map(IpAddr::to_string)
        .collect();
    if !reserved.is_empty() {
        // Only reserved addresses: if public DNS says the same, the CA has nothing to try
        // (Let's Encrypt: "no valid A records"). A split-horizon resolver here may differ.
        let only = reserved.len() == all.len();
        let mut f = Finding::new(
            Code::Http01PrivateAddress,
            Severity::Warning,
            t.subject.clone(),
            format!(
                "{} resolves to reserved or private addresses ({}) that a public CA cannot reach",
                t.dns_name,
                reserved.join(", ")
            ),
            remedy::HTTP01_PRIVATE_ADDRESS,
        )
        .reproduce(dig.clone());
        if only {
            f = f
                .evidence("every address is reserved: if public DNS returns the same, the CA has no address to validate (Let's Encrypt: \"no valid A records found\")")
                .reproduce(format!("dig @1.1.1.1 +short A {0}; dig @1.1.1.1 +short AAAA {0}", t.dns_name));
        }
        out.push(f);
    }
    if let Some(f) = lb::dns_not_ingress(t, o, &all) {
        out.push(f.reproduce(dig.clone()));
    }
    let mut seen = Vec::new();
    // Let's Encrypt falls back to IPv4 when IPv6 does not connect: broken IPv6 next to a
    // reachable IPv4 address is a warning, and the IPv4 answer decides.
    let v4_reachable = o.fetches.iter().any(|f| {
        !f.ipv6
            && (!matches!(f.end, FetchEnd::Unreachable(_))
                || f.hops.first().is_some_and(|h| h.status.is_some()))
    });
    for f in &o.fetches {
        let resolve = format!(
            "curl -sv --connect-to {}:80:{} {url}",
            t.dns_name, f.address
        );
        // Port 80 answered with a redirect to HTTPS, and the HTTPS side is what fails: the
        // redirect is the cause, not port 80 (the CA follows it and fails the same way).
        let https_side =
            f.hops.len() > 1 && f.hops.last().is_some_and(|h| h.url.starts_with("https://"));
        let finding = match &f.end {
            FetchEnd::Body(b) if *b == t.expected => continue,
            FetchEnd::Status(s) if https_side => Finding::new(
                Code::Http01BadRedirect,
                Severity::Error,
                t.subject.clone(),
                format!(
                    "{} redirects the challenge path to HTTPS, which answers {s}",
                    f.address
                ),
                HTTPS_REDIRECT_REMEDY,
            ),
            FetchEnd::Unreachable(why) if https_side && !host.local_failure(&f.address, why) => {
                Finding::new(
                    Code::Http01BadRedirect,
                    Severity::Error,
                    t.subject.clone(),
                    format!(
                        "{} redirects the challenge path to HTTPS, which fails: {why}",
                        f.address
                    ),
                    HTTPS_REDIRECT_REMEDY,
                )
            }
            // cert-manager's self-check compares the body exactly (`http.go`
            // testReachability); Let's Encrypt trims trailing whitespace. A key followed by a
            // newline passes the CA and never the self-check.
            FetchEnd::Body(b) if b.trim_end() == t.expected => Finding::new(
                Code::Http01WrongBody,
                Severity::Error,
                t.subject.clone(),
                format!(
                    "{} serves the key authorization followed by whitespace: Let's Encrypt would accept it, but cert-manager's self-check compares the body exactly and never passes",
                    f.address
                ),
                remedy::HTTP01_TRAILING_WHITESPACE,
            ),
            FetchEnd::Body(b) => Finding::new(
                Code::Http01WrongBody,
                Severity::Error,
                t.subject.clone(),
                format!(
                    "{} serves a body that is not the key authorization",
                    f.address
                ),
                remedy::HTTP01_WRONG_BODY,
            )
            .evidence(format!(
                "got: {:?}",
                crate::sanitize::clean(&b.chars().take(120).collect::<String>())
            ))
            .evidence(format!("expected: {:?}", t.expected)),
            // Redirected elsewhere first: the redirect is what sends the CA away from the
            // solver, the last server only answers for its own site.
            FetchEnd::Status(s) if f.hops.len() > 1 => Finding::new(
                Code::Http01WrongStatus,
                Severity::Error,
                t.subject.clone(),
                format!(
                    "{} redirects the challenge path to {}, which answers {s}",
                    f.address,
                    f.hops.last().map_or("-", |h| h.url.as_str())
                ),
                remedy::HTTP01_REDIRECTED_AWAY,
            ),
            FetchEnd::Status(s) => Finding::new(
                Code::Http01WrongStatus,
                Severity::Error,
                t.subject.clone(),
                format!("{} answers {s} for the challenge path, not 200", f.address),
                match s {
                    404 => {
                        "The request reaches a server that does not route the challenge path to cert-manager's solver: check the solver Ingress's class and that the ingress controller serving this address picks it up."
                    }
                    503 | 502 => {
                        "The route exists but the solver pod or Service behind it is not ready: check the cm-acme-http-solver pod and its Service endpoints."
                    }
                    401 | 403 => {
                        "Something in front (auth, WAF, IP allow-list) blocks the challenge path; exempt /.well-known/acme-challenge/."
                    }
                    _ => "Make the challenge path answer 200 with the key authorization.",
                },
            ),
            FetchEnd::BadRedirect(why) => Finding::new(
                Code::Http01BadRedirect,
                Severity::Error,
                t.subject.clone(),
                format!("{}: {why}", f.address),
                remedy::HTTP01_BAD_REDIRECT,
            ),
            // A redirect target this machine could not look up: nothing was checked there.
            FetchEnd::RedirectLookupFailed(why) => Finding::new(
                Code::Http01LookupFailed,
                Severity::Warning,
                t.subject.clone(),
                format!("{} answers with a {why}", f.address),
                "This may be only this machine's resolver: ask a public resolver for the redirect target (dig @1.1.1.1). If it answers, re-run with --nameserver 1.1.1.1; if it fails too, the CA cannot follow the redirect either.",
            ),
            FetchEnd::Unreachable(why) if host.local_failure(&f.address, why) => Finding::new(
                Code::ProbeHostNoRoute,
                Severity::Info,
                t.subject.clone(),
                format!("{} could not be tried from this machine ({why})", f.address),
                "This machine has no route to that address family; the CA's view is not affected. Re-run the probe from a host with IPv6 (or the in-cluster Job) to check that address.",
            ),
            FetchEnd::Unreachable(why) => {
                if f.ipv6 && v4_reachable {
                    Finding::new(
                        Code::Http01Ipv6Broken,
                        Severity::Warning,
                        t.subject.clone(),
                        format!(
                            "IPv6 address {} does not answer ({why}) while IPv4 does",
                            f.address
                        ),
                        remedy::HTTP01_IPV6_BROKEN,
                    )
                } else {
                    let mut u = Finding::new(
                        Code::Http01Unreachable,
                        Severity::Error,
                        t.subject.clone(),
                        format!(
                            "{} over {}: {why}",
                            f.address,
                            if f.ipv6 { "IPv6" } else { "IPv4" }
                        ),
                        unreachable_remedy(why),
                    );
                    // A silent IPv6 address may be this machine's IPv6, which the probe
                    // cannot tell apart from the server's: say so, with the test that decides.
                    if f.ipv6 && !why.contains("refused") {
                        u = u
                            .evidence("this machine's own IPv6 may be what fails: if the IPv6 check below fails too, this says nothing about the server")
                            .reproduce("curl -6 -sI https://www.google.com  # does this machine reach anything over IPv6?");
                    }
                    u
                }
            }
        };
        let dedupe = (finding.code, finding.message.replace(&f.address, ""));
        if seen.contains(&dedupe) {
            continue;
        }
        seen.push(dedupe);
        let mut finding = finding.reproduce(resolve);
        if !f.hops.is_empty() {
            finding = finding.evidence(format!("requests: {}", chain_text(&f.hops)));
        }
        out.push(finding.reproduce(curl.clone()));
    }
    with_unchecked(&mut out, &unchecked);
    out
}

/// Adds the load balancers not resolved from here to the findings about reaching the name,
/// where whether the name points at them would matter.
/// The fix for a fetch that got no HTTP answer, by how it failed (as Let's Encrypt words
/// them: "Timeout during connect (likely firewall problem)" against "Timeout after connect
/// (your server may be slow or overloaded)").
fn unreachable_remedy(why: &str) -> &'static str {
    if why.starts_with("connected, then") {
        remedy::HTTP01_SLOW
    } else if why.contains("invalid HTTP") || why.contains("HTTP version") {
        remedy::HTTP01_NOT_HTTP
    } else {
        remedy::HTTP01_UNREACHABLE
    }
}

fn with_unchecked(out: &mut [Finding], unchecked: &[String]) {
    for f in out.iter_mut().filter(|f| {
        matches!(
            f.code,
            Code::Http01NoAddress
                | Code::Http01PrivateAddress
                | Code::Http01Unreachable
                | Code::Http01WrongStatus
                | Code::Http01WrongBody
        )
    }) {
        f.evidence.extend(unchecked.iter().cloned());
    }
}

/// Remedies of this level, kept out of the control flow above.
mod remedy {
    pub const HTTP01_NO_ADDRESS: &str =
        "Create the DNS record pointing at the ingress or load balancer that serves this host.";
    pub const HTTP01_PRIVATE_ADDRESS: &str = "A public CA validates from the internet: publish a public address, or use DNS-01. (A private ACME CA inside your network may reach it.)";
    pub const HTTP01_WRONG_BODY: &str = "Another backend answers for this path: check that the solver's Ingress/HTTPRoute wins over the app's routes (ingress class, path precedence, a catch-all or auth middleware).";
    pub const HTTP01_TRAILING_WHITESPACE: &str = "Something between the solver and the client rewrites the body (a proxy or middleware adding a newline, a custom error or response filter): serve the solver's answer unchanged on the challenge path.";
    pub const HTTP01_BAD_REDIRECT: &str = "The CA follows at most 10 redirects, only to http/https on ports 80/443, only 301/302/307/308, and never a loop; fix the redirect or exempt the challenge path from it.";
    pub const HTTP01_IPV6_BROKEN: &str = "Let's Encrypt tries IPv6 first and only falls back to IPv4 on connection failure: remove the AAAA record or make the service reachable over IPv6.";
    pub const HTTP01_REDIRECTED_AWAY: &str = "The challenge path is redirected away from the solver (often an apex-to-www or canonical-host redirect on the app's Ingress, or a CDN rule); the CA follows it and gets the target's answer. Exempt /.well-known/acme-challenge/ from the redirect so the solver answers on the name itself.";
    pub const HTTP01_SLOW: &str = "Something accepts the connection on port 80 but does not answer in time: a slow or overloaded backend, or a proxy waiting on one. Check the ingress controller's logs and the service behind the challenge path.";
    pub const HTTP01_NOT_HTTP: &str = "What answers on port 80 does not speak plain HTTP (often TLS on port 80, or another protocol): the CA sends plain HTTP to port 80; fix the listener or the load balancer's port mapping.";
    pub const HTTP01_UNREACHABLE: &str = "Nothing accepts connections on port 80 there: check the load balancer, firewall and security groups (port 80 must be open to the internet for HTTP-01).";
}
