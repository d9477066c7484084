//! Work done off the input thread and taken in by the run loop: the gap hunter's runs
//! (`gaps/worker.rs`), a large matrix read (`hypotheses/load.rs`) and the finder's
//! searches in a large workspace (`finder.rs`), each a [`super::job::Job`]. While either
//! is pending the loop polls instead of blocking on input; otherwise nothing is redrawn.

use super::App;
use std::time::Duration;

impl App {
    /// Whether a background result is awaited that the screen should show when it comes:
    /// the run loop then polls instead of blocking on input.
    pub fn background_pending(&self) -> bool {
        self.gaps.worker.pending()
            || self.hypotheses.loading().is_some()
            || self.finder.running()
            || self.finder.file.running()
    }

    /// Takes in a background result if one has arrived; returns whether the screen
    /// needs drawing again.
    pub fn poll_background(&mut self) -> bool {
        self.finder.file.finish(&mut self.store);
        let finder = self.take_finder();
        let gaps = self.gaps.take_result();
        if gaps {
            // the pane on screen takes in what arrived (the Gaps pane reads titles)
            self.scroll_into_view();
        }
        finder | gaps | self.take_matrix(Duration::ZERO)
    }

    /// Takes in the finder's newest results; a search whose finder has closed is
    /// dropped, so the worker stops reading for it.
    fn take_finder(&mut self) -> bool {
        if !self.finder.running() {
            return false;
        }
        if !matches!(self.overlay, Some(super::overlay::Overlay::Finder { .. })) {
            self.finder.forget();
            return false;
        }
        match self.finder.poll() {
            Some(found) => {
                self.finder_found(found);
                true
            }
            None => false,
        }
    }

    /// Blocks until the pending background result arrives (or `limit` passes) and takes
    /// it in as [`App::poll_background`] does: the finder's search first (its final
    /// results), else a matrix being read, else the gap hunter's run. For tests: the interface never waits.
    pub fn wait_background(&mut self, limit: Duration) -> bool {
        if self.finder.running() {
            return match self.finder.wait(limit) {
                Some(found) => {
                    self.finder_found(found);
                    true
                }
                None => false,
            };
        }
        if self.hypotheses.loading().is_some() {
            return self.take_matrix(limit);
        }
        let got = self.gaps.wait_result(limit);
        if got {
            self.scroll_into_view();
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
