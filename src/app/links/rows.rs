//! The rows of the Links pane: a link as seen from the centre record, the group
//! headings, and the rows the list is drawn from.

use crate::model::{Id, When, Yardstick};
use crate::store::{Direction, PathStep};

/// One link seen from the record it leaves or enters.
#[derive(Debug, Clone, PartialEq)]
pub struct Edge {
    pub link: Id,
    pub label: String,
    pub dir: Direction,
    /// The record at the other end.
    pub other: Id,
    pub confidence: Option<Yardstick>,
    pub when: Option<When>,
    pub source: Option<Id>,
    /// A "mentions" link the store keeps in step with a note's text.
    pub auto: bool,
}

impl Edge {
    pub(super) fn new(link: &crate::model::Link, dir: Direction, other: Id) -> Edge {
        Edge {
            link: link.meta.id,
            label: link.label.clone(),
            dir,
            other,
            confidence: link.confidence,
            when: link.when,
            source: link.source,
            auto: link.auto,
        }
    }

    pub(super) fn from_step(s: &PathStep) -> Edge {
        Edge::new(&s.link, s.dir, s.to)
    }

    /// The label with its direction: `-uses->` or `<-uses-`.
    pub fn arrow(&self) -> String {
        match self.dir {
            Direction::Out => format!("-{}->", self.label),
            Direction::In => format!("<-{}-", self.label),
        }
    }
}

/// The neighbours sharing one label and direction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    pub label: String,
    pub dir: Direction,
    pub count: usize,
}

impl Group {
    /// The group header: `uses → (3)` for links out, `← mentions (12)` for links in.
    pub fn heading(&self) -> String {
        match self.dir {
            Direction::Out => format!("{} → ({})", self.label, self.count),
            Direction::In => format!("← {} ({})", self.label, self.count),
        }
    }
}

/// One line of the pane's list.
#[derive(Debug, Clone, PartialEq)]
pub enum Row {
    /// A group header, by index into [`LinksState::groups`].
    Group(usize),
    /// A link from the centre to a neighbour.
    Edge(Edge),
    /// A record on the path.
    Stop(Id),
    /// The link between two records of the path, as walked.
    Hop(Edge),
}

impl Row {
    /// Rows the selection can rest on: neighbours and the records of a path.
    pub fn selectable(&self) -> bool {
        matches!(self, Row::Edge(_) | Row::Stop(_))
    }
}
