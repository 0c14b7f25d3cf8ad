//! Unit tests of the conversion: one wording for every bad value.

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
