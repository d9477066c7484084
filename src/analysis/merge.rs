//! From the rules' findings to the list: one suggestion per set of triggers (with every
//! finding's reason), one case-wide suggestion for a rule that fires on most of what it
//! looks at, the order (the priority of the questions served, then the rule), and the
//! suggestions dealt with set aside.
//!
//! Keys and dismissals. A merged suggestion keeps its first finding's key, and its
//! fingerprint names every finding (`{"low-graded:E13": "low band 4", …}`, a JSON
//! object). It counts as dealt with while every one of its findings is covered by a
//! dismissal kept under its key or under one of its findings' keys, with that finding's
//! fingerprint: so a dismissal made before findings were merged still holds for the
//! finding it dismissed, a finding that goes away does not bring the rest back, and a
//! new finding does.

use super::facts::Facts;
use super::{band, rule_rank, words, Part, Suggestion};
use crate::model::{Dismissal, Id, Sees};
use crate::store::GapInput;
use std::collections::HashMap;

/// How a suggestion set aside was dealt with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dealt {
    /// The dismissal that keeps it aside.
    pub dismissal: Id,
    /// The question it became, when accepted.
    pub question: Option<Id>,
    /// That question's title as the workspace holds it now; `None` once it is deleted.
    pub title: Option<String>,
    /// Why it was dismissed, when the analyst said.
    pub reason: Option<String>,
}

/// Fewest findings of a rule that can read as one case-wide finding.
pub const CASE_MIN: usize = 4;
/// Triggers a case-wide suggestion names (the strongest cases).
pub const CASE_TRIGGERS: usize = 12;
/// How a case-wide suggestion's key ends (`single-source:case`).
pub const CASE: &str = ":case";

/// Whether `fired` of the `eligible` records a rule looks at is most of them: two
/// thirds or more, and at least [`CASE_MIN`].
pub fn most(fired: usize, eligible: usize) -> bool {
    fired >= CASE_MIN && fired * 3 >= eligible * 2
}

/// The rule's findings as they are, or, when they are most of what it looked at, one
/// case-wide suggestion (`rule:case`) naming the strongest cases, asking `question`
/// with `reason`. `found` must be the rule's findings, any order.
pub(crate) fn case_wide(
    rule: &'static str,
    mut found: Vec<Suggestion>,
    eligible: usize,
    kind: Sees,
    say: impl FnOnce(&[Suggestion]) -> (String, String),
) -> Vec<Suggestion> {
    if !most(found.len(), eligible) {
        return found;
    }
    found.sort_by(|a, b| b.weight.cmp(&a.weight).then_with(|| a.key.cmp(&b.key)));
    let (question, reason) = say(&found);
    vec![summary(
        rule,
        found.len(),
        eligible,
        &found,
        kind,
        question,
        reason,
    )]
}

/// The case-wide suggestion (`rule:case`) for `fired` findings of `eligible`, naming
/// the triggers of the first of `strongest` (strongest first).
pub(crate) fn summary(
    rule: &'static str,
    fired: usize,
    eligible: usize,
    strongest: &[Suggestion],
    kind: Sees,
    question: String,
    reason: String,
) -> Suggestion {
    let mut triggers = Vec::new();
    for s in strongest {
        if triggers.len() >= CASE_TRIGGERS {
            break;
        }
        triggers.extend(s.triggers.iter().copied());
    }
    let mut s = Suggestion::new(rule, triggers, question);
    s.key = format!("{rule}{CASE}");
    s.reason = reason;
    s.fingerprint = format!("case {} of {}", band(fired), band(eligible));
    s.weight = fired as u64;
    s.kind = kind;
    s
}

/// The words a case-wide suggestion names its strongest cases with: the first `show`
/// of `found`'s `name`, then how many more.
pub(crate) fn strongest(
    found: &[Suggestion],
    show: usize,
    name: impl Fn(&Suggestion) -> String,
) -> String {
    let shown: Vec<String> = found.iter().take(show.max(1)).map(name).collect();
    match found.len().saturating_sub(shown.len()) {
        0 => words::names(&shown, shown.len()),
        more => format!(
            "{} and {}",
            shown.join(", "),
            words::count(more, "other", "others")
        ),
    }
}

/// Findings on the same records are merged, first by rule then by strength: a
/// case-wide suggestion names a sample of records and stays apart whatever else those
/// records raise.
fn same_records(a: &Suggestion, b: &Suggestion) -> std::cmp::Ordering {
    fn apart(s: &Suggestion) -> Option<&str> {
        s.key.ends_with(CASE).then_some(s.key.as_str())
    }
    a.triggers
        .cmp(&b.triggers)
        .then_with(|| apart(a).cmp(&apart(b)))
}

/// The first finding (by rule, then strength) asks the question and gives the key.
fn first_finding(a: &Suggestion, b: &Suggestion) -> std::cmp::Ordering {
    rule_rank(a.rule)
        .cmp(&rule_rank(b.rule))
        .then_with(|| b.weight.cmp(&a.weight))
        .then_with(|| a.key.cmp(&b.key))
}

/// One suggestion per set of triggers, each knowing the questions it serves, in order.
/// Merged in place, by sorting (a map of groups cost more than the suggestions at a
/// million records).
pub(crate) fn finish(facts: &Facts, mut found: Vec<Suggestion>) -> Vec<Suggestion> {
    // unstable sorts: the keys break every tie, and no buffer of half the list
    found.sort_unstable_by(|a, b| same_records(a, b).then_with(|| first_finding(a, b)));
    found.dedup_by(|later, first| {
        let same = same_records(first, later).is_eq();
        if same {
            absorb(first, later);
        }
        same
    });
    let mut out = found;
    let mut served = Vec::new();
    for s in &mut out {
        served.clear();
        for t in &s.triggers {
            facts.serves(*t, &mut served);
        }
        let mut qs: Vec<(u8, Id)> = served
            .iter()
            .filter_map(|q| facts.question(*q).map(|f| (f.priority, *q)))
            .collect();
        qs.sort_unstable();
        qs.dedup();
        s.priority = qs.first().map(|(p, _)| *p);
        s.serves = qs.into_iter().map(|(_, q)| q).collect();
    }
    out.sort_unstable_by(|a, b| {
        let p = |s: &Suggestion| s.priority.unwrap_or(u8::MAX);
        p(a).cmp(&p(b)).then_with(|| first_finding(a, b))
    });
    out
}

/// Adds `other`'s findings to `first`, the suggestion on the same records: its reason
/// and fingerprint become every finding's.
fn absorb(first: &mut Suggestion, other: &mut Suggestion) {
    if first.parts.is_empty() {
        first.parts.push(first.as_part());
    }
    if other.parts.is_empty() {
        first.parts.push(other.as_part());
    } else {
        first.parts.append(&mut other.parts);
    }
    first.reason = first
        .parts
        .iter()
        .map(|p| p.reason.as_str())
        .collect::<Vec<_>>()
        .join("; ");
    first.fingerprint = composite(&first.parts);
}

/// The findings on one set of triggers as one suggestion (see [`finish`]).
#[cfg(test)]
fn merged(mut same: Vec<Suggestion>) -> Suggestion {
    same.sort_by(first_finding);
    let mut it = same.into_iter();
    let mut first = it.next().expect("a finding");
    for mut s in it {
        absorb(&mut first, &mut s);
    }
    first
}

/// The fingerprint of several findings: each one's key and fingerprint, as a JSON
/// object in the findings' order.
pub(crate) fn composite(parts: &[Part]) -> String {
    let mut m = serde_json::Map::new();
    for p in parts {
        m.insert(
            p.key.clone(),
            serde_json::Value::String(p.fingerprint.clone()),
        );
    }
    serde_json::Value::Object(m).to_string()
}

/// The findings a dismissal covers: key to fingerprint.
fn covered_by(d: &Dismissal) -> HashMap<String, String> {
    if d.fingerprint.starts_with('{') {
        if let Ok(serde_json::Value::Object(m)) = serde_json::from_str(&d.fingerprint) {
            let all: Option<HashMap<String, String>> = m
                .into_iter()
                .map(|(k, v)| v.as_str().map(|v| (k, v.to_string())))
                .collect();
            if let Some(all) = all {
                return all;
            }
        }
    }
    HashMap::from([(d.key.clone(), d.fingerprint.clone())])
}

/// The dismissal that keeps `s` aside, when every one of its findings is covered (see
/// the module's comment); `kept` is every dismissal by key.
pub fn covering<'d>(kept: &HashMap<&str, &'d Dismissal>, s: &Suggestion) -> Option<&'d Dismissal> {
    let mut found: Vec<&Dismissal> = Vec::new();
    for k in std::iter::once(s.key.as_str()).chain(s.parts.iter().map(|p| p.key.as_str())) {
        if let Some(d) = kept.get(k) {
            if !found.iter().any(|f| f.key == d.key) {
                found.push(d);
            }
        }
    }
    if found.is_empty() {
        return None;
    }
    let maps: Vec<HashMap<String, String>> = found.iter().map(|d| covered_by(d)).collect();
    let parts = s.findings();
    let all = parts.iter().all(|p| {
        maps.iter()
            .any(|m| m.get(&p.key).is_some_and(|fp| *fp == p.fingerprint))
    });
    if !all {
        return None;
    }
    found
        .iter()
        .find(|d| d.key == s.key)
        .or(found.first())
        .copied()
}

/// Splits the suggestions into those open and those dealt with, each in order. The
/// dealt with also hold every other dismissal kept (a suggestion accepted as a question
/// linked to its records is often no longer raised, and one whose records changed is
/// raised again): the question it became, or its reason, and what became of it.
pub(crate) fn set_aside(
    facts: &Facts,
    input: &GapInput,
    all: Vec<Suggestion>,
) -> (Vec<Suggestion>, Vec<Suggestion>) {
    let kept: HashMap<&str, &Dismissal> = input
        .dismissals
        .iter()
        .map(|d| (d.key.as_str(), d))
        .collect();
    let dealt_as = |d: &Dismissal| Dealt {
        dismissal: d.meta.id,
        question: d.question,
        title: d
            .question
            .and_then(|q| facts.question(q))
            .map(|q| q.title.clone()),
        reason: d.reason.clone(),
    };
    let (mut open, mut dealt) = (Vec::new(), Vec::new());
    let mut used: std::collections::HashSet<Id> = Default::default();
    for mut s in all {
        match covering(&kept, &s) {
            Some(d) => {
                used.insert(d.meta.id);
                s.dealt = Some(Box::new(dealt_as(d)));
                dealt.push(s);
            }
            None => open.push(s),
        }
    }
    let mut rest: Vec<Suggestion> = Vec::new();
    for d in input
        .dismissals
        .iter()
        .filter(|d| !used.contains(&d.meta.id))
    {
        let again = open.iter().any(|s| s.answers_to(&d.key));
        let rule = super::rule(&d.rule).map_or(GONE_RULE, |r| r.name);
        let dealt = dealt_as(d);
        let question = match (&dealt.title, d.question) {
            (Some(t), _) => t.clone(),
            (None, Some(q)) => q.to_string(),
            (None, None) => d.key.clone(),
        };
        let mut s = Suggestion::new(rule, d.question.into_iter().collect(), question);
        s.key = d.key.clone();
        s.reason = if again {
            "raised again: its records have changed since".into()
        } else {
            "no longer raised".into()
        };
        s.fingerprint = d.fingerprint.clone();
        s.priority = d
            .question
            .and_then(|q| facts.question(q))
            .map(|q| q.priority);
        s.serves = d.question.into_iter().collect();
        s.dealt = Some(Box::new(dealt));
        rest.push(s);
    }
    rest.sort_by(|a, b| {
        rule_rank(a.rule)
            .cmp(&rule_rank(b.rule))
            .then_with(|| a.key.cmp(&b.key))
    });
    dealt.extend(rest);
    (open, dealt)
}

/// The rule a dismissal is listed under when its rule is no longer one of ours.
pub const GONE_RULE: &str = "retired-rule";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Kind, Meta};

    fn finding(rule: &'static str, fp: &str) -> Suggestion {
        let mut s = Suggestion::new(rule, vec![Id::new(Kind::Entity, 13)], "Q?".into());
        s.fingerprint = fp.into();
        s.reason = format!("{rule} reason");
        s.parts.push(s.as_part());
        s
    }

    fn dismissal(key: &str, fp: &str) -> Dismissal {
        Dismissal {
            meta: Meta::new(Id::new(Kind::Dismissal, 1), chrono::Utc::now(), "ana"),
            key: key.into(),
            rule: String::new(),
            fingerprint: fp.into(),
            question: None,
            reason: None,
        }
    }

    #[test]
    fn merged_findings_are_dealt_with_only_while_each_is_covered() {
        let both = merged(vec![
            finding("single-source", "chis band 4"),
            finding("low-graded", "low band 4"),
        ]);
        assert_eq!(both.key, "low-graded:E13", "the first rule's key");
        assert_eq!(both.reason, "low-graded reason; single-source reason");
        // a dismissal of one finding, made before they were merged, covers only it
        let old = dismissal("low-graded:E13", "low band 4");
        let kept = HashMap::from([(old.key.as_str(), &old)]);
        assert!(covering(&kept, &both).is_none());
        // the other finding dismissed too (under its own old key): both covered
        let other = dismissal("single-source:E13", "chis band 4");
        let kept = HashMap::from([(old.key.as_str(), &old), (other.key.as_str(), &other)]);
        assert_eq!(
            covering(&kept, &both).map(|d| d.key.as_str()),
            Some("low-graded:E13")
        );
        // the merged suggestion dismissed whole; later one finding goes away: still aside
        let whole = dismissal(&both.key, &both.fingerprint);
        let kept = HashMap::from([(whole.key.as_str(), &whole)]);
        assert!(covering(&kept, &both).is_some());
        let alone = finding("low-graded", "low band 4");
        assert!(
            covering(&kept, &alone).is_some(),
            "a finding gone brings nothing back"
        );
        // a finding whose fingerprint changed, or a new one, brings it back
        let moved = finding("low-graded", "low band 8");
        assert!(covering(&kept, &moved).is_none());
        let three = merged(vec![
            finding("single-source", "chis band 4"),
            finding("low-graded", "low band 4"),
            finding("no-anticipation", "recent band 3"),
        ]);
        assert!(covering(&kept, &three).is_none());
    }

    #[test]
    fn a_rule_firing_on_most_of_what_it_reads_says_so_once() {
        let few: Vec<Suggestion> = (0..3).map(|_| finding("single-source", "x")).collect();
        let say = |f: &[Suggestion]| (format!("{} of them?", f.len()), "most".to_string());
        assert_eq!(
            case_wide("single-source", few, 3, Sees::Situation, say).len(),
            3
        );
        let many: Vec<Suggestion> = (1..=5)
            .map(|n| {
                let mut s = finding("single-source", "x");
                s.triggers = vec![Id::new(Kind::Entity, n)];
                s.weight = n;
                s
            })
            .collect();
        let one = case_wide("single-source", many.clone(), 7, Sees::Situation, say);
        assert_eq!(one.len(), 1);
        assert_eq!(one[0].key, "single-source:case");
        assert_eq!(one[0].question, "5 of them?");
        assert_eq!(one[0].triggers.len(), 5);
        // 5 of 8 is not most
        assert_eq!(
            case_wide("single-source", many, 8, Sees::Situation, say).len(),
            5
        );
    }
}
