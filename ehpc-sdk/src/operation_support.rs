//! What generated operation code builds on: the [`Operation`] trait,
//! parameter encoding in the protocol's styles, and limit checks.

use crate::error::InvalidRequest;
pub use crate::error::OperationError;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use std::borrow::Cow;

#[cfg(feature = "serde-requests")]
mod by_name;
#[cfg(feature = "serde-requests")]
pub(crate) use by_name::find_api;
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
    /// The product whose endpoint the request goes to (`EHPC`).
    pub product: &'static str,
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
    /// Adds the operation's parameters (not the common ones); text
    /// values are borrowed from `self`.
    fn encode<'a>(&'a self, params: &mut Params<'a>);
}

mod text;
pub use text::ParamText;

/// Request parameters as wire `(name, value)` pairs: those of the URL
/// query, and apart from them those of a form body and of a JSON body, for
/// the parameters the spec places there. `Debug` redacts the values of
/// secret parameters (see [`crate::redact`]).
///
/// Values borrow from the request they were encoded from (`'a`) where they
/// are text already; numbers and booleans are written inline, so encoding
/// a request allocates only for structured values.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Params<'a> {
    /// Names known when the code was written are borrowed, not copied.
    pairs: Vec<(Cow<'static, str>, ParamText<'a>)>,
    /// `in: formData` parameters, encoded the same way.
    form: Option<Box<Params<'a>>>,
    /// `in: body` parameters, as JSON.
    body: Option<serde_json::Map<String, Value>>,
}

impl std::fmt::Debug for Params<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut debug = f.debug_struct("Params");
        let pairs = self.pairs.iter().map(|(n, v)| (n.as_ref(), v.as_str()));
        debug.field("pairs", &crate::redact::RedactedPairs(pairs));
        if let Some(form) = &self.form {
            debug.field("form", form);
        }
        if let Some(body) = &self.body {
            let mut body = body.clone();
            crate::redact::redact_json_map(&mut body);
            debug.field("body", &body);
        }
        debug.finish()
    }
}

/// A scalar parameter value.
pub trait ParamValue {
    fn to_param(&self) -> String;

    /// The wire text, borrowed from `self` where it can be. The default
    /// copies [`to_param`](Self::to_param).
    fn param_text(&self) -> ParamText<'_> {
        ParamText::owned(self.to_param())
    }
}

impl ParamValue for String {
    fn to_param(&self) -> String {
        self.clone()
    }

    fn param_text(&self) -> ParamText<'_> {
        ParamText::borrowed(self)
    }
}

impl ParamValue for str {
    fn to_param(&self) -> String {
        self.to_string()
    }

    fn param_text(&self) -> ParamText<'_> {
        ParamText::borrowed(self)
    }
}

macro_rules! integer_param {
    ($($ty:ty),*) => {$(
        impl ParamValue for $ty {
            fn to_param(&self) -> String {
                self.to_string()
            }

            fn param_text(&self) -> ParamText<'_> {
                ParamText::integer(i64::from(*self))
            }
        }
    )*};
}
integer_param!(i32, i64);

impl ParamValue for bool {
    fn to_param(&self) -> String {
        self.to_string()
    }

    fn param_text(&self) -> ParamText<'_> {
        ParamText::borrowed(if *self { "true" } else { "false" })
    }
}

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

impl<'a> Params<'a> {
    pub fn new() -> Self {
        Params::default()
    }

    /// Room for `additional` more parameters, so adding them does not
    /// regrow the list.
    pub fn reserve(&mut self, additional: usize) {
        self.pairs.reserve(additional);
    }

    pub fn put<V: ParamValue + ?Sized>(&mut self, name: &str, value: &V) {
        self.pairs.push((
            Cow::Owned(name.to_string()),
            ParamText::owned(value.to_param()),
        ));
    }

    /// [`put`](Self::put) for a name fixed in the code, which is kept
    /// without a copy, and a value that outlives the parameters, which is
    /// borrowed where it is text.
    pub fn put_static<V: ParamValue + ?Sized>(&mut self, name: &'static str, value: &'a V) {
        self.pairs.push((Cow::Borrowed(name), value.param_text()));
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

    /// A [`Style::Json`] parameter written straight from `value`, without
    /// the JSON value [`put_structured`](Self::put_structured) builds. The
    /// text is the same when every object inside `value` serializes its
    /// fields in the order of their names, as a JSON value orders them; the
    /// generator emits this call only for parameters whose types do.
    pub fn put_json<V: Serialize + ?Sized>(&mut self, name: &'static str, value: &V) {
        match serde_json::to_string(value) {
            Ok(text) => self
                .pairs
                .push((Cow::Borrowed(name), ParamText::owned(text))),
            Err(error) => unreachable!("request types always serialize: {error}"),
        }
    }

    fn put_value(&mut self, name: &str, style: Style, value: &Value) {
        match style {
            Style::Json => self.pairs.push((
                Cow::Owned(name.to_string()),
                ParamText::owned(value.to_string()),
            )),
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
            Value::String(text) => self
                .pairs
                .push((Cow::Owned(prefix), ParamText::owned(text.clone()))),
            other => self
                .pairs
                .push((Cow::Owned(prefix), ParamText::owned(other.to_string()))),
        }
    }

    /// The form body's parameters, to add `in: formData` ones to.
    pub fn form(&mut self) -> &mut Params<'a> {
        self.form.get_or_insert_with(Default::default)
    }

    /// The `in: formData` parameters, if any were added.
    pub fn form_params(&self) -> Option<&Params<'a>> {
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
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> + Clone {
        self.pairs.iter().map(|(n, v)| (n.as_ref(), v.as_str()))
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
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

    /// Every type of every JSON-style parameter the generator sends with
    /// `put_json` declares its fields in name order; this pins that the
    /// direct text equals the text through a JSON value for a fully
    /// populated one, floats, lists and nested objects included.
    #[cfg(feature = "v2024-07-30")]
    #[test]
    fn json_written_directly_matches_json_through_a_value() {
        use crate::v2024_07_30::operation::create_nodes::{ComputeNode, DataDisksItem, SystemDisk};
        let disk = DataDisksItem::new()
            .category("cloud_essd")
            .delete_with_instance(true)
            .device("/dev/xvdb")
            .level("PL1")
            .mount_dir("/data \"1\"")
            .size(40)
            .snapshot_id("s-1");
        let node = ComputeNode::new()
            .auto_renew(false)
            .auto_renew_period(1)
            .data_disks(vec![disk.clone(), disk])
            .duration(1)
            .enable_ht(true)
            .image_id("centos_7")
            .instance_charge_type("PostPaid")
            .instance_type("ecs.c7.large")
            .period(1)
            .period_unit("Month")
            .spot_price_limit(3.0)
            .spot_strategy("SpotWithPriceLimit")
            .system_disk(SystemDisk::new().category("cloud_essd").size(40));
        let hostnames = vec!["a".to_string(), "b\u{e9}".to_string()];
        let mut direct = Params::new();
        direct.put_json("ComputeNode", &node);
        direct.put_json("Hostnames", &hostnames);
        let mut through_value = Params::new();
        through_value.put_structured("ComputeNode", Style::Json, &node);
        through_value.put_structured("Hostnames", Style::Json, &hostnames);
        assert_eq!(direct, through_value);
        assert!(direct
            .get("ComputeNode")
            .unwrap()
            .contains(r#""SpotPriceLimit":3.0"#));
    }

    #[test]
    fn borrowed_and_inline_values_read_as_copied_ones() {
        let text = String::from("c 1");
        let mut borrowed = Params::new();
        borrowed.put_static("ClusterId", &text);
        borrowed.put_static("Port", &-12016i64);
        borrowed.put_static("Count", &7i32);
        borrowed.put_static("Async", &true);
        borrowed.put_static("Price", &2.0f64);
        let mut copied = Params::new();
        copied.put("ClusterId", "c 1");
        copied.put("Port", "-12016");
        copied.put("Count", "7");
        copied.put("Async", "true");
        copied.put("Price", "2.0");
        assert_eq!(borrowed, copied);
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
