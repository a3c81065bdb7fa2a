//! Rustdoc text built from spec facts.

use crate::model::{Field, Operation, Type};
use proc_macro2::TokenStream;
use quote::quote;

/// `#[doc = "..."]` attributes, one per line, so prettyplease prints `///`.
pub fn attrs(text: &str) -> TokenStream {
    let lines = text.lines().map(|line| {
        let line = if line.is_empty() {
            String::new()
        } else {
            format!(" {line}")
        };
        quote!(#[doc = #line])
    });
    quote!(#(#lines)*)
}

/// Escapes text for Markdown inside rustdoc: brackets and angle brackets
/// from the service's prose must not turn into broken links or HTML.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '[' | ']' | '<' | '>' | '*' | '_' | '`' => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

/// A type as a reader sees it, linking generated types in the same module.
pub fn type_word(ty: &Type) -> String {
    type_word_in(ty, None)
}

/// [`type_word`] for docs outside the operation's module: links to
/// generated types go through `<module>` (`crate::v2018_04_12::operation::<op>`).
fn type_word_in(ty: &Type, module: Option<&str>) -> String {
    match ty {
        Type::Array(item) => format!("array of {}", type_word_in(item, module)),
        Type::Object(name) => match module {
            Some(module) => format!("object [`{name}`]({module}::{name})"),
            None => format!("object [`{name}`]"),
        },
        other => scalar_word(other),
    }
}

fn scalar_word(ty: &Type) -> String {
    match ty {
        Type::String => "string".into(),
        Type::Int32 => "integer (int32)".into(),
        Type::Int64 => "integer (int64)".into(),
        Type::Float => "number".into(),
        Type::Boolean => "boolean".into(),
        Type::Array(_) | Type::Object(_) => type_word_in(ty, None),
    }
}

/// The doc of a parameter, a response field or a setter: the description,
/// the known values as a list, then the wire facts.
pub fn field(field: &Field, request: bool) -> String {
    let mut text = String::new();
    match &field.description {
        Some(description) => text.push_str(description.trim()),
        None => text.push_str(&format!("`{}`.", field.wire_name)),
    }
    text.push_str("\n\n");
    if !field.values.is_empty() {
        let what = if matches!(field.ty, Type::Array(_)) {
            "Known values of the items"
        } else {
            "Known values"
        };
        text.push_str(&format!("{what}:\n"));
        for known in &field.values {
            text.push_str(&format!("- `{}`: {}\n", known.value, known.description));
        }
        text.push('\n');
    }
    let mut facts = vec![format!("Wire name: `{}`", field.wire_name)];
    facts.push(format!("type: {}", type_word(&field.ty)));
    if request {
        facts.push(if field.required {
            "required".into()
        } else {
            "optional".into()
        });
    }
    text.push_str(&facts.join("; "));
    text.push('.');
    let c = &field.constraints;
    let mut limits = Vec::new();
    if let Some(min) = c.minimum {
        limits.push(format!("minimum {}", bound(min)));
    }
    if let Some(max) = c.maximum {
        limits.push(format!("maximum {}", bound(max)));
    }
    if let Some(n) = c.min_length {
        limits.push(format!("at least {n} {}", plural(n, "character")));
    }
    if let Some(n) = c.max_length {
        limits.push(format!("at most {n} {}", plural(n, "character")));
    }
    if let Some(n) = c.min_items {
        limits.push(format!("at least {n} {}", plural(n, "item")));
    }
    if let Some(n) = c.max_items {
        limits.push(format!("at most {n} {}", plural(n, "item")));
    }
    if !c.enum_values.is_empty() {
        let values: Vec<String> = c.enum_values.iter().map(|v| format!("`{v}`")).collect();
        limits.push(format!("one of {}", values.join(", ")));
    }
    if !limits.is_empty() {
        text.push_str(&format!(" Limits: {}.", limits.join(", ")));
    }
    if let Some(default) = &field.default {
        text.push_str(&format!(" Service default: `{default}`."));
    }
    if let Some(example) = &field.example {
        // Examples may be pretty-printed JSON: one line, single spaces.
        let example = example.split_whitespace().collect::<Vec<_>>().join(" ");
        text.push_str(&format!(" Example: `{}`.", example.replace('`', "'")));
    }
    if field.deprecated {
        text.push_str(" Deprecated by the service.");
    }
    text
}

fn bound(bound: crate::model::Bound) -> String {
    match bound {
        crate::model::Bound::Int(v) => v.to_string(),
        crate::model::Bound::Float(v) => v.to_string(),
    }
}

/// The operation's full doc: summary, description, RAM action, errors.
pub fn operation(op: &Operation) -> String {
    let mut text = format!("{}\n", op.summary);
    if let Some(description) = &op.description {
        text.push('\n');
        text.push_str(description.trim());
        text.push('\n');
    }
    text.push_str(&format!(
        "\nAction `{}` of API version {}, sent as {}. RAM action `{}`, access level {}.\n",
        op.name,
        op.version,
        op.method.as_str(),
        op.ram_action,
        op.access_level.as_str()
    ));
    if op.https_only {
        text.push_str("\nThe service accepts this operation over HTTPS only.\n");
    }
    if let Some(reference) = &op.reference {
        text.push_str(&format!("\nOfficial reference: <{reference}>\n"));
    }
    if !op.parameters.is_empty() {
        text.push_str("\n# Parameters\n\n");
        for p in &op.parameters {
            let required = if p.required { "required" } else { "optional" };
            let gist = p
                .description
                .as_deref()
                .map(first_sentence)
                .unwrap_or_default();
            text.push_str(&format!(
                "- `{}` ({}, {required}){}{gist}\n",
                p.wire_name,
                type_word_in(&p.ty, Some(&operation_module(op))),
                if gist.is_empty() { "" } else { ": " }
            ));
        }
    }
    if !op.errors.is_empty() {
        text.push_str(
            "\n# Errors\n\nDocumented error codes, each a variant of the error enum:\n\n",
        );
        for e in &op.errors {
            let meaning = match &e.description {
                Some(description) => format!("{} ", description.trim()),
                None => String::new(),
            };
            text.push_str(&format!(
                "- `{}` (HTTP {}): {meaning}The service says: \"{}\"\n",
                e.code,
                e.status,
                escape(e.message.trim())
            ));
        }
    }
    if op.deprecated {
        text.push_str("\nDeprecated by the service.\n");
    }
    text
}

/// The first sentence of a description, for lists: up to the first period
/// followed by a space and a capital letter or a backtick, or the end.
pub fn first_sentence(text: &str) -> &str {
    let text = text.trim();
    let first_line = text.split("\n\n").next().unwrap_or(text);
    let bytes = first_line.as_bytes();
    let mut in_code = false;
    for (index, &byte) in bytes.iter().enumerate() {
        match byte {
            b'`' => in_code = !in_code,
            b'.' if !in_code
                && bytes.get(index + 1) == Some(&b' ')
                && bytes
                    .get(index + 2)
                    .is_some_and(|c| c.is_ascii_uppercase() || *c == b'`') =>
            {
                return &first_line[..=index];
            }
            _ => {}
        }
    }
    first_line
}

fn plural(count: u64, word: &str) -> String {
    if count == 1 {
        word.to_string()
    } else {
        format!("{word}s")
    }
}

/// The operation's module from the crate root, for links from outside it.
pub fn operation_module(op: &Operation) -> String {
    format!("{}::operation::{}", op.module_path, op.snake)
}
