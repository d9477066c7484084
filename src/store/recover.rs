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
use super::compact::sync_dir;
use super::error::io_err;
use super::log::verify::{self, Latest, Places};
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
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recovered {
    pub records: u64,
    pub journal: u64,
    /// Lines of an operation that was never acknowledged, left out.
    pub dropped_lines: u64,
    /// With `--salvage`: damaged lines left out, and what was lost, a line each.
    pub lost_lines: u64,
    pub lost: Vec<String>,
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
    /// Brings the database and the journal log level (see the module notes). A log
    /// found damaged is never rewritten: the store refuses writes, saying where and what
    /// to run, and reads go on.
    pub(super) fn reconcile_log(&mut self) -> Result<()> {
        self.finish_log_rewrite()?;
        let len = log::file_len(&self.path)?;
        let applied = self.state.log_len;
        if len == applied && (len != 0 || self.is_empty()) {
            // the common case: one `stat`; the last line is read at the first append
            return Ok(());
        }
        // the open made no log in place of a missing one (`Log::open_in`)
        let exists = !self.log.is_missing();
        let aside = newest_aside(&self.path);
        if len == 0 && (applied == 0 || (exists && aside.is_some())) {
            // a workspace from before the log existed: written once from the database;
            // or an older weft set a damaged log aside and was stopped before it wrote
            // the new one: finished, with the history read from the log set aside
            let said = self.notices.len();
            self.rewrite_log_from_db(aside.as_deref())?;
            if let (Some(a), true) = (&aside, self.notices.len() == said && applied > 0) {
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
                }
                Err(e) => self.refuse_for_log(e.to_string()),
            }
            return Ok(());
        }
        let path = self.log.path().display().to_string();
        self.refuse_for_log(if !exists || len == 0 {
            format!(
                "journal log {path} is {}, but the database has applied {applied} bytes of it (damaged at byte 0)",
                if exists { "empty" } else { "missing" }
            )
        } else if len < applied {
            format!("journal log {path} ends at byte {len}, before the {applied} bytes the database has applied (damaged at byte {len})")
        } else {
            format!("journal log {path} holds {len} bytes, but the database, which holds records, has applied none of it (damaged at byte 0)")
        });
        Ok(())
    }

    /// Refuses writes from now on because the log is damaged (`why` names the byte), and
    /// says so once.
    pub(super) fn refuse_for_log(&mut self, why: String) {
        let ws = self.path.display();
        let line = format!(
            "{why}; writes are refused until it is rebuilt: run `weft --workspace {ws} check`, then `weft --workspace {ws} recover --to NEWDIR --salvage`"
        );
        self.notices.push(line.clone());
        self.refuse_writes(line);
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
    /// `to` must not exist or be an empty directory; anything else is refused before
    /// anything is written. The workspace is built in a staging directory beside `to`,
    /// checked, and only then renamed into place, so a half-built one is never found at
    /// `to`. A damaged log is refused unless `salvage` is set; then every intact line is
    /// kept and what was lost is reported.
    pub fn recover(from: &Path, to: &Path, wait: Duration, salvage: bool) -> Result<Recovered> {
        let source = from.join(LOG_FILE);
        if !from.is_dir() {
            return Err(StoreError::Missing(from.to_path_buf()));
        }
        refuse_target(to)?;
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
        let mut places = Places::default();
        let (tail, salvaged) = if salvage {
            (None, Some(super::salvage::salvage(&source)?))
        } else {
            let read = verify::verify_with(&source, false, Some(&mut places))?;
            if let Some(d) = read.damage {
                return Err(StoreError::invalid(format!(
                    "journal log {} is {d}; nothing was rebuilt: `weft --workspace {} recover --to {} --salvage` rebuilds from every intact line and lists what is lost",
                    source.display(),
                    from.display(),
                    to.display()
                )));
            }
            if read.clean_len == 0 {
                return Err(StoreError::invalid(format!(
                    "journal log {} holds no finished change",
                    source.display()
                )));
            }
            (Some(read), None)
        };
        let staging = recover_staging(to)?;
        let built = build(
            from,
            &source,
            &staging,
            tail.as_ref().map(|t| (t, places)),
            salvaged.as_ref(),
        );
        let recovered = match built {
            Ok(r) => r,
            Err(e) => {
                let _ = fs::remove_dir_all(&staging);
                return Err(e);
            }
        };
        let _ = fs::remove_file(staging.join(STAGING_MARK));
        fs::rename(&staging, to).map_err(|e| {
            let _ = fs::remove_dir_all(&staging);
            io_err(to, e)
        })?;
        if let Some(parent) = to.parent().filter(|p| !p.as_os_str().is_empty()) {
            sync_dir(parent)?;
        }
        Ok(recovered)
    }
}

impl Store {
    /// Fills this new, empty workspace from the first `len` bytes of the log at `source`
    /// the way an import does (sorted runs, full leaves, in a staging directory swapped
    /// in whole): each record's newest value read from where `places` says, every
    /// journal entry pointing at its line, and that part of the log copied byte for byte
    /// (so its history keeps its writers, numbers and chain).
    fn rebuild_from_log(self, source: &Path, places: Places, len: u64) -> Result<()> {
        let file = fs::File::open(source).map_err(|e| io_err(source, e))?;
        let mut places = Some(places);
        let fill = &mut |inner: &Path,
                         builder: &mut super::compact::Builder,
                         _: &mut dyn FnMut(u64, u64)| {
            // let go of once read, before the builder puts the index in order (the
            // build's peak of memory)
            let places = places
                .take()
                .ok_or_else(|| StoreError::invalid("rebuilt twice"))?;
            let mut next = places.next.clone();
            let mut bump = |id: crate::model::Id| {
                let n = next.entry(id.kind.letter()).or_insert(1);
                *n = (*n).max(id.num + 1);
            };
            for (id, latest) in places.latest() {
                let rec = match latest {
                    None => continue,
                    Some(Latest::Entry(at)) => {
                        let e = log::read_entry_at(&file, source, at)?;
                        e.record(&e.after)?
                    }
                    Some(Latest::Record(at)) => {
                        let raw = log::read_line_at(&file, source, at)?;
                        let framed = log::frame::read(&raw).map_err(|why| {
                            StoreError::invalid(format!(
                                "journal log {} is damaged at byte {at}: {why}",
                                source.display()
                            ))
                        })?;
                        match serde_json::from_slice::<log::Line>(framed.content()) {
                            Ok(log::Line::Record(v)) => {
                                crate::model::Record::from_json(id.kind, v).ok()
                            }
                            _ => None,
                        }
                    }
                };
                let rec = rec.ok_or_else(|| {
                    StoreError::invalid(format!(
                        "journal log {}: the value of {id} cannot be read",
                        source.display()
                    ))
                })?;
                bump(id);
                builder.record(&rec)?;
            }
            for (seq, &at) in places.entries.iter().enumerate() {
                let e = log::read_entry_at(&file, source, at)?;
                bump(e.id);
                builder.journal(seq as u64, &super::journal::Stored::bytes(&e, at))?;
            }
            let mut state = builder.counted.clone();
            state.next = next;
            state.seq = places.entries.len() as u64;
            drop(places);
            copy_prefix(source, &inner.join(LOG_FILE), len)?;
            state.log_len = len;
            Ok(state)
        };
        let staged =
            self.stage_rebuild(false, super::compact::Apply::OnThread, &mut |_, _| {}, fill)?;
        self.swap(staged).map(|_| ())
    }
}

/// The marker of a recovery's staging directory: one carrying it is ours to remove
/// (not compaction's marker, which a compaction of the staged workspace clears).
pub(super) const STAGING_MARK: &str = "weft-recovering";

/// Refuses a recovery target that is anything but a missing path or an empty directory.
fn refuse_target(to: &Path) -> Result<()> {
    let meta = match fs::symlink_metadata(to) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(io_err(to, e)),
    };
    let why = if meta.file_type().is_symlink() {
        "is a symbolic link"
    } else if !meta.is_dir() {
        "is a file"
    } else if to.join(LOG_FILE).exists() || to.join("db").exists() {
        "is a weft workspace"
    } else if fs::read_dir(to)
        .map_err(|e| io_err(to, e))?
        .next()
        .is_some()
    {
        "is not empty"
    } else {
        return Ok(());
    };
    Err(StoreError::invalid(format!(
        "{} {why}: recover into a new directory (one that does not exist, or is empty); nothing was written",
        to.display()
    )))
}

/// A fresh staging directory beside `to` (`.NAME.recovering`), owner-only and marked;
/// one left by a killed recovery is removed first.
fn recover_staging(to: &Path) -> Result<std::path::PathBuf> {
    let name = to.file_name().ok_or_else(|| {
        StoreError::invalid(format!(
            "{}: recover into a directory with a name",
            to.display()
        ))
    })?;
    let parent = match to.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    if !parent.is_dir() {
        return Err(StoreError::invalid(format!(
            "{}: its parent directory {} does not exist",
            to.display(),
            parent.display()
        )));
    }
    let staging = parent.join(format!(".{}.recovering", name.to_string_lossy()));
    if fs::symlink_metadata(&staging).is_ok() {
        if !staging.join(STAGING_MARK).is_file() {
            return Err(StoreError::invalid(format!(
                "{} is in the way of the recovery and is not weft's: move it away",
                staging.display()
            )));
        }
        fs::remove_dir_all(&staging).map_err(|e| io_err(&staging, e))?;
    }
    std::os::unix::fs::DirBuilderExt::mode(&mut fs::DirBuilder::new(), 0o700)
        .create(&staging)
        .map_err(|e| io_err(&staging, e))?;
    // marked before anything else is made there: a killed recovery's leftover is ours
    fs::File::create(staging.join(STAGING_MARK)).map_err(|e| io_err(&staging, e))?;
    Ok(staging)
}

/// Builds the recovered workspace in `staging`: the log's acknowledged part copied and
/// replayed, or the salvaged records and journal imported; then checked.
fn build(
    from: &Path,
    source: &Path,
    staging: &Path,
    read: Option<(&verify::Verified, Places)>,
    salvaged: Option<&super::salvage::Salvaged>,
) -> Result<Recovered> {
    let create = OpenOptions {
        create: true,
        ..OpenOptions::default()
    };
    let torn = read.as_ref().map_or(0, |(t, _)| t.torn_lines);
    let mut store = Store::open(staging, &create)?;
    if let Some(s) = salvaged {
        store.import_workspace(&s.dump)?;
        drop(store);
    } else if let Some((read, places)) = read {
        store.rebuild_from_log(source, places, read.clean_len)?;
    }
    if let Some(name) = super::name::read_name(from) {
        super::name::write_name(staging, &name)?;
    }
    // sled's small cache for reading every tree once: its default would keep what the
    // check reads (at 1M records, the peak of the whole recovery)
    let read = OpenOptions {
        cache_bytes: super::SCAN_CACHE_BYTES,
        ..OpenOptions::default()
    };
    let store = Store::open(staging, &read)?;
    // the log was verified line by line as it was read: the check need not replay it
    let problems = store.check_with(&mut |_, _| {}, false)?;
    if let Some(p) = problems.first() {
        return Err(StoreError::invalid(format!(
            "the workspace rebuilt from {} fails its check ({} problems; first: {p}); nothing was written",
            from.display(),
            problems.len()
        )));
    }
    let (records, journal) = (store.state.total(), store.state.seq);
    drop(store);
    Ok(Recovered {
        records,
        journal,
        dropped_lines: torn,
        lost_lines: salvaged.map_or(0, |s| s.lost_lines),
        lost: salvaged.map(|s| s.lost.clone()).unwrap_or_default(),
    })
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
