//! Widths against a real terminal: the display form of each hard case, printed in tmux,
//! moves the cursor exactly as many cells as `text::width` says (so the buffer and the
//! terminal agree on where everything after it goes).

use std::process::Command;
use std::time::{Duration, Instant};
use weft::model::text::{display, width};

/// Cells tmux advances the cursor for `text`, or None when tmux cannot run here.
fn tmux_width(text: &str) -> Option<usize> {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("text");
    // a leading x so the cursor moves even for text that takes no cells
    std::fs::write(&file, format!("x{text}")).unwrap();
    let socket = dir.path().join("sock");
    let tmux = |args: &[&str]| {
        Command::new("tmux")
            .arg("-u")
            .arg("-S")
            .arg(&socket)
            .args(["-f", "/dev/null"])
            .args(args)
            .env("LANG", "C.UTF-8")
            .env("LC_ALL", "C.UTF-8")
            .output()
            .ok()
    };
    let cmd = format!("cat '{}'; sleep 10", file.display());
    let started = tmux(&["new-session", "-d", "-x", "80", "-y", "5", &cmd])?;
    if !started.status.success() {
        return None;
    }
    let start = Instant::now();
    let mut x = None;
    while start.elapsed() < Duration::from_secs(5) {
        std::thread::sleep(Duration::from_millis(100));
        let out = tmux(&["display-message", "-p", "#{cursor_x}"])?;
        let now: usize = String::from_utf8_lossy(&out.stdout).trim().parse().ok()?;
        if now > 0 && x == Some(now) {
            break;
        }
        x = Some(now);
    }
    tmux(&["kill-server"]);
    x.map(|x| x - 1)
}

#[test]
fn display_forms_take_the_cells_tmux_draws() {
    let cases = [
        "لا",
        "مجموعة لا 3 May 2026",
        "🇬🇧",
        "🇬🇧🇫🇷x",
        "\u{1f1eb}x",
        "e\u{301}",
        "Rene\u{301}e Lefe\u{300}vre",
        "\u{301}x",
        "中文名字",
        "\u{2764}\u{fe0f}",
        "1\u{fe0f}\u{20e3}",
        "👍🏽",
        "👨\u{200d}👩\u{200d}👧",
        "🏳\u{fe0f}\u{200d}🌈",
        "ｶﾞ",
        "क्षि",
        "ש\u{5b8}\u{5c1}לו\u{5b9}ם",
        "a\u{200b}b\u{1b}[2J",
    ];
    for case in cases {
        let shown = display(case);
        let Some(drawn) = tmux_width(&shown) else {
            eprintln!("tmux is not available here: skipped");
            return;
        };
        assert_eq!(
            drawn,
            width(case),
            "{case:?} shown as {shown:?}: tmux draws {drawn} cells"
        );
    }
}
