//! The command line beside an open workspace: `weft serve` and the interface serve the
//! commands run on their workspace, exactly as those commands run on their own; the
//! socket is private; faults on either side lose nothing acknowledged and wedge nothing.
//! Every process is real. Each test keeps its sockets in a directory of its own
//! (TMPDIR, no XDG_RUNTIME_DIR).

mod common;

use assert_cmd::cargo::cargo_bin;
use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// Where a test's servers put their sockets, and its commands look for them.
struct Place {
    tmp: tempfile::TempDir,
}

impl Place {
    fn new() -> Place {
        Place {
            tmp: tempfile::tempdir().unwrap(),
        }
    }

    fn tmpdir(&self) -> &Path {
        self.tmp.path()
    }

    /// The socket directory weft uses under this TMPDIR.
    fn socket_dir(&self) -> PathBuf {
        let uid = rustix::process::geteuid().as_raw();
        self.tmpdir().join(format!("weft-{uid}"))
    }

    fn sockets(&self) -> Vec<PathBuf> {
        std::fs::read_dir(self.socket_dir())
            .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
            .unwrap_or_default()
    }

    /// `weft --workspace WS` with this place's environment.
    fn weft(&self, ws: &Path) -> Command {
        let mut c = Command::new(cargo_bin("weft"));
        c.arg("--workspace")
            .arg(ws)
            .env("TMPDIR", self.tmpdir())
            .env_remove("XDG_RUNTIME_DIR")
            .env_remove("WEFT_WORKSPACE")
            .env_remove("WEFT_READ_ONLY");
        c
    }

    fn run(&self, ws: &Path, args: &[&str]) -> Output {
        self.weft(ws)
            .args(args)
            .stdin(Stdio::null())
            .output()
            .unwrap()
    }

    /// Starts `weft serve` on `ws` and waits for its socket.
    fn serve(&self, ws: &Path) -> Server {
        let child = self
            .weft(ws)
            .args(["serve"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        self.wait_for_socket();
        Server { child }
    }

    /// Waits until a holder's socket is there.
    fn wait_for_socket(&self) {
        let start = Instant::now();
        while self.sockets().is_empty() {
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "no socket appeared in {}",
                self.socket_dir().display()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// The interface on `ws` under tmux, serving.
    fn interface(&self, ws: &Path) -> common::tmux::Tmux {
        self.interface_with(ws, &[])
    }

    /// [`Place::interface`] with more of the environment set.
    fn interface_with(&self, ws: &Path, env: &[(&str, &str)]) -> common::tmux::Tmux {
        let tmpdir = self.tmpdir().display().to_string();
        let mut all = vec![("TMPDIR", tmpdir.as_str())];
        all.extend_from_slice(env);
        let t = common::tmux::Tmux::start(&["--workspace", &ws.display().to_string()], &all);
        t.wait_for("Backlog");
        self.wait_for_socket();
        t
    }
}

struct Server {
    child: Child,
}

impl Server {
    /// Stops the server with SIGTERM and returns what it said on standard error.
    fn stop(mut self) -> String {
        let pid = rustix::process::Pid::from_raw(self.child.id() as i32).unwrap();
        rustix::process::kill_process(pid, rustix::process::Signal::TERM).unwrap();
        let status = self.child.wait().unwrap();
        assert!(status.success(), "serve ended with {status}");
        let mut err = String::new();
        self.child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut err)
            .unwrap();
        err
    }

    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

fn demo(dir: &Path) -> PathBuf {
    common::tmux::demo_workspace(dir)
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Every read command on the demo case, some failing on purpose.
const READS: &[&[&str]] = &[
    &["show", "Q1"],
    &["show", "E1", "--json"],
    &["show", "Q999"],
    &["list", "questions"],
    &["list", "notes"],
    &["list", "entities"],
    &["list", "questions", "--json"],
    &["search", "courier"],
    &["path", "E1", "E2"],
    &["log"],
    &["export", "backlog", "--format", "md", "-o", "-"],
    &["export", "backlog", "--format", "csv"],
    &["export", "backlog", "--format", "json"],
    &["export", "workspace", "-o", "-"],
    &["matrix", "Q1"],
    &["matrix", "Q1", "--json"],
    &["collect", "Q1"],
    &["plan"],
    &["plan", "--json"],
    &["gaps"],
    &["check"],
    &["ask", "E1", "--dry-run"],
    &["matrix", "N1"],
];

#[test]
fn served_reads_are_byte_identical_to_direct_ones() {
    let dir = tempfile::tempdir().unwrap();
    let ws = demo(dir.path());
    let place = Place::new();
    let direct: Vec<Output> = READS.iter().map(|a| place.run(&ws, a)).collect();
    assert!(
        direct.iter().filter(|o| o.status.success()).count() >= READS.len() - 3,
        "most reads succeed directly"
    );
    let server = place.serve(&ws);
    for (args, want) in READS.iter().zip(&direct) {
        let got = place.run(&ws, args);
        assert_eq!(got.status.code(), want.status.code(), "{args:?}");
        assert!(
            got.stdout == want.stdout,
            "{args:?}: standard output differs\n--- served\n{}\n--- direct\n{}",
            text(&got.stdout),
            text(&want.stdout)
        );
        assert_eq!(text(&got.stderr), text(&want.stderr), "{args:?}");
    }
    // they were served: the server held the workspace all along
    let said = server.stop();
    assert!(said.contains("serving"), "{said}");
    assert!(place.sockets().is_empty(), "the socket is removed on exit");
}

#[test]
fn writes_are_served_journaled_and_seen_by_the_next_command() {
    let (_dir, ws) = empty();
    let place = Place::new();
    let server = place.serve(&ws);
    let added = place.run(&ws, &["add", "note", "Garvey called the KING line"]);
    assert!(added.status.success(), "{}", text(&added.stderr));
    assert_eq!(text(&added.stdout), "N1\n");
    let mut piped = place
        .weft(&ws)
        .args(["add", "note", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    piped
        .stdin
        .take()
        .unwrap()
        .write_all(b"read from standard input\n")
        .unwrap();
    let piped = piped.wait_with_output().unwrap();
    assert_eq!(text(&piped.stdout), "N2\n");
    let set = place.run(&ws, &["set", "N2", "source=CHIS 7"]);
    assert!(set.status.success(), "{}", text(&set.stderr));
    let undo = place.run(&ws, &["undo"]);
    assert!(
        text(&undo.stderr).starts_with("weft: undid"),
        "{}",
        text(&undo.stderr)
    );
    let bad = place.run(&ws, &["set", "N9", "source=x"]);
    assert_eq!(bad.status.code(), Some(1));
    assert_eq!(
        text(&bad.stderr).lines().count(),
        1,
        "{}",
        text(&bad.stderr)
    );
    let shown = place.run(&ws, &["show", "N2"]);
    assert!(text(&shown.stdout).contains("read from standard input"));
    // refused in one line: what needs the workspace to itself
    for args in [
        &["compact"][..],
        &["recover", "--to", "elsewhere"],
        &["import", "x.json"],
    ] {
        let out = place.run(&ws, args);
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains("needs the workspace to itself"), "{err}");
        assert!(err.contains("`weft serve`"), "{err}");
    }
    // the client's --read-only is the client's alone
    let ro = place.run(&ws, &["--read-only", "add", "note", "x"]);
    assert_eq!(ro.status.code(), Some(1));
    assert!(
        text(&ro.stderr).contains("--read-only was given"),
        "{}",
        text(&ro.stderr)
    );
    let twice = place.run(&ws, &["serve"]);
    assert_eq!(twice.status.code(), Some(1));
    assert!(
        text(&twice.stderr).contains("is served already"),
        "{}",
        text(&twice.stderr)
    );
    let after = place.run(&ws, &["add", "note", "still writable"]);
    assert_eq!(text(&after.stdout), "N3\n");
    server.stop();
    // direct again: everything acknowledged is there, and the workspace is sound
    let list = text(&place.run(&ws, &["list", "notes"]).stdout);
    assert_eq!(list.lines().count(), 3, "{list}");
    let check = place.run(&ws, &["check"]);
    assert!(check.status.success(), "{}", text(&check.stdout));
}

#[test]
fn served_export_to_a_relative_file_lands_in_the_client_s_directory() {
    let dir = tempfile::tempdir().unwrap();
    let ws = demo(dir.path());
    let place = Place::new();
    let _server = place.serve(&ws);
    let cwd = dir.path().join("out");
    std::fs::create_dir(&cwd).unwrap();
    let out = place
        .weft(&ws)
        .current_dir(&cwd)
        .args(["export", "backlog", "--format", "csv", "-o", "b.csv"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    // named as the user wrote it, as the command run on its own says it
    assert!(
        text(&out.stderr).ends_with(" to b.csv\n"),
        "{}",
        text(&out.stderr)
    );
    let meta = std::fs::metadata(cwd.join("b.csv")).unwrap();
    assert_eq!(meta.permissions().mode() & 0o777, 0o600);
}

/// Sends raw bytes to the server's socket and returns what came back.
fn raw(socket: &Path, bytes: &[u8], shut: bool) -> String {
    let mut conn = UnixStream::connect(socket).unwrap();
    conn.set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    let _ = conn.write_all(bytes);
    if shut {
        let _ = conn.shutdown(std::net::Shutdown::Write);
    }
    let mut back = String::new();
    let _ = BufReader::new(&conn).read_line(&mut back);
    back
}

#[test]
fn garbage_oversized_half_and_foreign_version_requests_change_nothing() {
    let (_dir, ws) = empty();
    let place = Place::new();
    let server = place.serve(&ws);
    let socket = place.sockets().remove(0);
    assert!(raw(&socket, b"garbage\n", false).contains("malformed request"));
    let big = vec![b'x'; 5 << 20];
    assert!(raw(&socket, &big, false).contains("larger than"));
    // a client that goes away half-way through its request: refused, nothing run
    let half = raw(&socket, br#"{"weft":1,"id":1,"args":["weft","add""#, true);
    assert!(half.contains("\"refused\""), "{half}");
    let older = raw(&socket, b"{\"weft\":99,\"id\":1}\n", false);
    assert!(older.contains("protocol 99"), "{older}");
    // a request from a client killed before it sent a byte, left open
    let idle = UnixStream::connect(&socket).unwrap();
    let started = Instant::now();
    let added = place.run(&ws, &["add", "note", "after the garbage"]);
    assert_eq!(text(&added.stdout), "N1\n", "{}", text(&added.stderr));
    assert!(started.elapsed() < Duration::from_secs(5), "not held up");
    drop(idle);
    server.stop();
    let list = text(&place.run(&ws, &["list", "notes"]).stdout);
    assert_eq!(
        list.lines().count(),
        1,
        "only the real command wrote: {list}"
    );
}

#[test]
fn a_server_killed_mid_batch_loses_nothing_acknowledged() {
    let (_dir, ws) = empty();
    let place = Place::new();
    let mut server = place.serve(&ws);
    let mut acknowledged = Vec::new();
    let mut failed = 0;
    for i in 0..60 {
        if i == 25 {
            // kill -9: the socket is left behind, stale
            server.kill();
            assert!(
                !place.sockets().is_empty(),
                "a killed server leaves its socket"
            );
        }
        let out = place.run(&ws, &["add", "note", &format!("batch note {i}")]);
        if out.status.success() {
            acknowledged.push(text(&out.stdout).trim().to_string());
        } else {
            failed += 1;
        }
    }
    // after the kill the commands fall back to opening the workspace themselves
    assert_eq!(failed, 0, "every command ran, served or not");
    assert!(
        place.sockets().is_empty(),
        "the first command after the kill removed the stale socket"
    );
    for id in &acknowledged {
        let shown = place.run(&ws, &["show", id]);
        assert!(shown.status.success(), "{id} lost");
    }
    assert!(place.run(&ws, &["check"]).status.success());
}

#[test]
fn a_client_killed_mid_command_never_wedges_the_server() {
    let dir = tempfile::tempdir().unwrap();
    let ws = demo(dir.path());
    let place = Place::new();
    let server = place.serve(&ws);
    for _ in 0..5 {
        let mut child = place
            .weft(&ws)
            .args(["export", "workspace", "-o", "-"])
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(30));
        child.kill().unwrap();
        child.wait().unwrap();
    }
    // a reader that stops reading: the export ends quietly, as with `| head -1`
    let head = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "'{}' --workspace '{}' export workspace -o - | head -c 10",
            cargo_bin("weft").display(),
            ws.display()
        ))
        .env("TMPDIR", place.tmpdir())
        .env_remove("XDG_RUNTIME_DIR")
        .output()
        .unwrap();
    assert_eq!(head.stdout.len(), 10);
    let started = Instant::now();
    let out = place.run(&ws, &["add", "note", "still served"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(started.elapsed() < Duration::from_secs(5));
    server.stop();
}

#[test]
fn an_unsafe_socket_directory_is_refused() {
    let (dir, ws) = empty();
    let place = Place::new();
    let sockets = place.socket_dir();
    std::fs::create_dir(&sockets).unwrap();
    std::fs::set_permissions(&sockets, std::fs::Permissions::from_mode(0o755)).unwrap();
    let out = place.run(&ws, &["serve"]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.contains("group and others must have no access"),
        "{err}"
    );
    // a command says why it does not ask, and runs on its own
    let added = place.run(&ws, &["add", "note", "direct"]);
    assert!(added.status.success());
    assert!(
        text(&added.stderr).contains("not asking the weft"),
        "{}",
        text(&added.stderr)
    );
    // a symlink to a safe directory is refused too
    std::fs::remove_dir(&sockets).unwrap();
    let real = dir.path().join("real");
    std::fs::create_dir(&real).unwrap();
    std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o700)).unwrap();
    std::os::unix::fs::symlink(&real, &sockets).unwrap();
    let out = place.run(&ws, &["serve"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("is a symlink"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(std::fs::read_dir(&real).unwrap().count(), 0);
}

fn have(tool: &str) -> bool {
    Command::new(tool)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn another_user_is_refused_at_the_door() {
    if !rustix::process::geteuid().is_root() || !have("setpriv") || !have("python3") {
        eprintln!("needs root, setpriv and python3 to connect as another user: skipped");
        return;
    }
    let (_dir, ws) = empty();
    let place = Place::new();
    let server = place.serve(&ws);
    let socket = place.sockets().remove(0);
    // uid 65534 with the power to pass the 0700 directory and the socket's mode: only
    // the peer check stands between it and the workspace
    let request = serde_json::json!({
        "weft": 1, "id": 1, "args": ["weft", "add", "note", "intruder"], "cwd": "/",
        "workspace": ws, "stdin": null, "stdout_tty": false, "stderr_tty": false,
        "read_only": null,
    })
    .to_string();
    let script = r#"
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
try:
    s.sendall(sys.argv[2].encode() + b"\n")
    print(repr(s.recv(4096)))
except ConnectionError:
    # closed by the server: the same answer as an empty read
    print(repr(b""))
"#;
    let out = Command::new("setpriv")
        .args([
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
            "--inh-caps=+dac_override",
            "--ambient-caps=+dac_override",
            "python3",
            "-c",
            script,
        ])
        .arg(&socket)
        .arg(&request)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout).trim(), "b''", "closed without an answer");
    let said = server.stop();
    assert!(
        said.contains("refused a connection from uid 65534"),
        "{said}"
    );
    let list = text(&place.run(&ws, &["list", "notes"]).stdout);
    assert!(list.is_empty(), "nothing written: {list}");
}

#[test]
fn nothing_listens_on_a_network_address() {
    if !have("strace") {
        eprintln!("strace is not installed: skipped");
        return;
    }
    let (dir, ws) = empty();
    let place = Place::new();
    let trace = dir.path().join("trace");
    let mut child = Command::new("strace")
        .arg("-f")
        .arg("-e")
        .arg("trace=socket,bind,listen")
        .arg("-o")
        .arg(&trace)
        .arg(cargo_bin("weft"))
        .arg("--workspace")
        .arg(&ws)
        .args(["serve", "--idle-exit", "2s"])
        .env("TMPDIR", place.tmpdir())
        .env_remove("XDG_RUNTIME_DIR")
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while place.sockets().is_empty() && start.elapsed() < Duration::from_secs(20) {
        std::thread::sleep(Duration::from_millis(20));
    }
    let added = place.run(&ws, &["add", "note", "traced"]);
    assert_eq!(text(&added.stdout), "N1\n", "{}", text(&added.stderr));
    assert!(child.wait().unwrap().success(), "exits when idle");
    let calls = std::fs::read_to_string(&trace).unwrap();
    assert!(calls.contains("AF_UNIX"), "{calls}");
    for family in ["AF_INET", "AF_INET6", "AF_NETLINK", "AF_PACKET"] {
        assert!(!calls.contains(family), "{family} in:\n{calls}");
    }
}

#[test]
fn a_write_from_a_shell_appears_in_the_open_interface() {
    if !common::tmux::available() {
        eprintln!("tmux is not available: skipped");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let ws = demo(dir.path());
    let place = Place::new();
    let t = place.interface(&ws);
    t.keys(&["5"]);
    t.wait_for("Notes");
    let added = place.run(&ws, &["add", "note", "Pasted from the shell: 07700 900123"]);
    assert!(added.status.success(), "{}", text(&added.stderr));
    let id = text(&added.stdout).trim().to_string();
    // done: the status line names what it made (a slow one was said to be in flight)
    t.wait_for(&format!(
        "command line: add note Pasted from the shell: 07700 900123 → {id}"
    ));
    // a read beside the open interface, and the interface still answers keys
    let shown = place.run(&ws, &["show", &id]);
    assert!(text(&shown.stdout).contains("07700 900123"));
    // an export whose reader never reads: its thread waits on the socket, the
    // interface does not
    let mut stalled = place
        .weft(&ws)
        .args(["export", "workspace", "-o", "-"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(300));
    t.keys(&["1"]);
    t.wait_for("Backlog");
    t.keys(&["5"]);
    t.wait_for("214 notes");
    let beside = place.run(&ws, &["add", "note", "while an export stalls"]);
    assert!(beside.status.success(), "{}", text(&beside.stderr));
    t.wait_for("command line: add note while an export stalls");
    stalled.kill().unwrap();
    stalled.wait().unwrap();
    let refused = place.run(&ws, &["compact"]);
    assert!(
        text(&refused.stderr).contains("weft's interface"),
        "{}",
        text(&refused.stderr)
    );
    t.keys(&["q"]);
    t.wait_exit();
    assert!(
        place.sockets().is_empty(),
        "the interface removes its socket"
    );
}

#[test]
fn a_served_table_import_reads_the_client_s_files_and_says_what_a_direct_one_says() {
    let dir = tempfile::tempdir().unwrap();
    let (direct, served) = (dir.path().join("direct"), dir.path().join("served"));
    common::cli::init(&direct);
    common::cli::init(&served);
    let place = Place::new();
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let args = [
        "import-table",
        "examples/mappings/cdr.csv",
        "--map",
        "examples/mappings/cdr.toml",
    ];
    let on_its_own = place
        .weft(&direct)
        .current_dir(repo)
        .args(args)
        .output()
        .unwrap();
    assert!(on_its_own.status.success(), "{}", text(&on_its_own.stderr));
    let server = place.serve(&served);
    let through = place
        .weft(&served)
        .current_dir(repo)
        .args(args)
        .output()
        .unwrap();
    assert_eq!(text(&through.stderr), text(&on_its_own.stderr));
    let name = |ws: &Path| ws.display().to_string();
    assert_eq!(
        text(&through.stdout).replace(&name(&served), "WS"),
        text(&on_its_own.stdout).replace(&name(&direct), "WS")
    );
    server.stop();
    assert_eq!(
        text(&place.run(&served, &["list", "entities"]).stdout),
        text(&place.run(&direct, &["list", "entities"]).stdout)
    );
}

#[test]
fn a_server_killed_mid_command_leaves_all_or_nothing_and_the_client_says_so() {
    let (dir, ws) = empty();
    let csv = common::table::calls(dir.path(), 3000);
    let map = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/mappings/cdr.toml");
    let place = Place::new();
    let mut server = place.serve(&ws);
    let client = place
        .weft(&ws)
        .arg("import-table")
        .arg(&csv)
        .arg("--map")
        .arg(&map)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(400));
    server.kill();
    let out = client.wait_with_output().unwrap();
    let notes = text(&place.run(&ws, &["list", "notes", "--count"]).stdout);
    let notes: usize = notes.trim().parse().unwrap();
    if out.status.success() {
        // it finished before the kill: acknowledged, so all there
        assert_eq!(notes, 3000);
    } else {
        let err = text(&out.stderr);
        assert!(err.contains("stopped before the command finished"), "{err}");
        assert!(notes == 0 || notes == 3000, "all or nothing, not {notes}");
    }
    let check = place.run(&ws, &["check"]);
    assert!(check.status.success(), "{}", text(&check.stdout));
    // run again (direct now): the rows not yet in are imported, nothing twice
    let again = place
        .weft(&ws)
        .arg("import-table")
        .arg(&csv)
        .arg("--map")
        .arg(&map)
        .output()
        .unwrap();
    assert!(again.status.success(), "{}", text(&again.stderr));
    let notes = text(&place.run(&ws, &["list", "notes", "--count"]).stdout);
    assert_eq!(notes.trim(), "3000");
}

#[test]
fn the_interface_answers_keys_while_a_long_served_write_runs() {
    if !common::tmux::available() {
        eprintln!("tmux is not available: skipped");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let ws = demo(dir.path());
    let csv = common::table::calls(dir.path(), 12_000);
    let map = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/mappings/cdr.toml");
    let place = Place::new();
    let t = place.interface(&ws);
    let import = place
        .weft(&ws)
        .arg("import-table")
        .arg(&csv)
        .arg("--map")
        .arg(&map)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_for_words(&t, "is changing the workspace");
    // keys are answered: panes change, and a change made here is refused, not queued
    t.keys(&["4"]);
    t.wait_for("Entities");
    t.keys(&["1", "-"]);
    let screen = wait_for_words(&t, "try again when it is done");
    assert!(screen.contains("import-table"), "{screen}");
    // reads from the shell are served meanwhile
    let shown = place.run(&ws, &["show", "Q1"]);
    assert!(shown.status.success(), "{}", text(&shown.stderr));
    let out = import.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    t.wait_for("command line: import-table");
    // writable again once it is done
    t.keys(&["+"]);
    std::thread::sleep(Duration::from_millis(300));
    assert!(
        !words(&t.screen()).contains("try again when"),
        "{}",
        t.screen()
    );
    t.keys(&["q"]);
    t.wait_exit();
    let notes = text(&place.run(&ws, &["list", "notes", "--count"]).stdout);
    assert_eq!(notes.trim(), "12213");
}

/// The screen's text as words, lines joined: a long status message wraps anywhere.
fn words(screen: &str) -> String {
    screen.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Waits until the screen's words hold `text`.
fn wait_for_words(t: &common::tmux::Tmux, text: &str) -> String {
    let start = Instant::now();
    loop {
        let screen = t.screen();
        if words(&screen).contains(text) {
            return screen;
        }
        assert!(
            start.elapsed() < Duration::from_secs(15),
            "timed out waiting for {text:?}; screen:\n{screen}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A new empty workspace in a directory of its own.
fn empty() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("ws");
    common::cli::init(&ws);
    (dir, ws)
}

#[test]
fn commands_are_served_while_the_external_editor_is_open() {
    if !common::tmux::available() {
        eprintln!("tmux is not available: skipped");
        return;
    }
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let ws = demo(dir.path());
    let done = dir.path().join("editor-done");
    // an editor that takes its time, then writes the text and says it is done
    let editor = dir.path().join("slow-editor.sh");
    std::fs::write(
        &editor,
        format!(
            "#!/bin/sh\nsleep 4\nprintf 'Edited slowly\\n' > \"$1\"\ntouch '{}'\n",
            done.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&editor, std::fs::Permissions::from_mode(0o700)).unwrap();
    let place = Place::new();
    let t = place.interface_with(&ws, &[("VISUAL", editor.to_str().unwrap())]);
    t.keys(&["D"]);
    std::thread::sleep(Duration::from_millis(300));
    let shown = place.run(&ws, &["show", "Q2"]);
    assert!(shown.status.success(), "{}", text(&shown.stderr));
    let added = place.run(&ws, &["add", "note", "typed while the editor is open"]);
    assert!(added.status.success(), "{}", text(&added.stderr));
    assert!(!done.exists(), "served while the editor was still open");
    t.wait_for("Q1: saved");
    t.keys(&["5"]);
    t.wait_for("214 notes");
    t.keys(&["q"]);
    t.wait_exit();
}
