//! The Links pane's keys: walking and walking back, the path, showing a record at the
//! centre, and what the app asks of the pane ([`PaneView`]).

use super::super::cx::{Cx, Event};
use super::super::overlay::{FinderPurpose, Step};
use super::super::pane::{Move, PaneView};
use super::{LinksFlow, LinksState, Row};
use crate::commands::{Command, Scope};
use crate::model::{Id, Record};
use crate::store::{Result, Store};

impl LinksState {
    pub(in crate::app) fn apply_links(&mut self, cx: &mut Cx, cmd: Command) {
        match cmd {
            Command::Open => match self.walk(cx.store) {
                Ok(Some(_)) => {}
                Ok(None) if self.centre.is_none() => self.links_nothing_centred(cx),
                Ok(None) => cx.info("no neighbour selected"),
                Err(e) => cx.error(e.to_string()),
            },
            Command::WalkBack => {
                if self.close_path() {
                    return;
                }
                match self.back(cx.store) {
                    Ok(Some(_)) => {}
                    Ok(None) => cx.info("at the start of the trail"),
                    Err(e) => cx.error(e.to_string()),
                }
            }
            Command::Back => {
                self.close_path();
            }
            Command::FindPath => match self.centre {
                Some(c) => cx.emit(Event::Find(FinderPurpose::for_step(
                    format!("Shortest path from {c} to"),
                    None,
                    Step::new(Scope::Links, LinksFlow::PathTo(c)),
                ))),
                None => self.links_nothing_centred(cx),
            },
            other => cx.info(format!(
                "{} does not apply in the {} pane",
                other.name(),
                "Links"
            )),
        }
    }

    fn links_nothing_centred(&mut self, cx: &mut Cx) {
        cx.info("nothing here yet: select a record in any pane and press L");
    }

    /// Shows a record at the centre of the Links pane. A link is shown from its `from`
    /// end with the link selected, an assessment from its note. From another pane the walk starts afresh; within the
    /// Links pane the record left goes on the trail.
    pub fn show_in_links(&mut self, cx: &mut Cx, id: Id) {
        let within = cx.on_screen;
        let (centre, link) = match cx.store.get(id) {
            Ok(Some(Record::Link(l))) => (l.from, Some(id)),
            // an assessment has no links of its own: show the evidence it weighs
            Ok(Some(Record::Assessment(a))) => (a.note, None),
            Ok(Some(_)) => (id, None),
            Ok(None) => return cx.error(format!("{id} does not exist")),
            Err(e) => return cx.error(e.to_string()),
        };
        cx.emit(Event::Focus(Scope::Links));
        let l = &mut *self;
        let result = if l.centre == Some(centre) {
            l.close_path();
            Ok(())
        } else if within && l.centre.is_some() {
            let via = l.selected_edge().map(|e| e.link);
            l.walk_to(cx.store, centre, via)
        } else {
            l.trail.clear();
            l.centre_on(cx.store, centre)
        };
        if let Err(e) = result {
            return cx.error(e.to_string());
        }
        if let Some(link) = link {
            self.select_link(link);
        }
    }
}

impl PaneView for LinksState {
    fn open(_store: &Store) -> Result<Self> {
        Ok(LinksState::default())
    }

    fn on_command(&mut self, cmd: Command, cx: &mut Cx) {
        self.apply_links(cx, cmd)
    }

    fn on_flow(&mut self, step: &Step, value: String, cx: &mut Cx) {
        if let Some(f) = step.value::<LinksFlow>() {
            self.finish_links(cx, f.clone(), value)
        }
    }

    fn on_event(&mut self, event: &Event, cx: &mut Cx) -> bool {
        use crate::model::Kind;
        match event {
            Event::ShowLinks(id) => self.show_in_links(cx, *id),
            // links and cells live here (an expectation, on its matrix)
            Event::Show(id) if matches!(id.kind, Kind::Link | Kind::Assessment) => {
                self.show_in_links(cx, *id)
            }
            Event::ShowPath(from, to) => self.show_path(cx, *from, *to),
            Event::StartLink(from) => {
                let from = *from;
                cx.emit(Event::Find(FinderPurpose::for_step(
                    format!("Link {from} to"),
                    None,
                    Step::new(Scope::Links, LinksFlow::LinkTo(from)),
                )))
            }
            Event::Edit(id) if id.kind == Kind::Link => self.link_edit(cx, *id),
            _ => return false,
        }
        true
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
