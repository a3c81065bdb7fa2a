//! The request side of an operation: request struct, builder, parameter
//! encoding, nested parameter types and the fluent call.

use super::docs;
use super::types::{field_type, ident, is_scalar, setter_argument};
use crate::model::{Bound, Field, Operation, StructType, Style, Type};
use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};
use std::collections::HashSet;

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
    let encodes = op.parameters.iter().map(encode);
    let params_arg = if op.parameters.is_empty() {
        format_ident!("_params")
    } else {
        format_ident!("params")
    };
    let nested = op.request_types.iter().map(|t| {
        let name = format_ident!("{}", t.name);
        let doc = docs::attrs(&format!(
            "{}\n\nPart of the [`{request}`] parameters (`{}`).",
            t.description
                .as_deref()
                .map(docs::escape)
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
                pub fn #name(mut self, value: #argument) -> Self {
                    self.#name = #store;
                    self
                }
            }
        });
        let check = if checked.contains(&t.name) {
            nested_check(t, &checked)
        } else {
            quote!()
        };
        quote! {
            #doc
            #[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
            #[cfg_attr(feature = "serde-requests", derive(serde::Deserialize))]
            #[cfg_attr(feature = "serde-requests", serde(deny_unknown_fields))]
            #[non_exhaustive]
            pub struct #name { #(#fields)* }

            impl #name {
                /// An empty value; set fields with the chained setters.
                pub fn new() -> Self {
                    Self::default()
                }
                #(#setters)*
            }

            #check
        }
    });

    let method = match op.methods[0] {
        crate::model::HttpMethod::Get => quote!(crate::operation_support::Method::Get),
        crate::model::HttpMethod::Post => quote!(crate::operation_support::Method::Post),
    };
    let read_only = op.read_only();
    let idempotent = op.idempotent;
    let retryable = op.errors.iter().filter(|e| e.retryable).map(|e| &e.code);
    let request_doc = docs::attrs(&format!(
        "Parameters of `{action}`. Build one with [`{request}::builder`] and send it with \
         [`Client::execute`](crate::Client::execute), or use \
         [`Client::{}`](crate::Client::{}).",
        op.snake, op.snake
    ));
    let builder_doc = docs::attrs(&format!(
        "Builder for [`{request}`]; [`build`](Self::build) checks required parameters and limits."
    ));
    let call_doc = docs::attrs(&format!(
        "{}\n\nA call in preparation: set parameters, then [`send`](Self::send) it. \
         Returned by [`Client::{}`](crate::Client::{}).",
        docs::operation(op),
        op.snake,
        op.snake
    ));

    quote! {
        #request_doc
        #[derive(Clone, Debug, PartialEq)]
        #[cfg_attr(feature = "serde-requests", derive(serde::Serialize, serde::Deserialize))]
        #[cfg_attr(feature = "serde-requests", serde(deny_unknown_fields))]
        #[non_exhaustive]
        pub struct #request { #(#fields)* }

        impl #request {
            /// A builder with no parameters set.
            pub fn builder() -> #builder {
                #builder::default()
            }
        }

        #builder_doc
        #[derive(Clone, Debug, Default)]
        pub struct #builder { #(#builder_fields)* }

        impl #builder {
            #(#setters)*

            /// Checks required parameters and limits from the spec.
            pub fn build(self) -> Result<#request, crate::InvalidRequest> {
                #(#checks)*
                Ok(#request { #(#field_names,)* })
            }
        }

        impl crate::operation_support::Operation for #request {
            type Output = #response;
            type Error = #error;
            const INFO: crate::operation_support::OperationInfo =
                crate::operation_support::OperationInfo {
                    action: #action,
                    method: #method,
                    read_only: #read_only,
                    idempotent: #idempotent,
                    retryable_codes: &[#(#retryable),*],
                };

            fn encode(&self, #params_arg: &mut crate::operation_support::Params) {
                #(#encodes)*
            }
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
            pub(crate) fn new(client: crate::Client) -> Self {
                #call { client, builder: #builder::default(), options: crate::CallOptions::default() }
            }

            #(#call_setters)*

            /// Options for this call only (timeouts, retries), overriding the client's.
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

/// The statement in `build()` that takes one field out of the builder,
/// checking presence and limits.
fn build_check(action: &str, f: &Field, checked: &HashSet<String>) -> TokenStream {
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
fn checked_types(op: &Operation) -> HashSet<String> {
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
fn nested_check(t: &StructType, checked: &HashSet<String>) -> TokenStream {
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

/// The statement in `encode()` for one parameter.
fn encode(f: &Field) -> TokenStream {
    let name = ident(&f.rust_name);
    let wire = &f.wire_name;
    let put = match f.style {
        Style::Plain => quote!(params.put_static(#wire, value)),
        style => {
            let style = match style {
                Style::RepeatList => quote!(RepeatList),
                Style::Flat => quote!(Flat),
                _ => quote!(Json),
            };
            quote!(params.put_structured(#wire, crate::operation_support::Style::#style, value))
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
