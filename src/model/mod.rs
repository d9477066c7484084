//! The records of a workspace and the doctrine they speak: plain types with serde,
//! parsing and display. No I/O happens here.

pub mod ach;
pub mod fields;
pub mod fuzzy;
pub mod grade;
pub mod id;
pub mod json;
pub mod record;
pub mod stamp;
pub mod table;
pub mod text;
pub mod vocab;
pub mod when;
pub mod wording;
pub mod yardstick;

pub use grade::Grade;
pub use id::{Id, Kind};
pub use record::{
    Answer, Assessment, Consistency, Dismissal, Entity, Expectation, Hypothesis, Link, Meta, Note,
    Question, Record,
};
pub use vocab::{EntityKind, ExpectationStatus, HypothesisStatus, Sees, Status};
pub use when::When;
pub use yardstick::Yardstick;

/// The tag that puts a question in the collection plan (`weft plan`): questions made by
/// collect next and accepted from the gap hunter carry it; an analyst may add or remove
/// it like any tag.
pub const COLLECTION_TAG: &str = "collection";

/// A string that could not be read as a model value: names the input and what is accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid {what} {input:?}: {expected}")]
pub struct ParseError {
    pub what: &'static str,
    pub input: String,
    pub expected: String,
}

impl ParseError {
    pub fn new(what: &'static str, input: &str, expected: impl Into<String>) -> Self {
        ParseError {
            what,
            input: input.to_string(),
            expected: expected.into(),
        }
    }
}

/// Implements `Serialize`/`Deserialize` for a type through its `Display`/`FromStr`.
#[macro_export]
macro_rules! serde_as_string {
    ($ty:ty) => {
        impl serde::Serialize for $ty {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }
        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
                s.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}
