//! A newcomer's first take-in, folded into one rebuild of its workspace.
//!
//! A member who joins imports the enquiry's base, then takes in every operation the
//! members made since it was written. Taken in as a sync does, a commit per chunk, a
//! million operations cost 2.8 times the import of the same records; when there are
//! more operations than records in the base, the workspace is rebuilt with them instead
//! ([`crate::store::Store::fold`]), as an import builds one. The merge is the same, over
//! the same reads: the workspace's records and indexes as imported, overtaken by what
//! the fold has applied so far, for which the records referring to each one and the
//! holders of matrix cells and gaps are kept here.

use super::incoming::{self, merge_chunk, Incoming};
use super::merge::{place_of, refers_to, Reads};
use super::state::SyncState;
use super::sync::{self, Report, Tick};
use crate::model::{Id, Kind, Record};
use crate::store::{Fold, Store, StoreError};
use serde_json::Value;
use std::cell::RefCell;
use std::collections::HashMap;
use std::path::Path;

/// Whether taking `ops` operations into a workspace of `records` records is quicker by
/// a rebuild: it writes every record once, where commits cost about three times as
/// much an operation.
pub fn worth_folding(ops: u64, records: u64) -> bool {
    ops > records
}

/// What the fold knows of the records it has applied, beside the records themselves.
#[derive(Default)]
struct Known {
    /// For each id, the records applied here that referred to it when applied: made
    /// when a removal first asks (most folds remove nothing, and at a million records
    /// it would hold about 60 MB), kept up to date from then on.
    referring: RefCell<Option<Referring>>,
    /// The records applied here that took each place ([`place_of`]), in turn: one made
    /// twice is set aside at once, one holding it may be removed later.
    places: HashMap<String, Vec<Id>>,
}

type Referring = HashMap<Id, Vec<Id>>;

fn refer(map: &mut Referring, rec: &Record) {
    let id = rec.id();
    let _ = crate::store::references(rec, &mut |target, _, _| {
        map.entry(target).or_default().push(id);
        Ok(())
    });
}

impl Known {
    fn note(&mut self, rec: &Record) {
        if let Some(map) = self.referring.get_mut() {
            refer(map, rec);
        }
        let id = rec.id();
        if matches!(id.kind, Kind::Assessment | Kind::Dismissal) {
            if let Some(place) = place_of(id.kind, &rec.to_json()) {
                self.places.entry(place).or_default().push(id);
            }
        }
    }

    /// The records that refer to `id` now: the workspace's answer and the fold's, each
    /// checked against the record's value now where the fold changed it.
    fn referrers(&self, fold: &Fold, id: Id) -> Vec<Id> {
        let mut out = incoming::referrers(fold.before(), id);
        let mut referring = self.referring.borrow_mut();
        if referring.is_none() {
            let mut map = Referring::new();
            for rec in fold.changed_records() {
                refer(&mut map, &rec);
            }
            *referring = Some(map);
        }
        out.extend(referring.iter().flat_map(|m| m.get(&id)).flatten());
        out.sort();
        out.dedup();
        out.retain(|r| {
            !fold.changed(*r)
                || value(fold, *r).is_some_and(|v| refers_to(r.kind, &v).contains(&id))
        });
        out
    }

    /// The record holding the place a new record of `kind` (as JSON) would take.
    fn occupant(&self, fold: &Fold, kind: Kind, v: &Value) -> Option<Id> {
        let place = place_of(kind, v)?;
        let holds = |h: Id| {
            value(fold, h).is_some_and(|hv| place_of(h.kind, &hv).as_deref() == Some(&place))
        };
        let here = self.places.get(&place).into_iter().flatten();
        if let Some(h) = here.copied().find(|h| holds(*h)) {
            return Some(h);
        }
        incoming::occupant(fold.before(), kind, v).filter(|h| !fold.changed(*h) || holds(*h))
    }
}

fn value(fold: &Fold, id: Id) -> Option<Value> {
    fold.value(id).ok().flatten()
}

/// Takes every member's operations in the enquiry cloned into `repo` into `store`, the
/// workspace just imported from its base, by one rebuild, when [`worth_folding`]; returns
/// the workspace and, when it was folded, the sync state after it. The workspace is as
/// it was if this fails.
pub fn fold_in(
    store: Store,
    repo: &Path,
    report: &mut Report,
    tick: Tick,
) -> Result<(Store, Option<SyncState>), String> {
    let base = store.state().seq;
    let mut st = SyncState {
        base,
        seen_commit: sync::head(&super::git::Git::at(repo)),
        ..SyncState::default()
    };
    let incoming = Incoming::open(repo, None, &st, false, tick)?;
    if !worth_folding(incoming.total, store.state().total()) {
        return Ok((store, None));
    }
    report.members = report.members.max(incoming.members);
    let (total, mut done) = (incoming.total, 0u64);
    let mut chunks = incoming.chunks(sync::chunk_size());
    let mut known = Known::default();
    let folded = store.fold(&mut |fold| {
        let failed = StoreError::invalid;
        loop {
            let chunk = chunks.next().map_err(failed)?;
            if chunk.is_empty() {
                break;
            }
            done += chunk.len() as u64;
            let steps = {
                let (view, known) = (&*fold, &known);
                let mut current = |id: Id| value(view, id);
                let mut exists = |id: Id| view.exists(id).unwrap_or(false);
                let mut refer = |id: Id| known.referrers(view, id);
                let mut occupant = |kind: Kind, v: &Value| known.occupant(view, kind, v);
                let reads = Reads {
                    current: &mut current,
                    exists: &mut exists,
                    referrers: &mut refer,
                    occupant: &mut occupant,
                };
                merge_chunk(&mut st, chunk, reads, None, report).map_err(failed)?
            };
            for s in &steps {
                if let Some(rec) = &s.after {
                    known.note(rec);
                }
            }
            fold.apply(steps)?;
            tick("taking in", done, total);
        }
        tick("writing the database", 0, 0);
        Ok(())
    });
    let store = folded.map_err(|e| format!("cannot take in the enquiry's operations: {e}"))?;
    st.processed = store.state().seq;
    report.rebuilt = true;
    Ok((store, Some(st)))
}
