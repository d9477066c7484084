//! The shape of the interface's code, checked from its source: panes are components
//! (no `impl App`, no other pane's module named), `ui` draws without reading the store
//! or a file, and `app` never reaches up into `ui` or the run loop.

use std::fs;
use std::path::{Path, PathBuf};

const PANES: &[&str] = &[
    "backlog",
    "timeline",
    "links",
    "entities",
    "notes",
    "hypotheses",
    "gaps",
];

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir).expect("source folder") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            out.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    out.sort();
    out
}

/// The file's code before its unit tests, comments dropped.
fn code(path: &Path) -> String {
    let text = fs::read_to_string(path).expect("source file");
    let text = match text.find("#[cfg(test)]") {
        Some(at) => &text[..at],
        None => &text[..],
    };
    text.lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

#[test]
fn panes_are_components_that_name_no_other_pane() {
    let mut faults = Vec::new();
    for pane in PANES {
        let dir = src().join("app").join(pane);
        assert!(dir.is_dir(), "every pane is a folder: {}", dir.display());
        for file in rust_files(&dir) {
            let code = code(&file);
            let name = file
                .strip_prefix(src())
                .unwrap_or(&file)
                .display()
                .to_string();
            for banned in ["impl App", "app::App", "super::App", "super::super::App"] {
                if code.contains(banned) {
                    faults.push(format!("{name}: {banned}"));
                }
            }
            for other in PANES.iter().filter(|o| *o != pane) {
                for path in [
                    format!("app::{other}::"),
                    format!("app::{other};"),
                    format!("super::super::{other}"),
                ] {
                    if code.contains(&path) {
                        faults.push(format!("{name} names the {other} pane ({path})"));
                    }
                }
            }
        }
    }
    assert!(faults.is_empty(), "{faults:#?}");
}

#[test]
fn ui_reads_no_record_and_no_file() {
    let mut faults = Vec::new();
    for file in rust_files(&src().join("ui")) {
        let code = code(&file);
        for banned in ["app.store", ".store.", "std::fs", "fs::read", "File::open"] {
            if code.contains(banned) {
                faults.push(format!("{}: {banned}", file.display()));
            }
        }
    }
    assert!(faults.is_empty(), "{faults:#?}");
}

#[test]
fn the_registration_names_nothing_of_ours() {
    // the layers below `app` read it: it must not point up into `app`
    let code = code(&src().join("panes.rs"));
    assert!(!code.contains("crate::"), "{code}");
}

#[test]
fn app_reaches_neither_ui_nor_the_run_loop() {
    let mut faults = Vec::new();
    for file in rust_files(&src().join("app")) {
        let code = code(&file);
        for banned in ["crate::ui", "crate::run"] {
            if code.contains(banned) {
                faults.push(format!("{}: {banned}", file.display()));
            }
        }
    }
    assert!(faults.is_empty(), "{faults:#?}");
}

#[test]
fn every_registered_pane_has_its_folder_and_its_renderer() {
    let registration = fs::read_to_string(src().join("panes.rs")).expect("panes.rs");
    for pane in PANES {
        let title = format!("{}{}", pane[..1].to_uppercase(), &pane[1..]);
        assert!(
            registration.contains(&format!("{title} {pane}, \"")),
            "{pane} is registered"
        );
        let state =
            fs::read_to_string(src().join("app").join(pane).join("mod.rs")).expect("mod.rs");
        assert!(
            state.contains("pub type State = "),
            "{pane} names its State"
        );
        assert!(src().join("ui").join(format!("{pane}.rs")).is_file());
    }
}

/// A command can be served for another process (`cli::served`): it writes through
/// `out::stdout()` and `warnln!`, reads standard input through `served::read_stdin`, and
/// asks whether its outputs are terminals through `served`, never through std directly,
/// or a served command would print on the server's terminal instead of the client's.
#[test]
fn commands_reach_the_terminal_only_through_what_a_server_can_redirect() {
    let local = ["served.rs", "out.rs", "docs.rs", "progress.rs"];
    let mut faults = Vec::new();
    for file in rust_files(&src().join("cli")) {
        let name = file.file_name().unwrap().to_string_lossy().to_string();
        if local.contains(&name.as_str()) {
            continue;
        }
        let code = code(&file);
        for banned in [
            "eprintln!",
            "println!",
            "print!(",
            "io::stderr()",
            "io::stdin().read",
            "stdout().is_terminal",
            "stdin().read_to",
        ] {
            if code.contains(banned) {
                faults.push(format!("cli/{name}: {banned}"));
            }
        }
    }
    assert!(faults.is_empty(), "{faults:#?}");
}
