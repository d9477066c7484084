//! The interchange exports as real processes on the demo case (with a few records added
//! to reach the awkward corners): an Analyst's Notebook chart (ANX) parsed as XML and
//! checked against the schema's element order, its link ends and grade indexes; the flat
//! i2 CSV; Timesketch JSON lines; and a FollowTheMoney stream passed through the
//! followthemoney package's own validation.

mod common;

use common::cli::{fails, weft};
use quick_xml::events::Event;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use weft::model::{EntityKind, Id, When};
use weft::store::{NewEntity, NewLink, NewNote, OpenOptions, Store};

/// The demo case, plus: a phone with a real-format number used by a person, an entity
/// whose name a spreadsheet would run, and a C-graded note holding an escape sequence.
/// Returns the workspace and the added ids (phone, formula entity, note).
fn demo(dir: &Path) -> (PathBuf, [Id; 3]) {
    let ws = dir.join("ws");
    let mut s = Store::open(
        &ws,
        &OpenOptions {
            create: true,
            ..Default::default()
        },
    )
    .unwrap();
    s.set_user("ana");
    weft::demo::load(&mut s, weft::demo::KESTREL).unwrap();
    let marsh = Id::new(weft::model::Kind::Entity, 1);
    let entity = |s: &mut Store, name: &str, kind| {
        s.add_entity(NewEntity {
            name: name.into(),
            kind,
            aliases: vec![],
            attributes: Default::default(),
            tags: vec![],
        })
        .unwrap()
        .id
    };
    let phone = entity(&mut s, "07911 123456", EntityKind::Phone);
    let formula = entity(&mut s, "=HYPERLINK(\"http://x\")", EntityKind::Other);
    let note = s
        .add_note(NewNote {
            text: "Escape \u{1b}[2J test about E1\nsecond line".into(),
            source: "CHIS 9999".into(),
            grade: Some("C3C".parse().unwrap()),
            when: Some("~2024-05".parse::<When>().unwrap()),
            tags: vec!["tagged".into()],
        })
        .unwrap()
        .id;
    for (from, to, label) in [(marsh, phone, "uses"), (formula, marsh, "contacts")] {
        s.link(NewLink {
            from,
            to,
            label: label.into(),
            confidence: None,
            source: Some(note),
            when: Some("2024-05-02 10:30".parse().unwrap()),
        })
        .unwrap();
    }
    drop(s);
    (ws, [phone, formula, note])
}

fn mode(p: &Path) -> u32 {
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

/// Runs an export to a file, expecting success; returns its standard error.
fn export_to(ws: &Path, args: &[&str], out: &Path) -> String {
    let o = weft(ws).args(args).arg("-o").arg(out).output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr).to_string();
    assert!(o.status.success(), "{args:?}: {err}");
    assert_eq!(mode(out), 0o600, "{} is owner-only", out.display());
    err
}

// ANX

/// One element: its name, attributes and children (by index into the arena).
#[derive(Debug)]
struct El {
    name: String,
    attrs: HashMap<String, String>,
    children: Vec<usize>,
}

/// Parses a UTF-16LE ANX file (with its byte-order mark) into an element arena; the
/// root is element 0.
fn parse_anx(bytes: &[u8]) -> Vec<El> {
    assert_eq!(&bytes[..2], &[0xff, 0xfe], "UTF-16LE byte-order mark");
    let units: Vec<u16> = bytes[2..]
        .chunks(2)
        .map(|c| u16::from_le_bytes([c[0], c[1]]))
        .collect();
    let text = String::from_utf16(&units).expect("valid UTF-16");
    assert!(text.starts_with("<?xml version=\"1.0\" encoding=\"UTF-16\"?>"));
    for c in text.chars() {
        assert!(
            !c.is_control() || c == '\n',
            "a raw control character U+{:04X} in the chart",
            c as u32
        );
    }
    let mut reader = quick_xml::Reader::from_str(&text);
    let mut arena: Vec<El> = Vec::new();
    let mut stack: Vec<usize> = Vec::new();
    loop {
        let ev = reader.read_event().expect("well-formed XML");
        let (start, empty) = match &ev {
            Event::Start(e) => (Some(e.clone()), false),
            Event::Empty(e) => (Some(e.clone()), true),
            Event::End(_) => {
                stack.pop();
                (None, false)
            }
            Event::Eof => break,
            _ => (None, false),
        };
        let Some(e) = start else { continue };
        let mut attrs = HashMap::new();
        for a in e.attributes() {
            let a = a.expect("attribute");
            let key = String::from_utf8(a.key.as_ref().to_vec()).unwrap();
            let value = a.unescape_value().expect("attribute value").into_owned();
            assert!(attrs.insert(key.clone(), value).is_none(), "{key} twice");
        }
        let id = arena.len();
        arena.push(El {
            name: String::from_utf8(e.name().as_ref().to_vec()).unwrap(),
            attrs,
            children: Vec::new(),
        });
        if let Some(&parent) = stack.last() {
            arena[parent].children.push(id);
        }
        if !empty {
            stack.push(id);
        }
    }
    assert!(stack.is_empty(), "every element closed");
    arena
}

/// The order of ANB's schema (`Analyst's Notebook 7.xsd`, as generated into pyanx).
fn schema_order(parent: &str) -> Option<&'static [&'static str]> {
    Some(match parent {
        "Chart" => &[
            "ApplicationVersion",
            "LibraryCatalogue",
            "PropertyBagCollection",
            "CustomImageCollection",
            "GradeOne",
            "GradeTwo",
            "GradeThree",
            "SourceHints",
            "StrengthCollection",
            "AttributeClassCollection",
            "EntityTypeCollection",
            "LinkTypeCollection",
            "Font",
            "DatabaseProxyCollection",
            "DateTimeFormatCollection",
            "CurrentStyleCollection",
            "TimeZone",
            "TimeBar",
            "PrintSettings",
            "Summary",
            "ChartItemCollection",
            "ConnectionCollection",
            "JunctionCollection",
            "GroupCollection",
            "PaletteCollection",
            "PaletteBarCollection",
            "LegendDefinition",
            "SnapshotCollection",
        ],
        "ChartItem" => &[
            "End",
            "Link",
            "AttributeCollection",
            "CIStyle",
            "PropertyBagCollection",
            "TimeZone",
        ],
        "End" => &["Entity", "Label"],
        "Entity" => &[
            "Box",
            "Circle",
            "Event",
            "Icon",
            "OleItem",
            "TextBlock",
            "Theme",
            "DatabaseKeyCollection",
            "CardCollection",
        ],
        "Link" => &[
            "DatabaseKeyCollection",
            "CardCollection",
            "CornerCollection",
            "LinkStyle",
        ],
        "Card" => &["TimeZone"],
        _ => return None,
    })
}

fn check_order(arena: &[El]) {
    for el in arena {
        let Some(order) = schema_order(&el.name) else {
            continue;
        };
        let mut last = 0;
        for &c in &el.children {
            let name = &arena[c].name;
            let at = order
                .iter()
                .position(|o| o == name)
                .unwrap_or_else(|| panic!("{name} is no child of {} in the schema", el.name));
            assert!(at >= last, "{name} comes too late in {}", el.name);
            last = at;
        }
    }
}

fn all<'a>(arena: &'a [El], name: &'a str) -> impl Iterator<Item = &'a El> + 'a {
    arena.iter().filter(move |e| e.name == name)
}

fn child<'a>(arena: &'a [El], el: &El, name: &str) -> Option<&'a El> {
    el.children
        .iter()
        .map(|&c| &arena[c])
        .find(|c| c.name == name)
}

/// The texts of a grade list (`GradeOne`…).
fn grade_list(arena: &[El], name: &str) -> Vec<String> {
    let list = all(arena, name).next().unwrap_or_else(|| panic!("{name}"));
    let strings = child(arena, list, "StringCollection").unwrap();
    strings
        .children
        .iter()
        .map(|&c| arena[c].attrs["Text"].clone())
        .collect()
}

#[test]
fn anx_is_utf16_xml_in_schema_order_with_its_links_ends_and_grade_indexes_resolved() {
    let dir = tempfile::tempdir().unwrap();
    let (ws, [phone, formula, note]) = demo(dir.path());
    let out = dir.path().join("kestrel.anx");
    let err = export_to(&ws, &["export", "chart", "--format", "anx"], &out);
    assert!(err.contains("wrote a chart of 52 entities"), "{err}");
    assert!(
        err.contains("13 notes graded with handling code C"),
        "{err}"
    );
    let bytes = std::fs::read(&out).unwrap();
    let arena = parse_anx(&bytes);
    assert_eq!(arena[0].name, "Chart");
    assert_eq!(arena[0].attrs["IdReferenceLinking"], "false");
    check_order(&arena);

    let grades = [
        grade_list(&arena, "GradeOne"),
        grade_list(&arena, "GradeTwo"),
        grade_list(&arena, "GradeThree"),
    ];
    assert_eq!(grades[0], ["A", "B", "C", "-"]);
    assert_eq!(grades[1], ["1", "2", "3", "4", "5", "-"]);
    assert_eq!(grades[2], ["P", "C", "-"]);
    let mut graded = 0;
    for el in all(&arena, "ChartItem").chain(all(&arena, "Card")) {
        for (i, attr) in ["GradeOneIndex", "GradeTwoIndex", "GradeThreeIndex"]
            .iter()
            .enumerate()
        {
            let idx: usize = el.attrs[*attr].parse().unwrap();
            assert!(idx < grades[i].len(), "{attr}={idx} of {:?}", el.attrs);
            if grades[i][idx] != "-" {
                graded += 1;
            }
        }
    }
    assert!(graded > 100, "cards carry their grades ({graded})");

    // every String of a list has an id, and every id is unique
    let mut xml_ids = HashSet::new();
    for el in &arena {
        if let Some(id) = el.attrs.get("Id") {
            assert!(xml_ids.insert(id.clone()), "Id {id} twice");
        }
    }
    assert!(all(&arena, "String").all(|s| s.attrs.contains_key("Id")));

    // entities: weft's id as the identity, the name as the label, typed per kind
    let mut entity_ids = HashMap::new();
    let mut identities = HashSet::new();
    let types: HashSet<&str> = all(&arena, "EntityType")
        .map(|t| t.attrs["Name"].as_str())
        .collect();
    assert_eq!(types.len(), 10, "a type for every weft kind");
    for item in all(&arena, "ChartItem") {
        let Some(end) = child(&arena, item, "End") else {
            continue;
        };
        let entity = child(&arena, end, "Entity").unwrap();
        let identity = &entity.attrs["Identity"];
        assert!(identities.insert(identity.clone()));
        entity_ids.insert(entity.attrs["EntityId"].clone(), identity.clone());
        let icon = child(&arena, entity, "Icon").unwrap();
        let style = child(&arena, icon, "IconStyle").unwrap();
        assert!(types.contains(style.attrs["Type"].as_str()));
        if identity == "E1" {
            assert_eq!(item.attrs["Label"], "Darren Marsh");
            let cards = child(&arena, entity, "CardCollection").unwrap();
            assert!(cards.children.len() > 10, "E1's notes are its cards");
        }
        if *identity == formula.to_string() {
            assert_eq!(item.attrs["Label"], "=HYPERLINK(\"http://x\")");
        }
    }
    assert_eq!(entity_ids.len(), 52);
    assert!(identities.contains(&phone.to_string()));

    // links: both ends exist, arrows, dated with a time zone
    let mut links = 0;
    for item in all(&arena, "ChartItem") {
        let Some(link) = child(&arena, item, "Link") else {
            continue;
        };
        links += 1;
        for end in ["End1Id", "End2Id"] {
            assert!(
                entity_ids.contains_key(&link.attrs[end]),
                "{end} {} names no entity",
                link.attrs[end]
            );
        }
        let style = child(&arena, link, "LinkStyle").unwrap();
        assert_eq!(style.attrs["ArrowStyle"], "ArrowOnHead");
        if item.attrs.get("DateSet").map(String::as_str) == Some("true") {
            let dt = &item.attrs["DateTime"];
            assert!(
                chrono::NaiveDateTime::parse_from_str(dt, "%Y-%m-%dT%H:%M:%S%.3f").is_ok(),
                "{dt}"
            );
            let tz = child(&arena, item, "TimeZone").expect("a dated link's time zone");
            assert_eq!(tz.attrs["UniqueID"], "1");
        }
    }
    assert!(links > 60, "{links} links");

    // the added note: a card with its grade, date, source and text, controls visible
    let card = all(&arena, "Card")
        .find(|c| c.attrs["SourceReference"] == note.to_string())
        .expect("the added note's card");
    assert_eq!(card.attrs["Text"], "Escape ␛[2J test about E1\nsecond line");
    assert_eq!(card.attrs["SourceType"], "CHIS 9999");
    assert_eq!(card.attrs["DateTimeDescription"], "~May 2024");
    assert_eq!(card.attrs["DateTime"], "2024-05-01T00:00:00.000");
    assert_eq!(
        grades[2][card.attrs["GradeThreeIndex"].parse::<usize>().unwrap()],
        "C"
    );

    // the same chart on standard output
    let o = weft(&ws)
        .args(["export", "chart", "--format", "anx", "-o", "-"])
        .output()
        .unwrap();
    assert!(o.status.success());
    assert_eq!(o.stdout, bytes, "-o - writes the same chart");
}

#[test]
fn anx_around_an_entity_holds_its_neighbourhood() {
    let dir = tempfile::tempdir().unwrap();
    let (ws, [phone, ..]) = demo(dir.path());
    let out = dir.path().join("around.anx");
    let err = export_to(
        &ws,
        &["export", "chart", "--around", "E1", "--hops", "1"],
        &out,
    );
    let arena = parse_anx(&std::fs::read(&out).unwrap());
    check_order(&arena);
    let identities: HashSet<String> = all(&arena, "Entity")
        .map(|e| e.attrs["Identity"].clone())
        .collect();
    assert!(identities.contains("E1") && identities.contains(&phone.to_string()));
    assert!(
        identities.len() < 30,
        "{} entities: {err}",
        identities.len()
    );
    let ids: HashSet<String> = all(&arena, "Entity")
        .map(|e| e.attrs["EntityId"].clone())
        .collect();
    for link in all(&arena, "Link") {
        assert!(ids.contains(&link.attrs["End1Id"]) && ids.contains(&link.attrs["End2Id"]));
    }
    let none = dir.path().join("zero.anx");
    export_to(
        &ws,
        &["export", "chart", "--around", "E1", "--hops", "0"],
        &none,
    );
    let arena = parse_anx(&std::fs::read(&none).unwrap());
    assert_eq!(all(&arena, "Entity").count(), 1);
    assert_eq!(all(&arena, "Link").count(), 0);

    let q = dir.path().join("q.anx");
    export_to(&ws, &["export", "chart", "--question", "Q1"], &q);
    let arena = parse_anx(&std::fs::read(&q).unwrap());
    check_order(&arena);
    assert!(all(&arena, "Entity").count() > 0);
}

#[test]
fn a_refused_chart_says_why_in_one_line_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (ws, _) = demo(dir.path());
    let out = dir.path().join("never.anx");
    let o = out.to_str().unwrap();
    fails(
        &ws,
        &["export", "chart", "--around", "N1", "-o", o],
        1,
        "N1 is not an entity",
    );
    fails(
        &ws,
        &["export", "chart", "--around", "E999", "-o", o],
        1,
        "E999",
    );
    fails(
        &ws,
        &["export", "chart", "--question", "E1", "-o", o],
        1,
        "E1 is not a question",
    );
    fails(
        &ws,
        &["export", "chart", "--hops", "2", "-o", o],
        2,
        "--around",
    );
    fails(
        &ws,
        &["export", "chart", "--around", "E1", "--hops", "11", "-o", o],
        2,
        "11",
    );
    fails(
        &ws,
        &["export", "chart", "--format", "svg", "-o", o],
        2,
        "svg",
    );
    assert!(!out.exists());
    let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(leftovers.len(), 1, "only the workspace: {leftovers:?}");
}

// i2 CSV

#[test]
fn i2csv_has_stable_headers_one_row_per_link_and_neutralised_cells() {
    let dir = tempfile::tempdir().unwrap();
    let (ws, [phone, formula, note]) = demo(dir.path());
    let out = dir.path().join("kestrel.csv");
    let err = export_to(&ws, &["export", "chart", "--format", "i2csv"], &out);
    assert!(err.contains("handling code C"), "{err}");
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.contains("\r\n"));
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let headers: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(
        headers.join(","),
        "end1_identity,end1_type,end1_label,link_identity,link_type,link_label,\
link_direction,end2_identity,end2_type,end2_label,date,time,time_zone,date_description,\
grade_source,grade_intel,grade_handling,source_ref,source_type,confidence,description"
    );
    let rows: Vec<BTreeMap<String, String>> = r
        .records()
        .map(|rec| {
            let rec = rec.unwrap();
            assert_eq!(rec.len(), headers.len());
            headers
                .iter()
                .cloned()
                .zip(rec.iter().map(String::from))
                .collect()
        })
        .collect();
    let links: Vec<_> = rows
        .iter()
        .filter(|r| !r["link_identity"].is_empty())
        .collect();
    assert!(links.len() > 60);
    for l in &links {
        assert_eq!(l["link_direction"], "1");
        assert!(!l["end2_identity"].is_empty());
        if !l["date"].is_empty() {
            assert!(chrono::NaiveDate::parse_from_str(&l["date"], "%Y-%m-%d").is_ok());
            assert_eq!(l["time_zone"], "UTC");
        }
        if !l["grade_source"].is_empty() {
            assert!(["A", "B", "C"].contains(&l["grade_source"].as_str()));
            assert!(["1", "2", "3", "4", "5"].contains(&l["grade_intel"].as_str()));
            assert!(["P", "C"].contains(&l["grade_handling"].as_str()));
        }
    }
    let uses = links
        .iter()
        .find(|l| l["end2_identity"] == phone.to_string())
        .expect("the phone's link row");
    assert_eq!(
        (uses["end1_identity"].as_str(), uses["end1_type"].as_str()),
        ("E1", "Person")
    );
    assert_eq!(uses["end2_type"], "Telephone");
    assert_eq!(
        (uses["date"].as_str(), uses["time"].as_str()),
        ("2024-05-02", "10:30:00")
    );
    assert_eq!(
        (
            uses["grade_source"].as_str(),
            uses["grade_intel"].as_str(),
            uses["grade_handling"].as_str()
        ),
        ("C", "3", "C")
    );
    assert_eq!(uses["source_ref"], note.to_string());
    assert_eq!(uses["description"], "Escape ␛[2J test about E1");
    let f = links
        .iter()
        .find(|l| l["end1_identity"] == formula.to_string())
        .unwrap();
    assert_eq!(f["end1_label"], "'=HYPERLINK(\"http://x\")");
}

// Timesketch

#[test]
fn timesketch_lines_carry_the_three_fields_with_an_offset_and_say_when_uncertain() {
    let dir = tempfile::tempdir().unwrap();
    let (ws, [_, _, note]) = demo(dir.path());
    let out = dir.path().join("kestrel.jsonl");
    let err = export_to(&ws, &["export", "timeline", "--format", "timesketch"], &out);
    assert!(err.contains("handling code C"), "{err}");
    let text = std::fs::read_to_string(&out).unwrap();
    let mut occurred = 0;
    let mut recorded = 0;
    let mut uncertain = 0;
    let mut last = None;
    for line in text.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let o = v.as_object().unwrap();
        for k in o.keys() {
            assert!(!k.starts_with('_'), "{k}");
        }
        assert!(!o["message"].as_str().unwrap().is_empty(), "{line}");
        let dt = o["datetime"].as_str().unwrap();
        let parsed =
            chrono::DateTime::parse_from_rfc3339(dt).unwrap_or_else(|e| panic!("{dt}: {e}"));
        assert!(dt.ends_with("+00:00"), "{dt} has its offset");
        assert!(last.is_none_or(|l| l <= parsed), "in time order");
        last = Some(parsed);
        match o["timestamp_desc"].as_str().unwrap() {
            "Occurred" => occurred += 1,
            "Recorded in weft" => recorded += 1,
            other => panic!("timestamp_desc {other}"),
        }
        if o["weft_date_uncertain"] == true {
            uncertain += 1;
            assert!(o.contains_key("weft_when") && o.contains_key("weft_date_end"));
        }
        assert!(o["weft_entities"].is_array() && o["tag"].is_array());
    }
    assert!(occurred > 200 && recorded >= 214, "{occurred} {recorded}");
    assert!(uncertain > 0);
    let ours: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|v| v["weft_id"] == note.to_string())
        .collect();
    assert_eq!(ours.len(), 2, "occurred and recorded");
    let o = ours
        .iter()
        .find(|v| v["timestamp_desc"] == "Occurred")
        .unwrap();
    assert_eq!(
        o["datetime"], "2024-05-01T00:00:00+00:00",
        "the period's start"
    );
    assert_eq!(o["weft_when"], "~2024-05");
    assert_eq!(o["weft_date_uncertain"], true);
    assert_eq!(o["weft_grade"], "C3C");
    assert_eq!(o["message"], "Escape ␛[2J test about E1");
    assert_eq!(o["tag"], serde_json::json!(["tagged"]));
    assert!(o["weft_entities"]
        .as_array()
        .unwrap()
        .contains(&serde_json::json!("E1")));

    let piped = weft(&ws)
        .args(["export", "timeline", "-o", "-"])
        .output()
        .unwrap();
    assert!(piped.status.success());
    assert_eq!(String::from_utf8(piped.stdout).unwrap(), text);
}

// FollowTheMoney

/// Runs `tests/interop/ftm_validate.py` on a file; fails with a clear message when
/// python3 or the followthemoney package is missing.
fn ftm_validate(file: &Path) {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/interop/ftm_validate.py");
    let probe = std::process::Command::new("python3")
        .args(["-c", "import followthemoney"])
        .output();
    match probe {
        Err(e) => panic!(
            "the FtM test needs python3 with the followthemoney package (pip install followthemoney): cannot run python3: {e}"
        ),
        Ok(o) if !o.status.success() => panic!(
            "the FtM test needs the followthemoney package: pip install followthemoney ({})",
            String::from_utf8_lossy(&o.stderr).trim()
        ),
        Ok(_) => {}
    }
    let o = std::process::Command::new("python3")
        .arg(&script)
        .arg(file)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "followthemoney refuses the stream:\n{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn ftm_passes_followthemoney_validation_and_leaves_conditional_notes_out() {
    let dir = tempfile::tempdir().unwrap();
    let (ws, [phone, formula, note]) = demo(dir.path());
    let out = dir.path().join("kestrel.ftm");
    let err = export_to(&ws, &["export", "entities", "--format", "ftm"], &out);
    assert!(
        err.contains("left out 13 notes graded with handling code C"),
        "{err}"
    );
    assert!(
        err.contains("dropped the grades and handling codes"),
        "{err}"
    );
    assert!(err.contains("no phone schema"), "{err}");
    ftm_validate(&out);
    let text = std::fs::read_to_string(&out).unwrap();
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let by_id: HashMap<String, &serde_json::Value> = lines
        .iter()
        .map(|v| (v["id"].as_str().unwrap().to_string(), v))
        .collect();
    assert!(
        !by_id.contains_key(&format!("weft-{note}")),
        "a C note stays home"
    );
    // the link from E1 to the phone rests on the C note: left out, the phone has no
    // holder and stands as an unknown party with that number
    let alone = by_id[&format!("weft-{phone}")];
    assert_eq!(alone["schema"], "LegalEntity");
    assert_eq!(
        alone["properties"]["phone"],
        serde_json::json!(["+447911123456"])
    );
    let marsh = by_id["weft-E1"];
    assert_eq!(marsh["schema"], "Person");
    let phones = marsh["properties"]["phone"].as_array().unwrap();
    assert!(
        phones.contains(&serde_json::json!("+447700900118")),
        "{phones:?}"
    );
    // the links resting on the C note are left out with it
    assert!(!lines.iter().any(|v| v["properties"]["subject"]
        .as_array()
        .is_some_and(|s| s.contains(&serde_json::json!(format!("weft-{formula}"))))));
    let schemata: HashSet<&str> = lines
        .iter()
        .map(|v| v["schema"].as_str().unwrap())
        .collect();
    for s in [
        "Person",
        "Organization",
        "Address",
        "Vehicle",
        "BankAccount",
        "Note",
    ] {
        assert!(schemata.contains(s), "{s} in {schemata:?}");
    }
    assert!(schemata.contains("Associate") && schemata.contains("UnknownLink"));

    let all = dir.path().join("all.ftm");
    let err = export_to(&ws, &["export", "entities", "--include-confidential"], &all);
    assert!(
        err.contains("--include-confidential: this export carries"),
        "{err}"
    );
    ftm_validate(&all);
    let text = std::fs::read_to_string(&all).unwrap();
    assert!(text.contains(&format!("\"weft-{note}\"")));
    assert!(text.contains("Escape ␛[2J test"), "controls made visible");
    let marsh: serde_json::Value = text
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .find(|v| v["id"] == "weft-E1")
        .unwrap();
    let phones = marsh["properties"]["phone"].as_array().unwrap();
    assert!(
        phones.contains(&serde_json::json!("+447911123456")),
        "{phones:?}"
    );
    assert!(
        !text.contains(&format!("\"id\":\"weft-{phone}\"")),
        "a held phone is a property"
    );
}
