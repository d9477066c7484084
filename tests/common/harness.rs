//! The interface without a terminal: an `App` on a fresh workspace, keys fed as keymap
//! sequences or literal text, and the screen read back from ratatui's TestBackend.

use ratatui::backend::TestBackend;
use ratatui::Terminal;
use weft::app::App;
use weft::commands::Command;
use weft::keymap::{parse_sequence, Key, KeyCode, Keymap, Resolution};
use weft::store::{OpenOptions, Store};
use weft::ui::{self, Theme};

pub struct Harness {
    pub app: App,
    pub term: Terminal<TestBackend>,
    _dir: tempfile::TempDir,
}

impl Harness {
    /// An 80x24 interface on a workspace that `setup` fills.
    pub fn new(setup: impl FnOnce(&mut Store)) -> Harness {
        Self::sized(80, 24, setup)
    }

    pub fn sized(w: u16, h: u16, setup: impl FnOnce(&mut Store)) -> Harness {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut store = Store::open(
            &dir.path().join("kestrel"),
            &OpenOptions {
                create: true,
                ..OpenOptions::default()
            },
        )
        .expect("open");
        setup(&mut store);
        let mut app = App::new(store, Keymap::default_keymap(), vec![]).expect("app");
        app.today = chrono::NaiveDate::from_ymd_opt(2026, 11, 25).expect("date");
        app.resize(w, h);
        Harness {
            app,
            term: Terminal::new(TestBackend::new(w, h)).expect("terminal"),
            _dir: dir,
        }
    }

    /// Presses keys written as keymap sequences: "j j enter", "o p", "ctrl-s".
    pub fn press(&mut self, seq: &str) -> &mut Self {
        for k in parse_sequence(seq).expect("key sequence") {
            self.app.on_key(k);
        }
        self
    }

    /// Runs the command named `name` in the registry (`"backlog.add"`) as a user would:
    /// finds a key sequence bound to it that, in the scopes active now, resolves to it,
    /// and presses those keys through `App::on_key`. Panics if the name is unknown, if a
    /// box is open (its keys are not commands), if a chord is half pressed, or if no key
    /// reaches the command here.
    pub fn press_command(&mut self, name: &str) -> &mut Self {
        let cmd = Command::from_name(name)
            .unwrap_or_else(|| panic!("press_command: no command named {name:?}"));
        assert!(
            self.app.overlay.is_none(),
            "press_command({name:?}): a box is open; its keys are not commands"
        );
        assert!(
            self.app.pending.is_empty(),
            "press_command({name:?}): a chord is half pressed"
        );
        let scopes = self.app.scopes();
        let bound = self.app.keymap.keys_for(cmd);
        let keys = bound
            .iter()
            .filter_map(|seq| parse_sequence(seq).ok())
            .find(|keys| self.app.keymap.resolve(&scopes, keys) == Resolution::Run(cmd))
            .unwrap_or_else(|| {
                panic!("press_command({name:?}): no key runs it in {scopes:?} (bound to {bound:?})")
            });
        for k in keys {
            self.app.on_key(k);
        }
        self
    }

    /// Runs each named command in turn, as [`Harness::press_command`].
    pub fn press_commands(&mut self, names: &[&str]) -> &mut Self {
        for name in names {
            self.press_command(name);
        }
        self
    }

    /// Takes in every background result under way (finder search, matrix read, gap
    /// run), waiting on their channels, so what is drawn next is the finished state.
    pub fn settle(&mut self) -> &mut Self {
        let limit = std::time::Duration::from_secs(60);
        let started = std::time::Instant::now();
        while self.app.background_pending() {
            assert!(started.elapsed() < limit, "a background job did not answer");
            if !self.app.wait_background(limit) {
                // the search file's writer reports only to the run loop's looks
                self.app.poll_background();
                std::thread::sleep(std::time::Duration::from_millis(5));
            }
        }
        self
    }

    /// Types literal text, one key per character.
    pub fn typed(&mut self, text: &str) -> &mut Self {
        for c in text.chars() {
            self.app.on_key(Key {
                code: KeyCode::Char(c),
                ctrl: false,
                alt: false,
            });
        }
        self
    }

    /// Draws a frame and returns it as text, one line per row.
    pub fn screen(&mut self) -> String {
        let app = &self.app;
        self.term
            .draw(|f| ui::render(app, Theme { color: false }, f))
            .expect("draw");
        let buf = self.term.backend().buffer().clone();
        let mut out = String::new();
        for y in 0..buf.area.height {
            let mut x = 0;
            while x < buf.area.width {
                let sym = buf[(x, y)].symbol();
                out.push_str(sym);
                // a wide character covers the next cell too
                x += unicode_width::UnicodeWidthStr::width(sym).max(1) as u16;
            }
            out.push('\n');
        }
        out
    }

    /// The screen line holding `text`.
    pub fn line_with(&mut self, text: &str) -> String {
        let s = self.screen();
        s.lines()
            .find(|l| l.contains(text))
            .unwrap_or_else(|| panic!("no line with {text:?}:\n{s}"))
            .to_string()
    }
}
