//! Reading the journal log by byte offset: one entry where the journal tree says its
//! line starts, and where every entry's line starts.

use super::{io_err, Line, MadeLine};
use crate::store::{JournalEntry, Result, StoreError};
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::Path;

/// Where each journal entry's line starts in the log, by sequence number, at 8 bytes an
/// entry (the one part of `check` and of a compaction that grows with the journal).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Offsets(Vec<u64>);

/// Marks an entry the log holds no line for (no line starts that far into a file).
const NOT_HELD: u64 = u64::MAX;

impl Offsets {
    /// Where entry `seq`'s line starts, when the log holds one.
    pub fn get(&self, seq: u64) -> Option<u64> {
        let at = *self.0.get(usize::try_from(seq).ok()?)?;
        (at != NOT_HELD).then_some(at)
    }

    /// Every entry's place, in order (tests read the table whole).
    #[cfg(test)]
    pub fn all(&self) -> Vec<Option<u64>> {
        (0..self.0.len() as u64).map(|s| self.get(s)).collect()
    }
}

/// Reads the journal entry whose line starts at byte `at` of `file` (the log at `path`).
/// An imported entry written as a `made` line takes its after value from the record
/// line it points at.
pub fn read_entry_at(file: &File, path: &Path, at: u64) -> Result<JournalEntry> {
    let raw = read_line_at(file, path, at)?;
    let line = super::frame::read(&raw).map_err(|why| damaged_at(path, at, why))?;
    match serde_json::from_slice::<Line>(line.content()) {
        Ok(Line::Entry(e)) => Ok(e.entry),
        Ok(Line::Made(m)) => {
            let MadeLine { mut entry, record } = m;
            // its record's line comes before it in the block
            let value = if record < at {
                let raw = read_line_at(file, path, record)?;
                let line = super::frame::read(&raw).map_err(|why| damaged_at(path, record, why))?;
                match serde_json::from_slice::<Line>(line.content()) {
                    Ok(Line::Record(v)) => Some(v),
                    _ => None,
                }
            } else {
                None
            };
            let own = |v: &serde_json::Value| {
                v.get("id").and_then(|i| i.as_str()) == Some(entry.id.to_string().as_str())
            };
            match value.filter(own) {
                Some(v) if entry.after.is_none() => {
                    entry.after = Some(v);
                    Ok(entry)
                }
                _ => Err(damaged_at(
                    path,
                    at,
                    format!("entry {} points at no record line of its own", entry.seq),
                )),
            }
        }
        Ok(_) => Err(damaged_at(path, at, "no journal entry starts there")),
        Err(e) => Err(damaged_at(path, at, e)),
    }
}

/// The line starting at byte `at` of `file` (the log at `path`), without its newline.
pub fn read_line_at(file: &File, path: &Path, at: u64) -> Result<Vec<u8>> {
    use std::os::unix::fs::FileExt;
    let mut buf = vec![0u8; 4096];
    let mut len = 0usize;
    loop {
        if len == buf.len() {
            buf.resize(buf.len() * 2, 0);
        }
        let n = file
            .read_at(&mut buf[len..], at + len as u64)
            .map_err(|e| io_err(path, e))?;
        if let Some(end) = buf[len..len + n].iter().position(|&b| b == b'\n') {
            buf.truncate(len + end);
            return Ok(buf);
        }
        if n == 0 {
            return Err(damaged_at(path, at, "the line there is cut short"));
        }
        len += n;
    }
}

/// Where the line of each journal entry starts, by sequence number: a quick scan that
/// reads only each line's opening bytes. Sequence numbers run from the start with no
/// gaps and each entry has a line at least as long as the shorter opening, so no seq
/// past the log's length over that is looked for: a damaged counter (or line) cannot
/// make the table outgrow the log.
pub fn entry_offsets(path: &Path, entries: u64) -> Result<Offsets> {
    const OPENING: &[u8] = b"{\"entry\":{\"seq\":";
    // an imported entry whose after value is a record line of its block
    const MADE: &[u8] = b"{\"made\":{\"seq\":";
    let file = match File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Offsets::default()),
        Err(e) => return Err(io_err(path, e)),
    };
    let len = file.metadata().map_err(|e| io_err(path, e))?.len();
    let limit = entries.min(len / MADE.len().min(OPENING.len()) as u64 + 2);
    let mut out = Vec::with_capacity(usize::try_from(limit).unwrap_or(0));
    let mut reader = BufReader::with_capacity(1 << 20, file);
    let mut buf = Vec::new();
    let mut at = 0u64;
    loop {
        buf.clear();
        let n = reader
            .read_until(b'\n', &mut buf)
            .map_err(|e| io_err(path, e))?;
        if n == 0 || buf.last() != Some(&b'\n') {
            return Ok(Offsets(out));
        }
        if let Some(rest) = buf.strip_prefix(OPENING).or_else(|| buf.strip_prefix(MADE)) {
            let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
            let seq = std::str::from_utf8(&rest[..digits])
                .ok()
                .and_then(|d| d.parse::<usize>().ok());
            if let Some(seq) = seq.filter(|s| (*s as u64) < limit) {
                if out.len() <= seq {
                    out.resize(seq + 1, NOT_HELD);
                }
                out[seq] = at;
            }
        }
        at += n as u64;
    }
}

pub(super) fn damaged_at(path: &Path, at: u64, why: impl std::fmt::Display) -> StoreError {
    StoreError::invalid(format!(
        "journal log {} is damaged at byte {at}: {why}",
        path.display()
    ))
}
