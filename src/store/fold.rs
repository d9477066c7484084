//! Many changes other members made, folded into a rebuilt database in one go: what a
//! newcomer to a shared enquiry does with everything done since the base was written.
//!
//! Committed a batch at a time ([`Store::commit_applied`]), each batch costs a
//! transaction and its index edits, and a million operations took 2.8 times the import
//! of the same records. Here the workspace is rebuilt beside itself as an import builds
//! one: its journal copied, the changes appended to a copy of its journal log (one
//! operation per batch, as the commits would have written them) and to the journal,
//! then every record written once, in key order, with its last value, and the indexes
//! derived afresh. The copy is swapped in as a compaction's is, so until then the
//! workspace is as it was, and a fold killed at any point leaves it so.
//!
//! While the batches are applied, each record they change is written, in its stored
//! form, to a file of the fold's own (unnamed, gone with the process), and read back
//! from it: only where each one's last value lies is held in memory.

use super::compact::{Apply, Builder, Ticker};
use super::journal::Stored;
use super::log::{self, Log};
use super::shared::{changes_of, entries_of, Applied};
use super::{OpenOptions, Result, Store, StoreError};
use crate::model::{Id, Kind, Record};
use std::collections::{BTreeMap, HashMap};

/// A rebuild taking in batches of other members' changes ([`Store::fold`]).
pub struct Fold<'a> {
    store: &'a Store,
    builder: &'a mut Builder,
    /// The new journal log: the workspace's, copied, with the folded changes after it.
    log: Log,
    /// The records the folded changes touched: where each one's last value lies in
    /// `values` (start, length), or `None` once it is removed.
    changed: HashMap<Id, Option<Place>>,
    /// The values of the records changed, in their stored form, one after another.
    values: Values,
    next: BTreeMap<char, u64>,
    seq: u64,
}

impl Fold<'_> {
    /// The workspace as it was before the fold, for what only its indexes answer (the
    /// records referring to one, the holder of a matrix cell); [`Fold::changed`] says
    /// which of its answers the fold has overtaken.
    pub fn before(&self) -> &Store {
        self.store
    }

    /// Whether the folded changes touched `id`.
    pub fn changed(&self, id: Id) -> bool {
        self.changed.contains_key(&id)
    }

    /// Whether `id` exists now.
    pub fn exists(&self, id: Id) -> Result<bool> {
        match self.changed.get(&id) {
            Some(at) => Ok(at.is_some()),
            None => self.store.contains(id),
        }
    }

    /// The records the folded changes left, in no order; one that does not read back
    /// is left out (the fold's end reads every one again, and fails on it).
    pub fn changed_records(&self) -> impl Iterator<Item = Record> + '_ {
        self.changed.iter().filter_map(|(id, at)| {
            at.and_then(|at| self.values.record(*id, at).ok())
                .map(|(rec, _)| rec)
        })
    }

    /// A record's value now, as JSON.
    pub fn value(&self, id: Id) -> Result<Option<serde_json::Value>> {
        match self.changed.get(&id) {
            Some(Some(at)) => {
                let bytes = self.values.read(*at)?;
                serde_json::from_slice(&bytes)
                    .map(Some)
                    .map_err(|e| self.values.damaged(id, e))
            }
            Some(None) => Ok(None),
            None => Ok(self.store.get(id)?.map(|r| r.to_json())),
        }
    }

    /// A record now.
    pub fn get(&self, id: Id) -> Result<Option<Record>> {
        match self.changed.get(&id) {
            Some(Some(at)) => self.values.record(id, *at).map(|(rec, _)| Some(rec)),
            Some(None) => Ok(None),
            None => self.store.get(id),
        }
    }

    /// Applies one batch as [`Store::commit_applied`] would commit it, as one operation:
    /// steps that change nothing are left out. Returns how many changes it made.
    pub fn apply(&mut self, steps: Vec<Applied>) -> Result<usize> {
        let (changes, kept) = {
            let this = &*self;
            changes_of(steps, &mut |id| this.get(id))?
        };
        if changes.is_empty() {
            return Ok(0);
        }
        let entries = entries_of(self.seq, &changes, &kept);
        let at = self.log.size()?;
        let (bytes, starts, chain) = self.log.encode_operation(&entries, at)?;
        self.log.append_bytes(&bytes, chain)?;
        let mut values = Vec::new();
        for ((e, c), at) in entries.iter().zip(&changes).zip(starts) {
            self.builder.journal(e.seq, &Stored::bytes(e, at))?;
            let next = self.next.entry(e.id.kind.letter()).or_insert(1);
            *next = (*next).max(e.id.num.saturating_add(1));
            let place = c.after.as_ref().map(|rec| {
                let bytes = rec.to_bytes();
                let place = (self.values.len + values.len() as u64, bytes.len());
                values.extend_from_slice(&bytes);
                place
            });
            self.changed.insert(e.id, place);
        }
        self.values.append(&values)?;
        self.seq += entries.len() as u64;
        Ok(entries.len())
    }
}

/// Where a record's value lies in [`Values`]: its start and length.
type Place = (u64, usize);

/// The values of the records a fold changed, in their stored form: a file without a
/// name in the staging directory, gone when the fold ends whichever way.
struct Values {
    file: std::fs::File,
    len: u64,
    dir: std::path::PathBuf,
}

impl Values {
    fn create(dir: &std::path::Path) -> Result<Values> {
        let file = tempfile::tempfile_in(dir).map_err(|e| super::error::io_err(dir, e))?;
        Ok(Values {
            file,
            len: 0,
            dir: dir.to_path_buf(),
        })
    }

    fn append(&mut self, bytes: &[u8]) -> Result<()> {
        use std::io::Write;
        self.file
            .write_all(bytes)
            .map_err(|e| super::error::io_err(&self.dir, e))?;
        self.len += bytes.len() as u64;
        Ok(())
    }

    fn read(&self, (at, len): Place) -> Result<Vec<u8>> {
        use std::os::unix::fs::FileExt;
        let mut bytes = vec![0; len];
        self.file
            .read_exact_at(&mut bytes, at)
            .map_err(|e| super::error::io_err(&self.dir, e))?;
        Ok(bytes)
    }

    /// Record `id` at `place`, and its stored form.
    fn record(&self, id: Id, place: Place) -> Result<(Record, Vec<u8>)> {
        let bytes = self.read(place)?;
        let rec = Record::from_bytes(id.kind, &bytes).map_err(|e| self.damaged(id, e))?;
        Ok((rec, bytes))
    }

    fn damaged(&self, id: Id, e: serde_json::Error) -> StoreError {
        StoreError::invalid(format!(
            "{}: the value of {id} the fold set aside does not read back: {e}",
            self.dir.display()
        ))
    }
}

impl Store {
    /// Whether record `id` exists, without reading it.
    pub fn contains(&self, id: Id) -> Result<bool> {
        self.tree(id.kind)
            .contains_key(id.num.to_be_bytes())
            .map_err(|e| self.db_err(e))
    }

    /// Rebuilds the workspace with the batches `each` applies ([`Fold::apply`]) and
    /// swaps it in (see the module notes); returns it reopened. Nothing changes unless
    /// `each` and the rebuild succeed.
    pub fn fold(self, each: &mut dyn FnMut(&mut Fold) -> Result<()>) -> Result<Store> {
        let staged = self.stage_rebuild(
            false,
            Apply::OnThread,
            &mut |_, _| {},
            &mut |staging, builder, _| {
                let path = staging.join(log::LOG_FILE);
                std::fs::copy(self.log.path(), &path)
                    .map_err(|e| super::error::io_err(&path, e))?;
                let mut ignore = |_, _| {};
                self.copy_journal(builder, &mut Ticker::new(0, &mut ignore))?;
                let mut log = Log::open(staging)?;
                // the rebuild is thrown away whole unless it finishes: synced once, last
                log.sync = false;
                let mut fold = Fold {
                    store: &self,
                    builder,
                    log,
                    changed: HashMap::new(),
                    values: Values::create(staging)?,
                    next: self.state.next.clone(),
                    seq: self.state.seq,
                };
                each(&mut fold)?;
                let Fold {
                    builder,
                    log,
                    changed,
                    values,
                    next,
                    seq,
                    ..
                } = fold;
                self.fold_records(builder, &values, &changed)?;
                self.copy_meta(builder)?;
                log.sync_data()?;
                let mut state = builder.counted.clone();
                state.next = next;
                state.seq = seq;
                state.log_len = log.size()?;
                Ok(state)
            },
        )?;
        let (dir, lock) = self.swap(staged)?;
        Store::open_locked(&dir, &OpenOptions::default(), lock, true)
    }

    /// Writes every record into `builder` in key order: the ones `changed` names as
    /// the fold left them (or not at all, removed), the rest as they are.
    fn fold_records(
        &self,
        builder: &mut Builder,
        values: &Values,
        changed: &HashMap<Id, Option<Place>>,
    ) -> Result<()> {
        let mut ids: Vec<(Id, Option<Place>)> = changed.iter().map(|(id, at)| (*id, *at)).collect();
        ids.sort_unstable();
        let write = |builder: &mut Builder, (id, at): (Id, Option<Place>)| match at {
            Some(at) => {
                let (rec, bytes) = values.record(id, at)?;
                builder.record_encoded(&rec, bytes)
            }
            None => Ok(()),
        };
        for kind in Kind::ALL {
            let mut mine = ids
                .iter()
                .copied()
                .filter(|(id, _)| id.kind == kind)
                .peekable();
            for rec in self.records(kind) {
                let rec = rec?;
                let num = rec.id().num;
                while let Some(c) = mine.next_if(|(id, _)| id.num < num) {
                    write(builder, c)?;
                }
                match mine.next_if(|(id, _)| id.num == num) {
                    Some(c) => write(builder, c)?,
                    None => builder.record(&rec)?,
                }
            }
            for c in mine {
                write(builder, c)?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
