//! Rules about questions and their hypotheses.

use super::{band, quote, Facts, Suggestion};
use crate::model::{Consistency, HypothesisStatus, Id, Kind, Sees, Status, Yardstick};
use crate::store::{HypothesisFacts, QuestionFacts};

/// Link labels (between a note and a hypothesis) that count as evidence against it.
const AGAINST: [&str; 4] = ["contradicts", "refutes", "disconfirms", "inconsistent with"];

fn open(q: &QuestionFacts) -> bool {
    matches!(q.status, Status::Open | Status::Active)
}

fn priority_weight(q: &QuestionFacts) -> u64 {
    5u64.saturating_sub(q.priority as u64)
}

/// Live hypotheses of open or active questions, with their question.
fn live<'a>(f: &'a Facts) -> impl Iterator<Item = (&'a HypothesisFacts, &'a QuestionFacts)> + 'a {
    f.input.hypotheses.iter().filter_map(|h| {
        let q = f.question.get(&h.question)?;
        (h.status == HypothesisStatus::Live && open(q)).then_some((h, *q))
    })
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
    for (li, o) in f.ends_of(h) {
        if o.kind == Kind::Note {
            all += 1;
            let label = f.input.links[*li].label.to_lowercase();
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
        let hs = f.hypotheses_of.get(&q.id).map(Vec::as_slice).unwrap_or(&[]);
        let live: Vec<&&HypothesisFacts> = hs
            .iter()
            .filter(|h| h.status == HypothesisStatus::Live)
            .collect();
        if live.len() != 1 || hs.iter().any(|h| h.status == HypothesisStatus::Confirmed) {
            continue;
        }
        let h = live[0];
        let mut s = Suggestion::new(
            "single-hypothesis",
            vec![q.id, h.id],
            format!(
                "Besides {}, what else could answer \"{}\"?",
                h.id,
                quote(&q.title)
            ),
        );
        s.reason = format!("one live hypothesis ({})", h.id);
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
                "What has changed on \"{}\" since its review fell due on {}?",
                quote(&q.title),
                due.format("%-d %b %Y")
            ),
        );
        s.reason = format!("{} review due {due}, {late} days ago", q.status);
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
    let mut untested: Vec<(&QuestionFacts, Vec<&HypothesisFacts>)> = Vec::new();
    for (h, q) in live(f) {
        if evidence(f, h.id).0 > 0 {
            continue;
        }
        match untested.iter_mut().find(|(uq, _)| uq.id == q.id) {
            Some((_, hs)) => hs.push(h),
            None => untested.push((q, vec![h])),
        }
    }
    let mut out = Vec::new();
    for (q, hs) in untested {
        let ids: Vec<String> = hs.iter().map(|h| h.id.to_string()).collect();
        let mut triggers = vec![q.id];
        triggers.extend(hs.iter().map(|h| h.id));
        let question = match hs.as_slice() {
            [h] => format!("What evidence bears on \"{}\"?", quote(&h.statement)),
            _ => format!(
                "What evidence would test the {} untested explanations of {}?",
                hs.len(),
                q.id
            ),
        };
        let mut s = Suggestion::new("no-evidence", triggers, question);
        s.key = super::key("no-evidence", &[q.id]);
        s.reason = format!(
            "{} of {}: no evidence assessed or linked ({})",
            crate::model::vocab::counted(hs.len(), "live hypothesis", "live hypotheses"),
            q.id,
            ids.join(", ")
        );
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
        .iter()
        .map(|(n, c)| {
            let grade = f.note.get(n).and_then(|n| n.grade);
            crate::model::ach::weight(grade) * c.inconsistency()
        })
        .sum();
    let absent = f
        .expectations_of(h)
        .iter()
        .filter(|x| x.status == crate::model::ExpectationStatus::Absent)
        .count() as u32;
    cells + absent * crate::model::ach::ABSENT
}

/// The leading hypotheses of each open question (all of them when tied): the fewest
/// weighted inconsistencies among its live hypotheses.
fn leaders(f: &Facts) -> Vec<Id> {
    let mut best: Vec<(Id, u32, Vec<Id>)> = Vec::new();
    for (h, q) in live(f) {
        let score = inconsistency(f, h.id);
        match best.iter_mut().find(|(bq, _, _)| *bq == q.id) {
            Some((_, s, hs)) if score < *s => {
                *s = score;
                *hs = vec![h.id];
            }
            Some((_, s, hs)) if score == *s => hs.push(h.id),
            Some(_) => {}
            None => best.push((q.id, score, vec![h.id])),
        }
    }
    best.into_iter().flat_map(|(_, _, hs)| hs).collect()
}

/// The leading hypothesis of a question (or those tied for the lead) with evidence,
/// none of it against: disconfirmation never sought where it matters most. One
/// suggestion per question; the hypotheses trailing the leader are not asked. Reads
/// matrix cells, note links and expectations looked for.
pub fn no_disconfirming(f: &Facts) -> Vec<Suggestion> {
    let leading = leaders(f);
    let mut unchallenged: Vec<(&QuestionFacts, Vec<(&HypothesisFacts, usize)>)> = Vec::new();
    for (h, q) in live(f).filter(|(h, _)| leading.contains(&h.id)) {
        let (all, against) = evidence(f, h.id);
        // An expectation looked for (absent or found) is disconfirmation sought.
        let checked = f
            .expectations_of(h.id)
            .iter()
            .any(|x| x.status != crate::model::ExpectationStatus::Unchecked);
        if all == 0 || against > 0 || checked {
            continue;
        }
        match unchallenged.iter_mut().find(|(uq, _)| uq.id == q.id) {
            Some((_, hs)) => hs.push((h, all)),
            None => unchallenged.push((q, vec![(h, all)])),
        }
    }
    let mut out = Vec::new();
    for (q, hs) in unchallenged {
        let all: usize = hs.iter().map(|(_, n)| n).sum();
        let ids: Vec<String> = hs.iter().map(|(h, _)| h.id.to_string()).collect();
        let (question, leads) = match hs.as_slice() {
            [(h, _)] => (
                format!(
                    "What would we expect to see if \"{}\" were false?",
                    quote(&h.statement)
                ),
                format!("{} leads {}", h.id, q.id),
            ),
            _ => (
                format!(
                    "What would we expect to see if the leading explanations of {} were false?",
                    q.id
                ),
                format!("{} tie for the lead of {}", ids.join(" and "), q.id),
            ),
        };
        let mut s = Suggestion::new(
            "no-disconfirming",
            hs.iter().map(|(h, _)| h.id).collect(),
            question,
        );
        s.key = super::key("no-disconfirming", &[q.id]);
        s.reason = format!(
            "{leads} on {}, none against: disconfirmation not sought",
            crate::model::vocab::counted(all, "piece of evidence", "pieces of evidence")
        );
        s.fingerprint = format!("{} evidence band {}", ids.join("+"), band(all));
        s.weight = priority_weight(q) * 100 + all as u64;
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
            .iter()
            .filter(|x| x.status == crate::model::ExpectationStatus::Unchecked)
        {
            let mut s = Suggestion::new(
                "unchecked-expectation",
                vec![x.id, h.id],
                format!(
                    "Has anyone looked for \"{}\" ({})?",
                    quote(x.text.trim_end_matches(['.', '?'])),
                    h.id
                ),
            );
            s.reason = format!("{} expects it; never checked", h.id);
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
        if q.kind != Sees::Explanation || f.hypotheses_of.contains_key(&q.id) {
            continue;
        }
        let mut s = Suggestion::new(
            "no-hypotheses",
            vec![q.id],
            format!("What could explain \"{}\"?", quote(&q.title)),
        );
        s.reason = "explanation question with no hypotheses".into();
        s.fingerprint = "none".into();
        s.weight = priority_weight(q);
        s.kind = Sees::Explanation;
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
                "What would raise confidence in the answer to \"{}\"?",
                quote(&q.title)
            ),
        );
        s.reason = format!("answered with {held}");
        s.fingerprint = held;
        s.weight = 7 - q.confidence.map(|c| c as u64).unwrap_or(0);
        out.push(s);
    }
    out
}
