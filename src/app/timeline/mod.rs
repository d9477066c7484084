//! Timeline pane state: notes and dated links in occurred (or recorded) time order, the
//! zoom and density strip, and an optional focus on an entity, a question or a tag.
//!
//! Unfocused, the pane never holds the whole time index: it keeps a window of rows
//! around the selection, read from the index forwards and backwards from exact
//! positions, and reads on when the selection nears an edge. A focus gathers a small
//! set, read whole and sorted. The density strip counts only the buckets across the
//! screen, and is counted again only when the zoom, the axis, the data or the visible
//! range changes. Plain data; no terminal types.

mod filter;
mod keys;
pub mod rows;
pub mod time;
mod window;

use super::cx::{Cx, Event};
use super::overlay::{Flow, Step};
use super::pane::{ListCursor, Move, PaneView};
use super::wording;
use crate::commands::{Command, Scope};
use crate::model::{Id, Kind, Record};
use crate::store::timeline::BucketCount;
use crate::store::{Result, Store, TimeAxis};
use chrono::NaiveDate;
use rows::Names;
pub use rows::{Focus, Item, Quiet, Row};
pub use time::{Strip, Zoom};

/// Rows the pane draws above its list, under the pane header: the strip and its ruler.
pub const EXTRA_ROWS: usize = 2;
/// Quiet stretches longer than this many days are marked.
pub const QUIET_DAYS: i64 = 60;
/// Rows read at a time from the index.
const CHUNK: usize = 150;
/// Rows kept loaded beyond the selection before reading on.
const MARGIN: usize = 50;
/// The most rows the window holds.
const MAX_ROWS: usize = 450;
/// The most index entries read to count one bucket of the strip: past it the count is
/// shown as a lower bound, so a count costs the same however busy the period.
pub const COUNT_LIMIT: usize = 1500;

/// The steps of this pane's prompts and pickers.
#[derive(Debug, Clone, PartialEq)]
pub enum TimelineFlow {
    /// The date to jump to.
    Jump,
    /// The filter as typed.
    Filter,
    /// The entity chosen among several matching a typed name.
    PickEntity,
}

/// A box's flow that comes back to this pane as `f`.
fn flow(f: TimelineFlow) -> Flow {
    Flow::Pane(Step::new(Scope::Timeline, f))
}

/// The pane's state, as the registration in `panes.rs` names it.
pub type State = TimelineState;

#[derive(Debug)]
pub struct TimelineState {
    pub axis: TimeAxis,
    pub zoom: Zoom,
    pub focus: Option<Focus>,
    /// The focus as the status line shows it: "E2 Kyle Renshaw", "#telecoms".
    pub focus_label: String,
    pub rows: Vec<Row>,
    pub cursor: ListCursor,
    /// Unfocused: whether the index holds entries before the first row / after the last.
    pub more_before: bool,
    pub more_after: bool,
    pub strip: Strip,
    /// The threshold of quiet stretches, in days.
    pub quiet_days: i64,
    /// Buckets the strip spans (the screen width); set by the app.
    pub width: usize,
    /// What the strip was counted for; a mismatch or `stale` counts it again.
    strip_for: Option<(TimeAxis, Zoom, usize)>,
    /// The analyst chose the zoom (`[`, `]`): it is kept, not fitted to the data.
    zoom_chosen: bool,
    stale: bool,
    names: Names,
}

impl Default for TimelineState {
    fn default() -> Self {
        TimelineState {
            axis: TimeAxis::Occurred,
            zoom: Zoom::Month,
            focus: None,
            focus_label: String::new(),
            rows: Vec::new(),
            cursor: ListCursor::default(),
            more_before: false,
            more_after: false,
            strip: Strip::default(),
            quiet_days: QUIET_DAYS,
            width: 80,
            strip_for: None,
            zoom_chosen: false,
            stale: true,
            names: Names::default(),
        }
    }
}

impl TimelineState {
    /// Opens on the latest entries of occurred time. The density strip is counted when
    /// the pane first comes on screen (`on_shown`, which knows the width), not here: at
    /// a million records that count was most of the interface's start-up beyond opening
    /// the store.
    pub fn load(store: &Store) -> Result<Self> {
        let mut s = TimelineState::default();
        s.last(store)?;
        Ok(s)
    }

    /// Brings the rows in step after a change to `ids`, keeping the selection on the same
    /// record (read again at its new place) or, if it went, where it was.
    pub fn refresh(&mut self, store: &Store, ids: &[Id]) -> Result<()> {
        let about_question = matches!(self.focus, Some(Focus::Question(_)));
        let relevant = ids.iter().any(|i| match i.kind {
            Kind::Note | Kind::Link | Kind::Entity => true,
            Kind::Question | Kind::Hypothesis | Kind::Assessment => about_question,
            Kind::Expectation => false,
            Kind::Dismissal => false,
        });
        if !relevant {
            return Ok(());
        }
        if ids.iter().any(|i| i.kind == Kind::Entity) {
            self.names.clear();
        }
        if let Some(Focus::Entity(f) | Focus::Question(f)) = self.focus {
            if store.get(f)?.is_none() {
                self.focus = None;
                self.focus_label.clear();
            } else if ids.contains(&f) {
                // renamed or retitled: the status line follows
                self.focus_label = focus_label(store, self.focus.as_ref())?;
            }
        }
        let keep = self.selected_row().map(|r| (r.at(), r.id()));
        match keep {
            Some((at, id)) => self.reposition(store, at, id)?,
            None => self.last(store)?,
        }
        self.stale = true;
        self.sync_strip(store)
    }

    /// Keeps the selection inside a window of `height` rows (the pane's list height,
    /// of which the strip and ruler take [`EXTRA_ROWS`]).
    pub fn scroll_into_view(&mut self, height: usize) {
        let h = height.saturating_sub(EXTRA_ROWS);
        let at = self.cursor.selected;
        self.cursor.keep_in_view(h, self.rows.len(), at);
    }

    /// The selected note or link (a quiet stretch is not a record).
    pub fn selected_record(&self) -> Option<Id> {
        self.selected_row().and_then(Row::id)
    }

    pub fn describe_filter(&self) -> String {
        self.focus_label.clone()
    }

    pub fn selected_row(&self) -> Option<&Row> {
        self.rows.get(self.cursor.selected)
    }

    /// Unfocused, the rows are a window onto the time index.
    pub fn windowed(&self) -> bool {
        self.focus.is_none()
    }

    /// The first and last days of the data: of the rows when every row is held (a
    /// focus, or the whole of a small workspace), else the axis's first and last entries
    /// in the index (two reads).
    fn data_bounds(&self, store: &Store) -> Result<Option<(NaiveDate, NaiveDate)>> {
        if self.windowed() && (self.more_before || self.more_after) {
            let min = chrono::NaiveDateTime::MIN;
            let max = chrono::NaiveDateTime::MAX;
            let first = store
                .timeline_from(self.axis, min, None)
                .next()
                .transpose()?;
            let last = store
                .timeline_before(self.axis, max, None)
                .next()
                .transpose()?;
            return Ok(first.zip(last).map(|((a, _), (b, _))| (a.date(), b.date())));
        }
        let first = self.rows.iter().map(|r| r.span().0).min();
        let last = self.rows.iter().map(|r| r.span().1).max();
        Ok(first.zip(last))
    }

    /// The number of quiet-stretch rows shown.
    pub fn quiet_count(&self) -> usize {
        self.rows
            .iter()
            .filter(|r| matches!(r, Row::Quiet(_)))
            .count()
    }

    /// Switches between occurred and recorded time, keeping the selected record (or,
    /// when the new axis does not show it, the same moment).
    pub fn set_axis(&mut self, store: &Store, axis: TimeAxis) -> Result<()> {
        if axis == self.axis {
            return Ok(());
        }
        let keep = self.selected_row().map(|r| (r.at(), r.id()));
        self.axis = axis;
        match keep {
            Some((at, id)) => {
                self.rows.clear();
                self.reposition(store, at, id)?;
            }
            None => self.last(store)?,
        }
        self.stale = true;
        Ok(())
    }

    /// Narrows the timeline to a focus, or widens it again with `None` (keeping the
    /// selected record in view).
    pub fn set_focus(&mut self, store: &Store, focus: Option<Focus>) -> Result<()> {
        let keep = self.selected_row().map(|r| (r.at(), r.id()));
        self.focus_label = focus_label(store, focus.as_ref())?;
        self.focus = focus;
        self.stale = true;
        match (&self.focus, keep) {
            (Some(f), _) => {
                let f = f.clone();
                self.rows =
                    rows::focus_rows(store, self.axis, &mut self.names, &f, self.quiet_days)?;
                (self.more_before, self.more_after) = (false, false);
                self.cursor.selected = 0;
                self.cursor.offset = 0;
            }
            (None, Some((at, id))) => {
                self.rows.clear();
                self.reposition(store, at, id)?;
            }
            (None, None) => self.last(store)?,
        }
        Ok(())
    }

    /// Changes the zoom; the strip is counted again at the next sync. From then on the
    /// zoom is the analyst's: it is no longer fitted to the data.
    pub fn set_zoom(&mut self, zoom: Zoom) {
        self.zoom_chosen = true;
        self.zoom = zoom;
    }

    /// Counts the density strip again, whatever changed.
    pub fn recount(&mut self, store: &Store) -> Result<()> {
        self.stale = true;
        self.sync_strip(store)
    }

    /// Counts the density strip again if the zoom, axis, width or data changed, or the
    /// selection left the buckets it spans. Otherwise does nothing.
    pub fn sync_strip(&mut self, store: &Store) -> Result<()> {
        let Some((first, last)) = self.selected_row().map(Row::span) else {
            self.strip = Strip {
                zoom: self.zoom,
                ..Strip::default()
            };
            self.strip_for = None;
            return Ok(());
        };
        let n = self.width.max(1);
        let fits = |s: &Self| {
            s.strip_for == Some((s.axis, s.zoom, n)) && s.strip.bucket_of(first).is_some()
        };
        // a key that stays inside the strip costs nothing more (this runs on every key)
        if fits(self) && !self.stale {
            return Ok(());
        }
        // all the data in view (not a window of it): the finest zoom that holds it, the
        // data centred, unless the analyst chose a zoom
        let bounds = self.data_bounds(store)?;
        if let (false, Some((a, b))) = (self.zoom_chosen, bounds) {
            self.zoom = Zoom::fitting(a, b, n);
        }
        let want = Some((self.axis, self.zoom, n));
        let fits = fits(self);
        let start = match bounds {
            _ if fits => self.strip.start,
            Some((a, b)) if self.zoom.buckets(a, b) <= n as i64 => {
                let spare = n as i64 - self.zoom.buckets(a, b);
                self.zoom.step(self.zoom.start(a), -(spare / 2))
            }
            _ => {
                let mid = first + (last - first) / 2;
                self.zoom.step(self.zoom.start(mid), -(n as i64 / 2))
            }
        };
        let edges = Strip::edges(self.zoom, start, n);
        let counts = if self.windowed() {
            store.timeline_counts(self.axis, &edges, COUNT_LIMIT, |k| k == Kind::Note)?
        } else {
            let mut c = vec![BucketCount::default(); n];
            for r in &self.rows {
                match r {
                    Row::Item(it) if it.id.kind == Kind::Note => {
                        let i = edges.partition_point(|e| *e <= it.at);
                        if (1..=n).contains(&i) {
                            c[i - 1].count += 1;
                        }
                    }
                    _ => {}
                }
            }
            c
        };
        self.strip = Strip {
            zoom: self.zoom,
            start,
            counts,
        };
        self.strip_for = want;
        self.stale = false;
        Ok(())
    }
}

impl PaneView for TimelineState {
    fn open(store: &Store) -> Result<Self> {
        TimelineState::load(store)
    }

    fn on_command(&mut self, cmd: Command, cx: &mut Cx) {
        self.apply_timeline(cx, cmd)
    }

    fn on_flow(&mut self, step: &Step, value: String, cx: &mut Cx) {
        if let Some(f) = step.value::<TimelineFlow>() {
            self.finish_timeline(cx, f.clone(), value)
        }
    }

    fn on_event(&mut self, event: &Event, cx: &mut Cx) -> bool {
        match event {
            Event::ShowTimeline(id) => self.show_in_timeline(cx, *id),
            _ => return false,
        }
        true
    }

    /// Moves the selection, reading on at the window's edges.
    fn go(&mut self, store: &Store, m: Move) -> Result<()> {
        match m {
            Move::First => self.first(store),
            Move::Last => self.last(store),
            _ => self.move_by(store, m.delta(self.cursor.page())),
        }
    }

    /// The selected note or link (a quiet stretch is not a record).
    fn selected(&self) -> Option<Id> {
        self.selected_record()
    }

    /// A quiet stretch asks what its entity was doing in it.
    fn proposed_question(&self) -> Option<(String, crate::app::ask::AskDraft)> {
        let Some(Row::Quiet(q)) = self.selected_row() else {
            return None;
        };
        let title = wording::question_about_quiet(&q.name, q.from, q.to);
        let entity = format!("{} {}", q.entity, q.name);
        Some((
            title,
            crate::app::ask::AskDraft {
                about: vec![q.entity],
                kind: crate::model::Sees::Situation,
                detail: wording::quiet_detail(&entity, q.from, q.to, q.days),
                gap: q.gap.map(|(from, to)| crate::app::ask::GapKey {
                    key: crate::analysis::key(crate::analysis::QUIET_RULE, &[q.entity]),
                    rule: crate::analysis::QUIET_RULE,
                    fingerprint: crate::analysis::quiet_fingerprint(from, to),
                }),
            },
        ))
    }

    fn nothing_selected(&self) -> &'static str {
        "select a note or a link; Q on a quiet stretch asks what happened in it"
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

    /// The density strip has one bucket per column: refit it after a resize, and count
    /// it again when the view moved off it.
    fn on_shown(&mut self, store: &Store, width: usize) -> Result<()> {
        self.width = width.max(1);
        self.sync_strip(store)
    }
}

/// A focus as the status line shows it: "E2 Kyle Renshaw", "Q3 Who runs…", "#telecoms".
fn focus_label(store: &Store, focus: Option<&Focus>) -> Result<String> {
    Ok(match focus {
        None => String::new(),
        Some(Focus::Tag(t)) => format!("#{t}"),
        Some(Focus::Entity(id) | Focus::Question(id)) => {
            let title = match store.get(*id)? {
                Some(Record::Entity(e)) => e.name,
                Some(r) => crate::model::text::truncate(&r.title(), 40).into_owned(),
                None => String::new(),
            };
            format!("{id} {title}")
        }
    })
}
