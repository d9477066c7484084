use super::row::drop_empty_mentions;
use super::*;

const MAP: &str = r#"
tags = ["cdr"]
[[entity]]
role = "a"
kind = "phone"
column = "from"
aliases = ["name"]
attributes = { imei = "imei" }
[[entity]]
role = "b"
kind = "phone"
column = "to"
[[link]]
from = "a"
to = "b"
label = "called"
direction = { column = "dir", forward = ["MO"], reverse = ["MT"] }
when = { column = "at", end = "until" }
confidence = { column = "conf", default = "likely" }
[note]
text = "{dir} {{call}} {from}"
grade = { column = "grade", default = "B2P" }
source = "return 7"
when = "2024-03"
"#;

fn header() -> Vec<String> {
    [
        "from", "to", "dir", "at", "until", "conf", "grade", "name", "imei",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

fn bound() -> Bound {
    Mapping::parse(MAP).unwrap().bind(&header()).unwrap()
}

#[test]
fn a_row_becomes_entities_a_turned_link_and_a_note() {
    let row = bound()
        .row(&[
            "07700 900001",
            "07700900002",
            "MT",
            "2024-03-04T10:00:30Z",
            "2024-03-04 11:00",
            "",
            "",
            " Dean ",
            "35693",
        ])
        .unwrap();
    let a = row.entities[0].as_ref().unwrap();
    assert_eq!(
        (a.key.as_str(), a.name.as_str()),
        ("07700900001", "07700 900001")
    );
    assert_eq!(a.aliases, vec!["Dean".to_string()]);
    assert_eq!(
        a.attributes,
        vec![("imei".to_string(), "35693".to_string())]
    );
    let l = &row.links[0];
    // MT: the other party called
    assert_eq!((l.from, l.to), (1, 0));
    assert_eq!(
        l.when.unwrap().to_string(),
        "2024-03-04 10:00..2024-03-04 11:00"
    );
    assert_eq!(l.confidence, Some(Yardstick::Likely));
    let n = row.note.unwrap();
    assert_eq!(n.text, "MT {call} 07700 900001");
    assert_eq!(n.grade.unwrap().to_string(), "B2P");
    assert_eq!(n.source, "return 7");
    assert_eq!(n.when.unwrap().to_string(), "2024-03");
}

#[test]
fn a_blank_identity_leaves_the_entity_and_its_links_out() {
    let row = bound()
        .row(&["07700 900001", "", "MO", "2024", "", "", "", "", ""])
        .unwrap();
    assert!(row.entities[1].is_none());
    assert!(row.links.is_empty());
    assert!(row.makes_records(), "the note is still made");
}

#[test]
fn a_bad_cell_names_its_column() {
    let b = bound();
    let bad = |cells: [&str; 9]| b.row(&cells).unwrap_err();
    let e = bad(["1", "2", "sideways", "2024", "", "", "", "", ""]);
    assert_eq!(e.column, "dir");
    let e = bad(["1", "2", "MO", "2024-13", "", "", "", "", ""]);
    assert_eq!(e.column, "at");
    let e = bad(["1", "2", "MO", "2024-03-02", "2024-03-01", "", "", "", ""]);
    assert!(e.message.contains("before it starts"), "{}", e.message);
    let e = bad(["1", "2", "MO", "2024", "", "surely", "", "", ""]);
    assert_eq!(e.column, "conf");
    let e = bad(["1", "2", "MO", "2024", "", "", "Z9", "", ""]);
    assert_eq!(e.column, "grade");
}

#[test]
fn the_fingerprint_is_the_content_the_mapping_reads() {
    let b = bound();
    let cells = ["1", "2", "MO", "2024", "", "", "", "", ""];
    let one = b.row(&cells).unwrap().fingerprint;
    assert_eq!(
        b.row(&["1", "2", "MO", "2024 ", "", "", "", "", ""])
            .unwrap()
            .fingerprint,
        one
    );
    assert_ne!(
        b.row(&["1", "2", "MT", "2024", "", "", "", "", ""])
            .unwrap()
            .fingerprint,
        one
    );
    // the columns in another order give the same fingerprint
    let mut h = header();
    h.swap(0, 1);
    let swapped = Mapping::parse(MAP).unwrap().bind(&h).unwrap();
    assert_eq!(
        swapped
            .row(&["2", "1", "MO", "2024", "", "", "", "", ""])
            .unwrap()
            .fingerprint,
        one
    );
    assert!(row_tag(&one).starts_with("row:") && row_tag(&one).len() == 20);
}

#[test]
fn mapping_errors_say_what_and_where() {
    let err = |s: &str| Mapping::parse(s).unwrap_err();
    assert!(err("[[entity]]\nkind = \"phone\"\n").starts_with("line 1"));
    assert!(
        err("delimiter = \"ab\"\n[[entity]]\nkind=\"phone\"\ncolumn=\"a\"\n").contains("delimiter")
    );
    let two =
        "[[entity]]\nkind=\"phone\"\ncolumn=\"a\"\n[[entity]]\nkind=\"phone\"\ncolumn=\"a\"\n";
    assert!(err(two).contains("role \"a\" is taken"));
    let when = "[[entity]]\nkind=\"phone\"\ncolumn=\"a\"\n[[entity]]\nkind=\"phone\"\ncolumn=\"b\"\n[[link]]\nfrom=\"a\"\nto=\"b\"\nlabel=\"x\"\nwhen={column=\"t\",format=\"%H:%M\"}\n";
    assert!(err(when).contains("names no year"));
    let dup = Mapping::parse("[[entity]]\nkind=\"phone\"\ncolumn=\"a\"\n").unwrap();
    assert!(dup
        .bind(&["a".to_string(), "a".to_string()])
        .unwrap_err()
        .contains("twice"));
}

#[test]
fn times_in_cells() {
    assert_eq!(
        parse_time("2024-03-04T14:30:59+01:00", None)
            .unwrap()
            .to_string(),
        "2024-03-04 13:30"
    );
    assert_eq!(
        parse_time("04/03/2024 14:30:05", Some("%d/%m/%Y %H:%M:%S"))
            .unwrap()
            .to_string(),
        "2024-03-04 14:30"
    );
    assert_eq!(
        parse_time("04/03/2024", Some("%d/%m/%Y"))
            .unwrap()
            .to_string(),
        "2024-03-04"
    );
    assert!(parse_time("04/03/2024", None).is_err());
}

#[test]
fn a_mention_left_empty_by_a_blank_cell_is_taken_out() {
    assert_eq!(
        drop_empty_mentions("MO call [[07700 900123]] / [[]], 62s via [[ ]]cell"),
        "MO call [[07700 900123]] / , 62s via cell"
    );
    assert_eq!(drop_empty_mentions("[[a]] [[b"), "[[a]] [[b");
    assert_eq!(drop_empty_mentions("no mention"), "no mention");
}
