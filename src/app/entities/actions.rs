//! The Entities pane's commands and the flows its prompts, pickers and confirmations
//! finish: add, edit (name, kind, aliases, attributes), filter by text or kind, merge.

use super::edit::attributes_text;
use crate::app::overlay::{Choice, Flow};
use crate::app::{App, Pane};
use crate::commands::Command;
use crate::model::{EntityKind, Id, Record};
use crate::store::{Added, NewEntity};
use std::collections::BTreeMap;

/// The steps of this pane's prompts and pickers.
#[derive(Debug, Clone, PartialEq)]
pub enum EntitiesFlow {
    AddName,
    AddKind {
        name: String,
    },
    EditName(Id),
    EditKind {
        id: Id,
        name: String,
    },
    EditAliases {
        id: Id,
        name: String,
        kind: String,
    },
    EditAttributes {
        id: Id,
        name: String,
        kind: String,
        aliases: String,
    },
    Filter,
    KindFilter,
    MergeWith(Id),
    MergeConfirm {
        survivor: Id,
        absorbed: Id,
    },
}

pub(super) fn flow(f: EntitiesFlow) -> Flow {
    Flow::Entities(f)
}

fn kind_choices(selected: Option<EntityKind>) -> (Vec<Choice>, usize) {
    let choices = EntityKind::ALL
        .iter()
        .map(|k| Choice::new(k.as_str(), k.as_str(), ""))
        .collect();
    let at = selected.map(|k| k.index() as usize).unwrap_or(0);
    (choices, at)
}

impl App {
    pub(crate) fn apply_entities(&mut self, cmd: Command) {
        let target = self.entities.selected_record();
        let need = |app: &mut App| -> Option<Id> {
            if target.is_none() {
                app.info("no entity selected: a adds one");
            }
            target
        };
        match cmd {
            Command::Open => self.entities_open_row(),
            Command::Back => {
                if self.entities.detail.take().is_none() && self.entities.is_filtered() {
                    self.entities.clear_filter();
                    self.info("filter cleared");
                }
            }
            Command::AddEntity => self.prompt(
                "New entity",
                "its name as usually written; the kind comes next",
                "",
                flow(EntitiesFlow::AddName),
            ),
            Command::EntityFilter => {
                let cur = self.entities.query.clone();
                self.prompt(
                    "Filter entities",
                    "fuzzy text over names, aliases and ids; empty shows all",
                    &cur,
                    flow(EntitiesFlow::Filter),
                );
            }
            Command::EntityKindFilter => {
                let mut choices = vec![Choice::new(
                    "all kinds",
                    "all",
                    format!("{}", self.entities.total()),
                )];
                choices.extend(
                    self.entities
                        .counts()
                        .iter()
                        .map(|(k, n)| Choice::new(k.as_str(), k.as_str(), n.to_string())),
                );
                let at = self.entities.kind.map(|k| k.index() as usize + 1);
                self.pick(
                    "Show entities of kind",
                    choices,
                    at.unwrap_or(0),
                    flow(EntitiesFlow::KindFilter),
                );
            }
            Command::MergeEntity => {
                if let Some(id) = need(self) {
                    let name = self.entities_label(id);
                    self.prompt(
                        &format!("Merge into {name}"),
                        "id (or exact name) of the duplicate: its links, mentions and aliases move here",
                        "",
                        flow(EntitiesFlow::MergeWith(id)),
                    );
                }
            }
            other => self.info(format!(
                "{} does not apply in the {} pane",
                other.name(),
                self.pane.title()
            )),
        }
    }

    /// `e` on an entity: its name, then kind, aliases and attributes, one prompt each.
    pub(crate) fn entities_edit(&mut self, id: Id, name: &str) {
        self.prompt(
            &format!("Edit {id}: name (1/4)"),
            "then its kind, aliases and attributes; Esc leaves it as it was",
            name,
            flow(EntitiesFlow::EditName(id)),
        );
    }

    /// An entity as the store holds it now (`None` when `id` is not one).
    pub(super) fn entity(&self, id: Id) -> Option<crate::model::Entity> {
        match self.store.get(id) {
            Ok(Some(Record::Entity(e))) => Some(e),
            _ => None,
        }
    }

    /// `E3 Darren Marsh (person)`, for titles and confirmations.
    pub(super) fn entities_label(&self, id: Id) -> String {
        match self.entity(id) {
            Some(e) => format!("{id} {} ({})", e.name, e.kind),
            None => id.to_string(),
        }
    }

    /// Enter: opens the selected entity, or in the detail view goes to the record at the
    /// other end of the selected line.
    fn entities_open_row(&mut self) {
        if let Some(d) = &self.entities.detail {
            if let Some(target) = d.item().map(|it| it.other) {
                self.open_related(target);
            }
            return;
        }
        match self.entities.selected_id() {
            Some(id) => self.show_entity(id),
            None => self.info("no entity selected: a adds one"),
        }
    }

    /// Shows an entity in this pane: selected in the list (clearing a filter that hides
    /// it) with its detail open.
    pub fn show_entity(&mut self, id: Id) {
        if self.entity(id).is_none() {
            return self.error(format!("{id} is not an entity in this workspace"));
        }
        self.pane = Pane::Entities;
        if let Err(e) = self.entities.ensure(&self.store) {
            return self.error(e.to_string());
        }
        if !self.entities.select(id) {
            self.entities.clear_filter();
            self.entities.select(id);
            self.info(format!("filter cleared to show {id}"));
        }
        if let Err(e) = self.entities.open_detail(&self.store, id) {
            self.error(e.to_string());
        }
    }

    pub(crate) fn finish_entities(&mut self, f: EntitiesFlow, value: String) {
        match f {
            EntitiesFlow::AddName => {
                let name = value.trim().to_string();
                if name.is_empty() {
                    return self.error("an entity needs a name: nothing added");
                }
                let (choices, at) = kind_choices(self.entities.kind);
                self.pick(
                    &format!("Kind of {name}"),
                    choices,
                    at,
                    flow(EntitiesFlow::AddKind { name }),
                );
            }
            EntitiesFlow::AddKind { name } => {
                let kind = match value.parse::<EntityKind>() {
                    Ok(k) => k,
                    Err(e) => return self.error(e.to_string()),
                };
                let r = self.store.add_entity(NewEntity {
                    name: name.clone(),
                    kind,
                    aliases: Vec::new(),
                    attributes: BTreeMap::new(),
                    tags: Vec::new(),
                });
                let said = |a: &Added| format!("added {} {name} ({kind})", a.id);
                if let Some(added) = self.report(r, said) {
                    self.after_change(&added.done);
                    let id = added.id;
                    self.entities.detail = None;
                    if !self.entities.select(id) {
                        self.entities.clear_filter();
                        self.entities.select(id);
                    }
                }
            }
            EntitiesFlow::EditName(id) => {
                let name = value.trim().to_string();
                if name.is_empty() {
                    return self.error(format!("{id}: an entity needs a name: unchanged"));
                }
                let (choices, at) = kind_choices(self.entity(id).map(|e| e.kind));
                self.pick(
                    &format!("Edit {id}: kind (2/4)"),
                    choices,
                    at,
                    flow(EntitiesFlow::EditKind { id, name }),
                );
            }
            EntitiesFlow::EditKind { id, name } => {
                let aliases = self
                    .entities
                    .entities
                    .get(&id)
                    .map(|e| e.aliases.join(", "))
                    .unwrap_or_default();
                self.prompt(
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
                let attrs = match self.store.get(id) {
                    Ok(Some(Record::Entity(e))) => attributes_text(&e.attributes),
                    Ok(_) => return self.error(format!("{id} no longer exists")),
                    Err(e) => return self.error(e.to_string()),
                };
                self.prompt(
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
            } => self.entities_save_edit(id, name, &kind, &aliases, &value),
            EntitiesFlow::Filter => {
                self.entities.query = value.trim().to_string();
                self.entities.detail = None;
                if !self.entities.query.is_empty() {
                    if let Err(e) = self.entities.read_all(&self.store) {
                        return self.error(e.to_string());
                    }
                }
                self.entities.rebuild();
                self.entities.select_first();
                self.info(format!(
                    "{} shown",
                    crate::model::vocab::counted(
                        self.entities.selectable.len(),
                        "entity",
                        "entities"
                    )
                ));
            }
            EntitiesFlow::KindFilter => {
                self.entities.kind = value.parse::<EntityKind>().ok();
                self.entities.detail = None;
                self.entities.rebuild();
                self.entities.select_first();
                self.info(format!(
                    "{} shown",
                    crate::model::vocab::counted(
                        self.entities.selectable.len(),
                        "entity",
                        "entities"
                    )
                ));
            }
            EntitiesFlow::MergeWith(survivor) => {
                self.entities_confirm_merge(survivor, value.trim())
            }
            EntitiesFlow::MergeConfirm { survivor, absorbed } => {
                let gone = self.entities_label(absorbed);
                let r = self.store.merge_entities(survivor, absorbed);
                if let Some(done) = self.report(r, |d| {
                    format!(
                        "merged {gone} into {survivor} ({} in all; u undoes)",
                        crate::model::vocab::counted(d.ids.len(), "record", "records")
                    )
                }) {
                    self.after_change(&done);
                    self.entities.select(survivor);
                }
            }
        }
    }
}
