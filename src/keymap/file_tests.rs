use super::*;
use proptest::prelude::*;

/// The problems of `text` as "line: entry: message" lines.
fn problems(text: &str) -> Vec<String> {
    parse("k.toml", text)
        .1
        .iter()
        .map(|p| {
            let s = p.to_string();
            s.strip_prefix("k.toml:").unwrap_or(&s).to_string()
        })
        .collect()
}

#[test]
fn a_good_file_has_its_entries_in_file_order() {
    let text = "[list]\nj = \"list.down\"\ndown = \"list.down\"\n[global]\nq = \"quit\"\n\"o\" = \"none\"\n";
    let (entries, probs) = parse("k.toml", text);
    assert!(probs.is_empty(), "{probs:?}");
    let shown: Vec<_> = entries
        .iter()
        .map(|e| (e.scope, display_sequence(&e.keys), e.action))
        .collect();
    assert_eq!(
        shown,
        vec![
            (Scope::List, "j".into(), Action::Bind(Command::Down)),
            (Scope::List, "down".into(), Action::Bind(Command::Down)),
            (Scope::Global, "q".into(), Action::Bind(Command::Quit)),
            (Scope::Global, "o".into(), Action::Unbind),
        ]
    );
}

#[test]
fn unknown_key() {
    assert_eq!(
        problems("[list]\n\"ctrl-\" = \"list.down\"\nj = \"list.down\"\n"),
        vec![
            "2: [list] \"ctrl-\" = \"list.down\": unknown key \"ctrl-\": a modifier needs a key after it, as in \"ctrl-n\""
        ]
    );
    let got = problems("[list]\nfoo = \"list.down\"\n");
    assert_eq!(got.len(), 1);
    assert!(
        got[0].starts_with("2: [list] \"foo\" = \"list.down\": unknown key \"foo\"; a key is"),
        "{got:?}"
    );
}

#[test]
fn unknown_command() {
    assert_eq!(
        problems("[backlog]\nz = \"backlog.frobnicate\"\n"),
        vec!["2: [backlog] \"z\" = \"backlog.frobnicate\": unknown command \"backlog.frobnicate\""]
    );
}

#[test]
fn command_in_the_wrong_section() {
    assert_eq!(
        problems("[backlog]\nj = \"list.down\"\n[list]\nq = \"quit\"\n"),
        vec![
            "2: [backlog] \"j\" = \"list.down\": list.down belongs in [list], not [backlog]",
            "4: [list] \"q\" = \"quit\": quit belongs in [global], not [list]",
        ]
    );
}

#[test]
fn the_same_sequence_twice_after_normalising() {
    let text =
        "[list]\n\"C-n\" = \"list.down\"\n\"ctrl-n\" = \"list.up\"\n\"ctrl-N\" = \"list.up\"\n";
    assert_eq!(
        problems(text),
        vec!["3: [list] \"ctrl-n\" = \"list.up\": \"ctrl-n\" is already bound to list.down on line 2"]
    );
    let text = "[list]\n\"o  p\" = \"none\"\n\"o p\" = \"list.down\"\n";
    assert_eq!(
        problems(text),
        vec!["3: [list] \"o p\" = \"list.down\": \"o p\" is already set to \"none\" on line 2"]
    );
}

#[test]
fn the_same_key_in_different_sections_is_not_a_duplicate() {
    assert!(problems("[list]\nx = \"list.down\"\n[backlog]\nx = \"backlog.export\"\n").is_empty());
    assert!(problems("[global]\nx = \"quit\"\n[list]\nx = \"list.down\"\n").is_empty());
}

#[test]
fn prefixes_either_way() {
    assert_eq!(
        problems("[list]\ng = \"list.first\"\n\"g g\" = \"list.last\"\n"),
        vec!["3: [list] \"g g\" = \"list.last\": \"g\" (line 2) is a prefix of \"g g\""]
    );
    assert_eq!(
        problems("[list]\n\"g g\" = \"list.last\"\ng = \"list.first\"\n"),
        vec!["3: [list] \"g\" = \"list.first\": \"g\" is a prefix of \"g g\" (line 2)"]
    );
}

#[test]
fn prefixes_between_layered_sections() {
    assert_eq!(
        problems("[global]\no = \"quit\"\n[backlog]\n\"o p\" = \"backlog.sort_priority\"\n"),
        vec![
            "4: [backlog] \"o p\" = \"backlog.sort_priority\": \"o\" in [global] (line 2) is a prefix of \"o p\""
        ]
    );
    assert_eq!(
        problems("[backlog]\n\"o p\" = \"backlog.sort_priority\"\n[list]\no = \"list.open\"\n"),
        vec!["4: [list] \"o\" = \"list.open\": \"o\" is a prefix of \"o p\" in [backlog] (line 2)"]
    );
    // Two panes are never active together.
    assert!(layered(Scope::Backlog, Scope::List));
    assert!(!layered(Scope::Backlog, Scope::Timeline));
}

#[test]
fn unbinding_is_not_a_prefix() {
    assert!(problems("[backlog]\no = \"none\"\n\"o p\" = \"backlog.sort_priority\"\n").is_empty());
}

#[test]
fn unknown_section_and_stray_entries() {
    let got = problems("q = \"quit\"\n[bakclog]\na = \"backlog.add\"\n[list]\nj = \"list.down\"\n");
    let sections =
        "global, list, record, backlog, timeline, links, entities, notes, hypotheses, gaps, plan";
    assert_eq!(
        got,
        vec![
            format!("1: \"q\": not in a section; sections are {sections}"),
            format!("2: [bakclog]: unknown section \"bakclog\"; sections are {sections}"),
        ]
    );
}

#[test]
fn values_that_are_not_strings() {
    assert_eq!(
        problems("[list]\nj = 3\nk = [\"list.up\"]\n[list.more]\nx = \"list.down\"\n"),
        vec![
            "2: [list] \"j\" = …: expected a command name in quotes, or \"none\"",
            "3: [list] \"k\" = …: expected a command name in quotes, or \"none\"",
            "4: [list] \"more\" = …: expected a command name in quotes, or \"none\"",
        ]
    );
}

#[test]
fn toml_syntax_error_gives_its_line() {
    let got = problems("[list]\nj = \"list.down\"\nk = list.up\n");
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(
        got[0].starts_with("3: k = list.up: TOML syntax: "),
        "{got:?}"
    );
    let got = problems("[list]\nj = \"list.down\"\nj = \"list.up\"\n");
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(got[0].starts_with("3: "), "{got:?}");
}

#[test]
fn every_problem_is_reported_and_good_entries_stay() {
    let text = "[list]\nj = \"list.down\"\nz = \"nope\"\n\"C-\" = \"list.up\"\nk = \"list.up\"\n\"K\" = \"quit\"\n";
    let (entries, probs) = parse("k.toml", text);
    assert_eq!(
        probs.iter().map(|p| p.line).collect::<Vec<_>>(),
        vec![3, 4, 6]
    );
    assert_eq!(entries.len(), 2);
}

#[test]
fn control_characters_never_reach_the_output() {
    let text = "[list]\n\"\\u001b[2J\" = \"\\u001b]0;x\\u0007\"\n[\"\\u001b\"]\n";
    let got = problems(text);
    assert_eq!(got.len(), 3, "{got:?}");
    assert!(got[0].starts_with("2: "), "{got:?}");
    assert!(got[2].starts_with("3: "), "{got:?}");
    for line in got {
        assert!(!line.chars().any(char::is_control), "{line:?}");
    }
}

#[test]
fn odd_but_valid_toml_is_reported_entry_by_entry() {
    let sections =
        "global, list, record, backlog, timeline, links, entities, notes, hypotheses, gaps, plan";
    let bad = "expected a command name in quotes, or \"none\"";
    let cases = [
        (
            "[list]\nj = 1979-05-27\n",
            format!("2: [list] \"j\" = …: {bad}"),
        ),
        (
            "list = 1979-05-27T07:32:00Z\n",
            "1: \"list\": must be a section: write [list] with its entries under it".into(),
        ),
        (
            "[[list]]\nj = \"list.down\"\n",
            "1: \"list\": must be a section: write [list] with its entries under it".into(),
        ),
        ("[list.a.b]\nc = 1\n", format!("1: [list] \"a\" = …: {bad}")),
        (
            "list.j = \"list.down\"\nlist.k = 3\n",
            format!("2: [list] \"k\" = …: {bad}"),
        ),
        (
            "list = { j = \"list.down\", k = \"nope\" }\n",
            "1: [list] \"k\" = \"nope\": unknown command \"nope\"".into(),
        ),
        (
            "\"\" = 3\n",
            format!("1: \"\": not in a section; sections are {sections}"),
        ),
    ];
    for (text, want) in cases {
        assert_eq!(problems(text), vec![want], "{text:?}");
    }
    assert_eq!(problems(""), Vec::<String>::new());
    assert_eq!(problems("[list]\n"), Vec::<String>::new());
}

#[test]
fn problem_display() {
    let p = Problem {
        file: "a.toml".into(),
        line: 3,
        entry: "[list] \"j\" = \"x\"".into(),
        message: "unknown command \"x\"".into(),
    };
    assert_eq!(
        p.to_string(),
        "a.toml:3: [list] \"j\" = \"x\": unknown command \"x\""
    );
    let whole = Problem {
        file: "a.toml".into(),
        line: 0,
        entry: String::new(),
        message: "cannot read it".into(),
    };
    assert_eq!(whole.to_string(), "a.toml: cannot read it");
}

/// Lines of TOML of every shape: headers, dotted keys, dates, arrays, inline tables.
const TOML_LINES: &str = "((\\[\\[?[a-z]{1,3}(\\.[a-z]{1,2})?\\]\\]?)|\
([a-z]{1,3}(\\.[a-z]{1,2})? = (\"[a-z.]{0,5}\"|[0-9]{1,3}|1979-05-27|1979-05-27T07:32:00Z|true|\\[1\\]|\\{ ?[a-z] = [0-9] ?\\})))\n";

proptest! {
    #[test]
    fn valid_toml_is_never_a_syntax_problem(lines in prop::collection::vec(TOML_LINES, 0..8)) {
        let text = lines.concat();
        if toml::from_str::<toml::Table>(&text).is_ok() {
            for p in parse("p.toml", &text).1 {
                prop_assert!(!p.message.starts_with("TOML syntax"), "{}\n{}", text, p);
            }
        }
    }

    #[test]
    fn any_text_parses_without_panic(text in any::<String>()) {
        let _ = parse("p.toml", &text);
    }

    #[test]
    fn keymap_like_text_parses_without_panic(
        text in "(\\[(global|list|backlog|x)\\]\n)?([a-zA-Z\"?#+ -]{0,8} = (\"[a-z._]{0,20}\"|[0-9]+|\\[\\])\n){0,6}"
    ) {
        let (_, probs) = parse("p.toml", &text);
        for p in probs {
            prop_assert!(p.line <= text.lines().count().max(1) + 1, "{}", p);
        }
    }
}

#[test]
fn a_bad_key_and_a_bad_command_are_two_problems() {
    let got = problems("[list]\n\"C-\" = \"list.frob\"\n");
    assert_eq!(got.len(), 2, "{got:?}");
    assert!(
        got[0].starts_with("2: [list] \"C-\" = \"list.frob\": unknown key \"C-\":"),
        "{got:?}"
    );
    assert_eq!(
        got[1],
        "2: [list] \"C-\" = \"list.frob\": unknown command \"list.frob\""
    );
}
