//! Writes an invented call data record extract in the layout of
//! `examples/mappings/cdr.csv`, for benchmarking `weft import-table` at scale.
//!
//! `cargo run --release --example cdr_table -- FILE [ROWS]` (default 1,000,000 rows):
//! 500 subscribers calling among 20,000 numbers through 2,000 cells over a year, made by
//! a fixed pseudo-random sequence, so the same command writes the same bytes.

use std::io::Write;

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        eprintln!("usage: cdr_table FILE [ROWS]");
        std::process::exit(2);
    };
    let rows: u64 = match args.next().map(|r| r.parse()) {
        None => 1_000_000,
        Some(Ok(n)) => n,
        Some(Err(_)) => {
            eprintln!("cdr_table: ROWS must be a number");
            std::process::exit(2);
        }
    };
    if let Err(e) = write(&path, rows) {
        eprintln!("cdr_table: {path}: {e}");
        std::process::exit(1);
    }
}

fn write(path: &str, rows: u64) -> std::io::Result<()> {
    let mut out = std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(path)?);
    writeln!(
        out,
        "msisdn,imei,other_party,direction,start,duration_s,cell_id,cell_name,provider"
    )?;
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        // xorshift64*: small, fixed, good enough for invented data
        seed ^= seed >> 12;
        seed ^= seed << 25;
        seed ^= seed >> 27;
        seed.wrapping_mul(0x2545_f491_4f6c_dd1d)
    };
    for i in 0..rows {
        let sub = next() % 500;
        let other = next() % 20_000;
        let cell = next() % 2_000;
        let minute = i * 525_600 / rows.max(1);
        let (day, rest) = (minute / 1440, minute % 1440);
        let date = chrono_free_date(day);
        writeln!(
            out,
            "07700 9{sub:05},35693803{sub:07},07{other:09},{},{date}T{:02}:{:02}:{:02}Z,{},CELL-{cell:04},Mast {cell},Operator A return 118",
            if next() % 2 == 0 { "MO" } else { "MT" },
            rest / 60,
            rest % 60,
            next() % 60,
            next() % 900,
        )?;
    }
    out.flush()
}

/// Day `n` of 2024 (a leap year) as YYYY-MM-DD, n from 0 to 365.
fn chrono_free_date(n: u64) -> String {
    const DAYS: [u64; 12] = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    let mut left = n.min(365);
    for (m, d) in DAYS.iter().enumerate() {
        if left < *d {
            return format!("2024-{:02}-{:02}", m + 1, left + 1);
        }
        left -= d;
    }
    "2024-12-31".into()
}
