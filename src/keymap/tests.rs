use super::*;
use crate::commands::Command as C;
use proptest::prelude::*;

fn keys(s: &str) -> Vec<Key> {
    parse_sequence(s).unwrap_or_else(|e| panic!("{s}: {e}"))
}

fn from_text(text: &str) -> Keymap {
    let mut km = Keymap::empty();
    let problems = km.overlay("t.toml", text);
    assert!(problems.is_empty(), "{problems:?}");
    km
}

const BACKLOG: &[Scope] = &[Scope::Backlog, Scope::Record, Scope::List, Scope::Global];
const TIMELINE: &[Scope] = &[Scope::Timeline, Scope::List, Scope::Global];

#[test]
fn the_default_keymap_loads_clean() {
    let mut km = Keymap::empty();
    assert_eq!(km.overlay(DEFAULT_FILE, DEFAULT_TOML), vec![]);
    assert_eq!(km, Keymap::default_keymap());
}

#[test]
fn resolve_walks_the_scopes_most_specific_first() {
    let km = Keymap::default_keymap();
    let run = |scopes: &[Scope], s: &str| km.resolve(scopes, &keys(s));
    assert_eq!(run(BACKLOG, "a"), Resolution::Run(C::AddQuestion));
    assert_eq!(run(BACKLOG, "d"), Resolution::Run(C::Delete));
    assert_eq!(run(BACKLOG, "j"), Resolution::Run(C::Down));
    assert_eq!(run(BACKLOG, "q"), Resolution::Run(C::Quit));
    assert_eq!(run(TIMELINE, "a"), Resolution::Run(C::AskGap));
    assert_eq!(run(TIMELINE, "s"), Resolution::Unbound);
    assert_eq!(run(TIMELINE, "G"), Resolution::Run(C::Last));
    assert_eq!(run(&[Scope::Global], "j"), Resolution::Unbound);
    assert_eq!(run(BACKLOG, "shift-tab"), Resolution::Run(C::PrevPane));
    assert_eq!(km.resolve(BACKLOG, &[]), Resolution::Unbound);
}

#[test]
fn a_more_specific_scope_shadows_the_same_key() {
    let km = from_text("[global]\nx = \"quit\"\n[list]\nx = \"list.open\"\n");
    assert_eq!(km.resolve(BACKLOG, &keys("x")), Resolution::Run(C::Open));
    assert_eq!(
        km.resolve(&[Scope::Global], &keys("x")),
        Resolution::Run(C::Quit)
    );
}

#[test]
fn chords_wait_for_their_next_key() {
    let km = Keymap::default_keymap();
    assert_eq!(km.resolve(BACKLOG, &keys("o")), Resolution::Pending);
    assert_eq!(
        km.resolve(BACKLOG, &keys("o p")),
        Resolution::Run(C::SortPriority)
    );
    assert_eq!(
        km.resolve(BACKLOG, &keys("o u")),
        Resolution::Run(C::SortUpdated)
    );
    assert_eq!(km.resolve(BACKLOG, &keys("o z")), Resolution::Unbound);
    assert_eq!(km.resolve(BACKLOG, &keys("o p p")), Resolution::Unbound);
    assert_eq!(km.resolve(TIMELINE, &keys("o")), Resolution::Unbound);
}

#[test]
fn chords_across_scopes() {
    let mut km = Keymap::default_keymap();
    let emacs = include_str!("../../keymaps/emacs.toml");
    assert_eq!(km.overlay("keymaps/emacs.toml", emacs), vec![]);
    let x = keys("ctrl-x");
    assert_eq!(km.resolve(BACKLOG, &x), Resolution::Pending);
    assert_eq!(
        km.resolve(BACKLOG, &keys("ctrl-x ctrl-c")),
        Resolution::Run(C::Quit)
    );
    assert_eq!(
        km.resolve(BACKLOG, &keys("ctrl-x ctrl-e")),
        Resolution::Run(C::Edit)
    );
    assert_eq!(
        km.resolve(BACKLOG, &keys("ctrl-x ctrl-w")),
        Resolution::Run(C::Export)
    );
    assert_eq!(
        km.resolve(TIMELINE, &keys("ctrl-x ctrl-w")),
        Resolution::Unbound
    );
    let next: Vec<String> = km
        .continuations(BACKLOG, &x)
        .into_iter()
        .map(|(k, _)| k)
        .collect();
    assert_eq!(
        next,
        ["ctrl-w", "ctrl-e", "t", "q", "u", "ctrl-c", "o", "O"]
    );
    let next: Vec<String> = km
        .continuations(TIMELINE, &x)
        .into_iter()
        .map(|(k, _)| k)
        .collect();
    assert_eq!(next, ["u", "ctrl-c", "o", "O"]);
}

#[test]
fn continuations_of_the_sort_chord() {
    let km = Keymap::default_keymap();
    assert_eq!(
        km.continuations(BACKLOG, &keys("o")),
        vec![
            ("p".to_string(), C::SortPriority),
            ("s".to_string(), C::SortStatus),
            ("k".to_string(), C::SortKind),
            ("i".to_string(), C::SortId),
            ("u".to_string(), C::SortUpdated),
        ]
    );
    assert_eq!(km.continuations(BACKLOG, &keys("o p")), vec![]);
    assert_eq!(km.continuations(TIMELINE, &keys("o")), vec![]);
}

#[test]
fn continuations_hide_what_a_more_specific_scope_offers() {
    let km = from_text("[global]\n\"z a\" = \"quit\"\n[backlog]\n\"z a\" = \"backlog.add\"\n\"z b\" = \"backlog.export\"\n");
    assert_eq!(
        km.continuations(BACKLOG, &keys("z")),
        vec![
            ("a".to_string(), C::AddQuestion),
            ("b".to_string(), C::Export)
        ]
    );
    assert_eq!(
        km.resolve(BACKLOG, &keys("z a")),
        Resolution::Run(C::AddQuestion)
    );
}

#[test]
fn keys_for_and_bindings_keep_file_order() {
    let km = Keymap::default_keymap();
    assert_eq!(km.keys_for(C::Down), ["j", "down"]);
    assert_eq!(km.keys_for(C::First), ["g", "home"]);
    assert_eq!(km.keys_for(C::PrevPane), ["shift-tab"]);
    assert_eq!(km.keys_for(C::SortKind), ["o k"]);
    let record: Vec<String> = km
        .bindings(Scope::Record)
        .into_iter()
        .map(|(k, _)| k)
        .collect();
    assert_eq!(record, ["L", "T", "l", "e", "d", "#", "Q"]);
    let notes: Vec<String> = km
        .bindings(Scope::Notes)
        .into_iter()
        .map(|(k, _)| k)
        .collect();
    assert_eq!(notes, ["a", "c", "w", "s", "f", "o"]);
}

#[test]
fn an_overlay_replaces_in_place_and_adds_at_the_end() {
    let mut km = Keymap::default_keymap();
    let text = "[list]\nj = \"list.up\"\n\"C-n\" = \"list.down\"\n";
    assert_eq!(km.overlay("user.toml", text), vec![]);
    assert_eq!(km.keys_for(C::Down), ["down", "ctrl-n"]);
    assert_eq!(km.keys_for(C::Up), ["j", "k", "up"]);
    assert_eq!(km.resolve(BACKLOG, &keys("j")), Resolution::Run(C::Up));
}

#[test]
fn none_unbinds() {
    let mut km = Keymap::default_keymap();
    let text = "[list]\nj = \"none\"\n[global]\nq = \"none\"\nF5 = \"none\"\n";
    assert_eq!(km.overlay("user.toml", text), vec![]);
    assert_eq!(km.keys_for(C::Down), ["down"]);
    assert_eq!(km.keys_for(C::Quit), ["ctrl-c"]);
    assert_eq!(km.resolve(BACKLOG, &keys("j")), Resolution::Unbound);
}

#[test]
fn an_overlay_drops_the_defaults_it_would_cut_off() {
    let mut km = Keymap::default_keymap();
    assert_eq!(
        km.overlay("user.toml", "[backlog]\no = \"backlog.sort_id\"\n"),
        vec![]
    );
    assert_eq!(km.resolve(BACKLOG, &keys("o")), Resolution::Run(C::SortId));
    assert_eq!(km.keys_for(C::SortPriority), Vec::<String>::new());
    assert_eq!(km.keys_for(C::SortId), ["o"]);

    let mut km = Keymap::default_keymap();
    assert_eq!(
        km.overlay("user.toml", "[global]\n\"q q\" = \"quit\"\n"),
        vec![]
    );
    assert_eq!(km.resolve(BACKLOG, &keys("q")), Resolution::Pending);
    assert_eq!(km.keys_for(C::Quit), ["ctrl-c", "q q"]);

    // The same key in another scope is shadowing, not a clash: both stay.
    let mut km = Keymap::default_keymap();
    assert_eq!(
        km.overlay("user.toml", "[global]\ng = \"finder\"\n"),
        vec![]
    );
    assert_eq!(km.resolve(BACKLOG, &keys("g")), Resolution::Run(C::First));
    assert_eq!(
        km.resolve(&[Scope::Global], &keys("g")),
        Resolution::Run(C::Finder)
    );
}

#[test]
fn bad_overlay_entries_are_skipped_and_the_rest_apply() {
    let mut km = Keymap::default_keymap();
    let text = "[list]\n\"ctrl-\" = \"list.down\"\n\"C-n\" = \"list.down\"\nx = \"list.frob\"\n";
    let problems = km.overlay("user.toml", text);
    assert_eq!(problems.iter().map(|p| p.line).collect::<Vec<_>>(), [2, 4]);
    assert_eq!(km.keys_for(C::Down), ["j", "down", "ctrl-n"]);
    let mut km = Keymap::default_keymap();
    assert_eq!(km.overlay("user.toml", "[list\n").len(), 1);
    assert_eq!(km, Keymap::default_keymap());
}

#[test]
fn load_lays_the_user_file_over_the_defaults() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("keymap.toml");
    std::fs::write(&path, "[list]\nj = \"none\"\nz = \"nope\"\n").expect("write");
    let (km, problems) = Keymap::load(Some(&path));
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].file, path.display().to_string());
    assert_eq!(problems[0].line, 3);
    assert_eq!(km.keys_for(C::Down), ["down"]);

    let missing = dir.path().join("missing.toml");
    let (km, problems) = Keymap::load(Some(&missing));
    assert_eq!(km, Keymap::default_keymap());
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].line, 0);
    assert!(problems[0]
        .to_string()
        .starts_with(&format!("{}: cannot read it: ", missing.display())));
}

#[test]
fn check_file_reads_the_file_on_its_own_terms() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("k.toml");
    // Replacing a default is fine; a clash within the file is not.
    std::fs::write(
        &path,
        "[list]\ng = \"list.last\"\n\"g g\" = \"list.first\"\n",
    )
    .expect("write");
    let problems = check_file(&path);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].line, 3);
    assert_eq!(check_file(&dir.path().join("none.toml")).len(), 1);
}

#[test]
fn the_markdown_table_follows_the_registry() {
    let table = Keymap::default_keymap().markdown_table();
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines[0], "| where | keys | command | what it does |");
    assert_eq!(lines.len(), REGISTRY.len() + 2);
    assert!(lines.contains(&"| any list | `j` / `down` | `list.down` | Move down |"));
    assert!(lines.contains(&"| Backlog | `o p` | `backlog.sort_priority` | Sort by priority |"));
    let mut km = Keymap::default_keymap();
    assert_eq!(
        km.overlay(
            "u.toml",
            "[global]\nq = \"none\"\nctrl-c = \"none\"\n\"|\" = \"help\"\n\"`\" = \"undo\"\n"
        ),
        vec![]
    );
    let table = km.markdown_table();
    assert!(
        table.contains("| everywhere | (palette only) | `quit` |"),
        "{table}"
    );
    assert!(table.contains("| `?` / `\\|` | `help` |"), "{table}");
    assert!(table.contains("| `u` / `` ` `` | `undo` |"), "{table}");
}

#[test]
fn every_command_is_bound_or_deliberately_not() {
    let km = Keymap::default_keymap();
    for info in REGISTRY {
        let bound = !km.keys_for(info.command).is_empty();
        let listed = DELIBERATELY_UNBOUND.contains(&info.command);
        assert!(
            bound != listed,
            "{}: bound {bound}, listed unbound {listed}",
            info.name
        );
    }
}

#[test]
fn the_defaults_shadow_nothing() {
    // No default key means one thing in a scope and another in a scope under it.
    let km = Keymap::default_keymap();
    for &a in Scope::ALL {
        for b in Scope::ALL
            .iter()
            .copied()
            .filter(|&b| b != a && layered(a, b))
        {
            for (k, _) in km.bindings(a) {
                let deliberate = |s: Scope| {
                    super::DELIBERATE_SHADOWS
                        .iter()
                        .any(|(ds, dk)| *ds == s && k == *dk)
                };
                if deliberate(a) || deliberate(b) {
                    continue;
                }
                assert!(
                    !km.bindings(b).iter().any(|(k2, _)| *k2 == k),
                    "{k} is bound in [{}] and [{}]",
                    a.name(),
                    b.name()
                );
            }
        }
    }
}

proptest! {
    #[test]
    fn overlaying_any_text_never_panics(text in any::<String>()) {
        let mut km = Keymap::default_keymap();
        let _ = km.overlay("p.toml", &text);
    }

    #[test]
    fn resolve_never_panics(seq in prop::collection::vec(prop::sample::select(
        vec!["o", "p", "g", "j", "ctrl-x", "u", "q", "esc"]), 0..4)) {
        let km = Keymap::default_keymap();
        let pending: Vec<Key> = seq.iter().filter_map(|s| s.parse().ok()).collect();
        let r = km.resolve(BACKLOG, &pending);
        let next = km.continuations(BACKLOG, &pending);
        prop_assert_eq!(r == Resolution::Pending, !pending.is_empty() && !next.is_empty());
    }
}
