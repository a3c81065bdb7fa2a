//! What a parsed command line does: an operation (paged, waited for, dry
//! run), a waiter, or a completion script.

use crate::catalog::{command_name, follow_up_waiter, Product};
use crate::failure::{code, Failure};
use crate::{client, dryrun, output, paging, params, tree, waiting};
use clap::{ArgMatches, Command};
use codegen::model::{Api, Operation, Waiter};
use serde_json::{Map, Value};
use std::io::{IsTerminal, Write};

/// Actions that remove or stop something, confirmed on a terminal.
const DESTRUCTIVE: &[&str] = &["Delete", "Stop", "Uninstall", "UnInstall", "Detach"];

/// The innermost subcommand's matches, where global flags are found
/// wherever they were written.
pub fn leaf(matches: &ArgMatches) -> &ArgMatches {
    match matches.subcommand() {
        Some((_, sub)) => leaf(sub),
        None => matches,
    }
}

pub async fn run(
    products: &[Product],
    mut command: Command,
    matches: &ArgMatches,
    chosen: Option<&str>,
) -> Result<(), Failure> {
    let (name, sub) = matches.subcommand().expect("a subcommand is required");
    if name == "completion" {
        let shell: clap_complete::Shell = sub
            .get_one::<String>("shell")
            .and_then(|s| s.parse().ok())
            .expect("checked by clap");
        clap_complete::generate(shell, &mut command, "ehpc", &mut std::io::stdout());
        return Ok(());
    }
    let (product, name, sub) = match products.iter().find(|p| p.command.as_deref() == Some(name)) {
        Some(product) => {
            let (name, sub) = sub.subcommand().expect("a subcommand is required");
            (product, name, sub)
        }
        None => (&products[0], name, sub),
    };
    let api = match chosen {
        Some(version) => product.api(version).ok_or_else(|| {
            Failure::usage(format!(
                "--api-version {version}: {} has {}",
                product.code,
                product.versions().join(", ")
            ))
        })?,
        None => product.default_api(),
    };
    let globals = leaf(sub);
    if name == "wait" {
        let (name, sub) = sub.subcommand().expect("a waiter is required");
        let waiter = api
            .waiters
            .iter()
            .find(|w| tree::waiter_name(w) == name)
            .expect("clap knows only these");
        return wait(api, waiter, sub, globals).await;
    }
    let operation = api
        .operations
        .iter()
        .find(|op| command_name(&op.name) == name)
        .expect("clap knows only these");
    call(api, operation, sub, globals).await
}

fn flag<'a, T: Clone + Send + Sync + 'static>(matches: &'a ArgMatches, id: &str) -> Option<&'a T> {
    matches.try_get_one::<T>(id).ok().flatten()
}

async fn call(
    api: &Api,
    operation: &Operation,
    matches: &ArgMatches,
    globals: &ArgMatches,
) -> Result<(), Failure> {
    if flag::<bool>(matches, "generate-skeleton") == Some(&true) {
        return print(&params::skeleton(operation), "json", None);
    }
    let mut params = params::request(operation, matches)?;
    let page_size = flag::<u32>(matches, "page-size").copied();
    let no_paginate = flag::<bool>(matches, "no-paginate") == Some(&true);
    if no_paginate {
        // One call: the page size goes into the request as it is.
        if let (Some(size), Some(name)) = (page_size, size_param(operation)) {
            params.entry(name).or_insert(Value::from(size));
        }
    }
    params::check_required(operation, &params)?;
    let dry_run = globals.get_flag("dry-run");
    if !dry_run && !globals.get_flag("yes") {
        confirm(operation)?;
    }
    if dry_run {
        return dry_run_call(operation, params, globals).await;
    }
    let client = client::build(globals, None)?;
    let listing = (!no_paginate)
        .then(|| paging::JsonListing::new(client.clone(), operation, params.clone()))
        .flatten();
    let answer = match listing {
        Some(listing) => {
            let max_items = flag::<u64>(matches, "max-items").copied();
            paging::all_pages(listing, page_size, max_items).await
        }
        None => {
            client
                .call_json(
                    &operation.version,
                    &operation.name,
                    Value::Object(params.clone()),
                )
                .await
        }
    }
    .map_err(|e| Failure::call(&operation.name, e))?;
    if flag::<bool>(matches, "wait") == Some(&true) {
        let waiter = follow_up_waiter(api, operation).expect("--wait exists only with a waiter");
        let waiter_params = follow_up_params(waiter, &params, &answer)?;
        waiting::run(
            &client,
            waiter,
            &api.service.version,
            waiter_params,
            wait_bounds(matches),
        )
        .await?;
    }
    let list = operation.paginator.as_ref().and_then(|p| {
        operation
            .response
            .iter()
            .find(|f| f.rust_name == p.items_field)
            .map(|f| f.wire_name.as_str())
    });
    finish(answer, globals, list)
}

/// `--timeout` and `--interval`, where the command has them.
fn wait_bounds(matches: &ArgMatches) -> waiting::Bounds {
    waiting::Bounds {
        timeout: flag::<u64>(matches, "timeout").copied(),
        interval: flag::<u64>(matches, "interval").copied(),
    }
}

fn size_param(operation: &Operation) -> Option<String> {
    let (rust, _) = operation.paginator.as_ref()?.page_size.as_ref()?;
    let field = operation.parameters.iter().find(|f| &f.rust_name == rust)?;
    Some(field.wire_name.clone())
}

/// The waiter's parameters from the call's parameters, else its answer
/// (the `ClusterId` a `CreateCluster` answers with).
fn follow_up_params(
    waiter: &Waiter,
    params: &Map<String, Value>,
    answer: &Value,
) -> Result<Map<String, Value>, Failure> {
    let mut taken = Map::new();
    for (wire, _, _) in &waiter.parameters {
        if let Some(value) = params.get(wire).or_else(|| answer.get(wire)) {
            taken.insert(wire.clone(), value.clone());
        }
    }
    Ok(taken)
}

async fn wait(
    api: &Api,
    waiter: &Waiter,
    matches: &ArgMatches,
    globals: &ArgMatches,
) -> Result<(), Failure> {
    let operation = api
        .operations
        .iter()
        .find(|op| op.name == waiter.operation)
        .expect("a waiter's operation is validated");
    let fields: Vec<_> = operation
        .parameters
        .iter()
        .filter(|f| {
            waiter
                .parameters
                .iter()
                .any(|(wire, _, _)| wire == &f.wire_name)
        })
        .cloned()
        .collect();
    let mut params = Map::new();
    params::flags_into(&fields, matches, &mut params);
    let polled = Operation {
        parameters: fields,
        ..operation.clone()
    };
    params::check_required(&polled, &params)?;
    let client = client::build(globals, None)?;
    let answer = waiting::run(
        &client,
        waiter,
        &api.service.version,
        params,
        wait_bounds(matches),
    )
    .await?;
    finish(answer, globals, None)
}

/// Asks before a destructive call when someone is at the terminal.
fn confirm(operation: &Operation) -> Result<(), Failure> {
    if !DESTRUCTIVE
        .iter()
        .any(|verb| operation.name.starts_with(verb))
    {
        return Ok(());
    }
    if !std::io::stdin().is_terminal() {
        return Ok(());
    }
    eprint!(
        "{}: {} Continue? [y/N] ",
        command_name(&operation.name),
        operation.summary
    );
    let _ = std::io::stderr().flush();
    let mut reply = String::new();
    std::io::stdin()
        .read_line(&mut reply)
        .map_err(|e| Failure::other(e.to_string()))?;
    match reply.trim() {
        "y" | "Y" | "yes" | "YES" | "Yes" => Ok(()),
        _ => Err(Failure::new(code::OTHER, "not confirmed; nothing was sent")),
    }
}

async fn dry_run_call(
    operation: &Operation,
    params: Map<String, Value>,
    globals: &ArgMatches,
) -> Result<(), Failure> {
    // The endpoint the call would use, over plain HTTP so the proxy sees
    // the request itself; neither signature covers the scheme.
    let endpoint = client::build(globals, None)?.endpoint().to_string();
    let endpoint = endpoint.replacen("https://", "http://", 1);
    let capture = dryrun::Capture::start().await?;
    // The process makes this one call; the SDK's HTTP client reads its
    // proxy from the environment when it is built, just below.
    std::env::set_var("HTTP_PROXY", &capture.proxy);
    std::env::set_var("http_proxy", &capture.proxy);
    std::env::remove_var("NO_PROXY");
    std::env::remove_var("no_proxy");
    let client = client::build(globals, Some(endpoint))?;
    let call = client.call_json(&operation.version, &operation.name, Value::Object(params));
    let (request, outcome) = tokio::join!(capture.request(), call);
    match outcome {
        Err(ehpc_sdk::Error::Service(e)) if e.code() == "DryRun" => {}
        Err(other) => return Err(Failure::call(&operation.name, other)),
        Ok(_) => return Err(Failure::other("--dry-run: the request was answered")),
    }
    print!("{}", dryrun::redact(&request?, operation));
    Ok(())
}

/// `--query`, then the output format.
fn finish(answer: Value, globals: &ArgMatches, list: Option<&str>) -> Result<(), Failure> {
    let format = globals
        .get_one::<String>("output")
        .map_or("json", String::as_str);
    let answer = match globals.get_one::<String>("query") {
        Some(expression) => {
            let compiled = jmespath::compile(expression)
                .map_err(|e| Failure::usage(format!("--query takes a JMESPath expression: {e}")))?;
            let found = compiled
                .search(&answer)
                .map_err(|e| Failure::usage(format!("--query: {e}")))?;
            serde_json::to_value(&*found).map_err(|e| Failure::other(e.to_string()))?
        }
        None => answer,
    };
    print(&answer, format, list)
}

fn print(answer: &Value, format: &str, list: Option<&str>) -> Result<(), Failure> {
    let text = output::render(answer, format, list)?;
    let mut stdout = std::io::stdout().lock();
    // A closed pipe (`| head`) ends the output, not the command's success.
    let _ = stdout.write_all(text.as_bytes());
    let _ = stdout.flush();
    Ok(())
}
