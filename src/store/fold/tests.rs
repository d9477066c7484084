//! The fold against the commits it stands for: the same batches folded or committed
//! one by one leave the same records, counters, journal and journal log, byte for byte.

use super::*;
use crate::model::{EntityKind, Status};
use crate::store::shared::Origin;
use crate::store::{JournalEntry, NewEntity, NewLink, NewNote, NewQuestion, State};

use crate::store::open_for_test as fresh;

/// What another member did: a workspace's history as the steps a sync applies, every
/// kind of change among them (records made, changed, removed with what referred to
/// them).
fn history(dir: &std::path::Path) -> Vec<Applied> {
    let mut s = fresh(dir);
    let q = s
        .add_question(NewQuestion::new("Who runs the yard"))
        .unwrap()
        .id;
    let mut entities = Vec::new();
    for name in ["Kestrel", "Osprey", "Harrier", "Merlin"] {
        let e = s
            .add_entity(NewEntity {
                name: name.into(),
                kind: EntityKind::Person,
                aliases: vec![],
                attributes: Default::default(),
                tags: vec![],
            })
            .unwrap()
            .id;
        entities.push(e);
    }
    let mut notes = Vec::new();
    for i in 0..6 {
        let n = s
            .add_note(NewNote {
                text: format!("sighting {i}"),
                when: Some("2026-03-0".to_string() + &(i + 1).to_string())
                    .map(|w| w.parse().unwrap()),
                ..NewNote::default()
            })
            .unwrap()
            .id;
        notes.push(n);
    }
    for (i, pair) in entities.windows(2).enumerate() {
        s.link(NewLink {
            from: pair[0],
            to: pair[1],
            label: "calls".into(),
            confidence: None,
            source: Some(notes[i]),
            when: None,
        })
        .unwrap();
    }
    s.set_fields(q, &[("status".into(), "active".into())])
        .unwrap();
    s.set_fields(entities[0], &[("name".into(), "Kestrel Jones".into())])
        .unwrap();
    // the link citing it goes with the note
    s.delete(notes[1]).unwrap();
    s.delete(entities[3]).unwrap();
    let mut sub = NewQuestion::new("Which yard");
    sub.parent = Some(q);
    sub.status = Status::Open;
    s.add_question(sub).unwrap();
    let entries: Vec<JournalEntry> = s.log_forward().map(Result::unwrap).collect();
    entries
        .into_iter()
        .enumerate()
        .map(|(n, e)| Applied {
            id: e.id,
            after: e.record(&e.after).unwrap(),
            user: "ann".into(),
            time: e.time,
            op: e.op,
            from: Origin {
                w: "a1b2c3d4".into(),
                n: n as u64,
            },
        })
        .collect()
}

/// Everything a workspace holds that the fold must leave as the commits do.
fn holding(s: &Store) -> (Vec<Record>, State, Vec<JournalEntry>, Vec<u8>) {
    let records = Kind::ALL
        .iter()
        .flat_map(|k| s.records(*k).map(Result::unwrap))
        .collect();
    let journal = s.log_forward().map(Result::unwrap).collect();
    let log = std::fs::read(s.path().join(log::LOG_FILE)).unwrap();
    (records, s.state().clone(), journal, log)
}

/// Copies the closed workspace `from` to `to`, its journal log's writer with it.
fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let dst = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &dst);
        } else {
            std::fs::copy(e.path(), dst).unwrap();
        }
    }
}

/// One workspace given the first `base` steps, copied; then the rest in batches of
/// `size`: the one committing them, the copy folding them.
fn both(steps: &[Applied], base: usize, size: usize) -> (tempfile::TempDir, Store, Store) {
    let tmp = tempfile::tempdir().unwrap();
    let (one, two) = (tmp.path().join("committed"), tmp.path().join("folded"));
    let mut committed = fresh(&one);
    for batch in steps[..base].chunks(size) {
        committed.commit_applied(batch.to_vec()).unwrap();
    }
    drop(committed);
    copy_dir(&one, &two);
    let mut committed = fresh(&one);
    for batch in steps[base..].chunks(size) {
        committed.commit_applied(batch.to_vec()).unwrap();
    }
    let folded = fresh(&two)
        .fold(&mut |fold| {
            for batch in steps[base..].chunks(size) {
                fold.apply(batch.to_vec())?;
            }
            Ok(())
        })
        .unwrap();
    (tmp, committed, folded)
}

#[test]
fn a_fold_leaves_what_the_commits_leave_byte_for_byte() {
    let src = tempfile::tempdir().unwrap();
    let steps = history(src.path());
    assert!(steps.len() > 20, "{}", steps.len());
    for (base, size) in [(0, 1), (0, 4096), (5, 3), (12, 7), (steps.len() - 2, 2)] {
        let (_tmp, committed, folded) = both(&steps, base, size);
        let (a, b) = (holding(&committed), holding(&folded));
        assert_eq!(a.0, b.0, "records, base {base}, batches of {size}");
        assert_eq!(a.1, b.1, "counters, base {base}, batches of {size}");
        assert_eq!(a.2, b.2, "journal, base {base}, batches of {size}");
        if base == 0 {
            // an empty log's first line names a writer of its own: the lines' contents
            let contents = |log: &[u8]| -> Vec<Vec<u8>> {
                log.split(|b| *b == b'\n')
                    .map(|l| log::frame::content_of(l).into_owned())
                    .collect()
            };
            assert!(
                contents(&a.3) == contents(&b.3),
                "journal log, batches of {size}"
            );
        } else {
            assert!(a.3 == b.3, "journal log, base {base}, batches of {size}");
        }
        log::verify::verify(&folded.path().join(log::LOG_FILE), true).unwrap();
        // the log alone rebuilds what the fold built
        let again = folded.path().with_extension("recovered");
        let path = folded.path().to_path_buf();
        drop(folded);
        Store::recover(&path, &again, std::time::Duration::ZERO, false).unwrap();
        let recovered = fresh(&again);
        let r = holding(&recovered);
        assert_eq!(
            (r.0, r.2),
            (a.0.clone(), a.2.clone()),
            "recovered, base {base}"
        );
        assert_eq!(r.1.next, a.1.next);
        let folded = fresh(&path);
        assert_eq!(folded.check().unwrap(), Vec::new());
        // the indexes were derived afresh: they answer as the committed ones do
        let q = Id::new(Kind::Question, 1);
        assert_eq!(
            committed.children(Some(q)).unwrap(),
            folded.children(Some(q)).unwrap()
        );
        assert_eq!(committed.tagged("x").unwrap(), folded.tagged("x").unwrap());
    }
}

/// Another member's history, and a workspace that has committed its first five steps.
fn started() -> (tempfile::TempDir, Vec<Applied>, Store) {
    let tmp = tempfile::tempdir().unwrap();
    let steps = history(&tmp.path().join("source"));
    let mut s = fresh(&tmp.path().join("ws"));
    s.commit_applied(steps[..5].to_vec()).unwrap();
    (tmp, steps, s)
}

#[test]
fn a_fold_reads_its_own_changes_over_the_workspace() {
    let (_tmp, steps, s) = started();
    let first = steps[0].id;
    let renamed = steps
        .iter()
        .rposition(|a| a.op.contains("set") && a.id.kind == Kind::Entity)
        .unwrap();
    let removed = steps.iter().rposition(|a| a.after.is_none()).unwrap();
    let s = s
        .fold(&mut |fold| {
            let later = Id::new(Kind::Note, 1);
            assert!(fold.exists(first)?);
            assert!(!fold.exists(later)? && !fold.changed(later));
            fold.apply(steps[5..=renamed].to_vec())?;
            assert!(fold.exists(later)? && fold.changed(later));
            let id = steps[renamed].id;
            assert_eq!(fold.get(id)?, steps[renamed].after);
            assert_eq!(
                fold.value(id)?,
                steps[renamed].after.as_ref().map(Record::to_json)
            );
            // the workspace before the fold is untouched
            assert!(fold.before().get(later)?.is_none());
            fold.apply(steps[renamed + 1..=removed].to_vec())?;
            let gone = steps[removed].id;
            assert!(!fold.exists(gone)? && fold.get(gone)?.is_none());
            assert!(fold.value(gone)?.is_none());
            // a batch that changes nothing is no operation
            assert_eq!(fold.apply(steps[removed..=removed].to_vec())?, 0);
            Ok(())
        })
        .unwrap();
    assert_eq!(s.state().seq as usize, removed + 1);
}

#[test]
fn a_fold_that_fails_leaves_the_workspace_as_it_was() {
    let (tmp, steps, s) = started();
    let ws = tmp.path().join("ws");
    let before = holding(&s);
    let failed = s.fold(&mut |fold| {
        fold.apply(steps[5..9].to_vec())?;
        Err(StoreError::invalid(
            "journal/a1b2c3d4.jsonl line 9 is refused",
        ))
    });
    assert_eq!(
        failed.err().map(|e| e.to_string()).as_deref(),
        Some("journal/a1b2c3d4.jsonl line 9 is refused")
    );
    let s = fresh(&ws);
    assert!(holding(&s) == before);
    assert!(s.notices().is_empty(), "{:?}", s.notices());
    // a change holding another record than its own is refused before anything is written
    let mut wrong = steps[6].clone();
    wrong.id = Id::new(wrong.id.kind, 999);
    let failed = s.fold(&mut |fold| fold.apply(vec![wrong.clone()]).map(drop));
    assert!(failed
        .err()
        .is_some_and(|e| e.to_string().contains("holds record")));
    assert!(holding(&fresh(&ws)) == before);
}
