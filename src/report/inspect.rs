//! The `inspect` document: one [`Inspection`] per Secret or file.

use serde::Serialize;

use crate::pki::Inspection;

/// `inspect` output document.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InspectReport {
    /// Always `certdoctor/v1`.
    pub schema_version: &'static str,
    /// Always `InspectReport`.
    pub kind: &'static str,
    /// One entry per Secret or file.
    pub inputs: Vec<Inspection>,
}
