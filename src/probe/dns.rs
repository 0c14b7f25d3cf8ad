//! DNS lookups for the probes, with hickory: a recursive resolver (the system's, or the
//! `--nameserver` list) for A/AAAA/CNAME/SOA/NS/CAA, and direct non-recursive TXT queries to
//! each authoritative server, as cert-manager's DNS-01 self-check does. The recursive
//! resolver caches for the length of one run only (a new resolver each run), so every name,
//! zone and CAA parent that many Certificates share is asked once; the authoritative TXT
//! queries are never cached: every answer is what the servers say now.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use hickory_resolver::Resolver;
use hickory_resolver::config::{ConnectionConfig, NameServerConfig, ResolverConfig, ResolverOpts};
use hickory_resolver::net::runtime::TokioRuntimeProvider;
use hickory_resolver::net::{DnsError, NetError};
use hickory_resolver::proto::op::ResponseCode;
use hickory_resolver::proto::rr::{RData, RecordType};

use crate::model::observation::CaaRecord;

/// A resolver (recursive, or pinned to one authoritative server).
pub type Dns = Resolver<TokioRuntimeProvider>;

/// Answers the recursive resolver keeps for one run.
const RUN_CACHE_SIZE: u64 = 32_768;

/// Longest CNAME chain followed before calling it broken.
pub const MAX_CNAMES: usize = 8;

fn opts(timeout: Duration, recursion: bool) -> ResolverOpts {
    let mut o = ResolverOpts::default();
    o.timeout = timeout;
    o.attempts = 1;
    // One run's cache: shared zones, parents and CAA trees are asked once per run.
    o.cache_size = if recursion { RUN_CACHE_SIZE } else { 0 };
    o.ndots = 0;
    o.recursion_desired = recursion;
    o.edns0 = true;
    o
}

fn server(addr: SocketAddr) -> NameServerConfig {
    let mut udp = ConnectionConfig::udp();
    udp.port = addr.port();
    let mut tcp = ConnectionConfig::tcp();
    tcp.port = addr.port();
    NameServerConfig::new(addr.ip(), true, vec![udp, tcp])
}

/// A resolver asking exactly these servers (recursion as asked).
pub fn resolver_for(
    servers: &[SocketAddr],
    recursion: bool,
    timeout: Duration,
) -> Result<Dns, String> {
    let cfg =
        ResolverConfig::from_parts(None, vec![], servers.iter().copied().map(server).collect());
    Resolver::builder_with_config(cfg, TokioRuntimeProvider::default())
        .with_options(opts(timeout, recursion))
        .build()
        .map_err(|e| format!("cannot build a DNS resolver: {e}"))
}

/// The recursive resolver: `--nameserver` servers, else the system's (/etc/resolv.conf).
pub fn recursive(nameservers: &[SocketAddr], timeout: Duration) -> Result<Dns, String> {
    if !nameservers.is_empty() {
        return resolver_for(nameservers, true, timeout);
    }
    let mut b = Resolver::builder_tokio()
        .map_err(|e| format!("cannot read the system DNS configuration: {e}"))?;
    *b.options_mut() = opts(timeout, true);
    b.build()
        .map_err(|e| format!("cannot build a DNS resolver: {e}"))
}

/// One-word description of a lookup failure: `NXDOMAIN`, `no records`, `SERVFAIL`, …
pub fn error_text(e: &NetError) -> String {
    match e {
        NetError::Dns(DnsError::NoRecordsFound(nr))
            if nr.response_code == ResponseCode::NXDomain =>
        {
            "NXDOMAIN".into()
        }
        NetError::Dns(DnsError::NoRecordsFound(_)) => "no records".into(),
        NetError::Dns(DnsError::ResponseCode(rc)) => rcode_text(*rc),
        NetError::Timeout => "timed out".into(),
        other => {
            let t = other.to_string();
            if t.contains("timed out") {
                "timed out".into()
            } else {
                t
            }
        }
    }
}

fn rcode_text(rc: ResponseCode) -> String {
    match rc {
        ResponseCode::ServFail => "SERVFAIL".into(),
        ResponseCode::NXDomain => "NXDOMAIN".into(),
        ResponseCode::Refused => "REFUSED".into(),
        ResponseCode::NotImp => "NOTIMP".into(),
        other => format!("rcode {other}"),
    }
}

fn is_empty_answer(e: &NetError) -> bool {
    matches!(e, NetError::Dns(DnsError::NoRecordsFound(_)))
}

fn fqdn(name: &str) -> String {
    if name.ends_with('.') {
        name.to_string()
    } else {
        format!("{name}.")
    }
}

/// A and AAAA addresses of `name`, each with its own error.
pub async fn addresses(
    res: &Dns,
    name: &str,
) -> (Result<Vec<IpAddr>, String>, Result<Vec<IpAddr>, String>) {
    let q = fqdn(name);
    let get = |t: RecordType| {
        let q = q.clone();
        async move {
            match res.lookup(q.as_str(), t).await {
                Ok(l) => Ok(l
                    .answers()
                    .iter()
                    .filter_map(|r| match &r.data {
                        RData::A(a) => Some(IpAddr::V4(a.0)),
                        RData::AAAA(a) => Some(IpAddr::V6(a.0)),
                        _ => None,
                    })
                    .collect()),
                Err(e) if is_empty_answer(&e) && error_text(&e) != "NXDOMAIN" => Ok(vec![]),
                Err(e) => Err(error_text(&e)),
            }
        }
    };
    let (a, aaaa) = futures::join!(get(RecordType::A), get(RecordType::AAAA));
    (a, aaaa)
}

/// Follows CNAMEs from `name`; returns the targets in order, or an error for a loop or a
/// chain longer than [`MAX_CNAMES`].
pub async fn cname_chain(res: &Dns, name: &str) -> (Vec<String>, Option<String>) {
    let mut chain: Vec<String> = Vec::new();
    let mut current = fqdn(name);
    loop {
        let next = match res.lookup(current.as_str(), RecordType::CNAME).await {
            Ok(l) => l.answers().iter().find_map(|r| match &r.data {
                RData::CNAME(c) if r.name.to_string().eq_ignore_ascii_case(&current) => {
                    Some(c.0.to_string())
                }
                _ => None,
            }),
            Err(_) => None,
        };
        let Some(next) = next else {
            return (chain, None);
        };
        if next.eq_ignore_ascii_case(&fqdn(name))
            || chain.iter().any(|c| c.eq_ignore_ascii_case(&next))
        {
            return (chain, Some(format!("CNAME loop at {next}")));
        }
        chain.push(next.clone());
        if chain.len() > MAX_CNAMES {
            return (chain, Some(format!("more than {MAX_CNAMES} CNAMEs")));
        }
        current = next;
    }
}

/// Suffixes of a name, longest first, down to (and including) the TLD.
pub fn suffixes(name: &str) -> Vec<String> {
    let labels: Vec<&str> = name
        .trim_end_matches('.')
        .split('.')
        .filter(|l| !l.is_empty())
        .collect();
    (0..labels.len())
        .map(|i| format!("{}.", labels[i..].join(".")))
        .collect()
}

/// cert-manager's SOA walk: climb from `name` until an SOA owned by that very name answers.
pub async fn find_zone(res: &Dns, name: &str) -> Result<String, String> {
    for s in suffixes(name) {
        match res.lookup(s.as_str(), RecordType::SOA).await {
            Ok(l) => {
                if l.answers().iter().any(|r| {
                    matches!(r.data, RData::SOA(_)) && r.name.to_string().eq_ignore_ascii_case(&s)
                }) {
                    return Ok(s);
                }
            }
            Err(e) if is_empty_answer(&e) => {}
            Err(e) => return Err(format!("SOA query for {s} failed: {}", error_text(&e))),
        }
    }
    Err(format!("no SOA record found in the DNS tree above {name}"))
}

/// The zone's nameservers with their addresses.
pub async fn nameservers(res: &Dns, zone: &str) -> Result<Vec<(String, Vec<IpAddr>)>, String> {
    let l = res
        .lookup(zone, RecordType::NS)
        .await
        .map_err(|e| format!("NS query for {zone} failed: {}", error_text(&e)))?;
    let mut names: Vec<String> = l
        .answers()
        .iter()
        .filter_map(|r| match &r.data {
            RData::NS(ns) => Some(ns.0.to_string()),
            _ => None,
        })
        .collect();
    names.sort();
    names.dedup();
    let mut out = Vec::new();
    for n in names {
        let (a, aaaa) = addresses(res, &n).await;
        let mut ips = a.unwrap_or_default();
        ips.extend(aaaa.unwrap_or_default());
        out.push((n, ips));
    }
    Ok(out)
}

/// TXT values at `name`, asked of one server directly without recursion. NODATA is an
/// empty list; NXDOMAIN, SERVFAIL and timeouts are errors with their names.
pub async fn txt_at(
    server: SocketAddr,
    name: &str,
    timeout: Duration,
) -> Result<Vec<String>, String> {
    let res = resolver_for(&[server], false, timeout)?;
    match res.lookup(fqdn(name).as_str(), RecordType::TXT).await {
        Ok(l) => Ok(l
            .answers()
            .iter()
            .filter_map(|r| match &r.data {
                RData::TXT(t) => Some(
                    t.txt_data
                        .iter()
                        .map(|s| String::from_utf8_lossy(s).into_owned())
                        .collect::<String>(),
                ),
                _ => None,
            })
            .collect()),
        Err(e) if is_empty_answer(&e) && error_text(&e) != "NXDOMAIN" => Ok(vec![]),
        Err(e) => Err(error_text(&e)),
    }
}

/// CAA lookups from `name` (without `*.`) up the tree, stopping at the first non-empty
/// set or the first failure.
pub async fn caa_walk(res: &Dns, name: &str) -> Vec<(String, Result<Vec<CaaRecord>, String>)> {
    let mut out = Vec::new();
    for s in suffixes(name.trim_start_matches("*.")) {
        let r = match res.lookup(s.as_str(), RecordType::CAA).await {
            Ok(l) => Ok(l
                .answers()
                .iter()
                .filter_map(|r| match &r.data {
                    RData::CAA(c) => Some(CaaRecord {
                        critical: c.issuer_critical,
                        tag: c.tag.to_ascii_lowercase(),
                        value: String::from_utf8_lossy(&c.value).into_owned(),
                    }),
                    _ => None,
                })
                .collect::<Vec<_>>()),
            Err(e) if is_empty_answer(&e) => Ok(vec![]),
            Err(e) => Err(error_text(&e)),
        };
        let stop = !matches!(&r, Ok(v) if v.is_empty());
        out.push((s.trim_end_matches('.').to_string(), r));
        if stop {
            break;
        }
    }
    out
}
