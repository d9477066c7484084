//! The question "ask about this" proposes for a record, worded for what the record is: a
//! person's role, who uses a phone, whether a weak note can be corroborated (or what a
//! strong one tells the question it serves), what would confirm or refute a hypothesis,
//! what a link rests on, what happened in a quiet stretch. Pure functions of the record;
//! the analyst edits the text before it is added. Names and titles are quoted whole and
//! never as bare ids: a display shortens the question, the store keeps all of it.

use crate::model::grade::Intel;
use crate::model::text::first_line;
use crate::model::{EntityKind, Record};
use chrono::NaiveDate;

/// `Kyle Renshaw's`, `Marcus James'`.
fn possessive(name: &str) -> String {
    if name.ends_with('s') || name.ends_with('S') {
        format!("{name}'")
    } else {
        format!("{name}'s")
    }
}

/// A title or statement as quoted inside a question: its first line, without the
/// closing stop or question mark, in double quotation marks (single ones when it holds
/// a double quotation mark itself).
fn quoted(s: &str) -> String {
    let s = first_line(s)
        .trim()
        .trim_end_matches(['.', '?', '!'])
        .trim();
    if s.contains('"') {
        format!("'{s}'")
    } else {
        format!("\"{s}\"")
    }
}

/// A question about `record`. `name_of` gives the name or title of another record by
/// id (a link's ends, a cell's note and hypothesis); `serves` is the title of the
/// question the record serves, when it serves exactly one.
pub fn question_about(
    record: &Record,
    name_of: impl Fn(crate::model::Id) -> String,
    serves: Option<&str>,
) -> String {
    let q = |s: &str| s.trim().to_string();
    match record {
        Record::Question(x) => format!("What would it take to answer {}?", quoted(&x.title)),
        Record::Hypothesis(h) => format!(
            "What evidence would confirm or refute {}?",
            quoted(&h.statement)
        ),
        Record::Entity(e) => {
            let n = q(&e.name);
            match e.kind {
                EntityKind::Person => format!("What is {} role?", possessive(&n)),
                EntityKind::Organisation | EntityKind::Group => {
                    format!("Who is behind {n}, and what does it do?")
                }
                EntityKind::Location => format!("What happens at {n}?"),
                EntityKind::Vehicle => format!("Who uses {n}, and where does it go?"),
                EntityKind::Phone => format!("Who uses {n}?"),
                EntityKind::Account => format!("Who controls {n}, and where does its money go?"),
                EntityKind::Commodity => format!("Where does the {n} come from?"),
                EntityKind::Online => format!("Who is behind {n}?"),
                EntityKind::Other => format!("What is the significance of {n}?"),
            }
        }
        Record::Note(n) => {
            // known directly or corroborated (1, 2): ask what it tells, not whether it is
            // true; anything weaker is asked to be corroborated
            let strong = n
                .grade
                .is_some_and(|g| matches!(g.intel, Intel::One | Intel::Two));
            match (strong, serves) {
                (true, Some(t)) => {
                    format!("What does {} tell us about {}?", quoted(&n.text), quoted(t))
                }
                (true, None) => format!("What follows from {}?", quoted(&n.text)),
                (false, _) => format!("Can {} be corroborated?", quoted(&n.text)),
            }
        }
        Record::Link(l) => format!(
            "What does \"{} {} {}\" rest on?",
            q(&name_of(l.from)),
            l.label,
            q(&name_of(l.to))
        ),
        Record::Assessment(a) => format!(
            "What would change how {} bears on {}?",
            quoted(&name_of(a.note)),
            quoted(&name_of(a.hypothesis))
        ),
        Record::Dismissal(d) => format!("Should the gap {} be looked at again?", d.key),
        Record::Expectation(x) => format!("Where could we look for {}?", quoted(&x.text)),
    }
}

/// A day for people: "21 Jul 2024".
pub fn day(d: NaiveDate) -> String {
    d.format("%-d %b %Y").to_string()
}

/// The question a quiet stretch in an entity's timeline raises.
pub fn question_about_quiet(name: &str, from: NaiveDate, to: NaiveDate) -> String {
    format!(
        "What was {} doing between {} and {}?",
        name.trim(),
        day(from),
        day(to)
    )
}

/// The detail the question of a quiet stretch carries.
pub fn quiet_detail(entity: &str, from: NaiveDate, to: NaiveDate, days: i64) -> String {
    format!(
        "Raised by a quiet stretch on the timeline of {entity}: no reporting for {days} days, \
         {} to {}.",
        day(from),
        day(to)
    )
}

/// The name a proposed question quotes for a record: an entity's name, a note's first
/// line, anything else's title.
pub fn name_of(record: &Record) -> String {
    match record {
        Record::Entity(e) => e.name.clone(),
        Record::Note(n) => first_line(&n.text).to_string(),
        r => r.title(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Entity, Hypothesis, HypothesisStatus, Id, Kind, Link, Meta, Note};

    fn meta(kind: Kind, n: u64) -> Meta {
        Meta::new(Id::new(kind, n), chrono::Utc::now(), "analyst")
    }

    fn entity(name: &str, kind: EntityKind) -> Record {
        Record::Entity(Entity {
            meta: meta(Kind::Entity, 2),
            name: name.into(),
            kind,
            aliases: Vec::new(),
            attributes: Default::default(),
        })
    }

    fn no_names(_: Id) -> String {
        String::new()
    }

    #[test]
    fn entities_are_asked_about_by_kind() {
        let p = entity("Kyle Renshaw", EntityKind::Person);
        assert_eq!(
            question_about(&p, no_names, None),
            "What is Kyle Renshaw's role?"
        );
        let p = entity("Marcus James", EntityKind::Person);
        assert_eq!(
            question_about(&p, no_names, None),
            "What is Marcus James' role?"
        );
        let ph = entity("07700 900123", EntityKind::Phone);
        assert_eq!(
            question_about(&ph, no_names, None),
            "Who uses 07700 900123?"
        );
        let loc = entity("Brannock Road", EntityKind::Location);
        assert_eq!(
            question_about(&loc, no_names, None),
            "What happens at Brannock Road?"
        );
    }

    #[test]
    fn notes_hypotheses_links_and_quiet_stretches() {
        let n = Record::Note(Note {
            meta: meta(Kind::Note, 57),
            text: "Seen at the yard".into(),
            source: String::new(),
            grade: None,
            when: None,
        });
        assert_eq!(
            question_about(&n, no_names, None),
            "Can \"Seen at the yard\" be corroborated?"
        );
        // a note graded 1 or 2 is not asked to be corroborated: what does it tell?
        let strong = |g: &str| {
            Record::Note(Note {
                meta: meta(Kind::Note, 58),
                text: "Marsh keeps the handset himself.\nSeen twice.".into(),
                source: String::new(),
                grade: Some(g.parse().unwrap()),
                when: None,
            })
        };
        assert_eq!(
            question_about(&strong("B2P"), no_names, Some("Who holds the KING line?")),
            "What does \"Marsh keeps the handset himself\" tell us about \"Who holds the KING line\"?"
        );
        assert_eq!(
            question_about(&strong("A1P"), no_names, None),
            "What follows from \"Marsh keeps the handset himself\"?"
        );
        for weak in ["B3P", "C4P", "A5P"] {
            assert!(
                question_about(&strong(weak), no_names, Some("Q")).starts_with("Can \"Marsh keeps"),
                "{weak}"
            );
        }
        let h = Record::Hypothesis(Hypothesis {
            meta: meta(Kind::Hypothesis, 3),
            statement: "A rival crew took the line.".into(),
            question: Id::new(Kind::Question, 1),
            likelihood: None,
            status: HypothesisStatus::Live,
        });
        assert_eq!(
            question_about(&h, no_names, None),
            "What evidence would confirm or refute \"A rival crew took the line\"?"
        );
        let l = Record::Link(Link {
            meta: meta(Kind::Link, 12),
            from: Id::new(Kind::Entity, 1),
            to: Id::new(Kind::Entity, 2),
            label: "uses".into(),
            confidence: None,
            source: None,
            when: None,
            auto: false,
        });
        let names = |id: Id| match id.num {
            1 => "Kyle Renshaw".to_string(),
            _ => "07700 900123".to_string(),
        };
        assert_eq!(
            question_about(&l, names, None),
            "What does \"Kyle Renshaw uses 07700 900123\" rest on?"
        );
        let d = |m, d| NaiveDate::from_ymd_opt(2024, m, d).unwrap();
        assert_eq!(
            question_about_quiet("Kyle Renshaw", d(3, 1), d(7, 14)),
            "What was Kyle Renshaw doing between 1 Mar 2024 and 14 Jul 2024?"
        );
    }

    #[test]
    fn long_names_are_kept_whole_and_no_template_names_a_bare_id() {
        let long = format!("{} end", "x".repeat(200));
        let q = question_about(&entity(&long, EntityKind::Online), no_names, None);
        assert!(q.contains(" end"), "{q}");
        let x = Record::Expectation(crate::model::Expectation {
            meta: meta(Kind::Expectation, 4),
            hypothesis: Id::new(Kind::Hypothesis, 1),
            text: "Cash deposits above turnover.".into(),
            status: crate::model::ExpectationStatus::Unchecked,
            place: None,
            checked: None,
            note: None,
        });
        let n = Record::Note(Note {
            meta: meta(Kind::Note, 9),
            text: "Renny \"running Mereby\"".into(),
            source: String::new(),
            grade: None,
            when: None,
        });
        assert_eq!(
            question_about(&n, no_names, None),
            "Can 'Renny \"running Mereby\"' be corroborated?"
        );
        let asked = question_about(&x, no_names, None);
        assert_eq!(
            asked,
            "Where could we look for \"Cash deposits above turnover\"?"
        );
        assert!(!asked.contains("X4"));
    }
}
