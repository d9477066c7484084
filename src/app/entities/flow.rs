//! The steps of the Entities pane's prompts and pickers, carried by the boxes it opens.

use crate::app::overlay::{Flow, Step};
use crate::commands::Scope;
use crate::model::Id;

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

/// A box's flow that comes back to this pane as `f`.
pub(super) fn flow(f: EntitiesFlow) -> Flow {
    Flow::Pane(Step::new(Scope::Entities, f))
}
