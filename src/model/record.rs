//! The record kinds of SPEC §2 (with the expectation), the assessment cell and the gap
//! hunter's dismissals, as stored and exported.
//!
//! Every record carries `id`, `created`, `updated`, `by` and `tags`. Field names are the
//! names used by `--json`, `weft set` and the workspace export.

use super::{
    EntityKind, ExpectationStatus, Grade, HypothesisStatus, Id, Kind, Sees, Status, When, Yardstick,
};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[macro_use]
mod declare;

/// The fields every record shares. Written flattened into each record; read by each
/// record's flat twin (`record/declare.rs`), never on its own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Meta {
    pub id: Id,
    pub created: DateTime<Utc>,
    pub updated: DateTime<Utc>,
    pub by: String,
    pub tags: Vec<String>,
}

impl Meta {
    pub fn new(id: Id, at: DateTime<Utc>, by: &str) -> Self {
        Meta {
            id,
            created: at,
            updated: at,
            by: by.to_string(),
            tags: Vec::new(),
        }
    }
}

/// An answer to a question, with the analyst's confidence in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Answer {
    pub text: String,
    #[serde(default)]
    pub confidence: Option<Yardstick>,
}

record! {
    /// A known unknown: the centre of the workspace.
    pub struct Question {
        pub title: String,
        #[serde(default)]
        pub detail: String,
        pub status: Status,
        pub priority: u8,
        pub kind: Sees,
        #[serde(default)]
        pub parent: Option<Id>,
        #[serde(default)]
        pub review_by: Option<NaiveDate>,
        #[serde(default)]
        pub answer: Option<Answer>,
    }
}

record! {
    /// One explanation competing to answer a question.
    pub struct Hypothesis {
        pub statement: String,
        pub question: Id,
        #[serde(default)]
        pub likelihood: Option<Yardstick>,
        pub status: HypothesisStatus,
    }
}

record! {
    /// A person, group, place, phone, vehicle, account or other thing of interest.
    pub struct Entity {
        pub name: String,
        pub kind: EntityKind,
        #[serde(default)]
        pub aliases: Vec<String>,
        #[serde(default)]
        pub attributes: BTreeMap<String, String>,
    }
}

record! {
    /// A piece of reporting; its first line is its title.
    pub struct Note {
        pub text: String,
        #[serde(default)]
        pub source: String,
        #[serde(default)]
        pub grade: Option<Grade>,
        #[serde(default)]
        pub when: Option<When>,
    }
}

record! {
    /// A typed, directed connection between any two records.
    pub struct Link {
        pub from: Id,
        pub to: Id,
        pub label: String,
        #[serde(default)]
        pub confidence: Option<Yardstick>,
        #[serde(default)]
        pub source: Option<Id>,
        #[serde(default)]
        pub when: Option<When>,
        /// Made and kept in step by the store from a note's mentions; not edited by hand.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        pub auto: bool,
    }
}

/// The label of links the store derives from a note's mentions.
pub const MENTIONS: &str = "mentions";

/// How consistent one piece of evidence is with one hypothesis (Heuer).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Consistency {
    VeryConsistent,
    Consistent,
    Neutral,
    Inconsistent,
    VeryInconsistent,
}

impl Consistency {
    pub const ALL: [Consistency; 5] = [
        Consistency::VeryConsistent,
        Consistency::Consistent,
        Consistency::Neutral,
        Consistency::Inconsistent,
        Consistency::VeryInconsistent,
    ];

    pub fn symbol(self) -> &'static str {
        match self {
            Consistency::VeryConsistent => "++",
            Consistency::Consistent => "+",
            Consistency::Neutral => "0",
            Consistency::Inconsistent => "-",
            Consistency::VeryInconsistent => "--",
        }
    }
}

impl std::fmt::Display for Consistency {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.symbol())
    }
}

impl Consistency {
    /// The value in words, for pickers: "very consistent" … "very inconsistent".
    pub fn words(self) -> &'static str {
        match self {
            Consistency::VeryConsistent => "very consistent",
            Consistency::Consistent => "consistent",
            Consistency::Neutral => "neutral or not applicable",
            Consistency::Inconsistent => "inconsistent",
            Consistency::VeryInconsistent => "very inconsistent",
        }
    }

    /// Heuer's letter for the value: `CC C N I II`.
    pub fn letters(self) -> &'static str {
        match self {
            Consistency::VeryConsistent => "CC",
            Consistency::Consistent => "C",
            Consistency::Neutral => "N",
            Consistency::Inconsistent => "I",
            Consistency::VeryInconsistent => "II",
        }
    }

    /// How much the cell counts against its hypothesis in Heuer's count: `-` one, `--`
    /// two, anything else nothing.
    pub fn inconsistency(self) -> u32 {
        match self {
            Consistency::Inconsistent => 1,
            Consistency::VeryInconsistent => 2,
            _ => 0,
        }
    }
}

impl std::str::FromStr for Consistency {
    type Err = super::ParseError;
    /// Accepts the symbols `++ + 0 - --` or Heuer's letters `CC C N I II` (any case).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        Consistency::ALL
            .into_iter()
            .find(|c| c.symbol() == t || c.letters().eq_ignore_ascii_case(t))
            .ok_or_else(|| {
                super::ParseError::new(
                    "consistency",
                    s,
                    "expected ++, +, 0, - or -- (or CC, C, N, I, II)",
                )
            })
    }
}

crate::serde_as_string!(Consistency);

record! {
    /// A cell of the competing-hypotheses matrix: (hypothesis, note) -> consistency.
    pub struct Assessment {
        pub hypothesis: Id,
        pub note: Id,
        pub consistency: Consistency,
    }
}

record! {
    /// Something that should be seen if a hypothesis were true, and whether it was looked
    /// for: unchecked (a gap), absent (looked for `where` on `checked`, not found: evidence
    /// against), or found (`note` shows it).
    pub struct Expectation {
        pub hypothesis: Id,
        pub text: String,
        pub status: ExpectationStatus,
        /// Where it was looked for (the field is `where` outside Rust).
        #[serde(rename = "where", default)]
        pub place: Option<String>,
        /// The date it was looked for.
        #[serde(default)]
        pub checked: Option<NaiveDate>,
        /// The note that shows it, when found.
        #[serde(default)]
        pub note: Option<Id>,
    }
}

record! {
    /// A gap-hunter suggestion the analyst has dealt with: dismissed, or accepted as a
    /// question. It keeps the suggestion out of the list until the `fingerprint` of its
    /// triggers' relevant state changes. Not shown as a record in lists, search or panes.
    pub struct Dismissal {
        /// The suggestion's stable key (`lonely-mention:E7`).
        pub key: String,
        /// The rule that made it.
        pub rule: String,
        /// The triggers' relevant state when it was dealt with.
        pub fingerprint: String,
        /// The question it became, when it was accepted rather than dismissed.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub question: Option<Id>,
        /// Why it was dismissed, in the analyst's words (one line), when they gave one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub reason: Option<String>,
    }
}

/// Any record, as the store hands it out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Record {
    Question(Question),
    Hypothesis(Hypothesis),
    Entity(Entity),
    Note(Note),
    Link(Link),
    Assessment(Assessment),
    Expectation(Expectation),
    Dismissal(Dismissal),
}

macro_rules! each {
    ($self:expr, $r:ident => $e:expr) => {
        match $self {
            Record::Question($r) => $e,
            Record::Hypothesis($r) => $e,
            Record::Entity($r) => $e,
            Record::Note($r) => $e,
            Record::Link($r) => $e,
            Record::Assessment($r) => $e,
            Record::Expectation($r) => $e,
            Record::Dismissal($r) => $e,
        }
    };
}

impl Record {
    pub fn meta(&self) -> &Meta {
        each!(self, r => &r.meta)
    }

    pub fn meta_mut(&mut self) -> &mut Meta {
        each!(self, r => &mut r.meta)
    }

    pub fn id(&self) -> Id {
        self.meta().id
    }

    pub fn kind(&self) -> Kind {
        self.id().kind
    }

    /// The one line that names the record in lists and chains.
    pub fn title(&self) -> String {
        match self {
            Record::Question(q) => super::text::unmark(&q.title).into_owned(),
            Record::Hypothesis(h) => super::text::unmark(&h.statement).into_owned(),
            Record::Entity(e) => format!("{} ({})", e.name, e.kind),
            Record::Note(n) => super::text::title_line(&n.text),
            Record::Link(l) => format!("{} -{}-> {}", l.from, l.label, l.to),
            Record::Assessment(a) => format!("{} on {}: {}", a.note, a.hypothesis, a.consistency),
            Record::Expectation(x) => super::text::title_line(&x.text),
            Record::Dismissal(d) => match d.question {
                Some(q) => format!("gap {} accepted as {q}", d.key),
                None => format!("gap {} dismissed", d.key),
            },
        }
    }

    /// The short text fuzzy search reads first (the search file's short entry): a title, an
    /// entity's name, kind and aliases, the first line of a note or expectation cut to
    /// [`SEARCH_SHORT_MAX`] bytes. The rest of a long note is searched from the record.
    pub fn search_text(&self) -> String {
        match self {
            Record::Entity(e) if !e.aliases.is_empty() => {
                format!("{} ({}) {}", e.name, e.kind, e.aliases.join(" "))
            }
            Record::Note(n) => search_short(&n.text).into_owned(),
            Record::Expectation(x) => search_short(&x.text).into_owned(),
            other => other.title(),
        }
    }

    /// Whether the record's text says more than [`Record::search_text`]: a note or an
    /// expectation too long for it, whose body a search reads from the record.
    pub fn search_has_more(&self) -> bool {
        match self {
            Record::Note(n) => search_has_more(&n.text),
            Record::Expectation(x) => search_has_more(&x.text),
            _ => false,
        }
    }

    pub fn to_json(&self) -> serde_json::Value {
        let v = each!(self, r => serde_json::to_value(r));
        v.unwrap_or(serde_json::Value::Null)
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        let v = each!(self, r => serde_json::to_vec(r));
        v.unwrap_or_default()
    }

    /// Decodes a record of `kind` from any deserializer: the one dispatch on the kind
    /// that the decoders below share.
    fn decode<'de, D: serde::Deserializer<'de>>(kind: Kind, d: D) -> Result<Record, D::Error> {
        use serde::Deserialize;
        Ok(match kind {
            Kind::Question => Record::Question(Deserialize::deserialize(d)?),
            Kind::Hypothesis => Record::Hypothesis(Deserialize::deserialize(d)?),
            Kind::Entity => Record::Entity(Deserialize::deserialize(d)?),
            Kind::Note => Record::Note(Deserialize::deserialize(d)?),
            Kind::Link => Record::Link(Deserialize::deserialize(d)?),
            Kind::Assessment => Record::Assessment(Deserialize::deserialize(d)?),
            Kind::Expectation => Record::Expectation(Deserialize::deserialize(d)?),
            Kind::Dismissal => Record::Dismissal(Deserialize::deserialize(d)?),
        })
    }

    /// Decodes a stored record of `kind`.
    pub fn from_bytes(kind: Kind, bytes: &[u8]) -> Result<Record, serde_json::Error> {
        let mut de = serde_json::Deserializer::from_slice(bytes);
        let rec = Record::decode(kind, &mut de)?;
        de.end()?;
        Ok(rec)
    }

    /// Decodes a record of `kind` from a JSON value it only reads.
    pub fn from_json_ref(kind: Kind, v: &serde_json::Value) -> Result<Record, serde_json::Error> {
        Record::decode(kind, v)
    }

    pub fn from_json(kind: Kind, value: serde_json::Value) -> Result<Record, serde_json::Error> {
        Record::decode(kind, value)
    }

    /// The occurred time of a note or a dated link.
    pub fn when(&self) -> Option<&When> {
        match self {
            Record::Note(n) => n.when.as_ref(),
            Record::Link(l) => l.when.as_ref(),
            _ => None,
        }
    }
}

mod search;
pub use search::{search_has_more, search_short, SEARCH_SHORT_MAX};

#[cfg(test)]
mod tests {
    use super::*;

    fn meta(id: &str) -> Meta {
        let at = DateTime::parse_from_rfc3339("2024-03-04T10:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        Meta::new(id.parse().unwrap(), at, "ana")
    }

    #[test]
    fn json_uses_spec_field_names_and_round_trips() {
        let n = Record::Note(Note {
            meta: meta("N3"),
            text: "Meet at the yard\nmore".into(),
            source: "CHIS".into(),
            grade: Some("B2P".parse().unwrap()),
            when: Some("~2024-03".parse().unwrap()),
        });
        let v = n.to_json();
        assert_eq!(v["id"], "N3");
        assert_eq!(v["grade"], "B2P");
        assert_eq!(v["when"], "~2024-03");
        assert_eq!(Record::from_bytes(Kind::Note, &n.to_bytes()).unwrap(), n);
        assert_eq!(n.title(), "Meet at the yard");
    }

    #[test]
    fn consistency_symbols_round_trip() {
        for c in Consistency::ALL {
            assert_eq!(c.symbol().parse::<Consistency>().unwrap(), c);
        }
        assert!("+++".parse::<Consistency>().is_err());
    }

    #[test]
    fn consistency_accepts_heuer_letters_in_any_case() {
        for c in Consistency::ALL {
            assert_eq!(c.letters().parse::<Consistency>().unwrap(), c);
            assert_eq!(
                c.letters().to_lowercase().parse::<Consistency>().unwrap(),
                c
            );
        }
        assert_eq!("ii".parse::<Consistency>().unwrap().symbol(), "--");
        let e = "X".parse::<Consistency>().unwrap_err().to_string();
        assert!(e.contains("CC, C, N, I, II"), "{e}");
    }

    #[test]
    fn expectation_json_names_where_and_round_trips() {
        let x = Record::Expectation(Expectation {
            meta: meta("X4"),
            hypothesis: "H2".parse().unwrap(),
            text: "Cash deposits at the yard".into(),
            status: ExpectationStatus::Absent,
            place: Some("PNC and ANPR".into()),
            checked: Some(NaiveDate::from_ymd_opt(2024, 6, 1).unwrap()),
            note: None,
        });
        let v = x.to_json();
        assert_eq!(v["where"], "PNC and ANPR");
        assert_eq!(v["checked"], "2024-06-01");
        assert_eq!(v["status"], "absent");
        assert_eq!(
            Record::from_bytes(Kind::Expectation, &x.to_bytes()).unwrap(),
            x
        );
        assert_eq!(x.title(), "Cash deposits at the yard");
    }

    #[test]
    fn stored_records_decode_whatever_their_field_order_and_name_what_is_missing() {
        let json = r#"{"label":"calls","to":"E2","extra":[1,2],"from":"N1","tags":["x"],
            "by":"ana","updated":"2024-03-04T10:00:00Z","created":"2024-03-04T10:00:00Z",
            "id":"L9"}"#;
        let Record::Link(l) = Record::from_bytes(Kind::Link, json.as_bytes()).unwrap() else {
            panic!("not a link");
        };
        assert_eq!(l.meta.id, "L9".parse().unwrap());
        assert_eq!(l.meta.tags, ["x"]);
        assert_eq!(
            (l.from.to_string(), l.to.to_string()),
            ("N1".into(), "E2".into())
        );
        assert_eq!((l.confidence, l.source, l.auto), (None, None, false));
        let again = Record::from_bytes(Kind::Link, &Record::Link(l.clone()).to_bytes()).unwrap();
        assert_eq!(again, Record::Link(l));
        let no_by = json.replace(r#""by":"ana","#, "");
        let e = Record::from_bytes(Kind::Link, no_by.as_bytes()).unwrap_err();
        assert!(e.to_string().contains("missing field `by`"), "{e}");
        let bad_id = json.replace(r#""id":"L9""#, r#""id":"L""#);
        assert!(Record::from_bytes(Kind::Link, bad_id.as_bytes()).is_err());
        // what is no record at all is named as the record it should have been
        let e = Record::from_bytes(Kind::Link, br#""L9""#).unwrap_err();
        assert!(e.to_string().contains("expected struct Link"), "{e}");
    }
}
