//! CAA observations → findings (RFC 8659 and 8657, as Let's Encrypt evaluates them), and the
//! CAA identifier of the CAs we know.

use crate::findings::{Code, Finding, Severity, Subject};
use crate::model::observation::{CaaLookups, CaaRecord};

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
/// `resolver_silent`: this machine's resolver answered nothing in the run, so a failed
/// lookup is reported as unchecked (a warning), not as the zone's fault.
pub fn caa_findings(subject: &Subject, o: &CaaObservation, resolver_silent: bool) -> Vec<Finding> {
    let Some(ca) = o.ca_domain.as_deref() else {
        return vec![];
    };
    let wildcard = o.name.starts_with("*.");
    let dig = |n: &str| format!("dig CAA {n}");
    let mut relevant: Option<(&str, &Vec<CaaRecord>)> = None;
    for (name, r) in &o.lookups {
        match r {
            Err(e) if resolver_silent => {
                return vec![
                    Finding::new(Code::CaaLookupFailed, Severity::Warning, subject.clone(), format!("the CAA lookup for {name} failed from this machine ({e}), whose resolver answered no query in this run: CAA was not checked"), remedy::CAA_LOOKUP_LOCAL)
                        .reproduce(format!("dig @1.1.1.1 CAA {name}")),
                ];
            }
            Err(e) => {
                return vec![
                    Finding::new(Code::CaaLookupFailed, Severity::Error, subject.clone(), format!("the CAA lookup for {name} failed ({e}); the CA refuses to issue when it cannot rule out CAA records"), remedy::CAA_LOOKUP_FAILED)
                        .reproduce(dig(name))
                        .reproduce(format!("dig @1.1.1.1 CAA {name}  # a public resolver: fails the same way when the zone is at fault")),
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
    // A record naming this CA that its parameters rule out: say which parameter.
    let narrowed = selected.iter().find_map(|r| {
        parameter_mismatch(&r.value, ca, o.account_uri.as_deref(), o.method.as_deref())
    });
    let message = match narrowed {
        Some(why) => format!(
            "CAA records at {found_at} allow {ca} to issue for {} only {why}",
            o.name
        ),
        None => format!(
            "CAA records at {found_at} do not allow {ca} to issue for {}",
            o.name
        ),
    };
    vec![evidence(
        Finding::new(Code::CaaForbidsCa, Severity::Error, subject.clone(), message, format!("Add `0 {} \"{ca}\"` at {found_at} (mind accounturi and validationmethods parameters), or the CA refuses with urn:ietf:params:acme:error:caa.", if wildcard { "issuewild" } else { "issue" })),
    )
    .reproduce(dig(found_at))]
}

/// Why a record that names `ca` still does not authorise this issuer: its `accounturi` is
/// another account, or its `validationmethods` leave out the one in use.
fn parameter_mismatch(
    value: &str,
    ca: &str,
    account: Option<&str>,
    method: Option<&str>,
) -> Option<String> {
    let mut parts = value.split(';');
    if !parts.next()?.trim().eq_ignore_ascii_case(ca) {
        return None;
    }
    for p in parts {
        let Some((k, v)) = p.trim().split_once('=') else {
            continue;
        };
        let v = v.trim();
        match k.trim().to_ascii_lowercase().as_str() {
            "accounturi" if account.is_some_and(|a| a != v) => {
                return Some(format!(
                    "for the ACME account {v}, not this issuer's account {}",
                    account.unwrap_or_default()
                ));
            }
            "validationmethods"
                if method
                    .is_some_and(|m| !v.split(',').any(|x| x.trim().eq_ignore_ascii_case(m))) =>
            {
                return Some(format!(
                    "by validation methods {v}, not {}",
                    method.unwrap_or_default()
                ));
            }
            _ => {}
        }
    }
    None
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
        caa_findings(&Subject::new("Certificate", Some("a"), "c"), o, false)
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
        let mut o = obs(
            "a.example.com",
            vec![("a.example.com", Ok(vec![dns_only.clone()]))],
        );
        o.method = Some("dns-01".into());
        assert!(codes(&o).is_empty());
    }

    #[test]
    fn a_record_for_this_ca_narrowed_by_a_parameter_names_the_parameter() {
        let message = |r: CaaRecord| {
            let o = obs("a.example.com", vec![("a.example.com", Ok(vec![r]))]);
            caa_findings(&Subject::new("Certificate", Some("a"), "c"), &o, false)[0]
                .message
                .clone()
        };
        let pinned = rec(
            "issue",
            "letsencrypt.org; accounturi=https://acme-v02.api.letsencrypt.org/acme/acct/2",
        );
        assert_eq!(
            message(pinned),
            "CAA records at a.example.com allow letsencrypt.org to issue for a.example.com only for the ACME account https://acme-v02.api.letsencrypt.org/acme/acct/2, not this issuer's account https://acme-v02.api.letsencrypt.org/acme/acct/1"
        );
        assert!(
            message(rec("issue", "letsencrypt.org; validationmethods=dns-01"))
                .ends_with("only by validation methods dns-01, not http-01")
        );
        assert!(
            message(rec("issue", "pki.goog"))
                .ends_with("do not allow letsencrypt.org to issue for a.example.com")
        );
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
}

/// Remedies of this level, kept out of the control flow above.
mod remedy {
    pub const CAA_LOOKUP_LOCAL: &str = "This machine's resolver failed every lookup, so this says nothing about the zone yet: re-run with --nameserver 1.1.1.1, or ask a public resolver. If it fails too, make the nameservers answer CAA queries (NOERROR with no records is fine).";
    pub const CAA_LOOKUP_FAILED: &str = "Make the nameservers answer CAA queries (NOERROR with no records is fine): SERVFAIL usually means broken DNSSEC, a timeout a firewall dropping unknown query types.";
}
