//! Competing-hypotheses scoring at the size the issue names: 30 hypotheses by 2,000
//! evidence rows with a cell in every position (60,000 cells, mixed grades), scored from
//! scratch, and one cell edit brought up to date incrementally (what a keypress in the
//! Hypotheses pane costs before drawing).

use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;
use weft::model::ach::{Column, Matrix, Row};
use weft::model::{Consistency, HypothesisStatus, Id, Kind};

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

criterion_group!(benches, bench);
criterion_main!(benches);
