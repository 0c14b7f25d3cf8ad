//! Network probes, run from the operator's machine: HTTP-01 fetches, DNS-01 TXT checks at
//! every authoritative server, and CAA lookups. Bounded everywhere — one timeout per query
//! or request, a cap on concurrent probes, on redirects, CNAMEs and body size — and never a
//! write anywhere: no ACME order, no change to the cluster.
//!
//! I/O only: [`run`] takes the [`Plan`] `diagnose` built and returns the [`Observations`],
//! filed under typed keys; judging them is `diagnose`'s work.

pub mod dns;
pub mod http;
pub mod tls;

mod each;

pub use each::presented;
use each::{probe_caa, probe_dns, probe_http, probe_tls};
use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use futures::stream::{self, StreamExt};

use crate::model::observation::{
    CaaLookups, ChallengeKey, Dns01Observation, DnsProbe, Handshake, Http01Observation, HttpProbe,
    NsAnswer, Observations, Plan, ProbeHost, TlsObservation,
};
use crate::model::observation::{FetchEnd, no_address_verdict};

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
#[derive(Debug, Clone, PartialEq, Eq)]
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
    /// Port TLS handshakes for port 443 connect to on resolved addresses (443 in real life).
    pub https_port: u16,
}

impl ProbeOptions {
    fn connect_to(&self, host: &str, port: u16) -> Option<SocketAddr> {
        self.connect_to
            .iter()
            .find(|c| c.host.eq_ignore_ascii_case(host) && c.port == port)
            .map(|c| c.to)
    }
}

/// Routes redirect hops: `--connect-to` first, else DNS.
struct Router<'a> {
    opts: &'a ProbeOptions,
    dns: Option<&'a dns::Dns>,
}

impl http::Route for Router<'_> {
    async fn route(&self, host: &str, port: u16, ipv6: bool) -> Result<SocketAddr, http::NoRoute> {
        if let Some(a) = self.opts.connect_to(host, port) {
            return Ok(a);
        }
        if let Ok(ip) = host.parse::<IpAddr>() {
            return Ok(SocketAddr::new(ip, port));
        }
        let Some(dns) = self.dns else {
            return Err(http::NoRoute::LookupFailed("no resolver".into()));
        };
        let (a, aaaa) = dns::addresses(dns, host).await;
        let port = if port == 80 {
            self.opts.http_port
        } else {
            port
        };
        let (v4, v6) = (
            a.as_deref().unwrap_or_default(),
            aaaa.as_deref().unwrap_or_default(),
        );
        let pick = if ipv6 {
            v6.first().or(v4.first())
        } else {
            v4.first().or(v6.first())
        };
        if let Some(ip) = pick {
            return Ok(SocketAddr::new(*ip, port));
        }
        // No address: an answer (NXDOMAIN, or no records for both) or a failed lookup.
        match no_address_verdict(&a, &aaaa) {
            Some(why) => Err(http::NoRoute::NoAddress(why.into())),
            None => Err(http::NoRoute::LookupFailed(
                a.err().or(aaaa.err()).unwrap_or_default(),
            )),
        }
    }
}

enum Job<'a> {
    Http(&'a HttpProbe),
    Dns(&'a DnsProbe),
    /// One CAA walk per distinct name, whatever number of Certificates share it.
    Caa(&'a str),
    /// One set of TLS handshakes per distinct host.
    Tls(&'a str),
}

enum Seen {
    Http(ChallengeKey, Http01Observation),
    Dns(ChallengeKey, Dns01Observation),
    Caa(String, CaaLookups),
    Tls(String, TlsObservation),
    /// Cut off by the run's deadline.
    Unfinished(String),
}

/// How many more probes may be in flight than connections: a probe's lookups (UDP queries,
/// one small datagram each) run this much wider than its fetches and handshakes.
pub const DNS_CONCURRENCY_FACTOR: usize = 8;

impl Job<'_> {
    /// The probe in words, for the note when it did not finish.
    fn describe(&self) -> String {
        match self {
            Job::Http(t) => format!("HTTP-01 {}", t.dns_name),
            Job::Dns(t) => format!("DNS-01 {}", t.dns_name),
            Job::Caa(name) => format!("CAA {name}"),
            Job::Tls(host) => format!("TLS {host}:443"),
        }
    }
}

/// The whole probe run ends by this long after it starts, whatever the servers do: twice
/// one probe's timeout (a probe is a lookup and then a fetch or a query), and a quarter of
/// a second for the timeouts that fire right at that moment to be recorded as evidence.
/// Probes still running then are named in [`Observations::unfinished`].
pub fn run_deadline(opts: &ProbeOptions) -> Duration {
    opts.timeout.saturating_mul(2) + Duration::from_millis(250)
}

/// Runs the plan: [`DNS_CONCURRENCY_FACTOR`] times `opts.concurrency` probes in flight, of
/// which at most `opts.concurrency` hold connections (HTTP fetches, TLS handshakes) at once,
/// all under one deadline ([`run_deadline`]); files each observation under the key of what
/// asked for it.
pub async fn run<'a>(plan: &'a Plan, opts: &ProbeOptions) -> Observations {
    let deadline = tokio::time::Instant::now() + run_deadline(opts);
    let resolver = dns::recursive(&opts.nameservers, opts.timeout);
    let res = resolver.as_ref();
    let mut caa_names: Vec<&str> = plan.caa.iter().map(|c| c.key.name.as_str()).collect();
    caa_names.sort_unstable();
    caa_names.dedup();
    let mut tls_hosts: Vec<&str> = plan.tls.iter().map(|t| t.key.host.as_str()).collect();
    tls_hosts.sort_unstable();
    tls_hosts.dedup();
    let jobs: Vec<Job> = plan
        .http
        .iter()
        .map(Job::Http)
        .chain(plan.dns.iter().map(Job::Dns))
        .chain(caa_names.into_iter().map(Job::Caa))
        .chain(tls_hosts.into_iter().map(Job::Tls))
        .collect();
    let total = jobs.len();
    let progress = indicatif::ProgressBar::new(total as u64);
    if total > 0 {
        progress.set_style(
            indicatif::ProgressStyle::with_template("{spinner} probing {pos}/{len} {wide_msg}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
    }
    // Lookups run DNS_CONCURRENCY_FACTOR times wider than connections: every job starts in
    // the wide pool, and HTTP fetches and TLS handshakes take a permit of `connections`
    // only for their connections, so thousands of names resolve while 32 connect.
    let concurrency = opts.concurrency.max(1);
    let connections = tokio::sync::Semaphore::new(concurrency);
    let one = |job: Job<'a>| {
        let (progress, connections) = (&progress, &connections);
        async move {
            let what = job.describe();
            let work = async {
                match job {
                    Job::Http(t) => {
                        Seen::Http(t.key.clone(), probe_http(t, opts, res, connections).await)
                    }
                    Job::Dns(t) => Seen::Dns(t.key.clone(), probe_dns(t, opts, res).await),
                    Job::Caa(name) => Seen::Caa(name.to_string(), probe_caa(name, res).await),
                    Job::Tls(host) => Seen::Tls(
                        host.to_string(),
                        probe_tls(host, 443, opts, res, connections).await,
                    ),
                }
            };
            let out = tokio::time::timeout_at(deadline, work)
                .await
                .unwrap_or(Seen::Unfinished(what));
            progress.inc(1);
            out
        }
    };
    let seen: Vec<Seen> = stream::iter(jobs.into_iter().map(one))
        .buffer_unordered(concurrency.saturating_mul(DNS_CONCURRENCY_FACTOR))
        .collect()
        .await;
    progress.finish_and_clear();
    let mut obs = Observations {
        probe_host: ProbeHost {
            no_ipv6_route: std::env::var_os(NO_IPV6_ENV).is_some_and(|v| v == "1"),
            resolver_silent: false,
        },
        ..Observations::default()
    };
    let mut caa: HashMap<String, CaaLookups> = HashMap::new();
    let mut tls: HashMap<String, TlsObservation> = HashMap::new();
    for s in seen {
        match s {
            Seen::Http(k, o) => {
                obs.http.insert(k, o);
            }
            Seen::Dns(k, o) => {
                obs.dns.insert(k, o);
            }
            Seen::Caa(name, o) => {
                caa.insert(name, o);
            }
            Seen::Tls(host, o) => {
                tls.insert(host, o);
            }
            Seen::Unfinished(what) => obs.unfinished.push(what),
        }
    }
    obs.unfinished.sort();
    for t in &plan.tls {
        if let Some(o) = tls.get(&t.key.host) {
            obs.tls.insert(t.key.clone(), o.clone());
        }
    }
    for c in &plan.caa {
        if let Some(o) = caa.get(&c.key.name) {
            obs.caa.insert(c.key.clone(), o.clone());
        }
    }
    obs.probe_host.resolver_silent = !plan.is_empty() && !obs.resolver_answered();
    obs
}

/// Test seam: `CERTDOCTOR_PROBE_NO_IPV6=1` makes the probes behave as on a machine without
/// an IPv6 route, which loopback tests cannot otherwise produce.
pub const NO_IPV6_ENV: &str = "CERTDOCTOR_PROBE_NO_IPV6";

/// Does this machine have a route to `ip`? A UDP `connect` only looks the route up (no
/// packet is sent) and fails with "network unreachable" when there is none, as on a laptop
/// without IPv6. Asked once per address and run: thousands of refused probes to one load
/// balancer need one answer, not a socket each.
fn routable(ip: IpAddr) -> bool {
    static ROUTES: std::sync::Mutex<Option<HashMap<IpAddr, bool>>> = std::sync::Mutex::new(None);
    let known = ROUTES
        .lock()
        .ok()
        .and_then(|m| m.as_ref().and_then(|m| m.get(&ip).copied()));
    if let Some(known) = known {
        return known;
    }
    let bind = if ip.is_ipv6() { "[::]:0" } else { "0.0.0.0:0" };
    let found = std::net::UdpSocket::bind(bind)
        .and_then(|s| s.connect(SocketAddr::new(ip, 53)))
        .is_ok();
    if let Ok(mut m) = ROUTES.lock() {
        m.get_or_insert_with(HashMap::new).insert(ip, found);
    }
    found
}

/// Marks a failure to reach `ip` as this machine's own when it has no route there, so the
/// judgement never blames the target for it.
fn own_failure(ip: IpAddr, why: String) -> String {
    if routable(ip) {
        why
    } else {
        format!("network is unreachable from this machine ({why})")
    }
}

/// This machine's name, for the note that probes ran here and not in the cluster.
pub fn host_label() -> String {
    std::fs::read_to_string("/etc/hostname")
        .ok()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "this host".into())
}
