//! The question `Q` proposes about a record, worded for what the record is: a person's
//! role, who uses a phone, whether a note can be corroborated, what would confirm or
//! refute a hypothesis, what a link rests on, what happened in a quiet stretch. Pure
//! functions of the record; the analyst edits the text before it is added.

use crate::model::text::{first_line, truncate};
use crate::model::{EntityKind, Record};
use chrono::NaiveDate;

/// The longest name or title quoted inside a proposed question, in cells.
const QUOTE: usize = 48;

/// `Kyle Renshaw's`, `Marcus James'`.
fn possessive(name: &str) -> String {
    if name.ends_with('s') || name.ends_with('S') {
        format!("{name}'")
    } else {
        format!("{name}'s")
    }
}

/// A question about `record`. `name_of` gives the name or title of another record by
/// id (for a link's ends).
pub fn question_about(record: &Record, name_of: impl Fn(crate::model::Id) -> String) -> String {
    let q = |s: &str| truncate(s.trim(), QUOTE).into_owned();
    let id = record.id();
    match record {
        Record::Question(x) => {
            format!("What would it take to answer {id}: {}", q(&x.title))
                .trim_end_matches('?')
                .to_string()
                + "?"
        }
        Record::Hypothesis(h) => {
            let s = q(&h.statement);
            format!(
                "What evidence would confirm or refute {id}: {}?",
                s.trim_end_matches(['.', '?'])
            )
        }
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
        Record::Note(_) => format!("Can {id} be corroborated?"),
        Record::Link(l) => format!(
            "What does the link {id} ({} {} {}) rest on?",
            q(&name_of(l.from)),
            l.label,
            q(&name_of(l.to))
        ),
        Record::Assessment(a) => format!(
            "What would change how {} bears on {}?",
            a.note, a.hypothesis
        ),
        Record::Dismissal(d) => format!("Should the gap {} be looked at again?", d.key),
        Record::Expectation(x) => format!(
            "Where could we look for {id}: {}?",
            q(&x.text).trim_end_matches(['.', '?'])
        ),
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
        truncate(name.trim(), QUOTE),
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

/// `E1 Darren Marsh`: an id with its name or title, cut short.
pub fn id_named(store: &crate::store::Store, id: crate::model::Id) -> String {
    match store.get(id) {
        Ok(Some(Record::Entity(e))) => format!("{id} {}", truncate(&e.name, 24)),
        Ok(Some(r)) => format!("{id} {}", truncate(&r.title(), 24)),
        _ => id.to_string(),
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
        assert_eq!(question_about(&p, no_names), "What is Kyle Renshaw's role?");
        let p = entity("Marcus James", EntityKind::Person);
        assert_eq!(question_about(&p, no_names), "What is Marcus James' role?");
        let ph = entity("07700 900123", EntityKind::Phone);
        assert_eq!(question_about(&ph, no_names), "Who uses 07700 900123?");
        let loc = entity("Brannock Road", EntityKind::Location);
        assert_eq!(
            question_about(&loc, no_names),
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
        assert_eq!(question_about(&n, no_names), "Can N57 be corroborated?");
        let h = Record::Hypothesis(Hypothesis {
            meta: meta(Kind::Hypothesis, 3),
            statement: "A rival crew took the line.".into(),
            question: Id::new(Kind::Question, 1),
            likelihood: None,
            status: HypothesisStatus::Live,
        });
        assert_eq!(
            question_about(&h, no_names),
            "What evidence would confirm or refute H3: A rival crew took the line?"
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
            question_about(&l, names),
            "What does the link L12 (Kyle Renshaw uses 07700 900123) rest on?"
        );
        let d = |m, d| NaiveDate::from_ymd_opt(2024, m, d).unwrap();
        assert_eq!(
            question_about_quiet("Kyle Renshaw", d(3, 1), d(7, 14)),
            "What was Kyle Renshaw doing between 1 Mar 2024 and 14 Jul 2024?"
        );
    }

    #[test]
    fn long_names_are_cut_so_the_question_stays_one_line() {
        let long = "x".repeat(200);
        let q = question_about(&entity(&long, EntityKind::Online), no_names);
        assert!(crate::model::text::width(&q) < 80, "{q}");
    }
}
