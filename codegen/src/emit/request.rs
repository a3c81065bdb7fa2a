//! The request side of an operation: request struct, builder, parameter
//! encoding, nested parameter types and the fluent call.

use super::checks::{build_check, checked_types, nested_check};
use super::debug;
use super::docs;
use super::types::{field_type, ident, setter_argument};
use crate::model::{Field, Operation, Type};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

pub fn emit(op: &Operation) -> TokenStream {
    let request = format_ident!("{}Request", op.name);
    let builder = format_ident!("{}RequestBuilder", op.name);
    let response = format_ident!("{}Response", op.name);
    let error = format_ident!("{}Error", op.name);
    let call = format_ident!("{}Call", op.name);
    let action = &op.name;

    let fields = op.parameters.iter().map(|f| {
        let name = ident(&f.rust_name);
        let ty = field_type(&f.ty, f.required);
        let doc = docs::attrs(&docs::field(f, true));
        let serde = request_field_serde(f);
        quote! { #doc #serde pub #name: #ty, }
    });
    let builder_fields = op.parameters.iter().map(|f| {
        let name = ident(&f.rust_name);
        let ty = field_type(&f.ty, false);
        quote! { #name: #ty, }
    });
    let setters = op.parameters.iter().map(|f| {
        let name = ident(&f.rust_name);
        let doc = docs::attrs(&docs::field(f, true));
        let (argument, value) = setter_argument(&f.ty);
        let store = if matches!(f.ty, Type::Array(_)) {
            quote!(#value)
        } else {
            quote!(Some(#value))
        };
        quote! {
            #doc
            #[inline]
            pub fn #name(mut self, value: #argument) -> Self {
                self.#name = #store;
                self
            }
        }
    });
    let call_setters = op.parameters.iter().map(|f| {
        let name = ident(&f.rust_name);
        let doc = docs::attrs(&docs::field(f, true));
        let (argument, _) = setter_argument(&f.ty);
        quote! {
            #doc
            #[inline]
            pub fn #name(mut self, value: #argument) -> Self {
                self.builder = self.builder.#name(value);
                self
            }
        }
    });
    let checked = checked_types(op);
    let checks = op
        .parameters
        .iter()
        .map(|f| build_check(action, f, &checked));
    let field_names = op.parameters.iter().map(|f| ident(&f.rust_name));
    let unbuilt = op.parameters.iter().map(|f| {
        let name = ident(&f.rust_name);
        if f.required && !matches!(f.ty, Type::Array(_)) {
            quote!(#name: Some(request.#name))
        } else {
            quote!(#name: request.#name)
        }
    });
    let request_arg = if op.parameters.is_empty() {
        format_ident!("_request")
    } else {
        format_ident!("request")
    };
    let encode = super::encode::function(op);
    let nested = op.request_types.iter().map(|t| {
        let name = format_ident!("{}", t.name);
        let doc = docs::attrs(&format!(
            "{}\n\nPart of the [`{request}`] parameters (`{}`).",
            t.description
                .as_deref()
                .map(|d| d.trim().to_string())
                .unwrap_or_else(|| format!("`{}` parameter value.", t.name)),
            t.origin
        ));
        let fields = t.fields.iter().map(|f| {
            let name = ident(&f.rust_name);
            let ty = field_type(&f.ty, false);
            let wire = &f.wire_name;
            let doc = docs::attrs(&docs::field(f, false));
            let skip = skip_when_absent(&f.ty);
            quote! { #doc #[serde(rename = #wire, default, #skip)] pub #name: #ty, }
        });
        let setters = t.fields.iter().map(|f| {
            let name = ident(&f.rust_name);
            let (argument, value) = setter_argument(&f.ty);
            let store = if matches!(f.ty, Type::Array(_)) {
                quote!(#value)
            } else {
                quote!(Some(#value))
            };
            let doc = docs::attrs(&format!("Sets [`{}::{}`].", t.name, f.rust_name));
            quote! {
                #doc
                #[inline]
                pub fn #name(mut self, value: #argument) -> Self {
                    self.#name = #store;
                    self
                }
            }
        });
        let derive_debug = debug::derive_debug(&t.fields);
        let redacting_debug = debug::redacting_impl(&name, &t.fields);
        let check = if checked.contains(&t.name) {
            nested_check(t, &checked)
        } else {
            quote!()
        };
        quote! {
            #doc
            #[derive(Clone, #derive_debug Default, PartialEq, serde::Serialize)]
            #[cfg_attr(feature = "serde-requests", derive(serde::Deserialize))]
            #[cfg_attr(feature = "serde-requests", serde(deny_unknown_fields))]
            #[non_exhaustive]
            pub struct #name { #(#fields)* }

            impl #name {
                /// An empty value; set fields with the chained setters.
                #[inline]
                pub fn new() -> Self {
                    Self::default()
                }
                #(#setters)*
            }

            #redacting_debug
            #check
        }
    });

    let method = match op.method {
        crate::model::HttpMethod::Get => quote!(crate::operation_support::Method::Get),
        crate::model::HttpMethod::Post => quote!(crate::operation_support::Method::Post),
    };
    let version = &op.version;
    let product = &op.product;
    let read_only = op.read_only();
    let idempotent = op.idempotent;
    let retryable = op.errors.iter().filter(|e| e.retryable).map(|e| &e.code);
    let request_doc = docs::attrs(&format!(
        "Parameters of `{action}`. Build one with [`{request}::builder`] and send it with \
         [`Client::execute`](crate::Client::execute), or use \
         [`Client::{}`]({}::Client::{}).",
        op.snake, op.module_path, op.snake
    ));
    let builder_doc = docs::attrs(&format!(
        "Builder for [`{request}`]; [`build`](Self::build) checks required parameters and limits."
    ));
    let call_doc = docs::attrs(&format!(
        "{}\n\nA call in preparation: set parameters, then [`send`](Self::send) it. \
         Returned by [`Client::{}`]({}::Client::{}).",
        docs::operation(op),
        op.snake,
        op.module_path,
        op.snake
    ));

    let derive_debug = debug::derive_debug(&op.parameters);
    let request_debug = debug::redacting_impl(&request, &op.parameters);
    let builder_debug = debug::redacting_impl(&builder, &op.parameters);

    quote! {
        #request_doc
        #[derive(Clone, #derive_debug PartialEq)]
        #[cfg_attr(feature = "serde-requests", derive(serde::Serialize, serde::Deserialize))]
        #[cfg_attr(feature = "serde-requests", serde(deny_unknown_fields))]
        #[non_exhaustive]
        pub struct #request { #(#fields)* }

        impl #request {
            /// A builder with no parameters set.
            #[inline]
            pub fn builder() -> #builder {
                #builder::default()
            }
        }

        #request_debug

        #builder_doc
        #[derive(Clone, #derive_debug Default)]
        pub struct #builder { #(#builder_fields)* }

        #builder_debug

        impl #builder {
            #(#setters)*

            /// Checks required parameters and limits from the spec.
            #[inline]
            pub fn build(self) -> Result<#request, crate::InvalidRequest> {
                #(#checks)*
                Ok(#request { #(#field_names,)* })
            }
        }

        /// The builder holding a request's values, so a request read from
        /// JSON is checked by [`build`](#builder::build) like any other.
        #[cfg(feature = "serde-requests")]
        impl From<#request> for #builder {
            fn from(#request_arg: #request) -> Self {
                #builder { #(#unbuilt,)* }
            }
        }

        #[cfg(feature = "serde-requests")]
        impl crate::operation_support::CheckedRequest for #request {
            fn checked(self) -> Result<Self, crate::InvalidRequest> {
                <#builder as From<#request>>::from(self).build()
            }
        }

        impl crate::operation_support::Operation for #request {
            type Output = #response;
            type Error = #error;
            const INFO: crate::operation_support::OperationInfo =
                crate::operation_support::OperationInfo {
                    action: #action,
                    product: #product,
                    version: #version,
                    method: #method,
                    read_only: #read_only,
                    idempotent: #idempotent,
                    retryable_codes: &[#(#retryable),*],
                };

            #encode
        }

        #(#nested)*

        #call_doc
        #[derive(Clone, Debug)]
        pub struct #call {
            client: crate::Client,
            builder: #builder,
            options: crate::CallOptions,
        }

        impl #call {
            #[inline]
            pub(crate) fn new(client: crate::Client) -> Self {
                #call { client, builder: #builder::default(), options: crate::CallOptions::default() }
            }

            #(#call_setters)*

            /// Options for this call only (timeouts, retries), overriding the client's.
            #[inline]
            pub fn with_options(mut self, options: crate::CallOptions) -> Self {
                self.options = options;
                self
            }

            /// Checks the parameters, signs and sends the request, and decodes the answer.
            pub async fn send(self) -> Result<#response, crate::Error<#error>> {
                let request = self.builder.build().map_err(crate::Error::InvalidRequest)?;
                self.client.execute_with(&request, &self.options).await
            }
        }
    }
}

/// The serde attributes of a request field, present only with the
/// `serde-requests` feature: the wire name, and for an optional parameter a
/// default when absent (so a missing required one fails to deserialize).
fn request_field_serde(f: &Field) -> TokenStream {
    let wire = &f.wire_name;
    if f.required {
        quote!(#[cfg_attr(feature = "serde-requests", serde(rename = #wire))])
    } else {
        let skip = skip_when_absent(&f.ty);
        quote!(#[cfg_attr(feature = "serde-requests", serde(rename = #wire, default, #skip))])
    }
}

/// Leaves an absent value (empty list, `None`) out when serializing.
fn skip_when_absent(ty: &Type) -> TokenStream {
    if matches!(ty, Type::Array(_)) {
        quote!(skip_serializing_if = "Vec::is_empty")
    } else {
        quote!(skip_serializing_if = "Option::is_none")
    }
}
