//! The run loop: sets the terminal up, draws only after input or a resize, and restores
//! the terminal on every way out (normal exit, panic, SIGTERM, SIGHUP, SIGINT).

use super::{App, Effect};
use crate::keymap::{Key, Keymap};
use crate::store::Store;
use crate::ui::{self, Theme};
use ratatui::crossterm::event::{self, Event};
use std::io::Write;
use std::path::Path;

/// Runs the interface on an open workspace until the user quits. `welcome` is shown on
/// the status line at start, unless a keymap problem needs it.
pub fn run(
    store: Store,
    keymap_path: Option<&Path>,
    welcome: Option<String>,
) -> Result<(), String> {
    let (keymap, problems) = Keymap::load(keymap_path);
    let problems: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
    let mut app = App::new(store, keymap, problems).map_err(|e| e.to_string())?;
    if let (None, Some(w)) = (&app.message, welcome) {
        app.info(w);
    }
    app.editor = ["VISUAL", "EDITOR"]
        .iter()
        .filter_map(|v| std::env::var(v).ok())
        .find(|v| !v.trim().is_empty());
    let theme = Theme::from_env();
    watch_signals()?;
    // ratatui installs a panic hook that restores the terminal before the report.
    let mut terminal =
        ratatui::try_init().map_err(|e| format!("cannot start the terminal: {e}"))?;
    let result = event_loop(&mut app, theme, &mut terminal);
    ratatui::restore();
    result
}

fn event_loop(
    app: &mut App,
    theme: Theme,
    terminal: &mut ratatui::DefaultTerminal,
) -> Result<(), String> {
    let size = terminal.size().map_err(|e| e.to_string())?;
    app.resize(size.width, size.height);
    loop {
        terminal
            .draw(|f| ui::render(app, theme, f))
            .map_err(|e| format!("cannot draw: {e}"))?;
        // Block until something happens: no timer, no idle redraw.
        loop {
            match event::read().map_err(|e| format!("cannot read the terminal: {e}"))? {
                Event::Key(k) => {
                    if let Some(key) = Key::from_event(&k) {
                        crash_switch(&key);
                        app.on_key(key);
                        break;
                    }
                }
                Event::Resize(w, h) => {
                    app.resize(w, h);
                    break;
                }
                _ => {}
            }
        }
        if let Some(effect) = app.take_effect() {
            match effect {
                Effect::ExternalEdit { text, flow } => {
                    ratatui::restore();
                    let edited = external_edit(app.editor.as_deref().unwrap_or("vi"), &text);
                    *terminal = ratatui::try_init()
                        .map_err(|e| format!("cannot restart the terminal: {e}"))?;
                    terminal.clear().map_err(|e| e.to_string())?;
                    match edited {
                        Ok(Some(new)) => app.finish(flow, new),
                        Ok(None) => app.info("unchanged"),
                        Err(e) => app.error(e),
                    }
                }
            }
        }
        if app.quit {
            return Ok(());
        }
    }
}

/// Debug builds only: `WEFT_DEBUG_PANIC_KEY=X` panics when X is pressed, so a test can
/// prove the terminal is restored after a panic in a real process. Release builds have
/// no such switch.
fn crash_switch(key: &Key) {
    #[cfg(debug_assertions)]
    if let Some(k) = std::env::var_os("WEFT_DEBUG_PANIC_KEY") {
        if k.to_str() == Some(key.to_string().as_str()) {
            panic!("deliberate panic (WEFT_DEBUG_PANIC_KEY) to test terminal restore");
        }
    }
    #[cfg(not(debug_assertions))]
    let _ = key;
}

/// Edits `text` in the user's editor through an owner-only temporary file. Returns
/// `None` when the text came back unchanged.
fn external_edit(editor: &str, text: &str) -> Result<Option<String>, String> {
    let mut file = tempfile::Builder::new()
        .prefix("weft-edit-")
        .suffix(".md")
        .tempfile()
        .map_err(|e| format!("cannot make a file to edit: {e}"))?;
    file.write_all(text.as_bytes())
        .and_then(|_| file.flush())
        .map_err(|e| format!("cannot write the file to edit: {e}"))?;
    let mut parts = editor.split_whitespace();
    let program = parts.next().unwrap_or("vi");
    let status = std::process::Command::new(program)
        .args(parts)
        .arg(file.path())
        .status()
        .map_err(|e| format!("cannot run the editor {editor:?}: {e}"))?;
    if !status.success() {
        return Err(format!(
            "the editor {editor:?} failed ({status}); nothing saved"
        ));
    }
    let new = std::fs::read_to_string(file.path())
        .map_err(|e| format!("cannot read the edited file: {e}"))?;
    let new = new.trim_end().to_string();
    Ok(if new == text.trim_end() {
        None
    } else {
        Some(new)
    })
}

/// On SIGTERM, SIGHUP (the SSH session dropped) or SIGINT, restore the terminal and exit.
/// Every change is already flushed, so leaving at once loses nothing.
fn watch_signals() -> Result<(), String> {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let mut signals = signal_hook::iterator::Signals::new([SIGTERM, SIGHUP, SIGINT])
        .map_err(|e| format!("cannot watch signals: {e}"))?;
    std::thread::Builder::new()
        .name("signals".into())
        .spawn(move || {
            if let Some(sig) = signals.forever().next() {
                ratatui::restore();
                std::process::exit(128 + sig);
            }
        })
        .map_err(|e| format!("cannot watch signals: {e}"))?;
    Ok(())
}
