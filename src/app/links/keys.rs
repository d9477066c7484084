//! The Links pane's keys: moving, walking and walking back, and what the record keys
//! (`l`, `e`, `d`, `#`) do to the selected link.

use super::super::overlay::{FinderPurpose, Flow, Overlay};
use super::super::{App, Pane};
use super::LinksState;
use crate::commands::Command;
use crate::model::{Id, Record};
use crate::store::Direction;

impl App {
    pub(in crate::app) fn apply_links(&mut self, cmd: Command) {
        let page = LinksState::window(self.list_height()) as isize;
        match cmd {
            Command::Down => self.links.move_by(1),
            Command::Up => self.links.move_by(-1),
            Command::PageDown => self.links.move_by(page),
            Command::PageUp => self.links.move_by(-page),
            Command::First => self.links.move_by(isize::MIN / 2),
            Command::Last => self.links.move_by(isize::MAX / 2),
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
            Command::LinkTo => match self.links.centre {
                Some(c) => self.open_finder(FinderPurpose::LinkFrom(c)),
                None => self.links_nothing_centred(),
            },
            Command::Delete => self.link_confirm_delete(),
            Command::Edit => match self.links.selected_edge().map(|e| e.link) {
                Some(l) => self.link_edit(l),
                None => self.info("select a link to edit"),
            },
            Command::Tags => match self.links.selected_edge().map(|e| e.link) {
                Some(l) => self.edit_tags(l),
                None => self.info("select a link to tag"),
            },
            other => self.info(format!(
                "{} does not apply in the {} pane",
                other.name(),
                self.pane.title()
            )),
        }
    }

    /// Asks before deleting the selected link. A mention is refused: the store keeps it
    /// in step with its note's text, so it would come back at the note's next edit.
    fn link_confirm_delete(&mut self) {
        let Some(e) = self.links.selected_edge().cloned() else {
            return self.info("select a link to delete (records are deleted in their panes)");
        };
        let c = self.links.centre.unwrap_or(e.other);
        let (from, to) = match e.dir {
            Direction::Out => (c, e.other),
            Direction::In => (e.other, c),
        };
        if e.auto {
            return self.error(format!(
                "{} is a mention kept in step with {from}'s text: edit the note to remove it \
                 (deleted here, it would come back at the next edit)",
                e.link
            ));
        }
        let (from, to) = (self.link_named(from), self.link_named(to));
        self.overlay = Some(Overlay::Confirm {
            message: format!(
                "Delete {}: {from} -{}-> {to}? The records stay; u undoes it. y/n",
                e.link, e.label
            ),
            flow: Flow::Delete(e.link),
        });
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
