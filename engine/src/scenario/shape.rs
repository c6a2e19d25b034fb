//! Objects where the format takes objects. serde reads a JSON list where a struct goes as the
//! struct's fields in order (`"market": [60000, "linear", ...]`), so a document of the wrong
//! shape could be accepted and mean something else than it seems. A document that was read is
//! walked beside the format's JSON Schema, and the first list found where only an object is
//! allowed is refused at its path.

use serde_json::{Map, Value};

use crate::error::{Rule, ScenarioError};

/// The first place in `document` (JSON text already read as `T`) holding a list where `T`'s
/// schema takes only an object, as a problem at its path.
pub(crate) fn lists_for_objects<T: schemars::JsonSchema>(text: &str) -> Result<(), ScenarioError> {
    let Ok(document) = serde_json::from_str::<Value>(text) else {
        return Ok(());
    };
    let Ok(schema) = serde_json::to_value(schemars::schema_for!(T)) else {
        return Ok(());
    };
    let defs = schema
        .get("$defs")
        .or_else(|| schema.get("definitions"))
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let walk = Walk { defs: &defs };
    match walk.first_list(&[&schema], &document, String::new()) {
        Some(path) => Err(ScenarioError::single(
            &path,
            Rule::Unreadable {
                detail: "must be a JSON object ({...}), not a list".to_string(),
            },
        )),
        None => Ok(()),
    }
}

struct Walk<'a> {
    defs: &'a Map<String, Value>,
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

    fn first_list(&self, schemas: &[&'a Value], value: &Value, path: String) -> Option<String> {
        let mut branches = Vec::new();
        for schema in schemas {
            self.branches(schema, &mut branches, 0);
        }
        if branches.is_empty() {
            return None;
        }
        match value {
            Value::Array(items) => {
                // A list where no branch takes one but some branch takes an object.
                let takes_list = branches
                    .iter()
                    .any(|b| Self::takes(b, "array").unwrap_or(true));
                if !takes_list
                    && branches
                        .iter()
                        .any(|b| Self::takes(b, "object") == Some(true))
                {
                    return Some(path);
                }
                let items_schema: Vec<&Value> =
                    branches.iter().filter_map(|b| b.get("items")).collect();
                if items_schema.is_empty() {
                    return None;
                }
                items.iter().enumerate().find_map(|(k, item)| {
                    self.first_list(&items_schema, item, format!("{path}[{k}]"))
                })
            }
            Value::Object(fields) => fields.iter().find_map(|(key, field)| {
                let inner: Vec<&Value> = branches
                    .iter()
                    .filter_map(|b| b.get("properties").and_then(|p| p.get(key)))
                    .collect();
                if inner.is_empty() {
                    return None;
                }
                let at = if path.is_empty() {
                    key.clone()
                } else {
                    format!("{path}.{key}")
                };
                self.first_list(&inner, field, at)
            }),
            _ => None,
        }
    }
}
