//! The asking side: a `weft` command finds the socket of its workspace and, when a weft
//! holding the workspace answers there, sends it the command and relays what comes back.
//! Nothing here opens sled or reads the workspace: this is the whole of a served
//! command's own work.

use super::place;
use super::wire::{self, Answer, Part, Request};
use std::io::{self, BufReader, Write};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};

/// The workspace's socket, when its directory is safe to use; an unsafe directory is
/// an error naming it.
fn socket(workspace: &Path) -> io::Result<Option<PathBuf>> {
    let dir = place::socket_dir();
    match place::check_dir(&dir) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    }
    let identity = match place::identity(workspace) {
        Ok(i) => i,
        Err(_) => return Ok(None),
    };
    place::socket_in(&dir, identity).map(Some)
}

/// The socket of `workspace` when one is there to try (a stat, nothing more); an
/// unsafe socket directory is an error naming it.
pub fn find(workspace: &Path) -> io::Result<Option<PathBuf>> {
    Ok(socket(workspace)?.filter(|path| std::fs::symlink_metadata(path).is_ok()))
}

/// A connection to the weft listening on `path`, or `None` when nobody does (a holder
/// that was killed left the socket behind).
pub fn connect_at(path: &Path) -> io::Result<Option<UnixStream>> {
    match UnixStream::connect(path) {
        Ok(c) => Ok(Some(c)),
        Err(e)
            if matches!(
                e.kind(),
                io::ErrorKind::NotFound | io::ErrorKind::ConnectionRefused
            ) =>
        {
            Ok(None)
        }
        Err(e) => Err(e),
    }
}

/// A connection to the weft holding `workspace`, or `None` when none does.
pub fn connect(workspace: &Path) -> io::Result<Option<UnixStream>> {
    match find(workspace)? {
        Some(path) => connect_at(&path),
        None => Ok(None),
    }
}

/// Sends `request` over `conn` and writes what the command writes to this process's
/// standard output and error as it arrives; returns its exit status.
pub fn exchange(conn: UnixStream, request: &Request) -> io::Result<u8> {
    let mut writer = &conn;
    wire::send(&mut writer, request)?;
    let mut reader = BufReader::new(&conn);
    let gone = || {
        io::Error::new(
            io::ErrorKind::UnexpectedEof,
            "the weft serving the workspace stopped before the command finished: `weft log` shows whether it took effect",
        )
    };
    let mut stdout = io::stdout().lock();
    loop {
        let Some(line) = wire::receive_line(&mut reader, u64::MAX >> 1)? else {
            return Err(gone());
        };
        match wire::version_of(&line) {
            Some(wire::VERSION) => {}
            Some(v) => {
                return Err(io::Error::other(wire::mismatch(
                    v,
                    "weft serving this workspace",
                )))
            }
            None => {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    "the weft serving the workspace sent a line this weft cannot read",
                ))
            }
        }
        let answer: Answer = serde_json::from_slice(&line)
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
        match answer.part {
            Part::Out(text) => {
                if let Err(e) = stdout
                    .write_all(text.as_bytes())
                    .and_then(|_| stdout.flush())
                {
                    // the reader went away (`| head -1`): end quietly, as a command does;
                    // dropping the connection tells the server to stop writing
                    if e.kind() == io::ErrorKind::BrokenPipe {
                        return Ok(0);
                    }
                    return Err(e);
                }
            }
            Part::Err(text) => {
                let _ = io::stderr().write_all(text.as_bytes());
            }
            Part::Exit(code) => return Ok(code),
            Part::Refused(why) => {
                let _ = writeln!(io::stderr(), "weft: {why}");
                return Ok(1);
            }
        }
    }
}

/// Removes the socket of `workspace` when nobody listens on it: called by a process
/// that has just taken the workspace's lock, so no holder can be binding it meanwhile.
pub fn remove_stale(workspace: &Path) {
    let Ok(Some(path)) = socket(workspace) else {
        return;
    };
    if std::fs::symlink_metadata(&path).is_err() {
        return;
    }
    if let Err(e) = UnixStream::connect(&path) {
        if e.kind() == io::ErrorKind::ConnectionRefused {
            let _ = std::fs::remove_file(&path);
        }
    }
}
