//! The `certdoctor` binary: installs the crypto provider, parses the command line
//! (`cli::parse`), validates it into a config (`cli::convert`), runs one command
//! (`commands::run`), and maps the outcome to an exit code
//! (0 healthy, 1 unhealthy, 2 error; 130 when interrupted).

use std::io::{self, BufWriter, Write};
use std::process::ExitCode;

use certdoctor::cli::{self, Cli, Invocation};
use certdoctor::commands;
use certdoctor::error::{CliError, CliResult};

async fn run(cli: Cli) -> CliResult {
    let invocation = cli::convert(cli)?;
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let mut err = io::stderr();
    let code = match invocation {
        Invocation::Run(config) => commands::run(&config, &mut out, &mut err).await?,
        Invocation::Assets(job) => job.run(&mut out)?,
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

    let cli = cli::parse();
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
