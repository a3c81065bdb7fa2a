//! What generated operation code builds on: the [`Operation`] trait,
//! parameter encoding in the protocol's styles, and limit checks.

use crate::error::{InvalidRequest, ServiceError};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use std::borrow::Cow;

#[cfg(feature = "serde-requests")]
mod by_name;
#[cfg(feature = "serde-requests")]
pub(crate) use by_name::unknown_call;
#[cfg(feature = "serde-requests")]
pub use by_name::{call_json, CheckedRequest};

/// HTTP method an operation is sent with. The method does not move
/// parameters: each travels where its spec places it (query, form body or
/// JSON body), as the official SDKs send them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
        }
    }
}

/// How a structured parameter goes on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// `Name.1=a`, `Name.1.Field=b` (indexes from 1).
    RepeatList,
    /// `Name.Field=value`.
    Flat,
    /// One JSON-encoded value.
    Json,
}

/// Facts about an operation that the runtime needs to send it.
#[derive(Debug, Clone, Copy)]
pub struct OperationInfo {
    pub action: &'static str,
    /// The API version the operation belongs to, sent as `Version`.
    pub version: &'static str,
    pub method: Method,
    /// Read or list access level: safe to retry after a timeout.
    pub read_only: bool,
    pub idempotent: bool,
    /// Error codes the spec marks as transient.
    pub retryable_codes: &'static [&'static str],
}

/// A request of one operation, sendable with
/// [`Client::execute`](crate::Client::execute). Implemented by the
/// generated `*Request` types only.
pub trait Operation: Send + Sync {
    /// The success answer.
    type Output: DeserializeOwned + Send;
    /// The documented service errors.
    type Error: OperationError;
    const INFO: OperationInfo;
    /// Adds the operation's parameters (not the common ones).
    fn encode(&self, params: &mut Params);
}

/// Implemented by the generated error enums.
pub trait OperationError: From<ServiceError> + std::error::Error + Send + Sync + 'static {
    fn details(&self) -> &ServiceError;
}

/// Request parameters as wire `(name, value)` pairs: those of the URL
/// query, and apart from them those of a form body and of a JSON body, for
/// the parameters the spec places there.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Params {
    /// Names known when the code was written are borrowed, not copied.
    pairs: Vec<(Cow<'static, str>, String)>,
    /// `in: formData` parameters, encoded the same way.
    form: Option<Box<Params>>,
    /// `in: body` parameters, as JSON.
    body: Option<serde_json::Map<String, Value>>,
}

/// A scalar parameter value.
pub trait ParamValue {
    fn to_param(&self) -> String;
}

impl ParamValue for String {
    fn to_param(&self) -> String {
        self.clone()
    }
}

impl ParamValue for str {
    fn to_param(&self) -> String {
        self.to_string()
    }
}

macro_rules! display_param {
    ($($ty:ty),*) => {$(
        impl ParamValue for $ty {
            fn to_param(&self) -> String {
                self.to_string()
            }
        }
    )*};
}
display_param!(i32, i64, bool);

/// Numbers are written as JSON writes them, at the top level and inside
/// lists and objects alike: a whole-valued float keeps its `.0` (`3.0`), as
/// the official SDKs write it.
impl ParamValue for f64 {
    fn to_param(&self) -> String {
        match serde_json::Number::from_f64(*self) {
            Some(number) => number.to_string(),
            None => self.to_string(),
        }
    }
}

impl Params {
    pub fn new() -> Self {
        Params::default()
    }

    pub fn put<V: ParamValue + ?Sized>(&mut self, name: &str, value: &V) {
        self.pairs
            .push((Cow::Owned(name.to_string()), value.to_param()));
    }

    /// [`put`](Self::put) for a name fixed in the code, which is kept
    /// without a copy.
    pub fn put_static<V: ParamValue + ?Sized>(&mut self, name: &'static str, value: &V) {
        self.pairs.push((Cow::Borrowed(name), value.to_param()));
    }

    /// Adds an array or object parameter in `style`.
    pub fn put_structured<V: Serialize + ?Sized>(&mut self, name: &str, style: Style, value: &V) {
        // Serializing to a JSON value first keeps the flattening below
        // non-generic: one copy for every parameter type.
        match serde_json::to_value(value) {
            Ok(value) => self.put_value(name, style, &value),
            Err(error) => unreachable!("request types always serialize: {error}"),
        }
    }

    fn put_value(&mut self, name: &str, style: Style, value: &Value) {
        match style {
            Style::Json => self
                .pairs
                .push((Cow::Owned(name.to_string()), value.to_string())),
            Style::RepeatList | Style::Flat => self.flatten(name.to_string(), value),
        }
    }

    /// `Name.1.Field=…` for arrays (from 1), `Name.Field=…` for objects.
    fn flatten(&mut self, prefix: String, value: &Value) {
        match value {
            Value::Null => {}
            Value::Array(items) => {
                for (index, item) in items.iter().enumerate() {
                    self.flatten(format!("{prefix}.{}", index + 1), item);
                }
            }
            Value::Object(fields) => {
                for (key, item) in fields {
                    self.flatten(format!("{prefix}.{key}"), item);
                }
            }
            Value::String(text) => self.pairs.push((Cow::Owned(prefix), text.clone())),
            other => self.pairs.push((Cow::Owned(prefix), other.to_string())),
        }
    }

    /// The form body's parameters, to add `in: formData` ones to.
    pub fn form(&mut self) -> &mut Params {
        self.form.get_or_insert_with(Default::default)
    }

    /// The `in: formData` parameters, if any were added.
    pub fn form_params(&self) -> Option<&Params> {
        self.form.as_deref().filter(|form| !form.is_empty())
    }

    /// Adds an `in: body` parameter to the JSON body.
    pub fn put_body<V: Serialize + ?Sized>(&mut self, name: &str, value: &V) {
        match serde_json::to_value(value) {
            Ok(value) => {
                self.body
                    .get_or_insert_with(Default::default)
                    .insert(name.to_string(), value);
            }
            Err(error) => unreachable!("request types always serialize: {error}"),
        }
    }

    /// The JSON body of the `in: body` parameters, if any were added.
    pub fn body(&self) -> Option<&serde_json::Map<String, Value>> {
        self.body.as_ref()
    }

    /// The query's parameters (not those of a body).
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.pairs.iter().map(|(n, v)| (n.as_ref(), v.as_str()))
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.iter().find(|(n, _)| *n == name).map(|(_, v)| v)
    }

    pub fn len(&self) -> usize {
        self.pairs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }
}

/// Where a parameter stands: `ClusterId`, `User.2.Name`. Built on the stack
/// while checking nested values and rendered only when a check fails.
#[derive(Debug, Clone, Copy)]
pub enum ParamPath<'a> {
    /// A top-level parameter.
    Name(&'static str),
    /// A field of a nested value.
    Field(&'a ParamPath<'a>, &'static str),
    /// An item of a list, counted from 1 as on the wire.
    Item(&'a ParamPath<'a>, usize),
}

impl std::fmt::Display for ParamPath<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ParamPath::Name(name) => f.write_str(name),
            ParamPath::Field(parent, name) => write!(f, "{parent}.{name}"),
            ParamPath::Item(parent, index) => write!(f, "{parent}.{index}"),
        }
    }
}

/// Checks run by generated builders before anything is sent.
pub mod check {
    use super::*;

    fn invalid(
        operation: &'static str,
        parameter: &ParamPath<'_>,
        reason: String,
    ) -> InvalidRequest {
        let mut error = InvalidRequest::new(&parameter.to_string(), reason);
        error.operation = operation;
        error
    }

    pub fn required<T>(
        operation: &'static str,
        parameter: &ParamPath<'_>,
        value: Option<T>,
    ) -> Result<T, InvalidRequest> {
        value.ok_or_else(|| invalid(operation, parameter, "is required but was not set".into()))
    }

    /// A required field of a nested parameter value is set.
    pub fn present<T>(
        operation: &'static str,
        parameter: &ParamPath<'_>,
        value: &Option<T>,
    ) -> Result<(), InvalidRequest> {
        match value {
            Some(_) => Ok(()),
            None => Err(invalid(
                operation,
                parameter,
                "is required but was not set".into(),
            )),
        }
    }

    pub fn required_list<T>(
        operation: &'static str,
        parameter: &ParamPath<'_>,
        value: &[T],
    ) -> Result<(), InvalidRequest> {
        if value.is_empty() {
            return Err(invalid(
                operation,
                parameter,
                "is required but no item was set".into(),
            ));
        }
        Ok(())
    }

    pub fn int_range(
        operation: &'static str,
        parameter: &ParamPath<'_>,
        value: i64,
        min: Option<i64>,
        max: Option<i64>,
    ) -> Result<(), InvalidRequest> {
        if min.is_some_and(|min| value < min) || max.is_some_and(|max| value > max) {
            return Err(invalid(operation, parameter, range_text(value, min, max)));
        }
        Ok(())
    }

    pub fn float_range(
        operation: &'static str,
        parameter: &ParamPath<'_>,
        value: f64,
        min: Option<f64>,
        max: Option<f64>,
    ) -> Result<(), InvalidRequest> {
        if value.is_nan()
            || min.is_some_and(|min| value < min)
            || max.is_some_and(|max| value > max)
        {
            return Err(invalid(operation, parameter, range_text(value, min, max)));
        }
        Ok(())
    }

    fn range_text<T: std::fmt::Display>(value: T, min: Option<T>, max: Option<T>) -> String {
        match (min, max) {
            (Some(min), Some(max)) => format!("is {value}, outside {min}..={max}"),
            (Some(min), None) => format!("is {value}, below the minimum {min}"),
            (None, Some(max)) => format!("is {value}, above the maximum {max}"),
            (None, None) => format!("is {value}"),
        }
    }

    pub fn length(
        operation: &'static str,
        parameter: &ParamPath<'_>,
        value: &str,
        min: Option<u64>,
        max: Option<u64>,
    ) -> Result<(), InvalidRequest> {
        let length = value.chars().count() as u64;
        if min.is_some_and(|min| length < min) || max.is_some_and(|max| length > max) {
            return Err(invalid(
                operation,
                parameter,
                format!("has {length} characters, {}", limits_text(min, max)),
            ));
        }
        Ok(())
    }

    pub fn items(
        operation: &'static str,
        parameter: &ParamPath<'_>,
        count: usize,
        min: Option<u64>,
        max: Option<u64>,
    ) -> Result<(), InvalidRequest> {
        let count = count as u64;
        if min.is_some_and(|min| count < min) || max.is_some_and(|max| count > max) {
            return Err(invalid(
                operation,
                parameter,
                format!("has {count} items, {}", limits_text(min, max)),
            ));
        }
        Ok(())
    }

    fn limits_text(min: Option<u64>, max: Option<u64>) -> String {
        match (min, max) {
            (Some(min), Some(max)) => format!("expected {min} to {max}"),
            (Some(min), None) => format!("expected at least {min}"),
            (None, Some(max)) => format!("expected at most {max}"),
            (None, None) => String::new(),
        }
    }

    pub fn one_of(
        operation: &'static str,
        parameter: &ParamPath<'_>,
        value: &str,
        allowed: &[&str],
    ) -> Result<(), InvalidRequest> {
        if !allowed.contains(&value) {
            return Err(invalid(
                operation,
                parameter,
                format!("is `{value}`, expected one of {}", allowed.join(", ")),
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn styles_flatten_as_the_protocol_says() {
        let mut params = Params::new();
        params.put_structured(
            "Instance",
            Style::RepeatList,
            &json!([{"Id": "i-1", "Tags": ["a", "b"]}, {"Id": "i-2"}]),
        );
        params.put_structured("EcsOrder", Style::Flat, &json!({"Manager": {"Count": 2}}));
        params.put_structured("Spec", Style::Json, &json!({"A": [1, true]}));
        let pairs: Vec<(&str, &str)> = params.iter().collect();
        assert_eq!(
            pairs,
            vec![
                ("Instance.1.Id", "i-1"),
                ("Instance.1.Tags.1", "a"),
                ("Instance.1.Tags.2", "b"),
                ("Instance.2.Id", "i-2"),
                ("EcsOrder.Manager.Count", "2"),
                ("Spec", r#"{"A":[1,true]}"#),
            ]
        );
    }

    #[test]
    fn static_and_copied_names_make_the_same_parameters() {
        let name = String::from("Port");
        let mut copied = Params::new();
        copied.put(&name, &12016);
        let mut borrowed = Params::new();
        borrowed.put_static("Port", &12016);
        assert_eq!(copied, borrowed);
        assert_eq!(borrowed.get("Port"), Some("12016"));
    }

    #[test]
    fn checks_name_the_parameter() {
        let error =
            check::int_range("Op", &ParamPath::Name("Port"), 70000, None, Some(65535)).unwrap_err();
        assert_eq!(error.parameter, "Port");
        assert_eq!(
            error.to_string(),
            "Op: invalid request, nothing was sent: parameter `Port` is 70000, above the maximum 65535"
        );
        assert!(check::one_of("Op", &ParamPath::Name("Mode"), "b", &["a"]).is_err());
        assert!(check::length("Op", &ParamPath::Name("Name"), "abc", Some(1), Some(3)).is_ok());
        assert!(check::items("Op", &ParamPath::Name("Ids"), 0, Some(1), None).is_err());
    }
}
