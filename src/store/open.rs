//! Finding, creating and opening a workspace: directory permissions, the single-writer
//! lock, and the schema version.

use super::error::io_err;
use super::{Result, State, Store, StoreError, SCHEMA_KEY, SCHEMA_VERSION, STATE_KEY, TREE_NAMES};
use std::fs;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// How to open a workspace.
#[derive(Debug, Clone, Default)]
pub struct OpenOptions {
    /// Create the workspace when the directory holds none.
    pub create: bool,
    /// How long to wait for another weft to let go of the workspace before giving up.
    pub wait: Duration,
    /// sled's page cache, in bytes (0: a default sized for a long enquiry).
    pub cache_bytes: u64,
    /// Called with the workspace's directory before a workspace of an older schema is
    /// upgraded (a rewrite: minutes at a million records), so the user hears why.
    pub before_upgrade: Option<fn(&Path)>,
    /// Upgrade a workspace of an older schema inside its database rather than by a
    /// rewrite beside it: what happens anyway where the rewrite cannot be swapped in (a
    /// filesystem that cannot exchange two directories, such as NFS; a parent directory
    /// weft may not write). Tests set it to take that way directly.
    #[doc(hidden)]
    pub upgrade_in_place: bool,
}

/// The default workspace: `$XDG_DATA_HOME/weft/default` or the platform's data dir.
pub fn default_workspace() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "weft").map(|d| d.data_dir().join("default"))
}

/// `--workspace DIR`, else `$WEFT_WORKSPACE`, else the default; the flag says whether it
/// is the default one (created on first use).
pub fn resolve_workspace(flag: Option<&Path>) -> Option<(PathBuf, bool)> {
    if let Some(p) = flag {
        return Some((p.to_path_buf(), false));
    }
    if let Some(p) = std::env::var_os("WEFT_WORKSPACE").filter(|p| !p.is_empty()) {
        return Some((PathBuf::from(p), false));
    }
    default_workspace().map(|p| (p, true))
}

/// The file weft locks (advisory `flock`) before it touches the database.
pub const LOCK_FILE: &str = "lock";

/// How long opening the database may take before weft calls it damaged. sled reads
/// everything written since its last open before it answers, so the first open after a
/// long session at a million records takes seconds; only a hang should reach this.
const OPEN_TIMEOUT: Duration = Duration::from_secs(180);

/// The name of the thread that opens sled, whose panics are reported, not printed.
const OPEN_THREAD: &str = "weft-open-db";

/// True when `dir` already holds a sled database.
pub(super) fn holds_db(dir: &Path) -> bool {
    dir.join("db").is_file()
}

/// Whether `path`, in a directory without a database, is what creating a workspace
/// there writes before the database itself: the lock file, sled's `conf`, or its
/// `blobs` folder while still empty.
fn creation_leftover(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    match name {
        // a recovery marks its staging directory before it creates the workspace there
        "lock" | "conf" | super::recover::STAGING_MARK => path.is_file(),
        "blobs" => fs::read_dir(path).is_ok_and(|mut d| d.next().is_none()),
        _ => false,
    }
}

/// Creates `dir` (and missing parents) and makes it owner-only, also when it existed.
fn make_private_dir(dir: &Path) -> Result<()> {
    if !dir.exists() {
        fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .map_err(|e| io_err(dir, e))?;
    }
    fs::set_permissions(dir, fs::Permissions::from_mode(0o700)).map_err(|e| io_err(dir, e))
}

/// Makes every file sled keeps in the workspace readable by its owner only.
fn restrict_files(dir: &Path) -> Result<()> {
    let entries = fs::read_dir(dir).map_err(|e| io_err(dir, e))?;
    for entry in entries.flatten() {
        let p = entry.path();
        let mode = if p.is_dir() { 0o700 } else { 0o600 };
        fs::set_permissions(&p, fs::Permissions::from_mode(mode)).map_err(|e| io_err(&p, e))?;
    }
    Ok(())
}

/// Takes weft's own exclusive lock on the workspace in `dir`, waiting up to `wait` for
/// another weft to let go. The lock lasts as long as the returned file is open.
pub(super) fn take_lock(dir: &Path, wait: Duration) -> Result<fs::File> {
    use rustix::fs::{flock, FlockOperation};
    let path = dir.join(LOCK_FILE);
    let file = fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .mode(0o600)
        .open(&path)
        .map_err(|e| io_err(&path, e))?;
    let started = Instant::now();
    let mut file = file;
    loop {
        match flock(&file, FlockOperation::NonBlockingLockExclusive) {
            // A compaction may have swapped the workspace in while this waited: the lock
            // taken must be the one of the directory now at `dir`.
            Ok(()) if same_file(&file, &path) => return Ok(file),
            Ok(()) => {
                file = fs::OpenOptions::new()
                    .create(true)
                    .truncate(false)
                    .write(true)
                    .mode(0o600)
                    .open(&path)
                    .map_err(|e| io_err(&path, e))?;
            }
            Err(rustix::io::Errno::WOULDBLOCK) | Err(rustix::io::Errno::INTR) => {
                if started.elapsed() >= wait {
                    return Err(StoreError::Locked(dir.to_path_buf()));
                }
                std::thread::sleep(Duration::from_millis(25));
            }
            Err(e) => return Err(io_err(&path, e.into())),
        }
    }
}

/// True when the open `file` is the file now at `path`.
fn same_file(file: &fs::File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), fs::metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

/// Removes what a killed sled snapshot write leaves behind (`snap.<lsn>.generating`),
/// which sled would otherwise read as its newest snapshot and fail on.
fn remove_stale_snapshots(dir: &Path) -> Result<usize> {
    let mut removed = 0;
    for entry in fs::read_dir(dir).map_err(|e| io_err(dir, e))?.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with("snap.") && name.ends_with(".generating") {
            let p = entry.path();
            fs::remove_file(&p).map_err(|e| io_err(&p, e))?;
            removed += 1;
        }
    }
    Ok(removed)
}

/// Keeps panics of the thread that opens sled off the terminal: they are reported as a
/// one-line error instead. Every other thread's panic goes to the hook that was there.
fn quiet_open_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if std::thread::current().name() != Some(OPEN_THREAD) {
                previous(info);
            }
        }));
    });
}

fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic".into())
}

/// Opens sled on its own thread, so that a damaged database that panics or hangs inside
/// sled becomes a one-line error naming `weft recover`.
pub(super) fn open_sled(config: sled::Config, dir: &Path) -> Result<sled::Db> {
    quiet_open_panics();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .name(OPEN_THREAD.into())
        .spawn(move || {
            let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                open_when_released(config)
            }));
            let _ = tx.send(r.map_err(|p| panic_text(p.as_ref())));
        })
        .map_err(|e| io_err(dir, e))?;
    let damaged = |reason: String| StoreError::Damaged {
        path: dir.to_path_buf(),
        reason,
    };
    match rx.recv_timeout(OPEN_TIMEOUT) {
        Ok(Ok(Ok(db))) => Ok(db),
        Ok(Ok(Err(sled::Error::Io(e)))) if e.raw_os_error() == Some(28) => {
            Err(StoreError::DiskFull(dir.to_path_buf()))
        }
        Ok(Ok(Err(e))) if is_lock_error(&e) => Err(StoreError::Locked(dir.to_path_buf())),
        Ok(Ok(Err(e @ sled::Error::Io(_)))) => Err(StoreError::Db {
            path: dir.to_path_buf(),
            source: e,
        }),
        Ok(Ok(Err(e))) => Err(damaged(format!("the database reports {e}"))),
        Ok(Err(panic)) => Err(damaged(format!("the database failed on open ({panic})"))),
        Err(_) => Err(damaged(format!(
            "the database did not open within {} s",
            OPEN_TIMEOUT.as_secs()
        ))),
    }
}

/// Opens `config`, waiting up to 2 s for this process's own earlier handle on the same
/// database to let go of sled's file lock: sled's background thread holds it for a
/// moment after the handle is dropped.
pub(super) fn open_when_released(
    config: sled::Config,
) -> std::result::Result<sled::Db, sled::Error> {
    let started = std::time::Instant::now();
    loop {
        match config.open() {
            Err(e)
                if is_lock_error(&e) && started.elapsed() < std::time::Duration::from_secs(2) =>
            {
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
            other => return other,
        }
    }
}

/// sled's own file lock, held by a process that does not take weft's (an older weft).
pub(super) fn is_lock_error(e: &sled::Error) -> bool {
    matches!(e, sled::Error::Io(io) if io.to_string().contains("lock"))
}

impl Store {
    /// Opens the workspace in `dir`, creating it when asked. weft's own lock is taken
    /// first (a workspace held by another weft is waited for up to `opts.wait`, then
    /// refused with [`StoreError::Locked`]); then what a killed snapshot write left is
    /// cleared, sled is opened, and the journal log is brought level with the database.
    pub fn open(dir: &Path, opts: &OpenOptions) -> Result<Store> {
        if dir.exists() && !dir.is_dir() {
            return Err(StoreError::NotWorkspace(
                dir.to_path_buf(),
                "it is a file".into(),
            ));
        }
        let existed = holds_db(dir);
        let damaged = |reason: &str| StoreError::Damaged {
            path: dir.to_path_buf(),
            reason: reason.into(),
        };
        if !existed {
            if dir.join(super::log::LOG_FILE).is_file() {
                return Err(damaged("its database file (db) is missing"));
            }
            if !opts.create {
                return Err(StoreError::Missing(dir.to_path_buf()));
            }
            if dir.exists() {
                // what a creation killed before sled wrote its database leaves behind (the
                // lock, sled's config and its empty blobs folder) is not someone's files
                let mut others = fs::read_dir(dir)
                    .map_err(|e| io_err(dir, e))?
                    .filter_map(|e| e.ok())
                    .filter(|e| !creation_leftover(&e.path()));
                if others.next().is_some() {
                    return Err(StoreError::NotWorkspace(
                        dir.to_path_buf(),
                        "the directory holds other files".into(),
                    ));
                }
            }
        }
        make_private_dir(dir)?;
        let lock = take_lock(dir, opts.wait)?;
        Store::open_locked(dir, opts, lock, existed)
    }

    /// The rest of [`Store::open`], once the workspace's `lock` is held.
    pub(super) fn open_locked(
        dir: &Path,
        opts: &OpenOptions,
        lock: fs::File,
        existed: bool,
    ) -> Result<Store> {
        let damaged = |reason: &str| StoreError::Damaged {
            path: dir.to_path_buf(),
            reason: reason.into(),
        };
        if existed && !dir.join("conf").is_file() {
            return Err(damaged("its sled configuration file (conf) is missing"));
        }
        let mut notices = Vec::new();
        if super::compact::remove_leftover(dir)? {
            notices.push(
                "removed the copy an interrupted compaction left beside the workspace; the workspace is whole"
                    .to_string(),
            );
        }
        // a search file whose writing was cut short; the next search writes it again
        let _ = fs::remove_file(dir.join(super::search::file::NEW_FILE));
        let stale = remove_stale_snapshots(dir)?;
        if stale > 0 {
            notices.push(format!(
                "removed {stale} unfinished database snapshot{} left by an interrupted weft",
                if stale == 1 { "" } else { "s" }
            ));
        }
        let cache = if opts.cache_bytes == 0 {
            64 << 20
        } else {
            opts.cache_bytes
        };
        let db = open_sled(sled::Config::new().path(dir).cache_capacity(cache), dir)?;
        let db_err = |source| StoreError::Db {
            path: dir.to_path_buf(),
            source,
        };
        // The schema is checked before anything is written.
        let mut upgrade_from = None;
        match db.get(SCHEMA_KEY).map_err(db_err)? {
            Some(v) => {
                let found = v.as_ref().try_into().map(u32::from_be_bytes).map_err(|_| {
                    StoreError::NotWorkspace(dir.to_path_buf(), "unreadable schema version".into())
                })?;
                if found > SCHEMA_VERSION {
                    return Err(StoreError::NewerSchema {
                        path: dir.to_path_buf(),
                        found,
                        known: SCHEMA_VERSION,
                    });
                }
                if found < SCHEMA_VERSION {
                    upgrade_from = Some(found);
                }
            }
            None if existed && (!db.is_empty() || db.tree_names().len() > 1) => {
                return Err(StoreError::NotWorkspace(
                    dir.to_path_buf(),
                    "it holds a database without a weft schema version".into(),
                ));
            }
            None => {
                db.insert(SCHEMA_KEY, &SCHEMA_VERSION.to_be_bytes())
                    .map_err(db_err)?;
                db.flush().map_err(db_err)?;
            }
        }
        let trees = TREE_NAMES
            .iter()
            .map(|n| db.open_tree(n))
            .collect::<std::result::Result<Vec<_>, _>>()
            .map_err(db_err)?;
        let state = match trees[super::META].get(STATE_KEY).map_err(db_err)? {
            Some(v) => serde_json::from_slice::<State>(&v).map_err(|e| StoreError::Corrupt {
                tree: "meta".into(),
                key: "state".into(),
                reason: e.to_string(),
            })?,
            None => State::default(),
        };
        // a log is made only for a workspace that has applied none yet
        let log = super::log::Log::open_in(dir, state.log_len == 0)?;
        restrict_files(dir)?;
        let mut store = Store {
            db,
            path: dir.to_path_buf(),
            log,
            _lock: lock,
            notices,
            trees,
            state,
            user: current_user(),
            clock: None,
            sync: true,
            last_group: None,
            join_last: false,
            read_only: false,
            log_damage: None,
            search_file: Default::default(),
        };
        store.reconcile_log()?;
        match upgrade_from {
            Some(old) => store.upgrade_from(old, opts),
            None => Ok(store),
        }
    }

    /// Writes a raw schema version (tests use it to simulate a newer weft).
    #[doc(hidden)]
    pub fn force_schema(&self, version: u32) -> Result<()> {
        self.db
            .insert(SCHEMA_KEY, &version.to_be_bytes())
            .map_err(|e| self.db_err(e))?;
        self.db.flush().map_err(|e| self.db_err(e))?;
        Ok(())
    }
}

/// The operating-system user, written as `by`: the login name of the process's uid,
/// not an environment variable anyone can set.
pub fn current_user() -> String {
    let uid = rustix::process::getuid().as_raw();
    user_from_passwd(uid).unwrap_or_else(|| format!("uid{uid}"))
}

/// The login name of `uid` from /etc/passwd, when it is there.
fn user_from_passwd(uid: u32) -> Option<String> {
    let passwd = fs::read_to_string("/etc/passwd").ok()?;
    passwd.lines().find_map(|line| {
        let mut parts = line.split(':');
        let name = parts.next()?;
        let uid_field = parts.nth(1)?;
        (uid_field.parse::<u32>().ok()? == uid).then(|| name.to_string())
    })
}
