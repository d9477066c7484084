//! What the Hypotheses pane puts on screen, prepared as plain data: how many hypothesis
//! columns fit at a width ([`GridLayout`]), and the lines under the grid ([`Detail`]):
//! the scores, the sensitivity, the selected hypothesis in full, the selected evidence
//! note in full and the hypothesis's expected-but-absent ledger. `ui/hypotheses.rs` only
//! draws them.

use super::HypothesesState;
use crate::model::ach::{hundredths, sensitivity_line};
use crate::model::text::{sanitize, width};
use crate::model::{ExpectationStatus, HypothesisStatus};

/// Evidence rows the grid keeps on screen whatever the lines under it want.
pub const MIN_GRID: usize = 4;
/// Cells left for the note's title beside the cells before columns give way to it.
const MIN_TITLE: usize = 16;
/// Cells of the grade column ("B2P").
pub const GRADE_W: usize = 3;

/// Where the grid's parts go at one width.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GridLayout {
    /// Cells of the note id column.
    pub note_w: usize,
    /// Cells of each hypothesis column.
    pub cell_w: usize,
    /// The first shown column (index into the pane's shown columns) and how many fit.
    pub first: usize,
    pub count: usize,
    /// Cells left for the note's title after the cells (0: no title).
    pub title_w: usize,
}

impl GridLayout {
    /// Cells before the first hypothesis column: note id, grade and their spaces.
    pub fn lead(&self) -> usize {
        self.note_w + 1 + GRADE_W + 1
    }
}

/// How many of `remaining` columns of `cell_w` cells fit in `avail` cells, and the cells
/// left for the title: every column if a title of [`MIN_TITLE`] still fits beside them,
/// else as many as fit (at least one) and whatever is left.
pub fn columns_that_fit(avail: usize, cell_w: usize, remaining: usize) -> (usize, usize) {
    let cell_w = cell_w.max(1);
    if remaining * cell_w + MIN_TITLE <= avail {
        return (remaining, avail - remaining * cell_w);
    }
    let count = (avail / cell_w).clamp(1.min(remaining), remaining);
    (count, avail.saturating_sub(count * cell_w))
}

/// How a line under the grid is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Plain,
    Title,
    Dim,
    Warn,
    Good,
}

/// One line under the grid, sanitized, to be fitted to the width.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Detail {
    pub tone: Tone,
    pub text: String,
}

fn line(tone: Tone, text: impl Into<String>) -> Detail {
    Detail {
        tone,
        text: text.into(),
    }
}

/// Wrapped text as at most `max` lines, the last ending in `…` when some was left out.
fn wrapped(text: &str, cells: usize, max: usize, tone: Tone) -> Vec<Detail> {
    let mut lines = crate::model::text::wrap(&sanitize(text), cells);
    if lines.len() > max {
        lines.truncate(max);
        if let Some(last) = lines.last_mut() {
            let cut = crate::model::text::truncate(last, cells.saturating_sub(1)).into_owned();
            *last = format!("{}…", cut.trim_end_matches('…'));
        }
    }
    lines.into_iter().map(|l| line(tone, l)).collect()
}

impl HypothesesState {
    /// The grid's layout at `width` cells, from the selected column's scroll position.
    pub fn layout(&self, width: usize) -> GridLayout {
        // the widest note id is the one with the largest number
        let note_w = self
            .matrix
            .rows
            .iter()
            .max_by_key(|r| r.note.num)
            .map_or(0, |r| width_of(r.note))
            .max(4);
        let cell_w = self
            .cols
            .iter()
            .map(|&c| width_of(self.matrix.columns[c].id))
            .max()
            .unwrap_or(0)
            .max(3)
            + 1;
        let first = self.col_offset.min(self.cols.len().saturating_sub(1));
        let lead = note_w + 1 + GRADE_W + 1;
        let (count, title_w) = columns_that_fit(
            width.saturating_sub(lead),
            cell_w,
            self.cols.len().saturating_sub(first),
        );
        GridLayout {
            note_w,
            cell_w,
            first,
            count,
            title_w,
        }
    }

    /// Evidence rows on screen in a pane body of `height` rows: what the question line,
    /// the grid's header and the lines under it leave.
    pub fn grid_height(&self, width: usize, height: usize) -> usize {
        let budget = height.saturating_sub(2 + MIN_GRID);
        height
            .saturating_sub(2)
            .saturating_sub(self.details(width, budget).len())
            .max(1)
    }

    /// The lines under the grid at `width`, at most `budget` of them: the scores and the
    /// sensitivity first, then the selected hypothesis, the selected note and the ledger,
    /// each cut shorter (the ledger first) when they do not all fit.
    pub fn details(&self, width: usize, budget: usize) -> Vec<Detail> {
        let Some(c) = self.column() else {
            return Vec::new();
        };
        let m = &self.matrix;
        let an = &self.analysis;
        let col = &m.columns[c];
        let s = an.scores[c];
        let live = m.columns.iter().filter(|c| c.is_live()).count();
        let ranked: Vec<String> = an
            .ranking
            .iter()
            .filter(|&&r| m.columns[r].is_live())
            .map(|&r| {
                let s = an.scores[r];
                let tie = if an.tied_with(m, r).is_empty() {
                    String::new()
                } else {
                    format!(" {}", an.rank_label(m, r))
                };
                let cover = an
                    .coverage_label(m, r)
                    .map_or(String::new(), |c| format!(", {c}"));
                format!(
                    "{} {} ({}{cover}){tie}",
                    m.columns[r].id,
                    hundredths(s.score),
                    s.raw
                )
            })
            .collect();
        let scores = if ranked.is_empty() {
            "Scores: every hypothesis is rejected (r shows them)".to_string()
        } else {
            format!("Ranked (weighted score, raw count): {}", ranked.join(" · "))
        };
        let sensitivity = sensitivity_line(m, an);
        let mut sections: Vec<(Vec<Detail>, usize)> = vec![
            (vec![line(Tone::Plain, scores)], 1),
            (
                vec![line(
                    if an.sensitivity().is_some() {
                        Tone::Warn
                    } else {
                        Tone::Dim
                    },
                    sensitivity,
                )],
                1,
            ),
        ];
        // the selected hypothesis, in full
        let likelihood = col
            .likelihood
            .map_or("likelihood unassessed (y)".to_string(), |l| {
                l.words().to_string()
            });
        let rank = if col.is_live() {
            let cover = an.coverage_label(m, c).map_or(String::new(), |c| {
                format!(" ({c}: ranked after the fully assessed)")
            });
            format!("rank {} of {live}{cover}", an.rank_label(m, c))
        } else {
            "not ranked".to_string()
        };
        let mut hyp = vec![line(
            Tone::Title,
            format!(
                "{} · {} · {likelihood} · score {} · raw {} · {rank}",
                col.id,
                col.status,
                hundredths(s.score),
                s.raw
            ),
        )];
        hyp.extend(wrapped(&col.statement, width, 4, Tone::Plain));
        sections.push((hyp, 2));
        // the selected evidence note, in full
        let note = match self.row() {
            Some(r) => {
                let row = &m.rows[r];
                let grade = row.grade.map_or("ungraded".to_string(), |g| g.to_string());
                let diag = an.row_label(m, r);
                let mut v = vec![line(
                    Tone::Title,
                    format!(
                        "{} · {grade} · weight {} · {diag}",
                        row.note,
                        hundredths(row.weight())
                    ),
                )];
                v.extend(wrapped(&row.title, width, 2, Tone::Plain));
                v
            }
            None if m.rows.is_empty() => Vec::new(),
            None => vec![line(
                Tone::Dim,
                format!(
                    "On the header: e d # l L T Q act on {}; ↓ to the evidence",
                    col.id
                ),
            )],
        };
        let keep = note.len().min(2);
        sections.push((note, keep));
        sections.push((self.ledger_lines(c), 1));
        fit_sections(sections, budget)
    }

    /// The expected-but-absent ledger of column `c`.
    fn ledger_lines(&self, c: usize) -> Vec<Detail> {
        let h = self.matrix.columns[c].id;
        let mut v: Vec<Detail> = Vec::new();
        for x in self.matrix.ledger(h) {
            let (tone, state) = match x.status {
                ExpectationStatus::Unchecked => (Tone::Dim, "unchecked".to_string()),
                ExpectationStatus::Absent => (
                    Tone::Warn,
                    format!(
                        "absent ({}, {})",
                        sanitize(x.place.as_deref().unwrap_or("?")),
                        x.checked.map_or("?".to_string(), |d| d.to_string())
                    ),
                ),
                ExpectationStatus::Found => (
                    Tone::Good,
                    format!(
                        "found ({})",
                        x.note.map_or("?".to_string(), |n| n.to_string())
                    ),
                ),
            };
            v.push(line(
                tone,
                format!("  {} {state}: {}", x.id, sanitize(&x.text)),
            ));
        }
        let head = if v.is_empty() {
            format!("Expected if {h} were true: nothing listed (x adds)")
        } else {
            format!("Expected if {h} were true (x adds, X sets a status):")
        };
        v.insert(0, line(Tone::Title, head));
        v
    }

    /// Whether the selected hypothesis is rejected.
    pub fn selected_rejected(&self) -> bool {
        self.column()
            .is_some_and(|c| self.matrix.columns[c].status == HypothesisStatus::Rejected)
    }
}

fn width_of(id: crate::model::Id) -> usize {
    width(&id.to_string())
}

/// Cuts sections (lines, lines to keep at least) to `budget` lines: the last sections
/// give way first, down to what they keep, then whole sections from the end. A cut
/// section says how many lines it left out.
fn fit_sections(mut sections: Vec<(Vec<Detail>, usize)>, budget: usize) -> Vec<Detail> {
    let total = |s: &[(Vec<Detail>, usize)]| s.iter().map(|(l, _)| l.len()).sum::<usize>();
    for i in (0..sections.len()).rev() {
        let over = total(&sections).saturating_sub(budget);
        if over == 0 {
            break;
        }
        let (lines, keep) = &mut sections[i];
        // the "more" line takes the place of one line left out
        let can = lines.len().saturating_sub((*keep).max(1) + 1);
        let cut = over.min(can);
        if cut > 0 {
            let left_out = cut + 1;
            lines.truncate(lines.len() - left_out);
            lines.push(line(Tone::Dim, format!("  … {left_out} more")));
        }
    }
    while total(&sections) > budget && !sections.is_empty() {
        sections.pop();
    }
    sections.into_iter().flat_map(|(l, _)| l).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_column_fits_when_a_title_still_fits_beside_them() {
        assert_eq!(columns_that_fit(70, 4, 3), (3, 58));
        // 30 columns of 4 cells in 70: 17 fit, 2 cells left, no room for a title
        assert_eq!(columns_that_fit(70, 4, 30), (17, 2));
        // one column always shows, even in too little room
        assert_eq!(columns_that_fit(2, 4, 5), (1, 0));
        assert_eq!(columns_that_fit(70, 4, 0), (0, 70));
    }

    #[test]
    fn sections_give_way_from_the_last_and_say_what_they_left_out() {
        let sec = |n: usize, keep: usize| -> (Vec<Detail>, usize) {
            (
                (0..n).map(|i| line(Tone::Plain, format!("{i}"))).collect(),
                keep,
            )
        };
        let all = fit_sections(vec![sec(2, 1), sec(3, 2), sec(4, 1)], 9);
        assert_eq!(all.len(), 9);
        let cut = fit_sections(vec![sec(2, 1), sec(3, 2), sec(4, 1)], 7);
        assert_eq!(cut.len(), 7);
        assert_eq!(cut[6].text, "  … 3 more");
        assert_eq!(cut[5].text, "0");
        let tight = fit_sections(vec![sec(2, 1), sec(3, 2), sec(4, 1)], 3);
        assert_eq!(
            tight.len(),
            2,
            "whole sections go when cutting is not enough"
        );
    }

    #[test]
    fn long_text_wraps_and_marks_what_it_cut() {
        let text = "one two three four five six seven eight nine ten";
        let lines = wrapped(text, 10, 2, Tone::Plain);
        assert_eq!(lines.len(), 2);
        assert!(lines[1].text.ends_with('…'), "{:?}", lines[1]);
        assert!(lines.iter().all(|l| width(&l.text) <= 10));
        assert_eq!(wrapped("short", 10, 2, Tone::Plain).len(), 1);
    }
}
