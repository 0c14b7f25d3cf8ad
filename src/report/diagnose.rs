//! The `diagnose` document: one [`CertificateDiagnosis`] per Certificate in scope, with what
//! the probes were and what could not be read.

use serde::Serialize;

use crate::diagnose::{CertificateDiagnosis, MachineDiagnosis};
use crate::model::snapshot::{Note, Unreadable};

/// `diagnose -o json|yaml` document.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DiagnoseReport {
    /// Always `certdoctor/v1`.
    pub schema_version: &'static str,
    /// Always `DiagnoseReport`.
    pub kind: &'static str,
    /// Instant of the diagnosis.
    pub generated_at: String,
    /// What the probes were and where they ran from.
    pub probes: String,
    /// cert-manager itself and the origins without a Certificate (`certManager`,
    /// `controlPlane`, `origins`).
    #[serde(flatten)]
    pub machine: MachineDiagnosis,
    /// Unhealthy first, then by namespace and name.
    pub certificates: Vec<CertificateDiagnosis>,
    /// Malformed objects and similar.
    pub warnings: Vec<Note>,
    /// Kinds that could not be read.
    pub unreadable: Vec<Unreadable>,
}
