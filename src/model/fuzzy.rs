//! Fuzzy matching, done one way everywhere a query meets text (search, the finder, the
//! command palette, the Entities filter): nucleo's matcher, which scores as fzf does.
//! Case is ignored and accents are too unless the query has them; the query's spaces
//! are characters to match in order, like its letters.
//!
//! nucleo replaced `fuzzy-matcher`'s skim matcher: on the same 1.26 million short texts
//! it is 3 to 9 times faster, and skim was three quarters of a search's time
//! (BENCHMARKS.md, "Search at scale").

use nucleo_matcher::pattern::{Atom, AtomKind, CaseMatching, Normalization};
use nucleo_matcher::{Config, Matcher, Utf32Str};
use std::cell::RefCell;

/// A query ready to score many texts. It keeps the matcher's scratch space, so it is
/// used by one thread at a time (each thread builds its own).
pub struct Fuzzy {
    atom: Atom,
    scratch: RefCell<(Matcher, Vec<char>)>,
}

impl Fuzzy {
    pub fn new(query: &str) -> Fuzzy {
        Fuzzy {
            atom: Atom::new(
                query,
                CaseMatching::Ignore,
                Normalization::Smart,
                AtomKind::Fuzzy,
                false,
            ),
            scratch: RefCell::new((Matcher::new(Config::DEFAULT), Vec::new())),
        }
    }

    /// How well `text` matches, higher better; `None` when the query's characters are
    /// not all in it, in order. An empty query matches everything with 0.
    pub fn score(&self, text: &str) -> Option<i64> {
        let mut scratch = self.scratch.borrow_mut();
        let (matcher, chars) = &mut *scratch;
        self.atom
            .score(Utf32Str::new(text, chars), matcher)
            .map(i64::from)
    }
}

impl std::fmt::Debug for Fuzzy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Fuzzy").finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters_in_order_match_whatever_their_case_and_accents() {
        let f = Fuzzy::new("renny");
        assert!(f.score("Kyle Renshaw (person) Renny").is_some());
        assert!(f.score("RENNY").is_some());
        assert!(f.score("ynner").is_none());
        assert!(Fuzzy::new("cafe").score("ÉLAN Café").is_some());
        // a query with an accent asks for it
        assert!(Fuzzy::new("café").score("cafe").is_none());
        // spaces are matched like letters
        assert!(Fuzzy::new("a b").score("ab").is_none());
        assert!(Fuzzy::new("a b").score("a x b").is_some());
    }

    #[test]
    fn a_tighter_match_scores_higher() {
        let f = Fuzzy::new("cour");
        let tight = f.score("courier run").unwrap();
        let loose = f.score("c o u r").unwrap();
        assert!(tight > loose, "{tight} {loose}");
        assert_eq!(Fuzzy::new("").score("anything"), Some(0));
    }
}
