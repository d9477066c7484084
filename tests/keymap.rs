//! The shipped keymaps, the SPEC's default keys, and `weft keymap check` run as a real
//! process on good and bad files.

use assert_cmd::Command;
use std::path::{Path, PathBuf};
use weft::commands::{Command as C, Scope, REGISTRY};
use weft::keymap::{check_file, parse_sequence, Keymap, Resolution, DELIBERATELY_UNBOUND};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn shipped_keymaps() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join("keymaps"))
        .expect("keymaps/ exists")
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    files
}

#[test]
fn every_shipped_keymap_checks_and_loads_clean() {
    let files = shipped_keymaps();
    assert!(
        files.len() >= 2,
        "default and at least one other: {files:?}"
    );
    assert!(files.iter().any(|f| f.ends_with("default.toml")));
    for file in files {
        assert_eq!(check_file(&file), vec![], "{}", file.display());
        let (_, problems) = Keymap::load(Some(&file));
        assert_eq!(problems, vec![], "{}", file.display());
    }
}

#[test]
fn the_embedded_default_is_the_shipped_file() {
    let on_disk = std::fs::read_to_string(root().join("keymaps/default.toml")).expect("read");
    assert_eq!(on_disk, weft::keymap::DEFAULT_TOML);
}

#[test]
fn every_command_is_bound_by_default_or_deliberately_left_to_the_palette() {
    let km = Keymap::default_keymap();
    for info in REGISTRY {
        let bound = !km.keys_for(info.command).is_empty();
        let palette_only = DELIBERATELY_UNBOUND.contains(&info.command);
        assert!(
            bound ^ palette_only,
            "{}: bound by default {bound}, in DELIBERATELY_UNBOUND {palette_only}",
            info.name
        );
    }
}

#[test]
fn the_spec_default_keys() {
    use Scope::*;
    let km = Keymap::default_keymap();
    let backlog = [Backlog, Record, List, Global];
    let cases: &[(&str, C)] = &[
        ("1", C::Show(Scope::Backlog)),
        ("2", C::Show(Scope::Timeline)),
        ("3", C::Show(Scope::Links)),
        ("4", C::Show(Scope::Entities)),
        ("5", C::Show(Scope::Notes)),
        ("tab", C::NextPane),
        ("shift-tab", C::PrevPane),
        ("/", C::Finder),
        (":", C::Palette),
        ("?", C::Help),
        ("u", C::Undo),
        ("U", C::Redo),
        ("ctrl-r", C::Redo),
        ("esc", C::Back),
        ("q", C::Quit),
        ("down", C::Down),
        ("j", C::Down),
        ("up", C::Up),
        ("k", C::Up),
        ("g", C::First),
        ("home", C::First),
        ("G", C::Last),
        ("end", C::Last),
        ("pageup", C::PageUp),
        ("pagedown", C::PageDown),
        ("enter", C::Open),
        ("L", C::ShowLinks),
        ("T", C::ShowTimeline),
        ("l", C::LinkTo),
        ("e", C::Edit),
        ("d", C::Delete),
        ("#", C::Tags),
        ("a", C::AddQuestion),
        ("A", C::AddSubQuestion),
        ("s", C::SetStatus),
        ("+", C::PriorityUp),
        ("-", C::PriorityDown),
        ("h", C::AddHypothesis),
        ("f", C::Filter),
        ("x", C::Export),
        ("y", C::Likelihood),
        ("K", C::SetKind),
        ("R", C::ReviewBy),
        ("D", C::EditDetail),
        ("o p", C::SortPriority),
        ("o s", C::SortStatus),
        ("o k", C::SortKind),
        ("o i", C::SortId),
        ("o u", C::SortUpdated),
    ];
    for &(keys, cmd) in cases {
        let seq = parse_sequence(keys).expect("a key sequence");
        assert_eq!(km.resolve(&backlog, &seq), Resolution::Run(cmd), "{keys}");
    }
    // Global keys work in every pane: 6 goes to the Hypotheses, 7 to the Gaps.
    let links = [Links, Record, List, Global];
    for (keys, cmd) in [
        ("q", C::Quit),
        ("?", C::Help),
        ("2", C::Show(Scope::Timeline)),
        ("6", C::Show(Scope::Hypotheses)),
    ] {
        let seq = parse_sequence(keys).expect("a key sequence");
        assert_eq!(km.resolve(&links, &seq), Resolution::Run(cmd), "{keys}");
    }
    let seven = parse_sequence("7").expect("7");
    assert_eq!(
        km.resolve(&backlog, &seven),
        Resolution::Run(C::Show(Scope::Gaps))
    );
    // Backlog keys stay in the Backlog; the sort chord waits for its second key.
    let o = parse_sequence("o").expect("o");
    assert_eq!(km.resolve(&backlog, &o), Resolution::Pending);
    assert_eq!(km.resolve(&links, &o), Resolution::Unbound);
    let a = parse_sequence("a").expect("a");
    assert_eq!(km.resolve(&links, &a), Resolution::Unbound);
}

#[test]
fn undo_and_redo_are_the_same_keys_in_every_pane() {
    let km = Keymap::default_keymap();
    for pane in Scope::ALL.iter().copied().filter(|s| s.is_pane()) {
        let scopes = [pane, Scope::Record, Scope::List, Scope::Global];
        for (keys, cmd) in [("u", C::Undo), ("U", C::Redo), ("ctrl-r", C::Redo)] {
            let seq = parse_sequence(keys).expect("a key sequence");
            assert_eq!(
                km.resolve(&scopes, &seq),
                Resolution::Run(cmd),
                "{keys} in {}",
                pane.name()
            );
        }
    }
}

#[test]
fn the_emacs_overlay_leaves_the_defaults_it_does_not_name() {
    let (km, problems) = Keymap::load(Some(&root().join("keymaps/emacs.toml")));
    assert_eq!(problems, vec![]);
    assert_eq!(km.keys_for(C::Down), ["j", "down", "ctrl-n"]);
    assert_eq!(km.keys_for(C::Quit), ["q", "ctrl-c", "ctrl-x ctrl-c"]);
    let scopes = [Scope::Backlog, Scope::Record, Scope::List, Scope::Global];
    let seq = parse_sequence("ctrl-x u").expect("a key sequence");
    assert_eq!(km.resolve(&scopes, &seq), Resolution::Run(C::Undo));
}

fn weft() -> Command {
    let mut cmd = Command::cargo_bin("weft").expect("the weft binary");
    cmd.current_dir(root());
    cmd
}

#[test]
fn check_accepts_the_shipped_keymaps() {
    for file in ["keymaps/emacs.toml", "keymaps/default.toml"] {
        weft()
            .args(["keymap", "check", file])
            .assert()
            .code(0)
            .stdout(format!("{file}: ok\n"))
            .stderr("");
    }
}

/// Runs `weft keymap check` on a fixture and expects exit status 2 with exactly these
/// problem lines, then the count, on stderr.
fn expect_problems(fixture: &str, lines: &[&str]) {
    let file = format!("tests/fixtures/keymaps/{fixture}");
    let mut expected: String = lines.iter().map(|l| format!("{file}:{l}\n")).collect();
    let n = match lines.len() {
        1 => "1 problem".to_string(),
        n => format!("{n} problems"),
    };
    expected.push_str(&format!("weft: {n} in {file}\n"));
    weft()
        .args(["keymap", "check", &file])
        .assert()
        .code(2)
        .stdout("")
        .stderr(expected);
}

const ACCEPTED: &str = "a key is one character, or one of enter, esc, tab, shift-tab, \
space, backspace, delete, insert, up, down, left, right, home, end, pageup, pagedown, \
f1-f12, with ctrl- or alt- before it if wanted";

const SECTIONS: &str =
    "global, list, record, backlog, timeline, links, entities, notes, hypotheses, gaps, plan";

#[test]
fn check_unknown_key() {
    expect_problems(
        "unknown_key.toml",
        &[
            r#"4: [list] "ctrl-" = "list.up": unknown key "ctrl-": a modifier needs a key after it, as in "ctrl-n""#,
        ],
    );
}

#[test]
fn check_unknown_command() {
    expect_problems(
        "unknown_command.toml",
        &[r#"4: [backlog] "z" = "backlog.frobnicate": unknown command "backlog.frobnicate""#],
    );
}

#[test]
fn check_wrong_scope() {
    expect_problems(
        "wrong_scope.toml",
        &[
            r#"3: [backlog] "j" = "list.down": list.down belongs in [list], not [backlog]"#,
            r#"6: [list] "Q" = "quit": quit belongs in [global], not [list]"#,
        ],
    );
}

#[test]
fn check_duplicate_after_normalising() {
    expect_problems(
        "duplicate.toml",
        &[
            r#"5: [list] "ctrl-n" = "list.page_down": "ctrl-n" is already bound to list.down on line 3"#,
        ],
    );
}

#[test]
fn check_prefix_conflicts() {
    expect_problems(
        "prefix.toml",
        &[
            r#"4: [list] "g g" = "list.last": "g" (line 3) is a prefix of "g g""#,
            r#"10: [backlog] "z z" = "backlog.add": "z" in [global] (line 7) is a prefix of "z z""#,
        ],
    );
}

#[test]
fn check_unknown_section() {
    let line = format!(r#"2: [bakclog]: unknown section "bakclog"; sections are {SECTIONS}"#);
    expect_problems("unknown_section.toml", &[&line]);
}

#[test]
fn check_toml_syntax_error() {
    expect_problems(
        "syntax.toml",
        &["4: k = list.up: TOML syntax: invalid string; expected `\"`, `'`"],
    );
}

#[test]
fn check_reports_every_problem_in_a_file() {
    let unknown_key = r#"5: [global] "alt-" = "palette": unknown key "alt-": a modifier needs a key after it, as in "ctrl-n""#;
    let unknown_section =
        format!(r#"16: [timline]: unknown section "timline"; sections are {SECTIONS}"#);
    expect_problems(
        "several.toml",
        &[
            r#"4: [global] "?" = "hepl": unknown command "hepl""#,
            unknown_key,
            r#"9: [list] "alt-<" = "list.last": "alt-<" is already bound to list.first on line 8"#,
            r#"10: [list] "x" = "backlog.export": backlog.export belongs in [backlog], not [list]"#,
            r#"14: [backlog] "o p" = "backlog.sort_priority": "o" (line 13) is a prefix of "o p""#,
            &unknown_section,
        ],
    );
}

#[test]
fn check_names_a_key_it_cannot_read_and_what_keys_are() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("k.toml");
    std::fs::write(&file, "[list]\nfoo = \"list.down\"\n").expect("write");
    let shown = file.display().to_string();
    weft()
        .args(["keymap", "check", &shown])
        .assert()
        .code(2)
        .stderr(format!(
            "{shown}:2: [list] \"foo\" = \"list.down\": unknown key \"foo\"; {ACCEPTED}\nweft: 1 problem in {shown}\n"
        ));
}

#[test]
fn check_an_unreadable_file() {
    let file = "tests/fixtures/keymaps/no-such-file.toml";
    weft()
        .args(["keymap", "check", file])
        .assert()
        .code(2)
        .stderr(predicates::str::starts_with(format!(
            "{file}: cannot read it: "
        )))
        .stderr(predicates::str::ends_with(format!(
            "\nweft: 1 problem in {file}\n"
        )));
}

#[test]
fn a_readme_key_table_is_the_generated_one() {
    // The README's key table is generated from the registry and the default keymap, never
    // written by hand; once the README carries one, it must match.
    let readme = std::fs::read_to_string(root().join("README.md")).expect("README.md");
    let table = Keymap::default_keymap().markdown_table();
    assert!(
        readme.contains(&table),
        "README.md's key table differs from `weft keymap table`; regenerate it:\n{table}"
    );
}
