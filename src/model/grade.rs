//! UK policing 3x5x2 intelligence grading, written compactly as `B2P`.
//!
//! Source evaluation (A/B/C), intelligence assessment (1-5) and handling code (P/C).
//! Historic 5x5x5 grades are a different scheme and are never converted into this one.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::ParseError;

/// Source evaluation: how far the source can be relied upon.
/// Ordered A < B < C (C is the least reliable).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SourceEval {
    /// Reliable.
    A,
    /// Untested.
    B,
    /// Not reliable.
    C,
}

/// Intelligence assessment: how the source came to know it.
/// Ordered One < ... < Five (Five is the weakest).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Intel {
    /// Known directly to the source.
    One,
    /// Known indirectly but corroborated.
    Two,
    /// Known indirectly.
    Three,
    /// Not known.
    Four,
    /// Suspected to be false.
    Five,
}

/// Handling code. `C > P` means "more restrictive".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Handling {
    /// Lawful sharing permitted.
    P,
    /// Lawful sharing permitted with conditions.
    C,
}

impl SourceEval {
    pub const ALL: [SourceEval; 3] = [SourceEval::A, SourceEval::B, SourceEval::C];

    /// The letter as written in a grade: `'A'`, `'B'` or `'C'`.
    pub fn letter(self) -> char {
        match self {
            SourceEval::A => 'A',
            SourceEval::B => 'B',
            SourceEval::C => 'C',
        }
    }

    fn from_char(c: char) -> Option<Self> {
        match c.to_ascii_uppercase() {
            'A' => Some(SourceEval::A),
            'B' => Some(SourceEval::B),
            'C' => Some(SourceEval::C),
            _ => None,
        }
    }
}

impl Intel {
    pub const ALL: [Intel; 5] = [
        Intel::One,
        Intel::Two,
        Intel::Three,
        Intel::Four,
        Intel::Five,
    ];

    /// The number as written in a grade, 1-5.
    pub fn number(self) -> u8 {
        match self {
            Intel::One => 1,
            Intel::Two => 2,
            Intel::Three => 3,
            Intel::Four => 4,
            Intel::Five => 5,
        }
    }

    fn from_char(c: char) -> Option<Self> {
        match c {
            '1' => Some(Intel::One),
            '2' => Some(Intel::Two),
            '3' => Some(Intel::Three),
            '4' => Some(Intel::Four),
            '5' => Some(Intel::Five),
            _ => None,
        }
    }
}

impl Handling {
    pub const ALL: [Handling; 2] = [Handling::P, Handling::C];

    /// The letter as written in a grade: `'P'` or `'C'`.
    pub fn letter(self) -> char {
        match self {
            Handling::P => 'P',
            Handling::C => 'C',
        }
    }

    fn from_char(c: char) -> Option<Self> {
        match c.to_ascii_uppercase() {
            'P' => Some(Handling::P),
            'C' => Some(Handling::C),
            _ => None,
        }
    }
}

/// A 3x5x2 grade such as `B2P`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Grade {
    pub source: SourceEval,
    pub intel: Intel,
    pub handling: Handling,
}

const EXPECTED: &str = "expected source A/B/C, assessment 1-5 and handling P/C, e.g. B2P";

impl Grade {
    pub fn new(source: SourceEval, intel: Intel, handling: Handling) -> Self {
        Grade {
            source,
            intel,
            handling,
        }
    }

    /// e.g. "B: untested source".
    pub fn source_meaning(&self) -> &'static str {
        match self.source {
            SourceEval::A => "A: reliable source",
            SourceEval::B => "B: untested source",
            SourceEval::C => "C: not reliable source",
        }
    }

    /// e.g. "2: known indirectly but corroborated".
    pub fn intel_meaning(&self) -> &'static str {
        match self.intel {
            Intel::One => "1: known directly to the source",
            Intel::Two => "2: known indirectly but corroborated",
            Intel::Three => "3: known indirectly",
            Intel::Four => "4: not known",
            Intel::Five => "5: suspected to be false",
        }
    }

    /// e.g. "P: lawful sharing permitted".
    pub fn handling_meaning(&self) -> &'static str {
        match self.handling {
            Handling::P => "P: lawful sharing permitted",
            Handling::C => "C: lawful sharing permitted with conditions",
        }
    }

    /// Low-graded intelligence: an unreliable source (C), or assessment 4 or 5.
    pub fn is_low(&self) -> bool {
        self.source == SourceEval::C || matches!(self.intel, Intel::Four | Intel::Five)
    }

    /// Assessed as suspected to be false (5): never counts as strong evidence.
    pub fn is_suspect_false(&self) -> bool {
        self.intel == Intel::Five
    }
}

impl fmt::Display for Grade {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}{}{}",
            self.source.letter(),
            self.intel.number(),
            self.handling.letter()
        )
    }
}

impl FromStr for Grade {
    type Err = ParseError;

    /// Reads `B2P` (surrounding whitespace ignored, any case).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || ParseError::new("grade", s, EXPECTED);
        let mut chars = s.trim().chars();
        let (Some(a), Some(b), Some(c), None) =
            (chars.next(), chars.next(), chars.next(), chars.next())
        else {
            return Err(err());
        };
        Ok(Grade {
            source: SourceEval::from_char(a).ok_or_else(err)?,
            intel: Intel::from_char(b).ok_or_else(err)?,
            handling: Handling::from_char(c).ok_or_else(err)?,
        })
    }
}

impl Serialize for Grade {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Grade {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn g(s: &str) -> Grade {
        s.parse().expect("valid grade")
    }

    #[test]
    fn parses_compact_form() {
        assert_eq!(g("B2P"), Grade::new(SourceEval::B, Intel::Two, Handling::P));
        assert_eq!(g("a1c"), Grade::new(SourceEval::A, Intel::One, Handling::C));
        assert_eq!(
            g("  c5p \n"),
            Grade::new(SourceEval::C, Intel::Five, Handling::P)
        );
        assert_eq!(g("b2p").to_string(), "B2P");
    }

    #[test]
    fn rejects_bad_strings_saying_what_is_accepted() {
        for bad in [
            "", "B2", "B2PP", "Z9Q", "D1P", "B0P", "B6P", "B2X", "2BP", "B 2P", "ÄÖÜ", "B２P",
        ] {
            let e = bad.parse::<Grade>().expect_err(bad);
            assert_eq!(e.what, "grade");
            assert_eq!(e.input, bad);
            assert!(e.expected.contains("A/B/C"), "{e}");
        }
        let e = "Z9Q".parse::<Grade>().expect_err("bad");
        assert_eq!(
            e.to_string(),
            "invalid grade \"Z9Q\": expected source A/B/C, assessment 1-5 and handling P/C, e.g. B2P"
        );
    }

    #[test]
    fn meanings() {
        let b2p = g("B2P");
        assert_eq!(b2p.source_meaning(), "B: untested source");
        assert_eq!(b2p.intel_meaning(), "2: known indirectly but corroborated");
        assert_eq!(b2p.handling_meaning(), "P: lawful sharing permitted");
        assert_eq!(g("A5C").intel_meaning(), "5: suspected to be false");
        assert_eq!(
            g("A5C").handling_meaning(),
            "C: lawful sharing permitted with conditions"
        );
    }

    #[test]
    fn low_and_suspect() {
        assert!(!g("A1P").is_low());
        assert!(!g("B3P").is_low());
        assert!(g("C1P").is_low());
        assert!(g("A4P").is_low());
        assert!(g("A5P").is_low());
        assert!(g("A5P").is_suspect_false());
        assert!(!g("C4P").is_suspect_false());
    }

    #[test]
    fn handling_c_is_more_restrictive() {
        assert!(Handling::C > Handling::P);
    }

    #[test]
    fn serde_as_compact_string() {
        assert_eq!(serde_json::to_string(&g("b2p")).expect("ser"), "\"B2P\"");
        let back: Grade = serde_json::from_str("\"A1C\"").expect("de");
        assert_eq!(back, g("A1C"));
        let e = serde_json::from_str::<Grade>("\"Z9Q\"").expect_err("bad");
        assert!(e.to_string().contains("expected source A/B/C"), "{e}");
        assert!(serde_json::from_str::<Grade>("12").is_err());
    }

    fn any_grade() -> impl Strategy<Value = Grade> {
        (
            prop::sample::select(SourceEval::ALL.to_vec()),
            prop::sample::select(Intel::ALL.to_vec()),
            prop::sample::select(Handling::ALL.to_vec()),
        )
            .prop_map(|(s, i, h)| Grade::new(s, i, h))
    }

    proptest! {
        #[test]
        fn round_trip(x in any_grade()) {
            prop_assert_eq!(x.to_string().parse::<Grade>(), Ok(x));
            prop_assert_eq!(x.to_string().to_lowercase().parse::<Grade>(), Ok(x));
            let json = serde_json::to_string(&x).expect("ser");
            prop_assert_eq!(serde_json::from_str::<Grade>(&json).expect("de"), x);
        }

        #[test]
        fn arbitrary_strings_never_panic(s in any::<String>(), t in "[ABCabc1-6PpQ ]{0,5}") {
            let _ = s.parse::<Grade>();
            let _ = t.parse::<Grade>();
        }
    }
}
