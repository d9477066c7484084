//! Synthetic workspaces for benchmarks and scale tests: deterministic, realistic in
//! shape (questions in trees, entities of every kind, notes over three years that
//! mention entities, typed links), at any size.

use crate::model::{EntityKind, Grade, Id, Kind, Sees, Status, When, Yardstick};
use crate::store::{NewEntity, NewLink, NewNote, NewQuestion, Result, Store};

/// Records written between flushes while generating.
const FLUSH_EVERY: u64 = 16;

/// How much to generate.
#[derive(Debug, Clone, Copy)]
pub struct Spec {
    pub questions: u64,
    pub entities: u64,
    pub notes: u64,
    pub links: u64,
    pub seed: u64,
}

impl Spec {
    /// A workspace of about `total` records in the proportions of a long enquiry.
    pub fn sized(total: u64) -> Spec {
        Spec {
            questions: total / 20,
            entities: total / 10,
            notes: total / 2,
            links: total - total / 20 - total / 10 - total / 2,
            seed: 7,
        }
    }

    /// A workspace of about `total` records that are nearly all questions (three in four,
    /// a hypothesis for every fourth of them, a few entities, notes and links): the
    /// Backlog's worst case.
    pub fn questions_heavy(total: u64) -> Spec {
        Spec {
            questions: total * 3 / 4,
            entities: total / 40,
            notes: total / 40,
            links: total / 80,
            seed: 7,
        }
    }

    /// The spec of a named shape: `realistic` ([`Spec::sized`]) or `questions`
    /// ([`Spec::questions_heavy`]).
    pub fn shaped(shape: &str, total: u64) -> std::result::Result<Spec, String> {
        match shape {
            "realistic" => Ok(Spec::sized(total)),
            "questions" => Ok(Spec::questions_heavy(total)),
            other => Err(format!(
                "shape {other:?} is not one of: realistic, questions"
            )),
        }
    }

    /// Records the spec writes: hypotheses come with every fourth question (and every
    /// other note adds a mention link, not counted here).
    pub fn records(&self) -> u64 {
        self.questions + self.questions.div_ceil(4) + self.entities + self.notes + self.links
    }
}

/// A small, fast, deterministic generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            0
        } else {
            self.next() % n
        }
    }
}

const WORDS: &[&str] = &[
    "handset", "cash", "runner", "flat", "vehicle", "meeting", "deal", "line", "supply", "debt",
    "threat", "station", "account", "transfer", "address", "visit", "courier", "package", "rival",
    "warning",
];

fn phrase(rng: &mut Rng, n: usize) -> String {
    (0..n)
        .map(|_| WORDS[rng.below(WORDS.len() as u64) as usize])
        .collect::<Vec<_>>()
        .join(" ")
}

/// Fills `store` (flushing only at the end) and reports progress every 10,000 records.
pub fn generate(store: &mut Store, spec: &Spec, mut progress: impl FnMut(u64)) -> Result<()> {
    let mut rng = Rng(spec.seed.max(1));
    store.set_sync(false);
    let mut made = 0u64;
    // Flushing every few records keeps sled's log laid out as interactive use (one
    // flush per change) lays it out; one long unflushed burst leaves hundreds of free
    // segments that sled re-zeroes at every later open.
    let mut tick = |store: &Store, made: &mut u64| -> Result<()> {
        *made += 1;
        if (*made).is_multiple_of(FLUSH_EVERY) {
            store.flush()?;
        }
        if (*made).is_multiple_of(10_000) {
            progress(*made);
        }
        Ok(())
    };
    for i in 0..spec.entities {
        let kind = EntityKind::ALL[rng.below(EntityKind::ALL.len() as u64) as usize];
        store.add_entity(NewEntity {
            name: format!("{} {} {i}", kind, phrase(&mut rng, 1)),
            kind,
            aliases: if i % 3 == 0 {
                vec![format!("alias{i}")]
            } else {
                vec![]
            },
            attributes: Default::default(),
            tags: vec![],
        })?;
        tick(store, &mut made)?;
    }
    for i in 0..spec.questions {
        let parent =
            (i > 10 && rng.below(3) == 0).then(|| Id::new(Kind::Question, 1 + rng.below(i)));
        let id = store
            .add_question(NewQuestion {
                title: format!("What explains the {}? ({i})", phrase(&mut rng, 3)),
                detail: String::new(),
                status: Status::Open,
                priority: 1 + rng.below(4) as u8,
                kind: Sees::ALL[rng.below(4) as usize],
                parent,
                review_by: None,
                tags: if i % 5 == 0 {
                    vec!["priority".into()]
                } else {
                    vec![]
                },
            })?
            .id;
        if i % 4 == 0 {
            store.add_hypothesis(
                id,
                &phrase(&mut rng, 5),
                Some(Yardstick::RealisticPossibility),
            )?;
        }
        tick(store, &mut made)?;
    }
    let day0 = chrono::NaiveDate::from_ymd_opt(2022, 1, 1).unwrap_or_default();
    for i in 0..spec.notes {
        let day = day0 + chrono::Duration::days(rng.below(3 * 365) as i64);
        let when: When = match i % 10 {
            0 => format!("~{}", day.format("%Y-%m")),
            1 => day.format("%Y-%m").to_string(),
            _ => day.format("%Y-%m-%d").to_string(),
        }
        .parse()?;
        let mention = if spec.entities > 0 && i % 2 == 0 {
            format!(" with E{}", 1 + rng.below(spec.entities))
        } else {
            String::new()
        };
        let grade: Grade = ["B2P", "A1P", "C3P", "B3C"][rng.below(4) as usize].parse()?;
        store.add_note(NewNote {
            text: format!(
                "Report {i}: {}{mention}\n{}",
                phrase(&mut rng, 4),
                phrase(&mut rng, 12)
            ),
            source: "synthetic".into(),
            grade: Some(grade),
            when: Some(when),
            tags: vec![],
        })?;
        tick(store, &mut made)?;
    }
    let labels = ["associate of", "uses", "member of", "located at", "owns"];
    for _ in 0..spec.links {
        if spec.entities < 2 {
            break;
        }
        let a = 1 + rng.below(spec.entities);
        let mut b = 1 + rng.below(spec.entities);
        if a == b {
            b = if b == spec.entities { 1 } else { b + 1 };
        }
        store.link(NewLink {
            from: Id::new(Kind::Entity, a),
            to: Id::new(Kind::Entity, b),
            label: labels[rng.below(labels.len() as u64) as usize].into(),
            confidence: None,
            source: None,
            when: None,
        })?;
        tick(store, &mut made)?;
    }
    store.flush()?;
    store.set_sync(true);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_questions_shape_is_mostly_questions_and_about_the_size_asked() {
        let s = Spec::questions_heavy(100_000);
        assert_eq!(s.records(), 100_000);
        assert!(s.questions * 10 >= s.records() * 7);
        let r = Spec::shaped("realistic", 1000).unwrap();
        assert_eq!(r.questions, Spec::sized(1000).questions);
        let e = Spec::shaped("tasks", 10).unwrap_err();
        assert!(e.contains("\"tasks\""), "{e}");
    }
}
