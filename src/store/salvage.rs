//! `weft recover --salvage`: a workspace from every intact line of a damaged journal log.
//!
//! Each line is taken on its own: one whose sum fails, whose frame or JSON cannot be
//! read is lost, and so is whatever only it held. The rest is replayed in order: an
//! operation's entries set their records to their after values, an import's record
//! lines set its records, its journal is kept as history. A break in the chain between
//! two intact lines says that lines were removed or moved there. What was lost is
//! reported entry by entry and record by record:
//! - an entry lost to damage; a record it changed that no later intact entry sets again
//!   keeps its last intact value (or, if the lost entry made it, is missing);
//! - a record whose references point at a record that is missing is left out too (a
//!   link whose end was lost cannot stand).
//!
//! The intact entries are numbered afresh from 0 (their groups and undos follow them),
//! so the journal of the rebuilt workspace runs without gaps; the report names entries
//! by their numbers in the damaged log.

use super::bulk::Dump;
use super::error::io_err;
use super::log::lines::{Lines, Next};
use super::log::{frame, Line, MadeLine};
use super::{JournalEntry, Result};
use crate::model::{Id, Record};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

/// What a salvage kept and what it reports lost.
#[derive(Debug, Default)]
pub struct Salvaged {
    pub dump: Dump,
    /// One line each: what was lost, where and why.
    pub lost: Vec<String>,
    /// Damaged lines left out.
    pub lost_lines: u64,
}

/// A damaged line's seq and id, when they can still be made out of its bytes.
fn guess(line: &[u8]) -> (Option<u64>, Option<String>) {
    let text = String::from_utf8_lossy(line);
    let after = |key: &str| text.find(key).map(|i| &text[i + key.len()..]);
    let seq = after("\"seq\":").and_then(|r| {
        let d: String = r.chars().take_while(char::is_ascii_digit).collect();
        d.parse().ok()
    });
    let id = after("\"id\":\"").and_then(|r| {
        let s: String = r
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        s.parse::<Id>().ok().map(|i| i.to_string())
    });
    (seq, id)
}

struct Reader {
    records: BTreeMap<Id, Record>,
    /// Entries kept, in order, with their numbers in the log.
    journal: Vec<JournalEntry>,
    /// The entries of the operation being read.
    group: Vec<JournalEntry>,
    /// Whether an import block is open, and its record lines by where they start.
    import: Option<HashMap<u64, serde_json::Value>>,
    next: BTreeMap<char, u64>,
    /// Lost entries' numbers and ids (when made out).
    lost_entries: Vec<(Option<u64>, Option<Id>)>,
    /// Whether the line before was lost (so the group being read was cut).
    cut: bool,
    report: Vec<String>,
}

impl Reader {
    fn close_group(&mut self) {
        let group = std::mem::take(&mut self.group);
        for e in group {
            self.apply(&e);
            self.journal.push(e);
        }
    }

    fn apply(&mut self, e: &JournalEntry) {
        match e.after.as_ref().map(|v| Record::from_json_ref(e.id.kind, v)) {
            Some(Ok(rec)) => {
                self.records.insert(e.id, rec);
            }
            Some(Err(err)) => self.report.push(format!(
                "entry {} ({} {}): its after value cannot be read ({err}); {} keeps its value from before",
                e.seq, e.op, e.id, e.id
            )),
            None => {
                self.records.remove(&e.id);
            }
        }
    }

    fn line(&mut self, line: Line, at: u64) {
        match line {
            Line::Entry(e) if self.import.is_some() => self.journal.push(e.entry),
            Line::Entry(e) => {
                // a new operation closes one whose last line was lost
                if self.group.first().is_some_and(|g| g.group != e.entry.group) {
                    self.close_group();
                }
                self.group.push(e.entry);
                if e.last {
                    self.close_group();
                }
            }
            Line::Made(m) => {
                let MadeLine { mut entry, record } = m;
                let value = self.import.as_ref().and_then(|r| r.get(&record)).cloned();
                if value.is_none() {
                    self.report.push(format!(
                        "entry {} ({} {}): the record line it points at was lost; kept without its after value",
                        entry.seq, entry.op, entry.id
                    ));
                }
                entry.after = value;
                if entry.after.is_some() || entry.before.is_some() {
                    self.journal.push(entry);
                } else {
                    self.lost_entries.push((Some(entry.seq), Some(entry.id)));
                }
            }
            Line::Import(_) => {
                self.close_group();
                self.import = Some(HashMap::new());
            }
            Line::Record(v) => {
                let id = v
                    .get("id")
                    .and_then(|i| i.as_str())
                    .and_then(|s| s.parse::<Id>().ok());
                match id.map(|id| (id, Record::from_json_ref(id.kind, &v))) {
                    Some((id, Ok(rec))) => {
                        self.records.insert(id, rec);
                        self.import.get_or_insert_with(HashMap::new).insert(at, v);
                    }
                    _ => self.report.push(format!(
                        "the record on the line at byte {at} cannot be read; it is lost"
                    )),
                }
            }
            Line::Imported(end) => {
                self.import = None;
                for (k, n) in end.next {
                    let e = self.next.entry(k).or_default();
                    *e = (*e).max(n);
                }
            }
        }
    }
}

/// Reads every intact line of the log at `path` into a workspace to rebuild, and says
/// what was lost.
pub fn salvage(path: &Path) -> Result<Salvaged> {
    let file = std::fs::File::open(path).map_err(|e| io_err(path, e))?;
    let mut lines = Lines::new(file, path, 0);
    let mut r = Reader {
        records: BTreeMap::new(),
        journal: Vec::new(),
        group: Vec::new(),
        import: None,
        next: BTreeMap::new(),
        lost_entries: Vec::new(),
        cut: false,
        report: Vec::new(),
    };
    let mut lost_lines = 0u64;
    // the sum the next line should name, once a framed line was read whole
    let mut expected: Option<u64> = None;
    let mut legacy = blake3::Hasher::new();
    // whether the chain broke anywhere (lines removed or moved)
    let mut broken = false;
    loop {
        let (start, line_no, buf) = match lines.next()? {
            Next::End => break,
            Next::Cut { start, number } => {
                r.report.push(format!(
                    "line {number} (byte {start}) is cut short: it is lost, and the operation it ends is kept as far as it goes"
                ));
                lost_lines += 1;
                r.cut = true;
                break;
            }
            Next::Whole { start, number, raw } => (start, number, raw),
        };
        let raw = &buf[..buf.len() - 1];
        let read = frame::read(raw).map_err(str::to_string).and_then(|f| {
            let parsed = serde_json::from_slice::<Line>(f.content()).map_err(|e| e.to_string());
            parsed.map(|l| (f, l))
        });
        match read {
            Ok((f, line)) => {
                if let frame::Read::Framed { frame: fr, content } = &f {
                    let want = expected.unwrap_or(if legacy.count() == 0 {
                        frame::GENESIS
                    } else {
                        frame::short(legacy.finalize())
                    });
                    if fr.prev != want {
                        broken = true;
                    }
                    if fr.prev != want && !r.cut {
                        r.report.push(format!(
                            "line {line_no} (byte {start}): the chain breaks before it: lines were removed or moved there"
                        ));
                    }
                    expected = Some(fr.next_prev(content));
                } else {
                    legacy.update(buf);
                }
                r.cut = false;
                r.line(line, start);
            }
            Err(why) => {
                lost_lines += 1;
                r.cut = true;
                let (seq, id) = guess(raw);
                let what = match (seq, &id) {
                    (Some(s), Some(i)) => format!("entry {s} (about {i}) is lost"),
                    (Some(s), None) => format!("entry {s} is lost"),
                    (None, Some(i)) => format!("a line about {i} is lost"),
                    (None, None) => "the line is lost".to_string(),
                };
                r.report.push(format!(
                    "line {line_no} (byte {start}) is damaged ({why}): {what}"
                ));
                r.lost_entries
                    .push((seq, id.and_then(|i| i.parse::<Id>().ok())));
            }
        }
    }
    // an operation at the very end without its last line was never acknowledged,
    // unless the line that would have closed it was lost
    if !r.group.is_empty() {
        let n = crate::model::vocab::counted(r.group.len(), "journal entry", "journal entries");
        let from = r.group[0].seq;
        if r.cut || broken || lost_lines > 0 {
            // the log is damaged: its end may be where lines were lost or moved to
            r.report.push(format!(
                "the operation at the end ({n} from entry {from}) lacks its last line: kept as far as it goes"
            ));
            r.close_group();
        } else {
            r.group.clear();
            r.report.push(format!(
                "an unfinished operation at the end ({n} from entry {from}) was never acknowledged; left out"
            ));
        }
    }
    let mut out = finish(r);
    out.lost_lines = lost_lines;
    Ok(out)
}

/// Accounts for what the lost entries changed, leaves out records whose references
/// were lost, numbers the journal afresh and sets the counters.
fn finish(mut r: Reader) -> Salvaged {
    // each record's newest kept entry: a lost change it follows set the record again
    let mut newest: HashMap<Id, u64> = HashMap::new();
    for e in &r.journal {
        let n = newest.entry(e.id).or_insert(e.seq);
        *n = (*n).max(e.seq);
    }
    for (seq, id) in &r.lost_entries {
        let Some(id) = *id else { continue };
        let set_again = newest.get(&id).is_some_and(|&n| seq.is_none_or(|s| n > s));
        if set_again {
            continue;
        }
        r.report.push(match r.records.contains_key(&id) {
            true => format!("{id}: its history is cut (a change to it was lost); it keeps its last intact value"),
            false => format!("{id}: not rebuilt: no intact line holds a value of it"),
        });
    }
    // records whose references are missing cannot stand: leave them out, in rounds
    loop {
        let present: HashSet<Id> = r.records.keys().copied().collect();
        let mut dropped = Vec::new();
        for (id, rec) in &r.records {
            let mut missing = None;
            let _ = super::rules::references(rec, &mut |target, _, role| {
                if !present.contains(&target) && missing.is_none() {
                    missing = Some((target, role));
                }
                Ok(())
            });
            if let Some((target, role)) = missing {
                dropped.push(*id);
                r.report
                    .push(format!("{id}: left out: its {role} {target} was lost"));
            }
        }
        if dropped.is_empty() {
            break;
        }
        for id in dropped {
            r.records.remove(&id);
        }
    }
    // number the kept entries afresh
    let mut renumbered: HashMap<u64, u64> = HashMap::new();
    let mut groups: HashMap<u64, u64> = HashMap::new();
    let mut journal = Vec::with_capacity(r.journal.len());
    let mut last_group: Option<u64> = None;
    for (i, mut e) in r.journal.into_iter().enumerate() {
        let new = i as u64;
        renumbered.insert(e.seq, new);
        let group = match groups.get(&e.group) {
            Some(&g) if last_group == Some(e.group) => g,
            _ => {
                groups.insert(e.group, new);
                new
            }
        };
        last_group = Some(e.group);
        e.seq = new;
        e.group = group;
        e.undoes = e
            .undoes
            .and_then(|g| groups.get(&g).copied())
            .filter(|g| *g < group);
        journal.push(e);
    }
    for e in &journal {
        let top = r.next.entry(e.id.kind.letter()).or_insert(1);
        *top = (*top).max(e.id.num + 1);
    }
    for id in r.records.keys() {
        let top = r.next.entry(id.kind.letter()).or_insert(1);
        *top = (*top).max(id.num + 1);
    }
    let kept = journal.len() as u64;
    Salvaged {
        dump: Dump {
            next: r.next,
            seq: kept,
            records: r.records.into_values().collect(),
            journal,
            name: None,
        },
        lost: r.report,
        lost_lines: 0,
    }
}
