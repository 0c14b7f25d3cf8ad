//! [`Cli`] → [`Config`]: every flag validated once, before any I/O, with one duration
//! parser and one wording per kind of bad value (`--FLAG "VALUE" is not …` and a hint with
//! an example), so the user reads the same sentence whichever flag they mistyped.

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
        CommandConfig::Dump(DumpOptions { output_dir: None }) => Err(CliError::new(
            "dump over several contexts writes one file per context",
        )
        .hint("add --output-dir DIR")),
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

fn socket(text: &str, default_port: u16) -> Option<SocketAddr> {
    if let Ok(sa) = text.parse::<SocketAddr>() {
        return Some(sa);
    }
    text.trim_matches(['[', ']'])
        .parse::<IpAddr>()
        .ok()
        .map(|ip| SocketAddr::new(ip, default_port))
}

fn connect_to(c: &str) -> Result<ConnectTo, CliError> {
    let bad = || {
        CliError::new(format!("--connect-to {c:?} is not HOST:PORT:ADDR:PORT")).hint(
            "e.g. --connect-to app.example.com:80:203.0.113.10:80 (ADDR is an IP address; IPv6 in brackets)",
        )
    };
    let (host, rest) = c.split_once(':').ok_or_else(bad)?;
    let (port, addr) = rest.split_once(':').ok_or_else(bad)?;
    let port: u16 = port.parse().map_err(|_| bad())?;
    let to = addr.parse::<SocketAddr>().map_err(|_| bad())?;
    Ok(ConnectTo {
        host: host.to_ascii_lowercase(),
        port,
        to,
    })
}

/// `HOST`, `HOST:PORT`, `[IPv6]:PORT` or `https://HOST[:PORT]/…` → host and port (443).
fn url_target(t: &str) -> Result<(String, u16), CliError> {
    let bad = || {
        CliError::new(format!("{t:?} is not HOST[:PORT]"))
            .hint("e.g. certdoctor inspect url app.example.com or app.example.com:8443")
    };
    let rest = t
        .strip_prefix("https://")
        .or_else(|| t.strip_prefix("HTTPS://"))
        .unwrap_or(t);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
        let (h, after) = v6.split_once(']').ok_or_else(bad)?;
        match after.strip_prefix(':') {
            Some(p) => (h.to_string(), p.parse::<u16>().map_err(|_| bad())?),
            None if after.is_empty() => (h.to_string(), 443),
            None => return Err(bad()),
        }
    } else {
        match authority.rsplit_once(':') {
            Some((h, p)) => (h.to_string(), p.parse::<u16>().map_err(|_| bad())?),
            None => (authority.to_string(), 443),
        }
    };
    let valid = !host.is_empty()
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ':'));
    if !valid || port == 0 {
        return Err(bad());
    }
    Ok((host.to_ascii_lowercase(), port))
}

fn nameservers(list: &[String]) -> Result<Vec<SocketAddr>, CliError> {
    list.iter()
        .map(|n| {
            socket(n, 53).ok_or_else(|| {
                CliError::new(format!(
                    "--nameserver {n:?} is not an IP address with an optional port"
                ))
                .hint("e.g. --nameserver 1.1.1.1 or --nameserver 10.0.0.2:5353")
            })
        })
        .collect()
}

fn connect_tos(list: &[String]) -> Result<Vec<ConnectTo>, CliError> {
    list.iter().map(|c| connect_to(c)).collect()
}

/// The probe flags are validated also with `--offline`, so a typo never hides.
fn diagnose(a: DiagnoseArgs) -> Result<DiagnoseOptions, CliError> {
    let nameservers = a
        .nameserver
        .iter()
        .map(|n| {
            socket(n, 53).ok_or_else(|| {
                CliError::new(format!(
                    "--nameserver {n:?} is not an IP address with an optional port"
                ))
                .hint("e.g. --nameserver 1.1.1.1 or --nameserver 10.0.0.2:5353")
            })
        })
        .collect::<Result<_, _>>()?;
    let connect_to = a
        .connect_to
        .iter()
        .map(|c| connect_to(c))
        .collect::<Result<_, _>>()?;
    let probes = ProbeOptions {
        nameservers,
        connect_to,
        timeout: timeout("--probe-timeout", &a.probe_timeout, "10s")?,
        concurrency: a.concurrency as usize,
        dns_port: a.dns_port,
        http_port: a.http_port,
        https_port: a.https_port,
    };
    Ok(DiagnoseOptions {
        name: a.name,
        probes: (!a.offline).then_some(probes),
        tree: a.tree,
        details: a.details,
        max: a.max,
        consumers: a.consumers,
    })
}

/// Checks the selection rules: names, `--all` and `-l` exclude each other and one is
/// required; `-A` needs `--all` or `-l`.
fn renew(a: RenewArgs, target: &Target) -> Result<RenewOptions, CliError> {
    let by_names = !a.names.is_empty();
    let by_selector = target.selector.is_some();
    let ways = [by_names, a.all, by_selector]
        .iter()
        .filter(|b| **b)
        .count();
    if ways == 0 {
        return Err(CliError::new("renew needs to know which certificates: give NAMEs, --all, or -l SELECTOR")
            .hint("e.g. `certdoctor renew app-tls -n production`, or `certdoctor renew --all -n staging --dry-run`"));
    }
    if ways > 1 {
        return Err(
            CliError::new("NAMEs, --all and -l/--selector cannot be combined").hint(
                "choose one: names for specific certificates, --all for a namespace, -l for labels",
            ),
        );
    }
    if by_names && target.namespace == NamespaceChoice::All {
        return Err(CliError::new("-A cannot be used with certificate names")
            .hint("name the namespace with -n NS, or select across namespaces with -A --all or -A -l SELECTOR"));
    }
    Ok(RenewOptions {
        names: a.names,
        force: a.force,
        dry_run: a.dry_run.map(|d| match d {
            DryRunArg::Client => DryRun::Client,
            DryRunArg::Server => DryRun::Server,
        }),
        wait: if a.wait {
            Some(duration("--timeout", &a.timeout, "10m")?)
        } else {
            None
        },
        yes: a.yes,
        poll: duration("--poll-interval", &a.poll_interval, "2s")?,
    })
}

fn dry_run(d: Option<DryRunArg>) -> Option<DryRun> {
    d.map(|d| match d {
        DryRunArg::Client => DryRun::Client,
        DryRunArg::Server => DryRun::Server,
    })
}

/// `approve` / `deny`: names in one namespace, and a reason and message the API accepts.
fn decide(verdict: Verdict, a: DecideArgs, target: &Target) -> Result<DecideOptions, CliError> {
    let verb = verdict.verb();
    if target.namespace == NamespaceChoice::All {
        return Err(CliError::new(format!("-A cannot be used with {verb}"))
            .hint("name the namespace of the CertificateRequests with -n NS"));
    }
    let message = a.message.unwrap_or_else(|| verdict.default_message());
    for (flag, value) in [("--reason", &a.reason), ("--message", &message)] {
        if value.trim().is_empty() {
            return Err(
                CliError::new(format!("{flag} must not be empty")).hint(format!(
                    "say why, e.g. `certdoctor {verb} NAME {flag} 'checked by on-call'`"
                )),
            );
        }
    }
    Ok(DecideOptions {
        verdict,
        names: a.names,
        reason: a.reason,
        message,
        dry_run: dry_run(a.dry_run),
    })
}

/// `explain CODE` (any case) or `explain --list`.
fn explain(a: ExplainArgs) -> Result<Option<Code>, CliError> {
    let Some(text) = a.code.filter(|_| !a.list) else {
        return Ok(None);
    };
    crate::config::explain::lookup(&text)
        .map(Some)
        .ok_or_else(|| {
            let similar = crate::config::explain::similar(&text);
            let hint = if similar.is_empty() {
                "`certdoctor explain --list` shows every code".to_string()
            } else {
                let names: Vec<&str> = similar.iter().map(|c| c.as_str()).collect();
                format!(
                    "did you mean {}? `certdoctor explain --list` shows every code",
                    names.join(", ")
                )
            };
            CliError::new(format!("{text:?} is not a finding code")).hint(hint)
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[test]
    fn durations_parse_like_kubectl() {
        assert_eq!(parse_duration("30s"), Some(Duration::from_secs(30)));
        assert_eq!(parse_duration("45"), Some(Duration::from_secs(45)));
        assert_eq!(parse_duration("1h30m"), Some(Duration::from_secs(5400)));
        assert_eq!(parse_duration("500ms"), Some(Duration::from_millis(500)));
        assert_eq!(parse_duration("7d"), Some(Duration::from_secs(7 * 86_400)));
        assert!(parse_duration("soon").is_none());
        assert!(parse_duration("5x").is_none());
        assert!(parse_duration("").is_none());
        assert!(parse_duration("m").is_none());
    }

    fn error(args: &[&str]) -> CliError {
        let cli = Cli::try_parse_from([&["certdoctor"], args].concat()).unwrap();
        convert(cli).unwrap_err()
    }

    #[test]
    fn every_bad_duration_reads_the_same() {
        for (args, flag) in [
            (
                &["status", "--request-timeout", "soon"][..],
                "--request-timeout",
            ),
            (
                &["diagnose", "--probe-timeout", "soon"][..],
                "--probe-timeout",
            ),
            (
                &["inspect", "file", "x", "--warn-within", "soon"][..],
                "--warn-within",
            ),
            (
                &["renew", "--all", "--wait", "--timeout", "soon"][..],
                "--timeout",
            ),
            (
                &["renew", "--all", "--poll-interval", "soon"][..],
                "--poll-interval",
            ),
        ] {
            let e = error(args);
            assert_eq!(e.message, format!("{flag} \"soon\" is not a duration"));
            let hint = e.hint.unwrap_or_default();
            assert!(hint.starts_with(&format!("e.g. {flag} ")), "{hint}");
            assert!(hint.ends_with("(units: ms, s, m, h, d; a bare number is seconds)"));
        }
        for flag in ["--request-timeout", "--probe-timeout"] {
            let sub = if flag == "--probe-timeout" {
                "diagnose"
            } else {
                "status"
            };
            let e = error(&[sub, flag, "0s"]);
            assert_eq!(e.message, format!("{flag} must be longer than 0s"));
            assert!(e.hint.is_some());
        }
    }

    #[test]
    fn offline_diagnose_still_checks_the_probe_flags_and_has_no_probes() {
        let e = error(&["diagnose", "--offline", "--nameserver", "dns"]);
        assert!(
            e.message.starts_with("--nameserver \"dns\""),
            "{}",
            e.message
        );
        let cli = Cli::try_parse_from(["certdoctor", "diagnose", "--offline"]).unwrap();
        let Ok(Invocation::Run(config)) = convert(cli) else {
            panic!("a run");
        };
        let CommandConfig::Diagnose(d) = config.command else {
            panic!("diagnose");
        };
        assert!(d.probes.is_none());
    }
}
