//! Exports: the question backlog as a Markdown briefing, CSV or JSON, and the whole
//! workspace as lossless JSON for `weft import`. One file per format; this file holds
//! what they share: choosing the questions, ordering them as a tree, gathering what each
//! one draws on. Files are written owner-only and atomically by [`crate::fsutil`].

mod csv;
mod json;
mod markdown;
pub mod workspace;

use crate::model::ach::{Analysis, Matrix};
use crate::model::{
    ExpectationStatus, Hypothesis, Id, Kind, Note, ParseError, Question, Record, Status,
};
use crate::store::{self, Direction, Store, StoreError};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::str::FromStr;

pub use crate::fsutil::{write_atomic, write_atomic_with, write_output};
pub use workspace::{parse_workspace, write_workspace, WORKSPACE_SCHEMA};

/// The schema name written into backlog JSON.
pub const BACKLOG_SCHEMA: &str = "weft.backlog/1";

/// A backlog export format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Markdown,
    Csv,
    Json,
}

impl Format {
    /// The usual file extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Markdown => "md",
            Format::Csv => "csv",
            Format::Json => "json",
        }
    }
}

impl FromStr for Format {
    type Err = ParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "md" | "markdown" => Ok(Format::Markdown),
            "csv" => Ok(Format::Csv),
            "json" => Ok(Format::Json),
            _ => Err(ParseError::new(
                "format",
                s,
                "expected md (a Markdown briefing), csv or json",
            )),
        }
    }
}

/// Which questions a backlog export holds. Empty `statuses` means every status.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BacklogFilter {
    pub statuses: Vec<Status>,
    pub tag: Option<String>,
    /// A question and every sub-question below it.
    pub under: Option<Id>,
}

/// What the top of a Markdown briefing (and the backlog JSON) says about itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BriefingMeta {
    pub title: String,
    pub date: chrono::NaiveDate,
    pub workspace: String,
}

/// The questions `f` selects, in tree order: top-level questions by priority then id,
/// each followed depth-first by its sub-questions (in the same order). A question whose
/// parent is not selected stands at the top level.
pub fn select(store: &Store, f: &BacklogFilter) -> store::Result<Vec<Question>> {
    let questions = match (f.under, &f.tag) {
        (Some(root), _) => subtree(store, root)?,
        (None, Some(tag)) => {
            let mut out = Vec::new();
            for id in store.tagged(tag)? {
                if id.kind == Kind::Question {
                    if let Record::Question(q) = store.require(id)? {
                        out.push(q);
                    }
                }
            }
            out
        }
        (None, None) => store
            .all_records(Kind::Question)?
            .into_iter()
            .filter_map(|r| match r {
                Record::Question(q) => Some(q),
                _ => None,
            })
            .collect(),
    };
    let keep = |q: &Question| {
        (f.statuses.is_empty() || f.statuses.contains(&q.status))
            && f.tag.as_ref().is_none_or(|t| q.meta.tags.contains(t))
    };
    let questions: Vec<Question> = questions.into_iter().filter(keep).collect();
    let order = forest(&questions.iter().collect::<Vec<_>>());
    let mut slots: Vec<Option<Question>> = questions.into_iter().map(Some).collect();
    Ok(order
        .into_iter()
        .filter_map(|(i, _)| slots[i].take())
        .collect())
}

/// `root` and every question below it, read through the question-tree index.
fn subtree(store: &Store, root: Id) -> store::Result<Vec<Question>> {
    if root.kind != Kind::Question {
        return Err(StoreError::invalid(format!("{root} is not a question")));
    }
    let mut out = Vec::new();
    let mut stack = vec![root];
    let mut seen = HashSet::new();
    while let Some(id) = stack.pop() {
        if !seen.insert(id) {
            continue;
        }
        if let Record::Question(q) = store.require(id)? {
            out.push(q);
        }
        stack.extend(store.children(Some(id))?);
    }
    Ok(out)
}

/// Tree order over `qs`: (position in `qs`, depth) for every question, roots by priority
/// then id, children depth-first after their parent. A question whose parent is not in
/// `qs` is a root.
pub fn forest(qs: &[&Question]) -> Vec<(usize, usize)> {
    let pos: HashMap<Id, usize> = qs.iter().enumerate().map(|(i, q)| (q.meta.id, i)).collect();
    let mut kids: Vec<Vec<usize>> = vec![Vec::new(); qs.len()];
    let mut roots = Vec::new();
    for (i, q) in qs.iter().enumerate() {
        match q.parent.and_then(|p| pos.get(&p)) {
            Some(&p) if p != i => kids[p].push(i),
            _ => roots.push(i),
        }
    }
    let key = |i: &usize| (qs[*i].priority, qs[*i].meta.id);
    roots.sort_by_key(key);
    for k in &mut kids {
        k.sort_by_key(key);
    }
    let mut out = Vec::with_capacity(qs.len());
    let mut seen = vec![false; qs.len()];
    let mut walk = |start: usize, out: &mut Vec<(usize, usize)>| {
        let mut stack = vec![(start, 0usize)];
        while let Some((i, depth)) = stack.pop() {
            if std::mem::replace(&mut seen[i], true) {
                continue;
            }
            out.push((i, depth));
            stack.extend(kids[i].iter().rev().map(|&k| (k, depth + 1)));
        }
    };
    for r in roots {
        walk(r, &mut out);
    }
    // Questions in a loop of parents are reachable from no root; never drop them.
    let mut rest: Vec<usize> = (0..qs.len()).collect();
    rest.sort_by_key(key);
    for r in rest {
        walk(r, &mut out);
    }
    out
}

/// The backlog `questions` (in the order given, which is kept for CSV and JSON; the
/// briefing groups them by status) rendered in `format`.
pub fn render_backlog(
    store: &Store,
    questions: &[Question],
    format: Format,
    meta: &BriefingMeta,
) -> store::Result<Vec<u8>> {
    match format {
        Format::Csv => {
            let hyps = hypotheses(store, questions)?;
            csv::render(questions, &hyps)
        }
        Format::Markdown => {
            let g = Gathered::collect(store, questions)?;
            Ok(markdown::render(questions, &g, meta).into_bytes())
        }
        Format::Json => {
            let g = Gathered::collect(store, questions)?;
            json::render(questions, &g, meta)
        }
    }
}

/// The hypotheses of each question, in id order. A large export reads every hypothesis
/// once; a small one walks the index per question.
fn hypotheses(store: &Store, qs: &[Question]) -> store::Result<HashMap<Id, Vec<Hypothesis>>> {
    let mut out: HashMap<Id, Vec<Hypothesis>> = HashMap::new();
    let total = store.state().count(Kind::Hypothesis);
    if (qs.len() as u64).saturating_mul(4) >= total {
        let wanted: HashSet<Id> = qs.iter().map(|q| q.meta.id).collect();
        for r in store.all_records(Kind::Hypothesis)? {
            if let Record::Hypothesis(h) = r {
                if wanted.contains(&h.question) {
                    out.entry(h.question).or_default().push(h);
                }
            }
        }
    } else {
        for q in qs {
            for id in store.hypotheses_of(q.meta.id)? {
                if let Some(Record::Hypothesis(h)) = store.get(id)? {
                    out.entry(q.meta.id).or_default().push(h);
                }
            }
        }
    }
    Ok(out)
}

/// A record at the far end of a link from a question or hypothesis.
#[derive(Debug, Clone)]
pub(crate) struct Linked {
    pub link: Id,
    pub label: String,
    pub dir: Direction,
    pub other: Record,
}

/// Everything the briefing and the backlog JSON say about the exported questions beyond
/// the questions themselves.
#[derive(Debug, Default)]
pub(crate) struct Gathered {
    /// Hypotheses per question id.
    pub hypotheses: HashMap<Id, Vec<Hypothesis>>,
    /// Linked records per question or hypothesis id (links themselves excluded).
    pub linked: HashMap<Id, Vec<Linked>>,
    /// The notes the export draws on: notes linked directly (either way) to an exported
    /// question or hypothesis, the source notes of those links, and the notes weighed in
    /// their matrices (assessed against a hypothesis, or found for an expectation).
    pub drawn_on: BTreeMap<Id, Note>,
    /// The competing-hypotheses matrix of each exported question that has been weighed
    /// (at least one assessed cell or checked expectation), with its scores.
    pub matrices: HashMap<Id, Weighed>,
}

/// A question's matrix and its scores, as the briefing and the backlog JSON report them.
#[derive(Debug)]
pub(crate) struct Weighed {
    pub matrix: Matrix,
    pub analysis: Analysis,
}

impl Weighed {
    /// Rows that tell the live hypotheses apart, most separating first.
    pub fn diagnostic_rows(&self) -> Vec<usize> {
        self.analysis
            .rows_by_diagnosticity(&self.matrix)
            .into_iter()
            .filter(|&r| self.analysis.diagnostic[r])
            .collect()
    }

    /// Expectations looked for and not found, in id order.
    pub fn absent(&self) -> impl Iterator<Item = &crate::model::ach::Expected> + '_ {
        self.matrix
            .expectations
            .iter()
            .filter(|x| x.status == ExpectationStatus::Absent)
    }

    /// The score, raw count and rank (1 = best) of a hypothesis.
    pub fn score_of(&self, h: Id) -> Option<crate::model::ach::HypothesisScore> {
        self.matrix.column_of(h).map(|c| self.analysis.scores[c])
    }
}

/// A matrix worth reporting: something in it has been weighed.
fn weighed(m: &Matrix) -> bool {
    m.rows.iter().any(|r| r.cells.iter().any(Option::is_some))
        || m.expectations
            .iter()
            .any(|x| x.status != ExpectationStatus::Unchecked)
}

impl Gathered {
    fn collect(store: &Store, qs: &[Question]) -> store::Result<Gathered> {
        let mut g = Gathered {
            hypotheses: hypotheses(store, qs)?,
            ..Gathered::default()
        };
        let mut subjects: Vec<Id> = qs.iter().map(|q| q.meta.id).collect();
        for hs in g.hypotheses.values() {
            subjects.extend(hs.iter().map(|h| h.meta.id));
        }
        let mut cache: HashMap<Id, Option<Record>> = HashMap::new();
        let mut fetch = |id: Id| -> store::Result<Option<Record>> {
            if let Some(r) = cache.get(&id) {
                return Ok(r.clone());
            }
            let r = store.get(id)?;
            cache.insert(id, r.clone());
            Ok(r)
        };
        for subject in subjects {
            let mut here = Vec::new();
            for n in store.neighbours(subject)? {
                let sources = std::iter::once(n.other).chain(n.link.source);
                for source in sources.filter(|s| s.kind == Kind::Note) {
                    if let Some(Record::Note(note)) = fetch(source)? {
                        g.drawn_on.insert(source, note);
                    }
                }
                if let Some(other) = fetch(n.other)? {
                    here.push(Linked {
                        link: n.link.meta.id,
                        label: n.link.label.clone(),
                        dir: n.dir,
                        other,
                    });
                }
            }
            if !here.is_empty() {
                g.linked.insert(subject, here);
            }
        }
        for q in qs {
            if g.hypotheses_of(q.meta.id).is_empty() {
                continue;
            }
            let matrix = store.matrix(q.meta.id)?;
            if !weighed(&matrix) {
                continue;
            }
            let assessed = matrix
                .rows
                .iter()
                .filter(|r| r.cells.iter().any(Option::is_some))
                .map(|r| r.note);
            let found = matrix.expectations.iter().filter_map(|x| x.note);
            for n in assessed.chain(found).collect::<Vec<_>>() {
                if let Some(Record::Note(note)) = fetch(n)? {
                    g.drawn_on.insert(n, note);
                }
            }
            let analysis = matrix.analyse();
            g.matrices.insert(q.meta.id, Weighed { matrix, analysis });
        }
        Ok(g)
    }

    /// The most restrictive handling code among the graded notes drawn on, the notes
    /// that carry it, and how many notes drawn on are ungraded.
    pub fn handling(&self) -> Handling {
        use crate::model::grade::Handling as H;
        let graded = self
            .drawn_on
            .values()
            .filter_map(|n| n.grade.map(|g| (n, g)));
        let code = graded.clone().map(|(_, g)| g.handling).max();
        Handling {
            code,
            carriers: graded
                .filter(|(_, g)| Some(g.handling) == code && code == Some(H::C))
                .map(|(n, _)| n.meta.id)
                .collect(),
            notes: self.drawn_on.len(),
            ungraded: self.drawn_on.values().filter(|n| n.grade.is_none()).count(),
        }
    }

    pub fn linked(&self, id: Id) -> &[Linked] {
        self.linked.get(&id).map(Vec::as_slice).unwrap_or(&[])
    }

    pub fn hypotheses_of(&self, id: Id) -> &[Hypothesis] {
        self.hypotheses.get(&id).map(Vec::as_slice).unwrap_or(&[])
    }

    /// The weighed matrix of a question, if it has one.
    pub fn weighed(&self, q: Id) -> Option<&Weighed> {
        self.matrices.get(&q)
    }
}

/// The handling statement of an export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Handling {
    /// The most restrictive code, or `None` when no note drawn on is graded.
    pub code: Option<crate::model::grade::Handling>,
    /// The notes carrying a conditional code (`C`), when that is the code.
    pub carriers: Vec<Id>,
    pub notes: usize,
    pub ungraded: usize,
}

#[cfg(test)]
mod tests;
