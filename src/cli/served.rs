//! A command run for another process: the weft holding a workspace (the interface, or
//! `weft serve`) runs the very code a command runs on its own, with three things swapped
//! for the duration of the command, on the thread that runs it:
//!
//! - the workspace is not opened: the holder's open store is lent ([`lend`]), and
//!   [`super::Opened`] gives it back when the command lets go of it;
//! - standard output and standard error go to the client, as answer lines
//!   ([`crate::serve::wire`]), as they are written;
//! - standard input, whether the outputs are terminals, and why workspaces are read-only
//!   are the client's.
//!
//! So a served command prints, fails and exits exactly as it would have on its own.

use super::Failure;
use crate::serve::wire::{self, Answer, Part, Request};
use crate::store::Store;
use std::cell::RefCell;
use std::io::{self, Write};

struct Serving {
    id: u64,
    /// The client's working directory: its relative paths are relative to it.
    cwd: std::path::PathBuf,
    frames: Box<dyn Write>,
    /// The start of a character split between two writes, kept for the next.
    tail: Vec<u8>,
    store: Option<Store>,
    stdin: Option<String>,
    stdout_tty: bool,
    stderr_tty: bool,
    read_only: Option<String>,
}

thread_local! {
    static SERVING: RefCell<Option<Serving>> = const { RefCell::new(None) };
}

fn with<T>(f: impl FnOnce(&mut Serving) -> T) -> Option<T> {
    SERVING.with(|s| s.borrow_mut().as_mut().map(f))
}

/// Whether this thread is running a command for another process.
pub fn serving() -> bool {
    SERVING.with(|s| s.borrow().is_some())
}

/// The lent store, taken for the command's use (`None` when not serving, or while the
/// command already holds it).
pub(super) fn take_store() -> Option<Store> {
    with(|s| s.store.take()).flatten()
}

/// Gives the lent store back when the command lets go of it.
pub(super) fn give_back(store: Store) {
    with(|s| s.store = Some(store));
}

fn frame(s: &mut Serving, part: Part) -> io::Result<()> {
    wire::send(
        &mut s.frames,
        &Answer {
            weft: wire::VERSION,
            id: s.id,
            part,
        },
    )?;
    s.frames.flush()
}

/// Standard output for the command: served text goes to the client whole characters at
/// a time.
pub(super) fn write_out(buf: &[u8]) -> io::Result<()> {
    with(|s| {
        s.tail.extend_from_slice(buf);
        let bytes = std::mem::take(&mut s.tail);
        let (text, rest) = match std::str::from_utf8(&bytes) {
            Ok(t) => (t.to_string(), &[][..]),
            // a character cut by the buffer's edge: the rest of it comes next
            Err(e) if e.error_len().is_none() => (
                String::from_utf8_lossy(&bytes[..e.valid_up_to()]).into_owned(),
                &bytes[e.valid_up_to()..],
            ),
            Err(_) => (String::from_utf8_lossy(&bytes).into_owned(), &[][..]),
        };
        s.tail = rest.to_vec();
        if text.is_empty() {
            return Ok(());
        }
        frame(s, Part::Out(text))
    })
    .unwrap_or_else(|| io::stdout().write_all(buf))
}

/// Writes a line to standard error: the client's when serving, else this process's (a
/// closed standard error is ignored).
pub fn err_line(line: &str) {
    let sent = with(|s| {
        let _ = frame(s, Part::Err(format!("{line}\n")));
    });
    if sent.is_none() {
        let _ = writeln!(io::stderr(), "{line}");
    }
}

/// Whether standard output is a terminal (the client's, when serving).
pub fn stdout_is_terminal() -> bool {
    use std::io::IsTerminal;
    with(|s| s.stdout_tty).unwrap_or_else(|| io::stdout().is_terminal())
}

/// Whether standard error is a terminal (the client's, when serving).
pub fn stderr_is_terminal() -> bool {
    use std::io::IsTerminal;
    with(|s| s.stderr_tty).unwrap_or_else(|| io::stderr().is_terminal())
}

/// The file a command names by `path`, as the process that asked for the command
/// reads it: a relative path is relative to the client's working directory when
/// serving. Messages keep naming `path` as the user wrote it.
pub fn local(path: &std::path::Path) -> std::path::PathBuf {
    match with(|s| s.cwd.clone()) {
        Some(cwd) if path.is_relative() => cwd.join(path),
        _ => path.to_path_buf(),
    }
}

/// Standard input read ahead of a command ([`read_stdin_ahead`]).
static READ_AHEAD: std::sync::OnceLock<String> = std::sync::OnceLock::new();

/// Reads standard input whole now, for the command to send or to use later.
pub fn read_stdin_ahead() -> io::Result<()> {
    let mut text = String::new();
    io::Read::read_to_string(&mut io::stdin(), &mut text)?;
    let _ = READ_AHEAD.set(text);
    Ok(())
}

/// What [`read_stdin_ahead`] read, if it ran.
pub fn read_ahead() -> Option<String> {
    READ_AHEAD.get().cloned()
}

/// Standard input, whole (the text the client sent, when serving).
pub fn read_stdin() -> io::Result<String> {
    if let Some(sent) = with(|s| s.stdin.take()) {
        return Ok(sent.unwrap_or_default());
    }
    if let Some(ahead) = read_ahead() {
        return Ok(ahead);
    }
    let mut text = String::new();
    io::Read::read_to_string(&mut io::stdin(), &mut text)?;
    Ok(text)
}

/// Why workspaces are read-only for this command, when serving (`None` otherwise, or
/// when the client opens them writable).
pub(super) fn read_only() -> Option<Option<String>> {
    with(|s| s.read_only.clone())
}

/// Runs `cli`, as `req` asked, on the lent `store`, writing its output as answer lines
/// to `frames`, the last of them its exit status. Gives the store back, with that status.
pub fn run(store: Store, cli: super::Cli, req: &Request, frames: Box<dyn Write>) -> (Store, u8) {
    let previous = SERVING.with(|s| {
        s.borrow_mut().replace(Serving {
            id: req.id,
            cwd: req.cwd.clone().into(),
            frames,
            tail: Vec::new(),
            store: Some(store),
            stdin: req.stdin.clone(),
            stdout_tty: req.stdout_tty,
            stderr_tty: req.stderr_tty,
            read_only: req.read_only.clone(),
        })
    });
    debug_assert!(
        previous.is_none(),
        "one served command at a time per thread"
    );
    // a command that panicked (a bug) must not take the holder's store with it: the
    // store is given back as the command's `Opened` unwinds
    let ran = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| super::run(cli)));
    let code = match ran {
        Ok(Ok(())) => 0,
        Ok(Err(Failure { message, code })) => {
            if !message.is_empty() {
                super::say(&message);
            }
            code
        }
        Err(_) => {
            super::say("the command stopped on an internal error (a bug in weft): `weft log` shows what it changed");
            101
        }
    };
    let mut s = SERVING
        .with(|s| s.borrow_mut().take())
        .expect("the serving state lasts the command");
    if !s.tail.is_empty() {
        let tail = String::from_utf8_lossy(&std::mem::take(&mut s.tail)).into_owned();
        let _ = frame(&mut s, Part::Out(tail));
    }
    let _ = frame(&mut s, Part::Exit(code));
    let store = s
        .store
        .expect("a served command gives its store back: no served command keeps it");
    (store, code)
}
