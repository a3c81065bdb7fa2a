//! `cargo xtask import <api-docs.json> [--only Name,Name] [--check]`.

use codegen::import::{self, ImportOptions};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

pub fn run(root: &Path, args: &[&str]) -> ExitCode {
    let options = match parse(root, args) {
        Ok(options) => options,
        Err(message) => {
            eprintln!("error: {message}\n\n{}", super::USAGE);
            return ExitCode::from(2);
        }
    };
    let report = match import::import(&options) {
        Ok(report) => report,
        Err(error) => {
            eprintln!("error: {}", relative(root, &error.to_string()));
            return ExitCode::FAILURE;
        }
    };
    let verb = if options.write { "" } else { "would be " };
    for path in &report.created {
        println!(
            "{verb}created: {}",
            relative(root, &path.display().to_string())
        );
    }
    for path in &report.updated {
        println!(
            "{verb}updated: {}",
            relative(root, &path.display().to_string())
        );
    }
    for note in &report.notes {
        println!("note: {note}");
    }
    println!(
        "{} spec(s) {verb}created, {} {verb}updated, {} unchanged",
        report.created.len(),
        report.updated.len(),
        report.unchanged
    );
    if !options.write && !report.is_unchanged() {
        eprintln!("specs/ differs from the metadata; run the command without --check");
        return ExitCode::FAILURE;
    }
    if options.write && !report.is_unchanged() {
        println!("run `cargo xtask codegen` to regenerate the SDK");
    }
    ExitCode::SUCCESS
}

fn parse(root: &Path, args: &[&str]) -> Result<ImportOptions, String> {
    let mut metadata = None;
    let mut only = None;
    let mut write = true;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match *arg {
            "--only" => {
                let list = args
                    .next()
                    .ok_or("--only needs a list of operation names")?;
                let names: Vec<String> = list
                    .split(',')
                    .map(str::trim)
                    .filter(|n| !n.is_empty())
                    .map(str::to_string)
                    .collect();
                if names.is_empty() {
                    return Err("--only needs at least one operation name".into());
                }
                only = Some(names);
            }
            "--check" => write = false,
            flag if flag.starts_with('-') => return Err(format!("unknown option `{flag}`")),
            path if metadata.is_none() => metadata = Some(PathBuf::from(path)),
            extra => return Err(format!("unexpected argument `{extra}`")),
        }
    }
    let metadata = metadata.ok_or("missing the path of the api-docs.json file")?;
    Ok(ImportOptions {
        metadata,
        specs_dir: root.join(codegen::SPECS_DIR),
        only,
        write,
    })
}

fn relative(root: &Path, text: &str) -> String {
    text.replace(&format!("{}/", root.display()), "")
}
