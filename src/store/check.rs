//! `weft check`: recompute everything derived and compare it with what is stored.

use super::{index, Result, State, Store, INDEX};
use crate::model::{Kind, Record};
use std::collections::{BTreeMap, HashSet};
use std::fmt;

/// One thing wrong with a workspace, in a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem(pub String);

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

fn describe_key(k: &[u8]) -> String {
    let printable: String = k
        .iter()
        .map(|&b| {
            if b.is_ascii_graphic() {
                (b as char).to_string()
            } else {
                format!("\\x{b:02x}")
            }
        })
        .collect();
    match index::trailing_id(k) {
        Some(id) => format!("{printable} (for {id})"),
        None => printable,
    }
}

impl Store {
    /// Verifies the workspace: records decode under their own ids, every reference
    /// resolves, the indexes hold exactly what the records imply, the counters match and
    /// the journal is continuous. Returns every problem found.
    pub fn check(&self) -> Result<Vec<Problem>> {
        self.check_with_progress(&mut |_, _| {})
    }

    /// [`Store::check`], reporting `(done, total)` into `progress` as it goes. Its three
    /// passes count as the records, the records again (index entries, scaled) and the
    /// journal entries, so the count only grows.
    pub fn check_with_progress(&self, progress: &mut dyn FnMut(u64, u64)) -> Result<Vec<Problem>> {
        let records = self.state.total();
        let total = 2 * records + self.state.seq;
        let mut done = 0u64;
        let mut tick = |done: u64| {
            if done.is_multiple_of(1024) {
                progress(done, total);
            }
        };
        let mut problems = Vec::new();
        let mut expected: BTreeMap<Vec<u8>, Vec<u8>> = BTreeMap::new();
        let mut actual_state = State {
            next: self.state.next.clone(),
            seq: self.state.seq,
            ..State::default()
        };
        let mut present: HashSet<crate::model::Id> = HashSet::new();
        let mut all = Vec::new();
        for kind in Kind::ALL {
            for r in self.tree(kind).iter() {
                done += 1;
                tick(done);
                let (k, v) = r.map_err(|e| self.db_err(e))?;
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
                        let next = self.state.next.get(&kind.letter()).copied().unwrap_or(1);
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
            let mut refer = |what: &str, target: crate::model::Id| {
                if !present.contains(&target) {
                    problems.push(Problem(format!("{id}: {what} {target} does not exist")));
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
            if matches!(rec, Record::Assessment(_) | Record::Expectation(_)) {
                // the record's own rules and the kinds of its references (presence is
                // checked above)
                let kinds = super::rules::check(rec, &mut |target, kind, role| match kind {
                    Some(k) if target.kind != k => Err(super::StoreError::invalid(format!(
                        "{id}: {role} {target} is not a {}",
                        k.noun()
                    ))),
                    _ => Ok(()),
                });
                if let Err(e) = kinds {
                    problems.push(Problem(e.to_string()));
                }
            }
        }
        let by_id: std::collections::HashMap<_, _> = all.iter().map(|r| (r.id(), r)).collect();
        if let Err(e) = super::bulk::check_question_tree(&by_id) {
            problems.push(Problem(e.to_string()));
        }
        let log_len = super::log::file_len(&self.path)?;
        if log_len != self.state.log_len {
            problems.push(Problem(format!(
                "the journal log holds {log_len} bytes but the database has applied {}",
                self.state.log_len
            )));
        }
        let mut seen = 0usize;
        let per_entry = records as f64 / expected.len().max(1) as f64;
        for (i, r) in self.trees[INDEX].iter().enumerate() {
            tick(records + ((i as f64 * per_entry) as u64).min(records));
            let (k, v) = r.map_err(|e| self.db_err(e))?;
            match expected.get(k.as_ref()) {
                None => problems.push(Problem(format!(
                    "index entry {} matches no record",
                    describe_key(&k)
                ))),
                Some(want) if want.as_slice() != v.as_ref() => problems.push(Problem(format!(
                    "index entry {} is out of date",
                    describe_key(&k)
                ))),
                Some(_) => seen += 1,
            }
        }
        if seen < expected.len() {
            for k in expected.keys() {
                if self.trees[INDEX]
                    .get(k)
                    .map_err(|e| self.db_err(e))?
                    .is_none()
                {
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
        if clean(&actual_state.counts) != clean(&self.state.counts)
            || clean(&actual_state.status) != clean(&self.state.status)
            || clean(&actual_state.sees) != clean(&self.state.sees)
        {
            problems.push(Problem("record counters do not match the records".into()));
        }
        let mut expect_seq = 0u64;
        for entry in self.log_forward() {
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
        if expect_seq != self.state.seq {
            problems.push(Problem(format!(
                "journal ends at {expect_seq} but the counter says {}",
                self.state.seq
            )));
        }
        progress(total, total);
        Ok(problems)
    }

    /// Writes a record as it is, bypassing every rule and index (tests use it to make
    /// damage that `check` must find).
    #[doc(hidden)]
    pub fn put_raw_for_test(&self, rec: &Record) -> Result<()> {
        let id = rec.id();
        self.tree(id.kind)
            .insert(id.num.to_be_bytes(), rec.to_bytes())
            .map_err(|e| self.db_err(e))?;
        self.db.flush().map_err(|e| self.db_err(e))?;
        Ok(())
    }

    /// Damages one index entry on purpose (tests prove that `check` notices).
    #[doc(hidden)]
    pub fn corrupt_index_for_test(&self, key: &[u8], value: Option<&[u8]>) -> Result<()> {
        let t = &self.trees[INDEX];
        match value {
            Some(v) => t.insert(key, v).map(|_| ()),
            None => t.remove(key).map(|_| ()),
        }
        .map_err(|e| self.db_err(e))?;
        self.db.flush().map_err(|e| self.db_err(e))?;
        Ok(())
    }
}
