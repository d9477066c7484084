//! Every output is safe (issue 24): `-o` writes a device, a FIFO or a symlink's target
//! in place of replacing it; no raw control character leaves in a CSV or a workspace
//! export, whatever the destination; names and tags refuse characters that draw nothing;
//! date fields read by one rule; `list --count`.

mod common;

use assert_cmd::Command;
use common::cli::{init, run, weft};
use std::io::Read;
use std::os::unix::fs::FileTypeExt;
use std::path::Path;

/// A workspace with two questions (one a sub-question), a hypothesis and a note.
fn workspace(dir: &Path) -> std::path::PathBuf {
    let ws = dir.join("ws");
    init(&ws);
    run(
        &ws,
        &["add", "question", "Who runs the line?", "--tag", "line"],
    );
    run(
        &ws,
        &[
            "add",
            "question",
            "Who holds the handset?",
            "--parent",
            "Q1",
        ],
    );
    run(&ws, &["add", "hypothesis", "Q1", "Marsh runs it"]);
    run(&ws, &["add", "note", "Seen at the yard"]);
    ws
}

/// Runs and expects exit `code`, nothing on stdout and one line on stderr holding
/// every one of `texts`; returns the line.
fn fails(cmd: &mut Command, code: i32, texts: &[&str]) -> String {
    let out = cmd.output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(out.status.code(), Some(code), "stderr: {err}");
    assert_eq!(err.lines().count(), 1, "one line: {err:?}");
    for t in texts {
        assert!(err.contains(t), "{err:?} should contain {t:?}");
    }
    assert!(out.stdout.is_empty());
    err
}

fn mkfifo(path: &Path) {
    let ok = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo runs");
    assert!(ok.success());
}

#[test]
fn an_export_to_a_fifo_reaches_its_reader_and_leaves_the_fifo() {
    let dir = tempfile::tempdir().unwrap();
    let ws = workspace(dir.path());
    let fifo = dir.path().join("pipe");
    mkfifo(&fifo);
    for (args, starts) in [
        (
            vec!["export", "backlog", "--format", "csv"],
            "id,parent,title",
        ),
        (
            vec!["export", "backlog", "--format", "md"],
            "**Handling code",
        ),
        (vec!["export", "workspace"], "{\n  \"schema\""),
    ] {
        let reader = {
            let fifo = fifo.clone();
            std::thread::spawn(move || {
                let mut got = String::new();
                std::fs::File::open(&fifo)
                    .unwrap()
                    .read_to_string(&mut got)
                    .unwrap();
                got
            })
        };
        let out = weft(&ws).args(&args).arg("-o").arg(&fifo).output().unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        // a FIFO replaced by a file would leave the reader waiting for ever: look first
        let kind = std::fs::symlink_metadata(&fifo).unwrap().file_type();
        assert!(kind.is_fifo(), "{args:?}: the FIFO is still a FIFO");
        let got = reader.join().unwrap();
        assert!(got.starts_with(starts), "{args:?}: {got:?}");
        assert!(got.contains("Who runs the line?"), "{args:?}: {got:?}");
    }
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(
        names.len(),
        2,
        "no temporary file beside the FIFO: {names:?}"
    );
}

/// A null device of our own when this process may make one (as root), so that a weft
/// that replaced it would not take the system's `/dev/null` with it; else `/dev/null`.
fn null_device(dir: &Path) -> Option<std::path::PathBuf> {
    let own = dir.join("null");
    let made = std::process::Command::new("mknod")
        .arg(&own)
        .args(["c", "1", "3"])
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    let writable = |p: &Path| std::fs::OpenOptions::new().write(true).open(p).is_ok();
    if made && writable(&own) {
        return Some(own);
    }
    let system = Path::new("/dev/null");
    let is_char = std::fs::metadata(system).is_ok_and(|m| m.file_type().is_char_device());
    (is_char && writable(system)).then(|| system.to_path_buf())
}

#[test]
fn an_export_to_a_null_device_leaves_a_character_device() {
    let dir = tempfile::tempdir().unwrap();
    let ws = workspace(dir.path());
    let Some(null) = null_device(dir.path()) else {
        eprintln!("no writable null device here: skipped");
        return;
    };
    for args in [
        vec!["export", "backlog", "--format", "md"],
        vec!["export", "backlog", "--format", "csv"],
        vec!["export", "workspace"],
    ] {
        let out = weft(&ws).args(&args).arg("-o").arg(&null).output().unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let kind = std::fs::symlink_metadata(&null).unwrap().file_type();
        assert!(
            kind.is_char_device(),
            "{args:?}: {} is no longer a device",
            null.display()
        );
    }
}

#[test]
fn an_export_through_a_symlink_keeps_the_link_and_fills_its_target() {
    let dir = tempfile::tempdir().unwrap();
    let ws = workspace(dir.path());
    let real = dir.path().join("real");
    std::fs::create_dir(&real).unwrap();
    for (n, args) in [
        vec!["export", "backlog", "--format", "csv"],
        vec!["export", "backlog", "--format", "md"],
        vec!["export", "workspace"],
    ]
    .into_iter()
    .enumerate()
    {
        let target = real.join(format!("target{n}"));
        std::fs::write(&target, b"old").unwrap();
        let link = dir.path().join(format!("link{n}"));
        std::os::unix::fs::symlink(&target, &link).unwrap();
        run(
            &ws,
            &[args.clone(), vec!["-o", link.to_str().unwrap()]].concat(),
        );
        let kind = std::fs::symlink_metadata(&link).unwrap().file_type();
        assert!(kind.is_symlink(), "{args:?}: the link stays a link");
        let text = std::fs::read_to_string(&target).unwrap();
        assert!(text.contains("Who runs the line?"), "{args:?}: {text:?}");
        assert_eq!(std::fs::read_dir(&real).unwrap().count(), n + 1);
    }
}

#[test]
fn output_help_says_an_existing_file_is_replaced() {
    for sub in ["backlog", "workspace"] {
        let out = Command::cargo_bin("weft")
            .unwrap()
            .args(["export", sub, "--help"])
            .output()
            .unwrap();
        let help = String::from_utf8_lossy(&out.stdout).replace('\n', " ");
        let help = help.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(help.contains("replacing one already there"), "{help}");
        assert!(
            help.contains("device or FIFO is written in place"),
            "{help}"
        );
    }
}

/// Escape sequences, an OSC 52 clipboard write, C1 controls, DEL, bidi overrides and
/// isolates, a lone carriage return and a CRLF.
const HOSTILE: &str =
    "pay\u{1b}[2J\u{1b}]52;c;cm0gLXJm\u{07} \u{9b}31m \u{85}\u{202e}evil\u{2066}x\u{2069}\u{200f}\u{7f} a\rb\r\nc";

/// Characters that must never stand raw in a CSV cell: every control character but
/// the line feed and tab (carriage returns are checked apart, as line ends) and the
/// bidirectional controls.
fn raw_in_csv(c: char) -> bool {
    (c.is_control() && !matches!(c, '\n' | '\t' | '\r'))
        || matches!(c, '\u{61c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

#[test]
fn csv_holds_no_raw_control_through_a_pipe_or_in_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("ws");
    init(&ws);
    let q = run(&ws, &["add", "question", HOSTILE]);
    run(
        &ws,
        &[
            "set",
            q.trim(),
            "status=answered",
            &format!("answer={HOSTILE}"),
        ],
    );
    run(&ws, &["add", "hypothesis", q.trim(), HOSTILE]);
    let file = dir.path().join("b.csv");
    run(
        &ws,
        &[
            "export",
            "backlog",
            "--format",
            "csv",
            "-o",
            file.to_str().unwrap(),
        ],
    );
    // assert_cmd's standard output is a pipe
    let piped = run(&ws, &["export", "backlog", "--format", "csv", "-o", "-"]);
    let written = std::fs::read_to_string(&file).unwrap();
    assert_eq!(piped, written, "the same CSV whatever the destination");
    let raw: Vec<char> = written.chars().filter(|&c| raw_in_csv(c)).collect();
    assert!(raw.is_empty(), "{raw:?} in {written:?}");
    // carriage returns only in the CRLF record ends
    assert!(!written.replace("\r\n", "\n").contains('\r'), "{written:?}");
    // made visible, not dropped: ESC, DEL, a lone CR as control pictures, C1 and bidi as U+FFFD
    let title = "pay\u{241b}[2J\u{241b}]52;c;cm0gLXJm\u{2407} \u{fffd}31m \u{fffd}\u{fffd}evil\u{fffd}x\u{fffd}\u{fffd}\u{2421} a\u{240d}b\nc";
    let mut rows = csv::Reader::from_reader(written.as_bytes());
    let row = rows.records().next().unwrap().unwrap();
    assert_eq!(&row[2], title);
    assert_eq!(&row[11], title);
    assert!(row[7].ends_with(title), "{:?}", &row[7]);
}

#[test]
fn a_workspace_export_escapes_del_c1_and_invisibles_and_imports_back_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("ws");
    init(&ws);
    let text = format!("{HOSTILE} \u{200b}\u{feff}\u{2028}\u{e0041}");
    let q = run(&ws, &["add", "question", &text]);
    let n = run(&ws, &["add", "note", &text]);
    let piped = run(&ws, &["export", "workspace", "-o", "-"]);
    let raw: Vec<char> = piped
        .chars()
        .filter(|&c| {
            (c.is_control() && c != '\n')
                || matches!(c, '\u{200b}'..='\u{200f}' | '\u{2028}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{feff}' | '\u{e0000}'..='\u{e007f}')
        })
        .collect();
    assert!(raw.is_empty(), "{raw:?}");
    for escape in [
        "\\u007f", "\\u009b", "\\u0085", "\\u202e", "\\u2066", "\\u200b",
    ] {
        assert!(piped.contains(escape), "{escape} in {piped}");
    }
    // lossless: the import gives back the very text
    let file = dir.path().join("ws.json");
    std::fs::write(&file, &piped).unwrap();
    let ws2 = dir.path().join("ws2");
    run(&ws2, &["import", file.to_str().unwrap()]);
    for id in [q.trim(), n.trim()] {
        let shown: serde_json::Value =
            serde_json::from_str(&run(&ws2, &["show", id, "--json"])).unwrap();
        let field = if id.starts_with('Q') { "title" } else { "text" };
        assert_eq!(shown[field].as_str(), Some(text.as_str()), "{id}");
    }
    // and exports again byte for byte
    assert_eq!(run(&ws2, &["export", "workspace", "-o", "-"]), piped);
}

#[test]
fn names_and_tags_refuse_controls_and_characters_that_draw_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let named = dir.path().join("named");
    fails(
        Command::cargo_bin("weft")
            .unwrap()
            .arg("init")
            .arg(&named)
            .args(["--name", "Op \u{1b}[2J"]),
        1,
        &["workspace name", "U+001B"],
    );
    assert!(!named.join("name").exists(), "no name file written");
    fails(
        Command::cargo_bin("weft")
            .unwrap()
            .arg("init")
            .arg(&named)
            .args(["--name", "Op\u{200b}KESTREL"]),
        1,
        &[
            "workspace name",
            "\\u{200b}",
            "invisible character (U+200B)",
        ],
    );
    let ws = workspace(dir.path());
    for bad in [
        "a\u{200b}b",
        "a\u{2066}b",
        "a\u{ad}b",
        "a\u{202e}b",
        "a\u{9b}b",
    ] {
        let code = format!("U+{:04X}", bad.chars().nth(1).unwrap() as u32);
        fails(
            weft(&ws).args(["add", "question", "T", "--tag", bad]),
            2,
            &["tag", &code],
        );
        fails(
            weft(&ws).args(["set", "Q1", &format!("tags=ok,{bad}")]),
            1,
            &["invalid tag", &code],
        );
    }
    // nothing was written: the only records are the workspace's first four
    let log = run(&ws, &["log"]);
    assert_eq!(log.lines().count(), 4, "{log}");
    // ids are letters and digits only
    fails(weft(&ws).args(["show", "Q1\u{200b}"]), 2, &["invalid id"]);
}

#[test]
fn every_date_field_reads_years_0001_to_9999_written_in_full() {
    let dir = tempfile::tempdir().unwrap();
    let ws = workspace(dir.path());
    for bad in [
        "0000-01-01",
        "-0001-01-01",
        "2024-1-1",
        "10000-01-01",
        "+2024-01-01",
        "2024-02-30",
    ] {
        fails(
            weft(&ws).args(["set", "Q1", &format!("review_by={bad}")]),
            1,
            &["invalid date", bad],
        );
        fails(
            weft(&ws).args(["add", "question", "T", &format!("--review-by={bad}")]),
            2,
            &["date", "YYYY-MM-DD"],
        );
    }
    // year 0 is refused as --when refuses it
    let e = fails(
        weft(&ws).args(["set", "Q1", "review_by=0000-01-01"]),
        1,
        &[],
    );
    assert!(e.contains("year 0 is not 0001-9999"), "{e}");
    let e = fails(
        weft(&ws).args(["add", "note", "n", "--when", "0000-01-01"]),
        2,
        &[],
    );
    assert!(e.contains("year 0 is not 0001-9999"), "{e}");
    run(&ws, &["set", "Q1", "review_by=0001-01-01"]);
    run(&ws, &["set", "Q1", "review_by=9999-12-31"]);
    let shown: serde_json::Value =
        serde_json::from_str(&run(&ws, &["show", "Q1", "--json"])).unwrap();
    assert_eq!(shown["review_by"], "9999-12-31");
}

#[test]
fn a_link_to_itself_is_refused_without_naming_an_id_never_made() {
    let dir = tempfile::tempdir().unwrap();
    let ws = workspace(dir.path());
    let e = fails(
        weft(&ws).args(["link", "N1", "N1", "--label", "same"]),
        1,
        &["link N1 -> N1: a link cannot join a record to itself"],
    );
    assert!(!e.contains("L1"), "{e}");
    // the next link made is still L1
    assert_eq!(
        run(&ws, &["link", "N1", "Q1", "--label", "about"]).trim(),
        "L1"
    );
}

/// A small tmpfs mounted at a directory, unmounted when dropped: only root may mount one.
struct Tmpfs(std::path::PathBuf);

impl Tmpfs {
    fn mount(at: &Path) -> Option<Tmpfs> {
        std::fs::create_dir_all(at).ok()?;
        let ok = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", "size=8m", "tmpfs"])
            .arg(at)
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        ok.then(|| Tmpfs(at.to_path_buf()))
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount").arg(&self.0).status();
    }
}

#[test]
fn a_full_disk_stops_a_read_as_a_read_and_a_write_as_nothing_changed() {
    let dir = tempfile::tempdir().unwrap();
    let Some(disk) = Tmpfs::mount(&dir.path().join("disk")) else {
        eprintln!("cannot mount a small filesystem here (needs root): skipped");
        return;
    };
    let ws = disk.0.join("ws");
    init(&ws);
    run(&ws, &["add", "note", "Seen at the yard"]);
    // fill the disk
    let mut fill = std::fs::File::create(disk.0.join("fill")).unwrap();
    let block = vec![0u8; 1 << 16];
    while std::io::Write::write_all(&mut fill, &block).is_ok() {}
    drop(fill);
    // a read goes on from a private copy of the database (item 8); where even that
    // cannot be made, it says the read could not finish, never that nothing changed
    for args in [
        vec!["list", "notes"],
        vec!["show", "N1"],
        vec!["export", "backlog", "-o", "-"],
    ] {
        let out = weft(&ws).args(&args).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!err.contains("nothing was changed"), "{args:?}: {err}");
        if out.status.success() {
            assert!(!out.stdout.is_empty(), "{args:?}");
        } else {
            assert!(err.contains("the read could not finish"), "{args:?}: {err}");
        }
    }
    let out = weft(&ws).args(["add", "note", "more"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("nothing was changed"), "{err}");
}

#[test]
fn a_streamed_csv_reaches_a_terminal_shown_and_whole() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("ws");
    init(&ws);
    // longer than any write buffer on the way, so characters straddle the writes
    let long = "中".repeat(10_000);
    run(&ws, &["add", "question", &format!("{long}\u{200b}x\tz")]);
    let piped = run(&ws, &["export", "backlog", "--format", "csv", "-o", "-"]);
    assert!(
        piped.contains(&format!("{long}\u{200b}x\tz")),
        "a pipe gets the text"
    );
    let ws = ws.to_str().unwrap();
    let args = [
        "--workspace",
        ws,
        "export",
        "backlog",
        "--format",
        "csv",
        "-o",
        "-",
    ];
    let mut tty = common::pty::Pty::spawn(env!("CARGO_BIN_EXE_weft"), &args, &[]);
    tty.wait_for("\u{fffd}x z");
    let status = tty.wait_exit(std::time::Duration::from_secs(30));
    assert!(status.is_some_and(|s| s.success()), "{status:?}");
    let out = tty.output();
    assert!(out.contains(&format!("{long}\u{fffd}x z")), "{out:?}");
    assert!(!out.contains('\u{200b}') && !out.contains('\t'), "{out:?}");
}

#[test]
fn list_count_prints_the_number_of_records_a_listing_holds() {
    let dir = tempfile::tempdir().unwrap();
    let ws = workspace(dir.path());
    run(
        &ws,
        &[
            "add", "question", "Third", "--tag", "line", "--kind", "warning",
        ],
    );
    run(&ws, &["set", "Q2", "status=parked"]);
    for args in [
        vec!["list", "questions"],
        vec!["list", "questions", "--status", "open"],
        vec!["list", "questions", "--status", "parked"],
        vec!["list", "questions", "--kind", "warning"],
        vec!["list", "questions", "--tag", "line"],
        vec!["list", "questions", "--status", "open", "--tag", "line"],
        vec!["list", "questions", "--limit", "1"],
        vec!["list", "notes"],
        vec!["list", "entities"],
        vec!["list", "hypotheses", "--status", "live"],
    ] {
        let lines = run(&ws, &args).lines().count();
        let counted = run(&ws, &[args.clone(), vec!["--count"]].concat());
        assert_eq!(counted, format!("{lines}\n"), "{args:?}");
    }
    assert_eq!(run(&ws, &["list", "questions", "--count"]), "3\n");
    // a count is a number, never a JSON array
    let out = weft(&ws)
        .args(["list", "notes", "--count", "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}
