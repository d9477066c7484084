//! How records look on the command line: one sanitised line per record for lists, a
//! block for `show`, and JSON objects with the SPEC's field names.

use super::Failure;
use crate::model::text::{fit, sanitize};
use crate::model::Record;
use crate::store::{Neighbour, Store};
use serde::Serialize;
use serde_json::{json, Value};

/// `value` as one line of JSON, with every character that could act on a terminal
/// escaped (`crate::model::json`).
pub fn json_line<T: Serialize + ?Sized>(value: &T) -> Result<String, Failure> {
    crate::model::json::to_string(value)
        .map_err(|e| Failure::new(format!("cannot write JSON: {e}")))
}

/// One line for `list`: id, the kind's key columns, then the title.
pub fn line(rec: &Record) -> String {
    let id = rec.id().to_string();
    let cols = match rec {
        Record::Question(q) => format!(
            "{} P{} {} ",
            fit(q.status.as_str(), 8),
            q.priority,
            fit(q.kind.as_str(), 11)
        ),
        Record::Hypothesis(h) => format!(
            "{} {} {} ",
            h.question,
            fit(h.status.as_str(), 9),
            fit(
                &h.likelihood
                    .map(|l| l.to_string())
                    .unwrap_or("unassessed".into()),
                21
            )
        ),
        Record::Entity(e) => format!("{} ", fit(e.kind.as_str(), 12)),
        Record::Note(n) => format!(
            "{} {} ",
            fit(
                &n.grade.map(|g| g.to_string()).unwrap_or_else(|| "-".into()),
                3
            ),
            fit(
                &n.when
                    .as_ref()
                    .map(|w| w.to_string())
                    .unwrap_or_else(|| "-".into()),
                16
            )
        ),
        Record::Expectation(x) => format!("{} {} ", x.hypothesis, fit(x.status.as_str(), 9)),
        Record::Link(_) | Record::Assessment(_) | Record::Dismissal(_) => String::new(),
    };
    sanitize(&format!("{id:<6} {cols}{}", rec.title())).into_owned()
}

/// The neighbours of a record as JSON: each link with its direction and far end.
pub fn links_json(store: &Store, links: &[Neighbour]) -> Value {
    Value::Array(
        links
            .iter()
            .map(|n| {
                let title = store
                    .get(n.other)
                    .ok()
                    .flatten()
                    .map(|r| r.title())
                    .unwrap_or_default();
                json!({
                    "id": n.link.meta.id,
                    "label": n.link.label,
                    "direction": if n.dir == crate::store::Direction::Out { "out" } else { "in" },
                    "other": n.other,
                    "other_title": title,
                    "confidence": n.link.confidence,
                    "when": n.link.when,
                })
            })
            .collect(),
    )
}

/// `show` as text: the record's fields, one per line, then its links.
pub fn show_text(store: &Store, rec: &Record, links: &[Neighbour]) -> String {
    let mut out = String::new();
    let v = rec.to_json();
    if let Value::Object(map) = &v {
        for (k, val) in map {
            let text = match val {
                Value::Null => continue,
                Value::String(s) => s.clone(),
                Value::Array(a) if a.is_empty() => continue,
                other => other.to_string(),
            };
            let text = text.replace('\n', "\n            ");
            out.push_str(&format!(
                "{:<11} {}\n",
                k,
                crate::model::text::sanitize_with(&text, true)
            ));
        }
    }
    if let Record::Note(n) = rec {
        if let Some(g) = n.grade {
            out.push_str(&format!(
                "{:<11} {}; {}; {}\n",
                "meaning",
                g.source_meaning(),
                g.intel_meaning(),
                g.handling_meaning()
            ));
        }
    }
    if !links.is_empty() {
        out.push_str(&format!("links       {}\n", links.len()));
        for n in links {
            let title = store
                .get(n.other)
                .ok()
                .flatten()
                .map(|r| r.title())
                .unwrap_or_default();
            let arrow = match n.dir {
                crate::store::Direction::Out => format!("-{}->", n.link.label),
                crate::store::Direction::In => format!("<-{}-", n.link.label),
            };
            out.push_str(&sanitize(&format!(
                "  {:<6} {} {} {}",
                n.link.meta.id, arrow, n.other, title
            )));
            out.push('\n');
        }
    }
    out
}
