//! The journal log: a plain append-only file of JSON lines beside the database, written
//! and synced (`fdatasync`) before sled sees a change, so that it alone can rebuild the
//! workspace.
//!
//! Each line is one JSON object with a single key naming its kind:
//!
//! - `{"entry": {...}}` one journal entry, the same fields as the journal tree
//!   ([`JournalEntry`]), plus `"last": true` on the final entry of its operation. An
//!   operation whose last entry is missing was never acknowledged and is dropped.
//! - `{"import": {"records": R, "entries": J}}` (padded to a fixed width) starts an
//!   import; it is followed by `R` `record` lines (each record as exported) and `J`
//!   `entry` or `made` lines (the imported journal, kept but not replayed: the records
//!   stand for its result), in either order (weft writes the records first), and closed
//!   by
//! - `{"imported": {"next": {...}, "seq": S}}`: the import's id counters and journal
//!   length. An import without its closing line was never acknowledged.
//! - `{"made": {..., "after": null, "record": B}}` an imported journal entry (it counts
//!   among the block's `J`) whose after value is the record on the block's line
//!   starting at byte `B`, earlier in the block: the block holds that record once.
//!   Written since schema 5; an older weft refuses the line instead of misreading it.
//!
//! Lines are written in sequence order with serde's field order, so the same history
//! always gives the same bytes: the log can be compared, exchanged and merged later.

use super::error::io_err;
use super::{JournalEntry, Result, StoreError};
use crate::model::{Id, Record};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::io::{Seek, SeekFrom, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

pub use frame::Chain;

/// The file name of the journal log inside a workspace.
pub const LOG_FILE: &str = "journal.log";

/// A journal entry as a log line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EntryLine {
    #[serde(flatten)]
    pub entry: JournalEntry,
    /// True on the final entry of an operation.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub last: bool,
}

/// An imported journal entry whose after value is the record on the line starting at
/// byte `record` of the same import block. `entry.after` is `None` as written; reading
/// the line ([`replay`], [`read_entry_at`]) fills it in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MadeLine {
    #[serde(flatten)]
    pub entry: JournalEntry,
    pub record: u64,
}

/// The start of an import block.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportStart {
    pub records: u64,
    pub entries: u64,
}

/// The end of an import block: the counters the import set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportEnd {
    pub next: BTreeMap<char, u64>,
    pub seq: u64,
}

/// One line of the log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Line {
    Entry(EntryLine),
    Import(ImportStart),
    Record(serde_json::Value),
    Imported(ImportEnd),
    Made(MadeLine),
}

/// An import's first line is padded with spaces to this width (newline included), so a
/// streamed import can write it last, once it has counted what followed, in place.
pub const IMPORT_START_WIDTH: usize = 192;

impl Line {
    /// Appends this line, framed by `chain` ([`frame`]), to `out`.
    pub(super) fn encode(&self, chain: &mut Chain, out: &mut Vec<u8>) {
        // Serialising plain data to a Vec cannot fail.
        if let Ok(content) = serde_json::to_vec(self) {
            let start = matches!(self, Line::Import(_));
            chain.frame(&content, start.then_some(IMPORT_START_WIDTH), !start, out);
        }
    }
}

/// `lines` as the bytes appended to the log, framed by `chain`, with where each line
/// starts counted from `base` (the log's length before the append): a journal entry's
/// place in the log is what the journal tree keeps instead of its values.
pub fn encode_lines(lines: &[Line], base: u64, chain: &mut Chain) -> (Vec<u8>, Vec<u64>) {
    let mut buf = Vec::with_capacity(320 * lines.len());
    let mut starts = Vec::with_capacity(lines.len());
    for l in lines {
        starts.push(base + buf.len() as u64);
        l.encode(chain, &mut buf);
    }
    (buf, starts)
}

/// Log lines for one committed operation, in order, the last one marked.
pub fn operation_lines(entries: &[JournalEntry]) -> Vec<Line> {
    let n = entries.len();
    entries
        .iter()
        .enumerate()
        .map(|(i, e)| {
            Line::Entry(EntryLine {
                entry: e.clone(),
                last: i + 1 == n,
            })
        })
        .collect()
}

/// [`Line::Entry`] borrowing its entry: the same bytes, without a copy of its values.
#[derive(Serialize)]
#[serde(rename_all = "snake_case")]
enum EntryRef<'a> {
    Entry(EntryLineRef<'a>),
}

#[derive(Serialize)]
struct EntryLineRef<'a> {
    #[serde(flatten)]
    entry: &'a JournalEntry,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    last: bool,
}

/// The lines of one committed operation ([`operation_lines`]) as [`encode_lines`]
/// gives them, written from the entries where they are.
pub fn encode_operation(
    entries: &[JournalEntry],
    base: u64,
    chain: &mut Chain,
) -> (Vec<u8>, Vec<u64>) {
    let mut buf = Vec::with_capacity(320 * entries.len());
    let mut starts = Vec::with_capacity(entries.len());
    let mut content = Vec::new();
    for (i, entry) in entries.iter().enumerate() {
        starts.push(base + buf.len() as u64);
        content.clear();
        let line = EntryRef::Entry(EntryLineRef {
            entry,
            last: i + 1 == entries.len(),
        });
        // Serialising plain data to a Vec cannot fail.
        if serde_json::to_writer(&mut content, &line).is_ok() {
            chain.frame(&content, None, true, &mut buf);
        }
    }
    (buf, starts)
}

/// One acknowledged unit of the log, ready to apply.
#[derive(Debug, Clone, PartialEq)]
pub enum Op {
    /// The entries of one operation, oldest first, and where each one's line starts.
    Group(Vec<JournalEntry>, Vec<u64>),
    /// A whole import: the records it loaded, its journal (with where each entry's line
    /// starts) and counters.
    Import {
        records: Vec<Record>,
        journal: Vec<JournalEntry>,
        journal_at: Vec<u64>,
        next: BTreeMap<char, u64>,
        seq: u64,
    },
}

impl Op {
    /// The journal sequence number after this operation.
    pub fn end_seq(&self) -> u64 {
        match self {
            Op::Group(g, _) => g.last().map_or(0, |e| e.seq + 1),
            Op::Import { seq, .. } => *seq,
        }
    }
}

/// The open log of a workspace, appended to by every commit.
#[derive(Debug)]
pub struct Log {
    /// `None` when the workspace's log is missing (damage: nothing is appended and no
    /// empty log is made in its place).
    file: Option<File>,
    path: PathBuf,
    /// Sync after every append (off only for bulk generation).
    pub sync: bool,
    /// What the next line appended carries, once known (read from the log's last line
    /// at the first append).
    chain: Option<Chain>,
}

impl Log {
    /// Opens (creating, owner-only) the log in `dir` for appending.
    pub fn open(dir: &Path) -> Result<Log> {
        Log::open_in(dir, true)
    }

    /// Opens the log in `dir` for appending, creating it only when `create` is set: a
    /// workspace whose database has applied some of its log never gets an empty one in
    /// its place (every read then says the log is missing).
    pub fn open_in(dir: &Path, create: bool) -> Result<Log> {
        let path = dir.join(LOG_FILE);
        let file = OpenOptions::new()
            .create(create)
            .append(true)
            .read(true)
            .mode(0o600)
            .custom_flags(super::open::NOFOLLOW)
            .open(&path);
        let file = match file {
            Ok(f) => Some(f),
            Err(e) if !create && e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(io_err(&path, e)),
        };
        Ok(Log {
            file,
            path,
            sync: true,
            chain: None,
        })
    }

    /// Opens the log file at `path` for reading entries only (a log set aside).
    pub fn open_read(path: &Path) -> Result<Log> {
        let file = OpenOptions::new()
            .read(true)
            .custom_flags(super::open::NOFOLLOW)
            .open(path)
            .map_err(|e| io_err(path, e))?;
        Ok(Log {
            file: Some(file),
            path: path.to_path_buf(),
            sync: false,
            chain: None,
        })
    }

    /// Whether the log file was missing when it was opened (and not made).
    pub fn is_missing(&self) -> bool {
        self.file.is_none()
    }

    /// The open file, or the one-line error that the log is missing.
    fn file(&self) -> Result<&File> {
        self.file.as_ref().ok_or_else(|| {
            StoreError::invalid(format!("journal log {} is missing", self.path.display()))
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// A second handle on the same log file (for a read-only view of the store).
    pub fn try_clone(&self) -> Result<Log> {
        Ok(Log {
            file: match &self.file {
                Some(f) => Some(f.try_clone().map_err(|e| io_err(&self.path, e))?),
                None => None,
            },
            path: self.path.clone(),
            sync: self.sync,
            chain: None,
        })
    }

    /// Appends `lines` in one write and, unless syncing is off, waits until they are on
    /// the disk (`fdatasync`), so they survive a power cut.
    pub fn append(&mut self, lines: &[Line]) -> Result<()> {
        let at = self.size()?;
        let (buf, _, chain) = self.encode(lines, at)?;
        self.append_bytes(&buf, chain)
    }

    /// `lines` framed to follow the log's last line, as [`encode_lines`] gives them, and
    /// the chain after them, which [`Log::append_bytes`] takes once they are written.
    pub fn encode(&mut self, lines: &[Line], base: u64) -> Result<(Vec<u8>, Vec<u64>, Chain)> {
        let mut chain = self.chain()?;
        let (buf, starts) = encode_lines(lines, base, &mut chain);
        Ok((buf, starts, chain))
    }

    /// [`Log::encode`] for the entries of one operation ([`encode_operation`]).
    pub fn encode_operation(
        &mut self,
        entries: &[JournalEntry],
        base: u64,
    ) -> Result<(Vec<u8>, Vec<u64>, Chain)> {
        let mut chain = self.chain()?;
        let (buf, starts) = encode_operation(entries, base, &mut chain);
        Ok((buf, starts, chain))
    }

    /// Where the chain stands at the log's end: read from its last line the first time.
    pub fn chain(&mut self) -> Result<Chain> {
        if let Some(c) = &self.chain {
            return Ok(c.clone());
        }
        let chain = self.chain_at_end()?;
        self.chain = Some(chain.clone());
        Ok(chain)
    }

    fn chain_at_end(&self) -> Result<Chain> {
        let Some((at, line)) = self.last_line()? else {
            return Ok(Chain::start(frame::new_writer()));
        };
        match frame::read(&line) {
            Ok(frame::Read::Framed { content, frame }) => Ok(Chain {
                prev: frame.next_prev(&content),
                n: frame.n + 1,
                writer: frame.writer,
            }),
            // written before lines were framed: the first framed line names their hash
            Ok(frame::Read::Legacy(_)) => {
                let mut hasher = blake3::Hasher::new();
                let file = File::open(&self.path).map_err(|e| io_err(&self.path, e))?;
                let mut whole = std::io::Read::take(file, at + line.len() as u64 + 1);
                hasher
                    .update_reader(&mut whole)
                    .map_err(|e| io_err(&self.path, e))?;
                Ok(Chain::after_legacy(frame::new_writer(), &hasher))
            }
            Err(why) => Err(at::damaged_at(&self.path, at, why)),
        }
    }

    /// The log's last whole line (without its newline) and where it starts; `None` for
    /// an empty log. A log that does not end with a newline is refused: its tail is cut
    /// at open, before anything is appended.
    fn last_line(&self) -> Result<Option<(u64, Vec<u8>)>> {
        match self.size()? {
            0 => Ok(None),
            len => line_ending_at(self.file()?, &self.path, len).map(Some),
        }
    }

    /// Appends lines already encoded ([`Log::encode`]), synced like [`Log::append`];
    /// `chain` is where the chain stands after them.
    pub fn append_bytes(&mut self, buf: &[u8], chain: Chain) -> Result<()> {
        self.chain = None;
        self.file()?
            .write_all(buf)
            .map_err(|e| io_err(&self.path, e))?;
        if self.sync {
            self.sync_data()?;
        }
        self.chain = Some(chain);
        Ok(())
    }

    /// The journal entry whose line starts at byte `at`.
    pub fn entry_at(&self, at: u64) -> Result<JournalEntry> {
        read_entry_at(self.file()?, &self.path, at)
    }

    /// The line starting at byte `at`, its newline included.
    pub fn line_at(&self, at: u64) -> Result<Vec<u8>> {
        let mut line = read_line_at(self.file()?, &self.path, at)?;
        line.push(b'\n');
        Ok(line)
    }

    pub fn sync_data(&self) -> Result<()> {
        self.file()?.sync_data().map_err(|e| io_err(&self.path, e))
    }

    /// Cuts the log back to `len` bytes (an unacknowledged tail) and syncs.
    pub fn truncate(&mut self, len: u64) -> Result<()> {
        self.chain = None;
        self.file()?
            .set_len(len)
            .map_err(|e| io_err(&self.path, e))?;
        self.sync_data()
    }

    /// The log's length in bytes.
    pub fn size(&self) -> Result<u64> {
        match &self.file {
            Some(f) => Ok(f.metadata().map_err(|e| io_err(&self.path, e))?.len()),
            None => Ok(0),
        }
    }
}

/// Where the acknowledged part of a log ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Tail {
    /// The journal sequence number after the last acknowledged operation.
    pub seq: u64,
    /// The length in bytes of the acknowledged part; anything after it is a torn write.
    pub clean_len: u64,
    /// Complete lines after the acknowledged part (a torn operation), dropped on repair.
    pub torn_lines: u64,
}

/// The length of the log in `dir` (0 when there is none).
pub fn file_len(dir: &Path) -> Result<u64> {
    let path = dir.join(LOG_FILE);
    match std::fs::metadata(&path) {
        Ok(m) => Ok(m.len()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(0),
        Err(e) => Err(io_err(&path, e)),
    }
}

/// An import block being read.
struct OpenImport {
    start: ImportStart,
    journal: Vec<JournalEntry>,
    /// Where each journal entry's line starts.
    journal_at: Vec<u64>,
    records: Vec<Record>,
    /// Where each record's line starts, in order.
    records_at: Vec<u64>,
}

impl OpenImport {
    /// The entry of a `made` line, its after value the record it points at.
    fn made(&self, made: MadeLine) -> std::result::Result<JournalEntry, &'static str> {
        let MadeLine { mut entry, record } = made;
        let i = self
            .records_at
            .binary_search(&record)
            .map_err(|_| "an entry pointing at no record line of its import")?;
        let rec = &self.records[i];
        if rec.id() != entry.id || entry.after.is_some() {
            return Err("an entry pointing at another record than its own");
        }
        entry.after = Some(rec.to_json());
        Ok(entry)
    }
}

/// Reads the log's acknowledged operations from byte `offset` (where an operation
/// starts, with journal sequence `seq`), calling `each` with every operation and the
/// byte offset just after it. Returns where the acknowledged part ends. A line that
/// cannot be read followed by readable lines is damage, not a torn write, and is refused
/// with its line number (counted from `offset`).
pub fn replay(
    path: &Path,
    offset: u64,
    seq: u64,
    mut each: impl FnMut(Op, u64) -> Result<()>,
) -> Result<Tail> {
    let mut out = Tail {
        seq,
        clean_len: offset,
        torn_lines: 0,
    };
    let mut file = match File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(out),
        Err(e) => return Err(io_err(path, e)),
    };
    let mut verifier = verifier_at(&file, path, offset)?;
    file.seek(SeekFrom::Start(offset))
        .map_err(|e| io_err(path, e))?;
    let mut lines = lines::Lines::new(file, path, offset);
    let mut group: Vec<JournalEntry> = Vec::new();
    let mut group_at: Vec<u64> = Vec::new();
    let mut import: Option<OpenImport> = None;
    let mut pending = 0u64;
    let mut bad: Option<(u64, u64, String)> = None;
    loop {
        let (line_start, line_no, buf) = match lines.next()? {
            lines::Next::End => break,
            lines::Next::Cut { .. } => {
                pending += 1;
                break; // a torn final line
            }
            lines::Next::Whole { start, number, raw } => (start, number, raw),
        };
        let at = line_start + buf.len() as u64;
        if let Some((l, b, why)) = bad.take() {
            return Err(damaged(path, l, b, why));
        }
        let parsed = verifier
            .line(buf)
            .and_then(|c| serde_json::from_slice::<Line>(&c).map_err(|e| e.to_string()));
        let line: Line = match parsed {
            Ok(l) => l,
            Err(why) => {
                bad = Some((line_no, line_start, why));
                pending += 1;
                continue;
            }
        };
        pending += 1;
        match line {
            Line::Entry(e) => match &mut import {
                Some(open) => {
                    open.journal.push(e.entry);
                    open.journal_at.push(line_start);
                }
                None => {
                    let expected = out.seq + group.len() as u64;
                    if e.entry.seq != expected {
                        return Err(damaged(
                            path,
                            line_no,
                            line_start,
                            format!("entry {} where {expected} was expected", e.entry.seq),
                        ));
                    }
                    let last = e.last;
                    group.push(e.entry);
                    group_at.push(line_start);
                    if last {
                        let g = std::mem::take(&mut group);
                        out.seq += g.len() as u64;
                        each(Op::Group(g, std::mem::take(&mut group_at)), at)?;
                        out.clean_len = at;
                        pending = 0;
                    }
                }
            },
            Line::Made(m) => {
                let Some(open) = &mut import else {
                    return Err(damaged(
                        path,
                        line_no,
                        line_start,
                        "an imported entry outside an import",
                    ));
                };
                let entry = open
                    .made(m)
                    .map_err(|why| damaged(path, line_no, line_start, why))?;
                open.journal.push(entry);
                open.journal_at.push(line_start);
            }
            Line::Import(start) => {
                if import.is_some() || !group.is_empty() {
                    return Err(damaged(
                        path,
                        line_no,
                        line_start,
                        "an import inside an operation",
                    ));
                }
                import = Some(OpenImport {
                    start,
                    journal: Vec::new(),
                    journal_at: Vec::new(),
                    records: Vec::new(),
                    records_at: Vec::new(),
                });
            }
            Line::Record(v) => {
                let Some(open) = &mut import else {
                    return Err(damaged(
                        path,
                        line_no,
                        line_start,
                        "a record outside an import",
                    ));
                };
                let id = v
                    .get("id")
                    .and_then(|i| i.as_str())
                    .and_then(|s| s.parse::<Id>().ok())
                    .ok_or_else(|| damaged(path, line_no, line_start, "a record without an id"))?;
                let rec = Record::from_json(id.kind, v)
                    .map_err(|e| damaged(path, line_no, line_start, format!("{id}: {e}")))?;
                open.records.push(rec);
                open.records_at.push(line_start);
            }
            Line::Imported(end) => {
                let Some(OpenImport {
                    start,
                    journal,
                    journal_at,
                    records,
                    ..
                }) = import.take()
                else {
                    return Err(damaged(
                        path,
                        line_no,
                        line_start,
                        "an import end without its start",
                    ));
                };
                if journal.len() as u64 != start.entries || records.len() as u64 != start.records {
                    return Err(damaged(
                        path,
                        line_no,
                        line_start,
                        "an import with missing lines",
                    ));
                }
                out.seq = end.seq;
                each(
                    Op::Import {
                        records,
                        journal,
                        journal_at,
                        next: end.next,
                        seq: end.seq,
                    },
                    at,
                )?;
                out.clean_len = at;
                pending = 0;
            }
        }
    }
    out.torn_lines = pending;
    Ok(out)
}

fn damaged(path: &Path, line: u64, byte: u64, why: impl std::fmt::Display) -> StoreError {
    StoreError::invalid(format!(
        "journal log {} is damaged at line {line} (byte {byte}): {why}",
        path.display()
    ))
}

/// A verifier standing where the line ending at byte `offset` of `file` leaves the
/// chain (a fresh one at 0).
fn verifier_at(file: &File, path: &Path, offset: u64) -> Result<frame::Verifier> {
    let mut v = frame::Verifier::new();
    if offset == 0 {
        return Ok(v);
    }
    let (at, line) = line_ending_at(file, path, offset)?;
    match frame::read(&line) {
        Ok(frame::Read::Framed { .. }) => {
            let mut raw = line;
            raw.push(b'\n');
            v.resume(&raw);
        }
        Ok(frame::Read::Legacy(_)) => {
            // every line up to here was written before frames: hash them as they were
            let mut lines = lines::Lines::new(std::io::Read::take(file, offset), path, 0);
            while let lines::Next::Whole { raw, .. } = lines.next()? {
                v.line(raw).map_err(|why| at::damaged_at(path, at, why))?;
            }
        }
        Err(why) => return Err(at::damaged_at(path, at, why)),
    }
    Ok(v)
}

/// The whole line of `file` that ends (newline included) at byte `end`, without its
/// newline, and where it starts.
pub(super) fn line_ending_at(file: &File, path: &Path, end: u64) -> Result<(u64, Vec<u8>)> {
    use std::os::unix::fs::FileExt;
    let mut window = 4096u64;
    loop {
        let from = end.saturating_sub(window);
        let mut buf = vec![0u8; (end - from) as usize];
        file.read_exact_at(&mut buf, from)
            .map_err(|e| io_err(path, e))?;
        if buf.last() != Some(&b'\n') {
            return Err(at::damaged_at(path, end, "no line ends there"));
        }
        let body = &buf[..buf.len() - 1];
        match body.iter().rposition(|&b| b == b'\n') {
            Some(i) => return Ok((from + i as u64 + 1, body[i + 1..].to_vec())),
            None if from == 0 => return Ok((0, body.to_vec())),
            None => window *= 4,
        }
    }
}

mod at;
mod block;
pub mod frame;
pub(super) mod lines;
pub mod verify;
pub use at::{entry_offsets, read_entry_at, read_line_at, Offsets};
pub use block::{encode_import, line_in, record_line, BlockWriter};

#[cfg(test)]
mod tests;
