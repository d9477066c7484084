//! The Entities pane's commands and the flows its prompts, pickers and confirmations
//! finish: add, edit (name, kind, aliases, attributes), filter by text or kind, merge.

use super::edit::attributes_text;
use super::flow::{flow, EntitiesFlow};
use super::EntitiesState;
use crate::app::cx::{Cx, Event};
use crate::app::overlay::Choice;
use crate::app::pane::PaneView;
use crate::commands::{Command, Scope};
use crate::model::{EntityKind, Id, Record};
use crate::store::{Added, NewEntity};
use std::collections::BTreeMap;

fn kind_choices(selected: Option<EntityKind>) -> (Vec<Choice>, usize) {
    let choices = EntityKind::ALL
        .iter()
        .map(|k| Choice::new(k.as_str(), k.as_str(), ""))
        .collect();
    let at = selected.map(|k| k.index() as usize).unwrap_or(0);
    (choices, at)
}

impl EntitiesState {
    pub(crate) fn apply_entities(&mut self, cx: &mut Cx, cmd: Command) {
        let target = self.selected_record();
        let need = |cx: &mut Cx| -> Option<Id> {
            if target.is_none() {
                cx.info("no entity selected: a adds one");
            }
            target
        };
        match cmd {
            Command::Open => self.entities_open_row(cx),
            Command::Back => {
                if self.detail.take().is_none() && self.is_filtered() {
                    self.clear_filter();
                    cx.info("filter cleared");
                }
            }
            Command::AddEntity => cx.prompt(
                "New entity",
                "its name as usually written; the kind comes next",
                "",
                flow(EntitiesFlow::AddName),
            ),
            Command::EntityFilter => {
                let cur = self.query.clone();
                cx.prompt(
                    "Filter entities",
                    "fuzzy text over names, aliases and ids; empty shows all",
                    &cur,
                    flow(EntitiesFlow::Filter),
                );
            }
            Command::EntityKindFilter => {
                let mut choices =
                    vec![Choice::new("all kinds", "all", format!("{}", self.total()))];
                choices.extend(
                    self.counts()
                        .iter()
                        .map(|(k, n)| Choice::new(k.as_str(), k.as_str(), n.to_string())),
                );
                let at = self.kind.map(|k| k.index() as usize + 1);
                cx.pick(
                    "Show entities of kind",
                    choices,
                    at.unwrap_or(0),
                    flow(EntitiesFlow::KindFilter),
                );
            }
            Command::MergeEntity => {
                if let Some(id) = need(cx) {
                    let name = self.entities_label(cx, id);
                    cx.prompt(
                        &format!("Merge into {name}"),
                        "id (or exact name) of the duplicate: its links, mentions and aliases move here",
                        "",
                        flow(EntitiesFlow::MergeWith(id)),
                    );
                }
            }
            other => cx.info(format!(
                "{} does not apply in the {} pane",
                other.name(),
                "Entities"
            )),
        }
    }

    /// `e` on an entity: its name, then kind, aliases and attributes, one prompt each.
    pub(crate) fn entities_edit(&mut self, cx: &mut Cx, id: Id, name: &str) {
        cx.prompt(
            &format!("Edit {id}: name (1/4)"),
            "then its kind, aliases and attributes; Esc leaves it as it was",
            name,
            flow(EntitiesFlow::EditName(id)),
        );
    }

    /// An entity as the store holds it now (`None` when `id` is not one).
    pub(super) fn entity(&self, cx: &Cx, id: Id) -> Option<crate::model::Entity> {
        match cx.store.get(id) {
            Ok(Some(Record::Entity(e))) => Some(e),
            _ => None,
        }
    }

    /// `E3 Darren Marsh (person)`, for titles and confirmations.
    pub(super) fn entities_label(&self, cx: &Cx, id: Id) -> String {
        match self.entity(cx, id) {
            Some(e) => format!("{id} {} ({})", e.name, e.kind),
            None => id.to_string(),
        }
    }

    /// Enter: opens the selected entity, or in the detail view goes to the record at the
    /// other end of the selected line.
    fn entities_open_row(&mut self, cx: &mut Cx) {
        if let Some(d) = &self.detail {
            if let Some(target) = d.item().map(|it| it.other) {
                cx.emit(Event::Show(target));
            }
            return;
        }
        match self.selected_id() {
            Some(id) => self.show_entity(cx, id),
            None => cx.info("no entity selected: a adds one"),
        }
    }

    /// Shows an entity in this pane: selected in the list (clearing a filter that hides
    /// it) with its detail open.
    pub fn show_entity(&mut self, cx: &mut Cx, id: Id) {
        if self.entity(cx, id).is_none() {
            return cx.error(format!("{id} is not an entity in this workspace"));
        }
        cx.emit(Event::Focus(Scope::Entities));
        if let Err(e) = self.ensure(cx.store) {
            return cx.error(e.to_string());
        }
        if !self.select(id) {
            self.clear_filter();
            self.select(id);
            cx.info(format!("filter cleared to show {id}"));
        }
        if let Err(e) = self.open_detail(cx.store, id) {
            cx.error(e.to_string());
        }
    }

    pub(crate) fn finish_entities(&mut self, cx: &mut Cx, f: EntitiesFlow, value: String) {
        match f {
            EntitiesFlow::AddName => {
                let name = value.trim().to_string();
                if name.is_empty() {
                    return cx.error("an entity needs a name: nothing added");
                }
                let (choices, at) = kind_choices(self.kind);
                cx.pick(
                    &format!("Kind of {name}"),
                    choices,
                    at,
                    flow(EntitiesFlow::AddKind { name }),
                );
            }
            EntitiesFlow::AddKind { name } => {
                let kind = match value.parse::<EntityKind>() {
                    Ok(k) => k,
                    Err(e) => return cx.error(e.to_string()),
                };
                let r = cx.store.add_entity(NewEntity {
                    name: name.clone(),
                    kind,
                    aliases: Vec::new(),
                    attributes: BTreeMap::new(),
                    tags: Vec::new(),
                });
                let said = |a: &Added| format!("added {} {name} ({kind})", a.id);
                if let Some(added) = cx.report(r, said) {
                    self.committed_here(cx, Scope::Entities, added.done);
                    let id = added.id;
                    self.detail = None;
                    if !self.select(id) {
                        self.clear_filter();
                        self.select(id);
                    }
                }
            }
            EntitiesFlow::EditName(id) => {
                let name = value.trim().to_string();
                if name.is_empty() {
                    return cx.error(format!("{id}: an entity needs a name: unchanged"));
                }
                let (choices, at) = kind_choices(self.entity(cx, id).map(|e| e.kind));
                cx.pick(
                    &format!("Edit {id}: kind (2/4)"),
                    choices,
                    at,
                    flow(EntitiesFlow::EditKind { id, name }),
                );
            }
            EntitiesFlow::EditKind { id, name } => {
                let aliases = self
                    .entities
                    .get(&id)
                    .map(|e| e.aliases.join(", "))
                    .unwrap_or_default();
                cx.prompt(
                    &format!("Edit {id}: aliases (3/4)"),
                    "other names it goes by, comma-separated; [[alias]] in a note mentions it",
                    &aliases,
                    flow(EntitiesFlow::EditAliases {
                        id,
                        name,
                        kind: value,
                    }),
                );
            }
            EntitiesFlow::EditAliases { id, name, kind } => {
                let attrs = match cx.store.get(id) {
                    Ok(Some(Record::Entity(e))) => attributes_text(&e.attributes),
                    Ok(_) => return cx.error(format!("{id} no longer exists")),
                    Err(e) => return cx.error(e.to_string()),
                };
                cx.prompt(
                    &format!("Edit {id}: attributes (4/4)"),
                    "key=value; key=value (e.g. dob=1988-02-14; phone=07700 900123); key= drops one",
                    &attrs,
                    flow(EntitiesFlow::EditAttributes {
                        id,
                        name,
                        kind,
                        aliases: value,
                    }),
                );
            }
            EntitiesFlow::EditAttributes {
                id,
                name,
                kind,
                aliases,
            } => self.entities_save_edit(cx, id, name, &kind, &aliases, &value),
            EntitiesFlow::Filter => {
                self.query = value.trim().to_string();
                self.detail = None;
                if !self.query.is_empty() {
                    if let Err(e) = self.read_all(cx.store) {
                        return cx.error(e.to_string());
                    }
                }
                self.rebuild();
                self.select_first();
                cx.info(format!(
                    "{} shown",
                    crate::model::vocab::counted(self.selectable.len(), "entity", "entities")
                ));
            }
            EntitiesFlow::KindFilter => {
                self.kind = value.parse::<EntityKind>().ok();
                self.detail = None;
                self.rebuild();
                self.select_first();
                cx.info(format!(
                    "{} shown",
                    crate::model::vocab::counted(self.selectable.len(), "entity", "entities")
                ));
            }
            EntitiesFlow::MergeWith(survivor) => {
                self.entities_confirm_merge(cx, survivor, value.trim())
            }
            EntitiesFlow::MergeConfirm { survivor, absorbed } => {
                let gone = self.entities_label(cx, absorbed);
                let r = cx.store.merge_entities(survivor, absorbed);
                if let Some(done) = cx.report(r, |d| {
                    format!(
                        "merged {gone} into {survivor} ({} in all; u undoes)",
                        crate::model::vocab::counted(d.ids.len(), "record", "records")
                    )
                }) {
                    self.committed_here(cx, Scope::Entities, done);
                    self.select(survivor);
                }
            }
        }
    }
}
