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
            #[serde(rename = "RequestId", default)]
            pub request_id: String,
        }
    };
    let doc = docs::attrs(&format!(
        "The answer to `{}`. Fields the service did not send are `None` (or empty); \
         fields it sent that the spec does not know are kept in `unknown_fields`.",
        op.name
    ));
    let nested = op.response_types.iter().map(|t| nested(op, t));
    let wrappers = wrapper_fns(op);
    quote! {
        #doc
        #[derive(Clone, Debug, Default, PartialEq, serde::Deserialize, serde::Serialize)]
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
            pub fn request_id(&self) -> &str {
                &self.request_id
            }
        }

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
    quote! {
        #doc
        #[derive(Clone, Debug, Default, PartialEq, serde::Deserialize, serde::Serialize)]
        #[non_exhaustive]
        pub struct #name {
            #(#fields)*
            /// Fields the service sent that the spec does not describe.
            #[serde(flatten)]
            pub unknown_fields: serde_json::Map<String, serde_json::Value>,
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
            #[serde(rename = "RequestId", default)]
            pub request_id: String,
        };
    }
    let ty = field_type(&f.ty, false);
    let with = match &f.ty {
        Type::Array(item) => {
            let de = match (f.wrapper.is_some(), is_scalar(item)) {
                (false, false) => "crate::wire::de::list",
                (false, true) => "crate::wire::de::scalar_list",
                (true, false) => "crate::wire::de::wrapped_list",
                (true, true) => "crate::wire::de::wrapped_scalar_list",
            };
            match &f.wrapper {
                Some(wrapper) => {
                    let ser = format!(
                        "{}::serialize_{}",
                        wrapper_module(op),
                        crate::naming::snake(wrapper)
                    );
                    quote!(deserialize_with = #de, serialize_with = #ser)
                }
                None => quote!(deserialize_with = #de, skip_serializing_if = "Vec::is_empty"),
            }
        }
        Type::Object(_) => quote!(skip_serializing_if = "Option::is_none"),
        _ => quote!(
            deserialize_with = "crate::wire::de::scalar",
            skip_serializing_if = "Option::is_none"
        ),
    };
    quote! {
        #doc
        #[serde(rename = #wire, default, #with)]
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
