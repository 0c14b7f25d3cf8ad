//! One probe each: an HTTP-01 fetch from every address, the DNS-01 TXT at every
//! authoritative nameserver, a TLS handshake with every address, a CAA walk. I/O only; the
//! observations are judged in `diagnose`.

use super::*;

/// Most addresses of one family fetched per challenge.
const ADDRESSES_PER_FAMILY: usize = 4;

/// Resolves, then fetches from every address while holding one of `connections`' permits.
pub(super) async fn probe_http(
    t: &HttpProbe,
    opts: &ProbeOptions,
    res: Result<&dns::Dns, &String>,
    connections: &tokio::sync::Semaphore,
) -> Http01Observation {
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
    // Every address at once, and the load balancers' names alongside: a probe takes one
    // fetch's time, not one per address.
    let fetches = futures::future::join_all(targets.into_iter().map(|target| {
        let (url, router) = (&url, &router);
        async move {
            let mut f = http::fetch(url, target, router, opts.timeout).await;
            if let FetchEnd::Unreachable(why) = f.end {
                f.end = FetchEnd::Unreachable(own_failure(target.ip(), why));
            }
            f
        }
    }));
    let lbs = futures::future::join_all(
        t.lb_hostnames
            .iter()
            .map(|name| async move { (name.clone(), lb_addresses(name, res).await) }),
    );
    let fetches = async {
        let _permit = connections.acquire().await;
        fetches.await
    };
    let (fetches, lb_addresses) = futures::join!(fetches, lbs);
    Http01Observation {
        a,
        aaaa,
        connect_to: connect_to.map(|c| c.to_string()),
        fetches,
        lb_addresses,
    }
}

/// The addresses of one load-balancer host name: A and AAAA together, or the error when
/// both failed, or "no A or AAAA record" when neither had any.
async fn lb_addresses(name: &str, res: Result<&dns::Dns, &String>) -> Result<Vec<IpAddr>, String> {
    if let Ok(ip) = name.trim_matches(['[', ']']).parse::<IpAddr>() {
        return Ok(vec![ip]);
    }
    let r = match res {
        Ok(r) => r,
        Err(e) => return Err(e.clone()),
    };
    match dns::addresses(r, name).await {
        (Err(e), Err(_)) => Err(e),
        (a, aaaa) => {
            let mut all = a.unwrap_or_default();
            all.extend(aaaa.unwrap_or_default());
            if all.is_empty() {
                Err("no A or AAAA record".into())
            } else {
                Ok(all)
            }
        }
    }
}

pub(super) async fn probe_dns(
    t: &DnsProbe,
    opts: &ProbeOptions,
    res: Result<&dns::Dns, &String>,
) -> Dns01Observation {
    let fqdn = format!("_acme-challenge.{}.", t.dns_name.trim_end_matches('.'));
    let res = match res {
        Ok(r) => r,
        Err(e) => {
            return Dns01Observation {
                fqdn,
                cnames: vec![],
                cname_error: None,
                zone: Err(e.clone()),
                ns_error: None,
                answers: vec![],
            };
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
                // Every server at once: a probe takes one query's time, not one per server.
                let mut queries = Vec::new();
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
                        let (name, target) = (name.clone(), &target);
                        queries.push(async move {
                            let result = dns::txt_at(addr, target, opts.timeout)
                                .await
                                .map_err(|e| own_failure(ip, e));
                            NsAnswer {
                                server: name,
                                address: addr.to_string(),
                                result,
                            }
                        });
                    }
                }
                o.answers.extend(futures::future::join_all(queries).await);
            }
        }
    }
    o
}

/// Handshakes with every address of `host` (at most [`ADDRESSES_PER_FAMILY`] per family,
/// IPv6 first), or with the `--connect-to` target for `host:port`. Port 443 on resolved
/// addresses becomes `opts.https_port` (the test seam). Only the handshakes hold one of
/// `connections`' permits; the lookup runs in the wider pool.
pub(super) async fn probe_tls(
    host: &str,
    port: u16,
    opts: &ProbeOptions,
    res: Result<&dns::Dns, &String>,
    connections: &tokio::sync::Semaphore,
) -> TlsObservation {
    let connect_to = opts.connect_to(host, port);
    let port_on_address = if port == 443 { opts.https_port } else { port };
    let (resolved, targets): (Result<Vec<IpAddr>, String>, Vec<SocketAddr>) = match connect_to {
        Some(to) => (Ok(vec![]), vec![to]),
        None => match host.trim_matches(['[', ']']).parse::<IpAddr>() {
            Ok(ip) => (Ok(vec![ip]), vec![SocketAddr::new(ip, port_on_address)]),
            Err(_) => {
                let (a, aaaa) = match res {
                    Ok(r) => dns::addresses(r, host).await,
                    Err(e) => (Err(e.clone()), Err(e.clone())),
                };
                let resolved = match (a, aaaa) {
                    (Err(e), Err(_)) => Err(e),
                    (a, aaaa) => {
                        let v6 = aaaa
                            .unwrap_or_default()
                            .into_iter()
                            .take(ADDRESSES_PER_FAMILY);
                        let v4 = a.unwrap_or_default().into_iter().take(ADDRESSES_PER_FAMILY);
                        Ok(v6.chain(v4).collect::<Vec<_>>())
                    }
                };
                let targets = resolved
                    .iter()
                    .flatten()
                    .map(|ip| SocketAddr::new(*ip, port_on_address))
                    .collect();
                (resolved, targets)
            }
        },
    };
    let _permit = connections.acquire().await;
    let handshakes = futures::future::join_all(targets.into_iter().map(|target| async move {
        let result = tls::handshake(target, host, opts.timeout)
            .await
            .map_err(|why| own_failure(target.ip(), why));
        Handshake {
            address: target.to_string(),
            result,
        }
    }))
    .await;
    TlsObservation {
        resolved,
        connect_to: connect_to.map(|c| c.to_string()),
        handshakes,
    }
}

/// What a server presents at `host:port` (`inspect url`): resolved with `opts.nameservers`
/// or the system's resolver, `--connect-to` applied, one handshake per address.
pub async fn presented(host: &str, port: u16, opts: &ProbeOptions) -> TlsObservation {
    let resolver = dns::recursive(&opts.nameservers, opts.timeout);
    let connections = tokio::sync::Semaphore::new(opts.concurrency.max(1));
    probe_tls(host, port, opts, resolver.as_ref(), &connections).await
}

pub(super) async fn probe_caa(name: &str, res: Result<&dns::Dns, &String>) -> CaaLookups {
    match res {
        Ok(r) => dns::caa_walk(r, name).await,
        Err(e) => vec![(name.to_string(), Err(e.clone()))],
    }
}
