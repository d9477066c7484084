//! The demo case: a fictional county-lines problem profile shipped as
//! `examples/demo/kestrel.toml`, loaded through the same store operations the command
//! line uses.

use crate::model::{fields, Consistency, EntityKind, Grade, Id, Sees, Status, When, Yardstick};
use crate::store::{NewEntity, NewLink, NewNote, NewQuestion, Result, Store, StoreError};
use chrono::{NaiveDate, TimeZone, Utc};
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};

/// The demo case's source text, embedded in the binary.
pub const KESTREL: &str = include_str!("../examples/demo/kestrel.toml");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    case: Header,
    #[serde(default)]
    entity: Vec<DemoEntity>,
    #[serde(default)]
    note: Vec<DemoNote>,
    #[serde(default)]
    question: Vec<DemoQuestion>,
    #[serde(default)]
    hypothesis: Vec<DemoHypothesis>,
    #[serde(default)]
    link: Vec<DemoLink>,
    #[serde(default)]
    assessment: Vec<DemoAssessment>,
    #[serde(default)]
    expectation: Vec<DemoExpectation>,
}

#[derive(Debug, Deserialize)]
pub struct Header {
    pub name: String,
    pub summary: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoEntity {
    key: String,
    name: String,
    kind: EntityKind,
    #[serde(default)]
    aliases: Vec<String>,
    #[serde(default)]
    attrs: BTreeMap<String, String>,
    #[serde(default)]
    tags: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoNote {
    key: String,
    text: String,
    #[serde(default)]
    source: String,
    grade: Option<Grade>,
    when: Option<When>,
    recorded: Option<String>,
    #[serde(default)]
    tags: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoQuestion {
    key: String,
    title: String,
    #[serde(default)]
    detail: String,
    status: Status,
    priority: u8,
    kind: Sees,
    parent: Option<String>,
    review_by: Option<String>,
    #[serde(default)]
    tags: Vec<String>,
    answer: Option<String>,
    confidence: Option<Yardstick>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoHypothesis {
    key: String,
    question: String,
    statement: String,
    likelihood: Option<Yardstick>,
    status: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoLink {
    from: String,
    to: String,
    label: String,
    confidence: Option<Yardstick>,
    source: Option<String>,
    when: Option<When>,
}

/// One evidence row of a matrix: a note read against several hypotheses
/// (`cells = { h01 = "++", h02 = "-" }`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoAssessment {
    note: String,
    cells: BTreeMap<String, String>,
}

/// What a hypothesis leads us to expect, and whether it was looked for.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoExpectation {
    key: String,
    hypothesis: String,
    text: String,
    /// `unchecked` (the default), `absent` or `found`.
    status: Option<String>,
    #[serde(rename = "where")]
    place: Option<String>,
    checked: Option<String>,
    note: Option<String>,
}

/// What was loaded: the case header and how many records of each kind.
#[derive(Debug)]
pub struct Loaded {
    pub header: Header,
    pub entities: usize,
    pub notes: usize,
    pub questions: usize,
    pub hypotheses: usize,
    pub links: usize,
    pub assessments: usize,
    pub expectations: usize,
}

fn at_noon(d: NaiveDate) -> chrono::DateTime<Utc> {
    Utc.from_utc_datetime(&d.and_hms_opt(12, 0, 0).unwrap_or_default())
}

/// Loads a case in the demo format into `store` (which should be empty).
pub fn load(store: &mut Store, source: &str) -> Result<Loaded> {
    let case: Case =
        toml::from_str(source).map_err(|e| StoreError::invalid(format!("demo case: {e}")))?;
    let mut keys: HashMap<String, Id> = HashMap::new();
    let find = |keys: &HashMap<String, Id>, k: &str| -> Result<Id> {
        keys.get(k)
            .copied()
            .ok_or_else(|| StoreError::invalid(format!("demo case: unknown key {k:?}")))
    };
    let start = NaiveDate::from_ymd_opt(2024, 1, 2).unwrap_or_default();
    store.set_clock(Some(at_noon(start)));
    for e in &case.entity {
        let id = store
            .add_entity(NewEntity {
                name: e.name.clone(),
                kind: e.kind,
                aliases: e.aliases.clone(),
                attributes: e.attrs.clone(),
                tags: e.tags.clone(),
            })?
            .id;
        keys.insert(e.key.clone(), id);
    }
    for n in &case.note {
        let recorded = match &n.recorded {
            Some(d) => fields::parse_date(d)?,
            None => n
                .when
                .as_ref()
                .map(|w| w.start_instant().date())
                .unwrap_or(start),
        };
        store.set_clock(Some(at_noon(recorded)));
        let id = store
            .add_note(NewNote {
                text: n.text.clone(),
                source: n.source.clone(),
                grade: n.grade,
                when: n.when,
                tags: n.tags.clone(),
            })?
            .id;
        keys.insert(n.key.clone(), id);
    }
    store.set_clock(Some(at_noon(
        NaiveDate::from_ymd_opt(2024, 6, 3).unwrap_or_default(),
    )));
    for q in &case.question {
        let parent = q.parent.as_deref().map(|p| find(&keys, p)).transpose()?;
        let id = store
            .add_question(NewQuestion {
                title: q.title.clone(),
                detail: q.detail.clone(),
                status: Status::Open,
                priority: q.priority,
                kind: q.kind,
                parent,
                review_by: q.review_by.as_deref().map(fields::parse_date).transpose()?,
                tags: q.tags.clone(),
            })?
            .id;
        let mut sets: Vec<(String, String)> = Vec::new();
        if let Some(a) = &q.answer {
            sets.push(("answer".into(), a.clone()));
        }
        if let Some(c) = q.confidence {
            sets.push(("confidence".into(), c.to_string()));
        }
        if q.status != Status::Open {
            sets.push(("status".into(), q.status.to_string()));
        }
        if !sets.is_empty() {
            store.set_fields(id, &sets)?;
        }
        keys.insert(q.key.clone(), id);
    }
    for h in &case.hypothesis {
        let q = find(&keys, &h.question)?;
        let id = store.add_hypothesis(q, &h.statement, h.likelihood)?.id;
        if let Some(s) = &h.status {
            if s != "live" {
                store.set_fields(id, &[("status".into(), s.clone())])?;
            }
        }
        keys.insert(h.key.clone(), id);
    }
    for l in &case.link {
        store.link(NewLink {
            from: find(&keys, &l.from)?,
            to: find(&keys, &l.to)?,
            label: l.label.clone(),
            confidence: l.confidence,
            source: l.source.as_deref().map(|s| find(&keys, s)).transpose()?,
            when: l.when,
        })?;
    }
    let mut assessments = 0;
    for a in &case.assessment {
        let note = find(&keys, &a.note)?;
        for (h, value) in &a.cells {
            let c: Consistency = value
                .parse()
                .map_err(|e| StoreError::invalid(format!("demo case: {}: {e}", a.note)))?;
            store.assess(find(&keys, h)?, note, c)?;
            assessments += 1;
        }
    }
    for x in &case.expectation {
        let id = store
            .add_expectation(find(&keys, &x.hypothesis)?, &x.text)?
            .id;
        let mut sets: Vec<(String, String)> = Vec::new();
        if let Some(s) = &x.status {
            sets.push(("status".into(), s.clone()));
        }
        if let Some(p) = &x.place {
            sets.push(("where".into(), p.clone()));
        }
        if let Some(d) = &x.checked {
            sets.push(("checked".into(), d.clone()));
        }
        if let Some(n) = &x.note {
            sets.push(("note".into(), find(&keys, n)?.to_string()));
        }
        if !sets.is_empty() {
            store.set_fields(id, &sets)?;
        }
        keys.insert(x.key.clone(), id);
    }
    store.set_clock(None);
    Ok(Loaded {
        header: case.case,
        entities: case.entity.len(),
        notes: case.note.len(),
        questions: case.question.len(),
        hypotheses: case.hypothesis.len(),
        links: case.link.len(),
        assessments,
        expectations: case.expectation.len(),
    })
}
