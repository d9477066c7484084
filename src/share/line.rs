//! A member's journal file in the shared repository, `journal/<writer>.jsonl`: one
//! operation per line, framed like the workspace's own journal log (the writer, its
//! number for the line, the sum of the line before and the line's own sum), so a line
//! changed, removed or reordered after it was pushed breaks the chain. Only its writer
//! ever appends to it, so git never has to merge two versions of it.

use super::merge::Op;
use crate::store::log::frame::{self, Chain, GENESIS};
use serde::{Deserialize, Serialize};
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Seek, SeekFrom, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

/// `O_NOFOLLOW`: a file of the repository is never read through a symlink a member
/// committed.
const NOFOLLOW: i32 = rustix::fs::OFlags::NOFOLLOW.bits() as i32;

/// The folder of the journal files in the shared repository.
pub const JOURNAL_DIR: &str = "journal";

/// The journal file of writer `w` in the repository `repo`.
pub fn path_of(repo: &Path, w: &str) -> PathBuf {
    repo.join(JOURNAL_DIR).join(format!("{w}.jsonl"))
}

/// A line's content: `{"op":{…}}`.
#[derive(Serialize, Deserialize)]
struct Content {
    op: Op,
}

/// Appends `op` to `out` as a framed line.
pub fn encode(op: &Op, chain: &mut Chain, out: &mut Vec<u8>) {
    let content = serde_json::to_vec(&Content { op: op.clone() }).unwrap_or_default();
    chain.frame(&content, None, true, out);
}

/// How far this workspace has read a member's journal file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reading {
    /// Lines applied (the next line's number).
    pub n: u64,
    /// Where the next line starts.
    pub offset: u64,
    /// The sum of the last line applied (the next line's `prev`).
    pub prev: u64,
    /// The Lamport clock of the last line applied: a writer's clock only grows, so the
    /// next line's is larger (the merge reads each file in order on that promise).
    #[serde(default)]
    pub lamport: u64,
}

/// One line read: its operation and where reading stands after it.
#[derive(Debug, Clone)]
pub struct Read {
    pub op: Op,
    pub after: Reading,
}

/// Why a member's journal file is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    /// The line (from 1), when one is to blame.
    pub line: Option<u64>,
    pub why: String,
}

fn refused(line: Option<u64>, why: impl Into<String>) -> Refused {
    Refused {
        line,
        why: why.into(),
    }
}

fn open(path: &Path) -> std::io::Result<File> {
    OpenOptions::new()
        .read(true)
        .custom_flags(NOFOLLOW)
        .open(path)
}

/// How many whole lines writer `w`'s file at `path` holds past `read`, counted without
/// reading them: an upper bound on the operations a sync would take in from it, for
/// choosing how ([`Lines`] checks each one as it reads it).
pub fn count_after(path: &Path, read: &Reading) -> Result<u64, Refused> {
    let lines = Lines::open(path, "", read)?;
    let mut reader = lines.reader;
    let mut count = 0u64;
    loop {
        let buf = reader
            .fill_buf()
            .map_err(|e| refused(None, format!("cannot be read: {e}")))?;
        if buf.is_empty() {
            return Ok(count);
        }
        count += buf.iter().filter(|b| **b == b'\n').count() as u64;
        let n = buf.len();
        reader.consume(n);
    }
}

/// The lines of writer `w`'s file past a reading, one at a time, each checked against
/// the one before: a file of a million lines is read in the memory of one.
pub struct Lines {
    reader: BufReader<File>,
    w: String,
    at: Reading,
    line: Vec<u8>,
}

impl Lines {
    /// Opens writer `w`'s file at `path` to read past `read`.
    pub fn open(path: &Path, w: &str, read: &Reading) -> Result<Lines, Refused> {
        let cant = |e: std::io::Error| refused(None, format!("cannot be read: {e}"));
        let mut file = open(path).map_err(cant)?;
        let len = file.metadata().map_err(cant)?.len();
        if len < read.offset {
            return Err(refused(
                Some(read.n),
                format!(
                    "was cut short after it was pushed: it holds {len} bytes, and {} were applied",
                    read.offset
                ),
            ));
        }
        file.seek(SeekFrom::Start(read.offset)).map_err(cant)?;
        Ok(Lines {
            reader: BufReader::with_capacity(1 << 20, file),
            w: w.to_string(),
            at: read.clone(),
            line: Vec::new(),
        })
    }

    /// The next whole line, or `None` at the end (a last line without its newline, cut
    /// by a crash, is left out).
    pub fn next_read(&mut self) -> Result<Option<Read>, Refused> {
        self.line.clear();
        let got = self
            .reader
            .read_until(b'\n', &mut self.line)
            .map_err(|e| refused(None, format!("cannot be read: {e}")))?;
        if got == 0 || !self.line.ends_with(b"\n") {
            return Ok(None);
        }
        let at = &mut self.at;
        let (op, sum) = check_line(&self.line, &self.w, at.n, at.prev)
            .map_err(|why| refused(Some(at.n + 1), why))?;
        if op.lamport <= at.lamport {
            return Err(refused(
                Some(at.n + 1),
                format!(
                    "its clock {} does not follow the line before's {}",
                    op.lamport, at.lamport
                ),
            ));
        }
        at.lamport = op.lamport;
        at.prev = sum;
        at.n += 1;
        at.offset += self.line.len() as u64;
        Ok(Some(Read {
            op,
            after: at.clone(),
        }))
    }
}

/// Every line of writer `w`'s file at `path` past `read` (see [`Lines`]).
pub fn read_new(path: &Path, w: &str, read: &Reading) -> Result<Vec<Read>, Refused> {
    let mut lines = Lines::open(path, w, read)?;
    let mut out = Vec::new();
    while let Some(r) = lines.next_read()? {
        out.push(r);
    }
    Ok(out)
}

/// Checks one line (its newline included) as line `n` of writer `w`, after a line whose
/// sum was `prev`: the operation and the line's own sum.
fn check_line(raw: &[u8], w: &str, n: u64, prev: u64) -> Result<(Op, u64), String> {
    let line = raw.strip_suffix(b"\n").unwrap_or(raw);
    let (content, fr) = match frame::read(line) {
        Ok(frame::Read::Framed { content, frame }) => (content, frame),
        Ok(frame::Read::Legacy(_)) => return Err("it carries no checksum".into()),
        Err(why) => return Err(why.into()),
    };
    if fr.writer != w {
        return Err(format!("it names writer {}, not {w}", fr.writer));
    }
    if fr.n != n {
        return Err(format!("it is numbered {}, where {n} was due", fr.n));
    }
    if fr.prev != prev {
        return Err("the chain is broken: it does not follow the line before".into());
    }
    let c: Content =
        serde_json::from_slice(&content).map_err(|e| format!("it does not read: {e}"))?;
    let mut op = c.op;
    op.w = w.to_string();
    op.n = n;
    Ok((op, fr.sum))
}

/// The refusal of a journal file (its bytes, read from `text` a line at a time) that
/// changed where it may only have grown: the first line that no longer checks, or, when
/// every line still checks (the file rewritten with fresh sums), the file as a whole.
pub fn first_altered(mut text: impl BufRead, w: &str) -> Refused {
    let (mut n, mut prev) = (0u64, GENESIS);
    let mut raw = Vec::new();
    loop {
        raw.clear();
        match text.read_until(b'\n', &mut raw) {
            Ok(_) if raw.ends_with(b"\n") => {}
            _ => break,
        }
        match check_line(&raw, w, n, prev) {
            Ok((_, sum)) => prev = sum,
            Err(why) => {
                return refused(
                    Some(n + 1),
                    format!("was altered after it was pushed: {why}"),
                )
            }
        }
        n += 1;
    }
    refused(
        None,
        "was rewritten after it was pushed: lines already taken in were replaced, their sums made afresh",
    )
}

/// Whether the stream `now` begins with every byte of the stream `was`: a journal file
/// that only grew.
pub fn grew_from(mut was: impl BufRead, mut now: impl std::io::Read) -> std::io::Result<bool> {
    let mut theirs = vec![0u8; 1 << 16];
    loop {
        let ours = was.fill_buf()?;
        if ours.is_empty() {
            return Ok(true);
        }
        let n = ours.len().min(theirs.len());
        let got = &mut theirs[..n];
        match now.read_exact(got) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(false),
            Err(e) => return Err(e),
        }
        if got[..] != ours[..n] {
            return Ok(false);
        }
        was.consume(n);
    }
}

/// This member's own file: cut back to its last whole line (a crash can leave half of
/// one), the lines past `read` (written, but not yet taken in by this workspace's merge
/// state when a sync was interrupted), where reading stands and where the chain stands.
pub fn own_file(
    path: &Path,
    w: &str,
    read: &Reading,
) -> Result<(Vec<Op>, Reading, Chain), Refused> {
    OpenOptions::new()
        .append(true)
        .create(true)
        .mode(0o600)
        .custom_flags(NOFOLLOW)
        .open(path)
        .map_err(|e| refused(None, format!("cannot be written: {e}")))?;
    let got = read_new(path, w, read)?;
    let at = got.last().map_or_else(|| read.clone(), |r| r.after.clone());
    let ops = got.into_iter().map(|r| r.op).collect();
    let file = OpenOptions::new()
        .write(true)
        .custom_flags(NOFOLLOW)
        .open(path)
        .map_err(|e| refused(None, format!("cannot be written: {e}")))?;
    let len = file.metadata().map(|m| m.len()).unwrap_or(at.offset);
    if len > at.offset {
        file.set_len(at.offset)
            .and_then(|_| file.sync_data())
            .map_err(|e| refused(None, format!("cannot be repaired: {e}")))?;
    }
    let chain = Chain {
        writer: w.to_string(),
        n: at.n,
        prev: at.prev,
    };
    Ok((ops, at, chain))
}

/// Appends `bytes` to this member's own file and syncs it.
pub fn append_own(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut file = OpenOptions::new()
        .append(true)
        .create(true)
        .mode(0o600)
        .custom_flags(NOFOLLOW)
        .open(path)?;
    file.write_all(bytes)?;
    file.sync_data()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_grew_when_it_begins_with_every_byte_it_had() {
        let grew = |was: &[u8], now: &[u8]| grew_from(was, now).unwrap();
        assert!(grew(b"", b""));
        assert!(grew(b"", b"a\n"));
        assert!(grew(b"a\nb\n", b"a\nb\nc\n"));
        assert!(grew(b"a\nb\n", b"a\nb\n"));
        assert!(!grew(b"a\nb\n", b"a\n"), "cut short");
        assert!(!grew(b"a\nb\n", b"A\nb\nc\n"), "a line changed");
        // past the comparison's buffer
        let long: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        let mut longer = long.clone();
        longer.extend_from_slice(b"more\n");
        assert!(grew(&long, &longer));
        let mut changed = longer.clone();
        changed[150_000] ^= 1;
        assert!(!grew(&long, &changed));
    }
    use crate::model::{Id, Kind};

    fn op(lamport: u64) -> Op {
        Op {
            w: String::new(),
            n: 0,
            lamport,
            seen: Default::default(),
            seq: 0,
            time: chrono::Utc::now(),
            user: "a".into(),
            op: "add note".into(),
            id: Id::new(Kind::Note, lamport),
            before: None,
            after: None,
        }
    }

    /// A file of lines with these clocks, written by `0a0a0a0a`.
    fn file(dir: &Path, clocks: &[u64]) -> PathBuf {
        let mut chain = Chain {
            writer: "0a0a0a0a".into(),
            n: 0,
            prev: GENESIS,
        };
        let mut bytes = Vec::new();
        for c in clocks {
            encode(&op(*c), &mut chain, &mut bytes);
        }
        let path = dir.join("0a0a0a0a.jsonl");
        std::fs::write(&path, bytes).unwrap();
        path
    }

    #[test]
    fn lines_read_back_in_order_and_resume_where_they_stopped() {
        let dir = tempfile::tempdir().unwrap();
        let path = file(dir.path(), &[1, 2, 5]);
        let all = read_new(&path, "0a0a0a0a", &Reading::default()).unwrap();
        let clocks: Vec<u64> = all.iter().map(|r| r.op.lamport).collect();
        assert_eq!(clocks, [1, 2, 5]);
        assert_eq!(all[2].op.n, 2);
        let rest = read_new(&path, "0a0a0a0a", &all[0].after).unwrap();
        assert_eq!(rest.len(), 2);
        assert_eq!(rest[1].after, all[2].after);
        assert!(read_new(&path, "0a0a0a0a", &all[2].after)
            .unwrap()
            .is_empty());
    }

    #[test]
    fn a_clock_that_does_not_grow_is_refused_at_its_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = file(dir.path(), &[1, 3, 3]);
        let err = read_new(&path, "0a0a0a0a", &Reading::default()).unwrap_err();
        assert_eq!(err.line, Some(3), "{err:?}");
        assert!(err.why.contains("clock 3"), "{err:?}");
        // resumed after the second line, as a later sync does, the third is refused
        // all the same: the reading keeps the clock it stopped at
        let dir2 = tempfile::tempdir().unwrap();
        let two = read_new(&file(dir2.path(), &[1, 3]), "0a0a0a0a", &Reading::default()).unwrap();
        let err = read_new(&path, "0a0a0a0a", &two[1].after).unwrap_err();
        assert_eq!(err.line, Some(3), "{err:?}");
    }

    #[test]
    fn a_file_read_as_another_writers_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = file(dir.path(), &[1]);
        let err = read_new(&path, "1b1b1b1b", &Reading::default()).unwrap_err();
        assert_eq!(err.line, Some(1));
        assert!(err.why.contains("names writer 0a0a0a0a"), "{err:?}");
    }
}
