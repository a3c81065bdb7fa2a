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
    let fields = op.response.iter().map(field);
    let request_id = if has_request_id {
        quote!()
    } else {
        quote! {
            /// Id of the request, for support and log correlation.
            pub request_id: String,
        }
    };
    let decode = decode_impl(&response, &op.response, !has_request_id);
    let encode = encode_impl(&response, &op.response, !has_request_id);
    let doc = docs::attrs(&format!(
        "The answer to `{}`. Fields the service did not send are `None` (or empty); \
         fields it sent that the spec does not know are kept in `unknown_fields`.",
        op.name
    ));
    let nested = op.response_types.iter().map(|t| nested(op, t));
    quote! {
        #doc
        #[derive(Clone, Debug, Default, PartialEq)]
        #[non_exhaustive]
        pub struct #response {
            #(#fields)*
            #request_id
            /// Fields the service sent that the spec does not describe.
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
        #encode
        #(#nested)*
    }
}

fn nested(op: &Operation, t: &StructType) -> TokenStream {
    let name = format_ident!("{}", t.name);
    let doc = docs::attrs(&format!(
        "{}\n\nPart of the [`{}Response`] (`{}`).",
        t.description
            .as_deref()
            .map(|d| d.trim().to_string())
            .unwrap_or_else(|| format!("`{}` value.", t.name)),
        op.name,
        t.origin
    ));
    let fields = t.fields.iter().map(field);
    let decode = decode_impl(&name, &t.fields, false);
    let encode = encode_impl(&name, &t.fields, false);
    quote! {
        #doc
        #[derive(Clone, Debug, Default, PartialEq)]
        #[non_exhaustive]
        pub struct #name {
            #(#fields)*
            /// Fields the service sent that the spec does not describe.
            pub unknown_fields: serde_json::Map<String, serde_json::Value>,
        }
        #decode
        #encode
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

fn field(f: &Field) -> TokenStream {
    let name = ident(&f.rust_name);
    let doc = docs::attrs(&docs::field(f, false));
    let ty = if f.wire_name == "RequestId" {
        quote!(String)
    } else {
        field_type(&f.ty, false)
    };
    quote! {
        #doc
        pub #name: #ty,
    }
}

/// `ToJson`, one non-generic function listing each field by wire name,
/// and a `Serialize` that hands the list to the shared serializer; the
/// output has the shape the service sent (wrapped lists in their wrapper).
fn encode_impl(name: &proc_macro2::Ident, fields: &[Field], add_request_id: bool) -> TokenStream {
    let writes = fields.iter().map(|f| {
        let field = ident(&f.rust_name);
        let wire = &f.wire_name;
        if f.wire_name == "RequestId" {
            return quote!(entries.request_id(&self.#field););
        }
        match (&f.ty, &f.wrapper) {
            (Type::Array(item), Some(wrapper)) if is_scalar(item) => {
                quote!(entries.wrapped_scalar_list(#wire, #wrapper, &self.#field);)
            }
            (Type::Array(_), Some(wrapper)) => {
                quote!(entries.wrapped_list(#wire, #wrapper, &self.#field);)
            }
            (Type::Array(item), None) if is_scalar(item) => {
                quote!(entries.scalar_list(#wire, &self.#field);)
            }
            (Type::Array(_), None) => quote!(entries.list(#wire, &self.#field);),
            (Type::Object(_), _) => quote!(entries.object(#wire, &self.#field);),
            _ => quote!(entries.scalar(#wire, &self.#field);),
        }
    });
    let request_id = add_request_id.then(|| quote!(entries.request_id(&self.request_id);));
    let count = fields.len() + usize::from(add_request_id);
    // A type with no known field only writes back what it was sent.
    let binding = if count == 0 {
        quote!(entries)
    } else {
        quote!(mut entries)
    };
    let count = proc_macro2::Literal::usize_unsuffixed(count);
    quote! {
        impl crate::decode::ToJson for #name {
            #[inline]
            fn entries(&self) -> crate::decode::Entries<'_> {
                let #binding = crate::decode::Entries::new(#count, &self.unknown_fields);
                #(#writes)*
                #request_id
                entries
            }
        }
        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                crate::decode::serialize(self, serializer)
            }
        }
    }
}
