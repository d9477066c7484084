//! The backlog as CSV (RFC 4180, CRLF line ends): one row per question. No cell holds a
//! control character (but line feeds and tabs) or a bidirectional control, whatever the
//! file is written to ([`clean_cell`]), and every cell that a spreadsheet could take for
//! a formula is neutralised with a leading `'`.

use crate::model::{Hypothesis, Id, Question};
use chrono::{DateTime, Utc};
use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt::Write;

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

/// Whether a character starts a formula: `=`, `+`, `-`, `@`, or their fullwidth and
/// small forms, which some spreadsheets read the same way.
fn is_formula_char(c: char) -> bool {
    matches!(
        c,
        '=' | '+'
            | '-'
            | '@'
            | '\u{ff1d}' // ＝
            | '\u{ff0b}' // ＋
            | '\u{ff0d}' // －
            | '\u{ff20}' // ＠
            | '\u{fe66}' // ﹦
            | '\u{fe62}' // ﹢
            | '\u{fe63}' // ﹣
            | '\u{fe6b}' // ﹫
    )
}

/// What a spreadsheet may skip before it looks for a formula: whitespace (a leading
/// space, tab, line break, no-break or ideographic space), other control characters,
/// and invisible characters (a byte-order mark, a zero-width space).
fn skipped(c: char) -> bool {
    c.is_whitespace() || crate::model::text::is_unsafe(c)
}

/// A cell a spreadsheet would read as a formula gets a leading single quote: one whose
/// first visible character starts a formula, even behind spaces, a byte-order mark or a
/// zero-width space, and one that starts with a tab or carriage return (which some
/// spreadsheets strip before reading a formula).
pub fn neutralise(cell: &str) -> Cow<'_, str> {
    let risky = cell.starts_with(['\t', '\r'])
        || cell
            .chars()
            .find(|&c| !skipped(c))
            .is_some_and(is_formula_char);
    if risky {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// Whether a character may not stand in a CSV cell as it is: CSV has no escape syntax,
/// so a control character or a bidirectional control would reach whatever reads the
/// file (a terminal that `cat`s it, a spreadsheet that reorders a cell) raw. Line feeds
/// and tabs are kept: a quoted cell holds them (RFC 4180) and they drive nothing.
fn is_raw_in_csv(c: char) -> bool {
    (c.is_control() && !matches!(c, '\n' | '\t')) || crate::model::text::is_bidi_control(c)
}

/// A cell's text with nothing raw in it ([`is_raw_in_csv`]), made visible as weft's
/// display does: a CRLF line end becomes a line feed; every other C0 control shows as
/// its control picture (ESC as `␛`, a lone carriage return as `␍`), DEL as `␡`, and a
/// C1 control or a bidirectional control as `�`.
pub fn clean_cell(cell: &str) -> Cow<'_, str> {
    if !cell.chars().any(is_raw_in_csv) {
        return Cow::Borrowed(cell);
    }
    let mut out = String::with_capacity(cell.len() + 8);
    let mut chars = cell.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' if chars.peek() == Some(&'\n') => {}
            '\u{7f}' => out.push('\u{2421}'),
            c if (c as u32) < 0x20 && is_raw_in_csv(c) => {
                out.push(char::from_u32(0x2400 + c as u32).unwrap_or('\u{fffd}'))
            }
            c if is_raw_in_csv(c) => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// `2024-06-03T12:00:00Z`/// `2024-06-03T12:00:00Z`: RFC 3339 to the second, written without a formatter.
fn time(buf: &mut String, t: &DateTime<Utc>) {
    use chrono::{Datelike, Timelike};
    let _ = write!(
        buf,
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        t.year(),
        t.month(),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    );
}

/// One line per hypothesis: `H3 (likely, live): statement`.
fn hypotheses(buf: &mut String, hs: &[Hypothesis]) {
    for (i, h) in hs.iter().enumerate() {
        if i > 0 {
            buf.push('\n');
        }
        let likelihood = h.likelihood.map(|l| l.words()).unwrap_or("unassessed");
        let _ = write!(
            buf,
            "{} ({likelihood}, {}): {}",
            h.meta.id,
            h.status.as_str(),
            h.statement
        );
    }
}

fn answer(buf: &mut String, q: &Question) {
    if let Some(a) = &q.answer {
        buf.push_str(&a.text);
        if let Some(c) = a.confidence {
            let _ = write!(buf, " [confidence: {c}]");
        }
    }
}

/// A CSV error as the I/O error it is (a closed pipe stays a closed pipe).
fn io(e: ::csv::Error) -> std::io::Error {
    match e.into_kind() {
        ::csv::ErrorKind::Io(e) => e,
        other => std::io::Error::other(format!("cannot write CSV: {other:?}")),
    }
}

/// The backlog's CSV, written a row at a time: the header when made, then one row per
/// [`Rows::row`]. Nothing but the row being written is held.
pub(super) struct Rows<W: std::io::Write> {
    w: ::csv::Writer<W>,
    buf: String,
}

impl<W: std::io::Write> Rows<W> {
    /// Starts the CSV on `out` with its header row.
    pub fn new(out: W) -> std::io::Result<Self> {
        let mut w = ::csv::WriterBuilder::new()
            .terminator(::csv::Terminator::CRLF)
            .from_writer(out);
        w.write_record(COLUMNS).map_err(io)?;
        Ok(Rows {
            w,
            buf: String::with_capacity(256),
        })
    }

    /// Writes one cell built by `fill`, neutralised and then cleaned ([`clean_cell`],
    /// which never makes a cell start a formula: a cell that began with a carriage
    /// return keeps its quote in front of the `␍` that stands for it).
    fn cell(&mut self, fill: impl FnOnce(&mut String)) -> std::io::Result<()> {
        self.buf.clear();
        fill(&mut self.buf);
        let cell = neutralise(&self.buf);
        self.w.write_field(clean_cell(&cell).as_bytes()).map_err(io)
    }

    /// The row of question `q`, whose hypotheses are `hs` (in id order).
    pub fn row(&mut self, q: &Question, hs: &[Hypothesis]) -> std::io::Result<()> {
        self.cell(|b| {
            let _ = write!(b, "{}", q.meta.id);
        })?;
        self.cell(|b| {
            if let Some(p) = q.parent {
                let _ = write!(b, "{p}");
            }
        })?;
        self.cell(|b| b.push_str(&q.title))?;
        self.cell(|b| b.push_str(q.status.as_str()))?;
        self.cell(|b| {
            let _ = write!(b, "{}", q.priority);
        })?;
        self.cell(|b| b.push_str(q.kind.as_str()))?;
        self.cell(|b| b.push_str(&q.meta.tags.join(" ")))?;
        self.cell(|b| hypotheses(b, hs))?;
        self.cell(|b| time(b, &q.meta.created))?;
        self.cell(|b| time(b, &q.meta.updated))?;
        self.cell(|b| {
            if let Some(d) = q.review_by {
                let _ = write!(b, "{d}");
            }
        })?;
        self.cell(|b| answer(b, q))?;
        self.w.write_record(None::<&[u8]>).map_err(io)
    }

    /// Writes out what is buffered and gives back the writer.
    pub fn finish(self) -> std::io::Result<W> {
        self.w.into_inner().map_err(|e| e.into_error())
    }
}

/// The whole CSV of `qs` (in the order given), in memory.
pub(super) fn render(
    qs: &[Question],
    hyps: &HashMap<Id, Vec<Hypothesis>>,
) -> std::io::Result<Vec<u8>> {
    let mut rows = Rows::new(Vec::with_capacity(qs.len() * 160 + 128))?;
    for q in qs {
        rows.row(q, hyps.get(&q.meta.id).map(Vec::as_slice).unwrap_or(&[]))?;
    }
    rows.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

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
            (" =1+1", "' =1+1"),
            ("  @SUM(A1)", "'  @SUM(A1)"),
            ("\u{feff}=cmd", "'\u{feff}=cmd"),
            ("\u{200b}+1", "'\u{200b}+1"),
            ("\u{a0}\u{3000}-1", "'\u{a0}\u{3000}-1"),
            ("\n=x", "'\n=x"),
            ("\u{ff1d}HYPERLINK()", "'\u{ff1d}HYPERLINK()"),
            ("\u{ff0b}1", "'\u{ff0b}1"),
            ("\u{ff0d}1", "'\u{ff0d}1"),
            ("\u{ff20}x", "'\u{ff20}x"),
            (" plain = fine", " plain = fine"),
            ("\u{feff}", "\u{feff}"),
        ] {
            assert_eq!(neutralise(cell), want, "{cell:?}");
        }
    }

    #[test]
    fn controls_and_bidi_controls_never_stand_raw_in_a_cell() {
        for (cell, want) in [
            (
                "plain, \"quoted\"\nnext\tline",
                "plain, \"quoted\"\nnext\tline",
            ),
            ("a\r\nb", "a\nb"),
            ("a\rb", "a\u{240d}b"),
            ("x\u{1b}]52;c;aGk=\u{7}", "x\u{241b}]52;c;aGk=\u{2407}"),
            ("del\u{7f}", "del\u{2421}"),
            ("c1\u{9b}31m\u{85}", "c1\u{fffd}31m\u{fffd}"),
            (
                "\u{202e}evil\u{2066}x\u{2069}\u{200f}",
                "\u{fffd}evil\u{fffd}x\u{fffd}\u{fffd}",
            ),
            // zero-width joiners are text (Persian, emoji), not controls
            ("\u{645}\u{200c}\u{62e}", "\u{645}\u{200c}\u{62e}"),
        ] {
            assert_eq!(clean_cell(cell), want, "{cell:?}");
        }
    }

    proptest! {
        #[test]
        fn no_cell_starts_a_formula(
            lead in prop::collection::vec(prop::sample::select(vec![
                ' ', '\t', '\r', '\n', '\u{a0}', '\u{3000}', '\u{feff}', '\u{200b}',
                '\u{200d}', '\u{2060}', '\u{202e}', '\u{1b}', '\u{9b}',
            ]), 0..4),
            first in prop::sample::select(vec![
                '=', '+', '-', '@', '\u{ff1d}', '\u{ff0b}', '\u{ff0d}', '\u{ff20}', 'a', '1', '\'',
            ]),
            rest in "\\PC{0,10}",
        ) {
            let cell: String = lead.into_iter().chain(std::iter::once(first)).collect::<String>() + &rest;
            let out = neutralise(&cell);
            let visible = out.chars().find(|&c| !skipped(c));
            prop_assert!(!visible.is_some_and(is_formula_char), "{:?} -> {:?}", cell, out);
            prop_assert!(!out.starts_with(['\t', '\r']), "{:?}", out);
            // nothing is lost: the cell is the same text, or the text behind one quote
            prop_assert!(out == cell || out.strip_prefix('\'') == Some(cell.as_str()));
        }
    }
}
