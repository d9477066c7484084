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

use crate::model::Id;
use crate::store::{Change, Result, State, Store, StoreError, SCHEMA_VERSION};
use format::{push_entry, Trailer, LOG_TAIL, MAGIC, TRAILER_LEN};
use std::fs;
use std::io::{self, Write};
use std::os::unix::fs::{FileExt, OpenOptionsExt};
use std::path::Path;

mod cursor;
mod format;
mod read;

pub use cursor::{Cursor, Stepped};
pub(super) use read::score_entry;
pub use read::{digest, is_current, search, Digest};

/// The file's name in the workspace directory.
pub const FILE: &str = "search.idx";
/// Where a fresh file is written before it is renamed into place.
pub const NEW_FILE: &str = "search.idx.new";

/// How much the file may grow by commits' sections before a search writes it afresh:
/// this much, or a quarter of the base, whichever is more.
const APPENDED_MAX: u64 = 8 << 20;

/// How much of the base is read and scored at a time by a whole search.
const CHUNK: usize = 4 << 20;

/// How much of the base one read takes when a pass reads it in steps (the finder's).
pub const STEP_READ: usize = 256 << 10;

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

/// The oldest schema whose search texts this build reads as its own: schema 5 changed
/// only the journal log's import blocks, so a file written under 4 stays current.
const TEXTS_SINCE: u32 = 4;

/// Whether texts derived under `schema` are what this build derives.
fn current_schema(schema: u32) -> bool {
    (TEXTS_SINCE..=SCHEMA_VERSION).contains(&schema)
}

/// The journal log's length and the checksum of its last [`LOG_TAIL`] bytes.
fn log_tail(dir: &Path) -> io::Result<(u64, u32)> {
    let f = match open_read(&dir.join(crate::store::log::LOG_FILE)) {
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

/// Opens a file of the workspace for reading, never through a symlink.
fn open_read(path: &Path) -> io::Result<fs::File> {
    fs::OpenOptions::new()
        .read(true)
        .custom_flags(crate::store::open::NOFOLLOW)
        .open(path)
}

fn open_private(path: &Path, append: bool) -> io::Result<fs::File> {
    let mut o = fs::OpenOptions::new();
    o.mode(0o600).custom_flags(crate::store::open::NOFOLLOW);
    if append {
        o.append(true);
    } else {
        o.write(true).create(true).truncate(true);
    }
    o.open(path)
}

/// The trailer closing entries of `entries_len` bytes whose checksum is `crc`, for a
/// workspace at `state` whose log is `log`.
fn trailer(entries_len: u64, crc: u32, state: &State, log: (u64, u32), base: bool) -> Trailer {
    Trailer {
        entries_len,
        crc,
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
        let dir = self.dir.clone();
        self.close(state)?;
        fs::rename(dir.join(NEW_FILE), dir.join(FILE))
    }

    /// Closes the section for the workspace at `state`, leaving the file beside the
    /// workspace under its temporary name.
    fn close(self, state: &State) -> io::Result<()> {
        let BaseWriter {
            dir, out, crc, len, ..
        } = self;
        let end = trailer(len, crc.finalize(), state, log_tail(&dir)?, true);
        let mut f = out.into_inner().map_err(|e| e.into_error())?;
        f.write_all(&end.to_bytes())
    }
}

/// A search file written whole beside the workspace (under its temporary name) for the
/// records as they were at a journal sequence and log length, waiting to be put in place
/// ([`Store::install_search_file`]).
#[derive(Debug)]
#[must_use]
pub struct Built {
    seq: u64,
    log_len: u64,
}

impl Store {
    /// Writes the search file afresh from the records, and renames it into place.
    pub fn write_search_file(&mut self) -> Result<()> {
        let built = self.build_search_file()?;
        self.install_search_file(built).map(|_| ())
    }

    /// Writes a search file for the records as they are, beside the workspace under its
    /// temporary name, without putting it in place. A read view does this on another
    /// thread while the handle that commits goes on; that handle then decides
    /// ([`Store::install_search_file`]).
    pub fn build_search_file(&self) -> Result<Built> {
        // nothing is written in a workspace open read-only, not even what is derived
        if self.is_read_only() {
            self.check_writable()?;
        }
        let io = |e: io::Error| StoreError::Io {
            path: self.path.join(NEW_FILE),
            source: e,
        };
        let mut w = BaseWriter::create(&self.path).map_err(io)?;
        for kind in crate::model::Kind::ALL {
            if !crate::store::index::is_searched(kind) {
                continue;
            }
            for rec in self.records(kind) {
                w.record(&rec?).map_err(io)?;
            }
        }
        // not synced: a file torn by a crash fails its checksums and is written again
        w.close(&self.state).map_err(io)?;
        Ok(Built {
            seq: self.state.seq,
            log_len: self.state.log_len,
        })
    }

    /// Puts `built` in place when nothing was committed since it was begun (what it read
    /// is then what the records hold), and keeps it current from then on; otherwise
    /// removes it. Returns whether it was put in place.
    pub fn install_search_file(&mut self, built: Built) -> Result<bool> {
        let new = self.path.join(NEW_FILE);
        if self.writes_refused().is_some()
            || (self.state.seq, self.state.log_len) != (built.seq, built.log_len)
        {
            if !self.is_read_only() {
                let _ = fs::remove_file(&new);
            }
            return Ok(false);
        }
        fs::rename(&new, self.path.join(FILE)).map_err(|e| StoreError::Io {
            path: new.clone(),
            source: e,
        })?;
        self.search_file = Tracking::Current;
        Ok(true)
    }

    /// After a commit that moved the workspace from `before` (sequence number and log
    /// length) to its state now: appends what `changes` did to the search file when the
    /// file was current before it, else removes it. Never fails the commit: a file that
    /// cannot be written is removed, and the next search writes it afresh.
    pub(crate) fn track_search_file(&mut self, before: (u64, u64), changes: &[Change]) {
        if self.search_file == Tracking::Unknown {
            let current = open_read(&self.path.join(FILE))
                .and_then(|f| last_trailer(&f))
                .ok()
                .flatten()
                .is_some_and(|t| current_schema(t.schema) && (t.seq, t.log_len) == before);
            self.search_file = if current {
                Tracking::Current
            } else {
                // a file that cannot be removed fails the next reader's checks
                let _ = remove(&self.path);
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
            let crc = crc32fast::hash(&entries);
            let end = trailer(entries.len() as u64, crc, &self.state, log, false);
            let mut section = entries;
            section.extend_from_slice(&end.to_bytes());
            open_private(&self.path.join(FILE), true)?.write_all(&section)
        });
        if appended.is_err() {
            let _ = remove(&self.path);
            self.search_file = Tracking::Off;
        }
    }
}

impl Store {
    /// `weft search`'s whole pass: the best `limit` hits for `query` with their titles,
    /// and what opening the workspace repaired, if it was opened. A current search file
    /// answers under the workspace's lock without opening the database; otherwise the
    /// workspace is opened, the file written afresh and read, or, where it cannot be
    /// written, the database searched. A workspace that cannot be written is searched
    /// under a shared lock, and opened read-only when its file is not current.
    pub fn search_workspace(
        dir: &Path,
        opts: &crate::store::OpenOptions,
        query: &str,
        limit: usize,
    ) -> Result<(Vec<TitledHit>, Vec<String>)> {
        use crate::store::open;
        if open::holds_db(dir) && dir.is_dir() {
            open::refuse_links(dir)?;
            let _lock = match open::read_only_reason(dir, opts) {
                Some(_) => open::take_shared_lock(dir, opts.wait)?,
                None => Some(open::take_lock(dir, opts.wait)?),
            };
            // a file that cannot be read is one more reason to open the database
            if let Ok(Some(hits)) = search(dir, query, limit) {
                return Ok((hits, Vec::new()));
            }
        }
        let mut store = Store::open(dir, opts)?;
        let notices = store.notices().to_vec();
        // a file that cannot be written is searched in the database instead
        let _ = store.write_search_file();
        Ok((store.search_open(query, limit)?, notices))
    }

    /// [`Store::search_workspace`] on this open workspace (a command served by the weft
    /// holding it): the search file when it is current, else the database.
    pub fn search_open(&self, query: &str, limit: usize) -> Result<Vec<TitledHit>> {
        if let Ok(Some(hits)) = search(&self.path, query, limit) {
            return Ok(hits);
        }
        let store = self;
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
        Ok(out)
    }
}

/// Marks the newest section of the search file in `dir` as derived under `schema` (tests
/// stand in for a file an older weft wrote).
#[cfg(test)]
pub(crate) fn mark_schema_for_test(dir: &Path, schema: u32) -> io::Result<()> {
    let f = fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(dir.join(FILE))?;
    let at = f.metadata()?.len() - TRAILER_LEN as u64;
    let mut b = [0u8; TRAILER_LEN];
    f.read_exact_at(&mut b, at)?;
    let mut t = Trailer::parse(&b).ok_or_else(|| io::Error::other("no trailer at the end"))?;
    t.schema = schema;
    f.write_all_at(&t.to_bytes(), at)
}

/// Removes the search file in `dir`: the next search writes it afresh.
pub fn remove(dir: &Path) -> io::Result<()> {
    match fs::remove_file(dir.join(FILE)) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests;
