//! A flat CSV for i2 Analyst's Notebook's import wizard (`weft export chart --format
//! i2csv`), for analysts who keep an import specification: one row per link, end 1, the
//! link, end 2 (ANB's default import design), and one row with only end 1 for an entity
//! with no link in the chart. The headers ([`COLUMNS`]) never change, so a saved
//! specification keeps matching. Dates are ISO (`yyyy-MM-dd`, `HH:mm:ss`, UTC), grades
//! are the grade names themselves (`B`, `2`, `P`), and every cell is cleaned and
//! neutralised as the backlog CSV's are (RFC 4180, CRLF).

use super::csv::{clean_cell, neutralise};
use super::graph::{chart_type, link_type, Subgraph};
use crate::model::when::Precision;
use crate::model::{Entity, Link, Note};
use std::io::{self, Write};

/// The header row: stable across versions.
pub const COLUMNS: [&str; 21] = [
    "end1_identity",
    "end1_type",
    "end1_label",
    "link_identity",
    "link_type",
    "link_label",
    "link_direction",
    "end2_identity",
    "end2_type",
    "end2_label",
    "date",
    "time",
    "time_zone",
    "date_description",
    "grade_source",
    "grade_intel",
    "grade_handling",
    "source_ref",
    "source_type",
    "confidence",
    "description",
];

/// i2's direction code for a link from end 1 to end 2.
const END1_TO_END2: &str = "1";

fn io_err(e: ::csv::Error) -> io::Error {
    match e.into_kind() {
        ::csv::ErrorKind::Io(e) => e,
        other => io::Error::other(format!("cannot write CSV: {other:?}")),
    }
}

/// What a chart's CSV held.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Written {
    pub links: usize,
    pub lone_entities: usize,
}

fn entity_cells(e: Option<&Entity>) -> [String; 3] {
    match e {
        Some(e) => [
            e.meta.id.to_string(),
            chart_type(e.kind).to_string(),
            e.name.clone(),
        ],
        None => Default::default(),
    }
}

fn link_cells(l: &Link, source: Option<&Note>) -> [String; 14] {
    let mut c: [String; 14] = Default::default();
    c[0] = l.meta.id.to_string();
    c[1] = link_type(&l.label);
    c[2] = l.label.clone();
    c[3] = END1_TO_END2.into();
    if let Some(w) = &l.when {
        let start = w.start_instant();
        c[4] = start.format("%Y-%m-%d").to_string();
        if w.end.is_none() && w.start.precision == Precision::Minute {
            c[5] = start.format("%H:%M:%S").to_string();
        }
        c[6] = "UTC".into();
        c[7] = w.human();
    }
    if let Some(g) = source.and_then(|n| n.grade) {
        c[8] = g.source.letter().to_string();
        c[9] = g.intel.number().to_string();
        c[10] = g.handling.letter().to_string();
    }
    if let Some(s) = l.source {
        c[11] = s.to_string();
    }
    if let Some(n) = source {
        c[12] = n.source.trim().to_string();
        c[13] = crate::model::text::title_line(&n.text);
    }
    c
}

/// Writes `g` as the flat i2 CSV.
pub fn write_i2csv(g: &Subgraph, out: &mut dyn Write) -> io::Result<Written> {
    let mut w = ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::CRLF)
        .from_writer(io::BufWriter::with_capacity(1 << 16, out));
    w.write_record(COLUMNS).map_err(io_err)?;
    let mut row = |cells: &[&str]| -> io::Result<()> {
        for cell in cells {
            let cell = neutralise(cell);
            w.write_field(clean_cell(&cell).as_bytes())
                .map_err(io_err)?;
        }
        w.write_record(None::<&[u8]>).map_err(io_err)
    };
    let mut written = Written::default();
    let mut linked = std::collections::HashSet::new();
    for l in &g.links {
        let (from, to) = (g.entity(l.from), g.entity(l.to));
        if from.is_none() || to.is_none() {
            continue;
        }
        linked.insert(l.from);
        linked.insert(l.to);
        let source = g.source_of(l);
        let [e1, e2] = [entity_cells(from), entity_cells(to)];
        let lc = link_cells(l, source);
        let confidence = l.confidence.map(|c| c.words()).unwrap_or("");
        let cells: Vec<&str> = e1
            .iter()
            .chain(&lc[0..4])
            .chain(&e2)
            .chain(&lc[4..13])
            .map(String::as_str)
            .chain([confidence, lc[13].as_str()])
            .collect();
        row(&cells)?;
        written.links += 1;
    }
    for e in g.entities.iter().filter(|e| !linked.contains(&e.meta.id)) {
        let e1 = entity_cells(Some(e));
        let mut cells: Vec<&str> = e1.iter().map(String::as_str).collect();
        cells.resize(COLUMNS.len(), "");
        row(&cells)?;
        written.lone_entities += 1;
    }
    w.flush()?;
    Ok(written)
}
