//! The request as a JSON object with wire names: `--cli-input-json` first,
//! each flag given over it, every value typed as its spec says.

use crate::catalog::flag_name;
use crate::failure::Failure;
use clap::ArgMatches;
use codegen::model::{Field, Operation, StructType, Type};
use serde_json::{Map, Value};

/// The parameters of one call, from `--cli-input-json` and the flags.
pub fn request(operation: &Operation, matches: &ArgMatches) -> Result<Map<String, Value>, Failure> {
    let mut params = match matches.get_one::<String>("cli-input-json") {
        Some(source) => input_json(source)?,
        None => Map::new(),
    };
    flags_into(&operation.parameters, matches, &mut params);
    Ok(params)
}

/// The flag values of `fields` present in `matches`, typed, into `params`.
pub fn flags_into(fields: &[Field], matches: &ArgMatches, params: &mut Map<String, Value>) {
    for field in fields {
        let Some(values) = matches.get_many::<String>(&field.wire_name) else {
            continue;
        };
        let values: Vec<&String> = values.collect();
        let value = match &field.ty {
            Type::Array(item) => {
                let mut items = Vec::new();
                for text in values {
                    match serde_json::from_str::<Value>(text) {
                        Ok(Value::Array(list)) if text.trim_start().starts_with('[') => {
                            items.extend(list)
                        }
                        _ => items.push(typed(item, text)),
                    }
                }
                Value::Array(items)
            }
            ty => typed(ty, values[0]),
        };
        params.insert(field.wire_name.clone(), value);
    }
}

/// A checked flag value as the JSON the request reads.
fn typed(ty: &Type, text: &str) -> Value {
    let parsed = match ty {
        Type::String => None,
        Type::Int32 | Type::Int64 => text.parse::<i64>().ok().map(Value::from),
        Type::Float => text.parse::<f64>().ok().map(Value::from),
        Type::Boolean => text.parse::<bool>().ok().map(Value::Bool),
        Type::Array(_) | Type::Object(_) => serde_json::from_str(text).ok(),
    };
    parsed.unwrap_or_else(|| Value::String(text.to_string()))
}

fn input_json(source: &str) -> Result<Map<String, Value>, Failure> {
    let text = if source == "-" {
        std::io::read_to_string(std::io::stdin())
            .map_err(|e| Failure::usage(format!("--cli-input-json: cannot read stdin: {e}")))?
    } else {
        std::fs::read_to_string(source)
            .map_err(|e| Failure::usage(format!("--cli-input-json: cannot read {source}: {e}")))?
    };
    match serde_json::from_str(&text) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(Failure::usage(
            "--cli-input-json takes a JSON object of parameters by wire name",
        )),
        Err(e) => Err(Failure::usage(format!("--cli-input-json: not JSON: {e}"))),
    }
}

/// Refuses a request without every required parameter, naming the flags.
pub fn check_required(operation: &Operation, params: &Map<String, Value>) -> Result<(), Failure> {
    let missing: Vec<String> = operation
        .parameters
        .iter()
        .filter(|f| f.required && !params.contains_key(&f.wire_name))
        .map(|f| format!("--{} <{}>", flag_name(f), crate::flags::type_text(&f.ty)))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    Err(Failure::usage(format!(
        "{} needs {} (or the same in --cli-input-json)",
        crate::catalog::command_name(&operation.name),
        missing.join(", ")
    )))
}

/// What `--generate-skeleton` prints: every parameter with its example or
/// an empty value of its type.
pub fn skeleton(operation: &Operation) -> Value {
    Value::Object(skeleton_fields(operation, &operation.parameters))
}

fn skeleton_fields(operation: &Operation, fields: &[Field]) -> Map<String, Value> {
    fields
        .iter()
        .map(|field| {
            let value = match (&field.example, &field.ty) {
                (Some(example), Type::String) => Value::String(example.clone()),
                (Some(example), ty @ (Type::Int32 | Type::Int64 | Type::Float | Type::Boolean)) => {
                    typed(ty, example)
                }
                (_, ty) => empty(operation, ty),
            };
            (field.wire_name.clone(), value)
        })
        .collect()
}

fn empty(operation: &Operation, ty: &Type) -> Value {
    match ty {
        Type::String => Value::String(String::new()),
        Type::Int32 | Type::Int64 => Value::from(0),
        Type::Float => Value::from(0.0),
        Type::Boolean => Value::Bool(false),
        Type::Array(item) => Value::Array(vec![empty(operation, item)]),
        Type::Object(name) => {
            let fields = crate::catalog::request_type(operation, name)
                .map(|t: &StructType| t.fields.as_slice())
                .unwrap_or_default();
            Value::Object(skeleton_fields(operation, fields))
        }
    }
}
