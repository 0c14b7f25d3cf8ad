//! The one error type that reaches `main`: a message, an optional hint saying what to do,
//! and the exit code. The pure core reports problems as findings or its own errors; the
//! layers that know what the user was trying to do (`cli`'s validation, `cluster`'s reads and
//! writes, `commands`) build a [`CliError`] with the hint.

use std::fmt;

/// Exit code: everything checked is healthy, or the command did what was asked.
pub const EXIT_OK: i32 = 0;
/// Exit code: the command worked and found something unhealthy.
pub const EXIT_UNHEALTHY: i32 = 1;
/// Exit code: usage, access or input error; nothing reliable was concluded.
pub const EXIT_ERROR: i32 = 2;

/// An error printed as `certdoctor: error: <message>` plus `hint: <hint>`, exiting with `code`.
#[derive(Debug)]
pub struct CliError {
    /// One line saying what went wrong, with the object, file or server involved.
    pub message: String,
    /// What to do about it, when we know.
    pub hint: Option<String>,
    /// Process exit code (2 unless a command says otherwise).
    pub code: i32,
    /// Exit with `code` without printing anything (a closed stdout pipe, as ripgrep does).
    pub silent: bool,
}

impl CliError {
    /// An error with exit code 2 and no hint.
    pub fn new(message: impl Into<String>) -> Self {
        CliError {
            message: message.into(),
            hint: None,
            code: EXIT_ERROR,
            silent: false,
        }
    }

    /// Adds the hint line.
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for CliError {}

impl From<std::io::Error> for CliError {
    fn from(e: std::io::Error) -> Self {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            // `certdoctor status | head`: the reader has all it wanted.
            CliError {
                silent: true,
                code: EXIT_OK,
                ..CliError::new("broken pipe")
            }
        } else {
            CliError::new(format!("writing output: {e}"))
        }
    }
}

/// Result of a command: the exit code it chose, or an error.
pub type CliResult = Result<i32, CliError>;

/// The text of the innermost cause of an error chain. Client libraries wrap the useful
/// part ("Connection refused", "deadline has elapsed") in layers that say little to a user.
pub fn innermost(e: &(dyn std::error::Error + 'static)) -> String {
    let mut last: &dyn std::error::Error = e;
    while let Some(s) = last.source() {
        last = s;
    }
    last.to_string()
}

/// One terminal line of error text: newlines and tabs become spaces, and other control,
/// bidirectional and zero-width characters a visible escape (`\u{1b}`). Server text reaches
/// error messages (an API `Status` message), and a newline in it must not be able to print
/// a `hint:` line of its own. The same rule as `sanitize::clean`, repeated here because
/// `error` sits on the bottom floor beside it.
pub fn one_line(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\n' | '\t' | '\r' => out.push(' '),
            c if c.is_control()
                || matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{feff}') =>
            {
                out.push_str(&c.escape_unicode().to_string())
            }
            c => out.push(c),
        }
    }
    out
}
