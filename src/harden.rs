//! What every weft process does to itself at start so that the text it holds cannot
//! leak through a core dump: it makes itself non-dumpable (no core file, no ptrace
//! attach by other processes of the same user, `/proc/<pid>/mem` closed) and sets its
//! core size limit to zero, which editors it starts inherit.

use rustix::process::{self, DumpableBehavior, Resource, Rlimit};

/// Hardens the calling process. Best effort: a host that refuses either call (an old
/// kernel, a seccomp filter) still runs weft; the errors are returned for tests and
/// ignored by the command line.
pub fn process() -> Vec<String> {
    let mut problems = Vec::new();
    if let Err(e) = process::set_dumpable_behavior(DumpableBehavior::NotDumpable) {
        problems.push(format!("cannot make the process non-dumpable: {e}"));
    }
    let none = Rlimit {
        current: Some(0),
        maximum: Some(0),
    };
    if let Err(e) = process::setrlimit(Resource::Core, none) {
        problems.push(format!("cannot set the core size limit to zero: {e}"));
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_process_becomes_non_dumpable_with_no_core_limit() {
        // this hardens the test process itself, which is harmless
        assert_eq!(process(), Vec::<String>::new());
        assert_eq!(
            process::dumpable_behavior().unwrap(),
            DumpableBehavior::NotDumpable
        );
        let core = process::getrlimit(Resource::Core);
        assert_eq!(core.current, Some(0));
        assert_eq!(core.maximum, Some(0));
        // and doing it again is fine (lowering to the same hard limit is allowed)
        assert!(process().is_empty());
    }
}
