//! The pass over the records: each is decoded once and checked against its key, the id
//! counters and the ids it refers to; the counters are recomputed; the index entries it
//! implies go into a digest; the question tree is walked for loops.
//!
//! The kinds are passed one after another, in [`Kind::ALL`] order; each kind's tree is
//! cut into key ranges that two threads take in turn, each range read in id order. What
//! a record refers to is settled at once when it is already known (a kind passed before,
//! or an earlier id of the same range) and otherwise at the end. Memory: a bit per id
//! (per thread), the counters, the digests, and only the references and parents that
//! point outside what is known, never the records.

use super::digest::{slot, Digest, IdSet, Keys};
use super::refs::{References, Tree};
use super::split::{self, Range};
use super::Problem;
use crate::model::{Id, Kind, Record};
use crate::store::log::verify::value_hash;
use crate::store::search::file;
use crate::store::{index, Result, State, Store, StoreError};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

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
    /// The sum of every readable record's value hash, to compare with what replaying
    /// the journal log gives (`log::verify`).
    pub values: u128,
}

/// A stored record as read: its kind's place in [`Kind::ALL`] and the record when it
/// reads and sits under its own key, the problem when it does not.
fn read(
    slot: usize,
    kind: Kind,
    k: &[u8],
    v: &[u8],
) -> std::result::Result<(usize, Record), Problem> {
    let num = k.try_into().map(u64::from_be_bytes).unwrap_or(0);
    match Record::from_bytes(kind, v) {
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
    }
}

/// Calls `f` with every record of the workspace, in kind then id order (as [`read`]
/// gives it).
pub(super) fn each_record(
    store: &Store,
    mut f: impl FnMut(std::result::Result<(usize, Record), Problem>) -> Result<()>,
) -> Result<()> {
    for (slot, kind) in Kind::ALL.into_iter().enumerate() {
        for r in store.tree(kind).iter() {
            let (k, v) = r.map_err(|e| store.db_err(e))?;
            f(read(slot, kind, &k, &v))?;
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

/// What one thread gathers from the ranges it takes.
struct Part {
    /// Unreadable records with their kind's place and key, to be put in record order.
    unreadable: Vec<((usize, Vec<u8>), Problem)>,
    /// The ids this thread has passed.
    present: IdSet,
    refs: References,
    tree: Tree,
    state: State,
    digest: Digest,
    search: Option<file::Digest>,
    values: u128,
}

/// One kind's turn: its ranges, which thread takes which decided by a shared counter.
struct Turn<'a> {
    store: &'a Store,
    slot: usize,
    kind: Kind,
    ranges: &'a [Range],
    taken: &'a AtomicUsize,
    /// The ids of the kinds passed before this one (complete).
    before: &'a IdSet,
    /// Records passed so far, over both threads.
    done: &'a AtomicU64,
}

impl Part {
    fn new(store: &Store, keys: &Keys, with_search: bool) -> Part {
        let next = &store.state().next;
        Part {
            unreadable: Vec::new(),
            present: IdSet::new(next),
            refs: References::default(),
            tree: Tree::new(next),
            state: State {
                next: next.clone(),
                seq: store.state().seq,
                ..State::default()
            },
            digest: Digest::new(keys),
            search: with_search.then(file::Digest::default),
            values: 0,
        }
    }

    /// Takes ranges of `turn` until none is left; `tick` is called every 256 records.
    fn take(&mut self, turn: &Turn, tick: &mut dyn FnMut()) -> Result<()> {
        let tree = turn.store.tree(turn.kind);
        let mut records = 0u64;
        while let Some(range) = split::take_next(tree, turn.ranges, turn.taken) {
            let mut since = None;
            for r in range {
                let (k, v) = r.map_err(|e| turn.store.db_err(e))?;
                match read(turn.slot, turn.kind, &k, &v) {
                    Ok((_, rec)) => {
                        let id = rec.id().to_string();
                        self.values = self.values.wrapping_add(value_hash(&id, &v));
                        let since = *since.get_or_insert(rec.id().num);
                        self.record(turn, rec, since);
                    }
                    Err(p) => self.unreadable.push(((turn.slot, k.to_vec()), p)),
                }
                records += 1;
                if records == 256 {
                    turn.done.fetch_add(records, Ordering::Relaxed);
                    records = 0;
                    tick();
                }
            }
        }
        turn.done.fetch_add(records, Ordering::Relaxed);
        Ok(())
    }

    /// One record that reads, the first of its range being `since`.
    fn record(&mut self, turn: &Turn, rec: Record, since: u64) {
        let id = rec.id();
        let next = turn
            .store
            .state()
            .next
            .get(&id.kind.letter())
            .copied()
            .unwrap_or(1);
        if id.num >= next {
            let p = Problem(format!("{id}: id counter {next} would reuse it"));
            self.unreadable
                .push(((turn.slot, id.num.to_be_bytes().to_vec()), p));
        }
        self.present.insert(id);
        self.state.account(&rec, 1);
        for (k, v) in implied(&rec) {
            self.digest.add(&k, &v);
        }
        if let Some(d) = &mut self.search {
            d.add_record(&rec);
        }
        let present = &self.present;
        let known = |target: Id| match slot(target.kind) {
            s if s < turn.slot => Some(turn.before.contains(target)),
            s if s == turn.slot && (since..=id.num).contains(&target.num) => {
                Some(present.contains(target))
            }
            _ => None,
        };
        self.refs.of(&rec, (turn.slot, id.num), &known);
        if let Record::Question(q) = &rec {
            self.tree.question(id.num, since, q.parent, &self.present);
        }
    }

    /// Takes in what another thread gathered.
    fn merge(&mut self, other: Part) {
        self.unreadable.extend(other.unreadable);
        self.present.merge(&other.present);
        self.refs.merge(other.refs);
        self.tree.merge(other.tree);
        fn add<K: Ord>(into: &mut BTreeMap<K, u64>, from: BTreeMap<K, u64>) {
            from.into_iter()
                .for_each(|(k, n)| *into.entry(k).or_default() += n);
        }
        add(&mut self.state.counts, other.state.counts);
        add(&mut self.state.status, other.state.status);
        add(&mut self.state.sees, other.state.sees);
        self.digest.merge(&other.digest);
        self.values = self.values.wrapping_add(other.values);
        if let (Some(d), Some(o)) = (&mut self.search, &other.search) {
            d.merge(o);
        }
    }
}

/// One pass over every record, on this thread and one more. `tick(records done)` is
/// called on this thread as the pass goes.
pub(super) fn scan(
    store: &Store,
    keys: &Keys,
    with_search: bool,
    tick: &mut dyn FnMut(u64),
) -> Result<Records> {
    let mut mine = Part::new(store, keys, with_search);
    let mut theirs = Part::new(store, keys, with_search);
    let mut before = IdSet::new(&store.state().next);
    let done = AtomicU64::new(0);
    for (slot, kind) in Kind::ALL.into_iter().enumerate() {
        let ranges = split::ranges(store.tree(kind)).map_err(|e| store.db_err(e))?;
        let taken = AtomicUsize::new(0);
        let turn = Turn {
            store,
            slot,
            kind,
            ranges: &ranges,
            taken: &taken,
            before: &before,
            done: &done,
        };
        let (a, b) = std::thread::scope(|s| {
            let helper = s.spawn(|| theirs.take(&turn, &mut || {}));
            let a = mine.take(&turn, &mut || tick(done.load(Ordering::Relaxed)));
            (a, helper.join())
        });
        a?;
        b.unwrap_or_else(|_| {
            Err(StoreError::invalid(
                "check: reading the records stopped unexpectedly",
            ))
        })?;
        before.merge(&mine.present);
        before.merge(&theirs.present);
    }
    mine.merge(theirs);
    tick(done.load(Ordering::Relaxed));
    mine.unreadable.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(Records {
        unreadable: mine.unreadable.into_iter().map(|(_, p)| p).collect(),
        references: mine.refs.finish(&before),
        tree_loop: mine.tree.finish(&before),
        state: mine.state,
        digest: mine.digest,
        search: mine.search,
        values: mine.values,
    })
}
