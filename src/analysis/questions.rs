//! Rules about questions and their hypotheses.

use super::facts::{is_open, looks_ahead};
use super::words::{count, quoted};
use super::{band, quote, Facts, Suggestion};
use crate::model::{
    Consistency, ExpectationStatus, HypothesisStatus, Id, Kind, Sees, Status, Yardstick,
};
use crate::store::{HypothesisFacts, QuestionFacts};

/// Link labels (between a note and a hypothesis) that count as evidence against it.
const AGAINST: [&str; 4] = ["contradicts", "refutes", "disconfirms", "inconsistent with"];

fn open(q: &QuestionFacts) -> bool {
    is_open(q.status)
}

fn priority_weight(q: &QuestionFacts) -> u64 {
    5u64.saturating_sub(q.priority as u64)
}

/// A hypothesis's statement, quoted.
fn said(h: &HypothesisFacts) -> String {
    format!("\"{}\"", quote(&h.statement))
}

/// A question's title, quoted.
fn titled(q: &QuestionFacts) -> String {
    format!("\"{}\"", quote(&q.title))
}

/// Live hypotheses of open or active questions, with their question.
fn live<'a>(f: &'a Facts) -> impl Iterator<Item = (&'a HypothesisFacts, &'a QuestionFacts)> + 'a {
    f.input.hypotheses.iter().filter_map(|h| {
        let q = f.question(h.question)?;
        (h.status == HypothesisStatus::Live && open(q)).then_some((h, q))
    })
}

/// The live hypotheses of each open question that has some, in the order of the
/// hypotheses (ids).
fn live_by_question<'a>(f: &'a Facts) -> Vec<(&'a QuestionFacts, Vec<&'a HypothesisFacts>)> {
    let mut out: Vec<(&QuestionFacts, Vec<&HypothesisFacts>)> = Vec::new();
    let mut at: std::collections::HashMap<Id, usize> = Default::default();
    for (h, q) in live(f) {
        match at.get(&q.id) {
            Some(i) => out[*i].1.push(h),
            None => {
                at.insert(q.id, out.len());
                out.push((q, vec![h]));
            }
        }
    }
    out
}

/// The evidence on a hypothesis: (pieces, pieces against). Matrix cells and note links.
fn evidence(f: &Facts, h: Id) -> (usize, usize) {
    let mut all = 0;
    let mut against = 0;
    for (_, c) in f.cells_of(h) {
        all += 1;
        if matches!(c, Consistency::Inconsistent | Consistency::VeryInconsistent) {
            against += 1;
        }
    }
    for (l, o) in f.ends_of(h) {
        if o.kind == Kind::Note {
            all += 1;
            let label = f.input.label(l).to_lowercase();
            if AGAINST.iter().any(|a| label.starts_with(a)) {
                against += 1;
            }
        }
    }
    (all, against)
}

/// A question with a single live hypothesis: "What else could explain this?"
pub fn single_hypothesis(f: &Facts) -> Vec<Suggestion> {
    let mut out = Vec::new();
    for q in f.input.questions.iter().filter(|q| open(q)) {
        let mut live = Vec::new();
        let mut confirmed = false;
        for h in f.hypotheses_of(q.id) {
            confirmed |= h.status == HypothesisStatus::Confirmed;
            if h.status == HypothesisStatus::Live {
                live.push(h);
            }
        }
        if live.len() != 1 || confirmed {
            continue;
        }
        let h = live[0];
        let mut s = Suggestion::new(
            "single-hypothesis",
            vec![q.id, h.id],
            format!("What else could answer {}, besides {}?", titled(q), said(h)),
        );
        s.reason = format!("one live hypothesis, {}", said(h));
        s.fingerprint = "one live".into();
        s.weight = priority_weight(q);
        s.kind = Sees::Explanation;
        out.push(s);
    }
    out
}

/// An open or active question past its review date.
pub fn stale_review(f: &Facts) -> Vec<Suggestion> {
    let mut out = Vec::new();
    for q in f.input.questions.iter().filter(|q| open(q)) {
        let Some(due) = q.review_by.filter(|d| *d < f.input.today) else {
            continue;
        };
        let late = (f.input.today - due).num_days();
        let mut s = Suggestion::new(
            "stale-review",
            vec![q.id],
            format!(
                "What has changed on {} since its review fell due on {}?",
                titled(q),
                due.format("%-d %b %Y")
            ),
        );
        s.reason = format!(
            "{}, review due {due}, {} ago",
            q.status,
            count(late as usize, "day", "days")
        );
        s.fingerprint = format!("due {due}");
        s.weight = late as u64;
        out.push(s);
    }
    out
}

/// The live hypotheses of an open question with no evidence at all: one suggestion per
/// question, naming every such hypothesis (a matrix to-do list per hypothesis is noise).
/// Dismissed, it stays dismissed until that set changes.
pub fn no_evidence(f: &Facts) -> Vec<Suggestion> {
    let mut out = Vec::new();
    for (q, all) in live_by_question(f) {
        let hs: Vec<&HypothesisFacts> = all
            .iter()
            .copied()
            .filter(|h| evidence(f, h.id).0 == 0)
            .collect();
        if hs.is_empty() {
            continue;
        }
        let ids: Vec<String> = hs.iter().map(|h| h.id.to_string()).collect();
        let statements: Vec<String> = hs.iter().map(|h| quote(&h.statement)).collect();
        let mut triggers = vec![q.id];
        triggers.extend(hs.iter().map(|h| h.id));
        let question = match hs.as_slice() {
            [h] => format!("What evidence bears on {}?", said(h)),
            [_, _] => format!("What evidence would test {}?", quoted(&statements)),
            _ => format!(
                "What evidence would test the {} untested answers to {}?",
                hs.len(),
                titled(q)
            ),
        };
        let mut s = Suggestion::new("no-evidence", triggers, question);
        s.key = super::key("no-evidence", &[q.id]);
        s.reason = if all.len() == 1 {
            "no evidence assessed or linked on its one live hypothesis".to_string()
        } else if hs.len() == all.len() {
            format!(
                "no evidence assessed or linked on any of its {}",
                count(all.len(), "live hypothesis", "live hypotheses")
            )
        } else {
            format!(
                "no evidence assessed or linked on {} of its {}: {}",
                hs.len(),
                count(all.len(), "live hypothesis", "live hypotheses"),
                quoted(&statements)
            )
        };
        s.fingerprint = ids.join("+");
        s.weight = priority_weight(q);
        s.kind = Sees::Explanation;
        out.push(s);
    }
    out
}

/// The weighted inconsistency of a live hypothesis, as the matrix scores it (cells by
/// their notes' grades, absent expectations at [`crate::model::ach::ABSENT`]).
fn inconsistency(f: &Facts, h: Id) -> u32 {
    let cells: u32 = f
        .cells_of(h)
        .map(|(n, c)| {
            let grade = f.note(n).and_then(|n| n.grade);
            crate::model::ach::weight(grade) * c.inconsistency()
        })
        .sum();
    let absent = f
        .expectations_of(h)
        .filter(|x| x.status == ExpectationStatus::Absent)
        .count() as u32;
    cells + absent * crate::model::ach::ABSENT
}

/// The leading hypotheses of an open question (all of them when tied): the fewest
/// weighted inconsistencies among its live hypotheses.
fn leaders<'a>(f: &Facts, hs: &[&'a HypothesisFacts]) -> Vec<&'a HypothesisFacts> {
    let scored: Vec<(u32, &HypothesisFacts)> =
        hs.iter().map(|h| (inconsistency(f, h.id), *h)).collect();
    let best = scored.iter().map(|(s, _)| *s).min().unwrap_or(0);
    scored
        .into_iter()
        .filter(|(s, _)| *s == best)
        .map(|(_, h)| h)
        .collect()
}

/// The leading hypothesis of a question (or those tied for the lead) with evidence,
/// none of it against: disconfirmation never sought where it matters most. One
/// suggestion per question; the hypotheses trailing the leader are not asked, and a
/// question with one live hypothesis has no leader (`single-hypothesis` asks for its
/// competitors). Reads matrix cells, note links and expectations looked for.
pub fn no_disconfirming(f: &Facts) -> Vec<Suggestion> {
    let mut out = Vec::new();
    for (q, all) in live_by_question(f) {
        if all.len() < 2 {
            continue;
        }
        let mut hs: Vec<(&HypothesisFacts, usize)> = Vec::new();
        let mut notes: Vec<Id> = Vec::new();
        for h in leaders(f, &all) {
            let (n, against) = evidence(f, h.id);
            // An expectation looked for (absent or found) is disconfirmation sought.
            let checked = f
                .expectations_of(h.id)
                .any(|x| x.status != ExpectationStatus::Unchecked);
            if n > 0 && against == 0 && !checked {
                hs.push((h, n));
                notes.extend(f.cells_of(h.id).map(|(n, _)| n));
                notes.extend(
                    f.ends_of(h.id)
                        .map(|(_, o)| o)
                        .filter(|o| o.kind == Kind::Note),
                );
            }
        }
        if hs.is_empty() {
            continue;
        }
        notes.sort_unstable();
        notes.dedup();
        // the distinct notes they rest on (a note assessed against both counts once)
        let pieces = notes.len().max(1);
        let ids: Vec<String> = hs.iter().map(|(h, _)| h.id.to_string()).collect();
        let statements: Vec<String> = hs.iter().map(|(h, _)| quote(&h.statement)).collect();
        let evidence = count(pieces, "piece of evidence", "pieces of evidence");
        let (question, reason) = match hs.as_slice() {
            [(h, _)] => (
                format!("What would we expect to see if {} were false?", said(h)),
                format!("it leads on {evidence}, none against: disconfirmation not sought"),
            ),
            _ => (
                format!(
                    "What would we expect to see if {} were false?",
                    quoted(&statements).replace("\" and \"", "\" or \"")
                ),
                format!(
                    "{} tie for the lead on {evidence}, none against: disconfirmation not sought",
                    quoted(&statements)
                ),
            ),
        };
        let mut s = Suggestion::new(
            "no-disconfirming",
            hs.iter().map(|(h, _)| h.id).collect(),
            question,
        );
        s.key = super::key("no-disconfirming", &[q.id]);
        s.reason = reason;
        s.fingerprint = format!("{} evidence band {}", ids.join("+"), band(pieces));
        s.weight = priority_weight(q) * 100 + pieces as u64;
        s.kind = Sees::Explanation;
        out.push(s);
    }
    out
}

/// An expectation of a live hypothesis that nobody has looked for yet.
pub fn unchecked_expectation(f: &Facts) -> Vec<Suggestion> {
    let mut out = Vec::new();
    for (h, q) in live(f) {
        for x in f
            .expectations_of(h.id)
            .filter(|x| x.status == ExpectationStatus::Unchecked)
        {
            let mut s = Suggestion::new(
                "unchecked-expectation",
                vec![x.id, h.id],
                format!("Has anyone looked for \"{}\"?", quote(&x.text)),
            );
            s.reason = format!("expected if {} were true; never checked", said(h));
            s.fingerprint = "unchecked".into();
            s.weight = priority_weight(q) * 100 + 50;
            s.kind = Sees::Situation;
            out.push(s);
        }
    }
    out
}

/// An open explanation question with no hypotheses at all.
pub fn no_hypotheses(f: &Facts) -> Vec<Suggestion> {
    let mut out = Vec::new();
    for q in f.input.questions.iter().filter(|q| open(q)) {
        if q.kind != Sees::Explanation || f.hypotheses_of(q.id).len() > 0 {
            continue;
        }
        let mut s = Suggestion::new(
            "no-hypotheses",
            vec![q.id],
            format!("What could explain {}?", titled(q)),
        );
        s.reason = "explanation question with no hypotheses".into();
        s.fingerprint = "none".into();
        s.weight = priority_weight(q);
        s.kind = Sees::Explanation;
        out.push(s);
    }
    out
}

/// An open warning or estimate question with nothing to watch for: no hypotheses, or
/// none of its live hypotheses with an expectation (an indicator).
pub fn no_indicators(f: &Facts) -> Vec<Suggestion> {
    let mut out = Vec::new();
    for q in f
        .input
        .questions
        .iter()
        .filter(|q| open(q) && looks_ahead(q.kind))
    {
        let all: Vec<&HypothesisFacts> = f.hypotheses_of(q.id).collect();
        let live: Vec<&HypothesisFacts> = all
            .iter()
            .copied()
            .filter(|h| h.status == HypothesisStatus::Live)
            .collect();
        if live.iter().any(|h| f.expectations_of(h.id).len() > 0) {
            continue;
        }
        if live.is_empty() && !all.is_empty() {
            // every answer rejected or confirmed: a matter for the answer, not indicators
            continue;
        }
        let what = match q.kind {
            Sees::Warning => "warning",
            _ => "estimate",
        };
        let (question, reason, fingerprint) = match live.as_slice() {
            [] => (
                format!(
                    "What could the answers to {} be, and what would we see first if each were coming true?",
                    titled(q)
                ),
                format!("{what} question with no hypotheses and no indicators"),
                "no hypotheses".to_string(),
            ),
            [h] => (
                format!("What would we see first if {} were coming true?", said(h)),
                format!("{what} question whose hypothesis has no expectations to watch for"),
                format!("no expectations {}", h.id),
            ),
            hs => (
                format!(
                    "What would we see first if each answer to {} were coming true?",
                    titled(q)
                ),
                format!(
                    "{what} question: none of its {} live hypotheses has an expectation to watch for",
                    hs.len()
                ),
                format!(
                    "no expectations {}",
                    hs.iter().map(|h| h.id.to_string()).collect::<Vec<_>>().join("+")
                ),
            ),
        };
        let mut triggers = vec![q.id];
        triggers.extend(live.iter().map(|h| h.id));
        let mut s = Suggestion::new("no-indicators", triggers, question);
        s.key = super::key("no-indicators", &[q.id]);
        s.reason = reason;
        s.fingerprint = fingerprint;
        s.weight = priority_weight(q);
        s.kind = q.kind;
        out.push(s);
    }
    out
}

/// An answered question held with less than "likely" confidence, or none stated.
pub fn weak_answer(f: &Facts) -> Vec<Suggestion> {
    let mut out = Vec::new();
    for q in &f.input.questions {
        if q.status != Status::Answered || q.confidence.is_some_and(|c| c >= Yardstick::Likely) {
            continue;
        }
        let held = q
            .confidence
            .map(|c| c.to_string())
            .unwrap_or_else(|| "no stated confidence".into());
        let mut s = Suggestion::new(
            "weak-answer",
            vec![q.id],
            format!(
                "What would raise confidence in the answer to {}?",
                titled(q)
            ),
        );
        s.reason = format!("answered with {held}");
        s.fingerprint = held;
        s.weight = 7 - q.confidence.map(|c| c as u64).unwrap_or(0);
        out.push(s);
    }
    out
}
