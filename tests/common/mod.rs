//! Helpers shared by the integration tests.
#![allow(dead_code)]

pub mod cli;
pub mod harness;
pub mod kill;
pub mod pty;
pub mod table;
pub mod tmux;
