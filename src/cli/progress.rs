//! Progress of long work (import, export of a workspace, check, the synthetic
//! generator) on standard error, drawn only when standard error is a terminal so
//! scripts and logs never see it. The store's long operations report into it through a
//! plain callback, `&mut dyn FnMut(done, total)`, and know nothing of the terminal.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressFinish, ProgressStyle};
use std::io::IsTerminal;
use std::time::Duration;

/// One piece of long work: a bar when the total is known, a spinner with the current
/// stage when it is not. Cleared from the screen when it ends, successfully or not.
pub struct Progress {
    bar: ProgressBar,
    counted: bool,
}

impl Progress {
    /// Progress of `what` ("check", "import kestrel.json") on standard error, hidden
    /// unless standard error is a terminal, and for a command served for another process
    /// (this process's standard error is not the client's).
    pub fn new(what: &str) -> Progress {
        let target = if std::io::stderr().is_terminal() && !super::served::serving() {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        };
        Progress::with_target(what, target)
    }

    /// Progress drawn to `target` (tests draw to a recording terminal).
    pub fn with_target(what: &str, target: ProgressDrawTarget) -> Progress {
        let bar = ProgressBar::with_draw_target(None, target)
            .with_prefix(format!("weft: {what}"))
            .with_style(spinner_style())
            .with_finish(ProgressFinish::AndClear);
        if !bar.is_hidden() {
            bar.enable_steady_tick(Duration::from_millis(120));
        }
        Progress {
            bar,
            counted: false,
        }
    }

    /// Whether anything is drawn.
    pub fn is_drawn(&self) -> bool {
        !self.bar.is_hidden()
    }

    /// A new stage of the work whose size is not known yet ("parsing", "writing"):
    /// a spinner with the stage's name until the next count.
    pub fn stage(&mut self, message: &str) {
        if self.counted {
            self.counted = false;
            self.bar.set_style(spinner_style());
        }
        self.bar.set_message(message.to_string());
        self.bar.tick();
    }

    /// `done` of `total` units finished; a total of 0 means not known.
    pub fn update(&mut self, done: u64, total: u64) {
        if total == 0 {
            self.bar.set_position(done);
            return;
        }
        if !self.counted {
            self.counted = true;
            self.bar.set_style(bar_style());
        }
        if self.bar.length() != Some(total) {
            self.bar.set_length(total);
        }
        self.bar.set_position(done.min(total));
    }

    /// The callback the store's long operations report into.
    pub fn reporter(&mut self) -> impl FnMut(u64, u64) + '_ {
        move |done, total| self.update(done, total)
    }

    /// The callback of work in named stages (a sync: "fetching", "taking in"), each
    /// counted or not: the stage, and how many of how many units are done (0 of 0: not
    /// counted).
    pub fn stages(&mut self) -> impl FnMut(&str, u64, u64) + '_ {
        let mut last = String::new();
        move |stage, done, total| {
            if stage != last {
                self.stage(stage);
                last = stage.to_string();
            }
            if total > 0 {
                self.update(done, total);
            }
        }
    }

    /// Ends the work and clears its line.
    pub fn finish(self) {
        self.bar.finish_and_clear();
    }
}

fn spinner_style() -> ProgressStyle {
    ProgressStyle::with_template("{prefix} {spinner} {msg} {elapsed}")
        .unwrap_or_else(|_| ProgressStyle::default_spinner())
}

fn bar_style() -> ProgressStyle {
    ProgressStyle::with_template("{prefix} [{bar:30}] {human_pos}/{human_len} {msg} {eta}")
        .map(|s| s.progress_chars("=> "))
        .unwrap_or_else(|_| ProgressStyle::default_bar())
}

#[cfg(test)]
mod tests {
    use super::*;
    use indicatif::TermLike;
    use std::sync::{Arc, Mutex};

    /// A terminal that records what is written to it.
    #[derive(Debug, Clone, Default)]
    struct Screen(Arc<Mutex<String>>);

    impl TermLike for Screen {
        fn width(&self) -> u16 {
            100
        }
        fn move_cursor_up(&self, _: usize) -> std::io::Result<()> {
            Ok(())
        }
        fn move_cursor_down(&self, _: usize) -> std::io::Result<()> {
            Ok(())
        }
        fn move_cursor_right(&self, _: usize) -> std::io::Result<()> {
            Ok(())
        }
        fn move_cursor_left(&self, _: usize) -> std::io::Result<()> {
            Ok(())
        }
        fn write_line(&self, s: &str) -> std::io::Result<()> {
            self.write_str(&format!("{s}\n"))
        }
        fn write_str(&self, s: &str) -> std::io::Result<()> {
            self.0.lock().unwrap().push_str(s);
            Ok(())
        }
        fn clear_line(&self) -> std::io::Result<()> {
            Ok(())
        }
        fn flush(&self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_terminal_sees_each_stage_by_name_and_a_counted_one_with_its_count() {
        let screen = Screen::default();
        let target = ProgressDrawTarget::term_like(Box::new(screen.clone()));
        let mut p = Progress::with_target("sync", target);
        {
            let mut tick = p.stages();
            tick("fetching", 0, 0);
        }
        p.bar.force_draw();
        let drawn = screen.0.lock().unwrap().clone();
        assert!(
            drawn.contains("weft: sync") && drawn.contains("fetching"),
            "{drawn:?}"
        );
        {
            let mut tick = p.stages();
            tick("taking in", 4096, 10630);
        }
        p.bar.force_draw();
        let drawn = screen.0.lock().unwrap().clone();
        assert!(drawn.contains("taking in"), "{drawn:?}");
        assert!(drawn.contains("4,096/10,630"), "{drawn:?}");
        p.finish();
    }

    #[test]
    fn a_terminal_sees_the_count_and_the_total() {
        let screen = Screen::default();
        let target = ProgressDrawTarget::term_like(Box::new(screen.clone()));
        let mut p = Progress::with_target("check", target);
        assert!(p.is_drawn());
        {
            let mut report = p.reporter();
            report(250, 1000);
        }
        // Drawing is rate-limited; draw now rather than wait for the next frame.
        p.bar.force_draw();
        let drawn = screen.0.lock().unwrap().clone();
        assert!(drawn.contains("weft: check"), "{drawn:?}");
        assert!(drawn.contains("250/1,000"), "{drawn:?}");
        p.finish();
    }

    #[test]
    fn stages_show_while_the_size_is_unknown() {
        let screen = Screen::default();
        let target = ProgressDrawTarget::term_like(Box::new(screen.clone()));
        let mut p = Progress::with_target("import dump.json", target);
        p.stage("parsing");
        let drawn = screen.0.lock().unwrap().clone();
        assert!(drawn.contains("weft: import dump.json"), "{drawn:?}");
        assert!(drawn.contains("parsing"), "{drawn:?}");
        p.finish();
    }

    #[test]
    fn hidden_progress_draws_nothing_and_still_counts() {
        let mut p = Progress::with_target("check", ProgressDrawTarget::hidden());
        assert!(!p.is_drawn());
        p.update(5, 10);
        p.update(20, 10);
        assert_eq!(p.bar.position(), 10);
        assert_eq!(p.bar.length(), Some(10));
    }
}
