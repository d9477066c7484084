//! The checks of what records refer to, fed one record at a time by the threads of the
//! records pass: a reference whose target is already known (a kind passed before, or an
//! id earlier in the same range) is settled at once; any other waits for the end of the
//! pass, when every id is known. The question tree's loop check works the same way.

use super::digest::IdSet;
use super::{own_rules, Problem};
use crate::model::{Id, Kind, Record};
use crate::store::rules;
use std::collections::HashSet;

/// Where a problem about a record's references sorts: the record's kind (its place in
/// [`Kind::ALL`]), its number, then the reference's place among the record's own.
pub(super) type Pos = (usize, u64, u8);

/// Whether a record exists, when that is already known (`None`: not yet).
pub(super) type Known<'a> = &'a dyn Fn(Id) -> Option<bool>;

/// Calls `f` with each record `rec` refers to and the field that refers to it, in the
/// record's own order ([`rules::references`]).
pub(super) fn each_reference(rec: &Record, f: &mut dyn FnMut(&'static str, Id)) {
    let _ = rules::references(rec, &mut |target, _, role| {
        f(role, target);
        Ok(())
    });
}

/// The reference checks of the records one thread has passed.
#[derive(Default)]
pub(super) struct References {
    found: Vec<(Pos, Problem)>,
    waiting: Vec<(Pos, Id, &'static str, Id)>,
}

impl References {
    /// Checks what `rec`, at `at` in the pass, refers to, and its own rules.
    pub fn of(&mut self, rec: &Record, at: (usize, u64), known: Known) {
        let id = rec.id();
        let mut order = 0u8;
        let mut refer = |what: &'static str, target: Id| {
            let here = (at.0, at.1, order);
            order += 1;
            match known(target) {
                None => self.waiting.push((here, id, what, target)),
                Some(false) => self.found.push((
                    here,
                    Problem(format!("{id}: {what} {target} does not exist")),
                )),
                Some(true) => {}
            }
        };
        each_reference(rec, &mut refer);
        if let Some(p) = own_rules(rec) {
            self.found.push(((at.0, at.1, u8::MAX), p));
        }
    }

    /// Takes in what another thread found.
    pub fn merge(&mut self, other: References) {
        self.found.extend(other.found);
        self.waiting.extend(other.waiting);
    }

    /// Settles the waiting references against every id of the workspace; the problems in
    /// record order.
    pub fn finish(mut self, present: &IdSet) -> Vec<Problem> {
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
/// Questions of a range arrive in id order and a parent usually has the smaller id, so
/// most settle as they arrive; the others wait (child, parent) until the end.
pub(super) struct Tree {
    pub settled: IdSet,
    waiting: Vec<(u64, u64)>,
}

impl Tree {
    pub fn new(next: &std::collections::BTreeMap<char, u64>) -> Tree {
        Tree {
            settled: IdSet::new(next),
            waiting: Vec::new(),
        }
    }

    /// Question `num`, whose range's first question is `since`; `present` holds the ids
    /// this thread has passed.
    pub fn question(&mut self, num: u64, since: u64, parent: Option<Id>, present: &IdSet) {
        let q = |n| Id::new(Kind::Question, n);
        match parent {
            Some(p) if p.kind == Kind::Question => {
                // a parent earlier in this range is known here; any other waits
                let here = (since..num).contains(&p.num);
                if !here || (present.contains(p) && !self.settled.contains(p)) {
                    self.waiting.push((num, p.num));
                } else {
                    self.settled.insert(q(num));
                }
            }
            _ => self.settled.insert(q(num)),
        }
    }

    /// Takes in what another thread found.
    pub fn merge(&mut self, other: Tree) {
        self.settled.merge(&other.settled);
        self.waiting.extend(other.waiting);
    }

    /// The first question, in id order, whose parents lead into a loop, named as
    /// [`crate::store::bulk`] names it: by the first question its walk meets twice.
    pub fn finish(mut self, present: &IdSet) -> Option<Problem> {
        let q = |n| Id::new(Kind::Question, n);
        // in child order, so that a parent is found by binary search
        let mut waiting = std::mem::take(&mut self.waiting);
        waiting.sort_unstable();
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
