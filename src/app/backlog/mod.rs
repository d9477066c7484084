//! Backlog pane state: the question tree as flat rows, its sort and filter, the
//! selection, and the open detail view. Plain data; no terminal types.
//!
//! Unfiltered, the rows are a window over the tree (`tree.rs`): the rows on screen and a
//! margin each side, read through the index and extended as the selection moves, so
//! opening, scrolling and a change to one question cost the same at a thousand questions
//! and at a million. A change re-reads the window around the selection (a few hundred
//! index seeks), never the tree. Filtered, the questions the filter keeps are read and
//! laid out whole (`filter.rs`). The header reads the store's counters.

mod filter;
mod keys;
mod tree;
mod window;

pub use filter::QuestionFilter;
pub use keys::{flow, BacklogFlow};

use super::cx::{Cx, Event};
use super::overlay::Step;
use super::pane::{ListCursor, Move, PaneView};
use crate::commands::Command;
use crate::model::{Hypothesis, Id, Kind, Question, Record};
use crate::store::{Direction, Result, Store};
use filter::Filtered;
use std::collections::HashMap;
use tree::Walk;

/// Rows read beyond the screen at each end of the window.
pub const MARGIN: usize = 32;

/// Rows a page is taken to be before the pane has been laid out on a screen.
const FIRST_PAGE: usize = 64;

/// The order of siblings in the tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortBy {
    Priority,
    Status,
    Kind,
    Id,
    Updated,
}

impl SortBy {
    pub fn name(self) -> &'static str {
        match self {
            SortBy::Priority => "priority",
            SortBy::Status => "status",
            SortBy::Kind => "kind",
            SortBy::Id => "id",
            SortBy::Updated => "updated",
        }
    }
}

/// One visible row of the tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Row {
    pub id: Id,
    pub depth: usize,
}

/// A selectable line of the detail view.
#[derive(Debug, Clone, PartialEq)]
pub enum DetailItem {
    Hypothesis(Hypothesis),
    SubQuestion(Id),
    Linked {
        link: Id,
        label: String,
        dir: Direction,
        other: Id,
        title: String,
    },
}

/// The detail view of one question.
#[derive(Debug, Clone, PartialEq)]
pub struct Detail {
    pub id: Id,
    pub items: Vec<DetailItem>,
    pub cursor: usize,
    /// A hypothesis opened in full under its line (`Enter` on it): its id and the
    /// card's lines, unwrapped.
    pub expanded: Option<(Id, Vec<String>)>,
}

/// The pane's state, as the registration in `panes.rs` names it.
pub type State = BacklogState;

#[derive(Debug, Default)]
pub struct BacklogState {
    /// The questions of the rows held: the window (and ancestors met on the way) when
    /// unfiltered, every shown question when filtered.
    pub questions: HashMap<Id, Question>,
    /// The open detail's question, its parent and its sub-questions.
    pub related: HashMap<Id, Question>,
    /// The rows held: a window over the tree, or the whole filtered list.
    pub rows: Vec<Row>,
    /// Selection and first row on screen, as positions in `rows`.
    pub cursor: ListCursor,
    pub sort: Option<SortBy>,
    pub filter: QuestionFilter,
    pub detail: Option<Detail>,
    /// The first row held is the first of the list.
    pub at_start: bool,
    /// The last row held is the last of the list.
    pub at_end: bool,
    /// Set while a filter is on.
    filtered: Option<Filtered>,
}

impl BacklogState {
    /// Reads the window at the top of the tree; later changes arrive through
    /// [`BacklogState::refresh`].
    pub fn load(store: &Store) -> Result<BacklogState> {
        let mut s = BacklogState {
            sort: Some(SortBy::Priority),
            ..BacklogState::default()
        };
        s.rebuild(store)?;
        Ok(s)
    }

    fn by(&self) -> SortBy {
        self.sort.unwrap_or(SortBy::Priority)
    }

    /// Rows on a page, for how much to read.
    fn page(&self) -> usize {
        if self.cursor.height > 1 {
            self.cursor.height
        } else {
            FIRST_PAGE
        }
    }

    fn walk<'a>(&'a mut self, store: &'a Store) -> Walk<'a> {
        Walk {
            store,
            order: tree::order(self.sort.unwrap_or(SortBy::Priority)),
            cache: &mut self.questions,
        }
    }

    /// True when a filter is on and the rows are the whole filtered list.
    pub fn is_filtered(&self) -> bool {
        self.filtered.is_some()
    }

    /// How many questions the list shows in all (the counters when unfiltered).
    pub fn shown_count(&self, store: &Store) -> usize {
        if self.is_filtered() {
            self.rows.len()
        } else {
            store.state().count(Kind::Question) as usize
        }
    }

    /// A question the pane holds: a row's, or one the open detail shows.
    pub fn question(&self, id: &Id) -> Option<&Question> {
        self.questions.get(id).or_else(|| self.related.get(id))
    }

    /// Lays the rows out again after the filter or the sort changed: the selection stays
    /// at the same place in the list (the sort keeps it on its question by
    /// [`BacklogState::show`] afterwards).
    pub fn rebuild(&mut self, store: &Store) -> Result<()> {
        let at = self.cursor.selected;
        if self.filter.is_empty() {
            self.filtered = None;
            self.questions.clear();
            self.top(store, at.min(4 * self.page()))?;
            self.cursor.selected = at;
        } else {
            let (shown, mut f) = Filtered::read(store, &self.filter)?;
            self.rows = f.layout(store, self.by(), &shown)?;
            self.questions = shown;
            self.filtered = Some(f);
            (self.at_start, self.at_end) = (true, true);
        }
        self.cursor.clamp(self.rows.len());
        Ok(())
    }

    /// Re-reads the given records after a change and brings the rows in step, keeping
    /// the selection on the same question where it still shows.
    pub fn refresh(&mut self, store: &Store, ids: &[Id]) -> Result<()> {
        let changed: Vec<Id> = ids
            .iter()
            .copied()
            .filter(|i| i.kind == Kind::Question)
            .collect();
        if !changed.is_empty() {
            if self.is_filtered() {
                self.refresh_filtered(store, &changed)?;
            } else {
                self.patch(store, &changed)?;
            }
        }
        if let Some(d) = &self.detail {
            let (id, cursor) = (d.id, d.cursor);
            let still = if self.is_filtered() {
                self.questions.contains_key(&id)
            } else {
                store.question(id)?.is_some()
            };
            if still {
                self.open_detail(store, id)?;
                if let Some(d) = &mut self.detail {
                    d.cursor = cursor.min(d.items.len().saturating_sub(1));
                }
            } else {
                self.detail = None;
                self.related.clear();
            }
        }
        Ok(())
    }

    fn refresh_filtered(&mut self, store: &Store, changed: &[Id]) -> Result<()> {
        let Some(mut f) = self.filtered.take() else {
            return Ok(());
        };
        for id in changed {
            let q = store.question(*id)?;
            f.update(&mut self.questions, &self.filter, *id, q);
        }
        let keep = self.selected_id();
        self.rows = f.layout(store, self.by(), &self.questions)?;
        self.filtered = Some(f);
        self.cursor.clamp(self.rows.len());
        if let Some(id) = keep {
            self.select(id);
        }
        Ok(())
    }

    pub fn selected_id(&self) -> Option<Id> {
        self.rows.get(self.cursor.selected).map(|r| r.id)
    }

    pub fn selected_question(&self) -> Option<&Question> {
        self.selected_id().and_then(|id| self.questions.get(&id))
    }

    /// Moves the selection to `id` if its row is held; returns whether it is.
    pub fn select(&mut self, id: Id) -> bool {
        match self.rows.iter().position(|r| r.id == id) {
            Some(i) => {
                self.cursor.selected = i;
                true
            }
            None => false,
        }
    }

    /// Moves the selection to `id`, reading the window around it when its row is not
    /// held; false when the list does not show it.
    pub fn show(&mut self, store: &Store, id: Id) -> Result<bool> {
        if self.select(id) {
            return Ok(true);
        }
        if self.is_filtered() || id.kind != Kind::Question {
            return Ok(false);
        }
        self.anchor(store, id)
    }

    /// Moves the selection, or the detail's cursor when the detail is open; the window
    /// reads what the move reaches.
    pub fn go(&mut self, store: &Store, m: Move) -> Result<()> {
        let delta = m.delta(self.cursor.page());
        if let Some(d) = &mut self.detail {
            let max = d.items.len().saturating_sub(1) as isize;
            d.cursor = (d.cursor as isize).saturating_add(delta).clamp(0, max) as usize;
            return Ok(());
        }
        if self.is_filtered() {
            self.cursor.step(delta, self.rows.len());
            return Ok(());
        }
        match m {
            Move::First if !self.at_start => self.top(store, 0)?,
            Move::Last if !self.at_end => self.bottom(store)?,
            Move::First | Move::Last => self.cursor.step(delta, self.rows.len()),
            _ => {
                let page = self.page();
                let n = delta.unsigned_abs();
                if delta > 0 {
                    self.fill(store, 0, n + page)?;
                } else {
                    self.fill(store, n + page, 0)?;
                }
                self.cursor.step(delta, self.rows.len());
            }
        }
        self.trim();
        Ok(())
    }

    /// The record the record-scope keys act on: the selected hypothesis in the detail
    /// view, else the open or selected question.
    pub fn target(&self) -> Option<Id> {
        match self.detail_item() {
            Some(DetailItem::Hypothesis(h)) => Some(h.meta.id),
            _ => self
                .detail
                .as_ref()
                .map(|d| d.id)
                .or_else(|| self.selected_id()),
        }
    }

    /// Opens the detail view of a question: its hypotheses, sub-questions and links.
    pub fn open_detail(&mut self, store: &Store, id: Id) -> Result<()> {
        let mut items = Vec::new();
        let mut related = HashMap::new();
        let Some(q) = store.question(id)? else {
            self.detail = None;
            self.related.clear();
            return Ok(());
        };
        if let Some(p) = q.parent.map(|p| store.question(p)).transpose()?.flatten() {
            related.insert(p.meta.id, p);
        }
        for h in store.hypotheses_of(id)? {
            if let Some(Record::Hypothesis(h)) = store.get(h)? {
                items.push(DetailItem::Hypothesis(h));
            }
        }
        for c in store.children(Some(id))? {
            if let Some(cq) = store.question(c)? {
                related.insert(c, cq);
            }
            items.push(DetailItem::SubQuestion(c));
        }
        for n in store.neighbours(id)? {
            let title = store.get(n.other)?.map(|r| r.title()).unwrap_or_default();
            items.push(DetailItem::Linked {
                link: n.link.meta.id,
                label: n.link.label,
                dir: n.dir,
                other: n.other,
                title,
            });
        }
        related.insert(id, q);
        self.related = related;
        self.detail = Some(Detail {
            id,
            items,
            cursor: 0,
            expanded: None,
        });
        Ok(())
    }

    /// A hypothesis in full, as `Enter` opens it in the detail: its status, likelihood
    /// in words, standing in its question's matrix, whole statement, expectations, and
    /// what the lead rests on when it leads.
    pub fn hypothesis_card(store: &Store, h: &Hypothesis) -> Result<Vec<String>> {
        let like = h
            .likelihood
            .map_or("likelihood unassessed".to_string(), |y| {
                format!("{y} ({})", y.range())
            });
        let m = store.matrix(h.question)?;
        let an = m.analyse();
        let standing = match m.column_of(h.meta.id) {
            Some(_) if m.rows.is_empty() => format!("no evidence in {}'s matrix yet", h.question),
            Some(c) => {
                let s = an.scores[c];
                let live = m.columns.iter().filter(|c| c.is_live()).count();
                let cover = an
                    .coverage_label(&m, c)
                    .map_or(String::new(), |l| format!(", {l}"));
                format!(
                    "rank {} of {live} in {}'s matrix, score {} (raw {}), read on {} of {} rows{cover}",
                    an.rank_label(&m, c),
                    h.question,
                    crate::model::ach::hundredths(s.score),
                    s.raw,
                    s.assessed,
                    m.rows.len()
                )
            }
            None => format!("not in {}'s matrix", h.question),
        };
        let mut out = vec![
            format!("{} · {} · {like}", h.meta.id, h.status),
            standing,
            h.statement.clone(),
        ];
        let ledger: Vec<&crate::model::ach::Expected> = m.ledger(h.meta.id).collect();
        if ledger.is_empty() {
            out.push("Expected if true: nothing yet (x in the Hypotheses pane adds it)".into());
        } else {
            out.push("Expected if true:".into());
            for x in ledger {
                let how = match (&x.place, x.checked, x.note) {
                    (_, _, Some(n)) => format!(" (found in {n})"),
                    (Some(p), Some(d), None) => format!(" (looked in {p} on {d})"),
                    _ => String::new(),
                };
                out.push(format!("  {} {}: {}{how}", x.id, x.status.as_str(), x.text));
            }
        }
        if an.leader(&m).map(|c| m.columns[c].id) == Some(h.meta.id) {
            out.push(crate::model::ach::sensitivity_line(&m, &an));
        }
        Ok(out)
    }

    pub fn detail_item(&self) -> Option<&DetailItem> {
        self.detail.as_ref().and_then(|d| d.items.get(d.cursor))
    }
}

impl PaneView for BacklogState {
    fn open(store: &Store) -> Result<Self> {
        BacklogState::load(store)
    }

    fn on_command(&mut self, cmd: Command, cx: &mut Cx) {
        self.apply_backlog(cx, cmd)
    }

    fn on_flow(&mut self, step: &Step, value: String, cx: &mut Cx) {
        if let Some(f) = step.value::<BacklogFlow>() {
            self.finish(cx, f.clone(), value)
        }
    }

    /// Questions and hypotheses live here.
    fn on_event(&mut self, event: &Event, cx: &mut Cx) -> bool {
        match event {
            Event::Show(id) if matches!(id.kind, Kind::Question | Kind::Hypothesis) => {
                self.show_record(cx, *id)
            }
            _ => return false,
        }
        true
    }

    fn go(&mut self, store: &Store, m: Move) -> Result<()> {
        self.go(store, m)
    }

    fn selected(&self) -> Option<Id> {
        self.target()
    }

    fn nothing_selected(&self) -> &'static str {
        "no question selected: a adds one"
    }

    fn filter_description(&self) -> String {
        self.filter.describe()
    }

    fn on_committed(&mut self, store: &Store, done: &crate::store::Committed) -> Result<()> {
        self.refresh(store, &done.ids)
    }

    fn keep_in_view(&mut self, height: usize) {
        let at = self.cursor.selected;
        self.cursor.keep_in_view(height, self.rows.len(), at);
    }

    /// Reads what a taller screen shows below, and a margin each side.
    fn on_shown(&mut self, store: &Store, _width: usize) -> Result<()> {
        let page = self.page();
        let below = (self.cursor.offset + page).saturating_sub(self.cursor.selected);
        self.fill(store, MARGIN / 2, below + MARGIN / 2)
    }
}

#[cfg(test)]
mod tests;
