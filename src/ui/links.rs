//! The Links pane: the breadcrumb trail, the record at the centre, its neighbours grouped
//! by label and direction (or the shortest path to another record) and a paging line
//! that always says how many there are. Titles are read for the rows on screen only.

use super::Theme;
use crate::app::links::{Edge, LinksState, Row};
use crate::app::App;
use crate::model::text::{display, fit, width};
use crate::model::Id;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

pub fn render(app: &App, theme: Theme, frame: &mut Frame, area: Rect) {
    let l = &app.links;
    let Some(centre) = l.centre else {
        let text = vec![
            Line::styled("Links", theme.title()),
            Line::raw(""),
            Line::raw("Nothing at the centre yet. Select a record in any pane and press L"),
            Line::raw("to see what it is linked to, walk from neighbour to neighbour with"),
            Line::raw("Enter, come back with Backspace, and press p for the shortest path"),
            Line::raw("to another record."),
        ];
        frame.render_widget(
            Paragraph::new(text)
                .style(theme.dim())
                .wrap(Wrap { trim: false }),
            area,
        );
        return;
    };
    let w = area.width as usize;
    let mut lines: Vec<Line> = Vec::with_capacity(area.height as usize);
    lines.push(breadcrumb(l, theme, w));
    lines.push(match &l.path {
        Some(p) => Line::from(vec![
            Span::styled("path ", theme.title()),
            Span::raw(fit(&display(&p.chain), w.saturating_sub(5))),
        ]),
        None => centre_line(l, centre, theme, w),
    });
    if let Some(p) = &l.path {
        lines.push(Line::styled(fit(&p.strength(), w), theme.dim()));
    }
    // the pane's rows below its first line, as the app keeps the selection in view
    let window = l.window((area.height as usize).saturating_sub(1));
    let visible: Vec<(usize, &Row)> = l
        .rows
        .iter()
        .enumerate()
        .skip(l.cursor.offset)
        .take(window)
        .collect();
    let cols = Columns::measure(&visible, w);
    for (i, row) in visible {
        lines.push(render_row(l, theme, &cols, i, row, w));
    }
    while lines.len() < (area.height as usize).saturating_sub(1) {
        lines.push(Line::raw(""));
    }
    lines.push(footer(
        l,
        theme,
        w,
        (area.height as usize).saturating_sub(1),
    ));
    frame.render_widget(Paragraph::new(lines), area);
}

/// `Links  E4 › N12 › E17`, cut from the left with `…` when it is too long.
fn breadcrumb(l: &LinksState, theme: Theme, w: usize) -> Line<'static> {
    let ids: Vec<String> = l.trail_ids().iter().map(Id::to_string).collect();
    let mut shown = ids.join(" › ");
    let room = w.saturating_sub(7);
    let mut skipped = 0;
    while width(&shown) > room && skipped + 1 < ids.len() {
        skipped += 1;
        shown = format!("… › {}", ids[skipped..].join(" › "));
    }
    let (head, last) = match shown.rfind(" › ") {
        Some(i) => shown.split_at(i + " › ".len()),
        None => ("", shown.as_str()),
    };
    Line::from(vec![
        Span::styled("trail  ", theme.dim()),
        Span::styled(head.to_string(), theme.dim()),
        Span::styled(last.to_string(), theme.accent()),
    ])
}

fn centre_line(l: &LinksState, centre: Id, theme: Theme, w: usize) -> Line<'static> {
    let title = l.name(centre);
    let n = l.edges.len();
    let facts = match (n, l.groups.len()) {
        (0, _) => " · no links yet: l links it to another record".to_string(),
        (1, _) => " · 1 link".to_string(),
        (n, 1) => format!(" · {n} links"),
        (n, g) => format!(" · {n} links in {g} groups"),
    };
    let id = format!("{centre}  ");
    let room = w.saturating_sub(width(&id) + width(&facts));
    Line::from(vec![
        Span::styled(id, theme.accent()),
        Span::styled(
            crate::model::text::truncate(title, room).into_owned(),
            theme.title(),
        ),
        Span::styled(facts, theme.dim()),
    ])
}

/// Column widths for the rows on screen.
struct Columns {
    arrow: usize,
    id: usize,
    conf_words: bool,
    conf: usize,
    when: usize,
}

impl Columns {
    fn measure(rows: &[(usize, &Row)], w: usize) -> Columns {
        let edges: Vec<&Edge> = rows
            .iter()
            .filter_map(|(_, r)| match r {
                Row::Edge(e) => Some(e),
                _ => None,
            })
            .collect();
        let max = |f: &dyn Fn(&Edge) -> usize| edges.iter().map(|e| f(e)).max().unwrap_or(0);
        let arrow = max(&|e| width(&display(&e.arrow()))).min(22);
        let id = max(&|e| e.other.to_string().len()).max(3);
        let when = max(&|e| e.when.as_ref().map_or(0, |t| width(&t.human())));
        let words = max(&|e| e.confidence.map_or(0, |c| c.words().len()));
        let short = max(&|e| e.confidence.map_or(0, |c| c.brief().len()));
        let fixed = 2 + arrow + 1 + id + 2;
        let gap = |n: usize| if n == 0 { 0 } else { n + 2 };
        let conf_words = w.saturating_sub(fixed + gap(words) + gap(when)) >= 20;
        let conf = if conf_words { words } else { short };
        Columns {
            arrow,
            id,
            conf_words,
            conf,
            when,
        }
    }
}

fn render_row(
    l: &LinksState,
    theme: Theme,
    cols: &Columns,
    i: usize,
    row: &Row,
    w: usize,
) -> Line<'static> {
    let selected = i == l.cursor.selected;
    let marker = if selected { "› " } else { "  " };
    let style = |s: Style| if selected { theme.selected() } else { s };
    match row {
        Row::Group(g) => {
            let text = l.groups.get(*g).map(|g| g.heading()).unwrap_or_default();
            Line::styled(fit(&display(&text), w), theme.title())
        }
        Row::Edge(e) => {
            let conf = e
                .confidence
                .map(|c| {
                    if cols.conf_words {
                        c.words()
                    } else {
                        c.brief()
                    }
                })
                .unwrap_or("");
            let when = e.when.as_ref().map(|t| t.human()).unwrap_or_default();
            // a row with neither lets its title run into the empty columns
            let mut right = String::new();
            if !(conf.is_empty() && when.is_empty()) {
                if cols.conf > 0 {
                    right.push_str(&format!("  {}", fit(conf, cols.conf)));
                }
                if cols.when > 0 {
                    right.push_str(&format!("  {}", fit(&when, cols.when)));
                }
            }
            let left = format!(
                "{marker}{} {} ",
                fit(&display(&e.arrow()), cols.arrow),
                fit(&e.other.to_string(), cols.id)
            );
            let room = w.saturating_sub(width(&left) + width(&right));
            let body = fit(l.name(e.other), room);
            let text = fit(&format!("{left}{body}{right}"), w);
            let base = if e.auto {
                theme.dim()
            } else {
                Style::default()
            };
            Line::styled(text, style(base))
        }
        Row::Stop(id) => {
            let text = format!("{marker}{id}  {}", l.name(*id));
            let base = if Some(*id) == l.centre {
                theme.accent()
            } else {
                Style::default()
            };
            Line::styled(fit(&text, w), style(base))
        }
        Row::Hop(e) => {
            let mut text = format!("      {}  {}", display(&e.arrow()), e.link);
            if let Some(c) = e.confidence {
                text.push_str(&format!(" · {}", c.words()));
            }
            if let Some(t) = &e.when {
                text.push_str(&format!(" · {}", t.human()));
            }
            Line::styled(fit(&text, w), theme.dim())
        }
    }
}

/// The selected link's id and source on the left; which rows are on screen, of how many,
/// on the right.
fn footer(l: &LinksState, theme: Theme, w: usize, list_height: usize) -> Line<'static> {
    let (first, last, total) = l.page_span(list_height);
    // each right-hand text in full, then without its least useful part
    let (right, short) = if l.path.is_some() {
        (
            "Enter walks to the record · Backspace back to the neighbours".to_string(),
            "Enter walks · Backspace back".to_string(),
        )
    } else if total == 0 {
        (String::new(), String::new())
    } else if first == 1 && last == total {
        let s = if total == 1 { "" } else { "s" };
        let t = format!("{total} link{s}");
        (t.clone(), t)
    } else if first == 0 {
        (
            format!("of {total} links · PageDown for more"),
            format!("of {total} links"),
        )
    } else if last < total {
        (
            format!("rows {first}-{last} of {total} · PageDown for more"),
            format!("rows {first}-{last} of {total}"),
        )
    } else {
        let t = format!("rows {first}-{last} of {total}");
        (t.clone(), t)
    };
    let left = match l.selected_row() {
        Some(Row::Edge(e)) => {
            let mut s = format!(" {}", e.link);
            if let Some(c) = e.confidence {
                s.push_str(&format!(" · {c} ({})", c.range()));
            }
            if e.auto {
                s.push_str(" · kept in step with the note's text");
            } else if let Some(src) = e.source {
                s.push_str(&format!(" · source {src}"));
            }
            s
        }
        _ => String::new(),
    };
    // the selected link's facts keep at least a readable part before the hint is shortened;
    // a gap of one cell always parts the two sides
    let want = width(&left).min(w / 2);
    let right = if width(&right) + 2 + want <= w {
        right
    } else {
        short
    };
    let right = fit(&right, width(&right).min(w.saturating_sub(2)));
    let room = w.saturating_sub(width(&right) + 2);
    Line::from(vec![
        Span::styled(fit(&left, room), theme.dim()),
        Span::styled(format!(" {right} "), theme.dim()),
    ])
}
