//! Stage three: the validated model to Rust token streams, one per output
//! file. Formatting is the next stage's job ([`crate::format`]).

mod call_json;
mod checks;
mod debug;
pub mod docs;
mod encode;
mod errors;
mod overview;
mod paginate;
mod request;
mod response;
mod types;
mod waiters;

use crate::model::{Api, Operation};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use std::path::PathBuf;

/// One output file as tokens, with the spec files it came from.
pub struct EmittedFile {
    /// Relative to the generated directory (`ehpc-sdk/src/generated`).
    pub path: PathBuf,
    /// The file-level doc and the spec it came from, for the header.
    pub source: String,
    pub tokens: TokenStream,
}

/// The files of one API version, under its module directory
/// (`v2018_04_12/...`, `instant/v2023_07_01/...`).
pub fn emit(api: &Api) -> Vec<EmittedFile> {
    let module = PathBuf::from(api.service.path().replace("::", "/"));
    let specs = format!("specs/{}/{}", api.service.product, api.service.version);
    let mut files = vec![
        EmittedFile {
            path: module.join("mod.rs"),
            source: format!("{specs}/"),
            tokens: version_module(api),
        },
        EmittedFile {
            path: module.join("service.rs"),
            source: format!("{specs}/service.yaml"),
            tokens: service(api),
        },
        EmittedFile {
            path: module.join("client.rs"),
            source: format!("{specs}/operations/"),
            tokens: client(api),
        },
        EmittedFile {
            path: module.join("call_json.rs"),
            source: format!("{specs}/operations/"),
            tokens: call_json::version(api),
        },
        EmittedFile {
            path: module.join("operation/mod.rs"),
            source: format!("{specs}/operations/"),
            tokens: operation_index(api),
        },
    ];
    if !api.waiters.is_empty() {
        files.push(EmittedFile {
            path: module.join("waiters.rs"),
            source: format!("{specs}/waiters.yaml"),
            tokens: waiters::emit(api),
        });
    }
    for op in &api.operations {
        files.push(EmittedFile {
            path: module.join("operation").join(format!("{}.rs", op.snake)),
            source: format!("{specs}/operations/{}.yaml", op.name),
            tokens: operation(op),
        });
    }
    files
}

/// The files shared by every version: the root module, which compiles each
/// version under its Cargo feature, and the product's endpoint table.
pub fn emit_root(apis: &[Api]) -> Vec<EmittedFile> {
    let mut namespaces: Vec<&str> = apis
        .iter()
        .filter_map(|api| api.service.namespace.as_deref())
        .collect();
    namespaces.dedup();
    let namespace_files = namespaces.into_iter().map(|namespace| {
        let members: Vec<&Api> = apis
            .iter()
            .filter(|api| api.service.namespace.as_deref() == Some(namespace))
            .collect();
        EmittedFile {
            path: PathBuf::from(namespace).join("mod.rs"),
            source: format!("specs/{}/", members[0].service.product),
            tokens: namespace_module(&members),
        }
    });
    let mut files = vec![
        EmittedFile {
            path: "mod.rs".into(),
            source: "specs/".into(),
            tokens: root_module(apis),
        },
        EmittedFile {
            path: "endpoints.rs".into(),
            source: "specs/*/service.yaml".into(),
            tokens: endpoints(apis),
        },
        EmittedFile {
            path: "call_json.rs".into(),
            source: "specs/".into(),
            tokens: call_json::root(apis),
        },
    ];
    files.extend(namespace_files);
    files
}

fn root_module(apis: &[Api]) -> TokenStream {
    let versions = apis
        .iter()
        .filter(|api| api.service.namespace.is_none())
        .map(version_declaration);
    let mut namespaces: Vec<&str> = apis
        .iter()
        .filter_map(|api| api.service.namespace.as_deref())
        .collect();
    namespaces.dedup();
    let namespaces = namespaces.into_iter().map(|namespace| {
        let module = format_ident!("{}", namespace);
        let members: Vec<&Api> = apis
            .iter()
            .filter(|api| api.service.namespace.as_deref() == Some(namespace))
            .collect();
        let features: Vec<&String> = members.iter().map(|api| &api.service.feature).collect();
        let condition = match features.as_slice() {
            [one] => quote!(feature = #one),
            many => quote!(any(#(feature = #many),*)),
        };
        let product = &members[0].service.product;
        let doc = docs::attrs(&format!(
            "The {product} product: one module per API version, each under its Cargo feature."
        ));
        quote! {
            #doc
            #[cfg(#condition)]
            pub mod #module;
        }
    });
    quote! {
        pub(crate) mod endpoints;
        #[cfg(feature = "serde-requests")]
        pub(crate) mod call_json;
        #(#versions)*
        #(#namespaces)*
    }
}

/// The `mod.rs` of a namespace: its versions, each under its feature.
fn namespace_module(apis: &[&Api]) -> TokenStream {
    let versions = apis.iter().map(|api| version_declaration(api));
    quote! {
        #(#versions)*
    }
}

/// `pub mod v<version>;` under its feature, with its doc, and the crate
/// root's re-exports for the version that sets `crate_root`.
fn version_declaration(api: &Api) -> TokenStream {
    let module = format_ident!("{}", api.service.module);
    let feature = &api.service.feature;
    let doc = docs::attrs(&format!(
        "{}API version {} of {}: its operations, service facts and [`Client`]({}::Client) \
         handle.\n\nAvailable with the Cargo feature `{feature}`.",
        api.service
            .summary
            .as_ref()
            .map(|s| format!("{s}, "))
            .unwrap_or_default(),
        api.service.version,
        api.service.product,
        api.service.module
    ));
    let root = if api.service.crate_root {
        quote! {
            /// The operations of the version reachable from the crate root.
            #[cfg(feature = #feature)]
            pub use self::#module::{operation, service};
        }
    } else {
        quote!()
    };
    quote! {
        #doc
        #[cfg(feature = #feature)]
        pub mod #module;
        #root
    }
}

/// One endpoint table per product: its versions share one host per region
/// (validation makes sure they agree).
fn endpoints(apis: &[Api]) -> TokenStream {
    let mut products: Vec<&str> = apis
        .iter()
        .map(|api| api.service.product.as_str())
        .collect();
    products.sort();
    products.dedup();
    let tables = products.into_iter().map(|product| {
        let members: Vec<&Api> = apis
            .iter()
            .filter(|api| api.service.product == product)
            .collect();
        let mut regional: Vec<(String, String)> = Vec::new();
        for api in &members {
            for (region, host) in &api.service.regional {
                if !regional.iter().any(|(r, _)| r == region) {
                    regional.push((region.clone(), host.clone()));
                }
            }
        }
        regional.sort();
        let first = &members[0].service;
        let rule = &first.endpoint_rule;
        let vpc_rule = &first.vpc_rule;
        let listed_only = members.iter().any(|api| api.service.listed_regions_only);
        let regions = regional.iter().map(|(r, _)| r);
        let hosts = regional.iter().map(|(_, h)| h);
        quote! {
            ProductEndpoints {
                product: #product,
                rule: #rule,
                vpc_rule: #vpc_rule,
                regional: &[#((#regions, #hosts)),*],
                listed_regions_only: #listed_only,
            },
        }
    });
    quote! {
        //! Endpoints of each product, shared by its API versions.

        /// Where one product's requests go.
        #[derive(Debug)]
        pub struct ProductEndpoints {
            /// Product code, `EHPC`.
            pub product: &'static str,
            /// Host for a region missing from `regional`; `{region}` is replaced.
            pub rule: &'static str,
            /// Host inside a VPC; `{region}` is replaced.
            pub vpc_rule: &'static str,
            /// Public endpoints by region, sorted by region: every version's.
            pub regional: &'static [(&'static str, &'static str)],
            /// Regions outside `regional` are not served.
            pub listed_regions_only: bool,
        }

        /// Every product of the specs, sorted by product code.
        pub const PRODUCTS: &[ProductEndpoints] = &[#(#tables)*];
    }
}

fn version_module(api: &Api) -> TokenStream {
    let doc = overview::version(api);
    let doc = doc.lines().map(|line| {
        let line = if line.is_empty() {
            String::new()
        } else {
            format!(" {line}")
        };
        quote!(#![doc = #line])
    });
    let waiters = if api.waiters.is_empty() {
        quote!()
    } else {
        quote!(
            pub mod waiters;
        )
    };
    quote! {
        #(#doc)*
        pub mod operation;
        pub mod service;
        #waiters
        mod client;
        #[cfg(feature = "serde-requests")]
        pub(crate) mod call_json;
        pub use client::Client;
    }
}

fn service(api: &Api) -> TokenStream {
    let s = &api.service;
    let product = &s.product;
    let version = &s.version;
    let rule = &s.endpoint_rule;
    let vpc_rule = &s.vpc_rule;
    let regions = s.regional.iter().map(|(r, _)| r);
    let hosts = s.regional.iter().map(|(_, h)| h);
    quote! {
        //! Service facts: product, API version and endpoints.

        /// Product code.
        pub const PRODUCT: &str = #product;
        /// API version sent as `Version`.
        pub const API_VERSION: &str = #version;
        /// Host for a region missing from [`REGIONAL_ENDPOINTS`]; `{region}` is replaced.
        pub const ENDPOINT_RULE: &str = #rule;
        /// Host inside a VPC; `{region}` is replaced.
        pub const VPC_ENDPOINT_RULE: &str = #vpc_rule;
        /// Public endpoints by region, sorted by region.
        pub const REGIONAL_ENDPOINTS: &[(&str, &str)] = &[#((#regions, #hosts)),*];
    }
}

fn client(api: &Api) -> TokenStream {
    let s = &api.service;
    let handle = format_ident!("{}", s.handle());
    let methods = api.operations.iter().map(|op| {
        let method = format_ident!("{}", op.snake);
        let module = format_ident!("{}", op.snake);
        let call = format_ident!("{}Call", op.name);
        let doc = docs::attrs(&format!(
            "{}\n\nSet parameters on the returned [`{}Call`]({}::{}Call), \
             then `.send().await`.",
            docs::operation(op),
            op.name,
            docs::operation_module(op),
            op.name
        ));
        let deprecated = deprecated(op);
        quote! {
            #doc
            #deprecated
            #[inline]
            pub fn #method(&self) -> super::operation::#module::#call {
                super::operation::#module::#call::new(self.client.clone())
            }
        }
    });
    let root_methods = api.operations.iter().filter(|_| s.crate_root).map(|op| {
        let method = format_ident!("{}", op.snake);
        let module = format_ident!("{}", op.snake);
        let call = format_ident!("{}Call", op.name);
        let doc = docs::attrs(&format!(
            "{}\n\nThe same as [`{}::Client::{}`]({}::Client::{}).",
            op.summary.clone(),
            s.path(),
            op.snake,
            op.module_path,
            op.snake
        ));
        let deprecated = deprecated(op);
        quote! {
            #doc
            #deprecated
            #[inline]
            pub fn #method(&self) -> super::operation::#module::#call {
                super::operation::#module::#call::new(self.clone())
            }
        }
    });
    let handle_doc = docs::attrs(&format!(
        "The operations of API version {}: a cheap handle on the shared [`crate::Client`] \
         (its configuration, connection pool, credentials and retry budget), obtained with \
         [`crate::Client::{}`] and as cheap to clone.",
        s.version,
        s.handle()
    ));
    let accessor_doc = docs::attrs(&format!(
        "The operations of API version {} of {}, e.g. `client.{}().{}()`.",
        s.version,
        s.product,
        s.handle(),
        api.operations
            .first()
            .map(|op| op.snake.as_str())
            .unwrap_or_default()
    ));
    quote! {
        //! The client handle of this version: one method per operation.

        #handle_doc
        #[derive(Clone, Debug)]
        pub struct Client {
            client: crate::Client,
        }

        impl Client {
            /// The shared client this handle sends through.
            pub fn client(&self) -> &crate::Client {
                &self.client
            }

            #(#methods)*
        }

        impl crate::Client {
            #accessor_doc
            pub fn #handle(&self) -> Client {
                Client { client: self.clone() }
            }

            #(#root_methods)*
        }
    }
}

fn deprecated(op: &Operation) -> TokenStream {
    if op.deprecated {
        quote!(#[deprecated(note = "deprecated by the service")])
    } else {
        quote!()
    }
}

fn operation_index(api: &Api) -> TokenStream {
    let mut table = String::from(
        "Operations of the API, one module each: request, builder, response, error and call.\n\n\
         | Operation | What it does |\n|---|---|\n",
    );
    for op in &api.operations {
        table.push_str(&format!(
            "| [`{}`]({}) | {} |\n",
            op.name,
            op.snake,
            op.summary.replace('|', "\\|")
        ));
    }
    let doc = table.lines().map(|line| {
        let line = if line.is_empty() {
            String::new()
        } else {
            format!(" {line}")
        };
        quote!(#![doc = #line])
    });
    let modules = api.operations.iter().map(|op| {
        let module = format_ident!("{}", op.snake);
        quote!(pub mod #module;)
    });
    let each = for_each_operation(api);
    quote! {
        #(#doc)*
        #(#modules)*
        #each
    }
}

/// A macro that hands every operation to a caller's macro, so code that
/// must cover the whole API (tests, tools) stays in step with the specs
/// without listing operations, and costs the SDK nothing when unused.
fn for_each_operation(api: &Api) -> TokenStream {
    let name = format_ident!("for_each_{}_operation", api.service.handle());
    let module = api.service.path();
    let entries = api.operations.iter().map(|op| {
        let action = format_ident!("{}", op.name);
        let module = format_ident!("{}", op.snake);
        let request = format_ident!("{}Request", op.name);
        let response = format_ident!("{}Response", op.name);
        let error = format_ident!("{}Error", op.name);
        quote!((#action, #module, #request, #response, #error))
    });
    let doc = docs::attrs(&format!(
        "Invokes `$callback!` once with one `(Action, module, Request, Response, Error)` \
         tuple per operation of API version {}, separated by commas; the types live in \
         `ehpc_sdk::{module}::operation::<module>`.",
        api.service.version
    ));
    quote! {
        #doc
        #[doc(hidden)]
        #[macro_export]
        macro_rules! #name {
            ($callback:ident) => {
                $callback! { #(#entries),* }
            };
        }
    }
}

fn operation(op: &Operation) -> TokenStream {
    let doc = docs::operation(op);
    let doc = doc.lines().map(|line| {
        let line = if line.is_empty() {
            String::new()
        } else {
            format!(" {line}")
        };
        quote!(#![doc = #line])
    });
    let request = request::emit(op);
    let response = response::emit(op);
    let errors = errors::emit(op);
    let paginator = paginate::emit(op);
    quote! {
        #(#doc)*
        #request
        #response
        #errors
        #paginator
    }
}
