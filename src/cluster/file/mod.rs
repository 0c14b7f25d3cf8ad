//! Reads a dump file (or stdin) object by object into an [`ObjectSink`]: a `kind: List` in
//! YAML or JSON as `kubectl get -o yaml` and `certdoctor dump` write it, or multi-document
//! YAML, or a mix. Nested Lists are flattened; documents that are not objects are ignored.
//!
//! Nothing holds the whole file: YAML is cut into documents at `---` lines (YAML forbids
//! that marker inside a scalar) and each document is parsed as a stream of events, so the
//! items of a List reach the sink one at a time; JSON is read the same way from a buffered
//! reader. The YAML parser's limits scale with the input (a dump of 10,000 Certificates has
//! millions of nodes); what stays fixed is what only hostile input needs: alias expansion,
//! anchors and nesting depth.

mod yaml;

use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use yaml::read_yaml;

use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

use crate::error::CliError;
use crate::model::snapshot::{ObjectSink, RawSnapshot};

/// Size assumed for input of unknown length (stdin, a FIFO) when scaling the parser limits.
const UNKNOWN_SIZE: u64 = 4 << 30;

/// Deepest nesting accepted: Kubernetes objects are a dozen levels deep; 64 is the parser's
/// own default and refuses nesting bombs early.
const MAX_DEPTH: usize = 64;

/// What the dump reader saw besides objects, and how many objects went to the sink.
struct Collector<'a> {
    sink: &'a mut dyn ObjectSink,
    objects: usize,
    found: Option<String>,
    progress: &'a mut dyn FnMut(usize),
}

impl Collector<'_> {
    /// Hands one parsed value to the sink: objects go through, Lists and arrays are
    /// flattened, anything else is remembered for the error when nothing was an object.
    fn push(&mut self, v: Value) {
        match v {
            Value::Object(mut m) => {
                let is_list = m
                    .get("kind")
                    .and_then(Value::as_str)
                    .is_some_and(|k| k.ends_with("List"))
                    && m.get("items").is_some_and(Value::is_array);
                if is_list {
                    if let Some(Value::Array(items)) = m.remove("items") {
                        for item in items {
                            self.push(item);
                        }
                    }
                } else if m.get("kind").is_some_and(Value::is_string) {
                    self.objects += 1;
                    if self.objects.is_multiple_of(500) {
                        (self.progress)(self.objects);
                    }
                    self.sink.object(Value::Object(m));
                } else if !m.is_empty() {
                    self.note("an object without apiVersion and kind".into());
                }
            }
            Value::Array(items) => {
                for item in items {
                    self.push(item);
                }
            }
            Value::Null => {}
            Value::String(s) => self.note(text_kind(&s)),
            other @ (Value::Bool(_) | Value::Number(_)) => {
                self.note(format!("a bare value ({other:.20})"));
            }
        }
    }

    fn note(&mut self, what: String) {
        if self.found.is_none() {
            self.found = Some(what);
        }
    }
}

/// "PEM data (LABEL)" or "plain text" for text that is not Kubernetes objects.
fn text_kind(text: &str) -> String {
    if text.contains("-----BEGIN ") {
        let label = text
            .split("-----BEGIN ")
            .nth(1)
            .and_then(|r| r.split("-----").next())
            .map(crate::sanitize::clean)
            .unwrap_or_default();
        format!("PEM data ({label:.40})")
    } else {
        "plain text".into()
    }
}

/// One document (or the JSON text): a List streams its items, anything else is one value.
struct DocSeed<'c, 'a>(&'c mut Collector<'a>);

impl<'de> DeserializeSeed<'de> for DocSeed<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for DocSeed<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("Kubernetes objects")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut rest = serde_json::Map::new();
        let mut streamed = false;
        while let Some(key) = map.next_key::<String>()? {
            if key == "items" {
                match map.next_value_seed(ItemsSeed(self.0))? {
                    None => streamed = true,
                    Some(v) => {
                        rest.insert(key, v);
                    }
                }
            } else {
                let v: Value = map.next_value()?;
                rest.insert(key, v);
            }
        }
        // A List's items went to the sink already; what is left is its header.
        if !streamed {
            self.0.push(Value::Object(rest));
        }
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(v) = seq.next_element::<Value>()? {
            self.0.push(v);
        }
        Ok(())
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<(), E> {
        self.0.push(Value::String(v.to_string()));
        Ok(())
    }
    fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<(), E> {
        self.0.push(Value::Bool(v));
        Ok(())
    }
    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<(), E> {
        self.0.push(Value::from(v));
        Ok(())
    }
    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<(), E> {
        self.0.push(Value::from(v));
        Ok(())
    }
    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<(), E> {
        self.0.push(Value::from(v));
        Ok(())
    }
    fn visit_unit<E: serde::de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_none<E: serde::de::Error>(self) -> Result<(), E> {
        Ok(())
    }
}

/// The `items` of a top-level map: a sequence is streamed element by element (`None`);
/// anything else comes back as a value (`Some`) for the map to keep.
struct ItemsSeed<'c, 'a>(&'c mut Collector<'a>);

impl<'de> DeserializeSeed<'de> for ItemsSeed<'_, '_> {
    type Value = Option<Value>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Option<Value>, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ItemsSeed<'_, '_> {
    type Value = Option<Value>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a list of objects")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Option<Value>, A::Error> {
        while let Some(v) = seq.next_element::<Value>()? {
            self.0.push(v);
        }
        Ok(None)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Option<Value>, A::Error> {
        let v = Value::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
        Ok(Some(v))
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Option<Value>, E> {
        Ok(Some(Value::String(v.to_string())))
    }
    fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Option<Value>, E> {
        Ok(Some(Value::Bool(v)))
    }
    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Option<Value>, E> {
        Ok(Some(Value::from(v)))
    }
    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Option<Value>, E> {
        Ok(Some(Value::from(v)))
    }
    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Option<Value>, E> {
        Ok(Some(Value::from(v)))
    }
    fn visit_unit<E: serde::de::Error>(self) -> Result<Option<Value>, E> {
        Ok(Some(Value::Null))
    }
    fn visit_none<E: serde::de::Error>(self) -> Result<Option<Value>, E> {
        Ok(Some(Value::Null))
    }
}

use serde::Deserialize as _;

/// The first line of a multi-line parser message (serde-saphyr adds a source excerpt),
/// without its `error: ` prefix: errors are one line.
fn first_line(msg: &str) -> &str {
    let line = msg.lines().next().unwrap_or("");
    line.strip_prefix("error: ").unwrap_or(line)
}

/// Streams JSON text (one value, usually a `kind: List`) into the collector.
fn read_json<R: Read>(input: R, c: &mut Collector) -> Result<(), String> {
    let mut de = serde_json::Deserializer::from_reader(input);
    DocSeed(c)
        .deserialize(&mut de)
        .and_then(|()| de.end())
        .map_err(|e| format!("invalid JSON: {e}"))
}

/// Reads dump text from `input` into `sink`, choosing JSON or YAML by the first character;
/// `size` (when known) scales the YAML limits. `progress` is called with the count of
/// objects read so far, every few hundred objects.
pub fn read_from<R: Read>(
    input: R,
    size: Option<u64>,
    sink: &mut dyn ObjectSink,
    progress: &mut dyn FnMut(usize),
) -> Result<usize, String> {
    let mut input = BufReader::with_capacity(256 * 1024, input);
    // Skip leading whitespace and a UTF-8 byte order mark to see what the text is.
    let first = loop {
        let buf = input.fill_buf().map_err(|e| format!("cannot read: {e}"))?;
        if buf.is_empty() {
            break None;
        }
        let skip = buf
            .iter()
            .position(|b| !b.is_ascii_whitespace())
            .unwrap_or(buf.len());
        let skip = if buf[skip..].starts_with(&[0xEF, 0xBB, 0xBF]) {
            skip + 3
        } else {
            skip
        };
        if skip < buf.len() {
            break Some(buf[skip]);
        }
        input.consume(skip);
    };
    let mut c = Collector {
        sink,
        objects: 0,
        found: None,
        progress,
    };
    match first {
        None => return Ok(0),
        Some(b'{' | b'[') => read_json(input, &mut c)?,
        Some(b'-')
            if input
                .fill_buf()
                .is_ok_and(|b| b.trim_ascii_start().starts_with(b"-----BEGIN ")) =>
        {
            let head = String::from_utf8_lossy(input.fill_buf().unwrap_or_default()).into_owned();
            return Err(format!(
                "it holds {}, not Kubernetes objects",
                text_kind(&head)
            ));
        }
        Some(_) => read_yaml(input, size.unwrap_or(UNKNOWN_SIZE), &mut c)?,
    }
    if c.objects == 0
        && let Some(what) = c.found
    {
        return Err(format!("it holds {what}, not Kubernetes objects"));
    }
    Ok(c.objects)
}

/// Parses dump text (pure; used by tests and the fuzzer): every object, in order.
pub fn parse(text: &str) -> Result<RawSnapshot, String> {
    let mut raw = RawSnapshot::default();
    read_from(
        text.as_bytes(),
        Some(text.len() as u64),
        &mut raw,
        &mut |_| {},
    )?;
    Ok(raw)
}

/// Reads a dump file into `sink`; `None` reads stdin. `progress` as in [`read_from`].
pub fn read(
    path: Option<&Path>,
    sink: &mut dyn ObjectSink,
    progress: &mut dyn FnMut(usize),
) -> Result<usize, CliError> {
    let label = path.map_or_else(|| "stdin".to_string(), |p| p.display().to_string());
    let result = match path {
        Some(p) => std::fs::File::open(p)
            .map_err(|e| {
                CliError::new(format!("cannot read dump {label}: {e}"))
                    .hint("check the --from-file path")
            })
            .map(|f| {
                // A regular file's size scales the limits; a FIFO has none.
                let size = f
                    .metadata()
                    .ok()
                    .filter(std::fs::Metadata::is_file)
                    .map(|m| m.len());
                read_from(f, size, sink, progress)
            })?,
        None => read_from(std::io::stdin().lock(), None, sink, progress),
    };
    result.map_err(|e| match e.strip_prefix("cannot read: ") {
        Some(io) => CliError::new(format!("cannot read dump {label}: {io}"))
            .hint("check the --from-file path"),
        None => CliError::new(format!("cannot parse dump {label}: {e}"))
            .hint("pass a YAML or JSON file written by `kubectl get -o yaml` or `certdoctor dump`"),
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
