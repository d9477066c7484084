//! The backlog as JSON, schema `weft.backlog/1` (documented in `src/export/backlog-json.md`).
//! The structs below are the schema: change them only with a new schema version.

use super::{BriefingMeta, Gathered, Linked, Weighed, BACKLOG_SCHEMA};
use crate::model::ach::{hundredths, WEIGHTING};
use crate::model::{Answer, Consistency, Grade, Id, Question, Record, Yardstick};
use crate::store::{self, Direction, StoreError};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Serialize)]
struct Backlog<'a> {
    schema: &'static str,
    title: &'a str,
    date: NaiveDate,
    workspace: &'a str,
    weighting: &'static str,
    handling: HandlingOut,
    drawn_on: Vec<NoteOut>,
    questions: Vec<QuestionOut<'a>>,
}

#[derive(Serialize)]
struct HandlingOut {
    code: Option<String>,
    notes: usize,
    ungraded: usize,
    carried_by: Vec<Id>,
}

#[derive(Serialize)]
struct NoteOut {
    id: Id,
    grade: Option<Grade>,
    title: String,
}

#[derive(Serialize)]
struct QuestionOut<'a> {
    id: Id,
    parent: Option<Id>,
    title: &'a str,
    detail: &'a str,
    status: &'static str,
    priority: u8,
    kind: &'static str,
    tags: &'a [String],
    review_by: Option<NaiveDate>,
    answer: Option<&'a Answer>,
    created: DateTime<Utc>,
    updated: DateTime<Utc>,
    by: &'a str,
    hypotheses: Vec<HypothesisOut<'a>>,
    rests_on: Option<String>,
    evidence: Vec<EvidenceOut<'a>>,
    absent: Vec<AbsentOut<'a>>,
    entities: Vec<EntityOut<'a>>,
    links: Vec<LinkOut<'a>>,
}

#[derive(Serialize)]
struct EvidenceOut<'a> {
    note: Id,
    title: &'a str,
    grade: Option<Grade>,
    weight: f64,
    cells: BTreeMap<String, Consistency>,
}

#[derive(Serialize)]
struct AbsentOut<'a> {
    id: Id,
    hypothesis: Id,
    text: &'a str,
    #[serde(rename = "where")]
    place: Option<&'a str>,
    checked: Option<NaiveDate>,
}

#[derive(Serialize)]
struct HypothesisOut<'a> {
    id: Id,
    statement: &'a str,
    likelihood: Option<Yardstick>,
    status: &'static str,
    rank: Option<usize>,
    /// The rank as said: `=1` when tied.
    rank_label: Option<String>,
    /// `untested` or `2 of 5 assessed` when assessed on fewer rows than the others.
    coverage: Option<String>,
    score: Option<f64>,
    inconsistencies: Option<u32>,
    links: Vec<LinkOut<'a>>,
}

#[derive(Serialize)]
struct EntityOut<'a> {
    id: Id,
    name: &'a str,
    kind: &'static str,
    link: Id,
    label: &'a str,
    direction: &'static str,
}

#[derive(Serialize)]
struct LinkOut<'a> {
    link: Id,
    label: &'a str,
    direction: &'static str,
    other: Id,
    other_title: String,
}

fn direction(d: Direction) -> &'static str {
    match d {
        Direction::Out => "out",
        Direction::In => "in",
    }
}

fn link_out(l: &Linked) -> LinkOut<'_> {
    LinkOut {
        link: l.link,
        label: &l.label,
        direction: direction(l.dir),
        other: l.other.id(),
        other_title: l.other.title(),
    }
}

/// Hundredths as the JSON number they stand for: `56` is `0.56`.
fn decimal(v: u32) -> f64 {
    hundredths(v).parse().unwrap_or(0.0)
}

fn evidence(w: &Weighed) -> Vec<EvidenceOut<'_>> {
    let m = &w.matrix;
    w.diagnostic_rows()
        .into_iter()
        .map(|r| {
            let row = &m.rows[r];
            EvidenceOut {
                note: row.note,
                title: &row.title,
                grade: row.grade,
                weight: decimal(row.weight()),
                cells: row
                    .cells
                    .iter()
                    .zip(&m.columns)
                    .filter_map(|(v, c)| v.map(|v| (c.id.to_string(), v)))
                    .collect(),
            }
        })
        .collect()
}

fn absent(w: &Weighed) -> Vec<AbsentOut<'_>> {
    w.absent()
        .map(|x| AbsentOut {
            id: x.id,
            hypothesis: x.hypothesis,
            text: &x.text,
            place: x.place.as_deref(),
            checked: x.checked,
        })
        .collect()
}

fn question<'a>(q: &'a Question, g: &'a Gathered) -> QuestionOut<'a> {
    let linked = g.linked(q.meta.id);
    let weighed = g.weighed(q.meta.id);
    QuestionOut {
        id: q.meta.id,
        parent: q.parent,
        title: &q.title,
        detail: &q.detail,
        status: q.status.as_str(),
        priority: q.priority,
        kind: q.kind.as_str(),
        tags: &q.meta.tags,
        review_by: q.review_by,
        answer: q.answer.as_ref(),
        created: q.meta.created,
        updated: q.meta.updated,
        by: &q.meta.by,
        hypotheses: g
            .hypotheses_of(q.meta.id)
            .iter()
            .map(|h| {
                let s = weighed.and_then(|w| w.score_of(h.meta.id));
                let standing = weighed.and_then(|w| w.standing_of(h.meta.id));
                HypothesisOut {
                    id: h.meta.id,
                    statement: &h.statement,
                    likelihood: h.likelihood,
                    status: h.status.as_str(),
                    rank: s.map(|s| s.rank),
                    rank_label: standing.as_ref().map(|(r, _)| r.clone()),
                    coverage: standing.and_then(|(_, c)| c),
                    score: s.map(|s| decimal(s.score)),
                    inconsistencies: s.map(|s| s.raw),
                    links: g.linked(h.meta.id).iter().map(link_out).collect(),
                }
            })
            .collect(),
        rests_on: weighed.map(|w| crate::model::ach::sensitivity_line(&w.matrix, &w.analysis)),
        evidence: weighed.map(evidence).unwrap_or_default(),
        absent: weighed.map(absent).unwrap_or_default(),
        entities: linked
            .iter()
            .filter_map(|l| match &l.other {
                Record::Entity(e) => Some(EntityOut {
                    id: e.meta.id,
                    name: &e.name,
                    kind: e.kind.as_str(),
                    link: l.link,
                    label: &l.label,
                    direction: direction(l.dir),
                }),
                _ => None,
            })
            .collect(),
        links: linked
            .iter()
            .filter(|l| !matches!(l.other, Record::Entity(_)))
            .map(link_out)
            .collect(),
    }
}

pub(super) fn render(qs: &[Question], g: &Gathered, meta: &BriefingMeta) -> store::Result<Vec<u8>> {
    let h = g.handling();
    let doc = Backlog {
        schema: BACKLOG_SCHEMA,
        title: &meta.title,
        date: meta.date,
        workspace: &meta.workspace,
        weighting: WEIGHTING,
        handling: HandlingOut {
            code: h.code.map(|c| c.letter().to_string()),
            notes: h.notes,
            ungraded: h.ungraded,
            carried_by: h.carriers,
        },
        drawn_on: g
            .drawn_on
            .values()
            .map(|n| NoteOut {
                id: n.meta.id,
                grade: n.grade,
                title: crate::model::text::first_line(&n.text).to_string(),
            })
            .collect(),
        questions: qs.iter().map(|q| question(q, g)).collect(),
    };
    // Escaped as everything weft prints is: a backlog JSON is often read on a terminal.
    let mut text = crate::model::json::to_string_pretty(&doc)
        .map_err(|e| StoreError::invalid(format!("cannot write JSON: {e}")))?;
    text.push('\n');
    Ok(text.into_bytes())
}
