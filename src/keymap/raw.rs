//! The shapes of a keymap file as TOML gives them, with the spans of their keys. Any
//! value is accepted here (a wrong one is reported by the checker, not by serde), so a
//! file fails as a whole only when it is not TOML.

use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::fmt;
use toml::Spanned;

/// A keymap file: its top-level keys in file order, each a section or a stray value.
pub(super) struct Document(pub Vec<(Spanned<String>, Section)>);

pub(super) enum Section {
    Table(Vec<(Spanned<String>, Value)>),
    Other,
}

/// An entry's value: a string, or anything else (only ever reported).
pub(super) enum Value {
    Str(String),
    Other,
}

impl<'de> Deserialize<'de> for Document {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Document;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("keymap sections")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Document, A::Error> {
                let mut out = Vec::new();
                while let Some(entry) = map.next_entry()? {
                    out.push(entry);
                }
                Ok(Document(out))
            }
        }
        d.deserialize_map(V)
    }
}

impl<'de> Deserialize<'de> for Section {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Section;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a section")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Section, A::Error> {
                // The keys of a table come with spans; a date arrives as a map whose one
                // key has none, and is no section.
                let Ok(first) = map.next_key::<Spanned<String>>() else {
                    return Ok(Section::Other);
                };
                let mut out = Vec::new();
                let mut key = first;
                while let Some(k) = key {
                    out.push((k, map.next_value()?));
                    key = map.next_key()?;
                }
                Ok(Section::Table(out))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Section, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Section::Other)
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Section, E> {
                Ok(Section::Other)
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<Section, E> {
                Ok(Section::Other)
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<Section, E> {
                Ok(Section::Other)
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Section, E> {
                Ok(Section::Other)
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<Section, E> {
                Ok(Section::Other)
            }
        }
        d.deserialize_any(V)
    }
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Value;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a command name")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Value, E> {
                Ok(Value::Str(s.to_string()))
            }
            fn visit_string<E: de::Error>(self, s: String) -> Result<Value, E> {
                Ok(Value::Str(s))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Value::Other)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Value::Other)
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Value, E> {
                Ok(Value::Other)
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<Value, E> {
                Ok(Value::Other)
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<Value, E> {
                Ok(Value::Other)
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Value, E> {
                Ok(Value::Other)
            }
        }
        d.deserialize_any(V)
    }
}
