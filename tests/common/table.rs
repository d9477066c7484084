//! Invented extracts for `weft import-table`.

use std::path::{Path, PathBuf};

/// A call record extract of `n` invented rows for `examples/mappings/cdr.toml`, written
/// to `dir/calls.csv`: 40 subscribers, 300 other parties, 50 cells, over a year.
pub fn calls(dir: &Path, n: usize) -> PathBuf {
    let csv = dir.join("calls.csv");
    let mut rows = String::from(
        "msisdn,imei,other_party,direction,start,duration_s,cell_id,cell_name,provider\n",
    );
    for i in 0..n {
        rows.push_str(&format!(
            "07700 900{:03},35693803564{:04},07700 901{:03},MO,2024-{:02}-{:02}T{:02}:{:02}:00Z,{},CELL-{},Cell {},Operator A\n",
            i % 40,
            i % 40,
            i % 300,
            1 + i % 12,
            1 + i % 28,
            i % 24,
            i % 60,
            i % 90,
            i % 50,
            i % 50
        ));
    }
    std::fs::write(&csv, rows).unwrap();
    csv
}
