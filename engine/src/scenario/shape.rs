//! Objects where the format takes objects. serde reads a JSON list where a struct goes as the
//! struct's fields in order (`"market": [60000, "linear", ...]`), so a document of the wrong
//! shape could be accepted and mean something else than it seems. The document is read once
//! more beside the format's JSON Schema (no tree is built: a 300,000-position list costs a
//! reading, not a copy), and the first list found where only an object is allowed is refused
//! at its path.

use std::cell::RefCell;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

use crate::error::{Rule, ScenarioError};

/// The first place in `text` (a document already read as `T`, or refused by it) holding a list
/// where `T`'s schema takes only an object, as a problem at its path.
pub(crate) fn lists_for_objects<T: schemars::JsonSchema>(text: &str) -> Result<(), ScenarioError> {
    let Ok(schema) = serde_json::to_value(schemars::schema_for!(T)) else {
        return Ok(());
    };
    let defs = schema
        .get("$defs")
        .or_else(|| schema.get("definitions"))
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let walk = Walk {
        defs: &defs,
        found: RefCell::new(None),
    };
    let mut reader = serde_json::Deserializer::from_str(text);
    let _ = Seed {
        walk: &walk,
        schemas: vec![&schema],
    }
    .deserialize(&mut reader);
    match walk.found.into_inner() {
        Some(mut segments) => {
            segments.reverse();
            let path = segments.concat();
            let path = path.strip_prefix('.').unwrap_or(&path).to_string();
            Err(ScenarioError::single(
                &path,
                Rule::Unreadable {
                    detail: "must be a JSON object ({...}), not a list".to_string(),
                },
            ))
        }
        None => Ok(()),
    }
}

/// [`lists_for_objects`] for the document `T` at the top-level `field` of `text` (a calibration
/// file's `base`, which its own schema takes as any JSON), the path under `field`.
pub(crate) fn lists_for_objects_in<T: schemars::JsonSchema>(
    text: &str,
    field: &str,
) -> Result<(), ScenarioError> {
    let Some(inner) = serde_json::from_str::<Value>(text)
        .ok()
        .and_then(|document| document.get(field).map(Value::to_string))
    else {
        return Ok(());
    };
    lists_for_objects::<T>(&inner).map_err(|error| error.within(field))
}

/// The problem to say for a document `T`'s reader refused with `error`: a list where an object
/// goes, found deeper up (`market` rather than `market[0]: invalid type: map`), or `error` when
/// it is at that very field (its reader's words may name the shapes it takes).
pub(crate) fn or_list_for_object<T: schemars::JsonSchema>(
    text: &str,
    error: ScenarioError,
) -> ScenarioError {
    prefer_list(lists_for_objects::<T>(text), error)
}

/// [`or_list_for_object`] for the document `T` at the top-level `field` of `text`.
pub(crate) fn or_list_for_object_in<T: schemars::JsonSchema>(
    text: &str,
    field: &str,
    error: ScenarioError,
) -> ScenarioError {
    prefer_list(lists_for_objects_in::<T>(text, field), error)
}

fn prefer_list(found: Result<(), ScenarioError>, error: ScenarioError) -> ScenarioError {
    match found {
        Err(list)
            if list.problems.first().map(|p| &p.path)
                != error.problems.first().map(|p| &p.path) =>
        {
            list
        }
        _ => error,
    }
}

struct Walk<'a> {
    defs: &'a Map<String, Value>,
    /// The path to the list found, innermost part first (each level adds its own on the way
    /// out).
    found: RefCell<Option<Vec<String>>>,
}

impl<'a> Walk<'a> {
    /// `schema` with its `$ref` followed, and its `oneOf` / `anyOf` / `allOf` branches spread:
    /// the schemas a value there may match.
    fn branches(&self, schema: &'a Value, out: &mut Vec<&'a Value>, depth: usize) {
        if depth > 32 {
            return;
        }
        if let Some(target) = schema.get("$ref").and_then(Value::as_str) {
            let name = target.rsplit('/').next().unwrap_or_default();
            if let Some(def) = self.defs.get(name) {
                self.branches(def, out, depth + 1);
            }
            return;
        }
        let mut spread = false;
        for key in ["oneOf", "anyOf", "allOf"] {
            if let Some(list) = schema.get(key).and_then(Value::as_array) {
                spread = true;
                for branch in list {
                    self.branches(branch, out, depth + 1);
                }
            }
        }
        if !spread || schema.get("type").is_some() || schema.get("properties").is_some() {
            out.push(schema);
        }
    }

    /// Whether a branch says what types it takes, and whether one of them is `kind`.
    fn takes(branch: &Value, kind: &str) -> Option<bool> {
        match branch.get("type")? {
            Value::String(one) => Some(one == kind),
            Value::Array(many) => Some(many.iter().any(|t| t.as_str() == Some(kind))),
            _ => None,
        }
    }

    /// Adds `segment` to the path of the list found, on the way out.
    fn within(&self, segment: String) {
        if let Some(segments) = self.found.borrow_mut().as_mut() {
            segments.push(segment);
        }
    }
}

/// A value to read beside the schemas it may match (none: anything, not looked into).
struct Seed<'w, 'a> {
    walk: &'w Walk<'a>,
    schemas: Vec<&'a Value>,
}

impl<'de> DeserializeSeed<'de> for Seed<'_, '_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        let mut branches = Vec::new();
        for schema in &self.schemas {
            self.walk.branches(schema, &mut branches, 0);
        }
        if branches.is_empty() {
            return <de::IgnoredAny as serde::Deserialize>::deserialize(deserializer).map(|_| ());
        }
        deserializer.deserialize_any(Look {
            walk: self.walk,
            branches,
        })
    }
}

struct Look<'w, 'a> {
    walk: &'w Walk<'a>,
    branches: Vec<&'a Value>,
}

impl<'de> Visitor<'de> for Look<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        // A list where no branch takes one but some branch takes an object.
        let takes_list = self
            .branches
            .iter()
            .any(|b| Walk::takes(b, "array").unwrap_or(true));
        if !takes_list
            && self
                .branches
                .iter()
                .any(|b| Walk::takes(b, "object") == Some(true))
        {
            *self.walk.found.borrow_mut() = Some(Vec::new());
            return Err(de::Error::custom("a list where an object goes"));
        }
        let items: Vec<&Value> = self
            .branches
            .iter()
            .filter_map(|b| b.get("items"))
            .collect();
        let mut k = 0usize;
        loop {
            let seed = Seed {
                walk: self.walk,
                schemas: items.clone(),
            };
            match seq.next_element_seed(seed) {
                Ok(Some(())) => k += 1,
                Ok(None) => return Ok(()),
                Err(error) => {
                    self.walk.within(format!("[{k}]"));
                    return Err(error);
                }
            }
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            let inner: Vec<&Value> = self
                .branches
                .iter()
                .filter_map(|b| b.get("properties").and_then(|p| p.get(&key)))
                .collect();
            let seed = Seed {
                walk: self.walk,
                schemas: inner,
            };
            if let Err(error) = map.next_value_seed(seed) {
                self.walk.within(format!(".{key}"));
                return Err(error);
            }
        }
        Ok(())
    }

    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }

    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }

    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }

    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }

    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }

    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
}
