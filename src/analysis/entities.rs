//! Rules about entities: what is known of them, by whom, when, and with whom.

use super::{band, Facts, Suggestion};
use crate::model::{EntityKind, Id, Kind, Sees, Status};
use chrono::{Datelike, Days, NaiveDate};
use std::collections::{BTreeMap, HashSet};

/// Notes that must mention an entity before its having no other link is a gap.
pub const LONELY_MIN: usize = 3;
/// Notes from one source before single-source reporting is a gap.
pub const SINGLE_SOURCE_MIN: usize = 3;
/// Days without reporting that make a quiet stretch.
pub const QUIET_DAYS: i64 = 90;
/// Reports needed within `BURST_DAYS` on each side of a quiet stretch.
pub const BURST_MIN: usize = 2;
pub const BURST_DAYS: i64 = 120;
/// Reports in the last year that make a subject active.
pub const ACTIVE_MIN: usize = 5;
/// More entities than this sharing one identifier make it common ground, not a lead.
pub const SHARED_MAX: usize = 6;

/// An entity named in several notes with no other link: "What is E's role?"
pub fn lonely_mention(f: &Facts) -> Vec<Suggestion> {
    let mut out = Vec::new();
    for e in &f.input.entities {
        let mut mentions = HashSet::new();
        let mut other = 0;
        for (li, o) in f.ends_of(e.id) {
            let l = &f.input.links[*li];
            if l.auto && o.kind == Kind::Note {
                mentions.insert(*o);
            } else {
                other += 1;
            }
        }
        if other > 0 || mentions.len() < LONELY_MIN {
            continue;
        }
        let question = match e.kind {
            EntityKind::Phone | EntityKind::Vehicle | EntityKind::Account | EntityKind::Online => {
                format!("Who uses {} {}?", e.kind, e.name)
            }
            EntityKind::Location => format!("What happens at {}?", e.name),
            _ => format!("What is {}'s role?", e.name),
        };
        let mut s = Suggestion::new("lonely-mention", vec![e.id], question);
        s.reason = format!("mentioned in {} notes, no other link", mentions.len());
        s.fingerprint = format!("mentions band {}", band(mentions.len()));
        s.weight = mentions.len() as u64;
        out.push(s);
    }
    out
}

/// An entity known only through low-graded intelligence (source C, or 4/5).
pub fn low_graded(f: &Facts) -> Vec<Suggestion> {
    let mut out = Vec::new();
    for e in &f.input.entities {
        let notes = f.notes_of(e.id);
        if notes.is_empty() || !notes.iter().all(|n| n.grade.is_some_and(|g| g.is_low())) {
            continue;
        }
        let mut s = Suggestion::new(
            "low-graded",
            vec![e.id],
            format!("Can anything corroborate what we hold on {}?", e.name),
        );
        s.reason = format!(
            "known only through {} low-graded note{} (C, or 4/5)",
            notes.len(),
            if notes.len() == 1 { "" } else { "s" }
        );
        s.fingerprint = format!("low band {}", band(notes.len()));
        s.weight = notes.len() as u64;
        out.push(s);
    }
    out
}

/// The one source every note comes from, when there are enough of them.
fn one_source(notes: &[&crate::store::NoteFacts]) -> Option<String> {
    if notes.len() < SINGLE_SOURCE_MIN {
        return None;
    }
    let first = notes[0].source.trim();
    (!first.is_empty()
        && notes
            .iter()
            .all(|n| n.source.trim().eq_ignore_ascii_case(first)))
    .then(|| first.to_string())
}

/// An entity or hypothesis whose every note comes from one source.
pub fn single_source(f: &Facts) -> Vec<Suggestion> {
    let mut out = Vec::new();
    let mut push = |id: Id, about: String, notes: Vec<&crate::store::NoteFacts>| {
        if let Some(src) = one_source(&notes) {
            let mut s = Suggestion::new(
                "single-source",
                vec![id],
                format!("Is there reporting on {about} from anyone but {src}?"),
            );
            s.reason = format!("all {} notes come from {src}", notes.len());
            s.fingerprint = format!("{} band {}", src.to_lowercase(), band(notes.len()));
            s.weight = notes.len() as u64;
            out.push(s);
        }
    };
    for e in &f.input.entities {
        push(e.id, e.name.clone(), f.notes_of(e.id).to_vec());
    }
    for h in &f.input.hypotheses {
        let mut notes = f.notes_of(h.id).to_vec();
        notes.extend(f.cells_of(h.id).iter().filter_map(|(n, _)| f.note.get(n)));
        notes.sort_by_key(|n| n.id);
        notes.dedup_by_key(|n| n.id);
        push(h.id, format!("\"{}\"", super::quote(&h.statement)), notes);
    }
    out
}

/// "Aug and Nov 2024": the whole months inside a stretch, else its days.
fn span(from: NaiveDate, to: NaiveDate) -> String {
    let first = if from.day() == 1 {
        from
    } else {
        from.with_day(1)
            .and_then(|d| d.checked_add_months(chrono::Months::new(1)))
            .unwrap_or(from)
    };
    let next = to.succ_opt().unwrap_or(to);
    let last = if next.day() == 1 {
        to.with_day(1).unwrap_or(to)
    } else {
        to.with_day(1)
            .and_then(|d| d.checked_sub_months(chrono::Months::new(1)))
            .unwrap_or(to)
    };
    if first > last {
        return format!(
            "{} and {}",
            from.format("%-d %b %Y"),
            to.format("%-d %b %Y")
        );
    }
    if first.year() == last.year() {
        format!("{} and {}", first.format("%b"), last.format("%b %Y"))
    } else {
        format!("{} and {}", first.format("%b %Y"), last.format("%b %Y"))
    }
}

/// The longest quiet stretch of at least `QUIET_DAYS` between bursts of reporting
/// (`BURST_MIN` reports within `BURST_DAYS` on each side), from each report's (start,
/// end) days; returns its first and last quiet days. A report covers its whole period.
pub fn longest_quiet(mut periods: Vec<(NaiveDate, NaiveDate)>) -> Option<(NaiveDate, NaiveDate)> {
    periods.sort();
    let mut best: Option<(NaiveDate, NaiveDate)> = None;
    // the latest ends seen so far, latest first: a burst before a stretch is
    // `BURST_MIN` reports ending near its start
    let mut latest: Vec<NaiveDate> = Vec::with_capacity(BURST_MIN + 1);
    for (i, (start, end)) in periods.iter().enumerate() {
        if let Some(&last) = latest.first() {
            let from = last.checked_add_days(Days::new(1)).unwrap_or(last);
            let to = start.pred_opt().unwrap_or(from);
            let days = (to - from).num_days() + 1;
            let longer = best.is_none_or(|(f, t)| (t - f).num_days() + 1 < days);
            if days >= QUIET_DAYS && longer {
                let before = latest
                    .iter()
                    .filter(|e| (from - **e).num_days() <= BURST_DAYS)
                    .count();
                // starts are sorted: the reports after are a run from `i`
                let after = periods[i..]
                    .iter()
                    .take(BURST_MIN)
                    .filter(|(s, _)| (*s - to).num_days() <= BURST_DAYS)
                    .count();
                if before >= BURST_MIN && after >= BURST_MIN {
                    best = Some((from, to));
                }
            }
        }
        let at = latest.partition_point(|e| e > end);
        if at < BURST_MIN {
            latest.insert(at, *end);
            latest.truncate(BURST_MIN);
        }
    }
    best
}

/// Whether a silence in reporting on an entity of this kind means something: actors
/// go quiet; a commodity, vehicle, phone or place is reported when an actor uses it.
pub fn quiet_matters(kind: EntityKind) -> bool {
    use EntityKind::*;
    matches!(kind, Person | Organisation | Group | Online)
}

/// The name of the rule that proposes quiet stretches.
pub const QUIET_RULE: &str = "quiet-stretch";

/// What identifies the quiet stretch `from`..=`to` of a quiet-stretch suggestion: a
/// dismissal or acceptance holds while the longest stretch stays the same.
pub fn quiet_fingerprint(from: NaiveDate, to: NaiveDate) -> String {
    format!("{from}..{to}")
}

/// A quiet stretch in an actor's reporting between bursts of activity.
pub fn quiet_stretch(f: &Facts) -> Vec<Suggestion> {
    let mut out = Vec::new();
    for e in f.input.entities.iter().filter(|e| quiet_matters(e.kind)) {
        let periods: Vec<(NaiveDate, NaiveDate)> = f
            .notes_of(e.id)
            .iter()
            .filter_map(|n| n.when.as_ref())
            .map(|w| (w.start_instant().date(), w.end_instant().date()))
            .collect();
        let Some((from, to)) = longest_quiet(periods) else {
            continue;
        };
        let days = (to - from).num_days() + 1;
        let mut s = Suggestion::new(
            QUIET_RULE,
            vec![e.id],
            format!("What was {} doing between {}?", e.name, span(from, to)),
        );
        s.reason = format!("no reporting for {days} days, {from} to {to}, between bursts");
        s.fingerprint = quiet_fingerprint(from, to);
        s.weight = days as u64;
        out.push(s);
    }
    out
}

/// Two entities linked to the same phone, vehicle, account or location, with no link
/// between them.
pub fn shared_identifier(f: &Facts) -> Vec<Suggestion> {
    use EntityKind::*;
    let mut out = Vec::new();
    for ident in &f.input.entities {
        let weight = match ident.kind {
            Phone | Account => 3,
            Vehicle => 2,
            Location => 1,
            _ => continue,
        };
        let mut users: Vec<Id> = f
            .ends_of(ident.id)
            .iter()
            .map(|(_, o)| *o)
            .filter(|o| {
                f.entity
                    .get(o)
                    // Only actors share an identifier: a commodity "using" a phone is
                    // what the phone deals in, not a hidden connection.
                    .is_some_and(|e| matches!(e.kind, Person | Organisation | Group | Online))
            })
            .collect();
        users.sort();
        users.dedup();
        if users.len() < 2 || users.len() > SHARED_MAX {
            continue;
        }
        for (i, a) in users.iter().enumerate() {
            for b in &users[i + 1..] {
                if f.ends_of(*a).iter().any(|(_, o)| o == b) {
                    continue;
                }
                let (na, nb) = (f.name(*a), f.name(*b));
                let mut s = Suggestion::new(
                    "shared-identifier",
                    vec![*a, *b, ident.id],
                    format!(
                        "What connects {na} and {nb}, who share {} {}?",
                        ident.kind, ident.name
                    ),
                );
                s.reason = format!(
                    "both linked to {} {}, no link between them",
                    ident.kind, ident.name
                );
                s.fingerprint = "unlinked".into();
                s.weight = weight * 10 - users.len() as u64;
                s.kind = Sees::Explanation;
                out.push(s);
            }
        }
    }
    out
}

/// An active subject with no open estimate or warning question about it.
pub fn no_anticipation(f: &Facts) -> Vec<Suggestion> {
    use EntityKind::*;
    let latest = f
        .input
        .notes
        .iter()
        .filter_map(|n| n.when.as_ref())
        .map(|w| w.start_instant().date())
        .max();
    let Some(latest) = latest else {
        return Vec::new();
    };
    let since = latest - chrono::Duration::days(365);
    let mut out = Vec::new();
    for e in &f.input.entities {
        if !matches!(e.kind, Person | Organisation | Group) {
            continue;
        }
        let recent = f
            .notes_of(e.id)
            .iter()
            .filter(|n| n.when.is_some_and(|w| w.start_instant().date() >= since))
            .count();
        if recent < ACTIVE_MIN {
            continue;
        }
        let anticipated = f.ends_of(e.id).iter().any(|(_, o)| {
            f.question.get(o).is_some_and(|q| {
                matches!(q.kind, Sees::Estimate | Sees::Warning)
                    && matches!(q.status, Status::Open | Status::Active)
            })
        });
        if anticipated {
            continue;
        }
        let mut s = Suggestion::new(
            "no-anticipation",
            vec![e.id],
            format!("What will {} do next?", e.name),
        );
        s.reason = format!(
            "{recent} reports in the year to {latest}, no open estimate or warning question"
        );
        s.fingerprint = format!("recent band {}", band(recent));
        s.weight = recent as u64;
        s.kind = Sees::Estimate;
        out.push(s);
    }
    out
}

/// A `[[name]]` mention that matches no entity's name or alias.
pub fn dangling_mention(f: &Facts) -> Vec<Suggestion> {
    let known: HashSet<String> = f
        .input
        .entities
        .iter()
        .flat_map(|e| std::iter::once(&e.name).chain(&e.aliases))
        .map(|n| n.trim().to_lowercase())
        .collect();
    let mut by_name: BTreeMap<String, (String, Vec<Id>)> = BTreeMap::new();
    for n in &f.input.notes {
        for name in &n.names {
            let k = name.trim().to_lowercase();
            if !known.contains(&k) {
                let slot = by_name
                    .entry(k)
                    .or_insert_with(|| (name.clone(), Vec::new()));
                slot.1.push(n.id);
            }
        }
    }
    by_name
        .into_iter()
        .map(|(k, (name, notes))| {
            let count = notes.len();
            let mut s = Suggestion::new(
                "dangling-mention",
                notes,
                format!("Who or what is \"{name}\"?"),
            );
            let slug: String = k
                .chars()
                .map(|c| if c.is_alphanumeric() { c } else { '-' })
                .collect();
            s.key = format!("dangling-mention:{slug}");
            s.reason = format!("named in {count} note(s), no entity by that name");
            s.fingerprint = format!("notes band {}", band(count));
            s.weight = count as u64;
            s
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The plain reading of [`longest_quiet`]'s rule, counting every report on each
    /// side of every stretch: what the fast version must agree with.
    fn longest_quiet_by_counting(
        mut periods: Vec<(NaiveDate, NaiveDate)>,
    ) -> Option<(NaiveDate, NaiveDate)> {
        periods.sort();
        let mut best: Option<(NaiveDate, NaiveDate)> = None;
        let mut covered: Option<NaiveDate> = None;
        for (i, (start, end)) in periods.iter().enumerate() {
            if let Some(last) = covered {
                let from = last.checked_add_days(Days::new(1)).unwrap_or(last);
                let to = start.pred_opt().unwrap_or(from);
                let days = (to - from).num_days() + 1;
                let before = periods[..i]
                    .iter()
                    .filter(|(_, e)| (from - *e).num_days() <= BURST_DAYS)
                    .count();
                let after = periods[i..]
                    .iter()
                    .filter(|(s, _)| (*s - to).num_days() <= BURST_DAYS)
                    .count();
                let longer = best.is_none_or(|(f, t)| (t - f).num_days() + 1 < days);
                if days >= QUIET_DAYS && before >= BURST_MIN && after >= BURST_MIN && longer {
                    best = Some((from, to));
                }
            }
            covered = Some(covered.map_or(*end, |c| c.max(*end)));
        }
        best
    }

    fn day(n: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2023, 1, 1).unwrap() + Days::new(u64::from(n))
    }

    proptest! {
        #[test]
        fn the_longest_quiet_stretch_is_the_counted_one(
            reports in proptest::collection::vec((0u32..1500, 0u32..200), 0..40)
        ) {
            let periods: Vec<_> = reports
                .iter()
                .map(|(start, len)| (day(*start), day(start + len)))
                .collect();
            prop_assert_eq!(longest_quiet(periods.clone()), longest_quiet_by_counting(periods));
        }
    }

    #[test]
    fn a_stretch_needs_a_burst_on_each_side() {
        let one = |d: u32| (day(d), day(d));
        // two reports, 200 quiet days, two reports
        let both = vec![one(0), one(10), one(211), one(220)];
        assert_eq!(longest_quiet(both.clone()), Some((day(11), day(210))));
        // one report after the silence is not a burst
        assert_eq!(longest_quiet(both[..3].to_vec()), None);
        // a long report before counts to its end
        let long = vec![(day(0), day(100)), one(5), one(300), one(310)];
        assert_eq!(longest_quiet(long), Some((day(101), day(299))));
    }
}
