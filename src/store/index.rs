//! The index entries each record implies. Pure: given a record, the exact set of
//! (key, value) pairs the index tree must hold for it. Writes, undo and `weft check`
//! all derive entries here, so the indexes can never be maintained two ways.
//!
//! Keys start with one byte naming the index:
//! - `e` end id, direction (`o` the link leaves it, `i` it arrives), link id -> the
//!   other end's id: link ends, walked without decoding links
//! - `t` occurred-time sort key, id: notes and dated links by `when`
//! - `r` recorded time (micros), id: notes and links by `created`
//! - `s` status byte, question id: questions by status
//! - `p` parent id (zeros for a root), question id: the question tree
//! - `h` question id, hypothesis id: hypotheses of a question
//! - `n` lower-cased name or alias, 0, entity id: entities by name
//! - `g` tag, 0, id: records by tag
//! - `c` note id, link id: links citing a note as their source
//! - `a` hypothesis id, note id -> assessment id: the matrix cells
//! - `b` note id, assessment id: the cells that cite a note
//! - `v` hypothesis id, expectation id: the expectations of a hypothesis
//! - `f` note id, expectation id: expectations found by a note
//! - `q` order byte, parent id (zeros for a root), order key, question id: the siblings of
//!   the question tree in each Backlog sort but id order (which `p` gives), so the pane
//!   walks the tree a window at a time ([`order_key`])
//! - `k` entity kind byte, lower-cased name, 0, entity id: entities as the Entities pane
//!   lists them, read without decoding a record
//!
//! Schemas 1 to 3 also kept `x` id -> a record's short search text; the search file
//! holds what search reads now (`search/file.rs`), so schema 4 dropped it.

use crate::model::{Id, Kind, Question, Record};

pub mod packed;

pub const LINK_END: u8 = b'e';
pub const OCCURRED: u8 = b't';
pub const RECORDED: u8 = b'r';
pub const STATUS: u8 = b's';
pub const PARENT: u8 = b'p';
pub const HYPOTHESES: u8 = b'h';
pub const NAME: u8 = b'n';
pub const TAG: u8 = b'g';
pub const ASSESS: u8 = b'a';
pub const ASSESSED: u8 = b'b';
pub const CITES: u8 = b'c';
/// Where schemas 1 to 3 kept each searched record's short text. The search file
/// (`search.idx`) holds it now and the database's own search reads the records; the
/// upgrade to schema 4 removes these entries.
pub const OLD_SEARCH: u8 = b'x';
pub const EXPECTS: u8 = b'v';
pub const FOUND_BY: u8 = b'f';
pub const ORDER: u8 = b'q';
pub const ENTITY_ORDER: u8 = b'k';

/// The orders `q` holds, by their byte: priority, status, SEES kind, last updated.
pub const ORDERS: [u8; 4] = [b'p', b's', b'k', b'u'];

pub const OUT: u8 = b'o';
pub const IN: u8 = b'i';

/// The bytes of a missing parent: roots of the question tree sort first.
pub const ROOT: [u8; 9] = [0; 9];

pub type Entry = (Vec<u8>, Vec<u8>);

/// An i64 as 8 bytes that sort in numeric order.
pub fn ordered_i64(v: i64) -> [u8; 8] {
    ((v as u64) ^ (1 << 63)).to_be_bytes()
}

pub fn key(parts: &[&[u8]]) -> Vec<u8> {
    let mut k = Vec::with_capacity(parts.iter().map(|p| p.len()).sum());
    for p in parts {
        k.extend_from_slice(p);
    }
    k
}

/// Normalises a name or alias for lookup.
pub fn name_key(name: &str) -> String {
    name.trim().to_lowercase()
}

/// The id at the end of an index key (every key but `a` and `x` ends with one).
pub fn trailing_id(k: &[u8]) -> Option<Id> {
    k.len()
        .checked_sub(9)
        .and_then(|start| Id::from_bytes(&k[start..]))
}

/// What orders a question among its siblings in the order named by `by` (one of
/// [`ORDERS`]), before its id breaks ties: the sort's own key, then the priority. The
/// Backlog's sorts, byte for byte: smaller is higher on screen.
pub fn order_key(by: u8, q: &Question) -> Vec<u8> {
    match by {
        b's' => vec![q.status.index(), q.priority],
        b'k' => vec![q.kind.index(), q.priority],
        b'u' => {
            let mut k = ordered_i64(-q.meta.updated.timestamp_micros()).to_vec();
            k.push(q.priority);
            k
        }
        _ => vec![q.priority],
    }
}

/// Every index entry `rec` implies.
pub fn entries(rec: &Record) -> Vec<Entry> {
    let id = rec.id().to_bytes();
    let mut out: Vec<Entry> = Vec::new();
    let plain = |k: Vec<u8>| -> Entry { (k, Vec::new()) };
    for tag in &rec.meta().tags {
        out.push(plain(key(&[&[TAG], tag.as_bytes(), &[0], &id])));
    }
    match rec {
        Record::Question(q) => {
            out.push(plain(key(&[&[STATUS, q.status.index()], &id])));
            let parent = q.parent.map(|p| p.to_bytes()).unwrap_or(ROOT);
            out.push(plain(key(&[&[PARENT], &parent, &id])));
            for by in ORDERS {
                out.push(plain(key(&[&[ORDER, by], &parent, &order_key(by, q), &id])));
            }
        }
        Record::Hypothesis(h) => {
            out.push(plain(key(&[&[HYPOTHESES], &h.question.to_bytes(), &id])));
        }
        Record::Entity(e) => {
            let mut names: Vec<String> = std::iter::once(&e.name)
                .chain(&e.aliases)
                .map(|n| name_key(n))
                .filter(|n| !n.is_empty())
                .collect();
            let listed = e.name.to_lowercase();
            out.push(plain(key(&[
                &[ENTITY_ORDER, e.kind.index()],
                listed.as_bytes(),
                &[0],
                &id,
            ])));
            names.sort();
            names.dedup();
            for n in names {
                out.push(plain(key(&[&[NAME], n.as_bytes(), &[0], &id])));
            }
        }
        Record::Note(n) => {
            if let Some(w) = &n.when {
                out.push(plain(key(&[&[OCCURRED], &ordered_i64(w.sort_key()), &id])));
            }
            let micros = n.meta.created.timestamp_micros();
            out.push(plain(key(&[&[RECORDED], &ordered_i64(micros), &id])));
        }
        Record::Link(l) => {
            out.push((
                key(&[&[LINK_END], &l.from.to_bytes(), &[OUT], &id]),
                l.to.to_bytes().to_vec(),
            ));
            out.push((
                key(&[&[LINK_END], &l.to.to_bytes(), &[IN], &id]),
                l.from.to_bytes().to_vec(),
            ));
            if let Some(s) = l.source {
                out.push(plain(key(&[&[CITES], &s.to_bytes(), &id])));
            }
            if let Some(w) = &l.when {
                out.push(plain(key(&[&[OCCURRED], &ordered_i64(w.sort_key()), &id])));
            }
            let micros = l.meta.created.timestamp_micros();
            out.push(plain(key(&[&[RECORDED], &ordered_i64(micros), &id])));
        }
        Record::Assessment(a) => {
            out.push((
                key(&[&[ASSESS], &a.hypothesis.to_bytes(), &a.note.to_bytes()]),
                id.to_vec(),
            ));
            out.push(plain(key(&[&[ASSESSED], &a.note.to_bytes(), &id])));
        }
        Record::Expectation(x) => {
            out.push(plain(key(&[&[EXPECTS], &x.hypothesis.to_bytes(), &id])));
            if let Some(n) = x.note {
                out.push(plain(key(&[&[FOUND_BY], &n.to_bytes(), &id])));
            }
        }
        // dismissals are not searched, listed or linked: they have no entries
        Record::Dismissal(_) => {}
    }
    out
}

/// Whether records of `kind` are searched: all but assessments and dismissals, whose
/// words are their note's and hypothesis's.
pub fn is_searched(kind: Kind) -> bool {
    !matches!(kind, Kind::Assessment | Kind::Dismissal)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordered_i64_sorts_numerically() {
        let xs = [-5_000_000_000i64, -1, 0, 1, 1_700_000_000];
        for w in xs.windows(2) {
            assert!(ordered_i64(w[0]) < ordered_i64(w[1]));
        }
    }

    #[test]
    fn trailing_id_reads_the_last_nine_bytes() {
        let id: Id = "Q7".parse().unwrap();
        let k = key(&[&[STATUS, 0], &id.to_bytes()]);
        assert_eq!(trailing_id(&k), Some(id));
    }
}
