//! The Hypotheses pane: the question line, the matrix (hypothesis ids as column heads,
//! evidence notes as rows, only what is on screen drawn) and the lines under it that the
//! pane state prepares (scores, sensitivity, the selected hypothesis and note in full,
//! the ledger).

use super::Theme;
use crate::app::hypotheses::{GridLayout, HypothesesState, Tone, GRADE_W};
use crate::app::App;
use crate::model::text::{fit, sanitize, width};
use crate::model::HypothesisStatus;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

pub fn render(app: &App, theme: Theme, frame: &mut Frame, area: Rect) {
    let st = &app.hypotheses;
    let w = area.width as usize;
    let h = area.height as usize;
    let mut lines: Vec<Line> = Vec::with_capacity(h);
    let Some(q) = st.question else {
        lines.push(Line::styled(fit("Competing hypotheses", w), theme.title()));
        for text in [
            "No question chosen. Select a question in the Backlog (1) and come back",
            "with 6, or press o here to pick one.",
        ] {
            lines.push(Line::styled(fit(text, w), theme.dim()));
        }
        frame.render_widget(Paragraph::new(lines), area);
        return;
    };
    let layout = st.layout(w);
    lines.push(question_line(st, theme, w, &layout));
    if st.loading() == Some(q) && st.matrix.columns.is_empty() {
        // a large matrix is read on a thread of its own: keys keep working meanwhile
        let text = format!("Reading the matrix of {q}… (a large workspace; keys keep working)");
        lines.push(Line::styled(fit(&text, w), theme.dim()));
        frame.render_widget(Paragraph::new(lines), area);
        return;
    }
    if st.cols.is_empty() {
        let text = if st.matrix.columns.is_empty() {
            format!("{q} has no hypotheses yet. Press h to add one, then a to add evidence.")
        } else {
            format!("Every hypothesis of {q} is rejected: r shows them, h adds another.")
        };
        for l in crate::model::text::wrap(&text, w) {
            lines.push(Line::styled(fit(&l, w), theme.dim()));
        }
        frame.render_widget(Paragraph::new(lines), area);
        return;
    }
    let grid = st.grid_height(w, h);
    let details = st.details(w, h.saturating_sub(2 + grid));
    lines.push(header_line(st, theme, &layout));
    if st.rows.is_empty() {
        lines.push(Line::styled(
            fit(
                &format!("No evidence yet: a adds a note as evidence (notes linked to {q} or its hypotheses show here)."),
                w,
            ),
            theme.dim(),
        ));
        for _ in 1..grid {
            lines.push(Line::raw(""));
        }
    } else {
        let rows = st.rows.iter().enumerate().skip(st.cursor.offset).take(grid);
        let mut drawn = 0;
        for (i, &r) in rows {
            lines.push(row_line(st, theme, &layout, i, r));
            drawn += 1;
        }
        for _ in drawn..grid {
            lines.push(Line::raw(""));
        }
    }
    for d in details {
        let style = match d.tone {
            Tone::Plain => Style::default(),
            Tone::Title => theme.title(),
            Tone::Dim => theme.dim(),
            Tone::Warn => theme.warn(),
            Tone::Good => theme.good(),
        };
        lines.push(Line::styled(fit(&d.text, w), style));
    }
    frame.render_widget(Paragraph::new(lines), area);
}

/// The question, its size and which columns are on screen.
fn question_line(
    st: &HypothesesState,
    theme: Theme,
    w: usize,
    layout: &GridLayout,
) -> Line<'static> {
    let q = st.question.map(|q| q.to_string()).unwrap_or_default();
    let mut right = format!(
        " · {} hypotheses · {} rows",
        st.matrix.columns.len(),
        st.matrix.rows.len()
    );
    if st.rows.len() < st.matrix.rows.len() {
        right.push_str(&format!(" ({} shown)", st.rows.len()));
    }
    if layout.first > 0 || layout.first + layout.count < st.cols.len() {
        right.push_str(&format!(
            " · cols {}-{} of {} ←→",
            layout.first + 1,
            layout.first + layout.count,
            st.cols.len()
        ));
    }
    let right = crate::model::text::truncate(&right, w.saturating_sub(q.len() + 17)).into_owned();
    let room = w.saturating_sub(q.len() + 1 + width(&right));
    Line::from(vec![
        Span::styled(format!("{q} "), theme.accent()),
        Span::styled(fit(&sanitize(&st.title), room), theme.title()),
        Span::styled(right, theme.dim()),
    ])
}

fn centred(sym: &str, cells: usize) -> String {
    fit(&format!(" {sym}"), cells)
}

fn column_style(st: &HypothesesState, theme: Theme, c: usize) -> Style {
    match st.matrix.columns[c].status {
        HypothesisStatus::Rejected => theme.dim(),
        HypothesisStatus::Confirmed => theme.good(),
        HypothesisStatus::Live => Style::default(),
    }
}

/// The column heads: hypothesis ids, the selected one marked.
fn header_line(st: &HypothesesState, theme: Theme, layout: &GridLayout) -> Line<'static> {
    let mut spans = vec![Span::styled(
        format!("{} {} ", fit("note", layout.note_w), fit("grd", GRADE_W)),
        theme.dim(),
    )];
    for (i, &c) in st
        .cols
        .iter()
        .enumerate()
        .skip(layout.first)
        .take(layout.count)
    {
        let mut style = column_style(st, theme, c).add_modifier(Modifier::BOLD);
        if i == st.col {
            style = if st.header {
                theme.selected()
            } else {
                style.add_modifier(Modifier::UNDERLINED)
            };
        }
        let id = st.matrix.columns[c].id.to_string();
        spans.push(Span::styled(centred(&id, layout.cell_w), style));
    }
    if layout.title_w > 1 {
        spans.push(Span::styled(
            format!(" {}", fit("title", layout.title_w - 1)),
            theme.dim(),
        ));
    }
    Line::from(spans)
}

/// One evidence row: note id, grade, the cells on screen and the title.
fn row_line(
    st: &HypothesesState,
    theme: Theme,
    layout: &GridLayout,
    i: usize,
    r: usize,
) -> Line<'static> {
    let row = &st.matrix.rows[r];
    let selected = !st.header && i == st.cursor.selected;
    let flat = !st.analysis.diagnostic.get(r).copied().unwrap_or(false);
    let base = if flat { theme.dim() } else { Style::default() };
    let grade = row.grade.map_or("—".to_string(), |g| g.to_string());
    let lead_style = if selected { theme.selected() } else { base };
    let mut spans = vec![
        Span::styled(fit(&row.note.to_string(), layout.note_w), lead_style),
        Span::styled(format!(" {} ", fit(&grade, GRADE_W)), base),
    ];
    for (ci, &c) in st
        .cols
        .iter()
        .enumerate()
        .skip(layout.first)
        .take(layout.count)
    {
        let sym = row
            .cells
            .get(c)
            .copied()
            .flatten()
            .map_or("", |v| v.symbol());
        let style = if selected && ci == st.col {
            theme.selected()
        } else if !st.matrix.columns[c].is_live() {
            theme.dim()
        } else if ci == st.col {
            base.add_modifier(Modifier::BOLD)
        } else {
            base
        };
        spans.push(Span::styled(centred(sym, layout.cell_w), style));
    }
    if layout.title_w > 1 {
        spans.push(Span::styled(
            format!(" {}", fit(&sanitize(&row.title), layout.title_w - 1)),
            base,
        ));
    }
    Line::from(spans)
}
