//! [`Cli`] → [`Config`]: every flag validated once, before any I/O, with one duration
//! parser and one wording per kind of bad value (`--FLAG "VALUE" is not …` and a hint with
//! an example), so the user reads the same sentence whichever flag they mistyped.

mod options;

use options::{connect_tos, decide, diagnose, explain, nameservers, renew, url_target};
use std::io::IsTerminal;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

use jiff::{SignedDuration, Timestamp};

use super::{
    CheckArgs, CheckWhat, Cli, ColorArg, Command, DecideArgs, DiagnoseArgs, DryRunArg, ExplainArgs,
    GlobalArgs, InspectTarget, OutputArg, RenewArgs, assets,
};
use crate::config::{CheckApiOptions, Code, ContextChoice, DecideOptions, DumpOptions, Verdict};
use crate::config::{
    CommandConfig, Config, ConnectOptions, ConnectTo, DiagnoseOptions, DryRun, InspectInput,
    InspectOptions, LabelSelector, NOW_ENV, NamespaceChoice, Output, ProbeOptions, RenewOptions,
    Source, Target, UrlInput,
};
use crate::error::CliError;

/// What the command line asks for.
#[derive(Debug)]
pub enum Invocation {
    /// A command over the cluster or a dump (boxed: a config is large, a job is small).
    Run(Box<Config>),
    /// Completions or man pages, made from the clap definition.
    Assets(assets::Job),
}

/// Validates the whole command line. The global flags are checked for every command
/// (also `completion`), as they always were.
pub fn convert(cli: Cli) -> Result<Invocation, CliError> {
    let g = &cli.global;
    let target = target(g)?;
    let contexts = contexts(g)?;
    let command = match cli.command {
        Command::Status(a) => CommandConfig::Status {
            name: a.name,
            watch: a.watch,
        },
        Command::Diagnose(a) => CommandConfig::Diagnose(diagnose(a)?),
        Command::Inspect(a) => CommandConfig::Inspect(match a.target {
            InspectTarget::Secret { name, warn_within } => InspectOptions {
                input: InspectInput::Secret(name),
                warn_within: warn_within.as_deref().map(parse_warn_within).transpose()?,
            },
            InspectTarget::File { paths, warn_within } => InspectOptions {
                input: InspectInput::Files(paths),
                warn_within: warn_within.as_deref().map(parse_warn_within).transpose()?,
            },
            InspectTarget::Url {
                targets,
                secret,
                connect_to,
                nameserver,
                probe_timeout,
                warn_within,
            } => InspectOptions {
                input: InspectInput::Urls(UrlInput {
                    targets: targets
                        .iter()
                        .map(|t| url_target(t))
                        .collect::<Result<_, _>>()?,
                    secret,
                    probes: ProbeOptions {
                        nameservers: nameservers(&nameserver)?,
                        connect_to: connect_tos(&connect_to)?,
                        timeout: timeout("--probe-timeout", &probe_timeout, "10s")?,
                        concurrency: 1,
                        dns_port: 53,
                        http_port: 80,
                        https_port: 443,
                    },
                }),
                warn_within: warn_within.as_deref().map(parse_warn_within).transpose()?,
            },
        }),
        Command::Renew(a) => CommandConfig::Renew(renew(a, &target)?),
        Command::Dump(a) => CommandConfig::Dump(DumpOptions {
            output_dir: a.output_dir,
            consumers: a.consumers,
        }),
        Command::Audit(_) => CommandConfig::Audit,
        Command::Approve(a) => CommandConfig::Decide(decide(Verdict::Approve, a, &target)?),
        Command::Deny(a) => CommandConfig::Decide(decide(Verdict::Deny, a, &target)?),
        Command::Check(CheckArgs {
            what: CheckWhat::Api { wait, interval },
        }) => CommandConfig::CheckApi(CheckApiOptions {
            wait: duration("--wait", &wait, "2m")?,
            interval: timeout("--interval", &interval, "5s")?,
        }),
        Command::Explain(a) => CommandConfig::Explain(explain(a)?),
        Command::Completion(a) => return Ok(Invocation::Assets(assets::Job::Completion(a.shell))),
        Command::GenerateAssets(a) => return Ok(Invocation::Assets(assets::Job::Generate(a.dir))),
    };
    if g.output == OutputArg::Markdown
        && !matches!(
            command,
            CommandConfig::Status { .. } | CommandConfig::Diagnose(_) | CommandConfig::Audit
        )
    {
        return Err(
            CliError::new("-o markdown is for status, diagnose and audit")
                .hint("use -o text, wide, json or yaml with this command"),
        );
    }
    check_many(&command, contexts.as_ref(), g)?;
    let now = match std::env::var(NOW_ENV) {
        Ok(v) => v
            .parse::<Timestamp>()
            .map_err(|e| CliError::new(format!("{NOW_ENV}={v:?} is not an RFC 3339 time: {e}")))?,
        Err(_) => Timestamp::now(),
    };
    Ok(Invocation::Run(Box::new(Config {
        target,
        contexts,
        output: match g.output {
            OutputArg::Text => Output::Text,
            OutputArg::Wide => Output::Wide,
            OutputArg::Json => Output::Json,
            OutputArg::Yaml => Output::Yaml,
            OutputArg::Markdown => Output::Markdown,
        },
        color: color_enabled(g.color),
        width: text_width(),
        now,
        command,
    })))
}

/// Parses `30s`, `2m`, `1h30m`, `500ms`, `7d` or a bare number of seconds; `None` when the
/// text is none of these. The one duration parser of the program.
pub fn parse_duration(text: &str) -> Option<Duration> {
    let t = text.trim();
    if let Ok(secs) = t.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    if t.is_empty() {
        return None;
    }
    let mut total = Duration::ZERO;
    let mut num = String::new();
    let mut chars = t.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_ascii_digit() {
            num.push(c);
            continue;
        }
        let n: u64 = num.parse().ok()?;
        num.clear();
        total += match c {
            'h' => Duration::from_secs(3600 * n),
            'm' if chars.peek() == Some(&'s') => {
                chars.next();
                Duration::from_millis(n)
            }
            'm' => Duration::from_secs(60 * n),
            's' => Duration::from_secs(n),
            'd' => Duration::from_secs(86_400 * n),
            _ => return None,
        };
    }
    num.is_empty().then_some(total)
}

/// The value of a duration flag, or the one error every duration flag gives.
/// `example` is a sensible value for this flag, shown in the hint.
fn duration(flag: &str, text: &str, example: &str) -> Result<Duration, CliError> {
    parse_duration(text).ok_or_else(|| {
        CliError::new(format!("{flag} {text:?} is not a duration")).hint(format!(
            "e.g. {flag} {example} (units: ms, s, m, h, d; a bare number is seconds)"
        ))
    })
}

/// A duration flag that bounds a wait: zero would mean waiting forever or not at all.
fn timeout(flag: &str, text: &str, example: &str) -> Result<Duration, CliError> {
    let d = duration(flag, text, example)?;
    if d.is_zero() {
        return Err(
            CliError::new(format!("{flag} must be longer than 0s")).hint(format!(
                "certdoctor never waits forever; use e.g. {flag} {example}"
            )),
        );
    }
    Ok(d)
}

fn parse_warn_within(text: &str) -> Result<SignedDuration, CliError> {
    let d = duration("--warn-within", text, "30d")?;
    Ok(SignedDuration::try_from(d).unwrap_or(SignedDuration::MAX))
}

fn target(g: &GlobalArgs) -> Result<Target, CliError> {
    if g.all_namespaces && g.namespace.is_some() {
        return Err(CliError::new(
            "-n/--namespace and -A/--all-namespaces cannot be used together",
        )
        .hint("use -n NS for one namespace, or -A for all of them"));
    }
    let timeout = timeout("--request-timeout", &g.request_timeout, "2m")?;
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
        None => Source::Live(ConnectOptions {
            kubeconfig: g.kubeconfig.clone(),
            // Several names are read one by one (`contexts`); the target then has none.
            context: g.context.as_deref().and_then(|text| {
                let mut names = context_names(text);
                (names.len() == 1).then(|| names.remove(0))
            }),
            as_user: g.as_user.clone(),
            timeout,
        }),
    };
    Ok(Target {
        source,
        namespace: match (&g.namespace, g.all_namespaces) {
            (Some(ns), _) => NamespaceChoice::Explicit(ns.clone()),
            (None, true) => NamespaceChoice::All,
            (None, false) => NamespaceChoice::Default,
        },
        selector,
    })
}

/// `--all-contexts`, or `--context` with two or more comma-separated names; `None` for
/// one cluster (one `--context NAME` stays exactly what it always was).
fn contexts(g: &GlobalArgs) -> Result<Option<ContextChoice>, CliError> {
    if g.all_contexts {
        return Ok(Some(ContextChoice::All));
    }
    let Some(text) = g.context.as_deref().filter(|t| t.contains(',')) else {
        return Ok(None);
    };
    let names = context_names(text);
    match names.len() {
        0 => Err(
            CliError::new(format!("--context {text:?} names no context"))
                .hint("e.g. --context prod-eu,prod-us, or --all-contexts"),
        ),
        1 => Ok(None),
        _ => Ok(Some(ContextChoice::Named(names))),
    }
}

/// The names of `--context a,b,c`, trimmed, without empties and repeats, in order.
fn context_names(text: &str) -> Vec<String> {
    let mut names: Vec<String> = vec![];
    for n in text.split(',').map(str::trim).filter(|n| !n.is_empty()) {
        if !names.iter().any(|m| m == n) {
            names.push(n.to_string());
        }
    }
    names
}

/// What several contexts and `--watch` can be combined with, checked before any I/O.
fn check_many(
    command: &CommandConfig,
    contexts: Option<&ContextChoice>,
    g: &GlobalArgs,
) -> Result<(), CliError> {
    if let CommandConfig::Status { name, watch: true } = command {
        if contexts.is_some() {
            return Err(CliError::new("--watch follows one cluster")
                .hint("pick one context with --context NAME"));
        }
        if g.from_file.is_some() {
            return Err(
                CliError::new("--watch follows a live cluster; a dump does not move")
                    .hint("drop --from-file, or drop --watch"),
            );
        }
        if g.output == OutputArg::Markdown {
            return Err(CliError::new("--watch cannot write -o markdown")
                .hint("use -o text, wide, json or yaml with --watch"));
        }
        let _ = name;
    }
    if let CommandConfig::Dump(DumpOptions {
        output_dir: Some(_),
        ..
    }) = command
        && contexts.is_none()
    {
        return Err(CliError::new("--output-dir writes one file per context")
            .hint("add --all-contexts or --context a,b; for one cluster, redirect stdout"));
    }
    let Some(_) = contexts else {
        return Ok(());
    };
    if g.from_file.is_some() {
        return Err(CliError::new(
            "--all-contexts and --context a,b read live clusters, not a dump",
        )
        .hint("drop --from-file, or name one context"));
    }
    match command {
        CommandConfig::Status { name: Some(_), .. } => Err(CliError::new(
            "status NAME shows one certificate of one cluster",
        )
        .hint("pick one context with --context NAME, or drop NAME for the table of every context")),
        CommandConfig::Status { .. } | CommandConfig::Diagnose(_) => Ok(()),
        CommandConfig::Dump(DumpOptions {
            output_dir: None, ..
        }) => Err(
            CliError::new("dump over several contexts writes one file per context")
                .hint("add --output-dir DIR"),
        ),
        CommandConfig::Dump(_) => Ok(()),
        _ => Err(CliError::new(
            "--all-contexts and --context a,b are for status, diagnose and dump",
        )
        .hint("name one context with --context NAME for this command")),
    }
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

/// The terminal's width when stdout is one, else 100 (pipes, files and tests read the same).
fn text_width() -> usize {
    if !std::io::stdout().is_terminal() {
        return 100;
    }
    terminal_size::terminal_size().map_or(100, |(w, _)| usize::from(w.0).max(40))
}

#[cfg(test)]
mod tests;
