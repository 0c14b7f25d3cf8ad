//! The option structs of each command, validated from their arguments: probes and
//! `--connect-to`, renew's selection rules, approve/deny, explain.

use super::*;

pub(super) fn socket(text: &str, default_port: u16) -> Option<SocketAddr> {
    if let Ok(sa) = text.parse::<SocketAddr>() {
        return Some(sa);
    }
    text.trim_matches(['[', ']'])
        .parse::<IpAddr>()
        .ok()
        .map(|ip| SocketAddr::new(ip, default_port))
}

pub(super) fn connect_to(c: &str) -> Result<ConnectTo, CliError> {
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
pub(super) fn url_target(t: &str) -> Result<(String, u16), CliError> {
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

pub(super) fn nameservers(list: &[String]) -> Result<Vec<SocketAddr>, CliError> {
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

pub(super) fn connect_tos(list: &[String]) -> Result<Vec<ConnectTo>, CliError> {
    list.iter().map(|c| connect_to(c)).collect()
}

/// The probe flags are validated also with `--offline`, so a typo never hides.
pub(super) fn diagnose(a: DiagnoseArgs) -> Result<DiagnoseOptions, CliError> {
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
pub(super) fn renew(a: RenewArgs, target: &Target) -> Result<RenewOptions, CliError> {
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

pub(super) fn dry_run(d: Option<DryRunArg>) -> Option<DryRun> {
    d.map(|d| match d {
        DryRunArg::Client => DryRun::Client,
        DryRunArg::Server => DryRun::Server,
    })
}

/// `approve` / `deny`: names in one namespace, and a reason and message the API accepts.
pub(super) fn decide(
    verdict: Verdict,
    a: DecideArgs,
    target: &Target,
) -> Result<DecideOptions, CliError> {
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
pub(super) fn explain(a: ExplainArgs) -> Result<Option<Code>, CliError> {
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
