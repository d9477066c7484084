//! Writing an import block: its records first, then the imported journal. An entry
//! whose after value is, byte for byte, a record the block already holds is written as
//! a `made` line that points at that record's line, so the block holds each record once
//! (an export's journal creates every record it lists: without this the log held them
//! all twice).

use super::{Chain, EntryLine, ImportEnd, ImportStart, Line, MadeLine};
use crate::model::{Id, Record};
use crate::store::{JournalEntry, Result};
use std::collections::{BTreeMap, HashMap};

/// The content of a record's line, given the record's stored form: what `Line::Record`
/// holds, without building the record's JSON value a second time.
pub fn record_content(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len() + 11);
    out.extend_from_slice(b"{\"record\":");
    out.extend_from_slice(bytes);
    out.push(b'}');
    out
}

/// A record's whole line, framed by `chain`: see [`record_content`].
pub fn record_line(bytes: &[u8], chain: &mut Chain, out: &mut Vec<u8>) {
    chain.frame(&record_content(bytes), None, true, out);
}

/// Writes an import block's record and entry lines, remembering where each record's
/// line starts so that an entry can point at it.
#[derive(Debug, Default)]
pub struct BlockWriter {
    /// Where each record's line starts, by its id.
    records: HashMap<Id, u64>,
}

impl BlockWriter {
    pub fn new() -> BlockWriter {
        BlockWriter::default()
    }

    /// Appends to `out` the line of the record `id` whose stored form is `bytes`; the
    /// line starts at byte `at` of the log.
    pub fn record(&mut self, id: Id, bytes: &[u8], at: u64, chain: &mut Chain, out: &mut Vec<u8>) {
        self.records.insert(id, at);
        record_line(bytes, chain, out);
    }

    /// The line of the imported entry `e`, starting at byte `at` of the log: a `made`
    /// line when its after value is the record line of its id, read back through
    /// `line_at` (the whole line, newline included) and its content compared byte for
    /// byte;
    /// otherwise an entry line.
    pub fn entry(
        &self,
        mut e: JournalEntry,
        at: u64,
        line_at: &mut dyn FnMut(u64) -> Result<Vec<u8>>,
    ) -> Result<Line> {
        let record = match (&e.after, self.records.get(&e.id)) {
            (Some(after), Some(&record)) if record < at => {
                // serialising a JSON value to a Vec cannot fail
                let expected = record_content(&serde_json::to_vec(after).unwrap_or_default());
                (*super::frame::content_of(&line_at(record)?) == *expected).then_some(record)
            }
            _ => None,
        };
        Ok(match record {
            Some(record) => {
                e.after = None;
                Line::Made(MadeLine { entry: e, record })
            }
            None => Line::Entry(EntryLine {
                entry: e,
                last: false,
            }),
        })
    }
}

/// The whole import block of `records` with `journal`, setting the counters, as the
/// bytes appended to a log `base` bytes long, and where each journal entry's line
/// starts.
pub fn encode_import(
    records: &[Record],
    journal: &[JournalEntry],
    next: &BTreeMap<char, u64>,
    seq: u64,
    base: u64,
    chain: &mut Chain,
) -> Result<(Vec<u8>, Vec<u64>)> {
    let mut out = Vec::with_capacity(512 * (records.len() + journal.len()) + 256);
    Line::Import(ImportStart {
        records: records.len() as u64,
        entries: journal.len() as u64,
    })
    .encode(chain, &mut out);
    let mut writer = BlockWriter::new();
    for r in records {
        let at = base + out.len() as u64;
        writer.record(r.id(), &r.to_bytes(), at, chain, &mut out);
    }
    let mut starts = Vec::with_capacity(journal.len());
    for e in journal {
        let at = base + out.len() as u64;
        starts.push(at);
        let line = writer.entry(e.clone(), at, &mut |from| {
            Ok(line_in(&out, from.saturating_sub(base)))
        })?;
        line.encode(chain, &mut out);
    }
    Line::Imported(ImportEnd {
        next: next.clone(),
        seq,
    })
    .encode(chain, &mut out);
    Ok((out, starts))
}

/// The line of `buf` starting at byte `from`, its newline included (all that is left
/// when it has none).
pub fn line_in(buf: &[u8], from: u64) -> Vec<u8> {
    let rest = usize::try_from(from)
        .ok()
        .and_then(|f| buf.get(f..))
        .unwrap_or_default();
    let end = rest
        .iter()
        .position(|&b| b == b'\n')
        .map_or(rest.len(), |i| i + 1);
    rest[..end].to_vec()
}
