//! `weft plan`: the outstanding collection, by the priority of the question it serves.

use super::CliResult;
use crate::model::text::sanitize;
use crate::store::PlanKind;
use clap::Args;
use serde_json::{json, Value};
use std::path::Path;

#[derive(Debug, Args)]
pub struct PlanArgs {
    /// A JSON array of objects (question, priority, kind, id, text, hypothesis).
    #[arg(long)]
    json: bool,
}

pub fn plan(ws: Option<&Path>, a: PlanArgs) -> CliResult {
    let store = super::read_workspace(ws)?;
    let items = store.plan()?;
    let mut out = super::out::stdout();
    if a.json {
        let v: Vec<Value> = items
            .iter()
            .map(|p| {
                json!({
                    "question": p.question,
                    "priority": p.priority,
                    "kind": p.kind.as_str(),
                    "id": p.id,
                    "text": p.text,
                    "hypothesis": p.hypothesis,
                })
            })
            .collect();
        out.json(&Value::Array(v))?;
        return out.finish();
    }
    if items.is_empty() {
        out.line("nothing outstanding: no expectation waits to be looked for, no collection question is open")?;
        return out.finish();
    }
    let mut served = None;
    for p in &items {
        if served != Some(p.question) {
            served = Some(p.question);
            out.line(&sanitize(&format!(
                "P{} {} {}",
                p.priority, p.question, p.title
            )))?;
        }
        let what = match (p.kind, p.hypothesis) {
            (PlanKind::Expectation, Some(h)) => format!("look for (if {h}): {}", p.text),
            (PlanKind::Expectation, None) => format!("look for: {}", p.text),
            (PlanKind::Question, _) => format!("answer: {}", p.text),
        };
        out.line(&sanitize(&format!("  {:<6} {what}", p.id)))?;
    }
    out.finish()
}
