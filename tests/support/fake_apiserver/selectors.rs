//! Label selectors (`=`, `==`, `!=`, `in`, `notin`, `key`, `!key`) and field selectors
//! (`path=value`, `path!=value`), parsed and matched like the real API server does.

use serde_json::Value;

use super::status::ApiError;

/// One requirement of a label selector.
#[derive(Debug)]
pub enum LabelReq {
    Eq(String, String),
    Ne(String, String),
    Exists(String),
    NotExists(String),
    In(String, Vec<String>),
    NotIn(String, Vec<String>),
}

impl LabelReq {
    pub fn matches(&self, labels: &Value) -> bool {
        let get = |k: &str| labels.get(k).and_then(Value::as_str);
        match self {
            LabelReq::Eq(k, v) => get(k) == Some(v.as_str()),
            LabelReq::Ne(k, v) => get(k) != Some(v.as_str()),
            LabelReq::Exists(k) => get(k).is_some(),
            LabelReq::NotExists(k) => get(k).is_none(),
            LabelReq::In(k, vs) => get(k).is_some_and(|l| vs.iter().any(|v| v == l)),
            LabelReq::NotIn(k, vs) => get(k).is_none_or(|l| vs.iter().all(|v| v != l)),
        }
    }
}

/// Splits on commas that are not inside parentheses.
fn split_top_level(s: &str) -> Vec<&str> {
    let (mut parts, mut depth, mut start) = (Vec::new(), 0i32, 0);
    for (i, c) in s.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&s[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&s[start..]);
    parts
        .into_iter()
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect()
}

pub fn parse_label_selector(s: &str) -> Result<Vec<LabelReq>, ApiError> {
    let bad = |req: &str| {
        ApiError::bad_request(format!(
            "unable to parse requirement: {req:?} in labelSelector {s:?}"
        ))
    };
    let valid =
        |k: &str| !k.is_empty() && !k.contains(|c: char| c.is_whitespace() || "=!(),".contains(c));
    let mut reqs = Vec::new();
    for req in split_top_level(s) {
        let parsed = if let Some((head, rest)) = req.split_once('(') {
            let values = rest.strip_suffix(')').ok_or_else(|| bad(req))?;
            let values: Vec<String> = values.split(',').map(|v| v.trim().to_owned()).collect();
            match head.split_whitespace().collect::<Vec<_>>().as_slice() {
                [key, "in"] => LabelReq::In((*key).to_owned(), values),
                [key, "notin"] => LabelReq::NotIn((*key).to_owned(), values),
                _ => return Err(bad(req)),
            }
        } else if let Some((k, v)) = req.split_once("!=") {
            LabelReq::Ne(k.trim().to_owned(), v.trim().to_owned())
        } else if let Some((k, v)) = req.split_once("==").or_else(|| req.split_once('=')) {
            LabelReq::Eq(k.trim().to_owned(), v.trim().to_owned())
        } else if let Some(k) = req.strip_prefix('!') {
            LabelReq::NotExists(k.trim().to_owned())
        } else {
            LabelReq::Exists(req.to_owned())
        };
        let key = match &parsed {
            LabelReq::Eq(k, _)
            | LabelReq::Ne(k, _)
            | LabelReq::Exists(k)
            | LabelReq::NotExists(k) => k,
            LabelReq::In(k, _) | LabelReq::NotIn(k, _) => k,
        };
        if !valid(key) {
            return Err(bad(req));
        }
        reqs.push(parsed);
    }
    Ok(reqs)
}

/// One `path=value` / `path!=value` term of a field selector.
#[derive(Debug)]
pub struct FieldReq {
    path: String,
    equal: bool,
    value: String,
}

impl FieldReq {
    pub fn matches(&self, obj: &Value) -> bool {
        let field = self.path.split('.').try_fold(obj, |v, seg| v.get(seg));
        let actual = match field {
            None | Some(Value::Null) => String::new(),
            Some(Value::String(s)) => s.clone(),
            Some(other) => other.to_string(),
        };
        (actual == self.value) == self.equal
    }
}

pub fn parse_field_selector(s: &str) -> Result<Vec<FieldReq>, ApiError> {
    s.split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(|term| {
            let (path, equal, value) = if let Some((p, v)) = term.split_once("!=") {
                (p, false, v)
            } else if let Some((p, v)) = term.split_once("==").or_else(|| term.split_once('=')) {
                (p, true, v)
            } else {
                return Err(ApiError::bad_request(format!(
                    "invalid selector: {s:?}; can't understand {term:?}"
                )));
            };
            Ok(FieldReq {
                path: path.trim().to_owned(),
                equal,
                value: value.trim().to_owned(),
            })
        })
        .collect()
}
