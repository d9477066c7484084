//! Keeping the database level with the journal log, and rebuilding a workspace from the
//! log alone (`weft recover`).
//!
//! The log is written and synced before sled sees a change, and the database's counters
//! record how many bytes of the log it has applied (`State::log_len`). So at open:
//! - log and database agree: nothing to do (the common case costs one `stat`);
//! - the log is ahead (a kill or power cut between the two writes): the operations past
//!   the database's offset are replayed, and a torn, unacknowledged tail is cut off;
//! - there is no log yet (a workspace from before the log existed): it is written from
//!   the database once;
//! - the log is behind or unreadable while the database opened fine: it is kept aside
//!   and written afresh from the database, and the user is told.

use super::bulk::Dump;
use super::error::io_err;
use super::log::{self, Op, LOG_FILE};
use super::open::take_lock;
use super::{Change, OpenOptions, Result, Store, StoreError};
use crate::model::Kind;
use std::fs;
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;
use std::time::Duration;

/// What `weft recover` rebuilt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Recovered {
    pub records: u64,
    pub journal: u64,
    /// Lines of an operation that was never acknowledged, left out.
    pub dropped_lines: u64,
}

/// Makes a directory's entries (a rename) durable.
fn sync_dir(dir: &Path) -> Result<()> {
    fs::File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| io_err(dir, e))
}

/// The log most recently set aside in `dir` (`journal.log.damaged-…`), if any.
fn newest_aside(dir: &Path) -> Option<std::path::PathBuf> {
    let prefix = format!("{LOG_FILE}.damaged-");
    fs::read_dir(dir)
        .ok()?
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with(&prefix))
        .max_by_key(|e| e.metadata().and_then(|m| m.modified()).ok())
        .map(|e| e.path())
}

impl Store {
    /// Brings the database and the journal log level (see the module notes).
    pub(super) fn reconcile_log(&mut self) -> Result<()> {
        self.finish_log_rewrite()?;
        let len = log::file_len(&self.path)?;
        let applied = self.state.log_len;
        if len == applied && (len != 0 || self.is_empty()) {
            return Ok(());
        }
        if len == 0 {
            // a log set aside by a rewrite that was then interrupted still holds the
            // history's values
            let aside = newest_aside(&self.path);
            let said = self.notices.len();
            self.rewrite_log_from_db(aside.as_deref())?;
            if let (Some(a), true) = (&aside, self.notices.len() == said) {
                self.notices.push(format!(
                    "wrote the empty journal log afresh from the database, its history read from {}",
                    a.display()
                ));
            }
            return Ok(());
        }
        if len > applied && (applied > 0 || self.is_empty()) {
            match self.replay_log_from(applied) {
                Ok(dropped) => {
                    if dropped > 0 {
                        self.notices.push(format!(
                            "dropped an unfinished change ({dropped} journal log line{}) left by an interrupted weft; nothing acknowledged was lost",
                            if dropped == 1 { "" } else { "s" }
                        ));
                    }
                    return Ok(());
                }
                Err(e) => self.notices.push(format!("{e}")),
            }
        } else {
            self.notices.push(format!(
                "journal log {} is behind the database",
                self.log.path().display()
            ));
        }
        let aside = self.set_log_aside()?;
        self.notices.push(format!(
            "kept the old journal log as {} and wrote it afresh from the database",
            aside.display()
        ));
        self.rewrite_log_from_db(Some(&aside))
    }

    /// A rewrite of the log interrupted after the database took the new log's layout,
    /// before the new log was renamed into place, leaves `journal.log.new` holding
    /// exactly the bytes the database says it applied: the rename is finished. Any other
    /// `journal.log.new` is from a rewrite interrupted before the database took it, and
    /// is removed (the rewrite happens again if it is still needed).
    fn finish_log_rewrite(&mut self) -> Result<()> {
        let fresh = self.path.join(format!("{LOG_FILE}.new"));
        let Ok(meta) = fs::metadata(&fresh) else {
            return Ok(());
        };
        let current = log::file_len(&self.path)?;
        if meta.len() == self.state.log_len
            && current != self.state.log_len
            && self.journal_points_into(&fresh)?
        {
            fs::rename(&fresh, self.path.join(LOG_FILE)).map_err(|e| io_err(&fresh, e))?;
            sync_dir(&self.path)?;
            self.log = log::Log::open(&self.path)?;
            self.notices.push(
                "finished writing the journal log afresh, as an interrupted weft had begun to"
                    .into(),
            );
        } else {
            fs::remove_file(&fresh).map_err(|e| io_err(&fresh, e))?;
        }
        Ok(())
    }

    /// Whether the database's newest journal entry is found where it says in the log at
    /// `path` (true for an empty journal): the database took that log's layout.
    fn journal_points_into(&self, path: &Path) -> Result<bool> {
        let Some(stored) = self.newest_stored()? else {
            return Ok(true);
        };
        if stored.at.is_none() {
            return Ok(true);
        }
        let Ok(log) = log::Log::open_read(path) else {
            return Ok(false);
        };
        Ok(stored.entry(&log).is_ok())
    }

    /// Applies every acknowledged operation of the log after byte `offset` to the
    /// database, then cuts off a torn tail. Returns how many lines were cut.
    fn replay_log_from(&mut self, offset: u64) -> Result<u64> {
        let path = self.log.path().to_path_buf();
        let sync = self.sync;
        self.sync = false;
        let result = log::replay(&path, offset, self.state.seq, |op, end| {
            self.apply_op(op, end)
        });
        self.sync = sync;
        let tail = result?;
        self.db.flush().map_err(|e| self.db_err(e))?;
        if self.log.size()? > tail.clean_len {
            self.log.truncate(tail.clean_len)?;
        }
        Ok(tail.torn_lines)
    }

    /// Writes one operation read from the log, recording that the log is applied up to
    /// byte `end`.
    fn apply_op(&mut self, op: Op, end: u64) -> Result<()> {
        let (batches, mut state) = match op {
            Op::Group(entries, at) => {
                let mut changes = Vec::with_capacity(entries.len());
                for e in &entries {
                    changes.push(Change {
                        before: e.record(&e.before)?,
                        after: e.record(&e.after)?,
                    });
                }
                self.stage(&changes, &entries, &at)?
            }
            Op::Import {
                records,
                journal,
                journal_at,
                next,
                seq,
            } => {
                if !self.is_empty() {
                    return Err(StoreError::invalid(
                        "the journal log holds an import into a workspace that was not empty",
                    ));
                }
                // the name travels in its own file, not the log
                let dump = Dump {
                    next,
                    seq,
                    records,
                    journal,
                    name: None,
                };
                dump.validate()?;
                self.stage_dump(&dump, &journal_at)
            }
        };
        state.log_len = end;
        self.write_state(&batches, state)
    }

    /// Renames the current log out of the way and opens a fresh one.
    fn set_log_aside(&mut self) -> Result<std::path::PathBuf> {
        let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%S");
        let mut aside = self.path.join(format!("{LOG_FILE}.damaged-{stamp}"));
        // a log set aside earlier in the same second is never replaced
        let mut n = 1;
        while aside.exists() {
            n += 1;
            aside = self.path.join(format!("{LOG_FILE}.damaged-{stamp}-{n}"));
        }
        fs::rename(self.log.path(), &aside).map_err(|e| io_err(&aside, e))?;
        self.log = log::Log::open(&self.path)?;
        sync_dir(&self.path)?;
        Ok(aside)
    }

    /// Writes the whole log from the database (as one import block: every record, the
    /// journal and the counters), atomically, and records it as applied. Journal values
    /// kept in the log are read from `old_log` (the log set aside); when they cannot be
    /// read (the log is gone), the history is dropped and the user told so: the records
    /// stand.
    fn rewrite_log_from_db(&mut self, old_log: Option<&std::path::Path>) -> Result<()> {
        let mut records = Vec::with_capacity(self.state.total() as usize);
        for kind in Kind::ALL {
            records.extend(self.all_records(kind)?);
        }
        // a log that cannot be opened holds no readable history: the same as none
        let old = old_log.and_then(|p| log::Log::open_read(p).ok());
        let mut journal = Vec::with_capacity(self.state.seq as usize);
        let mut lost = None;
        for stored in self.stored_entries(false) {
            let stored = stored?;
            let entry = match (&old, stored.at) {
                (_, None) => stored.entry(&self.log),
                (Some(old), Some(_)) => stored.entry(old),
                (None, Some(_)) => Err(StoreError::invalid("its journal log is missing")),
            };
            match entry {
                Ok(e) => journal.push(e),
                Err(e) => {
                    lost = Some(e);
                    break;
                }
            }
        }
        let mut state = self.state.clone();
        let mut batches: Vec<sled::Batch> = (0..super::TREE_NAMES.len())
            .map(|_| Default::default())
            .collect();
        if let Some(why) = lost {
            self.notices.push(format!(
                "the workspace's history of {} changes could not be read ({why}); the records are whole, and undo starts afresh",
                self.state.seq
            ));
            journal.clear();
            state.seq = 0;
        }
        // the journal is written afresh, in blocks: every key it had goes first
        for r in self.trees[super::JOURNAL].iter() {
            let (k, _) = r.map_err(|e| self.db_err(e))?;
            batches[super::JOURNAL].remove(k);
        }
        let mut chain = log::Chain::start(log::frame::new_writer());
        let (buf, starts) =
            log::encode_import(&records, &journal, &state.next, state.seq, 0, &mut chain)?;
        let stored = journal.iter().zip(&starts);
        let stored = stored.map(|(e, at)| (e.seq, super::journal::Stored::bytes(e, *at)));
        for (k, v) in super::journal::pack(stored) {
            batches[super::JOURNAL].insert(&k, v);
        }
        let tmp = self.path.join(format!("{LOG_FILE}.new"));
        let mut f = fs::OpenOptions::new()
            .create(true)
            .truncate(true)
            .write(true)
            .mode(0o600)
            .open(&tmp)
            .map_err(|e| io_err(&tmp, e))?;
        f.write_all(&buf)
            .and_then(|_| f.sync_all())
            .map_err(|e| io_err(&tmp, e))?;
        // the new log's name is durable before the database points into it
        sync_dir(&self.path)?;
        // The database takes the new layout first, then the new log takes the old one's
        // place: interrupted between the two, the next open finishes the rename
        // (`finish_log_rewrite`); interrupted before, it drops the new log.
        state.log_len = buf.len() as u64;
        self.write_state(&batches, state)?;
        self.flush()?;
        fs::rename(&tmp, self.path.join(LOG_FILE)).map_err(|e| io_err(&tmp, e))?;
        sync_dir(&self.path)?;
        self.log = log::Log::open(&self.path)?;
        Ok(())
    }

    /// Rebuilds the workspace in `from` into the new directory `to` from the journal log
    /// alone, without opening `from`'s database (which may be damaged beyond opening).
    /// `to` must not exist or be empty. The result is checked before it is reported.
    pub fn recover(from: &Path, to: &Path, wait: Duration) -> Result<Recovered> {
        let source = from.join(LOG_FILE);
        if !from.is_dir() {
            return Err(StoreError::Missing(from.to_path_buf()));
        }
        let _lock = take_lock(from, wait)?;
        let len = log::file_len(from)?;
        if len == 0 {
            return Err(StoreError::invalid(format!(
                "{} has no journal log ({LOG_FILE}) to rebuild from",
                from.display()
            )));
        }
        if fs::canonicalize(from).ok() == fs::canonicalize(to).ok() {
            return Err(StoreError::invalid(format!(
                "{}: recover into a new directory, not the damaged workspace itself",
                to.display()
            )));
        }
        // Read the whole log once first: damage is refused before anything is made.
        let tail = log::replay(&source, 0, 0, |_, _| Ok(()))?;
        if tail.clean_len == 0 {
            return Err(StoreError::invalid(format!(
                "journal log {} holds no finished change",
                source.display()
            )));
        }
        let create = OpenOptions {
            create: true,
            ..OpenOptions::default()
        };
        drop(Store::open(to, &create)?);
        let target = to.join(LOG_FILE);
        copy_prefix(&source, &target, tail.clean_len)?;
        if let Some(name) = super::name::read_name(from) {
            super::name::write_name(to, &name)?;
        }
        let store = Store::open(to, &OpenOptions::default())?;
        let problems = store.check()?;
        if let Some(p) = problems.first() {
            return Err(StoreError::invalid(format!(
                "the workspace rebuilt in {} fails its check ({} problems; first: {p})",
                to.display(),
                problems.len()
            )));
        }
        Ok(Recovered {
            records: store.state.total(),
            journal: store.state.seq,
            dropped_lines: tail.torn_lines,
        })
    }
}

/// Copies the first `len` bytes of `from` to `to` (owner-only) and syncs it.
fn copy_prefix(from: &Path, to: &Path, len: u64) -> Result<()> {
    use std::io::Read;
    let src = fs::File::open(from).map_err(|e| io_err(from, e))?;
    let mut dst = fs::OpenOptions::new()
        .create(true)
        .truncate(true)
        .write(true)
        .mode(0o600)
        .open(to)
        .map_err(|e| io_err(to, e))?;
    std::io::copy(&mut src.take(len), &mut dst).map_err(|e| io_err(to, e))?;
    dst.sync_all().map_err(|e| io_err(to, e))
}
