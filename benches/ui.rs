//! Key-to-frame time of the interface: a key through the keymap and `App::apply`, then
//! a full render into an 80x24 TestBackend, on a workspace of 100,000 questions.

use criterion::{criterion_group, criterion_main, Criterion};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use weft::app::App;
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
    // a write: priority down then up again (two flushed changes, two tree rebuilds)
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

criterion_group!(ui_benches, benches);
criterion_main!(ui_benches);
