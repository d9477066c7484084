//! Occurred time that is not certain: `2024`, `~2024-03`, `2024-03-04 14:30`,
//! `2024-03-01..2024-03-15`. A value keeps its precision; the timeline orders by start.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::ParseError;

/// How much of a time point is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Precision {
    Year,
    Month,
    Day,
    Minute,
}

/// One point at some precision. Parts finer than `precision` are 1/1/0/0
/// (month/day/hour/minute); build with [`TimePoint::new`] to get that normalisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TimePoint {
    pub approx: bool,
    pub precision: Precision,
    pub year: i32,
    pub month: u32,
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
}

/// A point, or a range `start..end` whose end does not begin before its start.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct When {
    pub start: TimePoint,
    pub end: Option<TimePoint>,
}

const FORMS: &str =
    "expected 2024, 2024-03, 2024-03-04 or 2024-03-04 14:30 (or 2024-03-04T14:30), \
each optionally prefixed with ~ (approximate), or a range A..B of two of those";

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 31,
    }
}

/// ASCII digits only (no sign), between `min` and `max` of them.
fn digits(s: &str, min: usize, max: usize) -> Option<u32> {
    let ok = (min..=max).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit());
    if ok {
        s.parse().ok()
    } else {
        None
    }
}

/// The rules every date obeys, in a time (`--when`) and in a date field (`review_by`,
/// an expectation's `checked`) alike: a year 0001-9999 and a real calendar day.
fn calendar(year: i32, month: i32, day: i32) -> Result<NaiveDate, String> {
    if !(1..=9999).contains(&year) {
        return Err(format!("year {year} is not 0001-9999"));
    }
    if !(1..=12).contains(&month) {
        return Err(format!("month {month} is not 01-12"));
    }
    u32::try_from(day)
        .ok()
        .filter(|&d| d >= 1 && d <= days_in_month(year, month as u32))
        .and_then(|d| NaiveDate::from_ymd_opt(year, month as u32, d))
        .ok_or_else(|| format!("{year:04}-{month:02}-{day:02} is not a calendar date"))
}

/// What a date field accepts.
const DATE_FORM: &str = "expected a calendar date YYYY-MM-DD (year 0001-9999, zero-padded)";

/// Reads a date field (`review_by`, an expectation's `checked`, `--review-by`): exactly
/// `YYYY-MM-DD`, zero-padded, by the same calendar rules as a time (`--when`). The one
/// parser of every date field.
pub fn parse_date(s: &str) -> Result<NaiveDate, ParseError> {
    let b = s.trim().as_bytes();
    let num = |r: std::ops::Range<usize>| {
        let part = &b[r];
        part.iter()
            .all(u8::is_ascii_digit)
            .then(|| part.iter().fold(0i32, |n, d| n * 10 + i32::from(d - b'0')))
    };
    let parts = (b.len() == 10 && b[4] == b'-' && b[7] == b'-')
        .then(|| Some((num(0..4)?, num(5..7)?, num(8..10)?)))
        .flatten();
    let Some((year, month, day)) = parts else {
        return Err(ParseError::new("date", s, DATE_FORM));
    };
    calendar(year, month, day)
        .map_err(|why| ParseError::new("date", s, format!("{why}; {DATE_FORM}")))
}

impl TimePoint {
    /// A validated point: year 1..=9999 and a real calendar date and time, as far as
    /// `precision` reaches. Parts finer than `precision` are ignored and normalised.
    pub fn new(
        approx: bool,
        precision: Precision,
        year: i32,
        month: u32,
        day: u32,
        hour: u32,
        minute: u32,
    ) -> Option<TimePoint> {
        Self::checked(
            approx,
            precision,
            [year, month as i32, day as i32, hour as i32, minute as i32],
        )
        .ok()
    }

    fn checked(approx: bool, precision: Precision, p: [i32; 5]) -> Result<TimePoint, String> {
        let [year, month, day, hour, minute] = p;
        let used = |q: Precision, v: i32, unused: i32| if precision >= q { v } else { unused };
        let (month, day) = (
            used(Precision::Month, month, 1),
            used(Precision::Day, day, 1),
        );
        let (hour, minute) = (
            used(Precision::Minute, hour, 0),
            used(Precision::Minute, minute, 0),
        );
        calendar(year, month, day)?;
        if !(0..=23).contains(&hour) || !(0..=59).contains(&minute) {
            return Err(format!(
                "{hour:02}:{minute:02} is not a time of day (00:00-23:59)"
            ));
        }
        let [month, day, hour, minute] = [month, day, hour, minute].map(|v| v as u32);
        Ok(TimePoint {
            approx,
            precision,
            year,
            month,
            day,
            hour,
            minute,
        })
    }

    /// Reads one point (no range); the error is the reason only.
    fn parse_point(s: &str) -> Result<TimePoint, String> {
        let s = s.trim();
        let (approx, body) = match s.strip_prefix('~') {
            Some(rest) => (true, rest.trim_start()),
            None => (false, s),
        };
        if body.is_empty() {
            return Err("a date is missing".into());
        }
        let (date, time) = match body.find([' ', 'T', 't']) {
            Some(i) => (&body[..i], Some(body[i + 1..].trim_start())),
            None => (body, None),
        };
        let bad = || format!("{body:?} is not a date in a form below");
        let mut parts = date.split('-');
        let year = parts.next().and_then(|y| digits(y, 4, 4)).ok_or_else(bad)? as i32;
        let month = parts
            .next()
            .map(|m| digits(m, 1, 2).ok_or_else(bad))
            .transpose()?;
        let day = parts
            .next()
            .map(|d| digits(d, 1, 2).ok_or_else(bad))
            .transpose()?;
        if parts.next().is_some() {
            return Err(bad());
        }
        let (precision, p) = match (month, day, time) {
            (None, None, None) => (Precision::Year, [year, 1, 1, 0, 0]),
            (Some(m), None, None) => (Precision::Month, [year, m as i32, 1, 0, 0]),
            (Some(m), Some(d), None) => (Precision::Day, [year, m as i32, d as i32, 0, 0]),
            (Some(m), Some(d), Some(t)) => {
                let (h, min) = t.split_once(':').ok_or_else(bad)?;
                let h = digits(h, 1, 2).ok_or_else(bad)? as i32;
                let min = digits(min, 2, 2).ok_or_else(bad)? as i32;
                (Precision::Minute, [year, m as i32, d as i32, h, min])
            }
            _ => return Err(bad()),
        };
        Self::checked(approx, precision, p)
    }

    /// The same point with every part clamped into range, so instants never fail.
    fn clamped(&self) -> TimePoint {
        let year = self.year.clamp(1, 9999);
        let month = self.month.clamp(1, 12);
        let p = [
            year,
            month as i32,
            self.day.clamp(1, days_in_month(year, month)) as i32,
            self.hour.min(23) as i32,
            self.minute.min(59) as i32,
        ];
        Self::checked(self.approx, self.precision, p).unwrap_or(TimePoint {
            approx: self.approx,
            precision: Precision::Year,
            year,
            month: 1,
            day: 1,
            hour: 0,
            minute: 0,
        })
    }

    fn instant(&self, latest: bool) -> NaiveDateTime {
        let c = self.clamped();
        let (month, day, hour, minute) = match (c.precision, latest) {
            (_, false) => (c.month, c.day, c.hour, c.minute),
            (Precision::Year, true) => (12, 31, 23, 59),
            (Precision::Month, true) => (c.month, days_in_month(c.year, c.month), 23, 59),
            (Precision::Day, true) => (c.month, c.day, 23, 59),
            (Precision::Minute, true) => (c.month, c.day, c.hour, c.minute),
        };
        let second = if latest { 59 } else { 0 };
        NaiveDate::from_ymd_opt(c.year, month, day)
            .and_then(|d| d.and_hms_opt(hour, minute, second))
            .unwrap_or_default()
    }

    /// The earliest instant of this point's period.
    pub fn start_instant(&self) -> NaiveDateTime {
        self.instant(false)
    }

    /// The last second of this point's period (`2024-03` ends 2024-03-31 23:59:59).
    pub fn end_instant(&self) -> NaiveDateTime {
        self.instant(true)
    }

    /// For people: "2024", "~Mar 2024", "4 Mar 2024", "4 Mar 2024 14:30".
    pub fn human(&self) -> String {
        let c = self.clamped();
        let tilde = if c.approx { "~" } else { "" };
        let mon = MONTHS[(c.month as usize - 1) % 12];
        match c.precision {
            Precision::Year => format!("{tilde}{:04}", c.year),
            Precision::Month => format!("{tilde}{mon} {:04}", c.year),
            Precision::Day => format!("{tilde}{} {mon} {:04}", c.day, c.year),
            Precision::Minute => {
                format!(
                    "{tilde}{} {mon} {:04} {:02}:{:02}",
                    c.day, c.year, c.hour, c.minute
                )
            }
        }
    }
}

impl fmt::Display for TimePoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.approx {
            f.write_str("~")?;
        }
        write!(f, "{:04}", self.year)?;
        if self.precision >= Precision::Month {
            write!(f, "-{:02}", self.month)?;
        }
        if self.precision >= Precision::Day {
            write!(f, "-{:02}", self.day)?;
        }
        if self.precision >= Precision::Minute {
            write!(f, " {:02}:{:02}", self.hour, self.minute)?;
        }
        Ok(())
    }
}

impl FromStr for TimePoint {
    type Err = ParseError;

    /// One point, not a range.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        TimePoint::parse_point(s)
            .map_err(|why| ParseError::new("time", s, format!("{why}; {FORMS}")))
    }
}

impl When {
    /// A single point.
    pub fn point(start: TimePoint) -> When {
        When { start, end: None }
    }

    /// A range; `None` when `end` begins before `start`.
    pub fn range(start: TimePoint, end: TimePoint) -> Option<When> {
        (end.start_instant() >= start.start_instant()).then_some(When {
            start,
            end: Some(end),
        })
    }

    /// The earliest instant of the start point.
    pub fn start_instant(&self) -> NaiveDateTime {
        self.start.start_instant()
    }

    /// The latest instant covered: the end of the end point's period (or the start's).
    pub fn end_instant(&self) -> NaiveDateTime {
        self.end.unwrap_or(self.start).end_instant()
    }

    /// The timeline key: `start_instant` as unix seconds, read as UTC.
    pub fn sort_key(&self) -> i64 {
        self.start_instant().and_utc().timestamp()
    }

    /// True when the whole of `from..=to` lies inside the covered period.
    /// An inverted window (`to < from`) gives false.
    pub fn contains(&self, from: NaiveDateTime, to: NaiveDateTime) -> bool {
        from <= to && self.start_instant() <= from && to <= self.end_instant()
    }

    /// True when the covered period shares at least one instant with `from..=to`.
    /// An inverted window (`to < from`) gives false.
    pub fn overlaps(&self, from: NaiveDateTime, to: NaiveDateTime) -> bool {
        from <= to && self.start_instant() <= to && from <= self.end_instant()
    }

    /// True when the whole covered period lies inside `from..=to`.
    pub fn within(&self, from: NaiveDateTime, to: NaiveDateTime) -> bool {
        from <= self.start_instant() && self.end_instant() <= to
    }

    /// For people, keeping precision: "Mar 2024", "2024-03-01..15", "Mar..May 2024".
    pub fn human(&self) -> String {
        let Some(end) = self.end else {
            return self.start.human();
        };
        let (a, b) = (self.start.clamped(), end.clamped());
        if !a.approx && !b.approx && a.precision == b.precision && a.year == b.year {
            let mon = |m: u32| MONTHS[(m as usize - 1) % 12];
            match a.precision {
                Precision::Month => {
                    return format!("{}..{} {:04}", mon(a.month), mon(b.month), a.year)
                }
                Precision::Day if a.month == b.month => return format!("{a}..{:02}", b.day),
                Precision::Minute if (a.month, a.day) == (b.month, b.day) => {
                    return format!("{}..{:02}:{:02}", a.human(), b.hour, b.minute);
                }
                _ => {}
            }
        }
        format!("{}..{}", a.human(), b.human())
    }
}

impl fmt::Display for When {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.end {
            Some(end) => write!(f, "{}..{}", self.start, end),
            None => write!(f, "{}", self.start),
        }
    }
}

impl FromStr for When {
    type Err = ParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = |why: String| ParseError::new("time", s, format!("{why}; {FORMS}"));
        match s.split_once("..") {
            None => TimePoint::parse_point(s).map(When::point).map_err(err),
            Some((a, b)) => {
                let start =
                    TimePoint::parse_point(a).map_err(|w| err(format!("range start: {w}")))?;
                let end = TimePoint::parse_point(b).map_err(|w| err(format!("range end: {w}")))?;
                When::range(start, end).ok_or_else(|| {
                    err(format!("the range ends ({end}) before it starts ({start})"))
                })
            }
        }
    }
}

impl Ord for When {
    /// By `sort_key`, then by the canonical text, then by fields (so it agrees with `Eq`).
    fn cmp(&self, other: &Self) -> Ordering {
        self.sort_key()
            .cmp(&other.sort_key())
            .then_with(|| self.to_string().cmp(&other.to_string()))
            .then_with(|| key(self).cmp(&key(other)))
    }
}

fn key(w: &When) -> [(bool, Precision, i32, u32, u32, u32, u32); 2] {
    let t = |p: &TimePoint| {
        (
            p.approx,
            p.precision,
            p.year,
            p.month,
            p.day,
            p.hour,
            p.minute,
        )
    };
    let none = (false, Precision::Year, i32::MIN, 0, 0, 0, 0);
    [t(&w.start), w.end.as_ref().map_or(none, t)]
}

impl PartialOrd for When {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Serialize for When {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for When {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests;
