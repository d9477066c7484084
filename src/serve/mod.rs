//! The command line beside an open workspace. sled and weft's own lock let one process
//! hold a workspace; while one does (the interface, or `weft serve`), it listens on a
//! private Unix socket ([`place`]) and runs the commands other `weft` processes send it
//! ([`wire`]), so a command pays neither the wait for the lock nor sled's open.
//!
//! - [`client`]: what a `weft` command does first: find the socket and hand its command
//!   over, or fall back to opening the workspace itself.
//! - [`server`]: the socket, the checks on every connection, a thread per connection,
//!   and the waker that tells the holder's loop a request is waiting.
//!
//! What a served command is and how it runs is the command line's business
//! (`cli::serve`, `cli::served`); this module moves bytes and guards the door, and
//! names what the interface's loop needs of whoever serves ([`Serving`]), so the loop
//! depends on this module and not on the command line.

pub mod client;
pub mod place;
pub mod server;
pub mod wire;

use crate::store::{Committed, Store};

/// A command run for another process by the holder of its workspace.
pub struct Ran {
    /// The command line, without the program and the workspace's options.
    pub command: String,
    pub code: u8,
    /// What it committed, oldest first.
    pub done: Vec<Committed>,
}

/// What the interface's loop needs of whoever serves commands on its workspace.
pub trait Serving {
    /// Readable when a request waits: the loop waits on it beside the terminal.
    fn fd(&self) -> std::os::fd::BorrowedFd<'_>;
    /// Serves every request waiting, without blocking for long: read views are handed
    /// out; a command that writes is lent `store` on a thread of its own, and taken
    /// back here when done (waiting a moment, which is all most take). Returns the
    /// commands that wrote and are done.
    fn serve(&self, store: &mut Store) -> Vec<Ran>;
    /// The command that is changing the workspace now, on a thread of its own, with
    /// `store` lent to it: `store` is a read view that refuses changes until then.
    fn writing(&self) -> Option<String>;
    /// Waits for the command changing the workspace, if any, and runs those queued
    /// behind it: the holder calls this before it lets the workspace go.
    fn finish(&self, store: &mut Store) -> Vec<Ran>;
    /// Connections refused at the door since last asked, one line each.
    fn refusals(&self) -> Vec<String>;
}
