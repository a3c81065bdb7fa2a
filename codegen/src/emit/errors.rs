//! The error enum of an operation: one variant per documented code and
//! `Unhandled` for the rest, each holding the service's error details.

use super::docs;
use crate::model::Operation;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

pub fn emit(op: &Operation) -> TokenStream {
    let error = format_ident!("{}Error", op.name);
    let variants = op.errors.iter().map(|e| {
        let variant = format_ident!("{}", e.variant);
        let mut text = match &e.description {
            Some(description) => format!("{}\n\n", description.trim()),
            None => String::new(),
        };
        text.push_str(&format!(
            "Code `{}`, HTTP {}; the service's message: \"{}\"",
            e.code,
            e.status,
            docs::escape(e.message.trim())
        ));
        if e.retryable {
            text.push_str("\n\nTransient: retried by the standard retry policy.");
        }
        let doc = docs::attrs(&text);
        quote! { #doc #variant(crate::ServiceError), }
    });
    let names: Vec<_> = op
        .errors
        .iter()
        .map(|e| format_ident!("{}", e.variant))
        .collect();
    let codes: Vec<_> = op.errors.iter().map(|e| &e.code).collect();
    // Without documented codes every code is unhandled.
    let from_body = if op.errors.is_empty() {
        quote!(Self::Unhandled(details))
    } else {
        quote! {
            match details.code() {
                #(#codes => Self::#names(details),)*
                _ => Self::Unhandled(details),
            }
        }
    };
    let predicates = op.errors.iter().map(|e| {
        let variant = format_ident!("{}", e.variant);
        let predicate = format_ident!("is_{}", e.snake);
        let doc = docs::attrs(&format!("Whether the service answered `{}`.", e.code));
        quote! {
            #doc
            #[inline]
            pub fn #predicate(&self) -> bool {
                matches!(self, Self::#variant(_))
            }
        }
    });
    let doc = docs::attrs(&format!(
        "Errors the service documents for `{}`, by code. Codes it does not \
         document (gateway codes such as `Throttling` or `SignatureDoesNotMatch`) \
         arrive as `Unhandled`; every variant keeps the code, message, request id, \
         HTTP status and the whole error body.",
        op.name
    ));
    quote! {
        #doc
        #[derive(Clone, Debug)]
        #[non_exhaustive]
        pub enum #error {
            #(#variants)*
            /// A code this operation does not document.
            Unhandled(crate::ServiceError),
        }

        impl #error {
            /// The service's error details, whatever the code.
            #[inline]
            pub fn details(&self) -> &crate::ServiceError {
                match self {
                    #(Self::#names(details))|* | Self::Unhandled(details) => details,
                }
            }

            /// The service's error code, e.g. `ClusterNotFound`.
            #[inline]
            pub fn code(&self) -> &str {
                self.details().code()
            }

            /// The service's message.
            #[inline]
            pub fn message(&self) -> &str {
                self.details().message()
            }

            /// The request id the service gave, if any.
            #[inline]
            pub fn request_id(&self) -> Option<&str> {
                self.details().request_id()
            }

            /// The HTTP status of the answer.
            #[inline]
            pub fn status(&self) -> u16 {
                self.details().status()
            }

            #(#predicates)*
        }

        impl From<crate::ServiceError> for #error {
            #[inline]
            fn from(details: crate::ServiceError) -> Self {
                #from_body
            }
        }

        impl std::fmt::Display for #error {
            #[inline]
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                std::fmt::Display::fmt(self.details(), f)
            }
        }

        impl std::error::Error for #error {}

        impl crate::operation_support::OperationError for #error {
            #[inline]
            fn details(&self) -> &crate::ServiceError {
                self.details()
            }
        }
    }
}
