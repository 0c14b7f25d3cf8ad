//! Progress on stderr while the snapshot is read: on a big cluster the read takes tens of
//! seconds, and silence looks like a hang. Drawn only when stderr is a terminal (indicatif
//! hides itself otherwise, and for `TERM=dumb`), and cleared before the report prints.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// A spinner with the running count of items per kind.
pub struct Progress {
    bar: Option<ProgressBar>,
    counts: Mutex<BTreeMap<&'static str, usize>>,
}

impl Progress {
    /// A spinner on stderr when stderr is a terminal; otherwise nothing at all.
    pub fn stderr() -> Progress {
        use std::io::IsTerminal as _;
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template("{spinner} reading {msg}")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            );
            bar.enable_steady_tick(Duration::from_millis(120));
            bar
        });
        Progress {
            bar,
            counts: Mutex::new(BTreeMap::new()),
        }
    }

    /// `kind` has `n` items so far.
    pub fn update(&self, kind: &'static str, n: usize) {
        let Some(bar) = &self.bar else { return };
        let mut counts = self.counts.lock().expect("not poisoned");
        counts.insert(kind, n);
        let msg: Vec<String> = counts.iter().map(|(k, n)| format!("{k} {n}")).collect();
        bar.set_message(msg.join(" · "));
    }

    /// Clears the line before the report is written.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.finish();
    }
}
