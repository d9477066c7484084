//! The one registration of the interface's panes, in number-key order. Everything a
//! pane needs beyond its own folder (`app/<field>/`) and its renderer (`ui/<field>.rs`)
//! follows from this list: its keymap scope and that scope's name in keymap files
//! (`commands::Scope`), its `pane.<field>` command, the app's `Pane` enum, the app's
//! field holding its state, key and flow dispatch, refresh after a change, resizing,
//! and the renderer table.
//!
//! Each entry: the pane's name (also its scope's), its state's field on the app and
//! type (which implements `app::pane::PaneView`), its title, and the description of
//! the command that brings it on screen. `$then` is a macro given `{ $args }` and then
//! the list; this file is only tokens, so the layers below `app` can read it.

macro_rules! for_each_pane {
    ($then:ident $($args:tt)*) => {
        $then! {
            { $($args)* }
            Backlog backlog: crate::app::backlog::BacklogState, "Backlog",
                "Go to the Backlog pane";
            Timeline timeline: crate::app::timeline::TimelineState, "Timeline",
                "Go to the Timeline pane";
            Links links: crate::app::links::LinksState, "Links",
                "Go to the Links pane";
            Entities entities: crate::app::entities::EntitiesState, "Entities",
                "Go to the Entities pane";
            Notes notes: crate::app::notes::NotesState, "Notes",
                "Go to the Notes pane";
            Hypotheses hypotheses: crate::app::hypotheses::HypothesesState, "Hypotheses",
                "Go to the Hypotheses pane (the matrix)";
            Gaps gaps: crate::app::gaps::GapsState, "Gaps",
                "Go to the Gaps pane (the gap hunter)";
        }
    };
}
pub(crate) use for_each_pane;
