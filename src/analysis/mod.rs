//! The gap hunter (SPEC §7): rules that read the workspace as plain data
//! ([`GapInput`], read by `Store::gap_input`) and propose questions, each with the
//! records that triggered it. Each rule is one small pure function; `merge.rs` then
//! makes one suggestion of the findings on one set of records, orders them by the
//! priority of the questions they serve and sets aside the ones dealt with.

mod entities;
mod facts;
mod links;
mod merge;
mod questions;
mod words;

pub use entities::{longest_quiet, quiet_fingerprint, quiet_matters, QUIET_RULE};
pub use facts::Facts;
pub use merge::{covering, Dealt};
pub use words::shorten;

use crate::model::{Id, Sees};
use crate::store::GapInput;

/// One proposed question: the findings of one or more rules on one set of records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    /// Stable: its first finding's rule and triggers (`lonely-mention:E7`).
    pub key: String,
    /// Its first finding's rule: the group it is listed in.
    pub rule: &'static str,
    /// The suggested question, editable before it is accepted; never cut short.
    pub question: String,
    pub triggers: Vec<Id>,
    /// Why, in a few words: "mentioned in 5 notes, no other link"; every finding's
    /// reason, joined with "; ".
    pub reason: String,
    /// The triggers' relevant state: a dismissal holds while this is unchanged. For
    /// several findings, every finding's key and fingerprint (see [`merge`]).
    pub fingerprint: String,
    /// Higher is more useful, compared within a rule.
    pub weight: u64,
    /// The SEES kind the question would have.
    pub kind: Sees,
    /// Every finding it stands for, the first its own, when it stands for more than
    /// one; empty for a suggestion that is one finding (most are).
    pub parts: Vec<Part>,
    /// The highest priority (1 the highest) of the open questions its triggers serve.
    pub priority: Option<u8>,
    /// Those questions, highest priority first.
    pub serves: Vec<Id>,
    /// How it was dealt with, for one dismissed or accepted.
    pub dealt: Option<Box<Dealt>>,
}

/// One rule's finding on some records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    pub rule: &'static str,
    /// The key the finding has alone: what a dismissal made before it was merged names.
    pub key: String,
    pub fingerprint: String,
    pub reason: String,
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
            parts: Vec::new(),
            priority: None,
            serves: Vec::new(),
            dealt: None,
        }
    }

    /// Every finding it stands for: its parts, or itself.
    pub fn findings(&self) -> Vec<Part> {
        if self.parts.is_empty() {
            vec![self.as_part()]
        } else {
            self.parts.clone()
        }
    }

    /// The finding the suggestion is, as a part of a merged one.
    fn as_part(&self) -> Part {
        Part {
            rule: self.rule,
            key: self.key.clone(),
            fingerprint: self.fingerprint.clone(),
            reason: self.reason.clone(),
        }
    }

    /// Whether one of its findings is the rule's.
    pub fn has_rule(&self, rule: &str) -> bool {
        self.rule == rule || self.parts.iter().any(|p| p.rule == rule)
    }

    /// Whether `key` names it: its own key or one of its findings'.
    pub fn answers_to(&self, key: &str) -> bool {
        self.key == key || self.parts.iter().any(|p| p.key == key)
    }

    /// The rules of its findings, joined: `low-graded + single-source`.
    /// The detail a question accepted from this suggestion carries: the rules that
    /// raised it and why, so the question says where it came from.
    pub fn accepted_detail(&self) -> String {
        format!(
            "Raised by the gap hunter ({}): {}.",
            self.rules(),
            self.reason
        )
    }

    pub fn rules(&self) -> String {
        let mut rules: Vec<&str> = Vec::new();
        for p in &self.parts {
            if !rules.contains(&p.rule) {
                rules.push(p.rule);
            }
        }
        if rules.is_empty() {
            rules.push(self.rule);
        }
        rules.join(" + ")
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

/// Every rule, most useful kind of gap first: among suggestions serving questions of
/// the same priority, they are listed in this order.
pub const RULES: &[Rule] = &[
    Rule {
        name: "shared-identifier",
        reasoning: "two entities using one phone, vehicle, account or place with no link between them may be a hidden connection",
        find: entities::shared_identifier,
    },
    Rule {
        name: "no-indicators",
        reasoning: "a warning or estimate question with no hypotheses, or none with an expectation, has nothing to watch for: indicators are what give warning",
        find: questions::no_indicators,
    },
    Rule {
        name: "low-graded",
        reasoning: "an entity known only through intelligence that is unreliable (C3) or not known or suspect (4/5) needs corroboration before anything rests on it",
        find: entities::low_graded,
    },
    Rule {
        name: "single-source",
        reasoning: "everything on a person, group or hypothesis coming from one source is one point of failure",
        find: entities::single_source,
    },
    Rule {
        name: links::UNSOURCED,
        reasoning: "a link that rests on no note, on a record an open question concerns, is an assertion nobody can check",
        find: links::unsourced_link,
    },
    Rule {
        name: links::LINKS_ONLY,
        reasoning: "an entity known only through links, never named in a note, is asserted but unreported",
        find: links::links_only,
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
        reasoning: "a long silence between bursts of reporting (notes and dated links) on a person, group or online identity is a collection gap, or a change",
        find: entities::quiet_stretch,
    },
    Rule {
        name: "stale-review",
        reasoning: "an open question past its review date may rest on stale thinking",
        find: questions::stale_review,
    },
    Rule {
        name: "no-anticipation",
        reasoning: "an active subject that no open estimate or warning question concerns is being collated, not anticipated",
        find: entities::no_anticipation,
    },
    Rule {
        name: "no-disconfirming",
        reasoning: "the leading explanation was weighed but nothing against it was sought, and disconfirming evidence is the diagnostic kind",
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

/// The rules' position in [`RULES`]: the order of suggestions serving questions of the
/// same priority.
pub fn rule_rank(name: &str) -> usize {
    RULES
        .iter()
        .position(|r| r.name == name)
        .unwrap_or(RULES.len())
}

/// Runs the rules and returns the suggestions not dealt with (or, with `only`, those
/// with a finding of that rule), in order: by the priority of the questions they serve,
/// then by rule, the strongest case first.
pub fn run(input: &GapInput, only: Option<&Rule>) -> Vec<Suggestion> {
    let mut open = split(input, &|| false).unwrap_or_default().0;
    if let Some(r) = only {
        open.retain(|s| s.has_rule(r.name));
    }
    open
}

/// Every suggestion, split into those still open and those dismissed or accepted with
/// their findings unchanged since; each in the order of [`run`]. `stop` is asked
/// between two rules: once it says yes the run gives up and returns `None` (a worker
/// whose owner is going away).
pub fn partition(
    input: &GapInput,
    stop: &dyn Fn() -> bool,
) -> Option<(Vec<Suggestion>, Vec<Suggestion>)> {
    split(input, stop)
}

type Split = (Vec<Suggestion>, Vec<Suggestion>);

fn split(input: &GapInput, stop: &dyn Fn() -> bool) -> Option<Split> {
    let facts = Facts::new(input);
    let all = every(&facts, stop)?;
    Some(merge::set_aside(&facts, input, all))
}

/// Every suggestion, dealt with or not, merged and in order.
fn every(facts: &Facts, stop: &dyn Fn() -> bool) -> Option<Vec<Suggestion>> {
    let mut found = Vec::new();
    for r in RULES {
        if stop() {
            return None;
        }
        found.extend((r.find)(facts));
    }
    Some(merge::finish(facts, found))
}

/// The suggestion `key` names, dismissed or not: its own key, or the key one of its
/// findings had alone (what `weft gaps` listed before the findings were merged).
pub fn find_key(input: &GapInput, key: &str) -> Option<Suggestion> {
    let facts = Facts::new(input);
    let all = every(&facts, &|| false)?;
    let exact = all.iter().position(|s| s.key == key);
    let at = exact.or_else(|| all.iter().position(|s| s.answers_to(key)))?;
    all.into_iter().nth(at)
}

/// A count in doubling bands (1, 2-3, 4-7, …): a fingerprint that changes when the
/// evidence doubles, not with every new note.
pub(crate) fn band(n: usize) -> u32 {
    usize::BITS - n.leading_zeros()
}

/// A title or statement as a proposed question quotes it: its first line whole, without
/// a closing question mark or full stop, its double quotes made single so that the
/// quotation stays one. Never cut short: the display shortens, the stored title does
/// not.
pub(crate) fn quote(s: &str) -> String {
    crate::model::text::first_line(s)
        .trim_end_matches(['?', '.'])
        .trim()
        .replace('"', "'")
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
            labels: vec!["mentions".into()],
            sources: vec![String::new()],
            ..GapInput::default()
        };
        for n in 1..=3 {
            let note = Id::new(Kind::Note, n);
            g.notes.push(NoteFacts {
                id: note,
                source: 0,
                grade: None,
                period: None,
                names: vec!["Owen Barlow".into()].into(),
            });
            g.links.push(LinkFacts {
                auto: true,
                ..LinkFacts::new(Id::new(Kind::Link, n), note, e, 0)
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

    #[test]
    fn a_quotation_is_the_whole_first_line() {
        let long = "Nadia Marsh is a nominee; Darren Marsh controls account 4417 through her \
                    and moves the line's cash through it every week.";
        assert_eq!(
            quote(long),
            long.trim_end_matches('.'),
            "never cut at 60 or any width"
        );
        assert_eq!(
            quote("Is \"Uncle V\" a real supplier?\nmore"),
            "Is 'Uncle V' a real supplier"
        );
    }
}
