//! Observations → findings: the pure functions that turn what the network probes saw
//! ([`crate::model::observation`]) into HTTP01_*, DNS01_* and CAA_* findings, given what the
//! cluster says each probe is about (the targets, built from the chain during the walk). The
//! probes themselves do the I/O (`crate::probe`); everything here is unit-testable on values.

mod caa;
mod dns01;
mod http01;
mod lb;
mod served;

pub use caa::{CaaObservation, ca_domain, caa_findings};
pub use dns01::{Dns01Target, dns01_findings};
pub use http01::{Http01Target, http01_findings};
pub use lb::LbHostname;
pub use served::{INGRESS_FAKE_CN, ServedTarget, judge_chain, name_covers, served_findings};
