//! The `git` command-line tool, run in a shared enquiry's repository. weft has no network
//! code: git moves the journal files. Each call runs without a terminal to ask on
//! (`GIT_TERMINAL_PROMPT=0`, ssh in batch mode), without the user's hooks, in the C
//! locale, and a failure comes back as one line: what weft asked and git's last word.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The bytes of files git would read again ([`Git::settle_index`]) worth waiting up to
/// a second to spare it: about what it reads and compresses in half a second.
const RACY_BYTES: u64 = 32 << 20;

/// The branch every shared enquiry uses.
pub const BRANCH: &str = "main";

/// A failed git call: what was being done and git's own last line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GitError {
    pub doing: String,
    pub said: String,
}

impl std::fmt::Display for GitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.doing, self.said)
    }
}

/// A file's bytes as a commit holds them, streamed from git ([`Git::blob`]).
pub struct Blob {
    child: std::process::Child,
    out: std::io::BufReader<std::process::ChildStdout>,
}

impl std::io::Read for Blob {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.out.read(buf)
    }
}

impl std::io::BufRead for Blob {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        self.out.fill_buf()
    }

    fn consume(&mut self, n: usize) {
        self.out.consume(n)
    }
}

impl Blob {
    /// Waits for git once the file is read: an error unless it gave all of it.
    pub fn finished(mut self) -> Result<(), GitError> {
        let status = self.child.wait().map_err(|e| GitError {
            doing: "cannot read a journal from git".to_string(),
            said: e.to_string(),
        })?;
        if status.success() {
            return Ok(());
        }
        Err(GitError {
            doing: "cannot read a journal from git".to_string(),
            said: format!("git cat-file ended with {status}"),
        })
    }
}

impl Drop for Blob {
    /// A reader that stops early does not leave git waiting on a full pipe.
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The repository of a shared enquiry (a work tree).
#[derive(Debug, Clone)]
pub struct Git {
    dir: PathBuf,
}

impl Git {
    pub fn at(dir: &Path) -> Git {
        Git {
            dir: dir.to_path_buf(),
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut c = Command::new("git");
        c.arg("-C").arg(&self.dir);
        for setting in [
            "user.name=weft",
            "user.email=weft@localhost",
            "commit.gpgsign=false",
            "core.hooksPath=/dev/null",
            "core.autocrlf=false",
            "gc.auto=0",
            "advice.detachedHead=false",
            "init.defaultBranch=main",
        ] {
            c.arg("-c").arg(setting);
        }
        c.args(args)
            .env("GIT_TERMINAL_PROMPT", "0")
            .env("LC_ALL", "C")
            .env_remove("GIT_DIR")
            .env_remove("GIT_WORK_TREE")
            .env_remove("GIT_INDEX_FILE")
            .stdin(Stdio::null());
        if std::env::var_os("GIT_SSH_COMMAND").is_none() {
            c.env("GIT_SSH_COMMAND", "ssh -o BatchMode=yes");
        }
        c
    }

    /// Runs git with `args`; its standard output on success.
    pub fn run(&self, doing: &str, args: &[&str]) -> Result<String, GitError> {
        let out = self.command(args).output().map_err(|e| GitError {
            doing: doing.to_string(),
            said: if e.kind() == std::io::ErrorKind::NotFound {
                "the git command is not installed".to_string()
            } else {
                format!("git could not be run: {e}")
            },
        })?;
        if out.status.success() {
            return Ok(String::from_utf8_lossy(&out.stdout).into_owned());
        }
        Err(GitError {
            doing: doing.to_string(),
            said: last_word(&out.stderr),
        })
    }

    /// The bytes of `path` as commit `rev` holds it, read as they come
    /// (`git cat-file`): a journal file of a million lines is never held whole.
    pub fn blob(&self, rev: &str, path: &str) -> Result<Blob, GitError> {
        let doing = format!("cannot read {path} as {rev} holds it");
        let mut child = self
            .command(&["cat-file", "blob", &format!("{rev}:{path}")])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| GitError {
                doing: doing.clone(),
                said: e.to_string(),
            })?;
        let out = child.stdout.take().ok_or_else(|| GitError {
            doing,
            said: "git gave no output".to_string(),
        })?;
        Ok(Blob {
            child,
            out: std::io::BufReader::with_capacity(1 << 20, out),
        })
    }

    /// Whether git with `args` succeeds (its output unread).
    pub fn ok(&self, args: &[&str]) -> bool {
        self.command(args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    }

    /// Makes the repository, on [`BRANCH`].
    pub fn init(&self) -> Result<(), GitError> {
        self.run(
            "cannot make the shared repository",
            &["init", "-q", "-b", BRANCH],
        )
        .map(drop)
    }

    /// Clones `remote` into this directory.
    pub fn clone_from(&self, remote: &str) -> Result<(), GitError> {
        let parent = self.dir.parent().unwrap_or(Path::new("."));
        let name = self
            .dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned());
        let name = name.unwrap_or_default();
        Git::at(parent).run(
            &format!("cannot clone {remote}"),
            &["clone", "-q", "--branch", BRANCH, "--", remote, &name],
        )?;
        self.settled("cloned")
    }

    /// [`Git::settle_index`] after `what`, as a git error.
    fn settled(&self, what: &str) -> Result<(), GitError> {
        self.settle_index().map_err(|e| GitError {
            doing: format!("{what}, cannot date the index"),
            said: e.to_string(),
        })
    }

    /// Keeps git from reading large files again that it has just written itself. git
    /// takes a file written in the same second as its index as perhaps changed since
    /// ("racily clean"), and the next command that writes the index reads it whole to
    /// be sure: for a journal file of 570 MB that a clone or a rebase has just laid
    /// down, 6.8 s of git's time, at the next commit of this member's own few lines.
    /// When such files add up to more than [`RACY_BYTES`], this waits for the clock to
    /// pass the index's second (at most a second) and gives the index that time: the
    /// files are then older than it. Nothing can change unseen: weft only appends to
    /// its own journal (a new size, which git sees) and writes its member file, which
    /// git checks by content when it is as new as the index.
    pub fn settle_index(&self) -> std::io::Result<()> {
        use std::time::{Duration, SystemTime, UNIX_EPOCH};
        let second = |t: SystemTime| t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
        let index = self.dir.join(".git").join("index");
        let written = second(std::fs::metadata(&index)?.modified()?);
        let mut racy = 0u64;
        for dir in ["journal", "base", "members"] {
            let Ok(entries) = std::fs::read_dir(self.dir.join(dir)) else {
                continue;
            };
            for e in entries.flatten() {
                let Ok(m) = e.metadata() else { continue };
                if m.is_file() && m.modified().map(second).is_ok_and(|s| s >= written) {
                    racy += m.len();
                }
            }
        }
        if racy <= RACY_BYTES {
            return Ok(());
        }
        while second(SystemTime::now()) <= written {
            let into = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.subsec_nanos());
            std::thread::sleep(Duration::from_nanos(u64::from(1_000_000_000 - into)));
        }
        std::fs::File::options()
            .write(true)
            .open(&index)?
            .set_modified(SystemTime::now())
    }

    /// Whether the remote holds any branch (asked of the remote itself).
    pub fn remote_is_empty(&self, remote: &str) -> Result<bool, GitError> {
        let out = self.run(
            &format!("cannot reach {remote}"),
            &["ls-remote", "--heads", "--", remote],
        )?;
        Ok(out.trim().is_empty())
    }

    /// Stages `paths` and commits them with `message` when anything changed; whether a
    /// commit was made.
    pub fn commit(&self, paths: &[&str], message: &str) -> Result<bool, GitError> {
        let mut add = vec!["add", "--"];
        add.extend_from_slice(paths);
        self.run("cannot stage the journal", &add)?;
        if self.ok(&["diff", "--cached", "--quiet"]) {
            return Ok(false);
        }
        self.run(
            "cannot commit the journal",
            &["commit", "-q", "--no-verify", "-m", message],
        )?;
        Ok(true)
    }

    /// Takes `path` out of the working tree and has git take it as unchanged there: a
    /// file committed once that this member never reads again (the base, 829 MB at a
    /// million records). Otherwise git reads it whole whenever its inode changes (a
    /// compaction or an upgrade moves the workspace's files), which took a sync at 1M
    /// from 1.5 to 16 s once; and it takes its size again in the working tree.
    pub fn set_aside(&self, path: &str) -> Result<(), GitError> {
        let file = self.dir.join(path);
        if !file.exists() {
            return Ok(());
        }
        self.run(
            "cannot set the base aside",
            &["update-index", "--skip-worktree", "--", path],
        )?;
        std::fs::remove_file(&file).map_err(|e| GitError {
            doing: format!("cannot remove {}", file.display()),
            said: e.to_string(),
        })
    }

    /// Undoes what a git call killed part-way leaves behind: a rebase in progress and a
    /// stale index lock (weft holds the workspace's lock, so no other weft is running git
    /// here).
    pub fn tidy(&self) -> Result<(), GitError> {
        let git_dir = self.dir.join(".git");
        if git_dir.join("rebase-merge").exists() || git_dir.join("rebase-apply").exists() {
            self.run("cannot abort an interrupted rebase", &["rebase", "--abort"])?;
        }
        let lock = git_dir.join("index.lock");
        if lock.exists() {
            let _ = std::fs::remove_file(&lock);
        }
        Ok(())
    }

    /// Fetches the remote's branch.
    pub fn fetch(&self, remote: &str) -> Result<(), GitError> {
        self.run(
            &format!("cannot fetch from {remote}"),
            &["fetch", "-q", "origin", BRANCH],
        )
        .map(drop)
    }

    /// Puts this member's commits on top of the fetched branch. Members only ever change
    /// their own files, so this cannot conflict unless someone changed this member's
    /// file on the remote; then the rebase is abandoned and refused.
    pub fn rebase(&self) -> Result<(), GitError> {
        let upstream = format!("origin/{BRANCH}");
        if !self.ok(&["rev-parse", "--verify", "-q", &upstream]) {
            return Ok(());
        }
        match self.run(
            "cannot lay this member's changes over the others'",
            &["rebase", "-q", &upstream],
        ) {
            Ok(_) => self.settled("rebased"),
            Err(e) => {
                let _ = self.run("abort", &["rebase", "--abort"]);
                Err(e)
            }
        }
    }

    /// Pushes the branch; `Ok(false)` when the remote refused because someone pushed
    /// first (fetch and try again).
    pub fn push(&self, remote: &str) -> Result<bool, GitError> {
        let doing = format!("cannot push to {remote}");
        let out = self
            .command(&["push", "-q", "origin", &format!("HEAD:refs/heads/{BRANCH}")])
            .output()
            .map_err(|e| GitError {
                doing: doing.clone(),
                said: format!("git could not be run: {e}"),
            })?;
        if out.status.success() {
            return Ok(true);
        }
        let err = String::from_utf8_lossy(&out.stderr);
        // someone pushed first, or is pushing now and holds the branch's lock
        let raced = ["[rejected]", "fetch first", "non-fast-forward"]
            .iter()
            .any(|w| err.contains(w))
            || (err.contains("[remote rejected]")
                && ["lock", "failed to update ref"]
                    .iter()
                    .any(|w| err.contains(w)));
        if raced {
            return Ok(false);
        }
        // the line naming why the branch was refused says more than git's summary
        let said = err
            .lines()
            .find(|l| l.trim_start().starts_with('!'))
            .map(|l| last_word(l.as_bytes()))
            .unwrap_or_else(|| last_word(&out.stderr));
        Err(GitError { doing, said })
    }
}

/// git's last line of complaint, without hints and control characters.
fn last_word(stderr: &[u8]) -> String {
    let err = String::from_utf8_lossy(stderr);
    err.lines()
        .map(str::trim)
        .rfind(|l| {
            !l.is_empty()
                && !l.starts_with("hint:")
                && !l.starts_with("To ")
                && !l.starts_with("Everything up-to-date")
        })
        .unwrap_or("git failed without saying why")
        .chars()
        .filter(|c| !c.is_control())
        .collect()
}
