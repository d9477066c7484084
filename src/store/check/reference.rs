//! The check as it was before it streamed (every implied index entry held in one map),
//! kept for the tests as the reference the streaming check must agree with.

use super::{describe_key, Problem};
use crate::model::{Kind, Record};
use crate::store::{index, Result, State, Store};
use std::collections::{BTreeMap, HashSet};

/// The check as it was before it streamed: every implied entry in one map. Kept here as
/// the reference the streaming check must agree with, problem for problem.
pub(super) fn reference(s: &Store) -> Result<Vec<Problem>> {
    let records = s.state.total();
    let tick = |_: u64| {};
    let mut done = 0u64;
    let mut problems = Vec::new();
    let mut expected: BTreeMap<Vec<u8>, Vec<u8>> = BTreeMap::new();
    let mut actual_state = State {
        next: s.state.next.clone(),
        seq: s.state.seq,
        ..State::default()
    };
    let mut present: HashSet<crate::model::Id> = HashSet::new();
    let mut all = Vec::new();
    for kind in Kind::ALL {
        for r in s.tree(kind).iter() {
            done += 1;
            tick(done);
            let (k, v) = r.map_err(|e| s.db_err(e))?;
            let num = k.as_ref().try_into().map(u64::from_be_bytes).unwrap_or(0);
            match Record::from_bytes(kind, &v) {
                Err(e) => problems.push(Problem(format!(
                    "{}{num}: cannot be read: {e}",
                    kind.letter()
                ))),
                Ok(rec) if rec.id().num != num || rec.id().kind != kind => {
                    problems.push(Problem(format!(
                        "{}{num}: stored under the wrong key (holds {})",
                        kind.letter(),
                        rec.id()
                    )))
                }
                Ok(rec) => {
                    let next = s.state.next.get(&kind.letter()).copied().unwrap_or(1);
                    if num >= next {
                        problems.push(Problem(format!(
                            "{}: id counter {next} would reuse it",
                            rec.id()
                        )));
                    }
                    present.insert(rec.id());
                    actual_state.account(&rec, 1);
                    expected.extend(index::entries(&rec));
                    all.push(rec);
                }
            }
        }
    }
    for rec in &all {
        let id = rec.id();
        super::refs::each_reference(rec, &mut |what, target| {
            if !present.contains(&target) {
                problems.push(Problem(format!("{id}: {what} {target} does not exist")));
            }
        });
        problems.extend(super::own_rules(rec));
    }
    let by_id: std::collections::HashMap<_, _> = all.iter().map(|r| (r.id(), r)).collect();
    if let Err(e) = crate::store::bulk::check_question_tree(&by_id) {
        problems.push(Problem(e.to_string()));
    }
    let log_len = crate::store::log::file_len(&s.path)?;
    if log_len != s.state.log_len {
        problems.push(Problem(format!(
            "the journal log holds {log_len} bytes but the database has applied {}",
            s.state.log_len
        )));
    }
    let mut seen = 0usize;
    let per_entry = records as f64 / expected.len().max(1) as f64;
    for (i, r) in s.index().iter().enumerate() {
        tick(records + ((i as f64 * per_entry) as u64).min(records));
        let (k, v) = r.map_err(|e| s.db_err(e))?;
        match expected.get(k.as_slice()) {
            None => problems.push(Problem(format!(
                "index entry {} matches no record",
                describe_key(&k)
            ))),
            Some(want) if *want != v => problems.push(Problem(format!(
                "index entry {} is out of date",
                describe_key(&k)
            ))),
            Some(_) => seen += 1,
        }
    }
    if seen < expected.len() {
        for k in expected.keys() {
            if s.index().get(k).map_err(|e| s.db_err(e))?.is_none() {
                problems.push(Problem(format!(
                    "index entry {} is missing",
                    describe_key(k)
                )));
            }
        }
    }
    fn clean<K: Ord + Clone>(m: &BTreeMap<K, u64>) -> BTreeMap<K, u64> {
        m.iter()
            .filter(|(_, v)| **v > 0)
            .map(|(k, v)| (k.clone(), *v))
            .collect()
    }
    if clean(&actual_state.counts) != clean(&s.state.counts)
        || clean(&actual_state.status) != clean(&s.state.status)
        || clean(&actual_state.sees) != clean(&s.state.sees)
    {
        problems.push(Problem("record counters do not match the records".into()));
    }
    let mut expect_seq = 0u64;
    for entry in s.log_forward() {
        tick(2 * records + expect_seq);
        match entry {
            Err(e) => problems.push(Problem(format!("journal entry {expect_seq}: {e}"))),
            Ok(e) => {
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
                expect_seq = e.seq + 1;
            }
        }
    }
    if expect_seq != s.state.seq {
        problems.push(Problem(format!(
            "journal ends at {expect_seq} but the counter says {}",
            s.state.seq
        )));
    }
    Ok(problems)
}
