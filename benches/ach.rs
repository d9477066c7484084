//! Competing-hypotheses scoring at the size the issue names: 30 hypotheses by 2,000
//! evidence rows with a cell in every position (60,000 cells, mixed grades), scored from
//! scratch, and one cell edit brought up to date incrementally (what a keypress in the
//! Hypotheses pane costs before drawing); then the Hypotheses pane itself: a cell edit,
//! the analysis brought up to date, the rows shown rebuilt and one 80x24 frame drawn on a
//! TestBackend, and a scroll key to a frame. (The store's write of the cell, one flushed
//! transaction, comes on top: see the store benches.)

use criterion::{criterion_group, criterion_main, Criterion};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use std::hint::black_box;
use weft::app::{App, Pane};
use weft::keymap::{parse_sequence, Keymap};
use weft::model::ach::{Column, Matrix, Row};
use weft::model::{Consistency, HypothesisStatus, Id, Kind};
use weft::store::{OpenOptions, Store};
use weft::ui::{self, Theme};

fn matrix(hypotheses: usize, rows: usize) -> Matrix {
    let grades = ["A1P", "B2P", "C3C", "B5P", "A4C"];
    let mut seed: u64 = 7;
    let mut next = move || {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) as usize
    };
    Matrix {
        question: Some(Id::new(Kind::Question, 1)),
        columns: (0..hypotheses)
            .map(|i| Column {
                id: Id::new(Kind::Hypothesis, i as u64 + 1),
                statement: format!("hypothesis {i}"),
                status: if i % 10 == 9 {
                    HypothesisStatus::Rejected
                } else {
                    HypothesisStatus::Live
                },
                likelihood: None,
            })
            .collect(),
        rows: (0..rows)
            .map(|r| Row {
                note: Id::new(Kind::Note, r as u64 + 1),
                title: format!("note {r}"),
                grade: grades[r % grades.len()].parse().ok(),
                cells: (0..hypotheses)
                    .map(|_| match next() % 6 {
                        5 => None,
                        v => Some(Consistency::ALL[v]),
                    })
                    .collect(),
            })
            .collect(),
        expectations: Vec::new(),
    }
}

fn bench(c: &mut Criterion) {
    let m = matrix(30, 2_000);
    c.bench_function("ach score 30x2000", |b| b.iter(|| black_box(m.analyse())));
    let mut edited = m.clone();
    let mut analysis = edited.analyse();
    let mut flip = false;
    c.bench_function("ach one cell edit rescore 30x2000", |b| {
        b.iter(|| {
            flip = !flip;
            let v = if flip {
                Consistency::VeryInconsistent
            } else {
                Consistency::Consistent
            };
            edited.set_cell(1_000, 3, Some(v), &mut analysis);
            black_box(analysis.leader(&edited))
        })
    });
}

/// The pane on screen with the 30x2000 matrix (the store stays empty: the edits below
/// change the pane's matrix as a committed assessment would).
fn pane(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("tempdir");
    let opts = OpenOptions {
        create: true,
        ..OpenOptions::default()
    };
    let store = Store::open(&dir.path().join("ws"), &opts).expect("open");
    let mut app = App::new(store, Keymap::default_keymap(), vec![]).expect("app");
    let m = matrix(30, 2_000);
    let started = std::time::Instant::now();
    app.hypotheses.question = m.question;
    app.hypotheses.set_matrix(m);
    eprintln!(
        "30x2000 matrix analysed and laid out in {:?}",
        started.elapsed()
    );
    app.pane = Pane::Hypotheses;
    app.resize(80, 24);
    let mut term = Terminal::new(TestBackend::new(80, 24)).expect("terminal");
    let mut g = c.benchmark_group("hypotheses_pane_30x2000");
    let mut flip = false;
    g.bench_function("cell_edit_analyse_render_80x24", |b| {
        b.iter(|| {
            flip = !flip;
            let v = if flip {
                Consistency::VeryInconsistent
            } else {
                Consistency::Consistent
            };
            let st = &mut app.hypotheses;
            st.edit_cell(1_000, 3, Some(v));
            st.rebuild();
            term.draw(|f| ui::render(&app, Theme { color: true }, f))
                .expect("draw");
        })
    });
    let down = parse_sequence("pagedown").expect("key");
    let top = parse_sequence("g").expect("key");
    g.bench_function("pagedown_to_frame", |b| {
        b.iter(|| {
            app.on_key(down[0]);
            if app.hypotheses.cursor.selected + 20 > 2_000 {
                app.on_key(top[0]);
            }
            term.draw(|f| ui::render(&app, Theme { color: true }, f))
                .expect("draw");
        })
    });
    g.finish();
}

criterion_group!(benches, bench, pane);
criterion_main!(benches);
