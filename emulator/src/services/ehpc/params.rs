//! Checks an operation's parameters against its spec: presence, type,
//! bounds, and the structure of `repeatList`, `flat` and `json` values.

use crate::spec::struct_type;
use crate::wire::answer::Rejection;
use codegen::model::{Bound, Constraints, Operation, Style, Type};
use serde_json::Value;
use std::collections::BTreeMap;

/// A parameter value taken apart: a scalar as sent, or named children
/// (`Name.1`, `Name.Field`, or the members of a JSON value).
#[derive(Debug, PartialEq)]
enum Node {
    Leaf(String),
    Branch(BTreeMap<String, Node>),
}

/// The first problem with the parameters, as the service reports it.
pub(crate) fn check(operation: &Operation, params: &[(String, String)]) -> Result<(), Rejection> {
    let checker = Checker { operation };
    for field in &operation.parameters {
        let name = &field.wire_name;
        let direct = params.iter().find(|(n, _)| n == name).map(|(_, v)| v);
        let node = match field.style {
            Style::Plain => direct.map(|v| Node::Leaf(v.clone())),
            Style::Json => match direct {
                Some(text) => {
                    let value: Value = serde_json::from_str(text)
                        .map_err(|e| Rejection::invalid(name, format_args!("not JSON ({e})")))?;
                    let fits = match (&field.ty, &value) {
                        (Type::Array(_), Value::Array(_)) => true,
                        (Type::Object(_), Value::Object(_)) => true,
                        (Type::Array(_) | Type::Object(_), _) => false,
                        _ => true,
                    };
                    if !fits {
                        return Err(Rejection::invalid(
                            name,
                            format_args!("the JSON is not {}", kind(&field.ty)),
                        ));
                    }
                    // The official Python SDK sends an optional list it was
                    // not given as `[]`; the service reads that as absent.
                    if !field.required && value.as_array().is_some_and(Vec::is_empty) {
                        None
                    } else {
                        from_json(value)
                    }
                }
                None => None,
            },
            Style::RepeatList | Style::Flat => {
                if direct.is_some() {
                    return Err(Rejection::invalid(
                        name,
                        format_args!("it goes on the wire as `{name}.1` or `{name}.<Field>`"),
                    ));
                }
                flattened(name, params)?
            }
        };
        match node {
            Some(node) => checker.node(name, &node, &field.ty, &field.constraints)?,
            None if field.required => return Err(Rejection::missing(name)),
            None => {}
        }
    }
    Ok(())
}

struct Checker<'a> {
    operation: &'a Operation,
}

impl Checker<'_> {
    fn node(
        &self,
        path: &str,
        node: &Node,
        ty: &Type,
        limits: &Constraints,
    ) -> Result<(), Rejection> {
        match (ty, node) {
            (Type::Array(item), Node::Branch(children)) => {
                let mut indexes = Vec::with_capacity(children.len());
                for key in children.keys() {
                    match key.parse::<u64>() {
                        Ok(index) if index >= 1 && !key.starts_with('0') => indexes.push(index),
                        _ => {
                            return Err(Rejection::invalid(
                                &format!("{path}.{key}"),
                                "list items are numbered from 1",
                            ))
                        }
                    }
                }
                let count = children.len() as u64;
                if limits.min_items.is_some_and(|min| count < min)
                    || limits.max_items.is_some_and(|max| count > max)
                {
                    return Err(Rejection::invalid(
                        path,
                        format_args!(
                            "it has {count} items, {}",
                            limits_text(limits.min_items, limits.max_items)
                        ),
                    ));
                }
                for (key, child) in children {
                    self.node(
                        &format!("{path}.{key}"),
                        child,
                        item,
                        &Constraints::default(),
                    )?;
                }
                Ok(())
            }
            (Type::Object(name), Node::Branch(children)) => {
                let Some(shape) = struct_type(&self.operation.request_types, name) else {
                    return Ok(());
                };
                for field in &shape.fields {
                    let child_path = format!("{path}.{}", field.wire_name);
                    match children.get(&field.wire_name) {
                        Some(child) => {
                            self.node(&child_path, child, &field.ty, &field.constraints)?
                        }
                        None if field.required => return Err(Rejection::missing(&child_path)),
                        None => {}
                    }
                }
                Ok(())
            }
            (Type::Array(_) | Type::Object(_), Node::Leaf(_)) => Err(Rejection::invalid(
                path,
                format_args!("expected {}", kind(ty)),
            )),
            (_, Node::Branch(_)) => Err(Rejection::invalid(path, "expected a single value")),
            (_, Node::Leaf(text)) => scalar(path, text, ty, limits),
        }
    }
}

fn scalar(path: &str, text: &str, ty: &Type, limits: &Constraints) -> Result<(), Rejection> {
    let number = match ty {
        Type::Int32 => text.parse::<i32>().ok().map(|v| Bound::Int(v.into())),
        Type::Int64 => text.parse::<i64>().ok().map(Bound::Int),
        Type::Float => text
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
            .map(Bound::Float),
        _ => None,
    };
    match ty {
        Type::Int32 | Type::Int64 | Type::Float if number.is_none() => {
            return Err(Rejection::invalid(
                path,
                format_args!("`{text}` is not {}", kind(ty)),
            ))
        }
        // Any case, as the service reads them: the official Python SDK
        // writes `True` and `False`.
        Type::Boolean
            if !text.eq_ignore_ascii_case("true") && !text.eq_ignore_ascii_case("false") =>
        {
            return Err(Rejection::invalid(
                path,
                format_args!("`{text}` is not true or false"),
            ))
        }
        _ => {}
    }
    if let Some(value) = number {
        if let Some(minimum) = limits.minimum.filter(|m| below(value, *m)) {
            return Err(Rejection::invalid(
                path,
                format_args!("{text} is below the minimum {}", show(minimum)),
            ));
        }
        if let Some(maximum) = limits.maximum.filter(|m| below(*m, value)) {
            return Err(Rejection::invalid(
                path,
                format_args!("{text} is above the maximum {}", show(maximum)),
            ));
        }
    }
    if *ty == Type::String {
        let length = text.chars().count() as u64;
        if limits.min_length.is_some_and(|min| length < min)
            || limits.max_length.is_some_and(|max| length > max)
        {
            return Err(Rejection::invalid(
                path,
                format_args!(
                    "it has {length} characters, {}",
                    limits_text(limits.min_length, limits.max_length)
                ),
            ));
        }
    }
    let listed = |value: &String| match ty {
        Type::Boolean => value.eq_ignore_ascii_case(text),
        _ => value == text,
    };
    if !limits.enum_values.is_empty() && !limits.enum_values.iter().any(listed) {
        return Err(Rejection::invalid(
            path,
            format_args!("`{text}` is not one of {}", limits.enum_values.join(", ")),
        ));
    }
    Ok(())
}

fn below(a: Bound, b: Bound) -> bool {
    match (a, b) {
        (Bound::Int(a), Bound::Int(b)) => a < b,
        (a, b) => as_f64(a) < as_f64(b),
    }
}

fn as_f64(bound: Bound) -> f64 {
    match bound {
        Bound::Int(v) => v as f64,
        Bound::Float(v) => v,
    }
}

fn show(bound: Bound) -> String {
    match bound {
        Bound::Int(v) => v.to_string(),
        Bound::Float(v) => v.to_string(),
    }
}

fn limits_text(min: Option<u64>, max: Option<u64>) -> String {
    match (min, max) {
        (Some(min), Some(max)) => format!("expected {min} to {max}"),
        (Some(min), None) => format!("expected at least {min}"),
        (_, Some(max)) => format!("expected at most {max}"),
        (None, None) => String::new(),
    }
}

fn kind(ty: &Type) -> &'static str {
    match ty {
        Type::String => "a string",
        Type::Int32 => "an integer (int32)",
        Type::Int64 => "an integer (int64)",
        Type::Float => "a number",
        Type::Boolean => "a boolean",
        Type::Array(_) => "a list",
        Type::Object(_) => "an object",
    }
}

/// `Name.1.Field=…` and `Name.Field=…` parameters as one tree.
fn flattened(name: &str, params: &[(String, String)]) -> Result<Option<Node>, Rejection> {
    let prefix = format!("{name}.");
    let mut root: Option<BTreeMap<String, Node>> = None;
    for (key, value) in params {
        let Some(rest) = key.strip_prefix(&prefix) else {
            continue;
        };
        let conflict =
            || Rejection::invalid(key, "it is given both as a value and as a list or object");
        let mut branch = root.get_or_insert_with(BTreeMap::new);
        let segments: Vec<&str> = rest.split('.').collect();
        let (last, parents) = segments
            .split_last()
            .expect("split yields one segment at least");
        for segment in parents {
            let child = branch
                .entry(segment.to_string())
                .or_insert_with(|| Node::Branch(BTreeMap::new()));
            match child {
                Node::Branch(children) => branch = children,
                Node::Leaf(_) => return Err(conflict()),
            }
        }
        if branch
            .insert(last.to_string(), Node::Leaf(value.clone()))
            .is_some()
        {
            return Err(conflict());
        }
    }
    Ok(root.map(Node::Branch))
}

/// A JSON value as a tree; `null` counts as absent.
fn from_json(value: Value) -> Option<Node> {
    match value {
        Value::Null => None,
        Value::String(text) => Some(Node::Leaf(text)),
        Value::Bool(b) => Some(Node::Leaf(b.to_string())),
        Value::Number(n) => Some(Node::Leaf(n.to_string())),
        Value::Array(items) => Some(Node::Branch(
            items
                .into_iter()
                .enumerate()
                .filter_map(|(i, item)| Some(((i + 1).to_string(), from_json(item)?)))
                .collect(),
        )),
        Value::Object(members) => Some(Node::Branch(
            members
                .into_iter()
                .filter_map(|(key, item)| Some((key, from_json(item)?)))
                .collect(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::{embedded_service, Catalog};

    fn shapes() -> Operation {
        let catalog = Catalog::from_texts(
            "fixture",
            embedded_service(),
            [(
                "DescribeShapes.yaml",
                include_str!("../../../tests/fixtures/DescribeShapes.yaml"),
            )],
        )
        .unwrap();
        catalog.operation("DescribeShapes").unwrap().clone()
    }

    fn run(pairs: &[(&str, &str)]) -> Result<(), Rejection> {
        let mut params = vec![("Name".to_string(), "ok".to_string())];
        params.extend(pairs.iter().map(|(n, v)| (n.to_string(), v.to_string())));
        check(&shapes(), &params)
    }

    fn refused(pairs: &[(&str, &str)], code: &str, mentions: &str) {
        let rejection = run(pairs).expect_err("should be refused");
        assert_eq!(rejection.status, 400);
        assert_eq!(rejection.code, code, "{pairs:?}");
        assert!(
            rejection.message.contains(mentions),
            "{pairs:?}: `{}` should mention `{mentions}`",
            rejection.message
        );
    }

    #[test]
    fn accepts_every_style_well_formed() {
        run(&[
            ("Size", "100"),
            ("Total", "9007199254740993"),
            ("Ratio", "0.5"),
            ("Enabled", "false"),
            ("Mode", "slow"),
            ("Tags.1", "a"),
            ("Tags.2", "b"),
            ("Nodes.1.Id", "n1"),
            ("Nodes.1.Disks.1", "40"),
            ("Nodes.2.Id", "n2"),
            ("Nodes.2.Cores", "8"),
            ("Order.Count", "2"),
            ("Order.Zone.Id", "z"),
            ("Spec", r#"{"Image":"centos","Memory":4}"#),
        ])
        .unwrap();
    }

    #[test]
    fn booleans_are_read_in_any_case() {
        for text in ["true", "false", "True", "False", "TRUE"] {
            run(&[("Enabled", text)]).unwrap();
        }
        refused(&[("Enabled", "Truth")], "InvalidParameter", "true or false");
        refused(&[("Enabled", "1")], "InvalidParameter", "true or false");
    }

    #[test]
    fn missing_required_parameters_are_named() {
        let rejection = check(&shapes(), &[]).unwrap_err();
        assert_eq!(rejection.code, "MissingParameter");
        assert!(rejection.message.contains("`Name`"));
        refused(
            &[("Nodes.1.Cores", "2")],
            "MissingParameter",
            "`Nodes.1.Id`",
        );
        refused(
            &[("Order.Zone.Id", "z")],
            "MissingParameter",
            "`Order.Count`",
        );
        refused(
            &[("Spec", r#"{"Memory":4}"#)],
            "MissingParameter",
            "`Spec.Image`",
        );
    }

    #[test]
    fn types_are_checked() {
        refused(&[("Size", "ten")], "InvalidParameter", "`Size`");
        refused(&[("Size", "3000000000")], "InvalidParameter", "int32");
        refused(&[("Total", "1.5")], "InvalidParameter", "int64");
        refused(&[("Ratio", "NaN")], "InvalidParameter", "a number");
        refused(&[("Enabled", "yes")], "InvalidParameter", "true or false");
        refused(
            &[("Nodes.1.Id", "n"), ("Nodes.1.Disks.1", "x")],
            "InvalidParameter",
            "`Nodes.1.Disks.1`",
        );
        refused(
            &[("Spec", r#"{"Image":"c","Memory":"lots"}"#)],
            "InvalidParameter",
            "`Spec.Memory`",
        );
    }

    #[test]
    fn bounds_are_checked() {
        refused(&[("Size", "0")], "InvalidParameter", "below the minimum 1");
        refused(
            &[("Size", "101")],
            "InvalidParameter",
            "above the maximum 100",
        );
        refused(&[("Ratio", "0.25")], "InvalidParameter", "minimum 0.5");
        let long = check(&shapes(), &[("Name".into(), "ninechars".into())]).unwrap_err();
        assert!(
            long.message.contains("9 characters, expected 2 to 8"),
            "{}",
            long.message
        );
        refused(&[("Mode", "medium")], "InvalidParameter", "fast, slow");
        refused(
            &[
                ("Tags.1", "a"),
                ("Tags.2", "b"),
                ("Tags.3", "c"),
                ("Tags.4", "d"),
            ],
            "InvalidParameter",
            "4 items, expected at most 3",
        );
    }

    #[test]
    fn structure_is_checked() {
        refused(&[("Tags", "a")], "InvalidParameter", "`Tags.1`");
        refused(&[("Tags.0", "a")], "InvalidParameter", "numbered from 1");
        refused(&[("Tags.x", "a")], "InvalidParameter", "numbered from 1");
        refused(
            &[("Tags.1", "a"), ("Tags.1.X", "b")],
            "InvalidParameter",
            "both",
        );
        refused(
            &[("Tags.1.X", "b"), ("Tags.1", "a")],
            "InvalidParameter",
            "both",
        );
        refused(
            &[("Order.Count.X", "1")],
            "InvalidParameter",
            "single value",
        );
        refused(&[("Spec", "{not json")], "InvalidParameter", "not JSON");
        refused(&[("Spec", "[1]")], "InvalidParameter", "not an object");
    }
}
