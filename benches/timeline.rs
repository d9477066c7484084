//! The Timeline pane on a large time index: opening it, scrolling a row and a page,
//! jumping to a date, and counting the density strip at each zoom across an 80-column
//! screen. The workspace holds `WEFT_BENCH_NOTES` dated notes over three years, half of
//! them mentioning one of 2,000 entities (so the index also holds their dated "mentions"
//! links), built once with `weft::synth::generate`. The default, 200,000, generates in
//! about a minute; `WEFT_BENCH_NOTES=1000000 cargo bench --bench timeline` gives the
//! 1M-note figures (generation then takes four to five minutes). Every operation reads a
//! bounded window or a bounded count, so the figures barely move with the size.

use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;
use weft::app::timeline::{TimelineState, Zoom};
use weft::store::{OpenOptions, Store};
use weft::synth::{generate, Spec};

fn workspace(notes: u64) -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().expect("tempdir");
    let opts = OpenOptions {
        create: true,
        ..OpenOptions::default()
    };
    let mut store = Store::open(&dir.path().join("ws"), &opts).expect("open");
    let spec = Spec {
        questions: 0,
        entities: 2_000,
        notes,
        links: 0,
        seed: 7,
    };
    let started = std::time::Instant::now();
    generate(&mut store, &spec, |_| {}).expect("generate");
    eprintln!(
        "timeline bench: {notes} notes generated in {:.0}s",
        started.elapsed().as_secs_f64()
    );
    (dir, store)
}

fn day(s: &str) -> chrono::NaiveDateTime {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .expect("date")
        .and_hms_opt(0, 0, 0)
        .expect("midnight")
}

fn benches(c: &mut Criterion) {
    let notes = std::env::var("WEFT_BENCH_NOTES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200_000u64);
    let (_dir, store) = workspace(notes);
    let mut g = c.benchmark_group(format!("timeline_{}k", notes / 1000));
    g.sample_size(10);

    g.bench_function("open_at_latest", |b| {
        b.iter(|| black_box(TimelineState::load(&store).expect("load")))
    });

    let mut t = TimelineState::load(&store).expect("load");
    t.first(&store).expect("first");
    g.bench_function("row_down", |b| {
        b.iter(|| {
            if !t.more_after && t.cursor.selected + 1 >= t.rows.len() {
                t.first(&store).expect("first");
            }
            t.move_by(&store, 1).expect("down");
            t.sync_strip(&store).expect("strip");
        })
    });

    t.first(&store).expect("first");
    g.bench_function("page_down", |b| {
        b.iter(|| {
            if !t.more_after && t.cursor.selected + 1 >= t.rows.len() {
                t.first(&store).expect("first");
            }
            t.move_by(&store, 19).expect("page");
            t.sync_strip(&store).expect("strip");
        })
    });

    let dates = [
        "2022-02-14",
        "2024-11-30",
        "2023-06-01",
        "2022-09-09",
        "2024-03-03",
    ];
    let mut i = 0;
    g.bench_function("jump_to_date", |b| {
        b.iter(|| {
            i = (i + 1) % dates.len();
            black_box(t.jump(&store, day(dates[i])).expect("jump"));
            t.sync_strip(&store).expect("strip");
        })
    });

    t.jump(&store, day("2023-06-01")).expect("jump");
    for zoom in [Zoom::Day, Zoom::Week, Zoom::Month, Zoom::Year] {
        t.set_zoom(zoom);
        g.bench_function(format!("density_80_{}s", zoom.name()), |b| {
            b.iter(|| t.recount(&store).expect("count"))
        });
    }
    g.finish();
}

criterion_group!(timeline, benches);
criterion_main!(timeline);
