//! Let's Encrypt's weekly limits as the cluster shows them: per registered domain (the
//! public suffix list decides what that is), the certificates issued in the last 7 days
//! against 50 per week, and per exact set of names the issuances against the duplicate
//! limit of 5 per week. Renewals of the same set (non-ARI) do not count against the
//! per-domain limit but do count as duplicates, as Let's Encrypt counts them.
//!
//! Pure: the issuances come in already read (from the Secrets' certificates and the
//! requests' times, see `diagnose::fleet`); this file counts and words the findings.

use std::collections::{BTreeMap, BTreeSet};

use jiff::{SignedDuration, Timestamp};

use crate::findings::{Code, Finding, Severity, Subject};

/// Certificates per registered domain per week.
pub const PER_DOMAIN_LIMIT: usize = 50;
/// Certificates per exact set of names per week.
pub const DUPLICATE_LIMIT: usize = 5;
/// The sliding window both limits count in.
pub const WINDOW: SignedDuration = SignedDuration::from_hours(7 * 24);
/// Share of a limit at which the budget becomes a warning (percent).
pub const WARN_PERCENT: usize = 80;

/// One certificate issued by a Let's Encrypt production issuer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issuance {
    /// The Certificate it was issued for (`namespace/name`).
    pub certificate: String,
    /// The names it holds (DNS names, lower case).
    pub names: Vec<String>,
    /// When it was issued.
    pub at: Timestamp,
    /// A renewal of the same set of names (exempt from the per-domain limit).
    pub renewal: bool,
}

/// The registered domain of `name` (`www.shop.example.co.uk` → `example.co.uk`), by the
/// public suffix list; the name itself when the list knows no such domain.
pub fn registered_domain(name: &str) -> String {
    let name = name
        .trim_start_matches("*.")
        .trim_end_matches('.')
        .to_ascii_lowercase();
    psl::domain_str(&name).map_or_else(|| name.clone(), str::to_string)
}

fn severity(count: usize, limit: usize) -> Option<Severity> {
    if count >= limit {
        Some(Severity::Error)
    } else if count * 100 >= limit * WARN_PERCENT {
        Some(Severity::Warning)
    } else {
        None
    }
}

/// The findings for issuances in the window before `now`: one per registered domain and
/// one per exact set of names at 80 % of its limit or more.
pub fn budget(issuances: &[Issuance], now: Timestamp) -> Vec<Finding> {
    let since = now - WINDOW;
    let recent: Vec<&Issuance> = issuances
        .iter()
        .filter(|i| i.at > since && i.at <= now)
        .collect();
    let mut by_domain: BTreeMap<String, Vec<&Issuance>> = BTreeMap::new();
    let mut by_set: BTreeMap<BTreeSet<String>, Vec<&Issuance>> = BTreeMap::new();
    for i in &recent {
        if !i.renewal {
            let domains: BTreeSet<String> = i.names.iter().map(|n| registered_domain(n)).collect();
            for d in domains {
                by_domain.entry(d).or_default().push(i);
            }
        }
        let set: BTreeSet<String> = i.names.iter().map(|n| n.to_ascii_lowercase()).collect();
        by_set.entry(set).or_default().push(i);
    }
    let frees = |list: &[&Issuance]| {
        let oldest = list.iter().map(|i| i.at).min().unwrap_or(now);
        crate::timefmt::rfc3339(oldest + WINDOW)
    };
    let mut out = Vec::new();
    for (domain, list) in &by_domain {
        let Some(sev) = severity(list.len(), PER_DOMAIN_LIMIT) else {
            continue;
        };
        let mut f = Finding::new(
            Code::RateLimitBudget,
            sev,
            Subject::new("Domain", None, domain),
            format!(
                "{} certificates for {domain} were issued by Let's Encrypt in the last 7 days, of {PER_DOMAIN_LIMIT} per registered domain per week; the oldest leaves the window at {}",
                list.len(),
                frees(list)
            ),
            "Hold new certificates for this domain until the window frees up; use the staging issuer for experiments, and put several names in one Certificate instead of one Certificate per name. Renewals of an unchanged set of names are exempt.",
        );
        f.evidence = list
            .iter()
            .take(5)
            .map(|i| format!("{} issued {}", i.certificate, crate::timefmt::rfc3339(i.at)))
            .collect();
        out.push(f);
    }
    for (set, list) in &by_set {
        let Some(sev) = severity(list.len(), DUPLICATE_LIMIT) else {
            continue;
        };
        let names: Vec<&str> = set.iter().map(String::as_str).collect();
        let domain = names
            .first()
            .map(|n| registered_domain(n))
            .unwrap_or_default();
        let mut f = Finding::new(
            Code::RateLimitBudget,
            sev,
            Subject::new("Domain", None, &domain),
            format!(
                "the exact set of names {} was issued {} times in the last 7 days, of {DUPLICATE_LIMIT} duplicates per week; the oldest leaves the window at {}",
                names.join(", "),
                list.len(),
                frees(list)
            ),
            "Stop re-issuing this set of names (a renew loop, deleted Secrets or Orders): find what keeps asking with `certdoctor diagnose`, and wait for the window before renewing by hand.",
        );
        f.evidence = list
            .iter()
            .take(5)
            .map(|i| format!("{} issued {}", i.certificate, crate::timefmt::rfc3339(i.at)))
            .collect();
        out.push(f);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(h: i64) -> Timestamp {
        Timestamp::from_second(1_800_000_000 - h * 3600).unwrap()
    }

    fn issued(n: usize, name: &str, h: i64, renewal: bool) -> Issuance {
        Issuance {
            certificate: format!("ns/c{n}"),
            names: vec![name.to_string()],
            at: at(h),
            renewal,
        }
    }

    #[test]
    fn registered_domains_follow_the_public_suffix_list() {
        assert_eq!(registered_domain("www.shop.example.co.uk"), "example.co.uk");
        assert_eq!(registered_domain("*.api.example.com"), "example.com");
        assert_eq!(registered_domain("app.github.io"), "app.github.io");
    }

    #[test]
    fn per_domain_budget_warns_at_80_percent_and_errs_at_the_limit_renewals_exempt() {
        let now = at(0);
        let mut list: Vec<Issuance> = (0..40)
            .map(|n| issued(n, &format!("a{n}.example.com"), 10 + n as i64, false))
            .collect();
        list.push(issued(99, "old.example.com", 200, false));
        list.extend((0..30).map(|n| issued(100 + n, &format!("r{n}.example.com"), 5, true)));
        let f = budget(&list, now);
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].severity, Severity::Warning);
        assert!(
            f[0].message.starts_with("40 certificates for example.com"),
            "{}",
            f[0].message
        );
        list.extend((0..10).map(|n| issued(200 + n, &format!("b{n}.example.com"), 1, false)));
        let f = budget(&list, now);
        assert_eq!(f[0].severity, Severity::Error);
        assert!(
            f[0].message
                .contains(&crate::timefmt::rfc3339(at(49) + WINDOW)),
            "{}",
            f[0].message
        );
    }

    #[test]
    fn the_same_set_issued_again_counts_against_the_duplicate_limit() {
        let now = at(0);
        let list: Vec<Issuance> = (0..5)
            .map(|n| issued(1, "www.example.org", n * 20, n > 0))
            .collect();
        let f = budget(&list, now);
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].severity, Severity::Error);
        assert!(
            f[0].message.contains("www.example.org was issued 5 times"),
            "{}",
            f[0].message
        );
    }
}
