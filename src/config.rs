//! The validated configuration every command runs with, built once from the raw clap
//! arguments ([`Config::from_cli`]). Usage errors are found here, before any I/O.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::Duration;

use jiff::Timestamp;

use crate::cli::{ColorArg, GlobalArgs, OutputArg};
use crate::error::CliError;
use crate::model::selector::LabelSelector;

/// Version string shown by `--version`: the crate version and the git commit it was built
/// from (`unknown` outside a git checkout; see build.rs).
pub const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (commit ",
    env!("CERTDOCTOR_GIT_COMMIT"),
    ")"
);

/// Environment variable that fixes "now" (RFC 3339). A test seam: snapshot tests and
/// dumps taken in the past render the same ages every run.
pub const NOW_ENV: &str = "CERTDOCTOR_NOW";

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output {
    /// Text and tables.
    Text,
    /// Text with more table columns.
    Wide,
    /// JSON model.
    Json,
    /// YAML model.
    Yaml,
}

impl Output {
    /// True for the human formats.
    pub fn is_text(self) -> bool {
        matches!(self, Output::Text | Output::Wide)
    }
}

/// How to reach the cluster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveOptions {
    /// Explicit kubeconfig file; `None` = KUBECONFIG list or ~/.kube/config, merged by kube.
    pub kubeconfig: Option<PathBuf>,
    /// Context name; `None` = current context.
    pub context: Option<String>,
    /// User to impersonate.
    pub as_user: Option<String>,
    /// Connect and read timeout of each API request.
    pub timeout: Duration,
}

/// Where objects come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A live cluster.
    Live(LiveOptions),
    /// A dump file (`None` = stdin).
    File(Option<PathBuf>),
}

/// Which namespace the user asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NamespaceChoice {
    /// `-n NS`.
    Explicit(String),
    /// `-A`.
    All,
    /// Neither: the context's namespace live, the whole file offline.
    Default,
}

/// Validated configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// Live cluster or dump.
    pub source: Source,
    /// Namespace choice (resolved against the kubeconfig later).
    pub namespace: NamespaceChoice,
    /// `-l`, parsed.
    pub selector: Option<LabelSelector>,
    /// `-o`.
    pub output: Output,
    /// Whether stdout gets colour.
    pub color: bool,
    /// The instant every age and expiry is measured from.
    pub now: Timestamp,
}

/// Parses `30s`, `2m`, `1h30m`, `500ms` or a bare number of seconds.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let t = text.trim();
    if let Ok(secs) = t.parse::<u64>() {
        return Ok(Duration::from_secs(secs));
    }
    let mut total = Duration::ZERO;
    let mut num = String::new();
    let mut chars = t.chars().peekable();
    let bad = || format!("invalid duration {text:?} (expected e.g. 30s, 2m, 1h30m)");
    if t.is_empty() {
        return Err(bad());
    }
    while let Some(c) = chars.next() {
        if c.is_ascii_digit() {
            num.push(c);
            continue;
        }
        let n: u64 = num.parse().map_err(|_| bad())?;
        num.clear();
        let unit = match c {
            'h' => Duration::from_secs(3600 * n),
            'm' if chars.peek() == Some(&'s') => {
                chars.next();
                Duration::from_millis(n)
            }
            'm' => Duration::from_secs(60 * n),
            's' => Duration::from_secs(n),
            'd' => Duration::from_secs(86_400 * n),
            _ => return Err(bad()),
        };
        total += unit;
    }
    if !num.is_empty() {
        return Err(bad());
    }
    Ok(total)
}

fn color_enabled(choice: ColorArg) -> bool {
    match choice {
        ColorArg::Always => true,
        ColorArg::Never => false,
        ColorArg::Auto => {
            let env_set = |k: &str| std::env::var_os(k).is_some_and(|v| !v.is_empty());
            if env_set("NO_COLOR") {
                false
            } else if std::env::var_os("CLICOLOR_FORCE").is_some_and(|v| v != "0") {
                true
            } else {
                std::io::stdout().is_terminal()
                    && std::env::var("TERM").map_or(true, |t| t != "dumb")
            }
        }
    }
}

impl Config {
    /// Validates the global flags.
    pub fn from_cli(g: &GlobalArgs) -> Result<Config, CliError> {
        if g.all_namespaces && g.namespace.is_some() {
            return Err(CliError::new(
                "-n/--namespace and -A/--all-namespaces cannot be used together",
            )
            .hint("use -n NS for one namespace, or -A for all of them"));
        }
        let timeout = parse_duration(&g.request_timeout)
            .map_err(|e| CliError::new(format!("--request-timeout: {e}")))?;
        if timeout.is_zero() {
            return Err(CliError::new("--request-timeout must be longer than 0s")
                .hint("certdoctor never waits forever; use e.g. --request-timeout 2m"));
        }
        let selector = g
            .selector
            .as_deref()
            .map(LabelSelector::parse)
            .transpose()
            .map_err(|e| {
                CliError::new(e.to_string())
                    .hint("a selector looks like app=web,tier!=db or 'env in (prod,staging)'")
            })?;
        let source = match g.from_file.as_deref() {
            Some("-") => Source::File(None),
            Some(p) => Source::File(Some(PathBuf::from(p))),
            None => Source::Live(LiveOptions {
                kubeconfig: g.kubeconfig.clone(),
                context: g.context.clone(),
                as_user: g.as_user.clone(),
                timeout,
            }),
        };
        let now = match std::env::var(NOW_ENV) {
            Ok(v) => v.parse::<Timestamp>().map_err(|e| {
                CliError::new(format!("{NOW_ENV}={v:?} is not an RFC 3339 time: {e}"))
            })?,
            Err(_) => Timestamp::now(),
        };
        Ok(Config {
            source,
            namespace: match (&g.namespace, g.all_namespaces) {
                (Some(ns), _) => NamespaceChoice::Explicit(ns.clone()),
                (None, true) => NamespaceChoice::All,
                (None, false) => NamespaceChoice::Default,
            },
            selector,
            output: match g.output {
                OutputArg::Text => Output::Text,
                OutputArg::Wide => Output::Wide,
                OutputArg::Json => Output::Json,
                OutputArg::Yaml => Output::Yaml,
            },
            color: color_enabled(g.color),
            now,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_parse_like_kubectl() {
        assert_eq!(parse_duration("30s"), Ok(Duration::from_secs(30)));
        assert_eq!(parse_duration("45"), Ok(Duration::from_secs(45)));
        assert_eq!(parse_duration("1h30m"), Ok(Duration::from_secs(5400)));
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert!(parse_duration("soon").is_err());
        assert!(parse_duration("5").is_ok());
        assert!(parse_duration("5x").is_err());
        assert!(parse_duration("").is_err());
    }
}
