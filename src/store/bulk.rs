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
use std::collections::{HashMap, HashSet};

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
    /// The counter for a kind (1 when the kind never handed out a number).
    fn next_for(&self, kind: Kind) -> u64 {
        self.next.get(&kind.letter()).copied().unwrap_or(1)
    }

    /// Checks the whole dump without touching any workspace; the error names the first
    /// record (or journal entry) that is wrong and what is wrong with it.
    pub fn validate(&self) -> Result<()> {
        for (letter, next) in &self.next {
            if Kind::from_letter(*letter).is_none() || !letter.is_ascii_uppercase() {
                return Err(invalid(format!(
                    "the id counters name an unknown kind {letter:?} (kinds are Q, H, E, N, L, A, X)"
                )));
            }
            if *next == 0 || *next > super::MAX_ID {
                return Err(invalid(format!(
                    "the id counter {letter}: {next} is out of range (1 to {})",
                    super::MAX_ID
                )));
            }
        }
        let mut by_id: HashMap<Id, &Record> = HashMap::with_capacity(self.records.len());
        for rec in &self.records {
            let id = rec.id();
            if by_id.insert(id, rec).is_some() {
                return Err(invalid(format!("duplicate id {id}")));
            }
            self.check_counter(id, &id.to_string())?;
        }
        let mut cells: HashSet<(Id, Id)> = HashSet::new();
        for rec in &self.records {
            check_record(rec, &by_id)?;
            if let Record::Assessment(a) = rec {
                if !cells.insert((a.hypothesis, a.note)) {
                    return Err(invalid(format!(
                        "{}: a second assessment of {} against {}",
                        a.meta.id, a.note, a.hypothesis
                    )));
                }
            }
        }
        check_question_tree(&by_id)?;
        self.check_journal()
    }

    fn check_counter(&self, id: Id, what: &str) -> Result<()> {
        let next = self.next_for(id.kind);
        if id.num >= next {
            return Err(invalid(format!(
                "{what}: the id counter for {} is {next}, so {id} would be handed out again",
                id.kind.plural()
            )));
        }
        Ok(())
    }

    fn check_journal(&self) -> Result<()> {
        if self.seq != self.journal.len() as u64 {
            return Err(invalid(format!(
                "the journal counter is {} but the journal holds {} entries",
                self.seq,
                self.journal.len()
            )));
        }
        let mut group_start = 0u64;
        for (i, e) in self.journal.iter().enumerate() {
            let i = i as u64;
            let at = format!("journal entry {i}");
            if e.seq != i {
                return Err(invalid(format!(
                    "{at} has sequence number {}: the journal runs 0, 1, 2, ... without gaps",
                    e.seq
                )));
            }
            if e.group != e.seq && e.group != group_start {
                return Err(invalid(format!(
                    "{at} is in group {}, which is not the operation it follows",
                    e.group
                )));
            }
            group_start = e.group;
            if e.undoes.is_some_and(|g| g >= e.group) {
                return Err(invalid(format!("{at} undoes a later operation")));
            }
            self.check_counter(e.id, &at)?;
            for (side, v) in [("before", &e.before), ("after", &e.after)] {
                let Some(v) = v else { continue };
                let rec = Record::from_json(e.id.kind, v.clone()).map_err(|err| {
                    invalid(format!(
                        "{at}: the {side} value is not a {}: {err}",
                        e.id.kind.noun()
                    ))
                })?;
                if rec.id() != e.id {
                    return Err(invalid(format!(
                        "{at} is about {} but its {side} value is {}",
                        e.id,
                        rec.id()
                    )));
                }
            }
            if e.before.is_none() && e.after.is_none() {
                return Err(invalid(format!("{at} has neither a before nor an after")));
            }
        }
        Ok(())
    }
}

/// One record's own rules and its references, checked against the records of the dump.
/// These are the rules [`Store::validate`] applies on every write, read against the dump
/// instead of the database.
fn check_record(rec: &Record, all: &HashMap<Id, &Record>) -> Result<()> {
    let id = rec.id();
    super::rules::check(rec, &mut |target, kind, role| {
        if let Some(k) = kind.filter(|k| target.kind != *k) {
            return Err(invalid(format!(
                "{id}: {role} {target} is not a {}",
                k.noun()
            )));
        }
        if all.contains_key(&target) {
            return Ok(());
        }
        Err(invalid(match role {
            "from" | "to" => format!("{id} links to {target}, which is not in the file"),
            _ => format!("{id}: its {role} {target} is not in the file"),
        }))
    })
}

/// Refuses a parent chain that loops (Q1 under Q2 under Q1).
pub(super) fn check_question_tree(all: &HashMap<Id, &Record>) -> Result<()> {
    let parent = |id: Id| match all.get(&id) {
        Some(Record::Question(q)) => q.parent,
        _ => None,
    };
    let mut clear: HashSet<Id> = HashSet::new();
    let mut ids: Vec<Id> = all
        .keys()
        .filter(|i| i.kind == Kind::Question)
        .copied()
        .collect();
    ids.sort();
    for start in ids {
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
        if !self.is_empty() {
            return Err(StoreError::NotEmpty(self.path.clone()));
        }
        dump.validate()?;
        let (batches, mut state) = self.stage_dump(dump);
        let at = self.log.size()?;
        self.log.append(&super::log::import_lines(
            &dump.records,
            &dump.journal,
            &dump.next,
            dump.seq,
        ))?;
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

    /// The batches and counters that loading `dump` into an empty workspace gives.
    pub(super) fn stage_dump(&self, dump: &Dump) -> (Vec<sled::Batch>, State) {
        let mut batches: Vec<sled::Batch> =
            (0..TREE_NAMES.len()).map(|_| Default::default()).collect();
        let mut state = State {
            next: dump.next.clone(),
            seq: dump.seq,
            ..State::default()
        };
        for rec in &dump.records {
            let id = rec.id();
            batches[kind_slot(id.kind)].insert(&id.num.to_be_bytes(), rec.to_bytes());
            for (k, v) in index::entries(rec) {
                batches[INDEX].insert(k, v);
            }
            state.account(rec, 1);
        }
        for e in &dump.journal {
            batches[JOURNAL].insert(&e.seq.to_be_bytes(), e.to_bytes());
        }
        (batches, state)
    }
}

#[cfg(test)]
mod tests;
