//! The Timeline's window onto the time index: reading rows around a position, reading
//! on as the selection nears an edge (and letting go of rows far behind it), and the
//! moves that need the store: rows, pages, ends, dates and records.

use super::rows::{self, Item, Row};
use super::{TimelineState, CHUNK, MARGIN, MAX_ROWS};
use crate::model::Id;
use crate::store::{Result, Store};
use chrono::NaiveDateTime;

impl TimelineState {
    pub(super) fn set_window(
        &mut self,
        mut before: Vec<Item>,
        after: Vec<Item>,
        more: (bool, bool),
    ) {
        before.reverse();
        self.cursor.selected = if after.is_empty() {
            before.len().saturating_sub(1)
        } else {
            before.len()
        };
        self.rows = before.into_iter().chain(after).map(Row::Item).collect();
        self.cursor.offset = self.cursor.selected.saturating_sub(2);
        (self.more_before, self.more_after) = more;
    }

    /// Reads the window around a position: rows before it, and from it on. The selection
    /// lands on the first row at or after the position.
    pub(super) fn fill_at(
        &mut self,
        store: &Store,
        at: NaiveDateTime,
        id: Option<Id>,
    ) -> Result<()> {
        let axis = self.axis;
        let (before, mb) = rows::read(
            store,
            axis,
            &mut self.names,
            store.timeline_before(axis, at, id),
            CHUNK,
        )?;
        let (after, ma) = rows::read(
            store,
            axis,
            &mut self.names,
            store.timeline_from(axis, at, id),
            CHUNK,
        )?;
        self.set_window(before, after, (mb, ma));
        Ok(())
    }

    /// Puts the selection back on the record `id` (wherever it now sits), else at `at`.
    pub(super) fn reposition(
        &mut self,
        store: &Store,
        at: NaiveDateTime,
        id: Option<Id>,
    ) -> Result<()> {
        if let Some(f) = self.focus.clone() {
            self.rows = rows::focus_rows(store, self.axis, &mut self.names, &f, self.quiet_days)?;
            (self.more_before, self.more_after) = (false, false);
            let by_id = id.and_then(|id| self.rows.iter().position(|r| r.id() == Some(id)));
            self.cursor.selected = by_id
                .or_else(|| self.rows.iter().position(|r| r.at() >= at))
                .unwrap_or(self.rows.len().saturating_sub(1));
            return Ok(());
        }
        // the window is read again: what it holds may have changed
        self.rows.clear();
        if let Some(id) = id {
            if self.select_record(store, id)? {
                return Ok(());
            }
        }
        self.fill_at(store, at, id)
    }

    /// Selects the record `id` if the current axis shows it, reading its window when it
    /// is not loaded. Returns whether it is shown.
    pub fn select_record(&mut self, store: &Store, id: Id) -> Result<bool> {
        if let Some(i) = self.rows.iter().position(|r| r.id() == Some(id)) {
            self.cursor.selected = i;
            return Ok(true);
        }
        if !self.windowed() {
            return Ok(false);
        }
        let Some(it) = rows::item(store, self.axis, &mut self.names, id, None)? else {
            return Ok(false);
        };
        self.fill_at(store, it.at, Some(id))?;
        Ok(self.selected_record() == Some(id))
    }

    /// Reads more rows after the window; false when there were none.
    fn extend_after(&mut self, store: &Store) -> Result<bool> {
        let Some((at, Some(id))) = self.rows.last().map(|r| (r.at(), r.id())) else {
            self.more_after = false;
            return Ok(false);
        };
        let axis = self.axis;
        let (more, m) = rows::read(
            store,
            axis,
            &mut self.names,
            store.timeline_after(axis, at, id),
            CHUNK,
        )?;
        self.more_after = m;
        let added = !more.is_empty();
        self.rows.extend(more.into_iter().map(Row::Item));
        if self.rows.len() > MAX_ROWS {
            let cut = (self.rows.len() - MAX_ROWS).min(self.cursor.selected.saturating_sub(MARGIN));
            self.rows.drain(..cut);
            self.cursor.selected -= cut;
            self.cursor.offset = self.cursor.offset.saturating_sub(cut);
            self.more_before |= cut > 0;
        }
        Ok(added)
    }

    /// Reads more rows before the window; false when there were none.
    fn extend_before(&mut self, store: &Store) -> Result<bool> {
        let Some((at, Some(id))) = self.rows.first().map(|r| (r.at(), r.id())) else {
            self.more_before = false;
            return Ok(false);
        };
        let axis = self.axis;
        let (more, m) = rows::read(
            store,
            axis,
            &mut self.names,
            store.timeline_before(axis, at, Some(id)),
            CHUNK,
        )?;
        self.more_before = m;
        let n = more.len();
        self.rows
            .splice(0..0, more.into_iter().rev().map(Row::Item));
        self.cursor.selected += n;
        self.cursor.offset += n;
        if self.rows.len() > MAX_ROWS {
            let keep = (self.cursor.selected + MARGIN + 1).max(MAX_ROWS);
            if self.rows.len() > keep {
                self.rows.truncate(keep);
                self.more_after = true;
            }
        }
        Ok(n > 0)
    }

    /// Moves the selection by `delta` rows, reading on from the index as needed.
    pub fn move_by(&mut self, store: &Store, delta: isize) -> Result<()> {
        if self.windowed() {
            loop {
                let target = self.cursor.selected as isize + delta;
                if target >= self.rows.len() as isize && self.more_after {
                    if !self.extend_after(store)? {
                        break;
                    }
                } else if target < 0 && self.more_before {
                    if !self.extend_before(store)? {
                        break;
                    }
                } else {
                    break;
                }
            }
        }
        let max = self.rows.len().saturating_sub(1) as isize;
        self.cursor.selected =
            (self.cursor.selected as isize + delta).clamp(0, max.max(0)) as usize;
        self.keep_margin(store)
    }

    /// Keeps [`MARGIN`] rows loaded on each side of the selection where the index has them.
    fn keep_margin(&mut self, store: &Store) -> Result<()> {
        if !self.windowed() {
            return Ok(());
        }
        while self.more_after && self.cursor.selected + MARGIN >= self.rows.len() {
            if !self.extend_after(store)? {
                break;
            }
        }
        while self.more_before && self.cursor.selected < MARGIN {
            if !self.extend_before(store)? {
                break;
            }
        }
        Ok(())
    }

    /// The first row of the timeline.
    pub fn first(&mut self, store: &Store) -> Result<()> {
        if self.windowed() {
            let axis = self.axis;
            let (items, more) = rows::read(
                store,
                axis,
                &mut self.names,
                store.timeline(axis, None, None),
                CHUNK,
            )?;
            self.set_window(Vec::new(), items, (false, more));
        }
        self.cursor.selected = 0;
        self.cursor.offset = 0;
        Ok(())
    }

    /// The last row of the timeline.
    pub fn last(&mut self, store: &Store) -> Result<()> {
        if self.windowed() {
            let axis = self.axis;
            let (items, more) = rows::read(
                store,
                axis,
                &mut self.names,
                store.timeline(axis, None, None).rev(),
                CHUNK,
            )?;
            self.set_window(items, Vec::new(), (more, false));
        }
        self.cursor.selected = self.rows.len().saturating_sub(1);
        // the view settles with the last row at the bottom
        self.cursor.offset = 0;
        Ok(())
    }

    /// Selects the first row at or after `at` (the last row when none is); returns
    /// whether one was at or after it.
    pub fn jump(&mut self, store: &Store, at: NaiveDateTime) -> Result<bool> {
        if self.windowed() {
            self.fill_at(store, at, None)?;
        } else {
            self.cursor.selected = self
                .rows
                .iter()
                .position(|r| r.at() >= at)
                .unwrap_or(self.rows.len().saturating_sub(1));
            self.cursor.offset = self.cursor.selected.saturating_sub(2);
        }
        Ok(self.selected_row().is_some_and(|r| r.at() >= at))
    }
}
