//! The Plan pane: a counts line, the outstanding collection under the question each item
//! serves (by priority), and the selected item in full below.

use super::Theme;
use crate::app::plan::{PlanState, Row, DETAIL_ROWS, HEADER_ROWS};
use crate::app::App;
use crate::model::text::{fit, sanitize, wrap};
use crate::store::{PlanItem, PlanKind};
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;
use ratatui::Frame;

pub fn render(app: &App, theme: Theme, frame: &mut Frame, area: Rect) {
    let p = &app.plan;
    let w = area.width as usize;
    let h = area.height as usize;
    let mut lines = vec![Line::styled(fit(&header(p), w), theme.dim())];
    let list_h = PlanState::list_rows(h);
    let mut list = list_lines(p, theme, w, list_h);
    list.resize(list_h, Line::raw(""));
    lines.extend(list);
    lines.extend(detail(p, theme, w));
    lines.truncate(h);
    frame.render_widget(Paragraph::new(lines), area);
}

fn header(p: &PlanState) -> String {
    let looks = p
        .items
        .iter()
        .filter(|i| i.kind == PlanKind::Expectation)
        .count();
    let asks = p.items.len() - looks;
    let served = p
        .rows
        .iter()
        .filter(|r| matches!(r, Row::Served(_)))
        .count();
    format!(
        "Outstanding collection: {looks} to look for, {asks} to answer, for {served} questions · x sets what was found · Enter shows"
    )
}

fn what(i: &PlanItem) -> String {
    match (i.kind, i.hypothesis) {
        (PlanKind::Expectation, Some(h)) => format!("{} look for, if {h}: {}", i.id, i.text),
        (PlanKind::Expectation, None) => format!("{} look for: {}", i.id, i.text),
        (PlanKind::Question, _) => format!("{} answer: {}", i.id, i.text),
    }
}

fn list_lines(p: &PlanState, theme: Theme, w: usize, h: usize) -> Vec<Line<'static>> {
    if p.rows.is_empty() {
        let msg = "Nothing outstanding. Expectations not yet looked for (x in the Hypotheses \
                   pane adds one) and open questions tagged collection (made by collect next, \
                   N, or accepted from the Gaps pane) show here.";
        return wrap(msg, w)
            .into_iter()
            .map(|l| Line::styled(fit(&l, w), theme.dim()))
            .collect();
    }
    let mut out = Vec::with_capacity(h);
    for (row_at, row) in p.rows.iter().enumerate().skip(p.cursor.offset).take(h) {
        match row {
            Row::Served(i) => {
                let item = &p.items[*i];
                let text = format!("P{} {} {}", item.priority, item.question, item.title);
                out.push(Line::styled(fit(&sanitize(&text), w), theme.title()));
            }
            Row::Item(i) => {
                let text = fit(&format!("  {}", sanitize(&what(&p.items[*i]))), w);
                if row_at == p.cursor.selected {
                    out.push(Line::styled(text, theme.selected()));
                } else {
                    out.push(Line::raw(text));
                }
            }
        }
    }
    out
}

/// The selected item in full: what to do, and what it tests or serves.
fn detail(p: &PlanState, theme: Theme, w: usize) -> Vec<Line<'static>> {
    let mut out = Vec::with_capacity(DETAIL_ROWS);
    let Some(i) = p.current() else {
        return out;
    };
    let head = match i.kind {
        PlanKind::Expectation => format!(
            "{} · expected if {} were true · serves {} (P{})",
            i.id,
            i.hypothesis.map(|h| h.to_string()).unwrap_or_default(),
            i.question,
            i.priority
        ),
        PlanKind::Question => format!(
            "{} · collection question · serves {} (P{})",
            i.id, i.question, i.priority
        ),
    };
    out.push(Line::styled(fit(&head, w), theme.title()));
    let mut body = wrap(&sanitize(&i.text), w);
    if let Some((h, statement)) = &p.hypothesis {
        body.extend(wrap(&sanitize(&format!("{h}: {statement}")), w));
    }
    for l in body.into_iter().take(DETAIL_ROWS - HEADER_ROWS) {
        out.push(Line::raw(fit(&l, w)));
    }
    out
}
