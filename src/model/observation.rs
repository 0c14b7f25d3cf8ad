//! What the network probes are asked to look at ([`Plan`]) and what they saw
//! ([`Observations`]), as plain data with typed keys. `diagnose` builds the plan from the chains
//! and turns the observations into findings; `probe` does only the I/O in between. Nothing here
//! is a judgement: a 404 is recorded as a status, not as a problem.

use std::collections::HashMap;
use std::net::IpAddr;

use serde::Serialize;

use crate::model::types::Challenge;

/// Which Challenge an HTTP-01 or DNS-01 observation belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ChallengeKey {
    /// Namespace of the Challenge.
    pub namespace: String,
    /// Name of the Challenge.
    pub name: String,
}

impl ChallengeKey {
    /// The key of one Challenge.
    pub fn of(ch: &Challenge) -> ChallengeKey {
        ChallengeKey {
            namespace: ch.metadata.namespace.clone().unwrap_or_default(),
            name: ch.metadata.name.clone().unwrap_or_default(),
        }
    }
}

/// Which Certificate and name a CAA observation belongs to. Keyed by the Certificate too:
/// two Certificates may share a name but not a CA, and a verdict is only true for its own.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CaaKey {
    /// The Certificate's uid (`namespace/name` when the object has none, as in hand-made dumps).
    pub certificate: String,
    /// The name as in the Certificate's `dnsNames` (may start with `*.`).
    pub name: String,
}

/// One HTTP-01 fetch to make: `http://<dns_name>/.well-known/acme-challenge/<token>`.
#[derive(Debug, Clone)]
pub struct HttpProbe {
    /// The Challenge it serves.
    pub key: ChallengeKey,
    /// The name validated.
    pub dns_name: String,
    /// The token (URL path).
    pub token: String,
    /// Load-balancer host names of the Ingresses and Gateways that route the name (AWS
    /// ELB/NLB `status.loadBalancer.ingress[].hostname`, Gateway addresses of type
    /// `Hostname`), resolved with the same resolver as the name.
    pub lb_hostnames: Vec<String>,
}

/// One DNS-01 look-up to make: the TXT at `_acme-challenge.<dns_name>` on every
/// authoritative nameserver.
#[derive(Debug, Clone)]
pub struct DnsProbe {
    /// The Challenge it serves.
    pub key: ChallengeKey,
    /// The name validated (without `*.`).
    pub dns_name: String,
}

/// One CAA walk to make, from the name up to the TLD.
#[derive(Debug, Clone)]
pub struct CaaProbe {
    /// The Certificate and name it serves.
    pub key: CaaKey,
}

/// Which Certificate and host a TLS observation belongs to: two Certificates may share a
/// host (one of them is then not the one served), and each is judged against its own Secret.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TlsKey {
    /// The Certificate's uid (`namespace/name` when the object has none).
    pub certificate: String,
    /// The host connected to (SNI), lower-case, never a wildcard.
    pub host: String,
}

/// One TLS handshake to make at every address of `key.host`, port 443, SNI = the host.
#[derive(Debug, Clone)]
pub struct TlsProbe {
    /// The Certificate and host it serves.
    pub key: TlsKey,
}

/// What to probe. Built purely by `diagnose::plan`; run by `probe::run`.
#[derive(Debug, Default, Clone)]
pub struct Plan {
    /// HTTP-01 fetches.
    pub http: Vec<HttpProbe>,
    /// DNS-01 TXT look-ups.
    pub dns: Vec<DnsProbe>,
    /// CAA walks.
    pub caa: Vec<CaaProbe>,
    /// TLS handshakes on 443 (what clients are served).
    pub tls: Vec<TlsProbe>,
}

impl Plan {
    /// Nothing to probe.
    pub fn is_empty(&self) -> bool {
        self.http.is_empty() && self.dns.is_empty() && self.caa.is_empty() && self.tls.is_empty()
    }
}

/// One TLS handshake at one address: the chain the server presented (DER, leaf first, as
/// sent), or why there was none (refused, timed out, not TLS).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Handshake {
    /// The address connected to (`ip:port`).
    pub address: String,
    /// The presented certificates, or the error.
    pub result: Result<Vec<Vec<u8>>, String>,
}

/// Everything the TLS probe saw for one host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsObservation {
    /// The addresses the name resolved to, or why it did not resolve (empty with
    /// `--connect-to`).
    pub resolved: Result<Vec<IpAddr>, String>,
    /// `--connect-to` target used instead of DNS, if any.
    pub connect_to: Option<String>,
    /// One handshake per address, IPv6 first.
    pub handshakes: Vec<Handshake>,
}

/// The CAA walk for one name: each name queried from the name up to the TLD, with its
/// records or the look-up error; the walk stops at the first non-empty set.
pub type CaaLookups = Vec<(String, Result<Vec<CaaRecord>, String>)>;

/// What the probes saw, by the key of what they were asked. A missing key means the probe
/// was not run (offline, or not in the plan).
#[derive(Debug, Default, Clone)]
pub struct Observations {
    /// HTTP-01 observations per Challenge.
    pub http: HashMap<ChallengeKey, Http01Observation>,
    /// DNS-01 observations per Challenge.
    pub dns: HashMap<ChallengeKey, Dns01Observation>,
    /// CAA walks per Certificate and name.
    pub caa: HashMap<CaaKey, CaaLookups>,
    /// TLS handshakes per Certificate and host.
    pub tls: HashMap<TlsKey, TlsObservation>,
    /// What the machine the probes ran on can reach.
    pub probe_host: ProbeHost,
    /// Probes cut off by the run's deadline, in words (`HTTP-01 app.example.com`): their
    /// evidence is missing, not negative.
    pub unfinished: Vec<String>,
}

/// What the operator's machine can reach: a failure that only this machine has (no IPv6
/// route) must never be blamed on the zone or the server.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct ProbeHost {
    /// Treat every IPv6 address as unreachable from here. Set only by the test seam
    /// `CERTDOCTOR_PROBE_NO_IPV6=1`; real runs find each address's route as they go.
    pub no_ipv6_route: bool,
    /// The recursive resolver this machine uses answered no query of the run (no records,
    /// no empty answer, no NXDOMAIN): a lookup failure then says more about this machine's
    /// resolver than about any zone. Set by the probe run from what it saw.
    pub resolver_silent: bool,
}

/// Whether one address lookup got DNS's own answer: records, an empty answer, or NXDOMAIN.
/// A timeout, SERVFAIL or REFUSED is not one: it may be only this machine's resolver.
pub fn dns_answered(r: &Result<Vec<IpAddr>, String>) -> bool {
    match r {
        Ok(_) => true,
        Err(e) => e == "NXDOMAIN",
    }
}

/// For a name whose A and AAAA lookups gave no address: DNS's verdict that it has none
/// (`NXDOMAIN`, or `no A or AAAA record` when both answered empty), or `None` when a lookup
/// failed and nothing is known.
pub fn no_address_verdict(
    a: &Result<Vec<IpAddr>, String>,
    aaaa: &Result<Vec<IpAddr>, String>,
) -> Option<&'static str> {
    let nx = |r: &Result<Vec<IpAddr>, String>| matches!(r, Err(e) if e == "NXDOMAIN");
    if nx(a) || nx(aaaa) {
        Some("NXDOMAIN")
    } else if a.is_ok() && aaaa.is_ok() {
        Some("no A or AAAA record")
    } else {
        None
    }
}

impl Observations {
    /// Whether the recursive resolver answered anything in this run: an address, a CAA set,
    /// a zone, an empty answer or NXDOMAIN. `false` also when nothing was looked up.
    pub fn resolver_answered(&self) -> bool {
        self.http
            .values()
            .any(|h| dns_answered(&h.a) || dns_answered(&h.aaaa))
            || self
                .tls
                .values()
                .any(|t| t.connect_to.is_none() && dns_answered(&t.resolved))
            || self.caa.values().any(|c| c.iter().any(|(_, r)| r.is_ok()))
            || self.dns.values().any(|d| d.zone.is_ok())
    }
}

impl ProbeHost {
    /// Is a failure to reach `address` (an `ip:port` or IP) this machine's own, not the
    /// target's? True for IPv6 addresses when there is no IPv6 route, and for any failure the
    /// kernel reported as "network unreachable" (no route from here at all).
    pub fn local_failure(&self, address: &str, error: &str) -> bool {
        let v6 = address.starts_with('[') || address.parse::<std::net::Ipv6Addr>().is_ok();
        let unreachable = {
            let e = error.to_ascii_lowercase();
            e.contains("network is unreachable") || e.contains("os error 101")
        };
        unreachable || (v6 && self.no_ipv6_route)
    }
}

/// Reserved and private ranges a public CA cannot reach (RFC 6890 and friends, as Let's
/// Debug lists them). The probe still tries them: the operator's network may reach them.
pub fn is_reserved(ip: &IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            v4.is_private()
                || v4.is_loopback()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_documentation()
                || o[0] == 0
                || (o[0] == 100 && (o[1] & 0xc0) == 64)
                || (o[0] == 192 && o[1] == 0 && o[2] == 0)
                || (o[0] == 198 && (o[1] & 0xfe) == 18)
                || o[0] >= 240
        }
        IpAddr::V6(v6) => {
            let s = v6.segments();
            v6.is_loopback()
                || v6.is_unspecified()
                || (s[0] & 0xfe00) == 0xfc00
                || (s[0] & 0xffc0) == 0xfe80
                || s[0] == 0x2001 && s[1] == 0x0db8
                || v6
                    .to_ipv4_mapped()
                    .is_some_and(|m| is_reserved(&IpAddr::V4(m)))
        }
    }
}

/// One request of a redirect chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Hop {
    /// The URL requested.
    pub url: String,
    /// Status, when an answer came.
    pub status: Option<u16>,
    /// Location header, for redirects.
    pub location: Option<String>,
}

/// How a fetch ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FetchEnd {
    /// A 200 with this body, as served (capped; whitespace kept: the self-check compares it
    /// exactly, the CA after trimming).
    Body(String),
    /// A final status other than 200.
    Status(u16),
    /// A redirect Let's Encrypt would not follow, and why.
    BadRedirect(String),
    /// No answer: connection refused, timeout, reset (with the error text).
    Unreachable(String),
    /// A redirect to a host this machine could not look up (timed out, SERVFAIL, REFUSED):
    /// nothing is known of the target, and the zone is not to blame.
    RedirectLookupFailed(String),
}

/// One fetch, from one address (or the `--connect-to` target).
#[derive(Debug, Clone)]
pub struct Fetch {
    /// The address connected to (`ip:port`).
    pub address: String,
    /// IPv6 or not.
    pub ipv6: bool,
    /// The requests made, redirects included.
    pub hops: Vec<Hop>,
    /// The end.
    pub end: FetchEnd,
}

/// Everything the HTTP-01 probe saw.
#[derive(Debug, Clone)]
pub struct Http01Observation {
    /// IPv4 addresses, or why the A lookup failed.
    pub a: Result<Vec<IpAddr>, String>,
    /// IPv6 addresses, or why the AAAA lookup failed.
    pub aaaa: Result<Vec<IpAddr>, String>,
    /// `--connect-to` target used instead of DNS, if any.
    pub connect_to: Option<String>,
    /// Fetches, IPv6 first.
    pub fetches: Vec<Fetch>,
    /// Each load-balancer host name of the plan with its A and AAAA addresses, or why it
    /// resolved to none (both look-ups failed, or neither had records).
    pub lb_addresses: Vec<(String, Result<Vec<IpAddr>, String>)>,
}

/// Everything the DNS-01 probe saw.
#[derive(Debug, Clone)]
pub struct Dns01Observation {
    /// `_acme-challenge.<dnsName>.`
    pub fqdn: String,
    /// CNAME targets followed from the fqdn, in order.
    pub cnames: Vec<String>,
    /// A CNAME loop or chain too long.
    pub cname_error: Option<String>,
    /// The zone found by the SOA walk, or why none was.
    pub zone: Result<String, String>,
    /// The zone's NS set lookup error, if it failed.
    pub ns_error: Option<String>,
    /// Answers per authoritative server.
    pub answers: Vec<NsAnswer>,
}

/// A CAA record in presentation form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaaRecord {
    /// Issuer-critical flag set.
    pub critical: bool,
    /// Tag, lower-cased (`issue`, `issuewild`, `iodef`, …).
    pub tag: String,
    /// Value as written (without quotes).
    pub value: String,
}

/// One authoritative server's answer for the TXT record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NsAnswer {
    /// Nameserver host name.
    pub server: String,
    /// Address queried (`ip:port`).
    pub address: String,
    /// TXT values, or `NXDOMAIN`, `SERVFAIL`, `timed out`, … (no records = empty list).
    pub result: Result<Vec<String>, String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reserved_addresses_are_flagged() {
        for ip in [
            "10.1.2.3",
            "192.168.0.1",
            "127.0.0.1",
            "100.64.0.1",
            "fd00::1",
            "::1",
            "203.0.113.5",
        ] {
            assert!(is_reserved(&ip.parse().unwrap()), "{ip}");
        }
        for ip in ["1.1.1.1", "2606:4700::1111"] {
            assert!(!is_reserved(&ip.parse().unwrap()), "{ip}");
        }
    }
}
