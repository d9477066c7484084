//! The workspace store: the only module that touches sled.
//!
//! One tree per record kind (key: the id number, big-endian; value: the record as JSON),
//! one index tree (see [`index`]), the append-only journal and a meta tree holding the
//! schema version and the counters. Every operation gathers its whole change set first,
//! writes it in one multi-tree transaction together with its journal entries, index
//! deltas and counters, and flushes before it returns. Single-writer is guaranteed by
//! sled's file lock across processes and by `&mut self` within one.

mod ask;
pub mod bulk;
mod check;
mod commit;
pub mod compact;
mod copy;
mod error;
mod fold;
mod gapread;
mod gaps;
pub mod import;
pub mod index;
mod journal;
pub mod log;
mod matrix;
mod merge;
mod name;
mod open;
mod plan;
mod read;
mod recover;
mod refuse;
mod rules;
pub(crate) use rules::references;
mod salvage;
pub mod search;
pub mod shared;
pub mod table;
pub mod timeline;
mod upgrade;
mod window;
mod write;

pub use ask::Proposal;
pub use check::Problem;
pub use compact::Compacted;
pub use copy::remove_private_copies;
pub use error::{Result, StoreError};
pub use fold::Fold;
pub use gapread::GapReader;
pub use gaps::{
    dismissal_reason, period, EntityFacts, ExpectationFacts, GapInput, HypothesisFacts, LinkFacts,
    NoteFacts, QuestionFacts, CONCERNS,
};
pub use journal::JournalEntry;
use journal::Stored;
pub use name::{check_name, NAME_FILE};
pub use open::{default_workspace, resolve_workspace, OpenOptions, LOCK_FILE, SCAN_CACHE_BYTES};
pub use plan::{PlanItem, PlanKind};
pub use read::{rank, rescore, Direction, Neighbour, PathStep, SearchHit, TimeAxis};
pub use recover::Recovered;
pub use refuse::DAMAGE_FILE;
pub use window::{EntityPlace, TreeOrder};
pub use write::{NewEntity, NewLink, NewNote, NewQuestion};

use crate::model::{Id, Kind, Record, Sees, Status};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The largest id number (and counter) weft hands out or accepts: 2^53, so every id and
/// counter stays exact as a JSON number in any reader.
pub const MAX_ID: u64 = 1 << 53;

/// The schema this build writes. 2: journal entries in the journal tree keep where their
/// log line is, not their values; the index gained entries. 3: a note's or expectation's
/// short search text (`x`) holds a short text whole and marks a longer one. 4: journal
/// entries are written in a compact binary form (`journal/stored.rs`), packed 64 to a
/// key by compaction and import (`journal/blocks.rs`), and the index has no `x`; the
/// JSON entries of schema 3, a key each, are still read. A workspace of schema 1 or 2
/// is upgraded (rewritten, like a compaction, which derives the index afresh) when it
/// is first opened; one of schema 3 in place (its `x` entries removed). 5: an import
/// block of the journal log holds each record once, its creating entry pointing at the
/// record's line (`log/block.rs`); a workspace of schema 4 only has its version marked.
/// 6: every line of the journal log is framed (`log/frame.rs`: writer, the writer's line
/// number, the sum of the line before, its own sum); the lines of an older log stay as
/// they are, and the first framed line names their hash, so a workspace of schema 4 or 5
/// only has its version marked. 7: the index is packed, up to 64 entries to a key
/// (`index/packed.rs`), in a tree of its own (`ix`); the entries of an older workspace's
/// `index` tree are packed into it in place when it is first opened.
pub const SCHEMA_VERSION: u32 = 7;

const TREE_NAMES: [&str; 11] = [
    "Q", "H", "E", "N", "L", "A", "ix", "journal", "meta", "X", "D",
];
/// The tree where schemas 1 to 6 kept the index, an entry to a key.
const LEGACY_INDEX: &str = "index";
const INDEX: usize = 6;
const JOURNAL: usize = 7;
const META: usize = 8;
const STATE_KEY: &[u8] = b"state";
const SCHEMA_KEY: &[u8] = b"schema";

/// Counters kept beside the data so that no screen has to count by scanning.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct State {
    /// The next number to hand out, per kind letter. Numbers are never reused.
    pub next: BTreeMap<char, u64>,
    /// The next journal sequence number.
    pub seq: u64,
    /// Records per kind letter.
    pub counts: BTreeMap<char, u64>,
    /// Questions per status word.
    pub status: BTreeMap<String, u64>,
    /// Questions per SEES kind word.
    pub sees: BTreeMap<String, u64>,
    /// How many bytes of the journal log this database has applied: the log is written
    /// first, so on open anything past this offset is replayed (see [`log`]).
    #[serde(default)]
    pub log_len: u64,
}

impl State {
    pub fn count(&self, kind: Kind) -> u64 {
        self.counts.get(&kind.letter()).copied().unwrap_or(0)
    }

    pub fn status_count(&self, s: Status) -> u64 {
        self.status.get(s.as_str()).copied().unwrap_or(0)
    }

    pub fn sees_count(&self, s: Sees) -> u64 {
        self.sees.get(s.as_str()).copied().unwrap_or(0)
    }

    pub fn total(&self) -> u64 {
        self.counts.values().sum()
    }

    fn account(&mut self, rec: &Record, sign: i64) {
        let bump = |m: &mut u64| *m = m.saturating_add_signed(sign);
        bump(self.counts.entry(rec.id().kind.letter()).or_default());
        if let Record::Question(q) = rec {
            bump(self.status.entry(q.status.as_str().into()).or_default());
            bump(self.sees.entry(q.kind.as_str().into()).or_default());
        }
    }
}

/// One record's change inside an operation: absent before means created, absent after
/// means deleted.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub before: Option<Record>,
    pub after: Option<Record>,
}

impl Change {
    pub fn id(&self) -> Id {
        self.after
            .as_ref()
            .or(self.before.as_ref())
            .map(Record::id)
            .expect("a change has a before or an after")
    }
}

/// What a committed operation did: its journal group and every record it touched, in the
/// order it wrote them, with those it created and removed named apart (a note's mention
/// links and a question's "concerns" links included). Only the store makes one.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Committed {
    pub group: u64,
    pub ids: Vec<Id>,
    pub created: Vec<Id>,
    pub removed: Vec<Id>,
}

impl Committed {
    /// The records the operation changed but neither created nor removed.
    pub fn changed(&self) -> impl Iterator<Item = Id> + '_ {
        self.ids
            .iter()
            .copied()
            .filter(|id| !self.created.contains(id) && !self.removed.contains(id))
    }

    /// Whether the operation touched `id`.
    pub fn touches(&self, id: Id) -> bool {
        self.ids.contains(&id)
    }
}

/// A record an operation added, and everything that operation did.
#[derive(Debug, Clone, PartialEq)]
pub struct Added {
    pub id: Id,
    pub done: Committed,
}

/// An open workspace.
pub struct Store {
    db: sled::Db,
    path: PathBuf,
    log: log::Log,
    /// weft's own advisory lock on the workspace, held for the life of the store (none
    /// for a workspace open read-only whose lock file cannot be opened).
    _lock: Option<std::fs::File>,
    /// Things the open repaired that the user should hear about (one line each).
    notices: Vec<String>,
    trees: Vec<sled::Tree>,
    state: State,
    user: String,
    clock: Option<DateTime<Utc>>,
    sync: bool,
    /// The group of the newest operation this handle committed, and whether the next
    /// commit joins it (see [`Store::continuing`]).
    last_group: Option<u64>,
    join_last: bool,
    /// Why every write is refused, when it is ([`Store::refuse_writes`]): a read view, a
    /// workspace open read-only.
    writes_refused: Option<String>,
    /// Damage sled reported, shared with every handle read from this one: it refuses
    /// writes too ([`refuse`]).
    damage: refuse::Damage,
    /// Whether commits keep the search file current ([`search::file`]).
    search_file: search::file::Tracking,
    /// The private copy of sled's files a workspace open read-only is read from
    /// ([`copy`]), removed once the last handle on it is dropped (after `db`).
    copy: Option<std::sync::Arc<copy::Copy>>,
    /// This workspace's membership of a shared enquiry (`share.toml`), when it has one.
    member: Option<shared::Member>,
}

/// A new empty workspace in `dir`, not synced: the store's unit tests' workspace.
#[cfg(test)]
pub(crate) fn open_for_test(dir: &Path) -> Store {
    let mut s = Store::open(
        dir,
        &OpenOptions {
            create: true,
            ..OpenOptions::default()
        },
    )
    .unwrap();
    s.set_sync(false);
    s
}

impl Store {
    /// The workspace directory.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The counters: records per kind, questions per status and SEES kind.
    pub fn state(&self) -> &State {
        &self.state
    }

    /// A second handle on the same open workspace for reading on another thread (a large
    /// matrix read off the interface's thread). It shares the database and holds the
    /// workspace lock through a duplicate of the lock's descriptor, so the lock stays
    /// taken while either is open; it refuses every write.
    pub fn read_view(&self) -> Result<Store> {
        let io = |e: std::io::Error| StoreError::Io {
            path: self.path.clone(),
            source: e,
        };
        Ok(Store {
            db: self.db.clone(),
            path: self.path.clone(),
            log: self.log.try_clone()?,
            _lock: match &self._lock {
                Some(l) => Some(l.try_clone().map_err(io)?),
                None => None,
            },
            notices: Vec::new(),
            trees: self.trees.clone(),
            state: self.state.clone(),
            user: self.user.clone(),
            clock: self.clock,
            sync: self.sync,
            last_group: None,
            join_last: false,
            writes_refused: Some(
                self.writes_refused
                    .clone()
                    .unwrap_or_else(|| "a read-only view of the workspace cannot write".into()),
            ),
            damage: self.damage.clone(),
            search_file: search::file::Tracking::Off,
            copy: self.copy.clone(),
            member: self.member.clone(),
        })
    }

    /// A [`Store::read_view`] that refuses writes saying `why`.
    pub fn read_view_refusing(&self, why: String) -> Result<Store> {
        let mut view = self.read_view()?;
        view.writes_refused = Some(why);
        Ok(view)
    }

    /// A [`Store::read_view`] that refuses writes as a workspace opened read-only for
    /// `why` does (`--read-only was given`).
    pub fn read_only_view(&self, why: &str) -> Result<Store> {
        let mut view = self.read_view()?;
        view.writes_refused = Some(refuse::read_only_line(&self.path, why));
        Ok(view)
    }

    /// Runs `write` so that what it commits is part of the operation this handle
    /// committed last, and one `undo` reverts both: the steps of one user action (a note,
    /// then its grade, when and source) are one undo step.
    pub fn continuing<T>(&mut self, write: impl FnOnce(&mut Store) -> Result<T>) -> Result<T> {
        self.join_last = true;
        let out = write(self);
        self.join_last = false;
        out
    }

    /// The name written as `by` on every change.
    pub fn user(&self) -> &str {
        &self.user
    }

    pub fn set_user(&mut self, user: &str) {
        self.user = user.to_string();
    }

    /// Fixes the time written on changes (the demo loader and tests use it); `None`
    /// returns to the clock.
    pub fn set_clock(&mut self, at: Option<DateTime<Utc>>) {
        self.clock = at;
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.unwrap_or_else(Utc::now)
    }

    /// sled's `source` as the store reports it; damage is noted, and refuses every later
    /// write ([`refuse`]).
    fn db_err(&self, source: sled::Error) -> StoreError {
        let e = error::db_error(&self.path, source);
        self.damage.note(&self.path, &e, !self.is_read_only());
        e
    }

    fn tree(&self, kind: Kind) -> &sled::Tree {
        &self.trees[kind_slot(kind)]
    }

    /// The index, read as entries ([`index::packed`]).
    fn index(&self) -> index::packed::Packed<'_> {
        index::packed::Packed(&self.trees[INDEX])
    }

    /// True when the workspace holds no records.
    pub fn is_empty(&self) -> bool {
        self.state.total() == 0 && self.state.seq == 0
    }

    /// What opening the workspace repaired, one line each, for the user to hear.
    pub fn notices(&self) -> &[String] {
        &self.notices
    }

    /// Turns the flush after every operation off for bulk generation (benchmarks and the
    /// synthetic-workspace generator). Interactive and command-line use never do this.
    pub fn set_sync(&mut self, on: bool) {
        self.sync = on;
        self.log.sync = on;
    }

    /// Turns only the journal log's `fdatasync` off (benchmarks measure what it costs);
    /// sled's flush stays as `set_sync` left it.
    #[doc(hidden)]
    pub fn set_log_sync(&mut self, on: bool) {
        self.log.sync = on;
    }

    /// Flushes everything written so far to disk, the journal log first.
    pub fn flush(&self) -> Result<()> {
        self.log.sync_data()?;
        self.db.flush().map_err(|e| self.db_err(e))?;
        Ok(())
    }

    /// Hands out the next number for `kind` without writing; `commit` records it.
    fn reserve(&self, kind: Kind, offset: u64) -> Id {
        self.number_for(kind, offset)
    }
}

fn kind_slot(kind: Kind) -> usize {
    match kind {
        Kind::Question => 0,
        Kind::Hypothesis => 1,
        Kind::Entity => 2,
        Kind::Note => 3,
        Kind::Link => 4,
        Kind::Assessment => 5,
        Kind::Expectation => 9,
        Kind::Dismissal => 10,
    }
}
