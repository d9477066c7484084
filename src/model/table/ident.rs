//! The identity an imported entity is matched by: its kind and its identifying text,
//! normalised so that the spellings of one thing meet (a phone number's digits, a plate
//! or an account without spaces, a name or alias without case).

use crate::model::EntityKind;

/// The normalised identity of `text` as an entity of `kind`: a phone's digits only (see
/// [`phone`] for numbers written in international form); a
/// vehicle's plate and an account's number without spaces, hyphens or dots, in capitals;
/// anything else trimmed, with inner runs of white space as one space, in lower case
/// (so a name matches a name or an alias whatever its case). Empty when `text` holds
/// nothing that identifies (a phone cell with no digit).
pub fn normalise(kind: EntityKind, text: &str) -> String {
    match kind {
        EntityKind::Phone => phone(text),
        EntityKind::Vehicle | EntityKind::Account => text
            .chars()
            .filter(|c| !(c.is_whitespace() || matches!(c, '-' | '.')))
            .flat_map(char::to_uppercase)
            .collect(),
        _ => text
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase(),
    }
}

/// A phone number's identity: its digits, with a number written in international form
/// (`+44 7700 900123`, `0044 7700 900123`) and a UK number written nationally
/// (`07700 900123`) meeting as the national form, as call records and intelligence
/// extracts write one handset both ways. Another country's number keeps its country
/// code, after `00` (`+33 1 23 45 67 89` is `0033123456789`). weft's exports read UK
/// national numbers the same way (FollowTheMoney's `+44`).
pub fn phone(text: &str) -> String {
    let digits: String = text.chars().filter(char::is_ascii_digit).collect();
    let plus = text.trim_start().starts_with('+');
    let international = match (plus, digits.strip_prefix("00")) {
        (true, _) => Some(digits.as_str()),
        (false, Some(rest)) => Some(rest),
        (false, None) => None,
    };
    match international {
        Some(rest) => match rest.strip_prefix("44") {
            Some(national) if !national.is_empty() => format!("0{national}"),
            _ if rest.is_empty() => String::new(),
            _ => format!("00{rest}"),
        },
        None => digits,
    }
}

/// What a kind's identity is made of, for an error about a cell that has none of it.
pub fn what_identifies(kind: EntityKind) -> &'static str {
    match kind {
        EntityKind::Phone => "no digit, so it is no phone number",
        EntityKind::Vehicle => "no character of a plate",
        EntityKind::Account => "no character of an account number",
        _ => "nothing but white space",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn spellings_of_one_thing_meet() {
        let p = EntityKind::Phone;
        assert_eq!(normalise(p, "07700 900-123"), normalise(p, "07700900123"));
        assert_eq!(normalise(p, "(07700) 900123"), "07700900123");
        assert_eq!(normalise(p, "n/a"), "");
        // one UK handset written nationally and internationally
        assert_eq!(normalise(p, "+44 7700 900789"), "07700900789");
        assert_eq!(normalise(p, "0044 7700 900789"), "07700900789");
        assert_eq!(normalise(p, "07700 900789"), "07700900789");
        // another country's number keeps its code
        assert_eq!(normalise(p, "+33 1 23 45 67 89"), "0033123456789");
        assert_eq!(normalise(p, "0033 1 23 45 67 89"), "0033123456789");
        assert_eq!(normalise(p, "+"), "");
        let v = EntityKind::Vehicle;
        assert_eq!(normalise(v, "ab12 cde"), normalise(v, "AB12CDE"));
        let a = EntityKind::Account;
        assert_eq!(normalise(a, "12-34-56 87654321"), "12345687654321");
        let n = EntityKind::Person;
        assert_eq!(normalise(n, "  Dean   MARSH "), normalise(n, "dean marsh"));
        assert_ne!(normalise(n, "Dean Marsh"), normalise(n, "DeanMarsh"));
    }

    proptest! {
        /// Normalising twice gives what normalising once does, for every kind, and a
        /// phone's identity is digits only.
        #[test]
        fn normalising_is_idempotent(s in "\\PC{0,24}", k in 0usize..10) {
            let kind = EntityKind::ALL[k % EntityKind::ALL.len()];
            let once = normalise(kind, &s);
            prop_assert_eq!(normalise(kind, &once), once.clone());
            if kind == EntityKind::Phone {
                prop_assert!(once.chars().all(|c| c.is_ascii_digit()));
            }
        }

        /// Case and spacing never tell two names apart.
        #[test]
        fn case_and_spacing_do_not_matter(s in "[a-zA-Z ]{0,20}") {
            let kind = EntityKind::Person;
            let shouted = format!("  {}  ", s.to_uppercase().replace(' ', "   "));
            prop_assert_eq!(normalise(kind, &s), normalise(kind, &shouted));
        }
    }
}
