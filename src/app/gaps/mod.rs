//! Gaps pane state (pane 7): the gap hunter's suggestions, grouped by the priority of
//! the questions they serve and by rule.
//!
//! Order (the run's, `analysis::run`): the priority of the open questions a
//! suggestion's records serve (P1 first, those serving none last), then the rule table
//! (`analysis::RULES`, most useful kind of gap first), then the rule's weight (how many
//! notes, days or pieces of evidence are behind it), then the key. A group is a run of
//! one priority and one rule; `]` and `[` jump between groups.
//!
//! The rules never run on the input thread. The pane asks its [`Worker`] for a run
//! when it is first shown, and again when it is shown after a commit (a commit made in
//! another pane waits until the pane is back on screen); the result comes back
//! over a channel and is taken in by [`GapsState::take_result`], which the run loop
//! calls while a run is pending (see `run`). Plain data otherwise.

mod keys;
pub mod worker;

pub use worker::{GapRun, Worker};

use super::cx::{Cx, Event};
use super::pane::{ListCursor, Move, PaneView};
use crate::analysis::Suggestion;
use crate::commands::Command;
use crate::model::Id;
use crate::store::{Result, Store};

/// Rows below the list: the selected suggestion in full.
pub const DETAIL_ROWS: usize = 7;
/// Rows above the list: the counts line.
pub const HEADER_ROWS: usize = 1;
/// Triggers whose titles are read for the detail (a dangling mention may name many).
const TITLES_MAX: usize = 40;

/// One line of the list: a group's heading (the priority its suggestions serve, their
/// rule, how many), or a suggestion (its index in the list on show).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Row {
    Group {
        priority: Option<u8>,
        rule: &'static str,
        count: usize,
    },
    Item(usize),
}

/// The steps of this pane's prompts.
#[derive(Debug, Clone, PartialEq)]
pub enum GapsFlow {
    /// The reason for dismissing this suggestion (key, rule, fingerprint), as typed.
    Dismiss {
        key: String,
        rule: &'static str,
        fingerprint: String,
    },
}

/// Where the pane's run stands.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum RunState {
    /// Not asked for yet: the pane has not been shown.
    #[default]
    NotRun,
    /// A run is under way; the previous result (if any) stays on show meanwhile.
    Running,
    Ready,
    Failed(String),
}

/// The pane's state, as the registration in `panes.rs` names it.
pub type State = GapsState;

/// The Gaps pane.
#[derive(Debug, Default)]
pub struct GapsState {
    pub worker: Worker,
    pub run: GapRun,
    pub state: RunState,
    /// Shows the suggestions dismissed or accepted (unchanged since) instead.
    pub show_dealt: bool,
    pub rows: Vec<Row>,
    pub cursor: ListCursor,
    /// The open trigger list: the selected trigger's position in it.
    pub triggers: Option<usize>,
    /// The selected suggestion's triggers with their titles, as last read.
    pub titles: Vec<(Id, String)>,
    /// The question of highest priority the selected suggestion serves, with its title.
    pub served: Option<(Id, String)>,
    titles_for: Option<String>,
    /// Results taken in so far: 0 until the first run ends.
    pub runs: u64,
    /// A change was committed since the last run was asked for: run again when the
    /// pane is next on screen (never while the analyst works elsewhere).
    outdated: bool,
}

impl GapsState {
    /// The suggestions on show: the open ones, or the ones dealt with.
    pub fn list(&self) -> &[Suggestion] {
        if self.show_dealt {
            &self.run.dealt
        } else {
            &self.run.open
        }
    }

    /// The selected suggestion.
    pub fn current(&self) -> Option<&Suggestion> {
        match self.rows.get(self.cursor.selected) {
            Some(Row::Item(i)) => self.list().get(*i),
            _ => None,
        }
    }

    /// The trigger the record keys act on: the one selected in the open trigger list,
    /// else the suggestion's first.
    pub fn trigger(&self) -> Option<Id> {
        let s = self.current()?;
        s.triggers.get(self.triggers.unwrap_or(0)).copied()
    }

    /// Asks for a run on the store as it is now. Without a worker thread (it could not
    /// start) the rules run here instead.
    pub fn request(&mut self, store: &Store) {
        self.state = RunState::Running;
        if let Err(reader) = self.worker.request(store.gap_reader()) {
            let r = GapRun::compute(&reader);
            self.take(r);
        }
    }

    /// Takes in the newest run's result if it has arrived; returns whether it had.
    pub fn take_result(&mut self) -> bool {
        match self.worker.poll() {
            Some(r) => {
                self.take(r);
                true
            }
            None => false,
        }
    }

    /// Waits for the pending run's result and takes it in (tests; `weft` never blocks
    /// on it). Returns whether a result came within `limit`.
    pub fn wait_result(&mut self, limit: std::time::Duration) -> bool {
        match self.worker.wait(limit) {
            Some(r) => {
                self.take(r);
                true
            }
            None => false,
        }
    }

    fn take(&mut self, r: std::result::Result<GapRun, String>) {
        match r {
            Ok(run) => {
                let keep = self.current().map(|s| s.key.clone());
                self.run = run;
                self.runs += 1;
                self.state = RunState::Ready;
                self.rebuild();
                if let Some(k) = keep {
                    self.select(&k);
                }
            }
            Err(e) => self.state = RunState::Failed(e),
        }
    }

    /// Lays out the rows of the list on show: a heading per run of one priority and
    /// one rule with its count, then its suggestions, in the order the run gave them.
    pub fn rebuild(&mut self) {
        let mut rows = Vec::new();
        let list = self.list();
        let mut i = 0;
        while i < list.len() {
            let (rule, priority) = (list[i].rule, list[i].priority);
            let n = list[i..]
                .iter()
                .take_while(|s| s.rule == rule && s.priority == priority)
                .count();
            rows.push(Row::Group {
                priority,
                rule,
                count: n,
            });
            rows.extend((i..i + n).map(Row::Item));
            i += n;
        }
        self.rows = rows;
        self.cursor.clamp(self.rows.len());
        self.go_rows(0);
        self.triggers = None;
        self.titles_for = None;
    }

    /// Selects the suggestion with `key` if it is on show.
    pub fn select(&mut self, key: &str) -> bool {
        let list = self.list();
        let at = self
            .rows
            .iter()
            .position(|r| matches!(r, Row::Item(i) if list[*i].key == key));
        if let Some(a) = at {
            self.cursor.selected = a;
        }
        at.is_some()
    }

    fn go_rows(&mut self, delta: isize) {
        let rows = &self.rows;
        self.cursor
            .step_over(delta, rows.len(), |i| matches!(rows[i], Row::Item(_)));
    }

    /// Rows the list gets in a pane of `height` rows.
    pub fn list_rows(height: usize) -> usize {
        height.saturating_sub(DETAIL_ROWS + HEADER_ROWS).max(1)
    }

    /// Reads the titles of the selected suggestion's triggers when the selection moved.
    fn read_titles(&mut self, store: &Store) -> Result<()> {
        let Some(s) = self.current() else {
            self.titles.clear();
            self.served = None;
            self.titles_for = None;
            return Ok(());
        };
        if self.titles_for.as_deref() == Some(s.key.as_str()) {
            return Ok(());
        }
        let (key, triggers, serves) =
            (s.key.clone(), s.triggers.clone(), s.serves.first().copied());
        self.served = match serves {
            Some(q) => store.get(q)?.map(|r| (q, r.title())),
            None => None,
        };
        let mut titles = Vec::new();
        for id in triggers.into_iter().take(TITLES_MAX) {
            let title = match store.get(id)? {
                Some(crate::model::Record::Entity(e)) => format!("{} ({})", e.name, e.kind),
                Some(r) => super::wording::name_of(&r),
                None => "(deleted)".to_string(),
            };
            titles.push((id, title));
        }
        self.titles = titles;
        self.titles_for = Some(key);
        Ok(())
    }
}

impl PaneView for GapsState {
    /// Nothing is read at start: the first run is asked for when the pane is shown.
    fn open(_store: &Store) -> Result<Self> {
        Ok(GapsState::default())
    }

    fn on_command(&mut self, cmd: Command, cx: &mut Cx) {
        self.apply_gaps(cx, cmd)
    }

    fn on_flow(&mut self, step: &super::overlay::Step, value: String, cx: &mut Cx) {
        if let Some(f) = step.value::<GapsFlow>() {
            self.finish_gaps(cx, f.clone(), value)
        }
    }

    fn on_event(&mut self, event: &Event, cx: &mut Cx) -> bool {
        match event {
            Event::GapDealt(key) => {
                self.gaps_move(key, true);
                // every pane may hear of it
                false
            }
            Event::Show(id) if id.kind == crate::model::Kind::Dismissal => {
                cx.info(format!("{id} is a dismissed gap: see the Gaps pane"));
                true
            }
            _ => false,
        }
    }

    /// A run of the rules under way on the worker.
    fn background_pending(&self) -> bool {
        self.worker.pending()
    }

    fn take_background(&mut self, _store: &Store, wait: std::time::Duration) -> Result<bool> {
        Ok(if wait.is_zero() {
            self.take_result()
        } else {
            self.wait_result(wait)
        })
    }

    /// A suggestion asks its own question: `Q` accepts it.
    fn proposed_question(&self) -> Option<(String, crate::app::ask::AskDraft)> {
        self.accept_draft()
    }

    fn go(&mut self, _store: &Store, m: Move) -> Result<()> {
        let delta = m.delta(self.cursor.page());
        let n = self.current().map(|s| s.triggers.len());
        match (&mut self.triggers, n) {
            (Some(t), Some(n)) => {
                let max = n.saturating_sub(1) as isize;
                *t = (*t as isize).saturating_add(delta).clamp(0, max) as usize;
            }
            _ => self.go_rows(delta),
        }
        Ok(())
    }

    fn selected(&self) -> Option<Id> {
        self.trigger()
    }

    fn nothing_selected(&self) -> &'static str {
        "no suggestion selected"
    }

    fn filter_description(&self) -> String {
        if self.show_dealt {
            "dismissed or accepted (z shows the open ones)".into()
        } else {
            String::new()
        }
    }

    /// Every commit may open or close a gap: once the pane has been shown, each one
    /// asks for a new run (a run still under way becomes stale).
    fn on_committed(&mut self, _store: &Store, _done: &crate::store::Committed) -> Result<()> {
        if self.state != RunState::NotRun {
            self.outdated = true;
        }
        Ok(())
    }

    /// `height` is the pane's rows below its header line.
    fn keep_in_view(&mut self, height: usize) {
        let h = Self::list_rows(height + HEADER_ROWS);
        let at = self.cursor.selected;
        let top = match at.checked_sub(1).and_then(|p| self.rows.get(p)) {
            Some(Row::Group { .. }) => at - 1,
            _ => at,
        };
        self.cursor.keep_in_view(h, self.rows.len(), top);
    }

    /// The first showing asks for the first run; every showing takes in a result that
    /// has arrived and reads the selected suggestion's trigger titles.
    fn on_shown(&mut self, store: &Store, _width: usize) -> Result<()> {
        if self.state == RunState::NotRun || std::mem::take(&mut self.outdated) {
            self.request(store);
        }
        self.take_result();
        self.read_titles(store)
    }
}
