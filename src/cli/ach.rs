//! `weft assess`, `matrix` and `expect`: the competing-hypotheses matrix on the command
//! line, scored by the same [`crate::model::ach`] code the interface uses.

use super::{open_workspace, CliResult, Failure};
use crate::model::ach::{
    collect_next, contenders, hundredths, telling_apart, Act, Analysis, Matrix, Shift, CANDIDATES,
    WEIGHTING,
};
use crate::model::text::sanitize;
use crate::model::{Consistency, Id, Kind};
use clap::Args;
use serde_json::{json, Value};
use std::path::Path;

#[derive(Debug, Args)]
pub struct AssessArgs {
    /// The hypothesis (column).
    hypothesis: String,
    /// The note (row).
    note: String,
    /// ++ + 0 - -- (or CC C N I II, any case); none clears the cell.
    #[arg(allow_hyphen_values = true)]
    value: Option<String>,
}

#[derive(Debug, Args)]
pub struct MatrixArgs {
    /// The question whose hypotheses are weighed (e.g. Q3).
    question: String,
    /// Print the matrix as JSON (hypotheses best first, evidence rows, expectations).
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
pub struct CollectArgs {
    /// The question (e.g. Q3).
    question: String,
    /// Print the actions as a JSON array, best first.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
pub struct ExpectArgs {
    /// The hypothesis that predicts it (e.g. H3).
    hypothesis: String,
    /// What should be seen if the hypothesis were true.
    #[arg(allow_hyphen_values = true)]
    text: String,
}

fn id_of(s: &str, kind: Kind, role: &str) -> Result<Id, Failure> {
    let id: Id = s
        .parse()
        .map_err(|e: crate::model::ParseError| Failure::usage(e.to_string()))?;
    if id.kind != kind {
        return Err(Failure::new(format!(
            "{id} is not a {}: {role}",
            kind.noun()
        )));
    }
    Ok(id)
}

pub fn assess(ws: Option<&Path>, a: AssessArgs) -> CliResult {
    const ROLE: &str = "assess takes a hypothesis, a note and a value";
    let h = id_of(&a.hypothesis, Kind::Hypothesis, ROLE)?;
    let n = id_of(&a.note, Kind::Note, ROLE)?;
    // A shell (and clap) reads a bare `--` as the end of options: it arrives as no value.
    let value = match a.value {
        Some(v) => v,
        None if std::env::args().skip(1).any(|x| x == "--") => "--".to_string(),
        None => {
            return Err(Failure::usage(
                "assess needs a value: ++ + 0 - -- (or CC C N I II), or none to clear",
            ))
        }
    };
    let cell = if value.trim().eq_ignore_ascii_case("none") {
        None
    } else {
        Some(
            value
                .parse::<Consistency>()
                .map_err(|e| Failure::usage(e.to_string()))?,
        )
    };
    let mut store = open_workspace(ws)?;
    store.check_cell(h, n)?;
    match cell {
        Some(c) => {
            store.assess(h, n, c)?;
        }
        None => {
            store.clear_assessment(h, n)?;
        }
    }
    Ok(())
}

pub fn expect(ws: Option<&Path>, a: ExpectArgs) -> CliResult {
    let h = id_of(
        &a.hypothesis,
        Kind::Hypothesis,
        "expect takes a hypothesis, then text",
    )?;
    let mut store = open_workspace(ws)?;
    let id = store.add_expectation(h, &a.text)?.id;
    let mut out = super::out::stdout();
    out.line(&id.to_string())?;
    out.finish()
}

pub fn matrix(ws: Option<&Path>, a: MatrixArgs) -> CliResult {
    let q = id_of(&a.question, Kind::Question, "the matrix is a question's")?;
    let store = super::read_workspace(ws)?;
    let m = store.matrix(q)?;
    let an = m.analyse();
    let mut out = super::out::stdout();
    if a.json {
        out.json(&to_json(&m, &an))?;
    } else {
        out.text(&to_text(&m, &an))?;
    }
    out.finish()
}

pub fn collect(ws: Option<&Path>, a: CollectArgs) -> CliResult {
    let q = id_of(
        &a.question,
        Kind::Question,
        "collect next is for a question",
    )?;
    let store = super::read_workspace(ws)?;
    let m = store.matrix(q)?;
    let an = m.analyse();
    let candidates = store.evidence_candidates(&m, CANDIDATES)?;
    let advice = collect_next(&m, &an, &candidates);
    let mut out = super::out::stdout();
    if advice.is_empty() {
        return Err(Failure::new(format!(
            "{q}: collect next needs two live hypotheses (weft add hypothesis {q} TEXT)"
        )));
    }
    let title = telling_apart(&m, &contenders(&m, &an));
    if a.json {
        let items: Vec<Value> = advice
            .iter()
            .map(|x| {
                let mut v = json!({
                    "action": x.act.as_str(),
                    "records": x.records,
                    "hypotheses": x.hypotheses,
                    "swing": hundredths(x.swing).parse::<f64>().unwrap_or(0.0),
                    "decisive": x.decisive,
                    "reason": x.reason,
                });
                if x.act == Act::Ask {
                    v["title"] = json!(title);
                }
                v
            })
            .collect();
        out.json(&Value::Array(items))?;
    } else {
        out.line(&sanitize(&format!("{q}: {}", sensitivity_line(&m, &an))))?;
        for (i, x) in advice.iter().enumerate() {
            let what = match x.act {
                Act::Assess => {
                    let ids: Vec<String> = x.hypotheses.iter().map(Id::to_string).collect();
                    let add = if x.row.is_none() {
                        " (not yet a row)"
                    } else {
                        ""
                    };
                    format!("assess {}{add} against {}", x.records[0], ids.join(", "))
                }
                Act::Check => format!("check {} of {}", x.records[0], x.hypotheses[0]),
                Act::Ask => format!("ask {title}"),
            };
            let mark = if x.decisive {
                "  could change the lead"
            } else {
                ""
            };
            out.line(&sanitize(&format!(
                "{:>2}. {what}  (up to {}){mark}",
                i + 1,
                hundredths(x.swing)
            )))?;
            out.line(&sanitize(&format!("    {}", x.reason)))?;
        }
    }
    out.finish()
}

/// The matrix as the JSON `weft matrix --json` prints: hypotheses best first.
pub fn to_json(m: &Matrix, an: &Analysis) -> Value {
    let hypotheses: Vec<Value> = an
        .ranking
        .iter()
        .map(|&c| {
            let col = &m.columns[c];
            let s = an.scores[c];
            json!({
                "id": col.id,
                "statement": col.statement,
                "status": col.status,
                "likelihood": col.likelihood,
                "score": hundredths(s.score).parse::<f64>().unwrap_or(0.0),
                "inconsistencies": s.raw,
                "rank": s.rank,
                "rank_label": an.rank_label(m, c),
                "assessed": s.assessed,
                "untested": s.short,
                "tied_with": an.tied_with(m, c).iter().map(|&o| m.columns[o].id).collect::<Vec<_>>(),
            })
        })
        .collect();
    let evidence: Vec<Value> = an
        .rows_by_diagnosticity(m)
        .into_iter()
        .map(|r| {
            let row = &m.rows[r];
            let cells: serde_json::Map<String, Value> = row
                .cells
                .iter()
                .enumerate()
                .filter_map(|(c, v)| v.map(|v| (m.columns[c].id.to_string(), json!(v))))
                .collect();
            json!({
                "note": row.note,
                "title": row.title,
                "grade": row.grade,
                "weight": hundredths(row.weight()).parse::<f64>().unwrap_or(0.0),
                "diagnostic": an.diagnostic[r],
                "reads": an.row_label(m, r),
                "cells": cells,
            })
        })
        .collect();
    let expectations: Vec<Value> = m
        .expectations
        .iter()
        .map(|x| {
            json!({
                "id": x.id,
                "hypothesis": x.hypothesis,
                "text": x.text,
                "status": x.status,
                "where": x.place,
                "checked": x.checked,
                "note": x.note,
            })
        })
        .collect();
    let sensitivity: Vec<Value> = an
        .fragile
        .iter()
        .map(|f| {
            let (kind, change) = match f.shift {
                Shift::Removed => ("row", "removed".to_string()),
                Shift::Unlooked => ("expectation", "not looked for".to_string()),
                Shift::Regraded(g) => ("grade", format!("graded {g}")),
            };
            json!({
                "kind": kind,
                "id": f.note,
                "change": change,
                "leader_after": f.new_leader,
                "tie": f.tie,
            })
        })
        .collect();
    json!({
        "question": m.question,
        "hypotheses": hypotheses,
        "evidence": evidence,
        "expectations": expectations,
        "rests_on": sensitivity_line(m, an),
        "sensitivity": sensitivity,
    })
}

pub use crate::model::ach::sensitivity_line;

fn to_text(m: &Matrix, an: &Analysis) -> String {
    let mut out = String::new();
    let q = m.question.map(|q| q.to_string()).unwrap_or_default();
    out.push_str(&format!(
        "{q}: {} hypotheses, {} evidence rows\n",
        m.columns.len(),
        m.rows.len()
    ));
    out.push_str("rank id     score  raw status    likelihood            statement\n");
    for &c in &an.ranking {
        let col = &m.columns[c];
        let s = an.scores[c];
        let like = col
            .likelihood
            .map(|l| l.to_string())
            .unwrap_or("unassessed".into());
        out.push_str(&format!(
            "{:<4} {:<6} {:>5} {:>4} {:<9} {:<21} {}{}\n",
            an.rank_label(m, c),
            col.id,
            hundredths(s.score),
            s.raw,
            col.status.as_str(),
            like,
            sanitize(&col.statement),
            an.coverage_label(m, c)
                .map_or(String::new(), |l| format!("  [{l}]"))
        ));
    }
    out.push('\n');
    out.push_str(&format!("{:<6} {:<5} {:>4} ", "note", "grade", "wt"));
    for col in &m.columns {
        out.push_str(&format!("{:<6}", col.id));
    }
    out.push_str("title\n");
    for r in an.rows_by_diagnosticity(m) {
        let row = &m.rows[r];
        let grade = row.grade.map(|g| g.to_string()).unwrap_or("-".into());
        out.push_str(&format!(
            "{:<6} {:<5} {:>4} ",
            row.note,
            grade,
            hundredths(row.weight())
        ));
        for v in &row.cells {
            out.push_str(&format!("{:<6}", v.map(|v| v.symbol()).unwrap_or(".")));
        }
        let mark = match an.row_label(m, r) {
            "diagnostic" => String::new(),
            label => format!("({label}) "),
        };
        out.push_str(&format!("{mark}{}\n", sanitize(&row.title)));
    }
    if !m.expectations.is_empty() {
        out.push_str("\nexpected\n");
        for x in &m.expectations {
            let detail = match (&x.place, x.checked, x.note) {
                (_, _, Some(n)) => format!(" (found in {n})"),
                (Some(p), Some(d), None) => format!(" (looked in {p} on {d})"),
                _ => String::new(),
            };
            out.push_str(&sanitize(&format!(
                "{:<6} {:<6} {:<9} {}{detail}",
                x.id,
                x.hypothesis,
                x.status.as_str(),
                x.text
            )));
            out.push('\n');
        }
    }
    out.push('\n');
    out.push_str(&sensitivity_line(m, an));
    out.push('\n');
    out.push_str(WEIGHTING);
    out.push('\n');
    out
}
