//! The Links pane at 1,000,000 links: a record's neighbours (store read and the pane's
//! grouped load), a 5,000-link neighbourhood, and shortest paths of 6 hops (found, and
//! not found within the limit).
//!
//! The workspace is shaped like a long enquiry rather than a uniform random graph: 2,000
//! crews of 50 entities, each member linked to its crew's gateway and at random to other
//! members, gateways chained crew to crew, and one phone used by 5,000 people in crews
//! far from the path benchmarks. A member of crew `c` is then exactly 6 links from a
//! member of crew `c + 4` (member, gateway, four bridges, member), and every query
//! touches only the records within its reach.
//!
//! Building it goes through `Store::link` with the flush turned off and takes several
//! minutes (about 8 on two busy cores), so it is kept in Cargo's target tmpdir
//! (`target/tmp/weft-links-1m`, about 3 GB) and reused while it holds the expected
//! number of links.

use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;
use std::path::Path;
use weft::app::links::LinksState;
use weft::model::{EntityKind, Id, Kind};
use weft::store::{NewEntity, NewLink, OpenOptions, Store};

const CREWS: u64 = 2_000;
const CREW: u64 = 50;
const LINKS: u64 = 1_000_000;
const HUB_USERS: u64 = 5_000;
/// Crews whose members use the hub phone: far from crews 10-14 used for paths.
const HUB_CREWS: std::ops::Range<u64> = 1_000..1_100;

fn entity(n: u64) -> Id {
    Id::new(Kind::Entity, n)
}

/// The gateway (first member) of crew `c`.
fn gateway(c: u64) -> Id {
    entity(c * CREW + 1)
}

/// Member `m` (1-based, 1 is the gateway) of crew `c`.
fn member(c: u64, m: u64) -> Id {
    entity(c * CREW + m)
}

fn hub() -> Id {
    entity(CREWS * CREW + 1)
}

/// xorshift64*: deterministic and fast.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) % n
    }
}

fn link(store: &mut Store, from: Id, to: Id, label: &str) {
    store
        .link(NewLink {
            from,
            to,
            label: label.into(),
            confidence: None,
            source: None,
            when: None,
        })
        .expect("link");
}

fn generate(store: &mut Store) {
    store.set_sync(false);
    let kinds = [
        EntityKind::Person,
        EntityKind::Person,
        EntityKind::Phone,
        EntityKind::Vehicle,
        EntityKind::Location,
    ];
    for n in 1..=CREWS * CREW {
        let kind = if n % CREW == 1 {
            EntityKind::Group
        } else {
            kinds[(n % kinds.len() as u64) as usize]
        };
        store
            .add_entity(NewEntity {
                name: format!("{kind} {n}"),
                kind,
                aliases: vec![],
                attributes: Default::default(),
                tags: vec![],
            })
            .expect("entity");
    }
    store
        .add_entity(NewEntity {
            name: "07700 900733".into(),
            kind: EntityKind::Phone,
            aliases: vec![],
            attributes: Default::default(),
            tags: vec![],
        })
        .expect("hub");
    let mut made = 0u64;
    for c in 0..CREWS {
        for m in 2..=CREW {
            link(store, member(c, m), gateway(c), "member of");
            made += 1;
        }
        if c + 1 < CREWS {
            link(store, gateway(c), gateway(c + 1), "supplies");
            made += 1;
        }
    }
    let per_crew = HUB_USERS / (HUB_CREWS.end - HUB_CREWS.start);
    for c in HUB_CREWS {
        for m in 2..2 + per_crew {
            link(store, member(c, m), hub(), "uses");
            made += 1;
        }
    }
    let labels = ["associate of", "uses", "located at", "owns", "drives"];
    let mut rng = Rng(7);
    let mut k = 0u64;
    while made < LINKS {
        let c = k % CREWS;
        k += 1;
        let a = 2 + rng.below(CREW - 1);
        let mut b = 2 + rng.below(CREW - 1);
        if a == b {
            b = if b == CREW { 2 } else { b + 1 };
        }
        let label = labels[rng.below(labels.len() as u64) as usize];
        link(store, member(c, a), member(c, b), label);
        made += 1;
    }
    store.flush().expect("flush");
    store.set_sync(true);
}

/// The cached 1M-link workspace, built when missing or incomplete.
fn workspace(dir: &Path) -> Store {
    let opts = OpenOptions {
        create: true,
        ..OpenOptions::default()
    };
    if let Ok(store) = Store::open(dir, &opts) {
        if store.state().count(Kind::Link) == LINKS {
            return store;
        }
    }
    let _ = std::fs::remove_dir_all(dir);
    let started = std::time::Instant::now();
    let mut store = Store::open(dir, &opts).expect("open");
    generate(&mut store);
    eprintln!(
        "built {} links in {:.0?} at {}",
        store.state().count(Kind::Link),
        started.elapsed(),
        dir.display()
    );
    store
}

fn benches(c: &mut Criterion) {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("weft-links-1m");
    let store = workspace(&dir);
    let (from, to, far) = (member(10, 2), member(14, 2), member(1_500, 2));
    let path = store.shortest_path(from, to, 6).expect("path");
    assert_eq!(
        path.map(|p| p.len()),
        Some(6),
        "{from} is 6 links from {to}"
    );
    assert_eq!(store.shortest_path(from, far, 6).expect("path"), None);
    assert_eq!(
        store.neighbours(hub()).expect("hub").len() as u64,
        HUB_USERS
    );

    let mut g = c.benchmark_group("links_1m");
    g.sample_size(10);
    g.bench_function("neighbours_member", |b| {
        let mut i = 0u64;
        b.iter(|| {
            i += 1;
            black_box(store.neighbours(member(i % CREWS, 2 + i % 49)).expect("n"))
        })
    });
    g.bench_function("neighbours_gateway", |b| {
        let mut i = 0u64;
        b.iter(|| {
            i += 1;
            black_box(store.neighbours(gateway(i % CREWS)).expect("n"))
        })
    });
    g.bench_function("pane_centre_member", |b| {
        let mut s = LinksState::default();
        let mut i = 0u64;
        b.iter(|| {
            i += 1;
            s.centre_on(&store, member(i % CREWS, 2 + i % 49))
                .expect("centre");
            black_box(s.rows.len())
        })
    });
    g.bench_function("pane_centre_hub_5000", |b| {
        let mut s = LinksState::default();
        b.iter(|| {
            s.centre_on(&store, hub()).expect("centre");
            black_box(s.rows.len())
        })
    });
    g.bench_function("shortest_path_6_hops", |b| {
        b.iter(|| black_box(store.shortest_path(from, to, 6).expect("path")))
    });
    g.bench_function("shortest_path_none_within_6", |b| {
        b.iter(|| black_box(store.shortest_path(from, far, 6).expect("path")))
    });
    g.bench_function("pane_path_6_hops", |b| {
        let mut s = LinksState::default();
        s.centre_on(&store, from).expect("centre");
        b.iter(|| {
            s.find_path(&store, to).expect("path");
            black_box(s.close_path())
        })
    });
    g.finish();
}

criterion_group!(links_benches, benches);
criterion_main!(links_benches);
