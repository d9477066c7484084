//! Setting one named field of a record from text, as `weft set ID field=value` and the
//! interface's editors do. Parsing only: cross-record rules (that a parent exists, that a
//! link's ends exist) are the store's.

use super::{Answer, ExpectationStatus, Id, ParseError, Record};
use chrono::NaiveDate;

/// The fields `set` accepts for each kind, for error messages and completion.
pub fn settable(rec: &Record) -> &'static [&'static str] {
    match rec {
        Record::Question(_) => &[
            "title",
            "detail",
            "status",
            "priority",
            "kind",
            "parent",
            "review_by",
            "answer",
            "confidence",
            "tags",
        ],
        Record::Hypothesis(_) => &["statement", "question", "likelihood", "status", "tags"],
        Record::Entity(_) => &["name", "kind", "aliases", "attr.KEY", "tags"],
        Record::Note(_) => &["text", "source", "grade", "when", "tags"],
        Record::Link(_) => &[
            "label",
            "confidence",
            "source",
            "when",
            "from",
            "to",
            "tags",
        ],
        Record::Assessment(_) => &["consistency", "tags"],
        Record::Expectation(_) => &[
            "text",
            "hypothesis",
            "status",
            "where",
            "checked",
            "note",
            "tags",
        ],
        Record::Dismissal(_) => &[],
    }
}

fn none_word(v: &str) -> bool {
    matches!(
        v.trim().to_ascii_lowercase().as_str(),
        "" | "none" | "-" | "unassessed"
    )
}

fn optional<T: std::str::FromStr<Err = ParseError>>(v: &str) -> Result<Option<T>, ParseError> {
    if none_word(v) {
        Ok(None)
    } else {
        v.parse().map(Some)
    }
}

/// Splits a comma-separated list, trimming and dropping empties.
pub fn list(v: &str) -> Vec<String> {
    v.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect()
}

pub fn parse_priority(v: &str) -> Result<u8, ParseError> {
    match v.trim().parse::<u8>() {
        Ok(p @ 1..=4) => Ok(p),
        _ => Err(ParseError::new("priority", v, "expected 1 (highest) to 4")),
    }
}

/// A date field: [`super::when::parse_date`], the one parser of every date field.
pub fn parse_date(v: &str) -> Result<NaiveDate, ParseError> {
    super::when::parse_date(v)
}

/// What a tag is, for its errors.
const TAG_FORM: &str = "a tag is one word of visible characters, without spaces or commas";

/// Checks a tag as it is typed: one word, no commas, no control character and no
/// character that draws nothing (a zero-width space, a bidi isolate, a soft hyphen),
/// which would make two tags that look the same differ.
pub fn parse_tag(v: &str) -> Result<String, ParseError> {
    let t = stored_tag(v)?;
    if let Some(why) = super::text::name_fault(&t, false) {
        return Err(ParseError::new("tag", v, format!("{why}; {TAG_FORM}")));
    }
    Ok(t)
}

/// Checks a tag as records already hold it (an import, `weft check`, a recovery): one
/// word, no commas, no control character. A tag made before [`parse_tag`] refused
/// invisible characters still reads; a change to its record must mend it.
pub fn stored_tag(v: &str) -> Result<String, ParseError> {
    let t = v.trim();
    if t.is_empty() || t.chars().any(|c| c.is_whitespace() || c == ',') {
        return Err(ParseError::new(
            "tag",
            v,
            "expected one word without spaces or commas",
        ));
    }
    if let Some(c) = t.chars().find(|c| c.is_control()) {
        return Err(ParseError::new(
            "tag",
            v,
            format!("holds a control character (U+{:04X}); {TAG_FORM}", c as u32),
        ));
    }
    Ok(t.to_string())
}

/// Sets `field` of `rec` to `value`. The error names the field and what it accepts.
pub fn set_field(rec: &mut Record, field: &str, value: &str) -> Result<(), ParseError> {
    let f = field.trim().to_ascii_lowercase();
    if f == "tags" {
        rec.meta_mut().tags = list(value)
            .iter()
            .map(|t| parse_tag(t))
            .collect::<Result<_, _>>()?;
        return Ok(());
    }
    let unknown = |rec: &Record| {
        ParseError::new(
            "field",
            field,
            format!("{} has fields {}", rec.id(), settable(rec).join(", ")),
        )
    };
    match rec {
        Record::Question(q) => match f.as_str() {
            "title" => q.title = value.to_string(),
            "detail" => q.detail = value.to_string(),
            "status" => q.status = value.parse()?,
            "priority" => q.priority = parse_priority(value)?,
            "kind" => q.kind = value.parse()?,
            "parent" => q.parent = optional::<Id>(value)?,
            "review_by" => {
                q.review_by = if none_word(value) {
                    None
                } else {
                    Some(parse_date(value)?)
                }
            }
            "answer" => {
                if none_word(value) {
                    q.answer = None;
                } else {
                    let confidence = q.answer.as_ref().and_then(|a| a.confidence);
                    q.answer = Some(Answer {
                        text: value.to_string(),
                        confidence,
                    });
                }
            }
            "confidence" => {
                let c = optional(value)?;
                match &mut q.answer {
                    Some(a) => a.confidence = c,
                    None => {
                        q.answer = Some(Answer {
                            text: String::new(),
                            confidence: c,
                        })
                    }
                }
            }
            _ => return Err(unknown(rec)),
        },
        Record::Hypothesis(h) => match f.as_str() {
            "statement" => h.statement = value.to_string(),
            "question" => h.question = value.parse()?,
            "likelihood" => h.likelihood = optional(value)?,
            "status" => h.status = value.parse()?,
            _ => return Err(unknown(rec)),
        },
        Record::Entity(e) => match f.as_str() {
            "name" => e.name = value.trim().to_string(),
            "kind" => e.kind = value.parse()?,
            "aliases" => e.aliases = list(value),
            other => match other
                .strip_prefix("attr.")
                .or_else(|| other.strip_prefix("attributes."))
            {
                Some(k) if !k.trim().is_empty() => {
                    // keep the key's case as typed
                    let key = field
                        .trim()
                        .split_once('.')
                        .map(|x| x.1)
                        .unwrap_or(k)
                        .trim();
                    if value.trim().is_empty() {
                        e.attributes.remove(key);
                    } else {
                        e.attributes.insert(key.to_string(), value.to_string());
                    }
                }
                _ => return Err(unknown(rec)),
            },
        },
        Record::Note(n) => match f.as_str() {
            "text" => n.text = value.to_string(),
            "source" => n.source = value.to_string(),
            "grade" => n.grade = optional(value)?,
            "when" => n.when = optional(value)?,
            _ => return Err(unknown(rec)),
        },
        Record::Link(l) => match f.as_str() {
            "label" => l.label = value.trim().to_string(),
            "confidence" => l.confidence = optional(value)?,
            "source" => l.source = optional(value)?,
            "when" => l.when = optional(value)?,
            "from" => l.from = value.parse()?,
            "to" => l.to = value.parse()?,
            _ => return Err(unknown(rec)),
        },
        Record::Assessment(a) => match f.as_str() {
            "consistency" => a.consistency = value.parse()?,
            _ => return Err(unknown(rec)),
        },
        Record::Expectation(x) => match f.as_str() {
            "text" => x.text = value.to_string(),
            "hypothesis" => x.hypothesis = value.parse()?,
            "status" => {
                // A new status drops what it cannot hold: unchecked keeps no search and
                // no note, absent keeps no note. Later assignments fill them again.
                x.status = value.parse()?;
                match x.status {
                    ExpectationStatus::Unchecked => {
                        x.place = None;
                        x.checked = None;
                        x.note = None;
                    }
                    ExpectationStatus::Absent => x.note = None,
                    ExpectationStatus::Found => {}
                }
            }
            "where" => {
                x.place = if none_word(value) {
                    None
                } else {
                    Some(value.trim().to_string())
                }
            }
            "checked" => {
                x.checked = if none_word(value) {
                    None
                } else {
                    Some(parse_date(value)?)
                }
            }
            "note" => x.note = optional::<Id>(value)?,
            _ => return Err(unknown(rec)),
        },
        Record::Dismissal(d) => {
            return Err(ParseError::new(
                "field",
                field,
                format!("{} is a dismissed gap: `weft gaps` changes it", d.meta.id),
            ))
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Meta, Question, Sees, Status};

    fn question() -> Record {
        Record::Question(Question {
            meta: Meta::new("Q1".parse().unwrap(), chrono::Utc::now(), "ana"),
            title: "t".into(),
            detail: String::new(),
            status: Status::Open,
            priority: 2,
            kind: Sees::Situation,
            parent: None,
            review_by: None,
            answer: None,
        })
    }

    #[test]
    fn sets_and_validates_question_fields() {
        let mut q = question();
        set_field(&mut q, "status", "ANSWERED").unwrap();
        set_field(&mut q, "priority", "1").unwrap();
        set_field(&mut q, "answer", "Marsh runs it").unwrap();
        set_field(&mut q, "confidence", "hl").unwrap();
        set_field(&mut q, "tags", "line, kestrel").unwrap();
        let Record::Question(q) = q else {
            unreachable!()
        };
        assert_eq!(q.status, Status::Answered);
        assert_eq!(q.priority, 1);
        assert_eq!(q.answer.unwrap().confidence.unwrap().short(), "hl");
        assert_eq!(q.meta.tags, vec!["line", "kestrel"]);
    }

    #[test]
    fn bad_values_name_the_input() {
        let mut q = question();
        let e = set_field(&mut q, "priority", "9").unwrap_err().to_string();
        assert_eq!(e, "invalid priority \"9\": expected 1 (highest) to 4");
        let e = set_field(&mut q, "colour", "red").unwrap_err().to_string();
        assert!(
            e.starts_with("invalid field \"colour\": Q1 has fields title"),
            "{e}"
        );
        let e = set_field(&mut q, "review_by", "2024-02-30")
            .unwrap_err()
            .to_string();
        assert!(e.contains("YYYY-MM-DD"), "{e}");
        assert!(set_field(&mut q, "tags", "two words").is_err());
    }

    fn expectation() -> Record {
        Record::Expectation(crate::model::Expectation {
            meta: Meta::new("X4".parse().unwrap(), chrono::Utc::now(), "ana"),
            hypothesis: "H1".parse().unwrap(),
            text: "Cash at the yard".into(),
            status: ExpectationStatus::Unchecked,
            place: None,
            checked: None,
            note: None,
        })
    }

    #[test]
    fn sets_expectation_fields_and_status_drops_what_it_cannot_hold() {
        let mut x = expectation();
        set_field(&mut x, "status", "absent").unwrap();
        set_field(&mut x, "where", "PNC and ANPR").unwrap();
        set_field(&mut x, "checked", "2024-06-01").unwrap();
        let Record::Expectation(e) = &x else {
            unreachable!()
        };
        assert_eq!(e.place.as_deref(), Some("PNC and ANPR"));
        assert_eq!(e.checked.unwrap().to_string(), "2024-06-01");
        set_field(&mut x, "status", "found").unwrap();
        set_field(&mut x, "note", "n12").unwrap();
        let Record::Expectation(e) = &x else {
            unreachable!()
        };
        assert_eq!(e.note, Some("N12".parse().unwrap()));
        assert!(e.place.is_some(), "found keeps where it was found");
        set_field(&mut x, "status", "unchecked").unwrap();
        let Record::Expectation(e) = &x else {
            unreachable!()
        };
        assert_eq!((e.place.clone(), e.checked, e.note), (None, None, None));
        let err = set_field(&mut x, "status", "missing")
            .unwrap_err()
            .to_string();
        assert!(err.contains("unchecked, absent, found"), "{err}");
        assert!(set_field(&mut x, "checked", "June").is_err());
    }
}
