//! The Notes pane: a header with the count, order and reading state, the window of note
//! rows, and the detail view of one note (grade spelled out, `when`, source, the
//! entities it mentions, its links, then the full text).

use super::Theme;
use crate::app::notes::{wrap, More, NoteDetail};
use crate::app::App;
use crate::model::text::{display, display_lines, fit, width};
use crate::model::Kind;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

pub fn render(app: &App, theme: Theme, frame: &mut Frame, area: Rect) {
    let header = Rect { height: 1, ..area };
    let body = Rect {
        y: area.y + 1,
        height: area.height.saturating_sub(1),
        ..area
    };
    frame.render_widget(header_line(app, theme, area.width as usize), header);
    match &app.notes.detail {
        Some(d) => render_detail(d, theme, frame, body),
        None => render_list(app, theme, frame, body),
    }
}

fn header_line(app: &App, theme: Theme, w: usize) -> Line<'static> {
    let n = &app.notes;
    let total = app.counts().count(Kind::Note);
    let mut spans = vec![Span::styled(
        format!("{total} notes · {} ", n.order.short()),
        theme.dim(),
    )];
    if !n.filter.is_empty() {
        let shown = if n.above == More::No && n.below == More::No {
            format!("│ {} match ", n.rows.len())
        } else {
            "│ filtered ".to_string()
        };
        spans.push(Span::styled(shown, theme.warn()));
    }
    if n.order == crate::app::notes::Order::Occurred {
        spans.push(Span::styled("· undated last ", theme.dim()));
    }
    let used = super::spans_width(&spans);
    spans.push(Span::styled(
        fit("· o order  f filter  a add", w.saturating_sub(used)),
        theme.dim(),
    ));
    Line::from(spans)
}

fn render_list(app: &App, theme: Theme, frame: &mut Frame, area: Rect) {
    let n = &app.notes;
    let w = area.width as usize;
    if n.rows.is_empty() {
        let msg = if n.paused {
            "No match yet in the notes read so far: j reads further. Esc clears the filter."
        } else if n.filter.is_empty() {
            "No notes yet. Press a to write one; [[name]] in its text mentions an entity."
        } else {
            "No note matches the filter. f changes it, Esc clears it."
        };
        frame.render_widget(Paragraph::new(msg).style(theme.dim()), area);
        return;
    }
    let h = area.height as usize;
    let mut lines = Vec::with_capacity(h);
    for (i, row) in n.rows.iter().enumerate().skip(n.cursor.offset).take(h) {
        let grade = row.grade.map(|g| g.to_string()).unwrap_or_default();
        let when = row.when.map(|x| x.human()).unwrap_or_default();
        let mut spans = vec![
            Span::raw(format!("{:<6} ", row.id)),
            Span::styled(
                format!("{grade:<3} "),
                match row.grade {
                    Some(g) if g.is_low() => theme.warn(),
                    _ => theme.accent(),
                },
            ),
            Span::raw(format!("{} ", fit(&when, 16))),
        ];
        if w >= 72 {
            // the source column gives way to the title on a narrow terminal
            spans.push(Span::styled(
                format!("{} ", fit(&display(&row.source), 9)),
                theme.dim(),
            ));
        }
        let used = super::spans_width(&spans);
        let mut title = display(&row.title).into_owned();
        for t in &row.tags {
            title.push_str(&format!("  #{}", display(t)));
        }
        spans.push(Span::raw(fit(&title, w.saturating_sub(used))));
        let mut line = Line::from(spans);
        if i == n.cursor.selected {
            line = line.style(theme.selected());
        }
        lines.push(line);
    }
    if lines.len() < h {
        match n.below {
            More::From(_) if n.paused => lines.push(Line::styled(
                fit(
                    "… no more matches in the notes read so far: j reads further",
                    w,
                ),
                theme.dim(),
            )),
            More::From(_) => lines.push(Line::styled("…", theme.dim())),
            More::No => {}
        }
    }
    frame.render_widget(Paragraph::new(lines), area);
}

fn render_detail(d: &NoteDetail, theme: Theme, frame: &mut Frame, area: Rect) {
    let w = area.width as usize;
    let n = &d.note;
    let line = |text: String, style: Style| Line::styled(fit(&display(&text), w), style);
    let label = |name: &str| Span::styled(format!("{name:<8}"), theme.dim());
    let rest = |text: String| Span::raw(fit(&display(&text), w.saturating_sub(8)));

    let mut top: Vec<Line> = vec![Line::from(vec![
        Span::styled(format!("{}  ", n.meta.id), theme.accent()),
        Span::styled(
            fit(
                &display(&crate::model::text::title_line(&n.text)),
                w.saturating_sub(8),
            ),
            theme.title(),
        ),
    ])];
    // on a short screen the grade takes one line and the recorded line goes
    let mut compact_grade = None;
    match &n.grade {
        Some(g) => {
            let code = g.to_string();
            top.push(Line::from(vec![
                label("Grade"),
                Span::styled(format!("{code}  "), theme.accent()),
                rest(g.source_meaning().to_string()),
            ]));
            for m in [g.intel_meaning(), g.handling_meaning()] {
                top.push(Line::from(vec![
                    Span::raw(" ".repeat(8 + code.len() + 2)),
                    rest(m.to_string()),
                ]));
            }
            if g.is_suspect_false() {
                top.push(line(
                    "        suspected false: never counts as strong evidence".into(),
                    theme.warn(),
                ));
            }
            compact_grade = Some(line(
                format!(
                    "Grade   {code}  {} · {} · {}",
                    g.source_meaning(),
                    g.intel_meaning(),
                    g.handling_meaning()
                ),
                Style::default(),
            ));
        }
        None => top.push(Line::from(vec![
            label("Grade"),
            Span::styled(
                fit("ungraded (c grades it)", w.saturating_sub(8)),
                theme.dim(),
            ),
        ])),
    }
    top.push(Line::from(vec![
        label("When"),
        match &n.when {
            Some(x) => rest(format!("{}   (typed {x})", x.human())),
            None => Span::styled(
                fit("not known (w sets it)", w.saturating_sub(8)),
                theme.dim(),
            ),
        },
    ]));
    top.push(Line::from(vec![
        label("Source"),
        if n.source.trim().is_empty() {
            Span::styled(
                fit("not given (s sets it)", w.saturating_sub(8)),
                theme.dim(),
            )
        } else {
            rest(n.source.clone())
        },
    ]));
    let mut rec = format!(
        "recorded {} by {}",
        n.meta.created.format("%Y-%m-%d %H:%M"),
        n.meta.by
    );
    if n.meta.updated != n.meta.created {
        rec.push_str(&format!(
            ", changed {}",
            n.meta.updated.format("%Y-%m-%d %H:%M")
        ));
    }
    for t in &n.meta.tags {
        rec.push_str(&format!(" · #{t}"));
    }
    top.push(line(rec, theme.dim()));

    // the linked records: a small list of their own, scrolled to the cursor
    let mut links: Vec<(Line, bool)> = super::related::lines(&d.related, theme, w, false);
    if d.related.more_links > 0 {
        links.push((
            line(
                format!(
                    "{} more links: the Links pane (L) shows all",
                    d.related.more_links
                ),
                theme.dim(),
            ),
            false,
        ));
    }
    if d.related.items.is_empty() {
        links.push((
            line(
                "Mentions no entity: write [[name]] or an id such as E12 in the text (e)".into(),
                theme.dim(),
            ),
            false,
        ));
    }

    let h = area.height as usize;
    let links_h = links.len().min((h / 3).max(2));
    let text = display_lines(&n.text);
    let wrapped = wrap(&text, w.saturating_sub(2));
    // the text keeps at least a third of the view; the header gives way first
    let text_min = wrapped.len().min((h / 3).max(3));
    let top_h = h.saturating_sub(links_h + 1 + text_min).max(1);
    if top.len() > top_h {
        let recorded = top.len() - 1;
        top.truncate(recorded);
        if let Some(g) = compact_grade {
            let grade_lines = if n.grade.is_some_and(|g| g.is_suspect_false()) {
                4
            } else {
                3
            };
            top.splice(1..1 + grade_lines, [g]);
        }
        top.truncate(top_h);
    }
    let text_h = h.saturating_sub(top.len() + links_h + 1);
    let cursor = links.iter().position(|(_, s)| *s).unwrap_or(0);
    let skip = (cursor + 1).saturating_sub(links_h);
    let mut lines = top;
    lines.extend(links.into_iter().skip(skip).take(links_h).map(|(l, _)| l));

    let max_scroll = wrapped.len().saturating_sub(text_h.max(1));
    let scroll = d.scroll.min(max_scroll);
    let more = if wrapped.len() > scroll + text_h {
        format!(
            " ({} more lines: j / PageDown)",
            wrapped.len() - scroll - text_h
        )
    } else {
        String::new()
    };
    let rule = format!("── Text{more} ");
    let pad = w.saturating_sub(width(&rule));
    lines.push(Line::styled(
        format!("{rule}{}", "─".repeat(pad)),
        theme.dim(),
    ));
    lines.extend(
        wrapped
            .iter()
            .skip(scroll)
            .take(text_h)
            .map(|l| Line::raw(format!("  {}", fit(l, w.saturating_sub(2))))),
    );
    frame.render_widget(Paragraph::new(lines), area);
}
