//! Entities as a FollowTheMoney stream (`weft export entities --format ftm`, facts in
//! `interop.md` §3): one entity per line, `{"id", "schema", "properties"}`, every
//! property a list of strings, ids `weft-E12`.
//!
//! - Kinds map to schemata ([`schema_of`]): person `Person`, organisation and group
//!   `Organization`, location `Address`, vehicle `Vehicle`, account `BankAccount`,
//!   online `UserAccount`, commodity `Asset`, other `LegalEntity`.
//! - FtM has no phone schema: a phone becomes the `phone` property (as `+44…` when
//!   written nationally) of every person or organisation linked to it; a phone linked to
//!   none stands as a `LegalEntity` named by its number, with that number as its phone.
//! - Links between entities become relationship schemata by their label
//!   ([`relationship`]): `Ownership`, `Directorship`, `Membership`, `Family`,
//!   `Associate`, `Payment`, else `UnknownLink` (also whenever the ends are not of the
//!   schemata the relationship needs), the label as its role, the time as dates.
//! - Each supporting note is a `Note` naming the entities it bears on.
//! - FtM has no field for grades, handling codes or confidence: what is dropped is
//!   counted in [`Written`] for the command to say.

use super::graph::Subgraph;
use crate::model::text::{sanitize, sanitize_with};
use crate::model::when::Precision;
use crate::model::when::TimePoint;
use crate::model::{Entity, EntityKind, Id, Link};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::{self, Write};

/// What an FtM stream held and what it could not carry.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Written {
    pub entities: usize,
    pub relationships: usize,
    pub notes: usize,
    /// Phone entities written as the `phone` property of their holders.
    pub phones_as_properties: usize,
    /// Phones with no number FtM could read (named in words): each stands as a
    /// `LegalEntity` by its name.
    pub phones_without_number: usize,
    /// Links that touch a phone kept only as a property, so have no entity to join.
    pub links_of_phones: Vec<Id>,
    /// Graded notes whose grade (and handling code) FtM cannot carry.
    pub grades_dropped: usize,
    /// Links whose confidence FtM cannot carry.
    pub confidence_dropped: usize,
    /// Dates written to their precision without weft's "approximate" mark.
    pub approximate_dates: usize,
}

#[derive(Serialize)]
struct Line<'a> {
    id: String,
    schema: &'a str,
    properties: &'a BTreeMap<&'static str, Vec<String>>,
}

/// The FtM id of a weft record.
pub fn ftm_id(id: Id) -> String {
    format!("weft-{id}")
}

/// The schema an entity kind maps to (`None` for a phone: a property, not an entity).
pub fn schema_of(kind: EntityKind) -> Option<&'static str> {
    use EntityKind as K;
    Some(match kind {
        K::Person => "Person",
        K::Organisation | K::Group => "Organization",
        K::Location => "Address",
        K::Vehicle => "Vehicle",
        K::Account => "BankAccount",
        K::Online => "UserAccount",
        K::Commodity => "Asset",
        K::Other => "LegalEntity",
        K::Phone => return None,
    })
}

/// Whether a schema is a `LegalEntity` (may own, pay, be a member).
fn is_legal_entity(schema: &str) -> bool {
    matches!(schema, "Person" | "Organization" | "LegalEntity")
}

/// Whether a schema is an `Asset` (may be owned).
fn is_asset(schema: &str) -> bool {
    matches!(schema, "Vehicle" | "BankAccount" | "Asset")
}

/// A label as compared: lower case, trimmed, without a trailing qualifier in brackets.
fn bare_label(label: &str) -> String {
    let l = label.trim().to_lowercase();
    match l.strip_suffix(')').and_then(|s| s.rfind('(')) {
        Some(open) if open > 0 => l[..open].trim().to_string(),
        _ => l,
    }
}

/// The relationship a link becomes: (schema, the property naming its `from` end, the
/// property naming its `to` end, the property that keeps the label). The ends' schemata
/// decide whether the label's relationship fits; else `UnknownLink`.
pub fn relationship(
    label: &str,
    from: &str,
    to: &str,
) -> (&'static str, &'static str, &'static str, &'static str) {
    const UNKNOWN: (&str, &str, &str, &str) = ("UnknownLink", "subject", "object", "role");
    let l = bare_label(label);
    let person = |s: &str| s == "Person";
    let org = |s: &str| s == "Organization";
    let fits = match l.as_str() {
        "owns"
        | "owner of"
        | "holds"
        | "holder of"
        | "registered keeper of"
        | "keeper of"
        | "controls"
        | "account holder of" => is_legal_entity(from) && is_asset(to),
        "owned by" | "held by" | "kept by" => is_asset(from) && is_legal_entity(to),
        "director of" => is_legal_entity(from) && org(to),
        "member of" => is_legal_entity(from) && org(to),
        "partner of" | "spouse of" | "married to" | "sibling of" | "brother of" | "sister of"
        | "parent of" | "child of" | "son of" | "daughter of" | "mother of" | "father of"
        | "cousin of" | "relative of" | "family of" => person(from) && person(to),
        "associate of" | "associated with" | "associates with" | "knows" | "friend of" => {
            person(from) && person(to)
        }
        "pays" | "paid" | "payment to" | "transfers to" | "sends money to" => {
            is_legal_entity(from) && is_legal_entity(to)
        }
        _ => false,
    };
    if !fits {
        return UNKNOWN;
    }
    match l.as_str() {
        "owned by" | "held by" | "kept by" => ("Ownership", "asset", "owner", "ownershipType"),
        "director of" => ("Directorship", "director", "organization", "role"),
        "member of" => ("Membership", "member", "organization", "role"),
        "associate of" | "associated with" | "associates with" | "knows" | "friend of" => {
            ("Associate", "person", "associate", "relationship")
        }
        "pays" | "paid" | "payment to" | "transfers to" | "sends money to" => {
            ("Payment", "payer", "beneficiary", "purpose")
        }
        "owns"
        | "owner of"
        | "holds"
        | "holder of"
        | "registered keeper of"
        | "keeper of"
        | "controls"
        | "account holder of" => ("Ownership", "owner", "asset", "ownershipType"),
        _ => ("Family", "person", "relative", "relationship"),
    }
}

/// A phone number as FtM reads one, when `s` is one (digits, at least five, with only
/// spaces, dots, dashes and brackets between them and perhaps a leading `+`): `00…` as
/// `+…`, and a national number (`07700 900123`) as a UK one (`+447700900123`).
pub fn phone_number(s: &str) -> Option<String> {
    let s = s.trim();
    let (plus, rest) = match s.strip_prefix('+') {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    let shaped = rest
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '.' | '-' | '(' | ')'));
    let digits: String = rest.chars().filter(char::is_ascii_digit).collect();
    if !shaped || digits.len() < 5 {
        return None;
    }
    Some(if plus {
        format!("+{digits}")
    } else if let Some(rest) = digits.strip_prefix("00") {
        format!("+{rest}")
    } else if let Some(rest) = digits.strip_prefix('0') {
        format!("+44{rest}")
    } else {
        digits
    })
}

/// A phone entity's number: its name, else an attribute that holds one.
fn number_of(e: &Entity) -> Option<String> {
    phone_number(&e.name).or_else(|| {
        attribute(e, &["number", "msisdn", "phone", "phonenumber"]).and_then(phone_number)
    })
}

/// A time point as an FtM date, to its precision: `2024`, `2024-03`, `2024-03-04`,
/// `2024-03-04T14:30`.
fn date(p: &TimePoint) -> String {
    match p.precision {
        Precision::Year => format!("{:04}", p.year),
        Precision::Month => format!("{:04}-{:02}", p.year, p.month),
        Precision::Day => format!("{:04}-{:02}-{:02}", p.year, p.month, p.day),
        Precision::Minute => format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}",
            p.year, p.month, p.day, p.hour, p.minute
        ),
    }
}

fn stamp(t: &chrono::DateTime<chrono::Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S").to_string()
}

type Props = BTreeMap<&'static str, Vec<String>>;

fn put(props: &mut Props, key: &'static str, value: impl Into<String>) {
    let v = value.into();
    if !v.trim().is_empty() {
        let list = props.entry(key).or_default();
        if !list.contains(&v) {
            list.push(v);
        }
    }
}

/// The attribute whose key (case and separators aside) is one of `keys`.
fn attribute<'e>(e: &'e Entity, keys: &[&str]) -> Option<&'e str> {
    e.attributes.iter().find_map(|(k, v)| {
        let k: String = k
            .chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect();
        keys.contains(&k.as_str()).then_some(v.as_str())
    })
}

fn entity_props(e: &Entity, schema: &str) -> Props {
    let mut p = Props::new();
    put(&mut p, "name", sanitize(&e.name));
    for a in &e.aliases {
        put(&mut p, "alias", sanitize(a));
    }
    for (k, v) in &e.attributes {
        put(&mut p, "notes", sanitize_with(&format!("{k}: {v}"), true));
    }
    for t in &e.meta.tags {
        put(&mut p, "keywords", sanitize(t));
    }
    put(&mut p, "createdAt", stamp(&e.meta.created));
    put(&mut p, "modifiedAt", stamp(&e.meta.updated));
    match schema {
        "Address" => put(&mut p, "full", sanitize(&e.name)),
        "UserAccount" => {
            put(&mut p, "username", sanitize(&e.name));
            if let Some(s) = attribute(e, &["service", "platform", "site"]) {
                put(&mut p, "service", sanitize(s));
            }
        }
        "Vehicle" => {
            if let Some(r) = attribute(e, &["registration", "vrm", "reg", "registrationnumber"]) {
                put(&mut p, "registrationNumber", sanitize(r));
            }
            if let Some(m) = attribute(e, &["model", "makemodel", "make"]) {
                put(&mut p, "model", sanitize(m));
            }
        }
        "BankAccount" => {
            if let Some(n) = attribute(e, &["accountnumber", "number", "account"]) {
                put(&mut p, "accountNumber", sanitize(n));
            }
            if let Some(b) = attribute(e, &["bank", "bankname"]) {
                put(&mut p, "bankName", sanitize(b));
            }
        }
        _ => {}
    }
    p
}

fn line(out: &mut impl Write, id: Id, schema: &str, props: &Props) -> io::Result<()> {
    let l = Line {
        id: ftm_id(id),
        schema,
        properties: props,
    };
    // as every JSON weft writes: no character a terminal would act on stays raw
    out.write_all(crate::model::json::to_string(&l)?.as_bytes())?;
    out.write_all(b"\n")
}

/// Writes `g` as a FollowTheMoney entity stream.
pub fn write_ftm(g: &Subgraph, out: &mut dyn Write) -> io::Result<Written> {
    let mut out = io::BufWriter::with_capacity(1 << 16, out);
    let mut written = Written::default();
    // every entity's schema; a phone's is decided by its holders
    let mut schema: HashMap<Id, &'static str> = HashMap::new();
    for e in &g.entities {
        if let Some(s) = schema_of(e.kind) {
            schema.insert(e.meta.id, s);
        }
    }
    // who holds each phone: the persons and organisations linked to it either way
    let mut holders: BTreeMap<Id, BTreeSet<Id>> = BTreeMap::new();
    for l in &g.links {
        for (phone, other) in [(l.from, l.to), (l.to, l.from)] {
            let is_phone = g.entity(phone).is_some_and(|e| e.kind == EntityKind::Phone);
            if is_phone && schema.get(&other).is_some_and(|s| is_legal_entity(s)) {
                holders.entry(phone).or_default().insert(other);
            }
        }
    }
    let mut phones_of: BTreeMap<Id, Vec<String>> = BTreeMap::new();
    for e in g.entities.iter().filter(|e| e.kind == EntityKind::Phone) {
        match (holders.get(&e.meta.id), number_of(e)) {
            (Some(hs), Some(number)) => {
                written.phones_as_properties += 1;
                for h in hs {
                    phones_of.entry(*h).or_default().push(number.clone());
                }
            }
            (_, number) => {
                // no holder, or no number FtM could read: an unknown party of its own
                schema.insert(e.meta.id, "LegalEntity");
                if number.is_none() {
                    written.phones_without_number += 1;
                    holders.remove(&e.meta.id);
                }
            }
        }
    }
    // the links that made a phone a property are that property; the rest stay links
    let holding: BTreeSet<Id> = g
        .links
        .iter()
        .filter(|l| {
            [(l.from, l.to), (l.to, l.from)]
                .iter()
                .any(|(p, o)| holders.get(p).is_some_and(|hs| hs.contains(o)))
        })
        .map(|l| l.meta.id)
        .collect();
    for e in &g.entities {
        let Some(&s) = schema.get(&e.meta.id) else {
            continue;
        };
        let mut props = entity_props(e, s);
        if e.kind == EntityKind::Phone {
            if let Some(number) = number_of(e) {
                put(&mut props, "phone", number);
            }
        }
        for p in phones_of.get(&e.meta.id).into_iter().flatten() {
            put(&mut props, "phone", p.clone());
        }
        line(&mut out, e.meta.id, s, &props)?;
        written.entities += 1;
    }
    for l in &g.links {
        if holding.contains(&l.meta.id) {
            continue;
        }
        let (Some(&from), Some(&to)) = (schema.get(&l.from), schema.get(&l.to)) else {
            written.links_of_phones.push(l.meta.id);
            continue;
        };
        let (s, from_prop, to_prop, label_prop) = relationship(&l.label, from, to);
        let mut props = relationship_props(l, &mut written);
        put(&mut props, from_prop, ftm_id(l.from));
        put(&mut props, to_prop, ftm_id(l.to));
        put(&mut props, label_prop, sanitize(&l.label));
        line(&mut out, l.meta.id, s, &props)?;
        written.relationships += 1;
    }
    let bears_on = note_entities(g);
    for n in g.notes.values() {
        let mut props = Props::new();
        for &e in bears_on.get(&n.meta.id).into_iter().flatten() {
            if schema.contains_key(&e) {
                put(&mut props, "entity", ftm_id(e));
            }
            for h in holders.get(&e).into_iter().flatten() {
                put(&mut props, "entity", ftm_id(*h));
            }
        }
        put(
            &mut props,
            "name",
            sanitize(&crate::model::text::title_line(&n.text)),
        );
        put(&mut props, "description", sanitize_with(&n.text, true));
        let mut summary = Vec::new();
        if let Some(w) = &n.when {
            summary.push(format!("occurred {}", w.human()));
            if w.start.approx || w.end.is_some_and(|e| e.approx) {
                written.approximate_dates += 1;
            }
        }
        if !n.source.trim().is_empty() {
            summary.push(format!("source: {}", n.source.trim()));
        }
        put(&mut props, "summary", sanitize(&summary.join("; ")));
        for t in &n.meta.tags {
            put(&mut props, "keywords", sanitize(t));
        }
        put(&mut props, "createdAt", stamp(&n.meta.created));
        put(&mut props, "modifiedAt", stamp(&n.meta.updated));
        if n.grade.is_some() {
            written.grades_dropped += 1;
        }
        line(&mut out, n.meta.id, "Note", &props)?;
        written.notes += 1;
    }
    out.flush()?;
    Ok(written)
}

fn relationship_props(l: &Link, written: &mut Written) -> Props {
    let mut p = Props::new();
    if let Some(w) = &l.when {
        match &w.end {
            Some(end) => {
                put(&mut p, "startDate", date(&w.start));
                put(&mut p, "endDate", date(end));
            }
            None => put(&mut p, "date", date(&w.start)),
        }
        if w.start.approx || w.end.is_some_and(|e| e.approx) {
            written.approximate_dates += 1;
        }
    }
    let mut description = format!("weft {}: {}", l.meta.id, sanitize(&l.label));
    if let Some(c) = l.confidence {
        description.push_str(&format!("; confidence: {c}"));
        written.confidence_dropped += 1;
    }
    if let Some(s) = l.source {
        description.push_str(&format!("; source note {s}"));
    }
    put(&mut p, "description", description);
    put(&mut p, "recordId", l.meta.id.to_string());
    p
}

/// The entities each note bears on (supports), by note.
fn note_entities(g: &Subgraph) -> HashMap<Id, Vec<Id>> {
    let mut out: HashMap<Id, Vec<Id>> = HashMap::new();
    for e in &g.entities {
        for n in g.supporting(e.meta.id) {
            out.entry(n.meta.id).or_default().push(e.meta.id);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_map_to_relationships_when_the_ends_fit() {
        assert_eq!(
            relationship("associate of", "Person", "Person").0,
            "Associate"
        );
        assert_eq!(
            relationship("associate of", "Person", "Organization").0,
            "UnknownLink"
        );
        assert_eq!(
            relationship("member of", "Person", "Organization").0,
            "Membership"
        );
        assert_eq!(
            relationship("director of", "Person", "Organization").0,
            "Directorship"
        );
        assert_eq!(
            relationship("registered keeper of", "Organization", "Vehicle").0,
            "Ownership"
        );
        assert_eq!(relationship("sibling of", "Person", "Person").0, "Family");
        assert_eq!(relationship("pays", "Person", "Person").0, "Payment");
        assert_eq!(
            relationship("pays", "BankAccount", "BankAccount").0,
            "UnknownLink"
        );
        assert_eq!(
            relationship("uses (assessed)", "Person", "Vehicle").0,
            "UnknownLink"
        );
        let owned = relationship("owned by", "Vehicle", "Person");
        assert_eq!((owned.0, owned.1, owned.2), ("Ownership", "asset", "owner"));
    }

    #[test]
    fn phones_become_international() {
        let n = |s: &str| phone_number(s);
        assert_eq!(n("07700 900123").as_deref(), Some("+447700900123"));
        assert_eq!(n("0044 7700 900123").as_deref(), Some("+447700900123"));
        assert_eq!(n("+33 1 23 45 67 89").as_deref(), Some("+33123456789"));
        assert_eq!(n("(01632) 960-001").as_deref(), Some("+441632960001"));
        assert_eq!(n("unknown"), None);
        assert_eq!(n("phone cash 3696"), None);
        assert_eq!(n("1234"), None);
    }

    #[test]
    fn dates_keep_their_precision() {
        let w: crate::model::When = "2024-03..2024-05-02 10:00".parse().unwrap();
        assert_eq!(date(&w.start), "2024-03");
        assert_eq!(date(&w.end.unwrap()), "2024-05-02T10:00");
    }
}
