//! Small predicates and conversions used by the checks.

use crate::model::{Bound, Field, StructType, Type};

/// `["Clusters", "[]", "Nodes"]` → `Clusters[].Nodes`.
pub(super) fn wire_origin(trail: &[String]) -> String {
    let mut origin = String::new();
    for part in trail {
        if part != "[]" && !origin.is_empty() {
            origin.push('.');
        }
        origin.push_str(part);
    }
    origin
}

pub(super) fn bound_value(bound: Bound) -> f64 {
    match bound {
        Bound::Int(v) => v as f64,
        Bound::Float(v) => v,
    }
}

pub(super) fn type_word(ty: &Type) -> &'static str {
    match ty {
        Type::String => "string",
        Type::Int32 => "integer (int32)",
        Type::Int64 => "integer (int64)",
        Type::Float => "number",
        Type::Boolean => "boolean (true or false)",
        Type::Array(_) => "array",
        Type::Object(_) => "object",
    }
}

/// Object types of one operation, named uniquely: a name taken by a type
/// with other fields gets a numeric suffix.
#[derive(Default)]
pub(super) struct TypeNames {
    pub(super) types: Vec<StructType>,
    /// Names already defined in the same module.
    reserved: Vec<String>,
}

/// The types generated for every operation, and the prelude names the
/// generated code uses unqualified, which nested types must not shadow.
pub(super) fn operation_type_names(operation: &str) -> impl Iterator<Item = String> + '_ {
    ["Request", "RequestBuilder", "Call", "Response", "Error"]
        .into_iter()
        .map(move |suffix| format!("{operation}{suffix}"))
        .chain(
            [
                "Option", "Some", "None", "Result", "Ok", "Err", "Vec", "String", "Default",
            ]
            .into_iter()
            .map(String::from),
        )
}

impl TypeNames {
    pub(super) fn reserving(names: impl IntoIterator<Item = String>) -> Self {
        TypeNames {
            types: Vec::new(),
            reserved: names.into_iter().collect(),
        }
    }

    pub(super) fn register(
        &mut self,
        name: String,
        origin: &str,
        description: Option<String>,
        fields: Vec<Field>,
    ) -> String {
        // The same shape under the same name (say `CurrentState` of both
        // containers and init containers) is one type; its docs come from
        // the first place it stands.
        let mut candidate = name.clone();
        let mut counter = 2;
        loop {
            match self.types.iter().find(|t| t.name == candidate) {
                Some(existing) if same_shape(&existing.fields, &fields) => return candidate,
                None if !self.reserved.contains(&candidate) => break,
                _ => {
                    candidate = format!("{name}{counter}");
                    counter += 1;
                }
            }
        }
        self.types.push(StructType {
            name: candidate.clone(),
            origin: origin.to_string(),
            description,
            fields,
        });
        candidate
    }
}

/// Fields that generate the same code and wire behaviour: everything but
/// the documentation (descriptions, examples, defaults, deprecation).
fn same_shape(a: &[Field], b: &[Field]) -> bool {
    a.len() == b.len()
        && a.iter().zip(b).all(|(a, b)| {
            a.wire_name == b.wire_name
                && a.rust_name == b.rust_name
                && a.ty == b.ty
                && a.required == b.required
                && a.style == b.style
                && a.constraints == b.constraints
                && a.wrapper == b.wrapper
                && a.sensitive == b.sensitive
        })
}

/// A string, or an array of strings: what a secret can be.
pub(super) fn is_text(ty: &Type) -> bool {
    match ty {
        Type::String => true,
        Type::Array(item) => **item == Type::String,
        _ => false,
    }
}

pub(super) fn is_upper_camel(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_uppercase())
        && chars.all(|c| c.is_ascii_alphanumeric())
}

pub(super) fn is_wire_name(name: &str) -> bool {
    !name.is_empty()
        && name.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
        && !name.ends_with('.')
        && !name.contains("..")
}

pub(super) fn is_error_code(code: &str) -> bool {
    code.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && code
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

pub(super) fn is_ram_action(action: &str) -> bool {
    match action.split_once(':') {
        Some((product, name)) => {
            !product.is_empty()
                && product.chars().all(|c| c.is_ascii_lowercase())
                && is_upper_camel(name)
        }
        None => false,
    }
}

pub fn is_api_version(version: &str) -> bool {
    let bytes = version.as_bytes();
    bytes.len() == 10
        && bytes.iter().enumerate().all(|(i, b)| match i {
            4 | 7 => *b == b'-',
            _ => b.is_ascii_digit(),
        })
}

pub(super) fn is_region(region: &str) -> bool {
    !region.is_empty()
        && region
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

pub(super) fn is_host(host: &str) -> bool {
    !host.is_empty()
        && host.split('.').all(|label| {
            !label.is_empty() && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
}
