//! Workspace text made safe for the briefing (SPEC §6: text from the workspace cannot
//! change the briefing's structure). Control and invisible characters are made visible
//! first; then every character that could start inline markup is backslash-escaped, and
//! so is whatever would start a block at the beginning of a line (a heading, a thematic
//! break, a setext underline, a code fence, a list item, a block quote, an indented
//! code block), so a line of text stays a line of text wherever it stands.

use crate::model::text::{sanitize, sanitize_with};

/// One line of workspace text, safe anywhere on a line of the briefing, its start
/// included. Newlines are made visible (`␊`), so the text stays on its line.
pub(crate) fn inline(s: &str) -> String {
    line(&sanitize(s))
}

/// Multi-line workspace text as a block quote: each line escaped as [`inline`] escapes
/// it, blank lines kept as paragraph breaks.
pub(crate) fn quote(s: &str) -> String {
    let clean = sanitize_with(s.trim(), true);
    let mut out = String::new();
    for l in clean.lines() {
        let l = line(l.trim_end());
        if l.is_empty() {
            out.push_str(">\n");
        } else {
            out.push_str("> ");
            out.push_str(&l);
            out.push('\n');
        }
    }
    out
}

/// The most leading spaces kept: four or more would start an indented code block.
const MAX_INDENT: usize = 3;

/// Escapes one line that holds no newline or control character.
fn line(s: &str) -> String {
    let indent = s.chars().take_while(|&c| c == ' ').count();
    let body: Vec<char> = s.chars().skip(indent).collect();
    let word = |i: Option<usize>| {
        i.and_then(|i| body.get(i))
            .is_some_and(|c| c.is_alphanumeric())
    };
    // `1.` or `12)` at the start is an ordered list item (up to nine digits).
    let digits = body.iter().take_while(|c| c.is_ascii_digit()).count();
    let mut out = String::with_capacity(s.len() + 8);
    out.extend(std::iter::repeat_n(' ', indent.min(MAX_INDENT)));
    for (i, &c) in body.iter().enumerate() {
        let special = match c {
            // inline markup, HTML, links, tables, code spans and fences, strikethrough,
            // block quotes, and math where it is rendered
            '\\' | '`' | '*' | '[' | ']' | '<' | '>' | '|' | '~' | '$' => true,
            // inside a word (`HXBRC_official`) an underscore never starts emphasis
            '_' => !(word(i.checked_sub(1)) && word(Some(i + 1))),
            // a heading opens with `#` and may close with ` #`
            '#' => i == 0 || body[i - 1].is_whitespace(),
            // a list item, a thematic break or a setext underline
            '-' | '+' | '=' => i == 0,
            '.' | ')' => i == digits && (1..=9).contains(&digits),
            // an entity reference (`&#35;`, `&amp;`) would turn into another character
            '&' => body
                .get(i + 1)
                .is_some_and(|n| *n == '#' || n.is_ascii_alphanumeric()),
            _ => false,
        };
        if special {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// What a line of the briefing starts, were it read as Markdown: `None` for plain
    /// paragraph text. Checks the rules of CommonMark and GitHub's extensions for the
    /// first characters of a line after a block quote marker.
    fn block_start(l: &str) -> Option<&'static str> {
        let indent = l.chars().take_while(|&c| c == ' ').count();
        if indent >= 4 {
            return Some("indented code");
        }
        let t = &l[indent..];
        let first = t.chars().next()?;
        let digits = t.chars().take_while(char::is_ascii_digit).count();
        let after_digits = t[digits..].chars().next();
        let only = |c: char| {
            t.chars().filter(|&x| x != ' ').all(|x| x == c)
                && t.chars().filter(|&x| x == c).count() >= 2
        };
        match first {
            '#' => Some("heading"),
            '`' | '~' => Some("fence or strikethrough"),
            '>' => Some("block quote"),
            '<' => Some("html"),
            '|' => Some("table"),
            '=' if only('=') => Some("setext heading"),
            '-' | '*' | '_' if only(first) => Some("thematic break"),
            '-' | '*' | '+' if t[1..].is_empty() || t[1..].starts_with(' ') => Some("list"),
            '0'..='9' if (1..=9).contains(&digits) && matches!(after_digits, Some('.' | ')')) => {
                Some("ordered list")
            }
            _ => None,
        }
    }

    #[test]
    fn block_starts_are_escaped() {
        for (raw, want) in [
            ("# Heading", "\\# Heading"),
            ("## not a title ##", "\\## not a title \\##"),
            ("---", "\\---"),
            ("- - -", "\\- - -"),
            ("===", "\\==="),
            ("~~~", "\\~\\~\\~"),
            ("```rust", "\\`\\`\\`rust"),
            ("> quoted", "\\> quoted"),
            ("- item", "\\- item"),
            ("+ item", "\\+ item"),
            ("* item", "\\* item"),
            ("1. first", "1\\. first"),
            ("12) twelfth", "12\\) twelfth"),
            (
                "1234567890. too long for a list",
                "1234567890. too long for a list",
            ),
            ("| a | b |", "\\| a \\| b \\|"),
            ("      deep", "   deep"),
            (
                "issue #4 &amp; &#35; a & b",
                "issue \\#4 \\&amp; \\&#35; a & b",
            ),
            ("costs $5, 3.5 kg - 1", "costs \\$5, 3.5 kg - 1"),
            ("a-b c+d e=f #tag", "a-b c+d e=f \\#tag"),
        ] {
            assert_eq!(line(raw), want, "{raw:?}");
        }
    }

    #[test]
    fn markup_and_controls_are_neutral() {
        assert_eq!(
            inline("a*b*_c_ [x](y) <b>"),
            "a\\*b\\*\\_c\\_ \\[x\\](y) \\<b\\>"
        );
        assert_eq!(inline("HXBRC_official _x_"), "HXBRC_official \\_x\\_");
        assert_eq!(inline("bell\u{7}\nnext"), "bell\u{2407}\u{240a}next");
        assert_eq!(inline("\u{202e}evil"), "\u{fffd}evil");
        assert_eq!(quote("one\n\ntwo *"), "> one\n>\n> two \\*\n");
        assert_eq!(
            quote("# a\n---\n===\n    code"),
            "> \\# a\n> \\---\n> \\===\n>    code\n"
        );
    }

    /// Text rich in the characters that start Markdown blocks.
    fn markdownish() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            Just("#".to_string()),
            Just("-".to_string()),
            Just("=".to_string()),
            Just("~".to_string()),
            Just("`".to_string()),
            Just("*".to_string()),
            Just("_".to_string()),
            Just("+".to_string()),
            Just(">".to_string()),
            Just("|".to_string()),
            Just("<".to_string()),
            Just(" ".to_string()),
            Just("    ".to_string()),
            Just("\n".to_string()),
            Just("\t".to_string()),
            Just("\r".to_string()),
            Just("1.".to_string()),
            Just("3)".to_string()),
            "\\PC{0,4}",
        ];
        prop::collection::vec(piece, 0..30).prop_map(|v| v.concat())
    }

    proptest! {
        #[test]
        fn a_quote_never_starts_a_block(s in markdownish()) {
            for l in quote(&s).lines() {
                let inner = l.strip_prefix('>').unwrap();
                let inner = inner.strip_prefix(' ').unwrap_or(inner);
                prop_assert_eq!(block_start(inner), None, "{:?} from {:?}", l, s);
            }
        }

        #[test]
        fn inline_text_is_one_line_and_starts_no_block(s in markdownish()) {
            let l = inline(&s);
            prop_assert!(!l.contains('\n'));
            prop_assert_eq!(block_start(&l), None, "{:?} from {:?}", l, s);
        }
    }
}
