//! Key-to-frame time of the interface: a key through the keymap and `App::apply`, then
//! a full render into an 80x24 TestBackend, on a workspace of 100,000 questions; and the
//! Backlog and Entities at scale: opening each pane, the interface's first frame on an
//! open store, and a priority change to its frame, on questions-heavy workspaces
//! (`Spec::questions_heavy`) of 10,000 and 100,000 records.

use criterion::{criterion_group, criterion_main, Criterion};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use weft::app::backlog::BacklogState;
use weft::app::entities::EntitiesState;
use weft::app::{App, PaneView};
use weft::keymap::{parse_sequence, Keymap};
use weft::store::{OpenOptions, Store};
use weft::synth::{generate, Spec};
use weft::ui::{self, Theme};

fn benches(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("tempdir");
    let opts = OpenOptions {
        create: true,
        ..OpenOptions::default()
    };
    let mut store = Store::open(&dir.path().join("ws"), &opts).expect("open");
    let spec = Spec {
        questions: 100_000,
        entities: 0,
        notes: 0,
        links: 0,
        seed: 3,
    };
    generate(&mut store, &spec, |_| {}).expect("generate");
    let started = std::time::Instant::now();
    let mut app = App::new(store, Keymap::default_keymap(), vec![]).expect("app");
    eprintln!(
        "backlog of 100k questions opened in {:?}",
        started.elapsed()
    );
    app.resize(80, 24);
    let mut term = Terminal::new(TestBackend::new(80, 24)).expect("terminal");
    let down = parse_sequence("j").expect("key");
    let page = parse_sequence("pagedown").expect("key");
    let mut g = c.benchmark_group("ui_100k_questions");
    g.sample_size(50);
    g.bench_function("key_j_to_frame", |b| {
        b.iter(|| {
            app.on_key(down[0]);
            term.draw(|f| ui::render(&app, Theme { color: true }, f))
                .expect("draw");
        })
    });
    g.bench_function("pagedown_to_frame", |b| {
        b.iter(|| {
            app.on_key(page[0]);
            term.draw(|f| ui::render(&app, Theme { color: true }, f))
                .expect("draw");
        })
    });
    g.sample_size(10);
    // a write: priority down then up again (two flushed changes, two windows re-read)
    g.bench_function("priority_down_up_to_frames", |b| {
        let keys = parse_sequence("- +").expect("keys");
        b.iter(|| {
            for k in &keys {
                app.on_key(*k);
                term.draw(|f| ui::render(&app, Theme { color: true }, f))
                    .expect("draw");
            }
        })
    });
    g.finish();
}

/// One questions-heavy workspace of `total` records: the panes opened, the first frame
/// drawn, a priority change drawn.
fn at_scale(c: &mut Criterion, total: u64) {
    let dir = tempfile::tempdir().expect("tempdir");
    let opts = OpenOptions {
        create: true,
        ..OpenOptions::default()
    };
    let mut store = Store::open(&dir.path().join("ws"), &opts).expect("open");
    generate(&mut store, &Spec::questions_heavy(total), |_| {}).expect("generate");
    let mut g = c.benchmark_group(format!("panes_{}k_questions_heavy", total / 1000));
    g.sample_size(20);
    g.bench_function("backlog_open", |b| {
        b.iter(|| BacklogState::open(&store).expect("backlog"))
    });
    // the Entities pane reads its list when first shown, not at open
    g.bench_function("entities_first_shown", |b| {
        b.iter(|| EntitiesState::load(&store).expect("entities"))
    });
    // every pane opened, laid out and drawn once: the first frame on an open store
    g.sample_size(10);
    let mut held = Some(store);
    g.bench_function("app_open_to_first_frame", |b| {
        b.iter_custom(|iters| {
            let mut spent = std::time::Duration::ZERO;
            for _ in 0..iters {
                let store = held.take().expect("store");
                let started = std::time::Instant::now();
                let mut app = App::new(store, Keymap::default_keymap(), vec![]).expect("app");
                app.resize(80, 24);
                let mut term = Terminal::new(TestBackend::new(80, 24)).expect("terminal");
                term.draw(|f| ui::render(&app, Theme { color: true }, f))
                    .expect("draw");
                spent += started.elapsed();
                held = Some(app.store);
            }
            spent
        })
    });
    let store = held.take().expect("store");
    let mut app = App::new(store, Keymap::default_keymap(), vec![]).expect("app");
    app.resize(80, 24);
    let mut term = Terminal::new(TestBackend::new(80, 24)).expect("terminal");
    for k in parse_sequence("G k k").expect("keys") {
        app.on_key(k);
    }
    // one flushed change, the window re-read around the selection, one frame
    g.bench_function("priority_change_to_frame", |b| {
        let keys = parse_sequence("- +").expect("keys");
        let mut i = 0;
        b.iter(|| {
            app.on_key(keys[i % 2]);
            i += 1;
            term.draw(|f| ui::render(&app, Theme { color: true }, f))
                .expect("draw");
        })
    });
    g.finish();
}

fn scale(c: &mut Criterion) {
    for total in [10_000, 100_000] {
        at_scale(c, total);
    }
}

criterion_group!(ui_benches, benches, scale);
criterion_main!(ui_benches);
