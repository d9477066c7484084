//! Which notes the Notes pane shows: tags, grade patterns and source text, typed as
//! words (`#tag grade:B2 source:CHIS`).

use crate::model::grade::{Handling, Intel, SourceEval};
use crate::model::{Grade, Note};

/// A grade, or part of one: `B2` keeps B2P and B2C, `C` keeps every grade from an
/// unreliable source, `5` every grade assessed as suspected false, `none` the ungraded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GradePattern {
    Ungraded,
    Parts {
        source: Option<SourceEval>,
        intel: Option<Intel>,
        handling: Option<Handling>,
    },
}

impl GradePattern {
    /// Reads `B2P`, `B2`, `B`, `2`, `2P`, `P` or `none`. A lone `C` is the source
    /// evaluation (write `CC` or `3C`-style forms for the handling code).
    pub fn parse(s: &str) -> Option<GradePattern> {
        let t = s.trim().to_ascii_uppercase();
        if matches!(t.as_str(), "NONE" | "UNGRADED" | "-") {
            return Some(GradePattern::Ungraded);
        }
        let mut chars = t.chars().peekable();
        let source = match chars.peek() {
            Some('A') => Some(SourceEval::A),
            Some('B') => Some(SourceEval::B),
            Some('C') => Some(SourceEval::C),
            _ => None,
        };
        if source.is_some() {
            chars.next();
        }
        let intel = chars
            .peek()
            .and_then(|c| c.to_digit(10))
            .and_then(|d| Intel::ALL.get((d as usize).checked_sub(1)?).copied());
        if intel.is_some() {
            chars.next();
        }
        let handling = match chars.peek() {
            Some('P') => Some(Handling::P),
            Some('C') => Some(Handling::C),
            _ => None,
        };
        if handling.is_some() {
            chars.next();
        }
        let any = source.is_some() || intel.is_some() || handling.is_some();
        (any && chars.next().is_none()).then_some(GradePattern::Parts {
            source,
            intel,
            handling,
        })
    }

    pub fn keeps(&self, g: Option<&Grade>) -> bool {
        match (self, g) {
            (GradePattern::Ungraded, g) => g.is_none(),
            (_, None) => false,
            (
                GradePattern::Parts {
                    source,
                    intel,
                    handling,
                },
                Some(g),
            ) => {
                source.is_none_or(|s| s == g.source)
                    && intel.is_none_or(|i| i == g.intel)
                    && handling.is_none_or(|h| h == g.handling)
            }
        }
    }
}

impl std::fmt::Display for GradePattern {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            GradePattern::Ungraded => f.write_str("none"),
            GradePattern::Parts {
                source,
                intel,
                handling,
            } => {
                if let Some(s) = source {
                    write!(f, "{}", s.letter())?;
                }
                if let Some(i) = intel {
                    write!(f, "{}", i.number())?;
                }
                if let Some(h) = handling {
                    write!(f, "{}", h.letter())?;
                }
                Ok(())
            }
        }
    }
}

/// The notes shown: every tag listed, any of the grade patterns, and every source text
/// (case-insensitive, anywhere in the source). Empty lists mean "any".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NoteFilter {
    pub tags: Vec<String>,
    pub grades: Vec<GradePattern>,
    pub sources: Vec<String>,
}

pub const FILTER_HINT: &str =
    "#tag  grade:B2 (or B, 2, B2P, none)  source:CHIS (source:\"two words\"); empty shows all";

/// Splits on spaces and commas, keeping `"quoted words"` together.
fn words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    for c in text.chars() {
        match c {
            '"' => quoted = !quoted,
            ' ' | ',' if !quoted => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
            c => cur.push(c),
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

impl NoteFilter {
    /// Reads the filter words; empty text clears the filter.
    pub fn parse(text: &str) -> Result<NoteFilter, String> {
        let mut f = NoteFilter::default();
        for word in words(text) {
            let lower = word.to_lowercase();
            if let Some(t) = word.strip_prefix('#').or_else(|| word.strip_prefix("tag:")) {
                let t = crate::model::fields::parse_tag(t).map_err(|e| e.to_string())?;
                f.tags.push(t);
            } else if let Some(g) = lower.strip_prefix("grade:") {
                let p = GradePattern::parse(g).ok_or_else(|| {
                    format!("grade {g:?} is not a grade or part of one (B2P, B2, B, 2, none)")
                })?;
                f.grades.push(p);
            } else if lower.starts_with("source:") {
                let s = word["source:".len()..].trim();
                if s.is_empty() {
                    return Err("source: needs some text, e.g. source:CHIS".into());
                }
                f.sources.push(s.to_string());
            } else {
                return Err(format!(
                    "filter word {word:?} is not #tag, grade:B2 or source:TEXT"
                ));
            }
        }
        Ok(f)
    }

    pub fn is_empty(&self) -> bool {
        *self == NoteFilter::default()
    }

    pub fn keeps(&self, n: &Note) -> bool {
        self.tags.iter().all(|t| n.meta.tags.contains(t))
            && (self.grades.is_empty() || self.grades.iter().any(|g| g.keeps(n.grade.as_ref())))
            && self
                .sources
                .iter()
                .all(|s| n.source.to_lowercase().contains(&s.to_lowercase()))
    }

    /// The filter as it is typed, for the status line and to edit it again.
    pub fn describe(&self) -> String {
        let mut w: Vec<String> = self.tags.iter().map(|t| format!("#{t}")).collect();
        w.extend(self.grades.iter().map(|g| format!("grade:{g}")));
        w.extend(self.sources.iter().map(|s| {
            if s.contains([' ', ',']) {
                format!("source:\"{s}\"")
            } else {
                format!("source:{s}")
            }
        }));
        w.join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn g(s: &str) -> Grade {
        s.parse().unwrap()
    }

    #[test]
    fn grade_patterns_match_parts() {
        let b2 = GradePattern::parse("b2").unwrap();
        assert!(b2.keeps(Some(&g("B2P"))) && b2.keeps(Some(&g("B2C"))));
        assert!(!b2.keeps(Some(&g("B3P"))) && !b2.keeps(None));
        let c = GradePattern::parse("C").unwrap();
        assert!(c.keeps(Some(&g("C1P"))) && !c.keeps(Some(&g("A1C"))));
        let p = GradePattern::parse("p").unwrap();
        assert!(p.keeps(Some(&g("C4P"))) && !p.keeps(Some(&g("A1C"))));
        assert!(GradePattern::parse("none").unwrap().keeps(None));
        for bad in ["", "D", "B7", "B2PX", "2B"] {
            assert!(GradePattern::parse(bad).is_none(), "{bad}");
        }
        assert_eq!(GradePattern::parse("a1c").unwrap().to_string(), "A1C");
    }

    #[test]
    fn filter_words_parse_and_describe() {
        let f = NoteFilter::parse("#kestrel grade:B2 source:\"test purchase\"").unwrap();
        assert_eq!(f.tags, vec!["kestrel"]);
        assert_eq!(f.sources, vec!["test purchase"]);
        assert_eq!(f.describe(), "#kestrel grade:B2 source:\"test purchase\"");
        assert_eq!(NoteFilter::parse(&f.describe()).unwrap(), f);
        assert!(NoteFilter::parse("").unwrap().is_empty());
        let e = NoteFilter::parse("grade:Z9").unwrap_err();
        assert!(e.contains("\"z9\""), "{e}");
        let e = NoteFilter::parse("kestrel").unwrap_err();
        assert!(e.contains("#tag"), "{e}");
    }
}
