//! The listening side: binds the workspace's socket under umask 077, accepts
//! connections on a thread of its own, refuses any peer that is not this user
//! (`SO_PEERCRED`), and hands each accepted connection to a handler on a thread of its
//! own, so a slow or stuck client holds up nobody else.

use super::place;
use std::io;
use std::os::fd::{AsFd, OwnedFd};
use std::os::unix::fs::MetadataExt;
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// Connections served at once; more are told to try again.
const MAX_CONNECTIONS: usize = 64;

/// How often the socket's times are renewed, so a cleaner of old files in
/// `XDG_RUNTIME_DIR` or `/tmp` never takes it from under a long-running holder.
const TOUCH_EVERY: Duration = Duration::from_secs(3600);

/// A bound socket, removed when dropped (if it is still the one bound here).
pub struct Bound {
    listener: UnixListener,
    path: PathBuf,
    inode: u64,
}

impl Bound {
    /// Binds the socket of `workspace`. The caller holds the workspace (its lock), so a
    /// socket already there was left by a holder that is gone, and is replaced; unless
    /// someone answers on it (two holders of a workspace opened read-only share its
    /// lock), when the first keeps it.
    pub fn bind(workspace: &Path) -> io::Result<Bound> {
        let dir = place::ensure_dir()?;
        let path = place::socket_in(&dir, place::identity(workspace)?)?;
        if UnixStream::connect(&path).is_ok() {
            return Err(io::Error::new(
                io::ErrorKind::AddrInUse,
                "another weft holding this workspace serves its commands already",
            ));
        }
        match std::fs::remove_file(&path) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
        // nobody but this user may connect, whatever the directory allows
        let old = rustix::process::umask(rustix::fs::Mode::from_raw_mode(0o077));
        let bound = UnixListener::bind(&path);
        rustix::process::umask(old);
        let listener = bound?;
        let inode = std::fs::symlink_metadata(&path)?.ino();
        Ok(Bound {
            listener,
            path,
            inode,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Accepts connections on a thread of its own until the process ends: each from this
    /// user goes to `handle` on a thread of its own; each from anyone else is closed and
    /// described to `refused`.
    pub fn spawn(
        &self,
        handle: impl Fn(UnixStream) + Send + Sync + 'static,
        refused: impl Fn(String) + Send + Sync + 'static,
    ) -> io::Result<()> {
        let listener = self.listener.try_clone()?;
        let handle = Arc::new(handle);
        let open = Arc::new(AtomicUsize::new(0));
        std::thread::Builder::new()
            .name("weft-listen".into())
            .spawn(move || {
                let me = rustix::process::geteuid();
                for conn in listener.incoming() {
                    let Ok(conn) = conn else { continue };
                    match rustix::net::sockopt::socket_peercred(&conn) {
                        Ok(cred) if cred.uid == me => {}
                        Ok(cred) => {
                            refused(format!(
                                "refused a connection from uid {} (pid {}): only uid {} may use this workspace",
                                cred.uid.as_raw(),
                                cred.pid.as_raw_nonzero(),
                                me.as_raw()
                            ));
                            continue;
                        }
                        Err(e) => {
                            refused(format!("refused a connection whose sender is unknown: {e}"));
                            continue;
                        }
                    }
                    if open.fetch_add(1, Ordering::SeqCst) >= MAX_CONNECTIONS {
                        open.fetch_sub(1, Ordering::SeqCst);
                        busy(conn);
                        continue;
                    }
                    let (handle, open) = (handle.clone(), open.clone());
                    let spawned = std::thread::Builder::new()
                        .name("weft-serve".into())
                        .spawn(move || {
                            handle(conn);
                            open.fetch_sub(1, Ordering::SeqCst);
                        });
                    if spawned.is_err() {
                        // no thread to serve it: the client hears the connection close
                        continue;
                    }
                }
            })?;
        let path = self.path.clone();
        std::thread::Builder::new()
            .name("weft-touch".into())
            .spawn(move || loop {
                std::thread::sleep(TOUCH_EVERY);
                touch(&path);
            })?;
        Ok(())
    }
}

impl Drop for Bound {
    fn drop(&mut self) {
        // only the socket bound here: a later holder may have replaced it
        if std::fs::symlink_metadata(&self.path).is_ok_and(|m| m.ino() == self.inode) {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

fn touch(path: &Path) {
    let now = rustix::fs::Timestamps {
        last_access: rustix::fs::Timespec {
            tv_sec: 0,
            tv_nsec: rustix::fs::UTIME_NOW,
        },
        last_modification: rustix::fs::Timespec {
            tv_sec: 0,
            tv_nsec: rustix::fs::UTIME_NOW,
        },
    };
    let _ = rustix::fs::utimensat(
        rustix::fs::CWD,
        path,
        &now,
        rustix::fs::AtFlags::SYMLINK_NOFOLLOW,
    );
}

/// Tells a client over the limit to try again, without reading its request.
fn busy(conn: UnixStream) {
    let _ = conn.set_write_timeout(Some(Duration::from_secs(1)));
    let mut conn = conn;
    let _ = super::wire::send(
        &mut conn,
        &super::wire::Answer {
            weft: super::wire::VERSION,
            id: 0,
            part: super::wire::Part::Refused(format!(
                "the workspace's server is serving {MAX_CONNECTIONS} commands already: try again"
            )),
        },
    );
}

/// Wakes a loop that waits on a file descriptor (the interface waits on the terminal
/// and this): a pipe, written a byte per wake, drained by the loop.
#[derive(Clone)]
pub struct Waker {
    write: Arc<OwnedFd>,
}

/// The loop's end of a [`Waker`].
pub struct Woken {
    read: OwnedFd,
}

/// A waker and the end its loop waits on.
pub fn waker() -> io::Result<(Waker, Woken)> {
    let (read, write) = rustix::pipe::pipe_with(
        rustix::pipe::PipeFlags::CLOEXEC | rustix::pipe::PipeFlags::NONBLOCK,
    )?;
    Ok((
        Waker {
            write: Arc::new(write),
        },
        Woken { read },
    ))
}

impl Waker {
    pub fn wake(&self) {
        // a full pipe already says "wake"
        let _ = rustix::io::write(&*self.write, b"!");
    }
}

impl Woken {
    /// Empties the pipe; true when anything had been written.
    pub fn drain(&self) -> bool {
        let mut buf = [0u8; 64];
        let mut any = false;
        while let Ok(n) = rustix::io::read(&self.read, &mut buf) {
            if n == 0 {
                break;
            }
            any = true;
        }
        any
    }

    pub fn fd(&self) -> std::os::fd::BorrowedFd<'_> {
        self.read.as_fd()
    }
}
