//! The index side of `check`: one pass over the index tree into a digest (run beside
//! the pass over the records), and, only for the digest buckets where stored and implied
//! entries differ, the entry-by-entry comparison that names each missing, extra and
//! out-of-date entry. Memory stays bounded: the comparison holds at most [`BATCH`]
//! implied entries at a time and takes as many passes as the damage needs.

use super::digest::{bucket, BUCKETS};
use super::records::{each_record, implied};
use super::{describe_key, Problem};
use crate::store::{Result, Store};
use std::collections::BTreeMap;

/// The most entries (implied or stored) one comparison pass holds.
pub(super) const BATCH: u64 = 500_000;

/// The differing buckets (with their sizes) in groups of at most `limit` entries; a
/// bucket larger than that is a group of its own.
pub(super) fn batches(differing: &[(usize, u64)], limit: u64) -> Vec<Vec<usize>> {
    let mut out: Vec<Vec<usize>> = Vec::new();
    let mut size = 0u64;
    for &(b, n) in differing {
        match out.last_mut() {
            Some(group) if size + n <= limit => {
                group.push(b);
                size += n;
            }
            _ => {
                out.push(vec![b]);
                size = n;
            }
        }
    }
    out
}

/// Differing index entries named one by one; past this many (an index wiped at a
/// million records differs by millions), the rest are counted, not listed.
pub(super) const NAMED: usize = 10_000;

/// What one comparison found, each problem with the key it names (for ordering).
#[derive(Default)]
pub(super) struct Found {
    /// Stored entries no record implies, or holding another value than implied.
    pub stored: Vec<(Vec<u8>, Problem)>,
    /// Implied entries not stored.
    pub missing: Vec<(Vec<u8>, Problem)>,
    /// Differing entries found past [`NAMED`].
    pub more: u64,
}

impl Found {
    fn push(&mut self, missing: bool, key: Vec<u8>, problem: Problem) {
        if self.stored.len() + self.missing.len() >= NAMED {
            self.more += 1;
        } else if missing {
            self.missing.push((key, problem));
        } else {
            self.stored.push((key, problem));
        }
    }
}

/// Compares implied and stored entries one by one in the buckets `group`: one more pass
/// over the records and one over the index. `tick(records passed, entries passed)`.
pub(super) fn compare(
    store: &Store,
    group: &[usize],
    found: &mut Found,
    tick: &mut dyn FnMut(u64, u64),
) -> Result<()> {
    let mut wanted = vec![false; BUCKETS];
    group.iter().for_each(|&b| wanted[b] = true);
    let mut expected: BTreeMap<Vec<u8>, Vec<u8>> = BTreeMap::new();
    let mut passed = 0u64;
    each_record(store, |r| {
        passed += 1;
        if let Ok((_, rec)) = r {
            for (k, v) in implied(&rec) {
                if !wanted[bucket(&k)] {
                    continue;
                }
                // only damage makes two records imply one entry (two cells on one pair)
                if expected.insert(k.clone(), v).is_some() {
                    let p = Problem(format!(
                        "index entry {} is implied by more than one record",
                        describe_key(&k)
                    ));
                    found.push(false, k, p);
                }
            }
        }
        tick(passed, 0);
        Ok(())
    })?;
    for (i, r) in store.index().iter().enumerate() {
        tick(passed, i as u64 + 1);
        let (k, v) = r.map_err(|e| store.db_err(e))?;
        if !wanted[bucket(&k)] {
            continue;
        }
        let why = match expected.remove(k.as_slice()) {
            None => "matches no record",
            Some(want) if *want != v => "is out of date",
            Some(_) => continue,
        };
        let p = Problem(format!("index entry {} {why}", describe_key(&k)));
        found.push(false, k, p);
    }
    for k in expected.into_keys() {
        let p = Problem(format!("index entry {} is missing", describe_key(&k)));
        found.push(true, k, p);
    }
    Ok(())
}
