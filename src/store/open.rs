//! Finding, creating and opening a workspace: directory permissions, the single-writer
//! lock, and the schema version.
//!
//! No file of a workspace is opened through a symlink (`O_NOFOLLOW`), and modes are fixed
//! through open descriptors, never by path: a link where a file of the workspace belongs
//! is refused before anything is opened. A workspace weft may not write (a read-only
//! mount, a directory of someone else's, a full disk, or `--read-only`) is opened
//! read-only for reading, from a private copy of sled's files ([`super::copy`]): sled
//! cannot open a database without writing to it.

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
    /// Open read-only, for this reason (a phrase: "--read-only was given"): nothing in
    /// the workspace is written, and every write is refused with one line.
    pub read_only: Option<String>,
    /// The caller only reads: a workspace that cannot be written (a directory weft may
    /// not write, a read-only filesystem, a full disk) is opened read-only rather than
    /// refused.
    pub reading: bool,
}

/// sled's page cache for a command that reads each tree once in order (`check`,
/// `compact`, `export workspace`, the check that ends `recover`): a small one is as fast as a large one, and sled's
/// 64 MiB default costs far more than that once a whole pass has filled it (`check` at
/// 1M records: 287 MiB with this, 459–577 MiB with the default).
pub const SCAN_CACHE_BYTES: u64 = 8 << 20;

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

/// `O_NOFOLLOW`, for `OpenOptionsExt::custom_flags`: every file of a workspace is opened
/// without following a symlink.
pub(crate) const NOFOLLOW: i32 = rustix::fs::OFlags::NOFOLLOW.bits() as i32;

/// Whether `name`, in a workspace directory, is one of the files weft or sled keeps there.
fn is_own_name(name: &str) -> bool {
    super::compact::is_sled_file(name)
        || name.starts_with(super::log::LOG_FILE)
        || matches!(name, "drafts" | "weft-staging" | ".name.tmp")
        || [
            LOCK_FILE,
            super::NAME_FILE,
            super::DAMAGE_FILE,
            super::search::file::FILE,
            super::search::file::NEW_FILE,
            super::shared::MEMBER_FILE,
        ]
        .contains(&name)
}

/// The refusal of a symlink standing for `name` in the workspace `dir`.
pub(crate) fn link_refused(dir: &Path, name: &str) -> StoreError {
    StoreError::Symlink {
        workspace: dir.to_path_buf(),
        name: name.to_string(),
    }
}

/// Refuses the workspace in `dir` when a symlink stands where one of its files (or one of
/// sled's blobs) belongs: weft never follows a link out of a workspace. A directory that
/// cannot be listed is left to what opens it next.
pub(crate) fn refuse_links(dir: &Path) -> Result<()> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Ok(());
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if !is_own_name(&name) {
            continue;
        }
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_symlink() {
            return Err(link_refused(dir, &name));
        }
        if name == "blobs" && kind.is_dir() {
            for blob in fs::read_dir(entry.path()).into_iter().flatten().flatten() {
                if blob.file_type().is_ok_and(|t| t.is_symlink()) {
                    let blob = blob.file_name();
                    return Err(link_refused(
                        dir,
                        &format!("blobs/{}", blob.to_string_lossy()),
                    ));
                }
            }
        }
    }
    Ok(())
}

/// Opens `name` in the workspace `dir` as `opts` says, never through a symlink: one
/// there is refused with [`StoreError::Symlink`].
pub(crate) fn open_own(dir: &Path, name: &str, opts: &mut fs::OpenOptions) -> Result<fs::File> {
    let path = dir.join(name);
    opts.custom_flags(NOFOLLOW)
        .open(&path)
        .map_err(|e| match e.raw_os_error() {
            Some(code) if code == rustix::io::Errno::LOOP.raw_os_error() => link_refused(dir, name),
            _ => io_err(&path, e),
        })
}

/// Sets the mode of the open `file` to `mode` when it is not that already.
fn restrict(file: &fs::File, mode: u32) -> std::io::Result<()> {
    if file.metadata()?.permissions().mode() & 0o7777 != mode {
        rustix::fs::fchmod(file, rustix::fs::Mode::from_raw_mode(mode))?;
    }
    Ok(())
}

/// Why the workspace in `dir` is to be opened read-only, when it is: asked for, or a
/// directory or database this process may not write. A directory without a database
/// (to be created) is never read-only.
pub(crate) fn read_only_reason(dir: &Path, opts: &OpenOptions) -> Option<String> {
    if let Some(why) = &opts.read_only {
        return Some(why.clone());
    }
    if !holds_db(dir) {
        return None;
    }
    use rustix::io::Errno;
    // refused for want of permission or on a read-only filesystem; a file that is
    // missing is for the open to report
    let refused = |p: &Path| {
        matches!(
            rustix::fs::access(p, rustix::fs::Access::WRITE_OK),
            Err(Errno::ACCESS | Errno::PERM | Errno::ROFS)
        )
    };
    if refused(dir) {
        return Some("its directory is not writable".into());
    }
    if ["db", "conf"].iter().any(|f| refused(&dir.join(f))) {
        return Some("its database files are not writable".into());
    }
    None
}

/// Why opening sled for writing failed in a way that opening it read-only gets past.
fn unwritable(e: &StoreError) -> Option<&'static str> {
    use std::io::ErrorKind;
    match e {
        StoreError::DiskFull(_) => Some("the disk holding it is full"),
        StoreError::Db {
            source: sled::Error::Io(io),
            ..
        } => match io.kind() {
            ErrorKind::ReadOnlyFilesystem => Some("its filesystem is read-only"),
            ErrorKind::PermissionDenied => Some("its database files are not writable"),
            _ => None,
        },
        _ => None,
    }
}

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

/// Creates `dir` (and missing parents) and makes it owner-only, also when it existed:
/// through its descriptor (the workspace's own path may be a link the user made).
fn make_private_dir(dir: &Path) -> Result<()> {
    if !dir.exists() {
        fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .map_err(|e| io_err(dir, e))?;
    }
    let d = fs::File::open(dir).map_err(|e| io_err(dir, e))?;
    restrict(&d, 0o700).map_err(|e| io_err(dir, e))
}

/// Makes every file and directory in the workspace readable by its owner only, each
/// through a descriptor opened without following a link: a link is never followed
/// (one standing for a file of the workspace was refused when it opened).
fn restrict_files(dir: &Path) -> Result<()> {
    use std::io::ErrorKind;
    let entries = fs::read_dir(dir).map_err(|e| io_err(dir, e))?;
    for entry in entries.flatten() {
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        let (mode, flags) = if kind.is_dir() {
            (0o700, rustix::fs::OFlags::DIRECTORY)
        } else if kind.is_file() {
            (0o600, rustix::fs::OFlags::empty())
        } else {
            continue;
        };
        let p = entry.path();
        let flags = flags | rustix::fs::OFlags::NONBLOCK | rustix::fs::OFlags::NOFOLLOW;
        let file = match fs::OpenOptions::new()
            .read(true)
            .custom_flags(flags.bits() as i32)
            .open(&p)
        {
            Ok(f) => f,
            // gone meanwhile, or one its owner may not read (nor anyone else)
            Err(e) if matches!(e.kind(), ErrorKind::NotFound | ErrorKind::PermissionDenied) => {
                continue
            }
            Err(e) if e.raw_os_error() == Some(rustix::io::Errno::LOOP.raw_os_error()) => {
                return Err(link_refused(dir, &entry.file_name().to_string_lossy()));
            }
            Err(e) => return Err(io_err(&p, e)),
        };
        restrict(&file, mode).map_err(|e| io_err(&p, e))?;
    }
    Ok(())
}

/// Takes weft's own exclusive lock on the workspace in `dir`, waiting up to `wait` for
/// another weft to let go. The lock lasts as long as the returned file is open.
pub(super) fn take_lock(dir: &Path, wait: Duration) -> Result<fs::File> {
    let open = || {
        open_own(
            dir,
            LOCK_FILE,
            fs::OpenOptions::new()
                .create(true)
                .truncate(false)
                .write(true)
                .mode(0o600),
        )
    };
    lock_with(
        dir,
        wait,
        open,
        rustix::fs::FlockOperation::NonBlockingLockExclusive,
    )
}

/// Takes a shared lock on the workspace in `dir` opened read-only, so that no weft
/// writes it meanwhile, waiting up to `wait` for one that does. A lock file that cannot
/// be opened for reading (a copy of a workspace without one) means no lock: nothing
/// else can write where weft may not.
pub(super) fn take_shared_lock(dir: &Path, wait: Duration) -> Result<Option<fs::File>> {
    let open = || open_own(dir, LOCK_FILE, fs::OpenOptions::new().read(true));
    if let Err(e) = open() {
        return match e {
            StoreError::Symlink { .. } => Err(e),
            _ => Ok(None),
        };
    }
    lock_with(
        dir,
        wait,
        open,
        rustix::fs::FlockOperation::NonBlockingLockShared,
    )
    .map(Some)
}

/// Locks the file `open` opens, as `how` says, waiting up to `wait` for another weft to
/// let go of the workspace in `dir`.
fn lock_with(
    dir: &Path,
    wait: Duration,
    open: impl Fn() -> Result<fs::File>,
    how: rustix::fs::FlockOperation,
) -> Result<fs::File> {
    use rustix::fs::flock;
    let path = dir.join(LOCK_FILE);
    let started = Instant::now();
    let mut file = open()?;
    loop {
        match flock(&file, how) {
            // A compaction may have swapped the workspace in while this waited: the lock
            // taken must be the one of the directory now at `dir`.
            Ok(()) if same_file(&file, &path) => return Ok(file),
            Ok(()) => file = open()?,
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

/// Whether `name` is what a sled snapshot write leaves while it runs.
pub(super) fn is_unfinished_snapshot(name: &str) -> bool {
    name.starts_with("snap.") && name.ends_with(".generating")
}

/// Removes what a killed sled snapshot write leaves behind (`snap.<lsn>.generating`),
/// which sled would otherwise read as its newest snapshot and fail on. Returns how many
/// held something: an empty one is what an open on a full disk leaves, not worth a word.
fn remove_stale_snapshots(dir: &Path) -> Result<usize> {
    let mut removed = 0;
    for entry in fs::read_dir(dir).map_err(|e| io_err(dir, e))?.flatten() {
        let name = entry.file_name();
        if is_unfinished_snapshot(&name.to_string_lossy()) {
            let p = entry.path();
            let empty = entry.metadata().is_ok_and(|m| m.len() == 0);
            fs::remove_file(&p).map_err(|e| io_err(&p, e))?;
            removed += usize::from(!empty);
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

/// sled's configuration for the database in `at`, with the page cache `opts` asks for.
fn sled_config(at: &Path, opts: &OpenOptions) -> sled::Config {
    let cache = if opts.cache_bytes == 0 {
        64 << 20
    } else {
        opts.cache_bytes
    };
    sled::Config::new().path(at).cache_capacity(cache)
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
        Ok(Ok(Err(sled::Error::Io(e)))) if super::error::is_disk_full(&e) => {
            Err(StoreError::DiskFull(dir.to_path_buf()))
        }
        Ok(Ok(Err(e))) if is_lock_error(&e) => Err(StoreError::Locked(dir.to_path_buf())),
        Ok(Ok(Err(e))) if super::error::is_damage(&e) => {
            Err(damaged("its database is damaged".into()))
        }
        Ok(Ok(Err(e @ sled::Error::Io(_)))) => Err(super::error::db_error(dir, e)),
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
    /// A symlink where a file of the workspace belongs is refused. A workspace that
    /// cannot be written is opened read-only when `opts.reading` (see
    /// [`OpenOptions::reading`]), else refused with [`StoreError::ReadOnly`].
    pub fn open(dir: &Path, opts: &OpenOptions) -> Result<Store> {
        if dir.exists() && !dir.is_dir() {
            return Err(StoreError::NotWorkspace(
                dir.to_path_buf(),
                "it is a file".into(),
            ));
        }
        refuse_links(dir)?;
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
            if let Some(why) = &opts.read_only {
                let line = super::refuse::read_only_line(dir, why);
                return Err(StoreError::ReadOnly(line));
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
        if let Some(why) = read_only_reason(dir, opts) {
            return Store::open_read_only(dir, opts, &why, None);
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
        let db = match open_sled(sled_config(dir, opts), dir) {
            Ok(db) => db,
            // a full disk or a read-only mount: a reader reads from a copy instead
            Err(e) if opts.reading && existed => match unwritable(&e) {
                Some(why) => return Store::open_read_only(dir, opts, why, Some(lock)),
                None => return Err(e),
            },
            Err(e) => return Err(e),
        };
        let log = super::log::Log::open_in(dir, false)?;
        restrict_files(dir)?;
        Store::finish_open(dir, opts, db, log, Some(lock), notices, None)
    }

    /// Opens the workspace in `dir` read-only, for the reason `why`: sled's files are
    /// copied into a private directory and opened there, weft's own files are read in
    /// place, and nothing in `dir` is written. Every write is refused with one line.
    /// `lock` is the exclusive lock when it was taken already; otherwise a shared one is
    /// taken when the lock file can be opened.
    fn open_read_only(
        dir: &Path,
        opts: &OpenOptions,
        why: &str,
        lock: Option<fs::File>,
    ) -> Result<Store> {
        let refusal = super::refuse::read_only_line(dir, why);
        if !opts.reading {
            return Err(StoreError::ReadOnly(refusal));
        }
        let lock = match lock {
            Some(l) => Some(l),
            None => take_shared_lock(dir, opts.wait)?,
        };
        if !dir.join("conf").is_file() {
            return Err(StoreError::Damaged {
                path: dir.to_path_buf(),
                reason: "its sled configuration file (conf) is missing".into(),
            });
        }
        let copy = super::copy::Copy::make(dir)?;
        let db = open_sled(sled_config(copy.path(), opts), dir)?;
        let log = copy.log(dir)?;
        let copy = Some(std::sync::Arc::new(copy));
        let mut store = Store::finish_open(dir, opts, db, log, lock, Vec::new(), copy)?;
        store.refuse_writes(refusal);
        Ok(store)
    }

    /// Opens the workspace's trees on `db` (checking its schema first) and makes the
    /// store; a workspace opened for writing is then brought level with its journal log
    /// and upgraded if it is of an older schema.
    fn finish_open(
        dir: &Path,
        opts: &OpenOptions,
        db: sled::Db,
        log: super::log::Log,
        lock: Option<fs::File>,
        notices: Vec<String>,
        copy: Option<std::sync::Arc<super::copy::Copy>>,
    ) -> Result<Store> {
        let db_err = |source| super::error::db_error(dir, source);
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
            None if !db.is_empty() || db.tree_names().len() > 1 => {
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
        let read_only = copy.is_some();
        let damage = super::refuse::Damage::default();
        damage.read_mark(dir);
        // a log is made only for a workspace that has applied none of one yet: a missing
        // log of a workspace that has is damage, never replaced by an empty one
        let log = match (log.is_missing(), state.log_len, read_only) {
            (true, 0, false) => super::log::Log::open(dir)?,
            _ => log,
        };
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
            writes_refused: None,
            damage,
            search_file: Default::default(),
            copy,
            member: None,
        };
        if let Some(m) = super::shared::Member::read(dir)? {
            store.set_member(m);
        }
        if read_only {
            // Read-only: the log is not brought level with the database (that writes),
            // and an older schema is upgraded in the private copy only.
            store.tell_unreconciled();
            return match upgrade_from {
                Some(old) => store.upgrade_copy(old, opts),
                None => Ok(store),
            };
        }
        store.level_and_upgrade(upgrade_from, opts)
    }

    /// Says so when the journal log and the database of a workspace open read-only are
    /// not level: what the log holds past the database was never acknowledged, and a
    /// log behind it is repaired by the next open that may write.
    fn tell_unreconciled(&mut self) {
        let len = fs::symlink_metadata(self.path.join(super::log::LOG_FILE)).map_or(0, |m| m.len());
        if len != self.state.log_len {
            self.notices.push(format!(
                "the journal log of {} is not level with its database; opened read-only, they are read as they are",
                self.path.display()
            ));
        }
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    fn create() -> OpenOptions {
        OpenOptions {
            create: true,
            ..OpenOptions::default()
        }
    }

    #[test]
    fn modes_are_fixed_through_descriptors_and_never_through_a_link() {
        let d = tempfile::tempdir().unwrap();
        let ws = d.path().join("ws");
        drop(Store::open(&ws, &create()).unwrap());
        let outside = d.path().join("outside");
        fs::write(&outside, "x").unwrap();
        fs::set_permissions(&outside, fs::Permissions::from_mode(0o644)).unwrap();
        symlink(&outside, ws.join("my-link")).unwrap();
        fs::write(ws.join("loose"), "y").unwrap();
        fs::set_permissions(ws.join("loose"), fs::Permissions::from_mode(0o664)).unwrap();
        fs::set_permissions(ws.join("blobs"), fs::Permissions::from_mode(0o755)).unwrap();
        restrict_files(&ws).unwrap();
        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&outside), 0o644);
        assert_eq!(mode(&ws.join("loose")), 0o600);
        assert_eq!(mode(&ws.join("blobs")), 0o700);
    }

    #[test]
    fn a_link_standing_for_a_file_of_the_workspace_is_refused_before_anything_opens() {
        let d = tempfile::tempdir().unwrap();
        let ws = d.path().join("ws");
        drop(Store::open(&ws, &create()).unwrap());
        let outside = d.path().join("outside");
        fs::write(&outside, "x").unwrap();
        assert!(refuse_links(&ws).is_ok());
        for name in ["snap.00001", "journal.log.aside", "damaged", "blobs/12"] {
            symlink(&outside, ws.join(name)).unwrap();
            let Err(e) = Store::open(&ws, &OpenOptions::default()) else {
                panic!("{name}: a link was followed");
            };
            assert_eq!(
                e.to_string(),
                format!(
                    "workspace {}: {name} is a symlink; weft never follows a link out of a workspace",
                    ws.display()
                )
            );
            fs::remove_file(ws.join(name)).unwrap();
        }
        // opened by name, a link is refused too (one made after the open looked)
        symlink(&outside, ws.join("lock2")).unwrap();
        let e = open_own(&ws, "lock2", fs::OpenOptions::new().read(true)).unwrap_err();
        assert!(matches!(e, StoreError::Symlink { .. }), "{e}");
    }

    #[test]
    fn a_workspace_opened_read_only_is_read_from_a_copy_and_writes_nothing() {
        let d = tempfile::tempdir().unwrap();
        let ws = d.path().join("ws");
        let mut s = Store::open(&ws, &create()).unwrap();
        s.add_note(crate::store::NewNote {
            text: "kept".into(),
            ..Default::default()
        })
        .unwrap();
        drop(s);
        let listing = |ws: &Path| {
            let mut v: Vec<_> = fs::read_dir(ws)
                .unwrap()
                .map(|e| {
                    let e = e.unwrap();
                    let m = e.metadata().unwrap();
                    (e.file_name(), m.len(), m.modified().unwrap())
                })
                .collect();
            v.sort();
            v
        };
        let before = listing(&ws);
        let why = "a test asked".to_string();
        let asked = OpenOptions {
            read_only: Some(why.clone()),
            ..OpenOptions::default()
        };
        // a command that writes is refused before anything is copied
        let Err(e) = Store::open(&ws, &asked) else {
            panic!("a write was let through");
        };
        let line = format!(
            "workspace {} is open read-only (a test asked): nothing was changed",
            ws.display()
        );
        assert_eq!(e.to_string(), line);
        let reading = OpenOptions {
            reading: true,
            ..asked
        };
        let mut s = Store::open(&ws, &reading).unwrap();
        assert!(s.is_read_only());
        assert_eq!(s.state().count(crate::model::Kind::Note), 1);
        assert_eq!(s.writes_refused(), Some(line.as_str()));
        let copy = s.copy.as_ref().unwrap().path().to_path_buf();
        assert!(copy.join("db").is_file() && !copy.starts_with(&ws));
        assert!(matches!(
            s.add_note(crate::store::NewNote {
                text: "refused".into(),
                ..Default::default()
            }),
            Err(StoreError::ReadOnly(_))
        ));
        assert!(s.build_search_file().is_err());
        // a second reader reads alongside; a writer waits for both
        let other = Store::open(&ws, &reading).unwrap();
        assert!(matches!(
            Store::open(&ws, &OpenOptions::default()),
            Err(StoreError::Locked(_))
        ));
        drop(other);
        drop(s);
        assert!(!copy.exists(), "the private copy outlived its store");
        assert_eq!(listing(&ws), before);
        Store::open(&ws, &OpenOptions::default()).unwrap();
    }
}
