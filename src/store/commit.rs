//! The one write path: an operation's changes merged per record, its journal entries
//! appended to the journal log (synced), then records, index deltas, journal entries and
//! counters applied to sled in one transaction and flushed.

use super::{index, journal, kind_slot, Change, Committed, JournalEntry, Result, State};
use super::{Store, StoreError, Stored, INDEX, JOURNAL, MAX_ID, META, STATE_KEY, TREE_NAMES};
use crate::model::{Id, Record};
use std::collections::HashMap;

impl Store {
    /// Writes one operation: journal log first (synced), then records, index deltas,
    /// journal entries and counters in one transaction, then flushes. Nothing is written
    /// when it fails before the log append; a failure after it is repaired from the log
    /// at the next open.
    pub(crate) fn commit(
        &mut self,
        op: &str,
        changes: Vec<Change>,
        undoes: Option<u64>,
    ) -> Result<Committed> {
        self.check_writable()?;
        let changes = merge_changes(changes);
        if changes.is_empty() {
            return Ok(Committed::default());
        }
        let first = self.state.seq;
        let before = (self.state.seq, self.state.log_len);
        // a step of the same user action joins the group of the step before, so one
        // undo reverts the whole action
        let group = match (std::mem::take(&mut self.join_last), self.last_group) {
            (true, Some(g)) => g,
            _ => first,
        };
        let time = self.now();
        for c in &changes {
            let id = c.id();
            if id.num >= MAX_ID {
                return Err(StoreError::invalid(format!(
                    "{id}: the id counter for {} is exhausted",
                    id.kind.plural()
                )));
            }
            // No write ever replaces a record it did not read first.
            let stored = self
                .tree(id.kind)
                .contains_key(id.num.to_be_bytes())
                .map_err(|e| self.db_err(e))?;
            if stored != c.before.is_some() {
                return Err(StoreError::invalid(if stored {
                    format!("{id} already exists: ids are never reused")
                } else {
                    format!("{id} no longer exists")
                }));
            }
        }
        let entries: Vec<JournalEntry> = changes
            .iter()
            .enumerate()
            .map(|(i, c)| JournalEntry {
                seq: first + i as u64,
                group,
                time,
                user: self.user.clone(),
                op: op.to_string(),
                id: c.id(),
                before: c.before.as_ref().map(Record::to_json),
                after: c.after.as_ref().map(Record::to_json),
                undoes,
                from: None,
            })
            .collect();
        self.journal_and_apply(op, &changes, &entries)?;
        self.track_search_file(before, &changes);
        // an undo is never the start of something to join
        self.last_group = if undoes.is_some() { None } else { Some(group) };
        let ids_where = |keep: fn(&Change) -> bool| {
            changes.iter().filter(|c| keep(c)).map(Change::id).collect()
        };
        Ok(Committed {
            group,
            ids: changes.iter().map(Change::id).collect(),
            created: ids_where(|c| c.before.is_none()),
            removed: ids_where(|c| c.after.is_none()),
        })
    }

    /// Appends `entries` to the journal log (synced), then writes `changes` into the
    /// database in one transaction; either failing, the log is cut back, so nothing
    /// unacknowledged is replayed later. `op` names the operation in a refusal.
    pub(super) fn journal_and_apply(
        &mut self,
        op: &str,
        changes: &[Change],
        entries: &[JournalEntry],
    ) -> Result<()> {
        let at = self.log.size()?;
        let (bytes, starts, chain) = match self.log.encode_operation(entries, at) {
            Ok(encoded) => encoded,
            Err(e) => {
                // the log's last line is damaged: nothing can follow it
                self.refuse_for_log(e.to_string());
                return Err(StoreError::invalid(format!(
                    "{op}: {}",
                    self.writes_refused().unwrap_or_default()
                )));
            }
        };
        let (batches, mut state) = self.stage(changes, entries, &starts)?;
        if let Err(e) = self.log.append_bytes(&bytes, chain) {
            // A torn or unsynced append: cut it off, so the next commit starts on a line
            // of its own and no later open replays what was never acknowledged.
            let _ = self.log.truncate(at);
            return Err(e);
        }
        state.log_len = self.log.size()?;
        if let Err(e) = self.write_state(&batches, state) {
            // Not acknowledged: take it out of the log too, so no later open replays it.
            let _ = self.log.truncate(at);
            return Err(e);
        }
        Ok(())
    }

    /// The batches (one per tree) and counters that writing `changes` with their journal
    /// `entries` (whose log lines start at the bytes `at`) gives. Pure over the current
    /// counters: nothing is written.
    pub(super) fn stage(
        &self,
        changes: &[Change],
        entries: &[JournalEntry],
        at: &[u64],
    ) -> Result<(Vec<sled::Batch>, State)> {
        self.stage_onto(self.state.clone(), changes, entries, at)
    }

    /// [`Store::stage`] from the counters `state` rather than the store's own: for an
    /// operation applied in several runs (`weft import-table`).
    pub(super) fn stage_onto(
        &self,
        mut state: State,
        changes: &[Change],
        entries: &[JournalEntry],
        at: &[u64],
    ) -> Result<(Vec<sled::Batch>, State)> {
        let mut batches: Vec<sled::Batch> =
            (0..TREE_NAMES.len()).map(|_| Default::default()).collect();
        let mut index = index::packed::Edit::new(&self.trees[INDEX]);
        // the index follows each record from its first value to its last: a record made
        // and removed in one operation (one set aside in a sync) leaves it untouched,
        // where its entries one by one would take a cell's key from the record holding it
        let mut net: Vec<(Option<&Record>, Option<&Record>)> = Vec::with_capacity(changes.len());
        let mut slot_of: HashMap<Id, usize> = HashMap::with_capacity(changes.len());
        for change in changes {
            match slot_of.get(&change.id()) {
                Some(&i) => net[i].1 = change.after.as_ref(),
                None => {
                    slot_of.insert(change.id(), net.len());
                    net.push((change.before.as_ref(), change.after.as_ref()));
                }
            }
        }
        for (before, after) in net {
            let old = before.map(index::entries).unwrap_or_default();
            let new = after.map(index::entries).unwrap_or_default();
            for (k, _) in &old {
                if !new.iter().any(|(nk, _)| nk == k) {
                    index.remove(k).map_err(|e| self.db_err(e))?;
                }
            }
            for (k, v) in new {
                if !old.iter().any(|(ok, ov)| *ok == k && *ov == v) {
                    index.insert(k, v).map_err(|e| self.db_err(e))?;
                }
            }
        }
        for ((change, entry), at) in changes.iter().zip(entries).zip(at) {
            let id = change.id();
            let next = state.next.entry(id.kind.letter()).or_insert(1);
            *next = (*next).max(id.num.saturating_add(1));
            let slot = kind_slot(id.kind);
            match &change.after {
                Some(rec) => batches[slot].insert(&id.num.to_be_bytes(), rec.to_bytes()),
                None => batches[slot].remove(&id.num.to_be_bytes()),
            }
            if let Some(b) = &change.before {
                state.account(b, -1);
            }
            if let Some(a) = &change.after {
                state.account(a, 1);
            }
            batches[JOURNAL].insert(&journal::entry_key(entry.seq), Stored::bytes(entry, *at));
            state.seq = entry.seq + 1;
        }
        batches[INDEX] = index.into_batch();
        Ok((batches, state))
    }

    /// Writes `batches` with the counters `state` atomically, flushes, and adopts them.
    pub(super) fn write_state(&mut self, batches: &[sled::Batch], state: State) -> Result<()> {
        let mut batches = batches.to_vec();
        batches.resize_with(TREE_NAMES.len(), Default::default);
        let state_bytes =
            serde_json::to_vec(&state).map_err(|e| StoreError::invalid(e.to_string()))?;
        batches[META].insert(STATE_KEY, state_bytes);
        self.apply(&batches)?;
        self.state = state;
        Ok(())
    }

    /// Applies one batch per tree atomically and flushes.
    pub(super) fn apply(&self, batches: &[sled::Batch]) -> Result<()> {
        use sled::transaction::{TransactionError, Transactional};
        let result: std::result::Result<(), TransactionError<()>> =
            self.trees.as_slice().transaction(|tx| {
                for (tree, batch) in tx.iter().zip(batches) {
                    tree.apply_batch(batch)?;
                }
                Ok(())
            });
        match result {
            Ok(()) => {}
            Err(TransactionError::Storage(e)) => return Err(self.db_err(e)),
            Err(TransactionError::Abort(())) => {
                return Err(StoreError::invalid("the write was aborted"))
            }
        }
        if self.sync {
            self.db.flush().map_err(|e| self.db_err(e))?;
        }
        Ok(())
    }
}

/// Folds several changes of one record into one, keeping first `before` and last `after`,
/// in order of first appearance.
pub(super) fn merge_changes(changes: Vec<Change>) -> Vec<Change> {
    let mut out: Vec<Change> = Vec::with_capacity(changes.len());
    let mut seen: std::collections::HashMap<Id, usize> = Default::default();
    for c in changes {
        match seen.get(&c.id()) {
            Some(&at) => out[at].after = c.after,
            None => {
                seen.insert(c.id(), out.len());
                out.push(c);
            }
        }
    }
    out.retain(|c| c.before != c.after);
    out
}
