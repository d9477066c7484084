//! Record ids: a kind letter and a number that is never reused (`Q12`, `E40`).

use super::ParseError;
use std::fmt;
use std::str::FromStr;

/// The kind of a record, written as the first letter of its id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    Question,
    Hypothesis,
    Entity,
    Note,
    Link,
    Assessment,
    Expectation,
    Dismissal,
}

impl Kind {
    pub const ALL: [Kind; 8] = [
        Kind::Question,
        Kind::Hypothesis,
        Kind::Entity,
        Kind::Note,
        Kind::Link,
        Kind::Assessment,
        Kind::Expectation,
        Kind::Dismissal,
    ];

    /// The id letter.
    pub fn letter(self) -> char {
        match self {
            Kind::Question => 'Q',
            Kind::Hypothesis => 'H',
            Kind::Entity => 'E',
            Kind::Note => 'N',
            Kind::Link => 'L',
            Kind::Assessment => 'A',
            Kind::Expectation => 'X',
            Kind::Dismissal => 'D',
        }
    }

    pub fn from_letter(c: char) -> Option<Kind> {
        Kind::ALL
            .into_iter()
            .find(|k| k.letter() == c.to_ascii_uppercase())
    }

    /// The singular noun, as used on the command line (`add question`).
    pub fn noun(self) -> &'static str {
        match self {
            Kind::Question => "question",
            Kind::Hypothesis => "hypothesis",
            Kind::Entity => "entity",
            Kind::Note => "note",
            Kind::Link => "link",
            Kind::Assessment => "assessment",
            Kind::Expectation => "expectation",
            Kind::Dismissal => "dismissal",
        }
    }

    pub fn plural(self) -> &'static str {
        match self {
            Kind::Question => "questions",
            Kind::Hypothesis => "hypotheses",
            Kind::Entity => "entities",
            Kind::Note => "notes",
            Kind::Link => "links",
            Kind::Assessment => "assessments",
            Kind::Expectation => "expectations",
            Kind::Dismissal => "dismissals",
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.noun())
    }
}

/// A record id such as `Q12`. Case-insensitive on input; numbers start at 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Id {
    pub kind: Kind,
    pub num: u64,
}

impl Id {
    pub fn new(kind: Kind, num: u64) -> Self {
        Id { kind, num }
    }

    /// Nine bytes that sort by kind, then number: the letter and the big-endian number.
    pub fn to_bytes(self) -> [u8; 9] {
        let mut b = [0u8; 9];
        b[0] = self.kind.letter() as u8;
        b[1..].copy_from_slice(&self.num.to_be_bytes());
        b
    }

    pub fn from_bytes(b: &[u8]) -> Option<Id> {
        if b.len() < 9 {
            return None;
        }
        let kind = Kind::from_letter(b[0] as char)?;
        let num = u64::from_be_bytes(b[1..9].try_into().ok()?);
        Some(Id { kind, num })
    }

    /// True when `s` looks like an id of any kind (used to tell ids from names).
    pub fn looks_like(s: &str) -> bool {
        s.parse::<Id>().is_ok()
    }
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // pad, so that `{:<6}` lines ids up in columns
        f.pad(&format!("{}{}", self.kind.letter(), self.num))
    }
}

const ID_FORMS: &str =
    "expected a kind letter Q, H, E, N, L, A, X or D followed by a number, e.g. Q12";

impl FromStr for Id {
    type Err = ParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        let mut chars = t.chars();
        let kind = chars
            .next()
            .and_then(Kind::from_letter)
            .ok_or_else(|| ParseError::new("id", s, ID_FORMS))?;
        let digits = chars.as_str();
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ParseError::new("id", s, ID_FORMS));
        }
        let num: u64 = digits
            .parse()
            .map_err(|_| ParseError::new("id", s, "the number is too large"))?;
        if num == 0 {
            return Err(ParseError::new("id", s, "numbers start at 1"));
        }
        Ok(Id { kind, num })
    }
}

crate::serde_as_string!(Id);

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses_case_insensitively() {
        assert_eq!("q12".parse::<Id>().unwrap(), Id::new(Kind::Question, 12));
        assert_eq!(" E40 ".parse::<Id>().unwrap(), Id::new(Kind::Entity, 40));
        assert_eq!("x4".parse::<Id>().unwrap(), Id::new(Kind::Expectation, 4));
    }

    #[test]
    fn rejects_bad_ids_with_the_input_named() {
        for bad in [
            "",
            "Q",
            "Z3",
            "Q-1",
            "Q0",
            "Q1a",
            "12",
            "Q99999999999999999999999",
        ] {
            let err = bad.parse::<Id>().unwrap_err().to_string();
            assert!(err.contains("invalid id"), "{bad}: {err}");
        }
    }

    #[test]
    fn bytes_sort_by_kind_then_number() {
        let a = Id::new(Kind::Note, 2).to_bytes();
        let b = Id::new(Kind::Note, 10).to_bytes();
        assert!(a < b);
        assert_eq!(Id::from_bytes(&b), Some(Id::new(Kind::Note, 10)));
    }

    proptest! {
        #[test]
        fn display_round_trips(k in 0usize..Kind::ALL.len(), n in 1u64..u64::MAX) {
            let id = Id::new(Kind::ALL[k], n);
            prop_assert_eq!(id.to_string().parse::<Id>().unwrap(), id);
            prop_assert_eq!(Id::from_bytes(&id.to_bytes()), Some(id));
        }

        #[test]
        fn never_panics(s in ".*") {
            let _ = s.parse::<Id>();
        }
    }
}
