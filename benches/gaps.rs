//! The gap hunter over a large synthetic workspace: reading its facts from the store
//! (narrow views, and whole records as before), running every rule on them, and the two
//! together as `weft gaps` and the Gaps pane's worker do. The workspace
//! holds `WEFT_BENCH_RECORDS` records (default 100,000) in the proportions of
//! `Spec::sized`, built once with `weft::synth::generate`.

use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;
use weft::analysis;
use weft::store::{OpenOptions, Store};
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

fn gaps(c: &mut Criterion) {
    let total = std::env::var("WEFT_BENCH_RECORDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let (_dir, store) = workspace(total);
    let input = store.gap_input().expect("read");
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
    g.bench_function("read and run", |b| {
        b.iter(|| black_box(analysis::run(&store.gap_input().expect("read"), None)))
    });
    g.finish();
}

criterion_group!(benches, gaps);
criterion_main!(benches);
