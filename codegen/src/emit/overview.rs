//! The overview of a version module: what the API is, its operations
//! grouped by the resource they act on, its waiters and paginators.

use crate::model::{Api, PagingStyle};

/// The module doc of `v<version>`, as Markdown.
pub fn version(api: &Api) -> String {
    let s = &api.service;
    let m = &s.path();
    let h = &s.handle();
    let mut text = match &s.summary {
        Some(summary) => format!("{summary}: API version {} of {}.\n", s.version, s.product),
        None => format!("API version {} of {}.\n", s.version, s.product),
    };
    if let Some(description) = &s.description {
        text.push('\n');
        text.push_str(description.trim());
        text.push('\n');
    }
    text.push_str(&format!(
        "\nGet the [`Client`](crate::{m}::Client) handle of this version from the shared \
         [`crate::Client`] with [`crate::Client::{h}`]; each operation is a method on it and a \
         module of [`operation`](crate::{m}::operation). Every request of this module is sent \
         to the {} endpoint with `Version={}`.\n",
        s.product, s.version
    ));
    text.push_str("\n# Operations by resource\n");
    for group in &s.groups {
        let members: Vec<_> = api
            .operations
            .iter()
            .filter(|op| op.group.as_deref() == Some(group.name.as_str()))
            .collect();
        if members.is_empty() {
            continue;
        }
        text.push_str(&format!(
            "\n## {}\n\n{}\n\n| Operation | What it does |\n|---|---|\n",
            group.title,
            group.description.trim()
        ));
        for op in members {
            text.push_str(&format!(
                "| [`{}`](crate::{m}::Client::{}) | {} |\n",
                op.name,
                op.snake,
                op.summary.replace('|', "\\|")
            ));
        }
    }
    let ungrouped: Vec<_> = api
        .operations
        .iter()
        .filter(|op| op.group.is_none())
        .collect();
    if !ungrouped.is_empty() {
        text.push_str("\n## Other operations\n\n| Operation | What it does |\n|---|---|\n");
        for op in ungrouped {
            text.push_str(&format!(
                "| [`{}`](crate::{m}::Client::{}) | {} |\n",
                op.name,
                op.snake,
                op.summary.replace('|', "\\|")
            ));
        }
    }
    if !api.waiters.is_empty() {
        text.push_str(
            "\n# Waiters\n\nEach polls an operation until a state is reached, with growing \
             pauses between polls, and ends with the final answer, the failure state, or a \
             time-out ([`crate::wait`]).\n\n\
             | Waiter | Polls | Succeeds on | Fails on | Default bound |\n|---|---|---|---|---|\n",
        );
        for w in &api.waiters {
            let mut success: Vec<String> = w.success.iter().map(|v| format!("`{v}`")).collect();
            success.extend(w.success_errors.iter().map(|c| format!("error `{c}`")));
            let failure: Vec<String> = w.failure.iter().map(|v| format!("`{v}`")).collect();
            text.push_str(&format!(
                "| [`wait_until_{}`](crate::{m}::Client::wait_until_{}) | `{}` (`{}`) | {} | {} | {} s |\n",
                w.name,
                w.name,
                w.operation,
                w.state,
                success.join(", "),
                if failure.is_empty() { "-".to_string() } else { failure.join(", ") },
                w.max_wait
            ));
        }
    }
    let paged: Vec<_> = api
        .operations
        .iter()
        .filter_map(|op| op.paginator.as_ref().map(|p| (op, p)))
        .collect();
    if !paged.is_empty() {
        text.push_str(
            "\n# Paginators\n\nThese operations page through a list: `into_paginator()` on the \
             call fetches page after page ([`crate::paginate`]).\n\n\
             | Operation | Pages by | Items |\n|---|---|---|\n",
        );
        for (op, paginator) in paged {
            let style = match paginator.style {
                PagingStyle::PageNumber => "`PageNumber`",
                PagingStyle::Token => "`NextToken`",
            };
            text.push_str(&format!(
                "| [`{}`](crate::{m}::operation::{}) | {style} | `{}` |\n",
                op.name, op.snake, paginator.items_field
            ));
        }
    }
    text
}
