//! Work done off the input thread and taken in by the run loop: the gap hunter's runs
//! (`gaps/worker.rs`) and a large matrix read (`hypotheses/load.rs`). While either is
//! pending the loop polls instead of blocking on input; otherwise nothing is redrawn.

use super::App;
use std::time::Duration;

impl App {
    /// Whether a background result is awaited that the screen should show when it comes:
    /// the run loop then polls instead of blocking on input.
    pub fn background_pending(&self) -> bool {
        self.gaps.worker.pending() || self.hypotheses.loading().is_some()
    }

    /// Takes in a background result if one has arrived; returns whether the screen
    /// needs drawing again.
    pub fn poll_background(&mut self) -> bool {
        let gaps = self.gaps.take_result();
        if gaps {
            self.gaps_arrived();
        }
        gaps | self.take_matrix(Duration::ZERO)
    }

    /// Blocks until the pending background result arrives (or `limit` passes) and takes
    /// it in as [`App::poll_background`] does: a matrix being read first, else the gap
    /// hunter's run. For tests: the interface never waits.
    pub fn wait_background(&mut self, limit: Duration) -> bool {
        if self.hypotheses.loading().is_some() {
            return self.take_matrix(limit);
        }
        let got = self.gaps.wait_result(limit);
        if got {
            self.gaps_arrived();
        }
        got
    }

    /// Takes in a matrix read in the background (waiting up to `wait`); whether one came
    /// (a failed read counts: its error is on the status line).
    fn take_matrix(&mut self, wait: Duration) -> bool {
        match self.hypotheses.take_loaded(&self.store, wait) {
            Ok(got) => got,
            Err(e) => {
                self.error(e.to_string());
                true
            }
        }
    }
}
