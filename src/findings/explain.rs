//! `certdoctor explain CODE`: the documentation of a finding code, offline. The text is
//! docs/findings.md compiled into the binary, cut at the code's `## CODE` heading, so the
//! page and `explain` can never say different things.

use super::Code;

/// docs/findings.md, as built into the binary.
pub const DOCS: &str = include_str!("../../docs/findings.md");

/// The `## CODE` section of docs/findings.md for `code`: from its heading to the next
/// `## ` heading, without trailing blank lines. `None` only if the page lacks the section
/// (a unit test keeps that from happening).
pub fn section(code: Code) -> Option<&'static str> {
    let heading = format!("## {}\n", code.as_str());
    let start = if DOCS.starts_with(&heading) {
        0
    } else {
        DOCS.find(&format!("\n{heading}"))? + 1
    };
    let rest = &DOCS[start..];
    let end = rest[heading.len()..]
        .find("\n## ")
        .map_or(rest.len(), |i| i + heading.len() + 1);
    Some(rest[..end].trim_end())
}

/// A code from what a user typed: any case, `-` for `_` (`http01-wrong-status`).
pub fn lookup(text: &str) -> Option<Code> {
    Code::parse(&normalise(text))
}

/// The codes that contain what the user typed (for the hint after a typo), at most five.
pub fn similar(text: &str) -> Vec<Code> {
    let wanted = normalise(text);
    let containing: Vec<Code> = Code::ALL
        .iter()
        .copied()
        .filter(|c| !wanted.is_empty() && c.as_str().contains(wanted.as_str()))
        .take(5)
        .collect();
    if !containing.is_empty() {
        return containing;
    }
    let words: Vec<&str> = wanted.split('_').filter(|w| w.len() >= 3).collect();
    Code::ALL
        .iter()
        .copied()
        .filter(|c| {
            words
                .iter()
                .any(|w| c.as_str().split('_').any(|part| part == *w))
        })
        .take(5)
        .collect()
}

fn normalise(text: &str) -> String {
    text.trim().to_ascii_uppercase().replace('-', "_")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_has_a_section_starting_with_its_heading() {
        for code in Code::ALL {
            let s = section(*code).unwrap_or_else(|| panic!("no section for {code}"));
            assert!(s.starts_with(&format!("## {code}\n")), "{code}");
            assert!(
                !s[3..].contains("\n## "),
                "{code} runs into the next section"
            );
            assert!(s.contains("**What it means.**"), "{code}: {s}");
        }
    }

    #[test]
    fn the_last_section_runs_to_the_end_of_the_page() {
        let last = *Code::ALL.last().unwrap();
        let s = section(last).unwrap();
        assert!(DOCS.trim_end().ends_with(s), "{last}");
    }

    #[test]
    fn lookups_forgive_case_and_dashes() {
        assert_eq!(lookup("http01-wrong-status"), Some(Code::Http01WrongStatus));
        assert_eq!(lookup("NOPE"), None);
        assert_eq!(similar("WRONG_STATUS"), [Code::Http01WrongStatus]);
        assert!(similar("TXT_MISSNG").contains(&Code::Dns01TxtMissing));
        assert!(similar("xyz").is_empty());
    }
}
