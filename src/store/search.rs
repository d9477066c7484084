//! Fuzzy search over every record, in two phases: first each record's short text
//! (titles, names and aliases, the first line of a note), kinds whose matches rank
//! highest first; then the rest of long notes and expectations. A [`SearchPass`] reads
//! the search file when it is current (`file.rs`: both phases in one sequential read),
//! else the records themselves. It runs in steps, so a worker thread can stop between
//! two of them, report what it has and take a newer query; a query that extends the
//! previous one narrows the previous matches instead of reading them again.

use super::{Result, Store};
use crate::model::record::{search_has_more, search_short as short_text};
use crate::model::{Id, Kind};
use std::collections::HashMap;

pub mod file;
mod score;
mod view;
mod whole;

use score::Scorer;
pub use score::{rank, rescore, top};

/// A fuzzy-search result: the record, how well it matched, and its short search text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchHit {
    pub id: Id,
    pub score: i64,
    pub text: String,
}

/// The order short texts are read in: the kinds whose matches rank highest first, so
/// the first screenful of results is there early.
const SHORT_KINDS: [Kind; 6] = [
    Kind::Entity,
    Kind::Question,
    Kind::Hypothesis,
    Kind::Note,
    Kind::Expectation,
    Kind::Link,
];

/// The kinds whose long text the second phase reads.
const BODY_KINDS: [Kind; 2] = [Kind::Note, Kind::Expectation];

/// Where a pass is: reading the search file, reading short texts (the kind at `kind` in
/// [`SHORT_KINDS`], after record `after`), reading long texts (the kind at `kind` in
/// [`BODY_KINDS`], after record `after`), or done.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Phase {
    /// Reading the search file (its cursor is the pass's `file`): short and long texts
    /// at once.
    File,
    Short {
        kind: usize,
        after: Option<Id>,
    },
    Bodies {
        kind: usize,
        after: Option<u64>,
    },
    Done,
}

/// One search under way: the query, the matches found so far (unranked) and where the
/// reading stopped. [`SearchPass::step`] reads on; [`SearchPass::narrow`] turns it into
/// the pass of a longer query without reading again what was read.
pub struct SearchPass {
    scorer: Scorer,
    phase: Phase,
    /// Every match so far, unranked; `text` is the short text.
    pub hits: Vec<SearchHit>,
    /// Where each note or expectation among `hits` is, while long texts are read.
    placed: HashMap<Id, usize>,
    /// Records read so far (short entries and long texts).
    pub read: u64,
    /// Whether hits keep their short text (needed to narrow); without it a pass
    /// allocates nothing per match.
    texts: bool,
    /// Matches of the query this pass narrows, still to be scored for this one: taken
    /// in steps like the reading, so the first results come before all are scored.
    unscored: Vec<SearchHit>,
    /// Long texts are to be read again from the start once `unscored` is scored.
    reread: bool,
    /// Whether the first step reads the search file when it is current.
    use_file: bool,
    /// The search file being read, and whether this pass read it (such a pass is not
    /// narrowed: it would not know which long notes to read again).
    file: Option<Box<file::Cursor>>,
    from_file: bool,
}

impl std::fmt::Debug for SearchPass {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchPass")
            .field("query", &self.scorer.query)
            .field("phase", &self.phase)
            .field("hits", &self.hits.len())
            .finish()
    }
}

impl SearchPass {
    /// A pass for `query`, nothing read yet.
    pub fn new(query: &str) -> SearchPass {
        SearchPass {
            scorer: Scorer::new(query),
            phase: Phase::Short {
                kind: 0,
                after: None,
            },
            hits: Vec::new(),
            placed: HashMap::new(),
            read: 0,
            texts: true,
            unscored: Vec::new(),
            reread: false,
            use_file: false,
            file: None,
            from_file: false,
        }
    }

    /// A pass that reads the search file when it is current (a current file holds what
    /// the index and the records would give, in one sequential read), else the database.
    pub fn preferring_file(query: &str) -> SearchPass {
        SearchPass {
            use_file: true,
            ..SearchPass::new(query)
        }
    }

    /// A pass whose hits leave their text empty: for a search that is only ranked, never
    /// narrowed (the command line's); [`SearchPass::narrows_to`] refuses it.
    pub fn without_texts(query: &str) -> SearchPass {
        SearchPass {
            texts: false,
            ..SearchPass::new(query)
        }
    }

    pub fn query(&self) -> &str {
        &self.scorer.query
    }

    /// Whether every match is in.
    pub fn done(&self) -> bool {
        self.phase == Phase::Done && self.unscored.is_empty()
    }

    /// Whether the short texts are read: the titles and names are all in, only long text
    /// may still add notes or raise their scores.
    pub fn short_done(&self) -> bool {
        !matches!(self.phase, Phase::Short { .. } | Phase::File) && self.unscored.is_empty()
    }

    /// Whether a pass for `query` can start from this one: it extends this query (so it
    /// matches a subset) and is not an id, which matches without its text.
    pub fn narrows_to(&self, query: &str) -> bool {
        let old = &self.scorer.query;
        self.texts
            && !old.trim().is_empty()
            && query.starts_with(old.as_str())
            && query.len() > old.len()
            && query.trim().parse::<Id>().is_err()
            && self.scorer.id.is_none()
            && !self.from_file
            // a pass that has not looked for the file yet starts afresh and looks
            && !self.use_file
    }

    /// The pass of `query`, which extends this one ([`SearchPass::narrows_to`]): the
    /// matches so far are scored again (in steps, before anything is read) and the
    /// reading goes on where it stopped; long texts are read again, since a note's match
    /// may have been in its body.
    pub fn narrow(self, query: &str) -> SearchPass {
        let mut unscored = self.hits;
        unscored.extend(self.unscored);
        SearchPass {
            scorer: Scorer::new(query),
            reread: self.reread || !matches!(self.phase, Phase::Short { .. }),
            phase: self.phase,
            hits: Vec::with_capacity(unscored.len()),
            placed: HashMap::new(),
            read: self.read,
            texts: self.texts,
            unscored,
            use_file: false,
            file: None,
            from_file: false,
        }
    }

    /// Reads on for about `budget` records; returns whether the pass is done.
    pub fn step(&mut self, store: &Store, budget: usize) -> Result<bool> {
        let mut left = budget.max(1);
        while left > 0 {
            let Some(h) = self.unscored.pop() else { break };
            left -= 1;
            if let Some(score) = self.scorer.score(h.id, &h.text) {
                self.hits.push(SearchHit { score, ..h });
            }
        }
        if !self.unscored.is_empty() {
            return Ok(false);
        }
        self.unscored = Vec::new();
        if std::mem::take(&mut self.reread) {
            // long texts from the start, placed against the matches kept
            self.start_bodies();
        }
        let fresh = self.phase
            == (Phase::Short {
                kind: 0,
                after: None,
            });
        if std::mem::take(&mut self.use_file) && fresh {
            // a file that cannot be read is one more reason to read the database
            if let Ok(Some(c)) = file::Cursor::open(store.path(), file::STEP_READ) {
                self.file = Some(Box::new(c));
                self.from_file = true;
                self.phase = Phase::File;
            }
        }
        while left > 0 {
            match self.phase.clone() {
                Phase::Done => break,
                Phase::File => left = left.saturating_sub(self.read_file(left)),
                Phase::Short { kind, after } => {
                    let Some(&k) = SHORT_KINDS.get(kind) else {
                        self.start_bodies();
                        continue;
                    };
                    let (n, last) = self.read_short(store, k, after, left)?;
                    left -= n;
                    self.phase = match last {
                        Some(id) if n > 0 && left == 0 => Phase::Short {
                            kind,
                            after: Some(id),
                        },
                        _ => Phase::Short {
                            kind: kind + 1,
                            after: None,
                        },
                    };
                }
                Phase::Bodies { kind, after } => {
                    let Some(&k) = BODY_KINDS.get(kind) else {
                        self.phase = Phase::Done;
                        self.placed = HashMap::new();
                        break;
                    };
                    let (n, last) = self.read_bodies(store, k, after, left)?;
                    left -= n;
                    self.phase = match last {
                        Some(num) if n > 0 && left == 0 => Phase::Bodies {
                            kind,
                            after: Some(num),
                        },
                        _ => Phase::Bodies {
                            kind: kind + 1,
                            after: None,
                        },
                    };
                }
            }
        }
        Ok(self.done())
    }

    /// Runs the pass to its end.
    pub fn finish(&mut self, store: &Store) -> Result<()> {
        while !self.step(store, usize::MAX / 2)? {}
        Ok(())
    }

    /// Reads the short texts to their end, leaving long texts unread.
    fn finish_short(&mut self, store: &Store) -> Result<()> {
        while !self.unscored.is_empty() {
            self.step(store, self.unscored.len())?;
        }
        while let Phase::Short { kind, after } = self.phase.clone() {
            self.phase = match SHORT_KINDS.get(kind) {
                Some(&k) => {
                    self.read_short(store, k, after, usize::MAX)?;
                    Phase::Short {
                        kind: kind + 1,
                        after: None,
                    }
                }
                None => Phase::Bodies {
                    kind: 0,
                    after: None,
                },
            };
        }
        Ok(())
    }

    /// Scores up to `budget` entries of the search file: how many were read. Once the
    /// file is read the pass is done; a file found damaged is forgotten with what it
    /// gave, and the database read instead from the start.
    fn read_file(&mut self, budget: usize) -> usize {
        let Some(cursor) = self.file.as_mut() else {
            self.phase = Phase::Short {
                kind: 0,
                after: None,
            };
            return 0;
        };
        let (scorer, hits, texts) = (&self.scorer, &mut self.hits, self.texts);
        let mut n = 0;
        let stepped = cursor.step(budget, |run| {
            n = run.len();
            for (_, e) in run {
                if let Some(score) = file::score_entry(scorer, e) {
                    let text = match (texts, e.texts) {
                        (true, Some(t)) => t.short.to_string(),
                        _ => String::new(),
                    };
                    hits.push(SearchHit {
                        id: e.id,
                        score,
                        text,
                    });
                }
            }
        });
        self.read += n as u64;
        match stepped {
            Ok(file::Stepped::More) => {}
            Ok(file::Stepped::Done) => {
                self.file = None;
                self.phase = Phase::Done;
            }
            Ok(file::Stepped::Damaged) | Err(_) => {
                self.file = None;
                self.from_file = false;
                self.hits.clear();
                self.phase = Phase::Short {
                    kind: 0,
                    after: None,
                };
            }
        }
        n.max(1)
    }

    fn start_bodies(&mut self) {
        self.placed = self
            .hits
            .iter()
            .enumerate()
            .filter(|(_, h)| BODY_KINDS.contains(&h.id.kind))
            .map(|(i, h)| (h.id, i))
            .collect();
        self.phase = Phase::Bodies {
            kind: 0,
            after: None,
        };
    }

    /// Scores the short text of up to `budget` records of `kind` after record `after`:
    /// how many were read and the last one's id.
    fn read_short(
        &mut self,
        store: &Store,
        kind: Kind,
        after: Option<Id>,
        budget: usize,
    ) -> Result<(usize, Option<Id>)> {
        let (mut n, mut last) = (0, None);
        for r in records_after(store, kind, after.map(|id| id.num)) {
            let (k, v) = r.map_err(|e| store.db_err(e))?;
            let Some(num) = record_num(&k) else { continue };
            let id = Id { kind, num };
            n += 1;
            self.read += 1;
            last = Some(id);
            // a record that does not decode is `weft check`'s to report, not search's
            if let Some(text) = view::short_text(kind, &v) {
                if let Some(score) = self.scorer.score(id, &text) {
                    let text = if self.texts { text } else { String::new() };
                    self.hits.push(SearchHit { id, score, text });
                }
            }
            if n == budget {
                break;
            }
        }
        Ok((n, last))
    }

    /// Scores the long text of up to `budget` records of `kind` after record `after`
    /// (those whose short text does not hold it all): how many were read and the last
    /// one's number. Only each record's text is decoded.
    fn read_bodies(
        &mut self,
        store: &Store,
        kind: Kind,
        after: Option<u64>,
        budget: usize,
    ) -> Result<(usize, Option<u64>)> {
        let (mut n, mut last) = (0, None);
        for r in records_after(store, kind, after) {
            let (k, v) = r.map_err(|e| store.db_err(e))?;
            let Some(num) = record_num(&k) else { continue };
            n += 1;
            self.read += 1;
            last = Some(num);
            if let Some(text) = view::long_text(&v) {
                if search_has_more(&text) {
                    self.score_body(Id { kind, num }, &text);
                }
            }
            if n == budget {
                break;
            }
        }
        Ok((n, last))
    }

    /// Takes in the score of a record's long text: a better score than its short text's
    /// replaces it, and a record only its long text matches joins the hits.
    fn score_body(&mut self, id: Id, text: &str) {
        let Some(score) = self.scorer.score_long(id, text) else {
            return;
        };
        match self.placed.get(&id) {
            Some(&i) => {
                if let Some(h) = self.hits.get_mut(i) {
                    h.score = h.score.max(score);
                }
            }
            None => {
                self.placed.insert(id, self.hits.len());
                let text = if self.texts {
                    short_text(text).to_string()
                } else {
                    String::new()
                };
                self.hits.push(SearchHit { id, score, text });
            }
        }
    }
}

/// The records of `kind` after record number `after` (all of them for `None`), in order.
fn records_after(store: &Store, kind: Kind, after: Option<u64>) -> sled::Iter {
    match after {
        Some(num) => match num.checked_add(1) {
            Some(next) => store.tree(kind).range(next.to_be_bytes()..),
            // nothing comes after the largest number
            None => store.tree(kind).range(vec![0xFF; 9]..),
        },
        None => store.tree(kind).iter(),
    }
}

/// A record tree's key read back: the record's number. A key of another length names
/// no record: it is `weft check`'s to report, and not counted, so a step never reads
/// past its budget and always moves on.
fn record_num(key: &[u8]) -> Option<u64> {
    Some(u64::from_be_bytes(key.try_into().ok()?))
}

#[cfg(test)]
mod tests;
