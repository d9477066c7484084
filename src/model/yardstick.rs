//! The UK probability yardstick: words for likelihood and confidence, not false-precision
//! numbers. The gaps between the bands are deliberate; ranges are only a hint.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::ParseError;

/// A band of the probability yardstick, ordered from least to most likely.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Yardstick {
    RemoteChance,
    HighlyUnlikely,
    Unlikely,
    RealisticPossibility,
    Likely,
    HighlyLikely,
    AlmostCertain,
}

/// Every band, least likely first.
pub const ALL: [Yardstick; 7] = [
    Yardstick::RemoteChance,
    Yardstick::HighlyUnlikely,
    Yardstick::Unlikely,
    Yardstick::RealisticPossibility,
    Yardstick::Likely,
    Yardstick::HighlyLikely,
    Yardstick::AlmostCertain,
];

const EXPECTED: &str = "expected one of remote chance (remote), highly unlikely (hu), \
unlikely (u), realistic possibility (rp), likely or probable (l), highly likely (hl), \
almost certain (ac)";

impl Yardstick {
    /// The words, as displayed: "realistic possibility", "likely".
    pub fn words(&self) -> &'static str {
        match self {
            Yardstick::RemoteChance => "remote chance",
            Yardstick::HighlyUnlikely => "highly unlikely",
            Yardstick::Unlikely => "unlikely",
            Yardstick::RealisticPossibility => "realistic possibility",
            Yardstick::Likely => "likely",
            Yardstick::HighlyLikely => "highly likely",
            Yardstick::AlmostCertain => "almost certain",
        }
    }

    /// The short form accepted on input: "rp".
    pub fn short(&self) -> &'static str {
        match self {
            Yardstick::RemoteChance => "remote",
            Yardstick::HighlyUnlikely => "hu",
            Yardstick::Unlikely => "u",
            Yardstick::RealisticPossibility => "rp",
            Yardstick::Likely => "l",
            Yardstick::HighlyLikely => "hl",
            Yardstick::AlmostCertain => "ac",
        }
    }

    /// A word or two for a narrow column: "realistic", "h.likely". Unlike
    /// [`Yardstick::short`], always readable without the table.
    pub fn brief(&self) -> &'static str {
        match self {
            Yardstick::RemoteChance => "remote",
            Yardstick::HighlyUnlikely => "h.unlikely",
            Yardstick::Unlikely => "unlikely",
            Yardstick::RealisticPossibility => "realistic",
            Yardstick::Likely => "likely",
            Yardstick::HighlyLikely => "h.likely",
            Yardstick::AlmostCertain => "certain",
        }
    }

    /// The approximate probability range, shown as a hint: "40-50%".
    pub fn range(&self) -> &'static str {
        match self {
            Yardstick::RemoteChance => "0-5%",
            Yardstick::HighlyUnlikely => "10-20%",
            Yardstick::Unlikely => "25-35%",
            Yardstick::RealisticPossibility => "40-50%",
            Yardstick::Likely => "55-75%",
            Yardstick::HighlyLikely => "80-90%",
            Yardstick::AlmostCertain => "95-100%",
        }
    }
}

impl fmt::Display for Yardstick {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.words())
    }
}

impl FromStr for Yardstick {
    type Err = ParseError;

    /// Any case; `-` and `_` count as spaces; runs of whitespace count as one space.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let lowered = s.to_lowercase().replace(['-', '_'], " ");
        let norm = lowered.split_whitespace().collect::<Vec<_>>().join(" ");
        let y = match norm.as_str() {
            "remote chance" | "remote" => Yardstick::RemoteChance,
            "highly unlikely" | "hu" => Yardstick::HighlyUnlikely,
            "unlikely" | "u" => Yardstick::Unlikely,
            "realistic possibility" | "rp" => Yardstick::RealisticPossibility,
            "likely" | "probable" | "likely or probable" | "l" => Yardstick::Likely,
            "highly likely" | "hl" => Yardstick::HighlyLikely,
            "almost certain" | "ac" => Yardstick::AlmostCertain,
            _ => return Err(ParseError::new("yardstick", s, EXPECTED)),
        };
        Ok(y)
    }
}

impl Serialize for Yardstick {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.words())
    }
}

impl<'de> Deserialize<'de> for Yardstick {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn y(s: &str) -> Yardstick {
        s.parse().expect("valid yardstick")
    }

    #[test]
    fn words_and_short_forms() {
        assert_eq!(y("remote chance"), Yardstick::RemoteChance);
        assert_eq!(y("remote"), Yardstick::RemoteChance);
        assert_eq!(y("Highly Unlikely"), Yardstick::HighlyUnlikely);
        assert_eq!(y("HU"), Yardstick::HighlyUnlikely);
        assert_eq!(y("unlikely"), Yardstick::Unlikely);
        assert_eq!(y(" u "), Yardstick::Unlikely);
        assert_eq!(y("realistic-possibility"), Yardstick::RealisticPossibility);
        assert_eq!(y("rp"), Yardstick::RealisticPossibility);
        assert_eq!(y("likely"), Yardstick::Likely);
        assert_eq!(y("probable"), Yardstick::Likely);
        assert_eq!(y("Likely  or\tprobable"), Yardstick::Likely);
        assert_eq!(y("l"), Yardstick::Likely);
        assert_eq!(y("highly_likely"), Yardstick::HighlyLikely);
        assert_eq!(y("hl"), Yardstick::HighlyLikely);
        assert_eq!(y("ALMOST CERTAIN"), Yardstick::AlmostCertain);
        assert_eq!(y("ac"), Yardstick::AlmostCertain);
    }

    #[test]
    fn display_short_range() {
        assert_eq!(
            Yardstick::RealisticPossibility.to_string(),
            "realistic possibility"
        );
        assert_eq!(Yardstick::Likely.to_string(), "likely");
        assert_eq!(Yardstick::RealisticPossibility.short(), "rp");
        assert_eq!(Yardstick::RealisticPossibility.range(), "40-50%");
        assert_eq!(Yardstick::RemoteChance.range(), "0-5%");
        assert_eq!(Yardstick::AlmostCertain.range(), "95-100%");
        for x in ALL {
            assert!(x.range().is_ascii());
            assert_eq!(y(x.short()), x);
        }
    }

    #[test]
    fn ordered_least_to_most_likely() {
        assert!(ALL.windows(2).all(|w| w[0] < w[1]));
        assert!(Yardstick::RemoteChance < Yardstick::AlmostCertain);
    }

    #[test]
    fn rejects_bad_strings_saying_what_is_accepted() {
        for bad in [
            "",
            "  ",
            "maybe",
            "50%",
            "highlyunlikely",
            "r p",
            "likely probable",
            "ł",
        ] {
            let e = bad.parse::<Yardstick>().expect_err(bad);
            assert_eq!(e.what, "yardstick");
            assert_eq!(e.input, bad);
            for x in ALL {
                assert!(e.expected.contains(x.words()), "{e}");
                assert!(e.expected.contains(&format!("({})", x.short())), "{e}");
            }
        }
        let msg = "maybe".parse::<Yardstick>().expect_err("bad").to_string();
        assert!(msg.starts_with("invalid yardstick \"maybe\": expected one of remote chance"));
    }

    #[test]
    fn serde_as_words() {
        let json = serde_json::to_string(&Yardstick::HighlyLikely).expect("ser");
        assert_eq!(json, "\"highly likely\"");
        assert_eq!(
            serde_json::from_str::<Yardstick>("\"rp\"").expect("de"),
            Yardstick::RealisticPossibility
        );
        let e = serde_json::from_str::<Yardstick>("\"maybe\"").expect_err("bad");
        assert!(e.to_string().contains("realistic possibility (rp)"), "{e}");
    }

    proptest! {
        #[test]
        fn round_trip(x in prop::sample::select(ALL.to_vec())) {
            prop_assert_eq!(x.to_string().parse::<Yardstick>(), Ok(x));
            prop_assert_eq!(x.to_string().to_uppercase().replace(' ', "_").parse::<Yardstick>(), Ok(x));
            let json = serde_json::to_string(&x).expect("ser");
            prop_assert_eq!(serde_json::from_str::<Yardstick>(&json).expect("de"), x);
        }

        #[test]
        fn arbitrary_strings_never_panic(s in any::<String>(), t in "[a-z _-]{0,24}") {
            let _ = s.parse::<Yardstick>();
            let _ = t.parse::<Yardstick>();
        }
    }
}
