//! Laying model values over an example-shaped answer: single fields, whole
//! lists built from the example item, and the paging fields.

use crate::wire::request::RpcRequest;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// Sets `name` in an object answer.
pub(crate) fn set(target: &mut Value, name: &str, value: impl Into<Value>) {
    if let Value::Object(map) = target {
        map.insert(name.to_string(), value.into());
    }
}

/// Sets each attribute the answer has a field for, as that field's type
/// (text kept as given, read as a number or boolean where the example is
/// one; a value that does not read so leaves the example).
pub(crate) fn overlay(target: &mut Value, attributes: &BTreeMap<String, String>) {
    if let Value::Object(map) = target {
        for (name, value) in attributes {
            let Some(slot) = map.get_mut(name) else {
                continue;
            };
            let typed = match slot {
                Value::String(_) => Some(Value::String(value.clone())),
                Value::Number(_) => serde_json::from_str::<Value>(value)
                    .ok()
                    .filter(Value::is_number),
                Value::Bool(_) => value
                    .to_ascii_lowercase()
                    .parse::<bool>()
                    .ok()
                    .map(Value::Bool),
                _ => None,
            };
            if let Some(typed) = typed {
                *slot = typed;
            }
        }
    }
}

/// Replaces the list in field `name`, inside the object that wraps it
/// when the example has one (`{"UserInfo": [...]}`).
pub(crate) fn list_field(body: &mut Value, name: &str, items: Vec<Value>) {
    let wrapper = body
        .get(name)
        .and_then(Value::as_object)
        .filter(|inner| inner.len() == 1)
        .and_then(|inner| inner.iter().next())
        .filter(|(_, list)| list.is_array())
        .map(|(key, _)| key.clone());
    match wrapper {
        Some(key) => list(body, &[name, &key], items),
        None => list(body, &[name], items),
    }
}

/// Replaces the list at `path` with `items`, each laid over the example's
/// first item so fields the model does not keep keep their example.
pub(crate) fn list(body: &mut Value, path: &[&str], items: Vec<Value>) {
    let mut target = &mut *body;
    for name in path {
        if !target
            .get(name)
            .is_some_and(|v| v.is_object() || v.is_array())
        {
            set(target, name, Value::Object(Map::new()));
        }
        target = &mut target[*name];
    }
    let template = target
        .as_array()
        .and_then(|items| items.first())
        .cloned()
        .unwrap_or(Value::Object(Map::new()));
    let filled = items
        .into_iter()
        .map(|item| {
            let mut base = template.clone();
            merge(&mut base, item);
            base
        })
        .collect();
    *target = Value::Array(filled);
}

/// `value` laid over `base`, objects member by member.
fn merge(base: &mut Value, value: Value) {
    match (base, value) {
        (Value::Object(base), Value::Object(value)) => {
            for (name, member) in value {
                match base.get_mut(&name) {
                    Some(slot) => merge(slot, member),
                    None => {
                        base.insert(name, member);
                    }
                }
            }
        }
        (base, value) => *base = value,
    }
}

/// The values of `Name.N.Field`, by `N`.
pub(crate) fn repeated(params: &[(String, String)], name: &str, field: &str) -> Vec<String> {
    let mut found: Vec<(u64, String)> = params
        .iter()
        .filter_map(|(key, value)| {
            let rest = key.strip_prefix(name)?.strip_prefix('.')?;
            let (index, rest) = rest.split_once('.')?;
            (rest == field).then(|| Some((index.parse().ok()?, value.clone())))?
        })
        .collect();
    found.sort();
    found.into_iter().map(|(_, value)| value).collect()
}

/// Page-number paging: `PageNumber` from 1, `PageSize` items a page.
pub(crate) struct Page {
    number: usize,
    size: usize,
}

/// The page size of a request that gives none, as the specs default it.
const DEFAULT_PAGE_SIZE: usize = 10;

impl Page {
    pub(crate) fn from_request(request: &RpcRequest) -> Page {
        let read = |name: &str, default: usize| {
            request
                .param(name)
                .and_then(|v| v.parse::<usize>().ok())
                .filter(|v| *v > 0)
                .unwrap_or(default)
        };
        Page {
            number: read("PageNumber", 1),
            size: read("PageSize", DEFAULT_PAGE_SIZE),
        }
    }

    /// The items on this page.
    pub(crate) fn take<'a, T>(&self, all: &'a [T]) -> &'a [T] {
        let start = (self.number - 1).saturating_mul(self.size).min(all.len());
        let end = start.saturating_add(self.size).min(all.len());
        &all[start..end]
    }

    /// Sets `PageNumber`, `PageSize` and `TotalCount`.
    pub(crate) fn answer(&self, body: &mut Value, total: usize) {
        set(body, "PageNumber", self.number);
        set(body, "PageSize", self.size);
        set(body, "TotalCount", total);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn lists_keep_the_example_fields_the_model_does_not_set() {
        let mut body = json!({"Items": {"Item": [{"Id": "x", "Extra": {"A": 1, "B": 2}}]}});
        list(
            &mut body,
            &["Items", "Item"],
            vec![json!({"Id": "a", "Extra": {"A": 5}}), json!({"Id": "b"})],
        );
        assert_eq!(
            body,
            json!({"Items": {"Item": [
                {"Id": "a", "Extra": {"A": 5, "B": 2}},
                {"Id": "b", "Extra": {"A": 1, "B": 2}},
            ]}})
        );
        let mut empty = json!({});
        list(&mut empty, &["Items", "Item"], vec![]);
        assert_eq!(empty, json!({"Items": {"Item": []}}));
    }

    #[test]
    fn overlays_keep_the_example_types() {
        let mut body = json!({"Count": 1, "On": false, "Name": "x", "Nested": {}});
        let attributes = [
            ("Count", "7"),
            ("On", "True"),
            ("Name", "y"),
            ("Nested", "z"),
        ]
        .into_iter()
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect();
        overlay(&mut body, &attributes);
        assert_eq!(
            body,
            json!({"Count": 7, "On": true, "Name": "y", "Nested": {}})
        );
        let mut wrapped = json!({"Users": {"UserInfo": [{"Id": 1}]}});
        list_field(&mut wrapped, "Users", vec![json!({"Id": 2})]);
        assert_eq!(wrapped, json!({"Users": {"UserInfo": [{"Id": 2}]}}));
    }

    #[test]
    fn repeated_values_come_in_index_order() {
        let params = vec![
            ("User.2.Name".to_string(), "b".to_string()),
            ("User.10.Name".to_string(), "c".to_string()),
            ("User.1.Name".to_string(), "a".to_string()),
            ("User.1.Group".to_string(), "g".to_string()),
        ];
        assert_eq!(repeated(&params, "User", "Name"), ["a", "b", "c"]);
    }
}
