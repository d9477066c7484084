//! Verifying a whole journal log, streaming: every line's sum, the chain from line to
//! line and each writer's numbering, the order of operations and imports, and (when
//! asked) what replaying it gives, as one sum over the records, to compare with the
//! database's without holding either in memory.
//!
//! The replayed sum adds, for each acknowledged operation, the hash of every entry's
//! after value and takes away that of its before value; an import adds its records
//! (its journal is history, not replayed). Since the records a database holds are the
//! log's after values written as they are, the two sums are equal exactly when replaying
//! gives the same records (up to a collision of 128-bit hashes).

use super::lines::{Lines, Next};
use super::{frame, io_err, Result};
use serde::Deserialize;
use serde_json::value::RawValue;
use std::fs::File;
use std::path::Path;

/// The first thing wrong with a log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Damage {
    /// Counted from 1.
    pub line: u64,
    pub byte: u64,
    pub why: String,
}

impl std::fmt::Display for Damage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "damaged at line {} (byte {}): {}",
            self.line, self.byte, self.why
        )
    }
}

/// Where the acknowledged log says each record's value is, and where each journal entry
/// is: what a recovery builds the database from, without holding a record.
///
/// Each record's changes are kept packed, 16 bytes a change (its id, and the line with
/// its tag), in the order the log gives them, then sorted once the log is read, keeping
/// each record's newest ([`Places::latest`]): at 1M records 20 MB, where a map of ids
/// took about three times that.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Places {
    /// Each record's changes, packed ([`pack_id`], [`pack_place`]); after
    /// [`Places::settle`], one per record, its newest, in id order.
    changes: Vec<(u64, u64)>,
    /// Where each journal entry's line starts, in sequence order.
    pub entries: Vec<u64>,
    /// The id counters the imports set (the records' own ids raise them further).
    pub next: std::collections::BTreeMap<char, u64>,
}

/// A line holding a record's newest value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Latest {
    /// The after value of the entry on the line starting here.
    Entry(u64),
    /// The record line starting here (in an import).
    Record(u64),
}

/// The bits of a packed id that hold its number (the kind takes the three above them).
const NUM_BITS: u32 = 61;
/// The bits of a packed place that hold the line's byte (its tag takes the two above).
const AT_BITS: u32 = 62;
const AT_MASK: u64 = (1 << AT_BITS) - 1;
const DELETED: u64 = 0;
const ENTRY: u64 = 1;
const RECORD: u64 = 2;

/// An id as one number ordered as ids are: its kind, then its number.
fn pack_id(id: crate::model::Id) -> std::result::Result<u64, String> {
    let kind = crate::model::Kind::ALL
        .iter()
        .position(|k| *k == id.kind)
        .unwrap_or_default() as u64;
    if id.num >> NUM_BITS != 0 {
        return Err(format!("the id {id} is too large"));
    }
    Ok(kind << NUM_BITS | id.num)
}

fn unpack_id(packed: u64) -> crate::model::Id {
    let kind = crate::model::Kind::ALL[(packed >> NUM_BITS) as usize];
    crate::model::Id::new(kind, packed & ((1 << NUM_BITS) - 1))
}

/// A record's value as of the line at byte `at`: `latest`, or none when deleted there.
fn pack_place(at: u64, latest: Option<Latest>) -> u64 {
    let tag = match latest {
        None => DELETED,
        Some(Latest::Entry(_)) => ENTRY,
        Some(Latest::Record(_)) => RECORD,
    };
    tag << AT_BITS | (at & AT_MASK)
}

fn unpack_place(packed: u64) -> Option<Latest> {
    let at = packed & AT_MASK;
    match packed >> AT_BITS {
        ENTRY => Some(Latest::Entry(at)),
        RECORD => Some(Latest::Record(at)),
        _ => None,
    }
}

impl Places {
    /// Notes that the line at byte `at` sets record `id` to `latest` (none: deletes it).
    /// Lines come in the log's order.
    fn note(
        &mut self,
        id: crate::model::Id,
        at: u64,
        latest: Option<Latest>,
    ) -> std::result::Result<(), String> {
        self.changes.push((pack_id(id)?, pack_place(at, latest)));
        Ok(())
    }

    /// Keeps each record's newest change only, in id order. Sorting by id, then by the
    /// line's byte, puts each record's newest last: the log is read in order.
    fn settle(&mut self) {
        self.changes
            .sort_unstable_by_key(|&(id, place)| (id, place & AT_MASK));
        let mut kept = 0;
        for i in 0..self.changes.len() {
            let last = self
                .changes
                .get(i + 1)
                .is_none_or(|n| n.0 != self.changes[i].0);
            if last {
                self.changes[kept] = self.changes[i];
                kept += 1;
            }
        }
        self.changes.truncate(kept);
        self.changes.shrink_to_fit();
    }

    /// Each record's newest value, in id order: where it is, or none when its newest
    /// change deleted it.
    pub fn latest(&self) -> impl Iterator<Item = (crate::model::Id, Option<Latest>)> + '_ {
        self.changes
            .iter()
            .map(|&(id, place)| (unpack_id(id), unpack_place(place)))
    }
}

/// What a verification found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Verified {
    /// The bytes of the acknowledged part: anything after it was never acknowledged.
    pub clean_len: u64,
    /// Whole lines after the acknowledged part (an unfinished operation), and whether
    /// the log ends in a cut line.
    pub torn_lines: u64,
    /// Whole lines read (up to the damage, if any).
    pub lines: u64,
    /// Journal entries of acknowledged operations and imports.
    pub entries: u64,
    pub damage: Option<Damage>,
    /// The replayed records' sum ([`value_hash`] of each), when replaying was asked for.
    pub values: Option<u128>,
}

/// The hash of one record's value as the sums add it: its id and its bytes.
pub fn value_hash(id: &str, bytes: &[u8]) -> u128 {
    let mut h = blake3::Hasher::new();
    h.update(id.as_bytes());
    h.update(&[0]);
    h.update(bytes);
    let b = h.finalize();
    let mut x = [0u8; 16];
    x.copy_from_slice(&b.as_bytes()[..16]);
    u128::from_le_bytes(x)
}

/// An entry's fields the sums need, borrowed from the line.
#[derive(Deserialize)]
struct RawEntry<'a> {
    seq: u64,
    #[serde(borrow)]
    id: &'a str,
    #[serde(borrow, default)]
    before: Option<&'a RawValue>,
    #[serde(borrow, default)]
    after: Option<&'a RawValue>,
    #[serde(default)]
    last: bool,
}

#[derive(Deserialize)]
struct RawStart {
    records: u64,
    entries: u64,
}

#[derive(Deserialize)]
struct RawEnd {
    seq: u64,
    #[serde(default)]
    next: std::collections::BTreeMap<char, u64>,
}

#[derive(Deserialize)]
struct HasId<'a> {
    #[serde(borrow)]
    id: &'a str,
}

#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum RawLine<'a> {
    #[serde(borrow)]
    Entry(RawEntry<'a>),
    Made(serde::de::IgnoredAny),
    Import(RawStart),
    #[serde(borrow)]
    Record(&'a RawValue),
    Imported(RawEnd),
}

/// An import being read: what it said it holds, what it held so far, and its records'
/// sum (counted once it is closed).
struct Import {
    start: RawStart,
    records: u64,
    entries: u64,
    values: u128,
}

/// The places gathered so far: those of acknowledged operations, then those of the
/// open operation or import, which count only once it closes.
#[derive(Default)]
struct Gathered {
    places: Places,
    /// How many changes and entries of `places` are acknowledged.
    kept: (usize, usize),
    /// The id counters the open import sets.
    next: Vec<(char, u64)>,
}

impl Gathered {
    /// What was read up to here is acknowledged.
    fn close(&mut self) {
        self.kept = (self.places.changes.len(), self.places.entries.len());
        for (k, n) in self.next.drain(..) {
            let e = self.places.next.entry(k).or_default();
            *e = (*e).max(n);
        }
    }

    /// The acknowledged places, settled ([`Places::settle`]).
    fn finish(mut self) -> Places {
        self.places.changes.truncate(self.kept.0);
        self.places.entries.truncate(self.kept.1);
        self.places.settle();
        self.places
    }
}

/// Verifies the log at `path` (a missing log verifies as empty), replaying its values
/// when `replay` is set. A line without its newline at the end is a torn write, not
/// damage: it is left out.
pub fn verify(path: &Path, replay: bool) -> Result<Verified> {
    verify_with(path, replay, None)
}

/// [`verify`], also gathering the [`Places`] of the acknowledged operations when given.
pub fn verify_with(path: &Path, replay: bool, places: Option<&mut Places>) -> Result<Verified> {
    let file = match File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Verified::default()),
        Err(e) => return Err(io_err(path, e)),
    };
    let mut lines = Lines::new(file, path, 0);
    let mut out = Verified {
        values: replay.then_some(0),
        ..Verified::default()
    };
    let mut checker = frame::Verifier::new();
    // the operation being read: its next entry's number and its values so far
    let mut seq = 0u64;
    let mut group: Option<(u64, u128)> = None;
    let mut import: Option<Import> = None;
    let mut gathered = places.is_some().then(Gathered::default);
    let mut pending_lines = 0u64;
    loop {
        let (at, line_no, buf) = match lines.next()? {
            Next::End => break,
            Next::Cut { .. } => {
                pending_lines += 1;
                break;
            }
            Next::Whole { start, number, raw } => (start, number, raw),
        };
        let step = checker.line(buf).and_then(|content| {
            let line: RawLine = serde_json::from_slice(&content).map_err(|e| e.to_string())?;
            if let Some(g) = gathered.as_mut() {
                note_places(&line, at, import.is_some(), g)?;
            }
            follow(line, replay, &mut seq, &mut group, &mut import, &mut out)
        });
        if let Err(why) = step {
            out.damage = Some(Damage {
                line: line_no,
                byte: at,
                why,
            });
            break;
        }
        out.lines += 1;
        pending_lines += 1;
        if group.is_none() && import.is_none() {
            // an operation or import closed here: what it did is acknowledged
            out.clean_len = at + buf.len() as u64;
            pending_lines = 0;
            if let Some(g) = gathered.as_mut() {
                g.close();
            }
        }
    }
    if out.damage.is_none() {
        out.torn_lines = pending_lines;
    }
    if let (Some(p), Some(g)) = (places, gathered) {
        *p = g.finish();
    }
    Ok(out)
}

/// Notes where the line at byte `at` puts a record's newest value or an entry.
fn note_places(
    line: &RawLine<'_>,
    at: u64,
    in_import: bool,
    gathered: &mut Gathered,
) -> std::result::Result<(), String> {
    let places = &mut gathered.places;
    let id = |s: &str| s.parse::<crate::model::Id>().map_err(|e| e.to_string());
    match line {
        RawLine::Entry(e) => {
            places.entries.push(at);
            if !in_import {
                let latest = e.after.map(|_| Latest::Entry(at));
                places.note(id(e.id)?, at, latest)?;
            }
        }
        RawLine::Made(_) => places.entries.push(at),
        RawLine::Record(v) => {
            let rid = serde_json::from_str::<HasId>(v.get())
                .map_err(|_| "a record without an id".to_string())?
                .id;
            places.note(id(rid)?, at, Some(Latest::Record(at)))?;
        }
        RawLine::Imported(end) => gathered.next.extend(end.next.iter().map(|(k, n)| (*k, *n))),
        RawLine::Import(_) => {}
    }
    Ok(())
}

/// Takes one line's place in the sequence of operations and imports.
fn follow(
    line: RawLine<'_>,
    replay: bool,
    seq: &mut u64,
    group: &mut Option<(u64, u128)>,
    import: &mut Option<Import>,
    out: &mut Verified,
) -> std::result::Result<(), String> {
    let hash = |id: &str, v: Option<&RawValue>| match (replay, v) {
        (true, Some(v)) => value_hash(id, v.get().as_bytes()),
        _ => 0,
    };
    match line {
        RawLine::Entry(e) => {
            if let Some(open) = import {
                open.entries += 1;
                return Ok(());
            }
            let expected = group.map_or(*seq, |(next, _)| next);
            if e.seq != expected {
                return Err(format!("entry {} where {expected} was expected", e.seq));
            }
            let (_, sum) = group.get_or_insert((expected, 0));
            *sum = sum
                .wrapping_add(hash(e.id, e.after))
                .wrapping_sub(hash(e.id, e.before));
            let sum = *sum;
            if e.last {
                *seq = e.seq + 1;
                *group = None;
                out.entries = *seq;
                if let Some(v) = &mut out.values {
                    *v = v.wrapping_add(sum);
                }
            } else {
                *group = Some((e.seq + 1, sum));
            }
        }
        RawLine::Made(_) => match import {
            Some(open) => open.entries += 1,
            None => return Err("an imported entry outside an import".into()),
        },
        RawLine::Import(start) => {
            if import.is_some() || group.is_some() {
                return Err("an import inside an operation".into());
            }
            *import = Some(Import {
                start,
                records: 0,
                entries: 0,
                values: 0,
            });
        }
        RawLine::Record(v) => {
            let Some(open) = import else {
                return Err("a record outside an import".into());
            };
            let id = serde_json::from_str::<HasId>(v.get())
                .map_err(|_| "a record without an id".to_string())?
                .id;
            open.records += 1;
            open.values = open.values.wrapping_add(hash(id, Some(v)));
        }
        RawLine::Imported(end) => {
            let Some(open) = import.take() else {
                return Err("an import end without its start".into());
            };
            if open.records != open.start.records || open.entries != open.start.entries {
                return Err("an import with missing lines".into());
            }
            *seq = end.seq;
            out.entries = end.seq;
            if let Some(v) = &mut out.values {
                *v = v.wrapping_add(open.values);
            }
        }
    }
    Ok(())
}
