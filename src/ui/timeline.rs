//! The Timeline pane: a header naming the axis, zoom and selected bucket; the density
//! strip with its ruler; and the rows, each date at its own precision, with quiet
//! stretches marked between an entity's reports.

use super::Theme;
use crate::app::timeline::{Focus, Item, Quiet, Row, TimelineState};
use crate::app::App;
use crate::model::text::{display, fit, truncate, width};
use crate::store::TimeAxis;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

/// Density levels, lowest first; an empty bucket shows as a dot.
const LEVELS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
/// The widest date column; longer dates push their row's title along.
const DATE_MAX: usize = 24;

pub fn render(app: &App, theme: Theme, frame: &mut Frame, area: Rect) {
    let t = &app.timeline;
    let row = |i: u16| Rect {
        y: area.y + i,
        height: 1,
        ..area
    };
    if area.height < 4 {
        return;
    }
    frame.render_widget(header(t, theme, area.width as usize), row(0));
    frame.render_widget(strip(t, theme, area.width as usize), row(1));
    frame.render_widget(
        Line::styled(ruler(t, area.width as usize), theme.dim()),
        row(2),
    );
    let list = Rect {
        y: area.y + 3,
        height: area.height - 3,
        ..area
    };
    render_rows(t, theme, frame, list);
}

fn header(t: &TimelineState, theme: Theme, w: usize) -> Line<'static> {
    let axis = match t.axis {
        TimeAxis::Occurred => "Occurred time",
        TimeAxis::Recorded => "Recorded time (entered)",
    };
    let mut spans = vec![
        Span::styled(axis.to_string(), theme.title()),
        Span::raw(format!(" · by {}", t.zoom.name())),
    ];
    let noun = "notes";
    match t.selected_row() {
        Some(Row::Quiet(q)) => spans.push(Span::styled(
            format!(" · quiet {} days", q.days),
            theme.warn(),
        )),
        Some(r) => {
            let day = r.at().date();
            if let Some(i) = t.strip.bucket_of(day) {
                let label = t.zoom.label(t.strip.bucket_start(i));
                let c = t.strip.counts[i];
                let noun = if c.count == 1 && !c.at_least {
                    "note"
                } else {
                    noun
                };
                spans.push(Span::raw(format!(
                    " · {label}: {}{} {noun}",
                    if c.at_least { "≥" } else { "" },
                    c.count
                )));
            }
        }
        None => {}
    }
    if !t.strip.counts.is_empty() {
        let (max, at_least) = t.strip.max();
        let ge = if at_least { "≥" } else { "" };
        let busiest = format!(" (busiest {ge}{max})");
        // the least useful part: left out rather than pushing the rest off the line
        if super::spans_width(&spans) + width(&busiest) <= w {
            spans.push(Span::styled(busiest, theme.dim()));
        }
    }
    let used = super::spans_width(&spans);
    let keys = "  [ ] zoom  t date  r axis  f filter";
    if used + width(keys) <= w {
        spans.push(Span::styled(keys, theme.dim()));
    }
    Line::from(super::fit_spans(spans, w))
}

/// One cell per bucket: a dot for none, else a bar scaled to the strip's busiest
/// bucket. The selected bucket (or a selected quiet stretch's buckets) is reversed.
fn strip(t: &TimelineState, theme: Theme, w: usize) -> Line<'static> {
    let s = &t.strip;
    let max = s.max().0.max(1);
    let (lo, hi) = match t.selected_row().map(Row::span) {
        Some((a, b)) => (
            s.bucket_of(a).unwrap_or(usize::MAX),
            s.bucket_of(b).unwrap_or(s.counts.len()),
        ),
        None => (usize::MAX, 0),
    };
    // after a resize the strip may be narrower or wider than the screen until the next key
    let first = if s.counts.len() > w && lo != usize::MAX && lo >= w {
        lo + 1 - w / 2
    } else {
        0
    };
    let mut spans = Vec::with_capacity(w);
    for (i, c) in s.counts.iter().enumerate().skip(first).take(w) {
        let (glyph, style) = if c.count == 0 {
            ('·', theme.dim())
        } else {
            let level = ((c.count * 8).div_ceil(max) as usize).clamp(1, 8);
            (LEVELS[level - 1], theme.accent())
        };
        let style = if (lo..=hi).contains(&i) {
            theme.selected()
        } else {
            style
        };
        spans.push(Span::styled(glyph.to_string(), style));
    }
    Line::from(spans)
}

/// Marks where larger periods begin under the strip: months, years or decades. Marks
/// never touch: one that would run into the one before is left out, unless it is a year
/// and the one before only a month; a mark that would run off the screen is left out
/// rather than cut.
fn ruler(t: &TimelineState, w: usize) -> String {
    let is_year = |m: &str| m.chars().all(|c| c.is_ascii_digit());
    let mut marks: Vec<(usize, String)> = Vec::new();
    for i in 0..t.strip.counts.len().min(w) {
        let Some(m) = t.zoom.mark(t.strip.bucket_start(i)) else {
            continue;
        };
        if i + width(&m) > w {
            continue;
        }
        while let Some((at, last)) = marks.last() {
            if at + width(last) < i {
                break;
            }
            if is_year(&m) && !is_year(last) {
                marks.pop();
            } else {
                break;
            }
        }
        if marks.last().is_none_or(|(at, last)| at + width(last) < i) {
            marks.push((i, m));
        }
    }
    let mut out = String::new();
    for (at, m) in marks {
        out.push_str(&" ".repeat(at - width(&out)));
        out.push_str(&m);
    }
    out
}

/// The date columns of an item: on occurred time, when it happened at its own precision;
/// on recorded time, the day it was entered and the lag after the end of the period it
/// happened in (a fixed part), then when it happened.
fn date_parts(it: &Item, axis: TimeAxis) -> (String, String) {
    let occurred = it.when.map(|w| w.human());
    match axis {
        TimeAxis::Occurred => (String::new(), occurred.unwrap_or_default()),
        TimeAxis::Recorded => {
            let entered = it.recorded.format("%-d %b %Y").to_string();
            let lag = it.lag_days().map(|d| format!("{d:+}d")).unwrap_or_default();
            (
                format!("{entered:<11} {lag:>6} "),
                occurred.unwrap_or_else(|| "undated".into()),
            )
        }
    }
}

fn render_rows(t: &TimelineState, theme: Theme, frame: &mut Frame, area: Rect) {
    if t.rows.is_empty() {
        let msg = match (&t.focus, t.axis) {
            (Some(_), _) => format!(
                "{}: nothing dated is linked to it. f changes the filter, Esc clears it.",
                display(&t.focus_label)
            ),
            (None, TimeAxis::Occurred) => {
                "Nothing dated yet. Notes with a date (w in Notes) and dated links show here; \
                 r shows recorded time."
                    .to_string()
            }
            (None, TimeAxis::Recorded) => "No notes yet.".to_string(),
        };
        frame.render_widget(
            Paragraph::new(msg)
                .style(theme.dim())
                .wrap(ratatui::widgets::Wrap { trim: true }),
            area,
        );
        return;
    }
    let w = area.width as usize;
    let shown: Vec<(usize, &Row)> = t
        .rows
        .iter()
        .enumerate()
        .skip(t.cursor.offset)
        .take(area.height as usize)
        .collect();
    let cap = match t.axis {
        TimeAxis::Occurred => DATE_MAX,
        TimeAxis::Recorded => DATE_MAX - 6,
    };
    let date_w = shown
        .iter()
        .filter_map(|(_, r)| match r {
            Row::Item(it) => Some(width(&date_parts(it, t.axis).1)),
            Row::Quiet(_) => None,
        })
        .max()
        .unwrap_or(0)
        .min(cap);
    let lines: Vec<Line> = shown
        .into_iter()
        .map(|(i, r)| {
            let line = match r {
                Row::Item(it) => item_line(it, t, date_w, w, theme),
                Row::Quiet(q) => quiet_line(q, w, theme),
            };
            if i == t.cursor.selected {
                line.style(theme.selected())
            } else {
                line
            }
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), area);
}

fn item_line(it: &Item, t: &TimelineState, date_w: usize, w: usize, theme: Theme) -> Line<'static> {
    let (fixed, date) = date_parts(it, t.axis);
    let date = if width(&date) < date_w {
        fit(&date, date_w)
    } else {
        date
    };
    let date = format!("{fixed}{date}");
    let grade = it.grade.map(|g| g.to_string()).unwrap_or_default();
    let mut spans = vec![
        Span::styled(date, theme.accent()),
        Span::raw(format!(" {grade:<3} {:<5} ", it.id.to_string())),
    ];
    let used = super::spans_width(&spans);
    let room = w.saturating_sub(used);
    let title = display(&it.title).into_owned();
    // the focused entity is on every row: name the others
    let focused = match &t.focus {
        Some(Focus::Entity(e)) => Some(*e),
        _ => None,
    };
    let names = it
        .names
        .iter()
        .filter(|(id, _)| Some(*id) != focused)
        .map(|(_, n)| display(n).into_owned())
        .collect::<Vec<_>>()
        .join(", ");
    if names.is_empty() {
        spans.push(Span::raw(display(&truncate(&title, room)).into_owned()));
    } else {
        // the names keep a third of the room when the title is long
        let names_w = (width(&names) + 3).min(room.max(3) / 3).max(3);
        let title_w = width(&title).min(room.saturating_sub(names_w));
        spans.push(Span::raw(display(&truncate(&title, title_w)).into_owned()));
        let rest = room.saturating_sub(title_w);
        spans.push(Span::styled(
            display(&truncate(&format!(" · {names}"), rest)).into_owned(),
            theme.dim(),
        ));
    }
    Line::from(spans)
}

fn quiet_line(q: &Quiet, w: usize, theme: Theme) -> Line<'static> {
    let day = |d: chrono::NaiveDate| d.format("%-d %b %Y").to_string();
    let text = format!(
        "── no reporting for {} days ({} to {}) · a: ask why ",
        q.days,
        day(q.from),
        day(q.to)
    );
    let pad = w.saturating_sub(width(&text));
    let text = format!("{text}{}", "─".repeat(pad));
    Line::styled(
        display(&truncate(&text, w)).into_owned(),
        theme.warn().add_modifier(Modifier::BOLD),
    )
}
