//! Exports: the question backlog as a Markdown briefing, CSV or JSON, and the whole
//! workspace as lossless JSON for `weft import`. One file per format; this file holds
//! what they share: choosing the questions, ordering them as a tree, gathering what each
//! one draws on. Files are written owner-only and atomically by [`crate::fsutil`].

pub mod anx;
mod csv;
pub mod ftm;
pub mod graph;
pub mod i2csv;
mod json;
mod markdown;
pub mod timesketch;
pub mod workspace;

use crate::model::ach::{Analysis, Matrix};
use crate::model::{
    ExpectationStatus, Hypothesis, Id, Kind, Note, ParseError, Question, Record, Status,
};
use crate::store::{self, Direction, Store, StoreError};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::Write;
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
    /// Each analyst whose changes the journal records, with how many (the briefing's
    /// audit section): see [`crate::share::audit`].
    pub audit: Vec<(String, u64)>,
}

/// The questions `f` selects, in tree order: top-level questions by priority then id,
/// each followed depth-first by its sub-questions (in the same order). A question whose
/// parent is not selected stands at the top level.
pub fn select(store: &Store, f: &BacklogFilter) -> store::Result<Vec<Question>> {
    let mut questions = Vec::new();
    selected(store, f, &mut |q| {
        questions.push(q);
        Ok(())
    })?;
    let order = forest(&questions.iter().collect::<Vec<_>>());
    let mut slots: Vec<Option<Question>> = questions.into_iter().map(Some).collect();
    Ok(order
        .into_iter()
        .filter_map(|(i, _)| slots[i].take())
        .collect())
}

/// Hands every question `f` selects to `each`, one at a time as it is read, in no
/// particular order: through the question-tree index for `under`, the tag index for a
/// tag, the status index for statuses alone, else every question in id order.
fn selected(
    store: &Store,
    f: &BacklogFilter,
    each: &mut dyn FnMut(Question) -> store::Result<()>,
) -> store::Result<()> {
    let keep = |q: &Question| {
        (f.statuses.is_empty() || f.statuses.contains(&q.status))
            && f.tag.as_ref().is_none_or(|t| q.meta.tags.contains(t))
    };
    let mut give = |q: Question| if keep(&q) { each(q) } else { Ok(()) };
    match (f.under, &f.tag) {
        (Some(root), _) => subtree(store, root, &mut give),
        (None, Some(tag)) => {
            let questions = store.tagged(tag)?.into_iter();
            for id in questions.filter(|i| i.kind == Kind::Question) {
                if let Some(q) = store.question(id)? {
                    give(q)?;
                }
            }
            Ok(())
        }
        (None, None) if !f.statuses.is_empty() => {
            let mut statuses = f.statuses.clone();
            statuses.sort_by_key(|s| s.as_str());
            statuses.dedup();
            for s in statuses {
                for id in store.questions_with_status_iter(s) {
                    if let Some(q) = store.question(id?)? {
                        give(q)?;
                    }
                }
            }
            Ok(())
        }
        (None, None) => {
            // Numbers are never reused, so every question is one of 1..next. Read one by
            // one: sled's iterator holds on to what it reads (at 560k questions, 85 MiB
            // more than reading the same records by key).
            let next = store.state().next.get(&'Q').copied().unwrap_or(1);
            for num in 1..next {
                if let Some(q) = store.question(Id::new(Kind::Question, num))? {
                    give(q)?;
                }
            }
            Ok(())
        }
    }
}

/// `root` and every question below it, read through the question-tree index.
fn subtree(
    store: &Store,
    root: Id,
    each: &mut dyn FnMut(Question) -> store::Result<()>,
) -> store::Result<()> {
    if root.kind != Kind::Question {
        return Err(StoreError::invalid(format!("{root} is not a question")));
    }
    let mut stack = vec![root];
    let mut seen = HashSet::new();
    while let Some(id) = stack.pop() {
        if !seen.insert(id) {
            continue;
        }
        if let Record::Question(q) = store.require(id)? {
            each(q)?;
        }
        stack.extend(store.children(Some(id))?);
    }
    Ok(())
}

/// Tree order over `qs`: (position in `qs`, depth) for every question, roots by priority
/// then id, children depth-first after their parent. A question whose parent is not in
/// `qs` is a root.
pub fn forest(qs: &[&Question]) -> Vec<(usize, usize)> {
    tree_order(
        qs.len(),
        |i| qs[i].meta.id,
        |i| qs[i].parent,
        |i| qs[i].priority,
    )
    .into_iter()
    .map(|(i, d)| (i as usize, d as usize))
    .collect()
}

/// The tree order of `n` questions given by position (their id, parent and priority),
/// as [`forest`] describes it, as (position, depth). Lean, so that a streamed export
/// orders a million questions in a few tens of MiB: positions are `u32`, and the
/// children of every question are one run of a single array.
fn tree_order(
    n: usize,
    id: impl Fn(usize) -> Id,
    parent: impl Fn(usize) -> Option<Id>,
    priority: impl Fn(usize) -> u8,
) -> Vec<(u32, u32)> {
    const NONE: u32 = u32::MAX;
    let key = |i: &u32| (priority(*i as usize), id(*i as usize));
    let mut by_id: Vec<u32> = (0..n as u32).collect();
    by_id.sort_unstable_by_key(|&i| id(i as usize));
    let pos_of = |want: Id| {
        by_id
            .binary_search_by_key(&want, |&i| id(i as usize))
            .ok()
            .map(|at| by_id[at])
    };
    // each question's parent, when that is in the set and not itself
    let up: Vec<u32> = (0..n)
        .map(|i| match parent(i).and_then(pos_of) {
            Some(p) if p as usize != i => p,
            _ => NONE,
        })
        .collect();
    drop(by_id);
    // the children of p are kids[start[p]..start[p + 1]]
    let mut start = vec![0u32; n + 1];
    for &p in up.iter().filter(|&&p| p != NONE) {
        start[p as usize + 1] += 1;
    }
    for i in 0..n {
        start[i + 1] += start[i];
    }
    let mut fill = start.clone();
    let mut kids = vec![0u32; start[n] as usize];
    let mut roots = Vec::new();
    for (i, &p) in up.iter().enumerate() {
        if p == NONE {
            roots.push(i as u32);
        } else {
            kids[fill[p as usize] as usize] = i as u32;
            fill[p as usize] += 1;
        }
    }
    drop((fill, up));
    roots.sort_unstable_by_key(key);
    for p in 0..n {
        kids[start[p] as usize..start[p + 1] as usize].sort_unstable_by_key(key);
    }
    let mut out = Vec::with_capacity(n);
    let mut seen = vec![false; n];
    let mut stack = Vec::new();
    let mut walk = |from: u32, out: &mut Vec<(u32, u32)>| {
        stack.push((from, 0u32));
        while let Some((i, depth)) = stack.pop() {
            if std::mem::replace(&mut seen[i as usize], true) {
                continue;
            }
            out.push((i, depth));
            let mine = &kids[start[i as usize] as usize..start[i as usize + 1] as usize];
            stack.extend(mine.iter().rev().map(|&k| (k, depth + 1)));
        }
    };
    for r in roots {
        walk(r, &mut out);
    }
    if out.len() < n {
        // Questions in a loop of parents are reachable from no root; never drop them.
        let mut rest: Vec<u32> = (0..n as u32).collect();
        rest.sort_unstable_by_key(key);
        for r in rest {
            walk(r, &mut out);
        }
    }
    out
}

/// Writes the backlog `f` selects to `w` as CSV, streaming: only each selected
/// question's id, parent and priority are held (to put them in tree order, as
/// [`select`] does); each row is read from the store and written in turn, with the
/// question's hypotheses. Returns how many questions were written.
pub fn write_backlog_csv(
    store: &Store,
    f: &BacklogFilter,
    w: &mut dyn Write,
) -> std::io::Result<usize> {
    /// A question as the tree order needs it: numbers only (every one is a question).
    struct Place {
        num: u64,
        parent: u64,
        priority: u8,
    }
    let fail = |e: StoreError| std::io::Error::other(e.to_string());
    let state = store.state();
    let expected = match (f.under, &f.tag) {
        (None, None) if f.statuses.is_empty() => state.count(Kind::Question),
        (None, None) => f.statuses.iter().map(|s| state.status_count(*s)).sum(),
        _ => 0,
    };
    let mut places = Vec::with_capacity(expected as usize);
    selected(store, f, &mut |q| {
        places.push(Place {
            num: q.meta.id.num,
            parent: q.parent.map_or(0, |p| p.num),
            priority: q.priority,
        });
        Ok(())
    })
    .map_err(fail)?;
    let question = |num: u64| Id::new(Kind::Question, num);
    let order: Vec<u64> = tree_order(
        places.len(),
        |i| question(places[i].num),
        |i| (places[i].parent != 0).then(|| question(places[i].parent)),
        |i| places[i].priority,
    )
    .into_iter()
    .map(|(i, _)| places[i as usize].num)
    .collect();
    drop(places);
    // Which hypotheses each question has, as (question, hypothesis) numbers: for a large
    // export read once, in id order, from the hypotheses themselves (a walk of the index
    // for every question costs a seek each, most finding nothing); for a small one from
    // the index, question by question.
    let hypothesis = |num: u64| Id::new(Kind::Hypothesis, num);
    let total = state.count(Kind::Hypothesis);
    let pairs = if (order.len() as u64).saturating_mul(4) >= total {
        let mut pairs = Vec::with_capacity(total as usize);
        let next = state.next.get(&'H').copied().unwrap_or(1);
        for num in 1..next {
            if let Some(Record::Hypothesis(h)) = store.get(hypothesis(num)).map_err(fail)? {
                pairs.push((h.question.num, num));
            }
        }
        pairs.sort_unstable();
        Some(pairs)
    } else {
        None
    };
    let mut rows = csv::Rows::new(w)?;
    let mut hs = Vec::new();
    let mut written = 0;
    for num in order {
        let Some(q) = store.question(question(num)).map_err(fail)? else {
            continue;
        };
        let ids: Vec<Id> = match &pairs {
            Some(pairs) => {
                let from = pairs.partition_point(|&(q, _)| q < num);
                let to = pairs.partition_point(|&(q, _)| q <= num);
                pairs[from..to]
                    .iter()
                    .map(|&(_, h)| hypothesis(h))
                    .collect()
            }
            None => store.hypotheses_of(q.meta.id).map_err(fail)?,
        };
        hs.clear();
        for h in ids {
            if let Some(Record::Hypothesis(h)) = store.get(h).map_err(fail)? {
                hs.push(h);
            }
        }
        rows.row(&q, &hs)?;
        written += 1;
    }
    rows.finish()?;
    Ok(written)
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
                .map_err(|e| StoreError::invalid(format!("cannot write CSV: {e}")))
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
    /// The outstanding collection that serves an exported question (or is one).
    pub plan: Vec<crate::store::PlanItem>,
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

    /// A hypothesis's rank as said (`=1` when tied) and, when it is assessed on fewer
    /// rows than the best-covered, how much (`untested`, `2 of 5 assessed`).
    pub fn standing_of(&self, h: Id) -> Option<(String, Option<String>)> {
        let c = self.matrix.column_of(h)?;
        let (m, an) = (&self.matrix, &self.analysis);
        Some((an.rank_label(m, c), an.coverage_label(m, c)))
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
        let exported: HashSet<Id> = qs.iter().map(|q| q.meta.id).collect();
        g.plan = store
            .plan()?
            .into_iter()
            .filter(|p| exported.contains(&p.question) || exported.contains(&p.id))
            .collect();
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
