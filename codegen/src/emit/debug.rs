//! `Debug` for types holding a sensitive parameter: every field as the
//! derived `Debug` prints it, but secrets redacted.

use super::types::ident;
use crate::model::Field;
use proc_macro2::{Ident, TokenStream};
use quote::quote;

/// Whether a type with these fields needs the redacting `Debug` rather
/// than the derived one.
pub fn redacts(fields: &[Field]) -> bool {
    fields.iter().any(|f| f.sensitive)
}

/// The derive list for a type with `fields`: `Debug` only when nothing in
/// it is secret.
pub fn derive_debug(fields: &[Field]) -> TokenStream {
    if redacts(fields) {
        quote!()
    } else {
        quote!(Debug,)
    }
}

/// `impl Debug` for `name` when one of `fields` is sensitive; nothing
/// otherwise.
pub fn redacting_impl(name: &Ident, fields: &[Field]) -> TokenStream {
    if !redacts(fields) {
        return quote!();
    }
    let entries = fields.iter().map(|f| {
        let field = ident(&f.rust_name);
        let label = field.to_string();
        let label = label.trim_start_matches("r#");
        if f.sensitive {
            quote!(.field(#label, &crate::redact::Sensitive(&self.#field)))
        } else {
            quote!(.field(#label, &self.#field))
        }
    });
    let label = name.to_string();
    quote! {
        impl std::fmt::Debug for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct(#label) #(#entries)* .finish()
            }
        }
    }
}
