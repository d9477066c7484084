//! The backlog as CSV (RFC 4180, CRLF line ends): one row per question. Every cell that
//! a spreadsheet could take for a formula is neutralised with a leading `'`.

use crate::model::{Hypothesis, Id, Question};
use crate::store::{self, StoreError};
use chrono::{DateTime, SecondsFormat, Utc};
use std::borrow::Cow;
use std::collections::HashMap;

/// The header row.
pub const COLUMNS: [&str; 12] = [
    "id",
    "parent",
    "title",
    "status",
    "priority",
    "kind",
    "tags",
    "hypotheses",
    "created",
    "updated",
    "review_by",
    "answer",
];

/// A cell a spreadsheet would read as a formula (or that starts with a character some
/// spreadsheets strip before reading one) gets a leading single quote.
pub fn neutralise(cell: &str) -> Cow<'_, str> {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => Cow::Owned(format!("'{cell}")),
        _ => Cow::Borrowed(cell),
    }
}

fn time(t: &DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// One line per hypothesis: `H3 (likely, live): statement`.
fn hypotheses(hs: &[Hypothesis]) -> String {
    let mut out = String::new();
    for (i, h) in hs.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let likelihood = h.likelihood.map(|l| l.words()).unwrap_or("unassessed");
        out.push_str(&format!(
            "{} ({likelihood}, {}): {}",
            h.meta.id, h.status, h.statement
        ));
    }
    out
}

fn answer(q: &Question) -> String {
    match &q.answer {
        None => String::new(),
        Some(a) => match a.confidence {
            Some(c) => format!("{} [confidence: {c}]", a.text),
            None => a.text.clone(),
        },
    }
}

pub(super) fn render(qs: &[Question], hyps: &HashMap<Id, Vec<Hypothesis>>) -> store::Result<Vec<u8>> {
    let fail = |e: ::csv::Error| StoreError::invalid(format!("cannot write CSV: {e}"));
    let mut w = ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::CRLF)
        .from_writer(Vec::with_capacity(qs.len() * 160 + 128));
    w.write_record(COLUMNS).map_err(fail)?;
    let none = Vec::new();
    for q in qs {
        let cells: [String; 12] = [
            q.meta.id.to_string(),
            q.parent.map(|p| p.to_string()).unwrap_or_default(),
            q.title.clone(),
            q.status.to_string(),
            q.priority.to_string(),
            q.kind.to_string(),
            q.meta.tags.join(" "),
            hypotheses(hyps.get(&q.meta.id).unwrap_or(&none)),
            time(&q.meta.created),
            time(&q.meta.updated),
            q.review_by.map(|d| d.to_string()).unwrap_or_default(),
            answer(q),
        ];
        w.write_record(cells.iter().map(|c| neutralise(c).into_owned()))
            .map_err(fail)?;
    }
    w.into_inner()
        .map_err(|e| StoreError::invalid(format!("cannot write CSV: {}", e.error())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_starts_are_neutralised() {
        for (cell, want) in [
            ("=1+1", "'=1+1"),
            ("+44 7700", "'+44 7700"),
            ("-2", "'-2"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"),
            ("\rx", "'\rx"),
            ("plain", "plain"),
            ("a=b", "a=b"),
            ("", ""),
            ("'quoted", "'quoted"),
        ] {
            assert_eq!(neutralise(cell), want, "{cell:?}");
        }
    }
}
