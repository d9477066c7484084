//! How the interface names records in what it proposes and says: the pure wording of
//! proposed questions lives in [`crate::model::wording`]; naming an id from the store
//! is here.

pub use crate::model::wording::*;

use crate::model::text::truncate;
use crate::model::Record;

/// `E1 Darren Marsh`: an id with its name or title, cut short.
pub fn id_named(store: &crate::store::Store, id: crate::model::Id) -> String {
    match store.get(id) {
        Ok(Some(Record::Entity(e))) => format!("{id} {}", truncate(&e.name, 24)),
        Ok(Some(r)) => format!("{id} {}", truncate(&r.title(), 24)),
        _ => id.to_string(),
    }
}
