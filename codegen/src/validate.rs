//! Stage two: the spec model to the validated model. Every semantic rule of
//! `specs/README.md` is checked here and every problem is collected, so one
//! run reports them all.

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::model::*;
use crate::naming;
use crate::parse::Parsed;
use crate::spec::{ErrorSpec, FieldSpec, OperationSpec, ServiceSpec};
use serde_yaml::Value;
use std::collections::{BTreeMap, HashSet};
use std::path::Path;

/// Validates the service file and every operation file together.
pub fn validate(
    service: &Parsed<ServiceSpec>,
    operations: &[Parsed<OperationSpec>],
) -> Result<Api, Diagnostics> {
    let mut diagnostics = Diagnostics::default();
    let service_model = {
        let mut checker = Checker::new(service);
        let model = checker.service(&service.spec);
        diagnostics.0.extend(checker.diagnostics);
        model
    };
    let mut models = Vec::new();
    let mut seen: BTreeMap<String, &Path> = BTreeMap::new();
    for parsed in operations {
        let mut checker = Checker::new(parsed);
        let model = checker.operation(&parsed.spec);
        if let Some(first) = seen.insert(parsed.spec.name.clone(), &parsed.file) {
            checker.error(
                "name",
                format!(
                    "operation `{}` is already defined in {}",
                    parsed.spec.name,
                    first.display()
                ),
            );
        }
        diagnostics.0.extend(checker.diagnostics);
        models.push(model);
    }
    if diagnostics.is_empty() {
        let mut operations: Vec<Operation> = models.into_iter().flatten().collect();
        operations.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(Api {
            service: service_model.expect("a service with no diagnostics has a model"),
            operations,
        })
    } else {
        Err(diagnostics)
    }
}

struct Checker<'a, T> {
    parsed: &'a Parsed<T>,
    diagnostics: Vec<Diagnostic>,
    /// Wire names from the operation down to the field being checked
    /// (`"[]"` for array items), for the docs of nested types.
    wire_trail: Vec<String>,
}

/// Where a field stands decides which keys it may carry.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Place {
    Parameter,
    RequestNested,
    Response,
}

impl<'a, T> Checker<'a, T> {
    fn new(parsed: &'a Parsed<T>) -> Self {
        Checker {
            parsed,
            diagnostics: Vec::new(),
            wire_trail: Vec::new(),
        }
    }

    fn error(&mut self, path: &str, message: impl Into<String>) {
        let mut diagnostic = Diagnostic::new(&self.parsed.file, path, message);
        diagnostic.location = self.parsed.locations.find(path);
        self.diagnostics.push(diagnostic);
    }

    fn service(&mut self, spec: &ServiceSpec) -> Option<Service> {
        let start = self.diagnostics.len();
        if !is_upper_camel(&spec.product) && !spec.product.chars().all(|c| c.is_ascii_uppercase()) {
            self.error(
                "product",
                format!("product code `{}` must be letters", spec.product),
            );
        }
        if !is_api_version(&spec.version) {
            self.error(
                "version",
                format!("version `{}` must be a date, YYYY-MM-DD", spec.version),
            );
        }
        if spec.style != "RPC" {
            self.error(
                "style",
                format!("style `{}` is not supported; only `RPC` is", spec.style),
            );
        }
        for (key, rule) in [
            ("endpoints.rule", &spec.endpoints.rule),
            ("endpoints.vpc_rule", &spec.endpoints.vpc_rule),
        ] {
            if !rule.contains("{region}") || !is_host(&rule.replace("{region}", "region")) {
                self.error(
                    key,
                    format!("`{rule}` must be a host name containing `{{region}}`"),
                );
            }
        }
        let mut regions = HashSet::new();
        for (index, entry) in spec.endpoints.regional.iter().enumerate() {
            let path = format!("endpoints.regional[{index}]");
            if !is_region(&entry.region) {
                self.error(
                    &format!("{path}.region"),
                    format!("`{}` is not a region id", entry.region),
                );
            }
            if !regions.insert(entry.region.as_str()) {
                self.error(
                    &format!("{path}.region"),
                    format!("region `{}` is listed twice", entry.region),
                );
            }
            if !is_host(&entry.endpoint) {
                self.error(
                    &format!("{path}.endpoint"),
                    format!("`{}` is not a host name", entry.endpoint),
                );
            }
        }
        if self.diagnostics.len() > start {
            return None;
        }
        let mut regional: Vec<(String, String)> = spec
            .endpoints
            .regional
            .iter()
            .map(|e| (e.region.clone(), e.endpoint.clone()))
            .collect();
        regional.sort();
        Some(Service {
            product: spec.product.clone(),
            version: spec.version.clone(),
            endpoint_rule: spec.endpoints.rule.clone(),
            vpc_rule: spec.endpoints.vpc_rule.clone(),
            regional,
        })
    }

    fn operation(&mut self, spec: &OperationSpec) -> Option<Operation> {
        let start = self.diagnostics.len();
        if !is_upper_camel(&spec.name) {
            self.error(
                "name",
                format!(
                    "`{}` is not a valid operation name: use UpperCamelCase letters and digits",
                    spec.name
                ),
            );
        }
        let stem = self
            .parsed
            .file
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_string();
        if stem != spec.name {
            self.error(
                "name",
                format!(
                    "operation `{}` must live in a file named `{}.yaml`",
                    spec.name, spec.name
                ),
            );
        }
        if spec.summary.trim().is_empty() {
            self.error("summary", "summary is empty: say what the operation does");
        }
        let methods = self.methods(&spec.methods);
        let access_level = match spec.ram.access_level.as_str() {
            "read" => Some(AccessLevel::Read),
            "write" => Some(AccessLevel::Write),
            "list" => Some(AccessLevel::List),
            other => {
                self.error(
                    "ram.access_level",
                    format!("unknown access level `{other}`: expected read, write or list"),
                );
                None
            }
        };
        if !is_ram_action(&spec.ram.action) {
            self.error(
                "ram.action",
                format!(
                    "`{}` is not a RAM action: expected `product:Action`",
                    spec.ram.action
                ),
            );
        }
        if let Some(reference) = &spec.reference {
            if !reference.starts_with("https://") {
                self.error(
                    "reference",
                    format!("`{reference}` must be an https:// link"),
                );
            }
        }

        // Request and response types share the operation's module.
        let mut request_types = TypeNames::reserving(operation_type_names(&spec.name));
        let parameters = self.fields(
            "parameters",
            &spec.parameters,
            Place::Parameter,
            &mut request_types,
        );
        let mut response_types = TypeNames::reserving(
            operation_type_names(&spec.name)
                .chain(request_types.types.iter().map(|t| t.name.clone())),
        );
        let response = self.fields(
            "response",
            &spec.response,
            Place::Response,
            &mut response_types,
        );
        if let Some(index) = spec
            .response
            .iter()
            .position(|f| f.name.as_deref() == Some("RequestId"))
        {
            if spec.response[index].ty != "string" {
                self.error(
                    &format!("response[{index}].type"),
                    "`RequestId` must be a string",
                );
            }
        }
        let errors = self.errors(&spec.errors);
        if spec
            .response_example
            .as_ref()
            .is_some_and(|example| !example.is_mapping())
        {
            self.error(
                "response_example",
                "must be a mapping: the example of a whole success body",
            );
        }

        if self.diagnostics.len() > start {
            return None;
        }
        Some(Operation {
            source: self.parsed.file.clone(),
            name: spec.name.clone(),
            snake: naming::snake(&spec.name),
            summary: spec.summary.trim().to_string(),
            description: spec.description.clone(),
            methods,
            ram_action: spec.ram.action.clone(),
            access_level: access_level?,
            idempotent: spec.idempotent,
            deprecated: spec.deprecated,
            reference: spec.reference.clone(),
            parameters,
            response,
            request_types: request_types.types,
            response_types: response_types.types,
            errors,
        })
    }

    fn methods(&mut self, methods: &[String]) -> Vec<HttpMethod> {
        if methods.is_empty() {
            self.error("methods", "list at least one HTTP method (GET or POST)");
        }
        let mut out = Vec::new();
        for (index, method) in methods.iter().enumerate() {
            let parsed = match method.as_str() {
                "GET" => HttpMethod::Get,
                "POST" => HttpMethod::Post,
                other => {
                    self.error(
                        &format!("methods[{index}]"),
                        format!("unsupported HTTP method `{other}`: expected GET or POST"),
                    );
                    continue;
                }
            };
            if out.contains(&parsed) {
                self.error(
                    &format!("methods[{index}]"),
                    format!("method `{method}` is listed twice"),
                );
            }
            out.push(parsed);
        }
        out
    }

    fn fields(
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
            let base = naming::field(name);
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
            description: spec.description.clone(),
            example,
            default,
            constraints,
            wrapper: spec.wrapper.clone(),
            deprecated: spec.deprecated,
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
                let item = self.shape(&items_path, &item_name, items, nested, types);
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
                    spec.description.clone(),
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
        let bound = |checker: &mut Self, key: &str, number: &Option<serde_yaml::Number>| {
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

    fn errors(&mut self, specs: &[ErrorSpec]) -> Vec<ErrorCase> {
        let mut codes = HashSet::new();
        let mut variants = HashSet::new();
        let mut out = Vec::new();
        for (index, spec) in specs.iter().enumerate() {
            let path = format!("errors[{index}]");
            if !(400..=599).contains(&spec.status) {
                self.error(
                    &format!("{path}.status"),
                    format!(
                        "status {} is not an HTTP error status (400-599)",
                        spec.status
                    ),
                );
            }
            if !is_error_code(&spec.code) {
                self.error(
                    &format!("{path}.code"),
                    format!("`{}` is not a valid error code", spec.code),
                );
                continue;
            }
            if !codes.insert(spec.code.clone()) {
                self.error(
                    &format!("{path}.code"),
                    format!("duplicate error code `{}`", spec.code),
                );
                continue;
            }
            let variant = naming::variant(&spec.code);
            if variant == "Unhandled" || !variants.insert(variant.clone()) {
                self.error(
                    &format!("{path}.code"),
                    format!(
                        "error code `{}` becomes the variant `{variant}`, which is already taken",
                        spec.code
                    ),
                );
                continue;
            }
            if spec.message.trim().is_empty() {
                self.error(&format!("{path}.message"), "message is empty");
            }
            out.push(ErrorCase {
                status: spec.status,
                code: spec.code.clone(),
                snake: naming::snake(&variant),
                variant,
                message: spec.message.clone(),
                description: spec.description.clone(),
                retryable: spec.retryable,
            });
        }
        out
    }
}

/// `["Clusters", "[]", "Nodes"]` → `Clusters[].Nodes`.
fn wire_origin(trail: &[String]) -> String {
    let mut origin = String::new();
    for part in trail {
        if part != "[]" && !origin.is_empty() {
            origin.push('.');
        }
        origin.push_str(part);
    }
    origin
}

fn bound_value(bound: Bound) -> f64 {
    match bound {
        Bound::Int(v) => v as f64,
        Bound::Float(v) => v,
    }
}

fn type_word(ty: &Type) -> &'static str {
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
struct TypeNames {
    types: Vec<StructType>,
    /// Names already defined in the same module.
    reserved: Vec<String>,
}

/// The types generated for every operation, and the prelude names the
/// generated code uses unqualified, which nested types must not shadow.
fn operation_type_names(operation: &str) -> impl Iterator<Item = String> + '_ {
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
    fn reserving(names: impl IntoIterator<Item = String>) -> Self {
        TypeNames {
            types: Vec::new(),
            reserved: names.into_iter().collect(),
        }
    }

    fn register(
        &mut self,
        name: String,
        origin: &str,
        description: Option<String>,
        fields: Vec<Field>,
    ) -> String {
        if let Some(existing) = self.types.iter().find(|t| t.name == name) {
            if existing.fields == fields {
                return name;
            }
        }
        let mut candidate = name.clone();
        let mut counter = 2;
        while self.types.iter().any(|t| t.name == candidate) || self.reserved.contains(&candidate) {
            candidate = format!("{name}{counter}");
            counter += 1;
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

fn is_upper_camel(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_uppercase())
        && chars.all(|c| c.is_ascii_alphanumeric())
}

fn is_wire_name(name: &str) -> bool {
    !name.is_empty()
        && name.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
        && !name.ends_with('.')
        && !name.contains("..")
}

fn is_error_code(code: &str) -> bool {
    code.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && code
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

fn is_ram_action(action: &str) -> bool {
    match action.split_once(':') {
        Some((product, name)) => {
            !product.is_empty()
                && product.chars().all(|c| c.is_ascii_lowercase())
                && is_upper_camel(name)
        }
        None => false,
    }
}

fn is_api_version(version: &str) -> bool {
    let bytes = version.as_bytes();
    bytes.len() == 10
        && bytes.iter().enumerate().all(|(i, b)| match i {
            4 | 7 => *b == b'-',
            _ => b.is_ascii_digit(),
        })
}

fn is_region(region: &str) -> bool {
    !region.is_empty()
        && region
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

fn is_host(host: &str) -> bool {
    !host.is_empty()
        && host.split('.').all(|label| {
            !label.is_empty() && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
}
