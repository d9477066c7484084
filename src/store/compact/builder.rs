//! A fresh database filled in batches: what compaction, the schema upgrade and the
//! streaming import write into.

use super::super::search::file::BaseWriter;
use super::super::{index, kind_slot, Result, State, StoreError};
use super::super::{INDEX, JOURNAL, META, SCHEMA_KEY, SCHEMA_VERSION, STATE_KEY, TREE_NAMES};
use super::fill::Fill;
use super::runs::{entry_bytes, Runs};
use crate::model::Record;
use std::path::{Path, PathBuf};

/// The bytes of entries gathered before they are sorted and written: bounds what waits
/// in memory (at most [`WAITING`] + 2 batches). Records and journal blocks come in key
/// order already; the index entries are put in order across the whole build first
/// ([`Runs`]) and come through here last. Measured before that, with the index entries
/// in these batches, at 126,250 records: 1 to 16 MiB all import in about 5 s; from 4
/// MiB up the peak grows (91 MiB at 1 and 2 MiB, 122 to 142 MiB at 4 to 16), and the
/// 1M import peaked at 373 MiB with batches of 65,536 entries (BENCHMARKS.md).
const BATCH_BYTES: usize = 2 << 20;

/// Opens (creating) the database in `dir` and weft's trees in it.
fn open_trees(dir: &Path, cache: u64) -> Result<(sled::Db, Vec<sled::Tree>)> {
    let db_err = |source| crate::store::error::db_error(dir, source);
    let db =
        super::super::open::open_when_released(sled::Config::new().path(dir).cache_capacity(cache))
            .map_err(db_err)?;
    let trees = TREE_NAMES
        .iter()
        .map(|n| db.open_tree(n))
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(db_err)?;
    Ok((db, trees))
}

/// A fresh database being filled in batches: the target of a compaction and of an import.
/// With [`Apply::OnThread`], full batches go to a thread of their own that applies
/// them, so reading and encoding the next batch overlaps sled's work on the last ones: a
/// few batches wait while one is applied and one is filled.
pub(crate) struct Builder {
    /// The database being built (always `Some` until `finish` closes it).
    db: Option<sled::Db>,
    trees: Vec<sled::Tree>,
    /// The trees being filled on the caller's thread (none with [`Apply::OnThread`]).
    inline: Vec<Fill<sled::Tree>>,
    batches: Batches,
    /// The bytes of what `batches` holds ([`entry_bytes`]).
    pending: usize,
    /// The bytes gathered before a batch is written: [`BATCH_BYTES`], smaller in tests.
    pub(super) batch_bytes: usize,
    /// Where full batches go, and the thread applying them (until `finish`); `None`
    /// applies them on the caller's thread.
    applier: Option<Applier>,
    /// Counts per kind, status and SEES kind of what was written.
    pub counted: State,
    dir: PathBuf,
    /// The search file written beside the database, while it can be.
    search: Option<BaseWriter>,
    /// Journal entries grouped into blocks as they come.
    journal: super::super::journal::BlockWriter,
    /// The index entries, put in key order across the whole build and written last
    /// (records and the journal come in key order already).
    pub(super) index: Runs,
}

/// Full batches that may wait for the applying thread: enough to even out batches that
/// cost sled more than others, few enough to keep memory bounded.
const WAITING: usize = 4;

/// Where a builder applies its full batches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Apply {
    /// On the caller's thread: a compaction, whose reading of the old database takes
    /// the time, gains nothing from a second thread and would hold more memory. The
    /// finished database is not reopened: the caller opens it once the database it
    /// was copied from is closed, so sled's two page tables are never held at once.
    Inline,
    /// On a thread of its own, overlapping the caller's parsing: an import (at 126,250
    /// records 13.9 s -> 8.4 s, with the single reading; at 1M, 478 -> 280 MiB with
    /// the reopen on that thread).
    OnThread,
}

/// The thread that applies full batches, one tree's batch after another. It also
/// reopens the finished database (see [`Builder::finish`]), so that open reuses the
/// memory this thread's inserts left free instead of adding to it.
struct Applier {
    send: std::sync::mpsc::SyncSender<Job>,
    thread: std::thread::JoinHandle<Result<()>>,
}

enum Job {
    Apply(Batches),
    /// Everything is sent: write what waits, let go of the trees and say so.
    Close(std::sync::mpsc::SyncSender<()>),
    /// The database is closed: open it once (sled writes its snapshot) and end.
    Reopen,
}

impl Applier {
    fn start(fills: Vec<Fill<sled::Tree>>, dir: PathBuf, cache: u64) -> Applier {
        let (send, receive) = std::sync::mpsc::sync_channel::<Job>(WAITING);
        let thread = std::thread::spawn(move || {
            let db_err = |source| crate::store::error::db_error(&dir, source);
            let mut fills = fills;
            for job in receive {
                match job {
                    Job::Apply(batches) => apply(&mut fills, batches).map_err(db_err)?,
                    Job::Close(reply) => {
                        finish(&mut fills).map_err(db_err)?;
                        let _ = reply.send(());
                    }
                    Job::Reopen => {
                        // the cache the build used: the open reads back every page
                        // once, and a larger cache would keep them all
                        let config = sled::Config::new().path(&dir).cache_capacity(cache);
                        return super::super::open::open_when_released(config)
                            .map(drop)
                            .map_err(db_err);
                    }
                }
            }
            Ok(())
        });
        Applier { send, thread }
    }

    /// Waits until everything sent is applied and the thread has let go of the trees;
    /// false when it stopped at an error instead ([`Applier::stop`] returns it).
    fn close(&self) -> bool {
        let (reply, answer) = std::sync::mpsc::sync_channel(1);
        self.send.send(Job::Close(reply)).is_ok() && answer.recv().is_ok()
    }

    /// Has the thread open the (closed) database once, and waits for it to end.
    fn reopen(self) -> Result<()> {
        let _ = self.send.send(Job::Reopen);
        self.stop()
    }

    /// Waits until the thread ends; its error, if any.
    fn stop(self) -> Result<()> {
        drop(self.send);
        self.thread.join().unwrap_or_else(|_| {
            Err(StoreError::invalid(
                "the thread writing the database failed",
            ))
        })
    }
}

/// Entries waiting to be written, per tree.
type Batches = Vec<Vec<index::Entry>>;

fn empty_batches() -> Batches {
    (0..TREE_NAMES.len()).map(|_| Vec::new()).collect()
}

/// Hands each tree its batch, written an entry at a time ([`Fill`]). Not `sled::Batch`:
/// a batch makes sled write out its log buffer before and after it and keep everything
/// the batch replaces until it ends, and the atomicity it buys is not needed here (a
/// database being built is thrown away whole unless it is finished). At 126,250 records
/// an import took 7.4 -> 4.8 s this way, its database 160 -> 144 MB.
fn apply(fills: &mut [Fill<sled::Tree>], batches: Batches) -> sled::Result<()> {
    for (fill, batch) in fills.iter_mut().zip(batches) {
        fill.batch(batch)?;
    }
    Ok(())
}

/// Writes what the fillers hold back and lets go of their trees.
fn finish(fills: &mut Vec<Fill<sled::Tree>>) -> sled::Result<()> {
    for fill in fills.iter_mut() {
        fill.finish()?;
    }
    fills.clear();
    Ok(())
}

impl Builder {
    /// Creates the database in the (new, empty) directory `dir`.
    pub fn create(dir: &Path, cache: u64, apply: Apply) -> Result<Builder> {
        let (db, trees) = open_trees(dir, cache)?;
        db.insert(SCHEMA_KEY, &SCHEMA_VERSION.to_be_bytes())
            .map_err(|e| crate::store::error::db_error(dir, e))?;
        let fills: Vec<_> = trees.iter().cloned().map(Fill::new).collect();
        let (inline, applier) = match apply {
            Apply::Inline => (fills, None),
            Apply::OnThread => (
                Vec::new(),
                Some(Applier::start(fills, dir.to_path_buf(), cache)),
            ),
        };
        Ok(Builder {
            db: Some(db),
            applier,
            inline,
            trees,
            batches: empty_batches(),
            pending: 0,
            batch_bytes: BATCH_BYTES,
            counted: State::default(),
            dir: dir.to_path_buf(),
            search: BaseWriter::create(dir).ok(),
            journal: Default::default(),
            index: Runs::new(dir),
        })
    }

    fn flush(&self) -> Result<()> {
        match &self.db {
            Some(db) => db.flush().map(|_| ()).map_err(|e| self.db_err(e)),
            None => Ok(()),
        }
    }

    fn db_err(&self, source: sled::Error) -> StoreError {
        crate::store::error::db_error(&self.dir, source)
    }

    /// Adds a record with the index entries it implies.
    pub fn record(&mut self, rec: &Record) -> Result<()> {
        self.record_encoded(rec, rec.to_bytes())
    }

    /// [`Builder::record`] for a record already in its stored form, `bytes`.
    pub fn record_encoded(&mut self, rec: &Record, bytes: Vec<u8>) -> Result<()> {
        let id = rec.id();
        self.pending += entry_bytes(8, bytes.len());
        self.batches[kind_slot(id.kind)].push((id.num.to_be_bytes().to_vec(), bytes));
        for (k, v) in index::entries(rec) {
            self.index.push(k, v)?;
        }
        self.counted.account(rec, 1);
        // a search file that cannot be written is left for a search to write afresh
        if let Some(w) = &mut self.search {
            if w.record(rec).is_err() {
                self.search = None;
            }
        }
        self.spill()
    }

    /// Adds journal entry `seq` in its stored form `bytes`; entries come in order.
    pub fn journal(&mut self, seq: u64, bytes: &[u8]) -> Result<()> {
        match self.journal.push(seq, bytes) {
            Some((k, v)) => self.raw(JOURNAL, &k, &v),
            None => Ok(()),
        }
    }

    /// Adds a raw entry to tree `slot` (meta, copied as stored).
    pub fn raw(&mut self, slot: usize, key: &[u8], value: &[u8]) -> Result<()> {
        self.batches[slot].push((key.to_vec(), value.to_vec()));
        self.pending += entry_bytes(key.len(), value.len());
        self.spill()
    }

    fn spill(&mut self) -> Result<()> {
        if self.pending >= self.batch_bytes {
            self.write_batches()?;
        }
        Ok(())
    }

    /// Applies the batches filled so far, or hands them to the applying thread.
    fn write_batches(&mut self) -> Result<()> {
        let batches = std::mem::replace(&mut self.batches, empty_batches());
        self.pending = 0;
        let Some(applier) = &self.applier else {
            return apply(&mut self.inline, batches).map_err(|e| self.db_err(e));
        };
        if applier.send.send(Job::Apply(batches)).is_err() {
            return Err(self.stopped());
        }
        Ok(())
    }

    /// The error the applying thread stopped at.
    fn stopped(&mut self) -> StoreError {
        let stopped = self.applier.take().map(Applier::stop);
        match stopped {
            Some(Err(e)) => e,
            _ => StoreError::invalid("the thread writing the database stopped"),
        }
    }

    /// Writes what is pending and the counters `state`, and flushes everything to disk.
    /// Returns the search file's writer, to be sealed once the journal log beside the
    /// database is final.
    pub fn finish(mut self, state: &State) -> Result<Option<BaseWriter>> {
        if let Some((k, v)) = self.journal.pending() {
            self.batches[JOURNAL].push((k.to_vec(), v.to_vec()));
        }
        let index = std::mem::replace(&mut self.index, Runs::new(&self.dir));
        let mut packer = index::packed::Packer::default();
        let write = |this: &mut Builder, (anchor, block): (Vec<u8>, Vec<u8>)| {
            this.pending += entry_bytes(anchor.len(), block.len());
            this.batches[INDEX].push((anchor, block));
            this.spill()
        };
        index.merge(&mut |k, v| match packer.push(k, v) {
            Some(block) => write(&mut self, block),
            None => Ok(()),
        })?;
        if let Some(block) = packer.take() {
            write(&mut self, block)?;
        }
        self.write_batches()?;
        finish(&mut self.inline).map_err(|e| self.db_err(e))?;
        if self.applier.as_ref().is_some_and(|a| !a.close()) {
            return Err(self.stopped());
        }
        let bytes = serde_json::to_vec(state).map_err(|e| StoreError::invalid(e.to_string()))?;
        self.trees[META]
            .insert(STATE_KEY, bytes)
            .map_err(|e| self.db_err(e))?;
        self.flush()?;
        // the size to measure growth against, for the advice to compact again
        let size = super::db_bytes(&self.dir);
        self.trees[META]
            .insert(super::COMPACTED_KEY, &size.to_be_bytes())
            .map_err(|e| self.db_err(e))?;
        self.flush()?;
        // sled takes its snapshot when a database is opened: opened once, the first
        // real open does not read back everything just written. The applying thread
        // opens it here; after an inline build the caller does, once the database it
        // read from is closed (see `Store::compact_swapped`).
        self.trees.clear();
        drop(self.db.take());
        if let Some(applier) = self.applier.take() {
            applier.reopen()?;
        }
        Ok(self.search.take())
    }
}

impl Drop for Builder {
    /// A builder given up part way (an import refused, a copy that failed) still waits
    /// for its thread, so nothing writes into the staging directory once it is removed.
    fn drop(&mut self) {
        if let Some(applier) = self.applier.take() {
            let _ = applier.stop();
        }
    }
}
