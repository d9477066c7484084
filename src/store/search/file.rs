//! The search file (`search.idx`): every searched record's texts in one flat file beside
//! the database, so `weft search` answers without opening sled, whose opening alone
//! costs as much as fzf's whole pass at a million records.
//!
//! The file is derived and disposable; the database stays the only truth. It is current
//! when its last trailer names the journal log exactly as it is (its length and a
//! checksum of its end) and this build's schema: every change to the records appends to
//! the log, so a file that matches the log holds what the records hold. A file that does
//! not match, is cut short, or fails a checksum is never read; `weft search` then opens
//! the database and writes the file afresh. Commits keep it current by appending what
//! they changed ([`Store::track_search_file`]), only when it was current before them.
//!
//! Scoring is the same [`Scorer`] the database's search uses, on the same texts, so both
//! give the same hits in the same order (`tests.rs` compares them).

use super::score::{top_by, Scorer};
use crate::model::Id;
use crate::store::{Change, Result, State, Store, StoreError, SCHEMA_VERSION};
use format::{parse_entry, push_entry, Entry, Parsed, Trailer, LOG_TAIL, MAGIC, TRAILER_LEN};
use std::collections::HashSet;
use std::fs;
use std::io::{self, Write};
use std::os::unix::fs::{FileExt, OpenOptionsExt};
use std::path::Path;

mod format;

/// The file's name in the workspace directory.
pub const FILE: &str = "search.idx";
/// Where a fresh file is written before it is renamed into place.
pub const NEW_FILE: &str = "search.idx.new";

/// How much the file may grow by commits' sections before a search writes it afresh:
/// this much, or a quarter of the base, whichever is more.
const APPENDED_MAX: u64 = 8 << 20;

/// How much of the base is read and scored at a time.
const CHUNK: usize = 4 << 20;

/// Whether a store keeps the search file current as it commits.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Tracking {
    /// Not looked at yet: the first commit looks.
    #[default]
    Unknown,
    /// Current before the last commit, which appended to it.
    Current,
    /// Missing or out of date: left to the next search to write afresh.
    Off,
}

/// A search result as the command line prints it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TitledHit {
    pub id: Id,
    pub score: i64,
    /// The short search text (`--json` prints it).
    pub text: String,
    /// The record's title.
    pub title: String,
}

/// The journal log's length and the checksum of its last [`LOG_TAIL`] bytes.
fn log_tail(dir: &Path) -> io::Result<(u64, u32)> {
    let f = match fs::File::open(dir.join(crate::store::log::LOG_FILE)) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok((0, crc32fast::hash(&[]))),
        Err(e) => return Err(e),
    };
    let len = f.metadata()?.len();
    let from = len.saturating_sub(LOG_TAIL);
    let mut tail = vec![0; (len - from) as usize];
    f.read_exact_at(&mut tail, from)?;
    Ok((len, crc32fast::hash(&tail)))
}

fn open_private(path: &Path, append: bool) -> io::Result<fs::File> {
    let mut o = fs::OpenOptions::new();
    o.mode(0o600);
    if append {
        o.append(true);
    } else {
        o.write(true).create(true).truncate(true);
    }
    o.open(path)
}

/// Removes the file, so nothing reads it until a search writes it afresh.
fn drop_file(dir: &Path) {
    let _ = fs::remove_file(dir.join(FILE));
}

/// The trailer closing `entries`, for a workspace at `state` whose log is `log`.
fn trailer(entries: &[u8], state: &State, log: (u64, u32), base: bool) -> Trailer {
    Trailer {
        entries_len: entries.len() as u64,
        crc: crc32fast::hash(entries),
        schema: SCHEMA_VERSION,
        seq: state.seq,
        log_len: log.0,
        log_tail: log.1,
        base,
    }
}

/// The file's last trailer, if it has one.
fn last_trailer(f: &fs::File) -> io::Result<Option<Trailer>> {
    let len = f.metadata()?.len();
    if len < (MAGIC.len() + TRAILER_LEN) as u64 {
        return Ok(None);
    }
    let mut b = [0u8; TRAILER_LEN];
    f.read_exact_at(&mut b, len - TRAILER_LEN as u64)?;
    Ok(Trailer::parse(&b))
}

/// A base section being written record by record, beside a database being built (a
/// compaction's, an upgrade's or an import's staging directory), so the workspace swapped
/// in has a current search file and its first search need not write one.
pub(crate) struct BaseWriter {
    dir: std::path::PathBuf,
    out: io::BufWriter<fs::File>,
    crc: crc32fast::Hasher,
    len: u64,
    scratch: Vec<u8>,
}

impl BaseWriter {
    pub fn create(dir: &Path) -> io::Result<BaseWriter> {
        let mut out = io::BufWriter::new(open_private(&dir.join(NEW_FILE), false)?);
        out.write_all(MAGIC)?;
        Ok(BaseWriter {
            dir: dir.to_path_buf(),
            out,
            crc: crc32fast::Hasher::new(),
            len: 0,
            scratch: Vec::new(),
        })
    }

    /// Adds a record (one not searched is left out).
    pub fn record(&mut self, rec: &crate::model::Record) -> io::Result<()> {
        if !crate::store::index::is_searched(rec.id().kind) {
            return Ok(());
        }
        self.scratch.clear();
        push_entry(&mut self.scratch, rec.id(), Some(rec));
        self.crc.update(&self.scratch);
        self.len += self.scratch.len() as u64;
        self.out.write_all(&self.scratch)
    }

    /// Closes the section for the workspace at `state` whose journal log is now final,
    /// and renames the file into place.
    pub fn seal(self, state: &State) -> io::Result<()> {
        let BaseWriter {
            dir, out, crc, len, ..
        } = self;
        let log = log_tail(&dir)?;
        let end = Trailer {
            entries_len: len,
            crc: crc.finalize(),
            schema: SCHEMA_VERSION,
            seq: state.seq,
            log_len: log.0,
            log_tail: log.1,
            base: true,
        };
        let mut f = out.into_inner().map_err(|e| e.into_error())?;
        f.write_all(&end.to_bytes())?;
        drop(f);
        fs::rename(dir.join(NEW_FILE), dir.join(FILE))
    }
}

impl Store {
    /// Writes the search file afresh from the records, and renames it into place.
    pub fn write_search_file(&mut self) -> Result<()> {
        let io = |e: io::Error| StoreError::Io {
            path: self.path.join(NEW_FILE),
            source: e,
        };
        let mut entries = Vec::new();
        for kind in crate::model::Kind::ALL {
            if !crate::store::index::is_searched(kind) {
                continue;
            }
            for rec in self.records(kind) {
                let rec = rec?;
                push_entry(&mut entries, rec.id(), Some(&rec));
            }
        }
        let log = log_tail(&self.path).map_err(io)?;
        let end = trailer(&entries, &self.state, log, true);
        let new = self.path.join(NEW_FILE);
        let mut f = io::BufWriter::new(open_private(&new, false).map_err(io)?);
        f.write_all(MAGIC).map_err(io)?;
        f.write_all(&entries).map_err(io)?;
        f.write_all(&end.to_bytes()).map_err(io)?;
        f.into_inner().map_err(|e| io(e.into_error()))?;
        // not synced: a file torn by a crash fails its checksums and is written again
        fs::rename(&new, self.path.join(FILE)).map_err(io)?;
        self.search_file = Tracking::Current;
        Ok(())
    }

    /// After a commit that moved the workspace from `before` (sequence number and log
    /// length) to its state now: appends what `changes` did to the search file when the
    /// file was current before it, else removes it. Never fails the commit: a file that
    /// cannot be written is removed, and the next search writes it afresh.
    pub(crate) fn track_search_file(&mut self, before: (u64, u64), changes: &[Change]) {
        if self.search_file == Tracking::Unknown {
            let current = fs::File::open(self.path.join(FILE))
                .and_then(|f| last_trailer(&f))
                .ok()
                .flatten()
                .is_some_and(|t| t.schema == SCHEMA_VERSION && (t.seq, t.log_len) == before);
            self.search_file = if current {
                Tracking::Current
            } else {
                drop_file(&self.path);
                Tracking::Off
            };
        }
        if self.search_file != Tracking::Current {
            return;
        }
        let mut entries = Vec::new();
        for c in changes {
            let id = c.id();
            if crate::store::index::is_searched(id.kind) {
                push_entry(&mut entries, id, c.after.as_ref());
            }
        }
        let appended = log_tail(&self.path).and_then(|log| {
            let end = trailer(&entries, &self.state, log, false);
            let mut section = entries;
            section.extend_from_slice(&end.to_bytes());
            open_private(&self.path.join(FILE), true)?.write_all(&section)
        });
        if appended.is_err() {
            drop_file(&self.path);
            self.search_file = Tracking::Off;
        }
    }
}

impl Store {
    /// `weft search`'s whole pass: the best `limit` hits for `query` with their titles,
    /// and what opening the workspace repaired, if it was opened. A current search file
    /// answers under the workspace's lock without opening the database; otherwise the
    /// workspace is opened, the file written afresh and read, or, where it cannot be
    /// written, the database searched.
    pub fn search_workspace(
        dir: &Path,
        opts: &crate::store::OpenOptions,
        query: &str,
        limit: usize,
    ) -> Result<(Vec<TitledHit>, Vec<String>)> {
        if crate::store::open::holds_db(dir) {
            let _lock = crate::store::open::take_lock(dir, opts.wait)?;
            // a file that cannot be read is one more reason to open the database
            if let Ok(Some(hits)) = search(dir, query, limit) {
                return Ok((hits, Vec::new()));
            }
        }
        let mut store = Store::open(dir, opts)?;
        let notices = store.notices().to_vec();
        if store.write_search_file().is_ok() {
            if let Ok(Some(hits)) = search(dir, query, limit) {
                return Ok((hits, notices));
            }
        }
        let mut out = Vec::new();
        for h in store.search(query, limit)? {
            let title = store.get(h.id)?.map(|r| r.title());
            out.push(TitledHit {
                id: h.id,
                score: h.score,
                title: title.unwrap_or_else(|| h.text.clone()),
                text: h.text,
            });
        }
        Ok((out, notices))
    }
}

/// A section of the file: where its entries are, and its trailer.
struct Section {
    start: u64,
    trailer: Trailer,
}

/// The sections of a current file, newest first (the base last), or `None` when the
/// file is not current: another schema, a log that moved on, a cut or foreign tail, or
/// more appended than a search should wade through.
fn sections(f: &fs::File, dir: &Path) -> io::Result<Option<Vec<Section>>> {
    let len = f.metadata()?.len();
    let head = MAGIC.len() as u64;
    let mut magic = [0u8; MAGIC.len()];
    if len < head + TRAILER_LEN as u64 {
        return Ok(None);
    }
    f.read_exact_at(&mut magic, 0)?;
    if &magic != MAGIC {
        return Ok(None);
    }
    let mut out: Vec<Section> = Vec::new();
    let mut end = len;
    loop {
        let Some(body_end) = end.checked_sub(TRAILER_LEN as u64).filter(|&e| e >= head) else {
            return Ok(None);
        };
        let mut b = [0u8; TRAILER_LEN];
        f.read_exact_at(&mut b, body_end)?;
        let Some(t) = Trailer::parse(&b) else {
            return Ok(None);
        };
        if out.is_empty() {
            let log = log_tail(dir)?;
            if t.schema != SCHEMA_VERSION || (t.log_len, t.log_tail) != log {
                return Ok(None);
            }
        }
        let Some(start) = body_end.checked_sub(t.entries_len).filter(|&s| s >= head) else {
            return Ok(None);
        };
        out.push(Section { start, trailer: t });
        if t.base {
            if start != head {
                return Ok(None);
            }
            let appended = len - (body_end + TRAILER_LEN as u64);
            let most = APPENDED_MAX.max(t.entries_len / 4);
            return Ok((appended <= most).then_some(out));
        }
        end = start;
    }
}

/// Scores one entry as the database's two-phase search would: its short text, and a
/// long note's whole text, the better of the two.
fn score_entry(scorer: &Scorer, e: &Entry) -> Option<i64> {
    let t = e.texts?;
    let short = scorer.score(e.id, t.short);
    let long = t.body.and_then(|b| scorer.score_long(e.id, b));
    short.max(long)
}

/// A match: the record, its score, and where its entry starts in the file.
type Found = (Id, i64, u64);

/// Scores `entries` (each with its offset) on this thread with `scorer` and on up to
/// `threads - 1` more, each with a scorer of its own for the same query.
fn score_all(scorer: &Scorer, threads: usize, entries: &[(u64, Entry)], out: &mut Vec<Found>) {
    let run = |scorer: &Scorer, part: &[(u64, Entry)]| -> Vec<Found> {
        part.iter()
            .filter_map(|(at, e)| score_entry(scorer, e).map(|s| (e.id, s, *at)))
            .collect()
    };
    if threads <= 1 || entries.len() < 4096 {
        out.extend(run(scorer, entries));
        return;
    }
    let per = entries.len().div_ceil(threads);
    let mut parts = entries.chunks(per);
    let mine = parts.next().unwrap_or_default();
    let query = scorer.query.as_str();
    std::thread::scope(|scope| {
        let handles: Vec<_> = parts
            .map(|part| scope.spawn(move || run(&Scorer::new(query), part)))
            .collect();
        out.extend(run(scorer, mine));
        for h in handles {
            // a scoring thread cannot panic on any text; should it, its part is lost
            // rather than the search
            out.extend(h.join().unwrap_or_default());
        }
    });
}

/// Parses every entry of `bytes` (which start at file offset `at`); `None` if any is
/// bad or cut. Returns the entries and how many bytes they took.
fn parse_run(bytes: &[u8], at: u64, whole: bool) -> Option<(Vec<(u64, Entry<'_>)>, usize)> {
    let mut out = Vec::new();
    let mut pos = 0;
    while pos < bytes.len() {
        match parse_entry(&bytes[pos..]) {
            Parsed::Entry(e, n) => {
                out.push((at + pos as u64, e));
                pos += n;
            }
            Parsed::Short if !whole => break,
            _ => return None,
        }
    }
    Some((out, pos))
}

/// Searches the file in `dir` for `query`: the best `limit` hits, or `None` when the
/// file is missing or not current. The caller holds the workspace's lock.
pub fn search(dir: &Path, query: &str, limit: usize) -> io::Result<Option<Vec<TitledHit>>> {
    let f = match fs::File::open(dir.join(FILE)) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    let Some(sections) = sections(&f, dir)? else {
        return Ok(None);
    };
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(8));
    let scorer = Scorer::new(query);
    let mut found: Vec<Found> = Vec::new();
    let mut seen: HashSet<Id> = HashSet::new();
    let (base, appended) = sections.split_last().expect("sections end with the base");
    // newest first: what a later commit wrote wins
    for s in appended {
        let mut bytes = vec![0; s.trailer.entries_len as usize];
        f.read_exact_at(&mut bytes, s.start)?;
        if crc32fast::hash(&bytes) != s.trailer.crc {
            return Ok(None);
        }
        let Some((entries, _)) = parse_run(&bytes, s.start, true) else {
            return Ok(None);
        };
        let fresh: Vec<(u64, Entry)> = entries
            .into_iter()
            .rev()
            .filter(|(_, e)| seen.insert(e.id))
            .collect();
        score_all(&scorer, threads, &fresh, &mut found);
    }
    let mut crc = crc32fast::Hasher::new();
    let mut buf: Vec<u8> = Vec::with_capacity(CHUNK);
    let (mut at, end) = (base.start, base.start + base.trailer.entries_len);
    // `at` is where `buf` starts in the file; `read` how far the file is read
    let mut read = at;
    while read < end || !buf.is_empty() {
        let want = (CHUNK.saturating_sub(buf.len()) as u64).min(end - read) as usize;
        let old = buf.len();
        buf.resize(old + want, 0);
        f.read_exact_at(&mut buf[old..], read)?;
        crc.update(&buf[old..]);
        read += want as u64;
        let Some((entries, used)) = parse_run(&buf, at, read == end) else {
            return Ok(None);
        };
        if used == 0 && want == 0 {
            return Ok(None);
        }
        let live: Vec<(u64, Entry)> = if seen.is_empty() {
            entries
        } else {
            entries
                .into_iter()
                .filter(|(_, e)| !seen.contains(&e.id))
                .collect()
        };
        score_all(&scorer, threads, &live, &mut found);
        buf.drain(..used);
        at += used as u64;
    }
    if crc.finalize() != base.trailer.crc {
        return Ok(None);
    }
    let best = top_by(&mut found, limit, |&(id, score, _)| (score, id));
    let mut out = Vec::with_capacity(best.len());
    for &(id, score, at) in best.iter() {
        out.push(entry_at(&f, at)?.map(|(text, title)| TitledHit {
            id,
            score,
            text,
            title,
        }));
    }
    Ok(out.into_iter().collect())
}

/// The short text and title of the entry at `at`.
fn entry_at(f: &fs::File, at: u64) -> io::Result<Option<(String, String)>> {
    let mut len = 64 << 10;
    loop {
        let file_len = f.metadata()?.len();
        let n = (len as u64).min(file_len.saturating_sub(at)) as usize;
        let mut b = vec![0; n];
        f.read_exact_at(&mut b, at)?;
        match parse_entry(&b) {
            Parsed::Entry(e, _) => {
                return Ok(e
                    .texts
                    .map(|t| (t.short.to_string(), t.title().to_string())))
            }
            Parsed::Short if n == len => len *= 4,
            _ => return Ok(None),
        }
    }
}

#[cfg(test)]
mod tests;
