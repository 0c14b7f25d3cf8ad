//! Observations → findings: the pure functions that turn what the network probes saw
//! ([`crate::model::observation`]) into HTTP01_*, DNS01_* and CAA_* findings, given what the
//! cluster says each probe is about (the targets, built from the chain during the walk). The
//! probes themselves do the I/O (`crate::probe`); everything here is unit-testable on values.

use std::net::IpAddr;

use crate::findings::{Code, Finding, Severity, Subject};
use crate::model::observation::{
    CaaLookups, CaaRecord, Dns01Observation, FetchEnd, Hop, Http01Observation, NsAnswer, ProbeHost,
    is_reserved,
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
    /// Load-balancer addresses of the Ingresses that route this host.
    pub ingress_addresses: Vec<IpAddr>,
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
    if all.is_empty() && o.connect_to.is_none() {
        out.push(
            Finding::new(Code::Http01NoAddress, Severity::Error, t.subject.clone(), format!("{} has no A or AAAA record, so the CA cannot connect", t.dns_name), "Create the DNS record pointing at the ingress or load balancer that serves this host.")
                .evidence(format!("A: {}", addrs_text(&o.a)))
                .evidence(format!("AAAA: {}", addrs_text(&o.aaaa)))
                .reproduce(dig.clone()),
        );
        return out;
    }
    let reserved: Vec<String> = all
        .iter()
        .filter(|ip| is_reserved(ip))
        .map(IpAddr::to_string)
        .collect();
    if !reserved.is_empty() {
        out.push(
            Finding::new(Code::Http01PrivateAddress, Severity::Warning, t.subject.clone(), format!("{} resolves to reserved or private addresses ({}) that a public CA cannot reach", t.dns_name, reserved.join(", ")), "A public CA validates from the internet: publish a public address, or use DNS-01. (A private ACME CA inside your network may reach it.)")
                .reproduce(dig.clone()),
        );
    }
    if !t.ingress_addresses.is_empty()
        && !all.is_empty()
        && !all.iter().any(|ip| t.ingress_addresses.contains(ip))
    {
        out.push(
            Finding::new(Code::Http01DnsNotIngress, Severity::Warning, t.subject.clone(), format!("{} does not resolve to the load balancer of the Ingress that serves it", t.dns_name), "Point the DNS record at the Ingress's load-balancer address, or check with --connect-to that the ingress answers before changing DNS. (A CDN or proxy in front explains a difference.)")
                .evidence(format!("DNS: {}", all.iter().map(IpAddr::to_string).collect::<Vec<_>>().join(", ")))
                .evidence(format!("Ingress load balancer: {}", t.ingress_addresses.iter().map(IpAddr::to_string).collect::<Vec<_>>().join(", ")))
                .reproduce(dig.clone()),
        );
    }
    let mut seen = Vec::new();
    // Let's Encrypt falls back to IPv4 when IPv6 does not connect: broken IPv6 next to a
    // reachable IPv4 address is a warning, and the IPv4 answer decides.
    let v4_reachable = o
        .fetches
        .iter()
        .any(|f| !f.ipv6 && !matches!(f.end, FetchEnd::Unreachable(_)));
    for f in &o.fetches {
        let resolve = format!(
            "curl -sv --connect-to {}:80:{} {url}",
            t.dns_name, f.address
        );
        let finding = match &f.end {
            FetchEnd::Body(b) if *b == t.expected => continue,
            FetchEnd::Body(b) => Finding::new(Code::Http01WrongBody, Severity::Error, t.subject.clone(), format!("{} serves a body that is not the key authorization", f.address), "Another backend answers for this path: check that the solver's Ingress/HTTPRoute wins over the app's routes (ingress class, path precedence, a catch-all or auth middleware).")
                .evidence(format!("got: {:?}", crate::sanitize::clean(&b.chars().take(120).collect::<String>())))
                .evidence(format!("expected: {:?}", t.expected)),
            FetchEnd::Status(s) => Finding::new(Code::Http01WrongStatus, Severity::Error, t.subject.clone(), format!("{} answers {s} for the challenge path, not 200", f.address), match s {
                404 => "The request reaches a server that does not route the challenge path to cert-manager's solver: check the solver Ingress's class and that the ingress controller serving this address picks it up.",
                503 | 502 => "The route exists but the solver pod or Service behind it is not ready: check the cm-acme-http-solver pod and its Service endpoints.",
                401 | 403 => "Something in front (auth, WAF, IP allow-list) blocks the challenge path; exempt /.well-known/acme-challenge/.",
                _ => "Make the challenge path answer 200 with the key authorization.",
            }),
            FetchEnd::BadRedirect(why) => Finding::new(Code::Http01BadRedirect, Severity::Error, t.subject.clone(), format!("{}: {why}", f.address), "The CA follows at most 10 redirects, only to http/https on ports 80/443, only 301/302/307/308, and never a loop; fix the redirect or exempt the challenge path from it."),
            FetchEnd::Unreachable(why) if host.local_failure(&f.address, why) => Finding::new(
                Code::ProbeHostNoRoute,
                Severity::Info,
                t.subject.clone(),
                format!("{} could not be tried from this machine ({why})", f.address),
                "This machine has no route to that address family; the CA's view is not affected. Re-run the probe from a host with IPv6 (or the in-cluster Job) to check that address.",
            ),
            FetchEnd::Unreachable(why) => {
                if f.ipv6 && v4_reachable {
                    Finding::new(Code::Http01Ipv6Broken, Severity::Warning, t.subject.clone(), format!("IPv6 address {} does not answer ({why}) while IPv4 does", f.address), "Let's Encrypt tries IPv6 first and only falls back to IPv4 on connection failure: remove the AAAA record or make the service reachable over IPv6.")
                } else {
                    Finding::new(Code::Http01Unreachable, Severity::Error, t.subject.clone(), format!("{} over {}: {why}", f.address, if f.ipv6 { "IPv6" } else { "IPv4" }), "Nothing accepts connections on port 80 there: check the load balancer, firewall and security groups (port 80 must be open to the internet for HTTP-01).")
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
    out
}

// ---------------------------------------------------------------- DNS-01

/// What one DNS-01 probe is about.
#[derive(Debug, Clone)]
pub struct Dns01Target {
    /// Finding subject.
    pub subject: Subject,
    /// The name validated (no `*.`).
    pub dns_name: String,
    /// The TXT value expected.
    pub expected: String,
    /// The solver's `cnameStrategy` is `Follow`.
    pub follow_cname: bool,
}

/// Turns a DNS-01 observation into findings.
pub fn dns01_findings(t: &Dns01Target, o: &Dns01Observation, host: ProbeHost) -> Vec<Finding> {
    let mut out = Vec::new();
    let target = o.cnames.last().cloned().unwrap_or_else(|| o.fqdn.clone());
    if let Some(e) = &o.cname_error {
        out.push(Finding::new(Code::Dns01CnameMismatch, Severity::Error, t.subject.clone(), format!("the CNAME chain at {} is broken: {e}", o.fqdn), "Fix the CNAME records at _acme-challenge so they end at a name that can hold the TXT record.").reproduce(format!("dig CNAME {}", o.fqdn)));
    } else if !o.cnames.is_empty() && !t.follow_cname {
        out.push(
            Finding::new(Code::Dns01CnameMismatch, Severity::Error, t.subject.clone(), format!("{} is a CNAME to {target}, but the solver's cnameStrategy is not Follow: cert-manager writes the TXT at {} and checks {target}", o.fqdn, o.fqdn), "Set cnameStrategy: Follow on the dns01 solver (with credentials for the target zone), or remove the CNAME at _acme-challenge (beware of wildcard CNAMEs, which also match it).")
                .evidence(format!("CNAME chain: {} → {}", o.fqdn, o.cnames.join(" → ")))
                .reproduce(format!("dig CNAME {}", o.fqdn)),
        );
    }
    let zone = match &o.zone {
        Ok(z) => z.clone(),
        Err(e) => {
            out.push(Finding::new(Code::Dns01ZoneNotFound, Severity::Error, t.subject.clone(), format!("no zone (SOA) found for {target}: {e}"), "cert-manager cannot find where to write or check the record: check that the domain is delegated and that the resolver does not filter SOA records (dnsmasq filterwin2k).").reproduce(format!("dig SOA {target}")));
            return out;
        }
    };
    if let Some(e) = &o.ns_error {
        out.push(
            Finding::new(
                Code::Dns01ZoneNotFound,
                Severity::Error,
                t.subject.clone(),
                format!("the nameservers of zone {zone} could not be found: {e}"),
                "Check the zone's NS records and its delegation.",
            )
            .reproduce(format!("dig NS {zone}")),
        );
        return out;
    }
    let dig = |a: &NsAnswer| {
        format!(
            "dig @{} +norecurse TXT {target}",
            a.server.trim_end_matches('.')
        )
    };
    // cert-manager asks each nameserver by host name and any address that answers will do
    // (`wait.go checkAuthoritativeNss`): judge a host by its best answer, and keep the
    // addresses that failed only from this machine as a note about this machine.
    let mut hosts: Vec<&str> = o.answers.iter().map(|a| a.server.as_str()).collect();
    hosts.dedup();
    let mut local: Vec<&NsAnswer> = Vec::new();
    let mut judged: Vec<&NsAnswer> = Vec::new();
    for h in &hosts {
        let of_host: Vec<&NsAnswer> = o.answers.iter().filter(|a| a.server == *h).collect();
        let answered = |a: &&NsAnswer| {
            a.result.as_ref().is_ok() || a.result.as_ref().is_err_and(|e| e == "NXDOMAIN")
        };
        let is_local = |a: &&NsAnswer| {
            a.result
                .as_ref()
                .is_err_and(|e| host.local_failure(&a.address, e))
        };
        let host_answered = of_host.iter().any(answered);
        // An address that fails only over IPv6 while the host answered says something about
        // this machine's IPv6, not about the zone: a note, never an error.
        let v6 = |a: &&NsAnswer| a.address.starts_with('[');
        local.extend(
            of_host
                .iter()
                .filter(|a| !answered(a) && (is_local(a) || (host_answered && v6(a)))),
        );
        let best = of_host
            .iter()
            .find(|a| a.result.as_ref().is_ok_and(|v| v.contains(&t.expected)))
            .or_else(|| of_host.iter().find(|a| answered(a)))
            .or_else(|| of_host.iter().find(|a| !is_local(a)));
        if let Some(b) = best {
            judged.push(b);
        }
    }
    let has: Vec<&NsAnswer> = judged
        .iter()
        .copied()
        .filter(|a| a.result.as_ref().is_ok_and(|v| v.contains(&t.expected)))
        .collect();
    let failed: Vec<&NsAnswer> = judged
        .iter()
        .copied()
        .filter(|a| a.result.as_ref().is_err_and(|e| e != "NXDOMAIN"))
        .collect();
    let lacking: Vec<&NsAnswer> = judged
        .iter()
        .copied()
        .filter(|a| !has.contains(a) && !failed.contains(a))
        .collect();
    let others: Vec<String> = o
        .answers
        .iter()
        .filter_map(|a| a.result.as_ref().ok())
        .flatten()
        .filter(|v| **v != t.expected)
        .cloned()
        .collect();
    let describe = |a: &NsAnswer| match &a.result {
        Ok(v) if v.is_empty() => format!("{} ({}): no TXT record", a.server, a.address),
        Ok(v) => format!(
            "{} ({}): {}",
            a.server,
            a.address,
            v.iter()
                .map(|x| format!("{x:?}"))
                .collect::<Vec<_>>()
                .join(" ")
        ),
        Err(e) => format!("{} ({}): {e}", a.server, a.address),
    };
    if !failed.is_empty() {
        let mut f = Finding::new(
            Code::Dns01NameserverFailed,
            Severity::Error,
            t.subject.clone(),
            format!(
                "{} of zone {zone}'s nameservers did not answer the TXT query properly",
                failed.len()
            ),
            "cert-manager needs an answer from every authoritative nameserver: fix or remove the failing server from the zone's NS set.",
        );
        for a in &failed {
            f = f.evidence(describe(a)).reproduce(dig(a));
        }
        out.push(f);
    }
    if has.is_empty() && !lacking.is_empty() {
        let (code, msg, remedy) = if others.is_empty() {
            (
                Code::Dns01TxtMissing,
                format!("no authoritative nameserver of {zone} has the TXT record at {target}"),
                "The solver did not write the record (or wrote it in another zone): check the PresentError events, the solver's credentials and zone, and cnameStrategy.",
            )
        } else {
            (
                Code::Dns01TxtWrongValue,
                format!(
                    "the TXT record at {target} exists but holds other values than this challenge's key"
                ),
                "Old values from earlier attempts, or another system writing the record. cert-manager adds its value; remove stale ones if the provider replaces instead of appending.",
            )
        };
        let mut f = Finding::new(code, Severity::Error, t.subject.clone(), msg, remedy)
            .evidence(format!("expected: {:?}", t.expected));
        for a in &lacking {
            f = f.evidence(describe(a));
        }
        out.push(f.reproduce(dig(lacking[0])));
    } else if !has.is_empty() && !lacking.is_empty() {
        let names: Vec<&str> = lacking.iter().map(|a| a.server.as_str()).collect();
        let mut f = Finding::new(
            Code::Dns01TxtPartial,
            Severity::Error,
            t.subject.clone(),
            format!(
                "the TXT record is on {} of {} nameservers; missing on {}",
                has.len(),
                judged.len(),
                names.join(", ")
            ),
            "cert-manager waits until every authoritative nameserver serves it: a stale secondary, an old provider still in the NS set, or slow propagation. Remove stale NS records or fix the transfer.",
        );
        for a in o.answers.iter() {
            f = f.evidence(describe(a));
        }
        for a in &lacking {
            f = f.reproduce(dig(a));
        }
        out.push(f);
    }
    if !local.is_empty() {
        let mut f = Finding::new(
            Code::ProbeHostNoRoute,
            Severity::Info,
            t.subject.clone(),
            format!(
                "{} nameserver address{} did not answer this machine (no route here, or only over IPv6); each nameserver is judged by the addresses that answered",
                local.len(),
                if local.len() == 1 { "" } else { "es" }
            ),
            "This machine has no route to that address family (usually IPv6); cert-manager and the CA are not affected. Re-run from a host with IPv6 to check those addresses.",
        );
        for a in &local {
            f = f.evidence(describe(a));
        }
        out.push(f);
    }
    out
}

// ---------------------------------------------------------------- CAA

/// What the CAA probe saw for one certificate name.
#[derive(Debug, Clone)]
pub struct CaaObservation {
    /// The name as in the Certificate (may start with `*.`).
    pub name: String,
    /// Names queried from the name up to the TLD, each with its records or lookup error;
    /// the walk stops at the first non-empty set.
    pub lookups: CaaLookups,
    /// The CA's CAA domain (`letsencrypt.org`), when known.
    pub ca_domain: Option<String>,
    /// The ACME account URI (`Issuer.status.acme.uri`).
    pub account_uri: Option<String>,
    /// The validation method in use (`http-01`, `dns-01`), when known.
    pub method: Option<String>,
}

/// Does one `issue`/`issuewild` value authorize this CA, account and method?
fn authorizes(value: &str, ca: &str, account: Option<&str>, method: Option<&str>) -> bool {
    let mut parts = value.split(';');
    let domain = parts.next().unwrap_or("").trim();
    if !domain.eq_ignore_ascii_case(ca) {
        return false;
    }
    let mut accounturis = 0;
    for p in parts {
        let p = p.trim();
        if p.is_empty() {
            continue;
        }
        let Some((k, v)) = p.split_once('=') else {
            return false;
        };
        match k.trim().to_ascii_lowercase().as_str() {
            "accounturi" => {
                accounturis += 1;
                if accounturis > 1 || account.is_some_and(|a| a != v.trim()) {
                    return false;
                }
            }
            "validationmethods" => {
                if let Some(m) = method
                    && !v.split(',').any(|x| x.trim().eq_ignore_ascii_case(m))
                {
                    return false;
                }
            }
            _ => {}
        }
    }
    true
}

/// Evaluates CAA as RFC 8659/8657 and Let's Encrypt do; returns findings.
pub fn caa_findings(subject: &Subject, o: &CaaObservation) -> Vec<Finding> {
    let Some(ca) = o.ca_domain.as_deref() else {
        return vec![];
    };
    let wildcard = o.name.starts_with("*.");
    let dig = |n: &str| format!("dig CAA {n}");
    let mut relevant: Option<(&str, &Vec<CaaRecord>)> = None;
    for (name, r) in &o.lookups {
        match r {
            Err(e) => {
                return vec![
                    Finding::new(Code::CaaLookupFailed, Severity::Error, subject.clone(), format!("the CAA lookup for {name} failed ({e}); the CA refuses to issue when it cannot rule out CAA records"), "Make the nameservers answer CAA queries (NOERROR with no records is fine): SERVFAIL usually means broken DNSSEC, a timeout a firewall dropping unknown query types.")
                        .reproduce(dig(name)),
                ];
            }
            Ok(v) if !v.is_empty() => {
                relevant = Some((name.as_str(), v));
                break;
            }
            Ok(_) => {}
        }
    }
    let Some((found_at, records)) = relevant else {
        return vec![];
    };
    let known = ["issue", "issuewild", "iodef", "issuemail", "issuevmc"];
    let evidence = |f: Finding| {
        records.iter().fold(f, |f, r| {
            f.evidence(format!(
                "{found_at} CAA {} {} {:?}",
                if r.critical { 128 } else { 0 },
                r.tag,
                r.value
            ))
        })
    };
    if let Some(r) = records
        .iter()
        .find(|r| r.critical && !known.contains(&r.tag.as_str()))
    {
        return vec![evidence(Finding::new(Code::CaaForbidsCa, Severity::Error, subject.clone(), format!("a critical CAA record with unknown tag {:?} at {found_at} forbids all issuance for {}", r.tag, o.name), "Remove the critical flag or the unknown tag.")).reproduce(dig(found_at))];
    }
    let issuewild: Vec<&CaaRecord> = records.iter().filter(|r| r.tag == "issuewild").collect();
    let selected: Vec<&CaaRecord> = if wildcard && !issuewild.is_empty() {
        issuewild
    } else {
        records.iter().filter(|r| r.tag == "issue").collect()
    };
    if selected.is_empty()
        || selected
            .iter()
            .any(|r| authorizes(&r.value, ca, o.account_uri.as_deref(), o.method.as_deref()))
    {
        return vec![];
    }
    vec![evidence(
        Finding::new(Code::CaaForbidsCa, Severity::Error, subject.clone(), format!("CAA records at {found_at} do not allow {ca} to issue for {}", o.name), format!("Add `0 {} \"{ca}\"` at {found_at} (mind accounturi and validationmethods parameters), or the CA refuses with urn:ietf:params:acme:error:caa.", if wildcard { "issuewild" } else { "issue" })),
    )
    .reproduce(dig(found_at))]
}

/// The CAA identifier of the CA behind an ACME directory URL, for the CAs we know.
pub fn ca_domain(acme_server: &str) -> Option<&'static str> {
    let host = acme_server
        .split("://")
        .nth(1)?
        .split(['/', ':'])
        .next()?
        .to_ascii_lowercase();
    [
        ("letsencrypt.org", "letsencrypt.org"),
        ("zerossl.com", "sectigo.com"),
        ("pki.goog", "pki.goog"),
        ("buypass.com", "buypass.com"),
        ("ssl.com", "ssl.com"),
    ]
    .iter()
    .find(|(suffix, _)| host == *suffix || host.ends_with(&format!(".{suffix}")))
    .map(|(_, d)| *d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(tag: &str, value: &str) -> CaaRecord {
        CaaRecord {
            critical: false,
            tag: tag.into(),
            value: value.into(),
        }
    }

    fn obs(name: &str, lookups: Vec<(&str, Result<Vec<CaaRecord>, String>)>) -> CaaObservation {
        CaaObservation {
            name: name.into(),
            lookups: lookups
                .into_iter()
                .map(|(n, r)| (n.to_string(), r))
                .collect(),
            ca_domain: Some("letsencrypt.org".into()),
            account_uri: Some("https://acme-v02.api.letsencrypt.org/acme/acct/1".into()),
            method: Some("http-01".into()),
        }
    }

    fn codes(o: &CaaObservation) -> Vec<&'static str> {
        caa_findings(&Subject::new("Certificate", Some("a"), "c"), o)
            .iter()
            .map(|f| f.code.as_str())
            .collect()
    }

    #[test]
    fn caa_climbs_to_the_first_non_empty_set() {
        let o = obs(
            "www.example.com",
            vec![
                ("www.example.com", Ok(vec![])),
                ("example.com", Ok(vec![rec("issue", "letsencrypt.org")])),
            ],
        );
        assert!(codes(&o).is_empty());
        let o = obs(
            "www.example.com",
            vec![
                ("www.example.com", Ok(vec![])),
                ("example.com", Ok(vec![rec("issue", "pki.goog")])),
            ],
        );
        assert_eq!(codes(&o), ["CAA_FORBIDS_CA"]);
        let o = obs(
            "www.example.com",
            vec![("www.example.com", Err("SERVFAIL".into()))],
        );
        assert_eq!(codes(&o), ["CAA_LOOKUP_FAILED"]);
        let o = obs(
            "www.example.com",
            vec![("www.example.com", Ok(vec![])), ("example.com", Ok(vec![]))],
        );
        assert!(codes(&o).is_empty(), "no CAA anywhere allows");
    }

    #[test]
    fn issuewild_applies_only_to_wildcards_and_semicolon_forbids() {
        let recs = vec![rec("issue", "letsencrypt.org"), rec("issuewild", ";")];
        assert_eq!(
            codes(&obs(
                "*.example.com",
                vec![("example.com", Ok(recs.clone()))]
            )),
            ["CAA_FORBIDS_CA"]
        );
        assert!(codes(&obs("example.com", vec![("example.com", Ok(recs))])).is_empty());
        assert!(
            codes(&obs(
                "a.example.com",
                vec![(
                    "a.example.com",
                    Ok(vec![rec("iodef", "mailto:x@example.com")])
                )]
            ))
            .is_empty(),
            "no issue records: allowed"
        );
    }

    #[test]
    fn accounturi_and_validationmethods_must_match() {
        let pinned = rec(
            "issue",
            "letsencrypt.org; accounturi=https://acme-v02.api.letsencrypt.org/acme/acct/2",
        );
        assert_eq!(
            codes(&obs(
                "a.example.com",
                vec![("a.example.com", Ok(vec![pinned]))]
            )),
            ["CAA_FORBIDS_CA"]
        );
        let dns_only = rec("issue", "letsencrypt.org; validationmethods=dns-01");
        assert_eq!(
            codes(&obs(
                "a.example.com",
                vec![("a.example.com", Ok(vec![dns_only.clone()]))]
            )),
            ["CAA_FORBIDS_CA"]
        );
        let mut o = obs("a.example.com", vec![("a.example.com", Ok(vec![dns_only]))]);
        o.method = Some("dns-01".into());
        assert!(codes(&o).is_empty());
    }

    #[test]
    fn critical_unknown_tags_forbid_everything() {
        let r = CaaRecord {
            critical: true,
            tag: "tbs".into(),
            value: "x".into(),
        };
        assert_eq!(
            codes(&obs(
                "a.example.com",
                vec![(
                    "a.example.com",
                    Ok(vec![r, rec("issue", "letsencrypt.org")])
                )]
            )),
            ["CAA_FORBIDS_CA"]
        );
    }

    #[test]
    fn ca_domains_come_from_the_acme_server() {
        assert_eq!(
            ca_domain("https://acme-v02.api.letsencrypt.org/directory"),
            Some("letsencrypt.org")
        );
        assert_eq!(
            ca_domain("https://acme-staging-v02.api.letsencrypt.org/directory"),
            Some("letsencrypt.org")
        );
        assert_eq!(
            ca_domain("https://ca.internal:9000/acme/acme/directory"),
            None
        );
    }

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
