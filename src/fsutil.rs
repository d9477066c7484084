//! Writing files whole: the one atomic-write helper every file weft writes whole goes
//! through (exports, the workspace's `name`), and writing an export to whatever its
//! `-o` path names (a regular file, a path not there yet, a device, a FIFO, a symlink to
//! one of those). Depends on nothing of ours, so both the store and the exports use it.

use std::ffi::OsString;
use std::fs;
use std::io::{self, Write};
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// Writes `bytes` to `path` so that the file is never seen half-written: a temporary
/// file in the same directory, owner-only (0600), synced, then renamed over `path`, and
/// the directory synced. Whatever was at `path` is replaced, a symlink included: call
/// [`write_output`] for a path a user named.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_atomic_with(path, |w| w.write_all(bytes))
}

/// [`write_atomic`] for output produced as it is written. When `fill` fails, the
/// temporary file is removed and `path` is left as it was.
pub fn write_atomic_with(
    path: &Path,
    fill: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    let dir = parent_dir(path);
    let name = path
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "the path names no file"))?;
    let mut prefix = OsString::from(".");
    prefix.push(name);
    prefix.push(".");
    let tmp = tempfile::Builder::new()
        .prefix(&prefix)
        .suffix(".tmp")
        .permissions(fs::Permissions::from_mode(0o600))
        .tempfile_in(dir)?;
    {
        let mut w = io::BufWriter::new(tmp.as_file());
        fill(&mut w)?;
        w.flush()?;
    }
    tmp.as_file()
        .set_permissions(fs::Permissions::from_mode(0o600))?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    sync_dir(dir)
}

/// Syncs a directory, so that a rename or a new name in it survives a power cut.
pub fn sync_dir(dir: &Path) -> io::Result<()> {
    fs::File::open(dir)?.sync_all()
}

/// The directory a path's last component lives in (`.` for a bare name).
fn parent_dir(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// How [`write_output`] writes to a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    /// A regular file or a path where nothing is yet: written whole with
    /// [`write_atomic_with`] at this path (a symlink's final target, so the link stays).
    Replace(PathBuf),
    /// Anything else that can be opened for writing (a character device such as
    /// `/dev/null`, a FIFO, a terminal, `/dev/stdout`): opened and written in place,
    /// never created, truncated or replaced.
    InPlace(PathBuf),
}

/// How many symlinks [`destination`] follows before it gives up, as the kernel does.
const MAX_LINKS: usize = 40;

/// Where output named `path` goes. Symlinks are followed to what they finally name: a
/// regular file (or nothing yet) there is replaced atomically at the target's own path,
/// so the link itself stays; a link through `/proc` (`/dev/stdout`, `/dev/fd/1`, which
/// name an open file of this process rather than a path) is written in place. A
/// directory, a socket and a block device are refused.
pub fn destination(path: &Path) -> io::Result<Destination> {
    let mut at = path.to_path_buf();
    for _ in 0..MAX_LINKS {
        let meta = match fs::symlink_metadata(&at) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Destination::Replace(at)),
            Err(e) => return Err(e),
            Ok(m) => m,
        };
        let kind = meta.file_type();
        if kind.is_symlink() {
            let target = fs::read_link(&at)?;
            let next = if target.is_absolute() {
                target
            } else {
                parent_dir(&at).join(target)
            };
            if next.starts_with("/proc") {
                // a magic link to an open file: only opening it reaches that file
                return Ok(Destination::InPlace(path.to_path_buf()));
            }
            at = next;
            continue;
        }
        return if kind.is_file() {
            Ok(Destination::Replace(at))
        } else if kind.is_dir() {
            Err(io::Error::new(
                io::ErrorKind::IsADirectory,
                "it is a directory",
            ))
        } else if kind.is_socket() || kind.is_block_device() {
            let what = if kind.is_socket() {
                "a socket"
            } else {
                "a block device (a disk)"
            };
            Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("it is {what}, which an export does not write to"),
            ))
        } else {
            Ok(Destination::InPlace(at))
        };
    }
    Err(io::Error::new(
        io::ErrorKind::InvalidInput,
        format!("more than {MAX_LINKS} symbolic links in a row"),
    ))
}

/// Writes output to `path` as a user named it (`-o FILE`): a regular file, or a path
/// where nothing is yet, is written whole and owner-only ([`write_atomic_with`], which
/// replaces an existing file, as other Unix tools overwrite); a symlink to one is
/// followed, so the link stays and its target gets the content; a character device, a
/// FIFO or `/dev/stdout` is opened and written in place, never replaced by a file.
pub fn write_output(
    path: &Path,
    fill: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    match destination(path)? {
        Destination::Replace(at) => write_atomic_with(&at, fill),
        Destination::InPlace(at) => {
            // O_APPEND: a regular file reached through /dev/stdout keeps what the shell's
            // `>>` put there; a device or FIFO has no position to keep
            let file = fs::OpenOptions::new()
                .append(true)
                .custom_flags(rustix::fs::OFlags::NOCTTY.bits() as i32)
                .open(&at)?;
            let mut w = io::BufWriter::new(file);
            fill(&mut w)?;
            w.flush()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    #[test]
    fn atomic_writes_are_owner_only_and_replace_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.md");
        fs::write(&path, b"old contents that are longer").unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
        write_atomic(&path, b"new").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"new");
        let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        let names: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1, "no temporary file is left behind");
    }

    #[test]
    fn a_failed_write_leaves_the_old_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.csv");
        fs::write(&path, b"old").unwrap();
        let r = write_atomic_with(&path, |w| {
            w.write_all(b"half")?;
            Err(io::Error::other("disk on fire"))
        });
        assert!(r.is_err());
        assert_eq!(fs::read(&path).unwrap(), b"old");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn destinations_by_what_the_path_names() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let file = d.join("file");
        fs::write(&file, b"x").unwrap();
        let absent = d.join("absent");
        assert_eq!(
            destination(&file).unwrap(),
            Destination::Replace(file.clone())
        );
        assert_eq!(
            destination(&absent).unwrap(),
            Destination::Replace(absent.clone())
        );
        // a relative link resolves beside the link; a chain is followed to its end
        symlink("file", d.join("link")).unwrap();
        symlink(d.join("link"), d.join("link2")).unwrap();
        assert_eq!(
            destination(&d.join("link2")).unwrap(),
            Destination::Replace(d.join("file"))
        );
        // a dangling link: the file is made where it points
        symlink("absent", d.join("dangling")).unwrap();
        assert_eq!(
            destination(&d.join("dangling")).unwrap(),
            Destination::Replace(absent)
        );
        let e = destination(d).unwrap_err();
        assert!(e.to_string().contains("directory"), "{e}");
        symlink("loop", d.join("loop")).unwrap();
        assert!(destination(&d.join("loop")).is_err());
        if Path::new("/dev/null").exists() {
            assert_eq!(
                destination(Path::new("/dev/null")).unwrap(),
                Destination::InPlace("/dev/null".into())
            );
        }
        if fs::read_link("/dev/stdout").is_ok_and(|t| t.starts_with("/proc")) {
            assert_eq!(
                destination(Path::new("/dev/stdout")).unwrap(),
                Destination::InPlace("/dev/stdout".into())
            );
        }
    }

    #[test]
    fn output_through_a_symlink_keeps_the_link() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        fs::write(d.join("target"), b"old").unwrap();
        symlink("target", d.join("link")).unwrap();
        write_output(&d.join("link"), |w| w.write_all(b"new")).unwrap();
        assert!(fs::symlink_metadata(d.join("link"))
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(fs::read(d.join("target")).unwrap(), b"new");
        assert_eq!(fs::read_dir(d).unwrap().count(), 2, "no temporary left");
    }
}
