//! TEMPORARY skeleton of the Notes pane state; being replaced by the real pane.

use super::App;
use crate::commands::Command;
use crate::model::Id;
use crate::store::{Result, Store};

/// The steps of this pane's prompts and pickers.
#[derive(Debug, Clone, PartialEq)]
pub enum NotesFlow {}

#[derive(Debug, Default)]
pub struct NotesState {}

impl NotesState {
    pub fn load(_store: &Store) -> Result<Self> {
        Ok(Self::default())
    }

    pub fn refresh(&mut self, _store: &Store, _ids: &[Id]) -> Result<()> {
        Ok(())
    }

    pub fn scroll_into_view(&mut self, _height: usize) {}

    pub fn selected_record(&self) -> Option<Id> {
        None
    }

    pub fn describe_filter(&self) -> String {
        String::new()
    }
}

impl App {
    pub(super) fn apply_notes(&mut self, cmd: Command) {
        self.info(format!("{} is not ready in this pane yet", cmd.name()));
    }

    pub fn show_note(&mut self, id: Id) {
        self.info(format!("{id}"));
    }

    pub(super) fn finish_notes(&mut self, flow: NotesFlow, _value: String) {
        match flow {}
    }
}
