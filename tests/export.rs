//! Export and import: backlog formats, the lossless workspace round trip (in the library
//! and as real processes), and malformed imports that must change nothing.

use assert_cmd::Command;
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use proptest::prelude::*;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use weft::export::{self, BacklogFilter, BriefingMeta, Format};
use weft::model::{Consistency, EntityKind, Id, Kind, Question, Record, Sees, Status, Yardstick};
use weft::store::{NewEntity, NewLink, NewNote, NewQuestion, OpenOptions, Store};

fn open(dir: &Path) -> Store {
    let mut s = Store::open(
        dir,
        &OpenOptions {
            create: true,
            ..Default::default()
        },
    )
    .expect("open workspace");
    s.set_user("ana");
    s
}

fn at(minutes: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 3, 4, 10, 0, 0).unwrap() + Duration::minutes(minutes)
}

fn dump(store: &Store) -> Vec<u8> {
    let mut out = Vec::new();
    export::write_workspace(store, &mut out).expect("export");
    out
}

fn id(s: &str) -> Id {
    s.parse().unwrap()
}

fn meta() -> BriefingMeta {
    BriefingMeta {
        title: "Backlog briefing".into(),
        date: NaiveDate::from_ymd_opt(2025, 7, 1).unwrap(),
        workspace: "test".into(),
        audit: Vec::new(),
    }
}

fn weft() -> Command {
    let mut c = Command::cargo_bin("weft").expect("binary");
    c.env("USER", "ana").env_remove("WEFT_WORKSPACE");
    c
}

fn mode(p: &Path) -> u32 {
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/import")
        .join(name)
}

#[path = "export/backlog.rs"]
mod backlog;
#[path = "export/malformed.rs"]
mod malformed;
#[path = "export/roundtrip.rs"]
mod roundtrip;
