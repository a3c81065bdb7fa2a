//! How generated response types are read from the service's JSON, and
//! written back as it.
//!
//! Each response type has one non-generic `from_json` that takes its fields
//! out of a decoded [`Value`] by wire name; its `Deserialize` impl only
//! reads a `Value` and hands it over. So the code of a type is compiled
//! once, whichever deserializer reads it, and the per-type generic code is
//! a few lines. Values are read leniently, as [`Lenient`] describes;
//! a refused value's error names where it stands (`Clusters.2.Size`).

mod entries;
mod lenient;

pub use entries::{serialize, Entries, Entry, ScalarEntry, ToJson};
pub use lenient::Lenient;

use serde::de::{Deserialize, Deserializer};
use serde_json::{Map, Value};
use std::fmt;

/// A response type read from a JSON value.
pub trait FromJson: Sized {
    fn from_json(value: Value, path: &Path<'_>) -> Result<Self, String>;
}

/// `Deserialize` for a [`FromJson`] type: the value is read whole first.
pub fn deserialize<'de, D: Deserializer<'de>, T: FromJson>(deserializer: D) -> Result<T, D::Error> {
    let value = Value::deserialize(deserializer)?;
    T::from_json(value, &Path::Root).map_err(serde::de::Error::custom)
}

/// Where a value stands in the answer, rendered only for an error.
#[derive(Debug, Clone, Copy)]
pub enum Path<'a> {
    Root,
    Field(&'a Path<'a>, &'static str),
    /// An item of a list, counted from 1 like request parameters.
    Item(&'a Path<'a>, usize),
}

impl fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Path::Root => f.write_str("the answer"),
            Path::Field(Path::Root, name) => f.write_str(name),
            Path::Field(parent, name) => write!(f, "{parent}.{name}"),
            Path::Item(parent, index) => write!(f, "{parent}.{index}"),
        }
    }
}

fn located(path: &Path<'_>, problem: String) -> String {
    format!("`{path}`: {problem}")
}

/// The fields of one JSON object, taken out one by one; what is left over
/// is the type's `unknown_fields`.
///
/// A refused value does not return at once: it is kept (the first one) and
/// the field left unset, and [`finish`](Self::finish) reports it. Generated
/// code then reads field after field with no early return between them,
/// which keeps each type's decoding a straight run of calls.
pub struct Fields<'a> {
    map: Map<String, Value>,
    path: &'a Path<'a>,
    error: Option<String>,
}

impl<'a> Fields<'a> {
    pub fn new(value: Value, path: &'a Path<'a>) -> Result<Self, String> {
        match value {
            Value::Object(map) => Ok(Fields {
                map,
                path,
                error: None,
            }),
            other => Err(located(path, format!("expected an object, found {other}"))),
        }
    }

    /// An optional scalar; `null`, and `""` for non-strings, are `None`.
    pub fn scalar<T: Lenient + 'static>(&mut self, name: &'static str) -> Option<T> {
        let value = self.map.remove(name)?;
        let is_string = std::any::TypeId::of::<T>() == std::any::TypeId::of::<String>();
        if !is_present(&value, is_string) {
            return None;
        }
        match T::from_json(value) {
            Ok(value) => Some(value),
            Err(problem) => {
                self.refuse_field(name, problem);
                None
            }
        }
    }

    /// The request id: a string, empty when absent.
    pub fn request_id(&mut self) -> String {
        match self.map.remove("RequestId") {
            None => String::new(),
            Some(Value::String(id)) => id,
            Some(other) => {
                self.refuse_field("RequestId", format!("expected a string, found {other}"));
                String::new()
            }
        }
    }

    /// An optional nested object; `null` is `None`.
    pub fn object<T: FromJson>(&mut self, name: &'static str) -> Option<T> {
        match self.map.remove(name)? {
            Value::Null => None,
            value => {
                let decoded = T::from_json(value, &Path::Field(self.path, name));
                self.keep(decoded)
            }
        }
    }

    /// A list of objects; absent or `null` is empty.
    pub fn list<T: FromJson>(&mut self, name: &'static str) -> Vec<T> {
        let items = self.items(name, false);
        self.objects(name, items)
    }

    /// A list of scalars, each read leniently; absent or `null` is empty.
    pub fn scalar_list<T: Lenient>(&mut self, name: &'static str) -> Vec<T> {
        let items = self.items(name, false);
        self.scalars(name, items)
    }

    /// The list inside a wrapper object `{"Key": [...]}`; a bare list,
    /// `null` or a single object without its list are accepted too.
    pub fn wrapped_list<T: FromJson>(&mut self, name: &'static str) -> Vec<T> {
        let items = self.items(name, true);
        self.objects(name, items)
    }

    /// [`wrapped_list`](Self::wrapped_list) for scalars.
    pub fn wrapped_scalar_list<T: Lenient>(&mut self, name: &'static str) -> Vec<T> {
        let items = self.items(name, true);
        self.scalars(name, items)
    }

    /// The fields no spec field took; call it after every field is read.
    pub fn take_rest(&mut self) -> Map<String, Value> {
        std::mem::take(&mut self.map)
    }

    /// The first refused value, if any; else `Ok`.
    pub fn finish(self) -> Result<(), String> {
        match self.error {
            None => Ok(()),
            Some(error) => Err(error),
        }
    }

    fn keep<T>(&mut self, decoded: Result<T, String>) -> Option<T> {
        match decoded {
            Ok(value) => Some(value),
            Err(error) => {
                self.refuse(error);
                None
            }
        }
    }

    fn refuse(&mut self, error: String) {
        self.error.get_or_insert(error);
    }

    fn refuse_field(&mut self, name: &'static str, problem: String) {
        if self.error.is_none() {
            self.error = Some(located(&Path::Field(self.path, name), problem));
        }
    }

    /// The items of a list field; a refused value is kept and no item read.
    fn items(&mut self, name: &'static str, wrapped: bool) -> Vec<Value> {
        let found = match self.map.remove(name) {
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(Value::Array(items)) => Ok(items),
            Some(Value::Object(map)) if wrapped => unwrap(map),
            Some(other) => Err(format!("expected a list, found {other}")),
        };
        found.unwrap_or_else(|problem| {
            self.refuse_field(name, problem);
            Vec::new()
        })
    }

    fn objects<T: FromJson>(&mut self, name: &'static str, items: Vec<Value>) -> Vec<T> {
        let mut decoded = Vec::with_capacity(items.len());
        self.each_item(name, items, &mut |item, path| {
            decoded.push(T::from_json(item, path)?);
            Ok(())
        });
        decoded
    }

    /// Hands each item to `decode` with its path, up to the first refused
    /// one; not generic, so the loop is compiled once for every item type.
    fn each_item(
        &mut self,
        name: &'static str,
        items: Vec<Value>,
        decode: &mut dyn FnMut(Value, &Path<'_>) -> Result<(), String>,
    ) {
        let list = Path::Field(self.path, name);
        for (index, item) in items.into_iter().enumerate() {
            if let Err(error) = decode(item, &Path::Item(&list, index + 1)) {
                self.refuse(error);
                break;
            }
        }
    }

    fn scalars<T: Lenient>(&mut self, name: &'static str, items: Vec<Value>) -> Vec<T> {
        let mut decoded = Vec::with_capacity(items.len());
        for (index, item) in items.into_iter().enumerate() {
            match T::from_json(item) {
                Ok(item) => decoded.push(item),
                Err(problem) => {
                    let list = Path::Field(self.path, name);
                    self.refuse(located(&Path::Item(&list, index + 1), problem));
                    break;
                }
            }
        }
        decoded
    }
}

/// Whether a scalar was sent: `null`, and `""` where no string is expected,
/// stand for no value.
fn is_present(value: &Value, is_string: bool) -> bool {
    match value {
        Value::Null => false,
        Value::String(text) => is_string || !text.is_empty(),
        _ => true,
    }
}

/// The items of a wrapper object: its one member's list.
fn unwrap(map: Map<String, Value>) -> Result<Vec<Value>, String> {
    let mut members = map.into_iter();
    match (members.next(), members.next()) {
        (None, _) => Ok(Vec::new()),
        (Some((_, Value::Array(items))), None) => Ok(items),
        (Some((_, Value::Null)), None) => Ok(Vec::new()),
        // A single item sent without its list.
        (Some((_, item @ Value::Object(_))), None) => Ok(vec![item]),
        (Some((key, other)), None) => Err(format!("expected a list under `{key}`, found {other}")),
        (Some(_), Some(_)) => {
            Err("expected a wrapped list, found an object of several members".into())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Shaped like a generated response type.
    #[derive(Debug, PartialEq)]
    struct Node {
        id: Option<String>,
        cores: Option<i32>,
        tags: Vec<String>,
        disks: Vec<Disk>,
        request_id: String,
        unknown_fields: Map<String, Value>,
    }

    #[derive(Debug, PartialEq)]
    struct Disk {
        size: Option<i64>,
        unknown_fields: Map<String, Value>,
    }

    impl FromJson for Node {
        fn from_json(value: Value, path: &Path<'_>) -> Result<Self, String> {
            let mut fields = Fields::new(value, path)?;
            let node = Node {
                id: fields.scalar("Id"),
                cores: fields.scalar("Cores"),
                tags: fields.wrapped_scalar_list("Tags"),
                disks: fields.wrapped_list("Disks"),
                request_id: fields.request_id(),
                unknown_fields: fields.take_rest(),
            };
            fields.finish().map(|()| node)
        }
    }

    impl FromJson for Disk {
        fn from_json(value: Value, path: &Path<'_>) -> Result<Self, String> {
            let mut fields = Fields::new(value, path)?;
            let disk = Disk {
                size: fields.scalar("Size"),
                unknown_fields: fields.take_rest(),
            };
            fields.finish().map(|()| disk)
        }
    }

    impl ToJson for Node {
        fn entries(&self) -> Entries<'_> {
            let mut entries = Entries::new(5, &self.unknown_fields);
            entries.scalar("Id", &self.id);
            entries.scalar("Cores", &self.cores);
            entries.wrapped_scalar_list("Tags", "Tag", &self.tags);
            entries.list("Disks", &self.disks);
            entries.request_id(&self.request_id);
            entries
        }
    }

    impl ToJson for Disk {
        fn entries(&self) -> Entries<'_> {
            let mut entries = Entries::new(1, &self.unknown_fields);
            entries.scalar("Size", &self.size);
            entries
        }
    }

    impl serde::Serialize for Node {
        fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            serialize(self, serializer)
        }
    }

    impl<'de> Deserialize<'de> for Node {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            deserialize(deserializer)
        }
    }

    #[test]
    fn reads_loose_values_and_keeps_unknown_fields() {
        let body = r#"{"Id": 7, "Cores": "16", "Tags": {"Tag": ["a", 2]},
            "Disks": {"Disk": {"Size": "40", "Kind": "ssd"}}, "RequestId": "r-1", "Zone": "z"}"#;
        let node: Node = serde_json::from_str(body).unwrap();
        assert_eq!(node.id.as_deref(), Some("7"));
        assert_eq!(node.cores, Some(16));
        assert_eq!(node.tags, ["a", "2"]);
        assert_eq!(node.disks.len(), 1);
        assert_eq!(node.disks[0].size, Some(40));
        assert_eq!(node.disks[0].unknown_fields["Kind"], "ssd");
        assert_eq!(node.request_id, "r-1");
        assert_eq!(node.unknown_fields.len(), 1);
        assert_eq!(node.unknown_fields["Zone"], "z");
    }

    #[test]
    fn absent_null_and_empty_values_are_unset() {
        let node: Node =
            serde_json::from_value(json!({"Id": "", "Cores": "", "Tags": null, "Disks": {}}))
                .unwrap();
        assert_eq!(node.id.as_deref(), Some(""), "an empty string is a string");
        assert_eq!(node.cores, None);
        assert!(node.tags.is_empty() && node.disks.is_empty());
        assert_eq!(node.request_id, "");
        assert!(node.unknown_fields.is_empty());
    }

    #[test]
    fn a_refused_value_is_named_by_its_path() {
        let error = serde_json::from_value::<Node>(json!({
            "Disks": {"Disk": [{"Size": 1}, {"Size": "big"}]}
        }))
        .unwrap_err()
        .to_string();
        assert!(error.starts_with("`Disks.2.Size`: expected i64"), "{error}");
        let error = serde_json::from_value::<Node>(json!({"Cores": 3_000_000_000u64}))
            .unwrap_err()
            .to_string();
        assert!(error.starts_with("`Cores`: "), "{error}");
        let error = serde_json::from_value::<Node>(json!({"RequestId": 5}))
            .unwrap_err()
            .to_string();
        assert!(error.contains("`RequestId`: expected a string"), "{error}");
        let error = serde_json::from_value::<Node>(json!([1]))
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("`the answer`: expected an object"),
            "{error}"
        );
        let error = serde_json::from_value::<Node>(json!({"Tags": {"A": [], "B": []}}))
            .unwrap_err()
            .to_string();
        assert!(error.contains("`Tags`: expected a wrapped list"), "{error}");
        let error = serde_json::from_value::<Node>(json!({"Cores": "x", "Id": {}}))
            .unwrap_err()
            .to_string();
        assert!(
            error.starts_with("`Id`: expected a string"),
            "the first field read that was refused: {error}"
        );
    }

    #[test]
    fn writes_fields_in_order_with_wrappers_and_unknown_fields_last() {
        let body = r#"{"Zone":"z","Id":"n-1","Cores":8,"Tags":{"Tag":["a"]},"Disks":[{"Size":40,"Kind":"ssd"}],"RequestId":"r"}"#;
        let node: Node = serde_json::from_str(body).unwrap();
        assert_eq!(
            serde_json::to_string(&node).unwrap(),
            r#"{"Id":"n-1","Cores":8,"Tags":{"Tag":["a"]},"Disks":[{"Size":40,"Kind":"ssd"}],"RequestId":"r","Zone":"z"}"#
        );
        let empty: Node = serde_json::from_str("{}").unwrap();
        assert_eq!(
            serde_json::to_string(&empty).unwrap(),
            r#"{"Tags":{"Tag":[]},"RequestId":""}"#,
            "unset values are left out; wrapped lists and the request id stay"
        );
    }
}
