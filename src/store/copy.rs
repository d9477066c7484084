//! A private copy of sled's files, for reading a workspace weft may not write (a
//! read-only mount, evidence media, a full disk, `--read-only`).
//!
//! sled 0.34 has no read-only mode: opening a database writes a snapshot, and its files
//! are opened for writing. So a workspace open read-only has its sled files (`db`,
//! `conf`, `blobs/`, `snap.*`, never an unfinished `snap.*.generating`) copied into an
//! owner-only temporary directory, in `/dev/shm` when it has room (memory, never a
//! disk), else `$TMPDIR`, and sled opens that. weft's own files (the journal log, the
//! name, the search file) are read where they are. The copy is removed when the store
//! is dropped, when a command lets go of it ([`Store::leave`]), or on a signal the
//! interface leaves on ([`remove_private_copies`]); one left by a killed weft is removed
//! by the next read-only open.

use super::error::io_err;
use super::open::{link_refused, open_own, NOFOLLOW};
use super::{Result, Store, StoreError};
use std::fs;
use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// How every copy's directory name begins; the process id follows.
const PREFIX: &str = "weft-copy-";

/// The copies this process holds, for removal on a signal's way out.
static LIVE: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// A private copy of a workspace's sled files, removed when dropped.
#[derive(Debug)]
pub(crate) struct Copy {
    dir: tempfile::TempDir,
}

/// One of sled's files in a workspace, by its path inside the workspace.
struct Part {
    name: String,
    len: u64,
    dir: bool,
}

/// sled's files in the workspace `ws` (a link among them is refused).
fn parts(ws: &Path) -> Result<Vec<Part>> {
    let mut out = Vec::new();
    for entry in fs::read_dir(ws).map_err(|e| io_err(ws, e))?.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !super::compact::is_sled_file(&name) || super::open::is_unfinished_snapshot(&name) {
            continue;
        }
        let kind = entry.file_type().map_err(|e| io_err(&entry.path(), e))?;
        if kind.is_symlink() {
            return Err(link_refused(ws, &name));
        }
        if kind.is_dir() {
            out.push(Part {
                name: name.clone(),
                len: 0,
                dir: true,
            });
            let sub = entry.path();
            for blob in fs::read_dir(&sub).map_err(|e| io_err(&sub, e))?.flatten() {
                let inner = format!("{name}/{}", blob.file_name().to_string_lossy());
                let meta = blob.metadata().map_err(|e| io_err(&blob.path(), e))?;
                if meta.is_symlink() {
                    return Err(link_refused(ws, &inner));
                }
                if meta.is_file() {
                    out.push(Part {
                        name: inner,
                        len: meta.len(),
                        dir: false,
                    });
                }
            }
        } else if kind.is_file() {
            let len = entry.metadata().map_or(0, |m| m.len());
            out.push(Part {
                name,
                len,
                dir: false,
            });
        }
    }
    Ok(out)
}

/// Bytes free to this process on the filesystem holding `dir`.
fn free_bytes(dir: &Path) -> Option<u64> {
    let s = rustix::fs::statvfs(dir).ok()?;
    Some(s.f_bavail.saturating_mul(s.f_frsize))
}

/// Where a copy of `need` bytes goes: `/dev/shm` when it is there with room to spare,
/// else the temporary directory.
fn base_for(need: u64) -> PathBuf {
    let shm = Path::new("/dev/shm");
    let room = need.saturating_add(need / 4).saturating_add(16 << 20);
    if shm.is_dir() && free_bytes(shm).is_some_and(|free| free >= room) {
        return shm.to_path_buf();
    }
    std::env::temp_dir()
}

/// Removes copies in `base` that a weft killed before it could remove them left: ours
/// (same owner), named for a process that is gone.
fn remove_stale(base: &Path) {
    if !Path::new("/proc/self").is_dir() {
        return;
    }
    let uid = rustix::process::getuid().as_raw();
    let Ok(entries) = fs::read_dir(base) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(pid) = name
            .strip_prefix(PREFIX)
            .and_then(|rest| rest.split('-').next())
            .and_then(|p| p.parse::<u32>().ok())
        else {
            continue;
        };
        let ours = fs::symlink_metadata(entry.path()).is_ok_and(|m| m.is_dir() && m.uid() == uid);
        if ours && !Path::new(&format!("/proc/{pid}")).exists() {
            let _ = fs::remove_dir_all(entry.path());
        }
    }
}

impl Copy {
    /// Copies the sled files of the workspace `ws` into a new private directory.
    pub fn make(ws: &Path) -> Result<Copy> {
        let parts = parts(ws)?;
        let need = parts.iter().map(|p| p.len).sum();
        let base = base_for(need);
        remove_stale(&base);
        let fail = |e: std::io::Error| {
            let why = if super::error::is_disk_full(&e) {
                "no space left there".to_string()
            } else {
                e.to_string()
            };
            StoreError::invalid(format!(
                "workspace {} is read-only and weft reads it from a private copy, which could not be made in {}: {why}",
                ws.display(),
                base.display()
            ))
        };
        let dir = tempfile::Builder::new()
            .prefix(&format!("{PREFIX}{}-", std::process::id()))
            .permissions(std::os::unix::fs::PermissionsExt::from_mode(0o700))
            .tempdir_in(&base)
            .map_err(fail)?;
        let copy = Copy { dir };
        if let Ok(mut live) = LIVE.lock() {
            live.push(copy.path().to_path_buf());
        }
        for part in &parts {
            let to = copy.path().join(&part.name);
            if part.dir {
                fs::DirBuilder::new()
                    .mode(0o700)
                    .create(&to)
                    .map_err(fail)?;
                continue;
            }
            let mut from = open_own(ws, &part.name, fs::OpenOptions::new().read(true))?;
            let mut into = fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .custom_flags(NOFOLLOW)
                .open(&to)
                .map_err(fail)?;
            std::io::copy(&mut from, &mut into).map_err(fail)?;
        }
        Ok(copy)
    }

    /// The directory of the copy, where sled opens it.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// The journal log of the workspace `ws`, read where it is; a workspace without one
    /// reads an empty one kept in the copy.
    pub fn log(&self, ws: &Path) -> Result<super::log::Log> {
        let own = ws.join(super::log::LOG_FILE);
        if fs::symlink_metadata(&own).is_ok_and(|m| m.is_file()) {
            return super::log::Log::open_read(&own);
        }
        let empty = self.path().join(super::log::LOG_FILE);
        fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&empty)
            .map_err(|e| io_err(&empty, e))?;
        super::log::Log::open_read(&empty)
    }
}

impl Drop for Copy {
    fn drop(&mut self) {
        if let Ok(mut live) = LIVE.lock() {
            let p = self.dir.path();
            live.retain(|l| l != p);
        }
    }
}

/// Removes every private copy this process holds: for a way out that drops nothing (a
/// signal's exit). Never panics.
pub fn remove_private_copies() {
    let live = match LIVE.try_lock() {
        Ok(l) => l.clone(),
        Err(_) => return,
    };
    for p in live {
        let _ = fs::remove_dir_all(p);
    }
}

impl Store {
    /// Lets go of the store at the end of a command without tearing sled's page table
    /// down piece by piece (at a million records a tenth of a read-only command's time):
    /// the process's exit closes it. A private copy (a workspace open read-only) is
    /// removed now.
    pub fn leave(mut self) {
        let copy = self.copy.take();
        std::mem::forget(self);
        drop(copy);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn a_copy_holds_sleds_files_owner_only_and_goes_when_dropped() {
        let d = tempfile::tempdir().unwrap();
        let ws = d.path();
        fs::write(ws.join("db"), b"database").unwrap();
        fs::write(ws.join("conf"), b"conf").unwrap();
        fs::write(ws.join("snap.0001"), b"snap").unwrap();
        fs::write(ws.join("snap.0002.generating"), b"").unwrap();
        fs::write(ws.join("journal.log"), b"log").unwrap();
        fs::create_dir(ws.join("blobs")).unwrap();
        fs::write(ws.join("blobs").join("7"), b"blob").unwrap();
        let copy = Copy::make(ws).unwrap();
        let at = copy.path().to_path_buf();
        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&at), 0o700);
        assert_eq!(fs::read(at.join("db")).unwrap(), b"database");
        assert_eq!(mode(&at.join("db")), 0o600);
        assert_eq!(fs::read(at.join("blobs/7")).unwrap(), b"blob");
        assert!(at.join("snap.0001").exists());
        assert!(!at.join("snap.0002.generating").exists());
        assert!(
            !at.join("journal.log").exists(),
            "weft's own files are read in place"
        );
        assert_eq!(LIVE.lock().unwrap().iter().filter(|p| **p == at).count(), 1);
        drop(copy);
        assert!(!at.exists());
        assert!(!LIVE.lock().unwrap().contains(&at));
    }

    #[test]
    fn a_link_among_sleds_files_is_refused_and_nothing_is_copied_through_it() {
        let d = tempfile::tempdir().unwrap();
        let ws = d.path().join("ws");
        fs::create_dir_all(ws.join("blobs")).unwrap();
        fs::write(ws.join("db"), b"database").unwrap();
        fs::write(d.path().join("outside"), b"secret").unwrap();
        std::os::unix::fs::symlink(d.path().join("outside"), ws.join("blobs").join("3")).unwrap();
        let e = Copy::make(&ws).unwrap_err().to_string();
        assert!(e.contains("blobs/3 is a symlink"), "{e}");
    }

    #[test]
    fn a_copy_left_by_a_process_that_is_gone_is_removed() {
        if !Path::new("/proc/self").is_dir() {
            return;
        }
        let base = tempfile::tempdir().unwrap();
        // pid_max is at most 2^22 on Linux: no process has this number
        let gone = base.path().join(format!("{PREFIX}99999999-x"));
        let mine = base
            .path()
            .join(format!("{PREFIX}{}-y", std::process::id()));
        let other = base.path().join("weft-copy-notes");
        for d in [&gone, &mine, &other] {
            fs::create_dir(d).unwrap();
        }
        remove_stale(base.path());
        assert!(!gone.exists());
        assert!(mine.exists() && other.exists());
    }
}
