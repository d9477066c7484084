//! The Timeline's rows: notes and dated links read from the time index (a window of
//! them) or from a focus (an entity, a question, a tag: a small set read whole), and the
//! quiet stretches between an entity's reports.

use crate::model::{Grade, Id, Kind, Record, When};
use crate::store::{Result, Store, TimeAxis};
use chrono::{Days, NaiveDate, NaiveDateTime};
use std::collections::{BTreeSet, HashMap};

/// What the timeline is narrowed to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Focus {
    /// Notes linked to the entity (mentions and other links) and its dated links.
    Entity(Id),
    /// Notes and dated links linked to the question or its hypotheses, and the notes
    /// assessed against those hypotheses.
    Question(Id),
    /// Notes and dated links carrying the tag.
    Tag(String),
}

/// A note or a dated link, as one row shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub id: Id,
    /// Its place on the current axis: the start of `when`, or `recorded`.
    pub at: NaiveDateTime,
    pub when: Option<When>,
    /// When it was entered (`created`, UTC).
    pub recorded: NaiveDateTime,
    pub grade: Option<Grade>,
    /// A note's first line; a link as "from -label-> to".
    pub title: String,
    /// The entities a note is linked to, with their names.
    pub names: Vec<(Id, String)>,
}

impl Item {
    /// Whole days from the end of the occurred period to the day it was entered
    /// (negative when it was entered before the period ended); `None` when undated.
    pub fn lag_days(&self) -> Option<i64> {
        self.when
            .map(|w| (self.recorded.date() - w.end_instant().date()).num_days())
    }
}

/// A stretch with no reporting on the focused entity, longer than the threshold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quiet {
    pub entity: Id,
    pub name: String,
    /// The first and last whole days with nothing reported.
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub days: i64,
    /// The stretch the gap hunter proposes for this entity when it is this one (both
    /// count the notes and the dated links): asking about this stretch accepts that
    /// suggestion too.
    pub gap: Option<(NaiveDate, NaiveDate)>,
}

/// One line of the list.
#[derive(Debug, Clone, PartialEq)]
pub enum Row {
    Item(Item),
    Quiet(Quiet),
}

impl Row {
    /// Where the row sits on the axis.
    pub fn at(&self) -> NaiveDateTime {
        match self {
            Row::Item(i) => i.at,
            Row::Quiet(q) => q.from.and_time(chrono::NaiveTime::MIN),
        }
    }

    pub fn id(&self) -> Option<Id> {
        match self {
            Row::Item(i) => Some(i.id),
            Row::Quiet(_) => None,
        }
    }

    /// The days the row covers on the strip: its position, or a quiet stretch's length.
    pub fn span(&self) -> (NaiveDate, NaiveDate) {
        match self {
            Row::Item(i) => (i.at.date(), i.at.date()),
            Row::Quiet(q) => (q.from, q.to),
        }
    }
}

/// Entity names by id, each read once.
#[derive(Debug, Default)]
pub struct Names(HashMap<Id, String>);

impl Names {
    pub fn clear(&mut self) {
        self.0.clear();
    }

    /// An entity's name; another record's id.
    pub fn of(&mut self, store: &Store, id: Id) -> Result<String> {
        if id.kind != Kind::Entity {
            return Ok(id.to_string());
        }
        if let Some(n) = self.0.get(&id) {
            return Ok(n.clone());
        }
        let name = match store.get(id)? {
            Some(Record::Entity(e)) => e.name,
            _ => id.to_string(),
        };
        self.0.insert(id, name.clone());
        Ok(name)
    }
}

/// The row of one record on an axis, placed at `at` when the index says where; `None`
/// when the axis does not show it (an undated note on occurred time, an undated link,
/// a note's automatic "mentions" link).
pub fn item(
    store: &Store,
    axis: TimeAxis,
    names: &mut Names,
    id: Id,
    at: Option<NaiveDateTime>,
) -> Result<Option<Item>> {
    let rec = match store.get(id)? {
        Some(r @ (Record::Note(_) | Record::Link(_))) => r,
        _ => return Ok(None),
    };
    let when = rec.when().copied();
    let recorded = rec.meta().created.naive_utc();
    let place = match axis {
        TimeAxis::Occurred => when.map(|w| w.start_instant()),
        TimeAxis::Recorded => Some(recorded),
    };
    let Some(place) = place else { return Ok(None) };
    let (title, grade, ends) = match &rec {
        Record::Note(n) => {
            let mut ends = Vec::new();
            for (_, _, other) in store.adjacent(id)? {
                if other.kind == Kind::Entity && !ends.contains(&other) {
                    ends.push(other);
                }
            }
            (crate::model::text::title_line(&n.text), n.grade, ends)
        }
        Record::Link(l) => {
            // a note's automatic "mentions" links carry its date: the note's row shows them
            if when.is_none() || l.auto {
                return Ok(None);
            }
            let title = format!(
                "{} -{}-> {}",
                names.of(store, l.from)?,
                l.label,
                names.of(store, l.to)?
            );
            (title, None, Vec::new())
        }
        _ => return Ok(None),
    };
    let names = ends
        .into_iter()
        .map(|e| Ok((e, names.of(store, e)?)))
        .collect::<Result<Vec<_>>>()?;
    Ok(Some(Item {
        id,
        at: at.unwrap_or(place),
        when,
        recorded,
        grade,
        title,
        names,
    }))
}

/// Reads up to `n` rows from time-index entries; the flag says whether entries remain.
pub fn read(
    store: &Store,
    axis: TimeAxis,
    names: &mut Names,
    mut entries: impl Iterator<Item = Result<(NaiveDateTime, Id)>>,
    n: usize,
) -> Result<(Vec<Item>, bool)> {
    let mut out = Vec::with_capacity(n);
    while out.len() < n {
        let Some(entry) = entries.next() else {
            return Ok((out, false));
        };
        let (at, id) = entry?;
        if let Some(it) = item(store, axis, names, id, Some(at))? {
            out.push(it);
        }
    }
    Ok((out, entries.next().is_some()))
}

/// The notes and links a focus gathers, before they are placed on an axis.
fn focus_ids(store: &Store, focus: &Focus) -> Result<BTreeSet<Id>> {
    let mut ids = BTreeSet::new();
    let around = |ids: &mut BTreeSet<Id>, id: Id| -> Result<()> {
        for (link, _, other) in store.adjacent(id)? {
            ids.insert(link);
            if other.kind == Kind::Note {
                ids.insert(other);
            }
        }
        Ok(())
    };
    match focus {
        Focus::Entity(e) => around(&mut ids, *e)?,
        Focus::Question(q) => {
            around(&mut ids, *q)?;
            for h in store.hypotheses_of(*q)? {
                around(&mut ids, h)?;
                for a in store.assessments_of_hypothesis(h)? {
                    if let Some(Record::Assessment(a)) = store.get(a)? {
                        ids.insert(a.note);
                    }
                }
            }
        }
        Focus::Tag(t) => ids.extend(
            store
                .tagged(t)?
                .into_iter()
                .filter(|i| matches!(i.kind, Kind::Note | Kind::Link)),
        ),
    }
    Ok(ids)
}

/// Every row of a focus on an axis, in axis order; for an entity on occurred time, with
/// its quiet stretches longer than `quiet_days` between the reports.
pub fn focus_rows(
    store: &Store,
    axis: TimeAxis,
    names: &mut Names,
    focus: &Focus,
    quiet_days: i64,
) -> Result<Vec<Row>> {
    let mut items = Vec::new();
    for id in focus_ids(store, focus)? {
        if let Some(it) = item(store, axis, names, id, None)? {
            items.push(it);
        }
    }
    // the time index's own order: time, then the id's bytes (kind letter, number)
    items.sort_by_key(|it| (it.at, it.id.to_bytes()));
    match (focus, axis) {
        (Focus::Entity(e), TimeAxis::Occurred) => {
            let name = names.of(store, *e)?;
            let gap = match store.get(*e)? {
                Some(Record::Entity(x)) if crate::analysis::quiet_matters(x.kind) => {
                    crate::analysis::longest_quiet(
                        items
                            .iter()
                            .filter_map(|i| i.when)
                            .map(|w| (w.start_instant().date(), w.end_instant().date()))
                            .collect(),
                    )
                }
                _ => None,
            };
            let mut rows = with_quiet_stretches(items, *e, &name, quiet_days);
            for r in &mut rows {
                if let Row::Quiet(q) = r {
                    q.gap = gap.filter(|g| *g == (q.from, q.to));
                }
            }
            Ok(rows)
        }
        _ => Ok(items.into_iter().map(Row::Item).collect()),
    }
}

/// Puts a quiet row before every item that follows more than `min_days` whole days
/// with nothing reported. A report covers its whole period (`Mar 2024` all of March, a
/// range all of its days), so a stretch is quiet only if no report could fall in it.
pub fn with_quiet_stretches(items: Vec<Item>, entity: Id, name: &str, min_days: i64) -> Vec<Row> {
    let mut rows = Vec::with_capacity(items.len() + 4);
    let mut covered: Option<NaiveDate> = None;
    for it in items {
        let Some(w) = it.when else {
            rows.push(Row::Item(it));
            continue;
        };
        if let Some(last) = covered {
            let from = last.checked_add_days(Days::new(1)).unwrap_or(last);
            let to = w.start_instant().date().pred_opt().unwrap_or(from);
            let days = (to - from).num_days() + 1;
            if days > min_days {
                rows.push(Row::Quiet(Quiet {
                    entity,
                    name: name.to_string(),
                    from,
                    to,
                    days,
                    gap: None,
                }));
            }
        }
        let end = w.end_instant().date();
        covered = Some(covered.map_or(end, |c| c.max(end)));
        rows.push(Row::Item(it));
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    fn it(n: u64, when: &str) -> Item {
        let w: When = when.parse().unwrap();
        Item {
            id: Id::new(Kind::Note, n),
            at: w.start_instant(),
            when: Some(w),
            recorded: w.start_instant(),
            grade: None,
            title: String::new(),
            names: Vec::new(),
        }
    }

    fn quiet(rows: &[Row]) -> Vec<(String, String, i64)> {
        rows.iter()
            .filter_map(|r| match r {
                Row::Quiet(q) => Some((q.from.to_string(), q.to.to_string(), q.days)),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn quiet_stretches_count_whole_days_between_covered_periods() {
        let e = Id::new(Kind::Entity, 2);
        let items = vec![
            it(1, "2024-01-05"),
            it(2, "2024-03"), // covers all of March
            it(3, "2024-07-20 16:20"),
            it(4, "2024-12-03"),
        ];
        let rows = with_quiet_stretches(items, e, "Kyle", 60);
        // 6 Jan to 29 Feb is 55 days: under the threshold; 1 Apr to 19 Jul is 110
        assert_eq!(
            quiet(&rows),
            vec![
                ("2024-04-01".into(), "2024-07-19".into(), 110),
                ("2024-07-21".into(), "2024-12-02".into(), 135),
            ]
        );
        assert_eq!(rows.len(), 6);
        assert!(matches!(rows[2], Row::Quiet(_)));
    }

    #[test]
    fn a_long_range_covers_what_it_spans() {
        let e = Id::new(Kind::Entity, 2);
        let items = vec![
            it(1, "2024-01-05..2024-09-30"),
            it(2, "2024-02-01"),
            it(3, "2024-10-15"),
        ];
        // 1 to 14 October is 14 days: quiet at 10, not at 20
        assert!(quiet(&with_quiet_stretches(items.clone(), e, "Kyle", 20)).is_empty());
        assert_eq!(quiet(&with_quiet_stretches(items, e, "Kyle", 10)).len(), 1);
    }

    #[test]
    fn lag_runs_from_the_end_of_the_period() {
        let mut i = it(1, "2024-03");
        i.recorded = "2024-04-10T09:00:00".parse().unwrap();
        assert_eq!(i.lag_days(), Some(10));
    }
}
