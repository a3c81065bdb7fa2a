//! Embeds every spec tree (`service.yaml` with `operations/`, `waiters.yaml`
//! and `errors.yaml` beside it), found at any depth under `specs/`, so the
//! command tree follows the specs without per-operation code and a product
//! added under `specs/<Product>/<version>/` appears with no change here.

use std::env;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

fn main() {
    let manifest_dir = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let specs = {
        let own = manifest_dir.join("specs");
        if own.is_dir() {
            own
        } else {
            manifest_dir.join("..").join("specs")
        }
    };
    let mut trees = Vec::new();
    find_trees(&specs, &mut trees);
    trees.sort();

    let mut code = String::from("// Written by build.rs from the spec files.\n");
    code.push_str("pub(crate) static TREES: &[EmbeddedTree] = &[\n");
    for tree in &trees {
        let optional = |name: &str| {
            let path = tree.join(name);
            println!("cargo:rerun-if-changed={}", path.display());
            if path.is_file() {
                format!("Some({})", entry(&specs, &path))
            } else {
                "None".to_string()
            }
        };
        let service = entry(&specs, &tree.join("service.yaml"));
        let (waiters, errors) = (optional("waiters.yaml"), optional("errors.yaml"));
        let operations = tree.join("operations");
        println!("cargo:rerun-if-changed={}", operations.display());
        let mut files: Vec<PathBuf> = fs::read_dir(&operations)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", operations.display()))
            .filter_map(|entry| entry.ok().map(|e| e.path()))
            .filter(|path| path.extension().is_some_and(|e| e == "yaml" || e == "yml"))
            .collect();
        files.sort();
        writeln!(
            code,
            "    EmbeddedTree {{ service: {service}, waiters: {waiters}, errors: {errors}, operations: &["
        )
        .unwrap();
        for file in &files {
            println!("cargo:rerun-if-changed={}", file.display());
            writeln!(code, "        {},", entry(&specs, file)).unwrap();
        }
        code.push_str("    ] },\n");
    }
    code.push_str("];\n");
    let out =
        PathBuf::from(env::var_os("OUT_DIR").expect("set by cargo")).join("embedded_specs.rs");
    fs::write(&out, code).unwrap_or_else(|e| panic!("cannot write {}: {e}", out.display()));
}

/// Directories holding a `service.yaml`, below `dir` at any depth; a new
/// directory anywhere reruns the script.
fn find_trees(dir: &Path, found: &mut Vec<PathBuf>) {
    println!("cargo:rerun-if-changed={}", dir.display());
    if dir.join("service.yaml").is_file() {
        found.push(dir.to_path_buf());
        return;
    }
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        if entry.path().is_dir() {
            find_trees(&entry.path(), found);
        }
    }
}

/// One table entry: the path shown in messages, and the embedded text.
fn entry(specs: &Path, file: &Path) -> String {
    let shown = Path::new("specs").join(file.strip_prefix(specs).unwrap_or(file));
    let absolute = file.canonicalize().unwrap_or_else(|_| file.to_path_buf());
    format!(
        "EmbeddedSpec {{ path: {:?}, text: include_str!({:?}) }}",
        shown.to_string_lossy(),
        absolute.to_string_lossy()
    )
}
