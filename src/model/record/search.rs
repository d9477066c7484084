//! The short text fuzzy search reads first for a note or an expectation, and whether
//! the record says more than it holds.

/// The longest first line (bytes) a note's or expectation's short search text keeps.
pub const SEARCH_SHORT_MAX: usize = 200;

/// The short search text of a note or expectation: the whole text, its lines joined by
/// spaces, when it fits in [`SEARCH_SHORT_MAX`] bytes (most notes: a search then never
/// reads the record); else its first line, cut to that many bytes on a character
/// boundary.
pub fn search_short(text: &str) -> std::borrow::Cow<'_, str> {
    let whole = text.trim();
    if whole.len() <= SEARCH_SHORT_MAX {
        if !whole.contains('\n') {
            return whole.into();
        }
        let lines: Vec<&str> = whole
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        return lines.join(" ").into();
    }
    let line = crate::model::text::first_line(text);
    if line.len() <= SEARCH_SHORT_MAX {
        return line.into();
    }
    let mut end = SEARCH_SHORT_MAX;
    while !line.is_char_boundary(end) {
        end -= 1;
    }
    line[..end].into()
}

/// Whether a note's or expectation's text says more than its short search text.
pub fn search_has_more(text: &str) -> bool {
    text.trim().len() > SEARCH_SHORT_MAX
}

impl super::Record {
    /// The whole text a search reads after the short one, for a note or an expectation
    /// that says more than its short text ([`search_has_more`]); `None` for every other
    /// record.
    pub fn search_body(&self) -> Option<&str> {
        match self {
            super::Record::Note(n) if search_has_more(&n.text) => Some(&n.text),
            super::Record::Expectation(x) if search_has_more(&x.text) => Some(&x.text),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_short_note_is_searched_whole_and_a_long_one_by_its_first_line() {
        assert_eq!(search_short("  one line  "), "one line");
        assert_eq!(
            search_short("first\r\n\n  second  \nthird"),
            "first second third"
        );
        assert!(!search_has_more("first\nsecond"));
        let long = format!("Heading\n{}", "y".repeat(SEARCH_SHORT_MAX));
        assert_eq!(search_short(&long), "Heading");
        assert!(search_has_more(&long));
        let wide = "é".repeat(SEARCH_SHORT_MAX);
        assert!(search_short(&wide).len() <= SEARCH_SHORT_MAX);
        assert!(search_has_more(&wide));
    }

    proptest! {
        /// Whatever the short text leaves out, the record is marked as saying more: a
        /// search that reads only unmarked short texts misses no word.
        #[test]
        fn a_short_text_that_is_not_marked_holds_every_word(text in "[a-z \n\r]{0,260}") {
            let short = search_short(&text);
            prop_assert!(short.len() <= SEARCH_SHORT_MAX);
            prop_assert!(!short.contains('\n'));
            if !search_has_more(&text) {
                let words = |t: &str| t.split_whitespace().map(String::from).collect::<Vec<_>>();
                prop_assert_eq!(words(&short), words(&text));
            }
        }
    }
}
