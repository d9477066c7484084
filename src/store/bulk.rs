//! Loading a whole workspace in one write: the store side of `weft import`.
//!
//! A [`Dump`] is everything a workspace holds that is not derived: its records, its id
//! counters and its journal. [`Dump::validate`] checks it completely in memory (every
//! reference resolves, no id twice, no counter that would hand out a used number, a
//! continuous journal); [`Store::import_workspace`] then writes records, index entries,
//! journal entries and counters as one transaction, so an import lands whole or not at
//! all. Counts per kind, status and SEES kind are recomputed, never trusted.

use super::{index, kind_slot, JournalEntry, Result, State, Store, StoreError};
use super::{INDEX, JOURNAL, TREE_NAMES};
use crate::model::{Id, Kind, Record};
use std::collections::HashSet;

/// A whole workspace: what a workspace export holds and an import restores.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Dump {
    /// The next number to hand out per kind letter. Numbers are never reused, so a
    /// counter may be past every id present (the records were deleted).
    pub next: std::collections::BTreeMap<char, u64>,
    /// The next journal sequence number: the number of journal entries.
    pub seq: u64,
    /// Every record, in any order.
    pub records: Vec<Record>,
    /// Every journal entry, oldest first.
    pub journal: Vec<JournalEntry>,
    /// The workspace's name, when one was given (`weft init --name`).
    pub name: Option<String>,
}

/// What an import wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Imported {
    pub records: usize,
    pub journal: usize,
}

fn invalid(msg: String) -> StoreError {
    StoreError::Invalid(msg)
}

impl Dump {
    /// Checks the whole dump without touching any workspace; the error names the first
    /// record (or journal entry) that is wrong and what is wrong with it. The same
    /// checks as a streamed import's ([`super::import::Validator`]), in its order.
    pub fn validate(&self) -> Result<()> {
        let mut v = super::import::Validator::new();
        for rec in &self.records {
            v.observe_record(rec)?;
        }
        for e in &self.journal {
            v.observe_entry(e)?;
        }
        v.settle(&self.next, self.seq).map(|_| ())
    }
}

/// One record's own rules and the kind of everything it refers to; whether each
/// reference exists is `resolve`'s to say (or to note for later).
pub(super) fn check_record(
    rec: &Record,
    resolve: &mut dyn FnMut(Id, &str) -> Result<()>,
) -> Result<()> {
    let id = rec.id();
    super::rules::check(rec, &mut |target, kind, role| {
        if let Some(k) = kind.filter(|k| target.kind != *k) {
            return Err(invalid(format!(
                "{id}: {role} {target} is not a {}",
                k.noun()
            )));
        }
        resolve(target, role)
    })
}

/// The error for `id` referring (as `role`) to `target`, which the file does not hold.
pub(super) fn missing_reference(id: Id, target: Id, role: &str) -> StoreError {
    invalid(match role {
        "from" | "to" => format!("{id} links to {target}, which is not in the file"),
        _ => format!("{id}: its {role} {target} is not in the file"),
    })
}

/// Refuses a parent chain that loops (Q1 under Q2 under Q1).
#[cfg(test)]
pub(super) fn check_question_tree(all: &std::collections::HashMap<Id, &Record>) -> Result<()> {
    let mut ids: Vec<Id> = all
        .keys()
        .filter(|i| i.kind == Kind::Question)
        .copied()
        .collect();
    ids.sort();
    parent_loops(&ids, |id| match all.get(&id) {
        Some(Record::Question(q)) => q.parent,
        _ => None,
    })
}

/// Refuses a loop in the chains of `parent` starting from each of `ids` (in order).
pub(super) fn parent_loops(ids: &[Id], parent: impl Fn(Id) -> Option<Id>) -> Result<()> {
    let mut clear: HashSet<Id> = HashSet::new();
    for &start in ids {
        let mut path: Vec<Id> = Vec::new();
        let mut on_path: HashSet<Id> = HashSet::new();
        let mut cur = Some(start);
        while let Some(c) = cur {
            if clear.contains(&c) {
                break;
            }
            if !on_path.insert(c) {
                return Err(invalid(format!(
                    "{c}: its parents make a loop of sub-questions"
                )));
            }
            path.push(c);
            cur = parent(c);
        }
        clear.extend(path);
    }
    Ok(())
}

impl Store {
    /// Every record of `kind`, in id order, read at once and decoded on every core. For
    /// whole-kind reads such as exports, where decoding dominates; screens read through
    /// the indexes instead.
    pub fn all_records(&self, kind: Kind) -> Result<Vec<Record>> {
        let mut raw = Vec::with_capacity(self.state.count(kind) as usize);
        for r in self.tree(kind).iter() {
            let (_, v) = r.map_err(|e| self.db_err(e))?;
            raw.push(v);
        }
        let decode = |part: &[sled::IVec]| -> Result<Vec<Record>> {
            part.iter()
                .map(|v| {
                    Record::from_bytes(kind, v).map_err(|e| StoreError::Corrupt {
                        tree: kind.noun().into(),
                        key: String::from_utf8_lossy(&v[..v.len().min(24)]).into_owned(),
                        reason: e.to_string(),
                    })
                })
                .collect()
        };
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(8));
        let chunk = raw.len().div_ceil(threads).max(4096);
        if raw.len() <= chunk {
            return decode(&raw);
        }
        std::thread::scope(|s| {
            let parts: Vec<_> = raw
                .chunks(chunk)
                .map(|p| s.spawn(move || decode(p)))
                .collect();
            let mut out = Vec::with_capacity(raw.len());
            for p in parts {
                let part = p
                    .join()
                    .map_err(|_| StoreError::invalid("a thread decoding records failed"))?;
                out.extend(part?);
            }
            Ok(out)
        })
    }

    /// Loads a whole workspace into this one, which must be empty: every record with its
    /// index entries, the journal exactly as it was, and the id counters, so numbers
    /// are never reused. The dump is validated first; then it goes to the journal log
    /// (synced) and into the database in one transaction, flushed. On any error nothing
    /// is written.
    pub fn import_workspace(&mut self, dump: &Dump) -> Result<Imported> {
        self.check_writable()?;
        if !self.is_empty() {
            return Err(StoreError::NotEmpty(self.path.clone()));
        }
        dump.validate()?;
        let at = self.log.size()?;
        let mut chain = self.log.chain()?;
        let (bytes, starts) = super::log::encode_import(
            &dump.records,
            &dump.journal,
            &dump.next,
            dump.seq,
            at,
            &mut chain,
        )?;
        let (batches, mut state) = self.stage_dump(dump, &starts);
        self.log.append_bytes(&bytes, chain)?;
        // An import is acknowledged to the user: durable even when per-operation syncing
        // is off (`set_sync(false)`).
        self.log.sync_data()?;
        state.log_len = self.log.size()?;
        if let Err(e) = self.write_state(&batches, state) {
            let _ = self.log.truncate(at);
            return Err(e);
        }
        if !self.sync {
            self.flush()?;
        }
        Ok(Imported {
            records: dump.records.len(),
            journal: dump.journal.len(),
        })
    }

    /// The batches and counters that loading `dump` into an empty workspace gives, its
    /// journal's log lines starting at the bytes `journal_at`.
    pub(super) fn stage_dump(&self, dump: &Dump, journal_at: &[u64]) -> (Vec<sled::Batch>, State) {
        let mut batches: Vec<sled::Batch> =
            (0..TREE_NAMES.len()).map(|_| Default::default()).collect();
        let mut state = State {
            next: dump.next.clone(),
            seq: dump.seq,
            ..State::default()
        };
        let mut entries = Vec::new();
        for rec in &dump.records {
            let id = rec.id();
            batches[kind_slot(id.kind)].insert(&id.num.to_be_bytes(), rec.to_bytes());
            entries.extend(index::entries(rec));
            state.account(rec, 1);
        }
        entries.sort_unstable();
        for (anchor, block) in index::packed::pack(entries) {
            batches[INDEX].insert(anchor, block);
        }
        let stored = dump.journal.iter().zip(journal_at);
        let stored = stored.map(|(e, at)| (e.seq, super::journal::Stored::bytes(e, *at)));
        for (k, v) in super::journal::pack(stored) {
            batches[JOURNAL].insert(&k, v);
        }
        (batches, state)
    }
}

#[cfg(test)]
mod tests;
