//! JSON text that is safe to print: serde_json leaves DEL, the C1 controls and the
//! invisible formatting characters (a right-to-left override, a zero-width space) raw
//! inside strings, and a terminal obeys or hides them. Every JSON that weft prints, and
//! the backlog JSON export, is written through here so that each such character is a
//! `\uXXXX` escape instead: the JSON still parses back to exactly the same strings.

use super::text::is_unsafe;
use serde::Serialize;
use std::borrow::Cow;
use std::fmt::Write;

/// Whether a character found in JSON text must be written as a `\u` escape. C0 controls
/// are left out: serde_json already escapes them inside strings, and outside strings
/// the only ones allowed (newline, tab, carriage return) are layout.
fn needs_escape(c: char) -> bool {
    c >= '\u{7f}' && is_unsafe(c)
}

/// Rewrites every DEL, C1 control and invisible formatting character of a JSON text as
/// a `\uXXXX` escape (a surrogate pair above U+FFFF). Valid JSON holds such characters
/// only inside strings, where the escape means the same character, so the text keeps
/// its meaning exactly.
pub fn escape_unsafe(json: &str) -> Cow<'_, str> {
    if !json.chars().any(needs_escape) {
        return Cow::Borrowed(json);
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        if needs_escape(c) {
            let mut units = [0u16; 2];
            for u in c.encode_utf16(&mut units) {
                let _ = write!(out, "\\u{u:04x}");
            }
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// `value` as compact JSON on one line, safe to print.
pub fn to_string<T: Serialize + ?Sized>(value: &T) -> serde_json::Result<String> {
    serde_json::to_string(value).map(|s| escape_unsafe(&s).into_owned())
}

/// `value` as indented JSON, safe to print.
pub fn to_string_pretty<T: Serialize + ?Sized>(value: &T) -> serde_json::Result<String> {
    serde_json::to_string_pretty(value).map(|s| escape_unsafe(&s).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::text::{is_invisible, tests::hostile};
    use proptest::prelude::*;
    use serde_json::{json, Value};

    #[test]
    fn c1_del_and_invisible_characters_are_escaped() {
        let v = json!({"t": "a\u{9b}2J\u{9d}0;x\u{7f}b\u{202e}c\u{200b}\u{feff}\u{2028}\u{e0041}"});
        let s = to_string(&v).unwrap();
        assert_eq!(
            s,
            r#"{"t":"a\u009b2J\u009d0;x\u007fb\u202ec\u200b\ufeff\u2028\udb40\udc41"}"#
        );
        assert_eq!(serde_json::from_str::<Value>(&s).unwrap(), v);
    }

    #[test]
    fn ordinary_text_is_untouched() {
        let v = json!({"name": "Darren \"Daz\" Marsh — دارين 中文 e\u{301}\n\t"});
        assert_eq!(to_string(&v).unwrap(), serde_json::to_string(&v).unwrap());
        assert_eq!(
            to_string_pretty(&v).unwrap(),
            serde_json::to_string_pretty(&v).unwrap()
        );
    }

    proptest! {
        #[test]
        fn json_round_trips_and_carries_nothing_raw(s in hostile(), key in hostile()) {
            let v = json!({ key.clone(): [s.clone(), {"nested": s.clone()}] });
            for text in [to_string(&v).unwrap(), to_string_pretty(&v).unwrap()] {
                prop_assert!(
                    !text.chars().any(|c| (c.is_control() && !matches!(c, '\n' | ' ')) || is_invisible(c)),
                    "{:?}", text
                );
                let back: Value = serde_json::from_str(&text).unwrap();
                prop_assert_eq!(&back, &v);
                prop_assert_eq!(back[&key][0].as_str(), Some(s.as_str()));
            }
        }
    }
}
