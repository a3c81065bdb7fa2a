//! The paginator of a paging operation: a thin adapter between its call
//! and the hand-written paging loop (`ehpc_sdk::paginate`).

use super::types::{ident, rust_type};
use crate::model::{Operation, Paginator, PagingStyle, Type};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

pub fn emit(op: &Operation) -> TokenStream {
    let Some(paginator) = &op.paginator else {
        return TokenStream::new();
    };
    let call = format_ident!("{}Call", op.name);
    let output = format_ident!("{}Response", op.name);
    let error = format_ident!("{}Error", op.name);
    let item = rust_type(&paginator.item_type);
    let items = ident(&paginator.items_field);
    let action = &op.name;
    let (style, page_methods) = style(paginator);
    let page_size = match &paginator.page_size {
        Some((name, ty)) => {
            let setter = ident(name);
            let value = from_u32(ty, quote!(size));
            quote! {
                fn with_page_size(self, size: u32) -> Self {
                    self.#setter(#value)
                }
            }
        }
        None => quote! {
            fn with_page_size(self, _size: u32) -> Self {
                self
            }
        },
    };
    let doc = format!(
        "Pages through `{}`: [`pages`](crate::paginate::Paginator::pages) gives every answer, \
         [`items`](crate::paginate::Paginator::items) every item of `{}`.",
        op.name, paginator.items_field
    );
    quote! {
        impl #call {
            #[doc = #doc]
            pub fn into_paginator(self) -> crate::paginate::Paginator<Self> {
                crate::paginate::Paginator::new(self)
            }
        }
        impl crate::paginate::Paged for #call {
            type Output = #output;
            type Error = #error;
            type Item = #item;
            const ACTION: &'static str = #action;
            const STYLE: crate::paginate::PagingStyle = #style;
            #page_methods
            #page_size
            fn send_page(self) -> crate::paginate::PageFuture<Self> {
                Box::pin(self.send())
            }
            fn request_id(answer: &#output) -> &str {
                &answer.request_id
            }
            fn item_count(answer: &#output) -> usize {
                answer.#items.len()
            }
            fn into_items(answer: #output) -> Vec<#item> {
                answer.#items
            }
        }
    }
}

fn style(paginator: &Paginator) -> (TokenStream, TokenStream) {
    match paginator.style {
        PagingStyle::PageNumber => {
            let number = paginator.page_param.as_ref().map(|(name, ty)| {
                let setter = ident(name);
                let value = from_u32(ty, quote!(number));
                quote! {
                    fn with_page_number(self, number: u32) -> Self {
                        self.#setter(#value)
                    }
                }
            });
            let total = paginator.total_count.as_ref().map(|(name, ty)| {
                let field = ident(name);
                let value = match ty {
                    Type::String => quote!(answer.#field.as_deref().and_then(|v| v.parse().ok())),
                    _ => quote!(answer.#field.and_then(|v| u64::try_from(v).ok())),
                };
                quote! {
                    fn total_count(answer: &Self::Output) -> Option<u64> {
                        #value
                    }
                }
            });
            (
                quote!(crate::paginate::PagingStyle::PageNumber),
                quote!(#number #total),
            )
        }
        PagingStyle::Token => {
            let field = ident(paginator.next_token.as_deref().unwrap_or("next_token"));
            let setter = ident(
                paginator
                    .page_param
                    .as_ref()
                    .map_or("next_token", |(name, _)| name),
            );
            (
                quote!(crate::paginate::PagingStyle::Token),
                quote! {
                    fn with_token(self, token: String) -> Self {
                        self.#setter(token)
                    }
                    fn next_token(answer: &Self::Output) -> Option<&str> {
                        answer.#field.as_deref()
                    }
                },
            )
        }
    }
}

/// A page number or size for a parameter of type `ty`.
fn from_u32(ty: &Type, value: TokenStream) -> TokenStream {
    match ty {
        Type::String => quote!(#value.to_string()),
        Type::Int64 => quote!(i64::from(#value)),
        _ => quote!(i32::try_from(#value).unwrap_or(i32::MAX)),
    }
}
