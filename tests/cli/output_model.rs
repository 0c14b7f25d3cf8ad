//! docs/output.md is the JSON contract: each documented example has exactly the keys of
//! the real `-o json` output of the command it documents, at every depth, so a field that
//! is renamed, added or removed in the code (or in the docs alone) fails here.

use std::collections::BTreeSet;

use serde_json::{Value, json};

use crate::support::objects::{self, Edit, ready_status};
use crate::support::report::json_of;
use crate::support::{Cluster, certdoctor, fixture};

/// The JSON example in docs/output.md whose document `kind` is `kind`.
fn documented(kind: &str) -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/output.md");
    let text = std::fs::read_to_string(path).unwrap();
    let examples: Vec<Value> = text
        .split("```json\n")
        .skip(1)
        .map(|block| {
            let body = block.split("\n```").next().unwrap();
            serde_json::from_str(body)
                .unwrap_or_else(|e| panic!("a JSON example in docs/output.md is not JSON: {e}"))
        })
        .collect();
    let mut of_kind = examples.into_iter().filter(|v| v["kind"] == kind);
    let example = of_kind
        .next()
        .unwrap_or_else(|| panic!("docs/output.md has no {kind} example"));
    assert!(of_kind.next().is_none(), "two {kind} examples");
    example
}

/// Where the keys of `doc` and `real` differ, recursively. Arrays are compared element by
/// element as far as the documented one goes (examples are trimmed, never padded); where
/// one side is `null` or a scalar, there are no keys to compare.
fn key_differences(doc: &Value, real: &Value, at: &str, out: &mut Vec<String>) {
    match (doc, real) {
        (Value::Object(d), Value::Object(r)) => {
            let dk: BTreeSet<&String> = d.keys().collect();
            let rk: BTreeSet<&String> = r.keys().collect();
            for k in dk.difference(&rk) {
                out.push(format!("{at}.{k}: documented, not in the output"));
            }
            for k in rk.difference(&dk) {
                out.push(format!("{at}.{k}: in the output, not documented"));
            }
            for k in dk.intersection(&rk) {
                key_differences(&d[*k], &r[*k], &format!("{at}.{k}"), out);
            }
        }
        (Value::Array(d), Value::Array(r)) => {
            if d.len() > r.len() {
                out.push(format!(
                    "{at}: {} entries documented, {} in the output",
                    d.len(),
                    r.len()
                ));
            }
            for (i, (de, re)) in d.iter().zip(r).enumerate() {
                key_differences(de, re, &format!("{at}[{i}]"), out);
            }
        }
        _ => {}
    }
}

fn assert_same_keys(kind: &str, real: &Value) {
    let doc = documented(kind);
    let mut diffs = Vec::new();
    key_differences(&doc, real, kind, &mut diffs);
    assert!(
        diffs.is_empty(),
        "docs/output.md and the real output disagree:\n{}",
        diffs.join("\n")
    );
}

fn offline_json(args: &[&str], fixture_name: &str) -> Value {
    let out = certdoctor()
        .args(args)
        .args(["-o", "json", "--from-file"])
        .arg(fixture(fixture_name))
        .output()
        .unwrap();
    json_of(&out)
}

#[test]
fn the_documented_status_report_has_the_keys_of_the_real_one() {
    let real = offline_json(&["status"], "stuck-http01.yaml");
    assert_same_keys("StatusReport", &real);
}

#[test]
fn the_documented_inspect_report_has_the_keys_of_the_real_one() {
    let real = offline_json(
        &["inspect", "secret", "web-tls", "-n", "production"],
        "healthy.yaml",
    );
    assert_same_keys("InspectReport", &real);
}

#[test]
fn the_documented_diagnose_report_has_the_keys_of_the_real_one() {
    let real = offline_json(
        &["diagnose", "-n", "production", "--offline"],
        "stuck-request-denied.yaml",
    );
    assert_same_keys("DiagnoseReport", &real);
}

#[test]
fn the_documented_renew_report_has_the_keys_of_the_real_one() {
    // The documented example is written by hand (renew needs a cluster): one issued, one
    // timed out, one skipped. Here: two renewed, one already issuing (skipped).
    let issuing = ready_status().with(
        "/conditions/1",
        json!({"type": "Issuing", "status": "True", "reason": "Renewing",
               "lastTransitionTime": "2026-11-23T11:57:00Z"}),
    );
    let cluster = Cluster::with_fixtures(Some("production"), &[]);
    cluster.server.insert_all(vec![
        objects::certificate("production", "api-tls").with("/status", ready_status()),
        objects::certificate("production", "app-tls").with("/status", ready_status()),
        objects::certificate("production", "www-tls").with("/status", issuing),
    ]);
    let out = cluster
        .certdoctor()
        .args(["renew", "--all", "-o", "json"])
        .output()
        .unwrap();
    let real = json_of(&out);
    assert_eq!(real["results"].as_array().map(Vec::len), Some(3), "{real}");
    assert_same_keys("RenewReport", &real);
}
