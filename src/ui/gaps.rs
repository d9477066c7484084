//! The Gaps pane: a counts line, the suggestions grouped by the priority they serve and
//! by rule (question and short reason on each row; in the list of those dealt with,
//! the question an accepted one became, by its title now, or why one was dismissed),
//! and below them the selected suggestion in full with its trigger records; `Enter`
//! turns the lower part into the list of triggers.

use super::Theme;
use crate::analysis::{shorten, Dealt, Suggestion, RULES};
use crate::app::gaps::{GapsState, Row, RunState, DETAIL_ROWS, HEADER_ROWS};
use crate::app::App;
use crate::model::text::{fit, sanitize, width};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

pub fn render(app: &App, theme: Theme, frame: &mut Frame, area: Rect) {
    let g = &app.gaps;
    let w = area.width as usize;
    let h = area.height as usize;
    let mut lines = vec![Line::styled(fit(&header(g), w), theme.dim())];
    if g.triggers.is_some() {
        lines.extend(trigger_view(g, theme, w, h.saturating_sub(HEADER_ROWS)));
    } else {
        let list_h = GapsState::list_rows(h);
        let mut list = list_lines(g, theme, w, list_h);
        list.resize(list_h, Line::raw(""));
        lines.extend(list);
        lines.extend(detail(g, theme, w));
    }
    lines.truncate(h);
    frame.render_widget(Paragraph::new(lines), area);
}

fn header(g: &GapsState) -> String {
    let rules = RULES.len();
    let (open, dealt) = (g.run.open.len(), g.run.dealt.len());
    match &g.state {
        RunState::Failed(e) => format!("the gap rules could not run: {e}"),
        _ if g.runs == 0 => format!("running the {rules} gap rules…"),
        s => {
            let again = if *s == RunState::Running {
                " · running again…"
            } else {
                ""
            };
            let counted = crate::model::vocab::counted;
            format!(
                "{} from {rules} rules in {} · {dealt} dismissed or accepted{again}",
                counted(open, "suggestion", "suggestions"),
                counted(g.run.records, "record", "records")
            )
        }
    }
}

fn list_lines(g: &GapsState, theme: Theme, w: usize, h: usize) -> Vec<Line<'static>> {
    if g.rows.is_empty() {
        let msg = if g.runs == 0 {
            format!("running the {} gap rules…", RULES.len())
        } else if g.show_dealt {
            "Nothing dismissed or accepted. z shows the open suggestions.".to_string()
        } else {
            let mut m = format!(
                "No gaps found by {} rules in {} records.",
                RULES.len(),
                g.run.records
            );
            if !g.run.dealt.is_empty() {
                m.push_str(&format!(
                    " {} dismissed or accepted: z shows them.",
                    g.run.dealt.len()
                ));
            }
            m
        };
        return crate::model::text::wrap(&msg, w)
            .into_iter()
            .map(|l| Line::styled(fit(&l, w), theme.dim()))
            .collect();
    }
    let list = g.list();
    let mut out = Vec::with_capacity(h);
    for (i, row) in g.rows.iter().enumerate().skip(g.cursor.offset).take(h) {
        match row {
            Row::Group {
                priority,
                rule,
                count,
            } => out.push(Line::styled(
                fit(&group_heading(*priority, rule, *count), w),
                theme.title(),
            )),
            Row::Item(at) => {
                let Some(s) = list.get(*at) else { continue };
                out.push(item_line(s, i == g.cursor.selected, theme, w));
            }
        }
    }
    out
}

/// `P1 · no-indicators (5)`, or `lonely-mention (1) · no open question`.
pub fn group_heading(priority: Option<u8>, rule: &str, count: usize) -> String {
    match priority {
        Some(p) => format!("P{p} · {rule} ({count})"),
        None => format!("{rule} ({count}) · no open question"),
    }
}

/// What a suggestion dealt with became: `→ Q41 Who employs Owen Barlow?`, or why it
/// was dismissed.
fn dealt_text(d: &Dealt) -> (String, String) {
    match (d.question, &d.title) {
        (Some(q), Some(t)) => (format!("→ {q} {t}"), "accepted".into()),
        (Some(q), None) => (format!("→ {q} (deleted since)"), "accepted".into()),
        (None, _) => (
            String::new(),
            match &d.reason {
                Some(r) => format!("dismissed: {r}"),
                None => "dismissed, no reason given".into(),
            },
        ),
    }
}

/// `  question  reason`: the reason gets at most a third of the row; the question is
/// shortened on whole words. A suggestion dealt with shows the question it became, or
/// why it was dismissed.
fn item_line(s: &Suggestion, selected: bool, theme: Theme, w: usize) -> Line<'static> {
    let (became, why) = s.dealt.as_deref().map(dealt_text).unwrap_or_default();
    let reason = if why.is_empty() {
        sanitize(&s.reason).into_owned()
    } else {
        sanitize(&why).into_owned()
    };
    let asked = if became.is_empty() {
        &s.question
    } else {
        &became
    };
    let rw = width(&reason).min(w / 3);
    let qw = w.saturating_sub(rw + 4);
    let question = fit(&shorten(&sanitize(asked), qw), qw);
    let reason = fit(&reason, rw);
    if selected {
        return Line::styled(format!("  {question}  {reason}"), theme.selected());
    }
    Line::from(vec![
        Span::raw(format!("  {question}  ")),
        Span::styled(reason, theme.dim()),
    ])
}

/// The selected suggestion in full: its rule, question, reason and triggers.
fn detail(g: &GapsState, theme: Theme, w: usize) -> Vec<Line<'static>> {
    let mut out = Vec::with_capacity(DETAIL_ROWS);
    let Some(s) = g.current() else {
        return out;
    };
    let reasoning = crate::analysis::rule(s.rule)
        .map(|r| r.reasoning)
        .unwrap_or("");
    out.push(Line::styled(
        fit(&format!("── {}: {reasoning}", s.rules()), w),
        theme.dim(),
    ));
    let mut q = crate::model::text::wrap(&sanitize(&s.question), w);
    q.truncate(2);
    out.extend(
        q.into_iter()
            .map(|l| Line::styled(fit(&l, w), theme.title())),
    );
    out.push(Line::raw(fit(&sanitize(&s.reason), w)));
    match &s.dealt {
        Some(d) => {
            let text = match (d.question, &d.title, &d.reason) {
                (Some(q), Some(t), _) => format!("accepted as {q}: {t}"),
                (Some(q), None, _) => format!("accepted as {q}, deleted since"),
                (None, _, Some(r)) => format!("dismissed: {r}"),
                (None, _, None) => "dismissed, no reason given".to_string(),
            };
            out.push(Line::styled(fit(&sanitize(&text), w), theme.accent()));
        }
        None => {
            if let (Some(q), Some(p)) = (s.serves.first(), s.priority) {
                let more = match s.serves.len() {
                    1 => String::new(),
                    n => format!(" and {} more", n - 1),
                };
                let title = g
                    .served
                    .as_ref()
                    .filter(|(id, _)| id == q)
                    .map(|(_, t)| format!(" {t}"))
                    .unwrap_or_default();
                let text = format!("serves {q} (P{p}){more}{title}");
                out.push(Line::styled(fit(&sanitize(&text), w), theme.dim()));
            }
        }
    }
    let room = DETAIL_ROWS - out.len();
    let n = s.triggers.len();
    for (k, (id, title)) in g.titles.iter().enumerate().take(room) {
        if k + 1 == room && n > room {
            let more = format!("  … {} more: Enter lists them", n - k);
            out.push(Line::styled(fit(&more, w), theme.dim()));
            break;
        }
        out.push(trigger_line(*id, title, false, theme, w));
    }
    out
}

fn trigger_line(
    id: crate::model::Id,
    title: &str,
    selected: bool,
    theme: Theme,
    w: usize,
) -> Line<'static> {
    let lead = format!("  {id:<7}");
    let text = fit(&sanitize(title), w.saturating_sub(width(&lead)));
    if selected {
        return Line::styled(format!("{lead}{text}"), theme.selected());
    }
    Line::from(vec![Span::styled(lead, theme.accent()), Span::raw(text)])
}

/// The open trigger list: the suggestion, then one selectable row per trigger.
fn trigger_view(g: &GapsState, theme: Theme, w: usize, h: usize) -> Vec<Line<'static>> {
    let Some(s) = g.current() else {
        return Vec::new();
    };
    let mut out: Vec<Line> = crate::model::text::wrap(&sanitize(&s.question), w)
        .into_iter()
        .take(3)
        .map(|l| Line::styled(fit(&l, w), theme.title()))
        .collect();
    out.push(Line::raw(fit(&sanitize(&s.reason), w)));
    out.push(Line::styled(
        fit(
            "Triggers: Enter opens one · L shows it in Links · a accepts · Esc back",
            w,
        ),
        theme.dim(),
    ));
    let at = g.triggers.unwrap_or(0);
    let room = h.saturating_sub(out.len()).max(1);
    let skip = (at + 1).saturating_sub(room);
    for (k, id) in s.triggers.iter().enumerate().skip(skip).take(room) {
        let title = g
            .titles
            .iter()
            .find(|(t, _)| t == id)
            .map(|(_, t)| t.as_str())
            .unwrap_or("");
        out.push(trigger_line(*id, title, k == at, theme, w));
    }
    out
}
