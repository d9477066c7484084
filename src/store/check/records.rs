//! The pass over the records: each is decoded once, in kind and id order, and checked
//! against its key, the id counters and the ids it refers to; the counters are
//! recomputed; the index entries it implies go into a digest; the question tree is
//! walked for loops. Memory: a bit per id, the counters, the digest, and only the
//! references and parents that point forward in that order (rare), never the records.

use super::digest::{Digest, IdSet, Keys};
use super::{own_rules, Problem};
use crate::model::{Id, Kind, Record};
use crate::store::search::file;
use crate::store::{index, Result, State, Store};
use std::collections::HashSet;

/// Where a problem about a record's references sorts: the record's kind (its place in
/// [`Kind::ALL`]), its number, then the reference's place among the record's own.
type Pos = (usize, u64, u8);

/// What the pass over the records found.
pub(super) struct Records {
    /// Records that cannot be read, sit under the wrong key or past their id counter, in
    /// record order.
    pub unreadable: Vec<Problem>,
    /// References to records that do not exist or are of the wrong kind, in record order.
    pub references: Vec<Problem>,
    /// A loop of sub-questions, named as the first question walked that enters it.
    pub tree_loop: Option<Problem>,
    /// The counters the records give.
    pub state: State,
    /// The index entries the records imply.
    pub digest: Digest,
    /// What the search file should hold, when it is current and so to be compared.
    pub search: Option<file::Digest>,
}

/// Calls `f` with every record of the workspace, in kind then id order: its kind's
/// place in [`Kind::ALL`] and the record when it reads and sits under its own key, the
/// problem when it does not.
pub(super) fn each_record(
    store: &Store,
    mut f: impl FnMut(std::result::Result<(usize, Record), Problem>) -> Result<()>,
) -> Result<()> {
    for (slot, kind) in Kind::ALL.into_iter().enumerate() {
        for r in store.tree(kind).iter() {
            let (k, v) = r.map_err(|e| store.db_err(e))?;
            let num = k.as_ref().try_into().map(u64::from_be_bytes).unwrap_or(0);
            f(match Record::from_bytes(kind, &v) {
                Err(e) => Err(Problem(format!(
                    "{}{num}: cannot be read: {e}",
                    kind.letter()
                ))),
                Ok(rec) if rec.id().num != num || rec.id().kind != kind => Err(Problem(format!(
                    "{}{num}: stored under the wrong key (holds {})",
                    kind.letter(),
                    rec.id()
                ))),
                Ok(rec) => Ok((slot, rec)),
            })?;
        }
    }
    Ok(())
}

/// The index entries `rec` implies, each key once (the last value given for a key wins,
/// as in a map filled in order).
pub(super) fn implied(rec: &Record) -> Vec<index::Entry> {
    let mut entries = index::entries(rec);
    entries.reverse();
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    entries.dedup_by(|later, earlier| later.0 == earlier.0);
    entries
}

/// One pass over every record. `tick(records done, index entries implied so far)` is
/// called after each record.
pub(super) fn scan(
    store: &Store,
    keys: &Keys,
    with_search: bool,
    tick: &mut dyn FnMut(u64, u64),
) -> Result<Records> {
    let counters = store.state();
    let mut unreadable = Vec::new();
    let mut present = IdSet::new(&counters.next);
    let mut refs = References::default();
    let mut tree = Tree::new(&counters.next);
    let mut digest = Digest::new(keys);
    let mut state = State {
        next: counters.next.clone(),
        seq: counters.seq,
        ..State::default()
    };
    let mut search = with_search.then(file::Digest::default);
    let mut scratch = Vec::new();
    let mut done = 0u64;
    each_record(store, |r| {
        done += 1;
        let (slot, rec) = match r {
            Ok(r) => r,
            Err(p) => {
                unreadable.push(p);
                return Ok(());
            }
        };
        {
            let id = rec.id();
            let next = counters.next.get(&id.kind.letter()).copied().unwrap_or(1);
            if id.num >= next {
                unreadable.push(Problem(format!("{id}: id counter {next} would reuse it")));
            }
            present.insert(id);
            state.account(&rec, 1);
            for (k, v) in implied(&rec) {
                digest.add(&k, &v);
            }
            if let Some(d) = &mut search {
                d.add_record(&rec, &mut scratch);
            }
            refs.of(&rec, (slot, id.num), &present);
            if let Record::Question(q) = &rec {
                tree.question(id.num, q.parent, &present);
            }
            tick(done, digest.entries);
            Ok(())
        }
    })?;
    Ok(Records {
        unreadable,
        references: refs.finish(&present),
        tree_loop: tree.finish(&present),
        state,
        digest,
        search,
    })
}

fn pos(id: Id) -> (usize, u64) {
    let slot = Kind::ALL.iter().position(|k| *k == id.kind).unwrap_or(0);
    (slot, id.num)
}

/// The reference checks: one to a record already passed is settled at once; one to a
/// record later in the pass waits for its end.
#[derive(Default)]
struct References {
    found: Vec<(Pos, Problem)>,
    waiting: Vec<(Pos, Id, &'static str, Id)>,
}

impl References {
    fn of(&mut self, rec: &Record, at: (usize, u64), present: &IdSet) {
        let id = rec.id();
        let mut order = 0u8;
        let mut refer = |what: &'static str, target: Id| {
            let here = (at.0, at.1, order);
            order += 1;
            if pos(target) > at {
                self.waiting.push((here, id, what, target));
            } else if !present.contains(target) {
                self.found.push((
                    here,
                    Problem(format!("{id}: {what} {target} does not exist")),
                ));
            }
        };
        match rec {
            Record::Question(q) => q.parent.into_iter().for_each(|p| refer("parent", p)),
            Record::Hypothesis(h) => refer("question", h.question),
            Record::Link(l) => {
                refer("from", l.from);
                refer("to", l.to);
                l.source.into_iter().for_each(|s| refer("source", s));
            }
            Record::Assessment(a) => {
                refer("hypothesis", a.hypothesis);
                refer("note", a.note);
            }
            Record::Expectation(x) => {
                refer("hypothesis", x.hypothesis);
                x.note.into_iter().for_each(|n| refer("note", n));
            }
            _ => {}
        }
        // (presence of references is checked above)
        if let Some(p) = own_rules(rec) {
            self.found.push(((at.0, at.1, u8::MAX), p));
        }
    }

    fn finish(mut self, present: &IdSet) -> Vec<Problem> {
        for (here, id, what, target) in self.waiting {
            if !present.contains(target) {
                self.found.push((
                    here,
                    Problem(format!("{id}: {what} {target} does not exist")),
                ));
            }
        }
        self.found.sort_by_key(|(here, _)| *here);
        self.found.into_iter().map(|(_, p)| p).collect()
    }
}

/// The loop check of the question tree. A question is settled when its parent chain
/// reaches a top-level question or a parent that does not exist (treated as the top).
/// Questions arrive in id order and a parent usually has the smaller id, so almost every
/// question settles as it arrives; the others wait (child, parent) until the end.
struct Tree {
    settled: IdSet,
    waiting: Vec<(u64, u64)>,
}

impl Tree {
    fn new(next: &std::collections::BTreeMap<char, u64>) -> Tree {
        Tree {
            settled: IdSet::new(next),
            waiting: Vec::new(),
        }
    }

    fn question(&mut self, num: u64, parent: Option<Id>, present: &IdSet) {
        let q = |n| Id::new(Kind::Question, n);
        match parent {
            Some(p)
                if p.kind == Kind::Question
                    && (p.num >= num || (present.contains(p) && !self.settled.contains(p))) =>
            {
                self.waiting.push((num, p.num))
            }
            _ => self.settled.insert(q(num)),
        }
    }

    /// The first question, in id order, whose parents lead into a loop, named as
    /// [`crate::store::bulk`] names it: by the first question its walk meets twice.
    fn finish(mut self, present: &IdSet) -> Option<Problem> {
        let q = |n| Id::new(Kind::Question, n);
        // `waiting` is in child order: a parent is found by binary search
        let waiting = self.waiting;
        let find = |n: u64| {
            waiting
                .binary_search_by_key(&n, |(c, _)| *c)
                .ok()
                .map(|i| waiting[i].1)
        };
        let mut stuck: HashSet<u64> = HashSet::new();
        for &(child, _) in &waiting {
            if self.settled.contains(q(child)) || stuck.contains(&child) {
                continue;
            }
            let mut path = vec![child];
            let mut on_path: HashSet<u64> = HashSet::from([child]);
            let settles = loop {
                let Some(parent) = path.last().copied().and_then(find) else {
                    break true;
                };
                if !present.contains(q(parent)) || self.settled.contains(q(parent)) {
                    break true;
                }
                if stuck.contains(&parent) || !on_path.insert(parent) {
                    break false;
                }
                path.push(parent);
            };
            if settles {
                path.into_iter().for_each(|n| self.settled.insert(q(n)));
            } else {
                stuck.extend(path);
            }
        }
        let first = waiting
            .iter()
            .map(|(c, _)| *c)
            .find(|c| stuck.contains(c))?;
        let mut on_path = HashSet::new();
        let mut cur = first;
        while on_path.insert(cur) {
            cur = find(cur)?;
        }
        Some(Problem(format!(
            "{}: its parents make a loop of sub-questions",
            q(cur)
        )))
    }
}
