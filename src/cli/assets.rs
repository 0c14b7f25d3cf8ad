//! `certdoctor completion SHELL` and the hidden `generate-assets DIR`: shell completions
//! (clap_complete) and man pages (clap_mangen) made from the very CLI definition, so they
//! can never drift from it. The repository keeps generated copies in `completions/` and
//! `docs/man/`; a test fails when they are stale
//! (regenerate: `cargo run --locked -- generate-assets .`).

use std::io::Write;
use std::path::Path;

use clap::CommandFactory;
use clap_complete::Shell;

use super::Cli;
use crate::error::{CliError, CliResult, EXIT_OK};

/// The shells scripts are generated for, with their file names.
pub const SHELLS: [(Shell, &str); 5] = [
    (Shell::Bash, "certdoctor.bash"),
    (Shell::Zsh, "_certdoctor"),
    (Shell::Fish, "certdoctor.fish"),
    (Shell::PowerShell, "_certdoctor.ps1"),
    (Shell::Elvish, "certdoctor.elv"),
];

/// Writes the completion script for `shell`.
pub fn completion(shell: Shell, out: &mut dyn Write) -> CliResult {
    let mut cmd = Cli::command();
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut cmd, "certdoctor", &mut buf);
    out.write_all(&buf)?;
    Ok(EXIT_OK)
}

fn man_pages() -> Result<Vec<(String, Vec<u8>)>, std::io::Error> {
    // The release version only: the commit in `--version` would make the committed pages
    // stale with every commit.
    let cmd = Cli::command().version(env!("CARGO_PKG_VERSION"));
    let mut pages = Vec::new();
    let mut buf = Vec::new();
    clap_mangen::Man::new(cmd.clone()).render(&mut buf)?;
    pages.push(("certdoctor.1".to_string(), buf));
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        let name = format!("certdoctor-{}", sub.get_name());
        let mut buf = Vec::new();
        clap_mangen::Man::new(sub.clone().name(name.clone())).render(&mut buf)?;
        pages.push((format!("{name}.1"), buf));
    }
    Ok(pages)
}

/// Writes every completion script to `DIR/completions/` and every man page to `DIR/docs/man/`.
pub fn generate(dir: &Path) -> CliResult {
    let io = |what: &Path, e: std::io::Error| {
        CliError::new(format!("cannot write {}: {e}", what.display()))
    };
    let comp = dir.join("completions");
    let man = dir.join("docs/man");
    for d in [&comp, &man] {
        std::fs::create_dir_all(d).map_err(|e| io(d, e))?;
    }
    for (shell, file) in SHELLS {
        let mut buf = Vec::new();
        completion(shell, &mut buf)?;
        let p = comp.join(file);
        std::fs::write(&p, buf).map_err(|e| io(&p, e))?;
    }
    for (file, page) in man_pages().map_err(|e| io(&man, e))? {
        let p = man.join(file);
        std::fs::write(&p, page).map_err(|e| io(&p, e))?;
    }
    Ok(EXIT_OK)
}

/// A command that writes assets instead of reading a cluster: it never becomes a
/// [`crate::config::Config`], because its argument (a shell) is a clap type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Job {
    /// `completion SHELL`: the script on stdout.
    Completion(Shell),
    /// `generate-assets DIR`.
    Generate(std::path::PathBuf),
}

impl Job {
    /// Runs the job.
    pub fn run(&self, out: &mut dyn Write) -> CliResult {
        match self {
            Job::Completion(shell) => completion(*shell, out),
            Job::Generate(dir) => generate(dir),
        }
    }
}
