//! `weft gaps`: the gap hunter's suggestions, and accepting or dismissing one.

use super::{open_workspace, CliResult, Failure};
use crate::analysis::{self, Suggestion};
use crate::model::text::sanitize;
use crate::store::NewQuestion;
use clap::{Args, Subcommand};
use std::path::Path;

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct GapsArgs {
    #[command(subcommand)]
    pub action: Option<GapsAction>,
    /// Only this rule's suggestions.
    #[arg(long, value_name = "NAME")]
    pub rule: Option<String>,
    /// A JSON array of objects (key, rule, question, triggers, reason).
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum GapsAction {
    /// Make the suggestion a question linked to its triggers; prints its id.
    Accept {
        /// The suggestion's key, as `weft gaps` lists it.
        key: String,
        /// The question's title, instead of the suggested one.
        #[arg(long)]
        title: Option<String>,
    },
    /// Keep the suggestion dismissed until its triggers change materially.
    Dismiss {
        /// The suggestion's key, as `weft gaps` lists it.
        key: String,
    },
}

pub fn gaps(ws: Option<&Path>, a: GapsArgs) -> CliResult {
    match a.action {
        None => list(ws, a.rule.as_deref(), a.json),
        Some(GapsAction::Accept { key, title }) => accept(ws, &key, title),
        Some(GapsAction::Dismiss { key }) => dismiss(ws, &key),
    }
}

fn list(ws: Option<&Path>, rule: Option<&str>, json: bool) -> CliResult {
    let only = match rule {
        Some(name) => Some(analysis::rule(name).ok_or_else(|| {
            Failure::usage(format!(
                "unknown rule {name:?}: the rules are {}",
                analysis::rule_names()
            ))
        })?),
        None => None,
    };
    let store = super::read_workspace(ws)?;
    let found = analysis::run(&store.gap_input()?, only);
    let mut out = super::out::stdout();
    if json {
        let v: Vec<serde_json::Value> = found.iter().map(to_json).collect();
        out.json(&v)?;
        return out.finish();
    }
    for s in &found {
        let ids: Vec<String> = s.triggers.iter().map(|t| t.to_string()).collect();
        let line = format!(
            "{}\t{}\t{} ({})",
            s.key,
            s.question,
            s.reason,
            ids.join(", ")
        );
        out.line(&sanitize(&line))?;
    }
    out.finish()
}

fn to_json(s: &Suggestion) -> serde_json::Value {
    serde_json::json!({
        "key": s.key,
        "rule": s.rule,
        "question": s.question,
        "triggers": s.triggers,
        "reason": s.reason,
        "kind": s.kind,
        "fingerprint": s.fingerprint,
    })
}

fn find(store: &crate::store::Store, key: &str) -> Result<Suggestion, Failure> {
    analysis::find_key(&store.gap_input()?, key).ok_or_else(|| {
        Failure::new(format!(
            "no gap suggestion with key {key:?} (weft gaps lists them)"
        ))
    })
}

fn accept(ws: Option<&Path>, key: &str, title: Option<String>) -> CliResult {
    if title.as_deref().is_some_and(|t| t.trim().is_empty()) {
        return Err(Failure::usage("--title is empty: a question needs a title"));
    }
    let mut store = open_workspace(ws)?;
    let s = find(&store, key)?;
    let q = NewQuestion {
        kind: s.kind,
        detail: format!("Raised by the gap hunter ({}): {}.", s.rule, s.reason),
        ..NewQuestion::new(title.as_deref().unwrap_or(&s.question))
    };
    let id = store
        .accept_gap(q, &s.triggers, (&s.key, s.rule, &s.fingerprint))?
        .id;
    let mut out = super::out::stdout();
    out.line(&id.to_string())?;
    out.finish()
}

fn dismiss(ws: Option<&Path>, key: &str) -> CliResult {
    let mut store = open_workspace(ws)?;
    let s = find(&store, key)?;
    store.dismiss_gap(&s.key, s.rule, &s.fingerprint)?;
    eprintln!("weft: dismissed {}", sanitize(&s.key));
    Ok(())
}
