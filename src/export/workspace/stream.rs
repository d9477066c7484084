//! Reading a workspace export as a stream: each record and journal entry is handed to a
//! sink as soon as it is parsed, so memory does not grow with the file. The in-memory
//! reader ([`super::parse_workspace`]) and the streaming import both read through here,
//! so the file is read by one set of rules.

use super::strict::{Checked, CheckedEntry};
use super::{positioned, WORKSPACE_SCHEMA, WORKSPACE_SCHEMA_V1};
use crate::store::{self, StoreError};
use serde::de::{DeserializeSeed, Deserializer, Error as _, MapAccess, SeqAccess, Visitor};
use std::cell::RefCell;
use std::fmt;

pub use crate::store::import::{Header, Item};

struct Reader<'s, F> {
    /// Where the items go; an error it returns ends the reading and is returned as it is.
    sink: &'s RefCell<F>,
    /// The sink's own error, kept so it is returned unchanged (without a position).
    failed: &'s RefCell<Option<StoreError>>,
}

impl<F: FnMut(Item) -> store::Result<()>> Reader<'_, F> {
    fn give<E: serde::de::Error>(&self, item: Item) -> Result<(), E> {
        let r = (self.sink.borrow_mut())(item);
        r.map_err(|e| {
            *self.failed.borrow_mut() = Some(e);
            E::custom("stopped by the sink")
        })
    }
}

/// Reads the export from `reader`, giving every record and journal entry to `sink` in
/// file order. Syntax, types, unknown or repeated fields, a record under the wrong
/// kind and an unknown schema are refused with the position of the first error; a
/// schema that is not a workspace export is refused as soon as it is read.
pub fn read_workspace<R: std::io::Read>(
    reader: R,
    sink: impl FnMut(Item) -> store::Result<()>,
) -> store::Result<Header> {
    let sink = RefCell::new(sink);
    let failed = RefCell::new(None);
    let mut de = serde_json::Deserializer::from_reader(reader);
    let read = Reader {
        sink: &sink,
        failed: &failed,
    };
    let result = read.deserialize(&mut de).and_then(|h| de.end().map(|_| h));
    if let Some(e) = failed.borrow_mut().take() {
        return Err(e);
    }
    result.map_err(|e| positioned(&e))?
}

/// The schema line a non-workspace file gets.
fn schema_error(schema: &str) -> String {
    if schema == super::super::BACKLOG_SCHEMA {
        format!(
            "this is a backlog export ({}); import reads a workspace export \
             (`weft export workspace`, schema {WORKSPACE_SCHEMA})",
            super::super::BACKLOG_SCHEMA
        )
    } else {
        format!("unknown schema {schema:?}: this weft reads {WORKSPACE_SCHEMA} and {WORKSPACE_SCHEMA_V1}")
    }
}

/// The fields a workspace export may have.
const FIELDS: [&str; 13] = [
    "schema",
    "next",
    "seq",
    "name",
    "questions",
    "hypotheses",
    "entities",
    "notes",
    "links",
    "assessments",
    "expectations",
    "dismissals",
    "journal",
];

impl<'de, F: FnMut(Item) -> store::Result<()>> DeserializeSeed<'de> for Reader<'_, F> {
    /// The header, or a whole-file error found after the syntax was read (a missing
    /// field, a schema mismatch), which has no position.
    type Value = store::Result<Header>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de, F: FnMut(Item) -> store::Result<()>> Visitor<'de> for Reader<'_, F> {
    type Value = store::Result<Header>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "a JSON object (a weft workspace export)")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Self::Value, A::Error> {
        let mut header = Header::default();
        let mut schema: Option<String> = None;
        let mut seen: Vec<String> = Vec::new();
        while let Some(k) = a.next_key::<String>()? {
            if seen.contains(&k) {
                return Err(A::Error::custom(format!("duplicate field `{k}`")));
            }
            match k.as_str() {
                "schema" => {
                    let s = a.next_value::<String>()?;
                    if s != WORKSPACE_SCHEMA && s != WORKSPACE_SCHEMA_V1 {
                        // refused at once, before the rest of the file is read
                        *self.failed.borrow_mut() = Some(StoreError::invalid(schema_error(&s)));
                        return Err(A::Error::custom("not a workspace export"));
                    }
                    schema = Some(s);
                }
                "next" => header.next = a.next_value()?,
                "seq" => header.seq = a.next_value()?,
                "name" => header.name = a.next_value()?,
                "questions" => a.next_value_seed(Section::<F, 'Q'>(&self))?,
                "hypotheses" => a.next_value_seed(Section::<F, 'H'>(&self))?,
                "entities" => a.next_value_seed(Section::<F, 'E'>(&self))?,
                "notes" => a.next_value_seed(Section::<F, 'N'>(&self))?,
                "links" => a.next_value_seed(Section::<F, 'L'>(&self))?,
                "assessments" => a.next_value_seed(Section::<F, 'A'>(&self))?,
                "expectations" => a.next_value_seed(Section::<F, 'X'>(&self))?,
                "dismissals" => a.next_value_seed(Section::<F, 'D'>(&self))?,
                "journal" => a.next_value_seed(Journal(&self))?,
                other => return Err(A::Error::unknown_field(other, &FIELDS)),
            }
            seen.push(k);
        }
        let Some(schema) = schema else {
            return Ok(Err(StoreError::invalid(format!(
                "no \"schema\" field: not a weft workspace export (expected \"schema\": \"{WORKSPACE_SCHEMA}\")"
            ))));
        };
        for required in [
            "next",
            "seq",
            "questions",
            "hypotheses",
            "entities",
            "notes",
            "links",
            "assessments",
            "journal",
        ] {
            if !seen.iter().any(|s| s == required) {
                return Err(A::Error::missing_field(required));
            }
        }
        let has_expectations = seen.iter().any(|s| s == "expectations");
        if schema == WORKSPACE_SCHEMA && !has_expectations {
            return Ok(Err(StoreError::invalid(format!(
                "no \"expectations\" array: a {WORKSPACE_SCHEMA} export lists them (even empty)"
            ))));
        }
        if schema == WORKSPACE_SCHEMA_V1 && has_expectations {
            return Ok(Err(StoreError::invalid(format!(
                "an \"expectations\" array in a {WORKSPACE_SCHEMA_V1} export: that schema has \
                 none (expected \"schema\": \"{WORKSPACE_SCHEMA}\")"
            ))));
        }
        Ok(Ok(header))
    }
}

/// One record section, read element by element.
struct Section<'r, 's, F, const L: char>(&'r Reader<'s, F>);

impl<'de, F: FnMut(Item) -> store::Result<()>, const L: char> DeserializeSeed<'de>
    for Section<'_, '_, F, L>
{
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de, F: FnMut(Item) -> store::Result<()>, const L: char> Visitor<'de>
    for Section<'_, '_, F, L>
{
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "an array of records")
    }
    fn visit_seq<S: SeqAccess<'de>>(self, mut s: S) -> Result<(), S::Error> {
        while let Some(Checked(rec)) = s.next_element::<Checked<L>>()? {
            self.0.give(Item::Record(rec))?;
        }
        Ok(())
    }
}

/// The journal section, read entry by entry.
struct Journal<'r, 's, F>(&'r Reader<'s, F>);

impl<'de, F: FnMut(Item) -> store::Result<()>> DeserializeSeed<'de> for Journal<'_, '_, F> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de, F: FnMut(Item) -> store::Result<()>> Visitor<'de> for Journal<'_, '_, F> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "an array of journal entries")
    }
    fn visit_seq<S: SeqAccess<'de>>(self, mut s: S) -> Result<(), S::Error> {
        while let Some(CheckedEntry(e)) = s.next_element::<CheckedEntry>()? {
            self.0.give(Item::Entry(e))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = r#"{"schema": "weft.workspace/2", "next": {"Q": 3}, "seq": 0,
        "questions": [
          {"id":"Q1","created":"2024-01-01T00:00:00Z","updated":"2024-01-01T00:00:00Z","by":"a","tags":[],"title":"one","detail":"","status":"open","priority":2,"kind":"situation","parent":null,"review_by":null,"answer":null},
          {"id":"Q2","created":"2024-01-01T00:00:00Z","updated":"2024-01-01T00:00:00Z","by":"a","tags":[],"title":"two","detail":"","status":"open","priority":2,"kind":"situation","parent":null,"review_by":null,"answer":null}
        ],
        "hypotheses": [], "entities": [], "notes": [], "links": [], "assessments": [],
        "expectations": [], "journal": []}"#;

    fn ids(r: &Item) -> String {
        match r {
            Item::Record(r) => r.id().to_string(),
            Item::Entry(e) => format!("#{}", e.seq),
        }
    }

    #[test]
    fn items_reach_the_sink_one_by_one_in_file_order() {
        let mut seen = Vec::new();
        let header = read_workspace(FILE.as_bytes(), |item| {
            seen.push(ids(&item));
            Ok(())
        })
        .unwrap();
        assert_eq!(seen, ["Q1", "Q2"]);
        assert_eq!(header.next.get(&'Q'), Some(&3));
    }

    #[test]
    fn the_sinks_error_stops_the_reading_and_comes_back_unchanged() {
        let mut seen = 0;
        let e = read_workspace(FILE.as_bytes(), |_| {
            seen += 1;
            Err(StoreError::invalid("Q1: refused by the sink"))
        })
        .unwrap_err();
        assert_eq!(e.to_string(), "Q1: refused by the sink");
        assert_eq!(seen, 1, "nothing is read past the refusal");
    }

    #[test]
    fn a_field_given_twice_and_an_unknown_field_are_refused_with_their_place() {
        let twice = FILE.replace("\"seq\": 0,", "\"seq\": 0, \"seq\": 0,");
        let e = read_workspace(twice.as_bytes(), |_| Ok(())).unwrap_err();
        assert!(e.to_string().contains("duplicate field `seq`"), "{e}");
        assert!(e.to_string().starts_with("line 1 column"), "{e}");
        let unknown = FILE.replace("\"seq\": 0,", "\"seq\": 0, \"colour\": 1,");
        let e = read_workspace(unknown.as_bytes(), |_| Ok(())).unwrap_err();
        assert!(e.to_string().contains("unknown field `colour`"), "{e}");
    }

    #[test]
    fn a_file_that_is_not_a_workspace_export_is_refused_before_its_records() {
        let backlog = FILE.replace("weft.workspace/2", "weft.backlog/1");
        let mut seen = 0;
        let e = read_workspace(backlog.as_bytes(), |_| {
            seen += 1;
            Ok(())
        })
        .unwrap_err();
        assert!(e.to_string().contains("this is a backlog export"), "{e}");
        assert_eq!(seen, 0);
    }
}
