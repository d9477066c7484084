//! `weft import` as a stream: the file is read twice, never held. The first reading
//! checks what needs the whole file (no id twice, the journal continuous, no loop of
//! sub-questions) keeping only ids; the second checks every reference against those ids
//! and writes, in batches, into a fresh workspace in the staging directory beside the
//! target, journal log included. The staging workspace is then swapped in like a
//! compaction's: the import lands whole or not at all, in memory bounded by the number
//! of ids, and the result is laid out as compactly as sled writes.

use super::compact::Builder;
use super::journal::Stored;
use super::log::{encode_lines, EntryLine, ImportEnd, ImportStart, Line};
use super::{JournalEntry, Result, Store, StoreError};
use crate::model::{Id, Kind, Record};
use std::collections::{BTreeMap, HashMap, HashSet};

fn invalid(msg: String) -> StoreError {
    StoreError::Invalid(msg)
}

/// What a workspace file must satisfy, checked as it streams past:
/// [`Validator::observe_record`] and [`Validator::observe_entry`] every item, then
/// [`Validator::settle`] with the file's counters. Only ids are kept, with the few
/// references to records later in the file and the largest id of each kind.
#[derive(Debug, Default)]
pub struct Validator {
    ids: HashSet<Id>,
    parents: HashMap<Id, Id>,
    cells: HashSet<(Id, Id)>,
    entries: u64,
    group_start: u64,
    /// References to ids not seen yet when their record was: (record, target, role).
    forward: Vec<(Id, Id, String)>,
    /// The largest id number per kind among the records, and among journal entries
    /// (with the entry's sequence number).
    largest: HashMap<Kind, u64>,
    largest_entry: HashMap<Kind, (u64, u64)>,
}

impl Validator {
    pub fn new() -> Validator {
        Validator::default()
    }

    /// Records in the file so far.
    pub fn records(&self) -> u64 {
        self.ids.len() as u64
    }

    /// Journal entries in the file so far.
    pub fn entries(&self) -> u64 {
        self.entries
    }

    /// First pass: what needs no other record.
    pub fn observe_record(&mut self, rec: &Record) -> Result<()> {
        let id = rec.id();
        if !self.ids.insert(id) {
            return Err(invalid(format!("duplicate id {id}")));
        }
        let top = self.largest.entry(id.kind).or_default();
        *top = (*top).max(id.num);
        let (ids, forward) = (&self.ids, &mut self.forward);
        super::bulk::check_record(rec, &mut |target, role| {
            if !ids.contains(&target) {
                forward.push((id, target, role.to_string()));
            }
            Ok(())
        })?;
        match rec {
            Record::Assessment(a) if !self.cells.insert((a.hypothesis, a.note)) => {
                return Err(invalid(format!(
                    "{}: a second assessment of {} against {}",
                    a.meta.id, a.note, a.hypothesis
                )));
            }
            Record::Question(q) => {
                if let Some(p) = q.parent {
                    self.parents.insert(id, p);
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// First pass: the journal runs 0, 1, 2... in operations, each value decodes.
    pub fn observe_entry(&mut self, e: &JournalEntry) -> Result<()> {
        let i = self.entries;
        let at = format!("journal entry {i}");
        if e.seq != i {
            return Err(invalid(format!(
                "{at} has sequence number {}: the journal runs 0, 1, 2, ... without gaps",
                e.seq
            )));
        }
        if e.group != e.seq && e.group != self.group_start {
            return Err(invalid(format!(
                "{at} is in group {}, which is not the operation it follows",
                e.group
            )));
        }
        self.group_start = e.group;
        if e.undoes.is_some_and(|g| g >= e.group) {
            return Err(invalid(format!("{at} undoes a later operation")));
        }
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
        let top = self.largest_entry.entry(e.id.kind).or_default();
        if e.id.num >= top.0 {
            *top = (e.id.num, i);
        }
        self.entries += 1;
        Ok(())
    }

    /// Between the passes: the counters, the journal's length, the question tree.
    pub fn settle(self, next: &BTreeMap<char, u64>, seq: u64) -> Result<Observed> {
        for (letter, n) in next {
            if Kind::from_letter(*letter).is_none() || !letter.is_ascii_uppercase() {
                return Err(invalid(format!(
                    "the id counters name an unknown kind {letter:?} (kinds are Q, H, E, N, L, A, X)"
                )));
            }
            if *n == 0 || *n > super::MAX_ID {
                return Err(invalid(format!(
                    "the id counter {letter}: {n} is out of range (1 to {})",
                    super::MAX_ID
                )));
            }
        }
        let counter = |kind: Kind| next.get(&kind.letter()).copied().unwrap_or(1);
        let handed_out = |what: &str, id: Id| {
            invalid(format!(
                "{what}: the id counter for {} is {}, so {id} would be handed out again",
                id.kind.plural(),
                counter(id.kind)
            ))
        };
        for kind in Kind::ALL {
            if let Some(&num) = self.largest.get(&kind) {
                if num >= counter(kind) {
                    let id = Id::new(kind, num);
                    return Err(handed_out(&id.to_string(), id));
                }
            }
        }
        for (id, target, role) in &self.forward {
            if !self.ids.contains(target) {
                return Err(super::bulk::missing_reference(*id, *target, role));
            }
        }
        let mut questions: Vec<Id> = self.parents.keys().copied().collect();
        questions.sort();
        super::bulk::parent_loops(&questions, |id| self.parents.get(&id).copied())?;
        if seq != self.entries {
            return Err(invalid(format!(
                "the journal counter is {seq} but the journal holds {} entries",
                self.entries
            )));
        }
        for kind in Kind::ALL {
            if let Some(&(num, at)) = self.largest_entry.get(&kind) {
                if num >= counter(kind) {
                    return Err(handed_out(
                        &format!("journal entry {at}"),
                        Id::new(kind, num),
                    ));
                }
            }
        }
        Ok(Observed {
            next: next.clone(),
            seq,
            records: self.ids.len() as u64,
            entries: self.entries,
        })
    }
}

/// One item of a workspace file, as the import reads it.
pub enum Item {
    Record(Record),
    Entry(JournalEntry),
}

/// What the first reading of a file found, once [`Validator::settle`] accepted it: its
/// counters and how much it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Observed {
    pub next: BTreeMap<char, u64>,
    pub seq: u64,
    pub records: u64,
    pub entries: u64,
}

/// A pass over the file: it calls its argument with each item, in file order.
pub type Pass<'a> = dyn FnMut(&mut dyn FnMut(Item) -> Result<()>) -> Result<()> + 'a;

impl Store {
    /// Loads a workspace file into this (empty) workspace without holding the file:
    /// `second_pass` reads it again, giving every item (the first reading, checked by a
    /// [`Validator`], found `observed`). Returns the reopened workspace and what
    /// was loaded. Refused, the workspace is untouched.
    pub fn import_stream(
        self,
        observed: &Observed,
        name: Option<&str>,
        second_pass: &mut Pass<'_>,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<(Store, super::bulk::Imported)> {
        if !self.is_empty() {
            return Err(StoreError::NotEmpty(self.path.clone()));
        }
        if let Some(n) = name {
            super::check_name(n)?;
        }
        let observed = observed.clone();
        let imported = super::bulk::Imported {
            records: observed.records as usize,
            journal: observed.entries as usize,
        };
        let staged = self.stage_rebuild(false, progress, &mut |staging, builder, progress| {
            write_import(staging, builder, &observed, second_pass, progress)?;
            if let Some(n) = name {
                super::name::write_name(staging, n)?;
            }
            let mut state = builder.counted.clone();
            state.next = observed.next.clone();
            state.seq = observed.seq;
            state.log_len = super::log::file_len(staging)?;
            Ok(state)
        })?;
        Ok((self.swap_in(staged)?, imported))
    }
}

/// Writes the second reading into `builder` and the staging directory's journal log
/// (one import block, synced).
fn write_import(
    staging: &std::path::Path,
    builder: &mut Builder,
    observed: &Observed,
    second_pass: &mut Pass<'_>,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<()> {
    let mut log = super::log::Log::open(staging)?;
    log.sync = false;
    let total = observed.records + observed.entries;
    let mut done = 0u64;
    // the log's bytes so far (written) and those waiting in `buf`
    let mut written = 0u64;
    let (mut buf, _) = encode_lines(
        &[Line::Import(ImportStart {
            records: observed.records,
            entries: observed.entries,
        })],
        0,
    );
    let mut entry_seq = 0u64;
    let mut records = 0u64;
    second_pass(&mut |item| {
        let at = written + buf.len() as u64;
        let (bytes, _) = match item {
            Item::Record(rec) => {
                builder.record(&rec)?;
                records += 1;
                encode_lines(&[Line::Record(rec.to_json())], at)
            }
            Item::Entry(e) => {
                entry_seq += 1;
                builder.journal(e.seq, &Stored::bytes(&e, at))?;
                encode_lines(
                    &[Line::Entry(EntryLine {
                        entry: e,
                        last: false,
                    })],
                    at,
                )
            }
        };
        buf.extend_from_slice(&bytes);
        done += 1;
        if buf.len() >= 1 << 20 {
            log.append_bytes(&buf)?;
            written += buf.len() as u64;
            buf.clear();
            progress(done, total);
        }
        Ok(())
    })?;
    if records != observed.records || entry_seq != observed.entries {
        return Err(invalid(
            "the file changed between its two readings; import it again".to_string(),
        ));
    }
    let (end, _) = encode_lines(
        &[Line::Imported(ImportEnd {
            next: observed.next.clone(),
            seq: observed.seq,
        })],
        0,
    );
    buf.extend_from_slice(&end);
    log.append_bytes(&buf)?;
    log.sync_data()?;
    progress(total, total);
    Ok(())
}
