//! Compaction: rewriting a workspace into a fresh database beside it and swapping the two
//! directories in one atomic step.
//!
//! sled never gives back the space of rewritten pages: it keeps them as free segments and
//! zeroes every one of them at each open, so a workspace that was imported, checked or
//! edited for long writes hundreds of megabytes on every command. A compaction copies
//! what is live (records, journal, counters; the indexes are derived afresh from the
//! records) into a new database in a staging directory next to the workspace, carries
//! the journal log and the workspace's own files over by hard link, and then exchanges
//! the staging directory with the workspace (`renameat2(RENAME_EXCHANGE)`), so at every
//! instant the workspace path names one whole workspace, old or new. What is left at the
//! staging path (an unfinished copy, or the old workspace after the swap) is removed at
//! the next open, under the workspace lock.
//!
//! The copy also fills every leaf of sled's trees (`compact/fill.rs`), where a workspace
//! written a change at a time has leaves a little over half full: at a million records
//! the database comes out at 1.0 GB instead of 2.7 GB as generated, and opens in about
//! 170 ms and 129 MiB instead of 376 ms and 260 MiB.

use super::error::io_err;
use super::journal::Stored;
use super::open::{take_lock, LOCK_FILE};
use super::{Result, State, Store, StoreError};
use super::{META, STATE_KEY};
use crate::model::Kind;
use std::fs;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

/// sled's cache for the database a compaction or an import writes: a larger one keeps
/// more of what was just written, which is seldom read again. An import of 1.26M
/// records peaked at 481 MiB with 8 MiB and 610 MiB with 64 MiB, using less CPU
/// (170 s against 195 s); at 126k, 113 against 180 MiB in the same time (BENCHMARKS.md).
const BUILD_CACHE: u64 = 8 << 20;

/// The file that marks a directory as weft's staging copy: nothing without it is ever
/// removed.
const MARKER: &str = "weft-staging";

/// The meta key holding the database's size right after its last compaction.
const COMPACTED_KEY: &[u8] = b"compacted";

/// The growth past the last compaction's size that makes weft suggest another.
const GROWTH_WORTH_COMPACTING: u64 = 256 << 20;

/// What a compaction did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Compacted {
    pub records: u64,
    pub journal: u64,
    /// Bytes of the database files before and after.
    pub before: u64,
    pub after: u64,
}

/// The staging directory of the workspace in `dir`: a hidden sibling,
/// `/cases/.kestrel.compact` for `/cases/kestrel`.
pub fn staging_path(dir: &Path) -> Result<PathBuf> {
    let dir = fs::canonicalize(dir).map_err(|e| io_err(dir, e))?;
    let (Some(parent), Some(name)) = (dir.parent(), dir.file_name()) else {
        return Err(StoreError::invalid(format!(
            "{}: a workspace needs a directory of its own to be compacted",
            dir.display()
        )));
    };
    Ok(parent.join(format!(".{}.compact", name.to_string_lossy())))
}

/// Removes what an interrupted compaction (or import) left beside the workspace in `dir`;
/// true when there was something. Only a directory carrying weft's marker is removed.
/// The marker is written into both directories before they are swapped, so the one at
/// the staging path always carries it; a marker inside the workspace itself is stale.
pub(super) fn remove_leftover(dir: &Path) -> Result<bool> {
    let own = dir.join(MARKER);
    if own.is_file() {
        fs::remove_file(&own).map_err(|e| io_err(&own, e))?;
    }
    let Ok(staging) = staging_path(dir) else {
        return Ok(false);
    };
    // made but killed before its marker was written: empty
    let empty = fs::read_dir(&staging).is_ok_and(|mut d| d.next().is_none());
    if empty {
        fs::remove_dir(&staging).map_err(|e| io_err(&staging, e))?;
        return Ok(true);
    }
    if !staging.join(MARKER).is_file() {
        return Ok(false);
    }
    remove_staging(&staging)?;
    Ok(true)
}

/// Removes a staging directory, its marker last: a process killed half way leaves a
/// directory that is still marked, so the next open finishes the removal.
fn remove_staging(staging: &Path) -> Result<()> {
    for entry in fs::read_dir(staging)
        .map_err(|e| io_err(staging, e))?
        .flatten()
    {
        if entry.file_name() == MARKER {
            continue;
        }
        let p = entry.path();
        let gone = if entry.file_type().is_ok_and(|t| t.is_dir()) {
            fs::remove_dir_all(&p)
        } else {
            fs::remove_file(&p)
        };
        gone.map_err(|e| io_err(&p, e))?;
    }
    let marker = staging.join(MARKER);
    if marker.exists() {
        fs::remove_file(&marker).map_err(|e| io_err(&marker, e))?;
    }
    fs::remove_dir(staging).map_err(|e| io_err(staging, e))
}

/// The bytes sled's files in `dir` take: the data file, snapshots and blobs.
pub fn db_bytes(dir: &Path) -> u64 {
    fn walk(p: &Path) -> u64 {
        match fs::symlink_metadata(p) {
            Ok(m) if m.is_dir() => fs::read_dir(p)
                .map(|rd| rd.flatten().map(|e| walk(&e.path())).sum())
                .unwrap_or(0),
            Ok(m) => m.len(),
            Err(_) => 0,
        }
    }
    let Ok(entries) = fs::read_dir(dir) else {
        return 0;
    };
    entries
        .flatten()
        .filter(|e| is_sled_file(&e.file_name().to_string_lossy()))
        .map(|e| walk(&e.path()))
        .sum()
}

/// The names sled keeps in a workspace directory; everything else is weft's own.
pub(super) fn is_sled_file(name: &str) -> bool {
    matches!(name, "conf" | "db" | "blobs") || name.starts_with("snap.")
}

/// Hard-links every file of `from` that is weft's own (the journal log, the name, drafts,
/// logs set aside) into `to`, directories recreated; sled's files and the lock are not.
fn carry_own_files(from: &Path, to: &Path, carry_log: bool) -> Result<()> {
    for entry in fs::read_dir(from).map_err(|e| io_err(from, e))?.flatten() {
        let name = entry.file_name();
        let text = name.to_string_lossy();
        // the search file is derived from the records, and written afresh by a search
        let derived = text == super::search::file::FILE || text == super::search::file::NEW_FILE;
        if is_sled_file(&text) || text == LOCK_FILE || text == MARKER || derived {
            continue;
        }
        // an import brings its own log; logs set aside are still carried
        if !carry_log && text == super::log::LOG_FILE {
            continue;
        }
        let src = entry.path();
        let dst = to.join(&name);
        let kind = entry.file_type().map_err(|e| io_err(&src, e))?;
        if kind.is_dir() {
            fs::DirBuilder::new()
                .mode(0o700)
                .create(&dst)
                .map_err(|e| io_err(&dst, e))?;
            carry_own_files(&src, &dst, true)?;
        } else if kind.is_file() {
            fs::hard_link(&src, &dst).map_err(|e| io_err(&dst, e))?;
        }
    }
    Ok(())
}

/// Puts the staging marker in `dir`, owner-only like every file weft writes.
fn mark(dir: &Path) -> std::io::Result<()> {
    fs::OpenOptions::new()
        .create(true)
        .truncate(true)
        .write(true)
        .mode(0o600)
        .open(dir.join(MARKER))
        .map(drop)
}

/// Makes a directory's entries durable ([`crate::fsutil::sync_dir`], as the store
/// reports an error).
pub(super) fn sync_dir(dir: &Path) -> Result<()> {
    crate::fsutil::sync_dir(dir).map_err(|e| io_err(dir, e))
}

/// Exchanges the directories `a` and `b` in one step.
fn exchange(a: &Path, b: &Path) -> Result<()> {
    use rustix::fs::{renameat_with, RenameFlags, CWD};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(|e| {
        StoreError::invalid(format!(
            "{}: the filesystem cannot swap directories atomically ({e}); the workspace is unchanged",
            b.display()
        ))
    })
}

/// What fills a staging workspace: given its directory and database, it writes
/// everything and returns the counters.
pub(super) type Fill<'a> =
    dyn FnMut(&Path, &mut Builder, &mut dyn FnMut(u64, u64)) -> Result<State> + 'a;

/// A staging workspace, complete and durable, waiting to be swapped in.
pub(super) struct Staged {
    dir: PathBuf,
    staging: PathBuf,
    /// The staging workspace's lock, taken before it was made.
    lock: fs::File,
    /// Bytes of the database files before.
    before: u64,
}

impl Store {
    /// Rewrites the workspace into a fresh database and swaps it in (see the module
    /// notes), reporting `(done, total)` records and journal entries copied. Returns
    /// the reopened workspace. Nothing is lost if the process dies at any point: before
    /// the swap the workspace is untouched, after it the new one is complete.
    pub fn compact(self, progress: &mut dyn FnMut(u64, u64)) -> Result<(Store, Compacted)> {
        let (dir, lock, mut done) = self.compact_swapped(progress)?;
        let store = Store::open_locked(&dir, &super::OpenOptions::default(), lock, true)?;
        done.after = db_bytes(&dir);
        Ok((store, done))
    }

    /// [`Store::compact`] for a caller done with the workspace (`weft compact`): the
    /// new database is opened once after the swap, only so sled writes its snapshot.
    pub fn compact_and_close(self, progress: &mut dyn FnMut(u64, u64)) -> Result<Compacted> {
        let (dir, _lock, mut done) = self.compact_swapped(progress)?;
        // opened once, under the lock, so sled writes its snapshot and the next command
        // does not read back the whole database; guarded as every open is, so a database
        // that hangs sled is reported rather than waited on
        drop(super::open::open_sled(
            sled::Config::new().path(&dir),
            &dir,
        )?);
        done.after = db_bytes(&dir);
        Ok(done)
    }

    /// Compacts and swaps in; the workspace's directory and its lock, still held. The
    /// new database has not been opened yet: this store, closed by the swap, held
    /// sled's page table of the old one until then (at 1M records, opening the new one
    /// before the swap peaked at 524–532 MiB, after it at 515–521 MiB).
    fn compact_swapped(
        self,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<(PathBuf, fs::File, Compacted)> {
        let records = self.state.total();
        let journal = self.state.seq;
        let staged = self.stage_rebuild(
            true,
            Apply::Inline,
            progress,
            &mut |_, builder, progress| self.copy_into(builder, progress),
        )?;
        let before = staged.before;
        let (dir, lock) = self.swap(staged)?;
        Ok((
            dir,
            lock,
            Compacted {
                records,
                journal,
                before,
                // measured by the caller, once the new database is opened
                after: 0,
            },
        ))
    }

    /// A line suggesting `weft compact` when the database has grown by more than
    /// 256 MiB and to more than twice its size after the last compaction (or, never
    /// compacted, past 256 MiB): sled never gives rewritten space back by itself.
    pub fn compaction_advice(&self) -> Option<String> {
        self.compaction_advice_past(GROWTH_WORTH_COMPACTING)
    }

    fn compaction_advice_past(&self, growth: u64) -> Option<String> {
        let now = db_bytes(&self.path);
        let last = self.trees[META]
            .get(COMPACTED_KEY)
            .ok()
            .flatten()
            .and_then(|v| v.as_ref().try_into().ok().map(u64::from_be_bytes))
            .unwrap_or(0);
        let grown = now.saturating_sub(last) > growth && now > 2 * last;
        grown.then(|| {
            let mib = |b: u64| b >> 20;
            if last == 0 {
                format!(
                    "the database takes {} MiB and has never been compacted: `weft compact` rewrites it smaller and quicker to open",
                    mib(now)
                )
            } else {
                format!(
                    "the database has grown from {} MiB to {} MiB since its last compaction: `weft compact` rewrites it smaller and quicker to open",
                    mib(last),
                    mib(now)
                )
            }
        })
    }

    /// Makes a staging workspace beside this one, filled by `fill`, with weft's own files
    /// carried over (the journal log too when `carry_log`), its batches applied as
    /// `apply` says. Removed again on failure.
    pub(super) fn stage_rebuild(
        &self,
        carry_log: bool,
        apply: Apply,
        progress: &mut dyn FnMut(u64, u64),
        fill: &mut Fill<'_>,
    ) -> Result<Staged> {
        self.check_writable()?;
        let dir = fs::canonicalize(&self.path).map_err(|e| io_err(&self.path, e))?;
        let staging = staging_path(&dir)?;
        let before = db_bytes(&dir);
        // a leftover of an earlier run is ours to clear: we hold the workspace lock
        remove_leftover(&dir)?;
        if staging.exists() {
            return Err(StoreError::invalid(format!(
                "{}: something that is not weft's is in the way of compaction; move it and try again",
                staging.display()
            )));
        }
        let made = (|| {
            fs::DirBuilder::new()
                .mode(0o700)
                .create(&staging)
                .map_err(|e| io_err(&staging, e))?;
            mark(&staging).map_err(|e| io_err(&staging, e))?;
            let lock = take_lock(&staging, std::time::Duration::ZERO)?;
            let mut builder = Builder::create(&staging, BUILD_CACHE, apply)?;
            let state = fill(&staging, &mut builder, progress)?;
            let search = builder.finish(&state)?;
            carry_own_files(&dir, &staging, carry_log)?;
            // the journal log is final now; a search file not sealed is not kept
            if search.is_none_or(|w| w.seal(&state).is_err()) {
                let _ = fs::remove_file(staging.join(super::search::file::NEW_FILE));
            }
            sync_dir(&staging)?;
            Ok(lock)
        })();
        match made {
            Ok(lock) => Ok(Staged {
                dir,
                staging,
                lock,
                before,
            }),
            Err(e) => {
                let _ = remove_staging(&staging);
                Err(e)
            }
        }
    }

    /// Exchanges the staged workspace with this one, closes this one and removes it;
    /// returns the new one's directory and its lock, still held.
    pub(super) fn swap(self, staged: Staged) -> Result<(PathBuf, fs::File)> {
        let Staged {
            dir, staging, lock, ..
        } = staged;
        let parent = dir.parent().unwrap_or(Path::new("/")).to_path_buf();
        // whichever directory ends up at the staging path must carry the marker
        let marked = mark(&dir)
            .and_then(|_| fs::File::open(&dir).and_then(|d| d.sync_all()))
            .map_err(|e| io_err(&dir, e));
        if let Err(e) = marked.and_then(|_| exchange(&staging, &dir)) {
            let _ = fs::remove_file(dir.join(MARKER));
            let _ = remove_staging(&staging);
            return Err(e);
        }
        sync_dir(&parent)?;
        // the old workspace (now at the staging path) is closed, then removed
        drop(self);
        let _ = remove_staging(&staging);
        let _ = fs::remove_file(dir.join(MARKER));
        Ok((dir, lock))
    }

    /// Copies records (indexes derived afresh), journal and meta into `builder`;
    /// returns the counters.
    fn copy_into(
        &self,
        builder: &mut Builder,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<State> {
        let mut tick = Ticker::new(self.state.total() + self.state.seq, progress);
        for kind in Kind::ALL {
            for rec in self.records(kind) {
                builder.record(&rec?)?;
                tick.one();
            }
        }
        self.copy_journal(builder, &mut tick)?;
        self.copy_meta(builder)?;
        let mut state = builder.counted.clone();
        state.next = self.state.next.clone();
        state.seq = self.state.seq;
        state.log_len = self.state.log_len;
        tick.end();
        Ok(state)
    }

    /// Copies the journal into `builder`, in blocks. Entries of schema 1 hold their
    /// values inline: they now point into the log; those of schema 2 and 3 are JSON:
    /// they take the compact form.
    pub(super) fn copy_journal(&self, builder: &mut Builder, tick: &mut Ticker) -> Result<()> {
        let mut offsets: Option<super::log::Offsets> = None;
        for stored in self.journal_bytes() {
            let (seq, bytes) = stored?;
            tick.one();
            if super::journal::is_compact(&bytes) {
                builder.journal(seq, &bytes)?;
                continue;
            }
            let stored = Stored::decode(&bytes)?;
            if let Some(compact) = stored.to_compact() {
                builder.journal(seq, &compact)?;
                continue;
            }
            if offsets.is_none() {
                offsets = Some(super::log::entry_offsets(self.log.path(), self.state.seq)?);
            }
            let at = offsets.as_ref().and_then(|o| o.get(stored.seq));
            let entry = stored.entry(&self.log)?;
            match at {
                Some(at) if self.log.entry_at(at)? == entry => {
                    builder.journal(seq, &Stored::bytes(&entry, at))?;
                }
                _ => builder.journal(seq, &bytes)?,
            }
        }
        Ok(())
    }

    /// Copies what else weft keeps in meta, as it is (the counters are written afresh).
    pub(super) fn copy_meta(&self, builder: &mut Builder) -> Result<()> {
        for r in self.trees[META].iter() {
            let (k, v) = r.map_err(|e| self.db_err(e))?;
            if k.as_ref() != STATE_KEY {
                builder.raw(META, &k, &v)?;
            }
        }
        Ok(())
    }
}

/// Counts what a rebuild has copied, and says so every 4,096 items.
pub(super) struct Ticker<'a> {
    done: u64,
    total: u64,
    progress: &'a mut dyn FnMut(u64, u64),
}

impl<'a> Ticker<'a> {
    pub(super) fn new(total: u64, progress: &'a mut dyn FnMut(u64, u64)) -> Ticker<'a> {
        Ticker {
            done: 0,
            total,
            progress,
        }
    }

    pub(super) fn one(&mut self) {
        self.done += 1;
        if self.done.is_multiple_of(4096) {
            (self.progress)(self.done, self.total.max(self.done));
        }
    }

    pub(super) fn end(&mut self) {
        (self.progress)(self.total, self.total);
    }
}

mod builder;
mod fill;
mod runs;
pub(super) use builder::{Apply, Builder};

#[cfg(test)]
mod tests;
