//! The shortest path between two records in the Links pane: found breadth-first over
//! the link index by the store, shown as a readable chain and as rows to walk along.

use super::super::cx::Cx;
use super::flow::flow;
use super::{Edge, LinksFlow, LinksState, MAX_HOPS};
use crate::model::{Id, Record};
use crate::store::{Result, Store};

/// The shortest path from the centre to another record.
#[derive(Debug, Clone, PartialEq)]
pub struct PathView {
    pub from: Id,
    pub to: Id,
    pub steps: Vec<Edge>,
    /// The path as a readable chain: `E4 person -uses-> E17 phone <-uses- E9 person`.
    pub chain: String,
}

impl PathView {
    /// How strong the path is: its weakest rated link (a chain is no stronger), how
    /// many links carry no confidence, and whether it runs through a note's mentions
    /// (two records named in one note: a co-mention, not a stated tie).
    pub fn strength(&self) -> String {
        let n = self.steps.len();
        let weakest = self
            .steps
            .iter()
            .filter_map(|e| e.confidence.map(|c| (c, e.link)))
            .min();
        let unrated = self.steps.iter().filter(|e| e.confidence.is_none()).count();
        let mut parts = vec![match (n, weakest) {
            (1, Some((c, _))) => format!("1 link, {c}"),
            (1, None) => "1 link, no confidence given".to_string(),
            (n, Some((c, link))) => {
                format!("{n} links, no stronger than its weakest: {c} ({link})")
            }
            (n, None) => format!("{n} links, none with a confidence given"),
        }];
        if weakest.is_some() && unrated > 0 {
            parts.push(format!("{unrated} without a confidence"));
        }
        let auto = self.steps.iter().filter(|e| e.auto).count();
        if auto > 0 {
            parts.push(format!(
                "runs through a note's mentions ({auto} of {n} links): a co-mention, not a stated tie"
            ));
        }
        parts.join(" · ")
    }
}

/// What a record is, in one word: an entity's kind, else the record kind.
pub fn kind_word(rec: &Record) -> String {
    match rec {
        Record::Entity(e) => e.kind.to_string(),
        other => other.kind().noun().to_string(),
    }
}

/// The readable chain of a path: ids with what they are, joined by labelled arrows.
pub fn chain(store: &Store, from: Id, steps: &[Edge]) -> Result<String> {
    let word = |id: Id| -> Result<String> {
        Ok(match store.get(id)? {
            Some(r) => format!("{id} {}", kind_word(&r)),
            None => id.to_string(),
        })
    };
    let mut s = word(from)?;
    for st in steps {
        s.push(' ');
        s.push_str(&st.arrow());
        s.push(' ');
        s.push_str(&word(st.other)?);
    }
    Ok(s)
}

impl LinksState {
    /// Looks for the shortest path from the centre to `to` and shows it; returns
    /// whether there is one within [`MAX_HOPS`].
    pub fn find_path(&mut self, store: &Store, to: Id) -> Result<bool> {
        let Some(from) = self.centre else {
            return Ok(false);
        };
        let Some(steps) = store.shortest_path(from, to, MAX_HOPS)? else {
            return Ok(false);
        };
        let steps: Vec<Edge> = steps.iter().map(Edge::from_step).collect();
        let chain = chain(store, from, &steps)?;
        if self.path.is_none() {
            self.saved = (self.cursor.selected, self.cursor.offset);
        }
        self.path = Some(PathView {
            from,
            to,
            steps,
            chain,
        });
        self.rebuild();
        self.read_names(store)?;
        self.cursor.selected = self.rows.len().saturating_sub(1);
        self.cursor.offset = 0;
        Ok(true)
    }

    /// Closes the path and shows the neighbourhood as it was; returns whether a path
    /// was shown.
    pub fn close_path(&mut self) -> bool {
        if self.path.take().is_none() {
            return false;
        }
        self.rebuild();
        (self.cursor.selected, self.cursor.offset) = self.saved;
        self.cursor.selected = self.cursor.selected.min(self.rows.len().saturating_sub(1));
        self.snap(1);
        true
    }
}

impl LinksState {
    /// Finds and shows the shortest path from `from` (the centre when `p` was pressed)
    /// to the record typed: an id, or an entity's exact name or alias.
    pub(super) fn links_path_to(&mut self, cx: &mut Cx, from: Id, typed: &str) {
        if typed.is_empty() {
            return cx.info("no target given: no path looked for");
        }
        let to = match self.links_resolve(cx, typed) {
            Ok(id) => id,
            Err(msg) => {
                cx.error(msg);
                return cx.prompt(
                    &format!("Path from {from} to"),
                    "an id such as E17, or an entity's name",
                    typed,
                    flow(LinksFlow::PathTo(from)),
                );
            }
        };
        self.show_path(cx, from, to);
    }

    /// Shows the shortest path from `from` to `to` in the Links pane, `from` at the
    /// centre, or says that there is none within [`MAX_HOPS`] links.
    pub fn show_path(&mut self, cx: &mut Cx, from: Id, to: Id) {
        if !cx.on_screen || self.centre != Some(from) {
            self.show_in_links(cx, from);
            if self.centre != Some(from) {
                return;
            }
        }
        match self.find_path(cx.store, to) {
            Ok(true) => {
                let hops = self.path.as_ref().map_or(0, |p| p.steps.len());
                let s = if hops == 1 { "" } else { "s" };
                cx.info(format!(
                    "path {from} → {to}: {hops} link{s} (Enter walks to a record, Backspace returns)"
                ));
            }
            Ok(false) => cx.error(format!(
                "no path from {from} to {to} within {MAX_HOPS} hops"
            )),
            Err(e) => cx.error(e.to_string()),
        }
    }

    /// A record named by its id or by an entity's exact name or alias.
    fn links_resolve(&self, cx: &Cx, typed: &str) -> Result<Id, String> {
        if let Ok(id) = typed.parse::<Id>() {
            return match cx.store.get(id) {
                Ok(Some(_)) => Ok(id),
                Ok(None) => Err(format!("{id} does not exist")),
                Err(e) => Err(e.to_string()),
            };
        }
        let named = cx.store.entities_named(typed).map_err(|e| e.to_string())?;
        match named.as_slice() {
            [one] => Ok(*one),
            [] => Err(format!(
                "no entity is named {typed:?}: give an id (/ finds one)"
            )),
            many => {
                let ids: Vec<String> = many.iter().map(Id::to_string).collect();
                Err(format!("{typed:?} names {}: give one id", ids.join(", ")))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Yardstick;
    use crate::store::Direction;

    fn edge(link: u64, confidence: Option<Yardstick>, auto: bool) -> Edge {
        Edge {
            link: Id::new(crate::model::Kind::Link, link),
            label: if auto { "mentions" } else { "uses" }.into(),
            dir: Direction::Out,
            other: Id::new(crate::model::Kind::Entity, link),
            confidence,
            when: None,
            source: None,
            auto,
        }
    }

    #[test]
    fn a_path_is_as_strong_as_its_weakest_link_and_says_when_it_is_a_co_mention() {
        let p = PathView {
            from: Id::new(crate::model::Kind::Entity, 1),
            to: Id::new(crate::model::Kind::Entity, 9),
            steps: vec![
                edge(1, Some(Yardstick::HighlyLikely), false),
                edge(2, Some(Yardstick::Unlikely), false),
                edge(3, None, true),
                edge(4, None, true),
            ],
            chain: String::new(),
        };
        assert_eq!(
            p.strength(),
            "4 links, no stronger than its weakest: unlikely (L2) · 2 without a confidence · \
             runs through a note's mentions (2 of 4 links): a co-mention, not a stated tie"
        );
        let one = PathView {
            steps: vec![edge(1, None, false)],
            ..p
        };
        assert_eq!(one.strength(), "1 link, no confidence given");
    }
}
