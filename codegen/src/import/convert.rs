//! One operation of the metadata to a spec: facts only. Prose (titles,
//! summaries, descriptions) is never read; the summary is built from the
//! operation's name and the reference links the official page.

use super::metadata::{MetadataError, Node};
use crate::spec::{ErrorSpec, FieldSpec, OperationSpec, RamSpec};
use heck::ToSnakeCase;
use serde_norway::{Number, Value};

/// Where the official API reference pages live; the version and the
/// operation name are appended.
pub const REFERENCE_BASE: &str = "https://api.aliyun.com/document/";

/// Schema keys that hold prose or documentation-only flags: read past.
const IGNORED_SCHEMA_KEYS: &[&str] = &[
    "description",
    "title",
    "docRequired",
    "enumValueTitles",
    "example",
    "readOnly",
    "deprecated",
];

/// Schema keys the importer turns into spec keys.
const SCHEMA_KEYS: &[&str] = &[
    "type",
    "format",
    "required",
    "default",
    "maximum",
    "minimum",
    "maxLength",
    "minLength",
    "maxItems",
    "minItems",
    "enum",
    "items",
    "properties",
    "$ref",
];

/// Where a schema stands: response objects with a single array member are
/// wrappers, request objects never are.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    Request,
    Response,
}

/// The spec of one operation; `notes` collects what was left out and why.
pub fn operation(
    name: &str,
    product: &str,
    version: &str,
    api: &Node<'_>,
    notes: &mut Vec<String>,
) -> Result<OperationSpec, MetadataError> {
    let methods = methods(&api.require("methods")?)?;
    let https_only = match api.get("schemes")? {
        Some(schemes) => https_only(&schemes)?,
        None => false,
    };
    let access_level = access_level(api)?;
    let deprecated = match api.get("deprecated")? {
        Some(node) => node.bool()?,
        None => false,
    };
    let mut parameters = Vec::new();
    if let Some(list) = api.get("parameters")? {
        for node in list.items()? {
            parameters.push(parameter(&node, notes)?);
        }
    }
    for parameter in &mut parameters {
        super::sensitive::mark(parameter);
    }
    let responses = api.require("responses")?;
    let success = responses.require("200")?;
    let response = match success.get("schema")? {
        Some(schema) => {
            let schema = schema.resolve()?;
            expect_type(&schema, "object")?;
            properties(&schema, Side::Response, notes)?
        }
        None => Vec::new(),
    };
    let errors = match api.get("errorCodes")? {
        Some(node) => errors(&node)?,
        None => Vec::new(),
    };
    let response_example = match api.get("responseDemo")? {
        Some(node) => response_example(&node)?,
        None => None,
    };
    let paginator = super::paging::infer(&parameters, &response);
    let read_only = read_only(access_level, &methods);
    Ok(OperationSpec {
        name: name.to_string(),
        summary: summary(name),
        group: None,
        description: None,
        methods,
        ram: RamSpec {
            // Every product of the E-HPC family authorizes with `ehpc:`
            // actions; the one on disk wins on re-import.
            action: format!("ehpc:{name}"),
            access_level: access_level.to_string(),
        },
        https_only,
        idempotent: false,
        read_only,
        deprecated,
        reference: Some(format!("{REFERENCE_BASE}{product}/{version}/{name}")),
        parameters,
        response,
        errors,
        response_example,
        paginator,
    })
}

/// The JSON example of `responseDemo` (a JSON string holding a list of
/// examples by format).
fn response_example(node: &Node<'_>) -> Result<Option<Value>, MetadataError> {
    let demos: serde_json::Value = serde_json::from_str(node.str()?)
        .map_err(|e| node.error(format!("not a JSON list of examples: {e}")))?;
    let Some(list) = demos.as_array() else {
        return Err(node.error("not a JSON list of examples"));
    };
    let Some(json) = list
        .iter()
        .find(|demo| demo.get("type").and_then(|t| t.as_str()) == Some("json"))
        .and_then(|demo| demo.get("example"))
        .and_then(|example| example.as_str())
        .filter(|example| !example.trim().is_empty())
    else {
        return Ok(None);
    };
    let example: serde_json::Value = serde_json::from_str(json)
        .map_err(|e| node.error(format!("the JSON example is not valid JSON: {e}")))?;
    if !example.is_object() {
        return Err(node.error("the JSON example is not an object"));
    }
    serde_norway::to_value(&example)
        .map(Some)
        .map_err(|e| node.error(format!("cannot carry the JSON example: {e}")))
}

/// `schemes` listing `https` alone.
fn https_only(node: &Node<'_>) -> Result<bool, MetadataError> {
    let mut schemes = Vec::new();
    for item in node.items()? {
        match item.str()? {
            scheme @ ("http" | "https") => schemes.push(scheme),
            other => {
                return Err(item.error(format!(
                    "unsupported scheme `{other}`: expected http or https"
                )))
            }
        }
    }
    if schemes.is_empty() {
        return Err(node.error("no scheme listed"));
    }
    Ok(!schemes.contains(&"http"))
}

/// `get`/`post` in the metadata's order: the first is the one the SDK
/// sends, as in the official SDKs.
fn methods(node: &Node<'_>) -> Result<Vec<String>, MetadataError> {
    let mut out = Vec::new();
    for item in node.items()? {
        let method = match item.str()? {
            "get" | "GET" => "GET",
            "post" | "POST" => "POST",
            other => {
                return Err(item.error(format!(
                    "unsupported HTTP method `{other}`: expected get or post"
                )))
            }
        };
        if !out.iter().any(|m| m == method) {
            out.push(method.to_string());
        }
    }
    if out.is_empty() {
        return Err(node.error("no HTTP method listed"));
    }
    Ok(out)
}

/// `operationType` to the RAM access level: `read` is read, `write` and
/// `readAndWrite` are write (the call may change state, so it is never
/// treated as safe to repeat). A `read` whose `systemTags.operationType`
/// says the call creates, updates or deletes (`StopServerlessJobs`,
/// `SyncUsers`) is write: the two facts disagree and the safe reading wins.
/// When `operationType` is missing, `systemTags.operationType` `get` or
/// `list` means read and anything else write.
fn access_level(api: &Node<'_>) -> Result<&'static str, MetadataError> {
    let tag = match api.get("systemTags")? {
        Some(tags) => match tags.get("operationType")? {
            Some(node) => Some(node.str()?),
            None => None,
        },
        None => None,
    };
    let tag_reads = matches!(tag, None | Some("get" | "list"));
    if let Some(node) = api.get("operationType")? {
        return match node.str()? {
            "read" if tag_reads => Ok("read"),
            "read" | "write" | "readAndWrite" => Ok("write"),
            other => Err(node.error(format!(
                "unknown operationType `{other}`: expected read, write or readAndWrite"
            ))),
        };
    }
    Ok(if tag.is_some() && tag_reads {
        "read"
    } else {
        "write"
    })
}

/// Read-only (retried after a timeout once sent) when the metadata says
/// it reads and the SDK sends it as GET. A read the SDK sends as POST (it
/// does whenever the service accepts POST) is not: the method does not
/// promise it, so only a spec key set by hand can.
pub(super) fn read_only(access_level: &str, methods: &[String]) -> bool {
    access_level == "read" && !methods.iter().any(|m| m == "POST")
}

fn parameter(node: &Node<'_>, notes: &mut Vec<String>) -> Result<FieldSpec, MetadataError> {
    let name = node.require("name")?;
    let name = name.str()?;
    let placement = match node.get("in")? {
        Some(location) => match location.str()? {
            text @ ("query" | "formData" | "body") => text,
            other => {
                return Err(location.error(format!(
                "parameter location `{other}` is not supported: expected query, formData or body"
            )))
            }
        },
        None => "query",
    };
    let schema = node.require("schema")?.resolve()?;
    let mut field = schema_field(&schema, Side::Request, notes)?;
    field.name = Some(name.to_string());
    field.placement = Some(placement.to_string());
    if let Some(style) = node.get("style")? {
        let text = style.str()?;
        match text {
            "repeatList" | "flat" | "json" => field.style = Some(text.to_string()),
            other => {
                return Err(style.error(format!(
                    "unknown style `{other}`: expected repeatList, flat or json"
                )))
            }
        }
        if !matches!(field.ty.as_str(), "array" | "object") {
            return Err(style.error(format!(
                "style `{text}` on a {} parameter: styles apply to arrays and objects",
                field.ty
            )));
        }
    }
    // A required parameter has no service default: the caller always sets it.
    if field.required {
        field.default = None;
    }
    Ok(field)
}

/// A schema node to a field without a name.
fn schema_field(
    node: &Node<'_>,
    side: Side,
    notes: &mut Vec<String>,
) -> Result<FieldSpec, MetadataError> {
    for (key, member) in node.members()? {
        if !SCHEMA_KEYS.contains(&key) && !IGNORED_SCHEMA_KEYS.contains(&key) {
            return Err(member.error(format!("unsupported schema key `{key}`")));
        }
    }
    let ty_node = node.require("type")?;
    let ty = ty_node.str()?;
    let format = match node.get("format")? {
        Some(f) => Some(f.str()?.to_string()),
        None => None,
    };
    match (ty, format.as_deref()) {
        ("string" | "boolean", None)
        | ("integer", None | Some("int32" | "int64"))
        | ("number", None | Some("float" | "double"))
        | ("array" | "object", None) => {}
        ("string" | "integer" | "number" | "boolean" | "array" | "object", Some(format)) => {
            return Err(node.error(format!("format `{format}` is not known for type `{ty}`")))
        }
        (other, _) => {
            return Err(ty_node.error(format!(
                "unknown type `{other}`: expected string, integer, number, boolean, array or object"
            )))
        }
    }
    let mut field = FieldSpec {
        ty: ty.to_string(),
        format,
        ..FieldSpec::default()
    };
    if let Some(required) = node.get("required")? {
        field.required = required.bool()?;
    }
    field.example = example(node, ty, notes)?;
    field.default = scalar(node, "default", ty)?;
    field.minimum = number(node, "minimum")?;
    field.maximum = number(node, "maximum")?;
    field.min_length = count(node, "minLength")?;
    field.max_length = count(node, "maxLength")?;
    field.min_items = count(node, "minItems")?;
    field.max_items = count(node, "maxItems")?;
    if let Some(values) = node.get("enum")? {
        let mut out = Vec::new();
        for value in values.items()? {
            out.push(typed(&value, ty)?);
        }
        field.enum_values = Some(out);
    }
    match ty {
        "array" => {
            let items = node.require("items")?.resolve()?;
            let mut item = schema_field(&items, side, notes)?;
            // Items have no presence of their own.
            item.required = false;
            item.default = None;
            field.items = Some(Box::new(item));
        }
        "object" => {
            let fields = properties(node, side, notes)?;
            if side == Side::Response {
                if let [single] = fields.as_slice() {
                    // A list already unwrapped one level stays an object
                    // here: the wire has both levels, and `wrapper` names one.
                    if single.ty == "array" && single.items.is_some() && single.wrapper.is_none() {
                        // `{"Clusters": {"ClusterInfoSimple": [...]}}`: the
                        // SDK exposes the list and decodes the wrapper.
                        field.ty = "array".to_string();
                        field.wrapper = single.name.clone();
                        field.items = single.items.clone();
                        if field.max_items.is_none() {
                            field.max_items = single.max_items;
                        }
                        return Ok(field);
                    }
                }
            }
            field.properties = Some(fields);
        }
        _ => {
            if node.get("items")?.is_some() || node.get("properties")?.is_some() {
                return Err(node.error(format!("a `{ty}` cannot have `items` or `properties`")));
            }
        }
    }
    Ok(field)
}

fn properties(
    node: &Node<'_>,
    side: Side,
    notes: &mut Vec<String>,
) -> Result<Vec<FieldSpec>, MetadataError> {
    let mut out = Vec::new();
    if let Some(properties) = node.get("properties")? {
        for (name, member) in properties.members()? {
            let member = member.resolve()?;
            let mut field = schema_field(&member, side, notes)?;
            field.name = Some(name.to_string());
            if side == Side::Response {
                // Response fields may always be absent; the SDK decodes
                // leniently.
                field.required = false;
                field.default = None;
            }
            out.push(field);
        }
    }
    Ok(out)
}

fn expect_type(node: &Node<'_>, expected: &str) -> Result<(), MetadataError> {
    let ty = node.require("type")?;
    if ty.str()? != expected {
        return Err(ty.error(format!("expected type `{expected}`, found `{}`", ty.str()?)));
    }
    Ok(())
}

/// The example, typed; one that does not fit the type (`true` for an
/// integer) illustrates nothing and is left out, with a note.
fn example(
    node: &Node<'_>,
    ty: &str,
    notes: &mut Vec<String>,
) -> Result<Option<Value>, MetadataError> {
    let Some(value) = scalar(node, "example", ty)? else {
        return Ok(None);
    };
    let fits = match ty {
        "integer" | "number" => value.is_number(),
        "boolean" => value.is_bool(),
        _ => true,
    };
    if fits {
        return Ok(Some(value));
    }
    let shown = match &value {
        Value::String(s) => s.clone(),
        other => format!("{other:?}"),
    };
    notes.push(format!(
        "{}: example `{shown}` is not a valid {ty} and was left out",
        node.location()
    ));
    Ok(None)
}

/// An example or default, typed the way the spec writes it (the metadata
/// writes every scalar as a string).
fn scalar(node: &Node<'_>, key: &str, ty: &str) -> Result<Option<Value>, MetadataError> {
    match node.get(key)? {
        Some(value) => typed(&value, ty).map(Some),
        None => Ok(None),
    }
}

fn typed(node: &Node<'_>, ty: &str) -> Result<Value, MetadataError> {
    let text = match node.value {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Number(n) => n.to_string(),
        serde_json::Value::Bool(b) => b.to_string(),
        other => {
            return serde_norway::to_value(other)
                .map_err(|e| node.error(format!("cannot carry the value: {e}")))
        }
    };
    let trimmed = text.trim();
    let value = match ty {
        // `1.0` is a whole number written loosely.
        "integer" => trimmed
            .parse::<i64>()
            .ok()
            .or_else(|| {
                trimmed
                    .parse::<f64>()
                    .ok()
                    .filter(|v| v.fract() == 0.0 && v.abs() < 9.0e15)
                    .map(|v| v as i64)
            })
            .map(|v| Value::Number(v.into())),
        "number" => trimmed
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
            .map(|v| Value::Number(v.into())),
        "boolean" if trimmed.eq_ignore_ascii_case("true") => Some(Value::Bool(true)),
        "boolean" if trimmed.eq_ignore_ascii_case("false") => Some(Value::Bool(false)),
        _ => None,
    };
    Ok(value.unwrap_or(Value::String(text)))
}

/// A bound, which the metadata writes as a string.
fn number(node: &Node<'_>, key: &str) -> Result<Option<Number>, MetadataError> {
    let Some(value) = node.get(key)? else {
        return Ok(None);
    };
    let text = match value.value {
        serde_json::Value::String(s) => s.trim().to_string(),
        serde_json::Value::Number(n) => n.to_string(),
        _ => return Err(value.error("expected a number")),
    };
    if let Ok(v) = text.parse::<i64>() {
        return Ok(Some(v.into()));
    }
    match text.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(Some(v.into())),
        _ => Err(value.error(format!("`{text}` is not a number"))),
    }
}

fn count(node: &Node<'_>, key: &str) -> Result<Option<u64>, MetadataError> {
    let Some(value) = node.get(key)? else {
        return Ok(None);
    };
    let parsed = match value.value {
        serde_json::Value::String(s) => s.trim().parse::<u64>().ok(),
        serde_json::Value::Number(n) => n.as_u64(),
        _ => None,
    };
    parsed
        .map(Some)
        .ok_or_else(|| value.error("expected a non-negative whole number"))
}

/// Error rows by HTTP status, in status order.
fn errors(node: &Node<'_>) -> Result<Vec<ErrorSpec>, MetadataError> {
    let mut out: Vec<ErrorSpec> = Vec::new();
    for (status, rows) in node.members()? {
        let code_status: u16 = status
            .parse()
            .map_err(|_| rows.error(format!("`{status}` is not an HTTP status")))?;
        for row in rows.items()? {
            let code = row.require("errorCode")?.str()?.trim().to_string();
            let message = match row.get("errorMessage")? {
                Some(m) => m.str()?.trim().to_string(),
                None => String::new(),
            };
            if out.iter().any(|e| e.code == code) {
                // The same code under two statuses: the first documents it.
                continue;
            }
            out.push(ErrorSpec {
                status: code_status,
                message: if message.is_empty() {
                    code.clone()
                } else {
                    message
                },
                code,
                description: None,
                retryable: false,
            });
        }
    }
    Ok(out)
}

/// "ListClusters" → "Lists clusters.": the verb in the third person, the
/// rest as words. Built from the name alone; maintainers may rewrite it.
pub fn summary(name: &str) -> String {
    let snake = name.to_snake_case();
    let mut words: Vec<String> = snake.split('_').map(str::to_string).collect();
    if words.len() > 1 && words[0] == "un" {
        let next = words.remove(1);
        words[0] = format!("un{next}");
    }
    let verb = third_person(&words[0]);
    let mut verb_chars = verb.chars();
    let verb = match verb_chars.next() {
        Some(first) => format!("{}{}", first.to_ascii_uppercase(), verb_chars.as_str()),
        None => verb,
    };
    let rest: Vec<String> = words[1..].iter().map(|w| word(w)).collect();
    if rest.is_empty() {
        format!("{verb}.")
    } else {
        format!("{verb} {}.", rest.join(" "))
    }
}

fn third_person(verb: &str) -> String {
    let consonant_y = verb.ends_with('y')
        && !matches!(verb.chars().rev().nth(1), Some('a' | 'e' | 'i' | 'o' | 'u'));
    if consonant_y {
        format!("{}ies", &verb[..verb.len() - 1])
    } else if ["s", "sh", "ch", "x", "z"]
        .iter()
        .any(|e| verb.ends_with(e))
    {
        format!("{verb}es")
    } else {
        format!("{verb}s")
    }
}

fn word(word: &str) -> String {
    match word {
        "ehpc" => "E-HPC".into(),
        "ecs" | "cpfs" | "ht" | "ram" | "id" | "ip" | "gpu" => word.to_ascii_uppercase(),
        "ids" => "IDs".into(),
        "passwd" => "password".into(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summaries_come_from_the_name() {
        assert_eq!(summary("ListClusters"), "Lists clusters.");
        assert_eq!(summary("ApplyNodes"), "Applies nodes.");
        assert_eq!(
            summary("QueryServicePackAndPrice"),
            "Queries service pack and price."
        );
        assert_eq!(summary("UnTagResources"), "Untags resources.");
        assert_eq!(summary("InitializeEHPC"), "Initializes E-HPC.");
        assert_eq!(
            summary("ListPreferredEcsTypes"),
            "Lists preferred ECS types."
        );
        assert_eq!(
            summary("ModifyVisualServicePasswd"),
            "Modifies visual service password."
        );
    }
}
