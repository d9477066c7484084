//! `weft import` as a stream: the file is read once, never held. Each item is checked
//! as it passes (keeping only ids, the few references to records later in the file, and
//! the question tree's parents) and written, in batches, into a fresh workspace in the
//! staging directory beside the target, journal log included. What needs the whole file
//! (references forward, the counters, no loop of sub-questions) is settled at its end.
//! The staging workspace is then swapped in like a compaction's: the import lands whole
//! or not at all, in memory bounded by the number of ids, and the result is laid out as
//! compactly as sled writes.

use super::compact::Builder;
use super::journal::Stored;
use super::log::{encode_lines, line_in, BlockWriter, ImportEnd, ImportStart, Line};
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
            let rec = Record::from_json_ref(e.id.kind, v).map_err(|err| {
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

/// Everything in a workspace file that is not a record or a journal entry.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Header {
    pub next: BTreeMap<char, u64>,
    pub seq: u64,
    pub name: Option<String>,
}

/// What a reading of a file found, once [`Validator::settle`] accepted it: its
/// counters and how much it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Observed {
    pub next: BTreeMap<char, u64>,
    pub seq: u64,
    pub records: u64,
    pub entries: u64,
}

/// A reading of the file: it calls its argument with each item, in file order, and
/// returns the file's header.
pub type Pass<'a> = dyn FnMut(&mut dyn FnMut(Item) -> Result<()>) -> Result<Header> + 'a;

/// What a refused import does with the workspace it was to fill: one the import
/// itself created is removed again, so a refused file leaves nothing behind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// The workspace was there before: it stays (empty, as it was).
    Keep,
    /// The import created the workspace's files in an empty directory: they go.
    RemoveWorkspace,
    /// The import created the directory too: it goes with them.
    RemoveDirectory,
}

impl Store {
    /// Loads a workspace file into this (empty) workspace in one reading, without
    /// holding the file: `pass` gives every item, each checked by a [`Validator`] and
    /// written into a staging workspace beside this one, which is swapped in only once
    /// the whole file is read and accepted. Returns what was loaded, the workspace
    /// closed (its first open finds sled's snapshot written). Refused, the workspace is
    /// as it was (or gone, as `refused` says).
    pub fn import_stream(
        self,
        pass: &mut Pass<'_>,
        refused: Refused,
    ) -> Result<super::bulk::Imported> {
        if !self.is_empty() {
            return Err(StoreError::NotEmpty(self.path.clone()));
        }
        // the workspace's own name, when it has one, wins over the file's
        let named = self.given_name().is_some();
        let mut imported = None;
        let staged = self.stage_rebuild(
            false,
            super::compact::Apply::OnThread,
            &mut |_, _| {},
            &mut |staging, builder, _| {
                let (observed, name) = write_import(staging, builder, pass)?;
                if let Some(n) = name.filter(|_| !named) {
                    super::check_name(&n)?;
                    super::name::write_name(staging, &n)?;
                }
                imported = Some(super::bulk::Imported {
                    records: observed.records as usize,
                    journal: observed.entries as usize,
                });
                let mut state = builder.counted.clone();
                state.next = observed.next;
                state.seq = observed.seq;
                state.log_len = super::log::file_len(staging)?;
                Ok(state)
            },
        );
        match (staged, imported) {
            (Ok(staged), Some(done)) => self.swap(staged).map(|_| done),
            (Err(e), _) => {
                let _ = match refused {
                    Refused::Keep => Ok(()),
                    Refused::RemoveWorkspace => self.remove_workspace(false),
                    Refused::RemoveDirectory => self.remove_workspace(true),
                };
                Err(e)
            }
            (Ok(_), None) => Err(invalid("the import wrote nothing".to_string())),
        }
    }

    /// Removes this workspace, which a refused import created: its files, under its
    /// lock until the last, and its directory too when `and_directory`. A process
    /// waiting for the lock meanwhile finds the lock file gone and does not take it.
    fn remove_workspace(self, and_directory: bool) -> Result<()> {
        let Store {
            db,
            trees,
            log,
            path,
            _lock,
            ..
        } = self;
        drop(trees);
        drop(log);
        drop(db);
        let io = |p: &std::path::Path| {
            let p = p.to_path_buf();
            move |source| StoreError::Io { path: p, source }
        };
        let lock = path.join(super::LOCK_FILE);
        for entry in std::fs::read_dir(&path).map_err(io(&path))?.flatten() {
            let p = entry.path();
            if p == lock {
                continue;
            }
            let gone = if entry.file_type().is_ok_and(|t| t.is_dir()) {
                std::fs::remove_dir_all(&p)
            } else {
                std::fs::remove_file(&p)
            };
            gone.map_err(io(&p))?;
        }
        std::fs::remove_file(&lock).map_err(io(&lock))?;
        if and_directory {
            std::fs::remove_dir(&path).map_err(io(&path))?;
        }
        drop(_lock);
        Ok(())
    }
}

/// Writes the file's one reading into `builder` and the staging directory's journal
/// log (one import block, synced), checking every item on the way; returns what the
/// file holds and the name it gives.
fn write_import(
    staging: &std::path::Path,
    builder: &mut Builder,
    pass: &mut Pass<'_>,
) -> Result<(Observed, Option<String>)> {
    let mut log = super::log::Log::open(staging)?;
    log.sync = false;
    let mut validator = Validator::new();
    let mut block = BlockWriter::new();
    // The block's first line counts what follows, known only at the end: it is written
    // now with the width it will have and filled in last.
    let mut chain = log.chain()?;
    // the first line is written again at the end with the same frame
    let first = chain.clone();
    let (mut buf, _) = encode_lines(&[start_line(0, 0)], 0, &mut chain);
    let mut written = 0u64;
    let header = pass(&mut |item| {
        let at = written + buf.len() as u64;
        match item {
            Item::Record(rec) => {
                validator.observe_record(&rec)?;
                let bytes = rec.to_bytes();
                block.record(rec.id(), &bytes, at, &mut chain, &mut buf);
                builder.record_encoded(&rec, bytes)?;
            }
            Item::Entry(e) => {
                validator.observe_entry(&e)?;
                builder.journal(e.seq, &Stored::bytes(&e, at))?;
                // a record line is still in `buf` or already in the log
                let line = block.entry(e, at, &mut |from| match from.checked_sub(written) {
                    Some(i) => Ok(line_in(&buf, i)),
                    None => log.line_at(from),
                })?;
                line.encode(&mut chain, &mut buf);
            }
        }
        if buf.len() >= 1 << 20 {
            log.append_bytes(&buf, chain.clone())?;
            written += buf.len() as u64;
            buf.clear();
        }
        Ok(())
    })?;
    let observed = validator.settle(&header.next, header.seq)?;
    let (end, _) = encode_lines(
        &[Line::Imported(ImportEnd {
            next: observed.next.clone(),
            seq: observed.seq,
        })],
        0,
        &mut chain,
    );
    buf.extend_from_slice(&end);
    log.append_bytes(&buf, chain)?;
    let (start, _) = encode_lines(
        &[start_line(observed.records, observed.entries)],
        0,
        &mut first.clone(),
    );
    overwrite_start(staging, &start)?;
    log.sync_data()?;
    Ok((observed, header.name))
}

fn start_line(records: u64, entries: u64) -> Line {
    Line::Import(ImportStart { records, entries })
}

/// Writes the import's first line, `line`, over the one reserved at the start of the
/// staging log (the log itself only appends).
fn overwrite_start(staging: &std::path::Path, line: &[u8]) -> Result<()> {
    use std::os::unix::fs::FileExt;
    let path = staging.join(super::log::LOG_FILE);
    std::fs::OpenOptions::new()
        .write(true)
        .open(&path)
        .and_then(|f| f.write_all_at(line, 0))
        .map_err(|source| StoreError::Io { path, source })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_start_line_has_one_width_and_reads_back() {
        let widths: Vec<usize> = [(0, 0), (7, 12), (u64::MAX, u64::MAX)]
            .iter()
            .map(|&(r, e)| {
                let mut chain = super::super::log::Chain::start("ab12cd34".into());
                encode_lines(&[start_line(r, e)], 0, &mut chain).0
            })
            .map(|line| {
                let text = std::str::from_utf8(&line).unwrap();
                // read as the log reads it: the spaces stay, only the newline goes
                let raw = text.strip_suffix('\n').unwrap().as_bytes();
                let framed = super::super::log::frame::read(raw).unwrap();
                let read: Line = serde_json::from_slice(framed.content()).unwrap();
                assert!(matches!(read, Line::Import(_)), "{text}");
                line.len()
            })
            .collect();
        assert_eq!(widths, [super::super::log::IMPORT_START_WIDTH; 3]);
    }
}
