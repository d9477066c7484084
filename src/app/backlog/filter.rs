//! The Backlog's filter, and the filtered list: a filter can hide a question while
//! showing its sub-questions (each then sits under its nearest shown ancestor, among
//! that ancestor's children in sort order), which no sibling index holds, so a filtered
//! Backlog reads the questions the filter can keep and lays them out in memory. The
//! candidates come from the status index when statuses are chosen, else from the tag
//! index when a tag is, else from every question (priority- and kind-only filters scan).

use super::{Row, SortBy};
use crate::model::{Id, Kind, Question, Record, Sees, Status};
use crate::store::{Result, Store};
use std::collections::{HashMap, HashSet};

/// Which questions the backlog shows. Empty lists mean "any".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QuestionFilter {
    pub statuses: Vec<Status>,
    pub priorities: Vec<u8>,
    pub kinds: Vec<Sees>,
    pub tag: Option<String>,
}

impl QuestionFilter {
    /// Reads a filter typed as words: status words (`open active`), SEES kinds
    /// (`warning`), priorities (`p1 p2`) and one tag (`#line` or `tag:line`). Empty text
    /// clears the filter.
    pub fn parse(text: &str) -> std::result::Result<QuestionFilter, String> {
        let mut f = QuestionFilter::default();
        for word in text.split([' ', ',']).filter(|w| !w.is_empty()) {
            let lower = word.to_lowercase();
            // a status or SEES kind may be typed in full or by a prefix only it has
            // (`act`, `war`); a prefix several share is refused, naming them
            let words = Status::ALL
                .iter()
                .map(|s| (s.as_str(), Some(*s), None))
                .chain(Sees::ALL.iter().map(|k| (k.as_str(), None, Some(*k))));
            let hits: Vec<(&str, Option<Status>, Option<Sees>)> =
                match words.clone().find(|(w, _, _)| *w == lower) {
                    Some(exact) => vec![exact],
                    None if lower.starts_with('p') && lower.len() == 2 => Vec::new(),
                    None => words.filter(|(w, _, _)| w.starts_with(&lower)).collect(),
                };
            if hits.len() > 1 {
                let names: Vec<&str> = hits.iter().map(|(w, _, _)| *w).collect();
                return Err(format!(
                    "filter word {word:?} could be {}: type more of it",
                    names.join(" or ")
                ));
            }
            if let Some((_, s, k)) = hits.first() {
                f.statuses.extend(s);
                f.kinds.extend(k);
            } else if let Some(p) = lower
                .strip_prefix('p')
                .and_then(|p| p.parse::<u8>().ok())
                .filter(|p| (1..=4).contains(p))
            {
                f.priorities.push(p);
            } else if let Some(t) = word.strip_prefix('#').or_else(|| word.strip_prefix("tag:")) {
                f.tag = Some(t.to_string());
            } else {
                return Err(format!(
                    "filter word {word:?} is not a status, a SEES kind, p1-p4 or #tag"
                ));
            }
        }
        Ok(f)
    }

    pub fn is_empty(&self) -> bool {
        *self == QuestionFilter::default()
    }

    pub fn keeps(&self, q: &Question) -> bool {
        (self.statuses.is_empty() || self.statuses.contains(&q.status))
            && (self.priorities.is_empty() || self.priorities.contains(&q.priority))
            && (self.kinds.is_empty() || self.kinds.contains(&q.kind))
            && self
                .tag
                .as_ref()
                .is_none_or(|t| q.meta.tags.iter().any(|x| x == t))
    }

    /// The filter as it is typed, for the status line and to edit it again.
    pub fn describe(&self) -> String {
        let mut words: Vec<String> = Vec::new();
        words.extend(self.statuses.iter().map(|s| s.to_string()));
        words.extend(self.kinds.iter().map(|k| k.to_string()));
        words.extend(self.priorities.iter().map(|p| format!("p{p}")));
        words.extend(self.tag.iter().map(|t| format!("#{t}")));
        words.join(" ")
    }
}

/// What siblings are ordered by: the sort's own key, then priority, then id.
type SortKey = (i64, i64, u64);

fn sort_key(by: SortBy, q: &Question) -> SortKey {
    let primary = match by {
        SortBy::Priority => q.priority as i64,
        SortBy::Status => q.status.index() as i64,
        SortBy::Kind => q.kind.index() as i64,
        SortBy::Id => return (q.meta.id.num as i64, 0, 0),
        SortBy::Updated => -q.meta.updated.timestamp_micros(),
    };
    (primary, q.priority as i64, q.meta.id.num)
}

/// The parent of every question a filtered list has met (the shown ones and the hidden
/// ancestors between them), for the layout.
#[derive(Debug, Default)]
pub struct Filtered {
    parents: HashMap<Id, Option<Id>>,
}

impl Filtered {
    /// Reads the questions `filter` keeps, from the narrowest index it can use.
    pub fn read(
        store: &Store,
        filter: &QuestionFilter,
    ) -> Result<(HashMap<Id, Question>, Filtered)> {
        let mut f = Filtered::default();
        let mut shown = HashMap::new();
        let mut offer = |q: Question| {
            if filter.keeps(&q) {
                f.parents.insert(q.meta.id, q.parent);
                shown.insert(q.meta.id, q);
            }
        };
        let ids: Option<Vec<Id>> = if !filter.statuses.is_empty() {
            let mut ids = Vec::new();
            for s in &filter.statuses {
                ids.extend(store.questions_with_status(*s)?);
            }
            Some(ids)
        } else if let Some(t) = &filter.tag {
            Some(
                store
                    .tagged(t)?
                    .into_iter()
                    .filter(|i| i.kind == Kind::Question)
                    .collect(),
            )
        } else {
            None
        };
        match ids {
            Some(ids) => {
                for id in ids {
                    if let Some(q) = store.question(id)? {
                        offer(q);
                    }
                }
            }
            None => {
                for r in store.records(Kind::Question) {
                    if let Record::Question(q) = r? {
                        offer(q);
                    }
                }
            }
        }
        Ok((shown, f))
    }

    /// Takes in a changed question (`None`: deleted): kept ones join the shown
    /// questions (or stay), the rest leave.
    pub fn update(
        &mut self,
        shown: &mut HashMap<Id, Question>,
        filter: &QuestionFilter,
        id: Id,
        q: Option<Question>,
    ) {
        match q {
            Some(q) => {
                self.parents.insert(id, q.parent);
                if filter.keeps(&q) {
                    shown.insert(id, q);
                } else {
                    shown.remove(&id);
                }
            }
            None => {
                self.parents.remove(&id);
                shown.remove(&id);
            }
        }
    }

    fn parent_of(&mut self, store: &Store, id: Id) -> Result<Option<Id>> {
        if let Some(p) = self.parents.get(&id) {
            return Ok(*p);
        }
        let p = store.question(id)?.and_then(|q| q.parent);
        self.parents.insert(id, p);
        Ok(p)
    }

    /// Lays the shown questions out as a tree: each under its nearest shown ancestor,
    /// siblings in sort order. One sort of the shown questions, then a depth-first walk.
    pub fn layout(
        &mut self,
        store: &Store,
        by: SortBy,
        shown: &HashMap<Id, Question>,
    ) -> Result<Vec<Row>> {
        let ids: HashSet<Id> = shown.keys().copied().collect();
        let mut entries: Vec<(SortKey, Id, Option<Id>)> = Vec::with_capacity(ids.len());
        for id in &ids {
            let mut parent = shown[id].parent;
            let mut hops = 0;
            while let Some(p) = parent {
                if ids.contains(&p) || hops > 64 {
                    break;
                }
                parent = self.parent_of(store, p)?;
                hops += 1;
            }
            entries.push((sort_key(by, &shown[id]), *id, parent));
        }
        entries.sort_unstable_by_key(|e| (e.0, e.1));
        let mut roots: Vec<Id> = Vec::new();
        let mut kids: HashMap<Id, Vec<Id>> = HashMap::new();
        for (_, id, parent) in entries {
            match parent {
                None => roots.push(id),
                Some(p) => kids.entry(p).or_default().push(id),
            }
        }
        let mut rows = Vec::with_capacity(ids.len());
        let mut stack: Vec<(Id, usize)> = roots.iter().rev().map(|id| (*id, 0)).collect();
        while let Some((id, depth)) = stack.pop() {
            rows.push(Row { id, depth });
            if let Some(children) = kids.get(&id) {
                stack.extend(children.iter().rev().map(|c| (*c, depth + 1)));
            }
        }
        Ok(rows)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filter_words_parse_and_describe() {
        let f = QuestionFilter::parse("open active p1 warning #line").unwrap();
        assert_eq!(f.statuses, vec![Status::Open, Status::Active]);
        assert_eq!(f.priorities, vec![1]);
        assert_eq!(f.kinds, vec![Sees::Warning]);
        assert_eq!(f.tag.as_deref(), Some("line"));
        assert_eq!(f.describe(), "open active warning p1 #line");
        assert!(QuestionFilter::parse("").unwrap().is_empty());
        let e = QuestionFilter::parse("opne").unwrap_err();
        assert!(e.contains("\"opne\""), "{e}");
    }

    #[test]
    fn a_prefix_only_one_word_has_is_that_word() {
        let f = QuestionFilter::parse("act war p1").unwrap();
        assert_eq!(f.statuses, vec![Status::Active]);
        assert_eq!(f.kinds, vec![Sees::Warning]);
        assert_eq!(f.priorities, vec![1]);
        let f = QuestionFilter::parse("ANS, expl").unwrap();
        assert_eq!(f.statuses, vec![Status::Answered]);
        assert_eq!(f.kinds, vec![Sees::Explanation]);
        // `e` could be estimate or explanation: refused, naming both
        let e = QuestionFilter::parse("e").unwrap_err();
        assert!(e.contains("explanation") && e.contains("estimate"), "{e}");
        // p1-p4 are priorities, never a prefix of parked
        assert_eq!(QuestionFilter::parse("p2").unwrap().priorities, vec![2]);
        assert_eq!(
            QuestionFilter::parse("par").unwrap().statuses,
            vec![Status::Parked]
        );
    }
}
