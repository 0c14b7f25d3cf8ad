//! The load balancers an HTTP-01 name should point at, judged from what their host names
//! (AWS ELB/NLB `status.loadBalancer.ingress[].hostname`, Gateway addresses of type
//! `Hostname`) resolved to from this machine: compared with the name's own addresses
//! (`HTTP01_DNS_NOT_INGRESS`), or, when DNS says such a name does not exist,
//! `HTTP01_LB_NO_ADDRESS`. A look-up that failed for this machine's own reasons (a resolver
//! that times out, SERVFAILs or refuses) is never blamed on the zone: it only says, as
//! evidence, that the comparison was not made.

use std::net::IpAddr;

use super::http01::Http01Target;
use crate::findings::{Code, Finding, Severity};
use crate::model::observation::{Http01Observation, dns_answered};

/// A load-balancer host name and the object whose status publishes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LbHostname {
    /// The host name (`a1b2.elb.eu-west-1.amazonaws.com`).
    pub name: String,
    /// `Ingress` or `Gateway`.
    pub kind: &'static str,
    /// Its namespace.
    pub namespace: String,
    /// Its name.
    pub object: String,
}

impl LbHostname {
    fn from(&self) -> String {
        format!("{} {}/{}", self.kind, self.namespace, self.object)
    }

    fn status_field(&self) -> &'static str {
        if self.kind == "Gateway" {
            "status.addresses"
        } else {
            "status.loadBalancer.ingress"
        }
    }
}

/// What the look-up of one load-balancer host name says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum LbLookup<'a> {
    /// Its addresses.
    Resolved(&'a [IpAddr]),
    /// DNS answered that it has none (NXDOMAIN, or no A and no AAAA record), from a resolver
    /// that answers: the zone's word, not this machine's failure.
    Missing(&'a str),
    /// Not known: the look-up failed here (timeout, SERVFAIL, no resolver) or was not made.
    Unchecked(&'a str),
}

/// The answers of `lb_addresses` that are DNS's own negative verdict on the name.
fn negative(why: &str) -> bool {
    why == "NXDOMAIN" || why == "no A or AAAA record"
}

/// True when this machine's resolver answered for the challenge's own name (records, none,
/// or NXDOMAIN): its negative answer for a load balancer's name is then believed.
fn resolver_answers(o: &Http01Observation) -> bool {
    dns_answered(&o.a) || dns_answered(&o.aaaa)
}

/// The look-up of `name` in the observation.
pub(super) fn lookup<'a>(o: &'a Http01Observation, name: &str) -> LbLookup<'a> {
    let found = o
        .lb_addresses
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name));
    match found.map(|(_, r)| r) {
        Some(Ok(ips)) => LbLookup::Resolved(ips),
        Some(Err(e)) if negative(e) && resolver_answers(o) => LbLookup::Missing(e),
        Some(Err(e)) => LbLookup::Unchecked(e),
        None => LbLookup::Unchecked("not looked up"),
    }
}

fn ips_text(ips: &[IpAddr]) -> String {
    ips.iter()
        .map(IpAddr::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// `HTTP01_DNS_NOT_INGRESS`: the name's addresses (`all`) are none of the load balancer's —
/// the Ingress and Gateway IPs and what their host names resolved to. A host name that DNS
/// says does not exist cannot be what the name resolves to, so it does not hold the judgement
/// back; one whose look-up failed here might be, so it does.
pub(super) fn dns_not_ingress(
    t: &Http01Target,
    o: &Http01Observation,
    all: &[IpAddr],
) -> Option<Finding> {
    let mut known: Vec<IpAddr> = t.ingress_addresses.clone();
    let mut lb_evidence = Vec::new();
    for lb in &t.ingress_hostnames {
        match lookup(o, &lb.name) {
            LbLookup::Resolved(ips) => {
                known.extend(ips.iter().copied());
                lb_evidence.push(format!(
                    "load balancer {} resolves to {}",
                    lb.name,
                    ips_text(ips)
                ));
            }
            LbLookup::Missing(why) => {
                lb_evidence.push(format!(
                    "load balancer {} does not resolve ({why})",
                    lb.name
                ));
            }
            LbLookup::Unchecked(_) => return None,
        }
    }
    if known.is_empty() || all.is_empty() || all.iter().any(|ip| known.contains(ip)) {
        return None;
    }
    let mut f = Finding::new(
        Code::Http01DnsNotIngress,
        Severity::Warning,
        t.subject.clone(),
        format!(
            "{} does not resolve to the load balancer of the Ingress that serves it",
            t.dns_name
        ),
        "Point the DNS record at the Ingress's load-balancer address, or check with --connect-to that the ingress answers before changing DNS. (A CDN or proxy in front explains a difference.)",
    )
    .evidence(format!("DNS: {}", ips_text(all)));
    if !t.ingress_addresses.is_empty() {
        f = f.evidence(format!(
            "Ingress load balancer: {}",
            ips_text(&t.ingress_addresses)
        ));
    }
    f.evidence.extend(lb_evidence);
    Some(f)
}

/// `HTTP01_LB_NO_ADDRESS`, one per load-balancer host name DNS says does not exist. It is the
/// likely cause (an error) when the name itself has no address (`no_address`) and no load
/// balancer of it resolves either: no record the operator writes can point anywhere live.
/// Otherwise a warning: the status names a load balancer that is gone, and whether the name
/// points at the right one cannot be told from it.
pub(super) fn lb_no_address(
    t: &Http01Target,
    o: &Http01Observation,
    no_address: bool,
) -> Vec<Finding> {
    let any_live = !t.ingress_addresses.is_empty()
        || t.ingress_hostnames
            .iter()
            .any(|lb| matches!(lookup(o, &lb.name), LbLookup::Resolved(ips) if !ips.is_empty()));
    let severity = if no_address && !any_live {
        Severity::Error
    } else {
        Severity::Warning
    };
    let name_addresses = |r: &Result<Vec<IpAddr>, String>| match r {
        Ok(v) if v.is_empty() => "no records".to_string(),
        Ok(v) => ips_text(v),
        Err(e) => e.clone(),
    };
    let mut out = Vec::new();
    for lb in &t.ingress_hostnames {
        let LbLookup::Missing(why) = lookup(o, &lb.name) else {
            continue;
        };
        out.push(
            Finding::new(
                Code::Http01LbNoAddress,
                severity,
                t.subject.clone(),
                format!(
                    "load balancer {} of {} does not resolve ({why}): it is gone or not provisioned, so no DNS record for {} can point at it",
                    lb.name,
                    lb.from(),
                    t.dns_name
                ),
                format!(
                    "The {}'s status names a load balancer DNS does not know. Check the Service of type LoadBalancer behind its controller (EXTERNAL-IP and events: the cloud may have failed to provision it, or it was deleted) and what the controller publishes (ingress-nginx --publish-service or --publish-status-address), then point {} (CNAME or alias) at the load balancer that exists.",
                    lb.kind, t.dns_name
                ),
            )
            .evidence(format!("{}: {} {}", lb.from(), lb.status_field(), lb.name))
            .evidence(format!("{}: {why}", lb.name))
            .evidence(format!(
                "{}: A {}; AAAA {}",
                t.dns_name,
                name_addresses(&o.a),
                name_addresses(&o.aaaa)
            ))
            .reproduce(format!("dig +short A {0}; dig +short AAAA {0}", lb.name))
            .reproduce(format!(
                "kubectl get {} {} -n {} -o jsonpath='{{.{}}}'",
                lb.kind.to_ascii_lowercase(),
                lb.object,
                lb.namespace,
                lb.status_field()
            )),
        );
    }
    out
}

/// One evidence line per load-balancer host name whose look-up failed here, saying that the
/// comparison with the name was not made and why; nothing is concluded from it.
pub(super) fn unchecked(t: &Http01Target, o: &Http01Observation) -> Vec<String> {
    t.ingress_hostnames
        .iter()
        .filter_map(|lb| match lookup(o, &lb.name) {
            LbLookup::Unchecked(why) => Some(format!(
                "load balancer {} of {} could not be resolved from this machine ({why}); whether {} points at it was not checked",
                lb.name,
                lb.from(),
                t.dns_name
            )),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn observation(
        name: Result<Vec<IpAddr>, String>,
        lb: Result<Vec<IpAddr>, String>,
    ) -> Http01Observation {
        Http01Observation {
            a: name.clone(),
            aaaa: name,
            connect_to: None,
            fetches: vec![],
            lb_addresses: vec![("lb.example.net".into(), lb)],
        }
    }

    /// DNS's "no such name" is believed only from a resolver that answered for the
    /// Challenge's name too; anything else is this machine's failure, never the zone's.
    #[test]
    fn a_negative_answer_counts_only_from_a_resolver_that_answers() {
        let ip: IpAddr = "192.0.2.7".parse().unwrap();
        let nx = || Err("NXDOMAIN".to_string());
        for (name, lb, want) in [
            (Ok(vec![ip]), nx(), "missing"),
            (nx(), nx(), "missing"),
            (Ok(vec![]), Err("no A or AAAA record".into()), "missing"),
            (Err("timed out".into()), nx(), "unchecked"),
            (Ok(vec![ip]), Err("SERVFAIL".into()), "unchecked"),
            (Ok(vec![ip]), Err("REFUSED".into()), "unchecked"),
            (Ok(vec![ip]), Ok(vec![ip]), "resolved"),
        ] {
            let o = observation(name.clone(), lb.clone());
            let got = match lookup(&o, "LB.example.net") {
                LbLookup::Resolved(_) => "resolved",
                LbLookup::Missing(_) => "missing",
                LbLookup::Unchecked(_) => "unchecked",
            };
            assert_eq!(got, want, "{name:?} {lb:?}");
        }
        let o = observation(Ok(vec![ip]), nx());
        assert_eq!(
            lookup(&o, "other.example.net"),
            LbLookup::Unchecked("not looked up")
        );
    }
}
