//! Every operation's official success example (the `response_example` of
//! its spec, imported from the service's published metadata) decodes into
//! the generated response type, and encoding the decoded value gives back
//! every field the example had.

use codegen::spec::FieldSpec;
use serde_json::Value;
use std::path::Path;

/// `decode_and_encode(action, body)`: the body decoded with the action's
/// generated response type and encoded again; `None` for an unknown action.
macro_rules! response_codecs {
    ($( ($action:ident, $module:ident, $request:ident, $response:ident, $error:ident) ),* $(,)?) => {
        pub fn decode_and_encode(action: &str, body: &str) -> Option<Result<Value, String>> {
            match action {
                $(
                    stringify!($action) => Some(
                        serde_json::from_str::<operation::$module::$response>(body)
                            .map_err(|e| format!("decoding failed: {e}"))
                            .and_then(|decoded| {
                                serde_json::to_value(&decoded)
                                    .map_err(|e| format!("encoding failed: {e}"))
                            }),
                    ),
                )*
                _ => None,
            }
        }

        pub const ACTIONS: &[&str] = &[$(stringify!($action)),*];
    };
}

mod v2018_04_12 {
    use ehpc_sdk::v2018_04_12::operation;
    use serde_json::Value;
    ehpc_sdk::for_each_v2018_04_12_operation!(response_codecs);
}

mod v2024_07_30 {
    use ehpc_sdk::v2024_07_30::operation;
    use serde_json::Value;
    ehpc_sdk::for_each_v2024_07_30_operation!(response_codecs);
}

/// Each version's codec, by version.
type Codec = fn(&str, &str) -> Option<Result<Value, String>>;
const VERSIONS: &[(&str, Codec, &[&str])] = &[
    (
        "2018-04-12",
        v2018_04_12::decode_and_encode,
        v2018_04_12::ACTIONS,
    ),
    (
        "2024-07-30",
        v2024_07_30::decode_and_encode,
        v2024_07_30::ACTIONS,
    ),
];

/// The problems found comparing the example with the re-encoded value:
/// every key path of the example must exist, with an equal scalar.
fn lost(path: &str, example: &Value, encoded: Option<&Value>, problems: &mut Vec<String>) {
    match (example, encoded) {
        (Value::Object(fields), Some(Value::Object(encoded))) => {
            for (key, value) in fields {
                lost(&format!("{path}.{key}"), value, encoded.get(key), problems);
            }
        }
        (Value::Array(items), Some(Value::Array(encoded))) => {
            if items.len() != encoded.len() {
                problems.push(format!(
                    "{path}: {} items in the example, {} encoded",
                    items.len(),
                    encoded.len()
                ));
            }
            for (index, item) in items.iter().enumerate() {
                lost(
                    &format!("{path}[{index}]"),
                    item,
                    encoded.get(index),
                    problems,
                );
            }
        }
        // No value in the example: nothing to lose.
        (Value::Null, _) => {}
        (Value::String(s), None) if s.is_empty() => {}
        (Value::Object(fields), None) if fields.is_empty() => {}
        (Value::Array(items), None) if items.is_empty() => {}
        (_, None) => problems.push(format!("{path}: missing after encoding")),
        (example, Some(encoded)) if same_scalar(example, encoded) => {}
        (example, Some(encoded)) => {
            problems.push(format!("{path}: example {example}, encoded {encoded}"))
        }
    }
}

/// Scalars equal modulo the lenient conversions the SDK applies: numbers
/// and booleans that arrive as strings, and numbers that differ only in
/// how they are written (`1` and `1.0`).
fn same_scalar(example: &Value, encoded: &Value) -> bool {
    let text = |value: &Value| match value {
        Value::String(s) => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    };
    let number = |value: &Value| match value {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse::<f64>().ok(),
        _ => None,
    };
    match (text(example), text(encoded)) {
        (Some(a), Some(b)) if a == b || a.eq_ignore_ascii_case(&b) => true,
        (Some(_), Some(_)) => {
            matches!((number(example), number(encoded)), (Some(a), Some(b)) if a == b)
        }
        _ => false,
    }
}

/// Keys of the example that no spec field describes: they would decode
/// into `unknown_fields` instead of typed fields.
fn untyped(path: &str, example: &Value, fields: &[FieldSpec], problems: &mut Vec<String>) {
    let Value::Object(members) = example else {
        return;
    };
    for (key, value) in members {
        let path = format!("{path}.{key}");
        match fields
            .iter()
            .find(|f| f.name.as_deref() == Some(key.as_str()))
        {
            None => problems.push(format!("{path}: not described by the spec")),
            Some(field) => typed_value(&path, value, field, problems),
        }
    }
}

fn typed_value(path: &str, value: &Value, field: &FieldSpec, problems: &mut Vec<String>) {
    match (field.ty.as_str(), value) {
        ("object", _) => untyped(
            path,
            value,
            field.properties.as_deref().unwrap_or_default(),
            problems,
        ),
        ("array", _) => {
            let items = match (&field.wrapper, value) {
                (Some(wrapper), Value::Object(wrapped)) => wrapped.get(wrapper),
                _ => Some(value),
            };
            let (Some(Value::Array(items)), Some(item)) = (items, field.items.as_deref()) else {
                return;
            };
            for (index, value) in items.iter().enumerate() {
                typed_value(&format!("{path}[{index}]"), value, item, problems);
            }
        }
        _ => {}
    }
}

fn specs_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs")
}

#[test]
fn every_official_response_example_survives_decoding_and_encoding() {
    let mut failures = Vec::new();
    let mut checked = Vec::new();
    for (version, decode_and_encode, actions) in VERSIONS {
        let (_, operations) =
            codegen::load(&specs_dir().join("EHPC").join(version)).expect("specs load");
        assert_eq!(
            operations.len(),
            actions.len(),
            "{version}: one generated type per spec"
        );
        let mut count = 0;
        // Most 2024-07-30 operations come without an official example.
        for parsed in &operations {
            let spec = &parsed.spec;
            let Some(example) = spec.response_example.as_ref() else {
                continue;
            };
            let example: Value = serde_json::to_value(example).expect("YAML example as JSON");
            let body = example.to_string();
            match decode_and_encode(&spec.name, &body) {
                None => failures.push(format!(
                    "{version} {}: no generated response type",
                    spec.name
                )),
                Some(Err(error)) => failures.push(format!("{version} {}: {error}", spec.name)),
                Some(Ok(encoded)) => {
                    let mut problems = Vec::new();
                    lost("$", &example, Some(&encoded), &mut problems);
                    untyped("$", &example, &spec.response, &mut problems);
                    failures.extend(
                        problems
                            .into_iter()
                            .map(|p| format!("{version} {}: {p}", spec.name)),
                    );
                }
            }
            count += 1;
        }
        checked.push(count);
    }
    // Every example the metadata has: all 102 of 2018-04-12, 11 of 2024-07-30.
    assert_eq!(checked, [102, 11], "the whole API");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_comparison_notices_a_lost_field() {
    let example: Value = serde_json::json!({"A": {"B": [1, "2"]}, "C": "x"});
    let mut problems = Vec::new();
    lost(
        "$",
        &example,
        Some(&serde_json::json!({"A": {"B": ["1", 2.0]}, "C": "x"})),
        &mut problems,
    );
    assert!(problems.is_empty(), "{problems:?}");
    lost(
        "$",
        &example,
        Some(&serde_json::json!({"A": {"B": [1]}})),
        &mut problems,
    );
    assert_eq!(
        problems,
        [
            "$.A.B: 2 items in the example, 1 encoded",
            "$.A.B[1]: missing after encoding",
            "$.C: missing after encoding"
        ]
    );
}
