//! The integration tests: one binary (fast to link on two cores), one module per command.
//! Every test runs the real `certdoctor` binary against a fake API server on loopback or a
//! dump file, and asserts what a user would see.

#[path = "../support/mod.rs"]
mod support;

mod architecture;
mod audit;
mod big_fleet;
mod cmctl;
mod consumers;
mod core;
mod diagnose;
mod ecosystem;
mod errors;
mod fleet;
mod hardening;
mod incluster;
mod inspect;
mod machine;
mod offline;
mod output_model;
mod probes;
mod renew;
mod report_shape;
mod served;
mod snapshot;
mod solver_service;
mod status;
mod truth_challenges;
mod truth_issuers;
mod truth_renewal;
mod watch;
mod webhooks;
