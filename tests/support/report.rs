//! Running the binary for a JSON report and finding things in it: a certificate's entry,
//! its findings and its root cause.

use std::process::Output;

use serde_json::Value;

use super::{certdoctor, objects, stderr, stdout};

/// Stdout of a finished command as JSON; panics with both streams when it is not.
pub fn json_of(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}{}", stdout(out), stderr(out)))
}

/// Runs `diagnose -A --offline -o json` on these objects (a dump on stdin); returns the
/// report and the exit code.
pub fn diagnose(objects: &[Value], extra: &[&str]) -> (Value, i32) {
    let out = certdoctor()
        .args(["diagnose", "-A", "--offline", "-o", "json"])
        .args(["--from-file", "-"])
        .args(extra)
        .write_stdin(objects::list(objects).to_string())
        .output()
        .unwrap();
    (json_of(&out), out.status.code().unwrap())
}

/// The entry of Certificate `name` in a report's `certificates`.
pub fn certificate<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["certificates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("{name} not in {report}"))
}

/// The code of a certificate's root cause, or `none`.
pub fn root(report: &Value, name: &str) -> String {
    certificate(report, name)["rootCause"]["code"]
        .as_str()
        .unwrap_or("none")
        .to_string()
}

/// The findings of a certificate, in report order.
pub fn findings<'a>(report: &'a Value, name: &str) -> &'a [Value] {
    certificate(report, name)["findings"].as_array().unwrap()
}

/// The codes of a certificate's findings, in report order.
pub fn codes(report: &Value, name: &str) -> Vec<String> {
    findings(report, name)
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_string())
        .collect()
}

/// The first finding of a certificate with this code.
pub fn finding<'a>(report: &'a Value, name: &str, code: &str) -> &'a Value {
    findings(report, name)
        .iter()
        .find(|f| f["code"] == code)
        .unwrap_or_else(|| panic!("{code} not in {}", certificate(report, name)))
}
