//! The `certdoctor` binary: installs the crypto provider, parses the command line into a
//! validated config, runs one command, and maps the outcome to an exit code
//! (0 healthy, 1 unhealthy, 2 error; 130 when interrupted).

use std::io::{self, BufWriter, Write};
use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches};

use certdoctor::cli::{Cli, Command, InspectTarget};
use certdoctor::commands;
use certdoctor::config::Config;
use certdoctor::error::{CliError, CliResult};

/// Name to show in help when run as a kubectl plugin (`kubectl-certdoctor` on PATH).
fn display_name() -> Option<&'static str> {
    let argv0 = std::env::args_os().next()?;
    let file = std::path::Path::new(&argv0)
        .file_stem()?
        .to_str()?
        .to_string();
    (file == "kubectl-certdoctor").then_some("kubectl certdoctor")
}

fn parse_cli() -> Cli {
    let mut cmd = Cli::command();
    if let Some(name) = display_name() {
        cmd = cmd.bin_name(name).name(name);
    }
    let matches = cmd.get_matches();
    Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit())
}

async fn run(cli: Cli) -> CliResult {
    let config = Config::from_cli(&cli.global)?;
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let mut err = io::stderr();
    let code = match &cli.command {
        Command::Status(args) => {
            commands::status::run(&config, args.name.as_deref(), &mut out, &mut err).await?
        }
        Command::Inspect(args) => match &args.target {
            InspectTarget::Secret { name, warn_within } => {
                commands::inspect::run_secret(
                    &config,
                    name,
                    warn_within.as_deref(),
                    &mut out,
                    &mut err,
                )
                .await?
            }
            InspectTarget::File { paths, warn_within } => {
                commands::inspect::run_files(&config, paths, warn_within.as_deref(), &mut out)?
            }
        },
        Command::Diagnose(args) => {
            commands::diagnose::run(&config, args, &mut out, &mut err).await?
        }
        Command::Renew(args) => commands::renew::run(&config, args, &mut out, &mut err).await?,
        Command::Completion(args) => commands::assets::completion(args.shell, &mut out)?,
        Command::GenerateAssets(args) => commands::assets::generate(&args.dir)?,
        Command::Dump(_) => commands::dump::run(&config, &mut out, &mut err).await?,
    };
    out.flush()?;
    Ok(code)
}

fn report(e: CliError) -> ExitCode {
    if !e.silent {
        let mut err = anstream::stderr();
        let _ = writeln!(err, "certdoctor: error: {}", e.message);
        if let Some(h) = &e.hint {
            let _ = writeln!(err, "hint: {h}");
        }
    }
    ExitCode::from(e.code as u8)
}

fn main() -> ExitCode {
    // One crypto backend (ring) for kube and reqwest; must happen before any client exists.
    let _ = rustls::crypto::ring::default_provider().install_default();
    // Whether to colour is decided per output by the printers; colored must not second-guess.
    colored::control::set_override(true);
    // Library logs stay off unless asked for (CERTDOCTOR_LOG=debug): kube logs every failed
    // connection attempt, and certdoctor already reports the failure once, with a hint.
    tracing_subscriber::fmt()
        .with_writer(io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("CERTDOCTOR_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("off")),
        )
        .init();

    let cli = parse_cli();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            return report(CliError::new(format!(
                "cannot start the async runtime: {e}"
            )));
        }
    };
    let outcome = runtime.block_on(async {
        tokio::select! {
            r = run(cli) => Some(r),
            _ = tokio::signal::ctrl_c() => None,
        }
    });
    match outcome {
        Some(Ok(code)) => ExitCode::from(code as u8),
        Some(Err(e)) => report(e),
        None => ExitCode::from(130),
    }
}
