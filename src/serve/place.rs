//! Where a workspace's server listens: a Unix socket in a directory only its user can
//! reach, named for the workspace's device and inode (a path can be swapped for another
//! directory under the same name; the inode it resolves to cannot).
//!
//! The directory is `$XDG_RUNTIME_DIR/weft/` when that variable names a directory owned
//! by this user, else `$TMPDIR/weft-UID/` (or `/tmp/weft-UID/`). It is created mode 0700
//! and refused, before anything is bound or connected in it, when it is a symlink, is
//! owned by another user, or lets the group or others in at all: read access alone
//! would let another user find the socket, and a directory another user controls would
//! let them put their own socket in its place.

use std::io;
use std::os::unix::fs::{DirBuilderExt, MetadataExt};
use std::path::{Path, PathBuf};

/// The longest socket path `sun_path` holds, with its terminating zero.
const SUN_PATH: usize = 108;

/// Why the socket directory cannot be used, in one line naming it.
fn unsafe_dir(dir: &Path, why: &str) -> io::Error {
    io::Error::new(
        io::ErrorKind::PermissionDenied,
        format!("socket directory {}: {why}", dir.display()),
    )
}

/// The directory the sockets of this user's weft servers live in (not created).
pub fn socket_dir() -> PathBuf {
    let uid = rustix::process::geteuid().as_raw();
    if let Some(runtime) = std::env::var_os("XDG_RUNTIME_DIR").filter(|v| !v.is_empty()) {
        let runtime = PathBuf::from(runtime);
        // only a runtime directory that is this user's own (as kakoune and Emacs check):
        // an inherited variable can name another user's
        if std::fs::metadata(&runtime).is_ok_and(|m| m.is_dir() && m.uid() == uid) {
            return runtime.join("weft");
        }
    }
    let tmp = std::env::var_os("TMPDIR")
        .filter(|v| !v.is_empty())
        .map_or_else(|| PathBuf::from("/tmp"), PathBuf::from);
    tmp.join(format!("weft-{uid}"))
}

/// Checks that `dir` is safe to hold sockets: a real directory (not a symlink), owned by
/// this user, with no access for group or others.
pub fn check_dir(dir: &Path) -> io::Result<()> {
    let meta = std::fs::symlink_metadata(dir)?;
    if meta.file_type().is_symlink() {
        return Err(unsafe_dir(
            dir,
            "is a symlink (it could lead to a directory another user controls); remove it",
        ));
    }
    if !meta.is_dir() {
        return Err(unsafe_dir(dir, "is not a directory"));
    }
    let uid = rustix::process::geteuid().as_raw();
    if meta.uid() != uid {
        return Err(unsafe_dir(
            dir,
            &format!("is owned by uid {}, not by you (uid {uid})", meta.uid()),
        ));
    }
    if meta.mode() & 0o077 != 0 {
        return Err(unsafe_dir(
            dir,
            &format!(
                "has mode {:o}: group and others must have no access (chmod 700 it)",
                meta.mode() & 0o777
            ),
        ));
    }
    Ok(())
}

/// [`socket_dir`], created 0700 when missing, and checked ([`check_dir`]).
pub fn ensure_dir() -> io::Result<PathBuf> {
    let dir = socket_dir();
    match std::fs::DirBuilder::new().mode(0o700).create(&dir) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
        Err(e) => return Err(unsafe_dir(&dir, &format!("cannot create it: {e}"))),
    }
    check_dir(&dir)?;
    Ok(dir)
}

/// The identity of a workspace directory: its device and inode.
pub fn identity(workspace: &Path) -> io::Result<(u64, u64)> {
    let meta = std::fs::metadata(workspace)?;
    Ok((meta.dev(), meta.ino()))
}

/// The socket of the workspace with `identity`, in `dir`.
pub fn socket_in(dir: &Path, identity: (u64, u64)) -> io::Result<PathBuf> {
    let path = dir.join(format!("{:x}-{:x}.sock", identity.0, identity.1));
    if path.as_os_str().len() >= SUN_PATH {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!(
                "socket path {} is longer than a Unix socket allows ({} bytes); set XDG_RUNTIME_DIR or TMPDIR to a shorter directory",
                path.display(),
                SUN_PATH - 1
            ),
        ));
    }
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn a_safe_directory_passes_and_unsafe_ones_are_refused() {
        let base = tempfile::tempdir().unwrap();
        let dir = base.path().join("s");
        std::fs::DirBuilder::new().mode(0o700).create(&dir).unwrap();
        check_dir(&dir).unwrap();
        for mode in [0o750, 0o705, 0o740] {
            std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(mode)).unwrap();
            let e = check_dir(&dir).unwrap_err().to_string();
            assert!(e.contains("group and others must have no access"), "{e}");
        }
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700)).unwrap();
        let link = base.path().join("link");
        std::os::unix::fs::symlink(&dir, &link).unwrap();
        let e = check_dir(&link).unwrap_err().to_string();
        assert!(e.contains("is a symlink"), "{e}");
        let file = base.path().join("f");
        std::fs::write(&file, "").unwrap();
        assert!(check_dir(&file)
            .unwrap_err()
            .to_string()
            .contains("not a directory"));
    }

    #[test]
    fn the_name_is_the_inode_not_the_path() {
        let base = tempfile::tempdir().unwrap();
        let a = base.path().join("a");
        std::fs::create_dir(&a).unwrap();
        let first = socket_in(base.path(), identity(&a).unwrap()).unwrap();
        // the same directory by another path is the same socket
        let again = socket_in(base.path(), identity(&a.join(".")).unwrap()).unwrap();
        assert_eq!(first, again);
        // a new directory swapped in under the old name is another workspace
        std::fs::rename(&a, base.path().join("old")).unwrap();
        std::fs::create_dir(&a).unwrap();
        let swapped = socket_in(base.path(), identity(&a).unwrap()).unwrap();
        assert_ne!(first, swapped);
        let long = base.path().join("x".repeat(120));
        assert!(socket_in(&long, (1, 2)).is_err());
    }
}
