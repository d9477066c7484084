// TEMPORARY: replaced by the interface.
use crate::store::Store;
use std::path::Path;
pub fn run(_store: Store, _keymap: Option<&Path>) -> Result<(), String> {
    Err("interface not built yet".into())
}
