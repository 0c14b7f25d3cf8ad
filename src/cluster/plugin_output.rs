//! What an exec credential plugin (`aws eks get-token`, `gke-gcloud-auth-plugin`, kubelogin)
//! wrote on stderr, made fit for the one-line error when it fails: captured with bounded
//! memory while it runs, then reduced to one line — terminal escape sequences removed,
//! control characters escaped, anything that looks like a token redacted, cut to
//! [`MAX_REASON_CHARS`]. Only stderr is ever shown: stdout is where the credential goes.
//!
//! The redaction is a safety net, not a parser: plugins write their errors for people
//! ("the SSO session has expired"), but a debug flag or a broken wrapper can echo a token or
//! a header. A bearer token, a `token=…`/`password: …` value, a JWT, a long mixed-case or
//! digit-bearing blob, and the exact token the plugin printed on stdout are replaced by
//! `[redacted]`.

use std::collections::VecDeque;
use std::io::Read;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Bytes kept from the start and from the end of a plugin's stderr: the start says what
/// failed, the end usually what to do. A plugin that writes megabytes costs no memory.
const KEEP_BYTES: usize = 4096;

/// Longest reason shown in the error line, in characters.
pub const MAX_REASON_CHARS: usize = 400;

/// Characters of the start kept when a reason is cut (the rest is its end).
const HEAD_CHARS: usize = 150;

/// What replaces a redacted word.
const REDACTED: &str = "[redacted]";

#[derive(Debug, Default)]
struct Kept {
    head: Vec<u8>,
    tail: VecDeque<u8>,
    cut: bool,
}

impl Kept {
    fn push(&mut self, bytes: &[u8]) {
        let room = KEEP_BYTES.saturating_sub(self.head.len());
        let (to_head, rest) = bytes.split_at(room.min(bytes.len()));
        self.head.extend_from_slice(to_head);
        let rest = if rest.len() > KEEP_BYTES {
            self.cut = true;
            self.tail.clear();
            &rest[rest.len() - KEEP_BYTES..]
        } else {
            rest
        };
        let over = (self.tail.len() + rest.len()).saturating_sub(KEEP_BYTES);
        if over > 0 {
            self.cut = true;
            self.tail.drain(..over);
        }
        self.tail.extend(rest);
    }

    fn text(&self) -> String {
        let mut bytes = self.head.clone();
        if self.cut {
            bytes.extend_from_slice("\n…\n".as_bytes());
        }
        bytes.extend(self.tail.iter());
        String::from_utf8_lossy(&bytes).into_owned()
    }
}

/// A plugin's stderr, read on a thread of its own to the end (so the plugin never blocks on a
/// full pipe), keeping its first and last [`KEEP_BYTES`].
pub struct Capture {
    kept: Arc<Mutex<Kept>>,
    reader: JoinHandle<()>,
}

impl Capture {
    /// Starts reading `stream`.
    pub fn start(mut stream: impl Read + Send + 'static) -> Capture {
        let kept = Arc::new(Mutex::new(Kept::default()));
        let sink = Arc::clone(&kept);
        let reader = std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = stream.read(&mut buf) {
                if n == 0 {
                    break;
                }
                if let Ok(mut k) = sink.lock() {
                    k.push(&buf[..n]);
                }
            }
        });
        Capture { kept, reader }
    }

    /// What the plugin wrote, once it has exited. Waits at most `grace` for the pipe to
    /// close: a process the plugin left behind may hold it open, and the error must not wait
    /// for it.
    pub fn text(self, grace: Duration) -> String {
        let start = Instant::now();
        while !self.reader.is_finished() && start.elapsed() < grace {
            std::thread::sleep(Duration::from_millis(5));
        }
        self.kept.lock().map(|k| k.text()).unwrap_or_default()
    }
}

/// The reason for the error line: `raw` (a plugin's stderr) as one line, without escape
/// sequences, with tokens (and each of `secrets`, exact values known to be secret) redacted,
/// at most [`MAX_REASON_CHARS`] characters. `None` when it said nothing.
pub fn reason(raw: &str, secrets: &[&str]) -> Option<String> {
    let mut text = strip_escapes(raw);
    for s in secrets.iter().filter(|s| s.len() >= 8) {
        text = text.replace(s, REDACTED);
    }
    let lines: Vec<String> = text
        .lines()
        .map(|l| redact_words(l.trim()))
        .filter(|l| !l.is_empty())
        .collect();
    if lines.is_empty() {
        return None;
    }
    let one = crate::sanitize::clean(&lines.join(" | "));
    Some(shorten(&one))
}

/// Cuts to [`MAX_REASON_CHARS`]: the start and the end, `…` between.
fn shorten(s: &str) -> String {
    let n = s.chars().count();
    if n <= MAX_REASON_CHARS {
        return s.to_string();
    }
    let head: String = s.chars().take(HEAD_CHARS).collect();
    let tail_len = MAX_REASON_CHARS - HEAD_CHARS - 3;
    let tail: String = s.chars().skip(n - tail_len).collect();
    format!("{} … {}", head.trim_end(), tail.trim_start())
}

/// Removes terminal escape sequences (colours, cursor moves, window titles): CSI
/// `ESC [ … final`, OSC `ESC ] … BEL` or `ESC ] … ESC \`, and any other `ESC x`.
fn strip_escapes(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\u{1b}' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('[') => {
                for c in chars.by_ref() {
                    if ('\u{40}'..='\u{7e}').contains(&c) {
                        break;
                    }
                }
            }
            Some(']') => {
                while let Some(c) = chars.next() {
                    if c == '\u{7}' || (c == '\u{1b}' && chars.next_if_eq(&'\\').is_some()) {
                        break;
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// A key as compared: lower case, without the punctuation around it (`--token`, `"token"`).
fn bare_key(key: &str) -> String {
    key.trim_matches(|c: char| !c.is_alphanumeric())
        .to_ascii_lowercase()
}

/// Names of secrets, as keys (`token=…`) and as labels (`password: …`).
const SECRET_NAMES: [&str; 8] = [
    "token",
    "password",
    "passwd",
    "secret",
    "authorization",
    "apikey",
    "api_key",
    "api-key",
];

/// Whether `key` in one word `key=value` or `key:value` names a secret (`--token=…`,
/// `aws_session_token=…`, `"password":"…"`).
fn secret_key(key: &str) -> bool {
    let k = bare_key(key);
    SECRET_NAMES
        .iter()
        .chain(&["cookie", "credential"])
        .any(|s| k.ends_with(s))
}

/// Whether `key:` followed by a space names a secret in the next word (`Authorization: …`,
/// `password: …`). Exact names only: `ExpiredToken: The security token …` is a message.
fn secret_label(key: &str) -> bool {
    let k = bare_key(key);
    SECRET_NAMES
        .iter()
        .chain(&["access_token", "id_token", "refresh_token", "client_secret"])
        .any(|s| *s == k)
}

/// Whether one word (punctuation around it ignored) looks like a credential: a JWT, or a
/// long blob of base64/hex characters. Kubernetes and DNS names (lower case and `-`), UUIDs
/// and words without digits do not.
fn opaque(word: &str) -> bool {
    let w = word.trim_matches(|c: char| "\"'`()[]{}<>,;".contains(c));
    if w.starts_with("eyJ") && w.matches('.').count() >= 2 {
        return true;
    }
    w.split(['.', '/', ':', '@'])
        .chain(std::iter::once(w))
        .any(|seg| {
            let blob = seg.len() >= 20
                && seg
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+/=_-".contains(c));
            let digit = seg.chars().any(|c| c.is_ascii_digit());
            let upper = seg.chars().any(|c| c.is_ascii_uppercase());
            let lower = seg.chars().any(|c| c.is_ascii_lowercase());
            let separated = seg.contains(['-', '_']);
            blob && digit
                && ((upper && lower) || (seg.len() >= 32 && !separated && (upper || lower)))
        })
}

/// One line with every credential-like word replaced by [`REDACTED`]: a `key=value` or
/// `key:value` with a secret key keeps its key, the word after `Bearer` or after a secret
/// `key:` goes, and so does any [`opaque`] word. Whitespace runs become one space.
fn redact_words(line: &str) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut next_is_secret = false;
    for word in line.split_whitespace() {
        let bare = bare_key(word);
        if bare == "bearer" || bare == "basic" {
            // `Authorization: Bearer …`: the token is the word after the scheme.
            next_is_secret = true;
            out.push(word.to_string());
            continue;
        }
        if next_is_secret {
            next_is_secret = false;
            out.push(REDACTED.to_string());
            continue;
        }
        if let Some(at) = word.find(['=', ':']) {
            let (key, value) = word.split_at(at);
            let value = value.trim_end_matches(',');
            if value.len() > 1 && secret_key(key) {
                out.push(format!("{key}{}{REDACTED}", &value[..1]));
                continue;
            }
            if value.len() == 1 && secret_label(key) {
                next_is_secret = true;
                out.push(word.to_string());
                continue;
            }
        }
        if opaque(word) {
            out.push(REDACTED.to_string());
        } else {
            out.push(word.to_string());
        }
    }
    out.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plain_message_is_kept_as_one_line() {
        let raw = "error: getting credentials: exec: executable aws failed\n\n  An error occurred (ExpiredTokenException) when calling the GetCallerIdentity operation: The security token included in the request is expired\n";
        assert_eq!(
            reason(raw, &[]).unwrap(),
            "error: getting credentials: exec: executable aws failed | An error occurred (ExpiredTokenException) when calling the GetCallerIdentity operation: The security token included in the request is expired"
        );
        assert_eq!(reason(" \n\t\n", &[]), None);
    }

    #[test]
    fn names_and_uuids_stay_and_tokens_go() {
        let kept = "cluster my-cluster-1234567890.gr7.eu-west-1.eks.amazonaws.com request 123e4567-e89b-12d3-a456-426614174000 role arn:aws:iam::123456789012:role/admin ExpiredToken: The security token included in the request is expired";
        assert_eq!(reason(kept, &[]).unwrap(), kept);
        for (raw, gone) in [
            ("Authorization: Bearer abc.def", "abc.def"),
            ("sent --token=s3cr3t-value", "s3cr3t-value"),
            ("password: hunter2", "hunter2"),
            (
                "got eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln back",
                "eyJhbGciOiJSUzI1NiJ9",
            ),
            (
                "key wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                "wJalrXUtnFEMI",
            ),
            (
                "token ya29.a0AfH6SMBx3kQz9PZ8dLqv7Ys2nXc",
                "a0AfH6SMBx3kQz9PZ8dLqv7Ys2nXc",
            ),
            (
                "echoed k8s-aws-v1.aHR0cHM6Ly9zdHMuYW1hem9uYXdzLmNvbS8",
                "aHR0cHM6",
            ),
        ] {
            let r = reason(raw, &[]).unwrap();
            assert!(!r.contains(gone) && r.contains(REDACTED), "{raw} -> {r}");
        }
        let r = reason("retrying with plain-SECRET-1", &["plain-SECRET-1"]).unwrap();
        assert_eq!(r, "retrying with [redacted]");
    }

    #[test]
    fn escapes_are_removed_and_control_characters_escaped() {
        let raw = "\u{1b}[31merror\u{1b}[0m: \u{1b}]0;title\u{7}login \u{7}needed";
        assert_eq!(reason(raw, &[]).unwrap(), "error: login \\u{7}needed");
    }

    #[test]
    fn a_long_message_keeps_its_start_and_end_within_the_bound() {
        let raw = format!("first line\n{}\nrun: gcloud auth login", "x ".repeat(5000));
        let r = reason(&raw, &[]).unwrap();
        assert!(r.chars().count() <= MAX_REASON_CHARS, "{}", r.len());
        assert!(r.starts_with("first line | x x"), "{r}");
        assert!(r.ends_with("| run: gcloud auth login"), "{r}");
        assert!(r.contains(" … "), "{r}");
    }

    #[test]
    fn the_capture_keeps_the_start_and_the_end_of_a_flood() {
        let mut kept = Kept::default();
        kept.push(b"START ");
        for _ in 0..10_000 {
            kept.push(b"noise ");
        }
        kept.push(b"END");
        assert!(kept.head.len() <= KEEP_BYTES && kept.tail.len() <= KEEP_BYTES);
        let text = kept.text();
        assert!(text.starts_with("START") && text.ends_with("END") && text.contains('…'));
    }
}
