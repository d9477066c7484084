//! The interface without a terminal: an `App` on a fresh workspace, keys fed as keymap
//! sequences or literal text, and the screen read back from ratatui's TestBackend.

use ratatui::backend::TestBackend;
use ratatui::Terminal;
use weft::app::App;
use weft::keymap::{parse_sequence, Key, KeyCode, Keymap};
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
