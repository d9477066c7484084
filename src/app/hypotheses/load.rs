//! Reading a question's matrix into the pane: at once in a workspace with few cells,
//! else on a thread of its own through a read-only store view, taken in by the run
//! loop's background poll; and showing a matrix once read.

use super::HypothesesState;
use crate::app::pane::ListCursor;
use crate::model::ach::Matrix;
use crate::model::{Id, Kind, Record};
use crate::store::{Result, Store};

/// Below this many cells (assessments) in the whole workspace, any matrix reads within a
/// frame and is read at once; from it on, on a thread, while the pane says so.
pub const BACKGROUND_CELLS: u64 = 4_000;

/// A matrix read under way on its own thread.
#[derive(Debug)]
pub(super) struct MatrixLoad {
    question: Id,
    rx: std::sync::mpsc::Receiver<Result<Matrix>>,
    /// A change was committed meanwhile: read again when this read is in.
    dirty: bool,
}

impl HypothesesState {
    /// Shows the matrix of `question` (cursor on the first cell): read at once in a
    /// workspace with few cells, else on a thread of its own (see
    /// [`HypothesesState::loading`]).
    pub fn load(&mut self, store: &Store, question: Id) -> Result<()> {
        let cells = store.state().count(Kind::Assessment);
        if cells >= self.background_from.unwrap_or(BACKGROUND_CELLS) {
            return self.load_in_background(store, question);
        }
        let matrix = store.matrix(question)?;
        self.show(store, question, matrix)
    }

    /// Whether a matrix is being read: the question it is for.
    pub fn loading(&self) -> Option<Id> {
        self.loading.as_ref().map(|l| l.question)
    }

    /// Starts reading the matrix of `question` on a thread; the pane shows the question
    /// (and, for the same question, the matrix it had) until it is in.
    fn load_in_background(&mut self, store: &Store, question: Id) -> Result<()> {
        let view = store.read_view()?;
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::Builder::new()
            .name("weft-matrix".into())
            .spawn(move || {
                let _ = tx.send(view.matrix(question));
            })
            .map_err(|e| {
                crate::store::StoreError::invalid(format!("cannot start reading {question}: {e}"))
            })?;
        if self.question != Some(question) {
            self.title = match store.get(question)? {
                Some(Record::Question(q)) => q.title,
                _ => String::new(),
            };
            self.question = Some(question);
            self.reset_cursor();
            self.set_matrix(Matrix {
                question: Some(question),
                ..Matrix::default()
            });
        }
        self.stale = false;
        self.loading = Some(MatrixLoad {
            question,
            rx,
            dirty: false,
        });
        Ok(())
    }

    /// Takes in a matrix read in the background, waiting up to `wait` for it (zero: only
    /// if it is already in). Returns whether one was taken in.
    pub fn take_loaded(&mut self, store: &Store, wait: std::time::Duration) -> Result<bool> {
        use std::sync::mpsc::RecvTimeoutError;
        let Some(load) = &self.loading else {
            return Ok(false);
        };
        let got = if wait.is_zero() {
            load.rx.try_recv().map_err(|e| match e {
                std::sync::mpsc::TryRecvError::Empty => RecvTimeoutError::Timeout,
                std::sync::mpsc::TryRecvError::Disconnected => RecvTimeoutError::Disconnected,
            })
        } else {
            load.rx.recv_timeout(wait)
        };
        let matrix = match got {
            Err(RecvTimeoutError::Timeout) => return Ok(false),
            Err(RecvTimeoutError::Disconnected) => {
                self.loading = None;
                return Err(crate::store::StoreError::invalid(
                    "the matrix read stopped before it finished",
                ));
            }
            Ok(m) => m,
        };
        let Some(load) = self.loading.take() else {
            return Ok(false);
        };
        self.show(store, load.question, matrix?)?;
        if load.dirty {
            // changes came in while it was read: read once more
            self.load_in_background(store, load.question)?;
        }
        Ok(true)
    }

    /// Notes a change committed while a matrix is read; it is read again when in.
    pub(super) fn changed_while_loading(&mut self) -> bool {
        match &mut self.loading {
            Some(l) => {
                l.dirty = true;
                true
            }
            None => false,
        }
    }

    fn reset_cursor(&mut self) {
        self.cols.clear();
        self.rows.clear();
        self.col = 0;
        self.col_offset = 0;
        self.cursor = ListCursor::default();
        self.header = false;
    }

    /// Shows `matrix`, read for `question`.
    fn show(&mut self, store: &Store, question: Id, matrix: Matrix) -> Result<()> {
        self.title = match store.get(question)? {
            Some(Record::Question(q)) => q.title,
            _ => String::new(),
        };
        if self.question != Some(question) {
            // another question: the cursor starts on its first cell
            self.question = Some(question);
            self.reset_cursor();
        }
        self.set_matrix(matrix);
        self.stale = false;
        self.reads += 1;
        Ok(())
    }
}
