//! The one registration of the interface's panes, in number-key order. Everything a
//! pane needs beyond its own folder (`app/<field>/`) and its renderer (`ui/<field>.rs`)
//! follows from this list: its keymap scope and that scope's name in keymap files
//! (`commands::Scope`), its `pane.<field>` command, the app's `Pane` enum, the app's
//! field holding its state, key and flow dispatch, refresh after a change, resizing,
//! and the renderer table.
//!
//! Each entry: the pane's name (also its scope's), its field on the app (also its
//! folder `app/<field>/`, whose `State` implements `app::pane::PaneView`, and its
//! renderer `ui/<field>.rs`), its title, and the description of the command that
//! brings it on screen. `$then` is a macro given `{ $args }` and then the list. This
//! file names nothing of ours, so the layers below `app` read it too.

macro_rules! for_each_pane {
    ($then:ident $($args:tt)*) => {
        $then! {
            { $($args)* }
            Backlog backlog, "Backlog", "Go to the Backlog pane";
            Timeline timeline, "Timeline", "Go to the Timeline pane";
            Links links, "Links", "Go to the Links pane";
            Entities entities, "Entities", "Go to the Entities pane";
            Notes notes, "Notes", "Go to the Notes pane";
            Hypotheses hypotheses, "Hypotheses", "Go to the Hypotheses pane (the matrix)";
            Gaps gaps, "Gaps", "Go to the Gaps pane (the gap hunter)";
            Plan plan, "Plan", "Go to the Plan pane (the outstanding collection)";
        }
    };
}
pub(crate) use for_each_pane;
