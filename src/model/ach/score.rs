//! Scoring a [`Matrix`]: weighted inconsistency per hypothesis, the ranking, which rows
//! are diagnostic and how much each separates the hypotheses, the row the ranking rests
//! on, and the two closest-ranked hypotheses.

use super::{Matrix, ABSENT, STRONGEST, WEAKEST};
use crate::model::{Consistency, ExpectationStatus, Id};
use std::cmp::Ordering;

/// One hypothesis's standing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct HypothesisScore {
    /// Weighted inconsistency, in hundredths: lower is better.
    pub score: u32,
    /// Heuer's raw count: `-` 1, `--` 2, an absent expectation 1.
    pub raw: u32,
    /// 1 for the best; rejected hypotheses rank after every live one.
    pub rank: usize,
}

/// What happens to a row in a sensitivity test.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shift {
    /// The row is taken out.
    Removed,
    /// The row's note is weighted as if graded differently (the weight, in hundredths).
    Regraded(u32),
}

/// The single row the current ranking rests on: changing it changes the leader.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sensitivity {
    pub row: usize,
    pub note: Id,
    pub shift: Shift,
    pub leader: Id,
    pub new_leader: Id,
}

/// The scores of a matrix and what follows from them, by column and row position.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Analysis {
    /// Per column.
    pub scores: Vec<HypothesisScore>,
    /// Column positions, best first.
    pub ranking: Vec<usize>,
    /// Per row: the live hypotheses do not all read it the same way.
    pub diagnostic: Vec<bool>,
    /// Per row: how far apart it pushes the live hypotheses' scores (weight times the
    /// spread of its inconsistency counts), in hundredths.
    pub separation: Vec<u32>,
    /// Per row: the spread of its values under the live hypotheses, `++` = 2 down to
    /// `--` = -2 (blank reads 0).
    pub spread: Vec<u8>,
    /// The row the leader depends on, if any.
    pub sensitivity: Option<Sensitivity>,
    /// The two live hypotheses adjacent in rank with the smallest gap in score (columns,
    /// better first).
    pub closest: Option<(usize, usize)>,
}

fn inconsistency(c: Option<Consistency>) -> u32 {
    c.map_or(0, Consistency::inconsistency)
}

fn value(c: Option<Consistency>) -> i8 {
    match c {
        Some(Consistency::VeryConsistent) => 2,
        Some(Consistency::Consistent) => 1,
        Some(Consistency::Neutral) | None => 0,
        Some(Consistency::Inconsistent) => -1,
        Some(Consistency::VeryInconsistent) => -2,
    }
}

/// Orders two columns by standing: live before rejected, then score, raw count and id.
fn standing(m: &Matrix, a: (usize, u32, u32), b: (usize, u32, u32)) -> Ordering {
    let key = |(c, s, r): (usize, u32, u32)| (!m.columns[c].is_live(), s, r, m.columns[c].id);
    key(a).cmp(&key(b))
}

impl Analysis {
    /// Scores every cell and expectation of `m`.
    pub fn new(m: &Matrix) -> Analysis {
        let mut scores = vec![HypothesisScore::default(); m.columns.len()];
        for row in &m.rows {
            let w = row.weight();
            for (c, cell) in row.cells.iter().enumerate().take(scores.len()) {
                let i = inconsistency(*cell);
                scores[c].score += w * i;
                scores[c].raw += i;
            }
        }
        for x in &m.expectations {
            if x.status == ExpectationStatus::Absent {
                if let Some(c) = m.column_of(x.hypothesis) {
                    scores[c].score += ABSENT;
                    scores[c].raw += 1;
                }
            }
        }
        let mut a = Analysis {
            scores,
            ..Analysis::default()
        };
        for r in 0..m.rows.len() {
            let (d, sep, spread) = a.read_row(m, r);
            a.diagnostic.push(d);
            a.separation.push(sep);
            a.spread.push(spread);
        }
        a.rerank(m);
        a
    }

    /// Brings the analysis up to date after the cell (row, col) changed from `old` to
    /// what `m` now holds.
    pub(super) fn cell_changed(
        &mut self,
        m: &Matrix,
        row: usize,
        col: usize,
        old: Option<Consistency>,
    ) {
        let Some(s) = self.scores.get_mut(col) else {
            return;
        };
        let w = m.rows[row].weight();
        let new = m.rows[row].cells[col];
        s.score = s.score.saturating_sub(w * inconsistency(old)) + w * inconsistency(new);
        s.raw = s.raw.saturating_sub(inconsistency(old)) + inconsistency(new);
        let (d, sep, spread) = self.read_row(m, row);
        self.diagnostic[row] = d;
        self.separation[row] = sep;
        self.spread[row] = spread;
        self.rerank(m);
    }

    /// Whether a row is diagnostic, its separation and its spread.
    fn read_row(&self, m: &Matrix, r: usize) -> (bool, u32, u8) {
        let row = &m.rows[r];
        let live = || {
            (0..m.columns.len())
                .filter(|&c| m.columns[c].is_live())
                .map(|c| row.cells.get(c).copied().flatten())
        };
        if live().count() < 2 {
            return (false, 0, 0);
        }
        let values: Vec<i8> = live().map(value).collect();
        let incs: Vec<u32> = live().map(inconsistency).collect();
        let lo = values.iter().min().copied().unwrap_or(0);
        let hi = values.iter().max().copied().unwrap_or(0);
        let ilo = incs.iter().min().copied().unwrap_or(0);
        let ihi = incs.iter().max().copied().unwrap_or(0);
        (lo != hi, row.weight() * (ihi - ilo), (hi - lo) as u8)
    }

    /// Recomputes the ranking, the ranks, the closest pair and the sensitivity.
    fn rerank(&mut self, m: &Matrix) {
        let mut order: Vec<usize> = (0..m.columns.len()).collect();
        order.sort_by(|&a, &b| {
            let (sa, sb) = (self.scores[a], self.scores[b]);
            standing(m, (a, sa.score, sa.raw), (b, sb.score, sb.raw))
        });
        for (i, &c) in order.iter().enumerate() {
            self.scores[c].rank = i + 1;
        }
        let live: Vec<usize> = order
            .iter()
            .copied()
            .filter(|&c| m.columns[c].is_live())
            .collect();
        self.closest = live
            .windows(2)
            .min_by_key(|w| {
                let (a, b) = (self.scores[w[0]], self.scores[w[1]]);
                (b.score.abs_diff(a.score), b.raw.abs_diff(a.raw))
            })
            .map(|w| (w[0], w[1]));
        self.ranking = order;
        self.sensitivity = self.find_sensitivity(m, &live);
    }

    /// The leader among `live` columns if every score moved by `delta(col)`.
    fn leader_with(
        &self,
        m: &Matrix,
        live: &[usize],
        delta: impl Fn(usize) -> (i64, i64),
    ) -> Option<usize> {
        live.iter()
            .map(|&c| {
                let (ds, dr) = delta(c);
                let s = self.scores[c];
                let score = (i64::from(s.score) + ds).max(0) as u32;
                let raw = (i64::from(s.raw) + dr).max(0) as u32;
                (c, score, raw)
            })
            .min_by(|a, b| standing(m, *a, *b))
            .map(|(c, _, _)| c)
    }

    /// The row whose removal changes the leader (the most separating one), else the row
    /// whose regrading to A1 or to C5 does; `None` when no single row moves the leader.
    fn find_sensitivity(&self, m: &Matrix, live: &[usize]) -> Option<Sensitivity> {
        let leader = *live.first()?;
        if live.len() < 2 {
            return None;
        }
        let by_separation = {
            let mut rows: Vec<usize> = (0..m.rows.len())
                .filter(|&r| self.separation[r] > 0)
                .collect();
            rows.sort_by_key(|&r| (std::cmp::Reverse(self.separation[r]), m.rows[r].note));
            rows
        };
        let mut shifts: Vec<Shift> = vec![Shift::Removed];
        shifts.extend([Shift::Regraded(STRONGEST), Shift::Regraded(WEAKEST)]);
        for shift in shifts {
            for &r in &by_separation {
                let row = &m.rows[r];
                let w = i64::from(row.weight());
                let (new_w, raw_kept) = match shift {
                    Shift::Removed => (0, 0),
                    Shift::Regraded(nw) if i64::from(nw) == w => continue,
                    Shift::Regraded(nw) => (i64::from(nw), 1),
                };
                let next = self.leader_with(m, live, |c| {
                    let i = i64::from(inconsistency(row.cells.get(c).copied().flatten()));
                    (i * (new_w - w), i * (raw_kept - 1))
                });
                if let Some(n) = next.filter(|&n| n != leader) {
                    return Some(Sensitivity {
                        row: r,
                        note: row.note,
                        shift,
                        leader: m.columns[leader].id,
                        new_leader: m.columns[n].id,
                    });
                }
            }
        }
        None
    }

    /// The leading hypothesis (column), when one is live.
    pub fn leader(&self, m: &Matrix) -> Option<usize> {
        self.ranking
            .first()
            .copied()
            .filter(|&c| m.columns[c].is_live())
    }

    /// Row positions ordered by how much they separate the hypotheses, most first; ties
    /// by spread of values, then note id.
    pub fn rows_by_diagnosticity(&self, m: &Matrix) -> Vec<usize> {
        let mut rows: Vec<usize> = (0..m.rows.len()).collect();
        rows.sort_by_key(|&r| {
            (
                std::cmp::Reverse(self.separation[r]),
                std::cmp::Reverse(self.spread[r]),
                m.rows[r].note,
            )
        });
        rows
    }
}
