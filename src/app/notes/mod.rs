//! Notes pane state: a window of rows over the notes in the chosen order and filter,
//! read a page at a time (see [`page`]), the selection, and the open detail view. Plain
//! data; no terminal types.

mod actions;
mod detail;
pub mod filter;
pub mod page;

pub use actions::{flow, NotesFlow};
pub use detail::{wrap, NoteDetail};
pub use filter::{GradePattern, NoteFilter, FILTER_HINT};
pub use page::{More, NoteRow, Order, Rank};

use super::cx::{Cx, Event};
use super::overlay::Step;
use super::pane::{ListCursor, Move, PaneView};
use crate::commands::Command;
use crate::model::{Id, Kind, Record};
use crate::store::{Result, Store};
use page::{just_above, rank, Reader};

/// The pane's state, as the registration in `panes.rs` names it.
pub type State = NotesState;

/// The Notes pane: its order, filter, window of rows, selection and open detail.
#[derive(Debug, Default)]
pub struct NotesState {
    pub order: Order,
    pub filter: NoteFilter,
    /// The window of rows read so far, top to bottom.
    pub rows: Vec<NoteRow>,
    /// Whether more notes lie above the first row and below the last.
    pub above: More,
    pub below: More,
    /// The last read stopped at its scan budget before finding a page.
    pub paused: bool,
    /// The selection, the first row on screen and the rows on screen.
    pub cursor: ListCursor,
    /// Candidates one read may decode before it stops (see [`page::SCAN_BUDGET`]).
    pub scan_budget: usize,
    /// Time one read may scan (see [`page::SCAN_TIME`]).
    pub scan_time: std::time::Duration,
    pub detail: Option<NoteDetail>,
}

impl NotesState {
    /// Reads the first page, newest first.
    pub fn load(store: &Store) -> Result<Self> {
        let mut s = NotesState {
            cursor: ListCursor {
                height: 20,
                ..ListCursor::default()
            },
            scan_budget: page::SCAN_BUDGET,
            scan_time: page::SCAN_TIME,
            ..NotesState::default()
        };
        s.reload_top(store)?;
        Ok(s)
    }

    fn reader<'a>(&'a self, store: &'a Store) -> Reader<'a> {
        Reader {
            store,
            order: self.order,
            filter: &self.filter,
            budget: self.scan_budget,
            time: self.scan_time,
        }
    }

    /// Rows per read.
    fn page(&self) -> usize {
        (self.cursor.height * 2).max(64)
    }

    /// The most rows the window keeps.
    fn cap(&self) -> usize {
        self.page() * 4
    }

    /// Replaces the window with a whole (small) list.
    fn set_all(&mut self, rows: Vec<NoteRow>) {
        self.rows = rows;
        self.above = More::No;
        self.below = More::No;
        self.paused = false;
    }

    /// Reads from the top of the order.
    pub fn reload_top(&mut self, store: &Store) -> Result<()> {
        if let Some(all) = self.reader(store).small_tag()? {
            self.set_all(all);
        } else {
            let b = self.reader(store).down(None, self.page())?;
            self.rows = b.rows;
            self.above = More::No;
            self.below = b.more;
            self.paused = b.paused;
        }
        self.cursor.selected = 0;
        self.cursor.offset = 0;
        Ok(())
    }

    /// Reads the bottom of the order and selects the last row.
    pub fn reload_bottom(&mut self, store: &Store) -> Result<()> {
        if let Some(all) = self.reader(store).small_tag()? {
            self.set_all(all);
        } else {
            let r = self.reader(store);
            let b = r.up(None, self.page())?;
            if b.rows.is_empty() && b.paused && self.order == Order::Occurred {
                // Undated notes are found only by scanning, and the scan found none yet:
                // show the earliest dated notes, with the undated ones still to read below.
                let d = r.dated_bottom(self.page())?;
                self.rows = d.rows;
                self.above = d.more;
                self.below = match self.rows.last() {
                    Some(last) => More::From(last.rank),
                    None => b.more,
                };
                self.paused = true;
            } else {
                self.rows = b.rows;
                self.above = b.more;
                self.below = More::No;
                self.paused = b.paused;
            }
        }
        self.cursor.selected = self.rows.len().saturating_sub(1);
        self.cursor.offset = self.cursor.selected;
        Ok(())
    }

    /// Reads a window around `at`, selecting `keep` if it is there (else the first row
    /// at or below `at`), at the same height on screen as the selection was.
    pub fn reload_at(&mut self, store: &Store, at: Rank, keep: Option<Id>) -> Result<()> {
        let on_screen = self.cursor.selected.saturating_sub(self.cursor.offset);
        let first_below;
        if let Some(all) = self.reader(store).small_tag()? {
            first_below = all.iter().position(|r| r.rank >= at).unwrap_or(all.len());
            self.set_all(all);
        } else {
            let r = self.reader(store);
            let up = r.up(Some(at), self.page() / 2)?;
            let down = r.down(Some(just_above(at)), self.page())?;
            first_below = up.rows.len();
            self.rows = up.rows;
            self.rows.extend(down.rows);
            self.above = up.more;
            self.below = down.more;
            self.paused = down.paused;
        }
        self.cursor.selected = keep
            .and_then(|id| self.rows.iter().position(|r| r.id == id))
            .unwrap_or(first_below)
            .min(self.rows.len().saturating_sub(1));
        self.cursor.offset = self.cursor.selected.saturating_sub(on_screen);
        Ok(())
    }

    /// Reads the next page below the window; returns how many rows were dropped from
    /// its top to keep it bounded.
    fn extend_down(&mut self, store: &Store) -> Result<usize> {
        let More::From(after) = self.below else {
            return Ok(0);
        };
        let b = self.reader(store).down(Some(after), self.page())?;
        self.rows.extend(b.rows);
        self.below = b.more;
        self.paused = b.paused;
        let over = self.rows.len().saturating_sub(self.cap());
        let drop = over.min(self.cursor.offset.min(self.cursor.selected));
        if drop > 0 {
            self.rows.drain(..drop);
            self.above = More::From(self.rows[0].rank);
            self.cursor.selected -= drop;
            self.cursor.offset -= drop;
        }
        Ok(drop)
    }

    /// Reads the page above the window; returns how many rows were added above.
    fn extend_up(&mut self, store: &Store) -> Result<usize> {
        let More::From(before) = self.above else {
            return Ok(0);
        };
        let b = self.reader(store).up(Some(before), self.page())?;
        let added = b.rows.len();
        let mut rows = b.rows;
        rows.append(&mut self.rows);
        self.rows = rows;
        self.above = b.more;
        self.paused = b.paused;
        self.cursor.selected += added;
        self.cursor.offset += added;
        let keep = self.cap().max(self.cursor.offset + self.cursor.height + 1);
        if self.rows.len() > keep {
            self.rows.truncate(keep);
            if let Some(last) = self.rows.last() {
                self.below = More::From(last.rank);
            }
        }
        Ok(added)
    }

    /// Moves the selection by `delta` rows, reading further pages as it goes (a read
    /// that stops at its scan budget ends the move; the next key carries on).
    pub fn move_by(&mut self, store: &Store, delta: isize) -> Result<()> {
        if let Some(d) = &mut self.detail {
            detail::move_detail(d, delta);
            return Ok(());
        }
        let mut target = self.cursor.selected as isize + delta;
        while target >= self.rows.len() as isize && matches!(self.below, More::From(_)) {
            target -= self.extend_down(store)? as isize;
            if self.paused {
                break;
            }
        }
        while target < 0 && matches!(self.above, More::From(_)) {
            target += self.extend_up(store)? as isize;
            if self.paused {
                break;
            }
        }
        let max = self.rows.len().saturating_sub(1) as isize;
        self.cursor.selected = target.clamp(0, max.max(0)) as usize;
        if self.cursor.selected + self.cursor.height >= self.rows.len() && !self.paused {
            self.extend_down(store)?;
        }
        Ok(())
    }

    pub fn first(&mut self, store: &Store) -> Result<()> {
        if let Some(d) = &mut self.detail {
            d.related.cursor = 0;
            d.scroll = 0;
            return Ok(());
        }
        if self.above == More::No {
            self.cursor.selected = 0;
            Ok(())
        } else {
            self.reload_top(store)
        }
    }

    pub fn last(&mut self, store: &Store) -> Result<()> {
        if let Some(d) = &mut self.detail {
            d.related.cursor = d.related.items.len().saturating_sub(1);
            d.scroll = usize::MAX / 2;
            return Ok(());
        }
        if self.below == More::No {
            self.cursor.selected = self.rows.len().saturating_sub(1);
            Ok(())
        } else {
            self.reload_bottom(store)
        }
    }

    /// Keeps the selection inside a window of `height` rows (and remembers the height,
    /// which sets the size of a read).
    pub fn scroll_into_view(&mut self, height: usize) {
        let at = self.cursor.selected;
        self.cursor.keep_in_view(height, self.rows.len(), at);
    }

    pub fn selected_row(&self) -> Option<&NoteRow> {
        self.rows.get(self.cursor.selected)
    }

    /// The record the record-scope keys act on: the open or selected note.
    pub fn selected_record(&self) -> Option<Id> {
        self.detail
            .as_ref()
            .map(|d| d.id())
            .or_else(|| self.selected_row().map(|r| r.id))
    }

    pub fn describe_filter(&self) -> String {
        self.filter.describe()
    }

    /// Re-reads the window when notes changed (keeping the selected note selected) and
    /// the open detail when its note, one of its links or linked records changed.
    pub fn refresh(&mut self, store: &Store, ids: &[Id]) -> Result<()> {
        if ids.iter().any(|i| i.kind == Kind::Note) {
            match self.selected_row().map(|r| (r.id, r.rank)) {
                Some((id, old)) => {
                    let at = match store.get(id)? {
                        Some(Record::Note(n)) => rank(self.order, id, n.when.as_ref()),
                        _ => old,
                    };
                    self.reload_at(store, at, Some(id))?;
                }
                None => self.reload_top(store)?,
            }
        }
        let Some(d) = &mut self.detail else {
            return Ok(());
        };
        let me = d.id();
        if !d.related.touched(store, me, ids)? {
            return Ok(());
        }
        match store.get(me)? {
            Some(Record::Note(n)) => {
                d.note = n;
                d.related.reread(store, me)?;
            }
            _ => self.detail = None,
        }
        Ok(())
    }

    /// Switches between newest-first and occurred order, keeping the selected note.
    pub fn toggle_order(&mut self, store: &Store) -> Result<()> {
        self.order = match self.order {
            Order::Newest => Order::Occurred,
            Order::Occurred => Order::Newest,
        };
        self.select_note(store, self.selected_record())
    }

    /// Re-reads the window around a note (its rank in the current order), or from the
    /// top when there is none or it is gone.
    pub fn select_note(&mut self, store: &Store, id: Option<Id>) -> Result<()> {
        let note = match id {
            Some(id) => match store.get(id)? {
                Some(Record::Note(n)) => Some(n),
                _ => None,
            },
            None => None,
        };
        match note {
            Some(n) => {
                let at = rank(self.order, n.meta.id, n.when.as_ref());
                self.reload_at(store, at, Some(n.meta.id))
            }
            None => self.reload_top(store),
        }
    }
}

impl PaneView for NotesState {
    fn open(store: &Store) -> Result<Self> {
        NotesState::load(store)
    }

    fn on_command(&mut self, cmd: Command, cx: &mut Cx) {
        self.apply_notes(cx, cmd)
    }

    fn on_flow(&mut self, step: &Step, value: String, cx: &mut Cx) {
        if let Some(f) = step.value::<NotesFlow>() {
            self.finish_notes(cx, f.clone(), value)
        }
    }

    fn on_event(&mut self, event: &Event, cx: &mut Cx) -> bool {
        match event {
            Event::Show(id) if id.kind == Kind::Note => self.show_note(cx, *id),
            Event::Edit(id) if id.kind == Kind::Note => match self.notes_get(cx, *id) {
                Some(n) => cx.edit_long(
                    &format!("Edit {id}"),
                    n.text,
                    actions::flow(NotesFlow::Text(*id)),
                ),
                None => cx.error(format!("{id} does not exist")),
            },
            _ => return false,
        }
        true
    }

    /// Moves the selection (reading further pages as it goes), or in the detail view the
    /// cursor and then the text.
    fn go(&mut self, store: &Store, m: Move) -> Result<()> {
        let page = self.cursor.page() as isize;
        match (m, &mut self.detail) {
            (Move::PageDown | Move::PageUp, Some(d)) => {
                let by = if m == Move::PageDown { page } else { -page };
                d.scroll = (d.scroll as isize + by).max(0) as usize;
                Ok(())
            }
            (Move::First, _) => self.first(store),
            (Move::Last, _) => self.last(store),
            _ => self.move_by(store, m.delta(page as usize)),
        }
    }

    /// Keeps the detail's text scroll within the text as wrapped to the screen.
    fn on_shown(&mut self, _store: &Store, width: usize) -> Result<()> {
        if let Some(d) = &mut self.detail {
            let text = crate::model::text::sanitize_with(&d.note.text, true);
            let lines = wrap(&text, width.saturating_sub(2)).len();
            d.scroll = d.scroll.min(lines.saturating_sub(1));
        }
        Ok(())
    }

    fn selected(&self) -> Option<Id> {
        self.selected_record()
    }

    fn nothing_selected(&self) -> &'static str {
        "no note selected: a adds one"
    }

    fn filter_description(&self) -> String {
        self.describe_filter()
    }

    fn on_committed(&mut self, store: &Store, done: &crate::store::Committed) -> Result<()> {
        self.refresh(store, &done.ids)
    }

    fn keep_in_view(&mut self, height: usize) {
        self.scroll_into_view(height);
    }
}
