//! Killing a real command at points spread over its run.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Runs `cmd` to the end once to learn how long it takes, then `kills` more times,
/// each killed (SIGKILL) a little later into its run, calling `after` each time.
pub fn kill_through(mut cmd: impl FnMut() -> Command, kills: u32, mut after: impl FnMut(u32)) {
    let started = Instant::now();
    let full = cmd().stdout(Stdio::null()).stderr(Stdio::null()).status();
    assert!(full.unwrap().success());
    let span = started.elapsed();
    for k in 0..kills {
        let at = span.mul_f64(f64::from(k) / f64::from(kills));
        let mut child = cmd()
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(at.max(Duration::from_millis(1)));
        let _ = child.kill();
        let _ = child.wait();
        after(k);
    }
}
