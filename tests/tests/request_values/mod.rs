//! Random parameter values for any operation, drawn from its validated
//! spec model: JSON objects keyed by wire names that respect every type,
//! bound, length, item count and enum the spec states. Seeded, so a
//! failure names a seed that reproduces it.

use codegen::model::{Bound, Constraints, Field, Operation, Type};
use serde_json::{Map, Value};

/// Longest string and longest list drawn when the spec sets no limit.
const FREE_LENGTH: u64 = 16;
const FREE_ITEMS: u64 = 3;
/// Lists up to this many items are sometimes drawn at their maximum.
const FULL_LIST_LIMIT: u64 = 64;
/// Range drawn for numbers when the spec sets no bound.
const FREE_FLOAT: f64 = 1e9;

/// Characters strings are drawn from: plain ones, ones percent-encoding
/// and JSON must escape, a two-byte and a four-byte one (limits count
/// characters, not bytes), and the separators of flattened names.
const CHARS: &[char] = &[
    'a', 'Z', 'q', '0', '9', '-', '_', '.', '~', ' ', '*', '@', '/', '+', '%', '&', '=', '"', '\\',
    '\n', 'é', '😀',
];

/// xorshift64*: small, seeded, and enough to vary values.
pub struct Random(u64);

impl Random {
    pub fn new(seed: u64) -> Self {
        // A zero state would stay zero.
        Random(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1)
    }

    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    pub fn flag(&mut self) -> bool {
        self.below(2) == 0
    }

    /// Inclusive; either end is drawn often, being where limits bite.
    fn between(&mut self, low: u64, high: u64) -> u64 {
        match self.below(4) {
            0 => low,
            1 => high,
            _ => low + self.below(high - low + 1),
        }
    }

    fn int(&mut self, low: i64, high: i64) -> i64 {
        match self.below(4) {
            0 => low,
            1 => high,
            // Small values, as most calls use.
            2 => (self.below(201) as i64 - 100).clamp(low, high),
            _ => {
                let span = (i128::from(high) - i128::from(low) + 1) as u128;
                (i128::from(low) + (u128::from(self.next()) % span) as i128) as i64
            }
        }
    }

    fn float(&mut self, low: f64, high: f64) -> f64 {
        match self.below(4) {
            0 => low,
            1 => high,
            _ => {
                let fraction = (self.next() >> 11) as f64 / (1u64 << 53) as f64;
                (low + (high - low) * fraction).clamp(low, high)
            }
        }
    }

    pub fn text(&mut self, length: u64) -> String {
        (0..length)
            .map(|_| CHARS[self.below(CHARS.len() as u64) as usize])
            .collect()
    }
}

/// Draws parameter values for one operation.
pub struct Values<'a> {
    pub random: Random,
    operation: &'a Operation,
}

impl<'a> Values<'a> {
    pub fn new(operation: &'a Operation, seed: u64) -> Self {
        Values {
            random: Random::new(seed),
            operation,
        }
    }

    /// Every required parameter and a random choice of the optional ones.
    pub fn parameters(&mut self) -> Map<String, Value> {
        self.fields(&self.operation.parameters)
    }

    /// A valid value for `field`.
    pub fn field(&mut self, field: &Field) -> Value {
        self.value(&field.ty, &field.constraints)
    }

    fn fields(&mut self, fields: &[Field]) -> Map<String, Value> {
        let mut map = Map::new();
        for field in fields {
            if field.required || self.random.flag() {
                map.insert(field.wire_name.clone(), self.field(field));
            }
        }
        map
    }

    fn value(&mut self, ty: &Type, limits: &Constraints) -> Value {
        if !limits.enum_values.is_empty() && !matches!(ty, Type::Array(_) | Type::Object(_)) {
            let index = self.random.below(limits.enum_values.len() as u64) as usize;
            return from_wire(ty, &limits.enum_values[index]);
        }
        match ty {
            Type::String => {
                let low = limits.min_length.unwrap_or(0);
                let high = limits.max_length.unwrap_or(u64::MAX).min(low + FREE_LENGTH);
                let length = self.random.between(low, high);
                Value::from(self.random.text(length))
            }
            Type::Int32 => {
                let (low, high) = int_range(limits, i32::MIN.into(), i32::MAX.into());
                Value::from(self.random.int(low, high))
            }
            Type::Int64 => {
                let (low, high) = int_range(limits, i64::MIN, i64::MAX);
                Value::from(self.random.int(low, high))
            }
            Type::Float => {
                let low = limits.minimum.map_or(-FREE_FLOAT, as_f64);
                let high = limits.maximum.map_or(FREE_FLOAT, as_f64);
                Value::from(self.random.float(low, high))
            }
            Type::Boolean => Value::from(self.random.flag()),
            Type::Array(item) => {
                let count = self.item_count(limits);
                self.list(item, count)
            }
            Type::Object(name) => self.object(name),
        }
    }

    /// A list of `count` valid items.
    pub fn list(&mut self, item: &Type, count: u64) -> Value {
        // The model states no limits for list items.
        let items = (0..count)
            .map(|_| self.value(item, &Constraints::default()))
            .collect();
        Value::Array(items)
    }

    /// At least one: an empty list is not sent at all, which for a
    /// required parameter means missing.
    fn item_count(&mut self, limits: &Constraints) -> u64 {
        let low = limits.min_items.unwrap_or(0).max(1);
        let max = limits.max_items.unwrap_or(u64::MAX);
        assert!(max >= low, "a list limited to {max} items cannot be sent");
        if max <= FULL_LIST_LIMIT && self.random.below(8) == 0 {
            return max;
        }
        self.random.between(low, max.min(low + FREE_ITEMS))
    }

    /// Never empty: an object with no members puts nothing on the wire.
    fn object(&mut self, name: &str) -> Value {
        let shape = self
            .operation
            .request_types
            .iter()
            .find(|t| t.name == name)
            .unwrap_or_else(|| panic!("{}: no request type {name}", self.operation.name));
        let mut map = self.fields(&shape.fields);
        if map.is_empty() && !shape.fields.is_empty() {
            let field = &shape.fields[self.random.below(shape.fields.len() as u64) as usize];
            map.insert(field.wire_name.clone(), self.field(field));
        }
        Value::Object(map)
    }
}

/// A scalar as it goes on the wire, as a JSON value of its type.
fn from_wire(ty: &Type, text: &str) -> Value {
    let parsed = match ty {
        Type::String => Some(Value::from(text)),
        Type::Int32 | Type::Int64 => text.parse::<i64>().ok().map(Value::from),
        Type::Float => text.parse::<f64>().ok().map(Value::from),
        Type::Boolean => text.parse::<bool>().ok().map(Value::from),
        Type::Array(_) | Type::Object(_) => None,
    };
    parsed.unwrap_or_else(|| panic!("enum value `{text}` is not of type {ty:?}"))
}

fn int_range(limits: &Constraints, low: i64, high: i64) -> (i64, i64) {
    let low = match limits.minimum {
        Some(Bound::Int(v)) => v.max(low),
        Some(Bound::Float(v)) => (v.ceil() as i64).max(low),
        None => low,
    };
    let high = match limits.maximum {
        Some(Bound::Int(v)) => v.min(high),
        Some(Bound::Float(v)) => (v.floor() as i64).min(high),
        None => high,
    };
    assert!(low <= high, "no integer between {low} and {high}");
    (low, high)
}

pub fn as_f64(bound: Bound) -> f64 {
    match bound {
        Bound::Int(v) => v as f64,
        Bound::Float(v) => v,
    }
}
