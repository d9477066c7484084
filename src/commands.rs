//! The registry of named commands: the one list that keymaps, `?` help, the `:` palette
//! and the README's key table all read.

use std::fmt;

/// Declares [`Scope`]: the three shared scopes, then one per pane from the registration
/// in `panes.rs`.
macro_rules! declare_scopes {
    ({} $($var:ident $field:ident, $title:literal, $desc:literal;)*) => {
        /// Where a command applies. Scopes are layered: the pane's own scope first, then
        /// the selected record, then lists, then global.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Scope {
            Global,
            List,
            Record,
            $($var),*
        }

        impl Scope {
            pub const ALL: &'static [Scope] =
                &[Scope::Global, Scope::List, Scope::Record, $(Scope::$var),*];

            /// The section name in keymap files.
            pub fn name(self) -> &'static str {
                match self {
                    Scope::Global => "global",
                    Scope::List => "list",
                    Scope::Record => "record",
                    $(Scope::$var => stringify!($field)),*
                }
            }

            /// Where it applies, for help: "everywhere", "any list", a pane's title.
            pub fn describe(self) -> &'static str {
                match self {
                    Scope::Global => "everywhere",
                    Scope::List => "any list",
                    Scope::Record => "a selected record",
                    $(Scope::$var => $title),*
                }
            }

            /// Whether this is a pane's own scope.
            pub fn is_pane(self) -> bool {
                !matches!(self, Scope::Global | Scope::List | Scope::Record)
            }
        }
    };
}
crate::panes::for_each_pane!(declare_scopes);

impl Scope {
    pub fn from_name(s: &str) -> Option<Scope> {
        Scope::ALL.iter().copied().find(|x| x.name() == s)
    }
}

/// Declares the command enum and its registry table in one place.
/// The pane commands (`pane.<field>`, one per registered pane) come right after the
/// first entries `$head`.
macro_rules! commands {
    (
        {
            { $($hvar:ident => $hname:literal, $hscope:ident, $hdesc:literal;)+ }
            $($var:ident => $name:literal, $scope:ident, $desc:literal;)+
        }
        $($pane:ident $field:ident, $title:literal, $pdesc:literal;)*
    ) => {
        /// A named command: what a key, the palette or a test asks the application to do.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Command {
            $($hvar,)+
            /// Bring a pane on screen: its scope names it.
            Show(Scope),
            $($var),+
        }

        /// Every command, in registry order.
        pub const REGISTRY: &[CommandInfo] = &[
            $(CommandInfo { command: Command::$hvar, name: $hname, scope: Scope::$hscope, description: $hdesc },)+
            $(CommandInfo {
                command: Command::Show(Scope::$pane),
                name: concat!("pane.", stringify!($field)),
                scope: Scope::Global,
                description: $pdesc,
            },)*
            $(CommandInfo { command: Command::$var, name: $name, scope: Scope::$scope, description: $desc }),+
        ];
    };
}

/// A command's entry in the registry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CommandInfo {
    pub command: Command,
    pub name: &'static str,
    pub scope: Scope,
    pub description: &'static str,
}

crate::panes::for_each_pane! {
    commands
    {
        Quit => "quit", Global, "Quit (every change is already saved)";
        NextPane => "pane.next", Global, "Next pane";
        PrevPane => "pane.prev", Global, "Previous pane";
    }
    Finder => "finder", Global, "Find any record by fuzzy search and jump to it";
    Palette => "palette", Global, "Run any command by name";
    Help => "help", Global, "Show the keys of this pane";
    Undo => "undo", Global, "Undo the last change";
    Redo => "redo", Global, "Redo the last undone change";
    Back => "back", Global, "Back or cancel (typed text is kept)";
    Down => "list.down", List, "Move down";
    Up => "list.up", List, "Move up";
    First => "list.first", List, "Go to the first row";
    Last => "list.last", List, "Go to the last row";
    PageDown => "list.page_down", List, "Page down";
    PageUp => "list.page_up", List, "Page up";
    Open => "list.open", List, "Open the selected row";
    ShowLinks => "record.links", Record, "Show the selected record in the Links pane";
    ShowTimeline => "record.timeline", Record, "Show the selected record's timeline";
    LinkTo => "record.link", Record, "Link the selected record to another";
    Edit => "record.edit", Record, "Edit the selected record";
    Delete => "record.delete", Record, "Delete the selected record (asks first)";
    Tags => "record.tags", Record, "Edit the selected record's tags";
    AskAbout => "record.ask", Record, "Ask a question about the selected record, linked to it";
    AddQuestion => "backlog.add", Backlog, "Add a question";
    AddSubQuestion => "backlog.add_sub", Backlog, "Add a sub-question under the selected one";
    SetStatus => "backlog.status", Backlog, "Set the question's status (a picker; the answer is asked only for answered)";
    PriorityUp => "backlog.priority_up", Backlog, "Raise the priority (towards 1)";
    PriorityDown => "backlog.priority_down", Backlog, "Lower the priority (towards 4)";
    AddHypothesis => "backlog.hypothesis", Backlog, "Add a hypothesis to the question";
    Likelihood => "backlog.likelihood", Backlog, "Set the selected hypothesis's likelihood";
    HypothesisStatus => "backlog.hypothesis_status", Backlog, "Set the selected hypothesis's status: live, rejected or confirmed";
    SetKind => "backlog.kind", Backlog, "Set the SEES kind";
    ReviewBy => "backlog.review", Backlog, "Set the review-by date";
    MoveQuestion => "backlog.move", Backlog, "Move the question under another one (found by name) or to the top level";
    EditDetail => "backlog.detail", Backlog, "Edit the detail text in the editor";
    Filter => "backlog.filter", Backlog, "Filter by status, priority, kind or tag";
    SortPriority => "backlog.sort_priority", Backlog, "Sort by priority";
    SortStatus => "backlog.sort_status", Backlog, "Sort by status";
    SortKind => "backlog.sort_kind", Backlog, "Sort by SEES kind";
    SortId => "backlog.sort_id", Backlog, "Sort by id (creation order)";
    SortUpdated => "backlog.sort_updated", Backlog, "Sort by last change, newest first";
    Export => "backlog.export", Backlog, "Export the backlog as filtered on screen";
    ZoomOut => "timeline.zoom_out", Timeline, "Zoom out (day, week, month, year)";
    ZoomIn => "timeline.zoom_in", Timeline, "Zoom in (year, month, week, day)";
    JumpDate => "timeline.jump", Timeline, "Jump to a date";
    TimeAxis => "timeline.axis", Timeline, "Switch between occurred and recorded time";
    TimelineFilter => "timeline.filter", Timeline, "Filter by entity, question or tag";
    AskGap => "timeline.ask", Timeline, "Turn the selected quiet stretch into a question";
    WalkBack => "links.back", Links, "Walk back along the trail";
    FindPath => "links.path", Links, "Find the shortest path to another record";
    AddEntity => "entities.add", Entities, "Add an entity";
    MergeEntity => "entities.merge", Entities, "Merge another entity into the selected one";
    EntityFilter => "entities.filter", Entities, "Filter entities by fuzzy text";
    EntityKindFilter => "entities.kind", Entities, "Show one kind of entity (or all)";
    AddNote => "notes.add", Notes, "Add a note (text in the editor)";
    NoteGrade => "notes.grade", Notes, "Set the note's 3x5x2 grade";
    NoteWhen => "notes.when", Notes, "Set when the note's event happened";
    NoteSource => "notes.source", Notes, "Set the note's source";
    NoteFilter => "notes.filter", Notes, "Filter notes by tag, grade or source";
    NoteOrder => "notes.order", Notes, "Order by recorded time or by occurred time";
    ColumnLeft => "hypotheses.left", Hypotheses, "Select the hypothesis column to the left";
    ColumnRight => "hypotheses.right", Hypotheses, "Select the hypothesis column to the right";
    CellVeryConsistent => "hypotheses.cc", Hypotheses, "Cell: ++ very consistent (Heuer CC)";
    CellConsistent => "hypotheses.c", Hypotheses, "Cell: + consistent (Heuer C)";
    CellNeutral => "hypotheses.n", Hypotheses, "Cell: 0 neutral or not applicable (Heuer N)";
    CellInconsistent => "hypotheses.i", Hypotheses, "Cell: - inconsistent (Heuer I)";
    CellVeryInconsistent => "hypotheses.ii", Hypotheses, "Cell: -- very inconsistent (Heuer II)";
    CellClear => "hypotheses.clear", Hypotheses, "Cell: clear it (not assessed)";
    AddEvidence => "hypotheses.evidence", Hypotheses, "Add an evidence row: pick any note (linked to the question)";
    MatrixHypothesis => "hypotheses.add", Hypotheses, "Add a hypothesis to the question";
    MatrixQuestion => "hypotheses.question", Hypotheses, "Show the matrix of another question (finder over questions)";
    MatrixStatus => "hypotheses.status", Hypotheses, "Set the selected hypothesis's status: live, rejected or confirmed";
    MatrixLikelihood => "hypotheses.likelihood", Hypotheses, "Set the selected hypothesis's likelihood (yardstick words)";
    ShowRejected => "hypotheses.rejected", Hypotheses, "Show or hide rejected hypotheses";
    HideFlat => "hypotheses.flat", Hypotheses, "Hide or show non-diagnostic rows (same value under every live hypothesis)";
    OrderRows => "hypotheses.order", Hypotheses, "Order rows by diagnosticity (most separating first) or by note id";
    CollectNext => "hypotheses.collect", Hypotheses, "Collect next: what could change the lead, ranked by how much; Enter acts on the one picked";
    AddExpectation => "hypotheses.expect", Hypotheses, "Add an expectation to the selected hypothesis (what should be seen)";
    CheckExpectation => "hypotheses.checked", Hypotheses, "Set an expectation's status: unchecked, absent (where, when) or found (note)";
    GapAccept => "gaps.accept", Gaps, "Accept the suggestion: a question linked to its records";
    GapDismiss => "gaps.dismiss", Gaps, "Dismiss the suggestion until its records change, saying why";
    GapShowDealt => "gaps.dealt", Gaps, "Show the dismissed and accepted suggestions (or the open ones)";
    GapRestore => "gaps.restore", Gaps, "Restore a dismissed suggestion";
    GapNextGroup => "gaps.next_group", Gaps, "Jump to the next group (priority served, then rule)";
    GapPrevGroup => "gaps.prev_group", Gaps, "Jump to the previous group (priority served, then rule)";
    PlanCheck => "plan.check", Plan, "Set what was found for the selected expectation (absent: where and when; found: the note)";
}

impl Command {
    pub fn info(self) -> &'static CommandInfo {
        REGISTRY
            .iter()
            .find(|c| c.command == self)
            .expect("every command is in the registry")
    }

    pub fn name(self) -> &'static str {
        self.info().name
    }

    pub fn from_name(name: &str) -> Option<Command> {
        REGISTRY.iter().find(|c| c.name == name).map(|c| c.command)
    }
}

impl fmt::Display for Command {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn names_are_unique_and_round_trip() {
        let mut seen = HashSet::new();
        for c in REGISTRY {
            assert!(seen.insert(c.name), "duplicate name {}", c.name);
            assert_eq!(Command::from_name(c.name), Some(c.command));
            assert!(!c.description.is_empty());
            let prefix = c.name.split('.').next().unwrap_or("");
            if c.name.contains('.') && prefix != "pane" {
                assert_eq!(prefix, c.scope.name(), "{} sits in its scope", c.name);
            }
        }
    }
}
