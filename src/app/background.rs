//! Work done off the input thread and taken in by the run loop: the finder's searches in
//! a large workspace (`finder.rs`) and whatever a pane runs in the background (the gap
//! hunter's runs, a large matrix read), each a [`super::job::Job`]; a pane says so
//! through [`super::pane::PaneView::background_pending`]. While any is pending the loop
//! polls instead of blocking on input; otherwise nothing is redrawn.

use super::{App, Pane};
use std::time::Duration;

impl App {
    /// Whether a background result is awaited that the screen should show when it comes:
    /// the run loop then polls instead of blocking on input.
    pub fn background_pending(&self) -> bool {
        self.finder.running()
            || self.finder.file.running()
            || Pane::ALL
                .iter()
                .any(|p| self.view_of(*p).background_pending())
    }

    /// Takes in a background result if one has arrived; returns whether the screen
    /// needs drawing again.
    pub fn poll_background(&mut self) -> bool {
        self.finder.file.finish(&mut self.store);
        let finder = self.take_finder();
        let mut panes = false;
        for p in Pane::ALL {
            panes |= self.take_background(*p, Duration::ZERO);
        }
        if panes {
            // the pane on screen takes in what arrived (the Gaps pane reads titles)
            self.scroll_into_view();
        }
        finder | panes
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
    /// results), else the first pane's work that is pending. For tests: the interface
    /// never waits.
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
        let Some(p) = Pane::ALL
            .iter()
            .copied()
            .find(|p| self.view_of(*p).background_pending())
        else {
            return false;
        };
        let got = self.take_background(p, limit);
        if got {
            self.scroll_into_view();
        }
        got
    }

    /// Takes in what `pane`'s background work sent (waiting up to `wait`); whether
    /// something came (a failed read counts: its error is on the status line).
    fn take_background(&mut self, pane: Pane, wait: Duration) -> bool {
        let (view, store) = self.view_mut_of(pane);
        match view.take_background(store, wait) {
            Ok(got) => got,
            Err(e) => {
                self.error(e.to_string());
                true
            }
        }
    }
}
