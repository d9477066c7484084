//! The Links pane's keys: walking and walking back, the path, showing a record at the
//! centre, and what the app asks of the pane ([`PaneView`]).

use super::super::overlay::FinderPurpose;
use super::super::{App, Move, Pane, PaneView};
use super::{LinksState, Row};
use crate::commands::Command;
use crate::model::{Id, Record};
use crate::store::{Result, Store};

impl App {
    pub(in crate::app) fn apply_links(&mut self, cmd: Command) {
        match cmd {
            Command::Open => match self.links.walk(&self.store) {
                Ok(Some(_)) => {}
                Ok(None) if self.links.centre.is_none() => self.links_nothing_centred(),
                Ok(None) => self.info("no neighbour selected"),
                Err(e) => self.error(e.to_string()),
            },
            Command::WalkBack => {
                if self.links.close_path() {
                    return;
                }
                match self.links.back(&self.store) {
                    Ok(Some(_)) => {}
                    Ok(None) => self.info("at the start of the trail"),
                    Err(e) => self.error(e.to_string()),
                }
            }
            Command::Back => {
                self.links.close_path();
            }
            Command::FindPath => match self.links.centre {
                Some(c) => self.open_finder(FinderPurpose::PathFrom(c)),
                None => self.links_nothing_centred(),
            },
            other => self.info(format!(
                "{} does not apply in the {} pane",
                other.name(),
                self.pane.title()
            )),
        }
    }

    fn links_nothing_centred(&mut self) {
        self.info("nothing here yet: select a record in any pane and press L");
    }

    /// Shows a record at the centre of the Links pane. A link is shown from its `from`
    /// end with the link selected, an assessment from its note. From another pane the walk starts afresh; within the
    /// Links pane the record left goes on the trail.
    pub fn show_in_links(&mut self, id: Id) {
        let within = self.pane == Pane::Links;
        let (centre, link) = match self.store.get(id) {
            Ok(Some(Record::Link(l))) => (l.from, Some(id)),
            // an assessment has no links of its own: show the evidence it weighs
            Ok(Some(Record::Assessment(a))) => (a.note, None),
            Ok(Some(_)) => (id, None),
            Ok(None) => return self.error(format!("{id} does not exist")),
            Err(e) => return self.error(e.to_string()),
        };
        self.pane = Pane::Links;
        let l = &mut self.links;
        let result = if l.centre == Some(centre) {
            l.close_path();
            Ok(())
        } else if within && l.centre.is_some() {
            let via = l.selected_edge().map(|e| e.link);
            l.walk_to(&self.store, centre, via)
        } else {
            l.trail.clear();
            l.centre_on(&self.store, centre)
        };
        if let Err(e) = result {
            return self.error(e.to_string());
        }
        if let Some(link) = link {
            self.links.select_link(link);
        }
    }
}

impl PaneView for LinksState {
    fn open(_store: &Store) -> Result<Self> {
        Ok(LinksState::default())
    }

    fn on_app_command(app: &mut App, cmd: Command) {
        app.apply_links(cmd)
    }

    fn go(&mut self, _store: &Store, m: Move) -> Result<()> {
        self.move_by(m.delta(self.cursor.page()));
        Ok(())
    }

    /// The selected link (or record on a path), else the centre.
    fn selected(&self) -> Option<Id> {
        match self.selected_row() {
            Some(Row::Edge(e)) => Some(e.link),
            Some(Row::Stop(id)) => Some(*id),
            _ => self.centre,
        }
    }

    /// The neighbour at the far end of the selected link: `L` walks there.
    fn shown(&self) -> Option<Id> {
        self.selected_record()
    }

    /// Links are made from the record at the centre.
    fn link_from(&self) -> Option<Id> {
        self.centre
    }

    fn nothing_selected(&self) -> &'static str {
        "nothing here yet: select a record in any pane and press L"
    }

    fn on_committed(&mut self, store: &Store, done: &crate::store::Committed) -> Result<()> {
        self.refresh(store, &done.ids)
    }

    fn keep_in_view(&mut self, height: usize) {
        self.scroll_into_view(height);
    }
}
