//! Reading the records and journal entries of a workspace export strictly: every key
//! once, no unknown field, each record under its own kind, and an error that names the
//! record, the field and its value.

use super::SECTIONS;
use crate::model::{
    Answer, Assessment, Consistency, Dismissal, Entity, EntityKind, Expectation, ExpectationStatus,
    Grade, Hypothesis, HypothesisStatus, Id, Kind, Link, Meta, Note, Question, Record, Sees,
    Status, When, Yardstick,
};
use crate::store::JournalEntry;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::Deserialize;
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::fmt;
use std::sync::OnceLock;

/// Reads one JSON object with every key once (a key given twice is an error, not a
/// silent overwrite) and hands it to `finish` while the parser is still at the object,
/// so that an error `finish` reports carries the object's own line.
fn strict_object<'de, D, T>(
    d: D,
    finish: impl FnOnce(Map<String, Value>) -> Result<T, String>,
) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
{
    struct V<F>(F);
    impl<'de, T, F: FnOnce(Map<String, Value>) -> Result<T, String>> Visitor<'de> for V<F> {
        type Value = T;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            write!(f, "a JSON object")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<T, A::Error> {
            let mut m = Map::new();
            while let Some(k) = a.next_key::<String>()? {
                if m.contains_key(&k) {
                    return Err(de::Error::custom(format!("field {k:?} is given twice")));
                }
                let v: Value = a.next_value()?;
                m.insert(k, v);
            }
            (self.0)(m).map_err(de::Error::custom)
        }
    }
    d.deserialize_map(V(finish))
}

/// The id an object claims, for error messages: `Q3: `.
fn claimed(m: &Map<String, Value>) -> String {
    match m.get("id").and_then(Value::as_str) {
        Some(id) => format!("{id}: "),
        None => String::new(),
    }
}

fn unknown_field(m: &Map<String, Value>, known: &Map<String, Value>, what: &str) -> Option<String> {
    m.keys()
        .find(|k| !known.contains_key(*k))
        .map(|k| format!("{}unknown field {k:?} in {what}", claimed(m)))
}

/// Decodes `m` with `decode`; on failure, names the first field (in document order)
/// that fails on its own when put into a known-good sample, so that a message such as
/// chrono's "input is out of range" says which field it is about.
fn decode_strict<T>(
    m: Map<String, Value>,
    sample: &Map<String, Value>,
    decode: impl Fn(&Value) -> Result<T, serde_json::Error>,
) -> Result<T, String> {
    let whole = Value::Object(m);
    let e = match decode(&whole) {
        Ok(t) => return Ok(t),
        Err(e) => e,
    };
    if let Value::Object(m) = &whole {
        for (k, v) in m {
            let mut probe = sample.clone();
            probe.insert(k.clone(), v.clone());
            if let Err(field_err) = decode(&Value::Object(probe)) {
                let shown = match v {
                    Value::String(t) if t.chars().count() <= 40 => format!(" ({t:?})"),
                    Value::Number(n) => format!(" ({n})"),
                    _ => String::new(),
                };
                let msg = field_err.to_string();
                let shown = if msg.contains(shown.trim_matches([' ', '(', ')'])) {
                    ""
                } else {
                    &shown
                };
                return Err(format!("field {k:?}{shown}: {msg}"));
            }
        }
    }
    Err(e.to_string())
}

/// A record of the kind whose letter is `L`, read strictly.
pub(super) struct Checked<const L: char>(pub Record);

impl<'de, const L: char> Deserialize<'de> for Checked<L> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        strict_object(d, |m| {
            let kind = Kind::from_letter(L).ok_or("unknown kind")?;
            let claims = m.get("id").and_then(Value::as_str);
            if let Some(id) = claims.and_then(|s| s.parse::<Id>().ok()) {
                if id.kind != kind {
                    return Err(format!(
                        "{id} is listed under \"{}\" but is {} {}",
                        kind.plural(),
                        article(id.kind),
                        id.kind.noun()
                    ));
                }
            }
            let sample = &samples()[kind_index(kind)];
            let what = format!("{} {}", article(kind), kind.noun());
            if let Some(msg) = unknown_field(&m, sample, &what) {
                return Err(msg);
            }
            let prefix = claimed(&m);
            decode_strict(m, sample, |v| Record::from_json_ref(kind, v))
                .map(Checked)
                .map_err(|e| format!("{prefix}{e}"))
        })
    }
}

/// A journal entry, read strictly.
pub(super) struct CheckedEntry(pub JournalEntry);

impl<'de> Deserialize<'de> for CheckedEntry {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        strict_object(d, |m| {
            let at = match m.get("seq").and_then(Value::as_u64) {
                Some(s) => format!("journal entry {s}: "),
                None => String::new(),
            };
            let sample = &samples()[SECTIONS.len()];
            if let Some(msg) = unknown_field(&m, sample, "a journal entry") {
                return Err(format!("{at}{msg}"));
            }
            decode_strict(m, sample, |v| JournalEntry::deserialize(v))
                .map(CheckedEntry)
                .map_err(|e| format!("{at}{e}"))
        })
    }
}

fn article(kind: Kind) -> &'static str {
    match kind {
        Kind::Hypothesis | Kind::Question | Kind::Note | Kind::Link | Kind::Dismissal => "a",
        Kind::Entity | Kind::Assessment | Kind::Expectation => "an",
    }
}

fn kind_index(kind: Kind) -> usize {
    SECTIONS.iter().position(|k| *k == kind).unwrap_or(0)
}

/// A valid sample of each record kind (in `SECTIONS` order), then of a journal entry,
/// with every optional field set, as JSON objects. Its keys are the fields each can
/// have: derived from the model, so a field added there is accepted here without a
/// second list to keep in step.
fn samples() -> &'static [Map<String, Value>; 9] {
    static SAMPLES: OnceLock<[Map<String, Value>; 9]> = OnceLock::new();
    SAMPLES.get_or_init(|| {
        let object = |v: Value| -> Map<String, Value> {
            match v {
                Value::Object(m) => m,
                _ => Map::new(),
            }
        };
        let records = sample_records();
        let mut out: [Map<String, Value>; 9] = Default::default();
        for (slot, rec) in out.iter_mut().zip(&records) {
            *slot = object(rec.to_json());
        }
        let entry = JournalEntry {
            seq: 0,
            group: 0,
            time: chrono::DateTime::UNIX_EPOCH,
            user: String::new(),
            op: String::new(),
            id: Id::new(Kind::Note, 1),
            before: Some(Value::Null),
            after: Some(Value::Null),
            undoes: Some(0),
            from: None,
        };
        out[SECTIONS.len()] = object(serde_json::to_value(entry).unwrap_or(Value::Null));
        out
    })
}

/// One record of each kind, in `SECTIONS` order, with every optional field set.
pub(crate) fn sample_records() -> [Record; 8] {
    let meta = |kind: Kind| {
        let mut m = Meta::new(Id::new(kind, 1), chrono::DateTime::UNIX_EPOCH, "");
        m.tags = vec!["t".into()];
        m
    };
    let q = Id::new(Kind::Question, 1);
    let when: Option<When> = "2024".parse().ok();
    let y = Some(Yardstick::Likely);
    [
        Record::Question(Question {
            meta: meta(Kind::Question),
            title: String::new(),
            detail: String::new(),
            status: Status::Open,
            priority: 1,
            kind: Sees::Situation,
            parent: Some(q),
            review_by: Some(chrono::NaiveDate::MIN),
            answer: Some(Answer {
                text: String::new(),
                confidence: y,
            }),
        }),
        Record::Hypothesis(Hypothesis {
            meta: meta(Kind::Hypothesis),
            statement: String::new(),
            question: q,
            likelihood: y,
            status: HypothesisStatus::Live,
        }),
        Record::Entity(Entity {
            meta: meta(Kind::Entity),
            name: String::new(),
            kind: EntityKind::Other,
            aliases: vec![String::new()],
            attributes: BTreeMap::from([(String::new(), String::new())]),
        }),
        Record::Note(Note {
            meta: meta(Kind::Note),
            text: String::new(),
            source: String::new(),
            grade: "A1P".parse::<Grade>().ok(),
            when,
        }),
        Record::Link(Link {
            meta: meta(Kind::Link),
            from: q,
            to: q,
            label: String::new(),
            confidence: y,
            source: Some(Id::new(Kind::Note, 1)),
            when,
            auto: true,
        }),
        Record::Assessment(Assessment {
            meta: meta(Kind::Assessment),
            hypothesis: Id::new(Kind::Hypothesis, 1),
            note: Id::new(Kind::Note, 1),
            consistency: Consistency::Neutral,
        }),
        Record::Expectation(Expectation {
            meta: meta(Kind::Expectation),
            hypothesis: Id::new(Kind::Hypothesis, 1),
            text: String::new(),
            status: ExpectationStatus::Found,
            place: Some(String::new()),
            checked: Some(chrono::NaiveDate::MIN),
            note: Some(Id::new(Kind::Note, 1)),
        }),
        Record::Dismissal(Dismissal {
            meta: meta(Kind::Dismissal),
            key: String::new(),
            rule: String::new(),
            fingerprint: String::new(),
            question: Some(q),
            reason: Some(String::new()),
        }),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_fields_come_from_the_model() {
        let k = samples();
        assert!(k[kind_index(Kind::Link)].contains_key("auto"));
        assert!(k[kind_index(Kind::Question)].contains_key("review_by"));
        assert!(k[kind_index(Kind::Note)].contains_key("tags"));
        assert!(k[kind_index(Kind::Expectation)].contains_key("where"));
        assert!(k[SECTIONS.len()].contains_key("undoes"));
        assert!(!k[kind_index(Kind::Question)].contains_key("colour"));
    }

    #[test]
    fn samples_are_valid_records() {
        for (i, kind) in SECTIONS.iter().enumerate() {
            let v = Value::Object(samples()[i].clone());
            assert!(Record::from_json(*kind, v).is_ok(), "{kind}");
        }
        let v = Value::Object(samples()[SECTIONS.len()].clone());
        assert!(serde_json::from_value::<JournalEntry>(v).is_ok());
    }
}
