//! cert-manager's ACME solver selection, recomputed so certdoctor can say why *no* solver
//! matched an authorization (the Order then only has a short-lived `Solver` Warning Event).
//!
//! Rules (cert-manager `pkg/util/solverpicker`): solvers in list order; skip a solver whose
//! type is not offered; a solver without `selector` is the fallback; otherwise `matchLabels`,
//! `dnsNames` (exact) and `dnsZones` (suffix) must all match; a dnsNames match beats none,
//! then the longest dnsZones match, then the most labels; ties keep the earlier solver.

use serde_json::Value;

/// Why one solver was or was not chosen for a name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SolverVerdict {
    /// Position in `spec.acme.solvers` (0-based).
    pub index: usize,
    /// `http01` or `dns01` (or `unknown`).
    pub kind: String,
    /// `None` when it matches; otherwise why not.
    pub rejected: Option<String>,
}

/// The outcome of selection for one name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selection {
    /// Index of the chosen solver, if any.
    pub chosen: Option<usize>,
    /// One verdict per solver.
    pub verdicts: Vec<SolverVerdict>,
}

fn solver_kind(s: &Value) -> &'static str {
    if s.get("dns01").is_some() {
        "dns01"
    } else if s.get("http01").is_some() {
        "http01"
    } else {
        "unknown"
    }
}

fn label_count(zone: &str) -> usize {
    zone.trim_end_matches('.')
        .split('.')
        .filter(|l| !l.is_empty())
        .count()
}

fn in_zone(name: &str, zone: &str) -> bool {
    let (n, z) = (
        name.trim_end_matches('.').to_ascii_lowercase(),
        zone.trim_end_matches('.').to_ascii_lowercase(),
    );
    n == z || n.ends_with(&format!(".{z}"))
}

#[derive(Clone, Copy, PartialEq, Eq)]
struct Score {
    has_names: bool,
    zone_labels: usize,
    labels: usize,
    has_selector: bool,
}

/// Selects a solver for `name` (with `*.` for wildcards) among `solvers`, given the challenge
/// types the ACME server offers (`http-01`, `dns-01`) and the Order's labels.
pub fn select(
    solvers: &[Value],
    name: &str,
    offered: &[String],
    labels: &[(String, String)],
) -> Selection {
    let mut verdicts = Vec::new();
    let mut best: Option<(usize, Score)> = None;
    for (index, s) in solvers.iter().enumerate() {
        let kind = solver_kind(s).to_string();
        let wire = kind.replace("01", "-01");
        let reject = |why: String| SolverVerdict {
            index,
            kind: kind.clone(),
            rejected: Some(why),
        };
        if !offered.is_empty() && !offered.iter().any(|o| o.eq_ignore_ascii_case(&wire)) {
            let why = if name.starts_with("*.") && kind == "http01" {
                "HTTP-01 cannot validate a wildcard name; the ACME server offers only DNS-01 for it"
                    .to_string()
            } else {
                format!(
                    "the ACME server does not offer {wire} for this name (offered: {})",
                    offered.join(", ")
                )
            };
            verdicts.push(reject(why));
            continue;
        }
        let score = match s.get("selector") {
            None | Some(Value::Null) => Score {
                has_names: false,
                zone_labels: 0,
                labels: 0,
                has_selector: false,
            },
            Some(sel) => {
                let want_labels: Vec<(String, String)> = sel
                    .get("matchLabels")
                    .and_then(Value::as_object)
                    .map(|m| {
                        m.iter()
                            .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
                            .collect()
                    })
                    .unwrap_or_default();
                let missing: Vec<String> = want_labels
                    .iter()
                    .filter(|(k, v)| !labels.iter().any(|(lk, lv)| lk == k && lv == v))
                    .map(|(k, v)| format!("{k}={v}"))
                    .collect();
                if !missing.is_empty() {
                    verdicts.push(reject(format!(
                        "matchLabels not on the Certificate/Order: {}",
                        missing.join(", ")
                    )));
                    continue;
                }
                let names: Vec<&str> = sel
                    .get("dnsNames")
                    .and_then(Value::as_array)
                    .map(|a| a.iter().filter_map(Value::as_str).collect())
                    .unwrap_or_default();
                // cert-manager compares exactly (`slices.Contains`), case included.
                let has_names = names.contains(&name);
                if !names.is_empty() && !has_names {
                    verdicts.push(reject(format!("dnsNames [{}] do not include {name} (exact match; wildcards are not expanded)", names.join(", "))));
                    continue;
                }
                let zones: Vec<&str> = sel
                    .get("dnsZones")
                    .and_then(Value::as_array)
                    .map(|a| a.iter().filter_map(Value::as_str).collect())
                    .unwrap_or_default();
                let bare = name.trim_start_matches("*.");
                let zone_labels = zones
                    .iter()
                    .filter(|z| in_zone(bare, z))
                    .map(|z| label_count(z))
                    .max();
                if !zones.is_empty() && zone_labels.is_none() {
                    verdicts.push(reject(format!(
                        "dnsZones [{}] do not contain {name}",
                        zones.join(", ")
                    )));
                    continue;
                }
                Score {
                    has_names,
                    zone_labels: zone_labels.unwrap_or(0),
                    labels: want_labels.len(),
                    has_selector: true,
                }
            }
        };
        verdicts.push(SolverVerdict {
            index,
            kind,
            rejected: None,
        });
        let better = match best {
            None => true,
            // A solver without a selector never replaces an earlier pick; a selector solver
            // replaces a selector-less pick only when it matches something (its counts beat
            // the pick's zeros): a later `selector: {}` does not.
            Some((_, _)) if !score.has_selector => false,
            Some((_, b)) => {
                if score.has_names != b.has_names {
                    score.has_names
                } else if score.zone_labels != b.zone_labels {
                    score.zone_labels > b.zone_labels
                } else {
                    score.labels > b.labels
                }
            }
        };
        if better {
            best = Some((index, score));
        }
    }
    Selection {
        chosen: best.map(|(i, _)| i),
        verdicts,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn offered() -> Vec<String> {
        vec!["http-01".into(), "dns-01".into()]
    }

    #[test]
    fn the_longest_zone_wins_and_selectorless_is_the_fallback() {
        let solvers = vec![
            json!({"http01": {"ingress": {}}}),
            json!({"dns01": {}, "selector": {"dnsZones": ["example.com"]}}),
            json!({"dns01": {}, "selector": {"dnsZones": ["sys.example.com"]}}),
        ];
        assert_eq!(
            select(&solvers, "www.sys.example.com", &offered(), &[]).chosen,
            Some(2)
        );
        assert_eq!(
            select(&solvers, "www.example.com", &offered(), &[]).chosen,
            Some(1)
        );
        assert_eq!(
            select(&solvers, "other.org", &offered(), &[]).chosen,
            Some(0)
        );
    }

    #[test]
    fn dns_names_beat_zones_and_labels_break_ties() {
        let solvers = vec![
            json!({"dns01": {}, "selector": {"dnsZones": ["example.com"], "matchLabels": {"a": "1"}}}),
            json!({"http01": {}, "selector": {"dnsNames": ["app.example.com"]}}),
        ];
        let labels = vec![("a".to_string(), "1".to_string())];
        assert_eq!(
            select(&solvers, "app.example.com", &offered(), &labels).chosen,
            Some(1)
        );
        let tie = vec![
            json!({"dns01": {}, "selector": {}}),
            json!({"dns01": {}, "selector": {"matchLabels": {"a": "1"}}}),
        ];
        assert_eq!(select(&tie, "x.org", &offered(), &labels).chosen, Some(1));
        let equal = vec![
            json!({"dns01": {}, "selector": {}}),
            json!({"dns01": {}, "selector": {}}),
        ];
        assert_eq!(
            select(&equal, "x.org", &offered(), &[]).chosen,
            Some(0),
            "ties keep the earlier solver"
        );
    }

    #[test]
    fn dns_names_are_exact_and_an_empty_selector_does_not_replace_a_selectorless_pick() {
        let solvers = vec![
            json!({"http01": {}}),
            json!({"dns01": {}, "selector": {}}),
            json!({"dns01": {}, "selector": {"dnsNames": ["App.example.com"]}}),
        ];
        assert_eq!(
            select(&solvers, "app.example.com", &offered(), &[]).chosen,
            Some(0),
            "dnsNames differ in case: no match; selector {{}} does not beat the first pick"
        );
        assert_eq!(
            select(&solvers, "App.example.com", &offered(), &[]).chosen,
            Some(2)
        );
    }

    #[test]
    fn no_match_explains_every_solver() {
        let solvers = vec![
            json!({"http01": {"ingress": {}}}),
            json!({"dns01": {}, "selector": {"dnsZones": ["other.org"]}}),
            json!({"dns01": {}, "selector": {"matchLabels": {"team": "web"}}}),
        ];
        let sel = select(&solvers, "*.example.com", &["dns-01".to_string()], &[]);
        assert_eq!(sel.chosen, None);
        let why: Vec<String> = sel
            .verdicts
            .iter()
            .map(|v| v.rejected.clone().unwrap())
            .collect();
        assert!(
            why[0].contains("HTTP-01 cannot validate a wildcard"),
            "{why:?}"
        );
        assert!(
            why[1].contains("dnsZones [other.org] do not contain *.example.com"),
            "{why:?}"
        );
        assert!(
            why[2].contains("matchLabels not on the Certificate/Order: team=web"),
            "{why:?}"
        );
    }
}
