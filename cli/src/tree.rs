//! The command tree, built at start from the specs: one subcommand per
//! operation of the chosen API version, `wait` with one subcommand per
//! waiter, a subcommand per product other than E-HPC holding the same, and
//! `completion`.

use crate::catalog::{command_name, follow_up_waiter, Product};
use crate::flags::parameter_arg;
use clap::{Arg, ArgAction, Command};
use codegen::model::{Api, Operation, Waiter};

/// Flags every command takes, before or after the operation.
fn global_args() -> Vec<Arg> {
    let arg = |name: &'static str, value: &'static str, help: &'static str| {
        Arg::new(name)
            .long(name)
            .value_name(value)
            .help(help)
            .global(true)
            .help_heading("Global options")
    };
    let seconds = clap::value_parser!(u64).range(1..);
    vec![
        arg(
            "api-version",
            "VERSION",
            "API version of the product (default: its newest)",
        ),
        arg(
            "region",
            "REGION",
            "Region id, e.g. cn-hangzhou (default: ALIBABA_CLOUD_REGION_ID or the profile's)",
        ),
        arg(
            "endpoint",
            "URL",
            "Endpoint to call instead of the region's (e.g. an ehpc-emulator's address)",
        ),
        arg(
            "profile",
            "NAME",
            "Profile of ~/.aliyun/config.json to take credentials and region from",
        ),
        arg("signature-version", "VERSION", "Request signature").value_parser(["v1", "v3"]),
        arg("connect-timeout", "SECONDS", "Bound on connecting").value_parser(seconds),
        arg("read-timeout", "SECONDS", "Bound on reading an answer").value_parser(seconds),
        arg("max-attempts", "N", "Attempts per call, retries included")
            .value_parser(clap::value_parser!(u32).range(1..)),
        arg("output", "FORMAT", "Output format")
            .short('o')
            .value_parser(["json", "yaml", "table", "text"])
            .default_value("json"),
        arg(
            "query",
            "JMESPATH",
            "JMESPath expression applied to the answer (after paging)",
        ),
        arg(
            "dry-run",
            "",
            "Print the signed request, secrets redacted, and send nothing",
        )
        .action(ArgAction::SetTrue),
        arg(
            "yes",
            "",
            "Do not ask before deleting, stopping, uninstalling or detaching",
        )
        .short('y')
        .action(ArgAction::SetTrue),
    ]
}

/// The whole tree; `versions` picks each product's API version (by
/// product code), the newest when absent.
pub fn build(products: &[Product], version_of: impl Fn(&Product) -> String) -> Command {
    let main = &products[0];
    let api = main
        .api(&version_of(main))
        .unwrap_or_else(|| main.default_api());
    let mut root = product_command(Command::new("ehpc"), main, api)
        .version(env!("CARGO_PKG_VERSION"))
        .args(global_args())
        .subcommand(completion_command());
    for product in &products[1..] {
        let api = product
            .api(&version_of(product))
            .unwrap_or_else(|| product.default_api());
        let name = product
            .command
            .clone()
            .expect("products after the first have one");
        let about = format!(
            "{} ({}, API {}): `ehpc {name} <operation>`",
            api.service
                .summary
                .clone()
                .unwrap_or_else(|| product.code.clone()),
            product.code,
            api.service.version
        );
        root = root.subcommand(product_command(Command::new(name), product, api).about(about));
    }
    root
}

/// The operations and waiters of one product's API.
fn product_command(command: Command, product: &Product, api: &Api) -> Command {
    let overview = overview(product, api);
    let mut command = command
        .about(api.service.summary.clone().unwrap_or_default())
        .subcommand_required(true)
        .arg_required_else_help(true)
        .help_template("{about-with-newline}\n{usage-heading} {usage}\n\n{after-help}\n{all-args}")
        .after_help(overview)
        .subcommand(wait_command(api));
    if let Some(description) = &api.service.description {
        let summary = api.service.summary.clone().unwrap_or_default();
        command = command.long_about(format!("{summary}\n\n{description}"));
    }
    for operation in &api.operations {
        command = command.subcommand(operation_command(api, operation));
    }
    command
}

/// The operations grouped by resource, with their summaries, then the
/// waiters and other commands; `ehpc --help` shows it.
fn overview(product: &Product, api: &Api) -> String {
    let mut text = format!(
        "{} API {} (versions: {}; pick one with --api-version)\n",
        product.code,
        api.service.version,
        product.versions().join(", ")
    );
    let line = |name: String, summary: &str| wrapped(&format!("  {name:<34} "), summary);
    let mut listed = Vec::new();
    let groups = api
        .service
        .groups
        .iter()
        .map(|g| (Some(g.name.as_str()), g.title.as_str()));
    for (group, title) in groups.chain([(None, "Other operations")]) {
        let members: Vec<&Operation> = api
            .operations
            .iter()
            .filter(|op| match group {
                Some(name) => op.group.as_deref() == Some(name),
                None => !listed.contains(&op.name),
            })
            .collect();
        if members.is_empty() {
            continue;
        }
        text.push_str(&format!("\n{title}:\n"));
        for op in members {
            listed.push(op.name.clone());
            text.push_str(&line(command_name(&op.name), &op.summary));
        }
    }
    if !api.waiters.is_empty() {
        text.push_str("\nWaiters (wait <waiter>):\n");
        for waiter in &api.waiters {
            text.push_str(&line(waiter_name(waiter), &waiter.summary));
        }
    }
    text
}

/// `head` then `text` wrapped at [`WIDTH`], continued under its start.
fn wrapped(head: &str, text: &str) -> String {
    let indent = head.chars().count();
    let mut out = head.to_string();
    let mut column = indent;
    for word in text.split_whitespace() {
        if column > indent && column + 1 + word.len() > WIDTH {
            out.push('\n');
            out.push_str(&" ".repeat(indent));
            column = indent;
        } else if column > indent {
            out.push(' ');
            column += 1;
        }
        out.push_str(word);
        column += word.chars().count();
    }
    out.push('\n');
    out
}

/// Columns of the operation listing.
const WIDTH: usize = 100;

fn completion_command() -> Command {
    Command::new("completion")
        .about("Print a completion script for a shell")
        .arg(Arg::new("shell").required(true).value_parser([
            "bash",
            "zsh",
            "fish",
            "powershell",
            "elvish",
        ]))
}

pub fn waiter_name(waiter: &Waiter) -> String {
    waiter.name.replace('_', "-")
}

fn wait_command(api: &Api) -> Command {
    let mut wait = Command::new("wait")
        .about("Wait until a resource reaches a state")
        .subcommand_required(true);
    for waiter in &api.waiters {
        let operation = api
            .operations
            .iter()
            .find(|op| op.name == waiter.operation)
            .expect("a waiter's operation is validated");
        let mut command = Command::new(waiter_name(waiter))
            .about(waiter.summary.clone())
            .long_about(format!(
                "{}\n\nPolls {} until {} is {}{}; between polls it waits {} s, growing to {} s, at most {} s in all (--timeout).",
                waiter.summary,
                command_name(&waiter.operation),
                waiter.state,
                or_list(&waiter.success, &waiter.success_errors),
                if waiter.failure.is_empty() {
                    String::new()
                } else {
                    format!(", failing on {}", waiter.failure.join(" or "))
                },
                waiter.min_delay,
                waiter.max_delay,
                waiter.max_wait
            ))
            .args(wait_args());
        for (wire, _, _) in &waiter.parameters {
            if let Some(field) = operation.parameters.iter().find(|f| &f.wire_name == wire) {
                command = command.arg(parameter_arg(operation, field));
            }
        }
        wait = wait.subcommand(command);
    }
    wait
}

fn or_list(success: &[String], errors: &[String]) -> String {
    let mut ends: Vec<String> = success.to_vec();
    ends.extend(errors.iter().map(|code| format!("gone (error {code})")));
    ends.join(" or ")
}

fn wait_args() -> [Arg; 2] {
    [
        Arg::new("timeout")
            .long("timeout")
            .value_name("SECONDS")
            .help("Give up after this long (default: the waiter's maximum)")
            .value_parser(clap::value_parser!(u64).range(1..)),
        Arg::new("interval")
            .long("interval")
            .value_name("SECONDS")
            .help("Poll at this fixed interval instead of the waiter's backoff")
            .value_parser(clap::value_parser!(u64).range(1..)),
    ]
}

fn operation_command(api: &Api, operation: &Operation) -> Command {
    let mut about = operation.summary.clone();
    let mut long = operation.summary.clone();
    if let Some(description) = &operation.description {
        long = format!("{long}\n\n{}", description.trim_end());
    }
    if operation.deprecated {
        about.push_str(" (deprecated)");
    }
    long.push_str(&format!(
        "\n\nAction {} of API {}; RAM action {} ({}).",
        operation.name,
        api.service.version,
        operation.ram_action,
        operation.access_level.as_str()
    ));
    if !operation.errors.is_empty() {
        long.push_str("\n\nErrors:");
        for error in &operation.errors {
            long.push_str(&format!(
                "\n  {} (HTTP {}): {}",
                error.code,
                error.status,
                error.description.as_deref().unwrap_or(&error.message)
            ));
        }
    }
    let mut command = Command::new(command_name(&operation.name))
        .visible_alias(operation.name.clone())
        .about(about)
        .long_about(long);
    for field in &operation.parameters {
        command = command.arg(parameter_arg(operation, field));
    }
    command = command
        .arg(
            Arg::new("cli-input-json")
                .long("cli-input-json")
                .value_name("FILE")
                .help("Every parameter as one JSON object with wire names, from FILE or - (stdin); flags override it"),
        )
        .arg(
            Arg::new("generate-skeleton")
                .long("generate-skeleton")
                .action(ArgAction::SetTrue)
                .help("Print the JSON object --cli-input-json takes, and send nothing"),
        );
    if let Some(paginator) = &operation.paginator {
        let sized = paginator
            .page_size
            .as_ref()
            .map(|(rust, _)| rust.replace('_', "-"));
        if sized.as_deref() != Some("page-size") {
            command = command.arg(
                Arg::new("page-size")
                    .long("page-size")
                    .value_name("N")
                    .help("Items per page")
                    .value_parser(clap::value_parser!(u32).range(1..)),
            );
        }
        command = command
            .arg(
                Arg::new("max-items")
                    .long("max-items")
                    .value_name("N")
                    .help("Stop after N items")
                    .value_parser(clap::value_parser!(u64).range(1..)),
            )
            .arg(
                Arg::new("no-paginate")
                    .long("no-paginate")
                    .action(ArgAction::SetTrue)
                    .help("Make one call: this page only"),
            );
    }
    if let Some(waiter) = follow_up_waiter(api, operation) {
        command = command.arg(
            Arg::new("wait")
                .long("wait")
                .action(ArgAction::SetTrue)
                .help(format!(
                    "Then wait: {} (as `wait {}`)",
                    waiter.summary,
                    waiter_name(waiter)
                )),
        );
        command = command.args(wait_args());
    }
    command
}

#[cfg(test)]
mod tests {
    use crate::catalog::{products, Wanted};

    /// clap's own checks of the whole tree, for every API version: no
    /// parameter's flag clashes with a global flag or another parameter's.
    #[test]
    fn every_version_builds_a_consistent_tree() {
        let products = products(&Wanted::All).expect("valid specs");
        let versions: Vec<String> = products
            .iter()
            .flat_map(|p| p.versions())
            .map(str::to_string)
            .collect();
        for version in versions {
            super::build(&products, |_| version.clone()).debug_assert();
        }
    }
}
