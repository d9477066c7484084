//! The search file, written on a thread of its own when the finder opens in a large
//! workspace that has no current one, and put in place by the input thread only if
//! nothing was committed meanwhile (what the thread read is then what the records hold).
//! Until then the finder reads the database; from then on, the file.

use crate::store::search::file::{is_current, Built};
use crate::store::{Result, Store};
use std::sync::mpsc::{self, Receiver, TryRecvError};

#[derive(Debug, Default)]
pub struct SearchFileBuild {
    /// Where the writing thread reports, while it runs.
    result: Option<Receiver<Result<Built>>>,
}

impl SearchFileBuild {
    /// Starts writing the file for `store`, unless it is being written or is current.
    pub fn start(&mut self, store: &Store) {
        if self.result.is_some() || is_current(store.path()) {
            return;
        }
        let Ok(view) = store.read_view() else {
            return;
        };
        let (tx, rx) = mpsc::channel();
        let spawned = std::thread::Builder::new()
            .name("weft-search-file".into())
            .spawn(move || {
                let _ = tx.send(view.build_search_file());
            });
        if spawned.is_ok() {
            self.result = Some(rx);
        }
    }

    /// Whether the file is being written.
    pub fn running(&self) -> bool {
        self.result.is_some()
    }

    /// Takes in the written file, if the thread is done: put in place when nothing was
    /// committed since it began, else dropped (the next finder writes it again). A file
    /// that could not be written is no one's concern: the finder reads the database.
    pub fn finish(&mut self, store: &mut Store) {
        let Some(rx) = &self.result else {
            return;
        };
        match rx.try_recv() {
            Ok(built) => {
                self.result = None;
                if let Ok(b) = built {
                    let _ = store.install_search_file(b);
                }
            }
            Err(TryRecvError::Empty) => {}
            Err(TryRecvError::Disconnected) => self.result = None,
        }
    }
}
