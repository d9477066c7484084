//! Hypotheses pane state: the competing-hypotheses matrix of one question, its analysis,
//! which columns and rows show (and in what order), the cell cursor and the view options.
//! Plain data; no terminal types. Keys and flows are in `keys.rs`; the layout of the grid
//! and the lines under it, prepared for `ui/hypotheses.rs`, are in `view.rs`.

mod flows;
mod keys;
mod load;
mod sync;
mod view;

pub use flows::HypothesesFlow;
pub use keys::Pick;
pub use load::BACKGROUND_CELLS;
pub use view::{columns_that_fit, Detail, GridLayout, Tone, GRADE_W, MIN_GRID};

use super::cx::Cx;
use super::overlay::Step;
use super::pane::{ListCursor, Move, PaneView};
use crate::commands::{Command, Scope};
use crate::model::ach::{Analysis, Matrix};
use crate::model::{Consistency, Id, Kind};
use crate::store::{Result, Store};
use load::MatrixLoad;
use std::collections::HashMap;

/// The pane's state, as the registration in `panes.rs` names it.
pub type State = HypothesesState;

#[derive(Debug, Default)]
pub struct HypothesesState {
    /// The question whose matrix shows, and its title.
    pub question: Option<Id>,
    pub title: String,
    pub matrix: Matrix,
    pub analysis: Analysis,
    /// Matrix column positions shown, live first.
    pub cols: Vec<usize>,
    /// Matrix row positions shown, in display order.
    pub rows: Vec<usize>,
    /// The selected column, as an index into `cols`, and the first one on screen.
    pub col: usize,
    pub col_offset: usize,
    /// The cursor is on the header row (the record keys act on the hypothesis).
    pub header: bool,
    /// The selected row (index into `rows`) and the first one on screen.
    pub cursor: ListCursor,
    pub show_rejected: bool,
    pub hide_flat: bool,
    pub by_diagnosticity: bool,
    /// The Backlog selection (a question, or a hypothesis in its detail) the pane last
    /// followed.
    pub(crate) followed: Option<Id>,
    /// The matrix must be read again before it is shown.
    stale: bool,
    /// Cells seen by assessment id, so an assessment deleted (cleared, undone) finds its
    /// cell without reading the whole matrix again.
    cell_ids: HashMap<Id, (Id, Id)>,
    /// The pane's size as last laid out.
    pub(crate) size: (usize, usize),
    /// The pane was brought on screen to show something (an expectation): the focus
    /// that follows keeps it instead of following the Backlog's selection.
    keep_on_focus: bool,
    /// The actions collect next last listed, for the one chosen.
    pub advice: Vec<crate::model::ach::Advice>,
    /// How many times the whole matrix was read from the store.
    pub reads: usize,
    /// Matrices read off the input thread (a large workspace).
    loading: MatrixLoad,
    /// From how many cells in the workspace a matrix is read off the input thread
    /// (`None`: [`BACKGROUND_CELLS`]); tests lower it.
    pub background_from: Option<u64>,
}

impl HypothesesState {
    /// Shows a matrix already read (benches and tests build one without a store).
    /// The selection stays on the same hypothesis and note where they still show.
    pub fn set_matrix(&mut self, matrix: Matrix) {
        let keep = self.kept();
        self.analysis = matrix.analyse();
        self.matrix = matrix;
        self.rebuild_keeping(keep);
    }

    /// The selected hypothesis and note (the note under the cursor even on the header).
    fn kept(&self) -> (Option<Id>, Option<Id>) {
        let col = self.cols.get(self.col).map(|&c| self.column_id(c));
        let row = self.rows.get(self.cursor.selected).map(|&r| self.row_id(r));
        (col, row)
    }

    /// Recomputes the columns and rows shown, keeping the selection on the same
    /// hypothesis and note where they still show.
    pub fn rebuild(&mut self) {
        let keep = self.kept();
        self.rebuild_keeping(keep);
    }

    fn rebuild_keeping(&mut self, (keep_col, keep_row): (Option<Id>, Option<Id>)) {
        let m = &self.matrix;
        // live (and confirmed) hypotheses first, then the rejected ones when shown
        let live = (0..m.columns.len()).filter(|&c| m.columns[c].is_live());
        let rejected = (0..m.columns.len()).filter(|&c| !m.columns[c].is_live());
        self.cols = live
            .chain(rejected.filter(|_| self.show_rejected))
            .collect();
        let order: Vec<usize> = if self.by_diagnosticity {
            self.analysis.rows_by_diagnosticity(m)
        } else {
            (0..m.rows.len()).collect()
        };
        let flat = |r: usize| !self.analysis.diagnostic.get(r).copied().unwrap_or(false);
        self.rows = order
            .into_iter()
            .filter(|&r| !(self.hide_flat && flat(r)))
            .collect();
        if let Some(id) = keep_col {
            if let Some(i) = self.cols.iter().position(|&c| self.column_id(c) == id) {
                self.col = i;
            }
        }
        if let Some(id) = keep_row {
            if let Some(i) = self.rows.iter().position(|&r| self.row_id(r) == id) {
                self.cursor.selected = i;
            }
        }
        self.col = self.col.min(self.cols.len().saturating_sub(1));
        self.cursor.clamp(self.rows.len());
        if self.rows.is_empty() {
            self.header = true;
        }
    }

    fn column_id(&self, c: usize) -> Id {
        self.matrix.columns[c].id
    }

    fn row_id(&self, r: usize) -> Id {
        self.matrix.rows[r].note
    }

    /// The selected column's matrix position.
    pub fn column(&self) -> Option<usize> {
        self.cols.get(self.col).copied()
    }

    /// The selected row's matrix position (none on the header).
    pub fn row(&self) -> Option<usize> {
        if self.header {
            return None;
        }
        self.rows.get(self.cursor.selected).copied()
    }

    /// The selected hypothesis.
    pub fn hypothesis(&self) -> Option<Id> {
        self.column().map(|c| self.column_id(c))
    }

    /// The selected cell as (hypothesis, note).
    pub fn cell(&self) -> Option<(Id, Id)> {
        Some((self.hypothesis()?, self.row_id(self.row()?)))
    }

    /// Puts the cursor on a hypothesis's column header or a note's row.
    pub fn select(&mut self, id: Id) -> bool {
        match id.kind {
            Kind::Hypothesis => match self.cols.iter().position(|&c| self.column_id(c) == id) {
                Some(i) => {
                    self.col = i;
                    self.header = true;
                    true
                }
                None => false,
            },
            Kind::Note => match self.rows.iter().position(|&r| self.row_id(r) == id) {
                Some(i) => {
                    self.cursor.selected = i;
                    self.header = false;
                    true
                }
                None => false,
            },
            _ => false,
        }
    }

    /// Moves the row cursor: up from the first row reaches the header (the hypotheses),
    /// down from the header the first row.
    pub fn step(&mut self, m: Move) {
        let delta = m.delta(self.cursor.page());
        if self.rows.is_empty() {
            self.header = true;
        } else if self.header {
            if delta > 0 {
                self.header = false;
                self.cursor.step(delta - 1, self.rows.len());
            }
        } else if delta < 0 && self.cursor.selected as isize + delta < 0 {
            self.cursor.selected = 0;
            self.header = true;
        } else {
            self.cursor.step(delta, self.rows.len());
        }
    }

    /// Moves the column selection by `by`, clamped.
    pub fn step_column(&mut self, by: isize) {
        let max = self.cols.len().saturating_sub(1) as isize;
        self.col = (self.col as isize + by).clamp(0, max.max(0)) as usize;
    }

    /// Changes one cell of the matrix (row and column positions) and brings the analysis
    /// up to date incrementally; [`HypothesesState::rebuild`] then re-reads the rows shown.
    pub fn edit_cell(&mut self, row: usize, col: usize, value: Option<Consistency>) {
        self.matrix.set_cell(row, col, value, &mut self.analysis);
    }

    /// Brings an expectation's matrix on screen with its hypothesis selected; with
    /// `check`, asks what was found.
    fn open_expectation(&mut self, cx: &mut Cx, x: Id, check: bool) {
        let h = match cx.store.get(x) {
            Ok(Some(crate::model::Record::Expectation(e))) => e.hypothesis,
            Ok(_) => return cx.error(format!("{x} is not an expectation")),
            Err(e) => return cx.error(e.to_string()),
        };
        let q = match cx.store.get(h) {
            Ok(Some(crate::model::Record::Hypothesis(hy))) => hy.question,
            Ok(_) => return cx.error(format!("{x}'s hypothesis {h} is gone")),
            Err(e) => return cx.error(e.to_string()),
        };
        if self.question != Some(q) || self.stale {
            if let Err(e) = self.load(cx.store, q) {
                return cx.error(e.to_string());
            }
        }
        cx.emit(super::cx::Event::Focus(Scope::Hypotheses));
        self.keep_on_focus = !cx.on_screen;
        if !self.select(h) && self.loading().is_none() {
            // a rejected hypothesis shows only with r
            self.show_rejected = true;
            self.rebuild();
            self.select(h);
        }
        if check {
            self.finish_hypotheses(cx, HypothesesFlow::Expectation, x.to_string());
        } else {
            cx.info(format!(
                "{x} is expected if {h} were true: X sets what was found"
            ));
        }
    }

    /// The question the record keys' `Q` and collect-next hang from.
    pub fn closest_pair(&self) -> Option<(Id, Id)> {
        let (a, b) = self.analysis.closest?;
        Some((self.column_id(a), self.column_id(b)))
    }

    /// The view options, as the status line shows them.
    pub fn describe_view(&self) -> String {
        let mut parts = Vec::new();
        if self.hide_flat {
            parts.push("non-diagnostic rows hidden");
        }
        if self.by_diagnosticity {
            parts.push("rows by diagnosticity");
        }
        if self.show_rejected {
            parts.push("rejected shown");
        }
        parts.join(" · ")
    }
}

impl PaneView for HypothesesState {
    fn open(_store: &Store) -> Result<Self> {
        Ok(HypothesesState::default())
    }

    fn on_command(&mut self, cmd: Command, cx: &mut Cx) {
        self.apply_hypotheses(cx, cmd)
    }

    fn on_flow(&mut self, step: &Step, value: String, cx: &mut Cx) {
        match step.value::<HypothesesFlow>() {
            Some(HypothesesFlow::Chose(pick)) => match value.parse::<Id>() {
                Ok(id) => self.hypotheses_chose(cx, *pick, id),
                Err(e) => cx.error(e.to_string()),
            },
            Some(f) => self.finish_hypotheses(cx, f.clone(), value),
            None => {}
        }
    }

    /// Expectations live here: shown on their hypothesis's column, and their status set
    /// here (the Plan pane's `x`).
    fn on_event(&mut self, event: &super::cx::Event, cx: &mut Cx) -> bool {
        use super::cx::Event;
        match event {
            Event::Show(x) if x.kind == Kind::Expectation => self.open_expectation(cx, *x, false),
            Event::CheckExpectation(x) => self.open_expectation(cx, *x, true),
            _ => return false,
        }
        true
    }

    /// A matrix read on its own thread.
    fn background_pending(&self) -> bool {
        self.loading().is_some()
    }

    fn take_background(&mut self, store: &Store, wait: std::time::Duration) -> Result<bool> {
        self.take_loaded(store, wait)
    }

    /// Follows the question selected in the Backlog.
    fn on_focus(&mut self, cx: &mut Cx, selected: &[(Scope, Option<Id>)]) {
        let backlog = selected.iter().find(|(s, _)| *s == Scope::Backlog);
        let target = backlog.and_then(|(_, id)| *id);
        if std::mem::take(&mut self.keep_on_focus) {
            // the Backlog's selection as it is now counts as followed: the pane moves
            // with it again only once it changes
            self.followed = target;
            return;
        }
        self.follow_backlog(cx, target);
    }

    fn go(&mut self, _store: &Store, m: Move) -> Result<()> {
        self.step(m);
        Ok(())
    }

    fn selected(&self) -> Option<Id> {
        if self.header {
            self.hypothesis()
        } else {
            self.row().map(|r| self.row_id(r))
        }
    }

    fn nothing_selected(&self) -> &'static str {
        if self.question.is_none() {
            "no matrix shown: o picks a question"
        } else {
            "nothing selected: h adds a hypothesis, a adds evidence"
        }
    }

    fn filter_description(&self) -> String {
        self.describe_view()
    }

    fn on_committed(&mut self, store: &Store, done: &crate::store::Committed) -> Result<()> {
        self.sync(store, &done.ids)
    }

    fn keep_in_view(&mut self, height: usize) {
        self.size.1 = height;
    }

    fn on_shown(&mut self, store: &Store, width: usize) -> Result<()> {
        self.size.0 = width;
        if self.stale {
            if let Some(q) = self.question {
                self.load(store, q)?;
            }
        }
        let (width, height) = self.size;
        let grid = self.grid_height(width, height);
        let at = self.cursor.selected;
        self.cursor.keep_in_view(grid, self.rows.len(), at);
        if self.col < self.col_offset {
            self.col_offset = self.col;
        }
        while self.col >= self.col_offset + self.layout(width).count.max(1) {
            self.col_offset += 1;
        }
        Ok(())
    }
}

impl HypothesesState {
    /// Opens the matrix of the question selected in the Backlog (the open question, or
    /// the question of the selected hypothesis) when that selection changed since the
    /// pane last followed it.
    fn follow_backlog(&mut self, cx: &mut Cx, selected: Option<Id>) {
        let Some(target) = selected else {
            return;
        };
        let (q, h) = match target.kind {
            Kind::Question => (target, None),
            Kind::Hypothesis => match cx.store.get(target) {
                Ok(Some(crate::model::Record::Hypothesis(h))) => (h.question, Some(target)),
                Ok(_) => return,
                Err(e) => return cx.error(e.to_string()),
            },
            _ => return,
        };
        if self.followed == Some(target) && self.question.is_some() {
            return;
        }
        self.followed = Some(target);
        if let Err(e) = self.load(cx.store, q) {
            return cx.error(e.to_string());
        }
        if let Some(h) = h {
            if !self.select(h) {
                cx.info(format!("{h} is rejected: r shows rejected hypotheses"));
            }
        }
    }

    /// Sets (or with `None` clears) the selected cell.
    pub(crate) fn set_cell(&mut self, cx: &mut Cx, value: Option<Consistency>) {
        let Some((h, n)) = self.cell() else {
            let hint = if self.question.is_none() {
                "no question shown: o picks one (or select one in the Backlog)"
            } else if self.cols.is_empty() {
                "no hypothesis to assess against: h adds one"
            } else if self.rows.is_empty() {
                "no evidence row: a adds a note as evidence"
            } else {
                "on the header: ↓ to an evidence row to assess it"
            };
            return cx.info(hint);
        };
        let result = match value {
            Some(c) => cx.store.assess(h, n, c).map(|a| a.done),
            None => {
                match cx.store.assessment(h, n) {
                    Ok(Some(a)) => self.remember_cell(a, (h, n)),
                    Ok(None) => return cx.info(format!("{h} × {n} is already blank")),
                    Err(e) => return cx.error(e.to_string()),
                }
                cx.store.clear_assessment(h, n)
            }
        };
        if let Some(done) = cx.report(result, |_| String::new()) {
            self.committed_here(cx, Scope::Hypotheses, done);
            let st = &*self;
            let said = match st.matrix.column_of(h).map(|c| st.analysis.scores[c]) {
                Some(s) => format!(
                    "{h} × {n}: {} · {h} score {} (raw {}), rank {}",
                    value.map_or("blank", |v| v.symbol()),
                    crate::model::ach::hundredths(s.score),
                    s.raw,
                    s.rank
                ),
                None => format!("{h} × {n}: {}", value.map_or("blank", |v| v.symbol())),
            };
            cx.info(said);
        }
    }
}

#[cfg(test)]
mod tests;
