//! Plan pane state (pane 8): the outstanding collection (`weft plan`), under the
//! question each item serves, by that question's priority. An expectation not yet looked
//! for and an open collection question are the items; `x` sets what was found for an
//! expectation (in the Hypotheses pane, where its flow lives), Enter shows the item where
//! it lives. The plan is read again when the pane is shown after a change.

use super::cx::{Cx, Event};
use super::pane::{ListCursor, Move, PaneView};
use crate::commands::Command;
use crate::model::{Id, Kind};
use crate::store::{PlanItem, Result, Store};

/// Rows below the list: the selected item in full.
pub const DETAIL_ROWS: usize = 5;
/// Rows above the list: the counts line.
pub const HEADER_ROWS: usize = 1;

/// One line of the list: the question served (heading), or an item (its index).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Row {
    Served(usize),
    Item(usize),
}

/// The pane's state, as the registration in `panes.rs` names it.
pub type State = PlanState;

#[derive(Debug, Default)]
pub struct PlanState {
    pub items: Vec<PlanItem>,
    pub rows: Vec<Row>,
    pub cursor: ListCursor,
    /// The statement of the selected expectation's hypothesis, as last read.
    pub hypothesis: Option<(Id, String)>,
    /// A change was committed since the plan was read.
    stale: bool,
    /// Read at least once.
    read: bool,
}

impl PlanState {
    /// The selected item.
    pub fn current(&self) -> Option<&PlanItem> {
        match self.rows.get(self.cursor.selected) {
            Some(Row::Item(i)) => self.items.get(*i),
            _ => None,
        }
    }

    /// Reads the plan again, keeping the selection on the same item where it still is.
    pub fn reload(&mut self, store: &Store) -> Result<()> {
        let keep = self.current().map(|p| p.id);
        self.items = store.plan()?;
        self.rows.clear();
        let mut served = None;
        for (i, p) in self.items.iter().enumerate() {
            if served != Some(p.question) {
                served = Some(p.question);
                self.rows.push(Row::Served(i));
            }
            self.rows.push(Row::Item(i));
        }
        let at = keep
            .and_then(|id| {
                self.rows
                    .iter()
                    .position(|r| matches!(r, Row::Item(i) if self.items[*i].id == id))
            })
            .or_else(|| self.rows.iter().position(|r| matches!(r, Row::Item(_))));
        self.cursor.selected = at.unwrap_or(0);
        self.cursor.clamp(self.rows.len());
        self.stale = false;
        self.read = true;
        self.read_hypothesis(store)
    }

    fn read_hypothesis(&mut self, store: &Store) -> Result<()> {
        let Some(h) = self.current().and_then(|p| p.hypothesis) else {
            self.hypothesis = None;
            return Ok(());
        };
        if self.hypothesis.as_ref().map(|(id, _)| *id) == Some(h) {
            return Ok(());
        }
        self.hypothesis = match store.get(h)? {
            Some(crate::model::Record::Hypothesis(x)) => Some((h, x.statement)),
            _ => None,
        };
        Ok(())
    }

    /// Rows the list gets in a pane of `height` rows.
    pub fn list_rows(height: usize) -> usize {
        height.saturating_sub(DETAIL_ROWS + HEADER_ROWS).max(1)
    }

    fn apply_plan(&mut self, cx: &mut Cx, cmd: Command) {
        match cmd {
            Command::PlanCheck => match self.current() {
                Some(p) if p.id.kind == Kind::Expectation => {
                    cx.emit(Event::CheckExpectation(p.id));
                }
                Some(p) => cx.info(format!(
                    "{} is a question: Enter shows it in the Backlog, where it is answered",
                    p.id
                )),
                None => cx.info("nothing outstanding selected"),
            },
            Command::Open => match self.current() {
                Some(p) => cx.emit(Event::Show(p.id)),
                None => cx.info("nothing outstanding selected"),
            },
            Command::Back => {}
            other => cx.info(format!("{} does not apply in the Plan pane", other.name())),
        }
    }
}

impl PaneView for PlanState {
    /// Nothing is read at start: the plan is read when the pane is first shown.
    fn open(_store: &Store) -> Result<Self> {
        Ok(PlanState::default())
    }

    fn on_command(&mut self, cmd: Command, cx: &mut Cx) {
        self.apply_plan(cx, cmd)
    }

    fn go(&mut self, store: &Store, m: Move) -> Result<()> {
        let delta = m.delta(self.cursor.page());
        let rows = &self.rows;
        self.cursor
            .step_over(delta, rows.len(), |i| matches!(rows[i], Row::Item(_)));
        self.read_hypothesis(store)
    }

    fn selected(&self) -> Option<Id> {
        self.current().map(|p| p.id)
    }

    fn nothing_selected(&self) -> &'static str {
        "nothing outstanding selected"
    }

    /// Any change may add, close or move an item: read again when next shown.
    fn on_committed(&mut self, _store: &Store, _done: &crate::store::Committed) -> Result<()> {
        self.stale = true;
        Ok(())
    }

    fn keep_in_view(&mut self, height: usize) {
        let h = Self::list_rows(height + HEADER_ROWS);
        let at = self.cursor.selected;
        let top = match at.checked_sub(1).and_then(|p| self.rows.get(p)) {
            Some(Row::Served(_)) => at - 1,
            _ => at,
        };
        self.cursor.keep_in_view(h, self.rows.len(), top);
    }

    fn on_shown(&mut self, store: &Store, _width: usize) -> Result<()> {
        if !self.read || self.stale {
            self.reload(store)?;
        }
        Ok(())
    }
}
