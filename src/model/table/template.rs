//! A note's text template: literal text with `{column}` for a cell's value; `{{` and
//! `}}` are literal braces.

/// One piece of a parsed template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    Text(String),
    /// A column by its header name.
    Column(String),
}

/// Parses a template; the error says what is wrong and where (a character position).
pub fn parse(template: &str) -> Result<Vec<Piece>, String> {
    let mut pieces = Vec::new();
    let mut text = String::new();
    let mut chars = template.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        match c {
            '{' if chars.peek().map(|p| p.1) == Some('{') => {
                chars.next();
                text.push('{');
            }
            '}' if chars.peek().map(|p| p.1) == Some('}') => {
                chars.next();
                text.push('}');
            }
            '{' => {
                let mut name = String::new();
                let mut closed = false;
                for (_, n) in chars.by_ref() {
                    match n {
                        '}' => {
                            closed = true;
                            break;
                        }
                        '{' => {
                            return Err(format!(
                                "a '{{' inside the placeholder that opens at character {} (write {{{{ for a brace)",
                                at + 1
                            ))
                        }
                        n => name.push(n),
                    }
                }
                if !closed {
                    return Err(format!(
                        "the placeholder that opens at character {} is not closed with '}}' (write {{{{ for a brace)",
                        at + 1
                    ));
                }
                let name = name.trim();
                if name.is_empty() {
                    return Err(format!("an empty placeholder {{}} at character {}", at + 1));
                }
                if !text.is_empty() {
                    pieces.push(Piece::Text(std::mem::take(&mut text)));
                }
                pieces.push(Piece::Column(name.to_string()));
            }
            '}' => {
                return Err(format!(
                    "a '}}' at character {} closes no placeholder (write }}}} for a brace)",
                    at + 1
                ))
            }
            c => text.push(c),
        }
    }
    if !text.is_empty() {
        pieces.push(Piece::Text(text));
    }
    Ok(pieces)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn placeholders_and_braces() {
        assert_eq!(
            parse("Call {caller} -> {callee} {{x}}").unwrap(),
            vec![
                Piece::Text("Call ".into()),
                Piece::Column("caller".into()),
                Piece::Text(" -> ".into()),
                Piece::Column("callee".into()),
                Piece::Text(" {x}".into()),
            ]
        );
        assert!(parse("a {b").unwrap_err().contains("not closed"));
        assert!(parse("a } b")
            .unwrap_err()
            .contains("closes no placeholder"));
        assert!(parse("{ }").unwrap_err().contains("empty placeholder"));
        assert!(parse("{a{b}}")
            .unwrap_err()
            .contains("inside the placeholder"));
    }

    proptest! {
        /// Any text escaped (braces doubled) parses back to itself, one literal piece.
        #[test]
        fn escaped_text_reads_back(s in "\\PC{1,40}") {
            let escaped = s.replace('{', "{{").replace('}', "}}");
            prop_assert_eq!(parse(&escaped).unwrap(), vec![Piece::Text(s)]);
        }

        /// The parser never panics, and every placeholder it gives is named.
        #[test]
        fn any_input_parses_or_is_refused(s in "\\PC{0,60}") {
            if let Ok(pieces) = parse(&s) {
                for p in pieces {
                    if let Piece::Column(c) = p {
                        prop_assert!(!c.trim().is_empty());
                    }
                }
            }
        }
    }
}
