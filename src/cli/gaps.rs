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
    /// Only the suggestions with a finding of this rule (one may carry several).
    #[arg(long, value_name = "NAME")]
    pub rule: Option<String>,
    /// A JSON array of objects (key, rule, question, triggers, reason, kind,
    /// fingerprint, and each finding merged in, the priority and questions served).
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
        /// Why, in one line: kept with the dismissal, shown with it and exported.
        #[arg(long, value_name = "TEXT")]
        reason: Option<String>,
    },
}

pub fn gaps(ws: Option<&Path>, a: GapsArgs) -> CliResult {
    match a.action {
        None => list(ws, a.rule.as_deref(), a.json),
        Some(GapsAction::Accept { key, title }) => accept(ws, &key, title),
        Some(GapsAction::Dismiss { key, reason }) => dismiss(ws, &key, reason.as_deref()),
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
    let input = {
        // every record is read once, in order: a large page cache would only fill
        let opened = super::read_workspace_cached(ws, super::SCAN_CACHE_BYTES)?;
        let input = opened.gap_input()?;
        // The facts are all the rules need: the workspace is let go before they run,
        // its lock and sled's page table (a quarter of a gigabyte at a million records,
        // which the rules' allocations then reuse) with it.
        drop(opened.into_store());
        input
    };
    let found = analysis::run(&input, only);
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
    let findings: Vec<serde_json::Value> = s
        .findings()
        .iter()
        .map(|p| serde_json::json!({"rule": p.rule, "key": p.key, "reason": p.reason}))
        .collect();
    serde_json::json!({
        "key": s.key,
        "rule": s.rule,
        "question": s.question,
        "triggers": s.triggers,
        "reason": s.reason,
        "kind": s.kind,
        "fingerprint": s.fingerprint,
        "findings": findings,
        "priority": s.priority,
        "serves": s.serves,
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
    // under the one open question its records serve, if exactly one; collection, so
    // it joins the plan
    let parent = match store.serve_all(&s.triggers)?.as_slice() {
        [one] => Some(*one),
        _ => None,
    };
    let mut q = NewQuestion {
        kind: s.kind,
        detail: s.accepted_detail(),
        parent,
        tags: vec![crate::model::COLLECTION_TAG.to_string()],
        ..NewQuestion::new(title.as_deref().unwrap_or(&s.question))
    };
    if let Some(p) = parent.and_then(|p| store.question(p).ok().flatten()) {
        q.priority = p.priority;
    }
    let id = store
        .accept_gap(q, &s.triggers, (&s.key, s.rule, &s.fingerprint))?
        .id;
    let mut out = super::out::stdout();
    out.line(&id.to_string())?;
    out.finish()
}

fn dismiss(ws: Option<&Path>, key: &str, reason: Option<&str>) -> CliResult {
    // a bad reason is refused before the workspace is opened
    crate::store::dismissal_reason(key, reason)
        .map_err(|e| Failure::usage(format!("--reason: {e}")))?;
    let mut store = open_workspace(ws)?;
    let s = find(&store, key)?;
    store.dismiss_gap(&s.key, s.rule, &s.fingerprint, reason)?;
    warnln!("weft: dismissed {}", sanitize(&s.key));
    Ok(())
}
