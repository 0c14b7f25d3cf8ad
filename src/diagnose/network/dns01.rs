//! DNS-01 observations → findings: the CNAME chain, the zone, and the TXT record at every
//! authoritative nameserver, each nameserver judged by its host as cert-manager does.

use crate::findings::{Code, Finding, Severity, Subject};
use crate::model::observation::{Dns01Observation, NsAnswer, ProbeHost};

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
        out.push(
            Finding::new(
                Code::Dns01CnameMismatch,
                Severity::Error,
                t.subject.clone(),
                format!("the CNAME chain at {} is broken: {e}", o.fqdn),
                remedy::DNS01_CNAME_MISMATCH,
            )
            .reproduce(format!("dig CNAME {}", o.fqdn)),
        );
    } else if !o.cnames.is_empty() && !t.follow_cname {
        out.push(
            Finding::new(Code::Dns01CnameMismatch, Severity::Error, t.subject.clone(), format!("{} is a CNAME to {target}, but the solver's cnameStrategy is not Follow: cert-manager writes the TXT at {} and checks {target}", o.fqdn, o.fqdn), remedy::DNS01_CNAME_MISMATCH_2)
                .evidence(format!("CNAME chain: {} → {}", o.fqdn, o.cnames.join(" → ")))
                .reproduce(format!("dig CNAME {}", o.fqdn)),
        );
    }
    let zone = match &o.zone {
        Ok(z) => z.clone(),
        // This machine's resolver answered nothing all run: the zone is not judged.
        Err(e) if host.resolver_silent => {
            out.push(
                Finding::new(
                    Code::Dns01ZoneNotFound,
                    Severity::Warning,
                    t.subject.clone(),
                    format!("the zone of {target} could not be looked up from this machine ({e}), whose resolver answered no query in this run: DNS-01 was not checked"),
                    "This says nothing about the zone yet: re-run with --nameserver 1.1.1.1, or ask a public resolver. If it fails too, check that the domain is delegated.",
                )
                .reproduce(format!("dig @1.1.1.1 SOA {target}")),
            );
            return out;
        }
        Err(e) => {
            out.push(
                Finding::new(
                    Code::Dns01ZoneNotFound,
                    Severity::Error,
                    t.subject.clone(),
                    format!("no zone (SOA) found for {target}: {e}"),
                    remedy::DNS01_ZONE_NOT_FOUND,
                )
                .reproduce(format!("dig SOA {target}")),
            );
            return out;
        }
    };
    // The SOA walk climbed above the registered domain (to `com.`, `co.uk.`): the domain is
    // not delegated, so no nameserver of it exists to hold the record.
    let registered =
        crate::model::ratelimit::registered_domain(target.trim_start_matches("_acme-challenge."));
    let zone_name = zone.trim_end_matches('.').to_ascii_lowercase();
    if registered != zone_name && registered.ends_with(&format!(".{zone_name}")) {
        out.push(
            Finding::new(
                Code::Dns01ZoneNotFound,
                Severity::Error,
                t.subject.clone(),
                format!("{registered} is not delegated: the zone search for {target} reached {zone}, above the registered domain"),
                format!("The parent zone ({zone}) has no NS records for {registered}: register the domain, or fix its delegation at the registrar, before DNS-01 can work."),
            )
            .reproduce(format!("dig NS {registered}"))
            .reproduce(format!("dig @1.1.1.1 SOA {registered}")),
        );
        return out;
    }
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

/// Remedies of this level, kept out of the control flow above.
mod remedy {
    pub const DNS01_CNAME_MISMATCH: &str = "Fix the CNAME records at _acme-challenge so they end at a name that can hold the TXT record.";
    pub const DNS01_CNAME_MISMATCH_2: &str = "Set cnameStrategy: Follow on the dns01 solver (with credentials for the target zone), or remove the CNAME at _acme-challenge (beware of wildcard CNAMEs, which also match it).";
    pub const DNS01_ZONE_NOT_FOUND: &str = "cert-manager cannot find where to write or check the record: check that the domain is delegated and that the resolver does not filter SOA records (dnsmasq filterwin2k).";
}
