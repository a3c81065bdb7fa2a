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

    /// Only finite values: `"1e400"`, `"inf"` or `"NaN"` in a string would
    /// decode to a value JSON cannot carry back (it re-encodes as `null`).
    impl Lenient for f64 {
        fn from_json(value: Value) -> Result<Self, String> {
            let parsed = match &value {
                Value::Number(n) => n.as_f64(),
                Value::String(s) => s.trim().parse::<f64>().ok(),
                _ => None,
            };
            match parsed {
                Some(number) if number.is_finite() => Ok(number),
                Some(_) => Err(format!("expected a finite number, found {value}")),
                None => Err(format!("expected a number, found {value}")),
            }
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
    ///
    /// Decoded as the value is read, so a refused value's error points at
    /// it (line and column), not at the end of the object around it.
    pub fn scalar<'de, D: Deserializer<'de>, T: Lenient + 'static>(
        deserializer: D,
    ) -> Result<Option<T>, D::Error> {
        deserializer.deserialize_any(ScalarVisitor(std::marker::PhantomData))
    }

    struct ScalarVisitor<T>(std::marker::PhantomData<T>);

    impl<T: Lenient + 'static> ScalarVisitor<T> {
        fn decode<E: de::Error>(value: Value) -> Result<Option<T>, E> {
            match value {
                Value::Null => Ok(None),
                Value::String(s)
                    if s.is_empty()
                        && std::any::TypeId::of::<T>() != std::any::TypeId::of::<String>() =>
                {
                    Ok(None)
                }
                value => T::from_json(value).map(Some).map_err(E::custom),
            }
        }
    }

    impl<'de, T: Lenient + 'static> de::Visitor<'de> for ScalarVisitor<T> {
        type Value = Option<T>;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a scalar value")
        }

        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_any(self)
        }

        fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
            Self::decode(Value::Bool(v))
        }

        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            Self::decode(Value::from(v))
        }

        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            Self::decode(Value::from(v))
        }

        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
            Self::decode(Value::from(v))
        }

        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            Self::decode(Value::String(v.to_string()))
        }

        fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
            Self::decode(Value::String(v))
        }

        fn visit_seq<A: de::SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
            let value = Value::deserialize(de::value::SeqAccessDeserializer::new(seq))?;
            Self::decode(value)
        }

        fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
            let value = Value::deserialize(de::value::MapAccessDeserializer::new(map))?;
            Self::decode(value)
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

    #[derive(Debug, Deserialize, serde::Serialize)]
    struct Measure {
        #[serde(default, deserialize_with = "de::scalar")]
        value: Option<f64>,
    }

    #[test]
    fn floats_survive_their_own_encoding() {
        let sixty_digits = format!(r#"{{"value": {}}}"#, "123456789".repeat(6) + "123456");
        let mut texts = vec![
            sixty_digits,
            r#"{"value": 0.1}"#.to_string(),
            r#"{"value": "2.2250738585072014e-308"}"#.to_string(),
            r#"{"value": 1.7976931348623157e308}"#.to_string(),
            r#"{"value": 9007199254740993}"#.to_string(),
        ];
        // Values spread over the whole range of bit patterns.
        let mut bits = 0x9e37_79b9_7f4a_7c15u64;
        for _ in 0..2000 {
            bits = bits
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let value = f64::from_bits(bits);
            if value.is_finite() {
                texts.push(serde_json::to_string(&Measure { value: Some(value) }).unwrap());
            }
        }
        for text in texts {
            let first: Measure = serde_json::from_str(&text).unwrap();
            let again: Measure =
                serde_json::from_str(&serde_json::to_string(&first).unwrap()).unwrap();
            let (a, b) = (first.value.unwrap(), again.value.unwrap());
            assert_eq!(a.to_bits(), b.to_bits(), "{text}");
        }
    }

    #[test]
    fn non_finite_numbers_are_refused_where_they_are() {
        for text in ["1e400", "-1e400", "inf", "-infinity", "NaN", " nan "] {
            let body = format!("{{\n  \"value\": \"{text}\"\n}}");
            let error = serde_json::from_str::<Measure>(&body).unwrap_err();
            assert!(
                error.to_string().contains("expected a finite number"),
                "{text}: {error}"
            );
            assert_eq!(error.line(), 2, "{text}: {error}");
        }
        // A number literal out of range is refused by the JSON parser itself.
        assert!(serde_json::from_str::<Measure>(r#"{"value": 1e400}"#).is_err());
    }
}
