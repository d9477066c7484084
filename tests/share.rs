//! Several analysts on one enquiry: three workspaces and one bare git repository in a
//! temporary directory, every weft a real process. After everyone has synced the same
//! operations their exports are byte-identical; conflicts become one question in every
//! workspace; faults at any phase of `sync` lose nothing.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::process::Output;

/// A shared enquiry: the remote and the members' workspaces.
struct Team {
    tmp: tempfile::TempDir,
    remote: PathBuf,
}

fn weft_in(tmp: &Path) -> Command {
    let mut c = Command::new(assert_cmd::cargo::cargo_bin("weft"));
    c.env_remove("WEFT_WORKSPACE")
        .env_remove("XDG_RUNTIME_DIR")
        .env_remove("WEFT_SYNC_FAULT")
        .env_remove("WEFT_SYNC_CHUNK")
        .env("TMPDIR", tmp)
        .env("HOME", tmp)
        .env("GIT_CONFIG_NOSYSTEM", "1");
    c
}

fn git(dir: &Path, args: &[&str]) -> String {
    let out = std::process::Command::new("git")
        .arg("-C")
        .arg(dir)
        .args([
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@t",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .env("HOME", dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

impl Team {
    /// A remote and `names.len()` members: the first shares a workspace holding a little
    /// history, the others join.
    fn new(names: &[&str]) -> Team {
        let tmp = tempfile::tempdir().unwrap();
        let remote = tmp.path().join("remote.git");
        git(
            tmp.path(),
            &["init", "-q", "--bare", remote.to_str().unwrap()],
        );
        let t = Team { tmp, remote };
        let first = t.ws(names[0]);
        t.weft(
            &["init", first.to_str().unwrap(), "--name", "Kestrel"],
            None,
        );
        let q = t.ok(names[0], &["add", "question", "Who pays Marsh?"]);
        assert_eq!(q.trim(), "Q1");
        t.ok(names[0], &["add", "question", "Where is the van?"]);
        t.ok(names[0], &["add", "note", "Marsh met Hoxha at the cafe"]);
        t.ok(names[0], &["add", "hypothesis", "Q1", "Hoxha pays"]);
        t.ok(names[0], &["assess", "H1", "N1", "+"]);
        t.ok(
            names[0],
            &["add", "entity", "Dritan Hoxha", "--kind", "person"],
        );
        let remote = t.remote.to_str().unwrap().to_string();
        t.ok(names[0], &["share", "init", &remote, "--as", names[0]]);
        for n in &names[1..] {
            let dir = t.ws(n);
            let out = t.weft(
                &["share", "clone", &remote, dir.to_str().unwrap(), "--as", n],
                None,
            );
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        t
    }

    fn ws(&self, name: &str) -> PathBuf {
        self.tmp.path().join(name)
    }

    fn weft(&self, args: &[&str], ws: Option<&str>) -> Output {
        let mut c = weft_in(self.tmp.path());
        if let Some(w) = ws {
            c.arg("--workspace").arg(self.ws(w));
        }
        c.args(args).output().unwrap()
    }

    fn ok(&self, who: &str, args: &[&str]) -> String {
        let out = self.weft(args, Some(who));
        assert!(
            out.status.success(),
            "{who} {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    /// Runs `weft sync` for `who`; what it said on standard error.
    fn sync(&self, who: &str) -> String {
        let out = self.weft(&["sync"], Some(who));
        let err = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(out.status.success(), "{who} sync: {err}");
        err
    }

    /// `who`'s writer id: its journal file's name.
    fn writer(&self, who: &str) -> String {
        let member = std::fs::read_to_string(self.ws(who).join("share.toml")).unwrap();
        member
            .lines()
            .find_map(|l| l.strip_prefix("writer = \""))
            .unwrap()
            .trim_end_matches('"')
            .to_string()
    }

    /// Someone with access to the remote rewrites `who`'s journal file there with `edit`
    /// and force-pushes it; the writer id.
    fn tamper(&self, who: &str, edit: impl Fn(&str) -> String) -> String {
        let tamper = self.tmp.path().join("tamper");
        git(
            self.tmp.path(),
            &[
                "clone",
                "-q",
                self.remote.to_str().unwrap(),
                tamper.to_str().unwrap(),
            ],
        );
        let w = self.writer(who);
        let file = tamper.join("journal").join(format!("{w}.jsonl"));
        let text = std::fs::read_to_string(&file).unwrap();
        std::fs::write(&file, edit(&text)).unwrap();
        git(&tamper, &["commit", "-q", "-am", "edit"]);
        git(&tamper, &["push", "-q", "-f", "origin", "main"]);
        w
    }

    /// alice and bob change the same fields without seeing each other's change: Q1's
    /// status, Q2's title, the matrix cell of H1 against `note`, N1's grade.
    fn change_the_same_fields(&self, note: &str) {
        self.ok("alice", &["set", "Q1", "status=parked"]);
        self.ok(
            "bob",
            &["set", "Q1", "status=answered", "answer=Hoxha's brother"],
        );
        self.ok("alice", &["set", "Q2", "title=Where is the white van?"]);
        self.ok("bob", &["set", "Q2", "title=Where is the blue van?"]);
        self.ok("alice", &["assess", "H1", note, "++"]);
        self.ok("bob", &["assess", "H1", note, "--"]);
        self.ok("alice", &["set", "N1", "grade=B2P"]);
        self.ok("bob", &["set", "N1", "grade=C4P"]);
    }

    /// Everyone syncs, twice round, so everyone holds everything.
    fn settle(&self, names: &[&str]) {
        for _ in 0..2 {
            for n in names {
                self.sync(n);
            }
        }
    }

    /// Every export a briefing or an interchange reads, as bytes: the records as each
    /// workspace holds them.
    fn exports(&self, who: &str) -> Vec<(String, Vec<u8>)> {
        let dir = self.tmp.path().join(format!("out-{who}"));
        std::fs::create_dir_all(&dir).unwrap();
        let mut out = Vec::new();
        for (name, args) in [
            (
                "backlog.json",
                vec!["export", "backlog", "--format", "json"],
            ),
            ("backlog.csv", vec!["export", "backlog", "--format", "csv"]),
            ("chart.anx", vec!["export", "chart", "--format", "anx"]),
            ("chart.csv", vec!["export", "chart", "--format", "i2csv"]),
            (
                "entities.ftm",
                vec!["export", "entities", "--format", "ftm"],
            ),
            (
                "timeline.csv",
                vec!["export", "timeline", "--format", "timesketch"],
            ),
        ] {
            let file = dir.join(name);
            let mut a = args.clone();
            a.extend(["-o", file.to_str().unwrap()]);
            self.ok(who, &a);
            out.push((name.to_string(), std::fs::read(&file).unwrap()));
        }
        // the lossless file but for its journal, which is each workspace's own history
        // (when this member learnt of each change), and the journal's length
        let file = dir.join("workspace.json");
        self.ok(who, &["export", "workspace", "-o", file.to_str().unwrap()]);
        let mut v: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
        let whole = v.as_object_mut().unwrap();
        assert!(whole.remove("journal").is_some() && whole.remove("seq").is_some());
        assert!(whole["questions"].as_array().is_some_and(|q| !q.is_empty()));
        out.push((
            "workspace records".into(),
            serde_json::to_vec_pretty(&v).unwrap(),
        ));
        out
    }

    fn same_everywhere(&self, names: &[&str]) {
        let first = self.exports(names[0]);
        for n in &names[1..] {
            for ((what, a), (_, b)) in first.iter().zip(self.exports(n)) {
                assert!(
                    *a == b,
                    "{what} differs between {} and {n}:\n{}\n---\n{}",
                    names[0],
                    String::from_utf8_lossy(a),
                    String::from_utf8_lossy(&b)
                );
            }
        }
        for n in names {
            let out = self.weft(&["check"], Some(n));
            assert!(
                out.status.success(),
                "{n} check: {}",
                String::from_utf8_lossy(&out.stdout)
            );
        }
    }

    /// The conflict questions `who` holds: id and title.
    fn conflicts(&self, who: &str) -> Vec<String> {
        let list = self.ok(who, &["list", "questions", "--json"]);
        let v: serde_json::Value = serde_json::from_str(&list).unwrap();
        let mut out: Vec<String> = v
            .as_array()
            .unwrap()
            .iter()
            .filter(|q| {
                q["tags"]
                    .as_array()
                    .is_some_and(|t| t.iter().any(|t| t == "conflict"))
            })
            .map(|q| {
                format!(
                    "{} {}",
                    q["id"].as_str().unwrap(),
                    q["title"].as_str().unwrap()
                )
            })
            .collect();
        out.sort();
        out
    }
}

/// A small deterministic generator for the random work (xorshift).
struct Dice(u64);

impl Dice {
    fn roll(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

fn question_ids(t: &Team, who: &str) -> Vec<String> {
    let list = t.ok(who, &["list", "questions", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&list).unwrap();
    v.as_array()
        .unwrap()
        .iter()
        .map(|q| q["id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn three_members_working_at_once_export_byte_identically_after_syncing() {
    let names = ["alice", "bob", "carol"];
    let t = Team::new(&names);
    let mut dice = Dice(0x9e37_79b9_7f4a_7c15);
    let statuses = ["open", "parked", "open"];
    for step in 0..45 {
        let who = names[dice.roll(3)];
        match dice.roll(7) {
            0 => {
                t.ok(who, &["add", "question", &format!("{who} asks {step}")]);
            }
            1 => {
                t.ok(who, &["add", "note", &format!("{who} saw {step}")]);
            }
            2 | 3 => {
                let ids = question_ids(&t, who);
                let id = &ids[dice.roll(ids.len())];
                let s = statuses[dice.roll(3)];
                t.ok(who, &["set", id, &format!("status={s}")]);
            }
            4 => {
                let ids = question_ids(&t, who);
                let id = &ids[dice.roll(ids.len())];
                t.ok(who, &["set", id, &format!("priority={}", 1 + dice.roll(3))]);
            }
            _ => {
                t.sync(who);
            }
        }
    }
    t.settle(&names);
    t.same_everywhere(&names);
    // every member's conflict questions are the same questions
    let c = t.conflicts("alice");
    assert_eq!(c, t.conflicts("bob"));
    assert_eq!(c, t.conflicts("carol"));
}

#[test]
fn records_made_at_once_by_two_members_get_distinct_ids_and_both_arrive() {
    let names = ["alice", "bob", "carol"];
    let t = Team::new(&names);
    let a = t.ok("alice", &["add", "note", "from alice"]);
    let b = t.ok("bob", &["add", "note", "from bob"]);
    let c = t.ok("carol", &["add", "note", "from carol"]);
    let ids = [a.trim(), b.trim(), c.trim()];
    assert!(
        ids[0] != ids[1] && ids[1] != ids[2] && ids[0] != ids[2],
        "{ids:?}"
    );
    t.settle(&names);
    for n in names {
        for id in ids {
            let shown = t.ok(n, &["show", id]);
            assert!(shown.contains("from "), "{n} {id}: {shown}");
        }
    }
    t.same_everywhere(&names);
}

#[test]
fn each_kind_of_concurrent_change_opens_one_question_in_every_member_and_its_resolution_syncs() {
    let names = ["alice", "bob"];
    let t = Team::new(&names);
    // status, title, a matrix cell, a grade; and a deletion of something changed
    t.change_the_same_fields("N1");
    t.ok("alice", &["delete", "E1"]);
    t.ok("bob", &["set", "E1", "name=Dritan Hoxha (Tirana)"]);
    t.settle(&names);
    let conflicts = t.conflicts("alice");
    assert_eq!(conflicts, t.conflicts("bob"));
    let joined = conflicts.join("\n");
    assert_eq!(conflicts.len(), 5, "{joined}");
    for what in [
        "Q1 status",
        "Q2 title",
        "consistency",
        "N1 grade",
        "E1 deleted by alice",
    ] {
        assert!(joined.contains(what), "{what} missing from:\n{joined}");
    }
    // the stable winner is the same in both
    t.same_everywhere(&names);
    // the deletion stands in both: removal wins over a concurrent edit
    for n in names {
        let shown = t.weft(&["show", "E1"], Some(n));
        assert_eq!(shown.status.code(), Some(1), "{n} still shows E1");
    }
    // resolving: bob sets the value they agree on, having seen both
    t.ok(
        "bob",
        &["set", "Q1", "status=answered", "answer=Hoxha's brother"],
    );
    t.settle(&names);
    assert_eq!(
        t.conflicts("alice"),
        conflicts,
        "the resolution opened no new conflict"
    );
    assert!(t.ok("alice", &["show", "Q1"]).contains("answered"));
    t.same_everywhere(&names);
}

/// Joins `who` to the team's enquiry, taking in `chunk` operations at a time; what
/// the clone said.
fn join(t: &Team, who: &str, chunk: usize) -> String {
    let remote = t.remote.to_str().unwrap().to_string();
    let dir = t.ws(who);
    let out = weft_in(t.tmp.path())
        .env("WEFT_SYNC_CHUNK", chunk.to_string())
        .args([
            "share",
            "clone",
            &remote,
            dir.to_str().unwrap(),
            "--as",
            who,
        ])
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{said}");
    said
}

#[test]
fn a_newcomer_rebuilds_with_every_kind_of_change_and_agrees_with_the_members() {
    let t = Team::new(&["alice", "bob"]);
    // dan joins at once, and takes in everything that follows as a sync does
    let said = join(&t, "dan", 4096);
    assert!(!said.contains("rebuild"), "{said}");
    let names = ["alice", "bob", "dan"];
    let id = |out: String| out.trim().to_string();
    let marsh = id(t.ok(
        "alice",
        &["add", "entity", "Arben Marsh", "--kind", "person"],
    ));
    t.ok("alice", &["link", "E1", &marsh, "--label", "pays"]);
    let van = id(t.ok("alice", &["add", "note", "the van left at six"]));
    t.settle(&names);
    // concurrent: a field of each kind, a matrix cell made twice, a deletion of
    // something changed, and a link made to an entity deleted meanwhile (its maker
    // goes first in the merge order, so the deletion takes it too)
    let seen = id(t.ok("bob", &["link", &marsh, &van, "--label", "seen in"]));
    t.change_the_same_fields(&van);
    t.ok("alice", &["delete", &marsh]);
    t.ok("bob", &["set", "E1", "name=Dritan Hoxha (Tirana)"]);
    t.ok("alice", &["delete", "E1"]);
    for i in 0..12 {
        let who = names[i % 3];
        t.ok(who, &["add", "note", &format!("sighting {i}")]);
    }
    t.settle(&names);
    let conflicts = t.conflicts("alice");
    assert!(conflicts.len() >= 6, "{}", conflicts.join("\n"));
    // carol joins: far more operations came through the journals than the base holds;
    // one at a time, so what each reads of the ones before comes from the rebuild
    let said = join(&t, "carol", 1);
    assert!(said.contains("in one rebuild of the workspace"), "{said}");
    assert!(said.contains("conflicts"), "{said}");
    assert_eq!(t.conflicts("carol"), conflicts);
    let all = ["alice", "bob", "dan", "carol"];
    t.same_everywhere(&all);
    for gone in ["E1", &marsh, &seen] {
        let shown = t.weft(&["show", gone], Some("carol"));
        assert_eq!(shown.status.code(), Some(1), "carol still shows {gone}");
    }
    // and works on from there like anyone
    t.ok("carol", &["add", "note", "carol was here"]);
    t.ok("carol", &["set", "Q2", "title=Where is the van now?"]);
    t.settle(&all);
    t.same_everywhere(&all);
    assert!(t.ok("bob", &["show", "Q2"]).contains("van now"));
    assert_eq!(
        t.conflicts("bob"),
        conflicts,
        "carol's changes conflict with none"
    );
}

#[test]
fn the_log_and_the_briefing_name_the_analyst() {
    let names = ["alice", "bob"];
    let t = Team::new(&names);
    t.ok("bob", &["add", "note", "the van was rented by Marsh"]);
    t.settle(&names);
    let log = t.ok("alice", &["log"]);
    let line = log.lines().find(|l| l.contains("add note")).unwrap();
    assert!(line.contains("bob"), "{log}");
    let brief = t.tmp.path().join("brief.md");
    t.ok(
        "alice",
        &["export", "backlog", "-o", brief.to_str().unwrap()],
    );
    let md = std::fs::read_to_string(brief).unwrap();
    assert!(md.contains("bob"), "{md}");
}

/// A sync refused for alice's journal (writer `w`) at `line`: exit 1 and one line
/// naming the file, the analyst and the line; that line.
fn refused(out: &Output, w: &str, line: u64) -> String {
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    let naming = format!("journal/{w}.jsonl (alice) line {line}");
    assert!(err.contains(&naming), "{err}");
    err
}

#[test]
fn a_journal_altered_after_it_was_pushed_is_refused_naming_writer_and_line() {
    let names = ["alice", "bob"];
    let t = Team::new(&names);
    t.ok("alice", &["add", "note", "first"]);
    t.ok("alice", &["add", "note", "second"]);
    t.sync("alice");
    t.sync("bob");
    let before = t.exports("bob");
    // someone with access to the remote rewrites alice's first line
    let w = t.tamper("alice", |text| text.replacen("first", "FIRST", 1));
    t.ok("alice", &["add", "note", "third"]);
    let err = refused(&t.weft(&["sync"], Some("bob")), &w, 1);
    assert!(err.contains("altered after it was pushed"), "{err}");
    assert!(
        before == t.exports("bob"),
        "something was taken in: {}",
        t.ok("bob", &["list", "notes"])
    );
}

#[test]
fn journals_past_gits_size_for_a_text_diff_are_compared_by_their_bytes() {
    let names = ["alice", "bob"];
    let t = Team::new(&names);
    // git diffs no file past core.bigFileThreshold (512 MB) as text: its line counts
    // come back as "-", as every journal file's will here
    for who in names {
        git(
            &t.ws(who).join("shared"),
            &["config", "core.bigFileThreshold", "64"],
        );
    }
    for round in 0..2 {
        t.ok("alice", &["add", "note", &format!("first {round}")]);
        t.ok("bob", &["add", "note", &format!("second {round}")]);
        t.settle(&names);
    }
    t.same_everywhere(&names);
    let before = t.exports("bob");
    let w = t.tamper("alice", |text| text.replacen("first 0", "FIRST 0", 1));
    t.ok("alice", &["add", "note", "third"]);
    let err = refused(&t.weft(&["sync"], Some("bob")), &w, 1);
    assert!(err.contains("altered after it was pushed"), "{err}");
    assert!(before == t.exports("bob"), "something was taken in");
}

#[test]
fn a_damaged_line_among_new_ones_is_refused_and_none_of_them_is_taken_in() {
    let names = ["alice", "bob"];
    let t = Team::new(&names);
    for text in ["one", "two", "three"] {
        t.ok("alice", &["add", "note", text]);
    }
    t.sync("alice");
    let before = t.exports("bob");
    // the third line is damaged before bob ever read the file
    let w = t.tamper("alice", |text| {
        assert!(text.lines().count() >= 3, "{text}");
        text.replacen("three", "thrEE", 1)
    });
    // a commit per operation: the two good lines would land before the bad one was
    // reached, were the lines not all checked first
    let out = weft_in(t.tmp.path())
        .env("WEFT_SYNC_CHUNK", "1")
        .arg("--workspace")
        .arg(t.ws("bob"))
        .arg("sync")
        .output()
        .unwrap();
    let err = refused(&out, &w, 3);
    assert!(err.contains("nothing was taken in"), "{err}");
    assert!(
        before == t.exports("bob"),
        "the lines before it were applied: {}",
        t.ok("bob", &["list", "notes"])
    );
}

#[test]
fn an_unreachable_remote_says_so_in_one_line_and_loses_nothing() {
    let names = ["alice", "bob"];
    let t = Team::new(&names);
    t.ok("bob", &["add", "note", "kept while offline"]);
    let away = t.tmp.path().join("away.git");
    std::fs::rename(&t.remote, &away).unwrap();
    let out = t.weft(&["sync"], Some("bob"));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("nothing is lost"), "{err}");
    std::fs::rename(&away, &t.remote).unwrap();
    t.settle(&names);
    let notes = t.ok("alice", &["list", "notes"]);
    assert!(notes.contains("kept while offline"), "{notes}");
    t.same_everywhere(&names);
}

#[test]
fn sync_stopped_dead_at_each_phase_loses_nothing_and_the_next_sync_completes() {
    let names = ["alice", "bob"];
    let t = Team::new(&names);
    let phases = [
        "sent",
        "committed",
        "fetched",
        "aside",
        "applied",
        "opened",
        "pushed",
    ];
    let mut stopped = Vec::new();
    for (i, phase) in phases.iter().enumerate() {
        t.ok("alice", &["add", "note", &format!("alice {phase}")]);
        t.ok("bob", &["add", "note", &format!("bob {phase}")]);
        // a conflict, so the phase that opens its question is reached
        t.ok("alice", &["set", "Q2", &format!("title=alice {i}")]);
        t.ok("bob", &["set", "Q2", &format!("title=bob {i}")]);
        t.sync("alice");
        for who in names {
            let out = weft_in(t.tmp.path())
                .arg("--workspace")
                .arg(t.ws(who))
                .arg("sync")
                .env("WEFT_SYNC_FAULT", phase)
                // a commit per operation: the stop comes after the first of several
                .env("WEFT_SYNC_CHUNK", "1")
                .output()
                .unwrap();
            // the phase may not be reached by every member's sync (nothing to apply),
            // but one of them is stopped at it: killed by the abort, no exit status
            if out.status.code().is_none() {
                stopped.push(*phase);
            }
        }
    }
    stopped.dedup();
    assert_eq!(stopped, phases, "a phase no sync was stopped at");
    t.settle(&names);
    for who in names {
        let notes = t.ok(who, &["list", "notes"]);
        for phase in phases {
            for by in names {
                assert!(
                    notes.contains(&format!("{by} {phase}")),
                    "{who} lacks {by} {phase}:\n{notes}"
                );
            }
        }
    }
    t.same_everywhere(&names);
    assert_eq!(t.conflicts("alice"), t.conflicts("bob"));
    // one question per conflicting pair, never two for one
    let c = t.conflicts("alice");
    let mut titles: Vec<&str> = c.iter().map(|l| l.split_once(' ').unwrap().1).collect();
    let all = titles.len();
    titles.dedup();
    assert_eq!(titles.len(), all, "{c:?}");
}

#[test]
fn sync_killed_at_random_points_loses_nothing() {
    let names = ["alice", "bob"];
    let t = Team::new(&names);
    for k in 0..8u64 {
        t.ok("alice", &["add", "note", &format!("alice kill {k}")]);
        t.ok("bob", &["add", "note", &format!("bob kill {k}")]);
        let mut child = weft_in(t.tmp.path())
            .arg("--workspace")
            .arg(t.ws("bob"))
            .arg("sync")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        t.sync("alice");
        std::thread::sleep(std::time::Duration::from_millis(10 + 25 * k));
        let _ = child.kill();
        let _ = child.wait();
    }
    t.settle(&names);
    for who in names {
        let notes = t.ok(who, &["list", "notes"]);
        for k in 0..8 {
            for by in names {
                assert!(notes.contains(&format!("{by} kill {k}")), "{who}: {notes}");
            }
        }
    }
    t.same_everywhere(&names);
}

#[test]
fn a_journal_cut_mid_line_is_repaired_to_its_last_whole_line() {
    let names = ["alice", "bob"];
    let t = Team::new(&names);
    t.ok("alice", &["add", "note", "whole"]);
    t.sync("alice");
    let w = t.writer("alice");
    let file = t
        .ws("alice")
        .join("shared/journal")
        .join(format!("{w}.jsonl"));
    let mut text = std::fs::read(&file).unwrap();
    let whole = text.len();
    text.extend_from_slice(b"{\"op\":{\"lamport\":99,\"se");
    std::fs::write(&file, &text).unwrap();
    t.ok("alice", &["add", "note", "after the cut"]);
    t.settle(&names);
    let repaired = std::fs::read(&file).unwrap();
    assert_eq!(&repaired[..whole], &text[..whole]);
    assert!(!String::from_utf8_lossy(&repaired).contains("\"lamport\":99,\"se"));
    assert!(t.ok("bob", &["list", "notes"]).contains("after the cut"));
    t.same_everywhere(&names);
}

#[test]
fn two_members_pushing_at_once_both_get_through() {
    let names = ["alice", "bob", "carol"];
    let t = Team::new(&names);
    t.ok("bob", &["add", "note", "bob at once"]);
    t.ok("carol", &["add", "note", "carol at once"]);
    let spawn = |who: &str| {
        weft_in(t.tmp.path())
            .arg("--workspace")
            .arg(t.ws(who))
            .arg("sync")
            .output()
    };
    let (b, c) = std::thread::scope(|s| {
        let b = s.spawn(|| spawn("bob"));
        let c = s.spawn(|| spawn("carol"));
        (b.join().unwrap().unwrap(), c.join().unwrap().unwrap())
    });
    assert!(b.status.success(), "{}", String::from_utf8_lossy(&b.stderr));
    assert!(c.status.success(), "{}", String::from_utf8_lossy(&c.stderr));
    t.settle(&names);
    let notes = t.ok("alice", &["list", "notes"]);
    assert!(notes.contains("bob at once") && notes.contains("carol at once"));
    t.same_everywhere(&names);
}

#[test]
fn wrong_uses_are_refused_in_one_line_and_change_nothing() {
    let names = ["alice", "bob"];
    let t = Team::new(&names);
    let remote = t.remote.to_str().unwrap().to_string();
    // a second enquiry onto the same remote
    let other = t.ws("other");
    t.weft(&["init", other.to_str().unwrap()], None);
    let out = t.weft(&["share", "init", &remote, "--as", "eve"], Some("other"));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("already holds a shared enquiry"), "{err}");
    assert!(!other.join("shared").exists() && !other.join("share.toml").exists());
    // sharing twice
    let out = t.weft(&["share", "init", &remote, "--as", "alice"], Some("alice"));
    assert!(String::from_utf8_lossy(&out.stderr).contains("already shared"));
    // sync outside an enquiry
    let out = t.weft(&["sync"], Some("other"));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert!(err.contains("not part of a shared enquiry"), "{err}");
    // a name with a control character; a directory in use
    let out = t.weft(
        &[
            "share",
            "clone",
            &remote,
            t.ws("x").to_str().unwrap(),
            "--as",
            "ev\u{1b}e",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(!t.ws("x").exists());
    let out = t.weft(
        &[
            "share",
            "clone",
            &remote,
            t.ws("alice").to_str().unwrap(),
            "--as",
            "eve",
        ],
        None,
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("not empty"));
    // a remote that does not exist
    let out = t.weft(
        &[
            "share",
            "clone",
            "/nonexistent/remote.git",
            t.ws("y").to_str().unwrap(),
            "--as",
            "eve",
        ],
        None,
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(!t.ws("y").exists());
}

#[test]
fn undo_does_not_take_back_another_analysts_work() {
    let names = ["alice", "bob"];
    let t = Team::new(&names);
    t.ok("bob", &["add", "note", "bob's"]);
    t.settle(&names);
    let out = t.weft(&["undo"], Some("alice"));
    assert_eq!(out.status.code(), Some(1));
    assert!(t.ok("alice", &["list", "notes"]).contains("bob's"));
}

/// How many records of `kind` (`notes`, `entities`, `links`) a member's workspace holds.
fn count(t: &Team, who: &str, kind: &str) -> usize {
    let list = t.ok(who, &["list", kind, "--json"]);
    let v: serde_json::Value = serde_json::from_str(&list).unwrap();
    v.as_array().unwrap().len()
}

#[test]
fn tables_imported_at_once_by_two_members_take_distinct_ids_and_all_arrive() {
    let names = ["alice", "bob"];
    let t = Team::new(&names);
    let kinds = ["notes", "entities", "links"];
    let before: Vec<usize> = kinds.iter().map(|k| count(&t, "alice", k)).collect();
    let maps = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/mappings");
    for (who, table) in [("alice", "cdr"), ("bob", "bank")] {
        let csv = maps.join(format!("{table}.csv"));
        let map = maps.join(format!("{table}.toml"));
        t.ok(
            who,
            &[
                "import-table",
                csv.to_str().unwrap(),
                "--map",
                map.to_str().unwrap(),
            ],
        );
    }
    let made = |who: &str| -> Vec<usize> {
        kinds
            .iter()
            .zip(&before)
            .map(|(k, b)| count(&t, who, k) - b)
            .collect()
    };
    let (by_alice, by_bob) = (made("alice"), made("bob"));
    assert!(by_alice.iter().all(|n| *n > 0), "{by_alice:?}");
    assert!(by_bob.iter().all(|n| *n > 0), "{by_bob:?}");
    t.settle(&names);
    for who in names {
        for (i, k) in kinds.iter().enumerate() {
            assert_eq!(
                count(&t, who, k),
                before[i] + by_alice[i] + by_bob[i],
                "{who} {k}: a record was lost or its id taken twice"
            );
        }
    }
    assert!(
        t.conflicts("alice").is_empty(),
        "{:?}",
        t.conflicts("alice")
    );
    t.same_everywhere(&names);
}

#[test]
fn the_base_is_set_aside_once_imported_and_a_compacted_member_still_syncs() {
    let names = ["alice", "bob"];
    let t = Team::new(&names);
    for who in names {
        let repo = t.ws(who).join("shared");
        // not in the working tree (829 MB at 1M), and git takes it as unchanged
        assert!(!repo.join("base/workspace.json").exists(), "{who}");
        assert_eq!(git(&repo, &["status", "--porcelain"]), "", "{who}");
        let skipped = git(&repo, &["ls-files", "-v", "base/workspace.json"]);
        assert!(skipped.starts_with("S "), "{who}: {skipped}");
    }
    // the remote still holds it for whoever joins next
    let remote = t.remote.to_str().unwrap().to_string();
    let carol = t.ws("carol");
    let out = t.weft(
        &[
            "share",
            "clone",
            &remote,
            carol.to_str().unwrap(),
            "--as",
            "carol",
        ],
        None,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(t
        .ok("carol", &["list", "questions"])
        .contains("Who pays Marsh?"));
    // a compaction moves every file of the workspace; the next syncs go on as before
    t.ok("bob", &["compact"]);
    t.ok("bob", &["add", "note", "the van was seen at the depot"]);
    let all = ["alice", "bob", "carol"];
    t.settle(&all);
    for who in all {
        assert!(
            t.ok(who, &["list", "notes"]).contains("seen at the depot"),
            "{who}"
        );
    }
}
