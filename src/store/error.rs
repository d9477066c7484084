//! Errors the store reports: each one line naming the input and what was wrong with it.

use crate::model::{Id, ParseError};
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("workspace {0} is open elsewhere (another weft holds it); close it and try again")]
    Locked(PathBuf),
    #[error("no workspace at {0}: create one with `weft init {0}`")]
    Missing(PathBuf),
    #[error("workspace {} cannot be opened: {reason}; rebuild it from its journal log with `weft --workspace {} recover --to NEWDIR`", path.display(), path.display())]
    Damaged { path: PathBuf, reason: String },
    #[error(
        "no space left on the disk holding {0}: free some space and try again; nothing was changed"
    )]
    DiskFull(PathBuf),
    /// [`StoreError::DiskFull`] met by a command that only reads ([`StoreError::reading`]).
    #[error(
        "no space left on the disk holding {0}: the read could not finish; free some space and try again"
    )]
    DiskFullReading(PathBuf),
    #[error("workspace {path} has schema version {found}, newer than this weft understands ({known}); upgrade weft to open it")]
    NewerSchema {
        path: PathBuf,
        found: u32,
        known: u32,
    },
    #[error("{0} is not a weft workspace: {1}")]
    NotWorkspace(PathBuf, String),
    #[error("no record {0}")]
    NotFound(Id),
    #[error(transparent)]
    Parse(#[from] ParseError),
    #[error("{0}")]
    Invalid(String),
    #[error("workspace {0} is not empty: import needs an empty workspace")]
    NotEmpty(PathBuf),
    #[error("storage error in {}: {}", path.display(), sled_text(source))]
    Db { path: PathBuf, source: sled::Error },
    /// sled found its own data damaged (or gave up on it) after the workspace opened.
    #[error("workspace {}: the database is damaged: run `weft check`, then `weft --workspace {} recover --to NEWDIR`", .0.display(), .0.display())]
    DbDamaged(PathBuf),
    /// A write refused: the line says why (a workspace open read-only, a damaged one).
    #[error("{0}")]
    ReadOnly(String),
    /// A symlink where a file of the workspace belongs.
    #[error("workspace {}: {name} is a symlink; weft never follows a link out of a workspace", workspace.display())]
    Symlink { workspace: PathBuf, name: String },
    #[error("damaged record {key} in {tree}: {reason}")]
    Corrupt {
        tree: String,
        key: String,
        reason: String,
    },
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

impl StoreError {
    pub fn invalid(msg: impl Into<String>) -> Self {
        StoreError::Invalid(msg.into())
    }

    /// The error as a command that only reads reports it: a full disk says the read
    /// could not finish, not that nothing was changed (nothing was going to be).
    pub fn reading(self) -> Self {
        match self {
            StoreError::DiskFull(path) => StoreError::DiskFullReading(path),
            other => other,
        }
    }
}

/// An I/O failure on `path`, as the store reports it: a full disk as
/// [`StoreError::DiskFull`], whatever was being written.
pub(crate) fn io_err(path: &Path, source: std::io::Error) -> StoreError {
    if is_disk_full(&source) {
        return StoreError::DiskFull(path.to_path_buf());
    }
    StoreError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Whether `e` says the disk is full. sled hands an error that crossed its threads on
/// as a copy holding the original's debug text, without the OS code but with its kind.
pub(crate) fn is_disk_full(e: &std::io::Error) -> bool {
    e.kind() == std::io::ErrorKind::StorageFull || e.raw_os_error() == Some(28)
}

/// Whether sled's `e` says its data is damaged: its own checks failed, it met a state it
/// calls a bug or cannot handle, or a page it points at lies past the end of its file.
pub(crate) fn is_damage(e: &sled::Error) -> bool {
    match e {
        sled::Error::Corruption { .. }
        | sled::Error::ReportableBug(_)
        | sled::Error::Unsupported(_) => true,
        sled::Error::Io(io) => io.kind() == std::io::ErrorKind::UnexpectedEof,
        _ => false,
    }
}

/// A failure sled reported while working on the workspace in `dir`, as one line: a full
/// disk and damage have their own messages; anything else names the workspace.
pub(crate) fn db_error(dir: &Path, source: sled::Error) -> StoreError {
    match &source {
        sled::Error::Io(e) if is_disk_full(e) => StoreError::DiskFull(dir.to_path_buf()),
        e if is_damage(e) => StoreError::DbDamaged(dir.to_path_buf()),
        _ => StoreError::Db {
            path: dir.to_path_buf(),
            source,
        },
    }
}

/// sled's error as a line for the user: an I/O error whose text sled turned into Rust's
/// debug form (`Os { code: 5, .. }`) is described by its kind instead.
fn sled_text(e: &sled::Error) -> String {
    match e {
        sled::Error::Io(io) if io.raw_os_error().is_none() && io.to_string().contains("Os {") => {
            format!("IO error: {}", io.kind())
        }
        e => e.to_string(),
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sled_damage_and_a_full_disk_read_as_one_line_without_debug_text() {
        let dir = Path::new("/x/t");
        let damaged = db_error(
            dir,
            sled::Error::Corruption {
                at: None,
                bt: Default::default(),
            },
        )
        .to_string();
        assert_eq!(
            damaged,
            "workspace /x/t: the database is damaged: run `weft check`, then `weft --workspace /x/t recover --to NEWDIR`"
        );
        for e in [
            sled::Error::ReportableBug("x".into()),
            sled::Error::Unsupported("y".into()),
            sled::Error::Io(std::io::Error::from(std::io::ErrorKind::UnexpectedEof)),
        ] {
            assert!(matches!(db_error(dir, e), StoreError::DbDamaged(_)));
        }
        // what sled's own threads hand on: the OS error turned into its debug text
        let full = std::io::Error::from_raw_os_error(28);
        let copied = std::io::Error::new(full.kind(), format!("{full:?}"));
        for e in [full, copied] {
            let line = db_error(dir, sled::Error::Io(e)).to_string();
            assert!(
                line.starts_with("no space left on the disk holding /x/t"),
                "{line}"
            );
        }
        let io = io_err(
            Path::new("/x/t/journal.log"),
            std::io::Error::from_raw_os_error(28),
        );
        assert!(matches!(io, StoreError::DiskFull(_)), "{io}");
        let eio = std::io::Error::from_raw_os_error(5);
        let copied = std::io::Error::new(eio.kind(), format!("{eio:?}"));
        let line = db_error(dir, sled::Error::Io(copied)).to_string();
        assert!(!line.contains("Os {"), "{line}");
        assert!(
            line.starts_with("storage error in /x/t: IO error: "),
            "{line}"
        );
    }

    #[test]
    fn a_full_disk_says_nothing_was_changed_only_for_a_write() {
        let write = StoreError::DiskFull("/ws".into()).to_string();
        assert!(write.contains("nothing was changed"), "{write}");
        let read = StoreError::DiskFull("/ws".into()).reading().to_string();
        assert!(!read.contains("changed"), "{read}");
        assert!(read.contains("the read could not finish"), "{read}");
        assert!(read.contains("/ws"), "{read}");
    }
}
