//! Rust types for spec types, shared by the request and response emitters.

use crate::model::Type;
use crate::naming;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// The Rust type of a value of `ty` (without `Option`).
pub fn rust_type(ty: &Type) -> TokenStream {
    match ty {
        Type::String => quote!(String),
        Type::Int32 => quote!(i32),
        Type::Int64 => quote!(i64),
        Type::Float => quote!(f64),
        Type::Boolean => quote!(bool),
        Type::Array(item) => {
            let item = rust_type(item);
            quote!(Vec<#item>)
        }
        Type::Object(name) => {
            let name = format_ident!("{}", name);
            quote!(#name)
        }
    }
}

/// The field type: arrays are plain `Vec`s (empty when absent), everything
/// else is `Option` unless the caller must set it.
pub fn field_type(ty: &Type, required: bool) -> TokenStream {
    let inner = rust_type(ty);
    if required || matches!(ty, Type::Array(_)) {
        inner
    } else {
        quote!(Option<#inner>)
    }
}

/// The argument type of a setter and how to turn it into the stored value.
pub fn setter_argument(ty: &Type) -> (TokenStream, TokenStream) {
    match ty {
        Type::String => (quote!(impl Into<String>), quote!(value.into())),
        other => (rust_type(other), quote!(value)),
    }
}

pub fn ident(name: &str) -> proc_macro2::Ident {
    naming::ident(name)
}

pub fn is_scalar(ty: &Type) -> bool {
    !matches!(ty, Type::Array(_) | Type::Object(_))
}
