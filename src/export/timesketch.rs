//! The timeline as Timesketch JSON lines (`weft export timeline --format timesketch`,
//! facts in `interop.md` §2): one event per line, each with Timesketch's three required
//! fields, `message`, `datetime` (ISO 8601 with an offset, never a bare timestamp) and
//! `timestamp_desc`, and weft's own fields, every one named `weft_…` (Timesketch drops a
//! key that starts with `_`), plus Timesketch's `tag` list.
//!
//! - A dated note gives an `Occurred` event at the start of its period; every note gives
//!   a `Recorded in weft` event when it was entered. A dated link gives an `Occurred`
//!   event.
//! - A time weft does not know to the minute, an approximate one or a range is
//!   `weft_date_uncertain: true`, with `weft_when` as weft writes it, its precision, and
//!   `weft_date_end` the last second it covers.
//! - Each event names the entities involved (`weft_entities`, `weft_entity_names`): those
//!   linked to the note (its mentions included), or a link's ends.
//! - Grades travel with the event (`weft_grade`, `weft_handling`; a link carries its
//!   source note's); text has its control characters made visible.
//! - Events are written in time order (then by id), so the file reads as a timeline.

use crate::model::text::{sanitize, sanitize_with};
use crate::model::when::Precision;
use crate::model::{Grade, Id, Kind, Record, When};
use crate::store::{self, Store, StoreError, TimeAxis};
use chrono::NaiveDateTime;
use serde::Serialize;
use std::collections::HashMap;
use std::io::{self, Write};

/// `timestamp_desc` of the time an event happened.
pub const OCCURRED: &str = "Occurred";
/// `timestamp_desc` of the time a note was entered in weft.
pub const RECORDED: &str = "Recorded in weft";

#[derive(Serialize)]
struct Line {
    message: String,
    datetime: String,
    timestamp_desc: &'static str,
    weft_id: String,
    weft_kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    weft_when: Option<String>,
    weft_date_uncertain: bool,
    weft_date_precision: &'static str,
    weft_date_approximate: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    weft_date_end: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    weft_grade: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    weft_handling: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    weft_source: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    weft_source_note: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    weft_label: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    weft_confidence: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    weft_text: Option<String>,
    weft_entities: Vec<String>,
    weft_entity_names: Vec<String>,
    weft_by: String,
    tag: Vec<String>,
}

/// What the timeline export held.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Written {
    pub events: usize,
    /// Notes graded with handling code C that are in the export, in id order.
    pub conditional: Vec<Id>,
}

/// `2024-03-04T14:30:00+00:00`.
fn iso(t: NaiveDateTime) -> String {
    t.and_utc().format("%Y-%m-%dT%H:%M:%S%:z").to_string()
}

fn precision_word(p: Precision) -> &'static str {
    match p {
        Precision::Year => "year",
        Precision::Month => "month",
        Precision::Day => "day",
        Precision::Minute => "minute",
    }
}

/// Whether an occurred time is less than an exact minute.
fn uncertain(w: &When) -> bool {
    w.end.is_some() || w.start.approx || w.start.precision != Precision::Minute
}

/// Reads names once each.
struct Names<'s> {
    store: &'s Store,
    known: HashMap<Id, Option<String>>,
}

impl Names<'_> {
    /// The name of an entity, or the title of any other record (`None` when gone).
    fn of(&mut self, id: Id) -> store::Result<Option<String>> {
        if let Some(n) = self.known.get(&id) {
            return Ok(n.clone());
        }
        let name = match self.store.get(id)? {
            Some(Record::Entity(e)) => Some(sanitize(&e.name).into_owned()),
            Some(r) => Some(sanitize(&r.title()).into_owned()),
            None => None,
        };
        self.known.insert(id, name.clone());
        Ok(name)
    }
}

fn grade_fields(line: &mut Line, g: Option<Grade>) {
    if let Some(g) = g {
        line.weft_grade = Some(g.to_string());
        line.weft_handling = Some(g.handling.letter().to_string());
    }
}

fn blank_line(id: Id, kind: &'static str, at: NaiveDateTime, desc: &'static str) -> Line {
    Line {
        message: String::new(),
        datetime: iso(at),
        timestamp_desc: desc,
        weft_id: id.to_string(),
        weft_kind: kind,
        weft_when: None,
        weft_date_uncertain: false,
        weft_date_precision: "second",
        weft_date_approximate: false,
        weft_date_end: None,
        weft_grade: None,
        weft_handling: None,
        weft_source: None,
        weft_source_note: None,
        weft_label: None,
        weft_confidence: None,
        weft_text: None,
        weft_entities: Vec::new(),
        weft_entity_names: Vec::new(),
        weft_by: String::new(),
        tag: Vec::new(),
    }
}

fn occurred(line: &mut Line, w: &When) {
    line.datetime = iso(w.start_instant());
    line.weft_when = Some(sanitize(&w.to_string()).into_owned());
    line.weft_date_uncertain = uncertain(w);
    line.weft_date_precision = precision_word(w.start.precision);
    line.weft_date_approximate = w.start.approx || w.end.is_some_and(|e| e.approx);
    if uncertain(w) {
        line.weft_date_end = Some(iso(w.end_instant()));
    }
}

/// Writes every dated note and link (occurred) and every note (recorded) as Timesketch
/// JSON lines, in time order.
pub fn write_timesketch(store: &Store, out: &mut dyn Write) -> io::Result<Written> {
    let fail = |e: StoreError| io::Error::other(e.to_string());
    // (instant, id, occurred?) of every event, sorted; records are read as written
    let mut events: Vec<(NaiveDateTime, Id, bool)> = Vec::new();
    for r in store.timeline(TimeAxis::Occurred, None, None) {
        let (at, id) = r.map_err(fail)?;
        if matches!(id.kind, Kind::Note | Kind::Link) {
            events.push((at, id, true));
        }
    }
    for r in store.timeline(TimeAxis::Recorded, None, None) {
        let (at, id) = r.map_err(fail)?;
        if id.kind == Kind::Note {
            events.push((at, id, false));
        }
    }
    events.sort_unstable_by_key(|a| (a.0, a.1, !a.2));
    let mut names = Names {
        store,
        known: HashMap::new(),
    };
    let mut out = io::BufWriter::with_capacity(1 << 16, out);
    let mut written = Written::default();
    for (_, id, is_occurred) in events {
        let Some(record) = store.get(id).map_err(fail)? else {
            continue;
        };
        let line = match record {
            Record::Note(n) => {
                let desc = if is_occurred { OCCURRED } else { RECORDED };
                let mut line = blank_line(id, "note", n.meta.created.naive_utc(), desc);
                match (&n.when, is_occurred) {
                    (Some(w), true) => occurred(&mut line, w),
                    (None, true) => continue,
                    (w, false) => {
                        line.weft_when = w.map(|w| sanitize(&w.to_string()).into_owned());
                    }
                }
                line.message = sanitize(&crate::model::text::title_line(&n.text)).into_owned();
                line.weft_text = Some(sanitize_with(&n.text, true).into_owned());
                if !n.source.trim().is_empty() {
                    line.weft_source = Some(sanitize(n.source.trim()).into_owned());
                }
                grade_fields(&mut line, n.grade);
                if !is_occurred && n.grade.is_some_and(|g| g.handling.letter() == 'C') {
                    written.conditional.push(id);
                }
                line.tag = n
                    .meta
                    .tags
                    .iter()
                    .map(|t| sanitize(t).into_owned())
                    .collect();
                line.weft_by = sanitize(&n.meta.by).into_owned();
                let mut involved: Vec<Id> = store
                    .adjacent(id)
                    .map_err(fail)?
                    .into_iter()
                    .map(|(_, _, other)| other)
                    .filter(|o| o.kind == Kind::Entity)
                    .collect();
                involved.sort_unstable();
                involved.dedup();
                for e in involved {
                    if let Some(name) = names.of(e).map_err(fail)? {
                        line.weft_entities.push(e.to_string());
                        line.weft_entity_names.push(name);
                    }
                }
                line
            }
            Record::Link(l) => {
                let Some(w) = &l.when else { continue };
                let mut line = blank_line(id, "link", w.start_instant(), OCCURRED);
                occurred(&mut line, w);
                let from = names.of(l.from).map_err(fail)?.unwrap_or_default();
                let to = names.of(l.to).map_err(fail)?.unwrap_or_default();
                line.message = format!("{from} {} {to}", sanitize(&l.label));
                line.weft_label = Some(sanitize(&l.label).into_owned());
                line.weft_confidence = l.confidence.map(|c| c.words());
                if let Some(s) = l.source {
                    line.weft_source_note = Some(s.to_string());
                    if let Some(Record::Note(n)) = store.get(s).map_err(fail)? {
                        grade_fields(&mut line, n.grade);
                    }
                }
                for (end, name) in [(l.from, from), (l.to, to)] {
                    if end.kind == Kind::Entity {
                        line.weft_entities.push(end.to_string());
                        line.weft_entity_names.push(name);
                    }
                }
                line.tag = l
                    .meta
                    .tags
                    .iter()
                    .map(|t| sanitize(t).into_owned())
                    .collect();
                line.weft_by = sanitize(&l.meta.by).into_owned();
                line
            }
            _ => continue,
        };
        // as every JSON weft writes: no character a terminal would act on stays raw
        out.write_all(crate::model::json::to_string(&line)?.as_bytes())?;
        out.write_all(b"\n")?;
        written.events += 1;
    }
    out.flush()?;
    written.conditional.sort_unstable();
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_carry_an_offset_and_uncertainty() {
        let w: When = "~2024-03".parse().unwrap();
        let mut line = blank_line(Id::new(Kind::Note, 1), "note", w.start_instant(), OCCURRED);
        occurred(&mut line, &w);
        assert_eq!(line.datetime, "2024-03-01T00:00:00+00:00");
        assert!(line.weft_date_uncertain && line.weft_date_approximate);
        assert_eq!(line.weft_date_precision, "month");
        assert_eq!(
            line.weft_date_end.as_deref(),
            Some("2024-03-31T23:59:59+00:00")
        );
        let exact: When = "2024-03-04 14:30".parse().unwrap();
        occurred(&mut line, &exact);
        assert!(!line.weft_date_uncertain);
        assert_eq!(line.datetime, "2024-03-04T14:30:00+00:00");
    }

    #[test]
    fn no_key_starts_with_an_underscore() {
        let line = blank_line(
            Id::new(Kind::Note, 1),
            "note",
            NaiveDateTime::default(),
            OCCURRED,
        );
        let v = serde_json::to_value(&line).unwrap();
        for k in v.as_object().unwrap().keys() {
            assert!(!k.starts_with('_'), "{k}");
        }
        for k in ["message", "datetime", "timestamp_desc"] {
            assert!(v.get(k).is_some(), "{k}");
        }
    }
}
