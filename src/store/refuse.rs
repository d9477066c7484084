//! Refusing writes: a workspace open read-only, a read view, a database found damaged.
//! Every write path asks [`Store::writes_refused`] first and refuses with its line
//! ([`StoreError::ReadOnly`]), before anything is written.
//!
//! Damage sled reports mid-read (a page it points at is cut off or fails its checks)
//! is noted once per workspace handle and shared with every handle read from it, so
//! the first damaged read stops every later write in the process. It is also marked in
//! the workspace ([`DAMAGE_FILE`]), so a later weft refuses writes too until `weft
//! check` reads the whole database back (or the workspace is rebuilt with `weft
//! recover`): sled's damage shows only where a read meets it, and a write that meets
//! none would otherwise go on into a database that cannot be read whole.

use super::{Result, Store, StoreError};
use std::fs;
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};

/// The file marking a workspace whose database was found damaged: one line saying so.
pub const DAMAGE_FILE: &str = "damaged";

/// The line a write to the read-only workspace in `dir` is refused with.
pub(crate) fn read_only_line(dir: &Path, why: &str) -> String {
    format!(
        "workspace {} is open read-only ({why}): nothing was changed",
        dir.display()
    )
}

/// The first damage sled reported on a workspace, shared by every handle on it.
#[derive(Debug, Clone, Default)]
pub(crate) struct Damage(Arc<Seen>);

#[derive(Debug, Default)]
struct Seen {
    /// The line every write is refused with.
    line: OnceLock<String>,
    /// Whether this process met the damage itself (not only an earlier weft's mark).
    here: AtomicBool,
}

impl Damage {
    /// The line every write is refused with, once damage was seen.
    pub fn get(&self) -> Option<&str> {
        self.0.line.get().map(String::as_str)
    }

    /// Notes `e` when it is [`StoreError::DbDamaged`]; the first time, also marks the
    /// workspace in `dir` when `mark` (it was opened for writing). The mark is written
    /// as well as it can be: the error at hand is what the user hears about.
    pub fn note(&self, dir: &Path, e: &StoreError, mark: bool) {
        if !matches!(e, StoreError::DbDamaged(_)) {
            return;
        }
        self.0.here.store(true, Ordering::Relaxed);
        let line = e.to_string();
        let first = self.0.line.set(line.clone()).is_ok();
        if mark && (first || !is_marked(dir)) {
            let _ = write_mark(dir, &line);
        }
    }

    /// Takes the damage a mark in `dir` records (a write after a damaged read, by an
    /// earlier weft).
    pub fn read_mark(&self, dir: &Path) {
        if is_marked(dir) {
            let _ = self
                .0
                .line
                .set(StoreError::DbDamaged(dir.to_path_buf()).to_string());
        }
    }
}

fn is_marked(dir: &Path) -> bool {
    fs::symlink_metadata(dir.join(DAMAGE_FILE)).is_ok_and(|m| m.is_file())
}

fn write_mark(dir: &Path, line: &str) -> std::io::Result<()> {
    let mut f = fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .custom_flags(super::open::NOFOLLOW)
        .open(dir.join(DAMAGE_FILE))?;
    f.write_all(format!("{line}\n").as_bytes())?;
    f.sync_all()
}

impl Store {
    /// Refuses every write from now on with the line `why` (one line naming the
    /// workspace and saying why, e.g. that its journal log is damaged). The first reason
    /// given stays: a read-only workspace keeps saying it is read-only.
    pub fn refuse_writes(&mut self, why: impl Into<String>) {
        if self.writes_refused.is_none() {
            self.writes_refused = Some(why.into());
        }
    }

    /// Why this handle refuses every write, if it does: the line the refusal gives.
    pub fn writes_refused(&self) -> Option<&str> {
        self.writes_refused.as_deref().or_else(|| self.damage.get())
    }

    /// Whether the workspace was opened read-only (from a private copy of its database):
    /// nothing in its directory is written, not even derived files.
    pub fn is_read_only(&self) -> bool {
        self.copy.is_some()
    }

    /// Fails with [`StoreError::ReadOnly`] when writes are refused.
    pub(crate) fn check_writable(&self) -> Result<()> {
        match self.writes_refused() {
            Some(why) => Err(StoreError::ReadOnly(why.to_string())),
            None => Ok(()),
        }
    }

    /// Removes the workspace's damage mark, once its whole database was read back without
    /// a problem (`weft check`); true when there was one.
    pub fn clear_damage_mark(&self) -> Result<bool> {
        let p = self.path.join(DAMAGE_FILE);
        let seen_here = self.damage.0.here.load(Ordering::Relaxed);
        if seen_here || self.is_read_only() || !is_marked(&self.path) {
            return Ok(false);
        }
        fs::remove_file(&p).map_err(|e| super::error::io_err(&p, e))?;
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{NewNote, OpenOptions};

    fn note(text: &str) -> NewNote {
        NewNote {
            text: text.into(),
            ..Default::default()
        }
    }

    fn open(dir: &Path) -> Store {
        let opts = OpenOptions {
            create: true,
            ..OpenOptions::default()
        };
        Store::open(dir, &opts).unwrap()
    }

    #[test]
    fn a_refusal_keeps_its_first_reason_and_every_write_gives_it() {
        let d = tempfile::tempdir().unwrap();
        let mut s = open(&d.path().join("ws"));
        assert_eq!(s.writes_refused(), None);
        s.add_note(note("before")).unwrap();
        s.refuse_writes("workspace ws: its journal log is damaged: nothing was changed");
        s.refuse_writes("a later reason");
        let why = "workspace ws: its journal log is damaged: nothing was changed";
        assert_eq!(s.writes_refused(), Some(why));
        let seq = s.state().seq;
        match s.add_note(note("after")) {
            Err(StoreError::ReadOnly(line)) => assert_eq!(line, why),
            other => panic!("{other:?}"),
        }
        assert!(matches!(s.set_name("x"), Err(StoreError::ReadOnly(_))));
        assert_eq!(s.state().seq, seq);
        assert_eq!(s.read_view().unwrap().writes_refused(), Some(why));
    }

    #[test]
    fn damage_met_in_a_read_refuses_every_later_write_here_and_in_the_next_weft() {
        let d = tempfile::tempdir().unwrap();
        let ws = d.path().join("ws");
        let mut s = open(&ws);
        s.add_note(note("before")).unwrap();
        let view = s.read_view().unwrap();
        // what sled reports when a page it points at is cut off
        let e = view.db_err(sled::Error::Corruption { at: None, bt: () });
        let line = e.to_string();
        assert!(matches!(e, StoreError::DbDamaged(_)), "{e}");
        assert_eq!(s.writes_refused(), Some(line.as_str()));
        match s.add_note(note("after")) {
            Err(StoreError::ReadOnly(l)) => assert_eq!(l, line),
            other => panic!("{other:?}"),
        }
        assert!(ws.join(DAMAGE_FILE).is_file());
        // this process met the damage: its mark stays
        assert!(!s.clear_damage_mark().unwrap());
        drop(view);
        drop(s);
        let mut again = open(&ws);
        assert_eq!(again.writes_refused(), Some(line.as_str()));
        assert!(again.add_note(note("later")).is_err());
        // a weft that reads the database whole (`weft check`) clears it
        assert!(again.clear_damage_mark().unwrap());
        drop(again);
        let mut cleared = open(&ws);
        assert_eq!(cleared.writes_refused(), None);
        cleared.add_note(note("later")).unwrap();
        // other failures are not damage
        let other = cleared.db_err(sled::Error::CollectionNotFound(b"x".to_vec().into()));
        assert!(matches!(other, StoreError::Db { .. }));
        assert_eq!(cleared.writes_refused(), None);
    }
}
