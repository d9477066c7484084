//! `weft add`, `link`, `set`, `delete` and `undo`: every change the command line makes.

use super::{open_workspace, CliResult, Failure};
use crate::model::{fields, EntityKind, Grade, Id, Sees, When, Yardstick};
use crate::store::{NewEntity, NewLink, NewNote, NewQuestion};
use clap::{Args, Subcommand};
use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

fn priority(s: &str) -> Result<u8, String> {
    fields::parse_priority(s).map_err(|e| e.to_string())
}

fn tag(s: &str) -> Result<String, String> {
    fields::parse_tag(s).map_err(|e| e.to_string())
}

fn date(s: &str) -> Result<chrono::NaiveDate, String> {
    fields::parse_date(s).map_err(|e| e.to_string())
}

fn key_value(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((k, v)) if !k.trim().is_empty() => Ok((k.trim().to_string(), v.to_string())),
        _ => Err(format!("invalid assignment {s:?}: expected KEY=VALUE")),
    }
}

#[derive(Debug, Subcommand)]
pub enum AddCommand {
    /// A question: `weft add question "Who runs the KING line?" --priority 1`.
    Question {
        title: String,
        /// 1 (highest) to 4.
        #[arg(long, default_value = "2", value_parser = priority)]
        priority: u8,
        /// SEES kind: situation, explanation, estimate or warning.
        #[arg(long, default_value = "situation")]
        kind: Sees,
        /// The question this one breaks down.
        #[arg(long)]
        parent: Option<Id>,
        /// Review by this date (YYYY-MM-DD).
        #[arg(long, value_parser = date)]
        review_by: Option<chrono::NaiveDate>,
        /// Multi-line detail.
        #[arg(long, default_value = "")]
        detail: String,
        #[arg(long = "tag", value_parser = tag)]
        tags: Vec<String>,
    },
    /// An entity: `weft add entity "Darren Marsh" --kind person --alias Daz`.
    Entity {
        name: String,
        #[arg(long)]
        kind: EntityKind,
        #[arg(long = "alias")]
        aliases: Vec<String>,
        /// An attribute, KEY=VALUE (repeatable).
        #[arg(long = "attr", value_parser = key_value)]
        attrs: Vec<(String, String)>,
        #[arg(long = "tag", value_parser = tag)]
        tags: Vec<String>,
    },
    /// A note; its first line is its title. `-` reads the text from standard input.
    Note {
        text: String,
        /// Where it came from.
        #[arg(long, default_value = "")]
        source: String,
        /// 3x5x2 grade, e.g. B2P.
        #[arg(long)]
        grade: Option<Grade>,
        /// When it happened: 2024, 2024-03, 2024-03-04, 2024-03-04 14:30, ~ for about, A..B.
        #[arg(long)]
        when: Option<When>,
        #[arg(long = "tag", value_parser = tag)]
        tags: Vec<String>,
    },
    /// A hypothesis answering a question: `weft add hypothesis Q3 "Marsh took over" --likelihood rp`.
    Hypothesis {
        question: Id,
        statement: String,
        /// Yardstick: remote, hu, u, rp, l, hl, ac or the words.
        #[arg(long)]
        likelihood: Option<Yardstick>,
    },
}

#[derive(Debug, Args)]
pub struct LinkArgs {
    from: Id,
    to: Id,
    /// What the link means: "associate of", "uses", "member of", …
    #[arg(long)]
    label: String,
    #[arg(long)]
    confidence: Option<Yardstick>,
    /// The note it rests on.
    #[arg(long)]
    source: Option<Id>,
    #[arg(long)]
    when: Option<When>,
}

#[derive(Debug, Args)]
pub struct SetArgs {
    id: Id,
    /// FIELD=VALUE pairs, e.g. status=answered "answer=Marsh runs it" confidence=l.
    #[arg(required = true, value_parser = key_value)]
    assignments: Vec<(String, String)>,
}

#[derive(Debug, Args)]
pub struct DeleteArgs {
    id: Id,
}

fn read_text(text: String) -> Result<String, Failure> {
    if text != "-" {
        return Ok(text);
    }
    let mut s = String::new();
    std::io::stdin()
        .read_to_string(&mut s)
        .map_err(|e| Failure::new(format!("cannot read the note from standard input: {e}")))?;
    Ok(s.trim_end().to_string())
}

pub fn add(ws: Option<&Path>, cmd: AddCommand) -> CliResult {
    let mut store = open_workspace(ws)?;
    let id = match cmd {
        AddCommand::Question {
            title,
            priority,
            kind,
            parent,
            review_by,
            detail,
            tags,
        } => store.add_question(NewQuestion {
            priority,
            kind,
            parent,
            review_by,
            detail,
            tags,
            ..NewQuestion::new(&title)
        })?,
        AddCommand::Entity {
            name,
            kind,
            aliases,
            attrs,
            tags,
        } => store.add_entity(NewEntity {
            name,
            kind,
            aliases,
            attributes: attrs.into_iter().collect::<BTreeMap<_, _>>(),
            tags,
        })?,
        AddCommand::Note {
            text,
            source,
            grade,
            when,
            tags,
        } => store.add_note(NewNote {
            text: read_text(text)?,
            source,
            grade,
            when,
            tags,
        })?,
        AddCommand::Hypothesis {
            question,
            statement,
            likelihood,
        } => store.add_hypothesis(question, &statement, likelihood)?,
    };
    println!("{id}");
    Ok(())
}

pub fn link(ws: Option<&Path>, a: LinkArgs) -> CliResult {
    let mut store = open_workspace(ws)?;
    let id = store.link(NewLink {
        from: a.from,
        to: a.to,
        label: a.label,
        confidence: a.confidence,
        source: a.source,
        when: a.when,
    })?;
    println!("{id}");
    Ok(())
}

pub fn set(ws: Option<&Path>, a: SetArgs) -> CliResult {
    let mut store = open_workspace(ws)?;
    let done = store.set_fields(a.id, &a.assignments)?;
    if done.ids.is_empty() {
        eprintln!("weft: {} unchanged", a.id);
    }
    Ok(())
}

pub fn delete(ws: Option<&Path>, a: DeleteArgs) -> CliResult {
    let mut store = open_workspace(ws)?;
    let done = store.delete(a.id)?;
    eprintln!(
        "weft: deleted {} ({} records in all; `weft undo` brings them back)",
        a.id,
        done.ids.len()
    );
    Ok(())
}

pub fn undo(ws: Option<&Path>) -> CliResult {
    let mut store = open_workspace(ws)?;
    match store.undo()? {
        Some((op, done)) => {
            eprintln!("weft: undid {op} ({} records)", done.ids.len());
            Ok(())
        }
        None => Err(Failure::new("nothing to undo")),
    }
}
