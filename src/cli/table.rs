//! `weft import-table FILE --map MAP.toml [--dry-run]`: the rows of a CSV or TSV
//! extract as entities, links and notes, as the mapping says (see
//! [`crate::model::table`]), in one operation; the store reads the file in passes
//! ([`crate::store::table`]), each of them streamed from here.

use super::progress::Progress;
use super::{open_workspace, read_workspace, CliResult, Failure};
use crate::model::table::{Bound, Mapping};
use crate::model::text::sanitize;
use crate::model::vocab::counted;
use crate::store::table::TableReport;
use crate::store::{Result as StoreResult, StoreError};
use clap::Args;
use std::cell::RefCell;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  weft import-table calls.csv --map examples/mappings/cdr.toml --dry-run\n  weft import-table calls.csv --map examples/mappings/cdr.toml\n\nThe file is UTF-8 (a byte order mark is allowed), comma-separated, or tab-separated\nwhen its name ends in .tsv or .tab or the mapping says delimiter = \"tab\"; its first\nline names the columns. A row imported before adds nothing; the whole file is one\nchange (`weft undo` reverts it)."
)]
pub struct ImportTableArgs {
    /// The CSV or TSV file; its first line names the columns.
    pub file: PathBuf,
    /// The mapping (TOML): the entities, links and note each row becomes.
    #[arg(long = "map", value_name = "MAP.toml")]
    pub map: PathBuf,
    /// Say what would be created, matched and skipped, and write nothing.
    #[arg(long)]
    pub dry_run: bool,
}

/// A file being read: every byte hashed, progress told by the MiB.
struct Hashing<'p> {
    file: std::fs::File,
    hasher: blake3::Hasher,
    read: u64,
    total: u64,
    progress: &'p RefCell<Progress>,
}

impl Read for Hashing<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.file.read(buf)?;
        self.hasher.update(&buf[..n]);
        let before = self.read >> 20;
        self.read += n as u64;
        if self.read >> 20 != before {
            if let Ok(mut p) = self.progress.try_borrow_mut() {
                p.update(self.read, self.total.max(self.read));
            }
        }
        Ok(n)
    }
}

/// The table file: its path as the user named it, and its field separator.
struct Table<'a> {
    path: &'a Path,
    label: String,
    delimiter: u8,
}

fn invalid(msg: String) -> StoreError {
    StoreError::Invalid(msg)
}

impl Table<'_> {
    /// Reads the file once: the header line (returned), then each data row handed to
    /// `give` with its line number, unless `header_only`. Returns the header and the
    /// hash of every byte read.
    fn read(
        &self,
        progress: &RefCell<Progress>,
        header_only: bool,
        give: &mut dyn FnMut(u64, &[&str]) -> StoreResult<()>,
    ) -> StoreResult<(Vec<String>, [u8; 32])> {
        let label = &self.label;
        let io = |e: std::io::Error| invalid(format!("{label}: cannot read it: {e}"));
        let file = std::fs::File::open(super::served::local(self.path)).map_err(io)?;
        let total = file.metadata().map_err(io)?.len();
        let mut reader = BufReader::with_capacity(
            1 << 20,
            Hashing {
                file,
                hasher: blake3::Hasher::new(),
                read: 0,
                total,
                progress,
            },
        );
        let head = reader.fill_buf().map_err(io)?;
        if head.starts_with(&[0xff, 0xfe]) || head.starts_with(&[0xfe, 0xff]) {
            return Err(invalid(format!(
                "{label} line 1: the file is UTF-16 (it begins with a UTF-16 byte order mark); save it as UTF-8"
            )));
        }
        if head.starts_with(&[0xef, 0xbb, 0xbf]) {
            reader.consume(3);
        }
        let mut csv = csv::ReaderBuilder::new()
            .delimiter(self.delimiter)
            .has_headers(false)
            .flexible(true)
            .from_reader(reader);
        let mut record = csv::ByteRecord::new();
        let csv_err = |e: csv::Error| match e.position() {
            Some(p) => invalid(format!(
                "{label} line {}: {}",
                p.line(),
                sanitize(&e.to_string())
            )),
            None => invalid(format!("{label}: {}", sanitize(&e.to_string()))),
        };
        if !csv.read_byte_record(&mut record).map_err(csv_err)? {
            return Err(invalid(format!(
                "{label}: the file is empty; its first line must name the columns"
            )));
        }
        let mut header = Vec::with_capacity(record.len());
        for (i, f) in record.iter().enumerate() {
            let name = std::str::from_utf8(f).map_err(|_| {
                invalid(format!(
                    "{label} line 1, column {}: the header is not UTF-8; save the file as UTF-8",
                    i + 1
                ))
            })?;
            header.push(name.trim().to_string());
        }
        if !header_only {
            while csv.read_byte_record(&mut record).map_err(csv_err)? {
                let line = record.position().map_or(0, |p| p.line());
                let mut cells: Vec<&str> = Vec::with_capacity(header.len());
                for (i, f) in record.iter().enumerate() {
                    let cell = std::str::from_utf8(f).map_err(|e| {
                        let column = header
                            .get(i)
                            .map_or_else(|| format!("{}", i + 1), |h| format!("{:?}", sanitize(h)));
                        invalid(format!(
                            "{label} line {line}, column {column}: byte {} of the cell is not UTF-8; save the file as UTF-8",
                            e.valid_up_to() + 1
                        ))
                    })?;
                    cells.push(cell);
                }
                // a line with nothing on it is no row
                if cells.len() == 1 && cells[0].trim().is_empty() && header.len() > 1 {
                    continue;
                }
                give(line, &cells)?;
            }
        }
        let mut reader = csv.into_inner();
        // read what the parser left, so the hash covers the whole file
        std::io::copy(&mut reader, &mut std::io::sink()).map_err(io)?;
        let digest = reader.get_ref().hasher.finalize();
        Ok((header, *digest.as_bytes()))
    }
}

/// Reads the mapping file; the error is one line naming it.
fn read_mapping(path: &Path) -> Result<Mapping, Failure> {
    let name = path.display().to_string();
    let bad = |why: String| Failure::new(format!("{name}: {why}"));
    let bytes = std::fs::read(super::served::local(path))
        .map_err(|e| bad(format!("cannot read it: {e}")))?;
    let text = String::from_utf8(bytes).map_err(|_| bad("is not UTF-8".into()))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    Mapping::parse(text).map_err(bad)
}

impl ImportTableArgs {
    /// Whether the command only reads the workspace (`--dry-run`).
    pub fn only_reads(&self) -> bool {
        self.dry_run
    }
}

pub fn import_table(ws: Option<&Path>, a: ImportTableArgs) -> CliResult {
    let mapping = read_mapping(&a.map)?;
    let label = a.file.display().to_string();
    let delimiter = mapping.delimiter.unwrap_or_else(|| {
        let ext = a
            .file
            .extension()
            .and_then(|e| e.to_str())
            .map(|e| e.to_ascii_lowercase());
        match ext.as_deref() {
            Some("tsv") | Some("tab") => b'\t',
            _ => b',',
        }
    });
    let table = Table {
        path: &a.file,
        label: label.clone(),
        delimiter,
    };
    let progress = RefCell::new(Progress::new(&format!("import-table {label}")));
    // the file and its header are checked before the workspace is opened
    let (header, _) = table.read(&progress, true, &mut |_, _| Ok(()))?;
    let bound: Bound = mapping
        .bind(&header)
        .map_err(|e| Failure::new(format!("{label} with {}: {e}", a.map.display())))?;
    let mut store = if a.dry_run {
        read_workspace(ws)?
    } else {
        open_workspace(ws)?
    };
    let mut pass = |give: &mut dyn FnMut(u64, &[&str]) -> StoreResult<()>| {
        table.read(&progress, false, give).map(|(_, digest)| digest)
    };
    let report = store.import_table(
        &bound,
        &label,
        &mut pass,
        a.dry_run,
        &mut |stage, done, total| {
            if let Ok(mut p) = progress.try_borrow_mut() {
                if done == 0 {
                    p.stage(stage);
                } else {
                    p.update(done, total);
                }
            }
        },
    )?;
    progress.into_inner().finish();
    let mut out = super::out::stdout();
    for line in describe(&label, &report, a.dry_run) {
        out.line(&line)?;
    }
    out.finish()
}

/// The report, a few lines: rows, entities, records.
pub fn describe(label: &str, r: &TableReport, dry_run: bool) -> Vec<String> {
    let (make, made, matches, skip) = if dry_run {
        ("would create", "would import", "would match", "would skip")
    } else {
        ("created", "imported", "matched", "skipped")
    };
    let mut rows = format!(
        "{}: {}; {made} {}",
        sanitize(label),
        counted(r.rows as usize, "row", "rows"),
        r.imported
    );
    if r.entity_rows > 0 {
        rows.push_str(&format!(" (and {} of entities only)", r.entity_rows));
    }
    rows.push_str(&format!(
        ", {skip} {} ({} imported before, {} repeated in the file)",
        r.already + r.repeated,
        r.already,
        r.repeated
    ));
    let mut entities = format!(
        "entities: {make} {}, {matches} {}",
        r.entities_created, r.entities_matched
    );
    if r.entities_extended > 0 {
        entities.push_str(&format!(
            " ({} given new aliases or attributes)",
            r.entities_extended
        ));
    }
    if r.attributes_kept > 0 {
        entities.push_str(&format!(
            "; {} kept where the file gave another value",
            counted(r.attributes_kept as usize, "attribute", "attributes")
        ));
    }
    let mut records = format!(
        "records: {make} {}, {}, {}",
        counted(r.links as usize, "link", "links"),
        counted(r.notes as usize, "note", "notes"),
        counted(r.mentions as usize, "mention", "mentions"),
    );
    if r.self_links > 0 {
        records.push_str(&format!(
            "; {} not made (both ends the same entity)",
            counted(r.self_links as usize, "link", "links")
        ));
    }
    let mut lines = vec![rows, entities, records];
    if !dry_run && r.changes > 0 {
        lines.push("one change: `weft undo` reverts the whole import".into());
    } else if !dry_run {
        lines.push("nothing to change".into());
    }
    lines
}
