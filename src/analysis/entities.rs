//! Rules about entities: what is known of them, by whom, when, and with whom.

use super::merge::{case_wide, strongest};
use super::words::{count, names};
use super::{band, quote, Facts, Part, Suggestion};
use crate::model::grade::{Intel, SourceEval};
use crate::model::{EntityKind, Grade, Id, Kind, Sees};
use crate::store::{EntityFacts, NoteFacts};
use chrono::{Datelike, Days, NaiveDate};
use std::collections::{BTreeMap, HashMap, HashSet};

/// Notes that must mention an entity before its having no other link is a gap.
pub const LONELY_MIN: usize = 3;
/// Notes from one source before single-source reporting is a gap.
pub const SINGLE_SOURCE_MIN: usize = 3;
/// Days without reporting that make a quiet stretch.
pub const QUIET_DAYS: i64 = 90;
/// Reports needed within `BURST_DAYS` on each side of a quiet stretch.
pub const BURST_MIN: usize = 2;
pub const BURST_DAYS: i64 = 120;
/// Days by which the starts, and the ends, of two entities' quiet stretches may differ
/// for the silences to coincide (one question about both).
pub const COINCIDE_DAYS: i64 = 31;
/// Reports in the last year that make a subject active.
pub const ACTIVE_MIN: usize = 5;
/// More entities than this sharing one identifier make it common ground, not a lead.
pub const SHARED_MAX: usize = 6;
/// Names a case-wide suggestion's question lists before "and N others".
const SHOW: usize = 3;

/// A person, organisation, group or online identity: what acts, as opposed to what is
/// used or where.
fn actor(kind: EntityKind) -> bool {
    use EntityKind::*;
    matches!(kind, Person | Organisation | Group | Online)
}

/// "Vincent Rusk's", "Marcus James'".
fn possessive(name: &str) -> String {
    if name.ends_with(['s', 'S']) {
        format!("{name}'")
    } else {
        format!("{name}'s")
    }
}

/// An entity named in several notes with no other link: "What is E's role?"
pub fn lonely_mention(f: &Facts) -> Vec<Suggestion> {
    let mut out = Vec::new();
    let mut eligible = 0;
    for e in &f.input.entities {
        let mut mentions = HashSet::new();
        let mut other = 0;
        for (l, o) in f.ends_of(e.id) {
            if l.auto && o.kind == Kind::Note {
                mentions.insert(o);
            } else {
                other += 1;
            }
        }
        if mentions.len() < LONELY_MIN {
            continue;
        }
        eligible += 1;
        if other > 0 {
            continue;
        }
        let question = match e.kind {
            EntityKind::Phone | EntityKind::Vehicle | EntityKind::Account | EntityKind::Online => {
                format!("Who uses {} {}?", e.kind, e.name)
            }
            EntityKind::Location => format!("What happens at {}?", e.name),
            _ => format!("What is {} role?", possessive(&e.name)),
        };
        let mut s = Suggestion::new("lonely-mention", vec![e.id], question);
        s.reason = format!("mentioned in {} notes, no other link", mentions.len());
        s.fingerprint = format!("mentions band {}", band(mentions.len()));
        s.weight = mentions.len() as u64;
        out.push(s);
    }
    case_wide("lonely-mention", out, eligible, Sees::Situation, |found| {
        (
            format!(
                "What are the roles of {}, named in notes but tied to nothing else?",
                strongest(found, SHOW, |s| f.name(s.triggers[0]))
            ),
            format!(
                "{} of the {eligible} entities named in {LONELY_MIN} or more notes have no other link",
                found.len()
            ),
        )
    })
}

/// Whether a note's grade asks for corroboration: intelligence not known to the source
/// or suspected false (4, 5), or known only indirectly (3) through an unreliable source
/// (C). A note graded 1 or 2 is known directly, or already corroborated.
pub fn needs_corroboration(g: &Grade) -> bool {
    match g.intel {
        Intel::Four | Intel::Five => true,
        Intel::Three => g.source == SourceEval::C,
        Intel::One | Intel::Two => false,
    }
}

/// An entity known only through intelligence that needs corroborating.
pub fn low_graded(f: &Facts) -> Vec<Suggestion> {
    let mut out = Vec::new();
    let mut eligible = 0;
    for e in &f.input.entities {
        let notes = f.notes_of(e.id);
        let n = notes.len();
        if n == 0 {
            continue;
        }
        eligible += 1;
        if !notes
            .clone()
            .all(|n| n.grade.as_ref().is_some_and(needs_corroboration))
        {
            continue;
        }
        let mut s = Suggestion::new(
            "low-graded",
            vec![e.id],
            format!("Can anything corroborate what we hold on {}?", e.name),
        );
        s.reason = format!(
            "known only through {} (C3, or graded 4 or 5)",
            count(n, "low-graded note", "low-graded notes")
        );
        s.fingerprint = format!("low band {}", band(n));
        s.weight = n as u64;
        out.push(s);
    }
    case_wide("low-graded", out, eligible, Sees::Situation, |found| {
        (
            format!(
                "What could corroborate what we hold on {}?",
                strongest(found, SHOW, |s| f.name(s.triggers[0]))
            ),
            format!(
                "{} of the {eligible} reported entities are known only through low-graded notes",
                found.len()
            ),
        )
    })
}

/// The one source every note comes from, when there are enough of them.
fn one_source<'a>(f: &'a Facts, notes: &[&NoteFacts]) -> Option<&'a str> {
    if notes.len() < SINGLE_SOURCE_MIN {
        return None;
    }
    let first = f.input.source(notes[0]).trim();
    (!first.is_empty()
        && notes
            .iter()
            .all(|n| f.input.source(n).trim().eq_ignore_ascii_case(first)))
    .then_some(first)
}

/// A person, group or online identity, or a hypothesis, whose every note comes from one
/// source (an account's, phone's or vehicle's records come from their keeper: one source
/// is what they are). Said once when most such subjects are single-sourced, and then of
/// the whole case when every note in it has the same source.
pub fn single_source(f: &Facts) -> Vec<Suggestion> {
    let mut out = Vec::new();
    let mut eligible = 0;
    let mut push = |id: Id, about: String, notes: Vec<&NoteFacts>| {
        if notes.len() < SINGLE_SOURCE_MIN {
            return;
        }
        eligible += 1;
        if let Some(src) = one_source(f, &notes) {
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
    for e in f.input.entities.iter().filter(|e| actor(e.kind)) {
        push(e.id, e.name.clone(), f.notes_of(e.id).collect());
    }
    for h in &f.input.hypotheses {
        let mut notes: Vec<&NoteFacts> = f.notes_of(h.id).collect();
        notes.extend(f.cells_of(h.id).filter_map(|(n, _)| f.note(n)));
        notes.sort_by_key(|n| n.id);
        notes.dedup_by_key(|n| n.id);
        push(h.id, format!("\"{}\"", quote(&h.statement)), notes);
    }
    case_wide("single-source", out, eligible, Sees::Situation, |found| {
        let name = |s: &Suggestion| match f.hypothesis(s.triggers[0]) {
            Some(h) => format!("\"{}\"", quote(&h.statement)),
            None => f.name(s.triggers[0]),
        };
        if let Some(src) = only_source(f) {
            return (
                format!("Is there reporting from anyone but {src}?"),
                format!(
                    "every note in the case comes from {src}: {} of the {eligible} subjects with {SINGLE_SOURCE_MIN} or more notes rest on it alone",
                    found.len()
                ),
            );
        }
        (
            format!(
                "Who else could report on {}?",
                strongest(found, SHOW, name)
            ),
            format!(
                "{} of the {eligible} subjects with {SINGLE_SOURCE_MIN} or more notes rest on one source each",
                found.len()
            ),
        )
    })
}

/// The source of every note in the case that names one, when they all name the same.
fn only_source<'a>(f: &'a Facts) -> Option<&'a str> {
    let mut named = f
        .input
        .sources
        .iter()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty());
    let first = named.next()?;
    named
        .all(|s| s.eq_ignore_ascii_case(first))
        .then_some(first)
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

/// The days reported on an entity, as the Timeline shows them: each note linked to it
/// (a mention or any other link) and each dated link it has, with the first and last day
/// its `when` covers.
pub fn quiet_periods(f: &Facts, e: Id) -> Vec<(NaiveDate, NaiveDate)> {
    let mut periods: Vec<(NaiveDate, NaiveDate)> = f.notes_of(e).filter_map(|n| n.period).collect();
    periods.extend(
        f.ends_of(e)
            .filter(|(l, _)| !l.auto)
            .filter_map(|(l, _)| l.period),
    );
    periods
}

/// `27 Jul 2024`, as the Timeline writes a day.
fn day(d: NaiveDate) -> String {
    d.format("%-d %b %Y").to_string()
}

/// A quiet stretch in an actor's reporting between bursts of activity, counting what
/// the Timeline counts (notes and dated links) and giving the days it marks. Entities
/// whose silences coincide (begin and end within [`COINCIDE_DAYS`] of each other) are
/// one suggestion.
pub fn quiet_stretch(f: &Facts) -> Vec<Suggestion> {
    let mut quiet: Vec<(&EntityFacts, NaiveDate, NaiveDate)> = Vec::new();
    let mut eligible = 0;
    for e in f.input.entities.iter().filter(|e| quiet_matters(e.kind)) {
        let periods = quiet_periods(f, e.id);
        if periods.len() < 2 * BURST_MIN {
            continue;
        }
        eligible += 1;
        if let Some((from, to)) = longest_quiet(periods) {
            quiet.push((e, from, to));
        }
    }
    let alone = |e: &EntityFacts, from: NaiveDate, to: NaiveDate, named: bool| {
        let days = (to - from).num_days() + 1;
        let mut s = Suggestion::new(
            QUIET_RULE,
            vec![e.id],
            format!("What was {} doing between {}?", e.name, span(from, to)),
        );
        let on = if named {
            format!(" on {}", e.name)
        } else {
            String::new()
        };
        s.reason = format!(
            "no reporting{on} for {days} days ({} to {}), between bursts",
            day(from),
            day(to)
        );
        s.fingerprint = quiet_fingerprint(from, to);
        s.weight = days as u64;
        s
    };
    if super::merge::most(quiet.len(), eligible) {
        let found: Vec<Suggestion> = quiet
            .iter()
            .map(|(e, a, b)| alone(e, *a, *b, false))
            .collect();
        return case_wide(QUIET_RULE, found, eligible, Sees::Situation, |found| {
            (
                format!(
                    "Why did reporting on {} stop for months?",
                    strongest(found, SHOW, |s| f.name(s.triggers[0]))
                ),
                format!(
                    "{} of the {eligible} subjects reported on both sides of a silence went quiet for {QUIET_DAYS} days or more",
                    found.len()
                ),
            )
        });
    }
    // longest first; each joins the first group it coincides with entirely
    quiet.sort_by(|a, b| ((b.2 - b.1), a.0.id).cmp(&((a.2 - a.1), b.0.id)));
    let mut groups: Vec<Vec<(&EntityFacts, NaiveDate, NaiveDate)>> = Vec::new();
    for q in quiet {
        let near = |a: NaiveDate, b: NaiveDate| (a - b).num_days().abs() <= COINCIDE_DAYS;
        match groups
            .iter_mut()
            .find(|g| g.iter().all(|(_, a, b)| near(*a, q.1) && near(*b, q.2)))
        {
            Some(g) => g.push(q),
            None => groups.push(vec![q]),
        }
    }
    let mut out = Vec::new();
    for g in groups {
        if let [(e, from, to)] = g.as_slice() {
            out.push(alone(e, *from, *to, false));
            continue;
        }
        let parts: Vec<Part> = g
            .iter()
            .map(|(e, a, b)| alone(e, *a, *b, true).as_part())
            .collect();
        let from = g.iter().map(|q| q.1).max().unwrap_or_default();
        let to = g.iter().map(|q| q.2).min().unwrap_or_default();
        let who: Vec<String> = g.iter().map(|(e, _, _)| e.name.clone()).collect();
        let mut s = Suggestion::new(
            QUIET_RULE,
            g.iter().map(|(e, _, _)| e.id).collect(),
            format!(
                "What were {} doing between {}?",
                names(&who, who.len()),
                span(from, to)
            ),
        );
        s.key = parts[0].key.clone();
        s.reason = parts
            .iter()
            .map(|p| p.reason.as_str())
            .collect::<Vec<_>>()
            .join("; ");
        s.fingerprint = super::merge::composite(&parts);
        s.weight = g
            .iter()
            .map(|q| (q.2 - q.1).num_days() as u64 + 1)
            .max()
            .unwrap_or(0);
        s.parts = parts;
        out.push(s);
    }
    out
}

/// Two actors linked to the same phone, vehicle, account or location, with no link
/// between them: one suggestion per pair, naming everything they share. The pairs are
/// gathered as ids first and worded only when they are not most of the pairs sharing
/// something (a million-record workspace has hundreds of thousands).
pub fn shared_identifier(f: &Facts) -> Vec<Suggestion> {
    use EntityKind::*;
    const RULE: &str = "shared-identifier";
    // (a, b, identifier, its weight) for every pair of actors sharing an identifier
    let mut shares: Vec<(Id, Id, &EntityFacts, u64)> = Vec::new();
    let mut users: Vec<Id> = Vec::new();
    for ident in &f.input.entities {
        let weight = match ident.kind {
            Phone | Account => 3,
            Vehicle => 2,
            Location => 1,
            _ => continue,
        };
        users.clear();
        users.extend(
            f.ends_of(ident.id)
                .map(|(_, o)| o)
                // Only actors share an identifier: a commodity "using" a phone is what
                // the phone deals in, not a hidden connection.
                .filter(|o| f.entity(*o).is_some_and(|e| actor(e.kind))),
        );
        users.sort();
        users.dedup();
        if users.len() < 2 || users.len() > SHARED_MAX {
            continue;
        }
        let w = weight * 10 - users.len() as u64;
        for (i, a) in users.iter().enumerate() {
            for b in &users[i + 1..] {
                shares.push((*a, *b, ident, w));
            }
        }
    }
    shares.sort_unstable_by(|x, y| {
        (x.0, x.1)
            .cmp(&(y.0, y.1))
            .then_with(|| y.3.cmp(&x.3))
            .then_with(|| x.2.id.cmp(&y.2.id))
    });
    // each distinct pair: its run in `shares`, and whether it is linked
    let mut unlinked: Vec<std::ops::Range<usize>> = Vec::new();
    let mut eligible = 0;
    let mut i = 0;
    while i < shares.len() {
        let (a, b) = (shares[i].0, shares[i].1);
        let end = i + shares[i..]
            .iter()
            .take_while(|x| (x.0, x.1) == (a, b))
            .count();
        eligible += 1;
        if !f.linked(a, b) {
            unlinked.push(i..end);
        }
        i = end;
    }
    let weight = |r: &std::ops::Range<usize>| shares[r.clone()].iter().map(|x| x.3).sum::<u64>();
    let word = |r: std::ops::Range<usize>| {
        let run = &shares[r];
        let (a, b) = (run[0].0, run[0].1);
        let what: Vec<String> = run
            .iter()
            .map(|(_, _, i, _)| format!("{} {}", i.kind, i.name))
            .collect();
        let what = names(&what, what.len());
        let mut triggers = vec![a, b];
        triggers.extend(run.iter().map(|x| x.2.id));
        let mut s = Suggestion::new(
            RULE,
            triggers,
            format!(
                "What connects {} and {}, who share {what}?",
                f.name(a),
                f.name(b)
            ),
        );
        s.key = super::key(RULE, &[a, b, run[0].2.id]);
        s.reason = format!("both linked to {what}, no link between them");
        s.weight = run.iter().map(|x| x.3).sum();
        s.kind = Sees::Explanation;
        s.fingerprint = "unlinked".into();
        if run.len() > 1 {
            let parts: Vec<Part> = run
                .iter()
                .map(|(_, _, i, _)| Part {
                    rule: RULE,
                    key: super::key(RULE, &[a, b, i.id]),
                    fingerprint: "unlinked".into(),
                    reason: format!("both linked to {} {}, no link between them", i.kind, i.name),
                })
                .collect();
            s.fingerprint = super::merge::composite(&parts);
            s.parts = parts;
        }
        s
    };
    if !super::merge::most(unlinked.len(), eligible) {
        return unlinked.into_iter().map(word).collect();
    }
    // most of them: said once, naming the strongest
    let fired = unlinked.len();
    unlinked.sort_by(|x, y| {
        weight(y)
            .cmp(&weight(x))
            .then_with(|| x.start.cmp(&y.start))
    });
    unlinked.truncate(super::merge::CASE_TRIGGERS / 2);
    let top: Vec<Suggestion> = unlinked.into_iter().map(word).collect();
    let pair = |s: &Suggestion| format!("{} and {}", f.name(s.triggers[0]), f.name(s.triggers[1]));
    let such = names(&top.iter().take(2).map(pair).collect::<Vec<_>>(), 2);
    let question = format!(
        "What connects the {fired} pairs who share a phone, vehicle, account or place but have no link, such as {such}?"
    );
    let reason = format!(
        "{fired} of the {eligible} pairs of actors sharing an identifier have no link between them"
    );
    vec![super::merge::summary(
        RULE,
        fired,
        eligible,
        &top,
        Sees::Explanation,
        question,
        reason,
    )]
}

/// The open estimate and warning questions, read for what they concern: the records
/// linked to them or to their live hypotheses, and the entities their title, detail or
/// live hypotheses name (`[[name]]`, `E12`, or the name or an alias written out).
struct Anticipated {
    linked: HashSet<Id>,
    ids: HashSet<Id>,
    bracketed: HashSet<String>,
    /// Each question's title and detail, lower-cased, and the questions holding each word.
    texts: Vec<String>,
    words: HashMap<String, Vec<usize>>,
}

/// Lower-cased words (letters and digits).
fn words_of(s: &str) -> impl Iterator<Item = &str> {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
}

impl Anticipated {
    fn new(f: &Facts) -> Anticipated {
        let mut texts = Vec::new();
        let mut linked = HashSet::new();
        let mut ids = HashSet::new();
        let mut bracketed = HashSet::new();
        for q in &f.input.questions {
            if !(super::facts::is_open(q.status) && super::facts::looks_ahead(q.kind)) {
                continue;
            }
            linked.extend(f.ends_of(q.id).map(|(_, o)| o));
            let mut text = format!("{}\n{}", q.title, q.detail);
            for h in f
                .hypotheses_of(q.id)
                .filter(|h| h.status == crate::model::HypothesisStatus::Live)
            {
                linked.extend(f.ends_of(h.id).map(|(_, o)| o));
                text.push('\n');
                text.push_str(&h.statement);
            }
            let m = crate::model::text::mentions(&text);
            ids.extend(m.ids);
            bracketed.extend(m.names.iter().map(|n| n.trim().to_lowercase()));
            texts.push(text.to_lowercase());
        }
        let mut words: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, t) in texts.iter().enumerate() {
            for w in words_of(t) {
                let at = words.entry(w.to_string()).or_default();
                if at.last() != Some(&i) {
                    at.push(i);
                }
            }
        }
        Anticipated {
            linked,
            ids,
            bracketed,
            texts,
            words,
        }
    }

    /// Whether an open estimate or warning question concerns `e`.
    fn concerns(&self, e: &EntityFacts) -> bool {
        if self.linked.contains(&e.id) || self.ids.contains(&e.id) {
            return true;
        }
        std::iter::once(&e.name).chain(&e.aliases).any(|n| {
            let n = n.trim().to_lowercase();
            if n.is_empty() {
                return false;
            }
            if self.bracketed.contains(&n) {
                return true;
            }
            let want: Vec<&str> = words_of(&n).collect();
            let Some(first) = want.first() else {
                return false;
            };
            self.words.get(*first).is_some_and(|qs| {
                qs.iter().any(|q| {
                    let have: Vec<&str> = words_of(&self.texts[*q]).collect();
                    have.windows(want.len()).any(|w| w == want.as_slice())
                })
            })
        })
    }
}

/// An active subject that no open estimate or warning question concerns (linked to it
/// or to one of its live hypotheses, or naming it in its title, detail or a live
/// hypothesis).
pub fn no_anticipation(f: &Facts) -> Vec<Suggestion> {
    use EntityKind::*;
    let latest = f
        .input
        .notes
        .iter()
        .filter_map(|n| n.period)
        .map(|(start, _)| start)
        .max();
    let Some(latest) = latest else {
        return Vec::new();
    };
    let since = latest - chrono::Duration::days(365);
    let mut ahead: Option<Anticipated> = None;
    let mut out = Vec::new();
    let mut eligible = 0;
    for e in &f.input.entities {
        if !matches!(e.kind, Person | Organisation | Group) {
            continue;
        }
        let recent = f
            .notes_of(e.id)
            .filter(|n| n.period.is_some_and(|(start, _)| start >= since))
            .count();
        if recent < ACTIVE_MIN {
            continue;
        }
        eligible += 1;
        if ahead.get_or_insert_with(|| Anticipated::new(f)).concerns(e) {
            continue;
        }
        let mut s = Suggestion::new(
            "no-anticipation",
            vec![e.id],
            format!("What will {} do next?", e.name),
        );
        s.reason = format!(
            "{recent} reports in the year to {}, no open estimate or warning question concerns {}",
            day(latest),
            e.name
        );
        s.fingerprint = format!("recent band {}", band(recent));
        s.weight = recent as u64;
        s.kind = Sees::Estimate;
        out.push(s);
    }
    case_wide("no-anticipation", out, eligible, Sees::Estimate, |found| {
        (
            format!(
                "What will {} do next?",
                strongest(found, SHOW, |s| f.name(s.triggers[0]))
            ),
            format!(
                "no open estimate or warning question concerns {} of the {eligible} subjects with {ACTIVE_MIN} or more reports in the year to {}",
                found.len(),
                day(latest)
            ),
        )
    })
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
    let mut named: HashSet<String> = HashSet::new();
    for n in &f.input.notes {
        for name in &n.names {
            let k = name.trim().to_lowercase();
            if !known.contains(&k) {
                let slot = by_name
                    .entry(k)
                    .or_insert_with(|| (name.clone(), Vec::new()));
                slot.1.push(n.id);
            } else {
                named.insert(k);
            }
        }
    }
    let eligible = named.len() + by_name.len();
    let found: Vec<Suggestion> = by_name
        .into_iter()
        .map(|(k, (name, notes))| {
            let n = notes.len();
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
            s.reason = format!(
                "\"{name}\" is named in {}, and no entity has that name",
                count(n, "note", "notes")
            );
            s.fingerprint = format!("notes band {}", band(n));
            s.weight = n as u64;
            s
        })
        .collect();
    case_wide(
        "dangling-mention",
        found,
        eligible,
        Sees::Situation,
        |found| {
            let name = |s: &Suggestion| {
                s.question
                    .trim_start_matches("Who or what is ")
                    .trim_end_matches('?')
                    .to_string()
            };
            (
                format!(
                    "Who or what are {}, named in notes but tracked as no entity?",
                    strongest(found, SHOW, name)
                ),
                format!(
                    "{} of the {eligible} [[names]] in notes match no entity",
                    found.len()
                ),
            )
        },
    )
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
