//! `weft show`, `list`, `search`, `path` and `log`: reading, as text or JSON.

use super::out::{self, Out};
use super::render;
use super::{read_workspace, CliResult, Failure};
use crate::model::text::sanitize;
use crate::model::{EntityKind, Id, Kind, Record, Sees, Status};
use crate::store::Direction;
use clap::{Args, ValueEnum};
use std::io::Write;
use std::path::Path;

#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  weft show Q3\n  weft show e12 --json")]
pub struct ShowArgs {
    /// The record's id: Q3, H2, E12, N40, L7 (any case).
    id: Id,
    /// Print the record and its links as one JSON object.
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
#[command(
    after_help = "Examples:\n  weft list questions --status open --tag line\n  weft list entities --kind person --json\n  weft list notes --limit 20\n  weft list questions --status open --count"
)]
pub struct ListArgs {
    /// Which records: questions, hypotheses, entities, notes or links.
    #[arg(value_name = "KIND")]
    what: ListKind,
    /// Only this status (questions: open, active, answered, parked, dropped;
    /// hypotheses: live, rejected, confirmed).
    #[arg(long)]
    status: Option<String>,
    /// Only records with this tag.
    #[arg(long)]
    tag: Option<String>,
    /// Only this kind (questions: SEES kind; entities: entity kind).
    #[arg(long, value_name = "K")]
    kind: Option<String>,
    /// At most N records (the first N in id order).
    #[arg(long, value_name = "N")]
    limit: Option<usize>,
    /// Print a JSON array of records.
    #[arg(long)]
    json: bool,
    /// Print only how many records match (at most --limit): from the workspace's
    /// counters where they answer (no filter; questions by --status or --kind alone),
    /// else counted in one pass that prints nothing else.
    #[arg(long, conflicts_with = "json")]
    count: bool,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  weft search \"king handset\"\n  weft search \"-1 who pays\" --limit 5"
)]
pub struct SearchArgs {
    /// What to look for, fuzzily, in titles, names, aliases and note text (may begin with '-').
    #[arg(allow_hyphen_values = true, value_parser = super::add::free_text)]
    query: String,
    /// At most N results, best first.
    #[arg(long, default_value = "20", value_name = "N")]
    limit: usize,
    /// Print a JSON array of {id, score, text}.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
#[command(after_help = "Example:\n  weft path E1 E9 --max-hops 4")]
pub struct PathArgs {
    /// Where the chain starts.
    from: Id,
    /// Where the chain ends.
    to: Id,
    /// Give up beyond this many links.
    #[arg(long, default_value = "6", value_name = "N")]
    max_hops: usize,
    /// Print the chain as a JSON array of steps.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
#[command(after_help = "Example:\n  weft log --limit 20")]
pub struct LogArgs {
    /// At most N entries, newest first.
    #[arg(long, default_value = "50", value_name = "N")]
    limit: usize,
    /// Print the entries, with values before and after, as a JSON array.
    #[arg(long)]
    json: bool,
}

pub fn show(ws: Option<&Path>, a: ShowArgs) -> CliResult {
    let store = read_workspace(ws)?;
    let rec = store.require(a.id)?;
    let links = store.neighbours(a.id)?;
    let mut w = out::stdout();
    if a.json {
        let mut v = rec.to_json();
        v["links"] = render::links_json(&store, &links);
        w.json(&v)?;
    } else {
        w.text(&render::show_text(&store, &rec, &links))?;
    }
    w.finish()
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
    let store = read_workspace(ws)?;
    // Narrow through an index where one applies; otherwise walk the kind's tree. Ids
    // are read from the index as the listing takes them.
    type Ids<'a> = Box<dyn Iterator<Item = Result<Id, crate::store::StoreError>> + 'a>;
    let ids: Option<Ids> = match (&filter.status, &filter.tag, what) {
        (Some(s), _, Kind::Question) => Some(Box::new(
            store.questions_with_status_iter(
                s.parse()
                    .map_err(|e: crate::model::ParseError| Failure::new(e.to_string()))?,
            ),
        )),
        (_, Some(t), _) => Some(Box::new(
            store
                .tagged(t)?
                .into_iter()
                .filter(|i| i.kind == what)
                .map(Ok),
        )),
        _ => None,
    };
    let mut records: Box<dyn Iterator<Item = Result<Record, crate::store::StoreError>>> = match ids
    {
        Some(ids) => Box::new(ids.map(|i| i.and_then(|i| store.require(i)))),
        None => Box::new(store.records(what)),
    };
    let mut w = out::stdout();
    if a.count {
        let n = match counted(&store, what, &filter) {
            Some(n) => n,
            None => records.try_fold(0u64, |n, r| {
                Ok::<_, crate::store::StoreError>(n + u64::from(filter.keeps(&r?)))
            })?,
        };
        let n = a.limit.map_or(n, |l| n.min(l as u64));
        w.line(&n.to_string())?;
        return w.finish();
    }
    write_list(&mut w, records, &filter, a.limit, a.json)?;
    w.finish()
}

/// How many records of `what` `filter` keeps, when the workspace's counters say it
/// without a read: every record of a kind, or questions by status or by SEES kind alone.
fn counted(store: &crate::store::Store, what: Kind, filter: &Filter) -> Option<u64> {
    let state = store.state();
    match (&filter.status, &filter.kind, &filter.tag, what) {
        (None, None, None, _) => Some(state.count(what)),
        (Some(s), None, None, Kind::Question) => Some(state.status_count(s.parse().ok()?)),
        (None, Some(k), None, Kind::Question) => Some(state.sees_count(k.parse().ok()?)),
        _ => None,
    }
}

/// Writes the records `filter` keeps, at most `limit` of them, as lines or a JSON array.
/// Stops at the first failed write: a closed pipe ends the listing at once.
fn write_list<W: Write>(
    w: &mut Out<W>,
    records: impl Iterator<Item = Result<Record, crate::store::StoreError>>,
    filter: &Filter,
    limit: Option<usize>,
    json: bool,
) -> CliResult {
    let mut kept = records
        .filter(|r| match r {
            Ok(r) => filter.keeps(r),
            Err(_) => true,
        })
        .take(limit.unwrap_or(usize::MAX));
    if !json {
        return kept.try_for_each(|r| w.line(&render::line(&r?)));
    }
    w.text("[")?;
    let mut first = true;
    for r in kept {
        let sep = if first { "\n  " } else { ",\n  " };
        first = false;
        w.text(&format!("{sep}{}", render::json_line(&r?.to_json())?))?;
    }
    w.text(if first { "]\n" } else { "\n]\n" })
}

pub fn search(ws: Option<&Path>, a: SearchArgs) -> CliResult {
    if a.query.trim().is_empty() {
        return Err(Failure::usage(
            "search query \"\" is empty: give a word to look for",
        ));
    }
    let (hits, notices) = if super::served::serving() {
        // the weft serving the command holds the workspace open already
        let store = super::read_workspace(ws)?;
        (store.search_open(&a.query, a.limit)?, Vec::new())
    } else {
        let (dir, mut opts) = super::workspace_options(ws, 0)?;
        opts.reading = true;
        crate::store::Store::search_workspace(&dir, &opts, &a.query, a.limit)
            .map_err(crate::store::StoreError::reading)?
    };
    for notice in notices {
        warnln!("weft: {}", sanitize(&notice));
    }
    let mut w = out::stdout();
    if a.json {
        let v: Vec<_> = hits
            .iter()
            .map(|h| serde_json::json!({"id": h.id, "score": h.score, "text": h.text}))
            .collect();
        w.json(&v)?;
        return w.finish();
    }
    for h in hits {
        w.line(&sanitize(&format!("{:<6} {}", h.id, h.title)))?;
    }
    w.finish()
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
    let store = read_workspace(ws)?;
    match store.shortest_path(a.from, a.to, a.max_hops)? {
        None => Err(Failure::new(format!(
            "no path from {} to {} within {} hops",
            a.from, a.to, a.max_hops
        ))),
        Some(steps) => {
            let mut w = out::stdout();
            if a.json {
                let v: Vec<_> = steps
                    .iter()
                    .map(|s| serde_json::json!({"link": s.link.meta.id, "label": s.link.label, "direction": if s.dir == Direction::Out {"out"} else {"in"}, "to": s.to}))
                    .collect();
                w.json(&v)?;
            } else {
                w.line(&chain(&store, a.from, &steps)?)?;
            }
            w.finish()
        }
    }
}

pub fn log(ws: Option<&Path>, a: LogArgs) -> CliResult {
    let store = read_workspace(ws)?;
    let mut w = out::stdout();
    // a damaged line of the journal log hides its entry's values, never the history
    // around it: the entry is shown from its header, and the command ends in failure
    let mut damaged: Vec<(u64, String)> = Vec::new();
    let entries = store.log_lenient().take(a.limit);
    if a.json {
        let mut v = Vec::new();
        for e in entries {
            let (e, why) = e?;
            let mut obj = serde_json::to_value(&e).map_err(|e| Failure::new(e.to_string()))?;
            if let (Some(why), Some(map)) = (&why, obj.as_object_mut()) {
                map.insert("damaged".into(), why.clone().into());
                damaged.push((e.seq, why.clone()));
            }
            v.push(obj);
        }
        w.json(&v)?;
    } else {
        for e in entries {
            let (e, why) = e?;
            let what = match (&why, &e.before, &e.after) {
                (Some(_), _, _) => "values unreadable: its journal log line is damaged",
                (None, None, Some(_)) => "created",
                (None, Some(_), None) => "deleted",
                _ => "changed",
            };
            if let Some(why) = why {
                damaged.push((e.seq, why));
            }
            w.line(&sanitize(&format!(
                "{:>6} {} {:<10} {:<14} {:<6} {}",
                e.seq,
                e.time.format("%Y-%m-%d %H:%M:%S"),
                e.user,
                e.op,
                e.id,
                what
            )))?;
        }
    }
    w.finish()?;
    match damaged.first() {
        None => Ok(()),
        Some((seq, why)) => Err(Failure::new(format!(
            "{} shown without {} values: entry {seq}: {why}; run `weft check`, then `weft recover --to NEWDIR --salvage`",
            crate::model::vocab::counted(damaged.len(), "journal entry is", "journal entries are"),
            if damaged.len() == 1 { "its" } else { "their" }
        ))),
    }
}
