//! certdoctor: reads the cert-manager object chain of a Kubernetes cluster (or a dump of it)
//! and tells an on-call engineer what is wrong with a certificate and what to do.
//!
//! # Layers
//!
//! Modules sit on floors and import only downwards, never sideways between the I/O layers;
//! `tests/cli/architecture.rs` reads every file and fails on an import this forbids.
//!
//! 1. `error`, `timefmt`, `sanitize`, `findings`: the shared vocabulary; they import no other
//!    module of the crate.
//! 2. `model` (pure data and rules: types, snapshot, selector, chain, stage, observations,
//!    the dump format) and `pki` (certificates and keys, pure; it may use `model`'s types).
//! 3. `cluster` and `probe` do the I/O (the API server or a dump file; DNS and HTTP) and never
//!    import each other; `diagnose` is the pure decision tree over a chain and its
//!    observations, and imports neither; `renew` decides and writes the renewal trigger, the
//!    one floor-3 module that may use `cluster`. Each owns its options without clap
//!    (`cluster::Target`, `probe::ProbeOptions`, `renew::RenewOptions`).
//! 4. `report`: every serialisable document (`status`, `diagnose`, `renew`, `inspect`); it
//!    holds the types of floors 1–3, never the I/O layers. States in it are enums.
//! 5. `render`: text, JSON and YAML printers over any `io::Write`; it reads `report` and the
//!    types a report holds, never the cluster, the config or the commands.
//! 6. `config`: the validated [`config::Config`], holding the floor-3 option structs.
//! 7. `commands`, one file per subcommand (load, compute, render, exit code), may use
//!    everything below but never `cli`; `cli`, the only module that knows clap, turns
//!    arguments into a `Config` and imports only `config` and `error`.
//! 8. `main` (the binary): parse with `cli`, run with [`commands::run`], exit with the code.

#![warn(missing_docs)]

pub mod cli;
pub mod cluster;
pub mod commands;
pub mod config;
pub mod diagnose;
pub mod error;
pub mod findings;
pub mod model;
pub mod pki;
pub mod probe;
pub mod render;
pub mod renew;
pub mod report;
pub mod sanitize;
pub mod timefmt;
