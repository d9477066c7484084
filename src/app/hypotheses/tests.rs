//! The pane state over a matrix built in memory: the cursor between the header and the
//! rows, the columns and rows shown, and the view options.

use super::*;
use crate::model::ach::{Column, Row};
use crate::model::HypothesisStatus;

fn id(kind: Kind, n: u64) -> Id {
    Id::new(kind, n)
}

/// H1 live, H2 live, H3 rejected; N1 flat (+ under both live), N2 separates (- / ++),
/// N3 separates more (-- / +).
fn state() -> HypothesesState {
    use Consistency::*;
    let col = |n: u64, status| Column {
        id: id(Kind::Hypothesis, n),
        statement: format!("statement {n}"),
        status,
        likelihood: None,
    };
    let row = |n: u64, cells: [Option<Consistency>; 3]| Row {
        note: id(Kind::Note, n),
        title: format!("note {n}"),
        grade: "A1P".parse().ok(),
        cells: cells.to_vec(),
    };
    let mut st = HypothesesState {
        question: Some(id(Kind::Question, 1)),
        ..HypothesesState::default()
    };
    st.set_matrix(Matrix {
        question: Some(id(Kind::Question, 1)),
        columns: vec![
            col(1, HypothesisStatus::Live),
            col(2, HypothesisStatus::Live),
            col(3, HypothesisStatus::Rejected),
        ],
        rows: vec![
            row(
                1,
                [Some(Consistent), Some(Consistent), Some(VeryInconsistent)],
            ),
            row(2, [Some(Inconsistent), Some(VeryConsistent), None]),
            row(3, [Some(VeryInconsistent), Some(Consistent), None]),
        ],
        expectations: vec![],
    });
    st
}

#[test]
fn the_cursor_moves_between_the_header_and_the_rows() {
    let mut st = state();
    st.header = true;
    assert_eq!(
        st.selected(),
        Some(id(Kind::Hypothesis, 1)),
        "the header selects the hypothesis"
    );
    st.step(Move::Down);
    assert_eq!(st.selected(), Some(id(Kind::Note, 1)));
    st.step(Move::Last);
    assert_eq!(st.selected(), Some(id(Kind::Note, 3)));
    st.step_column(5);
    assert_eq!(
        st.cell(),
        Some((id(Kind::Hypothesis, 2), id(Kind::Note, 3))),
        "rejected H3 is hidden"
    );
    st.step(Move::First);
    assert!(st.header);
    assert_eq!(st.selected(), Some(id(Kind::Hypothesis, 2)));
}

#[test]
fn rejected_columns_and_flat_rows_hide_and_rows_order_by_diagnosticity() {
    let mut st = state();
    assert_eq!(st.cols, vec![0, 1]);
    st.show_rejected = true;
    st.rebuild();
    assert_eq!(st.cols, vec![0, 1, 2]);
    assert_eq!(st.rows, vec![0, 1, 2]);
    st.hide_flat = true;
    st.rebuild();
    assert_eq!(st.rows, vec![1, 2], "N1 reads + under both live hypotheses");
    st.hide_flat = false;
    st.by_diagnosticity = true;
    st.rebuild();
    assert_eq!(
        st.rows,
        vec![2, 1, 0],
        "N3 (2 apart) before N2 (1 apart) before flat N1"
    );
    assert_eq!(st.describe_view(), "rows by diagnosticity · rejected shown");
}

#[test]
fn the_selection_stays_on_its_note_and_hypothesis_through_a_rebuild() {
    let mut st = state();
    assert!(st.select(id(Kind::Note, 2)));
    st.step_column(1);
    st.by_diagnosticity = true;
    st.rebuild();
    assert_eq!(
        st.cell(),
        Some((id(Kind::Hypothesis, 2), id(Kind::Note, 2)))
    );
    assert!(
        !st.select(id(Kind::Hypothesis, 3)),
        "a hidden column cannot be selected"
    );
}

#[test]
fn a_cell_edit_updates_the_scores_and_the_closest_pair() {
    let mut st = state();
    // H1: N2 - (1) + N3 -- (2) = 3.00; H2: 0
    assert_eq!(st.analysis.scores[0].score, 300);
    assert_eq!(
        st.closest_pair(),
        Some((id(Kind::Hypothesis, 2), id(Kind::Hypothesis, 1)))
    );
    let mut an = std::mem::take(&mut st.analysis);
    st.matrix
        .set_cell(0, 1, Some(Consistency::VeryInconsistent), &mut an);
    st.analysis = an;
    st.rebuild();
    assert_eq!(st.analysis.scores[1].score, 200);
    assert!(st.analysis.diagnostic[0], "N1 now separates the hypotheses");
}

#[test]
fn the_lines_under_the_grid_fit_their_budget_and_name_the_selection() {
    let mut st = state();
    st.header = false;
    let all = st.details(80, 40);
    let text: Vec<&str> = all.iter().map(|d| d.text.as_str()).collect();
    assert!(
        text[0].starts_with("Ranked (weighted score, raw count): H2 0.00 (0) · H1 3.00 (3)"),
        "{text:?}"
    );
    assert!(text.iter().any(|t| t.starts_with("H1 · live")), "{text:?}");
    assert!(text.contains(&"statement 1"), "{text:?}");
    assert!(
        text.iter()
            .any(|t| t.starts_with("N1 · A1P · weight 1.00 · consistent with all")),
        "{text:?}"
    );
    assert!(
        text.iter().any(|t| t.contains("nothing listed (x adds)")),
        "{text:?}"
    );
    for budget in 0..all.len() {
        assert!(st.details(80, budget).len() <= budget, "budget {budget}");
    }
    assert_eq!(st.grid_height(80, 22), 22 - 2 - all.len());
}
