//! The `certdoctor` binary: installs the crypto provider, parses the command line
//! (`cli::parse`), validates it into a config (`cli::convert`), runs one command
//! (`commands::run`), and maps the outcome to an exit code
//! (0 healthy, 1 unhealthy, 2 error; 130 when interrupted, from [`exit_on_interrupt`]).

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
        // One line each, whatever a server put in its message: a newline in an API
        // Status must not be able to print a `hint:` line of its own.
        let _ = writeln!(
            err,
            "certdoctor: error: {}",
            certdoctor::error::one_line(&e.message)
        );
        if let Some(h) = &e.hint {
            let _ = writeln!(err, "hint: {}", certdoctor::error::one_line(h));
        }
    }
    ExitCode::from(e.code as u8)
}

/// Exits 130 on the first Ctrl-C (SIGINT), from a thread of its own: whatever the command
/// is doing — a blocking read of stdin or a FIFO, an exec credential plugin, CPU work on
/// a large snapshot — the interrupt ends the process at once. Returns once the handler is
/// installed, so a Ctrl-C right after start is not lost to the default action.
fn exit_on_interrupt() {
    let (ready, installed) = std::sync::mpsc::channel();
    let spawned = std::thread::Builder::new()
        .name("ctrl-c".into())
        .spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                let _ = ready.send(());
                return;
            };
            rt.block_on(async move {
                #[cfg(unix)]
                {
                    use tokio::signal::unix::{SignalKind, signal};
                    let sig = signal(SignalKind::interrupt());
                    let _ = ready.send(());
                    if let Ok(mut sig) = sig {
                        sig.recv().await;
                        std::process::exit(130);
                    }
                }
                #[cfg(not(unix))]
                {
                    let _ = ready.send(());
                    if tokio::signal::ctrl_c().await.is_ok() {
                        std::process::exit(130);
                    }
                }
            });
        });
    if spawned.is_ok() {
        let _ = installed.recv();
    }
}

fn main() -> ExitCode {
    exit_on_interrupt();
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
    match runtime.block_on(run(cli)) {
        Ok(code) => ExitCode::from(code as u8),
        Err(e) => report(e),
    }
}
