//! Fuzzy search over a large synthetic workspace: the whole pass `weft search` makes (the
//! short index, then long notes, ranked), and what the finder's worker shows first after
//! a keystroke (the short index read and the first screenful picked; a longer query
//! narrowing the previous one's matches), and the same whole passes over the search
//! file (`weft search` without sled; the finder's pass when the file is current). The
//! workspace holds `WEFT_BENCH_RECORDS`
//! records (default 100,000) in the proportions of `Spec::sized`, built once with
//! `weft::synth::generate`.

use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;
use weft::app::finder::shown;
use weft::store::search::SearchPass;
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

/// The first screenful the finder's worker reports for a fresh query: the short index
/// read whole, the best 200 picked and titled.
fn first_screen(store: &Store, query: &str) -> usize {
    let mut pass = SearchPass::new(query);
    while !pass.short_done() {
        pass.step(store, 4_096).expect("step");
    }
    shown(store, &pass, None).len()
}

fn search(c: &mut Criterion) {
    let total = std::env::var("WEFT_BENCH_RECORDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let (_dir, store) = workspace(total);
    let mut g = c.benchmark_group("search");
    g.sample_size(10);
    for q in ["c", "handset cash", "zq"] {
        g.bench_function(format!("whole pass, top 20: {q:?}"), |b| {
            b.iter(|| black_box(store.search(q, 20).expect("search")))
        });
    }
    for q in ["c", "courier"] {
        g.bench_function(format!("finder first screen: {q:?}"), |b| {
            b.iter(|| black_box(first_screen(&store, q)))
        });
    }
    // a keystroke after a finished search: the previous matches narrowed and shown
    g.bench_function("finder next key: \"co\" -> \"cou\", first report", |b| {
        b.iter_batched(
            || {
                let mut p = SearchPass::new("co");
                p.finish(&store).expect("search");
                p
            },
            |p| {
                // the worker's first report: one step of the kept matches scored
                let mut p = p.narrow("cou");
                p.step(&store, 4_096).expect("step");
                black_box(shown(&store, &p, None).len())
            },
            criterion::BatchSize::LargeInput,
        )
    });
    let mut store = store;
    store.write_search_file().expect("search file");
    for q in ["c", "handset cash", "zq"] {
        g.bench_function(format!("search file, whole pass, top 20: {q:?}"), |b| {
            b.iter(|| {
                black_box(weft::store::search::file::search(store.path(), q, 20).expect("read"))
            })
        });
    }
    g.bench_function("finder pass over the search file: \"c\"", |b| {
        b.iter(|| {
            let mut pass = SearchPass::preferring_file("c");
            pass.finish(&store).expect("search");
            black_box(pass.hits.len())
        })
    });
    g.finish();
}

criterion_group!(benches, search);
criterion_main!(benches);
