//! Every serialisable document certdoctor writes (`-o json|yaml`), and the text printers'
//! only input: `status`, `diagnose`, `renew` and `inspect` reports. Built by `commands` from
//! the pure core's results; `render` reads them and never reaches higher. The JSON forms are
//! documented in docs/output.md; fields are only ever added.

pub mod audit;
pub mod check;
pub mod decide;
pub mod diagnose;
pub mod explain;
pub mod fleet;
pub mod inspect;
pub mod renew;
pub mod status;

pub use diagnose::{Brief, DiagnoseReport, Link, LinkState};
pub use inspect::InspectReport;
pub use renew::RenewReport;
pub use status::*;

/// Schema identifier of every JSON/YAML document certdoctor writes.
pub const SCHEMA_VERSION: &str = "certdoctor/v1";
