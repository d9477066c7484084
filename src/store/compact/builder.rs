//! A fresh database filled in batches: what compaction, the schema upgrade and the
//! streaming import write into.

use super::super::search::file::BaseWriter;
use super::super::{index, kind_slot, Result, State, StoreError};
use super::super::{INDEX, JOURNAL, META, SCHEMA_KEY, SCHEMA_VERSION, STATE_KEY, TREE_NAMES};
use crate::model::Record;
use std::path::{Path, PathBuf};

/// Entries written per batch while copying: bounds the memory a copy holds (sled keeps
/// what one batch replaces until the batch is done).
const BATCH: usize = 2_048;

/// Opens (creating) the database in `dir` and weft's trees in it.
fn open_trees(dir: &Path, cache: u64) -> Result<(sled::Db, Vec<sled::Tree>)> {
    let db_err = |source| StoreError::Db {
        path: dir.to_path_buf(),
        source,
    };
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
pub(crate) struct Builder {
    /// The database being built (always `Some` until `finish` closes it).
    db: Option<sled::Db>,
    trees: Vec<sled::Tree>,
    batches: Vec<sled::Batch>,
    pending: usize,
    /// Counts per kind, status and SEES kind of what was written.
    pub counted: State,
    dir: PathBuf,
    /// The search file written beside the database, while it can be.
    search: Option<BaseWriter>,
    /// Journal entries grouped into blocks as they come.
    journal: super::super::journal::BlockWriter,
}

impl Builder {
    /// Creates the database in the (new, empty) directory `dir`.
    pub fn create(dir: &Path, cache: u64) -> Result<Builder> {
        let (db, trees) = open_trees(dir, cache)?;
        db.insert(SCHEMA_KEY, &SCHEMA_VERSION.to_be_bytes())
            .map_err(|e| StoreError::Db {
                path: dir.to_path_buf(),
                source: e,
            })?;
        Ok(Builder {
            db: Some(db),
            trees,
            batches: (0..TREE_NAMES.len()).map(|_| Default::default()).collect(),
            pending: 0,
            counted: State::default(),
            dir: dir.to_path_buf(),
            search: BaseWriter::create(dir).ok(),
            journal: Default::default(),
        })
    }

    fn flush(&self) -> Result<()> {
        match &self.db {
            Some(db) => db.flush().map(|_| ()).map_err(|e| self.db_err(e)),
            None => Ok(()),
        }
    }

    fn db_err(&self, source: sled::Error) -> StoreError {
        StoreError::Db {
            path: self.dir.clone(),
            source,
        }
    }

    /// Adds a record with the index entries it implies.
    pub fn record(&mut self, rec: &Record) -> Result<()> {
        let id = rec.id();
        self.batches[kind_slot(id.kind)].insert(&id.num.to_be_bytes(), rec.to_bytes());
        self.pending += 1;
        for (k, v) in index::entries(rec) {
            self.batches[INDEX].insert(k, v);
            self.pending += 1;
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
        self.batches[slot].insert(key, value);
        self.pending += 1;
        self.spill()
    }

    fn spill(&mut self) -> Result<()> {
        if self.pending >= BATCH {
            self.write_batches()?;
        }
        Ok(())
    }

    fn write_batches(&mut self) -> Result<()> {
        for (tree, batch) in self.trees.iter().zip(self.batches.iter_mut()) {
            tree.apply_batch(std::mem::take(batch))
                .map_err(|e| StoreError::Db {
                    path: self.dir.clone(),
                    source: e,
                })?;
        }
        self.pending = 0;
        Ok(())
    }

    /// Writes what is pending and the counters `state`, and flushes everything to disk.
    /// Returns the search file's writer, to be sealed once the journal log beside the
    /// database is final.
    pub fn finish(mut self, state: &State) -> Result<Option<BaseWriter>> {
        if let Some((k, v)) = self.journal.pending() {
            self.batches[JOURNAL].insert(&k, v);
        }
        self.write_batches()?;
        let bytes = serde_json::to_vec(state).map_err(|e| StoreError::invalid(e.to_string()))?;
        self.trees[META]
            .insert(STATE_KEY, bytes)
            .map_err(|e| self.db_err(e))?;
        self.flush()?;
        // sled takes its snapshot when a database is opened: opened once here, the
        // first real open does not read back everything just written
        let Builder {
            db,
            trees,
            dir,
            search,
            ..
        } = self;
        drop(trees);
        drop(db);
        let again = super::super::open::open_when_released(sled::Config::new().path(&dir))
            .map_err(|e| StoreError::Db {
                path: dir.clone(),
                source: e,
            })?;
        drop(again);
        Ok(search)
    }
}
