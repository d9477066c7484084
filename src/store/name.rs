//! The workspace's name: the case it holds ("Operation KESTREL"), as the tab bar and the
//! briefing show it. Kept in a one-line file `name` in the workspace (owner-only), so a
//! rebuild from the journal log (`weft recover`) carries it across with a copy; without
//! one, the directory's name stands in.

use super::{Result, Store, StoreError};
use std::fs;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

/// The file holding the name, in the workspace directory.
pub const NAME_FILE: &str = "name";

/// The longest name accepted, in characters.
const MAX_NAME: usize = 120;

/// The name kept in `dir`, if one was set.
pub(crate) fn read_name(dir: &Path) -> Option<String> {
    use std::io::Read;
    // a symlink is not followed out of the workspace (its open refuses one)
    let mut f = fs::OpenOptions::new()
        .read(true)
        .custom_flags(super::open::NOFOLLOW)
        .open(dir.join(NAME_FILE))
        .ok()?;
    let mut text = String::new();
    f.read_to_string(&mut text).ok()?;
    let name = text.trim();
    (!name.is_empty()).then(|| name.to_string())
}

/// Refuses a name that is empty, more than one line or too long, or that holds a
/// control character (an escape sequence would reach every terminal that shows it) or a
/// character that draws nothing (a zero-width space, a bidi override, a soft hyphen).
pub fn check_name(name: &str) -> Result<()> {
    let name = name.trim();
    if name.is_empty() || name.contains(['\n', '\r']) || name.chars().count() > MAX_NAME {
        return Err(StoreError::invalid(format!(
            "workspace name {name:?}: give one line of 1 to {MAX_NAME} characters"
        )));
    }
    if let Some(why) = crate::model::text::name_fault(name, true) {
        return Err(StoreError::invalid(format!(
            "workspace name {name:?}: {why}; give one line of visible characters"
        )));
    }
    Ok(())
}

/// Writes `name` to `dir`'s name file, owner-only and atomically
/// ([`crate::fsutil::write_atomic`]).
pub(crate) fn write_name(dir: &Path, name: &str) -> Result<()> {
    check_name(name)?;
    let name = name.trim();
    let io = |e: std::io::Error| {
        StoreError::invalid(format!(
            "cannot write {}: {e}",
            dir.join(NAME_FILE).display()
        ))
    };
    // a fresh temporary file (never opened through a link), renamed over the name
    crate::fsutil::write_atomic(&dir.join(NAME_FILE), format!("{name}\n").as_bytes()).map_err(io)
}

impl Store {
    /// The workspace's name: the one set with `weft init --name` (or the demo's case
    /// name), else its directory's name (for the demo's `weft-demo-XXXX/workspace`, the
    /// directory above).
    pub fn name(&self) -> String {
        if let Some(n) = read_name(&self.path) {
            return n;
        }
        let p = &self.path;
        let dir = |p: &Path| p.file_name().map(|n| n.to_string_lossy().into_owned());
        match dir(p) {
            Some(n) if n == "workspace" => p.parent().and_then(dir).unwrap_or(n),
            Some(n) => n,
            None => p.display().to_string(),
        }
    }

    /// The name given with `weft init --name` (or the demo's), if any.
    pub fn given_name(&self) -> Option<String> {
        read_name(&self.path)
    }

    /// Names the workspace (one line).
    pub fn set_name(&mut self, name: &str) -> Result<()> {
        self.check_writable()?;
        write_name(&self.path, name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_is_one_line_kept_owner_only_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(read_name(dir.path()), None);
        write_name(dir.path(), "  Operation KESTREL ").unwrap();
        assert_eq!(read_name(dir.path()).as_deref(), Some("Operation KESTREL"));
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(dir.path().join(NAME_FILE))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
        for bad in [
            "",
            "  ",
            "two\nlines",
            &"x".repeat(121),
            "Op \u{1b}[2J",
            "Op\u{7f}",
            "Op\u{9b}",
            "Op\u{200b}X",
            "Op\u{2066}X",
            "Op\u{ad}X",
        ] {
            let e = write_name(dir.path(), bad).unwrap_err().to_string();
            assert!(e.contains("workspace name"), "{e}");
        }
        assert_eq!(read_name(dir.path()).as_deref(), Some("Operation KESTREL"));
    }

    #[test]
    fn a_name_is_never_read_or_written_through_a_link() {
        let dir = tempfile::tempdir().unwrap();
        let ws = dir.path().join("ws");
        fs::create_dir(&ws).unwrap();
        let outside = dir.path().join("outside");
        fs::write(&outside, "secret\n").unwrap();
        std::os::unix::fs::symlink(&outside, ws.join(NAME_FILE)).unwrap();
        std::os::unix::fs::symlink(&outside, ws.join(".name.tmp")).unwrap();
        assert_eq!(read_name(&ws), None);
        write_name(&ws, "Operation KESTREL").unwrap();
        assert_eq!(fs::read_to_string(&outside).unwrap(), "secret\n");
        assert_eq!(read_name(&ws).as_deref(), Some("Operation KESTREL"));
        assert!(!fs::symlink_metadata(ws.join(NAME_FILE))
            .unwrap()
            .is_symlink());
    }
}
