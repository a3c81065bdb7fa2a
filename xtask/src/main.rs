//! Project tasks: `cargo xtask codegen [--check]`.

mod bench_compile;
mod import;

use codegen::output::{self, Mode};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const USAGE: &str = "usage: cargo xtask codegen [--check]

  codegen           generate ehpc-sdk/src/generated from specs/<version>/
  codegen --check   change nothing; fail if generated code is stale
  import <api-docs.json> [--only Name,Name] [--check]
                    write specs/<version>/ from Alibaba Cloud's OpenAPI
                    metadata (the version is the metadata's info.version);
                    --check changes nothing and fails if specs would change
  bench-compile [--runs N] [--debug-only]
                    time `cargo build -p ehpc-sdk` with dependencies built,
                    debug and release, both API versions and each alone
                    (needs GNU time at /usr/bin/time)";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        ["codegen"] => codegen(Mode::Write),
        ["codegen", "--check"] => codegen(Mode::Check),
        ["import", rest @ ..] => import::run(&workspace_root(), rest),
        ["bench-compile", rest @ ..] => bench_compile::run(&workspace_root(), rest),
        ["help" | "--help" | "-h"] => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        _ => {
            eprintln!("{USAGE}");
            ExitCode::from(2)
        }
    }
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives one level below the workspace root")
        .to_path_buf()
}

fn codegen(mode: Mode) -> ExitCode {
    let root = workspace_root();
    let files = match codegen::generate(&root.join(codegen::SPECS_DIR)) {
        Ok(files) => files,
        Err(diagnostics) => {
            eprintln!("{}", codegen::relative_to(&root, diagnostics));
            return ExitCode::FAILURE;
        }
    };
    let changes = match output::sync(&root.join(codegen::GENERATED_DIR), &files, mode) {
        Ok(changes) => changes,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::FAILURE;
        }
    };
    match mode {
        Mode::Write => {
            for change in &changes {
                println!("{}", relative(&root, change));
            }
            println!(
                "{} file(s) generated, {} changed",
                files.len(),
                changes.len()
            );
            ExitCode::SUCCESS
        }
        Mode::Check if changes.is_empty() => {
            println!("generated code is up to date ({} files)", files.len());
            ExitCode::SUCCESS
        }
        Mode::Check => {
            eprintln!("generated code is out of date with specs/:");
            for change in &changes {
                eprintln!("  {}", relative(&root, change));
            }
            eprintln!("run `cargo xtask codegen` to update it");
            ExitCode::FAILURE
        }
    }
}

fn relative(root: &Path, change: &output::Change) -> String {
    change
        .to_string()
        .replace(&format!("{}/", root.display()), "")
}
