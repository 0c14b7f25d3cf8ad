//! Text output of `explain`: the code's section of docs/findings.md as it is (Markdown,
//! like `rustc --explain`), or the table of every code.

use std::io::{self, Write};

use super::Paint;
use crate::report::explain::{CodeList, Explanation};

/// Writes the explanation.
pub fn explanation(out: &mut dyn Write, e: &Explanation) -> io::Result<()> {
    writeln!(out, "{}", e.text)
}

/// Writes one line per code: code, severity, meaning.
pub fn list(out: &mut dyn Write, l: &CodeList, p: Paint) -> io::Result<()> {
    let width = l
        .codes
        .iter()
        .map(|c| c.code.as_str().len())
        .max()
        .unwrap_or(0);
    for c in &l.codes {
        let sev = c.severity.label();
        writeln!(
            out,
            "{}  {}  {}",
            p.bold(&format!("{:<width$}", c.code.as_str())),
            format_args!("{sev:<7}"),
            c.summary
        )?;
    }
    writeln!(
        out,
        "\n{} codes; `certdoctor explain CODE` prints one in full.",
        l.codes.len()
    )
}
