//! How well one record's text matches a query: the tiers (exact name or title, words of
//! a name, of a title, fuzzy, then note text) and within them the fuzzy score
//! ([`Fuzzy`]), which also rejects the records that do not match at all.

use super::SearchHit;
use crate::model::fuzzy::Fuzzy;
use crate::model::{Id, Kind};

/// How well a record matches, best last: its own name or title exactly; every word of
/// the query starting a word of an entity's name or aliases; of a question's or
/// hypothesis's title; a looser (fuzzy) match of any of those; then note text (and
/// expectations and link labels), words first. Within a tier the fuzzy score orders, then
/// the id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Tier {
    NoteFuzzy,
    NoteWords,
    TitleFuzzy,
    TitleWords,
    NameWords,
    Exact,
}

/// The room each tier leaves for the fuzzy score below it.
const TIER_SPAN: i64 = 1 << 40;

/// A query prepared once for scoring many records: the fuzzy matcher, and the query
/// lower-cased whole and word by word, so the per-record checks allocate nothing. Like
/// [`Fuzzy`], one thread uses it at a time.
pub(super) struct Scorer {
    fuzzy: Fuzzy,
    pub(super) query: String,
    lower: String,
    words: Vec<String>,
    /// The query when it is written like an id (`N7`): that record comes first.
    pub(super) id: Option<Id>,
}

/// Whether `text` begins with `prefix` (already lower-case), ignoring case.
fn starts_with_lower(text: &str, prefix: &str) -> bool {
    let mut t = text.chars().flat_map(char::to_lowercase);
    prefix.chars().all(|p| t.next() == Some(p))
}

/// Whether `text` equals `lower` (already lower-case), ignoring case.
fn equals_lower(text: &str, lower: &str) -> bool {
    text.chars().flat_map(char::to_lowercase).eq(lower.chars())
}

fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
}

impl Scorer {
    pub(super) fn new(query: &str) -> Scorer {
        let q = query.trim();
        Scorer {
            fuzzy: Fuzzy::new(query),
            query: query.to_string(),
            lower: q.to_lowercase(),
            words: words(q).map(str::to_lowercase).collect(),
            id: q.parse().ok(),
        }
    }

    /// Whether every word of the query starts a word of `text`.
    fn words_start(&self, text: &str) -> bool {
        !self.words.is_empty()
            && self
                .words
                .iter()
                .all(|q| words(text).any(|w| starts_with_lower(w, q)))
    }

    /// Whether the query is the record's own name (an entity's search text begins
    /// `NAME (kind)`), one of its aliases, or its whole title.
    fn is_exact(&self, id: Id, text: &str) -> bool {
        match id.kind {
            Kind::Entity => {
                // the name is what stands before one of the " (" (the kind's)
                let name = text
                    .match_indices(" (")
                    .any(|(i, _)| equals_lower(&text[..i], &self.lower));
                name || text.split_once(") ").is_some_and(|(_, aliases)| {
                    aliases.split(' ').any(|a| equals_lower(a, &self.lower))
                })
            }
            Kind::Question | Kind::Hypothesis => equals_lower(text.trim(), &self.lower),
            _ => false,
        }
    }

    pub(super) fn score(&self, id: Id, text: &str) -> Option<i64> {
        if self.id == Some(id) {
            return Some(i64::MAX / 2);
        }
        let fuzzy = self.fuzzy.score(text)?;
        let words = self.words_start(text);
        let tier = match id.kind {
            _ if self.is_exact(id, text) => Tier::Exact,
            Kind::Entity if words => Tier::NameWords,
            Kind::Question | Kind::Hypothesis if words => Tier::TitleWords,
            Kind::Entity | Kind::Question | Kind::Hypothesis => Tier::TitleFuzzy,
            // note text, expectations, link labels
            _ if words => Tier::NoteWords,
            _ => Tier::NoteFuzzy,
        };
        Some(tier as i64 * TIER_SPAN + fuzzy.clamp(0, TIER_SPAN - 1))
    }

    /// The score of a long text (line breaks count as spaces).
    pub(super) fn score_long(&self, id: Id, text: &str) -> Option<i64> {
        if text.contains('\n') {
            self.score(id, &text.replace('\n', " "))
        } else {
            self.score(id, text)
        }
    }
}

/// Orders hits best first, ties by id.
pub fn rank(hits: &mut [SearchHit]) {
    hits.sort_by(|a, b| b.score.cmp(&a.score).then(a.id.cmp(&b.id)));
}

/// The best `n` hits, ranked; the rest of `hits` is left in no particular order.
pub fn top(hits: &mut [SearchHit], n: usize) -> &mut [SearchHit] {
    top_by(hits, n, |h| (h.score, h.id))
}

/// The best `n` of `items` by their score and id (as [`rank`] orders hits), ranked; the
/// rest is left in no particular order.
pub(super) fn top_by<T>(items: &mut [T], n: usize, key: impl Fn(&T) -> (i64, Id)) -> &mut [T] {
    let order = |a: &T, b: &T| {
        let ((sa, ia), (sb, ib)) = (key(a), key(b));
        sb.cmp(&sa).then(ia.cmp(&ib))
    };
    let n = n.min(items.len());
    if n > 0 && n < items.len() {
        items.select_nth_unstable_by(n - 1, order);
    }
    let best = &mut items[..n];
    best.sort_by(order);
    best
}

/// Narrows earlier hits to those matching a longer `query` by their short text, scored
/// afresh and ranked. Every record matching the longer query also matched its prefix,
/// so nothing is lost from the short text; a [`SearchPass`] narrowed with
/// [`SearchPass::narrow`] also reads long notes again.
pub fn rescore(pool: &[SearchHit], query: &str) -> Vec<SearchHit> {
    let scorer = Scorer::new(query);
    let mut hits: Vec<SearchHit> = pool
        .iter()
        .filter_map(|h| {
            scorer.score(h.id, &h.text).map(|score| SearchHit {
                id: h.id,
                score,
                text: h.text.clone(),
            })
        })
        .collect();
    rank(&mut hits);
    hits
}
