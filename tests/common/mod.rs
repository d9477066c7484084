//! Helpers shared by the integration tests.
#![allow(dead_code)]

pub mod harness;
pub mod pty;
pub mod tmux;
