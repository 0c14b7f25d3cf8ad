//! certdoctor: reads the cert-manager object chain of a Kubernetes cluster (or a dump of it)
//! and tells an on-call engineer what is wrong with a certificate and what to do.
//!
//! Layers, from the edges inwards: `cli` (the only module that knows clap) turns arguments
//! into a validated [`config::Config`], which holds the option structs the lower layers own
//! (`cluster::Target`, `probe::ProbeOptions`, `renew::RenewOptions`) and never imports `cli`;
//! `cluster` reads a snapshot from the API server or a dump file; `renew` decides and writes
//! the renewal trigger; `model` is the pure core (types, snapshot, chain, stage); `render`
//! prints a report to any `io::Write`; `commands` holds one file per subcommand and
//! [`commands::run`] dispatches the config to it.

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
