//! Logical requests for the conformance suite, generated from the specs so
//! that a new operation is covered without new test code: for every
//! operation one request with every parameter set and one with the
//! required ones only, as JSON objects keyed by wire names (what both the
//! SDK's `serde-requests` types and the official SDKs' `from_map` read).
//!
//! Values are chosen to catch encoding differences: lists of two items (or
//! the most allowed), nested objects with their nested lists filled, `true`,
//! integers at their upper bound, whole-valued floats, and strings that
//! need percent-encoding (`a b*~/中文+&=%`), each within the spec's limits.

use codegen::model::{Api, Bound, Constraints, Field, Operation, StructType, Type};
use serde_json::{json, Map, Value};
use std::path::Path;

/// A string every encoder must escape: space, `*`, `/`, `+`, `&`, `=`,
/// `%`, and multi-byte characters; `~` must stay as it is.
pub const AWKWARD_TEXT: &str = "a b*~/中文+&=%";

/// Items per list, when the spec allows them.
const LIST_ITEMS: u64 = 2;

/// The validated spec model of every API under `specs`: one tree per
/// product and version (`specs/<product>/<version>/service.yaml`) or a
/// single tree (`specs/service.yaml`).
pub fn apis(specs: &Path) -> Result<Vec<Api>, String> {
    let roots = codegen::version_dirs(specs).map_err(|d| d.to_string())?;
    roots
        .iter()
        .map(|root| {
            let (service, operations) = codegen::load(root).map_err(|d| d.to_string())?;
            codegen::validate::validate(&service, &operations).map_err(|d| d.to_string())
        })
        .collect()
}

/// `[{"version", "operations": [{"action", "methods", "full", "required"}]}]`.
pub fn logical_requests(specs: &Path) -> Result<Value, String> {
    let versions: Vec<Value> = apis(specs)?
        .iter()
        .map(|api| {
            let operations: Vec<Value> = api
                .operations
                .iter()
                .map(|operation| {
                    json!({
                        "action": operation.name,
                        "methods": operation.methods.iter().map(|m| m.as_str()).collect::<Vec<_>>(),
                        "full": full_request(operation),
                        "required": required_request(operation),
                    })
                })
                .collect();
            json!({"version": api.service.version, "operations": operations})
        })
        .collect();
    Ok(Value::Array(versions))
}

/// Every parameter set, nested ones too.
pub fn full_request(operation: &Operation) -> Value {
    Value::Object(
        Generator {
            operation,
            all: true,
        }
        .fields(&operation.parameters),
    )
}

/// Only the required parameters, and inside them only the required fields
/// (every field of an object that has no required one).
pub fn required_request(operation: &Operation) -> Value {
    Value::Object(
        Generator {
            operation,
            all: false,
        }
        .fields(&operation.parameters),
    )
}

struct Generator<'a> {
    operation: &'a Operation,
    /// Every field, or only the required ones.
    all: bool,
}

impl Generator<'_> {
    fn fields(&self, fields: &[Field]) -> Map<String, Value> {
        // An object with no required field would be empty, and an empty
        // object leaves nothing on the wire: it gets every field instead.
        let all = self.all || !fields.iter().any(|field| field.required);
        fields
            .iter()
            .filter(|field| all || field.required)
            .map(|field| {
                (
                    field.wire_name.clone(),
                    self.value(&field.ty, &field.constraints),
                )
            })
            .collect()
    }

    fn value(&self, ty: &Type, limits: &Constraints) -> Value {
        if let Some(first) = limits.enum_values.first() {
            return enum_value(ty, first);
        }
        match ty {
            Type::String => Value::String(text(limits)),
            Type::Int32 => Value::from(integer(limits, i64::from(i32::MAX))),
            Type::Int64 => Value::from(integer(limits, i64::MAX)),
            Type::Float => json!(float(limits)),
            Type::Boolean => Value::Bool(true),
            Type::Array(item) => {
                let items = LIST_ITEMS
                    .min(limits.max_items.unwrap_or(u64::MAX))
                    .max(limits.min_items.unwrap_or(0));
                // Item limits (`maxLength` of each string) are not stated
                // apart from the list's; strings stay short enough.
                let item_limits = Constraints {
                    max_length: limits.max_length,
                    min_length: limits.min_length,
                    minimum: limits.minimum,
                    maximum: limits.maximum,
                    ..Constraints::default()
                };
                Value::Array((0..items).map(|_| self.value(item, &item_limits)).collect())
            }
            Type::Object(name) => match self.struct_type(name) {
                Some(struct_type) => Value::Object(self.fields(&struct_type.fields)),
                None => Value::Object(Map::new()),
            },
        }
    }

    fn struct_type(&self, name: &str) -> Option<&StructType> {
        self.operation
            .request_types
            .iter()
            .find(|struct_type| struct_type.name == name)
    }
}

/// An enum value typed as the field is.
fn enum_value(ty: &Type, text: &str) -> Value {
    let typed = match ty {
        Type::Int32 | Type::Int64 => text.parse::<i64>().ok().map(Value::from),
        Type::Float => text.parse::<f64>().ok().map(|f| json!(f)),
        Type::Boolean => text.parse::<bool>().ok().map(Value::Bool),
        _ => None,
    };
    typed.unwrap_or_else(|| Value::String(text.to_string()))
}

/// [`AWKWARD_TEXT`] cut or repeated to the spec's length limits
/// (counted in characters).
fn text(limits: &Constraints) -> String {
    let chars: Vec<char> = AWKWARD_TEXT.chars().collect();
    let shortest = limits.min_length.unwrap_or(0) as usize;
    let longest = limits.max_length.map_or(usize::MAX, |l| l as usize);
    let length = chars.len().max(shortest).min(longest);
    chars.iter().cycle().take(length).collect()
}

/// The upper bound, or the type's largest value when there is none.
fn integer(limits: &Constraints, largest: i64) -> i64 {
    match limits.maximum {
        Some(Bound::Int(maximum)) => maximum,
        Some(Bound::Float(maximum)) => maximum.floor() as i64,
        None => largest,
    }
}

/// A whole-valued float (the case number formatting gets wrong), within
/// the bounds.
fn float(limits: &Constraints) -> f64 {
    let bound = |bound: Option<Bound>| match bound {
        Some(Bound::Int(value)) => Some(value as f64),
        Some(Bound::Float(value)) => Some(value),
        None => None,
    };
    let mut value = 3.0_f64;
    if let Some(maximum) = bound(limits.maximum) {
        value = value.min(maximum.floor());
    }
    if let Some(minimum) = bound(limits.minimum) {
        value = value.max(minimum.ceil());
    }
    value
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operation_of_every_version_gets_both_requests() {
        let specs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs");
        let apis = apis(&specs).unwrap();
        let mut lists = 0;
        for api in &apis {
            for operation in &api.operations {
                let full = full_request(operation);
                let required = required_request(operation);
                let (full, required) = (full.as_object().unwrap(), required.as_object().unwrap());
                assert_eq!(full.len(), operation.parameters.len(), "{}", operation.name);
                let some_required = operation.parameters.iter().any(|f| f.required);
                for field in &operation.parameters {
                    assert_eq!(
                        required.contains_key(&field.wire_name),
                        field.required || !some_required,
                        "{}.{}",
                        operation.name,
                        field.wire_name
                    );
                    if let Some(Value::Array(items)) = full.get(&field.wire_name) {
                        let allowed = field.constraints.max_items.unwrap_or(u64::MAX);
                        assert_eq!(items.len() as u64, LIST_ITEMS.min(allowed));
                        lists += 1;
                    }
                }
            }
        }
        assert!(lists > 0, "some operation takes a list");
    }

    #[test]
    fn values_respect_limits() {
        let limits = Constraints {
            max_length: Some(3),
            maximum: Some(Bound::Int(500)),
            ..Constraints::default()
        };
        assert_eq!(text(&limits), "a b");
        assert_eq!(text(&Constraints::default()), AWKWARD_TEXT);
        assert_eq!(integer(&limits, 7), 500);
        assert_eq!(integer(&Constraints::default(), 7), 7);
        let small = Constraints {
            maximum: Some(Bound::Float(1.5)),
            ..Constraints::default()
        };
        assert_eq!(float(&small), 1.0);
        assert_eq!(float(&Constraints::default()), 3.0);
    }
}
