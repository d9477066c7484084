//! The gap hunter over a large synthetic workspace: reading its facts from the store
//! (narrow views, and whole records as before), running every rule on them, and the two
//! together as `weft gaps` and the Gaps pane's worker do. The workspace
//! holds `WEFT_BENCH_RECORDS` records (default 100,000) in the proportions of
//! `Spec::sized`, built once with `weft::synth::generate`, or is the existing workspace
//! at `WEFT_BENCH_WORKSPACE`. The generator writes no matrix cells or expectations, so
//! the rules also run on the input with four cells and two expectations added to every
//! hypothesis (the rules that weigh them were quadratic once).

use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;
use weft::analysis;
use weft::model::{Consistency, ExpectationStatus, Id, Kind};
use weft::store::{ExpectationFacts, GapInput, OpenOptions, Store};
use weft::synth::{generate, Spec};

fn workspace(total: u64) -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().expect("tempdir");
    let opts = OpenOptions {
        create: true,
        ..OpenOptions::default()
    };
    let mut store = Store::open(&dir.path().join("ws"), &opts).expect("open");
    generate(&mut store, &Spec::sized(total), |_| {}).expect("generate");
    (dir, store)
}

/// The input with four matrix cells (one in five against) and two expectations (one
/// unchecked, one looked for and absent) on every hypothesis.
fn with_matrix(mut input: GapInput) -> GapInput {
    let notes: Vec<Id> = input.notes.iter().map(|n| n.id).collect();
    let hypotheses: Vec<Id> = input.hypotheses.iter().map(|h| h.id).collect();
    let mut n = 0u64;
    for (i, h) in hypotheses.iter().enumerate() {
        for j in 0..4 {
            if notes.is_empty() {
                break;
            }
            n = (n + 7919) % notes.len() as u64;
            let c = if (i + j) % 5 == 0 {
                Consistency::Inconsistent
            } else {
                Consistency::Consistent
            };
            input.assessments.push((*h, notes[n as usize], c));
        }
        for (j, status) in [ExpectationStatus::Unchecked, ExpectationStatus::Absent]
            .into_iter()
            .enumerate()
        {
            input.expectations.push(ExpectationFacts {
                id: Id::new(Kind::Expectation, (i * 2 + j + 1) as u64),
                hypothesis: *h,
                text: "seen at the yard".into(),
                status,
            });
        }
    }
    input
}

fn gaps(c: &mut Criterion) {
    let total = std::env::var("WEFT_BENCH_RECORDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let (_dir, store) = match std::env::var_os("WEFT_BENCH_WORKSPACE") {
        Some(path) => (
            tempfile::tempdir().expect("tempdir"),
            Store::open(std::path::Path::new(&path), &OpenOptions::default()).expect("open"),
        ),
        None => workspace(total),
    };
    let input = store.gap_input().expect("read");
    let matrix = with_matrix(input.clone());
    let mut g = c.benchmark_group("gaps");
    g.sample_size(10);
    g.bench_function("read facts, whole records (before)", |b| {
        b.iter(|| black_box(store.gap_input_decoded().expect("read")))
    });
    g.bench_function("read facts", |b| {
        b.iter(|| black_box(store.gap_input().expect("read")))
    });
    g.bench_function("run every rule", |b| {
        b.iter(|| black_box(analysis::run(&input, None)))
    });
    g.bench_function("run every rule, with matrix cells and expectations", |b| {
        b.iter(|| black_box(analysis::run(&matrix, None)))
    });
    g.bench_function("read and run", |b| {
        b.iter(|| black_box(analysis::run(&store.gap_input().expect("read"), None)))
    });
    g.finish();
}

criterion_group!(benches, gaps);
criterion_main!(benches);
