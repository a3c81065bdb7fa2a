//! Lenient decoding of the service's JSON, and the encoders that put a
//! decoded value back in the shape the service sent.

/// Deserializers used by generated response types.
pub mod de {
    use serde::de::{self, Deserialize, DeserializeOwned, Deserializer};
    use serde_json::Value;

    /// A scalar decoded leniently: numbers and booleans may arrive as
    /// strings, strings as numbers.
    pub trait Lenient: Sized {
        fn from_json(value: Value) -> Result<Self, String>;
    }

    impl Lenient for String {
        fn from_json(value: Value) -> Result<Self, String> {
            match value {
                Value::String(s) => Ok(s),
                Value::Number(n) => Ok(n.to_string()),
                Value::Bool(b) => Ok(b.to_string()),
                other => Err(format!("expected a string, found {other}")),
            }
        }
    }

    macro_rules! lenient_number {
        ($($ty:ty => $get:ident),*) => {$(
            impl Lenient for $ty {
                fn from_json(value: Value) -> Result<Self, String> {
                    let parsed = match &value {
                        Value::Number(n) => n.$get().and_then(|v| <$ty>::try_from(v).ok()),
                        Value::String(s) => s.trim().parse::<$ty>().ok(),
                        _ => None,
                    };
                    parsed.ok_or_else(|| {
                        format!("expected {}, found {value}", stringify!($ty))
                    })
                }
            }
        )*};
    }
    lenient_number!(i32 => as_i64, i64 => as_i64);

    impl Lenient for f64 {
        fn from_json(value: Value) -> Result<Self, String> {
            let parsed = match &value {
                Value::Number(n) => n.as_f64(),
                Value::String(s) => s.trim().parse::<f64>().ok(),
                _ => None,
            };
            parsed.ok_or_else(|| format!("expected a number, found {value}"))
        }
    }

    impl Lenient for bool {
        fn from_json(value: Value) -> Result<Self, String> {
            match &value {
                Value::Bool(b) => Ok(*b),
                Value::String(s) if s.eq_ignore_ascii_case("true") => Ok(true),
                Value::String(s) if s.eq_ignore_ascii_case("false") => Ok(false),
                Value::Number(n) if n.as_i64() == Some(1) => Ok(true),
                Value::Number(n) if n.as_i64() == Some(0) => Ok(false),
                _ => Err(format!("expected a boolean, found {value}")),
            }
        }
    }

    /// An optional scalar; `null` and `""` for non-strings are `None`.
    pub fn scalar<'de, D: Deserializer<'de>, T: Lenient + 'static>(
        deserializer: D,
    ) -> Result<Option<T>, D::Error> {
        match Value::deserialize(deserializer)? {
            Value::Null => Ok(None),
            Value::String(s)
                if s.is_empty()
                    && std::any::TypeId::of::<T>() != std::any::TypeId::of::<String>() =>
            {
                Ok(None)
            }
            value => T::from_json(value).map(Some).map_err(de::Error::custom),
        }
    }

    /// A list of objects; `null` is empty.
    pub fn list<'de, D: Deserializer<'de>, T: DeserializeOwned>(
        deserializer: D,
    ) -> Result<Vec<T>, D::Error> {
        Ok(Option::<Vec<T>>::deserialize(deserializer)?.unwrap_or_default())
    }

    /// A list of scalars, each decoded leniently; `null` is empty.
    pub fn scalar_list<'de, D: Deserializer<'de>, T: Lenient>(
        deserializer: D,
    ) -> Result<Vec<T>, D::Error> {
        match Value::deserialize(deserializer)? {
            Value::Null => Ok(Vec::new()),
            Value::Array(items) => items
                .into_iter()
                .map(|item| T::from_json(item).map_err(de::Error::custom))
                .collect(),
            other => Err(de::Error::custom(format!("expected a list, found {other}"))),
        }
    }

    /// The list inside a wrapper object `{"Key": [...]}`; a bare list or
    /// `null` is accepted too.
    pub fn wrapped_list<'de, D: Deserializer<'de>, T: DeserializeOwned>(
        deserializer: D,
    ) -> Result<Vec<T>, D::Error> {
        let items = unwrap(Value::deserialize(deserializer)?).map_err(de::Error::custom)?;
        items
            .into_iter()
            .map(|item| T::deserialize(item).map_err(de::Error::custom))
            .collect()
    }

    /// [`wrapped_list`] for scalars.
    pub fn wrapped_scalar_list<'de, D: Deserializer<'de>, T: Lenient>(
        deserializer: D,
    ) -> Result<Vec<T>, D::Error> {
        let items = unwrap(Value::deserialize(deserializer)?).map_err(de::Error::custom)?;
        items
            .into_iter()
            .map(|item| T::from_json(item).map_err(de::Error::custom))
            .collect()
    }

    fn unwrap(value: Value) -> Result<Vec<Value>, String> {
        match value {
            Value::Null => Ok(Vec::new()),
            Value::Array(items) => Ok(items),
            Value::Object(map) if map.is_empty() => Ok(Vec::new()),
            Value::Object(map) if map.len() == 1 => match map.into_iter().next() {
                Some((_, Value::Array(items))) => Ok(items),
                Some((_, Value::Null)) => Ok(Vec::new()),
                // A single item sent without its list.
                Some((_, item @ Value::Object(_))) => Ok(vec![item]),
                Some((key, other)) => Err(format!("expected a list under `{key}`, found {other}")),
                None => Ok(Vec::new()),
            },
            other => Err(format!("expected a wrapped list, found {other}")),
        }
    }
}

/// Serializers used by generated response types.
pub mod ser {
    use serde::ser::{SerializeMap, Serializer};
    use serde::Serialize;

    /// `{"<key>": [...]}`.
    pub fn wrapped_list<T: Serialize, S: Serializer>(
        key: &str,
        items: &[T],
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(1))?;
        map.serialize_entry(key, items)?;
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::de;
    use serde::Deserialize;
    use serde_json::json;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Sample {
        #[serde(default, deserialize_with = "de::scalar")]
        count: Option<i32>,
        #[serde(default, deserialize_with = "de::scalar")]
        enabled: Option<bool>,
        #[serde(default, deserialize_with = "de::scalar")]
        name: Option<String>,
        #[serde(default, deserialize_with = "de::wrapped_scalar_list")]
        ids: Vec<i64>,
    }

    #[test]
    fn decodes_loose_values() {
        let sample: Sample = serde_json::from_value(json!({
            "count": "12", "enabled": "true", "name": 7, "ids": {"Id": ["1", 2]}
        }))
        .unwrap();
        assert_eq!(
            sample,
            Sample {
                count: Some(12),
                enabled: Some(true),
                name: Some("7".into()),
                ids: vec![1, 2]
            }
        );
        let empty: Sample = serde_json::from_value(json!({"count": "", "ids": null})).unwrap();
        assert_eq!(empty.count, None);
        assert!(empty.ids.is_empty());
        assert!(serde_json::from_value::<Sample>(json!({"count": "x"})).is_err());
        assert!(serde_json::from_value::<Sample>(json!({"count": 3_000_000_000u64})).is_err());
    }
}
