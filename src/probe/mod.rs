//! Network probes, run from the operator's machine: HTTP-01 fetches, DNS-01 TXT checks at
//! every authoritative server, and CAA lookups. Bounded everywhere — one timeout per query
//! or request, a cap on concurrent probes, on redirects, CNAMEs and body size — and never a
//! write anywhere: no ACME order, no change to the cluster.
//!
//! [`plan`] (pure) picks what to probe from the chains; [`run`] does the I/O and hands the
//! observations to the pure converters in `crate::diagnose::probes`.

pub mod dns;
pub mod http;

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use futures::stream::{self, StreamExt};
use jiff::Timestamp;

use crate::diagnose::probes::{
    self as obs, CaaObservation, Dns01Observation, Dns01Target, Http01Observation, Http01Target,
    NsAnswer, ProbeResults,
};
use crate::diagnose::tree::challenge_key;
use crate::findings::{Finding, Subject};
use crate::model::chain::{Chain, IssuerLink};
use crate::model::snapshot::Snapshot;

/// `--connect-to HOST:PORT:ADDR:PORT`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectTo {
    /// Host as in the URL.
    pub host: String,
    /// Port as in the URL.
    pub port: u16,
    /// Where to connect instead.
    pub to: SocketAddr,
}

/// Validated probe options (built from `diagnose`'s flags by `cli::convert`).
#[derive(Debug, Clone)]
pub struct ProbeOptions {
    /// Recursive resolvers (empty = the system's).
    pub nameservers: Vec<SocketAddr>,
    /// HTTP connect overrides.
    pub connect_to: Vec<ConnectTo>,
    /// Timeout of each query or request (never zero).
    pub timeout: Duration,
    /// Probes in flight at once.
    pub concurrency: usize,
    /// Port of authoritative nameservers (53 in real life).
    pub dns_port: u16,
    /// Port HTTP-01 fetches connect to on resolved addresses (80 in real life).
    pub http_port: u16,
}

impl ProbeOptions {
    fn connect_to(&self, host: &str, port: u16) -> Option<SocketAddr> {
        self.connect_to
            .iter()
            .find(|c| c.host.eq_ignore_ascii_case(host) && c.port == port)
            .map(|c| c.to)
    }
}

/// A CAA check to make.
#[derive(Debug, Clone)]
pub struct CaaTarget {
    /// Finding subject (the Certificate, narrowed to the name).
    pub subject: Subject,
    /// The name as in the Certificate.
    pub name: String,
    /// CA domain.
    pub ca_domain: String,
    /// ACME account URI.
    pub account_uri: Option<String>,
    /// Validation method, when known.
    pub method: Option<String>,
}

/// What to probe.
#[derive(Debug, Default, Clone)]
pub struct ProbePlan {
    /// HTTP-01 challenges.
    pub http: Vec<Http01Target>,
    /// DNS-01 challenges.
    pub dns: Vec<Dns01Target>,
    /// CAA checks.
    pub caa: Vec<CaaTarget>,
}

fn ingress_addresses(snapshot: &Snapshot, ns: &str, host: &str) -> Vec<IpAddr> {
    let mut out = Vec::new();
    for ing in snapshot
        .ingresses
        .iter()
        .filter(|i| i.metadata.namespace.as_deref() == Some(ns))
    {
        let routes = ing
            .spec
            .as_ref()
            .and_then(|s| s.rules.as_ref())
            .is_some_and(|rules| {
                rules.iter().any(|r| {
                    r.host
                        .as_deref()
                        .is_some_and(|h| h.eq_ignore_ascii_case(host))
                })
            });
        if !routes {
            continue;
        }
        for lb in ing
            .status
            .as_ref()
            .and_then(|s| s.load_balancer.as_ref())
            .and_then(|l| l.ingress.as_ref())
            .into_iter()
            .flatten()
        {
            if let Some(ip) = lb.ip.as_deref().and_then(|i| i.parse().ok()) {
                out.push(ip);
            }
        }
    }
    out
}

/// Picks what to probe (pure): every Challenge still in play (not valid, not queued) of
/// Certificates being issued, and CAA for the names of every ACME Certificate — a CAA
/// record added since the last issuance breaks the next renewal of a healthy one.
pub fn plan(chains: &[Chain], snapshot: &Snapshot, _now: Timestamp) -> ProbePlan {
    let mut p = ProbePlan::default();
    for chain in chains {
        let needs_issuance = chain.is_issuing()
            || !chain.is_ready()
            || crate::model::stage::backoff(chain).is_some();
        for ch in chain.challenges.iter().filter(|_| needs_issuance) {
            let state = ch.status.as_ref().and_then(|s| s.state.as_deref());
            if state == Some("valid") || ch.is_queued() {
                continue;
            }
            let ns = ch.metadata.namespace.as_deref().unwrap_or("");
            let shown = ch.display_name();
            let subject = Subject::new(
                "Challenge",
                Some(ns),
                ch.metadata.name.as_deref().unwrap_or(""),
            )
            .part(&shown);
            if ch.spec.type_.eq_ignore_ascii_case("HTTP-01") {
                p.http.push(Http01Target {
                    key: challenge_key(ch),
                    subject,
                    dns_name: ch.spec.dns_name.clone(),
                    token: ch.spec.token.clone(),
                    expected: ch.spec.key.clone(),
                    ingress_addresses: ingress_addresses(snapshot, ns, &ch.spec.dns_name),
                });
            } else if ch.spec.type_.eq_ignore_ascii_case("DNS-01") {
                let follow = ch
                    .spec
                    .solver
                    .as_ref()
                    .and_then(|s| s.pointer("/dns01/cnameStrategy"))
                    .and_then(|v| v.as_str())
                    .is_some_and(|s| s.eq_ignore_ascii_case("Follow"));
                p.dns.push(Dns01Target {
                    key: challenge_key(ch),
                    subject,
                    dns_name: ch.spec.dns_name.clone(),
                    expected: ch.spec.key.clone(),
                    follow_cname: follow,
                });
            }
        }
        if let IssuerLink::Found { config, status, .. } = chain.issuer
            && let Some(acme) = &config.acme
            && let Some(ca) = obs::ca_domain(&acme.server)
        {
            let cert = chain.certificate;
            for name in &cert.spec.dns_names {
                let method = chain
                    .challenges
                    .iter()
                    .find(|c| {
                        c.spec.dns_name == name.trim_start_matches("*.")
                            && c.spec.wildcard == name.starts_with("*.")
                    })
                    .map(|c| c.spec.type_.to_ascii_lowercase());
                p.caa.push(CaaTarget {
                    subject: Subject::new(
                        "Certificate",
                        cert.metadata.namespace.as_deref(),
                        cert.metadata.name.as_deref().unwrap_or(""),
                    )
                    .part(name),
                    name: name.clone(),
                    ca_domain: ca.to_string(),
                    account_uri: status
                        .and_then(|s| s.acme.as_ref())
                        .and_then(|a| a.uri.clone()),
                    method,
                });
            }
        }
    }
    p
}

/// Routes redirect hops: `--connect-to` first, else DNS.
struct Router<'a> {
    opts: &'a ProbeOptions,
    dns: Option<&'a dns::Dns>,
}

impl http::Route for Router<'_> {
    async fn route(&self, host: &str, port: u16, ipv6: bool) -> Option<SocketAddr> {
        if let Some(a) = self.opts.connect_to(host, port) {
            return Some(a);
        }
        if let Ok(ip) = host.parse::<IpAddr>() {
            return Some(SocketAddr::new(ip, port));
        }
        let (a, aaaa) = dns::addresses(self.dns?, host).await;
        let (v4, v6) = (a.unwrap_or_default(), aaaa.unwrap_or_default());
        let pick = if ipv6 {
            v6.first().or(v4.first())
        } else {
            v4.first().or(v6.first())
        };
        let port = if port == 80 {
            self.opts.http_port
        } else {
            port
        };
        pick.map(|ip| SocketAddr::new(*ip, port))
    }
}

/// Most addresses of one family fetched per challenge.
const ADDRESSES_PER_FAMILY: usize = 4;

async fn probe_http(
    t: &Http01Target,
    opts: &ProbeOptions,
    res: Result<&dns::Dns, &String>,
) -> Vec<Finding> {
    let (a, aaaa) = match res {
        Ok(r) => dns::addresses(r, &t.dns_name).await,
        Err(e) => (Err(e.clone()), Err(e.clone())),
    };
    let url = format!(
        "http://{}/.well-known/acme-challenge/{}",
        t.dns_name, t.token
    );
    let router = Router {
        opts,
        dns: res.ok(),
    };
    let connect_to = opts.connect_to(&t.dns_name, 80);
    let targets: Vec<SocketAddr> = match connect_to {
        Some(to) => vec![to],
        None => {
            let v6 = aaaa
                .clone()
                .unwrap_or_default()
                .into_iter()
                .take(ADDRESSES_PER_FAMILY);
            let v4 = a
                .clone()
                .unwrap_or_default()
                .into_iter()
                .take(ADDRESSES_PER_FAMILY);
            v6.chain(v4)
                .map(|ip| SocketAddr::new(ip, opts.http_port))
                .collect()
        }
    };
    let mut fetches = Vec::new();
    for target in targets {
        fetches.push(http::fetch(&url, target, &router, opts.timeout).await);
    }
    let o = Http01Observation {
        a,
        aaaa,
        connect_to: connect_to.map(|c| c.to_string()),
        fetches,
    };
    obs::http01_findings(t, &o)
}

async fn probe_dns(
    t: &Dns01Target,
    opts: &ProbeOptions,
    res: Result<&dns::Dns, &String>,
) -> Vec<Finding> {
    let fqdn = format!("_acme-challenge.{}.", t.dns_name.trim_end_matches('.'));
    let res = match res {
        Ok(r) => r,
        Err(e) => {
            let o = Dns01Observation {
                fqdn,
                cnames: vec![],
                cname_error: None,
                zone: Err(e.clone()),
                ns_error: None,
                answers: vec![],
            };
            return obs::dns01_findings(t, &o);
        }
    };
    let (cnames, cname_error) = dns::cname_chain(res, &fqdn).await;
    let target = cnames.last().cloned().unwrap_or_else(|| fqdn.clone());
    let zone = dns::find_zone(res, &target).await;
    let mut o = Dns01Observation {
        fqdn,
        cnames,
        cname_error,
        zone: zone.clone(),
        ns_error: None,
        answers: vec![],
    };
    if let Ok(z) = &zone {
        match dns::nameservers(res, z).await {
            Err(e) => o.ns_error = Some(e),
            Ok(servers) => {
                for (name, ips) in servers {
                    if ips.is_empty() {
                        o.answers.push(NsAnswer {
                            server: name.clone(),
                            address: "-".into(),
                            result: Err("the nameserver's own name does not resolve".into()),
                        });
                    }
                    for ip in ips {
                        let addr = SocketAddr::new(ip, opts.dns_port);
                        let result = dns::txt_at(addr, &target, opts.timeout).await;
                        o.answers.push(NsAnswer {
                            server: name.clone(),
                            address: addr.to_string(),
                            result,
                        });
                    }
                }
            }
        }
    }
    obs::dns01_findings(t, &o)
}

async fn probe_caa(t: &CaaTarget, res: Result<&dns::Dns, &String>) -> Vec<Finding> {
    let lookups = match res {
        Ok(r) => dns::caa_walk(r, &t.name).await,
        Err(e) => vec![(t.name.clone(), Err(e.clone()))],
    };
    let o = CaaObservation {
        name: t.name.clone(),
        lookups,
        ca_domain: Some(t.ca_domain.clone()),
        account_uri: t.account_uri.clone(),
        method: t.method.clone(),
    };
    obs::caa_findings(&t.subject, &o)
}

enum Job<'a> {
    Http(&'a Http01Target),
    Dns(&'a Dns01Target),
    Caa(&'a CaaTarget),
}

/// Runs the plan with at most `opts.concurrency` probes in flight.
pub async fn run(plan: ProbePlan, opts: &ProbeOptions, _now: Timestamp) -> ProbeResults {
    let resolver = dns::recursive(&opts.nameservers, opts.timeout);
    let res = resolver.as_ref();
    let jobs: Vec<Job> = plan
        .http
        .iter()
        .map(Job::Http)
        .chain(plan.dns.iter().map(Job::Dns))
        .chain(plan.caa.iter().map(Job::Caa))
        .collect();
    let total = jobs.len();
    let progress = indicatif::ProgressBar::new(total as u64);
    if total > 0 {
        progress.set_style(
            indicatif::ProgressStyle::with_template("{spinner} probing {pos}/{len} {wide_msg}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
    }
    let outcomes: Vec<(String, bool, Vec<Finding>)> = stream::iter(jobs.into_iter().map(|job| {
        let progress = &progress;
        async move {
            let out = match job {
                Job::Http(t) => (t.key.clone(), true, probe_http(t, opts, res).await),
                Job::Dns(t) => (t.key.clone(), true, probe_dns(t, opts, res).await),
                Job::Caa(t) => (t.name.clone(), false, probe_caa(t, res).await),
            };
            progress.inc(1);
            out
        }
    }))
    .buffer_unordered(opts.concurrency.max(1))
    .collect()
    .await;
    progress.finish_and_clear();
    let mut results = ProbeResults::default();
    let mut challenges: HashMap<String, Vec<Finding>> = HashMap::new();
    for (key, is_challenge, findings) in outcomes {
        if is_challenge {
            challenges.entry(key).or_default().extend(findings);
        } else {
            results.caa.entry(key).or_default().extend(findings);
        }
    }
    results.challenges = challenges;
    results
}

/// This machine's name, for the note that probes ran here and not in the cluster.
pub fn host_label() -> String {
    std::fs::read_to_string("/etc/hostname")
        .ok()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "this host".into())
}
