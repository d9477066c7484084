//! Store operations on a 100,000-record workspace: add note, add link, neighbours, a
//! timeline range read, search, decoding every record and `check`. Writes include the
//! flush (durability) they pay in real use.

use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;
use weft::model::{Id, Kind, Record};
use weft::store::{NewLink, NewNote, OpenOptions, Store, TimeAxis};
use weft::synth::{generate, Spec};

const SIZE: u64 = 100_000;

fn workspace() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().expect("tempdir");
    let opts = OpenOptions {
        create: true,
        ..OpenOptions::default()
    };
    let mut store = Store::open(&dir.path().join("ws"), &opts).expect("open");
    generate(&mut store, &Spec::sized(SIZE), |_| {}).expect("generate");
    (dir, store)
}

fn benches(c: &mut Criterion) {
    let (_dir, mut store) = workspace();
    let entities = store.state().count(Kind::Entity);
    let mut g = c.benchmark_group("store_100k");
    g.sample_size(30);
    g.bench_function("add_note_flushed", |b| {
        b.iter(|| {
            store
                .add_note(NewNote {
                    text: "Bench note mentioning E7\nbody".into(),
                    when: Some("2023-05-04".parse().expect("when")),
                    ..NewNote::default()
                })
                .expect("add")
                .id
        })
    });
    // The same write without the journal log's fdatasync (sled's flush only): the
    // difference is what power-cut durability costs per change.
    store.set_log_sync(false);
    g.bench_function("add_note_flushed_no_log_fdatasync", |b| {
        b.iter(|| {
            store
                .add_note(NewNote {
                    text: "Bench note mentioning E7\nbody".into(),
                    when: Some("2023-05-04".parse().expect("when")),
                    ..NewNote::default()
                })
                .expect("add")
                .id
        })
    });
    store.set_log_sync(true);
    let mut n = 0u64;
    g.bench_function("add_link_flushed", |b| {
        b.iter(|| {
            n += 1;
            store
                .link(NewLink {
                    from: Id::new(Kind::Entity, 1 + n % entities),
                    to: Id::new(Kind::Entity, 1 + (n * 7 + 3) % entities),
                    label: "associate of".into(),
                    confidence: None,
                    source: None,
                    when: None,
                })
                .expect("link")
                .id
        })
    });
    g.bench_function("neighbours", |b| {
        let mut i = 0u64;
        b.iter(|| {
            i += 1;
            black_box(
                store
                    .neighbours(Id::new(Kind::Entity, 1 + i % entities))
                    .expect("n"),
            )
        })
    });
    g.bench_function("timeline_month_range", |b| {
        let from = chrono::NaiveDate::from_ymd_opt(2023, 3, 1).and_then(|d| d.and_hms_opt(0, 0, 0));
        let to =
            chrono::NaiveDate::from_ymd_opt(2023, 3, 31).and_then(|d| d.and_hms_opt(23, 59, 59));
        b.iter(|| black_box(store.timeline(TimeAxis::Occurred, from, to).count()))
    });
    g.bench_function("timeline_first_screen", |b| {
        b.iter(|| {
            black_box(
                store
                    .timeline(TimeAxis::Occurred, None, None)
                    .take(40)
                    .count(),
            )
        })
    });
    g.sample_size(10);
    g.bench_function("search", |b| {
        b.iter(|| black_box(store.search("handset cash", 50).expect("search")))
    });
    // every record's stored form, decoded (what `check`, export and the panes pay)
    let stored: Vec<(Kind, Vec<u8>)> = Kind::ALL
        .into_iter()
        .flat_map(|k| store.records(k).filter_map(Result::ok))
        .map(|r| (r.kind(), r.to_bytes()))
        .collect();
    g.bench_function("decode_every_record", |b| {
        b.iter(|| {
            stored
                .iter()
                .filter(|(k, v)| Record::from_bytes(*k, v).is_ok())
                .count()
        })
    });
    g.bench_function("check", |b| {
        b.iter(|| black_box(store.check().expect("check")))
    });
    g.finish();
}

/// What each journal log line's frame costs: framing a typical entry line (its writer,
/// number, the sum of the line before and its own BLAKE3 sum) and reading one back with
/// its sum checked, against the unframed content alone. Runs without the workspace:
/// `cargo bench --bench store -- journal_log`.
fn log_lines(c: &mut Criterion) {
    use weft::store::log::frame::{self, Chain};
    let content = br#"{"entry":{"seq":123456,"group":123456,"time":"2026-12-06T21:11:45.123456789Z","user":"analyst","op":"add note","id":"N98765","before":null,"after":{"id":"N98765","created":"2026-12-06T21:11:45.123456789Z","updated":"2026-12-06T21:11:45.123456789Z","by":"analyst","tags":["kestrel"],"text":"Seen at the quay with [[Darren Marsh]], blue van, two bags","source":"CHIS 4471","grade":"B2P","when":"2024-03-04"},"last":true}}"#;
    let mut chain = Chain::start("3f9a0c1e".into());
    let mut g = c.benchmark_group("journal_log");
    g.bench_function("frame_an_entry_line", |b| {
        let mut out = Vec::with_capacity(1024);
        b.iter(|| {
            out.clear();
            chain.frame(black_box(content), None, true, &mut out);
            black_box(out.len())
        })
    });
    let mut line = Vec::new();
    Chain::start("3f9a0c1e".into()).frame(content, None, true, &mut line);
    line.pop();
    g.bench_function("read_and_verify_an_entry_line", |b| {
        b.iter(|| black_box(frame::read(black_box(&line)).is_ok()))
    });
    g.finish();
}

criterion_group!(store_benches, benches);
criterion_group!(log_benches, log_lines);
criterion_main!(log_benches, store_benches);
