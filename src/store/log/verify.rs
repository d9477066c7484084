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
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Places {
    /// Each record's newest value: the line of the entry that set it, or of the import's
    /// record line (`Latest`), or none when its newest entry deleted it.
    pub latest: std::collections::BTreeMap<crate::model::Id, Option<Latest>>,
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

/// What is being read and not yet acknowledged: the open operation's or import's
/// places, taken into [`Places`] when it closes.
#[derive(Default)]
struct Pending {
    latest: Vec<(crate::model::Id, Option<Latest>)>,
    entries: Vec<u64>,
    next: Vec<(char, u64)>,
}

/// Verifies the log at `path` (a missing log verifies as empty), replaying its values
/// when `replay` is set. A line without its newline at the end is a torn write, not
/// damage: it is left out.
pub fn verify(path: &Path, replay: bool) -> Result<Verified> {
    verify_with(path, replay, None)
}

/// [`verify`], also gathering the [`Places`] of the acknowledged operations when given.
pub fn verify_with(path: &Path, replay: bool, mut places: Option<&mut Places>) -> Result<Verified> {
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
    let mut pending = Pending::default();
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
        let gather = places.is_some();
        let step = checker.line(buf).and_then(|content| {
            let line: RawLine = serde_json::from_slice(&content).map_err(|e| e.to_string())?;
            if gather {
                note_places(&line, at, import.is_some(), &mut pending)?;
            }
            follow(line, replay, &mut seq, &mut group, &mut import, &mut out)
        });
        if let Err(why) = step {
            out.damage = Some(Damage {
                line: line_no,
                byte: at,
                why,
            });
            return Ok(out);
        }
        out.lines += 1;
        pending_lines += 1;
        if group.is_none() && import.is_none() {
            // an operation or import closed here: what it did is acknowledged
            out.clean_len = at + buf.len() as u64;
            pending_lines = 0;
            if let Some(p) = places.as_deref_mut() {
                let done = std::mem::take(&mut pending);
                p.latest.extend(done.latest);
                p.entries.extend(done.entries);
                for (k, n) in done.next {
                    let e = p.next.entry(k).or_default();
                    *e = (*e).max(n);
                }
            }
        }
    }
    out.torn_lines = pending_lines;
    Ok(out)
}

/// Notes where the line at byte `at` puts a record's newest value or an entry.
fn note_places(
    line: &RawLine<'_>,
    at: u64,
    in_import: bool,
    pending: &mut Pending,
) -> std::result::Result<(), String> {
    let id = |s: &str| s.parse::<crate::model::Id>().map_err(|e| e.to_string());
    match line {
        RawLine::Entry(e) => {
            pending.entries.push(at);
            if !in_import {
                let latest = e.after.map(|_| Latest::Entry(at));
                pending.latest.push((id(e.id)?, latest));
            }
        }
        RawLine::Made(_) => pending.entries.push(at),
        RawLine::Record(v) => {
            let rid = serde_json::from_str::<HasId>(v.get())
                .map_err(|_| "a record without an id".to_string())?
                .id;
            pending.latest.push((id(rid)?, Some(Latest::Record(at))));
        }
        RawLine::Imported(end) => pending.next.extend(end.next.iter().map(|(k, n)| (*k, *n))),
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
