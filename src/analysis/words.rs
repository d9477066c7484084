//! The words the rules write: counts with the right noun, lists of names, and a title
//! shortened for display on whole words (the stored title is never shortened).

use crate::model::text::width;

/// `1 note`, `3 notes`.
pub(crate) fn count(n: usize, one: &str, many: &str) -> String {
    crate::model::vocab::counted(n, one, many)
}

/// `A`, `A and B`, `A, B and C`, `A, B, C and 4 others`: at most `show` names, then
/// how many more.
pub(crate) fn names(all: &[String], show: usize) -> String {
    let show = show.max(1);
    if all.len() <= show {
        return match all {
            [] => String::new(),
            [one] => one.clone(),
            [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
        };
    }
    let more = all.len() - show;
    format!(
        "{} and {}",
        all[..show].join(", "),
        count(more, "other", "others")
    )
}

/// `"a"`, `"a" and "b"`, `"a", "b" and "c"`: quoted, every one.
pub(crate) fn quoted(all: &[String]) -> String {
    let q: Vec<String> = all.iter().map(|s| format!("\"{s}\"")).collect();
    names(&q, q.len())
}

/// `text` in at most `cells` columns, cut after the last whole word that fits and
/// closed with `…`; a first word longer than the room is cut where it must be. For
/// display only: a stored title stays whole.
pub fn shorten(text: &str, cells: usize) -> String {
    if width(text) <= cells {
        return text.to_string();
    }
    let room = cells.saturating_sub(1);
    let mut out = String::new();
    let mut used = 0;
    let mut last_space = None;
    for c in text.chars() {
        let w = width(c.encode_utf8(&mut [0; 4]));
        if used + w > room {
            if c == ' ' {
                // the last word fits whole
                last_space = Some(out.len());
            }
            break;
        }
        if c == ' ' {
            last_space = Some(out.len());
        }
        out.push(c);
        used += w;
    }
    if let Some(at) = last_space.filter(|at| *at > 0) {
        out.truncate(at);
    }
    let trimmed = out.trim_end_matches([' ', ',', ';', ':']).len();
    out.truncate(trimmed);
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn lists_of_names_read_as_english() {
        assert_eq!(names(&v(&["A"]), 3), "A");
        assert_eq!(names(&v(&["A", "B"]), 3), "A and B");
        assert_eq!(names(&v(&["A", "B", "C"]), 3), "A, B and C");
        assert_eq!(names(&v(&["A", "B", "C", "D"]), 3), "A, B, C and 1 other");
        assert_eq!(
            names(&v(&["A", "B", "C", "D", "E"]), 2),
            "A, B and 3 others"
        );
        assert_eq!(quoted(&v(&["x", "y"])), "\"x\" and \"y\"");
    }

    #[test]
    fn shortening_keeps_whole_words() {
        let t = "What would we expect to see if Vincent Rusk supplies the crew were false?";
        let s = shorten(t, 40);
        assert_eq!(s, "What would we expect to see if Vincent…");
        assert!(width(&s) <= 40);
        assert_eq!(shorten("short", 40), "short");
        assert_eq!(
            shorten("one two three", 8),
            "one two…",
            "a word that just fits stays"
        );
        assert_eq!(shorten("Supercalifragilistic", 8), "Superca…");
    }
}
