//! The database's whole search pass, as `Store::search` runs it: the short texts on this
//! thread and the long texts on a second one, merged.

use super::{top, Phase, SearchHit, SearchPass, BODY_KINDS};
use crate::model::Id;
use crate::store::{Result, Store};
use std::collections::HashMap;

/// The matches of the short texts and those of long texts read apart, as one pass would
/// have found them: a record in both keeps its better score.
fn merge(mut short: Vec<SearchHit>, long: Vec<SearchHit>) -> Vec<SearchHit> {
    let placed: HashMap<Id, usize> = short
        .iter()
        .enumerate()
        .filter(|(_, h)| BODY_KINDS.contains(&h.id.kind))
        .map(|(i, h)| (h.id, i))
        .collect();
    for h in long {
        match placed.get(&h.id) {
            Some(&i) => short[i].score = short[i].score.max(h.score),
            None => short.push(h),
        }
    }
    short
}

impl Store {
    /// Fuzzy search over titles, names, aliases and note text; best first. Each hit's
    /// text is the record's short search text. The short texts and the long texts are
    /// read at the same time, on this thread and one more.
    pub fn search(&self, query: &str, limit: usize) -> Result<Vec<SearchHit>> {
        let mut short = SearchPass::without_texts(query);
        let mut long = SearchPass::without_texts(query);
        long.phase = Phase::Bodies {
            kind: 0,
            after: None,
        };
        let read_long = |mut pass: SearchPass| pass.finish(self).map(|_| pass.hits);
        let long_hits = std::thread::scope(|scope| {
            let other = std::thread::Builder::new()
                .name("weft-search".into())
                .spawn_scoped(scope, move || read_long(long));
            match other {
                Ok(handle) => {
                    short.finish_short(self)?;
                    handle.join().unwrap_or_else(|_| {
                        Err(crate::store::StoreError::invalid(
                            "the search of long notes stopped before it finished",
                        ))
                    })
                }
                // no second thread: one after the other
                Err(_) => {
                    short.finish_short(self)?;
                    let mut long = SearchPass::without_texts(query);
                    long.phase = Phase::Bodies {
                        kind: 0,
                        after: None,
                    };
                    read_long(long)
                }
            }
        })?;
        let mut hits = merge(short.hits, long_hits);
        let n = top(&mut hits, limit).len();
        hits.truncate(n);
        for h in &mut hits {
            if let Some(rec) = self.get(h.id)? {
                h.text = rec.search_text();
            }
        }
        Ok(hits)
    }

    /// Every record matching `query`, unranked: the pool a longer query narrows with
    /// [`rescore`] instead of reading the index again.
    pub fn search_all(&self, query: &str) -> Result<Vec<SearchHit>> {
        let mut pass = SearchPass::new(query);
        pass.finish(self)?;
        Ok(pass.hits)
    }
}
