//! Makes untrusted text from the cluster safe for a terminal.
//!
//! Names, messages, annotations and event text are written by controllers, webhooks and
//! users; an escape sequence in an Event message could move the cursor, rewrite earlier
//! lines or set the window title. Everything from the cluster passes through [`clean`]
//! before text output (JSON and YAML escape by themselves).

/// Replaces control characters (C0 except none, DEL, C1) and bidirectional-override and
/// zero-width characters with a visible escape like `\u{1b}`. Newlines and tabs become
/// spaces, so one cluster string stays one line.
pub fn clean(s: &str) -> String {
    if !s.chars().any(needs_escape) && !s.contains(['\n', '\t', '\r']) {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\n' | '\t' | '\r' => out.push(' '),
            c if needs_escape(c) => out.push_str(&c.escape_unicode().to_string()),
            c => out.push(c),
        }
    }
    out
}

fn needs_escape(c: char) -> bool {
    (c.is_control() && !matches!(c, '\n' | '\t' | '\r'))
        || matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{feff}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_sequences_are_made_visible() {
        assert_eq!(clean("ok\u{1b}[2Jgone"), "ok\\u{1b}[2Jgone");
        assert_eq!(clean("two\nlines"), "two lines");
        assert_eq!(clean("a\u{202e}b"), "a\\u{202e}b");
        assert_eq!(clean("plain ünïcode ✓"), "plain ünïcode ✓");
    }
}
