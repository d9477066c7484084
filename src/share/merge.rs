//! The merge of a shared enquiry, as a pure function of the operations: every member
//! applies other members' operations in the order (Lamport clock, writer, number) and
//! keeps, for each field of each record, the operations whose value no later operation
//! has seen and replaced (its *heads*).
//!
//! - A field's value is its newest head's by that order, whatever order the operations
//!   arrived in: an operation that has seen a head replaces it; one that has not is
//!   *concurrent* with it, and the newer of the two wins.
//! - Two concurrent heads of one field with different values are a **conflict**. The
//!   member whose operation won opens a question about it when it meets the other, so
//!   the question is that member's operation and reaches everyone alike; no member
//!   decides silently and no two members open the same question.
//! - Removal wins over a concurrent change: the change is dropped, a conflict; records
//!   that refer to a removed one go with it, as the member who removed it would have
//!   removed them had it seen them.
//!
//! A record's fields are its JSON object's members. `updated` says when anything last
//! changed and is merged like any field, but two values of it are never a conflict.

use crate::model::{Id, Kind, Record};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, HashMap};

/// Fields two members may change concurrently without a conflict.
const BOOKKEEPING: &[&str] = &["updated"];

/// One operation of a member's journal: a change of one record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Op {
    /// The writer (member) and its own number for this operation, from 0.
    #[serde(skip)]
    pub w: String,
    #[serde(skip)]
    pub n: u64,
    /// The Lamport clock: one more than the highest the writer had seen.
    pub lamport: u64,
    /// For every writer, how many of its operations the writer had seen.
    pub seen: BTreeMap<String, u64>,
    /// The writer's local journal sequence number of the change (its own bookkeeping).
    pub seq: u64,
    #[serde(deserialize_with = "crate::model::stamp::deserialize")]
    pub time: DateTime<Utc>,
    pub user: String,
    pub op: String,
    pub id: Id,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

impl Op {
    /// The merge order, borrowed: the same order as [`Op::stamp`], without a copy.
    pub fn order(&self) -> (u64, &str, u64) {
        (self.lamport, &self.w, self.n)
    }

    /// The merge order: Lamport clock, then writer, then number.
    pub fn stamp(&self) -> Stamp {
        Stamp(self.lamport, self.w.clone(), self.n)
    }

    /// Whether this operation's writer had seen operation `n` of writer `w`.
    pub fn saw(&self, w: &str, n: u64) -> bool {
        if w == self.w {
            n < self.n
        } else {
            self.seen.get(w).is_some_and(|&count| count > n)
        }
    }

    /// `w #n`, for messages.
    pub fn name(&self) -> String {
        format!("{} #{}", self.w, self.n)
    }
}

/// An operation's place in the merge order.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Stamp(pub u64, pub String, pub u64);

/// An operation whose value of a field stands (no operation seen here replaced it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Head {
    pub w: String,
    pub n: u64,
    pub lamport: u64,
    pub user: String,
    /// The value it gave the field, as JSON text (`null` when it took the field away).
    pub value: String,
}

impl Head {
    fn of(op: &Op, value: Option<&Value>) -> Head {
        Head {
            w: op.w.clone(),
            n: op.n,
            lamport: op.lamport,
            user: op.user.clone(),
            value: value.map_or_else(|| "null".to_string(), Value::to_string),
        }
    }

    fn stamp(&self) -> Stamp {
        Stamp(self.lamport, self.w.clone(), self.n)
    }
}

/// What removed a record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tomb {
    pub w: String,
    pub n: u64,
    pub user: String,
}

/// A conflict the merge met.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Conflict {
    /// Two concurrent values of one field: the winner's stands.
    Field {
        id: Id,
        field: String,
        winner: Head,
        loser: Head,
    },
    /// Two records made for one place that holds one (a matrix cell, a gap dealt
    /// with): the one with the lower id stands, the other is set aside.
    Twin {
        place: String,
        kept: Id,
        kept_by: Tomb,
        dropped: Id,
        dropped_by: Tomb,
        /// The set-aside record, as JSON text.
        value: String,
    },
    /// A change of a record another member had removed meanwhile: the removal stands.
    Removed {
        id: Id,
        removed_by: Tomb,
        changed_by: Tomb,
        /// What the change did, in words.
        change: String,
    },
}

impl Conflict {
    /// The writer whose operation stands: the member who opens the question.
    pub fn owner(&self) -> &str {
        match self {
            Conflict::Field { winner, .. } => &winner.w,
            Conflict::Removed { removed_by, .. } => &removed_by.w,
            Conflict::Twin { kept_by, .. } => &kept_by.w,
        }
    }

    /// A key naming the two operations, the same wherever it is computed.
    pub fn key(&self) -> String {
        let (a, b) = match self {
            Conflict::Field { winner, loser, .. } => ((&winner.w, winner.n), (&loser.w, loser.n)),
            Conflict::Removed {
                removed_by,
                changed_by,
                ..
            } => ((&removed_by.w, removed_by.n), (&changed_by.w, changed_by.n)),
            Conflict::Twin {
                kept_by,
                dropped_by,
                ..
            } => ((&kept_by.w, kept_by.n), (&dropped_by.w, dropped_by.n)),
        };
        format!("{}#{}/{}#{}", a.0, a.1, b.0, b.1)
    }

    /// The record in conflict.
    pub fn id(&self) -> Id {
        match self {
            Conflict::Field { id, .. } | Conflict::Removed { id, .. } => *id,
            Conflict::Twin { kept, .. } => *kept,
        }
    }

    /// The question's title.
    pub fn title(&self) -> String {
        match self {
            Conflict::Field {
                id,
                field,
                winner,
                loser,
            } => format!(
                "Conflict: {id} {field} set to {} by {} and {} by {}",
                short(&winner.value),
                winner.user,
                short(&loser.value),
                loser.user
            ),
            Conflict::Removed {
                id,
                removed_by,
                changed_by,
                change,
            } => format!(
                "Conflict: {id} deleted by {} while {} {change}",
                removed_by.user, changed_by.user
            ),
            Conflict::Twin {
                place,
                kept,
                kept_by,
                dropped,
                dropped_by,
                ..
            } => format!(
                "Conflict: {place} made twice: {kept} by {} and {dropped} by {}",
                kept_by.user, dropped_by.user
            ),
        }
    }

    /// The question's detail: both operations and what stands.
    pub fn detail(&self) -> String {
        match self {
            Conflict::Field {
                field,
                winner,
                loser,
                ..
            } => format!(
                "Two analysts changed {field} without seeing each other's change.\n\
                 Kept (later in the merge order): {} from {} ({} #{}, clock {}).\n\
                 Set aside: {} from {} ({} #{}, clock {}).\n\
                 Set the value you agree on: that change supersedes both.\n\
                 conflict {}",
                winner.value,
                winner.user,
                winner.w,
                winner.n,
                winner.lamport,
                loser.value,
                loser.user,
                loser.w,
                loser.n,
                loser.lamport,
                self.key()
            ),
            Conflict::Removed {
                removed_by,
                changed_by,
                ..
            } => format!(
                "The record was deleted ({} #{}) by {} while {} changed it ({} #{}) without \
                 seeing the deletion. The deletion stands; the change is in the journal.\n\
                 conflict {}",
                removed_by.w,
                removed_by.n,
                removed_by.user,
                changed_by.user,
                changed_by.w,
                changed_by.n,
                self.key()
            ),
            Conflict::Twin {
                kept,
                dropped,
                dropped_by,
                value,
                ..
            } => format!(
                "Two analysts made a record for the same place without seeing each other's.\n\
                 Kept (the lower id): {kept}.\n\
                 Set aside: {dropped} from {} ({} #{}): {value}\n\
                 Change {kept} if the set-aside one was right.\n\
                 conflict {}",
                dropped_by.user,
                dropped_by.w,
                dropped_by.n,
                self.key()
            ),
        }
    }
}

/// The place a record holds that no other record may hold at once: an assessment's
/// matrix cell, a dismissal's gap.
pub fn place_of(kind: Kind, value: &Value) -> Option<String> {
    match kind {
        Kind::Assessment => Some(format!(
            "cell {}×{}",
            value.get("hypothesis")?.as_str()?,
            value.get("note")?.as_str()?
        )),
        Kind::Dismissal => Some(format!("gap {}", value.get("key")?.as_str()?)),
        _ => None,
    }
}

/// A value as a title shows it: strings without quotes, cut at 40 characters.
fn short(json: &str) -> String {
    let text = match serde_json::from_str::<Value>(json) {
        Ok(Value::String(s)) => s,
        Ok(Value::Null) => "nothing".to_string(),
        _ => json.to_string(),
    };
    let mut out: String = text.chars().take(40).collect();
    if text.chars().count() > 40 {
        out.push('…');
    }
    out
}

/// What the merge knows, kept between syncs.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Merge {
    /// Per record, per field: the heads (none kept for a field nobody changed since the
    /// record was made or shared: everyone has seen its value).
    pub heads: BTreeMap<String, BTreeMap<String, Vec<Head>>>,
    /// Records removed, and by what.
    pub tombs: BTreeMap<String, Tomb>,
    /// The highest Lamport clock seen.
    pub clock: u64,
    /// Per writer, how many of its operations were applied or written here.
    pub seen: BTreeMap<String, u64>,
    /// Records that hold a place ([`place_of`]), by the operation that made them.
    #[serde(default)]
    pub made: BTreeMap<String, (String, u64)>,
}

/// A record's value after an operation, for the store.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub id: Id,
    pub after: Option<Value>,
    /// The operation (index into the batch) it comes from.
    pub op: usize,
}

/// What merging a batch of other members' operations gives.
#[derive(Debug, Default)]
pub struct Outcome {
    pub steps: Vec<Step>,
    pub conflicts: Vec<Conflict>,
    /// Operations dropped, and why (a change of a removed record).
    pub dropped: usize,
}

impl Outcome {
    /// Sets aside the record operation `op` (at `i` in its batch) made, with value `a`:
    /// it is made and removed again at once. Its maker made it and removed it when it
    /// met what set it aside, so every member's history holds it alike, and every
    /// member's id counter passes its number.
    fn set_aside(&mut self, op: &Op, i: usize, a: &Value, now: &mut HashMap<Id, Option<Value>>) {
        for after in [Some(a.clone()), None] {
            self.steps.push(Step {
                id: op.id,
                after,
                op: i,
            });
        }
        now.insert(op.id, None);
        self.dropped += 1;
    }
}

/// The records that refer to `id`, as the store knows them.
pub type Referrers<'a> = dyn FnMut(Id) -> Vec<Id> + 'a;
/// A record's current value, as the store knows it.
pub type Current<'a> = dyn FnMut(Id) -> Option<Value> + 'a;
/// Whether a record exists, as the store knows it (what [`Current`] answers, unread).
pub type Exists<'a> = dyn FnMut(Id) -> bool + 'a;
/// The record that holds a place ([`place_of`]) of a kind, as the store knows it.
pub type Occupant<'a> = dyn FnMut(Kind, &Value) -> Option<Id> + 'a;

/// What the merge reads of the store.
pub struct Reads<'a> {
    pub current: &'a mut Current<'a>,
    pub exists: &'a mut Exists<'a>,
    pub referrers: &'a mut Referrers<'a>,
    pub occupant: &'a mut Occupant<'a>,
}

impl Merge {
    /// Takes in one of this member's own operations, in the order it made them: its
    /// values replace every head of the fields it changed (it had seen them all).
    pub fn own(&mut self, op: &Op) {
        self.clock = self.clock.max(op.lamport);
        let count = self.seen.entry(op.w.clone()).or_default();
        *count = (*count).max(op.n + 1);
        let key = op.id.to_string();
        match (&op.before, &op.after) {
            (_, None) => {
                self.heads.remove(&key);
                self.tombs.insert(key, tomb(op));
            }
            (None, Some(a)) => {
                if place_of(op.id.kind, a).is_some() {
                    self.made.insert(key, (op.w.clone(), op.n));
                }
            }
            (Some(b), Some(a)) => {
                for f in changed_fields(b, a) {
                    let head = Head::of(op, a.get(&f));
                    self.heads
                        .entry(key.clone())
                        .or_default()
                        .insert(f, vec![head]);
                }
            }
        }
    }

    /// The next operation this member writes: its clock and what it has seen.
    pub fn next_own(&self) -> (u64, BTreeMap<String, u64>) {
        (self.clock + 1, self.seen.clone())
    }

    /// Merges other members' operations (`ops`, in merge order) into the records
    /// `current` gives; `me` is this member's writer id.
    pub fn merge(&mut self, ops: &[Op], reads: Reads<'_>) -> Outcome {
        let Reads {
            current,
            exists,
            referrers,
            occupant,
        } = reads;
        let mut out = Outcome::default();
        let mut now: HashMap<Id, Option<Value>> = HashMap::new();
        // places taken in this batch: by whom
        let mut places: HashMap<String, Id> = HashMap::new();
        for (i, op) in ops.iter().enumerate() {
            self.clock = self.clock.max(op.lamport);
            let count = self.seen.entry(op.w.clone()).or_default();
            *count = (*count).max(op.n + 1);
            let cur = match now.get(&op.id) {
                Some(v) => v.clone(),
                None => current(op.id),
            };
            let key = op.id.to_string();
            match (&op.before, &op.after) {
                (None, None) => {}
                (None, Some(a)) => {
                    if cur.is_some() || self.tombs.contains_key(&key) {
                        out.dropped += 1;
                        continue;
                    }
                    let missing = refers_to(op.id.kind, a)
                        .into_iter()
                        .find(|r| now.get(r).map_or_else(|| !exists(*r), Option::is_none));
                    if let Some(gone) = missing {
                        // made by someone who had not seen `gone` removed
                        if let Some(t) = self.tombs.get(&gone.to_string()).cloned() {
                            out.conflicts.push(Conflict::Removed {
                                id: gone,
                                removed_by: t.clone(),
                                changed_by: tomb(op),
                                change: format!("made {} referring to it", op.id),
                            });
                            self.tombs.insert(key, t);
                        }
                        out.set_aside(op, i, a, &mut now);
                        continue;
                    }
                    if let Some(place) = place_of(op.id.kind, a) {
                        let held = match places.get(&place) {
                            Some(id) => Some(*id),
                            None => occupant(op.id.kind, a),
                        }
                        .filter(|h| now.get(h).is_none_or(Option::is_some));
                        if let Some(held) = held.filter(|h| *h != op.id) {
                            let holder =
                                now.get(&held).cloned().flatten().or_else(|| current(held));
                            // the holder's maker: the operation that made it, and the
                            // analyst its record names
                            let (w, n) = self
                                .made
                                .get(&held.to_string())
                                .cloned()
                                .unwrap_or_default();
                            let user = holder
                                .as_ref()
                                .and_then(|v| v.get("by"))
                                .and_then(Value::as_str)
                                .unwrap_or("")
                                .to_string();
                            let held_by = Tomb { w, n, user };
                            if held < op.id {
                                // the place stays with the lower id: this one is set aside
                                out.conflicts.push(Conflict::Twin {
                                    place,
                                    kept: held,
                                    kept_by: held_by,
                                    dropped: op.id,
                                    dropped_by: tomb(op),
                                    value: a.to_string(),
                                });
                                self.tombs.insert(key, tomb(op));
                                out.set_aside(op, i, a, &mut now);
                                continue;
                            }
                            // the holder gives way to this lower id
                            out.conflicts.push(Conflict::Twin {
                                place: place.clone(),
                                kept: op.id,
                                kept_by: tomb(op),
                                dropped: held,
                                dropped_by: held_by,
                                value: holder.map_or_else(String::new, |v| v.to_string()),
                            });
                            self.heads.remove(&held.to_string());
                            self.tombs.insert(held.to_string(), tomb(op));
                            now.insert(held, None);
                            out.steps.push(Step {
                                id: held,
                                after: None,
                                op: i,
                            });
                        }
                        places.insert(place, op.id);
                        self.made.insert(key, (op.w.clone(), op.n));
                    }
                    now.insert(op.id, Some(a.clone()));
                    out.steps.push(Step {
                        id: op.id,
                        after: Some(a.clone()),
                        op: i,
                    });
                }
                (Some(_), None) => {
                    if cur.is_none() {
                        self.tombs.entry(key).or_insert_with(|| tomb(op));
                        continue;
                    }
                    self.remove(op, i, &mut now, current, referrers, &mut out);
                }
                (Some(b), Some(a)) => {
                    let Some(Value::Object(mut rec)) = cur else {
                        if let Some(t) = self.tombs.get(&key).cloned() {
                            if !op.saw(&t.w, t.n) {
                                out.conflicts.push(Conflict::Removed {
                                    id: op.id,
                                    removed_by: t,
                                    changed_by: tomb(op),
                                    change: format!(
                                        "changed its {}",
                                        changed_fields(b, a).join(", ")
                                    ),
                                });
                            }
                        }
                        out.dropped += 1;
                        continue;
                    };
                    let fields = self.heads.entry(key).or_default();
                    for f in changed_fields(b, a) {
                        let value = a.get(&f);
                        let mine = Head::of(op, value);
                        let standing: Vec<Head> = fields
                            .remove(&f)
                            .unwrap_or_default()
                            .into_iter()
                            .filter(|h| !op.saw(&h.w, h.n))
                            .collect();
                        if standing.iter().all(|h| h.stamp() < op.stamp()) {
                            match value {
                                Some(v) => rec.insert(f.clone(), v.clone()),
                                None => rec.remove(&f),
                            };
                        }
                        if !BOOKKEEPING.contains(&f.as_str()) {
                            for h in standing.iter().filter(|h| h.value != mine.value) {
                                let (winner, loser) = if h.stamp() > mine.stamp() {
                                    (h.clone(), mine.clone())
                                } else {
                                    (mine.clone(), h.clone())
                                };
                                out.conflicts.push(Conflict::Field {
                                    id: op.id,
                                    field: f.clone(),
                                    winner,
                                    loser,
                                });
                            }
                        }
                        let mut heads = standing;
                        heads.push(mine);
                        fields.insert(f, heads);
                    }
                    let after = Value::Object(rec);
                    if Record::from_json(op.id.kind, after.clone()).is_err() {
                        // the fields merged make no record (a rule across fields): the
                        // operation's own value stands for it whole
                        now.insert(op.id, Some(a.clone()));
                        out.steps.push(Step {
                            id: op.id,
                            after: Some(a.clone()),
                            op: i,
                        });
                        continue;
                    }
                    now.insert(op.id, Some(after.clone()));
                    out.steps.push(Step {
                        id: op.id,
                        after: Some(after),
                        op: i,
                    });
                }
            }
        }
        out
    }

    /// Removes the record `op` removes, and every record that refers to it (that the
    /// remover had not seen, or it would have removed it itself).
    fn remove(
        &mut self,
        op: &Op,
        i: usize,
        now: &mut HashMap<Id, Option<Value>>,
        current: &mut Current<'_>,
        referrers: &mut Referrers<'_>,
        out: &mut Outcome,
    ) {
        let mut pending = vec![op.id];
        while let Some(id) = pending.pop() {
            let present = match now.get(&id) {
                Some(v) => v.is_some(),
                None => current(id).is_some(),
            };
            if !present {
                continue;
            }
            let key = id.to_string();
            if let Some(fields) = self.heads.remove(&key) {
                let mut changed: Vec<(String, Head)> = Vec::new();
                for (f, heads) in fields {
                    if BOOKKEEPING.contains(&f.as_str()) {
                        continue;
                    }
                    for h in heads.into_iter().filter(|h| !op.saw(&h.w, h.n)) {
                        changed.push((f.clone(), h));
                    }
                }
                changed.sort_by_cached_key(|c| c.1.stamp());
                if let Some((_, h)) = changed.last() {
                    let fields: Vec<&str> = changed
                        .iter()
                        .filter(|(_, c)| c.w == h.w && c.n == h.n)
                        .map(|(f, _)| f.as_str())
                        .collect();
                    out.conflicts.push(Conflict::Removed {
                        id,
                        removed_by: tomb(op),
                        changed_by: Tomb {
                            w: h.w.clone(),
                            n: h.n,
                            user: h.user.clone(),
                        },
                        change: format!("changed its {}", fields.join(", ")),
                    });
                }
            }
            self.tombs.insert(key, tomb(op));
            now.insert(id, None);
            out.steps.push(Step {
                id,
                after: None,
                op: i,
            });
            // records made in this batch that refer to it, then those the store knows
            let mut refer: Vec<Id> = now
                .iter()
                .filter(|(rid, v)| {
                    **rid != id
                        && v.as_ref()
                            .is_some_and(|v| refers_to(rid.kind, v).contains(&id))
                })
                .map(|(rid, _)| *rid)
                .collect();
            refer.extend(referrers(id).into_iter().filter(|r| {
                now.get(r).is_none_or(|v| {
                    v.as_ref()
                        .is_some_and(|v| refers_to(r.kind, v).contains(&id))
                })
            }));
            refer.sort();
            refer.dedup();
            pending.extend(refer);
        }
    }
}

fn tomb(op: &Op) -> Tomb {
    Tomb {
        w: op.w.clone(),
        n: op.n,
        user: op.user.clone(),
    }
}

/// The members of two records' JSON objects whose values differ, in a fixed order.
pub fn changed_fields(before: &Value, after: &Value) -> Vec<String> {
    let empty = Map::new();
    let b = before.as_object().unwrap_or(&empty);
    let a = after.as_object().unwrap_or(&empty);
    let mut out: Vec<String> = a
        .iter()
        .filter(|(k, v)| b.get(*k) != Some(*v))
        .map(|(k, _)| k.clone())
        .collect();
    out.extend(b.keys().filter(|k| !a.contains_key(*k)).cloned());
    out.sort();
    out
}

/// The ids a record (as JSON) refers to and cannot stand without.
pub fn refers_to(kind: Kind, value: &Value) -> Vec<Id> {
    let Ok(rec) = Record::from_json_ref(kind, value) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let _ = crate::store::references(&rec, &mut |id, _, _| {
        out.push(id);
        Ok(())
    });
    out
}

#[cfg(test)]
mod tests;
