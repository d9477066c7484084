//! Tests for `when.rs`.

use super::*;
use proptest::prelude::*;

fn w(s: &str) -> When {
    s.parse().unwrap_or_else(|e| panic!("{s}: {e}"))
}

fn dt(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").expect("test datetime")
}

#[test]
fn parses_each_form() {
    let p = w("2024").start;
    assert_eq!(
        (p.precision, p.year, p.month, p.day, p.approx),
        (Precision::Year, 2024, 1, 1, false)
    );
    let p = w("~2024-03").start;
    assert_eq!(
        (p.precision, p.month, p.day, p.approx),
        (Precision::Month, 3, 1, true)
    );
    assert_eq!(w("2024-03-04").start.precision, Precision::Day);
    let p = w("2024-03-04 14:30").start;
    assert_eq!((p.precision, p.hour, p.minute), (Precision::Minute, 14, 30));
    assert_eq!(w("2024-03-04T14:30"), w("2024-03-04 14:30"));
    assert_eq!(w("  ~ 2024-3-4   9:05 ").to_string(), "~2024-03-04 09:05");
    let r = w("2024-03-01 .. ~2024-03-15");
    assert_eq!(r.to_string(), "2024-03-01..~2024-03-15");
    assert!(r.end.is_some_and(|e| e.approx));
}

#[test]
fn display_is_canonical() {
    for s in [
        "2024",
        "~2023",
        "~2024-03",
        "2024-03-04",
        "2024-03-04 14:30",
        "0001",
        "2024-03-01..2024-03-15",
        "~2023..2024-02-29 23:59",
        "2024..2024",
    ] {
        assert_eq!(w(s).to_string(), s);
    }
}

#[test]
fn rejects_bad_strings_naming_input_and_forms() {
    for bad in [
        "",
        "~",
        "24",
        "20240",
        "2024-13",
        "2024-00",
        "2024-02-30",
        "2023-02-29",
        "2024-04-31",
        "2024-03-04 24:00",
        "2024-03-04 12:60",
        "2024-03-04 12:5",
        "2024 12:00",
        "0000",
        "+2024",
        "-2024",
        "2024-+3",
        "2024-03-04T",
        "2024-03-04 14:30:00",
        "2024..",
        "..2024",
        "2024...2025",
        "2024..2025..2026",
        "~~2024",
        "March 2024",
        "2024-03-05..2024-03-04",
        "2024-03-15..2024-03",
        "2024-１",
    ] {
        let e = bad.parse::<When>().expect_err(bad);
        assert_eq!(e.what, "time");
        assert_eq!(e.input, bad);
        assert!(
            e.expected.contains("2024-03-04 14:30") && e.expected.contains("A..B"),
            "{e}"
        );
    }
    let e = "2024-02-30".parse::<When>().expect_err("bad");
    assert!(
        e.to_string().starts_with(
            "invalid time \"2024-02-30\": 2024-02-30 is not a calendar date; expected"
        ),
        "{e}"
    );
    assert!("2024-13"
        .parse::<When>()
        .expect_err("bad")
        .expected
        .contains("month 13"));
    let e = "2024-03-05..2024-03-04".parse::<When>().expect_err("bad");
    assert!(
        e.expected
            .contains("ends (2024-03-04) before it starts (2024-03-05)"),
        "{e}"
    );
    assert!("2024-03-01..2024-03".parse::<When>().is_ok());
}

#[test]
fn instants() {
    assert_eq!(w("2024-03").start_instant(), dt("2024-03-01 00:00:00"));
    assert_eq!(w("2024-03").end_instant(), dt("2024-03-31 23:59:59"));
    assert_eq!(w("2024").end_instant(), dt("2024-12-31 23:59:59"));
    assert_eq!(w("2024-02").end_instant(), dt("2024-02-29 23:59:59"));
    assert_eq!(w("2024-03-04").end_instant(), dt("2024-03-04 23:59:59"));
    assert_eq!(
        w("2024-03-04 14:30").end_instant(),
        dt("2024-03-04 14:30:59")
    );
    assert_eq!(
        w("2024-03..2024-05").end_instant(),
        dt("2024-05-31 23:59:59")
    );
    assert_eq!(w("1970").sort_key(), 0);
    assert_eq!(w("2024-03-04 14:30").sort_key(), 1_709_562_600);
}

#[test]
fn windows() {
    let m = w("2024-03");
    assert!(m.contains(dt("2024-03-10 00:00:00"), dt("2024-03-12 00:00:00")));
    assert!(!m.contains(dt("2024-03-10 00:00:00"), dt("2024-04-01 00:00:00")));
    assert!(m.overlaps(dt("2024-03-31 23:00:00"), dt("2024-04-02 00:00:00")));
    assert!(!m.overlaps(dt("2024-04-01 00:00:00"), dt("2024-04-02 00:00:00")));
    assert!(!m.overlaps(dt("2024-03-12 00:00:00"), dt("2024-03-10 00:00:00")));
    assert!(m.within(dt("2024-01-01 00:00:00"), dt("2024-12-31 23:59:59")));
    assert!(!m.within(dt("2024-03-02 00:00:00"), dt("2024-12-31 23:59:59")));
}

#[test]
fn human_keeps_precision() {
    for (s, h) in [
        ("2024", "2024"),
        ("~2023", "~2023"),
        ("2024-03", "Mar 2024"),
        ("2024-03-04", "4 Mar 2024"),
        ("2024-03-04 14:30", "4 Mar 2024 14:30"),
        ("~2024-03-04", "~4 Mar 2024"),
        ("2024-03-01..2024-03-15", "2024-03-01..15"),
        ("2024-03..2024-05", "Mar..May 2024"),
        ("2023..2024", "2023..2024"),
        (
            "2024-03-04 14:30..2024-03-04 16:00",
            "4 Mar 2024 14:30..16:00",
        ),
        ("2024-03-28..2024-04-02", "28 Mar 2024..2 Apr 2024"),
        ("2023-11..2024-02", "Nov 2023..Feb 2024"),
        ("~2024-03..2024-05", "~Mar 2024..May 2024"),
        ("2024-03..2024-03-15", "Mar 2024..15 Mar 2024"),
    ] {
        assert_eq!(w(s).human(), h, "{s}");
    }
}

#[test]
fn odd_public_fields_never_panic() {
    let p = TimePoint {
        approx: false,
        precision: Precision::Minute,
        year: -5,
        month: 99,
        day: 0,
        hour: 77,
        minute: 300,
    };
    let x = When {
        start: p,
        end: Some(TimePoint {
            year: i32::MAX,
            ..p
        }),
    };
    let _ = (
        x.to_string(),
        x.human(),
        x.sort_key(),
        x.end_instant(),
        x.cmp(&x),
    );
    assert_eq!(
        TimePoint::new(false, Precision::Month, 2024, 2, 31, 99, 99).map(|p| p.day),
        Some(1)
    );
    assert_eq!(
        TimePoint::new(false, Precision::Day, 2024, 2, 30, 0, 0),
        None
    );
    assert_eq!(
        TimePoint::new(false, Precision::Year, 2024, u32::MAX, 0, 0, 0).map(|p| p.month),
        Some(1)
    );
    assert_eq!(
        TimePoint::new(false, Precision::Month, 2024, u32::MAX, 0, 0, 0),
        None
    );
}

#[test]
fn serde_as_canonical_string() {
    let x = w("~2024-03..2024-05-02 10:00");
    let json = serde_json::to_string(&x).expect("ser");
    assert_eq!(json, "\"~2024-03..2024-05-02 10:00\"");
    assert_eq!(serde_json::from_str::<When>(&json).expect("de"), x);
    let e = serde_json::from_str::<When>("\"2024-02-30\"").expect_err("bad");
    assert!(e.to_string().contains("not a calendar date"), "{e}");
}

fn any_point() -> impl Strategy<Value = TimePoint> {
    let precision = prop::sample::select(vec![
        Precision::Year,
        Precision::Month,
        Precision::Day,
        Precision::Minute,
    ]);
    (
        any::<bool>(),
        precision,
        1..=9999i32,
        1..=12u32,
        1..=31u32,
        0..24u32,
        0..60u32,
    )
        .prop_map(|(approx, precision, y, m, d, h, min)| {
            TimePoint::new(approx, precision, y, m, d.min(days_in_month(y, m)), h, min)
                .expect("valid")
        })
}

fn any_when() -> impl Strategy<Value = When> {
    (any_point(), prop::option::of(any_point())).prop_map(|(a, b)| match b {
        None => When::point(a),
        Some(b) if b.start_instant() < a.start_instant() => When::range(b, a).expect("ordered"),
        Some(b) => When::range(a, b).expect("ordered"),
    })
}

#[test]
fn a_date_field_is_yyyy_mm_dd_zero_padded_by_the_calendar_rules_of_a_time() {
    assert_eq!(
        parse_date(" 2024-02-29 ").unwrap(),
        NaiveDate::from_ymd_opt(2024, 2, 29).unwrap()
    );
    assert_eq!(parse_date("0001-01-01").unwrap().to_string(), "0001-01-01");
    assert_eq!(parse_date("9999-12-31").unwrap().to_string(), "9999-12-31");
    for (bad, why) in [
        ("0000-01-01", "year 0 is not 0001-9999"),
        ("2023-02-29", "2023-02-29 is not a calendar date"),
        ("2024-13-01", "month 13 is not 01-12"),
        ("-0001-01-01", "YYYY-MM-DD"),
        ("+2024-01-01", "YYYY-MM-DD"),
        ("10000-01-01", "YYYY-MM-DD"),
        ("2024-1-1", "YYYY-MM-DD"),
        ("2024-01-1", "YYYY-MM-DD"),
        ("2024/01/01", "YYYY-MM-DD"),
        ("２０２４-01-01", "YYYY-MM-DD"),
        ("", "YYYY-MM-DD"),
    ] {
        let e = parse_date(bad).unwrap_err().to_string();
        assert!(e.starts_with(&format!("invalid date {bad:?}: ")), "{e}");
        assert!(e.contains(why), "{bad}: {e}");
    }
    // the same rule refuses year 0 in a time
    assert!("0000-01-01"
        .parse::<When>()
        .unwrap_err()
        .to_string()
        .contains("year 0 is not 0001-9999"));
}

proptest! {
    #[test]
    fn round_trip(x in any_when()) {
        prop_assert_eq!(x.to_string().parse::<When>(), Ok(x));
        prop_assert_eq!(x.start.to_string().parse::<TimePoint>(), Ok(x.start));
        let json = serde_json::to_string(&x).expect("ser");
        prop_assert_eq!(serde_json::from_str::<When>(&json).expect("de"), x);
        prop_assert!(x.start_instant() <= x.end_instant());
        prop_assert!(x.overlaps(x.start_instant(), x.start_instant()));
        let _ = x.human();
    }

    #[test]
    fn order_follows_start_instant(a in any_when(), b in any_when()) {
        if a.start_instant() < b.start_instant() {
            prop_assert!(a < b);
        }
        prop_assert_eq!(a.cmp(&b) == Ordering::Equal, a == b);
        prop_assert_eq!(a.cmp(&b), b.cmp(&a).reverse());
    }

    #[test]
    fn arbitrary_strings_never_panic(s in any::<String>(), t in "[0-9~. :Tt-]{0,30}") {
        let _ = s.parse::<When>();
        let _ = t.parse::<When>();
        let _ = t.parse::<TimePoint>();
    }
}
