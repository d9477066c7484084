//! Export speed at the size of a long enquiry: a 100k-question backlog (with 50k
//! hypotheses) exported to CSV, Markdown and JSON, and the whole workspace exported and
//! read back; and an import (at 10k questions). The workspace is built with the bulk
//! import, so setting up takes seconds.
//!
//! `cargo bench --bench export`

use chrono::{TimeZone, Utc};
use criterion::{criterion_group, criterion_main, Criterion};
use std::collections::BTreeMap;
use weft::export::{self, BacklogFilter, BriefingMeta, Format};
use weft::model::{Hypothesis, HypothesisStatus, Id, Kind, Meta, Question, Record, Sees, Status};
use weft::store::bulk::Dump;
use weft::store::{OpenOptions, Store};

const QUESTIONS: u64 = 100_000;
const HYPOTHESES: u64 = 50_000;

fn dump(questions: u64, hypotheses: u64) -> Dump {
    let at = Utc.with_ymd_and_hms(2024, 3, 4, 10, 0, 0).unwrap();
    let mut records = Vec::with_capacity((questions + hypotheses) as usize);
    for n in 1..=questions {
        let mut meta = Meta::new(Id::new(Kind::Question, n), at, "ana");
        meta.tags = vec![format!("t{}", n % 50)];
        // every fifth question starts a tree; the next four hang under it
        let parent = (n % 5 != 1).then(|| Id::new(Kind::Question, n - (n - 1) % 5));
        records.push(Record::Question(Question {
            meta,
            title: format!("Who moves the cash on route {n}, and when?"),
            detail: "Follow the deposits; =check the ANPR.".into(),
            status: Status::ALL[(n % 5) as usize % 2],
            priority: (n % 4) as u8 + 1,
            kind: Sees::ALL[(n % 4) as usize],
            parent,
            review_by: None,
            answer: None,
        }));
    }
    for n in 1..=hypotheses {
        records.push(Record::Hypothesis(Hypothesis {
            meta: Meta::new(Id::new(Kind::Hypothesis, n), at, "ana"),
            statement: format!("The courier on route {n} carries the cash back."),
            question: Id::new(Kind::Question, n * 2),
            likelihood: Some(weft::model::Yardstick::Likely),
            status: HypothesisStatus::Live,
        }));
    }
    Dump {
        next: BTreeMap::from([('Q', questions + 1), ('H', hypotheses + 1)]),
        seq: 0,
        records,
        journal: Vec::new(),
        name: None,
    }
}

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(
        &dir.path().join("ws"),
        &OpenOptions {
            create: true,
            cache_bytes: 512 << 20,
            ..Default::default()
        },
    )
    .unwrap();
    store
        .import_workspace(&dump(QUESTIONS, HYPOTHESES))
        .unwrap();
    let meta = BriefingMeta {
        title: "bench".into(),
        date: chrono::NaiveDate::from_ymd_opt(2025, 7, 1).unwrap(),
        workspace: "bench".into(),
        audit: Vec::new(),
    };
    let all = BacklogFilter::default();
    let questions = export::select(&store, &all).unwrap();
    assert_eq!(questions.len() as u64, QUESTIONS);

    let mut g = c.benchmark_group("export 100k questions");
    g.sample_size(10);
    g.bench_function("select (read and order as a tree)", |b| {
        b.iter(|| export::select(&store, &all).unwrap())
    });
    g.bench_function("csv (select and render)", |b| {
        b.iter(|| {
            let qs = export::select(&store, &all).unwrap();
            export::render_backlog(&store, &qs, Format::Csv, &meta).unwrap()
        })
    });
    g.bench_function("csv (render only)", |b| {
        b.iter(|| export::render_backlog(&store, &questions, Format::Csv, &meta).unwrap())
    });
    g.bench_function("markdown (render only)", |b| {
        b.iter(|| export::render_backlog(&store, &questions, Format::Markdown, &meta).unwrap())
    });
    g.bench_function("json (render only)", |b| {
        b.iter(|| export::render_backlog(&store, &questions, Format::Json, &meta).unwrap())
    });
    let mut whole = Vec::new();
    export::write_workspace(&store, &mut whole).unwrap();
    g.bench_function("workspace export (150k records)", |b| {
        b.iter(|| {
            let mut out = Vec::with_capacity(whole.len());
            export::write_workspace(&store, &mut out).unwrap();
            out
        })
    });
    g.bench_function("workspace parse and validate (150k records)", |b| {
        b.iter(|| {
            let d = export::parse_workspace(&whole).unwrap();
            d.validate().unwrap();
            d
        })
    });
    g.finish();

    // Import writes one transaction; it scales with the record count, so a tenth of the
    // size keeps the bench quick.
    let mut small = Vec::new();
    {
        let d = tempfile::tempdir().unwrap();
        let mut s = Store::open(
            &d.path().join("ws"),
            &OpenOptions {
                create: true,
                ..Default::default()
            },
        )
        .unwrap();
        s.import_workspace(&dump(QUESTIONS / 10, HYPOTHESES / 10))
            .unwrap();
        export::write_workspace(&s, &mut small).unwrap();
    }
    let mut g = c.benchmark_group("import 10k questions");
    g.sample_size(10);
    g.bench_function(
        "parse, validate and write into an empty store (15k records)",
        |b| {
            b.iter_with_setup(
                || {
                    let d = tempfile::tempdir().unwrap();
                    let s = Store::open(
                        &d.path().join("ws"),
                        &OpenOptions {
                            create: true,
                            ..Default::default()
                        },
                    )
                    .unwrap();
                    (d, s)
                },
                |(d, mut s)| {
                    let dump = export::parse_workspace(&small).unwrap();
                    s.import_workspace(&dump).unwrap();
                    (d, s)
                },
            )
        },
    );
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
