//! The journal side of `check`: the entries run 0, 1, 2, ... without gaps, none belongs
//! to a later group, and the last one meets the counter. Only each entry's header is
//! decoded; its before and after values are skipped unread (they are parsed only as far
//! as knowing where they end).

use super::Problem;
use crate::model::Id;
use crate::store::{journal, Result, Store, StoreError, JOURNAL};
use chrono::{DateTime, Utc};
use serde::de::IgnoredAny;
use serde::Deserialize;
use std::sync::atomic::{AtomicU64, Ordering};

/// A JSON journal entry as `check` reads it: the fields the journal tree keeps (the
/// store's `Stored`), with values held inline by schema 1 left undecoded, so an entry
/// reads here exactly when it reads there (and fails with the same words: serde names
/// the struct, hence its name).
#[derive(Deserialize)]
struct Stored {
    seq: u64,
    group: u64,
    #[serde(rename = "time")]
    _time: DateTime<Utc>,
    #[serde(rename = "user")]
    _user: String,
    #[serde(rename = "op")]
    _op: String,
    #[serde(rename = "id")]
    _id: Id,
    #[serde(default, rename = "before")]
    _before: Option<IgnoredAny>,
    #[serde(default, rename = "after")]
    _after: Option<IgnoredAny>,
    #[serde(default, rename = "undoes")]
    _undoes: Option<u64>,
    /// Where the entry's line (with its values) starts in the journal log.
    #[serde(default)]
    at: Option<u64>,
}

/// What `check` compares of an entry: its number, its group and where its line is.
struct Head {
    seq: u64,
    group: u64,
    at: Option<u64>,
}

/// The head of an entry in either form (the compact one of schema 4, or JSON).
fn head(v: &[u8]) -> Result<Head> {
    if journal::is_compact(v) {
        let s = journal::Stored::decode(v)?;
        return Ok(Head {
            seq: s.seq,
            group: s.group,
            at: s.at,
        });
    }
    let s = serde_json::from_slice::<Stored>(v).map_err(|e| StoreError::Corrupt {
        tree: "journal".into(),
        key: String::from("entry"),
        reason: e.to_string(),
    })?;
    Ok(Head {
        seq: s.seq,
        group: s.group,
        at: s.at,
    })
}

/// How many entries whose values are astray in the log `check` names one by one.
const MISPLACED_NAMED: u64 = 5;

/// Walks the journal in order, counting the entries passed into `passed`.
pub(super) fn scan(store: &Store, passed: &AtomicU64) -> Result<Vec<Problem>> {
    let mut problems = Vec::new();
    let mut expect_seq = 0u64;
    // where the log really holds each entry, read only if an entry points into it
    let mut in_log: Option<crate::store::log::Offsets> = None;
    let mut misplaced = 0u64;
    let mut i = 0u64;
    for r in store.trees[JOURNAL].iter() {
        let (k, v) = r.map_err(|e| store.db_err(e))?;
        let entries = match journal::split(&k, &v) {
            Ok(entries) => entries,
            Err(reason) => {
                problems.push(Problem(format!(
                    "journal {}: {reason}",
                    journal::describe(&k)
                )));
                continue;
            }
        };
        for v in entries {
            if i.is_multiple_of(1024) {
                passed.store(i, Ordering::Relaxed);
            }
            i += 1;
            let e = match head(v) {
                Ok(e) => e,
                Err(e) => {
                    problems.push(Problem(format!("journal entry {expect_seq}: {e}")));
                    continue;
                }
            };
            if e.seq != expect_seq {
                problems.push(Problem(format!(
                    "journal jumps from {} to {}",
                    expect_seq.saturating_sub(1),
                    e.seq
                )));
            }
            if e.group > e.seq {
                problems.push(Problem(format!(
                    "journal entry {} has a later group",
                    e.seq
                )));
            }
            if let Some(at) = e.at {
                if in_log.is_none() {
                    in_log = Some(crate::store::log::entry_offsets(
                        &store.path().join(crate::store::log::LOG_FILE),
                        store.state().seq,
                    )?);
                }
                let found = in_log.as_ref().and_then(|o| o.get(e.seq));
                if found != Some(at) {
                    // a log cut or missing lines puts every later entry astray: the first
                    // few are named, the rest counted
                    misplaced += 1;
                    if misplaced <= MISPLACED_NAMED {
                        problems.push(Problem(format!(
                            "journal entry {}: its values are not at byte {at} of the journal log",
                            e.seq
                        )));
                    }
                }
            }
            expect_seq = e.seq + 1;
        }
    }
    if misplaced > MISPLACED_NAMED {
        problems.push(Problem(format!(
            "and {} more journal entries whose values are not where the journal says in the journal log",
            misplaced - MISPLACED_NAMED
        )));
    }
    passed.store(expect_seq.max(store.state().seq), Ordering::Relaxed);
    let counter = store.state().seq;
    if expect_seq != counter {
        problems.push(Problem(format!(
            "journal ends at {expect_seq} but the counter says {counter}"
        )));
    }
    Ok(problems)
}
