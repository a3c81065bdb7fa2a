//! The E-HPC SDK generator.
//!
//! A pipeline of plain functions, each testable alone:
//! [`parse`] (YAML text → spec model) → [`validate`] (spec model → validated
//! model) → [`emit`] (model → Rust tokens) → [`format`](mod@format) (tokens → source)
//! → [`output`] (write or check the files on disk).

pub mod diagnostic;
pub mod emit;
pub mod format;
pub mod import;
pub mod locate;
pub mod model;
pub mod naming;
pub mod output;
pub mod parse;
pub mod spec;
pub mod validate;

use diagnostic::{Diagnostic, Diagnostics};
use format::OutputFile;
use parse::Parsed;
use spec::{OperationSpec, ServiceSpec};
use std::fs;
use std::path::{Path, PathBuf};

/// Where the generated code lives, relative to the workspace root.
pub const GENERATED_DIR: &str = "ehpc-sdk/src/generated";
/// Where the specs live, relative to the workspace root: one directory per
/// API version.
pub const SPECS_DIR: &str = "specs";

/// Every spec file of one version directory, read and parsed; all parse
/// problems are reported together.
pub fn load(
    specs_dir: &Path,
) -> Result<(Parsed<ServiceSpec>, Vec<Parsed<OperationSpec>>), Diagnostics> {
    match load_partially(specs_dir) {
        (Some(service), operations, diagnostics) if diagnostics.is_empty() => {
            Ok((service, operations))
        }
        (_, _, diagnostics) => Err(diagnostics),
    }
}

/// Every spec file that parses, with the problems of those that do not.
fn load_partially(
    specs_dir: &Path,
) -> (
    Option<Parsed<ServiceSpec>>,
    Vec<Parsed<OperationSpec>>,
    Diagnostics,
) {
    let mut diagnostics = Diagnostics::default();
    let service_path = specs_dir.join("service.yaml");
    let service = read(&service_path)
        .and_then(|text| parse::parse_service(&service_path, &text))
        .map_err(|d| diagnostics.push(d))
        .ok();
    let mut operations = Vec::new();
    match operation_files(&specs_dir.join("operations")) {
        Ok(files) => {
            for path in files {
                match read(&path).and_then(|text| parse::parse_operation(&path, &text)) {
                    Ok(parsed) => operations.push(parsed),
                    Err(diagnostic) => diagnostics.push(diagnostic),
                }
            }
        }
        Err(diagnostic) => diagnostics.push(diagnostic),
    }
    (service, operations, diagnostics)
}

/// The `.yaml` files of `dir`, sorted by name.
pub fn operation_files(dir: &Path) -> Result<Vec<PathBuf>, Diagnostic> {
    let entries = fs::read_dir(dir)
        .map_err(|e| Diagnostic::new(dir, "", format!("cannot read the directory: {e}")))?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|e| e == "yaml" || e == "yml"))
        .collect();
    files.sort();
    Ok(files)
}

fn read(path: &Path) -> Result<String, Diagnostic> {
    fs::read_to_string(path).map_err(|e| Diagnostic::new(path, "", format!("cannot read: {e}")))
}

/// The version directories of `specs_root` (each holding `service.yaml`
/// and `operations/`), sorted by path: `<product>/<version>/` as `specs/`
/// lays them out, or `<version>/` directly; `specs_root` alone when it
/// holds one version's specs directly.
pub fn version_dirs(specs_root: &Path) -> Result<Vec<PathBuf>, Diagnostic> {
    if specs_root.join("service.yaml").is_file() {
        return Ok(vec![specs_root.to_path_buf()]);
    }
    let mut dirs = Vec::new();
    for dir in subdirs(specs_root)? {
        if dir.join("service.yaml").is_file() {
            dirs.push(dir);
        } else {
            dirs.extend(
                subdirs(&dir)?
                    .into_iter()
                    .filter(|path| path.join("service.yaml").is_file()),
            );
        }
    }
    dirs.sort();
    if dirs.is_empty() {
        return Err(Diagnostic::new(
            specs_root,
            "",
            "no API version found: expected `<product>/<version>/service.yaml` directories",
        ));
    }
    Ok(dirs)
}

fn subdirs(dir: &Path) -> Result<Vec<PathBuf>, Diagnostic> {
    let entries = fs::read_dir(dir)
        .map_err(|e| Diagnostic::new(dir, "", format!("cannot read the directory: {e}")))?;
    Ok(entries
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.is_dir())
        .collect())
}

/// Whether the documentation rules ([`validate::docs`]) are enforced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Docs {
    /// Every operation, parameter, field and error must be described, as
    /// `cargo xtask codegen` requires.
    Required,
    /// Only the structural rules: for tools that need no prose (the
    /// emulator, tests of the structural rules).
    Optional,
}

/// Every version under `specs_root`, validated with the documentation
/// rules; all problems of all versions are reported together.
pub fn validate_all(specs_root: &Path) -> Result<Vec<model::Api>, Diagnostics> {
    validate_all_with(specs_root, Docs::Required)
}

/// [`validate_all`], with or without the documentation rules.
pub fn validate_all_with(specs_root: &Path, docs: Docs) -> Result<Vec<model::Api>, Diagnostics> {
    let dirs = version_dirs(specs_root).map_err(|d| Diagnostics(vec![d]))?;
    let mut diagnostics = Diagnostics::default();
    let mut apis = Vec::new();
    for dir in &dirs {
        let (service, operations, found) = load_partially(dir);
        diagnostics.0.extend(found.0);
        let Some(service) = service else {
            continue;
        };
        let expected = dir.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        let product_dir = dir
            .parent()
            .filter(|parent| *parent != specs_root && dir != specs_root)
            .and_then(|parent| parent.file_name())
            .and_then(|n| n.to_str());
        if let Some(product_dir) = product_dir {
            if service.spec.product != product_dir {
                let mut diagnostic = Diagnostic::new(
                    &service.file,
                    "product",
                    format!(
                        "product `{}` must match its directory, `{product_dir}`",
                        service.spec.product
                    ),
                );
                diagnostic.location = service.locations.find("product");
                diagnostics.push(diagnostic);
            }
        }
        if dir != specs_root && service.spec.version != expected {
            let mut diagnostic = Diagnostic::new(
                &service.file,
                "version",
                format!(
                    "version `{}` must match its directory, `{expected}`",
                    service.spec.version
                ),
            );
            diagnostic.location = service.locations.find("version");
            diagnostics.push(diagnostic);
        }
        let catalogue = error_catalogue(dir)
            .map_err(|d| diagnostics.push(d))
            .ok()
            .flatten();
        let documented = match docs {
            Docs::Required => validate::docs::check(&service, &operations, catalogue.as_ref()),
            Docs::Optional => Diagnostics::default(),
        };
        let validated =
            validate::validate(&service, &operations).and_then(|api| with_waiters(dir, api));
        match validated {
            Ok(mut api) if documented.is_empty() => {
                validate::docs::resolve(&mut api, catalogue.as_ref().map(|c| &c.spec));
                apis.push((service, api));
            }
            Ok(_) => diagnostics.0.extend(documented.0),
            Err(found) => {
                diagnostics.0.extend(found.0);
                diagnostics.0.extend(documented.0);
            }
        }
    }
    diagnostics.0.extend(validate::across_versions(&apis).0);
    if diagnostics.is_empty() {
        Ok(apis.into_iter().map(|(_, api)| api).collect())
    } else {
        diagnostics.0.sort_by(|a, b| a.file.cmp(&b.file));
        Err(diagnostics)
    }
}

/// The version's `waiters.yaml`, when it has one, checked against its
/// operations.
fn with_waiters(dir: &Path, mut api: model::Api) -> Result<model::Api, Diagnostics> {
    let path = dir.join(WAITERS_FILE);
    if !path.is_file() {
        return Ok(api);
    }
    let parsed = read(&path)
        .and_then(|text| parse::parse_waiters(&path, &text))
        .map_err(|d| Diagnostics(vec![d]))?;
    api.waiters = validate::waiters::validate(&parsed, &api)?;
    Ok(api)
}

/// The version's `errors.yaml`, when it has one.
fn error_catalogue(dir: &Path) -> Result<Option<Parsed<spec::ErrorCatalogueSpec>>, Diagnostic> {
    let path = dir.join(validate::docs::ERRORS_FILE);
    if !path.is_file() {
        return Ok(None);
    }
    read(&path)
        .and_then(|text| parse::parse_error_catalogue(&path, &text))
        .map(Some)
}

/// The waiters of a version, next to its `operations/`.
pub const WAITERS_FILE: &str = "waiters.yaml";

/// The whole pipeline up to formatted files, for every API version under
/// `specs_root`, in memory: nothing is written.
///
/// Files that parse are validated even when others do not, so one run
/// reports every problem it can find.
pub fn generate(specs_root: &Path) -> Result<Vec<OutputFile>, Diagnostics> {
    generate_with(specs_root, Docs::Required)
}

/// [`generate`], with or without the documentation rules.
pub fn generate_with(specs_root: &Path, docs: Docs) -> Result<Vec<OutputFile>, Diagnostics> {
    let apis = validate_all_with(specs_root, docs)?;
    let mut files: Vec<OutputFile> = emit::emit_root(&apis)
        .into_iter()
        .map(format::format)
        .collect();
    for api in &apis {
        files.extend(emit::emit(api).into_iter().map(format::format));
    }
    Ok(files)
}

/// Spec paths in diagnostics relative to `root`, as a maintainer types them.
pub fn relative_to(root: &Path, mut diagnostics: Diagnostics) -> Diagnostics {
    for d in &mut diagnostics.0 {
        if let Ok(relative) = d.file.strip_prefix(root) {
            d.file = relative.to_path_buf();
        }
    }
    diagnostics
}
