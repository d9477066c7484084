use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;
use weft::store::{OpenOptions, Store, TimeAxis};
use weft::synth::{generate, Spec};

fn benches(c: &mut Criterion) {
    let n: u64 = std::env::var("TL_NOTES").ok().and_then(|v| v.parse().ok()).unwrap_or(100_000);
    let dir = tempfile::tempdir_in("/tmp/tl").expect("tempdir");
    let mut store = Store::open(&dir.path().join("ws"), &OpenOptions { create: true, ..OpenOptions::default() }).expect("open");
    let t0 = std::time::Instant::now();
    generate(&mut store, &Spec { questions: 0, entities: 1000, notes: n, links: 0, seed: 7 }, |_| {}).expect("gen");
    eprintln!("generated {n} in {:?}", t0.elapsed());
    let edges: Vec<_> = (0..=40).map(|m| chrono::NaiveDate::from_ymd_opt(2021 + m / 12, 1 + (m % 12) as u32, 1).unwrap().and_hms_opt(0,0,0).unwrap()).collect();
    let mut g = c.benchmark_group("tl");
    g.sample_size(10);
    g.bench_function("count_all", |b| b.iter(|| black_box(store.timeline_counts(TimeAxis::Occurred, &edges, |_| true).unwrap())));
    g.bench_function("iter_all", |b| b.iter(|| black_box(store.timeline(TimeAxis::Occurred, None, None).count())));
    g.finish();
}
criterion_group!(b, benches);
criterion_main!(b);
