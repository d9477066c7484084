//! An i2 Analyst's Notebook chart (ANX, `weft export chart --format anx`), which ANB
//! opens with no import specification (facts in `interop.md` §1.3–1.4).
//!
//! - UTF-16 (little-endian, with a byte-order mark), as ANB writes it.
//! - The children of every element in the order of ANB's schema (`Analyst's Notebook
//!   7.xsd`, as generated into pyanx): `Chart` holds the grade lists, source hints,
//!   strengths, attribute classes, entity and link types, then the chart items; an entity
//!   holds its icon before its cards; a link holds its cards before its style; a chart
//!   item's time zone comes last.
//! - Links name their ends by `EntityId` (`IdReferenceLinking="false"`); types, strengths
//!   and attribute classes are named, never referenced by id.
//! - 3x5x2 grades as three lists (`GradeOne` source A–C, `GradeTwo` intelligence 1–5,
//!   `GradeThree` handling P/C), each ending with `-` for "not graded"; every item and
//!   card carries its 0-based index into each list. A link is graded as its source
//!   note; an entity carries only the most restrictive handling code of its cards.
//! - One card per supporting note: its title, text, grades, occurred date (with its
//!   uncertainty said in the date description) and its id as the source reference.
//! - Dates in UTC (time zone 1), the time set only when weft knows it to the minute.
//! - weft's id is each entity's identity (so ANB merges a re-import), its name the label.
//! - Text has no control character: each is made visible (ESC as `␛`) and line breaks
//!   inside attribute values are written as `&#10;`.

use super::graph::{chart_type, link_type, Subgraph};
use crate::model::grade::{Handling, Intel, SourceEval};
use crate::model::when::Precision;
use crate::model::{EntityKind, Grade, Note, When, Yardstick};
use quick_xml::events::attributes::Attribute;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use quick_xml::name::QName;
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::io::{self, Write};

/// `GradeOne`: source evaluation, then "not graded".
pub const GRADE_ONE: [&str; 4] = ["A", "B", "C", "-"];
/// `GradeTwo`: intelligence assessment, then "not graded".
pub const GRADE_TWO: [&str; 6] = ["1", "2", "3", "4", "5", "-"];
/// `GradeThree`: handling code, then "not graded".
pub const GRADE_THREE: [&str; 3] = ["P", "C", "-"];

/// The strengths a link can have, from its confidence, with their line styles.
const STRENGTHS: [(&str, &str); 3] = [
    ("Confirmed", "DotStyleSolid"),
    ("Unconfirmed", "DotStyleDashed"),
    ("Tentative", "DotStyleDotted"),
];

/// ANB's time zone for UTC.
const UTC_ZONE: (&str, &str) = ("1", "UTC");

/// What a chart held.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Written {
    pub entities: usize,
    pub links: usize,
    pub cards: usize,
}

/// The indexes of a grade into the three lists (the last of each when ungraded).
pub fn grade_indexes(g: Option<Grade>) -> [usize; 3] {
    match g {
        None => [3, 5, 2],
        Some(g) => [
            SourceEval::ALL
                .iter()
                .position(|&s| s == g.source)
                .unwrap_or(3),
            Intel::ALL.iter().position(|&i| i == g.intel).unwrap_or(5),
            Handling::ALL
                .iter()
                .position(|&h| h == g.handling)
                .unwrap_or(2),
        ],
    }
}

/// The strength a link's confidence gives it.
fn strength(c: Option<Yardstick>) -> &'static str {
    match c {
        Some(Yardstick::AlmostCertain | Yardstick::HighlyLikely) => STRENGTHS[0].0,
        Some(Yardstick::Unlikely | Yardstick::HighlyUnlikely | Yardstick::RemoteChance) => {
            STRENGTHS[2].0
        }
        _ => STRENGTHS[1].0,
    }
}

/// An attribute value as XML: escaped, with line breaks as character references and no
/// character XML cannot hold (a control made visible, U+FFFE/U+FFFF as `�`).
fn escape_attr(s: &str) -> Vec<u8> {
    let clean = crate::model::text::sanitize_with(s, true);
    let mut out = String::with_capacity(clean.len() + 8);
    for c in clean.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\n' => out.push_str("&#10;"),
            '\u{fffe}' | '\u{ffff}' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out.into_bytes()
}

/// One line of text: every control character, line breaks included, made visible.
fn one_line(s: &str) -> String {
    crate::model::text::sanitize(s).into_owned()
}

/// An element with its attributes, escaped.
fn element<'a>(name: &'a str, attrs: &[(&'a str, String)]) -> BytesStart<'a> {
    let mut el = BytesStart::new(name);
    for (k, v) in attrs {
        el.push_attribute(Attribute {
            key: QName(k.as_bytes()),
            value: Cow::Owned(escape_attr(v)),
        });
    }
    el
}

/// `2024-03-04T14:30:00.000`, the start of the period, read as UTC.
fn date_time(w: &When) -> String {
    w.start_instant()
        .format("%Y-%m-%dT%H:%M:%S%.3f")
        .to_string()
}

/// The date attributes of an item or card: the start of the period, the time set only
/// when known to the minute, and the date as weft says it (`~Mar 2024`,
/// `2024-03-01..15`) as its description.
fn date_attrs(attrs: &mut Vec<(&'static str, String)>, when: Option<&When>) {
    if let Some(w) = when {
        let timed = w.end.is_none() && w.start.precision == Precision::Minute;
        attrs.push(("DateSet", "true".into()));
        attrs.push(("TimeSet", timed.to_string()));
        attrs.push(("DateTime", date_time(w)));
        attrs.push(("DateTimeDescription", w.human()));
    }
}

fn grade_attrs(attrs: &mut Vec<(&'static str, String)>, idx: [usize; 3]) {
    attrs.push(("GradeOneIndex", idx[0].to_string()));
    attrs.push(("GradeTwoIndex", idx[1].to_string()));
    attrs.push(("GradeThreeIndex", idx[2].to_string()));
}

/// Passes UTF-8 through as UTF-16LE. A character cut between two writes waits for its
/// end; bytes that are not UTF-8 are an error.
struct Utf16<W: Write> {
    inner: W,
    pending: Vec<u8>,
    out: Vec<u8>,
}

impl<W: Write> Write for Utf16<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.pending.extend_from_slice(buf);
        let upto = match std::str::from_utf8(&self.pending) {
            Ok(s) => s.len(),
            Err(e) if e.error_len().is_none() => e.valid_up_to(),
            Err(e) => return Err(io::Error::new(io::ErrorKind::InvalidData, e)),
        };
        let text = std::str::from_utf8(&self.pending[..upto]).unwrap_or_default();
        self.out.clear();
        for unit in text.encode_utf16() {
            self.out.extend_from_slice(&unit.to_le_bytes());
        }
        self.inner.write_all(&self.out)?;
        self.pending.drain(..upto);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if !self.pending.is_empty() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "a character was cut short",
            ));
        }
        self.inner.flush()
    }
}

/// What the chart says about itself in a comment at its top: where it came from and the
/// handling of the notes on its cards.
fn handling_comment(g: &Subgraph, workspace: &str) -> String {
    let conditional = g.conditional();
    let graded = g.notes.values().filter(|n| n.grade.is_some()).count();
    let handling = if !conditional.is_empty() {
        let ids: Vec<String> = conditional.iter().map(|i| i.to_string()).collect();
        format!(
            "HANDLING CODE C (lawful sharing permitted with conditions) on {}: {}",
            crate::model::vocab::counted(conditional.len(), "note", "notes"),
            ids.join(" ")
        )
    } else if graded > 0 {
        "handling code P (lawful sharing permitted) on every graded note".to_string()
    } else {
        "no note on this chart is graded; establish its handling before sharing".to_string()
    };
    let text = format!(
        " weft chart of {}: {}, {}. {handling}. ",
        one_line(workspace),
        crate::model::vocab::counted(g.entities.len(), "entity", "entities"),
        crate::model::vocab::counted(g.links.len(), "link", "links"),
    );
    // a comment may not hold "--"
    text.replace("--", "- -")
}

/// Writes the chart of `g` to `out` as ANX (UTF-16 with a byte-order mark).
pub fn write_anx(g: &Subgraph, workspace: &str, out: &mut dyn Write) -> io::Result<Written> {
    let mut out = io::BufWriter::with_capacity(1 << 16, out);
    out.write_all(&[0xff, 0xfe])?;
    let utf16 = Utf16 {
        inner: &mut out,
        pending: Vec::new(),
        out: Vec::new(),
    };
    let mut x = quick_xml::Writer::new_with_indent(utf16, b' ', 1);
    let written = chart(&mut x, g, workspace)?;
    x.into_inner().flush()?;
    out.flush()?;
    Ok(written)
}

type Xml<'a, 'b> = quick_xml::Writer<Utf16<&'a mut io::BufWriter<&'b mut dyn Write>>>;

struct Ids(usize);

impl Ids {
    fn next(&mut self) -> String {
        self.0 += 1;
        format!("ID{}", self.0)
    }
}

fn start(x: &mut Xml, name: &str, attrs: &[(&str, String)]) -> io::Result<()> {
    x.write_event(Event::Start(element(name, attrs)))
}

fn empty(x: &mut Xml, name: &str, attrs: &[(&str, String)]) -> io::Result<()> {
    x.write_event(Event::Empty(element(name, attrs)))
}

fn end(x: &mut Xml, name: &str) -> io::Result<()> {
    x.write_event(Event::End(BytesEnd::new(name)))
}

fn strings(x: &mut Xml, ids: &mut Ids, name: &str, texts: &[&str]) -> io::Result<()> {
    start(x, name, &[])?;
    start(x, "StringCollection", &[])?;
    for t in texts {
        empty(x, "String", &[("Id", ids.next()), ("Text", t.to_string())])?;
    }
    end(x, "StringCollection")?;
    end(x, name)
}

fn time_zone(x: &mut Xml) -> io::Result<()> {
    empty(
        x,
        "TimeZone",
        &[("UniqueID", UTC_ZONE.0.into()), ("Name", UTC_ZONE.1.into())],
    )
}

/// The card of one note.
fn card(x: &mut Xml, n: &Note) -> io::Result<()> {
    let mut attrs: Vec<(&str, String)> = vec![
        ("Summary", crate::model::text::title_line(&n.text)),
        ("Text", n.text.clone()),
    ];
    date_attrs(&mut attrs, n.when.as_ref());
    attrs.push(("SourceReference", n.meta.id.to_string()));
    if !n.source.trim().is_empty() {
        attrs.push(("SourceType", one_line(n.source.trim())));
    }
    grade_attrs(&mut attrs, grade_indexes(n.grade));
    if n.when.is_some() {
        start(x, "Card", &attrs)?;
        time_zone(x)?;
        end(x, "Card")
    } else {
        empty(x, "Card", &attrs)
    }
}

fn cards<'n>(x: &mut Xml, notes: impl Iterator<Item = &'n Note>) -> io::Result<usize> {
    let notes: Vec<&Note> = notes.collect();
    if notes.is_empty() {
        return Ok(0);
    }
    start(x, "CardCollection", &[])?;
    for n in &notes {
        card(x, n)?;
    }
    end(x, "CardCollection")?;
    Ok(notes.len())
}

/// The attribute class name of an attribute key: one line, trimmed.
fn class_name(key: &str) -> String {
    one_line(key.trim())
}

/// An entity's attributes by class: its aliases, tags and its own attributes.
fn attributes(e: &crate::model::Entity) -> BTreeMap<String, String> {
    let mut out: BTreeMap<String, String> = BTreeMap::new();
    let mut put = |k: String, v: String| {
        if k.is_empty() || v.is_empty() {
            return;
        }
        out.entry(k)
            .and_modify(|have| {
                have.push_str("; ");
                have.push_str(&v);
            })
            .or_insert(v);
    };
    put("Aliases".into(), e.aliases.join("; "));
    put("Tags".into(), e.meta.tags.join(" "));
    for (k, v) in &e.attributes {
        put(class_name(k), v.clone());
    }
    out
}

fn chart(x: &mut Xml, g: &Subgraph, workspace: &str) -> io::Result<Written> {
    let mut ids = Ids(0);
    let mut written = Written::default();
    x.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-16"), None)))?;
    x.write_event(Event::Comment(BytesText::from_escaped(handling_comment(
        g, workspace,
    ))))?;
    start(x, "Chart", &[("IdReferenceLinking", "false".into())])?;
    empty(
        x,
        "ApplicationVersion",
        &[
            ("Major", "9".into()),
            ("Minor", "0".into()),
            ("Point", "0".into()),
            ("Build", "0".into()),
        ],
    )?;
    strings(x, &mut ids, "GradeOne", &GRADE_ONE)?;
    strings(x, &mut ids, "GradeTwo", &GRADE_TWO)?;
    strings(x, &mut ids, "GradeThree", &GRADE_THREE)?;
    let sources: BTreeSet<String> = g
        .notes
        .values()
        .map(|n| n.source.trim())
        .filter(|s| !s.is_empty())
        .map(one_line)
        .collect();
    let sources: Vec<&str> = sources.iter().map(String::as_str).collect();
    strings(x, &mut ids, "SourceHints", &sources)?;

    start(x, "StrengthCollection", &[])?;
    for (name, dots) in STRENGTHS {
        let attrs = [
            ("Id", ids.next()),
            ("Name", name.into()),
            ("DotStyle", dots.into()),
        ];
        empty(x, "Strength", &attrs)?;
    }
    end(x, "StrengthCollection")?;

    let classes: BTreeSet<String> = g
        .entities
        .iter()
        .flat_map(|e| attributes(e).into_keys())
        .collect();
    if !classes.is_empty() {
        start(x, "AttributeClassCollection", &[])?;
        for c in &classes {
            let attrs = [
                ("Id", ids.next()),
                ("Name", c.clone()),
                ("Type", "AttText".into()),
                ("IsUser", "true".into()),
                ("UserCanAdd", "true".into()),
                ("UserCanRemove", "true".into()),
                ("ShowValue", "true".into()),
            ];
            empty(x, "AttributeClass", &attrs)?;
        }
        end(x, "AttributeClassCollection")?;
    }

    start(x, "EntityTypeCollection", &[])?;
    for &kind in EntityKind::ALL {
        let attrs = [
            ("Id", ids.next()),
            ("Name", chart_type(kind).into()),
            ("PreferredRepresentation", "RepresentAsIcon".into()),
        ];
        empty(x, "EntityType", &attrs)?;
    }
    end(x, "EntityTypeCollection")?;

    let link_types: BTreeSet<String> = g.links.iter().map(|l| link_type(&l.label)).collect();
    if !link_types.is_empty() {
        start(x, "LinkTypeCollection", &[])?;
        for t in &link_types {
            empty(x, "LinkType", &[("Id", ids.next()), ("Name", t.clone())])?;
        }
        end(x, "LinkTypeCollection")?;
    }

    start(x, "ChartItemCollection", &[])?;
    let cols = ((g.entities.len() as f64).sqrt().ceil() as usize).max(1);
    for (i, e) in g.entities.iter().enumerate() {
        let (px, py) = ((i % cols) * 200, (i / cols) * 200);
        let handling = g
            .supporting(e.meta.id)
            .filter_map(|n| n.grade.map(|g| g.handling))
            .max();
        let mut idx = grade_indexes(None);
        if let Some(h) = handling {
            idx[2] = grade_indexes(Some(Grade::new(SourceEval::A, Intel::One, h)))[2];
        }
        let mut description = format!("{} {}", e.meta.id, e.kind);
        if !e.aliases.is_empty() {
            description.push_str(&format!("; also known as {}", e.aliases.join(", ")));
        }
        let mut attrs: Vec<(&str, String)> = vec![
            ("Id", ids.next()),
            ("Label", one_line(&e.name)),
            ("Description", description),
        ];
        grade_attrs(&mut attrs, idx);
        attrs.push(("XPosition", px.to_string()));
        start(x, "ChartItem", &attrs)?;
        let at = [
            ("X", px.to_string()),
            ("Y", py.to_string()),
            ("Z", "0".into()),
        ];
        start(x, "End", &at)?;
        let entity = [
            ("EntityId", (i + 1).to_string()),
            ("Identity", e.meta.id.to_string()),
            ("LabelIsIdentity", "false".into()),
        ];
        start(x, "Entity", &entity)?;
        start(x, "Icon", &[])?;
        empty(x, "IconStyle", &[("Type", chart_type(e.kind).into())])?;
        end(x, "Icon")?;
        written.cards += cards(x, g.supporting(e.meta.id))?;
        end(x, "Entity")?;
        end(x, "End")?;
        let attributes = attributes(e);
        if !attributes.is_empty() {
            start(x, "AttributeCollection", &[])?;
            for (class, value) in attributes {
                empty(
                    x,
                    "Attribute",
                    &[("AttributeClass", class), ("Value", value)],
                )?;
            }
            end(x, "AttributeCollection")?;
        }
        end(x, "ChartItem")?;
        written.entities += 1;
    }
    let entity_id = |id| g.entity(id).map(|e| e.meta.id);
    let position: BTreeMap<_, _> = g
        .entities
        .iter()
        .enumerate()
        .map(|(i, e)| (e.meta.id, i + 1))
        .collect();
    for l in &g.links {
        let (Some(from), Some(to)) = (entity_id(l.from), entity_id(l.to)) else {
            continue;
        };
        let source = g.source_of(l);
        let mut description = l.meta.id.to_string();
        if let Some(c) = l.confidence {
            description.push_str(&format!("; confidence: {c}"));
        }
        if let Some(s) = l.source {
            description.push_str(&format!("; source {s}"));
        }
        let mut attrs: Vec<(&str, String)> = vec![
            ("Id", ids.next()),
            ("Label", one_line(&l.label)),
            ("Description", description),
        ];
        date_attrs(&mut attrs, l.when.as_ref());
        if let Some(s) = l.source {
            attrs.push(("SourceReference", s.to_string()));
        }
        if let Some(n) = source.filter(|n| !n.source.trim().is_empty()) {
            attrs.push(("SourceType", one_line(n.source.trim())));
        }
        grade_attrs(&mut attrs, grade_indexes(source.and_then(|n| n.grade)));
        start(x, "ChartItem", &attrs)?;
        let ends = [
            ("End1Id", position[&from].to_string()),
            ("End2Id", position[&to].to_string()),
        ];
        start(x, "Link", &ends)?;
        written.cards += cards(x, source.into_iter())?;
        let style = [
            ("Type", link_type(&l.label)),
            ("Strength", strength(l.confidence).into()),
            ("ArrowStyle", "ArrowOnHead".into()),
        ];
        empty(x, "LinkStyle", &style)?;
        end(x, "Link")?;
        if l.when.is_some() {
            time_zone(x)?;
        }
        end(x, "ChartItem")?;
        written.links += 1;
    }
    end(x, "ChartItemCollection")?;
    end(x, "Chart")?;
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grade_indexes_point_into_their_lists() {
        let g: Grade = "C4P".parse().unwrap();
        let idx = grade_indexes(Some(g));
        assert_eq!(GRADE_ONE[idx[0]], "C");
        assert_eq!(GRADE_TWO[idx[1]], "4");
        assert_eq!(GRADE_THREE[idx[2]], "P");
        let none = grade_indexes(None);
        assert_eq!(
            [GRADE_ONE[none[0]], GRADE_TWO[none[1]], GRADE_THREE[none[2]]],
            ["-", "-", "-"]
        );
    }

    #[test]
    fn attribute_values_escape_markup_and_controls() {
        let v = String::from_utf8(escape_attr("a<b>&\"c\"\nd\u{1b}e\u{ffff}")).unwrap();
        assert_eq!(v, "a&lt;b&gt;&amp;&quot;c&quot;&#10;d␛e\u{fffd}");
    }

    #[test]
    fn utf16_waits_for_a_character_cut_between_writes() {
        let mut out = Vec::new();
        let mut w = Utf16 {
            inner: &mut out,
            pending: Vec::new(),
            out: Vec::new(),
        };
        let bytes = "é€".as_bytes();
        w.write_all(&bytes[..1]).unwrap();
        w.write_all(&bytes[1..3]).unwrap();
        w.write_all(&bytes[3..]).unwrap();
        w.flush().unwrap();
        let units: Vec<u16> = out
            .chunks(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .collect();
        assert_eq!(String::from_utf16(&units).unwrap(), "é€");
        let mut bad = Utf16 {
            inner: Vec::new(),
            pending: Vec::new(),
            out: Vec::new(),
        };
        assert!(bad.write(&[0xff, b'a']).is_err());
    }

    #[test]
    fn strength_follows_confidence() {
        assert_eq!(strength(Some(Yardstick::AlmostCertain)), "Confirmed");
        assert_eq!(strength(Some(Yardstick::Likely)), "Unconfirmed");
        assert_eq!(strength(None), "Unconfirmed");
        assert_eq!(strength(Some(Yardstick::RemoteChance)), "Tentative");
    }
}
