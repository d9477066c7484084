//! What a shared enquiry (several analysts exchanging journals, `weft sync`) needs of the
//! store: the member file that gives this workspace its seat, the ids a seat hands out,
//! the journal entries to send, and one commit that applies what other members did.

use super::{journal, Change, Committed, JournalEntry, Result, Store, StoreError};
use crate::model::{Id, Kind, Record};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

/// The file in a workspace that makes it a member of a shared enquiry.
pub const MEMBER_FILE: &str = "share.toml";

/// How many seats a shared enquiry has. A seat's records take the id numbers equal to
/// the seat modulo this, above every number the workspace had seen, so members never
/// hand out the same id and a workspace that becomes shared keeps its ids.
pub const SEATS: u64 = 16;

/// This workspace's membership of a shared enquiry (`share.toml`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    /// The member's writer id (8 lowercase hex digits): its journal file's name.
    pub writer: String,
    /// The seat, 0 to [`SEATS`] - 1: which id numbers this member hands out.
    pub seat: u64,
    /// The name the member's changes carry (`--as NAME`).
    pub name: String,
    /// The git remote the enquiry is exchanged through.
    pub remote: String,
}

impl Member {
    /// The member file of the workspace `dir`, when it is shared. Read without following
    /// a symlink; a file that does not parse is refused with its reason.
    pub fn read(dir: &Path) -> Result<Option<Member>> {
        let mut opts = std::fs::OpenOptions::new();
        opts.read(true);
        let mut file = match super::open::open_own(dir, MEMBER_FILE, &mut opts) {
            Ok(f) => f,
            Err(StoreError::Io { source, .. }) if source.kind() == std::io::ErrorKind::NotFound => {
                return Ok(None)
            }
            Err(e) => return Err(e),
        };
        let mut text = String::new();
        let path = dir.join(MEMBER_FILE);
        file.read_to_string(&mut text)
            .map_err(|e| super::error::io_err(&path, e))?;
        let m: Member = toml::from_str(&text).map_err(|e| {
            StoreError::invalid(format!("{}: {}", path.display(), e.message().trim_end()))
        })?;
        m.check()
            .map_err(|why| StoreError::invalid(format!("{}: {why}", path.display())))?;
        Ok(Some(m))
    }

    /// Whether the fields hold what they must.
    pub fn check(&self) -> std::result::Result<(), String> {
        if self.writer.len() != 8
            || !self
                .writer
                .bytes()
                .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
        {
            return Err(format!(
                "writer {:?} is not 8 lowercase hex digits",
                self.writer
            ));
        }
        if self.seat >= SEATS {
            return Err(format!("seat {} is not below {SEATS}", self.seat));
        }
        super::check_name(&self.name).map_err(|e| e.to_string())?;
        Ok(())
    }

    /// Writes the member file into `dir`, whole (owner-only, synced, renamed).
    pub fn write(&self, dir: &Path) -> Result<()> {
        let text = toml::to_string(self).map_err(|e| StoreError::invalid(e.to_string()))?;
        let path = dir.join(MEMBER_FILE);
        crate::fsutil::write_atomic(&path, text.as_bytes())
            .map_err(|e| super::error::io_err(&path, e))
    }
}

/// The number a seat hands out first at or above `next`, and the step between its
/// numbers.
pub fn seat_number(next: u64, seat: u64) -> u64 {
    next + (seat + SEATS - next % SEATS) % SEATS
}

/// The number handed out `offset` places on from the counter `next`: the next numbers
/// in turn, or in a shared workspace only those of the member's `seat`.
pub fn nth_number(next: u64, seat: Option<u64>, offset: u64) -> u64 {
    match seat {
        None => next + offset,
        Some(seat) => seat_number(next, seat) + offset * SEATS,
    }
}

/// What the journal calls a change another member made: `sync: ` and that member's
/// name for it. Undo stops at such a change: another analyst's work is changed, not
/// undone.
pub const SYNC_OP_PREFIX: &str = "sync: ";

/// Where a journal entry came from when another member made it: that member's writer id
/// and its own number for the operation.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Origin {
    pub w: String,
    pub n: u64,
}

/// One change another member made, as this workspace applies it: the record's value
/// after it (`None`: removed), who made it and when.
#[derive(Debug, Clone, PartialEq)]
pub struct Applied {
    pub id: Id,
    pub after: Option<Record>,
    pub user: String,
    pub time: DateTime<Utc>,
    pub op: String,
    pub from: Origin,
}

impl Store {
    /// This workspace's membership of a shared enquiry, read at open.
    pub fn member(&self) -> Option<&Member> {
        self.member.as_ref()
    }

    /// Takes up a membership just written (`weft share init` / `clone`): ids from now on
    /// come from its seat and changes carry its name.
    pub fn set_member(&mut self, m: Member) {
        self.user = m.name.clone();
        self.member = Some(m);
    }

    /// The id `reserve` hands out: the next number for `kind`, or in a shared workspace
    /// the next number of this member's seat, `offset` places on.
    pub(super) fn number_for(&self, kind: Kind, offset: u64) -> Id {
        let next = self.state.next.get(&kind.letter()).copied().unwrap_or(1);
        Id::new(
            kind,
            nth_number(next, self.member.as_ref().map(|m| m.seat), offset),
        )
    }

    /// Journal entries from sequence `seq` on, oldest first, with their values.
    pub fn entries_from(&self, seq: u64) -> impl Iterator<Item = Result<JournalEntry>> + '_ {
        let start = journal::block_key(seq);
        let tree = &self.trees[super::JOURNAL];
        tree.range(start..)
            .flat_map(move |r| -> Vec<Result<super::Stored>> {
                let (k, v) = match r {
                    Ok(kv) => kv,
                    Err(e) => return vec![Err(self.db_err(e))],
                };
                match journal::split(&k, &v) {
                    Ok(parts) => parts.into_iter().map(super::Stored::decode).collect(),
                    Err(reason) => vec![Err(StoreError::Corrupt {
                        tree: "journal".into(),
                        key: journal::describe(&k),
                        reason,
                    })],
                }
            })
            .filter(move |s| s.as_ref().map_or(true, |s| s.seq >= seq))
            .map(move |s| s.and_then(|s| s.entry(&self.log)))
    }

    /// Applies what other members did as one operation (op `sync`): each step's record
    /// becomes its `after`, in order (a record may change more than once), each journal
    /// entry naming the step's author, time, operation and origin. Steps that change
    /// nothing are left out. Journal log first, then one transaction, as every commit.
    pub fn commit_applied(&mut self, steps: Vec<Applied>) -> Result<Committed> {
        self.check_writable()?;
        let (changes, kept) = changes_of(steps, &mut |id| self.get(id))?;
        if changes.is_empty() {
            return Ok(Committed::default());
        }
        let first = self.state.seq;
        let before = (self.state.seq, self.state.log_len);
        let entries = entries_of(first, &changes, &kept);
        self.journal_and_apply("sync", &changes, &entries)?;
        let folded = super::commit::merge_changes(changes.clone());
        self.track_search_file(before, &folded);
        self.last_group = None;
        Ok(Committed {
            group: first,
            ids: folded.iter().map(Change::id).collect(),
            created: folded
                .iter()
                .filter(|c| c.before.is_none())
                .map(Change::id)
                .collect(),
            removed: folded
                .iter()
                .filter(|c| c.after.is_none())
                .map(Change::id)
                .collect(),
        })
    }
}

/// The changes `steps` make, each record's value before read through `get` (or from an
/// earlier step), with the steps that change something; a step holding another record
/// than its own is refused.
pub(super) fn changes_of(
    steps: Vec<Applied>,
    get: &mut dyn FnMut(Id) -> Result<Option<Record>>,
) -> Result<(Vec<Change>, Vec<Applied>)> {
    let mut now: HashMap<Id, Option<Record>> = HashMap::new();
    let mut changes = Vec::with_capacity(steps.len());
    let mut kept = Vec::with_capacity(steps.len());
    for step in steps {
        let before = match now.get(&step.id) {
            Some(v) => v.clone(),
            None => get(step.id)?,
        };
        if before == step.after {
            continue;
        }
        if let Some(rec) = &step.after {
            if rec.id() != step.id {
                return Err(StoreError::invalid(format!(
                    "{}: a change from {} #{} holds record {}",
                    step.id,
                    step.from.w,
                    step.from.n,
                    rec.id()
                )));
            }
        }
        now.insert(step.id, step.after.clone());
        changes.push(Change {
            before,
            after: step.after.clone(),
        });
        kept.push(step);
    }
    Ok((changes, kept))
}

/// The journal entries of the changes other members made ([`changes_of`]), one
/// operation from sequence `first` on, each naming its author, time and origin.
pub(super) fn entries_of(first: u64, changes: &[Change], kept: &[Applied]) -> Vec<JournalEntry> {
    changes
        .iter()
        .zip(kept)
        .enumerate()
        .map(|(i, (c, s))| JournalEntry {
            seq: first + i as u64,
            group: first,
            time: s.time,
            user: s.user.clone(),
            op: format!("{SYNC_OP_PREFIX}{}", s.op),
            id: s.id,
            before: c.before.as_ref().map(Record::to_json),
            after: c.after.as_ref().map(Record::to_json),
            undoes: None,
            from: Some(s.from.clone()),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seats_never_share_a_number() {
        for next in 1..200u64 {
            let mut seen = std::collections::HashSet::new();
            for seat in 0..SEATS {
                let first = seat_number(next, seat);
                assert!(first >= next && first < next + SEATS);
                assert_eq!(first % SEATS, seat);
                for k in 0..5 {
                    assert!(seen.insert(first + k * SEATS));
                }
            }
        }
    }
}
