//! `weft recover --to NEWDIR` as a real process: where it may rebuild.

mod common;

use common::cli::{init, run, weft};
use std::fs;

#[test]
fn recover_refuses_a_target_that_is_a_symlink() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("t");
    init(&ws);
    run(&ws, &["add", "note", "Daz seen at Ostler House"]);
    let real = dir.path().join("elsewhere");
    fs::create_dir(&real).unwrap();
    for (link, to) in [
        ("dangling", dir.path().join("nothing")),
        ("linked", real.clone()),
    ] {
        let at = dir.path().join(link);
        std::os::unix::fs::symlink(&to, &at).unwrap();
        let out = weft(&ws)
            .args(["recover", "--to"])
            .arg(&at)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{link}");
        assert_eq!(
            String::from_utf8_lossy(&out.stderr),
            format!(
                "weft: {} is a symbolic link: recover into a new directory (one that does not exist, or is empty); nothing was written\n",
                at.display()
            )
        );
        assert!(!to.join("db").exists() && !dir.path().join("nothing").exists());
    }
    assert_eq!(fs::read_dir(&real).unwrap().count(), 0);
}
