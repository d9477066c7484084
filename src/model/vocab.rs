//! The closed word lists of the model: question status, SEES kind, entity kind,
//! hypothesis status. Each parses case-insensitively and lists the accepted words when
//! it cannot.

use super::ParseError;

/// Declares an enum of fixed words with `ALL`, `as_str`, `Display`, `FromStr` and serde.
macro_rules! word_enum {
    ($(#[$m:meta])* $name:ident, $what:literal, { $($var:ident => $word:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum $name { $($var),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$var),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$var => $word),+ }
            }

            /// The position of this word in `ALL`, used as a compact index key.
            pub fn index(self) -> u8 {
                self as u8
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = ParseError;
            fn from_str(s: &str) -> Result<Self, ParseError> {
                let t = s.trim().to_ascii_lowercase();
                $name::ALL
                    .iter()
                    .copied()
                    .find(|v| v.as_str() == t)
                    .ok_or_else(|| {
                        let words: Vec<&str> = $name::ALL.iter().map(|v| v.as_str()).collect();
                        ParseError::new($what, s, format!("expected one of {}", words.join(", ")))
                    })
            }
        }

        crate::serde_as_string!($name);
    };
}

word_enum!(
    /// Where a question stands.
    Status, "status", {
        Open => "open",
        Active => "active",
        Answered => "answered",
        Parked => "parked",
        Dropped => "dropped",
    }
);

impl Status {
    /// Still being worked (open or active).
    pub fn is_live(self) -> bool {
        matches!(self, Status::Open | Status::Active)
    }
}

word_enum!(
    /// The SEES kind of a question (Omand): what it is about.
    Sees, "question kind", {
        Situation => "situation",
        Explanation => "explanation",
        Estimate => "estimate",
        Warning => "warning",
    }
);

impl Sees {
    /// One letter for narrow columns.
    pub fn letter(self) -> char {
        match self {
            Sees::Situation => 'S',
            Sees::Explanation => 'X',
            Sees::Estimate => 'E',
            Sees::Warning => 'W',
        }
    }
}

word_enum!(
    /// What an entity is.
    EntityKind, "entity kind", {
        Person => "person",
        Organisation => "organisation",
        Group => "group",
        Location => "location",
        Vehicle => "vehicle",
        Phone => "phone",
        Account => "account",
        Commodity => "commodity",
        Online => "online",
        Other => "other",
    }
);

word_enum!(
    /// Where a hypothesis stands.
    HypothesisStatus, "hypothesis status", {
        Live => "live",
        Rejected => "rejected",
        Confirmed => "confirmed",
    }
);

word_enum!(
    /// Where an expectation of a hypothesis stands: not yet looked for, looked for and not
    /// found, or found.
    ExpectationStatus, "expectation status", {
        Unchecked => "unchecked",
        Absent => "absent",
        Found => "found",
    }
);

/// `1 problem`, `3 problems`: a count with its noun in the right number.
pub fn counted(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_round_trip_and_ignore_case() {
        for s in Status::ALL {
            assert_eq!(s.as_str().to_uppercase().parse::<Status>().unwrap(), *s);
        }
        for k in EntityKind::ALL {
            assert_eq!(k.to_string().parse::<EntityKind>().unwrap(), *k);
        }
    }

    #[test]
    fn unknown_word_lists_the_accepted_ones() {
        let e = "closed".parse::<Status>().unwrap_err().to_string();
        assert_eq!(
            e,
            "invalid status \"closed\": expected one of open, active, answered, parked, dropped"
        );
    }
}
