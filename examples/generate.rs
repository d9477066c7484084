//! Builds a large synthetic workspace for benchmarks and scale trials.
//!
//! `cargo run --release --example generate -- DIR [TOTAL]` (default 100000 records).

use weft::cli::progress::Progress;
use weft::store::{OpenOptions, Store};
use weft::synth::{generate, Spec};

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(dir) = args.next() else {
        eprintln!("usage: generate DIR [TOTAL]");
        std::process::exit(2);
    };
    let total: u64 = match args.next().map(|t| t.parse()) {
        None => 100_000,
        Some(Ok(t)) => t,
        Some(Err(_)) => {
            eprintln!("generate: TOTAL must be a whole number");
            std::process::exit(2);
        }
    };
    let opts = OpenOptions {
        create: true,
        ..OpenOptions::default()
    };
    let mut store = match Store::open(std::path::Path::new(&dir), &opts) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("generate: {e}");
            std::process::exit(1);
        }
    };
    let started = std::time::Instant::now();
    let spec = Spec::sized(total);
    let mut progress = Progress::new("generate");
    let made = {
        let mut report = progress.reporter();
        generate(&mut store, &spec, |n| report(n, total))
    };
    if let Err(e) = made {
        eprintln!("generate: {e}");
        std::process::exit(1);
    }
    progress.finish();
    eprintln!(
        "{} records in {dir} in {:.1}s",
        store.state().total(),
        started.elapsed().as_secs_f64()
    );
}
