//! Scalars as the service sends them: numbers and booleans may arrive as
//! strings, strings as numbers.

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

#[cfg(test)]
mod tests {
    use super::Lenient;
    use serde_json::{json, Value};

    #[test]
    fn decodes_loose_values() {
        assert_eq!(i32::from_json(json!("12")), Ok(12));
        assert_eq!(bool::from_json(json!("true")), Ok(true));
        assert_eq!(bool::from_json(json!("FALSE")), Ok(false));
        assert_eq!(bool::from_json(json!(1)), Ok(true));
        assert_eq!(String::from_json(json!(7)), Ok("7".to_string()));
        assert_eq!(i64::from_json(json!(" 42 ")), Ok(42));
        assert!(i32::from_json(json!("x")).is_err());
        assert!(i32::from_json(json!(3_000_000_000u64)).is_err());
        assert!(bool::from_json(json!("yes")).is_err());
        assert!(String::from_json(json!({"a": 1})).is_err());
    }

    #[test]
    fn floats_survive_their_own_encoding() {
        let sixty_digits = "123456789".repeat(6) + "123456";
        let mut texts = vec![
            sixty_digits,
            "0.1".to_string(),
            r#""2.2250738585072014e-308""#.to_string(),
            "1.7976931348623157e308".to_string(),
            "9007199254740993".to_string(),
        ];
        // Values spread over the whole range of bit patterns.
        let mut bits = 0x9e37_79b9_7f4a_7c15u64;
        for _ in 0..2000 {
            bits = bits
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let value = f64::from_bits(bits);
            if value.is_finite() {
                texts.push(serde_json::to_string(&value).unwrap());
            }
        }
        for text in texts {
            let first = f64::from_json(serde_json::from_str::<Value>(&text).unwrap()).unwrap();
            let written = serde_json::to_string(&first).unwrap();
            let again = f64::from_json(serde_json::from_str::<Value>(&written).unwrap()).unwrap();
            assert_eq!(first.to_bits(), again.to_bits(), "{text}");
        }
    }

    #[test]
    fn non_finite_numbers_are_refused() {
        for text in ["1e400", "-1e400", "inf", "-infinity", "NaN", " nan "] {
            let error = f64::from_json(json!(text)).unwrap_err();
            assert!(
                error.contains("expected a finite number"),
                "{text}: {error}"
            );
        }
        assert!(f64::from_json(json!("many")).is_err());
    }
}
