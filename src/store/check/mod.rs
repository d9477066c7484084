//! `weft check`: recompute everything derived and compare it with what is stored.

mod digest;
mod entries;
mod journal;
mod records;
#[cfg(test)]
mod reference;
mod refs;
mod split;
#[cfg(test)]
mod tests;

use super::search::file;
use super::{index, Result, Store, StoreError, INDEX};
use crate::model::Record;
use digest::Keys;
use std::collections::BTreeMap;
use std::fmt;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::Duration;

/// One thing wrong with a workspace, in a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem(pub String);

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A record's own rules and the kinds of the records it refers to, as a problem if
/// one is broken (whether the records referred to exist is checked apart).
fn own_rules(rec: &Record) -> Option<Problem> {
    let id = rec.id();
    super::rules::check(rec, &mut |target, kind, role| match kind {
        Some(k) if target.kind != k => Err(StoreError::invalid(format!(
            "{id}: {role} {target} is not a {}",
            k.noun()
        ))),
        _ => Ok(()),
    })
    .err()
    .map(|e| Problem(e.to_string()))
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

/// `entries` passed of about `of` entries, as a share of `records` units.
fn scaled(entries: u64, of: u64, records: u64) -> u64 {
    if of == 0 {
        return 0;
    }
    ((u128::from(entries) * u128::from(records) / u128::from(of)) as u64).min(records)
}

/// Progress that only grows and ends at its total, reported in steps.
struct Meter<'a> {
    report: &'a mut dyn FnMut(u64, u64),
    done: u64,
    shown: u64,
    total: u64,
}

impl<'a> Meter<'a> {
    fn new(report: &'a mut dyn FnMut(u64, u64), total: u64) -> Meter<'a> {
        report(0, total);
        Meter {
            report,
            done: 0,
            shown: 0,
            total,
        }
    }

    /// `done` units finished (never less than reported before, never past the total).
    fn at(&mut self, done: u64) {
        self.done = done.clamp(self.done, self.total);
        if self.done >= self.shown + 1024 || (self.done == self.total && self.shown < self.total) {
            self.shown = self.done;
            (self.report)(self.done, self.total);
        }
    }

    /// More work than first counted.
    fn grow(&mut self, more: u64) {
        self.total += more;
        (self.report)(self.done, self.total);
    }

    fn finish(&mut self) {
        self.done = self.total;
        self.shown = self.total;
        (self.report)(self.total, self.total);
    }
}

impl Store {
    /// Verifies the workspace: records decode under their own ids, every reference
    /// resolves, the indexes hold exactly what the records imply, the counters match and
    /// the journal is continuous. Returns every problem found.
    pub fn check(&self) -> Result<Vec<Problem>> {
        self.check_with_progress(&mut |_, _| {})
    }

    /// [`Store::check`], reporting `(done, total)` into `progress` as it goes: the
    /// records, the index entries (scaled to the records), then the journal entries. The
    /// count only grows and ends at the total; when the index differs from what the
    /// records imply, the passes that name each differing entry are added to the total.
    ///
    /// Memory does not grow with the workspace: the records are read once, kind by kind,
    /// in key ranges two threads share (a bit per id is kept, and the few references that
    /// point outside what is known yet); the journal once by its headers and the index
    /// once into a digest, in key ranges taken by whichever thread is free. Only the
    /// digest's differing buckets are then compared entry by entry.
    pub fn check_with_progress(&self, progress: &mut dyn FnMut(u64, u64)) -> Result<Vec<Problem>> {
        self.check_in_batches(progress, entries::BATCH, true)
    }

    /// [`Store::check_with_progress`], replaying the journal log's values to compare
    /// with the records only when `replay` is set (`weft check --quick` leaves it out;
    /// the log's sums, chain and order are verified either way).
    pub fn check_with(
        &self,
        progress: &mut dyn FnMut(u64, u64),
        replay: bool,
    ) -> Result<Vec<Problem>> {
        self.check_in_batches(progress, entries::BATCH, replay)
    }

    /// The check, comparing differing index entries at most `batch` at a time.
    fn check_in_batches(
        &self,
        progress: &mut dyn FnMut(u64, u64),
        batch: u64,
        replay: bool,
    ) -> Result<Vec<Problem>> {
        let records = self.state.total();
        let entries_of_journal = self.state.seq;
        let mut meter = Meter::new(progress, 2 * records + entries_of_journal);
        let keys = Keys::new();
        // the search file is compared with the records when it is current (so read)
        let with_search = file::is_current(&self.path);
        let scanned = AtomicU64::new(0);
        let journaled = AtomicU64::new(0);
        // First the records, on this thread and a second one (`records::scan`); then the
        // journal and the search file on a second thread while this one takes index
        // ranges, which the second takes too once it is done. Never more than two
        // threads at once: a third held 60 MiB more at 1M (another glibc arena) and
        // gained no time on two cores.
        let found = records::scan(self, &keys, with_search, &mut |done| {
            meter.at(done.min(records))
        })?;
        let est = found.digest.entries;
        let index = &self.trees[INDEX];
        let ranges = split::ranges(index).map_err(|e| self.db_err(e))?;
        let next_range = AtomicUsize::new(0);
        let (mine, other) = std::thread::scope(|s| {
            type Other = (
                digest::Digest,
                Vec<Problem>,
                Option<file::Digest>,
                super::log::verify::Verified,
            );
            let worker = s.spawn(|| -> Result<Other> {
                let log = super::log::verify::verify(self.log.path(), replay)?;
                let journal = journal::scan(self, &journaled)?;
                let search = match with_search {
                    true => file::digest(&self.path).ok().flatten(),
                    false => None,
                };
                let stored =
                    split::digest_ranges(index, &ranges, &next_range, &keys, &scanned, &mut || {})
                        .map_err(|e| self.db_err(e))?;
                Ok((stored, journal, search, log))
            });
            let other_done = || {
                scaled(scanned.load(Ordering::Relaxed), est, records)
                    + journaled.load(Ordering::Relaxed).min(entries_of_journal)
            };
            let mine =
                split::digest_ranges(index, &ranges, &next_range, &keys, &scanned, &mut || {
                    meter.at(records + other_done())
                })
                .map_err(|e| self.db_err(e));
            while !worker.is_finished() {
                meter.at(records + other_done());
                std::thread::sleep(Duration::from_millis(40));
            }
            let other = worker.join().unwrap_or_else(|_| {
                Err(StoreError::invalid(
                    "check: reading the index and the journal stopped unexpectedly",
                ))
            });
            (mine, other)
        });
        let (mut stored, journal_problems, search_file, log) = other?;
        stored.merge(&mine?);
        meter.at(2 * records + entries_of_journal);
        let mut problems = found.unreadable;
        problems.extend(found.references);
        problems.extend(found.tree_loop);
        let log_len = super::log::file_len(&self.path)?;
        let log_path = self.log.path().display();
        if let Some(d) = &log.damage {
            problems.push(Problem(format!("journal log {log_path} is {d}")));
        } else if log_len != self.state.log_len {
            problems.push(Problem(format!(
                "the journal log holds {log_len} bytes but the database has applied {}",
                self.state.log_len
            )));
        } else if log.values.is_some_and(|v| v != found.values) {
            problems.push(Problem(format!(
                "replaying journal log {log_path} does not give the database's records: one of them was changed outside weft, or the log was"
            )));
        }
        let differing = found.digest.differing(&stored);
        if !differing.is_empty() {
            let groups = entries::batches(&differing, batch);
            let mut at = meter.done;
            meter.grow(groups.len() as u64 * 2 * records);
            let mut located = entries::Found::default();
            for group in groups {
                entries::compare(self, &group, &mut located, &mut |passed, entries| {
                    let index = scaled(entries, stored.entries, records);
                    meter.at(at + passed.min(records) + index);
                })?;
                at += 2 * records;
                meter.at(at);
            }
            located.stored.sort_by(|a, b| a.0.cmp(&b.0));
            located.missing.sort_by(|a, b| a.0.cmp(&b.0));
            let named = located.stored.len() + located.missing.len();
            problems.extend(located.stored.into_iter().map(|(_, p)| p));
            problems.extend(located.missing.into_iter().map(|(_, p)| p));
            if located.more > 0 {
                problems.push(Problem(format!(
                    "and {} more index entries differ (the first {} are listed)",
                    located.more,
                    entries::NAMED
                )));
            } else if named == 0 {
                // the digests disagree but no entry could be named: say so, never
                // "healthy"
                problems.push(Problem(format!(
                    "the index differs from what the records imply in {} of its digest's buckets, \
                     but no single entry could be named",
                    differing.len()
                )));
            }
        }
        fn clean<K: Ord + Clone>(m: &BTreeMap<K, u64>) -> BTreeMap<K, u64> {
            m.iter()
                .filter(|(_, v)| **v > 0)
                .map(|(k, v)| (k.clone(), *v))
                .collect()
        }
        let actual = &found.state;
        if clean(&actual.counts) != clean(&self.state.counts)
            || clean(&actual.status) != clean(&self.state.status)
            || clean(&actual.sees) != clean(&self.state.sees)
        {
            problems.push(Problem("record counters do not match the records".into()));
        }
        if let (Some(on_disk), Some(want)) = (search_file, found.search) {
            if on_disk != want {
                let removed = match file::remove(&self.path) {
                    Ok(()) => "removed; the next search writes it afresh".to_string(),
                    Err(e) => format!("it could not be removed: {e}"),
                };
                problems.push(Problem(format!(
                    "the search file ({}) holds {} records' texts where the records give {}, or other texts: {removed}",
                    file::FILE,
                    on_disk.entries,
                    want.entries
                )));
            }
        }
        problems.extend(journal_problems);
        meter.finish();
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
        let mut edit = index::packed::Edit::new(t);
        match value {
            Some(v) => edit.insert(key.to_vec(), v.to_vec()),
            None => edit.remove(key),
        }
        .and_then(|()| t.apply_batch(edit.into_batch()))
        .map_err(|e| self.db_err(e))?;
        self.db.flush().map_err(|e| self.db_err(e))?;
        Ok(())
    }
}
