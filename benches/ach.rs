//! Competing-hypotheses scoring at the size the issue names: 30 hypotheses by 2,000
//! evidence rows with a cell in every position (60,000 cells, mixed grades), scored from
//! scratch, and one cell edit brought up to date incrementally (what a keypress in the
//! Hypotheses pane costs before drawing); then the Hypotheses pane itself: a cell edit,
//! the analysis brought up to date, the rows shown rebuilt and one 80x24 frame drawn on a
//! TestBackend, and a scroll key to a frame. (The store's write of the cell, one flushed
//! transaction, comes on top: see the store benches.) Collect next is ranked over the
//! same matrix.

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
    // collect next over the same matrix: every blank cell of the contenders and of the
    // short hypotheses, ranked (what `N` and `weft collect` compute)
    let an = m.analyse();
    c.bench_function("ach collect next 30x2000", |b| {
        b.iter(|| black_box(weft::model::ach::collect_next(&m, &an, &[]).len()))
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

/// A workspace holding the 30x2000 matrix, loaded in one import: Q1, H1-H30, N1-N2000
/// each linked to Q1, a cell for every (hypothesis, note) pair.
fn workspace(dir: &std::path::Path) -> Store {
    use weft::model::{Assessment, Hypothesis, Link, Meta, Note, Question, Record, Sees, Status};
    let opts = OpenOptions {
        create: true,
        ..OpenOptions::default()
    };
    let mut store = Store::open(dir, &opts).expect("open");
    let m = matrix(30, 2_000);
    let at = chrono::Utc::now();
    let meta = |id: Id| Meta::new(id, at, "bench");
    let q = Id::new(Kind::Question, 1);
    let mut records = vec![Record::Question(Question {
        meta: meta(q),
        title: "Who controls the yard?".into(),
        detail: String::new(),
        status: Status::Open,
        priority: 1,
        kind: Sees::Explanation,
        parent: None,
        review_by: None,
        answer: None,
    })];
    for c in &m.columns {
        records.push(Record::Hypothesis(Hypothesis {
            meta: meta(c.id),
            statement: c.statement.clone(),
            question: q,
            likelihood: None,
            status: c.status,
        }));
    }
    let mut a = 0;
    for (i, r) in m.rows.iter().enumerate() {
        records.push(Record::Note(Note {
            meta: meta(r.note),
            text: r.title.clone(),
            source: String::new(),
            grade: r.grade,
            when: None,
        }));
        records.push(Record::Link(Link {
            meta: meta(Id::new(Kind::Link, i as u64 + 1)),
            from: r.note,
            to: q,
            label: "concerns".into(),
            confidence: None,
            source: None,
            when: None,
            auto: false,
        }));
        for (c, v) in r.cells.iter().enumerate() {
            if let Some(v) = v {
                a += 1;
                records.push(Record::Assessment(Assessment {
                    meta: meta(Id::new(Kind::Assessment, a)),
                    hypothesis: m.columns[c].id,
                    note: r.note,
                    consistency: *v,
                }));
            }
        }
    }
    let dump = weft::store::bulk::Dump {
        next: [
            ('Q', 2),
            ('H', 31),
            ('N', 2_001),
            ('L', 2_001),
            ('A', a + 1),
        ]
        .into_iter()
        .collect(),
        seq: 0,
        records,
        journal: Vec::new(),
        name: None,
    };
    store.import_workspace(&dump).expect("import");
    store
}

/// Opening the pane on that workspace: the store's read of the matrix, and the key that
/// brings the pane on screen (read, analyse, lay out, draw).
fn open(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = workspace(&dir.path().join("ws"));
    let q = Id::new(Kind::Question, 1);
    let mut g = c.benchmark_group("hypotheses_open_30x2000");
    g.sample_size(10);
    g.bench_function("store_matrix_read", |b| {
        b.iter(|| black_box(store.matrix(q).expect("matrix")))
    });
    let mut app = App::new(store, Keymap::default_keymap(), vec![]).expect("app");
    app.resize(80, 24);
    let mut term = Terminal::new(TestBackend::new(80, 24)).expect("terminal");
    let keys = parse_sequence("1 6").expect("keys");
    let wait = std::time::Duration::from_secs(60);
    // 50,000 cells: the matrix is read on its own thread; the first frame says so
    g.bench_function("key_6_to_first_frame", |b| {
        b.iter_custom(|iters| {
            let mut spent = std::time::Duration::ZERO;
            for _ in 0..iters {
                // forget the followed question so that 6 reads the matrix again
                app.hypotheses = Default::default();
                let start = std::time::Instant::now();
                for k in &keys {
                    app.on_key(*k);
                }
                term.draw(|f| ui::render(&app, Theme { color: true }, f))
                    .expect("draw");
                spent += start.elapsed();
                // the read finishes outside the timing, before the next round
                app.wait_background(wait);
            }
            spent
        })
    });
    g.bench_function("key_6_to_matrix_shown", |b| {
        b.iter(|| {
            app.hypotheses = Default::default();
            for k in &keys {
                app.on_key(*k);
            }
            app.wait_background(wait);
            term.draw(|f| ui::render(&app, Theme { color: true }, f))
                .expect("draw");
        })
    });
    g.finish();
}

criterion_group!(benches, bench, pane, open);
criterion_main!(benches);
