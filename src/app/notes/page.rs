//! Reading notes a page at a time, in the pane's order and through its filter, so the
//! Notes pane never holds every note.
//!
//! Every note has a [`Rank`] in the current order (smaller is higher on screen), and a
//! read continues strictly after (or before) a rank: keyset paging. Newest-first walks
//! note numbers downwards (numbers are handed out in recorded order), probing the note
//! tree by key. Occurred order walks the occurred-time index (notes only; dated links
//! share it), newest event first, then the notes without `when` by number. With a tag
//! filter the tag index gives the candidates: a tag on few notes is read whole and
//! sorted in memory. Grade and source filters, and the undated notes, are found by
//! decoding candidates one by one (a scan), so each read stops after [`SCAN_BUDGET`]
//! candidates or [`SCAN_TIME`], whichever comes first, and says where it stopped; the
//! next keypress carries on from there.

use crate::model::{Grade, Id, Kind, Note, Record, When};
use crate::store::{Result, Store, TimeAxis};
use chrono::{DateTime, NaiveDateTime, Utc};
use std::time::{Duration, Instant};

/// Candidates one read may look at before it stops and reports where.
pub const SCAN_BUDGET: usize = 200_000;

/// How long one read may scan: a keypress stays interactive on a million notes, whose
/// random reads in occurred order cost tens of microseconds each.
pub const SCAN_TIME: Duration = Duration::from_millis(150);

/// A tag carried by at most this many notes is read whole and sorted in memory.
pub const SMALL_TAG: usize = 20_000;

/// The order of the list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Order {
    /// Newest recorded first.
    #[default]
    Newest,
    /// Newest occurred (`when`) first, then the notes without `when`.
    Occurred,
}

impl Order {
    pub fn describe(self) -> &'static str {
        match self {
            Order::Newest => "newest recorded first",
            Order::Occurred => "by occurred time, latest first; undated last",
        }
    }
}

/// A note's place in an order: (section, minus occurred seconds, `u64::MAX` minus its
/// number). Smaller sorts higher on screen.
pub type Rank = (u8, i64, u64);

pub fn rank(order: Order, id: Id, when: Option<&When>) -> Rank {
    let n = u64::MAX - id.num;
    match (order, when) {
        (Order::Newest, _) => (0, 0, n),
        (Order::Occurred, Some(w)) => (0, -w.sort_key(), n),
        (Order::Occurred, None) => (1, 0, n),
    }
}

/// The rank just above `r`: reading strictly after it includes `r` itself.
pub fn just_above(r: Rank) -> Rank {
    (r.0, r.1, r.2.saturating_sub(1))
}

fn num_of(r: Rank) -> u64 {
    u64::MAX - r.2
}

fn instant(seconds: i64) -> NaiveDateTime {
    DateTime::<Utc>::from_timestamp(seconds, 0)
        .map(|d| d.naive_utc())
        .unwrap_or_default()
}

/// What the list shows of a note.
#[derive(Debug, Clone, PartialEq)]
pub struct NoteRow {
    pub id: Id,
    pub rank: Rank,
    pub title: String,
    pub grade: Option<Grade>,
    pub when: Option<When>,
    pub source: String,
    pub tags: Vec<String>,
}

impl NoteRow {
    pub fn of(n: &Note, order: Order) -> NoteRow {
        NoteRow {
            id: n.meta.id,
            rank: rank(order, n.meta.id, n.when.as_ref()),
            title: crate::model::text::title_line(&n.text),
            grade: n.grade,
            when: n.when,
            source: n.source.clone(),
            tags: n.meta.tags.clone(),
        }
    }
}

/// Where a read stopped at one end of the window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum More {
    /// Nothing lies beyond.
    #[default]
    No,
    /// Notes strictly beyond this rank have not been read.
    From(Rank),
}

/// The rows one read found, top to bottom, and where it stopped.
#[derive(Debug, Clone, PartialEq)]
pub struct Batch {
    pub rows: Vec<NoteRow>,
    pub more: More,
    /// The read stopped at its scan budget, not because it had enough rows.
    pub paused: bool,
}

/// Collects matching notes from candidates until it has enough or runs out of budget.
struct Scan<'a> {
    filter: &'a super::NoteFilter,
    order: Order,
    want: usize,
    budget: usize,
    deadline: Instant,
    seen: usize,
    rows: Vec<NoteRow>,
    last: Option<Rank>,
}

impl Scan<'_> {
    /// Offers one candidate; true when the read should stop.
    fn offer(&mut self, rank: Rank, rec: Option<Record>, undated_only: bool) -> bool {
        self.last = Some(rank);
        self.budget = self.budget.saturating_sub(1);
        self.seen += 1;
        if self.seen.is_multiple_of(256) && Instant::now() >= self.deadline {
            self.budget = 0;
        }
        if let Some(Record::Note(n)) = rec {
            if (!undated_only || n.when.is_none()) && self.filter.keeps(&n) {
                self.rows.push(NoteRow::of(&n, self.order));
            }
        }
        self.rows.len() >= self.want || self.budget == 0
    }

    fn finish(self, stopped: bool, upwards: bool) -> Batch {
        let paused = stopped && self.rows.len() < self.want;
        let more = match (stopped, self.last) {
            (true, Some(r)) => More::From(r),
            _ => More::No,
        };
        let mut rows = self.rows;
        if upwards {
            rows.reverse();
        }
        Batch { rows, more, paused }
    }
}

/// Reads pages of notes for one order and filter.
pub struct Reader<'a> {
    pub store: &'a Store,
    pub order: Order,
    pub filter: &'a super::NoteFilter,
    /// Candidates one read may look at ([`SCAN_BUDGET`] unless a test lowers it).
    pub budget: usize,
    /// Time one read may scan ([`SCAN_TIME`]).
    pub time: Duration,
}

impl Reader<'_> {
    fn scan(&self, want: usize) -> Scan<'_> {
        Scan {
            filter: self.filter,
            order: self.order,
            want: want.max(1),
            budget: self.budget.max(1),
            deadline: Instant::now() + self.time,
            seen: 0,
            rows: Vec::new(),
            last: None,
        }
    }

    fn top_num(&self) -> u64 {
        self.store
            .state()
            .next
            .get(&Kind::Note.letter())
            .copied()
            .unwrap_or(1)
            .saturating_sub(1)
    }

    /// The whole filtered list, sorted, when a tag narrows it to few notes; `None` when
    /// there is no tag filter or the tag is on too many notes to read whole.
    pub fn small_tag(&self) -> Result<Option<Vec<NoteRow>>> {
        let Some(tag) = self.filter.tags.first() else {
            return Ok(None);
        };
        let ids: Vec<Id> = self
            .store
            .tagged(tag)?
            .into_iter()
            .filter(|i| i.kind == Kind::Note)
            .collect();
        if ids.len() > SMALL_TAG {
            return Ok(None);
        }
        let mut rows = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(Record::Note(n)) = self.store.get(id)? {
                if self.filter.keeps(&n) {
                    rows.push(NoteRow::of(&n, self.order));
                }
            }
        }
        rows.sort_by_key(|r| r.rank);
        Ok(Some(rows))
    }

    /// Up to `want` rows strictly below `after` (from the top when `None`).
    pub fn down(&self, after: Option<Rank>, want: usize) -> Result<Batch> {
        let mut s = self.scan(want);
        let stopped = match (self.order, after) {
            (Order::Newest, a) => {
                let hi = a
                    .map(|r| num_of(r).saturating_sub(1))
                    .unwrap_or(self.top_num());
                self.ids_down(&mut s, 0, hi)?
            }
            (Order::Occurred, Some(r)) if r.0 == 1 => {
                self.ids_down(&mut s, 1, num_of(r).saturating_sub(1))?
            }
            (Order::Occurred, a) => {
                self.dated_down(&mut s, a)? || self.ids_down(&mut s, 1, self.top_num())?
            }
        };
        Ok(s.finish(stopped, false))
    }

    /// Up to `want` rows strictly above `before` (from the bottom when `None`), returned
    /// top to bottom.
    pub fn up(&self, before: Option<Rank>, want: usize) -> Result<Batch> {
        let mut s = self.scan(want);
        let stopped = match (self.order, before) {
            (Order::Newest, b) => self.ids_up(&mut s, 0, b.map(|r| num_of(r) + 1).unwrap_or(1))?,
            (Order::Occurred, Some(r)) if r.0 == 0 => self.dated_up(&mut s, Some(r))?,
            (Order::Occurred, b) => {
                let lo = b.map(|r| num_of(r) + 1).unwrap_or(1);
                self.ids_up(&mut s, 1, lo)? || self.dated_up(&mut s, None)?
            }
        };
        Ok(s.finish(stopped, true))
    }

    /// Up to `want` of the earliest dated notes (occurred order only), top to bottom:
    /// the bottom of the list when the undated notes below them are still unread.
    pub fn dated_bottom(&self, want: usize) -> Result<Batch> {
        let mut s = self.scan(want);
        let stopped = self.dated_up(&mut s, None)?;
        Ok(s.finish(stopped, true))
    }

    /// Note numbers from `hi` down to 1, probed by key. True when the scan stopped.
    fn ids_down(&self, s: &mut Scan, section: u8, hi: u64) -> Result<bool> {
        for num in (1..=hi).rev() {
            let id = Id::new(Kind::Note, num);
            if s.offer(
                (section, 0, u64::MAX - num),
                self.store.get(id)?,
                section == 1,
            ) {
                return Ok(true);
            }
        }
        Ok(false)
    }

    fn ids_up(&self, s: &mut Scan, section: u8, lo: u64) -> Result<bool> {
        for num in lo..=self.top_num() {
            let id = Id::new(Kind::Note, num);
            if s.offer(
                (section, 0, u64::MAX - num),
                self.store.get(id)?,
                section == 1,
            ) {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Dated notes below `after`, latest event first, from the occurred-time index.
    fn dated_down(&self, s: &mut Scan, after: Option<Rank>) -> Result<bool> {
        let to = after.map(|r| instant(-r.1));
        for entry in self.store.timeline(TimeAxis::Occurred, None, to).rev() {
            let (at, id) = entry?;
            if id.kind != Kind::Note {
                continue;
            }
            let t = at.and_utc().timestamp();
            if let Some(a) = after {
                if !(t < -a.1 || (t == -a.1 && id.num < num_of(a))) {
                    continue;
                }
            }
            if s.offer((0, -t, u64::MAX - id.num), self.store.get(id)?, false) {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Dated notes above `before`, nearest first.
    fn dated_up(&self, s: &mut Scan, before: Option<Rank>) -> Result<bool> {
        let from = before.map(|r| instant(-r.1));
        for entry in self.store.timeline(TimeAxis::Occurred, from, None) {
            let (at, id) = entry?;
            if id.kind != Kind::Note {
                continue;
            }
            let t = at.and_utc().timestamp();
            if let Some(b) = before {
                if !(t > -b.1 || (t == -b.1 && id.num > num_of(b))) {
                    continue;
                }
            }
            if s.offer((0, -t, u64::MAX - id.num), self.store.get(id)?, false) {
                return Ok(true);
            }
        }
        Ok(false)
    }
}
