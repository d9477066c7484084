//! The Timeline's calendar: zoom levels, the buckets each one cuts time into, and the
//! density strip (notes per bucket across the screen). Plain data and date arithmetic.

use crate::store::timeline::BucketCount;
use chrono::{Datelike, Days, Months, NaiveDate, NaiveDateTime};

/// How wide one bucket of the density strip is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Zoom {
    Day,
    Week,
    Month,
    Year,
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// The first and last days the strip may reach, so date arithmetic never overflows.
fn earliest() -> NaiveDate {
    NaiveDate::from_ymd_opt(1, 1, 1).unwrap_or_default()
}

fn latest() -> NaiveDate {
    NaiveDate::from_ymd_opt(9999, 12, 31).unwrap_or_default()
}

impl Zoom {
    pub fn name(self) -> &'static str {
        match self {
            Zoom::Day => "day",
            Zoom::Week => "week",
            Zoom::Month => "month",
            Zoom::Year => "year",
        }
    }

    /// One step wider (`None` at years).
    pub fn wider(self) -> Option<Zoom> {
        match self {
            Zoom::Day => Some(Zoom::Week),
            Zoom::Week => Some(Zoom::Month),
            Zoom::Month => Some(Zoom::Year),
            Zoom::Year => None,
        }
    }

    /// One step narrower (`None` at days).
    pub fn narrower(self) -> Option<Zoom> {
        match self {
            Zoom::Day => None,
            Zoom::Week => Some(Zoom::Day),
            Zoom::Month => Some(Zoom::Week),
            Zoom::Year => Some(Zoom::Month),
        }
    }

    /// The first day of the bucket holding `d` (weeks start on Monday).
    pub fn start(self, d: NaiveDate) -> NaiveDate {
        let d = d.clamp(earliest(), latest());
        let first = match self {
            Zoom::Day => Some(d),
            Zoom::Week => d.checked_sub_days(Days::new(d.weekday().num_days_from_monday() as u64)),
            Zoom::Month => d.with_day(1),
            Zoom::Year => NaiveDate::from_ymd_opt(d.year(), 1, 1),
        };
        first.unwrap_or(d)
    }

    /// The bucket start `n` buckets after (or, negative, before) the bucket start `d`,
    /// clamped to years 1 to 9999.
    pub fn step(self, d: NaiveDate, n: i64) -> NaiveDate {
        let back = n < 0;
        let k = n.unsigned_abs();
        let moved = match self {
            Zoom::Day | Zoom::Week => {
                let days = Days::new(k.saturating_mul(if self == Zoom::Week { 7 } else { 1 }));
                if back {
                    d.checked_sub_days(days)
                } else {
                    d.checked_add_days(days)
                }
            }
            Zoom::Month | Zoom::Year => {
                let months = k.saturating_mul(if self == Zoom::Year { 12 } else { 1 });
                let months = Months::new(u32::try_from(months).unwrap_or(u32::MAX));
                if back {
                    d.checked_sub_months(months)
                } else {
                    d.checked_add_months(months)
                }
            }
        };
        let fallback = if back { earliest() } else { latest() };
        moved.unwrap_or(fallback).clamp(earliest(), latest())
    }

    /// The bucket beginning at `d`, for people: "4 Mar 2024", "week of 4 Mar 2024",
    /// "Mar 2024", "2024".
    pub fn label(self, d: NaiveDate) -> String {
        let mon = MONTHS[d.month0() as usize % 12];
        match self {
            Zoom::Day => format!("{} {mon} {}", d.day(), d.year()),
            Zoom::Week => format!("week of {} {mon} {}", d.day(), d.year()),
            Zoom::Month => format!("{mon} {}", d.year()),
            Zoom::Year => format!("{}", d.year()),
        }
    }

    /// A ruler mark for the bucket beginning at `d`, when it opens a larger period:
    /// months under days and weeks, years under months, decades under years.
    pub fn mark(self, d: NaiveDate) -> Option<String> {
        let mon = MONTHS[d.month0() as usize % 12];
        let year_or_month = || {
            if d.month() == 1 {
                format!("{}", d.year())
            } else {
                mon.to_string()
            }
        };
        match self {
            Zoom::Day => (d.day() == 1).then(year_or_month),
            Zoom::Week => (d.day() <= 7).then(year_or_month),
            Zoom::Month => (d.month() == 1).then(|| format!("{}", d.year())),
            Zoom::Year => (d.year() % 10 == 0).then(|| format!("{}", d.year())),
        }
    }
}

/// Notes per bucket for a run of consecutive buckets: what the density strip draws.
/// Notes, not links: a note's automatic "mentions" links carry its date, and the index
/// cannot tell them from other dated links without reading them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Strip {
    pub zoom: Zoom,
    /// The first day of the first bucket.
    pub start: NaiveDate,
    /// Notes per bucket (a lower bound where a very busy bucket was not read to its end).
    pub counts: Vec<BucketCount>,
}

impl Default for Strip {
    fn default() -> Self {
        Strip {
            zoom: Zoom::Month,
            start: NaiveDate::default(),
            counts: Vec::new(),
        }
    }
}

impl Strip {
    /// The bucket edges for `n` buckets of `zoom` from `start`: n+1 instants.
    pub fn edges(zoom: Zoom, start: NaiveDate, n: usize) -> Vec<NaiveDateTime> {
        (0..=n as i64)
            .map(|i| zoom.step(start, i).and_time(chrono::NaiveTime::MIN))
            .collect()
    }

    /// The first day of bucket `i`.
    pub fn bucket_start(&self, i: usize) -> NaiveDate {
        self.zoom.step(self.start, i as i64)
    }

    /// The strip column holding the day `d`, if the strip shows it.
    pub fn bucket_of(&self, d: NaiveDate) -> Option<usize> {
        if self.counts.is_empty() || d < self.start {
            return None;
        }
        let b = self.zoom.start(d);
        let i = match self.zoom {
            Zoom::Day => (b - self.start).num_days(),
            Zoom::Week => (b - self.start).num_days() / 7,
            Zoom::Month => months_between(self.start, b),
            Zoom::Year => (b.year() - self.start.year()) as i64,
        };
        usize::try_from(i).ok().filter(|i| *i < self.counts.len())
    }

    /// The busiest bucket's count, and whether it is a lower bound.
    pub fn max(&self) -> (u64, bool) {
        let n = self.counts.iter().map(|c| c.count).max().unwrap_or(0);
        let at_least = self.counts.iter().any(|c| c.at_least && c.count >= n);
        (n, at_least)
    }
}

impl Zoom {
    /// How many buckets of this zoom the days `a` to `b` (inclusive) touch.
    pub fn buckets(self, a: NaiveDate, b: NaiveDate) -> i64 {
        let (a, b) = (self.start(a.min(b)), self.start(a.max(b)));
        1 + match self {
            Zoom::Day => (b - a).num_days(),
            Zoom::Week => (b - a).num_days() / 7,
            Zoom::Month => months_between(a, b),
            Zoom::Year => (b.year() - a.year()) as i64,
        }
    }

    /// The finest zoom whose `n` buckets hold the days `a` to `b`; the coarsest if none.
    pub fn fitting(a: NaiveDate, b: NaiveDate, n: usize) -> Zoom {
        [Zoom::Day, Zoom::Week, Zoom::Month, Zoom::Year]
            .into_iter()
            .find(|z| z.buckets(a, b) <= n as i64)
            .unwrap_or(Zoom::Year)
    }
}

fn months_between(a: NaiveDate, b: NaiveDate) -> i64 {
    (b.year() as i64 - a.year() as i64) * 12 + b.month0() as i64 - a.month0() as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_finest_zoom_that_holds_the_data_fits_it() {
        // 18 months of data in 80 cells: weeks (78 of them), not months over 6 years
        assert_eq!(
            Zoom::fitting(d("2024-01-10"), d("2025-06-20"), 80),
            Zoom::Week
        );
        assert_eq!(Zoom::Week.buckets(d("2024-01-10"), d("2025-06-20")), 76);
        assert_eq!(
            Zoom::fitting(d("2024-03-01"), d("2024-04-15"), 80),
            Zoom::Day
        );
        assert_eq!(
            Zoom::fitting(d("2015-01-01"), d("2024-12-31"), 80),
            Zoom::Year
        );
        assert_eq!(
            Zoom::fitting(d("1900-01-01"), d("2024-12-31"), 80),
            Zoom::Year
        );
    }

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn buckets_start_on_their_calendar_boundary() {
        // 2024-03-06 is a Wednesday
        assert_eq!(Zoom::Day.start(d("2024-03-06")), d("2024-03-06"));
        assert_eq!(Zoom::Week.start(d("2024-03-06")), d("2024-03-04"));
        assert_eq!(Zoom::Month.start(d("2024-03-06")), d("2024-03-01"));
        assert_eq!(Zoom::Year.start(d("2024-03-06")), d("2024-01-01"));
    }

    #[test]
    fn steps_move_whole_buckets_and_clamp() {
        assert_eq!(Zoom::Week.step(d("2024-03-04"), -2), d("2024-02-19"));
        assert_eq!(Zoom::Month.step(d("2024-01-01"), 13), d("2025-02-01"));
        assert_eq!(Zoom::Year.step(d("2024-01-01"), -3), d("2021-01-01"));
        assert_eq!(Zoom::Year.step(d("0005-01-01"), -40), d("0001-01-01"));
        assert_eq!(Zoom::Day.step(d("9999-12-30"), 5), d("9999-12-31"));
    }

    #[test]
    fn the_strip_finds_the_column_of_a_day() {
        let s = Strip {
            zoom: Zoom::Month,
            start: d("2023-11-01"),
            counts: vec![BucketCount::default(); 6],
        };
        assert_eq!(s.bucket_of(d("2023-11-30")), Some(0));
        assert_eq!(s.bucket_of(d("2024-02-14")), Some(3));
        assert_eq!(s.bucket_of(d("2024-05-01")), None);
        assert_eq!(s.bucket_of(d("2023-10-31")), None);
        assert_eq!(s.bucket_start(3), d("2024-02-01"));
        let e = Strip::edges(Zoom::Week, d("2024-03-04"), 2);
        assert_eq!(e.len(), 3);
        assert_eq!(e[2].date(), d("2024-03-18"));
    }

    #[test]
    fn labels_and_marks_keep_to_the_zoom() {
        assert_eq!(Zoom::Week.label(d("2024-03-04")), "week of 4 Mar 2024");
        assert_eq!(Zoom::Month.label(d("2024-03-01")), "Mar 2024");
        assert_eq!(Zoom::Day.mark(d("2024-01-01")).as_deref(), Some("2024"));
        assert_eq!(Zoom::Day.mark(d("2024-03-01")).as_deref(), Some("Mar"));
        assert_eq!(Zoom::Day.mark(d("2024-03-02")), None);
        assert_eq!(Zoom::Year.mark(d("2030-01-01")).as_deref(), Some("2030"));
    }
}
