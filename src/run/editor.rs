//! Running the user's `$VISUAL`/`$EDITOR` on a file.

use std::path::Path;
use std::process::Command;

/// The command that edits `file` with `editor`, run the way git runs it:
/// `sh -c '<editor> "$@"' <editor> <file>`. The shell reads the editor's own quoting and
/// arguments (`code --wait`, `'/opt/my editor/ed'`), and the file name is passed as an
/// argument, never parsed.
pub fn command(editor: &str, file: &Path) -> Command {
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg(format!("{editor} \"$@\""))
        .arg(editor)
        .arg(file);
    cmd
}

/// Edits `file` and waits for the editor. An editor that cannot start or that fails is
/// an error naming it.
///
/// `meanwhile` is called again and again until the editor exits: each call should
/// return within a tenth of a second or so (the interface serves commands from the
/// command line there).
pub fn edit_while(editor: &str, file: &Path, mut meanwhile: impl FnMut()) -> Result<(), String> {
    let mut child = command(editor, file)
        .spawn()
        .map_err(|e| format!("cannot run the editor {editor:?}: {e}"))?;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) => meanwhile(),
            Err(e) => return Err(format!("cannot wait for the editor {editor:?}: {e}")),
        }
    };
    if status.success() {
        Ok(())
    } else {
        Err(format!("the editor {editor:?} failed ({status})"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn edit(editor: &str, file: &Path) -> Result<(), String> {
        edit_while(editor, file, || {
            std::thread::sleep(std::time::Duration::from_millis(10))
        })
    }

    /// An "editor" in a directory with a space in its name that writes its arguments
    /// into the file it is given last.
    fn fake_editor(dir: &Path) -> std::path::PathBuf {
        let d = dir.join("my editors");
        std::fs::create_dir(&d).unwrap();
        let ed = d.join("ed it.sh");
        std::fs::write(
            &ed,
            "#!/bin/sh\nfor last; do :; done\nprintf '%s|' \"$@\" > \"$last\"\n",
        )
        .unwrap();
        std::fs::set_permissions(&ed, std::fs::Permissions::from_mode(0o700)).unwrap();
        ed
    }

    #[test]
    fn quoting_and_arguments_in_the_editor_variable_are_the_shell_s() {
        let dir = tempfile::tempdir().unwrap();
        let ed = fake_editor(dir.path());
        let file = dir.path().join("draft with spaces; and $HOME.md");
        std::fs::write(&file, "x").unwrap();
        let editor = format!("'{}' --wait +'set tw=72'", ed.display());
        edit(&editor, &file).unwrap();
        let got = std::fs::read_to_string(&file).unwrap();
        assert_eq!(got, format!("--wait|+set tw=72|{}|", file.display()));
    }

    #[test]
    fn a_failing_or_missing_editor_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("f.md");
        std::fs::write(&file, "x").unwrap();
        let e = edit("false", &file).unwrap_err();
        assert!(e.contains("\"false\" failed"), "{e}");
        let e = edit("/nonexistent/editor", &file).unwrap_err();
        assert!(e.contains("/nonexistent/editor"), "{e}");
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "x");
    }
}
