//! One flag per request parameter: its value checked by type and limits as
//! it is read, and its help (description, type, required mark, valid
//! values, default, example) from the spec.

use crate::catalog::{flag_name, request_type};
use clap::{Arg, ArgAction};
use codegen::model::{Bound, Constraints, Field, Operation, Type};

/// The flag of `field`, a parameter of `operation`.
pub fn parameter_arg(operation: &Operation, field: &Field) -> Arg {
    let name = flag_name(field);
    let list = matches!(field.ty, Type::Array(_));
    let limits = field.constraints.clone();
    let ty = field.ty.clone();
    let arg = Arg::new(field.wire_name.clone())
        .long(name)
        .value_name(value_name(&field.ty))
        .help(short_help(field))
        .long_help(long_help(operation, field))
        .action(if list {
            ArgAction::Append
        } else {
            ArgAction::Set
        })
        .help_heading("Parameters");
    arg.value_parser(move |text: &str| check_value(&ty, &limits, text))
}

fn value_name(ty: &Type) -> &'static str {
    match ty {
        Type::String => "STRING",
        Type::Int32 | Type::Int64 => "INTEGER",
        Type::Float => "NUMBER",
        Type::Boolean => "true|false",
        Type::Array(item) => match **item {
            Type::Object(_) | Type::Array(_) => "JSON",
            _ => "ITEM|JSON",
        },
        Type::Object(_) => "JSON|@FILE",
    }
}

/// The type as help shows it.
pub fn type_text(ty: &Type) -> String {
    match ty {
        Type::String => "string".into(),
        Type::Int32 => "integer (32-bit)".into(),
        Type::Int64 => "integer (64-bit)".into(),
        Type::Float => "number".into(),
        Type::Boolean => "boolean".into(),
        Type::Array(item) => format!("list of {}", type_text(item)),
        Type::Object(name) => format!("object {name}"),
    }
}

fn first_sentence(text: &str) -> &str {
    let line = text.lines().next().unwrap_or_default();
    match line.find(". ") {
        Some(end) => &line[..=end],
        None => line,
    }
}

fn short_help(field: &Field) -> String {
    let mut help = field
        .description
        .as_deref()
        .map(first_sentence)
        .unwrap_or_default()
        .to_string();
    if field.required {
        help.push_str(" [required]");
    }
    help
}

fn long_help(operation: &Operation, field: &Field) -> String {
    let mut help = field.description.clone().unwrap_or_default();
    let mut facts = vec![format!("Type: {}", type_text(&field.ty))];
    if field.required {
        facts.push("Required.".into());
    }
    facts.extend(limits_text(&field.constraints));
    if !field.values.is_empty() {
        let values: Vec<String> = field
            .values
            .iter()
            .map(|v| format!("  {}: {}", v.value, v.description))
            .collect();
        facts.push(format!("Valid values:\n{}", values.join("\n")));
    } else if !field.constraints.enum_values.is_empty() {
        facts.push(format!(
            "Valid values: {}",
            field.constraints.enum_values.join(", ")
        ));
    }
    if let Some(default) = &field.default {
        facts.push(format!("Default: {default}"));
    }
    if let Some(example) = &field.example {
        facts.push(format!("Example: {example}"));
    }
    let object = match &field.ty {
        Type::Object(name) => Some(name),
        Type::Array(item) => match item.as_ref() {
            Type::Object(name) => Some(name),
            _ => None,
        },
        _ => None,
    };
    if let Some(name) = object {
        if let Some(fields) = request_type(operation, name) {
            let names: Vec<String> = fields
                .fields
                .iter()
                .map(|f| format!("{} ({})", f.wire_name, type_text(&f.ty)))
                .collect();
            facts.push(format!("Fields: {}", names.join(", ")));
        }
    }
    match &field.ty {
        Type::Array(_) => facts.push("Repeat the flag for each item, or give a JSON array.".into()),
        Type::Object(_) => facts.push("JSON text, or @FILE to read it from a file.".into()),
        _ => {}
    }
    if !help.is_empty() {
        help.push_str("\n\n");
    }
    help.push_str(&facts.join("\n"));
    help
}

fn limits_text(limits: &Constraints) -> Vec<String> {
    let bound = |b: &Bound| match b {
        Bound::Int(i) => i.to_string(),
        Bound::Float(f) => f.to_string(),
    };
    let range = |what: &str, lo: Option<String>, hi: Option<String>| match (lo, hi) {
        (Some(lo), Some(hi)) => Some(format!("{what}: {lo} to {hi}")),
        (Some(lo), None) => Some(format!("{what}: at least {lo}")),
        (None, Some(hi)) => Some(format!("{what}: at most {hi}")),
        (None, None) => None,
    };
    [
        range(
            "Range",
            limits.minimum.as_ref().map(bound),
            limits.maximum.as_ref().map(bound),
        ),
        range(
            "Length",
            limits.min_length.map(|l| l.to_string()),
            limits.max_length.map(|l| l.to_string()),
        ),
        range(
            "Items",
            limits.min_items.map(|l| l.to_string()),
            limits.max_items.map(|l| l.to_string()),
        ),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// Checks one value of a flag as it is read; returns its text, with an
/// `@FILE` read. A list flag's value is one item, or a JSON array of them.
fn check_value(ty: &Type, limits: &Constraints, text: &str) -> Result<String, String> {
    let text = match text.strip_prefix('@') {
        Some(path) if !matches!(ty, Type::String) => std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read {path}: {e}"))?
            .trim_end()
            .to_string(),
        _ => text.to_string(),
    };
    match ty {
        Type::Array(item) => {
            if text.trim_start().starts_with('[') {
                let value: serde_json::Value =
                    serde_json::from_str(&text).map_err(|e| format!("not a JSON array: {e}"))?;
                if !value.is_array() {
                    return Err("not a JSON array".into());
                }
                return Ok(text);
            }
            // The list's limits count items; only its valid values are the items'.
            let item_limits = Constraints {
                enum_values: limits.enum_values.clone(),
                ..Constraints::default()
            };
            check_value(item, &item_limits, &text)
        }
        Type::Object(_) => {
            let value: serde_json::Value = serde_json::from_str(&text)
                .map_err(|e| format!("takes a JSON object or @FILE: {e}"))?;
            if !value.is_object() {
                return Err("takes a JSON object or @FILE".into());
            }
            Ok(text)
        }
        _ => {
            check_scalar(ty, limits, &text)?;
            Ok(text)
        }
    }
}

fn check_scalar(ty: &Type, limits: &Constraints, text: &str) -> Result<(), String> {
    if !limits.enum_values.is_empty() && !limits.enum_values.iter().any(|v| v == text) {
        return Err(format!("takes one of: {}", limits.enum_values.join(", ")));
    }
    let as_f64 = |b: &Bound| match b {
        Bound::Int(i) => *i as f64,
        Bound::Float(f) => *f,
    };
    let number = match ty {
        Type::Int32 => Some(
            text.parse::<i32>()
                .map_err(|_| "takes a 32-bit integer".to_string())? as f64,
        ),
        Type::Int64 => Some(
            text.parse::<i64>()
                .map_err(|_| "takes a 64-bit integer".to_string())? as f64,
        ),
        Type::Float => Some(
            text.parse::<f64>()
                .map_err(|_| "takes a number".to_string())?,
        ),
        Type::Boolean => {
            text.parse::<bool>()
                .map_err(|_| "takes true or false".to_string())?;
            None
        }
        _ => None,
    };
    if let Some(number) = number {
        let low = limits.minimum.as_ref().map(as_f64);
        let high = limits.maximum.as_ref().map(as_f64);
        if low.is_some_and(|l| number < l) || high.is_some_and(|h| number > h) {
            return Err(limits_text(limits).join("; "));
        }
    }
    if matches!(ty, Type::String) {
        let chars = text.chars().count() as u64;
        if limits.min_length.is_some_and(|l| chars < l)
            || limits.max_length.is_some_and(|l| chars > l)
        {
            return Err(format!(
                "takes a string of {}",
                limits_text(limits).join("; ").to_lowercase()
            ));
        }
    }
    Ok(())
}
