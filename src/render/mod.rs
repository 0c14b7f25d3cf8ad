//! Printers: text (tables and detail views), JSON and YAML, all over any `io::Write` and all
//! from the same report model. Render never reads the cluster; it only formats what it is
//! given. Text from the cluster is sanitised here, on its way to a terminal.

pub mod audit;
pub mod check;
pub mod decide;
pub mod diagnose;
pub mod explain;
pub mod findings;
pub mod inspect;
pub mod markdown;
pub mod renew;
pub mod status;

use std::io::{self, Write};

use colored::{ColoredString, Colorize};
use serde::Serialize;

use crate::sanitize::clean;

/// Writes `value` as pretty JSON followed by a newline.
pub fn json<T: Serialize>(out: &mut dyn Write, value: &T) -> io::Result<()> {
    // `io::Error::from` keeps the kind, so a closed pipe stays a quiet BrokenPipe.
    serde_json::to_writer_pretty(&mut *out, value).map_err(io::Error::from)?;
    writeln!(out)
}

/// Writes `value` as YAML.
pub fn yaml<T: Serialize>(out: &mut dyn Write, value: &T) -> io::Result<()> {
    let text = serde_saphyr::to_string(value).map_err(io::Error::other)?;
    out.write_all(text.as_bytes())
}

/// Colour helpers that do nothing when colour is off, so callers never branch. `main`
/// forces `colored` on once; whether colour is wanted is decided here, per output.
#[derive(Debug, Clone, Copy)]
pub struct Paint {
    /// Whether to emit ANSI colour.
    pub enabled: bool,
}

impl Paint {
    fn apply(&self, s: &str, f: impl Fn(&str) -> ColoredString) -> String {
        if self.enabled {
            f(s).to_string()
        } else {
            s.to_string()
        }
    }
    /// Healthy.
    pub fn green(&self, s: &str) -> String {
        self.apply(s, |t| t.green())
    }
    /// Broken.
    pub fn red(&self, s: &str) -> String {
        self.apply(s, |t| t.red())
    }
    /// Needs attention.
    pub fn yellow(&self, s: &str) -> String {
        self.apply(s, |t| t.yellow())
    }
    /// Headings.
    pub fn bold(&self, s: &str) -> String {
        self.apply(s, |t| t.bold())
    }
    /// Secondary text.
    pub fn dim(&self, s: &str) -> String {
        self.apply(s, |t| t.dimmed())
    }
}

/// A table in kubectl's style: no borders, two spaces between columns, no wrapping.
pub fn kubectl_table(header: Vec<&str>) -> comfy_table::Table {
    let mut t = comfy_table::Table::new();
    t.load_style(comfy_table::presets::NOTHING);
    t.set_content_arrangement(comfy_table::ContentArrangement::Disabled);
    t.set_header(header.into_iter().map(comfy_table::Cell::new));
    for i in 0..t.column_count() {
        if let Some(col) = t.column_mut(i) {
            col.set_padding((0, 2));
        }
    }
    t
}

/// Writes a table without the trailing padding comfy-table leaves on each line.
pub fn write_table(out: &mut dyn Write, t: &comfy_table::Table) -> io::Result<()> {
    for line in t.to_string().lines() {
        writeln!(out, "{}", line.trim_end())?;
    }
    Ok(())
}

/// Sanitised cluster text, or `-` when absent or empty.
pub fn text_or_dash(s: Option<&str>) -> String {
    match s {
        Some(t) if !t.is_empty() => clean(t),
        _ => "-".to_string(),
    }
}
