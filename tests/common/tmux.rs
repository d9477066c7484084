//! Real-terminal runs: weft inside a detached tmux session, driven with send-keys and
//! read with capture-pane.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// True when tmux can be run here; tests skip with a message when it cannot.
pub fn available() -> bool {
    Command::new("tmux")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// One tmux server (own socket) with one session running a command.
pub struct Tmux {
    socket: PathBuf,
    _dir: tempfile::TempDir,
    pub session: String,
}

impl Tmux {
    /// Starts `weft ARGS` in an 80x24 session with a clean, colour-free environment.
    pub fn start(args: &[&str], env: &[(&str, &str)]) -> Tmux {
        let dir = tempfile::tempdir().expect("tempdir");
        let socket = dir.path().join("sock");
        let weft = assert_cmd::cargo::cargo_bin("weft");
        let mut cmd = String::from("env TERM=xterm-256color NO_COLOR=1 VISUAL= EDITOR= ");
        for (k, v) in env {
            cmd.push_str(&format!("{k}='{v}' "));
        }
        cmd.push_str(&format!("'{}'", weft.display()));
        for a in args {
            cmd.push_str(&format!(" '{a}'"));
        }
        // keep the pane after exit so the last screen can be read
        let t = Tmux {
            socket,
            _dir: dir,
            session: "weft".into(),
        };
        t.tmux(&[
            "new-session",
            "-d",
            "-s",
            "weft",
            "-x",
            "80",
            "-y",
            "24",
            &cmd,
        ]);
        t.tmux(&["set-option", "-t", "weft", "remain-on-exit", "on"]);
        t
    }

    /// Starts `sh -c SCRIPT` in an 80x24 session with a clean, colour-free environment.
    pub fn start_shell(script: &str) -> Tmux {
        let dir = tempfile::tempdir().expect("tempdir");
        let socket = dir.path().join("sock");
        let t = Tmux {
            socket,
            _dir: dir,
            session: "weft".into(),
        };
        let quoted = script.replace('\'', "'\\''");
        let cmd = format!("env TERM=xterm-256color NO_COLOR=1 VISUAL= EDITOR= sh -c '{quoted}'");
        t.tmux(&[
            "new-session",
            "-d",
            "-s",
            "weft",
            "-x",
            "80",
            "-y",
            "24",
            &cmd,
        ]);
        t
    }

    pub fn tmux(&self, args: &[&str]) -> String {
        let out = Command::new("tmux")
            .arg("-S")
            .arg(&self.socket)
            .args(args)
            .output()
            .expect("run tmux");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Sends keys in tmux's send-keys syntax: "j", "Enter", "Escape", "BSpace", "C-s".
    pub fn keys(&self, keys: &[&str]) {
        for k in keys {
            self.tmux(&["send-keys", "-t", "weft", k]);
            std::thread::sleep(Duration::from_millis(40));
        }
    }

    /// Types literal text.
    pub fn text(&self, text: &str) {
        self.tmux(&["send-keys", "-t", "weft", "-l", text]);
        std::thread::sleep(Duration::from_millis(60));
    }

    pub fn screen(&self) -> String {
        self.tmux(&["capture-pane", "-p", "-t", "weft"])
    }

    /// Waits until the screen contains `text`; panics with the screen when it does not.
    pub fn wait_for(&self, text: &str) -> String {
        let start = Instant::now();
        loop {
            let s = self.screen();
            if s.contains(text) {
                return s;
            }
            if start.elapsed() > Duration::from_secs(15) {
                panic!("timed out waiting for {text:?}; screen:\n{s}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The pane's process id (the weft process).
    pub fn pid(&self) -> Option<i32> {
        self.tmux(&["display-message", "-p", "-t", "weft", "#{pane_pid}"])
            .trim()
            .parse()
            .ok()
    }

    /// Whether the command in the pane has exited.
    pub fn exited(&self) -> bool {
        self.tmux(&["display-message", "-p", "-t", "weft", "#{pane_dead}"])
            .trim()
            == "1"
    }

    pub fn wait_exit(&self) {
        let start = Instant::now();
        while !self.exited() {
            if start.elapsed() > Duration::from_secs(15) {
                panic!("weft did not exit; screen:\n{}", self.screen());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .arg("-S")
            .arg(&self.socket)
            .arg("kill-server")
            .output();
    }
}

/// The workspace path `weft demo` printed on the interface's first line of stderr is not
/// visible in tmux, so demo tests make their own copy of the demo case instead.
pub fn demo_workspace(dir: &Path) -> PathBuf {
    let ws = dir.join("kestrel");
    let mut store = weft::store::Store::open(
        &ws,
        &weft::store::OpenOptions {
            create: true,
            ..weft::store::OpenOptions::default()
        },
    )
    .expect("open");
    weft::demo::load(&mut store, weft::demo::KESTREL).expect("demo loads");
    ws
}
