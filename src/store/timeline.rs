//! Index-only reads for the Timeline pane: reading on from an exact position of a time
//! index (so a window of rows can be extended without re-reading what it holds), and
//! counting entries per bucket, with a bounded cost, for the density strip. Nothing
//! here decodes a record.

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

/// The index key of a position on an axis: the entry (at, id), or with no id the place
/// before every entry at `at`.
fn position_key(axis: TimeAxis, at: NaiveDateTime, id: Option<Id>) -> Vec<u8> {
    let mut k = index::key(&[&[layout(axis).0], &ordered_i64(units(axis, at))]);
    if let Some(id) = id {
        k.extend_from_slice(&id.to_bytes());
    }
    k
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
        r: sled::Result<super::index::Entry>,
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

    fn time_range(
        &self,
        axis: TimeAxis,
        lo: Bound<Vec<u8>>,
        hi: Bound<Vec<u8>>,
    ) -> impl DoubleEndedIterator<Item = Result<(NaiveDateTime, Id)>> + '_ {
        self.index()
            .range::<Vec<u8>, _>((lo, hi))
            .map(move |r| self.decode_time_entry(axis, r))
    }

    /// Entries of an axis at or after a position, oldest first. The position is the entry
    /// (at, id), which need not exist, or with no id the first entry at `at`.
    pub fn timeline_from(
        &self,
        axis: TimeAxis,
        at: NaiveDateTime,
        id: Option<Id>,
    ) -> impl Iterator<Item = Result<(NaiveDateTime, Id)>> + '_ {
        let end = Bound::Excluded(vec![layout(axis).0 + 1]);
        self.time_range(axis, Bound::Included(position_key(axis, at, id)), end)
    }

    /// Entries of an axis strictly after the entry (at, id), oldest first.
    pub fn timeline_after(
        &self,
        axis: TimeAxis,
        at: NaiveDateTime,
        id: Id,
    ) -> impl Iterator<Item = Result<(NaiveDateTime, Id)>> + '_ {
        let end = Bound::Excluded(vec![layout(axis).0 + 1]);
        self.time_range(axis, Bound::Excluded(position_key(axis, at, Some(id))), end)
    }

    /// Entries of an axis strictly before a position (as for [`Store::timeline_from`]),
    /// newest first.
    pub fn timeline_before(
        &self,
        axis: TimeAxis,
        at: NaiveDateTime,
        id: Option<Id>,
    ) -> impl Iterator<Item = Result<(NaiveDateTime, Id)>> + '_ {
        let start = Bound::Included(vec![layout(axis).0]);
        self.time_range(axis, start, Bound::Excluded(position_key(axis, at, id)))
            .rev()
    }

    /// Counts entries of an axis per bucket, reading the index only. `edges` holds n+1
    /// ascending instants; bucket `i` counts the entries at or after `edges[i]` and
    /// before `edges[i + 1]` whose id kind `keep` accepts. Each bucket reads at most
    /// `limit` entries, so a count costs the same however busy the period: a bucket that
    /// reaches the limit says so, and its count is a lower bound.
    pub fn timeline_counts(
        &self,
        axis: TimeAxis,
        edges: &[NaiveDateTime],
        limit: usize,
        keep: impl Fn(Kind) -> bool,
    ) -> Result<Vec<BucketCount>> {
        let (prefix, _) = layout(axis);
        let mut out = Vec::with_capacity(edges.len().saturating_sub(1));
        for pair in edges.windows(2) {
            let lo = index::key(&[&[prefix], &ordered_i64(units(axis, pair[0]))]);
            let hi = index::key(&[&[prefix], &ordered_i64(units(axis, pair[1]))]);
            let mut c = BucketCount::default();
            if lo < hi {
                for (read, r) in self.index().range(lo..hi).enumerate() {
                    if read >= limit {
                        c.at_least = true;
                        break;
                    }
                    let (k, _) = r.map_err(|e| self.db_err(e))?;
                    let kind = k.get(9).and_then(|b| Kind::from_letter(*b as char));
                    if kind.is_some_and(&keep) {
                        c.count += 1;
                    }
                }
            }
            out.push(c);
        }
        Ok(out)
    }
}

/// The entries of one bucket of a time axis.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BucketCount {
    pub count: u64,
    /// The bucket held more entries than were read: `count` is a lower bound.
    pub at_least: bool,
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
            .timeline_before(TimeAxis::Occurred, all[2].0, Some(all[2].1))
            .map(|r| r.unwrap().1)
            .collect();
        assert_eq!(before, vec![all[1].1, all[0].1]);
        // recorded time is another index: it never bleeds into the occurred one
        let rec = s
            .timeline_after(TimeAxis::Occurred, all[3].0, all[3].1)
            .count();
        assert_eq!(rec, 0);
        let n = s
            .timeline_before(TimeAxis::Recorded, day("9999-01-01"), None)
            .count();
        assert_eq!(n, 4);
        // a position without an id: from the first entry at that time, or before it
        let from: Vec<Id> = s
            .timeline_from(TimeAxis::Occurred, at, None)
            .map(|r| r.unwrap().1)
            .collect();
        assert_eq!(from, vec![all[1].1, all[2].1, all[3].1]);
        let from_n2: Vec<Id> = s
            .timeline_from(TimeAxis::Occurred, at, Some(all[2].1))
            .map(|r| r.unwrap().1)
            .collect();
        assert_eq!(from_n2, vec![all[2].1, all[3].1]);
        let before: Vec<Id> = s
            .timeline_before(TimeAxis::Occurred, at, None)
            .map(|r| r.unwrap().1)
            .collect();
        assert_eq!(before, vec![all[0].1]);
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
        let counts = |limit, keep: fn(Kind) -> bool| -> Vec<(u64, bool)> {
            s.timeline_counts(TimeAxis::Occurred, &edges, limit, keep)
                .unwrap()
                .iter()
                .map(|c| (c.count, c.at_least))
                .collect()
        };
        // 2024-06-02 sits on the last edge, outside the last bucket
        let all = counts(100, |_| true);
        assert_eq!(all, vec![(2, false), (1, false), (0, false), (0, false)]);
        assert_eq!(counts(100, |k| k == Kind::Link), vec![(0, false); 4]);
        // a busy bucket stops at the limit and says its count is a lower bound
        assert_eq!(counts(1, |_| true)[0], (1, true));
        assert_eq!(counts(1, |_| true)[1], (1, false));
    }
}
