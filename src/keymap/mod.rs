// TEMPORARY: replaced by the keymap module being written now.
use std::path::Path;
pub fn check_file(_p: &Path) -> Vec<String> {
    Vec::new()
}
