//! The checks generated builders run before anything is sent: presence
//! and limits of parameters, and of the fields of nested parameter values.

use super::types::{ident, is_scalar};
use crate::model::{Bound, Field, Operation, StructType, Type};
use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};
use std::collections::HashSet;

/// The statement in `build()` that takes one field out of the builder,
/// checking presence and limits.
pub(super) fn build_check(action: &str, f: &Field, checked: &HashSet<String>) -> TokenStream {
    let name = ident(&f.rust_name);
    let wire = &f.wire_name;
    let path = quote!(crate::operation_support::ParamPath::Name(#wire));
    let is_list = matches!(f.ty, Type::Array(_));
    let take = if f.required && !is_list {
        quote!(let #name = crate::operation_support::check::required(#action, &#path, self.#name)?;)
    } else {
        quote!(let #name = self.#name;)
    };
    let required_list = if f.required && is_list {
        quote!(crate::operation_support::check::required_list(#action, &#path, &#name)?;)
    } else {
        quote!()
    };
    let site = CheckSite {
        operation: quote!(#action),
        path,
        value: quote!(#name),
        always_set: f.required || is_list,
    };
    let checks = limit_checks(f, &site, checked);
    quote! { #take #required_list #(#checks)* }
}

/// Where the checks of one field run: in `build()` on a local taken out of
/// the builder, or in a nested type's `check()` on `self`'s field.
struct CheckSite {
    /// The operation name: a literal, or `check()`'s `operation` argument.
    operation: TokenStream,
    /// A `ParamPath` expression naming the field.
    path: TokenStream,
    /// The field's stored value (`Option<T>` unless `always_set`).
    value: TokenStream,
    /// Required scalars and lists are stored without `Option`.
    always_set: bool,
}

/// The checks of `f`'s limits and of the nested values inside it.
fn limit_checks(f: &Field, site: &CheckSite, checked: &HashSet<String>) -> Vec<TokenStream> {
    let CheckSite {
        operation,
        path,
        value: stored,
        always_set,
    } = site;
    // Runs a check on the value: directly when it is always set, else only
    // when the caller set it.
    let on_value = |check: TokenStream| {
        if *always_set {
            quote! { { let value = &#stored; #check } }
        } else {
            quote! { if let Some(value) = &#stored { #check } }
        }
    };
    let check = quote!(crate::operation_support::check);
    let c = &f.constraints;
    let mut checks = Vec::new();
    match &f.ty {
        Type::Int32 | Type::Int64 if c.minimum.is_some() || c.maximum.is_some() => {
            let (min, max) = (option_i64(c.minimum), option_i64(c.maximum));
            checks.push(on_value(quote! {
                #check::int_range(#operation, &#path, i64::from(*value), #min, #max)?;
            }));
        }
        Type::Float if c.minimum.is_some() || c.maximum.is_some() => {
            let (min, max) = (option_f64(c.minimum), option_f64(c.maximum));
            checks.push(on_value(quote! {
                #check::float_range(#operation, &#path, *value, #min, #max)?;
            }));
        }
        Type::String if c.min_length.is_some() || c.max_length.is_some() => {
            let (min, max) = (option_u64(c.min_length), option_u64(c.max_length));
            checks.push(on_value(quote! {
                #check::length(#operation, &#path, value, #min, #max)?;
            }));
        }
        Type::Array(_) if c.min_items.is_some() || c.max_items.is_some() => {
            let (min, max) = (option_u64(c.min_items), option_u64(c.max_items));
            // An empty optional list is not sent, so its limits do not apply.
            checks.push(quote! {
                if !#stored.is_empty() {
                    #check::items(#operation, &#path, #stored.len(), #min, #max)?;
                }
            });
        }
        _ => {}
    }
    if !c.enum_values.is_empty() && is_scalar(&f.ty) {
        let values = &c.enum_values;
        checks.push(on_value(quote! {
            #check::one_of(#operation, &#path, &value.to_string(), &[#(#values),*])?;
        }));
    }
    match &f.ty {
        Type::Object(type_name) if checked.contains(type_name) => {
            checks.push(on_value(quote! { value.check(#operation, &#path)?; }));
        }
        Type::Array(item) if matches!(&**item, Type::Object(t) if checked.contains(t)) => {
            checks.push(quote! {
                for (index, item) in #stored.iter().enumerate() {
                    let list = #path;
                    item.check(#operation, &crate::operation_support::ParamPath::Item(&list, index + 1))?;
                }
            });
        }
        _ => {}
    }
    checks
}

/// Nested request types with something to check: a required field, a
/// limit, or a nested type that has one.
pub(super) fn checked_types(op: &Operation) -> HashSet<String> {
    let mut checked = HashSet::new();
    // Types reference only types registered before them, but iterate to a
    // fixed point rather than rely on order.
    loop {
        let before = checked.len();
        for t in &op.request_types {
            if !checked.contains(&t.name) && t.fields.iter().any(|f| needs_check(f, &checked)) {
                checked.insert(t.name.clone());
            }
        }
        if checked.len() == before {
            return checked;
        }
    }
}

fn needs_check(f: &Field, checked: &HashSet<String>) -> bool {
    let c = &f.constraints;
    let limited = c.minimum.is_some()
        || c.maximum.is_some()
        || c.min_length.is_some()
        || c.max_length.is_some()
        || c.min_items.is_some()
        || c.max_items.is_some()
        || (!c.enum_values.is_empty() && is_scalar(&f.ty));
    let nested = match &f.ty {
        Type::Object(name) => checked.contains(name),
        Type::Array(item) => matches!(&**item, Type::Object(name) if checked.contains(name)),
        _ => false,
    };
    f.required || limited || nested
}

/// `check()` of a nested request type: the same checks as `build()` runs
/// on parameters, named by their wire path (`User.1.Name`).
pub(super) fn nested_check(t: &StructType, checked: &HashSet<String>) -> TokenStream {
    let checks = t.fields.iter().filter(|f| needs_check(f, checked)).map(|f| {
        let name = ident(&f.rust_name);
        let wire = &f.wire_name;
        let path = quote!(crate::operation_support::ParamPath::Field(path, #wire));
        let required = match (f.required, &f.ty) {
            (false, _) => quote!(),
            (true, Type::Array(_)) => {
                quote!(crate::operation_support::check::required_list(operation, &#path, &self.#name)?;)
            }
            (true, _) => {
                quote!(crate::operation_support::check::present(operation, &#path, &self.#name)?;)
            }
        };
        let site = CheckSite {
            operation: quote!(operation),
            path,
            value: quote!(self.#name),
            // Nested fields are `Option`s (lists are plain `Vec`s).
            always_set: matches!(f.ty, Type::Array(_)),
        };
        let limits = limit_checks(f, &site, checked);
        quote! { #required #(#limits)* }
    });
    let name = format_ident!("{}", t.name);
    quote! {
        impl #name {
            /// Checks required fields and limits, naming a problem by its
            /// wire path below `path` (rendered only when a check fails).
            pub(crate) fn check(
                &self,
                operation: &'static str,
                path: &crate::operation_support::ParamPath<'_>,
            ) -> Result<(), crate::InvalidRequest> {
                #(#checks)*
                Ok(())
            }
        }
    }
}

fn option_i64(bound: Option<Bound>) -> TokenStream {
    match bound {
        Some(Bound::Int(v)) => {
            let v = Literal::i64_suffixed(v);
            quote!(Some(#v))
        }
        Some(Bound::Float(v)) => {
            let v = Literal::i64_suffixed(v as i64);
            quote!(Some(#v))
        }
        None => quote!(None),
    }
}

fn option_f64(bound: Option<Bound>) -> TokenStream {
    match bound {
        Some(Bound::Int(v)) => {
            let v = Literal::f64_suffixed(v as f64);
            quote!(Some(#v))
        }
        Some(Bound::Float(v)) => {
            let v = Literal::f64_suffixed(v);
            quote!(Some(#v))
        }
        None => quote!(None),
    }
}

fn option_u64(value: Option<u64>) -> TokenStream {
    match value {
        Some(v) => {
            let v = Literal::u64_suffixed(v);
            quote!(Some(#v))
        }
        None => quote!(None),
    }
}
