//! `weft ask`: "ask about this" from the command line. The same proposal as the
//! interface's `Q` (the store's [`crate::store::Store::propose_question`]): a title
//! worded for the record, whole, and the open question it serves as the parent.

use super::{CliResult, Failure};
use crate::model::text::sanitize;
use crate::model::{Id, Kind, Record};
use crate::store::NewQuestion;
use clap::Args;
use std::path::Path;

#[derive(Debug, Args)]
pub struct AskArgs {
    /// The record to ask about (any id: Q3, H2, E7, N12, L4, X1…).
    id: String,
    /// The question's title, instead of the proposed one.
    #[arg(long, value_parser = super::add::free_text)]
    title: Option<String>,
    /// Put it under this question instead of the proposed parent.
    #[arg(long, value_name = "Q", conflicts_with = "top")]
    parent: Option<String>,
    /// Put it at the top level, whatever the proposed parent.
    #[arg(long)]
    top: bool,
    /// Print the proposed title and parent; add nothing.
    #[arg(long)]
    dry_run: bool,
}

pub fn ask(ws: Option<&Path>, a: AskArgs) -> CliResult {
    let id: Id =
        a.id.parse()
            .map_err(|e: crate::model::ParseError| Failure::usage(e.to_string()))?;
    let parent_flag = match &a.parent {
        Some(p) => {
            let q: Id = p
                .parse()
                .map_err(|e: crate::model::ParseError| Failure::usage(e.to_string()))?;
            if q.kind != Kind::Question {
                return Err(Failure::usage(format!(
                    "--parent {q}: a parent must be a question"
                )));
            }
            Some(q)
        }
        None => None,
    };
    let mut store = if a.dry_run {
        super::read_workspace(ws)?
    } else {
        super::open_workspace(ws)?
    };
    let p = store.propose_question(id)?;
    let parent = match (a.top, parent_flag) {
        (true, _) => None,
        (false, Some(q)) => match store.get(q)? {
            Some(Record::Question(_)) => Some(q),
            _ => return Err(Failure::new(format!("--parent {q}: no such question"))),
        },
        (false, None) => p.parent,
    };
    let title = a.title.unwrap_or(p.title);
    let mut out = super::out::stdout();
    if a.dry_run {
        let about: Vec<String> = p.about.iter().map(Id::to_string).collect();
        let serves: Vec<String> = p.serves.iter().map(Id::to_string).collect();
        let home = match parent {
            Some(q) => {
                let t = store.get(q)?.map(|r| r.title()).unwrap_or_default();
                format!("{q} {t}")
            }
            None => "none (top level)".to_string(),
        };
        out.line(&sanitize(&format!("title   {title}")))?;
        out.line(&sanitize(&format!("parent  {home}")))?;
        out.line(&format!("about   {}", about.join(", ")))?;
        let serves = if serves.is_empty() {
            "no open question".to_string()
        } else {
            serves.join(", ")
        };
        out.line(&format!("serves  {serves}"))?;
        return out.finish();
    }
    let mut q = NewQuestion {
        kind: p.kind,
        detail: p.detail,
        parent,
        ..NewQuestion::new(&title)
    };
    if let Some(parent) = parent {
        if let Some(pq) = store.question(parent)? {
            q.priority = pq.priority;
        }
    }
    let added = store.add_question_about(q, &p.about)?;
    out.line(&added.id.to_string())?;
    out.finish()
}
