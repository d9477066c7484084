//! One row of an extract under a bound mapping: the entities it names (by normalised
//! identity), the links between them, its note, and its content fingerprint.

use super::template::Piece;
use super::{clean_line, ident, Col, Direction, Given, Mapping, TimeSpec};
use crate::model::{text, EntityKind, Grade, When, Yardstick};

/// A mapping bound to a file's header: ready to read rows.
#[derive(Debug, Clone)]
pub struct Bound {
    pub mapping: Mapping,
    /// The columns the mapping reads, by header name: what a row's fingerprint covers.
    pub(super) used: Vec<usize>,
    pub(super) width: usize,
}

/// One entity a row names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowEntity {
    pub kind: EntityKind,
    /// The normalised identity ([`ident::normalise`]).
    pub key: String,
    /// The identifying cell as written (one line, sanitised).
    pub name: String,
    pub aliases: Vec<String>,
    pub attributes: Vec<(String, String)>,
}

/// One link a row makes, between two of its entities (positions in `Row::entities`),
/// already turned the way the row's direction says.
#[derive(Debug, Clone, PartialEq)]
pub struct RowLink {
    pub from: usize,
    pub to: usize,
    pub label: String,
    pub when: Option<When>,
    pub confidence: Option<Yardstick>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RowNote {
    pub text: String,
    pub source: String,
    pub grade: Option<Grade>,
    pub when: Option<When>,
}

/// What one row becomes.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// One per [`Mapping::entities`]; `None` where the identifying cell is blank.
    pub entities: Vec<Option<RowEntity>>,
    pub links: Vec<RowLink>,
    pub note: Option<RowNote>,
    /// The row's content fingerprint: the columns the mapping reads, by name.
    pub fingerprint: [u8; 16],
}

impl Row {
    /// Whether the row makes a record of its own (a link or a note), so that its
    /// fingerprint is kept on them; a row of entities only adds nothing twice anyway.
    pub fn makes_records(&self) -> bool {
        !self.links.is_empty() || self.note.is_some()
    }
}

/// The tag that keeps a row's fingerprint on each record it made.
pub fn row_tag(fingerprint: &[u8; 16]) -> String {
    let mut s = String::with_capacity(4 + 32);
    s.push_str("row:");
    for b in &fingerprint[..8] {
        s.push_str(&format!("{b:02x}"));
    }
    s
}

/// What is wrong with one cell: its column (header name) and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellError {
    pub column: String,
    pub message: String,
}

impl Bound {
    /// Evaluates one row (its cells, as many as the header has).
    pub fn row(&self, cells: &[&str]) -> Result<Row, CellError> {
        if cells.len() != self.width {
            return Err(CellError {
                column: String::new(),
                message: format!(
                    "the row has {} fields where the header has {}",
                    cells.len(),
                    self.width
                ),
            });
        }
        let cell = |c: &Col| cells[c.at].trim();
        let bad = |c: &Col, message: String| CellError {
            column: c.name.clone(),
            message,
        };
        let m = &self.mapping;
        let mut entities = Vec::with_capacity(m.entities.len());
        for e in &m.entities {
            let raw = cell(&e.column);
            if raw.is_empty() {
                entities.push(None);
                continue;
            }
            let key = ident::normalise(e.kind, raw);
            if key.is_empty() {
                return Err(bad(
                    &e.column,
                    format!(
                        "{:?} identifies no {}: it holds {}",
                        text::sanitize(raw),
                        e.kind,
                        ident::what_identifies(e.kind)
                    ),
                ));
            }
            let aliases = e
                .aliases
                .iter()
                .map(|c| clean_line(cell(c)))
                .filter(|a| !a.is_empty())
                .collect();
            let attributes = e
                .attributes
                .iter()
                .map(|(k, c)| (k.clone(), clean_line(cell(c))))
                .filter(|(_, v)| !v.is_empty())
                .collect();
            entities.push(Some(RowEntity {
                kind: e.kind,
                key,
                name: clean_line(raw),
                aliases,
                attributes,
            }));
        }
        let time = |t: &Option<TimeSpec>| -> Result<Option<When>, CellError> {
            match t {
                None => Ok(None),
                Some(TimeSpec::Fixed(w)) => Ok(Some(*w)),
                Some(TimeSpec::Column { col, end, format }) => {
                    let start = cell(col);
                    if start.is_empty() {
                        return Ok(None);
                    }
                    let s = parse_time(start, format.as_deref()).map_err(|e| bad(col, e))?;
                    let Some(end) = end.as_ref().filter(|e| !cell(e).is_empty()) else {
                        return Ok(Some(s));
                    };
                    let e = parse_time(cell(end), format.as_deref()).map_err(|e| bad(end, e))?;
                    When::range(s.start, e.start).map(Some).ok_or_else(|| {
                        bad(end, format!("the span ends ({e}) before it starts ({s})"))
                    })
                }
            }
        };
        fn value<T: Clone>(
            g: &Option<Given<T>>,
            cell: &dyn Fn(&Col) -> String,
            parse: impl Fn(&str) -> Result<T, String>,
        ) -> Result<Option<T>, CellError> {
            match g {
                None => Ok(None),
                Some(Given::Fixed(v)) => Ok(Some(v.clone())),
                Some(Given::Column { col, default }) => {
                    let c = cell(col);
                    if c.is_empty() {
                        return Ok(default.clone());
                    }
                    parse(&c).map(Some).map_err(|message| CellError {
                        column: col.name.clone(),
                        message,
                    })
                }
            }
        }
        let owned = |c: &Col| cells[c.at].trim().to_string();
        let mut links = Vec::new();
        for l in &m.links {
            let reverse = match &l.direction {
                Direction::Fixed { reverse } => *reverse,
                Direction::Column {
                    col,
                    forward,
                    reverse,
                } => {
                    let c = cell(col);
                    if reverse.iter().any(|r| r.eq_ignore_ascii_case(c)) {
                        true
                    } else if forward.iter().any(|f| f.eq_ignore_ascii_case(c)) {
                        false
                    } else {
                        let mut known = forward.clone();
                        known.extend(reverse.iter().cloned());
                        return Err(bad(
                            col,
                            format!(
                                "{:?} is not a direction the mapping lists ({})",
                                text::sanitize(c),
                                known.join(", ")
                            ),
                        ));
                    }
                }
            };
            let when = time(&l.when)?;
            let confidence = value(&l.confidence, &owned, |s| {
                s.parse::<Yardstick>().map_err(|e| e.to_string())
            })?;
            if entities[l.from].is_none() || entities[l.to].is_none() {
                continue;
            }
            let (from, to) = if reverse {
                (l.to, l.from)
            } else {
                (l.from, l.to)
            };
            links.push(RowLink {
                from,
                to,
                label: l.label.clone(),
                when,
                confidence,
            });
        }
        let note = match &m.note {
            None => None,
            Some(n) => {
                let mut text_out = String::new();
                let mut cols = n.text_cols.iter();
                for p in &n.text {
                    match p {
                        Piece::Text(t) => text_out.push_str(t),
                        Piece::Column(_) => {
                            if let Some(c) = cols.next() {
                                text_out.push_str(cell(c));
                            }
                        }
                    }
                }
                let text_out = drop_empty_mentions(&text_out);
                let text_out = text::sanitize_with(text_out.trim(), true).into_owned();
                if text_out.is_empty() {
                    return Err(CellError {
                        column: n
                            .text_cols
                            .first()
                            .map(|c| c.name.clone())
                            .unwrap_or_default(),
                        message: "the note's text comes out empty".into(),
                    });
                }
                Some(RowNote {
                    text: text_out,
                    source: value(&n.source, &owned, |s| Ok(clean_line(s)))?.unwrap_or_default(),
                    grade: value(&n.grade, &owned, |s| {
                        s.parse::<Grade>().map_err(|e| e.to_string())
                    })?,
                    when: time(&n.when)?,
                })
            }
        };
        Ok(Row {
            entities,
            links,
            note,
            fingerprint: self.fingerprint(cells),
        })
    }

    /// The fingerprint of a row's content as the mapping reads it: each used column's
    /// header position order is the header's names sorted, so reordered columns give the
    /// same fingerprint.
    fn fingerprint(&self, cells: &[&str]) -> [u8; 16] {
        let mut h = blake3::Hasher::new();
        for &i in &self.used {
            h.update(cells[i].trim().as_bytes());
            h.update(&[0]);
        }
        let mut out = [0u8; 16];
        out.copy_from_slice(&h.finalize().as_bytes()[..16]);
        out
    }
}

/// A time in a cell: as weft writes time (`2024-03-04 14:30`, `~2024-03`, a range), an
/// ISO timestamp with seconds and perhaps an offset (`2024-03-04T14:30:05Z`, taken to
/// UTC), or in the mapping's chrono `format`. Kept to the minute, weft's finest.
pub fn parse_time(cell: &str, format: Option<&str>) -> Result<When, String> {
    use chrono::{DateTime, NaiveDate, NaiveDateTime};
    let minute = |t: NaiveDateTime| -> Result<When, String> {
        t.format("%Y-%m-%d %H:%M")
            .to_string()
            .parse::<When>()
            .map_err(|e| e.to_string())
    };
    let shown = text::sanitize(cell);
    if let Some(f) = format {
        if let Ok(t) = NaiveDateTime::parse_from_str(cell, f) {
            return minute(t);
        }
        if let Ok(d) = NaiveDate::parse_from_str(cell, f) {
            return d
                .format("%Y-%m-%d")
                .to_string()
                .parse::<When>()
                .map_err(|e| e.to_string());
        }
        return Err(format!("{shown:?} is not a time in the format {f:?}"));
    }
    if let Ok(w) = cell.parse::<When>() {
        return Ok(w);
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(cell) {
        return minute(t.naive_utc());
    }
    for f in ["%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S%.f"] {
        if let Ok(t) = NaiveDateTime::parse_from_str(cell, f) {
            return minute(t);
        }
    }
    Err(format!(
        "{shown:?} is not a time (2024-03-04 14:30, 2024-03-04T14:30:05Z, or give the mapping a format)"
    ))
}

/// A note's text with every mention left empty by a blank cell (`[[]]`, `[[ ]]`) taken
/// out: a template that mentions `[[{other_party}]]` must not leave markup behind
/// when a row has no other party.
pub(super) fn drop_empty_mentions(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("[[") {
        let after = &rest[at + 2..];
        match after.find("]]") {
            Some(end) if after[..end].trim().is_empty() => {
                out.push_str(&rest[..at]);
                rest = &after[end + 2..];
            }
            _ => {
                out.push_str(&rest[..at + 2]);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}
