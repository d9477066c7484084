//! `?` help: every binding that applies in the pane on screen, generated from the
//! registry and the loaded keymap, the pane's own keys first.

use super::App;
use crate::commands::REGISTRY;

impl App {
    /// Help's lines, (keys, description), with a heading line (description empty) before
    /// each scope: the pane's own scope first, then the selected record, lists and
    /// everywhere.
    pub fn help_lines(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for scope in self.scopes() {
            out.push((format!("— {} —", scope.describe()), String::new()));
            for info in REGISTRY.iter().filter(|c| c.scope == scope) {
                let keys = self.keymap.keys_for(info.command);
                let keys = if keys.is_empty() {
                    ": palette".to_string()
                } else {
                    keys.join(" / ")
                };
                out.push((keys, info.description.to_string()));
            }
            // the Hypotheses pane's scores are explained right after its keys
            if scope == crate::commands::Scope::Hypotheses {
                out.push(("— the weighting —".to_string(), String::new()));
                for l in crate::app::notes::wrap(crate::model::ach::WEIGHTING, 58) {
                    out.push((String::new(), l));
                }
            }
        }
        out
    }

    /// Keeps help's scroll within its lines, so that `G` goes to the last page and `k`
    /// from there moves at once.
    pub(super) fn clamp_help(&mut self) {
        // the box fills the body (the screen less the tab bar and status line), inside a border
        let rows = (self.size.1 as usize).saturating_sub(4);
        let last = self.help_lines().len().saturating_sub(rows);
        if let Some(super::Overlay::Help { scroll }) = &mut self.overlay {
            *scroll = (*scroll).min(last);
        }
    }
}
