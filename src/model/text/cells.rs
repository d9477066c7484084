//! Text measured in terminal cells, as terminals draw it.
//!
//! ratatui's buffer places text one grapheme cluster at a time and gives each cluster the
//! `unicode-width` width of the cluster alone, while `unicode-width`'s whole-string width
//! (what `Span::width` and `Line::width` report) applies ligature rules across clusters: an
//! Arabic lam-alef pair counts one cell, but the buffer and every terminal draw two. So
//! widths here are always summed cluster by cluster.
//!
//! Some clusters are drawn at different widths by different terminals (measured against
//! tmux 3.3a, xterm-likes and kitty-likes), and the buffer can only hold one width per
//! cluster. [`display`] replaces those with a fallback every terminal draws alike before
//! anything is measured or drawn:
//!
//! - the emoji presentation selector U+FE0F (and the text selector U+FE0E) is dropped:
//!   `❤️` is two cells to `unicode-width` but one in tmux and xterm, so it is drawn as `❤`;
//! - skin-tone modifiers after another character are dropped (`👍🏽` is two cells in
//!   kitty and four in tmux), leaving the base emoji;
//! - a zero-width joiner inside an emoji sequence is dropped, so `👨‍👩‍👧` is drawn as its
//!   three emoji side by side; any other zero-width joiner shows as `�` as [`sanitize`]
//!   does;
//! - a regional indicator becomes its ASCII letter, so a flag shows as its country code
//!   (`🇦🇱` as `AL`, two cells as the flag would be): terminals draw a flag as one, two or
//!   four cells, or as two separate letters that a later redraw overwrites only in part
//!   (the stray `🇱` an analyst saw left after switching panes), and half a flag as a
//!   stray glyph;
//! - the halfwidth katakana sound marks U+FF9E and U+FF9F, which ratatui counts one cell
//!   wider than terminals draw them, become their combining forms U+3099 and U+309A;
//! - control and invisible characters are made visible as [`sanitize`] does.
//!
//! [`sanitize`]: super::sanitize

use std::borrow::Cow;
use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

const ZWJ: char = '\u{200d}';

fn is_regional_indicator(c: char) -> bool {
    ('\u{1f1e6}'..='\u{1f1ff}').contains(&c)
}

fn is_skin_tone(c: char) -> bool {
    ('\u{1f3fb}'..='\u{1f3ff}').contains(&c)
}

/// Whether a cluster may need rewriting for display; plain text skips all the work.
fn needs_care(c: char) -> bool {
    super::is_unsafe(c)
        || matches!(c, '\u{fe0e}' | '\u{fe0f}' | '\u{ff9e}' | '\u{ff9f}')
        || is_regional_indicator(c)
        || is_skin_tone(c)
}

/// Appends the display form of one grapheme cluster to `out`.
fn push_cluster(g: &str, out: &mut String) {
    let chars: Vec<char> = g.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        match c {
            '\u{fe0e}' | '\u{fe0f}' => {}
            c if is_skin_tone(c) && i > 0 => {}
            ZWJ if i + 1 < chars.len() => {}
            '\u{ff9e}' => out.push('\u{3099}'),
            '\u{ff9f}' => out.push('\u{309a}'),
            c if is_regional_indicator(c) => {
                out.push(char::from(b'A' + (c as u32 - 0x1f1e6) as u8))
            }
            c => out.push_str(&super::sanitize(c.encode_utf8(&mut [0; 4]))),
        }
    }
}

/// One line of text as weft draws it: every character a terminal would draw at a width
/// other terminals (or ratatui's buffer) disagree with is replaced by a fallback they all
/// draw alike, and control and invisible characters are made visible (see the module
/// documentation). Newlines are made visible too.
pub fn display(s: &str) -> Cow<'_, str> {
    if super::is_plain(s) || !s.chars().any(needs_care) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    for g in s.graphemes(true) {
        if g.chars().any(needs_care) {
            push_cluster(g, &mut out);
        } else {
            out.push_str(g);
        }
    }
    Cow::Owned(out)
}

/// Like [`display`], line by line, keeping the newlines.
pub fn display_lines(s: &str) -> String {
    let s = s.replace("\r\n", "\n");
    s.split('\n').map(display).collect::<Vec<_>>().join("\n")
}

/// Cells taken by text already in display form: the sum of its clusters' widths, as
/// ratatui's buffer places them.
fn display_width(s: &str) -> usize {
    if super::is_plain(s) {
        return s.len();
    }
    s.graphemes(true).map(UnicodeWidthStr::width).sum()
}

/// Display width in terminal cells: the cells `s` takes once drawn (after [`display`]).
pub fn width(s: &str) -> usize {
    display_width(&display(s))
}

/// Cuts `s` to at most `max` cells (measured as [`width`] does), ending with `…` when
/// cut. Cuts fall between grapheme clusters only: a wide character, a flag, a letter and
/// its combining marks are never split. The text kept is not rewritten, so it suits files
/// as well as the screen ([`fit`] gives the display form).
pub fn truncate(s: &str, max: usize) -> Cow<'_, str> {
    if width(s) <= max {
        return Cow::Borrowed(s);
    }
    if max == 0 {
        return Cow::Borrowed("");
    }
    let mut end = 0;
    let mut used = 0;
    for (at, g) in s.grapheme_indices(true) {
        let w = width(g);
        if used + w > max - 1 {
            break;
        }
        used += w;
        end = at + g.len();
    }
    Cow::Owned(format!("{}…", &s[..end]))
}

/// `s` in display form, padded or cut to exactly `cells` cells.
pub fn fit(s: &str, cells: usize) -> String {
    let t = truncate(s, cells);
    let t = display(&t);
    let pad = cells.saturating_sub(display_width(&t));
    format!("{t}{}", " ".repeat(pad))
}

/// `s` in display form, padded to at least `cells` cells (never cut).
pub fn pad(s: &str, cells: usize) -> String {
    let t = display(s);
    let fill = cells.saturating_sub(display_width(&t));
    format!("{t}{}", " ".repeat(fill))
}

/// The display form of one buffer cell's symbol that takes at most `cells` cells (what
/// the buffer reserved for it): whole clusters of [`display`]`(symbol)` while they fit,
/// or a space. For text drawn by widgets that do not measure through this module.
pub fn settle_cell(symbol: &str, cells: usize) -> String {
    let shown = display(symbol);
    let mut out = String::new();
    let mut used = 0;
    for g in shown.graphemes(true) {
        let w = UnicodeWidthStr::width(g);
        if used + w > cells {
            break;
        }
        out.push_str(g);
        used += w;
    }
    if used == 0 {
        out = " ".to_string();
    }
    out
}

/// What is left of display text `s` once at least `cells` cells are dropped from its
/// start, whole clusters at a time, and how many cells were dropped.
pub fn skip_cells(s: &str, cells: usize) -> (String, usize) {
    let s = display(s);
    let mut dropped = 0;
    let mut from = 0;
    for (at, g) in s.grapheme_indices(true) {
        if dropped >= cells {
            break;
        }
        dropped += UnicodeWidthStr::width(g);
        from = at + g.len();
    }
    (s[from..].to_string(), dropped)
}

/// Wraps text at spaces to lines of at most `cells` cells (at least 8); a word longer
/// than a line is cut between grapheme clusters. Blank lines are kept.
pub fn wrap(text: &str, cells: usize) -> Vec<String> {
    let cells = cells.max(8);
    let mut out = Vec::new();
    for line in text.lines() {
        let mut cur = String::new();
        let mut used = 0;
        for word in line.split(' ') {
            let w = width(word);
            if used > 0 && used + 1 + w > cells {
                out.push(std::mem::take(&mut cur));
                used = 0;
            }
            if used > 0 {
                cur.push(' ');
                used += 1;
            }
            if w <= cells {
                cur.push_str(word);
                used += w;
                continue;
            }
            for g in word.graphemes(true) {
                let gw = width(g);
                if used + gw > cells {
                    out.push(std::mem::take(&mut cur));
                    used = 0;
                }
                cur.push_str(g);
                used += gw;
            }
        }
        out.push(cur);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn lam_alef_is_two_cells_and_keeps_its_last_letter() {
        // unicode-width counts the pair as one cell; terminals draw both letters
        assert_eq!(width("لا"), 2);
        let date = "سلام 3 May 2026";
        assert_eq!(width(date), 15);
        assert_eq!(fit(date, 15), date);
        assert_eq!(truncate(date, 15), date);
        assert_eq!(width(&fit(date, 14)), 14);
    }

    #[test]
    fn a_flag_is_two_cells_and_never_split() {
        assert_eq!(width("🇬🇧"), 2);
        assert_eq!(width("a🇬🇧b"), 4);
        // cutting must not leave half a flag, which terminals draw as a stray glyph
        assert_eq!(truncate("🇬🇧🇫🇷", 3), "🇬🇧…");
        assert_eq!(truncate("x🇬🇧🇫🇷", 3), "x…");
        assert_eq!(fit("🇬🇧🇫🇷x", 4), "GB… ");
        // a flag is drawn as its country code, half a flag as its letter
        assert_eq!(display("Dritan Hoxha 🇦🇱"), "Dritan Hoxha AL");
        assert_eq!(display("🇬🇧🇫🇷x"), "GBFRx");
        assert_eq!(display("\u{1f1ec}x"), "Gx");
    }

    #[test]
    fn a_combining_accent_takes_no_cell() {
        let name = "Rene\u{301} Lefe\u{300}vre";
        assert_eq!(width(name), 12);
        assert_eq!(fit(name, 12), name);
        // the accent stays with its letter when cut, never moves to the letter before
        assert_eq!(truncate(name, 5), "Rene\u{301}…");
        assert_eq!(truncate("Lefe\u{300}vre", 4), "Lef…");
        assert_eq!(fit("e\u{301}", 3), "e\u{301}  ");
    }

    #[test]
    fn cjk_is_two_cells_and_never_split() {
        assert_eq!(width("中文名字"), 8);
        assert_eq!(truncate("中文名字", 6), "中文…");
        assert_eq!(fit("中文名字", 6), "中文… ");
        assert_eq!(width(&fit("中文名字", 5)), 5);
        // padding counts cells, where format!'s padding counts characters
        assert_eq!(pad("中文", 6), "中文  ");
        assert_eq!(pad("中文名字", 6), "中文名字");
        // scrolling a prompt sideways drops whole characters, counted in cells
        assert_eq!(skip_cells("中文名字", 3), ("名字".to_string(), 4));
    }

    #[test]
    fn emoji_sequences_fall_back_to_what_every_terminal_draws() {
        // presentation selector: tmux and xterm draw one cell, unicode-width says two
        assert_eq!(display("\u{2764}\u{fe0f}"), "\u{2764}");
        assert_eq!(width("\u{2764}\u{fe0f}"), 1);
        assert_eq!(width("1\u{fe0f}\u{20e3}"), 1);
        // skin tone: kitty draws two cells, tmux four
        assert_eq!(display("👍🏽"), "👍");
        assert_eq!(width("👍🏽"), 2);
        // a joined family: drawn side by side
        assert_eq!(display("👨\u{200d}👩\u{200d}👧"), "👨👩👧");
        assert_eq!(width("👨\u{200d}👩\u{200d}👧"), 6);
        // a joiner outside an emoji sequence is shown, as sanitize does
        assert_eq!(display("ab\u{200d}"), "ab\u{fffd}");
        // halfwidth sound marks: ratatui counts ｶﾞ as three cells, terminals two
        assert_eq!(display("ｶﾞ"), "ｶ\u{3099}");
        assert_eq!(width("ｶﾞ"), 1);
        // control characters are made visible
        assert_eq!(display("a\u{1b}b\n"), "a\u{241b}b\u{240a}");
        assert_eq!(display_lines("a\r\nb\u{7}"), "a\nb\u{2407}");
    }

    #[test]
    fn wrapping_never_splits_a_cluster() {
        let flags = "🇬🇧".repeat(9);
        let lines = wrap(&flags, 9);
        assert_eq!(
            lines,
            vec!["🇬🇧".repeat(4), "🇬🇧".repeat(4), "🇬🇧".to_string()]
        );
        assert_eq!(
            wrap("ab cd\n\nlonger words here", 8),
            ["ab cd", "", "longer", "words", "here"]
        );
    }

    #[test]
    fn a_cell_settles_into_the_cells_it_was_given() {
        assert_eq!(settle_cell("\u{2764}\u{fe0f}", 2), "\u{2764}");
        assert_eq!(settle_cell("👨\u{200d}👩\u{200d}👧", 2), "👨");
        assert_eq!(settle_cell("\u{1f1eb}", 1), "F");
        assert_eq!(settle_cell("\u{301}", 1), " ");
        assert_eq!(settle_cell("中", 2), "中");
    }

    #[test]
    fn skip_cells_drops_whole_clusters() {
        assert_eq!(skip_cells("中文ab", 1), ("文ab".to_string(), 2));
        assert_eq!(skip_cells("e\u{301}xy", 1), ("xy".to_string(), 1));
        assert_eq!(skip_cells("abc", 0), ("abc".to_string(), 0));
    }

    /// Text mixing every script and sequence that measures differently somewhere.
    pub(crate) fn mixed_script() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            "[a-zA-Z0-9 .,:-]{1,6}",
            Just("لا".to_string()),
            "[\u{0621}-\u{064a}]{1,5}",
            "[\u{05d0}-\u{05ea}][\u{05b0}-\u{05bc}]?",
            "[\u{4e00}-\u{4e80}]{1,3}",
            "[a-z][\u{0300}-\u{036f}]{1,3}",
            Just("\u{0301}".to_string()),
            Just("🇬🇧".to_string()),
            Just("\u{1f1eb}".to_string()),
            Just("👨\u{200d}👩\u{200d}👧".to_string()),
            Just("👍🏽".to_string()),
            Just("\u{2764}\u{fe0f}".to_string()),
            Just("1\u{fe0f}\u{20e3}".to_string()),
            Just("🏳\u{fe0f}\u{200d}🌈".to_string()),
            Just("ｶﾞ".to_string()),
            Just("क्षि".to_string()),
            "[\u{200b}-\u{200f}\u{2060}\u{feff}\u{00ad}]",
            "[\u{0}-\u{1f}\u{7f}-\u{9f}]",
            any::<char>().prop_map(String::from),
        ];
        prop::collection::vec(piece, 0..12).prop_map(|v| v.concat())
    }

    /// The width ratatui's buffer gives text: cluster by cluster, a one-byte cluster one
    /// cell, others their unicode-width width plus one per halfwidth sound mark.
    fn buffer_width(s: &str) -> usize {
        s.graphemes(true)
            .filter(|g| !g.contains(char::is_control))
            .map(|g| {
                if g.len() == 1 {
                    1
                } else {
                    g.width()
                        + g.chars()
                            .filter(|c| matches!(c, '\u{ff9e}' | '\u{ff9f}'))
                            .count()
                }
            })
            .sum()
    }

    proptest! {
        #[test]
        fn display_form_is_stable_and_measured_as_the_buffer_draws_it(s in mixed_script()) {
            let d = display(&s);
            let again = display(&d).into_owned();
            prop_assert_eq!(again.as_str(), d.as_ref());
            prop_assert!(!d.chars().any(super::super::is_unsafe), "{:?}", d);
            prop_assert_eq!(width(&s), buffer_width(&d));
        }

        #[test]
        fn plain_ascii_takes_the_short_way_to_the_same_answer(s in "[ -~]{0,40}") {
            prop_assert!(super::super::is_plain(&s));
            let measured: usize = s.graphemes(true).map(UnicodeWidthStr::width).sum();
            prop_assert_eq!(width(&s), measured);
            let shown = display(&s);
            prop_assert_eq!(shown.as_ref(), s.as_str());
            let clean = super::super::sanitize(&s);
            prop_assert_eq!(clean.as_ref(), s.as_str());
        }

        #[test]
        fn fit_is_exact_width(s in mixed_script(), n in 0usize..30) {
            let f = fit(&s, n);
            prop_assert_eq!(buffer_width(&f), n, "{:?} -> {:?}", s, f);
            prop_assert!(width(&truncate(&s, n)) <= n);
        }
    }
}
