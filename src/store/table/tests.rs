use crate::model::table::Mapping;
use crate::store::{OpenOptions, Store};

const MAP: &str = "[[entity]]\nkind=\"phone\"\ncolumn=\"a\"\n[[entity]]\nkind=\"phone\"\ncolumn=\"b\"\n[[link]]\nfrom=\"a\"\nto=\"b\"\nlabel=\"called\"\n";

fn rows() -> Vec<Vec<&'static str>> {
    (0..20_000)
        .map(|i| match i % 3 {
            0 => vec!["07700 900001", "07700 900002"],
            1 => vec!["07700900002", "07700 900003"],
            _ => vec!["07700 900003", "07700 900001"],
        })
        .collect()
}

fn import(store: &mut Store, rows: &[Vec<&str>], dry_run: bool) -> super::TableReport {
    let bound = Mapping::parse(MAP)
        .unwrap()
        .bind(&["a".to_string(), "b".to_string()])
        .unwrap();
    // every row distinct: a third column the mapping reads would do; here a line number
    // makes the rows differ through the link's ends only, so most repeat
    let mut pass = |give: &mut dyn FnMut(u64, &[&str]) -> crate::store::Result<()>| {
        for (i, r) in rows.iter().enumerate() {
            give(i as u64 + 2, r)?;
        }
        Ok([7u8; 32])
    };
    store
        .import_table(&bound, "t.csv", &mut pass, dry_run, &mut |_, _, _| {})
        .unwrap()
}

#[test]
fn repeated_rows_are_made_once_and_the_import_is_one_operation() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path(), &opts()).unwrap();
    let dry = import(&mut store, &rows(), true);
    assert_eq!(store.state.seq, 0, "a dry run writes nothing");
    let r = import(&mut store, &rows(), false);
    assert_eq!(
        dry,
        super::TableReport {
            changes: 0,
            ..r.clone()
        }
    );
    assert_eq!(
        (r.imported, r.repeated, r.entities_created, r.links),
        (3, 19_997, 3, 3)
    );
    assert_eq!(store.state.seq, r.changes);
    let again = import(&mut store, &rows(), false);
    assert_eq!((again.already, again.changes), (3, 0));
    assert!(store.check().unwrap().is_empty());
    store.undo().unwrap().unwrap();
    assert_eq!(store.state.total(), 0);
}

#[test]
fn a_large_import_applied_in_runs_checks_clean_and_reopens() {
    let dir = tempfile::tempdir().unwrap();
    let owned: Vec<(String, String)> = (0..(super::RUN as u64 + 500))
        .map(|i| (format!("07700 {i:06}"), format!("07800 {:06}", i % 97)))
        .collect();
    let rows: Vec<Vec<&str>> = owned
        .iter()
        .map(|(a, b)| vec![a.as_str(), b.as_str()])
        .collect();
    {
        let mut store = Store::open(dir.path(), &opts()).unwrap();
        let r = import(&mut store, &rows, false);
        assert_eq!(r.links as usize, rows.len());
        assert!(r.changes as usize > super::RUN);
        assert!(store.check().unwrap().is_empty());
        drop(store);
    }
    let store = Store::open(dir.path(), &opts()).unwrap();
    assert!(store.notices().is_empty(), "{:?}", store.notices());
    assert_eq!(
        store.state.count(crate::model::Kind::Link),
        rows.len() as u64
    );
}

fn opts() -> OpenOptions {
    OpenOptions {
        create: true,
        wait: std::time::Duration::from_secs(5),
        ..OpenOptions::default()
    }
}
