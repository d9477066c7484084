//! The competing-hypotheses part of a question in the briefing: its hypotheses ranked by
//! weighted inconsistency with their likelihood and score, the evidence that tells them
//! apart with its grades, and what was looked for and not found (where, when).

use super::escape::inline;
use super::{grouped, likelihood_words};
use crate::export::{Gathered, Linked, Weighed};
use crate::model::ach::hundredths;
use crate::model::text::{first_line, truncate};
use crate::model::{Hypothesis, HypothesisStatus};
use std::fmt::Write;

/// The ranked hypotheses, diagnostic evidence and absent ledger of a weighed question.
pub(super) fn weighed(out: &mut String, hyps: &[Hypothesis], w: &Weighed, g: &Gathered) {
    out.push_str("Hypotheses, ranked by weighted inconsistency (fewest first):\n\n");
    let mut ranked: Vec<(&Hypothesis, usize)> = hyps
        .iter()
        .map(|h| (h, w.score_of(h.meta.id).map_or(usize::MAX, |s| s.rank)))
        .collect();
    ranked.sort_by_key(|(h, rank)| (*rank, h.meta.id));
    for (h, _) in ranked {
        let status = match h.status {
            HypothesisStatus::Live => String::new(),
            s => format!(", {s}"),
        };
        let score = match (w.score_of(h.meta.id), w.standing_of(h.meta.id)) {
            (Some(s), Some((rank, cover))) => format!(
                " (rank {rank}, score {}, raw {}{})",
                hundredths(s.score),
                s.raw,
                cover.map_or(String::new(), |c| format!(", {c}"))
            ),
            _ => String::new(),
        };
        let _ = writeln!(
            out,
            "- {}{score}, {}{status}: {}",
            h.meta.id,
            likelihood_words(h.likelihood),
            inline(&h.statement)
        );
        let links: Vec<&Linked> = g.linked(h.meta.id).iter().collect();
        for line in grouped(&links) {
            let _ = writeln!(out, "  - {line}");
        }
    }
    out.push('\n');
    let _ = writeln!(
        out,
        "{}\n",
        inline(&crate::model::ach::sensitivity_line(&w.matrix, &w.analysis))
    );
    evidence(out, w);
    absent(out, w);
}

/// The rows that tell the live hypotheses apart, most separating first, each with its
/// grade, weight and reading under every hypothesis that has one.
fn evidence(out: &mut String, w: &Weighed) {
    let rows = w.diagnostic_rows();
    if rows.is_empty() {
        out.push_str("Diagnostic evidence: none yet (no note reads differently under the live hypotheses).\n\n");
        return;
    }
    out.push_str("Diagnostic evidence (most telling first):\n\n");
    let m = &w.matrix;
    for r in rows {
        let row = &m.rows[r];
        let grade = row
            .grade
            .map(|g| g.to_string())
            .unwrap_or_else(|| "ungraded".into());
        let cells: Vec<String> = row
            .cells
            .iter()
            .zip(&m.columns)
            .filter_map(|(v, c)| v.map(|v| format!("{} {}", c.id, v.symbol())))
            .collect();
        let _ = writeln!(
            out,
            "- {} ({grade}, weight {}): {} — {}",
            row.note,
            hundredths(row.weight()),
            inline(&truncate(first_line(&row.title), 80)),
            inline(&cells.join(", "))
        );
    }
    out.push('\n');
}

/// What each hypothesis led us to expect, looked for and did not find.
fn absent(out: &mut String, w: &Weighed) {
    let lines: Vec<String> = w
        .absent()
        .map(|x| {
            let place = x
                .place
                .as_deref()
                .map(|p| format!("looked in {}", inline(p)))
                .unwrap_or_else(|| "looked for".into());
            let when = x.checked.map(|d| format!(" on {d}")).unwrap_or_default();
            format!(
                "- {} expected {} ({}): {place}{when}, not found",
                x.hypothesis,
                inline(&x.text),
                x.id
            )
        })
        .collect();
    if lines.is_empty() {
        return;
    }
    out.push_str("Looked for and not found:\n\n");
    for l in lines {
        let _ = writeln!(out, "{l}");
    }
    out.push('\n');
}
