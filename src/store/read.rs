//! Reading the workspace: single records, lists, and the index-backed queries every pane
//! needs (neighbours, the question tree, time ranges, search, shortest paths).

use super::index::{self, ordered_i64, trailing_id};
use super::{Result, Store, StoreError};
use crate::model::{Id, Kind, Link, Record, Status};
use chrono::{DateTime, NaiveDateTime};
use std::collections::HashMap;

pub use super::search::{rank, rescore, SearchHit};

/// Which way a link runs, seen from one of its ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Direction {
    Out,
    In,
}

impl Direction {
    pub fn arrow(self) -> &'static str {
        match self {
            Direction::Out => "->",
            Direction::In => "<-",
        }
    }
}

/// One link seen from a record: the link, its direction and the record at its other end.
#[derive(Debug, Clone, PartialEq)]
pub struct Neighbour {
    pub link: Link,
    pub dir: Direction,
    pub other: Id,
}

/// One step of a path: the link taken and the direction it was walked.
#[derive(Debug, Clone, PartialEq)]
pub struct PathStep {
    pub link: Link,
    pub dir: Direction,
    pub to: Id,
}

/// The two clocks of the timeline: when it happened, or when it was entered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeAxis {
    Occurred,
    Recorded,
}

impl Store {
    /// One record, or `None` when the id was never used or was deleted.
    pub fn get(&self, id: Id) -> Result<Option<Record>> {
        let tree = self.tree(id.kind);
        match tree.get(id.num.to_be_bytes()).map_err(|e| self.db_err(e))? {
            None => Ok(None),
            Some(v) => Record::from_bytes(id.kind, &v)
                .map(Some)
                .map_err(|e| StoreError::Corrupt {
                    tree: id.kind.noun().into(),
                    key: id.to_string(),
                    reason: e.to_string(),
                }),
        }
    }

    /// One record that must exist.
    pub fn require(&self, id: Id) -> Result<Record> {
        self.get(id)?.ok_or(StoreError::NotFound(id))
    }

    /// Every record of a kind, in id order, decoded as it is read.
    pub fn records(&self, kind: Kind) -> impl DoubleEndedIterator<Item = Result<Record>> + '_ {
        self.tree(kind).iter().map(move |r| {
            let (k, v) = r.map_err(|e| self.db_err(e))?;
            Record::from_bytes(kind, &v).map_err(|e| StoreError::Corrupt {
                tree: kind.noun().into(),
                key: format!("{k:?}"),
                reason: e.to_string(),
            })
        })
    }

    /// The ids under an index prefix (the id is the key's last nine bytes).
    pub(crate) fn index_ids(&self, prefix: &[u8]) -> Result<Vec<Id>> {
        let mut out = Vec::new();
        for r in self.index().scan_prefix(prefix) {
            let (k, _) = r.map_err(|e| self.db_err(e))?;
            if let Some(id) = trailing_id(&k) {
                out.push(id);
            }
        }
        Ok(out)
    }

    /// Sub-questions of `parent`, or the top-level questions for `None`, in id order.
    pub fn children(&self, parent: Option<Id>) -> Result<Vec<Id>> {
        let p = parent.map(|p| p.to_bytes()).unwrap_or(index::ROOT);
        self.index_ids(&index::key(&[&[index::PARENT], &p]))
    }

    /// Questions with a status, in id order.
    pub fn questions_with_status(&self, s: Status) -> Result<Vec<Id>> {
        self.questions_with_status_iter(s).collect()
    }

    /// [`Store::questions_with_status`], read from the index as the ids are taken: a
    /// listing prints as it reads and holds none of them.
    pub fn questions_with_status_iter(&self, s: Status) -> impl Iterator<Item = Result<Id>> + '_ {
        self.index()
            .scan_prefix([index::STATUS, s.index()])
            .filter_map(move |r| match r {
                Err(e) => Some(Err(self.db_err(e))),
                Ok((k, _)) => trailing_id(&k).map(Ok),
            })
    }

    /// Hypotheses of a question, in id order.
    pub fn hypotheses_of(&self, q: Id) -> Result<Vec<Id>> {
        self.index_ids(&index::key(&[&[index::HYPOTHESES], &q.to_bytes()]))
    }

    /// Records carrying a tag, in id order.
    pub fn tagged(&self, tag: &str) -> Result<Vec<Id>> {
        self.index_ids(&index::key(&[&[index::TAG], tag.as_bytes(), &[0]]))
    }

    /// Links that cite a note as their source.
    pub fn links_citing(&self, note: Id) -> Result<Vec<Id>> {
        self.index_ids(&index::key(&[&[index::CITES], &note.to_bytes()]))
    }

    /// The assessment cell for (hypothesis, note), if any.
    pub fn assessment(&self, h: Id, n: Id) -> Result<Option<Id>> {
        let k = index::key(&[&[index::ASSESS], &h.to_bytes(), &n.to_bytes()]);
        let v = self.index().get(&k).map_err(|e| self.db_err(e))?;
        Ok(v.and_then(|v| Id::from_bytes(&v)))
    }

    /// The matrix cells of a hypothesis (the cell's id is the entry's value).
    pub fn assessments_of_hypothesis(&self, h: Id) -> Result<Vec<Id>> {
        let prefix = index::key(&[&[index::ASSESS], &h.to_bytes()]);
        let mut out = Vec::new();
        for r in self.index().scan_prefix(prefix) {
            let (_, v) = r.map_err(|e| self.db_err(e))?;
            out.extend(Id::from_bytes(&v));
        }
        Ok(out)
    }

    /// Assessments citing a note.
    pub fn assessments_of_note(&self, n: Id) -> Result<Vec<Id>> {
        self.index_ids(&index::key(&[&[index::ASSESSED], &n.to_bytes()]))
    }

    /// The ids at the other end of every link touching `id`, with the link id and the
    /// direction, read from the index alone.
    pub fn adjacent(&self, id: Id) -> Result<Vec<(Id, Direction, Id)>> {
        let prefix = index::key(&[&[index::LINK_END], &id.to_bytes()]);
        let mut out = Vec::new();
        for r in self.index().scan_prefix(&prefix) {
            let (k, v) = r.map_err(|e| self.db_err(e))?;
            let dir = if k.get(10) == Some(&index::OUT) {
                Direction::Out
            } else {
                Direction::In
            };
            if let (Some(link), Some(other)) = (trailing_id(&k), Id::from_bytes(&v)) {
                out.push((link, dir, other));
            }
        }
        Ok(out)
    }

    /// Every link touching `id`, grouped as the index orders them: outgoing, then incoming.
    pub fn neighbours(&self, id: Id) -> Result<Vec<Neighbour>> {
        let mut out = Vec::new();
        for (link_id, dir, other) in self.adjacent(id)? {
            if let Some(Record::Link(link)) = self.get(link_id)? {
                out.push(Neighbour { link, dir, other });
            }
        }
        Ok(out)
    }

    /// Records on a time axis between two instants (inclusive), oldest first; reverse
    /// the iterator for newest first. Reads the time index only.
    pub fn timeline(
        &self,
        axis: TimeAxis,
        from: Option<NaiveDateTime>,
        to: Option<NaiveDateTime>,
    ) -> impl DoubleEndedIterator<Item = Result<(NaiveDateTime, Id)>> + '_ {
        let (prefix, scale) = match axis {
            TimeAxis::Occurred => (index::OCCURRED, 1_000_000i64),
            TimeAxis::Recorded => (index::RECORDED, 1i64),
        };
        let to_key = move |t: NaiveDateTime| -> i64 {
            let micros = t.and_utc().timestamp_micros();
            micros / scale
        };
        let lo = index::key(&[
            &[prefix],
            &ordered_i64(from.map(to_key).unwrap_or(i64::MIN)),
        ]);
        let hi = index::key(&[
            &[prefix],
            &ordered_i64(to.map(to_key).unwrap_or(i64::MAX)),
            &[0xff; 10],
        ]);
        self.index().range(lo..hi).map(move |r| {
            let (k, _) = r.map_err(|e| self.db_err(e))?;
            let raw: [u8; 8] = k[1..9].try_into().unwrap_or_default();
            let v = (u64::from_be_bytes(raw) ^ (1 << 63)) as i64;
            let at = DateTime::from_timestamp_micros(v.saturating_mul(scale))
                .map(|d| d.naive_utc())
                .unwrap_or_default();
            let id = trailing_id(&k).ok_or_else(|| StoreError::Corrupt {
                tree: "index".into(),
                key: format!("{k:?}"),
                reason: "time entry without an id".into(),
            })?;
            Ok((at, id))
        })
    }

    /// The shortest chain of links from `from` to `to`, at most `max_hops` links long,
    /// walking links either way. Breadth-first from both ends over the link-end index,
    /// always widening the smaller frontier, so a dense graph is not walked whole.
    pub fn shortest_path(
        &self,
        from: Id,
        to: Id,
        max_hops: usize,
    ) -> Result<Option<Vec<PathStep>>> {
        self.require(from)?;
        self.require(to)?;
        if from == to {
            return Ok(Some(Vec::new()));
        }
        // For each record reached: the neighbour it was reached from, the direction of
        // the link as walked towards the record, and the link.
        let mut fwd: Hops = HashMap::from([(from, None)]);
        let mut bwd: Hops = HashMap::from([(to, None)]);
        let (mut ff, mut bf) = (vec![from], vec![to]);
        let mut hops = 0;
        while !ff.is_empty() && !bf.is_empty() && hops < max_hops {
            hops += 1;
            let forward = ff.len() <= bf.len();
            let (frontier, seen, other_side) = if forward {
                (&mut ff, &mut fwd, &bwd)
            } else {
                (&mut bf, &mut bwd, &fwd)
            };
            let mut next = Vec::new();
            for cur in std::mem::take(frontier) {
                for (link, dir, other) in self.adjacent(cur)? {
                    if seen.contains_key(&other) {
                        continue;
                    }
                    seen.insert(other, Some((cur, dir, link)));
                    if other_side.contains_key(&other) {
                        return self.join(&fwd, &bwd, other).map(Some);
                    }
                    next.push(other);
                }
            }
            *frontier = next;
        }
        Ok(None)
    }

    /// Builds the path through `meet` from the two searches.
    fn join(&self, fwd: &Hops, bwd: &Hops, meet: Id) -> Result<Vec<PathStep>> {
        let link = |id: Id| -> Result<Link> {
            match self.require(id)? {
                Record::Link(l) => Ok(l),
                _ => Err(StoreError::NotFound(id)),
            }
        };
        let mut steps = Vec::new();
        let mut cur = meet;
        while let Some(Some((prev, dir, l))) = fwd.get(&cur) {
            steps.push(PathStep {
                link: link(*l)?,
                dir: *dir,
                to: cur,
            });
            cur = *prev;
        }
        steps.reverse();
        let mut cur = meet;
        while let Some(Some((next, dir, l))) = bwd.get(&cur) {
            // found walking from `next` to `cur`; walked the other way, the link turns
            let walked = match dir {
                Direction::Out => Direction::In,
                Direction::In => Direction::Out,
            };
            steps.push(PathStep {
                link: link(*l)?,
                dir: walked,
                to: *next,
            });
            cur = *next;
        }
        Ok(steps)
    }
}

/// Records reached by one side of a path search.
type Hops = HashMap<Id, Option<(Id, Direction, Id)>>;
