//! Text helpers shared by every front end: control-character sanitising, the first line,
//! display forms measured in terminal cells (`cells`), and finding mentions in note text.

use super::{Id, Kind};
use std::borrow::Cow;

mod cells;
pub use cells::{display, display_lines, fit, pad, settle_cell, skip_cells, truncate, width, wrap};

/// Whether `c` is an invisible formatting character that can hide or reorder text on
/// screen: the bidirectional embeddings, overrides, isolates and marks (U+202A–U+202E,
/// U+2066–U+2069, U+200E, U+200F, U+061C), zero-width characters (U+200B–U+200D,
/// U+2060–U+2064, U+180E, U+FEFF), the line and paragraph separators (U+2028, U+2029),
/// the deprecated format controls (U+206A–U+206F), interlinear annotation
/// (U+FFF9–U+FFFB) and the tag characters (U+E0000–U+E007F). Control characters are
/// not included: `char::is_control` names those.
pub fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{061c}'
            | '\u{180e}'
            | '\u{200b}'..='\u{200f}'
            | '\u{2028}'..='\u{202e}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{206f}'
            | '\u{feff}'
            | '\u{fff9}'..='\u{fffb}'
            | '\u{e0000}'..='\u{e007f}'
    )
}

/// Whether `c` must never reach a terminal as it is: a control character (C0, DEL, C1)
/// or an invisible formatting character ([`is_invisible`]).
pub fn is_unsafe(c: char) -> bool {
    c.is_control() || is_invisible(c)
}

/// Whether `c` is a bidirectional control: an embedding, override or isolate
/// (U+202A–U+202E, U+2066–U+2069) or a direction mark (U+200E, U+200F, U+061C). These
/// reorder the text around them on screen and in a spreadsheet alike.
pub fn is_bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
    )
}

/// Whether `c` draws nothing where a name or tag must be told apart from another by
/// what is seen: an invisible formatting character ([`is_invisible`]), the soft hyphen
/// U+00AD, the combining grapheme joiner U+034F or a Hangul filler (U+115F, U+1160,
/// U+3164, U+FFA0).
fn is_blank_in_name(c: char) -> bool {
    is_invisible(c)
        || matches!(
            c,
            '\u{ad}' | '\u{34f}' | '\u{115f}' | '\u{1160}' | '\u{3164}' | '\u{ffa0}'
        )
}

/// What is wrong with `s` as a name or tag, if anything: the first control character
/// or character that draws nothing ([`is_blank_in_name`]), as `holds an invisible
/// character (U+200B)`. With `joiners`, the zero-width non-joiner and joiner (U+200C,
/// U+200D) are allowed: Persian, Arabic and Indic names and emoji sequences need them.
pub fn name_fault(s: &str, joiners: bool) -> Option<String> {
    s.chars().find_map(|c| {
        let what = if c.is_control() {
            "a control character"
        } else if is_blank_in_name(c) && !(joiners && matches!(c, '\u{200c}' | '\u{200d}')) {
            "an invisible character"
        } else {
            return None;
        };
        Some(format!("holds {what} (U+{:04X})", c as u32))
    })
}

/// Whether `s` is printable ASCII only (space to `~`): text every terminal draws one
/// cell per byte, with nothing to make visible, so the checks above can be skipped.
pub fn is_plain(s: &str) -> bool {
    s.bytes().all(|b| (0x20..0x7f).contains(&b))
}

/// Makes control and invisible characters visible so stored text can never drive the
/// terminal or hide and reorder what is shown.
///
/// C0 controls become their Unicode "control picture" (ESC shows as `␛`), DEL shows as
/// `␡`, and C1 controls (U+0080–U+009F, which some terminals obey) show as `�`, as do
/// the invisible formatting characters of [`is_invisible`] (a right-to-left override, a
/// zero-width space). Tabs become a space; newlines are kept only when `keep_newlines`
/// is set. Every character becomes exactly one character, so positions counted in
/// characters (an input's cursor) stay true in the sanitised text.
pub fn sanitize_with(s: &str, keep_newlines: bool) -> Cow<'_, str> {
    if is_plain(s) {
        return Cow::Borrowed(s);
    }
    let clean = |c: char| !is_unsafe(c) || (keep_newlines && c == '\n');
    if s.chars().all(clean) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\n' if keep_newlines => out.push('\n'),
            '\t' => out.push(' '),
            '\u{7f}' => out.push('\u{2421}'),
            c if (c as u32) < 0x20 => {
                out.push(char::from_u32(0x2400 + c as u32).unwrap_or('\u{fffd}'))
            }
            c if is_unsafe(c) => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Text bound for a terminal in one piece (an export written to standard output): CRLF
/// line ends become newlines, bytes that are not UTF-8 become `�`, and every other
/// control or invisible character is made visible as [`sanitize_with`] does.
pub fn terminal_text(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let text = text.replace("\r\n", "\n");
    sanitize_with(&text, true).into_owned()
}

/// One line of display text: every control character, newline included, made visible.
pub fn sanitize(s: &str) -> Cow<'_, str> {
    sanitize_with(s, false)
}

/// The first line of a text, trimmed: a note's title.
pub fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or("").trim()
}

/// Text as a list or title shows it: each `[[name]]` mention as the name it marks
/// (the stored text keeps the markup, which links the note to the entity).
pub fn unmark(s: &str) -> Cow<'_, str> {
    if !s.contains("[[") {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(open) = rest.find("[[") {
        let after = &rest[open + 2..];
        let Some(close) = after.find("]]") else { break };
        let name = &after[..close];
        if name.contains('\n') || name.trim().is_empty() {
            out.push_str(&rest[..open + 2]);
            rest = after;
            continue;
        }
        out.push_str(&rest[..open]);
        out.push_str(name.trim());
        rest = &after[close + 2..];
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// A note's (or any text's) first line with its mentions shown as names: a title.
pub fn title_line(s: &str) -> String {
    unmark(first_line(s)).into_owned()
}

/// What a note's text refers to: `[[name or alias]]` spans and bare entity ids (`E12`).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Mentions {
    pub names: Vec<String>,
    pub ids: Vec<Id>,
}

/// Finds the mentions in a note's text. Names are trimmed and kept in order of first
/// appearance without duplicates; ids are entity ids written as whole words.
pub fn mentions(text: &str) -> Mentions {
    let mut m = Mentions::default();
    let mut rest = text;
    while let Some(open) = rest.find("[[") {
        let after = &rest[open + 2..];
        let Some(close) = after.find("]]") else { break };
        let name = after[..close].trim();
        if !name.is_empty() && !name.contains('\n') && !m.names.iter().any(|n| n == name) {
            m.names.push(name.to_string());
        }
        rest = &after[close + 2..];
    }
    for word in text.split(|c: char| !c.is_ascii_alphanumeric()) {
        if let Ok(id) = word.parse::<Id>() {
            if id.kind == Kind::Entity && word.starts_with('E') && !m.ids.contains(&id) {
                m.ids.push(id);
            }
        }
    }
    m
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn mentions_show_as_the_names_they_mark() {
        assert_eq!(
            unmark("Saw [[Daz]] with [[ Kyle ]] at the yard"),
            "Saw Daz with Kyle at the yard"
        );
        assert_eq!(unmark("no marks"), "no marks");
        // read as the mentions are: from an open mark to the next close
        assert_eq!(unmark("[[open and [[]] x"), "open and [[ x");
        assert_eq!(unmark("a [[b]] [[c"), "a b [[c");
        assert_eq!(title_line("[[Sparkle]] seen\nmore"), "Sparkle seen");
    }

    #[test]
    fn escape_sequences_are_made_visible() {
        let hostile = "x\u{1b}]0;title\u{7}y\u{1b}[2Jz\u{9b}";
        let s = sanitize(hostile);
        assert!(!s.chars().any(|c| c.is_control()), "{s:?}");
        assert_eq!(s, "x\u{241b}]0;title\u{2407}y\u{241b}[2Jz\u{fffd}");
    }

    #[test]
    fn bidi_and_zero_width_characters_are_made_visible() {
        let s = sanitize("abc\u{202e}fed\u{2066}x\u{2069}Dar\u{200b}ren\u{feff}\u{2060}");
        assert_eq!(
            s,
            "abc\u{fffd}fed\u{fffd}x\u{fffd}Dar\u{fffd}ren\u{fffd}\u{fffd}"
        );
        // ordinary right-to-left text and combining marks are left alone
        assert_eq!(sanitize("مرحبا e\u{301}"), "مرحبا e\u{301}");
    }

    #[test]
    fn terminal_text_keeps_lines_and_shows_the_rest() {
        let t = terminal_text(b"a,\x1b]52;c;aGk=\x07\r\nb\xff\r\n");
        assert_eq!(t, "a,\u{241b}]52;c;aGk=\u{2407}\nb\u{fffd}\n");
    }

    #[test]
    fn newlines_kept_only_when_asked() {
        assert_eq!(sanitize_with("a\nb", true), "a\nb");
        assert_eq!(sanitize("a\nb"), "a\u{240a}b");
    }

    #[test]
    fn names_refuse_controls_and_characters_that_draw_nothing() {
        assert_eq!(name_fault("Operation KESTREL", false), None);
        assert_eq!(name_fault("مرحبا e\u{301} 中文", false), None);
        for (s, want) in [
            ("a\u{1b}[2J", "holds a control character (U+001B)"),
            ("a\u{7f}", "holds a control character (U+007F)"),
            ("a\u{9b}", "holds a control character (U+009B)"),
            ("a\u{200b}b", "holds an invisible character (U+200B)"),
            ("a\u{2066}b", "holds an invisible character (U+2066)"),
            ("a\u{202e}b", "holds an invisible character (U+202E)"),
            ("a\u{ad}b", "holds an invisible character (U+00AD)"),
            ("\u{3164}", "holds an invisible character (U+3164)"),
            ("a\u{e0041}", "holds an invisible character (U+E0041)"),
        ] {
            assert_eq!(name_fault(s, false).as_deref(), Some(want), "{s:?}");
            assert_eq!(name_fault(s, true).as_deref(), Some(want), "{s:?}");
        }
        // the joiners only where a name may need them
        let persian = "\u{645}\u{6cc}\u{200c}\u{62e}\u{648}\u{627}\u{647}\u{645}";
        assert_eq!(name_fault(persian, true), None);
        assert!(name_fault(persian, false).is_some());
    }

    #[test]
    fn truncation_respects_wide_characters() {
        assert_eq!(truncate("中文名字", 5), "中文…");
        assert_eq!(width(&fit("中文名字", 5)), 5);
        assert_eq!(fit("ab", 4), "ab  ");
        // a combining mark adds no width and stays with its base
        assert_eq!(width("e\u{301}"), 1);
    }

    #[test]
    fn finds_names_and_entity_ids() {
        let m = mentions("Saw [[Daz]] with [[ Kyle ]] near E12; N4 and e7x ignored; [[Daz]] again");
        assert_eq!(m.names, vec!["Daz", "Kyle"]);
        assert_eq!(m.ids, vec!["E12".parse().unwrap()]);
    }

    #[test]
    fn unclosed_brackets_are_ignored() {
        assert_eq!(mentions("[[open").names, Vec::<String>::new());
    }

    /// Strings rich in the characters that drive or fool a terminal.
    pub(crate) fn hostile() -> impl Strategy<Value = String> {
        let unsafe_char = prop_oneof![
            (0u32..0x20).prop_map(|c| char::from_u32(c).unwrap()),
            (0x7fu32..0xa0).prop_map(|c| char::from_u32(c).unwrap()),
            prop::sample::select(vec![
                '\u{202a}',
                '\u{202e}',
                '\u{2066}',
                '\u{2069}',
                '\u{200b}',
                '\u{200d}',
                '\u{200f}',
                '\u{2028}',
                '\u{2029}',
                '\u{2060}',
                '\u{feff}',
                '\u{e0041}',
            ]),
        ];
        let any = prop_oneof![3 => any::<char>(), 2 => unsafe_char];
        prop::collection::vec(any, 0..40).prop_map(|v| v.into_iter().collect())
    }

    proptest! {
        #[test]
        fn sanitized_text_has_no_controls(s in ".*") {
            prop_assert!(!sanitize(&s).chars().any(|c| c.is_control()));
        }

        #[test]
        fn sanitized_text_has_nothing_unsafe(s in hostile()) {
            let one = sanitize(&s);
            prop_assert!(!one.chars().any(is_unsafe), "{:?}", one);
            prop_assert_eq!(one.chars().count(), s.chars().count());
            let multi = sanitize_with(&s, true);
            prop_assert!(!multi.chars().any(|c| c != '\n' && is_unsafe(c)), "{:?}", multi);
            prop_assert_eq!(multi.lines().count(), s.lines().count());
            prop_assert!(!terminal_text(s.as_bytes()).chars().any(|c| c != '\n' && is_unsafe(c)));
        }

        #[test]
        fn fit_is_exact_width(s in "\\PC{0,20}", n in 1usize..30) {
            let f = fit(&s, n);
            prop_assert!(width(&f) <= n);
        }

        #[test]
        fn mentions_never_panic(s in ".*") {
            let _ = mentions(&s);
        }
    }
}
