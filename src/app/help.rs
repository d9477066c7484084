//! `?` help: every binding that applies in the pane on screen, generated from the
//! registry and the loaded keymap, the pane's own keys first; the Hypotheses pane adds
//! its weighting, the Gaps pane each rule's reasoning.

use super::{App, Pane};
use crate::commands::{Scope, REGISTRY};
use crate::keymap::Resolution;
use crate::model::text::wrap;

/// The cells the key column takes.
pub const KEY_COLUMN: usize = 16;

impl App {
    /// Help's rows for a box `width` cells wide inside its border, as (keys,
    /// description): a heading row has an empty description; a description too long for
    /// its column goes on in rows with empty keys.
    pub fn help_lines(&self, width: usize) -> Vec<(String, String)> {
        let mut rows: Vec<(String, String)> = Vec::new();
        let scopes = self.scopes();
        // a key the pane binds to something else (d dismisses in Gaps) is not listed
        // under the broader scope it shadows there
        let reaches = |k: &str, cmd| match crate::keymap::parse_sequence(k) {
            Ok(seq) => self.keymap.resolve(&scopes, &seq) == Resolution::Run(cmd),
            Err(_) => true,
        };
        for &scope in &scopes {
            rows.push((format!("— {} —", scope.describe()), String::new()));
            for info in REGISTRY.iter().filter(|c| c.scope == scope) {
                let bound = self.keymap.keys_for(info.command);
                let keys: Vec<String> = bound
                    .iter()
                    .filter(|k| reaches(k, info.command))
                    .cloned()
                    .collect();
                let keys = match (bound.is_empty(), keys.is_empty()) {
                    (true, _) => ": palette".to_string(),
                    (false, true) => continue,
                    (false, false) => keys.join(" / "),
                };
                rows.push((keys, info.description.to_string()));
            }
            // what the pane's scores and suggestions rest on, right after its keys
            if scope == Scope::Hypotheses {
                rows.push(("— the weighting —".to_string(), String::new()));
                rows.push((String::new(), crate::model::ach::WEIGHTING.to_string()));
            }
            if scope == Scope::Gaps && self.pane == Pane::Gaps {
                rows.push(("— the gap rules —".to_string(), String::new()));
                for r in crate::analysis::RULES {
                    rows.push((r.name.to_string(), r.reasoning.to_string()));
                }
            }
        }
        let room = width.saturating_sub(KEY_COLUMN).max(10);
        let mut out = Vec::with_capacity(rows.len());
        for (keys, desc) in rows {
            if desc.is_empty() {
                out.push((keys, desc));
                continue;
            }
            let mut parts = wrap(&desc, room).into_iter();
            // a key too wide for its column stands on a row of its own
            if crate::model::text::width(&keys) >= KEY_COLUMN {
                out.push((keys, " ".to_string()));
            } else {
                out.push((keys, parts.next().unwrap_or_default()));
            }
            out.extend(parts.map(|p| (String::new(), p)));
        }
        out
    }

    /// The width inside help's box, as `ui` draws it.
    fn help_width(&self) -> usize {
        (self.size.0 as usize)
            .saturating_sub(4)
            .min(80)
            .saturating_sub(2)
    }

    /// Keeps help's scroll within its lines, so that `G` goes to the last page and `k`
    /// from there moves at once.
    pub(super) fn clamp_help(&mut self) {
        if !matches!(self.overlay, Some(super::Overlay::Help { .. })) {
            return;
        }
        // the box fills the body (the screen less the tab bar and status line), inside a border
        let rows = (self.size.1 as usize).saturating_sub(4);
        let last = self
            .help_lines(self.help_width())
            .len()
            .saturating_sub(rows);
        if let Some(super::Overlay::Help { scroll }) = &mut self.overlay {
            *scroll = (*scroll).min(last);
        }
    }
}
