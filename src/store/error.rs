//! Errors the store reports: each one line naming the input and what was wrong with it.

use crate::model::{Id, ParseError};
use std::path::PathBuf;

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
    #[error("storage error in {path}: {source}")]
    Db { path: PathBuf, source: sled::Error },
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

/// An I/O failure on `path`, as the store reports it.
pub(crate) fn io_err(path: &std::path::Path, source: std::io::Error) -> StoreError {
    StoreError::Io {
        path: path.to_path_buf(),
        source,
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

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
