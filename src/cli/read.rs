//! `weft show`, `list`, `search`, `path` and `log`: reading, as text or JSON.

use super::render;
use super::{open_workspace, CliResult, Failure};
use crate::model::text::sanitize;
use crate::model::{EntityKind, Id, Kind, Record, Sees, Status};
use crate::store::Direction;
use clap::{Args, ValueEnum};
use std::io::Write;
use std::path::Path;

#[derive(Debug, Args)]
pub struct ShowArgs {
    id: Id,
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ListKind {
    Questions,
    Hypotheses,
    Entities,
    Notes,
    Links,
    Expectations,
}

impl ListKind {
    fn kind(self) -> Kind {
        match self {
            ListKind::Questions => Kind::Question,
            ListKind::Hypotheses => Kind::Hypothesis,
            ListKind::Entities => Kind::Entity,
            ListKind::Notes => Kind::Note,
            ListKind::Links => Kind::Link,
            ListKind::Expectations => Kind::Expectation,
        }
    }
}

#[derive(Debug, Args)]
pub struct ListArgs {
    what: ListKind,
    /// Only this status (questions: open, active, answered, parked, dropped;
    /// hypotheses: live, rejected, confirmed).
    #[arg(long)]
    status: Option<String>,
    /// Only records with this tag.
    #[arg(long)]
    tag: Option<String>,
    /// Only this kind (questions: SEES kind; entities: entity kind).
    #[arg(long)]
    kind: Option<String>,
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
pub struct SearchArgs {
    query: String,
    #[arg(long, default_value = "20")]
    limit: usize,
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
pub struct PathArgs {
    from: Id,
    to: Id,
    #[arg(long, default_value = "6")]
    max_hops: usize,
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
pub struct LogArgs {
    #[arg(long, default_value = "50")]
    limit: usize,
    #[arg(long)]
    json: bool,
}

fn out() -> std::io::BufWriter<std::io::StdoutLock<'static>> {
    std::io::BufWriter::new(std::io::stdout().lock())
}

/// Writes to stdout, treating a closed pipe (`weft list | head`) as success.
fn emit(w: &mut impl Write, s: &str) -> CliResult {
    match w.write_all(s.as_bytes()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        r => r.map_err(Failure::from),
    }
}

pub fn show(ws: Option<&Path>, a: ShowArgs) -> CliResult {
    let store = open_workspace(ws)?;
    let rec = store.require(a.id)?;
    let links = store.neighbours(a.id)?;
    let mut w = out();
    if a.json {
        let mut v = rec.to_json();
        v["links"] = render::links_json(&store, &links);
        emit(
            &mut w,
            &format!("{}\n", serde_json::to_string_pretty(&v).unwrap_or_default()),
        )
    } else {
        emit(&mut w, &render::show_text(&store, &rec, &links))
    }
}

/// The filter `list` applies, checked against the kind before anything is read.
struct Filter {
    status: Option<String>,
    kind: Option<String>,
    tag: Option<String>,
}

impl Filter {
    fn new(what: Kind, a: &ListArgs) -> Result<Filter, Failure> {
        let status = match (&a.status, what) {
            (None, _) => None,
            (Some(s), Kind::Question) => Some(
                s.parse::<Status>()
                    .map_err(|e| Failure::usage(e.to_string()))?
                    .to_string(),
            ),
            (Some(s), Kind::Hypothesis) => Some(
                s.parse::<crate::model::HypothesisStatus>()
                    .map_err(|e| Failure::usage(e.to_string()))?
                    .to_string(),
            ),
            (Some(s), Kind::Expectation) => Some(
                s.parse::<crate::model::ExpectationStatus>()
                    .map_err(|e| Failure::usage(e.to_string()))?
                    .to_string(),
            ),
            (Some(_), k) => {
                return Err(Failure::usage(format!(
                    "--status does not apply to {}",
                    k.plural()
                )))
            }
        };
        let kind = match (&a.kind, what) {
            (None, _) => None,
            (Some(s), Kind::Question) => Some(
                s.parse::<Sees>()
                    .map_err(|e| Failure::usage(e.to_string()))?
                    .to_string(),
            ),
            (Some(s), Kind::Entity) => Some(
                s.parse::<EntityKind>()
                    .map_err(|e| Failure::usage(e.to_string()))?
                    .to_string(),
            ),
            (Some(_), k) => {
                return Err(Failure::usage(format!(
                    "--kind does not apply to {}",
                    k.plural()
                )))
            }
        };
        Ok(Filter {
            status,
            kind,
            tag: a.tag.clone(),
        })
    }

    fn keeps(&self, rec: &Record) -> bool {
        if let Some(t) = &self.tag {
            if !rec.meta().tags.iter().any(|x| x == t) {
                return false;
            }
        }
        let (status, kind) = match rec {
            Record::Question(q) => (Some(q.status.as_str()), Some(q.kind.as_str())),
            Record::Hypothesis(h) => (Some(h.status.as_str()), None),
            Record::Expectation(x) => (Some(x.status.as_str()), None),
            Record::Entity(e) => (None, Some(e.kind.as_str())),
            _ => (None, None),
        };
        self.status.as_deref().is_none_or(|s| status == Some(s))
            && self.kind.as_deref().is_none_or(|k| kind == Some(k))
    }
}

pub fn list(ws: Option<&Path>, a: ListArgs) -> CliResult {
    let what = a.what.kind();
    let filter = Filter::new(what, &a)?;
    let store = open_workspace(ws)?;
    // Narrow through an index where one applies; otherwise walk the kind's tree.
    let ids: Option<Vec<Id>> = match (&filter.status, &filter.tag, what) {
        (Some(s), _, Kind::Question) => Some(
            store.questions_with_status(
                s.parse()
                    .map_err(|e: crate::model::ParseError| Failure::new(e.to_string()))?,
            )?,
        ),
        (_, Some(t), _) => Some(
            store
                .tagged(t)?
                .into_iter()
                .filter(|i| i.kind == what)
                .collect(),
        ),
        _ => None,
    };
    let records: Box<dyn Iterator<Item = Result<Record, crate::store::StoreError>>> = match ids {
        Some(ids) => Box::new(ids.into_iter().map(|i| store.require(i))),
        None => Box::new(store.records(what)),
    };
    let mut w = out();
    if a.json {
        emit(&mut w, "[")?;
        let mut first = true;
        for r in records {
            let r = r?;
            if !filter.keeps(&r) {
                continue;
            }
            let sep = if first { "\n  " } else { ",\n  " };
            first = false;
            emit(&mut w, &format!("{sep}{}", r.to_json()))?;
        }
        emit(&mut w, if first { "]\n" } else { "\n]\n" })?;
    } else {
        for r in records {
            let r = r?;
            if filter.keeps(&r) {
                emit(&mut w, &format!("{}\n", render::line(&r)))?;
            }
        }
    }
    w.flush().or_else(|e| {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            Ok(())
        } else {
            Err(e)
        }
    })?;
    Ok(())
}

pub fn search(ws: Option<&Path>, a: SearchArgs) -> CliResult {
    if a.query.trim().is_empty() {
        return Err(Failure::usage(
            "search query \"\" is empty: give a word to look for",
        ));
    }
    let store = open_workspace(ws)?;
    let hits = store.search(&a.query, a.limit)?;
    let mut w = out();
    if a.json {
        let v: Vec<_> = hits
            .iter()
            .map(|h| serde_json::json!({"id": h.id, "score": h.score, "text": h.text}))
            .collect();
        return emit(
            &mut w,
            &format!("{}\n", serde_json::to_string_pretty(&v).unwrap_or_default()),
        );
    }
    for h in hits {
        let title = store.get(h.id)?.map(|r| r.title()).unwrap_or(h.text);
        emit(
            &mut w,
            &format!("{}\n", sanitize(&format!("{:<6} {}", h.id, title))),
        )?;
    }
    Ok(())
}

/// One readable chain: `E4 person -uses-> E17 phone <-uses- E9 person`.
pub fn chain(
    store: &crate::store::Store,
    from: Id,
    steps: &[crate::store::PathStep],
) -> Result<String, Failure> {
    let describe = |id: Id| -> Result<String, Failure> {
        Ok(match store.get(id)? {
            Some(Record::Entity(e)) => format!("{id} {} ({})", e.name, e.kind),
            Some(r) => format!("{id} {}", crate::model::text::truncate(&r.title(), 40)),
            None => id.to_string(),
        })
    };
    let mut s = describe(from)?;
    for st in steps {
        let arrow = match st.dir {
            Direction::Out => format!(" -{}-> ", st.link.label),
            Direction::In => format!(" <-{}- ", st.link.label),
        };
        s.push_str(&arrow);
        s.push_str(&describe(st.to)?);
    }
    Ok(sanitize(&s).into_owned())
}

pub fn path(ws: Option<&Path>, a: PathArgs) -> CliResult {
    let store = open_workspace(ws)?;
    match store.shortest_path(a.from, a.to, a.max_hops)? {
        None => Err(Failure::new(format!(
            "no path from {} to {} within {} hops",
            a.from, a.to, a.max_hops
        ))),
        Some(steps) => {
            let mut w = out();
            if a.json {
                let v: Vec<_> = steps
                    .iter()
                    .map(|s| serde_json::json!({"link": s.link.meta.id, "label": s.link.label, "direction": if s.dir == Direction::Out {"out"} else {"in"}, "to": s.to}))
                    .collect();
                emit(
                    &mut w,
                    &format!("{}\n", serde_json::to_string_pretty(&v).unwrap_or_default()),
                )
            } else {
                emit(&mut w, &format!("{}\n", chain(&store, a.from, &steps)?))
            }
        }
    }
}

pub fn log(ws: Option<&Path>, a: LogArgs) -> CliResult {
    let store = open_workspace(ws)?;
    let mut w = out();
    let entries = store.log().take(a.limit);
    if a.json {
        let v: Vec<_> = entries.collect::<Result<_, _>>()?;
        return emit(
            &mut w,
            &format!("{}\n", serde_json::to_string_pretty(&v).unwrap_or_default()),
        );
    }
    for e in entries {
        let e = e?;
        let what = match (&e.before, &e.after) {
            (None, Some(_)) => "created",
            (Some(_), None) => "deleted",
            _ => "changed",
        };
        emit(
            &mut w,
            &format!(
                "{}\n",
                sanitize(&format!(
                    "{:>6} {} {:<10} {:<14} {:<6} {}",
                    e.seq,
                    e.time.format("%Y-%m-%d %H:%M:%S"),
                    e.user,
                    e.op,
                    e.id,
                    what
                ))
            ),
        )?;
    }
    Ok(())
}
