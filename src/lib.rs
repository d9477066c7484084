//! weft: a keyboard-driven terminal workspace for intelligence analysts.
//!
//! Data flows one way: `cli` and `app` turn input into calls on [`store::Store`], the
//! only writer, which keeps records of [`model`] in sled; `ui` renders the app's state.

#![forbid(unsafe_code)]

pub mod analysis;
pub mod app;
pub mod cli;
pub mod commands;
pub mod demo;
pub mod export;
pub mod fsutil;
pub mod harden;
pub mod keymap;
pub mod model;
mod panes;
pub mod run;
pub mod serve;
pub mod share;
pub mod store;
pub mod synth;
pub mod ui;
