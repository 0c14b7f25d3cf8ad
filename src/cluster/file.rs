//! Reads a dump file (or stdin) into a [`RawSnapshot`]: a `kind: List` in YAML or JSON as
//! `kubectl get -o yaml` prints it, or multi-document YAML, or a mix. Nested Lists are
//! flattened; documents that are not objects are ignored.

use std::io::Read;
use std::path::Path;

use serde_json::Value;

use crate::error::CliError;
use crate::model::snapshot::RawSnapshot;

/// Largest dump accepted (a cluster of ~50 000 objects): beyond that the file is almost
/// certainly not a dump, and reading it would only exhaust memory.
pub const MAX_DUMP_BYTES: u64 = 512 * 1024 * 1024;

fn flatten(v: Value, out: &mut Vec<Value>) {
    match v {
        Value::Object(mut m) => {
            let is_list = m
                .get("kind")
                .and_then(Value::as_str)
                .is_some_and(|k| k == "List" || k.ends_with("List"))
                && m.get("items").is_some_and(Value::is_array);
            if is_list {
                if let Some(Value::Array(items)) = m.remove("items") {
                    for item in items {
                        flatten(item, out);
                    }
                }
            } else {
                out.push(Value::Object(m));
            }
        }
        Value::Array(items) => {
            for item in items {
                flatten(item, out);
            }
        }
        _ => {}
    }
}

/// The first line of a multi-line parser message (serde-saphyr adds a source excerpt),
/// without its `error: ` prefix: errors are one line.
fn first_line(msg: &str) -> &str {
    let line = msg.lines().next().unwrap_or("");
    line.strip_prefix("error: ").unwrap_or(line)
}

/// What a document is when it is not a Kubernetes object or List, in words; `None` for
/// objects and for empty documents.
fn not_an_object(doc: &Value, text: &str) -> Option<String> {
    match doc {
        Value::Null => None,
        Value::Object(m) if m.get("kind").is_some_and(Value::is_string) => None,
        Value::Object(m) if m.is_empty() => None,
        Value::Object(_) => Some("an object without apiVersion and kind".into()),
        Value::Array(items) if items.is_empty() => None,
        Value::Array(items) => items.iter().find_map(|i| not_an_object(i, text)),
        Value::String(_) if text.contains("-----BEGIN ") => {
            let label = text
                .split("-----BEGIN ")
                .nth(1)
                .and_then(|r| r.split("-----").next())
                .map(crate::sanitize::clean)
                .unwrap_or_default();
            Some(format!("PEM data ({label:.40})"))
        }
        Value::String(_) => Some("plain text".into()),
        Value::Bool(_) | Value::Number(_) => Some(format!("a bare value ({doc:.20})")),
    }
}

/// Parses dump text (pure; used by [`read`] and tests).
pub fn parse(text: &str) -> Result<RawSnapshot, String> {
    let trimmed = text.trim_start();
    if trimmed.starts_with("-----BEGIN ") {
        let what = not_an_object(&Value::String(String::new()), trimmed).unwrap_or_default();
        return Err(format!("it holds {what}, not Kubernetes objects"));
    }
    let docs: Vec<Value> = if trimmed.starts_with('{') || trimmed.starts_with('[') {
        vec![serde_json::from_str(text).map_err(|e| format!("invalid JSON: {e}"))?]
    } else {
        serde_saphyr::from_multiple(text)
            .map_err(|e| format!("invalid YAML: {}", first_line(&e.to_string())))?
    };
    let mut objects = Vec::new();
    let mut found = None;
    for d in docs {
        if found.is_none() {
            found = not_an_object(&d, text);
        }
        flatten(d, &mut objects);
    }
    let is_object = |o: &Value| o.get("kind").is_some_and(Value::is_string);
    if !objects.iter().any(is_object)
        && let Some(what) = found
    {
        return Err(format!("it holds {what}, not Kubernetes objects"));
    }
    Ok(RawSnapshot {
        objects,
        unreadable: Vec::new(),
    })
}

/// Reads and parses a dump file; `None` reads stdin.
pub fn read(path: Option<&Path>) -> Result<RawSnapshot, CliError> {
    let label = path.map_or_else(|| "stdin".to_string(), |p| p.display().to_string());
    let mut bytes = Vec::new();
    let res = match path {
        Some(p) => {
            std::fs::File::open(p).and_then(|f| f.take(MAX_DUMP_BYTES + 1).read_to_end(&mut bytes))
        }
        None => std::io::stdin()
            .lock()
            .take(MAX_DUMP_BYTES + 1)
            .read_to_end(&mut bytes),
    };
    res.map_err(|e| {
        CliError::new(format!("cannot read dump {label}: {e}")).hint("check the --from-file path")
    })?;
    if bytes.len() as u64 > MAX_DUMP_BYTES {
        return Err(CliError::new(format!(
            "dump {label} is larger than {} MiB",
            MAX_DUMP_BYTES >> 20
        ))
        .hint("dump fewer namespaces (certdoctor dump -n NS)"));
    }
    let text = String::from_utf8(bytes).map_err(|_| {
        CliError::new(format!("dump {label} is not UTF-8 text"))
            .hint("pass a YAML or JSON file written by `kubectl get -o yaml` or `certdoctor dump`")
    })?;
    parse(&text).map_err(|e| {
        CliError::new(format!("cannot parse dump {label}: {e}"))
            .hint("pass a YAML or JSON file written by `kubectl get -o yaml` or `certdoctor dump`")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_and_multi_document_yaml_are_flattened() {
        let text = "apiVersion: v1\nkind: List\nitems:\n- kind: A\n  apiVersion: v1\n- kind: B\n  apiVersion: v1\n---\nkind: C\napiVersion: v1\n---\n";
        let raw = parse(text).unwrap();
        let kinds: Vec<_> = raw
            .objects
            .iter()
            .map(|o| o["kind"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(kinds, ["A", "B", "C"]);
    }

    #[test]
    fn json_list_is_read() {
        let raw = parse(r#"{"kind":"List","apiVersion":"v1","items":[{"kind":"A"}]}"#).unwrap();
        assert_eq!(raw.objects.len(), 1);
    }

    #[test]
    fn text_that_is_not_kubernetes_objects_is_named() {
        let pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
        assert!(parse(pem).unwrap_err().contains("PEM data (CERTIFICATE)"));
        assert!(parse("hello world\n").unwrap_err().contains("plain text"));
        assert!(
            parse(r#"{"foo": 1}"#)
                .unwrap_err()
                .contains("an object without apiVersion and kind")
        );
        assert!(parse("").unwrap().objects.is_empty());
        assert!(parse("apiVersion: v1\nkind: List\nitems: []\n").is_ok());
    }

    #[test]
    fn broken_yaml_is_an_error() {
        assert!(parse("a: [unclosed").is_err());
    }
}
