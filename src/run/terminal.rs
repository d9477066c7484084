//! The terminal while the interface runs, and every way of leaving it.
//!
//! Nothing here may panic when the terminal is gone: a write to a hung-up terminal
//! fails with EIO, and `eprintln!` (which ratatui's own restore and its `Terminal`'s drop
//! use) panics on that failure; inside a panic hook that aborts the process. So the
//! restore here writes raw bytes to the terminal and ignores every error, and the
//! ratatui `Terminal` is never dropped.
//!
//! The main thread holds [`busy`] while it changes state or draws. A signal or a hang-up
//! is handled on a thread of its own, which waits for the main thread to be idle (so no
//! change is cut in half and no frame is half drawn over the restored screen), restores
//! the terminal and exits. Every change is flushed when it is made, so leaving loses
//! nothing; sled's lock goes with the process.

use ratatui::crossterm::{execute, terminal};
use ratatui::prelude::CrosstermBackend;
use ratatui::{DefaultTerminal, Terminal};
use rustix::event::{PollFd, PollFlags};
use rustix::termios::{self, OptionalActions, Termios};
use std::io;
use std::mem::ManuallyDrop;
use std::os::fd::{AsFd, OwnedFd};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard, Once, OnceLock, PoisonError, TryLockError};
use std::time::{Duration, Instant};

/// Exit status after the terminal hung up, as if by SIGHUP.
pub const EXIT_HANGUP: i32 = 128 + 1;

/// Whether the interface holds the terminal (raw mode, alternate screen) right now.
static ACTIVE: AtomicBool = AtomicBool::new(false);
/// Whether the external editor runs: SIGINT is then the editor's, as git does.
static EDITING: AtomicBool = AtomicBool::new(false);
/// Held by the main thread while it changes state or draws.
static WORK: Mutex<()> = Mutex::new(());
/// The terminal's modes before weft touched them, restored on the way out even when an
/// editor changed them.
static ORIGINAL: OnceLock<Termios> = OnceLock::new();

/// Waits until the main thread may change state and draw. Poisoning is ignored: a panic
/// already restored the terminal and the lock guards no data.
pub fn busy() -> MutexGuard<'static, ()> {
    WORK.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The interface's screen: raw mode and the alternate screen while it lives.
pub struct Screen {
    // Never dropped: ratatui's drop writes to stderr with `eprintln!`, which panics
    // when the terminal is gone. The restore is ours.
    terminal: ManuallyDrop<DefaultTerminal>,
}

impl Screen {
    /// Takes the terminal over. The panic hook that restores it is installed once.
    pub fn enter() -> io::Result<Screen> {
        install_panic_hook();
        if let Ok(t) = termios::tcgetattr(io::stdin()) {
            let _ = ORIGINAL.set(t);
        }
        take_over()?;
        let terminal = Terminal::new(CrosstermBackend::new(io::stdout()))?;
        Ok(Screen {
            terminal: ManuallyDrop::new(terminal),
        })
    }

    pub fn terminal(&mut self) -> &mut DefaultTerminal {
        &mut self.terminal
    }

    /// Gives the terminal back for a while (to the external editor).
    pub fn suspend(&mut self) {
        restore();
    }

    /// Takes the terminal again after [`Screen::suspend`] and redraws everything.
    pub fn resume(&mut self) -> io::Result<()> {
        take_over()?;
        self.terminal.clear()
    }
}

impl Drop for Screen {
    fn drop(&mut self) {
        restore();
    }
}

fn take_over() -> io::Result<()> {
    terminal::enable_raw_mode()?;
    ACTIVE.store(true, Ordering::SeqCst);
    execute!(io::stdout(), terminal::EnterAlternateScreen)
}

/// Restores the terminal if the interface holds it: raw mode off, the alternate screen
/// left, the cursor shown. Never fails and never panics.
pub fn restore() {
    if ACTIVE.swap(false, Ordering::SeqCst) {
        let _ = terminal::disable_raw_mode();
        write_tty(RESTORE);
    }
}

/// CAN ends an escape sequence a frame may have left half written; then the alternate
/// screen is left and the cursor shown (in that order: the cursor's visibility is one
/// setting for both screens).
const RESTORE: &[u8] = b"\x18\x1b[?1049l\x1b[?25h";

/// Restores the terminal whatever state it is in: also while an editor holds it, and
/// to the modes it had before weft started.
fn restore_always() {
    ACTIVE.store(false, Ordering::SeqCst);
    let _ = terminal::disable_raw_mode();
    if let Some(t) = ORIGINAL.get() {
        let _ = termios::tcsetattr(io::stdin(), OptionalActions::Now, t);
    }
    write_tty(RESTORE);
}

/// Writes straight to the terminal (standard output, where the interface draws),
/// bypassing the buffered and locked `Stdout` the main thread may hold. Errors end the
/// write silently.
fn write_tty(mut bytes: &[u8]) {
    let out = io::stdout();
    while !bytes.is_empty() {
        match rustix::io::write(out.as_fd(), bytes) {
            Ok(0) => return,
            Ok(n) => bytes = &bytes[n..],
            Err(rustix::io::Errno::INTR) => {}
            Err(_) => return,
        }
    }
}

/// A panic restores the terminal first, then reports as usual (the standard report
/// ignores a failed write to stderr).
fn install_panic_hook() {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            restore();
            previous(info);
        }));
    });
}

/// Leaves from a thread other than the main one: waits (a few seconds at most) for the
/// main thread to finish what it is doing, restores the terminal and exits with `code`.
/// The lock is kept to the end, so nothing is drawn after the restore.
fn leave(code: i32) -> ! {
    let deadline = Instant::now() + Duration::from_secs(3);
    let _held = loop {
        match WORK.try_lock() {
            Ok(g) => break Some(g),
            Err(TryLockError::Poisoned(p)) => break Some(p.into_inner()),
            Err(TryLockError::WouldBlock) if Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(10))
            }
            // the main thread is stuck (writing to a terminal nobody reads)
            Err(TryLockError::WouldBlock) => break None,
        }
    };
    // what was typed and not yet written is kept before anything else can go wrong
    super::kept::save_on_leave();
    restore_always();
    crate::store::remove_private_copies();
    std::process::exit(code)
}

/// Marks the time the external editor runs (SIGINT then belongs to it).
pub fn editing(on: bool) {
    EDITING.store(on, Ordering::SeqCst);
}

/// The signals whose default action ends the process and that can be caught: SIGHUP
/// (the SSH session dropped), SIGINT, SIGQUIT (ctrl-\\), SIGTERM, SIGUSR1, SIGUSR2,
/// SIGALRM, SIGVTALRM, SIGPROF, SIGXCPU, SIGXFSZ, SIGIO, SIGPWR and SIGABRT sent by
/// `kill`. Left out: SIGPIPE (Rust ignores it; a write to a closed pipe fails instead),
/// SIGKILL and SIGSTOP (they cannot be caught), and the signals a faulting instruction
/// raises (SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP, SIGSYS), after which nothing more
/// can safely run.
fn ending_signals() -> Vec<i32> {
    use signal_hook::consts::*;
    #[allow(unused_mut)]
    let mut all = vec![
        SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2, SIGALRM, SIGVTALRM, SIGPROF, SIGXCPU,
        SIGXFSZ, SIGIO, SIGABRT,
    ];
    #[cfg(any(target_os = "linux", target_os = "android"))]
    all.push(rustix::process::Signal::POWER.as_raw());
    all
}

/// On any signal that would end the process ([`ending_signals`]), restore the terminal, remove
/// what only this process may read (the private copy of a workspace open read-only)
/// and exit with 128 + the signal. While the external editor runs SIGINT is ignored,
/// as git does: a cooked-mode editor's ctrl-c is the editor's.
pub fn watch_signals() -> Result<(), String> {
    use signal_hook::consts::SIGINT;
    let mut signals = signal_hook::iterator::Signals::new(ending_signals())
        .map_err(|e| format!("cannot watch signals: {e}"))?;
    std::thread::Builder::new()
        .name("signals".into())
        .spawn(move || {
            for sig in signals.forever() {
                if sig == SIGINT && EDITING.load(Ordering::SeqCst) {
                    continue;
                }
                leave(128 + sig);
            }
        })
        .map_err(|e| format!("cannot watch signals: {e}"))?;
    Ok(())
}

/// The terminal the interface reads: standard input when it is one, else /dev/tty
/// (where crossterm reads then).
fn input_tty() -> io::Result<OwnedFd> {
    let stdin = io::stdin();
    if termios::isatty(&stdin) {
        stdin.as_fd().try_clone_to_owned()
    } else {
        Ok(std::fs::File::open("/dev/tty")?.into())
    }
}

/// What a poll of the terminal says.
fn hung(revents: PollFlags) -> bool {
    revents.intersects(PollFlags::HUP | PollFlags::ERR | PollFlags::NVAL)
}

/// Whether the terminal has gone away (hung up, closed, or unusable) right now.
pub fn hung_up() -> bool {
    let Ok(fd) = input_tty() else {
        return true;
    };
    let mut fds = [PollFd::new(&fd, PollFlags::empty())];
    let zero = rustix::event::Timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    match rustix::event::poll(&mut fds, Some(&zero)) {
        Ok(_) => hung(fds[0].revents()),
        Err(_) => false,
    }
}

/// Watches the terminal for a hang-up that comes without SIGHUP (a shell that ignores
/// it, a terminal closed under a process that is not the session leader). Reading a
/// hung-up terminal returns nothing forever, and crossterm's reader then spins; this
/// thread notices the hang-up, and weft leaves and frees the workspace.
pub fn watch_hangup() -> Result<(), String> {
    let fd = input_tty().map_err(|e| format!("cannot watch the terminal: {e}"))?;
    std::thread::Builder::new()
        .name("hangup".into())
        .spawn(move || loop {
            let mut fds = [PollFd::new(&fd, PollFlags::IN)];
            match rustix::event::poll(&mut fds, None) {
                Ok(_) => {}
                Err(rustix::io::Errno::INTR) => continue,
                // cannot watch: the main loop still notices a failing terminal
                Err(_) => return,
            }
            if hung(fds[0].revents()) {
                leave(EXIT_HANGUP);
            }
            // input is waiting for the main thread (or the editor): look again shortly
            // instead of seeing the same input at once
            std::thread::sleep(Duration::from_millis(25));
        })
        .map_err(|e| format!("cannot watch the terminal: {e}"))?;
    Ok(())
}
