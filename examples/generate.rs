//! Builds a large synthetic workspace for benchmarks and scale trials.
//!
//! `cargo run --release --example generate -- DIR [TOTAL] [--shape realistic|questions|demo]`
//! (default 100000 records, realistic). `--shape questions` makes nearly every record a
//! question: the Backlog's worst case. `--shape demo` writes the demo case (Operation
//! Kestrel) and ignores TOTAL: a lasting copy of what `weft demo` opens, for trying the
//! command line on it.
//!
//! The workspace is written a record at a time, as weft writes in use, so sled's leaves
//! end a little over half full; `weft --workspace DIR compact` afterwards gives it the
//! layout an import or a compaction writes (every leaf full, BENCHMARKS.md).

use weft::cli::progress::Progress;
use weft::store::{OpenOptions, Store};
use weft::synth::{generate, Spec};

const USAGE: &str = "usage: generate DIR [TOTAL] [--shape realistic|questions|demo]";

fn fail(message: &str, code: i32) -> ! {
    eprintln!("generate: {message}");
    std::process::exit(code);
}

fn main() {
    let mut dir = None;
    let mut total = None;
    let mut shape = "realistic".to_string();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        if a == "--shape" {
            shape = args.next().unwrap_or_else(|| fail(USAGE, 2));
        } else if let Some(s) = a.strip_prefix("--shape=") {
            shape = s.to_string();
        } else if dir.is_none() {
            dir = Some(a);
        } else if total.is_none() {
            let t: u64 = a
                .parse()
                .unwrap_or_else(|_| fail(&format!("TOTAL {a:?} must be a whole number"), 2));
            total = Some(t);
        } else {
            fail(USAGE, 2);
        }
    }
    let Some(dir) = dir else { fail(USAGE, 2) };
    let total = total.unwrap_or(100_000);
    let opts = OpenOptions {
        create: true,
        ..OpenOptions::default()
    };
    let open = || match Store::open(std::path::Path::new(&dir), &opts) {
        Ok(s) => s,
        Err(e) => fail(&e.to_string(), 1),
    };
    if shape == "demo" {
        let mut store = open();
        if let Err(e) = weft::demo::load(&mut store, weft::demo::KESTREL) {
            fail(&e.to_string(), 1);
        }
        eprintln!("the demo case in {dir}: {} records", store.state().total());
        return;
    }
    let spec = Spec::shaped(&shape, total).unwrap_or_else(|e| fail(&e, 2));
    let mut store = open();
    let started = std::time::Instant::now();
    let mut progress = Progress::new("generate");
    let made = {
        let mut report = progress.reporter();
        let steps = spec.questions + spec.entities + spec.notes + spec.links;
        generate(&mut store, &spec, |n| report(n, steps))
    };
    if let Err(e) = made {
        fail(&e.to_string(), 1);
    }
    progress.finish();
    eprintln!(
        "{} records in {dir} in {:.1}s",
        store.state().total(),
        started.elapsed().as_secs_f64()
    );
}
