//! Generic calls by version and action name (`Client::call_json`, feature
//! `serde-requests`): one dispatch table per version and one over the
//! versions compiled in.

use crate::model::Api;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// `<version>/call_json.rs`: the version's actions and their dispatch.
pub fn version(api: &Api) -> TokenStream {
    let actions = api.operations.iter().map(|op| &op.name);
    let arms = api.operations.iter().map(|op| {
        let action = &op.name;
        let module = format_ident!("{}", op.snake);
        let request = format_ident!("{}Request", op.name);
        quote! {
            #action => crate::operation_support::call_json::<super::operation::#module::#request>(client, params).await,
        }
    });
    quote! {
        //! Calls of this version by action name, for `Client::call_json`.

        /// Every action of this version, sorted.
        pub(crate) const ACTIONS: &[&str] = &[#(#actions),*];

        /// `params` (wire names) as `action`'s request, checked and sent;
        /// `None` for an action this version does not have.
        pub(crate) async fn call(
            client: &crate::Client,
            action: &str,
            params: serde_json::Value,
        ) -> Option<Result<serde_json::Value, crate::Error<crate::ServiceError>>> {
            Some(match action {
                #(#arms)*
                _ => return None,
            })
        }
    }
}

/// `call_json.rs`: the APIs compiled in, each under its feature.
pub fn root(apis: &[Api]) -> TokenStream {
    let entries = apis.iter().map(|api| {
        let product = &api.service.product;
        let version = &api.service.version;
        let feature = &api.service.feature;
        let module = module_path(api);
        quote! {
            #[cfg(feature = #feature)]
            (#product, #version, crate::#module::call_json::ACTIONS),
        }
    });
    let arms = apis.iter().map(|api| {
        let product = &api.service.product;
        let version = &api.service.version;
        let feature = &api.service.feature;
        let module = module_path(api);
        quote! {
            #[cfg(feature = #feature)]
            (#product, #version) => crate::#module::call_json::call(client, action, params).await,
        }
    });
    quote! {
        //! `Client::call_json` and `Client::call_product_json`: a call by
        //! product, version and action name.

        /// The APIs compiled in: product, version and actions.
        pub(crate) const APIS: &[(&str, &str, &[&str])] = &[#(#entries)*];

        /// Dispatches to the API's table; an unknown or ambiguous API, or
        /// an unknown action, is an invalid request naming what exists.
        pub(crate) async fn call(
            client: &crate::Client,
            product: Option<&str>,
            version: &str,
            action: &str,
            params: serde_json::Value,
        ) -> Result<serde_json::Value, crate::Error<crate::ServiceError>> {
            let product = crate::operation_support::find_api(APIS, product, version, action)
                .map_err(crate::Error::InvalidRequest)?;
            let answer = match (product, version) {
                #(#arms)*
                _ => None,
            };
            answer.unwrap_or_else(|| {
                unreachable!("find_api only answers with an API of APIS")
            })
        }
    }
}

/// `v2018_04_12` or `instant::v2023_07_01`, as a path.
fn module_path(api: &Api) -> TokenStream {
    let module = format_ident!("{}", api.service.module);
    match &api.service.namespace {
        Some(namespace) => {
            let namespace = format_ident!("{}", namespace);
            quote!(#namespace::#module)
        }
        None => quote!(#module),
    }
}
