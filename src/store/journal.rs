//! The append-only journal: one entry per record change, grouped by operation. It serves
//! `weft log`, undo and accountability; nothing ever removes an entry.

use super::{Change, Committed, Result, Store, StoreError, JOURNAL};
use crate::model::{Id, Record};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

mod blocks;
mod stored;
#[cfg(test)]
pub(super) use blocks::PER_BLOCK;
pub(super) use blocks::{
    describe, entry_key, key as block_key_of, pack, split, Writer as BlockWriter,
    PER_BLOCK as ENTRIES_PER_BLOCK,
};
pub(super) use stored::{is_compact, Stored};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JournalEntry {
    pub seq: u64,
    /// The sequence number of the first entry of the same operation.
    pub group: u64,
    #[serde(deserialize_with = "crate::model::stamp::deserialize")]
    pub time: DateTime<Utc>,
    pub user: String,
    pub op: String,
    pub id: Id,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
    /// For an undo, the group it reverted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub undoes: Option<u64>,
    /// For a change another member of a shared enquiry made, whose it was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<super::shared::Origin>,
}

impl JournalEntry {
    pub fn to_bytes(&self) -> Vec<u8> {
        serde_json::to_vec(self).unwrap_or_default()
    }

    pub(super) fn record(&self, v: &Option<serde_json::Value>) -> Result<Option<Record>> {
        v.clone()
            .map(|v| Record::from_json(self.id.kind, v))
            .transpose()
            .map_err(|e| StoreError::Corrupt {
                tree: "journal".into(),
                key: self.seq.to_string(),
                reason: e.to_string(),
            })
    }
}

/// The key of the block that holds entry `seq`: where reading from `seq` starts.
pub(super) fn block_key(seq: u64) -> [u8; 9] {
    block_key_of(seq / ENTRIES_PER_BLOCK)
}

impl Store {
    fn journal(&self) -> &sled::Tree {
        &self.trees[JOURNAL]
    }

    /// `read` applied to the stored bytes of every entry the journal tree keeps, in order
    /// (newest first when `rev`), block by block.
    fn read_stored<'a, T: 'a>(
        &'a self,
        rev: bool,
        read: impl Fn(&[u8]) -> Result<T> + 'a,
    ) -> Box<dyn Iterator<Item = Result<T>> + 'a> {
        let each = move |r: sled::Result<(sled::IVec, sled::IVec)>| -> Vec<Result<T>> {
            let (k, v) = match r {
                Ok(kv) => kv,
                Err(e) => return vec![Err(self.db_err(e))],
            };
            match blocks::split(&k, &v) {
                Ok(entries) => {
                    let mut out: Vec<_> = entries.into_iter().map(&read).collect();
                    if rev {
                        out.reverse();
                    }
                    out
                }
                Err(reason) => vec![Err(StoreError::Corrupt {
                    tree: "journal".into(),
                    key: blocks::describe(&k),
                    reason,
                })],
            }
        };
        if rev {
            Box::new(self.journal().iter().rev().flat_map(each))
        } else {
            Box::new(self.journal().iter().flat_map(each))
        }
    }

    /// Every entry the journal tree keeps, decoded, in order (newest first when `rev`).
    pub(super) fn stored_entries(&self, rev: bool) -> impl Iterator<Item = Result<Stored>> + '_ {
        self.read_stored(rev, Stored::decode)
    }

    /// Every entry's number and stored bytes, oldest first (compaction copies them).
    pub(super) fn journal_bytes(&self) -> impl Iterator<Item = Result<(u64, Vec<u8>)>> + '_ {
        self.read_stored(false, |b| Ok((stored::seq_of(b)?, b.to_vec())))
    }

    /// The newest entry the journal tree keeps.
    pub(super) fn newest_stored(&self) -> Result<Option<Stored>> {
        self.stored_entries(true).next().transpose()
    }

    /// Journal entries, newest first.
    pub fn log(&self) -> impl Iterator<Item = Result<JournalEntry>> + '_ {
        self.stored_entries(true)
            .map(move |s| s.and_then(|s| s.entry(&self.log)))
    }

    /// What the operations committed since journal sequence `seq` did, oldest first, one
    /// [`Committed`] per operation: for a view to catch up with changes another handle's
    /// holder made through it (a command served by the interface).
    pub fn committed_since(&self, seq: u64) -> Result<Vec<Committed>> {
        let mut out: Vec<Committed> = Vec::new();
        for entry in self.log() {
            let entry = entry?;
            if entry.seq < seq {
                break;
            }
            if out.last().is_none_or(|c| c.group != entry.group) {
                out.push(Committed {
                    group: entry.group,
                    ..Committed::default()
                });
            }
            let done = out.last_mut().expect("pushed above");
            done.ids.push(entry.id);
            if entry.before.is_none() {
                done.created.push(entry.id);
            }
            if entry.after.is_none() {
                done.removed.push(entry.id);
            }
        }
        out.reverse();
        for done in &mut out {
            done.ids.reverse();
            done.created.reverse();
            done.removed.reverse();
        }
        Ok(out)
    }

    /// Journal entries, newest first, each with its values when its line in the journal
    /// log reads, else its header alone (values `None`) and why the line does not read:
    /// `weft log` shows the history around a damaged line.
    pub fn log_lenient(&self) -> impl Iterator<Item = Result<(JournalEntry, Option<String>)>> + '_ {
        self.stored_entries(true).map(move |s| {
            let s = s?;
            let head = JournalEntry {
                seq: s.seq,
                group: s.group,
                time: s.time,
                user: s.user.clone(),
                op: s.op.clone(),
                id: s.id,
                before: None,
                after: None,
                undoes: s.undoes,
                from: None,
            };
            Ok(match s.entry(&self.log) {
                Ok(e) => (e, None),
                Err(e) => (head, Some(e.to_string())),
            })
        })
    }

    /// Journal entries, oldest first (export and check read this way).
    pub fn log_forward(&self) -> impl Iterator<Item = Result<JournalEntry>> + '_ {
        self.stored_entries(false)
            .map(move |s| s.and_then(|s| s.entry(&self.log)))
    }

    /// Rewrites every journal entry in the form of schema 1 (values inline, no place in
    /// the log, a key each) and marks the workspace schema 1: tests use it to stand for a
    /// workspace written by an older weft.
    #[doc(hidden)]
    pub fn downgrade_journal_for_test(&self) -> Result<()> {
        let entries = self.log_forward().collect::<Result<Vec<_>>>()?;
        self.journal().clear().map_err(|err| self.db_err(err))?;
        for e in entries {
            self.journal()
                .insert(e.seq.to_be_bytes(), e.to_bytes())
                .map_err(|err| self.db_err(err))?;
        }
        self.force_schema(1)
    }

    /// Rewrites every journal entry as schema 3 kept it (JSON, a key each): tests use it
    /// to stand for a workspace written by the weft before this one.
    #[doc(hidden)]
    pub fn journal_as_schema_three_for_test(&self) -> Result<()> {
        let entries = self.stored_entries(false).collect::<Result<Vec<_>>>()?;
        self.journal().clear().map_err(|err| self.db_err(err))?;
        for s in entries {
            let json = serde_json::to_vec(&s).map_err(|e| StoreError::invalid(e.to_string()))?;
            self.journal()
                .insert(s.seq.to_be_bytes(), json)
                .map_err(|err| self.db_err(err))?;
        }
        self.force_schema(3)
    }

    /// Rewrites the journal in blocks, as a compaction leaves it (tests damage blocks).
    #[doc(hidden)]
    pub fn pack_journal_for_test(&self) -> Result<()> {
        let entries = self.journal_bytes().collect::<Result<Vec<_>>>()?;
        self.journal().clear().map_err(|err| self.db_err(err))?;
        for (k, v) in pack(entries) {
            self.journal()
                .insert(k, v)
                .map_err(|err| self.db_err(err))?;
        }
        Ok(())
    }

    /// The stored bytes of entry `seq` (tests look at what is kept).
    #[doc(hidden)]
    pub fn raw_journal_for_test(&self, seq: u64) -> Result<Option<Vec<u8>>> {
        for e in self.journal_bytes() {
            let (at, bytes) = e?;
            if at == seq {
                return Ok(Some(bytes));
            }
        }
        Ok(None)
    }

    /// How many keys the journal tree holds (tests look at how entries are grouped).
    #[doc(hidden)]
    pub fn journal_keys_for_test(&self) -> usize {
        self.journal().len()
    }

    /// Journal entries without their values (sequence, group, time, user, operation,
    /// id, what it undoes), oldest first: what a walk over the whole journal needs,
    /// without reading the log.
    pub fn journal_heads(&self) -> impl Iterator<Item = Result<JournalEntry>> + '_ {
        self.stored_entries(false).map(move |s| {
            let s = s?;
            Ok(JournalEntry {
                seq: s.seq,
                group: s.group,
                time: s.time,
                user: s.user,
                op: s.op,
                id: s.id,
                before: None,
                after: None,
                undoes: s.undoes,
                from: None,
            })
        })
    }

    /// The operation `pick` takes, walking the journal's operations newest first by
    /// their headers (no values read): `pick` sees each operation's headers, newest
    /// first, and skips it, takes it or stops the walk. The taken operation's entries
    /// are read whole.
    fn find_operation(
        &self,
        mut pick: impl FnMut(&[Stored]) -> Walk,
    ) -> Result<Option<Vec<JournalEntry>>> {
        let mut op: Vec<Stored> = Vec::new();
        let mut heads = self.stored_entries(true);
        loop {
            let next = heads.next().transpose()?;
            let ended = match (&next, op.first()) {
                (_, None) => false,
                (Some(s), Some(first)) => s.group != first.group,
                (None, Some(_)) => true,
            };
            if ended {
                match pick(&op) {
                    Walk::Take => {
                        return op
                            .into_iter()
                            .map(|s| s.entry(&self.log))
                            .collect::<Result<Vec<_>>>()
                            .map(Some)
                    }
                    Walk::Stop => return Ok(None),
                    Walk::Skip => op.clear(),
                }
            }
            match next {
                Some(s) => op.push(s),
                None => return Ok(None),
            }
        }
    }

    /// The newest operation that can still be undone: not an undo or a redo itself, and
    /// not undone (an undo that a redo took back undoes nothing any more). Undoing twice
    /// walks further back.
    fn undo_target(&self) -> Result<Option<Vec<JournalEntry>>> {
        let mut undone = std::collections::HashSet::new();
        self.find_operation(|op| {
            if undone.contains(&op[0].group) {
                return Walk::Skip;
            }
            if op[0].op.starts_with(super::shared::SYNC_OP_PREFIX) {
                return Walk::Stop;
            }
            match op[0].undoes {
                Some(target) => {
                    undone.insert(target);
                    Walk::Skip
                }
                None => Walk::Take,
            }
        })
    }

    /// The undo that `redo` would take back: the newest undo not yet redone, provided
    /// nothing but undos and redos came after it. Any other change ends what can be
    /// redone, as in an editor.
    fn redo_target(&self) -> Result<Option<Vec<JournalEntry>>> {
        let mut redone = std::collections::HashSet::new();
        self.find_operation(|op| {
            let head = &op[0];
            match head.undoes {
                _ if redone.contains(&head.group) => Walk::Skip,
                Some(target) if head.op == REDO => {
                    redone.insert(target);
                    Walk::Skip
                }
                Some(_) => Walk::Take,
                None => Walk::Stop,
            }
        })
    }

    /// The name of the operation whose group is `group`: the op of its first step.
    fn operation_name(&self, group: u64) -> Result<String> {
        for s in self.stored_entries(true) {
            let s = s?;
            if s.seq == group {
                return Ok(s.op);
            }
            if s.seq < group {
                break;
            }
        }
        Ok("change".into())
    }

    /// What `undo` would do now, in one line: `set Q3: status parked → active`, `add
    /// note: removes N12 and 2 links`; `None` when there is nothing to undo.
    pub fn undo_preview(&self) -> Result<Option<String>> {
        Ok(self.undo_target()?.map(|entries| describe_undo(&entries)))
    }

    /// Reverts the newest operation not yet undone, as a new journaled operation.
    /// Returns the operation's name and what was touched, or `None` when there is
    /// nothing to undo.
    pub fn undo(&mut self) -> Result<Option<(String, Committed)>> {
        let Some(entries) = self.undo_target()? else {
            return Ok(None);
        };
        // named by its first step: "add note", even when its grade was set after
        let op = entries[entries.len() - 1].op.clone();
        let done = self.revert(&entries, UNDO, &op)?;
        Ok(Some((op, done)))
    }

    /// What `redo` would do now, in one line, as [`Store::undo_preview`] says it: `set
    /// Q3: status active → parked`, `add note: brings back N12 and 2 links`; `None`
    /// when there is nothing to redo.
    pub fn redo_preview(&self) -> Result<Option<String>> {
        let Some(entries) = self.redo_target()? else {
            return Ok(None);
        };
        let op = self.operation_name(entries[0].undoes.unwrap_or(entries[0].group))?;
        // the undo reverted the action newest step first: its own order is the action's
        Ok(Some(describe_revert(&op, entries.iter())))
    }

    /// Takes back the newest undo not yet redone, when nothing else has changed since
    /// the undos: a new journaled operation (`redo`, which names the undo it takes back
    /// as what it undoes), reverting the undo whole, so the action it undid is whole
    /// again and the next `undo` reverts it again. Returns the name of the action
    /// redone and what was touched, or `None` when there is nothing to redo.
    pub fn redo(&mut self) -> Result<Option<(String, Committed)>> {
        let Some(entries) = self.redo_target()? else {
            return Ok(None);
        };
        let op = self.operation_name(entries[0].undoes.unwrap_or(entries[0].group))?;
        let done = self.revert(&entries, REDO, &op)?;
        Ok(Some((op, done)))
    }

    /// Reverts one operation (its entries, newest first) as a new operation `how`
    /// (undo or redo) that names the reverted group as what it undoes. `op` names the
    /// action in a refusal: a record changed since cannot be reverted.
    fn revert(&mut self, entries: &[JournalEntry], how: &str, op: &str) -> Result<Committed> {
        let group = entries[0].group;
        let mut changes = Vec::with_capacity(entries.len());
        // what each record will hold once the entries reverted so far are: one action
        // may change a record in several steps
        let mut pending: std::collections::HashMap<crate::model::Id, Option<Record>> =
            Default::default();
        // entries are newest first: revert in that order
        for e in entries {
            let current = match pending.get(&e.id) {
                Some(r) => r.clone(),
                None => self.get(e.id)?,
            };
            let want = e.record(&e.before)?;
            let expected_now = e.record(&e.after)?;
            if current != expected_now {
                return Err(StoreError::invalid(format!(
                    "cannot {how} {op}: {} has changed since",
                    e.id
                )));
            }
            pending.insert(e.id, want.clone());
            changes.push(Change {
                before: current,
                after: want,
            });
        }
        self.commit(how, changes, Some(group))
    }
}

/// The operation an undo writes.
const UNDO: &str = "undo";
/// The operation a redo writes: it undoes an undo.
const REDO: &str = "redo";

/// What [`Store::find_operation`] does with an operation.
enum Walk {
    Skip,
    Take,
    Stop,
}

/// A value as the undo message shows it: text shortened, nothing as `none`.
fn shown(v: &serde_json::Value) -> String {
    use serde_json::Value;
    let text = match v {
        Value::Null => return "none".into(),
        Value::String(s) => s.clone(),
        Value::Array(items) if items.is_empty() => return "none".into(),
        Value::Array(items) => items.iter().map(shown).collect::<Vec<_>>().join(", "),
        Value::Object(o) => match o.get("text") {
            Some(t) => shown(t),
            None => v.to_string(),
        },
        other => other.to_string(),
    };
    let line = crate::model::text::first_line(&text);
    let short = crate::model::text::truncate(line, 40);
    if short.contains(' ') || short.is_empty() {
        format!("{short:?}")
    } else {
        short.into_owned()
    }
}

/// What undoing an operation (its entries, newest first) does, in one line.
pub(crate) fn describe_undo(entries: &[JournalEntry]) -> String {
    // the action is named by its first step (entries are newest first)
    let op = entries.last().map(|e| e.op.as_str()).unwrap_or("change");
    describe_revert(op, entries.iter().rev())
}

/// What reverting an operation does, in one line, named `op`: `steps` are the entries
/// reverted, in the order of the action itself (its own record before what followed
/// from it). An undo reverts the action's entries, a redo the undo's.
fn describe_revert<'a>(op: &str, steps: impl Iterator<Item = &'a JournalEntry>) -> String {
    let mut removed = Vec::new();
    let mut restored = Vec::new();
    let mut changed = Vec::new();
    for e in steps {
        match (&e.before, &e.after) {
            (None, Some(_)) => removed.push(e.id),
            (Some(_), None) => restored.push(e.id),
            (Some(before), Some(after)) => {
                let (Some(b), Some(a)) = (before.as_object(), after.as_object()) else {
                    continue;
                };
                let fields: Vec<String> = b
                    .iter()
                    .filter(|(k, _)| k.as_str() != "updated")
                    .filter(|(k, v)| a.get(k.as_str()) != Some(*v))
                    .map(|(k, v)| {
                        let now = a.get(k.as_str()).unwrap_or(&serde_json::Value::Null);
                        format!("{k} {} → {}", shown(now), shown(v))
                    })
                    .collect();
                changed.push((e.id, fields));
            }
            (None, None) => {}
        }
    }
    // a record the action made (or deleted) is not also reported as changed
    changed.retain(|(id, _)| !removed.contains(id) && !restored.contains(id));
    changed.dedup_by_key(|(id, _)| *id);
    let many = |ids: &[crate::model::Id], verb: &str| -> Option<String> {
        let (first, rest) = ids.split_first()?;
        let links = rest
            .iter()
            .filter(|i| i.kind == crate::model::Kind::Link)
            .count();
        let others = rest.len() - links;
        let mut also = Vec::new();
        if links > 0 {
            also.push(crate::model::vocab::counted(links, "link", "links"));
        }
        if others > 0 {
            also.push(crate::model::vocab::counted(
                others,
                "more record",
                "more records",
            ));
        }
        Some(if also.is_empty() {
            format!("{verb} {first}")
        } else {
            format!("{verb} {first} and {}", also.join(" and "))
        })
    };
    let mut parts = Vec::new();
    parts.extend(many(&removed, "removes"));
    parts.extend(many(&restored, "brings back"));
    if let Some((id, fields)) = changed.first() {
        let what = if fields.is_empty() {
            format!("{id} as it was")
        } else {
            format!("{id} {}", fields.join(", "))
        };
        parts.push(match changed.len() {
            1 => what,
            n => format!(
                "{what} (and {})",
                crate::model::vocab::counted(n - 1, "more record", "more records")
            ),
        });
    }
    format!("{op}: {}", parts.join("; "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{NewNote, NewQuestion};

    use crate::store::open_for_test as open;

    fn title(s: &Store, id: Id) -> Option<String> {
        s.get(id).unwrap().map(|r| r.title())
    }

    fn set(s: &mut Store, id: Id, field: &str, value: &str) {
        s.set_fields(id, &[(field.into(), value.into())]).unwrap();
    }

    #[test]
    fn redo_takes_back_undos_newest_first_and_undo_undoes_the_redone_again() {
        let d = tempfile::tempdir().unwrap();
        let mut s = open(d.path());
        let q = s.add_question(NewQuestion::new("one")).unwrap().id;
        set(&mut s, q, "title", "two");
        set(&mut s, q, "title", "three");
        assert_eq!(s.redo_preview().unwrap(), None, "nothing undone yet");
        assert_eq!(s.redo().unwrap(), None);

        s.undo().unwrap().unwrap();
        s.undo().unwrap().unwrap();
        assert_eq!(title(&s, q).as_deref(), Some("one"));
        assert_eq!(
            s.redo_preview().unwrap().as_deref(),
            Some("set: Q1 title one → two")
        );
        let (op, done) = s.redo().unwrap().unwrap();
        assert_eq!(op, "set");
        assert_eq!(done.ids, vec![q]);
        assert_eq!(title(&s, q).as_deref(), Some("two"));
        // the redo is journaled: `weft log` shows it, naming the undo it takes back
        let newest = s.log().next().unwrap().unwrap();
        assert_eq!(newest.op, "redo");
        let undo_of_three = s
            .log()
            .map(|e| e.unwrap())
            .find(|e| e.op == "undo")
            .unwrap();
        assert_eq!(newest.undoes, Some(undo_of_three.group));

        // an undo now undoes what was redone
        assert_eq!(
            s.undo_preview().unwrap().as_deref(),
            Some("set: Q1 title two → one")
        );
        s.undo().unwrap().unwrap();
        assert_eq!(title(&s, q).as_deref(), Some("one"));
        // and redo walks forward through every undo, then stops
        s.redo().unwrap().unwrap();
        assert_eq!(title(&s, q).as_deref(), Some("two"));
        s.redo().unwrap().unwrap();
        assert_eq!(title(&s, q).as_deref(), Some("three"));
        assert_eq!(s.redo().unwrap(), None);
        // undo goes back down the same steps
        s.undo().unwrap().unwrap();
        s.undo().unwrap().unwrap();
        s.undo().unwrap().unwrap();
        assert_eq!(s.get(q).unwrap(), None, "the question's adding undone too");
        assert_eq!(s.undo().unwrap(), None);
        assert!(s.check().unwrap().is_empty(), "{:?}", s.check());
        // the history survives a reopen: redo is read from the journal
        drop(s);
        let mut s = open(d.path());
        s.redo().unwrap().unwrap();
        assert_eq!(title(&s, q).as_deref(), Some("one"));
        assert!(s.check().unwrap().is_empty(), "{:?}", s.check());
    }

    #[test]
    fn a_new_change_ends_what_can_be_redone() {
        let d = tempfile::tempdir().unwrap();
        let mut s = open(d.path());
        let q = s.add_question(NewQuestion::new("one")).unwrap().id;
        set(&mut s, q, "title", "two");
        s.undo().unwrap().unwrap();
        set(&mut s, q, "priority", "1");
        assert_eq!(s.redo_preview().unwrap(), None);
        assert_eq!(s.redo().unwrap(), None);
        assert_eq!(title(&s, q).as_deref(), Some("one"));
        // undoing the new change makes it, and only it, redoable
        s.undo().unwrap().unwrap();
        s.redo().unwrap().unwrap();
        assert_eq!(s.redo().unwrap(), None, "the older undo stays undone");
        assert_eq!(title(&s, q).as_deref(), Some("one"));
    }

    #[test]
    fn redo_brings_back_a_multi_step_action_whole() {
        let d = tempfile::tempdir().unwrap();
        let mut s = open(d.path());
        let n = s
            .add_note(NewNote {
                text: "Meet at the car wash".into(),
                ..Default::default()
            })
            .unwrap()
            .id;
        s.continuing(|s| s.set_fields(n, &[("grade".into(), "B2P".into())]))
            .unwrap();
        s.continuing(|s| s.set_fields(n, &[("source".into(), "CHIS 12".into())]))
            .unwrap();
        let whole = s.get(n).unwrap();
        s.undo().unwrap().unwrap();
        assert_eq!(s.get(n).unwrap(), None, "one undo reverts the whole action");
        assert_eq!(
            s.redo_preview().unwrap().as_deref(),
            Some("add note: brings back N1")
        );
        let (op, _) = s.redo().unwrap().unwrap();
        assert_eq!(op, "add note");
        assert_eq!(
            s.get(n).unwrap(),
            whole,
            "grade and source came back with it"
        );
        s.undo().unwrap().unwrap();
        assert_eq!(s.get(n).unwrap(), None);
        assert!(s.check().unwrap().is_empty(), "{:?}", s.check());
    }

    #[test]
    fn a_redo_is_never_joined_by_the_next_step() {
        let d = tempfile::tempdir().unwrap();
        let mut s = open(d.path());
        let q = s.add_question(NewQuestion::new("one")).unwrap().id;
        s.undo().unwrap().unwrap();
        s.redo().unwrap().unwrap();
        // a step continuing "the last action" starts its own operation after a redo
        s.continuing(|s| s.set_fields(q, &[("title".into(), "two".into())]))
            .unwrap();
        s.undo().unwrap().unwrap();
        assert_eq!(title(&s, q).as_deref(), Some("one"));
    }
}
