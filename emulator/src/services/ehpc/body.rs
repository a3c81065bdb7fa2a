//! Success bodies built from a spec's response fields and their examples.

use crate::spec::struct_type;
use codegen::model::{Field, Operation, StructType, Type};
use serde_json::{Map, Number, Value};

/// Object types nest as deep as specs write them; this only stops a spec
/// whose types refer to each other from recursing forever.
const MAX_DEPTH: usize = 32;

/// The success answer of `operation`: every response field with its
/// example (lists with one item), `RequestId` set to `request_id`.
pub(crate) fn success(operation: &Operation, request_id: &str) -> Value {
    let builder = Builder {
        types: &operation.response_types,
    };
    let mut body = builder.fields(&operation.response, 0);
    body.insert("RequestId".into(), Value::String(request_id.to_string()));
    Value::Object(body)
}

struct Builder<'a> {
    types: &'a [StructType],
}

impl Builder<'_> {
    fn fields(&self, fields: &[Field], depth: usize) -> Map<String, Value> {
        fields
            .iter()
            .map(|field| (field.wire_name.clone(), self.field(field, depth)))
            .collect()
    }

    fn field(&self, field: &Field, depth: usize) -> Value {
        let value = match &field.ty {
            Type::Array(item) => {
                // A structured example shows a whole list; use it as is.
                let example_list = field
                    .example
                    .as_deref()
                    .and_then(|text| serde_json::from_str::<Value>(text).ok())
                    .filter(Value::is_array);
                example_list.unwrap_or_else(|| {
                    let one = match item.as_ref() {
                        Type::Array(_) | Type::Object(_) => self.value(item, None, depth + 1),
                        scalar => self.value(scalar, field.example.as_deref(), depth + 1),
                    };
                    Value::Array(vec![one])
                })
            }
            ty => self.value(ty, field.example.as_deref(), depth),
        };
        match &field.wrapper {
            Some(wrapper) => {
                let mut wrapped = Map::new();
                wrapped.insert(wrapper.clone(), value);
                Value::Object(wrapped)
            }
            None => value,
        }
    }

    fn value(&self, ty: &Type, example: Option<&str>, depth: usize) -> Value {
        if depth > MAX_DEPTH {
            return Value::Null;
        }
        match ty {
            Type::String => Value::String(example.unwrap_or_default().to_string()),
            Type::Int32 | Type::Int64 => example
                .and_then(|text| text.parse::<i64>().ok())
                .map_or(Value::from(0), Value::from),
            Type::Float => example
                .and_then(|text| text.parse::<f64>().ok())
                .and_then(Number::from_f64)
                .map_or(Value::from(0.0), Value::Number),
            Type::Boolean => Value::Bool(example == Some("true")),
            Type::Array(item) => Value::Array(vec![self.value(item, None, depth + 1)]),
            Type::Object(name) => match struct_type(self.types, name) {
                Some(shape) => Value::Object(self.fields(&shape.fields, depth + 1)),
                None => Value::Object(Map::new()),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::{embedded_service, Catalog};
    use serde_json::json;

    #[test]
    fn builds_every_shape_from_the_examples() {
        let catalog = Catalog::from_texts(
            "fixture",
            embedded_service(),
            [(
                "DescribeShapes.yaml",
                include_str!("../../../tests/fixtures/DescribeShapes.yaml"),
            )],
        )
        .unwrap();
        let operation = catalog.operation("DescribeShapes").unwrap();
        assert_eq!(
            success(operation, "FRESH-ID"),
            json!({
                "RequestId": "FRESH-ID",
                "TotalCount": 12,
                "Load": 0.75,
                "Healthy": true,
                "Owner": {"Uid": 1_234_567_890_123_i64, "Name": "alice"},
                "Shapes": {"ShapeInfo": [{"Id": "shape-1", "Sides": {"Side": [0]}}]},
                "Labels": ["a", "b"],
            })
        );
    }
}
