//! The backlog as a Markdown briefing (SPEC §6): the handling code first, then title,
//! date and workspace; the key judgements (each active question's leading hypothesis,
//! its likelihood and what the lead rests on); the outstanding collection; then the
//! questions grouped by priority, each group a tree (live questions first), each
//! question with its status, SEES kind, hypotheses and their likelihood, and linked
//! entities. Workspace text goes through `escape` (its own file) so it cannot
//! inject markup or change the layout, and control characters are made visible.

use super::{BriefingMeta, Gathered, Linked};
use crate::model::grade::Handling;
use crate::model::text::{first_line, truncate};
use crate::model::{Hypothesis, HypothesisStatus, Question, Record, Sees, Status};
use crate::store::Direction;
use std::fmt::Write;

mod escape;
mod matrix;

use escape::{inline, quote};

fn handling_line(g: &Gathered) -> (String, String) {
    let h = g.handling();
    let drawn = match h.notes {
        1 => "the one note".to_string(),
        n => format!("the {n} notes"),
    };
    let ungraded = match h.ungraded {
        0 => String::new(),
        1 => " One note drawn on is ungraded.".to_string(),
        n => format!(" {n} notes drawn on are ungraded."),
    };
    match h.code {
        Some(code) => {
            let meaning = match code {
                Handling::P => "lawful sharing permitted",
                Handling::C => "lawful sharing permitted with conditions",
            };
            let carriers = if h.carriers.is_empty() {
                String::new()
            } else {
                let ids: Vec<String> = h.carriers.iter().map(|i| i.to_string()).collect();
                format!(" Carried by {}.", ids.join(", "))
            };
            (
                format!("**Handling code {}: {meaning}.**", code.letter()),
                format!(
                    "The most restrictive handling code of {drawn} this briefing draws on (notes \
                     linked to its questions and hypotheses, the sources of those links, and the \
                     evidence weighed in their matrices).{carriers}{ungraded}"
                ),
            )
        }
        None if h.notes == 0 => (
            "**Handling code: none stated.**".to_string(),
            "This briefing draws on no notes; check the handling of any reporting behind it \
             before sharing."
                .to_string(),
        ),
        None => (
            "**Handling code: none stated.**".to_string(),
            format!(
                "None of {drawn} this briefing draws on is graded; establish their handling \
                 before sharing."
            ),
        ),
    }
}

fn counts_line(qs: &[Question]) -> String {
    let mut by_status = Vec::new();
    for s in Status::ALL {
        let n = qs.iter().filter(|q| q.status == *s).count();
        if n > 0 {
            by_status.push(format!("{n} {s}"));
        }
    }
    let mut by_kind = Vec::new();
    for k in Sees::ALL {
        let n = qs.iter().filter(|q| q.kind == *k).count();
        by_kind.push(format!("{n} {k}"));
    }
    format!(
        "- Questions: {} ({})\n- SEES mix: {}\n",
        qs.len(),
        by_status.join(", "),
        by_kind.join(", ")
    )
}

/// `Darren Marsh (person, E1)`, `N30 (B2P)`, `Q4`: how a linked record is named.
fn describe(r: &Record) -> String {
    match r {
        Record::Entity(e) => format!("{} ({}, {})", inline(&e.name), e.kind, e.meta.id),
        Record::Note(n) => match n.grade {
            Some(g) => format!("{} ({g})", n.meta.id),
            None => format!("{} (ungraded)", n.meta.id),
        },
        other => format!(
            "{} {}",
            other.id(),
            inline(&truncate(first_line(&other.title()), 60))
        ),
    }
}

/// How a link reads from the exported record: `concerns` when it leads out, `supports
/// this` when it comes in.
fn reading(l: &Linked) -> String {
    match l.dir {
        Direction::Out => inline(&l.label),
        Direction::In => format!("{} this", inline(&l.label)),
    }
}

/// Linked records grouped by label and direction: `supports this: N30 (B2P), N32 (A1P)`.
fn grouped(links: &[&Linked]) -> Vec<String> {
    let mut groups: Vec<(String, Vec<String>)> = Vec::new();
    for l in links {
        let head = reading(l);
        let item = describe(&l.other);
        match groups.iter_mut().find(|(h, _)| *h == head) {
            Some((_, items)) => items.push(item),
            None => groups.push((head, vec![item])),
        }
    }
    groups
        .into_iter()
        .map(|(h, items)| format!("{h}: {}", items.join(", ")))
        .collect()
}

/// `likely (55–75%)`, or `unassessed`.
fn likelihood_words(l: Option<crate::model::Yardstick>) -> String {
    match l {
        Some(l) => format!("{l} ({})", l.range()),
        None => "unassessed".to_string(),
    }
}

fn hypothesis(out: &mut String, h: &Hypothesis, g: &Gathered) {
    let likelihood = likelihood_words(h.likelihood);
    let status = match h.status {
        HypothesisStatus::Live => String::new(),
        s => format!(", {s}"),
    };
    let _ = writeln!(
        out,
        "- {}, {likelihood}{status}: {}",
        h.meta.id,
        inline(&h.statement)
    );
    let links: Vec<&Linked> = g.linked(h.meta.id).iter().collect();
    for line in grouped(&links) {
        let _ = writeln!(out, "  - {line}");
    }
}

fn question(out: &mut String, q: &Question, depth: usize, g: &Gathered, meta: &BriefingMeta) {
    let hashes = "#".repeat((3 + depth).min(6));
    let _ = writeln!(out, "{hashes} {} — {}\n", q.meta.id, inline(&q.title));
    let mut facts = vec![
        format!("P{}", q.priority),
        q.status.to_string(),
        q.kind.to_string(),
    ];
    if let Some(p) = q.parent {
        facts.push(format!("sub-question of {p}"));
    }
    if let Some(d) = q.review_by {
        let overdue = if d < meta.date && q.status.is_live() {
            " (overdue)"
        } else {
            ""
        };
        facts.push(format!("review by {d}{overdue}"));
    }
    if !q.meta.tags.is_empty() {
        facts.push(format!("tags: {}", inline(&q.meta.tags.join(", "))));
    }
    let _ = writeln!(out, "{}\n", facts.join(" · "));
    if !q.detail.trim().is_empty() {
        let _ = writeln!(out, "{}", quote(&q.detail));
    }
    if let Some(a) = &q.answer {
        let conf = match a.confidence {
            Some(c) => format!(" ({c}, {})", c.range()),
            None => String::new(),
        };
        let _ = writeln!(out, "Answer{conf}:\n\n{}", quote(&a.text));
    }
    // "none" is worth saying only while the question is being worked: it is a gap.
    let live = q.status.is_live();
    let hyps = g.hypotheses_of(q.meta.id);
    if hyps.is_empty() {
        if live {
            out.push_str("Hypotheses: none.\n\n");
        }
    } else if let Some(w) = g.weighed(q.meta.id) {
        matrix::weighed(out, hyps, w, g);
    } else {
        out.push_str("Hypotheses (not yet weighed against evidence):\n\n");
        for h in hyps {
            hypothesis(out, h, g);
        }
        out.push('\n');
    }
    let linked = g.linked(q.meta.id);
    let entities: Vec<String> = linked
        .iter()
        .filter_map(|l| match &l.other {
            Record::Entity(e) => Some(format!(
                "{} ({}, {}; {})",
                inline(&e.name),
                e.kind,
                e.meta.id,
                reading(l)
            )),
            _ => None,
        })
        .collect();
    if entities.is_empty() {
        if live {
            out.push_str("Entities: none linked.\n\n");
        }
    } else {
        let _ = writeln!(out, "Entities: {}.\n", entities.join("; "));
    }
    let others: Vec<&Linked> = linked
        .iter()
        .filter(|l| !matches!(l.other, Record::Entity(_)))
        .collect();
    for line in grouped(&others) {
        let _ = writeln!(out, "Linked, {line}.\n");
    }
}

/// Where a status sorts within a priority: active, open, parked, answered, dropped.
fn status_rank(s: Status) -> u8 {
    match s {
        Status::Active => 0,
        Status::Open => 1,
        Status::Parked => 2,
        Status::Answered => 3,
        Status::Dropped => 4,
    }
}

/// Each active question's leading hypothesis, its likelihood in the yardstick's words
/// and what the lead rests on, by priority: what a reader needs before anything else.
fn key_judgements(out: &mut String, qs: &[Question], g: &Gathered) {
    let mut active: Vec<&Question> = qs
        .iter()
        .filter(|q| q.status == Status::Active && g.weighed(q.meta.id).is_some())
        .collect();
    if active.is_empty() {
        return;
    }
    active.sort_by_key(|q| (q.priority, q.meta.id));
    out.push_str("## Key judgements\n\n");
    for q in active {
        let Some(w) = g.weighed(q.meta.id) else {
            continue;
        };
        let (m, an) = (&w.matrix, &w.analysis);
        let Some(c) = an.leader(m) else {
            continue;
        };
        let lead = &m.columns[c];
        let tied = an.tied_with(m, c);
        let who = if tied.is_empty() {
            format!("{} leads", lead.id)
        } else {
            let ids: Vec<String> = std::iter::once(c)
                .chain(tied)
                .map(|t| m.columns[t].id.to_string())
                .collect();
            format!("{} are tied; {}", ids.join(", "), lead.id)
        };
        let statement = lead.statement.trim().trim_end_matches('.');
        let _ = writeln!(
            out,
            "- **{}** (P{}) {} {who}, {}: {}. {}",
            q.meta.id,
            q.priority,
            inline(&q.title),
            likelihood_words(lead.likelihood),
            inline(statement),
            inline(&crate::model::ach::sensitivity_line(m, an))
        );
    }
    out.push('\n');
}

/// The outstanding collection: expectations not yet looked for and open collection
/// questions, under the question each serves, by priority.
fn collection(out: &mut String, g: &Gathered) {
    if g.plan.is_empty() {
        return;
    }
    let _ = writeln!(out, "## Outstanding collection ({})\n", g.plan.len());
    let mut served = None;
    for p in &g.plan {
        if served != Some(p.question) {
            served = Some(p.question);
            let _ = writeln!(
                out,
                "- **{}** (P{}) {}",
                p.question,
                p.priority,
                inline(&p.title)
            );
        }
        let what = match (p.kind, p.hypothesis) {
            (crate::store::PlanKind::Expectation, Some(h)) => {
                format!("look for, if {h}: {}", inline(&p.text))
            }
            (crate::store::PlanKind::Expectation, None) => {
                format!("look for: {}", inline(&p.text))
            }
            (crate::store::PlanKind::Question, _) => format!("answer: {}", inline(&p.text)),
        };
        let _ = writeln!(out, "  - {} {what}", p.id);
    }
    out.push('\n');
}

/// The notes the briefing draws on, so that every id it cites can be looked up: id,
/// grade, occurred time and title. Sources are left out: they can identify a source.
fn notes(out: &mut String, g: &Gathered) {
    if g.drawn_on.is_empty() {
        return;
    }
    let _ = writeln!(out, "## Notes drawn on ({})\n", g.drawn_on.len());
    for n in g.drawn_on.values() {
        let grade = n
            .grade
            .map(|g| g.to_string())
            .unwrap_or_else(|| "ungraded".into());
        let when = n
            .when
            .as_ref()
            .map(|w| format!(" · {w}"))
            .unwrap_or_default();
        let title = inline(&truncate(&crate::model::text::title_line(&n.text), 100));
        let _ = writeln!(out, "- {} · {grade}{when} · {title}", n.meta.id);
    }
    out.push('\n');
}

pub(super) fn render(qs: &[Question], g: &Gathered, meta: &BriefingMeta) -> String {
    let mut out = String::with_capacity(qs.len() * 600 + 1024);
    let (marking, explain) = handling_line(g);
    let _ = writeln!(out, "{marking}\n");
    let _ = writeln!(out, "# {}\n", inline(&meta.title));
    let _ = writeln!(out, "- Date: {}", meta.date.format("%Y-%m-%d"));
    let _ = writeln!(out, "- Workspace: {}", inline(&meta.workspace));
    out.push_str(&counts_line(qs));
    if !g.matrices.is_empty() {
        let _ = writeln!(out, "- Weighting: {}", inline(crate::model::ach::WEIGHTING));
    }
    let _ = writeln!(out, "\n{explain}\n");
    if qs.is_empty() {
        out.push_str("No questions match this export.\n\n");
    }
    key_judgements(&mut out, qs, g);
    collection(&mut out, g);
    let mut priorities: Vec<u8> = qs.iter().map(|q| q.priority).collect();
    priorities.sort_unstable();
    priorities.dedup();
    for p in priorities {
        let group: Vec<&Question> = qs.iter().filter(|q| q.priority == p).collect();
        let _ = writeln!(out, "## Priority {p} ({})\n", group.len());
        // live questions first (active, then open), then the rest by status
        let order = super::tree_order(
            group.len(),
            |i| group[i].meta.id,
            |i| group[i].parent,
            |i| status_rank(group[i].status),
        );
        for (i, depth) in order {
            question(&mut out, group[i as usize], depth as usize, g, meta);
        }
    }
    notes(&mut out, g);
    audit(&mut out, &meta.audit);
    let _ = writeln!(out, "---\n\n{marking}");
    out
}

/// Who made the changes the journal records: each analyst by name, with how many.
fn audit(out: &mut String, audit: &[(String, u64)]) {
    if audit.is_empty() {
        return;
    }
    out.push_str("## Audit\n\nChanges recorded in the journal, by analyst: ");
    let parts: Vec<String> = audit
        .iter()
        .map(|(who, n)| format!("{} {n}", inline(who)))
        .collect();
    out.push_str(&parts.join(", "));
    out.push_str(".\n\n");
}
