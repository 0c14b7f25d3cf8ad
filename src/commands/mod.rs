//! One file per subcommand, each a short sentence: load the snapshot, build the report,
//! print it, choose the exit code.

pub mod assets;
pub mod diagnose;
pub mod dump;
pub mod inspect;
pub mod renew;
pub mod status;

use std::io::Write;

use crate::model::snapshot::Snapshot;

/// Tells the user on stderr what the snapshot is missing (unreadable kinds, malformed
/// objects), so a short table is never mistaken for the whole truth.
pub fn warn_about(snapshot: &Snapshot, err: &mut dyn Write) {
    for u in &snapshot.unreadable {
        let _ = writeln!(
            err,
            "certdoctor: warning: could not read {} ({}); going on without them\nhint: check the permission with `{}`",
            u.resource,
            crate::sanitize::clean(&u.reason),
            u.check
        );
    }
    for n in &snapshot.notes {
        let _ = writeln!(
            err,
            "certdoctor: warning: {}",
            crate::sanitize::clean(&n.to_string())
        );
    }
}
