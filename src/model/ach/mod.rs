//! Analysis of competing hypotheses (Heuer), weighted by the 3x5x2 grade of the evidence.
//!
//! A [`Matrix`] is plain data read from the store: one question's hypotheses as columns,
//! evidence notes as rows, a consistency (or nothing) in each cell, and the hypotheses'
//! expectations. [`Matrix::analyse`] scores it; [`Matrix::set_cell`] changes one cell and
//! brings an [`Analysis`] up to date without scoring the whole matrix again.
//!
//! The weighting, in one place (see [`weight`] and [`WEIGHTING`]):
//! - A note's weight is its source factor times its intelligence factor, in hundredths:
//!   source A 10, B 7, C 4; intelligence 1 10, 2 8, 3 6, 4 4, 5 1. So A1 weighs 1.00,
//!   B2 0.56, C4 0.16, and anything graded 5 (suspected false) at most 0.10: it never
//!   counts as strong. An ungraded note weighs [`UNGRADED`] (0.50).
//! - A cell counts against its hypothesis `-` once and `--` twice, times the note's
//!   weight; `++ + 0` and blank count nothing. An *absent* expectation (looked for, not
//!   found) counts like a `-` cell of weight [`ABSENT`] (0.50).
//! - The score of a hypothesis is the sum: its weighted inconsistency. Heuer's raw count
//!   (`-` 1, `--` 2, an absent expectation 1) is kept beside it.
//! - Ranking: fewest weighted inconsistencies first, then the smaller raw count, then the
//!   lower id. Rejected hypotheses rank after every live or confirmed one.

mod collect;
mod score;
#[cfg(test)]
mod tests;

use super::grade::{Intel, SourceEval};
use super::{Consistency, ExpectationStatus, Grade, HypothesisStatus, Id, Yardstick};
use chrono::NaiveDate;

pub use collect::{collect_next, contenders, telling_apart, Act, Advice, Candidate, CANDIDATES};
pub use score::{Analysis, HypothesisScore, Sensitivity, Shift};

/// The weight of an ungraded note, in hundredths.
pub const UNGRADED: u32 = 50;
/// The weight of an absent expectation, in hundredths: it counts like a `-` cell.
pub const ABSENT: u32 = 50;
/// The heaviest weight (an A1 note), in hundredths.
pub const STRONGEST: u32 = 100;
/// The lightest weight (a C5 note), in hundredths.
pub const WEAKEST: u32 = 4;

/// The weighting in one line, for `?` help and the briefing.
pub const WEIGHTING: &str = "Score = weighted inconsistency: `-` counts 1 and `--` 2, times the \
note's grade weight (source A 1.0, B 0.7, C 0.4 × intelligence 1 1.0, 2 0.8, 3 0.6, 4 0.4, \
5 0.1; ungraded 0.5); an expectation looked for and not found counts as `-` at 0.5. \
Fewest first. `+` and `++` count nothing: a row read only `+`/`++`/`0` is consistent with \
all and moves no one; a row is diagnostic when its inconsistencies differ between live \
hypotheses. A hypothesis assessed on fewer rows than another ranks after the fully \
assessed ones; equal scores are ties (=1).";

/// The weight of a note's evidence from its grade, in hundredths (A1 = 100). The handling
/// code does not change it.
pub fn weight(grade: Option<Grade>) -> u32 {
    let Some(g) = grade else {
        return UNGRADED;
    };
    let source = match g.source {
        SourceEval::A => 10,
        SourceEval::B => 7,
        SourceEval::C => 4,
    };
    let intel = match g.intel {
        Intel::One => 10,
        Intel::Two => 8,
        Intel::Three => 6,
        Intel::Four => 4,
        Intel::Five => 1,
    };
    source * intel
}

/// Hundredths as a decimal with two places: `150` is `1.50`.
pub fn hundredths(v: u32) -> String {
    format!("{}.{:02}", v / 100, v % 100)
}

/// The one line saying what the lead rests on (the interface, `weft matrix`, the
/// briefing): a tie for the lead, else the most fragile change that moves the leader or
/// makes a tie, else that none does.
pub fn sensitivity_line(m: &Matrix, an: &Analysis) -> String {
    let Some(leader) = an.leader(m) else {
        return "No live hypothesis.".to_string();
    };
    let tied = an.tied_with(m, leader);
    if !tied.is_empty() {
        let mut ids: Vec<String> = std::iter::once(leader)
            .chain(tied)
            .map(|c| m.columns[c].id.to_string())
            .collect();
        let last = ids.pop().unwrap_or_default();
        return format!("{} and {last} are tied for the lead.", ids.join(", "));
    }
    let Some(s) = an.sensitivity() else {
        return "No single row, absent expectation or grade step changes the leader.".to_string();
    };
    let sharing = match (s.also, s.more) {
        (None, _) => None,
        (Some(b), 0) => Some(format!("{} and {b}", s.new_leader)),
        (Some(b), n) => Some(format!("{}, {b} and {n} more", s.new_leader)),
    };
    let outcome = match (s.tie, sharing) {
        (true, None) => format!("{} ties with {}", s.new_leader, s.leader),
        (true, Some(them)) => format!("{them} tie with {}", s.leader),
        (false, None) => format!("{} leads instead of {}", s.new_leader, s.leader),
        (false, Some(them)) => format!("{them} tie for the lead instead of {}", s.leader),
    };
    match s.shift {
        Shift::Removed => format!("The lead rests on {}: without it {outcome}.", s.note),
        Shift::Unlooked => format!(
            "The lead rests on {} being absent: had it not been looked for, {outcome}.",
            s.note
        ),
        Shift::Regraded(g) => {
            format!(
                "The lead rests on {}'s grade: graded {g}, {outcome}.",
                s.note
            )
        }
    }
}

/// One hypothesis of the matrix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    pub id: Id,
    pub statement: String,
    pub status: HypothesisStatus,
    pub likelihood: Option<Yardstick>,
}

impl Column {
    /// Live or confirmed: still weighed against the others.
    pub fn is_live(&self) -> bool {
        self.status != HypothesisStatus::Rejected
    }
}

/// One evidence note of the matrix, with a cell per column (`None`: not assessed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub note: Id,
    pub title: String,
    pub grade: Option<Grade>,
    pub cells: Vec<Option<Consistency>>,
}

impl Row {
    /// The weight of this row's evidence, in hundredths.
    pub fn weight(&self) -> u32 {
        weight(self.grade)
    }
}

/// One expectation of a hypothesis in the matrix: the ledger line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expected {
    pub id: Id,
    pub hypothesis: Id,
    pub text: String,
    pub status: ExpectationStatus,
    pub place: Option<String>,
    pub checked: Option<NaiveDate>,
    pub note: Option<Id>,
}

/// The competing-hypotheses matrix of one question, as plain data.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Matrix {
    pub question: Option<Id>,
    pub columns: Vec<Column>,
    pub rows: Vec<Row>,
    pub expectations: Vec<Expected>,
}

impl Matrix {
    /// The column of a hypothesis.
    pub fn column_of(&self, h: Id) -> Option<usize> {
        self.columns.iter().position(|c| c.id == h)
    }

    /// The row of a note.
    pub fn row_of(&self, n: Id) -> Option<usize> {
        self.rows.iter().position(|r| r.note == n)
    }

    /// The expectations of one hypothesis, in id order.
    pub fn ledger(&self, h: Id) -> impl Iterator<Item = &Expected> + '_ {
        self.expectations.iter().filter(move |x| x.hypothesis == h)
    }

    /// Scores the whole matrix.
    pub fn analyse(&self) -> Analysis {
        Analysis::new(self)
    }

    /// Changes one cell and brings `analysis` (made from this matrix) up to date: the
    /// two scores of the column move by the cell's difference, the row's diagnosticity
    /// is read again and the ranking and sensitivity recomputed, without rescoring every
    /// cell. Out-of-range positions change nothing.
    pub fn set_cell(
        &mut self,
        row: usize,
        col: usize,
        value: Option<Consistency>,
        analysis: &mut Analysis,
    ) {
        let Some(cell) = self.rows.get_mut(row).and_then(|r| r.cells.get_mut(col)) else {
            return;
        };
        let old = std::mem::replace(cell, value);
        analysis.cell_changed(self, row, col, old);
    }
}
