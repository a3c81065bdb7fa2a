//! Stage three: the validated model to Rust token streams, one per output
//! file. Formatting is the next stage's job ([`crate::format`]).

mod checks;
pub mod docs;
mod errors;
mod request;
mod response;
mod types;

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

pub fn emit(api: &Api) -> Vec<EmittedFile> {
    let mut files = vec![
        EmittedFile {
            path: "mod.rs".into(),
            source: "specs/".into(),
            tokens: root_module(),
        },
        EmittedFile {
            path: "service.rs".into(),
            source: "specs/service.yaml".into(),
            tokens: service(api),
        },
        EmittedFile {
            path: "client.rs".into(),
            source: "specs/operations/".into(),
            tokens: client(api),
        },
        EmittedFile {
            path: "operation/mod.rs".into(),
            source: "specs/operations/".into(),
            tokens: operation_index(api),
        },
    ];
    for op in &api.operations {
        files.push(EmittedFile {
            path: PathBuf::from("operation").join(format!("{}.rs", op.snake)),
            source: format!("specs/operations/{}.yaml", op.name),
            tokens: operation(op),
        });
    }
    files
}

fn root_module() -> TokenStream {
    quote! {
        pub mod operation;
        pub mod service;
        mod client;
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
    let methods = api.operations.iter().map(|op| {
        let method = format_ident!("{}", op.snake);
        let module = format_ident!("{}", op.snake);
        let call = format_ident!("{}Call", op.name);
        let doc = docs::attrs(&format!(
            "{}\n\nSet parameters on the returned [`{}Call`](crate::operation::{}::{}Call), \
             then `.send().await`.",
            docs::operation(op),
            op.name,
            op.snake,
            op.name
        ));
        let deprecated = if op.deprecated {
            quote!(#[deprecated(note = "deprecated by the service")])
        } else {
            quote!()
        };
        quote! {
            #doc
            #deprecated
            pub fn #method(&self) -> crate::operation::#module::#call {
                crate::operation::#module::#call::new(self.clone())
            }
        }
    });
    quote! {
        //! One method per operation on [`Client`](crate::Client).

        impl crate::Client {
            #(#methods)*
        }
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
            docs::escape(&op.summary).replace('|', "\\|")
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
    let entries = api.operations.iter().map(|op| {
        let action = format_ident!("{}", op.name);
        let module = format_ident!("{}", op.snake);
        let request = format_ident!("{}Request", op.name);
        let response = format_ident!("{}Response", op.name);
        let error = format_ident!("{}Error", op.name);
        quote!((#action, #module, #request, #response, #error))
    });
    quote! {
        /// Invokes `$callback!` once with one `(Action, module, Request, Response, Error)`
        /// tuple per operation, separated by commas; the types live in
        /// `ehpc_sdk::operation::<module>`.
        #[doc(hidden)]
        #[macro_export]
        macro_rules! for_each_operation {
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
    quote! {
        #(#doc)*
        #request
        #response
        #errors
    }
}
