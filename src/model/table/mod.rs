//! Tabular import (`weft import-table`): the mapping file that says what each row of a
//! CSV or TSV extract becomes (entities matched by normalised identity, links between
//! them, a note), parsed and checked here; the evaluation of one row under it is in
//! `row.rs`. Pure: reading the file and writing the records are the command line's and
//! the store's.
//!
//! A mapping is TOML:
//!
//! ```toml
//! tags = ["cdr"]                     # on every record the import creates
//! [[entity]]
//! role = "caller"                    # how links name it (default: its column)
//! kind = "phone"
//! column = "caller"                  # the column that identifies it
//! aliases = ["caller_name"]          # columns whose values become aliases
//! attributes = { imei = "caller_imei" }
//! [[link]]
//! from = "caller"
//! to = "callee"
//! label = "called"
//! direction = { column = "dir", forward = ["MO"], reverse = ["MT"] }   # or "forward"
//! when = { column = "start", end = "end", format = "%d/%m/%Y %H:%M" }  # or "2024-03"
//! confidence = "likely"              # or { column = "conf", default = "likely" }
//! [note]
//! text = "Call {caller} to {callee}, {duration}s"
//! grade = "B2P"                      # or { column = "grade" }
//! source = { column = "provider", default = "CDR return" }
//! when = { column = "start" }
//! ```

pub mod ident;
mod row;
pub mod template;

pub use row::{parse_time, row_tag, Bound, CellError, Row, RowEntity, RowLink, RowNote};

use super::{text, EntityKind, Grade, When, Yardstick};
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};
use std::str::FromStr;
use template::Piece;
use toml::Value;

/// A column of the file, by its header name; `at` is its position once the mapping is
/// bound to a header ([`Mapping::bind`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Col {
    pub name: String,
    pub at: usize,
}

impl Col {
    fn named(name: &str) -> Col {
        Col {
            name: name.trim().to_string(),
            at: usize::MAX,
        }
    }
}

/// A value fixed by the mapping, or read from a column (`default` when the cell is
/// blank).
#[derive(Debug, Clone, PartialEq)]
pub enum Given<T> {
    Fixed(T),
    Column { col: Col, default: Option<T> },
}

/// A time fixed by the mapping, or read from a column (with an end column for a span,
/// and a chrono format for cells not written as weft writes time).
#[derive(Debug, Clone, PartialEq)]
pub enum TimeSpec {
    Fixed(When),
    Column {
        col: Col,
        end: Option<Col>,
        format: Option<String>,
    },
}

/// Which way a link runs: from its `from` entity to its `to` (forward) or back, fixed
/// or read from a column whose values the mapping lists.
#[derive(Debug, Clone, PartialEq)]
pub enum Direction {
    Fixed {
        reverse: bool,
    },
    Column {
        col: Col,
        forward: Vec<String>,
        reverse: Vec<String>,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct EntitySpec {
    pub role: String,
    pub kind: EntityKind,
    pub column: Col,
    pub aliases: Vec<Col>,
    /// Attribute key and the column giving its value.
    pub attributes: Vec<(String, Col)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct LinkSpec {
    /// Positions in [`Mapping::entities`].
    pub from: usize,
    pub to: usize,
    pub label: String,
    pub direction: Direction,
    pub when: Option<TimeSpec>,
    pub confidence: Option<Given<Yardstick>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NoteSpec {
    pub text: Vec<Piece>,
    /// The template's columns, bound in the order they appear.
    pub text_cols: Vec<Col>,
    pub grade: Option<Given<Grade>>,
    pub source: Option<Given<String>>,
    pub when: Option<TimeSpec>,
}

/// A checked mapping file.
#[derive(Debug, Clone, PartialEq)]
pub struct Mapping {
    /// The field separator; `None` lets the file's extension say (tab for `.tsv`).
    pub delimiter: Option<u8>,
    pub tags: Vec<String>,
    pub entities: Vec<EntitySpec>,
    pub links: Vec<LinkSpec>,
    pub note: Option<NoteSpec>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMapping {
    #[serde(default)]
    delimiter: Option<String>,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    entity: Vec<RawEntity>,
    #[serde(default)]
    link: Vec<RawLink>,
    #[serde(default)]
    note: Option<RawNote>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntity {
    #[serde(default)]
    role: Option<String>,
    kind: String,
    column: String,
    #[serde(default)]
    aliases: Vec<String>,
    #[serde(default)]
    attributes: BTreeMap<String, String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLink {
    from: String,
    to: String,
    label: String,
    #[serde(default)]
    direction: Option<Value>,
    #[serde(default)]
    when: Option<Value>,
    #[serde(default)]
    confidence: Option<Value>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawNote {
    text: String,
    #[serde(default)]
    grade: Option<Value>,
    #[serde(default)]
    source: Option<Value>,
    #[serde(default)]
    when: Option<Value>,
}

/// The line (from 1) holding byte `at` of `text`.
fn line_of(text: &str, at: usize) -> usize {
    text.as_bytes()[..at.min(text.len())]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

/// A table of `Value`s with only the keys `allowed`, or the error naming the first other.
fn keys_only<'a>(v: &'a Value, allowed: &[&str], what: &str) -> Result<&'a toml::Table, String> {
    let Value::Table(t) = v else {
        return Err(format!(
            "{what} must be a word or a table {{ column = \"...\" }}"
        ));
    };
    if let Some(k) = t.keys().find(|k| !allowed.contains(&k.as_str())) {
        return Err(format!(
            "{what} has an unknown key {k:?} (it takes {})",
            allowed.join(", ")
        ));
    }
    Ok(t)
}

fn string_of(t: &toml::Table, key: &str, what: &str) -> Result<Option<String>, String> {
    match t.get(key) {
        None => Ok(None),
        Some(Value::String(s)) if !s.trim().is_empty() => Ok(Some(s.clone())),
        Some(_) => Err(format!("{what}: {key} must be a non-empty string")),
    }
}

fn strings_of(t: &toml::Table, key: &str, what: &str) -> Result<Vec<String>, String> {
    match t.get(key) {
        None => Ok(Vec::new()),
        Some(Value::Array(a)) => a
            .iter()
            .map(|v| match v {
                Value::String(s) => Ok(s.trim().to_string()),
                _ => Err(format!("{what}: {key} must be a list of strings")),
            })
            .collect(),
        Some(_) => Err(format!("{what}: {key} must be a list of strings")),
    }
}

fn given<T>(
    v: &Value,
    what: &str,
    parse: impl Fn(&str) -> Result<T, String>,
) -> Result<Given<T>, String> {
    if let Value::String(s) = v {
        return parse(s)
            .map(Given::Fixed)
            .map_err(|e| format!("{what}: {e}"));
    }
    let t = keys_only(v, &["column", "default"], what)?;
    let col = string_of(t, "column", what)?
        .ok_or_else(|| format!("{what}: a table needs column = \"...\""))?;
    let default = string_of(t, "default", what)?
        .map(|d| parse(&d).map_err(|e| format!("{what}: default: {e}")))
        .transpose()?;
    Ok(Given::Column {
        col: Col::named(&col),
        default,
    })
}

fn time_spec(v: &Value, what: &str) -> Result<TimeSpec, String> {
    if let Value::String(s) = v {
        return s
            .parse::<When>()
            .map(TimeSpec::Fixed)
            .map_err(|e| format!("{what}: {e}"));
    }
    let t = keys_only(v, &["column", "end", "format"], what)?;
    let col = string_of(t, "column", what)?
        .ok_or_else(|| format!("{what}: a table needs column = \"...\""))?;
    let format = string_of(t, "format", what)?;
    if let Some(f) = &format {
        check_format(f).map_err(|e| format!("{what}: format {f:?}: {e}"))?;
    }
    Ok(TimeSpec::Column {
        col: Col::named(&col),
        end: string_of(t, "end", what)?.map(|e| Col::named(&e)),
        format,
    })
}

/// Refuses a chrono format that chrono cannot read (its items hold an error).
fn check_format(f: &str) -> Result<(), String> {
    use chrono::format::{Item, StrftimeItems};
    if StrftimeItems::new(f).any(|i| matches!(i, Item::Error)) {
        return Err("is not a chrono format (such as %d/%m/%Y %H:%M)".into());
    }
    if !f.contains("%Y") && !f.contains("%y") && !f.contains("%F") && !f.contains("%D") {
        return Err("names no year (%Y)".into());
    }
    Ok(())
}

fn direction(v: &Value, what: &str) -> Result<Direction, String> {
    let fixed = |s: &str| match s.trim().to_ascii_lowercase().as_str() {
        "forward" => Ok(false),
        "reverse" => Ok(true),
        _ => Err(format!(
            "{what}: {s:?} is not forward or reverse (or a table {{ column, forward, reverse }})"
        )),
    };
    if let Value::String(s) = v {
        return fixed(s).map(|reverse| Direction::Fixed { reverse });
    }
    let t = keys_only(v, &["column", "forward", "reverse"], what)?;
    let col = string_of(t, "column", what)?
        .ok_or_else(|| format!("{what}: a table needs column = \"...\""))?;
    let forward = strings_of(t, "forward", what)?;
    let reverse = strings_of(t, "reverse", what)?;
    if forward.is_empty() && reverse.is_empty() {
        return Err(format!(
            "{what}: list the column's values under forward = [...] and reverse = [...]"
        ));
    }
    if let Some(both) = forward
        .iter()
        .find(|f| reverse.iter().any(|r| r.eq_ignore_ascii_case(f)))
    {
        return Err(format!("{what}: {both:?} is both forward and reverse"));
    }
    Ok(Direction::Column {
        col: Col::named(&col),
        forward,
        reverse,
    })
}

/// A word or label the mapping fixes: one line, no control character.
fn plain_text(s: &str, what: &str) -> Result<String, String> {
    let t = s.trim();
    if t.is_empty() {
        return Err(format!("{what} is empty"));
    }
    if let Some(fault) = text::name_fault(t, true) {
        return Err(format!("{what} {t:?} {fault}"));
    }
    Ok(t.to_string())
}

impl Mapping {
    /// Reads and checks a mapping file's text. The error is one line: where (`line N:`
    /// for what TOML itself refuses) and what is wrong.
    pub fn parse(src: &str) -> Result<Mapping, String> {
        let raw: RawMapping = toml::from_str(src).map_err(|e| {
            let msg = e.message().trim().replace('\n', " ");
            match e.span() {
                Some(span) => format!("line {}: {msg}", line_of(src, span.start)),
                None => msg,
            }
        })?;
        Mapping::from_raw(raw)
    }

    fn from_raw(raw: RawMapping) -> Result<Mapping, String> {
        let delimiter = match raw.delimiter.as_deref() {
            None => None,
            Some("\\t") | Some("\t") | Some("tab") => Some(b'\t'),
            Some(d) if d.len() == 1 && d.is_ascii() && d != "\"" && d != "\n" => {
                Some(d.as_bytes()[0])
            }
            Some(d) => {
                return Err(format!(
                    "delimiter {d:?} is not one ASCII character (or \"tab\")"
                ))
            }
        };
        let mut tags = Vec::new();
        for t in &raw.tags {
            tags.push(super::fields::parse_tag(t).map_err(|e| format!("tags: {e}"))?);
        }
        if raw.entity.is_empty() {
            return Err("it names no [[entity]]: a row must become at least one entity".into());
        }
        let mut entities = Vec::new();
        let mut roles: HashMap<String, usize> = HashMap::new();
        for (i, e) in raw.entity.iter().enumerate() {
            let what = format!("entity {}", i + 1);
            let column = plain_text(&e.column, &format!("{what}: column"))?;
            let role = plain_text(
                e.role.as_deref().unwrap_or(&column),
                &format!("{what}: role"),
            )?;
            let kind = EntityKind::from_str(&e.kind).map_err(|err| format!("{what}: {err}"))?;
            if roles.insert(role.clone(), i).is_some() {
                return Err(format!(
                    "{what}: the role {role:?} is taken by an earlier entity (give each its own role)"
                ));
            }
            let mut attributes = Vec::new();
            for (k, c) in &e.attributes {
                let key = plain_text(k, &format!("{what}: attribute key"))?;
                attributes.push((key, Col::named(c)));
            }
            entities.push(EntitySpec {
                role,
                kind,
                column: Col::named(&column),
                aliases: e.aliases.iter().map(|a| Col::named(a)).collect(),
                attributes,
            });
        }
        let mut links = Vec::new();
        for (i, l) in raw.link.iter().enumerate() {
            let what = format!("link {}", i + 1);
            let end = |r: &str, side: &str| {
                roles.get(r.trim()).copied().ok_or_else(|| {
                    let known: Vec<&str> = entities.iter().map(|e| e.role.as_str()).collect();
                    format!(
                        "{what}: {side} {r:?} is no entity's role (the roles are {})",
                        known.join(", ")
                    )
                })
            };
            let (from, to) = (end(&l.from, "from")?, end(&l.to, "to")?);
            if from == to {
                return Err(format!("{what}: from and to are the same entity"));
            }
            let label = plain_text(&l.label, &format!("{what}: label"))?;
            let what = format!("link {} ({label})", i + 1);
            links.push(LinkSpec {
                from,
                to,
                direction: l
                    .direction
                    .as_ref()
                    .map(|v| direction(v, &format!("{what}: direction")))
                    .transpose()?
                    .unwrap_or(Direction::Fixed { reverse: false }),
                when: l
                    .when
                    .as_ref()
                    .map(|v| time_spec(v, &format!("{what}: when")))
                    .transpose()?,
                confidence: l
                    .confidence
                    .as_ref()
                    .map(|v| {
                        given(v, &format!("{what}: confidence"), |s| {
                            s.parse::<Yardstick>().map_err(|e| e.to_string())
                        })
                    })
                    .transpose()?,
                label,
            });
        }
        let note = match &raw.note {
            None => None,
            Some(n) => {
                let pieces = template::parse(&n.text).map_err(|e| format!("note: text: {e}"))?;
                if pieces.is_empty() {
                    return Err("note: text is empty".into());
                }
                let text_cols = pieces
                    .iter()
                    .filter_map(|p| match p {
                        Piece::Column(c) => Some(Col::named(c)),
                        Piece::Text(_) => None,
                    })
                    .collect();
                Some(NoteSpec {
                    text: pieces,
                    text_cols,
                    grade: n
                        .grade
                        .as_ref()
                        .map(|v| {
                            given(v, "note: grade", |s| {
                                s.parse::<Grade>().map_err(|e| e.to_string())
                            })
                        })
                        .transpose()?,
                    source: n
                        .source
                        .as_ref()
                        .map(|v| given(v, "note: source", |s| Ok(clean_line(s))))
                        .transpose()?,
                    when: n
                        .when
                        .as_ref()
                        .map(|v| time_spec(v, "note: when"))
                        .transpose()?,
                })
            }
        };
        Ok(Mapping {
            delimiter,
            tags,
            entities,
            links,
            note,
        })
    }

    /// Hands every column the mapping reads to `f` (to bind them), in mapping order.
    fn visit_cols(
        &mut self,
        f: &mut dyn FnMut(&mut Col) -> Result<(), String>,
    ) -> Result<(), String> {
        fn time(
            t: &mut Option<TimeSpec>,
            f: &mut dyn FnMut(&mut Col) -> Result<(), String>,
        ) -> Result<(), String> {
            if let Some(TimeSpec::Column { col, end, .. }) = t {
                f(col)?;
                if let Some(e) = end {
                    f(e)?;
                }
            }
            Ok(())
        }
        fn given<T>(
            g: &mut Option<Given<T>>,
            f: &mut dyn FnMut(&mut Col) -> Result<(), String>,
        ) -> Result<(), String> {
            match g {
                Some(Given::Column { col, .. }) => f(col),
                _ => Ok(()),
            }
        }
        for e in &mut self.entities {
            f(&mut e.column)?;
            for c in &mut e.aliases {
                f(c)?;
            }
            for (_, c) in &mut e.attributes {
                f(c)?;
            }
        }
        for l in &mut self.links {
            if let Direction::Column { col, .. } = &mut l.direction {
                f(col)?;
            }
            time(&mut l.when, f)?;
            given(&mut l.confidence, f)?;
        }
        if let Some(n) = &mut self.note {
            for c in &mut n.text_cols {
                f(c)?;
            }
            given(&mut n.grade, f)?;
            given(&mut n.source, f)?;
            time(&mut n.when, f)?;
        }
        Ok(())
    }

    /// The mapping with every column found in `header` (the file's first line); the
    /// error names the first column the file lacks and the columns it has.
    pub fn bind(&self, header: &[String]) -> Result<Bound, String> {
        let mut bound = self.clone();
        let mut at: HashMap<&str, usize> = HashMap::new();
        for (i, h) in header.iter().enumerate() {
            if at.insert(h.trim(), i).is_some() {
                return Err(format!(
                    "the header names the column {:?} twice",
                    text::sanitize(h.trim())
                ));
            }
        }
        let mut used: Vec<(String, usize)> = Vec::new();
        bound.visit_cols(&mut |col| match at.get(col.name.as_str()) {
            Some(&i) => {
                col.at = i;
                used.push((col.name.clone(), i));
                Ok(())
            }
            None => {
                let mut names: Vec<String> = header
                    .iter()
                    .map(|h| text::sanitize(h.trim()).into_owned())
                    .collect();
                if names.len() > 12 {
                    names.truncate(12);
                    names.push("...".into());
                }
                Err(format!(
                    "the mapping reads the column {:?}, which the header does not name (it names {})",
                    col.name,
                    names.join(", ")
                ))
            }
        })?;
        used.sort();
        used.dedup();
        Ok(Bound {
            mapping: bound,
            used: used.into_iter().map(|(_, i)| i).collect(),
            width: header.len(),
        })
    }
}

/// One line of text from a cell or the mapping: trimmed, control characters made visible.
fn clean_line(s: &str) -> String {
    text::sanitize(s.trim()).into_owned()
}

#[cfg(test)]
mod tests;
