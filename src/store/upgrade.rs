//! Bringing a workspace written by an older weft to this build's schema, once, when it
//! is opened: by a rewrite beside it (a compaction), or inside its own database where
//! that rewrite cannot be swapped in.

use super::{OpenOptions, Result, Store, INDEX, LEGACY_INDEX, SCHEMA_KEY, SCHEMA_VERSION};
use std::time::Instant;

/// How the notice of an upgrade done in place begins: the fallback's reason is added
/// only after it.
const IN_PLACE: &str = "upgraded the workspace's storage in place";

/// The oldest schema whose index entries this build can pack as they are, where the
/// rewrite cannot be done. Schema 4 writes journal entries in a compact form, packed 64
/// to a key by compaction, and still reads the JSON ones of schema 3, a key each; it
/// drops the index's short search texts (`x`), which the search file holds. Schema 5
/// reads every log schema 4 wrote; schema 6 frames new log lines and reads the old ones.
/// So from schema 3 on, an upgrade in place packs the index (`index/packed.rs`), leaving
/// out any `x` entries, and writes the version ([`Store::pack_legacy_index`]); for older
/// schemas it first derives the index afresh from the records.
const PACK_IN_PLACE_FROM: u32 = 3;

/// The first schema whose index is packed (`index/packed.rs`).
const PACKED_FROM: u32 = 7;

/// The blocks the upgrade in place writes in one batch.
const BLOCKS_PER_BATCH: usize = 1_024;

impl Store {
    /// Brings a workspace opened for writing level with its journal log, then upgrades
    /// it if it is of schema `old`.
    pub(super) fn level_and_upgrade(
        mut self,
        old: Option<u32>,
        opts: &OpenOptions,
    ) -> Result<Store> {
        let mut upgrade_from = old;
        // Upgraded in place, an index of an entry to a key (schemas 3 to 6) is packed
        // before the log is brought level with the database: that writes packed
        // entries, which packing afterwards would lose. So is one whose log is ahead of
        // its database (a crash before the write was acknowledged), lest the rewrite
        // fail and the in-place fallback pack an index that missed what was brought
        // level. (A rewrite, and the upgrade in place of older schemas, derive the
        // index from the records afterwards.)
        let level = super::log::file_len(&self.path)? == self.state.log_len;
        if let Some(old) =
            upgrade_from.filter(|o| *o >= PACK_IN_PLACE_FROM && (opts.upgrade_in_place || !level))
        {
            self = self.pack_legacy_index(old, opts)?;
            upgrade_from = None;
        }
        self.reconcile_log()?;
        match upgrade_from {
            Some(old) => self.upgrade_from(old, opts),
            None => Ok(self),
        }
    }

    /// Brings the private copy of a workspace of schema `old`, open read-only, to this
    /// build's schema, inside the copy: the workspace itself is not touched.
    pub(super) fn upgrade_copy(self, old: u32, opts: &OpenOptions) -> Result<Store> {
        let in_copy = OpenOptions {
            upgrade_in_place: true,
            before_upgrade: None,
            ..opts.clone()
        };
        let mut notices = self.notices.clone();
        let mut store = self.upgrade_from(old, &in_copy)?;
        notices.push(format!(
            "read a workspace of schema {old} through a private copy brought to schema {SCHEMA_VERSION}; the workspace itself is unchanged"
        ));
        store.notices = notices;
        Ok(store)
    }

    /// Writes a raw schema version (tests use it to simulate a newer weft, or an older
    /// one: below 7 the index is also copied, unpacked, into the tree of an entry to a
    /// key that those schemas kept, which the upgrade at the next open packs).
    #[doc(hidden)]
    pub fn force_schema(&self, version: u32) -> Result<()> {
        if version < PACKED_FROM {
            // (entries already unpacked stay: a test may downgrade twice)
            let legacy = self.legacy_index_for_test()?;
            for r in self.index().iter() {
                let (k, v) = r.map_err(|e| self.db_err(e))?;
                legacy.insert(k, v).map_err(|e| self.db_err(e))?;
            }
        }
        self.db
            .insert(SCHEMA_KEY, &version.to_be_bytes())
            .map_err(|e| self.db_err(e))?;
        self.db.flush().map_err(|e| self.db_err(e))?;
        Ok(())
    }

    /// The tree of an index entry to a key that schemas 1 to 6 kept (tests make older
    /// workspaces with it).
    #[doc(hidden)]
    pub fn legacy_index_for_test(&self) -> Result<sled::Tree> {
        self.db.open_tree(LEGACY_INDEX).map_err(|e| self.db_err(e))
    }

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
    ///
    /// The rewrite is the upgrade's first choice whatever the schema: it leaves the
    /// database as a compaction does (at 750,000 questions from schema 6, 11 s once, and
    /// every later open in 42 MiB), where packing the index in place (6 s) leaves the
    /// space of the old index in the file until a compaction (an open in 210 MiB).
    pub(super) fn upgrade_from(self, old: u32, opts: &OpenOptions) -> Result<Store> {
        if opts.upgrade_in_place {
            return if old >= PACK_IN_PLACE_FROM {
                self.pack_legacy_index(old, opts)
            } else {
                self.upgrade_in_place(old, opts)
            };
        }
        let empty = self.is_empty();
        if let (Some(tell), false) = (opts.before_upgrade, empty) {
            tell(&self.path);
        }
        let dir = self.path.clone();
        match self.upgrade(old) {
            Ok(store) => Ok(store),
            Err(e) if !empty => {
                // (the user was told already)
                let again = OpenOptions {
                    upgrade_in_place: true,
                    before_upgrade: None,
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

    /// Brings a workspace of schema 3 to 6 to this build's inside its own database: the
    /// entries of its `index` tree, a key each, are packed into the packed index's tree
    /// (any `x` entries of schema 3 left out), in batches, then the version is written,
    /// then the old tree is dropped. Interrupted before the version is written, the next
    /// open packs afresh; after it, before the drop, the old tree is only space, which
    /// `weft compact` gives back (it copies weft's trees alone).
    pub(super) fn pack_legacy_index(self, old: u32, opts: &OpenOptions) -> Result<Store> {
        use super::index::packed::Packer;
        let started = Instant::now();
        let legacy = self
            .db
            .open_tree(LEGACY_INDEX)
            .map_err(|e| self.db_err(e))?;
        if let (Some(tell), false) = (opts.before_upgrade, legacy.is_empty()) {
            tell(&self.path);
        }
        let packed = &self.trees[INDEX];
        packed.clear().map_err(|e| self.db_err(e))?;
        let mut packer = Packer::default();
        let mut batch = sled::Batch::default();
        let (mut blocks, mut entries) = (0usize, 0u64);
        let mut write = |block: Option<(Vec<u8>, Vec<u8>)>, last: bool| -> sled::Result<()> {
            if let Some((anchor, bytes)) = block {
                batch.insert(anchor, bytes);
                blocks += 1;
            }
            if blocks == BLOCKS_PER_BATCH || last {
                packed.apply_batch(std::mem::take(&mut batch))?;
                blocks = 0;
            }
            Ok(())
        };
        for r in legacy.iter() {
            let (k, v) = r.map_err(|e| self.db_err(e))?;
            if k.first() == Some(&super::index::OLD_SEARCH) {
                continue;
            }
            entries += 1;
            write(packer.push(k.to_vec(), v.to_vec()), false).map_err(|e| self.db_err(e))?;
        }
        write(packer.take(), true).map_err(|e| self.db_err(e))?;
        self.db.flush().map_err(|e| self.db_err(e))?;
        let mut this = self.mark_schema()?;
        drop(legacy);
        this.db
            .drop_tree(LEGACY_INDEX)
            .map_err(|e| this.db_err(e))?;
        this.db.flush().map_err(|e| this.db_err(e))?;
        if entries > 0 {
            this.notices.push(format!(
                "{IN_PLACE} from schema {old} to {SCHEMA_VERSION} in {:.1} s (once): the index is packed; `weft compact` gives back the space the old one took",
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
    /// index is derived afresh from the records, in batches, into the tree of an entry to
    /// a key that schemas before 7 kept, and then packed ([`Store::pack_legacy_index`]),
    /// which writes the version last, so an interrupted upgrade starts again at the next
    /// open. Journal entries of schema 1 keep their values inline, which this build still
    /// reads.
    fn upgrade_in_place(self, old: u32, opts: &OpenOptions) -> Result<Store> {
        const BATCH: usize = 2_048;
        let index = self
            .db
            .open_tree(LEGACY_INDEX)
            .map_err(|e| self.db_err(e))?;
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
        let told = OpenOptions {
            before_upgrade: None,
            ..opts.clone()
        };
        self.pack_legacy_index(old, &told)
    }
}
