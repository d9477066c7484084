//! weft on a pseudo-terminal of our own, without tmux: the test holds the master side,
//! so it can close the terminal under weft (a hang-up with no SIGHUP when weft is not
//! the session leader) and read weft's exit status directly.

use rustix::event::{PollFd, PollFlags};
use rustix::pty::{grantpt, openpt, ptsname, unlockpt, OpenptFlags};
use std::io::{Read, Write};
use std::os::fd::OwnedFd;
use std::os::unix::fs::OpenOptionsExt;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub struct Pty {
    pub child: Child,
    /// The terminal's own side, by name, to read its modes.
    slave: std::path::PathBuf,
    output: Arc<Mutex<Vec<u8>>>,
    input: mpsc::Sender<Vec<u8>>,
    close: Arc<AtomicBool>,
    reader: Option<std::thread::JoinHandle<()>>,
}

impl Pty {
    /// Runs `program ARGS` with an 80x24 pseudo-terminal as its standard input, output
    /// and error, in a colour-free environment with no editor.
    pub fn spawn(program: &str, args: &[&str], env: &[(&str, &str)]) -> Pty {
        let master =
            openpt(OpenptFlags::RDWR | OpenptFlags::NOCTTY | OpenptFlags::CLOEXEC).expect("openpt");
        grantpt(&master).expect("grantpt");
        unlockpt(&master).expect("unlockpt");
        let name = ptsname(&master, Vec::new()).expect("ptsname");
        let slave_path = std::path::PathBuf::from(name.to_str().unwrap());
        let slave = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .custom_flags(rustix::fs::OFlags::NOCTTY.bits() as i32)
            .open(name.to_str().unwrap())
            .expect("open the pty");
        rustix::termios::tcsetwinsize(
            &slave,
            rustix::termios::Winsize {
                ws_row: 24,
                ws_col: 80,
                ws_xpixel: 0,
                ws_ypixel: 0,
            },
        )
        .expect("window size");
        let mut cmd = Command::new(program);
        cmd.args(args)
            .env("TERM", "xterm-256color")
            .env("NO_COLOR", "1")
            .env_remove("VISUAL")
            .env_remove("EDITOR")
            .stdin(Stdio::from(slave.try_clone().unwrap()))
            .stdout(Stdio::from(slave.try_clone().unwrap()))
            .stderr(Stdio::from(slave));
        for (k, v) in env {
            cmd.env(k, v);
        }
        let child = cmd.spawn().expect("spawn on the pty");
        drop(cmd);
        let output = Arc::new(Mutex::new(Vec::new()));
        let close = Arc::new(AtomicBool::new(false));
        let (input, keys) = mpsc::channel::<Vec<u8>>();
        let reader = {
            let output = output.clone();
            let close = close.clone();
            std::thread::spawn(move || serve(master, output, keys, close))
        };
        Pty {
            child,
            slave: slave_path,
            output,
            input,
            close,
            reader: Some(reader),
        }
    }

    /// Everything written to the terminal so far, escape sequences included.
    pub fn output(&self) -> String {
        String::from_utf8_lossy(&self.output.lock().unwrap()).into_owned()
    }

    /// The screen as a terminal would show it now: the output replayed on an 80x24 grid
    /// (cursor moves, clears and screen switches; other sequences are ignored).
    pub fn screen(&self) -> String {
        replay(&self.output())
    }

    /// Waits until the screen, or the output with its escape sequences removed, shows
    /// `text`.
    pub fn wait_for(&self, text: &str) {
        let start = Instant::now();
        while !self.screen().contains(text) && !plain(&self.output()).contains(&plain(text)) {
            assert!(
                start.elapsed() < Duration::from_secs(15),
                "timed out waiting for {text:?}; screen:\n{}",
                self.screen()
            );
            std::thread::sleep(Duration::from_millis(30));
        }
    }

    /// The terminal's modes now, as the program on it left them.
    pub fn modes(&self) -> rustix::termios::Termios {
        let tty = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .custom_flags(rustix::fs::OFlags::NOCTTY.bits() as i32)
            .open(&self.slave)
            .expect("open the pty");
        rustix::termios::tcgetattr(&tty).expect("the terminal's modes")
    }

    pub fn send(&self, bytes: &[u8]) {
        self.input.send(bytes.to_vec()).unwrap();
    }

    /// Closes the master side: the terminal hangs up under the process.
    pub fn hang_up(&mut self) {
        self.close.store(true, Ordering::SeqCst);
        if let Some(r) = self.reader.take() {
            r.join().unwrap();
        }
    }

    /// Waits (up to `limit`) for the process to exit.
    pub fn wait_exit(&mut self, limit: Duration) -> Option<ExitStatus> {
        let start = Instant::now();
        loop {
            if let Some(s) = self.child.try_wait().unwrap() {
                return Some(s);
            }
            if start.elapsed() > limit {
                return None;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Pty {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        self.hang_up();
    }
}

/// Owns the master: copies output out, keys in, until told to close it.
fn serve(
    master: OwnedFd,
    output: Arc<Mutex<Vec<u8>>>,
    keys: mpsc::Receiver<Vec<u8>>,
    close: Arc<AtomicBool>,
) {
    let mut file = std::fs::File::from(master);
    let mut buf = [0u8; 4096];
    while !close.load(Ordering::SeqCst) {
        while let Ok(k) = keys.try_recv() {
            let _ = file.write_all(&k);
        }
        let mut fds = [PollFd::new(&file, PollFlags::IN)];
        let tick = rustix::event::Timespec {
            tv_sec: 0,
            tv_nsec: 20_000_000,
        };
        if rustix::event::poll(&mut fds, Some(&tick)).unwrap_or(0) == 0 {
            continue;
        }
        match file.read(&mut buf) {
            Ok(n) if n > 0 => {
                // answer a cursor position query as a terminal would
                if buf[..n].windows(4).any(|w| w == b"\x1b[6n") {
                    let _ = file.write_all(b"\x1b[1;1R");
                }
                output.lock().unwrap().extend_from_slice(&buf[..n]);
            }
            // the slave side is closed by everyone: nothing more will come
            _ => std::thread::sleep(Duration::from_millis(20)),
        }
    }
}

/// `s` with every CSI escape sequence replaced by a space and runs of white space made
/// one space.
pub fn plain(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            if chars.peek() == Some(&'[') {
                chars.next();
                for d in chars.by_ref() {
                    if ('\x40'..='\x7e').contains(&d) {
                        break;
                    }
                }
            } else {
                chars.next();
            }
            out.push(' ');
        } else if c.is_whitespace() || c.is_control() {
            out.push(' ');
        } else {
            out.push(c);
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Replays terminal output on an 80x24 grid of characters.
pub fn replay(s: &str) -> String {
    const W: usize = 80;
    const H: usize = 24;
    let mut grid = vec![vec![' '; W]; H];
    let (mut row, mut col) = (0usize, 0usize);
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\x1b' => {
                if chars.peek() != Some(&'[') {
                    chars.next();
                    continue;
                }
                chars.next();
                let mut params = String::new();
                let mut fin = ' ';
                for d in chars.by_ref() {
                    if ('\x40'..='\x7e').contains(&d) {
                        fin = d;
                        break;
                    }
                    params.push(d);
                }
                let nums: Vec<usize> = params
                    .trim_start_matches('?')
                    .split(';')
                    .map(|n| n.parse().unwrap_or(1))
                    .collect();
                match fin {
                    'H' | 'f' => {
                        row = nums.first().copied().unwrap_or(1).clamp(1, H) - 1;
                        col = nums.get(1).copied().unwrap_or(1).clamp(1, W) - 1;
                    }
                    'J' if params == "2" => grid = vec![vec![' '; W]; H],
                    'h' | 'l' if params == "?1049" => {
                        grid = vec![vec![' '; W]; H];
                        (row, col) = (0, 0);
                    }
                    _ => {}
                }
            }
            '\r' => col = 0,
            '\n' => {
                if row + 1 < H {
                    row += 1;
                } else {
                    grid.remove(0);
                    grid.push(vec![' '; W]);
                }
            }
            c if c.is_control() => {}
            c => {
                if col < W {
                    grid[row][col] = c;
                    col += 1;
                }
            }
        }
    }
    grid.iter()
        .map(|r| r.iter().collect::<String>().trim_end().to_string())
        .collect::<Vec<_>>()
        .join("\n")
}
