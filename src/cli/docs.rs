//! What the command line says about itself: the examples and environment variables at
//! the end of `--help`, `weft completions SHELL` and `weft man`.

use super::out;
use super::{Cli, CliResult, Failure};
use clap::{Args, CommandFactory};

/// The end of `weft -h`: a few examples.
pub const AFTER_HELP: &str = "\
Examples:
  weft init ~/cases/kestrel && export WEFT_WORKSPACE=~/cases/kestrel
  weft add question \"Who controls the KING line?\" --priority 1
  weft list questions --status open --limit 10
  weft export backlog --format md -o -

Run `weft --help` for the environment variables, `weft man` for the manual page.";

/// The end of `weft --help`: the examples and every environment variable weft reads.
pub const AFTER_LONG_HELP: &str = "\
Examples:
  weft demo                                   open the interface on a copy of the demo case
  weft init ~/cases/kestrel                   create an empty workspace
  weft add question \"Who controls the KING line?\" --priority 1 --kind explanation
  weft add question \"-1 who pays?\"            a title may begin with '-'
  Q=$(weft add question \"Who holds the handset?\") && weft add hypothesis \"$Q\" \"Marsh does\"
  weft list questions --status open --limit 10 --json
  weft list notes | head -5
  weft list questions --status open --count   how many, from the workspace's counters
  weft export backlog --format md -o -        '-o -' is standard output
  weft export workspace -o kestrel.json && weft --workspace fresh import kestrel.json
  weft import-table calls.csv --map examples/mappings/cdr.toml --dry-run
  weft check --json
  weft completions bash > ~/.local/share/bash-completion/completions/weft
  weft man > weft.1

Environment:
  WEFT_WORKSPACE   the workspace directory when --workspace is not given
  WEFT_READ_ONLY   when 1, open every workspace read-only, as --read-only does
  XDG_DATA_HOME    the default workspace is $XDG_DATA_HOME/weft/default
                   (else ~/.local/share/weft/default)
  XDG_CONFIG_HOME  the user keymap is $XDG_CONFIG_HOME/weft/keymap.toml
                   (else ~/.config/weft/keymap.toml), unless --keymap is given
  VISUAL, EDITOR   the external editor the interface opens for long text
  NO_COLOR         when set and not empty, the interface draws without colour

Exit status: 0 success, 1 failure, 2 bad usage (including a --keymap FILE that cannot
be read). Errors are one line on standard error; data goes to standard output.";

/// The shells `weft completions` writes for.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell: bash, zsh, fish, elvish or powershell.
    #[arg(value_name = "SHELL")]
    shell: clap_complete::Shell,
}

/// `weft completions SHELL`: the completion script on standard output.
pub fn completions(a: CompletionsArgs) -> CliResult {
    let mut cmd = Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(a.shell, &mut cmd, "weft", &mut script);
    let mut w = out::stdout();
    w.bytes(&script)?;
    w.finish()
}

/// `weft man`: the manual page (roff) on standard output.
pub fn man() -> CliResult {
    let mut page = Vec::new();
    clap_mangen::Man::new(Cli::command())
        .render(&mut page)
        .map_err(|e| Failure::new(format!("cannot render the manual page: {e}")))?;
    let mut w = out::stdout();
    w.bytes(&page)?;
    w.finish()
}

#[cfg(test)]
mod tests {
    use crate::cli::Cli;
    use clap::CommandFactory;

    /// Every argument of every subcommand, with the path that leads to it.
    fn all_args(cmd: &clap::Command, path: &str, out: &mut Vec<(String, clap::Arg)>) {
        for a in cmd.get_arguments() {
            out.push((path.to_string(), a.clone()));
        }
        for sub in cmd.get_subcommands() {
            all_args(sub, &format!("{path} {}", sub.get_name()), out);
        }
    }

    #[test]
    fn every_argument_and_subcommand_has_help_text() {
        let cmd = Cli::command();
        cmd.clone().debug_assert();
        let mut args = Vec::new();
        all_args(&cmd, "weft", &mut args);
        let missing: Vec<String> = args
            .iter()
            .filter(|(_, a)| !matches!(a.get_id().as_str(), "help" | "version"))
            .filter(|(_, a)| a.get_help().is_none_or(|h| h.to_string().trim().is_empty()))
            .map(|(p, a)| format!("{p} {}", a.get_id()))
            .collect();
        assert!(missing.is_empty(), "arguments without help: {missing:?}");
        fn subs(cmd: &clap::Command, path: &str, out: &mut Vec<String>) {
            for s in cmd.get_subcommands() {
                let p = format!("{path} {}", s.get_name());
                if s.get_name() != "help" && s.get_about().is_none() {
                    out.push(p.clone());
                }
                subs(s, &p, out);
            }
        }
        let mut bare = Vec::new();
        subs(&cmd, "weft", &mut bare);
        assert!(bare.is_empty(), "subcommands without help: {bare:?}");
    }
}
