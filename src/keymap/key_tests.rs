use super::*;
use proptest::prelude::*;
use ratatui::crossterm::event::{KeyEventState, ModifierKeyCode};

fn key(s: &str) -> Key {
    s.parse().unwrap_or_else(|e| panic!("{s}: {e}"))
}

#[test]
fn single_characters_keep_their_case() {
    for c in [
        'j', 'G', '?', '#', '+', '-', '<', '>', '/', ':', '1', 'é', '字',
    ] {
        assert_eq!(key(&c.to_string()), Key::char(c));
    }
    assert_ne!(key("g"), key("G"));
}

#[test]
fn modifiers_in_both_spellings() {
    let ctrl_n = Key::char('n').with_ctrl();
    for s in ["ctrl-n", "C-n", "Ctrl-n", "CTRL-n", "c-n"] {
        assert_eq!(key(s), ctrl_n, "{s}");
    }
    let alt_x = Key::char('x').with_alt();
    for s in ["alt-x", "M-x", "Alt-x", "m-x"] {
        assert_eq!(key(s), alt_x, "{s}");
    }
    assert_eq!(key("ctrl-alt-x"), Key::char('x').with_ctrl().with_alt());
    assert_eq!(key("M-<"), Key::char('<').with_alt());
    assert_eq!(key("ctrl--"), Key::char('-').with_ctrl());
    assert_eq!(key("C-X"), Key::char('X').with_ctrl());
}

#[test]
fn named_keys_ignore_case() {
    let cases = [
        ("enter", KeyCode::Enter),
        ("RET", KeyCode::Enter),
        ("Return", KeyCode::Enter),
        ("esc", KeyCode::Esc),
        ("Escape", KeyCode::Esc),
        ("tab", KeyCode::Tab),
        ("shift-tab", KeyCode::BackTab),
        ("S-tab", KeyCode::BackTab),
        ("BackTab", KeyCode::BackTab),
        ("space", KeyCode::Char(' ')),
        ("backspace", KeyCode::Backspace),
        ("bs", KeyCode::Backspace),
        ("delete", KeyCode::Delete),
        ("DEL", KeyCode::Delete),
        ("insert", KeyCode::Insert),
        ("up", KeyCode::Up),
        ("Down", KeyCode::Down),
        ("left", KeyCode::Left),
        ("right", KeyCode::Right),
        ("home", KeyCode::Home),
        ("end", KeyCode::End),
        ("PageUp", KeyCode::PageUp),
        ("pgup", KeyCode::PageUp),
        ("pagedown", KeyCode::PageDown),
        ("PgDn", KeyCode::PageDown),
        ("f1", KeyCode::F(1)),
        ("F12", KeyCode::F(12)),
    ];
    for (s, code) in cases {
        assert_eq!(key(s), Key::new(code), "{s}");
    }
}

#[test]
fn bad_keys_are_named_in_the_error() {
    for s in [
        "foo",
        "f0",
        "f13",
        "f01",
        "--",
        "ctrl-foo",
        "\t",
        "\u{1b}",
        "ctrl-ctrl",
    ] {
        let err = s.parse::<Key>().expect_err(s);
        assert_eq!(err, KeyError::Unknown(s.to_string()));
    }
    for s in ["ctrl-", "C-", "alt-", "M-", "s-", "ctrl-alt-", "C-M-"] {
        let err = s.parse::<Key>().expect_err(s);
        assert_eq!(err, KeyError::NoKey(s.to_string()));
    }
    let msg = "foo".parse::<Key>().expect_err("foo").to_string();
    assert!(
        msg.starts_with("unknown key \"foo\"; a key is one character"),
        "{msg}"
    );
    assert!(msg.contains("pageup"), "{msg}");
    let msg = "ctrl-".parse::<Key>().expect_err("ctrl-").to_string();
    assert_eq!(
        msg,
        "unknown key \"ctrl-\": a modifier needs a key after it, as in \"ctrl-n\""
    );
    assert_eq!("".parse::<Key>(), Err(KeyError::Empty));
    assert_eq!(
        "shift-a".parse::<Key>(),
        Err(KeyError::Shift("shift-a".into()))
    );
    let esc = "\u{1b}[31m".parse::<Key>().expect_err("escape");
    assert!(!esc.to_string().contains('\u{1b}'), "{esc}");
}

#[test]
fn canonical_spelling() {
    let cases = [
        ("C-n", "ctrl-n"),
        ("M-x", "alt-x"),
        ("S-tab", "shift-tab"),
        ("backtab", "shift-tab"),
        ("ret", "enter"),
        ("pgup", "pageup"),
        ("PgDn", "pagedown"),
        ("escape", "esc"),
        ("bs", "backspace"),
        ("del", "delete"),
        ("space", "space"),
        (" ", "space"),
        ("j", "j"),
        ("G", "G"),
        ("F5", "f5"),
        ("alt-C-x", "ctrl-alt-x"),
    ];
    for (input, canonical) in cases {
        assert_eq!(key(input).to_string(), canonical, "{input}");
    }
}

#[test]
fn sequences() {
    assert_eq!(
        parse_sequence("o p"),
        Ok(vec![Key::char('o'), Key::char('p')])
    );
    assert_eq!(
        parse_sequence("  C-x   C-c "),
        Ok(vec![Key::char('x').with_ctrl(), Key::char('c').with_ctrl()])
    );
    assert_eq!(parse_sequence(""), Err(KeyError::Empty));
    assert_eq!(parse_sequence("   "), Err(KeyError::Empty));
    assert_eq!(
        parse_sequence("o ctrl-"),
        Err(KeyError::NoKey("ctrl-".into()))
    );
    assert_eq!(display_sequence(&[key("C-x"), key("u")]), "ctrl-x u");
}

fn event(code: TermCode, mods: TermMods, kind: KeyEventKind) -> KeyEvent {
    KeyEvent {
        code,
        modifiers: mods,
        kind,
        state: KeyEventState::NONE,
    }
}

fn press(code: TermCode, mods: TermMods) -> Option<Key> {
    from_event(&event(code, mods, KeyEventKind::Press))
}

#[test]
fn events_become_keys() {
    assert_eq!(press(TermCode::Char('j'), TermMods::NONE), Some(key("j")));
    assert_eq!(press(TermCode::Char('G'), TermMods::SHIFT), Some(key("G")));
    assert_eq!(press(TermCode::Char('?'), TermMods::SHIFT), Some(key("?")));
    assert_eq!(
        press(TermCode::Char('n'), TermMods::CONTROL),
        Some(key("ctrl-n"))
    );
    assert_eq!(
        press(TermCode::Char('x'), TermMods::ALT),
        Some(key("alt-x"))
    );
    assert_eq!(
        press(TermCode::Char('x'), TermMods::CONTROL | TermMods::ALT),
        Some(key("ctrl-alt-x"))
    );
    assert_eq!(
        press(TermCode::Tab, TermMods::SHIFT),
        Some(key("shift-tab"))
    );
    assert_eq!(
        press(TermCode::BackTab, TermMods::SHIFT),
        Some(key("shift-tab"))
    );
    assert_eq!(
        press(TermCode::BackTab, TermMods::NONE),
        Some(key("shift-tab"))
    );
    assert_eq!(press(TermCode::Tab, TermMods::NONE), Some(key("tab")));
    assert_eq!(press(TermCode::Enter, TermMods::NONE), Some(key("enter")));
    assert_eq!(
        press(TermCode::PageDown, TermMods::NONE),
        Some(key("pagedown"))
    );
    assert_eq!(press(TermCode::F(3), TermMods::NONE), Some(key("f3")));
    assert_eq!(
        press(TermCode::Char(' '), TermMods::NONE),
        Some(key("space"))
    );
    assert_eq!(press(TermCode::CapsLock, TermMods::NONE), None);
    assert_eq!(
        press(
            TermCode::Modifier(ModifierKeyCode::LeftShift),
            TermMods::SHIFT
        ),
        None
    );
    assert_eq!(press(TermCode::Char('q'), TermMods::SUPER), None);
}

#[test]
fn releases_are_not_keys_and_repeats_are() {
    let q = TermCode::Char('q');
    let release = event(q, TermMods::NONE, KeyEventKind::Release);
    assert_eq!(from_event(&release), None);
    let repeat = event(q, TermMods::NONE, KeyEventKind::Repeat);
    assert_eq!(from_event(&repeat), Some(key("q")));
}

fn any_code() -> impl Strategy<Value = KeyCode> {
    prop_oneof![
        any::<char>()
            .prop_filter("a key char", |c| is_key_char(*c))
            .prop_map(KeyCode::Char),
        (1u8..=12).prop_map(KeyCode::F),
        prop::sample::select(vec![
            KeyCode::Enter,
            KeyCode::Esc,
            KeyCode::Tab,
            KeyCode::BackTab,
            KeyCode::Backspace,
            KeyCode::Delete,
            KeyCode::Insert,
            KeyCode::Up,
            KeyCode::Down,
            KeyCode::Left,
            KeyCode::Right,
            KeyCode::Home,
            KeyCode::End,
            KeyCode::PageUp,
            KeyCode::PageDown,
        ]),
    ]
}

fn any_key() -> impl Strategy<Value = Key> {
    (any_code(), any::<bool>(), any::<bool>()).prop_map(|(code, ctrl, alt)| Key { code, ctrl, alt })
}

proptest! {
    #[test]
    fn display_then_parse_gives_the_key(k in any_key()) {
        prop_assert_eq!(k.to_string().parse::<Key>(), Ok(k));
    }

    #[test]
    fn sequences_round_trip(keys in prop::collection::vec(any_key(), 1..5)) {
        prop_assert_eq!(parse_sequence(&display_sequence(&keys)), Ok(keys));
    }

    #[test]
    fn any_string_parses_or_errs_without_panic(s in any::<String>()) {
        let _ = s.parse::<Key>();
        let _ = parse_sequence(&s);
    }

    #[test]
    fn modifier_like_strings_never_panic(s in "(?i)(ctrl-|c-|alt-|m-|shift-|s-){0,3}.{0,4}") {
        if let Ok(k) = s.parse::<Key>() {
            prop_assert_eq!(k.to_string().parse::<Key>(), Ok(k));
        }
    }
}
