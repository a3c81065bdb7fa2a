//! The response side of an operation: the response struct and its nested
//! types, decoded leniently from the service's JSON.

use super::docs;
use super::types::{field_type, ident, is_scalar};
use crate::model::{Field, Operation, StructType, Type};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

pub fn emit(op: &Operation) -> TokenStream {
    let response = format_ident!("{}Response", op.name);
    let has_request_id = op.response.iter().any(|f| f.wire_name == "RequestId");
    let fields = op.response.iter().map(|f| field(op, f));
    let request_id = if has_request_id {
        quote!()
    } else {
        quote! {
            /// Id of the request, for support and log correlation.
            #[serde(rename = "RequestId")]
            pub request_id: String,
        }
    };
    let decode = decode_impl(&response, &op.response, !has_request_id);
    let doc = docs::attrs(&format!(
        "The answer to `{}`. Fields the service did not send are `None` (or empty); \
         fields it sent that the spec does not know are kept in `unknown_fields`.",
        op.name
    ));
    let nested = op.response_types.iter().map(|t| nested(op, t));
    let wrappers = wrapper_fns(op);
    quote! {
        #doc
        #[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
        #[non_exhaustive]
        pub struct #response {
            #(#fields)*
            #request_id
            /// Fields the service sent that the spec does not describe.
            #[serde(flatten)]
            pub unknown_fields: serde_json::Map<String, serde_json::Value>,
        }

        impl #response {
            /// Id of the request, for support and log correlation.
            #[inline]
            pub fn request_id(&self) -> &str {
                &self.request_id
            }
        }

        #decode
        #(#nested)*
        #wrappers
    }
}

fn nested(op: &Operation, t: &StructType) -> TokenStream {
    let name = format_ident!("{}", t.name);
    let doc = docs::attrs(&format!(
        "{}\n\nPart of the [`{}Response`] (`{}`).",
        t.description
            .as_deref()
            .map(docs::escape)
            .unwrap_or_else(|| format!("`{}` value.", t.name)),
        op.name,
        t.origin
    ));
    let fields = t.fields.iter().map(|f| field(op, f));
    let decode = decode_impl(&name, &t.fields, false);
    quote! {
        #doc
        #[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
        #[non_exhaustive]
        pub struct #name {
            #(#fields)*
            /// Fields the service sent that the spec does not describe.
            #[serde(flatten)]
            pub unknown_fields: serde_json::Map<String, serde_json::Value>,
        }
        #decode
    }
}

/// `FromJson`, one non-generic function taking each field out by wire name,
/// and a `Deserialize` that reads a JSON value and hands it over, so the
/// generic code per type is one call.
/// `add_request_id` reads the `RequestId` a response's spec does not list.
fn decode_impl(name: &proc_macro2::Ident, fields: &[Field], add_request_id: bool) -> TokenStream {
    let request_id = add_request_id.then(|| quote!(request_id: fields.request_id(),));
    let reads = fields.iter().map(|f| {
        let field = ident(&f.rust_name);
        let wire = &f.wire_name;
        let read = if f.wire_name == "RequestId" {
            quote!(request_id())
        } else {
            let method = match &f.ty {
                Type::Array(item) => match (f.wrapper.is_some(), is_scalar(item)) {
                    (false, false) => "list",
                    (false, true) => "scalar_list",
                    (true, false) => "wrapped_list",
                    (true, true) => "wrapped_scalar_list",
                },
                Type::Object(_) => "object",
                _ => "scalar",
            };
            let method = format_ident!("{}", method);
            quote!(#method(#wire))
        };
        quote!(#field: fields.#read,)
    });
    quote! {
        impl crate::decode::FromJson for #name {
            #[inline]
            fn from_json(
                value: serde_json::Value,
                path: &crate::decode::Path<'_>,
            ) -> Result<Self, String> {
                let mut fields = crate::decode::Fields::new(value, path)?;
                let decoded = #name {
                    #(#reads)*
                    #request_id
                    unknown_fields: fields.take_rest(),
                };
                fields.finish().map(|()| decoded)
            }
        }
        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                crate::decode::deserialize(deserializer)
            }
        }
    }
}

fn field(op: &Operation, f: &Field) -> TokenStream {
    let name = ident(&f.rust_name);
    let wire = &f.wire_name;
    let doc = docs::attrs(&docs::field(f, false));
    if f.wire_name == "RequestId" {
        return quote! {
            #doc
            #[serde(rename = "RequestId")]
            pub request_id: String,
        };
    }
    let ty = field_type(&f.ty, false);
    let with = match (&f.ty, &f.wrapper) {
        (Type::Array(_), Some(wrapper)) => {
            let ser = format!(
                "{}::serialize_{}",
                wrapper_module(op),
                crate::naming::snake(wrapper)
            );
            quote!(serialize_with = #ser)
        }
        (Type::Array(_), None) => quote!(skip_serializing_if = "Vec::is_empty"),
        _ => quote!(skip_serializing_if = "Option::is_none"),
    };
    quote! {
        #doc
        #[serde(rename = #wire, #with)]
        pub #name: #ty,
    }
}

fn wrapper_module(op: &Operation) -> String {
    format!("{}::wrappers", docs::operation_module(op))
}

/// Serializers that put wrapped lists back in their wrapper object, so a
/// decoded response encodes to the shape the service sent.
fn wrapper_fns(op: &Operation) -> TokenStream {
    let mut fns = Vec::new();
    let all = op
        .response
        .iter()
        .chain(op.response_types.iter().flat_map(|t| t.fields.iter()));
    let mut seen = std::collections::HashSet::new();
    for f in all {
        let Some(wrapper) = &f.wrapper else {
            continue;
        };
        if !seen.insert(wrapper.clone()) {
            continue;
        }
        let name = format_ident!("serialize_{}", crate::naming::snake(wrapper));
        fns.push(quote! {
            pub(crate) fn #name<T: serde::Serialize, S: serde::Serializer>(
                value: &[T],
                serializer: S,
            ) -> Result<S::Ok, S::Error> {
                crate::wire::ser::wrapped_list(#wrapper, value, serializer)
            }
        });
    }
    if fns.is_empty() {
        return quote!();
    }
    quote! {
        pub(crate) mod wrappers {
            #(#fns)*
        }
    }
}
