//! Collect next: what to collect for a question, ranked by how much it could change the
//! answer. The leader and its nearest challenger (or every hypothesis tied for the
//! lead) are the hypotheses that matter; for them, each blank cell on an existing row,
//! each expectation not yet looked for, each note that bears on the question but is not
//! in the matrix, and last the sub-question "what would tell them apart". Every
//! hypothesis ranked short (assessed on fewer rows than the others) adds its blank
//! cells too: an untested hypothesis is a to-do, not a loser.
//!
//! The swing of an action is the largest change the score function allows it to make,
//! in hundredths: a cell or a new row read `--` counts twice its note's weight; an
//! expectation found absent counts [`ABSENT`]. An action is *decisive* when that swing
//! could change the leader or make a tie.

use super::{hundredths, Analysis, Matrix, ABSENT, STRONGEST};
use crate::model::{ExpectationStatus, Grade, Id};

/// How many notes not yet in the matrix collect next proposes.
pub const CANDIDATES: usize = 5;

/// What an action does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Act {
    /// Read a note against a hypothesis (a blank cell, or a note not yet a row).
    Assess,
    /// Look for what a hypothesis predicts.
    Check,
    /// Ask the sub-question that would tell the hypotheses apart.
    Ask,
}

impl Act {
    pub fn as_str(self) -> &'static str {
        match self {
            Act::Assess => "assess",
            Act::Check => "check",
            Act::Ask => "ask",
        }
    }
}

/// A note that bears on the question but is not a row of its matrix, with why it bears.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub note: Id,
    pub grade: Option<Grade>,
    /// "mentions Ray Garvey, whom Q19 concerns".
    pub why: String,
}

/// One ranked action of collect next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Advice {
    pub act: Act,
    /// The note to read (assess), the expectation (check), nothing (ask).
    pub records: Vec<Id>,
    /// The hypotheses it bears on.
    pub hypotheses: Vec<Id>,
    /// The largest change it could make to a hypothesis's score, in hundredths.
    pub swing: u32,
    /// Whether that could change the leader or make a tie.
    pub decisive: bool,
    /// One line: why this, what it could do.
    pub reason: String,
    /// The row of an assess on a note already in the matrix; `None` for a note to add.
    pub row: Option<usize>,
}

/// The hypotheses collect next serves (columns): every one tied for the lead, else the
/// leader and its nearest live challenger. Empty with fewer than two live hypotheses.
pub fn contenders(m: &Matrix, an: &Analysis) -> Vec<usize> {
    let live: Vec<usize> = an
        .ranking
        .iter()
        .copied()
        .filter(|&c| m.columns[c].is_live())
        .collect();
    let Some(&leader) = live.first() else {
        return Vec::new();
    };
    if live.len() < 2 {
        return Vec::new();
    }
    let tied = an.tied_with(m, leader);
    if !tied.is_empty() {
        return std::iter::once(leader).chain(tied).collect();
    }
    // the nearest fully assessed challenger; a short one only when none is
    let challenger = live[1..]
        .iter()
        .copied()
        .find(|&c| !an.scores[c].short)
        .unwrap_or(live[1]);
    vec![leader, challenger]
}

/// The sub-question that would tell the contenders apart, in their own words:
/// `What would tell "Garvey runs the cash" apart from "Hale runs it"?`. Whole, never
/// cut: a display shortens it.
pub fn telling_apart(m: &Matrix, cols: &[usize]) -> String {
    let words: Vec<String> = cols
        .iter()
        .map(|&c| {
            let s = crate::model::text::first_line(&m.columns[c].statement);
            format!("\"{}\"", s.trim().trim_end_matches(['.', '?', '!']).trim())
        })
        .collect();
    match words.as_slice() {
        [] => String::new(),
        [one] => format!("What evidence would test {one}?"),
        [a, b] => format!("What evidence would tell {a} apart from {b}?"),
        [rest @ .., last] => format!(
            "What evidence would tell {} and {last} apart?",
            rest.join(", ")
        ),
    }
}

/// Every action for the question, best first: decisive ones, then by swing; the
/// sub-question last. Empty with fewer than two live hypotheses.
pub fn collect_next(m: &Matrix, an: &Analysis, candidates: &[Candidate]) -> Vec<Advice> {
    let targets = contenders(m, an);
    let Some(&leader) = targets.first() else {
        return Vec::new();
    };
    let id = |c: usize| m.columns[c].id;
    let tied = targets.len() > 2 || an.tied_with(m, leader).contains(&targets[1]);
    let lead_score = an.scores[leader].score;
    // how far the challenger trails (0 when tied); a short challenger is behind on
    // coverage, which no reading of the leader's cells changes
    let gap = if an.scores[targets[1]].short {
        u32::MAX
    } else {
        an.scores[targets[1]].score.saturating_sub(lead_score)
    };
    let decides = |c: usize, swing: u32| {
        if tied {
            targets.contains(&c) && swing > 0
        } else {
            c == leader && swing >= gap
        }
    };
    let standing = || {
        if tied {
            let ids: Vec<String> = targets.iter().map(|&c| id(c).to_string()).collect();
            format!("{} are tied", ids.join(", "))
        } else if gap == u32::MAX {
            format!(
                "{} leads; {} is not fully assessed",
                id(leader),
                id(targets[1])
            )
        } else {
            format!(
                "{} leads {} by {}",
                id(leader),
                id(targets[1]),
                hundredths(gap)
            )
        }
    };
    let grade = |g: Option<Grade>| g.map_or("ungraded".to_string(), |g| g.to_string());
    let mut out = Vec::new();

    // blank cells of the contenders, and of every short hypothesis
    let mut cols: Vec<usize> = targets.clone();
    for &c in &an.ranking {
        if m.columns[c].is_live() && an.scores[c].short && !cols.contains(&c) {
            cols.push(c);
        }
    }
    for &c in &cols {
        let short = an.scores[c].short;
        for (r, row) in m.rows.iter().enumerate() {
            if row.cells.get(c).copied().flatten().is_some() {
                continue;
            }
            let swing = 2 * row.weight();
            let (decisive, reason) = if short {
                // a short hypothesis scoring no worse than the leader would lead (or tie)
                // once fully assessed without anything against it
                let could = an.scores[c].score <= lead_score;
                let cover = an.coverage_label(m, c).unwrap_or_default();
                let tail = if could {
                    "with nothing against it, it would reach the lead"
                } else {
                    "it trails the leader even as it stands"
                };
                (
                    could,
                    format!(
                        "{} is {cover}: {} ({}) not read against it; {tail}",
                        id(c),
                        row.note,
                        grade(row.grade)
                    ),
                )
            } else if targets.contains(&c) && (c == leader || tied) {
                let d = decides(c, swing);
                let effect = if d {
                    "enough to change the lead"
                } else {
                    "not enough to change the lead"
                };
                (
                    d,
                    format!(
                        "{} ({}) not read against {}; read --, it counts {}, {effect} ({})",
                        row.note,
                        grade(row.grade),
                        id(c),
                        hundredths(swing),
                        standing()
                    ),
                )
            } else {
                (
                    false,
                    format!(
                        "{} ({}) not read against {}; it can only widen {}'s lead (up to {})",
                        row.note,
                        grade(row.grade),
                        id(c),
                        id(leader),
                        hundredths(swing)
                    ),
                )
            };
            out.push(Advice {
                act: Act::Assess,
                records: vec![row.note],
                hypotheses: vec![id(c)],
                swing,
                decisive,
                reason,
                row: Some(r),
            });
        }
    }

    // expectations of the contenders not yet looked for
    for x in &m.expectations {
        if x.status != ExpectationStatus::Unchecked {
            continue;
        }
        let Some(c) = m.column_of(x.hypothesis) else {
            continue;
        };
        if !targets.contains(&c) {
            continue;
        }
        let decisive = decides(c, ABSENT);
        let effect = if decisive {
            "enough to change the lead"
        } else if c == leader || tied {
            "not enough to change the lead"
        } else {
            "it would only widen the lead"
        };
        out.push(Advice {
            act: Act::Check,
            records: vec![x.id],
            hypotheses: vec![x.hypothesis],
            swing: ABSENT,
            decisive,
            reason: format!(
                "{} predicts it and nobody has looked; found absent it counts {} against {}, {effect} ({})",
                x.hypothesis,
                hundredths(ABSENT),
                x.hypothesis,
                standing()
            ),
            row: None,
        });
    }

    // notes that bear on the question but are not rows yet
    for cand in candidates {
        if m.row_of(cand.note).is_some() {
            continue;
        }
        let swing = 2 * super::weight(cand.grade);
        let decisive = decides(leader, swing);
        out.push(Advice {
            act: Act::Assess,
            records: vec![cand.note],
            hypotheses: targets.iter().map(|&c| id(c)).collect(),
            swing,
            decisive,
            reason: format!(
                "{} ({}) is not in the matrix and {}; read -- against the leader it counts {}",
                cand.note,
                grade(cand.grade),
                cand.why,
                hundredths(swing)
            ),
            row: None,
        });
    }

    out.sort_by(|a, b| {
        b.decisive
            .cmp(&a.decisive)
            .then(b.swing.cmp(&a.swing))
            .then(a.act.cmp(&b.act))
            .then(a.row.is_none().cmp(&b.row.is_none()))
            .then(a.records.cmp(&b.records))
            .then(a.hypotheses.cmp(&b.hypotheses))
    });

    // last: the question that would bring new evidence
    let reason = if out.iter().any(|a| a.decisive) {
        "new evidence could settle what the recorded evidence cannot".to_string()
    } else {
        format!(
            "nothing recorded can change the lead ({}); only new evidence can",
            standing()
        )
    };
    out.push(Advice {
        act: Act::Ask,
        records: Vec::new(),
        hypotheses: targets.iter().map(|&c| id(c)).collect(),
        swing: 2 * STRONGEST,
        decisive: tied || 2 * STRONGEST >= gap,
        reason,
        row: None,
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ach::{Column, Expected, Row};
    use crate::model::{Consistency as C, HypothesisStatus};

    fn id(s: &str) -> Id {
        s.parse().unwrap()
    }

    fn matrix(hs: &[&str], rows: &[(&str, &str, &[Option<C>])]) -> Matrix {
        Matrix {
            question: Some(id("Q1")),
            columns: hs
                .iter()
                .map(|h| Column {
                    id: id(h),
                    statement: format!("{h} did it."),
                    status: HypothesisStatus::Live,
                    likelihood: None,
                })
                .collect(),
            rows: rows
                .iter()
                .map(|(n, g, cells)| Row {
                    note: id(n),
                    title: String::new(),
                    grade: Some(g.parse().unwrap()),
                    cells: cells.to_vec(),
                })
                .collect(),
            expectations: Vec::new(),
        }
    }

    fn unchecked(x: &str, h: &str) -> Expected {
        Expected {
            id: id(x),
            hypothesis: id(h),
            text: "a van at the yard".into(),
            status: ExpectationStatus::Unchecked,
            place: None,
            checked: None,
            note: None,
        }
    }

    #[test]
    fn the_contenders_are_the_leader_and_its_fully_assessed_challenger() {
        // H1 0.00, H2 0.56 (N1 B2 -), H3 untested
        let m = matrix(
            &["H1", "H2", "H3"],
            &[
                (
                    "N1",
                    "B2P",
                    &[Some(C::Consistent), Some(C::Inconsistent), None],
                ),
                ("N2", "A1P", &[Some(C::Neutral), Some(C::Neutral), None]),
            ],
        );
        let an = m.analyse();
        assert_eq!(contenders(&m, &an), vec![0, 1]);
        // tied leaders are all contenders
        let t = matrix(
            &["H1", "H2", "H3"],
            &[(
                "N1",
                "B2P",
                &[
                    Some(C::Consistent),
                    Some(C::Consistent),
                    Some(C::Inconsistent),
                ],
            )],
        );
        assert_eq!(contenders(&t, &t.analyse()), vec![0, 1]);
        // one live hypothesis: nothing to tell apart
        let one = matrix(&["H1"], &[("N1", "B2P", &[None])]);
        assert!(collect_next(&one, &one.analyse(), &[]).is_empty());
    }

    #[test]
    fn a_blank_leader_cell_heavy_enough_to_change_the_lead_comes_first() {
        // H1 leads H2 by 0.56 (N1 B2 -), each assessed on three of four rows: N2 (A1)
        // is read for H2 only, N3 (C5) for H1 only, N4 (C5) for neither
        let m = matrix(
            &["H1", "H2"],
            &[
                ("N1", "B2P", &[Some(C::Consistent), Some(C::Inconsistent)]),
                ("N2", "A1P", &[None, Some(C::Consistent)]),
                ("N3", "C5P", &[Some(C::Consistent), None]),
                ("N4", "C5P", &[None, None]),
            ],
        );
        let an = m.analyse();
        let advice = collect_next(&m, &an, &[]);
        let first = &advice[0];
        assert_eq!(first.act, Act::Assess);
        assert_eq!(first.records, vec![id("N2")]);
        assert_eq!(first.hypotheses, vec![id("H1")]);
        assert_eq!(first.swing, 200);
        assert!(first.decisive, "{first:?}");
        assert!(
            first.reason.contains("H1 leads H2 by 0.56"),
            "{}",
            first.reason
        );
        // N4 (C5 weighs 0.04: 0.08 at most) cannot change the lead
        let n4 = advice
            .iter()
            .find(|a| a.records == vec![id("N4")] && a.hypotheses == vec![id("H1")])
            .unwrap();
        assert!(!n4.decisive);
        assert!(n4.reason.contains("not enough"), "{}", n4.reason);
        // N3 read against the challenger can only widen the lead
        let n3 = advice.iter().find(|a| a.records == vec![id("N3")]).unwrap();
        assert!(
            !n3.decisive && n3.reason.contains("only widen"),
            "{}",
            n3.reason
        );
        assert!(advice
            .iter()
            .all(|a| a.act == Act::Ask || !a.hypotheses.is_empty()));
        // the sub-question comes last, in the hypotheses' words
        let last = advice.last().unwrap();
        assert_eq!(last.act, Act::Ask);
        assert_eq!(
            telling_apart(&m, &contenders(&m, &an)),
            "What evidence would tell \"H1 did it\" apart from \"H2 did it\"?"
        );
    }

    #[test]
    fn an_untested_hypothesis_has_each_blank_cell_as_an_action() {
        let m = matrix(
            &["H1", "H2", "H3"],
            &[
                (
                    "N1",
                    "B2P",
                    &[Some(C::Consistent), Some(C::Inconsistent), None],
                ),
                ("N2", "A1P", &[Some(C::Neutral), Some(C::Neutral), None]),
            ],
        );
        let an = m.analyse();
        let advice = collect_next(&m, &an, &[]);
        let h3: Vec<&Advice> = advice
            .iter()
            .filter(|a| a.hypotheses == vec![id("H3")])
            .collect();
        assert_eq!(h3.len(), 2, "{advice:#?}");
        // untested, it scores 0 like the leader: assessed clean it would reach the lead
        assert!(h3
            .iter()
            .all(|a| a.decisive && a.reason.contains("untested")));
    }

    #[test]
    fn an_unchecked_expectation_of_the_leader_can_decide_a_close_lead() {
        // H1 leads H2 by 0.16 (N1 C4 -): an absence (0.50) would turn it
        let mut m = matrix(
            &["H1", "H2"],
            &[("N1", "C4P", &[Some(C::Consistent), Some(C::Inconsistent)])],
        );
        m.expectations = vec![unchecked("X1", "H1"), unchecked("X2", "H2")];
        let an = m.analyse();
        let advice = collect_next(&m, &an, &[]);
        assert_eq!(advice[0].act, Act::Check);
        assert_eq!(advice[0].records, vec![id("X1")]);
        assert!(advice[0].decisive);
        let x2 = advice.iter().find(|a| a.records == vec![id("X2")]).unwrap();
        assert!(!x2.decisive);
        assert!(x2.reason.contains("only widen"), "{}", x2.reason);
    }

    #[test]
    fn a_candidate_note_is_an_action_unless_it_is_already_a_row() {
        let m = matrix(
            &["H1", "H2"],
            &[("N1", "B2P", &[Some(C::Consistent), Some(C::Inconsistent)])],
        );
        let an = m.analyse();
        let cands = [
            Candidate {
                note: id("N7"),
                grade: Some("A1P".parse().unwrap()),
                why: "mentions Ray Garvey, whom Q1 concerns".into(),
            },
            Candidate {
                note: id("N1"),
                grade: None,
                why: "already a row".into(),
            },
        ];
        let advice = collect_next(&m, &an, &cands);
        let n7: Vec<&Advice> = advice
            .iter()
            .filter(|a| a.records == vec![id("N7")])
            .collect();
        assert_eq!(n7.len(), 1);
        assert_eq!(n7[0].row, None);
        assert!(n7[0].decisive && n7[0].reason.contains("Ray Garvey"));
        assert!(!advice.iter().any(|a| a.reason.contains("already a row")));
    }

    #[test]
    fn ties_are_served_whole() {
        let m = matrix(
            &["H1", "H2", "H3"],
            &[
                (
                    "N1",
                    "B2P",
                    &[
                        Some(C::Consistent),
                        Some(C::Consistent),
                        Some(C::Inconsistent),
                    ],
                ),
                ("N2", "A1P", &[None, None, None]),
            ],
        );
        let an = m.analyse();
        let advice = collect_next(&m, &an, &[]);
        // either tied leader's blank cell breaks the tie; H3 trails and is not served
        let decisive: Vec<Vec<Id>> = advice
            .iter()
            .filter(|a| a.decisive && a.act == Act::Assess)
            .map(|a| a.hypotheses.clone())
            .collect();
        assert!(decisive.contains(&vec![id("H1")]) && decisive.contains(&vec![id("H2")]));
        assert!(advice.iter().any(|a| a.reason.contains("H1, H2 are tied")));
        assert!(!advice.iter().any(|a| a.hypotheses == vec![id("H3")]));
    }
}
