//! The whole workspace as lossless JSON (schema `weft.workspace/2`), and reading it back
//! for `weft import`.
//!
//! Layout: one object with `schema`, the id counters `next` and `seq`, the workspace's
//! `name` when one was given (optional: an export without it imports unnamed), one array per
//! record kind (`questions`, `hypotheses`, `entities`, `notes`, `links`, `assessments`,
//! `expectations`, `dismissals`) in id order, and `journal`, oldest entry first. Version 2
//! added `expectations`; a `weft.workspace/1` file (which has no such array) still
//! imports, and `dismissals` may be absent. Each record and each journal entry is
//! one line, as the store keeps it but for DEL, C1 controls and invisible formatting
//! characters, which are written as `\uXXXX` escapes (the same text once read), so a
//! position in the file names a record and no raw control reaches a terminal or pipe.
//! Reading is strict: an unknown field, a field given twice, a record under the wrong
//! kind or an unknown schema is refused with its line and column.

pub mod stream;
mod strict;

#[cfg(test)]
pub(crate) use strict::sample_records;

use crate::model::Kind;
use crate::store::bulk::Dump;
use crate::store::{self, Store, StoreError};
use std::io::Write;

/// The schema name written into a workspace export.
pub const WORKSPACE_SCHEMA: &str = "weft.workspace/2";

/// The earlier schema, still read: the same layout without `expectations`.
pub const WORKSPACE_SCHEMA_V1: &str = "weft.workspace/1";

/// The record kinds in the order the export lists them.
const SECTIONS: [Kind; 8] = [
    Kind::Question,
    Kind::Hypothesis,
    Kind::Entity,
    Kind::Note,
    Kind::Link,
    Kind::Assessment,
    Kind::Expectation,
    Kind::Dismissal,
];

/// What a workspace export wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Written {
    pub records: u64,
    pub journal: u64,
}

fn other(e: StoreError) -> std::io::Error {
    std::io::Error::other(e.to_string())
}

/// Writes one line of stored JSON with every DEL, C1 control and invisible formatting
/// character as a `\uXXXX` escape ([`crate::model::json::escape_unsafe`]): the export
/// reaches terminals and pipes as well as files, and the escapes read back as the very
/// same text, so the export stays lossless.
fn write_json(w: &mut dyn Write, json: &[u8]) -> std::io::Result<()> {
    match std::str::from_utf8(json) {
        Ok(text) => w.write_all(crate::model::json::escape_unsafe(text).as_bytes()),
        // serde_json writes UTF-8 only; anything else is passed on as it is
        Err(_) => w.write_all(json),
    }
}

/// Writes every record, id counter and journal entry of `store` to `w`.
pub fn write_workspace(store: &Store, w: &mut dyn Write) -> std::io::Result<Written> {
    let state = store.state();
    let next = serde_json::to_string(&state.next).map_err(std::io::Error::other)?;
    write!(
        w,
        "{{\n  \"schema\": \"{WORKSPACE_SCHEMA}\",\n  \"next\": {next},\n  \"seq\": {},\n",
        state.seq
    )?;
    if let Some(name) = store.given_name() {
        let name = crate::model::json::to_string(&name).map_err(std::io::Error::other)?;
        writeln!(w, "  \"name\": {name},")?;
    }
    let mut written = Written {
        records: 0,
        journal: 0,
    };
    for kind in SECTIONS {
        write!(w, "  \"{}\": [", kind.plural())?;
        let mut first = true;
        for rec in store.records(kind) {
            let rec = rec.map_err(other)?;
            w.write_all(if first { b"\n    " } else { b",\n    " })?;
            first = false;
            write_json(w, &rec.to_bytes())?;
            written.records += 1;
        }
        w.write_all(if first { b"],\n" } else { b"\n  ],\n" })?;
    }
    w.write_all(b"  \"journal\": [")?;
    let mut first = true;
    for entry in store.log_forward() {
        let entry = entry.map_err(other)?;
        w.write_all(if first { b"\n    " } else { b",\n    " })?;
        first = false;
        write_json(w, &entry.to_bytes())?;
        written.journal += 1;
    }
    w.write_all(if first { b"]\n}\n" } else { b"\n  ]\n}\n" })?;
    Ok(written)
}

/// `line 14 column 3: unknown field "colour"` from a serde_json error.
fn positioned(e: &serde_json::Error) -> StoreError {
    let msg = e.to_string();
    if e.line() == 0 {
        return StoreError::invalid(msg);
    }
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    let bare = msg.strip_suffix(&suffix).unwrap_or(&msg);
    StoreError::invalid(format!("line {} column {}: {bare}", e.line(), e.column()))
}

/// Reads a workspace export into a [`Dump`]. Syntax, types, unknown fields, a record
/// listed under the wrong kind and an unknown schema are refused here, with the position
/// of the first error; cross-record consistency is [`Dump::validate`]'s. The whole file
/// is held: `weft import` streams instead ([`stream::read_workspace`]).
pub fn parse_workspace(bytes: &[u8]) -> store::Result<Dump> {
    let mut records = Vec::new();
    let mut journal = Vec::new();
    let header = stream::read_workspace(bytes, |item| {
        match item {
            stream::Item::Record(r) => records.push(r),
            stream::Item::Entry(e) => journal.push(e),
        }
        Ok(())
    })?;
    Ok(Dump {
        next: header.next,
        seq: header.seq,
        records,
        journal,
        name: header.name,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_carry_the_position() {
        let e = parse_workspace(b"{\n  \"schema\": \"weft.workspace/1\",\n  oops\n}")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("line 3 column 3: "), "{e}");
    }

    const V1: &str = r#"{"schema": "weft.workspace/1", "next": {"Q": 2}, "seq": 0,
        "questions": [{"id":"Q1","created":"2024-01-01T00:00:00Z","updated":"2024-01-01T00:00:00Z","by":"a","tags":[],"title":"t","detail":"","status":"open","priority":2,"kind":"situation","parent":null,"review_by":null,"answer":null}],
        "hypotheses": [], "entities": [], "notes": [], "links": [], "assessments": [],
        "journal": []}"#;

    #[test]
    fn reads_version_one_and_refuses_mixed_versions() {
        let dump = parse_workspace(V1.as_bytes()).unwrap();
        assert_eq!(dump.records.len(), 1);
        let v1_with = V1.replace(
            "\"assessments\": [],",
            "\"assessments\": [], \"expectations\": [],",
        );
        let e = parse_workspace(v1_with.as_bytes()).unwrap_err().to_string();
        assert!(e.contains("weft.workspace/1 export"), "{e}");
        let v2_without = V1.replace("workspace/1", "workspace/2");
        let e = parse_workspace(v2_without.as_bytes())
            .unwrap_err()
            .to_string();
        assert!(e.contains("no \"expectations\" array"), "{e}");
        let v2 = v1_with.replace("workspace/1", "workspace/2");
        assert_eq!(parse_workspace(v2.as_bytes()).unwrap().records.len(), 1);
    }
}
