//! The gap hunter (SPEC §7): rules that read the workspace as plain data
//! ([`GapInput`], read by `Store::gap_input`) and propose questions, each with the
//! records that triggered it. Each rule is one small pure function.

mod entities;
mod facts;
mod questions;

pub use entities::{longest_quiet, quiet_fingerprint, quiet_matters, QUIET_RULE};
pub use facts::Facts;

use crate::model::{Id, Sees};
use crate::store::GapInput;

/// One proposed question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    /// Stable: the rule and its sorted triggers (`lonely-mention:E7`).
    pub key: String,
    pub rule: &'static str,
    /// The suggested question, editable before it is accepted.
    pub question: String,
    pub triggers: Vec<Id>,
    /// Why, in a few words: "mentioned in 5 notes, no other link".
    pub reason: String,
    /// The triggers' relevant state: a dismissal holds while this is unchanged.
    pub fingerprint: String,
    /// Higher is more useful, compared within a rule.
    pub weight: u64,
    /// The SEES kind the question would have.
    pub kind: Sees,
}

impl Suggestion {
    pub(crate) fn new(rule: &'static str, mut triggers: Vec<Id>, question: String) -> Self {
        triggers.sort();
        triggers.dedup();
        Suggestion {
            key: key(rule, &triggers),
            rule,
            question,
            triggers,
            reason: String::new(),
            fingerprint: String::new(),
            weight: 0,
            kind: Sees::Situation,
        }
    }
}

/// A suggestion's stable key: its rule and its triggers, sorted (`lonely-mention:E7`).
pub fn key(rule: &str, triggers: &[Id]) -> String {
    let mut ids = triggers.to_vec();
    ids.sort();
    ids.dedup();
    let ids: Vec<String> = ids.iter().map(Id::to_string).collect();
    format!("{rule}:{}", ids.join("+"))
}

/// A rule: its name (for `--rule`), its reasoning (for `?` help) and its function.
pub struct Rule {
    pub name: &'static str,
    pub reasoning: &'static str,
    pub find: fn(&Facts) -> Vec<Suggestion>,
}

/// Every rule, most useful kind of gap first: suggestions are listed in this order.
pub const RULES: &[Rule] = &[
    Rule {
        name: "shared-identifier",
        reasoning: "two entities using one phone, vehicle, account or place with no link between them may be a hidden connection",
        find: entities::shared_identifier,
    },
    Rule {
        name: "low-graded",
        reasoning: "an entity known only through unreliable (C) or unknown/suspect (4/5) intelligence needs corroboration before anything rests on it",
        find: entities::low_graded,
    },
    Rule {
        name: "single-source",
        reasoning: "everything on an entity or hypothesis coming from one source is one point of failure",
        find: entities::single_source,
    },
    Rule {
        name: "single-hypothesis",
        reasoning: "a question with one live explanation invites confirmation bias: hold competitors open",
        find: questions::single_hypothesis,
    },
    Rule {
        name: "lonely-mention",
        reasoning: "an entity named in several notes but tied to nothing else is unexplained",
        find: entities::lonely_mention,
    },
    Rule {
        name: QUIET_RULE,
        reasoning: "a long silence between bursts of reporting on a person, group or online identity is a collection gap, or a change",
        find: entities::quiet_stretch,
    },
    Rule {
        name: "stale-review",
        reasoning: "an open question past its review date may rest on stale thinking",
        find: questions::stale_review,
    },
    Rule {
        name: "no-anticipation",
        reasoning: "an active subject with no estimate or warning question is being collated, not anticipated",
        find: entities::no_anticipation,
    },
    Rule {
        name: "no-disconfirming",
        reasoning: "evidence was weighed for a hypothesis but none against it was sought, and disconfirming evidence is the diagnostic kind",
        find: questions::no_disconfirming,
    },
    Rule {
        name: "unchecked-expectation",
        reasoning: "what a hypothesis predicts but nobody has looked for is a gap: looking and finding nothing is evidence too",
        find: questions::unchecked_expectation,
    },
    Rule {
        name: "no-evidence",
        reasoning: "a live hypothesis with no evidence either way is untested",
        find: questions::no_evidence,
    },
    Rule {
        name: "no-hypotheses",
        reasoning: "an open explanation question with no hypotheses has no competing explanations to weigh",
        find: questions::no_hypotheses,
    },
    Rule {
        name: "weak-answer",
        reasoning: "an answer held with low confidence is still a gap",
        find: questions::weak_answer,
    },
    Rule {
        name: "dangling-mention",
        reasoning: "a [[name]] that matches no entity is something reported but not yet tracked",
        find: entities::dangling_mention,
    },
];

/// The rule named `name`.
pub fn rule(name: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.name == name)
}

/// Every rule name, comma-separated, for error messages.
pub fn rule_names() -> String {
    RULES.iter().map(|r| r.name).collect::<Vec<_>>().join(", ")
}

/// Runs the rules (all, or only `only`) and returns the suggestions not dismissed with
/// an unchanged fingerprint, grouped by rule in registry order, most useful first.
pub fn run(input: &GapInput, only: Option<&Rule>) -> Vec<Suggestion> {
    split(input, only, &|| false).unwrap_or_default().0
}

/// Every rule's suggestions, split into those still open and those dismissed or
/// accepted with an unchanged fingerprint; each grouped by rule in registry order,
/// most useful first. `stop` is asked between two rules: once it says yes the run
/// gives up and returns `None` (a worker whose owner is going away).
pub fn partition(
    input: &GapInput,
    stop: &dyn Fn() -> bool,
) -> Option<(Vec<Suggestion>, Vec<Suggestion>)> {
    split(input, None, stop)
}

type Split = (Vec<Suggestion>, Vec<Suggestion>);

fn split(input: &GapInput, only: Option<&Rule>, stop: &dyn Fn() -> bool) -> Option<Split> {
    let facts = Facts::new(input);
    let kept: std::collections::HashMap<&str, &str> = input
        .dismissals
        .iter()
        .map(|d| (d.key.as_str(), d.fingerprint.as_str()))
        .collect();
    let (mut open, mut dealt) = (Vec::new(), Vec::new());
    for r in RULES {
        if only.is_some_and(|o| o.name != r.name) {
            continue;
        }
        if stop() {
            return None;
        }
        let mut found = (r.find)(&facts);
        found.sort_by(|a, b| b.weight.cmp(&a.weight).then_with(|| a.key.cmp(&b.key)));
        for s in found {
            if kept.get(s.key.as_str()) == Some(&s.fingerprint.as_str()) {
                dealt.push(s);
            } else {
                open.push(s);
            }
        }
    }
    Some((open, dealt))
}

/// Every suggestion, dismissed or not, for looking one up by key.
pub fn find_key(input: &GapInput, key: &str) -> Option<Suggestion> {
    let facts = Facts::new(input);
    let rule = rule(key.split(':').next().unwrap_or(""))?;
    (rule.find)(&facts).into_iter().find(|s| s.key == key)
}

/// A count in doubling bands (1, 2-3, 4-7, …): a fingerprint that changes when the
/// evidence doubles, not with every new note.
pub(crate) fn band(n: usize) -> u32 {
    usize::BITS - n.leading_zeros()
}

/// Cuts a title to a short quotation, without a trailing question mark.
pub(crate) fn quote(s: &str) -> String {
    let s = crate::model::text::first_line(s)
        .trim_end_matches('?')
        .trim();
    crate::model::text::truncate(s, 60).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{EntityKind, Kind};
    use crate::store::{EntityFacts, LinkFacts, NoteFacts};
    use std::cell::Cell;

    /// An entity mentioned in three notes and tied to nothing else: one lonely mention.
    fn lonely() -> GapInput {
        let e = Id::new(Kind::Entity, 1);
        let mut g = GapInput {
            entities: vec![EntityFacts {
                id: e,
                name: "Owen Barlow".into(),
                kind: EntityKind::Person,
                aliases: Vec::new(),
            }],
            ..GapInput::default()
        };
        for n in 1..=3 {
            let note = Id::new(Kind::Note, n);
            g.notes.push(NoteFacts {
                id: note,
                source: String::new(),
                grade: None,
                when: None,
                names: vec!["Owen Barlow".into()],
            });
            g.links.push(LinkFacts {
                id: Id::new(Kind::Link, n),
                from: note,
                to: e,
                label: "mentions".into(),
                auto: true,
            });
        }
        g
    }

    #[test]
    fn a_run_asked_to_stop_gives_up_between_rules() {
        let input = lonely();
        let (open, dealt) = partition(&input, &|| false).expect("not stopped");
        assert_eq!(open, run(&input, None));
        assert!(
            open.iter().any(|s| s.key == "lonely-mention:E1"),
            "{open:?}"
        );
        assert!(dealt.is_empty());
        // asked once per rule until it says stop
        let asked = Cell::new(0);
        let stop = || {
            asked.set(asked.get() + 1);
            asked.get() > 3
        };
        assert_eq!(partition(&input, &stop), None);
        assert_eq!(asked.get(), 4, "it stops at the first yes");
    }
}
