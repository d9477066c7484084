//! The search file, written on a background [`Job`] when the finder opens in a large
//! workspace that has no current one, and put in place by the input thread only if
//! nothing was committed meanwhile (what the thread read is then what the records hold).
//! Until then the finder reads the database; from then on, the file.

use crate::app::job::Job;
use crate::store::search::file::{is_current, Built};
use crate::store::{Result, Store};

#[derive(Debug)]
pub struct SearchFileBuild {
    job: Job<Store, Result<Built>>,
}

impl Default for SearchFileBuild {
    /// The writing cannot be stopped, and a file nobody puts in place is no use: quitting
    /// does not wait for it.
    fn default() -> Self {
        let job = Job::new("weft-search-file", |view: Store, _: &_| {
            view.build_search_file()
        });
        SearchFileBuild {
            job: job.unjoined(),
        }
    }
}

impl SearchFileBuild {
    /// Starts writing the file for `store`, unless it is being written or is current.
    pub fn start(&mut self, store: &Store) {
        if self.running() || is_current(store.path()) {
            return;
        }
        if let Ok(view) = store.read_view() {
            let _ = self.job.request(view);
        }
    }

    /// Whether the file is being written.
    pub fn running(&self) -> bool {
        self.job.pending()
    }

    /// Takes in the written file, if the thread is done: put in place when nothing was
    /// committed since it began, else dropped (the next finder writes it again). A file
    /// that could not be written is no one's concern: the finder reads the database.
    pub fn finish(&mut self, store: &mut Store) {
        if let Some(Ok(built)) = self.job.poll() {
            let _ = store.install_search_file(built);
        }
    }
}
