//! The house rules, checked: every `src/**/*.rs` is read, each `crate::…` path (and
//! `super::…` that climbs to the crate root, and `certdoctor::…` in `main.rs`) is an edge from
//! the file's top-level module to another, and every edge must be one the table in
//! `../shared/design/architecture.md` ("Who may import whom") allows: floors only point down,
//! never sideways between I/O layers. The `src/lib.rs` `//!` says the same in prose.
//!
//! The scanner is deliberately small (comments and literals stripped, then tokens), and the
//! unit checks at the bottom prove it reports what it should, so a passing test means
//! something.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The floor of each top-level module of `src/`, from the bottom. A module missing here is
/// itself a failure: a new module has to be placed in the house before it can be used.
fn floor(module: &str) -> Option<u8> {
    Some(match module {
        "error" | "timefmt" | "sanitize" | "findings" => 1,
        "model" | "pki" => 2,
        "cluster" | "probe" | "diagnose" | "renew" => 3,
        "report" => 4,
        "render" => 5,
        "config" => 6,
        "commands" | "cli" => 7,
        "main" => 8,
        _ => return None,
    })
}

/// Whether `from` may import `to` (both top-level modules, `from != to`), per the table.
fn allowed(from: &str, to: &str) -> bool {
    let (Some(f), Some(t)) = (floor(from), floor(to)) else {
        return false;
    };
    let io = |m: &str| matches!(m, "cluster" | "probe");
    match from {
        // Floor 2: floor 1; pki may use model's types.
        "pki" => t == 1 || to == "model",
        // Floor 3: floors 1–2; renew may use cluster. Nothing else sideways: cluster and probe
        // never import each other, diagnose (pure) neither of them, I/O never the pure tree.
        "renew" => t < 3 || to == "cluster",
        // Floor 4: the documents hold the types of floors 1–3, never the I/O layers.
        "report" => t < 4 && !io(to),
        // Floor 5: report and the types it holds (floors 1–2, diagnose and renew types).
        "render" => t < 3 || matches!(to, "report" | "diagnose" | "renew"),
        // Floor 6: the option structs of floor 3 (and what they are made of).
        "config" => t < 4,
        // Floor 7: commands everything below, never cli; cli only config and error (and clap).
        "commands" => t < 7,
        "cli" => matches!(to, "config" | "error"),
        // Floor 8: the binary parses, runs and exits.
        "main" => matches!(to, "cli" | "commands" | "error"),
        // Floors 1–3 otherwise: strictly downwards.
        _ => t < f,
    }
}

/// Known violations in files this check's author does not own, each with the reason it
/// stays for now. Every entry is `(file, imported top-level module)`; an entry that no longer
/// matches anything fails the test, so the list only shrinks.
const ALLOWED_FOR_NOW: &[(&str, &str)] = &[];

/// One import edge found in a file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Edge {
    file: String,
    from: String,
    to: String,
}

/// The module path of a file under `src/` (`src/render/status/detail.rs` →
/// `[render, status, detail]`, `mod.rs` names its directory, `lib.rs` is the root).
fn module_path(rel: &str) -> Vec<String> {
    let rel = rel.strip_prefix("src/").unwrap_or(rel);
    let rel = rel.strip_suffix(".rs").unwrap_or(rel);
    let mut parts: Vec<String> = rel.split('/').map(str::to_string).collect();
    if matches!(parts.last().map(String::as_str), Some("mod" | "lib")) {
        parts.pop();
    }
    parts
}

/// The source with comments, string and char literals blanked out (newlines kept), so doc
/// links and messages that mention `crate::x` are not taken for imports.
fn strip(src: &str) -> String {
    let c: Vec<char> = src.chars().collect();
    let mut out = String::with_capacity(src.len());
    let mut i = 0;
    let blank = |out: &mut String, ch: char| out.push(if ch == '\n' { '\n' } else { ' ' });
    while i < c.len() {
        let next = c.get(i + 1).copied();
        if c[i] == '/' && next == Some('/') {
            while i < c.len() && c[i] != '\n' {
                i += 1;
            }
        } else if c[i] == '/' && next == Some('*') {
            let mut depth = 0;
            while i < c.len() {
                if c[i] == '/' && c.get(i + 1) == Some(&'*') {
                    depth += 1;
                    i += 2;
                } else if c[i] == '*' && c.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    blank(&mut out, c[i]);
                    i += 1;
                }
            }
        } else if c[i] == 'r'
            && (next == Some('"') || next == Some('#'))
            && (i == 0 || !(c[i - 1].is_alphanumeric() || c[i - 1] == '_'))
        {
            // Raw string r"…" or r#"…"#.
            let mut j = i + 1;
            let mut hashes = 0;
            while c.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            if c.get(j) != Some(&'"') {
                out.push(c[i]);
                i += 1;
                continue;
            }
            j += 1;
            loop {
                if j >= c.len() {
                    break;
                }
                if c[j] == '"' && (1..=hashes).all(|k| c.get(j + k) == Some(&'#')) {
                    j += 1 + hashes;
                    break;
                }
                blank(&mut out, c[j]);
                j += 1;
            }
            i = j;
        } else if c[i] == '"' {
            i += 1;
            while i < c.len() && c[i] != '"' {
                if c[i] == '\\' {
                    i += 1;
                }
                if i < c.len() {
                    blank(&mut out, c[i]);
                }
                i += 1;
            }
            i += 1;
        } else if c[i] == '\'' {
            // A char literal ('x', '\n', '\u{..}'), or a lifetime ('a), which stays.
            if next == Some('\\') {
                i += 2;
                while i < c.len() && c[i] != '\'' {
                    i += 1;
                }
                i += 1;
            } else if c.get(i + 2) == Some(&'\'') {
                i += 3;
            } else {
                out.push(c[i]);
                i += 1;
            }
        } else {
            out.push(c[i]);
            i += 1;
        }
    }
    out
}

/// Identifiers and the punctuation paths are made of (`::`, `{`, `}`, `,`, `;`), in order.
fn tokens(src: &str) -> Vec<String> {
    let c: Vec<char> = src.chars().collect();
    let mut out = vec![];
    let mut i = 0;
    while i < c.len() {
        if c[i].is_alphanumeric() || c[i] == '_' {
            let start = i;
            while i < c.len() && (c[i].is_alphanumeric() || c[i] == '_') {
                i += 1;
            }
            out.push(c[start..i].iter().collect());
        } else if c[i] == ':' && c.get(i + 1) == Some(&':') {
            out.push("::".into());
            i += 2;
        } else {
            if !c[i].is_whitespace() {
                out.push(c[i].to_string());
            }
            i += 1;
        }
    }
    out
}

/// The top-level modules one file imports, with `rel` its path from the crate root
/// (`src/model/chain.rs`). `main.rs` is the binary: there the library is `certdoctor::`.
fn imports(rel: &str, text: &str) -> BTreeSet<String> {
    let binary = rel == "src/main.rs";
    let file_module = if binary { vec![] } else { module_path(rel) };
    let toks = tokens(&strip(text));
    let mut found = BTreeSet::new();
    // Inline modules (`mod tests { … }`): `super::` inside one climbs to the file's module.
    let mut inline: Vec<(String, usize)> = vec![];
    let mut depth = 0usize;
    let mut i = 0;
    while i < toks.len() {
        let t = toks[i].as_str();
        let is = |k: usize, s: &str| toks.get(k).map(String::as_str) == Some(s);
        let starts_path = i == 0 || !is(i - 1, "::");
        match t {
            "{" => depth += 1,
            "}" => {
                depth = depth.saturating_sub(1);
                if inline.last().is_some_and(|(_, d)| *d > depth) {
                    inline.pop();
                }
            }
            "mod" if is(i + 2, "{") => {
                inline.push((toks[i + 1].clone(), depth + 1));
            }
            _ => {}
        }
        // Where a path starting here is rooted, as a module path (empty = crate root).
        let root: Option<(Vec<String>, usize)> = if !starts_path || !is(i + 1, "::") {
            None
        } else if (t == "crate" && !binary) || (t == "certdoctor" && binary) {
            Some((vec![], i + 2))
        } else if (t == "super" || t == "self") && !binary {
            let mut here: Vec<String> = file_module.clone();
            here.extend(inline.iter().map(|(n, _)| n.clone()));
            let mut k = i;
            if t == "self" {
                k += 2;
            }
            while is(k, "super") && is(k + 1, "::") {
                here.pop();
                k += 2;
            }
            Some((here, k))
        } else {
            None
        };
        if let Some((base, k)) = root
            && base.is_empty()
        {
            match toks.get(k).map(String::as_str) {
                Some("{") => {
                    // A group: the first name of each item at its top level.
                    let mut d = 0;
                    let mut expect_item = true;
                    for tok in &toks[k..] {
                        match tok.as_str() {
                            "{" => {
                                d += 1;
                                continue;
                            }
                            "}" => {
                                d -= 1;
                                if d == 0 {
                                    break;
                                }
                                continue;
                            }
                            "," if d == 1 => {
                                expect_item = true;
                                continue;
                            }
                            _ => {}
                        }
                        if d == 1 && expect_item {
                            expect_item = false;
                            if tok != "self" && tok != "*" {
                                found.insert(tok.clone());
                            }
                        }
                    }
                }
                Some(name) if name != "*" && name != "self" => {
                    found.insert(name.to_string());
                }
                _ => {}
            }
        }
        i += 1;
    }
    found
}

/// The top-level module a file belongs to (`main` for the binary).
fn top_module(rel: &str) -> String {
    if rel == "src/main.rs" {
        return "main".into();
    }
    module_path(rel).first().cloned().unwrap_or_default()
}

/// The forbidden edges among these files (`(path from the crate root, text)`).
fn violations(files: &[(String, String)]) -> Vec<Edge> {
    let mut out = vec![];
    for (rel, text) in files {
        let from = top_module(rel);
        if from.is_empty() {
            continue; // lib.rs: the module list itself.
        }
        for to in imports(rel, text) {
            if to != from && !allowed(&from, &to) {
                out.push(Edge {
                    file: rel.clone(),
                    from: from.clone(),
                    to,
                });
            }
        }
        if floor(&from).is_none() {
            out.push(Edge {
                file: rel.clone(),
                from: from.clone(),
                to: "(module not in the table)".into(),
            });
        }
    }
    out.sort();
    out
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn source_tree() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut paths = vec![];
    rust_files(&root.join("src"), &mut paths);
    paths.sort();
    paths
        .into_iter()
        .map(|p| {
            let rel = p
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            (rel, std::fs::read_to_string(&p).unwrap())
        })
        .collect()
}

#[test]
fn every_import_points_down_the_floors_of_the_design_note() {
    let files = source_tree();
    assert!(files.len() > 20, "src/ not found: {} files", files.len());
    let found = violations(&files);
    let unexpected: Vec<String> = found
        .iter()
        .filter(|e| !ALLOWED_FOR_NOW.contains(&(e.file.as_str(), e.to.as_str())))
        .map(|e| format!("{}: {} may not import {}", e.file, e.from, e.to))
        .collect();
    assert!(
        unexpected.is_empty(),
        "imports the layering forbids (see ../shared/design/architecture.md and src/lib.rs):\n{}",
        unexpected.join("\n")
    );
    let stale: Vec<_> = ALLOWED_FOR_NOW
        .iter()
        .filter(|(file, to)| !found.iter().any(|e| e.file == *file && e.to == *to))
        .collect();
    assert!(
        stale.is_empty(),
        "fixed, remove from ALLOWED_FOR_NOW: {stale:?}"
    );
}

/// Longest source file: past this, a file holds more than one idea and is split.
const MAX_LINES: usize = 450;

#[test]
fn every_source_file_opens_with_its_purpose_and_stays_short() {
    let mut problems = vec![];
    for (rel, text) in source_tree() {
        if !text.starts_with("//!") {
            problems.push(format!("{rel}: does not open with a `//!` paragraph"));
        }
        let lines = text.lines().count();
        if lines > MAX_LINES {
            problems.push(format!("{rel}: {lines} lines (at most {MAX_LINES})"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_scan_sees_the_real_edges() {
    // Guard against a scanner that finds nothing and so passes vacuously.
    let files = source_tree();
    let edges: BTreeSet<(String, String)> = files
        .iter()
        .flat_map(|(rel, text)| {
            let from = top_module(rel);
            imports(rel, text)
                .into_iter()
                .map(move |to| (from.clone(), to))
        })
        .collect();
    for (from, to) in [
        ("commands", "render"),
        ("render", "report"),
        ("report", "model"),
        ("main", "commands"),
    ] {
        assert!(
            edges.contains(&(from.to_string(), to.to_string())),
            "{from} -> {to} not seen; the scanner is broken"
        );
    }
}

fn one(rel: &str, text: &str) -> Vec<String> {
    violations(&[(rel.to_string(), text.to_string())])
        .into_iter()
        .map(|e| e.to)
        .collect()
}

#[test]
fn an_upward_import_is_reported() {
    assert_eq!(
        one("src/model/foo.rs", "use crate::commands::x;\n"),
        ["commands"]
    );
    // Grouped, nested, inline paths and `super::` that climbs to the root all count.
    assert_eq!(
        one(
            "src/model/foo.rs",
            "use crate::{timefmt, render::{self, Paint}};\nfn f() { crate::cli::run(); }\nuse super::super::report::X;\n"
        ),
        ["cli", "render", "report"]
    );
    assert_eq!(
        one("src/render/mod.rs", "use super::commands::x;"),
        ["commands"]
    );
    // Sideways between the I/O layers, and the rules that are not just floors.
    assert_eq!(one("src/cluster/a.rs", "use crate::probe::x;"), ["probe"]);
    assert_eq!(
        one("src/diagnose/a.rs", "use crate::cluster::x;"),
        ["cluster"]
    );
    assert_eq!(
        one("src/render/a.rs", "use crate::cluster::x;"),
        ["cluster"]
    );
    assert_eq!(one("src/cli/a.rs", "use crate::renew::x;"), ["renew"]);
    assert_eq!(one("src/commands/a.rs", "use crate::cli::x;"), ["cli"]);
    assert_eq!(one("src/main.rs", "use certdoctor::render;"), ["render"]);
    assert_eq!(one("src/newthing.rs", ""), ["(module not in the table)"]);
}

#[test]
fn allowed_imports_comments_and_literals_are_not_reported() {
    let text = r##"//! See [`crate::commands`] and `crate::cli`.
/* crate::commands::x */
use crate::model::types::X;
use super::status::Y;
const S: &str = "crate::commands::x";
const R: &str = r#"crate::cli"#;
const C: char = '"';
fn f<'a>(x: &'a str) -> &'a str { x }
#[cfg(test)]
mod tests {
    use super::*;
    use super::super::x;
}
"##;
    assert!(one("src/render/status.rs", text).is_empty());
    assert!(one("src/renew/a.rs", "use crate::cluster::client::Connection;").is_empty());
    assert!(one("src/main.rs", "use certdoctor::cli::{self, Cli};").is_empty());
}
