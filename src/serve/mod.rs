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
//! (`cli::serve`, `cli::served`); this module moves bytes and guards the door.

pub mod client;
pub mod place;
pub mod server;
pub mod wire;
