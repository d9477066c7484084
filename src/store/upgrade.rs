//! Bringing a workspace written by an older weft to this build's schema, once, when it
//! is opened: by a rewrite beside it (a compaction), or inside its own database where
//! that rewrite cannot be swapped in.

use super::{OpenOptions, Result, Store, INDEX, SCHEMA_KEY, SCHEMA_VERSION};
use std::time::Instant;

/// How the notice of an upgrade done in place begins: the fallback's reason is added
/// only after it.
const IN_PLACE: &str = "upgraded the workspace's storage in place";

/// The oldest schema this build upgrades without a rewrite. Schema 4 writes journal
/// entries in a compact form, packed 64 to a key by compaction, and still reads the
/// JSON ones of schema 3, a key each (a compaction rewrites them); it drops the index's
/// short search texts (`x`), which the search file holds: from schema 3 the upgrade
/// removes those entries and writes the version.
const NO_REWRITE_FROM: u32 = 3;

/// The oldest schema whose workspaces this build only marks as its own: schema 5 reads
/// every log schema 4 wrote, and writes `made` lines that schema 4 would refuse.
const MARK_ONLY_FROM: u32 = 4;

impl Store {
    /// Writes this build's schema version: an older weft then refuses the workspace
    /// instead of misreading what this one writes.
    fn mark_schema(self) -> Result<Store> {
        self.db
            .insert(SCHEMA_KEY, &SCHEMA_VERSION.to_be_bytes())
            .map_err(|e| self.db_err(e))?;
        self.db.flush().map_err(|e| self.db_err(e))?;
        Ok(self)
    }

    /// Upgrades this workspace of schema `old`, opened under its lock, telling the user
    /// first through `opts.before_upgrade`. When the rewrite beside it fails (it changed
    /// nothing), the workspace is opened again and upgraded in place.
    pub(super) fn upgrade_from(self, old: u32, opts: &OpenOptions) -> Result<Store> {
        if old >= MARK_ONLY_FROM {
            return self.mark_schema();
        }
        if old >= NO_REWRITE_FROM {
            if let (Some(tell), false) = (opts.before_upgrade, self.is_empty()) {
                tell(&self.path);
            }
            return self.drop_search_texts(old);
        }
        if opts.upgrade_in_place {
            return self.upgrade_in_place(old);
        }
        let empty = self.is_empty();
        if let (Some(tell), false) = (opts.before_upgrade, empty) {
            tell(&self.path);
        }
        let dir = self.path.clone();
        match self.upgrade(old) {
            Ok(store) => Ok(store),
            Err(e) if !empty => {
                let again = OpenOptions {
                    upgrade_in_place: true,
                    ..opts.clone()
                };
                let mut store = Store::open(&dir, &again)?;
                // (unless the rewrite had been swapped in before it failed)
                if store.notices.iter().any(|n| n.starts_with(IN_PLACE)) {
                    store.notices.push(format!(
                        "(the workspace could not be rewritten beside itself: {e})"
                    ));
                }
                Ok(store)
            }
            Err(e) => Err(e),
        }
    }

    /// Brings a workspace of schema 3 to this build's inside its own database: the
    /// index's short search texts are removed, in batches, and the version written last,
    /// so an interrupted upgrade starts again at the next open.
    fn drop_search_texts(self, old: u32) -> Result<Store> {
        const BATCH: usize = 8_192;
        let started = Instant::now();
        let index = &self.trees[INDEX];
        let mut removed = 0usize;
        loop {
            let keys = index
                .scan_prefix([super::index::OLD_SEARCH])
                .keys()
                .take(BATCH)
                .collect::<std::result::Result<Vec<_>, _>>()
                .map_err(|e| self.db_err(e))?;
            if keys.is_empty() {
                break;
            }
            removed += keys.len();
            let mut batch = sled::Batch::default();
            for k in keys {
                batch.remove(k);
            }
            index.apply_batch(batch).map_err(|e| self.db_err(e))?;
        }
        self.db.flush().map_err(|e| self.db_err(e))?;
        let mut this = self.mark_schema()?;
        if removed > 0 {
            this.notices.push(format!(
                "{IN_PLACE} from schema {old} to {SCHEMA_VERSION} in {:.1} s (once); `weft compact` gives back the space it freed",
                started.elapsed().as_secs_f64()
            ));
        }
        Ok(this)
    }

    /// Brings a workspace of schema `old` to this build's: one compaction, which writes
    /// every journal entry in the current form and derives every index entry afresh.
    fn upgrade(self, old: u32) -> Result<Store> {
        let started = Instant::now();
        let mut notices = self.notices.clone();
        let empty = self.is_empty();
        let (mut store, _) = self.compact(&mut |_, _| {})?;
        if !empty {
            notices.push(format!(
                "upgraded the workspace's storage from schema {old} to {SCHEMA_VERSION} in {:.1} s (once)",
                started.elapsed().as_secs_f64()
            ));
        }
        notices.append(&mut store.notices);
        store.notices = notices;
        Ok(store)
    }

    /// Brings a workspace of schema `old` to this build's inside its own database: the
    /// index is derived afresh from the records, in batches, and the schema version is
    /// written last, so an interrupted upgrade starts again at the next open. Journal
    /// entries of schema 1 keep their values inline, which this build still reads.
    fn upgrade_in_place(self, old: u32) -> Result<Store> {
        const BATCH: usize = 2_048;
        let started = Instant::now();
        let index = &self.trees[INDEX];
        index.clear().map_err(|e| self.db_err(e))?;
        let mut batch = sled::Batch::default();
        let mut pending = 0;
        for kind in crate::model::Kind::ALL {
            for rec in self.records(kind) {
                for (k, v) in super::index::entries(&rec?) {
                    batch.insert(k, v);
                    pending += 1;
                }
                if pending >= BATCH {
                    index
                        .apply_batch(std::mem::take(&mut batch))
                        .map_err(|e| self.db_err(e))?;
                    pending = 0;
                }
            }
        }
        index.apply_batch(batch).map_err(|e| self.db_err(e))?;
        self.db.flush().map_err(|e| self.db_err(e))?;
        let mut this = self.mark_schema()?;
        if !this.is_empty() {
            this.notices.push(format!(
                "{IN_PLACE} from schema {old} to {SCHEMA_VERSION} in {:.1} s (once)",
                started.elapsed().as_secs_f64()
            ));
        }
        Ok(this)
    }
}
