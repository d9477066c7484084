//! Finding, creating and opening a workspace: directory permissions, the single-writer
//! lock, and the schema version.

use super::{Result, State, Store, StoreError, SCHEMA_KEY, SCHEMA_VERSION, STATE_KEY, TREE_NAMES};
use std::fs;
use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
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

fn io_err(path: &Path, source: std::io::Error) -> StoreError {
    StoreError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// True when `dir` already holds a sled database.
fn holds_db(dir: &Path) -> bool {
    dir.join("conf").is_file() && dir.join("db").is_file()
}

/// Creates `dir` (and missing parents) owner-only.
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

fn is_lock_error(e: &sled::Error) -> bool {
    match e {
        sled::Error::Io(io) => {
            io.kind() == std::io::ErrorKind::Other || io.to_string().contains("lock")
        }
        _ => false,
    }
}

impl Store {
    /// Opens the workspace in `dir`, creating it when asked. A workspace held by another
    /// process is waited for up to `opts.wait`, then refused with [`StoreError::Locked`].
    pub fn open(dir: &Path, opts: &OpenOptions) -> Result<Store> {
        if dir.exists() && !dir.is_dir() {
            return Err(StoreError::NotWorkspace(
                dir.to_path_buf(),
                "it is a file".into(),
            ));
        }
        let existed = holds_db(dir);
        if !existed {
            if !opts.create {
                return Err(StoreError::Missing(dir.to_path_buf()));
            }
            if dir.exists() {
                let non_empty = fs::read_dir(dir)
                    .map_err(|e| io_err(dir, e))?
                    .next()
                    .is_some();
                if non_empty {
                    return Err(StoreError::NotWorkspace(
                        dir.to_path_buf(),
                        "the directory holds other files".into(),
                    ));
                }
            }
            make_private_dir(dir)?;
        }
        let cache = if opts.cache_bytes == 0 {
            64 << 20
        } else {
            opts.cache_bytes
        };
        let config = sled::Config::new().path(dir).cache_capacity(cache);
        let started = Instant::now();
        let db = loop {
            match config.open() {
                Ok(db) => break db,
                Err(e) if is_lock_error(&e) => {
                    if started.elapsed() >= opts.wait {
                        return Err(StoreError::Locked(dir.to_path_buf()));
                    }
                    std::thread::sleep(Duration::from_millis(25));
                }
                Err(e) => {
                    return Err(StoreError::Db {
                        path: dir.to_path_buf(),
                        source: e,
                    })
                }
            }
        };
        let db_err = |source| StoreError::Db {
            path: dir.to_path_buf(),
            source,
        };
        // The schema is checked before anything is written.
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
            }
            None if existed && !db.is_empty() => {
                return Err(StoreError::NotWorkspace(
                    dir.to_path_buf(),
                    "it holds a database without a weft schema".into(),
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
        restrict_files(dir)?;
        Ok(Store {
            db,
            path: dir.to_path_buf(),
            trees,
            state,
            user: current_user(),
            clock: None,
            sync: true,
        })
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

/// The operating-system user, written as `by`.
pub fn current_user() -> String {
    ["USER", "LOGNAME", "USERNAME"]
        .iter()
        .filter_map(|v| std::env::var(v).ok())
        .find(|u| !u.trim().is_empty())
        .unwrap_or_else(|| {
            let uid = rustix::process::getuid().as_raw();
            user_from_passwd(uid).unwrap_or_else(|| format!("uid{uid}"))
        })
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
