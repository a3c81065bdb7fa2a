//! `ehpc`: every operation of every E-HPC API from the command line, its
//! commands, flags and help built at start from the specs embedded at
//! build time, its calls sent through the SDK.

mod catalog;
mod client;
mod dryrun;
mod failure;
mod flags;
mod output;
mod paging;
mod params;
mod run;
mod tree;
mod waiting;

use failure::{code, Failure};
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let products = match catalog::products(&wanted(&args)) {
        Ok(products) => products,
        Err(problem) => {
            eprintln!("error: {problem}");
            return ExitCode::from(code::OTHER as u8);
        }
    };
    let chosen = chosen_version(&args);
    let command = tree::build(&products, |product| {
        chosen
            .clone()
            .unwrap_or_else(|| product.default_api().service.version.clone())
    });
    let matches = match command.clone().try_get_matches_from(&args) {
        Ok(matches) => matches,
        Err(error) => {
            // Help and version go to stdout with 0; usage errors to stderr with 2.
            let _ = error.print();
            return ExitCode::from(if error.use_stderr() {
                code::USAGE as u8
            } else {
                0
            });
        }
    };
    let json_errors = run::leaf(&matches)
        .get_one::<String>("output")
        .map(String::as_str)
        == Some("json");
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start: {e}");
            return ExitCode::from(code::OTHER as u8);
        }
    };
    let outcome = runtime.block_on(async {
        tokio::select! {
            outcome = run::run(&products, command, &matches, chosen.as_deref()) => outcome,
            _ = tokio::signal::ctrl_c() => Err(Failure::new(code::INTERRUPTED, "interrupted")),
        }
    });
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            failure.report(json_errors);
            ExitCode::from(failure.code as u8)
        }
    }
}

/// `--api-version` picks which operations exist, so it is read before
/// the command tree is built.
fn chosen_version(args: &[String]) -> Option<String> {
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        if arg == "--" {
            break;
        }
        if let Some(value) = arg.strip_prefix("--api-version=") {
            return Some(value.to_string());
        }
        if arg == "--api-version" {
            return args.next().cloned();
        }
    }
    None
}

/// The operations a command line names: only those are read, unless it
/// asks for the whole tree (help, completion).
fn wanted(args: &[String]) -> catalog::Wanted {
    let words: Vec<String> = args
        .iter()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .cloned()
        .collect();
    let listing = ["completion", "help"];
    if words.is_empty() || words.iter().any(|w| listing.contains(&w.as_str())) {
        return catalog::Wanted::All;
    }
    catalog::Wanted::Named(words)
}
