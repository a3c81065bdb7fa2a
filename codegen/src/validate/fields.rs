//! Checks of fields: types, styles, bounds, examples, known values, and
//! the naming of the object types they define.

use crate::model::*;
use crate::naming;
use crate::spec::FieldSpec;
use serde_norway::Value;
use std::collections::HashSet;

use super::rules::*;
use super::{Checker, Place};

impl<T> Checker<'_, T> {
    pub(super) fn fields(
        &mut self,
        path: &str,
        specs: &[FieldSpec],
        place: Place,
        types: &mut TypeNames,
    ) -> Vec<Field> {
        let mut wire_names = HashSet::new();
        let mut rust_names = HashSet::new();
        let mut fields = Vec::new();
        for (index, spec) in specs.iter().enumerate() {
            let field_path = format!("{path}[{index}]");
            let Some(name) = spec.name.as_deref() else {
                self.error(&field_path, "missing `name`");
                continue;
            };
            if !is_wire_name(name) {
                self.error(
                    &format!("{field_path}.name"),
                    format!("`{name}` is not a valid name: use letters, digits, `_` and `.`"),
                );
                continue;
            }
            if !wire_names.insert(name.to_string()) {
                let what = if place == Place::Parameter {
                    "parameter"
                } else {
                    "field"
                };
                self.error(
                    &format!("{field_path}.name"),
                    format!("duplicate {what} `{name}`"),
                );
                continue;
            }
            // Names that collide after case conversion get a numeric suffix,
            // in spec order, so both stay reachable.
            let reserved = match place {
                Place::Parameter | Place::RequestNested => naming::RESERVED_PARAMETER_NAMES,
                Place::Response => naming::RESERVED_RESPONSE_NAMES,
            };
            let base = naming::unreserved(naming::field(name), name, reserved);
            let mut rust_name = base.clone();
            let mut counter = 2;
            while !rust_names.insert(rust_name.clone()) {
                rust_name = format!("{base}_{counter}");
                counter += 1;
            }
            self.wire_trail.push(name.to_string());
            let field = self.field(&field_path, name, rust_name, spec, place, types);
            self.wire_trail.pop();
            fields.extend(field);
        }
        fields
    }

    fn field(
        &mut self,
        path: &str,
        name: &str,
        rust_name: String,
        spec: &FieldSpec,
        place: Place,
        types: &mut TypeNames,
    ) -> Option<Field> {
        let start = self.diagnostics.len();
        let ty = self.shape(path, name, spec, place, types)?;
        let style = self.style(path, spec, &ty, place);
        let placement = self.placement(path, spec, place);
        if place != Place::Response && spec.wrapper.is_some() {
            self.error(
                &format!("{path}.wrapper"),
                "`wrapper` applies to response fields only",
            );
        }
        if let Some(wrapper) = &spec.wrapper {
            if !matches!(ty, Type::Array(_)) {
                self.error(
                    &format!("{path}.wrapper"),
                    "`wrapper` applies to arrays only",
                );
            } else if !is_wire_name(wrapper) {
                self.error(
                    &format!("{path}.wrapper"),
                    format!("`{wrapper}` is not a valid key"),
                );
            }
        }
        let sensitive = spec.sensitive.unwrap_or(false);
        if sensitive && place == Place::Response {
            self.error(
                &format!("{path}.sensitive"),
                "`sensitive` applies to request parameters only",
            );
        } else if sensitive && !is_text(&ty) {
            self.error(
                &format!("{path}.sensitive"),
                "`sensitive` applies to strings and arrays of strings only",
            );
        }
        if place == Place::Response && spec.default.is_some() {
            self.error(
                &format!("{path}.default"),
                "`default` applies to request parameters only",
            );
        }
        if spec.required && spec.default.is_some() {
            self.error(
                &format!("{path}.default"),
                format!(
                    "required parameter `{name}` cannot have a default: the caller always sets it"
                ),
            );
        }
        let constraints = self.constraints(path, spec, &ty);
        let values = self.known_values(path, spec, &constraints);
        let example = self.sample(&format!("{path}.example"), spec.example.as_ref(), &ty);
        let default = self.sample(&format!("{path}.default"), spec.default.as_ref(), &ty);
        if let Some(default) = &default {
            self.check_sample_bounds(&format!("{path}.default"), default, &ty, &constraints);
        }
        if self.diagnostics.len() > start {
            return None;
        }
        Some(Field {
            wire_name: name.to_string(),
            rust_name,
            ty,
            required: spec.required,
            style,
            placement,
            description: spec.description.clone(),
            example,
            default,
            constraints,
            values,
            wrapper: spec.wrapper.clone(),
            deprecated: spec.deprecated,
            sensitive,
        })
    }

    /// Checks `type`/`format`/`items`/`properties` and returns the type,
    /// registering object types by name.
    fn shape(
        &mut self,
        path: &str,
        name: &str,
        spec: &FieldSpec,
        place: Place,
        types: &mut TypeNames,
    ) -> Option<Type> {
        let format = spec.format.as_deref();
        let ty = match (spec.ty.as_str(), format) {
            ("string", None) => Type::String,
            ("integer", None | Some("int32")) => Type::Int32,
            ("integer", Some("int64")) => Type::Int64,
            ("number", None | Some("float") | Some("double")) => Type::Float,
            ("boolean", None) => Type::Boolean,
            ("array", None) => {
                let Some(items) = &spec.items else {
                    self.error(path, "an array needs `items`");
                    return None;
                };
                let items_path = format!("{path}.items");
                if items.name.is_some() {
                    self.error(&format!("{items_path}.name"), "array items have no name");
                }
                if items.style.is_some() {
                    self.error(
                        &format!("{items_path}.style"),
                        "`style` applies to parameters only",
                    );
                }
                if items.placement.is_some() {
                    self.error(
                        &format!("{items_path}.in"),
                        "`in` applies to top-level request parameters only",
                    );
                }
                let item_name = spec
                    .wrapper
                    .clone()
                    .unwrap_or_else(|| format!("{name}Item"));
                let nested = if place == Place::Parameter {
                    Place::RequestNested
                } else {
                    place
                };
                self.wire_trail.push("[]".to_string());
                self.items_description = spec.description.clone();
                let item = self.shape(&items_path, &item_name, items, nested, types);
                self.items_description = None;
                self.wire_trail.pop();
                Type::Array(Box::new(item?))
            }
            ("object", None) => {
                let Some(properties) = &spec.properties else {
                    self.error(path, "an object needs `properties`");
                    return None;
                };
                let nested = if place == Place::Parameter {
                    Place::RequestNested
                } else {
                    place
                };
                let requested = spec.type_name.clone();
                let description = spec.description.clone().or(self.items_description.take());
                if let Some(type_name) = &requested {
                    if !is_upper_camel(type_name) {
                        self.error(
                            &format!("{path}.type_name"),
                            format!("`{type_name}` is not an UpperCamelCase type name"),
                        );
                        return None;
                    }
                }
                let fields = self.fields(&format!("{path}.properties"), properties, nested, types);
                let type_name = types.register(
                    requested.unwrap_or_else(|| naming::type_name(name)),
                    &wire_origin(&self.wire_trail),
                    description,
                    fields,
                );
                Type::Object(type_name)
            }
            (
                known @ ("string" | "integer" | "number" | "boolean" | "array" | "object"),
                Some(format),
            ) => {
                self.error(
                    &format!("{path}.format"),
                    format!("format `{format}` does not apply to type `{known}`"),
                );
                return None;
            }
            (other, _) => {
                self.error(
                    &format!("{path}.type"),
                    format!(
                        "unknown type `{other}`: expected string, integer, number, boolean, array or object"
                    ),
                );
                return None;
            }
        };
        if spec.type_name.is_some() && !matches!(ty, Type::Object(_)) {
            self.error(
                &format!("{path}.type_name"),
                "`type_name` applies to objects only",
            );
        }
        if spec.items.is_some() && !matches!(ty, Type::Array(_)) {
            self.error(&format!("{path}.items"), "`items` applies to arrays only");
        }
        if spec.properties.is_some() && !matches!(ty, Type::Object(_)) {
            self.error(
                &format!("{path}.properties"),
                "`properties` applies to objects only",
            );
        }
        Some(ty)
    }

    /// `in`: where a top-level parameter travels.
    fn placement(&mut self, path: &str, spec: &FieldSpec, place: Place) -> Placement {
        let Some(placement) = spec.placement.as_deref() else {
            return Placement::Query;
        };
        if place != Place::Parameter {
            self.error(
                &format!("{path}.in"),
                "`in` applies to top-level request parameters only",
            );
            return Placement::Query;
        }
        match placement {
            "query" => Placement::Query,
            "formData" => Placement::Form,
            "body" => Placement::Body,
            other => {
                self.error(
                    &format!("{path}.in"),
                    format!("unknown placement `{other}`: expected query, formData or body"),
                );
                Placement::Query
            }
        }
    }

    fn style(&mut self, path: &str, spec: &FieldSpec, ty: &Type, place: Place) -> Style {
        let Some(style) = spec.style.as_deref() else {
            return match ty {
                Type::Array(_) => Style::RepeatList,
                Type::Object(_) => Style::Flat,
                _ => Style::Plain,
            };
        };
        if place != Place::Parameter {
            self.error(
                &format!("{path}.style"),
                "`style` applies to request parameters only",
            );
            return Style::Plain;
        }
        let parsed = match style {
            "repeatList" => Style::RepeatList,
            "flat" => Style::Flat,
            "json" => Style::Json,
            other => {
                self.error(
                    &format!("{path}.style"),
                    format!("unknown style `{other}`: expected repeatList, flat or json"),
                );
                return Style::Plain;
            }
        };
        let fits = match parsed {
            Style::RepeatList => matches!(ty, Type::Array(_)),
            Style::Flat => matches!(ty, Type::Object(_) | Type::Array(_)),
            Style::Json => matches!(ty, Type::Object(_) | Type::Array(_)),
            Style::Plain => true,
        };
        if !fits {
            self.error(
                &format!("{path}.style"),
                format!("style `{style}` does not apply to a scalar"),
            );
        }
        parsed
    }

    fn constraints(&mut self, path: &str, spec: &FieldSpec, ty: &Type) -> Constraints {
        let numeric = matches!(ty, Type::Int32 | Type::Int64 | Type::Float);
        let bound = |checker: &mut Self, key: &str, number: &Option<serde_norway::Number>| {
            let number = number.as_ref()?;
            let key_path = format!("{path}.{key}");
            if !numeric {
                checker.error(
                    &key_path,
                    format!("`{key}` applies to integers and numbers only"),
                );
                return None;
            }
            let (low, high) = match ty {
                Type::Int32 => (i64::from(i32::MIN), i64::from(i32::MAX)),
                _ => (i64::MIN, i64::MAX),
            };
            match (ty, number.as_i64()) {
                (Type::Float, _) => number.as_f64().map(Bound::Float),
                (_, Some(value)) if (low..=high).contains(&value) => Some(Bound::Int(value)),
                _ => {
                    let format = if *ty == Type::Int32 { "int32" } else { "int64" };
                    checker.error(
                        &key_path,
                        format!("{key} {number} does not fit type integer ({format})"),
                    );
                    None
                }
            }
        };
        let minimum = bound(self, "minimum", &spec.minimum);
        let maximum = bound(self, "maximum", &spec.maximum);
        if let (Some(min), Some(max)) = (minimum, maximum) {
            if bound_value(min) > bound_value(max) {
                self.error(
                    &format!("{path}.minimum"),
                    format!(
                        "minimum {} is greater than maximum {}",
                        bound_value(min),
                        bound_value(max)
                    ),
                );
            }
        }
        for (key, value, applies) in [
            ("min_length", spec.min_length, *ty == Type::String),
            ("max_length", spec.max_length, *ty == Type::String),
            ("min_items", spec.min_items, matches!(ty, Type::Array(_))),
            ("max_items", spec.max_items, matches!(ty, Type::Array(_))),
        ] {
            if value.is_some() && !applies {
                let what = if key.ends_with("length") {
                    "strings"
                } else {
                    "arrays"
                };
                self.error(
                    &format!("{path}.{key}"),
                    format!("`{key}` applies to {what} only"),
                );
            }
        }
        for (low_key, low, high) in [
            ("min_length", spec.min_length, spec.max_length),
            ("min_items", spec.min_items, spec.max_items),
        ] {
            if let (Some(low), Some(high)) = (low, high) {
                if low > high {
                    self.error(
                        &format!("{path}.{low_key}"),
                        format!("{low_key} {low} is greater than the maximum {high}"),
                    );
                }
            }
        }
        let mut enum_values = Vec::new();
        if let Some(values) = &spec.enum_values {
            let mut seen = HashSet::new();
            for (index, value) in values.iter().enumerate() {
                let value_path = format!("{path}.enum[{index}]");
                if let Some(text) = self.sample(&value_path, Some(value), ty) {
                    if !seen.insert(text.clone()) {
                        self.error(&value_path, format!("enum value `{text}` is listed twice"));
                    }
                    enum_values.push(text);
                }
            }
        }
        Constraints {
            minimum,
            maximum,
            min_length: spec.min_length,
            max_length: spec.max_length,
            min_items: spec.min_items,
            max_items: spec.max_items,
            enum_values,
        }
    }

    /// `values`: on a scalar, or on the innermost `items` of an array of
    /// scalars; each value of the scalar's type, once, with one line of
    /// meaning, and one of the `enum` values when there are any.
    fn known_values(
        &mut self,
        path: &str,
        spec: &FieldSpec,
        constraints: &Constraints,
    ) -> Vec<KnownValue> {
        let mut inner = spec;
        let mut inner_path = path.to_string();
        while let Some(items) = inner.items.as_deref() {
            if inner.values.is_some() {
                self.error(
                    &format!("{inner_path}.values"),
                    "the values of an array's items go on its `items`",
                );
            }
            inner = items;
            inner_path.push_str(".items");
        }
        let Some(values) = &inner.values else {
            return Vec::new();
        };
        let scalar = match (inner.ty.as_str(), inner.format.as_deref()) {
            ("string", _) => Type::String,
            ("integer", Some("int64")) => Type::Int64,
            ("integer", _) => Type::Int32,
            ("number", _) => Type::Float,
            ("boolean", _) => Type::Boolean,
            _ => {
                self.error(
                    &format!("{inner_path}.values"),
                    "`values` applies to scalars and arrays of scalars only",
                );
                return Vec::new();
            }
        };
        let mut seen = HashSet::new();
        let mut out = Vec::new();
        for (index, known) in values.iter().enumerate() {
            let value_path = format!("{inner_path}.values[{index}]");
            let Some(text) =
                self.sample(&format!("{value_path}.value"), Some(&known.value), &scalar)
            else {
                continue;
            };
            if !seen.insert(text.clone()) {
                self.error(
                    &format!("{value_path}.value"),
                    format!("value `{text}` is listed twice"),
                );
            }
            // Enums are bounds on fields, and only of the field itself.
            if inner_path == path
                && !constraints.enum_values.is_empty()
                && !constraints.enum_values.contains(&text)
            {
                self.error(
                    &format!("{value_path}.value"),
                    format!("value `{text}` is not one of the enum values"),
                );
            }
            let description = known.description.trim();
            if description.is_empty() || description.contains('\n') {
                self.error(
                    &format!("{value_path}.description"),
                    format!("value `{text}` needs one line saying what it means"),
                );
            }
            out.push(KnownValue {
                value: text,
                description: description.to_string(),
            });
        }
        out
    }

    /// An example, default or enum value: must be a scalar of the field's
    /// type (a string is accepted when it parses as that type, since the
    /// service's own metadata writes every example as a string). Returns
    /// the wire form.
    fn sample(&mut self, path: &str, value: Option<&Value>, ty: &Type) -> Option<String> {
        let value = value?;
        let text = match value {
            Value::String(s) => s.clone(),
            Value::Number(n) => n.to_string(),
            Value::Bool(b) => b.to_string(),
            // Structured examples (arrays, objects) document shape only.
            Value::Sequence(_) | Value::Mapping(_)
                if matches!(ty, Type::Array(_) | Type::Object(_)) =>
            {
                return serde_json::to_string(value).ok();
            }
            _ => {
                self.error(path, "must be a scalar value");
                return None;
            }
        };
        let fits = match ty {
            Type::String => true,
            Type::Int32 => text.parse::<i32>().is_ok(),
            Type::Int64 => text.parse::<i64>().is_ok(),
            Type::Float => text.parse::<f64>().is_ok(),
            Type::Boolean => matches!(text.as_str(), "true" | "false"),
            Type::Array(_) | Type::Object(_) => true,
        };
        if !fits {
            self.error(path, format!("`{text}` is not a valid {}", type_word(ty)));
            return None;
        }
        Some(text)
    }

    fn check_sample_bounds(&mut self, path: &str, text: &str, ty: &Type, c: &Constraints) {
        if let (Type::Int32 | Type::Int64 | Type::Float, Ok(value)) = (ty, text.parse::<f64>()) {
            let below = c.minimum.is_some_and(|m| value < bound_value(m));
            let above = c.maximum.is_some_and(|m| value > bound_value(m));
            if below || above {
                self.error(path, format!("`{text}` is outside the field's bounds"));
            }
        }
        if !c.enum_values.is_empty() && !c.enum_values.iter().any(|v| v == text) {
            self.error(path, format!("`{text}` is not one of the enum values"));
        }
    }
}
