//! The waiters of one version (`waiters.yaml`): per waiter a builder that
//! holds the polled call, and a thin adapter to the hand-written polling
//! loop (`ehpc_sdk::wait`).

use super::docs;
use super::types::{ident, setter_argument};
use crate::model::{Api, Waiter};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

pub fn emit(api: &Api) -> TokenStream {
    let waiters = api.waiters.iter().map(waiter);
    quote! {
        //! The waiters of this version, from `waiters.yaml`: `client.wait_until_<name>()`.

        #(#waiters)*
    }
}

fn waiter(w: &Waiter) -> TokenStream {
    let camel = upper_camel(&w.name);
    let builder = format_ident!("{}Waiter", camel);
    let method = format_ident!("wait_until_{}", w.name);
    let def = format_ident!("{}", w.name.to_uppercase());
    let states_fn = format_ident!("{}_states", w.name);
    let op_module = format_ident!("{}", w.operation_snake);
    let op_method = ident(&w.operation_snake);
    let call = format_ident!("{}Call", w.operation);
    let output = format_ident!("{}Response", w.operation);
    let error = format_ident!("{}Error", w.operation);
    let name = &w.name;
    let success = &w.success;
    let failure = &w.failure;
    let success_errors = &w.success_errors;
    let (min_delay, max_delay, max_wait) = (w.min_delay, w.max_delay, w.max_wait);
    let setters = w.parameters.iter().map(|(wire, rust, ty)| {
        let setter = ident(rust);
        let (argument, _) = setter_argument(ty);
        let doc = docs::attrs(&format!("`{wire}` of the polled `{}`.", w.operation));
        quote! {
            #doc
            pub fn #setter(mut self, value: #argument) -> Self {
                self.call = self.call.#setter(value);
                self
            }
        }
    });
    let mut chain = quote!(std::iter::once(answer));
    for step in &w.state_steps {
        let field = ident(&step.field);
        chain = if step.array {
            quote!(#chain.flat_map(|v| v.#field.iter()))
        } else {
            quote!(#chain.filter_map(|v| v.#field.as_ref()))
        };
    }
    let gone = !w.success_errors.is_empty();
    let (returns, run, returns_doc) = if gone {
        (
            quote!(Option<super::operation::#op_module::#output>),
            quote!(until_gone),
            docs::attrs(
                "`None` when the poll answered with one of the codes that mean success \
                 (the resource is gone), else the final answer.",
            ),
        )
    } else {
        (
            quote!(super::operation::#op_module::#output),
            quote!(until_answer),
            docs::attrs("The final answer."),
        )
    };
    let mut ends = Vec::new();
    if !w.success.is_empty() {
        ends.push(format!("`{}` is {}", w.state, list(&w.success)));
    }
    if !w.success_errors.is_empty() {
        ends.push(format!("it answers with {}", list(&w.success_errors)));
    }
    let failing = if w.failure.is_empty() {
        String::new()
    } else {
        format!(", failing when it is {}", list(&w.failure))
    };
    let method_doc = docs::attrs(&format!(
        "{}\n\nPolls `{}` until {}{failing}; waits at most {} seconds unless \
         [`max_wait`]({}::max_wait) says otherwise.",
        docs::escape(&w.summary),
        w.operation,
        ends.join(" or "),
        w.max_wait,
        builder,
    ));
    let builder_doc = docs::attrs(&format!(
        "Waits until {}: set the parameters, then [`wait`](Self::wait). \
         Returned by [`Client::{}`](super::Client::{}).",
        w.name.replace('_', " "),
        method,
        method
    ));
    quote! {
        impl super::Client {
            #method_doc
            pub fn #method(&self) -> #builder {
                #builder {
                    call: self.#op_method(),
                    options: crate::wait::WaitOptions::new(std::time::Duration::from_secs(#max_wait)),
                }
            }
        }

        #builder_doc
        #[derive(Clone, Debug)]
        pub struct #builder {
            call: super::operation::#op_module::#call,
            options: crate::wait::WaitOptions,
        }

        impl #builder {
            #(#setters)*

            /// Gives up after this long (the default is the spec's).
            pub fn max_wait(mut self, max_wait: std::time::Duration) -> Self {
                self.options = self.options.max_wait(max_wait);
                self
            }

            /// Takes time (elapsed, sleeping) from `clock` instead of tokio's.
            pub fn clock(mut self, clock: std::sync::Arc<dyn crate::wait::WaitClock>) -> Self {
                self.options = self.options.clock(clock);
                self
            }

            #returns_doc
            pub async fn wait(
                self,
            ) -> Result<#returns, crate::wait::WaitError<super::operation::#op_module::#output, super::operation::#op_module::#error>> {
                let call = self.call;
                crate::wait::#run(&#def, #states_fn, &self.options, move || Box::pin(call.clone().send()))
                    .await
            }
        }

        const #def: crate::wait::WaiterDef = crate::wait::WaiterDef {
            name: #name,
            success: &[#(#success),*],
            failure: &[#(#failure),*],
            success_errors: &[#(#success_errors),*],
            min_delay: std::time::Duration::from_secs(#min_delay),
            max_delay: std::time::Duration::from_secs(#max_delay),
        };

        fn #states_fn(answer: &super::operation::#op_module::#output) -> Vec<String> {
            #chain.map(|v| v.to_string()).collect()
        }
    }
}

fn list(values: &[String]) -> String {
    values
        .iter()
        .map(|v| format!("`{v}`"))
        .collect::<Vec<_>>()
        .join(" or ")
}

/// `cluster_running` → `ClusterRunning`.
fn upper_camel(snake: &str) -> String {
    snake
        .split('_')
        .map(|part| {
            let mut chars = part.chars();
            chars
                .next()
                .map(|first| first.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect()
}
