//! The pure model: our partial cert-manager types, the snapshot of everything read from a
//! cluster or a dump (a TLS Secret kept as [`secret::TlsSecret`]: its certificates and key
//! sizes, not its data map), the chain that links each Certificate to its children, and the dump
//! format.
//!
//! Nothing here does I/O; every function is unit-tested on values.

pub mod api_check;
pub mod approval;
pub mod audit;
pub mod chain;
pub mod controller_flags;
pub mod controlplane;
pub mod dump;
pub mod gateway;
pub mod issuer;
pub mod observation;
pub mod ratelimit;
pub mod renewal;
pub mod secret;
pub mod selector;
pub mod snapshot;
pub mod stage;
pub mod types;

pub use chain::{Chain, ChainIndex, IssuerLink, Origin};
pub use snapshot::{Note, RawSnapshot, Snapshot};
pub use types::*;
