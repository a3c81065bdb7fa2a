//! `Operation::encode`: how each parameter of a request goes into
//! `Params`, borrowed from the request where the runtime can.

use super::types::ident;
use crate::model::{Field, Operation, Placement, StructType, Style, Type};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// The `fn encode` of `op`'s `Operation` impl.
pub fn function(op: &Operation) -> TokenStream {
    // In the byte order of the wire names, which for these names (letters,
    // digits and `.`) is the canonical order the signature sorts by: the
    // sort then finds the parameters already in order.
    let mut in_order: Vec<&Field> = op.parameters.iter().collect();
    in_order.sort_by(|a, b| a.wire_name.as_bytes().cmp(b.wire_name.as_bytes()));
    let encodes = in_order.into_iter().map(|f| parameter(op, f));
    if op.parameters.is_empty() {
        return quote! {
            fn encode<'a>(&'a self, _params: &mut crate::operation_support::Params<'a>) {}
        };
    }
    let count = proc_macro2::Literal::usize_unsuffixed(op.parameters.len());
    quote! {
        fn encode<'a>(&'a self, params: &mut crate::operation_support::Params<'a>) {
            params.reserve(#count);
            #(#encodes)*
        }
    }
}

/// The statement for one parameter.
fn parameter(op: &Operation, f: &Field) -> TokenStream {
    let name = ident(&f.rust_name);
    let wire = &f.wire_name;
    // Query parameters are the rule; the others go through the part of
    // the request they travel in.
    let params = match f.placement {
        Placement::Query | Placement::Body => quote!(params),
        Placement::Form => quote!(params.form()),
    };
    let put = match f.style {
        _ if f.placement == Placement::Body => quote!(params.put_body(#wire, value)),
        Style::Plain => quote!(#params.put_static(#wire, value)),
        Style::Json if fields_in_name_order(&f.ty, &op.request_types) => {
            quote!(#params.put_json(#wire, value))
        }
        style => {
            let style = match style {
                Style::RepeatList => format_ident!("RepeatList"),
                Style::Flat => format_ident!("Flat"),
                _ => format_ident!("Json"),
            };
            quote!(#params.put_structured(#wire, crate::operation_support::Style::#style, value))
        }
    };
    if matches!(f.ty, Type::Array(_)) {
        quote! {
            if !self.#name.is_empty() {
                let value = &self.#name;
                #put;
            }
        }
    } else if f.required {
        quote! {
            let value = &self.#name;
            #put;
        }
    } else {
        quote! {
            if let Some(value) = &self.#name {
                #put;
            }
        }
    }
}

/// Whether every object type inside `ty` declares its fields in the byte
/// order of their wire names, the order of a JSON value's keys: then
/// serializing the value directly writes the same text as going through a
/// JSON value.
fn fields_in_name_order(ty: &Type, types: &[StructType]) -> bool {
    match ty {
        Type::Array(item) => fields_in_name_order(item, types),
        Type::Object(name) => match types.iter().find(|t| &t.name == name) {
            Some(found) => {
                found
                    .fields
                    .windows(2)
                    .all(|pair| pair[0].wire_name.as_bytes() < pair[1].wire_name.as_bytes())
                    && found
                        .fields
                        .iter()
                        .all(|field| fields_in_name_order(&field.ty, types))
            }
            None => false,
        },
        Type::String | Type::Int32 | Type::Int64 | Type::Float | Type::Boolean => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(wire: &str, ty: Type) -> Field {
        Field {
            wire_name: wire.to_string(),
            rust_name: wire.to_lowercase(),
            ty,
            required: false,
            style: Style::Plain,
            placement: Placement::Query,
            description: None,
            example: None,
            default: None,
            constraints: Default::default(),
            values: Vec::new(),
            wrapper: None,
            deprecated: false,
            sensitive: false,
        }
    }

    fn object(name: &str, fields: Vec<Field>) -> StructType {
        StructType {
            name: name.to_string(),
            origin: name.to_string(),
            description: None,
            fields,
        }
    }

    #[test]
    fn only_types_in_wire_name_order_are_written_directly() {
        let types = vec![
            object(
                "Outer",
                vec![
                    field("HPCInterConnect", Type::String),
                    field("HostnamePrefix", Type::String),
                    field("Inner", Type::Array(Box::new(Type::Object("Inner".into())))),
                ],
            ),
            object(
                "Inner",
                vec![
                    field("Size", Type::Int32),
                    field("SnapshotId", Type::String),
                ],
            ),
            // Sorted by Rust name (`hostname_prefix`, `hpc_inter_connect`),
            // not by wire name.
            object(
                "Unsorted",
                vec![
                    field("HostnamePrefix", Type::String),
                    field("HPCInterConnect", Type::String),
                ],
            ),
            object(
                "HoldsUnsorted",
                vec![field("A", Type::Object("Unsorted".into()))],
            ),
        ];
        let direct = |ty: Type| fields_in_name_order(&ty, &types);
        assert!(direct(Type::Object("Outer".into())));
        assert!(direct(Type::Array(Box::new(Type::String))));
        assert!(!direct(Type::Object("Unsorted".into())));
        assert!(!direct(Type::Object("HoldsUnsorted".into())));
        assert!(!direct(Type::Object("Missing".into())));
    }
}
