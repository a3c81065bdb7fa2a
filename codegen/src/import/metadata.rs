//! Walking the api-docs.json tree: every node carries its JSON path, so a
//! problem names the operation and where in the file it is.

use serde_json::{Map, Value};
use std::fmt;

/// A problem in the metadata that stops the import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetadataError {
    /// The operation being read, when the problem is inside one.
    pub operation: Option<String>,
    /// JSON path of the offending node, e.g. `apis.ListClusters.parameters[2].schema.type`.
    pub path: String,
    pub message: String,
}

impl fmt::Display for MetadataError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.operation {
            Some(operation) => write!(
                f,
                "operation `{operation}`, at `{}`: {}",
                self.path, self.message
            ),
            None => write!(f, "at `{}`: {}", self.path, self.message),
        }
    }
}

impl std::error::Error for MetadataError {}

/// A JSON value with its path and the operation it belongs to.
#[derive(Clone)]
pub struct Node<'a> {
    pub value: &'a Value,
    root: &'a Value,
    operation: Option<&'a str>,
    path: String,
}

impl<'a> Node<'a> {
    /// The document root.
    pub fn root(root: &'a Value) -> Self {
        Node {
            value: root,
            root,
            operation: None,
            path: String::new(),
        }
    }

    /// "operation `X`, at `path`", for notes.
    pub fn location(&self) -> String {
        let error = self.error("");
        let text = error.to_string();
        text.trim_end_matches(": ").to_string()
    }

    pub fn error(&self, message: impl Into<String>) -> MetadataError {
        MetadataError {
            operation: self.operation.map(str::to_string),
            path: self.path.clone(),
            message: message.into(),
        }
    }

    /// The node now belongs to `operation` (for error messages).
    pub fn in_operation(self, operation: &'a str) -> Node<'a> {
        Node {
            operation: Some(operation),
            ..self
        }
    }

    fn child(&self, value: &'a Value, segment: &str) -> Node<'a> {
        let path = if self.path.is_empty() {
            segment.to_string()
        } else if segment.starts_with('[') {
            format!("{}{segment}", self.path)
        } else {
            format!("{}.{segment}", self.path)
        };
        Node {
            value,
            root: self.root,
            operation: self.operation,
            path,
        }
    }

    pub fn object(&self) -> Result<&'a Map<String, Value>, MetadataError> {
        self.value
            .as_object()
            .ok_or_else(|| self.error(format!("expected an object, found {}", kind(self.value))))
    }

    /// The member `key`, if present and not null.
    pub fn get(&self, key: &str) -> Result<Option<Node<'a>>, MetadataError> {
        Ok(self
            .object()?
            .get(key)
            .filter(|v| !v.is_null())
            .map(|v| self.child(v, key)))
    }

    pub fn require(&self, key: &str) -> Result<Node<'a>, MetadataError> {
        self.get(key)?
            .ok_or_else(|| self.error(format!("missing `{key}`")))
    }

    /// Members of an object, in the file's key order as serde_json keeps
    /// it (sorted), which makes the output deterministic.
    pub fn members(&self) -> Result<Vec<(&'a str, Node<'a>)>, MetadataError> {
        Ok(self
            .object()?
            .iter()
            .map(|(k, v)| (k.as_str(), self.child(v, k)))
            .collect())
    }

    pub fn items(&self) -> Result<Vec<Node<'a>>, MetadataError> {
        let items = self
            .value
            .as_array()
            .ok_or_else(|| self.error(format!("expected a list, found {}", kind(self.value))))?;
        Ok(items
            .iter()
            .enumerate()
            .map(|(i, v)| self.child(v, &format!("[{i}]")))
            .collect())
    }

    pub fn str(&self) -> Result<&'a str, MetadataError> {
        self.value
            .as_str()
            .ok_or_else(|| self.error(format!("expected a string, found {}", kind(self.value))))
    }

    pub fn bool(&self) -> Result<bool, MetadataError> {
        match self.value {
            Value::Bool(b) => Ok(*b),
            Value::String(s) if s == "true" => Ok(true),
            Value::String(s) if s == "false" => Ok(false),
            other => Err(self.error(format!("expected true or false, found {}", kind(other)))),
        }
    }

    /// A `$ref` to `#/components/schemas/<Name>` resolved; other nodes as
    /// they are.
    pub fn resolve(&self) -> Result<Node<'a>, MetadataError> {
        let Some(reference) = self.value.get("$ref") else {
            return Ok(Node {
                value: self.value,
                root: self.root,
                operation: self.operation,
                path: self.path.clone(),
            });
        };
        let reference = reference
            .as_str()
            .ok_or_else(|| self.error("`$ref` must be a string"))?;
        let target = reference
            .strip_prefix("#/")
            .map(|pointer| format!("/{pointer}"))
            .and_then(|pointer| self.root.pointer(&pointer))
            .ok_or_else(|| self.error(format!("cannot resolve `$ref` `{reference}`")))?;
        if target.get("$ref").is_some() {
            return Err(self.error(format!(
                "`$ref` `{reference}` points to another `$ref`; chains are not supported"
            )));
        }
        Ok(Node {
            value: target,
            root: self.root,
            operation: self.operation,
            path: format!("{}(→{reference})", self.path),
        })
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}
