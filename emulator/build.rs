//! Embeds the spec files so the emulator serves every specified operation
//! of every API version without being told where `specs/` is. Adding or
//! removing a spec file reruns this script, so the embedded list follows
//! the directory.

use std::env;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

fn main() {
    let manifest_dir = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let specs = specs_dir(&manifest_dir);
    println!("cargo:rerun-if-changed={}", specs.display());
    // `specs/<product>/<version>/`, each holding service.yaml.
    let mut versions: Vec<PathBuf> = subdirs(&specs)
        .into_iter()
        .flat_map(|product| {
            println!("cargo:rerun-if-changed={}", product.display());
            subdirs(&product)
        })
        .filter(|path| path.join("service.yaml").is_file())
        .collect();
    versions.sort();

    let mut code = String::new();
    code.push_str("// Written by build.rs from the spec files.\n");
    code.push_str("pub(crate) static VERSIONS: &[EmbeddedVersion] = &[\n");
    for version in &versions {
        let operations = version.join("operations");
        let service = version.join("service.yaml");
        println!("cargo:rerun-if-changed={}", version.display());
        println!("cargo:rerun-if-changed={}", operations.display());
        println!("cargo:rerun-if-changed={}", service.display());
        let mut files: Vec<PathBuf> = fs::read_dir(&operations)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", operations.display()))
            .filter_map(|entry| entry.ok().map(|e| e.path()))
            .filter(|path| path.extension().is_some_and(|e| e == "yaml" || e == "yml"))
            .collect();
        files.sort();
        writeln!(
            code,
            "    EmbeddedVersion {{ service: {}, operations: &[",
            entry(&specs, &service)
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

fn subdirs(dir: &Path) -> Vec<PathBuf> {
    fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.is_dir())
        .collect()
}

/// `specs/` inside the crate when it is packaged with one, else the
/// workspace's.
fn specs_dir(manifest_dir: &Path) -> PathBuf {
    let own = manifest_dir.join("specs");
    if own.is_dir() {
        own
    } else {
        manifest_dir.join("..").join("specs")
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
