//! The Backlog's window over the question tree: reading it at the top, the bottom or
//! around one question, extending it as the selection moves, trimming what scrolled far
//! away, and bringing it in step after a change.

use super::tree::{self, Walk};
use super::{BacklogState, MARGIN};
use crate::model::{Id, Question};
use crate::store::{Result, Store};
use std::collections::HashMap;

impl BacklogState {
    /// Reads the window at the top of the tree, with `extra` rows more than a screen.
    pub(super) fn top(&mut self, store: &Store, extra: usize) -> Result<()> {
        let want = extra + 2 * self.page() + MARGIN;
        let mut w = self.walk(store);
        let (rows, end) = match w.first()? {
            Some(first) => {
                let (mut below, end) = w.down(first, want)?;
                below.insert(0, first);
                (below, end)
            }
            None => (Vec::new(), true),
        };
        self.rows = rows;
        (self.at_start, self.at_end) = (true, end);
        self.cursor.selected = 0;
        self.cursor.offset = 0;
        self.forget();
        Ok(())
    }

    /// Reads the window at the bottom of the tree and selects the last row.
    pub(super) fn bottom(&mut self, store: &Store) -> Result<()> {
        let want = 2 * self.page() + MARGIN;
        let mut w = self.walk(store);
        let (rows, start) = match w.last()? {
            Some(last) => {
                let (mut above, start) = w.up(last, want)?;
                above.reverse();
                above.push(last);
                (above, start)
            }
            None => (Vec::new(), true),
        };
        self.rows = rows;
        (self.at_start, self.at_end) = (start, true);
        self.cursor.selected = self.rows.len().saturating_sub(1);
        self.cursor.offset = self.cursor.selected;
        self.forget();
        Ok(())
    }

    /// Reads the window around `id` (unfiltered only), keeping its row on the screen line
    /// the selection was on; false when there is no such question.
    pub(super) fn anchor(&mut self, store: &Store, id: Id) -> Result<bool> {
        let line = self.cursor.selected.saturating_sub(self.cursor.offset);
        let page = self.page();
        let mut w = self.walk(store);
        let Some(row) = w.row(id)? else {
            return Ok(false);
        };
        let (mut above, start) = w.up(row, page + MARGIN)?;
        let (below, end) = w.down(row, 2 * page + MARGIN)?;
        above.reverse();
        self.cursor.selected = above.len();
        self.cursor.offset = above.len().saturating_sub(line);
        above.push(row);
        above.extend(below);
        self.rows = above;
        (self.at_start, self.at_end) = (start, end);
        self.forget();
        Ok(true)
    }

    /// Reads `n` more rows below the window.
    pub(super) fn extend_down(&mut self, store: &Store, n: usize) -> Result<()> {
        let Some(last) = self.rows.last().copied() else {
            return Ok(());
        };
        if self.at_end || n == 0 {
            return Ok(());
        }
        let (more, end) = self.walk(store).down(last, n)?;
        self.rows.extend(more);
        self.at_end = end;
        Ok(())
    }

    /// Reads `n` more rows above the window; the positions held shift with them.
    pub(super) fn extend_up(&mut self, store: &Store, n: usize) -> Result<()> {
        let Some(first) = self.rows.first().copied() else {
            return Ok(());
        };
        if self.at_start || n == 0 {
            return Ok(());
        }
        let (mut more, start) = self.walk(store).up(first, n)?;
        let k = more.len();
        more.reverse();
        more.append(&mut self.rows);
        self.rows = more;
        self.at_start = start;
        self.cursor.selected += k;
        self.cursor.offset += k;
        Ok(())
    }

    /// Makes sure the window holds `below` rows after the selection and `above` rows
    /// before the first on screen, where the list has them.
    pub(super) fn fill(&mut self, store: &Store, above: usize, below: usize) -> Result<()> {
        if self.is_filtered() {
            return Ok(());
        }
        let after = self.rows.len().saturating_sub(self.cursor.selected + 1);
        if after < below {
            self.extend_down(store, below - after + MARGIN)?;
        }
        let before = self.cursor.offset.min(self.cursor.selected);
        if before < above {
            self.extend_up(store, above - before + MARGIN)?;
        }
        Ok(())
    }

    /// Drops rows far from the screen so the window stays a few pages long.
    pub(super) fn trim(&mut self) {
        if self.is_filtered() {
            return;
        }
        let keep = 2 * self.page() + 2 * MARGIN;
        let first = self.cursor.offset.min(self.cursor.selected);
        if first > keep {
            let cut = first - keep;
            self.rows.drain(..cut);
            self.cursor.selected -= cut;
            self.cursor.offset -= cut;
            self.at_start = false;
        }
        let last = self.cursor.selected.max(self.cursor.offset + self.page());
        if self.rows.len() > last + 1 + keep {
            self.rows.truncate(last + 1 + keep);
            self.at_end = false;
        }
        self.forget();
    }

    /// Drops the questions of rows no longer held, once they outnumber the rows.
    pub(super) fn forget(&mut self) {
        if self.is_filtered() || self.questions.len() <= 2 * self.rows.len() + 2 * MARGIN {
            return;
        }
        let held: std::collections::HashSet<Id> = self.rows.iter().map(|r| r.id).collect();
        self.questions.retain(|id, _| held.contains(id));
    }

    /// Brings the window in step after questions changed: re-reads them and then the
    /// window around the selection (or the nearest row left when it was deleted). The
    /// screen stays put where the first row on it is unchanged; a selection that moved
    /// off it is scrolled to, as a move would.
    pub(super) fn patch(&mut self, store: &Store, changed: &[Id]) -> Result<()> {
        for id in changed {
            match store.question(*id)? {
                Some(q) => {
                    self.questions.insert(*id, q);
                }
                None => {
                    self.questions.remove(id);
                }
            }
        }
        let sel = self.cursor.selected.min(self.rows.len().saturating_sub(1));
        let anchor = self
            .rows
            .get(sel..)
            .into_iter()
            .flatten()
            .chain(self.rows.get(..sel).into_iter().flatten().rev())
            .map(|r| r.id)
            .find(|id| self.questions.contains_key(id));
        let old_top = self.rows.get(self.cursor.offset).map(|r| r.id);
        let Some(anchor) = anchor else {
            return self.top(store, 0);
        };
        if !self.anchor(store, anchor)? {
            return self.top(store, 0);
        }
        let h = self.cursor.height.max(1);
        let at = self.cursor.selected;
        let top = old_top.and_then(|t| self.rows.iter().position(|r| r.id == t));
        self.cursor.offset = match top {
            Some(i) if i <= at && at - i < h => i,
            Some(i) if i < at => at + 1 - h,
            Some(_) => at,
            None => self.cursor.offset,
        };
        Ok(())
    }

    /// Every question the list shows, in its order: for export, which is the one place
    /// the whole unfiltered tree is walked.
    pub fn all_shown(&self, store: &Store) -> Result<Vec<Question>> {
        if self.is_filtered() {
            return Ok(self
                .rows
                .iter()
                .filter_map(|r| self.questions.get(&r.id).cloned())
                .collect());
        }
        let mut cache = HashMap::new();
        let mut w = Walk {
            store,
            order: tree::order(self.by()),
            cache: &mut cache,
        };
        let mut ids = Vec::new();
        let mut at = w.first()?;
        while let Some(r) = at {
            ids.push(r.id);
            at = w.next(r)?;
        }
        Ok(ids.into_iter().filter_map(|id| cache.remove(&id)).collect())
    }
}
