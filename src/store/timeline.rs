//! Index-only reads for the Timeline pane: reading on from an exact position of a time
//! index (so a window of rows can be extended without re-reading what it holds), and
//! counting entries per bucket for the density strip. Nothing here decodes a record.

use super::index::{self, ordered_i64, trailing_id};
use super::{Result, Store, StoreError, TimeAxis};
use crate::model::{Id, Kind};
use chrono::{DateTime, NaiveDateTime};
use std::ops::Bound;

/// The index prefix of an axis and how many microseconds one unit of its key holds.
fn layout(axis: TimeAxis) -> (u8, i64) {
    match axis {
        TimeAxis::Occurred => (index::OCCURRED, 1_000_000),
        TimeAxis::Recorded => (index::RECORDED, 1),
    }
}

/// An instant as the axis's key value (floored to the key's unit).
fn units(axis: TimeAxis, at: NaiveDateTime) -> i64 {
    at.and_utc().timestamp_micros().div_euclid(layout(axis).1)
}

/// The full index key of the entry (at, id) on an axis.
fn entry_key(axis: TimeAxis, at: NaiveDateTime, id: Id) -> Vec<u8> {
    index::key(&[
        &[layout(axis).0],
        &ordered_i64(units(axis, at)),
        &id.to_bytes(),
    ])
}

/// The key value of a time-index key, in the axis's units.
fn raw_units(k: &[u8]) -> i64 {
    let raw: [u8; 8] = k
        .get(1..9)
        .and_then(|b| b.try_into().ok())
        .unwrap_or_default();
    (u64::from_be_bytes(raw) ^ (1 << 63)) as i64
}

impl Store {
    fn decode_time_entry(
        &self,
        axis: TimeAxis,
        r: std::result::Result<(sled::IVec, sled::IVec), sled::Error>,
    ) -> Result<(NaiveDateTime, Id)> {
        let (k, _) = r.map_err(|e| self.db_err(e))?;
        let at = DateTime::from_timestamp_micros(raw_units(&k).saturating_mul(layout(axis).1))
            .map(|d| d.naive_utc())
            .unwrap_or_default();
        let id = trailing_id(&k).ok_or_else(|| StoreError::Corrupt {
            tree: "index".into(),
            key: format!("{k:?}"),
            reason: "time entry without an id".into(),
        })?;
        Ok((at, id))
    }

    /// Entries of an axis strictly after the entry (at, id), oldest first. `(at, id)` need
    /// not exist: it is a position in the index order.
    pub fn timeline_after(
        &self,
        axis: TimeAxis,
        at: NaiveDateTime,
        id: Id,
    ) -> impl Iterator<Item = Result<(NaiveDateTime, Id)>> + '_ {
        let lo = entry_key(axis, at, id);
        let hi = vec![layout(axis).0 + 1];
        self.index()
            .range::<Vec<u8>, _>((Bound::Excluded(lo), Bound::Excluded(hi)))
            .map(move |r| self.decode_time_entry(axis, r))
    }

    /// Entries of an axis strictly before the entry (at, id), newest first.
    pub fn timeline_before(
        &self,
        axis: TimeAxis,
        at: NaiveDateTime,
        id: Id,
    ) -> impl Iterator<Item = Result<(NaiveDateTime, Id)>> + '_ {
        let lo = vec![layout(axis).0];
        let hi = entry_key(axis, at, id);
        self.index()
            .range::<Vec<u8>, _>((Bound::Included(lo), Bound::Excluded(hi)))
            .rev()
            .map(move |r| self.decode_time_entry(axis, r))
    }

    /// Counts the entries of an axis per bucket in one range read of the index. `edges`
    /// holds n+1 ascending instants; bucket `i` counts the entries at or after
    /// `edges[i]` and before `edges[i + 1]` whose id kind `keep` accepts.
    pub fn timeline_counts(
        &self,
        axis: TimeAxis,
        edges: &[NaiveDateTime],
        keep: impl Fn(Kind) -> bool,
    ) -> Result<Vec<u64>> {
        let n = edges.len().saturating_sub(1);
        let mut counts = vec![0u64; n];
        if n == 0 {
            return Ok(counts);
        }
        let (prefix, _) = layout(axis);
        let bounds: Vec<i64> = edges.iter().map(|t| units(axis, *t)).collect();
        let lo = index::key(&[&[prefix], &ordered_i64(bounds[0])]);
        let hi = index::key(&[&[prefix], &ordered_i64(bounds[n])]);
        let mut bucket = 0usize;
        for r in self.index().range(lo..hi) {
            let (k, _) = r.map_err(|e| self.db_err(e))?;
            let v = raw_units(&k);
            while bucket < n && v >= bounds[bucket + 1] {
                bucket += 1;
            }
            if bucket >= n {
                break;
            }
            let kind = k.get(9).and_then(|b| Kind::from_letter(*b as char));
            if v >= bounds[bucket] && kind.is_some_and(&keep) {
                counts[bucket] += 1;
            }
        }
        Ok(counts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{NewNote, OpenOptions};

    fn store_with(whens: &[&str]) -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::open(
            &dir.path().join("ws"),
            &OpenOptions {
                create: true,
                ..OpenOptions::default()
            },
        )
        .unwrap();
        for w in whens {
            s.add_note(NewNote {
                text: format!("note at {w}"),
                when: Some(w.parse().unwrap()),
                ..NewNote::default()
            })
            .unwrap();
        }
        (dir, s)
    }

    fn day(s: &str) -> NaiveDateTime {
        chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap()
    }

    #[test]
    fn after_and_before_continue_from_an_exact_position() {
        // N1 and N2 share one key time: the position must tell them apart by id
        let (_d, s) = store_with(&["2024-03", "2024-03", "2024-03-05", "2024-01"]);
        let all: Vec<(NaiveDateTime, Id)> = s
            .timeline(TimeAxis::Occurred, None, None)
            .map(|r| r.unwrap())
            .collect();
        let ids: Vec<String> = all.iter().map(|(_, i)| i.to_string()).collect();
        assert_eq!(ids, ["N4", "N1", "N2", "N3"]);
        let (at, id) = all[1];
        let after: Vec<Id> = s
            .timeline_after(TimeAxis::Occurred, at, id)
            .map(|r| r.unwrap().1)
            .collect();
        assert_eq!(after, vec![all[2].1, all[3].1]);
        let before: Vec<Id> = s
            .timeline_before(TimeAxis::Occurred, all[2].0, all[2].1)
            .map(|r| r.unwrap().1)
            .collect();
        assert_eq!(before, vec![all[1].1, all[0].1]);
        // recorded time is another index: it never bleeds into the occurred one
        let rec = s
            .timeline_after(TimeAxis::Occurred, all[3].0, all[3].1)
            .count();
        assert_eq!(rec, 0);
        let n = s
            .timeline_before(TimeAxis::Recorded, day("9999-01-01"), id)
            .count();
        assert_eq!(n, 4);
    }

    #[test]
    fn counts_fall_into_half_open_buckets() {
        let (_d, s) = store_with(&["2024-03-01", "2024-03-31 23:59", "2024-04", "2024-06-02"]);
        let edges = [
            day("2024-03-01"),
            day("2024-04-01"),
            day("2024-05-01"),
            day("2024-06-01"),
            day("2024-06-02"),
        ];
        let c = s
            .timeline_counts(TimeAxis::Occurred, &edges, |_| true)
            .unwrap();
        // 2024-06-02 sits on the last edge, outside the last bucket
        assert_eq!(c, vec![2, 1, 0, 0]);
        let none = s
            .timeline_counts(TimeAxis::Occurred, &edges, |k| k == Kind::Link)
            .unwrap();
        assert_eq!(none, vec![0, 0, 0, 0]);
    }
}
