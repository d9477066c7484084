//! `weft add`, `link`, `set`, `delete`, `undo` and `redo`: every change the command line
//! makes.

use super::{open_workspace, out, CliResult, Failure};
use crate::model::{fields, EntityKind, Grade, Id, Sees, When, Yardstick};
use crate::store::{NewEntity, NewLink, NewNote, NewQuestion};
use clap::{Args, Subcommand};
use std::collections::BTreeMap;
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

/// Free text that may begin with '-' (`"-1 who pays?"`), but not a lone word shaped
/// like a long option (`--bogus`), which is almost always a mistyped flag.
pub fn free_text(s: &str) -> Result<String, String> {
    let flag_like = s.strip_prefix("--").is_some_and(|rest| {
        let word = rest.split('=').next().unwrap_or("");
        !word.is_empty()
            && word.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            && !s.contains(char::is_whitespace)
    });
    if flag_like {
        return Err(format!(
            "{s:?} is not an option of this command, and text shaped like an option is refused"
        ));
    }
    Ok(s.to_string())
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
    #[command(
        after_help = "Examples:\n  weft add question \"Who runs the KING line?\" --priority 1 --kind explanation\n  weft add question \"Who holds the handset?\" --parent Q1 --tag line\n  weft add question \"-1 who pays?\"   (a title may begin with '-')"
    )]
    Question {
        /// The question, one line (may begin with '-').
        #[arg(allow_hyphen_values = true, value_parser = free_text)]
        title: String,
        /// 1 (highest) to 4.
        #[arg(long, default_value = "2", value_parser = priority, value_name = "N")]
        priority: u8,
        /// SEES kind: situation, explanation, estimate or warning.
        #[arg(long, default_value = "situation", value_name = "K")]
        kind: Sees,
        /// The question this one breaks down.
        #[arg(long, value_name = "Q")]
        parent: Option<Id>,
        /// Review by this date (YYYY-MM-DD).
        #[arg(long, value_parser = date, value_name = "DATE")]
        review_by: Option<chrono::NaiveDate>,
        /// Multi-line detail.
        #[arg(
            long,
            default_value = "",
            value_name = "TEXT",
            allow_hyphen_values = true
        )]
        detail: String,
        /// A tag (repeatable): one word without spaces or commas.
        #[arg(long = "tag", value_parser = tag, value_name = "T")]
        tags: Vec<String>,
    },
    /// An entity: `weft add entity "Darren Marsh" --kind person --alias Daz`.
    #[command(
        after_help = "Example:\n  weft add entity \"Darren Marsh\" --kind person --alias Daz --attr dob=1993"
    )]
    Entity {
        /// Its name (may begin with '-').
        #[arg(allow_hyphen_values = true, value_parser = free_text)]
        name: String,
        /// person, organisation, group, location, vehicle, phone, account, commodity,
        /// online or other.
        #[arg(long, value_name = "K")]
        kind: EntityKind,
        /// Another name it goes by (repeatable).
        #[arg(long = "alias", value_name = "A")]
        aliases: Vec<String>,
        /// An attribute, KEY=VALUE (repeatable).
        #[arg(long = "attr", value_parser = key_value, value_name = "KEY=VALUE")]
        attrs: Vec<(String, String)>,
        /// A tag (repeatable).
        #[arg(long = "tag", value_parser = tag, value_name = "T")]
        tags: Vec<String>,
    },
    /// A note; its first line is its title. `-` reads the text from standard input.
    #[command(
        after_help = "Examples:\n  weft add note \"Daz seen at Ostler House\" --source \"CHIS 4471\" --grade B2P --when ~2024-03\n  weft add note - < report.txt"
    )]
    Note {
        /// The note's text (may begin with '-'; '-' alone reads standard input).
        #[arg(allow_hyphen_values = true, value_parser = free_text)]
        text: String,
        /// Where it came from.
        #[arg(long, default_value = "", value_name = "S")]
        source: String,
        /// 3x5x2 grade, e.g. B2P.
        #[arg(long, value_name = "GRADE")]
        grade: Option<Grade>,
        /// When it happened: 2024, 2024-03, 2024-03-04, 2024-03-04 14:30, ~ for about, A..B.
        #[arg(long, value_name = "W")]
        when: Option<When>,
        /// A tag (repeatable).
        #[arg(long = "tag", value_parser = tag, value_name = "T")]
        tags: Vec<String>,
    },
    /// A hypothesis answering a question: `weft add hypothesis Q3 "Marsh took over" --likelihood rp`.
    #[command(
        after_help = "Example:\n  weft add hypothesis Q3 \"Marsh took over after the robbery\" --likelihood rp"
    )]
    Hypothesis {
        /// The question it answers.
        question: Id,
        /// The explanation, one line (may begin with '-').
        #[arg(allow_hyphen_values = true, value_parser = free_text)]
        statement: String,
        /// Yardstick: remote, hu, u, rp, l, hl, ac or the words.
        #[arg(long, value_name = "Y")]
        likelihood: Option<Yardstick>,
    },
}

#[derive(Debug, Args)]
#[command(
    after_help = "Example:\n  weft link E1 E2 --label uses --confidence likely --source N1 --when 2024-05..2024-11"
)]
pub struct LinkArgs {
    /// The record the link starts from.
    from: Id,
    /// The record it points to.
    to: Id,
    /// What the link means: "associate of", "uses", "member of", …
    #[arg(long, value_name = "LABEL")]
    label: String,
    /// How sure: a yardstick word or code (remote, hu, u, rp, l, hl, ac).
    #[arg(long, value_name = "Y")]
    confidence: Option<Yardstick>,
    /// The note it rests on.
    #[arg(long, value_name = "N")]
    source: Option<Id>,
    /// When it held: 2024, 2024-03, ~2024-03, 2024-05..2024-11.
    #[arg(long, value_name = "W")]
    when: Option<When>,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  weft set Q3 status=answered \"answer=Marsh runs it\" confidence=hl\n  weft set N4 grade=B2P when=~2024-03"
)]
pub struct SetArgs {
    /// The record to change.
    id: Id,
    /// FIELD=VALUE pairs, e.g. status=answered "answer=Marsh runs it" confidence=l.
    #[arg(required = true, value_parser = key_value, value_name = "FIELD=VALUE")]
    assignments: Vec<(String, String)>,
}

#[derive(Debug, Args)]
pub struct DeleteArgs {
    /// The record to delete (with the links that cannot stand without it).
    id: Id,
}

impl AddCommand {
    /// Whether the command reads standard input (`weft add note -`).
    pub fn reads_stdin(&self) -> bool {
        matches!(self, AddCommand::Note { text, .. } if text == "-")
    }
}

fn read_text(text: String) -> Result<String, Failure> {
    if text != "-" {
        return Ok(text);
    }
    let s = super::served::read_stdin()
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
        } => {
            store
                .add_question(NewQuestion {
                    priority,
                    kind,
                    parent,
                    review_by,
                    detail,
                    tags,
                    ..NewQuestion::new(&title)
                })?
                .id
        }
        AddCommand::Entity {
            name,
            kind,
            aliases,
            attrs,
            tags,
        } => {
            store
                .add_entity(NewEntity {
                    name,
                    kind,
                    aliases,
                    attributes: attrs.into_iter().collect::<BTreeMap<_, _>>(),
                    tags,
                })?
                .id
        }
        AddCommand::Note {
            text,
            source,
            grade,
            when,
            tags,
        } => {
            store
                .add_note(NewNote {
                    text: read_text(text)?,
                    source,
                    grade,
                    when,
                    tags,
                })?
                .id
        }
        AddCommand::Hypothesis {
            question,
            statement,
            likelihood,
        } => store.add_hypothesis(question, &statement, likelihood)?.id,
    };
    print_id(id)
}

/// The new id alone on standard output, so scripts can chain commands.
fn print_id(id: Id) -> CliResult {
    let mut w = out::stdout();
    w.line(&id.to_string())?;
    w.finish()
}

pub fn link(ws: Option<&Path>, a: LinkArgs) -> CliResult {
    let mut store = open_workspace(ws)?;
    let id = store
        .link(NewLink {
            from: a.from,
            to: a.to,
            label: a.label,
            confidence: a.confidence,
            source: a.source,
            when: a.when,
        })?
        .id;
    print_id(id)
}

pub fn set(ws: Option<&Path>, a: SetArgs) -> CliResult {
    let mut store = open_workspace(ws)?;
    let done = store.set_fields(a.id, &a.assignments)?;
    if done.ids.is_empty() {
        warnln!("weft: {} unchanged", a.id);
    }
    Ok(())
}

pub fn delete(ws: Option<&Path>, a: DeleteArgs) -> CliResult {
    let mut store = open_workspace(ws)?;
    let done = store.delete(a.id)?;
    warnln!(
        "weft: deleted {} ({} in all; `weft undo` brings them back)",
        a.id,
        crate::model::vocab::counted(done.ids.len(), "record", "records")
    );
    Ok(())
}

pub fn undo(ws: Option<&Path>) -> CliResult {
    let mut store = open_workspace(ws)?;
    let what = store.undo_preview()?;
    match store.undo()? {
        Some((op, _)) => {
            warnln!("weft: undid {}", what.unwrap_or(op));
            Ok(())
        }
        None => Err(Failure::new("nothing to undo")),
    }
}

pub fn redo(ws: Option<&Path>) -> CliResult {
    let mut store = open_workspace(ws)?;
    let what = store.redo_preview()?;
    match store.redo()? {
        Some((op, _)) => {
            warnln!("weft: redid {}", what.unwrap_or(op));
            Ok(())
        }
        None => Err(Failure::new(
            "nothing to redo: redo takes back an undo, until the next change",
        )),
    }
}
