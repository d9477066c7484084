//! A clap parse error as one line: the whole message (what was wrong, the suggestion,
//! the possible values) without the usage block and the "For more information" tail.
//! `weft lsit` gives `unrecognized subcommand 'lsit' (did you mean 'list'?)`.

use clap::error::{ContextKind, ContextValue, ErrorKind};

fn strings(e: &clap::Error, kind: ContextKind) -> Vec<String> {
    match e.get(kind) {
        Some(ContextValue::String(s)) => vec![s.clone()],
        Some(ContextValue::Strings(v)) => v.clone(),
        Some(ContextValue::StyledStr(s)) => vec![s.to_string()],
        Some(ContextValue::StyledStrs(v)) => v.iter().map(|s| s.to_string()).collect(),
        _ => Vec::new(),
    }
}

fn quoted(items: &[String], join: &str) -> String {
    items
        .iter()
        .map(|s| format!("'{s}'"))
        .collect::<Vec<_>>()
        .join(join)
}

/// The subcommand path of the usage line: `add question` from
/// `Usage: weft add question [OPTIONS] <TITLE>`.
fn command_path(e: &clap::Error) -> String {
    let usage = strings(e, ContextKind::Usage).join(" ");
    let first = usage.lines().next().unwrap_or("");
    first
        .trim_start_matches("Usage:")
        .split_whitespace()
        .skip(1)
        .take_while(|w| {
            w.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
                && !w.starts_with('-')
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The notes that follow the message: suggestions, then clap's tips.
fn notes(e: &clap::Error) -> Vec<String> {
    let mut notes = Vec::new();
    for kind in [
        ContextKind::SuggestedSubcommand,
        ContextKind::SuggestedArg,
        ContextKind::SuggestedValue,
    ] {
        // clap lists its suggestions from the least to the most likely: keep the best.
        if let Some(best) = strings(e, kind).pop() {
            notes.push(format!("did you mean {}?", quoted(&[best], " or ")));
        }
    }
    for tip in strings(e, ContextKind::Suggested) {
        notes.push(format!("tip: {}", tip.trim()));
    }
    notes
}

/// Everything clap rendered before the usage block, joined into one line; the fallback
/// for the kinds without their own wording.
fn rendered(e: &clap::Error) -> String {
    let text = e.render().to_string();
    let mut parts: Vec<String> = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with("Usage:") || line.starts_with("For more information") {
            break;
        }
        if line.is_empty() {
            continue;
        }
        let line = line.trim_start_matches("error: ");
        let line = match line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            Some(inner) => format!("({inner})"),
            None if line.starts_with("tip: ") => format!("({line})"),
            None => line.to_string(),
        };
        parts.push(line);
    }
    let joined = parts.join(" ").replace(": (", " (");
    if joined.is_empty() {
        "bad usage".to_string()
    } else {
        joined
    }
}

/// The one line for a parse error (without the `weft: ` prefix).
pub fn one_line(e: &clap::Error) -> String {
    let first = |kind| strings(e, kind).into_iter().next();
    let head = match e.kind() {
        ErrorKind::InvalidSubcommand => {
            first(ContextKind::InvalidSubcommand).map(|s| format!("unrecognized subcommand '{s}'"))
        }
        ErrorKind::UnknownArgument => {
            first(ContextKind::InvalidArg).map(|a| format!("unexpected argument '{a}'"))
        }
        ErrorKind::MissingRequiredArgument => {
            let args = strings(e, ContextKind::InvalidArg);
            let path = command_path(e);
            let prefix = if path.is_empty() {
                String::new()
            } else {
                format!("{path}: ")
            };
            (!args.is_empty()).then(|| {
                let noun = if args.len() == 1 {
                    "argument"
                } else {
                    "arguments"
                };
                format!("{prefix}missing required {noun} {}", args.join(", "))
            })
        }
        ErrorKind::InvalidValue => {
            match (
                first(ContextKind::InvalidArg),
                first(ContextKind::InvalidValue),
            ) {
                (Some(arg), Some(v)) if v.is_empty() => {
                    Some(format!("a value is required for {arg}"))
                }
                (Some(arg), Some(v)) => {
                    let mut s = format!("invalid value '{v}' for {arg}");
                    let valid = strings(e, ContextKind::ValidValue);
                    if !valid.is_empty() {
                        s.push_str(&format!(" (possible values: {})", valid.join(", ")));
                    }
                    Some(s)
                }
                _ => None,
            }
        }
        _ => None,
    };
    let Some(head) = head else {
        return rendered(e);
    };
    let notes = notes(e);
    if notes.is_empty() {
        head
    } else {
        format!("{head} ({})", notes.join("; "))
    }
}

#[cfg(test)]
mod tests {
    use super::one_line;
    use crate::cli::Cli;
    use clap::Parser;

    fn line(args: &[&str]) -> String {
        let e = Cli::try_parse_from(std::iter::once("weft").chain(args.iter().copied()))
            .expect_err("a usage error");
        one_line(&e)
    }

    #[test]
    fn subcommand_typos_keep_the_suggestion() {
        assert_eq!(
            line(&["lsit"]),
            "unrecognized subcommand 'lsit' (did you mean 'list'?)"
        );
    }

    #[test]
    fn missing_arguments_name_the_command_and_every_argument() {
        assert_eq!(
            line(&["add", "question"]),
            "add question: missing required argument <TITLE>"
        );
        assert_eq!(
            line(&["link"]),
            "link: missing required arguments --label <LABEL>, <FROM>, <TO>"
        );
    }

    #[test]
    fn invalid_values_list_the_possible_ones() {
        assert_eq!(
            line(&["list", "widgets"]),
            "invalid value 'widgets' for <KIND> (possible values: questions, hypotheses, entities, notes, links, expectations)"
        );
    }

    #[test]
    fn unknown_flags_keep_the_suggestion() {
        let l = line(&["list", "notes", "--jsn"]);
        assert!(l.starts_with("unexpected argument '--jsn'"), "{l}");
        assert!(l.contains("did you mean '--json'?"), "{l}");
    }

    #[test]
    fn value_checks_keep_their_reason() {
        let l = line(&["add", "question", "t", "--priority", "9"]);
        assert!(
            l.starts_with("invalid value '9' for '--priority <N>'"),
            "{l}"
        );
        assert!(!l.contains('\n') && !l.contains("Usage"), "{l}");
    }
}
