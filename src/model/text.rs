//! Text helpers shared by every front end: control-character sanitising, the first line,
//! display-width truncation, and finding mentions in note text.

use super::{Id, Kind};
use std::borrow::Cow;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Makes control characters visible so stored text can never drive the terminal.
///
/// C0 controls become their Unicode "control picture" (ESC shows as `␛`), DEL shows as
/// `␡`, and C1 controls (U+0080–U+009F, which some terminals obey) show as `�`. Tabs
/// become a space; newlines are kept only when `keep_newlines` is set.
pub fn sanitize_with(s: &str, keep_newlines: bool) -> Cow<'_, str> {
    let clean = |c: char| !c.is_control() || (keep_newlines && c == '\n');
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
            c if c.is_control() => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// One line of display text: every control character, newline included, made visible.
pub fn sanitize(s: &str) -> Cow<'_, str> {
    sanitize_with(s, false)
}

/// The first line of a text, trimmed: a note's title.
pub fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or("").trim()
}

/// Display width in terminal cells.
pub fn width(s: &str) -> usize {
    UnicodeWidthStr::width(s)
}

/// Cuts `s` to at most `max` cells, ending with `…` when cut. Wide characters are never
/// split, and combining marks stay with their base.
pub fn truncate(s: &str, max: usize) -> Cow<'_, str> {
    if width(s) <= max {
        return Cow::Borrowed(s);
    }
    if max == 0 {
        return Cow::Borrowed("");
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > max - 1 {
            break;
        }
        used += w;
        out.push(c);
    }
    out.push('…');
    Cow::Owned(out)
}

/// Pads or truncates to exactly `cells` display cells.
pub fn fit(s: &str, cells: usize) -> String {
    let t = truncate(s, cells);
    let pad = cells.saturating_sub(width(&t));
    format!("{t}{}", " ".repeat(pad))
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
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn escape_sequences_are_made_visible() {
        let hostile = "x\u{1b}]0;title\u{7}y\u{1b}[2Jz\u{9b}";
        let s = sanitize(hostile);
        assert!(!s.chars().any(|c| c.is_control()), "{s:?}");
        assert_eq!(s, "x\u{241b}]0;title\u{2407}y\u{241b}[2Jz\u{fffd}");
    }

    #[test]
    fn newlines_kept_only_when_asked() {
        assert_eq!(sanitize_with("a\nb", true), "a\nb");
        assert_eq!(sanitize("a\nb"), "a\u{240a}b");
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

    proptest! {
        #[test]
        fn sanitized_text_has_no_controls(s in ".*") {
            prop_assert!(!sanitize(&s).chars().any(|c| c.is_control()));
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
