//! How generated response types are written back as JSON: each type lists
//! its members once, non-generically, and one shared `Serialize` writes them.

use serde_json::{Map, Value};

/// A response type written back as JSON, in the shape the service sent.
///
/// [`entries`](Self::entries) is non-generic and borrows every value; the
/// `Serialize` impl of a type hands the entries to [`serialize`], whose
/// generic code is shared by every type.
pub trait ToJson {
    fn entries(&self) -> Entries<'_>;
}

/// `Serialize` for a [`ToJson`] type.
pub fn serialize<S: serde::Serializer, T: ToJson + ?Sized>(
    value: &T,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serde::Serialize::serialize(&value.entries(), serializer)
}

/// The members of one object, in the order of its type's fields, then the
/// fields no spec field took.
pub struct Entries<'a> {
    members: Vec<(&'static str, Entry<'a>)>,
    rest: &'a Map<String, Value>,
}

/// One value of [`Entries`].
pub enum Entry<'a> {
    Str(&'a str),
    Int(i64),
    Float(f64),
    Bool(bool),
    Object(Entries<'a>),
    List(Vec<Entry<'a>>),
    /// `{"<key>": [...]}`.
    Wrapped(&'static str, Vec<Entry<'a>>),
}

/// A scalar field's value as an [`Entry`].
pub trait ScalarEntry {
    fn entry(&self) -> Entry<'_>;
}

impl ScalarEntry for String {
    fn entry(&self) -> Entry<'_> {
        Entry::Str(self)
    }
}

impl ScalarEntry for i32 {
    fn entry(&self) -> Entry<'_> {
        Entry::Int(i64::from(*self))
    }
}

impl ScalarEntry for i64 {
    fn entry(&self) -> Entry<'_> {
        Entry::Int(*self)
    }
}

impl ScalarEntry for f64 {
    fn entry(&self) -> Entry<'_> {
        Entry::Float(*self)
    }
}

impl ScalarEntry for bool {
    fn entry(&self) -> Entry<'_> {
        Entry::Bool(*self)
    }
}

impl<'a> Entries<'a> {
    /// Room for `fields` members; `rest` (the type's `unknown_fields`)
    /// follows them.
    pub fn new(fields: usize, rest: &'a Map<String, Value>) -> Self {
        Entries {
            members: Vec::with_capacity(fields),
            rest,
        }
    }

    /// An optional scalar, left out when unset.
    pub fn scalar<T: ScalarEntry>(&mut self, name: &'static str, value: &'a Option<T>) {
        if let Some(value) = value {
            self.members.push((name, value.entry()));
        }
    }

    /// The request id, always written.
    pub fn request_id(&mut self, value: &'a str) {
        self.members.push(("RequestId", Entry::Str(value)));
    }

    /// An optional nested object, left out when unset.
    pub fn object<T: ToJson>(&mut self, name: &'static str, value: &'a Option<T>) {
        if let Some(value) = value {
            self.members.push((name, Entry::Object(value.entries())));
        }
    }

    /// A list of objects, left out when empty.
    pub fn list<T: ToJson>(&mut self, name: &'static str, items: &'a [T]) {
        if !items.is_empty() {
            let items = items.iter().map(|item| Entry::Object(item.entries()));
            self.members.push((name, Entry::List(items.collect())));
        }
    }

    /// A list of scalars, left out when empty.
    pub fn scalar_list<T: ScalarEntry>(&mut self, name: &'static str, items: &'a [T]) {
        if !items.is_empty() {
            let items = items.iter().map(ScalarEntry::entry);
            self.members.push((name, Entry::List(items.collect())));
        }
    }

    /// A list inside its wrapper object, always written.
    pub fn wrapped_list<T: ToJson>(
        &mut self,
        name: &'static str,
        wrapper: &'static str,
        items: &'a [T],
    ) {
        let items = items.iter().map(|item| Entry::Object(item.entries()));
        self.members
            .push((name, Entry::Wrapped(wrapper, items.collect())));
    }

    /// [`wrapped_list`](Self::wrapped_list) for scalars.
    pub fn wrapped_scalar_list<T: ScalarEntry>(
        &mut self,
        name: &'static str,
        wrapper: &'static str,
        items: &'a [T],
    ) {
        let items = items.iter().map(ScalarEntry::entry);
        self.members
            .push((name, Entry::Wrapped(wrapper, items.collect())));
    }
}

impl serde::Serialize for Entries<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let length = self.members.len() + self.rest.len();
        let mut map = serializer.serialize_map(Some(length))?;
        for (name, entry) in &self.members {
            map.serialize_entry(name, entry)?;
        }
        for (name, value) in self.rest {
            map.serialize_entry(name, value)?;
        }
        map.end()
    }
}

impl serde::Serialize for Entry<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Entry::Str(text) => serializer.serialize_str(text),
            Entry::Int(number) => serializer.serialize_i64(*number),
            Entry::Float(number) => serializer.serialize_f64(*number),
            Entry::Bool(flag) => serializer.serialize_bool(*flag),
            Entry::Object(entries) => entries.serialize(serializer),
            Entry::List(items) => serializer.collect_seq(items),
            Entry::Wrapped(key, items) => {
                use serde::ser::SerializeMap;
                let mut map = serializer.serialize_map(Some(1))?;
                map.serialize_entry(key, items)?;
                map.end()
            }
        }
    }
}
