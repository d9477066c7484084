//! Saving an entity's edit and preparing a merge: the steps that validate what was
//! typed before anything is written.

use super::flow::{flow, EntitiesFlow};
use super::EntitiesState;
use crate::app::cx::Cx;
use crate::app::overlay::Overlay;
use crate::app::pane::PaneView;
use crate::commands::Scope;
use crate::model::{fields, EntityKind, Id, Kind, Record};
use std::collections::BTreeMap;

/// Attributes as the edit prompt shows them: `key=value; key=value`, a value that holds
/// `;` or `"` (or starts or ends with a space) in double quotes, `"` inside as `\"`.
pub(super) fn attributes_text(attrs: &BTreeMap<String, String>) -> String {
    attrs
        .iter()
        .map(|(k, v)| {
            if v.contains([';', '"']) || v.trim() != v {
                format!("{k}=\"{}\"", v.replace('\\', "\\\\").replace('"', "\\\""))
            } else {
                format!("{k}={v}")
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// Splits the prompt's text at the `;` that are not inside double quotes, unquoting
/// quoted values.
fn split_attributes(text: &str) -> Result<Vec<String>, String> {
    let mut parts = vec![String::new()];
    let mut quoted = false;
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        let part = parts.last_mut().expect("never empty");
        match c {
            '\\' if quoted => part.extend(chars.next()),
            '"' => quoted = !quoted,
            ';' if !quoted => parts.push(String::new()),
            c => part.push(c),
        }
    }
    if quoted {
        return Err("an attribute value opens a \" it does not close: unchanged".into());
    }
    Ok(parts)
}

/// Reads `key=value; key="value; with a semicolon"` (an empty value drops the key).
fn parse_attributes(text: &str) -> Result<BTreeMap<String, String>, String> {
    let mut out = BTreeMap::new();
    for part in split_attributes(text)?
        .iter()
        .map(|p| p.trim())
        .filter(|p| !p.is_empty())
    {
        match part.split_once('=') {
            Some((k, v)) if !k.trim().is_empty() && !k.contains('\n') => {
                if !v.trim().is_empty() {
                    out.insert(k.trim().to_string(), v.trim().to_string());
                }
            }
            _ => {
                return Err(format!(
                    "attribute {part:?} is not KEY=VALUE (separate them with ;, and put a value \
                     holding ; in double quotes): unchanged"
                ))
            }
        }
    }
    Ok(out)
}

impl EntitiesState {
    /// Writes the edited name, kind, aliases and attributes as one change.
    pub(super) fn entities_save_edit(
        &mut self,
        cx: &mut Cx,
        id: Id,
        name: String,
        kind: &str,
        aliases: &str,
        attrs: &str,
    ) {
        let attributes = match parse_attributes(attrs) {
            Ok(a) => a,
            Err(e) => return cx.error(format!("{id}: {e}")),
        };
        let kind = match kind.parse::<EntityKind>() {
            Ok(k) => k,
            Err(e) => return cx.error(e.to_string()),
        };
        let mut rec = match cx.store.get(id) {
            Ok(Some(r @ Record::Entity(_))) => r,
            Ok(_) => return cx.error(format!("{id} no longer exists")),
            Err(e) => return cx.error(e.to_string()),
        };
        if let Record::Entity(e) = &mut rec {
            e.name = name;
            e.kind = kind;
            e.aliases = fields::list(aliases);
            e.attributes = attributes;
        }
        let r = cx.store.update("edit", rec);
        if let Some(done) = cx.report(r, |d| {
            if d.ids.is_empty() {
                format!("{id}: unchanged")
            } else {
                format!("{id}: saved")
            }
        }) {
            self.committed_here(cx, Scope::Entities, done);
        }
    }

    /// Resolves the entity to absorb (an id, or a name or alias that names one entity)
    /// and asks before merging.
    pub(super) fn entities_confirm_merge(&mut self, cx: &mut Cx, survivor: Id, typed: &str) {
        let absorbed = match typed.parse::<Id>() {
            Ok(id) if id.kind != Kind::Entity => {
                return cx.error(format!("{id} is not an entity: only entities merge"))
            }
            Ok(id) => id,
            Err(_) if typed.is_empty() => return cx.info("merge cancelled: no entity given"),
            Err(_) => {
                let named: Vec<Id> = match cx.store.entities_named(typed) {
                    Ok(v) => v.into_iter().filter(|i| *i != survivor).collect(),
                    Err(e) => return cx.error(e.to_string()),
                };
                match named.as_slice() {
                    [one] => *one,
                    [] => return cx.error(format!("no other entity is named {typed:?}")),
                    many => {
                        let ids: Vec<String> = many.iter().map(Id::to_string).collect();
                        return cx
                            .error(format!("{typed:?} names {}: type the id", ids.join(", ")));
                    }
                }
            }
        };
        if absorbed == survivor {
            return cx.error(format!("cannot merge {survivor} into itself"));
        }
        if self.entity(cx, absorbed).is_none() {
            return cx.error(format!("{absorbed} is not an entity in this workspace"));
        }
        let kinds = (
            self.entity(cx, absorbed).map(|e| e.kind),
            self.entity(cx, survivor).map(|e| e.kind),
        );
        let warning = match kinds {
            (Some(a), Some(b)) if a != b => format!(
                "Warning: {absorbed} is a {a} and {survivor} a {b}; merging records of \
                 different kinds is rarely right (a phone used by a person is a link).\n"
            ),
            _ => String::new(),
        };
        let message = format!(
            "Merge {} into {}?\n{warning}{absorbed}'s links, mentions, aliases, attributes and tags move to {survivor}, and {absorbed} is deleted; u undoes it. Merge? y/n",
            self.entities_label(cx, absorbed),
            self.entities_label(cx, survivor),
        );
        cx.open(Overlay::Confirm {
            message,
            flow: flow(EntitiesFlow::MergeConfirm { survivor, absorbed }),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_round_trip_and_refuse_what_is_not_key_value() {
        let a = parse_attributes(" dob = 1988-02-14 ; phone=07700 900123;; height= ").unwrap();
        assert_eq!(a.len(), 2);
        assert_eq!(a["phone"], "07700 900123");
        assert_eq!(parse_attributes(&attributes_text(&a)).unwrap(), a);
        let e = parse_attributes("tall").unwrap_err();
        assert!(e.contains("\"tall\" is not KEY=VALUE"), "{e}");
    }

    #[test]
    fn a_value_holding_a_semicolon_or_quote_survives_an_edit() {
        let mut a = BTreeMap::new();
        a.insert("based".to_string(), "Leeds; Bradford".to_string());
        a.insert("said".to_string(), "call me \"V\"".to_string());
        a.insert("yob".to_string(), "1990".to_string());
        let text = attributes_text(&a);
        assert_eq!(
            text,
            "based=\"Leeds; Bradford\"; said=\"call me \\\"V\\\"\"; yob=1990"
        );
        assert_eq!(parse_attributes(&text).unwrap(), a);
        let e = parse_attributes("based=\"Leeds; Bradford").unwrap_err();
        assert!(e.contains("does not close"), "{e}");
    }
}
