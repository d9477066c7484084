//! What every pane gives the app ([`PaneView`]), the cursor every list pane moves with
//! ([`ListCursor`]), and the moves the list keys ask for ([`Move`]).
//!
//! A pane is a component: its state owns its handlers, which reach the rest of the app
//! through the context ([`Cx`]) and the event queue. The app reaches a pane only through
//! this trait and the one registration in `panes.rs`: titles, scopes, key dispatch,
//! flows, events, refresh after a change, resizing and the record-scope keys all go
//! through it.

use super::cx::{Cx, Event};
use super::overlay::Step;
use crate::commands::{Command, Scope};
use crate::model::Id;
use crate::store::{Committed, Result, Store};

/// One pane's state, as the app drives it.
pub trait PaneView {
    /// Reads the pane's first state from the store.
    fn open(store: &Store) -> Result<Self>
    where
        Self: Sized;

    /// Runs a command of the pane's own scope, or `Enter` or `Esc`. The list keys and
    /// the record-scope keys never reach it: the app runs those through
    /// [`PaneView::go`] and [`PaneView::selected`].
    fn on_command(&mut self, _cmd: Command, _cx: &mut Cx) {}

    /// Finishes a step of the pane's own flow with the value its box was submitted with.
    fn on_flow(&mut self, _step: &Step, _value: String, _cx: &mut Cx) {}

    /// Takes an event that crosses panes, or leaves it (false) for the next pane.
    /// Showing a record is taken by the pane that keeps its kind.
    fn on_event(&mut self, _event: &Event, _cx: &mut Cx) -> bool {
        false
    }

    /// Called when a command has just brought the pane on screen, with what each pane
    /// has selected (the Hypotheses pane follows the Backlog's question).
    fn on_focus(&mut self, _cx: &mut Cx, _selected: &[(Scope, Option<Id>)]) {}

    /// Moves the selection (or a detail view's cursor) for a list key.
    fn go(&mut self, store: &Store, m: Move) -> Result<()>;

    /// The record `e`, `d`, `#` and `Q` act on.
    fn selected(&self) -> Option<Id>;

    /// The record `L` and `T` show; the selected one unless the pane's rows lead
    /// somewhere else (a Links row leads to the neighbour at the far end of its link).
    fn shown(&self) -> Option<Id> {
        self.selected()
    }

    /// The record `l` links from; the selected one unless the pane is seen from a
    /// record (the Links pane links from its centre).
    fn link_from(&self) -> Option<Id> {
        self.selected()
    }

    /// A question the selected row raises that is not about one record's kind (a
    /// Timeline quiet stretch): its proposed title and what it concerns. `Q` asks it
    /// instead of the question worded for [`PaneView::selected`].
    fn proposed_question(&self) -> Option<(String, super::ask::AskDraft)> {
        None
    }

    /// What to say when a record key finds nothing selected.
    fn nothing_selected(&self) -> &'static str {
        "nothing selected"
    }

    /// The active filter, as the status line shows it.
    fn filter_description(&self) -> String {
        String::new()
    }

    /// Brings the pane in step after an operation committed `done`.
    fn on_committed(&mut self, store: &Store, done: &Committed) -> Result<()>;

    /// Brings this pane (of `scope`) in step with its own write at once, so that what
    /// follows reads it, and tells the other panes.
    fn committed_here(&mut self, cx: &mut Cx, scope: Scope, done: Committed)
    where
        Self: Sized,
    {
        if let Err(e) = self.on_committed(cx.store, &done) {
            cx.error(e.to_string());
        }
        cx.emit(Event::Committed(done, Some(scope)));
    }

    /// Whether the pane awaits a result from its background work that the screen should
    /// show when it comes: the run loop then polls instead of blocking on input.
    fn background_pending(&self) -> bool {
        false
    }

    /// Takes in a result of the pane's background work, waiting up to `wait` for it
    /// (zero: only if it has arrived); whether one came.
    fn take_background(&mut self, _store: &Store, _wait: std::time::Duration) -> Result<bool> {
        Ok(false)
    }

    /// Keeps the selection on screen in a pane list of `height` rows.
    fn keep_in_view(&mut self, height: usize);

    /// Called for the pane on screen after every key and resize, with the screen width
    /// (the Timeline counts its density strip again if the view moved off it; the Notes
    /// detail keeps its text scroll within the wrapped text).
    fn on_shown(&mut self, _store: &Store, _width: usize) -> Result<()> {
        Ok(())
    }
}

/// A move of a list selection, from the list keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Move {
    Up,
    Down,
    PageUp,
    PageDown,
    First,
    Last,
}

impl Move {
    pub fn of(cmd: Command) -> Option<Move> {
        Some(match cmd {
            Command::Up => Move::Up,
            Command::Down => Move::Down,
            Command::PageUp => Move::PageUp,
            Command::PageDown => Move::PageDown,
            Command::First => Move::First,
            Command::Last => Move::Last,
            _ => return None,
        })
    }

    /// The move in rows, with a page of `page` rows; first and last are moves too far
    /// to overshoot, clamped by the list.
    pub fn delta(self, page: usize) -> isize {
        let page = page.max(1) as isize;
        match self {
            Move::Up => -1,
            Move::Down => 1,
            Move::PageUp => -page,
            Move::PageDown => page,
            Move::First => isize::MIN / 2,
            Move::Last => isize::MAX / 2,
        }
    }
}

/// A selection in a list of rows and the first row on screen.
///
/// Rows that cannot be selected (group headings) are skipped by [`ListCursor::step_over`];
/// [`ListCursor::keep_in_view`] keeps the selection (and a heading above it) on screen
/// and leaves no blank rows at the bottom while rows above are hidden.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ListCursor {
    pub selected: usize,
    pub offset: usize,
    /// Rows on screen, as last kept in view: a page.
    pub height: usize,
}

impl ListCursor {
    /// Moves by `delta` rows in a list of `len`, clamped.
    pub fn step(&mut self, delta: isize, len: usize) {
        let max = len.saturating_sub(1) as isize;
        self.selected = (self.selected as isize)
            .saturating_add(delta)
            .clamp(0, max.max(0)) as usize;
    }

    /// Moves by `delta` selectable rows (those `stop` accepts) in a list of `len`.
    pub fn step_over(&mut self, delta: isize, len: usize, stop: impl Fn(usize) -> bool) {
        let stops: Vec<usize> = (0..len).filter(|i| stop(*i)).collect();
        if stops.is_empty() {
            return;
        }
        let at = stops
            .iter()
            .position(|i| *i >= self.selected)
            .unwrap_or(stops.len() - 1) as isize;
        let to = at.saturating_add(delta).clamp(0, stops.len() as isize - 1);
        self.selected = stops[to as usize];
    }

    /// Keeps the selection inside the list after it shrank.
    pub fn clamp(&mut self, len: usize) {
        self.selected = self.selected.min(len.saturating_sub(1));
    }

    /// Keeps the selected row, and row `top` (at or above it: a heading that belongs
    /// with it), inside a window of `height` rows over a list of `len`.
    pub fn keep_in_view(&mut self, height: usize, len: usize, top: usize) {
        let h = height.max(1);
        self.height = h;
        let top = top.min(self.selected);
        if top < self.offset {
            self.offset = top;
        } else if self.selected >= self.offset + h {
            self.offset = self.selected + 1 - h;
        }
        self.offset = self.offset.min(len.saturating_sub(h));
    }

    /// Rows a page moves.
    pub fn page(&self) -> usize {
        self.height.max(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_clamp_and_skip_headings() {
        let mut c = ListCursor::default();
        c.step(5, 3);
        assert_eq!(c.selected, 2);
        c.step(Move::First.delta(10), 3);
        assert_eq!(c.selected, 0);
        // rows 0 and 3 are headings
        let stop = |i: usize| i != 0 && i != 3;
        c.step_over(0, 6, stop);
        assert_eq!(c.selected, 1, "a heading gives way to the row below it");
        c.step_over(2, 6, stop);
        assert_eq!(c.selected, 4);
        c.step_over(Move::Last.delta(1), 6, stop);
        assert_eq!(c.selected, 5);
        c.step(0, 0);
        assert_eq!(c.selected, 0, "an empty list selects row 0");
    }

    #[test]
    fn keeps_the_selection_and_its_heading_in_view_without_blank_rows() {
        let mut c = ListCursor {
            selected: 9,
            ..ListCursor::default()
        };
        c.keep_in_view(4, 20, 9);
        assert_eq!((c.offset, c.height), (6, 4));
        c.selected = 4;
        c.keep_in_view(4, 20, 3);
        assert_eq!(c.offset, 3, "the heading above stays in view");
        // the list shrank under the window: no blank rows at the bottom
        c.offset = 8;
        c.selected = 9;
        c.keep_in_view(4, 10, 9);
        assert_eq!(c.offset, 6);
        assert_eq!(c.page(), 4);
    }
}
