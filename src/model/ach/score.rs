//! Scoring a [`Matrix`]: weighted inconsistency per hypothesis, how many rows each is
//! assessed on, the ranking (a hypothesis assessed on fewer rows than the best-covered
//! one ranks after every fully assessed one; equal standings are ties, never broken by
//! id in what is said), which rows are diagnostic and how much each separates the
//! hypotheses, what the lead rests on, and the leader with its nearest challenger.

use super::{Matrix, ABSENT};
use crate::model::grade::{Intel, SourceEval};
use crate::model::{Consistency, ExpectationStatus, Grade, Id};
use std::cmp::Ordering;

/// One hypothesis's standing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct HypothesisScore {
    /// Weighted inconsistency, in hundredths: lower is better.
    pub score: u32,
    /// Heuer's raw count: `-` 1, `--` 2, an absent expectation 1.
    pub raw: u32,
    /// 1 for the best; tied hypotheses share a rank; rejected hypotheses rank after
    /// every live one.
    pub rank: usize,
    /// Evidence rows with a cell for this hypothesis.
    pub assessed: usize,
    /// Live, and assessed on fewer rows than the best-covered live hypothesis: ranked
    /// after every fully assessed one, whatever its score.
    pub short: bool,
}

/// What changes in a sensitivity test.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shift {
    /// The row is taken out.
    Removed,
    /// An absent expectation is taken out (as if never looked for).
    Unlooked,
    /// The row's note graded one step otherwise on one scale.
    Regraded(Grade),
}

/// One change the lead rests on: made, the leader changes or ties.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sensitivity {
    /// The row, for a row's removal or grade.
    pub row: Option<usize>,
    /// The note (a row) or the expectation.
    pub note: Id,
    pub shift: Shift,
    pub leader: Id,
    pub new_leader: Id,
    /// Whether the change makes `new_leader` tie with `leader` rather than pass it.
    pub tie: bool,
    /// Another hypothesis that would share the new lead with `new_leader`, and how many
    /// more would.
    pub also: Option<Id>,
    pub more: usize,
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
    /// What the lead rests on, most fragile first: each removal of a row or an absent
    /// expectation, and each one-step regrading of a row, that changes the leader or
    /// makes a tie.
    pub fragile: Vec<Sensitivity>,
    /// The leader and its nearest challenger (columns), when two live hypotheses are
    /// fully assessed.
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

/// A column's standing without its id: live before rejected, fully assessed before
/// short, then score and raw count. Equal standings are a tie.
type Standing = (bool, bool, u32, u32);

/// Orders two columns by standing, then by id (for a stable order only).
fn standing(m: &Matrix, short: &[bool], a: (usize, u32, u32), b: (usize, u32, u32)) -> Ordering {
    let key =
        |(c, s, r): (usize, u32, u32)| ((!m.columns[c].is_live(), short[c], s, r), m.columns[c].id);
    key(a).cmp(&key(b))
}

/// A grade one step otherwise on each scale, each way: the regradings a sensitivity
/// test tries.
fn grade_steps(g: Grade) -> Vec<Grade> {
    let mut out = Vec::new();
    let s = SourceEval::ALL
        .iter()
        .position(|x| *x == g.source)
        .unwrap_or(0);
    let i = Intel::ALL.iter().position(|x| *x == g.intel).unwrap_or(0);
    for d in [-1isize, 1] {
        if let Some(src) = s.checked_add_signed(d).and_then(|n| SourceEval::ALL.get(n)) {
            out.push(Grade { source: *src, ..g });
        }
        if let Some(int) = i.checked_add_signed(d).and_then(|n| Intel::ALL.get(n)) {
            out.push(Grade { intel: *int, ..g });
        }
    }
    out
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
                scores[c].assessed += usize::from(cell.is_some());
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
        s.assessed =
            (s.assessed + usize::from(new.is_some())).saturating_sub(usize::from(old.is_some()));
        let (d, sep, spread) = self.read_row(m, row);
        self.diagnostic[row] = d;
        self.separation[row] = sep;
        self.spread[row] = spread;
        self.rerank(m);
    }

    /// Whether a row is diagnostic (it changes the live hypotheses' scores relative to
    /// each other), its separation and its spread.
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
        // only inconsistencies score: a row read `+` and `++` moves no one
        (ilo != ihi, row.weight() * (ihi - ilo), (hi - lo) as u8)
    }

    /// Which live columns are short: assessed on fewer rows than the best-covered.
    fn shorts(&self, m: &Matrix) -> Vec<bool> {
        let live = |c: &usize| m.columns[*c].is_live();
        let most = (0..m.columns.len())
            .filter(live)
            .map(|c| self.scores[c].assessed)
            .max()
            .unwrap_or(0);
        (0..m.columns.len())
            .map(|c| live(&c) && self.scores[c].assessed < most)
            .collect()
    }

    /// A column's standing, without its id.
    fn standing_of(&self, m: &Matrix, c: usize) -> Standing {
        let s = self.scores[c];
        (!m.columns[c].is_live(), s.short, s.score, s.raw)
    }

    /// Recomputes the ranking, the ranks (tied standings share one), the leader and its
    /// challenger, and what the lead rests on.
    fn rerank(&mut self, m: &Matrix) {
        let short = self.shorts(m);
        for (c, s) in short.iter().enumerate() {
            self.scores[c].short = *s;
        }
        let mut order: Vec<usize> = (0..m.columns.len()).collect();
        order.sort_by(|&a, &b| {
            let (sa, sb) = (self.scores[a], self.scores[b]);
            standing(m, &short, (a, sa.score, sa.raw), (b, sb.score, sb.raw))
        });
        for (i, &c) in order.iter().enumerate() {
            let rank = match i.checked_sub(1).map(|p| order[p]) {
                Some(p) if self.standing_of(m, p) == self.standing_of(m, c) => self.scores[p].rank,
                _ => i + 1,
            };
            self.scores[c].rank = rank;
        }
        let live: Vec<usize> = order
            .iter()
            .copied()
            .filter(|&c| m.columns[c].is_live())
            .collect();
        self.closest = match live.as_slice() {
            [a, b, ..] if !self.scores[*b].short => Some((*a, *b)),
            _ => None,
        };
        self.ranking = order;
        self.fragile = self.find_fragile(m, &live, &short);
    }

    /// The change the lead rests on most: the first of [`Analysis::fragile`].
    pub fn sensitivity(&self) -> Option<Sensitivity> {
        self.fragile.first().copied()
    }

    /// The columns that share `c`'s standing (tied with it), `c` left out.
    pub fn tied_with(&self, m: &Matrix, c: usize) -> Vec<usize> {
        let me = self.standing_of(m, c);
        self.ranking
            .iter()
            .copied()
            .filter(|&o| o != c && self.standing_of(m, o) == me)
            .collect()
    }

    /// The rank as said: `=1` when tied.
    pub fn rank_label(&self, m: &Matrix, c: usize) -> String {
        let tie = if self.tied_with(m, c).is_empty() {
            ""
        } else {
            "="
        };
        format!("{tie}{}", self.scores[c].rank)
    }

    /// How much of the matrix a live hypothesis is assessed on, when short of the best:
    /// `untested` (no cell), or `2 of 5 assessed`.
    pub fn coverage_label(&self, m: &Matrix, c: usize) -> Option<String> {
        let s = self.scores[c];
        if !s.short {
            return None;
        }
        Some(match s.assessed {
            0 => "untested".to_string(),
            n => format!("{n} of {} assessed", m.rows.len()),
        })
    }

    /// The leaders among `live` columns (all tied for first) if every score moved by
    /// `delta(col)`.
    fn leaders_with(
        &self,
        live: &[usize],
        short: &[bool],
        delta: impl Fn(usize) -> (i64, i64),
    ) -> Vec<usize> {
        let moved: Vec<(usize, Standing)> = live
            .iter()
            .map(|&c| {
                let (ds, dr) = delta(c);
                let s = self.scores[c];
                let score = (i64::from(s.score) + ds).max(0) as u32;
                let raw = (i64::from(s.raw) + dr).max(0) as u32;
                (c, (false, short[c], score, raw))
            })
            .collect();
        let Some(best) = moved.iter().map(|(_, k)| *k).min() else {
            return Vec::new();
        };
        moved
            .into_iter()
            .filter(|(_, k)| *k == best)
            .map(|(c, _)| c)
            .collect()
    }

    /// Every single change the lead rests on, most fragile first: removing a row (the
    /// most separating first), removing an absent expectation, regrading a row one step
    /// on either scale. Nothing when the lead is already shared or only one hypothesis
    /// is live.
    fn find_fragile(&self, m: &Matrix, live: &[usize], short: &[bool]) -> Vec<Sensitivity> {
        let mut out = Vec::new();
        let Some(&leader) = live.first() else {
            return out;
        };
        if live.len() < 2 || !self.tied_with(m, leader).is_empty() {
            return out;
        }
        let mut report = |what: Id, row: Option<usize>, shift: Shift, after: Vec<usize>| {
            if after == [leader] {
                return;
            }
            let tie = after.contains(&leader);
            let others: Vec<usize> = after.iter().copied().filter(|&c| c != leader).collect();
            let Some(&other) = others.first() else {
                return;
            };
            out.push(Sensitivity {
                row,
                note: what,
                shift,
                leader: m.columns[leader].id,
                new_leader: m.columns[other].id,
                tie,
                also: others.get(1).map(|&c| m.columns[c].id),
                more: others.len().saturating_sub(2),
            });
        };
        let mut by_separation: Vec<usize> = (0..m.rows.len())
            .filter(|&r| self.separation[r] > 0)
            .collect();
        by_separation.sort_by_key(|&r| (std::cmp::Reverse(self.separation[r]), m.rows[r].note));
        let cell = |r: usize, c: usize| {
            i64::from(inconsistency(m.rows[r].cells.get(c).copied().flatten()))
        };
        for &r in &by_separation {
            let w = i64::from(m.rows[r].weight());
            // without the row, each hypothesis is assessed on one row fewer where it had
            // a cell: who is short may change too
            let assessed = |c: usize| {
                let had = m.rows[r].cells.get(c).copied().flatten().is_some();
                self.scores[c].assessed - usize::from(had)
            };
            let most = live.iter().map(|&c| assessed(c)).max().unwrap_or(0);
            let short_without: Vec<bool> = (0..m.columns.len())
                .map(|c| m.columns[c].is_live() && assessed(c) < most)
                .collect();
            let after = self.leaders_with(live, &short_without, |c| (-cell(r, c) * w, -cell(r, c)));
            report(m.rows[r].note, Some(r), Shift::Removed, after);
        }
        for x in &m.expectations {
            if x.status != ExpectationStatus::Absent {
                continue;
            }
            let Some(col) = m.column_of(x.hypothesis) else {
                continue;
            };
            let after = self.leaders_with(live, short, |c| {
                if c == col {
                    (-i64::from(ABSENT), -1)
                } else {
                    (0, 0)
                }
            });
            report(x.id, None, Shift::Unlooked, after);
        }
        for &r in &by_separation {
            let Some(g) = m.rows[r].grade else {
                continue;
            };
            let w = i64::from(m.rows[r].weight());
            for step in grade_steps(g) {
                let nw = i64::from(super::weight(Some(step)));
                if nw == w {
                    continue;
                }
                let after = self.leaders_with(live, short, |c| (cell(r, c) * (nw - w), 0));
                report(m.rows[r].note, Some(r), Shift::Regraded(step), after);
            }
        }
        out
    }

    /// What a row does to the ranking, in words: `diagnostic` (its inconsistencies
    /// differ between live hypotheses, so it moves them relative to each other),
    /// `consistent with all` (read `+` or `++` somewhere and against no live hypothesis:
    /// it scores nothing), or `not diagnostic`.
    pub fn row_label(&self, m: &Matrix, r: usize) -> &'static str {
        if self.diagnostic.get(r).copied().unwrap_or(false) {
            return "diagnostic";
        }
        let live = (0..m.columns.len())
            .filter(|&c| m.columns[c].is_live())
            .filter_map(|c| m.rows[r].cells.get(c).copied().flatten());
        let (mut support, mut against) = (false, false);
        for c in live {
            support |= value(Some(c)) > 0;
            against |= c.inconsistency() > 0;
        }
        if support && !against {
            "consistent with all"
        } else {
            "not diagnostic"
        }
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
